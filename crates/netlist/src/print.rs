//! AST back to netlist text: `Display` for [`Netlist`], [`Item`] and [`Expr`].
//!
//! The text parses back to the same AST, spans aside (checked by the `parse(print(ast)) == ast`
//! property in `tests/properties.rs`). Every value is written as a `{...}` expression, fully
//! parenthesised, with numbers in Rust's shortest round-trip form (`1.5e3`), so nothing depends
//! on SPICE suffixes or precedence. `.include`/`.lib` are already spliced into the AST and are not
//! written back; nor are warnings. Names are written as stored (lower-cased).
//!
//! What does not live here: any formatting for people (the CLI's `check` summary does that).

use crate::ast::*;
use std::fmt::{self, Display, Formatter, Write};

impl Display for Netlist {
    /// The title line, then one card per line, then `.end`.
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.title)?;
        for item in &self.items {
            writeln!(f, "{item}")?;
        }
        writeln!(f, ".end")
    }
}

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Num(x) => number(f, *x),
            Expr::Var(name) => f.write_str(name),
            Expr::Unary(op, e) => {
                let op = match op {
                    UnaryOp::Neg => '-',
                    UnaryOp::Plus => '+',
                    UnaryOp::Not => '!',
                };
                write!(f, "{op}({e})")
            }
            Expr::Binary(op, a, b) => write!(f, "({a}) {} ({b})", binary_symbol(*op)),
            Expr::Ternary(c, a, b) => write!(f, "({c}) ? ({a}) : ({b})"),
            Expr::Call(name, args) => {
                write!(f, "{name}(")?;
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{a}")?;
                }
                f.write_char(')')
            }
        }
    }
}

/// A literal number. The grammar has no negative literals (`-1` is a negation), and no
/// literal for infinity or NaN, which the parser never produces.
fn number(f: &mut Formatter<'_>, x: f64) -> fmt::Result {
    if x.is_sign_negative() && x != 0.0 {
        write!(f, "-({:e})", -x)
    } else {
        write!(f, "{:e}", x.abs())
    }
}

fn binary_symbol(op: BinaryOp) -> &'static str {
    match op {
        BinaryOp::Add => "+",
        BinaryOp::Sub => "-",
        BinaryOp::Mul => "*",
        BinaryOp::Div => "/",
        BinaryOp::Pow => "**",
        BinaryOp::Eq => "==",
        BinaryOp::Ne => "!=",
        BinaryOp::Lt => "<",
        BinaryOp::Le => "<=",
        BinaryOp::Gt => ">",
        BinaryOp::Ge => ">=",
        BinaryOp::And => "&&",
        BinaryOp::Or => "||",
    }
}

impl Display for Value {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{{{}}}", self.expr)
    }
}

impl Display for Param {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.name.name, self.value)
    }
}

/// ` a b c` for names.
fn names(f: &mut Formatter<'_>, list: &[Ident]) -> fmt::Result {
    for n in list {
        write!(f, " {}", n.name)?;
    }
    Ok(())
}

/// ` p=1 q=2`.
fn params(f: &mut Formatter<'_>, list: &[Param]) -> fmt::Result {
    for p in list {
        write!(f, " {p}")?;
    }
    Ok(())
}

impl Display for Item {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Item::Element(e) => write!(f, "{e}"),
            Item::Subckt(s) => {
                write!(f, ".subckt {}", s.name.name)?;
                names(f, &s.ports)?;
                if !s.params.is_empty() {
                    f.write_str(" params:")?;
                    params(f, &s.params)?;
                }
                writeln!(f)?;
                for item in &s.items {
                    writeln!(f, "{item}")?;
                }
                write!(f, ".ends {}", s.name.name)
            }
            Item::Params(list) => {
                f.write_str(".param")?;
                params(f, list)
            }
            Item::Model(m) => {
                write!(f, ".model {} {} (", m.name.name, m.kind.name)?;
                params(f, &m.params)?;
                for v in &m.vectors {
                    write!(f, " {}=", v.name.name)?;
                    for (i, x) in v.values.iter().enumerate() {
                        write!(f, "{}{x}", if i == 0 { "" } else { " " })?;
                    }
                }
                f.write_str(" )")
            }
            Item::Analysis(a) => write!(f, "{a}"),
            Item::Options(list) => {
                f.write_str(".options")?;
                params(f, list)
            }
            Item::Global(list) => {
                f.write_str(".global")?;
                names(f, list)
            }
            Item::Ic(list) => {
                f.write_str(".ic")?;
                for (node, value) in list {
                    write!(f, " v({})={value}", node.name)?;
                }
                Ok(())
            }
            Item::Temp(v) => write!(f, ".temp {v}"),
            Item::Measure(m) => write!(f, "{m}"),
            Item::Save(items) => {
                f.write_str(".save")?;
                for item in items {
                    match item {
                        SaveItem::All(_) => f.write_str(" all")?,
                        SaveItem::Voltage(n) => write!(f, " v({})", n.name)?,
                        SaveItem::Current(e) => write!(f, " i({})", e.name)?,
                    }
                }
                Ok(())
            }
            Item::MonteCarlo(mc) => {
                write!(f, ".mc {}", mc.runs)?;
                if let Some(s) = &mc.seed {
                    write!(f, " seed={s}")?;
                }
                if let Some(d) = &mc.dist {
                    write!(f, " dist={}", d.name)?;
                }
                Ok(())
            }
            Item::Meas(m) => write!(f, "{m}"),
            Item::Step(s) => write!(f, "{s}"),
            Item::Func(d) => {
                write!(f, ".func {}(", d.name.name)?;
                for (i, a) in d.args.iter().enumerate() {
                    write!(f, "{}{}", if i == 0 { "" } else { ", " }, a.name)?;
                }
                write!(f, ") {}", d.body)
            }
            Item::Print(c) => {
                let card = if c.plot { ".plot" } else { ".print" };
                write!(f, "{card} {}", c.analysis.name)?;
                for o in &c.outputs {
                    let args: Vec<&str> = o.args.iter().map(|a| a.name.as_str()).collect();
                    match &o.func {
                        Some(func) => write!(f, " {}({})", func.name, args.join(","))?,
                        None => write!(f, " {}", args.join(","))?,
                    }
                }
                Ok(())
            }
            Item::Conditional(c) => match &c.kind {
                ConditionalKind::If(v) => write!(f, ".if ({v})"),
                ConditionalKind::ElseIf(v) => write!(f, ".elseif ({v})"),
                ConditionalKind::Else => f.write_str(".else"),
                ConditionalKind::EndIf => f.write_str(".endif"),
            },
            Item::Four(c) => {
                write!(f, ".four {}", c.freq)?;
                for o in &c.outputs {
                    write!(f, " {o}")?;
                }
                Ok(())
            }
        }
    }
}

impl Display for AnalysisOutput {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            AnalysisOutput::Voltage(v) => write!(f, "{v}"),
            AnalysisOutput::Current(name) => write!(f, "i({})", name.name),
        }
    }
}

impl Display for OutputRef {
    /// `v(a,b)` for a difference, the bare node otherwise.
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.neg {
            Some(neg) => write!(f, "v({},{})", self.pos.name, neg.name),
            None => f.write_str(&self.pos.name),
        }
    }
}

impl Display for MeasureCard {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            MeasureCard::Cmrr {
                out,
                hot,
                cold,
                imbalance,
                ..
            } => {
                write!(f, ".cmrr {out} {} {}", hot.name, cold.name)?;
                if let Some(dz) = imbalance {
                    write!(f, " imbalance={dz}")?;
                }
                Ok(())
            }
            MeasureCard::Xtalk { channels, .. } => {
                f.write_str(".xtalk")?;
                for (src, out) in channels {
                    write!(f, " {} {out}", src.name)?;
                }
                Ok(())
            }
            MeasureCard::Hum {
                out,
                signal,
                interference,
                ..
            } => write!(f, ".hum {out} {} {}", signal.name, interference.name),
        }
    }
}

fn variation_name(v: AcVariation) -> &'static str {
    match v {
        AcVariation::Dec => "dec",
        AcVariation::Oct => "oct",
        AcVariation::Lin => "lin",
    }
}

impl Display for MeasExpr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            MeasExpr::Probe { func, args, .. } => {
                let args: Vec<&str> = args.iter().map(|a| a.name.as_str()).collect();
                write!(f, "{func}({})", args.join(","))
            }
            MeasExpr::Par(v) => write!(f, "par('{}')", v.expr),
        }
    }
}

/// A condition's edge and delay: ` rise=2 td={1e-3}`.
fn cond_tail(f: &mut Formatter<'_>, c: &MeasCond) -> fmt::Result {
    let count = |c: &MeasCount| match c {
        MeasCount::N(v) => v.to_string(),
        MeasCount::Last => "last".to_string(),
    };
    match &c.edge {
        MeasEdge::First => {}
        MeasEdge::Rise(n) => write!(f, " rise={}", count(n))?,
        MeasEdge::Fall(n) => write!(f, " fall={}", count(n))?,
        MeasEdge::Cross(n) => write!(f, " cross={}", count(n))?,
    }
    if let Some(td) = &c.td {
        write!(f, " td={td}")?;
    }
    Ok(())
}

impl Display for MeasCond {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.rhs {
            MeasRhs::Value(v) => write!(f, "{}={v}", self.lhs)?,
            MeasRhs::Expr(e) => write!(f, "{}={e}", self.lhs)?,
        }
        cond_tail(f, self)
    }
}

impl Display for MeasCard {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let analysis = match self.analysis {
            MeasAnalysis::Ac => "ac",
            MeasAnalysis::Dc => "dc",
            MeasAnalysis::Tran => "tran",
        };
        write!(f, ".meas {analysis} {} ", self.name.name)?;
        let trig = |f: &mut Formatter<'_>, t: &MeasTrig| match t {
            MeasTrig::At(v) => write!(f, "at={v}"),
            MeasTrig::When(c) => match &c.rhs {
                // trig/targ conditions print in their `val=` form.
                MeasRhs::Value(v) => {
                    write!(f, "{} val={v}", c.lhs)?;
                    cond_tail(f, c)
                }
                MeasRhs::Expr(_) => write!(f, "{c}"),
            },
        };
        match &self.kind {
            MeasKind::FindAt { expr, at } => write!(f, "find {expr} at={at}"),
            MeasKind::FindWhen { expr, when } => write!(f, "find {expr} when {when}"),
            MeasKind::When(c) => write!(f, "when {c}"),
            MeasKind::Stat {
                func,
                expr,
                from,
                to,
            } => {
                let name = match func {
                    MeasStat::Max => "max",
                    MeasStat::Min => "min",
                    MeasStat::MaxAt => "max_at",
                    MeasStat::MinAt => "min_at",
                    MeasStat::Avg => "avg",
                    MeasStat::Rms => "rms",
                    MeasStat::Pp => "pp",
                    MeasStat::Integ => "integ",
                };
                write!(f, "{name} {expr}")?;
                if let Some(v) = from {
                    write!(f, " from={v}")?;
                }
                if let Some(v) = to {
                    write!(f, " to={v}")?;
                }
                Ok(())
            }
            MeasKind::TrigTarg { trig: a, targ: b } => {
                f.write_str("trig ")?;
                trig(f, a)?;
                f.write_str(" targ ")?;
                trig(f, b)
            }
            MeasKind::Param(v) => write!(f, "param={v}"),
        }
    }
}

impl Display for StepCard {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, ".step param {}", self.param.name)?;
        match &self.sweep {
            StepSweep::List(values) => {
                f.write_str(" list")?;
                for v in values {
                    write!(f, " {v}")?;
                }
                Ok(())
            }
            StepSweep::Lin { start, stop, step } => write!(f, " lin {start} {stop} {step}"),
            StepSweep::Log {
                variation,
                start,
                stop,
                points,
            } => {
                let v = if *variation == AcVariation::Oct {
                    "oct"
                } else {
                    "dec"
                };
                write!(f, " {v} {start} {stop} {points}")
            }
        }
    }
}

impl Display for Analysis {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Analysis::Op { .. } => f.write_str(".op"),
            Analysis::Dc { sweeps, .. } => {
                f.write_str(".dc")?;
                for s in sweeps {
                    write!(f, " {} {} {} {}", s.source.name, s.start, s.stop, s.step)?;
                }
                Ok(())
            }
            Analysis::Ac {
                variation,
                points,
                fstart,
                fstop,
                ..
            } => write!(
                f,
                ".ac {} {points} {fstart} {fstop}",
                variation_name(*variation)
            ),
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
                write!(
                    f,
                    ".noise {output} {} {} {points} {fstart} {fstop}",
                    source.name,
                    variation_name(*variation)
                )?;
                if let Some(n) = pts_per_summary {
                    write!(f, " {n}")?;
                }
                Ok(())
            }
            Analysis::Tf { output, source, .. } => write!(f, ".tf {output} {}", source.name),
            Analysis::Pz {
                input,
                output,
                kind,
                which,
                ..
            } => {
                let kind = match kind {
                    PzInput::Cur => "cur",
                    PzInput::Vol => "vol",
                };
                let which = match which {
                    PzWhich::Poles => "pol",
                    PzWhich::Zeros => "zer",
                    PzWhich::Both => "pz",
                };
                write!(
                    f,
                    ".pz {} {} {} {} {kind} {which}",
                    input[0].name, input[1].name, output[0].name, output[1].name
                )
            }
            Analysis::Sp {
                variation,
                points,
                fstart,
                fstop,
                donoise,
                ..
            } => {
                write!(
                    f,
                    ".sp {} {points} {fstart} {fstop}",
                    variation_name(*variation)
                )?;
                if let Some(n) = donoise {
                    write!(f, " {n}")?;
                }
                Ok(())
            }
            Analysis::Sens { output, ac, .. } => {
                write!(f, ".sens {output}")?;
                if let Some((variation, points, fstart, fstop)) = ac {
                    write!(
                        f,
                        " ac {} {points} {fstart} {fstop}",
                        variation_name(*variation)
                    )?;
                }
                Ok(())
            }
            Analysis::Tran {
                tstep,
                tstop,
                tstart,
                tmax,
                uic,
                ..
            } => {
                write!(f, ".tran {tstep} {tstop}")?;
                if let Some(t) = tstart {
                    write!(f, " {t}")?;
                }
                if let Some(t) = tmax {
                    write!(f, " {t}")?;
                }
                if *uic {
                    f.write_str(" uic")?;
                }
                Ok(())
            }
        }
    }
}

impl Display for Element {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name.name)?;
        match &self.kind {
            ElementKind::Resistor {
                nodes,
                value,
                model,
                params: p,
            }
            | ElementKind::Capacitor {
                nodes,
                value,
                model,
                params: p,
            }
            | ElementKind::Inductor {
                nodes,
                value,
                model,
                params: p,
            } => {
                names(f, nodes)?;
                if let Some(value) = value {
                    write!(f, " {value}")?;
                }
                if let Some(model) = model {
                    write!(f, " {}", model.name)?;
                }
                params(f, p)
            }
            ElementKind::Coupling { inductors, k } => {
                names(f, inductors)?;
                write!(f, " {k}")
            }
            ElementKind::VoltageSource { nodes, source }
            | ElementKind::CurrentSource { nodes, source } => {
                names(f, nodes)?;
                write!(f, "{source}")
            }
            ElementKind::Vcvs { nodes, gain } | ElementKind::Vccs { nodes, gain } => {
                names(f, nodes)?;
                write!(f, " {gain}")
            }
            ElementKind::Behavioral {
                nodes,
                voltage,
                form,
                expr,
                ..
            } => {
                names(f, nodes)?;
                match form {
                    BehavioralForm::B => {
                        write!(f, " {}={expr}", if *voltage { "v" } else { "i" })
                    }
                    BehavioralForm::Value => write!(f, " value={expr}"),
                    BehavioralForm::Table(points) => {
                        write!(f, " table {expr} =")?;
                        for (x, y) in points {
                            write!(f, " ({x}, {y})")?;
                        }
                        Ok(())
                    }
                }
            }
            ElementKind::Cccs {
                nodes,
                control,
                gain,
            }
            | ElementKind::Ccvs {
                nodes,
                control,
                gain,
            } => {
                names(f, nodes)?;
                write!(f, " {} {gain}", control.name)
            }
            ElementKind::Poly {
                nodes,
                dimension,
                controls,
                coefficients,
            } => {
                names(f, nodes)?;
                write!(f, " poly({dimension})")?;
                names(f, controls)?;
                for c in coefficients {
                    write!(f, " {c}")?;
                }
                Ok(())
            }
            ElementKind::Instance {
                nodes,
                subckt,
                params: p,
            } => {
                names(f, nodes)?;
                write!(f, " {}", subckt.name)?;
                params(f, p)
            }
            ElementKind::Diode {
                nodes,
                model,
                area,
                params: p,
            } => {
                names(f, nodes)?;
                write!(f, " {}", model.name)?;
                if let Some(a) = area {
                    write!(f, " {a}")?;
                }
                params(f, p)
            }
            ElementKind::Jfet {
                nodes,
                model,
                area,
                off,
                ic,
                params: p,
            } => {
                names(f, nodes)?;
                write!(f, " {}", model.name)?;
                if let Some(a) = area {
                    write!(f, " {a}")?;
                }
                if *off {
                    f.write_str(" off")?;
                }
                for (i, v) in ic.iter().enumerate() {
                    let sep = if i == 0 { " ic=" } else { "," };
                    write!(f, "{sep}{v}")?;
                }
                params(f, p)
            }
            ElementKind::VSwitch { nodes, model, on } => {
                names(f, nodes)?;
                write!(f, " {}", model.name)?;
                switch_flag(f, *on)
            }
            ElementKind::CSwitch {
                nodes,
                control,
                model,
                on,
            } => {
                names(f, nodes)?;
                write!(f, " {} {}", control.name, model.name)?;
                switch_flag(f, *on)
            }
            ElementKind::Bjt {
                nodes,
                words,
                off,
                ic,
                params: p,
            } => {
                names(f, nodes)?;
                for w in words {
                    match (&w.ident, &w.value) {
                        (Some(i), _) => write!(f, " {}", i.name)?,
                        (None, Some(v)) => write!(f, " {v}")?,
                        (None, None) => {}
                    }
                }
                if *off {
                    f.write_str(" off")?;
                }
                for (i, v) in ic.iter().enumerate() {
                    let sep = if i == 0 { " ic=" } else { "," };
                    write!(f, "{sep}{v}")?;
                }
                params(f, p)
            }
            ElementKind::Mosfet {
                nodes,
                model,
                off,
                ic,
                params: p,
            } => {
                names(f, nodes)?;
                write!(f, " {}", model.name)?;
                params(f, p)?;
                if *off {
                    write!(f, " off")?;
                }
                if !ic.is_empty() {
                    let values: Vec<String> = ic.iter().map(|v| v.to_string()).collect();
                    write!(f, " ic={}", values.join(","))?;
                }
                Ok(())
            }
            ElementKind::TLine { nodes, params: p } => {
                names(f, nodes)?;
                params(f, p)
            }
            ElementKind::CoupledLine {
                nodes,
                model,
                params: p,
            } => {
                names(f, nodes)?;
                write!(f, " {}", model.name)?;
                params(f, p)
            }
            ElementKind::LossyLine {
                nodes,
                model,
                params: p,
            }
            | ElementKind::Txl {
                nodes,
                model,
                params: p,
            } => {
                names(f, nodes)?;
                write!(f, " {}", model.name)?;
                params(f, p)
            }
        }
    }
}

/// A switch's ` on` / ` off` flag, when given.
fn switch_flag(f: &mut Formatter<'_>, on: Option<bool>) -> fmt::Result {
    match on {
        Some(true) => f.write_str(" on"),
        Some(false) => f.write_str(" off"),
        None => Ok(()),
    }
}

impl Display for SourceSpec {
    /// ` dc {v} ac {m} {p} sin({a} {b} ...)`, each part only when present.
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if let Some(v) = &self.dc {
            write!(f, " dc {v}")?;
        }
        if let Some(ac) = &self.ac {
            f.write_str(" ac")?;
            if let Some(m) = &ac.mag {
                write!(f, " {m}")?;
                if let Some(p) = &ac.phase_deg {
                    write!(f, " {p}")?;
                }
            }
        }
        if let Some(t) = &self.tran {
            let (name, args, p): (&str, &[Value], &[Param]) = match t {
                TranSpec::Sin(a) => ("sin", a, &[]),
                TranSpec::Pulse(a) => ("pulse", a, &[]),
                TranSpec::Exp(a) => ("exp", a, &[]),
                TranSpec::Sffm(a) => ("sffm", a, &[]),
                TranSpec::Am(a) => ("am", a, &[]),
                TranSpec::TrNoise(a) => ("trnoise", a, &[]),
                TranSpec::TrRandom(a) => ("trrandom", a, &[]),
                TranSpec::Pwl { points, params } => ("pwl", points, params),
            };
            write!(f, " {name}(")?;
            for (i, a) in args.iter().enumerate() {
                if i > 0 {
                    f.write_char(' ')?;
                }
                write!(f, "{a}")?;
            }
            f.write_char(')')?;
            params(f, p)?;
        }
        let port = &self.port;
        for (word, v) in [
            ("portnum", &port.num),
            ("z0", &port.z0),
            ("pwr", &port.pwr),
            ("freq", &port.freq),
            ("phase", &port.phase),
        ] {
            if let Some(v) = v {
                write!(f, " {word} {v}")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::parse_str;
    use std::path::Path;

    /// A hand-written netlist prints to text that parses to the same AST (spans aside: the
    /// printed text is compared after a second round, which is a fixed point).
    #[test]
    fn printed_netlist_parses_back() {
        let text = "t\n.param a=1k b={a*2+-3^2}\n.subckt s p q params: r=1\nr1 p q {r}\n.ends\n\
                    x1 1 0 s r={b}\nv1 1 0 dc 1 ac 1 0 sin(0 1 1k)\ni1 0 2 pwl(0 0 1m 1) r=0\n\
                    r2 2 0 1k\nc1 2 0 1u ic=0\nl1 2 3 1m\nl2 3 0 1m\nk1 l1 l2 0.5\n\
                    e1 4 0 2 0 2\nr4 4 0 1\nf1 2 0 v1 3\nd1 2 0 dmod 2\n.model dmod d (is=1e-14)\n\
                    .options reltol=1e-4 gmin=1e-12\n.ic v(2)=0\n.temp 27\n.op\n\
                    .cmrr v(2,3) v1 i1 imbalance=10\n.xtalk v1 2 i1 v(3,0)\n.hum 4 v1 i1\n\
                    .dc v1 0 1 0.1\n.ac dec 10 1 1meg\n.tran 1u 1m 0 10u uic\n.end\n";
        let (ast, _) = parse_str(Path::new("t.net"), text).expect("parses");
        let printed = ast.to_string();
        let (again, _) = parse_str(Path::new("t.net"), &printed).expect("printed text parses");
        assert_eq!(again.items.len(), ast.items.len());
        assert_eq!(again.to_string(), printed);
    }
}
