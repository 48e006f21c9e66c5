//! Device models (`.model` cards) evaluated to SI parameters with SPICE defaults, one file per
//! device family. Each model struct documents its equations' parameters with units, defaults and
//! their source, and has `from_params` returning the parameter names it does not know (the
//! elaboration warns about them, as ngspice does).

mod bjt;
mod diode;
mod jfet;
mod ltra;
mod mosfet;
mod passive;
mod switch;

pub use bjt::{BjtModel, BjtTempCoeffs, TempCoeff};
pub use diode::DiodeModel;
pub use jfet::JfetModel;
pub use ltra::{LtraInterp, LtraKind, LtraModel};
pub use mosfet::{MosInstance, MosModel};
pub use passive::{CapacitorModel, InductorModel, PassiveTemp, ResistorModel};
pub use switch::{SmoothSwitchModel, SwitchKind, SwitchModel};
