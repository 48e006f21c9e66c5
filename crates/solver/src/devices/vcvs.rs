//! Voltage-controlled voltage source `E pos neg cpos cneg gain`, with branch current `i`.
//!
//! KCL: `+i` leaves pos, `-i` leaves neg. Branch equation:
//! `v(pos) - v(neg) - gain*(v(cpos) - v(cneg)) = 0`.

use crate::mna::Stamper;
use circuit::NodeId;

pub(super) fn stamp(
    pos: NodeId,
    neg: NodeId,
    ctrl_pos: NodeId,
    ctrl_neg: NodeId,
    gain: f64,
    st: &mut Stamper,
) {
    let br = Some(st.own_branch());
    let (ip, in_) = (st.node(pos), st.node(neg));
    let (cp, cn) = (st.node(ctrl_pos), st.node(ctrl_neg));
    st.g(ip, br, 1.0);
    st.g(in_, br, -1.0);
    st.g(br, ip, 1.0);
    st.g(br, in_, -1.0);
    st.g(br, cp, -gain);
    st.g(br, cn, gain);
}
