//! Parameter scopes: a stack of frames resolved lazily, with cycle detection.
//!
//! Frame 0 holds the global `.param`s; every subcircuit instance being expanded pushes a frame
//! with its parameters (defaults, overridden by the instance line) and the `.param` cards of its
//! body. Lookup goes from the innermost frame outwards, i.e. *dynamic* scoping, as ngspice's
//! numparam does (its `entrynb` walks the stack of instance symbol tables): a top-level
//! subcircuit instantiated inside `x1` sees `x1`'s parameters. Checked with ngspice 39: a
//! top-level `.subckt sub2` using `{p1}` where only the calling `sub1` defines `p1=3` gives 3.
//!
//! Entries are unevaluated until first used, so `.param b={a*2} a=1` works in any order; an
//! entry met again while it is being evaluated is a cycle, reported with the chain.

//!
//! `.func` definitions are scoped lexically, as ngspice expands them (`inp_grab_func` keeps one
//! function table per `.subckt` body): a function defined in a body is seen by that body and
//! the bodies nested in it. Each frame remembers the body (function scope) it expands.

use crate::expr::{self, ParamLookup, UserFunc};
use crate::ElabError;
use netlist::{Expr, FuncDef, Item, Span};
use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

/// The `.func` definitions of one body (the top level or a `.subckt`) and its enclosing body.
#[derive(Debug, Default)]
struct FuncScope {
    parent: Option<usize>,
    /// Each function with its body's tree depth.
    funcs: HashMap<String, (Arc<FuncDef>, usize)>,
}

#[derive(Debug, Clone)]
enum Slot {
    Done(f64),
    Pending { expr: Expr, span: Span },
    Busy { span: Span },
}

/// The stack of parameter frames.
#[derive(Debug, Default)]
pub(crate) struct Params {
    frames: Vec<HashMap<String, Slot>>,
    /// Names being evaluated, outermost first (for cycle messages).
    busy: Vec<String>,
    /// Function scopes, one per body, indexed as the elaborator's environments.
    func_scopes: Vec<FuncScope>,
    /// The function scope of each frame.
    frame_scope: Vec<usize>,
}

impl Params {
    /// A stack with one (global) frame.
    pub(crate) fn new() -> Self {
        Params {
            frames: vec![HashMap::default()],
            busy: Vec::new(),
            func_scopes: Vec::new(),
            frame_scope: vec![0],
        }
    }

    pub(crate) fn depth(&self) -> usize {
        self.frames.len()
    }

    /// Adds the function scope of a body whose cards are `items` (their `.func` cards, not
    /// those of nested definitions), inside scope `parent`; returns its index (the first is 0,
    /// the top level). A later definition of a name replaces an earlier one.
    pub(crate) fn add_func_scope(&mut self, parent: Option<usize>, items: &[Item]) -> usize {
        let mut funcs = HashMap::default();
        for item in items {
            if let Item::Func(f) = item {
                let depth = expr::expr_depth(&f.body.expr);
                funcs.insert(f.name.name.clone(), (Arc::new(f.clone()), depth));
            }
        }
        self.func_scopes.push(FuncScope { parent, funcs });
        self.func_scopes.len() - 1
    }

    /// Pushes the frame of an instance whose body has function scope `scope`.
    pub(crate) fn push_frame(&mut self, scope: usize) {
        self.frames.push(HashMap::default());
        self.frame_scope.push(scope);
    }

    pub(crate) fn pop_frame(&mut self) {
        self.frames.pop();
        self.frame_scope.pop();
    }

    /// The `.func` named `name` seen from function scope `from`, or, when `None`, by an
    /// expression that sees the first `visible` frames.
    fn func(&self, name: &str, visible: usize, from: Option<usize>) -> Option<UserFunc> {
        let mut scope = match from {
            Some(s) => Some(s),
            None => {
                let frame = visible.min(self.frame_scope.len()).checked_sub(1)?;
                Some(self.frame_scope[frame])
            }
        };
        while let Some(i) = scope {
            let s = self.func_scopes.get(i)?;
            if let Some((def, depth)) = s.funcs.get(name) {
                return Some(UserFunc {
                    def: def.clone(),
                    scope: i,
                    depth: *depth,
                });
            }
            scope = s.parent;
        }
        None
    }

    /// The `.func` named `name` seen from function scope `from`, or from the innermost frame.
    pub(crate) fn func_from(&self, name: &str, from: Option<usize>) -> Option<UserFunc> {
        self.func(name, self.frames.len(), from)
    }

    /// Whether any frame defines parameter `name`.
    pub(crate) fn is_defined(&self, name: &str) -> bool {
        self.frames.iter().any(|f| f.contains_key(name))
    }

    /// Whether the innermost frame defines `name` already.
    pub(crate) fn defined_here(&self, name: &str) -> bool {
        self.frames.last().is_some_and(|f| f.contains_key(name))
    }

    /// Defines `name` in the innermost frame, to be evaluated when first used.
    pub(crate) fn define_lazy(&mut self, name: &str, expr: Expr, span: Span) {
        if let Some(frame) = self.frames.last_mut() {
            frame.insert(name.to_string(), Slot::Pending { expr, span });
        }
    }

    /// Defines `name` in the innermost frame with a known value.
    pub(crate) fn define_value(&mut self, name: &str, value: f64) {
        if let Some(frame) = self.frames.last_mut() {
            frame.insert(name.to_string(), Slot::Done(value));
        }
    }

    /// Evaluates `expr` in the scope of all current frames.
    pub(crate) fn eval(&mut self, expr: &Expr, span: Span) -> Result<f64, ElabError> {
        let visible = self.frames.len();
        expr::eval(
            expr,
            span,
            &mut View {
                params: self,
                visible,
            },
        )
    }

    /// Evaluates `expr` seeing only the first `visible` frames.
    pub(crate) fn eval_in(
        &mut self,
        expr: &Expr,
        span: Span,
        visible: usize,
    ) -> Result<f64, ElabError> {
        expr::eval(
            expr,
            span,
            &mut View {
                params: self,
                visible,
            },
        )
    }

    /// Forces every entry of the innermost frame (so an unused but broken `.param` is still
    /// reported, as ngspice evaluates every `.param` line).
    pub(crate) fn force_innermost(&mut self) -> Result<(), ElabError> {
        let visible = self.frames.len();
        let Some(frame) = self.frames.last() else {
            return Ok(());
        };
        let mut names: Vec<(Span, String)> = frame
            .iter()
            .filter_map(|(n, s)| match s {
                Slot::Pending { span, .. } => Some((*span, n.clone())),
                _ => None,
            })
            .collect();
        // Report the first in the text first.
        names.sort_by_key(|(span, _)| (span.file.0, span.start));
        for (_, name) in names {
            if let Some(r) = self.resolve(&name, visible) {
                r?;
            }
        }
        Ok(())
    }

    fn resolve(&mut self, name: &str, visible: usize) -> Option<Result<f64, ElabError>> {
        for i in (0..visible.min(self.frames.len())).rev() {
            let Some(slot) = self.frames[i].get_mut(name) else {
                continue;
            };
            match slot {
                Slot::Done(v) => return Some(Ok(*v)),
                Slot::Busy { span } => {
                    let span = *span;
                    let start = self.busy.iter().position(|n| n == name).unwrap_or(0);
                    let mut chain: Vec<&str> =
                        self.busy[start..].iter().map(String::as_str).collect();
                    chain.push(name);
                    return Some(Err(ElabError::Expr {
                        span,
                        message: format!("parameter cycle: {}", chain.join(" -> ")),
                    }));
                }
                Slot::Pending { span, .. } => {
                    let span = *span;
                    let Slot::Pending { expr, span } = std::mem::replace(slot, Slot::Busy { span })
                    else {
                        unreachable!("slot was just matched as pending");
                    };
                    self.busy.push(name.to_string());
                    let result = self.eval_in(&expr, span, i + 1);
                    self.busy.pop();
                    let restored = match result {
                        Ok(v) => Slot::Done(v),
                        Err(_) => Slot::Pending { expr, span },
                    };
                    self.frames[i].insert(name.to_string(), restored);
                    return Some(result);
                }
            }
        }
        None
    }

    fn names(&self, visible: usize) -> Vec<String> {
        let mut names: Vec<String> = self.frames[..visible.min(self.frames.len())]
            .iter()
            .flat_map(|f| f.keys().cloned())
            .collect();
        names.sort();
        names.dedup();
        names
    }
}

/// The part of the stack an expression can see.
struct View<'a> {
    params: &'a mut Params,
    visible: usize,
}

impl ParamLookup for View<'_> {
    fn get(&mut self, name: &str) -> Option<Result<f64, ElabError>> {
        self.params.resolve(name, self.visible)
    }
    fn names(&self) -> Vec<String> {
        self.params.names(self.visible)
    }
    fn func(&self, name: &str, from: Option<usize>) -> Option<UserFunc> {
        self.params.func(name, self.visible, from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use netlist::{BinaryOp, FileId};

    fn sp(start: usize) -> Span {
        Span::new(FileId(0), start, start + 1)
    }
    fn var(s: &str) -> Expr {
        Expr::Var(s.to_string())
    }
    fn mul(a: Expr, b: Expr) -> Expr {
        Expr::Binary(BinaryOp::Mul, Box::new(a), Box::new(b))
    }

    #[test]
    fn lazy_any_order() {
        let mut p = Params::new();
        p.define_lazy("b", mul(var("a"), Expr::Num(2.0)), sp(1));
        p.define_lazy("a", Expr::Num(3.0), sp(2));
        assert_eq!(p.eval(&var("b"), sp(9)).unwrap(), 6.0);
    }

    #[test]
    fn cycle_is_reported_with_chain() {
        let mut p = Params::new();
        p.define_lazy("a", var("b"), sp(1));
        p.define_lazy("b", mul(var("c"), Expr::Num(2.0)), sp(2));
        p.define_lazy("c", var("a"), sp(3));
        let e = p.eval(&var("a"), sp(9)).unwrap_err();
        assert_eq!(e.to_string(), "parameter cycle: a -> b -> c -> a");
        assert_eq!(e.span(), sp(1));
        let mut p = Params::new();
        p.define_lazy("x", var("x"), sp(4));
        assert_eq!(
            p.force_innermost().unwrap_err().to_string(),
            "parameter cycle: x -> x"
        );
    }

    #[test]
    fn inner_frames_shadow_and_see_outer() {
        let mut p = Params::new();
        p.define_lazy("g", Expr::Num(5.0), sp(1));
        p.define_lazy("w", Expr::Num(1.0), sp(2));
        p.push_frame(0);
        p.define_value("w", 7.0);
        p.define_lazy("q", mul(var("w"), var("g")), sp(3));
        assert_eq!(p.eval(&var("q"), sp(9)).unwrap(), 35.0);
        // The global frame alone still sees its own w.
        assert_eq!(p.eval_in(&var("w"), sp(9), 1).unwrap(), 1.0);
        assert!(p.eval_in(&var("q"), sp(9), 1).is_err());
        p.pop_frame();
        assert_eq!(p.eval(&var("w"), sp(9)).unwrap(), 1.0);
    }

    #[test]
    fn global_entry_cannot_see_inner_frames() {
        // A global defined in terms of a name only an instance defines stays an error,
        // even when first used from inside the instance.
        let mut p = Params::new();
        p.define_lazy("g", var("local"), sp(1));
        p.push_frame(0);
        p.define_value("local", 1.0);
        let e = p.eval(&var("g"), sp(9)).unwrap_err();
        assert_eq!(e.to_string(), "unknown parameter 'local'");
        assert_eq!(e.span(), sp(1));
    }
}
