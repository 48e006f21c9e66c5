//! Entry points: stage 1 ([`crate::lines`]: files to logical cards) then stage 2
//! ([`crate::cards`]: cards to AST items).

use crate::ast::Netlist;
use crate::cards::{parse_element_card, Builder};
use crate::error::ParseError;
use crate::lines::{self, Card, Resolver};
use crate::span::Sources;
use rayon::prelude::*;
use std::path::Path;

pub(crate) fn parse_file(
    path: &Path,
    resolver: Option<Resolver<'_>>,
) -> Result<(Netlist, Sources), (ParseError, Sources)> {
    let text = crate::encoding::read_text(path).map_err(|e| {
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

/// Cards parsed per parallel batch (bounds the memory of parsed-but-not-added elements).
const PARALLEL_CHUNK: usize = 1 << 16;
/// Fewer cards than this are parsed on the calling thread (not worth a thread hop).
const PARALLEL_MIN: usize = 1024;

pub(crate) fn parse_str(
    name: &Path,
    text: &str,
    resolver: Option<Resolver<'_>>,
) -> Result<(Netlist, Sources), (ParseError, Sources)> {
    let (loaded, sources) = lines::load(name, text, resolver)?;
    // One item per card at most: reserving avoids copying a million-item vector as it grows.
    // Element cards need no context, so each chunk of cards is parsed in parallel, then added
    // in order (the first error in file order wins, as when parsing one card at a time); a
    // chunk's card texts are freed once it is added.
    let mut builder = Builder::with_capacity(loaded.cards.len());
    let mut cards = loaded.cards.into_iter();
    loop {
        let chunk: Vec<Card> = cards.by_ref().take(PARALLEL_CHUNK).collect();
        if chunk.is_empty() {
            break;
        }
        let elements: Vec<_> = if chunk.len() >= PARALLEL_MIN {
            chunk
                .par_iter()
                .with_min_len(PARALLEL_MIN)
                .map(parse_element_card)
                .collect()
        } else {
            chunk.iter().map(parse_element_card).collect()
        };
        for (card, element) in chunk.iter().zip(elements) {
            if let Err(e) = builder.add(card, element) {
                return Err((e, sources));
            }
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
