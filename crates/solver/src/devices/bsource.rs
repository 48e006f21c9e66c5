//! Behavioural source `Bname n+ n- V={expr}` / `I={expr}` (ngspice's `asrc`), which the `E`/`G`
//! `VALUE=` and `TABLE` forms also become.
//!
//! **Equations.** With `f(x)` the expression of the controlling unknowns `x_k` (node voltages
//! and branch currents) and `d_k = df/dx_k` at the trial point `x0`, each Newton iteration
//! stamps the linearisation `f(x) ~ f(x0) + sum_k d_k (x_k - x0_k)` (ngspice's `asrcload.c`):
//! - `V=`: a branch current `i` (`+i` leaves `n+`, `-i` leaves `n-`, linear ±1 stamps) and the
//!   branch row `v(n+) - v(n-) - sum_k d_k x_k = f(x0) - sum_k d_k x0_k`;
//! - `I=`: the current flows from `n+` through the source to `n-`: `+d_k` at `(n+, x_k)`,
//!   `-d_k` at `(n-, x_k)`, and `f(x0) - sum_k d_k x0_k` leaving `n+` and entering `n-` on the
//!   right-hand side.
//!
//! `.ac` stamps the same `d_k` at the operating point (`asrcacld.c`); the source has no charge
//! and no noise. ngspice's convergence test of a B source compares the value with itself
//! (`asrcconv.c` evaluates at the same solution `asrcload.c` did), so the device always reports
//! itself converged and the node-voltage test decides, as in ngspice.
//!
//! **Evaluation.** The expression is compiled once, at assembly, into a flat tape of operations
//! over numbered slots ([`Tape`]); `c ? a : b` compiles to jumps so only the chosen side runs,
//! as ngspice evaluates it. Evaluation is forward-mode automatic differentiation: every slot
//! holds its value and its gradient over the controlling unknowns, both in the device's state
//! (no allocation per iteration). The local derivative of every function is ngspice's
//! (`inpptree.c`, `PTdifferentiate`), so Newton follows the same path:
//! - `a/b` divides by `b + gmin*1e-20` (`- gmin*1e-20` for `b < 0`, ngspice's `PTfudge_factor`),
//!   so `x/0` is `x*1e32`, not an error;
//! - `a^b`, `a**b` and `pow(a,b)` are `|a|^b`; `pwr(a,b)` is `sgn(a)|a|^b`; with a constant
//!   exponent the derivative is `b*pwr(a,b-1)` (for `pow`) or `b*pow(a,b-1)` (for `pwr`), with a
//!   constant base `pow(a,b) ln|a|`, else `pow(a,b)(b a'/a + b' ln|a|)`;
//! - `ln(0)`, `log(0)` and `log10(0)` are `-1e99`; `exp(x)` is `1e99` above `x = 227.9559242`;
//! - `sin`, `cos` take their argument modulo `2 pi`, `tan` modulo `pi`;
//! - `u(0) = 0.5`, `uramp' = u`, `u2' = u(x) - u(x-1)`, `abs' = sgn`, and `sgn`, `floor`,
//!   `ceil`, `nint`, the comparisons and `u` have derivative 0;
//! - `min(a,b)` takes `a'` where `a - b < 0`, else `b'`; `max` where `a - b > 0`.
//!
//! **Domain.** ngspice stops the analysis when a function returns `+inf` (its `HUGE`): `sqrt`,
//! `ln`, `log10` of a negative number, a power of zero to a negative exponent, an overflow.
//! balun does the same for every non-finite value (ngspice would let a NaN from `acos(2)` or
//! `acosh(0)` through to its output; balun never writes a NaN), with an error naming the
//! source, the expression, the function and its argument ([`DomainError`]).
//!
//! **`hertz`** is 0 in every analysis. ngspice re-solves the operating point at every `.ac`
//! frequency when an expression uses `hertz`, so that `hertz` there is the frequency; balun
//! linearises once, and warns at elaboration (docs/netlist.md).
//!
//! **Tables** (`E`/`G` `TABLE`): ngspice 39 turns them into its XSPICE `pwl` code model
//! (`src/xspice/icm/analog/pwl/cfunc.mod`, `input_domain=0.1 fraction=TRUE limit=TRUE`): the
//! points extended by one segment each side with the end values (flat ends), linear between
//! the points, and a parabola `a x^2 + b x + c` around each point `x_i` within
//! `0.1*min(x_i - x_{i-1}, x_{i+1} - x_i)` joining the two slopes (`cm_smooth_corner` in
//! `cmutil.c`). [`PwlTable`] evaluates exactly that, with the code model's per-iteration input
//! step limit (30% of the segment, stopping at breakpoints), which decides where Newton stops.
//! Before that the input is what XSPICE's `MIFload` hands a code model ([`TableInput`]): 0 at
//! the first iteration from scratch, the last accepted point's at the first iteration of a new
//! point, and otherwise the solution's limited to a change of `max(0.25*|last|, 0.1)` per
//! iteration (its default `conv_limit`), so that Newton takes ngspice's path.

use super::nonlinear::{Load, Mode, Nonlinear, State};
use crate::mna::Stamper;
use circuit::{BExpr, BFunc, BOp, BSource};

/// ngspice's `HUGE`-returning log of zero: `-1e99`.
const LOG_ZERO: f64 = -1e99;
/// Above this argument ngspice's `exp` returns [`EXP_MAX`].
const EXP_ARG_MAX: f64 = 227.955_924_2;
const EXP_MAX: f64 = 1e99;

/// Why an expression could not be evaluated: the function (or operator) and its arguments.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DomainError {
    pub function: &'static str,
    pub args: [f64; 2],
    pub arity: usize,
    /// Whether the derivative (not the value) is what is not finite.
    pub derivative: bool,
}

impl std::fmt::Display for DomainError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let args = if self.arity == 2 {
            format!("{}, {}", self.args[0], self.args[1])
        } else {
            format!("{}", self.args[0])
        };
        if self.derivative {
            write!(f, "the derivative of {}({args}) is infinite", self.function)
        } else {
            write!(
                f,
                "{}({args}) is out of range (not a finite number)",
                self.function
            )
        }
    }
}

fn func_name(f: BFunc) -> &'static str {
    use BFunc::*;
    match f {
        Abs => "abs",
        Sgn => "sgn",
        Sqrt => "sqrt",
        Exp => "exp",
        Ln => "ln",
        Log10 => "log10",
        Sin => "sin",
        Cos => "cos",
        Tan => "tan",
        Asin => "asin",
        Acos => "acos",
        Atan => "atan",
        Sinh => "sinh",
        Cosh => "cosh",
        Tanh => "tanh",
        Asinh => "asinh",
        Acosh => "acosh",
        Atanh => "atanh",
        U => "u",
        U2 => "u2",
        Uramp => "uramp",
        Floor => "floor",
        Ceil => "ceil",
        Nint => "nint",
        Neg => "-",
        Eq0 => "==",
        Ne0 => "!=",
        Gt0 => ">",
        Lt0 => "<",
        Ge0 => ">=",
        Le0 => "<=",
    }
}

fn op_name(op: BOp) -> &'static str {
    match op {
        BOp::Add => "+",
        BOp::Sub => "-",
        BOp::Mul => "*",
        BOp::Div => "/",
        BOp::Pow => "pow",
        BOp::Pwr => "pwr",
        BOp::Min => "min",
        BOp::Max => "max",
    }
}

/// ngspice's `MODULUS(x, m)`: `x - trunc(x/m)*m`.
fn modulus(x: f64, m: f64) -> f64 {
    x - (x / m).trunc() * m
}

/// ngspice's `PTdivide`: the divisor moved away from zero by `fudge` (`gmin*1e-20`).
pub fn divide(a: f64, b: f64, fudge: f64) -> f64 {
    let b = if b >= 0.0 { b + fudge } else { b - fudge };
    if b == 0.0 {
        f64::INFINITY
    } else {
        a / b
    }
}

/// `|a|^b` (ngspice's `^`, `**` and `pow` outside its LTspice and HSPICE modes).
fn pow_abs(a: f64, b: f64) -> f64 {
    a.abs().powf(b)
}

/// `sgn(a)|a|^b` (ngspice's `pwr` outside its PSpice mode).
fn pwr(a: f64, b: f64) -> f64 {
    if a < 0.0 {
        -(-a).powf(b)
    } else {
        a.powf(b)
    }
}

/// ngspice's `PTlog`: `ln` with `ln(0) = -1e99` (a negative argument is a domain error: NaN).
fn ln(a: f64) -> f64 {
    if a == 0.0 {
        LOG_ZERO
    } else if a < 0.0 {
        f64::NAN
    } else {
        a.ln()
    }
}

fn step(a: f64) -> f64 {
    if a < 0.0 {
        0.0
    } else if a > 0.0 {
        1.0
    } else {
        0.5
    }
}

fn sgn(a: f64) -> f64 {
    if a > 0.0 {
        1.0
    } else if a < 0.0 {
        -1.0
    } else {
        0.0
    }
}

fn truth(b: bool) -> f64 {
    if b {
        1.0
    } else {
        0.0
    }
}

/// Value of one-argument function `f` at `a` (ngspice's `PT*` functions).
pub fn unary_value(f: BFunc, a: f64) -> f64 {
    use BFunc::*;
    match f {
        Abs => a.abs(),
        Sgn => sgn(a),
        Sqrt => {
            if a < 0.0 {
                f64::NAN
            } else {
                a.sqrt()
            }
        }
        Exp => {
            if a > EXP_ARG_MAX {
                EXP_MAX
            } else {
                a.exp()
            }
        }
        Ln => ln(a),
        Log10 => {
            if a == 0.0 {
                LOG_ZERO
            } else if a < 0.0 {
                f64::NAN
            } else {
                a.log10()
            }
        }
        Sin => modulus(a, 2.0 * std::f64::consts::PI).sin(),
        Cos => modulus(a, 2.0 * std::f64::consts::PI).cos(),
        Tan => modulus(a, std::f64::consts::PI).tan(),
        Asin => a.asin(),
        Acos => a.acos(),
        Atan => a.atan(),
        Sinh => a.sinh(),
        Cosh => a.cosh(),
        Tanh => a.tanh(),
        Asinh => a.asinh(),
        Acosh => a.acosh(),
        Atanh => a.atanh(),
        U => step(a),
        U2 => {
            if a <= 0.0 {
                0.0
            } else if a <= 1.0 {
                a
            } else {
                1.0
            }
        }
        Uramp => {
            if a < 0.0 {
                0.0
            } else {
                a
            }
        }
        Floor => a.floor(),
        Ceil => a.ceil(),
        Nint => a.round_ties_even(),
        Neg => -a,
        Eq0 => truth(a == 0.0),
        Ne0 => truth(a != 0.0),
        Gt0 => truth(a > 0.0),
        Lt0 => truth(a < 0.0),
        Ge0 => truth(a >= 0.0),
        Le0 => truth(a <= 0.0),
    }
}

/// Derivative of `f` at `a` as ngspice's `PTdifferentiate` writes it (`fudge` for its
/// divisions).
pub fn unary_derivative(f: BFunc, a: f64, fudge: f64) -> f64 {
    use BFunc::*;
    let sq = |x: f64| pow_abs(x, 2.0);
    let sqrt = |x: f64| unary_value(Sqrt, x);
    match f {
        Abs => sgn(a),
        Sgn | U | Floor | Ceil | Nint | Eq0 | Ne0 | Gt0 | Lt0 | Ge0 | Le0 => 0.0,
        Sqrt => divide(1.0, 2.0 * sqrt(a), fudge),
        Exp => unary_value(Exp, a),
        Ln => divide(1.0, a, fudge),
        Log10 => divide(std::f64::consts::LOG10_E, a, fudge),
        Sin => unary_value(Cos, a),
        Cos => -unary_value(Sin, a),
        Tan => 1.0 + sq(unary_value(Tan, a)),
        Asin => divide(1.0, sqrt(1.0 - sq(a)), fudge),
        Acos => divide(-1.0, sqrt(1.0 - sq(a)), fudge),
        Atan => divide(1.0, sq(a) + 1.0, fudge),
        Sinh => a.cosh(),
        Cosh => a.sinh(),
        Tanh => 1.0 - sq(a.tanh()),
        Asinh => divide(1.0, sqrt(sq(a) + 1.0), fudge),
        Acosh => divide(1.0, sqrt(sq(a) - 1.0), fudge),
        Atanh => divide(1.0, 1.0 - sq(a), fudge),
        U2 => step(a) - step(a - 1.0),
        Uramp => step(a),
        Neg => -1.0,
    }
}

/// Value of two-argument operator `op`.
pub fn binary_value(op: BOp, a: f64, b: f64, fudge: f64) -> f64 {
    match op {
        BOp::Add => a + b,
        BOp::Sub => a - b,
        BOp::Mul => a * b,
        BOp::Div => divide(a, b, fudge),
        BOp::Pow => pow_abs(a, b),
        BOp::Pwr => pwr(a, b),
        BOp::Min => {
            if a > b {
                b
            } else {
                a
            }
        }
        BOp::Max => {
            if a > b {
                a
            } else {
                b
            }
        }
    }
}

/// The XSPICE `pwl` transfer of a `TABLE` (see the module documentation): its points extended
/// by one segment at each end with flat values.
#[derive(Debug, Clone, PartialEq)]
pub struct PwlTable {
    x: Vec<f64>,
    y: Vec<f64>,
}

impl PwlTable {
    /// The table through `points` (at least two, x strictly increasing: elaboration checks).
    pub fn new(points: &[(f64, f64)]) -> Self {
        let n = points.len();
        let mut x = Vec::with_capacity(n + 2);
        let mut y = Vec::with_capacity(n + 2);
        x.push(2.0 * points[0].0 - points[1].0);
        y.push(points[0].1);
        for &(px, py) in points {
            x.push(px);
            y.push(py);
        }
        x.push(2.0 * points[n - 1].0 - points[n - 2].0);
        y.push(points[n - 1].1);
        PwlTable { x, y }
    }

    /// Output and its derivative at input `xin` (`cm_pwl` with `fraction=TRUE`,
    /// `input_domain=0.1`).
    pub fn eval(&self, xin: f64) -> (f64, f64) {
        let (x, y) = (&self.x, &self.y);
        let size = x.len();
        if xin <= (x[0] + x[1]) / 2.0 {
            let slope = (y[1] - y[0]) / (x[1] - x[0]);
            return (y[0] + (xin - x[0]) * slope, slope);
        }
        if xin >= (x[size - 2] + x[size - 1]) / 2.0 {
            let slope = (y[size - 1] - y[size - 2]) / (x[size - 1] - x[size - 2]);
            return (y[size - 1] + (xin - x[size - 1]) * slope, slope);
        }
        for i in 1..size - 1 {
            if xin < (x[i] + x[i + 1]) / 2.0 {
                let lower = x[i] - x[i - 1];
                let upper = x[i + 1] - x[i];
                let domain = 0.1 * if lower <= upper { lower } else { upper };
                if xin < x[i] - domain {
                    let slope = (y[i] - y[i - 1]) / lower;
                    return (y[i] + (xin - x[i]) * slope, slope);
                }
                if xin < x[i] + domain {
                    let ls = (y[i] - y[i - 1]) / lower;
                    let us = (y[i + 1] - y[i]) / upper;
                    return smooth_corner(xin, x[i], y[i], domain, ls, us);
                }
                let slope = (y[i + 1] - y[i]) / upper;
                return (y[i] + (xin - x[i]) * slope, slope);
            }
        }
        // Not reached for a finite input (the midpoint tests above cover the ends).
        (y[size - 1], 0.0)
    }
}

/// `f64`s of memory per table: the `pwl` model's last input (its `last_x_value`), whether it
/// has one, the input it was last evaluated at (XSPICE's `input.rvalue`, which the model
/// overwrites with its limited input) and the input `MIFload` saved for the next point
/// (`CKTstate0[old_input]`).
pub const TABLE_MEMORY: usize = 4;
const TABLE_LAST_X: usize = 0;
const TABLE_INIT: usize = 1;
const TABLE_INPUT: usize = 2;
const TABLE_SAVED: usize = 3;

/// How XSPICE's `MIFload` (`mifload.c`) hands a table, ngspice's `pwl` code model, its input
/// at one load, before the model's own limiting.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TableInput<'a> {
    /// `MODEINITJCT`, the first iteration of an operating point from scratch: 0.
    Zero,
    /// `MODEINITPRED`, the first iteration at a new point: the input saved at the last
    /// accepted point (that point's table memory).
    Accepted(&'a [f64]),
    /// `MODEINITTRAN`: the solution's, unlimited (the operating point's saved input).
    Solution,
    /// Any other iteration: the solution's, limited to a change of
    /// `max(0.25*|last|, 0.1)` from the last iteration's input (XSPICE's default
    /// `conv_limit`), which makes the iteration "not converged".
    Limited,
}

impl TableInput<'_> {
    /// The input of table `table` whose solution value is `x`, `mem` its memory.
    fn value(self, x: f64, table: usize, mem: &[f64], limited: &mut bool) -> f64 {
        match self {
            TableInput::Zero => 0.0,
            TableInput::Accepted(acc) => {
                let acc = &acc[TABLE_MEMORY * table..][..TABLE_MEMORY];
                if acc[TABLE_INIT] == 0.0 {
                    x
                } else {
                    acc[TABLE_SAVED]
                }
            }
            TableInput::Solution => x,
            TableInput::Limited => {
                if mem[TABLE_INIT] == 0.0 {
                    return x;
                }
                let (v, hit) = super::limit::code_model_input(x, mem[TABLE_INPUT]);
                *limited |= hit;
                v
            }
        }
    }
}

/// Fraction of a segment the `pwl` code model lets its input move per iteration.
const PWL_STEP_FRACTION: f64 = 0.30;
/// How far below a breakpoint the `pwl` model puts an input it stopped there on the way down.
const PWL_EPSILON: f64 = 1.0e-9;

/// XSPICE's `limit_x_value`: the input moved from `last` towards `x` by at most
/// `fraction*(hi - lo)`; the new input and whether it was limited.
fn limit_step(lo: f64, hi: f64, x: f64, last: &mut f64) -> (f64, bool) {
    let max_delta = PWL_STEP_FRACTION * (hi - lo);
    if max_delta < (x - *last).abs() {
        *last = if x - *last >= 0.0 {
            *last + max_delta
        } else {
            *last - max_delta
        };
        (*last, true)
    } else {
        *last = x;
        (x, false)
    }
}

impl PwlTable {
    /// The `pwl` code model's input limiting (`cm_pwl` in `cfunc.mod`): from the last
    /// iteration's input `last` (updated), the input to evaluate at and whether it was limited
    /// (the model then reports non-convergence). The input may move by 30% of the segment it is
    /// in per iteration and stops at the breakpoint it would cross (just below it on the way
    /// down).
    pub fn limit(&self, x_in: f64, last: &mut f64) -> (f64, bool) {
        let (x, size) = (&self.x, self.x.len());
        if *last < x[0] {
            let (test, limited) = if x[0] - x_in > x[1] - x[0] {
                limit_step(x_in, x[0], x_in, last)
            } else {
                limit_step(x[0], x[1], x_in, last)
            };
            if test >= x[0] {
                *last = x[0];
                return (x[0], true);
            }
            return (test, limited);
        }
        if *last >= x[size - 1] {
            let (test, limited) = if x_in - x[size - 1] > x[size - 1] - x[size - 2] {
                limit_step(x[size - 1], x_in, x_in, last)
            } else {
                limit_step(x[size - 2], x[size - 1], x_in, last)
            };
            if test < x[size - 1] {
                *last = x[size - 1] - PWL_EPSILON;
                return (*last, true);
            }
            return (test, limited);
        }
        for i in 1..size {
            if *last < x[i] {
                let (test, limited) = limit_step(x[i - 1], x[i], x_in, last);
                if test > x[i] {
                    *last = x[i];
                    return (x[i], true);
                }
                if test < x[i - 1] {
                    *last = x[i - 1] - PWL_EPSILON;
                    return (*last, true);
                }
                return (test, limited);
            }
        }
        (x_in, false)
    }
}

/// XSPICE's `cm_smooth_corner`: the parabola joining slope `ls` left of `xc - d` to slope
/// `us` right of `xc + d` through the corner `(xc, yc)`'s tangents; value and derivative.
fn smooth_corner(xin: f64, xc: f64, yc: f64, d: f64, ls: f64, us: f64) -> (f64, f64) {
    let x_upper = xc + d;
    let y_upper = yc + us * d;
    let a = ((us - ls) / 4.0) * (1.0 / d);
    let b = us - 2.0 * a * x_upper;
    let c = y_upper - (a * x_upper * x_upper) - (b * x_upper);
    (a * xin * xin + b * xin + c, 2.0 * a * xin + b)
}

/// One tape operation; `dst`, `a`, `b`, `cond`, `src` are slots, `to` an operation index.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Const {
        dst: u32,
        value: f64,
    },
    /// Controlling unknown `k` (its value from the solution, gradient the unit vector `k`).
    Var {
        dst: u32,
        k: u32,
    },
    Time {
        dst: u32,
    },
    Unary {
        dst: u32,
        a: u32,
        f: BFunc,
    },
    Binary {
        dst: u32,
        a: u32,
        b: u32,
        op: BOp,
        /// Whether the operand is a literal constant (ngspice's power rule depends on it).
        a_const: bool,
        b_const: bool,
    },
    Table {
        dst: u32,
        a: u32,
        table: u32,
    },
    /// Jump to `to` when slot `cond` is zero.
    JumpIfZero {
        cond: u32,
        to: u32,
    },
    Jump {
        to: u32,
    },
    Copy {
        dst: u32,
        src: u32,
    },
}

/// A compiled expression: operations over `slots` value slots, each with a gradient over
/// `vars` controlling unknowns; the result is in slot `result`.
#[derive(Debug, Clone, PartialEq)]
pub struct Tape {
    ops: Vec<Op>,
    tables: Vec<PwlTable>,
    slots: usize,
    vars: usize,
    result: u32,
}

/// What compiling needs to know about the circuit.
pub struct CompileEnv<'e> {
    /// Maps a node or branch reference to its unknown index (`None` for ground).
    pub unknown: &'e dyn Fn(&BExpr) -> Option<usize>,
    /// The circuit temperature (deg C), the value of `temper`.
    pub temper_c: f64,
}

struct Compiler<'e> {
    env: CompileEnv<'e>,
    ops: Vec<Op>,
    tables: Vec<PwlTable>,
    slots: u32,
    /// Unknown index of each controlling variable, in order of first use.
    vars: Vec<usize>,
}

impl Compiler<'_> {
    fn slot(&mut self) -> u32 {
        self.slots += 1;
        self.slots - 1
    }

    fn constant(&mut self, value: f64) -> u32 {
        let dst = self.slot();
        self.ops.push(Op::Const { dst, value });
        dst
    }

    fn compile(&mut self, e: &BExpr) -> u32 {
        match e {
            BExpr::Num(v) => self.constant(*v),
            BExpr::Temper => self.constant(self.env.temper_c),
            BExpr::Hertz => self.constant(0.0),
            BExpr::Time => {
                let dst = self.slot();
                self.ops.push(Op::Time { dst });
                dst
            }
            BExpr::Node(_) | BExpr::Branch(_) => match (self.env.unknown)(e) {
                None => self.constant(0.0),
                Some(u) => {
                    let k = match self.vars.iter().position(|&v| v == u) {
                        Some(k) => k,
                        None => {
                            self.vars.push(u);
                            self.vars.len() - 1
                        }
                    };
                    let dst = self.slot();
                    self.ops.push(Op::Var { dst, k: k as u32 });
                    dst
                }
            },
            BExpr::Unary(f, a) => {
                let a = self.compile(a);
                let dst = self.slot();
                self.ops.push(Op::Unary { dst, a, f: *f });
                dst
            }
            BExpr::Binary(op, a, b) => {
                let (a_const, b_const) = (is_const(a), is_const(b));
                let a = self.compile(a);
                let b = self.compile(b);
                let dst = self.slot();
                self.ops.push(Op::Binary {
                    dst,
                    a,
                    b,
                    op: *op,
                    a_const,
                    b_const,
                });
                dst
            }
            BExpr::Ternary(c, a, b) => {
                let cond = self.compile(c);
                let dst = self.slot();
                let jz = self.ops.len();
                self.ops.push(Op::JumpIfZero { cond, to: 0 });
                let sa = self.compile(a);
                self.ops.push(Op::Copy { dst, src: sa });
                let jmp = self.ops.len();
                self.ops.push(Op::Jump { to: 0 });
                let else_at = self.ops.len() as u32;
                let sb = self.compile(b);
                self.ops.push(Op::Copy { dst, src: sb });
                let end = self.ops.len() as u32;
                self.ops[jz] = Op::JumpIfZero { cond, to: else_at };
                self.ops[jmp] = Op::Jump { to: end };
                dst
            }
            BExpr::Table(a, points) => {
                let a = self.compile(a);
                let dst = self.slot();
                let table = self.tables.len() as u32;
                self.tables.push(PwlTable::new(points));
                self.ops.push(Op::Table { dst, a, table });
                dst
            }
        }
    }
}

fn is_const(e: &BExpr) -> bool {
    matches!(e, BExpr::Num(_) | BExpr::Temper | BExpr::Hertz)
}

impl Tape {
    /// Compiles `expr`; returns the tape and the unknown index of each controlling variable.
    pub fn compile(expr: &BExpr, env: CompileEnv) -> (Tape, Vec<usize>) {
        let mut c = Compiler {
            env,
            ops: Vec::new(),
            tables: Vec::new(),
            slots: 0,
            vars: Vec::new(),
        };
        let result = c.compile(expr);
        let tape = Tape {
            ops: c.ops,
            tables: c.tables,
            slots: c.slots as usize,
            vars: c.vars.len(),
            result,
        };
        (tape, c.vars)
    }

    /// Number of `f64`s [`Tape::eval`] needs as scratch: each slot's value and gradient.
    pub fn scratch_len(&self) -> usize {
        self.slots * (1 + self.vars)
    }

    /// Number of `f64`s of memory kept between evaluations: per table, [`TABLE_MEMORY`].
    pub fn memory_len(&self) -> usize {
        TABLE_MEMORY * self.tables.len()
    }

    /// Evaluates the expression with the controlling variables at `var(k)`, at transient
    /// time `time`, with ngspice's division guard `fudge`: the value and (into `grad`, one
    /// per variable) its derivatives. `scratch` is [`Tape::scratch_len`] long; `memory`
    /// ([`Tape::memory_len`]) persists between calls; `input` says how a table takes its
    /// input at this load; `limited` is set when a table limited its input's step (the result
    /// is then a linearisation at the limited input).
    #[allow(clippy::too_many_arguments)]
    pub fn eval(
        &self,
        var: &dyn Fn(usize) -> f64,
        time: f64,
        fudge: f64,
        scratch: &mut [f64],
        memory: &mut [f64],
        input: TableInput<'_>,
        limited: &mut bool,
        grad: &mut [f64],
    ) -> Result<f64, DomainError> {
        let n = self.vars;
        let (val, g) = scratch.split_at_mut(self.slots);
        let mut pc = 0;
        while pc < self.ops.len() {
            let op = self.ops[pc];
            pc += 1;
            match op {
                Op::Const { dst, value } => {
                    val[dst as usize] = value;
                    zero(g, dst, n);
                }
                Op::Time { dst } => {
                    val[dst as usize] = time;
                    zero(g, dst, n);
                }
                Op::Var { dst, k } => {
                    val[dst as usize] = var(k as usize);
                    zero(g, dst, n);
                    g[dst as usize * n + k as usize] = 1.0;
                }
                Op::Copy { dst, src } => {
                    val[dst as usize] = val[src as usize];
                    let (d, s) = (dst as usize * n, src as usize * n);
                    g.copy_within(s..s + n, d);
                }
                Op::JumpIfZero { cond, to } => {
                    if val[cond as usize] == 0.0 {
                        pc = to as usize;
                    }
                }
                Op::Jump { to } => pc = to as usize,
                Op::Unary { dst, a, f } => {
                    let x = val[a as usize];
                    let v = unary_value(f, x);
                    let err = |derivative| DomainError {
                        function: func_name(f),
                        args: [x, 0.0],
                        arity: 1,
                        derivative,
                    };
                    if !v.is_finite() {
                        return Err(err(false));
                    }
                    val[dst as usize] = v;
                    let (d, s) = (dst as usize * n, a as usize * n);
                    if g[s..s + n].iter().all(|&x| x == 0.0) {
                        zero(g, dst, n);
                    } else {
                        let dv = unary_derivative(f, x, fudge);
                        if !dv.is_finite() {
                            return Err(err(true));
                        }
                        for k in 0..n {
                            g[d + k] = dv * g[s + k];
                        }
                    }
                }
                Op::Table { dst, a, table } => {
                    let t = &self.tables[table as usize];
                    let x_in = val[a as usize];
                    let mem = &mut memory[TABLE_MEMORY * table as usize..][..TABLE_MEMORY];
                    let x_mif = input.value(x_in, table as usize, mem, limited);
                    mem[TABLE_SAVED] = x_mif;
                    let x_used = if mem[TABLE_INIT] == 0.0 {
                        mem[TABLE_LAST_X] = x_mif;
                        mem[TABLE_INIT] = 1.0;
                        x_mif
                    } else {
                        let (x, lim) = t.limit(x_mif, &mut mem[TABLE_LAST_X]);
                        *limited |= lim;
                        x
                    };
                    mem[TABLE_INPUT] = x_used;
                    let (out, dv) = t.eval(x_used);
                    let v = out + dv * (x_in - x_used);
                    if !v.is_finite() {
                        return Err(DomainError {
                            function: "table",
                            args: [val[a as usize], 0.0],
                            arity: 1,
                            derivative: false,
                        });
                    }
                    val[dst as usize] = v;
                    let (d, s) = (dst as usize * n, a as usize * n);
                    for k in 0..n {
                        g[d + k] = dv * g[s + k];
                    }
                }
                Op::Binary {
                    dst,
                    a,
                    b,
                    op,
                    a_const,
                    b_const,
                } => {
                    let (x, y) = (val[a as usize], val[b as usize]);
                    let v = binary_value(op, x, y, fudge);
                    let err = |derivative| DomainError {
                        function: op_name(op),
                        args: [x, y],
                        arity: 2,
                        derivative,
                    };
                    if !v.is_finite() {
                        return Err(err(false));
                    }
                    val[dst as usize] = v;
                    let (d, sa, sb) = (dst as usize * n, a as usize * n, b as usize * n);
                    let mut ok = true;
                    for k in 0..n {
                        let (ga, gb) = (g[sa + k], g[sb + k]);
                        let dk = binary_derivative(op, x, y, v, ga, gb, a_const, b_const, fudge);
                        ok &= dk.is_finite();
                        g[d + k] = dk;
                    }
                    if !ok {
                        return Err(err(true));
                    }
                }
            }
        }
        let r = self.result as usize;
        grad[..n].copy_from_slice(&g[r * n..r * n + n]);
        Ok(val[r])
    }
}

fn zero(g: &mut [f64], slot: u32, n: usize) {
    let s = slot as usize * n;
    g[s..s + n].iter_mut().for_each(|x| *x = 0.0);
}

/// One component of the gradient of `op(a, b)` (value `v`) from the operands' components
/// `ga`, `gb`, as ngspice's `PTdifferentiate` writes each rule.
#[allow(clippy::too_many_arguments)]
fn binary_derivative(
    op: BOp,
    a: f64,
    b: f64,
    v: f64,
    ga: f64,
    gb: f64,
    a_const: bool,
    b_const: bool,
    fudge: f64,
) -> f64 {
    if ga == 0.0 && gb == 0.0 {
        return 0.0;
    }
    match op {
        BOp::Add => ga + gb,
        BOp::Sub => ga - gb,
        BOp::Mul => ga * b + a * gb,
        BOp::Div => divide(ga * b - a * gb, pow_abs(b, 2.0), fudge),
        BOp::Pow | BOp::Pwr => {
            let power = |x, y| {
                if op == BOp::Pow {
                    pwr(x, y)
                } else {
                    pow_abs(x, y)
                }
            };
            if b_const {
                if b == 0.0 {
                    0.0
                } else {
                    b * power(a, b - 1.0) * ga
                }
            } else if a_const {
                v * (gb * ln(a.abs()))
            } else {
                let log_term = if gb == 0.0 { 0.0 } else { gb * ln(a.abs()) };
                v * (b * divide(ga, a, fudge) + log_term)
            }
        }
        BOp::Min => {
            if a - b < 0.0 {
                ga
            } else {
                gb
            }
        }
        BOp::Max => {
            if a - b > 0.0 {
                ga
            } else {
                gb
            }
        }
    }
}

/// A B source placed in the matrix.
#[derive(Debug, Clone)]
pub struct BSourceInstance {
    tape: Tape,
    /// The expression as written, for messages.
    text: String,
    voltage: bool,
    pos: Option<usize>,
    neg: Option<usize>,
    /// The branch-current unknown of a `V=` source.
    branch: Option<usize>,
    /// Unknown index of each controlling variable.
    vars: Vec<usize>,
    /// Per variable: the slot of `(branch, var)` (`V=`), or of `(pos, var)` and `(neg, var)`
    /// (`I=`), as pattern handles until [`Nonlinear::resolve`].
    slots: Vec<[Option<usize>; 2]>,
}

/// State layout: the value, then its derivatives, then the tape's scratch.
const VALUE: usize = 0;

impl BSourceInstance {
    fn derivs_end(&self) -> usize {
        1 + self.vars.len()
    }

    fn memory_end(&self) -> usize {
        self.derivs_end() + self.tape.memory_len()
    }

    /// Evaluates at solution `x`, time `time`: value and derivatives into `state`, tables
    /// taking their input as `input` says.
    fn evaluate(
        &self,
        x: &[f64],
        time: f64,
        fudge: f64,
        state: &mut [f64],
        input: TableInput<'_>,
        limited: &mut bool,
    ) -> Result<f64, DomainError> {
        let (head, rest) = state.split_at_mut(self.derivs_end());
        let (memory, scratch) = rest.split_at_mut(self.tape.memory_len());
        let value = self.tape.eval(
            &|k| x[self.vars[k]],
            time,
            fudge,
            scratch,
            memory,
            input,
            limited,
            &mut head[1..],
        )?;
        head[VALUE] = value;
        Ok(value)
    }

    /// Stamps the derivatives `d` into matrix values `m`.
    fn stamp_derivatives(&self, m: &mut [f64], d: &[f64]) {
        for (slots, &dk) in self.slots.iter().zip(d) {
            if self.voltage {
                if let Some(s) = slots[0] {
                    m[s] -= dk;
                }
            } else {
                if let Some(s) = slots[0] {
                    m[s] += dk;
                }
                if let Some(s) = slots[1] {
                    m[s] -= dk;
                }
            }
        }
    }
}

impl Nonlinear for BSourceInstance {
    fn state_len(&self) -> usize {
        self.memory_end() + self.tape.scratch_len()
    }

    fn resolve(&mut self, slot: &dyn Fn(usize) -> usize) {
        for pair in &mut self.slots {
            for s in pair.iter_mut() {
                *s = s.map(slot);
            }
        }
    }

    fn load(&self, x: &[f64], state: State, load: &mut Load) -> bool {
        let st = state.now;
        let fudge = load.options.gmin * 1e-20;
        let mut limited = false;
        // XSPICE's MIFload, as for the smooth switch (devices/switch.rs).
        let input = if load.init_junctions {
            TableInput::Zero
        } else if load.predict.is_some() {
            TableInput::Accepted(&state.accepted[self.derivs_end()..self.memory_end()])
        } else if load.mode == Mode::TranInit {
            TableInput::Solution
        } else {
            TableInput::Limited
        };
        let value = match self.evaluate(x, load.time, fudge, st, input, &mut limited) {
            Ok(v) => v,
            Err(e) => {
                load.fault = Some(format!("{e} in '{}'", self.text));
                return false;
            }
        };
        let d = &st[1..self.derivs_end()];
        self.stamp_derivatives(load.values, d);
        let mut rhs = value;
        for (&u, &dk) in self.vars.iter().zip(d) {
            rhs -= dk * x[u];
        }
        if self.voltage {
            load.add_rhs(self.branch, rhs);
        } else {
            load.add_rhs(self.pos, -rhs);
            load.add_rhs(self.neg, rhs);
        }
        // ngspice's own test is no test (see the module documentation); a table whose input
        // step was limited is not converged, as the XSPICE model says.
        !limited
    }

    fn ac_load(&self, state: &[f64], g: &mut [f64], _c: &mut [f64]) {
        self.stamp_derivatives(g, &state[1..self.derivs_end()]);
    }

    fn op_values(&self, state: &[f64]) -> Vec<(&'static str, f64)> {
        let what = if self.voltage { "v" } else { "i" };
        vec![(what, state[VALUE])]
    }
}

/// Stamps a B source: the linear branch stamps of a `V=` source, and registers the
/// linearisation's positions.
pub(super) fn stamp(b: &BSource, temper_c: f64, st: &mut Stamper) {
    let pos = st.node(b.pos);
    let neg = st.node(b.neg);
    let branch = b.voltage.then(|| st.own_branch());
    if branch.is_some() {
        st.g(pos, branch, 1.0);
        st.g(neg, branch, -1.0);
        st.g(branch, pos, 1.0);
        st.g(branch, neg, -1.0);
    }
    let unknown = |e: &BExpr| match e {
        BExpr::Node(n) => st.node(*n),
        BExpr::Branch(d) => Some(st.branch(*d)),
        _ => None,
    };
    let (tape, vars) = Tape::compile(
        &b.expr,
        CompileEnv {
            unknown: &unknown,
            temper_c,
        },
    );
    let slots = vars
        .iter()
        .map(|&u| {
            if b.voltage {
                [st.position(branch, Some(u)), None]
            } else {
                [st.position(pos, Some(u)), st.position(neg, Some(u))]
            }
        })
        .collect();
    st.add_nonlinear(Box::new(BSourceInstance {
        tape,
        text: b.text.clone(),
        voltage: b.voltage,
        pos,
        neg,
        branch,
        vars,
        slots,
    }));
}

#[cfg(test)]
mod tests {
    use super::*;
    use circuit::NodeId;

    const FUDGE: f64 = 1e-32;

    fn node(k: u32) -> Box<BExpr> {
        Box::new(BExpr::Node(NodeId(k + 1)))
    }

    fn compile(e: &BExpr) -> (Tape, Vec<usize>) {
        let unknown = |e: &BExpr| match e {
            BExpr::Node(n) => Some(n.index() - 1),
            _ => None,
        };
        Tape::compile(
            e,
            CompileEnv {
                unknown: &unknown,
                temper_c: 27.0,
            },
        )
    }

    /// Value and gradient of `e` at `x` (node k+1 is x[k]).
    fn eval(e: &BExpr, x: &[f64]) -> Result<(f64, Vec<f64>), DomainError> {
        let (tape, vars) = compile(e);
        let mut scratch = vec![0.0; tape.scratch_len()];
        let mut memory = vec![0.0; tape.memory_len()];
        let mut grad = vec![0.0; vars.len()];
        let v = tape.eval(
            &|k| x[vars[k]],
            0.0,
            FUDGE,
            &mut scratch,
            &mut memory,
            TableInput::Limited,
            &mut false,
            &mut grad,
        )?;
        let mut full = vec![0.0; x.len()];
        for (k, &u) in vars.iter().enumerate() {
            full[u] = grad[k];
        }
        Ok((v, full))
    }

    /// The gradient of `e` at `x` equals central finite differences of its value.
    fn check_gradient(e: &BExpr, x: &[f64]) {
        let (_, g) = eval(e, x).unwrap_or_else(|err| panic!("{e:?} at {x:?}: {err}"));
        for k in 0..x.len() {
            let h = 1e-6 * x[k].abs().max(1e-3);
            let mut xp = x.to_vec();
            let mut xm = x.to_vec();
            xp[k] += h;
            xm[k] -= h;
            let fp = eval(e, &xp).expect("value").0;
            let fm = eval(e, &xm).expect("value").0;
            let fd = (fp - fm) / (2.0 * h);
            let tol = 1e-6 * fd.abs().max(g[k].abs()) + 1e-7;
            assert!(
                (fd - g[k]).abs() <= tol,
                "{e:?} at {x:?}: d/dx{k} = {} by AD, {fd} by finite differences",
                g[k]
            );
        }
    }

    /// Every one-argument function's derivative against finite differences at points inside
    /// its domain and away from its kinks.
    #[test]
    fn unary_derivatives_match_finite_differences() {
        use BFunc::*;
        let cases: &[(BFunc, &[f64])] = &[
            (Abs, &[-1.3, 0.7]),
            (Sgn, &[-2.0, 3.0]),
            (Sqrt, &[0.3, 4.0]),
            (Exp, &[-2.0, 0.5, 3.0]),
            (Ln, &[0.2, 5.0]),
            (Log10, &[0.2, 50.0]),
            (Sin, &[-7.0, 0.4, 9.0]),
            (Cos, &[-7.0, 0.4, 9.0]),
            (Tan, &[-0.3, 0.7, 4.0]),
            (Asin, &[-0.6, 0.3]),
            (Acos, &[-0.6, 0.3]),
            (Atan, &[-3.0, 0.5]),
            (Sinh, &[-1.5, 0.7]),
            (Cosh, &[-1.5, 0.7]),
            (Tanh, &[-1.5, 0.7]),
            (Asinh, &[-2.0, 0.7]),
            (Acosh, &[1.5, 3.0]),
            (Atanh, &[-0.5, 0.3]),
            (U, &[-1.0, 2.0]),
            (U2, &[-1.0, 0.4, 2.0]),
            (Uramp, &[-1.0, 2.0]),
            (Floor, &[-1.5, 2.3]),
            (Ceil, &[-1.5, 2.3]),
            (Nint, &[-1.2, 2.3]),
            (Neg, &[-1.0, 2.0]),
            (Eq0, &[1.0]),
            (Ne0, &[1.0]),
            (Gt0, &[1.0]),
            (Lt0, &[1.0]),
            (Ge0, &[1.0]),
            (Le0, &[1.0]),
        ];
        for &(f, points) in cases {
            // f(2*x0 - 0.5*x0) exercises the chain rule too.
            let arg = BExpr::Binary(
                BOp::Sub,
                Box::new(BExpr::Binary(BOp::Mul, Box::new(BExpr::Num(2.0)), node(0))),
                Box::new(BExpr::Binary(BOp::Mul, Box::new(BExpr::Num(0.5)), node(0))),
            );
            let e = BExpr::Unary(f, Box::new(arg));
            for &p in points {
                check_gradient(&e, &[p / 1.5]);
            }
        }
    }

    /// Every two-argument operator, with both operands varying and with a constant operand.
    #[test]
    fn binary_derivatives_match_finite_differences() {
        let ops = [
            BOp::Add,
            BOp::Sub,
            BOp::Mul,
            BOp::Div,
            BOp::Pow,
            BOp::Pwr,
            BOp::Min,
            BOp::Max,
        ];
        for op in ops {
            for x in [[1.3, 0.7], [-1.7, 2.1], [0.4, -1.2]] {
                let e = BExpr::Binary(op, node(0), node(1));
                check_gradient(&e, &x);
                let c = BExpr::Binary(op, node(0), Box::new(BExpr::Num(2.5)));
                check_gradient(&c, &x);
                let c = BExpr::Binary(op, Box::new(BExpr::Num(1.5)), node(1));
                check_gradient(&c, &x);
            }
        }
    }

    #[test]
    fn ternary_evaluates_only_the_chosen_side() {
        // v(1) > 0 ? sqrt(v(1)) : -v(1): no domain error for v(1) < 0.
        let e = BExpr::Ternary(
            Box::new(BExpr::Unary(BFunc::Gt0, node(0))),
            Box::new(BExpr::Unary(BFunc::Sqrt, node(0))),
            Box::new(BExpr::Unary(BFunc::Neg, node(0))),
        );
        assert_eq!(eval(&e, &[-4.0]).expect("ok"), (4.0, vec![-1.0]));
        assert_eq!(eval(&e, &[4.0]).expect("ok"), (2.0, vec![0.25]));
        check_gradient(&e, &[2.0]);
        check_gradient(&e, &[-2.0]);
    }

    #[test]
    fn ngspice_domain_rules() {
        let f = |fun, x: f64| eval(&BExpr::Unary(fun, node(0)), &[x]);
        // sqrt and ln of a negative number are errors; ln(0) is -1e99 with derivative 1e32.
        let e = f(BFunc::Sqrt, -1.0).expect_err("sqrt(-1)");
        assert_eq!(e.function, "sqrt");
        assert!(f(BFunc::Ln, -1.0).is_err());
        assert_eq!(f(BFunc::Ln, 0.0).expect("ln 0"), (-1e99, vec![1.0 / FUDGE]));
        assert_eq!(
            f(BFunc::Sqrt, 0.0).expect("sqrt 0"),
            (0.0, vec![1.0 / (2.0 * 0.0 + FUDGE)])
        );
        assert_eq!(f(BFunc::Exp, 300.0).expect("exp").0, 1e99);
        assert!(f(BFunc::Acos, 2.0).is_err());
        // x/0 is x*1e32 (ngspice's fudge), not an error.
        let d = BExpr::Binary(BOp::Div, node(0), Box::new(BExpr::Num(0.0)));
        assert_eq!(eval(&d, &[2.0]).expect("x/0").0, 2.0 / FUDGE);
        // |a|^b and sgn(a)|a|^b.
        let p = |op, a: f64| eval(&BExpr::Binary(op, node(0), Box::new(BExpr::Num(3.0))), &[a]);
        assert_eq!(p(BOp::Pow, -2.0).expect("pow").0, 8.0);
        assert_eq!(p(BOp::Pwr, -2.0).expect("pwr").0, -8.0);
        // v^0.5 at 0: ngspice's derivative 0.5*pwr(0, -0.5) is infinite: an error.
        let h = BExpr::Binary(BOp::Pow, node(0), Box::new(BExpr::Num(0.5)));
        assert!(eval(&h, &[0.0]).expect_err("derivative").derivative);
    }

    /// XSPICE's `MIFload` inputs: 0 from scratch, the accepted point's saved input at a new
    /// point, else the solution's limited to max(0.25|last|, 0.1) from the last iteration's.
    #[test]
    fn table_input_follows_mifload() {
        let mut mem = [0.0; TABLE_MEMORY];
        let mut limited = false;
        assert_eq!(TableInput::Zero.value(3.0, 0, &mem, &mut limited), 0.0);
        // No input yet: the solution's.
        assert_eq!(TableInput::Limited.value(3.0, 0, &mem, &mut limited), 3.0);
        assert!(!limited);
        mem[TABLE_INIT] = 1.0;
        mem[TABLE_INPUT] = -2.0;
        // From -2 the input may move by 0.5: to -1.5, and the iteration is not converged.
        assert_eq!(TableInput::Limited.value(3.0, 0, &mem, &mut limited), -1.5);
        assert!(limited);
        let mut limited = false;
        mem[TABLE_INPUT] = 0.01;
        assert_eq!(TableInput::Limited.value(0.2, 0, &mem, &mut limited), 0.11);
        assert_eq!(TableInput::Limited.value(0.1, 0, &mem, &mut false), 0.1);
        let mut acc = [0.0; 2 * TABLE_MEMORY];
        acc[TABLE_MEMORY + TABLE_INIT] = 1.0;
        acc[TABLE_MEMORY + TABLE_SAVED] = 0.7;
        let input = TableInput::Accepted(&acc);
        assert_eq!(input.value(5.0, 1, &mem, &mut false), 0.7);
        // A table the accepted point never evaluated takes the solution.
        assert_eq!(input.value(5.0, 0, &mem, &mut false), 5.0);
        assert_eq!(TableInput::Solution.value(5.0, 0, &mem, &mut false), 5.0);
    }

    #[test]
    fn table_matches_xspice_pwl() {
        // ngspice 39, `E2 d 0 TABLE {v(a)} = (0,0) (1,2) (2,3)` at v(a) = 1: 1.975.
        let t = PwlTable::new(&[(0.0, 0.0), (1.0, 2.0), (2.0, 3.0)]);
        assert!((t.eval(1.0).0 - 1.975).abs() < 1e-15);
        assert_eq!(t.eval(-5.0), (0.0, 0.0));
        assert_eq!(t.eval(7.0), (3.0, 0.0));
        assert_eq!(t.eval(0.5), (1.0, 2.0));
        // Continuous value and slope at the ends of a parabola.
        for xc in [1.0 - 0.1, 1.0 + 0.1] {
            let (a, da) = t.eval(xc - 1e-12);
            let (b, db) = t.eval(xc + 1e-12);
            assert!((a - b).abs() < 1e-9 && (da - db).abs() < 1e-9);
        }
        // The derivative is the slope of the value everywhere.
        for x in [-0.05, 0.03, 0.95, 1.02, 1.5, 1.97, 2.04] {
            let h = 1e-7;
            let fd = (t.eval(x + h).0 - t.eval(x - h).0) / (2.0 * h);
            assert!((fd - t.eval(x).1).abs() < 1e-6, "at {x}");
        }
    }

    /// The `.op` voltages of a netlist, by node name.
    fn op_of(text: &str) -> impl Fn(&str) -> f64 {
        let (ast, _) = netlist::parse_str(std::path::Path::new("b.net"), text).expect("parses");
        let circuit = circuit::elaborate(&ast).expect("elaborates");
        let plot = crate::simulate(&circuit).expect("solves").remove(0);
        move |name: &str| {
            let v = plot
                .vectors
                .iter()
                .find(|v| v.name == format!("v({name})"))
                .unwrap_or_else(|| panic!("no v({name})"));
            match &v.data {
                crate::Data::Real(x) => x[0],
                crate::Data::Complex(x) => x[0].re,
            }
        }
    }

    /// `if`, `limit`, `pwrs`, `stp` as ngspice's PSpice mode defines them (`.func` lines in
    /// `inpcom.c`; ngspice 39 itself rejects them in B sources), the operators' 0/1 values, and
    /// `v(a,b)`, `i()`, parameters, `temper`, `pi` (closed forms written out per line).
    #[test]
    fn pspice_functions_and_operators_end_to_end() {
        let v = op_of(
            "pspice functions\n.param two=2\nV1 a 0 0.75\nVs a s 0\nR1 s 0 1k\n\
             B1 b1 0 V=if(v(a) > 0.5, 10, 20)\nR2 b1 0 1k\n\
             B2 b2 0 V=limit(v(a)*4, 2, 1) + limit(v(a)*4, 1, 2) + limit(-5, 1, 2)\nR3 b2 0 1k\n\
             B3 b3 0 V=pwrs(-v(a), two) + pwr(-2, 3) + (-2)^3 + stp(v(a)) + u(0)\nR4 b3 0 1k\n\
             B4 b4 0 V=(v(a) == 0.75) + 2*(v(a) != 1) + 4*(1 < 2 && 0) + 8*(0 || 3) + 16*!0\nR5 b4 0 1k\n\
             B5 b5 0 I=-i(vs)*1k + v(a, s) + temper + pi\nR6 b5 0 1\n\
             .op\n.end\n",
        );
        assert_eq!(v("b1"), 10.0);
        // limit(3, 2, 1) = 2 (bounds either way round), limit(3, 1, 2) = 2, limit(-5, 1, 2) = 1.
        assert_eq!(v("b2"), 5.0);
        // pwrs(-0.75, 2) = -0.5625; pwr(-2, 3) = -8; (-2)^3 = |-2|^3 = 8; stp = 1; u(0) = 0.5.
        assert!((v("b3") - (-0.5625 - 8.0 + 8.0 + 1.0 + 0.5)).abs() < 1e-12);
        assert_eq!(v("b4"), 1.0 + 2.0 + 0.0 + 8.0 + 16.0);
        // I = -0.75 mA * 1k + 0 + 27 + pi flows from b5 through the source to ground, so
        // v(b5) = -(I) * 1 ohm.
        let i = -0.75 + 27.0 + std::f64::consts::PI;
        assert!((v("b5") + i).abs() < 1e-9, "{}", v("b5"));
    }
}
