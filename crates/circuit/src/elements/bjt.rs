//! `Q` elements: bipolar transistors (`.model NAME NPN(...)` / `PNP(...)`).

use super::*;
use netlist::Word;

impl<'a> Elab<'a> {
    /// `Q`: a bipolar transistor. The words after the three nodes are resolved as ngspice's
    /// `inp2q.c` does: the fourth is the model when a model of that name exists, else it is
    /// the substrate node and the fifth is the model; a word after the model is the area.
    pub(crate) fn bjt(
        &mut self,
        e: &'a Element,
        name: String,
        ctx: &Ctx<'a>,
    ) -> Result<(), ElabError> {
        let span = e.span;
        let ElementKind::Bjt {
            nodes,
            words,
            off,
            ic,
            params,
        } = &e.kind
        else {
            unreachable!("dispatched by element kind")
        };
        let ident = |w: &Word| -> Result<Ident, ElabError> {
            w.ident.clone().ok_or_else(|| ElabError::BadReference {
                span: w.span,
                element: name.clone(),
                message: "expected a model or node name".to_string(),
            })
        };
        let first = ident(&words[0])?;
        let first_is_model = self.find_model(ctx.env, &first.name).is_some();
        let (substrate, model, rest) = if first_is_model || words.len() == 1 {
            (None, first, &words[1..])
        } else {
            (Some(first), ident(&words[1])?, &words[2..])
        };
        if let Some(w) = rest.get(1) {
            return Err(ElabError::InvalidValue {
                span: w.span,
                element: name,
                message: "unexpected word after the area factor".to_string(),
            });
        }
        let (def, values) = self.model_card(
            ctx,
            &model,
            &name,
            &["npn", "pnp"],
            "a bipolar transistor model (npn or pnp)",
        )?;
        let npn = def.kind.name == "npn";
        let (bjt, unknown) = crate::BjtModel::from_params(npn, &values);
        self.warn_unknown_params(def, "bipolar transistor", unknown);
        if bjt.rco_ohm.is_some() {
            return Err(ElabError::InvalidValue {
                span: def.name.span,
                element: name,
                message: "the quasi-saturation model (RCO) is not supported".to_string(),
            });
        }
        if bjt.ptf_deg != 0.0 {
            self.warn(
                def.name.span,
                format!(
                    "model '{}': excess phase PTF is ignored (balun models no excess phase in \
                     .ac or .tran)",
                    def.name.name
                ),
            );
        }
        if !matches!(bjt.tlev, 0 | 1 | 3) || !matches!(bjt.tlevc, 0 | 1) {
            return Err(ElabError::InvalidValue {
                span: def.name.span,
                element: name,
                message: format!(
                    "tlev={} tlevc={} is not a temperature model ngspice has (tlev 0, 1, 3; tlevc 0, 1)",
                    bjt.tlev, bjt.tlevc
                ),
            });
        }
        let extra = self.element_params(
            &name,
            params,
            &["area", "areab", "areac", "m", "temp", "dtemp"],
        )?;
        let area = match rest.first() {
            Some(w) => match &w.value {
                Some(v) => self.eval(v)?,
                None => {
                    return Err(ElabError::InvalidValue {
                        span: w.span,
                        element: name,
                        message: "expected an area factor".to_string(),
                    })
                }
            },
            None => extra.get("area").copied().unwrap_or(1.0),
        };
        let areab = extra.get("areab").copied().unwrap_or(area);
        let areac = extra.get("areac").copied().unwrap_or(area);
        for (what, v) in [("area", area), ("areab", areab), ("areac", areac)] {
            if v.is_nan() || v <= 0.0 {
                return Err(ElabError::InvalidValue {
                    span,
                    element: name,
                    message: format!("{what} must be positive, got {}", fmt_num(v)),
                });
            }
        }
        let mut ic_values = Vec::with_capacity(ic.len());
        for v in ic {
            ic_values.push(self.eval(v)?);
        }
        let c = self.node(ctx, &nodes[0]);
        let b = self.node(ctx, &nodes[1]);
        let em = self.node(ctx, &nodes[2]);
        let s = match &substrate {
            Some(n) => self.node(ctx, n),
            None => NodeId::GROUND,
        };
        self.push_device(
            name,
            span,
            DeviceKind::Bjt(Box::new(BjtInstance {
                c,
                b,
                e: em,
                s,
                area,
                areab,
                areac,
                m: extra.get("m").copied().unwrap_or(1.0),
                off: *off,
                ic_vbe: ic_values.first().copied(),
                ic_vce: ic_values.get(1).copied(),
                temp_c: extra.get("temp").copied(),
                dtemp_c: extra.get("dtemp").copied().unwrap_or(0.0),
                model: bjt,
                model_key: format!("{}@{}", def.name.name, def.name.span.start),
            })),
        );
        Ok(())
    }
}
