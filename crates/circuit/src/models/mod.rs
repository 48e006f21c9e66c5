//! Device models (`.model` cards) evaluated to SI parameters with SPICE defaults, one file per
//! device family. Each model struct documents its equations' parameters with units, defaults and
//! their source, and has `from_params` returning the parameter names it does not know (the
//! elaboration warns about them, as ngspice does).

mod diode;
mod mosfet;

pub use diode::DiodeModel;
pub use mosfet::{MosInstance, MosModel};
