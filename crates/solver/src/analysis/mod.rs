//! The analyses: `.op`, `.dc` and `.ac` on a linear [`System`].
//!
//! Each turns the circuit's sources into right-hand sides, factors once per distinct matrix and
//! names its output vectors as ngspice does.

pub mod ac;
pub mod dc;
pub mod noise;
pub mod op;
pub mod rectify;
pub mod sens;
pub mod tf;
pub mod tran;

use crate::devices::independent_source;
use crate::mna::{System, Unknowns};
use crate::result::{Data, Unit, Vector};
use crate::SolveError;
use circuit::{Circuit, DeviceId};
use num_complex::Complex64;

/// DC value of an independent source (0 for anything else).
pub(crate) fn dc_value(circuit: &Circuit, d: DeviceId) -> f64 {
    independent_source(&circuit.devices[d.index()].kind).map_or(0.0, |s| s.dc)
}

/// AC phasor `mag * exp(j*phase)` of an independent source.
pub(crate) fn ac_value(circuit: &Circuit, d: DeviceId) -> Complex64 {
    independent_source(&circuit.devices[d.index()].kind).map_or(Complex64::new(0.0, 0.0), |s| {
        Complex64::from_polar(s.ac_mag, s.ac_phase_deg.to_radians())
    })
}

/// Vectors for the reported unknowns, from per-point values stored point-major as
/// [`Unknowns::gather`] stores them (`solutions[p * m + j]` is reported unknown `j` at point `p`,
/// `m` of them); `wrap` picks real or complex data.
fn vectors<T: Copy>(
    circuit: &Circuit,
    unk: &Unknowns,
    solutions: &[T],
    wrap: fn(Vec<T>) -> Data,
) -> Vec<Vector> {
    let reported = unk.reported();
    let m = reported.len();
    let points = solutions.len().checked_div(m).unwrap_or(0);
    reported
        .iter()
        .enumerate()
        .map(|(j, &i)| Vector {
            name: unk.name(circuit, i),
            unit: unit_of(unk, i),
            data: wrap((0..points).map(|p| solutions[p * m + j]).collect()),
        })
        .collect()
}

/// Real vectors for the reported unknowns (see [`vectors`]).
pub(crate) fn vectors_real(circuit: &Circuit, unk: &Unknowns, solutions: &[f64]) -> Vec<Vector> {
    vectors(circuit, unk, solutions, Data::Real)
}

/// Whether unknown `i` is a voltage or a current.
pub(crate) fn unit_of(unk: &Unknowns, i: usize) -> Unit {
    if unk.is_voltage(i) {
        Unit::Voltage
    } else {
        Unit::Current
    }
}

/// The error for a factorisation that found no pivot for unknown `col`.
pub(crate) fn singular(
    circuit: &Circuit,
    sys: &System,
    analysis: &str,
    at: String,
    col: usize,
) -> SolveError {
    let mut rows = vec![sys.unknowns.name(circuit, col)];
    // Name the other unknowns sharing a matrix column with it: the likely culprits.
    let sym = &sys.pattern.symbolic;
    let (start, end) = (sym.col_ptr()[col], sym.col_ptr()[col + 1]);
    for &r in &sym.row_idx()[start..end] {
        let name = sys.unknowns.name(circuit, r);
        if !rows.contains(&name) && rows.len() < 6 {
            rows.push(name);
        }
    }
    SolveError::Singular {
        analysis: analysis.to_string(),
        at,
        rows,
    }
}

/// Checks a solution is finite; otherwise names the first non-finite unknown.
pub(crate) fn check_finite<T: Copy>(
    circuit: &Circuit,
    unk: &Unknowns,
    analysis: &str,
    at: impl FnOnce() -> String,
    x: &[T],
    is_finite: impl Fn(T) -> bool,
) -> Result<(), SolveError> {
    match x.iter().position(|&v| !is_finite(v)) {
        None => Ok(()),
        Some(i) => Err(SolveError::Singular {
            analysis: analysis.to_string(),
            at: at(),
            rows: vec![unk.name(circuit, i)],
        }),
    }
}
