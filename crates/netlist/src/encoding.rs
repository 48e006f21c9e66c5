//! Reading netlist files in the encodings users have them in.
//!
//! - UTF-8, with or without a byte-order mark (stripped);
//! - UTF-16 little- or big-endian with its byte-order mark (LTspice writes its netlists and
//!   exported models as UTF-16LE with a BOM), and without one when the first character is
//!   ASCII (a zero byte after or before it tells the order);
//! - anything else that is not valid UTF-8 is read as Windows-1252 / Latin-1, byte for
//!   character: vendor model files carry `µ` or `°` in comments in that encoding, and ngspice
//!   reads bytes without decoding.
//!
//! Line ends (`\n`, `\r\n`) are left to [`crate::lines`]. Written by hand: a full encoding
//! crate (`encoding_rs`) is not among the project's dependencies and these three cases are a
//! few lines each.

use std::io;
use std::path::Path;

/// Reads the file at `path` as text (see the module docs for the encodings).
pub(crate) fn read_text(path: &Path) -> io::Result<String> {
    Ok(decode(std::fs::read(path)?))
}

/// Decodes a file's bytes (see the module docs).
pub(crate) fn decode(bytes: Vec<u8>) -> String {
    match bytes.as_slice() {
        [0xEF, 0xBB, 0xBF, rest @ ..] => return utf8_or_latin1(rest.to_vec()),
        [0xFF, 0xFE, rest @ ..] => return utf16(rest, u16::from_le_bytes),
        [0xFE, 0xFF, rest @ ..] => return utf16(rest, u16::from_be_bytes),
        [a, 0, ..] if *a != 0 && a.is_ascii() => return utf16(&bytes, u16::from_le_bytes),
        [0, b, ..] if *b != 0 && b.is_ascii() => return utf16(&bytes, u16::from_be_bytes),
        _ => {}
    }
    utf8_or_latin1(bytes)
}

fn utf8_or_latin1(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => e.into_bytes().iter().map(|&b| char::from(b)).collect(),
    }
}

/// UTF-16 in the byte order `unit` reads; an odd last byte is dropped and an unpaired
/// surrogate becomes U+FFFD.
fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> String {
    let units = bytes.chunks_exact(2).map(|c| unit([c[0], c[1]]));
    char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16_bytes(text: &str, bom: &[u8], le: bool) -> Vec<u8> {
        let mut out = bom.to_vec();
        for u in text.encode_utf16() {
            out.extend(if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        out
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let text = "title\r\nR1 a 0 1k ; µ\r\n";
        assert_eq!(decode(utf16_bytes(text, &[0xFF, 0xFE], true)), text);
        assert_eq!(decode(utf16_bytes(text, &[0xFE, 0xFF], false)), text);
        assert_eq!(decode(utf16_bytes(text, &[], true)), text);
        assert_eq!(decode(utf16_bytes(text, &[], false)), text);
    }

    #[test]
    fn utf8_bom_and_latin1_fallback() {
        assert_eq!(decode(b"\xEF\xBB\xBFR1 a 0 1k".to_vec()), "R1 a 0 1k");
        assert_eq!(decode("* 5 µA\n".as_bytes().to_vec()), "* 5 µA\n");
        // Windows-1252 µ (0xB5) and ° (0xB0) in a comment.
        assert_eq!(
            decode(b"* 5 \xB5A at 25\xB0C\n".to_vec()),
            "* 5 µA at 25°C\n"
        );
        assert_eq!(decode(Vec::new()), "");
    }
}
