//! Single-panel charts of named curves given as points: `balun compare --plot` (CMRR against
//! frequency, one curve per circuit and imbalance) and Monte Carlo histograms (`--hist`, drawn
//! as step outlines). Drawn by the same renderer as the analysis plots (`draw.rs`).

use super::{draw, Axis, Figure, Format, Panel, PlotError};
use std::path::Path;

/// A named curve, points in display units (non-finite points are left out, breaking the line).
#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    pub name: String,
    pub points: Vec<(f64, f64)>,
    /// Colour and line pattern: colour `style % 10` of the palette, solid for `style < 10`,
    /// dashed for 10..20, short dashes for 20..30 (e.g. a colour per circuit and a pattern per
    /// imbalance).
    pub style: usize,
}

/// What the chart shows: title and axis descriptions (with units).
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub title: String,
    pub x_label: String,
    /// Logarithmic x axis (every x must then be positive).
    pub x_log: bool,
    pub y_label: String,
    pub width: u32,
    pub height: u32,
}

/// Draws `curves` over one panel into `path` (`.svg` or `.png`), with a legend naming each.
pub fn write_curves(path: &Path, chart: &Chart, curves: &[Curve]) -> Result<(), PlotError> {
    let format = Format::from_path(path)?;
    let finite = |&(x, y): &(f64, f64)| x.is_finite() && y.is_finite() && (!chart.x_log || x > 0.0);
    let all: Vec<(f64, f64)> = curves
        .iter()
        .flat_map(|c| c.points.iter().copied().filter(finite))
        .collect();
    if all.is_empty() {
        return Err(PlotError::Vector(format!(
            "nothing to plot in {}: no finite values",
            path.display()
        )));
    }
    let range = |v: &mut dyn Iterator<Item = f64>| {
        v.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
            (a.min(x), b.max(x))
        })
    };
    let (x0, x1) = range(&mut all.iter().map(|p| p.0));
    let (y0, y1) = range(&mut all.iter().map(|p| p.1));
    let x = if chart.x_log {
        let (lo, hi) = if x1 > x0 {
            (x0, x1)
        } else {
            (x0 / 2.0, x1 * 2.0)
        };
        (lo * (1.0 - 1e-9), hi * (1.0 + 1e-9))
    } else {
        pad(x0, x1, 0.0)
    };
    let series = curves
        .iter()
        .map(|c| {
            // Split at non-finite points so a gap is not bridged.
            let mut lines: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
            for p in &c.points {
                if finite(p) {
                    if let Some(l) = lines.last_mut() {
                        l.push(*p);
                    }
                } else if lines.last().is_some_and(|l| !l.is_empty()) {
                    lines.push(Vec::new());
                }
            }
            lines.retain(|l| !l.is_empty());
            (c.style, lines)
        })
        .collect();
    let (ylo, yhi) = pad(y0, y1, 0.05);
    let figure = Figure {
        title: chart.title.clone(),
        legend: curves.iter().map(|c| (c.name.clone(), c.style)).collect(),
        x: Axis {
            label: chart.x_label.clone(),
            log: chart.x_log,
            min: x.0,
            max: x.1,
        },
        panels: vec![Panel {
            y: Axis {
                label: chart.y_label.clone(),
                log: false,
                min: ylo,
                max: yhi,
            },
            series,
        }],
    };
    draw::draw(path, format, chart.width, chart.height, &figure).map_err(|message| {
        PlotError::Draw {
            path: path.display().to_string(),
            message,
        }
    })
}

/// `lo..hi` widened by `frac` of its width on each side (by 1 when it has no width).
fn pad(lo: f64, hi: f64, frac: f64) -> (f64, f64) {
    let w = hi - lo;
    if w > 0.0 {
        (lo - frac * w, hi + frac * w)
    } else {
        (lo - 1.0, hi + 1.0)
    }
}

/// The outline of a histogram as a curve: from `(edge0, 0)` up and along each bin's count and
/// back down to `(last edge, 0)`. `edges` has one more entry than `counts`.
pub fn histogram_outline(edges: &[f64], counts: &[usize]) -> Vec<(f64, f64)> {
    let mut pts = Vec::with_capacity(2 * counts.len() + 2);
    if let Some(&first) = edges.first() {
        pts.push((first, 0.0));
    }
    for (i, &c) in counts.iter().enumerate() {
        pts.push((edges[i], c as f64));
        pts.push((edges[i + 1], c as f64));
    }
    if let Some(&last) = edges.last() {
        pts.push((last, 0.0));
    }
    pts
}
