//! Common-mode rejection ratio of a balanced receiver.
//!
//! The line is driven by two independent voltage sources, `hot` and `cold`, each with its `+`
//! terminal on its leg. With `Vdm = Vhot - Vcold`, `Vcm = (Vhot + Vcold)/2` and
//! `Vout = Adm*Vdm + Acm*Vcm`, two right-hand sides solved on one factorisation per frequency
//! give both gains directly:
//!
//! - differential drive, hot `+1/2`, cold `-1/2` (`Vdm = 1`, `Vcm = 0`): `Vout = Adm`;
//! - common-mode drive, hot `+1`, cold `+1` (`Vdm = 0`, `Vcm = 1`): `Vout = Acm`;
//!
//! and `CMRR = |Adm / Acm|`, reported as `20*log10` (dB; `+inf` when `Acm` is exactly 0).
//!
//! **Source imbalance** (IEC 60268-3 style): a receiver's CMRR in use is limited by how equal the
//! source impedances of the two legs are. [`cmrr_with_imbalance`] inserts a resistance `dZ` in
//! series with the hot source, measures, then in series with the cold source instead, measures
//! again, and reports the worse (lower) CMRR of the two at each frequency. With a receiver whose
//! common-mode input impedance is `Zcm` per leg, the imbalance converts `Vcm` to
//! `Vdm ~ Vcm*dZ/Zcm`, so CMRR tends to `20*log10(Zcm/dZ)`.

use crate::{check_freqs, check_line_sources, with_source_resistance, MeasureError, Probe};
use circuit::{Circuit, DeviceId};
use num_complex::Complex64;
use solver::analysis::ac::{op_start, responses_from, Excitation};
use solver::analysis::op::OpStart;

/// What to measure: the two line sources and the receiver's output.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CmrrSetup {
    /// The independent V source driving the hot leg (`+` terminal on the leg).
    pub hot: DeviceId,
    /// The independent V source driving the cold leg.
    pub cold: DeviceId,
    /// The receiver output (a node voltage, a node pair, or a branch current).
    pub out: Probe,
}

/// Which leg a source imbalance was inserted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leg {
    /// No imbalance inserted (`dZ = 0`).
    Neither,
    Hot,
    Cold,
}

impl Leg {
    pub fn as_str(self) -> &'static str {
        match self {
            Leg::Neither => "-",
            Leg::Hot => "hot",
            Leg::Cold => "cold",
        }
    }
}

/// CMRR at one frequency.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CmrrPoint {
    pub freq_hz: f64,
    /// Output per volt of differential input (`Vdm = 1`).
    pub adm: Complex64,
    /// Output per volt of common-mode input (`Vcm = 1`).
    pub acm: Complex64,
    /// Where the imbalance was when this (worse) value was found.
    pub leg: Leg,
}

impl CmrrPoint {
    /// `20*log10(|Adm/Acm|)`.
    pub fn cmrr_db(&self) -> f64 {
        crate::ratio_db(self.adm, self.acm)
    }
    /// `20*log10|Adm|`.
    pub fn adm_db(&self) -> f64 {
        20.0 * self.adm.norm().log10()
    }
    /// `20*log10|Acm|`.
    pub fn acm_db(&self) -> f64 {
        20.0 * self.acm.norm().log10()
    }
}

/// CMRR of `circuit` as it is (no imbalance inserted) at each of `freqs_hz`.
pub fn cmrr(
    circuit: &Circuit,
    setup: &CmrrSetup,
    freqs_hz: &[f64],
) -> Result<Vec<CmrrPoint>, MeasureError> {
    cmrr_from(circuit, setup, freqs_hz, None)
}

/// The operating points a Monte Carlo copy's CMRR starts its Newton from: the nominal
/// circuit's, with the source imbalance inserted in each leg as [`cmrr_with_imbalance`]
/// inserts it (see [`solver::analysis::op::OpStart`]).
pub struct CmrrStart {
    imbalance_ohm: f64,
    /// Without imbalance, or with it in the hot leg.
    hot: OpStart,
    /// With the imbalance in the cold leg (`None` without imbalance).
    cold: Option<OpStart>,
}

/// The start of [`cmrr_with_imbalance_from`] for copies of `circuit` (the nominal circuit of
/// a Monte Carlo) at `imbalance_ohm`, measured at `freqs_hz`.
pub fn cmrr_start(
    circuit: &Circuit,
    setup: &CmrrSetup,
    freqs_hz: &[f64],
    imbalance_ohm: f64,
) -> Result<CmrrStart, MeasureError> {
    check_freqs(freqs_hz)?;
    let f0 = freqs_hz[0];
    if imbalance_ohm == 0.0 {
        return Ok(CmrrStart {
            imbalance_ohm,
            hot: op_start(circuit, f0)?,
            cold: None,
        });
    }
    let in_hot = with_source_resistance(circuit, setup.hot, imbalance_ohm)?;
    let in_cold = with_source_resistance(circuit, setup.cold, imbalance_ohm)?;
    Ok(CmrrStart {
        imbalance_ohm,
        hot: op_start(&in_hot, f0)?,
        cold: Some(op_start(&in_cold, f0)?),
    })
}

/// [`cmrr`] with the operating point's Newton starting from `start`.
fn cmrr_from(
    circuit: &Circuit,
    setup: &CmrrSetup,
    freqs_hz: &[f64],
    start: Option<&OpStart>,
) -> Result<Vec<CmrrPoint>, MeasureError> {
    check_freqs(freqs_hz)?;
    check_line_sources(circuit, setup.hot, setup.cold)?;
    let half = Complex64::new(0.5, 0.0);
    let one = Complex64::new(1.0, 0.0);
    let excitations = [
        Excitation {
            sources: vec![(setup.hot, half), (setup.cold, -half)],
        },
        Excitation {
            sources: vec![(setup.hot, one), (setup.cold, one)],
        },
    ];
    let r = responses_from(circuit, freqs_hz, &excitations, &[setup.out], start)?;
    Ok(freqs_hz
        .iter()
        .enumerate()
        .map(|(i, &freq_hz)| CmrrPoint {
            freq_hz,
            adm: r[0][0][i],
            acm: r[1][0][i],
            leg: Leg::Neither,
        })
        .collect())
}

/// CMRR with a source imbalance of `imbalance_ohm` (`dZ`): measured with `dZ` in series with the
/// hot source and again with it in series with the cold source (see
/// [`crate::with_source_resistance`]); at each frequency the worse (lower CMRR) of the two is
/// returned, with the leg it came from. `imbalance_ohm == 0` is [`cmrr`].
pub fn cmrr_with_imbalance(
    circuit: &Circuit,
    setup: &CmrrSetup,
    freqs_hz: &[f64],
    imbalance_ohm: f64,
) -> Result<Vec<CmrrPoint>, MeasureError> {
    cmrr_with_imbalance_from(circuit, setup, freqs_hz, imbalance_ohm, None)
}

/// [`cmrr_with_imbalance`] on a Monte Carlo copy of the circuit `start` was made from
/// ([`cmrr_start`], at the same imbalance; a start of another imbalance is ignored): each
/// operating point's Newton starts from the nominal one, so the results are the same within
/// Newton's convergence tolerance (a copy whose Newton does not converge from there is solved
/// from scratch).
pub fn cmrr_with_imbalance_from(
    circuit: &Circuit,
    setup: &CmrrSetup,
    freqs_hz: &[f64],
    imbalance_ohm: f64,
    start: Option<&CmrrStart>,
) -> Result<Vec<CmrrPoint>, MeasureError> {
    let start = start.filter(|s| s.imbalance_ohm == imbalance_ohm);
    let hot_start = start.map(|s| &s.hot);
    if imbalance_ohm == 0.0 {
        return cmrr_from(circuit, setup, freqs_hz, hot_start);
    }
    let cold_start = start.and_then(|s| s.cold.as_ref());
    let in_hot = with_source_resistance(circuit, setup.hot, imbalance_ohm)?;
    let in_cold = with_source_resistance(circuit, setup.cold, imbalance_ohm)?;
    let hot = cmrr_from(&in_hot, setup, freqs_hz, hot_start)?;
    let cold = cmrr_from(&in_cold, setup, freqs_hz, cold_start)?;
    Ok(hot
        .into_iter()
        .zip(cold)
        .map(|(mut h, mut c)| {
            h.leg = Leg::Hot;
            c.leg = Leg::Cold;
            // NaN (0/0: no output at all) counts as worse than any number.
            if c.cmrr_db() < h.cmrr_db() || c.cmrr_db().is_nan() {
                c
            } else {
                h
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::find_output;
    use crate::testutil::circuit;

    /// 4-resistor difference amplifier, op-amp as a VCVS of gain 1e6, ideal line sources.
    fn diff_amp(g: f64, d: f64) -> Circuit {
        circuit(&format!(
            "diff amp\n\
             Vh hot 0 AC 1\nVc cold 0 AC 1\n\
             R1 cold inn 10k\nR2 inn out {r2}\nR3 hot inp 10k\nR4 inp 0 {r4}\n\
             Eop out 0 inp inn 1e6\n.ac dec 1 10 100k\n",
            r2 = 10e3 * g,
            r4 = 10e3 * g * (1.0 + d)
        ))
    }

    fn setup(c: &Circuit) -> CmrrSetup {
        CmrrSetup {
            hot: c.device("vh").unwrap(),
            cold: c.device("vc").unwrap(),
            out: find_output(c, "out").unwrap(),
        }
    }

    #[test]
    fn one_resistor_off_matches_closed_form() {
        // Ideal op-amp: Vout = a*Vhot - b*Vcold, a = R4/(R3+R4)*(1+R2/R1), b = R2/R1 (a finite
        // VCVS gain A scales a and b alike by A*beta/(1+A*beta), so the ratio is exact).
        // Adm = (a+b)/2, Acm = a-b; with R3 = R1, R2 = G*R1, R4 = R2*(1+d):
        //   a - b = G*d/(1+G+G*d), a + b = G*((1+G)(2+d) + G*d)/(1+G+G*d)
        //   CMRR = ((1+G)(2+d) + G*d) / (2|d|) = (1+G)/|d| + sign(d)*(1+2G)/2.
        for (g, d) in [(1.0, 1e-3), (1.0, 1e-2), (10.0, 1e-3), (0.5, -2e-3)] {
            let c = diff_amp(g, d);
            let expected = 20.0 * (((1.0 + g) * (2.0 + d) + g * d) / (2.0 * d.abs())).log10();
            for p in cmrr(&c, &setup(&c), &[60.0, 1e3]).unwrap() {
                assert!(
                    (p.cmrr_db() - expected).abs() < 0.01,
                    "G={g} d={d}: {} vs {expected}",
                    p.cmrr_db()
                );
            }
        }
    }

    #[test]
    fn imbalance_limits_cmrr_to_zcm_over_dz() {
        // Perfect resistors, dZ in one leg. Each leg's common-mode input impedance is
        // Zcm = R3 + R4 = R1 + R2 = (1+G)*R (the inverting input follows v(inp)); exactly
        //   CMRR = Zcm/dZ + 1/2  (either leg), -> 20*log10(Zcm/dZ) for dZ << Zcm.
        let c = diff_amp(1.0, 0.0);
        let s = setup(&c);
        for dz in [10.0, 600.0] {
            let pts = cmrr_with_imbalance(&c, &s, &[60.0], dz).unwrap();
            let exact = 20.0 * (20e3 / dz + 0.5).log10();
            assert!((pts[0].cmrr_db() - exact).abs() < 0.01, "{pts:?}");
        }
    }

    #[test]
    fn source_resistance_splits_the_source_node() {
        let c = diff_amp(1.0, 0.0);
        let vh = c.device("vh").unwrap();
        let m = with_source_resistance(&c, vh, 600.0).unwrap();
        assert_eq!(m.nodes.len(), c.nodes.len() + 1);
        assert_eq!(m.devices.len(), c.devices.len() + 1);
        assert_eq!(m.nodes.last().unwrap(), "hot#rs_vh");
        assert_eq!(m.devices.last().unwrap().name, "rs#vh");
        assert!(with_source_resistance(&c, c.device("r1").unwrap(), 1.0).is_err());
        assert!(with_source_resistance(&c, vh, -1.0).is_err());
    }
}
