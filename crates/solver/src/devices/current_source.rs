//! Independent current source `I pos neg ...`: `value` amperes flow from pos through the source
//! to neg, i.e. leave node pos and enter node neg.
//!
//! Right-hand side (currents injected into each node): `b[pos] -= value`, `b[neg] += value`.

use crate::mna::Stamper;
use circuit::NodeId;

pub(super) fn stamp(pos: NodeId, neg: NodeId, st: &mut Stamper) {
    let (ip, in_) = (st.node(pos), st.node(neg));
    st.source(ip, -1.0);
    st.source(in_, 1.0);
}
