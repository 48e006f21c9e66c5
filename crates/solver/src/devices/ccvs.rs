//! Current-controlled voltage source `H pos neg vctrl r`, with branch current `i`.
//!
//! KCL: `+i` leaves pos, `-i` leaves neg. Branch equation: `v(pos) - v(neg) - r*i(vctrl) = 0`.

use crate::mna::Stamper;
use circuit::{DeviceId, NodeId};

pub(super) fn stamp(
    pos: NodeId,
    neg: NodeId,
    control: DeviceId,
    transresistance_ohm: f64,
    st: &mut Stamper,
) {
    let br = Some(st.own_branch());
    let ctrl = Some(st.branch(control));
    let (ip, in_) = (st.node(pos), st.node(neg));
    st.g(ip, br, 1.0);
    st.g(in_, br, -1.0);
    st.g(br, ip, 1.0);
    st.g(br, in_, -1.0);
    st.g(br, ctrl, -transresistance_ohm);
}
