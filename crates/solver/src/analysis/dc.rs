//! `.dc`: nested sweeps of independent sources' DC values.
//!
//! The matrix `G` does not depend on source values, so it is factored once and each sweep point
//! is one forward/back substitution. Sweep values follow ngspice exactly: each source starts at
//! `start` and accumulates `+= step` until `sign(step)*(value - stop) > 1000*f64::EPSILON`; the
//! first sweep is the inner loop; the scale vector holds the inner source's value and is named
//! `v(v-sweep)` or `i(i-sweep)` (`temp-sweep` for the temperature). A `.dc temp` sweep solves
//! each point on the circuit elaborated at that temperature, starting from the last point's
//! solution.

use super::op::DcSolver;
use super::vectors_real;
use crate::control::Control;
use crate::devices;
use crate::mna::System;
use crate::result::{Data, Plot, Unit, Vector};
use crate::{SolveError, Stopped};
use circuit::{Circuit, DcSweep, DcTarget};

pub const PLOT_NAME: &str = "DC transfer characteristic";

pub fn run(circuit: &Circuit, sys: &System, sweeps: &[DcSweep]) -> Result<Plot, SolveError> {
    run_with(circuit, sys, sweeps, &Control::new()).map_err(|s| s.error)
}

/// [`run`], reporting one progress unit per point to `control` and stopping when it is
/// cancelled; a sweep that stops returns the points it finished as [`Stopped::partial`].
pub fn run_with(
    circuit: &Circuit,
    sys: &System,
    sweeps: &[DcSweep],
    control: &Control,
) -> Result<Plot, Stopped> {
    // A temperature sweep runs each of its points on the circuit elaborated at that
    // temperature: same unknowns and pattern, other device values.
    let temp = sweeps
        .iter()
        .enumerate()
        .find_map(|(k, s)| match &s.target {
            DcTarget::Temperature(at) => Some((k, at)),
            DcTarget::Source(_) => None,
        });
    let systems: Vec<System> = temp
        .map(|(_, at)| at.iter().map(System::assemble).collect())
        .unwrap_or_default();
    let values: Vec<Vec<f64>> = sweeps.iter().map(DcSweep::values).collect();
    let total: usize = values.iter().map(Vec::len).product();
    control.expect(total as u64);
    let mut solver = match temp {
        Some(_) => None,
        None => Some(DcSolver::new(circuit, sys, "dc").map_err(Stopped::before_any_point)?),
    };
    let mut solver_temp = None;
    let mut stop = None;
    let n = sys.unknowns.len();
    let mut solutions = Vec::with_capacity(total * sys.unknowns.reported().len());
    let mut scale = Vec::with_capacity(total);
    let mut index = vec![0usize; sweeps.len()];
    let mut x = vec![0.0; n];
    let mut prev = vec![0.0; n];
    for p in 0..total {
        // Mixed-radix counter, inner sweep fastest.
        let mut rem = p;
        for (k, vals) in values.iter().enumerate() {
            index[k] = rem % vals.len();
            rem /= vals.len();
        }
        let at = values[0][index[0]];
        if control.is_cancelled() {
            stop = Some(SolveError::Interrupted {
                analysis: "dc".into(),
                at: format!("sweep value {at:e}"),
            });
            break;
        }
        if let Some((k, at_temp)) = temp {
            let i = index[k];
            if solver_temp != Some(i) {
                let next = match &solver {
                    Some(prev) => DcSolver::continued(&at_temp[i], &systems[i], prev),
                    None => DcSolver::new(&at_temp[i], &systems[i], "dc"),
                };
                match next {
                    Ok(s) => solver = Some(s),
                    Err(e) => {
                        stop = Some(e);
                        break;
                    }
                }
                solver_temp = Some(i);
            }
        }
        let Some(solver) = solver.as_mut() else {
            break;
        };
        if p > 0 && index[0] == 0 {
            // An outer sweep stepped: ngspice starts that point cold.
            solver.restart();
        }
        x.copy_from_slice(&prev);
        let solved = solver.solve_point(
            &mut x,
            &|d| {
                sweeps
                    .iter()
                    .position(|s| s.source() == Some(d))
                    .map(|k| values[k][index[k]])
            },
            &|| format!("sweep value {at:e}"),
        );
        if let Err(e) = solved {
            stop = Some(e);
            break;
        }
        solver.accept_point();
        sys.unknowns.gather(&x, &mut solutions);
        prev.copy_from_slice(&x);
        scale.push(at);
        control.advance(1);
    }
    let scale_name = match sweeps[0].target {
        DcTarget::Temperature(_) => ("temp-sweep", Unit::Temperature),
        DcTarget::Source(d) if devices::is_current_source(&circuit.devices[d.index()].kind) => {
            ("i(i-sweep)", Unit::Current)
        }
        DcTarget::Source(_) => ("v(v-sweep)", Unit::Voltage),
    };
    let plot = Plot {
        name: PLOT_NAME.into(),
        scale: Some(Vector {
            name: scale_name.0.into(),
            unit: scale_name.1,
            data: Data::Real(scale),
        }),
        vectors: vectors_real(circuit, &sys.unknowns, &solutions),
    };
    match stop {
        None => Ok(plot),
        Some(error) => Err(Stopped::after(error, plot)),
    }
}
