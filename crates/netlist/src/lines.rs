//! Stage 1: physical lines to logical cards, with `.include`/`.lib` spliced in.
//!
//! A [`Card`] is one logical line: comments stripped, `+` continuation lines joined with a space,
//! and a segment map from card byte offsets back to file byte offsets so that any position in
//! the card yields a [`Span`] on the right physical line. This stage also handles the cards that
//! act on the line stream itself: `.include`/`.inc`, `.lib`/`.endl`, `.control`/`.endc` and
//! `.end`. It knows nothing of what the other cards mean.

use crate::ast::Warning;
use crate::error::ParseError;
use crate::span::{FileId, Sources, Span};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Deepest `.include`/`.lib` nesting accepted (the top-level file counts as one level).
pub(crate) const MAX_INCLUDE_DEPTH: usize = 64;

/// The library name that `.lib NAME SECTION` resolves through the caller's resolver instead of
/// the file system (see [`crate::parse_file_with`]).
pub const BUILTIN_LIB: &str = "balun";

/// Supplies the text of a built-in library section: `(library, section)` (both lower-cased)
/// to the section's netlist text, or `None` when there is no such section.
pub type Resolver<'r> = &'r dyn Fn(&str, &str) -> Option<String>;

/// A piece of one physical line inside a card.
#[derive(Debug, Clone, Copy)]
struct Segment {
    card_start: usize,
    file_start: usize,
    len: usize,
}

/// One logical card.
#[derive(Debug, Clone)]
pub(crate) struct Card {
    pub file: FileId,
    /// The card lower-cased (ASCII only, so byte offsets are those of the text as written),
    /// comments stripped, continuations joined with a space. [`Card::raw`] rebuilds the text
    /// as written from the file when case matters (file names).
    pub lower: String,
    /// The first physical line's piece (always there; kept inline, one allocation less per
    /// card of a million-card netlist).
    first: Segment,
    /// The pieces of continuation lines, in order.
    more: Vec<Segment>,
}

impl Card {
    fn new(file: FileId, text: &str, file_start: usize) -> Self {
        Card {
            file,
            lower: text.to_ascii_lowercase(),
            first: Segment {
                card_start: 0,
                file_start,
                len: text.len(),
            },
            more: Vec::new(),
        }
    }

    fn append(&mut self, text: &str, file_start: usize) {
        self.lower.push(' ');
        let card_start = self.lower.len();
        self.lower.push_str(text);
        self.lower[card_start..].make_ascii_lowercase();
        self.more.push(Segment {
            card_start,
            file_start,
            len: text.len(),
        });
    }

    /// The card as written (original case): its pieces of the file's text joined by spaces.
    pub fn raw(&self, sources: &Sources) -> String {
        let text = &sources.file(self.file).text;
        let mut raw = String::with_capacity(self.lower.len());
        for seg in std::iter::once(&self.first).chain(&self.more) {
            if seg.card_start > 0 {
                raw.push(' ');
            }
            raw.push_str(&text[seg.file_start..seg.file_start + seg.len]);
        }
        raw
    }

    /// File byte offset of card byte offset `off` (the joining space maps to the end of the
    /// line before it).
    fn file_offset(&self, off: usize) -> usize {
        let seg = self
            .more
            .iter()
            .rev()
            .find(|s| s.card_start <= off)
            .unwrap_or(&self.first);
        seg.file_start + off.saturating_sub(seg.card_start).min(seg.len)
    }

    /// Span in the file of card bytes `start..end`.
    pub fn span(&self, start: usize, end: usize) -> Span {
        let fs = self.file_offset(start);
        let fe = if end > start {
            self.file_offset(end - 1) + 1
        } else {
            fs
        };
        Span::new(self.file, fs, fe.max(fs))
    }

    /// Span of the whole card.
    pub fn full_span(&self) -> Span {
        self.span(0, self.lower.len())
    }

    /// Span just past the last character (for "something is missing" errors).
    pub fn end_span(&self) -> Span {
        self.span(self.lower.len(), self.lower.len())
    }

    /// First whitespace-separated word, lower-cased.
    pub fn keyword(&self) -> &str {
        self.lower.split_whitespace().next().unwrap_or("")
    }
}

/// Cuts an inline comment: `;` anywhere, or `$` after a blank (ngspice's rule) or before a
/// blank or the end of the line (`$ comment`). A `$` inside a word (`a$b`) is kept.
fn strip_inline_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b';' {
            return &line[..i];
        }
        if b == b'$' {
            let after_blank = i == 0 || matches!(bytes[i - 1], b' ' | b'\t');
            let before_blank = matches!(bytes.get(i + 1), None | Some(b' ') | Some(b'\t'));
            if after_blank || before_blank {
                return &line[..i];
            }
        }
    }
    line
}

/// Splits file `file` into cards. With `title`, the first line is the title and is returned
/// separately. A `+` line with no card before it is an error.
fn split_cards(
    sources: &Sources,
    file: FileId,
    title: bool,
) -> Result<(Option<String>, Vec<Card>), ParseError> {
    let text = &sources.file(file).text;
    let bounds = piece_bounds(text, title);
    if bounds.len() <= 2 {
        return split_piece(text, 0..text.len(), file, title);
    }
    // A large file: its pieces (each starting with a card's first line, so no card spans two)
    // are split on several threads and joined in order; the first error in the file wins.
    let pieces: Vec<_> = bounds
        .par_windows(2)
        .enumerate()
        .map(|(i, w)| split_piece(text, w[0]..w[1], file, title && i == 0))
        .collect();
    let mut title_text = None;
    let mut cards = Vec::new();
    for piece in pieces {
        let (piece_title, piece_cards) = piece?;
        title_text = title_text.or(piece_title);
        if cards.is_empty() {
            cards = piece_cards;
        } else {
            cards.extend(piece_cards);
        }
    }
    Ok((title_text, cards))
}

/// Files at least this long are split into cards by several threads.
const PARALLEL_SPLIT_BYTES: usize = 1 << 20;

/// The text of a line that carries card text (after leading blanks, without an inline
/// comment or trailing blanks), with the number of leading bytes dropped; `None` for a blank
/// or `*` comment line.
fn line_body(line: &str) -> Option<(usize, &str)> {
    let leading = line.len() - line.trim_start().len();
    let body = &line[leading..];
    if body.starts_with('*') {
        return None;
    }
    let body = strip_inline_comment(body).trim_end();
    (!body.is_empty()).then_some((leading, body))
}

/// Byte offsets `[0, b1, ..., len]` cutting `text` into pieces for [`split_cards`]: each `bi`
/// is the start of a line that begins a card (not blank, not a comment, not a `+`
/// continuation, not the title line). Just `[0, len]` for a short text.
fn piece_bounds(text: &str, title: bool) -> Vec<usize> {
    let len = text.len();
    let mut bounds = vec![0];
    if len >= PARALLEL_SPLIT_BYTES {
        let bytes = text.as_bytes();
        let line_end = |from: usize| {
            bytes[from..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(len, |i| from + i)
        };
        let first_line_end = if title { line_end(0) + 1 } else { 0 };
        let pieces = 4 * rayon::current_num_threads().max(1);
        for k in 1..pieces {
            let last = *bounds.last().unwrap_or(&0);
            let mut at = (k * len / pieces).max(last + 1).max(first_line_end);
            if at >= len {
                break;
            }
            if bytes[at - 1] != b'\n' {
                at = line_end(at) + 1;
            }
            while at < len {
                let end = line_end(at);
                let line = text[at..end].strip_suffix('\r').unwrap_or(&text[at..end]);
                if line_body(line).is_some_and(|(_, body)| !body.starts_with('+')) {
                    break;
                }
                at = end + 1;
            }
            if at >= len {
                break;
            }
            bounds.push(at);
        }
    }
    bounds.push(len);
    bounds
}

/// The cards of `text[range]` (whole lines); with `title`, its first line is the title.
fn split_piece(
    text: &str,
    range: std::ops::Range<usize>,
    file: FileId,
    title: bool,
) -> Result<(Option<String>, Vec<Card>), ParseError> {
    let mut cards: Vec<Card> = Vec::new();
    let mut title_text = None;
    let mut offset = range.start;
    for (index, line) in text[range].split('\n').enumerate() {
        let line_start = offset;
        offset += line.len() + 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        if index == 0 && title {
            title_text = Some(line.trim().to_string());
            continue;
        }
        let Some((leading, body)) = line_body(line) else {
            continue;
        };
        let start = line_start + leading;
        if let Some(rest) = body.strip_prefix('+') {
            let rest_lead = rest.len() - rest.trim_start().len();
            let rest_text = rest.trim_start();
            match cards.last_mut() {
                Some(card) => {
                    if !rest_text.is_empty() {
                        card.append(rest_text, start + 1 + rest_lead);
                    }
                }
                None => {
                    return Err(ParseError::Syntax {
                        span: Span::new(file, start, start + 1),
                        message: "continuation line '+' with no card before it".to_string(),
                    })
                }
            }
        } else {
            cards.push(Card::new(file, body, start));
        }
    }
    Ok((title_text, cards))
}

/// Everything stage 1 produces.
pub(crate) struct Loaded {
    pub title: String,
    pub cards: Vec<Card>,
    pub warnings: Vec<Warning>,
}

/// One file being read: what identifies it for cycle detection and how to name it.
struct Frame {
    key: (PathBuf, Option<String>),
    display: String,
}

struct Loader<'r> {
    /// Answers `.lib balun SECTION`; without it, `balun` is an ordinary file name.
    resolver: Option<Resolver<'r>>,
    sources: Sources,
    /// Canonical path → file already read.
    cache: HashMap<PathBuf, FileId>,
    stack: Vec<Frame>,
    cards: Vec<Card>,
    warnings: Vec<Warning>,
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Splits the argument text of `.include`/`.lib` into words, honouring `"..."` and `'...'`.
/// Returns each word with its byte range in `text`.
fn path_words(text: &str) -> Vec<(String, usize, usize)> {
    let mut words = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        if bytes[i] == b'"' || bytes[i] == b'\'' {
            let quote = bytes[i];
            i += 1;
            while i < bytes.len() && bytes[i] != quote {
                i += 1;
            }
            let inner_end = i;
            i = (i + 1).min(bytes.len());
            words.push((text[start + 1..inner_end].to_string(), start, i));
        } else {
            while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            words.push((text[start..i].to_string(), start, i));
        }
    }
    words
}

impl Loader<'_> {
    /// Splices built-in section `section` of library `lib` (`.lib balun SECTION`). Its text is
    /// a source file named `<lib:section>` for diagnostics. A section is read at most once per
    /// netlist: sections that need another (receivers need opamps) `.lib` it themselves, and a
    /// second request, from the user or another section, is a no-op rather than a redefinition.
    fn builtin(&mut self, lib: &str, section: &str, card: &Card) -> Result<(), ParseError> {
        let lib = lib.to_ascii_lowercase();
        let section = section.to_ascii_lowercase();
        let path = PathBuf::from(format!("<{lib}:{section}>"));
        if self.cache.contains_key(&path) {
            return Ok(());
        }
        if self.stack.len() >= MAX_INCLUDE_DEPTH {
            return Err(ParseError::Include {
                span: card.full_span(),
                path,
                reason: format!("includes nested deeper than {MAX_INCLUDE_DEPTH} levels"),
            });
        }
        let text = self.resolver.and_then(|r| r(&lib, &section));
        let Some(text) = text else {
            return Err(ParseError::MissingLibSection {
                span: card.full_span(),
                path: PathBuf::from(lib),
                section,
            });
        };
        let file = self.sources.add(path.clone(), text);
        self.cache.insert(path.clone(), file);
        let (_, cards) = split_cards(&self.sources, file, false)?;
        self.stack.push(Frame {
            key: (path.clone(), None),
            display: path.display().to_string(),
        });
        let result = self.process(cards, &path);
        self.stack.pop();
        result
    }

    fn read(&mut self, path: &Path, card: &Card) -> Result<FileId, ParseError> {
        let key = canonical(path);
        if let Some(&id) = self.cache.get(&key) {
            return Ok(id);
        }
        let text = crate::encoding::read_text(path).map_err(|e| ParseError::Include {
            span: card.full_span(),
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        let id = self.sources.add(path.to_path_buf(), text);
        self.cache.insert(key, id);
        Ok(id)
    }

    /// Reads `path` (optionally only `.lib` section `section`) and processes its cards.
    fn include(
        &mut self,
        path: PathBuf,
        section: Option<String>,
        card: &Card,
    ) -> Result<(), ParseError> {
        let key = (canonical(&path), section.clone());
        let display = match &section {
            Some(s) => format!("{} (section {s})", path.display()),
            None => path.display().to_string(),
        };
        if self.stack.iter().any(|f| f.key == key) {
            let mut chain: Vec<&str> = self.stack.iter().map(|f| f.display.as_str()).collect();
            chain.push(&display);
            return Err(ParseError::IncludeCycle {
                span: card.full_span(),
                path,
                chain: chain.join(" -> "),
            });
        }
        if self.stack.len() >= MAX_INCLUDE_DEPTH {
            return Err(ParseError::Include {
                span: card.full_span(),
                path,
                reason: format!("includes nested deeper than {MAX_INCLUDE_DEPTH} levels"),
            });
        }
        let file = self.read(&path, card)?;
        let (_, cards) = split_cards(&self.sources, file, false)?;
        let cards = match &section {
            None => cards,
            Some(name) => {
                let start = cards.iter().position(|c| {
                    let mut words = c.lower.split_whitespace();
                    words.next() == Some(".lib")
                        && words.next() == Some(name.as_str())
                        && words.next().is_none()
                });
                let Some(start) = start else {
                    return Err(ParseError::MissingLibSection {
                        span: card.full_span(),
                        path,
                        section: name.clone(),
                    });
                };
                cards
                    .into_iter()
                    .skip(start + 1)
                    .take_while(|c| c.keyword() != ".endl")
                    .collect()
            }
        };
        self.stack.push(Frame { key, display });
        let result = self.process(cards, &path);
        self.stack.pop();
        result
    }

    /// Handles the line-level cards of one file and queues the others.
    fn process(&mut self, cards: Vec<Card>, file_path: &Path) -> Result<(), ParseError> {
        let base = file_path.parent().unwrap_or_else(|| Path::new(""));
        let mut in_control = false;
        let mut in_section = false;
        self.cards.reserve(cards.len());
        for card in cards {
            let keyword = card.keyword();
            if in_control {
                if keyword == ".endc" {
                    in_control = false;
                }
                continue;
            }
            if in_section {
                if keyword == ".endl" {
                    in_section = false;
                }
                continue;
            }
            match keyword {
                ".control" => {
                    in_control = true;
                    self.warnings.push(Warning {
                        span: card.full_span(),
                        message:
                            "'.control' block ignored (interactive commands are not supported)"
                                .to_string(),
                    });
                }
                ".end" => return Ok(()),
                ".endl" => {}
                ".include" | ".inc" => {
                    let raw = card.raw(&self.sources);
                    let args_at = raw.len() - raw[keyword.len()..].trim_start().len();
                    let words = path_words(&raw[args_at..]);
                    let [(file, _, _)] = words.as_slice() else {
                        return Err(ParseError::Syntax {
                            span: if words.is_empty() {
                                card.end_span()
                            } else {
                                card.span(args_at + words[1].1, args_at + words[1].2)
                            },
                            message: format!("expected one file name after '{keyword}'"),
                        });
                    };
                    self.include(base.join(file), None, &card)?;
                }
                ".lib" => {
                    let raw = card.raw(&self.sources);
                    let args_at = raw.len() - raw[keyword.len()..].trim_start().len();
                    let words = path_words(&raw[args_at..]);
                    match words.as_slice() {
                        // `.lib NAME` starts a section; sections are only used via `.lib FILE NAME`.
                        [_] => in_section = true,
                        [(file, _, _), (section, _, _)]
                            if self.resolver.is_some()
                                && file.eq_ignore_ascii_case(BUILTIN_LIB) =>
                        {
                            self.builtin(file, section, &card)?
                        }
                        [(file, _, _), (section, _, _)] => self.include(
                            base.join(file),
                            Some(section.to_ascii_lowercase()),
                            &card,
                        )?,
                        _ => {
                            return Err(ParseError::Syntax {
                                span: card.full_span(),
                                message: "expected '.lib FILE SECTION' or '.lib SECTION'"
                                    .to_string(),
                            })
                        }
                    }
                }
                _ => self.cards.push(card),
            }
        }
        Ok(())
    }
}

/// Reads the top-level text `text` named `name` and everything it includes.
pub(crate) fn load(
    name: &Path,
    text: &str,
    resolver: Option<Resolver<'_>>,
) -> Result<(Loaded, Sources), (ParseError, Sources)> {
    let mut loader = Loader {
        resolver,
        sources: Sources::default(),
        cache: HashMap::new(),
        stack: Vec::new(),
        cards: Vec::new(),
        warnings: Vec::new(),
    };
    let top = loader.sources.add(name.to_path_buf(), text.to_string());
    let key = canonical(name);
    loader.cache.insert(key.clone(), top);
    loader.stack.push(Frame {
        key: (key, None),
        display: name.display().to_string(),
    });
    let result = split_cards(&loader.sources, top, true)
        .and_then(|(title, cards)| loader.process(cards, name).map(|()| title));
    match result {
        Ok(title) => Ok((
            Loaded {
                title: title.unwrap_or_default(),
                cards: loader.cards,
                warnings: loader.warnings,
            },
            loader.sources,
        )),
        Err(e) => Err((e, loader.sources)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A large file split on several threads gives exactly the cards (text and segment maps)
    /// of splitting it in one piece, with continuations, comments, blank lines and CRLF ends
    /// sprinkled everywhere (including where the pieces are cut).
    #[test]
    fn parallel_split_equals_sequential_split() {
        let mut text = String::from("title line\n");
        let mut state = 12345u64;
        let mut next = |n: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % n
        };
        for i in 0..120_000 {
            match next(10) {
                0 => text.push_str("* a comment line\n"),
                1 => text.push('\n'),
                2 => text.push_str("+ 1k ; continued\n"),
                3 => text.push_str("   ; only a comment\r\n"),
                4 => text.push_str(&format!("  +\tr={i}\r\n")),
                _ => text.push_str(&format!("R{i} N{i} n{} {i}K $ note\n", i + 1)),
            }
        }
        // A continuation right after the title would be an error either way: keep it valid.
        let text = text.replacen("title line\n", "title line\nR0 a b 1\n", 1);
        assert!(text.len() >= PARALLEL_SPLIT_BYTES, "{}", text.len());
        let mut sources = Sources::default();
        let file = sources.add(PathBuf::from("big.net"), text.clone());
        let bounds = piece_bounds(&text, true);
        assert!(bounds.len() > 2, "{bounds:?}");
        let (title_p, cards_p) = split_cards(&sources, file, true).expect("splits");
        let (title_s, cards_s) = split_piece(&text, 0..text.len(), file, true).expect("splits");
        assert_eq!(title_p, title_s);
        assert_eq!(cards_p.len(), cards_s.len());
        assert_eq!(format!("{cards_p:?}"), format!("{cards_s:?}"));
    }
}
