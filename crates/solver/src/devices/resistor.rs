//! Resistor `R a b value`: conductance G = 1/R between a and b.
//!
//! Stamp: `Y[a][a] += G, Y[b][b] += G, Y[a][b] -= G, Y[b][a] -= G`.
//!
//! Noise (ngspice's `resnoise.c`): a thermal current source of density `4 k T G` (A^2/Hz)
//! between a and b, T the circuit temperature (`.temp`, 27 C default), and a flicker source
//! `_1overf`, always 0 here (balun has no resistor model `KF`). `noisy=0` removes both.

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

pub(super) fn stamp(a: NodeId, b: NodeId, resistance_ohm: f64, st: &mut Stamper) {
    st.admittance(a, b, 1.0 / resistance_ohm, 0.0);
}
