//! Output writers: ngspice ASCII raw, CSV, JSON, and the terminal table.

pub mod raw;
