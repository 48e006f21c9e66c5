//! Subcommands beyond `run` and `check`, one module per theme.
//!
//! `measure`: `balun cmrr`, `balun xtalk`, `balun hum` and `balun compare` (tables and JSON of
//! the measurements of the `measure` crate).
//! `mc`: Monte Carlo over element tolerances for those measurements (`--mc N`, `.mc`).

//! `cards`: the `.cmrr`, `.xtalk` and `.hum` cards as `balun run` executes them.

pub mod cards;
pub mod mc;
pub mod measure;
