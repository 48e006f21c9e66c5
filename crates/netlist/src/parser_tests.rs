//! Tests of the whole parser: text in, AST (and spans, errors, warnings) out.

use crate::*;
use std::path::{Path, PathBuf};

fn parse(text: &str) -> Netlist {
    match parse_str(Path::new("t.net"), text) {
        Ok((n, _)) => n,
        Err((e, s)) => panic!("{e} at {:?}", e.span().map(|sp| s.locate(sp))),
    }
}

fn parse_with_sources(text: &str) -> (Netlist, Sources) {
    match parse_str(Path::new("t.net"), text) {
        Ok(ok) => ok,
        Err((e, s)) => panic!("{e} at {:?}", e.span().map(|sp| s.locate(sp))),
    }
}

/// The error message and its `path:line:column`.
fn parse_err(text: &str) -> (String, String) {
    match parse_str(Path::new("t.net"), text) {
        Ok((n, _)) => panic!("expected an error, got {n:?}"),
        Err((e, s)) => (
            e.to_string(),
            e.span().map(|sp| s.locate(sp)).unwrap_or_default(),
        ),
    }
}

fn elements(n: &Netlist) -> Vec<&Element> {
    n.items
        .iter()
        .filter_map(|i| match i {
            Item::Element(e) => Some(e),
            _ => None,
        })
        .collect()
}

fn only_element(text: &str) -> ElementKind {
    let n = parse(text);
    let els = elements(&n);
    assert_eq!(els.len(), 1, "{:?}", n.items);
    els[0].kind.clone()
}

fn num(v: &Value) -> f64 {
    match v.expr {
        Expr::Num(x) => x,
        ref e => panic!("not a number: {e:?}"),
    }
}

fn names(nodes: &[Node]) -> Vec<&str> {
    nodes.iter().map(|n| n.name.as_str()).collect()
}

fn source_text(s: &Sources, span: Span) -> &str {
    &s.file(span.file).text[span.start as usize..span.end as usize]
}

/// A fresh directory under the system temp dir for include tests, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn join(&self, p: impl AsRef<Path>) -> PathBuf {
        self.0.join(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn temp_dir(tag: &str) -> TempDir {
    let dir = std::env::temp_dir().join(format!("balun-netlist-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    TempDir(dir)
}

fn write(path: &Path, text: &str) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{e}"));
    }
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{e}"));
}

fn parse_path(path: &Path) -> Result<(Netlist, Sources), (ParseError, Sources)> {
    parse_file(path)
}

// ---------------------------------------------------------------- lines

#[test]
fn first_line_is_the_title_whatever_it_contains() {
    let n = parse("R1 a b 1k\nR2 a 0 2\n");
    assert_eq!(n.title, "R1 a b 1k");
    assert_eq!(elements(&n).len(), 1);
    assert_eq!(elements(&n)[0].name.name, "r2");
    // The title keeps its case.
    assert_eq!(parse("My Amp\n").title, "My Amp");
    assert_eq!(parse("").items, vec![]);
}

#[test]
fn comments_are_stripped() {
    let n = parse(
        "t\n* full line\n  * indented comment\nR1 a b 1k ; semicolon\nR2 a$b 0 2 $ dollar comment\nR3 c 0 3$\nR4 c 0 4 $no-space comment\n\n",
    );
    let els = elements(&n);
    assert_eq!(els.len(), 4);
    match &els[1].kind {
        // `$` not followed by a blank is part of the name.
        ElementKind::Resistor {
            nodes,
            value: Some(value),
            ..
        } => {
            assert_eq!(names(nodes), ["a$b", "0"]);
            assert_eq!(num(value), 2.0);
        }
        k => panic!("{k:?}"),
    }
    match &els[2].kind {
        ElementKind::Resistor {
            value: Some(value), ..
        } => assert_eq!(num(value), 3.0),
        k => panic!("{k:?}"),
    }
}

#[test]
fn continuation_lines_join_and_spans_map_back() {
    let text = "t\nR1 a\n+ b\n* comment between\n+   2k tc1=0\n";
    let (n, s) = parse_with_sources(text);
    let e = elements(&n)[0].clone();
    match &e.kind {
        ElementKind::Resistor {
            nodes,
            value: Some(value),
            params,
            ..
        } => {
            assert_eq!(names(nodes), ["a", "b"]);
            assert_eq!(num(value), 2000.0);
            assert_eq!(s.locate(nodes[1].span), "t.net:3:3");
            assert_eq!(s.locate(value.span), "t.net:5:5");
            assert_eq!(source_text(&s, value.span), "2k");
            assert_eq!(params[0].name.name, "tc1");
            assert_eq!(s.locate(params[0].name.span), "t.net:5:8");
        }
        k => panic!("{k:?}"),
    }
    // The card span runs from the first line to the end of the last.
    assert_eq!(s.locate(e.span), "t.net:2:1");
    assert!(source_text(&s, e.span).ends_with("tc1=0"));
}

#[test]
fn error_inside_continuation_points_at_its_physical_line() {
    let (msg, at) = parse_err("t\nR1 a b\n+ 1.2*3\n");
    assert_eq!(msg, "invalid number '1.2*3'");
    assert_eq!(at, "t.net:3:3");
}

#[test]
fn continuation_without_card_is_an_error() {
    let (msg, at) = parse_err("t\n+ r1 a b 1\n");
    assert_eq!(msg, "continuation line '+' with no card before it");
    assert_eq!(at, "t.net:2:1");
}

#[test]
fn crlf_line_endings() {
    let (n, s) = parse_with_sources("t\r\nR1 a b 1k\r\nR2 b 0 2k\r\n");
    let els = elements(&n);
    assert_eq!(els.len(), 2);
    match &els[1].kind {
        ElementKind::Resistor {
            value: Some(value), ..
        } => {
            assert_eq!(source_text(&s, value.span), "2k");
            assert_eq!(s.locate(value.span), "t.net:3:8");
        }
        k => panic!("{k:?}"),
    }
}

#[test]
fn everything_is_lower_cased() {
    match only_element("t\nRLOAD OUT GND 1K TC1=0\n") {
        ElementKind::Resistor {
            nodes,
            value: Some(value),
            params,
            ..
        } => {
            assert_eq!(names(&nodes), ["out", "gnd"]);
            assert_eq!(num(&value), 1000.0);
            assert_eq!(params[0].name.name, "tc1");
        }
        k => panic!("{k:?}"),
    }
    let n = parse("t\n.MODEL DMOD D(IS=1E-14)\n.PARAM RVAL={2*X}\n");
    match &n.items[0] {
        Item::Model(m) => {
            assert_eq!((m.name.name.as_str(), m.kind.name.as_str()), ("dmod", "d"));
            assert_eq!(m.params[0].name.name, "is");
        }
        i => panic!("{i:?}"),
    }
    match &n.items[1] {
        Item::Params(p) => assert_eq!(
            p[0].value.expr,
            Expr::Binary(
                BinaryOp::Mul,
                Box::new(Expr::Num(2.0)),
                Box::new(Expr::Var("x".into()))
            )
        ),
        i => panic!("{i:?}"),
    }
}

#[test]
fn control_block_is_skipped_with_one_warning() {
    let (n, s) =
        parse_with_sources("t\nR1 a 0 1\n.control\nrun\nplot v(a)\n+ more\n.endc\nR2 a 0 2\n");
    assert_eq!(elements(&n).len(), 2);
    assert_eq!(n.warnings.len(), 1);
    assert_eq!(
        n.warnings[0].message,
        "'.control' block ignored (interactive commands are not supported)"
    );
    assert_eq!(s.locate(n.warnings[0].span), "t.net:3:1");
}

#[test]
fn end_stops_the_netlist() {
    let n = parse("t\nR1 a 0 1\n.end\nR2 a 0 2\nthis is not a card\n");
    assert_eq!(elements(&n).len(), 1);
    assert!(n.warnings.is_empty());
}

#[test]
fn silent_and_unknown_dot_cards() {
    let (n, s) = parse_with_sources("t\n.probe\n.width out=80\n\n\n\n.foo bar=1\n");
    assert!(n.items.is_empty());
    assert_eq!(n.warnings.len(), 1);
    assert_eq!(n.warnings[0].message, "unknown control card '.foo' ignored");
    assert_eq!(s.locate(n.warnings[0].span), "t.net:7:1");
    assert_eq!(source_text(&s, n.warnings[0].span), ".foo");
}

#[test]
fn save_card_lists_vectors() {
    let (n, s) = parse_with_sources("t\n.SAVE V(Out) i(L1), n2 all @m1[id]\n");
    let [Item::Save(items)] = n.items.as_slice() else {
        panic!("{:?}", n.items);
    };
    let names: Vec<String> = items
        .iter()
        .map(|i| match i {
            SaveItem::All(_) => "all".to_string(),
            SaveItem::Voltage(n) => format!("v:{}", n.name),
            SaveItem::Current(e) => format!("i:{}", e.name),
        })
        .collect();
    assert_eq!(names, ["v:out", "i:l1", "v:n2", "all"]);
    let SaveItem::Voltage(out) = &items[0] else {
        unreachable!()
    };
    assert_eq!(s.locate(out.span), "t.net:2:9");
    assert_eq!(n.warnings.len(), 1, "{:?}", n.warnings);
    assert!(n.warnings[0].message.contains("device parameters"));
}

#[test]
fn print_and_plot_cards_keep_outputs_and_spans() {
    let (n, s) = parse_with_sources(
        "t\n.PRINT AC VDB(Out) v(in, mid) i(V1) out\n.plot tran v(out) xlog v(a,0) (0,5)\n",
    );
    let [Item::Print(p), Item::Print(q)] = n.items.as_slice() else {
        panic!("{:?}", n.items);
    };
    assert!(!p.plot && q.plot);
    assert_eq!(p.analysis.name, "ac");
    let text = |o: &PrintOutput| {
        let args: Vec<&str> = o.args.iter().map(|a| a.name.as_str()).collect();
        match &o.func {
            Some(f) => format!("{}({})", f.name, args.join(",")),
            None => args.join(","),
        }
    };
    let outs: Vec<String> = p.outputs.iter().map(text).collect();
    assert_eq!(outs, ["vdb(out)", "v(in,mid)", "i(v1)", "out"]);
    assert_eq!(s.locate(p.outputs[1].span), "t.net:2:20");
    assert_eq!(source_text(&s, p.outputs[1].span), "v(in, mid)");
    // `.plot`'s scale keywords and limits are dropped.
    let outs: Vec<String> = q.outputs.iter().map(text).collect();
    assert_eq!(outs, ["v(out)", "v(a,0)"]);
    assert!(n.warnings.is_empty(), "{:?}", n.warnings);
    // Printed and re-parsed, the same cards.
    let again = parse(&format!("t\n{}\n{}\n", n.items[0], n.items[1]));
    assert_eq!(again.items.len(), 2);
}

#[test]
fn unreadable_print_cards_are_dropped_with_a_warning() {
    for (text, message) in [
        (".print", "expected an analysis kind and outputs"),
        (".print ac", "no outputs given"),
        (
            ".print ac v(out)/v(in)",
            "cannot read '/v(...)' as an output",
        ),
        (".print ac v(out", "expected names and ')' after 'v('"),
        (".print tran {1+2}", "cannot read '{1+2}' as an output"),
    ] {
        let n = parse(&format!("t\nr1 a 0 1\n{text}\n"));
        assert_eq!(n.items.len(), 1, "{text}: {:?}", n.items);
        assert_eq!(n.warnings.len(), 1, "{text}");
        let expected = format!("'.print' line ignored (as ngspice 39 drops it): {message}");
        assert_eq!(n.warnings[0].message, expected, "{text}");
    }
}

// ---------------------------------------------------------------- elements

#[test]
fn resistor_capacitor_inductor() {
    match only_element("t\nR1 n+ x1.a 4.7k m=2\n") {
        ElementKind::Resistor {
            nodes,
            value: Some(value),
            params,
            ..
        } => {
            assert_eq!(names(&nodes), ["n+", "x1.a"]);
            assert_eq!(num(&value), 4700.0);
            assert_eq!(params[0].name.name, "m");
            assert_eq!(num(&params[0].value), 2.0);
        }
        k => panic!("{k:?}"),
    }
    match only_element("t\nC1 out 0 10u ic=1.5\n") {
        ElementKind::Capacitor {
            value: Some(value),
            params,
            ..
        } => {
            assert_eq!(num(&value), 10e-6);
            assert_eq!(params[0].name.name, "ic");
            assert_eq!(num(&params[0].value), 1.5);
        }
        k => panic!("{k:?}"),
    }
    match only_element("t\nL1 a net_3 1m ic=0\n") {
        ElementKind::Inductor {
            nodes,
            value: Some(value),
            params,
            ..
        } => {
            assert_eq!(names(&nodes), ["a", "net_3"]);
            assert_eq!(num(&value), 1e-3);
            assert_eq!(params.len(), 1);
        }
        k => panic!("{k:?}"),
    }
}

#[test]
fn value_given_as_keyword_parameter() {
    match only_element("t\nR1 a b r=1k tc1=0\n") {
        ElementKind::Resistor {
            value: Some(value),
            params,
            ..
        } => {
            assert_eq!(num(&value), 1000.0);
            assert_eq!(names(&[params[0].name.clone()]), ["tc1"]);
        }
        k => panic!("{k:?}"),
    }
    match only_element("t\nC1 a b c=1u\n") {
        ElementKind::Capacitor {
            value: Some(value),
            params,
            ..
        } => {
            assert_eq!(num(&value), 1e-6);
            assert!(params.is_empty());
        }
        k => panic!("{k:?}"),
    }
    match only_element("t\nL1 a b l={2*lx}\n") {
        ElementKind::Inductor {
            value: Some(value), ..
        } => assert_eq!(
            value.expr,
            Expr::Binary(
                BinaryOp::Mul,
                Box::new(Expr::Num(2.0)),
                Box::new(Expr::Var("lx".into()))
            )
        ),
        k => panic!("{k:?}"),
    }
}

#[test]
fn values_forms_and_spans() {
    let (n, s) = parse_with_sources("t\nR1 a b rval\nR2 a b {rval*2}\nR3 a b 'rval+1'\n");
    let els = elements(&n);
    let value = |i: usize| match &els[i].kind {
        ElementKind::Resistor {
            value: Some(value), ..
        } => value.clone(),
        k => panic!("{k:?}"),
    };
    assert_eq!(value(0).expr, Expr::Var("rval".into()));
    assert_eq!(source_text(&s, value(0).span), "rval");
    assert!(matches!(value(1).expr, Expr::Binary(BinaryOp::Mul, _, _)));
    assert_eq!(source_text(&s, value(1).span), "{rval*2}");
    assert!(matches!(value(2).expr, Expr::Binary(BinaryOp::Add, _, _)));
    assert_eq!(source_text(&s, value(2).span), "'rval+1'");
}

#[test]
fn coupling() {
    match only_element("t\nK1 L1 L2 0.99\n") {
        ElementKind::Coupling { inductors, k } => {
            assert_eq!(names(&inductors), ["l1", "l2"]);
            assert_eq!(num(&k), 0.99);
        }
        k => panic!("{k:?}"),
    }
    match only_element("t\nKall La Lb Lc {kc}\n") {
        ElementKind::Coupling { inductors, k } => {
            assert_eq!(names(&inductors), ["la", "lb", "lc"]);
            assert_eq!(k.expr, Expr::Var("kc".into()));
        }
        k => panic!("{k:?}"),
    }
    let (msg, at) = parse_err("t\nK1 L1 0.5\n");
    assert_eq!(
        msg,
        "expected at least 2 inductors and a coupling value for 'k1'"
    );
    // Something missing at the end of an element card: point at the element's name.
    assert_eq!(at, "t.net:2:1");
}

#[test]
fn controlled_sources() {
    match only_element("t\nE1 out 0 in+ in- 10\n") {
        ElementKind::Vcvs { nodes, gain } => {
            assert_eq!(names(&nodes), ["out", "0", "in+", "in-"]);
            assert_eq!(num(&gain), 10.0);
        }
        k => panic!("{k:?}"),
    }
    match only_element("t\nG1 out 0 a b 1m\n") {
        ElementKind::Vccs { nodes, gain } => {
            assert_eq!(names(&nodes), ["out", "0", "a", "b"]);
            assert_eq!(num(&gain), 1e-3);
        }
        k => panic!("{k:?}"),
    }
    match only_element("t\nF1 out 0 vsense 2\n") {
        ElementKind::Cccs {
            nodes,
            control,
            gain,
        } => {
            assert_eq!(names(&nodes), ["out", "0"]);
            assert_eq!(control.name, "vsense");
            assert_eq!(num(&gain), 2.0);
        }
        k => panic!("{k:?}"),
    }
    match only_element("t\nH1 out 0 Vsense {rt}\n") {
        ElementKind::Ccvs { control, gain, .. } => {
            assert_eq!(control.name, "vsense");
            assert_eq!(gain.expr, Expr::Var("rt".into()));
        }
        k => panic!("{k:?}"),
    }
}

#[test]
fn controlled_source_errors() {
    let (msg, at) = parse_err("t\nE1 a b 2\n");
    assert_eq!(msg, "expected 4 nodes for 'e1', found 2");
    assert_eq!(at, "t.net:2:8");
    // B and the VALUE/TABLE forms are behavioural sources; a LAPLACE form is still refused.
    let (msg, at) = parse_err("t\nG1 a b laplace {v(c)} = {1/s}\n");
    assert_eq!(
        msg,
        "the LAPLACE form of controlled source 'g1' is not supported yet"
    );
    assert_eq!(at, "t.net:2:8");
    let (msg, _) = parse_err("t\nF1 a b 2\n");
    assert_eq!(
        msg,
        "expected 'n+ n- vcontrol gain' for 'f1', found 3 fields"
    );
}

#[test]
fn poly_sources() {
    match only_element("t\nE1 out 0 POLY(2) (a,0) (b,c) 0 1 1 {k*2}\n") {
        ElementKind::Poly {
            nodes,
            dimension,
            controls,
            coefficients,
        } => {
            assert_eq!(names(&nodes), ["out", "0"]);
            assert_eq!(dimension, 2);
            assert_eq!(names(&controls), ["a", "0", "b", "c"]);
            assert_eq!(coefficients.len(), 4);
            assert_eq!(num(&coefficients[2]), 1.0);
            assert!(matches!(coefficients[3].expr, Expr::Binary(..)));
        }
        k => panic!("{k:?}"),
    }
    // `POLY (1)` and `poly 1` read as POLY(1); F and H name voltage sources.
    for card in ["H1 o 0 POLY (1) vs 0 2m", "H1 o 0 poly 1 vs 0 2m"] {
        match only_element(&format!("t\n{card}\n")) {
            ElementKind::Poly {
                dimension,
                controls,
                coefficients,
                ..
            } => {
                assert_eq!(dimension, 1);
                assert_eq!(names(&controls), ["vs"]);
                assert_eq!(num(&coefficients[1]), 2e-3);
            }
            k => panic!("{k:?}"),
        }
    }
    // A node called `poly` elsewhere is just a node.
    assert!(matches!(
        only_element("t\nE1 poly 0 a 0 2\n"),
        ElementKind::Vcvs { .. }
    ));
}

#[test]
fn poly_source_errors() {
    let (msg, at) = parse_err("t\nE1 a 0 POLY(2) c 0 1 2\n");
    assert_eq!(
        msg,
        "POLY(2) in 'e1' needs 2 controlling node pairs (4 nodes) followed by at least one \
         coefficient, but 4 fields follow"
    );
    assert_eq!(at, "t.net:2:8");
    let (msg, at) = parse_err("t\nG1 a 0 POLY(0) c 0 1\n");
    assert_eq!(
        msg,
        "POLY(0) in 'g1': the dimension must be a positive integer"
    );
    assert_eq!(at, "t.net:2:13");
    let (msg, _) = parse_err("t\nF1 a 0 POLY(1) vs\n");
    assert_eq!(
        msg,
        "POLY(1) in 'f1' needs 1 controlling voltage source followed by at least one \
         coefficient, but 1 field follows"
    );
    let (msg, at) = parse_err("t\nE1 a 0 POLY(1) c 0 0 1 IC=0.2\n");
    assert_eq!(
        msg,
        "IC= on POLY source 'e1' is not supported (ngspice 39 rejects it too); remove it"
    );
    assert_eq!(at, "t.net:2:24");
}

#[test]
fn subcircuit_instances() {
    match only_element("t\nX1 in out 0 amp\n") {
        ElementKind::Instance {
            nodes,
            subckt,
            params,
        } => {
            assert_eq!(names(&nodes), ["in", "out", "0"]);
            assert_eq!(subckt.name, "amp");
            assert!(params.is_empty());
        }
        k => panic!("{k:?}"),
    }
    match only_element("t\nXamp a b FILT params: r=1k c={2*c0}\n") {
        ElementKind::Instance {
            nodes,
            subckt,
            params,
        } => {
            assert_eq!(names(&nodes), ["a", "b"]);
            assert_eq!(subckt.name, "filt");
            assert_eq!(params.len(), 2);
            assert_eq!(num(&params[0].value), 1000.0);
            assert!(matches!(params[1].value.expr, Expr::Binary(..)));
        }
        k => panic!("{k:?}"),
    }
    match only_element("t\nX2 a filt gain = 3\n") {
        ElementKind::Instance {
            nodes,
            subckt,
            params,
        } => {
            assert_eq!(names(&nodes), ["a"]);
            assert_eq!(subckt.name, "filt");
            assert_eq!(params[0].name.name, "gain");
            assert_eq!(num(&params[0].value), 3.0);
        }
        k => panic!("{k:?}"),
    }
}

#[test]
fn bjt_words_stay_unresolved() {
    // The fourth word may be the substrate node or the model: both kept, with the area.
    match only_element("t\nQ1 c b e sub qmod 2 off ic=0.6, 5 areab=1.5 m=2\n") {
        ElementKind::Bjt {
            nodes,
            words,
            off,
            ic,
            params,
        } => {
            assert_eq!(names(&nodes), ["c", "b", "e"]);
            let idents: Vec<_> = words
                .iter()
                .map(|w| w.ident.as_ref().map(|i| i.name.as_str()))
                .collect();
            assert_eq!(idents, [Some("sub"), Some("qmod"), Some("2")]);
            assert_eq!(words[2].value.as_ref().map(num), Some(2.0));
            assert!(off);
            assert_eq!(ic.iter().map(num).collect::<Vec<_>>(), [0.6, 5.0]);
            assert_eq!(params[0].name.name, "areab");
            assert_eq!(params[1].name.name, "m");
        }
        k => panic!("{k:?}"),
    }
    match only_element("t\nQ2 c b e qmod\n") {
        ElementKind::Bjt { words, off, ic, .. } => {
            assert_eq!(words.len(), 1);
            assert!(!off && ic.is_empty());
        }
        k => panic!("{k:?}"),
    }
    let (msg, at) = parse_err("t\nQ3 c b qmod\n");
    assert_eq!(
        msg,
        "expected 3 nodes and a model name for bipolar transistor 'q3'"
    );
    assert_eq!(at, "t.net:2:1");
}

#[test]
fn diode_and_transmission_line() {
    match only_element("t\nD1 a k dmod 2 temp=50\n") {
        ElementKind::Diode {
            nodes,
            model,
            area,
            params,
        } => {
            assert_eq!(names(&nodes), ["a", "k"]);
            assert_eq!(model.name, "dmod");
            assert_eq!(area.as_ref().map(num), Some(2.0));
            assert_eq!(params[0].name.name, "temp");
        }
        k => panic!("{k:?}"),
    }
    match only_element("t\nD2 a k dmod\n") {
        ElementKind::Diode { area, params, .. } => {
            assert!(area.is_none());
            assert!(params.is_empty());
        }
        k => panic!("{k:?}"),
    }
    match only_element("t\nT1 a 0 b 0 Z0=50 TD=1n\n") {
        ElementKind::TLine { nodes, params } => {
            assert_eq!(names(&nodes), ["a", "0", "b", "0"]);
            assert_eq!(params[0].name.name, "z0");
            assert_eq!(num(&params[0].value), 50.0);
            assert_eq!(num(&params[1].value), 1e-9);
        }
        k => panic!("{k:?}"),
    }
    match only_element("t\nT2 a 0 b 0 z0=75 f=1meg nl=0.25\n") {
        ElementKind::TLine { params, .. } => {
            let n: Vec<_> = params.iter().map(|p| p.name.name.as_str()).collect();
            assert_eq!(n, ["z0", "f", "nl"]);
        }
        k => panic!("{k:?}"),
    }
    let (msg, at) = parse_err("t\nT1 a 0 b z0=50\n");
    assert_eq!(msg, "expected 4 nodes for 't1', found 3");
    assert_eq!(at, "t.net:2:1");
}

// ---------------------------------------------------------------- sources

fn source(text: &str) -> SourceSpec {
    match only_element(text) {
        ElementKind::VoltageSource { source, .. } | ElementKind::CurrentSource { source, .. } => {
            *source
        }
        k => panic!("{k:?}"),
    }
}

fn nums(v: &[Value]) -> Vec<f64> {
    v.iter().map(num).collect()
}

/// `DISTOF1`/`DISTOF2` with up to two values are skipped (their place kept for a warning),
/// also after a `SIN` without parentheses, whose arguments end there.
#[test]
fn distortion_inputs_are_skipped() {
    let s = source("t\nV1 1 0 DC 0 AC 1 SIN 0 1 1K 0 0 DISTOF1 0 DISTOF2 0\n");
    assert!(s.distof.is_some());
    match s.tran {
        Some(TranSpec::Sin(args)) => assert_eq!(nums(&args), vec![0.0, 1.0, 1e3, 0.0, 0.0]),
        t => panic!("{t:?}"),
    }
    let s = source("t\nV1 1 0 distof2 0.5 90 ac 1\n");
    assert!(s.distof.is_some() && s.ac.is_some());
}

#[test]
fn dc_and_ac_forms() {
    let s = source("t\nV1 a 0 5\n");
    assert_eq!(s.dc.as_ref().map(num), Some(5.0));
    assert!(s.ac.is_none() && s.tran.is_none());
    let s = source("t\nV1 a 0 DC 1.5 AC 1 90\n");
    assert_eq!(s.dc.as_ref().map(num), Some(1.5));
    let ac = s.ac.unwrap_or_else(|| panic!("no ac"));
    assert_eq!(ac.mag.as_ref().map(num), Some(1.0));
    assert_eq!(ac.phase_deg.as_ref().map(num), Some(90.0));
    let s = source("t\nI1 a 0 ac\n");
    assert!(s.dc.is_none());
    assert_eq!(
        s.ac,
        Some(AcSpec {
            mag: None,
            phase_deg: None
        })
    );
    let s = source("t\nV1 a 0 AC 2 DC {vdd}\n");
    assert_eq!(s.ac.and_then(|a| a.mag).as_ref().map(num), Some(2.0));
    assert_eq!(s.dc.map(|v| v.expr), Some(Expr::Var("vdd".into())));
    match only_element("t\nIbias vdd out 1m\n") {
        ElementKind::CurrentSource { nodes, source } => {
            assert_eq!(names(&nodes), ["vdd", "out"]);
            assert_eq!(source.dc.as_ref().map(num), Some(1e-3));
        }
        k => panic!("{k:?}"),
    }
}

#[test]
fn sin_pulse_exp_functions() {
    let s = source("t\nV1 a 0 SIN(0 1 1k)\n");
    match s.tran {
        Some(TranSpec::Sin(a)) => assert_eq!(nums(&a), [0.0, 1.0, 1000.0]),
        t => panic!("{t:?}"),
    }
    match source("t\nV1 a 0 dc 0 pulse (0, 5, 1n, 1n, 1n, 5u, 10u)\n").tran {
        Some(TranSpec::Pulse(a)) => {
            assert_eq!(nums(&a), [0.0, 5.0, 1e-9, 1e-9, 1e-9, 5e-6, 10e-6])
        }
        t => panic!("{t:?}"),
    }
    match source("t\nI1 a 0 EXP(0 1 {td} 1u)\n").tran {
        Some(TranSpec::Exp(a)) => {
            assert_eq!(a.len(), 4);
            assert_eq!(a[2].expr, Expr::Var("td".into()));
        }
        t => panic!("{t:?}"),
    }
    // Parenthesis-less form, last on the card.
    let s = source("t\nV1 a 0 ac 1 sin 0 1 1k\n");
    assert!(s.ac.is_some());
    match s.tran {
        Some(TranSpec::Sin(a)) => assert_eq!(nums(&a), [0.0, 1.0, 1000.0]),
        t => panic!("{t:?}"),
    }
}

#[test]
fn sffm_am_trnoise_trrandom_functions() {
    match source("t\nV1 a 0 SFFM(0 1 10k 5 1k)\n").tran {
        Some(TranSpec::Sffm(a)) => assert_eq!(nums(&a), [0.0, 1.0, 1e4, 5.0, 1e3]),
        t => panic!("{t:?}"),
    }
    match source("t\nV1 a 0 am 1 0.5 1k 10k 1u\n").tran {
        Some(TranSpec::Am(a)) => assert_eq!(nums(&a), [1.0, 0.5, 1e3, 1e4, 1e-6]),
        t => panic!("{t:?}"),
    }
    let s = source("t\nV1 a 0 dc 1 trnoise(1m 1u 1 1m)\n");
    assert!(s.dc.is_some());
    match s.tran {
        Some(TranSpec::TrNoise(a)) => assert_eq!(nums(&a), [1e-3, 1e-6, 1.0, 1e-3]),
        t => panic!("{t:?}"),
    }
    match source("t\nI1 a 0 TRRANDOM(2 10m 0 1)\n").tran {
        Some(TranSpec::TrRandom(a)) => assert_eq!(nums(&a), [2.0, 10e-3, 0.0, 1.0]),
        t => panic!("{t:?}"),
    }
}

#[test]
fn pwl_points_and_params() {
    match source("t\nV1 a 0 PWL(0 0 1u 1 2u 0) r=0 td=1n\n").tran {
        Some(TranSpec::Pwl { points, params }) => {
            assert_eq!(nums(&points), [0.0, 0.0, 1e-6, 1.0, 2e-6, 0.0]);
            let p: Vec<_> = params
                .iter()
                .map(|p| (p.name.name.as_str(), num(&p.value)))
                .collect();
            assert_eq!(p, [("r", 0.0), ("td", 1e-9)]);
        }
        t => panic!("{t:?}"),
    }
    match source("t\nV1 a 0 pwl(0,0,1u,1 td=2n)\n").tran {
        Some(TranSpec::Pwl { points, params }) => {
            assert_eq!(points.len(), 4);
            assert_eq!(params[0].name.name, "td");
        }
        t => panic!("{t:?}"),
    }
}

#[test]
fn source_errors() {
    let (msg, at) = parse_err("t\nV1 a 0 sin(0 1 1k\n");
    assert_eq!(msg, "unclosed '(' after 'sin' in 'v1'");
    assert_eq!(at, "t.net:2:11");
    let (msg, at) = parse_err("t\nV1 a 0 1 2\n");
    assert_eq!(msg, "unexpected '2' in 'v1'");
    assert_eq!(at, "t.net:2:10");
    let (msg, at) = parse_err("t\nV1 a\n");
    assert_eq!(msg, "expected 2 nodes for 'v1', found 1");
    assert_eq!(at, "t.net:2:1");
    let (msg, _) = parse_err("t\nV1 a 0 1 distof1 0.1 0 0\n");
    assert_eq!(msg, "unexpected '0' in 'v1'");
    let (msg, at) = parse_err("t\nV1 a 0 dc 1*.2\n");
    assert_eq!(msg, "invalid number '1*.2'");
    assert_eq!(at, "t.net:2:11");
}

// ---------------------------------------------------------------- dot cards

#[test]
fn param_card_forms() {
    let (n, s) =
        parse_with_sources("t\n.param a=1 b={a*2} c='a+1'\n.param d = 2k e = a + 1, f=-1\n");
    let Item::Params(p1) = &n.items[0] else {
        panic!("{:?}", n.items)
    };
    let Item::Params(p2) = &n.items[1] else {
        panic!("{:?}", n.items)
    };
    let got: Vec<_> = p1.iter().chain(p2).map(|p| p.name.name.as_str()).collect();
    assert_eq!(got, ["a", "b", "c", "d", "e", "f"]);
    assert_eq!(num(&p1[0].value), 1.0);
    assert!(matches!(
        p1[1].value.expr,
        Expr::Binary(BinaryOp::Mul, _, _)
    ));
    assert!(matches!(
        p1[2].value.expr,
        Expr::Binary(BinaryOp::Add, _, _)
    ));
    assert_eq!(num(&p2[0].value), 2000.0);
    assert_eq!(
        p2[1].value.expr,
        Expr::Binary(
            BinaryOp::Add,
            Box::new(Expr::Var("a".into())),
            Box::new(Expr::Num(1.0))
        )
    );
    assert_eq!(source_text(&s, p2[1].value.span), "a + 1");
    assert_eq!(
        p2[2].value.expr,
        Expr::Unary(UnaryOp::Neg, Box::new(Expr::Num(1.0)))
    );
}

#[test]
fn param_errors() {
    let (msg, at) = parse_err("t\n.param a 1\n");
    assert_eq!(msg, "expected '=' after parameter 'a', found '1'");
    assert_eq!(at, "t.net:2:10");
    let (msg, at) = parse_err("t\n.param a=\n");
    assert_eq!(msg, "expected a value for parameter 'a'");
    assert_eq!(at, "t.net:2:10");
    let (msg, at) = parse_err("t\n.param a = 2 * \n");
    assert_eq!(
        msg,
        "expected an operand in expression, found end of expression"
    );
    assert_eq!(at, "t.net:2:15");
}

#[test]
fn nested_subcircuits_with_params() {
    let n = parse(
        "t\n.subckt outer in out params: g=2\n.subckt inner a b r=1k\nR1 a b {r}\n.ends inner\nX1 in mid inner r={g*1k}\nR2 mid out 1\n.ends\nX1 1 2 outer g=3\n",
    );
    assert_eq!(n.items.len(), 2);
    let Item::Subckt(outer) = &n.items[0] else {
        panic!("{:?}", n.items)
    };
    assert_eq!(outer.name.name, "outer");
    assert_eq!(names(&outer.ports), ["in", "out"]);
    assert_eq!(outer.params[0].name.name, "g");
    assert_eq!(num(&outer.params[0].value), 2.0);
    assert_eq!(outer.items.len(), 3);
    let Item::Subckt(inner) = &outer.items[0] else {
        panic!("{:?}", outer.items)
    };
    assert_eq!(inner.name.name, "inner");
    assert_eq!(names(&inner.ports), ["a", "b"]);
    assert_eq!(num(&inner.params[0].value), 1000.0);
    assert_eq!(inner.items.len(), 1);
    assert!(matches!(outer.items[1], Item::Element(_)));
    assert!(matches!(n.items[1], Item::Element(_)));
}

#[test]
fn subckt_span_covers_through_ends() {
    let (n, s) = parse_with_sources("t\n.subckt a x\nR1 x 0 1\n.ends\n");
    let Item::Subckt(d) = &n.items[0] else {
        panic!()
    };
    assert_eq!(source_text(&s, d.span), ".subckt a x\nR1 x 0 1\n.ends");
}

#[test]
fn unbalanced_subckt() {
    let (msg, at) = parse_err("t\nR1 a 0 1\n.ends\n");
    assert_eq!(msg, "'.ends' without a matching '.subckt'");
    assert_eq!(at, "t.net:3:1");
    let (msg, at) = parse_err("t\n.subckt amp a b\nR1 a b 1\n");
    assert_eq!(msg, "'.subckt amp' has no matching '.ends'");
    assert_eq!(at, "t.net:2:1");
}

#[test]
fn model_cards() {
    let n = parse(
        "t\n.model dmod D (is=1e-14 n=1.05, rs=10)\n.model d2 d is=2e-14 cjo=1p\n.model sw1 sw(ron=1)\n",
    );
    let models: Vec<&ModelDef> = n
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Model(m) => Some(m),
            _ => None,
        })
        .collect();
    assert_eq!(models.len(), 3);
    let p: Vec<_> = models[0]
        .params
        .iter()
        .map(|p| (p.name.name.as_str(), num(&p.value)))
        .collect();
    assert_eq!(p, [("is", 1e-14), ("n", 1.05), ("rs", 10.0)]);
    assert_eq!(models[1].kind.name, "d");
    assert_eq!(models[1].params.len(), 2);
    assert_eq!(models[2].kind.name, "sw");
    let (msg, at) = parse_err("t\n.model m1 d (is)\n");
    assert_eq!(msg, "expected name=value in model 'm1', found 'is'");
    assert_eq!(at, "t.net:2:14");
}

#[test]
fn options_global_ic_temp() {
    let n = parse(
        "t\n.options reltol=1e-4 noinit abstol = 1p\n.opt gmin=1e-12\n.global vdd vss\n.ic v(a)=1 V(b) = {x}\n.temp 50\n",
    );
    let Item::Options(o) = &n.items[0] else {
        panic!()
    };
    let got: Vec<_> = o
        .iter()
        .map(|p| (p.name.name.as_str(), num(&p.value)))
        .collect();
    assert_eq!(got, [("reltol", 1e-4), ("noinit", 1.0), ("abstol", 1e-12)]);
    assert!(matches!(&n.items[1], Item::Options(o) if o.len() == 1));
    let Item::Global(g) = &n.items[2] else {
        panic!()
    };
    assert_eq!(names(g), ["vdd", "vss"]);
    let Item::Ic(ic) = &n.items[3] else { panic!() };
    assert_eq!(ic[0].0.name, "a");
    assert_eq!(num(&ic[0].1), 1.0);
    assert_eq!(ic[1].0.name, "b");
    assert_eq!(ic[1].1.expr, Expr::Var("x".into()));
    let Item::Temp(t) = &n.items[4] else { panic!() };
    assert_eq!(num(t), 50.0);
    let (msg, at) = parse_err("t\n.ic a=1\n");
    assert_eq!(msg, "expected v(node)=value in '.ic', found 'a'");
    assert_eq!(at, "t.net:2:5");
}

// ---------------------------------------------------------------- analyses

fn analyses(text: &str) -> Vec<Analysis> {
    parse(text)
        .items
        .into_iter()
        .filter_map(|i| match i {
            Item::Analysis(a) => Some(*a),
            _ => None,
        })
        .collect()
}

#[test]
fn op_and_dc() {
    let a = analyses("t\n.op\n.dc v1 0 5 0.1\n.dc vds 0 5 0.5 vgs 0 2 {st}\n");
    assert!(matches!(a[0], Analysis::Op { .. }));
    match &a[1] {
        Analysis::Dc { sweeps, .. } => {
            assert_eq!(sweeps.len(), 1);
            assert_eq!(sweeps[0].source.name, "v1");
            assert_eq!(
                [
                    num(&sweeps[0].start),
                    num(&sweeps[0].stop),
                    num(&sweeps[0].step)
                ],
                [0.0, 5.0, 0.1]
            );
        }
        x => panic!("{x:?}"),
    }
    match &a[2] {
        Analysis::Dc { sweeps, .. } => {
            assert_eq!(sweeps.len(), 2);
            assert_eq!(sweeps[1].source.name, "vgs");
            assert_eq!(sweeps[1].step.expr, Expr::Var("st".into()));
        }
        x => panic!("{x:?}"),
    }
    let (msg, at) = parse_err("t\n.dc v1 0 5\n");
    assert_eq!(msg, "expected a step value for 'v1' in '.dc'");
    assert_eq!(at, "t.net:2:11");
}

#[test]
fn ac_variations() {
    let a = analyses("t\n.ac dec 10 1 1meg\n.AC OCT 5 10 1k\n.ac lin 100 1k 2k\n");
    let got: Vec<_> = a
        .iter()
        .map(|x| match x {
            Analysis::Ac {
                variation,
                points,
                fstart,
                fstop,
                ..
            } => (*variation, num(points), num(fstart), num(fstop)),
            x => panic!("{x:?}"),
        })
        .collect();
    assert_eq!(
        got,
        [
            (AcVariation::Dec, 10.0, 1.0, 1e6),
            (AcVariation::Oct, 5.0, 10.0, 1e3),
            (AcVariation::Lin, 100.0, 1e3, 2e3)
        ]
    );
    let (msg, at) = parse_err("t\n.ac log 10 1 1k\n");
    assert_eq!(msg, "expected dec, oct or lin in '.ac', found 'log'");
    assert_eq!(at, "t.net:2:5");
}

#[test]
fn tran_variants() {
    let a = analyses("t\n.tran 1n 1u\n.tran 1n 1u 0.5u 2n uic\n.tran 1n 1u UIC\n");
    match &a[0] {
        Analysis::Tran {
            tstep,
            tstop,
            tstart,
            tmax,
            uic,
            ..
        } => {
            assert_eq!((num(tstep), num(tstop)), (1e-9, 1e-6));
            assert!(tstart.is_none() && tmax.is_none() && !uic);
        }
        x => panic!("{x:?}"),
    }
    match &a[1] {
        Analysis::Tran {
            tstart, tmax, uic, ..
        } => {
            assert_eq!(tstart.as_ref().map(num), Some(0.5e-6));
            assert_eq!(tmax.as_ref().map(num), Some(2e-9));
            assert!(uic);
        }
        x => panic!("{x:?}"),
    }
    assert!(matches!(a[2], Analysis::Tran { uic: true, .. }));
    let (msg, at) = parse_err("t\n.tran 1n\n");
    assert_eq!(msg, "expected a stop time in '.tran'");
    assert_eq!(at, "t.net:2:9");
}

// ---------------------------------------------------------------- errors

#[test]
fn resistor_without_value() {
    // At the element's name (it used to be the column past the end of the line, where the
    // caret points at nothing).
    let (msg, at) = parse_err("t\nR1 a b\n");
    assert_eq!(msg, "expected a value for resistor 'r1'");
    assert_eq!(at, "t.net:2:1");
    let (msg, at) = parse_err("t\nR1 a b tc1=0\n");
    assert_eq!(msg, "expected a value for resistor 'r1'");
    assert_eq!(at, "t.net:2:1");
}

#[test]
fn element_node_count_errors() {
    let (msg, at) = parse_err("t\nR1 a\n");
    assert_eq!(msg, "expected 2 nodes for 'r1', found 1");
    assert_eq!(at, "t.net:2:1");
    // Four nodes and no gain: not "found 3 nodes" with the last node read as the gain.
    let (msg, at) = parse_err("t\nV1 in 0 1\nE1 out 0 in 0\n");
    assert_eq!(
        msg,
        "expected 'n+ n- nc+ nc- gain' for 'e1', found 4 fields"
    );
    assert_eq!(at, "t.net:3:1");
    let (msg, _) = parse_err("t\nG1 out 0 in\n");
    assert_eq!(msg, "expected 4 nodes for 'g1', found 3");
    let (msg, at) = parse_err("t\nR1 a b 1 2\n");
    assert_eq!(msg, "unexpected '2' in 'r1'");
    assert_eq!(at, "t.net:2:10");
    let (msg, _) = parse_err("t\nD1 a\n");
    assert_eq!(msg, "expected 2 nodes and a model name for diode 'd1'");
    let (msg, _) = parse_err("t\nX1\n");
    assert_eq!(msg, "expected a subcircuit name for 'x1'");
}

#[test]
fn expression_errors() {
    let (msg, at) = parse_err("t\nR1 a b {1+2\n");
    assert_eq!(msg, "unterminated '{' in expression");
    assert_eq!(at, "t.net:2:8");
    let (msg, at) = parse_err("t\nR1 a b {(1+2}\n");
    assert_eq!(msg, "expected ')' in expression, found end of expression");
    assert_eq!(at, "t.net:2:13");
    let (msg, at) = parse_err("t\nR1 a b {1 $ 2}\n");
    // `$ ` starts a comment, so the brace is unterminated.
    assert_eq!(msg, "unterminated '{' in expression");
    assert_eq!(at, "t.net:2:8");
    let (msg, at) = parse_err("t\nR1 a b 'x *'\n");
    assert_eq!(
        msg,
        "expected an operand in expression, found end of expression"
    );
    assert_eq!(at, "t.net:2:12");
}

#[test]
fn bad_values() {
    // ngspice reads a value up to where it stops being a number: 1.2, with a warning.
    let n = parse("t\nR1 a b 1.2.3\n");
    assert_eq!(n.warnings.len(), 1);
    assert_eq!(
        n.warnings[0].message,
        "'1.2.3' read as 1.2 (the rest, '.3', is ignored, as ngspice 39 ignores it)"
    );
    match &n.items[0] {
        Item::Element(Element {
            kind: ElementKind::Resistor { value: Some(v), .. },
            ..
        }) => assert_eq!(v.expr, Expr::Num(1.2)),
        other => panic!("{other:?}"),
    }
    let (msg, at) = parse_err("t\nR1 a b 2*x\n");
    assert_eq!(msg, "invalid number '2*x'");
    assert_eq!(at, "t.net:2:8");
    let (msg, _) = parse_err("t\nR1 a b x*2\n");
    assert_eq!(
        msg,
        "expected a value for resistor 'r1', found 'x*2' (write expressions inside {...})"
    );
}

#[test]
fn unknown_and_unsupported_elements() {
    let (msg, at) = parse_err("t\nR1 a 0 1\nZ1 a 0 foo\n");
    assert_eq!(msg, "element type 'z' ('z1') is not supported yet");
    assert_eq!(at, "t.net:3:1");
    let (msg, _) = parse_err("t\nU1 c b e umod\n");
    assert_eq!(msg, "element type 'u' ('u1') is not supported yet");
    let (msg, at) = parse_err("t\n  1abc x y\n");
    assert_eq!(msg, "unknown element type '1' in '1abc'");
    assert_eq!(at, "t.net:2:3");
}

// ---------------------------------------------------------------- include / lib

#[test]
fn include_relative_to_including_file() {
    let dir = temp_dir("inc");
    write(
        &dir.join("top.net"),
        "top\nR1 a 0 1\n.include sub/models.inc\n.INC \"sub/Other File.inc\"\nR9 a 0 9\n",
    );
    // Included files have no title; their own includes are relative to their directory.
    write(
        &dir.join("sub/models.inc"),
        "R2 a 0 2\n.include deeper.inc\n",
    );
    write(&dir.join("sub/deeper.inc"), "R3 a 0 3\n.end\nR4 a 0 4\n");
    write(&dir.join("sub/Other File.inc"), "* comment\nR5 a 0\n+ 5\n");
    let (n, s) = match parse_path(&dir.join("top.net")) {
        Ok(ok) => ok,
        Err((e, _)) => panic!("{e}"),
    };
    let els = elements(&n);
    let got: Vec<_> = els.iter().map(|e| e.name.name.as_str()).collect();
    // `.end` inside an included file ends only that file.
    assert_eq!(got, ["r1", "r2", "r3", "r5", "r9"]);
    assert_eq!(s.files.len(), 4);
    let loc = s.locate(els[3].span);
    assert!(loc.ends_with("Other File.inc:2:1"), "{loc}");
    match &els[3].kind {
        ElementKind::Resistor {
            value: Some(value), ..
        } => {
            assert!(s.locate(value.span).ends_with("Other File.inc:3:3"))
        }
        k => panic!("{k:?}"),
    }
}

#[test]
fn lib_section_is_selected() {
    let dir = temp_dir("lib");
    write(
        &dir.join("top.net"),
        "top\n.lib 'models.lib' TT\nR1 a 0 1\n.lib local\nR8 a 0 8\n.endl\n",
    );
    write(
        &dir.join("models.lib"),
        ".lib ff\n.model d1 d is=1\n.endl ff\n.lib tt\n.model d1 d is=2\n.lib models.lib common\n.endl tt\n.lib common\nR7 a 0 7\n.endl\n",
    );
    let (n, s) = match parse_path(&dir.join("top.net")) {
        Ok(ok) => ok,
        Err((e, _)) => panic!("{e}"),
    };
    assert_eq!(n.items.len(), 3, "{:?}", n.items);
    let Item::Model(m) = &n.items[0] else {
        panic!("{:?}", n.items)
    };
    assert_eq!(num(&m.params[0].value), 2.0);
    assert!(s.locate(m.span).ends_with("models.lib:5:1"));
    // The `common` section, pulled in from inside `tt`, then R1; `.lib local` in the top file
    // starts a section that is skipped.
    let names: Vec<_> = elements(&n).iter().map(|e| e.name.name.clone()).collect();
    assert_eq!(names, ["r7", "r1"]);
}

#[test]
fn missing_lib_section() {
    let dir = temp_dir("libmiss");
    write(&dir.join("top.net"), "top\nR1 a 0 1\n.lib m.lib ss\n");
    write(&dir.join("m.lib"), ".lib tt\n.endl\n");
    match parse_path(&dir.join("top.net")) {
        Err((e @ ParseError::MissingLibSection { .. }, s)) => {
            assert!(e.to_string().ends_with("m.lib' has no section 'ss'"), "{e}");
            let span = e.span().unwrap_or_default();
            assert!(s.locate(span).ends_with("top.net:3:1"));
            assert_eq!(s.files.len(), 2);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn include_cycle_is_reported() {
    let dir = temp_dir("cycle");
    write(&dir.join("top.net"), "top\n.include a.inc\n");
    write(&dir.join("a.inc"), "R1 a 0 1\n.include b.inc\n");
    write(&dir.join("b.inc"), "\n.include a.inc\n");
    match parse_path(&dir.join("top.net")) {
        Err((ParseError::IncludeCycle { span, path, chain }, s)) => {
            assert!(path.ends_with("a.inc"));
            let parts: Vec<_> = chain.split(" -> ").collect();
            assert_eq!(parts.len(), 4, "{chain}");
            assert!(parts[0].ends_with("top.net") && parts[3].ends_with("a.inc"));
            assert!(s.locate(span).ends_with("b.inc:2:1"));
            assert_eq!(s.files.len(), 3);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn self_include_is_a_cycle() {
    let dir = temp_dir("selfinc");
    write(&dir.join("top.net"), "top\n.include top.net\n");
    assert!(matches!(
        parse_path(&dir.join("top.net")),
        Err((ParseError::IncludeCycle { .. }, _))
    ));
}

#[test]
fn missing_include_file() {
    let (msg, at) = parse_err("t\nR1 a 0 1\n  .include nowhere/missing.inc\n");
    assert!(
        msg.starts_with("cannot read included file 'nowhere/missing.inc': "),
        "{msg}"
    );
    // The OS reason is kept.
    assert!(
        msg.contains("No such file") || msg.contains("cannot find"),
        "{msg}"
    );
    assert_eq!(at, "t.net:3:3");
}

#[test]
fn include_depth_is_limited() {
    let dir = temp_dir("depth");
    write(&dir.join("top.net"), "top\n.include f0.inc\n");
    for i in 0..70 {
        write(
            &dir.join(format!("f{i}.inc")),
            &format!(".include f{}.inc\n", i + 1),
        );
    }
    write(&dir.join("f70.inc"), "R1 a 0 1\n");
    match parse_path(&dir.join("top.net")) {
        Err((ParseError::Include { reason, .. }, _)) => {
            assert_eq!(reason, "includes nested deeper than 64 levels")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn missing_top_level_file() {
    match parse_file(Path::new("/nonexistent/balun/x.net")) {
        Err((ParseError::Io { path, .. }, s)) => {
            assert_eq!(path, Path::new("/nonexistent/balun/x.net"));
            assert!(s.files.is_empty());
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn public_parse_number() {
    assert_eq!(parse_number("10kohm"), Some(1e4));
    assert_eq!(parse_number("-1.5meg"), Some(-1.5e6));
    assert_eq!(parse_number("1.2.3"), None);
}

#[test]
fn a_small_complete_netlist() {
    let n = parse(
        "RC low-pass\n\
         .param rval=1k cval=1u\n\
         V1 in 0 DC 0 AC 1 PULSE(0 1 0 1n 1n 1m 2m)\n\
         R1 in out {rval}\n\
         C1 out 0 {cval}\n\
         .tran 10u 5m\n\
         .ac dec 10 1 100k\n\
         .end\n",
    );
    assert_eq!(n.title, "RC low-pass");
    assert_eq!(n.items.len(), 6);
    assert!(n.warnings.is_empty());
}

#[test]
fn missing_lib_file() {
    let (msg, at) = parse_err("t\n.lib \"no/such.lib\" tt\n");
    assert!(
        msg.starts_with("cannot read included file 'no/such.lib': "),
        "{msg}"
    );
    assert_eq!(at, "t.net:2:1");
}

#[test]
fn missing_parameter_values() {
    let (msg, at) = parse_err("t\nX1 a sub r=\n");
    assert_eq!(msg, "expected a value for 'r'");
    assert_eq!(at, "t.net:2:10");
    let (msg, at) = parse_err("t\n.param\n");
    assert_eq!(msg, "expected name=value after '.param'");
    assert_eq!(at, "t.net:2:7");
    let (msg, at) = parse_err("t\nV1 a 0 dc\n");
    assert_eq!(msg, "expected a DC value for 'v1'");
    assert_eq!(at, "t.net:2:8");
}

#[test]
fn warnings_do_not_stop_parsing() {
    let n = parse("t\n.nodeset v(a)=1\nR1 a 0 1\n.control\nrun\n.endc\n.disto dec 10 1k 10k\n");
    assert_eq!(elements(&n).len(), 1);
    let msgs: Vec<_> = n.warnings.iter().map(|w| w.message.as_str()).collect();
    assert_eq!(
        msgs,
        [
            "unknown control card '.nodeset' ignored",
            "'.control' block ignored (interactive commands are not supported)",
            "unknown control card '.disto' ignored"
        ]
    );
}

#[test]
fn four_card_takes_a_frequency_and_outputs() {
    let n = parse("t\nR1 a 0 1\n.fourier 1k v(a) v(a,b), i(v1) out\n");
    assert!(n.warnings.is_empty());
    let Some(Item::Four(c)) = n.items.last() else {
        panic!("no .four item: {:?}", n.items);
    };
    assert_eq!(c.freq.expr, Expr::Num(1000.0));
    let printed: Vec<String> = c.outputs.iter().map(|o| o.to_string()).collect();
    assert_eq!(printed, ["v(a)", "v(a,b)", "i(v1)", "v(out)"]);
    let (msg, at) = parse_err("t\nR1 a 0 1\n.four 1k\n");
    assert_eq!(msg, "expected an output in '.four FREQ v(out) ...'");
    assert_eq!(at, "t.net:3:9");
}

// ---------------------------------------------------------------- built-in library

/// A stand-in for `library::resolve`: section `a` pulls in `b` (twice: the second is a no-op),
/// `b` defines a subcircuit, `bad` holds a syntax error.
fn fake_lib(lib: &str, section: &str) -> Option<String> {
    assert_eq!(lib, "balun");
    match section {
        "a" => Some(".lib balun b\n.lib BALUN b\nRa x 0 1\n".to_string()),
        "b" => Some("* section b\n.subckt sb p q\nRb p q 2\n.ends\n".to_string()),
        "bad" => Some("* line 1\nRbad x\n".to_string()),
        _ => None,
    }
}

#[test]
fn builtin_lib_sections_come_from_the_resolver_once_each() {
    let text = "top\n.lib balun A\n.lib balun b\nX1 1 0 sb\n";
    let (n, s) =
        parse_str_with(Path::new("t.net"), text, &fake_lib).unwrap_or_else(|(e, _)| panic!("{e}"));
    let paths: Vec<String> = s
        .files
        .iter()
        .map(|f| f.path.display().to_string())
        .collect();
    assert_eq!(paths, ["t.net", "<balun:a>", "<balun:b>"]);
    let subckts: Vec<&SubcktDef> = n
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Subckt(d) => Some(d),
            _ => None,
        })
        .collect();
    assert_eq!(subckts.len(), 1, "section b spliced once");
    assert_eq!(s.locate(subckts[0].name.span), "<balun:b>:2:9");
    assert_eq!(elements(&n).len(), 2, "Ra and X1");
}

#[test]
fn builtin_lib_errors_name_the_pseudo_file() {
    let text = "top\n.lib balun nope\n";
    match parse_str_with(Path::new("t.net"), text, &fake_lib) {
        Err((e, s)) => {
            assert_eq!(e.to_string(), "library 'balun' has no section 'nope'");
            assert_eq!(
                e.span().map(|sp| s.locate(sp)).as_deref(),
                Some("t.net:2:1")
            );
        }
        Ok(n) => panic!("{n:?}"),
    }
    match parse_str_with(Path::new("t.net"), "top\n.lib balun bad\n", &fake_lib) {
        Err((e, s)) => {
            let at = e.span().map(|sp| s.locate(sp)).unwrap_or_default();
            assert!(at.starts_with("<balun:bad>:2:"), "{e} at {at}");
        }
        Ok(n) => panic!("{n:?}"),
    }
}

#[test]
fn without_a_resolver_balun_is_an_ordinary_file() {
    let (msg, at) = parse_err("t\n.lib balun receivers\n");
    assert!(
        msg.starts_with("cannot read included file 'balun': "),
        "{msg}"
    );
    assert_eq!(at, "t.net:2:1");
}

#[test]
fn noise_card_forms_and_errors() {
    let a = analyses("t\n.noise v(out) v1 dec 10 1 1meg\n.NOISE V(a,b) Vin lin 5 1k 2k 2\n");
    match &a[0] {
        Analysis::Noise {
            output,
            source,
            variation,
            points,
            fstart,
            fstop,
            pts_per_summary,
            ..
        } => {
            assert_eq!(output.pos.name, "out");
            assert!(output.neg.is_none());
            assert_eq!(source.name, "v1");
            assert_eq!(*variation, AcVariation::Dec);
            assert_eq!((num(points), num(fstart), num(fstop)), (10.0, 1.0, 1e6));
            assert!(pts_per_summary.is_none());
        }
        x => panic!("{x:?}"),
    }
    match &a[1] {
        Analysis::Noise {
            output,
            source,
            variation,
            pts_per_summary,
            ..
        } => {
            assert_eq!(output.neg.as_ref().map(|n| n.name.as_str()), Some("b"));
            assert_eq!(source.name, "vin");
            assert_eq!(*variation, AcVariation::Lin);
            assert_eq!(pts_per_summary.as_ref().map(num), Some(2.0));
        }
        x => panic!("{x:?}"),
    }
    let (msg, at) = parse_err("t\n.noise v(out) v1 log 10 1 1k\n");
    assert_eq!(msg, "expected dec, oct or lin in '.noise', found 'log'");
    assert_eq!(at, "t.net:2:18");
    let (msg, _) = parse_err("t\n.noise v(out) v1 dec 10 1\n");
    assert!(msg.contains("a stop frequency in '.noise'"), "{msg}");
    let (msg, _) = parse_err("t\n.noise v(out v1 dec 10 1 1k\n");
    assert!(msg.contains("expected ')'"), "{msg}");
}

#[test]
fn tolerance_percent_and_mc_card() {
    let n =
        parse("t\nR1 a 0 10k tol=0.1% dist=uniform\nC1 a 0 1n tol=5\n.mc 200 seed=7 dist=gauss\n");
    let e = elements(&n);
    let ElementKind::Resistor { params, .. } = &e[0].kind else {
        panic!("{:?}", e[0]);
    };
    // 0.1% is the fraction 0.001; `dist` stays a word for the elaborator.
    assert_eq!(params[0].name.name, "tol");
    assert_eq!(params[0].value.expr, Expr::Num(0.1 / 100.0));
    assert_eq!(params[1].value.expr, Expr::Var("uniform".into()));
    let ElementKind::Capacitor { params, .. } = &e[1].kind else {
        panic!("{:?}", e[1]);
    };
    assert_eq!(params[0].value.expr, Expr::Num(5.0));
    let mc = n
        .items
        .iter()
        .find_map(|i| match i {
            Item::MonteCarlo(m) => Some(m),
            _ => None,
        })
        .expect("a .mc card");
    assert_eq!(mc.runs.expr, Expr::Num(200.0));
    assert_eq!(mc.seed.as_ref().map(|s| &s.expr), Some(&Expr::Num(7.0)));
    assert_eq!(mc.dist.as_ref().map(|d| d.name.as_str()), Some("gauss"));
    // Printed back, it parses to the same card.
    let again = parse(&format!("t\n{}\n", Item::MonteCarlo(mc.clone())));
    let Item::MonteCarlo(m) = &again.items[0] else {
        panic!("{again:?}");
    };
    assert_eq!(m.runs.expr, mc.runs.expr);
    assert_eq!(m.seed.as_ref().map(|s| &s.expr), Some(&Expr::Num(7.0)));
    assert_eq!(m.dist.as_ref().map(|d| d.name.as_str()), Some("gauss"));
}

#[test]
fn mc_card_errors_name_the_problem() {
    let (m, at) = parse_err("t\n.mc 10 dist=triangle\n");
    assert!(m.contains("dist=gauss or dist=uniform"), "{m}");
    assert_eq!(at, "t.net:2:13");
    let (m, _) = parse_err("t\n.mc 10 sead=3\n");
    assert!(m.contains("unknown '.mc' parameter 'sead'"), "{m}");
    let (m, _) = parse_err("t\n.mc\n");
    assert!(m.contains("number of runs"), "{m}");
    let (m, _) = parse_err("t\nR1 a 0 1k tol=1%%\n");
    assert!(m.contains("1%%"), "{m}");
}

#[test]
fn coupled_line_and_cpl_vector_parameters() {
    match only_element("t\nP1 a1 a2 0 b1 b2 0 cable len=10 sections=40\n") {
        ElementKind::CoupledLine {
            nodes,
            model,
            params,
        } => {
            assert_eq!(names(&nodes), ["a1", "a2", "0", "b1", "b2", "0"]);
            assert_eq!(model.name, "cable");
            assert_eq!(params[0].name.name, "len");
            assert_eq!(num(&params[1].value), 40.0);
        }
        k => panic!("{k:?}"),
    }
    // ngspice's matrix form: several values after `name=`, across continuation lines.
    let n = parse("t\n.model cable CPL length=2\n+ L=1u 0.2u {2*0.5u}\n+ C=100p\n");
    let Item::Model(m) = &n.items[0] else {
        panic!("{:?}", n.items)
    };
    assert_eq!(m.kind.name, "cpl");
    assert_eq!(
        m.params.len(),
        2,
        "length and the one-valued C: {:?}",
        m.params
    );
    assert_eq!(m.vectors.len(), 1);
    assert_eq!(m.vectors[0].name.name, "l");
    assert_eq!(m.vectors[0].values.len(), 3);
    assert_eq!(num(&m.vectors[0].values[1]), 0.2e-6);
    // Printing and parsing again gives the same model (spans aside: compared as printed).
    let printed = n.items[0].to_string();
    let again = parse(&format!("t\n{printed}\n"));
    assert_eq!(again.items[0].to_string(), printed);
    assert!(printed.contains(" l={"), "{printed}");
    // Odd node counts are rejected at the model name.
    let err = parse_str(Path::new("t.net"), "t\np1 a b 0 c d m\n")
        .unwrap_err()
        .0;
    assert!(err.to_string().contains("found 5 nodes"), "{err}");
}

/// Netlists long enough to be parsed in parallel chunks (more than 1024 cards, errors in
/// different chunks): the error reported is the first in file order, whichever card kind it
/// is in and whichever thread finds it first; without errors the items keep file order.
#[test]
fn parallel_parsing_keeps_file_order_and_the_first_error() {
    let body = |n: usize| -> String {
        (0..n)
            .map(|i| format!("r{i} n{i} n{} 1k\n", i + 1))
            .collect()
    };
    // An element error (line 3002) before a dot-card error (line 90003).
    let text = format!("t\n{}r_bad a b\n{}.ends\n", body(3000), body(87000));
    let (message, at) = parse_err(&text);
    assert_eq!(at, "t.net:3002:1", "{message}");
    // A dot-card error (line 2002) before an element error much later (another chunk).
    let text = format!("t\n{}.ends\n{}r_bad a b\n", body(2000), body(90000));
    let (message, at) = parse_err(&text);
    assert_eq!(at, "t.net:2002:1", "{message}");
    assert!(message.contains(".ends"), "{message}");
    // File order of the items across chunk boundaries.
    let n = parse(&format!("t\n{}", body(70000)));
    let names: Vec<&str> = elements(&n).iter().map(|e| e.name.name.as_str()).collect();
    assert_eq!(names.len(), 70000);
    assert!(names
        .iter()
        .enumerate()
        .all(|(i, name)| *name == format!("r{i}")));
}

#[test]
fn jfet_cards() {
    match only_element("t\nJ1 d g s jmod 2 off ic=1.5,-0.5 m=3 temp=50\n") {
        ElementKind::Jfet {
            nodes,
            model,
            area,
            off,
            ic,
            params,
        } => {
            assert_eq!(names(&nodes), ["d", "g", "s"]);
            assert_eq!(model.name, "jmod");
            assert_eq!(area.as_ref().map(num), Some(2.0));
            assert!(off);
            assert_eq!(ic.iter().map(num).collect::<Vec<_>>(), [1.5, -0.5]);
            assert_eq!(params[0].name.name, "m");
            assert_eq!(params[1].name.name, "temp");
        }
        k => panic!("{k:?}"),
    }
    match only_element("t\nJ2 d g s jmod area=1.5\n") {
        ElementKind::Jfet {
            area, off, params, ..
        } => {
            assert!(area.is_none() && !off);
            assert_eq!(params[0].name.name, "area");
        }
        k => panic!("{k:?}"),
    }
    let (msg, _) = parse_err("t\nJ3 d g jmod\n");
    assert_eq!(
        msg,
        "expected 3 nodes (drain gate source) and a model name for JFET 'j3', found 3 fields"
    );
}

#[test]
fn switch_cards() {
    match only_element("t\nS1 a b c 0 smod on\n") {
        ElementKind::VSwitch { nodes, model, on } => {
            assert_eq!(names(&nodes), ["a", "b", "c", "0"]);
            assert_eq!(model.name, "smod");
            assert_eq!(on, Some(true));
        }
        k => panic!("{k:?}"),
    }
    match only_element("t\nW1 a b vsense wmod off\n") {
        ElementKind::CSwitch {
            nodes,
            control,
            model,
            on,
        } => {
            assert_eq!(names(&nodes), ["a", "b"]);
            assert_eq!(control.name, "vsense");
            assert_eq!(model.name, "wmod");
            assert_eq!(on, Some(false));
        }
        k => panic!("{k:?}"),
    }
    match only_element("t\nW2 a b vsense wmod\n") {
        ElementKind::CSwitch { on, .. } => assert_eq!(on, None),
        k => panic!("{k:?}"),
    }
    let (msg, _) = parse_err("t\nS2 a b smod\n");
    assert_eq!(
        msg,
        "expected 4 nodes (n+ n- nc+ nc-) and a model name for switch 's2', found 3 fields"
    );
    let (msg, _) = parse_err("t\nS3 a b c 0 smod x\n");
    assert_eq!(msg, "unexpected 'x' in 's3'");
}

#[test]
fn behavioral_sources_b_value_and_table() {
    let n = parse(
        "t\nB1 out 0 V=v(x1.n2, 1)*2 + i(vsense)\nB2 0 a I={ sqrt(v(a)) }\n\
         E1 o 0 VALUE = {v(in)**2}\nG1 0 o value={1m*v(in)}\n\
         E2 o2 0 TABLE {v(in)} = (-1, 0) (1, 2.5)\n.end\n",
    );
    let els = elements(&n);
    let ElementKind::Behavioral {
        nodes,
        voltage,
        form,
        expr,
        text,
        ..
    } = &els[0].kind
    else {
        panic!("not behavioral: {:?}", els[0].kind)
    };
    assert_eq!((nodes[0].name.as_str(), *voltage), ("out", true));
    assert_eq!(*form, BehavioralForm::B);
    assert_eq!(text, "v(x1.n2, 1)*2 + i(vsense)");
    // v(a, b) and i(x) keep their raw names.
    let Expr::Binary(BinaryOp::Add, l, r) = &expr.expr else {
        panic!("{:?}", expr.expr)
    };
    assert_eq!(
        **r,
        Expr::Call("i".into(), vec![Expr::Var("vsense".into())])
    );
    let Expr::Binary(BinaryOp::Mul, v, _) = &**l else {
        panic!("{l:?}")
    };
    assert_eq!(
        **v,
        Expr::Call(
            "v".into(),
            vec![Expr::Var("x1.n2".into()), Expr::Var("1".into())]
        )
    );
    assert!(matches!(
        &els[1].kind,
        ElementKind::Behavioral { voltage: false, .. }
    ));
    assert!(matches!(
        &els[2].kind,
        ElementKind::Behavioral {
            voltage: true,
            form: BehavioralForm::Value,
            ..
        }
    ));
    assert!(matches!(
        &els[3].kind,
        ElementKind::Behavioral {
            voltage: false,
            form: BehavioralForm::Value,
            ..
        }
    ));
    let ElementKind::Behavioral {
        form: BehavioralForm::Table(points),
        ..
    } = &els[4].kind
    else {
        panic!("{:?}", els[4].kind)
    };
    assert_eq!(points.len(), 2);
    assert_eq!(points[1].1.expr, Expr::Num(2.5));
}

#[test]
fn behavioral_syntax_errors_point_inside_the_expression() {
    let (msg, at) = parse_err("t\nB1 out 0 V=v(a)*(2+*v(a))\n.end\n");
    assert_eq!(msg, "expected an operand in expression, found '*'");
    assert!(at.ends_with(":2:20"), "{at}");
    let (msg, _) = parse_err("t\nB1 out 0 X=1\n.end\n");
    assert!(msg.contains("expected 'v=' or 'i='"), "{msg}");
}

#[test]
fn mosfet_card_with_off_and_ic() {
    match only_element("t\nM1 d g s b nmod L=1u W=10u off ic=1, 2, -0.5 m=2\n") {
        ElementKind::Mosfet {
            nodes,
            model,
            off,
            ic,
            params,
        } => {
            assert_eq!(names(&nodes), ["d", "g", "s", "b"]);
            assert_eq!(model.name, "nmod");
            assert!(off);
            assert_eq!(ic.iter().map(num).collect::<Vec<_>>(), [1.0, 2.0, -0.5]);
            let p: Vec<(&str, f64)> = params
                .iter()
                .map(|p| (p.name.name.as_str(), num(&p.value)))
                .collect();
            assert_eq!(p, [("l", 1e-6), ("w", 10e-6), ("m", 2.0)]);
        }
        k => panic!("{k:?}"),
    }
    match only_element("t\nM2 d g s b pmod\n") {
        ElementKind::Mosfet {
            off, ic, params, ..
        } => {
            assert!(!off && ic.is_empty() && params.is_empty());
        }
        k => panic!("{k:?}"),
    }
}
