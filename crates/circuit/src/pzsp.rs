//! Elaboration of `.pz` (its four nodes and ngspice's checks of them) and `.sp` (the RF ports
//! it needs). A child module of `elaborate` so it can use the elaborator's name and device
//! tables.

use super::Elab;
use crate::*;
use netlist::{Node, OutputRef, Span};

impl Elab<'_> {
    /// `.pz in+ in- out+ out- cur|vol pol|zer|pz`, with ngspice 39's `PZinit` checks.
    pub(super) fn pz_analysis(
        &mut self,
        input: &[Node; 2],
        output: &[Node; 2],
        kind: PzInput,
        which: PzWhich,
        span: Span,
    ) -> Result<Analysis, ElabError> {
        let pair = |n: &[Node; 2]| OutputRef {
            pos: n[0].clone(),
            neg: Some(n[1].clone()),
            span,
        };
        let input_nodes = self.output_nodes(&pair(input), ".pz")?;
        let output_nodes = self.output_nodes(&pair(output), ".pz")?;
        let fail = |message: &str| {
            Err(ElabError::Analysis {
                span,
                message: format!(".pz: {message}"),
            })
        };
        if input_nodes.pos == input_nodes.neg {
            return fail("the input is shorted (its two nodes are the same)");
        }
        if output_nodes.pos == output_nodes.neg {
            return fail("the output is shorted (its two nodes are the same)");
        }
        if kind == PzInput::Vol {
            if input_nodes == output_nodes {
                return fail("the transfer function is 1 (the output is the input voltage)");
            }
            if input_nodes.pos == output_nodes.neg && input_nodes.neg == output_nodes.pos {
                return fail("the transfer function is -1 (the output is the input reversed)");
            }
        }
        Ok(Analysis::Pz {
            input: input_nodes,
            output: output_nodes,
            kind,
            which,
        })
    }

    /// `.sp` needs RF ports numbered 1..N, each number once.
    pub(super) fn check_rf_ports(&self, span: Span) -> Result<(), ElabError> {
        let mut ports: Vec<(u32, &str)> = self
            .devices
            .iter()
            .filter_map(|d| match &d.kind {
                DeviceKind::VoltageSource { source, .. } => {
                    source.port.map(|p| (p.num, d.name.as_str()))
                }
                _ => None,
            })
            .collect();
        let fail = |message: String| {
            Err(ElabError::Analysis {
                span,
                message: format!(".sp: {message}"),
            })
        };
        if ports.is_empty() {
            return fail(
                "no RF port: give the V sources at the ports 'portnum 1', 'portnum 2', ... (and 'z0')"
                    .into(),
            );
        }
        ports.sort();
        for w in ports.windows(2) {
            if w[0].0 == w[1].0 {
                return fail(format!(
                    "'{}' and '{}' are both port {}",
                    w[0].1, w[1].1, w[0].0
                ));
            }
        }
        for (k, &(num, name)) in ports.iter().enumerate() {
            if num as usize != k + 1 {
                return fail(format!(
                    "ports must be numbered 1 to {} without gaps; '{name}' is port {num}",
                    ports.len()
                ));
            }
        }
        Ok(())
    }
}
