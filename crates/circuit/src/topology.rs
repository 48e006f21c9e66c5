//! Structural checks run after elaboration, so the solver never meets a matrix that is
//! singular by construction.
//!
//! - **Voltage loops**: a loop made only of branches that fix a voltage difference at DC
//!   (independent V, the outputs of E and H, inductors) makes the MNA matrix singular. Found
//!   with a union-find over those branches: the branch that joins two already connected nodes
//!   closes a loop, whose other branches are the path between its ends in the spanning forest.
//!   A V/E/H/L with both terminals on one node is shorted: reported as such, by name.
//! - **Floating nodes**: every node needs a DC path to ground through branches that carry a
//!   determined current (R, L, V, E and H outputs). Capacitors, current sources (I, F, G) and the
//!   sensing terminals of E and G do not count: ngspice reports "singular matrix" for such nodes;
//!   balun reports the node and what it is connected through. A lossless line (T) counts as a
//!   path between the two terminals of each port, not between its ports: at DC ngspice makes it
//!   `v(p1+) - v(p1-) = v(p2+) - v(p2-)` with `i1 = -i2` (a 1:1 ideal transformer), so each
//!   port's voltage is fixed but a port floating as a whole (both terminals reached only
//!   through the line) is singular.
//!
//! What does not live here: value checks (elaboration) and numerical singularity (solver).

use crate::{Circuit, DeviceKind, ElabError, NodeId, Warning};
use std::collections::VecDeque;

pub(crate) fn check(circuit: &Circuit) -> Result<(), ElabError> {
    check_voltage_loops(circuit)?;
    check_floating_nodes(circuit)
}

/// Union-find with path halving.
struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n).collect(),
        }
    }
    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }
    /// Joins the sets of `a` and `b`; false if they were already one set.
    fn union(&mut self, a: usize, b: usize) -> bool {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return false;
        }
        self.parent[rb] = ra;
        true
    }
}

/// The branch of a device that fixes a voltage at DC (V, E/H outputs, L). An RF port
/// (`portnum`) is a source behind its `z0`: it conducts, but fixes no voltage.
fn voltage_branch(kind: &DeviceKind) -> Option<(NodeId, NodeId)> {
    match kind {
        DeviceKind::VoltageSource { source, .. } if source.port.is_some() => None,
        DeviceKind::VoltageSource { pos, neg, .. }
        | DeviceKind::Vcvs { pos, neg, .. }
        | DeviceKind::Ccvs { pos, neg, .. } => Some((*pos, *neg)),
        DeviceKind::Poly {
            pos,
            neg,
            voltage_output: true,
            ..
        } => Some((*pos, *neg)),
        DeviceKind::Inductor { a, b, .. } => Some((*a, *b)),
        DeviceKind::BSource(b) if b.voltage => Some((b.pos, b.neg)),
        _ => None,
    }
}

/// The branch of a device that conducts at DC with a current set by the node voltages.
fn dc_branch(kind: &DeviceKind) -> Option<(NodeId, NodeId)> {
    match kind {
        DeviceKind::Resistor { a, b, .. } => Some((*a, *b)),
        DeviceKind::VoltageSource { pos, neg, source } if source.port.is_some() => {
            Some((*pos, *neg))
        }
        // A junction conducts at DC (and carries GMIN in parallel, as in ngspice).
        DeviceKind::Diode { anode, cathode, .. } => Some((*anode, *cathode)),
        // A current B source that reads its own terminal voltage conducts (the behavioural
        // resistor `I = v(a, b)/(expr)` that ngspice makes of `R a b R='...v()...'`).
        DeviceKind::BSource(b)
            if !b.voltage
                && b.expr.any(
                    &|e| matches!(e, crate::bexpr::BExpr::Node(n) if *n == b.pos || *n == b.neg),
                ) =>
        {
            Some((b.pos, b.neg))
        }
        _ => voltage_branch(kind),
    }
}

fn check_voltage_loops(circuit: &Circuit) -> Result<(), ElabError> {
    let n = circuit.node_count();
    let mut uf = UnionFind::new(n);
    // Spanning forest of the branches added so far: node -> (neighbour, device index).
    let mut forest: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    for (i, dev) in circuit.devices.iter().enumerate() {
        let Some((a, b)) = voltage_branch(&dev.kind) else {
            continue;
        };
        let (a, b) = (a.index(), b.index());
        if uf.union(a, b) {
            forest[a].push((b, i));
            forest[b].push((a, i));
            continue;
        }
        if a == b {
            return Err(ElabError::ShortedBranch {
                span: dev.span,
                element: dev.name.clone(),
                node: circuit.nodes[a].clone(),
            });
        }
        let mut members = forest_path(&forest, a, b);
        members.push(i);
        let names: Vec<&str> = members
            .iter()
            .map(|&d| circuit.devices[d].name.as_str())
            .collect();
        return Err(ElabError::VoltageLoop {
            span: dev.span,
            elements: names.join(", "),
        });
    }
    Ok(())
}

/// Device indices on the path from `from` to `to` in the forest (breadth-first search).
fn forest_path(forest: &[Vec<(usize, usize)>], from: usize, to: usize) -> Vec<usize> {
    let mut came_from: Vec<Option<(usize, usize)>> = vec![None; forest.len()];
    let mut seen = vec![false; forest.len()];
    let mut queue = VecDeque::from([from]);
    seen[from] = true;
    while let Some(x) = queue.pop_front() {
        if x == to {
            break;
        }
        for &(y, dev) in &forest[x] {
            if !seen[y] {
                seen[y] = true;
                came_from[y] = Some((x, dev));
                queue.push_back(y);
            }
        }
    }
    let mut path = Vec::new();
    let mut x = to;
    while let Some((prev, dev)) = came_from[x] {
        path.push(dev);
        x = prev;
    }
    path.reverse();
    path
}

fn check_floating_nodes(circuit: &Circuit) -> Result<(), ElabError> {
    let n = circuit.node_count();
    let mut uf = UnionFind::new(n);
    for dev in &circuit.devices {
        if let Some((a, b)) = dc_branch(&dev.kind) {
            uf.union(a.index(), b.index());
        }
        match &dev.kind {
            // GMIN across both junctions and the substrate junction joins all four terminals.
            DeviceKind::Bjt(q) => {
                for t in [q.c, q.e, q.s] {
                    uf.union(q.b.index(), t.index());
                }
            }
            // Both gate junctions and the channel conduct at DC (with GMIN, as in ngspice).
            DeviceKind::Jfet {
                drain,
                gate,
                source,
                ..
            } => {
                uf.union(drain.index(), gate.index());
                uf.union(gate.index(), source.index());
            }
            // A switch conducts (RON or ROFF) between its terminals; its control draws nothing.
            DeviceKind::VSwitch { pos, neg, .. } | DeviceKind::CSwitch { pos, neg, .. } => {
                uf.union(pos.index(), neg.index());
            }
            // The bulk junctions carry GMIN (as in ngspice) and the channel joins drain and
            // source; the gate has no DC path.
            DeviceKind::Mosfet { d, s, b, .. } => {
                uf.union(d.index(), b.index());
                uf.union(s.index(), b.index());
            }
            _ => {}
        }
        if let DeviceKind::TLine {
            p1p, p1n, p2p, p2n, ..
        }
        | DeviceKind::LossyLine {
            p1p, p1n, p2p, p2n, ..
        } = dev.kind
        {
            uf.union(p1p.index(), p1n.index());
            uf.union(p2p.index(), p2n.index());
        }
        if let DeviceKind::Txl { pos, neg, .. } = dev.kind {
            // ngspice's DC model of the line: v(in) - v(out) = R*length*i1.
            uf.union(pos.index(), neg.index());
        }
        if let DeviceKind::LossyLine { p1p, p2p, .. } = dev.kind {
            // ngspice's DC model of the line: v(p1+) - v(p2+) = R*LEN*i1.
            uf.union(p1p.index(), p2p.index());
        }
        if let DeviceKind::CoupledLine {
            near,
            ref_near,
            far,
            ref_far,
            ..
        } = &dev.kind
        {
            // Like T: each end's terminals are joined through the line's port equations.
            for k in near {
                uf.union(k.index(), ref_near.index());
            }
            for k in far {
                uf.union(k.index(), ref_far.index());
            }
        }
    }
    let ground = uf.find(0);
    for node in 1..n {
        if uf.find(node) == ground {
            continue;
        }
        let touching: Vec<&crate::Device> = circuit
            .devices
            .iter()
            .filter(|d| d.kind.terminals().iter().any(|t| t.index() == node))
            .collect();
        let through: Vec<&str> = touching.iter().map(|d| d.name.as_str()).collect();
        let span = touching.first().map(|d| d.span).unwrap_or_default();
        return Err(ElabError::FloatingNode {
            span,
            node: circuit.nodes[node].clone(),
            through: if through.is_empty() {
                "nothing".to_string()
            } else {
                through.join(", ")
            },
        });
    }
    Ok(())
}

/// Warns about top-level nodes that only one element touches (`R2 ot 0 1k` where `out` was
/// meant): legal, and harmless to the matrix when that element carries no current, but most
/// often a typo. Nodes driven by a voltage source or an E/H output are probe points and pass. The warning points at the element and suggests a similar node name. Nodes
/// inside subcircuits (`x1.n2`) are left alone: a model may well leave one of its own nodes
/// as a test point.
pub(crate) fn warn_dangling_nodes(circuit: &mut Circuit) {
    let mut count = vec![0u32; circuit.node_count()];
    let mut first = vec![usize::MAX; circuit.node_count()];
    for (i, d) in circuit.devices.iter().enumerate() {
        for n in d.kind.terminals() {
            count[n.index()] += 1;
            if first[n.index()] == usize::MAX {
                first[n.index()] = i;
            }
        }
    }
    let mut warnings = Vec::new();
    for (n, name) in circuit.nodes.iter().enumerate().skip(1) {
        if count[n] != 1 || name.contains('.') {
            continue;
        }
        let device = &circuit.devices[first[n]];
        // A node a voltage source or the output of an E/H drives is a well-defined probe point
        // (`Eout probe 0 a b 1` to read v(a,b)): not a typo.
        if voltage_branch(&device.kind).is_some_and(|(p, m)| p.index() == n || m.index() == n) {
            continue;
        }
        let others = (circuit.nodes.iter().enumerate())
            .filter(|&(m, other)| m != n && m > 0 && !other.contains('.'))
            .map(|(_, other)| other.as_str());
        let hint = crate::suggest::did_you_mean(name, others);
        warnings.push(Warning {
            span: device.span,
            message: format!(
                "node '{name}' is connected to only one element ({}): a typo?{hint}",
                device.name
            ),
        });
    }
    circuit.warnings.extend(warnings);
}
