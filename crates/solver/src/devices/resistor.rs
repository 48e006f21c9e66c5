//! Resistor `R a b value`: conductance G = 1/R between a and b.
//!
//! Stamp: `Y[a][a] += G, Y[b][b] += G, Y[a][b] -= G, Y[b][a] -= G`.

use crate::mna::Stamper;
use circuit::NodeId;

pub(super) fn stamp(a: NodeId, b: NodeId, resistance_ohm: f64, st: &mut Stamper) {
    st.admittance(a, b, 1.0 / resistance_ohm, 0.0);
}
