//! Plots of analysis results as SVG or PNG files (`balun run --plot`, `balun show --plot`).
//!
//! What each analysis becomes:
//! - `.ac`: a Bode plot, two stacked panels sharing a frequency axis: magnitude in dB
//!   (`20*log10|v|`, re 1 V or 1 A) above, phase in degrees (unwrapped, so a curve that crosses
//!   +-180 degrees stays continuous) below. The frequency axis is logarithmic when the sweep spans
//!   more than a factor of 20 and starts above 0 Hz, linear otherwise.
//! - `.tran`: waveforms against time; `.dc`: transfer curves against the swept source's value
//!   (a nested sweep draws one curve per value of the outer source). Voltages and currents get
//!   a panel each when both are drawn.
//! - `.op` has a single point and nothing to plot: it is skipped, and if nothing else is left,
//!   no file is written and [`PlotReport::notes`] says so.
//!
//! Which vectors: those named in [`PlotOptions::vectors`] (case-insensitive; `out` means
//! `v(out)`), or by default the top-level node voltages (not currents, not nodes inside
//! subcircuit instances like `v(x1.n2)`, not internal nodes like `v(t1#int1)`), at most
//! [`PlotOptions::max_default_vectors`] of them, with a note naming those left out.
//!
//! Axes carry their quantity and unit, with an engineering prefix chosen from the data's range
//! (`Time (ms)`, `Voltage (mV)`); log-frequency ticks read `100`, `1k`, `10k`.
//!
//! File names: with one plottable analysis the file is written where asked. With several,
//! one file per analysis, the kind and its count inserted before the extension, as `--csv`
//! names its files: `--plot out.svg` on a deck with `.ac` and two `.dc` writes `out-ac1.svg`,
//! `out-dc1.svg` and `out-dc2.svg`.
//!
//! Text is drawn with DejaVu Sans, embedded in the binary (the `dejavu` crate) and registered
//! with plotters' `ab_glyph` font backend, so PNGs need no system fonts or fontconfig. SVGs
//! name the `sans-serif` family and leave the glyphs to the viewer.

mod curves;
mod draw;

pub use curves::{histogram_outline, write_curves, Chart, Curve};

use crate::output::{mag_db, phase_deg, plot_kind, unit_symbol};
use solver::{Plot, Unit, Vector};
use std::path::{Path, PathBuf};

/// Image format, from the output file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Svg,
    Png,
}

impl Format {
    /// The format for `path` (`.svg` or `.png`, any case), or an error naming what is supported.
    pub fn from_path(path: &Path) -> Result<Format, PlotError> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("svg") => Ok(Format::Svg),
            Some("png") => Ok(Format::Png),
            Some(other) => Err(PlotError::Format(format!(
                "cannot plot to '.{other}' files: use a name ending in .svg or .png"
            ))),
            None => Err(PlotError::Format(
                "the plot file needs an extension: .svg or .png".to_string(),
            )),
        }
    }
}

/// What to draw and how big.
#[derive(Debug, Clone)]
pub struct PlotOptions {
    /// Image size in pixels (SVG user units).
    pub width: u32,
    pub height: u32,
    /// Vectors asked for by name; empty means the default choice (see the module doc).
    pub vectors: Vec<String>,
    /// At most this many vectors are drawn by default.
    pub max_default_vectors: usize,
    /// Shown above the plot, before the analysis name (the netlist's title).
    pub title: String,
}

impl Default for PlotOptions {
    fn default() -> Self {
        PlotOptions {
            width: 1000,
            height: 700,
            vectors: Vec::new(),
            max_default_vectors: 8,
            title: String::new(),
        }
    }
}

/// Why no plot could be written.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    #[error("{0}")]
    Format(String),
    #[error("{0}")]
    Vector(String),
    #[error("cannot write {path}: {message}")]
    Draw { path: String, message: String },
}

/// What [`write`](fn@write) did: the files written and remarks for the user (vectors left out,
/// analyses skipped).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlotReport {
    pub written: Vec<PathBuf>,
    pub notes: Vec<String>,
}

/// Draws every plottable analysis of `plots` into `path` (or `path` with `-ac1` etc. inserted
/// when there are several; see the module doc).
pub fn write(path: &Path, plots: &[Plot], options: &PlotOptions) -> Result<PlotReport, PlotError> {
    let format = Format::from_path(path)?;
    let mut report = PlotReport::default();
    let drawable: Vec<&Plot> = plots
        .iter()
        .filter(|p| p.scale.is_some() && p.len() > 1)
        .collect();
    if drawable.is_empty() {
        report.notes.push(format!(
            "nothing to plot: {} has a single point; --plot draws .ac, .dc and .tran sweeps ({} not written)",
            if plots.iter().all(|p| plot_kind(p) == "op") && !plots.is_empty() {
                "an operating point (.op)"
            } else {
                "no analysis here"
            },
            path.display()
        ));
        return Ok(report);
    }
    let names = file_names(path, &drawable);
    for (plot, out) in drawable.iter().zip(names) {
        let selection = select_vectors(plot, &options.vectors, options.max_default_vectors)?;
        if selection.omitted > 0 {
            report.notes.push(format!(
                "{}: {} more vectors not drawn ({}); pick them with --vectors",
                out.display(),
                selection.omitted,
                selection.omitted_names.join(", ")
            ));
        }
        let figure = figure(plot, &selection.vectors, &options.title);
        draw::draw(&out, format, options.width, options.height, &figure).map_err(|message| {
            PlotError::Draw {
                path: out.display().to_string(),
                message,
            }
        })?;
        report.written.push(out);
    }
    Ok(report)
}

/// One plot drawn as SVG text (for notebooks), as [`write`](fn@write) draws it into a file;
/// `None` when it has a single point (`.op`).
pub fn svg(plot: &Plot, options: &PlotOptions) -> Result<Option<String>, PlotError> {
    if plot.scale.is_none() || plot.len() <= 1 {
        return Ok(None);
    }
    let selection = select_vectors(plot, &options.vectors, options.max_default_vectors)?;
    let figure = figure(plot, &selection.vectors, &options.title);
    draw::svg_string(options.width, options.height, &figure)
        .map(Some)
        .map_err(|message| PlotError::Draw {
            path: "<svg>".into(),
            message,
        })
}

/// `path` itself for one plot; `stem-ac1.ext`, `stem-dc2.ext`, ... for several.
fn file_names(path: &Path, plots: &[&Plot]) -> Vec<PathBuf> {
    if plots.len() == 1 {
        return vec![path.to_path_buf()];
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = path
        .extension()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut seen: Vec<(&str, usize)> = Vec::new();
    plots
        .iter()
        .map(|p| {
            let kind = plot_kind(p);
            let n = match seen.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, n)) => {
                    *n += 1;
                    *n
                }
                None => {
                    seen.push((kind, 1));
                    1
                }
            };
            path.with_file_name(format!("{stem}-{kind}{n}.{ext}"))
        })
        .collect()
}

/// The vectors chosen for one plot.
#[derive(Debug, Clone)]
pub struct Selection<'a> {
    pub vectors: Vec<&'a Vector>,
    /// How many default candidates were left out, and the first few of their names.
    pub omitted: usize,
    pub omitted_names: Vec<String>,
}

/// True for `v(node)` of a top-level node: not inside a subcircuit (`v(x1.n2)`), not a
/// device's internal node (`v(t1#int1)`).
pub fn is_top_level_voltage(v: &Vector) -> bool {
    v.unit == Unit::Voltage
        && v.name
            .strip_prefix("v(")
            .and_then(|s| s.strip_suffix(')'))
            .is_some_and(|node| !node.contains('.') && !node.contains('#'))
}

/// Picks the vectors to draw: the ones `requested` (an error names any that is missing and
/// lists what there is), or the default (see the module doc).
pub fn select_vectors<'a>(
    plot: &'a Plot,
    requested: &[String],
    max_default: usize,
) -> Result<Selection<'a>, PlotError> {
    if !requested.is_empty() {
        let mut vectors = Vec::new();
        for name in requested {
            let want = name.trim().to_ascii_lowercase();
            let wrapped = format!("v({want})");
            let found = plot
                .vectors
                .iter()
                .find(|v| v.name.eq_ignore_ascii_case(&want))
                .or_else(|| {
                    plot.vectors
                        .iter()
                        .find(|v| v.name.eq_ignore_ascii_case(&wrapped))
                });
            match found {
                Some(v) => {
                    if !vectors.iter().any(|x: &&Vector| std::ptr::eq(*x, v)) {
                        vectors.push(v);
                    }
                }
                None => {
                    let available: Vec<&str> = plot
                        .vectors
                        .iter()
                        .take(20)
                        .map(|v| v.name.as_str())
                        .collect();
                    let more = plot.vectors.len().saturating_sub(available.len());
                    return Err(PlotError::Vector(format!(
                        "no vector '{}' in the {} plot; it has {}{}",
                        name.trim(),
                        plot.name,
                        available.join(", "),
                        if more > 0 {
                            format!(" and {more} more")
                        } else {
                            String::new()
                        }
                    )));
                }
            }
        }
        return Ok(Selection {
            vectors,
            omitted: 0,
            omitted_names: Vec::new(),
        });
    }
    // Noise spectra: the totals, not the per-device summaries.
    let is_default = |v: &Vector| {
        is_top_level_voltage(v) || matches!(v.name.as_str(), "onoise_spectrum" | "inoise_spectrum")
    };
    let mut candidates: Vec<&Vector> = plot.vectors.iter().filter(|v| is_default(v)).collect();
    if candidates.is_empty() {
        // No top-level node voltages (a raw file with other names): take what there is.
        candidates = plot.vectors.iter().collect();
    }
    let max = max_default.max(1);
    let omitted: Vec<String> = candidates
        .iter()
        .skip(max)
        .map(|v| v.name.clone())
        .collect();
    candidates.truncate(max);
    Ok(Selection {
        vectors: candidates,
        omitted: omitted.len(),
        omitted_names: omitted.into_iter().take(6).collect(),
    })
}

/// A backend-independent description of one image: title, legend, shared x axis, panels.
#[derive(Debug, Clone)]
pub(crate) struct Figure {
    pub title: String,
    /// Legend entries (name, colour index), in drawing order.
    pub legend: Vec<(String, usize)>,
    pub x: Axis,
    pub panels: Vec<Panel>,
}

/// One axis: its description (with unit and prefix), its range in display units, and how
/// display values relate to SI (`display = si * factor`).
#[derive(Debug, Clone)]
pub(crate) struct Axis {
    pub label: String,
    pub log: bool,
    pub min: f64,
    pub max: f64,
}

/// A curve's points, in display units.
pub(crate) type Polyline = Vec<(f64, f64)>;

#[derive(Debug, Clone)]
pub(crate) struct Panel {
    pub y: Axis,
    /// Curves: colour index and polylines (a nested `.dc` sweep has several per vector).
    pub series: Vec<(usize, Vec<Polyline>)>,
}

/// Engineering prefix for values up to `max_abs`: (factor to multiply SI values by, prefix).
pub fn eng_prefix(max_abs: f64) -> (f64, &'static str) {
    if !max_abs.is_finite() || max_abs == 0.0 {
        return (1.0, "");
    }
    // A little below 1 of the next prefix still reads best in the smaller one (999 mV, 1 V).
    let e3 = (((max_abs * 1.0001).log10() / 3.0).floor() as i32 * 3).clamp(-15, 15);
    let prefix = crate::output::table::si_prefix(e3);
    (10f64.powi(-e3), prefix)
}

/// A tick label: at most 4 significant digits, trailing zeros dropped (`0.25`, `-1.5`, `100`).
pub fn tick_label(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return "0".to_string();
    }
    let digits = (3 - x.abs().log10().floor() as i32).clamp(0, 12) as usize;
    let mut s = format!("{x:.digits$}");
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    if s == "-0" {
        s = "0".to_string();
    }
    s
}

/// A log-axis tick in engineering notation: `10`, `100`, `1k`, `2.5k`, `1M`.
pub fn eng_tick(x: f64) -> String {
    let (factor, prefix) = eng_prefix(x.abs());
    format!("{}{prefix}", tick_label(x * factor))
}

fn quantity(unit: Unit) -> &'static str {
    match unit {
        Unit::Voltage => "Voltage",
        Unit::Current => "Current",
        Unit::Frequency => "Frequency",
        Unit::Time => "Time",
        Unit::VoltageDensity => "Noise density",
        Unit::Temperature => "Temperature",
    }
}

/// A linear axis over `values` (SI), padded by 5 %, with an engineering prefix; returns the
/// axis and the factor to scale SI values by.
fn linear_axis(
    name: &str,
    unit: Unit,
    values: impl Iterator<Item = f64>,
    pad: bool,
) -> (Axis, f64) {
    let (mut lo, mut hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if !lo.is_finite() {
        (lo, hi) = (-1.0, 1.0);
    }
    if hi - lo <= 1e-12 * hi.abs().max(lo.abs()) || hi == lo {
        // A flat line: centre it in a range of +-10 % of its value (or +-1 unit about 0).
        let d = if hi.abs() > 0.0 { 0.1 * hi.abs() } else { 1.0 };
        (lo, hi) = (lo - d, hi + d);
    } else if pad {
        let d = 0.05 * (hi - lo);
        (lo, hi) = (lo - d, hi + d);
    }
    let (factor, prefix) = eng_prefix(lo.abs().max(hi.abs()));
    let axis = Axis {
        label: format!("{name} ({prefix}{})", unit_symbol(unit)),
        log: false,
        min: lo * factor,
        max: hi * factor,
    };
    (axis, factor)
}

/// Splits a sweep into monotonic runs (a nested `.dc` sweep restarts its inner source).
fn segments(x: &[f64]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut dir = 0.0f64;
    for i in 1..x.len() {
        let step = x[i] - x[i - 1];
        if dir == 0.0 {
            dir = step.signum();
        } else if step != 0.0 && step.signum() != dir {
            out.push(start..i);
            start = i;
            dir = 0.0;
        }
    }
    out.push(start..x.len());
    out
}

/// Unwraps a phase sequence in degrees so that no step exceeds 180 degrees.
pub fn unwrap_deg(phase: &[f64]) -> Vec<f64> {
    let mut out = Vec::with_capacity(phase.len());
    let mut offset = 0.0;
    let mut prev: Option<f64> = None;
    for &p in phase {
        if !p.is_finite() {
            out.push(p);
            continue;
        }
        if let Some(q) = prev {
            let d = p + offset - q;
            offset -= 360.0 * (d / 360.0).round();
        }
        let v = p + offset;
        out.push(v);
        prev = Some(v);
    }
    out
}

fn figure(plot: &Plot, vectors: &[&Vector], title: &str) -> Figure {
    let scale = plot
        .scale
        .as_ref()
        .expect("only plots with a scale are drawn");
    let xs: Vec<f64> = (0..scale.data.len()).map(|i| scale.data.at(i).re).collect();
    let kind = plot_kind(plot);
    // The analysis first: a long netlist title is cut at the end of the line.
    let full_title = if title.trim().is_empty() {
        plot.name.clone()
    } else {
        format!("{}: {}", plot.name, title.trim())
    };
    let legend: Vec<(String, usize)> = vectors
        .iter()
        .enumerate()
        .map(|(i, v)| (v.name.clone(), i))
        .collect();
    if kind == "ac" || plot.is_complex() {
        return bode(full_title, legend, &xs, vectors);
    }
    let x_name = match scale.unit {
        Unit::Time => "Time",
        Unit::Frequency => "Frequency",
        Unit::Voltage | Unit::Current if kind == "dc" => "Swept source",
        u => quantity(u),
    };
    let (x, xf) = if scale.unit == Unit::Frequency {
        frequency_axis(&xs)
    } else {
        linear_axis(x_name, scale.unit, xs.iter().copied(), false)
    };
    let runs = segments(&xs);
    let mut panels = Vec::new();
    for unit in [
        Unit::Voltage,
        Unit::Current,
        Unit::VoltageDensity,
        Unit::Time,
        Unit::Frequency,
    ] {
        let of_unit: Vec<(usize, &&Vector)> = vectors
            .iter()
            .enumerate()
            .filter(|(_, v)| v.unit == unit)
            .collect();
        if of_unit.is_empty() {
            continue;
        }
        let all = of_unit
            .iter()
            .flat_map(|(_, v)| (0..v.data.len()).map(|i| v.data.at(i).re));
        let (y, yf) = linear_axis(quantity(unit), unit, all, true);
        let series = of_unit
            .iter()
            .map(|(c, v)| {
                let lines = runs
                    .iter()
                    .map(|r| {
                        r.clone()
                            .filter(|&i| i < v.data.len())
                            .map(|i| (xs[i] * xf, v.data.at(i).re * yf))
                            .filter(|(a, b)| a.is_finite() && b.is_finite())
                            .collect()
                    })
                    .collect();
                (*c, lines)
            })
            .collect();
        panels.push(Panel { y, series });
    }
    Figure {
        title: full_title,
        legend,
        x,
        panels,
    }
}

/// A frequency axis: logarithmic when the sweep spans more than a factor of 20 from above 0 Hz,
/// linear otherwise; with the factor from SI to display units.
fn frequency_axis(freq: &[f64]) -> (Axis, f64) {
    let fmin = freq.iter().copied().fold(f64::INFINITY, f64::min);
    let fmax = freq.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if fmin > 0.0 && fmax / fmin > 20.0 {
        (
            Axis {
                label: "Frequency (Hz)".to_string(),
                log: true,
                // A hair wider, so that a sweep ending at 1 MHz still gets its `1M` tick.
                min: fmin * (1.0 - 1e-9),
                max: fmax * (1.0 + 1e-9),
            },
            1.0,
        )
    } else {
        linear_axis("Frequency", Unit::Frequency, freq.iter().copied(), false)
    }
}

/// Magnitude (dB) and phase (degrees) panels over frequency.
fn bode(
    title: String,
    mut legend: Vec<(String, usize)>,
    freq: &[f64],
    vectors: &[&Vector],
) -> Figure {
    let (x, xf) = frequency_axis(freq);
    let log = x.log;
    let mags: Vec<Vec<f64>> = vectors
        .iter()
        .map(|v| (0..v.data.len()).map(|i| mag_db(v.data.at(i))).collect())
        .collect();
    // Values more than 180 dB below the largest are rounding noise (the common-mode output
    // of an ideal receiver): their phase means nothing and would swamp the phase panel.
    let largest = vectors
        .iter()
        .flat_map(|v| (0..v.data.len()).map(|i| v.data.at(i).norm()))
        .filter(|x| x.is_finite())
        .fold(0.0f64, f64::max);
    let negligible = largest * 1e-9;
    let phases: Vec<Vec<f64>> = vectors
        .iter()
        .map(|v| {
            let raw: Vec<f64> = (0..v.data.len())
                .map(|i| {
                    let z = v.data.at(i);
                    if z.norm() <= negligible {
                        f64::NAN
                    } else {
                        phase_deg(z)
                    }
                })
                .collect();
            unwrap_deg(&raw)
        })
        .collect();

    // Magnitude: padded range, at least 1 dB tall, at most 200 dB below the top curve, noise
    // left out (exact zeros are -inf dB and would flatten everything else).
    let finite = |v: &Vec<Vec<f64>>| {
        v.iter()
            .flatten()
            .copied()
            .filter(|x| x.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
                (a.min(x), b.max(x))
            })
    };
    for (entry, v) in legend.iter_mut().zip(vectors) {
        if (0..v.data.len()).all(|i| v.data.at(i).norm() <= negligible) && largest > 0.0 {
            entry.0.push_str(" (~0, not drawn)");
        }
    }
    let noise_db = mag_db(num_complex::Complex64::new(negligible, 0.0));
    let signal: Vec<Vec<f64>> = mags
        .iter()
        .map(|m| {
            m.iter()
                .map(|&x| if x > noise_db { x } else { f64::NAN })
                .collect()
        })
        .collect();
    let (mut lo, mut hi) = finite(&signal);
    if !lo.is_finite() {
        (lo, hi) = (-1.0, 1.0);
    }
    lo = lo.max(hi - 200.0);
    if hi - lo < 1.0 {
        let mid = 0.5 * (hi + lo);
        (lo, hi) = (mid - 1.0, mid + 1.0);
    } else {
        let d = 0.05 * (hi - lo);
        (lo, hi) = (lo - d, hi + d);
    }
    let (plo, phi) = finite(&phases);
    let (mut plo, mut phi) = if plo.is_finite() {
        (plo, phi)
    } else {
        (0.0, 0.0)
    };
    // Phase: whole multiples of 45 degrees (less than a degree over one is clamped to it, so
    // that -0.01 degrees does not add a whole division), at least 90 degrees tall.
    plo = (plo / 45.0 + 0.02).floor() * 45.0;
    phi = (phi / 45.0 - 0.02).ceil() * 45.0;
    if phi - plo < 90.0 {
        let mid = (0.5 * (plo + phi) / 45.0).round() * 45.0;
        (plo, phi) = (mid - 45.0, mid + 45.0);
    }
    let clamp_series = |data: &Vec<Vec<f64>>, lo: f64, hi: f64| -> Vec<(usize, Vec<Polyline>)> {
        data.iter()
            .enumerate()
            .map(|(c, ys)| {
                // Break the line where a value is undefined (phase of an exact zero).
                let mut lines = vec![Vec::new()];
                for (i, &y) in ys.iter().enumerate() {
                    let x = freq[i] * xf;
                    // Below the range (noise under the 200 dB floor) is left out, not clamped
                    // onto the axis where it would look like a real value.
                    if (log && freq[i] <= 0.0) || y.is_nan() || y < lo - 1.0 {
                        if !lines.last().is_some_and(Vec::is_empty) {
                            lines.push(Vec::new());
                        }
                        continue;
                    }
                    lines
                        .last_mut()
                        .expect("never empty")
                        .push((x, y.clamp(lo, hi)));
                }
                (c, lines)
            })
            .collect()
    };
    let magnitude = Panel {
        y: Axis {
            label: "Magnitude (dB)".to_string(),
            log: false,
            min: lo,
            max: hi,
        },
        series: clamp_series(&mags, lo, hi),
    };
    let phase = Panel {
        y: Axis {
            label: "Phase (deg)".to_string(),
            log: false,
            min: plo,
            max: phi,
        },
        series: clamp_series(&phases, plo, phi),
    };
    Figure {
        title,
        legend,
        x,
        panels: vec![magnitude, phase],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_complex::Complex64;
    use solver::Data;

    fn vector(name: &str, unit: Unit, data: Vec<f64>) -> Vector {
        Vector {
            name: name.to_string(),
            unit,
            data: Data::Real(data),
        }
    }

    #[test]
    fn prefixes_and_ticks() {
        assert_eq!(eng_prefix(0.005), (1e3, "m"));
        assert_eq!(eng_prefix(12.0), (1.0, ""));
        assert_eq!(eng_prefix(2.0e4).1, "k");
        assert_eq!(eng_prefix(0.0), (1.0, ""));
        assert_eq!(tick_label(0.25), "0.25");
        assert_eq!(tick_label(-1.5000000001), "-1.5");
        assert_eq!(tick_label(100.0), "100");
        assert_eq!(tick_label(0.30000000000000004), "0.3");
        assert_eq!(eng_tick(1000.0), "1k");
        assert_eq!(eng_tick(2.5e3), "2.5k");
        assert_eq!(eng_tick(1e6), "1M");
        assert_eq!(eng_tick(10.0), "10");
    }

    #[test]
    fn unwrap_keeps_phase_continuous() {
        let p = unwrap_deg(&[170.0, -175.0, -160.0, 179.0]);
        assert_eq!(p, vec![170.0, 185.0, 200.0, 179.0]);
    }

    #[test]
    fn nested_sweep_splits_into_runs() {
        let r = segments(&[0.0, 1.0, 2.0, 0.0, 1.0, 2.0]);
        assert_eq!(r, vec![0..3, 3..6]);
        assert_eq!(segments(&[3.0, 2.0, 1.0]), vec![0..3]);
    }

    #[test]
    fn default_selection_is_top_level_voltages() {
        let plot = Plot {
            name: "Transient Analysis".into(),
            scale: Some(vector("time", Unit::Time, vec![0.0, 1.0])),
            vectors: vec![
                vector("v(in)", Unit::Voltage, vec![0.0, 1.0]),
                vector("v(x1.n2)", Unit::Voltage, vec![0.0, 1.0]),
                vector("v(t1#int1)", Unit::Voltage, vec![0.0, 1.0]),
                vector("v(out)", Unit::Voltage, vec![0.0, 1.0]),
                vector("i(v1)", Unit::Current, vec![0.0, 1.0]),
            ],
        };
        let s = select_vectors(&plot, &[], 8).unwrap();
        let names: Vec<&str> = s.vectors.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["v(in)", "v(out)"]);
        let s = select_vectors(&plot, &[], 1).unwrap();
        assert_eq!((s.vectors.len(), s.omitted), (1, 1));
        let s = select_vectors(&plot, &["OUT".into(), "i(v1)".into()], 8).unwrap();
        let names: Vec<&str> = s.vectors.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["v(out)", "i(v1)"]);
        let e = select_vectors(&plot, &["nope".into()], 8).unwrap_err();
        assert!(e.to_string().contains("no vector 'nope'"), "{e}");
        assert!(e.to_string().contains("v(out)"), "{e}");
    }

    #[test]
    fn file_names_per_analysis() {
        let p = |name: &str| Plot {
            name: name.into(),
            scale: None,
            vectors: Vec::new(),
        };
        let (ac, dc) = (p("AC Analysis"), p("DC transfer characteristic"));
        assert_eq!(
            file_names(Path::new("d/out.svg"), &[&ac]),
            [PathBuf::from("d/out.svg")]
        );
        assert_eq!(
            file_names(Path::new("d/out.svg"), &[&ac, &dc, &dc]),
            [
                PathBuf::from("d/out-ac1.svg"),
                PathBuf::from("d/out-dc1.svg"),
                PathBuf::from("d/out-dc2.svg")
            ]
        );
    }

    #[test]
    fn bode_of_a_pole() {
        // H = 1/(1+jf/1k) from 10 Hz to 100 kHz: log axis, magnitude 0 to -40 dB, phase 0 to -90.
        let f: Vec<f64> = (0..=40)
            .map(|i| 10f64 * 10f64.powf(i as f64 / 10.0))
            .collect();
        let h: Vec<Complex64> = f
            .iter()
            .map(|&f| Complex64::new(1.0, 0.0) / Complex64::new(1.0, f / 1e3))
            .collect();
        let plot = Plot {
            name: "AC Analysis".into(),
            scale: Some(vector("frequency", Unit::Frequency, f)),
            vectors: vec![Vector {
                name: "v(out)".into(),
                unit: Unit::Voltage,
                data: Data::Complex(h),
            }],
        };
        let fig = figure(&plot, &plot.vectors.iter().collect::<Vec<_>>(), "rc");
        assert!(fig.x.log);
        assert_eq!(fig.panels.len(), 2);
        assert!(fig.panels[0].y.min < -40.0 && fig.panels[0].y.max > 0.0);
        assert_eq!((fig.panels[1].y.min, fig.panels[1].y.max), (-90.0, 0.0));
        assert_eq!(fig.title, "AC Analysis: rc");
    }
}
