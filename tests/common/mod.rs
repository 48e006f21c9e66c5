//! Helpers shared by the ngspice comparison tests (`parity_ngspice`, `parity_tran`,
//! `library_parity`).
#![allow(dead_code)]

use balun::solver::{Unit, Vector};
use num_complex::Complex64;
use std::process::Command;

/// Whether `ngspice` runs on this machine.
pub fn ngspice_available() -> bool {
    Command::new("ngspice")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Whether `v` is an AC frequency scale.
pub fn is_frequency(v: &Vector) -> bool {
    v.unit == Unit::Frequency || v.name == "frequency"
}

/// The value compared at point `i`: ngspice's `frequency` has garbage in its imaginary part.
pub fn value_at(v: &Vector, i: usize) -> Complex64 {
    let z = v.data.at(i);
    if is_frequency(v) {
        Complex64::new(z.re, 0.0)
    } else {
        z
    }
}

/// Largest magnitude in a vector.
pub fn max_abs(v: &Vector) -> f64 {
    (0..v.data.len())
        .map(|i| value_at(v, i).norm())
        .fold(0.0, f64::max)
}
