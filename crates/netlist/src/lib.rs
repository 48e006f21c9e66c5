//! SPICE netlist text to AST.
//!
//! This crate reads SPICE3/ngspice netlists: it splices `.include`/`.lib` files, joins `+`
//! continuation lines, strips comments, and parses each card with `nom` into the typed AST of
//! [`ast`]. Every AST node keeps a [`Span`] so later stages can point back at the text.
//! It does no evaluation: values stay unevaluated [`ast::Expr`]s (a literal number is parsed to
//! `f64` here, nothing more).
//!
//! Code map (private modules): `encoding` (file bytes to text: UTF-8, UTF-16 with or without a
//! byte-order mark, Latin-1), `lines` (stage 1: physical lines, comments, continuations,
//! `.include`/`.lib`/`.control`/`.end`, segment maps back to file offsets), `tokens` (card
//! tokenizer), `number` (SPICE numbers with suffixes), `expr` (expression grammar), `cards`
//! (stage 2: cards to [`Item`]s, `.subckt` nesting), `parser` (entry points), `print`
//! (`Display` for the AST: netlist text that parses back to the same AST).
//!
//! **Architecture invariant**: this crate knows nothing of circuits, matrices or analyses.

pub mod ast;
mod cards;
mod encoding;
mod error;
mod expr;
mod lines;
mod number;
mod parser;
mod print;
pub mod span;
mod tokens;

pub use ast::*;
pub use error::ParseError;
pub use expr::{MAX_EXPR_NESTING, MAX_EXPR_TREE_DEPTH};
pub use lines::{Resolver, BUILTIN_LIB};
pub use span::{FileId, LineCol, SourceFile, Sources, Span};

use std::path::Path;

/// Reads and parses the netlist file at `path`, following `.include` and `.lib` relative to the
/// including file. Returns the AST and every file read (for diagnostics).
/// `balun` in `.lib balun SECTION` is an ordinary file name here (no built-in library).
pub fn parse_file(path: &Path) -> Result<(Netlist, Sources), (ParseError, Sources)> {
    parser::parse_file(path, None)
}

/// Like [`parse_file`], with a built-in library: `.lib balun SECTION` ([`BUILTIN_LIB`], any
/// case) is not read from disk but asked of `resolver("balun", section)` (both lower-cased),
/// which returns the section's netlist text or `None` (then the error is "library 'balun' has
/// no section ..."). The text is a source named `<balun:SECTION>` in diagnostics, it may itself
/// `.lib balun OTHER`, and each built-in section is spliced at most once per netlist. This
/// crate does not know the library's contents: the caller (the `balun` facade) passes
/// `library::resolve`.
pub fn parse_file_with(
    path: &Path,
    resolver: Resolver<'_>,
) -> Result<(Netlist, Sources), (ParseError, Sources)> {
    parser::parse_file(path, Some(resolver))
}

/// Parses netlist text. `name` is used in diagnostics and as the base directory for `.include`.
pub fn parse_str(name: &Path, text: &str) -> Result<(Netlist, Sources), (ParseError, Sources)> {
    parser::parse_str(name, text, None)
}

/// [`parse_str`] with a built-in library resolver (see [`parse_file_with`]).
pub fn parse_str_with(
    name: &Path,
    text: &str,
    resolver: Resolver<'_>,
) -> Result<(Netlist, Sources), (ParseError, Sources)> {
    parser::parse_str(name, text, Some(resolver))
}

/// Parses a SPICE number with engineering suffix (`1.5k`, `10meg`, `1uF`, `2mil`, `1e-3`).
/// Trailing letters after the suffix are ignored as SPICE does (`10kohm` = 1e4).
pub fn parse_number(text: &str) -> Option<f64> {
    parser::parse_number(text)
}
