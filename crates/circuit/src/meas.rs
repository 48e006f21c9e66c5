//! Elaboration of `.meas` cards (probe names to the solver's vector names, values evaluated)
//! and of `.step` cards (the parameter values of every run). A child module of `elaborate` so
//! it can use the elaborator's name tables and parameter scope.

use super::Elab;
use crate::params::Params;
use crate::suggest::did_you_mean;
use crate::*;
use netlist::{
    BinaryOp, Expr, FourCard, Ident, Item, MeasCard, MeasCond, MeasCount, MeasEdge, MeasExpr,
    MeasRhs, MeasTrig, Span, StepCard, StepSweep, UnaryOp, Value,
};

/// Where a vector expression comes from, for its errors: the card's name
/// (`.meas NAME`, `.four`) and span.
pub(super) struct Site {
    pub(super) element: String,
    pub(super) span: Span,
}

impl Site {
    fn of(m: &MeasCard) -> Site {
        Site {
            element: format!(".meas {}", m.name.name),
            span: m.span,
        }
    }
}

/// Most runs a set of `.step` cards may ask for (their outer product).
pub const MAX_STEPS: usize = 10_000;

impl Elab<'_> {
    pub(super) fn meas_card(&mut self, m: &MeasCard) -> Result<Meas, ElabError> {
        let kind = match &m.kind {
            netlist::MeasKind::FindAt { expr, at } => MeasKind::FindAt {
                expr: self.vec_expr(expr, &Site::of(m))?,
                at: self.eval(at)?,
            },
            netlist::MeasKind::FindWhen { expr, when } => MeasKind::FindWhen {
                expr: self.vec_expr(expr, &Site::of(m))?,
                when: self.crossing(when, m)?,
            },
            netlist::MeasKind::When(c) => MeasKind::When(self.crossing(c, m)?),
            netlist::MeasKind::Stat {
                func,
                expr,
                from,
                to,
            } => MeasKind::Stat {
                func: *func,
                expr: self.vec_expr(expr, &Site::of(m))?,
                from: from.as_ref().map(|v| self.eval(v)).transpose()?,
                to: to.as_ref().map(|v| self.eval(v)).transpose()?,
            },
            netlist::MeasKind::TrigTarg { trig, targ } => MeasKind::TrigTarg {
                trig: self.trigger(trig, m)?,
                targ: self.trigger(targ, m)?,
            },
            netlist::MeasKind::Param(v) => MeasKind::Param {
                expr: self.fold_params(&v.expr, v)?,
                span: v.span,
            },
        };
        Ok(Meas {
            name: m.name.name.clone(),
            analysis: m.analysis,
            kind,
            span: m.span,
        })
    }

    pub(super) fn four_card(&mut self, c: &FourCard) -> Result<Four, ElabError> {
        let site = Site {
            element: ".four".to_string(),
            span: c.span,
        };
        let fundamental_hz = self.eval(&c.freq)?;
        if !(fundamental_hz > 0.0 && fundamental_hz.is_finite()) {
            return Err(ElabError::InvalidValue {
                span: c.freq.span,
                element: ".four".to_string(),
                message: format!(
                    "the fundamental frequency must be positive, got {fundamental_hz}"
                ),
            });
        }
        let mut outputs = Vec::with_capacity(c.outputs.len());
        for o in &c.outputs {
            outputs.push((o.to_string(), self.vec_expr(o, &site)?));
        }
        Ok(Four {
            fundamental_hz,
            outputs,
            span: c.span,
        })
    }

    /// `param='...'`: every name that is a `.param` becomes its value; the others stay, to be
    /// other measures' results when the measures are evaluated.
    fn fold_params(&mut self, e: &Expr, v: &Value) -> Result<Expr, ElabError> {
        let mut out = e.clone();
        let mut names = Vec::new();
        collect_vars(e, &mut names);
        for name in names {
            if self.params.is_defined(&name) {
                let x = self.params.eval(&Expr::Var(name.clone()), v.span)?;
                substitute(&mut out, &name, x);
            }
        }
        Ok(out)
    }

    fn trigger(&mut self, t: &MeasTrig, m: &MeasCard) -> Result<Trigger, ElabError> {
        Ok(match t {
            MeasTrig::At(v) => Trigger::At(self.eval(v)?),
            MeasTrig::When(c) => Trigger::When(self.crossing(c, m)?),
        })
    }

    fn crossing(&mut self, c: &MeasCond, m: &MeasCard) -> Result<Crossing, ElabError> {
        let rhs = match &c.rhs {
            MeasRhs::Value(v) => VecExpr::Const(self.eval(v)?),
            MeasRhs::Expr(e) => self.vec_expr(e, &Site::of(m))?,
        };
        let mut count = |n: &MeasCount, what: &str| -> Result<Count, ElabError> {
            match n {
                MeasCount::Last => Ok(Count::Last),
                MeasCount::N(v) => {
                    let x = self.eval(v)?;
                    let n = x.round();
                    if !(1.0..=u32::MAX as f64).contains(&n) {
                        return Err(ElabError::InvalidValue {
                            span: v.span,
                            element: format!(".meas {}", m.name.name),
                            message: format!("{what}= must be a count of 1 or more, got {x}"),
                        });
                    }
                    Ok(Count::N(n as u32))
                }
            }
        };
        let edge = match &c.edge {
            MeasEdge::First => Edge::First,
            MeasEdge::Rise(n) => Edge::Rise(count(n, "rise")?),
            MeasEdge::Fall(n) => Edge::Fall(count(n, "fall")?),
            MeasEdge::Cross(n) => Edge::Cross(count(n, "cross")?),
        };
        let td = match &c.td {
            Some(v) => self.eval(v)?,
            None => 0.0,
        };
        Ok(Crossing {
            lhs: self.vec_expr(&c.lhs, &Site::of(m))?,
            rhs,
            edge,
            td,
        })
    }

    fn vec_expr(&mut self, e: &MeasExpr, m: &Site) -> Result<VecExpr, ElabError> {
        match e {
            MeasExpr::Probe { func, args, .. } => self.probe(func, args, m),
            MeasExpr::Par(v) => self.par_expr(&v.expr, v, m),
        }
    }

    /// `v(a)`, `v(a,b)`, `vdb(a)`, `i(vx)`, ...: the vector(s) with the part the prefix selects.
    fn probe(&self, func: &str, args: &[Ident], m: &Site) -> Result<VecExpr, ElabError> {
        let card = m.element.clone();
        let base = if let Some(part) = func.strip_prefix('i') {
            let [dev] = args else {
                return Err(ElabError::BadReference {
                    span: m.span,
                    element: card,
                    message: format!("{func}(...) takes one element name"),
                });
            };
            if self.device_index(&dev.name).is_none() {
                let hint = did_you_mean(&dev.name, self.devices_by_name().map(|(n, _)| n));
                return Err(ElabError::BadReference {
                    span: dev.span,
                    element: card,
                    message: format!("no element '{}' for {func}(...){hint}", dev.name),
                });
            }
            (part, VecExpr::Vector(format!("i({})", dev.name)))
        } else {
            let part = func.strip_prefix('v').unwrap_or(func);
            let mut nodes = Vec::with_capacity(2);
            for n in args {
                nodes.push(self.node_vector(n, &card)?);
            }
            let mut it = nodes.into_iter();
            let first = it.next().unwrap_or(VecExpr::Const(0.0));
            let v = match it.next() {
                Some(second) => VecExpr::Binary(VecOp::Sub, Box::new(first), Box::new(second)),
                None => first,
            };
            (part, v)
        };
        let (part, v) = base;
        let f = match part {
            "" => return Ok(v),
            "m" => VecFunc::Mag,
            "db" => VecFunc::Db,
            "p" => VecFunc::Phase,
            "r" => VecFunc::Real,
            "i" => VecFunc::Imag,
            other => {
                return Err(ElabError::BadReference {
                    span: m.span,
                    element: card,
                    message: format!("unknown probe suffix '{other}' in '{func}'"),
                })
            }
        };
        Ok(VecExpr::Unary(f, Box::new(v)))
    }

    fn node_vector(&self, n: &Ident, card: &str) -> Result<VecExpr, ElabError> {
        if n.name == "0" || n.name == "gnd" {
            return Ok(VecExpr::Const(0.0));
        }
        if self.node_ids.contains_key(n.name.as_str()) {
            return Ok(VecExpr::Vector(format!("v({})", n.name)));
        }
        Err(ElabError::BadReference {
            span: n.span,
            element: card.to_string(),
            message: format!(
                "no node '{}'{}",
                n.name,
                did_you_mean(&n.name, self.nodes[1..].iter().map(String::as_str))
            ),
        })
    }

    /// `par('...')`: probes become vectors, the rest is evaluated with the parameters.
    fn par_expr(&mut self, e: &Expr, v: &Value, m: &Site) -> Result<VecExpr, ElabError> {
        if !mentions_probe(e) {
            return Ok(VecExpr::Const(self.params.eval(e, v.span)?));
        }
        let card = || m.element.clone();
        let bad = |message: String| ElabError::BadReference {
            span: v.span,
            element: card(),
            message,
        };
        Ok(match e {
            Expr::Call(f, args) if is_probe_call(f) => {
                let mut ids = Vec::with_capacity(args.len());
                for a in args {
                    let name = match a {
                        Expr::Var(n) => n.clone(),
                        Expr::Num(x) if x.fract() == 0.0 && *x >= 0.0 => format!("{}", *x as u64),
                        other => {
                            return Err(bad(format!(
                                "expected a node or element name in {f}(...), found '{other}'"
                            )))
                        }
                    };
                    ids.push(Ident { name, span: v.span });
                }
                self.probe(f, &ids, m)?
            }
            Expr::Unary(UnaryOp::Neg, a) => {
                VecExpr::Unary(VecFunc::Neg, Box::new(self.par_expr(a, v, m)?))
            }
            Expr::Unary(UnaryOp::Plus, a) => self.par_expr(a, v, m)?,
            Expr::Binary(op, a, b) => {
                let op = match op {
                    BinaryOp::Add => VecOp::Add,
                    BinaryOp::Sub => VecOp::Sub,
                    BinaryOp::Mul => VecOp::Mul,
                    BinaryOp::Div => VecOp::Div,
                    BinaryOp::Pow => VecOp::Pow,
                    other => {
                        return Err(bad(format!(
                            "operator {other:?} is not supported on vectors in par('...')"
                        )))
                    }
                };
                VecExpr::Binary(
                    op,
                    Box::new(self.par_expr(a, v, m)?),
                    Box::new(self.par_expr(b, v, m)?),
                )
            }
            Expr::Call(f, args) if args.len() == 1 => {
                let func = match f.as_str() {
                    "abs" | "mag" => VecFunc::Mag,
                    "db" => VecFunc::Db,
                    "ph" => VecFunc::Phase,
                    "real" | "re" => VecFunc::Real,
                    "imag" | "im" => VecFunc::Imag,
                    "sqrt" => VecFunc::Sqrt,
                    "exp" => VecFunc::Exp,
                    "ln" | "log" => VecFunc::Ln,
                    "log10" => VecFunc::Log10,
                    other => {
                        return Err(bad(format!(
                            "function '{other}' of a vector is not supported in par('...') \
                         (use abs, mag, db, ph, real, imag, sqrt, exp, ln, log10)"
                        )))
                    }
                };
                VecExpr::Unary(func, Box::new(self.par_expr(&args[0], v, m)?))
            }
            other => {
                return Err(bad(format!(
                    "'{other}' cannot be evaluated on vectors in par('...')"
                )))
            }
        })
    }
}

/// The vectors the `.meas`, `.four` and `.print` cards read, as `.save` targets (so a `.save`
/// list keeps them, as ngspice's batch mode saves what it prints).
pub(super) fn saved_by(
    meas: &[Meas],
    four: &[Four],
    prints: &[Print],
    node_of: impl Fn(&str) -> Option<NodeId>,
    device_of: impl Fn(&str) -> Option<usize>,
    devices: &[Device],
) -> Vec<SaveTarget> {
    fn walk(e: &VecExpr, out: &mut Vec<String>) {
        match e {
            VecExpr::Const(_) => {}
            VecExpr::Vector(n) => out.push(n.clone()),
            VecExpr::Unary(_, a) => walk(a, out),
            VecExpr::Binary(_, a, b) => {
                walk(a, out);
                walk(b, out);
            }
        }
    }
    let mut names = Vec::new();
    let crossing = |c: &Crossing, names: &mut Vec<String>| {
        walk(&c.lhs, names);
        walk(&c.rhs, names);
    };
    for (_, e) in four.iter().flat_map(|f| &f.outputs) {
        walk(e, &mut names);
    }
    for o in prints.iter().flat_map(|p| &p.outputs) {
        names.extend(o.plus.iter().chain(&o.minus).cloned());
    }
    for m in meas {
        match &m.kind {
            MeasKind::FindAt { expr, .. } | MeasKind::Stat { expr, .. } => walk(expr, &mut names),
            MeasKind::FindWhen { expr, when } => {
                walk(expr, &mut names);
                crossing(when, &mut names);
            }
            MeasKind::When(c) => crossing(c, &mut names),
            MeasKind::TrigTarg { trig, targ } => {
                for t in [trig, targ] {
                    if let Trigger::When(c) = t {
                        crossing(c, &mut names);
                    }
                }
            }
            MeasKind::Param { .. } => {}
        }
    }
    names
        .iter()
        .filter_map(|n| {
            let inner = |p: &str| n.strip_prefix(p).and_then(|r| r.strip_suffix(')'));
            if let Some(node) = inner("v(") {
                node_of(node).map(SaveTarget::Voltage)
            } else {
                let i = device_of(inner("i(")?)?;
                // Only these have a branch current; another `i(...)` fails as a missing vector.
                devices
                    .get(i)?
                    .kind
                    .has_branch()
                    .then_some(SaveTarget::Current(DeviceId(i as u32)))
            }
        })
        .collect()
}

/// The free names of `e` (variables), each once.
fn collect_vars(e: &Expr, out: &mut Vec<String>) {
    match e {
        Expr::Var(n) => {
            if !out.contains(n) {
                out.push(n.clone());
            }
        }
        Expr::Num(_) => {}
        Expr::Unary(_, a) => collect_vars(a, out),
        Expr::Binary(_, a, b) => {
            collect_vars(a, out);
            collect_vars(b, out);
        }
        Expr::Call(_, args) => args.iter().for_each(|a| collect_vars(a, out)),
        Expr::Ternary(c, a, b) => {
            collect_vars(c, out);
            collect_vars(a, out);
            collect_vars(b, out);
        }
    }
}

/// Replaces every `Var(name)` in `e` by the number `x`.
fn substitute(e: &mut Expr, name: &str, x: f64) {
    match e {
        Expr::Var(n) if n == name => *e = Expr::Num(x),
        Expr::Var(_) | Expr::Num(_) => {}
        Expr::Unary(_, a) => substitute(a, name, x),
        Expr::Binary(_, a, b) => {
            substitute(a, name, x);
            substitute(b, name, x);
        }
        Expr::Call(_, args) => args.iter_mut().for_each(|a| substitute(a, name, x)),
        Expr::Ternary(c, a, b) => {
            substitute(c, name, x);
            substitute(a, name, x);
            substitute(b, name, x);
        }
    }
}

fn is_probe_call(f: &str) -> bool {
    matches!(
        f,
        "v" | "vm" | "vdb" | "vp" | "vr" | "vi" | "i" | "im" | "idb" | "ip" | "ir" | "ii"
    )
}

fn mentions_probe(e: &Expr) -> bool {
    match e {
        Expr::Num(_) | Expr::Var(_) => false,
        Expr::Unary(_, a) => mentions_probe(a),
        Expr::Binary(_, a, b) => mentions_probe(a) || mentions_probe(b),
        Expr::Ternary(a, b, c) => mentions_probe(a) || mentions_probe(b) || mentions_probe(c),
        Expr::Call(f, args) => is_probe_call(f) || args.iter().any(mentions_probe),
    }
}

/// The parameter values of every run asked for by the netlist's top-level `.step` cards: their
/// outer product, the first card outermost (the last card varies fastest). Empty when there is
/// no `.step`. Each stepped name must be a top-level `.param`; the values are evaluated with
/// the global parameters.
pub(crate) fn step_points(
    netlist: &netlist::Netlist,
) -> Result<Vec<Vec<(String, f64)>>, ElabError> {
    let cards: Vec<&StepCard> = netlist
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Step(s) => Some(&**s),
            _ => None,
        })
        .collect();
    if cards.is_empty() {
        return Ok(Vec::new());
    }
    let mut params = Params::new();
    params.add_func_scope(None, &netlist.items);
    let mut defined: Vec<&str> = Vec::new();
    for item in &netlist.items {
        if let Item::Params(list) = item {
            for p in list {
                params.define_lazy(&p.name.name, p.value.expr.clone(), p.value.span);
                defined.push(&p.name.name);
            }
        }
    }
    let mut axes: Vec<(String, Vec<f64>)> = Vec::with_capacity(cards.len());
    for card in &cards {
        let name = &card.param.name;
        if !defined.contains(&name.as_str()) {
            return Err(ElabError::BadReference {
                span: card.param.span,
                element: ".step".into(),
                message: format!(
                    "parameter '{name}' is not defined: add '.param {name}=VALUE' (the value used \
                     between steps does not matter){}",
                    did_you_mean(name, defined.iter().copied())
                ),
            });
        }
        if axes.iter().any(|(n, _)| n == name) {
            return Err(ElabError::BadReference {
                span: card.param.span,
                element: ".step".into(),
                message: format!("parameter '{name}' is stepped twice"),
            });
        }
        axes.push((name.clone(), step_values(card, &mut params)?));
    }
    let total = axes.iter().try_fold(1usize, |acc, (_, v)| {
        acc.checked_mul(v.len()).filter(|&n| n <= MAX_STEPS)
    });
    let Some(total) = total else {
        return Err(ElabError::Analysis {
            span: cards[cards.len() - 1].span,
            message: format!("the .step cards ask for more than {MAX_STEPS} runs"),
        });
    };
    let mut points = Vec::with_capacity(total);
    for k in 0..total {
        let mut rest = k;
        let mut point = vec![(String::new(), 0.0); axes.len()];
        for (slot, (name, values)) in point.iter_mut().zip(&axes).rev() {
            *slot = (name.clone(), values[rest % values.len()]);
            rest /= values.len();
        }
        points.push(point);
    }
    Ok(points)
}

fn step_values(card: &StepCard, params: &mut Params) -> Result<Vec<f64>, ElabError> {
    let mut eval = |v: &Value| params.eval(&v.expr, v.span);
    let invalid = |span, message: String| ElabError::InvalidValue {
        span,
        element: format!(".step param {}", card.param.name),
        message,
    };
    let values = match &card.sweep {
        StepSweep::List(list) => list.iter().map(&mut eval).collect::<Result<Vec<_>, _>>()?,
        StepSweep::Lin { start, stop, step } => {
            let (a, b, h) = (eval(start)?, eval(stop)?, eval(step)?);
            if h == 0.0 || (b - a) * h < 0.0 {
                return Err(invalid(
                    step.span,
                    format!("step {h} does not lead from {a} to {b}"),
                ));
            }
            // Count with a small tolerance so that 1..2 by 0.1 includes 2.
            let n = ((b - a) / h * (1.0 + 1e-9) + 1e-9).floor() + 1.0;
            if n > MAX_STEPS as f64 {
                return Err(invalid(step.span, format!("more than {MAX_STEPS} values")));
            }
            (0..n as usize).map(|i| a + i as f64 * h).collect()
        }
        StepSweep::Log {
            variation,
            start,
            stop,
            points,
        } => {
            let (a, b, n) = (eval(start)?, eval(stop)?, eval(points)?);
            if a <= 0.0 || b <= 0.0 {
                return Err(invalid(
                    start.span,
                    format!("a logarithmic step needs positive start and stop, got {a} and {b}"),
                ));
            }
            if n < 1.0 || n.fract() != 0.0 {
                return Err(invalid(
                    points.span,
                    format!(
                        "points per decade/octave must be a whole number of 1 or more, got {n}"
                    ),
                ));
            }
            let base: f64 = if *variation == netlist::AcVariation::Oct {
                2.0
            } else {
                10.0
            };
            let ratio = b / a;
            let count = (ratio.ln() / base.ln() * n * (1.0 + 1e-9) + 1e-9).floor() + 1.0;
            if !(1.0..=MAX_STEPS as f64).contains(&count) {
                return Err(invalid(
                    points.span,
                    format!("{count} values: need 1 to {MAX_STEPS} (is start above stop?)"),
                ));
            }
            (0..count as usize)
                .map(|i| a * base.powf(i as f64 / n))
                .collect()
        }
    };
    Ok(values)
}

#[cfg(test)]
mod tests {
    use crate::*;
    use std::path::Path;

    fn ast(text: &str) -> netlist::Netlist {
        netlist::parse_str(Path::new("t.net"), text)
            .unwrap_or_else(|(e, _)| panic!("{e}"))
            .0
    }

    const RC: &str =
        "t\n.param r=1k c=1n\nV1 in 0 AC 1\nR1 in out {r}\nC1 out 0 {c}\n.ac dec 1 1 10\n";

    fn values(text: &str) -> Result<Vec<Vec<(String, f64)>>, String> {
        step_points(&ast(&format!("{RC}{text}"))).map_err(|e| e.to_string())
    }

    fn column(points: &[Vec<(String, f64)>], i: usize) -> Vec<f64> {
        points.iter().map(|p| p[i].1).collect()
    }

    #[test]
    fn step_values() {
        let p = values(".step param r lin 1 2 0.25\n").unwrap();
        assert_eq!(column(&p, 0), [1.0, 1.25, 1.5, 1.75, 2.0]);
        // 0.1 steps include the stop despite rounding (10 * 0.1 != 1 exactly in binary).
        assert_eq!(values(".step param r 0 1 0.1\n").unwrap().len(), 11);
        let p = values(".step param r dec 10 1k 2\n").unwrap();
        let want = [
            10.0,
            10.0 * 10f64.sqrt(),
            100.0,
            100.0 * 10f64.sqrt(),
            1000.0,
        ];
        for (got, want) in column(&p, 0).iter().zip(want) {
            assert!((got - want).abs() < 1e-9 * want, "{got} {want}");
        }
        assert_eq!(
            column(&values(".step oct param c 1 8 1\n").unwrap(), 0),
            [1.0, 2.0, 4.0, 8.0]
        );
        let p = values(".step param r list {2*c} 5\n").unwrap();
        assert_eq!(column(&p, 0), [2e-9, 5.0]);
    }

    #[test]
    fn step_errors() {
        assert!(values(".step param q list 1\n")
            .unwrap_err()
            .contains("'q' is not defined"));
        assert!(values(".step param r lin 1 2 0\n")
            .unwrap_err()
            .contains("does not lead"));
        assert!(values(".step param r lin 2 1 1\n")
            .unwrap_err()
            .contains("does not lead"));
        assert!(values(".step param r dec 0 10 1\n")
            .unwrap_err()
            .contains("positive"));
        assert!(values(".step param r dec 1 10 0.5\n")
            .unwrap_err()
            .contains("whole number"));
        assert!(values(".step param r list 1\n.step param r list 2\n")
            .unwrap_err()
            .contains("stepped twice"));
        assert!(
            values(".step param r lin 1 200 1\n.step param c lin 1 100 1\n")
                .unwrap_err()
                .contains("more than 10000 runs")
        );
    }

    #[test]
    fn overrides_reach_dependent_parameters() {
        let text = format!("{RC}.param rr={{2*r}}\nR2 out 0 {{rr}}\n.step param r list 5\n");
        let c = elaborate_with_params(&ast(&text), None, &[("r".into(), 5.0)]).unwrap();
        let r = |name: &str| match &c.devices[c.device(name).unwrap().index()].kind {
            DeviceKind::Resistor { resistance_ohm, .. } => *resistance_ohm,
            _ => panic!(),
        };
        assert_eq!((r("r1"), r("r2")), (5.0, 10.0));
    }

    #[test]
    fn meas_resolves_probes() {
        let c = elaborate(&ast(&format!(
            "{RC}.meas ac a find vdb(out,in) at={{c*1e9}}\n.meas ac b max i(v1)\n"
        )))
        .unwrap();
        let MeasKind::FindAt { expr, at } = &c.meas[0].kind else {
            panic!()
        };
        assert_eq!(*at, 1.0);
        let v = |n: &str| Box::new(VecExpr::Vector(n.to_string()));
        assert_eq!(
            *expr,
            VecExpr::Unary(
                VecFunc::Db,
                Box::new(VecExpr::Binary(VecOp::Sub, v("v(out)"), v("v(in)")))
            )
        );
        assert!(
            matches!(&c.meas[1].kind, MeasKind::Stat { expr: VecExpr::Vector(n), .. } if n == "i(v1)")
        );
        let e = elaborate(&ast(&format!("{RC}.meas ac b max i(v2)\n"))).unwrap_err();
        assert!(e.to_string().contains("no element 'v2'"), "{e}");
        let e = elaborate(&ast(&format!("{RC}.meas ac b when v(out)=1 rise=0\n"))).unwrap_err();
        assert!(e.to_string().contains("count of 1 or more"), "{e}");
        let e = elaborate(&ast(&format!("{RC}.meas ac b max par('sin(v(out))')\n"))).unwrap_err();
        assert!(e.to_string().contains("function 'sin' of a vector"), "{e}");
    }
}
