//! Lossless transmission line `T p1+ p1- p2+ p2- Z0=z TD=t` (or `F=f [NL=0.25]`, `TD = NL/F`),
//! modelled as ngspice's `tra` device.
//!
//! **Unknowns** (reported, as ngspice 39 writes them: `v(t1#i1)`, `v(t1#i2)`, `v(t1#int1)`,
//! `v(t1#int2)`): the port currents `i1`, `i2` (into `p1+` and out of `p1-`; into `p2+` and
//! out of `p2-`) and two internal nodes `int1`, `int2`. Each port is `Z0` from `pk+` to `intk`
//! in series with a controlled source from `intk` to `pk-` carrying `ik`:
//!
//! ```text
//! KCL:    G*(v(p1+) - v(int1)) at p1+,  G*(v(int1) - v(p1+)) + i1 at int1,  -i1 at p1-
//!         (G = 1/Z0; port 2 alike)
//! port 1: v(int1) - v(p1-) = e1        so  V1 - Z0*i1 = e1,  V1 = v(p1+) - v(p1-)
//! port 2: v(int2) - v(p2-) = e2        so  V2 - Z0*i2 = e2
//! ```
//!
//! where `e1`, `e2` are the waves arriving at each port, by analysis:
//!
//! - **DC** (`.op`, `.dc`, the transient's initial point): `e1 = V2 + (1 - GMIN)*Z0*i2`,
//!   `e2 = V1 + (1 - GMIN)*Z0*i1`. Adding the two gives `i1 = -i2`, and then
//!   `V1 - V2 = GMIN*Z0*i1`: a 1:1 ideal transformer (a wire from port to port with a
//!   GMIN*Z0 series resistance), exactly as ngspice's `TRAload` in `MODEDC`. These coupling
//!   entries live in the system's `G`.
//! - **AC** (exact): `e1 = exp(-j*w*TD)*(V2 + Z0*i2)`, `e2 = exp(-j*w*TD)*(V1 + Z0*i1)`
//!   (ngspice's `TRAacLoad`), which is the telegrapher's two-port
//!   `V1 = cos(w*TD)*V2' + j*Z0*sin(w*TD)*I2'` with `I2' = -i2` the current delivered at port 2.
//!   [`TLineInstance::stamp_ac`] swaps the DC coupling for these at each frequency.
//! - **Transient** (method of characteristics): `e1(t) = V2(t-TD) + Z0*i2(t-TD)`,
//!   `e2(t) = V1(t-TD) + Z0*i1(t-TD)`, constants on the right-hand side of the two port rows;
//!   the coupling entries are removed from the matrix ([`TLineInstance::remove_dc_coupling`]).
//!   [`History`] stores `(t, V2 + Z0*i2, V1 + Z0*i1)` at accepted time points and evaluates the
//!   delayed waves as ngspice's `TRAload` does: quadratic (3-point Lagrange) interpolation on
//!   the stored point at or before `t - TD`, the one before it and the one after it
//!   (extrapolation from the last three when `t - TD` is beyond the newest, which happens when
//!   a step exceeds TD: ngspice does not limit the step to TD, so neither does balun). Before
//!   the first step the table holds the initial point at `-2TD`, `-TD` and `0` (zero waves
//!   under `UIC`).
//!
//! **Time step and breakpoints** (ngspice's `TRAtrunc`, `TRAaccept`, with the line's
//! `REL = 1`, `ABS = 1` defaults): when either stored wave changes slope,
//! `|d1 - d2| >= REL*max(|d1|, |d2|) + ABS` for the slopes `d1`, `d2` over the last two
//! intervals, the step is limited so as not to pass `t_prev + TD` and, at acceptance, a
//! breakpoint is set one delay after the previous point, where that corner reaches the far
//! end.
//!
//! Parameters: `Z0` (ohm, required, > 0), `TD` (s, > 0), or `F` (Hz) and `NL` (wavelengths,
//! default 0.25). Defaults and equations: ngspice 39 `src/spicelib/devices/tra`.

use crate::mna::Stamper;
use crate::sparse::Pattern;
use circuit::NodeId;
use num_complex::Complex64;

/// ngspice's suffixes of the line's unknowns, in [`crate::mna::Unknowns::extra`] order.
pub const UNKNOWNS: [&str; 4] = ["i1", "i2", "int1", "int2"];

/// ngspice's default slope tolerances of the line (`REL`, `ABS` instance parameters).
const REL_TOL: f64 = 1.0;
const ABS_TOL: f64 = 1.0;

/// One matrix entry coupling the ports: `dc` in `G`; `ac * exp(-j*w*TD)` in `.ac`.
#[derive(Debug, Clone, Copy)]
struct Coupling {
    handle: usize,
    slot: usize,
    dc: f64,
    ac: f64,
}

/// A line placed in the matrix.
#[derive(Debug, Clone)]
pub struct TLineInstance {
    pub z0_ohm: f64,
    pub td_s: f64,
    /// Port terminals `[p1+, p1-, p2+, p2-]` (`None` for ground).
    pub terminals: [Option<usize>; 4],
    /// Port currents `i1`, `i2`.
    pub currents: [usize; 2],
    coupling: Vec<Coupling>,
}

impl TLineInstance {
    /// Resolves the coupling entries' pattern handles to value slots.
    pub(crate) fn resolve(&mut self, pattern: &Pattern) {
        for c in &mut self.coupling {
            c.slot = pattern.slot(c.handle).0 as usize;
        }
    }

    /// Replaces the DC coupling already in `values` (filled from `G + j*w*C`) by the
    /// frequency-dependent one at angular frequency `omega`.
    pub fn stamp_ac(&self, values: &mut [Complex64], omega: f64) {
        let delay = Complex64::from_polar(1.0, -omega * self.td_s);
        for c in &self.coupling {
            values[c.slot] += delay * c.ac - c.dc;
        }
    }

    /// Removes the DC coupling from matrix values filled from `G` (the transient matrix).
    pub fn remove_dc_coupling(&self, values: &mut [f64]) {
        for c in &self.coupling {
            values[c.slot] -= c.dc;
        }
    }

    /// The waves leaving each port towards the other, `(V2 + Z0*i2, V1 + Z0*i1)`, in `x`:
    /// what arrives at port 1 and port 2 one delay later.
    pub fn waves(&self, x: &[f64]) -> (f64, f64) {
        let v = |i: Option<usize>| i.map_or(0.0, |i| x[i]);
        let [p1p, p1n, p2p, p2n] = self.terminals;
        let w1 = (v(p2p) - v(p2n)) + x[self.currents[1]] * self.z0_ohm;
        let w2 = (v(p1p) - v(p1n)) + x[self.currents[0]] * self.z0_ohm;
        (w1, w2)
    }
}

/// Transient state of one line: the delay table `(t, e1, e2)` of accepted points, oldest
/// first, pruned to what the next interpolation can need.
#[derive(Debug, Clone)]
pub struct History {
    points: Vec<(f64, f64, f64)>,
}

impl History {
    /// The table before the first step: the initial waves (zero under `UIC`) at `-2TD`, `-TD`
    /// and `0`.
    pub fn new(line: &TLineInstance, x: &[f64], uic: bool) -> History {
        let (e1, e2) = if uic { (0.0, 0.0) } else { line.waves(x) };
        let td = line.td_s;
        History {
            points: vec![(-2.0 * td, e1, e2), (-td, e1, e2), (0.0, e1, e2)],
        }
    }

    /// The delayed waves `(e1, e2)` at time `t`: quadratic interpolation at `t - TD` (see the
    /// module docs); `None` if two of the three points coincide (ngspice then loads nothing).
    pub fn delayed(&self, line: &TLineInstance, t: f64) -> Option<(f64, f64)> {
        let p = &self.points;
        let last = p.len() - 1;
        let mut i = 2;
        while i < last && p[i].0 <= t - line.td_s {
            i += 1;
        }
        let (t1, t2, t3) = (p[i - 2].0, p[i - 1].0, p[i].0);
        if t2 - t1 == 0.0 || t3 - t2 == 0.0 || t3 - t1 == 0.0 {
            return None;
        }
        let at = t - line.td_s;
        let f1 = (at - t2) * (at - t3) / (t1 - t2) / (t1 - t3);
        let f2 = (at - t1) * (at - t3) / (t2 - t1) / (t2 - t3);
        let f3 = (at - t1) * (at - t2) / (t2 - t3) / (t1 - t3);
        let e1 = f1 * p[i - 2].1 + f2 * p[i - 1].1 + f3 * p[i].1;
        let e2 = f1 * p[i - 2].2 + f2 * p[i - 1].2 + f3 * p[i].2;
        Some((e1, e2))
    }

    /// Adds the delayed waves at time `t` to the port rows of the right-hand side.
    pub fn stamp_rhs(&self, line: &TLineInstance, t: f64, rhs: &mut [f64]) {
        if let Some((e1, e2)) = self.delayed(line, t) {
            rhs[line.currents[0]] += e1;
            rhs[line.currents[1]] += e2;
        }
    }

    /// Whether either stored wave changes slope between `(a, b)` and `(b, c)`, intervals `h1`
    /// and `h2` long.
    fn slope_changes(a: (f64, f64), b: (f64, f64), c: (f64, f64), h1: f64, h2: f64) -> bool {
        let bends = |va: f64, vb: f64, vc: f64| {
            let d1 = (va - vb) / h1;
            let d2 = (vb - vc) / h2;
            (d1 - d2).abs() >= REL_TOL * d1.abs().max(d2.abs()) + ABS_TOL
        };
        bends(a.0, b.0, c.0) || bends(a.1, b.1, c.1)
    }

    /// Step limit for a trial solution `x` at time `t` (ngspice's `TRAtrunc`): `Some(t_prev +
    /// TD - t)` if a wave bends there, `t_prev` the newest stored point. `h` are the previous
    /// two accepted steps (ngspice's `deltaOld[1]`, `deltaOld[2]`). A non-positive limit (a
    /// step longer than TD) is not returned.
    pub fn step_limit(&self, line: &TLineInstance, t: f64, x: &[f64], h: [f64; 2]) -> Option<f64> {
        let p = &self.points;
        let n = p.len();
        let (newest, before) = (p[n - 1], p[n - 2]);
        let now = line.waves(x);
        Self::slope_changes(now, (newest.1, newest.2), (before.1, before.2), h[0], h[1])
            .then_some(newest.0 + line.td_s - t)
            .filter(|&limit| limit > 0.0)
    }

    /// Records the accepted solution `x` at time `t` (ngspice's `TRAaccept`): drops points no
    /// interpolation can need any more, appends `t` unless it is within `min_break` of the
    /// newest point, and returns a breakpoint one delay after the previous point if a wave
    /// bends at it. `h` are the accepted step and the one before it.
    pub fn accept(
        &mut self,
        line: &TLineInstance,
        t: f64,
        x: &[f64],
        h: [f64; 2],
        min_break: f64,
    ) -> Option<f64> {
        let td = line.td_s;
        if t - td > self.points[2].0 {
            let last = self.points.len() - 1;
            let mut i = 2;
            while i < last && t - td > self.points[i].0 {
                i += 1;
            }
            self.points.drain(..i - 2);
        }
        let newest = self.points[self.points.len() - 1].0;
        if t - newest <= min_break {
            return None;
        }
        let (e1, e2) = line.waves(x);
        self.points.push((t, e1, e2));
        let n = self.points.len();
        let [a, b, c] = [n - 1, n - 2, n - 3].map(|k| (self.points[k].1, self.points[k].2));
        Self::slope_changes(a, b, c, h[0], h[1]).then_some(self.points[n - 2].0 + td)
    }
}

/// Adds breakpoint `time` to the sorted `breaks` (searched from index `from`) as ngspice's
/// `CKTsetBreak` does: a breakpoint within `min_break` after `time` moves to `time`; one within
/// `min_break` before it absorbs it; past the last breakpoint (TSTOP) it is dropped.
pub fn set_breakpoint(breaks: &mut Vec<f64>, from: usize, time: f64, min_break: f64) {
    let Some(k) = (from..breaks.len()).find(|&k| breaks[k] > time) else {
        return;
    };
    if breaks[k] - time <= min_break {
        breaks[k] = time;
    } else if k > 0 && time - breaks[k - 1] <= min_break {
    } else {
        breaks.insert(k, time);
    }
}

/// Stamps the frequency-independent part and the DC coupling (see the module docs) and
/// registers the line.
pub(super) fn stamp(nodes: [NodeId; 4], z0_ohm: f64, td_s: f64, gmin: f64, st: &mut Stamper) {
    let [p1p, p1n, p2p, p2n] = nodes.map(|n| st.node(n));
    let [i1, i2, int1, int2] = [0, 1, 2, 3].map(|k| Some(st.own_extra(k)));
    let g = 1.0 / z0_ohm;
    for (p, n, int, i) in [(p1p, p1n, int1, i1), (p2p, p2n, int2, i2)] {
        // Z0 from pk+ to intk.
        st.g(p, p, g);
        st.g(p, int, -g);
        st.g(int, p, -g);
        st.g(int, int, g);
        // The port source from intk to pk- carrying ik, and its row v(intk) - v(pk-).
        st.g(int, i, 1.0);
        st.g(n, i, -1.0);
        st.g(i, int, 1.0);
        st.g(i, n, -1.0);
    }
    let zc = (1.0 - gmin) * z0_ohm;
    let mut coupling = Vec::with_capacity(6);
    for (row, col, dc, ac) in [
        (i1, p2p, -1.0, -1.0),
        (i1, p2n, 1.0, 1.0),
        (i1, i2, -zc, -z0_ohm),
        (i2, p1p, -1.0, -1.0),
        (i2, p1n, 1.0, 1.0),
        (i2, i1, -zc, -z0_ohm),
    ] {
        if let Some(handle) = st.position(row, col) {
            st.g(row, col, dc);
            coupling.push(Coupling {
                handle,
                slot: usize::MAX,
                dc,
                ac,
            });
        }
    }
    st.add_tline(TLineInstance {
        z0_ohm,
        td_s,
        terminals: [p1p, p1n, p2p, p2n],
        currents: [st.own_extra(0), st.own_extra(1)],
        coupling,
    });
}

#[cfg(test)]
mod tests {
    //! Closed-form checks on a line of Z0 = 50 ohm driven through a source resistance.
    use crate::{simulate, Data, Plot};
    use num_complex::Complex64;

    const Z0: f64 = 50.0;
    const TD: f64 = 1e-9;

    /// `v1 in 0` (DC 1, AC 1, PULSE 0 -> 1 V at 0.1 ns with 10 ps edges), `rs in a`,
    /// `t1 a 0 b 0 z0=50 td=..`, `rl b 0`, parsed and elaborated as a netlist.
    fn line(rs: f64, rl: f64, td: f64, analysis: &str) -> Plot {
        let text = format!(
            "line\nv1 in 0 dc 1 ac 1 pulse(0 1 0.1n 10p 10p 1 2)\nrs in a {rs}\n\
             t1 a 0 b 0 z0={Z0} td={td}\nrl b 0 {rl}\n{analysis}\n.end\n"
        );
        let (parsed, _) =
            netlist::parse_str(std::path::Path::new("line.net"), &text).expect("parses");
        let c = circuit::elaborate(&parsed).expect("elaborates");
        simulate(&c).expect("simulates").remove(0)
    }

    fn vector<'p>(p: &'p Plot, name: &str) -> &'p Data {
        &p.vectors.iter().find(|v| v.name == name).expect(name).data
    }

    fn ac(points: usize, fstart: f64, fstop: f64) -> String {
        format!(".ac lin {points} {fstart} {fstop}")
    }

    /// Input impedance `Zin = v(a) / i1` at each frequency.
    fn zin(p: &Plot) -> Vec<Complex64> {
        let (Data::Complex(va), Data::Complex(i1)) = (vector(p, "v(a)"), vector(p, "v(t1#i1)"))
        else {
            panic!("complex AC vectors")
        };
        va.iter().zip(i1).map(|(v, i)| v / i).collect()
    }

    #[test]
    fn reports_ngspice_unknowns() {
        let p = line(Z0, Z0, TD, ".op");
        let names: Vec<&str> = p.vectors.iter().map(|v| v.name.as_str()).collect();
        for n in ["v(t1#i1)", "v(t1#i2)", "v(t1#int1)", "v(t1#int2)"] {
            assert!(names.contains(&n), "{n} in {names:?}");
        }
    }

    #[test]
    fn dc_is_a_wire_port_to_port() {
        // ngspice's DC model: v(a) = v(b) (up to GMIN*Z0*i1), i1 = -i2: the divider
        // rs = 50, rl = 150 gives 0.75 V at both ends and 5 mA through the line.
        let p = line(Z0, 3.0 * Z0, TD, ".op");
        let v = |name| match vector(&p, name) {
            Data::Real(v) => v[0],
            Data::Complex(_) => panic!(),
        };
        assert!((v("v(a)") - 0.75).abs() < 1e-9 && (v("v(b)") - 0.75).abs() < 1e-9);
        assert!((v("v(t1#i1)") - 5e-3).abs() < 1e-12 && (v("v(t1#i2)") + 5e-3).abs() < 1e-12);
    }

    #[test]
    fn one_wavelength_line_is_transparent_in_ac() {
        // exp(-j*w*TD) = 1 at f = 1/TD: v(b) = v(a) = 150/(50+150).
        let p = line(Z0, 3.0 * Z0, TD, &ac(1, 1e9, 1e9));
        let (Data::Complex(va), Data::Complex(vb)) = (vector(&p, "v(a)"), vector(&p, "v(b)"))
        else {
            panic!()
        };
        assert!((vb[0] - va[0]).norm() < 1e-9, "{} {}", va[0], vb[0]);
        assert!((va[0] - Complex64::new(0.75, 0.0)).norm() < 1e-9);
    }

    #[test]
    fn matched_line_input_impedance_is_z0_at_every_frequency() {
        // Zin = Z0 (ZL + j Z0 tan(bl)) / (Z0 + j ZL tan(bl)) = Z0 for ZL = Z0.
        let p = line(Z0, Z0, TD, &ac(37, 1e6, 3.7e9));
        for z in zin(&p) {
            assert!((z - Z0).norm() < 1e-9 * Z0, "{z}");
        }
    }

    #[test]
    fn quarter_wave_line_transforms_load_to_z0_squared_over_rl() {
        // TD = NL/F with NL = 0.25: at F, tan(bl) is infinite and Zin = Z0^2 / RL.
        let f = 100e6;
        let rl = 200.0;
        let p = line(10.0, rl, 0.25 / f, &ac(1, f, f));
        let z = zin(&p)[0];
        assert!((z - Z0 * Z0 / rl).norm() < 1e-9 * Z0, "{z}");
        // Off the design frequency it is the general formula.
        let f2 = 37e6;
        let p = line(10.0, rl, 0.25 / f, &ac(1, f2, f2));
        let t = Complex64::new(0.0, (2.0 * std::f64::consts::PI * f2 * 0.25 / f).tan());
        let expect = Z0 * (rl + Z0 * t) / (Z0 + rl * t);
        let z = zin(&p)[0];
        assert!(
            (z - expect).norm() < 1e-9 * expect.norm(),
            "{z} vs {expect}"
        );
    }

    /// `v(name)` at time `t` (the last point at or before it).
    fn at(p: &Plot, name: &str, t: f64) -> f64 {
        let (Some(Data::Real(time)), Data::Real(v)) =
            (p.scale.as_ref().map(|s| &s.data), vector(p, name))
        else {
            panic!()
        };
        let k = time.iter().rposition(|&x| x <= t).expect("time point");
        v[k]
    }

    fn tran(tstop: f64) -> String {
        format!(".tran 10p {tstop} 0 20p")
    }

    #[test]
    fn matched_line_delays_the_step_by_td_at_half_amplitude() {
        // Matched source and load: v(a) = 1/2 from the edge on (Zin = Z0 divides the step in
        // two), and v(b) = v(a)(t - TD) with no reflection.
        let p = line(Z0, Z0, TD, &tran(4e-9));
        let edge_done = 0.1e-9 + 10e-12;
        assert!(at(&p, "v(b)", edge_done + TD - 30e-12).abs() < 1e-9);
        for t in [0.5e-9, 1.5e-9, 2.5e-9, 3.9e-9] {
            assert!((at(&p, "v(a)", t) - 0.5).abs() < 1e-9, "v(a) at {t}");
        }
        for t in [1.2e-9, 2.5e-9, 3.9e-9] {
            assert!((at(&p, "v(b)", t) - 0.5).abs() < 1e-9, "v(b) at {t}");
        }
    }

    #[test]
    fn mismatched_load_reflects_gamma_back_to_the_input_at_2td() {
        // Matched source, RL = 150 ohm: the incident 1/2 V reaches b at TD and is reflected
        // with gamma = (RL - Z0)/(RL + Z0) = 1/2, so v(b) = 1/2 (1 + gamma) = 0.75 after TD;
        // the reflection reaches a at 2 TD (absorbed by the matched source): v(a) = 0.75.
        let rl = 150.0;
        let gamma = (rl - Z0) / (rl + Z0);
        let p = line(Z0, rl, TD, &tran(5e-9));
        let edge_done = 0.1e-9 + 10e-12;
        assert!((at(&p, "v(a)", edge_done + 2.0 * TD - 30e-12) - 0.5).abs() < 1e-9);
        for t in [2.5e-9, 3.5e-9, 4.9e-9] {
            assert!(
                (at(&p, "v(a)", t) - 0.5 * (1.0 + gamma)).abs() < 1e-9,
                "v(a) at {t}"
            );
        }
        for t in [1.5e-9, 3.0e-9, 4.9e-9] {
            assert!(
                (at(&p, "v(b)", t) - 0.5 * (1.0 + gamma)).abs() < 1e-9,
                "v(b) at {t}"
            );
        }
    }

    #[test]
    fn breakpoints_merge_like_ngspice() {
        let mut b = vec![1.0, 2.0, 3.0];
        super::set_breakpoint(&mut b, 0, 1.5, 0.01);
        assert_eq!(b, [1.0, 1.5, 2.0, 3.0]);
        super::set_breakpoint(&mut b, 0, 1.995, 0.01);
        assert_eq!(b, [1.0, 1.5, 1.995, 3.0]);
        super::set_breakpoint(&mut b, 0, 1.5001, 0.01);
        super::set_breakpoint(&mut b, 0, 7.0, 0.01);
        assert_eq!(b, [1.0, 1.5, 1.995, 3.0]);
    }
}
