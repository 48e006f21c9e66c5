//! ngspice raw files (ASCII): writing balun's plots and reading ngspice's.
//!
//! The layout is exactly what ngspice 39 writes with `SPICE_ASCIIRAWFILE=1 ngspice -b -r out.raw`:
//!
//! ```text
//! Title: divider test
//! Date: Tue Nov 24 21:09:46  2026
//! Plotname: AC Analysis
//! Flags: complex
//! No. Variables: 3
//! No. Points: 2       
//! Variables:
//! \t0\tfrequency\tfrequency\tgrid=3
//! \t1\tv(out)\tvoltage
//! \t2\ti(v1)\tcurrent
//! Values:
//! 0\t\t1.000000000000000e+01,0.000000000000000e+00
//! \t4.995070063451801e-01,-1.569247541550648e-02
//! \t-5.004929936548198e-04,-1.569247541550648e-05
//! 1\t\t...
//! ```
//!
//! One such section per plot, concatenated. Values use C's `%.15e`; complex values are `re,im`.
//! The scale (sweep variable) is variable 0; an `Operating Point` plot has no scale and its first
//! vector is variable 0. `No. Points:` is left-justified in 8 columns (ngspice reserves the room
//! to rewrite the count when the run ends). `grid=3` (ngspice's `GRID_XLOG`) marks a frequency
//! scale swept by decade or octave. ngspice writes garbage as the imaginary part of the
//! frequency; balun writes 0, and the reader ignores it (the scale of a complex plot is read as
//! real data).
//!
//! The reader also skips header lines it does not use (`Command:`, `Option:`), accepts extra
//! `Flags:` words (`padded`) and extra fields after a variable's type (`grid=3`, `dims=...`).
//! It does not read binary raw files.

use solver::{Data, Plot, Unit, Vector};
use std::io::{self, Write};

use num_complex::Complex64;

/// Writes `plots` as one ngspice ASCII raw file (one section per plot, in order).
///
/// The date is the current UTC time in ngspice's format; a frequency scale gets `grid=3` when its
/// points look log-spaced (see [`write_ascii_with`] to say so exactly).
pub fn write_ascii(w: &mut impl Write, title: &str, plots: &[Plot]) -> io::Result<()> {
    write_ascii_with(w, title, plots, &WriteOptions::default())
}

/// Options for [`write_ascii_with`].
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    /// The `Date:` text; `None` means now (UTC), as `Tue Nov 24 21:09:46  2026`.
    pub date: Option<String>,
    /// Per plot (same order as the plots): whether its scale is a log (dec/oct) sweep, which
    /// ngspice marks `grid=3`. `None`, or a missing entry, means: guess from the scale values.
    pub log_scale: Option<Vec<bool>>,
}

/// Writes `plots` as an ngspice ASCII raw file with explicit [`WriteOptions`].
pub fn write_ascii_with(
    w: &mut impl Write,
    title: &str,
    plots: &[Plot],
    options: &WriteOptions,
) -> io::Result<()> {
    let date = options.date.clone().unwrap_or_else(ngspice_date_now);
    for (index, plot) in plots.iter().enumerate() {
        let log_hint = options
            .log_scale
            .as_ref()
            .and_then(|v| v.get(index).copied());
        write_plot(w, title, &date, plot, log_hint)?;
    }
    Ok(())
}

fn write_plot(
    w: &mut impl Write,
    title: &str,
    date: &str,
    plot: &Plot,
    log_hint: Option<bool>,
) -> io::Result<()> {
    let columns: Vec<&Vector> = plot.scale.iter().chain(plot.vectors.iter()).collect();
    let complex = plot.is_complex();
    let points = plot.len();
    writeln!(w, "Title: {title}")?;
    writeln!(w, "Date: {date}")?;
    writeln!(w, "Plotname: {}", plot.name)?;
    writeln!(w, "Flags: {}", if complex { "complex" } else { "real" })?;
    writeln!(w, "No. Variables: {}", columns.len())?;
    writeln!(w, "No. Points: {points:<8}")?;
    writeln!(w, "Variables:")?;
    for (i, v) in columns.iter().enumerate() {
        write!(w, "\t{i}\t{}\t{}", v.name, v.unit.raw_name())?;
        let is_scale = i == 0 && plot.scale.is_some();
        if is_scale
            && v.unit == Unit::Frequency
            && log_hint.unwrap_or_else(|| looks_log_spaced(&v.data))
        {
            write!(w, "\tgrid=3")?;
        }
        writeln!(w)?;
    }
    writeln!(w, "Values:")?;
    for p in 0..points {
        for (i, v) in columns.iter().enumerate() {
            if i == 0 {
                write!(w, "{p}\t")?;
            }
            // A vector shorter than the scale is an internal error of the producer; write 0
            // rather than panic so the file stays readable.
            let value = if p < v.data.len() {
                v.data.at(p)
            } else {
                Complex64::new(0.0, 0.0)
            };
            if complex {
                writeln!(w, "\t{},{}", fmt_c_e15(value.re), fmt_c_e15(value.im))?;
            } else {
                writeln!(w, "\t{}", fmt_c_e15(value.re))?;
            }
        }
    }
    Ok(())
}

/// ngspice marks dec/oct frequency sweeps `grid=3`. Without a hint: a sweep of 2 or more
/// positive points that is not evenly spaced, or of exactly 2 points (ambiguous: `.ac dec` is
/// far more common than `.ac lin 2`).
fn looks_log_spaced(data: &Data) -> bool {
    let xs: Vec<f64> = (0..data.len()).map(|i| data.at(i).re).collect();
    match xs.len() {
        0 | 1 => false,
        2 => xs[0] > 0.0,
        _ => {
            let d0 = xs[1] - xs[0];
            let linear = xs
                .windows(2)
                .all(|p| ((p[1] - p[0]) - d0).abs() <= 1e-9 * d0.abs().max(f64::MIN_POSITIVE));
            !linear && xs.iter().all(|&x| x > 0.0)
        }
    }
}

/// Formats like C's `printf("%.15e", x)`: `1.000000000000000e+01`, `-5.000000000000000e-04`,
/// `nan`, `inf`, `-inf`.
pub fn fmt_c_e15(x: f64) -> String {
    if x.is_nan() {
        return if x.is_sign_negative() { "-nan" } else { "nan" }.to_string();
    }
    if x.is_infinite() {
        return if x < 0.0 { "-inf" } else { "inf" }.to_string();
    }
    let s = format!("{x:.15e}");
    // Rust writes `1.000000000000000e1` / `e-4`; C writes at least two exponent digits and a sign.
    let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", exp.unsigned_abs())
}

/// The current time in ngspice's `Date:` format (`asctime` with the year separated by two
/// spaces: `Tue Nov 24 21:09:46  2026`), in UTC.
pub fn ngspice_date_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    ngspice_date(secs)
}

/// `secs` since the Unix epoch (UTC) in ngspice's `Date:` format.
pub fn ngspice_date(secs: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{} {} {:2} {:02}:{:02}:{:02}  {}",
        DAYS[days.rem_euclid(7) as usize],
        MONTHS[(m - 1) as usize],
        d,
        sod / 3600,
        sod % 3600 / 60,
        sod % 60,
        y
    )
}

/// Days since 1970-01-01 to (year, month 1-12, day 1-31); Howard Hinnant's `civil_from_days`.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// A malformed raw file: what was expected, and the 1-based line.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("raw file line {line}: {message}")]
pub struct RawError {
    pub line: usize,
    pub message: String,
}

/// Reads every plot of an ngspice ASCII raw file (as written by `ngspice -b -r` with
/// `SPICE_ASCIIRAWFILE=1`, or by [`write_ascii`]).
///
/// Every plot except `Operating Point` takes variable 0 as its scale. Units come from the type
/// word (`voltage`, `current`, `frequency`, `time`). In a `complex` plot the data vectors are
/// complex and the scale is real (its imaginary part is dropped).
pub fn read_ascii(text: &str) -> Result<Vec<Plot>, RawError> {
    let mut lines = Lines::new(text);
    let mut plots = Vec::new();
    loop {
        // Skip blank lines between plots.
        while lines.peek().is_some_and(|l| l.trim().is_empty()) {
            lines.next();
        }
        if lines.peek().is_none() {
            break;
        }
        plots.push(read_plot(&mut lines)?);
    }
    Ok(plots)
}

struct Lines<'a> {
    iter: std::iter::Peekable<std::str::Lines<'a>>,
    /// 1-based number of the last line returned by `next`.
    line: usize,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        Lines {
            iter: text.lines().peekable(),
            line: 0,
        }
    }
    fn peek(&mut self) -> Option<&'a str> {
        self.iter.peek().copied()
    }
    fn next(&mut self) -> Option<&'a str> {
        let l = self.iter.next();
        if l.is_some() {
            self.line += 1;
        }
        l
    }
    fn err(&self, line: usize, message: impl Into<String>) -> RawError {
        RawError {
            line,
            message: message.into(),
        }
    }
    /// The next line, or an error at end of file saying what was expected.
    fn expect(&mut self, what: &str) -> Result<&'a str, RawError> {
        match self.next() {
            Some(l) => Ok(l),
            None => Err(self.err(
                self.line + 1,
                format!("unexpected end of file, expected {what}"),
            )),
        }
    }
}

struct Header {
    name: Option<String>,
    complex: bool,
    n_vars: Option<usize>,
    n_points: Option<usize>,
}

fn read_plot(lines: &mut Lines) -> Result<Plot, RawError> {
    let mut h = Header {
        name: None,
        complex: false,
        n_vars: None,
        n_points: None,
    };
    // Header: `Key: value` lines up to `Variables:`.
    loop {
        let line = lines.expect("a header line or 'Variables:'")?;
        let ln = lines.line;
        let Some((key, value)) = line.split_once(':') else {
            return Err(lines.err(
                ln,
                format!(
                    "expected a header line 'Key: value', found '{}'",
                    line.trim()
                ),
            ));
        };
        let value = value.trim();
        match key.trim() {
            "Title" | "Date" | "Command" | "Option" | "Options" => {}
            "Plotname" => h.name = Some(value.to_string()),
            "Flags" => {
                for flag in value.split_whitespace() {
                    match flag {
                        "complex" => h.complex = true,
                        "real" => h.complex = false,
                        _ => {}
                    }
                }
            }
            "No. Variables" => h.n_vars = Some(parse_count(lines, ln, value, "No. Variables")?),
            "No. Points" => h.n_points = Some(parse_count(lines, ln, value, "No. Points")?),
            "Variables" => break,
            "Values" | "Binary" => {
                return Err(lines.err(ln, "expected 'Variables:' before the values"));
            }
            other => {
                return Err(lines.err(
                    ln,
                    format!("unknown header '{other}:', expected Title, Date, Plotname, Flags, No. Variables, No. Points or Variables"),
                ))
            }
        }
    }
    let name = h
        .name
        .ok_or_else(|| lines.err(lines.line, "missing 'Plotname:' before 'Variables:'"))?;
    let n_vars = h
        .n_vars
        .ok_or_else(|| lines.err(lines.line, "missing 'No. Variables:' before 'Variables:'"))?;
    let n_points = h
        .n_points
        .ok_or_else(|| lines.err(lines.line, "missing 'No. Points:' before 'Variables:'"))?;

    // Variables: `\tindex\tname\ttype[\textra...]`.
    let mut vars: Vec<(String, Unit)> = Vec::with_capacity(n_vars);
    for i in 0..n_vars {
        let line = lines.expect(&format!("variable {i} of {n_vars}"))?;
        let ln = lines.line;
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.len() < 3 {
            return Err(lines.err(
                ln,
                format!(
                    "expected variable '{i}<TAB>name<TAB>type', found '{}'",
                    line.trim()
                ),
            ));
        }
        if fields[0].parse::<usize>().ok() != Some(i) {
            return Err(lines.err(
                ln,
                format!("expected variable index {i}, found '{}'", fields[0]),
            ));
        }
        let unit = parse_unit(fields[2]).ok_or_else(|| {
            lines.err(
                ln,
                format!(
                    "unknown variable type '{}' (expected voltage, current, frequency or time)",
                    fields[2]
                ),
            )
        })?;
        vars.push((fields[1].to_string(), unit));
    }
    let line = lines.expect("'Values:'")?;
    match line.trim() {
        "Values:" => {}
        "Binary:" => {
            return Err(lines.err(
                lines.line,
                "binary raw files are not supported: write ASCII (SPICE_ASCIIRAWFILE=1)",
            ))
        }
        other => {
            return Err(lines.err(
                lines.line,
                format!("expected 'Values:' after {n_vars} variables, found '{other}'"),
            ))
        }
    }

    // Values: per point, `index\t\tvalue` then `\tvalue` for each other variable.
    let mut columns: Vec<Vec<Complex64>> = vec![Vec::with_capacity(n_points); n_vars];
    for p in 0..n_points {
        for (i, column) in columns.iter_mut().enumerate() {
            let what = format!("value of variable {i} at point {p}");
            let line = lines.expect(&what)?;
            let ln = lines.line;
            let mut fields = line.split_whitespace();
            if i == 0 {
                let idx = fields.next();
                if idx.and_then(|s| s.parse::<usize>().ok()) != Some(p) {
                    return Err(lines.err(
                        ln,
                        format!(
                            "expected point index {p} then a value, found '{}'",
                            line.trim()
                        ),
                    ));
                }
            }
            let (Some(field), None) = (fields.next(), fields.next()) else {
                return Err(lines.err(ln, format!("expected one {what}, found '{}'", line.trim())));
            };
            let value = parse_value(field, h.complex).ok_or_else(|| {
                lines.err(
                    ln,
                    format!(
                        "expected a {} number for {what}, found '{field}'",
                        if h.complex { "complex 're,im'" } else { "real" }
                    ),
                )
            })?;
            column.push(value);
        }
    }

    let mut vectors: Vec<Vector> = vars
        .into_iter()
        .zip(columns)
        .map(|((name, unit), values)| Vector {
            name,
            unit,
            data: if h.complex {
                Data::Complex(values)
            } else {
                Data::Real(values.into_iter().map(|c| c.re).collect())
            },
        })
        .collect();
    let scale = if name == "Operating Point" || vectors.is_empty() {
        None
    } else {
        let mut s = vectors.remove(0);
        if let Data::Complex(values) = &s.data {
            s.data = Data::Real(values.iter().map(|c| c.re).collect());
        }
        Some(s)
    };
    Ok(Plot {
        name,
        scale,
        vectors,
    })
}

fn parse_count(lines: &Lines, ln: usize, value: &str, key: &str) -> Result<usize, RawError> {
    value.trim().parse::<usize>().map_err(|_| {
        lines.err(
            ln,
            format!("expected a whole number after '{key}:', found '{value}'"),
        )
    })
}

fn parse_unit(word: &str) -> Option<Unit> {
    Some(match word {
        "voltage" => Unit::Voltage,
        "current" => Unit::Current,
        "frequency" => Unit::Frequency,
        "time" => Unit::Time,
        _ => return None,
    })
}

fn parse_f64(s: &str) -> Option<f64> {
    match s {
        "nan" | "-nan" | "NaN" => Some(f64::NAN),
        _ => s.parse().ok(),
    }
}

fn parse_value(field: &str, complex: bool) -> Option<Complex64> {
    if complex {
        let (re, im) = field.split_once(',')?;
        Some(Complex64::new(parse_f64(re)?, parse_f64(im)?))
    } else {
        Some(Complex64::new(parse_f64(field)?, 0.0))
    }
}

#[cfg(test)]
// The expected values are copied digit for digit from ngspice's file.
#[allow(clippy::excessive_precision)]
mod tests {
    use super::*;

    /// `SPICE_ASCIIRAWFILE=1 ngspice -b -r div.raw div.net` with ngspice 39 on
    /// ```text
    /// divider test
    /// V1 in 0 DC 10 AC 1
    /// R1 in out 1k
    /// R2 out 0 1k
    /// C1 out 0 1u
    /// .op
    /// .dc V1 0 2 1
    /// .ac dec 2 10 100
    /// .end
    /// ```
    /// (the frequency's imaginary part, `1.100511613914930e+45`, is ngspice's garbage; note
    /// ngspice writes the AC plot first whatever the netlist order).
    const NGSPICE_DIVIDER: &str = "Title: divider test
Date: Tue Nov 24 21:09:46  2026
Plotname: AC Analysis
Flags: complex
No. Variables: 4
No. Points: 3       
Variables:
\t0\tfrequency\tfrequency\tgrid=3
\t1\tv(in)\tvoltage
\t2\tv(out)\tvoltage
\t3\ti(v1)\tcurrent
Values:
0\t\t1.000000000000000e+01,1.100511613914930e+45
\t1.000000000000000e+00,0.000000000000000e+00
\t4.995070063451801e-01,-1.569247541550648e-02
\t-5.004929936548198e-04,-1.569247541550648e-05
1\t\t3.162277660168380e+01,1.100511613914930e+45
\t1.000000000000000e+00,0.000000000000000e+00
\t4.951134263482747e-01,-4.918748035637671e-02
\t-5.048865736517254e-04,-4.918748035637671e-05
2\t\t1.000000000000000e+02,1.100511613914930e+45
\t1.000000000000000e+00,0.000000000000000e+00
\t4.550849188231377e-01,-1.429691437734277e-01
\t-5.449150811768623e-04,-1.429691437734277e-04
Title: divider test
Date: Tue Nov 24 21:09:46  2026
Plotname: DC transfer characteristic
Flags: real
No. Variables: 4
No. Points: 3       
Variables:
\t0\tv(v-sweep)\tvoltage
\t1\tv(in)\tvoltage
\t2\tv(out)\tvoltage
\t3\ti(v1)\tcurrent
Values:
0\t\t0.000000000000000e+00
\t0.000000000000000e+00
\t0.000000000000000e+00
\t0.000000000000000e+00
1\t\t1.000000000000000e+00
\t1.000000000000000e+00
\t5.000000000000000e-01
\t-5.000000000000000e-04
2\t\t2.000000000000000e+00
\t2.000000000000000e+00
\t1.000000000000000e+00
\t-1.000000000000000e-03
Title: divider test
Date: Tue Nov 24 21:09:46  2026
Plotname: Operating Point
Flags: real
No. Variables: 3
No. Points: 1       
Variables:
\t0\tv(in)\tvoltage
\t1\tv(out)\tvoltage
\t2\ti(v1)\tcurrent
Values:
0\t\t1.000000000000000e+01
\t5.000000000000000e+00
\t-5.000000000000000e-03
";

    fn real(name: &str, unit: Unit, v: &[f64]) -> Vector {
        Vector {
            name: name.into(),
            unit,
            data: Data::Real(v.to_vec()),
        }
    }

    fn complex(name: &str, unit: Unit, v: &[(f64, f64)]) -> Vector {
        Vector {
            name: name.into(),
            unit,
            data: Data::Complex(v.iter().map(|&(r, i)| Complex64::new(r, i)).collect()),
        }
    }

    /// The three plots of [`NGSPICE_DIVIDER`], built by hand (frequency imaginary part dropped).
    fn divider_plots() -> Vec<Plot> {
        vec![
            Plot {
                name: "AC Analysis".into(),
                scale: Some(real(
                    "frequency",
                    Unit::Frequency,
                    &[1.0e1, 3.162277660168380e1, 1.0e2],
                )),
                vectors: vec![
                    complex("v(in)", Unit::Voltage, &[(1.0, 0.0); 3]),
                    complex(
                        "v(out)",
                        Unit::Voltage,
                        &[
                            (4.995070063451801e-01, -1.569247541550648e-02),
                            (4.951134263482747e-01, -4.918748035637671e-02),
                            (4.550849188231377e-01, -1.429691437734277e-01),
                        ],
                    ),
                    complex(
                        "i(v1)",
                        Unit::Current,
                        &[
                            (-5.004929936548198e-04, -1.569247541550648e-05),
                            (-5.048865736517254e-04, -4.918748035637671e-05),
                            (-5.449150811768623e-04, -1.429691437734277e-04),
                        ],
                    ),
                ],
            },
            Plot {
                name: "DC transfer characteristic".into(),
                scale: Some(real("v(v-sweep)", Unit::Voltage, &[0.0, 1.0, 2.0])),
                vectors: vec![
                    real("v(in)", Unit::Voltage, &[0.0, 1.0, 2.0]),
                    real("v(out)", Unit::Voltage, &[0.0, 0.5, 1.0]),
                    real("i(v1)", Unit::Current, &[0.0, -5e-4, -1e-3]),
                ],
            },
            Plot {
                name: "Operating Point".into(),
                scale: None,
                vectors: vec![
                    real("v(in)", Unit::Voltage, &[10.0]),
                    real("v(out)", Unit::Voltage, &[5.0]),
                    real("i(v1)", Unit::Current, &[-5e-3]),
                ],
            },
        ]
    }

    #[test]
    fn reads_real_ngspice_file() {
        let plots = read_ascii(NGSPICE_DIVIDER).unwrap();
        assert_eq!(plots, divider_plots());
    }

    #[test]
    fn writes_what_ngspice_writes() {
        // Byte for byte, except the frequency's garbage imaginary part, which balun writes as 0.
        let mut out = Vec::new();
        let options = WriteOptions {
            date: Some("Tue Nov 24 21:09:46  2026".into()),
            log_scale: None,
        };
        write_ascii_with(&mut out, "divider test", &divider_plots(), &options).unwrap();
        let expected = NGSPICE_DIVIDER.replace("1.100511613914930e+45", "0.000000000000000e+00");
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }

    #[test]
    fn round_trip() {
        let plots = vec![
            Plot {
                name: "Operating Point".into(),
                scale: None,
                vectors: vec![
                    real("v(a)", Unit::Voltage, &[1.0 / 3.0]),
                    real("i(v1)", Unit::Current, &[-1.234_567_890_123_456_7e-300]),
                ],
            },
            Plot {
                name: "AC Analysis".into(),
                scale: Some(real("frequency", Unit::Frequency, &[1.0, 2.0, 3.0])),
                vectors: vec![complex(
                    "v(a)",
                    Unit::Voltage,
                    &[(1.0, -0.0), (1.234e300, f64::MIN_POSITIVE), (-2.5e17, 7.0)],
                )],
            },
            Plot {
                name: "Transient Analysis".into(),
                scale: Some(real("time", Unit::Time, &[0.0, 1e-6])),
                vectors: vec![real("v(x1.n2)", Unit::Voltage, &[0.1, 0.2])],
            },
        ];
        let mut out = Vec::new();
        write_ascii(&mut out, "round trip", &plots).unwrap();
        let text = String::from_utf8(out).unwrap();
        // %.15e keeps 16 significant digits: not always exact, so compare to 1e-15 relative.
        let back = read_ascii(&text).unwrap();
        assert_eq!(back.len(), plots.len());
        for (a, b) in plots.iter().zip(&back) {
            assert_eq!(a.name, b.name);
            let va: Vec<&Vector> = a.scale.iter().chain(&a.vectors).collect();
            let vb: Vec<&Vector> = b.scale.iter().chain(&b.vectors).collect();
            assert_eq!(va.len(), vb.len());
            assert_eq!(a.scale.is_some(), b.scale.is_some());
            for (x, y) in va.iter().zip(&vb) {
                assert_eq!(x.name, y.name);
                assert_eq!(x.unit, y.unit);
                assert_eq!(x.data.len(), y.data.len());
                assert_eq!(
                    matches!(x.data, Data::Complex(_)),
                    matches!(y.data, Data::Complex(_))
                );
                for i in 0..x.data.len() {
                    let (p, q) = (x.data.at(i), y.data.at(i));
                    assert!((p - q).norm() <= 1e-15 * p.norm(), "{p} vs {q}");
                }
            }
        }
        // Written again, the text is identical (the date aside).
        let mut again = Vec::new();
        write_ascii(&mut again, "round trip", &back).unwrap();
        let strip = |s: &str| {
            s.lines()
                .filter(|l| !l.starts_with("Date:"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(strip(&text), strip(&String::from_utf8(again).unwrap()));
    }

    #[test]
    fn c_float_format() {
        assert_eq!(fmt_c_e15(10.0), "1.000000000000000e+01");
        assert_eq!(fmt_c_e15(-5e-4), "-5.000000000000000e-04");
        assert_eq!(fmt_c_e15(0.0), "0.000000000000000e+00");
        assert_eq!(fmt_c_e15(-0.0), "-0.000000000000000e+00");
        assert_eq!(fmt_c_e15(1e300), "1.000000000000000e+300");
        assert_eq!(fmt_c_e15(f64::NAN), "nan");
        assert_eq!(fmt_c_e15(f64::NEG_INFINITY), "-inf");
    }

    #[test]
    fn date_format() {
        // 2026-11-24 21:09:46 UTC was a Tuesday.
        assert_eq!(ngspice_date(1_795_554_586), "Tue Nov 24 21:09:46  2026");
        assert_eq!(ngspice_date(0), "Thu Jan  1 00:00:00  1970");
    }

    #[test]
    fn grid_guess() {
        let dec = Data::Real(vec![10.0, 31.6, 100.0]);
        let lin = Data::Real(vec![10.0, 20.0, 30.0]);
        assert!(looks_log_spaced(&dec));
        assert!(!looks_log_spaced(&lin));
        assert!(!looks_log_spaced(&Data::Real(vec![10.0])));
    }

    fn err_of(text: &str) -> RawError {
        read_ascii(text).unwrap_err()
    }

    #[test]
    fn malformed_files_say_where_and_what() {
        let truncated: String = NGSPICE_DIVIDER
            .lines()
            .take(14)
            .collect::<Vec<_>>()
            .join("\n");
        let e = err_of(&truncated);
        assert_eq!(e.line, 15);
        assert!(e.message.contains("end of file"), "{e}");

        let bad_number = NGSPICE_DIVIDER.replacen("4.995070063451801e-01", "4.99x", 1);
        let e = err_of(&bad_number);
        assert_eq!(e.line, 15);
        assert!(e.message.contains("4.99x"), "{e}");

        let bad_type = NGSPICE_DIVIDER.replacen("v(in)\tvoltage", "v(in)\tcharge", 1);
        let e = err_of(&bad_type);
        assert_eq!(e.line, 9);
        assert!(e.message.contains("charge"), "{e}");

        let bad_index = NGSPICE_DIVIDER.replacen("1\t\t3.16", "7\t\t3.16", 1);
        assert_eq!(err_of(&bad_index).line, 17);

        let e = err_of("garbage\n");
        assert_eq!(e.line, 1);
        let e = err_of("Title: x\nVariables:\n");
        assert_eq!(e.line, 2);
        assert!(e.message.contains("Plotname"), "{e}");
        assert_eq!(e.to_string(), format!("raw file line 2: {}", e.message));
    }
}
