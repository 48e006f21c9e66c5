//! Monte Carlo over element tolerances (`tol=`, `.mc`, `balun cmrr --mc`): reproducibility
//! bit for bit (across runs and rayon thread counts) and the distribution of a difference
//! amplifier's CMRR with 1% resistors against the distribution analysis predicts.

use circuit::{Circuit, Distribution};
use measure::cmrr::{cmrr, cmrr_start, cmrr_with_imbalance, cmrr_with_imbalance_from, CmrrSetup};
use measure::montecarlo::{self as mc, McPlan, Stats};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The 4-resistor difference amplifier (G = 1, R = 10k, op-amp a VCVS of gain 1e6) with every
/// resistor `tol=1%`, and a `.mc` card.
const DIFF_AMP: &str = "diff amp, 1% resistors\n\
    Vh hot 0 AC 0.5\nVc cold 0 AC -0.5\n\
    R1 cold inn 10k tol=1%\nR2 inn out 10k tol=1%\nR3 hot inp 10k tol=1%\nR4 inp 0 10k tol=1%\n\
    Eop out 0 inp inn 1e6\n.cmrr out vh vc\n.mc 40 seed=11 dist=uniform\n.ac dec 1 100 1k\n";

fn circuit(text: &str) -> Circuit {
    let (ast, _) = netlist::parse_str(Path::new("t.net"), text).expect("parses");
    circuit::elaborate(&ast).expect("elaborates")
}

fn setup(c: &Circuit) -> CmrrSetup {
    CmrrSetup {
        hot: c.device("vh").unwrap(),
        cold: c.device("vc").unwrap(),
        out: measure::find_output(c, "out").unwrap(),
    }
}

/// CMRR (dB) at 1 kHz of each run.
fn cmrr_samples(c: &Circuit, plan: &McPlan) -> Vec<f64> {
    let s = setup(c);
    mc::run(c, plan, &|| {}, |run| {
        cmrr(run, &s, &[1e3]).map(|p| p[0].cmrr_db())
    })
    .expect("every run solves")
}

fn bits(x: &[f64]) -> Vec<u64> {
    x.iter().map(|v| v.to_bits()).collect()
}

#[test]
fn seeded_runs_are_identical_across_repeats_and_thread_counts() {
    let c = circuit(DIFF_AMP);
    let plan = McPlan::from(c.monte_carlo.expect(".mc card"));
    let pool = |n| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap()
    };
    let one = pool(1).install(|| cmrr_samples(&c, &plan));
    let again = pool(1).install(|| cmrr_samples(&c, &plan));
    let four = pool(4).install(|| cmrr_samples(&c, &plan));
    assert_eq!(one.len(), 40);
    assert_eq!(bits(&one), bits(&again));
    assert_eq!(bits(&one), bits(&four));
    // The draws differ from run to run and with the seed.
    assert!(one.windows(2).all(|w| w[0] != w[1]));
    let other = cmrr_samples(&c, &McPlan { seed: 12, ..plan });
    assert_ne!(bits(&one), bits(&other));
}

/// The 21-transistor 741 of tests/tran/bjt_opamp_tran.net as the balanced receiver of
/// tests/macromodels/receiver.inc with its four resistors `tol=1%` (the `mc_receiver` row of
/// benches/vs-ngspice.sh).
fn receiver_741_mc() -> Circuit {
    let opamp = std::fs::read_to_string(root().join("tests/tran/bjt_opamp_tran.net")).unwrap();
    let lines: Vec<&str> = opamp.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.to_lowercase().starts_with(".subckt"))
        .unwrap();
    let end = lines
        .iter()
        .position(|l| l.to_lowercase().starts_with("vcc"))
        .unwrap();
    let inc = std::fs::read_to_string(root().join("tests/macromodels/receiver.inc")).unwrap();
    let body = inc.lines().filter(|l| !l.starts_with('*')).map(|l| {
        let resistor = ["r1 ", "r2 ", "r3 ", "r4 "]
            .iter()
            .any(|r| l.starts_with(r));
        if resistor {
            format!("{l} tol=1%")
        } else {
            l.to_string()
        }
    });
    let text = std::iter::once("receiver around ua741".to_string())
        .chain(lines[start..end].iter().map(|l| l.to_string()))
        .chain(body)
        .chain([
            "x1 inp inn vp vn out ua741".into(),
            ".op".into(),
            ".end".into(),
        ])
        .collect::<Vec<_>>()
        .join("\n");
    circuit(&text)
}

/// `balun cmrr --mc` starts each run's operating point from the nominal one
/// (`cmrr_with_imbalance_from`); a run solved from scratch (`cmrr_with_imbalance`) gives the
/// same CMRR within Newton's convergence tolerance. On the 741 receiver (about 250 iterations
/// with GMIN stepping from scratch, a few from the nominal point) the two agree to 1e-6
/// relative in |Adm|, |Acm| and |Adm/Acm| for every run checked, with and without a source
/// imbalance (measured: at most 2e-7, on the run whose CMRR is 118 dB).
#[test]
fn warm_started_runs_match_runs_from_scratch() {
    let c = receiver_741_mc();
    let s = CmrrSetup {
        hot: c.device("vh").unwrap(),
        cold: c.device("vc").unwrap(),
        out: measure::find_output(&c, "out").unwrap(),
    };
    let freqs = [50.0, 1e3, 10e3];
    let rel = |a: f64, b: f64| (a / b - 1.0).abs();
    for dz in [0.0, 600.0] {
        let start = cmrr_start(&c, &s, &freqs, dz).unwrap();
        for run in [0, 1, 2, 3, 727] {
            let copy = c.monte_carlo_run(1, run, Distribution::Gauss);
            let warm = cmrr_with_imbalance_from(&copy, &s, &freqs, dz, Some(&start)).unwrap();
            let cold = cmrr_with_imbalance(&copy, &s, &freqs, dz).unwrap();
            for (w, k) in warm.iter().zip(&cold) {
                let ratio = |p: &measure::cmrr::CmrrPoint| (p.adm / p.acm).norm();
                let errors = [
                    rel(w.adm.norm(), k.adm.norm()),
                    rel(w.acm.norm(), k.acm.norm()),
                    rel(ratio(w), ratio(k)),
                ];
                assert!(
                    errors.iter().all(|&e| e < 1e-6),
                    "run {run}, dz {dz}, {} Hz: {errors:?}",
                    w.freq_hz
                );
                assert_eq!(w.leg, k.leg);
            }
        }
    }
}

/// `P(|S| < x)` for `S = d1 - d2 - d3 + d4`, the `d_i` independent with tolerance `t = 1`:
/// - uniform on [-1, 1]: `S = 2(Y - 2)`, `Y` the sum of 4 U(0,1) (Irwin-Hall, n = 4), so
///   `P(|S| < x) = 2 F(2 + x/2) - 1`, `F(y) = (1/24) sum_{k <= y} (-1)^k C(4,k) (y-k)^4`;
/// - gauss with 1 = 3 sigma: `S ~ N(0, (2/3)^2)`, `P(|S| < x) = 2 Phi(x / (2/3)) - 1`
///   (Phi by Simpson's rule on the normal density; 4000 intervals are exact to ~1e-13).
fn abs_sum_cdf(dist: Distribution, x: f64) -> f64 {
    match dist {
        Distribution::Uniform => {
            let y = 2.0 + x / 2.0;
            let binom = [1.0, 4.0, 6.0, 4.0, 1.0];
            let f: f64 = (0..=4)
                .filter(|&k| f64::from(k) <= y)
                .map(|k| {
                    let sign = if k % 2 == 0 { 1.0 } else { -1.0 };
                    sign * binom[k as usize] * (y - f64::from(k)).powi(4)
                })
                .sum::<f64>()
                / 24.0;
            2.0 * f.min(1.0) - 1.0
        }
        Distribution::Gauss => {
            let z = x / (2.0 / 3.0);
            let n = 4000;
            let h = z / n as f64;
            let pdf = |u: f64| (-u * u / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt();
            let simpson: f64 = (0..=n)
                .map(|i| {
                    let w = if i == 0 || i == n {
                        1.0
                    } else if i % 2 == 1 {
                        4.0
                    } else {
                        2.0
                    };
                    w * pdf(i as f64 * h)
                })
                .sum::<f64>()
                * h
                / 3.0;
            2.0 * simpson
        }
    }
}

/// The `q` quantile of `|S|` (t = 1) by bisection on [`abs_sum_cdf`].
fn abs_sum_quantile(dist: Distribution, q: f64) -> f64 {
    let (mut lo, mut hi) = (0.0, 4.0);
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if abs_sum_cdf(dist, mid) < q {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

#[test]
fn diff_amp_cmrr_with_1_percent_resistors_is_distributed_as_predicted() {
    // Analysis. With an ideal op-amp, Vout = a*Vhot - b*Vcold, a = R4/(R3+R4)*(1+R2/R1),
    // b = R2/R1, Adm = (a+b)/2, Acm = a-b = (R1 R4 - R2 R3)/(R1 (R3+R4)). With R1 = R(1+d1),
    // R2 = G R(1+d2), R3 = R(1+d3), R4 = G R(1+d4), to first order in the d_i:
    //   Acm = G (d1 - d2 - d3 + d4)/(1+G) = G S/(1+G),  Adm = G,  CMRR = (1+G)/|S|.
    // The neglected terms are relative O(t) = 1% (0.1 dB) and (1+2G)/2 next to (1+G)/|S| ~ 400
    // (0.03 dB). CMRR is decreasing in |S|, so its q quantile is (1+G)/(the 1-q quantile of
    // |S|), with |S| = t * (the t = 1 variable of `abs_sum_cdf`).
    //
    // Sampling error: the q quantile of n samples has standard deviation
    // sqrt(q(1-q)/n) / f(x_q), f the density of |S| at its quantile x_q; in dB
    // (20/ln 10) * sqrt(q(1-q)/n) / (x_q f(x_q)). We allow 4 of those plus 0.15 dB of model
    // error. n = 1500: ~0.25 dB for the median, ~0.2 dB at 5% and ~1 dB at 95% (where |S|
    // is small and sparse).
    let g = 1.0;
    let t = 0.01;
    let n = 1500;
    let base = circuit(DIFF_AMP);
    for dist in [Distribution::Uniform, Distribution::Gauss] {
        let plan = McPlan::new(n, 2024, dist);
        let x = cmrr_samples(&base, &plan);
        let s = Stats::of(&x).expect("finite CMRRs");
        for (q, got) in [(0.5, s.median), (0.05, s.p5), (0.95, s.p95)] {
            let xq = abs_sum_quantile(dist, 1.0 - q);
            let predicted = 20.0 * ((1.0 + g) / (t * xq)).log10();
            let h = 1e-5;
            let density = (abs_sum_cdf(dist, xq + h) - abs_sum_cdf(dist, xq - h)) / (2.0 * h);
            let sigma_db =
                20.0 / std::f64::consts::LN_10 * (q * (1.0 - q) / n as f64).sqrt() / (xq * density);
            let allowed = 4.0 * sigma_db + 0.15;
            eprintln!("{dist:?} q={q}: {got:.2} dB, predicted {predicted:.2} +- {allowed:.2}");
            assert!(
                (got - predicted).abs() < allowed,
                "{dist:?} q={q}: {got:.2} dB vs predicted {predicted:.2} +- {allowed:.2}"
            );
        }
    }
    // The median quoted in the docs: gauss, |S| median = 0.6745 * 2/3 * t: 52.96 dB.
    let gauss_median = 20.0 * (2.0 / (0.01 * abs_sum_quantile(Distribution::Gauss, 0.5))).log10();
    assert!((gauss_median - 52.96).abs() < 0.01, "{gauss_median}");
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn balun(args: &[&str], threads: &str) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_balun"))
        .args(args)
        .current_dir(root())
        .env("RAYON_NUM_THREADS", threads)
        .output()
        .expect("runs balun");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Writes netlist `text` to `file` in directory `dir` of the tests' scratch space.
fn write_net(dir: &str, file: &str, text: &str) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(dir);
    std::fs::create_dir_all(&dir).unwrap();
    let net = dir.join(file);
    std::fs::write(&net, text).unwrap();
    net
}

/// Runs balun with 1 and then 2 threads (the outputs must be identical) and returns the
/// output and the statistics row (min, 5%, median, 95%, max, mean, std) of quantity `label`.
fn run_stats(args: &[&str], label: &str) -> (String, Vec<f64>) {
    let (ok, out, err) = balun(args, "1");
    assert!(ok, "{err}");
    let (_, out2, _) = balun(args, "2");
    assert_eq!(out, out2);
    let row = out
        .lines()
        .find(|l| l.starts_with(label))
        .unwrap_or_else(|| panic!("{out}"))
        .split_whitespace()
        .skip(label.split_whitespace().count())
        .map(|c| c.parse().unwrap())
        .collect();
    (out, row)
}

#[test]
fn cli_monte_carlo_is_reproducible_and_writes_the_histogram() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("balun-mc");
    std::fs::create_dir_all(&dir).unwrap();
    let net = dir.join("diffamp_mc.net");
    std::fs::write(&net, DIFF_AMP).unwrap();
    let svg = dir.join("hist.svg");
    let net_s = net.to_str().unwrap();
    let args = [
        "cmrr",
        net_s,
        "--freq",
        "60,1k",
        "--imbalance",
        "0,600",
        "--json",
        "--hist",
        svg.to_str().unwrap(),
    ];
    let (ok, one, err) = balun(&args, "1");
    assert!(ok, "{err}");
    let (_, three, _) = balun(&args, "3");
    assert_eq!(one, three, "JSON differs between 1 and 3 threads");
    let doc: serde_json::Value = serde_json::from_str(&one).unwrap();
    assert_eq!(doc["monte_carlo"]["runs"], 40);
    assert_eq!(doc["monte_carlo"]["seed"], 11);
    assert_eq!(doc["monte_carlo"]["dist"], "uniform");
    let p = &doc["results"][1]["points"][0];
    assert_eq!(p["samples"].as_array().unwrap().len(), 40);
    // 600 ohm in one leg of Zcm = 20 kohm: CMRR <= ~ 20*log10(20k/600) + the resistor
    // mismatch's contribution, which can add or subtract: the median stays within a few dB.
    let median = p["cmrr_db"]["median"].as_f64().unwrap();
    assert!((median - 30.5).abs() < 3.0, "{median}");
    let svg_text = std::fs::read_to_string(&svg).unwrap();
    for name in ["60 Hz, 0 ohm", "1 kHz, 600 ohm", "CMRR (dB)"] {
        assert!(svg_text.contains(name), "{name} not in the SVG");
    }

    // The text report: the statistics header and a histogram.
    let (ok, text, err) = balun(&["cmrr", net_s, "--freq", "1k", "--mc", "25"], "2");
    assert!(ok, "{err}");
    assert!(
        text.contains("25 runs, seed 11, default distribution uniform"),
        "{text}"
    );
    assert!(
        text.contains("median") && text.contains("histogram at 1 kHz:"),
        "{text}"
    );
    let bars = text.lines().filter(|l| l.contains(" | ")).count();
    assert_eq!(bars, 12, "{text}");

    // Without tolerances, a Monte Carlo is an error that says what to add.
    let plain = dir.join("plain.net");
    std::fs::write(
        &plain,
        DIFF_AMP
            .replace(" tol=1%", "")
            .replace(".mc 40 seed=11 dist=uniform\n", ""),
    )
    .unwrap();
    let (ok, _, err) = balun(&["cmrr", plain.to_str().unwrap(), "--mc", "5"], "1");
    assert!(!ok);
    assert!(err.contains("no element has a tolerance"), "{err}");
}

/// `balun run` with a `.mc` card: statistics of the .op value of a divider of two 1% resistors
/// (uniform). v(mid) = 10 V * R2/(R1+R2) = 5 V * (1 + (d2 - d1)/2) to first order, with
/// d1, d2 uniform on +-1%: mean 5 V, standard deviation 2.5 V * sqrt(2 * 0.01^2/3) = 20.41 mV;
/// the sum of two uniforms is triangular, so the 5%..95% range is 5 V +- 2.5 V * 0.02 *
/// (1 - sqrt(0.1)) = +-34.19 mV. With n = 2000 runs: the sample std is within ~2.6% (1 sigma
/// ~ sqrt((kurtosis - 1)/(4n)), kurtosis 2.4 for the triangle: 1.3%), the percentiles within
/// ~1.5 mV (4 sigma: sqrt(q(1-q)/n)/density, density 8.5/V at the 5% point). Identical text
/// with 1 and 2 threads.
#[test]
fn run_reports_op_statistics_of_a_toleranced_divider() {
    let net = write_net(
        "balun-mc-run",
        "divider.net",
        "divider\nV1 in 0 DC 10 AC 1\nR1 in mid 10k tol=1%\nR2 mid 0 10k tol=1%\n\
         C1 mid 0 10n tol=5%\n.mc 2000 seed=3 dist=uniform\n.op\n.ac dec 10 10 100k\n",
    );
    let (out, row) = run_stats(
        &["run", net.to_str().unwrap(), "--vectors", "mid"],
        ".op v(mid)",
    );
    let [_min, p5, median, p95, _max, mean, std] = row[..] else {
        panic!("{row:?}");
    };
    assert!(
        (mean - 5.0).abs() < 4.0 * 0.02041 / 2000f64.sqrt(),
        "{mean}"
    );
    assert!((median - 5.0).abs() < 2e-3, "{median}");
    assert!((std / 0.020412 - 1.0).abs() < 0.06, "{std}");
    let half = 2.5 * 0.02 * (1.0 - 0.1f64.sqrt());
    assert!((p95 - 5.0 - half).abs() < 1.5e-3, "{p95}");
    assert!((5.0 - p5 - half).abs() < 1.5e-3, "{p5}");
    // The .ac magnitudes at the spot frequencies inside the sweep are summarised too.
    assert!(out.contains(".ac |v(mid)| dB at 1 kHz"), "{out}");
    assert!(out.contains("histogram of .op v(mid):"), "{out}");
}

/// `balun run` Monte Carlo of a `.meas` result, here a transient one: the time an RC step
/// response takes to reach half its final value, t50 = R*C*ln 2 (the 1 ns edge shifts it by
/// 0.5 ns, 7e-7 relative). With R and C uniform on +-1%, t50 = t0*(1+a)(1+b): every run lies
/// in t0*[0.99^2, 1.01^2], the mean is t0 and the standard deviation t0*sqrt(2*0.01^2/3 +
/// (0.01^2/3)^2) = 0.8165% of t0. With n = 400 runs the mean is within 4 sigma = 0.163% (plus
/// 1e-4 for the transient's own error) and the sample std within 15% (1 sigma ~
/// sqrt((kurtosis - 1)/(4n)) = 3% for kurtosis 2.4). Identical text with 1 and 2 threads.
#[test]
fn run_reports_meas_statistics_of_a_transient() {
    let net = write_net(
        "balun-mc-meas",
        "rc_step.net",
        "rc step\nV1 in 0 PULSE(0 1 0 1n 1n 1 2)\nR1 in out 1k tol=1%\nC1 out 0 1u tol=1%\n\
         .mc 400 seed=7 dist=uniform\n.tran 1u 5m 0 1u\n\
         .meas tran t50 when v(out)=0.5 rise=1\n.end\n",
    );
    let (out, row) = run_stats(&["run", net.to_str().unwrap()], ".meas t50");
    let [min, _p5, _median, _p95, max, mean, std] = row[..] else {
        panic!("{row:?}");
    };
    let t0 = 1e3 * 1e-6 * std::f64::consts::LN_2;
    assert!(min >= t0 * 0.99f64.powi(2) * (1.0 - 1e-4), "{min}");
    assert!(max <= t0 * 1.01f64.powi(2) * (1.0 + 1e-4), "{max}");
    assert!((mean / t0 - 1.0).abs() < 0.0017 + 1e-4, "{mean}");
    assert!((std / (t0 * 0.008165) - 1.0).abs() < 0.15, "{std}");
    assert!(out.contains("histogram of .meas t50:"), "{out}");

    // `--json` carries the same statistics and every run's value.
    let json_path = net.with_extension("json");
    let (ok, _, err) = balun(
        &[
            "run",
            net.to_str().unwrap(),
            "-q",
            "--json",
            json_path.to_str().unwrap(),
        ],
        "2",
    );
    assert!(ok, "{err}");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    let mc = &doc["monte_carlo"];
    assert_eq!(mc["runs"], 400);
    assert_eq!(mc["seed"], 7);
    let q = &mc["quantities"][0];
    assert_eq!(q["label"], ".meas t50");
    let samples: Vec<f64> = q["samples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert_eq!(samples.len(), 400);
    let json_mean = samples.iter().sum::<f64>() / 400.0;
    assert!(
        (json_mean / mean - 1.0).abs() < 1e-5,
        "{json_mean} vs {mean}"
    );
    assert_eq!(q["stats"]["n"], 400);
    assert!((q["stats"]["min"].as_f64().unwrap() / min - 1.0).abs() < 1e-5);
}

/// `--runs START..END` computes a shard: its samples are the whole Monte Carlo's runs
/// START..END bit for bit (JSON numbers are written in shortest round-trip form and read
/// back exactly), its JSON says `"shard": [START, END]`, and a shard outside the runs is an
/// error.
#[test]
fn run_shards_are_slices_of_the_whole_monte_carlo() {
    let net = write_net(
        "balun-mc-shard",
        "divider.net",
        "divider\nV1 in 0 DC 10\nR1 in mid 10k tol=1%\nR2 mid 0 10k tol=1%\n.op\n",
    );
    let net = net.to_str().unwrap();
    let json = |extra: &[&str], name: &str| -> serde_json::Value {
        let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("balun-mc-shard")
            .join(name);
        let mut args = vec![
            "run",
            net,
            "-q",
            "--mc",
            "40",
            "--json",
            path.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let (ok, _, err) = balun(&args, "2");
        assert!(ok, "{err}");
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
    };
    let samples = |doc: &serde_json::Value| -> Vec<u64> {
        doc["monte_carlo"]["quantities"][0]["samples"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap().to_bits())
            .collect()
    };
    let whole = json(&[], "whole.json");
    let shard = json(&["--runs", "10..25"], "shard.json");
    assert_eq!(shard["monte_carlo"]["runs"], 40);
    assert_eq!(shard["monte_carlo"]["shard"], serde_json::json!([10, 25]));
    assert_eq!(samples(&shard), samples(&whole)[10..25]);

    let (ok, text, _) = balun(&["run", net, "--mc", "40", "--runs", "30..40"], "1");
    assert!(ok);
    assert!(text.contains("runs 30..40 of 40, seed 1"), "{text}");
    let (ok, _, err) = balun(&["run", net, "--mc", "40", "--runs", "30..41"], "1");
    assert!(!ok);
    assert!(err.contains("a shard needs start < end <= 40"), "{err}");
}
