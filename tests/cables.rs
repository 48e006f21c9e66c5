//! The cable library (`.lib balun cables`) against closed forms: magnetic pickup of a pair
//! (omega*B*A, and the twisting factor), common-mode hum into balanced and unbalanced receivers,
//! the lumping error of the 16-section ladder, and the hum figures of the comparison example
//! `netlists/cable_hum_*.net`.
//!
//! Tolerances are stated per test; most are set by effects the closed form leaves out (the
//! cable's shunt capacitance at 50 Hz, the op-amp's finite gain), each estimated in place.

mod common;

use balun::circuit::Circuit;
use balun::solver::Plot;
use measure::interference::{interference, InterferenceSetup};
use num_complex::Complex64;
use std::f64::consts::PI;
use std::path::{Path, PathBuf};

/// Writes `text` to a fresh file (unique per call: tests run in parallel).
fn write(name: &str, text: &str) -> PathBuf {
    common::scratch_netlist("cables", name, text)
}

fn simulate(name: &str, text: &str) -> Vec<Plot> {
    let path = write(name, text);
    match balun::run_file(&path) {
        Ok(s) => s.plots,
        Err(f) => panic!("{name}: balun failed: {}\n{text}", f.error),
    }
}

fn elaborate(path: &Path) -> Circuit {
    match balun::elaborate_file(path) {
        Ok(e) => e.circuit,
        Err(f) => panic!("{}: {}", path.display(), f.error),
    }
}

fn at(plots: &[Plot], name: &str) -> Complex64 {
    let plot = plots
        .iter()
        .find(|p| p.name == "AC Analysis")
        .expect("an AC plot");
    plot.vector(name)
        .unwrap_or_else(|| panic!("no vector {name}"))
        .data
        .at(0)
}

#[track_caller]
fn assert_rel(actual: f64, expected: f64, tol: f64, what: &str) {
    let rel = (actual - expected).abs() / expected.abs();
    assert!(
        rel <= tol,
        "{what}: got {actual:.9e}, expected {expected:.9e} (rel {rel:.3e} > {tol:.1e})"
    );
}

fn db(x: f64) -> f64 {
    20.0 * x.log10()
}

const B_T: f64 = 2e-6;
const F_HZ: f64 = 50.0;

/// Far-end open-circuit differential voltage of a pair in a uniform field `B_T` at `F_HZ`, the
/// source end shorted to ground: `v(a2) - v(b2)`.
fn pickup(model: &str, params: &str) -> Complex64 {
    let ports = if model == "cable_mic" {
        "0 0 0 a2 b2 0 fld 0"
    } else {
        "0 0 a2 b2 fld 0"
    };
    let text = format!(
        "pickup\n.lib balun cables\nVf fld 0 AC {B_T}\nX1 {ports} {model} {params}\n\
         .ac lin 1 {F_HZ} {F_HZ}\n.end\n"
    );
    let plots = simulate(model, &text);
    at(&plots, "v(a2)") - at(&plots, "v(b2)")
}

/// An untwisted pair (twist = 0) lying across the field links the area sp*len, so the open far
/// end shows v(a2,b2) = -j*omega*B*sp*len (Faraday; sign as the section text states).
/// Neglected: the loop current into the pair's capacitance, relative size omega*R*C ~
/// 314 * 1.1 ohm * 1.7 nF ~ 6e-7 (cable_mic, 10 m) and omega^2*L*C ~ 1e-9: tolerance 1e-5.
#[test]
fn untwisted_pair_picks_up_omega_b_area() {
    let omega = 2.0 * PI * F_HZ;
    for (model, sp, len) in [("cable_mic", 1.4e-3, 10.0), ("cable_utp", 0.95e-3, 37.0)] {
        let v = pickup(model, &format!("twist=0 len={len}"));
        let expected = omega * B_T * sp * len;
        assert_rel(v.norm(), expected, 1e-5, model);
        assert_rel(v.im, -expected, 1e-5, "phase: -j*omega*B*A");
    }
}

/// Twisting at `twist` turns/m over len: the linked area is sp*sin(2*pi*twist*len)/(2*pi*twist)
/// (phi = 0), so relative to the untwisted pair the pickup is sin(x)/x with x = 2*pi*twist*len:
/// - a whole number of turns, or of half turns: zero (to rounding: below 1e-9 of untwisted);
/// - N + 1/4 turns: 1/(2*pi*(N + 1/4)), the worst residual of a part turn;
/// - a pair turned by phi = pi/2 (lying along the field direction) links nothing untwisted.
///
/// Tolerance 1e-5 as in the untwisted test (same neglected terms).
#[test]
fn twisting_cancels_pickup_by_the_geometric_factor() {
    let len = 10.0;
    let untwisted = pickup("cable_utp", "twist=0").norm();
    for turns in [25.0, 25.5, 250.0] {
        let v = pickup("cable_utp", &format!("twist={} len={len}", turns / len));
        assert!(
            v.norm() < 1e-9 * untwisted,
            "{turns} turns: {} V, untwisted {untwisted} V",
            v.norm()
        );
    }
    for turns in [25.25, 2.25, 0.75] {
        let v = pickup("cable_utp", &format!("twist={} len={len}", turns / len));
        let x = 2.0 * PI * turns;
        assert_rel(
            v.norm() / untwisted,
            (x.sin() / x).abs(),
            1e-5,
            &format!("{turns} turns"),
        );
    }
    // A non-special count: sin(x)/x with its sign (the EMF flips with the residual's sign).
    let turns = 3.6;
    let v = pickup("cable_mic", &format!("twist={} len={len}", turns / len));
    let v0 = pickup("cable_mic", "twist=0");
    let x = 2.0 * PI * turns;
    assert_rel((v / v0).re, x.sin() / x, 1e-5, "3.6 turns");
    let v = pickup("cable_utp", "twist=0 phi=1.5707963267948966");
    assert!(v.norm() < 1e-9 * untwisted, "phi = pi/2: {}", v.norm());
}

/// The 16-section ladder against one of 128 sections built from the same segment model, for
/// the longest run the documentation promises (100 m of cable_mic at 20 kHz, 600 ohm source,
/// 10 kohm load). The lumping error falls as 1/n^2, so 128 sections stand in for the
/// continuous line (their own error is 1/64 of the 16-section one). Measured: 6.2e-6 relative;
/// the bound 3e-5 leaves a factor 5 (the module doc's estimate, ~1e-6 from beta*len alone, is
/// the order; the R and the source/load mismatch add to it).
#[test]
fn sixteen_sections_are_enough_for_100_m_at_20_khz() {
    let params = "len=100 twist=25 phi=0 sp=1.4m r=54m rs=50m ldm=0.49u lcm=0.15u ls=1u \
                  cab=111p cs=109p cimb=0 cagg=1p";
    let n = 128;
    let mut fine = String::new();
    for k in 0..n {
        let node = |c: &str, k: usize| match k {
            0 => format!("{c}1"),
            k if k == n => format!("{c}2"),
            k => format!("{c}_{k}"),
        };
        fine.push_str(&format!(
            "Xf{k} {} {} {} {} {} {} 0 0 cab_seg_stp n={n} k={k} {params}\n",
            node("fa", k),
            node("fb", k),
            node("fs", k),
            node("fa", k + 1),
            node("fb", k + 1),
            node("fs", k + 1),
        ));
    }
    let text = format!(
        "ladder\n.lib balun cables\nV1 in 0 AC 1\n\
         R1 in a1 300\nR2 b1 0 300\nX1 a1 b1 0 a2 b2 0 0 0 cable_mic {params}\nRl a2 b2 10k\n\
         R3 in fa1 300\nR4 fb1 0 300\nRs fs1 0 1m\n{fine}Rlf fa2 fb2 10k\nRsf fs2 0 1m\n\
         .ac lin 1 20k 20k\n.end\n"
    );
    let plots = simulate("ladder", &text);
    let coarse = at(&plots, "v(a2)") - at(&plots, "v(b2)");
    let fine = at(&plots, "v(fa2)") - at(&plots, "v(fb2)");
    let rel = (coarse - fine).norm() / fine.norm();
    println!("16 vs 128 sections, 100 m at 20 kHz: relative difference {rel:.3e}");
    assert!(
        rel < 3e-5,
        "16 vs 128 sections: relative difference {rel:e}"
    );
}

/// `(hum, signal)` output per volt of the interference and signal sources (`.hum` card).
fn hum(path: &Path) -> (Complex64, Complex64) {
    let c = elaborate(path);
    let Some(balun::circuit::Measurement::Interference {
        out,
        signal,
        interference: src,
        ..
    }) = c.measurements.first().cloned()
    else {
        panic!("{}: no .hum card", path.display())
    };
    let setup = InterferenceSetup {
        signal,
        interference: src,
        out: measure::Probe::Voltage(out.pos, out.neg),
    };
    let p = interference(&c, &setup, &[F_HZ]).expect("hum")[0];
    (p.interference_gain, p.signal_gain)
}

/// Output of rx_diffamp (gain 1, r = 10k, R4 off by d) with an ideal op-amp, fed hot `vh` and
/// cold `vc` through `rs` each: inp = vh*R4/(rs + R3 + R4); the cold leg's current
/// (vc - inn)/(rs + R1) flows on through R2, inn = inp:
///   out = inp*(1 + R2/(rs + R1)) - vc*R2/(rs + R1).
fn diffamp(vh: f64, vc: f64, rs: f64, d: f64) -> f64 {
    let (r1, r2, r3, r4) = (10e3, 10e3, 10e3, 10e3 * (1.0 + d));
    let inp = vh * r4 / (rs + r3 + r4);
    inp * (1.0 + r2 / (rs + r1)) - vc * r2 / (rs + r1)
}

/// Common-mode interference (a ground difference vg between the source's ground and the
/// receiver's, plus a 2 uT field) on 10 m of unshielded pair, source 100 ohm per leg:
/// - single-ended: untwisted pair into rx_unbal: the source ground's offset reaches the
///   input in full, hum = vg * Rin/(Rin + Rsrc), Rsrc = 100 + r*len (the field's EMF, 6 uV in
///   quadrature, changes that by 1e-9);
/// - balanced: a whole number of turns (no magnetic residual) into rx_diffamp with R4 0.1%
///   off, whose CMRR is (1+G)/d + (1+2G)/2 = 2001.5 (66.03 dB): hum = diffamp(vg, vg, Rsrc).
///
/// The balanced hum is lower by the receiver's CMRR: its hum relative to the single-ended one is
/// within 0.1 dB of -66.03 dB (the rest is the source resistance's divider into the two inputs,
/// 10 kohm for rx_unbal against 20 kohm common-mode per leg for the diff amp). Tolerance 1e-3
/// relative on each hum: the op-amp's finite gain (A ~ 9e4 at 50 Hz) and the pair's capacitance
/// (omega*Rsrc*C ~ 2e-5) are left out.
#[test]
fn balanced_receiver_hum_falls_by_its_cmrr() {
    let vg = 0.1;
    let run = |twist: f64, rx: &str| {
        let text = format!(
            "cm hum\n.lib balun receivers\n.lib balun cables\nVsig in g1 AC 1\nVhum hum 0 AC 1\n\
             Efld fld 0 hum 0 {B_T}\nEgnd g1 0 hum 0 {vg}\nEd o g1 in g1 1\nRh o hot 100\n\
             Rc cold g1 100\nXc hot cold a2 b2 fld 0 cable_utp twist={twist}\n\
             Xr a2 b2 0 out {rx}\n.hum out vsig vhum\n.end\n"
        );
        hum(&write("cmhum", &text)).0.norm()
    };
    let rsrc = 100.0 + 93.8e-3 * 10.0;
    let se = run(0.0, "rx_unbal");
    assert_rel(se, vg * 10e3 / (10e3 + rsrc), 1e-6, "single-ended hum");
    let bal = run(6.0, "rx_diffamp d4=1m");
    assert_rel(bal, diffamp(vg, vg, rsrc, 1e-3).abs(), 1e-3, "balanced hum");
    let cmrr_db = db(2.0 / 1e-3 + 1.5);
    assert!(
        (db(se) - db(bal) - cmrr_db).abs() < 0.1,
        "hum fell by {:.3} dB, CMRR {cmrr_db:.3} dB",
        db(se) - db(bal)
    );
}

/// The comparison example (`netlists/cable_hum_*.net`, scenario in `hum_scenario.inc`):
/// 100 mV between the grounds behind Rgl = 0.3 ohm, the shield closing the loop, B = 2 uT,
/// mains 230 V at ~1 pF/m, 50 Hz, signal 1 V.
/// - coax into rx_unbal: loop current I = vg/(Rgl + rs*len + j*omega*ls*len + rc) (the 10 kohm
///   input path in parallel changes it by 1e-5); the centre conductor sees the shield's
///   inductive drop through M = Ls, so relative to the receiver ground it carries the
///   resistive drop only: hum = I*(rs*len + rc) * Rin/(Rin + 100 + rc_centre*len).
/// - shielded pair into rx_diffamp (d4 = 1e-3): I = vg/(Rgl + rs*len + j*omega*ls*len), the
///   common mode at the receiver I*rs*len, through 100 + r*len per leg: hum = |diffamp(vcm,
///   vcm)|.
/// - shielded pair into rx_xfmr: the winding capacitances see equal source impedances, so
///   only numerical residue is left: at least 60 dB below the diff amp.
///
/// Signals: 1 V into 10 kohm through 100.33 ohm and the return (shield || ground wiring) (coax),
/// the diff amp's DM gain through
/// 100.54 ohm per leg. Tolerance 1e-3 (the op-amp's finite gain; the mains charge on the shield,
/// 7e-7 A, shifts the hum by ~1e-6).
#[test]
fn comparison_example_matches_closed_forms() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("netlists");
    let omega = Complex64::new(0.0, 2.0 * PI * F_HZ);
    let (vg, rgl) = (0.1, 0.3);

    let (h, s) = hum(&dir.join("cable_hum_coax_unbal.net"));
    let (rs, ls, rc) = (9e-3 * 10.0, 1e-6 * 10.0, 1e-3);
    let i = vg / (rgl + rs + rc + omega * ls);
    let rin = 10e3 / (10e3 + 100.0 + 33e-3 * 10.0);
    assert_rel(h.norm(), (i * (rs + rc)).norm() * rin, 1e-3, "coax hum");
    // The signal's return current splits between the shield (and rc) and the ground wiring.
    let rret = (rs + rc) * rgl / (rs + rc + rgl);
    let sig = 10e3 / (10e3 + 100.0 + 33e-3 * 10.0 + rret);
    assert_rel(s.norm(), sig, 1e-6, "coax signal");
    let coax = (db(h.norm()), db(s.norm() / h.norm()));

    let (h, s) = hum(&dir.join("cable_hum_stp_diffamp.net"));
    let (rs, ls) = (50e-3 * 10.0, 1e-6 * 10.0);
    let vcm = (vg / (rgl + rs + omega * ls) * rs).norm();
    let rleg = 100.0 + 54e-3 * 10.0;
    assert_rel(
        h.norm(),
        diffamp(vcm, vcm, rleg, 1e-3).abs(),
        1e-3,
        "diff amp hum",
    );
    assert_rel(
        s.norm(),
        diffamp(1.0, 0.0, rleg, 1e-3),
        1e-3,
        "diff amp signal",
    );
    let diff = (db(h.norm()), db(s.norm() / h.norm()));

    let (h, s) = hum(&dir.join("cable_hum_stp_xfmr.net"));
    let xfmr = (db(h.norm()), db(s.norm() / h.norm()));
    assert!(
        xfmr.0 < diff.0 - 60.0,
        "xfmr hum {xfmr:?}, diff amp {diff:?}"
    );

    // The figures the example's comments and the report quote (hum dBV, S/H dB).
    println!("coax/rx_unbal   {:8.2} dBV  S/H {:7.2} dB", coax.0, coax.1);
    println!("stp/rx_diffamp  {:8.2} dBV  S/H {:7.2} dB", diff.0, diff.1);
    println!("stp/rx_xfmr     {:8.2} dBV  S/H {:7.2} dB", xfmr.0, xfmr.1);
    assert!((coax.0 - -32.75).abs() < 0.01 && (diff.0 - -90.15).abs() < 0.01);
}

/// Mains aggressor on 10 m of cable_utp, each conductor terminated with R = 1 kohm to ground at
/// both ends (R/2 per conductor; the wire's own R and L are negligible at 50 Hz). Conductor a's
/// capacitance to the aggressor is cagg*(len + dagg*I), b's cagg*(len - dagg*I), I = len
/// untwisted (phi = 0), so with omega*C*R << 1 (3e-6 here):
///   v(a) - v(b) = j*omega*(Ca - Cb)*(R/2)*Vagg = j*omega*2*cagg*dagg*len*(R/2)*Vagg.
/// The pair's own capacitance cab*len = 520 pF across the 500 ohm difference loads it by
/// omega*cab*len*R ~ 1.6e-4: tolerance 1e-3. Twisted to a whole number of turns, the two
/// capacitances are equal: the difference vanishes (below 1e-9 of the untwisted one).
#[test]
fn aggressor_coupling_and_its_twisting_cancellation() {
    let (r, cagg, dagg, len, vagg) = (1e3, 1e-12, 5e-3, 10.0, 230.0);
    let run = |twist: f64| {
        let text = format!(
            "aggressor\n.lib balun cables\nVa agg 0 AC {vagg}\n\
             X1 a1 b1 a2 b2 0 agg cable_utp twist={twist} len={len} cagg={cagg} dagg={dagg}\n\
             Ra1 a1 0 {r}\nRb1 b1 0 {r}\nRa2 a2 0 {r}\nRb2 b2 0 {r}\n.ac lin 1 {F_HZ} {F_HZ}\n.end\n"
        );
        let plots = simulate("aggressor", &text);
        at(&plots, "v(a2)") - at(&plots, "v(b2)")
    };
    let untwisted = run(0.0);
    let expected = 2.0 * PI * F_HZ * 2.0 * cagg * dagg * len * r / 2.0 * vagg;
    assert_rel(
        untwisted.norm(),
        expected,
        1e-3,
        "untwisted aggressor pickup",
    );
    assert_rel(untwisted.im, expected, 1e-3, "phase: +j (capacitive)");
    let twisted = run(6.0);
    assert!(
        twisted.norm() < 1e-9 * untwisted.norm(),
        "twisted: {} V against {} V",
        twisted.norm(),
        untwisted.norm()
    );
}

/// The field port works in `.tran` too (v(db) = dB/dt from a 1 H inductor driven by a current
/// equal to B): B = B0*sin(omega*t) on an untwisted cable_utp gives v(a2,b2) =
/// -omega*B0*sp*len*cos(omega*t). Checked over the second period of 50 Hz with 2000 steps per
/// period (trapezoidal rule: phase error ~ (omega*h)^2/12 ~ 1e-6; the waveform starts at B = 0
/// with dB/dt = omega*B0, which the inductor's initial current of 0 matches): tolerance 1e-3
/// of the amplitude.
#[test]
fn field_pickup_in_transient() {
    let (b0, sp, len) = (1e-3, 0.95e-3, 10.0);
    let omega = 2.0 * PI * F_HZ;
    let text = format!(
        "tran pickup\n.lib balun cables\nVf fld 0 SIN(0 {b0} {F_HZ})\n\
         X1 0 0 a2 b2 fld 0 cable_utp twist=0 len={len}\n.tran 10u 40m 0 10u\n.end\n"
    );
    let plots = simulate("tran", &text);
    let plot = plots
        .iter()
        .find(|p| p.name == "Transient Analysis")
        .expect("a transient plot");
    let time = plot.scale.as_ref().expect("time scale");
    let (va, vb) = (
        plot.vector("v(a2)").expect("v(a2)"),
        plot.vector("v(b2)").expect("v(b2)"),
    );
    let amp = omega * b0 * sp * len;
    let mut checked = 0;
    for i in 0..time.data.len() {
        let t = time.data.at(i).re;
        if t < 20e-3 {
            continue;
        }
        let v = va.data.at(i).re - vb.data.at(i).re;
        let expected = -amp * (omega * t).cos();
        assert!(
            (v - expected).abs() < 1e-3 * amp,
            "t = {t}: {v} V, expected {expected} V"
        );
        checked += 1;
    }
    assert!(checked > 1000, "only {checked} points checked");
}

/// `balun compare --measure hum` on the example prints hum (dBV) and S/H (dB) side by side.
#[test]
fn compare_prints_hum_and_signal_to_hum() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_balun"))
        .current_dir(root)
        .args([
            "compare",
            "netlists/cable_hum_coax_unbal.net",
            "netlists/cable_hum_stp_diffamp.net",
            "--measure",
            "hum",
            "--freq",
            "50",
        ])
        .output()
        .expect("runs balun");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("50 Hz hum dBV") && text.contains("50 Hz S/H dB"),
        "{text}"
    );
    let row = |name: &str| -> Vec<String> {
        text.lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("no row {name} in\n{text}"))
            .split_whitespace()
            .skip(1)
            .map(String::from)
            .collect()
    };
    // The figures of comparison_example_matches_closed_forms, to the table's 2 decimals.
    assert_eq!(row("cable_hum_coax_unbal"), ["-32.75", "32.66"]);
    assert_eq!(row("cable_hum_stp_diffamp"), ["-90.15", "90.07"]);
}

/// Capacitance imbalance of a shielded pair (cimb): the shield driven at V from the source end
/// (far end open), each conductor terminated with R = 1 kohm to ground at both ends. Conductor
/// a has cs*(1 + cimb/2)*len to the shield, b cs*(1 - cimb/2)*len, so (omega*C*R ~ 3e-4):
///   v(a) - v(b) = j*omega*cs*cimb*len*(R/2)*V.
/// Left out: the pair's capacitance across the difference (omega*cab*len*R ~ 3.5e-4) and the
/// shield's tiny charging current in its inductance: tolerance 1e-3. cimb = 0: no difference.
#[test]
fn shield_capacitance_imbalance_converts_common_mode() {
    let (r, cs, cimb, len) = (1e3, 109e-12, 0.02, 10.0);
    let run = |cimb: f64| {
        let text = format!(
            "cimb\n.lib balun cables\nVs s1 0 AC 1\n\
             X1 a1 b1 s1 a2 b2 s2 0 0 cable_mic len={len} cimb={cimb}\n\
             Ra1 a1 0 {r}\nRb1 b1 0 {r}\nRa2 a2 0 {r}\nRb2 b2 0 {r}\n.ac lin 1 {F_HZ} {F_HZ}\n.end\n"
        );
        let plots = simulate("cimb", &text);
        (
            at(&plots, "v(a2)") - at(&plots, "v(b2)"),
            at(&plots, "v(a2)"),
        )
    };
    let (vdm, va) = run(cimb);
    let expected = 2.0 * PI * F_HZ * cs * cimb * len * r / 2.0;
    assert_rel(vdm.norm(), expected, 1e-3, "imbalance pickup");
    let (vdm0, _) = run(0.0);
    assert!(
        vdm0.norm() < 1e-9 * va.norm(),
        "balanced: {} V",
        vdm0.norm()
    );
}
