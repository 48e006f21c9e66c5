//! RF immunity (`measure::rfi`, the solver's second-order rectification) against brute-force
//! transients of the same receivers: at 1 and 10 MHz, where a transient is affordable, the
//! perturbation's DC shift of the output equals the transient's period-averaged shift within
//! 0.5 dB.

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
