//! The data-sheet op-amps (`opamp_ds_*` in `.lib balun opamps`, written by
//! `crates/library/src/opamp_ds.rs`) reproduce the figures they were built from, measured the
//! way a bench (or balun's own commands) would measure them:
//!
//! - **GBW** from `.ac`: an inverting unity-gain stage (10 kohm / 10 kohm, non-inverting input
//!   grounded, so the op-amp sees no common mode); the open-loop gain is
//!   `A = -v(out)/v(inn)` and at `f = GBW/20` (40 dB above the unity-gain frequency, 1000x the
//!   dominant pole) `|A| f = GBW / sqrt(1 + (fp/f)^2)` to 1e-6;
//! - **slew rate** from `.tran`: the same stage, a 0 -> -10 V input step, 2 kohm load; the
//!   output's 20 %..80 % ramp. The integrator ramps at `Iee/C2` exactly; the output lags it by
//!   the growing drop on `Ro` (load 2 kohm || 10 kohm of feedback: `Ro * 0.6 mS`, 3 % for
//!   Ro = 50 ohm), as a real output stage's would;
//! - **CMRR and its corner** with `measure::cmrr` (what `balun cmrr` runs) on
//!   `rx_diffamp_<class>` with exact resistors: CMRR(receiver) = CMRR(op-amp, f) |Adm(f)|
//!   (see the receivers section), so at 10 Hz it is the data sheet's CMRR and it is 3.01 dB
//!   lower at the corner `fcm` (|Adm| there is 1 - O((fcm/GBW)^2)). The resistors are 1 Mohm
//!   here, not the default 10 kohm: the output supplies the common-mode current `vcm/(2r)`
//!   through the op-amp's `Ro`, which takes an input error `Ro vcm/(2 r A(f))` at noise gain 2,
//!   i.e. `Acm = Ro/(r A(f))` on top of the op-amp's own: with 10 kohm and the NE5532 class
//!   (Ro = 50 ohm, A = 1000 at 10 kHz) that is -106 dB at 10 kHz, rising 20 dB/decade, which
//!   moves the 3 dB point from 10 kHz to 6.7 kHz. It is real (the receiver's CMRR falls as the
//!   loop gain falls); 1 Mohm makes it 40 dB smaller, so the op-amp's own CMRR is measured;
//! - **EIN** from `.noise`: a follower driven from the source itself (0 ohm): `inoise` is
//!   `en sqrt(1 + fce/f)` (at 10 Hz, 1 kHz and 10 kHz); for the bipolar classes also with a
//!   noiseless 100 kohm source resistance, where `inoise^2 = en^2 |1 + j w Rs Cin|^2 + in^2
//!   (1 + fci/f) Rs^2` (the input current's generator through the source, `Cin`'s divider
//!   referred back to the source);
//! - **phase margin** at unity gain into 2 kohm || 100 pF: from the follower's closed-loop
//!   response `H`, the loop gain is `T = H/(1 - H)`; at `|T| = 1`, PM = 180 deg + arg T.
//!
//! Tolerance: 5 % on every figure (the criterion); the printed numbers (run with
//! `--nocapture`) show how close each is.

mod common;

use balun::library::opamp_ds::{DataSheet, Preset, PRESETS};
use balun::solver::Plot;
use measure::cmrr::{cmrr, CmrrSetup};
use std::f64::consts::PI;

fn simulate(name: &str, text: &str) -> Vec<Plot> {
    let path = common::scratch_netlist("opamp_ds", name, text);
    match balun::run_file(&path) {
        Ok(s) => s.plots,
        Err(f) => panic!("{name}: balun failed: {}\n{text}", f.error),
    }
}

fn series(plots: &[Plot], plot: &str, name: &str) -> (Vec<f64>, Vec<num_complex::Complex64>) {
    let p = plots
        .iter()
        .find(|p| p.name == plot)
        .unwrap_or_else(|| panic!("no plot {plot}"));
    let scale = p.scale.as_ref().expect("scale");
    let v = p.vector(name).unwrap_or_else(|| panic!("no {name}"));
    (
        (0..p.len()).map(|i| scale.data.at(i).re).collect(),
        (0..p.len()).map(|i| v.data.at(i)).collect(),
    )
}

const RAILS: &str = "Vp vp 0 15\nVn vn 0 -15\n";

#[track_caller]
fn within(what: &str, class: &str, got: f64, want: f64, tol: f64) {
    let rel = got / want - 1.0;
    println!(
        "{class:<8} {what:<22} got {got:.5e}, figure {want:.5e} ({:+.2} %)",
        100.0 * rel
    );
    assert!(
        rel.abs() <= tol,
        "{class}: {what} {got:e}, data-sheet figure {want:e} ({:+.2} %)",
        100.0 * rel
    );
}

fn gbw(p: &Preset) -> f64 {
    let f = p.figures.gbw_hz / 20.0;
    let text = format!(
        "gbw {c}\n.lib balun opamps\n{RAILS}Vin in 0 DC 0 AC 1\nRi in inn 10k\nRf inn out 10k\n\
         X1 0 inn out vp vn {name}\n.ac lin 1 {f:e} {f:e}\n.end\n",
        c = p.class,
        name = p.subckt_name()
    );
    let plots = simulate(&format!("gbw_{}", p.class), &text);
    let (_, out) = series(&plots, "AC Analysis", "v(out)");
    let (_, inn) = series(&plots, "AC Analysis", "v(inn)");
    (out[0] / inn[0]).norm() * f
}

fn slew(p: &Preset) -> f64 {
    let t_ramp = 10.0 / p.figures.slew_v_per_s;
    let tstop = 1e-6 + 4.0 * t_ramp;
    let text = format!(
        "slew {c}\n.lib balun opamps\n{RAILS}Vin in 0 PULSE(0 -10 1u 1n 1n 1 2)\nRi in inn 10k\n\
         Rf inn out 10k\nX1 0 inn out vp vn {name}\nRl out 0 2k\n.tran {step:e} {tstop:e}\n.end\n",
        c = p.class,
        name = p.subckt_name(),
        step = t_ramp / 200.0
    );
    let plots = simulate(&format!("slew_{}", p.class), &text);
    let (t, v) = series(&plots, "Transient Analysis", "v(out)");
    let v: Vec<f64> = v.iter().map(|c| c.re).collect();
    let cross = |level: f64| {
        let i = (1..v.len())
            .find(|&i| v[i] >= level && v[i - 1] < level)
            .expect("crosses");
        t[i - 1] + (level - v[i - 1]) / (v[i] - v[i - 1]) * (t[i] - t[i - 1])
    };
    6.0 / (cross(8.0) - cross(2.0))
}

/// `(CMRR at 10 Hz as a ratio, the frequency where it is 3.01 dB lower)`.
fn cmrr_and_corner(p: &Preset) -> (f64, f64) {
    let text = format!(
        "cmrr {c}\n.lib balun receivers\nVh hot 0 AC 0.5\nVc cold 0 AC -0.5\n\
         X1 hot cold 0 out rx_diffamp_{c} r=1meg\n.cmrr out Vh Vc\n.ac dec 10 10 100k\n.end\n",
        c = p.class
    );
    let path = common::scratch_netlist("opamp_ds", &format!("cmrr_{}", p.class), &text);
    let c = match balun::elaborate_file(&path) {
        Ok(e) => e.circuit,
        Err(f) => panic!("{}: {}", p.class, f.error),
    };
    let Some(circuit::Measurement::Cmrr { out, hot, cold, .. }) = c.measurements.first() else {
        panic!("no .cmrr card");
    };
    let setup = CmrrSetup {
        hot: *hot,
        cold: *cold,
        out: measure::Probe::Voltage(out.pos, out.neg),
    };
    let ratio = |f: f64| {
        let pt = cmrr(&c, &setup, &[f]).expect("cmrr")[0];
        (pt.adm / pt.acm).norm()
    };
    let low = ratio(10.0);
    // Bisect (in log f) for CMRR = low/sqrt(2) over a decade and a half around the corner.
    let target = low / 2f64.sqrt();
    let (mut a, mut b) = (
        p.figures.cmrr_corner_hz / 30.0,
        p.figures.cmrr_corner_hz * 30.0,
    );
    for _ in 0..60 {
        let m = (a * b).sqrt();
        if ratio(m) > target {
            a = m;
        } else {
            b = m;
        }
    }
    (low, (a * b).sqrt())
}

/// `inoise` (V/rtHz) of a follower at each of `freqs`, source resistance `rs` (noiseless).
fn ein(p: &Preset, rs: f64, freqs: &[f64]) -> Vec<f64> {
    let list: Vec<String> = freqs.iter().map(|f| format!("{f:e}")).collect();
    let mut out = Vec::new();
    for (i, f) in list.iter().enumerate() {
        let text = format!(
            "ein {c}\n.lib balun opamps\n{RAILS}Vin src 0 DC 0 AC 1\nRs src in {rs:e} noisy=0\n\
             X1 in out out vp vn {name}\n.noise v(out) Vin lin 1 {f} {f}\n.end\n",
            c = p.class,
            name = p.subckt_name()
        );
        let plots = simulate(&format!("ein_{}_{rs}_{i}", p.class), &text);
        let (_, v) = series(&plots, "Noise Spectral Density Curves", "inoise_spectrum");
        out.push(v[0].re);
    }
    out
}

fn en_at(f: &DataSheet, hz: f64) -> f64 {
    f.en_v * (1.0 + f.fce_hz / hz).sqrt()
}

#[test]
fn gbw_from_ac_matches_the_figure() {
    for p in PRESETS {
        within("GBW (Hz)", p.class, gbw(p), p.figures.gbw_hz, 0.05);
    }
}

#[test]
fn slew_rate_from_tran_matches_the_figure() {
    for p in PRESETS {
        within(
            "slew rate (V/s)",
            p.class,
            slew(p),
            p.figures.slew_v_per_s,
            0.05,
        );
    }
}

#[test]
fn cmrr_and_its_corner_from_the_cmrr_measurement() {
    for p in PRESETS {
        let (low, corner) = cmrr_and_corner(p);
        within(
            "CMRR at 10 Hz (ratio)",
            p.class,
            low,
            10f64.powf(p.figures.cmrr_db / 20.0),
            0.05,
        );
        within(
            "CMRR corner (Hz)",
            p.class,
            corner,
            p.figures.cmrr_corner_hz,
            0.05,
        );
    }
}

#[test]
fn ein_from_noise_matches_en_and_in() {
    let freqs = [10.0, 1e3, 10e3];
    for p in PRESETS {
        let f = &p.figures;
        for (hz, got) in freqs.iter().zip(ein(p, 0.0, &freqs)) {
            within(
                &format!("EIN at {hz} Hz"),
                p.class,
                got,
                en_at(f, *hz),
                0.05,
            );
        }
        if f.pair == balun::library::opamp_ds::InputPair::Bjt {
            let rs = 100e3;
            for (hz, got) in [100.0, 1e3].iter().zip(ein(p, rs, &[100.0, 1e3])) {
                let w = 2.0 * PI * hz * rs * f.cin_f;
                let en_sq = en_at(f, *hz).powi(2) * (1.0 + w * w);
                let in_sq = (got * got - en_sq) / (rs * rs);
                let want = f.in_a * (1.0 + f.fci_hz / hz).sqrt();
                within(&format!("in at {hz} Hz"), p.class, in_sq.sqrt(), want, 0.05);
            }
        }
    }
}

#[test]
fn unity_gain_phase_margin_into_2k_100p() {
    for p in PRESETS {
        let text = format!(
            "pm {c}\n.lib balun opamps\n{RAILS}Vin in 0 DC 0 AC 1\n\
             X1 in out out vp vn {name}\nRl out 0 2k\nCl out 0 100p\n\
             .ac dec 400 {lo:e} {hi:e}\n.end\n",
            c = p.class,
            name = p.subckt_name(),
            lo = p.figures.gbw_hz / 10.0,
            hi = p.figures.gbw_hz * 10.0
        );
        let plots = simulate(&format!("pm_{}", p.class), &text);
        let (f, h) = series(&plots, "AC Analysis", "v(out)");
        let t: Vec<_> = h.iter().map(|h| h / (1.0 - h)).collect();
        let i = (1..t.len())
            .find(|&i| t[i].norm() < 1.0 && t[i - 1].norm() >= 1.0)
            .expect("unity loop gain in range");
        let pm = 180.0 + t[i].arg().to_degrees();
        println!(
            "{:<8} unity-gain crossover {:.3e} Hz, phase margin {pm:.1} deg",
            p.class, f[i]
        );
        assert!(pm >= 45.0, "{}: phase margin {pm} deg", p.class);
    }
}

/// Output swing, current limit and PSRR, each from one `.op` or `.ac` of a follower:
/// - swing: input at 14.9 V (beyond the clip), 1 Mohm load: the integrator is clamped at
///   `v(vp) - (vdrop + 0.6 V) + Vd`, Vd the clamp diode's drop at the stage current Iee
///   (0.5..0.65 V): the output within 0.15 V of `15 V - vdrop`;
/// - current limit: 1 V into 1 ohm asks for 1 A; the output gives `ilim` (the clamp sits at
///   `ilim Ro` with the diode's drop at Iee, which it then carries): within 5 %;
/// - PSRR: both rails AC +-1 V (input AC 0): the output is the input error
///   `(1 - (-1)) / (2 PSRR) = 1/PSRR` at the follower's gain 1: within 5 % at 100 Hz.
#[test]
fn swing_current_limit_and_psrr() {
    for p in PRESETS {
        let f = &p.figures;
        let name = p.subckt_name();
        let op = |tag: &str, vin: f64, load: &str| -> f64 {
            let text = format!(
                "{tag} {c}\n.lib balun opamps\n{RAILS}Vin in 0 DC {vin}\n\
                 X1 in out out vp vn {name}\nRl out 0 {load}\n.op\n.end\n",
                c = p.class
            );
            let plots = simulate(&format!("{tag}_{}", p.class), &text);
            series_op(&plots, "v(out)")
        };
        let swing = op("swing", 14.9, "1meg");
        println!(
            "{:<8} swing {swing:.4} V (15 V - vdrop = {})",
            p.class,
            15.0 - f.vdrop_v
        );
        assert!(
            (swing - (15.0 - f.vdrop_v)).abs() < 0.15,
            "{}: {swing}",
            p.class
        );
        let ilim = op("ilim", 1.0, "1");
        within("current limit (A)", p.class, ilim, f.ilim_a, 0.05);
        let text = format!(
            "psrr {c}\n.lib balun opamps\nVp vp 0 DC 15 AC 1\nVn vn 0 DC -15 AC -1\n\
             Vin in 0 DC 0 AC 0\nX1 in out out vp vn {name}\n.ac lin 1 100 100\n.end\n",
            c = p.class
        );
        let plots = simulate(&format!("psrr_{}", p.class), &text);
        let (_, out) = series(&plots, "AC Analysis", "v(out)");
        within(
            "PSRR (ratio)",
            p.class,
            1.0 / out[0].norm(),
            10f64.powf(f.psrr_db / 20.0),
            0.05,
        );
    }
}

fn series_op(plots: &[Plot], name: &str) -> f64 {
    let p = plots
        .iter()
        .find(|p| p.name == "Operating Point")
        .expect("an operating point");
    p.vector(name)
        .unwrap_or_else(|| panic!("no {name}"))
        .data
        .at(0)
        .re
}
