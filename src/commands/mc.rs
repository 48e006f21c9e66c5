//! Monte Carlo for the measurement subcommands: `balun cmrr FILE --mc N [--seed S]
//! [--dist gauss|uniform] [--hist OUT.svg]`, or a `.mc N [seed=S] [dist=...]` card in the
//! netlist. Each run draws every toleranced element (`R1 a b 10k tol=1%`) afresh (see
//! `circuit::montecarlo`); the runs go in parallel (rayon) behind a progress bar, and for
//! each imbalance and frequency the CMRR's min, 5th percentile, median, 95th percentile, max,
//! mean and standard deviation are printed with a text histogram (or written as JSON); `--hist`
//! draws the histograms as an SVG/PNG.
//!
//! Frequencies: `--freq`, else the spot frequencies (50, 60 Hz, 1, 10, 20 kHz), not the `.ac`
//! grid (a table per frequency would be long).

use super::measure::{db_cell, freq_label, num, render_table, Fail};
use balun::plot::{self, Chart, Curve};
use circuit::{Circuit, Distribution};
use measure::cmrr::{cmrr_with_imbalance, CmrrSetup};
use measure::montecarlo::{self as mc, Histogram, McPlan, Stats};
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::path::PathBuf;

/// `--dist` values.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DistArg {
    /// Normal, tolerance = 3 sigma.
    Gauss,
    /// Uniform within +-tolerance.
    Uniform,
}

impl From<DistArg> for Distribution {
    fn from(d: DistArg) -> Self {
        match d {
            DistArg::Gauss => Distribution::Gauss,
            DistArg::Uniform => Distribution::Uniform,
        }
    }
}

/// Monte Carlo flags of a measurement subcommand.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct McArgs {
    /// Monte Carlo: this many runs with the elements' tolerances (`tol=1%`) drawn at random
    /// (default: the netlist's `.mc` card, else no Monte Carlo).
    #[arg(long, value_name = "RUNS")]
    pub mc: Option<usize>,
    /// Seed of the Monte Carlo draws (default: the `.mc` card's, else 1). The same seed gives
    /// the same results bit for bit, whatever the number of threads.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Distribution of tolerances without their own `dist=` (default: `.mc`'s, else gauss).
    #[arg(long, value_enum)]
    pub dist: Option<DistArg>,
    /// Draw the Monte Carlo histograms to an SVG or PNG file.
    #[arg(long, value_name = "OUT.svg")]
    pub hist: Option<PathBuf>,
    /// Histogram bins.
    #[arg(long, default_value_t = 12)]
    pub bins: usize,
}

impl McArgs {
    /// The plan when Monte Carlo is asked for (flag or `.mc` card), else `None`.
    pub fn plan(&self, c: &Circuit) -> Result<Option<McPlan>, String> {
        let card = c.monte_carlo.map(McPlan::from);
        let runs = match (self.mc, card) {
            (Some(0), _) => return Err("--mc needs at least 1 run".into()),
            (Some(n), _) => n,
            (None, Some(p)) => p.runs,
            (None, None) => {
                if self.hist.is_some() {
                    return Err("--hist needs a Monte Carlo: give --mc N or a '.mc' card".into());
                }
                return Ok(None);
            }
        };
        if c.tolerances.is_empty() {
            return Err(
                "Monte Carlo asked for, but no element has a tolerance: add tol= to R, C or L \
                 cards (e.g. 'R1 a b 10k tol=1%')"
                    .into(),
            );
        }
        Ok(Some(McPlan {
            runs,
            seed: self
                .seed
                .or(card.map(|p| p.seed))
                .unwrap_or(circuit::montecarlo::DEFAULT_SEED),
            dist: self
                .dist
                .map(Distribution::from)
                .or(card.map(|p| p.dist))
                .unwrap_or(Distribution::Gauss),
        }))
    }
}

/// CMRR (dB) samples of one imbalance: `db[run][frequency]`.
pub struct CmrrSamples {
    pub imbalance_ohm: f64,
    pub db: Vec<Vec<f64>>,
}

/// Runs the CMRR Monte Carlo for each imbalance (the runs of one imbalance in parallel).
pub fn cmrr_samples(
    c: &Circuit,
    setup: &CmrrSetup,
    freqs: &[f64],
    imbalances: &[f64],
    plan: &McPlan,
    show_progress: bool,
) -> Result<Vec<CmrrSamples>, mc::RunError<measure::MeasureError>> {
    let total = (plan.runs * imbalances.len()) as u64;
    let message = format!("Monte Carlo: {} runs", plan.runs);
    balun::progress::with_step_bar(show_progress, &message, total, |tick| {
        imbalances
            .iter()
            .map(|&dz| {
                let db = mc::run(c, plan, tick, |run| {
                    let pts = cmrr_with_imbalance(run, setup, freqs, dz)?;
                    Ok::<_, measure::MeasureError>(
                        pts.iter().map(|p| p.cmrr_db()).collect::<Vec<f64>>(),
                    )
                })?;
                Ok(CmrrSamples {
                    imbalance_ohm: dz,
                    db,
                })
            })
            .collect()
    })
}

/// The samples at frequency `fi`.
fn column(s: &CmrrSamples, fi: usize) -> Vec<f64> {
    s.db.iter().map(|run| run[fi]).collect()
}

fn plan_line(c: &Circuit, plan: &McPlan) -> String {
    format!(
        "{} runs, seed {}, default distribution {}{}, {} toleranced element{}",
        plan.runs,
        plan.seed,
        plan.dist.as_str(),
        if plan.dist == Distribution::Gauss {
            " (tolerance = 3 sigma)"
        } else {
            " (within +-tolerance)"
        },
        c.tolerances.len(),
        if c.tolerances.len() == 1 { "" } else { "s" }
    )
}

/// The chart of Monte Carlo histograms: `what (N runs, dist): title`, counts over `x_label`.
fn hist_chart(what: &str, plan: &McPlan, c: &Circuit, x_label: &str) -> Chart {
    Chart {
        title: format!(
            "{what} ({} runs, {}): {}",
            plan.runs,
            plan.dist.as_str(),
            c.title
        ),
        x_label: x_label.to_string(),
        x_log: false,
        y_label: "Runs per bin".into(),
        width: 1000,
        height: 600,
    }
}

/// A CMRR Monte Carlo's results, with what is needed to report them.
pub struct CmrrReport<'a> {
    pub circuit: &'a Circuit,
    pub plan: McPlan,
    pub freqs: &'a [f64],
    pub samples: Vec<CmrrSamples>,
    /// Histogram bins.
    pub bins: usize,
}

impl CmrrReport<'_> {
    /// The terminal report: a statistics table per imbalance, then a histogram per frequency.
    pub fn text(&self) -> String {
        cmrr_text(self.parts())
    }

    pub fn json(&self) -> String {
        cmrr_json(self.parts())
    }

    /// Writes the histograms (one outline per imbalance and frequency) to `path`.
    pub fn plot(&self, path: &std::path::Path) -> Result<(), Fail> {
        let (c, plan, freqs, samples, bins) = self.parts();
        let mut curves = Vec::new();
        for (si, s) in samples.iter().enumerate() {
            for (fi, &f) in freqs.iter().enumerate() {
                if let Some(h) = Histogram::of(&column(s, fi), bins) {
                    curves.push(Curve {
                        name: format!("{}, {} ohm", freq_label(f), s.imbalance_ohm),
                        points: plot::histogram_outline(&h.edges(), &h.counts),
                        // A colour per frequency, a line pattern per imbalance.
                        style: fi % 10 + 10 * (si % 3),
                    });
                }
            }
        }
        let chart = hist_chart("CMRR Monte Carlo", plan, c, "CMRR (dB)");
        plot::write_curves(path, &chart, &curves).map_err(|e| Fail {
            at: path.display().to_string(),
            message: e.to_string(),
        })
    }

    fn parts(&self) -> Parts<'_> {
        (
            self.circuit,
            &self.plan,
            self.freqs,
            &self.samples,
            self.bins,
        )
    }
}

type Parts<'a> = (&'a Circuit, &'a McPlan, &'a [f64], &'a [CmrrSamples], usize);

fn cmrr_text((c, plan, freqs, samples, bins): Parts) -> String {
    let mut out = format!("CMRR Monte Carlo: {}\n{}\n", c.title, plan_line(c, plan));
    for s in samples {
        let _ = writeln!(
            out,
            "\nsource imbalance {} ohm (worse of hot and cold leg), CMRR in dB",
            s.imbalance_ohm
        );
        let header: Vec<String> = [
            "frequency",
            "min",
            "5%",
            "median",
            "95%",
            "max",
            "mean",
            "std",
        ]
        .map(String::from)
        .to_vec();
        let rows: Vec<Vec<String>> = freqs
            .iter()
            .enumerate()
            .map(|(fi, &f)| {
                let mut row = vec![freq_label(f)];
                match Stats::of(&column(s, fi)) {
                    Some(st) => row.extend(
                        [st.min, st.p5, st.median, st.p95, st.max, st.mean, st.std].map(db_cell),
                    ),
                    None => row.extend(std::iter::repeat_n("inf".to_string(), 7)),
                }
                row
            })
            .collect();
        out.push_str(&render_table(&header, &rows));
        for (fi, &f) in freqs.iter().enumerate() {
            if let Some(h) = Histogram::of(&column(s, fi), bins) {
                let _ = writeln!(out, "\nhistogram at {}:", freq_label(f));
                out.push_str(&text_histogram(&h, 40));
            }
        }
    }
    out
}

/// Rows `lo .. hi | ##### count`, the longest bar `width` characters.
pub fn text_histogram(h: &Histogram, width: usize) -> String {
    let most = h.counts.iter().copied().max().unwrap_or(0).max(1);
    // Enough decimals for neighbouring edges to differ (2 at least, 12 at most).
    let bin_width = (h.hi - h.lo) / h.counts.len() as f64;
    let decimals = (2.0 - bin_width.log10().floor()).clamp(2.0, 12.0) as usize;
    let mut out = String::new();
    for (i, &n) in h.counts.iter().enumerate() {
        let (a, b) = h.bin(i);
        let bar = "#".repeat((n * width).div_ceil(most));
        let _ = writeln!(
            out,
            "  {a:>12.decimals$} .. {b:>12.decimals$} | {bar:<width$} {n}"
        );
    }
    out
}

fn cmrr_json((c, plan, freqs, samples, bins): Parts) -> String {
    let stats = stats_json;
    let doc = json!({
        "title": c.title,
        "measure": "cmrr",
        "monte_carlo": {"runs": plan.runs, "seed": plan.seed, "dist": plan.dist.as_str()},
        "results": samples.iter().map(|s| json!({
            "imbalance_ohm": s.imbalance_ohm,
            "points": freqs.iter().enumerate().map(|(fi, &f)| {
                let x = column(s, fi);
                json!({
                    "freq_hz": f,
                    "cmrr_db": stats(&x),
                    "histogram": Histogram::of(&x, bins).map(|h| json!({
                        "lo": h.lo, "hi": h.hi, "counts": h.counts,
                    })),
                    "samples": x.iter().map(|&v| num(v)).collect::<Vec<_>>(),
                })
            }).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    });
    format!("{doc:#}\n")
}

/// The statistics of `x` as JSON (`null` when no value is finite).
fn stats_json(x: &[f64]) -> Value {
    match Stats::of(x) {
        Some(s) => json!({
            "n": s.n, "non_finite": s.non_finite, "min": s.min, "p5": s.p5,
            "median": s.median, "p95": s.p95, "max": s.max, "mean": s.mean, "std": s.std,
        }),
        None => Value::Null,
    }
}

/// One quantity of a `balun run` Monte Carlo: a vector's value at one point of one analysis,
/// or a `.meas` result.
#[derive(Debug, Clone, PartialEq)]
pub struct RunQuantity {
    source: Source,
    /// `.op v(out)`, `.ac |v(out)| dB at 1 kHz` or `.meas t50`.
    pub label: String,
}

/// Where a run's value of a quantity comes from.
#[derive(Debug, Clone, PartialEq)]
enum Source {
    /// Point `point` of vector `vector` of plot `plot` (the magnitude in dB for `.ac`).
    Vector {
        plot: usize,
        vector: usize,
        point: usize,
        ac: bool,
    },
    /// The circuit's `index`-th `.meas` card (NaN in a run where it finds nothing).
    Meas(usize),
}

/// The analysis outputs a `balun run` Monte Carlo reports, from the nominal run's plots:
/// `.op`: each vector's value; `.ac`: each vector's magnitude in dB at the grid frequencies
/// nearest the spot frequencies (50, 60 Hz, 1, 10, 20 kHz) inside the sweep (else at its first
/// and last frequency). Vectors: those named in `requested` (`out` means `v(out)`), else the
/// top-level node voltages, at most 8 per analysis. Then every `.meas` result, whatever its
/// analysis: that is how `.dc` and `.tran` outputs are summarised (without `.meas` cards a
/// note says they are left out).
pub fn run_quantities(
    plots: &[solver::Plot],
    requested: &[String],
    meas: &[measure::meas::MeasResult],
) -> (Vec<RunQuantity>, Vec<String>) {
    let wanted: Vec<String> = requested
        .iter()
        .map(|r| {
            let r = r.trim().to_ascii_lowercase();
            if r.contains('(') {
                r
            } else {
                format!("v({r})")
            }
        })
        .collect();
    let mut out = Vec::new();
    let mut notes = Vec::new();
    for (pi, p) in plots.iter().enumerate() {
        let kind = balun::output::plot_kind(p);
        if kind != "op" && kind != "ac" {
            if meas.is_empty() {
                notes.push(format!(
                    "Monte Carlo statistics cover .op, .ac and .meas results; '{}' is not \
                     summarised (add a .meas card)",
                    p.name
                ));
            }
            continue;
        }
        let vectors: Vec<usize> = if wanted.is_empty() {
            (0..p.vectors.len())
                .filter(|&i| balun::plot::is_top_level_voltage(&p.vectors[i]))
                .take(8)
                .collect()
        } else {
            (0..p.vectors.len())
                .filter(|&i| wanted.contains(&p.vectors[i].name))
                .collect()
        };
        let points: Vec<(usize, f64)> = match (&p.scale, kind) {
            (Some(scale), "ac") => {
                let f: Vec<f64> = (0..scale.data.len()).map(|i| scale.data.at(i).re).collect();
                spot_points(&f)
            }
            _ => vec![(0, f64::NAN)],
        };
        for &vi in &vectors {
            for &(point, hz) in &points {
                let name = &p.vectors[vi].name;
                out.push(RunQuantity {
                    source: Source::Vector {
                        plot: pi,
                        vector: vi,
                        point,
                        ac: kind == "ac",
                    },
                    label: if kind == "ac" {
                        format!(".ac |{name}| dB at {}", freq_label(hz))
                    } else {
                        format!(".op {name}")
                    },
                });
            }
        }
    }
    out.extend(meas.iter().enumerate().map(|(i, m)| RunQuantity {
        source: Source::Meas(i),
        label: format!(".meas {}", m.name),
    }));
    (out, notes)
}

/// Indices (and frequencies) of the grid points nearest the spot frequencies inside the grid.
fn spot_points(f: &[f64]) -> Vec<(usize, f64)> {
    let (Some(&lo), Some(&hi)) = (f.first(), f.last()) else {
        return Vec::new();
    };
    let mut idx: Vec<usize> = measure::SPOT_FREQUENCIES_HZ
        .iter()
        .filter(|&&s| s >= lo.min(hi) && s <= hi.max(lo))
        .filter_map(|&s| {
            (0..f.len()).min_by(|&a, &b| (f[a] / s).ln().abs().total_cmp(&(f[b] / s).ln().abs()))
        })
        .collect();
    idx.dedup();
    if idx.is_empty() {
        idx = vec![0, f.len() - 1];
        idx.dedup();
    }
    idx.into_iter().map(|i| (i, f[i])).collect()
}

/// Simulates every run and returns `values[run][quantity]`.
pub fn run_samples(
    c: &Circuit,
    plan: &McPlan,
    quantities: &[RunQuantity],
    show_progress: bool,
) -> Result<Vec<Vec<f64>>, mc::RunError<solver::SolveError>> {
    let message = format!("Monte Carlo: {} runs", plan.runs);
    let wants_meas = quantities
        .iter()
        .any(|q| matches!(q.source, Source::Meas(_)));
    balun::progress::with_step_bar(show_progress, &message, plan.runs as u64, |tick| {
        mc::run(c, plan, tick, |run| {
            let plots = solver::simulate(run)?;
            let meas = if wants_meas {
                measure::meas::evaluate(&run.meas, &plots)
            } else {
                Vec::new()
            };
            Ok(quantities
                .iter()
                .map(|q| match q.source {
                    Source::Vector {
                        plot,
                        vector,
                        point,
                        ac,
                    } => {
                        let z = plots[plot].vectors[vector].data.at(point);
                        if ac {
                            balun::output::mag_db(z)
                        } else {
                            z.re
                        }
                    }
                    Source::Meas(i) => meas
                        .get(i)
                        .and_then(|m| m.outcome.as_ref().ok())
                        .map_or(f64::NAN, |v| v.value),
                })
                .collect())
        })
    })
}

/// `x` with six significant digits: fixed-point from 1e-3 to 1e6 (`5.00001`, `0.0204120`),
/// else in exponent form (`6.93148e-4`: a time or a capacitance keeps its digits).
fn six_digits(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let magnitude = x.abs().log10().floor() as i32;
    if (-3..6).contains(&magnitude) {
        let decimals = (5 - magnitude).max(0) as usize;
        format!("{x:.decimals$}")
    } else {
        format!("{x:.5e}")
    }
}

/// The `balun run` Monte Carlo report: a statistics row per quantity, then histograms of the
/// first `max_histograms` quantities.
fn run_text(
    c: &Circuit,
    plan: &McPlan,
    quantities: &[RunQuantity],
    values: &[Vec<f64>],
    bins: usize,
    max_histograms: usize,
) -> String {
    let mut out = format!("\nMonte Carlo: {}\n{}\n", c.title, plan_line(c, plan));
    let header: Vec<String> = [
        "quantity", "min", "5%", "median", "95%", "max", "mean", "std",
    ]
    .map(String::from)
    .to_vec();
    let column = |qi: usize| -> Vec<f64> { values.iter().map(|run| run[qi]).collect() };
    let rows: Vec<Vec<String>> = quantities
        .iter()
        .enumerate()
        .map(|(qi, q)| {
            let mut row = vec![q.label.clone()];
            match Stats::of(&column(qi)) {
                Some(s) => {
                    row.extend([s.min, s.p5, s.median, s.p95, s.max, s.mean, s.std].map(six_digits))
                }
                None => row.extend(std::iter::repeat_n("-".to_string(), 7)),
            }
            row
        })
        .collect();
    out.push_str(&render_table(&header, &rows));
    for (qi, q) in quantities.iter().enumerate().take(max_histograms) {
        if let Some(h) = Histogram::of(&column(qi), bins) {
            let _ = writeln!(out, "\nhistogram of {}:", q.label);
            out.push_str(&text_histogram(&h, 40));
        }
    }
    if quantities.len() > max_histograms {
        let _ = writeln!(
            out,
            "\n(histograms of the first {max_histograms} quantities; choose with --vectors)"
        );
    }
    out
}

/// The histogram of the first quantity drawn to `path` (quantities differ in unit, so one
/// chart holds one; choose it with `--vectors`).
fn run_hist_plot(
    path: &std::path::Path,
    c: &Circuit,
    plan: &McPlan,
    quantities: &[RunQuantity],
    values: &[Vec<f64>],
    bins: usize,
) -> Result<(), Fail> {
    let fail = |message: String| Fail {
        at: path.display().to_string(),
        message,
    };
    let first: Vec<f64> = values
        .iter()
        .filter_map(|run| run.first().copied())
        .collect();
    let (Some(q), Some(h)) = (quantities.first(), Histogram::of(&first, bins)) else {
        return Err(fail("no finite Monte Carlo values to draw".into()));
    };
    let chart = hist_chart("Monte Carlo", plan, c, &q.label);
    let curve = Curve {
        name: q.label.clone(),
        points: plot::histogram_outline(&h.edges(), &h.counts),
        style: 0,
    };
    plot::write_curves(path, &chart, &[curve]).map_err(|e| fail(e.to_string()))
}

/// A `balun run` Monte Carlo's results, with what is needed to report them.
pub struct RunMonteCarlo<'a> {
    pub circuit: &'a Circuit,
    pub plan: McPlan,
    pub quantities: Vec<RunQuantity>,
    /// `values[run][quantity]`.
    pub values: Vec<Vec<f64>>,
}

impl RunMonteCarlo<'_> {
    /// The report printed after the run's tables.
    pub fn text(&self, bins: usize, max_histograms: usize) -> String {
        run_text(
            self.circuit,
            &self.plan,
            &self.quantities,
            &self.values,
            bins,
            max_histograms,
        )
    }

    /// The histogram of the first quantity drawn to `path`.
    pub fn plot(&self, path: &std::path::Path, bins: usize) -> Result<(), Fail> {
        run_hist_plot(
            path,
            self.circuit,
            &self.plan,
            &self.quantities,
            &self.values,
            bins,
        )
    }

    /// The `monte_carlo` member of `balun run --json`: the plan, then per quantity its label,
    /// statistics (`null` when no run gave a finite value) and every run's value (`null` where
    /// not finite), in run order.
    pub fn json(&self) -> Value {
        json!({
            "runs": self.plan.runs,
            "seed": self.plan.seed,
            "dist": self.plan.dist.as_str(),
            "quantities": self.quantities.iter().enumerate().map(|(qi, q)| {
                let x: Vec<f64> = self.values.iter().map(|run| run[qi]).collect();
                json!({
                    "label": q.label,
                    "stats": stats_json(&x),
                    "samples": x.iter().map(|&v| num(v)).collect::<Vec<_>>(),
                })
            }).collect::<Vec<_>>(),
        })
    }
}
