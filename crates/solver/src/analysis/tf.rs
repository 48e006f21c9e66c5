//! `.tf`: the small-signal DC transfer function, input resistance and output resistance, as
//! ngspice 39's `TFanal` (`tfanal.c`) computes them.
//!
//! With `Y` the circuit's matrix at its operating point (the small-signal conductances of the
//! nonlinear devices, capacitors open, inductors shorted) and `e_in` the unit excitation of
//! the input source (`+1` in a V source's branch row: one volt; `-1`/`+1` in an I source's
//! `+`/`-` rows: one ampere), one solve `Y x = e_in` gives
//!
//! - `transfer_function = v(out) - v(ref)` (or `x[branch of vout]` for an `i(vout)` output);
//! - the input resistance: `-1/x[branch]` for a V source (`1e20` when `|x[branch]| < 1e-20`),
//!   `x[-] - x[+]` for an I source;
//!
//! and a second solve with a unit current drawn from `out` into `ref` (or one volt in the
//! branch row of `vout`) gives the output resistance `v(ref) - v(out)` (or
//! `1/max(1e-20, x[branch])`: ngspice's clamp, so a negative branch current reads `1e20`).
//! When the output is the input source's own current, the output resistance is the input one.
//!
//! Vectors (one point, plot `Transfer Function`): `transfer_function`,
//! `SRC#input_impedance`, then `output_impedance_at_v(out[,ref])` as the output was written,
//! or `VOUT#output_impedance` (ngspice writes them with its raw file's `v(...)` around each).

use super::ac::linearise_at_op;
use crate::lu::Lu;
use crate::mna::System;
use crate::result::{Data, Plot, Unit, Vector};
use crate::SolveError;
use circuit::{AnalysisOutput, Circuit, DeviceId};

pub const PLOT_NAME: &str = "Transfer Function";

/// Runs `.tf` with output `out` (named `out_name` as written, e.g. `v(out,ref)`) and input
/// source `source`.
pub fn run(
    circuit: &Circuit,
    sys: &System,
    out: AnalysisOutput,
    out_name: &str,
    source: DeviceId,
) -> Result<Plot, SolveError> {
    let op = linearise_at_op(circuit, sys, "tf")?;
    let lin: &System = &op.lin;
    let unk = &lin.unknowns;
    let n = unk.len();
    let mut lu = Lu::<f64>::new(&lin.pattern);
    lu.factor(&lin.pattern, &lin.g)
        .map_err(|s| super::singular(circuit, lin, "tf", "the operating point".into(), s.0))?;
    let mut scratch = Vec::with_capacity(n);
    let mut solve = |b: &mut Vec<f64>| lu.solve_refined(&lin.pattern, &lin.g, b, &mut scratch);
    let at = |x: &[f64], i: Option<usize>| i.map_or(0.0, |i| x[i]);
    let source_is_v = circuit.devices[source.index()].kind.has_branch();

    // The unit excitation of the input source: its own right-hand-side rows at value 1.
    let mut x = vec![0.0; n];
    for t in lin.sources.iter().filter(|t| t.device == source) {
        x[t.row] += t.sign;
    }
    solve(&mut x);
    let transfer = match out {
        AnalysisOutput::Voltage(o) => at(&x, unk.node(o.pos)) - at(&x, unk.node(o.neg)),
        AnalysisOutput::Current(d) => x[unk.branch(d)],
    };
    let input = if source_is_v {
        let i = x[unk.branch(source)];
        if i.abs() < 1e-20 {
            1e20
        } else {
            -1.0 / i
        }
    } else {
        let (pos, neg) = source_nodes(circuit, source);
        at(&x, unk.node(neg)) - at(&x, unk.node(pos))
    };
    let output = match out {
        AnalysisOutput::Current(d) if d == source => input,
        AnalysisOutput::Voltage(o) => {
            x.fill(0.0);
            if let Some(p) = unk.node(o.pos) {
                x[p] -= 1.0;
            }
            if let Some(q) = unk.node(o.neg) {
                x[q] += 1.0;
            }
            solve(&mut x);
            at(&x, unk.node(o.neg)) - at(&x, unk.node(o.pos))
        }
        AnalysisOutput::Current(d) => {
            x.fill(0.0);
            let br = unk.branch(d);
            x[br] += 1.0;
            solve(&mut x);
            1.0 / x[br].max(1e-20)
        }
    };
    let output_name = match out {
        AnalysisOutput::Voltage(_) => format!("output_impedance_at_{out_name}"),
        AnalysisOutput::Current(d) => {
            format!("{}#output_impedance", circuit.devices[d.index()].name)
        }
    };
    let names = [
        "transfer_function".to_string(),
        format!("{}#input_impedance", circuit.devices[source.index()].name),
        output_name,
    ];
    let values = [transfer, input, output];
    if let Some(k) = values.iter().position(|v| !v.is_finite()) {
        return Err(SolveError::NotFinite {
            analysis: "tf".into(),
            at: "the operating point".into(),
            vector: names[k].clone(),
        });
    }
    let vectors = names
        .into_iter()
        .zip(values)
        .map(|(name, v)| Vector {
            name,
            unit: Unit::Voltage,
            data: Data::Real(vec![v]),
        })
        .collect();
    Ok(Plot {
        name: PLOT_NAME.into(),
        scale: None,
        vectors,
    })
}

/// The `+` and `-` nodes of an independent source.
fn source_nodes(circuit: &Circuit, source: DeviceId) -> (circuit::NodeId, circuit::NodeId) {
    let nodes = circuit.devices[source.index()].kind.terminals();
    (nodes[0], nodes[1])
}
