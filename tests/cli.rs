//! End-to-end tests of the `balun` binary: exit codes, printed tables, diagnostics and the files
//! it writes. Each test writes its netlist into its own temporary directory.

mod common;
use balun::output::raw;
use balun::solver::Data;
use common::{temp_dir, write};

use std::process::{Command, Output};

fn balun(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_balun"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run balun")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// 10 V across two 1 k resistors: v(out) = 10 * 1k / (1k + 1k) = 5 V exactly,
/// and the source current i(v1) = -10 V / 2 kohm = -5 mA (ngspice's sign: current into `+`).
const DIVIDER: &str = "divider
V1 in 0 DC 10
R1 in out 1k
R2 out 0 1k
.op
.end
";

#[test]
fn op_prints_divider_voltage() {
    let dir = temp_dir("cli", "op");
    let net = write(&dir, "div.net", DIVIDER);
    let out = balun(&["run".as_ref(), net.as_os_str()]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let line = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("v(out)"))
        .unwrap_or_else(|| panic!("no v(out) line in:\n{stdout}"));
    assert!(line.ends_with("5.000 V"), "{line}");
    let line = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("i(v1)"))
        .unwrap_or_else(|| panic!("no i(v1) line in:\n{stdout}"));
    assert!(line.ends_with("-5.000 mA"), "{line}");
}

#[test]
fn quiet_prints_nothing() {
    let dir = temp_dir("cli", "quiet");
    let net = write(&dir, "div.net", DIVIDER);
    let out = balun(&["run".as_ref(), net.as_os_str(), "-q".as_ref()]);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
}

#[test]
fn syntax_error_points_at_file_line_column() {
    let dir = temp_dir("cli", "syntax");
    // Line 3 has a resistor with no value: the error is on line 3.
    let net = write(
        &dir,
        "bad.net",
        "bad netlist\nV1 in 0 DC 10\nR1 in out\nR2 out 0 1k\n.op\n.end\n",
    );
    let out = balun(&["run".as_ref(), net.as_os_str()]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    let first = stderr.lines().next().unwrap_or_default();
    assert!(
        first.contains("bad.net:3:"),
        "first line: {first}\n{stderr}"
    );
    assert!(first.contains("error"), "{stderr}");
    // The source line is quoted.
    assert!(stderr.contains("R1 in out"), "{stderr}");
}

#[test]
fn elaboration_error_points_at_its_line() {
    let dir = temp_dir("cli", "column");
    // `{nope*2}` on line 3 names an undefined parameter: elaboration fails there.
    let net = write(
        &dir,
        "file.net",
        "expr\nV1 in 0 DC 10\nR1 in out {nope*2}\nR2 out 0 1k\n.op\n.end\n",
    );
    let out = balun(&["check".as_ref(), net.as_os_str()]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("file.net:3:"), "{stderr}");
    assert!(stderr.contains("nope"), "{stderr}");
}

#[test]
fn missing_file_is_an_error() {
    let dir = temp_dir("cli", "missing");
    let net = dir.join("does-not-exist.net");
    let out = balun(&["run".as_ref(), net.as_os_str()]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("does-not-exist.net"), "{stderr}");
    assert!(stderr.contains("error"), "{stderr}");
}

#[test]
fn usage_error_exits_non_zero() {
    let out = balun(&["frobnicate".as_ref()]);
    assert!(!out.status.success());
}

#[test]
fn raw_file_reads_back() {
    let dir = temp_dir("cli", "raw");
    let net = write(
        &dir,
        "div.net",
        "divider sweep\nV1 in 0 DC 10 AC 1\nR1 in out 1k\nR2 out 0 1k\n.op\n.dc V1 0 2 1\n.ac dec 1 10 100\n.end\n",
    );
    let raw_path = dir.join("out.raw");
    let out = balun(&[
        "run".as_ref(),
        net.as_os_str(),
        "--raw".as_ref(),
        raw_path.as_os_str(),
        "-q".as_ref(),
    ]);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let raw_text = std::fs::read_to_string(&raw_path).expect("raw file written");
    assert!(raw_text.starts_with("Title: divider sweep\n"), "{raw_text}");
    let plots = raw::read_ascii(&raw_text).expect("balun's raw file parses");

    let op = plots
        .iter()
        .find(|p| p.name == "Operating Point")
        .expect("op plot");
    assert!(op.scale.is_none());
    let v = op.vector("v(out)").expect("v(out)").data.at(0);
    assert!((v.re - 5.0).abs() < 1e-9, "{v}");

    // DC: v(out) = sweep / 2 at 0, 1, 2 V.
    let dc = plots
        .iter()
        .find(|p| p.name == "DC transfer characteristic")
        .expect("dc plot");
    let scale = dc.scale.as_ref().expect("dc scale");
    assert_eq!(scale.data, Data::Real(vec![0.0, 1.0, 2.0]));
    let out_v = &dc.vector("v(out)").expect("v(out)").data;
    for (i, want) in [0.0, 0.5, 1.0].into_iter().enumerate() {
        assert!((out_v.at(i).re - want).abs() < 1e-9);
    }

    // AC: a resistive divider is flat, 0.5 + 0j at 10 and 100 Hz.
    let ac = plots.iter().find(|p| p.name == "AC Analysis").expect("ac");
    assert!(ac.is_complex());
    assert!(
        raw_text.contains("\tfrequency\tfrequency\tgrid=3\n"),
        "{raw_text}"
    );
    let out_ac = &ac.vector("v(out)").expect("v(out)").data;
    assert_eq!(out_ac.len(), 2);
    for i in 0..2 {
        assert!((out_ac.at(i) - num_complex::Complex64::new(0.5, 0.0)).norm() < 1e-9);
    }
}

#[test]
fn json_has_the_value() {
    let dir = temp_dir("cli", "json");
    let net = write(&dir, "div.net", DIVIDER);
    let json_path = dir.join("out.json");
    let out = balun(&[
        "run".as_ref(),
        net.as_os_str(),
        "--json".as_ref(),
        json_path.as_os_str(),
        "-q".as_ref(),
    ]);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).expect("json written"))
            .expect("valid JSON");
    assert_eq!(doc["title"], "divider");
    let op = &doc["plots"][0];
    assert_eq!(op["name"], "Operating Point");
    assert!(op["scale"].is_null());
    let vout = op["vectors"]
        .as_array()
        .expect("vectors")
        .iter()
        .find(|v| v["name"] == "v(out)")
        .expect("v(out)");
    assert_eq!(vout["unit"], "V");
    let x = vout["re"][0].as_f64().expect("number");
    assert!((x - 5.0).abs() < 1e-9, "{x}");
}

#[test]
fn csv_writes_one_file_per_plot() {
    let dir = temp_dir("cli", "csv");
    let net = write(
        &dir,
        "div.net",
        "divider\nV1 in 0 DC 10 AC 1\nR1 in out 1k\nR2 out 0 1k\n.op\n.ac dec 1 10 100\n.end\n",
    );
    let csv_dir = dir.join("csv");
    let out = balun(&[
        "run".as_ref(),
        net.as_os_str(),
        "--csv".as_ref(),
        csv_dir.as_os_str(),
        "-q".as_ref(),
    ]);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let op = std::fs::read_to_string(csv_dir.join("op.csv")).expect("op.csv");
    let mut lines = op.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    let row: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    let col = header
        .iter()
        .position(|h| *h == "v(out)")
        .expect("v(out) column");
    assert_eq!(row[col].parse::<f64>().ok(), Some(5.0));
    let ac = std::fs::read_to_string(csv_dir.join("ac1.csv")).expect("ac1.csv");
    assert!(ac.starts_with("frequency,"), "{ac}");
    assert!(ac
        .lines()
        .next()
        .unwrap_or_default()
        .contains("v(out).mag_db"));
}

#[test]
fn check_prints_counts() {
    let dir = temp_dir("cli", "check");
    let net = write(
        &dir,
        "amp.net",
        "counts\nV1 in 0 DC 1\nR1 in mid 1k\nR2 mid out 1k\nC1 out 0 1n\nE1 x 0 out 0 2\nR3 x 0 1k\n.op\n.ac dec 10 10 100k\n.end\n",
    );
    let out = balun(&["check".as_ref(), net.as_os_str()]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    assert!(stdout.contains("title:    counts"), "{stdout}");
    // in, mid, out, x.
    assert!(stdout.contains("nodes:    4 (plus ground)"), "{stdout}");
    assert!(stdout.contains("elements: 6"), "{stdout}");
    let count = |letter: &str| {
        stdout
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{letter} ")))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|n| n.parse::<usize>().ok())
    };
    assert_eq!(count("R"), Some(3), "{stdout}");
    assert_eq!(count("C"), Some(1), "{stdout}");
    assert_eq!(count("E"), Some(1), "{stdout}");
    assert_eq!(count("V"), Some(1), "{stdout}");
    assert!(stdout.contains("analyses: 2"), "{stdout}");
    assert!(stdout.contains(".ac dec 10"), "{stdout}");
}

#[test]
fn warnings_go_to_stderr_unless_quiet() {
    let dir = temp_dir("cli", "warn");
    // ngspice's interactive `.control` block is ignored with a warning at its line (5).
    let net = write(
        &dir,
        "w.net",
        "warn\nV1 in 0 DC 10\nR1 in 0 1k\n.op\n.control\nrun\n.endc\n.end\n",
    );
    let out = balun(&["run".as_ref(), net.as_os_str()]);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("w.net:5:1: warning:"), "{stderr}");
    assert!(text(&out.stdout).contains("v(in)"));

    let out = balun(&["run".as_ref(), net.as_os_str(), "--quiet".as_ref()]);
    assert!(out.status.success());
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
}

#[test]
fn verbose_reports_files_written() {
    let dir = temp_dir("cli", "verbose");
    let net = write(&dir, "div.net", DIVIDER);
    let raw_path = dir.join("v.raw");
    let out = balun(&[
        "run".as_ref(),
        net.as_os_str(),
        "-v".as_ref(),
        "--raw".as_ref(),
        raw_path.as_os_str(),
    ]);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("wrote"), "{stderr}");
    assert!(stderr.contains("v.raw"), "{stderr}");
    // The divider's one solve: its backward error is at rounding level (at most 16 ulp, the
    // refinement threshold), so nothing is refined.
    let line = stderr
        .lines()
        .find(|l| l.contains("linear solves, worst componentwise backward error"))
        .unwrap_or_else(|| panic!("no accuracy line in {stderr}"));
    let error: f64 = line
        .split("backward error ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no number in {line}"));
    assert!(error <= 16.0 * f64::EPSILON, "{line}");
    assert!(line.contains("(0 refined"), "{line}");
}

#[test]
fn unwritable_output_is_an_error() {
    let dir = temp_dir("cli", "unwritable");
    let net = write(&dir, "div.net", DIVIDER);
    let raw_path = dir.join("no-such-dir").join("x.raw");
    let out = balun(&[
        "run".as_ref(),
        net.as_os_str(),
        "-q".as_ref(),
        "--raw".as_ref(),
        raw_path.as_os_str(),
    ]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("x.raw: error: cannot write"), "{stderr}");
}

/// `V1 -> R = -1 ohm -> diode` has an operating point only while V1 < ~0.714 V (the line
/// vb - V1 must meet the diode's exponential: tangency at Id' = 1 S, vb = Vt*ln(Vt/IS)):
/// the `.op` (V1 = 0.3 V) and the sweep points up to 0.7 V are finished, then Newton fails.
const STOPS_AT_0V714: &str = "no solution above 0.714 V
V1 a 0 0.3
R1 a b -1
D1 b 0 dd
.model dd d is=1e-14
.op
.dc V1 0 1 0.1
.end
";

#[test]
fn stopped_run_writes_finished_points_marked_incomplete() {
    let dir = temp_dir("cli", "partial");
    let net = write(&dir, "stop.net", STOPS_AT_0V714);
    let (raw_path, json_path, csv_dir) = (dir.join("o.raw"), dir.join("o.json"), dir.join("csv"));
    let out = balun(&[
        "run".as_ref(),
        net.as_os_str(),
        "--raw".as_ref(),
        raw_path.as_os_str(),
        "--json".as_ref(),
        json_path.as_os_str(),
        "--csv".as_ref(),
        csv_dir.as_os_str(),
        "-q".as_ref(),
    ]);
    assert_eq!(out.status.code(), Some(1), "stderr: {}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("error: dc: no convergence at sweep value"),
        "{stderr}"
    );
    assert!(stderr.contains("marked incomplete"), "{stderr}");

    let raw_text = std::fs::read_to_string(&raw_path).expect("raw written");
    let title = raw_text.lines().next().unwrap_or_default();
    assert!(
        title.starts_with("Title: no solution above 0.714 V (incomplete: dc: no convergence"),
        "{title}"
    );
    let plots = raw::read_ascii(&raw_text).expect("parses");
    assert_eq!(plots.len(), 2, "the .op and the partial sweep");
    // In ngspice's order: the DC sweep before the operating point.
    assert_eq!(plots[1].name, "Operating Point");
    let swept = match &plots[0].scale.as_ref().expect("scale").data {
        Data::Real(v) => v.clone(),
        Data::Complex(_) => panic!("complex sweep"),
    };
    assert!((5..=8).contains(&swept.len()), "{swept:?}");
    assert!(swept.iter().all(|&v| v < 0.714), "{swept:?}");

    let json = std::fs::read_to_string(&json_path).expect("json written");
    assert!(json.contains("(incomplete: dc: no convergence"), "{json}");
    let note = std::fs::read_to_string(csv_dir.join("INCOMPLETE")).expect("marker");
    assert!(note.contains("dc: no convergence"), "{note}");
}

#[test]
fn ctrl_c_stops_the_run_and_keeps_what_it_finished() {
    // A transient that would take minutes: 1 s of a 1 kHz sine at a 100 ns maximum step.
    let dir = temp_dir("cli", "sigint");
    let net = write(
        &dir,
        "long.net",
        "long\nV1 a 0 SIN(0 1 1k)\nR1 a b 1k\nC1 b 0 1u\n.save v(b)\n.tran 1n 1 0 100n\n.end\n",
    );
    let raw_path = dir.join("o.raw");
    let child = Command::new(env!("CARGO_BIN_EXE_balun"))
        .args([
            "run".as_ref(),
            net.as_os_str(),
            "--raw".as_ref(),
            raw_path.as_os_str(),
        ])
        .args(["-q"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn balun");
    // Long enough for the handler to be installed (first thing in main) and steps to run.
    std::thread::sleep(std::time::Duration::from_millis(1000));
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(kill.success());
    let out = child.wait_with_output().expect("wait");
    assert_eq!(
        out.status.code(),
        Some(130),
        "stderr: {}",
        text(&out.stderr)
    );
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("error: tran: interrupted at time"),
        "{stderr}"
    );
    let raw_text = std::fs::read_to_string(&raw_path).expect("raw written");
    assert!(raw_text.contains("(incomplete: tran: interrupted at time"));
    let plots = raw::read_ascii(&raw_text).expect("parses");
    let time = match &plots[0].scale.as_ref().expect("time").data {
        Data::Real(v) => v.clone(),
        Data::Complex(_) => panic!("complex time"),
    };
    // Started at 0, stopped well before the end, in order.
    assert_eq!(time[0], 0.0);
    assert!(
        time.len() > 10 && *time.last().unwrap() < 1.0,
        "{}",
        time.len()
    );
    assert!(time.windows(2).all(|w| w[0] < w[1]));
}

/// `balun run` executes the netlist's measurement cards: each card's numbers are those of the
/// card's subcommand at the same frequencies (`balun cmrr`/`xtalk`/`hum --freq 50,60,1k,10k,20k
/// --json`), printed first, and carried in `--json` and `--csv` (`meas_cards.csv`).
#[test]
fn run_executes_measurement_cards_as_the_subcommands_do() {
    let dir = temp_dir("cli", "cards");
    // Two channels sharing a 0.1 ohm return into 32 ohm loads (crosstalk about
    // 20 log10(0.1/32) = -50 dB), a 4-resistor receiver with R4 0.1 % high (CMRR 66 dB) and the
    // same receiver's output hum from a source in its common-mode path.
    let net = write(
        &dir,
        "cards.net",
        "measurement cards\n\
         Vl l 0 AC 1\nVr r 0 AC 1\nRl l ol 0.01\nRr r or 0.01\nLl ol g 32\nLr or g 32\n\
         Rg g 0 0.1\n\
         Vhot hot 0 AC 0.5\nVcold cold 0 AC 0.5 180\nVhum hum 0 AC 1\n\
         Rh hot h 10\nRc cold c 10\nRsh h hum 1e6\nRsc c hum 1e6\n\
         R1 c inn 10k\nR2 inn out 10k\nR3 h inp 10k\nR4 inp 0 10.01k\nE1 out 0 inp inn 1e6\n\
         .cmrr v(out) vhot vcold\n.xtalk vl v(ol,g) vr v(or,g)\n.hum v(out) vhot vhum\n\
         .ac dec 1 10 1k\n.end\n",
    );
    let (json_path, csv_dir) = (dir.join("o.json"), dir.join("csv"));
    let out = balun(&[
        "run".as_ref(),
        net.as_os_str(),
        "--json".as_ref(),
        json_path.as_os_str(),
        "--csv".as_ref(),
        csv_dir.as_os_str(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let first: Vec<&str> = stdout.lines().take(4).collect();
    assert!(first[0].starts_with("CMRR (dB"), "{stdout}");
    assert!(first[3].starts_with("v(out) vhot vcold  66.0"), "{stdout}");
    let (cmrr_at, ac_at) = (
        stdout.find("CMRR (dB").unwrap(),
        stdout.find("AC Analysis").expect("AC table"),
    );
    assert!(cmrr_at < ac_at && stdout.find("worst crosstalk").unwrap() < ac_at);

    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).expect("json")).expect("parses");
    let cards = doc["measurement_cards"]
        .as_array()
        .expect("measurement_cards");
    assert_eq!(cards.len(), 3);
    let db = |k: usize, key: &str| -> Vec<f64> {
        cards[k]["rows"][0][key]
            .as_array()
            .expect("numbers")
            .iter()
            .map(|x| x.as_f64().expect("finite"))
            .collect()
    };
    let sub = |args: &[&str]| -> serde_json::Value {
        let mut all: Vec<&std::ffi::OsStr> = vec![args[0].as_ref(), net.as_os_str()];
        all.extend(args[1..].iter().map(std::ffi::OsStr::new));
        all.extend(["--freq", "50,60,1k,10k,20k", "--json"].map(std::ffi::OsStr::new));
        let o = balun(&all);
        assert!(o.status.success(), "{}", text(&o.stderr));
        serde_json::from_slice(&o.stdout).expect("subcommand json")
    };
    let points = |v: &serde_json::Value, key: &str| -> Vec<f64> {
        v.as_array()
            .expect("points")
            .iter()
            .map(|p| p[key].as_f64().expect("number"))
            .collect()
    };

    assert_eq!(cards[0]["measure"], "cmrr");
    let cmrr = sub(&["cmrr"]);
    assert_eq!(
        db(0, "db"),
        points(&cmrr["results"][0]["points"], "cmrr_db")
    );
    // R4 = R (1 + d), d = 0.001, G = 1: CMRR ~ (1 + G)/d = 2000, 66 dB.
    assert!(
        db(0, "db").iter().all(|&x| (x - 66.0).abs() < 0.1),
        "{:?}",
        db(0, "db")
    );

    assert_eq!(cards[1]["measure"], "xtalk");
    let xtalk = sub(&["xtalk"]);
    let worst: Vec<f64> = xtalk["points"]
        .as_array()
        .expect("points")
        .iter()
        .map(|p| {
            let m = p["db"].as_array().expect("matrix");
            m[0][1].as_f64().unwrap().max(m[1][0].as_f64().unwrap())
        })
        .collect();
    assert_eq!(db(1, "db"), worst);

    assert_eq!(cards[2]["measure"], "hum");
    let hum = sub(&["hum"]);
    let relative = points(&hum["points"], "relative_db");
    assert_eq!(db(2, "db"), relative.iter().map(|x| -x).collect::<Vec<_>>());
    assert_eq!(
        db(2, "hum_dbv"),
        points(&hum["points"], "interference_gain_db")
    );

    let csv = std::fs::read_to_string(csv_dir.join("meas_cards.csv")).expect("meas_cards.csv");
    assert_eq!(csv.lines().count(), 1 + 3 * 5, "{csv}");
    assert!(csv.starts_with("measure,card,freq_hz,db,hum_dbv\ncmrr,\"v(out) vhot vcold\",50,"));
}
