//! Rectification of a radio-frequency carrier by the circuit's nonlinear devices, to second order
//! (what turns a phone's RF at an audio input into a DC shift and, when the carrier is amplitude
//! modulated, into audible buzz).
//!
//! A brute-force transient at a 1.8 GHz carrier needs millions of time steps for an audio
//! circuit that settles in milliseconds. The perturbation result needs two linear solves:
//!
//! 1. the operating point `x0` and, at the carrier frequency `fc`, the small-signal solution
//!    `v~ = a + j*b` of the circuit linearised there (one `.ac` solve: every node's RF voltage,
//!    through cables, filters and input capacitances);
//! 2. with `u(t) = Re(v~ e^{j wc t})` on top of `x0`, the devices' resistive currents `i(x)`
//!    expand as `i(x0) + J u + (1/2) H[u, u] + ...`; the time average of the second-order term
//!    is `(1/4) (H[a, a] + H[b, b])` because `<u_j u_k> = Re(v~_j conj(v~_k))/2 = (a_j a_k +
//!    b_j b_k)/2`. Charges rectify nothing (the average of `dq/dt` over a period is zero);
//! 3. that average current, injected with the opposite sign, drives the circuit linearised at
//!    DC: `J0 dx = -(1/4)(H[a, a] + H[b, b])` gives the DC shift of every node. The shift scales
//!    with the carrier's amplitude squared.
//!
//! An amplitude-modulated carrier `A (1 + m cos(wm t))` has the envelope squared
//! `A^2 (1 + 2 m cos(wm t) + ...)`: the same injected currents times `2 m`, solved at `wm`
//! with the circuit linearised at its operating point, give the demodulated tone.
//!
//! **Second derivatives from the devices' own load.** `H[r, r]` is the second directional
//! derivative of the devices' currents `i(x0 + e r)`, taken as the central second difference
//! `(i(x0 + e r) - 2 i(x0) + i(x0 - e r)) / e^2` with one Richardson extrapolation
//! (`(4 D(e/2) - D(e)) / 3`, error `O(e^4)`), `e` scaled so that the largest voltage step is
//! [`STEP_VOLTS`] on the unknowns the devices depend on. Every device evaluates its currents exactly as in a Newton iteration (the
//! `Nonlinear::load` of the interface, in DC mode, from the operating point's state, so no
//! junction limiting acts on steps this small), so every device kind — and behavioural sources,
//! whose load differentiates exactly — rectifies without a second-derivative method of its own.
//! The truncation error of the extrapolated difference is `(e r / (n Vt))^4`, below 1e-6 of the
//! result at 1 mV on a junction; the rounding error `1e-16 |i| / (e r / (n Vt))^2` is smaller still.
//! (Source: the Volterra-series treatment of weakly nonlinear circuits, e.g. Wambacq & Sansen,
//! "Distortion Analysis of Analog Integrated Circuits", ch. 3; the EMIRR figure of merit it
//! serves is defined in TI's application report SBOA128.)

use super::ac::{factor_at, Excitation, Probe};
use super::op::DcSolver;
use crate::lu::Lu;
use crate::mna::{System, Unknowns};
use crate::newton::Newton;
use crate::SolveError;
use circuit::Circuit;
use num_complex::Complex64;

/// Largest voltage step of the second differences (V); see the module documentation.
pub const STEP_VOLTS: f64 = 1e-3;

/// The second-order response of a circuit to a carrier.
#[derive(Debug, Clone)]
pub struct Rectification {
    /// Carrier frequency (Hz).
    pub freq_hz: f64,
    /// The carrier's small-signal solution, every unknown (the excitation's phasors are peak
    /// amplitudes).
    pub carrier: Vec<Complex64>,
    /// The time-averaged current the devices rectify, every unknown (as a KCL residual: the
    /// DC shift solves `J0 dx = -rectified`).
    pub rectified: Vec<f64>,
    /// The DC shift of every unknown.
    pub dc_shift: Vec<f64>,
    /// The numbering of the unknowns (for [`Rectification::at`]).
    pub unknowns: Unknowns,
}

impl Rectification {
    /// `probe`'s value in a per-unknown vector of this circuit (a node pair's difference, or
    /// a branch current).
    pub fn at<T>(&self, x: &[T], probe: Probe) -> T
    where
        T: Copy + Default + std::ops::Sub<Output = T>,
    {
        let unk = &self.unknowns;
        let at = |i: Option<usize>| i.map_or(T::default(), |i| x[i]);
        match probe {
            Probe::Voltage(a, b) => at(unk.node(a)) - at(unk.node(b)),
            Probe::Current(d) => x[unk.branch(d)],
        }
    }
}

/// Applies `excitation` (peak phasors of independent sources) at `freq_hz` and returns the
/// second-order DC response (see the module documentation). A linear circuit rectifies
/// nothing: its shift is exactly zero.
pub fn rectify(
    circuit: &Circuit,
    excitation: &Excitation,
    freq_hz: f64,
) -> Result<Rectification, SolveError> {
    let sys = System::assemble(circuit);
    let n = sys.unknowns.len();
    let mut x0 = vec![0.0; n];
    let mut dc = DcSolver::new(circuit, &sys, "rfi")?;
    dc.solve_point(&mut x0, &|_| None, &|| "the operating point".into())?;
    let state = dc.newton().map(|nw| nw.state.clone());

    // The carrier on the circuit linearised at x0.
    let mut lin = sys.clone();
    if let Some(nw) = dc.newton() {
        for (_, device, st) in nw.devices() {
            device.ac_load(st, &mut lin.g, &mut lin.c);
        }
    }
    lin.nonlinear = Default::default();
    let carrier = solve_at(circuit, &lin, excitation_rhs(&lin, excitation), freq_hz)?;

    let Some(state) = state else {
        return Ok(Rectification {
            freq_hz,
            carrier,
            rectified: vec![0.0; n],
            dc_shift: vec![0.0; n],
            unknowns: sys.unknowns.clone(),
        });
    };
    let mut eval = Evaluator::new(circuit, &sys, &state);
    let re: Vec<f64> = carrier.iter().map(|z| z.re).collect();
    let im: Vec<f64> = carrier.iter().map(|z| z.im).collect();
    let mut rectified = eval.second_difference(&x0, &re)?;
    let from_im = eval.second_difference(&x0, &im)?;
    for (r, i) in rectified.iter_mut().zip(&from_im) {
        *r = 0.25 * (*r + i);
    }

    // J0 dx = -rectified, with J0 the DC Jacobian at x0 (its last load).
    let mut values = sys.g.clone();
    eval.jacobian_at(&x0, &mut values)?;
    let mut lu = Lu::<f64>::new(&sys.pattern);
    lu.factor(&sys.pattern, &values)
        .map_err(|s| super::singular(circuit, &sys, "rfi", "the operating point".into(), s.0))?;
    let mut dc_shift: Vec<f64> = rectified.iter().map(|v| -v).collect();
    let mut scratch = Vec::new();
    lu.solve_refined(&sys.pattern, &values, &mut dc_shift, &mut scratch);
    check_finite(circuit, &sys, &dc_shift)?;
    Ok(Rectification {
        freq_hz,
        carrier,
        rectified,
        dc_shift,
        unknowns: sys.unknowns.clone(),
    })
}

/// The tone an amplitude-modulated carrier demodulates into: the carrier of [`rectify`]
/// modulated `A (1 + m cos(2 pi f t))` gives, at `f`, the response (peak phasor, every unknown)
/// to the rectified currents times `2 m`, on the circuit linearised at its operating point.
pub fn demodulated(
    circuit: &Circuit,
    rect: &Rectification,
    depth: f64,
    freq_hz: f64,
) -> Result<Vec<Complex64>, SolveError> {
    let sys = System::assemble(circuit);
    let (lin, _) = super::ac::linearise(circuit, &sys)?;
    let rhs = rect
        .rectified
        .iter()
        .map(|&r| Complex64::new(-2.0 * depth * r, 0.0))
        .collect();
    solve_at(circuit, &lin, rhs, freq_hz)
}

/// The right-hand side of `excitation` on `sys` (independent sources not listed are zero).
fn excitation_rhs(sys: &System, excitation: &Excitation) -> Vec<Complex64> {
    let mut b = vec![Complex64::new(0.0, 0.0); sys.unknowns.len()];
    for t in &sys.sources {
        if let Some((_, v)) = excitation.sources.iter().find(|(d, _)| *d == t.device) {
            b[t.row] += *v * t.sign;
        }
    }
    b
}

/// Solves the linear system `sys` at `freq_hz` for `rhs`.
fn solve_at(
    circuit: &Circuit,
    sys: &System,
    mut rhs: Vec<Complex64>,
    freq_hz: f64,
) -> Result<Vec<Complex64>, SolveError> {
    if rhs.is_empty() {
        return Ok(rhs);
    }
    let mut values = vec![Complex64::new(0.0, 0.0); sys.g.len()];
    let mut lu = Lu::<Complex64>::new(&sys.pattern);
    factor_at(circuit, sys, "rfi", freq_hz, &mut values, &mut lu)?;
    let mut scratch = Vec::new();
    lu.solve_refined(&sys.pattern, &values, &mut rhs, &mut scratch);
    if let Some(i) = rhs
        .iter()
        .position(|v| !(v.re.is_finite() && v.im.is_finite()))
    {
        return Err(SolveError::NotFinite {
            analysis: "rfi".into(),
            at: format!("frequency {freq_hz:e} Hz"),
            vector: sys.unknowns.name(circuit, i),
        });
    }
    Ok(rhs)
}

fn check_finite(circuit: &Circuit, sys: &System, x: &[f64]) -> Result<(), SolveError> {
    match x.iter().position(|v| !v.is_finite()) {
        Some(i) => Err(SolveError::NotFinite {
            analysis: "rfi".into(),
            at: "the rectified operating point".into(),
            vector: sys.unknowns.name(circuit, i),
        }),
        None => Ok(()),
    }
}

/// Evaluates the nonlinear devices' currents at chosen solutions, each time from the operating
/// point's device states.
struct Evaluator<'a> {
    newton: Newton<'a>,
    sys: &'a System,
    state: &'a [f64],
    /// Which unknowns the devices' currents depend on (filled on first use).
    controlling: Vec<bool>,
}

impl<'a> Evaluator<'a> {
    fn new(circuit: &'a Circuit, sys: &'a System, state: &'a [f64]) -> Self {
        Evaluator {
            newton: Newton::new(circuit, sys),
            sys,
            state,
            controlling: Vec::new(),
        }
    }

    /// The devices' currents at `x` (a KCL residual: what leaves each node through them).
    fn currents(&mut self, x: &[f64]) -> Result<Vec<f64>, SolveError> {
        let mut values = vec![0.0; self.sys.g.len()];
        let mut rhs = vec![0.0; x.len()];
        self.load(x, &mut values, &mut rhs)?;
        // i(x) = J(x) x - rhs(x): each device's companion model reproduces its current at x.
        let sym = &self.sys.pattern.symbolic;
        let (col_ptr, row_idx) = (sym.col_ptr(), sym.row_idx());
        let mut out: Vec<f64> = rhs.iter().map(|v| -v).collect();
        for (col, &xc) in x.iter().enumerate() {
            for k in col_ptr[col]..col_ptr[col + 1] {
                out[row_idx[k]] += values[k] * xc;
            }
        }
        Ok(out)
    }

    /// Adds the devices' Jacobian at `x` to `values`.
    fn jacobian_at(&mut self, x: &[f64], values: &mut [f64]) -> Result<(), SolveError> {
        let mut rhs = vec![0.0; x.len()];
        self.load(x, values, &mut rhs)
    }

    fn load(&mut self, x: &[f64], values: &mut [f64], rhs: &mut [f64]) -> Result<(), SolveError> {
        self.newton.state.copy_from_slice(self.state);
        self.newton.accepted.copy_from_slice(self.state);
        self.newton
            .load_devices(x, values, rhs)
            .map_err(|(device, message)| SolveError::Device {
                analysis: "rfi".into(),
                at: "the operating point".into(),
                element: device,
                message,
            })
    }

    /// `H[r, r]`, the second directional derivative of the devices' currents at `x0` along `r`
    /// (see the module documentation). The step is scaled on the unknowns the devices depend on
    /// (the columns of their Jacobian at `x0`): a filter in front of the receiver may leave its
    /// junctions a thousandth of the carrier at the line, and the step must be small there, not
    /// at the line's nodes, for the difference to stay far above rounding.
    fn second_difference(&mut self, x0: &[f64], r: &[f64]) -> Result<Vec<f64>, SolveError> {
        let n = x0.len();
        if self.controlling.is_empty() {
            let mut values = vec![0.0; self.sys.g.len()];
            self.jacobian_at(x0, &mut values)?;
            let col_ptr = self.sys.pattern.symbolic.col_ptr();
            self.controlling = (0..n)
                .map(|c| values[col_ptr[c]..col_ptr[c + 1]].iter().any(|&v| v != 0.0))
                .collect();
        }
        let scale = (r.iter().zip(&self.controlling))
            .filter(|(_, &c)| c)
            .fold(0.0f64, |m, (v, _)| m.max(v.abs()));
        if scale == 0.0 {
            return Ok(vec![0.0; n]);
        }
        let center = self.currents(x0)?;
        let mut at = |e: f64| -> Result<Vec<f64>, SolveError> {
            let plus: Vec<f64> = x0.iter().zip(r).map(|(x, d)| x + e * d).collect();
            let minus: Vec<f64> = x0.iter().zip(r).map(|(x, d)| x - e * d).collect();
            let (ip, im) = (self.currents(&plus)?, self.currents(&minus)?);
            Ok((0..n)
                .map(|i| (ip[i] - 2.0 * center[i] + im[i]) / (e * e))
                .collect())
        };
        let e = STEP_VOLTS / scale;
        let coarse = at(e)?;
        let fine = at(0.5 * e)?;
        Ok(fine
            .iter()
            .zip(&coarse)
            .map(|(f, c)| (4.0 * f - c) / 3.0)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn circuit(text: &str) -> Circuit {
        let (ast, _) = netlist::parse_str(Path::new("test.net"), text).expect("parses");
        circuit::elaborate(&ast).expect("elaborates")
    }

    /// A diode fed by a DC current `I0` plus a carrier current: the RF voltage across it is
    /// `a = i/gd` (`gd = I0/(n Vt)`), and its average voltage falls by `a^2/(4 n Vt)` (the
    /// second-order term of `v = n Vt ln(I/Is)` averaged over a period).
    #[test]
    fn current_fed_diode_drops_by_a_squared_over_four_vt() {
        let c = circuit(
            "t\ni1 0 d dc 1m\nirf 0 d dc 0 ac 1\nd1 d 0 dx\n.model dx d(is=1e-14 n=1.5)\n.end\n",
        );
        let irf = c.devices.iter().position(|d| d.name == "irf").unwrap();
        let amp = 2e-6; // 2 uA peak
        let ex = Excitation {
            sources: vec![(circuit::DeviceId(irf as u32), Complex64::new(amp, 0.0))],
        };
        let r = rectify(&c, &ex, 1e6).unwrap();
        let node = 0; // v(d), the only node
        let nvt = 1.5 * 1.380649e-23 * 300.15 / 1.602176634e-19;
        let gd = 1e-3 / nvt + 1e-12; // the diode's conductance and GMIN
        let a = r.carrier[node].norm();
        // Newton stops within RELTOL of the current, so gd is I0/(n Vt) only to ~1e-4 (the
        // shift below does not depend on it).
        assert!(
            (a - amp / gd).abs() < 1e-3 * a,
            "carrier {a} vs {}",
            amp / gd
        );
        let expected = -a * a / (4.0 * nvt);
        let got = r.dc_shift[node];
        assert!(
            (got - expected).abs() < 1e-4 * expected.abs(),
            "shift {got:e}, expected {expected:e}"
        );
    }

    /// A linear circuit rectifies nothing.
    #[test]
    fn linear_circuit_has_no_shift() {
        let c = circuit("t\nv1 a 0 dc 1 ac 1\nr1 a b 1k\nc1 b 0 1n\n.end\n");
        let ex = Excitation {
            sources: vec![(circuit::DeviceId(0), Complex64::new(0.1, 0.0))],
        };
        let r = rectify(&c, &ex, 1e6).unwrap();
        assert!(r.dc_shift.iter().all(|&v| v == 0.0));
        assert!(r.carrier[1].norm() > 0.0);
    }
}
