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

use super::Fail;
use balun::montecarlo::{plan_json, stats_json, CmrrSamples, McOptions, Samples};
use balun::output::report::{db_cell, freq_label, num, render_table};
use balun::plot::{self, Chart, Curve};
use circuit::{Circuit, Distribution};
use measure::montecarlo::{Histogram, McPlan, Stats};
use serde_json::json;
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
    /// Compute only runs START..END (0-based, END excluded) of the Monte Carlo: a shard. Each
    /// run is the same bits in any shard; the shards' `--json` files merge into the whole.
    #[arg(long, value_name = "START..END", value_parser = balun::montecarlo::parse_shard)]
    pub runs: Option<(usize, usize)>,
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
        let options = McOptions {
            runs: self.mc,
            seed: self.seed,
            dist: self.dist.map(Distribution::from),
            shard: self.runs,
        };
        let plan = options.plan(c)?;
        if plan.is_none() && self.hist.is_some() {
            return Err("--hist needs a Monte Carlo: give --mc N or a '.mc' card".into());
        }
        Ok(plan)
    }
}

/// The samples at frequency `fi`.
fn column(s: &CmrrSamples, fi: usize) -> Vec<f64> {
    s.db.iter().map(|run| run[fi]).collect()
}

fn plan_line(c: &Circuit, plan: &McPlan) -> String {
    let runs = match plan.shard {
        Some((start, end)) => format!("runs {start}..{end} of {}", plan.runs),
        None => format!("{} runs", plan.runs),
    };
    format!(
        "{runs}, seed {}, default distribution {}{}, {} toleranced element{}",
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
            plan.indices().len(),
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
        "monte_carlo": plan_json(plan),
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
fn run_text(c: &Circuit, samples: &Samples, bins: usize, max_histograms: usize) -> String {
    let mut out = format!(
        "\nMonte Carlo: {}\n{}\n",
        c.title,
        plan_line(c, &samples.plan)
    );
    let header: Vec<String> = [
        "quantity", "min", "5%", "median", "95%", "max", "mean", "std",
    ]
    .map(String::from)
    .to_vec();
    let rows: Vec<Vec<String>> = samples
        .labels
        .iter()
        .enumerate()
        .map(|(qi, label)| {
            let mut row = vec![label.clone()];
            match Stats::of(&samples.column(qi)) {
                Some(s) => {
                    row.extend([s.min, s.p5, s.median, s.p95, s.max, s.mean, s.std].map(six_digits))
                }
                None => row.extend(std::iter::repeat_n("-".to_string(), 7)),
            }
            row
        })
        .collect();
    out.push_str(&render_table(&header, &rows));
    for (qi, label) in samples.labels.iter().enumerate().take(max_histograms) {
        if let Some(h) = Histogram::of(&samples.column(qi), bins) {
            let _ = writeln!(out, "\nhistogram of {label}:");
            out.push_str(&text_histogram(&h, 40));
        }
    }
    if samples.labels.len() > max_histograms {
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
    samples: &Samples,
    bins: usize,
) -> Result<(), Fail> {
    let fail = |message: String| Fail {
        at: path.display().to_string(),
        message,
    };
    let first: Vec<f64> = samples
        .values
        .iter()
        .filter_map(|run| run.first().copied())
        .collect();
    let (Some(label), Some(h)) = (samples.labels.first(), Histogram::of(&first, bins)) else {
        return Err(fail("no finite Monte Carlo values to draw".into()));
    };
    let chart = hist_chart("Monte Carlo", &samples.plan, c, label);
    let curve = Curve {
        name: label.clone(),
        points: plot::histogram_outline(&h.edges(), &h.counts),
        style: 0,
    };
    plot::write_curves(path, &chart, &[curve]).map_err(|e| fail(e.to_string()))
}

/// A `balun run` Monte Carlo's results, with what is needed to report them.
pub struct RunMonteCarlo<'a> {
    pub circuit: &'a Circuit,
    pub samples: Samples,
}

impl RunMonteCarlo<'_> {
    /// The report printed after the run's tables.
    pub fn text(&self, bins: usize, max_histograms: usize) -> String {
        run_text(self.circuit, &self.samples, bins, max_histograms)
    }

    /// The histogram of the first quantity drawn to `path`.
    pub fn plot(&self, path: &std::path::Path, bins: usize) -> Result<(), Fail> {
        run_hist_plot(path, self.circuit, &self.samples, bins)
    }
}
