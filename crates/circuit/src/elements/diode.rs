//! `D` elements: junction diodes.

use super::*;

impl<'a> Elab<'a> {
    /// `D`: a junction diode with its `.model NAME D(...)`.
    pub(crate) fn diode(
        &mut self,
        e: &'a Element,
        name: String,
        ctx: &Ctx<'a>,
    ) -> Result<(), ElabError> {
        let span = e.span;
        match &e.kind {
            ElementKind::Diode {
                nodes,
                model,
                area,
                params,
            } => {
                let anode = self.node(ctx, &nodes[0]);
                let cathode = self.node(ctx, &nodes[1]);
                let (def, values) =
                    self.model_card(ctx, model, &name, &["d"], "a diode model (d)")?;
                let (diode, unknown) = crate::DiodeModel::from_params(&values);
                self.warn_unknown_params(def, "diode", unknown);
                let extra = self.element_params(&name, params, &["area", "m"])?;
                let mut a = match area {
                    Some(v) => self.eval(v)?,
                    None => extra.get("area").copied().unwrap_or(1.0),
                };
                if let Some(m) = extra.get("m") {
                    a *= m;
                }
                if a.is_nan() || a <= 0.0 {
                    return Err(ElabError::InvalidValue {
                        span,
                        element: name,
                        message: format!("area must be positive, got {}", fmt_num(a)),
                    });
                }
                self.push_device(
                    name,
                    span,
                    DeviceKind::Diode {
                        anode,
                        cathode,
                        area: a,
                        model: diode,
                    },
                );
            }
            _ => unreachable!("dispatched by element kind"),
        }
        Ok(())
    }
}
