//! Terminal tables: what `balun run` prints.
//!
//! - `.op` is a two-column list, name then value in engineering notation with its unit
//!   (`v(out)   500.000 mV`), values aligned on the decimal point.
//! - `.dc` and `.tran` are a table: the scale, then one column per vector, in engineering
//!   notation (`1.250 V`, `-2.000 mA`).
//! - `.ac` is a table: the frequency, then two columns per vector, its magnitude in dB
//!   (`20*log10|v|`, re 1 V or 1 A) and its phase in degrees, the Bode-plot view engineers read.
//! - Sweeps of more than [`TableOptions::max_rows`] points are summarised: first, last and evenly
//!   spaced rows in between with their point index, and a note `N points; use --csv/--raw for all`.
//! - At most [`TableOptions::max_vectors`] vectors are shown (half as many for AC, which takes two
//!   columns each, and fewer if they would not fit in [`TableOptions::max_width`] columns); a note
//!   says how many were left out. Top-level vectors are shown before those inside subcircuit
//!   instances (`v(x1.n2)`), as they are the ones usually asked about.
//!
//! Output is plain ASCII so that it is the same on any terminal and in a pipe.

use super::{mag_db, phase_deg, unit_symbol};
use solver::{Data, Plot, Vector};
use std::io::{self, Write};

/// Limits that keep a table readable on an 80-120 column terminal.
#[derive(Debug, Clone, Copy)]
pub struct TableOptions {
    /// Sweeps longer than this are summarised.
    pub max_rows: usize,
    /// Rows shown in a summary (first and last included).
    pub summary_rows: usize,
    /// Vectors shown per table (real data; complex data shows half as many).
    pub max_vectors: usize,
    /// Approximate line width to stay within: fewer vectors are shown if they would not fit
    /// (at least one always is).
    pub max_width: usize,
}

impl Default for TableOptions {
    fn default() -> Self {
        TableOptions {
            max_rows: 30,
            summary_rows: 9,
            max_vectors: 8,
            max_width: 132,
        }
    }
}

/// Writes every plot, each with a heading, separated by a blank line.
pub fn write(w: &mut impl Write, plots: &[Plot], options: &TableOptions) -> io::Result<()> {
    for (i, plot) in plots.iter().enumerate() {
        if i > 0 {
            writeln!(w)?;
        }
        write_plot(w, plot, options)?;
    }
    Ok(())
}

/// Writes one plot: a list for `.op`, a table for sweeps.
pub fn write_plot(w: &mut impl Write, plot: &Plot, options: &TableOptions) -> io::Result<()> {
    match &plot.scale {
        None => write_list(w, plot),
        Some(scale) => write_sweep(w, plot, scale, options),
    }
}

fn write_list(w: &mut impl Write, plot: &Plot) -> io::Result<()> {
    writeln!(w, "{}", plot.name)?;
    let width = plot.vectors.iter().map(|v| v.name.len()).max().unwrap_or(0);
    for v in &plot.vectors {
        let text = match &v.data {
            Data::Real(x) if x.len() == 1 => eng(x[0], unit_symbol(v.unit)),
            data if data.len() == 1 => {
                let z = data.at(0);
                format!(
                    "{}  ({:.3} dB, {:.2} deg)",
                    eng(z.norm(), unit_symbol(v.unit)),
                    mag_db(z),
                    phase_deg(z)
                )
            }
            data => format!("({} values)", data.len()),
        };
        writeln!(w, "  {:<width$}  {text}", v.name)?;
    }
    Ok(())
}

fn write_sweep(
    w: &mut impl Write,
    plot: &Plot,
    scale: &Vector,
    options: &TableOptions,
) -> io::Result<()> {
    let n = plot.len();
    let complex = plot.is_complex();
    let max_vectors = if complex {
        (options.max_vectors / 2).max(1)
    } else {
        options.max_vectors.max(1)
    };
    let ordered = display_order(&plot.vectors);
    let per_vector = if complex { 2 * 12 } else { 13 };
    let by_width = (options.max_width.saturating_sub(16) / per_vector).max(1);
    let shown = &ordered[..ordered.len().min(max_vectors).min(by_width)];
    let omitted = ordered.len() - shown.len();
    let rows = row_indices(n, options);
    let summarised = rows.len() < n;

    writeln!(
        w,
        "{} ({} point{})",
        plot.name,
        n,
        if n == 1 { "" } else { "s" }
    )?;

    let mut header: Vec<String> = Vec::new();
    if summarised {
        header.push("#".into());
    }
    header.push(scale.name.clone());
    for v in shown {
        if complex {
            header.push(format!("{} dB", v.name));
            header.push(format!("{} deg", v.name));
        } else {
            header.push(v.name.clone());
        }
    }
    let mut table: Vec<Vec<String>> = vec![header];
    for &i in &rows {
        let mut row = Vec::new();
        if summarised {
            row.push(i.to_string());
        }
        row.push(eng(scale.data.at(i).re, unit_symbol(scale.unit)));
        for v in shown {
            let z = if i < v.data.len() {
                v.data.at(i)
            } else {
                f64::NAN.into()
            };
            if complex {
                row.push(fixed(mag_db(z), 3));
                row.push(fixed(phase_deg(z), 2));
            } else {
                row.push(eng(z.re, unit_symbol(v.unit)));
            }
        }
        table.push(row);
    }
    write_aligned(w, &table)?;
    if summarised {
        writeln!(
            w,
            "  {n} points, {} shown; use --csv/--raw for all",
            rows.len()
        )?;
    }
    if omitted > 0 {
        writeln!(
            w,
            "  {omitted} more vector{} not shown ({}); use --csv/--raw/--json for all",
            if omitted == 1 { "" } else { "s" },
            ordered[shown.len()..]
                .iter()
                .map(|v| v.name.as_str())
                .take(6)
                .chain(if omitted > 6 { Some("...") } else { None })
                .collect::<Vec<_>>()
                .join(", ")
        )?;
    }
    if complex {
        writeln!(w, "  (magnitude in dB re 1 V or 1 A, phase in degrees)")?;
    }
    Ok(())
}

/// Writes `table` (a header row, then data rows) right-aligned in columns two spaces apart,
/// indented by two, with a rule of dashes under the header.
pub(crate) fn write_aligned(w: &mut impl Write, table: &[Vec<String>]) -> io::Result<()> {
    let Some(first) = table.first() else {
        return Ok(());
    };
    let widths: Vec<usize> = (0..first.len())
        .map(|c| table.iter().map(|r| r[c].len()).max().unwrap_or(0))
        .collect();
    for (r, row) in table.iter().enumerate() {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, &wd)| format!("{cell:>wd$}"))
            .collect();
        writeln!(w, "  {}", line.join("  ").trim_end())?;
        if r == 0 {
            let rule: Vec<String> = widths.iter().map(|&wd| "-".repeat(wd)).collect();
            writeln!(w, "  {}", rule.join("  "))?;
        }
    }
    Ok(())
}

/// `x` with `decimals` decimals, without the `-` of a value that rounds to zero (`-0.00`).
fn fixed(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}

/// Top-level vectors first (`v(out)`, `i(v1)`), then those inside subcircuit instances
/// (`v(x1.n2)`, `i(e.x1.e1)`), each group in plot order: the ones people ask about come first.
fn display_order(vectors: &[Vector]) -> Vec<&Vector> {
    let internal = |v: &Vector| v.name.contains('.');
    vectors
        .iter()
        .filter(|v| !internal(v))
        .chain(vectors.iter().filter(|v| internal(v)))
        .collect()
}

/// Every row, or (for long sweeps) `summary_rows` evenly spaced ones including first and last.
pub(crate) fn row_indices(n: usize, options: &TableOptions) -> Vec<usize> {
    if n <= options.max_rows {
        return (0..n).collect();
    }
    let k = options.summary_rows.max(2);
    let mut rows: Vec<usize> = (0..k)
        .map(|j| ((j as f64) * (n - 1) as f64 / (k - 1) as f64).round() as usize)
        .collect();
    rows.dedup();
    rows
}

/// The SI prefix of the power of ten `exp3` (a multiple of 3 in -15..=15): `-3` -> `m`,
/// `6` -> `M`; `""` for 0 and anything out of range.
pub fn si_prefix(exp3: i32) -> &'static str {
    match exp3 {
        -15 => "f",
        -12 => "p",
        -9 => "n",
        -6 => "u",
        -3 => "m",
        3 => "k",
        6 => "M",
        9 => "G",
        12 => "T",
        15 => "P",
        _ => "",
    }
}

/// Engineering notation with 3 decimals and an SI prefix: `500.000 mV`, `-5.000 mA`,
/// `10.000 kHz`, `0.000 V`. The number is right-aligned in 8 columns so values line up.
pub fn eng(x: f64, unit: &str) -> String {
    if !x.is_finite() {
        return format!("{:>8} {unit}", x);
    }
    if x == 0.0 {
        return format!("{:>8.3} {unit}", 0.0);
    }
    if x.abs() < 0.9995e-15 {
        // Below the smallest prefix (numerical noise, usually): keep it visible as non-zero.
        return format!("{:>8} {unit}", format!("{x:.2e}"));
    }
    let mut e3 = ((x.abs().log10() / 3.0).floor() as i32 * 3).clamp(-15, 15);
    let mut mantissa = x / 10f64.powi(e3);
    // Rounding to 3 decimals can carry into the next prefix: 999.9996 -> 1.000 k.
    if (mantissa.abs() * 1000.0).round() / 1000.0 >= 1000.0 && e3 < 15 {
        e3 += 3;
        mantissa = x / 10f64.powi(e3);
    }
    let prefix = si_prefix(e3);
    format!("{mantissa:>8.3} {prefix}{unit}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_complex::Complex64;
    use solver::Unit;

    fn real(name: &str, unit: Unit, v: Vec<f64>) -> Vector {
        Vector {
            name: name.into(),
            unit,
            data: Data::Real(v),
        }
    }

    fn render(plot: &Plot) -> String {
        let mut out = Vec::new();
        write_plot(&mut out, plot, &TableOptions::default()).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn engineering_notation() {
        assert_eq!(eng(0.5, "V"), " 500.000 mV");
        assert_eq!(eng(5.0, "V"), "   5.000 V");
        assert_eq!(eng(-5e-3, "A"), "  -5.000 mA");
        assert_eq!(eng(100e3, "Hz"), " 100.000 kHz");
        assert_eq!(eng(0.0, "V"), "   0.000 V");
        assert_eq!(eng(999.9996, "V"), "   1.000 kV");
        assert_eq!(eng(1e-15, "A"), "   1.000 fA");
        assert_eq!(eng(-3e-19, "V"), "-3.00e-19 V");
        assert_eq!(eng(f64::NAN, "V"), "     NaN V");
    }

    #[test]
    fn op_list() {
        let plot = Plot {
            name: "Operating Point".into(),
            scale: None,
            vectors: vec![
                real("v(in)", Unit::Voltage, vec![10.0]),
                real("v(out)", Unit::Voltage, vec![0.5]),
                real("i(v1)", Unit::Current, vec![-5e-3]),
            ],
        };
        assert_eq!(
            render(&plot),
            "Operating Point\n  v(in)     10.000 V\n  v(out)   500.000 mV\n  i(v1)     -5.000 mA\n"
        );
    }

    #[test]
    fn dc_table() {
        let plot = Plot {
            name: "DC transfer characteristic".into(),
            scale: Some(real("v(v-sweep)", Unit::Voltage, vec![0.0, 1.0])),
            vectors: vec![real("v(out)", Unit::Voltage, vec![0.0, 0.5])],
        };
        assert_eq!(
            render(&plot),
            "DC transfer characteristic (2 points)\n\
             \x20 v(v-sweep)       v(out)\n\
             \x20 ----------  -----------\n\
             \x20    0.000 V      0.000 V\n\
             \x20    1.000 V   500.000 mV\n"
        );
    }

    #[test]
    fn long_ac_sweep_is_summarised_and_wide_plots_capped() {
        let n = 51;
        let f: Vec<f64> = (0..n).map(|i| 10f64.powf(1.0 + i as f64 / 10.0)).collect();
        let vectors = (0..6)
            .map(|k| Vector {
                name: format!("v(n{k})"),
                unit: Unit::Voltage,
                data: Data::Complex(vec![Complex64::new(0.0, 0.1); n]),
            })
            .collect();
        let plot = Plot {
            name: "AC Analysis".into(),
            scale: Some(real("frequency", Unit::Frequency, f)),
            vectors,
        };
        let text = render(&plot);
        assert!(
            text.contains("51 points, 9 shown; use --csv/--raw for all"),
            "{text}"
        );
        assert!(
            text.contains("2 more vectors not shown (v(n4), v(n5))"),
            "{text}"
        );
        assert!(
            text.contains("v(n3) dB") && !text.contains("v(n4) dB"),
            "{text}"
        );
        // 0.1j: -20 dB, +90 degrees; first and last frequency shown.
        assert!(text.contains("-20.000") && text.contains("90.00"), "{text}");
        assert!(
            text.contains("10.000 Hz") && text.contains("1.000 MHz"),
            "{text}"
        );
        // header, rule, 9 rows
        assert_eq!(text.lines().filter(|l| l.contains("Hz")).count(), 9);
    }
}
