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
    if let Some(value) = fast_decimal(int, frac, exponent) {
        return finite(start, input, value * factor);
    }
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
    finite(start, input, value * factor)
}

/// `value` as the number read, or an error at `start` when it overflowed.
fn finite<'i>(start: &'i str, input: &'i str, value: f64) -> IResult<&'i str, f64> {
    if !value.is_finite() {
        return Err(nom::Err::Error(nom::error::Error::new(
            start,
            nom::error::ErrorKind::Float,
        )));
    }
    Ok((input, value))
}

/// Exact powers of ten as `f64` (10^22 is the largest that is exact).
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// `INT.FRAC × 10^exponent` when Clinger's fast path applies: the digits as an integer
/// `m <= 2^53` and the remaining power of ten `|e| <= 22` are both exact in `f64`, so one
/// correctly rounded multiplication or division gives the correctly rounded value, the same
/// as parsing the text. `None` otherwise (the caller then parses the text).
fn fast_decimal(int: &str, frac: &str, exponent: i64) -> Option<f64> {
    let mut m: u64 = 0;
    for b in int.bytes().chain(frac.bytes()) {
        m = m.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
        if m > 1 << 53 {
            return None;
        }
    }
    let e = exponent.checked_sub(i64::try_from(frac.len()).ok()?)?;
    let p = *POW10.get(usize::try_from(e.unsigned_abs()).ok()?)?;
    let m = m as f64;
    Some(if e >= 0 { m * p } else { m / p })
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

/// The number at the start of `text` when what follows it starts with a digit or a dot
/// (`2m5`, `4k7`, `1.2.3`, `0.0.8792nh`): ngspice 39's `INPevaluate` reads a value up to where
/// it stops being a number and ignores the rest of the word, so it reads these as 2m, 4k, 1.2
/// and 0. Returns the value and the length of the part read. Other leftovers (`2*x`) are not
/// taken (the caller reports them as errors).
pub(crate) fn parse_number_prefix(text: &str) -> Option<(f64, usize)> {
    let (rest, sign) = opt(one_of::<_, _, nom::error::Error<&str>>("+-"))
        .parse(text)
        .ok()?;
    let (rest, v) = unsigned_number(rest).ok()?;
    if !rest.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let v = if sign == Some('-') { -v } else { v };
    Some((v, text.len() - rest.len()))
}

#[cfg(test)]
mod tests {
    use super::{parse_number, parse_number_prefix};

    #[test]
    fn prefixes_read_as_ngspice_reads_them() {
        assert_eq!(parse_number_prefix("2m5"), Some((2e-3, 2)));
        assert_eq!(parse_number_prefix("4k7"), Some((4e3, 2)));
        assert_eq!(parse_number_prefix("27r56"), Some((27.0, 3)));
        assert_eq!(parse_number_prefix("1.2.3"), Some((1.2, 3)));
        assert_eq!(parse_number_prefix("0.0.8792nh"), Some((0.0, 3)));
        assert_eq!(parse_number_prefix("-1.5.5u"), Some((-1.5, 4)));
        assert_eq!(parse_number_prefix("2*x"), None);
        assert_eq!(parse_number_prefix("1k"), None);
        assert_eq!(parse_number_prefix("abc"), None);
    }

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

    /// The fast path gives exactly the correctly rounded value that parsing the decimal text
    /// gives, over many digit strings (pseudo-random, fixed seed) and every exponent it takes.
    #[test]
    fn fast_path_equals_correctly_rounded_parse() {
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        let mut checked = 0;
        for _ in 0..20_000 {
            let digits = (next() % 17) as usize + 1;
            let text: String = (0..digits)
                .map(|_| char::from(b'0' + (next() % 10) as u8))
                .collect();
            let split = (next() % (digits as u64 + 1)) as usize;
            let (int, frac) = text.split_at(split);
            let exponent = (next() % 61) as i64 - 30;
            let expected: f64 = format!("0{int}.{frac}0e{exponent}")
                .parse()
                .expect("parses");
            if let Some(fast) = super::fast_decimal(int, frac, exponent) {
                assert_eq!(fast, expected, "{int}.{frac}e{exponent}");
                checked += 1;
            }
        }
        // Most cases (up to 15 digits, small exponents) take the fast path.
        assert!(checked > 10_000, "{checked}");
    }
}
