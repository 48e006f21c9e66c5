//! Stub: replaced by the real elaboration.
use crate::{Circuit, ElabError};

pub(crate) fn elaborate(_netlist: &netlist::Netlist) -> Result<Circuit, ElabError> {
    todo!("elaborate")
}
