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

pub use error::ElabError;
pub use models::DiodeModel;
pub use montecarlo::{Distribution, MonteCarlo, Rng, Tolerance};
pub use types::*;

/// Elaborates a parsed netlist into a flat circuit, checking it is solvable in structure (and
/// warning when its values make it badly conditioned).
pub fn elaborate(netlist: &netlist::Netlist) -> Result<Circuit, ElabError> {
    let mut circuit = elaborate::elaborate(netlist, None)?;
    topology::check(&circuit)?;
    conditioning::check(&mut circuit);
    Ok(circuit)
}

/// Like [`elaborate`], with the source files so that messages naming a second location
/// (e.g. where a duplicated element was first defined) say `file:line:column`.
pub fn elaborate_with_sources(
    netlist: &netlist::Netlist,
    sources: &netlist::Sources,
) -> Result<Circuit, ElabError> {
    let mut circuit = elaborate::elaborate(netlist, Some(sources))?;
    topology::check(&circuit)?;
    conditioning::check(&mut circuit);
    Ok(circuit)
}

#[cfg(test)]
mod tests;
