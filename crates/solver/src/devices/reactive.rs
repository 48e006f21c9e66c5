//! The linear reactive devices' states for `.tran`: a capacitor's charge and an inductor's flux
//! (with its mutual couplings) as functions of the unknowns, and their companion terms. The
//! transient engine integrates these states; it knows them only through [`Reactive`].

use crate::mna::System;
use circuit::{Circuit, DeviceId, DeviceKind};

/// A reactive device's state `q` as a function of the unknowns.
#[derive(Debug, Clone)]
pub(crate) enum Reactive {
    /// Capacitor: `q = c*(v(a) - v(b))`, companion current at rows a (+) and b (-).
    Capacitor {
        a: Option<usize>,
        b: Option<usize>,
        c: f64,
    },
    /// Inductor: `q = sum(coef * i_branch)` over its own branch (`L`) and coupled ones (`M`);
    /// the companion voltage enters its branch row.
    Inductor {
        branch: usize,
        terms: Vec<(usize, f64)>,
    },
}

impl Reactive {
    pub(crate) fn charge(&self, x: &[f64]) -> f64 {
        match self {
            Reactive::Capacitor { a, b, c } => {
                let v = |i: &Option<usize>| i.map_or(0.0, |i| x[i]);
                c * (v(a) - v(b))
            }
            Reactive::Inductor { terms, .. } => terms.iter().map(|&(i, m)| m * x[i]).sum(),
        }
    }

    /// Adds the history part `hist` of `q' = ag0*q + hist` to the right-hand side.
    pub(crate) fn stamp_history(&self, hist: f64, rhs: &mut [f64]) {
        match self {
            Reactive::Capacitor { a, b, .. } => {
                if let Some(a) = a {
                    rhs[*a] -= hist;
                }
                if let Some(b) = b {
                    rhs[*b] += hist;
                }
            }
            Reactive::Inductor { branch, .. } => rhs[*branch] += hist,
        }
    }
}

/// The reactive devices with their state functions.
pub(crate) fn reactive_devices(circuit: &Circuit, sys: &System) -> Vec<(DeviceId, Reactive)> {
    let unk = &sys.unknowns;
    let mut out = Vec::new();
    for (i, d) in circuit.devices.iter().enumerate() {
        let id = DeviceId(i as u32);
        match d.kind {
            DeviceKind::Capacitor {
                a,
                b,
                capacitance_f,
                ..
            } => out.push((
                id,
                Reactive::Capacitor {
                    a: unk.node(a),
                    b: unk.node(b),
                    c: capacitance_f,
                },
            )),
            DeviceKind::Inductor { inductance_h, .. } => {
                let branch = unk.branch(id);
                let mut terms = vec![(branch, inductance_h)];
                for other in &circuit.devices {
                    if let DeviceKind::MutualInductance { l1, l2, k } = other.kind {
                        let partner = if l1 == id {
                            Some(l2)
                        } else if l2 == id {
                            Some(l1)
                        } else {
                            None
                        };
                        if let Some(p) = partner {
                            let lp = match circuit.devices[p.index()].kind {
                                DeviceKind::Inductor { inductance_h, .. } => inductance_h,
                                _ => continue,
                            };
                            terms.push((unk.branch(p), k * (inductance_h * lp).sqrt()));
                        }
                    }
                }
                out.push((id, Reactive::Inductor { branch, terms }));
            }
            _ => {}
        }
    }
    // Capacitors first (for [`capacitors`]), each kind in netlist order.
    out.sort_by_key(|(_, r)| matches!(r, Reactive::Inductor { .. }));
    out
}

/// Initial state: from the start point, or a capacitor's `IC=` under `UIC` (inductor `IC=`
/// currents are already in the start point).
pub(crate) fn initial_charge(
    circuit: &Circuit,
    d: DeviceId,
    r: &Reactive,
    x: &[f64],
    uic: bool,
) -> f64 {
    if let (
        true,
        DeviceKind::Capacitor {
            capacitance_f,
            ic_v: Some(v),
            ..
        },
    ) = (uic, &circuit.devices[d.index()].kind)
    {
        return capacitance_f * v;
    }
    r.charge(x)
}
