//! `E`, `G`, `F` and `H` elements in SPICE2's `POLY(n)` form: polynomial controlled sources.
//!
//! The card's controls become [`PolyControl`]s (node pairs for E and G; for F and H the
//! voltage sources, resolved by fixups like a linear F's control), its coefficients are
//! evaluated (numbers or `{}` expressions). The device is named `a$poly$NAME` after the XSPICE
//! instance ngspice 39 turns the card into, so an E or H POLY source's branch current is
//! reported as ngspice reports it (`i(a$poly$e1)`, `i(a$poly$e.x1.e1)`). Equations: the
//! solver's `devices/poly.rs`.

use super::*;

impl<'a> Elab<'a> {
    /// `E|G|F|H name n+ n- POLY(n) ...`.
    pub(crate) fn poly(
        &mut self,
        e: &'a Element,
        name: String,
        ctx: &Ctx<'a>,
    ) -> Result<(), ElabError> {
        let ElementKind::Poly {
            nodes,
            dimension,
            controls,
            coefficients,
        } = &e.kind
        else {
            unreachable!("dispatched by element kind")
        };
        if *dimension > MAX_POLY_CONTROLS {
            return Err(ElabError::InvalidValue {
                span: e.span,
                element: name,
                message: format!(
                    "POLY({dimension}) has more than {MAX_POLY_CONTROLS} controls, the most \
                     balun supports"
                ),
            });
        }
        let letter = e.name.name.chars().next().unwrap_or('e');
        let voltage_output = matches!(letter, 'e' | 'h');
        let coefficients = coefficients
            .iter()
            .map(|c| self.eval(c))
            .collect::<Result<Vec<f64>, _>>()?;
        let voltage_controlled = matches!(letter, 'e' | 'g');
        let placeholder = DeviceId(u32::MAX);
        let poly_controls: Vec<PolyControl> = if voltage_controlled {
            controls
                .chunks_exact(2)
                .map(|pair| {
                    PolyControl::Voltage(self.node(ctx, &pair[0]), self.node(ctx, &pair[1]))
                })
                .collect()
        } else {
            vec![PolyControl::Current(placeholder); controls.len()]
        };
        // ngspice's XSPICE card (`a$poly$e1 %vd [c1+ c1- ...] %vd(out+ out-)`) names the
        // controlling nodes first: nodes new to the circuit are numbered in that order, which
        // is the order of the output vectors.
        let pos = self.node(ctx, &nodes[0]);
        let neg = self.node(ctx, &nodes[1]);
        let kind = DeviceKind::Poly {
            pos,
            neg,
            voltage_output,
            controls: poly_controls,
            coefficients,
        };
        let index = self.push_device(format!("a$poly${name}"), e.span, kind);
        if !voltage_controlled {
            for (k, control) in controls.iter().enumerate() {
                self.fixups.push(Fixup::PolyControl {
                    device: index,
                    k,
                    target: Self::device_name(ctx, &control.name),
                    written: control.clone(),
                    element: name.clone(),
                });
            }
        }
        Ok(())
    }
}
