//! Subcommands beyond `run` and `check`, one module per theme.
//!
//! `measure`: `balun cmrr`, `balun xtalk`, `balun hum` and `balun compare` (tables and JSON of
//! the measurements of the `measure` crate).

pub mod measure;
