//! Properties of the whole pipeline, checked on generated inputs (proptest, bounded case counts
//! so CI stays fast; `PROPTEST_CASES=N` raises them locally).
//!
//! - No input panics: arbitrary bytes, and token soup made of SPICE words (far likelier to get
//!   past the first card), through `netlist::parse_str`, `circuit::elaborate` and, for small
//!   circuits with cheap analyses, `solver::simulate`.
//! - `parse(print(ast)) == ast` (spans aside) for generated ASTs (`netlist`'s `Display`).
//! - Generated valid circuits (a resistor spanning tree to ground plus C, L, E, G, subcircuit
//!   instances, V and I sources) elaborate without error and simulate without panicking.
//! - A generated resistor network with current and voltage sources is solved to KCL at every
//!   node within 1e-9 of the currents at that node (plus a rounding floor of 1e-15 of the
//!   largest current in the circuit, for nodes that carry nothing), and its node voltages agree with a
//!   dense nalgebra LU solve of the same MNA system within 1e-9 of the largest voltage.
//! - Inputs the fuzzer found (`tests/fuzz_regressions/*`) are replayed.

use proptest::prelude::*;
use std::fmt::Write as _;
use std::path::Path;

/// `default` cases, or `PROPTEST_CASES` when set (for longer local runs).
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Includes are resolved against a directory that does not exist: they fail cleanly.
const NAME: &str = "/nonexistent-balun-properties/prop.net";

/// Circuits at most this large (and with analyses at most this many points) are simulated.
const MAX_SIM_DEVICES: usize = 64;
const MAX_SIM_POINTS: f64 = 2000.0;

/// About how many points a `dec|oct|lin N fstart fstop` grid has.
fn grid_points(variation: circuit::AcVariation, points: usize, fstart: f64, fstop: f64) -> f64 {
    use circuit::AcVariation;
    let n = points as f64;
    match variation {
        AcVariation::Lin => n,
        AcVariation::Dec => n * (fstop / fstart).log10().max(0.0) + 1.0,
        AcVariation::Oct => n * (fstop / fstart).log2().max(0.0) + 1.0,
    }
}

/// Whether every analysis is small enough to simulate in a property test.
fn cheap(circuit: &circuit::Circuit) -> bool {
    use circuit::Analysis;
    circuit.devices.len() <= MAX_SIM_DEVICES
        && circuit.analyses.iter().all(|a| match a {
            Analysis::Op | Analysis::Pz { .. } => true,
            Analysis::Dc { sweeps } => {
                let points: f64 = sweeps
                    .iter()
                    .map(|s| ((s.stop - s.start) / s.step).abs() + 1.0)
                    .product();
                points <= MAX_SIM_POINTS
            }
            Analysis::Ac {
                variation,
                points,
                fstart_hz,
                fstop_hz,
                ..
            }
            | Analysis::Sp {
                variation,
                points,
                fstart_hz,
                fstop_hz,
                ..
            }
            | Analysis::Noise {
                variation,
                points,
                fstart_hz,
                fstop_hz,
                ..
            } => grid_points(*variation, *points, *fstart_hz, *fstop_hz) <= MAX_SIM_POINTS,
            Analysis::Tran {
                tstep_s, tstop_s, ..
            } => tstop_s / tstep_s <= MAX_SIM_POINTS,
            Analysis::Tf { .. } => true,
            Analysis::Sens { ac, .. } => ac.as_ref().is_none_or(|g| {
                grid_points(g.variation, g.points, g.fstart_hz, g.fstop_hz) <= MAX_SIM_POINTS
            }),
        })
}

/// The whole pipeline on `text`; errors are fine, panics are not.
fn pipeline(text: &str) {
    let Ok((ast, _)) = netlist::parse_str(Path::new(NAME), text) else {
        return;
    };
    let Ok(circuit) = circuit::elaborate(&ast) else {
        return;
    };
    if cheap(&circuit) {
        let _ = solver::simulate(&circuit);
    }
}

// ---------------------------------------------------------------- no panics

/// Words a netlist is made of, valid and not.
const WORDS: &[&str] = &[
    "r1",
    "r2",
    "c1",
    "l1",
    "l2",
    "v1",
    "v2",
    "i1",
    "e1",
    "g1",
    "f1",
    "h1",
    "x1",
    "x2",
    "k1",
    "d1",
    "t1",
    "q1",
    "0",
    "1",
    "2",
    "a",
    "b",
    "gnd",
    "1k",
    "1e-3",
    "-1",
    "0",
    "1meg",
    "1.2.3",
    "1e999",
    "1e-320",
    "{a*2}",
    "{(1+2}",
    "{x?1:2}",
    "'1+2'",
    "{}",
    "{1/0}",
    "{-a}",
    "{sqrt(-1)}",
    "{1e308*10}",
    "{pwr(2,3)}",
    ".param",
    ".subckt",
    ".ends",
    ".model",
    ".op",
    ".dc",
    ".ac",
    ".tran",
    ".ic",
    ".options",
    ".include",
    ".lib",
    ".end",
    ".control",
    ".endc",
    ".global",
    ".temp",
    "=",
    "(",
    ")",
    ",",
    "dc",
    "ac",
    "sin",
    "pulse",
    "pwl",
    "exp",
    "params:",
    "dec",
    "oct",
    "lin",
    "a=1",
    "r=0",
    "ic=1",
    "z0=50",
    "td=1n",
    "is=1e-14",
    "uic",
    "s",
    "d",
    "+",
    "*",
    "$",
    ";",
    "\t",
    "v(a)",
    "1u",
    "1n",
    "1p",
    "10",
    "100",
];

fn token_soup() -> impl Strategy<Value = String> {
    let line = prop::collection::vec(prop::sample::select(WORDS), 0..8).prop_map(|w| w.join(" "));
    prop::collection::vec(line, 0..16).prop_map(|lines| format!("title\n{}\n", lines.join("\n")))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(256), ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        pipeline(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn arbitrary_printable_text_never_panics(text in "[ -~\n\t]{0,400}") {
        pipeline(&text);
    }

    #[test]
    fn token_soup_never_panics(text in token_soup()) {
        pipeline(&text);
    }
}

// ---------------------------------------------------------------- the expression language

/// Pieces expressions are made of: operators, functions (built-in, PSpice and the template's
/// `.func`s, which may call themselves), probes, names and numbers, valid and not.
const EXPR_PIECES: &[&str] = &[
    "x", "y", "a", "p", "1", "0", "-1", "2.5k", "1e300", "+", "-", "*", "/", "^", "**", "(", ")",
    ",", "?", ":", "<", ">=", "==", "&&", "||", "!", "f(", "g(", "if(", "limit(", "sqrt(", "ln(",
    "exp(", "pow(", "pwrs(", "nint(", "u(", "min(", "v(a)", "v(b)", "i(v1)", "time", "{", "}", "'",
];

fn expr_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(EXPR_PIECES), 0..24).prop_map(|w| w.concat())
}

/// The fuzz target `fuzz/fuzz_targets/expressions.rs`'s netlist: `.func` bodies, a `.param`, a
/// value, a B source and an `E VALUE=` filled with `holes`.
fn expression_netlist(holes: &[String; 5]) -> String {
    let [f, g, p, b, e] = holes;
    format!(
        "expressions\n.func f(x, y) {{{f}}}\n.func g(a) = {g}\n.param p = {{{p}}}\n\
         V1 a 0 1\nR1 a 0 1k\nR2 c 0 {{p}}\nB1 b 0 V={b}\nR3 b 0 1k\n\
         E1 d 0 VALUE={{{e}}}\nR4 d 0 1k\n.op\n.dc V1 -1 1 0.5\n.end\n"
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(512), ..ProptestConfig::default() })]

    /// No expression, however broken or self-calling, panics, hangs or overflows the stack.
    #[test]
    fn expression_language_never_panics(holes in [expr_soup(), expr_soup(), expr_soup(), expr_soup(), expr_soup()]) {
        pipeline(&expression_netlist(&holes));
    }
}

/// Functions that call each other twice per level, 40 levels deep, stop with an error
/// (2^40 calls would never end), in `.param`s and in B sources alike.
#[test]
fn exponential_function_expansion_is_an_error() {
    let mut text = String::from("blowup\n.func f0(x) {x+1}\n");
    for k in 1..40 {
        let _ = writeln!(text, ".func f{k}(x) {{f{}(x)+f{}(x)}}", k - 1, k - 1);
    }
    text.push_str(
        ".param p = {f39(1)}\nV1 a 0 1\nR1 a 0 {p}\nB1 b 0 V=f39(v(a))\nR2 b 0 1k\n.op\n.end\n",
    );
    let (ast, _) = netlist::parse_str(Path::new(NAME), &text).expect("parses");
    let err = circuit::elaborate(&ast).expect_err("too much work");
    assert!(err.to_string().contains("expands to more than"), "{err}");
    let text = text.replace(".param p = {f39(1)}", ".param p = 1");
    let (ast, _) = netlist::parse_str(Path::new(NAME), &text).expect("parses");
    let err = circuit::elaborate(&ast).expect_err("too much work");
    assert!(err.to_string().contains("expand to more than"), "{err}");
}

// ---------------------------------------------------------------- parse(print(ast)) == ast

mod gen {
    use super::*;
    use netlist::*;

    pub fn ident(name: String) -> Ident {
        Ident {
            name,
            span: Span::default(),
        }
    }

    fn val(expr: Expr) -> Value {
        Value {
            expr,
            span: Span::default(),
        }
    }

    /// Parameter and node names: lower-case, never a keyword of the card they appear in.
    fn name() -> impl Strategy<Value = String> {
        "[a-z][a-z0-9_]{0,5}".prop_filter("not a keyword", |s| {
            !matches!(
                s.as_str(),
                "dc" | "ac"
                    | "sin"
                    | "pulse"
                    | "pwl"
                    | "exp"
                    | "uic"
                    | "params"
                    | "v"
                    | "sffm"
                    | "am"
                    | "trrandom"
                    | "trnoise"
                    | "poly"
                    | "value"
                    | "vol"
                    | "cur"
                    | "table"
                    | "laplace"
                    | "dec"
                    | "oct"
                    | "lin"
                    | "on"
                    | "off"
                    | "ic"
            )
        })
    }

    fn node() -> impl Strategy<Value = Ident> {
        prop_oneof![Just("0".to_string()), "[1-9][0-9]{0,2}", name()].prop_map(ident)
    }

    /// Non-negative finite numbers (the grammar has no negative literals).
    fn number() -> impl Strategy<Value = f64> {
        prop_oneof![
            Just(0.0),
            Just(1.0),
            (0u32..1000).prop_map(f64::from),
            (-300i32..300, 1.0f64..10.0).prop_map(|(e, m)| m * 10f64.powi(e)),
        ]
    }

    pub fn expr() -> impl Strategy<Value = Expr> {
        use BinaryOp::*;
        let leaf = prop_oneof![number().prop_map(Expr::Num), name().prop_map(Expr::Var)];
        leaf.prop_recursive(4, 24, 3, |inner| {
            prop_oneof![
                (
                    prop::sample::select(vec![UnaryOp::Neg, UnaryOp::Plus, UnaryOp::Not]),
                    inner.clone()
                )
                    .prop_map(|(op, e)| Expr::Unary(op, Box::new(e))),
                (
                    prop::sample::select(vec![
                        Add, Sub, Mul, Div, Pow, Eq, Ne, Lt, Le, Gt, Ge, And, Or
                    ]),
                    inner.clone(),
                    inner.clone()
                )
                    .prop_map(|(op, a, b)| Expr::Binary(
                        op,
                        Box::new(a),
                        Box::new(b)
                    )),
                (inner.clone(), inner.clone(), inner.clone())
                    .prop_map(|(c, a, b)| { Expr::Ternary(Box::new(c), Box::new(a), Box::new(b)) }),
                (name(), prop::collection::vec(inner, 0..3))
                    .prop_map(|(n, args)| Expr::Call(n, args)),
            ]
        })
    }

    fn value() -> impl Strategy<Value = Value> {
        expr().prop_map(val)
    }

    fn param() -> impl Strategy<Value = Param> {
        (name(), value()).prop_map(|(n, v)| Param {
            name: ident(n),
            value: v,
        })
    }

    fn params(max: usize) -> impl Strategy<Value = Vec<Param>> {
        prop::collection::vec(param(), 0..max)
    }

    fn two_nodes() -> impl Strategy<Value = [Ident; 2]> {
        (node(), node()).prop_map(|(a, b)| [a, b])
    }

    fn four_nodes() -> impl Strategy<Value = [Ident; 4]> {
        (node(), node(), node(), node()).prop_map(|(a, b, c, d)| [a, b, c, d])
    }

    fn source() -> impl Strategy<Value = SourceSpec> {
        let ac =
            (prop::option::of(value()), prop::option::of(value())).prop_map(|(mag, ph)| AcSpec {
                phase_deg: if mag.is_some() { ph } else { None },
                mag,
            });
        let args = || prop::collection::vec(value(), 0..5);
        let tran = prop_oneof![
            args().prop_map(TranSpec::Sin),
            args().prop_map(TranSpec::Pulse),
            args().prop_map(TranSpec::Exp),
            (args(), params(2)).prop_map(|(points, params)| TranSpec::Pwl { points, params }),
        ];
        (
            prop::option::of(value()),
            prop::option::of(ac),
            prop::option::of(tran),
        )
            .prop_map(|(dc, ac, tran)| SourceSpec {
                dc,
                ac,
                tran,
                port: Default::default(),
                distof: None,
            })
    }

    fn element(n: usize) -> impl Strategy<Value = Element> {
        let kind = prop_oneof![
            (0usize..3, two_nodes(), value(), params(2)).prop_map(|(k, nodes, value, params)| {
                match k {
                    0 => ElementKind::Resistor {
                        nodes,
                        value: Some(value),
                        model: None,
                        params,
                    },
                    1 => ElementKind::Capacitor {
                        nodes,
                        value: Some(value),
                        model: None,
                        params,
                    },
                    _ => ElementKind::Inductor {
                        nodes,
                        value: Some(value),
                        model: None,
                        params,
                    },
                }
            }),
            (prop::collection::vec(name().prop_map(ident), 2..4), value())
                .prop_map(|(inductors, k)| ElementKind::Coupling { inductors, k }),
            (any::<bool>(), two_nodes(), source()).prop_map(|(v, nodes, source)| if v {
                ElementKind::VoltageSource {
                    nodes,
                    source: Box::new(source),
                }
            } else {
                ElementKind::CurrentSource {
                    nodes,
                    source: Box::new(source),
                }
            }),
            (any::<bool>(), four_nodes(), value()).prop_map(|(e, nodes, gain)| if e {
                ElementKind::Vcvs { nodes, gain }
            } else {
                ElementKind::Vccs { nodes, gain }
            }),
            (any::<bool>(), two_nodes(), name(), value()).prop_map(|(f, nodes, c, gain)| {
                let control = ident(c);
                if f {
                    ElementKind::Cccs {
                        nodes,
                        control,
                        gain,
                    }
                } else {
                    ElementKind::Ccvs {
                        nodes,
                        control,
                        gain,
                    }
                }
            }),
            (prop::collection::vec(node(), 0..4), name(), params(3)).prop_map(
                |(nodes, s, params)| ElementKind::Instance {
                    nodes,
                    subckt: ident(s),
                    params,
                }
            ),
            (two_nodes(), name(), prop::option::of(value()), params(2)).prop_map(
                |(nodes, m, area, params)| ElementKind::Diode {
                    nodes,
                    model: ident(m),
                    area,
                    params,
                }
            ),
            (four_nodes(), params(3))
                .prop_map(|(nodes, params)| ElementKind::TLine { nodes, params }),
            (four_nodes(), name(), params(2)).prop_map(|(nodes, m, params)| {
                ElementKind::LossyLine {
                    nodes,
                    model: ident(m),
                    params,
                }
            }),
            (four_nodes(), name(), params(1)).prop_map(|(nodes, m, params)| {
                ElementKind::Txl {
                    nodes,
                    model: ident(m),
                    params,
                }
            }),
            (
                four_nodes(),
                name(),
                any::<bool>(),
                prop::collection::vec(value(), 0..4),
                params(3)
            )
                .prop_map(|(nodes, m, off, ic, params)| ElementKind::Mosfet {
                    nodes,
                    model: ident(m),
                    off,
                    ic,
                    params: params.into_iter().filter(|p| p.name.name != "ic").collect(),
                }),
            (1usize..4)
                .prop_flat_map(|d| (
                    Just(d),
                    two_nodes(),
                    prop::collection::vec(node(), 2 * d),
                    prop::collection::vec(value(), 1..6)
                ))
                .prop_map(|(dimension, nodes, controls, coefficients)| {
                    ElementKind::Poly {
                        nodes,
                        dimension,
                        controls,
                        coefficients,
                    }
                }),
            (
                four_nodes(),
                prop::option::of(value()),
                any::<bool>(),
                prop::collection::vec(value(), 0..3),
                params(2)
            )
                .prop_map(|([d, g, s, m], area, off, ic, params)| ElementKind::Jfet {
                    nodes: [d, g, s],
                    model: m,
                    area,
                    off,
                    ic,
                    params,
                }),
            (four_nodes(), name(), prop::option::of(any::<bool>())).prop_map(|(nodes, m, on)| {
                ElementKind::VSwitch {
                    nodes,
                    model: ident(m),
                    on,
                }
            }),
            (two_nodes(), name(), name(), prop::option::of(any::<bool>())).prop_map(
                |(nodes, c, m, on)| ElementKind::CSwitch {
                    nodes,
                    control: ident(c),
                    model: ident(m),
                    on,
                }
            ),
        ];
        kind.prop_map(move |kind| {
            let letter = match &kind {
                ElementKind::Resistor { .. } => 'r',
                ElementKind::Capacitor { .. } => 'c',
                ElementKind::Inductor { .. } => 'l',
                ElementKind::Coupling { .. } => 'k',
                ElementKind::VoltageSource { .. } => 'v',
                ElementKind::CurrentSource { .. } => 'i',
                ElementKind::Vcvs { .. } => 'e',
                ElementKind::Vccs { .. } => 'g',
                ElementKind::Cccs { .. } => 'f',
                ElementKind::Ccvs { .. } => 'h',
                ElementKind::Instance { .. } => 'x',
                ElementKind::Diode { .. } => 'd',
                ElementKind::Bjt { .. } => 'q',
                ElementKind::Mosfet { .. } => 'm',
                ElementKind::TLine { .. } => 't',
                ElementKind::CoupledLine { .. } => 'p',
                ElementKind::LossyLine { .. } => 'o',
                ElementKind::Txl { .. } => 'y',
                // Generated with node pairs: an E (or G) card.
                ElementKind::Poly { .. } => 'e',
                ElementKind::Jfet { .. } => 'j',
                ElementKind::VSwitch { .. } => 's',
                ElementKind::CSwitch { .. } => 'w',
                ElementKind::Behavioral { form, voltage, .. } => match (form, voltage) {
                    (netlist::BehavioralForm::B, _) => 'b',
                    (_, true) => 'e',
                    (_, false) => 'g',
                },
            };
            Element {
                name: ident(format!("{letter}{n}")),
                kind,
                span: Span::default(),
            }
        })
    }

    fn analysis() -> impl Strategy<Value = Analysis> {
        let span = Span::default();
        let sweep =
            (name(), value(), value(), value()).prop_map(|(s, start, stop, step)| DcSweep {
                source: ident(s),
                start,
                stop,
                step,
            });
        prop_oneof![
            Just(Analysis::Op { span }),
            prop::collection::vec(sweep, 1..3)
                .prop_map(move |sweeps| Analysis::Dc { sweeps, span }),
            (
                prop::sample::select(vec![AcVariation::Dec, AcVariation::Oct, AcVariation::Lin]),
                value(),
                value(),
                value()
            )
                .prop_map(move |(variation, points, fstart, fstop)| Analysis::Ac {
                    variation,
                    points,
                    fstart,
                    fstop,
                    span
                }),
            (
                value(),
                value(),
                prop::option::of((value(), prop::option::of(value()))),
                any::<bool>()
            )
                .prop_map(move |(tstep, tstop, opt, uic)| {
                    let (tstart, tmax) = match opt {
                        Some((a, b)) => (Some(a), b),
                        None => (None, None),
                    };
                    Analysis::Tran {
                        tstep,
                        tstop,
                        tstart,
                        tmax,
                        uic,
                        span,
                    }
                }),
        ]
    }

    fn output_ref() -> impl Strategy<Value = OutputRef> {
        (name(), prop::option::of(node())).prop_map(|(p, neg)| OutputRef {
            pos: ident(p),
            neg,
            span: Span::default(),
        })
    }

    fn measure() -> impl Strategy<Value = MeasureCard> {
        let span = Span::default();
        prop_oneof![
            (output_ref(), name(), name(), prop::option::of(value())).prop_map(
                move |(out, h, c, imbalance)| MeasureCard::Cmrr {
                    out,
                    hot: ident(h),
                    cold: ident(c),
                    imbalance,
                    span,
                }
            ),
            prop::collection::vec((name().prop_map(ident), output_ref()), 2..4)
                .prop_map(move |channels| MeasureCard::Xtalk { channels, span }),
            (output_ref(), name(), name()).prop_map(move |(out, s, i)| MeasureCard::Hum {
                out,
                signal: ident(s),
                interference: ident(i),
                span,
            }),
        ]
    }

    /// Cards other than subcircuits (the `n`-th card of its body).
    fn card(n: usize) -> impl Strategy<Value = Item> {
        prop_oneof![
            4 => element(n).prop_map(Item::Element),
            1 => prop::collection::vec(param(), 1..3).prop_map(Item::Params),
            1 => (name(), name(), params(3)).prop_map(|(n, k, params)| Item::Model(ModelDef {
                name: ident(n),
                kind: ident(k),
                params,
                vectors: Vec::new(),
                span: Span::default(),
            })),
            1 => analysis().prop_map(|a| Item::Analysis(Box::new(a))),
            1 => params(3).prop_map(Item::Options),
            1 => prop::collection::vec(node(), 1..3).prop_map(Item::Global),
            1 => prop::collection::vec((node(), value()), 1..3).prop_map(Item::Ic),
            1 => value().prop_map(Item::Temp),
            1 => measure().prop_map(|m| Item::Measure(Box::new(m))),
        ]
    }

    fn cards(max: usize) -> impl Strategy<Value = Vec<Item>> {
        prop::collection::vec(any::<u8>(), 0..max).prop_flat_map(|slots| {
            slots
                .iter()
                .enumerate()
                .map(|(i, _)| card(i))
                .collect::<Vec<_>>()
        })
    }

    pub fn netlist() -> impl Strategy<Value = Netlist> {
        let subckt = (
            name(),
            prop::collection::vec(node(), 0..4),
            params(3),
            cards(6),
        )
            .prop_map(|(n, ports, params, items)| {
                Item::Subckt(SubcktDef {
                    name: ident(n),
                    ports,
                    params,
                    items,
                    span: Span::default(),
                })
            });
        (
            "[a-zA-Z][a-zA-Z0-9 ]{0,20}",
            cards(12),
            prop::collection::vec(subckt, 0..2),
        )
            .prop_map(|(title, mut items, subckts)| {
                items.extend(subckts);
                Netlist {
                    title: title.trim_end().to_string(),
                    items,
                    warnings: Vec::new(),
                }
            })
    }
}

/// `Debug` text with every `Span { .. }` removed: ASTs compared without their spans.
fn without_spans(debug: &str) -> String {
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    while let Some(i) = rest.find("Span {") {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let end = after.find('}').map_or(after.len(), |j| j + 1);
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(256), ..ProptestConfig::default() })]

    #[test]
    fn parse_of_print_is_identity(ast in gen::netlist()) {
        let text = ast.to_string();
        let parsed = netlist::parse_str(Path::new(NAME), &text);
        let (back, _) = match parsed {
            Ok(ok) => ok,
            Err((e, _)) => return Err(TestCaseError::fail(format!("{e}\n--- text:\n{text}"))),
        };
        let want = without_spans(&format!("{:#?}", ast.items));
        let got = without_spans(&format!("{:#?}", back.items));
        prop_assert_eq!(&back.title, &ast.title);
        prop_assert!(got == want, "text:\n{}\nwant:\n{}\ngot:\n{}", text, want, got);
    }
}

// ---------------------------------------------------------------- valid circuits elaborate

/// A generated circuit that is valid by construction.
#[derive(Debug, Clone)]
struct ValidCircuit {
    text: String,
}

/// Node `k` of the generated circuits (`0` is ground).
fn nd(k: usize) -> String {
    if k == 0 {
        "0".into()
    } else {
        format!("n{k}")
    }
}

/// Valid by construction: a spanning tree of resistors (and subcircuit instances, which
/// contain a resistor path between their ports) reaches every node from ground, so no node
/// floats; each voltage-defining branch (V, E, L) goes to a node of its own or to ground from
/// a node with no other such branch, so they form no loop.
fn valid_circuit() -> impl Strategy<Value = ValidCircuit> {
    let n = 2usize..10;
    n.prop_flat_map(|n| {
        let tree = prop::collection::vec((any::<prop::sample::Index>(), 1.0f64..1e6, any::<bool>()), n);
        let extra = prop::collection::vec(
            (0..=n, 0..=n, 0usize..4, 1e-12f64..1e-3, -2.0f64..2.0),
            0..(2 * n),
        );
        let vsrc = prop::collection::vec(any::<bool>(), n + 1);
        let analyses = prop::collection::vec(0usize..4, 1..3);
        (Just(n), tree, extra, vsrc, analyses)
    })
    .prop_map(|(n, tree, extra, vsrc, analyses)| {
        let mut t = String::from("generated valid circuit\n");
        t.push_str(".param rp=2k\n.subckt blk p q params: r=1k\nra p m {r}\nrb m q {r/2}\ncm m 0 1p\n.ends blk\n");
        // Node k (1..=n) hangs off an earlier node: a resistor or a subcircuit instance.
        for (k, (parent, r, use_blk)) in tree.iter().enumerate() {
            let k = k + 1;
            let p = parent.index(k);
            if *use_blk {
                let _ = writeln!(t, "x{k} {} {} blk r={{{r:e}}}", nd(k), nd(p));
            } else {
                let _ = writeln!(t, "r{k} {} {} {r:e}", nd(k), nd(p));
            }
        }
        let mut fresh = n;
        let mut v_count = 0;
        for (i, &(a, b, kind, x, g)) in extra.iter().enumerate() {
            match kind {
                0 => {
                    let _ = writeln!(t, "c{i} {} {} {x:e}", nd(a), nd(b));
                }
                1 => {
                    // L from a to a fresh node, which has a resistor to ground.
                    fresh += 1;
                    let _ = writeln!(t, "l{i} {} {} {x:e}\nrl{i} {} 0 {{rp}}", nd(a), nd(fresh), nd(fresh));
                }
                2 => {
                    fresh += 1;
                    let _ = writeln!(t, "e{i} {} 0 {} {} {g:e}\nre{i} {} 0 1k", nd(fresh), nd(a), nd(b), nd(fresh));
                }
                _ => {
                    let _ = writeln!(t, "g{i} {} {} {} {} {:e}", nd(a), nd(b), nd(b), nd(a), g.abs() * 1e-6);
                }
            }
        }
        for (k, &v) in vsrc.iter().enumerate().skip(1).take(n) {
            if v {
                v_count += 1;
                let _ = writeln!(t, "v{k} {} 0 dc {k} ac 1", nd(k));
            }
        }
        let _ = writeln!(t, "i1 {} 0 dc 1m", nd(n));
        for a in analyses {
            t.push_str(match a {
                0 => ".op\n",
                1 => ".ac dec 3 10 10k\n",
                2 if v_count > 0 => ".dc i1 0 1m 0.5m\n",
                _ => ".tran 1u 10u\n",
            });
        }
        ValidCircuit { text: t }
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(128), ..ProptestConfig::default() })]

    #[test]
    fn valid_circuits_elaborate(c in valid_circuit()) {
        let (ast, _) = netlist::parse_str(Path::new(NAME), &c.text)
            .map_err(|(e, _)| TestCaseError::fail(format!("{e}\n{}", c.text)))?;
        let circuit = circuit::elaborate(&ast)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{}", c.text)))?;
        // Solving may fail (an E/G combination can be singular); it must not panic.
        let _ = solver::simulate(&circuit);
    }
}

// ---------------------------------------------------------------- KCL on resistor networks

/// A random connected resistor network: nodes 1..=n, ground 0.
#[derive(Debug, Clone)]
struct Network {
    n: usize,
    /// (a, b, ohms)
    resistors: Vec<(usize, usize, f64)>,
    /// (from, to, amps): the current leaves `from` through the source and enters `to`.
    currents: Vec<(usize, usize, f64)>,
    /// (node, volts) to ground; at most one per node.
    voltages: Vec<(usize, f64)>,
}

impl Network {
    fn netlist(&self) -> String {
        let mut t = String::from("random resistor network\n");
        for (i, (a, b, r)) in self.resistors.iter().enumerate() {
            let _ = writeln!(t, "r{i} {} {} {r:e}", nd(*a), nd(*b));
        }
        for (i, (a, b, x)) in self.currents.iter().enumerate() {
            let _ = writeln!(t, "i{i} {} {} dc {x:e}", nd(*a), nd(*b));
        }
        for (node, x) in &self.voltages {
            let _ = writeln!(t, "v{node} {} 0 dc {x:e}", nd(*node));
        }
        t.push_str(".op\n");
        t
    }

    /// Node voltages (index 0 is ground) from a dense LU solve of the MNA system
    /// `[G B; B' 0] [v; i] = [s; e]`.
    fn dense_solve(&self) -> Option<Vec<f64>> {
        let m = self.voltages.len();
        let size = self.n + m;
        let mut a = nalgebra::DMatrix::<f64>::zeros(size, size);
        let mut rhs = nalgebra::DVector::<f64>::zeros(size);
        // Unknown of node k (k >= 1) is k - 1.
        for &(p, q, r) in &self.resistors {
            let g = 1.0 / r;
            for (x, y, s) in [(p, p, g), (q, q, g), (p, q, -g), (q, p, -g)] {
                if x > 0 && y > 0 {
                    a[(x - 1, y - 1)] += s;
                }
            }
        }
        for &(from, to, x) in &self.currents {
            if from > 0 {
                rhs[from - 1] -= x;
            }
            if to > 0 {
                rhs[to - 1] += x;
            }
        }
        for (j, &(node, x)) in self.voltages.iter().enumerate() {
            let row = self.n + j;
            a[(node - 1, row)] += 1.0;
            a[(row, node - 1)] += 1.0;
            rhs[row] = x;
        }
        let solution = a.lu().solve(&rhs)?;
        Some(
            std::iter::once(0.0)
                .chain(solution.iter().take(self.n).copied())
                .collect(),
        )
    }
}

fn network() -> impl Strategy<Value = Network> {
    (1usize..14)
        .prop_flat_map(|n| {
            // Log-uniform resistances in [1, 1e6].
            let ohms = || (0.0f64..6.0).prop_map(|e| 10f64.powf(e));
            let tree = prop::collection::vec((any::<prop::sample::Index>(), ohms()), n);
            let extra = prop::collection::vec((0..=n, 0..=n, ohms()), 0..(2 * n));
            let currents = prop::collection::vec((0..=n, 0..=n, -1.0f64..1.0), 0..4);
            let voltages = prop::collection::vec((1..=n, -10.0f64..10.0), 0..3);
            (Just(n), tree, extra, currents, voltages)
        })
        .prop_map(|(n, tree, extra, currents, voltages)| {
            let mut resistors = Vec::new();
            for (k, (parent, r)) in tree.into_iter().enumerate() {
                resistors.push((k + 1, parent.index(k + 1), r));
            }
            resistors.extend(extra.into_iter().filter(|(a, b, _)| a != b));
            let mut seen = std::collections::HashSet::new();
            let voltages = voltages
                .into_iter()
                .filter(|(node, _)| seen.insert(*node))
                .collect();
            Network {
                n,
                resistors,
                currents,
                voltages,
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(256), ..ProptestConfig::default() })]

    #[test]
    fn resistor_networks_satisfy_kcl_and_match_a_dense_solve(net in network()) {
        let text = net.netlist();
        let (ast, _) = netlist::parse_str(Path::new(NAME), &text)
            .map_err(|(e, _)| TestCaseError::fail(format!("{e}\n{text}")))?;
        let circuit = circuit::elaborate(&ast)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let plots = solver::simulate(&circuit)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let op = &plots[0];
        let get = |name: &str| -> f64 {
            op.vector(name).map_or(f64::NAN, |v| v.data.at(0).re)
        };
        let v: Vec<f64> = (0..=net.n)
            .map(|k| if k == 0 { 0.0 } else { get(&format!("v({})", nd(k))) })
            .collect();
        // KCL: the currents leaving each node sum to zero, relative to the size of the terms
        // before they cancel (a resistor's (v_a - v_b)/R is measured against
        // (|v_a| + |v_b|)/R: the difference of two voltages is only as exact as they are).
        let mut leaving = vec![Vec::<f64>::new(); net.n + 1];
        let mut size = vec![0.0f64; net.n + 1];
        for &(a, b, r) in &net.resistors {
            let i = (v[a] - v[b]) / r;
            let m = (v[a].abs() + v[b].abs()) / r;
            leaving[a].push(i);
            leaving[b].push(-i);
            size[a] += m;
            size[b] += m;
        }
        for &(from, to, x) in &net.currents {
            leaving[from].push(x);
            leaving[to].push(-x);
            size[from] += x.abs();
            size[to] += x.abs();
        }
        for &(node, _) in &net.voltages {
            // i(vk) flows into the + terminal, through the source, out of its - terminal.
            let i = get(&format!("i(v{node})"));
            leaving[node].push(i);
            size[node] += i.abs();
        }
        // A node carrying nothing (v = 0 in exact arithmetic, rounding noise in practice) is
        // measured against the rounding floor of the whole circuit: eps-sized (1e-15) relative
        // to its largest current.
        let floor = 1e-15 * size.iter().fold(0.0f64, |m, x| m.max(*x));
        for (k, terms) in leaving.iter().enumerate().skip(1) {
            let sum: f64 = terms.iter().sum();
            prop_assert!(
                sum.abs() <= 1e-9 * size[k] + floor,
                "node {}: currents {:?} sum to {:e} (size {:e})\n{}", nd(k), terms, sum, size[k], text
            );
        }
        // The same node voltages as a dense LU of the same MNA system.
        let dense = net.dense_solve().ok_or_else(|| TestCaseError::fail("dense solve singular"))?;
        let scale = dense.iter().fold(1e-300f64, |m, x| m.max(x.abs()));
        for k in 1..=net.n {
            prop_assert!(
                (v[k] - dense[k]).abs() <= 1e-9 * scale,
                "v({}): balun {:e}, dense {:e}\n{}", nd(k), v[k], dense[k], text
            );
        }
    }
}

// ---------------------------------------------------------------- fuzzer findings

/// Every input the fuzzer found (`tests/fuzz_regressions/`) goes through the pipeline without
/// panicking. Each file's name says what it broke and which commit fixed it.
#[test]
fn fuzz_regressions_replay() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    for entry in entries.flatten() {
        let bytes = std::fs::read(entry.path()).expect("read regression input");
        // The fuzz target skips non-UTF-8 input; replay exactly what it ran.
        if let Ok(text) = std::str::from_utf8(&bytes) {
            pipeline(text);
        }
    }
}
