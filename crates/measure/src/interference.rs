//! Interference rejection: how loud an interference source is at the output relative to the
//! signal.
//!
//! Two excitations on one factorisation per frequency: the signal source alone at 1 V, then the
//! interference source alone at 1 V (every other independent source zeroed). The result is
//! `20*log10(|out_interference| / |out_signal|)`: the level of hum (or any interferer) at the
//! output relative to the signal, for equal source amplitudes (dB; more negative is better). Its
//! negative is the rejection, the signal-to-interference ratio for equal drive.

use crate::{check_freqs, expect_vsource, MeasureError, Probe};
use circuit::{Circuit, DeviceId};
use num_complex::Complex64;
use solver::analysis::ac::{responses, Excitation};

/// What to measure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InterferenceSetup {
    pub signal: DeviceId,
    pub interference: DeviceId,
    pub out: Probe,
}

/// The two outputs at one frequency.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InterferencePoint {
    pub freq_hz: f64,
    /// Output per volt of signal source.
    pub signal_gain: Complex64,
    /// Output per volt of interference source.
    pub interference_gain: Complex64,
}

impl InterferencePoint {
    /// Interference relative to signal at the output, dB.
    pub fn relative_db(&self) -> f64 {
        crate::ratio_db(self.interference_gain, self.signal_gain)
    }
}

/// Measures interference relative to signal at each of `freqs_hz`.
pub fn interference(
    circuit: &Circuit,
    setup: &InterferenceSetup,
    freqs_hz: &[f64],
) -> Result<Vec<InterferencePoint>, MeasureError> {
    check_freqs(freqs_hz)?;
    expect_vsource(circuit, setup.signal)?;
    expect_vsource(circuit, setup.interference)?;
    let one = Complex64::new(1.0, 0.0);
    let excitations = [
        Excitation {
            sources: vec![(setup.signal, one)],
        },
        Excitation {
            sources: vec![(setup.interference, one)],
        },
    ];
    let r = responses(circuit, freqs_hz, &excitations, &[setup.out])?;
    Ok(freqs_hz
        .iter()
        .enumerate()
        .map(|(i, &freq_hz)| InterferencePoint {
            freq_hz,
            signal_gain: r[0][0][i],
            interference_gain: r[1][0][i],
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::find_output;
    use crate::testutil::circuit;

    #[test]
    fn ground_loop_hum_on_an_unbalanced_link() {
        // Unbalanced link: signal Vs through Ro = 100 into Rin = 10k, whose return runs through the
        // shield Rsh = 0.5 to the receiver ground. A ground-loop voltage Vg between the two grounds
        // (through the loop's other path, Rloop = 0.1) drives current through Rsh. At the receiver,
        // out = v(in) relative to receiver ground rg.
        // Signal: gain Rin/(Ro+Rin+Rsh||..) ~ Rin/(Ro+Rin+Rsh) (Rloop is in parallel with Rsh
        // here but carries the ground difference source; compute by superposition below).
        let c = circuit(
            "hum\nVs s sg AC 1\nVg sg 0 AC 1\nRo s a 100\nRin a rgnd 10k\nRsh sg rgnd 0.5\n\
             Rloop rgnd 0 0.1\n.ac dec 1 10 100\n",
        );
        let setup = InterferenceSetup {
            signal: c.device("vs").unwrap(),
            interference: c.device("vg").unwrap(),
            out: find_output(&c, "a,rgnd").unwrap(),
        };
        let p = interference(&c, &setup, &[60.0]).unwrap()[0];
        // Closed form by nodal analysis, solved here the long way with real numbers:
        // Signal alone (Vg = 0, sg at ground): loop Ro + Rin + (Rsh || Rloop).
        let rp = 0.5 * 0.1 / 0.6;
        let sig: f64 = 10e3 / (100.0 + 10e3 + rp);
        // Interference alone (Vs = 0): sg at Vg = 1; node rgnd sees Rsh from sg, Rloop to ground,
        // and Ro+Rin from sg (through the idle signal source). v(rgnd) = divider, and
        // v(a) - v(rgnd) = (1 - v(rgnd))*Rin/(Ro+Rin).
        let rs = 0.5 * 10.1e3 / (0.5 + 10.1e3);
        let vr = 0.1 / (0.1 + rs);
        let hum: f64 = (1.0 - vr) * 10e3 / 10.1e3;
        let expected = 20.0 * (hum / sig).log10();
        assert!(
            (p.relative_db() - expected).abs() < 1e-9,
            "{p:?} vs {expected}"
        );
    }
}
