//! Elaboration of each element family, one file per family (`impl Elab` blocks): the element
//! card's nodes, model and parameters become a [`crate::DeviceKind`]. `elaborate.rs` dispatches
//! on the element kind with one line per family; adding a device means one file here, one
//! dispatch line, one `DeviceKind` variant and its solver file.
//!
//! **Invariant**: a family's file is the only place that knows its card's parameters.

use super::*;

mod bjt;
pub(crate) mod bsource;
mod controlled;
mod diode;
mod instance;
mod jfet;
mod lines;
mod mosfet;
mod passive;
mod poly;
mod sources;
mod switch;
mod txl;

/// A model card's parameters, evaluated, by lower-case name in card order.
pub(crate) type ModelValues = Vec<(String, f64)>;

impl<'a> Elab<'a> {
    /// The `.model` card an element names, checked to be one of `kinds` (lower-case model type
    /// names such as `d`, `npn`, `nmos`), with its parameters evaluated in card order.
    /// `expected` names the kinds in the error (`"a diode model (d)"`).
    pub(crate) fn model_card(
        &mut self,
        ctx: &Ctx<'a>,
        model: &Ident,
        element: &str,
        kinds: &[&str],
        expected: &str,
    ) -> Result<(&'a ModelDef, ModelValues), ElabError> {
        let Some(def) = self.find_model(ctx.env, &model.name) else {
            return Err(ElabError::BadReference {
                span: model.span,
                element: element.to_string(),
                message: format!("unknown model '{}'", model.name),
            });
        };
        if !kinds.contains(&def.kind.name.as_str()) {
            return Err(ElabError::BadReference {
                span: model.span,
                element: element.to_string(),
                message: format!(
                    "model '{}' is a '{}' model, not {expected}",
                    model.name, def.kind.name
                ),
            });
        }
        let mut values = Vec::with_capacity(def.params.len());
        for p in &def.params {
            values.push((p.name.name.clone(), self.eval(&p.value)?));
        }
        Ok((def, values))
    }

    /// Warns, at the model card, about each parameter name its family does not know (ngspice
    /// warns and ignores them too); `family` is the device's name in the message (`diode`).
    pub(crate) fn warn_unknown_params(
        &mut self,
        def: &ModelDef,
        family: &str,
        unknown: Vec<String>,
    ) {
        for u in unknown {
            self.warn(
                def.name.span,
                format!(
                    "model '{}': unknown {family} parameter '{u}' ignored",
                    def.name.name
                ),
            );
        }
    }
}
