//! Multiconductor transmission line `Pname in1 .. inN ref1 out1 .. outN ref2 MODEL [len=l]
//! [sections=n]` with a `.model MODEL CPL R=.. L=.. G=.. C=.. [length=..]` card (ngspice's
//! coupled line syntax; the matrices' order and checks are in `circuit/src/mtl.rs`).
//!
//! **Telegrapher's equations.** With `V(z)`, `I(z)` the N conductor voltages (to the reference
//! conductor) and currents (in the `+z` direction, near end `z = 0`, far end `z = len`) and the
//! per-unit-length impedance and admittance matrices `Z = R + jwL`, `Y = G + jwC`:
//!
//! ```text
//! dV/dz = -Z I,   dI/dz = -Y V,   [V(len); I(len)] = Phi [V(0); I(0)],
//! Phi = [[A, B], [C, D]] = expm([[0, -Z], [-Y, 0]] * len)
//!     = [[cosh(K len), -K^-1 sinh(K len) Z], [-K'^-1 sinh(K' len) Y, cosh(K' len)]]
//! ```
//!
//! with `K = sqrt(ZY)`, `K' = sqrt(YZ)`. This is exact at every frequency, including `w = 0`
//! (`.op`, `.dc`), where it is the distributed RG line (a lossless line is a short from each
//! near terminal to its far terminal).
//!
//! **How `Phi` is computed**: [`chain_matrix`] takes the matrix exponential (nalgebra's
//! Pade-13 scaling-and-squaring `expm`) of the `2N x 2N` block matrix, balanced by a reference
//! impedance `z0 = sqrt(max L_ii / max C_ii)` (the currents scaled to `z0*I`), so the two
//! off-diagonal blocks have comparable norms and the squaring count follows `|gamma|*len`,
//! not `w*L*len`. A modal decomposition needs the eigenvectors of the complex non-Hermitian
//! `ZY` (not available in nalgebra, and ill-conditioned when modes are nearly degenerate, as
//! for two identical conductors); `expm` needs neither. Measured against the closed-form
//! scalar line and against a modal solution for a coupled 3-conductor line with proportional
//! losses over 0.1 m .. 1 km and 10 Hz .. 100 MHz (test `expm_matches_closed_form_and_modal`):
//! largest error of the chain parameters, relative to each block's largest entry, 7.9e-13 for
//! the scalar line and 2.2e-12 for the coupled one. The chain form loses accuracy only where
//! the attenuation `Re(gamma)*len` is large (entries grow as `exp(alpha*len)`): a far-end
//! response below about `1e-16 * exp(2*alpha*len)` of the near-end one is not resolved. Cable
//! runs here (alpha*len < 1 for R < 0.1 ohm/m up to 1 km) are far from that.
//!
//! **Stamp** (`.op`, `.dc`, `.ac`): 2N reported unknowns, the port currents `near1 .. nearN`
//! (into `in_k`, out of `ref1`; `V(0)`-side current `I(0) = i_near`) and `far1 .. farN` (into
//! `out_k`, out of `ref2`; `I(len) = -i_far`), written `v(p1#near1)` .. as ngspice types device
//! unknowns. Rows:
//!
//! ```text
//! KCL:      +i_near_k at in_k, -i_near_k at ref1;  +i_far_k at out_k, -i_far_k at ref2
//! row near_k (current):  i_far_k + sum_j C_kj (v(in_j) - v(ref1)) + sum_j D_kj i_near_j = 0
//! row far_k (voltage):   v(out_k) - v(ref2) - sum_j A_kj (v(in_j) - v(ref1)) - sum_j B_kj i_near_j = 0
//! ```
//!
//! the hybrid (chain) form, which stays regular where the admittance form is singular (`R = 0`
//! at DC: `B = 0`; a lossless line at its half-wave resonances). `G` holds `Phi(0)`; `.ac`
//! replaces it by `Phi(w)` at each frequency ([`MtlInstance::stamp_ac`]). The two ends are
//! isolated from each other (each end's currents sum to zero), as for the `T` line.
//!
//! **Transient**: a lumped pi ladder built from primitives ([`ladder_circuit`]): per section of
//! length `len/n` and per conductor a series inductor `L_kk*len/n` (coupled to the other
//! conductors' inductors of the section by `K = L_kj/sqrt(L_kk*L_jj)`), a series resistor
//! `R_kk*len/n` and, for `R_kj != 0`, current-controlled voltage sources `R_kj*len/n*i_j`;
//! shunt capacitors and conductances from `C*len/n`, `G*len/n` (to the reference: the row sums;
//! between conductors: `-C_kj`, `-G_kj`), half of them at the two ends (the pi section, error
//! O(1/n^2)). The internal nodes reference `ref1`; when `ref2` differs, an ideal 1:1
//! transformer per conductor (an E source and an F source) carries the last node to `out_k`
//! relative to `ref2`, keeping the ends isolated; each conductor also gets `CPLload`'s
//! `0.1*GMIN` entries (four VCCS elements), so that its operating point is the `.op` one.
//! **Section count**: `sections=` if given,
//! otherwise `n = clamp(ceil(10 * TD / t_edge), 2, 1000)`, ten sections per fastest edge of
//! the line's delay `TD = len * sqrt(max eig(LC))`, where `t_edge` is the shortest source edge:
//! a PULSE rise or fall time (TSTEP when not given), the shortest PWL segment that changes
//! value, an EXP time constant, half a SIN period; with no time-varying source, TSTOP.
//! Measured (`tests/mtl.rs`): a matched lossless 2 m line (TD = 10 ns) stepped with 1 ns edges
//! gets 100 sections; against the exact `T` line, its far-end 50% crossing is 25 ps late
//! (0.25% of TD), the ringing at the edge peaks at 30 mV of the 0.5 V step and the difference
//! is 1.4 mV once the edge has passed (with `sections=20`: 240 ps, 165 mV, 16 mV; 400: 7 ps,
//! 14 mV, 0.2 mV). The time step must resolve the edge as well (TMAX a fraction of it): with
//! TMAX = TSTEP = 0.5 ns the trapezoidal integration alone delays that edge by 0.25 ns.
//! Against ngspice running the same 20-section 3-conductor ladder, the step response differs
//! by at most 0.19% of each node's range. The ladder's nodes and elements are named `p1#...`
//! and left out of the transient plot.
//!
//! Parameters (model): `R` (ohm/m, default 0), `L` (H/m, required), `G` (S/m, default 0), `C`
//! (F/m, required), `length` (m); instance: `len=`/`length=` (m, overrides the model's),
//! `sections=`. Syntax after ngspice 39's CPL (`src/spicelib/devices/cpl`), whose transient
//! method (a Pade fit of the modal responses) balun does not copy.

use crate::mna::Stamper;
use crate::sparse::Pattern;
use circuit::{Circuit, Device, DeviceId, DeviceKind, MtlParams, NodeId, Waveform};
use nalgebra::DMatrix;
use num_complex::Complex64;

/// Largest conductor count (the reported unknowns' names are static).
pub const MAX_CONDUCTORS: usize = circuit::MAX_LINE_CONDUCTORS;

/// ngspice-style suffixes of the reported unknowns, two per conductor (near and far port
/// current).
const NAMES: [&str; 2 * MAX_CONDUCTORS] = [
    "near1", "far1", "near2", "far2", "near3", "far3", "near4", "far4", "near5", "far5", "near6",
    "far6", "near7", "far7", "near8", "far8", "near9", "far9", "near10", "far10", "near11",
    "far11", "near12", "far12", "near13", "far13", "near14", "far14", "near15", "far15", "near16",
    "far16",
];

/// The reported unknowns of an `n`-conductor line: `near_k` at `2k`, `far_k` at `2k + 1`.
pub fn unknowns(n: usize) -> &'static [&'static str] {
    &NAMES[..2 * n.min(MAX_CONDUCTORS)]
}

/// Which block of `Phi` an entry takes its value from.
#[derive(Debug, Clone, Copy)]
enum Block {
    A,
    B,
    C,
    D,
}

/// One frequency-dependent matrix entry: `sign * Phi_block[k][j]`, or `sign * sum_j
/// Phi_block[k][j]` (`col: None`, the reference terminal's column).
#[derive(Debug, Clone, Copy)]
struct Entry {
    handle: usize,
    slot: usize,
    block: Block,
    k: usize,
    col: Option<usize>,
    sign: f64,
    dc: f64,
}

impl Entry {
    fn value(&self, phi: &DMatrix<Complex64>, n: usize) -> Complex64 {
        let (r0, c0) = match self.block {
            Block::A => (0, 0),
            Block::B => (0, n),
            Block::C => (n, 0),
            Block::D => (n, n),
        };
        let v = match self.col {
            Some(j) => phi[(r0 + self.k, c0 + j)],
            None => (0..n).map(|j| phi[(r0 + self.k, c0 + j)]).sum(),
        };
        v * self.sign
    }
}

/// A line placed in the matrix.
#[derive(Debug, Clone)]
pub struct MtlInstance {
    line: MtlParams,
    entries: Vec<Entry>,
}

impl MtlInstance {
    /// Resolves the entries' pattern handles to value slots.
    pub(crate) fn resolve(&mut self, pattern: &Pattern) {
        for e in &mut self.entries {
            e.slot = pattern.slot(e.handle).0 as usize;
        }
    }

    /// Replaces the DC chain parameters in `values` (filled from `G + j*w*C`) by those at
    /// angular frequency `omega`.
    pub fn stamp_ac(&self, values: &mut [Complex64], omega: f64) {
        let phi = chain_matrix(&self.line, omega);
        for e in &self.entries {
            values[e.slot] += e.value(&phi, self.line.n) - e.dc;
        }
    }
}

/// The chain matrix `Phi = [[A, B], [C, D]]` (`2N x 2N`) of the line at angular frequency
/// `omega` (see the module docs).
pub fn chain_matrix(line: &MtlParams, omega: f64) -> DMatrix<Complex64> {
    let n = line.n;
    let at = |m: &[f64], i: usize, j: usize| m[i * n + j];
    let lmax = (0..n)
        .map(|i| at(&line.l_h_per_m, i, i))
        .fold(0.0, f64::max);
    let cmax = (0..n)
        .map(|i| at(&line.c_f_per_m, i, i))
        .fold(0.0, f64::max);
    let z0 = (lmax / cmax).sqrt();
    let len = line.length_m;
    let mut m = DMatrix::<Complex64>::zeros(2 * n, 2 * n);
    for i in 0..n {
        for j in 0..n {
            let z = Complex64::new(
                at(&line.r_ohm_per_m, i, j),
                omega * at(&line.l_h_per_m, i, j),
            );
            let y = Complex64::new(at(&line.g_s_per_m, i, j), omega * at(&line.c_f_per_m, i, j));
            m[(i, n + j)] = -z * (len / z0);
            m[(n + i, j)] = -y * (len * z0);
        }
    }
    let mut phi = m.exp();
    for i in 0..n {
        for j in 0..n {
            phi[(i, n + j)] *= z0;
            phi[(n + i, j)] /= z0;
        }
    }
    phi
}

/// Stamps the port equations with the DC chain parameters and registers the line.
pub(super) fn stamp(
    near: &[NodeId],
    ref_near: NodeId,
    far: &[NodeId],
    ref_far: NodeId,
    line: &MtlParams,
    gmin: f64,
    st: &mut Stamper,
) {
    let n = line.n;
    // ngspice's CPLload adds TXL's 0.1*GMIN entries to each conductor.
    for (&a, &b) in near.iter().zip(far) {
        super::txl::gmin_entries(a, b, gmin, st);
    }
    let i_near: Vec<Option<usize>> = (0..n).map(|k| Some(st.own_extra(2 * k))).collect();
    let i_far: Vec<Option<usize>> = (0..n).map(|k| Some(st.own_extra(2 * k + 1))).collect();
    let (rn, rf) = (st.node(ref_near), st.node(ref_far));
    let v_near: Vec<Option<usize>> = near.iter().map(|&x| st.node(x)).collect();
    for k in 0..n {
        let b = st.node(far[k]);
        st.g(v_near[k], i_near[k], 1.0);
        st.g(rn, i_near[k], -1.0);
        st.g(b, i_far[k], 1.0);
        st.g(rf, i_far[k], -1.0);
        // Current row: i_far + C V(0) + D i_near = 0; voltage row: V(len) - A V(0) - B i_near = 0.
        st.g(i_near[k], i_far[k], 1.0);
        st.g(i_far[k], b, 1.0);
        st.g(i_far[k], rf, -1.0);
    }
    let phi0 = chain_matrix(line, 0.0);
    let mut entries = Vec::with_capacity(4 * n * n + 2 * n);
    let mut add = |st: &mut Stamper, row, col, block, k, j, sign| {
        if let Some(handle) = st.position(row, col) {
            let mut e = Entry {
                handle,
                slot: usize::MAX,
                block,
                k,
                col: j,
                sign,
                dc: 0.0,
            };
            e.dc = e.value(&phi0, n).re;
            st.g(row, col, e.dc);
            entries.push(e);
        }
    };
    for k in 0..n {
        for j in 0..n {
            add(st, i_near[k], v_near[j], Block::C, k, Some(j), 1.0);
            add(st, i_near[k], i_near[j], Block::D, k, Some(j), 1.0);
            add(st, i_far[k], v_near[j], Block::A, k, Some(j), -1.0);
            add(st, i_far[k], i_near[j], Block::B, k, Some(j), -1.0);
        }
        add(st, i_near[k], rn, Block::C, k, None, -1.0);
        add(st, i_far[k], rn, Block::A, k, None, 1.0);
    }
    st.add_mtl(MtlInstance {
        line: line.clone(),
        entries,
    });
}

/// The line's longest modal delay `len * sqrt(max eig(L C))` (s): the eigenvalues of `LC` are
/// those of the symmetric `U^T L U` with `C = U U^T`.
pub fn delay_s(line: &MtlParams) -> f64 {
    let n = line.n;
    let l = DMatrix::from_row_slice(n, n, &line.l_h_per_m);
    let c = DMatrix::from_row_slice(n, n, &line.c_f_per_m);
    let Some(chol) = nalgebra::Cholesky::new(c) else {
        return 0.0;
    };
    let u = chol.l();
    let w = u.transpose() * l * &u;
    let lmax = w
        .symmetric_eigenvalues()
        .iter()
        .copied()
        .fold(0.0, f64::max);
    line.length_m * lmax.sqrt()
}

/// The shortest edge among the circuit's source waveforms (see the module docs), `None` when
/// no source varies in time.
pub fn fastest_edge_s(circuit: &Circuit, tstep: f64) -> Option<f64> {
    let mut edge = f64::INFINITY;
    for d in &circuit.devices {
        let (DeviceKind::VoltageSource { source, .. } | DeviceKind::CurrentSource { source, .. }) =
            &d.kind
        else {
            continue;
        };
        match &source.tran {
            Some(Waveform::Pulse { rise_s, fall_s, .. }) => {
                for t in [rise_s, fall_s] {
                    edge = edge.min(t.filter(|&t| t > 0.0).unwrap_or(tstep));
                }
            }
            Some(Waveform::Pwl { points, .. }) => {
                for w in points.windows(2) {
                    let dt = w[1].0 - w[0].0;
                    if dt > 0.0 && w[1].1 != w[0].1 {
                        edge = edge.min(dt);
                    }
                }
            }
            Some(Waveform::Exp {
                rise_tau_s,
                fall_tau_s,
                ..
            }) => {
                for t in [rise_tau_s, fall_tau_s] {
                    edge = edge.min(t.filter(|&t| t > 0.0).unwrap_or(tstep));
                }
            }
            Some(Waveform::Sin {
                freq_hz: Some(f), ..
            }) if *f > 0.0 => edge = edge.min(0.5 / f),
            _ => {}
        }
    }
    edge.is_finite().then_some(edge)
}

/// The transient ladder's section count: `sections=` or the rule of the module docs.
pub fn section_count(line: &MtlParams, edge_s: f64) -> usize {
    if let Some(n) = line.sections {
        return n;
    }
    // (1 - 1e-12): a ratio that is a whole number up to rounding does not gain a section.
    let n = (10.0 * delay_s(line) / edge_s * (1.0 - 1e-12)).ceil();
    if n.is_finite() {
        (n as usize).clamp(2, 1000)
    } else {
        1000
    }
}

/// A copy of `circuit` with every `P` line replaced by its lumped ladder (see the module docs)
/// for `.tran`; `None` when there is no `P` line. `tstep`/`tstop` are the transient's.
pub fn ladder_circuit(circuit: &Circuit, tstep: f64, tstop: f64) -> Option<Circuit> {
    if !circuit
        .devices
        .iter()
        .any(|d| matches!(d.kind, DeviceKind::CoupledLine { .. }))
    {
        return None;
    }
    let edge = fastest_edge_s(circuit, tstep).unwrap_or(tstop);
    let mut out = circuit.clone();
    // Each line's own device stays in place (so `DeviceId`s in `.save` and elsewhere remain
    // valid) as an element between ground and ground, which stamps nothing.
    for d in &mut out.devices {
        if matches!(d.kind, DeviceKind::CoupledLine { .. }) {
            d.kind = DeviceKind::Resistor {
                a: NodeId::GROUND,
                b: NodeId::GROUND,
                resistance_ohm: 1.0,
                noisy: false,
                ac_resistance_ohm: None,
            };
        }
    }
    for d in &circuit.devices {
        if let DeviceKind::CoupledLine {
            near,
            ref_near,
            far,
            ref_far,
            line,
        } = &d.kind
        {
            let sections = section_count(line, edge);
            let mut ladder = Ladder {
                out: &mut out,
                name: &d.name,
                span_of: d,
            };
            ladder.build(near, *ref_near, far, *ref_far, line, sections);
            ladder.gmin_entries(near, far, circuit.options.gmin);
        }
    }
    Some(out)
}

/// Appends one line's ladder to a circuit.
struct Ladder<'c> {
    out: &'c mut Circuit,
    name: &'c str,
    /// Index of the line's own device in the input circuit: the ladder's elements take its span.
    span_of: &'c Device,
}

impl Ladder<'_> {
    fn node(&mut self, what: String) -> NodeId {
        self.out.nodes.push(format!("{}#{what}", self.name));
        NodeId((self.out.nodes.len() - 1) as u32)
    }

    fn device(&mut self, what: String, kind: DeviceKind) -> DeviceId {
        self.out.devices.push(Device {
            name: format!("{}#{what}", self.name),
            span: self.span_of.span,
            kind,
        });
        DeviceId((self.out.devices.len() - 1) as u32)
    }

    /// ngspice's CPLload `0.1*GMIN` entries (see [`super::txl::gmin_entries`]) as VCCS
    /// elements, so that the transient's operating point holds a conductor left open at both
    /// ends as `.op` does.
    fn gmin_entries(&mut self, near: &[NodeId], far: &[NodeId], gmin: f64) {
        for (k, (&a, &b)) in near.iter().zip(far).enumerate() {
            for (what, row, col) in [("aa", a, a), ("bb", b, b), ("ba", b, a), ("ab", a, b)] {
                self.device(
                    format!("gmin{}_{what}", k + 1),
                    DeviceKind::Vccs {
                        pos: row,
                        neg: NodeId::GROUND,
                        ctrl_pos: col,
                        ctrl_neg: NodeId::GROUND,
                        transconductance_s: 0.1 * gmin,
                    },
                );
            }
        }
    }

    /// Two-terminal shunt element `value` (F or S) between `a` and `b`, skipped when zero.
    fn shunt(&mut self, what: String, a: NodeId, b: NodeId, value: f64, capacitor: bool) {
        if value == 0.0 || a == b {
            return;
        }
        let kind = if capacitor {
            DeviceKind::Capacitor {
                a,
                b,
                capacitance_f: value,
                ic_v: None,
            }
        } else {
            DeviceKind::Resistor {
                a,
                b,
                resistance_ohm: 1.0 / value,
                noisy: true,
                ac_resistance_ohm: None,
            }
        };
        self.device(what, kind);
    }

    fn build(
        &mut self,
        near: &[NodeId],
        ref_near: NodeId,
        far: &[NodeId],
        ref_far: NodeId,
        line: &MtlParams,
        sections: usize,
    ) {
        let n = line.n;
        let at = |m: &[f64], i: usize, j: usize| m[i * n + j] * line.length_m / sections as f64;
        // Conductor nodes x[s][k], s = 0..=sections.
        let transformer = ref_far != ref_near;
        let mut x: Vec<Vec<NodeId>> = vec![near.to_vec()];
        for s in 1..sections {
            x.push(
                (0..n)
                    .map(|k| self.node(format!("n{}_{s}", k + 1)))
                    .collect(),
            );
        }
        x.push(if transformer {
            (0..n)
                .map(|k| self.node(format!("n{}_{sections}", k + 1)))
                .collect()
        } else {
            far.to_vec()
        });
        #[allow(clippy::needless_range_loop)] // k indexes x[s], x[s + 1] and the matrices
        for s in 0..sections {
            let mut inductors = Vec::with_capacity(n);
            let mut tails = Vec::with_capacity(n);
            for k in 0..n {
                let lossless = (0..n).all(|j| line.r_ohm_per_m[k * n + j] == 0.0);
                let mid = if lossless {
                    x[s + 1][k]
                } else {
                    self.node(format!("m{}_{s}", k + 1))
                };
                inductors.push(self.device(
                    format!("l{}_{s}", k + 1),
                    DeviceKind::Inductor {
                        a: x[s][k],
                        b: mid,
                        inductance_h: at(&line.l_h_per_m, k, k),
                        ic_a: None,
                    },
                ));
                tails.push(mid);
            }
            for k in 0..n {
                for j in 0..n {
                    let lkj = line.l_h_per_m[k * n + j];
                    if j > k && lkj != 0.0 {
                        let kk =
                            lkj / (line.l_h_per_m[k * n + k] * line.l_h_per_m[j * n + j]).sqrt();
                        self.device(
                            format!("k{}_{}_{s}", k + 1, j + 1),
                            DeviceKind::MutualInductance {
                                l1: inductors[k],
                                l2: inductors[j],
                                k: kk,
                            },
                        );
                    }
                    let r = at(&line.r_ohm_per_m, k, j);
                    if j != k && r != 0.0 {
                        let next = self.node(format!("h{}_{}_{s}", k + 1, j + 1));
                        self.device(
                            format!("h{}_{}_{s}", k + 1, j + 1),
                            DeviceKind::Ccvs {
                                pos: tails[k],
                                neg: next,
                                control: inductors[j],
                                transresistance_ohm: r,
                            },
                        );
                        tails[k] = next;
                    }
                }
                let r = at(&line.r_ohm_per_m, k, k);
                let end = x[s + 1][k];
                if tails[k] == end {
                    // A lossless conductor: the inductor ends on the next node.
                } else if r > 0.0 {
                    self.device(
                        format!("r{}_{s}", k + 1),
                        DeviceKind::Resistor {
                            a: tails[k],
                            b: end,
                            resistance_ohm: r,
                            noisy: true,
                            ac_resistance_ohm: None,
                        },
                    );
                } else {
                    // Only coupled resistance: a 0 V source closes the chain.
                    self.device(
                        format!("v{}_{s}", k + 1),
                        DeviceKind::VoltageSource {
                            pos: tails[k],
                            neg: end,
                            source: circuit::Source::default(),
                        },
                    );
                }
            }
        }
        for (s, nodes) in x.iter().enumerate() {
            let w = if s == 0 || s == sections { 0.5 } else { 1.0 };
            for k in 0..n {
                let (mut c_ref, mut g_ref) = (0.0, 0.0);
                for j in 0..n {
                    c_ref += w * at(&line.c_f_per_m, k, j);
                    g_ref += w * at(&line.g_s_per_m, k, j);
                    if j > k {
                        let (c, g) = (
                            -w * at(&line.c_f_per_m, k, j),
                            -w * at(&line.g_s_per_m, k, j),
                        );
                        self.shunt(
                            format!("c{}_{}_{s}", k + 1, j + 1),
                            nodes[k],
                            nodes[j],
                            c,
                            true,
                        );
                        self.shunt(
                            format!("g{}_{}_{s}", k + 1, j + 1),
                            nodes[k],
                            nodes[j],
                            g,
                            false,
                        );
                    }
                }
                self.shunt(format!("c{}_{s}", k + 1), nodes[k], ref_near, c_ref, true);
                self.shunt(format!("g{}_{s}", k + 1), nodes[k], ref_near, g_ref, false);
            }
        }
        if transformer {
            for k in 0..n {
                let e = self.device(
                    format!("e{}", k + 1),
                    DeviceKind::Vcvs {
                        pos: far[k],
                        neg: ref_far,
                        ctrl_pos: x[sections][k],
                        ctrl_neg: ref_near,
                        gain: 1.0,
                    },
                );
                self.device(
                    format!("f{}", k + 1),
                    DeviceKind::Cccs {
                        pos: ref_near,
                        neg: x[sections][k],
                        control: e,
                        gain: 1.0,
                    },
                );
            }
        }
    }
}

/// The name prefixes (`v(p1#`, `i(p1#`) of the nodes and elements [`ladder_circuit`] adds for
/// each coupled line, which the transient's plot leaves out.
pub fn ladder_prefixes(circuit: &Circuit) -> Vec<String> {
    (circuit.devices.iter())
        .filter(|d| matches!(d.kind, DeviceKind::CoupledLine { .. }))
        .flat_map(|d| [format!("v({}#", d.name), format!("i({}#", d.name)])
        .collect()
}

#[cfg(test)]
mod tests {
    //! Accuracy of [`chain_matrix`] (the `expm` of the telegrapher block matrix) against
    //! independent closed forms over 0.1 m .. 1 km and 10 Hz .. 100 MHz.
    use super::*;

    type CMat = DMatrix<Complex64>;

    const LENGTHS: [f64; 5] = [0.1, 1.0, 10.0, 100.0, 1000.0];
    const FREQS: [f64; 8] = [10.0, 1e3, 1e4, 1e5, 1e6, 1e7, 3e7, 1e8];

    fn params(n: usize, r: &[f64], l: &[f64], g: &[f64], c: &[f64], len: f64) -> MtlParams {
        MtlParams {
            n,
            r_ohm_per_m: r.to_vec(),
            l_h_per_m: l.to_vec(),
            g_s_per_m: g.to_vec(),
            c_f_per_m: c.to_vec(),
            length_m: len,
            sections: None,
        }
    }

    fn complex(m: &DMatrix<f64>) -> CMat {
        m.map(|x| Complex64::new(x, 0.0))
    }

    /// Largest entry difference of each `N x N` block of `phi` vs `reference`, relative to the
    /// largest entry of that block of `reference`; the worst block.
    fn block_error(phi: &CMat, reference: &CMat, n: usize) -> f64 {
        let mut worst: f64 = 0.0;
        for (r0, c0) in [(0, 0), (0, n), (n, 0), (n, n)] {
            let (mut diff, mut size): (f64, f64) = (0.0, 0.0);
            for i in 0..n {
                for j in 0..n {
                    let (a, b) = (phi[(r0 + i, c0 + j)], reference[(r0 + i, c0 + j)]);
                    diff = diff.max((a - b).norm());
                    size = size.max(b.norm());
                }
            }
            worst = worst.max(diff / size);
        }
        worst
    }

    /// The chain parameters from modes: for `R = a*L`, `G = b*C` the product
    /// `ZY = (a + jw)(b + jw) L C` has the real modes of `LC`: with `C = U U^T` (Cholesky) and
    /// `U^T L U = Q diag(lam) Q^T`, `f(ZY) = U^-T Q f(k*lam) Q^T U^T` and
    /// `f(YZ) = U Q f(k*lam) Q^T U^-1`, `k = (a + jw)(b + jw)`. Then `A = cosh(sqrt(ZY) len)`,
    /// `B = -s(ZY) Z`, `C = -s(YZ) Y`, `D = cosh(sqrt(YZ) len)` with
    /// `s(x) = sinh(sqrt(x) len)/sqrt(x)` (both even in `sqrt(x)`, so the branch is immaterial).
    fn modal(l: &DMatrix<f64>, c: &DMatrix<f64>, a: f64, b: f64, len: f64, w: f64) -> CMat {
        let n = l.nrows();
        let u = nalgebra::Cholesky::new(c.clone())
            .expect("C positive definite")
            .l();
        let eig = (u.transpose() * l * &u).symmetric_eigen();
        let q = complex(&eig.eigenvectors);
        let uc = complex(&u);
        let u_inv = uc.clone().try_inverse().expect("U invertible");
        let k = Complex64::new(a, w) * Complex64::new(b, w);
        let diag = |f: &dyn Fn(Complex64) -> Complex64| {
            CMat::from_diagonal(&nalgebra::DVector::from_iterator(
                n,
                eig.eigenvalues.iter().map(|&lam| f(k * lam)),
            ))
        };
        let cosh = |x: Complex64| (x.sqrt() * len).cosh();
        let sinc = |x: Complex64| {
            let s = x.sqrt();
            if s.norm() * len < 1e-8 {
                Complex64::new(len, 0.0)
            } else {
                (s * len).sinh() / s
            }
        };
        let on_zy = |d: CMat| u_inv.transpose() * &q * d * q.transpose() * uc.transpose();
        let on_yz = |d: CMat| &uc * &q * d * q.transpose() * &u_inv;
        let z = complex(l) * Complex64::new(a, w);
        let y = complex(c) * Complex64::new(b, w);
        let mut phi = CMat::zeros(2 * n, 2 * n);
        phi.view_mut((0, 0), (n, n)).copy_from(&on_zy(diag(&cosh)));
        phi.view_mut((0, n), (n, n))
            .copy_from(&(-on_zy(diag(&sinc)) * z));
        phi.view_mut((n, 0), (n, n))
            .copy_from(&(-on_yz(diag(&sinc)) * y));
        phi.view_mut((n, n), (n, n)).copy_from(&on_yz(diag(&cosh)));
        phi
    }

    #[test]
    fn expm_matches_closed_form_and_modal() {
        let w_of = |f: f64| 2.0 * std::f64::consts::PI * f;
        // (1) Scalar lossy line (audio cable values): A = D = cosh(gamma l),
        // B = -Zc sinh(gamma l), C = -sinh(gamma l)/Zc, gamma = sqrt(ZY), Zc = sqrt(Z/Y).
        let (r, l, g, c) = (0.05, 0.5e-6, 1e-9, 100e-12);
        let mut worst_scalar: f64 = 0.0;
        for &len in &LENGTHS {
            for &f in &FREQS {
                let w = w_of(f);
                let (z, y) = (Complex64::new(r, w * l), Complex64::new(g, w * c));
                let (gamma, zc) = ((z * y).sqrt(), (z / y).sqrt());
                let gl = gamma * len;
                let exact = CMat::from_row_slice(
                    2,
                    2,
                    &[gl.cosh(), -zc * gl.sinh(), -gl.sinh() / zc, gl.cosh()],
                );
                let phi = chain_matrix(&params(1, &[r], &[l], &[g], &[c], len), w);
                let e = block_error(&phi, &exact, 1);
                worst_scalar = worst_scalar.max(e);
                assert!(e < 1e-9, "scalar line {len} m, {f} Hz: error {e:e}");
            }
        }
        // (2) Coupled 3-conductor line with proportional losses vs its modal solution.
        let lm =
            DMatrix::from_row_slice(3, 3, &[0.6, 0.2, 0.1, 0.2, 0.6, 0.2, 0.1, 0.2, 0.6]) * 1e-6;
        let cm = DMatrix::from_row_slice(3, 3, &[80., -20., -5., -20., 80., -20., -5., -20., 80.])
            * 1e-12;
        let (a, b) = (1e5, 10.0); // R = a*L (0.06 ohm/m on the diagonal), G = b*C
        let (rm, gm) = (&lm * a, &cm * b);
        let mut worst_modal: f64 = 0.0;
        for &len in &LENGTHS {
            for &f in &FREQS {
                let w = w_of(f);
                let p = params(
                    3,
                    rm.transpose().as_slice(),
                    lm.transpose().as_slice(),
                    gm.transpose().as_slice(),
                    cm.transpose().as_slice(),
                    len,
                );
                let e = block_error(&chain_matrix(&p, w), &modal(&lm, &cm, a, b, len, w), 3);
                worst_modal = worst_modal.max(e);
                assert!(e < 1e-9, "3-conductor line {len} m, {f} Hz: error {e:e}");
            }
        }
        println!(
            "chain matrix error: scalar {worst_scalar:.1e}, 3-conductor modal {worst_modal:.1e}"
        );
    }

    #[test]
    fn lossless_dc_is_identity_and_delay_is_slowest_mode() {
        let p = params(1, &[0.0], &[250e-9], &[0.0], &[100e-12], 2.0);
        let phi = chain_matrix(&p, 0.0);
        assert_eq!(phi, CMat::identity(2, 2));
        // sqrt(LC) = 5 ns/m: 10 ns for 2 m; 10 sections per 1 ns edge -> 100.
        assert!((delay_s(&p) - 10e-9).abs() < 1e-20);
        assert_eq!(section_count(&p, 1e-9), 100);
        assert_eq!(section_count(&p, 1.0), 2);
    }
}
