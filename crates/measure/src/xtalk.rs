//! Crosstalk between channels.
//!
//! Each channel is a (source, output) pair. For each aggressor channel `a`, only its source is
//! driven (unit phasor; every other independent source zeroed) and every channel's output is
//! probed, all aggressors on one factorisation per frequency. Crosstalk into victim `v` is
//! `20*log10(|out_v| / |out_a|)` (dB, negative when the victim hears less than the aggressor
//! produces); the diagonal is 0 dB by this definition.

use crate::{check_freqs, expect_vsource, MeasureError, Probe};
use circuit::{Circuit, DeviceId};
use num_complex::Complex64;
use solver::analysis::ac::{responses, Excitation};

/// One channel: the source that drives it and the output where it is heard.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Channel {
    pub source: DeviceId,
    pub out: Probe,
}

/// Crosstalk results: `db[f][victim][aggressor]`, and the raw outputs `out[f][victim][aggressor]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Crosstalk {
    pub freqs_hz: Vec<f64>,
    pub out: Vec<Vec<Vec<Complex64>>>,
}

impl Crosstalk {
    /// Crosstalk from `aggressor` into `victim` at frequency index `f`, in dB.
    pub fn db(&self, f: usize, victim: usize, aggressor: usize) -> f64 {
        crate::ratio_db(
            self.out[f][victim][aggressor],
            self.out[f][aggressor][aggressor],
        )
    }
}

/// Measures the full crosstalk matrix of `channels` at each of `freqs_hz`.
pub fn crosstalk(
    circuit: &Circuit,
    channels: &[Channel],
    freqs_hz: &[f64],
) -> Result<Crosstalk, MeasureError> {
    check_freqs(freqs_hz)?;
    if channels.len() < 2 {
        return Err(MeasureError::Invalid(
            "crosstalk needs at least two channels".into(),
        ));
    }
    for ch in channels {
        expect_vsource(circuit, ch.source)?;
    }
    let excitations: Vec<Excitation> = channels
        .iter()
        .map(|ch| Excitation {
            sources: vec![(ch.source, Complex64::new(1.0, 0.0))],
        })
        .collect();
    let probes: Vec<Probe> = channels.iter().map(|ch| ch.out).collect();
    // r[aggressor][victim][f]
    let r = responses(circuit, freqs_hz, &excitations, &probes)?;
    let n = channels.len();
    let out = (0..freqs_hz.len())
        .map(|f| {
            (0..n)
                .map(|v| (0..n).map(|a| r[a][v][f]).collect())
                .collect()
        })
        .collect();
    Ok(Crosstalk {
        freqs_hz: freqs_hz.to_vec(),
        out,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::find_output;
    use crate::testutil::circuit;

    #[test]
    fn shared_return_matches_divider() {
        // Two drivers (R + jwL) fed through Ro, sharing a return Rg to ground. Driving the left
        // source, the return node sits at Vs = Vl*Zp/(Zl+Zp), Zp = Rg || Zr (Zr = Ro + Zdriver of
        // the idle right channel), Zl = Ro + Zdriver. Right driver: Vs*Zd/Zr; left driver:
        // (Vl - Vs)*Zd/Zl; with Zl = Zr the crosstalk is |Vs/(Vl - Vs)| = |Zp/Zl|.
        let c = circuit(
            "hp\nVl la 0 AC 1\nVr ra 0 AC 1\nRol la lt 0.5\nRor ra rt 0.5\n\
             Rdl lt lc 32\nLdl lc s 20u\nRdr rt rc 32\nLdr rc s 20u\nRg s 0 0.1\n.ac dec 1 1k 10k\n",
        );
        let ch = [
            Channel {
                source: c.device("vl").unwrap(),
                out: find_output(&c, "lt,s").unwrap(),
            },
            Channel {
                source: c.device("vr").unwrap(),
                out: find_output(&c, "v(rt,s)").unwrap(),
            },
        ];
        let freqs = [20.0, 1e3, 20e3];
        let x = crosstalk(&c, &ch, &freqs).unwrap();
        for (f, &hz) in freqs.iter().enumerate() {
            let zl = Complex64::new(32.5, 2.0 * std::f64::consts::PI * hz * 20e-6);
            let zp = 0.1 * zl / (0.1 + zl);
            let expected = 20.0 * (zp / zl).norm().log10();
            assert!((x.db(f, 1, 0) - expected).abs() < 1e-6);
            assert!((x.db(f, 0, 1) - expected).abs() < 1e-6);
            assert_eq!(x.db(f, 0, 0), 0.0);
        }
    }
}
