//! Total harmonic distortion against drive level: the circuit's sinusoidal source set to each
//! level in turn, its `.tran` run, and the output's harmonics taken as `.four` takes them
//! ([`crate::four`], ngspice's algorithm over the last period).
//!
//! Like `.step`, each level is its own copy of the circuit (only the input's `SIN` amplitudes
//! differ, see [`at_level`]), simulated in parallel (rayon); results come back in level order and do not depend
//! on the number of threads. Only the last `.tran` card is run (every other analysis of the
//! netlist is left out, as are its `.meas` and `.four` cards and any `.save` list).
//!
//! Levels are written as audio engineers write them: `+4dBu` (re 0.7746 V rms, i.e. 1 mW in
//! 600 ohm), `-10dBV` (re 1 V rms), `2Vrms`, or a plain number (with SPICE suffixes), which is
//! the `SIN` amplitude itself (peak). A sine's peak is its rms value times sqrt(2), so
//! 0 dBu = 1.0954 V peak and +20 dBu = 10.954 V peak.

use crate::four::{self, Fourier, FourierOptions};
use crate::{MeasureError, Probe};
use circuit::{Analysis, Circuit, DeviceId, DeviceKind, VecExpr, VecOp, Waveform};
use rayon::prelude::*;

/// 0 dBu in volts rms: sqrt(0.6), the voltage of 1 mW in 600 ohm.
pub const DBU_REF_V: f64 = 0.774_596_669_241_483_4;

/// A drive level: the `SIN` amplitude (peak) and how it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Level {
    /// As written (`+20dBu`).
    pub label: String,
    pub amplitude: f64,
}

impl Level {
    /// The level in dBu (of a sine of this amplitude, in volts).
    pub fn dbu(&self) -> f64 {
        20.0 * (self.amplitude / std::f64::consts::SQRT_2 / DBU_REF_V).log10()
    }
}

/// Reads a level: `+4dBu`, `-10dBV`, `2Vrms`, `1.5` or `1.5Vpk` (peak, SPICE suffixes allowed).
pub fn parse_level(text: &str) -> Result<Level, String> {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    let bad = || {
        format!(
            "invalid level '{text}' (expected e.g. +4dBu, -10dBV, 2Vrms, or a peak amplitude such \
             as 1.5)"
        )
    };
    let db = |num: &str| -> Result<f64, String> {
        let num = num.trim();
        let num = num.strip_prefix('+').unwrap_or(num);
        num.parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(bad)
    };
    let rms_to_peak = |rms: f64| rms * std::f64::consts::SQRT_2;
    let amplitude = if let Some(n) = lower.strip_suffix("dbu") {
        rms_to_peak(DBU_REF_V * 10f64.powf(db(n)? / 20.0))
    } else if let Some(n) = lower.strip_suffix("dbv") {
        rms_to_peak(10f64.powf(db(n)? / 20.0))
    } else if let Some(n) = lower.strip_suffix("vrms") {
        rms_to_peak(netlist::parse_number(n.trim()).ok_or_else(bad)?)
    } else {
        let n = lower
            .strip_suffix("vpk")
            .or_else(|| lower.strip_suffix("vp"))
            .unwrap_or(&lower);
        netlist::parse_number(n.trim()).ok_or_else(bad)?
    };
    if !(amplitude.is_finite() && amplitude > 0.0) {
        return Err(format!(
            "level '{text}': the amplitude must be positive, got {amplitude}"
        ));
    }
    Ok(Level {
        label: t.to_string(),
        amplitude,
    })
}

/// What a THD sweep drives and measures.
#[derive(Debug, Clone, PartialEq)]
pub struct ThdSetup {
    /// The independent sources whose `SIN` amplitudes make up the level (see [`at_level`]).
    pub sources: Vec<DeviceId>,
    /// The output's name (`v(out)`) and vector expression.
    pub out: (String, VecExpr),
    pub fundamental_hz: f64,
    pub options: FourierOptions,
}

/// One level's result.
#[derive(Debug, Clone, PartialEq)]
pub struct ThdPoint {
    pub level: Level,
    pub fourier: Fourier,
}

fn sin_of(circuit: &Circuit, id: DeviceId) -> Option<&Waveform> {
    match &circuit.devices.get(id.index())?.kind {
        DeviceKind::VoltageSource { source, .. } | DeviceKind::CurrentSource { source, .. } => {
            source
                .tran
                .as_ref()
                .filter(|w| matches!(w, Waveform::Sin { .. }))
        }
        _ => None,
    }
}

/// The sources a sweep drives: those named (independent V or I sources with a `SIN`
/// waveform), or when none is named every source with a `SIN` waveform (the hot and cold legs of
/// a balanced input, say).
pub fn sine_sources(circuit: &Circuit, names: &[String]) -> Result<Vec<DeviceId>, MeasureError> {
    if names.is_empty() {
        let sines: Vec<DeviceId> = (0..circuit.devices.len())
            .map(|i| DeviceId(i as u32))
            .filter(|&id| sin_of(circuit, id).is_some())
            .collect();
        if sines.is_empty() {
            return Err(MeasureError::Invalid(
                "no source with a SIN(...) waveform to drive: THD needs a sinusoidal input".into(),
            ));
        }
        return Ok(sines);
    }
    names
        .iter()
        .map(|name| {
            let lower = name.trim().to_ascii_lowercase();
            let id = circuit
                .device(&lower)
                .ok_or_else(|| MeasureError::UnknownElement {
                    name: lower.clone(),
                    hint: String::new(),
                })?;
            match sin_of(circuit, id) {
                Some(_) => Ok(id),
                None => Err(MeasureError::Invalid(format!(
                    "'{lower}' is not an independent source with a SIN(...) waveform"
                ))),
            }
        })
        .collect()
}

/// The `SIN` frequency of `source` (ngspice's default, 1/TSTOP, when the card gives none).
pub fn sine_frequency(circuit: &Circuit, source: DeviceId) -> Option<f64> {
    match sin_of(circuit, source)? {
        Waveform::Sin { freq_hz, .. } => freq_hz.or_else(|| {
            circuit.analyses.iter().rev().find_map(|a| match a {
                Analysis::Tran { tstop_s, .. } => Some(1.0 / tstop_s),
                _ => None,
            })
        }),
        _ => None,
    }
}

/// The `SIN` amplitude of `source`.
pub fn sine_amplitude(circuit: &Circuit, source: DeviceId) -> Option<f64> {
    match sin_of(circuit, source)? {
        Waveform::Sin { amplitude, .. } => Some(*amplitude),
        _ => None,
    }
}

/// A probe as a `.four` output: its name and vector expression.
pub fn probe_output(circuit: &Circuit, probe: Probe) -> (String, VecExpr) {
    match probe {
        Probe::Voltage(pos, neg) => {
            let v =
                |n: circuit::NodeId| VecExpr::Vector(format!("v({})", circuit.nodes[n.index()]));
            if neg.is_ground() {
                (format!("v({})", circuit.nodes[pos.index()]), v(pos))
            } else {
                (
                    format!(
                        "v({},{})",
                        circuit.nodes[pos.index()],
                        circuit.nodes[neg.index()]
                    ),
                    VecExpr::Binary(VecOp::Sub, Box::new(v(pos)), Box::new(v(neg))),
                )
            }
        }
        Probe::Current(d) => {
            let name = format!("i({})", circuit.devices[d.index()].name);
            (name.clone(), VecExpr::Vector(name))
        }
    }
}

/// A copy of `circuit` driven at `level` (a peak amplitude) by `sources`, running only its last
/// `.tran` (and no `.meas`, `.four` or `.save`). The sources' `SIN` amplitudes are scaled
/// together so that they add up to `level`, each keeping its share of the netlist's amplitudes
/// (equal shares if those are all 0): one source takes the whole level; the hot and cold legs
/// of a balanced input, written in antiphase with equal amplitudes, take half each, so the
/// differential input is the level.
pub fn at_level(
    circuit: &Circuit,
    sources: &[DeviceId],
    level: f64,
) -> Result<Circuit, MeasureError> {
    let tran = circuit
        .analyses
        .iter()
        .rev()
        .find(|a| matches!(a, Analysis::Tran { .. }))
        .cloned()
        .ok_or_else(|| {
            MeasureError::Invalid(
                "no .tran card: THD needs a transient of at least one period".into(),
            )
        })?;
    let own: Vec<f64> = sources
        .iter()
        .map(|&id| sine_amplitude(circuit, id).map(f64::abs))
        .collect::<Option<_>>()
        .ok_or_else(|| MeasureError::Invalid("a source has no SIN(...) waveform".into()))?;
    let total: f64 = own.iter().sum();
    let mut c = circuit.clone();
    c.analyses = vec![tran];
    c.meas.clear();
    c.four.clear();
    c.saves = None;
    for (&id, &a) in sources.iter().zip(&own) {
        let share = if total > 0.0 {
            a / total
        } else {
            1.0 / sources.len() as f64
        };
        if let DeviceKind::VoltageSource { source, .. } | DeviceKind::CurrentSource { source, .. } =
            &mut c.devices[id.index()].kind
        {
            if let Some(Waveform::Sin { amplitude, .. }) = &mut source.tran {
                // The sign (a leg written with a negative amplitude) is kept.
                *amplitude = amplitude.signum() * level * share;
            }
        }
    }
    Ok(c)
}

/// THD at every level (in parallel), in level order.
pub fn sweep(
    circuit: &Circuit,
    setup: &ThdSetup,
    levels: &[Level],
) -> Result<Vec<ThdPoint>, MeasureError> {
    levels
        .par_iter()
        .map(|level| {
            let c = at_level(circuit, &setup.sources, level.amplitude)?;
            let plots = solver::simulate(&c)?;
            let tran = plots
                .iter()
                .rev()
                .find(|p| p.name == "Transient Analysis")
                .ok_or_else(|| MeasureError::Invalid("the transient produced no plot".into()))?;
            let fourier = four::of_plot(tran, &setup.out.1, setup.fundamental_hz, setup.options)
                .map_err(|e| {
                    MeasureError::Invalid(format!("{} at {}: {e}", setup.out.0, level.label))
                })?;
            Ok(ThdPoint {
                level: level.clone(),
                fourier,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::circuit;

    #[test]
    fn levels_in_audio_units() {
        let l = parse_level("+20dBu").unwrap();
        assert!((l.amplitude - 10.954_451).abs() < 1e-5, "{}", l.amplitude);
        assert!((l.dbu() - 20.0).abs() < 1e-12);
        let l = parse_level("0dBV").unwrap();
        assert!((l.amplitude - std::f64::consts::SQRT_2).abs() < 1e-15);
        assert_eq!(parse_level("1.5").unwrap().amplitude, 1.5);
        assert_eq!(parse_level("500mVpk").unwrap().amplitude, 0.5);
        assert!((parse_level("2Vrms").unwrap().amplitude - 2.0 * 2f64.sqrt()).abs() < 1e-15);
        assert_eq!(
            parse_level("loud").unwrap_err(),
            "invalid level 'loud' (expected e.g. +4dBu, -10dBV, 2Vrms, or a peak amplitude such \
             as 1.5)"
        );
        assert!(parse_level("0").unwrap_err().contains("must be positive"));
    }

    /// A linear divider has no distortion at any level; a diode clipper's THD rises with level.
    #[test]
    fn sweep_in_level_order() {
        let c = circuit(
            "t\nV1 in 0 SIN(0 1 1k)\nR1 in out 1k\nD1 out 0 DX\nD2 0 out DX\nR2 out 0 10k\n\
             .model DX D(IS=1e-14)\n.tran 5u 2m 0 5u\n.end\n",
        );
        let sources = sine_sources(&c, &[]).unwrap();
        let out = probe_output(&c, crate::find_output(&c, "out").unwrap());
        let setup = ThdSetup {
            sources,
            out,
            fundamental_hz: 1e3,
            options: FourierOptions::default(),
        };
        let levels: Vec<Level> = ["0.1", "1", "5"]
            .iter()
            .map(|l| parse_level(l).unwrap())
            .collect();
        let pts = sweep(&c, &setup, &levels).unwrap();
        let thd: Vec<f64> = pts.iter().map(|p| p.fourier.thd_percent).collect();
        assert!(
            thd[0] < 0.01 && thd[0] < thd[1] && thd[1] < thd[2],
            "{thd:?}"
        );
        // At 0.1 V peak the diodes barely conduct: the fundamental is the divider's 10/11.
        let f0 = pts[0].fourier.fundamental();
        assert!((f0 / 0.1 - 10.0 / 11.0).abs() < 2e-3, "{f0}");
    }
}
