//! Elaboration of measurement directives (`.cmrr`, `.xtalk`, `.hum`): names to ids.
//!
//! Sources must be independent voltage sources (the measurements drive them); outputs are nodes
//! known to the circuit (top-level names, or expanded names such as `x1.out`). A child module of
//! `elaborate` so it can use the elaborator's name tables.

use super::Elab;
use crate::suggest::did_you_mean;
use crate::*;
use netlist::{Ident, MeasureCard, OutputRef};

impl Elab<'_> {
    pub(super) fn measurement(&mut self, m: &MeasureCard) -> Result<Measurement, ElabError> {
        Ok(match m {
            MeasureCard::Cmrr {
                out,
                hot,
                cold,
                imbalance,
                span,
            } => {
                let out = self.output_nodes(out, ".cmrr")?;
                let hot_id = self.vsource(hot, ".cmrr")?;
                let cold_id = self.vsource(cold, ".cmrr")?;
                if hot_id == cold_id {
                    return Err(ElabError::BadReference {
                        span: cold.span,
                        element: ".cmrr".into(),
                        message: "the hot and cold sources must be two different sources".into(),
                    });
                }
                let imbalance_ohm = match imbalance {
                    Some(v) => {
                        let ohm = self.eval(v)?;
                        if ohm < 0.0 {
                            return Err(ElabError::InvalidValue {
                                span: v.span,
                                element: ".cmrr".into(),
                                message: format!("imbalance must not be negative, got {ohm} ohm"),
                            });
                        }
                        Some(ohm)
                    }
                    None => None,
                };
                Measurement::Cmrr {
                    out,
                    hot: hot_id,
                    cold: cold_id,
                    imbalance_ohm,
                    span: *span,
                }
            }
            MeasureCard::Xtalk { channels, span } => {
                let mut resolved = Vec::with_capacity(channels.len());
                for (src, out) in channels {
                    resolved.push((
                        self.vsource(src, ".xtalk")?,
                        self.output_nodes(out, ".xtalk")?,
                    ));
                }
                Measurement::Crosstalk {
                    channels: resolved,
                    span: *span,
                }
            }
            MeasureCard::Hum {
                out,
                signal,
                interference,
                span,
            } => Measurement::Interference {
                out: self.output_nodes(out, ".hum")?,
                signal: self.vsource(signal, ".hum")?,
                interference: self.vsource(interference, ".hum")?,
                span: *span,
            },
        })
    }

    fn vsource(&self, name: &Ident, card: &str) -> Result<DeviceId, ElabError> {
        self.expect_kind(
            &name.name,
            name,
            card,
            "an independent voltage source",
            |k| matches!(k, DeviceKind::VoltageSource { .. }),
        )
    }

    pub(super) fn output_nodes(
        &self,
        out: &OutputRef,
        card: &str,
    ) -> Result<OutputNodes, ElabError> {
        let pos = self.existing_node(&out.pos, card)?;
        let neg = match &out.neg {
            Some(n) => self.existing_node(n, card)?,
            None => NodeId::GROUND,
        };
        Ok(OutputNodes { pos, neg })
    }

    fn existing_node(&self, n: &Ident, card: &str) -> Result<NodeId, ElabError> {
        if n.name == "0" || n.name == "gnd" {
            return Ok(NodeId::GROUND);
        }
        self.node_ids
            .get(n.name.as_str())
            .copied()
            .ok_or_else(|| ElabError::BadReference {
                span: n.span,
                element: card.to_string(),
                message: format!(
                    "no node '{}'{}",
                    n.name,
                    did_you_mean(&n.name, self.nodes[1..].iter().map(String::as_str))
                ),
            })
    }
}

#[cfg(test)]
mod tests {
    use crate::*;
    use std::path::Path;

    fn elab(text: &str) -> Result<Circuit, ElabError> {
        let (ast, _) = netlist::parse_str(Path::new("t.net"), text).expect("parses");
        crate::elaborate(&ast)
    }

    const RX: &str =
        "t\nVh h 0 AC 1\nVc c 0 AC 1\nR1 h o 1k\nR2 c o 1k\nR3 o 0 1k\n.ac dec 1 1 10\n";

    #[test]
    fn directives_resolve_to_ids() {
        let c = elab(&format!(
            "{RX}.cmrr o vh vc imbalance={{2*300}}\n.xtalk vh v(o,c) vc o\n.hum v(o) vh vc\n"
        ))
        .unwrap();
        let (o, cn) = (c.node("o").unwrap(), c.node("c").unwrap());
        let (vh, vc) = (c.device("vh").unwrap(), c.device("vc").unwrap());
        let out = OutputNodes {
            pos: o,
            neg: NodeId::GROUND,
        };
        assert!(matches!(&c.measurements[0],
            Measurement::Cmrr { out: x, hot, cold, imbalance_ohm: Some(z), .. }
            if *x == out && *hot == vh && *cold == vc && *z == 600.0));
        assert!(matches!(&c.measurements[1],
            Measurement::Crosstalk { channels, .. }
            if channels[0] == (vh, OutputNodes { pos: o, neg: cn }) && channels[1] == (vc, out)));
        assert!(matches!(&c.measurements[2],
            Measurement::Interference { signal, interference, .. }
            if *signal == vh && *interference == vc));
    }

    #[test]
    fn bad_references_are_reported() {
        let e = elab(&format!("{RX}.cmrr o r1 vc\n"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("'r1' is not an independent voltage source"),
            "{e}"
        );
        let e = elab(&format!("{RX}.cmrr oo vh vc\n"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("no node 'oo'"), "{e}");
        let e = elab(&format!("{RX}.cmrr o vh vh\n"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("two different sources"), "{e}");
        let e = elab(&format!("{RX}.cmrr o vh vc imbalance=-1\n"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("must not be negative"), "{e}");
    }
}
