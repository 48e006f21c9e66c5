//! Elaboration of `.print`/`.plot` cards: each output's names checked and turned into the
//! solver's vector names, and the column named as ngspice 39 names it. A child module of
//! `elaborate` so it can use the elaborator's name tables.
//!
//! ngspice 39's batch mode (`ngspice -b`, no raw file) prints, for each card, a table of the
//! listed outputs for every plot of that analysis kind. What it accepts, and so what this
//! module accepts (from `dotcards.c`'s `fixem` and the `vdb`/`vm`/`vp`/`vr`/`vi` functions that
//! `cpitf.c` defines):
//! - a bare node name `out` (column `out`), `v(a)`, `v(a,b)` (column `v(a)-v(b)`; `v(a,0)` is
//!   `v(a)` and `v(0,a)` is `-v(a)`), and `0` (a column of zeros);
//! - `i(vx)` for an element with a branch current (V, L, E, H, ...; column `vx#branch`), and
//!   the bare name `vx#branch`;
//! - `vm`, `vp` (radians), `vr`, `vi`, `vdb` of one node (column `vdb(out)`) or of two
//!   (`db(v(a)-v(b))`, `mag(...)`, `ph(...)`, `real(...)`, `imag(...)`).
//!
//! ngspice drops the whole line when one output does not evaluate (an unknown node, the current
//! of a resistor, `v(0)`, a form it does not know such as `ip()`, `idb()` or `ir()`), and when
//! no plot of the kind exists; so does balun, with a warning naming the output. One difference:
//! ngspice 39 saves `vi(x)` as the current `x#branch` (its save code reads `vi(` as `i(`), so it
//! prints `vi` only when `v(x)` is saved by something else; balun always prints it.

use super::Elab;
use crate::suggest::did_you_mean;
use crate::*;
use netlist::{Ident, PrintCard, Span};

/// A `.print` output that ngspice 39 would not print, and why.
struct Drop {
    span: Span,
    message: String,
}

/// The function of a two-node form, as `fixem` rewrites it (`vdb(a,b)` -> `db(v(a)-v(b))`).
fn pair_function(part: PrintPart) -> &'static str {
    match part {
        PrintPart::Value => "",
        PrintPart::Mag => "mag",
        PrintPart::Db => "db",
        PrintPart::Phase => "ph",
        PrintPart::Real => "real",
        PrintPart::Imag => "imag",
    }
}

/// ngspice's ground names in `.print` (`gnd` is rewritten to `0` on every line).
fn is_ground(name: &str) -> bool {
    name == "0" || name == "gnd"
}

impl Elab<'_> {
    /// The resolved card, or `None` (with a warning) when ngspice 39 would drop the line.
    pub(super) fn print_card(&mut self, c: &PrintCard) -> Option<Print> {
        let card = if c.plot { ".plot" } else { ".print" };
        let ignored = |what: &str| format!("'{card} {what}' line ignored (as ngspice 39 drops it)");
        let analysis = match c.analysis.name.as_str() {
            "op" => PrintAnalysis::Op,
            "dc" => PrintAnalysis::Dc,
            "ac" => PrintAnalysis::Ac,
            "tran" => PrintAnalysis::Tran,
            other => {
                let message = format!(
                    "'{card} {other}' ignored: balun prints .print tables of op, dc, ac and tran"
                );
                self.warn(c.analysis.span, message);
                return None;
            }
        };
        let mut outputs = Vec::with_capacity(c.outputs.len());
        for o in &c.outputs {
            match self.print_output(o.func.as_ref(), &o.args, o.span) {
                Ok(out) => outputs.push(out),
                Err(d) => {
                    let message = format!("{}: {}", ignored(analysis.word()), d.message);
                    self.warn(d.span, message);
                    return None;
                }
            }
        }
        Some(Print {
            analysis,
            plot: c.plot,
            outputs,
            span: c.span,
        })
    }

    /// Drops (with a warning) each card whose analysis the netlist does not run, as ngspice
    /// reports `.print: no ac analysis found.` and goes on.
    pub(super) fn drop_prints_without_analysis(&mut self) {
        let runs = |a: PrintAnalysis, analyses: &[Analysis]| {
            analyses.iter().any(|x| {
                matches!(
                    (a, x),
                    (PrintAnalysis::Op, Analysis::Op)
                        | (PrintAnalysis::Dc, Analysis::Dc { .. })
                        | (PrintAnalysis::Ac, Analysis::Ac { .. })
                        | (PrintAnalysis::Tran, Analysis::Tran { .. })
                )
            })
        };
        let prints = std::mem::take(&mut self.prints);
        for p in prints {
            if runs(p.analysis, &self.analyses) {
                self.prints.push(p);
            } else {
                let word = p.analysis.word();
                let card = if p.plot { ".plot" } else { ".print" };
                self.warn(
                    p.span,
                    format!("'{card} {word}' ignored: the netlist has no .{word} analysis"),
                );
            }
        }
    }

    fn print_output(
        &self,
        func: Option<&Ident>,
        args: &[Ident],
        span: Span,
    ) -> Result<PrintOutput, Drop> {
        let output = |name: String, plus, minus, part| PrintOutput {
            name,
            plus,
            minus,
            part,
            span,
        };
        let Some(func) = func else {
            let n = &args[0];
            if is_ground(&n.name) {
                return Ok(output(n.name.clone(), None, None, PrintPart::Value));
            }
            let plus = match n.name.strip_suffix("#branch") {
                Some(dev) => self.branch_vector(&Ident {
                    name: dev.to_string(),
                    span: n.span,
                })?,
                None => self.print_node(n)?,
            };
            return Ok(output(n.name.clone(), Some(plus), None, PrintPart::Value));
        };
        let part = match func.name.as_str() {
            "v" => PrintPart::Value,
            "vm" => PrintPart::Mag,
            "vdb" => PrintPart::Db,
            "vp" => PrintPart::Phase,
            "vr" => PrintPart::Real,
            "vi" => PrintPart::Imag,
            "i" => {
                let [dev] = args else {
                    return Err(Drop {
                        span,
                        message: "i(...) takes one element name".to_string(),
                    });
                };
                let plus = self.branch_vector(dev)?;
                return Ok(output(
                    format!("{}#branch", dev.name),
                    Some(plus),
                    None,
                    PrintPart::Value,
                ));
            }
            other => {
                return Err(Drop {
                    span: func.span,
                    message: format!(
                        "'{other}(...)' is not an output ngspice 39 prints \
                         (v, vm, vp, vr, vi, vdb of nodes, i of a source or inductor)"
                    ),
                })
            }
        };
        let f = &func.name;
        match args {
            [a] => {
                let plus = self.print_node(a)?;
                Ok(output(format!("{f}({})", a.name), Some(plus), None, part))
            }
            [a, b] => {
                let (name, plus, minus) = if is_ground(&b.name) {
                    let plus = self.print_node(a)?;
                    (format!("v({})", a.name), Some(plus), None)
                } else if is_ground(&a.name) {
                    let minus = self.print_node(b)?;
                    (format!("-v({})", b.name), None, Some(minus))
                } else {
                    let (plus, minus) = (self.print_node(a)?, self.print_node(b)?);
                    let name = format!("v({})-v({})", a.name, b.name);
                    (name, Some(plus), Some(minus))
                };
                let name = match pair_function(part) {
                    "" => name,
                    g => format!("{g}({name})"),
                };
                Ok(output(name, plus, minus, part))
            }
            _ => Err(Drop {
                span,
                message: format!("{f}(...) takes one or two node names"),
            }),
        }
    }

    /// `v(node)` of an existing node; ground (`v(0)`) has no vector in ngspice.
    fn print_node(&self, n: &Ident) -> Result<String, Drop> {
        if self.node_ids.contains_key(n.name.as_str()) {
            return Ok(format!("v({})", n.name));
        }
        let message = if is_ground(&n.name) {
            "ground has no vector 'v(0)' (write the other node alone)".to_string()
        } else {
            format!(
                "no node '{}'{}",
                n.name,
                did_you_mean(&n.name, self.nodes[1..].iter().map(String::as_str))
            )
        };
        Err(Drop {
            span: n.span,
            message,
        })
    }

    /// `i(dev)` of an element with a branch current.
    fn branch_vector(&self, dev: &Ident) -> Result<String, Drop> {
        let Some(i) = self.device_index(&dev.name) else {
            let hint = did_you_mean(&dev.name, self.devices_by_name().map(|(n, _)| n));
            return Err(Drop {
                span: dev.span,
                message: format!("no element '{}'{hint}", dev.name),
            });
        };
        if !self.devices[i].kind.has_branch() {
            return Err(Drop {
                span: dev.span,
                message: format!(
                    "'{}' has no branch current (ngspice has i() of V, L, E, H and B sources)",
                    dev.name
                ),
            });
        }
        Ok(format!("i({})", dev.name))
    }
}
