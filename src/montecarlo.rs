//! Monte Carlo as `balun run`, `balun cmrr` and the Python module run it: the plan from the
//! options and the `.mc` card ([`McOptions`]), the CMRR samples, the quantities a `balun run`
//! Monte Carlo summarises, and [`Samples`], the labelled table of every run's values that is
//! written as JSON, read back and merged.
//!
//! **Shards.** Run `i` of seed `s` draws its parts from a stream that depends only on `(s, i)`
//! (`circuit::montecarlo`), so runs `i..j` ([`McOptions::shard`], `--runs i..j`) are the same
//! bits wherever they are computed. [`Samples::merge`] puts shards back in run order, and the
//! statistics of the merged samples ([`Stats::of`]) are those of the whole Monte Carlo run in
//! one process, bit for bit.
//!
//! Printing, histograms and progress display stay with the callers (`src/commands/mc.rs`).

use crate::output::mag_db;
use crate::output::report::{freq_label, num};
use circuit::{Circuit, Distribution};
use measure::cmrr::{cmrr_start, cmrr_with_imbalance_from, CmrrSetup};
use measure::montecarlo::{self as mc, McPlan, Stats};
use serde_json::{json, Value};

/// Monte Carlo options (the command line's or Python's); what is not given comes from the
/// netlist's `.mc` card.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct McOptions {
    /// Runs of the whole Monte Carlo (default: the `.mc` card's; none: no Monte Carlo).
    pub runs: Option<usize>,
    /// Seed (default: the `.mc` card's, else 1).
    pub seed: Option<u64>,
    /// Distribution of tolerances without their own `dist=` (default: `.mc`'s, else gauss).
    pub dist: Option<Distribution>,
    /// Compute only runs `start..end` of the whole (a shard); `None`: all of them.
    pub shard: Option<(usize, usize)>,
}

impl McOptions {
    /// The plan when a Monte Carlo is asked for (`runs` or a `.mc` card), else `None`.
    pub fn plan(&self, c: &Circuit) -> Result<Option<McPlan>, String> {
        let card = c.monte_carlo.map(McPlan::from);
        let runs = match (self.runs, card) {
            (Some(0), _) => return Err("--mc needs at least 1 run".into()),
            (Some(n), _) => n,
            (None, Some(p)) => p.runs,
            (None, None) => {
                if self.shard.is_some() {
                    return Err("--runs needs a Monte Carlo: give --mc N or a '.mc' card".into());
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
        let plan = McPlan::new(
            runs,
            self.seed
                .or(card.map(|p| p.seed))
                .unwrap_or(circuit::montecarlo::DEFAULT_SEED),
            self.dist
                .or(card.map(|p| p.dist))
                .unwrap_or(Distribution::Gauss),
        );
        match self.shard {
            Some((start, end)) => plan.with_shard(start, end).map(Some),
            None => Ok(Some(plan)),
        }
    }
}

/// Reads a shard `START..END` (`20000..40000`).
pub fn parse_shard(text: &str) -> Result<(usize, usize), String> {
    let bad = || format!("--runs '{text}': expected START..END, e.g. 20000..40000");
    let (a, b) = text.split_once("..").ok_or_else(bad)?;
    let a = a.trim().parse().map_err(|_| bad())?;
    let b = b.trim().parse().map_err(|_| bad())?;
    Ok((a, b))
}

/// Every computed run's values of labelled quantities: the Monte Carlo (or one shard of it) in
/// run order.
#[derive(Debug, Clone, PartialEq)]
pub struct Samples {
    pub plan: McPlan,
    pub labels: Vec<String>,
    /// `values[run - first][quantity]` for the runs of [`McPlan::indices`].
    pub values: Vec<Vec<f64>>,
}

impl Samples {
    /// Quantity `qi` over the runs.
    pub fn column(&self, qi: usize) -> Vec<f64> {
        self.values.iter().map(|run| run[qi]).collect()
    }

    /// The JSON form (the `monte_carlo` member of `balun run --json`): the plan (with
    /// `"shard": [start, end]` for a shard), then per quantity its label, statistics (`null`
    /// when no run gave a finite value) and every run's value (`null` where not finite), in
    /// run order.
    pub fn json(&self) -> Value {
        let mut doc = plan_json(&self.plan);
        doc["quantities"] = self
            .labels
            .iter()
            .enumerate()
            .map(|(qi, label)| {
                let x = self.column(qi);
                json!({
                    "label": label,
                    "stats": stats_json(&x),
                    "samples": x.iter().map(|&v| num(v)).collect::<Vec<_>>(),
                })
            })
            .collect();
        doc
    }

    /// Reads [`Samples::json`]'s form back (`null` samples become NaN).
    pub fn from_json(doc: &Value) -> Result<Samples, String> {
        let field = |name: &str| {
            doc.get(name)
                .ok_or_else(|| format!("Monte Carlo JSON without '{name}'"))
        };
        let runs = field("runs")?.as_u64().ok_or("'runs' is not a count")? as usize;
        let seed = field("seed")?.as_u64().ok_or("'seed' is not an integer")?;
        let dist = field("dist")?
            .as_str()
            .and_then(Distribution::from_name)
            .ok_or("'dist' is not gauss or uniform")?;
        let mut plan = McPlan::new(runs, seed, dist);
        if let Some(shard) = doc.get("shard").and_then(Value::as_array) {
            let bound = |i: usize| {
                shard
                    .get(i)
                    .and_then(Value::as_u64)
                    .ok_or("'shard' is not [start, end]")
            };
            plan = plan.with_shard(bound(0)? as usize, bound(1)? as usize)?;
        }
        let quantities = field("quantities")?
            .as_array()
            .ok_or("'quantities' is not a list")?;
        let n = plan.indices().len();
        let mut labels = Vec::new();
        let mut values = vec![Vec::with_capacity(quantities.len()); n];
        for q in quantities {
            let label = q["label"].as_str().ok_or("a quantity without 'label'")?;
            let samples = q["samples"]
                .as_array()
                .filter(|s| s.len() == n)
                .ok_or_else(|| format!("'{label}': expected {n} samples"))?;
            for (run, v) in values.iter_mut().zip(samples) {
                run.push(v.as_f64().unwrap_or(f64::NAN));
            }
            labels.push(label.to_string());
        }
        Ok(Samples {
            plan,
            labels,
            values,
        })
    }

    /// Shards of one Monte Carlo (same runs, seed, distribution and quantities) put back in
    /// run order; they must not overlap. The result is a shard itself unless the pieces cover
    /// every run.
    pub fn merge(mut shards: Vec<Samples>) -> Result<Samples, String> {
        shards.sort_by_key(|s| s.plan.indices().start);
        let Some(first) = shards.first() else {
            return Err("nothing to merge: no Monte Carlo shards".into());
        };
        let (plan, labels) = (first.plan, first.labels.clone());
        let mut values = Vec::new();
        let mut next = plan.indices().start;
        for s in &shards {
            let same = |a: &McPlan| (a.runs, a.seed, a.dist) == (plan.runs, plan.seed, plan.dist);
            if !same(&s.plan) || s.labels != labels {
                return Err("the shards come from different Monte Carlos (runs, seed, \
                            distribution or quantities differ)"
                    .into());
            }
            let r = s.plan.indices();
            if r.start != next {
                return Err(format!(
                    "the shards do not join: runs {}..{} follow runs ending at {next}",
                    r.start, r.end
                ));
            }
            next = r.end;
            values.extend(s.values.iter().cloned());
        }
        let start = plan.indices().start;
        let plan = if start == 0 && next == plan.runs {
            McPlan {
                shard: None,
                ..plan
            }
        } else {
            plan.with_shard(start, next)?
        };
        Ok(Samples {
            plan,
            labels,
            values,
        })
    }
}

/// A plan as JSON: `runs`, `seed`, `dist`, and `"shard": [start, end]` for a shard.
pub fn plan_json(plan: &McPlan) -> Value {
    let mut doc = json!({"runs": plan.runs, "seed": plan.seed, "dist": plan.dist.as_str()});
    if let Some((start, end)) = plan.shard {
        doc["shard"] = json!([start, end]);
    }
    doc
}

/// The statistics of `x` as JSON (`null` when no value is finite).
pub fn stats_json(x: &[f64]) -> Value {
    match Stats::of(x) {
        Some(s) => json!({
            "n": s.n, "non_finite": s.non_finite, "min": s.min, "p5": s.p5,
            "median": s.median, "p95": s.p95, "max": s.max, "mean": s.mean, "std": s.std,
        }),
        None => Value::Null,
    }
}

/// CMRR (dB) samples of one imbalance: `db[run][frequency]`.
pub struct CmrrSamples {
    pub imbalance_ohm: f64,
    pub db: Vec<Vec<f64>>,
}

/// Runs the CMRR Monte Carlo for each imbalance (the runs of one imbalance in parallel),
/// showing a progress bar on a terminal when `show_progress`.
pub fn cmrr_samples(
    c: &Circuit,
    setup: &CmrrSetup,
    freqs: &[f64],
    imbalances: &[f64],
    plan: &McPlan,
    show_progress: bool,
) -> Result<Vec<CmrrSamples>, mc::RunError<measure::MeasureError>> {
    let total = (plan.indices().len() * imbalances.len()) as u64;
    let message = format!("Monte Carlo: {} runs", plan.indices().len());
    crate::progress::with_step_bar(show_progress, &message, total, |tick| {
        imbalances
            .iter()
            .map(|&dz| {
                // Each run's Newton starts from the nominal operating point (a nominal circuit
                // that fails leaves every run to fail or succeed on its own, from scratch).
                let start = cmrr_start(c, setup, freqs, dz).ok();
                let db = mc::run(c, plan, tick, |run| {
                    let pts = cmrr_with_imbalance_from(run, setup, freqs, dz, start.as_ref())?;
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

/// The CMRR samples as one labelled table: a quantity per imbalance and frequency
/// (`CMRR dB at 1 kHz, 600 ohm`), imbalance outermost.
pub fn cmrr_table(plan: McPlan, freqs: &[f64], samples: &[CmrrSamples]) -> Samples {
    let labels = samples
        .iter()
        .flat_map(|s| {
            freqs
                .iter()
                .map(move |&f| format!("CMRR dB at {}, {} ohm", freq_label(f), s.imbalance_ohm))
        })
        .collect();
    let values = (0..plan.indices().len())
        .map(|run| {
            samples
                .iter()
                .flat_map(|s| s.db[run].iter().copied())
                .collect()
        })
        .collect();
    Samples {
        plan,
        labels,
        values,
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
        let kind = crate::output::plot_kind(p);
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
                .filter(|&i| crate::plot::is_top_level_voltage(&p.vectors[i]))
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

/// Simulates every run of `plan` and returns the values of `quantities`, showing a progress
/// bar on a terminal when `show_progress`.
pub fn run_samples(
    c: &Circuit,
    plan: &McPlan,
    quantities: &[RunQuantity],
    show_progress: bool,
) -> Result<Samples, mc::RunError<solver::SolveError>> {
    let message = format!("Monte Carlo: {} runs", plan.indices().len());
    let wants_meas = quantities
        .iter()
        .any(|q| matches!(q.source, Source::Meas(_)));
    let total = plan.indices().len() as u64;
    let values = crate::progress::with_step_bar(show_progress, &message, total, |tick| {
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
                            mag_db(z)
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
    })?;
    Ok(Samples {
        plan: *plan,
        labels: quantities.iter().map(|q| q.label.clone()).collect(),
        values,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shard(start: usize, end: usize, values: &[f64]) -> Samples {
        Samples {
            plan: McPlan::new(6, 3, Distribution::Gauss)
                .with_shard(start, end)
                .unwrap(),
            labels: vec![".op v(x)".into()],
            values: values.iter().map(|&v| vec![v]).collect(),
        }
    }

    #[test]
    fn shards_merge_in_run_order_and_round_trip_through_json() {
        let a = shard(0, 2, &[1.0, 2.5]);
        let b = shard(2, 5, &[f64::NAN, 0.1, 7.0]);
        let c = shard(5, 6, &[3.0]);
        let merged = Samples::merge(vec![c.clone(), a.clone(), b.clone()]).unwrap();
        assert_eq!(merged.plan.shard, None);
        assert_eq!(merged.labels, a.labels);
        let bits: Vec<u64> = merged.column(0).iter().map(|v| v.to_bits()).collect();
        let want: Vec<u64> = [1.0, 2.5, f64::NAN, 0.1, 7.0, 3.0]
            .iter()
            .map(|v: &f64| v.to_bits())
            .collect();
        assert_eq!(bits, want);
        let back = Samples::from_json(&b.json()).unwrap();
        assert_eq!(back.plan, b.plan);
        assert_eq!(back.values[1], vec![0.1]);
        assert!(back.values[0][0].is_nan());
        // A gap or an overlap is refused.
        assert!(Samples::merge(vec![a.clone(), c]).is_err());
        assert!(Samples::merge(vec![a.clone(), a]).is_err());
    }

    #[test]
    fn shard_text_and_bounds() {
        assert_eq!(parse_shard("20000..40000"), Ok((20000, 40000)));
        assert!(parse_shard("5").is_err());
        let plan = McPlan::new(10, 1, Distribution::Uniform);
        assert!(plan.with_shard(3, 11).is_err());
        assert!(plan.with_shard(4, 4).is_err());
        assert_eq!(plan.with_shard(3, 10).unwrap().indices(), 3..10);
    }
}
