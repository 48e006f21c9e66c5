//! RF immunity (`measure::rfi`, the solver's second-order rectification):
//! - against brute-force transients of the same receivers: at 1 and 10 MHz, where a transient
//!   is affordable, the perturbation's DC shift of the output equals the transient's
//!   period-averaged shift within 0.5 dB;
//! - an unfiltered receiver's EMIRR rises 40 dB per decade once the input network's
//!   capacitance shunts the carrier (the junctions' RF voltage falls as 1/f, the shift as 1/f^2);
//! - a 100 ohm / 1 nF filter in each leg adds its closed-form rejection `20 log10(1 + (w R C)^2)`
//!   (the shift goes as the square of the filter's transfer) within 1 dB.

use measure::rfi::{rfi, Mode, RfiSetup};
use measure::{find_output, find_vsource};
use solver::{Data, Plot};
use std::path::PathBuf;

/// A discrete two-stage op-amp as a 4-resistor balanced receiver; `pair` is the input pair's
/// two device lines and model (a BJT or a JFET pair), `sources` the two line sources.
fn receiver(pair: &str, sources: &str, analyses: &str) -> String {
    format!(
        "receiver\nvp vp 0 15\nvn vn 0 -15\n{sources}\n\
         r1 hot inp 10k\nr2 inp 0 10k\nr3 cold inn 10k\nr4 inn out 10k\n\
         {pair}\nre1 e1 e 1k\nre2 e2 e 1k\nitail e vn 1m\nrc1 vp c1 2.08k\nrc2 vp c2 2.08k\n\
         q3 g c1 vp3 qp\nre3 vp vp3 500\nrg g vn 20k\ncm g c1 30p\n\
         q4 vp g out qn\nrout out vn 5k\n\
         .model qn npn(is=1e-15 bf=200 vaf=100 cje=2p cjc=1p tf=0.3n rb=100)\n\
         .model qp pnp(is=1e-15 bf=100 vaf=50 cje=3p cjc=2p tf=1n rb=100)\n\
         .model jn njf(vto=-1.5 beta=2m lambda=1e-3 cgs=4p cgd=2p is=1e-14)\n\
         {analyses}\n.end\n"
    )
}

const BJT_PAIR: &str = "q1 c1 inp e1 qn\nq2 c2 inn e2 qn";
const JFET_PAIR: &str = "j1 c1 inp e1 jn\nj2 c2 inn e2 jn";

fn write(name: &str, text: &str) -> PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("balun-rfi");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// The perturbation's output shift for a carrier of `vpk` at `f` in `mode`.
fn perturbation(pair: &str, f: f64, vpk: f64, mode: Mode) -> f64 {
    let path = write(
        &format!("pert_{}_{f}_{mode:?}.net", &pair[..1]),
        &receiver(pair, "vh hot 0 dc 0 ac 1\nvc cold 0 dc 0 ac 1", ""),
    );
    let c = match balun::elaborate_file(&path) {
        Ok(e) => e.circuit,
        Err(f) => panic!("{}", f.error),
    };
    let setup = RfiSetup {
        hot: find_vsource(&c, "vh").unwrap(),
        cold: find_vsource(&c, "vc").unwrap(),
        out: find_output(&c, "out").unwrap(),
        mode,
        level_vpk: vpk,
        depth: 0.3,
        fmod_hz: 1e3,
    };
    rfi(&c, &setup, &[f]).unwrap()[0].shift_v
}

fn real(plot: &Plot, name: &str) -> Vec<f64> {
    let v = (plot.scale.iter().chain(&plot.vectors))
        .find(|v| v.name == name)
        .unwrap();
    match &v.data {
        Data::Real(x) => x.clone(),
        Data::Complex(x) => x.iter().map(|z| z.re).collect(),
    }
}

/// The transient's output shift: `v(out)` averaged (trapezoidal rule) over the last `avg`
/// periods of `periods`, minus its operating-point value.
fn brute_force(pair: &str, f: f64, vpk: f64, mode: Mode, periods: usize, avg: usize) -> f64 {
    let period = 1.0 / f;
    let (hot, cold) = match mode {
        Mode::Cm => (vpk, vpk),
        Mode::Dm => (vpk / 2.0, -vpk / 2.0),
    };
    let text = receiver(
        pair,
        &format!("vh hot 0 dc 0 sin(0 {hot} {f})\nvc cold 0 dc 0 sin(0 {cold} {f})"),
        &format!(
            ".options reltol=1e-6 vntol=1e-9 abstol=1e-15\n.op\n.tran {} {} 0 {}",
            period / 256.0,
            periods as f64 * period,
            period / 256.0
        ),
    );
    let path = write(&format!("tran_{}_{f}_{mode:?}.net", &pair[..1]), &text);
    let (_, plots) = balun::simulate_file(&path).map_err(|e| e.0).unwrap();
    let op = plots.iter().find(|p| p.name == "Operating Point").unwrap();
    let v0 = real(op, "v(out)")[0];
    let tran = plots
        .iter()
        .find(|p| p.name == "Transient Analysis")
        .unwrap();
    let (t, v) = (real(tran, "time"), real(tran, "v(out)"));
    let t0 = (periods - avg) as f64 * period;
    let mut area = 0.0;
    for i in 1..t.len() {
        if t[i] <= t0 {
            continue;
        }
        let (ta, va) = if t[i - 1] < t0 {
            let w = (t0 - t[i - 1]) / (t[i] - t[i - 1]);
            (t0, v[i - 1] + w * (v[i] - v[i - 1]))
        } else {
            (t[i - 1], v[i - 1])
        };
        area += 0.5 * (va + v[i]) * (t[i] - ta);
    }
    area / (avg as f64 * period) - v0
}

fn check(pair: &str, f: f64, mode: Mode, vpk: f64) {
    let p = perturbation(pair, f, vpk, mode);
    let b = brute_force(pair, f, vpk, mode, 40, 10);
    let db = 20.0 * (p / b).abs().log10();
    println!("f = {f:e} Hz: perturbation {p:.6e} V, transient {b:.6e} V, {db:+.3} dB");
    assert!(p.signum() == b.signum(), "sign differs: {p:e} vs {b:e}");
    assert!(db.abs() < 0.5, "{db} dB apart");
}

#[test]
fn bjt_receiver_1mhz_matches_transient() {
    check(BJT_PAIR, 1e6, Mode::Dm, 0.02);
}

#[test]
fn bjt_receiver_10mhz_matches_transient() {
    check(BJT_PAIR, 10e6, Mode::Dm, 0.02);
}

#[test]
fn jfet_receiver_1mhz_matches_transient() {
    check(JFET_PAIR, 1e6, Mode::Dm, 0.02);
}

#[test]
fn jfet_receiver_10mhz_matches_transient() {
    check(JFET_PAIR, 10e6, Mode::Dm, 0.02);
}

/// EMIRR (dB) of the BJT receiver at `freqs` for a 100 mVp carrier in `mode`, with the
/// `filter` lines (if any) between the line sources and the 10k input resistors.
fn emirr(filter: bool, mode: Mode, freqs: &[f64]) -> Vec<f64> {
    let mut text = receiver(BJT_PAIR, "vh hot 0 dc 0\nvc cold 0 dc 0", "");
    if filter {
        text = text
            .replace(
                "r1 hot inp 10k",
                "rfh hot hf 100\ncfh hf 0 1n\nr1 hf inp 10k",
            )
            .replace(
                "r3 cold inn 10k",
                "rfc cold cf 100\ncfc cf 0 1n\nr3 cf inn 10k",
            );
    }
    let path = write(&format!("emirr_{filter}_{mode:?}.net"), &text);
    let c = balun::elaborate_file(&path)
        .map_err(|f| f.error)
        .unwrap()
        .circuit;
    let setup = RfiSetup {
        hot: find_vsource(&c, "vh").unwrap(),
        cold: find_vsource(&c, "vc").unwrap(),
        out: find_output(&c, "out").unwrap(),
        mode,
        level_vpk: 0.1,
        depth: 0.3,
        fmod_hz: 1e3,
    };
    rfi(&c, &setup, freqs)
        .unwrap()
        .iter()
        .map(|p| p.emirr_db(0.1))
        .collect()
}

#[test]
fn unfiltered_emirr_rises_40_db_per_decade_above_the_input_corner() {
    let e = emirr(false, Mode::Dm, &[0.9e9, 1.8e9, 3.6e9]);
    for w in e.windows(2) {
        let per_octave = w[1] - w[0];
        println!(
            "EMIRR {:.2} -> {:.2} dB: {per_octave:+.2} dB per octave",
            w[0], w[1]
        );
        assert!(
            (per_octave - 12.04).abs() < 1.0,
            "{per_octave} dB per octave"
        );
    }
}

#[test]
fn input_filter_adds_its_closed_form_rejection() {
    let freqs = [10e6, 100e6, 400e6, 1.8e9];
    for mode in [Mode::Dm, Mode::Cm] {
        let bare = emirr(false, mode, &freqs);
        let filtered = emirr(true, mode, &freqs);
        for (i, &f) in freqs.iter().enumerate() {
            let wrc = 2.0 * std::f64::consts::PI * f * 100.0 * 1e-9;
            let expected = 20.0 * (1.0 + wrc * wrc).log10();
            let added = filtered[i] - bare[i];
            println!("{mode:?} {f:e} Hz: filter adds {added:.2} dB, closed form {expected:.2} dB");
            assert!((added - expected).abs() < 1.0, "{added} vs {expected}");
        }
    }
}

fn cli(args: &[&std::ffi::OsStr]) -> (bool, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_balun"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("runs balun");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `balun rfi --json` carries the library's numbers; `--plot` draws EMIRR.
#[test]
fn cli_json_and_plot() {
    let text = receiver(BJT_PAIR, "vh hot 0 dc 0\nvc cold 0 dc 0", ".cmrr out vh vc");
    let path = write("cli.net", &text);
    let svg = path.with_extension("svg");
    let (ok, stdout, stderr) = cli(&[
        "rfi".as_ref(),
        path.as_os_str(),
        "--mode".as_ref(),
        "dm".as_ref(),
        "--freq".as_ref(),
        "10meg,1.8g".as_ref(),
        "--json".as_ref(),
        "--plot".as_ref(),
        svg.as_os_str(),
    ]);
    assert!(ok, "{stderr}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let got: Vec<f64> = doc["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["emirr_db"].as_f64().unwrap())
        .collect();
    let expected = emirr(false, Mode::Dm, &[10e6, 1.8e9]);
    assert_eq!(got, expected);
    assert_eq!(doc["mode"], "dm");
    let drawn = std::fs::read_to_string(&svg).unwrap();
    assert!(drawn.starts_with("<svg") && drawn.contains("EMIRR"));
}

/// Bad arguments and a netlist without a receiver description get exact errors.
#[test]
fn cli_bad_arguments() {
    let with_card = write(
        "bad.net",
        &receiver(BJT_PAIR, "vh hot 0 dc 0\nvc cold 0 dc 0", ".cmrr out vh vc"),
    );
    let without = write(
        "nocard.net",
        &receiver(BJT_PAIR, "vh hot 0 dc 0\nvc cold 0 dc 0", ""),
    );
    let cases: [(&std::path::Path, &[&str], String); 4] = [
        (
            &with_card,
            &["--level", "0"],
            format!("{}: error: the carrier level must be positive, got 0 V", with_card.display()),
        ),
        (
            &with_card,
            &["--depth", "2"],
            format!("{}: error: the modulation depth must be in (0, 1], got 2", with_card.display()),
        ),
        (
            &with_card,
            &["--freq", "0"],
            format!("{}: error: frequencies must be positive, got 0 Hz", with_card.display()),
        ),
        (
            &without,
            &[],
            format!(
                "{}: error: no '.cmrr OUT HOT COLD' card in the netlist: give --out, --hot and --cold",
                without.display()
            ),
        ),
    ];
    for (path, extra, message) in cases {
        let mut args: Vec<&std::ffi::OsStr> = vec!["rfi".as_ref(), path.as_os_str()];
        args.extend(extra.iter().map(std::ffi::OsStr::new));
        let (ok, _, stderr) = cli(&args);
        assert!(!ok, "{extra:?} should fail");
        assert!(
            stderr.lines().any(|l| l == message),
            "expected the line {message:?} in:\n{stderr}"
        );
    }
}
