//! `.if (cond)` / `.elseif (cond)` / `.else` / `.endif`: keeps the cards of the branch taken.
//!
//! ngspice (`inp.c`'s `recifeval`, after numparam has evaluated each condition) comments out
//! the cards of the branches not taken before it reads the circuit, so a branch may hold any
//! card: elements, `.model`s, `.subckt` definitions, `.param`s, analyses. balun does the same
//! on the AST before elaboration: [`resolve`] returns the netlist with the markers and the
//! cards of the branches not taken removed. A condition is true when its value is not 0.
//!
//! Conditions see the top-level `.param`s (and `.func`s) taken so far, in card order, and
//! `.step`'s values. Inside a `.subckt` they also see the body's own `.param`s, but not the
//! subcircuit's parameters: ngspice evaluates them per instance, balun once per definition,
//! so a condition on a subcircuit parameter is an error (its name is unknown).

use crate::error::ElabError;
use crate::params::Params;
use netlist::{ConditionalKind, Item, Netlist};

/// Whether `items` (or a definition's body among them) hold `.if` cards.
pub(crate) fn present(items: &[Item]) -> bool {
    items.iter().any(|item| match item {
        Item::Conditional(_) => true,
        Item::Subckt(def) => present(&def.items),
        _ => false,
    })
}

/// `netlist` with only the cards of the branches taken (see the module documentation).
/// `overrides` are `.step`'s parameter values, which replace the top-level `.param`s.
pub(crate) fn resolve(
    netlist: &Netlist,
    overrides: &[(String, f64)],
) -> Result<Netlist, ElabError> {
    let mut params = Params::new();
    params.add_func_scope(None, &netlist.items);
    let items = select(&netlist.items, &mut params, overrides)?;
    Ok(Netlist {
        title: netlist.title.clone(),
        items,
        warnings: netlist.warnings.clone(),
    })
}

/// One open `.if`: whether the cards around it are taken, whether one of its branches was
/// taken already, and whether the current branch is.
struct Open {
    outer: bool,
    taken: bool,
    active: bool,
}

fn select(
    items: &[Item],
    params: &mut Params,
    overrides: &[(String, f64)],
) -> Result<Vec<Item>, ElabError> {
    let mut out = Vec::with_capacity(items.len());
    let mut open: Vec<Open> = Vec::new();
    let taking = |open: &[Open]| open.last().is_none_or(|o| o.active);
    for item in items {
        match item {
            Item::Conditional(c) => match &c.kind {
                ConditionalKind::If(v) => {
                    let outer = taking(&open);
                    let cond = outer && params.eval(&v.expr, v.span)? != 0.0;
                    open.push(Open {
                        outer,
                        taken: cond,
                        active: cond,
                    });
                }
                ConditionalKind::ElseIf(v) => {
                    if let Some(o) = open.last_mut() {
                        o.active = o.outer && !o.taken && params.eval(&v.expr, v.span)? != 0.0;
                        o.taken |= o.active;
                    }
                }
                ConditionalKind::Else => {
                    if let Some(o) = open.last_mut() {
                        o.active = o.outer && !o.taken;
                        o.taken = true;
                    }
                }
                ConditionalKind::EndIf => {
                    open.pop();
                }
            },
            _ if !taking(&open) => {}
            Item::Params(list) => {
                for p in list {
                    params.define_lazy(&p.name.name, p.value.expr.clone(), p.value.span);
                    if params.depth() == 1 {
                        if let Some((_, v)) = overrides.iter().find(|(n, _)| *n == p.name.name) {
                            params.define_value(&p.name.name, *v);
                        }
                    }
                }
                out.push(item.clone());
            }
            Item::Subckt(def) => {
                params.push_frame(0);
                let body = select(&def.items, params, overrides);
                params.pop_frame();
                let mut def = def.clone();
                def.items = body?;
                out.push(Item::Subckt(def));
            }
            _ => out.push(item.clone()),
        }
    }
    Ok(out)
}
