//! `.four` in `balun run` (table, JSON, CSV, run-time errors) and the `balun thd` /
//! `balun compare --measure thd` commands, end to end through the binary, against closed forms.
//!
//! **The closed form.** A memoryless polynomial `y = x + 0.1 x^2 + 0.01 x^3` (a `B` source,
//! written with products: ngspice's `x^3` is `|x|^3`, an even function) of
//! `x = A sin wt` is, with `sin^2 = (1 - cos 2wt)/2` and `sin^3 = (3 sin wt - sin 3wt)/4`,
//! `y = 0.05 A^2 + (A + 0.0075 A^3) sin wt - 0.05 A^2 cos 2wt - 0.0025 A^3 sin 3wt`:
//! `|H1| = A + 0.0075 A^3`, `|H2| = 0.05 A^2` at phase -90 degrees (ngspice's phase is
//! `atan2(cos part, sin part)`), `|H3| = 0.0025 A^3` at 180 degrees, nothing above, and
//! `THD = sqrt(H2^2 + H3^2) / H1`. With no reactive element the transient is exact at its time
//! points; linear interpolation onto the 200-point grid over a step of T/1000 errs by about
//! `(w h)^2 / 8 = 5e-6` of the waveform, so 1e-4 relative is asked of the harmonics.

mod common;
use common::{temp_dir, write};
use std::path::Path;
use std::process::{Command, Output};

fn balun(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_balun"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run balun")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const POLY: &str = "polynomial: y = x + 0.1 x^2 + 0.01 x^3
VIN in 0 SIN(0 1 1k)
B1 out 0 V=V(in)+0.1*V(in)*V(in)+0.01*V(in)*V(in)*V(in)
RL out 0 1k
.tran 1u 2m 0 1u
.four 1k v(out)
.end
";

/// (|H1|, |H2|, |H3|, THD %) of the polynomial at amplitude `a`.
fn poly_expected(a: f64) -> (f64, f64, f64, f64) {
    let (h1, h2, h3) = (a + 0.0075 * a.powi(3), 0.05 * a * a, 0.0025 * a.powi(3));
    (h1, h2, h3, 100.0 * h2.hypot(h3) / h1)
}

fn close(got: f64, want: f64, rel: f64) -> bool {
    (got - want).abs() <= rel * want.abs()
}

#[test]
fn run_prints_the_four_table_after_the_analyses() {
    let dir = temp_dir("thd", "run");
    write(&dir, "poly.net", POLY);
    let out = balun(
        &dir,
        &["run", "poly.net", "--json", "r.json", "--csv", "csv"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let at = stdout
        .find("Fourier analysis for v(out):")
        .unwrap_or_else(|| panic!("no table in\n{stdout}"));
    assert!(
        stdout.find("Transient Analysis").unwrap() < at,
        "the table follows the analyses"
    );
    // THD = sqrt(0.05^2 + 0.0025^2) / 1.0075 = 4.969 %.
    let (h1, h2, h3, thd) = poly_expected(1.0);
    let block = &stdout[at..];
    assert!(
        block.contains("No. Harmonics: 10, THD: 4.969") && block.contains("Gridsize: 200"),
        "{block}"
    );
    // The JSON carries the same numbers.
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("r.json")).unwrap()).unwrap();
    let f = &doc["fourier"][0];
    assert_eq!(f["output"], "v(out)");
    assert!(close(f["thd_percent"].as_f64().unwrap(), thd, 1e-4), "{f}");
    let h = &f["harmonics"];
    for (k, want) in [(1, h1), (2, h2), (3, h3)] {
        let got = h[k]["magnitude"].as_f64().unwrap();
        assert!(close(got, want, 1e-4), "H{k}: {got} vs {want}");
    }
    assert!(
        (h[2]["phase_deg"].as_f64().unwrap() + 90.0).abs() < 0.01,
        "{}",
        h[2]
    );
    assert!(
        (h[3]["phase_deg"].as_f64().unwrap().abs() - 180.0).abs() < 0.01,
        "{}",
        h[3]
    );
    assert!(h[4]["norm_magnitude"].as_f64().unwrap() < 1e-6, "{}", h[4]);
    assert!(
        (h[0]["magnitude"].as_f64().unwrap() - 0.05).abs() < 1e-5,
        "DC {}",
        h[0]
    );
    // And the CSV: a header and one row per harmonic.
    let csv = std::fs::read_to_string(dir.join("csv").join("four.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "output,harmonic,freq_hz,magnitude,phase_deg,norm_magnitude,norm_phase_deg,thd_percent"
    );
    assert_eq!(lines.len(), 11);
    assert!(lines[2].starts_with("v(out),1,1000,"), "{}", lines[2]);
}

/// With `.step`, each run prints its own table (under its step heading) and carries its own
/// results in JSON; the second-order term is the stepped parameter: THD follows it.
#[test]
fn four_with_step_gives_each_run_its_table() {
    let dir = temp_dir("thd", "step");
    write(
        &dir,
        "step.net",
        &POLY
            .replace("0.1*V(in)*V(in)", "{k2}*V(in)*V(in)")
            .replace(".tran", ".param k2=0.1\n.step param k2 list 0.1 0.2\n.tran"),
    );
    let out = balun(&dir, &["run", "step.net", "--json", "s.json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let step2 = stdout.find("Step 2/2").expect("second step");
    let tables: Vec<usize> = stdout
        .match_indices("Fourier analysis for v(out):")
        .map(|(i, _)| i)
        .collect();
    assert_eq!(tables.len(), 2, "{stdout}");
    assert!(tables[0] < step2 && step2 < tables[1], "{stdout}");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("s.json")).unwrap()).unwrap();
    for (i, k2) in [0.1, 0.2].into_iter().enumerate() {
        let h = &doc["steps"][i]["fourier"][0]["harmonics"];
        let got = h[2]["magnitude"].as_f64().unwrap();
        // |H2| = k2 A^2 / 2 at A = 1.
        assert!(close(got, k2 / 2.0, 1e-4), "step {}: H2 {got}", i + 1);
    }
}

#[test]
fn a_four_that_cannot_be_computed_is_an_error_at_its_card() {
    let dir = temp_dir("thd", "four-errors");
    write(
        &dir,
        "short.net",
        "short\nV1 in 0 SIN(0 1 1k)\nR1 in out 1k\nR2 out 0 1k\n.tran 10u 2m\n.four 100 v(out)\n.end\n",
    );
    let out = balun(&dir, &["run", "short.net"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert_eq!(
        stderr.lines().next().unwrap(),
        "short.net:6:1: error: .four v(out): one period of 100 Hz (0.01 s) is longer than the \
         transient (0.002 s)"
    );
    // The analyses are still printed, and the failure in the table's place.
    let stdout = text(&out.stdout);
    assert!(stdout.contains("Transient Analysis"), "{stdout}");
    assert!(
        stdout.contains("Fourier analysis for v(out): failed: one period of 100 Hz"),
        "{stdout}"
    );

    write(
        &dir,
        "notran.net",
        "no tran\nV1 in 0 DC 1\nR1 in out 1k\nR2 out 0 1k\n.op\n.four 1k v(out)\n.end\n",
    );
    let out = balun(&dir, &["run", "notran.net"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr).lines().next().unwrap(),
        "notran.net:6:1: error: .four v(out): no transient data (.four needs a .tran analysis)"
    );
}

#[test]
fn thd_sweeps_levels_against_the_closed_form() {
    let dir = temp_dir("thd", "sweep");
    write(&dir, "poly.net", POLY);
    // 0.5 V and 2 V peak; -10 dBV = 0.44721 V peak.
    let out = balun(
        &dir,
        &[
            "thd",
            "poly.net",
            "--level",
            "0.5,2,-10dBV",
            "--json",
            "--plot",
            "thd.svg",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_str(&text(&out.stdout)).unwrap();
    assert_eq!(doc["output"], "v(out)");
    assert_eq!(doc["sources"][0], "vin");
    let points = doc["points"].as_array().unwrap();
    let amplitudes = [0.5, 2.0, 10f64.powf(-0.5) * 2f64.sqrt()];
    assert_eq!(points.len(), 3);
    for (p, a) in points.iter().zip(amplitudes) {
        assert!(close(p["amplitude"].as_f64().unwrap(), a, 1e-12), "{p}");
        let (h1, h2, h3, thd) = poly_expected(a);
        let f = &p["fourier"];
        assert!(
            close(f["thd_percent"].as_f64().unwrap(), thd, 1e-4),
            "{a}: {f}"
        );
        for (k, want) in [(1, h1), (2, h2), (3, h3)] {
            let got = f["harmonics"][k]["magnitude"].as_f64().unwrap();
            assert!(close(got, want, 1e-4), "{a}: H{k} {got} vs {want}");
        }
    }
    let svg = std::fs::read_to_string(dir.join("thd.svg")).unwrap();
    assert!(
        svg.contains("THD of v(out) against drive level"),
        "chart title"
    );

    // The table: one row per level, in order, with the harmonics in dBc.
    let out = balun(&dir, &["thd", "poly.net", "--level", "0.5,2"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let rows: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("0.5 ") || l.starts_with("2 "))
        .collect();
    assert_eq!(rows.len(), 2, "{stdout}");
    // At 2 V: H2 = 0.2 / 2.06 = -20.26 dBc.
    assert!(rows[1].contains("-20.3"), "{}", rows[1]);
}

/// A balanced input: the level is shared by the hot and cold sources (half each), so the
/// differential drive is the level.
#[test]
fn thd_drives_both_legs_of_a_balanced_input() {
    let dir = temp_dir("thd", "balanced");
    write(
        &dir,
        "bal.net",
        "balanced: y = (hot - cold) + 0.1 (hot - cold)^2 + 0.01 (hot - cold)^3
VHOT hot 0 SIN(0 1 1k)
VCOLD cold 0 SIN(0 -1 1k)
B1 out 0 V=V(hot,cold)+0.1*V(hot,cold)*V(hot,cold)+0.01*V(hot,cold)*V(hot,cold)*V(hot,cold)
RL out 0 1k
.tran 1u 2m 0 1u
.four 1k v(out)
.end
",
    );
    let out = balun(&dir, &["thd", "bal.net", "--level", "+6dBu", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_str(&text(&out.stdout)).unwrap();
    assert_eq!(doc["sources"], serde_json::json!(["vhot", "vcold"]));
    let a = 0.774_596_669_241_483_4 * 10f64.powf(0.3) * 2f64.sqrt();
    let f = &doc["points"][0]["fourier"];
    let (h1, _, _, thd) = poly_expected(a);
    assert!(
        close(f["harmonics"][1]["magnitude"].as_f64().unwrap(), h1, 1e-4),
        "{f}"
    );
    assert!(close(f["thd_percent"].as_f64().unwrap(), thd, 1e-4), "{f}");
}

#[test]
fn compare_thd_has_a_row_per_netlist_and_a_column_per_level() {
    let dir = temp_dir("thd", "compare");
    write(&dir, "a.net", POLY);
    write(
        &dir,
        "b.net",
        &POLY.replace("0.1*V(in)*V(in)", "0.2*V(in)*V(in)"),
    );
    let out = balun(
        &dir,
        &[
            "compare",
            "a.net",
            "b.net",
            "--measure",
            "thd",
            "--level",
            "0.5,1",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[1].contains("0.5 THD %") && lines[1].contains("1 THD %"),
        "{stdout}"
    );
    let a: Vec<f64> = lines[3]
        .split_whitespace()
        .skip(2)
        .map(|x| x.parse().unwrap())
        .collect();
    assert!(lines[3].starts_with("a "), "{stdout}");
    for (got, amp) in a.iter().zip([0.5, 1.0]) {
        assert!(close(*got, poly_expected(amp).3, 1e-3), "{got} at {amp}");
    }
    // b's second-order term is twice a's: more distortion at every level.
    let b: Vec<f64> = lines[4]
        .split_whitespace()
        .skip(2)
        .map(|x| x.parse().unwrap())
        .collect();
    assert!(b[0] > a[0] && b[1] > a[1], "{stdout}");
    let out = balun(
        &dir,
        &[
            "compare",
            "a.net",
            "--measure",
            "thd",
            "--json",
            "--plot",
            "c.png",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_str(&text(&out.stdout)).unwrap();
    assert_eq!(doc["rows"][0]["circuit"], "a");
    assert!(dir.join("c.png").exists());
}

/// Bad arguments: exit status 1 and the exact message.
#[test]
fn bad_arguments_get_exact_errors() {
    let dir = temp_dir("thd", "bad");
    write(&dir, "poly.net", POLY);
    write(
        &dir,
        "nofour.net",
        "no four\nVIN in 0 SIN(0 1 1k)\nR1 in out 1k\nR2 out 0 1k\n.tran 10u 2m\n.end\n",
    );
    write(
        &dir,
        "notran.net",
        "no tran\nVIN in 0 SIN(0 1 1k)\nR1 in out 1k\nR2 out 0 1k\n.op\n.four 1k v(out)\n.end\n",
    );
    write(
        &dir,
        "nosine.net",
        "no sine\nVIN in 0 DC 1\nR1 in out 1k\nR2 out 0 1k\n.tran 10u 2m\n.end\n",
    );
    let cases: &[(&[&str], &str)] = &[
        (
            &["thd", "poly.net", "--level", "loud"],
            "balun thd: error: invalid level 'loud' (expected e.g. +4dBu, -10dBV, 2Vrms, or a \
             peak amplitude such as 1.5)",
        ),
        (
            &["thd", "poly.net", "--level", "-1"],
            "balun thd: error: level '-1': the amplitude must be positive, got -1",
        ),
        (
            &["thd", "poly.net", "--source", "rl"],
            "poly.net: error: 'rl' is not an independent source with a SIN(...) waveform",
        ),
        (
            &["thd", "poly.net", "--source", "vnope"],
            "poly.net: error: no element 'vnope'",
        ),
        (
            &["thd", "poly.net", "--out", "nope"],
            "poly.net: error: no node 'nope'",
        ),
        (
            &["thd", "poly.net", "--freq", "0"],
            "poly.net: error: the fundamental must be positive, got 0 Hz",
        ),
        (
            &["thd", "poly.net", "--freq", "100"],
            "poly.net: error: v(out) at 1 Vpk: one period of 100 Hz (0.01 s) is longer than \
             the transient (0.002 s)",
        ),
        (
            &["thd", "nofour.net"],
            "nofour.net: error: no output to measure: give --out or a '.four FREQ v(out)' card",
        ),
        (
            &["thd", "notran.net"],
            "notran.net: error: no .tran card: THD needs a transient of at least one period",
        ),
        (
            &["thd", "nosine.net", "--out", "out"],
            "nosine.net: error: no source with a SIN(...) waveform to drive: THD needs a \
             sinusoidal input",
        ),
        (
            &["thd", "poly.net", "--plot", "x.txt"],
            "x.txt: error: cannot plot to '.txt' files: use a name ending in .svg or .png",
        ),
        (
            &["compare", "poly.net", "--measure", "thd", "--freq", "1k,2k"],
            "balun compare: error: --measure thd takes one fundamental (--freq 1k), not a list",
        ),
        (
            &[
                "compare",
                "poly.net",
                "--measure",
                "cmrr",
                "--level",
                "0dBu",
            ],
            "balun compare: error: --level is for --measure thd",
        ),
    ];
    let mut failures = Vec::new();
    for (args, want) in cases {
        let out = balun(&dir, args);
        let stderr = text(&out.stderr);
        let first = stderr.lines().next().unwrap_or("");
        if out.status.code() != Some(1) || first != *want {
            failures.push(format!(
                "{args:?}: status {:?}\n  got:  {first}\n  want: {want}",
                out.status.code()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
