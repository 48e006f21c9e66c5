//! Modified nodal analysis on sparse matrices, and the analyses built on it.
//!
//! The solver takes an elaborated [`circuit::Circuit`] and produces one [`Plot`] per analysis, in
//! the shape of an ngspice plot: a scale vector (frequency, sweep value; none for `.op`) and data
//! vectors named as ngspice names them (`v(node)`, `i(vsource)`).
//!
//! **Architecture invariant**: the solver never reads netlist text and never formats output files.

pub mod analysis;
mod devices;
pub mod lu;
pub mod mna;
pub mod newton;
mod result;
pub mod sparse;
pub mod waveform;

pub use result::{Data, Plot, Unit, Vector};

use circuit::{Analysis, Circuit};

/// Solver failures. Each names the analysis and, where it can, the nodes or branches involved.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SolveError {
    /// The MNA matrix is singular; `rows` names the unknowns (`v(node)`, `i(vsrc)`) involved.
    #[error("{analysis}: singular matrix at {at}: check {}", rows.join(", "))]
    Singular {
        analysis: String,
        at: String,
        rows: Vec<String>,
    },
    /// The analysis produced a non-finite value.
    #[error("{analysis}: result is not finite at {at} in {vector}")]
    NotFinite {
        analysis: String,
        at: String,
        vector: String,
    },
    /// Newton-Raphson did not converge (after GMIN and source stepping for a DC point).
    #[error("{analysis}: no convergence at {at}; the unknowns still moving most: {}", unknowns.join(", "))]
    NoConvergence {
        analysis: String,
        at: String,
        unknowns: Vec<String>,
    },
    /// The transient time step fell below its minimum.
    #[error("tran: time step too small ({step:.3e} s) at time {time:.7e} s; the fastest-changing element is {element}")]
    TimestepTooSmall {
        time: f64,
        step: f64,
        element: String,
    },
    /// An analysis this solver cannot run yet.
    #[error("{0} is not supported yet")]
    Unsupported(String),
}

/// Runs every analysis of the circuit, in netlist order, assembling the matrix once.
pub fn simulate(circuit: &Circuit) -> Result<Vec<Plot>, SolveError> {
    let sys = mna::System::assemble(circuit);
    circuit
        .analyses
        .iter()
        .map(|a| run_on(circuit, &sys, a))
        .collect()
}

/// Runs one analysis.
pub fn run(circuit: &Circuit, analysis: &Analysis) -> Result<Plot, SolveError> {
    let sys = mna::System::assemble(circuit);
    run_on(circuit, &sys, analysis)
}

fn run_on(circuit: &Circuit, sys: &mna::System, analysis: &Analysis) -> Result<Plot, SolveError> {
    match analysis {
        Analysis::Op => analysis::op::run(circuit, sys),
        Analysis::Dc { sweeps } => analysis::dc::run(circuit, sys, sweeps),
        Analysis::Ac {
            variation,
            points,
            fstart_hz,
            fstop_hz,
        } => analysis::ac::run(circuit, sys, *variation, *points, *fstart_hz, *fstop_hz),
        Analysis::Tran {
            tstep_s,
            tstop_s,
            tstart_s,
            tmax_s,
            uic,
        } => analysis::tran::run(
            circuit,
            sys,
            analysis::tran::TranSpec {
                tstep: *tstep_s,
                tstop: *tstop_s,
                tstart: *tstart_s,
                tmax: *tmax_s,
                uic: *uic,
            },
        ),
    }
}

#[cfg(test)]
mod tests;
