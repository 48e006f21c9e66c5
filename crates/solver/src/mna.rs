//! Modified nodal analysis: unknown numbering, stamping, and the linear system of a circuit.
//!
//! Unknowns are the non-ground node voltages (node `k` at index `k-1`) followed by one branch
//! current for every device that needs one (voltage sources, inductors, E and H sources), in
//! device order, then the reported unknowns devices add under their own names (a T line's
//! `t1#i1`, `t1#i2`, `t1#int1`, `t1#int2`, which ngspice writes as `v(t1#i1)`, ...), then the
//! internal nodes that are solved for but not reported (a diode's anode behind RS). Without
//! `.save` the results list them in ngspice's order instead: the node voltages, then branch
//! currents and device unknowns in the order ngspice's setup creates them
//! (`Unknowns::ngspice_order`). A linear circuit's matrix is `Y(s) = G + s*C` with `s = j*omega`: [`System`]
//! keeps `G` and `C` as value arrays over one fixed sparsity [`Pattern`], so `.op`/`.dc` use `G`
//! and `.ac` fills `G + j*omega*C` in place at each frequency.
//!
//! The right-hand side is a sum of independent-source terms: source `d` contributes
//! `value(d) * sign` at each of its rows. `.dc` changes only the swept sources' values, so the
//! factorisation of `G` serves every sweep point.

use crate::devices;
use crate::devices::nonlinear::Nonlinear;
use crate::sparse::{Pattern, PatternBuilder};
use circuit::{Circuit, DeviceId, NodeId, SaveTarget};
use std::sync::Arc;

/// Numbering of the MNA unknowns and their ngspice names.
#[derive(Debug, Clone)]
pub struct Unknowns {
    /// Number of circuit nodes including ground.
    node_count: usize,
    /// Branch index of each device, if it has a branch current.
    branch_of: Vec<Option<u32>>,
    /// Device owning each branch.
    branch_device: Vec<DeviceId>,
    /// First internal node of each device that has some (a diode's anode behind RS, a
    /// transistor's terminals behind RB, RC, RE, RD, RS), numbered after the reported unknowns;
    /// these are solved for but not reported.
    internal_of: Vec<Option<u32>>,
    /// Owner and ngspice suffix (`internal`, `collector`, ...) of each internal node.
    internal_device: Vec<(DeviceId, &'static str)>,
    /// First reported device unknown of each device that has some (T lines), numbered after
    /// the branches.
    extra_of: Vec<Option<u32>>,
    /// Owner and ngspice suffix of each reported device unknown.
    extra: Vec<(DeviceId, &'static str)>,
    /// The unknowns written to the results, in order: all visible ones, or what `.save` asks.
    reported: Vec<usize>,
}

impl Unknowns {
    pub fn new(circuit: &Circuit) -> Self {
        let mut branch_of = Vec::with_capacity(circuit.devices.len());
        let mut branch_device = Vec::new();
        let mut internal_of = Vec::with_capacity(circuit.devices.len());
        let mut internal_device = Vec::new();
        let mut extra_of = Vec::with_capacity(circuit.devices.len());
        let mut extra = Vec::new();
        for (i, d) in circuit.devices.iter().enumerate() {
            let suffixes = devices::extra_unknowns(&d.kind);
            extra_of.push((!suffixes.is_empty()).then_some(extra.len() as u32));
            extra.extend(suffixes.iter().map(|&s| (DeviceId(i as u32), s)));
            if d.kind.has_branch() {
                branch_of.push(Some(branch_device.len() as u32));
                branch_device.push(DeviceId(i as u32));
            } else {
                branch_of.push(None);
            }
            let internal = devices::internal_nodes(&d.kind);
            internal_of.push((!internal.is_empty()).then_some(internal_device.len() as u32));
            internal_device.extend(internal.into_iter().map(|s| (DeviceId(i as u32), s)));
        }
        let mut unknowns = Unknowns {
            node_count: circuit.node_count(),
            branch_of,
            branch_device,
            internal_of,
            internal_device,
            extra_of,
            extra,
            reported: Vec::new(),
        };
        unknowns.reported = match &circuit.saves {
            None => unknowns.ngspice_order(circuit),
            Some(saves) => saves
                .iter()
                .filter_map(|s| match *s {
                    SaveTarget::Voltage(n) => unknowns.node(n),
                    SaveTarget::Current(d) => {
                        unknowns.branch_of[d.index()].map(|b| unknowns.node_count - 1 + b as usize)
                    }
                })
                .collect(),
        };
        unknowns
    }

    /// Every visible unknown in ngspice's output order: the node voltages, then each device's
    /// branch current or reported unknowns, devices in ngspice's setup order
    /// ([`devices::setup_rank`], equal ranks in reverse netlist order).
    fn ngspice_order(&self, circuit: &Circuit) -> Vec<usize> {
        let mut owners: Vec<usize> = (0..circuit.devices.len())
            .filter(|&d| devices::setup_rank(&circuit.devices[d].kind) != u32::MAX)
            .collect();
        owners.sort_by_key(|&d| {
            (
                devices::setup_rank(&circuit.devices[d].kind),
                std::cmp::Reverse(d),
            )
        });
        let mut order: Vec<usize> = (0..self.node_count - 1).collect();
        let mut placed = vec![false; circuit.devices.len()];
        let mut place = |d: usize, order: &mut Vec<usize>| {
            if std::mem::replace(&mut placed[d], true) {
                return;
            }
            if let Some(b) = self.branch_of[d] {
                order.push(self.node_count - 1 + b as usize);
            }
            if self.extra_of[d].is_some() {
                let id = DeviceId(d as u32);
                let n = self.extra.iter().filter(|(owner, _)| *owner == id).count();
                order.extend((0..n).map(|k| self.extra(id, k)));
            }
        };
        for d in owners {
            // Its own branch first, then the branches it reads that are not numbered yet.
            place(d, &mut order);
            for c in devices::controlling_branches(&circuit.devices[d].kind) {
                place(c.index(), &mut order);
            }
        }
        order
    }

    /// The unknowns the analyses report, in output order (see `.save`).
    pub fn reported(&self) -> &[usize] {
        &self.reported
    }

    /// Appends the reported unknowns of solution `x` to `out` (one stored point).
    pub fn gather<T: Copy>(&self, x: &[T], out: &mut Vec<T>) {
        out.extend(self.reported.iter().map(|&i| x[i]));
    }

    /// Total number of unknowns (matrix dimension).
    pub fn len(&self) -> usize {
        self.visible() + self.internal_device.len()
    }

    /// Number of reported unknowns: node voltages, branch currents and reported device
    /// unknowns (internal nodes excluded).
    pub fn visible(&self) -> usize {
        self.node_count - 1 + self.branch_device.len() + self.extra.len()
    }

    /// Matrix index of reported device unknown `k` of device `d` (in the order of
    /// `devices::extra_unknowns`).
    pub fn extra(&self, d: DeviceId, k: usize) -> usize {
        let first = self.extra_of[d.index()].expect("device has no reported unknowns");
        self.node_count - 1 + self.branch_device.len() + first as usize + k
    }

    /// Whether unknown `i` is written as a voltage (`v(...)`): node voltages and, as ngspice
    /// types them, the reported device unknowns (even a T line's port currents `t1#i1`).
    pub fn is_voltage(&self, i: usize) -> bool {
        let first_extra = self.node_count - 1 + self.branch_device.len();
        i < self.node_count - 1
            || ((first_extra..self.visible()).contains(&i)
                && !self.extra[i - first_extra].1.starts_with("branch"))
    }

    /// Matrix index of internal node `k` of device `d` (in the order of
    /// `devices::internal_nodes`).
    pub fn internal(&self, d: DeviceId, k: usize) -> usize {
        let first = self.internal_of[d.index()].expect("device has no internal node");
        self.visible() + first as usize + k
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of node-voltage unknowns.
    pub fn node_unknowns(&self) -> usize {
        self.node_count - 1
    }

    /// Matrix index of a node's voltage; `None` for ground.
    pub fn node(&self, n: NodeId) -> Option<usize> {
        (!n.is_ground()).then(|| n.index() - 1)
    }

    /// Matrix index of a device's branch current.
    ///
    /// Panics if the device has no branch: elaboration guarantees F/H controls are V sources.
    pub fn branch(&self, d: DeviceId) -> usize {
        let b = self.branch_of[d.index()].expect("device has no branch current");
        self.node_count - 1 + b as usize
    }

    /// The devices with branch currents, in unknown order.
    pub fn branch_devices(&self) -> &[DeviceId] {
        &self.branch_device
    }

    /// ngspice's name for unknown `i`: `v(node)` or `i(device)` (`v(d1#internal)` for an
    /// internal node, which ngspice does not report).
    pub fn name(&self, circuit: &Circuit, i: usize) -> String {
        if i < self.node_count - 1 {
            format!("v({})", circuit.nodes[i + 1])
        } else if i >= self.visible() {
            let (d, suffix) = self.internal_device[i - self.visible()];
            format!("v({}#{suffix})", circuit.devices[d.index()].name)
        } else if i >= self.node_count - 1 + self.branch_device.len() {
            let (d, suffix) = self.extra[i - (self.node_count - 1 + self.branch_device.len())];
            let name = &circuit.devices[d.index()].name;
            if suffix.starts_with("branch") {
                // A second branch current (a `Y` line's `y1#branch2`): ngspice writes `i(y1)`.
                format!("i({name})")
            } else {
                format!("v({name}#{suffix})")
            }
        } else {
            let d = self.branch_device[i - (self.node_count - 1)];
            format!("i({})", circuit.devices[d.index()].name)
        }
    }
}

/// One independent source's contribution to the right-hand side: `value * sign` at `row`.
#[derive(Debug, Clone, Copy)]
pub struct SourceTerm {
    pub device: DeviceId,
    pub row: usize,
    pub sign: f64,
}

/// The nonlinear devices of a system, each behind `Nonlinear`, with where its state and
/// charges live in the engines' flat arrays.
#[derive(Debug, Clone, Default)]
pub struct NonlinearDevices {
    pub devices: Vec<Arc<dyn Nonlinear>>,
    /// The circuit device each one is.
    pub ids: Vec<DeviceId>,
    /// Device `k`'s state is `state[state_at[k]..state_at[k + 1]]`.
    pub state_at: Vec<usize>,
    /// Device `k`'s charges are `q[charge_at[k]..charge_at[k + 1]]`.
    pub charge_at: Vec<usize>,
}

impl NonlinearDevices {
    pub fn len(&self) -> usize {
        self.devices.len()
    }

    pub fn is_empty(&self) -> bool {
        self.devices.is_empty()
    }

    /// Total length of the state arrays.
    pub fn state_len(&self) -> usize {
        self.state_at.last().copied().unwrap_or(0)
    }

    /// Total number of charges.
    pub fn charge_len(&self) -> usize {
        self.charge_at.last().copied().unwrap_or(0)
    }

    /// Device `k`'s slice of a flat state array.
    pub fn state<'s>(&self, k: usize, all: &'s [f64]) -> &'s [f64] {
        &all[self.state_at[k]..self.state_at[k + 1]]
    }

    /// The devices with their ids and their slices of the flat state array `all`.
    pub fn with_states<'s>(
        &'s self,
        all: &'s [f64],
    ) -> impl Iterator<Item = (DeviceId, &'s dyn Nonlinear, &'s [f64])> + 's {
        (0..self.len()).map(move |k| (self.ids[k], &*self.devices[k], self.state(k, all)))
    }
}

/// The assembled linear system `(G + sC) x = b` of a circuit.
#[derive(Debug, Clone)]
pub struct System {
    pub unknowns: Unknowns,
    pub pattern: Pattern,
    /// Frequency-independent part, one value per pattern slot.
    pub g: Vec<f64>,
    /// Coefficient of `s = j*omega`, one value per pattern slot.
    pub c: Vec<f64>,
    /// Independent-source terms of the right-hand side.
    pub sources: Vec<SourceTerm>,
    /// The nonlinear devices, linearised at each Newton iteration.
    pub nonlinear: NonlinearDevices,
    /// Lossless lines: `G` holds their DC coupling; `.ac` replaces it by the
    /// frequency-dependent one at each frequency and `.tran` by delayed sources.
    pub tlines: Vec<devices::tline::TLineInstance>,
    /// Multiconductor lines: `G` holds their DC chain parameters; `.ac` replaces them at each
    /// frequency (`.tran` runs on a ladder circuit instead, see `devices/mtl.rs`).
    pub mtls: Vec<devices::mtl::MtlInstance>,
    /// Lossy lines: `G` holds their DC rows; `.ac` replaces them at each frequency and `.tran`
    /// by each step's convolution terms (see `devices/ltra.rs`).
    pub ltras: Vec<devices::ltra::LtraInstance>,
}

/// What a device's stamp function writes into: matrix entries (`G` or `C` part) and source terms.
pub struct Stamper<'a> {
    unknowns: &'a Unknowns,
    builder: PatternBuilder,
    /// `(pattern handle, g, c)` contributions.
    entries: Vec<(usize, f64, f64)>,
    sources: Vec<SourceTerm>,
    nonlinear: Vec<(DeviceId, Box<dyn Nonlinear>)>,
    tlines: Vec<devices::tline::TLineInstance>,
    mtls: Vec<devices::mtl::MtlInstance>,
    ltras: Vec<devices::ltra::LtraInstance>,
    device: DeviceId,
}

impl<'a> Stamper<'a> {
    /// Matrix index of internal node `k` of the device being stamped (in the order of
    /// `devices::internal_nodes`).
    pub fn own_internal(&self, k: usize) -> usize {
        self.unknowns.internal(self.device, k)
    }

    /// Registers matrix position `(row, col)` for values set later (nonlinear devices);
    /// returns its handle, `None` when either is ground.
    pub fn position(&mut self, row: Option<usize>, col: Option<usize>) -> Option<usize> {
        match (row, col) {
            (Some(r), Some(c)) => Some(self.builder.add(r, c)),
            _ => None,
        }
    }

    /// Records a transmission line for `.ac` and `.tran`.
    pub fn add_tline(&mut self, t: devices::tline::TLineInstance) {
        self.tlines.push(t);
    }

    /// Records a multiconductor line for `.ac`.
    pub fn add_mtl(&mut self, m: devices::mtl::MtlInstance) {
        self.mtls.push(m);
    }

    /// Records a lossy line for `.ac` and `.tran`.
    pub fn add_ltra(&mut self, l: devices::ltra::LtraInstance) {
        self.ltras.push(l);
    }

    /// Matrix index of reported unknown `k` of the device being stamped.
    pub fn own_extra(&self, k: usize) -> usize {
        self.unknowns.extra(self.device, k)
    }

    /// Hands the nonlinear part of the device being stamped to the Newton loop (its pattern
    /// handles are resolved to slots after assembly, `Nonlinear::resolve`).
    pub fn add_nonlinear(&mut self, d: Box<dyn Nonlinear>) {
        self.nonlinear.push((self.device, d));
    }

    /// Matrix index of a node voltage (`None` for ground).
    pub fn node(&self, n: NodeId) -> Option<usize> {
        self.unknowns.node(n)
    }

    /// Matrix index of a device's branch current.
    pub fn branch(&self, d: DeviceId) -> usize {
        self.unknowns.branch(d)
    }

    /// The branch current of the device being stamped.
    pub fn own_branch(&self) -> usize {
        self.unknowns.branch(self.device)
    }

    /// Adds `g` to the frequency-independent entry `(row, col)`; ground rows/cols are dropped.
    pub fn g(&mut self, row: Option<usize>, col: Option<usize>, g: f64) {
        if let (Some(r), Some(c)) = (row, col) {
            let h = self.builder.add(r, c);
            self.entries.push((h, g, 0.0));
        }
    }

    /// Adds `c*s` to entry `(row, col)`.
    pub fn s(&mut self, row: Option<usize>, col: Option<usize>, c: f64) {
        if let (Some(r), Some(cc)) = (row, col) {
            let h = self.builder.add(r, cc);
            self.entries.push((h, 0.0, c));
        }
    }

    /// Admittance `g + s*c` between nodes a and b (the two-terminal stamp).
    pub fn admittance(&mut self, a: NodeId, b: NodeId, g: f64, c: f64) {
        let (ia, ib) = (self.node(a), self.node(b));
        for (r, col, sign) in [(ia, ia, 1.0), (ib, ib, 1.0), (ia, ib, -1.0), (ib, ia, -1.0)] {
            if let (Some(r), Some(col)) = (r, col) {
                let h = self.builder.add(r, col);
                self.entries.push((h, sign * g, sign * c));
            }
        }
    }

    /// Declares that the current device's value enters the right-hand side at `row` times `sign`.
    pub fn source(&mut self, row: Option<usize>, sign: f64) {
        if let Some(row) = row {
            self.sources.push(SourceTerm {
                device: self.device,
                row,
                sign,
            });
        }
    }
}

/// One linear device's stamp on its own (see [`System::stamp_alone`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeviceStamp {
    /// Matrix entries `(row, col, g, c)`: `g` in `G`, `c` the coefficient of `s = j*omega`.
    pub entries: Vec<(usize, usize, f64, f64)>,
    /// Rows where the device's source value enters the right-hand side, with their signs.
    pub sources: Vec<(usize, f64)>,
    /// What the device adds to the small-signal `G` only (`.ac`/`.noise`, not DC): a
    /// resistor's `ac=` resistance, `(row, col, g)`.
    pub ac_entries: Vec<(usize, usize, f64)>,
}

impl System {
    /// Whether `.ac` must stamp frequency-dependent elements (transmission lines of any kind)
    /// over `G + j*omega*C` at each frequency (see `analysis::ac::fill_at`).
    pub fn has_frequency_dependent(&self) -> bool {
        !(self.tlines.is_empty() && self.mtls.is_empty() && self.ltras.is_empty())
    }

    /// Stamps device `device` of `circuit` as if its kind were `kind` (its own or a perturbed
    /// copy), alone, on the unknowns of this system: what `.sens` differences. Only the linear
    /// part is returned (a nonlinear device's or a line's registration is dropped), with the
    /// small-signal-only additions of stateless parts (a resistor's `ac=` resistance).
    pub fn stamp_alone(
        &self,
        circuit: &Circuit,
        device: DeviceId,
        kind: &circuit::DeviceKind,
    ) -> DeviceStamp {
        let mut st = Stamper {
            unknowns: &self.unknowns,
            builder: PatternBuilder::default(),
            entries: Vec::new(),
            sources: Vec::new(),
            nonlinear: Vec::new(),
            tlines: Vec::new(),
            mtls: Vec::new(),
            ltras: Vec::new(),
            device,
        };
        devices::stamp(circuit, kind, &mut st);
        let mut ac_entries = Vec::new();
        for (_, mut part) in std::mem::take(&mut st.nonlinear) {
            if part.state_len() != 0 {
                continue;
            }
            part.resolve(&|h| h);
            let mut g = vec![0.0; st.builder.len()];
            let mut c = vec![0.0; st.builder.len()];
            part.ac_load(&[], &mut g, &mut c);
            for (h, &v) in g.iter().enumerate().filter(|(_, v)| **v != 0.0) {
                let (r, col) = st.builder.position(h);
                ac_entries.push((r, col, v));
            }
        }
        DeviceStamp {
            ac_entries,
            entries: st
                .entries
                .iter()
                .map(|&(h, g, c)| {
                    let (r, col) = st.builder.position(h);
                    (r, col, g, c)
                })
                .collect(),
            sources: st.sources.iter().map(|t| (t.row, t.sign)).collect(),
        }
    }

    /// Stamps every device of `circuit` into a new system.
    pub fn assemble(circuit: &Circuit) -> System {
        let unknowns = Unknowns::new(circuit);
        let mut st = Stamper {
            unknowns: &unknowns,
            builder: PatternBuilder::default(),
            entries: Vec::new(),
            sources: Vec::new(),
            nonlinear: Vec::new(),
            tlines: Vec::new(),
            mtls: Vec::new(),
            ltras: Vec::new(),
            device: DeviceId(0),
        };
        for (i, d) in circuit.devices.iter().enumerate() {
            st.device = DeviceId(i as u32);
            devices::stamp(circuit, &d.kind, &mut st);
        }
        let Stamper {
            builder,
            entries,
            sources,
            nonlinear,
            mut tlines,
            mut mtls,
            mut ltras,
            ..
        } = st;
        let pattern = builder.finish(unknowns.len());
        let mut g = vec![0.0; pattern.nnz()];
        let mut c = vec![0.0; pattern.nnz()];
        for (h, gv, cv) in entries {
            let slot = pattern.slot(h).0 as usize;
            g[slot] += gv;
            c[slot] += cv;
        }
        let mut devices = NonlinearDevices {
            state_at: vec![0],
            charge_at: vec![0],
            ..Default::default()
        };
        for (id, mut d) in nonlinear {
            d.resolve(&|h| pattern.slot(h).0 as usize);
            devices.state_at.push(devices.state_len() + d.state_len());
            devices
                .charge_at
                .push(devices.charge_len() + d.charge_len());
            devices.ids.push(id);
            devices.devices.push(Arc::from(d));
        }
        for t in &mut tlines {
            t.resolve(&pattern);
        }
        for m in &mut mtls {
            m.resolve(&pattern);
        }
        for l in &mut ltras {
            l.resolve(&pattern);
        }
        System {
            unknowns,
            pattern,
            g,
            c,
            sources,
            nonlinear: devices,
            tlines,
            mtls,
            ltras,
        }
    }

    /// Whether any entry depends on frequency.
    pub fn has_reactive(&self) -> bool {
        self.c.iter().any(|&c| c != 0.0)
    }

    /// Whether the circuit needs Newton iteration.
    pub fn is_nonlinear(&self) -> bool {
        !self.nonlinear.is_empty()
    }
}
