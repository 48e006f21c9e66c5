//! `.op`: the DC operating point of a linear circuit, `G x = b_dc`.
//!
//! Capacitors are open (their `C` entries are ignored), inductors are shorts (their branch
//! equation reduces to `v(a) - v(b) = 0`), sources take their DC values.

use super::{check_finite, dc_value, singular, vectors_real};
use crate::lu::Lu;
use crate::mna::System;
use crate::result::Plot;
use crate::SolveError;
use circuit::Circuit;

pub const PLOT_NAME: &str = "Operating Point";

/// Factors `G` once; every DC solution (op, each sweep point) reuses it.
pub(crate) struct DcSolver<'a> {
    lu: Lu<f64>,
    sys: &'a System,
    residual: Vec<f64>,
}

impl<'a> DcSolver<'a> {
    pub fn new(circuit: &Circuit, sys: &'a System, analysis: &str) -> Result<Self, SolveError> {
        let mut lu = Lu::<f64>::new(&sys.pattern);
        lu.factor(&sys.pattern, &sys.g)
            .map_err(|s| singular(circuit, sys, analysis, "the operating point".into(), s.0))?;
        Ok(DcSolver {
            lu,
            sys,
            residual: Vec::new(),
        })
    }

    /// Solves for the right-hand side `b` in place.
    pub fn solve(&mut self, b: &mut [f64]) {
        self.lu
            .solve_refined(&self.sys.pattern, &self.sys.g, b, &mut self.residual);
    }
}

/// Right-hand side with every source at its DC value, `value_of` overriding chosen sources.
pub(crate) fn dc_rhs(
    circuit: &Circuit,
    sys: &System,
    b: &mut [f64],
    value_of: impl Fn(circuit::DeviceId) -> Option<f64>,
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
    dc_rhs(circuit, sys, &mut x, |_| None);
    solver.solve(&mut x);
    check_finite(
        circuit,
        &sys.unknowns,
        "op",
        || "the operating point".into(),
        &x,
        f64::is_finite,
    )?;
    Ok(Plot {
        name: PLOT_NAME.into(),
        scale: None,
        vectors: vectors_real(circuit, &sys.unknowns, &x),
    })
}
