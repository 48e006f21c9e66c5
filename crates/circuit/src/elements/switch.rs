//! `S` and `W` elements: voltage- and current-controlled switches (`SW`, `CSW` models, and
//! PSpice's `VSWITCH` as ngspice 39's PSpice mode converts it).

use super::*;

impl<'a> Elab<'a> {
    /// `S`: a voltage-controlled switch with its `.model NAME SW(...)` (or `VSWITCH(...)`).
    pub(crate) fn vswitch(
        &mut self,
        e: &'a Element,
        name: String,
        ctx: &Ctx<'a>,
    ) -> Result<(), ElabError> {
        let ElementKind::VSwitch { nodes, model, on } = &e.kind else {
            unreachable!("dispatched by element kind")
        };
        let [pos, neg, ctrl_pos, ctrl_neg] = [0, 1, 2, 3].map(|k| self.node(ctx, &nodes[k]));
        let (def, values) = self.model_card(
            ctx,
            model,
            &name,
            &["sw", "vswitch"],
            "a voltage-controlled switch model (sw)",
        )?;
        let (kind, unknown) = if def.kind.name == "vswitch" {
            match crate::SwitchModel::from_vswitch(&values) {
                Some(k) => k,
                None => {
                    return Err(ElabError::BadReference {
                        span: model.span,
                        element: name,
                        message: format!("VSWITCH model '{}' needs VT/VH or VON/VOFF", model.name),
                    })
                }
            }
        } else {
            let (m, unknown) = crate::SwitchModel::from_params(false, &values);
            (crate::SwitchKind::Hysteresis(m), unknown)
        };
        self.warn_unknown_params(def, "switch", unknown);
        self.push_device(
            name,
            e.span,
            DeviceKind::VSwitch {
                pos,
                neg,
                ctrl_pos,
                ctrl_neg,
                on: on.unwrap_or(false),
                model: kind,
            },
        );
        Ok(())
    }

    /// `W`: a current-controlled switch with its `.model NAME CSW(...)`; the controlling
    /// voltage source is resolved by fixups, as for `F` and `H`.
    pub(crate) fn cswitch(
        &mut self,
        e: &'a Element,
        name: String,
        ctx: &Ctx<'a>,
    ) -> Result<(), ElabError> {
        let ElementKind::CSwitch {
            nodes,
            control,
            model,
            on,
        } = &e.kind
        else {
            unreachable!("dispatched by element kind")
        };
        let pos = self.node(ctx, &nodes[0]);
        let neg = self.node(ctx, &nodes[1]);
        let (def, values) = self.model_card(
            ctx,
            model,
            &name,
            &["csw"],
            "a current-controlled switch model (csw)",
        )?;
        let (m, unknown) = crate::SwitchModel::from_params(true, &values);
        self.warn_unknown_params(def, "switch", unknown);
        let index = self.push_device(
            name.clone(),
            e.span,
            DeviceKind::CSwitch {
                pos,
                neg,
                control: DeviceId(u32::MAX),
                on: on.unwrap_or(false),
                model: m,
            },
        );
        self.fixups.push(Fixup::Control {
            device: index,
            target: Self::device_name(ctx, &control.name),
            written: control.clone(),
            element: name,
        });
        Ok(())
    }
}
