//! Expression evaluation: [`netlist::Expr`] to `f64`, with ngspice 39 numparam semantics.
//!
//! What lives here: the arithmetic, the built-in functions and constants, and the
//! [`ParamLookup`] trait through which a scope supplies parameter values. Scoping itself
//! (global `.param`, subcircuit frames, lazy resolution, cycle detection) lives in
//! `elaborate.rs`; this module only asks "what is `rval`?".
//!
//! Semantics, checked against ngspice 39 (`src/frontend/numparam/xpressn.c` and runs of
//! `ngspice -b`):
//! - `a ^ b` and `a ** b` are `pow(|a|, b)` (numparam's `operate('^')`): `(-2)^3 = 8`.
//!   The function `pow(a, b)` is the C `pow`: `pow(-2, 3) = -8`, `pow(-2, 0.5)` is NaN (an error
//!   here). `pwr(a, b)` is `pow(|a|, b)`.
//! - `log` and `ln` are both the natural logarithm (`log(100) = 4.605170185988093`); `log10`
//!   is base 10.
//! - `int` truncates toward zero; `nint` rounds half to even (`nint(2.5) = 2`, `nint(3.5) = 4`).
//! - Comparisons, `&&`, `||` and `!` give 1.0 or 0.0; any non-zero value is true.
//! - ngspice 39 has no `pi`, `e` or `atan2`; balun accepts them (a superset), and a user
//!   parameter of the same name shadows a constant.

use crate::ElabError;
use netlist::{BinaryOp, Expr, FuncDef, Span, UnaryOp, MAX_EXPR_TREE_DEPTH};
use std::collections::HashMap;
use std::sync::Arc;

/// Supplies parameter values to [`eval`].
pub trait ParamLookup {
    /// The value of parameter `name`, `None` if it is not defined in this scope, or an error
    /// if defining it failed (e.g. its own expression refers to an unknown name, or a cycle).
    fn get(&mut self, name: &str) -> Option<Result<f64, ElabError>>;
    /// Every name visible in this scope (used to suggest a close name in error messages).
    fn names(&self) -> Vec<String>;
    /// The `.func` named `name` visible from the body of the function defined in scope `from`
    /// (a function's body calls the functions of the scope it is defined in, as ngspice
    /// expands function bodies where they are defined), or from this scope when `None`.
    fn func(&self, _name: &str, _from: Option<usize>) -> Option<UserFunc> {
        None
    }
    /// The summed tree depth of the `.func` bodies being evaluated (0 outside any).
    fn call_nest(&self) -> usize {
        0
    }
}

/// A `.func` found by [`ParamLookup::func`]: the definition, the function scope it belongs to
/// and the tree depth of its body.
#[derive(Debug, Clone)]
pub struct UserFunc {
    pub def: Arc<FuncDef>,
    pub scope: usize,
    pub depth: usize,
}

/// Deepest nesting of `.func` bodies, summed over the calls in progress (each body's tree
/// depth): a function calling itself never ends, and deep recursion would exhaust the stack.
pub const MAX_FUNC_NEST: usize = 4 * MAX_EXPR_TREE_DEPTH;

/// Most `.func` calls one evaluation may make (and most expression nodes the expansion of
/// one B-source expression may have): functions calling functions twice each, a few dozen
/// deep, would otherwise run for ages.
pub const MAX_FUNC_WORK: usize = 1_000_000;

thread_local! {
    /// (evaluations in progress on this thread, `.func` calls made by the outermost one).
    static FUNC_WORK: std::cell::Cell<(usize, usize)> = const { std::cell::Cell::new((0, 0)) };
}

/// The error for an expansion past [`MAX_FUNC_WORK`].
pub(crate) fn func_work_error(f: &FuncDef, span: Span) -> ElabError {
    ElabError::Expr {
        span,
        message: format!(
            "function '{}' expands to more than {MAX_FUNC_WORK} calls or terms",
            f.name.name
        ),
    }
}

/// The tree depth of an expression.
pub(crate) fn expr_depth(e: &Expr) -> usize {
    match e {
        Expr::Num(_) | Expr::Var(_) => 1,
        Expr::Call(_, a) => 1 + a.iter().map(expr_depth).max().unwrap_or(0),
        Expr::Unary(_, a) => 1 + expr_depth(a),
        Expr::Binary(_, a, b) => 1 + expr_depth(a).max(expr_depth(b)),
        Expr::Ternary(c, a, b) => 1 + expr_depth(c).max(expr_depth(a)).max(expr_depth(b)),
    }
}

/// The scope of a `.func` body: its arguments' values, then the caller's scope.
struct Bound<'s> {
    args: Vec<(String, f64)>,
    outer: &'s mut dyn ParamLookup,
    /// The function scope the function is defined in.
    scope: usize,
    nest: usize,
}

impl ParamLookup for Bound<'_> {
    fn get(&mut self, name: &str) -> Option<Result<f64, ElabError>> {
        match self.args.iter().find(|(a, _)| a == name) {
            Some((_, v)) => Some(Ok(*v)),
            None => self.outer.get(name),
        }
    }
    fn names(&self) -> Vec<String> {
        let mut names = self.outer.names();
        names.extend(self.args.iter().map(|(a, _)| a.clone()));
        names
    }
    fn func(&self, name: &str, from: Option<usize>) -> Option<UserFunc> {
        self.outer.func(name, from.or(Some(self.scope)))
    }
    fn call_nest(&self) -> usize {
        self.nest
    }
}

/// The error for a `.func` called with the wrong number of arguments.
pub(crate) fn func_arity_error(f: &FuncDef, given: usize, span: Span) -> ElabError {
    let want = f.args.len();
    let plural = if want == 1 { "" } else { "s" };
    ElabError::Expr {
        span,
        message: format!(
            "function '{}' takes {want} argument{plural}, but {given} were given",
            f.name.name
        ),
    }
}

/// The error for `.func` calls nested deeper than [`MAX_FUNC_NEST`].
pub(crate) fn func_depth_error(f: &FuncDef, span: Span) -> ElabError {
    ElabError::Expr {
        span,
        message: format!(
            "function '{}' nests calls too deeply (does it call itself?)",
            f.name.name
        ),
    }
}

/// `.func` `f` called with `args`: each argument evaluated in the caller's scope, then the body
/// with the arguments bound (ngspice expands the call as a macro: the same value, as the
/// arguments are plain values there too).
fn call_user(
    f: &UserFunc,
    args: &[Expr],
    span: Span,
    scope: &mut dyn ParamLookup,
) -> Result<f64, ElabError> {
    let def = &f.def;
    if args.len() != def.args.len() {
        return Err(func_arity_error(def, args.len(), span));
    }
    let nest = scope.call_nest() + f.depth;
    if nest > MAX_FUNC_NEST {
        return Err(func_depth_error(def, span));
    }
    let calls = FUNC_WORK.with(|w| {
        let (n, calls) = w.get();
        w.set((n, calls + 1));
        calls + 1
    });
    if calls > MAX_FUNC_WORK {
        return Err(func_work_error(def, span));
    }
    let mut bound = Vec::with_capacity(args.len());
    for (name, a) in def.args.iter().zip(args) {
        bound.push((name.name.clone(), eval_inner(a, span, scope)?));
    }
    let mut inner = Bound {
        args: bound,
        outer: scope,
        scope: f.scope,
        nest,
    };
    eval_inner(&def.body.expr, span, &mut inner)
}

impl ParamLookup for HashMap<String, f64> {
    fn get(&mut self, name: &str) -> Option<Result<f64, ElabError>> {
        HashMap::get(self, name).map(|v| Ok(*v))
    }
    fn names(&self) -> Vec<String> {
        self.keys().cloned().collect()
    }
}

/// A scope with no parameters: only the constants.
pub struct NoParams;

impl ParamLookup for NoParams {
    fn get(&mut self, _name: &str) -> Option<Result<f64, ElabError>> {
        None
    }
    fn names(&self) -> Vec<String> {
        Vec::new()
    }
}

/// Built-in constants, used when no parameter of that name is visible.
const CONSTANTS: [(&str, f64); 2] = [("pi", std::f64::consts::PI), ("e", std::f64::consts::E)];

/// Built-in functions and their argument counts (`limit` also takes 2: below).
const FUNCTIONS: [(&str, usize); 42] = [
    ("limit", 3),
    ("pwrs", 2),
    ("u", 1),
    ("stp", 1),
    ("u2", 1),
    ("uramp", 1),
    ("agauss", 3),
    ("gauss", 3),
    ("aunif", 2),
    ("unif", 2),
    ("sqr", 1),
    ("sqrt", 1),
    ("exp", 1),
    ("ln", 1),
    ("log", 1),
    ("log10", 1),
    ("abs", 1),
    ("sin", 1),
    ("cos", 1),
    ("tan", 1),
    ("asin", 1),
    ("acos", 1),
    ("atan", 1),
    ("arctan", 1),
    ("sinh", 1),
    ("cosh", 1),
    ("tanh", 1),
    ("asinh", 1),
    ("acosh", 1),
    ("atanh", 1),
    ("floor", 1),
    ("ceil", 1),
    ("int", 1),
    ("nint", 1),
    ("sgn", 1),
    ("min", 2),
    ("max", 2),
    ("pow", 2),
    ("pwr", 2),
    ("atan2", 2),
    ("ternary_fcn", 3),
    ("if", 3),
];

/// Evaluates `expr`; `span` is the span of the value it came from (errors point there).
pub fn eval(expr: &Expr, span: Span, scope: &mut dyn ParamLookup) -> Result<f64, ElabError> {
    // The `.func` call budget is per outermost evaluation (a parameter resolved on the way
    // is a nested one, and counts towards it).
    FUNC_WORK.with(|w| {
        let (n, calls) = w.get();
        w.set((n + 1, if n == 0 { 0 } else { calls }));
    });
    let value = eval_inner(expr, span, scope);
    FUNC_WORK.with(|w| {
        let (n, calls) = w.get();
        w.set((n.saturating_sub(1), calls));
    });
    check_finite(value?, span, || "the expression".to_string())
}

/// Evaluates `expr` with the constants only (no parameters).
pub fn eval_const(expr: &Expr, span: Span) -> Result<f64, ElabError> {
    eval(expr, span, &mut NoParams)
}

fn check_finite(value: f64, span: Span, what: impl FnOnce() -> String) -> Result<f64, ElabError> {
    if value.is_finite() {
        Ok(value)
    } else {
        let kind = if value.is_nan() {
            "is not a number (NaN)"
        } else {
            "is infinite"
        };
        Err(ElabError::Expr {
            span,
            message: format!("{} {kind}", what()),
        })
    }
}

/// Formats a number for a message: plain when moderate, scientific otherwise (`1e200`).
pub(crate) fn fmt_num(x: f64) -> String {
    if x == 0.0 || (1e-4..1e6).contains(&x.abs()) {
        format!("{x}")
    } else {
        format!("{x:e}")
    }
}

fn sgn(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x == 0.0 {
        0.0
    } else {
        -1.0
    }
}

/// ngspice's `u(x)`: 1 above 0, 0 below, 0.5 at 0.
fn step(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x == 0.0 {
        0.5
    } else {
        0.0
    }
}

fn truth(x: f64) -> bool {
    x != 0.0
}

fn bool_value(b: bool) -> f64 {
    if b {
        1.0
    } else {
        0.0
    }
}

fn eval_inner(expr: &Expr, span: Span, scope: &mut dyn ParamLookup) -> Result<f64, ElabError> {
    match expr {
        Expr::Num(x) => Ok(*x),
        Expr::Var(name) => lookup(name, span, scope),
        Expr::Unary(op, a) => {
            let a = eval_inner(a, span, scope)?;
            Ok(match op {
                UnaryOp::Neg => -a,
                UnaryOp::Plus => a,
                UnaryOp::Not => bool_value(!truth(a)),
            })
        }
        Expr::Binary(op, a, b) => {
            let x = eval_inner(a, span, scope)?;
            // && and || evaluate both sides, as numparam does; a failing right side is an error
            // even when the left decides the result.
            let y = eval_inner(b, span, scope)?;
            binary(*op, x, y, span)
        }
        Expr::Ternary(c, a, b) => {
            let c = eval_inner(c, span, scope)?;
            if truth(c) {
                eval_inner(a, span, scope)
            } else {
                eval_inner(b, span, scope)
            }
        }
        Expr::Call(name, args) => call(name, args, span, scope),
    }
}

fn binary(op: BinaryOp, x: f64, y: f64, span: Span) -> Result<f64, ElabError> {
    use BinaryOp::*;
    let value = match op {
        Add => x + y,
        Sub => x - y,
        Mul => x * y,
        Div => {
            if y == 0.0 {
                return Err(ElabError::Expr {
                    span,
                    message: format!("division by zero ({} / 0)", fmt_num(x)),
                });
            }
            x / y
        }
        // numparam: `x = pow(fabs(x), y)`.
        Pow => x.abs().powf(y),
        Eq => bool_value(x == y),
        Ne => bool_value(x != y),
        Lt => bool_value(x < y),
        Le => bool_value(x <= y),
        Gt => bool_value(x > y),
        Ge => bool_value(x >= y),
        And => bool_value(truth(x) && truth(y)),
        Or => bool_value(truth(x) || truth(y)),
    };
    check_finite(value, span, || {
        let sym = match op {
            Add => "+",
            Sub => "-",
            Mul => "*",
            Pow => "^",
            _ => "?",
        };
        format!("{} {sym} {}", fmt_num(x), fmt_num(y))
    })
}

fn lookup(name: &str, span: Span, scope: &mut dyn ParamLookup) -> Result<f64, ElabError> {
    if let Some(v) = scope.get(name) {
        return v;
    }
    if let Some((_, v)) = CONSTANTS.iter().find(|(c, _)| *c == name) {
        return Ok(*v);
    }
    // ngspice 39's PSpice mode defines `.param temp = 'temper'`, `.param vt = '(temper +
    // 273.15) * 8.6173303e-5'` and `.param gmin = 1e-12` (`pspice_compat` in `inpcompat.c`);
    // balun reads them so when the netlist does not define them (as behavioural sources do).
    let temper = |scope: &mut dyn ParamLookup| scope.get("temper").unwrap_or(Ok(27.0));
    match name {
        "vt" => return Ok((temper(scope)? + 273.15) * 8.617_330_3e-5),
        "temp" => return temper(scope),
        "gmin" => return Ok(1e-12),
        _ => {}
    }
    let mut candidates = scope.names();
    candidates.extend(CONSTANTS.iter().map(|(c, _)| c.to_string()));
    let hint = crate::suggest::did_you_mean(name, candidates.iter().map(String::as_str));
    Err(ElabError::Expr {
        span,
        message: format!("unknown parameter '{name}'{hint}"),
    })
}

fn call(
    name: &str,
    args: &[Expr],
    span: Span,
    scope: &mut dyn ParamLookup,
) -> Result<f64, ElabError> {
    if let Some(f) = scope.func(name, None) {
        return call_user(&f, args, span, scope);
    }
    // ngspice's numparam `limit(nominal, variation)` (a random corner; here the nominal).
    if name == "limit" && args.len() == 2 {
        return eval_inner(&args[0], span, scope);
    }
    let Some((_, arity)) = FUNCTIONS.iter().find(|(f, _)| *f == name) else {
        let hint = crate::suggest::did_you_mean(name, FUNCTIONS.iter().map(|(f, _)| *f));
        return Err(ElabError::Expr {
            span,
            message: format!("unknown function '{name}'{hint}"),
        });
    };
    // numparam's two-operand functions given one argument take 1 as the first operand
    // (`formula` in ngspice 39's `xpressn.c` starts it at 1.0): `max(x)` is `max(1, x)`.
    let one_arg = args.len() == 1 && matches!(name, "max" | "min" | "pow" | "pwr");
    if args.len() != *arity && !one_arg {
        let plural = if *arity == 1 { "" } else { "s" };
        return Err(ElabError::Expr {
            span,
            message: format!(
                "function '{name}' takes {arity} argument{plural}, but {} were given",
                args.len()
            ),
        });
    }
    // Ternary functions evaluate only the branch taken.
    if name == "ternary_fcn" || name == "if" {
        let c = eval_inner(&args[0], span, scope)?;
        return eval_inner(&args[if truth(c) { 1 } else { 2 }], span, scope);
    }
    let mut v = Vec::with_capacity(args.len() + 1);
    if one_arg {
        v.push(1.0);
    }
    for a in args {
        v.push(eval_inner(a, span, scope)?);
    }
    let x = v[0];
    let value = match name {
        "sqr" => x * x,
        "sqrt" => x.sqrt(),
        "exp" => x.exp(),
        "ln" | "log" => x.ln(),
        "log10" => x.log10(),
        "abs" => x.abs(),
        "sin" => x.sin(),
        "cos" => x.cos(),
        "tan" => x.tan(),
        "asin" => x.asin(),
        "acos" => x.acos(),
        "atan" | "arctan" => x.atan(),
        "sinh" => x.sinh(),
        "cosh" => x.cosh(),
        "tanh" => x.tanh(),
        "asinh" => x.asinh(),
        "acosh" => x.acosh(),
        "atanh" => x.atanh(),
        "floor" => x.floor(),
        "ceil" => x.ceil(),
        "int" => x.trunc(),
        "nint" => x.round_ties_even(),
        "sgn" => sgn(x),
        "min" => x.min(v[1]),
        "max" => x.max(v[1]),
        "pow" => x.powf(v[1]),
        "pwr" => x.abs().powf(v[1]),
        "atan2" => x.atan2(v[1]),
        // PSpice's `limit(x, a, b)`, as ngspice's PSpice mode defines it:
        // `a > b ? max(min(x, a), b) : max(min(x, b), a)`.
        "limit" => {
            let (a, b) = (v[1], v[2]);
            if a > b {
                x.min(a).max(b)
            } else {
                x.min(b).max(a)
            }
        }
        // PSpice's signed power `sgn(x) |x|^a` (ngspice's PSpice mode writes it with C's pow,
        // which gives the opposite sign for odd integer powers of a negative x).
        "pwrs" => sgn(x) * x.abs().powf(v[1]),
        "u" | "stp" => step(x),
        "u2" => x.clamp(0.0, 1.0),
        "uramp" => x.max(0.0),
        // The statistical functions give their nominal value (balun's Monte Carlo uses
        // `tol=`; ngspice draws a random value at every evaluation).
        "agauss" | "gauss" | "aunif" | "unif" => x,
        _ => panic!("function table and evaluator disagree on '{name}'"),
    };
    check_finite(value, span, || {
        let list: Vec<String> = v.iter().map(|a| fmt_num(*a)).collect();
        format!("{name}({})", list.join(", "))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use netlist::Expr::*;

    fn sp() -> Span {
        Span::new(netlist::FileId(0), 3, 9)
    }
    fn n(x: f64) -> Expr {
        Num(x)
    }
    fn var(s: &str) -> Expr {
        Var(s.to_string())
    }
    fn bin(op: BinaryOp, a: Expr, b: Expr) -> Expr {
        Binary(op, Box::new(a), Box::new(b))
    }
    fn f(name: &str, args: Vec<Expr>) -> Expr {
        Call(name.to_string(), args)
    }
    fn ev(e: &Expr) -> f64 {
        eval_const(e, sp()).unwrap()
    }
    fn err(e: &Expr) -> String {
        eval_const(e, sp()).unwrap_err().to_string()
    }

    #[test]
    fn arithmetic_operators() {
        assert_eq!(ev(&bin(BinaryOp::Add, n(1.5), n(2.0))), 3.5);
        assert_eq!(ev(&bin(BinaryOp::Sub, n(1.5), n(2.0))), -0.5);
        assert_eq!(ev(&bin(BinaryOp::Mul, n(1.5), n(2.0))), 3.0);
        assert_eq!(ev(&bin(BinaryOp::Div, n(1.0), n(4.0))), 0.25);
        assert_eq!(ev(&bin(BinaryOp::Pow, n(2.0), n(10.0))), 1024.0);
        assert_eq!(ev(&Unary(UnaryOp::Neg, Box::new(n(3.0)))), -3.0);
        assert_eq!(ev(&Unary(UnaryOp::Plus, Box::new(n(3.0)))), 3.0);
        assert_eq!(ev(&Unary(UnaryOp::Not, Box::new(n(3.0)))), 0.0);
        assert_eq!(ev(&Unary(UnaryOp::Not, Box::new(n(0.0)))), 1.0);
    }

    #[test]
    fn power_operator_takes_absolute_base_like_numparam() {
        // ngspice 39: .param p={(-2)^3} gives 8, {(-8)^(1/3)} gives 2, {(-2)^0.5} 1.414...
        assert_eq!(ev(&bin(BinaryOp::Pow, n(-2.0), n(3.0))), 8.0);
        assert_eq!(ev(&bin(BinaryOp::Pow, n(-2.0), n(0.5))), 2f64.sqrt());
        // ... while pow() is C's pow: pow(-2,3) = -8, pow(-2,0.5) NaN (error here).
        assert_eq!(ev(&f("pow", vec![n(-2.0), n(3.0)])), -8.0);
        assert_eq!(
            err(&f("pow", vec![n(-2.0), n(0.5)])),
            "pow(-2, 0.5) is not a number (NaN)"
        );
        assert_eq!(ev(&f("pwr", vec![n(-2.0), n(3.0)])), 8.0);
    }

    #[test]
    fn precedence_is_the_trees() {
        // 1 + 2*3 as the parser builds it.
        let e = bin(BinaryOp::Add, n(1.0), bin(BinaryOp::Mul, n(2.0), n(3.0)));
        assert_eq!(ev(&e), 7.0);
        // ngspice: 2^3^2 = (2^3)^2 = 64 (left associative).
        let e = bin(BinaryOp::Pow, bin(BinaryOp::Pow, n(2.0), n(3.0)), n(2.0));
        assert_eq!(ev(&e), 64.0);
    }

    #[test]
    fn comparisons_and_logic() {
        use BinaryOp::*;
        let cases = [
            (Eq, 1.0, 1.0, 1.0),
            (Eq, 1.0, 2.0, 0.0),
            (Ne, 1.0, 2.0, 1.0),
            (Lt, 1.0, 2.0, 1.0),
            (Lt, 2.0, 2.0, 0.0),
            (Le, 2.0, 2.0, 1.0),
            (Gt, 3.0, 2.0, 1.0),
            (Ge, 1.0, 2.0, 0.0),
            (And, 2.0, -1.0, 1.0),
            (And, 2.0, 0.0, 0.0),
            (Or, 0.0, 2.0, 1.0),
            (Or, 0.0, 0.0, 0.0),
        ];
        for (op, a, b, want) in cases {
            assert_eq!(ev(&bin(op, n(a), n(b))), want, "{op:?} {a} {b}");
        }
        let t = Ternary(Box::new(n(0.0)), Box::new(n(2.0)), Box::new(n(3.0)));
        assert_eq!(ev(&t), 3.0);
        let t = Ternary(Box::new(n(1.0)), Box::new(n(2.0)), Box::new(n(3.0)));
        assert_eq!(ev(&t), 2.0);
    }

    #[test]
    fn functions_values() {
        // Values observed from ngspice 39 where noted.
        let one = |name: &str, x: f64| ev(&f(name, vec![n(x)]));
        // ngspice 39 prints log(100) as 4.605170185988093: natural log, not log10.
        assert!((one("log", 100.0) - 4.605170185988093).abs() < 1e-15);
        assert_eq!(one("log", 100.0), 100f64.ln());
        assert_eq!(one("ln", 100.0), 100f64.ln());
        assert_eq!(one("log10", 100.0), 2.0);
        assert_eq!(one("sqrt", 16.0), 4.0);
        assert_eq!(one("sqr", 3.0), 9.0);
        assert_eq!(one("exp", 0.0), 1.0);
        assert_eq!(one("abs", -2.5), 2.5);
        assert_eq!(one("sin", 0.0), 0.0);
        assert_eq!(one("cos", 0.0), 1.0);
        assert_eq!(one("tan", 0.0), 0.0);
        assert_eq!(one("atan", 1.0), std::f64::consts::FRAC_PI_4);
        assert_eq!(one("asin", 1.0), std::f64::consts::FRAC_PI_2);
        assert_eq!(one("acos", 1.0), 0.0);
        assert_eq!(one("sinh", 0.0), 0.0);
        assert_eq!(one("cosh", 0.0), 1.0);
        assert_eq!(one("tanh", 0.0), 0.0);
        assert_eq!(one("floor", -1.5), -2.0); // ngspice: -2
        assert_eq!(one("ceil", -1.5), -1.0); // ngspice: -1
        assert_eq!(one("int", -2.5), -2.0); // ngspice: -2 (truncation)
        assert_eq!(one("nint", 2.5), 2.0); // ngspice: 2 (half to even)
        assert_eq!(one("nint", -2.5), -2.0); // ngspice: -2
        assert_eq!(one("nint", 3.5), 4.0); // ngspice: 4
        assert_eq!(one("sgn", -3.0), -1.0); // ngspice: -1
        assert_eq!(one("sgn", 0.0), 0.0);
        assert_eq!(one("sgn", 7.0), 1.0);
        let two = |name: &str, x: f64, y: f64| ev(&f(name, vec![n(x), n(y)]));
        assert_eq!(two("min", 1.0, 2.0), 1.0);
        assert_eq!(two("max", 1.0, 2.0), 2.0);
        assert_eq!(two("pow", 2.0, 3.0), 8.0);
        assert_eq!(two("atan2", 1.0, 1.0), std::f64::consts::FRAC_PI_4);
        assert_eq!(ev(&f("ternary_fcn", vec![n(0.0), n(5.0), n(6.0)])), 6.0);
    }

    /// PSpice's functions as ngspice's PSpice mode defines them (`limit`, `pwrs`, `stp`),
    /// ngspice's `u`/`u2`/`uramp`, and numparam's two-argument `limit` and statistical
    /// functions at their nominal value.
    #[test]
    fn pspice_and_step_functions() {
        let call = |name: &str, args: &[f64]| ev(&f(name, args.iter().map(|&x| n(x)).collect()));
        assert_eq!(call("limit", &[5.0, 0.0, 1.0]), 1.0);
        assert_eq!(call("limit", &[-5.0, 1.0, 0.0]), 0.0);
        assert_eq!(call("limit", &[0.25, 1.0, 0.0]), 0.25);
        assert_eq!(call("limit", &[7.0, 2.0]), 7.0);
        assert_eq!(call("pwrs", &[-2.0, 3.0]), -8.0);
        assert_eq!(call("pwrs", &[-4.0, 0.5]), -2.0);
        assert_eq!(call("u", &[0.0]), 0.5);
        assert_eq!(call("stp", &[-1.0]), 0.0);
        assert_eq!(call("u2", &[0.3]), 0.3);
        assert_eq!(call("uramp", &[-2.0]), 0.0);
        assert_eq!(call("agauss", &[3.0, 0.1, 3.0]), 3.0);
        assert_eq!(call("if", &[0.0, 1.0, 2.0]), 2.0);
    }

    /// A scope with `.func`s (scope 0 the top level, scope 1 nested in it).
    struct Funcs(Vec<(usize, FuncDef)>);

    impl ParamLookup for Funcs {
        fn get(&mut self, _name: &str) -> Option<Result<f64, ElabError>> {
            None
        }
        fn names(&self) -> Vec<String> {
            Vec::new()
        }
        fn func(&self, name: &str, from: Option<usize>) -> Option<UserFunc> {
            let mut at = from.unwrap_or(1);
            loop {
                if let Some((s, d)) = self.0.iter().find(|(s, d)| *s == at && d.name.name == name) {
                    return Some(UserFunc {
                        def: Arc::new(d.clone()),
                        scope: *s,
                        depth: expr_depth(&d.body.expr),
                    });
                }
                if at == 0 {
                    return None;
                }
                at -= 1;
            }
        }
    }

    fn def(name: &str, args: &[&str], body: Expr) -> FuncDef {
        let id = |s: &str| netlist::Ident {
            name: s.to_string(),
            span: sp(),
        };
        FuncDef {
            name: id(name),
            args: args.iter().map(|a| id(a)).collect(),
            body: netlist::Value {
                expr: body,
                span: sp(),
            },
            span: sp(),
        }
    }

    /// `.func`: arguments bound by value, a body calling the functions of its own scope
    /// (ngspice expands bodies where they are defined), arity and recursion errors.
    #[test]
    fn user_functions() {
        let mut scope = Funcs(vec![
            (0, def("sq", &["x"], bin(BinaryOp::Mul, var("x"), var("x")))),
            (
                0,
                def(
                    "cube",
                    &["x"],
                    bin(BinaryOp::Mul, var("x"), f("sq", vec![var("x")])),
                ),
            ),
            (1, def("sq", &["x"], bin(BinaryOp::Add, var("x"), n(100.0)))),
            (0, def("loop", &["x"], f("loop", vec![var("x")]))),
        ]);
        let mut run = |e: &Expr| eval(e, sp(), &mut scope);
        // From scope 1, sq is the local one, but cube's body sees the top level's.
        assert_eq!(run(&f("sq", vec![n(2.0)])).unwrap(), 102.0);
        assert_eq!(run(&f("cube", vec![n(2.0)])).unwrap(), 8.0);
        assert_eq!(
            run(&f("cube", vec![f("sq", vec![n(1.0)])])).unwrap(),
            101.0 * 101.0 * 101.0
        );
        assert_eq!(
            run(&f("sq", vec![n(1.0), n(2.0)])).unwrap_err().to_string(),
            "function 'sq' takes 1 argument, but 2 were given"
        );
        assert_eq!(
            run(&f("loop", vec![n(1.0)])).unwrap_err().to_string(),
            "function 'loop' nests calls too deeply (does it call itself?)"
        );
    }

    #[test]
    fn constants_and_shadowing() {
        assert_eq!(ev(&var("pi")), std::f64::consts::PI);
        assert_eq!(ev(&var("e")), std::f64::consts::E);
        let mut scope = HashMap::from([("pi".to_string(), 3.0)]);
        assert_eq!(eval(&var("pi"), sp(), &mut scope).unwrap(), 3.0);
    }

    #[test]
    fn parameter_lookup_and_unknown_names() {
        let mut scope = HashMap::from([("rval".to_string(), 1e3), ("cval".to_string(), 1e-9)]);
        let e = bin(BinaryOp::Mul, n(2.0), var("rval"));
        assert_eq!(eval(&e, sp(), &mut scope).unwrap(), 2e3);
        let e = var("rvall");
        let error = eval(&e, sp(), &mut scope).unwrap_err();
        assert_eq!(
            error.to_string(),
            "unknown parameter 'rvall' (did you mean 'rval'?)"
        );
        assert_eq!(error.span(), sp());
        assert_eq!(err(&var("zzz")), "unknown parameter 'zzz'");
    }

    #[test]
    fn function_errors() {
        assert_eq!(
            err(&f("sqrt", vec![n(1.0), n(2.0)])),
            "function 'sqrt' takes 1 argument, but 2 were given"
        );
        assert_eq!(
            err(&f("atan2", vec![n(1.0)])),
            "function 'atan2' takes 2 arguments, but 1 were given"
        );
        // numparam's one-argument forms: the first operand is 1.
        let one = |name: &str, x: f64| eval(&f(name, vec![n(x)]), Span::default(), &mut NoParams);
        assert_eq!(one("max", 0.5).unwrap(), 1.0);
        assert_eq!(one("max", 9.0).unwrap(), 9.0);
        assert_eq!(one("min", 0.5).unwrap(), 0.5);
        assert_eq!(one("pow", 3.0).unwrap(), 1.0);
        assert_eq!(
            err(&f("sqrtt", vec![n(1.0)])),
            "unknown function 'sqrtt' (did you mean 'sqrt'?)"
        );
        assert_eq!(
            err(&f("sqrt", vec![n(-1.0)])),
            "sqrt(-1) is not a number (NaN)"
        );
        assert_eq!(err(&f("ln", vec![n(0.0)])), "ln(0) is infinite");
        assert_eq!(
            err(&bin(BinaryOp::Div, n(1.0), n(0.0))),
            "division by zero (1 / 0)"
        );
        assert_eq!(
            err(&bin(BinaryOp::Mul, n(1e200), n(1e200))),
            "1e200 * 1e200 is infinite"
        );
    }
}
