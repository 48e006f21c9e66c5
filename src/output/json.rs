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

use super::{plot_kind, unit_symbol};
use serde::Serialize;
use solver::{Data, Plot, Vector};
use std::io::{self, Write};

#[derive(Serialize)]
struct Document<'a> {
    title: &'a str,
    plots: Vec<JsonPlot<'a>>,
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
        plots: plots
            .iter()
            .map(|p| JsonPlot {
                name: &p.name,
                kind: plot_kind(p),
                scale: p.scale.as_ref().map(vector),
                vectors: p.vectors.iter().map(vector).collect(),
            })
            .collect(),
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
