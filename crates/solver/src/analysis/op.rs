//! `.op`: the DC operating point, `G x = b_dc` (Newton-Raphson when there are nonlinear devices).
//!
//! Capacitors are open (their `C` entries are ignored), inductors are shorts (their branch
//! equation reduces to `v(a) - v(b) = 0`), sources take their DC values.

use super::{check_finite, dc_value, singular, vectors_real};
use crate::lu::{Lu, Pivots};
use crate::mna::System;
use crate::newton::{dc_from_guess, dc_operating_point, Newton};
use crate::result::Plot;
use crate::SolveError;
use circuit::{Circuit, DeviceId};

pub const PLOT_NAME: &str = "Operating Point";

/// Solves DC points: a linear circuit factors `G` once and every point (op, each sweep value) is
/// one substitution; a nonlinear one runs Newton, warm-started from the previous point.
pub(crate) struct DcSolver<'a> {
    circuit: &'a Circuit,
    sys: &'a System,
    analysis: &'static str,
    kind: DcKind<'a>,
    /// Right-hand-side terms of `.ic` clamps (see [`clamp_initial_conditions`]).
    clamp: Vec<Clamp>,
}

/// One `.ic` node clamp of a transient's operating point.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Clamp {
    row: usize,
    value: f64,
    /// The row was replaced by `v = value` (else its node columns by `G_CLAMP*v = G_CLAMP*value`,
    /// keeping its branch currents).
    exact: bool,
}

/// Conductance of a `.ic` clamp on a node row that carries branch currents (ngspice's 1e10).
const G_CLAMP: f64 = 1e10;

/// Applies `.ic v(node)=value` to the operating point of a transient without UIC, as ngspice
/// does (`CKTload`'s `ZeroNoncurRow`): a node row that has no branch-current entries is replaced
/// by `v(node) = value` (exact); otherwise its node columns are replaced by
/// `G_CLAMP*v(node) = G_CLAMP*value`, its branch-current entries kept. The nonlinear devices do
/// not load the row either (`Newton::fix_rows`). Returns the modified system and the
/// right-hand-side terms for [`DcSolver::with_clamp`].
pub(crate) fn clamp_initial_conditions(circuit: &Circuit, sys: &System) -> (System, Vec<Clamp>) {
    let mut out = sys.clone();
    let mut clamps = Vec::new();
    let nodes = sys.unknowns.node_unknowns();
    let col_ptr = sys.pattern.symbolic.col_ptr();
    let row_idx = sys.pattern.symbolic.row_idx();
    for &(node, value) in &circuit.initial_conditions {
        let Some(row) = sys.unknowns.node(node) else {
            continue;
        };
        let mut slots = Vec::new();
        let mut has_current = false;
        for col in 0..sys.unknowns.len() {
            let (start, end) = (col_ptr[col], col_ptr[col + 1]);
            for (k, &r) in (start..end).zip(&row_idx[start..end]) {
                if r == row {
                    slots.push((col, k));
                    if col >= nodes && sys.g[k] != 0.0 {
                        has_current = true;
                    }
                }
            }
        }
        let diag = if has_current { G_CLAMP } else { 1.0 };
        for &(col, k) in slots.iter().filter(|(col, _)| *col < nodes) {
            out.g[k] = if col == row { diag } else { 0.0 };
            out.c[k] = 0.0;
        }
        clamps.push(Clamp {
            row,
            value,
            exact: !has_current,
        });
    }
    (out, clamps)
}

/// A solved operating point offered as the start of another circuit's: a Monte Carlo copy of
/// the same circuit (same nodes, devices and matrix pattern; other values), whose Newton then
/// starts from this solution and these device states, on these pivots, instead of from
/// scratch. Made by [`crate::analysis::ac::op_start`]. A system of another shape ignores it,
/// and a start from which Newton does not converge falls back to the full procedure from
/// scratch, so a start changes an answer only within Newton's convergence tolerance.
#[derive(Clone)]
pub struct OpStart {
    /// Every unknown at the operating point.
    x: Vec<f64>,
    /// The nonlinear devices' states there (empty for a linear circuit).
    states: Vec<f64>,
    /// The pivots of the factorisation that solved it.
    pub(crate) pivots: Pivots,
    /// The pivots of the small-signal matrix's first factorisation in an AC sweep from here
    /// (set by [`crate::analysis::ac::op_start`]).
    pub(crate) ac_pivots: Option<Pivots>,
    /// The shape it fits: the pattern's column pointers and row indices.
    col_ptr: Vec<usize>,
    row_idx: Vec<usize>,
}

impl OpStart {
    /// The start made of the operating point `x` of `sys` (states from `solver`), and the
    /// pivots that solved it.
    pub(crate) fn new(sys: &System, solver: &DcSolver, x: &[f64]) -> OpStart {
        let (states, pivots) = match &solver.kind {
            DcKind::Nonlinear { newton, .. } => (newton.state.clone(), newton.lu.pivots()),
            DcKind::Linear { lu, .. } => (Vec::new(), lu.pivots()),
        };
        OpStart {
            x: x.to_vec(),
            states,
            pivots,
            ac_pivots: None,
            col_ptr: sys.pattern.symbolic.col_ptr().to_vec(),
            row_idx: sys.pattern.symbolic.row_idx().to_vec(),
        }
    }

    /// Whether `sys` has the shape this start was made on.
    pub(crate) fn fits(&self, sys: &System) -> bool {
        self.states.len() == sys.nonlinear.state_len() && self.fits_pattern(sys)
    }

    /// Whether `sys` (the system it was made on, or that system linearised) has the
    /// unknowns and matrix pattern this start was made on.
    pub(crate) fn fits_pattern(&self, sys: &System) -> bool {
        self.x.len() == sys.unknowns.len()
            && self.col_ptr == sys.pattern.symbolic.col_ptr()
            && self.row_idx == sys.pattern.symbolic.row_idx()
    }
}

enum DcKind<'a> {
    Linear {
        lu: Box<Lu<f64>>,
        residual: Vec<f64>,
    },
    Nonlinear {
        newton: Box<Newton<'a>>,
        warm: bool,
    },
}

impl<'a> DcSolver<'a> {
    pub fn new(
        circuit: &'a Circuit,
        sys: &'a System,
        analysis: &'static str,
    ) -> Result<Self, SolveError> {
        Self::starting(circuit, sys, analysis, None)
    }

    /// [`DcSolver::new`] factoring on `start`'s pivots when it fits `sys` (see [`OpStart`]).
    pub fn starting(
        circuit: &'a Circuit,
        sys: &'a System,
        analysis: &'static str,
        start: Option<&OpStart>,
    ) -> Result<Self, SolveError> {
        let lu = || match start.filter(|s| s.fits(sys)) {
            Some(s) => Lu::<f64>::from_pivots(&s.pivots),
            None => Lu::<f64>::new(&sys.pattern),
        };
        let kind = if sys.is_nonlinear() {
            DcKind::Nonlinear {
                newton: Box::new(Newton::with_lu(circuit, sys, lu())),
                warm: false,
            }
        } else {
            let mut lu = lu();
            lu.factor(&sys.pattern, &sys.g)
                .map_err(|s| singular(circuit, sys, analysis, "the operating point".into(), s.0))?;
            DcKind::Linear {
                lu: Box::new(lu),
                residual: Vec::new(),
            }
        };
        Ok(DcSolver {
            circuit,
            sys,
            analysis,
            kind,
            clamp: Vec::new(),
        })
    }

    /// A solver for `circuit`, the same netlist elaborated at another temperature, that goes
    /// on from `prev`'s last point as ngspice's `.dc temp` goes on after `CKTtemp`: the device
    /// states and the warm start carry over (same unknowns and devices, other values).
    pub fn continued(
        circuit: &'a Circuit,
        sys: &'a System,
        prev: &DcSolver<'_>,
    ) -> Result<Self, SolveError> {
        let mut next = Self::new(circuit, sys, prev.analysis)?;
        if let (
            DcKind::Nonlinear { newton, warm },
            DcKind::Nonlinear {
                newton: p,
                warm: was_warm,
            },
        ) = (&mut next.kind, &prev.kind)
        {
            newton.state.copy_from_slice(&p.state);
            newton.accepted.copy_from_slice(&p.accepted);
            *warm = *was_warm;
        }
        Ok(next)
    }

    /// The next point starts cold, from junction voltages, as ngspice's `.dc` does when an
    /// outer sweep steps (`firstTime`, `MODEINITJCT`): as the first point of a sweep, with no
    /// device history (ngspice copies that point's states over the older ones, so the
    /// predictor of the point after it does not look further back either).
    pub fn restart(&mut self) {
        if let DcKind::Nonlinear { newton, warm } = &mut self.kind {
            *warm = false;
            newton.state.fill(0.0);
            newton.accepted.fill(0.0);
        }
    }

    /// Adds the right-hand-side terms of `.ic` clamps (the system must be the clamped one).
    pub fn with_clamp(mut self, clamp: Vec<Clamp>) -> Self {
        if let Some(newton) = self.newton_mut() {
            newton.fix_rows(&clamp.iter().map(|c| c.row).collect::<Vec<_>>());
        }
        self.clamp = clamp;
        self
    }

    /// Solves the DC point with sources at their DC values, `value_of` overriding chosen ones.
    /// `x` holds the previous solution (a warm start for Newton) and receives the new one.
    pub fn solve_point(
        &mut self,
        x: &mut [f64],
        value_of: &dyn Fn(DeviceId) -> Option<f64>,
        at: &dyn Fn() -> String,
    ) -> Result<(), SolveError> {
        self.solve_point_from(x, value_of, at, None)
    }

    /// [`DcSolver::solve_point`], a nonlinear circuit's Newton starting from `start` when it
    /// fits (see [`OpStart`]; `x`'s content is then ignored). If Newton does not converge from
    /// there, the point is solved from scratch as [`DcSolver::solve_point`] would (fresh
    /// states, ordering and pivots).
    pub fn solve_point_from(
        &mut self,
        x: &mut [f64],
        value_of: &dyn Fn(DeviceId) -> Option<f64>,
        at: &dyn Fn() -> String,
        start: Option<&OpStart>,
    ) -> Result<(), SolveError> {
        let (circuit, sys) = (self.circuit, self.sys);
        let clamp = &self.clamp;
        let apply_clamp = |b: &mut [f64], scale: f64| {
            for c in clamp {
                b[c.row] = c.value * scale * if c.exact { 1.0 } else { G_CLAMP };
            }
        };
        match &mut self.kind {
            DcKind::Linear { lu, residual } => {
                dc_rhs(circuit, sys, x, value_of);
                apply_clamp(x, 1.0);
                lu.solve_refined(&sys.pattern, &sys.g, x, residual);
            }
            DcKind::Nonlinear { newton, warm } => {
                let rhs_at = |scale: f64, b: &mut [f64]| {
                    dc_rhs(circuit, sys, b, value_of);
                    b.iter_mut().for_each(|v| *v *= scale);
                    apply_clamp(b, scale);
                };
                let guess = start.filter(|s| s.fits(sys)).map(|s| {
                    x.copy_from_slice(&s.x);
                    newton.state.copy_from_slice(&s.states);
                    newton.accepted.copy_from_slice(&s.states);
                    dc_from_guess(newton, x, &rhs_at)
                });
                let result = match guess {
                    Some(Err(_)) => {
                        // Not from there: the full procedure from scratch, as without a start.
                        **newton = Newton::new(circuit, sys);
                        x.iter_mut().for_each(|v| *v = 0.0);
                        dc_operating_point(newton, x, &rhs_at, false)
                    }
                    Some(Ok(())) => Ok(()),
                    None => dc_operating_point(newton, x, &rhs_at, *warm),
                };
                let result = result.or_else(|e| {
                    if e.fault.is_some() {
                        return Err(e);
                    }
                    // A warm start that fails gets the full cold procedure.
                    x.iter_mut().for_each(|v| *v = 0.0);
                    dc_operating_point(newton, x, &rhs_at, false)
                });
                if let Err(e) = result {
                    if let Some((device, message)) = e.fault {
                        return Err(SolveError::Device {
                            analysis: self.analysis.into(),
                            at: at(),
                            element: circuit.devices[device.index()].name.clone(),
                            message,
                        });
                    }
                    return Err(SolveError::NoConvergence {
                        analysis: self.analysis.into(),
                        at: at(),
                        unknowns: e
                            .worst
                            .iter()
                            .map(|&i| sys.unknowns.name(circuit, i))
                            .collect(),
                    });
                }
                *warm = true;
            }
        }
        check_finite(circuit, &sys.unknowns, self.analysis, at, x, f64::is_finite)
    }

    /// Makes the last point's device states the accepted ones (ngspice rotates its state
    /// vectors after each `.dc` sweep point, so switch hysteresis and the devices' predictor
    /// look back at the previous point).
    pub fn accept_point(&mut self) {
        if let DcKind::Nonlinear { newton, .. } = &mut self.kind {
            newton.accept_state();
        }
    }

    /// The Newton workspace, mutably (see [`DcSolver::newton`]).
    pub fn newton_mut(&mut self) -> Option<&mut Newton<'a>> {
        match &mut self.kind {
            DcKind::Nonlinear { newton, .. } => Some(newton),
            DcKind::Linear { .. } => None,
        }
    }

    /// The Newton workspace, for a nonlinear circuit (its devices' operating points).
    pub fn newton(&self) -> Option<&Newton<'a>> {
        match &self.kind {
            DcKind::Nonlinear { newton, .. } => Some(newton),
            DcKind::Linear { .. } => None,
        }
    }
}

/// Right-hand side with every source at its DC value, `value_of` overriding chosen sources.
pub(crate) fn dc_rhs(
    circuit: &Circuit,
    sys: &System,
    b: &mut [f64],
    value_of: &dyn Fn(DeviceId) -> Option<f64>,
) {
    b.fill(0.0);
    for t in &sys.sources {
        let v = value_of(t.device).unwrap_or_else(|| dc_value(circuit, t.device));
        b[t.row] += v * t.sign;
    }
}

pub fn run(circuit: &Circuit, sys: &System) -> Result<Plot, SolveError> {
    let mut solver = DcSolver::new(circuit, sys, "op")?;
    let mut x = vec![0.0; sys.unknowns.len()];
    solver.solve_point(&mut x, &|_| None, &|| "the operating point".into())?;
    Ok(Plot {
        name: PLOT_NAME.into(),
        scale: None,
        vectors: vectors_real(circuit, &sys.unknowns, &{
            let mut saved = Vec::new();
            sys.unknowns.gather(&x, &mut saved);
            saved
        }),
    })
}
