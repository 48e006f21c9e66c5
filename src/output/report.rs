//! Small formatters shared by the measurement reports (`balun cmrr|xtalk|hum|compare` and the
//! Monte Carlo tables): dB cells, frequency labels, JSON numbers and plain text tables.

use serde_json::{json, Value};
use std::fmt::Write as _;

/// A number for JSON: non-finite values (an exactly zero `Acm` gives infinite CMRR) are null.
pub fn num(x: f64) -> Value {
    if x.is_finite() {
        json!(x)
    } else {
        Value::Null
    }
}

/// dB for a table cell: `inf` is spelled out.
pub fn db_cell(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.2}")
    } else if x > 0.0 {
        "inf".into()
    } else if x < 0.0 {
        "-inf".into()
    } else {
        "nan".into()
    }
}

/// Frequency for a header: `50 Hz`, `1 kHz`, `12.5 kHz`.
pub fn freq_label(f: f64) -> String {
    let (v, unit) = if f >= 1e6 {
        (f / 1e6, "MHz")
    } else if f >= 1e3 {
        (f / 1e3, "kHz")
    } else {
        (f, "Hz")
    };
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("{s} {unit}")
}

/// Renders rows under a header, columns right-aligned to their widest cell except the first.
pub fn render_table(header: &[String], rows: &[Vec<String>]) -> String {
    let n = header.len();
    let mut width = vec![0; n];
    for r in std::iter::once(header).chain(rows.iter().map(|r| r.as_slice())) {
        for (w, cell) in width.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let line = |out: &mut String, r: &[String]| {
        for (i, (cell, w)) in r.iter().zip(&width).enumerate() {
            if i == 0 {
                let _ = write!(out, "{cell:<w$}");
            } else {
                let _ = write!(out, "  {cell:>w$}");
            }
        }
        out.push('\n');
    };
    line(&mut out, header);
    let rule: Vec<String> = width.iter().map(|&w| "-".repeat(w)).collect();
    line(&mut out, &rule);
    for r in rows {
        line(&mut out, r);
    }
    out
}
