//! `R`, `C`, `L` and `K` elements.

use super::*;

impl<'a> Elab<'a> {
    /// `R`, with `m=`, `noisy=` and tolerances.
    pub(crate) fn resistor(
        &mut self,
        e: &'a Element,
        name: String,
        ctx: &Ctx<'a>,
    ) -> Result<(), ElabError> {
        let span = e.span;
        match &e.kind {
            ElementKind::Resistor {
                nodes,
                value,
                params,
            } => {
                let a = self.node(ctx, &nodes[0]);
                let b = self.node(ctx, &nodes[1]);
                let mut r = match &value.expr {
                    netlist::Expr::Var(m)
                        if !self.params.is_defined(m) && self.find_model(ctx.env, m).is_some() =>
                    {
                        self.resistor_model(ctx, value.span, m, &name)?
                    }
                    _ => self.eval(value)?,
                };
                let (params, tol) = self.tolerance(&name, params)?;
                let extra = self.element_params(&name, &params, &["m", "noisy"])?;
                if r == 0.0 {
                    self.warn(
                        value.span,
                        format!(
                            "{name}: zero resistance replaced by {} ohm, as ngspice does",
                            fmt_num(ZERO_RESISTANCE_OHM)
                        ),
                    );
                    r = ZERO_RESISTANCE_OHM;
                }
                if let Some(m) = extra.get("m") {
                    r /= m;
                }
                let index = self.push_device(
                    name,
                    span,
                    DeviceKind::Resistor {
                        a,
                        b,
                        resistance_ohm: r,
                        noisy: extra.get("noisy").is_none_or(|&n| n != 0.0),
                    },
                );
                self.add_tolerance(index, tol);
            }
            _ => unreachable!("dispatched by element kind"),
        }
        Ok(())
    }

    /// The resistance of `Rname a b MODEL` with `.model MODEL R (r=VALUE)` (ngspice's
    /// resistor model: its `r`, alias `res`, is the default resistance). The geometric and
    /// temperature parameters (`rsh`, `tc1`...) are not modelled: warned about and ignored.
    fn resistor_model(
        &mut self,
        ctx: &Ctx<'a>,
        span: Span,
        model: &str,
        element: &str,
    ) -> Result<f64, ElabError> {
        let ident = Ident {
            name: model.to_string(),
            span,
        };
        let (def, values) =
            self.model_card(ctx, &ident, element, &["r", "res"], "a resistor model (r)")?;
        let mut r = None;
        let mut unknown = Vec::new();
        for (k, v) in values {
            match k.as_str() {
                "r" | "res" => r = Some(v),
                _ => unknown.push(k),
            }
        }
        self.warn_unknown_params(def, "resistor", unknown);
        r.ok_or_else(|| ElabError::BadReference {
            span,
            element: element.to_string(),
            message: format!(
                "resistor model '{model}' gives no resistance (balun reads its r=, not the \
                 geometry)"
            ),
        })
    }

    /// `C`, with `ic=`, `m=` and tolerances.
    pub(crate) fn capacitor(
        &mut self,
        e: &'a Element,
        name: String,
        ctx: &Ctx<'a>,
    ) -> Result<(), ElabError> {
        let span = e.span;
        match &e.kind {
            ElementKind::Capacitor {
                nodes,
                value,
                params,
            } => {
                let a = self.node(ctx, &nodes[0]);
                let b = self.node(ctx, &nodes[1]);
                let mut c = self.eval(value)?;
                let (params, tol) = self.tolerance(&name, params)?;
                let extra = self.element_params(&name, &params, &["ic", "m"])?;
                if let Some(m) = extra.get("m") {
                    c *= m;
                }
                let index = self.push_device(
                    name,
                    span,
                    DeviceKind::Capacitor {
                        a,
                        b,
                        capacitance_f: c,
                        ic_v: extra.get("ic").copied(),
                    },
                );
                self.add_tolerance(index, tol);
            }
            _ => unreachable!("dispatched by element kind"),
        }
        Ok(())
    }

    /// `L`, with `ic=`, `m=` and tolerances.
    pub(crate) fn inductor(
        &mut self,
        e: &'a Element,
        name: String,
        ctx: &Ctx<'a>,
    ) -> Result<(), ElabError> {
        let span = e.span;
        match &e.kind {
            ElementKind::Inductor {
                nodes,
                value,
                params,
            } => {
                let a = self.node(ctx, &nodes[0]);
                let b = self.node(ctx, &nodes[1]);
                let mut l = self.eval(value)?;
                let (params, tol) = self.tolerance(&name, params)?;
                let extra = self.element_params(&name, &params, &["ic", "m"])?;
                if let Some(m) = extra.get("m") {
                    l /= m;
                }
                let index = self.push_device(
                    name,
                    span,
                    DeviceKind::Inductor {
                        a,
                        b,
                        inductance_h: l,
                        ic_a: extra.get("ic").copied(),
                    },
                );
                self.add_tolerance(index, tol);
            }
            _ => unreachable!("dispatched by element kind"),
        }
        Ok(())
    }

    /// `K`: one mutual inductance per pair of the listed inductors (resolved by fixups).
    pub(crate) fn coupling(
        &mut self,
        e: &'a Element,
        name: String,
        ctx: &Ctx<'a>,
    ) -> Result<(), ElabError> {
        let span = e.span;
        match &e.kind {
            ElementKind::Coupling { inductors, k } => {
                let kv = self.eval(k)?;
                if !(kv != 0.0 && kv.abs() <= 1.0) {
                    return Err(ElabError::InvalidValue {
                        span: k.span,
                        element: name,
                        message: format!(
                            "coupling coefficient k = {} must satisfy 0 < |k| <= 1",
                            fmt_num(kv)
                        ),
                    });
                }
                if inductors.len() < 2 {
                    return Err(ElabError::BadReference {
                        span,
                        element: name,
                        message: "a coupling needs at least two inductors".to_string(),
                    });
                }
                let pairs = inductors.len() * (inductors.len() - 1) / 2;
                for i in 0..inductors.len() {
                    for j in i + 1..inductors.len() {
                        let (li, lj) = (&inductors[i], &inductors[j]);
                        let dev_name = if pairs == 1 {
                            name.clone()
                        } else {
                            format!("{name}:{}:{}", li.name, lj.name)
                        };
                        let index = self.devices.len();
                        self.devices.push(Device {
                            name: dev_name,
                            span,
                            kind: DeviceKind::MutualInductance {
                                l1: DeviceId(u32::MAX),
                                l2: DeviceId(u32::MAX),
                                k: kv,
                            },
                        });
                        self.fixups.push(Fixup::Coupling {
                            device: index,
                            inductors: [
                                (Self::device_name(ctx, &li.name), li.clone()),
                                (Self::device_name(ctx, &lj.name), lj.clone()),
                            ],
                            element: name.clone(),
                        });
                    }
                }
                if pairs > 1 {
                    // Register the card's own name so `Circuit::device` finds the first pair.
                    let first = self.devices.len() - pairs;
                    if let Some(named) = self.names.get_mut(name.as_str()) {
                        named.device = Some(first);
                    }
                }
            }
            _ => unreachable!("dispatched by element kind"),
        }
        Ok(())
    }
}
