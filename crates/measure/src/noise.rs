//! Audio noise summaries on top of `.noise` ([`solver::analysis::noise`]): integrated noise over
//! the audio band, unweighted and A-weighted, and equivalent input noise (EIN) in dBu and dBV
//! for a given source resistance.
//!
//! **Definitions.**
//! - Integrated noise over `[f1, f2]`: `sqrt(integral of S(f) * W(f)^2 df)` with `S` the noise
//!   power density (V^2/Hz) and `W` the weighting (1 unweighted). Unweighted, it is the
//!   analysis's own `inoise_total`/`onoise_total` (ngspice's rule: each generator's density
//!   integrated as a power law between grid points, then summed). A-weighted, the weighted
//!   total density is integrated by the same power-law rule
//!   ([`solver::analysis::noise::integrate_interval`]).
//! - EIN: the input-referred noise (output noise divided by the gain from the source EMF) of
//!   the circuit *with* its source resistance `Rs` (whose own thermal noise is the floor:
//!   `sqrt(4 k T Rs B)`, -131.0 dBu for 150 ohm at 290 K over 20 kHz), in dBu
//!   (`20 log10(V / sqrt(0.6))`, 0 dBu = 0.7746 V, 1 mW in 600 ohm) and dBV (re 1 V).
//! - A-weighting, IEC 61672-1:2013 (annex E), the pole frequencies 20.6, 107.7, 737.9 and
//!   12194 Hz:
//!
//!   `R_A(f) = 12194^2 f^4 / ((f^2 + 20.6^2) sqrt((f^2 + 107.7^2)(f^2 + 737.9^2)) (f^2 + 12194^2))`,
//!   `A(f) = 20 log10(R_A(f)) + 2.00 dB` (0 dB at 1 kHz to within 0.001 dB).
//!
//! What does not live here: the noise analysis itself (the solver) and formatting.

use crate::{with_source_resistance, MeasureError};
use circuit::{AcVariation, Circuit, DeviceId, DeviceKind, OutputNodes};
use solver::analysis::noise::{integrate_interval, Interval, NoiseSpec};
use solver::Data;

/// The audio band of the summaries (Hz).
pub const AUDIO_BAND_HZ: (f64, f64) = (20.0, 20e3);
/// The microphone source resistance EIN is quoted for by default (ohm).
pub const DEFAULT_SOURCE_RESISTANCE_OHM: f64 = 150.0;
/// 0 dBu: 1 mW into 600 ohm, `sqrt(0.6)` V.
pub const DBU_REF_V: f64 = 0.774_596_669_241_483_4;
/// Frequency points per decade of the summaries' `.noise` sweep.
pub const POINTS_PER_DECADE: usize = 50;
/// Boltzmann's constant (J/K), as the solver's noise generators use it.
pub const BOLTZMANN: f64 = 1.380_648_52e-23;

/// The IEC 61672 A-weighting as a linear amplitude gain (see the module docs).
pub fn a_weighting_gain(f: f64) -> f64 {
    let f2 = f * f;
    let (p1, p2, p3, p4) = (
        20.6f64.powi(2),
        107.7f64.powi(2),
        737.9f64.powi(2),
        12194f64.powi(2),
    );
    let ra = p4 * f2 * f2 / ((f2 + p1) * ((f2 + p2) * (f2 + p3)).sqrt() * (f2 + p4));
    ra * 10f64.powf(2.0 / 20.0)
}

/// The A-weighting in dB.
pub fn a_weighting_db(f: f64) -> f64 {
    20.0 * a_weighting_gain(f).log10()
}

/// Volts in dBu.
pub fn dbu(v: f64) -> f64 {
    20.0 * (v / DBU_REF_V).log10()
}

/// Volts in dBV.
pub fn dbv(v: f64) -> f64 {
    20.0 * v.log10()
}

/// Thermal noise of a resistance over a bandwidth: `sqrt(4 k T R B)` (V rms).
pub fn thermal_noise_v(resistance_ohm: f64, temp_k: f64, bandwidth_hz: f64) -> f64 {
    (4.0 * BOLTZMANN * temp_k * resistance_ohm * bandwidth_hz).sqrt()
}

/// `sqrt(integral of (d(f) W(f))^2 df)` over the grid `freqs`, `d` the amplitude density
/// (V/sqrt(Hz)) at each frequency and `W` a weighting, by ngspice's power-law rule.
pub fn integrate_density(freqs: &[f64], density: &[f64], weight: impl Fn(f64) -> f64) -> f64 {
    let power: Vec<f64> = freqs
        .iter()
        .zip(density)
        .map(|(&f, &d)| (d * weight(f)).powi(2))
        .collect();
    let ln = |s: f64| s.max(1e-38).ln();
    let mut sum = 0.0;
    for k in 1..freqs.len().min(power.len()) {
        let iv = Interval::new(freqs[k - 1], freqs[k]);
        if iv.del_freq > 0.0 {
            sum += integrate_interval(power[k], ln(power[k]), ln(power[k - 1]), iv);
        }
    }
    sum.sqrt()
}

/// Noise of a circuit over the audio band.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NoiseSummary {
    /// Source resistance the figures include (ohm).
    pub source_resistance_ohm: f64,
    /// Circuit temperature (K).
    pub temp_k: f64,
    /// Input-referred noise (EIN), unweighted and A-weighted (V rms).
    pub input_v: f64,
    pub input_a_v: f64,
    /// Output noise, unweighted and A-weighted (V rms).
    pub output_v: f64,
    pub output_a_v: f64,
    /// Gain from the source EMF to the output at 1 kHz (V/V).
    pub gain_1k: f64,
}

impl NoiseSummary {
    pub fn ein_dbu(&self) -> f64 {
        dbu(self.input_v)
    }
    pub fn ein_a_dbu(&self) -> f64 {
        dbu(self.input_a_v)
    }
    pub fn ein_dbv(&self) -> f64 {
        dbv(self.input_v)
    }
    pub fn ein_a_dbv(&self) -> f64 {
        dbv(self.input_a_v)
    }
    /// How far the EIN is above the source resistance's own thermal noise over the band (dB):
    /// the noise figure of the input stage.
    pub fn noise_figure_db(&self) -> f64 {
        let floor = thermal_noise_v(
            self.source_resistance_ohm,
            self.temp_k,
            AUDIO_BAND_HZ.1 - AUDIO_BAND_HZ.0,
        );
        dbv(self.input_v) - dbv(floor)
    }
}

/// Runs `.noise` from `source` (an independent voltage source, driven alone with a unit AC
/// value, with `source_resistance_ohm` inserted in series) to `out` over the audio band,
/// [`POINTS_PER_DECADE`] points per decade, and summarises it.
pub fn audio_noise(
    circuit: &Circuit,
    out: OutputNodes,
    source: DeviceId,
    source_resistance_ohm: f64,
) -> Result<NoiseSummary, MeasureError> {
    let mut c = with_source_resistance(circuit, source, source_resistance_ohm)?;
    for (i, d) in c.devices.iter_mut().enumerate() {
        if let DeviceKind::VoltageSource { source: s, .. }
        | DeviceKind::CurrentSource { source: s, .. } = &mut d.kind
        {
            s.ac_mag = if i == source.index() { 1.0 } else { 0.0 };
            s.ac_phase_deg = 0.0;
        }
    }
    let spec = NoiseSpec {
        out,
        source,
        variation: AcVariation::Dec,
        points: POINTS_PER_DECADE,
        fstart: AUDIO_BAND_HZ.0,
        fstop: AUDIO_BAND_HZ.1,
        pts_per_summary: 0,
    };
    let sys = solver::mna::System::assemble(&c);
    let plots = solver::analysis::noise::run(&c, &sys, &spec)?;
    let real = |plot: usize, name: &str| -> Result<Vec<f64>, MeasureError> {
        match plots
            .get(plot)
            .and_then(|p| p.vector(name))
            .map(|v| &v.data)
        {
            Some(Data::Real(v)) => Ok(v.clone()),
            _ => Err(MeasureError::Invalid(format!(
                "the noise analysis produced no '{name}'"
            ))),
        }
    };
    let (freqs, onoise, inoise) = (
        real(0, "frequency")?,
        real(0, "onoise_spectrum")?,
        real(0, "inoise_spectrum")?,
    );
    let scalar = |name: &str| -> Result<f64, MeasureError> {
        real(1, name)?.first().copied().ok_or_else(|| {
            MeasureError::Invalid(format!("the noise analysis produced no '{name}'"))
        })
    };
    let gain = solver::analysis::ac::responses(
        &c,
        &[1e3],
        &[solver::analysis::ac::Excitation {
            sources: vec![(source, num_complex::Complex64::new(1.0, 0.0))],
        }],
        &[crate::Probe::Voltage(out.pos, out.neg)],
    )?;
    Ok(NoiseSummary {
        source_resistance_ohm,
        temp_k: c.options.temp_c + 273.15,
        input_v: scalar("v(inoise_total)")?,
        input_a_v: integrate_density(&freqs, &inoise, a_weighting_gain),
        output_v: scalar("v(onoise_total)")?,
        output_a_v: integrate_density(&freqs, &onoise, a_weighting_gain),
        gain_1k: gain[0][0][0].norm(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_weighting_matches_the_iec_table() {
        // IEC 61672-1 table 3 (nominal A-weighting, dB, one decimal) at the exact base-10
        // frequencies 1 kHz * 10^(n/10) behind the nominal 20 Hz, 100 Hz, 1 kHz, 10 kHz, 20 kHz.
        for (n, db) in [
            (-17.0, -50.5),
            (-10.0, -19.1),
            (0.0, 0.0),
            (10.0, -2.5),
            (13.0, -9.3),
        ] {
            let f = 1e3 * 10f64.powf(n / 10.0);
            assert!(
                (a_weighting_db(f) - db).abs() < 0.05,
                "A({f}) = {} dB, table {db}",
                a_weighting_db(f)
            );
        }
    }

    #[test]
    fn dbu_and_dbv_references() {
        assert!(dbu(DBU_REF_V).abs() < 1e-12);
        assert!((dbv(1.0)).abs() < 1e-12);
        // dBu = dBV + 2.2185 dB.
        assert!((dbu(1e-6) - dbv(1e-6) - 2.218_487_5).abs() < 1e-6);
    }

    /// The textbook limit: 150 ohm at 290 K over a 20 kHz bandwidth is -131.0 dBu
    /// (sqrt(4 * 1.380649e-23 * 290 * 150 * 20e3) = 219 nV).
    #[test]
    fn thermal_floor_of_150_ohm() {
        let v = thermal_noise_v(150.0, 290.0, 20e3);
        assert!((v - 2.1918e-7).abs() < 1e-10, "{v}");
        assert!((dbu(v) - -130.96).abs() < 0.01, "{}", dbu(v));
    }

    #[test]
    fn white_density_integrates_to_density_times_sqrt_bandwidth() {
        let freqs: Vec<f64> = (0..=150)
            .map(|k| 20.0 * 10f64.powf(k as f64 / 50.0))
            .collect();
        let d = vec![4e-9; freqs.len()];
        let got = integrate_density(&freqs, &d, |_| 1.0);
        let want = 4e-9 * (freqs[150] - 20.0).sqrt();
        assert!((got - want).abs() <= 1e-12 * want, "{got} vs {want}");
    }
}
