//! `.meas` / `.measure` and `.step` cards (a child module of `cards`, sharing its cursor).
//!
//! `.meas` follows ngspice's forms (see `MeasCard`): the analysis (`ac`, `dc`, `tran`), the
//! result's name, then `find`, `when`, a statistic (`max`, `min`, `max_at`, `min_at`, `avg`,
//! `rms`, `pp`, `integ`), `trig ... targ ...` or `param='expr'` (of `.param`s and other
//! measures' results). Vectors are probes (`v(a)`, `v(a,b)`,
//! `vdb(a)`, `i(vx)`, ...), a bare node name, or `par('expression')`.
//! `.step` is LTspice's `.step [param] NAME list ...|[lin] start stop step|dec|oct start stop n`.

use super::{Cursor, PResult};
use crate::ast::*;
use crate::number::parse_number;
use crate::tokens::TokKind;

/// Probe functions a `.meas` vector may use.
const PROBES: &[&str] = &[
    "v", "vm", "vdb", "vp", "vr", "vi", "i", "im", "idb", "ip", "ir", "ii",
];

fn next_is(cur: &Cursor, ahead: usize, kind: TokKind) -> bool {
    cur.peek_at(ahead).is_some_and(|t| t.kind == kind)
}

/// `.meas[ure] ac|dc|tran NAME ...` (the cursor is past the keyword).
pub(super) fn meas_card(cur: &mut Cursor) -> PResult<MeasCard> {
    let usage = "'.meas ac|dc|tran NAME find|when|max|min|avg|rms|pp|integ|trig ...'";
    let analysis = cur.expect_word(format_args!("the analysis in {usage}"))?;
    let analysis_kind = match analysis.name.as_str() {
        "ac" => MeasAnalysis::Ac,
        "dc" => MeasAnalysis::Dc,
        "tran" => MeasAnalysis::Tran,
        other => {
            return cur.error(
                analysis.span,
                format!("expected ac, dc or tran after '.meas', found '{other}'"),
            )
        }
    };
    let name = cur.expect_word(format_args!("the result's name in {usage}"))?;
    let func = cur.expect_word(format_args!("a function in {usage}"))?;
    let kind = match func.name.as_str() {
        "find" => {
            let expr = meas_expr(cur, "the vector after 'find'")?;
            if cur.at_param() && cur.peek().is_some_and(|t| cur.text(t) == "at") {
                let p = cur.param()?;
                MeasKind::FindAt { expr, at: p.value }
            } else {
                match cur.bump() {
                    Some(t) if cur.text(t) == "when" => MeasKind::FindWhen {
                        expr,
                        when: condition(cur, false)?,
                    },
                    Some(t) => {
                        return cur.error(
                            cur.span(t),
                            format!(
                                "expected 'at=X' or 'when ...' after 'find', found '{}'",
                                cur.text(t)
                            ),
                        )
                    }
                    None => {
                        return cur.error(
                            cur.missing_span(),
                            "expected 'at=X' or 'when ...' after 'find VECTOR'",
                        )
                    }
                }
            }
        }
        "when" => MeasKind::When(condition(cur, false)?),
        "param" => {
            match cur.bump() {
                Some(t) if t.kind == TokKind::Eq => {}
                _ => {
                    return cur.error(
                        func.span,
                        "expected \"param='expression'\" (an expression of .params and other \
                         measures)",
                    )
                }
            }
            MeasKind::Param(cur.expect_value("an expression after 'param='")?)
        }
        "trig" => {
            let trig = trig_clause(cur, "trig")?;
            match cur.bump() {
                Some(t) if cur.text(t) == "targ" => {}
                Some(t) => {
                    return cur.error(
                        cur.span(t),
                        format!(
                            "expected 'targ' after the 'trig' clause, found '{}'",
                            cur.text(t)
                        ),
                    )
                }
                None => {
                    return cur.error(cur.missing_span(), "expected 'targ ...' after 'trig ...'")
                }
            }
            let targ = trig_clause(cur, "targ")?;
            MeasKind::TrigTarg { trig, targ }
        }
        f => {
            let stat = match f {
                "max" => MeasStat::Max,
                "min" => MeasStat::Min,
                "max_at" => MeasStat::MaxAt,
                "min_at" => MeasStat::MinAt,
                "avg" => MeasStat::Avg,
                "rms" => MeasStat::Rms,
                "pp" => MeasStat::Pp,
                "integ" | "integral" => MeasStat::Integ,
                other => {
                    return cur.error(
                        func.span,
                        format!(
                            "unknown '.meas' function '{other}' (expected find, when, max, min, \
                             max_at, min_at, avg, rms, pp, integ or trig)"
                        ),
                    )
                }
            };
            let expr = meas_expr(cur, &format!("the vector after '{f}'"))?;
            let (mut from, mut to) = (None, None);
            while let Some(t) = cur.peek() {
                if !cur.at_param() {
                    return cur.extra(t, ".meas");
                }
                let p = cur.param()?;
                match p.name.name.as_str() {
                    "from" => from = Some(p.value),
                    "to" => to = Some(p.value),
                    other => {
                        return cur.error(
                            p.name.span,
                            format!(
                                "unknown parameter '{other}' for '{f}' (expected from= or to=)"
                            ),
                        )
                    }
                }
            }
            MeasKind::Stat {
                func: stat,
                expr,
                from,
                to,
            }
        }
    };
    if let Some(t) = cur.peek() {
        return cur.extra(t, ".meas");
    }
    Ok(MeasCard {
        analysis: analysis_kind,
        name,
        kind,
        span: cur.card.full_span(),
    })
}

/// `.four FREQ OUT1 [OUT2 ...]` (the cursor is past the keyword).
pub(super) fn four_card(cur: &mut Cursor) -> PResult<FourCard> {
    let freq = cur.expect_value("the fundamental frequency in '.four FREQ v(out) ...'")?;
    let mut outputs = vec![meas_expr(cur, "an output in '.four FREQ v(out) ...'")?];
    while !cur.at_end() {
        if cur.peek().is_some_and(|t| t.kind == TokKind::Comma) {
            cur.bump();
            continue;
        }
        outputs.push(meas_expr(cur, "an output in '.four FREQ v(out) ...'")?);
    }
    Ok(FourCard {
        freq,
        outputs,
        span: cur.card.full_span(),
    })
}

/// A vector: `v(a)`, `v(a,b)`, `vdb(a)`, `i(vx)`, `par('expr')` or a bare node name.
fn meas_expr(cur: &mut Cursor, what: &str) -> PResult<MeasExpr> {
    let first = cur.expect_word(what)?;
    if !next_is(cur, 0, TokKind::LParen) {
        if parse_number(&first.name).is_some()
            && !first.name.chars().all(|c| c.is_ascii_alphanumeric())
        {
            return cur.error(
                first.span,
                format!("expected {what}, found the number '{}'", first.name),
            );
        }
        return Ok(MeasExpr::Probe {
            func: "v".to_string(),
            span: first.span,
            args: vec![first],
        });
    }
    cur.bump();
    if first.name == "par" {
        let value = match cur.bump() {
            Some(t) if matches!(t.kind, TokKind::Quote | TokKind::Brace) => cur.group_value(t)?,
            Some(t) => {
                return cur.error(
                    cur.span(t),
                    format!(
                        "expected a quoted expression in par('...'), found '{}'",
                        cur.text(t)
                    ),
                )
            }
            None => {
                return cur.error(
                    cur.missing_span(),
                    "expected a quoted expression in par('...')",
                )
            }
        };
        close_paren(cur, "par('...')")?;
        return Ok(MeasExpr::Par(value));
    }
    if !PROBES.contains(&first.name.as_str()) {
        return cur.error(
            first.span,
            format!(
                "unknown vector function '{}' (expected v, vm, vdb, vp, vr, vi, i, im, idb, ip, ir, ii or par)",
                first.name
            ),
        );
    }
    let mut args = vec![cur.expect_word(format_args!("a name in {}(...)", first.name))?];
    if next_is(cur, 0, TokKind::Comma) {
        cur.bump();
        args.push(cur.expect_word(format_args!("a second node in {}(a,b)", first.name))?);
    }
    let end = close_paren(cur, &format!("{}(...)", first.name))?;
    if first.name.starts_with('i') && args.len() > 1 {
        return cur.error(
            args[1].span,
            "a current probe i(...) takes one element name",
        );
    }
    Ok(MeasExpr::Probe {
        func: first.name.clone(),
        args,
        span: netlist_span_join(first.span, end),
    })
}

fn netlist_span_join(a: crate::span::Span, b: crate::span::Span) -> crate::span::Span {
    crate::span::Span { end: b.end, ..a }
}

fn close_paren(cur: &mut Cursor, what: &str) -> PResult<crate::span::Span> {
    match cur.bump() {
        Some(t) if t.kind == TokKind::RParen => Ok(cur.span(t)),
        Some(t) => cur.error(
            cur.span(t),
            format!("expected ')' in {what}, found '{}'", cur.text(t)),
        ),
        None => cur.error(cur.missing_span(), format!("expected ')' in {what}")),
    }
}

/// `LHS=RHS [rise|fall|cross=N|last] [td=T]`, or with `val_form` (trig/targ) `LHS val=V ...`.
/// Stops at the end of the card or at the word `targ`.
fn condition(cur: &mut Cursor, val_form: bool) -> PResult<MeasCond> {
    let lhs = meas_expr(cur, "the vector of the condition")?;
    let mut rhs = None;
    if !val_form {
        match cur.bump() {
            Some(t) if t.kind == TokKind::Eq => {}
            Some(t) => {
                return cur.error(
                    cur.span(t),
                    format!(
                        "expected '=' in 'when VECTOR=VALUE', found '{}'",
                        cur.text(t)
                    ),
                )
            }
            None => {
                return cur.error(
                    cur.missing_span(),
                    "expected '=VALUE' in 'when VECTOR=VALUE'",
                )
            }
        }
        let is_vector = cur.peek().is_some_and(|t| {
            t.kind == TokKind::Word && next_is(cur, 1, TokKind::LParen) && cur.text(t) != "par"
                || (t.kind == TokKind::Word && cur.text(t) == "par")
        });
        rhs = Some(if is_vector {
            MeasRhs::Expr(meas_expr(cur, "a vector after '='")?)
        } else {
            MeasRhs::Value(cur.expect_value("a value after '='")?)
        });
    }
    let mut edge = MeasEdge::First;
    let mut td = None;
    while let Some(t) = cur.peek() {
        if cur.text(t) == "targ" && t.kind == TokKind::Word {
            break;
        }
        if !cur.at_param() {
            if cur.text(t) == "last" {
                cur.bump();
                edge = MeasEdge::Cross(MeasCount::Last);
                continue;
            }
            return cur.extra(t, ".meas");
        }
        let p = cur.param()?;
        let count = || match &p.value.expr {
            Expr::Var(v) if v == "last" => MeasCount::Last,
            _ => MeasCount::N(p.value.clone()),
        };
        match p.name.name.as_str() {
            "rise" => edge = MeasEdge::Rise(count()),
            "fall" => edge = MeasEdge::Fall(count()),
            "cross" => edge = MeasEdge::Cross(count()),
            "td" => td = Some(p.value),
            "val" if val_form => rhs = Some(MeasRhs::Value(p.value)),
            other => {
                let expected = if val_form {
                    "val=, td=, rise=, fall= or cross="
                } else {
                    "td=, rise=, fall= or cross="
                };
                return cur.error(
                    p.name.span,
                    format!("unknown parameter '{other}' in the condition (expected {expected})"),
                );
            }
        }
    }
    let Some(rhs) = rhs else {
        return cur.error(cur.here(), "expected 'val=V' after the trig/targ vector");
    };
    Ok(MeasCond { lhs, rhs, edge, td })
}

/// `at=X` or `VECTOR val=V [td=T] [rise|fall|cross=N]`.
fn trig_clause(cur: &mut Cursor, which: &str) -> PResult<MeasTrig> {
    if cur.at_param() && cur.peek().is_some_and(|t| cur.text(t) == "at") {
        let p = cur.param()?;
        return Ok(MeasTrig::At(p.value));
    }
    if cur.at_end() {
        return cur.error(
            cur.missing_span(),
            format!("expected 'VECTOR val=V ...' or 'at=X' after '{which}'"),
        );
    }
    Ok(MeasTrig::When(Box::new(condition(cur, true)?)))
}

/// `.step [param] NAME ...` (the cursor is past the keyword).
pub(super) fn step_card(cur: &mut Cursor) -> PResult<StepCard> {
    let usage = "'.step param NAME list V1 V2 ... | lin START STOP STEP | dec|oct START STOP N'";
    let mut variation: Option<&str> = None;
    let mut saw_param = false;
    let param = loop {
        let w = cur.expect_word(format_args!("a parameter name in {usage}"))?;
        match w.name.as_str() {
            "param" if !saw_param => saw_param = true,
            "lin" | "dec" | "oct" if variation.is_none() && !saw_param => {
                variation = Some(match w.name.as_str() {
                    "lin" => "lin",
                    "dec" => "dec",
                    _ => "oct",
                })
            }
            _ if !saw_param => {
                return cur.error(
                    w.span,
                    format!(
                    "only parameters can be stepped: expected 'param' after '.step', found '{}' \
                         (write '.step param NAME ...' and use {{NAME}} in the element)",
                    w.name
                ),
                )
            }
            _ => break w,
        }
    };
    if variation.is_none() {
        if let Some(t) = cur.peek() {
            if t.kind == TokKind::Word && matches!(cur.text(t), "list" | "lin" | "dec" | "oct") {
                cur.bump();
                variation = Some(match cur.text(t) {
                    "list" => "list",
                    "lin" => "lin",
                    "dec" => "dec",
                    _ => "oct",
                });
            }
        }
    }
    let mut values = Vec::new();
    while let Some(t) = cur.bump() {
        if t.kind == TokKind::Comma {
            continue;
        }
        values.push(cur.value_of(t, format_args!("a value in {usage}"))?);
    }
    let sweep = match variation.unwrap_or("lin") {
        "list" => {
            if values.is_empty() {
                return cur.error(
                    cur.missing_span(),
                    "expected at least one value after 'list'",
                );
            }
            StepSweep::List(values)
        }
        v => {
            let [start, stop, third]: [Value; 3] = match values.try_into() {
                Ok(a) => a,
                Err(vals) => {
                    let vals: Vec<Value> = vals;
                    let span = vals.get(3).map_or(cur.missing_span(), |v| v.span);
                    let what = if v == "lin" {
                        "START STOP STEP"
                    } else {
                        "START STOP POINTS"
                    };
                    return cur.error(
                        span,
                        format!("expected exactly three values ({what}) in '.step param {} {v}', got {}", param.name, vals.len()),
                    );
                }
            };
            if v == "lin" {
                StepSweep::Lin {
                    start,
                    stop,
                    step: third,
                }
            } else {
                StepSweep::Log {
                    variation: if v == "dec" {
                        AcVariation::Dec
                    } else {
                        AcVariation::Oct
                    },
                    start,
                    stop,
                    points: third,
                }
            }
        }
    };
    Ok(StepCard {
        param,
        sweep,
        span: cur.card.full_span(),
    })
}

#[cfg(test)]
mod tests {
    use crate::ast::*;
    use std::path::Path;

    fn items(text: &str) -> Vec<Item> {
        crate::parse_str(Path::new("t.net"), text)
            .unwrap_or_else(|(e, _)| panic!("{e}"))
            .0
            .items
    }

    fn meas(line: &str) -> MeasCard {
        match items(&format!("t\n{line}\n")).pop() {
            Some(Item::Meas(m)) => *m,
            other => panic!("{other:?}"),
        }
    }

    /// The error, or (a `.meas` ngspice would report as failed) the warning that drops the card.
    fn err(text: &str) -> String {
        match crate::parse_str(Path::new("t.net"), text) {
            Err((e, _)) => e.to_string(),
            Ok((n, _)) => {
                assert!(!n.items.iter().any(|i| matches!(i, Item::Meas(_))));
                match &n.warnings[..] {
                    [w] if w.message.starts_with("measure 'x' failed: ") => w.message.clone(),
                    other => panic!("{other:?}"),
                }
            }
        }
    }

    fn probe(e: &MeasExpr) -> (String, Vec<String>) {
        match e {
            MeasExpr::Probe { func, args, .. } => {
                (func.clone(), args.iter().map(|a| a.name.clone()).collect())
            }
            MeasExpr::Par(_) => panic!("par"),
        }
    }

    #[test]
    fn meas_param_form() {
        let m = meas(".meas tran ok param='(trise < 100u) ? 1 : 0'");
        let MeasKind::Param(v) = &m.kind else {
            panic!("{:?}", m.kind)
        };
        assert!(matches!(v.expr, Expr::Ternary(..)));
        assert_eq!(
            err("t\n.meas tran x param\n"),
            "measure 'x' failed: expected \"param='expression'\" (an expression of .params and \
             other measures); the card is ignored"
        );
    }

    #[test]
    fn par_calls_add_b_sources() {
        // ngspice numbers every par() of a .meas in file order; tran and dc ones get a source.
        let its = items(
            "t\n.meas ac g max par('vdb(a)')\n.meas tran p max par('v(a)*2') from=0\n\
             .meas dc q find par('v(b)') at=1\n",
        );
        let sources: Vec<(&str, &str, &str)> = its
            .iter()
            .filter_map(|i| match i {
                Item::Element(Element {
                    name,
                    kind: ElementKind::Behavioral { nodes, text, .. },
                    ..
                }) => Some((name.name.as_str(), nodes[0].name.as_str(), text.as_str())),
                _ => None,
            })
            .collect();
        assert_eq!(
            sources,
            [("bpa_01", "pa_01", "v(a)*2"), ("bpa_02", "pa_02", "v(b)")]
        );
    }

    #[test]
    fn meas_forms() {
        let m = meas(".MEASURE AC fc WHEN vdb(out)=-3 fall=1");
        assert_eq!((m.analysis, m.name.name.as_str()), (MeasAnalysis::Ac, "fc"));
        let MeasKind::When(c) = &m.kind else { panic!() };
        assert_eq!(probe(&c.lhs), ("vdb".into(), vec!["out".into()]));
        assert_eq!(
            c.rhs,
            MeasRhs::Value(Value {
                expr: Expr::Num(-3.0),
                span: match &c.rhs {
                    MeasRhs::Value(v) => v.span,
                    _ => panic!(),
                }
            })
        );
        assert!(matches!(&c.edge, MeasEdge::Fall(MeasCount::N(v)) if v.expr == Expr::Num(1.0)));

        let m = meas(".meas tran t1 find v(a,b) when i(v1)=v(c) cross=last td=1m");
        let MeasKind::FindWhen { expr, when } = &m.kind else {
            panic!()
        };
        assert_eq!(probe(expr), ("v".into(), vec!["a".into(), "b".into()]));
        assert!(matches!(&when.rhs, MeasRhs::Expr(e) if probe(e).0 == "v"));
        assert_eq!(when.edge, MeasEdge::Cross(MeasCount::Last));
        assert!(when.td.is_some());

        let m = meas(".meas dc g find out at=1.5");
        assert!(
            matches!(&m.kind, MeasKind::FindAt { expr, .. } if probe(expr) == ("v".into(), vec!["out".into()]))
        );

        let m = meas(".meas tran r rms v(out) from=1m to={2*tstop}");
        assert!(matches!(
            &m.kind,
            MeasKind::Stat {
                func: MeasStat::Rms,
                from: Some(_),
                to: Some(_),
                ..
            }
        ));

        let m = meas(".meas tran d trig v(in) val=0.5 rise=1 td=1u targ v(out) val=0.5 rise=1");
        let MeasKind::TrigTarg { trig, targ } = &m.kind else {
            panic!()
        };
        assert!(
            matches!(trig, MeasTrig::When(c) if c.td.is_some() && matches!(c.edge, MeasEdge::Rise(_)))
        );
        assert!(matches!(targ, MeasTrig::When(c) if probe(&c.lhs).1 == ["out"]));

        let m = meas(".meas tran d trig at=1m targ v(out) val=0.5 fall=2");
        assert!(matches!(
            &m.kind,
            MeasKind::TrigTarg {
                trig: MeasTrig::At(_),
                ..
            }
        ));

        let m = meas(".meas ac p max par('vdb(out)-vdb(in)')");
        assert!(matches!(
            &m.kind,
            MeasKind::Stat {
                expr: MeasExpr::Par(_),
                ..
            }
        ));
    }

    #[test]
    fn meas_errors() {
        assert!(err("t\n.meas op x max v(a)\n").contains("expected ac, dc or tran"));
        assert!(err("t\n.meas tran x median v(a)\n").contains("unknown '.meas' function 'median'"));
        assert!(err("t\n.meas tran x find v(a)\n").contains("'at=X' or 'when"));
        assert!(err("t\n.meas tran x when v(a)\n").contains("expected '=VALUE'"));
        assert!(err("t\n.meas tran x max v(a) at=1\n").contains("unknown parameter 'at' for 'max'"));
        assert!(err("t\n.meas tran x max q(a)\n").contains("unknown vector function 'q'"));
        assert!(err("t\n.meas tran x trig v(a) val=1 rise=1\n").contains("expected 'targ ...'"));
        assert!(err("t\n.meas tran x when v(a)=1 rize=1\n").contains("unknown parameter 'rize'"));
        assert!(err("t\n.meas tran x max v(a\n").contains("expected ')'"));
        assert!(err("t\n.subckt s a\n.meas tran x max v(a)\n.ends\n").contains("top level"));
    }

    #[test]
    fn step_forms() {
        let steps: Vec<StepCard> = items(
            "t\n.step param r list 1k 2k 3k\n.step param c 1 10 1\n.step dec param f 1 100 5\n\
             .step param g oct 1 8 2\n",
        )
        .into_iter()
        .filter_map(|i| match i {
            Item::Step(s) => Some(*s),
            _ => None,
        })
        .collect();
        assert!(matches!(&steps[0].sweep, StepSweep::List(v) if v.len() == 3));
        assert!(matches!(&steps[1].sweep, StepSweep::Lin { .. }));
        assert!(matches!(
            &steps[2].sweep,
            StepSweep::Log {
                variation: AcVariation::Dec,
                ..
            }
        ));
        assert_eq!(steps[2].param.name, "f");
        assert!(matches!(
            &steps[3].sweep,
            StepSweep::Log {
                variation: AcVariation::Oct,
                ..
            }
        ));
        assert!(err("t\n.step v1 1 2 0.1\n").contains("only parameters can be stepped"));
        assert!(err("t\n.step param r lin 1 2\n").contains("expected exactly three values"));
        assert!(err("t\n.step param r list\n").contains("at least one value"));
    }
}
