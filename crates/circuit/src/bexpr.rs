//! The resolved expression of a behavioural source (`B`, `E`/`G` `VALUE=`, `TABLE`): what the
//! solver compiles into a tape and differentiates.
//!
//! Elaboration (`elements/bsource.rs`) builds it from the card's expression the way ngspice's
//! B-source parser (`src/spicelib/parser/inpptree.c`) builds its parse tree: parameters are
//! numbers already (ngspice's numparam substitutes them), `v(a,b)` is `v(a) - v(b)`, a
//! comparison `a < b` is `lt0(a - b)`, `a && b` is `eq0(eq0(a) + eq0(b))`, `a || b` is
//! `ne0(ne0(a) + ne0(b))`, `!a` is `eq0(a)`, and the PSpice functions are expanded as ngspice's
//! PSpice mode defines them (`if(c,a,b)` = `c ? a : b`, `limit(x,a,b)` = `a > b ?
//! max(min(x,a),b) : max(min(x,b),a)`, `pwrs(x,a)` = `sgn(x)*pow(x,a)`, `stp(x)` = `u(x)`).
//! The numerics (each function's value, derivative and domain) live in the solver's
//! `devices/bsource.rs`.

use crate::{DeviceId, NodeId};

/// One-argument functions of the B-source language (ngspice's `PTF_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BFunc {
    Abs,
    Sgn,
    Sqrt,
    Exp,
    /// `ln` and `log`: the natural logarithm.
    Ln,
    Log10,
    Sin,
    Cos,
    Tan,
    Asin,
    Acos,
    Atan,
    Sinh,
    Cosh,
    Tanh,
    Asinh,
    Acosh,
    Atanh,
    /// Unit step `u(x)`: 0, 0.5 at 0, 1.
    U,
    /// `u2(x)`: 0 below 0, x on [0, 1], 1 above.
    U2,
    /// `uramp(x)`: max(x, 0).
    Uramp,
    Floor,
    Ceil,
    /// Round half to even.
    Nint,
    /// Unary minus.
    Neg,
    /// The comparisons with zero the operators become: 1 when true, else 0.
    Eq0,
    Ne0,
    Gt0,
    Lt0,
    Ge0,
    Le0,
}

/// Two-argument operators and functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BOp {
    Add,
    Sub,
    Mul,
    /// Division with ngspice's guard: a zero divisor is moved to `±gmin*1e-20`.
    Div,
    /// `a^b`, `a**b` and `pow(a,b)`: `|a|^b` (ngspice's default, non-LTspice mode).
    Pow,
    /// `pwr(a,b)`: `sgn(a)*|a|^b`.
    Pwr,
    Min,
    Max,
}

/// A behavioural expression with every name resolved.
#[derive(Debug, Clone, PartialEq)]
pub enum BExpr {
    Num(f64),
    /// `v(node)` (never ground: `v(0)` is the number 0).
    Node(NodeId),
    /// `i(element)`: the branch current of an element that has one.
    Branch(DeviceId),
    /// `time`: the transient time (0 outside a transient).
    Time,
    /// `temper`: the circuit temperature (deg C).
    Temper,
    /// `hertz`: the analysis frequency (0: see the solver's `devices/bsource.rs`).
    Hertz,
    Unary(BFunc, Box<BExpr>),
    Binary(BOp, Box<BExpr>, Box<BExpr>),
    /// `c ? a : b`: only the chosen side is evaluated.
    Ternary(Box<BExpr>, Box<BExpr>, Box<BExpr>),
    /// The piecewise-linear transfer that ngspice builds for an `E`/`G` `TABLE` (its XSPICE
    /// `pwl` code model with `input_domain=0.1 fraction=TRUE limit=TRUE`): the points, sorted by
    /// strictly increasing x, with flat ends and parabolic corners.
    Table(Box<BExpr>, Vec<(f64, f64)>),
}

impl BExpr {
    /// Calls `f` on every node and branch reference (mutably: elaboration resolves them).
    pub fn visit_refs_mut(&mut self, f: &mut impl FnMut(&mut BExpr)) {
        match self {
            BExpr::Node(_) | BExpr::Branch(_) => f(self),
            BExpr::Num(_) | BExpr::Time | BExpr::Temper | BExpr::Hertz => {}
            BExpr::Unary(_, a) | BExpr::Table(a, _) => a.visit_refs_mut(f),
            BExpr::Binary(_, a, b) => {
                a.visit_refs_mut(f);
                b.visit_refs_mut(f);
            }
            BExpr::Ternary(c, a, b) => {
                c.visit_refs_mut(f);
                a.visit_refs_mut(f);
                b.visit_refs_mut(f);
            }
        }
    }

    /// Whether `f` holds for the expression or any of its subexpressions.
    pub fn any(&self, f: &impl Fn(&BExpr) -> bool) -> bool {
        f(self)
            || match self {
                BExpr::Num(_)
                | BExpr::Node(_)
                | BExpr::Branch(_)
                | BExpr::Time
                | BExpr::Temper
                | BExpr::Hertz => false,
                BExpr::Unary(_, a) | BExpr::Table(a, _) => a.any(f),
                BExpr::Binary(_, a, b) => a.any(f) || b.any(f),
                BExpr::Ternary(c, a, b) => c.any(f) || a.any(f) || b.any(f),
            }
    }

    /// Whether the expression uses `hertz`.
    pub fn uses_hertz(&self) -> bool {
        self.any(&|e| matches!(e, BExpr::Hertz))
    }

    /// Whether the expression holds a `TABLE` (which ngspice runs as an XSPICE code model).
    pub fn uses_table(&self) -> bool {
        self.any(&|e| matches!(e, BExpr::Table(..)))
    }
}

/// A behavioural source as the solver sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct BSource {
    pub pos: NodeId,
    pub neg: NodeId,
    /// `V=`: the expression is the voltage `v(pos) - v(neg)` (the source has a branch
    /// current); `I=`: it is the current flowing from `pos` through the source to `neg`.
    pub voltage: bool,
    pub expr: BExpr,
    /// The expression as written (for run-time error messages).
    pub text: String,
}
