//! RF immunity of a balanced receiver: how much a radio-frequency carrier on its line shifts its
//! output (the op-amp data sheets' EMIRR) and what an amplitude-modulated carrier demodulates
//! into, from the second-order perturbation of [`solver::analysis::rectify`] (one `.ac` solve at
//! the carrier, the devices' rectified currents, one DC solve; no transient).
//!
//! The carrier drives the receiver's two line sources (the `.cmrr` card's hot and cold), so it
//! reaches the receiver through the netlist's own cable and input filter:
//!
//! - common mode (`Mode::Cm`): hot and cold both at `+A`;
//! - differential mode (`Mode::Dm`): hot `+A/2`, cold `-A/2`.
//!
//! **EMIRR** (as op-amp data sheets define it, TI SBOA128): `20 log10(V_RF / dV_os)` with the
//! carrier's peak amplitude `V_RF` (100 mVp by default) and `dV_os` the output's DC shift
//! referred to the input, i.e. divided by the receiver's differential gain at the modulation
//! frequency (its in-band gain). The shift grows as `V_RF^2`, so EMIRR falls 6 dB per doubling of
//! the carrier: it is quoted at a stated level.
//!
//! **Demodulated tone**: the carrier modulated `A (1 + m cos(2 pi fm t))` gives an output tone
//! at `fm`; reported as its RMS level in dBV.

use crate::{check_freqs, expect_vsource, MeasureError, Probe};
use circuit::{Circuit, DeviceId};
use num_complex::Complex64;
use solver::analysis::ac::{responses, Excitation};
use solver::analysis::rectify::{demodulated, rectify};

/// How the carrier is applied to the two legs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Both legs at `+A` (the usual case: RF picked up by the cable's shield and both conductors).
    Cm,
    /// Hot `+A/2`, cold `-A/2`.
    Dm,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Cm => "cm",
            Mode::Dm => "dm",
        }
    }
}

/// What to measure and how.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RfiSetup {
    /// The hot-leg independent voltage source.
    pub hot: DeviceId,
    /// The cold-leg independent voltage source.
    pub cold: DeviceId,
    /// The receiver output.
    pub out: Probe,
    pub mode: Mode,
    /// Carrier peak amplitude (V).
    pub level_vpk: f64,
    /// AM modulation depth `m` (0..1].
    pub depth: f64,
    /// Modulation frequency (Hz).
    pub fmod_hz: f64,
}

/// One carrier frequency's result.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RfiPoint {
    pub freq_hz: f64,
    /// The output's DC shift (V).
    pub shift_v: f64,
    /// The shift referred to the input (V): divided by the in-band differential gain.
    pub shift_rti_v: f64,
    /// The carrier's amplitude at the output (V peak): what is left of it after the receiver.
    pub carrier_out_vpk: f64,
    /// Demodulated tone at the output at the modulation frequency (V peak).
    pub demod_vpk: f64,
}

impl RfiPoint {
    /// EMIRR in dB for a carrier of `level_vpk` (`+inf` when nothing is rectified).
    pub fn emirr_db(&self, level_vpk: f64) -> f64 {
        20.0 * (level_vpk / self.shift_rti_v.abs()).log10()
    }
    /// The demodulated tone's RMS level in dBV (`-inf` when none).
    pub fn demod_dbv(&self) -> f64 {
        20.0 * (self.demod_vpk / std::f64::consts::SQRT_2).log10()
    }
}

/// The RF-immunity measurement at each carrier frequency of `freqs_hz`.
pub fn rfi(
    circuit: &Circuit,
    setup: &RfiSetup,
    freqs_hz: &[f64],
) -> Result<Vec<RfiPoint>, MeasureError> {
    check_freqs(freqs_hz)?;
    expect_vsource(circuit, setup.hot)?;
    expect_vsource(circuit, setup.cold)?;
    if setup.hot == setup.cold {
        return Err(MeasureError::Invalid(
            "the hot and cold sources must be two different sources".into(),
        ));
    }
    if !(setup.level_vpk.is_finite() && setup.level_vpk > 0.0) {
        return Err(MeasureError::Invalid(format!(
            "the carrier level must be positive, got {} V",
            setup.level_vpk
        )));
    }
    if !(setup.depth > 0.0 && setup.depth <= 1.0) {
        return Err(MeasureError::Invalid(format!(
            "the modulation depth must be in (0, 1], got {}",
            setup.depth
        )));
    }
    check_freqs(&[setup.fmod_hz])?;
    let a = setup.level_vpk;
    let (hot, cold) = match setup.mode {
        Mode::Cm => (a, a),
        Mode::Dm => (a / 2.0, -a / 2.0),
    };
    let carrier = Excitation {
        sources: vec![
            (setup.hot, Complex64::new(hot, 0.0)),
            (setup.cold, Complex64::new(cold, 0.0)),
        ],
    };
    // In-band differential gain, to refer the shift to the input.
    let half = Complex64::new(0.5, 0.0);
    let dm = Excitation {
        sources: vec![(setup.hot, half), (setup.cold, -half)],
    };
    let gain = responses(circuit, &[setup.fmod_hz], &[dm], &[setup.out])?[0][0][0].norm();
    freqs_hz
        .iter()
        .map(|&f| {
            let r = rectify(circuit, &carrier, f)?;
            let shift_v = r.at(&r.dc_shift, setup.out);
            let tone = demodulated(circuit, &r, setup.depth, setup.fmod_hz)?;
            Ok(RfiPoint {
                freq_hz: f,
                shift_v,
                shift_rti_v: if gain > 0.0 { shift_v / gain } else { shift_v },
                carrier_out_vpk: r.at(&r.carrier, setup.out).norm(),
                demod_vpk: r.at(&tone, setup.out).norm(),
            })
        })
        .collect()
}

/// The default carrier frequencies (Hz): AM broadcast, shortwave, FM, UHF, GSM 900 and 1800.
pub const RF_FREQUENCIES_HZ: [f64; 6] = [1e6, 10e6, 100e6, 400e6, 900e6, 1.8e9];
