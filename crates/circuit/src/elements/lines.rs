//! `T`, `P` and `O` elements: lossless, coupled multiconductor and lossy lines.

use super::*;

impl<'a> Elab<'a> {
    /// `T`: a lossless transmission line.
    pub(crate) fn tline(
        &mut self,
        e: &'a Element,
        name: String,
        ctx: &Ctx<'a>,
    ) -> Result<(), ElabError> {
        let span = e.span;
        match &e.kind {
            ElementKind::TLine { nodes, params } => {
                let [p1p, p1n, p2p, p2n] = [0, 1, 2, 3].map(|i| self.node(ctx, &nodes[i]));
                let (z0_ohm, td_s) = self.tline_params(&name, span, params)?;
                self.push_device(
                    name,
                    span,
                    DeviceKind::TLine {
                        p1p,
                        p1n,
                        p2p,
                        p2n,
                        z0_ohm,
                        td_s,
                    },
                );
            }
            _ => unreachable!("dispatched by element kind"),
        }
        Ok(())
    }

    /// `P`: a coupled multiconductor line (`CPL` model).
    pub(crate) fn coupled_line(
        &mut self,
        e: &'a Element,
        name: String,
        ctx: &Ctx<'a>,
    ) -> Result<(), ElabError> {
        match &e.kind {
            ElementKind::CoupledLine {
                nodes,
                model,
                params,
            } => self.coupled_line_of(e.span, nodes, model, params, name, ctx),
            _ => unreachable!("dispatched by element kind"),
        }
    }

    /// A coupled line on `nodes` (`in1 .. inN ref1 out1 .. outN ref2`): a `P` card, or a `Y`
    /// card whose model is a `CPL` one (ngspice's `INP2Y` hands those to `INP2P`).
    pub(crate) fn coupled_line_of(
        &mut self,
        span: Span,
        nodes: &[netlist::Node],
        model: &Ident,
        params: &[Param],
        name: String,
        ctx: &Ctx<'a>,
    ) -> Result<(), ElabError> {
        let ids: Vec<NodeId> = nodes.iter().map(|n| self.node(ctx, n)).collect();
        let n = ids.len() / 2 - 1;
        let line = self.coupled_line_params(&name, span, model, params, ctx, n)?;
        self.push_device(
            name,
            span,
            DeviceKind::CoupledLine {
                near: ids[..n].to_vec(),
                ref_near: ids[n],
                far: ids[n + 1..2 * n + 1].to_vec(),
                ref_far: ids[2 * n + 1],
                line: Box::new(line),
            },
        );
        Ok(())
    }

    /// `O`: a lossy transmission line (`LTRA` model). The model's checks follow ngspice 39's
    /// `LTRAsetup` (its special cases, see [`crate::LtraModel::kind`]); a missing `R` or `L` is
    /// assumed zero with a warning, as there. Negative parameters and a non-positive length,
    /// which ngspice takes as given, are errors here.
    pub(crate) fn lossy_line(
        &mut self,
        e: &'a Element,
        name: String,
        ctx: &Ctx<'a>,
    ) -> Result<(), ElabError> {
        let span = e.span;
        let ElementKind::LossyLine {
            nodes,
            model,
            params,
        } = &e.kind
        else {
            unreachable!("dispatched by element kind")
        };
        let [p1p, p1n, p2p, p2n] = [0, 1, 2, 3].map(|i| self.node(ctx, &nodes[i]));
        let (def, values) =
            self.model_card(ctx, model, &name, &["ltra"], "a lossy line model (ltra)")?;
        let (m, unknown) = crate::LtraModel::from_params(&values);
        self.warn_unknown_params(def, "ltra", unknown);
        let check = LineModelCheck {
            element: &name,
            def,
        };
        let invalid = |span: Span, message: String| check.error(span, message);
        let value_span = |key: &str| check.value_span(key);
        check.not_negative(&[
            ("r", m.r_ohm_per_m),
            ("l", m.l_h_per_m),
            ("g", m.g_s_per_m),
            ("c", m.c_f_per_m),
        ])?;
        let Some(length_m) = m.length_m else {
            return Err(invalid(
                def.span,
                format!(
                    "model '{}': the line length is missing: give LEN=<metres>",
                    def.name.name
                ),
            ));
        };
        if !(length_m > 0.0 && length_m.is_finite()) {
            return Err(invalid(
                value_span("len"),
                format!(
                    "model '{}': LEN = {} must be positive",
                    def.name.name,
                    fmt_num(length_m)
                ),
            ));
        }
        let kind = m
            .kind()
            .map_err(|e| invalid(def.span, format!("model '{}': {e}", def.name.name)))?;
        for (given, what) in [(m.r_given, "resistance R"), (m.l_given, "inductance L")] {
            if !given {
                self.warn(
                    def.span,
                    format!(
                        "model '{}': lossy line series {what} not given, assumed zero",
                        def.name.name
                    ),
                );
            }
        }
        let p = self.element_params(&name, params, &["v1", "i1", "v2", "i2"])?;
        let initial = ["v1", "i1", "v2", "i2"].map(|k| p.get(k).copied().unwrap_or(0.0));
        self.push_device(
            name,
            span,
            DeviceKind::LossyLine {
                p1p,
                p1n,
                p2p,
                p2n,
                line: Box::new(crate::LtraLine {
                    model: m,
                    kind,
                    length_m,
                    initial,
                }),
            },
        );
        Ok(())
    }

    /// The line of a `P` element with `n` signal conductors from its `CPL` model (`R`, `L`,
    /// `G`, `C` matrices, `length`) and instance parameters (`len=`/`length=` overriding the
    /// model's length, `sections=`). `R` and `G` default to zero; `L`, `C` and a length are
    /// required. Checks in `crate::mtl`.
    pub(crate) fn coupled_line_params(
        &mut self,
        element: &str,
        span: Span,
        model: &Ident,
        params: &[Param],
        ctx: &Ctx<'a>,
        n: usize,
    ) -> Result<MtlParams, ElabError> {
        let invalid = |span: Span, message: String| ElabError::InvalidValue {
            span,
            element: element.to_string(),
            message,
        };
        if n > MAX_LINE_CONDUCTORS {
            return Err(invalid(
                span,
                format!("{n} signal conductors; at most {MAX_LINE_CONDUCTORS} are supported"),
            ));
        }
        let Some(def) = self.find_model(ctx.env, &model.name) else {
            return Err(ElabError::BadReference {
                span: model.span,
                element: element.to_string(),
                message: format!("unknown model '{}'", model.name),
            });
        };
        if def.kind.name != "cpl" {
            return Err(ElabError::BadReference {
                span: model.span,
                element: element.to_string(),
                message: format!(
                    "model '{}' is a '{}' model, not a coupled line model (cpl)",
                    model.name, def.kind.name
                ),
            });
        }
        type Given = Option<(Vec<f64>, Span)>;
        let mut mats: [(&str, Given); 4] = [("R", None), ("L", None), ("G", None), ("C", None)];
        let mut model_len = None;
        for p in &def.params {
            let v = self.eval(&p.value)?;
            match p.name.name.as_str() {
                "length" | "len" => model_len = Some((v, p.value.span)),
                other => match mats.iter_mut().find(|(m, _)| m.eq_ignore_ascii_case(other)) {
                    Some((_, slot)) => *slot = Some((vec![v], p.name.span)),
                    None => self.warn(
                        p.name.span,
                        format!(
                            "model '{}': unknown cpl parameter '{other}' ignored",
                            def.name.name
                        ),
                    ),
                },
            }
        }
        for v in &def.vectors {
            let mut values = Vec::with_capacity(v.values.len());
            for x in &v.values {
                values.push(self.eval(x)?);
            }
            match mats
                .iter_mut()
                .find(|(m, _)| m.eq_ignore_ascii_case(&v.name.name))
            {
                Some((_, slot)) => *slot = Some((values, v.name.span)),
                None => {
                    return Err(invalid(
                        v.name.span,
                        format!(
                            "model '{}': '{}' takes one value, found {}",
                            def.name.name,
                            v.name.name,
                            values.len()
                        ),
                    ))
                }
            }
        }
        let mut full = Vec::with_capacity(4);
        for (name, given) in mats {
            let (values, at) = match given {
                Some(g) => g,
                None if name == "R" || name == "G" => (vec![0.0; n * (n + 1) / 2], def.span),
                None => {
                    return Err(invalid(
                        def.span,
                        format!(
                            "model '{}' gives no {name} matrix (per-unit-length {})",
                            def.name.name,
                            if name == "L" {
                                "inductance, H/m"
                            } else {
                                "capacitance, F/m"
                            }
                        ),
                    ))
                }
            };
            let m = crate::mtl::matrix(name, n, &values)
                .and_then(|m| {
                    if name == "L" || name == "C" {
                        crate::mtl::check_definite(name, n, &m)
                    } else {
                        crate::mtl::check_losses(name, n, &m)
                    }
                    .map(|()| m)
                })
                .map_err(|e| invalid(at, format!("model '{}': {e}", def.name.name)))?;
            full.push(m);
        }
        let mut length = model_len;
        let mut sections = None;
        for p in params {
            let v = self.eval(&p.value)?;
            match p.name.name.as_str() {
                "len" | "length" => length = Some((v, p.value.span)),
                "sections" => {
                    if !((1.0..=100_000.0).contains(&v) && v.fract() == 0.0) {
                        return Err(invalid(
                            p.value.span,
                            format!(
                                "sections = {} must be a whole number from 1 to 100000",
                                fmt_num(v)
                            ),
                        ));
                    }
                    sections = Some(v as usize);
                }
                other => self.warn(
                    p.name.span,
                    format!("{element}: parameter '{other}' is not supported and is ignored"),
                ),
            }
        }
        let Some((length_m, len_span)) = length else {
            return Err(invalid(
                span,
                "the line length is missing: give len=<metres> or length= in the model".into(),
            ));
        };
        if !(length_m > 0.0 && length_m.is_finite()) {
            return Err(invalid(
                len_span,
                format!("length = {} must be positive", fmt_num(length_m)),
            ));
        }
        let mut it = full.into_iter();
        let mut next = || it.next().unwrap_or_default();
        Ok(MtlParams {
            n,
            r_ohm_per_m: next(),
            l_h_per_m: next(),
            g_s_per_m: next(),
            c_f_per_m: next(),
            length_m,
            sections,
        })
    }

    /// `Z0` and `TD` of a T line from `Z0=` (or `ZO=`) and `TD=`, or `F=` with `NL=` (default
    /// 0.25) as `TD = NL/F`. Without TD and F, ngspice 39 takes `F = 1 GHz` (its `TRAsetup`
    /// default, so TD = 0.25 ns): balun does the same, with a warning.
    pub(crate) fn tline_params(
        &mut self,
        element: &str,
        span: Span,
        params: &[Param],
    ) -> Result<(f64, f64), ElabError> {
        let mut z0 = None;
        let mut td = None;
        let mut f = None;
        let mut nl = None;
        for p in params {
            let slot = match p.name.name.as_str() {
                "z0" | "zo" => &mut z0,
                "td" => &mut td,
                "f" => &mut f,
                "nl" => &mut nl,
                other => {
                    self.warn(
                        p.name.span,
                        format!("{element}: parameter '{other}' is not supported and is ignored"),
                    );
                    continue;
                }
            };
            *slot = Some((self.eval(&p.value)?, p.value.span));
        }
        let invalid = |span: Span, message: String| ElabError::InvalidValue {
            span,
            element: element.to_string(),
            message,
        };
        let Some((z0, z0_span)) = z0 else {
            return Err(invalid(
                span,
                "the characteristic impedance is missing: give Z0=<ohms>".to_string(),
            ));
        };
        if z0.is_nan() || z0 <= 0.0 {
            return Err(invalid(
                z0_span,
                format!("Z0 = {} must be positive", fmt_num(z0)),
            ));
        }
        let (td, td_span) = match (td, f) {
            (Some(td), _) => td,
            (None, Some((f, f_span))) => {
                if f.is_nan() || f <= 0.0 {
                    return Err(invalid(
                        f_span,
                        format!("F = {} must be positive", fmt_num(f)),
                    ));
                }
                let (nl, nl_span) = nl.unwrap_or((0.25, f_span));
                (nl / f, nl_span)
            }
            (None, None) => {
                self.warn(
                    span,
                    format!(
                        "{element}: neither TD nor F is given; using ngspice's default \
                         F = 1 GHz, NL = {} (TD = {} s)",
                        fmt_num(nl.map_or(0.25, |n| n.0)),
                        fmt_num(nl.map_or(0.25, |n| n.0) / 1e9)
                    ),
                );
                (nl.map_or(0.25, |n| n.0) / 1e9, nl.map_or(span, |n| n.1))
            }
        };
        if td.is_nan() || td <= 0.0 {
            return Err(invalid(
                td_span,
                format!("the delay TD = {} s must be positive", fmt_num(td)),
            ));
        }
        Ok((z0, td))
    }
}

/// The checks a line's `.model` card shares between `O` and `Y` elements.
pub(crate) struct LineModelCheck<'d> {
    pub element: &'d str,
    pub def: &'d ModelDef,
}

impl LineModelCheck<'_> {
    /// An invalid-value error of the element at `span`.
    pub fn error(&self, span: Span, message: String) -> ElabError {
        ElabError::InvalidValue {
            span,
            element: self.element.to_string(),
            message,
        }
    }

    /// Where the card gives parameter `key` (its last value), else the card.
    pub fn value_span(&self, key: &str) -> Span {
        self.def
            .params
            .iter()
            .rev()
            .find(|p| p.name.name == key)
            .map_or(self.def.span, |p| p.value.span)
    }

    /// Rejects a negative or non-finite value among `values` (`(key, value)`).
    pub fn not_negative(&self, values: &[(&str, f64)]) -> Result<(), ElabError> {
        for &(key, v) in values {
            if !(v >= 0.0 && v.is_finite()) {
                return Err(self.error(
                    self.value_span(key),
                    format!(
                        "model '{}': {} = {} must not be negative",
                        self.def.name.name,
                        key.to_uppercase(),
                        fmt_num(v)
                    ),
                ));
            }
        }
        Ok(())
    }
}
