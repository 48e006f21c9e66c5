//! `.meas` results: ngspice's result lines, the table of results per `.step` run, and their CSV.
//!
//! A result line is what ngspice 39 prints for the same measure (`printf("%-20s=  %e", ...)`
//! and its variants): `fc                  =   1.58778e+03` for `when`,
//! `mx                  =  9.999803e-01 at=  1.000000e+01` for `max`, and so on. A measure
//! that cannot be computed prints `name                =  failed: REASON`.

use crate::Run;
use measure::meas::{Detail, MeasResult};
use std::io::{self, Write};

/// C's `printf("%.*e", prec, x)`: `1.587780e+03`, `-5.00000e-04`, `nan`, `inf`.
pub fn c_exp(x: f64, prec: usize) -> String {
    if !x.is_finite() {
        return if x.is_nan() {
            "nan".into()
        } else if x > 0.0 {
            "inf".into()
        } else {
            "-inf".into()
        };
    }
    let s = format!("{x:.prec$e}");
    let Some((mantissa, exp)) = s.split_once('e') else {
        return s;
    };
    let (sign, digits) = match exp.strip_prefix('-') {
        Some(d) => ('-', d),
        None => ('+', exp),
    };
    format!("{mantissa}e{sign}{digits:0>2}")
}

/// The line ngspice prints for a measure (without the newline).
pub fn ngspice_line(r: &MeasResult) -> String {
    let e = |x: f64| c_exp(x, 6);
    let e5 = |x: f64| c_exp(x, 5);
    match &r.outcome {
        Err(reason) => format!("{:<20}=  failed: {reason}", r.name),
        Ok(v) => match v.detail {
            Detail::Find => format!("{:<20}=  {}", r.name, e(v.value)),
            Detail::When => format!("{:<20}=   {}", r.name, e5(v.value)),
            Detail::Param => format!("{:<20}=  {}", r.name, e5(v.value)),
            Detail::At(at) => format!("{:<20}=  {} at=  {}", r.name, e(v.value), e(at)),
            Detail::With(with) => format!("{:<20}=  {} with=  {}", r.name, e(v.value), e(with)),
            Detail::Window { from, to } => format!(
                "{:<20}=  {} from=  {} to=  {}",
                r.name,
                e(v.value),
                e(from),
                e(to)
            ),
            Detail::Integral { from, to } => format!(
                "{:<20}=   {} from=  {} to=  {}",
                r.name,
                e5(v.value),
                e5(from),
                e5(to)
            ),
            Detail::TrigTarg { targ, trig } => format!(
                "{:<20}=  {} targ=  {} trig=  {}",
                r.name,
                e(v.value),
                e(targ),
                e(trig)
            ),
        },
    }
}

/// Writes one line per measure.
pub fn write_lines(w: &mut impl Write, meas: &[MeasResult]) -> io::Result<()> {
    for r in meas {
        writeln!(w, "{}", ngspice_line(r))?;
    }
    Ok(())
}

/// The measured value, or `None` when the measure failed.
fn value(r: &MeasResult) -> Option<f64> {
    r.outcome.as_ref().ok().map(|v| v.value)
}

/// A table of every measure against the `.step` parameters: one row per run.
pub fn write_step_table(w: &mut impl Write, runs: &[Run]) -> io::Result<()> {
    let Some(first) = runs.first() else {
        return Ok(());
    };
    let mut header: Vec<String> = vec!["step".into()];
    header.extend(first.params.iter().map(|(n, _)| n.clone()));
    header.extend(first.meas.iter().map(|m| m.name.clone()));
    let mut rows: Vec<Vec<String>> = Vec::with_capacity(runs.len());
    for (i, run) in runs.iter().enumerate() {
        let mut row = vec![(i + 1).to_string()];
        row.extend(run.params.iter().map(|(_, v)| v.to_string()));
        row.extend(
            run.meas
                .iter()
                .map(|m| value(m).map_or_else(|| "failed".into(), |v| c_exp(v, 6))),
        );
        rows.push(row);
    }
    let widths: Vec<usize> = (0..header.len())
        .map(|c| {
            rows.iter()
                .map(|r| r[c].len())
                .chain([header[c].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String]| {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:>w$}"))
            .collect::<Vec<_>>()
            .join("  ")
    };
    writeln!(w, "Measurements by step")?;
    writeln!(w, "{}", line(&header))?;
    for r in &rows {
        writeln!(w, "{}", line(r))?;
    }
    Ok(())
}

/// CSV of the measures per run: `step`, the parameters, then one column per measure (empty
/// when it failed). Without `.step` there is one row and only the measure columns after `step`.
pub fn write_csv(w: &mut impl Write, runs: &[Run]) -> io::Result<()> {
    let Some(first) = runs.first() else {
        return Ok(());
    };
    let mut header: Vec<String> = vec!["step".into()];
    header.extend(first.params.iter().map(|(n, _)| n.clone()));
    header.extend(first.meas.iter().map(|m| m.name.clone()));
    writeln!(w, "{}", header.join(","))?;
    for (i, run) in runs.iter().enumerate() {
        let mut row = vec![(i + 1).to_string()];
        row.extend(run.params.iter().map(|(_, v)| super::csv::number(*v)));
        row.extend(
            run.meas
                .iter()
                .map(|m| value(m).map_or_else(String::new, super::csv::number)),
        );
        writeln!(w, "{}", row.join(","))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use measure::meas::MeasValue;

    #[test]
    fn c_format() {
        assert_eq!(c_exp(1587.78, 5), "1.58778e+03");
        assert_eq!(c_exp(-0.5609821, 6), "-5.609821e-01");
        assert_eq!(c_exp(1e-300, 2), "1.00e-300");
        assert_eq!(c_exp(0.0, 6), "0.000000e+00");
    }

    #[test]
    fn lines_as_ngspice_prints_them() {
        let r = |value, detail| MeasResult {
            name: "fc".into(),
            outcome: Ok(MeasValue { value, detail }),
        };
        // Copied from ngspice 39's output for the same measures.
        assert_eq!(
            ngspice_line(&r(1587.78, Detail::When)),
            "fc                  =   1.58778e+03"
        );
        assert_eq!(
            ngspice_line(&r(0.9999803, Detail::At(10.0))),
            "fc                  =  9.999803e-01 at=  1.000000e+01"
        );
        let failed = MeasResult {
            name: "never".into(),
            outcome: Err("the 'when' condition is never met".into()),
        };
        assert!(ngspice_line(&failed).starts_with("never               =  failed: "));
    }
}
