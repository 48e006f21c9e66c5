//! AST to flat circuit.
//!
//! [`elaborate`] turns a parsed [`netlist::Netlist`] into a [`Circuit`]: it evaluates `.param`
//! expressions (global, subcircuit defaults, per-instance overrides), expands subcircuit instances
//! recursively with ngspice's naming (`x1.n2` for internal nodes, `r.x1.r1` for internal elements),
//! numbers the nodes, resolves references between elements (K to L, F/H to their controlling V,
//! `.dc` to its swept source) and checks the topology (every node has a DC path to ground; no loop
//! of voltage sources and inductors) so the solver only ever sees a well-formed circuit.
//!
//! **Architecture invariant**: this crate knows nothing of matrices; the solver knows nothing of text.

pub mod bexpr;
mod conditional;
pub mod conditioning;
mod elaborate;
mod error;
pub mod expr;
pub mod limits;
pub mod models;
pub mod montecarlo;
mod mtl;
mod params;
mod suggest;
mod topology;
mod types;

pub use bexpr::{BExpr, BFunc, BOp, BSource};
pub use error::ElabError;
pub use models::{
    BjtModel, CapacitorModel, DiodeModel, InductorModel, JfetModel, LtraInterp, LtraKind,
    LtraModel, MosInstance, MosModel, PassiveTemp, ResistorModel, SmoothSwitchModel, SwitchKind,
    SwitchModel,
};
pub use montecarlo::{Distribution, MonteCarlo, Rng, Tolerance};
pub use types::*;

/// Elaborates a parsed netlist into a flat circuit, checking it is solvable in structure (and
/// warning when its values make it badly conditioned).
pub fn elaborate(netlist: &netlist::Netlist) -> Result<Circuit, ElabError> {
    let mut circuit = elaborate::elaborate(netlist, None, &[])?;
    topology::check(&circuit)?;
    topology::warn_dangling_nodes(&mut circuit);
    conditioning::check(&mut circuit);
    Ok(circuit)
}

/// Like [`elaborate`], with the source files so that messages naming a second location
/// (e.g. where a duplicated element was first defined) say `file:line:column`.
pub fn elaborate_with_sources(
    netlist: &netlist::Netlist,
    sources: &netlist::Sources,
) -> Result<Circuit, ElabError> {
    elaborate_with_params(netlist, Some(sources), &[])
}

/// Like [`elaborate_with_sources`], with top-level parameters set to the given values (one run
/// of a `.step`): each name must be a top-level `.param`, whose definition the value replaces.
pub fn elaborate_with_params(
    netlist: &netlist::Netlist,
    sources: Option<&netlist::Sources>,
    params: &[(String, f64)],
) -> Result<Circuit, ElabError> {
    let mut circuit = elaborate::elaborate(netlist, sources, params)?;
    topology::check(&circuit)?;
    topology::warn_dangling_nodes(&mut circuit);
    conditioning::check(&mut circuit);
    Ok(circuit)
}

/// The parameter values of every run the netlist's `.step` cards ask for (their outer product,
/// the first card outermost), each run a list of (parameter, value) in card order; empty
/// without `.step`. Errors name the card: an undefined or twice-stepped parameter, an empty or
/// endless range, more than 10,000 runs.
pub fn step_points(netlist: &netlist::Netlist) -> Result<Vec<Vec<(String, f64)>>, ElabError> {
    elaborate::step_points(netlist)
}

#[cfg(test)]
mod tests;
