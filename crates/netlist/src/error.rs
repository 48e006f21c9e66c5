//! Parse errors. Every variant carries the [`Span`] it is about.

use crate::span::Span;
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ParseError {
    /// Generic syntax error: `message` says what was expected.
    #[error("{message}")]
    Syntax { span: Span, message: String },
    /// An `.include`/`.lib` file could not be read.
    #[error("cannot read included file '{}': {reason}", path.display())]
    Include {
        span: Span,
        path: PathBuf,
        reason: String,
    },
    /// The top-level netlist file could not be read.
    #[error("cannot read netlist '{}': {reason}", path.display())]
    Io { path: PathBuf, reason: String },
    /// `.include` chain comes back to a file already being read.
    #[error("include cycle: '{}' includes itself (through {chain})", path.display())]
    IncludeCycle {
        span: Span,
        path: PathBuf,
        chain: String,
    },
    /// `.lib FILE SECTION` where FILE has no such section.
    #[error("library '{}' has no section '{section}'", path.display())]
    MissingLibSection {
        span: Span,
        path: PathBuf,
        section: String,
    },
    /// `.subckt` without `.ends`, or `.ends` without `.subckt`.
    #[error("{message}")]
    Unbalanced { span: Span, message: String },
}

impl ParseError {
    /// Where the error is, if it is inside a file that was read.
    pub fn span(&self) -> Option<Span> {
        match self {
            ParseError::Syntax { span, .. }
            | ParseError::Include { span, .. }
            | ParseError::IncludeCycle { span, .. }
            | ParseError::MissingLibSection { span, .. }
            | ParseError::Unbalanced { span, .. } => Some(*span),
            ParseError::Io { .. } => None,
        }
    }
}
