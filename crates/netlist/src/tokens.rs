//! Card tokenizer (nom): words, `=`, `(`, `)`, `,`, `{...}` and `'...'`.
//!
//! A word is a run of characters other than blanks and `=(),{'`; this is what node names,
//! element names, numbers and keywords are made of. A `{...}` token runs to the matching `}`
//! (braces nest); a `'...'` token runs to the next `'`. Tokens carry byte offsets into the card.

use nom::bytes::complete::{take_until, take_while1};
use nom::IResult;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokKind {
    Word,
    Eq,
    LParen,
    RParen,
    Comma,
    /// `{expr}` including the braces.
    Brace,
    /// `'expr'` including the quotes.
    Quote,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tok {
    pub kind: TokKind,
    pub start: usize,
    pub end: usize,
}

/// Why a card could not be split into tokens: byte offset and message.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TokError {
    pub start: usize,
    pub message: String,
}

fn is_word_char(c: char) -> bool {
    !c.is_whitespace() && !matches!(c, '=' | '(' | ')' | ',' | '{' | '\'')
}

fn word(i: &str) -> IResult<&str, &str> {
    take_while1(is_word_char)(i)
}

/// Length of a `{...}` group at the start of `i` (which starts with `{`), braces nesting.
fn brace_len(i: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (at, c) in i.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(at + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// The keyword before subcircuit parameters, as the tokenizer splits it off a word.
const PARAMS_KW: &[u8] = b"params:";

/// Splits `text` into tokens.
pub(crate) fn tokenize(text: &str) -> Result<Vec<Tok>, TokError> {
    let mut toks = Vec::new();
    let mut rest = text;
    loop {
        // Any Unicode whitespace separates tokens (as `is_word_char` says), not only ASCII's:
        // a no-break space must not start a word it cannot be part of.
        // ASCII blanks byte by byte; the Unicode-aware trim only when a non-ASCII byte follows.
        let blanks = rest
            .bytes()
            .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c'))
            .count();
        rest = &rest[blanks..];
        if rest.as_bytes().first().is_some_and(|b| !b.is_ascii()) {
            rest = rest.trim_start();
        }
        if rest.is_empty() {
            return Ok(toks);
        }
        let start = text.len() - rest.len();
        let (kind, len) = match rest.as_bytes()[0] {
            b'=' => (TokKind::Eq, 1),
            b'(' => (TokKind::LParen, 1),
            b')' => (TokKind::RParen, 1),
            b',' => (TokKind::Comma, 1),
            b'{' => match brace_len(rest) {
                Some(n) => (TokKind::Brace, n),
                None => {
                    return Err(TokError {
                        start,
                        message: "unterminated '{' in expression".to_string(),
                    })
                }
            },
            b'\'' => {
                let inner: IResult<&str, &str> = take_until("'")(&rest[1..]);
                match inner {
                    Ok((_, body)) => (TokKind::Quote, body.len() + 2),
                    Err(_) => {
                        return Err(TokError {
                            start,
                            message: "unterminated quote (') in expression".to_string(),
                        })
                    }
                }
            }
            _ => {
                // ASCII word characters byte by byte; from the first non-ASCII character on,
                // `word` (whole characters).
                let ascii = rest
                    .bytes()
                    .take_while(|&b| b.is_ascii() && is_word_char(char::from(b)))
                    .count();
                let w = if rest.as_bytes().get(ascii).is_some_and(|b| !b.is_ascii()) {
                    ascii + word(&rest[ascii..]).map_or(0, |(_, w)| w.len())
                } else {
                    ascii
                };
                // Never empty: a character that is neither blank nor a word character (a
                // non-ASCII one; the ASCII ones were matched above) is a one-character word.
                let w = if w == 0 {
                    rest.chars().next().map_or(1, char::len_utf8)
                } else {
                    w
                };
                // PSpice's `PARAMS:GAIN=2`, without a blank after the colon, is the keyword
                // and then the first parameter (as ngspice reads it).
                let w = if w > PARAMS_KW.len()
                    && rest.as_bytes()[..PARAMS_KW.len()].eq_ignore_ascii_case(PARAMS_KW)
                {
                    PARAMS_KW.len()
                } else {
                    w
                };
                (TokKind::Word, w)
            }
        };
        toks.push(Tok {
            kind,
            start,
            end: start + len,
        });
        rest = &rest[len..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(TokKind, &str)> {
        tokenize(text)
            .unwrap_or_default()
            .into_iter()
            .map(|t| (t.kind, &text[t.start..t.end]))
            .collect()
    }

    /// Found by `tests/properties.rs` (arbitrary bytes): a no-break space (U+00A0) or next
    /// line (U+0085), two bytes in UTF-8, was neither skipped as whitespace nor a word, and the
    /// tokenizer sliced through its middle (panic: not a char boundary).
    #[test]
    fn unicode_whitespace_separates_tokens() {
        assert_eq!(
            kinds("r1\u{a0}a\u{85}b \u{2003}1k"),
            vec![
                (TokKind::Word, "r1"),
                (TokKind::Word, "a"),
                (TokKind::Word, "b"),
                (TokKind::Word, "1k")
            ]
        );
        assert_eq!(kinds("\u{a0}"), vec![]);
    }

    /// `PARAMS:GAIN=2` (no blank after the colon) is the keyword, then `gain=2`.
    #[test]
    fn params_keyword_is_split_off_a_word() {
        use TokKind::*;
        assert_eq!(
            kinds("x1 a b amp PARAMS:GAIN=2 params: r=1 params:"),
            vec![
                (Word, "x1"),
                (Word, "a"),
                (Word, "b"),
                (Word, "amp"),
                (Word, "PARAMS:"),
                (Word, "GAIN"),
                (Eq, "="),
                (Word, "2"),
                (Word, "params:"),
                (Word, "r"),
                (Eq, "="),
                (Word, "1"),
                (Word, "params:"),
            ]
        );
    }

    #[test]
    fn splits_words_and_punctuation() {
        use TokKind::*;
        assert_eq!(
            kinds("v1 n+ 0 sin(0,1 {a*(b+1)}) r='x' "),
            vec![
                (Word, "v1"),
                (Word, "n+"),
                (Word, "0"),
                (Word, "sin"),
                (LParen, "("),
                (Word, "0"),
                (Comma, ","),
                (Word, "1"),
                (Brace, "{a*(b+1)}"),
                (RParen, ")"),
                (Word, "r"),
                (Eq, "="),
                (Quote, "'x'"),
            ]
        );
    }

    #[test]
    fn unterminated_groups() {
        let e = tokenize("r1 a b {1+{2}").unwrap_err();
        assert_eq!(e.start, 7);
        assert_eq!(e.message, "unterminated '{' in expression");
        assert!(tokenize("r1 a b 'x").is_err());
    }
}
