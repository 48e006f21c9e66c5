//! End-to-end tests of elaboration from netlist text (parsed by `netlist::parse_str`).
//!
//! Names and node orders marked "ngspice 39" were read from the variable list of raw files
//! written by `SPICE_ASCIIRAWFILE=1 ngspice -b -r out.raw t.net` on the same netlists.

use crate::*;
use std::path::Path;

fn parse(text: &str) -> (netlist::Netlist, netlist::Sources) {
    match netlist::parse_str(Path::new("t.net"), text) {
        Ok(x) => x,
        Err((e, _)) => panic!("parse error: {e}"),
    }
}

fn elab(text: &str) -> Circuit {
    let (n, s) = parse(text);
    match elaborate_with_sources(&n, &s) {
        Ok(c) => c,
        Err(e) => panic!("elaboration error: {e}"),
    }
}

fn elab_err(text: &str) -> ElabError {
    let (n, s) = parse(text);
    match elaborate_with_sources(&n, &s) {
        Ok(c) => panic!("expected an error, got {c:#?}"),
        Err(e) => e,
    }
}

fn names(c: &Circuit) -> Vec<&str> {
    c.devices.iter().map(|d| d.name.as_str()).collect()
}

fn kind<'c>(c: &'c Circuit, name: &str) -> &'c DeviceKind {
    let id = c.device(name).unwrap_or_else(|| panic!("no device {name}"));
    &c.devices[id.index()].kind
}

fn resistance(c: &Circuit, name: &str) -> f64 {
    match kind(c, name) {
        DeviceKind::Resistor { resistance_ohm, .. } => *resistance_ohm,
        k => panic!("{name} is {k:?}"),
    }
}

fn source<'c>(c: &'c Circuit, name: &str) -> &'c Source {
    match kind(c, name) {
        DeviceKind::VoltageSource { source, .. } | DeviceKind::CurrentSource { source, .. } => {
            source
        }
        k => panic!("{name} is {k:?}"),
    }
}

#[test]
fn nested_subckt_names_match_ngspice() {
    // ngspice 39 raw file variables for this netlist:
    //   v(in) v(x1.n2) v(x1.x2.m) v(out) i(v.x1.x2.v3) i(v1)
    let c = elab(
        "naming test
V1 in 0 DC 1
X1 in out sub1
R9 out 0 1k
.subckt sub2 a b
V3 a m 0
R3 m b 1k
.ends
.subckt sub1 a b
R1 a n2 1k
X2 n2 b sub2
.ends
.op
.end
",
    );
    assert_eq!(c.nodes, ["0", "in", "x1.n2", "x1.x2.m", "out"]);
    assert_eq!(
        names(&c),
        ["v1", "r.x1.r1", "v.x1.x2.v3", "r.x1.x2.r3", "r9"]
    );
    // Ports map to the instance's nodes.
    match kind(&c, "r.x1.x2.r3") {
        DeviceKind::Resistor { a, b, .. } => {
            assert_eq!(c.nodes[a.index()], "x1.x2.m");
            assert_eq!(c.nodes[b.index()], "out");
        }
        k => panic!("{k:?}"),
    }
    assert_eq!(c.analyses, [Analysis::Op]);
}

#[test]
fn node_order_follows_expanded_deck_like_ngspice() {
    // ngspice 39 order: in out x1.n2 unused x1.q g1 zz (X line replaced in place by its body,
    // `gnd` is ground inside subcircuits, `.global g1` is not prefixed).
    let c = elab(
        "order test
V1 in 0 DC 1
X1 in out unused sub1
R9 out 0 1k
Rz unused 0 1k
R8 zz 0 1k
Vz in zz 1
.subckt sub1 a b c
R1 b n2 1k
R2 n2 a 1k
R3 c gnd 1k
R4 q 0 1
R5 q g1 1
.ends
.global g1
Rg g1 0 1
.op
.end
",
    );
    assert_eq!(
        c.nodes,
        ["0", "in", "out", "x1.n2", "unused", "x1.q", "g1", "zz"]
    );
}

#[test]
fn parameters_global_defaults_overrides_and_nested() {
    let c = elab(
        "params
.param rb={ra*2} ra=1k
V1 1 0 1
R1 1 0 {rb}
X1 1 0 div rtop={ra*3}
X2 1 0 div
.subckt div a b rtop=10 rbot={rtop/2}
.param rmid={rbot+1}
R1 a m {rtop}
R2 m b {rbot}
R3 m b {rmid}
.ends
.op
.end
",
    );
    assert_eq!(resistance(&c, "r1"), 2000.0);
    // Override evaluated in the parent (ra = 1k), default rbot sees the override.
    assert_eq!(resistance(&c, "r.x1.r1"), 3000.0);
    assert_eq!(resistance(&c, "r.x1.r2"), 1500.0);
    assert_eq!(resistance(&c, "r.x1.r3"), 1501.0);
    // Defaults.
    assert_eq!(resistance(&c, "r.x2.r1"), 10.0);
    assert_eq!(resistance(&c, "r.x2.r2"), 5.0);
    assert_eq!(resistance(&c, "r.x2.r3"), 6.0);
}

#[test]
fn parameters_are_dynamically_scoped_like_ngspice() {
    // ngspice 39 gives v(x1.x2.c) = 3: sub2 (top level) sees p1 of the calling instance x1.
    let c = elab(
        "dyn scope
V1 1 0 1
X1 1 0 sub1 p1=3
.subckt sub2 a b
R1 a b {p1*1k}
.ends
.subckt sub1 a b p1=2
X2 a b sub2
.ends
.op
.end
",
    );
    assert_eq!(resistance(&c, "r.x1.x2.r1"), 3000.0);
}

#[test]
fn nested_definitions_are_scoped_and_shadow() {
    let text = "scoping
V1 1 0 1
X1 1 0 outer
X2 1 0 leaf
.subckt leaf a b
R1 a b 1
.ends
.subckt outer a b
X3 a b leaf
.subckt leaf a b
R1 a b 2
.ends
.ends
.op
.end
";
    let c = elab(text);
    // Inside `outer`, its own `leaf` shadows the top-level one.
    assert_eq!(resistance(&c, "r.x1.x3.r1"), 2.0);
    assert_eq!(resistance(&c, "r.x2.r1"), 1.0);

    // A nested definition is not visible at top level.
    let e = elab_err(
        "hidden
V1 1 0 1
R1 1 0 1
X1 1 0 inner
.subckt outer a b
.subckt inner a b
R1 a b 2
.ends
R2 a b 1
.ends
.op
.end
",
    );
    assert_eq!(e.to_string(), "x1: unknown subcircuit 'inner'");
}

#[test]
fn subckt_errors() {
    let e = elab_err(
        "ports
V1 1 0 1
X1 1 0 2 sub
.subckt sub a b
R1 a b 1
.ends
.end
",
    );
    assert_eq!(
        e.to_string(),
        "x1: subcircuit 'sub' has 2 ports but 3 nodes were given"
    );
    let e = elab_err(
        "recursion
V1 1 0 1
X1 1 0 sa
.subckt sa a b
X2 a b sb
.ends
.subckt sb a b
X3 a b sa
.ends
.end
",
    );
    assert_eq!(
        e.to_string(),
        "x1.x2.x3: subcircuit recursion: sa -> sb -> sa"
    );
    let e = elab_err(
        "unknown
V1 1 0 1
X1 1 0 sub2
.subckt sub1 a b
R1 a b 1
.ends
.end
",
    );
    assert_eq!(e.to_string(), "x1: unknown subcircuit 'sub2'");
    let e = elab_err(
        "bad instance param
V1 1 0 1
X1 1 0 sub rr=2
.subckt sub a b r=1
R1 a b {r}
.ends
.end
",
    );
    assert_eq!(
        e.to_string(),
        "x1: subcircuit 'sub' has no parameter 'rr' (did you mean 'r'?)"
    );
}

#[test]
fn duplicate_names() {
    let e = elab_err("dup\nV1 1 0 1\nR1 1 0 1\nR1 1 0 2\n.end\n");
    assert_eq!(
        e.to_string(),
        "duplicate element name 'r1' (first defined at t.net:3:1)"
    );
}

#[test]
fn parameter_errors() {
    let e = elab_err(".param cycle\n.param a={b} b={a+1}\nV1 1 0 1\nR1 1 0 {a}\n.end\n");
    assert_eq!(e.to_string(), "parameter cycle: a -> b -> a");
    let e = elab_err("unknown\n.param rval=1k\nV1 1 0 1\nR1 1 0 {rvl}\n.end\n");
    assert_eq!(
        e.to_string(),
        "unknown parameter 'rvl' (did you mean 'rval'?)"
    );
}

#[test]
fn sources_dc_ac_and_waveforms() {
    // DC values at t=0 as ngspice 39 .op gives: PULSE -> 2, SIN(1 2 1k) -> 1,
    // SIN(1 2 1k 0 0 90) -> 3, EXP -> 3, PWL(1m 8 2m 9) -> 8.
    let c = elab(
        "sources
V1 1 0 PULSE(2 5 1m)
V2 2 0 SIN(1 2 1k)
V3 3 0 EXP(3 4 1m 1m)
V4 4 0 PWL(1m 8 2m 9)
V5 5 0 SIN(1 2 1k 0 0 90)
V6 6 0 AC
V7 7 0 DC 1.5 AC 2 45
I1 0 8 3m
R1 1 0 1
R2 2 0 1
R3 3 0 1
R4 4 0 1
R5 5 0 1
R6 6 0 1
R7 7 0 1
R8 8 0 1
.end
",
    );
    assert_eq!(source(&c, "v1").dc, 2.0);
    assert_eq!(source(&c, "v2").dc, 1.0);
    assert_eq!(source(&c, "v3").dc, 3.0);
    assert_eq!(source(&c, "v4").dc, 8.0);
    assert!((source(&c, "v5").dc - 3.0).abs() < 1e-15);
    assert_eq!(
        source(&c, "v1").tran,
        Some(Waveform::Pulse {
            v1: 2.0,
            v2: 5.0,
            delay_s: 1e-3,
            rise_s: None,
            fall_s: None,
            width_s: None,
            period_s: None
        })
    );
    assert_eq!(
        source(&c, "v2").tran,
        Some(Waveform::Sin {
            offset: 1.0,
            amplitude: 2.0,
            freq_hz: Some(1e3),
            delay_s: 0.0,
            damping_per_s: 0.0,
            phase_deg: 0.0
        })
    );
    assert_eq!(
        source(&c, "v4").tran,
        Some(Waveform::Pwl {
            points: vec![(1e-3, 8.0), (2e-3, 9.0)],
            repeat_from_s: None,
            delay_s: 0.0
        })
    );
    let v6 = source(&c, "v6");
    assert_eq!(
        (v6.dc, v6.ac_mag, v6.ac_phase_deg, v6.tran.is_none()),
        (0.0, 1.0, 0.0, true)
    );
    let v7 = source(&c, "v7");
    assert_eq!((v7.dc, v7.ac_mag, v7.ac_phase_deg), (1.5, 2.0, 45.0));
    assert_eq!(source(&c, "i1").dc, 3e-3);
}

#[test]
fn coupling_pairs_and_controlled_sources() {
    let c = elab(
        "couplings
V1 in 0 AC 1
Rs in 1 1
L1 1 0 1m
L2 2 0 4m
L3 3 0 9m
R2 2 0 1
R3 3 0 1
K1 L1 L2 0.5
K2 L1 L2 L3 1
Vs 4 0 0
R4 1 4 1
F1 0 5 Vs 2
R5 5 0 1
H1 6 0 Vs 10
R6 6 0 1
E1 7 0 1 0 3
R7 7 0 1
G1 0 8 1 0 1m
R8 8 0 1
.end
",
    );
    let l1 = c.device("l1").unwrap();
    let l2 = c.device("l2").unwrap();
    let l3 = c.device("l3").unwrap();
    assert_eq!(
        *kind(&c, "k1"),
        DeviceKind::MutualInductance { l1, l2, k: 0.5 }
    );
    // A K card with three inductors gives the three pairs.
    let pairs: Vec<(DeviceId, DeviceId)> = c
        .devices
        .iter()
        .filter(|d| d.name.starts_with("k2"))
        .map(|d| match d.kind {
            DeviceKind::MutualInductance { l1, l2, .. } => (l1, l2),
            _ => panic!(),
        })
        .collect();
    assert_eq!(pairs, [(l1, l2), (l1, l3), (l2, l3)]);
    let vs = c.device("vs").unwrap();
    assert!(
        matches!(kind(&c, "f1"), DeviceKind::Cccs { control, gain, .. } if *control == vs && *gain == 2.0)
    );
    assert!(
        matches!(kind(&c, "h1"), DeviceKind::Ccvs { control, transresistance_ohm, .. } if *control == vs && *transresistance_ohm == 10.0)
    );
    assert!(matches!(kind(&c, "e1"), DeviceKind::Vcvs { gain, .. } if *gain == 3.0));
    assert!(
        matches!(kind(&c, "g1"), DeviceKind::Vccs { transconductance_s, .. } if *transconductance_s == 1e-3)
    );
}

#[test]
fn references_inside_subcircuits() {
    let c = elab(
        "refs in subckt
V1 1 0 1
X1 1 0 sense
.subckt sense a b
Vs a m 0
R1 m b 1
F1 b n Vs 2
R2 n b 1
L1 a p 1m
L2 p q 1m
R3 q b 1
K1 L1 L2 0.9
.ends
.end
",
    );
    let vs = c.device("v.x1.vs").unwrap();
    assert!(matches!(kind(&c, "f.x1.f1"), DeviceKind::Cccs { control, .. } if *control == vs));
    let l1 = c.device("l.x1.l1").unwrap();
    let l2 = c.device("l.x1.l2").unwrap();
    assert_eq!(
        *kind(&c, "k.x1.k1"),
        DeviceKind::MutualInductance { l1, l2, k: 0.9 }
    );
}

#[test]
fn reference_errors() {
    let e = elab_err("f\nV1 1 0 1\nR1 1 0 1\nF1 1 0 R1 2\n.end\n");
    assert_eq!(e.to_string(), "f1: 'r1' is not a voltage source");
    let e = elab_err("f\nV1 1 0 1\nR1 1 0 1\nH1 1 0 V2 2\n.end\n");
    assert_eq!(
        e.to_string(),
        "h1: no element 'v2' in this scope (expected a voltage source) (did you mean 'v1'?)"
    );
    let e = elab_err("k\nV1 1 0 1\nL1 1 0 1\nR1 1 0 1\nK1 L1 R1 0.5\n.end\n");
    assert_eq!(e.to_string(), "k1: 'r1' is not an inductor");
    let e = elab_err("k\nV1 1 0 1\nL1 1 0 1\nL2 1 0 1\nK1 L1 L2 1.5\n.end\n");
    assert_eq!(
        e.to_string(),
        "k1: coupling coefficient k = 1.5 must satisfy 0 < |k| <= 1"
    );
    let e = elab_err("dc\nV1 1 0 1\nR1 1 0 1\n.dc R1 0 1 0.1\n.end\n");
    assert_eq!(
        e.to_string(),
        ".dc: 'r1' is not an independent voltage or current source"
    );
}

#[test]
fn values_zero_resistance_like_ngspice() {
    // ngspice 39: R=0 becomes 1 mOhm (v(2) = 0.999999000001 with 1k to ground).
    let c = elab("r0\nV1 1 0 1\nR2 1 2 0\nR3 2 0 1k\nC1 2 0 0\n.op\n.end\n");
    assert_eq!(resistance(&c, "r2"), 1e-3);
    assert_eq!(c.warnings.len(), 1);
    assert_eq!(
        c.warnings[0].message,
        "r2: zero resistance replaced by 0.001 ohm, as ngspice does"
    );
}

#[test]
fn analyses_and_options() {
    let c = elab(
        "analyses
.param fmax=1meg
V1 1 0 1
R1 1 0 1
I1 0 1 1m
.op
.dc V1 0 1 0.25 I1 0 1m 0.5m
.ac dec 10 1 {fmax}
.tran 1u 1m 0 2u uic
.options reltol=1e-4 gmin=1e-10 itl1=200 method=gear maxord=2 foo=1
.temp 50
.ic v(1)=0.5
.end
",
    );
    let v1 = c.device("v1").unwrap();
    let i1 = c.device("i1").unwrap();
    assert_eq!(
        c.analyses,
        [
            Analysis::Op,
            Analysis::Dc {
                sweeps: vec![
                    DcSweep {
                        target: DcTarget::Source(v1),
                        start: 0.0,
                        stop: 1.0,
                        step: 0.25
                    },
                    DcSweep {
                        target: DcTarget::Source(i1),
                        start: 0.0,
                        stop: 1e-3,
                        step: 0.5e-3
                    }
                ]
            },
            Analysis::Ac {
                variation: AcVariation::Dec,
                points: 10,
                fstart_hz: 1.0,
                fstop_hz: 1e6
            },
            Analysis::Tran {
                tstep_s: 1e-6,
                tstop_s: 1e-3,
                tstart_s: 0.0,
                tmax_s: Some(2e-6),
                uic: true
            }
        ]
    );
    assert_eq!(c.options.reltol, 1e-4);
    assert_eq!(c.options.gmin, 1e-10);
    assert_eq!(c.options.itl1, 200);
    assert_eq!(c.options.method, IntegrationMethod::Gear);
    assert_eq!(c.options.temp_c, 50.0);
    assert_eq!(c.initial_conditions, [(NodeId(1), 0.5)]);
    assert!(c
        .warnings
        .iter()
        .any(|w| w.message == "unknown option 'foo' is ignored"));
}

/// ngspice 39 lowers TRTOL to 1 when the circuit holds an XSPICE code model (`cktdojob.c`:
/// "Reducing trtol to 1 for xspice 'A' devices"), even over `.options trtol=7`: a `TABLE`
/// (`pwl`), a `POLY` source (`spice2poly`); a one-point table is a plain V source, and a
/// TRTOL already below 1 stays.
#[test]
fn code_models_lower_trtol_as_ngspice() {
    let trtol = |body: &str| {
        elab(&format!("t\nv1 a 0 1\nr1 a 0 1k\n{body}\n.end\n"))
            .options
            .trtol
    };
    assert_eq!(trtol(""), 7.0);
    assert_eq!(trtol("e1 b 0 table {v(a)} = (0,0) (1,2)\nr2 b 0 1k"), 1.0);
    assert_eq!(trtol("e1 b 0 poly(1) a 0 0 2\nr2 b 0 1k"), 1.0);
    assert_eq!(trtol("e1 b 0 table {v(a)} = (0,3)\nr2 b 0 1k"), 7.0);
    assert_eq!(
        trtol("e1 b 0 table {v(a)} = (0,0) (1,2)\nr2 b 0 1k\n.options trtol=7"),
        1.0
    );
    assert_eq!(
        trtol("e1 b 0 table {v(a)} = (0,0) (1,2)\nr2 b 0 1k\n.options trtol=0.5"),
        0.5
    );
    assert_eq!(trtol("b1 b 0 v=2*v(a)\nr2 b 0 1k"), 7.0);
}

/// PSpice mode's predefined `temp`, `vt` and `gmin` in behavioural expressions: run-time
/// temperature terms unless the netlist defines a parameter of that name.
#[test]
fn pspice_predefined_parameters_in_expressions() {
    let expr = |body: &str| match kind(
        &elab(&format!("t\nv1 a 0 1\n{body}\nr1 b 0 1k\n.end\n")),
        "b1",
    ) {
        DeviceKind::BSource(b) => b.expr.clone(),
        k => panic!("b1 is {k:?}"),
    };
    let temper = |e: &BExpr| e.any(&|x| matches!(x, BExpr::Temper));
    assert!(temper(&expr("b1 b 0 v=vt*v(a)")));
    assert!(temper(&expr("b1 b 0 v=temp")));
    assert_eq!(expr("b1 b 0 v=gmin"), BExpr::Num(1e-12));
    assert_eq!(expr(".param vt=2\nb1 b 0 v=vt"), BExpr::Num(2.0));
}

/// Every option ngspice 39 knows is accepted: applied (`seed`, `maxord`: 3 to 6 act as 2, as in
/// ngspice 39, whose transient never raises the order past 2) or listed in `Options::ignored`
/// without a warning; an unknown name still warns.
#[test]
fn ngspice_options_accepted() {
    let c = elab(
        "a\nV1 1 0 1\nR1 1 0 1\n.options noacct klu gminsteps=10 seed=42 maxord=4 itl6=20\n\
         .options noacct frobnicate=1\n.op\n.end\n",
    );
    assert_eq!(c.options.seed, 42);
    assert_eq!(c.options.maxord, 2);
    assert_eq!(c.options.ignored, ["noacct", "klu", "gminsteps", "itl6"]);
    let messages: Vec<&str> = c.warnings.iter().map(|w| w.message.as_str()).collect();
    assert_eq!(messages, ["unknown option 'frobnicate' is ignored"]);
}

#[test]
fn analysis_errors() {
    let base = "a\nV1 1 0 1\nR1 1 0 1\n";
    let err = |card: &str| elab_err(&format!("{base}{card}\n.end\n")).to_string();
    assert_eq!(err(".dc V1 0 1 0"), ".dc v1: step must not be zero");
    assert_eq!(
        err(".dc V1 0 1 -0.1"),
        ".dc v1: step -0.1 goes away from stop 1 (start 0); use a step of the other sign"
    );
    assert_eq!(
        err(".ac dec 0 1 10"),
        ".ac: number of points must be at least 1, got 0"
    );
    assert_eq!(
        err(".ac dec 10 0 10"),
        ".ac dec: start frequency must be positive, got 0"
    );
    assert_eq!(
        err(".ac lin 10 100 10"),
        ".ac: stop frequency 10 is below start frequency 100"
    );
    assert_eq!(
        err(".tran 0 1m"),
        ".tran: time step must be positive, got 0"
    );
    assert_eq!(err(".ic v(9)=1"), ".ic: no node '9' (did you mean '1'?)");
}

#[test]
fn topology_errors() {
    let e = elab_err("float\nV1 1 0 1\nR1 1 0 1\nC1 1 2 1u\nI1 2 0 1m\n.end\n");
    assert_eq!(
        e.to_string(),
        "node '2' has no DC path to ground (connected only through c1, i1)"
    );
    // The sensing pair of E is no connection.
    let e = elab_err("float\nV1 1 0 1\nR1 1 0 1\nE1 2 0 3 0 1\nR2 2 0 1\nC1 3 0 1u\n.end\n");
    assert_eq!(
        e.to_string(),
        "node '3' has no DC path to ground (connected only through e1, c1)"
    );
    let e = elab_err("loop\nV1 1 0 1\nL1 1 0 1m\n.end\n");
    assert_eq!(e.to_string(), "loop of voltage sources/inductors: v1, l1");
    let e = elab_err("loop\nV1 1 0 1\nE1 2 0 1 0 1\nV2 2 1 0\nR1 2 0 1\n.end\n");
    assert_eq!(
        e.to_string(),
        "loop of voltage sources/inductors: e1, v1, v2"
    );
    let e = elab_err("self loop\nV1 1 1 1\nR1 1 0 1\n.end\n");
    assert_eq!(
        e.to_string(),
        "v1 is shorted: both terminals are on node '1'"
    );
}

#[test]
fn diode_models_resolve_with_area_and_scope() {
    // Model parameters evaluate with .param values; area from the element line; a model inside
    // a subcircuit is visible there only.
    let c = elab(
        "d\n.param isat=2f\nV1 1 0 1\nD1 1 0 dmod 3\n.model dmod d (is={isat} n=1.5 rs=10 bv=50)\n\
         X1 1 0 sub\n.subckt sub a b\nD2 a b inner\n.model inner d cjo=1p\n.ends\n.op\n.end\n",
    );
    let kinds: Vec<_> = c.devices.iter().map(|d| (&d.name, &d.kind)).collect();
    match kinds[1] {
        (name, DeviceKind::Diode { area, model, .. }) => {
            assert_eq!(name, "d1");
            assert_eq!(*area, 3.0);
            assert_eq!(model.is_a, 2e-15);
            assert_eq!(model.n, 1.5);
            assert_eq!(model.rs_ohm, 10.0);
            assert_eq!(model.bv_v, Some(50.0));
        }
        other => panic!("{other:?}"),
    }
    match kinds[2] {
        (name, DeviceKind::Diode { model, .. }) => {
            assert_eq!(name, "d.x1.d2");
            assert_eq!(model.cjo_f, 1e-12);
            assert_eq!(model.is_a, 1e-14);
        }
        other => panic!("{other:?}"),
    }
    let e = elab_err("d\nV1 1 0 1\nD1 1 0 nomodel\n.op\n.end\n");
    assert_eq!(e.to_string(), "d1: unknown model 'nomodel'");
    let e = elab_err("d\nV1 1 0 1\nD1 1 0 q\n.model q npn\n.op\n.end\n");
    assert_eq!(
        e.to_string(),
        "d1: model 'q' is a 'npn' model, not a diode model (d)"
    );
}

#[test]
fn tline_td_or_f_and_nl() {
    // TD given; F with NL (TD = NL/F); F alone (NL = 0.25); neither: ngspice's F = 1 GHz.
    for (params, td) in [
        ("z0=50 td=1n", 1e-9),
        ("zo=50 f=100meg nl=0.5", 5e-9),
        ("z0=50 f=100meg", 2.5e-9),
        ("z0=50", 0.25e-9),
    ] {
        let c = elab(&format!(
            "t\nV1 1 0 1\nT1 1 0 2 0 {params}\nR2 2 0 50\n.op\n.end\n"
        ));
        match c.devices[1].kind {
            DeviceKind::TLine { z0_ohm, td_s, .. } => {
                assert_eq!(z0_ohm, 50.0);
                assert!((td_s - td).abs() < 1e-24, "{params}: {td_s}");
            }
            ref k => panic!("{k:?}"),
        }
        assert_eq!(c.warnings.len(), usize::from(params == "z0=50"), "{params}");
    }
}

#[test]
fn expression_values_match_ngspice() {
    // ngspice 39 values of the same .param lines (read back through V sources in a raw file):
    // -2^2 = -4, (-2)**3 = 8, log(100) = 4.605170185988093, nint(2.5) = 2, int(-2.5) = -2.
    // (2^3^2 is 64 in ngspice: left associative; that is the parser's business.)
    let c = elab(
        ".p
.param a={-2^2} b={(-2)**3} c={2*-3} d={1+2*3} f={1<2 && 3>2 ? 5 : 6}
.param g={log(100)} h={nint(2.5)} i={int(-2.5)}
V1 1 0 1
R1 1 0 {a}
R2 1 0 {b}
R3 1 0 {c}
R4 1 0 {d}
R5 1 0 {f}
R6 1 0 {g}
R7 1 0 {h}
R8 1 0 {i}
.end
",
    );
    let got: Vec<f64> = (1..=8).map(|i| resistance(&c, &format!("r{i}"))).collect();
    assert_eq!(got, [-4.0, 8.0, -6.0, 7.0, 5.0, 100f64.ln(), 2.0, -2.0]);
}

#[test]
fn nesting_depth_limit() {
    // 102 distinct definitions, each instantiating the next: no recursion, but too deep.
    let mut text = String::from("deep\nV1 1 0 1\nX0 1 0 s0\n");
    for i in 0..=101 {
        text.push_str(&format!(".subckt s{i} a b\n"));
        if i < 101 {
            text.push_str(&format!("X{} a b s{}\n", i + 1, i + 1));
        } else {
            text.push_str("R1 a b 1\n");
        }
        text.push_str(".ends\n");
    }
    text.push_str(".end\n");
    let e = elab_err(&text);
    assert!(matches!(e, ElabError::Recursion { .. }));
    assert!(
        e.to_string()
            .contains("nesting deeper than 100 levels (s0 -> s1 -> s2 -> s3 -> s4 -> ...)"),
        "{e}"
    );
}

#[test]
fn tline_errors() {
    for (params, message) in [
        (
            "td=1n",
            "t1: the characteristic impedance is missing: give Z0=<ohms>",
        ),
        ("z0=0 td=1n", "t1: Z0 = 0 must be positive"),
        (
            "z0=50 td=-1n",
            "t1: the delay TD = -1e-9 s must be positive",
        ),
        ("z0=50 f=0", "t1: F = 0 must be positive"),
    ] {
        let e = elab_err(&format!(
            "t\nV1 1 0 1\nT1 1 0 2 0 {params}\nR2 2 0 50\n.op\n.end\n"
        ));
        assert_eq!(e.to_string(), message, "{params}");
    }
    // A port reached only through the line floats (ngspice: singular matrix).
    let e = elab_err("t\nV1 1 0 1\nT1 1 0 2 3 z0=50 td=1n\nR2 2 3 50\n.op\n.end\n");
    assert!(e.to_string().contains("no DC path to ground"), "{e}");
}

#[test]
fn empty_netlist_is_a_warning_at_the_title() {
    // A title only, or dot-cards only: ngspice 39 runs the analyses on the empty system (an
    // Operating Point plot with no vectors), so balun elaborates an empty circuit and warns.
    // The span is the title line (an element on line 1 would have been read as the title).
    for text in [
        "just a title\n",
        "R1 1 0 1k\n.op\n.end\n",
        "t\n.param a=1\n.op\n",
    ] {
        let c = elab(text);
        assert!(c.devices.is_empty(), "{text}");
        let w = &c.warnings[0];
        assert_eq!(
            w.message,
            "no circuit: the netlist has no elements (its first line is the title, not an \
             element); the analyses write empty plots"
        );
        let title_len = text.lines().next().map_or(0, str::len);
        assert_eq!((w.span.start, w.span.end), (0, title_len as u32));
    }
}

#[test]
fn no_analysis_is_a_warning_at_the_title() {
    let c = elab("no analysis\nV1 1 0 1\nR1 1 0 1k\n.end\n");
    assert!(c.analyses.is_empty());
    assert_eq!(c.warnings.len(), 1);
    assert_eq!(
        c.warnings[0].message,
        "no analysis cards (.op, .dc, .ac, .tran): nothing to simulate"
    );
    assert_eq!((c.warnings[0].span.start, c.warnings[0].span.end), (0, 11));
    assert!(elab("with op\nV1 1 0 1\nR1 1 0 1k\n.op\n")
        .warnings
        .is_empty());
}

#[test]
fn subckt_port_named_gnd_is_global_ground_and_warned() {
    // `gnd` is ground everywhere: the instance's `g1` is not connected to the port, so the
    // resistor inside sits on ground, and the user is told. Connecting `0` needs no warning.
    let text = ".subckt load a gnd\nR1 a gnd 1k\n.ends\nV1 in 0 1\nRg g1 0 1\nX1 in g1 load\nX2 in 0 load\n.op\n";
    let c = elab(&format!("t\n{text}"));
    let r = c
        .devices
        .iter()
        .find(|d| d.name == "r.x1.r1")
        .expect("r.x1.r1");
    let DeviceKind::Resistor { b, .. } = r.kind else {
        panic!("{:?}", r.kind)
    };
    assert!(b.is_ground());
    let warned: Vec<&str> = c.warnings.iter().map(|w| w.message.as_str()).collect();
    assert_eq!(
        warned,
        [
            "port 'gnd' of subcircuit 'load' is the global ground (as in ngspice): what an \
             instance connects to it is not connected; rename the port",
            // And so `g1` is left with `Rg` alone.
            "node 'g1' is connected to only one element (rg): a typo?"
        ]
    );
}

#[test]
fn noise_analysis_resolves_names_and_rejects_bad_ones() {
    let c = elab("n\nV1 in 0 dc 0 ac 1\nR1 in out 1k noisy=0\nR2 out 0 1k\n.noise v(out) v1 oct 3 10 1k 1\n.end\n");
    match &c.analyses[0] {
        Analysis::Noise {
            out,
            source,
            variation,
            points,
            fstart_hz,
            fstop_hz,
            pts_per_summary,
        } => {
            assert_eq!(c.nodes[out.pos.index()], "out");
            assert!(out.neg.is_ground());
            assert_eq!(c.devices[source.index()].name, "v1");
            assert_eq!(
                (*variation, *points, *fstart_hz, *fstop_hz, *pts_per_summary),
                (AcVariation::Oct, 3, 10.0, 1e3, 1)
            );
        }
        a => panic!("{a:?}"),
    }
    assert!(matches!(
        kind(&c, "r1"),
        DeviceKind::Resistor { noisy: false, .. }
    ));
    assert!(matches!(
        kind(&c, "r2"),
        DeviceKind::Resistor { noisy: true, .. }
    ));
    let e = elab_err("n\nV1 in 0 ac 1\nR1 in 0 1k\n.noise v(nope) v1 dec 1 1 10\n.end\n");
    assert!(e.to_string().contains("no node 'nope'"), "{e}");
    let e = elab_err("n\nV1 in 0 ac 1\nR1 in 0 1k\n.noise v(in) v2 dec 1 1 10\n.end\n");
    assert!(e.to_string().contains("no element 'v2'"), "{e}");
    let e = elab_err("n\nV1 in 0 1\nR1 in 0 1k\n.noise v(in) v1 dec 1 1 10\n.end\n");
    assert_eq!(
        e.to_string(),
        ".noise: input source 'v1' has no AC value (give it 'ac 1')"
    );
    let e = elab_err("n\nV1 in 0 ac 1\nR1 in 0 1k\n.noise v(in) v1 dec 1 0 10\n.end\n");
    assert!(
        e.to_string()
            .contains(".noise dec: start frequency must be positive"),
        "{e}"
    );
}

#[test]
fn tolerances_are_recorded_per_expanded_device() {
    let c = elab(
        "t\nV1 a 0 1\nR1 a b 1k tol=1%\nX1 b 0 sub\nX2 b 0 sub\n\
         .subckt sub p q\nR1 p q 2k tol=0.5% dist=uniform m=2\nC1 p q 1n\n.ends\n\
         .mc 50 seed=3 dist=uniform\n.op\n",
    );
    let t: Vec<(&str, f64, Option<Distribution>)> = c
        .tolerances
        .iter()
        .map(|t| {
            (
                c.devices[t.device.index()].name.as_str(),
                t.relative,
                t.dist,
            )
        })
        .collect();
    assert_eq!(
        t,
        vec![
            ("r1", 0.01, None),
            ("r.x1.r1", 0.005, Some(Distribution::Uniform)),
            ("r.x2.r1", 0.005, Some(Distribution::Uniform)),
        ]
    );
    let mc = c.monte_carlo.expect(".mc");
    assert_eq!((mc.runs, mc.seed, mc.dist), (50, 3, Distribution::Uniform));
    // A run scales only the toleranced devices, each within its tolerance (uniform: +-t,
    // gauss: clipped at 6 sigma = 2 t), and the same (seed, run) gives the same circuit.
    for run in 0..20 {
        let p = c.monte_carlo_run(mc.seed, run, Distribution::Gauss);
        assert_eq!(p, c.monte_carlo_run(mc.seed, run, Distribution::Gauss));
        let r = |c: &Circuit, n: &str| match kind(c, n) {
            DeviceKind::Resistor { resistance_ohm, .. } => *resistance_ohm,
            k => panic!("{k:?}"),
        };
        assert!((r(&p, "r1") / 1e3 - 1.0).abs() <= 0.02);
        assert!((r(&p, "r.x1.r1") / 1e3 - 1.0).abs() <= 0.005);
        assert_ne!(r(&p, "r.x1.r1"), r(&p, "r.x2.r1"));
        assert_eq!(kind(&p, "c.x1.c1"), kind(&c, "c.x1.c1"));
    }
}

#[test]
fn bad_tolerances_are_errors_at_the_value() {
    let e = elab_err("t\nV1 a 0 1\nR1 a 0 1k tol=60%\n.op\n");
    assert!(
        e.to_string()
            .contains("r1: tolerance 0.6 is outside 0 to 0.5"),
        "{e}"
    );
    let e = elab_err("t\nV1 a 0 1\nR1 a 0 1k dist=uniform\n.op\n");
    assert!(e.to_string().contains("'dist=' needs a tolerance"), "{e}");
    let e = elab_err("t\nV1 a 0 1\nR1 a 0 1k tol=1% dist=flat\n.op\n");
    assert!(e.to_string().contains("dist=gauss or dist=uniform"), "{e}");
    let e = elab_err("t\nV1 a 0 1\nR1 a 0 1k tol=1%\n.mc 2.5\n.op\n");
    assert!(e.to_string().contains("whole number"), "{e}");
}

#[test]
fn coupled_line_matrices_length_and_sections() {
    // ngspice's triangle order (L11 L12 L22); R and G default to zero; the instance's len=
    // overrides the model's length=; the far end's reference may be another node.
    let c = elab(
        "t\nV1 a1 0 1\nR1 a2 0 1\nP1 a1 a2 0 b1 b2 g cab len=3 sections=12\n\
         .model cab cpl length=1 l=1u 0.25u 2u c=100p -10p 120p\n\
         R2 b1 g 1\nR3 b2 g 1\nR4 g 0 1\n.op\n.end\n",
    );
    let DeviceKind::CoupledLine {
        near,
        ref_near,
        far,
        ref_far,
        line,
    } = &c.devices[2].kind
    else {
        panic!("{:?}", c.devices[2].kind)
    };
    let node = |n: NodeId| c.nodes[n.index()].as_str();
    assert_eq!(
        near.iter().map(|&n| node(n)).collect::<Vec<_>>(),
        ["a1", "a2"]
    );
    assert_eq!(
        far.iter().map(|&n| node(n)).collect::<Vec<_>>(),
        ["b1", "b2"]
    );
    assert_eq!((node(*ref_near), node(*ref_far)), ("0", "g"));
    assert_eq!(line.n, 2);
    assert_eq!(line.l_h_per_m, [1e-6, 0.25e-6, 0.25e-6, 2e-6]);
    assert_eq!(line.c_f_per_m, [100e-12, -10e-12, -10e-12, 120e-12]);
    assert_eq!(line.r_ohm_per_m, [0.0; 4]);
    assert_eq!(line.g_s_per_m, [0.0; 4]);
    assert_eq!((line.length_m, line.sections), (3.0, Some(12)));
    // A model of another kind, and a missing C matrix, are errors naming the element.
    let e = elab_err("t\nV1 a 0 1\nP1 a 0 b 0 dm len=1\n.model dm d\nR1 b 0 1\n.op\n.end\n");
    assert_eq!(
        e.to_string(),
        "p1: model 'dm' is a 'd' model, not a coupled line model (cpl)"
    );
    let e = elab_err("t\nV1 a 0 1\nP1 a 0 b 0 m len=1\n.model m cpl l=1u\nR1 b 0 1\n.op\n.end\n");
    assert!(e.to_string().contains("gives no C matrix"), "{e}");
}

#[test]
fn node_touched_by_one_element_is_warned_unless_voltage_driven() {
    // `ot` and `out` each touch one resistor: both warned, each suggesting the other. `probe` is
    // an E output read as a test point, and `x1.tp` is inside a subcircuit: no warning.
    let c = elab(
        "t\n.subckt s a\nR1 a tp 1k\n.ends\nV1 in 0 1\nR1 in out 1k\nR2 ot 0 1k\n\
         E1 probe 0 in 0 1\nX1 in s\n.op\n",
    );
    let warned: Vec<&str> = c.warnings.iter().map(|w| w.message.as_str()).collect();
    assert_eq!(
        warned,
        [
            "node 'out' is connected to only one element (r1): a typo? (did you mean 'ot'?)",
            "node 'ot' is connected to only one element (r2): a typo? (did you mean 'out'?)",
        ]
    );
}

#[test]
fn print_outputs_take_ngspice_names_and_save_their_vectors() {
    let c = elab(
        "t\nv1 in 0 dc 1 ac 1\nr1 in a 1k\nl1 a b 1m\nr2 b 0 1k\n\
         .subckt sub p\nrs p q 1k\nrq q 0 1k\n.ends\nx1 b sub\n\
         .ac dec 1 10 100\n.save v(in)\n\
         .print ac v(a) v(a,b) v(a,0) v(0,b) vdb(a) vdb(a,b) vp(0,b) vm(b,gnd) vi(x1.q) i(l1) b 0 l1#branch\n\
         .print ac v(a) ip(v1)\n.print tran v(a)\n.end\n",
    );
    let [p] = c.prints.as_slice() else {
        panic!("{:?}", c.prints);
    };
    assert_eq!(p.analysis, PrintAnalysis::Ac);
    let names: Vec<&str> = p.outputs.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "v(a)",
            "v(a)-v(b)",
            "v(a)",
            "-v(b)",
            "vdb(a)",
            "db(v(a)-v(b))",
            "ph(-v(b))",
            "mag(v(b))",
            "vi(x1.q)",
            "l1#branch",
            "b",
            "0",
            "l1#branch"
        ]
    );
    let minus_b = &p.outputs[3];
    assert_eq!(
        (minus_b.plus.as_deref(), minus_b.minus.as_deref()),
        (None, Some("v(b)"))
    );
    assert_eq!(p.outputs[6].part, PrintPart::Phase);
    assert_eq!(p.outputs[9].plus.as_deref(), Some("i(l1)"));
    // The line with ip() and the .print tran (no .tran) are dropped with a warning each.
    let dropped: Vec<&str> = c
        .warnings
        .iter()
        .map(|w| w.message.as_str())
        .filter(|m| m.contains(".print"))
        .collect();
    assert_eq!(dropped.len(), 2, "{dropped:?}");
    assert!(dropped[0].contains("'ip(...)' is not an output ngspice 39 prints"));
    assert!(dropped[1].contains("no .tran analysis"));
    // `.save v(in)` keeps what .print reads too.
    let saves = c.saves.as_ref().expect("a .save list");
    let node =
        |n: &str| SaveTarget::Voltage(NodeId(c.nodes.iter().position(|x| x == n).unwrap() as u32));
    for n in ["in", "a", "b", "x1.q"] {
        assert!(saves.contains(&node(n)), "{n}: {saves:?}");
    }
    let l1 = c.devices.iter().position(|d| d.name == "l1").unwrap();
    assert!(saves.contains(&SaveTarget::Current(DeviceId(l1 as u32))));
}
