//! Voltage-controlled current source `G pos neg cpos cneg gm`: the current
//! `gm*(v(cpos) - v(cneg))` flows from pos through the source to neg.
//!
//! Stamp: `Y[pos][cpos] += gm, Y[pos][cneg] -= gm, Y[neg][cpos] -= gm, Y[neg][cneg] += gm`.

use crate::mna::Stamper;
use circuit::NodeId;

pub(super) fn stamp(
    pos: NodeId,
    neg: NodeId,
    ctrl_pos: NodeId,
    ctrl_neg: NodeId,
    gm: f64,
    st: &mut Stamper,
) {
    let (ip, in_) = (st.node(pos), st.node(neg));
    let (cp, cn) = (st.node(ctrl_pos), st.node(ctrl_neg));
    st.g(ip, cp, gm);
    st.g(ip, cn, -gm);
    st.g(in_, cp, -gm);
    st.g(in_, cn, gm);
}
