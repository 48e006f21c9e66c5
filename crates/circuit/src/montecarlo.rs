//! Monte Carlo: element tolerances, the `.mc` card, a seeded random stream per run, and
//! [`Circuit::perturbed`], which draws every toleranced device's value.
//!
//! **Tolerances.** `R1 a b 10k tol=1%` (also `tol=0.01`, or `{expr}`) on a resistor, capacitor or
//! inductor gives the device a relative tolerance `t` (0 <= t <= 0.5). In each Monte Carlo run
//! its value becomes `value * (1 + e)` with
//! - `uniform`: `e` uniform on `[-t, +t)`;
//! - `gauss`: `e = (t/3) * z`, `z` standard normal (the tolerance is 3 sigma, so 99.73% of parts
//!   fall inside it), `z` clipped to +-6 so a value never reaches zero or changes sign.
//!
//! `dist=gauss|uniform` on the element chooses its distribution; otherwise the `.mc` card's
//! `dist=`, otherwise `gauss`. The tolerance applies to the final value (after `m=`); inside a
//! subcircuit every instance's device is drawn independently.
//!
//! **Reproducibility.** A run's random stream depends only on `(seed, run index)`
//! ([`Rng::for_run`]), never on which thread runs it or in which order, and a run draws the
//! tolerances in device order; so a seeded Monte Carlo gives the same samples bit for bit
//! whatever the number of threads. The generator is SplitMix64 (Steele, Lea, Flood,
//! "Fast splittable pseudorandom number generators", OOPSLA 2014), enough for tolerance draws
//! (it passes BigCrush) and small enough to live here without a dependency.

use crate::{Circuit, DeviceId, DeviceKind};
use netlist::Span;

/// How a toleranced value is distributed around its nominal value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Distribution {
    /// Normal, the tolerance being 3 standard deviations.
    Gauss,
    /// Uniform between `-tol` and `+tol`.
    Uniform,
}

impl Distribution {
    /// Reads `gauss` or `uniform` (as written in a netlist).
    pub fn from_name(name: &str) -> Option<Distribution> {
        match name {
            "gauss" => Some(Distribution::Gauss),
            "uniform" => Some(Distribution::Uniform),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Distribution::Gauss => "gauss",
            Distribution::Uniform => "uniform",
        }
    }
}

/// The largest relative tolerance accepted (50%).
pub const MAX_TOLERANCE: f64 = 0.5;

/// A device's tolerance (from `tol=` on its card).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tolerance {
    pub device: DeviceId,
    /// Relative tolerance, `0.01` for 1%.
    pub relative: f64,
    /// From `dist=` on the card; `None` means the `.mc` card's default.
    pub dist: Option<Distribution>,
    /// The `tol=` value in the netlist.
    pub span: Span,
}

/// A `.mc` card.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MonteCarlo {
    pub runs: usize,
    pub seed: u64,
    /// The distribution of tolerances without their own `dist=`.
    pub dist: Distribution,
    pub span: Span,
}

/// The seed when `.mc` or the command line names none.
pub const DEFAULT_SEED: u64 = 1;

/// SplitMix64's output function: a bijective mix of 64 bits.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// A SplitMix64 random stream.
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
}

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng { state: seed }
    }

    /// The stream of run `run` of a Monte Carlo seeded with `seed`: the state is a mix of both,
    /// so neighbouring runs and neighbouring seeds get unrelated streams.
    pub fn for_run(seed: u64, run: u64) -> Rng {
        Rng::new(mix(
            seed ^ mix(run.wrapping_add(1).wrapping_mul(GOLDEN_GAMMA))
        ))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN_GAMMA);
        mix(self.state)
    }

    /// Uniform on `[0, 1)`, 53 random bits.
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Standard normal by Box-Muller (`sqrt(-2 ln u1) * cos(2 pi u2)`, `u1` in `(0, 1]`).
    pub fn gauss(&mut self) -> f64 {
        let u1 = 1.0 - self.uniform();
        let u2 = self.uniform();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// The relative error `e` of a part with tolerance `tol` (see the module doc).
    pub fn deviation(&mut self, tol: f64, dist: Distribution) -> f64 {
        match dist {
            Distribution::Uniform => tol * (2.0 * self.uniform() - 1.0),
            Distribution::Gauss => tol / 3.0 * self.gauss().clamp(-6.0, 6.0),
        }
    }
}

impl Circuit {
    /// A copy of the circuit with every toleranced device (see [`Circuit::tolerances`]) scaled
    /// by `1 + e`, `e` drawn from `rng` in the order of `tolerances` with the device's
    /// distribution, else `default`. Devices without a tolerance, nodes and ids are unchanged.
    pub fn perturbed(&self, rng: &mut Rng, default: Distribution) -> Circuit {
        let mut out = self.clone();
        for t in &self.tolerances {
            let factor = 1.0 + rng.deviation(t.relative, t.dist.unwrap_or(default));
            match &mut out.devices[t.device.index()].kind {
                DeviceKind::Resistor {
                    resistance_ohm,
                    ac_resistance_ohm,
                    ..
                } => {
                    *resistance_ohm *= factor;
                    if let Some(r) = ac_resistance_ohm {
                        *r *= factor;
                    }
                }
                DeviceKind::Capacitor { capacitance_f, .. } => *capacitance_f *= factor,
                DeviceKind::Inductor { inductance_h, .. } => *inductance_h *= factor,
                _ => unreachable!("tolerances are only given to R, C and L"),
            }
        }
        out
    }

    /// Run `run` (0-based) of a Monte Carlo seeded with `seed`: [`Circuit::perturbed`] with
    /// [`Rng::for_run`]. The same `(seed, run)` always gives the same circuit.
    pub fn monte_carlo_run(&self, seed: u64, run: u64, default: Distribution) -> Circuit {
        self.perturbed(&mut Rng::for_run(seed, run), default)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_deterministic_and_distinct() {
        let a: Vec<u64> = (0..4).map(|_| Rng::for_run(7, 3).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(Rng::for_run(7, 3).next_u64(), Rng::for_run(7, 4).next_u64());
        assert_ne!(Rng::for_run(7, 3).next_u64(), Rng::for_run(8, 3).next_u64());
    }

    #[test]
    fn deviations_have_the_documented_moments() {
        // Uniform on [-t, t): mean 0, variance t^2/3. Gauss with t = 3 sigma: variance t^2/9.
        // With n = 20000 draws the sample variance is within ~3% (1 sigma ~ sqrt(2/n) = 1%
        // for the normal, less for the uniform), the mean within 4 sigma/sqrt(n).
        let n = 20_000;
        let t = 0.01;
        let mut rng = Rng::new(42);
        for (dist, var) in [
            (Distribution::Uniform, t * t / 3.0),
            (Distribution::Gauss, t * t / 9.0),
        ] {
            let x: Vec<f64> = (0..n).map(|_| rng.deviation(t, dist)).collect();
            let mean = x.iter().sum::<f64>() / n as f64;
            let v = x.iter().map(|e| (e - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
            assert!(
                mean.abs() < 4.0 * var.sqrt() / (n as f64).sqrt(),
                "{dist:?} {mean}"
            );
            assert!((v / var - 1.0).abs() < 0.03, "{dist:?} {v} vs {var}");
            if dist == Distribution::Uniform {
                assert!(x.iter().all(|e| e.abs() <= t));
            }
        }
    }
}
