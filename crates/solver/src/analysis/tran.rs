//! `.tran`: transient analysis of a linear circuit with adaptive time steps.
//!
//! **Equations.** The circuit is the DAE `G x + C x' = b(t)`, where `C` holds capacitances on node
//! rows and `-L`, `-M` on inductor branch rows (the `C` of [`System`]). Each reactive device has a
//! state `q`: a capacitor's charge `C*(v(a)-v(b))`, an inductor's flux `L*i + sum(M*i_other)`.
//! The integration formula gives `q'(t_n+1) = ag0*q_n+1 + hist`, so each step solves
//! `(G + ag0*C) x = b(t_n+1) - sum(hist)` (the companion models of every device at once), with:
//!
//! - backward Euler (order 1): `q' = (q_n+1 - q_n)/h`;
//! - trapezoidal (order 2, default): `q'_n+1 = (2/h)(q_n+1 - q_n) - q'_n`;
//! - Gear-2 / BDF2 (`.options method=gear`) with variable steps `h0`, `h1`:
//!   `q' = ag0*q_n+1 + ag1*q_n + ag2*q_n-1`, `ag0 = (2h0+h1)/(h0(h0+h1))`,
//!   `ag1 = -(h0+h1)/(h0*h1)`, `ag2 = h0/(h1(h0+h1))`.
//!
//! **Step control** (as ngspice's `DCtran`/`CKTterr`): the first step, and the first step after
//! every breakpoint, is backward Euler. After each solve, every reactive device estimates its
//! local truncation error from the divided difference of order `order+1` of its state history,
//! `DD`, and proposes `h = (trtol * tol / max(abstol, k_order*|DD|))^(1/order)` with
//! `tol = max(abstol + reltol*max|q'|, reltol*max(|q|, chgtol)/h)` and `k = 1/2, 1/12` (trap) or
//! `1/2, 2/9` (Gear). The step is accepted if the smallest proposal exceeds 0.9 of the step taken;
//! otherwise it is retried with the proposal. A retry's Newton starts from the last iterate
//! of the rejected solve, as ngspice's does from `CKTrhsOld` (a switch that flipped at the
//! rejected point starts the retry flipped), not from the accepted point. After an accepted order-1 step the error is
//! estimated again at order 2: the order rises only if that allows more than 1.05 times the
//! step, and the next step is order 2's proposal either way (ngspice's rule). Steps never exceed `TMAX` (default
//! `min(TSTEP, (TSTOP-TSTART)/50)`), never step over a source breakpoint, and may at most double.
//! The initial step is `min(TSTEP, TSTOP/100)/10`.
//!
//! **Start.** Without `UIC`, the DC operating point with every source at its `t = 0` value.
//! With `UIC`, all unknowns start at zero except `.ic` node voltages, and capacitors and inductors
//! with `IC=` start from that voltage or current.

use super::op::DcSolver;
use super::vectors_real;
use crate::control::{Control, TRAN_UNITS};
use crate::devices::reactive::{self, Reactive};
use crate::devices::{self, ltra, tline};
use crate::lu::Lu;
use crate::mna::System;
use crate::newton::{ChargeTerms, LoadMode, Newton};
use crate::result::{Data, Plot, Unit, Vector};
use crate::waveform::{self, Defaults};
use crate::{SolveError, Stopped};
use circuit::{Circuit, DeviceId, IntegrationMethod};
use std::collections::HashMap;

pub const PLOT_NAME: &str = "Transient Analysis";

/// Arguments of one `.tran` card.
#[derive(Debug, Clone, Copy)]
pub struct TranSpec {
    pub tstep: f64,
    pub tstop: f64,
    pub tstart: f64,
    pub tmax: Option<f64>,
    pub uic: bool,
}

/// History of one reactive device: `q[k]` at the last accepted points (`q[0]` newest) and its
/// derivative `dq` at the newest point.
#[derive(Debug, Clone, Copy, Default)]
struct History {
    q: [f64; 3],
    dq: f64,
}

/// The histories of all reactive devices as columns (`q0[k]`, `q1[k]`, `q2[k]`, `dq[k]` are
/// [`History`] `q[0..3]` and `dq` of state `k`), so the per-step loops stream flat arrays and
/// accepting a step rotates columns instead of copying every state.
struct Histories {
    q0: Vec<f64>,
    q1: Vec<f64>,
    q2: Vec<f64>,
    dq: Vec<f64>,
}

impl Histories {
    /// Every state at rest at charge `q[k]`.
    fn at_rest(q: Vec<f64>) -> Self {
        Histories {
            q1: q.clone(),
            q2: q.clone(),
            dq: vec![0.0; q.len()],
            q0: q,
        }
    }

    fn get(&self, k: usize) -> History {
        History {
            q: [self.q0[k], self.q1[k], self.q2[k]],
            dq: self.dq[k],
        }
    }

    /// Accepts the step: `q_new` and `dq_new` become the newest history; they get the
    /// discarded oldest columns back as buffers for the next step.
    fn accept(&mut self, q_new: &mut Vec<f64>, dq_new: &mut Vec<f64>) {
        std::mem::swap(&mut self.q2, &mut self.q1);
        std::mem::swap(&mut self.q1, &mut self.q0);
        std::mem::swap(&mut self.q0, q_new);
        std::mem::swap(&mut self.dq, dq_new);
    }
}

/// The capacitors among the reactive states (the first `len()` of them), as columns: rows
/// `a[k]`, `b[k]` ([`NO_ROW`] for ground) and capacitance `c[k]`.
struct Capacitors {
    a: Vec<u32>,
    b: Vec<u32>,
    c: Vec<f64>,
}

/// Row index standing for ground in [`Capacitors`].
const NO_ROW: u32 = u32::MAX;

/// Integration coefficients for one step: `q' = ag[0]*q_new + ag[1]*q[0] + ag[2]*q[1]`
/// (+ `-dq` for trapezoidal).
#[derive(Debug, Clone, Copy)]
struct Coefficients {
    ag: [f64; 3],
    /// Trapezoidal order 2 subtracts the previous derivative.
    trap: bool,
}

fn coefficients(method: IntegrationMethod, order: usize, h0: f64, h1: f64) -> Coefficients {
    match (method, order) {
        (_, 1) => Coefficients {
            ag: [1.0 / h0, -1.0 / h0, 0.0],
            trap: false,
        },
        (IntegrationMethod::Trapezoidal, _) => Coefficients {
            ag: [2.0 / h0, -2.0 / h0, 0.0],
            trap: true,
        },
        (IntegrationMethod::Gear, _) => Coefficients {
            ag: [
                (2.0 * h0 + h1) / (h0 * (h0 + h1)),
                -(h0 + h1) / (h0 * h1),
                h0 / (h1 * (h0 + h1)),
            ],
            trap: false,
        },
    }
}

impl Coefficients {
    fn history(&self, h: &History) -> f64 {
        self.history_of(h.q[0], h.q[1], h.dq)
    }

    /// [`Coefficients::history`] of a state with history `q0`, `q1` and derivative `dq`.
    #[inline]
    fn history_of(&self, q0: f64, q1: f64, dq: f64) -> f64 {
        let mut v = self.ag[1] * q0 + self.ag[2] * q1;
        if self.trap {
            v -= dq;
        }
        v
    }
}

/// ngspice's truncation-error estimate (`CKTterr`) for one step, shared by every state: the
/// divided difference of order `order + 1` over the points `q_new, q[0], q[1], ...` is linear in
/// those values, so its weights are computed once per step (by running the divided-difference
/// recurrence on unit vectors) and each state costs a dot product.
struct Lte<'o> {
    weights: [f64; 4],
    factor: f64,
    delta: f64,
    inv_delta: f64,
    order: usize,
    opts: &'o circuit::Options,
}

impl<'o> Lte<'o> {
    fn new(
        delta_old: &[f64],
        order: usize,
        method: IntegrationMethod,
        opts: &'o circuit::Options,
    ) -> Self {
        let points = order + 2;
        let mut weights = [0.0; 4];
        for (j, w) in weights.iter_mut().enumerate().take(points) {
            let mut diff = [0.0; 5];
            diff[j] = 1.0;
            let mut span = [0.0; 5];
            span[..=order].copy_from_slice(&delta_old[..=order]);
            let mut level = order;
            loop {
                for i in 0..=level {
                    diff[i] = (diff[i] - diff[i + 1]) / span[i];
                }
                if level == 0 {
                    break;
                }
                level -= 1;
                for i in 0..=level {
                    span[i] = span[i + 1] + delta_old[i];
                }
            }
            *w = diff[0];
        }
        let factor = match (method, order) {
            (_, 1) => 0.5,
            (IntegrationMethod::Trapezoidal, _) => 1.0 / 12.0,
            (IntegrationMethod::Gear, _) => 2.0 / 9.0,
        };
        Lte {
            weights,
            factor,
            delta: delta_old[0],
            inv_delta: 1.0 / delta_old[0],
            order,
            opts,
        }
    }

    /// The step this state allows, raised to the power `order` (take the root of the minimum
    /// over all states once, with [`Lte::step`]).
    fn ratio(&self, q_new: f64, dq_new: f64, hist: &History) -> f64 {
        let o = self.opts;
        let volttol = o.abstol + o.reltol * dq_new.abs().max(hist.dq.abs());
        let chargetol = o.reltol * q_new.abs().max(hist.q[0].abs()).max(o.chgtol) / self.delta;
        let tol = volttol.max(chargetol);
        o.trtol * tol / self.denominator(q_new, hist)
    }

    /// `max(abstol, k_order*|DD|)`, the denominator of [`Lte::ratio`].
    fn denominator(&self, q_new: f64, hist: &History) -> f64 {
        // The weights past `points` are zero: adding their zero terms changes no value (the
        // history is finite), and the fixed length unrolls.
        let w = &self.weights;
        let dd = w[0] * q_new + w[1] * hist.q[0] + w[2] * hist.q[1] + w[3] * hist.q[2];
        self.opts.abstol.max(self.factor * dd.abs())
    }

    /// `min.min(self.ratio(...))`, exactly, without the two divisions of [`Lte::ratio`] for a
    /// state whose ratio is certainly above `min` (most of them, once `min` is small): that test
    /// multiplies by `1/delta` and cross-multiplies, a few ulp off, against a 1e-9 margin.
    ///
    /// The test uses a plain comparison for `max` (`f64::max` also handles NaN, at several
    /// instructions each): on finite values both agree, and a NaN anywhere fails the test, so
    /// such a state takes the exact path.
    fn lower(&self, min: f64, q_new: f64, dq_new: f64, hist: &History) -> f64 {
        let o = self.opts;
        let max = |a: f64, b: f64| if a > b { a } else { b };
        let w = &self.weights;
        let h = &hist.q;
        let dd = w[0] * q_new + w[1] * h[0] + w[2] * h[1] + w[3] * h[2];
        let volttol = o.abstol + o.reltol * max(dq_new.abs(), hist.dq.abs());
        let charge = max(max(q_new.abs(), h[0].abs()), o.chgtol);
        let tol_estimate = max(volttol, o.reltol * charge * self.inv_delta);
        let den = max(o.abstol, self.factor * dd.abs());
        if o.trtol * tol_estimate > min * den * (1.0 + 1e-9) {
            return min;
        }
        min.min(self.ratio(q_new, dq_new, hist))
    }

    fn step(&self, min_ratio: f64) -> f64 {
        if self.order == 2 {
            min_ratio.sqrt()
        } else {
            min_ratio
        }
    }
}

pub fn run(circuit: &Circuit, sys: &System, spec: TranSpec) -> Result<Plot, SolveError> {
    run_with(circuit, sys, spec, &Control::new()).map_err(|s| s.error)
}

/// [`run`], reporting progress to `control` and stopping when it is cancelled; a run that stops
/// (cancelled, no convergence, step too small, non-finite values) returns the time points it had
/// accepted as [`Stopped::partial`].
pub fn run_with(
    circuit: &Circuit,
    sys: &System,
    spec: TranSpec,
    control: &Control,
) -> Result<Plot, Stopped> {
    control.expect(TRAN_UNITS);
    let mut reported = 0u64;
    let n = sys.unknowns.len();
    let opts = &circuit.options;
    let defaults = Defaults {
        tstep: spec.tstep,
        tstop: spec.tstop,
    };
    // The random sources' sequences for this run, by device.
    let noise: HashMap<DeviceId, waveform::Noise> = (sys.sources.iter())
        .filter_map(|t| {
            let source = devices::independent_source(&circuit.devices[t.device.index()].kind)?;
            let w = source.tran.as_ref()?;
            Some((
                t.device,
                waveform::noise(w, defaults, circuit.options.seed)?,
            ))
        })
        .collect();
    let source_value = |d: DeviceId, t: f64| -> f64 {
        devices::independent_source(&circuit.devices[d.index()].kind).map_or(0.0, |source| {
            match &source.tran {
                Some(w) => waveform::value_with_noise(w, t, defaults, noise.get(&d)),
                None => source.dc,
            }
        })
    };
    let reactive = reactive::reactive_devices(circuit, sys);

    // Initial point.
    let mut x = vec![0.0; n];
    // The devices' states at the operating point's last load (ngspice copies CKTstate0 to
    // CKTstate1 before MODEINITTRAN: a switch starts the transient in its operating-point
    // state).
    let mut op_state = None;
    if spec.uic {
        for &(node, v) in &circuit.initial_conditions {
            if let Some(i) = sys.unknowns.node(node) {
                x[i] = v;
            }
        }
        for (i, d) in circuit.devices.iter().enumerate() {
            if let Some(ic) = devices::initial_branch_current(&d.kind) {
                x[sys.unknowns.branch(DeviceId(i as u32))] = ic;
            }
        }
    } else {
        // `.ic` without UIC clamps the operating point's nodes (ngspice's way).
        let clamped = (!circuit.initial_conditions.is_empty())
            .then(|| super::op::clamp_initial_conditions(circuit, sys));
        let mut dc = match &clamped {
            Some((csys, clamp)) => DcSolver::new(circuit, csys, "tran")
                .map_err(Stopped::before_any_point)?
                .with_clamp(clamp.clone()),
            None => DcSolver::new(circuit, sys, "tran").map_err(Stopped::before_any_point)?,
        };
        dc.solve_point(&mut x, &|d| Some(source_value(d, 0.0)), &|| {
            "the initial operating point".into()
        })
        .map_err(Stopped::before_any_point)?;
        op_state = dc.newton().map(|nt| nt.state.clone());
    }
    // The nonlinear devices' states and charges at the start point.
    let mut newton = Newton::new(circuit, sys).without_refinement();
    if let Some(s) = op_state.filter(|s| s.len() == newton.state.len()) {
        newton.state.copy_from_slice(&s);
    }
    newton.init_transient(&x);
    let mut device_hist: Vec<History> = (newton.q.iter())
        .map(|&q| History { q: [q; 3], dq: 0.0 })
        .collect();
    let mut device_terms = vec![0.0; device_hist.len()];
    let mut device_previous = vec![0.0; device_hist.len()];
    let mut hist = Histories::at_rest(
        reactive
            .iter()
            .map(|(d, r)| reactive::initial_charge(circuit, *d, r, &x, spec.uic))
            .collect(),
    );
    let caps = capacitors(&reactive);
    let n_caps = caps.c.len();
    // tline hook: delay tables of the transmission lines, from the start point.
    let mut line_hist: Vec<tline::History> = (sys.tlines.iter())
        .map(|l| tline::History::new(l, &x, spec.uic))
        .collect();
    // ltra hook: the lossy lines' histories from the start point, and each step's terms.
    let mut ltra_hist: Vec<ltra::History> = (sys.ltras.iter())
        .map(|l| ltra::History::new(l, &x, spec.uic))
        .collect();
    let mut ltra_terms = vec![ltra::StepTerms::default(); sys.ltras.len()];

    // Breakpoints: every source corner, and the end.
    let mut breaks: Vec<f64> = (sys.sources.iter())
        .filter_map(|t| {
            devices::independent_source(&circuit.devices[t.device.index()].kind)
                .and_then(|source| source.tran.as_ref())
                .map(|w| (t.device, w))
        })
        .flat_map(|(d, w)| waveform::breakpoints_with_noise(w, defaults, noise.get(&d)))
        .collect();
    breaks.push(spec.tstop);
    if spec.uic {
        // As ngspice: a breakpoint at TSTEP to damp the start-up ringing of an inconsistent
        // initial state.
        breaks.push(spec.tstep);
    }
    breaks.sort_by(f64::total_cmp);
    breaks.dedup_by(|a, b| (*a - *b).abs() <= 1e-15 * spec.tstop.max(1e-300));

    let max_step = spec
        .tmax
        .filter(|&m| m > 0.0)
        .unwrap_or_else(|| spec.tstep.min((spec.tstop - spec.tstart) / 50.0));
    let min_step = 1e-11 * max_step;
    // ngspice's start: min(TSTOP/100, TSTEP)/10, then t = 0 counts as a breakpoint (at most a
    // tenth of the gap to the next one, or of TSTOP/50), then a tenth of that for the first step.
    let mut delta = spec.tstep.min(spec.tstop / 100.0) / 10.0;
    let first_gap = breaks.first().copied().unwrap_or(spec.tstop);
    delta = delta.min(0.1 * (spec.tstop / 50.0).min(first_gap)) / 10.0;
    let mut delta_old = [max_step; 5];
    let mut order = 1usize;
    let max_order = if opts.method == IntegrationMethod::Gear {
        opts.maxord.clamp(1, 2) as usize
    } else {
        2
    };

    let mut times = Vec::new();
    let mut solutions = Vec::new();
    let mut t = 0.0f64;
    // ngspice writes no t = 0 row under UIC (the state there is only partly in the unknowns:
    // capacitor IC= values live in the device states).
    if spec.tstart <= 0.0 && !spec.uic {
        times.push(0.0);
        sys.unknowns.gather(&x, &mut solutions);
    }

    // Where the next time point's Newton starts (ngspice's `CKTrhsOld`): the last iterate of the
    // last solve, the accepted point's or, after a rejected step, the rejected point's (so a
    // switch that flipped there starts the retry flipped).
    let mut x_iter = x.clone();
    let mut lu = Lu::<f64>::new(&sys.pattern);
    // The (ag0, step) the factorisation was made for (the lossy lines' rows depend on the step).
    let mut factored: Option<(f64, f64)> = None;
    let mut values = vec![0.0; sys.g.len()];
    let mut rhs = vec![0.0; n];
    let mut scratch = Vec::new();
    let mut q_new = vec![0.0; reactive.len()];
    let mut dq_new = vec![0.0; reactive.len()];
    // The history part of each state's derivative at this step (`co.history`).
    let mut hist_term = vec![0.0; reactive.len()];
    let mut next_break = 0usize;
    let mut first = true;
    let mut accepted;
    let mut steps = 0usize;

    let mut stop: Option<SolveError> = None;
    while t < spec.tstop * (1.0 - 1e-12) {
        if control.is_cancelled() {
            stop = Some(SolveError::Interrupted {
                analysis: "tran".into(),
                at: format!("time {t:.7e} s"),
            });
            break;
        }
        // As ngspice 39 (built with XSPICE) throws them out: breakpoints up to its
        // `CKTminBreak = 10*delmin` past the present point, or within `AlmostEqualUlps(.., 100)`
        // of it (a lossy line's arrival computed as `t_bend + TD` can land a hundred ulps past a
        // point reached by whole steps; stepping there would take steps of 1e-22 s and ruin
        // the convolutions).
        while next_break < breaks.len()
            && (breaks[next_break] <= t + 10.0 * min_step
                || within_ulps(breaks[next_break], t, 100))
        {
            next_break += 1;
        }
        let mut hits_break = false;
        let save_delta = delta;
        if let Some(&bp) = breaks.get(next_break) {
            if t + delta >= bp - min_step {
                delta = bp - t;
                hits_break = true;
            }
        }
        delta_old[0] = delta;
        let co = coefficients(opts.method, order, delta, delta_old[1]);
        let t_new = t + delta;
        // ltra hook: the convolutions up to this step.
        for ((line, h), terms) in sys.ltras.iter().zip(&mut ltra_hist).zip(&mut ltra_terms) {
            *terms = h.prepare(line, t_new, delta);
        }
        // The matrix G + ag0*C changes only with ag0 (and the step, with lossy lines): a
        // linear circuit stepping at a constant step and order reuses the last factorisation.
        let key = (
            co.ag[0],
            if sys.ltras.is_empty() {
                0.0
            } else if ltra_terms.iter().any(|t| t.varying()) {
                f64::NAN
            } else {
                delta
            },
        );
        let same_matrix = factored == Some(key);
        if !same_matrix {
            for ((v, &g), &c) in values.iter_mut().zip(&sys.g).zip(&sys.c) {
                *v = g + co.ag[0] * c;
            }
            // tline hook: the lines' ports couple through delayed sources, not the DC matrix.
            for line in &sys.tlines {
                line.remove_dc_coupling(&mut values);
            }
            // ltra hook: this step's port rows in place of the DC ones.
            for (line, terms) in sys.ltras.iter().zip(&ltra_terms) {
                line.stamp_tran(&mut values, terms);
            }
        }
        super::op::dc_rhs(circuit, sys, &mut rhs, &|d| Some(source_value(d, t_new)));
        // Capacitors (the first states), then inductors; they stamp disjoint rows (nodes,
        // branches), so the sums of every row are in device order as before the split.
        // (Every column sliced to the same length first, so the loops index without checks.)
        let (q0, q1, dq) = (&hist.q0[..n_caps], &hist.q1[..n_caps], &hist.dq[..n_caps]);
        let (ca, cb, cc) = (&caps.a[..n_caps], &caps.b[..n_caps], &caps.c[..n_caps]);
        let term = &mut hist_term[..n_caps];
        for k in 0..n_caps {
            let h = co.history_of(q0[k], q1[k], dq[k]);
            term[k] = h;
            let (a, b) = (ca[k], cb[k]);
            if a != NO_ROW {
                rhs[a as usize] -= h;
            }
            if b != NO_ROW {
                rhs[b as usize] += h;
            }
        }
        for (k, (_, r)) in reactive.iter().enumerate().skip(n_caps) {
            let h = co.history_of(hist.q0[k], hist.q1[k], hist.dq[k]);
            hist_term[k] = h;
            r.stamp_history(h, &mut rhs);
        }
        // tline hook: the waves arriving at each line port.
        for (line, h) in sys.tlines.iter().zip(&line_hist) {
            h.stamp_rhs(line, t_new, &mut rhs);
        }
        // ltra hook: the lossy lines' port sources.
        for (line, terms) in sys.ltras.iter().zip(&ltra_terms) {
            line.stamp_rhs(terms, &mut rhs);
        }
        if sys.is_nonlinear() {
            for ((term, prev), h) in (device_terms.iter_mut())
                .zip(device_previous.iter_mut())
                .zip(&device_hist)
            {
                *term = co.history(h);
                *prev = h.q[0];
            }
            let b = rhs.clone();
            rhs.copy_from_slice(&x_iter);
            let mode = LoadMode {
                gshunt: 0.0,
                init_junctions: false,
                predict: Some(delta / delta_old[1]),
                charges: Some(ChargeTerms {
                    ag0: co.ag[0],
                    hist: &device_terms,
                    previous: &device_previous,
                }),
                time: t_new,
            };
            let solved = newton.solve(&mut rhs, &values, &b, mode, opts.itl4);
            x_iter.copy_from_slice(&rhs);
            if let Err(e) = solved {
                if let Some((device, message)) = e.fault {
                    stop = Some(SolveError::Device {
                        analysis: "tran".into(),
                        at: format!("time {t_new:.7e} s"),
                        element: circuit.devices[device.index()].name.clone(),
                        message,
                    });
                    break;
                }
                // As ngspice: cut the step by 8 and restart at order 1.
                newton.restore_state();
                delta /= 8.0;
                order = 1;
                if delta < min_step {
                    stop = Some(SolveError::NoConvergence {
                        analysis: "tran".into(),
                        at: format!("time {t_new:.7e} s"),
                        unknowns: e
                            .worst
                            .iter()
                            .map(|&i| sys.unknowns.name(circuit, i))
                            .collect(),
                    });
                    break;
                }
                continue;
            }
        } else {
            if !same_matrix {
                if let Err(s) = lu.factor(&sys.pattern, &values) {
                    let at = format!("time {t_new:.7e} s");
                    stop = Some(super::singular(circuit, sys, "tran", at, s.0));
                    break;
                }
                factored = Some(key);
            }
            lu.solve_refined(&sys.pattern, &values, &mut rhs, &mut scratch);
        }
        // (A branch-free pass over all values first: it vectorises; `position` does not.)
        let all_finite = rhs.iter().fold(true, |ok, v| ok & v.is_finite());
        if let Some(i) = (!all_finite)
            .then(|| rhs.iter().position(|v| !v.is_finite()))
            .flatten()
        {
            stop = Some(SolveError::NotFinite {
                analysis: "tran".into(),
                at: format!("time {t_new:.7e} s"),
                vector: sys.unknowns.name(circuit, i),
            });
            break;
        }
        // New states and the truncation-error step proposal.
        let lte = Lte::new(&delta_old, order, opts.method, opts);
        let mut min_ratio = f64::INFINITY;
        let v = |i: u32| if i == NO_ROW { 0.0 } else { rhs[i as usize] };
        let (q0, q1, q2) = (&hist.q0[..n_caps], &hist.q1[..n_caps], &hist.q2[..n_caps]);
        let (dq_old, term) = (&hist.dq[..n_caps], &hist_term[..n_caps]);
        let (qn, dqn) = (&mut q_new[..n_caps], &mut dq_new[..n_caps]);
        for k in 0..n_caps {
            let q = cc[k] * (v(ca[k]) - v(cb[k]));
            let dq = co.ag[0] * q + term[k];
            (qn[k], dqn[k]) = (q, dq);
            let past = History {
                q: [q0[k], q1[k], q2[k]],
                dq: dq_old[k],
            };
            min_ratio = lte.lower(min_ratio, q, dq, &past);
        }
        for (k, (_, r)) in reactive.iter().enumerate().skip(n_caps) {
            q_new[k] = r.charge(&rhs);
            dq_new[k] = co.ag[0] * q_new[k] + hist_term[k];
            min_ratio = lte.lower(min_ratio, q_new[k], dq_new[k], &hist.get(k));
        }
        let nl = &sys.nonlinear;
        for (k, device) in nl.devices.iter().enumerate() {
            for j in 0..device.charge_len() {
                if device.charge_in_lte(j) {
                    let c = nl.charge_at[k] + j;
                    let h = &device_hist[c];
                    min_ratio = min_ratio.min(lte.ratio(newton.q[c], newton.dq[c], h));
                }
            }
        }
        // The step the devices allow besides the truncation error, applied to `proposal`.
        let limits = |proposal: f64| {
            // tline hook: do not step past a slope change's arrival at the far end.
            let proposal = (sys.tlines.iter().zip(&line_hist))
                .filter(|_| !first)
                .filter_map(|(l, h)| h.step_limit(l, t_new, &rhs, [delta_old[1], delta_old[2]]))
                .fold(proposal, f64::min);
            // ltra hook: the lossy lines' step limits.
            let proposal = (sys.ltras.iter().zip(&ltra_hist))
                .filter(|_| !first)
                .filter_map(|(l, h)| h.step_limit(l, t_new, &rhs))
                .fold(proposal, f64::min);
            // Devices that limit the step (a switch near its threshold).
            (0..nl.len())
                .filter_map(|k| {
                    let (now, accepted) =
                        (nl.state(k, &newton.state), nl.state(k, &newton.accepted));
                    nl.devices[k].step_limit(&rhs, now, accepted, delta)
                })
                .fold(proposal, f64::min)
        };
        // ngspice does not check the first point and keeps its step for the second.
        let mut proposal = limits(if first {
            delta
        } else {
            (2.0 * delta).min(lte.step(min_ratio))
        });
        // After an accepted order-1 step, ngspice (`DCtran`) estimates the error again at
        // order 2: it raises the order only if that allows more than 1.05 times this step, and
        // continues with order 2's step either way.
        let accept = first || proposal > 0.9 * delta;
        let mut raise = false;
        if !first && accept && order == 1 && max_order > 1 {
            let lte2 = Lte::new(&delta_old, 2, opts.method, opts);
            let mut ratio2 = f64::INFINITY;
            for k in 0..reactive.len() {
                ratio2 = lte2.lower(ratio2, q_new[k], dq_new[k], &hist.get(k));
            }
            for (k, device) in nl.devices.iter().enumerate() {
                for j in (0..device.charge_len()).filter(|&j| device.charge_in_lte(j)) {
                    let c = nl.charge_at[k] + j;
                    ratio2 = ratio2.min(lte2.ratio(newton.q[c], newton.dq[c], &device_hist[c]));
                }
            }
            proposal = limits((2.0 * delta).min(lte2.step(ratio2)));
            raise = proposal > 1.05 * delta;
        }
        if accept {
            // Accept.
            t = t_new;
            steps += 1;
            hist.accept(&mut q_new, &mut dq_new);
            accepted = true;
            for (k, h) in device_hist.iter_mut().enumerate() {
                h.q.copy_within(0..2, 1);
                h.q[0] = newton.q[k];
                h.dq = newton.dq[k];
            }
            // tline hook: record the waves; a slope change schedules its arrival.
            for (line, h) in sys.tlines.iter().zip(&mut line_hist) {
                let bp = h.accept(line, t, &rhs, [delta_old[0], delta_old[1]], 10.0 * min_step);
                if let Some(bp) = bp.filter(|&bp| bp > t + min_step) {
                    tline::set_breakpoint(&mut breaks, next_break, bp, 10.0 * min_step);
                }
            }
            // ltra hook: record the ports; a bend schedules its arrival (merged with
            // breakpoints closer than ngspice's CKTminBreak, 5e-5 of the largest step).
            for (line, h) in sys.ltras.iter().zip(&mut ltra_hist) {
                if let Some(bp) = h.accept(line, t, &rhs).filter(|&bp| bp > t + min_step) {
                    tline::set_breakpoint(&mut breaks, next_break, bp, 5e-5 * max_step);
                }
            }
            newton.accept_state();
            delta_old.copy_within(0..4, 1);
            x.copy_from_slice(&rhs);
            if t >= spec.tstart {
                times.push(t);
                sys.unknowns.gather(&x, &mut solutions);
            }
            let now = (((t / spec.tstop) * TRAN_UNITS as f64) as u64).min(TRAN_UNITS);
            if now > reported {
                control.advance(now - reported);
                reported = now;
            }
            if raise {
                order = 2;
            }
            first = false;
            let mut next = proposal.min(max_step);
            if hits_break {
                // Restart from a corner with backward Euler and a cautious step.
                order = 1;
                let gap = breaks
                    .get(next_break + 1)
                    .map_or(max_step, |&b| b - breaks[next_break]);
                next = next.min(0.1 * save_delta.min(gap));
            }
            delta = next;
        } else {
            accepted = false;
            // Reject: retry from the same point with the proposed step.
            newton.restore_state();
            delta = proposal;
        }
        if delta < min_step {
            // After an accepted step the newest charges are the history's (no change).
            let newest = if accepted { &hist.q0 } else { &q_new };
            let worst = worst_device(circuit, &reactive, newest, &hist.q0);
            stop = Some(SolveError::TimestepTooSmall {
                time: t,
                step: delta,
                element: worst,
            });
            break;
        }
        if steps > 10_000_000 {
            stop = Some(SolveError::TimestepTooSmall {
                time: t,
                step: delta,
                element: "too many time points".into(),
            });
            break;
        }
    }
    control.advance(TRAN_UNITS - reported);

    let plot = Plot {
        name: PLOT_NAME.into(),
        scale: Some(Vector {
            name: "time".into(),
            unit: Unit::Time,
            data: Data::Real(times),
        }),
        vectors: vectors_real(circuit, &sys.unknowns, &solutions),
    };
    match stop {
        None => Ok(plot),
        Some(error) => Err(Stopped::after(error, plot)),
    }
}

/// The leading capacitors of `reactive` (as [`reactive_devices`] orders them), as columns.
fn capacitors(reactive: &[(DeviceId, Reactive)]) -> Capacitors {
    let row = |i: &Option<usize>| i.map_or(NO_ROW, |i| i as u32);
    let mut caps = Capacitors {
        a: Vec::new(),
        b: Vec::new(),
        c: Vec::new(),
    };
    for (_, r) in reactive {
        let Reactive::Capacitor { a, b, c } = r else {
            break;
        };
        caps.a.push(row(a));
        caps.b.push(row(b));
        caps.c.push(*c);
    }
    caps
}

/// The device whose state changes fastest relative to its size (named in step-too-small errors).
/// `q_new[k]` and `q0[k]` are state `k`'s newest and last accepted charges; ties go to the
/// last device in netlist order.
fn worst_device(
    circuit: &Circuit,
    reactive: &[(DeviceId, Reactive)],
    q_new: &[f64],
    q0: &[f64],
) -> String {
    let mut order: Vec<usize> = (0..reactive.len()).collect();
    order.sort_by_key(|&k| reactive[k].0);
    let change = |k: usize| (q_new[k] - q0[k]).abs() / q0[k].abs().max(1e-30);
    order
        .into_iter()
        .max_by(|&a, &b| change(a).total_cmp(&change(b)))
        .map_or_else(
            || "no reactive element".to_string(),
            |k| circuit.devices[reactive[k].0.index()].name.clone(),
        )
}

/// Whether `a` and `b` are at most `ulps` representable doubles apart (ngspice's
/// `AlmostEqualUlps`, for values of one sign).
fn within_ulps(a: f64, b: f64, ulps: u64) -> bool {
    a.is_sign_negative() == b.is_sign_negative() && a.to_bits().abs_diff(b.to_bits()) <= ulps
}
