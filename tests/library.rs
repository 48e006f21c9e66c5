//! The built-in library (`.lib balun SECTION`) against closed forms: each test writes a netlist
//! that uses a library model, runs the whole pipeline and compares with a value derived in the
//! comment above it.
//!
//! Tolerances: circuits with ideal elements only (ideal transformer, resistors, E sources) are
//! compared to `1e-12` relative (a few ulps times the small condition numbers here). Op-amp
//! circuits use `opamp_1p` with `a0 = 1e12` and `gbw = 1e15` (pole at 1 kHz, far above the test
//! frequency of 1 Hz... see `IDEAL`): the closed-loop error is of order noise gain / a0 = 1e-11,
//! so they are compared to `1e-8` relative.

mod common;

use balun::circuit::Circuit;
use balun::solver::analysis::ac::{responses, Excitation, Probe};
use balun::solver::Plot;
use num_complex::Complex64;
use std::path::PathBuf;

/// Op-amp parameters that make `opamp_1p` ideal to ~1e-11 at 1 Hz: A(j 2pi 1Hz) ~ 1e12.
const IDEAL: &str = "a0=1e12 gbw=1e15";

/// Writes `text` to a fresh file (unique per call: tests run in parallel).
fn write(name: &str, text: &str) -> PathBuf {
    common::scratch_netlist("library", name, text)
}

/// Parses (with the built-in library) and elaborates `text`.
fn elaborate(name: &str, text: &str) -> Circuit {
    let path = write(name, text);
    match balun::elaborate_file(&path) {
        Ok(e) => e.circuit,
        Err(f) => panic!(
            "{name}: {} at {:?}\n{text}",
            f.error,
            match &f.error {
                balun::Error::Parse(p) => p.span().map(|s| f.sources.locate(s)),
                balun::Error::Elab(_) => None,
                balun::Error::Solve(_) => None,
            }
        ),
    }
}

/// Runs every analysis of `text`.
fn simulate(name: &str, text: &str) -> Vec<Plot> {
    let path = write(name, text);
    match balun::run_file(&path) {
        Ok(s) => s.plots,
        Err(f) => panic!("{name}: balun failed: {}\n{text}", f.error),
    }
}

fn at(plot: &Plot, name: &str, i: usize) -> Complex64 {
    plot.vector(name)
        .unwrap_or_else(|| panic!("no vector {name} in {}", plot.name))
        .data
        .at(i)
}

#[track_caller]
fn assert_rel(actual: f64, expected: f64, tol: f64, what: &str) {
    let rel = (actual - expected).abs() / expected.abs().max(f64::MIN_POSITIVE);
    assert!(
        rel <= tol,
        "{what}: got {actual:.15e}, expected {expected:.15e} (rel {rel:.3e} > {tol:.1e})"
    );
}

fn db(x: f64) -> f64 {
    20.0 * x.log10()
}

/// `(Adm, Acm)` of `v(out)` at `f_hz`: DM drive sets sources `vh`/`vc` to +1/2 and -1/2, CM
/// drive sets both to 1 (the primer's definitions), one factorisation for both.
fn dm_cm(c: &Circuit, f_hz: f64) -> (Complex64, Complex64) {
    let dev = |n: &str| c.device(n).unwrap_or_else(|| panic!("no device {n}"));
    let (vh, vc) = (dev("vh"), dev("vc"));
    let one = Complex64::new(1.0, 0.0);
    let dm = Excitation {
        sources: vec![(vh, 0.5 * one), (vc, -0.5 * one)],
    };
    let cm = Excitation {
        sources: vec![(vh, one), (vc, one)],
    };
    let out = c.node("out").expect("node out");
    let gnd = balun::circuit::NodeId(0);
    let r = responses(c, &[f_hz], &[dm, cm], &[Probe::Voltage(out, gnd)]).expect("ac");
    (r[0][0][0], r[1][0][0])
}

// ---------------------------------------------------------------- transformers

/// xfmr_ideal n:1 into RL: v(s) = v(p)/n, and the primary draws v(p)/(n^2 RL), i.e. it shows
/// n^2*RL. Only ideal elements: exact to rounding (1e-12).
#[test]
fn ideal_transformer_ratio_and_reflected_impedance() {
    for n in [1.0, 3.7, 0.1] {
        let text = format!(
            "ideal transformer\n.lib balun transformers\nV1 p 0 DC 1 AC 1\n\
             X1 p 0 s 0 xfmr_ideal n={n}\nRL s 0 50\n.op\n.ac lin 1 1k 1k\n"
        );
        let plots = simulate("xfmr_ideal", &text);
        for plot in &plots {
            let vs = at(plot, "v(s)", 0);
            assert_rel(vs.re, 1.0 / n, 1e-12, "voltage ratio");
            assert!(vs.im.abs() < 1e-15);
            // i(v1) flows into V1's + terminal: the primary current is -i(v1).
            let zin = -1.0 / at(plot, "i(v1)", 0).re;
            assert_rel(zin, n * n * 50.0, 1e-12, "reflected impedance");
        }
    }
}

// ---------------------------------------------------------------- difference amplifier

/// rx_diffamp with R4 = G r (1+d), ideal op-amp, ideal sources:
///   a = R4/(R3+R4) (1+R2/R1) = G(1+d)(1+G)/(1+G+Gd),  b = G
///   Adm = (a+b)/2 = G(2+2G+d+2Gd) / (2(1+G+Gd)),  Acm = a-b = G d/(1+G+Gd)
///   CMRR = (a+b)/(2|a-b|) = (2+2G+d+2Gd)/(2|d|), for d > 0 (1+G)/d + (1+2G)/2
///   (66.03 dB for G=1, d=1e-3: the primer's (1+G)/d)
/// and with d = 0: Adm = G, Acm = 0.
#[test]
fn diff_amp_gain_and_single_resistor_cmrr() {
    for (g, d) in [
        (1.0, 0.0),
        (2.0, 0.0),
        (1.0, 1e-3),
        (2.0, 1e-3),
        (10.0, -5e-3),
    ] {
        let text = format!(
            "diff amp\n.lib balun receivers\nVh hot 0 DC 0 AC 1\nVc cold 0 DC 0 AC 1\n\
             X1 hot cold 0 out rx_diffamp gain={g} d4={d} {IDEAL}\n.op\n"
        );
        let c = elaborate("diffamp", &text);
        let (adm, acm) = dm_cm(&c, 1.0);
        let den = 1.0 + g + g * d;
        let adm_exp = g * (2.0 + 2.0 * g + d + 2.0 * g * d) / (2.0 * den);
        assert_rel(adm.norm(), adm_exp, 1e-8, "Adm");
        if d == 0.0 {
            assert_rel(adm.norm(), g, 1e-8, "Adm = gain");
            assert!(acm.norm() < 1e-9, "matched bridge: Acm = {acm}");
        } else {
            assert_rel(acm.norm(), (g * d / den).abs(), 1e-6, "Acm");
            let cmrr = adm.norm() / acm.norm();
            // (a+b)/(2|a-b|) = (2+2G+d+2Gd)/(2|d|): (1+G)/|d| + (1+2G)/2 for d > 0.
            let cmrr_exp = (2.0 + 2.0 * g + d + 2.0 * g * d) / (2.0 * d.abs());
            assert_rel(cmrr, cmrr_exp, 1e-6, "CMRR");
        }
    }
    // The primer's figure: 0.1 %, G = 1 -> 66.0 dB.
    let d = balun::library::receivers::DiffAmp {
        mismatch: [0.0, 0.0, 0.0, 1e-3],
        ..Default::default()
    };
    assert!((db(d.ideal_cmrr()) - 66.03).abs() < 0.01);
}

/// Worst case with tolerance t on all four (R1, R4 high; R2, R3 low): the general closed form
///   CMRR = (a+b)/(2|a-b|),  a = R4/(R3+R4)(1+R2/R1),  b = R2/R1   (`DiffAmp::ideal_cmrr`)
/// which is ~ (1+G)/(4t): 50.0 (34.0 dB) for t = 1 %, G = 1.
#[test]
fn diff_amp_worst_case_tolerance() {
    let t = 0.01;
    let amp = balun::library::receivers::DiffAmp {
        mismatch: [t, -t, -t, t],
        a0: 1e12,
        gbw_hz: 1e15,
        ..Default::default()
    };
    let text = format!(
        "worst case\n.lib balun receivers\nVh hot 0 DC 0 AC 1\nVc cold 0 DC 0 AC 1\n{}\n.op\n",
        amp.instance("x1", ["hot", "cold", "0", "out"])
    );
    let c = elaborate("worst", &text);
    let (adm, acm) = dm_cm(&c, 1.0);
    assert_rel(adm.norm() / acm.norm(), amp.ideal_cmrr(), 1e-6, "CMRR");
    assert_rel(amp.ideal_cmrr(), 2.0 / (4.0 * t), 1e-3, "~ (1+G)/(4t)");
    assert!((db(amp.ideal_cmrr()) - 34.0).abs() < 0.05);
}

// ---------------------------------------------------------------- source imbalance

/// A 600 ohm source imbalance (hot leg only) at 60 Hz.
/// - rx_diffamp (r = 10k, G = 1, exact resistors): the hot leg's divider becomes
///   R4/(R3+600+R4): a = 2*10k/20.6k, b = 1, CMRR = (a+b)/(2|a-b|) = 33.83 (30.59 dB), within
///   0.15 dB of the primer's 20*log10(Zcm/dZ) = 20*log10(20k/600) = 30.46 dB.
/// - rx_bootstrap (rb = 10k, ab = 0.999, Zcm = 10 Mohm per leg): with the op-amps ideal,
///   i(hot) = (vh - ab (vh+vc)/2)/rb and vh = vs - 600 i, so
///   `vh = (vs*rb + 300*ab*vc) / (rb + 600 - 300*ab)`;
///   DM (vs = 1/2, vc = -1/2): Adm = vh + 1/2;  CM (vs = vc = 1): Acm = vh - 1
///   giving 84.44 dB, the primer's 20*log10(Zcm/dZ) = 20*log10(10M/600) = 84.44 dB.
/// - rx_xfmr (line-input transformer, Faraday shield grounded): far higher; the limit is the
///   hot end's 50 pF to the shield against 600 ohm: 20*log10(1/(2 pi 60 50p 600)) = 98.9 dB.
#[test]
fn source_imbalance_limits_diff_amp_not_transformer() {
    let cmrr_of = |rx: &str| {
        let text = format!(
            "imbalance\n.lib balun receivers\nVh hs 0 DC 0 AC 1\nRsh hs hot 600\n\
             Vc cold 0 DC 0 AC 1\nX1 hot cold 0 out {rx}\n.op\n"
        );
        let c = elaborate("imbalance", &text);
        let (adm, acm) = dm_cm(&c, 60.0);
        adm.norm() / acm.norm()
    };

    let diff = cmrr_of(&format!("rx_diffamp {IDEAL}"));
    let a: f64 = 2.0 * 10e3 / 20.6e3;
    assert_rel(
        diff,
        (a + 1.0) / (2.0 * (a - 1.0).abs()),
        1e-6,
        "diff amp CMRR",
    );
    assert!((db(diff) - db(20e3 / 600.0)).abs() < 0.15, "{}", db(diff));

    let boot = cmrr_of(&format!("rx_bootstrap {IDEAL}"));
    let (rb, ab) = (10e3, 0.999);
    let vh = |vs: f64, vc: f64| (vs * rb + 300.0 * ab * vc) / (rb + 600.0 - 300.0 * ab);
    let expected = (vh(0.5, -0.5) + 0.5) / (vh(1.0, 1.0) - 1.0).abs();
    assert_rel(boot, expected, 1e-5, "bootstrapped CMRR");
    assert!((db(boot) - db(10e6 / 600.0)).abs() < 0.5, "{}", db(boot));

    let xfmr = cmrr_of("rx_xfmr");
    let limit = 1.0 / (2.0 * std::f64::consts::PI * 60.0 * 50e-12 * 600.0);
    assert!(
        (db(xfmr) - db(limit)).abs() < 3.0,
        "transformer CMRR {:.1} dB vs {:.1} dB",
        db(xfmr),
        db(limit)
    );
    assert!(db(xfmr) > db(diff) + 60.0);
}

/// Common-mode input impedance, both inputs driven by one 1 V source (legs in parallel):
/// - rx_diffamp: hot leg R3+R4 = 20k; cold leg R1 to the virtual node at v(inp) = 1/2, so
///   1/(10k/0.5) = 20k: 10 kohm in all (1e-8: ideal op-amp).
/// - rx_bootstrap: rb/(1-ab) per leg = 10 Mohm, 5 Mohm in all: 500 times higher.
#[test]
fn common_mode_input_impedance() {
    let zcm = |rx: &str| {
        let text =
            format!("zcm\n.lib balun receivers\nVcm in 0 DC 1\nX1 in in 0 out {rx} {IDEAL}\n.op\n");
        let plots = simulate("zcm", &text);
        -1.0 / at(&plots[0], "i(vcm)", 0).re
    };
    let diff = zcm("rx_diffamp");
    let boot = zcm("rx_bootstrap");
    assert_rel(diff, 10e3, 1e-8, "diff amp Zcm");
    assert_rel(boot, 5e6, 1e-8, "bootstrapped Zcm");
    assert!(boot / diff > 100.0);
}

// ---------------------------------------------------------------- headphones

/// hp_trs3 with only the left channel driven (1 V DC; ZL = re = 32, ro = rout + rw = 0.55,
/// rg = 0.1):  v(rt,sl)/v(lt,sl) = -rg/(ro + ZL + rg) = -0.1/32.65 (-50.28 dB), within 0.2 dB
/// of the primer's 20*log10(rg/RL) = -50.10 dB. At 10 kHz ZL = 32 + j*2*pi*10k*20u and the
/// same formula holds with complex ZL.
/// hp_bal4: v(lp,ln) = 2*V*ZL/(ZL + 2*ro); against the TRS left driver voltage
/// V*ZL*(ro+ZL+rg)/((ro+ZL)(ro+ZL+2rg)) that is +5.88 dB with these defaults, and +6.0206 dB
/// (20*log10(2)) when the series resistances vanish (1e-9 ohm).
#[test]
fn headphone_crosstalk_and_balanced_drive() {
    let run = |trs: &str, bal: &str| {
        let text = format!(
            "headphones\n.lib balun headphones\nVl inl 0 DC 1 AC 1\nVr inr 0 DC 0 AC 0\n\
             X1 inl inr 0 lt rt sl hp_trs3 {trs}\nX2 inl inr 0 lp ln rp rn hp_bal4 {bal}\n\
             .op\n.ac lin 1 10k 10k\n"
        );
        simulate("headphones", &text)
    };
    let plots = run("", "");
    let (ro, rg) = (0.55, 0.1);
    for plot in &plots {
        let f = if plot.is_complex() { 10e3 } else { 0.0 };
        let zl = Complex64::new(32.0, 2.0 * std::f64::consts::PI * f * 20e-6);
        let vl = at(plot, "v(lt)", 0) - at(plot, "v(sl)", 0);
        let vr = at(plot, "v(rt)", 0) - at(plot, "v(sl)", 0);
        let xt = vr / vl;
        let xt_exp = -rg / (ro + zl + rg);
        assert!(
            (xt - xt_exp).norm() <= 1e-12 * xt_exp.norm(),
            "{xt} vs {xt_exp}"
        );
        let vl_exp = zl * (ro + zl + rg) / ((ro + zl) * (ro + zl + 2.0 * rg));
        assert!((vl - vl_exp).norm() <= 1e-12, "{vl} vs {vl_exp}");
        let vb = at(plot, "v(lp)", 0) - at(plot, "v(ln)", 0);
        let vb_exp = 2.0 * zl / (zl + 2.0 * ro);
        assert!((vb - vb_exp).norm() <= 1e-12, "{vb} vs {vb_exp}");
        let vrb = at(plot, "v(rp)", 0) - at(plot, "v(rn)", 0);
        assert!(vrb.norm() < 1e-15, "no crosstalk with separate returns");
    }
    let op = &plots[0];
    let vl = op.vector("v(lt)").unwrap().data.at(0).re - op.vector("v(sl)").unwrap().data.at(0).re;
    let vr = op.vector("v(rt)").unwrap().data.at(0).re - op.vector("v(sl)").unwrap().data.at(0).re;
    assert!((db(vr.abs() / vl) - db(0.1 / 32.0)).abs() < 0.2);

    let ideal = run("rout=1e-9 rw=1e-9 rg=1e-9", "rout=1e-9 rw=1e-9");
    let op = &ideal[0];
    let v = |n: &str| at(op, n, 0).re;
    let gain_db = db((v("v(lp)") - v("v(ln)")) / (v("v(lt)") - v("v(sl)")));
    assert!((gain_db - 20.0 * 2f64.log10()).abs() < 1e-6, "{gain_db}");
    assert!((gain_db - 6.02).abs() < 0.001);
}

// ---------------------------------------------------------------- op-amp macromodel

/// opamp_macro as a follower on +-15 V rails (vdrop = 2): a 20 V step in .tran must clip at
/// about 15 - 2 = 13 V (the clamp diode's drop at the clamp current is within ~0.1 V of the
/// 0.6 V the model assumes) and slew at about sr = 9 V/us (the stage-1 clamp knee is a diode's:
/// within 10 %).
#[test]
fn opamp_macro_clips_and_slews() {
    let text = "macro\n.lib balun opamps\nVp vp 0 15\nVn vn 0 -15\n\
                Vin in 0 PULSE(0 20 1u 1n 1n 20u 40u)\n\
                X1 in out out vp vn opamp_macro\nRL out 0 10k\n\
                .tran 10n 10u\n";
    let plots = simulate("macro", text);
    let tran = &plots[0];
    let time = tran.scale.as_ref().expect("time scale");
    let out = tran.vector("v(out)").expect("v(out)");
    let n = tran.len();
    let t: Vec<f64> = (0..n).map(|i| time.data.at(i).re).collect();
    let v: Vec<f64> = (0..n).map(|i| out.data.at(i).re).collect();
    let last = v[n - 1];
    assert!((last - 13.0).abs() < 0.15, "clipped at {last} V");
    // Slew: time from 10 % to 90 % of the clipped level.
    let cross = |level: f64| {
        let i = v.iter().position(|&x| x >= level).expect("crosses");
        t[i - 1] + (level - v[i - 1]) / (v[i] - v[i - 1]) * (t[i] - t[i - 1])
    };
    let sr = 0.8 * last / (cross(0.9 * last) - cross(0.1 * last));
    assert!((sr / 9e6 - 1.0).abs() < 0.1, "slew rate {sr:.3e} V/s");
}

/// Thermal voltage kT/q at ngspice's default 27 C (the clamp diodes' `n = 1`), in V.
const VT_27C: f64 = 1.380_648_52e-23 * 300.15 / 1.602_176_634e-19;
/// Saturation current of the macromodel's clamp diodes (`dclamp`: is = 1e-14 A).
const IS_CLAMP: f64 = 1e-14;
/// Defaults of `opamp_macro` used below (see its comment block in crates/library/src/opamps.rs).
const MACRO_GBW: f64 = 10e6;
const MACRO_SR: f64 = 9e6;
const MACRO_ROUT: f64 = 50.0;
const MACRO_VDROP: f64 = 2.0;

/// Time and values of vector `name` of the transient plot of `tests/tran/{case}.net` (the
/// transient parity netlists, whose ngspice references `tests/parity_tran.rs` checks).
fn tran_case(case: &str, name: &str) -> (Vec<f64>, Vec<f64>) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/tran/{case}.net"));
    let plots = match balun::simulate_file(&path) {
        Ok((_, plots)) => plots,
        Err((e, _)) => panic!("{case}: balun failed: {e}"),
    };
    let tran = plots
        .iter()
        .find(|p| p.name == "Transient Analysis")
        .expect("a transient plot");
    let time = tran.scale.as_ref().expect("time scale");
    let v = tran.vector(name).unwrap_or_else(|| panic!("no {name}"));
    let n = tran.len();
    (
        (0..n).map(|i| time.data.at(i).re).collect(),
        (0..n).map(|i| v.data.at(i).re).collect(),
    )
}

/// Stage-1 clamp level of opamp_macro: x = 9.3 V + the diode drop at the clamp current
/// `(ks*vd - x)/1k` (the Norton source into Rx = 1 kohm, less Rx's own current), solved by
/// fixed-point iteration (the drop is logarithmic in the current: converges in a few steps).
fn macro_stage1_clamp(vd: f64) -> f64 {
    let ks = 10.0 * 2.0 * std::f64::consts::PI * MACRO_GBW / MACRO_SR;
    let mut x = 10.0;
    for _ in 0..20 {
        x = 9.3 + VT_27C * ((ks * vd.abs() - x) / 1e3 / IS_CLAMP).ln();
    }
    x
}

/// opamp_macro as a unity-gain buffer (tests/tran/opamp_macro_slew.net: 0 -> 10 V step with
/// 10 ns edges, 10 kohm load, +-15 V rails). Closed form of the slew rate: with stage 1
/// clamped at x_c, stage 2 drives gm/ks * x_c = 1 mS * x_c / ks into Cp = 1 mS / (2 pi gbw),
/// so d v(int)/dt = 2 pi gbw * x_c / ks = sr * x_c / 10 (ks = 2 pi gbw * 10 / sr); the output
/// follows through the unity buffer and rout into RL: SR_out = sr * (x_c / 10) * RL / (RL + rout).
/// x_c is 9.3 V plus a diode drop at (ks*vd - x_c)/1k, about 0.8 V at 0.13..0.55 A (vd = 8..2 V
/// over the 20..80 % ramp): evaluated at mid-ramp vd = 5 V it gives x_c = 10.105 V, SR_out
/// = 9.05 V/us, 0.5 % above sr (Rp's 50 nA against stage 2's 145 uA is 0.03 %). Asserted: the
/// measured 20..80 % slew rate within 0.5 % of that closed form, and within 3 % of sr itself
/// (the doc's "within a few %"), on both edges. The ngspice parity of the same netlist is in
/// tests/parity_tran.rs.
#[test]
fn opamp_macro_slew_rate_matches_sr() {
    let (t, v) = tran_case("opamp_macro_slew", "v(out)");
    let x_c = macro_stage1_clamp(5.0);
    let rl = 10e3;
    let expected = MACRO_SR * x_c / 10.0 * rl / (rl + MACRO_ROUT);
    // First crossing of `level` after t_from, going up (rising) or down.
    let cross = |level: f64, t_from: f64, rising: bool| {
        let i = (1..t.len())
            .find(|&i| t[i] > t_from && (v[i] >= level) == rising && (v[i - 1] >= level) != rising)
            .expect("crosses");
        t[i - 1] + (level - v[i - 1]) / (v[i] - v[i - 1]) * (t[i] - t[i - 1])
    };
    let rise = 6.0 / (cross(8.0, 1e-6, true) - cross(2.0, 1e-6, true));
    let fall = 6.0 / (cross(2.0, 4e-6, false) - cross(8.0, 4e-6, false));
    println!("slew: rise {rise:.4e} V/s, fall {fall:.4e} V/s, closed form {expected:.4e} V/s (x_c = {x_c:.4} V), sr = {MACRO_SR:e}");
    for (what, sr) in [("rising", rise), ("falling", fall)] {
        assert!(
            (sr / expected - 1.0).abs() < 0.005,
            "{what} slew rate {sr:.4e} V/s, closed form {expected:.4e} V/s"
        );
        assert!(
            (sr / MACRO_SR - 1.0).abs() < 0.03,
            "{what} slew rate {sr:.4e} V/s vs sr"
        );
    }
}

/// opamp_macro as a gain-10 non-inverting stage (tests/tran/opamp_macro_clip.net: 2 V, 1 kHz
/// sine, +-15 V rails, RF = 9k, RG = 1k, RL = 10k). Closed form of the clip level: the
/// integrator node is held at v(vp) - (vdrop + 0.6) + Vd, Vd = VT ln(Id/IS) the clamp diode's
/// drop at the whole stage-2 current Id = 1 mS * x_c / ks (stage 1 clamped: at the peak vd = 2 -
/// vout/10 = 0.71 V, so ks*vd = 50 V >> 10 V), less Rp's int/Rp = 0.13 uA; the output is int
/// through rout into RL || (RF + RG) = 5 kohm. That gives int = 13.005 V and out = +-12.876 V:
/// "15 V rails minus vdrop = 13 V" less the 1 % rout drop. Asserted: the output's extremes
/// within 1 mV of the closed form (symmetric rails: the same magnitude on both sides).
#[test]
fn opamp_macro_clips_at_rails_minus_vdrop() {
    let (_, v) = tran_case("opamp_macro_clip", "v(out)");
    let (lo, hi) = v
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
            (lo.min(x), hi.max(x))
        });
    let ks = 10.0 * 2.0 * std::f64::consts::PI * MACRO_GBW / MACRO_SR;
    let rload = 1.0 / (1.0 / 10e3 + 1.0 / 10e3);
    let mut out = 13.0;
    for _ in 0..20 {
        let x_c = macro_stage1_clamp(2.0 - out / 10.0);
        let int_guess = out * (rload + MACRO_ROUT) / rload;
        let id = 1e-3 * x_c / ks - int_guess / 1e8;
        let int = 15.0 - (MACRO_VDROP + 0.6) + VT_27C * (id / IS_CLAMP).ln();
        out = int * rload / (rload + MACRO_ROUT);
    }
    println!("clip: +{hi:.5} V / {lo:.5} V, closed form +-{out:.5} V (rails 15 V - vdrop {MACRO_VDROP} V)");
    assert!(
        (hi - out).abs() < 1e-3,
        "positive clip {hi} V, closed form {out} V"
    );
    assert!(
        (lo + out).abs() < 1e-3,
        "negative clip {lo} V, closed form {} V",
        -out
    );
    assert!((out - 13.0).abs() < 0.15);
}

// ---------------------------------------------------------------- every model

/// Every library model, instantiated with its defaults in a small circuit (each port through
/// 1 kohm to ground, the first port driven, rails at +-15 V), elaborates and solves .op and .ac.
#[test]
fn every_model_elaborates_and_solves() {
    for m in balun::library::MODELS {
        let mut text = format!(
            "{}\n.lib balun {}\nVs src 0 DC 0.1 AC 1\n",
            m.name, m.section
        );
        let mut nodes = Vec::new();
        for (i, port) in m.ports.iter().enumerate() {
            let node = format!("n_{port}");
            match *port {
                "vp" => text.push_str(&format!("Vvp {node} 0 15\n")),
                "vn" => text.push_str(&format!("Vvn {node} 0 -15\n")),
                _ if i == 0 => text.push_str(&format!("Rs src {node} 1k\n")),
                _ => text.push_str(&format!("R{i} {node} 0 1k\n")),
            }
            nodes.push(node);
        }
        text.push_str(&format!(
            "X1 {} {}\n.op\n.ac dec 2 10 100k\n",
            nodes.join(" "),
            m.name
        ));
        let plots = simulate(m.name, &text);
        assert_eq!(plots.len(), 2, "{}", m.name);
        for p in &plots {
            for v in &p.vectors {
                for i in 0..p.len() {
                    assert!(v.data.at(i).norm().is_finite(), "{}: {}", m.name, v.name);
                }
            }
        }
    }
}

/// Sections parse on their own, and `.lib balun` with an unknown section is an error at the
/// card, naming the library.
#[test]
fn sections_parse_and_unknown_section_is_reported() {
    for (name, text) in balun::library::SECTIONS {
        let full = format!("section {name}\n{}", text());
        let r = balun::netlist::parse_str_with(
            std::path::Path::new("s.net"),
            &full,
            &balun::library::resolve,
        );
        assert!(r.is_ok(), "{name}: {:?}", r.err().map(|e| e.0));
    }
    let path = write("unknown", "t\n.lib balun nosuch\nR1 a 0 1\n.op\n");
    let f = balun::elaborate_file(&path).expect_err("unknown section");
    assert_eq!(
        f.error.to_string(),
        "library 'balun' has no section 'nosuch'"
    );
}

// ---------------------------------------------------------------- committed library file

/// `tests/tran/balun` is the library as ngspice reads it ([`library::ngspice_lib_file`]), so
/// that the transient parity netlists `tests/tran/opamp_macro_*.net` run in ngspice with
/// `.lib balun opamps` (balun itself resolves that name to its built-in library). It must equal
/// the current library text, or the committed ngspice references would describe another model.
/// Regenerate it with `BALUN_WRITE_LIB=1 cargo test --release --test library
/// committed_library_file_is_current`, then run `scripts/regen-parity.sh`.
#[test]
fn committed_library_file_is_current() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/tran/balun");
    let current = library::ngspice_lib_file();
    if std::env::var_os("BALUN_WRITE_LIB").is_some() {
        std::fs::write(&path, &current).expect("write tests/tran/balun");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == current,
        "{} differs from library::ngspice_lib_file(); regenerate it with BALUN_WRITE_LIB=1 \
         cargo test --release --test library committed_library_file_is_current, then run \
         scripts/regen-parity.sh opamp_macro_slew opamp_macro_clip",
        path.display()
    );
}
