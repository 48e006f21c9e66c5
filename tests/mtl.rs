//! The multiconductor line (`P` element with a `CPL` model) against closed forms, the `T`
//! element and lumped ladders run in ngspice.
//!
//! - a lossless single-conductor line (N = 1) against the `T` element and the exact input
//!   impedance `Zin = Z0 (ZL + j Z0 tan(bl)) / (Z0 + j ZL tan(bl))`;
//! - a lossy 3-conductor line (mutual L and C, common-return R, shunt G; `tests/mtl/exact_ac.net`)
//!   in `.ac` against pi ladders of 10, 40 and 160 sections built from primitives and run in
//!   ngspice 39 (`tests/mtl/ladder_nN.{net,raw}`, written by `scripts/gen-mtl-refs.py`): a pi
//!   ladder's error is O(1/N^2), so each fourfold refinement must cut the error by about 16;
//! - a `.tran` step response of a 2 m line with `sections=20` against ngspice running the same
//!   20-section ladder (`tests/mtl/tran_ladder_n20.{net,raw}`);
//! - the operating point of a 3-conductor `P` line with a conductor open at both ends against
//!   ngspice running the same netlist (`tests/mtl/cpl_open_op.{net,raw}`).

mod common;

use balun::solver::{Data, Plot};
use num_complex::Complex64;
use std::f64::consts::PI;
use std::path::{Path, PathBuf};

fn mtl_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("mtl")
}

fn run_text(text: &str) -> Vec<Plot> {
    let path = common::scratch_netlist("mtl", "net", text);
    let (_, plots) = balun::simulate_file(&path).unwrap_or_else(|(e, _)| panic!("{e}"));
    plots
}

fn vector<'p>(p: &'p Plot, name: &str) -> &'p Data {
    &p.vectors
        .iter()
        .find(|v| v.name == name)
        .unwrap_or_else(|| {
            panic!(
                "no {name} in {:?}",
                p.vectors.iter().map(|v| &v.name).collect::<Vec<_>>()
            )
        })
        .data
}

fn complex(p: &Plot, name: &str) -> Vec<Complex64> {
    let d = vector(p, name);
    (0..d.len()).map(|i| d.at(i)).collect()
}

/// `Z0 = sqrt(L/C)` = 50 ohm, delay 5 ns/m, 3 m: `TD = 15 ns`.
const L_PER_M: f64 = 250e-9;
const C_PER_M: f64 = 100e-12;
const LEN: f64 = 3.0;
const Z0: f64 = 50.0;
const TD: f64 = 15e-9;

#[test]
fn lossless_single_line_matches_t_element_and_exact_input_impedance() {
    let rl = 200.0;
    // Frequencies off and on the quarter- and half-wave points (1/(4 TD) = 16.7 MHz).
    let text = format!(
        "P vs T\nv1 in 0 dc 1 ac 1\nrs in a 10\nrs2 in a2 10\n\
         p1 a 0 b 0 line len={LEN}\n.model line cpl r=0 l={L_PER_M} g=0 c={C_PER_M}\n\
         rl b 0 {rl}\nt1 a2 0 b2 0 z0={Z0} td={TD}\nrl2 b2 0 {rl}\n\
         .ac lin 9 1 100meg\n.end\n"
    );
    let plots = run_text(&text);
    let ac = &plots[0];
    let freqs: Vec<f64> = {
        let s = &ac.scale.as_ref().expect("frequency scale").data;
        (0..s.len()).map(|i| s.at(i).re).collect()
    };
    let (va, vb, i1) = (
        complex(ac, "v(a)"),
        complex(ac, "v(b)"),
        complex(ac, "v(p1#near1)"),
    );
    let (va2, vb2) = (complex(ac, "v(a2)"), complex(ac, "v(b2)"));
    for (k, &f) in freqs.iter().enumerate() {
        // The T line's node voltages: same circuit, its own exact solution.
        for (x, y) in [(va[k], va2[k]), (vb[k], vb2[k])] {
            assert!(
                (x - y).norm() <= 1e-9 * y.norm().max(1e-3),
                "{f} Hz: P {x} vs T {y}"
            );
        }
        // Zin = v(a)/i_near against the closed form, beta*l = w*TD.
        let t = Complex64::new(0.0, (2.0 * PI * f * TD).tan());
        let exact = Z0 * (rl + Z0 * t) / (Z0 + rl * t);
        let zin = va[k] / i1[k];
        assert!(
            (zin - exact).norm() <= 1e-9 * exact.norm(),
            "{f} Hz: Zin {zin} vs {exact}"
        );
    }
}

#[test]
fn lossless_line_is_a_short_at_dc() {
    // .op: the near and far ends are one node (the exact w = 0 limit): 1 V over 10 + 200 ohm.
    let text = format!(
        "P dc\nv1 in 0 dc 1\nrs in a 10\np1 a 0 b 0 line len={LEN}\n\
         .model line cpl l={L_PER_M} c={C_PER_M}\nrl b 0 200\n.op\n.end\n"
    );
    // As ngspice's CPLload, the line adds g = 0.1*GMIN = 1e-13 S on all four of (a, a),
    // (a, b), (b, a), (b, b): with v(a) = v(b), KCL over both ends gives
    // (v - 1)/10 + v/200 + 4 g v = 0, and i_near = (1 - v)/10 - 2 g v.
    let plots = run_text(&text);
    let v = |n: &str| vector(&plots[0], n).at(0).re;
    let g = 1e-13;
    let expect = 0.1 / (0.1 + 1.0 / 200.0 + 4.0 * g);
    assert!((v("v(a)") - expect).abs() < 1e-12 && (v("v(b)") - expect).abs() < 1e-12);
    let near = (1.0 - expect) / 10.0 - 2.0 * g * expect;
    assert!((v("v(p1#near1)") - near).abs() < 1e-15);
}

#[test]
fn lossy_dc_is_the_distributed_rg_line() {
    // R = 1 ohm/m, G = 0.01 S/m, 10 m, open far end: Zin = Zc coth(gamma l) with
    // Zc = sqrt(R/G) = 10 ohm, gamma = sqrt(RG) = 0.1 /m: Zin = 10 coth(1) = 13.130 ohm.
    let text = "RG line\ni1 0 a dc 1\np1 a 0 b 0 line len=10\n\
                .model line cpl r=1 l=1u g=0.01 c=100p\nrb b 0 1e12\n.op\n.end\n";
    let plots = run_text(text);
    let va = vector(&plots[0], "v(a)").at(0).re;
    let exact = 10.0 / 1f64.tanh();
    // The far end's 1e12 ohm load changes Zin by ~1e-13 relative.
    assert!((va - exact).abs() < 1e-9 * exact, "{va} vs {exact}");
}

const NODES: [&str; 6] = ["v(a1)", "v(a2)", "v(a3)", "v(b1)", "v(b2)", "v(b3)"];

/// Largest |balun exact - ngspice ladder| over the six terminal voltages and every frequency
/// (the drive is 1 V, so this is also relative to the drive).
fn ladder_error(exact: &Plot, sections: usize) -> f64 {
    let path = mtl_dir().join(format!("ladder_n{sections}.raw"));
    let text = std::fs::read_to_string(&path).expect("reference raw file");
    let plots = balun::output::raw::read_ascii(&text).expect("raw file parses");
    let ladder = plots
        .iter()
        .find(|p| p.name.contains("AC"))
        .expect("AC plot");
    let mut worst: f64 = 0.0;
    for n in NODES {
        let (a, b) = (complex(exact, n), complex(ladder, n));
        assert_eq!(a.len(), b.len(), "{n}: same frequency grid");
        for (x, y) in a.iter().zip(&b) {
            worst = worst.max((x - y).norm());
        }
    }
    worst
}

#[test]
fn three_conductor_ac_converges_to_exact_as_ladders_refine() {
    let (_, plots) = balun::simulate_file(&mtl_dir().join("exact_ac.net"))
        .unwrap_or_else(|(e, _)| panic!("{e}"));
    let exact = plots
        .iter()
        .find(|p| p.name.contains("AC"))
        .expect("AC plot");
    let e: Vec<f64> = [10, 40, 160]
        .iter()
        .map(|&n| ladder_error(exact, n))
        .collect();
    println!("3-conductor line, max |exact - ladder| (V, 1 V drive): N=10 {:.3e}, N=40 {:.3e}, N=160 {:.3e}; ratios {:.2}, {:.2}", e[0], e[1], e[2], e[0] / e[1], e[1] / e[2]);
    // O(1/N^2): a fourfold refinement divides the error by 16 (measured 16.40 and 16.02; 12..20
    // allowed for the next term of the expansion).
    for w in e.windows(2) {
        let ratio = w[0] / w[1];
        assert!(
            (12.0..20.0).contains(&ratio),
            "refinement ratio {ratio} in {e:?}"
        );
    }
    // The finest ladder (0.03 rad of phase per section at 10 MHz) is within 1.5e-4 V of the
    // exact solution (measured 1.07e-4: 2.8e-2 at N = 10 divided by 16^2).
    assert!(e[2] < 1.5e-4, "finest ladder error {:e}", e[2]);
}

#[test]
fn three_conductor_step_response_matches_ngspice_ladder() {
    let (_, plots) =
        balun::simulate_file(&mtl_dir().join("tran_p.net")).unwrap_or_else(|(e, _)| panic!("{e}"));
    let ours = plots
        .iter()
        .find(|p| p.name.contains("Transient"))
        .expect("tran plot");
    let text = std::fs::read_to_string(mtl_dir().join("tran_ladder_n20.raw")).expect("raw");
    let refs = balun::output::raw::read_ascii(&text).expect("raw parses");
    let theirs = refs
        .iter()
        .find(|p| p.name.contains("Transient"))
        .expect("tran plot");
    let times = |p: &Plot| -> Vec<f64> {
        let s = &p.scale.as_ref().expect("time").data;
        (0..s.len()).map(|i| s.at(i).re).collect()
    };
    let (t_ours, t_ref) = (times(ours), times(theirs));
    let mut report = Vec::new();
    for n in NODES {
        let (a, b) = (vector(ours, n), vector(theirs, n));
        let a: Vec<f64> = (0..a.len()).map(|i| a.at(i).re).collect();
        let b: Vec<f64> = (0..b.len()).map(|i| b.at(i).re).collect();
        let range =
            b.iter().copied().fold(f64::MIN, f64::max) - b.iter().copied().fold(f64::MAX, f64::min);
        let mut worst: f64 = 0.0;
        for (k, &t) in t_ref.iter().enumerate() {
            // balun's waveform linearly interpolated at ngspice's time points.
            let j = t_ours
                .partition_point(|&x| x < t)
                .clamp(1, t_ours.len() - 1);
            let (t0, t1) = (t_ours[j - 1], t_ours[j]);
            let w = if t1 > t0 {
                ((t - t0) / (t1 - t0)).clamp(0.0, 1.0)
            } else {
                1.0
            };
            let v = a[j - 1] + w * (a[j] - a[j - 1]);
            worst = worst.max((v - b[k]).abs());
        }
        report.push(format!("{n} {:.2}%", 100.0 * worst / range));
        // Same circuit, two integrators with their own time grids: 1% of the range (the
        // parity tests' 0.5% for smooth waveforms; the crosstalk nodes ring at the 1 ns edges).
        assert!(
            worst <= 0.01 * range,
            "{n}: worst {worst:e} of range {range:e}"
        );
    }
    println!("step response vs ngspice ladder: {}", report.join(", "));
}

#[test]
fn separate_far_reference_stays_isolated_in_every_analysis() {
    // The far end's reference g2 is tied to ground only through rg: the ends are isolated
    // (each end's currents sum to zero), so no current flows in rg, v(g2) = 0 and the lossless
    // line passes v(a) = 200/210 V to v(b) - v(g2). In .tran the ladder reaches the far port
    // through its ideal transformer; with a DC source every time point is the operating point.
    let text = format!(
        "isolated ends\nv1 in 0 dc 1 ac 1\nrs in a 10\np1 a 0 b g2 line len={LEN} sections=7\n\
         .model line cpl l={L_PER_M} c={C_PER_M}\nrl b g2 200\nrg g2 0 50\n\
         .op\n.ac lin 1 10 10\n.tran 1n 10n\n.end\n"
    );
    let plots = run_text(&text);
    let expect = 200.0 / 210.0;
    for p in &plots {
        let last = |n: &str| {
            let d = vector(p, n);
            d.at(d.len() - 1)
        };
        let (vb, vg) = (last("v(b)"), last("v(g2)"));
        // At 10 Hz the 3 m line is 1.9e-7 rad long: v(b) moves by ~4e-7 from the DC value.
        let tol = if p.name.contains("AC") { 1e-6 } else { 1e-9 };
        assert!((vb - expect).norm() < tol, "{}: v(b) = {vb}", p.name);
        assert!(vg.norm() < 1e-9, "{}: v(g2) = {vg}", p.name);
    }
}

#[test]
fn default_section_rule_step_response_tracks_the_t_line() {
    // A matched 2 m lossless line (Z0 = 50 ohm, TD = 10 ns), 1 ns edges: the rule gives
    // 10 * TD / edge = 100 sections. Against the T line's exact delayed step (the same
    // circuit beside it), with a time step fine enough to resolve the edge (TMAX = 10 ps):
    // the far end's 50% crossing is within 0.5% of TD of the exact 11.5 ns (measured 25 ps),
    // the largest difference (ringing at the edge) under 10% of the 0.5 V step (measured
    // 30 mV), and after the edge has passed (t > 20 ns) under 1% (measured 1.4 mV).
    let text = "P vs T step\nv1 in 0 dc 0 pulse(0 1 1n 1n 1n 100n 200n)\n\
                rs in a 50\np1 a 0 b 0 line len=2\n.model line cpl l=250n c=100p\nrl b 0 50\n\
                rs2 in a2 50\nt1 a2 0 b2 0 z0=50 td=10n\nrl2 b2 0 50\n\
                .tran 0.01n 40n 0 0.01n\n.end\n";
    let plots = run_text(text);
    let p = &plots[0];
    let real = |n: &str| -> Vec<f64> {
        let d = vector(p, n);
        (0..d.len()).map(|i| d.at(i).re).collect()
    };
    let t: Vec<f64> = {
        let s = &p.scale.as_ref().expect("time scale").data;
        (0..s.len()).map(|i| s.at(i).re).collect()
    };
    let (vb, vt) = (real("v(b)"), real("v(b2)"));
    let cross = |v: &[f64]| {
        let i = v.iter().position(|&x| x >= 0.25).expect("crosses 0.25 V");
        t[i - 1] + (0.25 - v[i - 1]) / (v[i] - v[i - 1]) * (t[i] - t[i - 1])
    };
    let (tp, tt) = (cross(&vb), cross(&vt));
    assert!((tt - 11.5e-9).abs() < 1e-11, "T line crossing {tt:e}");
    assert!(
        (tp - tt).abs() < 0.005 * 10e-9,
        "ladder crossing {tp:e} vs {tt:e}"
    );
    let diff = |from: f64| {
        (t.iter().zip(vb.iter().zip(&vt)))
            .filter(|(&x, _)| x > from)
            .map(|(_, (a, b))| (a - b).abs())
            .fold(0.0, f64::max)
    };
    assert!(diff(0.0) < 0.05, "largest difference {}", diff(0.0));
    assert!(diff(20e-9) < 0.005, "after the edge {}", diff(20e-9));
}

#[test]
fn save_keeps_its_vectors_when_the_line_runs_as_a_ladder() {
    // In .tran the line becomes a ladder circuit; `.save` still names the original circuit's
    // vectors (the line's own device keeps its index) and no ladder node leaks into the plot.
    let text = "save\nv1 in 0 dc 0 pulse(0 1 1n 1n 1n 1 2)\nrs in a 50\n\
                p1 a 0 b 0 line len=2\n.model line cpl l=250n c=100p\nrl b 0 50\n\
                .save v(b) i(v1)\n.tran 0.1n 20n\n.end\n";
    let plots = run_text(text);
    let names: Vec<&str> = plots[0].vectors.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["v(b)", "i(v1)"]);
    // Matched line: the far end settles at half the step.
    let d = vector(&plots[0], "v(b)");
    assert!(
        (d.at(d.len() - 1).re - 0.5).abs() < 0.01,
        "{}",
        d.at(d.len() - 1)
    );
}

#[test]
fn open_conductor_operating_point_matches_ngspice() {
    // ngspice's CPLload holds an open conductor with its 0.1*GMIN entries (both ends at 0 V);
    // balun stamps the same (devices/txl.rs `gmin_entries`). Linear circuit, same equations:
    // the parity tests' 1e-6 relative (plus 1e-12 of the largest value of the unit).
    let (_, plots) = balun::simulate_file(&mtl_dir().join("cpl_open_op.net"))
        .unwrap_or_else(|(e, _)| panic!("{e}"));
    let text = std::fs::read_to_string(mtl_dir().join("cpl_open_op.raw")).expect("raw");
    let refs = balun::output::raw::read_ascii(&text).expect("raw parses");
    let (ours, theirs) = (&plots[0], &refs[0]);
    assert_eq!(theirs.name, "Operating Point");
    // ngspice writes the line's 2N branch currents as i(p1): near1..nearN, then far1..farN.
    let n = 3;
    let mut line_currents = 0;
    let mut checked = 0;
    for v in &theirs.vectors {
        let name = if v.name == "i(p1)" {
            let k = line_currents;
            line_currents += 1;
            if k < n {
                format!("v(p1#near{})", k + 1)
            } else {
                format!("v(p1#far{})", k - n + 1)
            }
        } else {
            v.name.clone()
        };
        let want = v.data.at(0).re;
        let got = vector(ours, &name).at(0).re;
        assert!(
            (got - want).abs() <= 1e-6 * want.abs() + 1e-12 * 2.0,
            "{}: balun {got:e}, ngspice {want:e}",
            v.name
        );
        checked += 1;
    }
    assert_eq!((checked, line_currents), (16, 2 * n));
}
