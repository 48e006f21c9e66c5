//! Newton-Raphson iteration for circuits with nonlinear devices.
//!
//! Each iteration starts from the linear matrix (`G`, or `G + ag0*C` in a transient), lets every
//! nonlinear device (`Nonlinear::load`) linearise itself at the present solution (after its own
//! junction voltage limiting) on top of it, refactors on the static pivots and solves.
//! Convergence is ngspice's (`NIconvTest` and the devices' own tests): every node voltage
//! changed by at most `reltol*max(|new|,|old|) + vntol` and every branch current by
//! `... + abstol`, and every device reports itself converged (nothing limited, currents within
//! tolerance of their linearised prediction). The devices' states (junction voltages and the
//! like) live here as one flat array, `state`, with the last accepted point's in `accepted`.
//!
//! Iteration modes follow ngspice's `NIiter`, whose iterate sequence the parity tests see:
//! - the first iteration from scratch (`Load::init_junctions`, `MODEINITJCT`) never ends a
//!   solve; the iterations after it (`Load::init_fix`, `MODEINITFIX`) go on until one has
//!   converged, and only a later converged iteration (`MODEINITFLOAT`) ends it;
//! - a warm start at a new `.dc` point or time step passes `Load::predict` to its first
//!   iteration (`MODEINITPRED`), so devices can extrapolate their junction voltages;
//! - the answer is the iterate the devices were last linearised at (ngspice returns before
//!   swapping its vectors and dumps `CKTrhsOld`), consistent with their states, not the last
//!   solve's result, which is within the tolerances of it.
//!
//! The operating point tries, in order, plain Newton from junctions at their critical voltage,
//! GMIN stepping (a shunt conductance on every node from 1e-3 S down to GMIN, ngspice's
//! `dynamic_gmin`) and source stepping (all independent sources ramped from 0 to their values),
//! as ngspice does. Every solve gets at least 100 iterations, whatever ITL1/ITL2/ITL4 say
//! (ngspice 39's `NIiter` floor).

use crate::devices::nonlinear::{Integrator, Load, Mode, Nonlinear, State};
use crate::lu::Lu;
use crate::mna::System;
use circuit::Circuit;

/// Iteration limit of each GMIN- or source-stepping solve (ngspice's ITL2 default; its
/// quarters steer the step factors, while the solves themselves get `MIN_ITERATIONS`).
const ITL2: u32 = 50;

/// The fewest iterations a solve gets whatever its limit (ITL1, ITL2, ITL4): ngspice 39's
/// `NIiter` raises every smaller limit to 100.
const MIN_ITERATIONS: u32 = 100;

/// ngspice's `gminfactor` default: the largest ratio between two GMIN steps.
const GMIN_FACTOR: f64 = 10.0;

/// Transient companion data for the device charges of one Newton solve.
#[derive(Debug, Clone, Copy)]
pub struct ChargeTerms<'a> {
    /// Leading integration coefficient.
    pub ag0: f64,
    /// History part of each device charge's derivative (`q' = ag0*q + hist`).
    pub hist: &'a [f64],
    /// Each device charge at the last accepted time point.
    pub previous: &'a [f64],
}

/// What a load needs besides the solution.
#[derive(Debug, Clone, Copy)]
pub struct LoadMode<'a> {
    /// Shunt conductance from every node to ground (GMIN stepping); 0 normally.
    pub gshunt: f64,
    /// Start junctions at their critical voltage instead of the solution's.
    pub init_junctions: bool,
    pub charges: Option<ChargeTerms<'a>>,
    /// A warm start at a new point (ngspice's `MODEINITPRED`: the next `.dc` sweep point, the
    /// next time step): the devices may extrapolate their first iteration's junction
    /// voltages from the last two accepted points, `v = (1 + f)*v1 - f*v2` with this `f`
    /// (the step over the previous step; 1 in a sweep).
    pub predict: Option<f64>,
    /// The transient time of the point (s); 0 for a DC point.
    pub time: f64,
}

impl LoadMode<'_> {
    /// A DC load: no shunt, no charges, no prediction, at time 0; junctions started at their
    /// critical voltage when `init_junctions`.
    pub fn dc(init_junctions: bool) -> Self {
        LoadMode {
            gshunt: 0.0,
            init_junctions,
            charges: None,
            predict: None,
            time: 0.0,
        }
    }
}

/// Why Newton stopped without converging.
#[derive(Debug, Clone)]
pub struct NoConvergence {
    /// Unknowns that were still moving most at the last iteration, worst first.
    pub worst: Vec<usize>,
    /// A device that could not be evaluated (`Load::fault`): which and why. Newton stops at
    /// once (no GMIN or source stepping, no smaller time step), as ngspice does when a
    /// device's load fails.
    pub fault: Option<(circuit::DeviceId, String)>,
}

impl NoConvergence {
    fn plain(worst: Vec<usize>) -> Self {
        NoConvergence { worst, fault: None }
    }
}

/// Reusable Newton workspace for one system.
pub struct Newton<'a> {
    circuit: &'a Circuit,
    sys: &'a System,
    pub lu: Lu<f64>,
    values: Vec<f64>,
    rhs: Vec<f64>,
    x_new: Vec<f64>,
    scratch: Vec<f64>,
    /// Whether each solve gets `Lu::solve_refined`'s residual check and refinement step
    /// (the default), or is a plain solve ([`Newton::without_refinement`]).
    refine: bool,
    /// Diagonal slots of node rows (for GMIN stepping).
    node_diag: Vec<usize>,
    /// Every nonlinear device's state at the last load (SPICE's `CKTstate0`), and at the last
    /// accepted point (`CKTstate1`).
    pub state: Vec<f64>,
    pub accepted: Vec<f64>,
    /// Every device charge and its current (`q'`) at the last load (transient).
    pub q: Vec<f64>,
    pub dq: Vec<f64>,
    /// Newton iterations done (statistics).
    pub iterations: usize,
    /// How the last DC operating point was found.
    pub method: Option<OpMethod>,
    /// A device's evaluation failure at the last load.
    fault: Option<(circuit::DeviceId, String)>,
    /// Rows that the devices may not load (`.ic` clamps of a transient's operating point):
    /// each row with the slots of its node columns. After every load these slots get the base
    /// matrix's values back and the row's right-hand side the linear one (ngspice's `CKTload`
    /// rewrites an `.ic` row after the devices, `ZeroNoncurRow`).
    fixed_rows: Vec<(usize, Vec<usize>)>,
}

/// Which strategy of [`dc_operating_point`] converged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpMethod {
    Newton,
    GminStepping,
    SourceStepping,
}

impl<'a> Newton<'a> {
    pub fn new(circuit: &'a Circuit, sys: &'a System) -> Self {
        Self::with_lu(circuit, sys, Lu::new(&sys.pattern))
    }

    /// [`Newton::new`] factoring with `lu` (a factoriser of `sys`'s pattern, for example one
    /// on another run's pivots, [`Lu::from_pivots`]).
    pub fn with_lu(circuit: &'a Circuit, sys: &'a System, lu: Lu<f64>) -> Self {
        let n = sys.unknowns.len();
        let nl = &sys.nonlinear;
        let col_ptr = sys.pattern.symbolic.col_ptr();
        let row_idx = sys.pattern.symbolic.row_idx();
        let node_diag = (0..sys.unknowns.node_unknowns())
            .map(|c| {
                (col_ptr[c]..col_ptr[c + 1])
                    .find(|&k| row_idx[k] == c)
                    .expect("every diagonal is in the pattern")
            })
            .collect();
        Newton {
            circuit,
            sys,
            lu,
            values: vec![0.0; sys.g.len()],
            rhs: vec![0.0; n],
            x_new: vec![0.0; n],
            scratch: Vec::new(),
            refine: true,
            node_diag,
            state: vec![0.0; nl.state_len()],
            accepted: vec![0.0; nl.state_len()],
            q: vec![0.0; nl.charge_len()],
            dq: vec![0.0; nl.charge_len()],
            iterations: 0,
            method: None,
            fault: None,
            fixed_rows: Vec::new(),
        }
    }

    /// Keeps the devices out of `rows`' node columns and right-hand side (see `fixed_rows`).
    pub fn fix_rows(&mut self, rows: &[usize]) {
        let nodes = self.sys.unknowns.node_unknowns();
        let col_ptr = self.sys.pattern.symbolic.col_ptr();
        let row_idx = self.sys.pattern.symbolic.row_idx();
        self.fixed_rows = (rows.iter())
            .map(|&row| {
                let slots = (0..nodes)
                    .flat_map(|c| col_ptr[c]..col_ptr[c + 1])
                    .filter(|&k| row_idx[k] == row)
                    .collect();
                (row, slots)
            })
            .collect();
    }

    /// Solves without the residual check and refinement step (see [`Newton::solve`]): for the
    /// time points of a transient. There a Newton iterate is only the next linearisation
    /// point and the answer's accuracy is set by the convergence test (`reltol`, 1e-3 by
    /// default) and the truncation-error control, far coarser than the backward error of a
    /// static-pivot solve (at most 5e-10 on the 21-transistor op-amp, where the check refined
    /// 4,046 of 4,047 solves and, with the second solve, was a quarter of the instructions).
    /// ngspice refines none of its solves. Operating points keep the refinement: the second-order
    /// results built on them (`analysis::rectify`'s rectified currents, 1e-10 of the node
    /// voltages) need the operating point to the last digits.
    pub fn without_refinement(mut self) -> Self {
        self.refine = false;
        self
    }

    /// Iterates from `x` (updated in place) on the matrix `base` (`G` or `G + ag0*C`) with the
    /// linear right-hand side `b`, for at most `max_iter` iterations (at least `MIN_ITERATIONS`,
    /// as ngspice).
    pub fn solve(
        &mut self,
        x: &mut [f64],
        base: &[f64],
        b: &[f64],
        mode: LoadMode,
        max_iter: u32,
    ) -> Result<(), NoConvergence> {
        let opts = &self.circuit.options;
        let mut init = mode.init_junctions;
        // ngspice's MODEINITFIX: after the first iteration from scratch, iterations go on
        // until one has converged, and only the next converged one ends the solve.
        let mut fix = false;
        for iter in 0..max_iter.max(MIN_ITERATIONS) {
            self.iterations += 1;
            self.values.copy_from_slice(base);
            self.rhs.copy_from_slice(b);
            for &s in &self.node_diag {
                self.values[s] += mode.gshunt;
            }
            let predict = if iter == 0 { mode.predict } else { None };
            let devices_converged = self.load(x, init, fix, predict, mode);
            for (row, slots) in &self.fixed_rows {
                for &k in slots {
                    self.values[k] = base[k];
                }
                self.rhs[*row] = b[*row];
            }
            if let Some(fault) = self.fault.take() {
                return Err(NoConvergence {
                    worst: Vec::new(),
                    fault: Some(fault),
                });
            }
            if self.lu.factor(&self.sys.pattern, &self.values).is_err() {
                return Err(NoConvergence::plain(Vec::new()));
            }
            self.x_new.copy_from_slice(&self.rhs);
            if self.refine {
                self.lu.solve_refined(
                    &self.sys.pattern,
                    &self.values,
                    &mut self.x_new,
                    &mut self.scratch,
                );
            } else {
                self.lu.solve_in_place(&mut self.x_new);
            }
            if self.x_new.iter().any(|v| !v.is_finite()) {
                return Err(NoConvergence::plain(Vec::new()));
            }
            // Node voltages (visible and internal) get VNTOL, branch currents ABSTOL.
            let nodes = self.sys.unknowns.node_unknowns();
            let visible = self.sys.unknowns.visible();
            let solution_converged =
                self.x_new
                    .iter()
                    .zip(x.iter())
                    .enumerate()
                    .all(|(i, (&new, &old))| {
                        let abs = if i < nodes || i >= visible {
                            opts.vntol
                        } else {
                            opts.abstol
                        };
                        (new - old).abs() <= opts.reltol * new.abs().max(old.abs()) + abs
                    });
            let converged = !init && iter > 0 && devices_converged && solution_converged;
            if converged && !fix {
                // As ngspice (NIiter returns before swapping its vectors, and CKTdump writes
                // CKTrhsOld): the answer is the iterate the devices were last linearised at,
                // consistent with their states, not the final solve's result (which is within
                // the tolerances of it).
                return Ok(());
            }
            x.copy_from_slice(&self.x_new);
            fix = if init { true } else { fix && !converged };
            init = false;
        }
        // Name the unknowns that moved most in the last iteration.
        let mut worst: Vec<usize> = (0..x.len()).collect();
        let moved = |i: usize| (self.rhs[i] - x[i]).abs();
        worst.sort_by(|&a, &b| moved(b).total_cmp(&moved(a)));
        worst.truncate(3);
        Err(NoConvergence::plain(worst))
    }

    /// Linearises every nonlinear device at `x` into `values`/`rhs`; returns whether all of
    /// them report convergence.
    fn load(
        &mut self,
        x: &[f64],
        init: bool,
        fix: bool,
        predict: Option<f64>,
        mode: LoadMode,
    ) -> bool {
        let nl = &self.sys.nonlinear;
        let analysis = if mode.charges.is_some() {
            Mode::Tran
        } else {
            Mode::Dc
        };
        let mut converged = true;
        for (k, device) in nl.devices.iter().enumerate() {
            let (s0, s1) = (nl.state_at[k], nl.state_at[k + 1]);
            let (c0, c1) = (nl.charge_at[k], nl.charge_at[k + 1]);
            let integrator = mode.charges.map(|ch| Integrator {
                ag0: ch.ag0,
                hist: &ch.hist[c0..c1],
                previous: &ch.previous[c0..c1],
                q: &mut self.q[c0..c1],
                dq: &mut self.dq[c0..c1],
            });
            let mut load = Load {
                values: &mut self.values,
                rhs: &mut self.rhs,
                mode: analysis,
                init_junctions: init,
                init_fix: fix,
                predict,
                options: &self.circuit.options,
                integrator,
                time: mode.time,
                fault: None,
            };
            let state = State {
                now: &mut self.state[s0..s1],
                accepted: &self.accepted[s0..s1],
            };
            converged &= device.load(x, state, &mut load);
            if let Some(message) = load.fault {
                self.fault = Some((nl.ids[k], message));
                return false;
            }
        }
        converged
    }

    /// Adds every nonlinear device's DC linearisation at `x` (from the current states: no
    /// junction initialisation, no prediction) to `values`/`rhs`, for analyses built on the
    /// devices' currents rather than on a Newton solve (`analysis::rectify`). A device that
    /// cannot be evaluated is returned with its name and why.
    pub fn load_devices(
        &mut self,
        x: &[f64],
        values: &mut [f64],
        rhs: &mut [f64],
    ) -> Result<(), (String, String)> {
        self.values.copy_from_slice(values);
        self.rhs.copy_from_slice(rhs);
        let mode = LoadMode::dc(false);
        self.load(x, false, false, None, mode);
        if let Some((device, message)) = self.fault.take() {
            return Err((self.circuit.devices[device.index()].name.clone(), message));
        }
        values.copy_from_slice(&self.values);
        rhs.copy_from_slice(&self.rhs);
        Ok(())
    }

    /// Loads every device at solution `x` in `Mode::TranInit` (no limiting, no integration):
    /// their states and charges (`q`) at the point a transient starts from.
    pub fn init_transient(&mut self, x: &[f64]) {
        let nl = &self.sys.nonlinear;
        let zeros = vec![0.0; nl.charge_len()];
        for (k, device) in nl.devices.iter().enumerate() {
            let (s0, s1) = (nl.state_at[k], nl.state_at[k + 1]);
            let (c0, c1) = (nl.charge_at[k], nl.charge_at[k + 1]);
            let mut load = Load {
                values: &mut self.values,
                rhs: &mut self.rhs,
                mode: Mode::TranInit,
                init_junctions: false,
                init_fix: false,
                predict: None,
                options: &self.circuit.options,
                integrator: Some(Integrator {
                    ag0: 0.0,
                    hist: &zeros[c0..c1],
                    previous: &zeros[c0..c1],
                    q: &mut self.q[c0..c1],
                    dq: &mut self.dq[c0..c1],
                }),
                time: 0.0,
                fault: None,
            };
            let state = State {
                now: &mut self.state[s0..s1],
                accepted: &self.accepted[s0..s1],
            };
            device.load(x, state, &mut load);
        }
        self.accept_state();
    }

    /// The last load's states become the accepted point's (a time point was accepted).
    pub fn accept_state(&mut self) {
        self.accepted.copy_from_slice(&self.state);
    }

    /// Back to the accepted point's states (a time step was rejected or failed).
    pub fn restore_state(&mut self) {
        self.state.copy_from_slice(&self.accepted);
    }

    /// The nonlinear devices with their states at the last load.
    pub fn devices(&self) -> impl Iterator<Item = (circuit::DeviceId, &dyn Nonlinear, &[f64])> {
        self.sys.nonlinear.with_states(&self.state)
    }
}

/// Plain Newton for a DC point from a given iterate `x` and device states (already in
/// `newton.state`): another circuit's operating point of the same structure, such as the
/// nominal circuit's for a Monte Carlo copy. No junction initialisation, no prediction, no
/// GMIN or source stepping: the caller falls back to [`dc_operating_point`] from scratch when
/// this fails. `rhs_at` is as in [`dc_operating_point`].
pub fn dc_from_guess(
    newton: &mut Newton,
    x: &mut [f64],
    rhs_at: &dyn Fn(f64, &mut [f64]),
) -> Result<(), NoConvergence> {
    let mut b = vec![0.0; x.len()];
    rhs_at(1.0, &mut b);
    let mode = LoadMode::dc(false);
    let itl1 = newton.circuit.options.itl1;
    newton.solve(x, &newton.sys.g, &b, mode, itl1)?;
    newton.method = Some(OpMethod::Newton);
    Ok(())
}

/// Newton for a DC point with ngspice's fallbacks: plain Newton from junctions at their
/// critical voltage, then GMIN stepping, then source stepping. `rhs_at(scale, b)` fills the
/// linear right-hand side with every independent source scaled by `scale`.
pub fn dc_operating_point(
    newton: &mut Newton,
    x: &mut [f64],
    rhs_at: &dyn Fn(f64, &mut [f64]),
    warm: bool,
) -> Result<(), NoConvergence> {
    let sys = newton.sys;
    let opts = newton.circuit.options.clone();
    let mut b = vec![0.0; x.len()];
    rhs_at(1.0, &mut b);
    let plain = LoadMode {
        predict: warm.then_some(1.0),
        ..LoadMode::dc(!warm)
    };
    let start = x.to_vec();
    let first = newton.solve(x, &sys.g, &b, plain, opts.itl1);
    match first {
        Ok(()) => {
            newton.method = Some(OpMethod::Newton);
            return Ok(());
        }
        Err(e) if e.fault.is_some() => return Err(e),
        Err(_) => {}
    }
    // GMIN stepping, ngspice's `dynamic_gmin`: a shunt on every node starting at 1e-2/10,
    // divided by `factor` after each success (the factor grows to 10 while steps converge in
    // ITL2/4 iterations, shrinks to its square root when one needs more than 3*ITL2/4, and to
    // its fourth root after a failure, which retries from the last good solution and device
    // states); the last step lands on GMIN exactly. Whether or not the steps reached GMIN, a
    // plain solve (ITL1) follows from where they stopped.
    x.copy_from_slice(&start);
    let gtarget = opts.gmin;
    let mut factor: f64 = GMIN_FACTOR;
    let mut old_gmin = 1e-2;
    let mut gs = old_gmin / factor;
    let mut init = !warm;
    let mut last_good = start.clone();
    let mut last_state = newton.state.clone();
    loop {
        let mode = LoadMode {
            gshunt: gs,
            ..LoadMode::dc(init)
        };
        let before = newton.iterations;
        match newton.solve(x, &sys.g, &b, mode, ITL2) {
            Ok(()) => {
                init = false;
                if gs <= gtarget {
                    break;
                }
                last_good.copy_from_slice(x);
                last_state.copy_from_slice(&newton.state);
                let iters = newton.iterations - before;
                if iters <= ITL2 as usize / 4 {
                    factor = (factor * factor.sqrt()).min(GMIN_FACTOR);
                }
                if iters > 3 * ITL2 as usize / 4 {
                    factor = factor.sqrt().max(1.00005);
                }
                old_gmin = gs;
                if gs < factor * gtarget {
                    factor = gs / gtarget;
                    gs = gtarget;
                } else {
                    gs /= factor;
                }
            }
            Err(e) if e.fault.is_some() => return Err(e),
            Err(_) => {
                if factor < 1.00005 {
                    break;
                }
                factor = factor.sqrt().sqrt();
                gs = old_gmin / factor;
                x.copy_from_slice(&last_good);
                newton.state.copy_from_slice(&last_state);
            }
        }
    }
    let mode = LoadMode::dc(init);
    match newton.solve(x, &sys.g, &b, mode, opts.itl1) {
        Ok(()) => {
            newton.method = Some(OpMethod::GminStepping);
            return Ok(());
        }
        Err(e) if e.fault.is_some() => return Err(e),
        Err(_) => {}
    }
    // Source stepping.
    x.iter_mut().for_each(|v| *v = 0.0);
    let mut scale = 0.0;
    let mut step = 0.1;
    let mut init = true;
    let mut last_good = x.to_vec();
    loop {
        rhs_at(scale, &mut b);
        let mode = LoadMode::dc(init);
        match newton.solve(x, &sys.g, &b, mode, ITL2) {
            Ok(()) => {
                if scale >= 1.0 {
                    newton.method = Some(OpMethod::SourceStepping);
                    return Ok(());
                }
                last_good.copy_from_slice(x);
                init = false;
                scale = (scale + step).min(1.0);
                step *= 1.5;
            }
            Err(e) => {
                if init || step < 1e-4 || e.fault.is_some() {
                    return Err(e);
                }
                x.copy_from_slice(&last_good);
                scale -= step / 1.5;
                step /= 4.0;
                scale = (scale + step).min(1.0);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::op::DcSolver;

    /// tests/parity/op_mos2_gmin_stepping.net: plain Newton cannot converge in 100 iterations
    /// (ngspice 39 neither: its log shows dynamic gmin stepping from 1e-3 S); GMIN stepping must,
    /// to ngspice's answer v(out) = 2.344170704409221 V.
    #[test]
    fn hard_operating_point_needs_gmin_stepping() {
        let text = include_str!("../../../tests/parity/op_mos2_gmin_stepping.net");
        let (ast, _) = netlist::parse_str(std::path::Path::new("gmin.net"), text).unwrap();
        let circuit = circuit::elaborate(&ast).unwrap();
        let sys = System::assemble(&circuit);
        let mut dc = DcSolver::new(&circuit, &sys, "op").unwrap();
        let mut x = vec![0.0; sys.unknowns.len()];
        dc.solve_point(&mut x, &|_| None, &|| "op".into()).unwrap();
        assert_eq!(dc.newton().unwrap().method, Some(OpMethod::GminStepping));
        let out = sys.unknowns.node(circuit.node("out").unwrap()).unwrap();
        assert!((x[out] - 2.344_170_704_409_221).abs() < 1e-6, "{}", x[out]);
    }

    /// A start from which plain Newton fails (the latch above at 5 V, offered to the same latch
    /// at 40 V, ITL1 = 4) is dropped: the point is solved from scratch, to the same bits as
    /// without a start (GMIN stepping, as above).
    #[test]
    fn a_start_from_the_nominal_point_converges_in_plain_newton() {
        use crate::analysis::op::OpStart;
        // The gmin-stepping MOS circuit (see the test above) at other supplies and inputs.
        let amp = |vcc: f64, vin: f64| {
            let text = include_str!("../../../tests/parity/op_mos2_gmin_stepping.net")
                .replace("vcc vcc 0 15", &format!("vcc vcc 0 {vcc}"))
                .replace("vin in 0 1", &format!("vin in 0 {vin}"));
            let (ast, _) = netlist::parse_str(std::path::Path::new("amp.net"), &text).unwrap();
            circuit::elaborate(&ast).unwrap()
        };
        let solve = |c: &Circuit, start: Option<&OpStart>| {
            let sys = System::assemble(c);
            let mut dc = DcSolver::starting(c, &sys, "op", start).unwrap();
            let mut x = vec![0.0; sys.unknowns.len()];
            dc.solve_point_from(&mut x, &|_| None, &|| "op".into(), start)
                .unwrap();
            let method = dc.newton().unwrap().method;
            let start = OpStart::new(&sys, &dc, &x);
            (x, method, start)
        };
        let (x5, _, nominal) = solve(&amp(15.0, 1.0), None);
        // The start fits: the same circuit converges from it in plain Newton, where it was.
        let (again, again_method, _) = solve(&amp(15.0, 1.0), Some(&nominal));
        assert_eq!(again_method, Some(OpMethod::Newton));
        assert!(again.iter().zip(&x5).all(|(a, b)| (a - b).abs() < 1e-9));
        // From it, the circuit at other supplies and input converges in plain Newton where the
        // cold procedure needs gmin stepping, to the same point within Newton's tolerance
        // (reltol 1e-3, vntol 10 nV).
        let far = amp(5.0, -3.0);
        let (cold, cold_method, _) = solve(&far, None);
        let (warm, warm_method, _) = solve(&far, Some(&nominal));
        assert_eq!(cold_method, Some(OpMethod::GminStepping));
        assert_eq!(warm_method, Some(OpMethod::Newton));
        let worst = warm
            .iter()
            .zip(&cold)
            .map(|(a, b)| (a - b).abs() / (1e-3 * b.abs() + 1e-8))
            .fold(0.0f64, f64::max);
        assert!(
            worst <= 1.0,
            "warm and cold differ by {worst} x Newton's tolerance"
        );
    }
}
