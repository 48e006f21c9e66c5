//! SPICE numbers: `[+-]digits[.digits][e[+-]digits][suffix][letters]`.
//!
//! The grammar follows ngspice 39 (`INPevaluate` and numparam), checked against `ngspice -b`:
//! - the mantissa may start or end with a dot (`.5`, `5.`); the exponent letter is `e` or `d`
//!   (`1d3` = 1000) and is only an exponent when digits follow it (`1e` = 1);
//! - the scale suffix is the start of the letters that follow: `t`=1e12 `g`=1e9 `meg`=1e6
//!   `k`=1e3 `m`=1e-3 `mil`=25.4e-6 `u`=1e-6 `n`=1e-9 `p`=1e-12 `f`=1e-15; `meg` and `mil` win
//!   over `m` (`2milli` = 2 mil);
//! - `a` is *not* a scale factor: ngspice 39 reads `R1 1 0 1a` and `.param x=1a` as 1;
//! - any further letters are units and are ignored (`10kohm`, `1uF`, `5v`, `1meghz`).
//!
//! Signs are part of a number only in [`parse_number`]; inside expressions a leading `-` is the
//! unary operator, so [`unsigned_number`] does not accept one.
//!
//! This module knows nothing of cards or expressions.

use nom::character::complete::{alpha0, char, digit0, digit1, one_of};
use nom::combinator::{all_consuming, opt, recognize};
use nom::{IResult, Parser};

/// An unsigned SPICE number with optional suffix and unit letters, as a nom parser.
pub(crate) fn unsigned_number(input: &str) -> IResult<&str, f64> {
    let start = input;
    let (input, int) = digit0(input)?;
    let (input, frac) = opt((char('.'), digit0)).parse(input)?;
    let frac = frac.map_or("", |(_, f)| f);
    if int.is_empty() && frac.is_empty() {
        return Err(nom::Err::Error(nom::error::Error::new(
            start,
            nom::error::ErrorKind::Digit,
        )));
    }
    let (input, exp) = opt(recognize((
        one_of("eEdD"),
        opt(one_of("+-")),
        digit1::<&str, nom::error::Error<&str>>,
    )))
    .parse(input)?;
    let (input, letters) = alpha0(input)?;

    let mut exponent: i64 = match exp {
        Some(e) => e[1..].parse().map_err(|_| {
            nom::Err::Error(nom::error::Error::new(start, nom::error::ErrorKind::Digit))
        })?,
        None => 0,
    };
    let (scale_exp, factor) = suffix_scale(letters);
    exponent += scale_exp;
    // Folding the suffix into the decimal exponent keeps `1.5u` correctly rounded: the text
    // parsed is `INT.FRACeEXP` (a missing part written as 0), without going through `format!`
    // (this runs once per number of a million-element netlist).
    let mut text = String::with_capacity(int.len() + frac.len() + 24);
    text.push_str(if int.is_empty() { "0" } else { int });
    text.push('.');
    text.push_str(if frac.is_empty() { "0" } else { frac });
    if exponent != 0 {
        text.push('e');
        push_decimal(&mut text, exponent);
    }
    let value: f64 = text.parse().map_err(|_| {
        nom::Err::Error(nom::error::Error::new(start, nom::error::ErrorKind::Float))
    })?;
    let value = value * factor;
    if !value.is_finite() {
        return Err(nom::Err::Error(nom::error::Error::new(
            start,
            nom::error::ErrorKind::Float,
        )));
    }
    Ok((input, value))
}

/// Appends the decimal digits of `n` (with a leading `-` when negative) to `text`.
fn push_decimal(text: &mut String, n: i64) {
    if n < 0 {
        text.push('-');
    }
    let mut digits = [0u8; 20];
    let mut rest = n.unsigned_abs();
    let mut len = 0;
    loop {
        digits[len] = b'0' + (rest % 10) as u8;
        len += 1;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    text.extend(digits[..len].iter().rev().map(|&d| char::from(d)));
}

/// Decimal exponent and extra factor of a suffix given as the letters after the digits.
fn suffix_scale(letters: &str) -> (i64, f64) {
    let starts = |prefix: &str| {
        letters
            .get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
    };
    if starts("meg") {
        return (6, 1.0);
    }
    if starts("mil") {
        return (-6, 25.4);
    }
    match letters.as_bytes().first().map(u8::to_ascii_lowercase) {
        Some(b't') => (12, 1.0),
        Some(b'g') => (9, 1.0),
        Some(b'k') => (3, 1.0),
        Some(b'm') => (-3, 1.0),
        Some(b'u') => (-6, 1.0),
        Some(b'n') => (-9, 1.0),
        Some(b'p') => (-12, 1.0),
        Some(b'f') => (-15, 1.0),
        _ => (0, 1.0),
    }
}

/// A whole token as a signed number (`-1.5k`, `+2`, `10kohm`); `None` if anything is left over.
pub(crate) fn parse_number(text: &str) -> Option<f64> {
    let signed = |i| -> IResult<&str, f64> {
        let (i, sign) = opt(one_of("+-")).parse(i)?;
        let (i, v) = unsigned_number(i)?;
        Ok((i, if sign == Some('-') { -v } else { v }))
    };
    all_consuming(signed).parse(text).ok().map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::parse_number;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * b.abs().max(1e-300)
    }

    #[test]
    fn plain_forms() {
        assert_eq!(parse_number("1"), Some(1.0));
        assert_eq!(parse_number("-2.5"), Some(-2.5));
        assert_eq!(parse_number("+3"), Some(3.0));
        assert_eq!(parse_number(".5"), Some(0.5));
        assert_eq!(parse_number("5."), Some(5.0));
        assert_eq!(parse_number("1e-3"), Some(1e-3));
        assert_eq!(parse_number("1E+3"), Some(1e3));
        assert_eq!(parse_number("1d3"), Some(1e3));
        // `e` without digits is a unit letter, as in ngspice (`1e` = 1).
        assert_eq!(parse_number("1e"), Some(1.0));
    }

    #[test]
    fn every_suffix() {
        let cases = [
            ("1t", 1e12),
            ("1g", 1e9),
            ("1meg", 1e6),
            ("1MEG", 1e6),
            ("1k", 1e3),
            ("1K", 1e3),
            ("1m", 1e-3),
            ("1mil", 25.4e-6),
            ("1u", 1e-6),
            ("1n", 1e-9),
            ("1p", 1e-12),
            ("1f", 1e-15),
            ("1.5u", 1.5e-6),
            ("4.7k", 4700.0),
        ];
        for (text, want) in cases {
            let got = parse_number(text).unwrap_or(f64::NAN);
            assert!(close(got, want), "{text}: {got} != {want}");
        }
    }

    #[test]
    fn unit_letters_are_ignored() {
        assert_eq!(parse_number("10kohm"), Some(1e4));
        assert_eq!(parse_number("1uF"), Some(1e-6));
        assert_eq!(parse_number("5v"), Some(5.0));
        assert_eq!(parse_number("1meghz"), Some(1e6));
        // ngspice: `mil` wins over `m` + `illi`.
        assert!(close(parse_number("2milli").unwrap_or(0.0), 50.8e-6));
        // ngspice 39 has no atto suffix in values: `1a` = 1.
        assert_eq!(parse_number("1a"), Some(1.0));
        assert_eq!(parse_number("1e-3k"), Some(1.0));
    }

    #[test]
    fn rejects_non_numbers() {
        assert_eq!(parse_number("1.2.3"), None);
        assert_eq!(parse_number("abc"), None);
        assert_eq!(parse_number("-"), None);
        assert_eq!(parse_number("."), None);
        assert_eq!(parse_number(""), None);
        assert_eq!(parse_number("1k2"), None);
        assert_eq!(parse_number("1e999"), None);
    }
}
