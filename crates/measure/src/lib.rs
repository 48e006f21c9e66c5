//! Measurements built on the AC solver's multi-excitation engine
//! ([`solver::analysis::ac::responses`]): each one drives chosen independent sources with unit
//! phasors (every other source zeroed), probes chosen outputs on one factorisation per frequency,
//! and turns the ratios into the numbers users ask for.
//!
//! - [`cmrr`]: common-mode rejection ratio of a balanced receiver, `|Adm / Acm|`, optionally
//!   with a source-impedance imbalance inserted in either leg (IEC 60268-3 style).
//! - [`xtalk`]: crosstalk matrix between channels (victim output / aggressor output, only the
//!   aggressor driven).
//! - [`noise`]: audio-band noise summaries on `.noise`: integrated noise (unweighted and
//!   A-weighted) and equivalent input noise in dBu/dBV for a source resistance.
//! - [`interference`]: output due to an interference source relative to the output due to the
//!   signal source (signal-to-hum ratio).
//! - [`montecarlo`]: any of these (or any function of a circuit) over seeded random draws of
//!   the element tolerances, in parallel, with order statistics and histograms.
//! - [`rfi`]: RF immunity (EMIRR, the DC shift and the demodulated tone an RF carrier on the
//!   line causes), from the solver's second-order rectification analysis.
//! - [`meas`]: `.meas` cards evaluated on finished plots (pure post-processing, ngspice's rules).
//! - [`four`]: `.four` (harmonics and THD of a transient's last period, ngspice's algorithm).
//! - [`thd`]: THD against drive level (the input's `SIN` amplitude swept, runs in parallel).
//! - [`drive`]: what an output drives: maximum level at 1 % THD, slew rate, A-weighted noise
//!   and SNR, crosstalk (the headphone-drive claims).
//!
//! What does not live here: reading netlists (the `netlist`/`circuit` crates do that; a
//! `.cmrr`/`.xtalk`/`.hum` card arrives as a [`circuit::Measurement`]) and formatting tables or
//! JSON (the `balun` CLI does that).
//!
//! **Architecture invariant**: measurements only modify circuits by appending nodes and devices,
//! so every [`circuit::NodeId`] and [`circuit::DeviceId`] of the original stays valid.

pub mod cmrr;
pub mod drive;
pub mod four;
pub mod interference;
pub mod meas;
pub mod montecarlo;
pub mod noise;
pub mod rfi;
pub mod thd;
pub mod xtalk;

use circuit::{Circuit, DeviceId, DeviceKind, NodeId};
use num_complex::Complex64;
pub use solver::analysis::ac::Probe;

/// Why a measurement could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MeasureError {
    #[error(transparent)]
    Solve(#[from] solver::SolveError),
    /// The named element is not an independent voltage source.
    #[error("'{name}' is not an independent voltage source (measurements drive V sources)")]
    NotAVoltageSource { name: String },
    /// No element of that name.
    #[error("no element '{name}'{hint}")]
    UnknownElement { name: String, hint: String },
    /// No node of that name.
    #[error("no node '{name}'{hint}")]
    UnknownNode { name: String, hint: String },
    /// An argument is out of range (negative imbalance, no frequencies, ...).
    #[error("{0}")]
    Invalid(String),
}

/// Magnitude ratio in dB: `20*log10(|num| / |den|)`; `+inf` when `den` is 0 and `num` is not.
pub fn ratio_db(num: Complex64, den: Complex64) -> f64 {
    20.0 * (num.norm() / den.norm()).log10()
}

/// The default spot frequencies of comparisons: mains (50, 60 Hz), 1 kHz, 10 kHz, 20 kHz.
pub const SPOT_FREQUENCIES_HZ: [f64; 5] = [50.0, 60.0, 1e3, 10e3, 20e3];

/// Checks that `id` is an independent voltage source of `circuit`.
pub fn expect_vsource(circuit: &Circuit, id: DeviceId) -> Result<(), MeasureError> {
    match circuit.devices.get(id.index()) {
        Some(d) if matches!(d.kind, DeviceKind::VoltageSource { .. }) => Ok(()),
        Some(d) => Err(MeasureError::NotAVoltageSource {
            name: d.name.clone(),
        }),
        None => Err(MeasureError::Invalid(format!("no device #{}", id.0))),
    }
}

/// The two line sources of a balanced measurement: independent voltage sources, and two
/// different ones.
pub(crate) fn check_line_sources(
    circuit: &Circuit,
    hot: DeviceId,
    cold: DeviceId,
) -> Result<(), MeasureError> {
    expect_vsource(circuit, hot)?;
    expect_vsource(circuit, cold)?;
    if hot == cold {
        return Err(MeasureError::Invalid(
            "the hot and cold sources must be two different sources".into(),
        ));
    }
    Ok(())
}

/// Finds an independent voltage source by name (any case).
pub fn find_vsource(circuit: &Circuit, name: &str) -> Result<DeviceId, MeasureError> {
    let lower = name.to_ascii_lowercase();
    let Some(id) = circuit.device(&lower) else {
        return Err(MeasureError::UnknownElement {
            hint: hint(
                &lower,
                circuit
                    .devices
                    .iter()
                    .filter(|d| matches!(d.kind, DeviceKind::VoltageSource { .. }))
                    .map(|d| d.name.as_str()),
            ),
            name: lower,
        });
    };
    expect_vsource(circuit, id)?;
    Ok(id)
}

/// Reads an output as the CLI accepts it: `out`, `v(out)`, `v(a,b)` or `a,b` (a node pair,
/// `v(a) - v(b)`), or `i(vname)` (the branch current of a V source, E or L).
pub fn find_output(circuit: &Circuit, text: &str) -> Result<Probe, MeasureError> {
    let t = text.trim().to_ascii_lowercase();
    if let Some(inner) = t.strip_prefix("i(").and_then(|s| s.strip_suffix(')')) {
        let name = inner.trim();
        return circuit.device(name).map(Probe::Current).ok_or_else(|| {
            MeasureError::UnknownElement {
                name: name.to_string(),
                hint: String::new(),
            }
        });
    }
    let inner = t
        .strip_prefix("v(")
        .and_then(|s| s.strip_suffix(')'))
        .unwrap_or(&t);
    let mut parts = inner.split(',').map(str::trim);
    let pos = node(circuit, parts.next().unwrap_or(""))?;
    let neg = match parts.next() {
        Some(n) => node(circuit, n)?,
        None => NodeId::GROUND,
    };
    if let Some(extra) = parts.next() {
        return Err(MeasureError::Invalid(format!(
            "output '{text}': expected a node or a node pair, found a third name '{extra}'"
        )));
    }
    Ok(Probe::Voltage(pos, neg))
}

fn node(circuit: &Circuit, name: &str) -> Result<NodeId, MeasureError> {
    if name == "0" {
        return Ok(NodeId::GROUND);
    }
    circuit.node(name).ok_or_else(|| MeasureError::UnknownNode {
        name: name.to_string(),
        hint: hint(name, circuit.nodes.iter().skip(1).map(String::as_str)),
    })
}

/// ` (did you mean 'x'?)` for the closest candidate sharing a prefix, else nothing.
fn hint<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    let best = candidates
        .filter(|c| {
            let common = c
                .chars()
                .zip(name.chars())
                .take_while(|(a, b)| a == b)
                .count();
            common >= 1 && common * 2 >= name.len().min(c.len())
        })
        .min_by_key(|c| c.len().abs_diff(name.len()));
    best.map_or_else(String::new, |b| format!(" (did you mean '{b}'?)"))
}

/// A copy of `circuit` with a resistor of `resistance_ohm` in series with voltage source
/// `source`, i.e. a source impedance added to that source. The source's `+` terminal `P` is
/// split: the source now drives a new node `P'` (named `<node>#rs_<source>`), and a resistor
/// `rs#<source>` joins `P'` to `P`. Everything connected to `P` stays connected to `P`, so the
/// resistor carries exactly the source's branch current: it is the source's output impedance.
/// Nothing is removed or renumbered: all ids of `circuit` stay valid. `resistance_ohm == 0`
/// returns an unchanged copy.
pub fn with_source_resistance(
    circuit: &Circuit,
    source: DeviceId,
    resistance_ohm: f64,
) -> Result<Circuit, MeasureError> {
    expect_vsource(circuit, source)?;
    if !(resistance_ohm.is_finite() && resistance_ohm >= 0.0) {
        return Err(MeasureError::Invalid(format!(
            "a source resistance must be finite and not negative, got {resistance_ohm} ohm"
        )));
    }
    let mut out = circuit.clone();
    if resistance_ohm == 0.0 {
        return Ok(out);
    }
    let src = &circuit.devices[source.index()];
    let DeviceKind::VoltageSource { pos, .. } = src.kind else {
        unreachable!("checked by expect_vsource");
    };
    let split = NodeId(out.nodes.len() as u32);
    out.nodes
        .push(format!("{}#rs_{}", circuit.nodes[pos.index()], src.name));
    if let DeviceKind::VoltageSource { pos: p, .. } = &mut out.devices[source.index()].kind {
        *p = split;
    }
    out.devices.push(circuit::Device {
        name: format!("rs#{}", src.name),
        span: src.span,
        kind: DeviceKind::Resistor {
            a: split,
            b: pos,
            resistance_ohm,
            noisy: true,
            ac_resistance_ohm: None,
        },
    });
    Ok(out)
}

/// Checks a frequency list: not empty, every value finite and positive.
fn check_freqs(freqs_hz: &[f64]) -> Result<(), MeasureError> {
    if freqs_hz.is_empty() {
        return Err(MeasureError::Invalid("no frequencies to measure at".into()));
    }
    if let Some(f) = freqs_hz.iter().find(|f| !(f.is_finite() && **f > 0.0)) {
        return Err(MeasureError::Invalid(format!(
            "frequencies must be positive, got {f} Hz"
        )));
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod testutil {
    use circuit::Circuit;
    use std::path::Path;

    /// Parses and elaborates netlist text (panics on error: test input is fixed).
    pub fn circuit(text: &str) -> Circuit {
        let (ast, _) = netlist::parse_str(Path::new("test.net"), text).expect("parses");
        circuit::elaborate(&ast).expect("elaborates")
    }
}
