//! Independent voltage source `V pos neg ...` with branch current `i` (into pos, through the
//! source, out of neg: ngspice's `i(vname)` sign).
//!
//! KCL: `+i` leaves pos, `-i` leaves neg. Branch equation: `v(pos) - v(neg) = value`, the value
//! entering the right-hand side of the branch row.

use crate::mna::Stamper;
use circuit::NodeId;

pub(super) fn stamp(pos: NodeId, neg: NodeId, st: &mut Stamper) {
    let br = Some(st.own_branch());
    let (ip, in_) = (st.node(pos), st.node(neg));
    st.g(ip, br, 1.0);
    st.g(in_, br, -1.0);
    st.g(br, ip, 1.0);
    st.g(br, in_, -1.0);
    st.source(br, 1.0);
}
