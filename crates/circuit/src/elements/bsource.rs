//! `B` elements and the `E`/`G` `VALUE=` and `TABLE` forms: behavioural sources.
//!
//! The expression's names are resolved as ngspice resolves them (`inpcom.c`'s
//! `inp_bsource_compat`, then the B-source parser `inpptree.c`): `time`, `temper`, `hertz`,
//! `pi` and `e` are the built-in variables and constants; any other name is a parameter
//! (`.param` or subcircuit parameter, substituted by its value now); `v(a)`, `v(a,b)` are node
//! voltages (a node only the expression names is an error: ngspice would make it a floating
//! node) and `i(x)` the branch current of an element that has one (`V`, `E`, `H`, `L`, a `B`
//! with `V=`). Node and element names are resolved once every element is known (the fixup
//! pass), so they may be defined after the source.
//!
//! The PSpice forms are elaborated into the same circuit ngspice 39 builds from them
//! (`inp_compat` in `inpcom.c`), so the same vectors exist (`v(e1_int1)`, `i(be1)`, ...):
//! - `E1 n+ n- VALUE={expr}`: `E1 n+ n- e1_int1 0 1` and `BE1 e1_int1 0 V={expr}`;
//! - `G1 n+ n- VALUE={expr}`: `G1 n+ n- g1_int1 0 1` and `BG1 g1_int1 0 V={expr}`;
//! - `E1 n+ n- TABLE {expr} = (x1,y1) ...`: `E1 n+ n- e1_int1 0 1`, `BE1 e1_int2 0 V={expr}`
//!   and the XSPICE `pwl` model `AE1` from `e1_int2` to `e1_int1` (here a B source with a
//!   table, [`BExpr::Table`]); `G` alike. A single point `(x0, y0)` is the constant
//!   `VE1 e1_int1 0 y0`, as ngspice makes it.

use super::*;
use crate::bexpr::{BExpr, BFunc, BOp, BSource};
use netlist::{BehavioralForm, BinaryOp, Expr, UnaryOp};

/// A name in an expression, to be resolved when every element is known.
pub(crate) enum BRef {
    /// `v(name)`: the flat node name.
    Node(String),
    /// `i(name)`: the flat element name.
    Branch(String),
}

/// What turning an expression into a [`BExpr`] needs: where its names are written, and the
/// references found so far (`BExpr::Node(NodeId(k))` / `BExpr::Branch(DeviceId(k))` stand
/// for reference `k` until the fixup pass).
struct Resolver<'n> {
    element: String,
    names: &'n [Ident],
    whole: Span,
    refs: Vec<(BRef, Ident)>,
    /// The `.func` calls being expanded, innermost last.
    calls: Vec<Call>,
    /// Expression nodes `.func` arguments may still add where their names are used (see
    /// [`crate::expr::MAX_FUNC_WORK`]).
    func_budget: usize,
}

/// A `.func` call being expanded: the function scope of the definition (its body calls the
/// functions seen there), its summed body depth, and its arguments, resolved where the call
/// is written, with their sizes.
struct Call {
    scope: usize,
    nest: usize,
    args: Vec<(String, BExpr, usize)>,
}

/// The number of nodes of `e`.
fn bexpr_size(e: &BExpr) -> usize {
    match e {
        BExpr::Num(_) | BExpr::Node(_) | BExpr::Branch(_) | BExpr::Time | BExpr::Temper => 1,
        BExpr::Hertz => 1,
        BExpr::Unary(_, a) | BExpr::Table(a, _) => 1 + bexpr_size(a),
        BExpr::Binary(_, a, b) => 1 + bexpr_size(a) + bexpr_size(b),
        BExpr::Ternary(c, a, b) => 1 + bexpr_size(c) + bexpr_size(a) + bexpr_size(b),
    }
}

impl Resolver<'_> {
    /// Where `name` is written in the expression (the whole expression if not found).
    fn ident(&self, name: &str) -> Ident {
        let span = self
            .names
            .iter()
            .find(|n| n.name == name)
            .map_or(self.whole, |n| n.span);
        Ident {
            name: name.to_string(),
            span,
        }
    }

    fn error(&self, name: &str, message: String) -> ElabError {
        ElabError::Expr {
            span: self.ident(name).span,
            message: format!("{}: {message}", self.element),
        }
    }
}

/// One-argument functions by name.
fn unary_function(name: &str) -> Option<BFunc> {
    use BFunc::*;
    Some(match name {
        "abs" => Abs,
        "sgn" => Sgn,
        "sqrt" => Sqrt,
        "exp" => Exp,
        "ln" | "log" => Ln,
        "log10" => Log10,
        "sin" => Sin,
        "cos" => Cos,
        "tan" => Tan,
        "asin" => Asin,
        "acos" => Acos,
        "atan" => Atan,
        "sinh" => Sinh,
        "cosh" => Cosh,
        "tanh" => Tanh,
        "asinh" => Asinh,
        "acosh" => Acosh,
        "atanh" => Atanh,
        "u" | "stp" => U,
        "u2" => U2,
        "uramp" => Uramp,
        "floor" => Floor,
        "ceil" => Ceil,
        "nint" => Nint,
        "eq0" => Eq0,
        "ne0" => Ne0,
        "gt0" => Gt0,
        "lt0" => Lt0,
        "ge0" => Ge0,
        "le0" => Le0,
        _ => return None,
    })
}

/// Every function name the language knows (for suggestions).
const FUNCTION_NAMES: &[&str] = &[
    "abs",
    "sgn",
    "sqrt",
    "exp",
    "ln",
    "log",
    "log10",
    "sin",
    "cos",
    "tan",
    "asin",
    "acos",
    "atan",
    "sinh",
    "cosh",
    "tanh",
    "asinh",
    "acosh",
    "atanh",
    "u",
    "stp",
    "u2",
    "uramp",
    "floor",
    "ceil",
    "nint",
    "pow",
    "pwr",
    "pwrs",
    "min",
    "max",
    "if",
    "limit",
    "ternary_fcn",
    "pwl",
    "v",
    "i",
];

fn un(f: BFunc, a: BExpr) -> BExpr {
    match (f, &a) {
        // ngspice's numparam writes a negative literal as a number.
        (BFunc::Neg, BExpr::Num(v)) => BExpr::Num(-v),
        _ => BExpr::Unary(f, Box::new(a)),
    }
}

fn bin(op: BOp, a: BExpr, b: BExpr) -> BExpr {
    BExpr::Binary(op, Box::new(a), Box::new(b))
}

fn tern(c: BExpr, a: BExpr, b: BExpr) -> BExpr {
    BExpr::Ternary(Box::new(c), Box::new(a), Box::new(b))
}

impl<'a> Elab<'a> {
    /// `B`, and `E`/`G` with `VALUE=` or `TABLE`.
    pub(crate) fn behavioral(
        &mut self,
        e: &'a Element,
        name: String,
        ctx: &Ctx<'a>,
    ) -> Result<(), ElabError> {
        let ElementKind::Behavioral {
            nodes,
            voltage,
            form,
            expr,
            names,
            text,
        } = &e.kind
        else {
            unreachable!("dispatched by element kind")
        };
        let span = e.span;
        let pos = self.node(ctx, &nodes[0]);
        let neg = self.node(ctx, &nodes[1]);
        let mut r = Resolver {
            element: name.clone(),
            names,
            whole: expr.span,
            refs: Vec::new(),
            calls: Vec::new(),
            func_budget: crate::expr::MAX_FUNC_WORK,
        };
        let bexpr = self.resolve_expr(&expr.expr, ctx, &mut r)?;
        let text = text.clone();
        let raw = e.name.name.as_str();
        if matches!(form, BehavioralForm::B) {
            self.number_expression_nodes(&r.refs);
            let index = self.push_device(
                name,
                span,
                DeviceKind::BSource(Box::new(BSource {
                    pos,
                    neg,
                    voltage: *voltage,
                    expr: bexpr,
                    text,
                })),
            );
            self.fixups.push(Fixup::Behavioral {
                device: index,
                element: r.element.clone(),
                refs: r.refs,
            });
            return Ok(());
        }
        // E/G: the controlled source from the internal node `<name>_int1`.
        let int1 = netlist::Ident {
            name: format!("{raw}_int1"),
            span: e.name.span,
        };
        let int1 = self.node(ctx, &int1);
        self.number_expression_nodes(&r.refs);
        let kind = if *voltage {
            DeviceKind::Vcvs {
                pos,
                neg,
                ctrl_pos: int1,
                ctrl_neg: NodeId::GROUND,
                gain: 1.0,
            }
        } else {
            DeviceKind::Vccs {
                pos,
                neg,
                ctrl_pos: int1,
                ctrl_neg: NodeId::GROUND,
                transconductance_s: 1.0,
            }
        };
        self.push_device(name.clone(), span, kind);
        let b_name = Self::device_name(ctx, &format!("b{raw}"));
        match form {
            BehavioralForm::B => unreachable!("handled above"),
            BehavioralForm::Value => {
                self.register_name(&b_name, span)?;
                let index = self.push_device(
                    b_name,
                    span,
                    DeviceKind::BSource(Box::new(BSource {
                        pos: int1,
                        neg: NodeId::GROUND,
                        voltage: true,
                        expr: bexpr,
                        text,
                    })),
                );
                self.fixups.push(Fixup::Behavioral {
                    device: index,
                    element: r.element.clone(),
                    refs: r.refs,
                });
            }
            BehavioralForm::Table(points) => {
                let mut table = Vec::with_capacity(points.len());
                for (x, y) in points {
                    table.push((self.eval(x)?, self.eval(y)?));
                }
                if let Some(w) = table.windows(2).position(|w| w[1].0 <= w[0].0) {
                    return Err(ElabError::InvalidValue {
                        span: points[w + 1].0.span,
                        element: name,
                        message: format!(
                            "table x values must increase: {} follows {}",
                            fmt_num(table[w + 1].0),
                            fmt_num(table[w].0)
                        ),
                    });
                }
                if table.len() == 1 {
                    // ngspice: a single pair is a constant source `v<name> <name>_int1 0 y0`.
                    let v_name = Self::device_name(ctx, &format!("v{raw}"));
                    self.register_name(&v_name, span)?;
                    self.push_device(
                        v_name,
                        span,
                        DeviceKind::VoltageSource {
                            pos: int1,
                            neg: NodeId::GROUND,
                            source: Source {
                                dc: table[0].1,
                                ..Default::default()
                            },
                        },
                    );
                    return Ok(());
                }
                let int2 = netlist::Ident {
                    name: format!("{raw}_int2"),
                    span: e.name.span,
                };
                let int2 = self.node(ctx, &int2);
                self.register_name(&b_name, span)?;
                let index = self.push_device(
                    b_name,
                    span,
                    DeviceKind::BSource(Box::new(BSource {
                        pos: int2,
                        neg: NodeId::GROUND,
                        voltage: true,
                        expr: bexpr,
                        text,
                    })),
                );
                self.fixups.push(Fixup::Behavioral {
                    device: index,
                    element: r.element.clone(),
                    refs: r.refs,
                });
                let a_name = Self::device_name(ctx, &format!("a{raw}"));
                self.register_name(&a_name, span)?;
                self.push_device(
                    a_name,
                    span,
                    DeviceKind::BSource(Box::new(BSource {
                        pos: int1,
                        neg: NodeId::GROUND,
                        voltage: true,
                        expr: BExpr::Table(Box::new(BExpr::Node(int2)), table),
                        text: format!("table of {raw}"),
                    })),
                );
            }
        }
        Ok(())
    }

    /// Resolves parameters, functions and the operators' ngspice forms; node and branch
    /// references are left as reference indices (see [`Resolver`]).
    fn resolve_expr(
        &mut self,
        e: &Expr,
        ctx: &Ctx<'a>,
        r: &mut Resolver,
    ) -> Result<BExpr, ElabError> {
        Ok(match e {
            Expr::Num(v) => BExpr::Num(*v),
            Expr::Var(name) => match name.as_str() {
                "time" => BExpr::Time,
                "temper" => BExpr::Temper,
                "hertz" => {
                    self.warn(
                        r.ident(name).span,
                        format!(
                            "{}: 'hertz' is 0 in every analysis (ngspice re-solves the operating \
                             point at each .ac frequency with hertz set to it)",
                            r.element
                        ),
                    );
                    BExpr::Hertz
                }
                "pi" => BExpr::Num(std::f64::consts::PI),
                "e" => BExpr::Num(std::f64::consts::E),
                _ if r
                    .calls
                    .last()
                    .is_some_and(|c| c.args.iter().any(|(a, _, _)| a == name)) =>
                {
                    let call = r.calls.last().expect("checked above");
                    let Some((_, b, size)) = call.args.iter().find(|(a, _, _)| a == name) else {
                        unreachable!("checked above")
                    };
                    let b = b.clone();
                    r.func_budget =
                        r.func_budget
                            .checked_sub(*size)
                            .ok_or_else(|| ElabError::Expr {
                                span: r.whole,
                                message: format!(
                                    "{}: the expression's functions expand to more than {} terms",
                                    r.element,
                                    crate::expr::MAX_FUNC_WORK
                                ),
                            })?;
                    b
                }
                _ => {
                    let span = r.ident(name).span;
                    // PSpice's predefined names not defined by the netlist stay run-time terms
                    // (the parameter evaluator would give their value at the circuit's
                    // temperature).
                    if !self.params.is_defined(name) {
                        if let Some(p) = pspice_predefined(name) {
                            return Ok(p);
                        }
                    }
                    match self.params.eval(e, span) {
                        Ok(v) => BExpr::Num(v),
                        Err(ElabError::Expr { message, .. })
                            if message.starts_with(&format!("unknown parameter '{name}'")) =>
                        {
                            if let Some(p) = pspice_predefined(name) {
                                return Ok(p);
                            }
                            return Err(r.error(
                                name,
                                format!(
                                    "{message} in the expression (names there are parameters, \
                                     time, temper, hertz, pi, e; nodes are written v(node))"
                                ),
                            ));
                        }
                        Err(err) => return Err(err),
                    }
                }
            },
            Expr::Unary(op, a) => {
                let a = self.resolve_expr(a, ctx, r)?;
                match op {
                    UnaryOp::Neg => un(BFunc::Neg, a),
                    UnaryOp::Plus => a,
                    UnaryOp::Not => un(BFunc::Eq0, a),
                }
            }
            Expr::Binary(op, a, b) => {
                let a = self.resolve_expr(a, ctx, r)?;
                let b = self.resolve_expr(b, ctx, r)?;
                let cmp = |f, a, b| un(f, bin(BOp::Sub, a, b));
                match op {
                    BinaryOp::Add => bin(BOp::Add, a, b),
                    BinaryOp::Sub => bin(BOp::Sub, a, b),
                    BinaryOp::Mul => bin(BOp::Mul, a, b),
                    BinaryOp::Div => bin(BOp::Div, a, b),
                    BinaryOp::Pow => bin(BOp::Pow, a, b),
                    BinaryOp::Eq => cmp(BFunc::Eq0, a, b),
                    BinaryOp::Ne => cmp(BFunc::Ne0, a, b),
                    BinaryOp::Lt => cmp(BFunc::Lt0, a, b),
                    BinaryOp::Le => cmp(BFunc::Le0, a, b),
                    BinaryOp::Gt => cmp(BFunc::Gt0, a, b),
                    BinaryOp::Ge => cmp(BFunc::Ge0, a, b),
                    BinaryOp::And => un(
                        BFunc::Eq0,
                        bin(BOp::Add, un(BFunc::Eq0, a), un(BFunc::Eq0, b)),
                    ),
                    BinaryOp::Or => un(
                        BFunc::Ne0,
                        bin(BOp::Add, un(BFunc::Ne0, a), un(BFunc::Ne0, b)),
                    ),
                }
            }
            Expr::Ternary(c, a, b) => {
                let c = self.resolve_expr(c, ctx, r)?;
                let a = self.resolve_expr(a, ctx, r)?;
                let b = self.resolve_expr(b, ctx, r)?;
                tern(c, a, b)
            }
            Expr::Call(f, args) => self.resolve_call(f, args, ctx, r)?,
        })
    }

    /// A resistor or capacitor whose value uses `v()`, `i()`, `time`, `temper` or `hertz`
    /// (`R2 a b R='res*(1+v(c))'`), built as ngspice 39 builds it (`inp_compat` in
    /// `inpcom.c`, whose test is [`wants_b_source`]):
    /// - `Rxx a b R=expr`: `BRxx a b I = v(a, b)/(expr)`;
    /// - `Cxx a b C=expr`: `ECxx cxx_int1 0 b a 1`, `CCxx cxx_int1 0 1` and
    ///   `BCxx a b I = i(ecxx) * (expr)`: the current of a 1 F capacitor driven by the
    ///   voltage, scaled by the expression (ngspice 39's form; later versions sense it
    ///   through a 1 uF capacitor and a zero-volt source).
    ///
    /// The card's other parameters (`m=`, `tc1=`, ...) are not applied.
    pub(crate) fn behavioral_passive(
        &mut self,
        e: &'a Element,
        ctx: &Ctx<'a>,
        nodes: &[netlist::Node; 2],
        value: &Value,
    ) -> Result<(), ElabError> {
        let raw = e.name.name.as_str();
        let span = e.span;
        let at = |name: String| netlist::Ident {
            name,
            span: e.name.span,
        };
        let (pos, neg) = (self.node(ctx, &nodes[0]), self.node(ctx, &nodes[1]));
        let var = |n: &str| Expr::Var(n.to_string());
        let current = if raw.starts_with('c') {
            let int1 = self.node(ctx, &at(format!("{raw}_int1")));
            let sense = format!("e{raw}");
            self.push_device(
                Self::device_name(ctx, &sense),
                span,
                DeviceKind::Vcvs {
                    pos: int1,
                    neg: NodeId::GROUND,
                    ctrl_pos: neg,
                    ctrl_neg: pos,
                    gain: 1.0,
                },
            );
            self.push_device(
                Self::device_name(ctx, &format!("c{raw}")),
                span,
                DeviceKind::Capacitor {
                    a: int1,
                    b: NodeId::GROUND,
                    capacitance_f: 1.0,
                    ic_v: None,
                },
            );
            Expr::Binary(
                BinaryOp::Mul,
                Box::new(Expr::Call("i".to_string(), vec![var(&sense)])),
                Box::new(value.expr.clone()),
            )
        } else {
            Expr::Binary(
                BinaryOp::Div,
                Box::new(Expr::Call(
                    "v".to_string(),
                    vec![var(&nodes[0].name), var(&nodes[1].name)],
                )),
                Box::new(value.expr.clone()),
            )
        };
        let name = Self::device_name(ctx, &format!("b{raw}"));
        let mut r = Resolver {
            element: name.clone(),
            names: &[],
            whole: value.span,
            refs: Vec::new(),
            calls: Vec::new(),
            func_budget: crate::expr::MAX_FUNC_WORK,
        };
        let expr = self.resolve_expr(&current, ctx, &mut r)?;
        self.number_expression_nodes(&r.refs);
        let index = self.push_device(
            name,
            span,
            DeviceKind::BSource(Box::new(BSource {
                pos,
                neg,
                voltage: false,
                expr,
                text: current.to_string(),
            })),
        );
        self.fixups.push(Fixup::Behavioral {
            device: index,
            element: r.element,
            refs: r.refs,
        });
        Ok(())
    }

    /// `pwl(x, x1, y1, x2, y2, ...)`, ngspice's B-source PWL function (`PTpwl` in
    /// `ptfuncs.c`): linear interpolation between constant points of strictly increasing x,
    /// extended linearly beyond the first and the last segment; at a point's own x the
    /// segment to its right. Built as nested choices (`x < x2 ? seg1 : x < x3 ? seg2 : ...`),
    /// each segment `y1 + (y2 - y1) * (x - x1) / (x2 - x1)` in ngspice's order of operations,
    /// so the value and its derivative are ngspice's.
    fn resolve_pwl(
        &mut self,
        args: &[Expr],
        ctx: &Ctx<'a>,
        r: &mut Resolver,
    ) -> Result<BExpr, ElabError> {
        if args.len() < 5 || args.len().is_multiple_of(2) {
            return Err(r.error(
                "pwl",
                format!(
                    "pwl() takes an input and at least two x, y pairs, {} arguments given",
                    args.len()
                ),
            ));
        }
        let mut values = Vec::with_capacity(args.len() - 1);
        for a in &args[1..] {
            match self.params.eval(a, r.whole) {
                Ok(v) => values.push(v),
                Err(_) => {
                    return Err(r.error(
                        "pwl",
                        format!("pwl() points must be constants, found '{a}'"),
                    ))
                }
            }
        }
        let points: Vec<(f64, f64)> = values.chunks(2).map(|p| (p[0], p[1])).collect();
        if let Some(w) = points.windows(2).find(|w| w[0].0 >= w[1].0) {
            return Err(r.error(
                "pwl",
                format!(
                    "pwl() needs strictly increasing x values, found {} then {}",
                    fmt_num(w[0].0),
                    fmt_num(w[1].0)
                ),
            ));
        }
        let x = self.resolve_expr(&args[0], ctx, r)?;
        let segment = |k: usize| {
            let ((x0, y0), (x1, y1)) = (points[k], points[k + 1]);
            bin(
                BOp::Add,
                BExpr::Num(y0),
                bin(
                    BOp::Div,
                    bin(
                        BOp::Mul,
                        BExpr::Num(y1 - y0),
                        bin(BOp::Sub, x.clone(), BExpr::Num(x0)),
                    ),
                    BExpr::Num(x1 - x0),
                ),
            )
        };
        let last = points.len() - 2;
        let mut e = segment(last);
        for k in (0..last).rev() {
            let below = un(
                BFunc::Lt0,
                bin(BOp::Sub, x.clone(), BExpr::Num(points[k + 1].0)),
            );
            e = tern(below, segment(k), e);
        }
        Ok(e)
    }

    fn resolve_call(
        &mut self,
        f: &str,
        args: &[Expr],
        ctx: &Ctx<'a>,
        r: &mut Resolver,
    ) -> Result<BExpr, ElabError> {
        let from = r.calls.last().map(|c| c.scope);
        if let Some(user) = self.params.func_from(f, from) {
            return self.expand_call(&user, args, ctx, r);
        }
        let want = match f {
            "v" => {
                if !(1..=2).contains(&args.len()) {
                    return Err(r.error(f, "v() takes one or two node names".into()));
                }
                let mut parts = Vec::new();
                for a in args {
                    let Expr::Var(node) = a else {
                        return Err(r.error(f, "v() takes node names".into()));
                    };
                    parts.push(self.node_ref(node, ctx, r));
                }
                let mut parts = parts.into_iter();
                let first = parts.next().unwrap_or(BExpr::Num(0.0));
                return Ok(match parts.next() {
                    Some(second) => bin(BOp::Sub, first, second),
                    None => first,
                });
            }
            "i" => {
                let [Expr::Var(element)] = args else {
                    return Err(r.error(f, "i() takes one element name".into()));
                };
                let target = Self::device_name(ctx, element);
                let k = r.refs.len() as u32;
                let written = r.ident(element);
                r.refs.push((BRef::Branch(target), written));
                return Ok(BExpr::Branch(DeviceId(k)));
            }
            "pwl" => return self.resolve_pwl(args, ctx, r),
            "pow" | "pwr" | "pwrs" | "min" | "max" => 2,
            "limit" | "if" | "ternary_fcn" => 3,
            _ => {
                if unary_function(f).is_none() {
                    let hint = crate::suggest::did_you_mean(f, FUNCTION_NAMES.iter().copied());
                    return Err(r.error(f, format!("unknown function '{f}'{hint}")));
                }
                1
            }
        };
        if args.len() != want {
            let s = if want == 1 { "" } else { "s" };
            return Err(r.error(
                f,
                format!(
                    "function '{f}' takes {want} argument{s}, {} given",
                    args.len()
                ),
            ));
        }
        let mut v = Vec::with_capacity(want);
        for a in args {
            v.push(self.resolve_expr(a, ctx, r)?);
        }
        let mut v = v.into_iter();
        let mut next = || v.next().unwrap_or(BExpr::Num(0.0));
        Ok(match f {
            "pow" => bin(BOp::Pow, next(), next()),
            "pwr" => bin(BOp::Pwr, next(), next()),
            // ngspice's PSpice mode: `.func pwrs(x, a) { sgn(x) * pow(x, a) }`.
            "pwrs" => {
                let (x, a) = (next(), next());
                bin(BOp::Mul, un(BFunc::Sgn, x.clone()), bin(BOp::Pow, x, a))
            }
            "min" => bin(BOp::Min, next(), next()),
            "max" => bin(BOp::Max, next(), next()),
            "if" | "ternary_fcn" => {
                let (c, a, b) = (next(), next(), next());
                tern(c, a, b)
            }
            // ngspice's PSpice mode: `.func limit(x, a, b) { ternary_fcn(a > b,
            // max(min(x, a), b), max(min(x, b), a)) }`.
            "limit" => {
                let (x, a, b) = (next(), next(), next());
                tern(
                    un(BFunc::Gt0, bin(BOp::Sub, a.clone(), b.clone())),
                    bin(BOp::Max, bin(BOp::Min, x.clone(), a.clone()), b.clone()),
                    bin(BOp::Max, bin(BOp::Min, x, b), a),
                )
            }
            _ => match unary_function(f) {
                Some(func) => un(func, next()),
                None => unreachable!("checked above"),
            },
        })
    }

    /// A `.func` call: its arguments resolved here, then its body with them bound (ngspice
    /// substitutes the arguments' text, `v()`/`i()` excepted, which is the same tree).
    fn expand_call(
        &mut self,
        user: &crate::expr::UserFunc,
        args: &[Expr],
        ctx: &Ctx<'a>,
        r: &mut Resolver,
    ) -> Result<BExpr, ElabError> {
        let def = &user.def;
        let span = r.ident(&def.name.name).span;
        // The source's name before the message, as its other errors have it.
        let named = |e: ElabError| match e {
            ElabError::Expr { span, message } => ElabError::Expr {
                span,
                message: format!("{}: {message}", r.element),
            },
            other => other,
        };
        if args.len() != def.args.len() {
            return Err(named(crate::expr::func_arity_error(def, args.len(), span)));
        }
        let nest = r.calls.last().map_or(0, |c| c.nest) + user.depth;
        if nest > crate::expr::MAX_FUNC_NEST {
            return Err(named(crate::expr::func_depth_error(def, span)));
        }
        let mut bound = Vec::with_capacity(args.len());
        for (name, a) in def.args.iter().zip(args) {
            let b = self.resolve_expr(a, ctx, r)?;
            let size = bexpr_size(&b);
            bound.push((name.name.clone(), b, size));
        }
        r.calls.push(Call {
            scope: user.scope,
            nest,
            args: bound,
        });
        let result = self.resolve_expr(&def.body.expr, ctx, r);
        r.calls.pop();
        result
    }

    /// `v(node)`: ground is 0; any other node is a reference resolved by the fixup pass.
    fn node_ref(&mut self, node: &str, ctx: &Ctx<'a>, r: &mut Resolver) -> BExpr {
        let flat = self.node_name(ctx, node);
        if flat == "0" {
            return BExpr::Num(0.0);
        }
        let k = r.refs.len() as u32;
        let written = r.ident(node);
        r.refs.push((BRef::Node(flat), written));
        BExpr::Node(NodeId(k))
    }

    /// Numbers the nodes an expression reads that no element has connected yet, in the order
    /// read, after the element's own nodes: ngspice numbers them when it parses the `B` line
    /// (an E/G `VALUE` becomes one, after the E/G's internal node), which fixes their order in
    /// its output. The fixup still rejects one that no terminal connects.
    fn number_expression_nodes(&mut self, refs: &[(BRef, Ident)]) {
        for (r, _) in refs {
            if let BRef::Node(flat) = r {
                if !self.node_ids.contains_key(flat.as_str()) {
                    let id = NodeId(self.nodes.len() as u32);
                    self.node_ids.insert(CompactString::from(flat.as_str()), id);
                    self.nodes.push(flat.clone());
                    self.expr_only_nodes.insert(id);
                }
            }
        }
    }

    /// The fixup of a behavioural source: its `v()` and `i()` references become node and
    /// device ids.
    pub(crate) fn resolve_behavioral(
        &mut self,
        device: usize,
        element: String,
        refs: Vec<(BRef, Ident)>,
    ) -> Result<(), ElabError> {
        let mut nodes = Vec::with_capacity(refs.len());
        let mut branches = Vec::with_capacity(refs.len());
        for (r, written) in &refs {
            match r {
                BRef::Node(flat) => {
                    let id = self.node_ids.get(flat.as_str()).copied();
                    let Some(id) = id.filter(|id| !self.expr_only_nodes.contains(id)) else {
                        let hint = crate::suggest::did_you_mean(
                            &written.name,
                            (self.nodes.iter().enumerate())
                                .filter(|(k, _)| !self.expr_only_nodes.contains(&NodeId(*k as u32)))
                                .map(|(_, n)| n.as_str()),
                        );
                        return Err(ElabError::BadReference {
                            span: written.span,
                            element,
                            message: format!(
                                "unknown node '{}' in v(): no element connects to it{hint}",
                                written.name
                            ),
                        });
                    };
                    nodes.push(id);
                    branches.push(DeviceId(u32::MAX));
                }
                BRef::Branch(target) => {
                    let id = self.expect_kind(
                        target,
                        written,
                        &element,
                        "an element with a branch current (V, E, H, L or a B source with V=)",
                        |k| match k {
                            DeviceKind::VoltageSource { .. }
                            | DeviceKind::Inductor { .. }
                            | DeviceKind::Vcvs { .. }
                            | DeviceKind::Ccvs { .. } => true,
                            DeviceKind::BSource(b) => b.voltage,
                            _ => false,
                        },
                    )?;
                    nodes.push(NodeId::GROUND);
                    branches.push(id);
                }
            }
        }
        let DeviceKind::BSource(b) = &mut self.devices[device].kind else {
            panic!("behavioural fixup on a device that is not a B source");
        };
        b.expr.visit_refs_mut(&mut |e| match e {
            BExpr::Node(k) => *e = BExpr::Node(nodes[k.index()]),
            BExpr::Branch(k) => *e = BExpr::Branch(branches[k.index()]),
            _ => {}
        });
        Ok(())
    }
}

/// The parameters ngspice 39's PSpice mode defines in every model file (`pspice_compat` in
/// `inpcom.c`: `.param temp = 'temper'`, `.param vt = '(temper + 273.15) * 8.6173303e-5'`,
/// `.param gmin = 1e-12`), for a behavioural expression that names one the netlist does not
/// define: `temp` is the run-time temperature (deg C), `vt` the thermal voltage kT/q at it (V),
/// `gmin` the number 1e-12 (not `.options gmin`).
fn pspice_predefined(name: &str) -> Option<BExpr> {
    Some(match name {
        "temp" => BExpr::Temper,
        "vt" => bin(
            BOp::Mul,
            bin(BOp::Add, BExpr::Temper, BExpr::Num(273.15)),
            BExpr::Num(8.617_330_3e-5),
        ),
        "gmin" => BExpr::Num(1e-12),
        _ => return None,
    })
}

/// Whether ngspice 39 makes an `R`/`C`/`L` value into a B source (`b_transformation_wanted`
/// in `inpcom.c`): it calls `v()` or `i()` or names `time` or `hertz`. (ngspice also
/// transforms a value naming `temper`; balun evaluates that at the circuit temperature when it
/// builds the circuit, which gives the same element, so it stays a plain value.)
pub(crate) fn wants_b_source(e: &Expr) -> bool {
    match e {
        Expr::Num(_) => false,
        Expr::Var(n) => matches!(n.as_str(), "time" | "hertz"),
        Expr::Unary(_, a) => wants_b_source(a),
        Expr::Binary(_, a, b) => wants_b_source(a) || wants_b_source(b),
        Expr::Ternary(c, a, b) => wants_b_source(c) || wants_b_source(a) || wants_b_source(b),
        Expr::Call(f, args) => f == "v" || f == "i" || args.iter().any(wants_b_source),
    }
}
