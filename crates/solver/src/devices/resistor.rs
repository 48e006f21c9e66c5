//! Resistor `R a b value`: conductance G = 1/R between a and b.
//!
//! Stamp: `Y[a][a] += G, Y[b][b] += G, Y[a][b] -= G, Y[b][a] -= G`.
//!
//! With an `ac=` resistance (ngspice's `RESacResist`), `.ac` (and the small-signal matrix of
//! `.noise`) use `G_ac = 1/R_ac` instead (ngspice's `RESacload`): the DC conductance is stamped
//! into `G` as above and an [`AcResistance`] adds `G_ac - G` in its `ac_load`.
//!
//! Noise (ngspice's `resnoise.c`): a thermal current source of density `4 k T G` (A^2/Hz)
//! between a and b, T the circuit temperature (`.temp`, 27 C default), and a flicker source
//! `_1overf`, always 0 here (balun has no resistor model `KF`). `noisy=0` removes both.

use super::nonlinear::{Load, Nonlinear, State};
use super::{NoiseDensity, NoiseSource, BOLTZMANN};
use crate::mna::Stamper;
use circuit::NodeId;

/// The resistor's noise generators between unknowns `a` and `b`.
pub(super) fn noise(
    a: Option<usize>,
    b: Option<usize>,
    resistance_ohm: f64,
    noisy: bool,
    temp_k: f64,
) -> Vec<NoiseSource> {
    if !noisy {
        return Vec::new();
    }
    let source = |suffix, density| NoiseSource {
        suffix,
        a,
        b,
        density,
    };
    vec![
        source(
            "_thermal",
            NoiseDensity::White(4.0 * BOLTZMANN * temp_k / resistance_ohm),
        ),
        source("_1overf", NoiseDensity::Flicker(0.0)),
    ]
}

pub(super) fn stamp(
    a: NodeId,
    b: NodeId,
    resistance_ohm: f64,
    ac_resistance_ohm: Option<f64>,
    st: &mut Stamper,
) {
    st.admittance(a, b, 1.0 / resistance_ohm, 0.0);
    if let Some(r_ac) = ac_resistance_ohm {
        let (p, n) = (st.node(a), st.node(b));
        let slots = [
            st.position(p, p),
            st.position(p, n),
            st.position(n, p),
            st.position(n, n),
        ];
        st.add_nonlinear(Box::new(AcResistance {
            delta_g: 1.0 / r_ac - 1.0 / resistance_ohm,
            slots,
        }));
    }
}

/// The difference an `ac=` resistance makes to the small-signal matrix: nothing at DC or in
/// a transient, `G_ac - G` between the resistor's nodes in `.ac` and `.noise`.
#[derive(Debug, Clone)]
pub struct AcResistance {
    delta_g: f64,
    /// Pattern handles, then slots: (p,p), (p,n), (n,p), (n,n).
    slots: [Option<usize>; 4],
}

impl Nonlinear for AcResistance {
    fn state_len(&self) -> usize {
        0
    }

    fn resolve(&mut self, slot: &dyn Fn(usize) -> usize) {
        for s in &mut self.slots {
            *s = s.map(slot);
        }
    }

    fn load(&self, _x: &[f64], _state: State, _load: &mut Load) -> bool {
        true
    }

    fn ac_load(&self, _state: &[f64], g: &mut [f64], _c: &mut [f64]) {
        for (slot, sign) in self.slots.iter().zip([1.0, -1.0, -1.0, 1.0]) {
            if let Some(s) = slot {
                g[*s] += sign * self.delta_g;
            }
        }
    }
}
