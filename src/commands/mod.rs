//! Subcommands beyond `run` and `check`, one module per theme.
//!
//! `measure`: `balun cmrr`, `balun xtalk`, `balun hum` and `balun compare` (tables and JSON of
//! the measurements of the `measure` crate).
//! `rfi`: `balun rfi`, RF immunity (EMIRR, demodulated AM) of a receiver.
//! `thd`: `balun thd` and `balun compare --measure thd` (THD against drive level).
//! `drive`: `balun compare --measure drive` (maximum level, slew, noise, SNR, crosstalk of an
//! output, per load); `rfi` also has `compare --measure rfi`.
//! `mc`: Monte Carlo over element tolerances for those measurements (`--mc N`, `.mc`).

//! `cards`: the `.cmrr`, `.xtalk` and `.hum` cards as `balun run` executes them.

pub mod cards;
pub mod drive;
pub mod mc;
pub mod measure;
pub mod rfi;
pub mod thd;

/// A failure to report: where and what.
pub struct Fail {
    pub at: String,
    pub message: String,
}

/// A [`Fail`] at `at`.
pub fn fail(at: &std::path::Path, e: impl std::fmt::Display) -> Fail {
    Fail {
        at: at.display().to_string(),
        message: e.to_string(),
    }
}
