//! What a headphone (or any) output can drive: its maximum level at 1 % THD, its slew rate,
//! its A-weighted output noise and the signal-to-noise ratio that leaves, and the crosstalk
//! into the other channel. The claims made for "balanced" headphone drive (+6 dB of level,
//! twice the slew rate, 3 dB more SNR, no shared-return crosstalk) are statements about
//! exactly these numbers.
//!
//! The driven channel is an input source with a `SIN` waveform and an output (the voltage
//! across its driver); the other channel is a second (source, output) pair, undriven.
//!
//! - **Maximum level**: the input's amplitude is searched for the level where the output's THD
//!   (harmonics 2-9 of the `.tran`'s last period, [`crate::four`], as `.four` computes them)
//!   reaches [`THD_LIMIT_PERCENT`]: a geometric grid of [`GRID_LEVELS`] amplitudes from
//!   [`SEARCH_VPK`]`.0` to `.1`, then twice [`REFINE_LEVELS`] amplitudes inside the bracket
//!   where THD first crosses the limit, each set simulated in parallel ([`crate::thd::sweep`]);
//!   the crossing is interpolated linearly in `log THD` against `log amplitude` (the last
//!   bracket is 1.8 % wide). Reported: the output's fundamental there (V peak).
//! - **Slew rate**: the input becomes a square wave of half the maximum level's amplitude
//!   (`PULSE`, period [`SLEW_PERIOD_S`], edges of [`SLEW_EDGE_S`]); after half a period at
//!   each level, the falling edge at `P` and the rising edge at `1.5 P` are each measured as the
//!   slope between 20 % and 80 % of their swing (from the value at the edge's start to the value
//!   half a period later): `0.6 (v_end - v_start) / (t80 - t20)`.
//! - **Noise**: `.noise` from the driven channel's input (shorted, an ideal source) to its
//!   output, integrated over 20 Hz-20 kHz unweighted and IEC 61672 A-weighted
//!   ([`crate::noise::audio_noise`]). SNR(A) = `20 log10(V_max,rms / noise_A)`.
//! - **Crosstalk**: the other channel's output over the driven one's at the fundamental,
//!   only the driven input excited ([`crate::xtalk`]).
//!
//! What does not live here: reading the netlist's cards (the facade) and formatting.

use crate::four::FourierOptions;
use crate::meas::{scale_values, vector_values};
use crate::thd::{self, Level, ThdSetup};
use crate::xtalk::{crosstalk, Channel};
use crate::{MeasureError, Probe};
use circuit::{Analysis, Circuit, DeviceId, DeviceKind, OutputNodes, Waveform};

/// The THD that defines the maximum level (%).
pub const THD_LIMIT_PERCENT: f64 = 1.0;
/// The input amplitudes (V peak) the search starts from.
pub const SEARCH_VPK: (f64, f64) = (0.01, 30.0);
/// Levels of the first, geometric grid.
pub const GRID_LEVELS: usize = 10;
/// Levels inside each bracket in the two refinements.
pub const REFINE_LEVELS: usize = 6;
/// Period of the slew-rate square wave (s): 25 kHz, long enough for any audio op-amp to settle.
pub const SLEW_PERIOD_S: f64 = 40e-6;
/// Rise and fall time of the square wave's edges (s).
pub const SLEW_EDGE_S: f64 = 1e-9;

/// What the drive measurement drives and probes.
#[derive(Debug, Clone, PartialEq)]
pub struct DriveSetup {
    /// The driven channel's input: an independent V source with a `SIN` waveform.
    pub source: DeviceId,
    /// The driven channel's output (the voltage across its driver).
    pub out: Probe,
    /// The other channel's input source (held at zero) and output.
    pub victim_source: DeviceId,
    pub victim: Probe,
    /// The test frequency (Hz): THD's fundamental and the crosstalk's frequency.
    pub fundamental_hz: f64,
    pub options: FourierOptions,
}

/// One simulated level of the search.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LevelPoint {
    /// Input amplitude (V peak).
    pub input_vpk: f64,
    /// The output's fundamental (V peak).
    pub output_vpk: f64,
    pub thd_percent: f64,
}

/// The slopes of the square wave's two edges (V/s, both positive).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Slew {
    pub rise_v_per_s: f64,
    pub fall_v_per_s: f64,
    /// The square wave's input amplitude (V peak).
    pub input_vpk: f64,
}

impl Slew {
    /// The mean of the rising and falling slopes.
    pub fn mean(&self) -> f64 {
        0.5 * (self.rise_v_per_s + self.fall_v_per_s)
    }
}

/// Everything measured on one output.
#[derive(Debug, Clone, PartialEq)]
pub struct Drive {
    /// The level where THD reaches [`THD_LIMIT_PERCENT`] (interpolated).
    pub max: LevelPoint,
    /// Every level simulated by the search, by input amplitude.
    pub search: Vec<LevelPoint>,
    pub slew: Slew,
    /// Output noise over 20 Hz-20 kHz, unweighted and A-weighted (V rms).
    pub noise_v: f64,
    pub noise_a_v: f64,
    /// Crosstalk into the other channel at the fundamental (dB; `-inf` when none).
    pub crosstalk_db: f64,
}

impl Drive {
    /// The maximum output level (V rms).
    pub fn max_vrms(&self) -> f64 {
        self.max.output_vpk / std::f64::consts::SQRT_2
    }
    /// A-weighted signal-to-noise ratio at the maximum level (dB).
    pub fn snr_a_db(&self) -> f64 {
        20.0 * (self.max_vrms() / self.noise_a_v).log10()
    }
    /// Unweighted signal-to-noise ratio at the maximum level (dB).
    pub fn snr_db(&self) -> f64 {
        20.0 * (self.max_vrms() / self.noise_v).log10()
    }
}

/// Runs every part of the measurement (the level search and slew rate beside the noise and
/// crosstalk, in parallel).
pub fn drive(circuit: &Circuit, setup: &DriveSetup) -> Result<Drive, MeasureError> {
    let Probe::Voltage(pos, neg) = setup.out else {
        return Err(MeasureError::Invalid(
            "the drive measurement needs a voltage output, not a current".into(),
        ));
    };
    let (level, small) = rayon::join(
        || -> Result<_, MeasureError> {
            let (max, search) = max_level(circuit, setup)?;
            let slew = slew_rate(circuit, setup, max.input_vpk / 2.0)?;
            Ok((max, search, slew))
        },
        || -> Result<_, MeasureError> {
            let n =
                crate::noise::audio_noise(circuit, OutputNodes { pos, neg }, setup.source, 0.0)?;
            let channels = [
                Channel {
                    source: setup.source,
                    out: setup.out,
                },
                Channel {
                    source: setup.victim_source,
                    out: setup.victim,
                },
            ];
            let x = crosstalk(circuit, &channels, &[setup.fundamental_hz])?;
            Ok((n.output_v, n.output_a_v, x.db(0, 1, 0)))
        },
    );
    let (max, search, slew) = level?;
    let (noise_v, noise_a_v, crosstalk_db) = small?;
    Ok(Drive {
        max,
        search,
        slew,
        noise_v,
        noise_a_v,
        crosstalk_db,
    })
}

/// THD at each input amplitude (in parallel).
fn levels(
    circuit: &Circuit,
    setup: &DriveSetup,
    amplitudes: &[f64],
) -> Result<Vec<LevelPoint>, MeasureError> {
    let s = ThdSetup {
        sources: vec![setup.source],
        out: thd::probe_output(circuit, setup.out),
        fundamental_hz: setup.fundamental_hz,
        options: setup.options,
    };
    let levels: Vec<Level> = amplitudes
        .iter()
        .map(|&a| Level {
            label: format!("{a}"),
            amplitude: a,
        })
        .collect();
    Ok(thd::sweep(circuit, &s, &levels)?
        .into_iter()
        .map(|p| LevelPoint {
            input_vpk: p.level.amplitude,
            output_vpk: p.fourier.fundamental(),
            thd_percent: p.fourier.thd_percent,
        })
        .collect())
}

/// `n` amplitudes spaced geometrically strictly between `lo` and `hi` (with both ends when
/// `ends`).
fn geometric(lo: f64, hi: f64, n: usize, ends: bool) -> Vec<f64> {
    let r = (hi / lo).ln();
    if ends {
        (0..n)
            .map(|k| lo * (r * k as f64 / (n - 1) as f64).exp())
            .collect()
    } else {
        (1..=n)
            .map(|k| lo * (r * k as f64 / (n + 1) as f64).exp())
            .collect()
    }
}

/// The index `k` of the first level whose THD reaches the limit, when the one before is below.
fn first_crossing(points: &[LevelPoint]) -> Option<usize> {
    let k = points
        .iter()
        .position(|p| p.thd_percent >= THD_LIMIT_PERCENT)?;
    (k > 0).then_some(k)
}

/// The maximum level at [`THD_LIMIT_PERCENT`] and every level simulated on the way.
pub fn max_level(
    circuit: &Circuit,
    setup: &DriveSetup,
) -> Result<(LevelPoint, Vec<LevelPoint>), MeasureError> {
    let mut all = levels(
        circuit,
        setup,
        &geometric(SEARCH_VPK.0, SEARCH_VPK.1, GRID_LEVELS, true),
    )?;
    let Some(k) = first_crossing(&all) else {
        return Err(MeasureError::Invalid(
            if all[0].thd_percent >= THD_LIMIT_PERCENT {
                format!(
                    "THD is already {:.3} % at the smallest input ({} V peak): no level below \
                     {THD_LIMIT_PERCENT} % to search from",
                    all[0].thd_percent, SEARCH_VPK.0
                )
            } else {
                format!(
                    "THD stays below {THD_LIMIT_PERCENT} % up to {} V peak at the input: the \
                     output never clips",
                    SEARCH_VPK.1
                )
            },
        ));
    };
    let (mut lo, mut hi) = (all[k - 1], all[k]);
    for _ in 0..2 {
        let inner = levels(
            circuit,
            setup,
            &geometric(lo.input_vpk, hi.input_vpk, REFINE_LEVELS, false),
        )?;
        let mut bracket = vec![lo];
        bracket.extend(inner.iter().copied());
        bracket.push(hi);
        let k = first_crossing(&bracket).unwrap_or(bracket.len() - 1);
        (lo, hi) = (bracket[k - 1], bracket[k]);
        all.extend(inner);
    }
    all.sort_by(|a, b| a.input_vpk.total_cmp(&b.input_vpk));
    // log THD linear in log amplitude across the last bracket; the output likewise.
    let t = ((THD_LIMIT_PERCENT / lo.thd_percent).ln() / (hi.thd_percent / lo.thd_percent).ln())
        .clamp(0.0, 1.0);
    let lerp_log = |a: f64, b: f64| (a.ln() + t * (b.ln() - a.ln())).exp();
    Ok((
        LevelPoint {
            input_vpk: lerp_log(lo.input_vpk, hi.input_vpk),
            output_vpk: lerp_log(lo.output_vpk, hi.output_vpk),
            thd_percent: THD_LIMIT_PERCENT,
        },
        all,
    ))
}

/// The slew rate with a square wave of `input_vpk` at the input (see the module docs).
pub fn slew_rate(
    circuit: &Circuit,
    setup: &DriveSetup,
    input_vpk: f64,
) -> Result<Slew, MeasureError> {
    let p = SLEW_PERIOD_S;
    let mut c = circuit.clone();
    c.analyses = vec![Analysis::Tran {
        tstep_s: p / 2000.0,
        tstop_s: 2.0 * p,
        tstart_s: 0.0,
        tmax_s: Some(p / 20000.0),
        uic: false,
    }];
    c.meas.clear();
    c.four.clear();
    c.saves = None;
    match &mut c.devices[setup.source.index()].kind {
        DeviceKind::VoltageSource { source, .. } => {
            source.dc = -input_vpk;
            source.tran = Some(Waveform::Pulse {
                v1: -input_vpk,
                v2: input_vpk,
                delay_s: p / 2.0,
                rise_s: Some(SLEW_EDGE_S),
                fall_s: Some(SLEW_EDGE_S),
                width_s: Some(p / 2.0 - SLEW_EDGE_S),
                period_s: Some(p),
            });
        }
        _ => {
            return Err(MeasureError::NotAVoltageSource {
                name: circuit.devices[setup.source.index()].name.clone(),
            })
        }
    }
    let plots = solver::simulate(&c)?;
    let tran = plots
        .iter()
        .find(|pl| pl.name == "Transient Analysis")
        .ok_or_else(|| MeasureError::Invalid("the slew transient produced no plot".into()))?;
    let invalid = |e: String| MeasureError::Invalid(format!("slew rate: {e}"));
    let t = scale_values(tran).map_err(invalid)?;
    let out = thd::probe_output(circuit, setup.out);
    let v = vector_values(tran, &out.1, netlist::MeasAnalysis::Tran).map_err(invalid)?;
    let fall = edge_slope(&t, &v, p, 1.5 * p).map_err(invalid)?;
    let rise = edge_slope(&t, &v, 1.5 * p, 2.0 * p).map_err(invalid)?;
    Ok(Slew {
        rise_v_per_s: rise,
        fall_v_per_s: fall,
        input_vpk,
    })
}

/// The value of a piecewise-linear waveform at `at`.
fn value_at(t: &[f64], v: &[f64], at: f64) -> f64 {
    let k = t.partition_point(|&x| x < at).clamp(1, t.len() - 1);
    let (t0, t1) = (t[k - 1], t[k]);
    if t1 == t0 {
        return v[k];
    }
    v[k - 1] + (v[k] - v[k - 1]) * (at - t0) / (t1 - t0)
}

/// The first time in `[from, to]` where the waveform crosses `level`, interpolated.
fn crossing(t: &[f64], v: &[f64], from: f64, to: f64, level: f64) -> Option<f64> {
    let start = t.partition_point(|&x| x < from).max(1);
    (start..t.len())
        .take_while(|&k| t[k - 1] <= to)
        .find_map(|k| {
            let (a, b) = (v[k - 1] - level, v[k] - level);
            if a == 0.0 {
                Some(t[k - 1])
            } else if a * b <= 0.0 && a != b {
                Some(t[k - 1] + (t[k] - t[k - 1]) * a / (a - b))
            } else {
                None
            }
        })
}

/// `|0.6 (v_end - v_start) / (t80 - t20)|` of the edge starting at `start` and settled by `end`.
fn edge_slope(t: &[f64], v: &[f64], start: f64, end: f64) -> Result<f64, String> {
    if t.len() < 2 || *t.last().unwrap_or(&0.0) < end * (1.0 - 1e-9) {
        return Err("the transient stopped before the square wave's edges".into());
    }
    let (v0, v1) = (value_at(t, v, start), value_at(t, v, end * (1.0 - 1e-9)));
    let swing = v1 - v0;
    if swing == 0.0 {
        return Err("the output does not move with the input".into());
    }
    let at = |x: f64| {
        crossing(t, v, start, end, v0 + x * swing)
            .ok_or_else(|| format!("the output never crosses {:.0} % of its swing", x * 100.0))
    };
    let (t20, t80) = (at(0.2)?, at(0.8)?);
    if t80 <= t20 {
        return Err("the edge is faster than the time step".into());
    }
    Ok((0.6 * swing / (t80 - t20)).abs())
}

/// The test frequency of a circuit: the first `.four` card's fundamental, else `source`'s
/// `SIN` frequency.
pub fn fundamental_of(circuit: &Circuit, source: DeviceId) -> Option<f64> {
    circuit
        .four
        .first()
        .map(|f| f.fundamental_hz)
        .or_else(|| thd::sine_frequency(circuit, source))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges_of_a_ramp() {
        // A 1 V/us ramp from -1 V to +1 V starting at 1 us, settled by 4 us.
        let t: Vec<f64> = (0..=500).map(|k| k as f64 * 1e-8).collect();
        let v: Vec<f64> = t
            .iter()
            .map(|&x| (-1.0 + (x - 1e-6) * 1e6).clamp(-1.0, 1.0))
            .collect();
        let s = edge_slope(&t, &v, 1e-6, 4e-6).unwrap();
        assert!((s / 1e6 - 1.0).abs() < 1e-9, "{s}");
        assert_eq!(
            edge_slope(&t, &v, 1e-6, 6e-6).unwrap_err(),
            "the transient stopped before the square wave's edges"
        );
    }

    #[test]
    fn geometric_grids() {
        let g = geometric(0.01, 30.0, GRID_LEVELS, true);
        assert_eq!(g.len(), GRID_LEVELS);
        assert!((g[0] - 0.01).abs() < 1e-15 && (g[9] - 30.0).abs() < 1e-12);
        let inner = geometric(1.0, 2.0, 6, false);
        assert!((inner[0] - 2f64.powf(1.0 / 7.0)).abs() < 1e-12);
        assert!(inner[5] < 2.0);
    }
}
