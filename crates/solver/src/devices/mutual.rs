//! Mutual inductance (from a `K L1 L2 k` card): `M = k*sqrt(L1*L2)`.
//!
//! Adds `-s*M` coupling terms to both inductors' branch equations:
//! `v1 = s*L1*i1 + s*M*i2`, `v2 = s*M*i1 + s*L2*i2`, with the dot at each inductor's first node.

use crate::mna::Stamper;
use circuit::{Circuit, DeviceId, DeviceKind};

pub(super) fn stamp(circuit: &Circuit, l1: DeviceId, l2: DeviceId, k: f64, st: &mut Stamper) {
    let inductance = |d: DeviceId| match circuit.devices[d.index()].kind {
        DeviceKind::Inductor { inductance_h, .. } => inductance_h,
        _ => unreachable!("elaboration resolves K only to inductors"),
    };
    let m = k * (inductance(l1) * inductance(l2)).sqrt();
    let (b1, b2) = (Some(st.branch(l1)), Some(st.branch(l2)));
    st.s(b1, b2, -m);
    st.s(b2, b1, -m);
}
