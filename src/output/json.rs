//! JSON output: every plot in one document, for scripts and notebooks.
//!
//! Schema (all keys always present unless marked optional):
//!
//! ```text
//! {
//!   "title": string,                 // the netlist's title line
//!   "plots": [                       // one per analysis, in the order the solver ran them
//!     {
//!       "name": string,              // ngspice's plot name: "Operating Point", "AC Analysis", ...
//!       "kind": "op"|"dc"|"ac"|"tran"|"plot",
//!       "scale": Vector | null,      // the swept variable ("frequency", "v(v-sweep)", "time");
//!                                    // null for .op
//!       "vectors": [Vector, ...]     // v(node) in node order, then i(branch)
//!     }
//!   ]
//! }
//! Vector = {
//!   "name": string,                  // ngspice's name: "v(out)", "i(v1)", "i(l.x1.l2)"
//!   "unit": "V"|"A"|"Hz"|"s",
//!   "re": [number, ...],             // real part (the value itself for real data), SI units
//!   "im": [number, ...]              // optional: present only for complex (AC) data
//! }
//! ```
//!
//! Every array of a plot has the same length (1 for `.op`). A non-finite value (never produced
//! by a successful run) is written as `null`, as JSON has no NaN.
//!
//! [`write_runs`] adds the `.meas` results and the `.step` runs:
//!
//! ```text
//! without .step: { "title", "plots": [...], "measures": [Measure, ...] }
//! with .step:    { "title", "steps": [ { "params": {"rval": 1000.0, ...},  // in .step order
//!                                        "plots": [...], "measures": [...] }, ... ] }
//! with measurement cards (.cmrr, .xtalk, .hum), first:
//!                "measurement_cards": [ { "measure": "cmrr"|"xtalk"|"hum", "freqs_hz": [...],
//!                                         "rows": [ { "card", "db": [...], "hum_dbv"?: [...] } ] } ]
//! Measure = { "name": string, "value": number | null,   // null when the measure failed
//!             "error": string,                          // optional: why it failed
//!             "at"|"with"|"from"|"to"|"targ"|"trig": number  // optional: what ngspice prints
//!           }
//! ```
//!
//! With `.print`/`.plot` cards, the document (or each step) also has `"print"`: the tables
//! `balun run` prints for them (see [`super::print`]), every point:
//!
//! ```text
//! "print": [ { "plot": "ac1", "name": "AC Analysis", "scale"?: Column,
//!              "columns": [Column, ...] } ]     // one per plot of a kind with .print cards
//! Column = { "name": "vdb(out)", "re": [...], "im"?: [...] }   // names as ngspice prints them
//! ```
//!
//! With `.four` cards, the document (or each step) also has `"fourier": [Fourier, ...]`, one
//! per output of each card (see [`super::four::fourier_json`]):
//!
//! ```text
//! Fourier = { "output": "v(out)", "fundamental_hz", "thd_percent", "thd_db", "grid", "degree",
//!             "harmonics": [ { "harmonic": 0, "freq_hz", "magnitude", "phase_deg",
//!                              "norm_magnitude", "norm_phase_deg", "dbc" }, ... ] }
//!         | { "output": "v(out)", "error": string }
//! ```

use super::{plot_kind, unit_symbol};
use crate::Run;
use measure::meas::MeasResult;
use serde::Serialize;
use solver::{Data, Plot, Vector};
use std::io::{self, Write};

#[derive(Serialize)]
struct Document<'a> {
    title: &'a str,
    plots: Vec<JsonPlot<'a>>,
}

#[derive(Serialize)]
struct RunsDocument<'a> {
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    measurement_cards: Option<&'a serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    plots: Option<Vec<JsonPlot<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    print: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    measures: Option<Vec<JsonMeasure<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fourier: Option<Vec<serde_json::Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    steps: Option<Vec<JsonStep<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    monte_carlo: Option<&'a serde_json::Value>,
}

#[derive(Serialize)]
struct JsonStep<'a> {
    params: serde_json::Map<String, serde_json::Value>,
    plots: Vec<JsonPlot<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    print: Option<serde_json::Value>,
    measures: Vec<JsonMeasure<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fourier: Vec<serde_json::Value>,
}

#[derive(Serialize)]
struct JsonMeasure<'a> {
    name: &'a str,
    value: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
    #[serde(flatten)]
    detail: std::collections::BTreeMap<&'static str, f64>,
}

fn measure(r: &MeasResult) -> JsonMeasure<'_> {
    use measure::meas::Detail;
    let mut detail = std::collections::BTreeMap::new();
    let (value, error) = match &r.outcome {
        Ok(v) => {
            let pairs: &[(&'static str, f64)] = match v.detail {
                Detail::Find | Detail::When | Detail::Param => &[],
                Detail::At(a) => &[("at", a)],
                Detail::With(w) => &[("with", w)],
                Detail::Window { from, to } | Detail::Integral { from, to } => {
                    &[("from", from), ("to", to)]
                }
                Detail::TrigTarg { targ, trig } => &[("targ", targ), ("trig", trig)],
            };
            for (k, x) in pairs {
                if x.is_finite() {
                    detail.insert(*k, *x);
                }
            }
            (v.value.is_finite().then_some(v.value), None)
        }
        Err(e) => (None, Some(e.as_str())),
    };
    JsonMeasure {
        name: &r.name,
        value,
        error,
        detail,
    }
}

fn plot(p: &Plot) -> JsonPlot<'_> {
    JsonPlot {
        name: &p.name,
        kind: plot_kind(p),
        scale: p.scale.as_ref().map(vector),
        vectors: p.vectors.iter().map(vector).collect(),
    }
}

/// Writes plots, `.meas` results and `.step` runs (schema in the module doc). `runs` with no
/// parameters (a single run) gives the unstepped form.
/// `monte_carlo`, when given, is written as the document's `monte_carlo` member (`balun run`
/// with `--mc` or a `.mc` card: see `src/commands/mc.rs`).
/// `prints` (the circuit's `.print` cards) add each run's `.print` tables as `"print"`.
pub fn write_runs(
    w: &mut impl Write,
    title: &str,
    plots: &[Plot],
    runs: &[Run],
    prints: &[circuit::Print],
    monte_carlo: Option<&serde_json::Value>,
    measurement_cards: Option<&serde_json::Value>,
) -> io::Result<()> {
    let stepped = runs.iter().any(|r| !r.params.is_empty());
    let print = |plots: &[Plot]| {
        (!prints.is_empty()).then(|| super::print::json(&super::print::tables(prints, plots).0))
    };
    let doc = if stepped {
        RunsDocument {
            title,
            measurement_cards,
            plots: None,
            print: None,
            measures: None,
            fourier: None,
            monte_carlo,
            steps: Some(
                runs.iter()
                    .map(|r| JsonStep {
                        params: r
                            .params
                            .iter()
                            .map(|(n, v)| (n.clone(), serde_json::json!(v)))
                            .collect(),
                        plots: plots[r.plots.clone()].iter().map(plot).collect(),
                        print: print(&plots[r.plots.clone()]),
                        measures: r.meas.iter().map(measure).collect(),
                        fourier: r.four.iter().map(super::four::json).collect(),
                    })
                    .collect(),
            ),
        }
    } else {
        RunsDocument {
            title,
            measurement_cards,
            plots: Some(plots.iter().map(plot).collect()),
            print: print(plots),
            measures: Some(
                runs.iter()
                    .flat_map(|r| r.meas.iter().map(measure))
                    .collect(),
            ),
            fourier: runs.iter().any(|r| !r.four.is_empty()).then(|| {
                runs.iter()
                    .flat_map(|r| r.four.iter().map(super::four::json))
                    .collect()
            }),
            steps: None,
            monte_carlo,
        }
    };
    serde_json::to_writer_pretty(&mut *w, &doc)?;
    writeln!(w)
}

#[derive(Serialize)]
struct JsonPlot<'a> {
    name: &'a str,
    kind: &'static str,
    scale: Option<JsonVector<'a>>,
    vectors: Vec<JsonVector<'a>>,
}

#[derive(Serialize)]
struct JsonVector<'a> {
    name: &'a str,
    unit: &'static str,
    re: Vec<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    im: Option<Vec<f64>>,
}

fn vector(v: &Vector) -> JsonVector<'_> {
    let (re, im) = match &v.data {
        Data::Real(x) => (x.clone(), None),
        Data::Complex(z) => (
            z.iter().map(|c| c.re).collect(),
            Some(z.iter().map(|c| c.im).collect()),
        ),
    };
    JsonVector {
        name: &v.name,
        unit: unit_symbol(v.unit),
        re,
        im,
    }
}

/// Writes the whole run as one pretty-printed JSON document (schema in the module doc).
pub fn write(w: &mut impl Write, title: &str, plots: &[Plot]) -> io::Result<()> {
    let doc = Document {
        title,
        plots: plots.iter().map(plot).collect(),
    };
    serde_json::to_writer_pretty(&mut *w, &doc)?;
    writeln!(w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_complex::Complex64;
    use solver::Unit;

    #[test]
    fn schema() {
        let plots = vec![
            Plot {
                name: "Operating Point".into(),
                scale: None,
                vectors: vec![Vector {
                    name: "v(out)".into(),
                    unit: Unit::Voltage,
                    data: Data::Real(vec![5.0]),
                }],
            },
            Plot {
                name: "AC Analysis".into(),
                scale: Some(Vector {
                    name: "frequency".into(),
                    unit: Unit::Frequency,
                    data: Data::Real(vec![10.0]),
                }),
                vectors: vec![Vector {
                    name: "v(out)".into(),
                    unit: Unit::Voltage,
                    data: Data::Complex(vec![Complex64::new(0.5, -0.25)]),
                }],
            },
        ];
        let mut out = Vec::new();
        write(&mut out, "t", &plots).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["title"], "t");
        let op = &v["plots"][0];
        assert_eq!(op["name"], "Operating Point");
        assert_eq!(op["kind"], "op");
        assert!(op["scale"].is_null());
        assert_eq!(op["vectors"][0]["unit"], "V");
        assert_eq!(op["vectors"][0]["re"][0], 5.0);
        assert!(op["vectors"][0].get("im").is_none());
        let ac = &v["plots"][1];
        assert_eq!(ac["scale"]["name"], "frequency");
        assert_eq!(ac["scale"]["unit"], "Hz");
        assert_eq!(ac["vectors"][0]["im"][0], -0.25);
    }
}
