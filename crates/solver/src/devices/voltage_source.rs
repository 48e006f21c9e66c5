//! Independent voltage source `V pos neg ...` with branch current `i` (into pos, through the
//! source, out of neg: ngspice's `i(vname)` sign).
//!
//! KCL: `+i` leaves pos, `-i` leaves neg. Branch equation: `v(pos) - v(neg) = value`, the value
//! entering the right-hand side of the branch row.
//!
//! An RF port (`portnum N z0 R`, ngspice 39's `vsrcset.c`/`vsrcload.c` under `RFSPICE`) is the
//! same source behind a series resistance `R`: an internal node `NAME#res` (reported, as
//! ngspice writes `v(v1#res)`), a conductance `1/R` between pos and it, and the source between
//! it and neg, in every analysis.

use crate::mna::Stamper;
use circuit::NodeId;

/// The reported unknown of an RF port: its internal node `v(NAME#res)`.
pub(super) const PORT_UNKNOWNS: [&str; 1] = ["res"];

pub(super) fn stamp(pos: NodeId, neg: NodeId, port_z0_ohm: Option<f64>, st: &mut Stamper) {
    let br = Some(st.own_branch());
    let (mut ip, in_) = (st.node(pos), st.node(neg));
    if let Some(z0) = port_z0_ohm {
        let res = Some(st.own_extra(0));
        let g0 = 1.0 / z0;
        st.g(ip, ip, g0);
        st.g(res, res, g0);
        st.g(ip, res, -g0);
        st.g(res, ip, -g0);
        ip = res;
    }
    st.g(ip, br, 1.0);
    st.g(in_, br, -1.0);
    st.g(br, ip, 1.0);
    st.g(br, in_, -1.0);
    st.source(br, 1.0);
}
