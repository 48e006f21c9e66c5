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
) -> Result<Vec<CmrrSamples>, measure::MeasureError> {
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
                    let edges: Vec<f64> = (0..=h.counts.len())
                        .map(|i| h.lo + (h.hi - h.lo) * i as f64 / h.counts.len() as f64)
                        .collect();
                    curves.push(Curve {
                        name: format!("{}, {} ohm", freq_label(f), s.imbalance_ohm),
                        points: plot::histogram_outline(&edges, &h.counts),
                        // A colour per frequency, a line pattern per imbalance.
                        style: fi % 10 + 10 * (si % 3),
                    });
                }
            }
        }
        let chart = Chart {
            title: format!(
                "CMRR Monte Carlo ({} runs, {}): {}",
                plan.runs,
                plan.dist.as_str(),
                c.title
            ),
            x_label: "CMRR (dB)".into(),
            x_log: false,
            y_label: "Runs per bin".into(),
            width: 1000,
            height: 600,
        };
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
    let mut out = String::new();
    for (i, &n) in h.counts.iter().enumerate() {
        let (a, b) = h.bin(i);
        let bar = "#".repeat((n * width).div_ceil(most));
        let _ = writeln!(out, "  {a:>9.2} .. {b:>9.2} | {bar:<width$} {n}");
    }
    out
}

fn cmrr_json((c, plan, freqs, samples, bins): Parts) -> String {
    let stats = |x: &[f64]| match Stats::of(x) {
        Some(s) => json!({
            "n": s.n, "non_finite": s.non_finite, "min": s.min, "p5": s.p5,
            "median": s.median, "p95": s.p95, "max": s.max, "mean": s.mean, "std": s.std,
        }),
        None => Value::Null,
    };
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
