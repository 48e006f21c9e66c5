//! `.four` results: the table ngspice 39 prints in batch mode (`fourier.c`: `%g` for THD,
//! `%.6g` for each value, `%.5g` when negative, columns 11 wide), their JSON and their CSV.
//!
//! ```text
//! Fourier analysis for v(out):
//!   No. Harmonics: 10, THD: 22.9982 %, Gridsize: 200, Interpolation Degree: 1
//!
//! Harmonic Frequency   Magnitude   Phase       Norm. Mag   Norm. Phase
//! -------- ---------   ---------   -----       ---------   -----------
//!  0       0           9.66449e-16 0           0           0
//!  1       1000        6.0865      179.372     1           0
//! ```
//!
//! (ngspice pads every column, so its lines end in spaces; these do not.) A `.four` output
//! that cannot be analysed prints `Fourier analysis for v(out): failed: REASON`.

use crate::Run;
use measure::four::{FourResult, Fourier};
use serde_json::{json, Value};
use std::io::{self, Write};

/// C's `printf("%.*g", precision, x)`.
pub fn c_g(x: f64, precision: usize) -> String {
    if !x.is_finite() {
        return if x.is_nan() {
            "nan".into()
        } else if x > 0.0 {
            "inf".into()
        } else {
            "-inf".into()
        };
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0" } else { "0" }.into();
    }
    let p = precision.max(1);
    let sci = format!("{x:.*e}", p - 1);
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let trim = |s: &str| -> String {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s.to_string()
        }
    };
    if exp < -4 || exp >= p as i32 {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{}e{sign}{:02}", trim(mantissa), exp.abs())
    } else {
        let decimals = (p as i32 - 1 - exp).max(0) as usize;
        trim(&format!("{x:.decimals$}"))
    }
}

/// ngspice's `pnum`: 6 significant digits, 5 when negative.
fn pnum(x: f64) -> String {
    c_g(x, if x < 0.0 { 5 } else { 6 })
}

/// The block ngspice prints for one output (lines end with `\n`, a blank line after).
pub fn ngspice_block(r: &FourResult) -> String {
    let f = match &r.outcome {
        Ok(f) => f,
        Err(reason) => return format!("Fourier analysis for {}: failed: {reason}\n\n", r.name),
    };
    let mut s = format!("Fourier analysis for {}:\n", r.name);
    s += &format!(
        "  No. Harmonics: {}, THD: {} %, Gridsize: {}, Interpolation Degree: {}\n\n",
        f.harmonics.len(),
        c_g(f.thd_percent, 6),
        f.grid,
        f.degree
    );
    let row = |cells: [&str; 6]| {
        let line = format!(
            "{:<8} {:<11} {:<11} {:<11} {:<11} {:<11}",
            cells[0], cells[1], cells[2], cells[3], cells[4], cells[5]
        );
        format!("{}\n", line.trim_end())
    };
    s += &row([
        "Harmonic",
        "Frequency",
        "Magnitude",
        "Phase",
        "Norm. Mag",
        "Norm. Phase",
    ]);
    s += &row([
        "--------",
        "---------",
        "---------",
        "-----",
        "---------",
        "-----------",
    ]);
    for (i, h) in f.harmonics.iter().enumerate() {
        let line = format!(
            " {:<4}    {:<11} {:<11} {:<11} {:<11} {:<11}",
            i,
            pnum(h.freq_hz),
            pnum(h.magnitude),
            pnum(h.phase_deg),
            pnum(h.norm_magnitude),
            pnum(h.norm_phase_deg)
        );
        s += line.trim_end();
        s.push('\n');
    }
    s.push('\n');
    s
}

/// Writes every result's block.
pub fn write(w: &mut impl Write, results: &[FourResult]) -> io::Result<()> {
    for r in results {
        w.write_all(ngspice_block(r).as_bytes())?;
    }
    Ok(())
}

/// A number for JSON (`null` when not finite).
fn num(x: f64) -> Value {
    if x.is_finite() {
        json!(x)
    } else {
        Value::Null
    }
}

/// One Fourier analysis as JSON: `{"fundamental_hz", "thd_percent", "thd_db", "grid",
/// "degree", "harmonics": [{"harmonic", "freq_hz", "magnitude", "phase_deg",
/// "norm_magnitude", "norm_phase_deg", "dbc"}]}` (`dbc` is null for the DC row).
pub fn fourier_json(f: &Fourier) -> Value {
    json!({
        "fundamental_hz": f.fundamental_hz,
        "thd_percent": num(f.thd_percent),
        "thd_db": num(f.thd_db()),
        "grid": f.grid,
        "degree": f.degree,
        "harmonics": f.harmonics.iter().enumerate().map(|(k, h)| json!({
            "harmonic": k,
            "freq_hz": h.freq_hz,
            "magnitude": num(h.magnitude),
            "phase_deg": num(h.phase_deg),
            "norm_magnitude": num(h.norm_magnitude),
            "norm_phase_deg": num(h.norm_phase_deg),
            "dbc": if k == 0 { Value::Null } else { num(h.dbc()) },
        })).collect::<Vec<_>>(),
    })
}

/// A `.four` result as JSON: `{"output", ...fourier_json}` or `{"output", "error"}`.
pub fn json(r: &FourResult) -> Value {
    match &r.outcome {
        Ok(f) => {
            let mut v = fourier_json(f);
            if let Value::Object(m) = &mut v {
                m.insert("output".into(), json!(r.name));
            }
            v
        }
        Err(e) => json!({"output": r.name, "error": e}),
    }
}

/// `four.csv`: one row per harmonic of every output (and `.step` run, when stepped), with the
/// output's THD on each row.
pub fn write_csv(w: &mut impl Write, runs: &[Run]) -> io::Result<()> {
    let stepped = runs.len() > 1 || runs.iter().any(|r| !r.params.is_empty());
    let mut header = String::new();
    if stepped {
        header.push_str("step,");
    }
    header.push_str(
        "output,harmonic,freq_hz,magnitude,phase_deg,norm_magnitude,norm_phase_deg,thd_percent",
    );
    writeln!(w, "{header}")?;
    let n = super::csv::number;
    for (i, run) in runs.iter().enumerate() {
        for r in &run.four {
            let Ok(f) = &r.outcome else { continue };
            for (k, h) in f.harmonics.iter().enumerate() {
                if stepped {
                    write!(w, "{},", i + 1)?;
                }
                writeln!(
                    w,
                    "{},{k},{},{},{},{},{},{}",
                    r.name,
                    n(h.freq_hz),
                    n(h.magnitude),
                    n(h.phase_deg),
                    n(h.norm_magnitude),
                    n(h.norm_phase_deg),
                    n(f.thd_percent)
                )?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c_g_matches_printf() {
        // printf("%.6g") / ("%.5g") of these values, from C.
        assert_eq!(c_g(6.0865, 6), "6.0865");
        assert_eq!(c_g(1000.0, 6), "1000");
        assert_eq!(c_g(179.3721, 6), "179.372");
        assert_eq!(c_g(-2.70721e-14, 5), "-2.7072e-14");
        assert_eq!(c_g(1e6, 6), "1e+06");
        assert_eq!(c_g(123456.7, 6), "123457");
        assert_eq!(c_g(0.0001234567, 6), "0.000123457");
        assert_eq!(c_g(0.00001234567, 6), "1.23457e-05");
        assert_eq!(c_g(22.96449, 6), "22.9645");
        assert_eq!(c_g(-183.2749, 5), "-183.27");
        assert_eq!(c_g(0.0, 6), "0");
        assert_eq!(c_g(9.999996, 6), "10");
    }
}
