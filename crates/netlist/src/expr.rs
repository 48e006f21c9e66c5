//! Expression grammar of `{...}` / `'...'` values and `.param` right-hand sides (nom).
//!
//! Precedence, lowest first: `c ? a : b` (right-assoc), `||`, `&&`,
//! `== != < <= > >=`, `+ -`, `* /`, unary `- + !`, power `^`/`**` (left-assoc as in ngspice 39's
//! `.param` evaluation: `2^3^2` = `(2^3)^2` = 64; tighter than a unary minus on its left:
//! `-2^2` = `-(2^2)`; an exponent may carry its own sign: `2^-3^2` = `(2^-3)^2`), then primaries: numbers with SPICE suffixes
//! (`2k`), identifiers, calls `f(a, b)` and parentheses. Whitespace is allowed between tokens.
//! Input is expected lower-cased already. Nothing is evaluated here and function names are not
//! checked.
//!
//! **Limits** (so that no input overflows the stack, here or in the recursive evaluation and
//! drop of the tree later): at most [`MAX_EXPR_NESTING`] levels of parentheses, function calls,
//! prefix operators and `?:`, and a tree at most [`MAX_EXPR_TREE_DEPTH`] deep (a chain
//! `a+b+c+...` is a left-deep tree, one level per operator). Beyond either, the expression is an
//! error (`expression nested too deeply`), not a crash.

use crate::ast::{BinaryOp, Expr, UnaryOp};
use crate::number::unsigned_number;
use nom::branch::alt;
use nom::bytes::complete::{tag, take_while, take_while1};
use nom::character::complete::{char, multispace0, satisfy};
use nom::combinator::{cut, opt, recognize};
use nom::error::{context, ContextError, ErrorKind, ParseError};
use nom::multi::separated_list0;
use nom::sequence::preceded;
use nom::{IResult, Parser};

/// Parser error: where parsing stopped and what was expected there.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PErr<'a> {
    input: &'a str,
    expected: &'static str,
}

impl<'a> ParseError<&'a str> for PErr<'a> {
    fn from_error_kind(input: &'a str, _kind: ErrorKind) -> Self {
        PErr {
            input,
            expected: "an operand",
        }
    }
    fn append(_input: &'a str, _kind: ErrorKind, other: Self) -> Self {
        other
    }
}

impl<'a> ContextError<&'a str> for PErr<'a> {
    fn add_context(_input: &'a str, ctx: &'static str, other: Self) -> Self {
        PErr {
            input: other.input,
            expected: ctx,
        }
    }
}

type Res<'a, T> = IResult<&'a str, T, PErr<'a>>;

/// Deepest nesting of parentheses, calls, prefix operators and `?:` accepted in one expression.
pub const MAX_EXPR_NESTING: usize = 64;
/// Deepest expression tree accepted (nesting plus operators chained at each level).
pub const MAX_EXPR_TREE_DEPTH: usize = 1024;

/// The `expected` of the error returned when an expression exceeds a depth limit.
const TOO_DEEP: &str = "<too deep>";

thread_local! {
    /// Current (nesting, tree depth) of the expression being parsed on this thread.
    static DEPTH: std::cell::Cell<(usize, usize)> = const { std::cell::Cell::new((0, 0)) };
    /// Whether `v(...)` and `i(...)` take raw node and element names (a B-source expression).
    static PROBES: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Restores the depth counters when a nested parse returns (by value or by error).
struct DepthGuard((usize, usize));

impl Drop for DepthGuard {
    fn drop(&mut self) {
        DEPTH.with(|d| d.set(self.0));
    }
}

/// Goes `nest` more levels of nesting and `tree` more levels of tree deeper; fails (without
/// recursing further) past either limit. The caller holds a [`DepthGuard`] to come back.
fn deepen(i: &str, nest: usize, tree: usize) -> Result<(), nom::Err<PErr<'_>>> {
    let (n, t) = DEPTH.with(|d| d.get());
    let now = (n + nest, t + tree);
    if now.0 > MAX_EXPR_NESTING || now.1 > MAX_EXPR_TREE_DEPTH {
        return Err(nom::Err::Failure(PErr {
            input: i,
            expected: TOO_DEEP,
        }));
    }
    DEPTH.with(|d| d.set(now));
    Ok(())
}

/// Saves the depth counters, restored when the guard is dropped.
fn depth_guard() -> DepthGuard {
    DepthGuard(DEPTH.with(|d| d.get()))
}

/// Runs `f` one nesting level deeper.
fn nested<'a, T>(i: &'a str, f: impl FnOnce(&'a str) -> Res<'a, T>) -> Res<'a, T> {
    let _guard = depth_guard();
    deepen(i, 1, 1)?;
    f(i)
}

/// An expression syntax error: byte offset into the parsed text and a message.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ExprError {
    pub offset: usize,
    pub message: String,
}

fn error_at(text: &str, rest: &str, expected: &str) -> ExprError {
    let offset = text.len() - rest.len();
    let found = match rest.chars().next() {
        Some(c) => format!("'{c}'"),
        None => "end of expression".to_string(),
    };
    ExprError {
        offset,
        message: format!("expected {expected} in expression, found {found}"),
    }
}

/// Parses the longest expression at the start of `text` (leading whitespace allowed).
/// Returns it with the number of bytes consumed (trailing whitespace not included).
pub(crate) fn parse_expr_prefix(text: &str) -> Result<(Expr, usize), ExprError> {
    DEPTH.with(|d| d.set((0, 0)));
    match ternary(text) {
        Ok((rest, e)) => Ok((e, text.len() - rest.len())),
        Err(nom::Err::Error(e)) | Err(nom::Err::Failure(e)) if e.expected == TOO_DEEP => {
            Err(ExprError {
                offset: text.len() - e.input.len(),
                message: format!(
                    "expression nested too deeply (the limits are {MAX_EXPR_NESTING} levels of \
                     parentheses, calls and prefix operators, and {MAX_EXPR_TREE_DEPTH} levels \
                     of operators)"
                ),
            })
        }
        Err(nom::Err::Error(e)) | Err(nom::Err::Failure(e)) => {
            let rest = e.input.trim_start();
            Err(error_at(text, rest, e.expected))
        }
        Err(nom::Err::Incomplete(_)) => Err(error_at(text, "", "an operand")),
    }
}

/// Parses `text` as exactly one expression (surrounding whitespace allowed).
pub(crate) fn parse_expr_all(text: &str) -> Result<Expr, ExprError> {
    let (e, used) = parse_expr_prefix(text)?;
    let rest = text[used..].trim_start();
    if rest.is_empty() {
        Ok(e)
    } else {
        Err(error_at(text, rest, "an operator"))
    }
}

/// Parses a behavioural source's expression (`B ... V=`, `E ... VALUE=`): the grammar of
/// [`parse_expr_all`] where `v(...)` and `i(...)` take raw node and element names as ngspice's
/// B-source lexer does (`v(x1.n2)`, `v(1, out)`, `i(vsense)`): each becomes
/// `Call("v"|"i", [Var(name), ...])`.
pub(crate) fn parse_behavioral(text: &str) -> Result<Expr, ExprError> {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            PROBES.with(|p| p.set(false));
        }
    }
    let _reset = Reset;
    PROBES.with(|p| p.set(true));
    parse_expr_all(text)
}

/// The names of a probe `v(a)`, `v(a,b)`, `i(x)` after its `(`: raw words up to `,` or `)`.
fn probe_args(i: &str) -> Res<'_, Vec<Expr>> {
    let raw = |i| -> Res<'_, &str> {
        let (i, _) = sp(i)?;
        context(
            "a node or element name",
            take_while1(|c: char| !c.is_whitespace() && !matches!(c, ',' | '(' | ')')),
        )
        .parse(i)
    };
    let (i, first) = cut(raw).parse(i)?;
    let mut args = vec![Expr::Var(first.to_string())];
    let (i, comma) = opt(preceded(sp, char(','))).parse(i)?;
    let i = if comma.is_some() {
        let (i, second) = cut(raw).parse(i)?;
        args.push(Expr::Var(second.to_string()));
        i
    } else {
        i
    };
    let (i, _) = cut(context("')'", preceded(sp, char(')')))).parse(i)?;
    Ok((i, args))
}

fn sp(i: &str) -> Res<'_, &str> {
    multispace0(i)
}

fn ternary(i: &str) -> Res<'_, Expr> {
    let (i, cond) = or_expr(i)?;
    let (i, q) = opt(preceded(sp, char('?'))).parse(i)?;
    if q.is_none() {
        return Ok((i, cond));
    }
    let (i, a) = nested(i, |i| cut(ternary).parse(i))?;
    let (i, _) = cut(context("':'", preceded(sp, char(':')))).parse(i)?;
    let (i, b) = nested(i, |i| cut(ternary).parse(i))?;
    Ok((i, Expr::Ternary(Box::new(cond), Box::new(a), Box::new(b))))
}

/// One left-associative binary level: `next (op next)*`, operators tried in order.
fn left_assoc<'a>(
    i: &'a str,
    next: fn(&'a str) -> Res<'a, Expr>,
    ops: &[(&'static str, BinaryOp)],
) -> Res<'a, Expr> {
    let (mut i, mut lhs) = next(i)?;
    // Each operator of the chain makes the (left-deep) tree one level deeper.
    let _guard = depth_guard();
    'outer: loop {
        let (after_ws, _) = sp(i)?;
        for &(sym, op) in ops {
            if let Some(rest) = after_ws.strip_prefix(sym) {
                // `*` must not eat the first half of `**`, nor `!`/`<`/`>` of a longer operator.
                if (sym == "*" && rest.starts_with('*')) || (sym == "<" && rest.starts_with('=')) {
                    continue;
                }
                deepen(rest, 0, 1)?;
                let (rest, rhs) = cut(next).parse(rest)?;
                lhs = Expr::Binary(op, Box::new(lhs), Box::new(rhs));
                i = rest;
                continue 'outer;
            }
        }
        return Ok((i, lhs));
    }
}

fn or_expr(i: &str) -> Res<'_, Expr> {
    // PSpice's `|` is `||` (ngspice's PSpice mode rewrites it so).
    left_assoc(i, and_expr, &[("||", BinaryOp::Or), ("|", BinaryOp::Or)])
}

fn and_expr(i: &str) -> Res<'_, Expr> {
    // PSpice's `&` is `&&` (ngspice's PSpice mode rewrites it so).
    left_assoc(i, cmp_expr, &[("&&", BinaryOp::And), ("&", BinaryOp::And)])
}

fn cmp_expr(i: &str) -> Res<'_, Expr> {
    left_assoc(
        i,
        add_expr,
        &[
            ("==", BinaryOp::Eq),
            ("!=", BinaryOp::Ne),
            ("<=", BinaryOp::Le),
            (">=", BinaryOp::Ge),
            ("<", BinaryOp::Lt),
            (">", BinaryOp::Gt),
        ],
    )
}

fn add_expr(i: &str) -> Res<'_, Expr> {
    left_assoc(i, mul_expr, &[("+", BinaryOp::Add), ("-", BinaryOp::Sub)])
}

fn mul_expr(i: &str) -> Res<'_, Expr> {
    left_assoc(i, unary, &[("*", BinaryOp::Mul), ("/", BinaryOp::Div)])
}

fn unary(i: &str) -> Res<'_, Expr> {
    let (i, _) = sp(i)?;
    let op = match i.chars().next() {
        Some('-') => Some(UnaryOp::Neg),
        Some('+') => Some(UnaryOp::Plus),
        // PSpice's `~` is `!` (ngspice's PSpice mode rewrites it so).
        Some('!' | '~') => Some(UnaryOp::Not),
        _ => None,
    };
    match op {
        Some(op) => {
            let (i, e) = nested(&i[1..], |i| cut(unary).parse(i))?;
            Ok((i, Expr::Unary(op, Box::new(e))))
        }
        None => power(i),
    }
}

fn power(i: &str) -> Res<'_, Expr> {
    let (mut i, mut base) = primary(i)?;
    let _guard = depth_guard();
    loop {
        let (rest, op) = opt(preceded(sp, alt((tag("**"), tag("^"))))).parse(i)?;
        if op.is_none() {
            return Ok((i, base));
        }
        // Left-associative like ngspice (`2^3^2` = 64); the exponent may carry its own sign
        // (`2^-1`), which binds to that operand only (`2^-3^2` = `(2^-3)^2`).
        deepen(rest, 0, 1)?;
        let (rest, exp) = cut(signed_primary).parse(rest)?;
        base = Expr::Binary(BinaryOp::Pow, Box::new(base), Box::new(exp));
        i = rest;
    }
}

/// A primary with any number of leading `-`, `+`, `!` (the operand right of `^`).
fn signed_primary(i: &str) -> Res<'_, Expr> {
    let (i, _) = sp(i)?;
    let op = match i.chars().next() {
        Some('-') => UnaryOp::Neg,
        Some('+') => UnaryOp::Plus,
        Some('!') => UnaryOp::Not,
        _ => return primary(i),
    };
    let (i, e) = nested(&i[1..], |i| cut(signed_primary).parse(i))?;
    Ok((i, Expr::Unary(op, Box::new(e))))
}

fn identifier(i: &str) -> Res<'_, &str> {
    recognize((
        satisfy(|c: char| c.is_ascii_alphabetic() || c == '_'),
        take_while(|c: char| c.is_ascii_alphanumeric() || c == '_'),
    ))
    .parse(i)
}

fn primary(i: &str) -> Res<'_, Expr> {
    let (i, _) = sp(i)?;
    if let Some(rest) = i.strip_prefix('(') {
        let (rest, e) = nested(rest, |i| cut(ternary).parse(i))?;
        let (rest, _) = cut(context("')'", preceded(sp, char(')')))).parse(rest)?;
        return Ok((rest, e));
    }
    if i.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        let (rest, v) = match unsigned_number(i) {
            Ok(ok) => ok,
            Err(_) => {
                return Err(nom::Err::Failure(PErr::from_error_kind(
                    i,
                    ErrorKind::Float,
                )))
            }
        };
        return Ok((rest, Expr::Num(v)));
    }
    let (i, name) = context("an operand", identifier).parse(i)?;
    let (after_ws, _) = sp(i)?;
    if matches!(name, "v" | "i") && PROBES.with(|p| p.get()) {
        if let Some(rest) = after_ws.strip_prefix('(') {
            let (rest, args) = probe_args(rest)?;
            return Ok((rest, Expr::Call(name.to_string(), args)));
        }
    }
    if let Some(rest) = after_ws.strip_prefix('(') {
        let (rest, args) = nested(rest, |i| {
            separated_list0(preceded(sp, char(',')), ternary).parse(i)
        })?;
        let (rest, _) = cut(context("',' or ')'", preceded(sp, char(')')))).parse(rest)?;
        return Ok((rest, Expr::Call(name.to_string(), args)));
    }
    Ok((i, Expr::Var(name.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(v: f64) -> Box<Expr> {
        Box::new(Expr::Num(v))
    }
    fn var(n: &str) -> Box<Expr> {
        Box::new(Expr::Var(n.into()))
    }
    fn bin(op: BinaryOp, a: Box<Expr>, b: Box<Expr>) -> Box<Expr> {
        Box::new(Expr::Binary(op, a, b))
    }
    fn p(s: &str) -> Expr {
        match parse_expr_all(s) {
            Ok(e) => e,
            Err(e) => panic!("{s}: {e:?}"),
        }
    }

    #[test]
    fn mul_binds_tighter_than_add() {
        assert_eq!(
            p("1 + 2*3"),
            *bin(
                BinaryOp::Add,
                num(1.0),
                bin(BinaryOp::Mul, num(2.0), num(3.0))
            )
        );
        assert_eq!(
            p("a-b-c"),
            *bin(
                BinaryOp::Sub,
                bin(BinaryOp::Sub, var("a"), var("b")),
                var("c")
            )
        );
    }

    /// ngspice 39 evaluates `.param x={2^3^2}` to 64 and `{2**3**2}` to 64: `(2^3)^2`, and
    /// `{2^-3^2}` to 1/64: `(2^-3)^2` (checked with `.op` of `V1 a 0 {x}`).
    #[test]
    fn power_is_left_assoc_like_ngspice_and_tighter_than_unary_minus() {
        assert_eq!(
            p("-2^2"),
            Expr::Unary(UnaryOp::Neg, bin(BinaryOp::Pow, num(2.0), num(2.0)))
        );
        let left = bin(
            BinaryOp::Pow,
            bin(BinaryOp::Pow, num(2.0), num(3.0)),
            num(2.0),
        );
        assert_eq!(p("2^3^2"), *left);
        assert_eq!(p("2**3**2"), *left);
        assert_eq!(p("2**3^2"), *left);
        assert_eq!(
            p("2^-3^2"),
            *bin(
                BinaryOp::Pow,
                bin(
                    BinaryOp::Pow,
                    num(2.0),
                    Box::new(Expr::Unary(UnaryOp::Neg, num(3.0)))
                ),
                num(2.0)
            )
        );
        assert_eq!(
            p("-2^2^3"),
            Expr::Unary(
                UnaryOp::Neg,
                bin(
                    BinaryOp::Pow,
                    bin(BinaryOp::Pow, num(2.0), num(2.0)),
                    num(3.0)
                )
            )
        );
        assert_eq!(
            p("2^-1"),
            *bin(
                BinaryOp::Pow,
                num(2.0),
                Box::new(Expr::Unary(UnaryOp::Neg, num(1.0)))
            )
        );
        assert_eq!(
            p("2*3**2"),
            *bin(
                BinaryOp::Mul,
                num(2.0),
                bin(BinaryOp::Pow, num(3.0), num(2.0))
            )
        );
    }

    #[test]
    fn ternary_logic_and_comparisons() {
        // a || b && c < d ? 1 : x ? 2 : 3
        let e = p("a || b && c < d ? 1 : x ? 2 : 3");
        let cond = bin(
            BinaryOp::Or,
            var("a"),
            bin(
                BinaryOp::And,
                var("b"),
                bin(BinaryOp::Lt, var("c"), var("d")),
            ),
        );
        let inner = Box::new(Expr::Ternary(var("x"), num(2.0), num(3.0)));
        assert_eq!(e, Expr::Ternary(cond, num(1.0), inner));
        assert_eq!(p("a<=b"), *bin(BinaryOp::Le, var("a"), var("b")));
        assert_eq!(p("a != b"), *bin(BinaryOp::Ne, var("a"), var("b")));
        assert_eq!(p("a>=b"), *bin(BinaryOp::Ge, var("a"), var("b")));
        assert_eq!(p("a==b"), *bin(BinaryOp::Eq, var("a"), var("b")));
        assert_eq!(p("a>b"), *bin(BinaryOp::Gt, var("a"), var("b")));
        assert_eq!(p("!a"), Expr::Unary(UnaryOp::Not, var("a")));
        assert_eq!(p("+a"), Expr::Unary(UnaryOp::Plus, var("a")));
        // PSpice's single `&`, `|` and `~` (ngspice's PSpice mode makes them `&&`, `||`, `!`).
        assert_eq!(p("a & b | c"), p("a && b || c"));
        assert_eq!(p("(a>1)&(b<2)"), p("(a>1)&&(b<2)"));
        assert_eq!(p("~a"), p("!a"));
    }

    #[test]
    fn calls_parens_and_suffixed_numbers() {
        assert_eq!(
            p(" max( a , 2k*3 ) "),
            Expr::Call(
                "max".into(),
                vec![
                    Expr::Var("a".into()),
                    *bin(BinaryOp::Mul, num(2000.0), num(3.0))
                ]
            )
        );
        assert_eq!(p("pi()"), Expr::Call("pi".into(), vec![]));
        assert_eq!(
            p("(1+2)*3"),
            *bin(
                BinaryOp::Mul,
                bin(BinaryOp::Add, num(1.0), num(2.0)),
                num(3.0)
            )
        );
        assert_eq!(p("1e-3"), Expr::Num(1e-3));
        assert_eq!(p("1meg"), Expr::Num(1e6));
    }

    #[test]
    fn prefix_stops_before_next_word() {
        let (e, used) = parse_expr_prefix("1 + a  b=2").unwrap_or((Expr::Num(0.0), 0));
        assert_eq!(e, *bin(BinaryOp::Add, num(1.0), var("a")));
        assert_eq!(used, 5);
    }

    #[test]
    fn errors_point_at_the_problem() {
        let e = parse_expr_all("(1+2").unwrap_err();
        assert_eq!(e.offset, 4);
        assert_eq!(
            e.message,
            "expected ')' in expression, found end of expression"
        );
        let e = parse_expr_all("1 + * 2").unwrap_err();
        assert_eq!(e.offset, 4);
        assert_eq!(e.message, "expected an operand in expression, found '*'");
        let e = parse_expr_all("1 2").unwrap_err();
        assert_eq!(e.offset, 2);
        let e = parse_expr_all("a ? 1").unwrap_err();
        assert_eq!(
            e.message,
            "expected ':' in expression, found end of expression"
        );
    }
}

#[cfg(test)]
mod limit_tests {
    use super::*;

    const STACK: usize = 2 << 20;

    /// Runs `f` on a thread with a 2 MiB stack (Rust's default for spawned threads and tests):
    /// the limits must keep parsing (and dropping the tree) inside it, even unoptimised.
    fn small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        std::thread::Builder::new()
            .stack_size(STACK)
            .spawn(f)
            .expect("spawn")
            .join()
            .expect("no stack overflow")
    }

    fn too_deep(text: String) {
        let err = small_stack(move || parse_expr_all(&text).map(|_| ()))
            .expect_err("should exceed a limit");
        assert!(
            err.message.starts_with("expression nested too deeply"),
            "{}",
            err.message
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let n = 100_000;
        too_deep(format!("{}1{}", "(".repeat(n), ")".repeat(n)));
        too_deep(format!("{}1", "-".repeat(n)));
        too_deep(format!("2^{}1", "-".repeat(n)));
        too_deep(format!("{}1", "f(".repeat(n)));
        too_deep("1?".repeat(n) + "1");
        too_deep("1+".repeat(n) + "1");
        too_deep("2^".repeat(n) + "1");
        // Unterminated: the limit is reached before the missing ')' is noticed.
        too_deep("(".repeat(n));
    }

    #[test]
    fn depth_up_to_the_limits_is_accepted() {
        let n = MAX_EXPR_NESTING - 1;
        let text = format!("{}1{}", "(".repeat(n), ")".repeat(n));
        assert!(small_stack(move || parse_expr_all(&text).is_ok()));
        let text = "1+".repeat(MAX_EXPR_TREE_DEPTH - 1) + "1";
        assert!(small_stack(move || parse_expr_all(&text).is_ok()));
        // The counters are per expression: many moderately deep ones in a row are fine.
        for _ in 0..3 {
            assert!(parse_expr_all(&format!("{}1{}", "(".repeat(60), ")".repeat(60))).is_ok());
        }
    }
}
