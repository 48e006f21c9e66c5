//! Monte Carlo over element tolerances: run a measurement on many randomly drawn copies of a
//! circuit, in parallel, and summarise each measured quantity.
//!
//! [`run`] draws run `i`'s circuit with [`circuit::Circuit::monte_carlo_run`]`(seed, i)` — its
//! random stream depends only on the seed and `i` — and collects the results in run order, so
//! the samples are the same bit for bit whatever the number of rayon threads (a measurement is
//! a deterministic function of its circuit). [`Stats`] gives the order statistics (linear
//! interpolation between order statistics for the percentiles, as numpy's default) and
//! [`Histogram`] the counts in equal bins.
//!
//! What does not live here: the distributions and the perturbation (`circuit::montecarlo`),
//! progress display and formatting (the CLI).

use circuit::{Circuit, Distribution};
use rayon::prelude::*;

/// How to sample: runs, seed and the default distribution (from `.mc` or the command line),
/// and which of the runs to compute here.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct McPlan {
    /// Runs of the whole Monte Carlo.
    pub runs: usize,
    pub seed: u64,
    pub dist: Distribution,
    /// A shard: only runs `start..end` (within `0..runs`) are computed here; `None` computes
    /// them all. Run `i` is the same bits in any shard ([`Circuit::monte_carlo_run`]), so
    /// shards computed anywhere and concatenated in run order equal the whole run.
    pub shard: Option<(usize, usize)>,
}

impl McPlan {
    /// Every run of `runs`, no shard.
    pub fn new(runs: usize, seed: u64, dist: Distribution) -> McPlan {
        McPlan {
            runs,
            seed,
            dist,
            shard: None,
        }
    }

    /// The run indices computed here: the shard, else `0..runs`.
    pub fn indices(&self) -> std::ops::Range<usize> {
        match self.shard {
            Some((start, end)) => start..end,
            None => 0..self.runs,
        }
    }

    /// The plan restricted to runs `start..end`; an error unless `start < end <= runs`.
    pub fn with_shard(self, start: usize, end: usize) -> Result<McPlan, String> {
        if start >= end || end > self.runs {
            return Err(format!(
                "runs {start}..{end}: a shard needs start < end <= {} (the Monte Carlo's runs)",
                self.runs
            ));
        }
        Ok(McPlan {
            shard: Some((start, end)),
            ..self
        })
    }
}

impl From<circuit::MonteCarlo> for McPlan {
    fn from(m: circuit::MonteCarlo) -> Self {
        McPlan::new(m.runs, m.seed, m.dist)
    }
}

/// A Monte Carlo run that failed: its index (0-based; `(seed, run)` reproduces its circuit
/// with [`Circuit::monte_carlo_run`]) and the error.
#[derive(Debug, Clone, PartialEq)]
pub struct RunError<E> {
    pub run: u64,
    pub error: E,
}

impl<E: std::fmt::Display> std::fmt::Display for RunError<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Monte Carlo run {}: {}", self.run, self.error)
    }
}

/// Runs `measure` on the perturbed copies of `circuit` of the plan's runs
/// ([`McPlan::indices`]) in parallel (rayon's current pool) and returns the results in run
/// order; `tick` is called once per finished run (from
/// any thread: a progress bar). The first error (in run order) is returned instead.
pub fn run<T, E>(
    circuit: &Circuit,
    plan: &McPlan,
    tick: &(dyn Fn() + Sync),
    measure: impl Fn(&Circuit) -> Result<T, E> + Sync,
) -> Result<Vec<T>, RunError<E>>
where
    T: Send,
    E: Send,
{
    let runs = plan.indices();
    (runs.start as u64..runs.end as u64)
        .into_par_iter()
        .map(|run| {
            let c = circuit.monte_carlo_run(plan.seed, run, plan.dist);
            let r = measure(&c).map_err(|error| RunError { run, error });
            tick();
            r
        })
        .collect()
}

/// Summary of one quantity over the runs. Non-finite samples (an infinite CMRR) are counted in
/// `non_finite` and left out of the rest.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stats {
    /// Finite samples.
    pub n: usize,
    pub non_finite: usize,
    pub min: f64,
    pub p5: f64,
    pub median: f64,
    pub p95: f64,
    pub max: f64,
    pub mean: f64,
    /// Sample standard deviation (`n - 1` in the denominator; 0 for one sample).
    pub std: f64,
}

impl Stats {
    /// The statistics of `samples`; `None` when none is finite.
    pub fn of(samples: &[f64]) -> Option<Stats> {
        let mut x: Vec<f64> = samples.iter().copied().filter(|v| v.is_finite()).collect();
        if x.is_empty() {
            return None;
        }
        x.sort_by(f64::total_cmp);
        let n = x.len();
        let mean = x.iter().sum::<f64>() / n as f64;
        let var = if n > 1 {
            x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64
        } else {
            0.0
        };
        Some(Stats {
            n,
            non_finite: samples.len() - n,
            min: x[0],
            p5: percentile(&x, 0.05),
            median: percentile(&x, 0.5),
            p95: percentile(&x, 0.95),
            max: x[n - 1],
            mean,
            std: var.sqrt(),
        })
    }
}

/// The `q` quantile (0..=1) of sorted, non-empty `x`: linear interpolation between the order
/// statistics at rank `q*(n-1)`.
pub fn percentile(x: &[f64], q: f64) -> f64 {
    let r = q.clamp(0.0, 1.0) * (x.len() - 1) as f64;
    let lo = r.floor() as usize;
    let hi = r.ceil() as usize;
    x[lo] + (x[hi] - x[lo]) * (r - lo as f64)
}

/// Counts of finite samples in `counts.len()` equal bins from `lo` to `hi` (the last bin
/// includes `hi`).
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    pub lo: f64,
    pub hi: f64,
    pub counts: Vec<usize>,
}

impl Histogram {
    /// `bins` (at least 1) equal bins over the finite samples' range (a range of zero width
    /// is widened by 1e-9 relative, or 1e-9 absolute, on each side).
    pub fn of(samples: &[f64], bins: usize) -> Option<Histogram> {
        let bins = bins.max(1);
        let finite = samples.iter().copied().filter(|v| v.is_finite());
        let (mut lo, mut hi) = finite
            .clone()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                (a.min(v), b.max(v))
            });
        if lo > hi {
            return None;
        }
        if hi == lo {
            let pad = (lo.abs() * 1e-9).max(1e-9);
            lo -= pad;
            hi += pad;
        }
        let mut counts = vec![0; bins];
        let width = (hi - lo) / bins as f64;
        for v in finite {
            let i = (((v - lo) / width) as usize).min(bins - 1);
            counts[i] += 1;
        }
        Some(Histogram { lo, hi, counts })
    }

    /// The edges of bin `i`.
    pub fn bin(&self, i: usize) -> (f64, f64) {
        let w = (self.hi - self.lo) / self.counts.len() as f64;
        (self.lo + w * i as f64, self.lo + w * (i + 1) as f64)
    }

    /// All bin edges, `counts.len() + 1` of them, from `lo` to `hi`.
    pub fn edges(&self) -> Vec<f64> {
        let n = self.counts.len();
        (0..=n)
            .map(|i| self.lo + (self.hi - self.lo) * i as f64 / n as f64)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_of_a_known_sample() {
        // 1..=101: median 51, 5th percentile at rank 5 -> 6, 95th at rank 95 -> 96,
        // mean 51, variance sum((k-51)^2)/100 = 2*sum_{j=1}^{50} j^2/100 = 858.5.
        let mut x: Vec<f64> = (1..=101).map(f64::from).rev().collect();
        x.push(f64::INFINITY);
        let s = Stats::of(&x).unwrap();
        assert_eq!((s.n, s.non_finite), (101, 1));
        assert_eq!(
            (s.min, s.p5, s.median, s.p95, s.max),
            (1.0, 6.0, 51.0, 96.0, 101.0)
        );
        assert_eq!(s.mean, 51.0);
        assert!((s.std - 858.5f64.sqrt()).abs() < 1e-12);
        assert_eq!(Stats::of(&[f64::NAN]), None);
    }

    #[test]
    fn histogram_counts_every_finite_sample_once() {
        let x = [0.0, 0.1, 0.5, 0.99, 1.0, f64::NAN];
        let h = Histogram::of(&x, 2).unwrap();
        assert_eq!(h.counts, vec![2, 3]);
        assert_eq!(h.bin(1), (0.5, 1.0));
        let one = Histogram::of(&[3.0, 3.0], 4).unwrap();
        assert_eq!(one.counts.iter().sum::<usize>(), 2);
    }
}
