//! balun: a SPICE-style circuit simulator for balanced interconnects.
//!
//! This facade re-exports the pipeline's crates: [`netlist`] (text to AST), [`circuit`] (AST to
//! flat circuit), [`solver`] (MNA and analyses), and holds the output writers ([`output`]) that
//! the CLI uses.

pub use circuit;
pub use netlist;
pub use solver;

pub mod output;

use std::path::Path;

/// Everything that can go wrong between a netlist file and its plots.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Parse(#[from] netlist::ParseError),
    #[error(transparent)]
    Elab(#[from] circuit::ElabError),
    #[error(transparent)]
    Solve(#[from] solver::SolveError),
}

/// Parses, elaborates and simulates a netlist file: the whole pipeline in one call.
/// Returns the plots and the sources read (for diagnostics).
pub fn simulate_file(
    path: &Path,
) -> Result<(circuit::Circuit, Vec<solver::Plot>), (Error, netlist::Sources)> {
    let (ast, sources) = netlist::parse_file(path).map_err(|(e, s)| (Error::from(e), s))?;
    let circuit = circuit::elaborate(&ast).map_err(|e| (Error::from(e), sources.clone()))?;
    let plots = solver::simulate(&circuit).map_err(|e| (Error::from(e), sources.clone()))?;
    Ok((circuit, plots))
}
