//! `J` elements: junction FETs (ngspice level 1, `NJF`/`PJF` models).

use super::*;

impl<'a> Elab<'a> {
    /// `J`: a JFET with its `.model NAME NJF|PJF(...)`.
    pub(crate) fn jfet(
        &mut self,
        e: &'a Element,
        name: String,
        ctx: &Ctx<'a>,
    ) -> Result<(), ElabError> {
        let span = e.span;
        let ElementKind::Jfet {
            nodes,
            model,
            area,
            off,
            ic,
            params,
        } = &e.kind
        else {
            unreachable!("dispatched by element kind")
        };
        let drain = self.node(ctx, &nodes[0]);
        let gate = self.node(ctx, &nodes[1]);
        let source = self.node(ctx, &nodes[2]);
        let (def, values) = self.model_card(
            ctx,
            model,
            &name,
            &["njf", "pjf"],
            "a JFET model (njf or pjf)",
        )?;
        let (jfet, unknown) = crate::JfetModel::from_params(&def.kind.name, &values);
        self.warn_unknown_params(def, "JFET", unknown);
        let extra = self.element_params(&name, params, &["area", "m", "temp", "dtemp"])?;
        let a = match area {
            Some(v) => self.eval(v)?,
            None => extra.get("area").copied().unwrap_or(1.0),
        };
        if a.is_nan() || a <= 0.0 {
            return Err(ElabError::InvalidValue {
                span,
                element: name,
                message: format!("area must be positive, got {}", fmt_num(a)),
            });
        }
        let ic = match ic.as_slice() {
            [] => None,
            [vds] => Some((self.eval(vds)?, 0.0)),
            [vds, vgs, ..] => Some((self.eval(vds)?, self.eval(vgs)?)),
        };
        self.push_device(
            name,
            span,
            DeviceKind::Jfet {
                drain,
                gate,
                source,
                area: a,
                m: extra.get("m").copied().unwrap_or(1.0),
                off: *off,
                ic,
                temp_c: extra.get("temp").copied(),
                dtemp_c: extra.get("dtemp").copied().unwrap_or(0.0),
                model: jfet,
            },
        );
        Ok(())
    }
}
