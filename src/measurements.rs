//! The measurements of the `measure` crate as the CLI (`balun cmrr|xtalk|hum|compare`) and the
//! Python module ask for them: names of sources and outputs, falling back on the netlist's
//! `.cmrr`/`.xtalk`/`.hum`/`.noise` cards, frequency lists, and the rows of `compare`.
//!
//! Everything here returns values or typed errors ([`MeasureError`]); printing, JSON and plots
//! stay with the callers.

use circuit::{Analysis, Circuit, DeviceId, Measurement, OutputNodes};
use measure::cmrr::{cmrr_with_imbalance, CmrrPoint, CmrrSetup};
use measure::interference::{interference, InterferencePoint, InterferenceSetup};
use measure::noise::NoiseSummary;
use measure::xtalk::{crosstalk, Channel, Crosstalk};
use measure::{MeasureError, Probe, SPOT_FREQUENCIES_HZ};

/// What `compare` measures.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quantity {
    /// Common-mode rejection ratio (dB, higher is better), worse leg of the imbalance.
    Cmrr,
    /// Worst crosstalk between any two channels (dB, lower is better).
    Xtalk,
    /// Interference at the output relative to signal (dB, lower is better).
    Hum,
    /// Equivalent input noise over 20 Hz-20 kHz with the source resistance `--rs`, unweighted
    /// and A-weighted (dBu and dBV, lower is better), from each netlist's `.noise` card.
    Noise,
    /// Total harmonic distortion (%, lower is better) of each netlist's `.four` output, at each
    /// `--level` of its sinusoidal input (see `balun thd`).
    Thd,
    /// What an output drives, per `.step` point (the loads): maximum level at 1 % THD, slew
    /// rate, A-weighted noise and SNR, crosstalk (`measure::drive`; the `.xtalk` card's first
    /// channel driven).
    Drive,
    /// RF immunity (EMIRR, dB, higher is better) at each carrier frequency (`measure::rfi`,
    /// the `.cmrr` card's line).
    Rfi,
}

impl Quantity {
    /// `cmrr`, `xtalk`, `hum` or `noise`.
    pub fn as_str(self) -> &'static str {
        match self {
            Quantity::Cmrr => "cmrr",
            Quantity::Xtalk => "xtalk",
            Quantity::Hum => "hum",
            Quantity::Noise => "noise",
            Quantity::Thd => "thd",
            Quantity::Drive => "drive",
            Quantity::Rfi => "rfi",
        }
    }

    /// The quantity named `name` (as [`Quantity::as_str`] spells it).
    pub fn from_name(name: &str) -> Option<Quantity> {
        [
            Quantity::Cmrr,
            Quantity::Xtalk,
            Quantity::Hum,
            Quantity::Noise,
            Quantity::Thd,
            Quantity::Drive,
            Quantity::Rfi,
        ]
        .into_iter()
        .find(|q| q.as_str() == name)
    }
}

/// Numbers with SPICE suffixes (`600`, `1k`, `20k`); `what` names them in the error.
pub fn numbers(list: &[String], what: &str) -> Result<Vec<f64>, String> {
    list.iter()
        .map(|s| {
            netlist::parse_number(s.trim())
                .filter(|v| v.is_finite())
                .ok_or_else(|| format!("invalid {what} '{s}' (a number such as 600, 1k, 20k)"))
        })
        .collect()
}

/// `freqs` when not empty, else the first `.ac` card's grid, else the spot frequencies.
pub fn frequencies(circuit: &Circuit, freqs: &[f64]) -> Vec<f64> {
    if !freqs.is_empty() {
        return freqs.to_vec();
    }
    for a in &circuit.analyses {
        if let Analysis::Ac {
            variation,
            points,
            fstart_hz,
            fstop_hz,
        } = a
        {
            return solver::analysis::ac::frequencies(
                *variation,
                *points,
                *fstart_hz,
                *fstop_hz,
                circuit.options.reltol,
            );
        }
    }
    SPOT_FREQUENCIES_HZ.to_vec()
}

/// `freqs` when not empty, else the spot frequencies (50, 60 Hz, 1, 10, 20 kHz).
pub fn spot_or(freqs: &[f64]) -> Vec<f64> {
    if freqs.is_empty() {
        SPOT_FREQUENCIES_HZ.to_vec()
    } else {
        freqs.to_vec()
    }
}

fn probe(o: OutputNodes) -> Probe {
    Probe::Voltage(o.pos, o.neg)
}

/// The CMRR setup from the names given, filling what is missing from the first `.cmrr` card;
/// with the card's imbalance.
pub fn cmrr_setup(
    c: &Circuit,
    out: Option<&str>,
    hot: Option<&str>,
    cold: Option<&str>,
) -> Result<(CmrrSetup, Option<f64>), MeasureError> {
    let card = c.measurements.iter().find_map(|m| match m {
        Measurement::Cmrr {
            out,
            hot,
            cold,
            imbalance_ohm,
            ..
        } => Some((*out, *hot, *cold, *imbalance_ohm)),
        _ => None,
    });
    let missing = || {
        MeasureError::Invalid(
            "no '.cmrr OUT HOT COLD' card in the netlist: give --out, --hot and --cold".into(),
        )
    };
    let out = match out {
        Some(o) => measure::find_output(c, o)?,
        None => probe(card.ok_or_else(missing)?.0),
    };
    let hot = match hot {
        Some(h) => measure::find_vsource(c, h)?,
        None => card.ok_or_else(missing)?.1,
    };
    let cold = match cold {
        Some(h) => measure::find_vsource(c, h)?,
        None => card.ok_or_else(missing)?.2,
    };
    Ok((CmrrSetup { hot, cold, out }, card.and_then(|c| c.3)))
}

/// What a CMRR measurement names: the output and the two sources (`None`: from the `.cmrr`
/// card), the source imbalances (empty: the card's, else 0) and the frequencies.
#[derive(Debug, Clone, Default)]
pub struct CmrrRequest {
    pub out: Option<String>,
    pub hot: Option<String>,
    pub cold: Option<String>,
    pub imbalance_ohm: Vec<f64>,
}

impl CmrrRequest {
    /// The setup and the imbalances to measure.
    pub fn resolve(&self, c: &Circuit) -> Result<(CmrrSetup, Vec<f64>), MeasureError> {
        let (setup, card_dz) = cmrr_setup(
            c,
            self.out.as_deref(),
            self.hot.as_deref(),
            self.cold.as_deref(),
        )?;
        let imbalances = if self.imbalance_ohm.is_empty() {
            vec![card_dz.unwrap_or(0.0)]
        } else {
            self.imbalance_ohm.clone()
        };
        Ok((setup, imbalances))
    }
}

/// CMRR at `freqs` for each imbalance of `request` (worse leg): `(imbalance, points)`.
pub fn cmrr(
    c: &Circuit,
    request: &CmrrRequest,
    freqs: &[f64],
) -> Result<Vec<(f64, Vec<CmrrPoint>)>, MeasureError> {
    let (setup, imbalances) = request.resolve(c)?;
    imbalances
        .iter()
        .map(|&dz| Ok((dz, cmrr_with_imbalance(c, &setup, freqs, dz)?)))
        .collect()
}

/// The crosstalk channels: `SOURCE:OUTPUT` each, else the `.xtalk` card's.
pub fn xtalk_channels(c: &Circuit, channels: &[String]) -> Result<Vec<Channel>, MeasureError> {
    if channels.is_empty() {
        return c
            .measurements
            .iter()
            .find_map(|m| match m {
                Measurement::Crosstalk { channels, .. } => Some(
                    channels
                        .iter()
                        .map(|&(source, o)| Channel {
                            source,
                            out: probe(o),
                        })
                        .collect(),
                ),
                _ => None,
            })
            .ok_or_else(|| {
                MeasureError::Invalid(
                    "no '.xtalk SRC1 OUT1 SRC2 OUT2' card in the netlist: give --channel SRC:OUT"
                        .into(),
                )
            });
    }
    channels
        .iter()
        .map(|f| {
            let (src, out) = f.split_once(':').ok_or_else(|| {
                MeasureError::Invalid(format!("--channel '{f}': expected SOURCE:OUTPUT"))
            })?;
            Ok(Channel {
                source: measure::find_vsource(c, src)?,
                out: measure::find_output(c, out)?,
            })
        })
        .collect()
}

/// The crosstalk matrix at `freqs` of `channels` (see [`xtalk_channels`]) and the channels'
/// source names.
pub fn xtalk(
    c: &Circuit,
    channels: &[String],
    freqs: &[f64],
) -> Result<(Vec<String>, Crosstalk), MeasureError> {
    let channels = xtalk_channels(c, channels)?;
    let x = crosstalk(c, &channels, freqs)?;
    let names = channels
        .iter()
        .map(|ch| c.devices[ch.source.index()].name.clone())
        .collect();
    Ok((names, x))
}

/// What a hum measurement names (`None`: from the `.hum` card).
#[derive(Debug, Clone, Default)]
pub struct HumRequest {
    pub out: Option<String>,
    pub signal: Option<String>,
    pub interference: Option<String>,
}

/// The interference setup from `request`, filling what is missing from the `.hum` card.
pub fn hum_setup(c: &Circuit, request: &HumRequest) -> Result<InterferenceSetup, MeasureError> {
    let card = c.measurements.iter().find_map(|m| match m {
        Measurement::Interference {
            out,
            signal,
            interference,
            ..
        } => Some((*out, *signal, *interference)),
        _ => None,
    });
    let missing = || {
        MeasureError::Invalid(
            "no '.hum OUT SIGNAL INTERFERENCE' card: give --out, --signal and --interference"
                .into(),
        )
    };
    Ok(InterferenceSetup {
        out: match &request.out {
            Some(o) => measure::find_output(c, o)?,
            None => probe(card.ok_or_else(missing)?.0),
        },
        signal: match &request.signal {
            Some(s) => measure::find_vsource(c, s)?,
            None => card.ok_or_else(missing)?.1,
        },
        interference: match &request.interference {
            Some(s) => measure::find_vsource(c, s)?,
            None => card.ok_or_else(missing)?.2,
        },
    })
}

/// Signal and interference gains at `freqs`.
pub fn hum(
    c: &Circuit,
    request: &HumRequest,
    freqs: &[f64],
) -> Result<Vec<InterferencePoint>, MeasureError> {
    interference(c, &hum_setup(c, request)?, freqs)
}

/// The output and input source of a circuit's first `.noise` card.
pub fn noise_setup(c: &Circuit) -> Result<(OutputNodes, DeviceId), MeasureError> {
    c.analyses
        .iter()
        .find_map(|a| match a {
            Analysis::Noise { out, source, .. } => Some((*out, *source)),
            _ => None,
        })
        .ok_or_else(|| {
            MeasureError::Invalid(
                "no '.noise v(out) SRC ...' card: it names the output and the input source".into(),
            )
        })
}

/// The audio-band noise summary of a circuit's `.noise` card with source resistance `rs_ohm`.
pub fn noise(c: &Circuit, rs_ohm: f64) -> Result<NoiseSummary, MeasureError> {
    let (out, src) = noise_setup(c)?;
    measure::noise::audio_noise(c, out, src, rs_ohm)
}

/// The drive measurement's setup: the first `.xtalk` card's first channel driven (its source
/// must have a `SIN` waveform) and its second channel as the victim; the test frequency from
/// the `.four` card, else the source's `SIN` frequency.
pub fn drive_setup(c: &Circuit) -> Result<measure::drive::DriveSetup, MeasureError> {
    let channels = xtalk_channels(c, &[]).map_err(|_| {
        MeasureError::Invalid(
            "no '.xtalk SRC1 OUT1 SRC2 OUT2' card: the drive measurement drives the first \
             channel and hears the second"
                .into(),
        )
    })?;
    let [driven, victim, ..] = channels[..] else {
        return Err(MeasureError::Invalid(
            "the '.xtalk' card needs two channels for the drive measurement".into(),
        ));
    };
    let source =
        measure::thd::sine_sources(c, &[c.devices[driven.source.index()].name.clone()])?[0];
    let fundamental_hz = measure::drive::fundamental_of(c, source).ok_or_else(|| {
        MeasureError::Invalid("no test frequency: add a '.four FREQ' card".into())
    })?;
    Ok(measure::drive::DriveSetup {
        source,
        out: driven.out,
        victim_source: victim.source,
        victim: victim.out,
        fundamental_hz,
        options: measure::four::FourierOptions::of(&c.options),
    })
}

/// One row of `compare`: a circuit (and imbalance for CMRR) and its dB values per frequency.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareRow {
    /// The netlist's file stem.
    pub circuit: String,
    pub title: String,
    pub imbalance_ohm: Option<f64>,
    /// CMRR (worse leg), worst crosstalk or interference re signal, per frequency.
    pub db: Vec<f64>,
    /// `hum` only: the output per volt of the interference source (dB re 1 V), i.e. the hum in
    /// dBV when that source at 1 V stands for the whole interference scenario.
    pub hum_dbv: Option<Vec<f64>>,
}

/// The rows of `compare` for one circuit named `name` (CMRR, crosstalk or hum; noise has its
/// own summary, [`noise`], and THD its level sweep, `measure::thd`).
pub fn compare_rows(
    c: &Circuit,
    name: &str,
    quantity: Quantity,
    imbalances: &[f64],
    freqs: &[f64],
) -> Result<Vec<CompareRow>, MeasureError> {
    let row = |imbalance_ohm, db| CompareRow {
        circuit: name.to_string(),
        title: c.title.clone(),
        imbalance_ohm,
        db,
        hum_dbv: None,
    };
    match quantity {
        Quantity::Cmrr => {
            let request = CmrrRequest {
                imbalance_ohm: imbalances.to_vec(),
                ..CmrrRequest::default()
            };
            Ok(cmrr(c, &request, freqs)?
                .into_iter()
                .map(|(dz, pts)| row(Some(dz), pts.iter().map(CmrrPoint::cmrr_db).collect()))
                .collect())
        }
        Quantity::Xtalk => {
            let (names, x) = xtalk(c, &[], freqs)?;
            let n = names.len();
            // The worst (highest) crosstalk between any two distinct channels.
            let worst = (0..freqs.len())
                .map(|f| {
                    (0..n)
                        .flat_map(|v| (0..n).filter(move |&ag| ag != v).map(move |ag| (v, ag)))
                        .map(|(v, ag)| x.db(f, v, ag))
                        .fold(f64::NEG_INFINITY, f64::max)
                })
                .collect();
            Ok(vec![row(None, worst)])
        }
        Quantity::Noise | Quantity::Thd | Quantity::Drive | Quantity::Rfi => {
            Err(MeasureError::Invalid(
                "noise, THD, drive and RF immunity are compared by their own functions \
                 (measurements::noise, measure::thd, measurements::drive, measure::rfi)"
                    .into(),
            ))
        }
        Quantity::Hum => {
            let pts = hum(c, &HumRequest::default(), freqs)?;
            let mut r = row(None, pts.iter().map(|p| p.relative_db()).collect());
            r.hum_dbv = Some(
                pts.iter()
                    .map(|p| 20.0 * p.interference_gain.norm().log10())
                    .collect(),
            );
            Ok(vec![r])
        }
    }
}
