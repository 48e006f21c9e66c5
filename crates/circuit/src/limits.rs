//! Resource limits of elaboration, so that no netlist can make balun run out of memory or time
//! before it says why.
//!
//! | Limit | Value | Where |
//! | --- | --- | --- |
//! | elements after subcircuit expansion (instances included) | [`MAX_ELEMENTS`] | here |
//! | points of one `.dc` (all sweeps together) or `.ac` | [`MAX_SWEEP_POINTS`] | here |
//! | subcircuit nesting | 100 levels | `elaborate.rs` (`MAX_DEPTH`) |
//! | expression nesting / tree depth | 64 / 1024 | `netlist::MAX_EXPR_NESTING`, `netlist::MAX_EXPR_TREE_DEPTH` |
//! | `.include`/`.lib` nesting | 64 levels | `netlist` (`lines.rs`) |
//!
//! Each is an [`ElabError::Limit`] naming the limit and pointing at the card that exceeds it.

use crate::{AcVariation, ElabError};
use netlist::Span;

/// Most elements (devices and subcircuit instances) a netlist may expand to: twice the
/// million-element netlists balun is meant to handle, and a stop for exponential subcircuit
/// expansion (ten instances of ten instances of ... ) long before memory runs out.
#[cfg(not(fuzzing))]
pub const MAX_ELEMENTS: usize = 2_000_000;

/// In fuzzing builds (`--cfg fuzzing`, which cargo-fuzz sets) the limit is 50,000, so that an
/// exponential expansion stops within the fuzzer's per-input time limit: under AddressSanitizer
/// expanding to two million elements takes longer than the 10 s the fuzzer allows one input.
#[cfg(fuzzing)]
pub const MAX_ELEMENTS: usize = 50_000;

/// Most points of one sweep analysis (10 million; its plot alone is then 80 MB per vector).
pub const MAX_SWEEP_POINTS: f64 = 1e7;

/// The error for the element that would exceed [`MAX_ELEMENTS`].
pub(crate) fn too_many_elements(span: Span, element: &str) -> ElabError {
    ElabError::Limit {
        span,
        message: format!(
            "{element}: the netlist expands to more than {MAX_ELEMENTS} elements (the limit; \
             check for subcircuits instantiated many times at several levels)"
        ),
    }
}

/// Number of points of one `.dc` sweep (ngspice counts `start, start+step, ...` up to `stop`).
pub(crate) fn dc_points(start: f64, stop: f64, step: f64) -> f64 {
    ((stop - start) / step).abs().floor() + 1.0
}

/// Number of points of an `.ac` sweep of `n` points per decade/octave or in all.
pub(crate) fn ac_points(variation: AcVariation, n: f64, fstart_hz: f64, fstop_hz: f64) -> f64 {
    match variation {
        AcVariation::Lin => n,
        AcVariation::Dec => (n * (fstop_hz / fstart_hz).log10()).floor() + 1.0,
        AcVariation::Oct => (n * (fstop_hz / fstart_hz).log2()).floor() + 1.0,
    }
}

/// Checks a sweep's point count against [`MAX_SWEEP_POINTS`].
pub(crate) fn check_sweep(span: Span, card: &str, points: f64) -> Result<(), ElabError> {
    // NaN from e.g. inf/inf is over the limit too.
    if points.is_nan() || points > MAX_SWEEP_POINTS {
        return Err(ElabError::Limit {
            span,
            message: format!(
                "{card}: {} points is more than the limit of {} per analysis",
                fmt_points(points),
                fmt_points(MAX_SWEEP_POINTS)
            ),
        });
    }
    Ok(())
}

fn fmt_points(x: f64) -> String {
    if x.is_finite() && x < 1e15 {
        format!("{x:.0}")
    } else {
        format!("{x:e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn point_counts() {
        assert_eq!(dc_points(0.0, 1.0, 0.1), 11.0);
        assert_eq!(dc_points(1.0, 0.0, -0.5), 3.0);
        assert_eq!(ac_points(AcVariation::Dec, 10.0, 10.0, 1e6), 51.0);
        assert_eq!(ac_points(AcVariation::Oct, 2.0, 1.0, 8.0), 7.0);
        assert_eq!(ac_points(AcVariation::Lin, 5.0, 0.0, 1.0), 5.0);
    }

    #[test]
    fn sweep_limit() {
        assert!(check_sweep(Span::default(), ".ac", 1e7).is_ok());
        let e = check_sweep(Span::default(), ".dc", 1e7 + 1.0).unwrap_err();
        assert_eq!(
            e.to_string(),
            ".dc: 10000001 points is more than the limit of 10000000 per analysis"
        );
        assert!(check_sweep(Span::default(), ".dc", f64::NAN).is_err());
        assert!(check_sweep(Span::default(), ".dc", f64::INFINITY).is_err());
    }
}
