//! `.step param` runs and `.meas` end to end: closed-form results per step, nesting order and
//! labels, independence from the number of threads, errors, and the files `balun run` writes.

mod common;
use common::{temp_dir, write};

use std::process::Command;

/// An RC low-pass whose resistance is `rtot = 2*rval`, rval stepped: the -3 dB frequency is
/// f = 1/(2 pi rtot C) with |H(f)| = 1/sqrt(2), i.e. vdb = -10 log10(2) = -3.0103 dB.
/// `.meas` interpolates linearly between the AC points; with 1000 points per decade the
/// interpolation error of the dB curve is below 1e-6 relative.
const STEPPED_RC: &str = "stepped rc
.param rval=1k
.param rtot={2*rval}
V1 in 0 AC 1
R1 in out {rtot}
C1 out 0 100n
.ac dec 1000 10 100k
.step param rval list 250 500 1k 2k
.meas ac fc when vdb(out)={-10*log10(2)}
.meas ac g100 find vdb(out) at=100
.end
";

#[test]
fn stepped_rc_corner_frequency_follows_the_closed_form() {
    let dir = temp_dir("step", "rc");
    let sim = balun::run_file(&write(&dir, "rc.net", STEPPED_RC)).expect("runs");
    assert_eq!(sim.runs.len(), 4);
    for (run, rval) in sim.runs.iter().zip([250.0, 500.0, 1e3, 2e3]) {
        assert_eq!(run.params, vec![("rval".to_string(), rval)]);
        let want = 1.0 / (2.0 * std::f64::consts::PI * 2.0 * rval * 100e-9);
        let fc = run.meas[0].outcome.as_ref().expect("fc measured").value;
        assert!(
            ((fc - want) / want).abs() < 1e-5,
            "rval={rval}: fc {fc} vs {want}"
        );
        // Each run's plots are its own: one AC plot per run.
        assert_eq!(run.plots.len(), 1);
        assert_eq!(sim.plots[run.plots.clone()][0].name, "AC Analysis");
    }
}

#[test]
fn nested_steps_are_the_outer_product_first_card_outermost() {
    let dir = temp_dir("step", "nested");
    let net = "nested
.param a=1 b=1 c=1
V1 in 0 DC {a*b}
R1 in 0 {c}
.op
.step param a list 1 2
.step param b lin 1 3 1
.step param c dec 1 100 1
.end
";
    let sim = balun::run_file(&write(&dir, "n.net", net)).expect("runs");
    assert_eq!(sim.runs.len(), 2 * 3 * 3);
    let labels: Vec<String> = sim.runs.iter().map(|r| r.label()).collect();
    assert_eq!(labels[0], "a=1 b=1 c=1");
    assert_eq!(labels[1], "a=1 b=1 c=10");
    assert_eq!(labels[3], "a=1 b=2 c=1");
    assert_eq!(labels[17], "a=2 b=3 c=100");
    // The op current is -a*b/c through V1 in every run.
    for run in &sim.runs {
        let p = |n: &str| {
            run.params
                .iter()
                .find(|(k, _)| k == n)
                .map(|(_, v)| *v)
                .unwrap()
        };
        let op = &sim.plots[run.plots.start];
        let i = op.vector("i(v1)").expect("i(v1)").data.at(0).re;
        let want = -p("a") * p("b") / p("c");
        assert!(
            (i - want).abs() <= 1e-12 * want.abs(),
            "{}: {i} vs {want}",
            run.label()
        );
    }
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let dir = temp_dir("step", "threads");
    let net = format!(
        "{}.tran 10u 1m\n.meas tran vmax max v(out)\n",
        STEPPED_RC
            .replace(".end\n", "")
            .replace("V1 in 0 AC 1", "V1 in 0 AC 1 PULSE(0 1 0 1u 1u 0.5m 1m)")
    );
    let path = write(&dir, "t.net", &net);
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool");
        pool.install(|| balun::run_file(&path).expect("runs"))
    };
    let (one, four) = (run(1), run(4));
    assert_eq!(
        one.plots, four.plots,
        "plots differ between 1 and 4 threads"
    );
    let meas = |s: &balun::Simulation| {
        s.runs
            .iter()
            .map(|r| (r.label(), r.meas.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(meas(&one), meas(&four));
    assert_eq!(one.runs.len(), 4);
    assert_eq!(one.runs[0].plots.len(), 2);
}

#[test]
fn stepping_an_undefined_parameter_is_an_error() {
    let dir = temp_dir("step", "undefined");
    let net = "bad\nR1 a 0 1k\nI1 0 a 1m\n.op\n.param rval=1k\n.step param rvall list 1 2\n.end\n";
    let failure = balun::run_file(&write(&dir, "bad.net", net)).expect_err("fails");
    let msg = failure.error.to_string();
    assert!(msg.contains("parameter 'rvall' is not defined"), "{msg}");
    assert!(msg.contains("did you mean 'rval'"), "{msg}");
    let out = Command::new(env!("CARGO_BIN_EXE_balun"))
        .args(["run".as_ref(), dir.join("bad.net").as_os_str()])
        .env("NO_COLOR", "1")
        .output()
        .expect("run balun");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bad.net:6:13"), "{stderr}");
}

#[test]
fn a_measure_that_cannot_be_computed_is_reported_by_name() {
    let dir = temp_dir("step", "failed");
    let net = STEPPED_RC.replace(".end\n", ".meas ac up when vdb(out)=10\n.end\n");
    let sim = balun::run_file(&write(&dir, "f.net", &net)).expect("runs");
    let up = &sim.runs[0].meas[2];
    assert_eq!(up.name, "up");
    assert!(up.outcome.as_ref().is_err_and(|e| e.contains("never met")));
    let line = balun::output::meas::ngspice_line(up);
    assert!(
        line.starts_with("up                  =  failed: "),
        "{line}"
    );
}

#[test]
fn run_writes_every_format_labelled_by_step() {
    let dir = temp_dir("step", "files");
    let net = write(&dir, "rc.net", STEPPED_RC);
    let (raw, json, csv) = (dir.join("o.raw"), dir.join("o.json"), dir.join("csv"));
    let out = Command::new(env!("CARGO_BIN_EXE_balun"))
        .args([
            "run".as_ref(),
            net.as_os_str(),
            "--raw".as_ref(),
            raw.as_os_str(),
        ])
        .args(["--plot".as_ref(), dir.join("o.svg").as_os_str()])
        .args([
            "--json".as_ref(),
            json.as_os_str(),
            "--csv".as_ref(),
            csv.as_os_str(),
        ])
        .env("NO_COLOR", "1")
        .output()
        .expect("run balun");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("Step 3/4: rval=1000"), "{stdout}");
    assert!(stdout.contains("Measurements by step"), "{stdout}");
    // The table row of step 3: rval = 1e3, fc = 1/(2 pi 2k 100n) = 795.77 Hz.
    assert!(stdout.contains("1000  7.957"), "{stdout}");

    let raw_text = std::fs::read_to_string(&raw).expect("raw");
    assert_eq!(raw_text.matches("Plotname: AC Analysis").count(), 4);
    assert!(raw_text.contains("Title: stepped rc (rval=2000)"));
    assert_eq!(
        balun::output::raw::read_ascii(&raw_text)
            .expect("reads")
            .len(),
        4
    );

    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("json")).expect("parses");
    let steps = doc["steps"].as_array().expect("steps");
    assert_eq!(steps.len(), 4);
    assert_eq!(steps[1]["params"]["rval"], 500.0);
    assert_eq!(steps[1]["measures"][0]["name"], "fc");
    let fc = steps[1]["measures"][0]["value"].as_f64().expect("fc");
    assert!((fc - 1.0 / (2.0 * std::f64::consts::PI * 1e3 * 100e-9)).abs() < 0.01);
    assert_eq!(steps[1]["plots"][0]["kind"], "ac");

    for n in 1..=4 {
        assert!(csv.join(format!("ac1_step{n}.csv")).exists());
        let figure = std::fs::read_to_string(dir.join(format!("o_step{n}.svg"))).expect("svg");
        assert!(figure.contains("rval="), "step {n}: no label in the figure");
    }
    let meas_csv = std::fs::read_to_string(csv.join("meas.csv")).expect("meas.csv");
    let mut lines = meas_csv.lines();
    assert_eq!(lines.next(), Some("step,rval,fc,g100"));
    assert!(lines.next().is_some_and(|l| l.starts_with("1,250,")));
}

/// balun's extensions beyond ngspice 39's `.meas`: `v(a,b)` and `par()` in AC. A 1k/3k divider
/// from a 1 V AC source: v(mid) = 3/4, v(in) - v(mid) = 1/4 at every frequency, so
/// vm(in,mid) = 0.25, par('vm(mid)/vm(in)') = 0.75 and par('vdb(mid)-vdb(in)') = 20 log10(3/4).
#[test]
fn difference_probes_and_par_expressions_in_ac() {
    let dir = temp_dir("step", "par");
    let net = "divider
V1 in 0 AC 1
R2 in mid 1k
R3 mid 0 3k
.ac dec 5 10 10k
.meas ac d find vm(in,mid) at=1k
.meas ac r max par('vm(mid)/vm(in)')
.meas ac g find par('vdb(mid)-vdb(in)') at=100
.meas ac bad find v(nowhere) at=1k
.end
";
    let failure = balun::run_file(&write(&dir, "p.net", net)).expect_err("unknown node");
    assert!(
        failure.error.to_string().contains("no node 'nowhere'"),
        "{}",
        failure.error
    );
    let net = net.replace(".meas ac bad find v(nowhere) at=1k\n", "");
    let sim = balun::run_file(&write(&dir, "p.net", &net)).expect("runs");
    let v = |i: usize| measured(&sim, i);
    assert!((v(0) - 0.25).abs() < 1e-12, "{}", v(0));
    assert!((v(1) - 0.75).abs() < 1e-12, "{}", v(1));
    assert!((v(2) - 20.0 * 0.75f64.log10()).abs() < 1e-9, "{}", v(2));
}

/// The value of the first run's `i`-th measure (which must have succeeded).
fn measured(sim: &balun::Simulation, i: usize) -> f64 {
    match &sim.runs[0].meas[i].outcome {
        Ok(v) => v.value,
        Err(e) => panic!("measure {i} failed: {e}"),
    }
}

/// `.save` keeps only the named vectors, but a `.meas` still reads its own (as in ngspice):
/// the divider's v(mid) = 3/4 V is measured though only v(in) is saved (it is then written too,
/// as ngspice adds the vectors of its .meas cards to the saved ones).
#[test]
fn meas_vectors_are_kept_under_save() {
    let dir = temp_dir("step", "save");
    let net = "divider\nV1 in 0 DC 1\nR2 in mid 1k\nR3 mid 0 3k\n.save v(in)\n.dc V1 0 1 0.5\n\
               .meas dc vm find v(mid) at=1\n.meas dc iv find i(v1) at=1\n.end\n";
    let sim = balun::run_file(&write(&dir, "s.net", net)).expect("runs");
    let v = |i: usize| measured(&sim, i);
    assert!((v(0) - 0.75).abs() < 1e-12, "{}", v(0));
    assert!((v(1) + 1.0 / 4000.0).abs() < 1e-15, "{}", v(1));
}
