//! `M` elements: MOSFETs (ngspice levels 1-3).

use super::*;

impl<'a> Elab<'a> {
    /// `M`: a MOSFET with its `.model NAME NMOS(...)` or `PMOS(...)`.
    pub(crate) fn mosfet(
        &mut self,
        e: &'a Element,
        name: String,
        ctx: &Ctx<'a>,
    ) -> Result<(), ElabError> {
        let ElementKind::Mosfet {
            nodes,
            model,
            off,
            ic,
            params,
        } = &e.kind
        else {
            unreachable!("dispatched by element kind")
        };
        let [d, g, s, b] = [0, 1, 2, 3].map(|k| self.node(ctx, &nodes[k]));
        let (def, values) = self.model_card(
            ctx,
            model,
            &name,
            &["nmos", "pmos"],
            "a MOSFET model (nmos or pmos)",
        )?;
        let level_span = def
            .params
            .iter()
            .find(|p| p.name.name == "level")
            .map_or(def.name.span, |p| p.value.span);
        let level = values
            .iter()
            .rev()
            .find(|(n, _)| n == "level")
            .map_or(1.0, |(_, v)| *v);
        let invalid = |span: Span, message: String| ElabError::InvalidValue {
            span,
            element: name.clone(),
            message,
        };
        if !(1.0..=3.0).contains(&level) || level.fract() != 0.0 {
            let shown = fmt_num(level);
            let which = if level.fract() == 0.0 && (1.0..1e6).contains(&level) {
                format!(" ({})", crate::MosModel::level_name(level as u32))
            } else {
                String::new()
            };
            return Err(invalid(
                level_span,
                format!("MOSFET level {shown}{which} is not supported; levels 1-3 are"),
            ));
        }
        let level = level as u32;
        if !crate::MosModel::IMPLEMENTED_LEVELS.contains(&level) {
            return Err(ElabError::Unsupported {
                span: level_span,
                element: name,
                what: format!("MOSFET level {level}"),
            });
        }
        let pmos = def.kind.name == "pmos";
        let (mut mos, mut unknown) = crate::MosModel::from_params(level, pmos, &values);
        mos.card_order = (u64::from(def.name.span.file.0) << 32) | u64::from(def.name.span.start);
        // An instance parameter on the model card is the default of the model's instances, as
        // ngspice's `inpgmod.c` takes it (`m` aside): `.model n NMOS (L=2u W=42u)`.
        let instance_names = ["l", "w", "ad", "as", "pd", "ps", "nrd", "nrs", "temp"];
        unknown.retain(|n| !instance_names.contains(&n.as_str()));
        let model_defaults: Vec<(&str, f64)> = values
            .iter()
            .filter(|(n, _)| instance_names.contains(&n.as_str()))
            .map(|(n, v)| (n.as_str(), *v))
            .collect();
        self.warn_unknown_params(def, "MOSFET", unknown);
        let param_span = |n: &str| {
            def.params
                .iter()
                .find(|p| p.name.name == n)
                .map_or(def.name.span, |p| p.value.span)
        };
        if mos.phi_v.is_some_and(|phi| phi.is_nan() || phi <= 0.0) {
            return Err(invalid(
                param_span("phi"),
                format!("model '{}': PHI must be positive", def.name.name),
            ));
        }
        if mos.nsub.is_some_and(|n| n.is_nan() || n * 1e6 <= 1.45e16) {
            return Err(invalid(
                param_span("nsub"),
                format!(
                    "model '{}': NSUB must exceed the intrinsic density 1.45e10 cm^-3",
                    def.name.name
                ),
            ));
        }

        let known = ["l", "w", "ad", "as", "pd", "ps", "nrd", "nrs", "m", "temp"];
        let extra = self.element_params(&name, params, &known)?;
        let mut inst = crate::MosInstance::default();
        let given = params.iter().filter_map(|p| {
            let v = *extra.get(p.name.name.as_str())?;
            Some((p.name.name.as_str(), v, p.value.span))
        });
        let defaults = model_defaults.iter().map(|&(n, v)| (n, v, def.name.span));
        for (name, v, span) in defaults.chain(given) {
            let positive = |what: &str| -> Result<f64, ElabError> {
                if v.is_nan() || v <= 0.0 {
                    Err(invalid(
                        span,
                        format!("channel {what} {name} = {} must be positive", fmt_num(v)),
                    ))
                } else {
                    Ok(v)
                }
            };
            match name {
                "l" => inst.l_m = Some(positive("length")?),
                "w" => inst.w_m = Some(positive("width")?),
                "ad" => inst.ad_m2 = Some(v),
                "as" => inst.as_m2 = Some(v),
                "pd" => inst.pd_m = v,
                "ps" => inst.ps_m = v,
                "nrd" => inst.nrd = v,
                "nrs" => inst.nrs = v,
                "m" => inst.m = v,
                "temp" => inst.temp_c = Some(v),
                _ => {}
            }
        }
        inst.off = *off;
        for (k, v) in ic.iter().enumerate() {
            inst.ic[k] = self.eval(v)?;
        }
        if let Some(l) = inst.l_m {
            if l - 2.0 * mos.ld_m <= 0.0 {
                return Err(invalid(
                    e.span,
                    format!(
                        "effective channel length l - 2*ld = {} must be positive",
                        fmt_num(l - 2.0 * mos.ld_m)
                    ),
                ));
            }
        }
        self.push_device(
            name,
            e.span,
            DeviceKind::Mosfet {
                d,
                g,
                s,
                b,
                model: Box::new(mos),
                instance: inst,
            },
        );
        Ok(())
    }
}
