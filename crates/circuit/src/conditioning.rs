//! Warnings about values that make the MNA matrix badly conditioned, found from the values
//! alone, before any solve.
//!
//! A resistor of `R_min` and one of `R_max` put conductances `1/R_min` and `1/R_max` into the
//! same matrix; once `R_max / R_min` passes about `1/eps` = 4.5e15 (eps = 2.2e-16, double
//! precision), `1/R_max` disappears beside `1/R_min` wherever the two meet, and the solution
//! loses every digit that depends on it. balun warns from [`MAX_RESISTANCE_RATIO`] (1e15) on,
//! naming both resistors; the solve still runs (its own residual check and iterative
//! refinement then say how good the answer is).
//!
//! What does not live here: structural singularity (`topology.rs`) and numerical singularity
//! found while factoring (the solver).

use crate::{Circuit, DeviceKind, Warning};

/// Largest ratio of two resistances in one circuit that passes without a warning.
pub const MAX_RESISTANCE_RATIO: f64 = 1e15;

/// Adds a warning to `circuit.warnings` when its resistances span more than
/// [`MAX_RESISTANCE_RATIO`]. The warning points at the smallest resistor and names the largest.
pub(crate) fn check(circuit: &mut Circuit) {
    let mut smallest: Option<(usize, f64)> = None;
    let mut largest: Option<(usize, f64)> = None;
    for (i, d) in circuit.devices.iter().enumerate() {
        if let DeviceKind::Resistor { resistance_ohm, .. } = d.kind {
            let r = resistance_ohm.abs();
            if smallest.is_none_or(|(_, s)| r < s) {
                smallest = Some((i, r));
            }
            if largest.is_none_or(|(_, l)| r > l) {
                largest = Some((i, r));
            }
        }
    }
    let (Some((lo, r_lo)), Some((hi, r_hi))) = (smallest, largest) else {
        return;
    };
    // `r_lo` is never 0 (R = 0 becomes 1 mohm at elaboration); NaN would be 0/0 or inf/inf.
    let ratio = r_hi / r_lo;
    if ratio.is_nan() || ratio > MAX_RESISTANCE_RATIO {
        let (small, large) = (&circuit.devices[lo], &circuit.devices[hi]);
        circuit.warnings.push(Warning {
            span: small.span,
            message: format!(
                "badly conditioned: resistances span {ratio:.1e} (over {MAX_RESISTANCE_RATIO:.0e}), \
                 from {} = {r_lo:e} ohm to {} = {r_hi:e} ohm; results that depend on the larger \
                 may have no correct digits",
                small.name, large.name
            ),
        });
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    fn warnings(text: &str) -> Vec<String> {
        let (ast, _) = netlist::parse_str(Path::new("t.net"), text).expect("parses");
        let c = crate::elaborate(&ast).expect("elaborates");
        c.warnings.into_iter().map(|w| w.message).collect()
    }

    #[test]
    fn names_both_ends_of_a_huge_resistance_ratio() {
        let w = warnings("t\nv1 a 0 1\nrtiny a b 1e-16\nrhuge b 0 1e3\nrbig b 0 1e0\n.op\n");
        let bad: Vec<_> = w
            .iter()
            .filter(|m| m.contains("badly conditioned"))
            .collect();
        assert_eq!(bad.len(), 1, "{w:?}");
        assert!(
            bad[0].contains("rtiny = 1e-16 ohm to rhuge = 1e3 ohm")
                && bad[0].contains("resistances span 1.0e19"),
            "{}",
            bad[0]
        );
    }

    #[test]
    fn ordinary_ranges_do_not_warn() {
        // 1 mohm to 1 Tohm: a ratio of exactly 1e15 is still fine.
        let w = warnings("t\nv1 a 0 1\nr1 a b 1e-3\nr2 b 0 1e12\n.op\n");
        assert!(w.iter().all(|m| !m.contains("badly conditioned")), "{w:?}");
    }
}
