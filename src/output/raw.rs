//! ngspice raw files (ASCII): writing balun's plots and reading ngspice's.

use solver::Plot;
use std::io::{self, Write};

/// Writes `plots` as one ngspice ASCII raw file (one section per plot, in order).
pub fn write_ascii(_w: &mut impl Write, _title: &str, _plots: &[Plot]) -> io::Result<()> {
    todo!("raw writer")
}

/// A malformed raw file: what was expected, and the 1-based line.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("raw file line {line}: {message}")]
pub struct RawError {
    pub line: usize,
    pub message: String,
}

/// Reads every plot of an ngspice ASCII raw file (as written by `ngspice -b -r` with
/// `SPICE_ASCIIRAWFILE=1`, or by [`write_ascii`]).
pub fn read_ascii(_text: &str) -> Result<Vec<Plot>, RawError> {
    todo!("raw reader")
}
