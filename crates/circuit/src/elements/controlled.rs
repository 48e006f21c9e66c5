//! `E`, `G`, `F` and `H` elements: linear controlled sources.

use super::*;

impl<'a> Elab<'a> {
    /// `E` and `G`: voltage-controlled sources.
    pub(crate) fn voltage_controlled(
        &mut self,
        e: &'a Element,
        name: String,
        ctx: &Ctx<'a>,
    ) -> Result<(), ElabError> {
        let span = e.span;
        match &e.kind {
            ElementKind::Vcvs { nodes, gain } | ElementKind::Vccs { nodes, gain } => {
                let pos = self.node(ctx, &nodes[0]);
                let neg = self.node(ctx, &nodes[1]);
                let ctrl_pos = self.node(ctx, &nodes[2]);
                let ctrl_neg = self.node(ctx, &nodes[3]);
                let g = self.eval(gain)?;
                let kind = if matches!(e.kind, ElementKind::Vcvs { .. }) {
                    DeviceKind::Vcvs {
                        pos,
                        neg,
                        ctrl_pos,
                        ctrl_neg,
                        gain: g,
                    }
                } else {
                    DeviceKind::Vccs {
                        pos,
                        neg,
                        ctrl_pos,
                        ctrl_neg,
                        transconductance_s: g,
                    }
                };
                self.push_device(name, span, kind);
            }
            _ => unreachable!("dispatched by element kind"),
        }
        Ok(())
    }

    /// `F` and `H`: current-controlled sources (the controlling `V` is resolved by fixups).
    pub(crate) fn current_controlled(
        &mut self,
        e: &'a Element,
        name: String,
        ctx: &Ctx<'a>,
    ) -> Result<(), ElabError> {
        let span = e.span;
        match &e.kind {
            ElementKind::Cccs {
                nodes,
                control,
                gain,
            }
            | ElementKind::Ccvs {
                nodes,
                control,
                gain,
            } => {
                let pos = self.node(ctx, &nodes[0]);
                let neg = self.node(ctx, &nodes[1]);
                let g = self.eval(gain)?;
                let placeholder = DeviceId(u32::MAX);
                let kind = if matches!(e.kind, ElementKind::Cccs { .. }) {
                    DeviceKind::Cccs {
                        pos,
                        neg,
                        control: placeholder,
                        gain: g,
                    }
                } else {
                    DeviceKind::Ccvs {
                        pos,
                        neg,
                        control: placeholder,
                        transresistance_ohm: g,
                    }
                };
                let index = self.push_device(name.clone(), span, kind);
                self.fixups.push(Fixup::Control {
                    device: index,
                    target: Self::device_name(ctx, &control.name),
                    written: control.clone(),
                    element: name,
                });
            }
            _ => unreachable!("dispatched by element kind"),
        }
        Ok(())
    }
}
