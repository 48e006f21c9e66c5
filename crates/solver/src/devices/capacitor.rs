//! Capacitor `C a b value`: admittance sC between a and b (open circuit at DC).
//!
//! Stamp (C part of `G + sC`): `C[a][a] += C, C[b][b] += C, C[a][b] -= C, C[b][a] -= C`.

use crate::mna::Stamper;
use circuit::NodeId;

pub(super) fn stamp(a: NodeId, b: NodeId, capacitance_f: f64, st: &mut Stamper) {
    st.admittance(a, b, 0.0, capacitance_f);
}
