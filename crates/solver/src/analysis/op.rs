//! `.op`: the DC operating point, `G x = b_dc` (Newton-Raphson when there are nonlinear devices).
//!
//! Capacitors are open (their `C` entries are ignored), inductors are shorts (their branch
//! equation reduces to `v(a) - v(b) = 0`), sources take their DC values.

use super::{check_finite, dc_value, singular, vectors_real};
use crate::lu::Lu;
use crate::mna::System;
use crate::newton::{dc_operating_point, Newton};
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
    /// The row was replaced by `v = value` (else `G_CLAMP*(v - value)` was added to it).
    exact: bool,
}

/// Conductance of a `.ic` clamp on a node row that carries branch currents (ngspice's 1e10).
const G_CLAMP: f64 = 1e10;

/// Applies `.ic v(node)=value` to the operating point of a transient without UIC, as ngspice
/// does: a node row that has no branch-current entries is replaced by `v(node) = value`
/// (exact); otherwise `G_CLAMP` from the node to a source of `value` is added. Returns the
/// modified system and the right-hand-side terms for [`DcSolver::with_clamp`].
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
        if has_current {
            if let Some(&(_, k)) = slots.iter().find(|(c, _)| *c == row) {
                out.g[k] += G_CLAMP;
            }
        } else {
            for &(col, k) in &slots {
                out.g[k] = if col == row { 1.0 } else { 0.0 };
                out.c[k] = 0.0;
            }
        }
        clamps.push(Clamp {
            row,
            value,
            exact: !has_current,
        });
    }
    (out, clamps)
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
        let kind = if sys.is_nonlinear() {
            DcKind::Nonlinear {
                newton: Box::new(Newton::new(circuit, sys)),
                warm: false,
            }
        } else {
            let mut lu = Lu::<f64>::new(&sys.pattern);
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
        let (circuit, sys) = (self.circuit, self.sys);
        let clamp = &self.clamp;
        let apply_clamp = |b: &mut [f64], scale: f64| {
            for c in clamp {
                if c.exact {
                    b[c.row] = c.value * scale;
                } else {
                    b[c.row] += G_CLAMP * c.value * scale;
                }
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
                let result = dc_operating_point(newton, x, &rhs_at, *warm).or_else(|e| {
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
