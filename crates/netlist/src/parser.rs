//! Entry points: stage 1 ([`crate::lines`]: files to logical cards) then stage 2
//! ([`crate::cards`]: cards to AST items).

use crate::ast::Netlist;
use crate::cards::Builder;
use crate::error::ParseError;
use crate::lines::{self, Resolver};
use crate::span::Sources;
use std::path::Path;

pub(crate) fn parse_file(
    path: &Path,
    resolver: Option<Resolver<'_>>,
) -> Result<(Netlist, Sources), (ParseError, Sources)> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        (
            ParseError::Io {
                path: path.to_path_buf(),
                reason: e.to_string(),
            },
            Sources::default(),
        )
    })?;
    parse_str(path, &text, resolver)
}

pub(crate) fn parse_str(
    name: &Path,
    text: &str,
    resolver: Option<Resolver<'_>>,
) -> Result<(Netlist, Sources), (ParseError, Sources)> {
    let (loaded, sources) = lines::load(name, text, resolver)?;
    let mut builder = Builder::new();
    for card in &loaded.cards {
        if let Err(e) = builder.card(card) {
            return Err((e, sources));
        }
    }
    let (items, card_warnings) = match builder.finish() {
        Ok(done) => done,
        Err(e) => return Err((e, sources)),
    };
    let mut warnings = loaded.warnings;
    warnings.extend(card_warnings);
    warnings.sort_by_key(|w| (w.span.file.0, w.span.start));
    Ok((
        Netlist {
            title: loaded.title,
            items,
            warnings,
        },
        sources,
    ))
}

pub(crate) fn parse_number(text: &str) -> Option<f64> {
    crate::number::parse_number(text)
}

#[cfg(test)]
#[path = "parser_tests.rs"]
mod tests;
