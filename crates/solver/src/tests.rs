//! Solver unit tests on hand-built circuits, each against a closed-form result.

use crate::{simulate, Data, Plot};
use circuit::DiodeModel;
use circuit::*;
use num_complex::Complex64;

/// Builds circuits without the parser: nodes by name, devices appended in order.
struct B {
    c: Circuit,
}

impl B {
    fn new() -> Self {
        B {
            c: Circuit {
                title: "t".into(),
                nodes: vec!["0".into()],
                devices: vec![],
                analyses: vec![],
                options: Options::default(),
                initial_conditions: vec![],
                warnings: vec![],
                measurements: vec![],
                saves: None,
                tolerances: vec![],
                monte_carlo: None,
                meas: vec![],
                four: vec![],
                prints: vec![],
            },
        }
    }
    fn n(&mut self, name: &str) -> NodeId {
        if name == "0" {
            return NodeId::GROUND;
        }
        match self.c.nodes.iter().position(|x| x == name) {
            Some(i) => NodeId(i as u32),
            None => {
                self.c.nodes.push(name.into());
                NodeId(self.c.nodes.len() as u32 - 1)
            }
        }
    }
    fn add(&mut self, name: &str, kind: DeviceKind) -> DeviceId {
        self.c.devices.push(Device {
            name: name.into(),
            span: Default::default(),
            kind,
        });
        DeviceId(self.c.devices.len() as u32 - 1)
    }
    fn r(&mut self, name: &str, a: &str, b: &str, ohm: f64) -> DeviceId {
        let (a, b) = (self.n(a), self.n(b));
        self.add(
            name,
            DeviceKind::Resistor {
                a,
                b,
                resistance_ohm: ohm,
                noisy: true,
                ac_resistance_ohm: None,
            },
        )
    }
    fn c(&mut self, name: &str, a: &str, b: &str, f: f64) -> DeviceId {
        let (a, b) = (self.n(a), self.n(b));
        self.add(
            name,
            DeviceKind::Capacitor {
                a,
                b,
                capacitance_f: f,
                ic_v: None,
            },
        )
    }
    fn l(&mut self, name: &str, a: &str, b: &str, h: f64) -> DeviceId {
        let (a, b) = (self.n(a), self.n(b));
        self.add(
            name,
            DeviceKind::Inductor {
                a,
                b,
                inductance_h: h,
                ic_a: None,
            },
        )
    }
    fn v(&mut self, name: &str, p: &str, m: &str, dc: f64, ac: f64) -> DeviceId {
        let (pos, neg) = (self.n(p), self.n(m));
        self.add(
            name,
            DeviceKind::VoltageSource {
                pos,
                neg,
                source: Source {
                    dc,
                    ac_mag: ac,
                    ..Default::default()
                },
            },
        )
    }
    fn i(&mut self, name: &str, p: &str, m: &str, dc: f64) -> DeviceId {
        let (pos, neg) = (self.n(p), self.n(m));
        self.add(
            name,
            DeviceKind::CurrentSource {
                pos,
                neg,
                source: Source {
                    dc,
                    ..Default::default()
                },
            },
        )
    }
    fn run(mut self, a: Analysis) -> Plot {
        self.c.analyses = vec![a];
        simulate(&self.c).expect("solves").remove(0)
    }
}

fn real(p: &Plot, name: &str) -> Vec<f64> {
    match &p.vector(name).unwrap_or_else(|| panic!("no {name}")).data {
        Data::Real(v) => v.clone(),
        Data::Complex(_) => panic!("complex"),
    }
}

fn cplx(p: &Plot, name: &str) -> Vec<Complex64> {
    match &p.vector(name).unwrap_or_else(|| panic!("no {name}")).data {
        Data::Complex(v) => v.clone(),
        Data::Real(_) => panic!("real"),
    }
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * b.abs().max(1e-300)
}

#[test]
fn divider_op_and_source_current() {
    // 10 V across 1k + 3k: v(out) = 10 * 3k/4k = 7.5 V; i(v1) = -10/4k (current leaves +).
    let mut b = B::new();
    b.v("v1", "in", "0", 10.0, 0.0);
    b.r("r1", "in", "out", 1e3);
    b.r("r2", "out", "0", 3e3);
    let p = b.run(Analysis::Op);
    assert_eq!(p.name, "Operating Point");
    assert!(close(real(&p, "v(out)")[0], 7.5, 1e-14));
    assert!(close(real(&p, "i(v1)")[0], -2.5e-3, 1e-14));
}

#[test]
fn current_source_direction() {
    // I1 0 a 1m pushes 1 mA into node a: v(a) = 1 mA * 2k = 2 V.
    let mut b = B::new();
    b.i("i1", "0", "a", 1e-3);
    b.r("r1", "a", "0", 2e3);
    let p = b.run(Analysis::Op);
    assert!(close(real(&p, "v(a)")[0], 2.0, 1e-14));
}

#[test]
fn inductor_is_short_at_dc() {
    // V1 -> R 1k -> L -> R 1k -> gnd: v(mid) = v(out) = 5 V, i(l1) = 5 mA.
    let mut b = B::new();
    b.v("v1", "in", "0", 10.0, 0.0);
    b.r("r1", "in", "mid", 1e3);
    b.l("l1", "mid", "out", 1e-3);
    b.r("r2", "out", "0", 1e3);
    let p = b.run(Analysis::Op);
    assert!(close(real(&p, "v(out)")[0], 5.0, 1e-14));
    assert!(close(real(&p, "i(l1)")[0], 5e-3, 1e-14));
}

#[test]
fn rc_lowpass_corner_magnitude_and_phase() {
    // H(f) = 1/(1 + j f/fc), fc = 1/(2 pi R C); at fc: |H| = 1/sqrt(2), phase -45 deg.
    let (r, c) = (1e3, 1e-6);
    let fc = 1.0 / (2.0 * std::f64::consts::PI * r * c);
    let mut b = B::new();
    b.v("v1", "in", "0", 0.0, 1.0);
    b.r("r1", "in", "out", r);
    b.c("c1", "out", "0", c);
    let p = b.run(Analysis::Ac {
        variation: AcVariation::Lin,
        points: 1,
        fstart_hz: fc,
        fstop_hz: fc,
    });
    let h = cplx(&p, "v(out)")[0];
    assert!(close(h.norm(), std::f64::consts::FRAC_1_SQRT_2, 1e-12));
    assert!(close(h.arg().to_degrees(), -45.0, 1e-12));
}

#[test]
fn ac_frequency_grid_matches_ngspice() {
    // ngspice `.ac dec 2 1 100` gives 1, 3.16, 10, 31.6, 100 (5 points).
    let f = crate::analysis::ac::frequencies(AcVariation::Dec, 2, 1.0, 100.0, 1e-3);
    assert_eq!(f.len(), 5);
    assert!(close(f[1], 10f64.sqrt(), 1e-15));
    assert!(close(f[4], 100.0, 1e-14));
    // ngspice 39 `.ac dec 4 1k 3meg`: floor(4 * log10(3000)) = 13 steps of 3000^(1/13), so 14
    // points ending at 3 MHz (its raw file: 1.851274698951559e+03 second, 2.999999999999998e+06
    // last); `.noise` keeps 10^(1/4) (1.778279410038923e+03 second, 14 points to 1.78 MHz).
    let f = crate::analysis::ac::frequencies(AcVariation::Dec, 4, 1e3, 3e6, 1e-3);
    assert_eq!(f.len(), 14);
    assert!(close(f[1], 1.851274698951559e3, 1e-15), "{}", f[1]);
    assert!(close(f[13], 3e6, 1e-14), "{}", f[13]);
    let f = crate::analysis::ac::classic_frequencies(AcVariation::Dec, 4, 1e3, 3e6, 1e-3);
    assert_eq!(f.len(), 14);
    assert!(close(f[1], 1.778279410038923e3, 1e-15));
    // A range narrower than one step: its two ends (ngspice 39 loops for ever).
    let f = crate::analysis::ac::frequencies(AcVariation::Dec, 1, 1.0, 5.0, 1e-3);
    assert_eq!(f.len(), 2, "{f:?}");
    assert!(close(f[1], 5.0, 1e-15), "{f:?}");
    // `lin 2` is a single point in ngspice (delta = 0 when N-1 <= 1).
    assert_eq!(
        crate::analysis::ac::frequencies(AcVariation::Lin, 2, 1.0, 2.0, 1e-3).len(),
        1
    );
    assert_eq!(
        crate::analysis::ac::frequencies(AcVariation::Lin, 11, 0.0, 10.0, 1e-3).len(),
        11
    );
}

#[test]
fn dc_sweep_accumulates_like_ngspice() {
    // 0..1 step 0.1 accumulates to 0.9999999999999999 and is still included: 11 points.
    let s = DcSweep {
        target: DcTarget::Source(DeviceId(0)),
        start: 0.0,
        stop: 1.0,
        step: 0.1,
    };
    assert_eq!(s.values().len(), 11);
    let down = DcSweep {
        target: DcTarget::Source(DeviceId(0)),
        start: 1.0,
        stop: -1.0,
        step: -0.5,
    };
    assert_eq!(down.values(), vec![1.0, 0.5, 0.0, -0.5, -1.0]);
}

#[test]
fn nested_dc_sweep_inner_first() {
    // v(a) = (v1 + v2)/2 with two equal resistors to a; inner sweep v1, outer v2.
    let mut b = B::new();
    let v1 = b.v("v1", "x", "0", 0.0, 0.0);
    let v2 = b.v("v2", "y", "0", 0.0, 0.0);
    b.r("r1", "x", "a", 1e3);
    b.r("r2", "y", "a", 1e3);
    let p = b.run(Analysis::Dc {
        sweeps: vec![
            DcSweep {
                target: DcTarget::Source(v1),
                start: 0.0,
                stop: 1.0,
                step: 1.0,
            },
            DcSweep {
                target: DcTarget::Source(v2),
                start: 0.0,
                stop: 2.0,
                step: 2.0,
            },
        ],
    });
    assert_eq!(real(&p, "v(v-sweep)"), vec![0.0, 1.0, 0.0, 1.0]);
    assert_eq!(real(&p, "v(a)"), vec![0.0, 0.5, 1.0, 1.5]);
}

#[test]
fn controlled_sources_thevenin() {
    // E: v(e) = 2 v(in); G: 1 mS * v(in) into 1k from node g (flows g -> 0 through source, so
    // v(g) = -1 V per volt); F: 3 * i(v1) pushed through 1k; H: 100 ohm * i(v1).
    let mut b = B::new();
    let v1 = b.v("v1", "in", "0", 1.0, 0.0);
    b.r("rin", "in", "0", 1e3); // i(v1) = -1 mA
    let (e, g, f, h, inn) = (b.n("e"), b.n("g"), b.n("f"), b.n("h"), b.n("in"));
    b.add(
        "e1",
        DeviceKind::Vcvs {
            pos: e,
            neg: NodeId::GROUND,
            ctrl_pos: inn,
            ctrl_neg: NodeId::GROUND,
            gain: 2.0,
        },
    );
    b.r("re", "e", "0", 1e3);
    b.add(
        "g1",
        DeviceKind::Vccs {
            pos: g,
            neg: NodeId::GROUND,
            ctrl_pos: inn,
            ctrl_neg: NodeId::GROUND,
            transconductance_s: 1e-3,
        },
    );
    b.r("rg", "g", "0", 1e3);
    b.add(
        "f1",
        DeviceKind::Cccs {
            pos: f,
            neg: NodeId::GROUND,
            control: v1,
            gain: 3.0,
        },
    );
    b.r("rf", "f", "0", 1e3);
    b.add(
        "h1",
        DeviceKind::Ccvs {
            pos: h,
            neg: NodeId::GROUND,
            control: v1,
            transresistance_ohm: 100.0,
        },
    );
    b.r("rh", "h", "0", 1e3);
    let p = b.run(Analysis::Op);
    assert!(close(real(&p, "v(e)")[0], 2.0, 1e-14));
    assert!(close(real(&p, "v(g)")[0], -1.0, 1e-14));
    // F current 3 * (-1 mA) flows f -> 0 inside the source, i.e. +3 mA into node f: v(f) = 3 V.
    assert!(close(real(&p, "v(f)")[0], 3.0, 1e-14));
    assert!(close(real(&p, "v(h)")[0], -0.1, 1e-14));
}

#[test]
fn coupled_inductor_transformer_ratio_and_reflected_impedance() {
    // 1:n transformer with k = 1 and L2 = n^2 L1, omega*L1 >> R: v2/v1 -> n; with load RL on the
    // secondary the primary sees RL/n^2 in parallel with j*omega*L1.
    let n = 3.0;
    let (l1, rl, f) = (10.0, 900.0, 1e3);
    let mut b = B::new();
    b.v("v1", "p", "0", 0.0, 1.0);
    let la = b.l("l1", "p", "0", l1);
    let lb = b.l("l2", "s", "0", l1 * n * n);
    b.add(
        "k1",
        DeviceKind::MutualInductance {
            l1: la,
            l2: lb,
            k: 1.0,
        },
    );
    b.r("rl", "s", "0", rl);
    let p = b.run(Analysis::Ac {
        variation: AcVariation::Lin,
        points: 1,
        fstart_hz: f,
        fstop_hz: f,
    });
    let vs = cplx(&p, "v(s)")[0];
    assert!(close(vs.re, n, 1e-12) && vs.im.abs() < 1e-12);
    // Input admittance = 1/(RL/n^2) + 1/(j w L1); i(v1) = -Y * 1 V.
    let w = 2.0 * std::f64::consts::PI * f;
    let y = Complex64::new(n * n / rl, -1.0 / (w * l1));
    let i = cplx(&p, "i(v1)")[0];
    assert!((i + y).norm() <= 1e-12 * y.norm());
}

#[test]
fn singular_matrix_is_named() {
    // Two voltage sources in parallel with different values: singular, names a branch.
    let mut b = B::new();
    b.v("v1", "a", "0", 1.0, 0.0);
    b.v("v2", "a", "0", 2.0, 0.0);
    b.r("r1", "a", "0", 1e3);
    b.c.analyses = vec![Analysis::Op];
    let err = simulate(&b.c).unwrap_err();
    let msg = err.to_string();
    assert!(msg.starts_with("op: singular matrix"), "{msg}");
    assert!(
        msg.contains("i(v1)") || msg.contains("i(v2)") || msg.contains("v(a)"),
        "{msg}"
    );
}

#[test]
fn responses_solve_several_excitations_per_factorisation() {
    // v(a) = (v1 + v2)/2 through two equal resistors (C to ground makes it frequency dependent:
    // v(a) = (v1 + v2) / (2 + j w R C)). DM drive (+1/2, -1/2) gives 0; CM drive (1, 1) gives
    // 2/(2 + j w R C); the current probe i(v1) under CM is (v(a) - 1)/R.
    use crate::analysis::ac::{responses, Excitation, Probe};
    let (r, c) = (1e3, 1e-7);
    let mut b = B::new();
    let v1 = b.v("v1", "x", "0", 0.0, 1.0);
    let v2 = b.v("v2", "y", "0", 0.0, 1.0);
    b.r("r1", "x", "a", r);
    b.r("r2", "y", "a", r);
    b.c("c1", "a", "0", c);
    let a = b.n("a");
    let one = Complex64::new(1.0, 0.0);
    let dm = Excitation {
        sources: vec![(v1, 0.5 * one), (v2, -0.5 * one)],
    };
    let cm = Excitation {
        sources: vec![(v1, one), (v2, one)],
    };
    let freqs = [10.0, 1e3, 1e5];
    let out = responses(
        &b.c,
        &freqs,
        &[dm, cm],
        &[Probe::Voltage(a, NodeId::GROUND), Probe::Current(v1)],
    )
    .unwrap();
    for (k, &f) in freqs.iter().enumerate() {
        assert!(out[0][0][k].norm() < 1e-15);
        let jwrc = Complex64::new(0.0, 2.0 * std::f64::consts::PI * f * r * c);
        let va = 2.0 / (2.0 + jwrc);
        assert!((out[1][0][k] - va).norm() < 1e-14);
        // Source current flows into + from the circuit: i(v1) = (v(a) - v(x))/R.
        assert!((out[1][1][k] - (va - 1.0) / r).norm() < 1e-17);
    }
}

#[test]
fn diode_forward_voltage_at_given_current() {
    // 1 mA forced into a diode (IS = 1e-14, N = 1, 27 C): vd = N*Vt*ln(I/IS + 1), up to the
    // GMIN current (1e-12 * vd, 1e-9 relative here).
    let mut b = B::new();
    b.i("i1", "0", "a", 1e-3);
    let a = b.n("a");
    b.add(
        "d1",
        DeviceKind::Diode {
            anode: a,
            cathode: NodeId::GROUND,
            area: 1.0,
            model: DiodeModel::default(),
        },
    );
    let p = b.run(Analysis::Op);
    let vt = 1.380_648_52e-23 * 300.15 / 1.602_176_620_8e-19;
    let vd: f64 = vt * (1e-3f64 / 1e-14 + 1.0).ln();
    // Newton stops within its tolerances and reports the last linearisation point, as ngspice
    // does: ngspice 39 gives 0.6551180333836354 V on this circuit, 2e-7 from the closed form.
    let va = real(&p, "v(a)")[0];
    assert!(close(va, vd, 1e-6), "{va}");
    assert!((va - 0.655_118_033_383_635_4).abs() < 1e-12, "{va}");
}

#[test]
fn diode_with_series_resistance_hides_internal_node() {
    // 10 V through 1 k into a diode with RS = 100: v(a) = vd + 100*I, I = (10 - v(a))/1k.
    let mut b = B::new();
    b.v("v1", "in", "0", 10.0, 0.0);
    b.r("r1", "in", "a", 1e3);
    let a = b.n("a");
    b.add(
        "d1",
        DeviceKind::Diode {
            anode: a,
            cathode: NodeId::GROUND,
            area: 1.0,
            model: DiodeModel {
                rs_ohm: 100.0,
                ..Default::default()
            },
        },
    );
    let p = b.run(Analysis::Op);
    assert!(p.vectors.iter().all(|v| !v.name.contains('#')));
    let va = real(&p, "v(a)")[0];
    let i = (10.0 - va) / 1e3;
    let vt = 1.380_648_52e-23 * 300.15 / 1.602_176_620_8e-19;
    let vd: f64 = vt * (i / 1e-14 + 1.0).ln();
    assert!((va - (vd + 100.0 * i)).abs() < 1e-5, "{va}");
    // ngspice 39 on the same circuit (the same Newton iterates): 1.554828532622828 V.
    assert!((va - 1.554_828_532_622_828).abs() < 1e-12, "{va}");
}

/// `V1 -> R = -1 ohm -> diode`: the operating point solves Id(vb) = vb - V1, which has a
/// solution only while the line vb - V1 still meets the exponential: up to the tangency
/// Id'(vb) = 1, i.e. vb = Vt*ln(Vt/IS) ~ 0.740 V, V1 = vb - Vt ~ 0.714 V.
fn no_solution_above_0v714() -> B {
    let mut b = B::new();
    b.v("v1", "a", "0", 0.0, 0.0);
    b.r("r1", "a", "b", -1.0);
    let bn = b.n("b");
    b.add(
        "d1",
        DeviceKind::Diode {
            anode: bn,
            cathode: NodeId::GROUND,
            area: 1.0,
            model: DiodeModel::default(),
        },
    );
    b
}

#[test]
fn stopped_sweep_keeps_its_finished_points() {
    let mut b = no_solution_above_0v714();
    b.c.analyses = vec![
        Analysis::Op,
        Analysis::Dc {
            sweeps: vec![DcSweep {
                target: DcTarget::Source(DeviceId(0)),
                start: 0.0,
                stop: 1.0,
                step: 0.1,
            }],
        },
    ];
    let control = crate::Control::new();
    let out = crate::simulate_with(&b.c, &control);
    assert_eq!(out.plots.len(), 1, "the .op finished");
    let stopped = out.stopped.expect("the sweep cannot pass 0.714 V");
    assert!(
        matches!(stopped.error, crate::SolveError::NoConvergence { .. }),
        "{:?}",
        stopped.error
    );
    let partial = stopped.partial.expect("points below 0.714 V solve");
    let swept = real(&partial, "v(v-sweep)");
    assert!((5..=8).contains(&swept.len()), "{swept:?}");
    assert!(*swept.last().unwrap() < 0.714, "{swept:?}");
    assert_eq!(real(&partial, "v(b)").len(), swept.len());
    // Progress: the .op point, 11 expected sweep points, as many done as finished.
    let (done, total) = control.progress();
    assert_eq!((done, total), (1 + swept.len() as u64, 1 + 11));
}

#[test]
fn cancelled_run_stops_before_the_next_point() {
    let mut b = B::new();
    b.v("v1", "a", "0", 1.0, 0.0);
    b.r("r1", "a", "b", 1e3);
    b.c("c1", "b", "0", 1e-6);
    b.c.analyses = vec![Analysis::Tran {
        tstep_s: 1e-5,
        tstop_s: 1e-3,
        tstart_s: 0.0,
        tmax_s: None,
        uic: false,
    }];
    let control = crate::Control::new();
    control.cancel();
    let out = crate::simulate_with(&b.c, &control);
    assert!(out.plots.is_empty());
    let stopped = out.stopped.expect("cancelled");
    assert_eq!(
        stopped.error.to_string(),
        "tran: interrupted at time 0.0000000e0 s"
    );
    // The operating point (t = 0) was finished before the first step.
    let partial = stopped.partial.expect("t = 0 row");
    assert_eq!(real(&partial, "time"), vec![0.0]);
    assert!(close(real(&partial, "v(b)")[0], 1.0, 1e-9));
}
