//! `Y` elements: ngspice's single lossy line (`TXL` model).

use super::*;

impl<'a> Elab<'a> {
    /// `Y`: a lossy line (`.model NAME txl R= L= G= C= length=`) between `in` and `out`, both
    /// over the global ground: as in ngspice 39's `INP2Y`, the card's two ground nodes are read
    /// and take no part in the line. A `CPL` model makes the card a one-conductor `P` line, as
    /// there. ngspice's `TXLsetup` requires all five model parameters; an instance `len=`
    /// overrides the model's length.
    ///
    /// A line with `R/L < 5e5` is lossless in the transient, as ngspice's (`ReadTxL`'s `lsl`).
    ///
    /// Not taken from ngspice: a nonzero `G` (ngspice's Padé transient carries it; balun's
    /// exact AC and DC rows are the `LTRA` line's, which has no RLCG case), `L` or `C` of zero
    /// (ngspice divides by them), and `R/L > 1.6e10` (ngspice swaps in a three-section RC ladder whose resistors are
    /// `3/(R*length)`): these are errors.
    pub(crate) fn txl(
        &mut self,
        e: &'a Element,
        name: String,
        ctx: &Ctx<'a>,
    ) -> Result<(), ElabError> {
        let span = e.span;
        let ElementKind::Txl {
            nodes,
            model,
            params,
        } = &e.kind
        else {
            unreachable!("dispatched by element kind")
        };
        if self
            .find_model(ctx.env, &model.name)
            .is_some_and(|d| d.kind.name == "cpl")
        {
            return self.coupled_line_of(span, nodes, model, params, name, ctx);
        }
        let (def, values) = self.model_card(
            ctx,
            model,
            &name,
            &["txl"],
            "a lossy line model (txl) or a coupled line model (cpl)",
        )?;
        let check = super::lines::LineModelCheck {
            element: &name,
            def,
        };
        let invalid = |span: Span, message: String| check.error(span, message);
        let value_span = |key: &str| check.value_span(key);
        let mut given: [Option<f64>; 5] = [None; 5];
        const KEYS: [&str; 5] = ["r", "l", "g", "c", "length"];
        for (key, v) in &values {
            match KEYS.iter().position(|k| k == key) {
                Some(i) => given[i] = Some(*v),
                None if key == "txl" => {}
                None => self.warn(
                    def.name.span,
                    format!(
                        "model '{}': unknown txl parameter '{key}' ignored",
                        def.name.name
                    ),
                ),
            }
        }
        let mut p = [0.0; 5];
        for (i, (what, key)) in [
            ("series resistance R", "r"),
            ("series inductance L", "l"),
            ("parallel conductance G", "g"),
            ("parallel capacitance C", "c"),
            ("length", "length"),
        ]
        .into_iter()
        .enumerate()
        {
            let Some(v) = given[i] else {
                return Err(invalid(
                    def.span,
                    format!(
                        "model '{}': the lossy line {what} is not given: give {}=",
                        def.name.name,
                        key.to_uppercase()
                    ),
                ));
            };
            check.not_negative(&[(key, v)])?;
            p[i] = v;
        }
        let [r, l, g, c, mut length_m] = p;
        let mut length_span = value_span("length");
        let inst = self.element_params(&name, params, &["len", "length"])?;
        if let Some(&v) = inst.get("len").or(inst.get("length")) {
            length_m = v;
            length_span = params.first().map_or(span, |p| p.value.span);
        }
        if !(length_m > 0.0 && length_m.is_finite()) {
            return Err(invalid(
                length_span,
                format!("length = {} must be positive", fmt_num(length_m)),
            ));
        }
        let unsupported = |key: &str, why: &str| {
            invalid(value_span(key), format!("model '{}': {why}", def.name.name))
        };
        if l == 0.0 || c == 0.0 {
            return Err(unsupported(
                if l == 0.0 { "l" } else { "c" },
                "a TXL line needs nonzero L and C (for an RC line use an O element with an LTRA model)",
            ));
        }
        if g != 0.0 {
            return Err(unsupported(
                "g",
                "a nonzero G is not supported on TXL lines yet (the LTRA RG line takes it without L and C)",
            ));
        }
        if r / l > 1.6e10 {
            return Err(unsupported(
                "r",
                "R/L above 1.6e10 (ngspice replaces such a line by an RC ladder) is not supported",
            ));
        }
        let model = crate::LtraModel {
            r_ohm_per_m: r,
            l_h_per_m: l,
            c_f_per_m: c,
            length_m: Some(length_m),
            r_given: true,
            l_given: true,
            ..Default::default()
        };
        // ngspice's ReadTxL: a line with R/L < 5e5 (and G < 1e-2) is run lossless in the
        // transient (its `lsl` case); `R` stays in the DC and AC rows.
        let kind = if r / l < 5e5 {
            crate::LtraKind::Lc
        } else {
            crate::LtraKind::Rlc
        };
        let [pos, neg] = [0, 2].map(|i| self.node(ctx, &nodes[i]));
        self.push_device(
            name,
            span,
            DeviceKind::Txl {
                pos,
                neg,
                line: Box::new(crate::LtraLine {
                    model,
                    kind,
                    length_m,
                    initial: [0.0; 4],
                }),
            },
        );
        Ok(())
    }
}
