//! End-to-end checks against closed forms: each test writes a netlist, runs the whole pipeline
//! ([`balun::simulate_file`]) and compares with a value derived by hand in the comment above it.
//!
//! Tolerances: the circuits are small and well conditioned, so a direct LU solve is exact to a
//! few ulps times the condition number. Unless a test says otherwise, values are compared to
//! `1e-10` relative (comfortably above double rounding, far below any modelling error we want
//! to catch). Where a modelling approximation is involved (finite op-amp gain, a transformer
//! with k < 1), the test states the size of that approximation and uses it as the tolerance.

mod common;

use balun::solver::Plot;
use num_complex::Complex64;
use std::f64::consts::PI;

/// Writes `text` to a scratch netlist of its own and runs the whole pipeline on it.
fn simulate(name: &str, text: &str) -> Vec<Plot> {
    let path = common::scratch_netlist("analytic", name, text);
    let result = balun::simulate_file(&path);
    let _ = std::fs::remove_file(&path);
    match result {
        Ok((_, plots)) => plots,
        Err((e, _)) => panic!("{name}: balun failed: {e}\n{text}"),
    }
}

/// Value of vector `name` at point `i` of `plot` (real data has im = 0).
fn at(plot: &Plot, name: &str, i: usize) -> Complex64 {
    let names: Vec<&str> = plot.vectors.iter().map(|v| v.name.as_str()).collect();
    plot.vector(name)
        .unwrap_or_else(|| panic!("no vector {name} in {}: {names:?}", plot.name))
        .data
        .at(i)
}

/// Real value of `name` in a one-point (`.op`) plot.
fn op(plot: &Plot, name: &str) -> f64 {
    at(plot, name, 0).re
}

#[track_caller]
fn assert_rel(actual: f64, expected: f64, tol: f64, what: &str) {
    let rel = (actual - expected).abs() / expected.abs().max(f64::MIN_POSITIVE);
    assert!(
        rel <= tol,
        "{what}: got {actual:.15e}, expected {expected:.15e} (rel {rel:.3e} > {tol:.1e})"
    );
}

#[track_caller]
fn assert_crel(actual: Complex64, expected: Complex64, tol: f64, what: &str) {
    let rel = (actual - expected).norm() / expected.norm();
    assert!(
        rel <= tol,
        "{what}: got {actual:.15e}, expected {expected:.15e} (rel {rel:.3e} > {tol:.1e})"
    );
}

/// Default relative tolerance for well-conditioned linear circuits (see the module docs).
const TOL: f64 = 1e-10;

// ---------------------------------------------------------------------------------------------
// Resistive divider
// ---------------------------------------------------------------------------------------------

/// v(out) = V1 * R2 / (R1 + R2) = 10 * 1k / (3k + 1k) = 2.5 V;
/// the source current (ngspice's sign: into the `+` terminal) i(v1) = -V1 / (R1 + R2) = -2.5 mA.
#[test]
fn divider_op_is_exact_ratio() {
    let plots = simulate(
        "divider_op",
        "divider\nV1 in 0 DC 10\nR1 in out 3k\nR2 out 0 1k\n.op\n.end\n",
    );
    assert_eq!(plots.len(), 1);
    assert_rel(op(&plots[0], "v(out)"), 2.5, TOL, "v(out)");
    assert_rel(op(&plots[0], "v(in)"), 10.0, TOL, "v(in)");
    assert_rel(op(&plots[0], "i(v1)"), -2.5e-3, TOL, "i(v1)");
}

/// Sweeping V1 from -5 to 10 in steps of 0.5: v(out) = V1 / 4 at every point (linear in the
/// source, through the origin), and the sweep itself has 31 points -5, -4.5, ..., 10.
#[test]
fn divider_dc_sweep_is_linear() {
    let plots = simulate(
        "divider_dc",
        "divider sweep\nV1 in 0 DC 0\nR1 in out 3k\nR2 out 0 1k\n.dc V1 -5 10 0.5\n.end\n",
    );
    let plot = &plots[0];
    let scale = plot.scale.as_ref().expect("a .dc plot has a scale");
    assert_eq!(scale.data.len(), 31);
    for i in 0..scale.data.len() {
        let v1 = scale.data.at(i).re;
        // The sweep value itself: start + i * step (accumulated, hence a small tolerance).
        assert!(
            (v1 - (-5.0 + 0.5 * i as f64)).abs() < 1e-12,
            "sweep[{i}] = {v1}"
        );
        let out = at(plot, "v(out)", i).re;
        assert!(
            (out - v1 / 4.0).abs() <= TOL * v1.abs().max(1.0),
            "point {i}: v(out) = {out}, expected {}",
            v1 / 4.0
        );
    }
}

// ---------------------------------------------------------------------------------------------
// RC low-pass
// ---------------------------------------------------------------------------------------------

/// RC low-pass, R = 1k, C = 1/(2*pi*1k*1k) so fc = 1/(2*pi*R*C) = 1 kHz; `.ac dec 1 1k 10k`
/// gives exactly the two points f = fc and f = 10 fc. H(f) = 1 / (1 + j f/fc):
/// - at fc: |H| = 1/sqrt(2) (-3.0103 dB), arg H = -45 deg;
/// - at 10 fc: |H| = 1/sqrt(101), arg H = -atan(10) = -84.289 deg.
#[test]
fn rc_lowpass_corner_and_decade() {
    let plots = simulate(
        "rc_lowpass",
        "rc low-pass\nV1 in 0 AC 1\nR1 in out 1k\nC1 out 0 {1/(2*3.141592653589793*1k*1k)}\n\
         .ac dec 1 1k 10k\n.end\n",
    );
    let plot = &plots[0];
    let f0 = at(plot, "frequency", 0).re;
    let f1 = at(plot, "frequency", 1).re;
    assert_rel(f0, 1e3, 1e-12, "first frequency");
    assert_rel(f1, 1e4, 1e-12, "second frequency");

    let h_fc = at(plot, "v(out)", 0);
    assert_rel(h_fc.norm(), 1.0 / 2f64.sqrt(), TOL, "|H(fc)|");
    assert!((20.0 * h_fc.norm().log10() - (-3.010_299_956_639_812)).abs() < 1e-9);
    assert!((h_fc.arg().to_degrees() - (-45.0)).abs() < 1e-9, "{h_fc}");

    let h_10 = at(plot, "v(out)", 1);
    assert_rel(h_10.norm(), 1.0 / 101f64.sqrt(), TOL, "|H(10 fc)|");
    assert!(
        (h_10.arg() - (-(10f64).atan())).abs() < 1e-9,
        "arg H(10 fc) = {} deg",
        h_10.arg().to_degrees()
    );
}

// ---------------------------------------------------------------------------------------------
// Thevenin equivalents of networks with controlled sources
// ---------------------------------------------------------------------------------------------

/// Runs `body` twice: with port `out` open (returns v(out) = Voc) and with a 0 V source `vsc`
/// from `out` to ground (returns i(vsc) = Isc: ngspice's branch current flows into `+`, i.e.
/// from `out` through the short to ground).
fn thevenin(name: &str, body: &str) -> (f64, f64) {
    let open = simulate(
        &format!("{name}_open"),
        &format!("{name} open\n{body}.op\n.end\n"),
    );
    let short = simulate(
        &format!("{name}_short"),
        &format!("{name} short\n{body}Vsc out 0 DC 0\n.op\n.end\n"),
    );
    (op(&open[0], "v(out)"), op(&short[0], "i(vsc)"))
}

/// VCVS with series feedback: E1 drives `b` with A*(v(in) - v(out)), Rs from `b` to `out`.
/// - open: v(out) = v(b) = A (Vin - Voc) => Voc = A Vin / (1 + A) = 3/4 V (A = 3, Vin = 1);
/// - short: v(out) = 0 so v(b) = A Vin and Isc = A Vin / Rs = 3 mA;
/// - Rth = Voc / Isc = Rs / (1 + A) = 250 ohm.
#[test]
fn thevenin_vcvs_e() {
    let (voc, isc) = thevenin(
        "thevenin_e",
        "V1 in 0 DC 1\nRin in 0 1k\nE1 b 0 in out 3\nRs b out 1k\n",
    );
    assert_rel(voc, 0.75, TOL, "Voc");
    assert_rel(isc, 3e-3, TOL, "Isc");
    assert_rel(voc / isc, 1e3 / (1.0 + 3.0), TOL, "Rth");
}

/// VCCS with feedback: G1 (from ground into `out`) pushes gm*(v(in) - v(out)) into Ro.
/// SPICE's G current flows from n+ through the source to n-, so `G1 0 out` injects it into `out`.
/// - open: Voc/Ro = gm (Vin - Voc) => Voc = gm Ro Vin / (1 + gm Ro) = 10/11 V (gm = 1 mS,
///   Ro = 10k, Vin = 1);
/// - short: Isc = gm Vin = 1 mA (Ro carries nothing);
/// - Rth = Ro || 1/gm = 909.09 ohm.
#[test]
fn thevenin_vccs_g() {
    let (voc, isc) = thevenin(
        "thevenin_g",
        "V1 in 0 DC 1\nRin in 0 1k\nG1 0 out in out 1m\nRo out 0 10k\n",
    );
    assert_rel(voc, 10.0 / 11.0, TOL, "Voc");
    assert_rel(isc, 1e-3, TOL, "Isc");
    assert_rel(voc / isc, 1.0 / (1.0 / 10e3 + 1e-3), TOL, "Rth");
}

/// CCCS with feedback: Vsense holds `x` at 0 V and measures Is = Vin/R1 + v(out)/Rf (current
/// into its `+` terminal); F1 injects beta*Is into `out`, loaded by Ro (and Rf back to `x`).
/// - open: KCL at out: beta (Vin/R1 + Voc/Rf) = Voc/Ro + Voc/Rf
///   => Voc = beta Vin/R1 / (1/Ro + 1/Rf - beta/Rf) = 2e-3 / (5e-4 + 1e-4 - 2e-4) = 5 V
///   (beta = 2, R1 = 1k, Ro = 2k, Rf = 10k, Vin = 1);
/// - short: Is = Vin/R1 = 1 mA, Isc = beta Is = 2 mA; Rth = 2.5k.
#[test]
fn thevenin_cccs_f() {
    let (voc, isc) = thevenin(
        "thevenin_f",
        "V1 in 0 DC 1\nR1 in x 1k\nVsense x 0 DC 0\nF1 0 out Vsense 2\nRo out 0 2k\n\
         Rf out x 10k\n",
    );
    let expected_voc = 2.0 * 1e-3 / (1.0 / 2e3 + 1.0 / 10e3 - 2.0 / 10e3);
    assert_rel(voc, expected_voc, TOL, "Voc");
    assert_rel(voc, 5.0, TOL, "Voc");
    assert_rel(isc, 2e-3, TOL, "Isc");
    assert_rel(voc / isc, 2.5e3, TOL, "Rth");
}

/// CCVS with feedback: Vsense holds `x` at 0 V and measures Is = Vin/R1 + v(out)/Rf;
/// H1 sets v(a) = rm Is; Rs from `a` to `out`.
/// - open: the current in Rs is the current in Rf: (rm Is - Voc)/Rs = Voc/Rf
///   => Voc (1/Rs + 1/Rf - rm/(Rs Rf)) = rm Vin / (Rs R1)
///   => Voc = 0.004 / 0.00125 = 3.2 V (rm = 2k, Rs = 500, Rf = 4k, R1 = 1k, Vin = 1);
/// - short: Is = 1 mA, v(a) = 2 V, Isc = 2 V / Rs = 4 mA; Rth = 800 ohm.
#[test]
fn thevenin_ccvs_h() {
    let (voc, isc) = thevenin(
        "thevenin_h",
        "V1 in 0 DC 1\nR1 in x 1k\nVsense x 0 DC 0\nH1 a 0 Vsense 2k\nRs a out 500\n\
         Rf out x 4k\n",
    );
    let (rm, rs, rf, r1) = (2e3, 500.0, 4e3, 1e3);
    let expected_voc = (rm / (rs * r1)) / (1.0 / rs + 1.0 / rf - rm / (rs * rf));
    assert_rel(voc, expected_voc, TOL, "Voc");
    assert_rel(voc, 3.2, TOL, "Voc");
    assert_rel(isc, 4e-3, TOL, "Isc");
    assert_rel(voc / isc, 800.0, TOL, "Rth");
}

// ---------------------------------------------------------------------------------------------
// Transformer from coupled inductors
// ---------------------------------------------------------------------------------------------

/// Coupled inductors L1, L2 = n^2 L1, M = k sqrt(L1 L2) = k n L1, primary driven by a 1 V
/// source through Rs = 1 ohm (a V source straight across L1 would be a loop at DC, rejected
/// like ngspice's singular matrix), secondary loaded by RL. V1, V2 are the inductors' terminal
/// voltages v(p), v(s), so Rs does not enter the formulas. With I1 into the primary's dot and I2 into the
/// secondary's, V2 = -RL I2, and the branch equations
///   V1 = jw L1 I1 + jw M I2,    V2 = jw M I1 + jw L2 I2
/// give
///   Zin = V1/I1 = jw L1 + w^2 M^2 / (RL + jw L2),
///   V2/V1 = (M/L1) RL / (RL + jw L2 (1 - k^2)) = k n / (1 + jw L2 (1 - k^2) / RL).
/// For k = 1: V2/V1 = n exactly (whatever L), and Zin = (RL/n^2) || jw L1 exactly: the
/// load reflected by 1/n^2 in parallel with the magnetising inductance.
/// Returns (V2/V1, Zin) where Zin = v(p) / I1 and I1 = -i(v1), the source current (ngspice's
/// i(v1) flows into `+`).
fn transformer(name: &str, n: f64, k: f64, l1: f64, rl: f64, f: f64) -> (Complex64, Complex64) {
    let l2 = n * n * l1;
    let plots = simulate(
        name,
        &format!(
            "transformer\nV1 src 0 AC 1\nRs src p 1\nL1 p 0 {l1:e}\nL2 s 0 {l2:e}\nK1 L1 L2 {k}\n\
             RL s 0 {rl:e}\n.ac lin 1 {f:e} {f:e}\n.end\n"
        ),
    );
    let plot = &plots[0];
    assert_rel(at(plot, "frequency", 0).re, f, 1e-12, "frequency");
    let v1 = at(plot, "v(p)", 0);
    (at(plot, "v(s)", 0) / v1, v1 / -at(plot, "i(v1)", 0))
}

/// k = 1, n = 3, L1 = 10 H, RL = 600 ohm at 1 kHz: V2/V1 = n and the impedance seen by the
/// source current Zin = (RL/n^2) || jw L1, both exact (tolerance 1e-10: only rounding).
#[test]
fn transformer_k1_ratio_and_reflected_impedance() {
    let (n, l1, rl, f) = (3.0, 10.0, 600.0, 1e3);
    let (ratio, zin_sim) = transformer("transformer_k1", n, 1.0, l1, rl, f);
    assert_crel(ratio, Complex64::new(n, 0.0), TOL, "V2/V1");
    let w = 2.0 * PI * f;
    let zl = Complex64::new(0.0, w * l1);
    let zr = Complex64::new(rl / (n * n), 0.0);
    assert_crel(zin_sim, zr * zl / (zr + zl), TOL, "Zin");
}

/// k = 0.9999, n = 2, L1 = 100 H, RL = 10k at 100 Hz. Exact: the closed forms above
/// (tolerance 1e-9: the coupled-inductor matrix is nearly singular, cond ~ 1/(1-k^2) = 5e3).
/// Against the ideal transformer, the finite k and L cost:
/// - ratio: |V2/V1| = k n / |1 + j x| with x = w L2 (1-k^2) / RL = 0.0503, so
///   |V2/V1| / n - 1 = (k - 1) - x^2/2 + ... : bounded by (1-k) + x^2/2 = 1.36e-3;
/// - input: Zin differs from (RL/n^2) || jw L1 by the leakage w L2 (1-k^2)/n^2 ~ 126 ohm
///   referred to the primary, against 2.5k: relative ~ x, bounded by 2x.
#[test]
fn transformer_k09999_against_exact_and_ideal() {
    let (n, k, l1, rl, f) = (2.0, 0.9999, 100.0, 10e3, 100.0);
    let (ratio, zin_sim) = transformer("transformer_k09999", n, k, l1, rl, f);
    let w = 2.0 * PI * f;
    let j = Complex64::i();
    let l2 = n * n * l1;
    let m = k * (l1 * l2).sqrt();
    let exact_ratio = (m / l1) * rl / (rl + j * w * l2 * (1.0 - k * k));
    let zin = j * w * l1 + w * w * m * m / (rl + j * w * l2);
    assert_crel(ratio, exact_ratio, 1e-9, "V2/V1 (exact)");
    assert_crel(zin_sim, zin, 1e-9, "Zin (exact)");

    let x = w * l2 * (1.0 - k * k) / rl;
    let bound = (1.0 - k) + x * x / 2.0;
    assert_rel(ratio.norm(), n, bound, "|V2/V1| vs ideal n");
    let zl = j * w * l1;
    let zr = Complex64::new(rl / (n * n), 0.0);
    let ideal_zin = zr * zl / (zr + zl);
    assert_crel(zin_sim, ideal_zin, 2.0 * x, "Zin vs ideal reflection");
}

// ---------------------------------------------------------------------------------------------
// Difference amplifier (balanced-line receiver)
// ---------------------------------------------------------------------------------------------

/// The 4-resistor difference amplifier: R1 from `v1` to the inverting input, R2 feedback,
/// R3 from `v2` to the non-inverting input, R4 to ground, op-amp = E with gain A = 1e6.
/// Nodal analysis with finite A:
///   v(inn) = (V1 R2 + Vout R1) / (R1 + R2),  v(inp) = V2 R4 / (R3 + R4),
///   Vout = A (v(inp) - v(inn))
///   => Vout = [V2 R4/(R3+R4) - V1 R2/(R1+R2)] * (R1+R2)/R1 * 1/(1 + (R1+R2)/(A R1)).
/// As A -> inf: Vout = V2 (R4/(R3+R4)) (1 + R2/R1) - V1 R2/R1.
/// With R1 = R2 = R3 = 10k and R4 = 10k (1 + d), d = 1e-3 (one resistor 0.1 % high):
///   Adm (V2 = +1/2, V1 = -1/2) = [(1+d)/(2+d) * 2 + 1] / 2 = (4 + 3d) / (2 (2 + d)),
///   Acm (V1 = V2 = 1)          = (1+d)/(2+d) * 2 - 1      = d / (2 + d),
///   CMRR = Adm / Acm = (4 + 3d) / (2d) = 2001.5 (66.03 dB).
/// Finite A multiplies Adm and Acm by the same factor 1/(1 + (1 + R2/R1)/A) = 1 - 2e-6, so each
/// gain is within 2e-6 (tolerance 3e-6) of the ideal value, and CMRR is unaffected by A: it is
/// checked to 1e-6 relative. Against the finite-gain closed form both gains are checked to
/// 1e-9: Acm is a difference of near-equal node voltages solved with a matrix of condition ~A,
/// so its rounding error is ~1e-16 * A / Acm ~ 1e-7 at worst (measured: 5e-14).
#[test]
fn difference_amplifier_gains_and_cmrr() {
    let d = 1e-3;
    let receiver = |tag: &str| {
        format!(
            "R1{tag} v1{tag} inn{tag} 10k\nR2{tag} inn{tag} out{tag} 10k\n\
             R3{tag} v2{tag} inp{tag} 10k\nR4{tag} inp{tag} 0 {{10k*(1+d)}}\n\
             E{tag} out{tag} 0 inp{tag} inn{tag} 1e6\n"
        )
    };
    let net = format!(
        "difference amplifier\n.param d={d}\n\
         V1dm v1dm 0 DC -0.5\nV2dm v2dm 0 DC 0.5\n{}\
         V1cm v1cm 0 DC 1\nV2cm v2cm 0 DC 1\n{}.op\n.end\n",
        receiver("dm"),
        receiver("cm")
    );
    let plots = simulate("diffamp", &net);
    let adm = op(&plots[0], "v(outdm)");
    let acm = op(&plots[0], "v(outcm)");

    let adm_ideal = (4.0 + 3.0 * d) / (2.0 * (2.0 + d));
    let acm_ideal = d / (2.0 + d);
    assert_rel(adm, adm_ideal, 3e-6, "Adm vs ideal op-amp");
    assert_rel(acm, acm_ideal, 3e-6, "Acm vs ideal op-amp");
    assert_rel(adm / acm, (4.0 + 3.0 * d) / (2.0 * d), 1e-6, "CMRR");

    // And the finite-gain closed form itself, much tighter.
    let a = 1e6;
    let finite = 1.0 / (1.0 + 2.0 / a);
    assert_rel(adm, adm_ideal * finite, 1e-9, "Adm with A = 1e6");
    assert_rel(acm, acm_ideal * finite, 1e-9, "Acm with A = 1e6");
}

// ---------------------------------------------------------------------------------------------
// Headphone crosstalk through a shared return
// ---------------------------------------------------------------------------------------------

/// Stereo headphones on a TRS plug: both drivers return through one shared ground conductor Rg.
/// Left amplifier drives (1 V AC, output impedance Ro), right amplifier is silent (output
/// impedance Ro to ground). Node `ret` is the common return of the drivers (RLd = RRd = 32 ohm).
/// From `ret`, Rg is in parallel with the right leg RRd + Ro: Rp = Rg || (RRd + Ro), so
///   I = 1 / (Ro + RLd + Rp),  V_left = I RLd,  v(ret) = I Rp,
///   V_right = v(ret) RRd / (RRd + Ro) (the right driver's share of the right leg),
///   crosstalk = 20 log10(|V_right| / |V_left|) = 20 log10(Rp RRd / ((RRd + Ro) RLd)).
/// With Rg = 0.1 ohm (cable + contact), Ro = 0.5 ohm: about -50.2 dB. Checked to 1e-9 dB.
#[test]
fn headphone_shared_return_crosstalk() {
    let (ro, rd, rg): (f64, f64, f64) = (0.5, 32.0, 0.1);
    let plots = simulate(
        "headphone",
        &format!(
            "headphone crosstalk\nVL src 0 AC 1\nRol src nl {ro}\nRLd nl ret {rd}\n\
             Ror nr 0 {ro}\nRRd nr ret {rd}\nRg ret 0 {rg}\n.ac dec 1 100 1k\n.end\n"
        ),
    );
    let rp = 1.0 / (1.0 / rg + 1.0 / (rd + ro));
    let expected_db = 20.0 * (rp * rd / ((rd + ro) * rd)).log10();
    assert!((-51.0..-50.0).contains(&expected_db), "{expected_db}");
    let plot = &plots[0];
    for i in 0..plot.len() {
        let v_left = at(plot, "v(nl)", i) - at(plot, "v(ret)", i);
        let v_right = at(plot, "v(nr)", i) - at(plot, "v(ret)", i);
        let db = 20.0 * (v_right.norm() / v_left.norm()).log10();
        assert!(
            (db - expected_db).abs() < 1e-9,
            "point {i}: crosstalk {db} dB, expected {expected_db} dB"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Parameters and subcircuits
// ---------------------------------------------------------------------------------------------

/// One parameterised divider subcircuit instantiated three times from a 10 V source:
/// - X1 r1=3k r2=1k: 10 * 1/4 = 2.5 V;
/// - X2 r1=1k r2=4k: 10 * 4/5 = 8 V;
/// - X3 with its defaults (r1=1k r2={2*r1} = 2k): 10 * 2/3 V;
/// - X4 r1={rtop} r2={4*rtop} from a global `.param rtop=2k`: 10 * 8k/10k = 8 V.
#[test]
fn parameterised_subcircuit_instances() {
    let plots = simulate(
        "param_subckt",
        ".param subckt\n.param rtop=2k\n\
         .subckt div in out params: r1=1k r2={2*r1}\nRa in out {r1}\nRb out 0 {r2}\n.ends div\n\
         V1 in 0 DC 10\nX1 in o1 div r1=3k r2=1k\nX2 in o2 div r1=1k r2=4k\nX3 in o3 div\n\
         X4 in o4 div r1={rtop} r2={4*rtop}\n.op\n.end\n",
    );
    let plot = &plots[0];
    assert_rel(op(plot, "v(o1)"), 2.5, TOL, "X1");
    assert_rel(op(plot, "v(o2)"), 8.0, TOL, "X2");
    assert_rel(op(plot, "v(o3)"), 20.0 / 3.0, TOL, "X3 (defaults)");
    assert_rel(op(plot, "v(o4)"), 8.0, TOL, "X4 (global param)");
}

/// `2^3^2` is left-associative in ngspice 39: (2^3)^2 = 64 (checked with
/// `.param x={2^3^2}` and `.op` of `V1 a 0 {x}`), and `**` is the same operator.
#[test]
fn power_operator_associates_like_ngspice() {
    let plots = simulate(
        "power_assoc",
        "power\n.param x={2^3^2} y={2**3**2} z={2^-3^2}\nV1 a 0 {x}\nV2 b 0 {y}\nV3 c 0 {z}\n\
         R1 a 0 1k\nR2 b 0 1k\nR3 c 0 1k\n.op\n.end\n",
    );
    assert_rel(op(&plots[0], "v(a)"), 64.0, TOL, "2^3^2");
    assert_rel(op(&plots[0], "v(b)"), 64.0, TOL, "2**3**2");
    // (2^-3)^2 = 1/64 in ngspice 39.
    assert_rel(op(&plots[0], "v(c)"), 1.0 / 64.0, TOL, "2^-3^2");
}

/// A 3,000-section resistive ladder (1 ohm in series, 1 Mohm to ground per section, 1 V in):
/// 6,000 unknowns, ordered by AMD as every matrix is. Closed form by the
/// ladder recurrence: from the far end, the resistance looking right of node k is
/// `R_k = 1 + (1e6 || R_{k+1})` (`R_N = 1 + 1e6`), and node k's voltage is
/// `v_k = v_{k-1} * P_k / (1 + P_k)` with `P_k = 1e6 || R_{k+1}` the load at node k. The
/// voltage falls about e-fold per 1,000 sections. Compared to 1e-8 relative at every node:
/// the matrix mixes 1 S and 1e-6 S conductances (condition number ~1e6-1e7), so a backward
/// stable solve is good to ~1e-10 here (COLAMD's order gives the same), and the recurrence
/// itself to ~3000 ulp; a wrong ordering or permutation would be off by orders of magnitude.
#[test]
fn long_resistive_ladder_matches_its_recurrence() {
    const N: usize = 3000;
    let mut text = String::from("long ladder\nV1 n0 0 DC 1\n");
    for k in 1..=N {
        text.push_str(&format!("Rs{k} n{} n{k} 1\nRp{k} n{k} 0 1meg\n", k - 1));
    }
    text.push_str(".op\n.end\n");
    let plots = simulate("long_ladder", &text);
    let par = |a: f64, b: f64| a * b / (a + b);
    // load[k] = what node k sees to ground: its shunt in parallel with the rest of the line.
    let mut load = vec![0.0; N + 2];
    load[N] = 1e6;
    for k in (1..N).rev() {
        load[k] = par(1e6, 1.0 + load[k + 1]);
    }
    let mut v = 1.0;
    for (k, &p) in load.iter().enumerate().take(N + 1).skip(1) {
        v *= p / (1.0 + p);
        let got = op(&plots[0], &format!("v(n{k})"));
        assert!((got - v).abs() <= 1e-8 * v, "node {k}: {got} vs {v}");
    }
}
