//! Output writers: ngspice raw, ASCII or binary ([`raw`], numbers formatted by [`e15`]), CSV ([`csv`]), JSON ([`json`]) and the terminal
//! table ([`table`]), `.print` tables ([`print`](mod@print)), plus the small helpers they share (plot kinds, units, number formats).
//!
//! Writers take [`solver::Plot`]s and a [`std::io::Write`] (or a directory); they never run the
//! pipeline and never decide where output goes: that is the CLI's job. Files are written through
//! [`atomic::write_file`] (a temporary name, then a rename), so none is ever left truncated.

pub mod atomic;
pub mod csv;
pub mod e15;
pub mod four;
pub mod json;
pub mod meas;
pub mod print;
pub mod raw;
pub mod report;
pub mod table;

#[cfg(test)]
mod ngspice_tests;

use solver::{Plot, Unit};
use std::collections::HashMap;

/// Short name of the analysis a plot comes from, from ngspice's plot name: `op`, `dc`, `ac`,
/// `tran`, `noise`, `tf`, `sens`, or `plot` for a name balun does not know.
pub fn plot_kind(plot: &Plot) -> &'static str {
    match plot.name.as_str() {
        "Operating Point" => "op",
        "DC transfer characteristic" => "dc",
        "AC Analysis" => "ac",
        "Transient Analysis" => "tran",
        "Noise Spectral Density Curves" => "noise",
        "Integrated Noise" => "noise-total",
        "Transfer Function" => "tf",
        "Sensitivity Analysis" => "sens",
        _ => "plot",
    }
}

/// Each plot's key, in order: its kind ([`plot_kind`]) and its number among the plots of that
/// kind (`dc1`, `dc2`, `ac1`, `tran1`, `noise1`, `noise-total1`), except a lone `.op`, `op`.
/// The CSV files (`op.csv`, `ac1.csv`) and the Python module's results are named by it.
pub fn plot_keys(plots: &[Plot]) -> Vec<String> {
    let mut totals: HashMap<&str, usize> = HashMap::new();
    for p in plots {
        *totals.entry(plot_kind(p)).or_default() += 1;
    }
    let mut seen: HashMap<&str, usize> = HashMap::new();
    plots
        .iter()
        .map(|p| {
            let kind = plot_kind(p);
            let n = seen.entry(kind).or_default();
            *n += 1;
            if kind == "op" && totals[kind] == 1 {
                "op".to_string()
            } else {
                format!("{kind}{n}")
            }
        })
        .collect()
}

/// SI symbol of a unit: `V`, `A`, `Hz`, `s`, `C`.
pub fn unit_symbol(unit: Unit) -> &'static str {
    match unit {
        Unit::Voltage => "V",
        Unit::Current => "A",
        Unit::Frequency => "Hz",
        Unit::Time => "s",
        Unit::VoltageDensity => "V/rtHz",
        Unit::Temperature => "C",
    }
}

/// Magnitude in dB (`20*log10|z|`, re 1 V or 1 A); `-inf` for 0.
pub fn mag_db(z: num_complex::Complex64) -> f64 {
    20.0 * z.norm().log10()
}

/// Phase in degrees, in (-180, 180].
pub fn phase_deg(z: num_complex::Complex64) -> f64 {
    z.im.atan2(z.re).to_degrees()
}
