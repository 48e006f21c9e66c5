//! Subcommands beyond `run` and `check`, one module per theme.
//!
//! `measure`: `balun cmrr`, `balun xtalk`, `balun hum` and `balun compare` (tables and JSON of
//! the measurements of the `measure` crate).
//! `rfi`: `balun rfi`, RF immunity (EMIRR, demodulated AM) of a receiver.
//! `thd`: `balun thd` and `balun compare --measure thd` (THD against drive level).
//! `mc`: Monte Carlo over element tolerances for those measurements (`--mc N`, `.mc`).

//! `cards`: the `.cmrr`, `.xtalk` and `.hum` cards as `balun run` executes them.

pub mod cards;
pub mod mc;
pub mod measure;
pub mod rfi;
pub mod thd;
