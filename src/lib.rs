//! balun: a SPICE-style circuit simulator for balanced interconnects.
//!
//! This facade re-exports the pipeline's crates: [`netlist`] (text to AST), [`circuit`] (AST to
//! flat circuit), [`solver`] (MNA and analyses), and holds the output writers ([`output`]) and
//! the diagnostics renderer ([`diagnostics`]) that the CLI uses. It adds no simulation logic:
//! each function here only chains the stages and keeps the source text for error reports.
//!
//! **Architecture invariant**: only this package knows about terminals, files written and exit
//! codes; the library crates return values and typed errors.

pub use circuit;
pub use library;
pub use netlist;
pub use solver;

pub mod diagnostics;
pub mod output;
pub mod plot;
pub mod progress;
pub mod summary;

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

/// A parsed and elaborated netlist, with the text it came from.
#[derive(Debug, Clone)]
pub struct Elaborated {
    pub circuit: circuit::Circuit,
    /// Every file read (the netlist and its `.include`s), for diagnostics.
    pub sources: netlist::Sources,
    /// Parser and elaboration warnings, each once, in the order found.
    pub warnings: Vec<circuit::Warning>,
}

/// A finished run: the circuit, its plots (one per analysis, in netlist order) and its sources.
#[derive(Debug, Clone)]
pub struct Simulation {
    pub circuit: circuit::Circuit,
    pub plots: Vec<solver::Plot>,
    pub sources: netlist::Sources,
    pub warnings: Vec<circuit::Warning>,
}

/// A failed run: the error, the files read so far, and the warnings found before it.
#[derive(Debug)]
pub struct Failure {
    pub error: Error,
    pub sources: netlist::Sources,
    pub warnings: Vec<circuit::Warning>,
    /// When the simulation stopped part-way: the circuit and the plots finished before the
    /// error (the last one possibly cut short), to be written marked incomplete.
    pub partial: Option<Partial>,
}

/// What a stopped simulation finished: whole plots of the analyses before the one that
/// stopped, then that analysis's finished points (if any).
#[derive(Debug, Clone)]
pub struct Partial {
    pub circuit: circuit::Circuit,
    pub plots: Vec<solver::Plot>,
}

/// Parses and elaborates a netlist file (what `balun check` does).
pub fn elaborate_file(path: &Path) -> Result<Elaborated, Box<Failure>> {
    let (ast, sources) =
        netlist::parse_file_with(path, &library::resolve).map_err(|(e, sources)| {
            Box::new(Failure {
                error: e.into(),
                sources,
                warnings: Vec::new(),
                partial: None,
            })
        })?;
    let parse_warnings: Vec<circuit::Warning> = ast
        .warnings
        .iter()
        .map(|w| circuit::Warning {
            span: w.span,
            message: w.message.clone(),
        })
        .collect();
    match circuit::elaborate(&ast) {
        Ok(circuit) => {
            let mut warnings = parse_warnings;
            // Elaboration passes the parser's warnings through; keep each one once.
            for w in &circuit.warnings {
                if !warnings.contains(w) {
                    warnings.push(w.clone());
                }
            }
            Ok(Elaborated {
                circuit,
                sources,
                warnings,
            })
        }
        Err(e) => Err(Box::new(Failure {
            error: e.into(),
            sources,
            warnings: parse_warnings,
            partial: None,
        })),
    }
}

/// Parses, elaborates and simulates a netlist file, keeping everything needed for reports.
pub fn run_file(path: &Path) -> Result<Simulation, Box<Failure>> {
    run_file_with(path, &solver::Control::new())
}

/// [`run_file`], reporting progress to `control` and stopping when it is cancelled; a run that
/// stops part-way keeps what it finished in [`Failure::partial`].
pub fn run_file_with(path: &Path, control: &solver::Control) -> Result<Simulation, Box<Failure>> {
    let Elaborated {
        circuit,
        sources,
        warnings,
    } = elaborate_file(path)?;
    let solver::Outcome { mut plots, stopped } = solver::simulate_with(&circuit, control);
    match stopped {
        None => Ok(Simulation {
            circuit,
            plots,
            sources,
            warnings,
        }),
        Some(stopped) => {
            plots.extend(stopped.partial.map(|p| *p));
            let partial = (!plots.is_empty()).then_some(Partial { circuit, plots });
            Err(Box::new(Failure {
                error: stopped.error.into(),
                sources,
                warnings,
                partial,
            }))
        }
    }
}

/// Parses, elaborates and simulates a netlist file: the whole pipeline in one call.
/// Returns the plots and the sources read (for diagnostics).
#[allow(clippy::result_large_err)]
pub fn simulate_file(
    path: &Path,
) -> Result<(circuit::Circuit, Vec<solver::Plot>), (Error, netlist::Sources)> {
    run_file(path)
        .map(|s| (s.circuit, s.plots))
        .map_err(|f| (f.error, f.sources))
}
