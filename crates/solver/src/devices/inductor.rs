//! Inductor `L a b value` with branch current `i` (a to b through the inductor).
//!
//! KCL: `+i` leaves node a, `-i` leaves node b. Branch equation: `v(a) - v(b) - s*L*i = 0`
//! (a short circuit at DC, as in ngspice). Mutual terms `-s*M*i_other` are added by
//! [`super::mutual`].

use crate::mna::Stamper;
use circuit::NodeId;

pub(super) fn stamp(a: NodeId, b: NodeId, inductance_h: f64, st: &mut Stamper) {
    let br = Some(st.own_branch());
    let (ia, ib) = (st.node(a), st.node(b));
    st.g(ia, br, 1.0);
    st.g(ib, br, -1.0);
    st.g(br, ia, 1.0);
    st.g(br, ib, -1.0);
    st.s(br, br, -inductance_h);
}
