//! CSV output: one file per plot, for spreadsheets and scripts.
//!
//! [`write_dir`] writes every plot into a directory, named by analysis kind and its index among
//! plots of that kind: `op.csv` (or `op1.csv`, `op2.csv`, ... when there are several), `dc1.csv`,
//! `ac1.csv`, `ac2.csv`, `tran1.csv`. With `.step`, each run's files carry `_stepN` (N from 1,
//! in `.step` order: `ac1_step3.csv`) and `meas.csv` maps each N to its parameter values (and
//! the `.meas` results, which it also holds without `.step`).
//!
//! Layout of one file ([`write_plot`]):
//! - The first row is the header: the scale's name (`frequency`, `v(v-sweep)`, `time`; no scale
//!   column for `.op`), then the vectors' names in plot order.
//! - Then one row per point. An `.op` file has a single row.
//! - A real vector is one column, `v(out)`, in SI units (V, A).
//! - A complex (AC) vector is four columns: `v(out).re`, `v(out).im` (the exact result), then
//!   `v(out).mag_db` (`20*log10|v|`, dB re 1 V or 1 A) and `v(out).phase_deg` (degrees in
//!   (-180, 180]), which is what one plots as a Bode diagram without writing formulas.
//! - Numbers are written with full precision (shortest text that reads back to the same `f64`),
//!   in exponent form for very small or large magnitudes (`1.5e-9`); `NaN`, `inf`, `-inf` as is.
//! - Separator `,`, line end `\n`. Names are quoted only if they contain `,` or `"`.

use super::{mag_db, phase_deg};
use solver::{Data, Plot};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// File names for `plots`, in order (see the module doc for the scheme): each plot's key
/// ([`super::plot_keys`]) with `.csv`.
pub fn file_names(plots: &[Plot]) -> Vec<String> {
    super::plot_keys(plots)
        .into_iter()
        .map(|k| format!("{k}.csv"))
        .collect()
}

/// Writes one CSV file per plot into `dir` (created if missing). Returns the paths written.
pub fn write_dir(dir: &Path, plots: &[Plot]) -> io::Result<Vec<PathBuf>> {
    write_dir_suffixed(dir, plots, "")
}

/// [`write_dir`] with `suffix` before `.csv` (`ac1_step2.csv` for the second `.step` run).
pub fn write_dir_suffixed(dir: &Path, plots: &[Plot], suffix: &str) -> io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    for (plot, name) in plots.iter().zip(file_names(plots)) {
        let name = match name.strip_suffix(".csv") {
            Some(stem) => format!("{stem}{suffix}.csv"),
            None => name,
        };
        let path = dir.join(name);
        super::atomic::write_file(&path, |w| write_plot(w, plot))?;
        written.push(path);
    }
    Ok(written)
}

/// Writes one plot as CSV (header row, then one row per point).
pub fn write_plot(w: &mut impl Write, plot: &Plot) -> io::Result<()> {
    let mut header: Vec<String> = Vec::new();
    if let Some(s) = &plot.scale {
        header.push(quote(&s.name));
    }
    for v in &plot.vectors {
        match v.data {
            Data::Real(_) => header.push(quote(&v.name)),
            Data::Complex(_) => {
                for suffix in ["re", "im", "mag_db", "phase_deg"] {
                    header.push(quote(&format!("{}.{suffix}", v.name)));
                }
            }
        }
    }
    writeln!(w, "{}", header.join(","))?;
    for i in 0..plot.len() {
        let mut row: Vec<String> = Vec::with_capacity(header.len());
        if let Some(s) = &plot.scale {
            row.push(number(s.data.at(i).re));
        }
        for v in &plot.vectors {
            let value = if i < v.data.len() {
                v.data.at(i)
            } else {
                f64::NAN.into()
            };
            match v.data {
                Data::Real(_) => row.push(number(value.re)),
                Data::Complex(_) => {
                    row.push(number(value.re));
                    row.push(number(value.im));
                    row.push(number(mag_db(value)));
                    row.push(number(phase_deg(value)));
                }
            }
        }
        writeln!(w, "{}", row.join(","))?;
    }
    Ok(())
}

/// Full-precision number text a spreadsheet reads: plain decimal for 1e-4 <= |x| < 1e15,
/// exponent form otherwise.
pub fn number(x: f64) -> String {
    if x.is_nan() {
        "NaN".to_string()
    } else if x.is_infinite() {
        if x > 0.0 { "inf" } else { "-inf" }.to_string()
    } else if x == 0.0 || (1e-4..1e15).contains(&x.abs()) {
        format!("{x}")
    } else {
        format!("{x:e}")
    }
}

pub(crate) fn quote(name: &str) -> String {
    if name.contains([',', '"', '\n']) {
        format!("\"{}\"", name.replace('"', "\"\""))
    } else {
        name.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_complex::Complex64;
    use solver::{Unit, Vector};

    fn op() -> Plot {
        Plot {
            name: "Operating Point".into(),
            scale: None,
            vectors: vec![
                Vector {
                    name: "v(out)".into(),
                    unit: Unit::Voltage,
                    data: Data::Real(vec![5.0]),
                },
                Vector {
                    name: "i(v1)".into(),
                    unit: Unit::Current,
                    data: Data::Real(vec![-5e-3]),
                },
            ],
        }
    }

    fn ac() -> Plot {
        Plot {
            name: "AC Analysis".into(),
            scale: Some(Vector {
                name: "frequency".into(),
                unit: Unit::Frequency,
                data: Data::Real(vec![10.0, 100.0]),
            }),
            vectors: vec![Vector {
                name: "v(out)".into(),
                unit: Unit::Voltage,
                data: Data::Complex(vec![Complex64::new(0.5, 0.0), Complex64::new(0.0, -0.1)]),
            }],
        }
    }

    #[test]
    fn op_file() {
        let mut out = Vec::new();
        write_plot(&mut out, &op()).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "v(out),i(v1)\n5,-0.005\n");
    }

    #[test]
    fn ac_file_has_re_im_db_phase() {
        let mut out = Vec::new();
        write_plot(&mut out, &ac()).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "frequency,v(out).re,v(out).im,v(out).mag_db,v(out).phase_deg"
        );
        // |0.5| = -6.0206 dB, phase 0; -0.1j = -20 dB, -90 degrees.
        let row1: Vec<f64> = lines[1].split(',').map(|s| s.parse().unwrap()).collect();
        assert_eq!(row1[..3], [10.0, 0.5, 0.0]);
        assert!((row1[3] - 20.0 * 0.5f64.log10()).abs() < 1e-12);
        let row2: Vec<f64> = lines[2].split(',').map(|s| s.parse().unwrap()).collect();
        assert!((row2[3] + 20.0).abs() < 1e-12 && (row2[4] + 90.0).abs() < 1e-12);
    }

    #[test]
    fn names_by_kind() {
        assert_eq!(
            file_names(&[op(), ac(), ac()]),
            ["op.csv", "ac1.csv", "ac2.csv"]
        );
        assert_eq!(file_names(&[op(), op()]), ["op1.csv", "op2.csv"]);
    }

    #[test]
    fn numbers_read_back_exactly() {
        for x in [1.0 / 3.0, 1e-300, 6.02e23, -0.0, 123.456] {
            assert_eq!(number(x).parse::<f64>().unwrap(), x);
        }
        assert_eq!(number(1.5e-9), "1.5e-9");
        assert_eq!(number(0.25), "0.25");
    }
}
