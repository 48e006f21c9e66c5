//! Current-controlled current source `F pos neg vctrl gain`: the current `gain*i(vctrl)` flows
//! from pos through the source to neg.
//!
//! Stamp: `Y[pos][i_ctrl] += gain, Y[neg][i_ctrl] -= gain`.

use crate::mna::Stamper;
use circuit::{DeviceId, NodeId};

pub(super) fn stamp(pos: NodeId, neg: NodeId, control: DeviceId, gain: f64, st: &mut Stamper) {
    let ctrl = Some(st.branch(control));
    let (ip, in_) = (st.node(pos), st.node(neg));
    st.g(ip, ctrl, gain);
    st.g(in_, ctrl, -gain);
}
