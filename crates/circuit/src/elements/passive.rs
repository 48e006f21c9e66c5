//! `R`, `C`, `L` and `K` elements. R, C and L take ngspice 39's forms: `[value] [model]
//! [params]`, the value from the `.model` (see [`crate::models::ResistorModel`] and its
//! siblings) when the card gives none, temperature coefficients from the model or the instance.

use super::*;
use crate::elaborate::tolerances::ElementTolerance;

/// The three passive families: their letter, card keywords and model type.
#[derive(Clone, Copy, PartialEq)]
enum Passive {
    R,
    C,
    L,
}

impl Passive {
    fn what(self) -> &'static str {
        match self {
            Passive::R => "resistor",
            Passive::C => "capacitor",
            Passive::L => "inductor",
        }
    }

    /// Instance parameters besides the value (ngspice 39's `res.c`, `cap.c`, `ind.c`;
    /// `bv_max` is not among them: ignored with a warning).
    fn params(self) -> &'static [&'static str] {
        match self {
            Passive::R => &[
                "m", "noisy", "noise", "tc", "tc1", "tc2", "tce", "temp", "dtemp", "scale", "w",
                "l", "ac",
            ],
            Passive::C => &["ic", "m", "tc1", "tc2", "temp", "dtemp", "scale", "w", "l"],
            Passive::L => &["ic", "m", "tc1", "tc2", "temp", "dtemp", "scale", "nt"],
        }
    }
}

/// A passive card's nominal value (model and geometry applied, before `m`, scale and
/// temperature) and its temperature coefficients.
struct Nominal {
    value: f64,
    temp: PassiveTemp,
}

/// What an R, C or L card says besides its nodes (see [`Elab::passive_card`]).
struct Card {
    tol: Option<ElementTolerance>,
    extra: HashMap<String, f64>,
    nominal: Nominal,
}

impl<'a> Elab<'a> {
    /// An R, C or L card's parameters: its tolerance (`tol=`, `dist=`), its other keyword
    /// parameters and its nominal value ([`Elab::passive_nominal`]).
    fn passive_card(
        &mut self,
        kind: Passive,
        name: &str,
        value: Option<&'a Value>,
        model: Option<&'a Ident>,
        params: &[Param],
        ctx: &Ctx<'a>,
    ) -> Result<Card, ElabError> {
        let (params, tol) = self.tolerance(name, params)?;
        let extra = self.element_params(name, &params, kind.params())?;
        let nominal = self.passive_nominal(kind, name, value, model, &extra, ctx)?;
        Ok(Card {
            tol,
            extra,
            nominal,
        })
    }

    /// The value of an R, C or L card: its own, or its `.model`'s (geometry for R and C); the
    /// model's temperature coefficients with the instance's overriding them. A lone name
    /// that is no `.param` but a `.model` is the model (`R2 a b rmod`).
    fn passive_nominal(
        &mut self,
        kind: Passive,
        name: &str,
        value: Option<&'a Value>,
        model: Option<&'a Ident>,
        extra: &HashMap<String, f64>,
        ctx: &Ctx<'a>,
    ) -> Result<Nominal, ElabError> {
        let mut value = value;
        let mut model = model.cloned();
        if let (Some(v), None) = (value, &model) {
            if let netlist::Expr::Var(n) = &v.expr {
                if !self.params.is_defined(n) && self.find_model(ctx.env, n).is_some() {
                    model = Some(Ident {
                        name: n.clone(),
                        span: v.span,
                    });
                    value = None;
                }
            }
        }
        let given = value.map(|v| self.eval(v)).transpose()?;
        let mut temp = PassiveTemp::default();
        let mut nominal = given;
        if let Some(model) = &model {
            let (kinds, expected): (&[&str], _) = match kind {
                Passive::R => (&["r", "res"], "a resistor model (r)"),
                Passive::C => (&["c"], "a capacitor model (c)"),
                Passive::L => (&["l"], "an inductor model (l)"),
            };
            let (def, values) = self.model_card(ctx, model, name, kinds, expected)?;
            let (w, l) = (extra.get("w").copied(), extra.get("l").copied());
            let (value_of_model, unknown) = match kind {
                Passive::R => {
                    let (m, u) = ResistorModel::from_params(&values);
                    temp = m.temp;
                    (m.resistance(w, l), u)
                }
                Passive::C => {
                    let (m, u) = CapacitorModel::from_params(&values);
                    temp = m.temp;
                    (Some(m.capacitance(w, l)), u)
                }
                Passive::L => {
                    let (m, u) = InductorModel::from_params(&values);
                    temp = m.temp;
                    (Some(m.inductance(extra.get("nt").copied())), u)
                }
            };
            self.warn_unknown_params(def, kind.what(), unknown);
            nominal = nominal.or(value_of_model);
        }
        for (key, field) in [("tc1", 0), ("tc", 0), ("tc2", 1)] {
            if let Some(&v) = extra.get(key) {
                if field == 0 {
                    temp.tc1 = v;
                } else {
                    temp.tc2 = v;
                }
            }
        }
        if let Some(&tce) = extra.get("tce") {
            temp.tce = Some(tce);
        }
        // 0 when neither a value, nor geometry, nor a model value gives one (the resistor
        // then takes ngspice's 1 mOhm, as `RESupdate_conduct`).
        let value = nominal.unwrap_or(0.0);
        Ok(Nominal { value, temp })
    }

    /// Registers the temperature scaling of device `index` (applied once `.temp` is known).
    fn passive_temp(&mut self, index: usize, temp: PassiveTemp, extra: &HashMap<String, f64>) {
        let t = extra.get("temp").copied();
        let dtemp = if t.is_some() {
            0.0
        } else {
            extra.get("dtemp").copied().unwrap_or(0.0)
        };
        if temp.tc1 != 0.0 || temp.tc2 != 0.0 || temp.tce.is_some_and(|x| x != 0.0) {
            self.passive_temps.push((index, temp, t, dtemp));
        }
    }

    /// Scales every temperature-dependent R, C and L by `1 + TC1 dT + TC2 dT^2` (or
    /// `1.01^(TCE dT)`) at its temperature, now that `.temp` and `.options` are read.
    pub(crate) fn apply_passive_temps(&mut self) {
        let (circuit_t, tnom) = (self.options.temp_c, self.options.tnom_c);
        for (index, temp, t, dtemp) in std::mem::take(&mut self.passive_temps) {
            let f = temp.factor(t.unwrap_or(circuit_t) + dtemp, tnom);
            match &mut self.devices[index].kind {
                DeviceKind::Resistor {
                    resistance_ohm,
                    ac_resistance_ohm,
                    ..
                } => {
                    *resistance_ohm *= f;
                    if let Some(r) = ac_resistance_ohm {
                        *r *= f;
                    }
                }
                DeviceKind::Capacitor { capacitance_f, .. } => *capacitance_f *= f,
                DeviceKind::Inductor { inductance_h, .. } => *inductance_h *= f,
                _ => {}
            }
        }
    }

    /// `R`, with a `.model` (`RSH`, geometry, `TC1`...), `m=`, `scale=`, `tc1=`/`tc2=`/
    /// `tce=` (`tc=a b`), `temp=`/`dtemp=`, `noisy=` and tolerances.
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
                model,
                params,
            } => {
                if let Some(v) = value
                    .as_ref()
                    .filter(|v| super::bsource::wants_b_source(&v.expr))
                {
                    return self.behavioral_passive(e, ctx, nodes, v);
                }
                let a = self.node(ctx, &nodes[0]);
                let b = self.node(ctx, &nodes[1]);
                let Card {
                    tol,
                    extra,
                    nominal,
                } = self.passive_card(
                    Passive::R,
                    &name,
                    value.as_ref(),
                    model.as_ref(),
                    params,
                    ctx,
                )?;
                let mut r = nominal.value;
                if r == 0.0 {
                    self.warn(
                        value.as_ref().map_or(span, |v| v.span),
                        format!(
                            "{name}: zero resistance replaced by {} ohm, as ngspice does",
                            fmt_num(ZERO_RESISTANCE_OHM)
                        ),
                    );
                    r = ZERO_RESISTANCE_OHM;
                }
                // ngspice's `RESupdate_conduct`: the `ac=` value scaled as the value is.
                let scale = extra.get("scale").copied().unwrap_or(1.0);
                let m = extra.get("m").copied().unwrap_or(1.0);
                r = r * scale / m;
                let ac_resistance_ohm = extra.get("ac").map(|ac| ac * scale / m);
                if ac_resistance_ohm == Some(0.0) {
                    let span = params
                        .iter()
                        .find(|p| p.name.name == "ac")
                        .map_or(span, |p| p.value.span);
                    return Err(ElabError::InvalidValue {
                        span,
                        element: name,
                        message: "the ac resistance must not be 0".to_string(),
                    });
                }
                let noisy = ["noisy", "noise"]
                    .iter()
                    .filter_map(|k| extra.get(*k))
                    .all(|&n| n != 0.0);
                let index = self.push_device(
                    name,
                    span,
                    DeviceKind::Resistor {
                        a,
                        b,
                        resistance_ohm: r,
                        noisy,
                        ac_resistance_ohm,
                    },
                );
                self.passive_temp(index, nominal.temp, &extra);
                self.add_tolerance(index, tol);
            }
            _ => unreachable!("dispatched by element kind"),
        }
        Ok(())
    }

    /// `C`, with a `.model` (`CAP`, `CJ`/`CJSW` geometry, `TC1`...), `ic=`, `m=`, `scale=`,
    /// `tc1=`/`tc2=`, `temp=`/`dtemp=` and tolerances.
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
                model,
                params,
            } => {
                if let Some(v) = value
                    .as_ref()
                    .filter(|v| super::bsource::wants_b_source(&v.expr))
                {
                    return self.behavioral_passive(e, ctx, nodes, v);
                }
                let a = self.node(ctx, &nodes[0]);
                let b = self.node(ctx, &nodes[1]);
                let Card {
                    tol,
                    extra,
                    nominal,
                } = self.passive_card(
                    Passive::C,
                    &name,
                    value.as_ref(),
                    model.as_ref(),
                    params,
                    ctx,
                )?;
                let mut c = nominal.value * extra.get("scale").copied().unwrap_or(1.0);
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
                self.passive_temp(index, nominal.temp, &extra);
                self.add_tolerance(index, tol);
            }
            _ => unreachable!("dispatched by element kind"),
        }
        Ok(())
    }

    /// `L`, with a `.model` (`IND`, `TC1`...), `ic=`, `m=`, `scale=`, `tc1=`/`tc2=`,
    /// `temp=`/`dtemp=` and tolerances.
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
                model,
                params,
            } => {
                let a = self.node(ctx, &nodes[0]);
                let b = self.node(ctx, &nodes[1]);
                let Card {
                    tol,
                    extra,
                    nominal,
                } = self.passive_card(
                    Passive::L,
                    &name,
                    value.as_ref(),
                    model.as_ref(),
                    params,
                    ctx,
                )?;
                let mut l = nominal.value * extra.get("scale").copied().unwrap_or(1.0);
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
                self.passive_temp(index, nominal.temp, &extra);
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
