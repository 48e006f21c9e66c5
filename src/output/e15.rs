//! C's `printf("%.15e", x)`, fast: the number format of ngspice's ASCII raw files.
//!
//! `%.15e` is `x` correctly rounded (ties to even) to 16 significant digits, written
//! `d.ddddddddddddddde±XX` with an exponent of at least two digits: `1.234567890123457e-05`,
//! `-5.000000000000000e-04`, `1.000000000000000e+300`; `nan`, `-nan`, `inf`, `-inf`.
//!
//! Rust's `format!("{x:.15e}")` rounds the same way but writes `e-5`, and costs ~10 allocations
//! and ~300 ns per number through `write!`; a 10,000-node AC sweep writes 6 million of them.
//! [`push`] does it in ~20 ns without allocating:
//!
//! 1. `x = m·2^e` with `m` in `[2^63, 2^64)`; the decimal exponent `k = ⌊log10 x⌋` is `k0` or
//!    `k0 + 1`, `k0 = ⌊(e + 63)·log10 2⌋` (computed as `(e + 63)·78913 >> 18`, exact for
//!    `|e + 63| ≤ 2620`).
//! 2. `y = x·10^(15−k)` lies in `[10^15, 10^16)`. With `10^q ≈ P·2^b` (`P` a 128-bit mantissa
//!    truncated from the exact power, see `pow10`), `y ≈ T·2^−s` where `T` is the top 128 bits
//!    of the 192-bit product `m·P` and `s` is 69..=79. Both truncations err low and by less than
//!    2 units of `T` in all: `T ≤ T_exact < T + 2`.
//! 3. `N = round(y)`: the integer part of `T·2^−s` plus one when its fraction is above one half.
//!    If the fraction is within 4 units of one half (an exact tie such as `1234567890123456.5`, or
//!    a value too close to one to decide), the number goes to the exact slow path,
//!    `format!("{:.15e}")`: about one value in 2^65 that is not an exact tie.
//! 4. `N = 10^16` (`9.9999999999999999e5` rounds up) becomes `10^15` with `k + 1`.
//!
//! Tests compare [`push`] with the `format!`-based reference [`slow`] on random bit patterns
//! (subnormals included), every power of ten and its neighbours, ties and round-ups.

use std::sync::OnceLock;

/// Longest output: `-1.234567890123456e-308` is 23 bytes.
pub const MAX_LEN: usize = 23;

/// Appends `x` formatted as C's `%.15e` to `out`.
#[inline]
pub fn push(out: &mut Vec<u8>, x: f64) {
    let mut buf = [0u8; MAX_LEN];
    let n = format_into(&mut buf, x);
    out.extend_from_slice(&buf[..n]);
}

/// Writes `x` formatted as C's `%.15e` at the start of `out` and returns the length.
///
/// # Panics
/// If `out` is shorter than [`MAX_LEN`] bytes.
#[inline]
pub fn write(out: &mut [u8], x: f64) -> usize {
    let buf: &mut [u8; MAX_LEN] = (&mut out[..MAX_LEN])
        .try_into()
        .expect("a MAX_LEN-byte slice is a MAX_LEN-byte array");
    format_into(buf, x)
}

/// `x` formatted as C's `%.15e`, as a `String`.
pub fn to_string(x: f64) -> String {
    let mut out = Vec::with_capacity(MAX_LEN);
    push(&mut out, x);
    // Only ASCII bytes are ever written.
    String::from_utf8(out).unwrap_or_default()
}

/// Writes `x` as `%.15e` into `buf` and returns the length.
fn format_into(buf: &mut [u8; MAX_LEN], x: f64) -> usize {
    let bits = x.to_bits();
    let negative = bits >> 63 != 0;
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1u64 << 52) - 1);
    let mut at = 0;
    if biased == 0x7ff {
        let text: &[u8] = match (fraction != 0, negative) {
            (true, false) => b"nan",
            (true, true) => b"-nan",
            (false, false) => b"inf",
            (false, true) => b"-inf",
        };
        buf[..text.len()].copy_from_slice(text);
        return text.len();
    }
    if negative {
        buf[0] = b'-';
        at = 1;
    }
    if biased == 0 && fraction == 0 {
        let zero = b"0.000000000000000e+00";
        buf[at..at + zero.len()].copy_from_slice(zero);
        return at + zero.len();
    }
    let Some((digits, k)) = digits16(biased, fraction) else {
        return copy_str(buf, &slow(x));
    };
    at += write_digits(&mut buf[at..], digits);
    buf[at] = b'e';
    buf[at + 1] = if k < 0 { b'-' } else { b'+' };
    at += 2;
    let k = k.unsigned_abs();
    if k >= 100 {
        buf[at] = b'0' + (k / 100) as u8;
        at += 1;
    }
    put_pair(&mut buf[at..at + 2], k % 100);
    at + 2
}

fn copy_str(buf: &mut [u8; MAX_LEN], s: &str) -> usize {
    let n = s.len().min(MAX_LEN);
    buf[..n].copy_from_slice(&s.as_bytes()[..n]);
    n
}

/// The 16 significant digits `N` in `[10^15, 10^16)` and the decimal exponent `k` of a positive
/// finite `x = fraction·2^(biased − 1075)` (with the implicit bit when `biased > 0`), such that
/// `N·10^(k−15)` is `x` correctly rounded; `None` when too close to a tie to decide here.
#[inline]
fn digits16(biased: i32, fraction: u64) -> Option<(u64, i32)> {
    const TEN15: u64 = 1_000_000_000_000_000;
    const TEN16: u64 = 10 * TEN15;
    let (m, e2) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), biased - 1075)
    };
    let shift = m.leading_zeros() as i32;
    let m = m << shift;
    let e = e2 - shift;
    // ⌊(e + 63)·log10 2⌋; `>>` on a negative i64 floors.
    let k0 = ((i64::from(e + 63) * 78_913) >> 18) as i32;
    let mut k = k0;
    loop {
        let (int, frac, half) = scaled(m, e, 15 - k);
        if int >= TEN16 {
            // x ≥ 10^(k0+1): one more decimal digit before the point than guessed.
            if k > k0 {
                return None; // cannot happen (k ≤ k0 + 1); stay correct anyway
            }
            k += 1;
            continue;
        }
        if int < TEN15 {
            return None; // cannot happen (k ≥ k0); stay correct anyway
        }
        let n = if frac > half {
            int + 1
        } else if frac + MARGIN < half {
            int
        } else {
            return None;
        };
        return Some(if n == TEN16 { (TEN15, k + 1) } else { (n, k) });
    }
}

/// Units of `T` within which a fraction is "too close to one half" (the error is below 2).
const MARGIN: u128 = 4;

/// `x·10^q` for `x = m·2^e` as (integer part, fraction, one half) in fixed point with `s`
/// fraction bits; the fixed-point value errs low by less than 2 units.
#[inline]
fn scaled(m: u64, e: i32, q: i32) -> (u64, u128, u128) {
    let p = pow10(q);
    let (hi, lo) = ((p.mant >> 64) as u64, p.mant as u64);
    let m = u128::from(m);
    let t = m * u128::from(hi) + ((m * u128::from(lo)) >> 64);
    let s = -(e + p.exp2 + 64);
    debug_assert!((60..=90).contains(&s), "shift {s} out of range");
    let s = s as u32;
    let int = (t >> s) as u64;
    let frac = t & ((1u128 << s) - 1);
    (int, frac, 1u128 << (s - 1))
}

/// `10^q ≈ mant·2^exp2` with `mant` in `[2^127, 2^128)`, truncated: the exact value lies in
/// `[mant, mant + 1.2)·2^exp2`.
#[derive(Debug, Clone, Copy)]
struct Pow10 {
    mant: u128,
    exp2: i32,
}

/// Smallest and largest `q` ever asked for: `15 − k` for `k` in `[−324, 308]`, one either side.
const Q_MIN: i32 = -300;
const Q_MAX: i32 = 350;

#[inline]
fn pow10(q: i32) -> Pow10 {
    let table = TABLE.get_or_init(build_table);
    table[(q - Q_MIN) as usize]
}

static TABLE: OnceLock<Vec<Pow10>> = OnceLock::new();

/// Builds the powers of ten `10^Q_MIN ..= 10^Q_MAX` with a little-endian big integer: exact
/// products for `q ≥ 0`; for `q < 0`, repeated floor division by 10 of `2^1280` (error below
/// 1.12 units of 2^−1280, and `10^−300·2^1280 ≈ 2^283`, so far below the 128-bit truncation).
fn build_table() -> Vec<Pow10> {
    const FIXED_BITS: i32 = 1280;
    let mut table = vec![Pow10 { mant: 0, exp2: 0 }; (Q_MAX - Q_MIN + 1) as usize];
    let mut big: Vec<u64> = vec![1];
    for q in 0..=Q_MAX {
        table[(q - Q_MIN) as usize] = top128(&big, 0);
        mul_small(&mut big, 10);
    }
    let mut big = vec![0u64; FIXED_BITS as usize / 64 + 1];
    big[FIXED_BITS as usize / 64] = 1;
    for q in (Q_MIN..0).rev() {
        div_small(&mut big, 10);
        table[(q - Q_MIN) as usize] = top128(&big, -FIXED_BITS);
    }
    table
}

fn mul_small(big: &mut Vec<u64>, k: u64) {
    let mut carry = 0u128;
    for limb in big.iter_mut() {
        let v = u128::from(*limb) * u128::from(k) + carry;
        *limb = v as u64;
        carry = v >> 64;
    }
    if carry != 0 {
        big.push(carry as u64);
    }
}

fn div_small(big: &mut [u64], k: u64) {
    let mut rem = 0u128;
    for limb in big.iter_mut().rev() {
        let v = (rem << 64) | u128::from(*limb);
        *limb = (v / u128::from(k)) as u64;
        rem = v % u128::from(k);
    }
}

/// The top 128 bits of `big·2^exp2` (truncated) as a normalised [`Pow10`].
fn top128(big: &[u64], exp2: i32) -> Pow10 {
    let top = big.iter().rposition(|&l| l != 0).unwrap_or(0);
    let bits = 64 * top as i32 + (64 - big[top].leading_zeros() as i32);
    // Gather up to 192 bits below and including the top limb, then shift into place.
    let limb = |i: isize| if i < 0 { 0 } else { big[i as usize] };
    let t = top as isize;
    let window = [limb(t), limb(t - 1), limb(t - 2)];
    let lead = big[top].leading_zeros();
    // The 192-bit window shifted left by `lead` has its top bit set; keep its top 128 bits.
    let hi = (u128::from(window[0]) << 64) | u128::from(window[1]);
    let mant = if lead == 0 {
        hi
    } else {
        (hi << lead) | (u128::from(window[2]) >> (64 - lead))
    };
    // big = mant·2^(bits − 128) + (the truncated rest).
    Pow10 {
        mant,
        exp2: exp2 + bits - 128,
    }
}

/// `"00" "01" ... "99"`.
static DIGIT_PAIRS: [u8; 200] = {
    let mut pairs = [0u8; 200];
    let mut i = 0;
    while i < 100 {
        pairs[2 * i] = b'0' + (i / 10) as u8;
        pairs[2 * i + 1] = b'0' + (i % 10) as u8;
        i += 1;
    }
    pairs
};

/// Writes `n` in `[10^15, 10^16)` as `d.ddddddddddddddd` (17 bytes). The digits are split
/// into halves, then pairs, so the divisions (multiplications by constants) do not form one long
/// dependency chain.
#[inline]
fn write_digits(buf: &mut [u8], n: u64) -> usize {
    const TEN8: u64 = 100_000_000;
    let hi = (n / TEN8) as u32; // 8 digits: the leading one, then 7
    let lo = (n % TEN8) as u32; // 8 digits
    let lead = hi / 10_000_000;
    let seven = hi % 10_000_000;
    buf[0] = b'0' + lead as u8;
    buf[1] = b'.';
    buf[2] = b'0' + (seven / 1_000_000) as u8;
    let six = seven % 1_000_000;
    put_pair(&mut buf[3..5], six / 10_000);
    put_four(&mut buf[5..9], six % 10_000);
    put_four(&mut buf[9..13], lo / 10_000);
    put_four(&mut buf[13..17], lo % 10_000);
    17
}

#[inline]
fn put_pair(buf: &mut [u8], v: u32) {
    let two = 2 * v as usize;
    buf[..2].copy_from_slice(&DIGIT_PAIRS[two..two + 2]);
}

/// Writes `v < 10^4` as four digits.
#[inline]
fn put_four(buf: &mut [u8], v: u32) {
    put_pair(&mut buf[..2], v / 100);
    put_pair(&mut buf[2..4], v % 100);
}

/// The reference: `%.15e` through `format!("{x:.15e}")` (correctly rounded, ties to even) with
/// C's exponent (`e+01`, not `e1`). Slow; used when [`push`] cannot decide a near-tie.
pub fn slow(x: f64) -> String {
    if x.is_nan() {
        return if x.is_sign_negative() { "-nan" } else { "nan" }.to_string();
    }
    if x.is_infinite() {
        return if x < 0.0 { "-inf" } else { "inf" }.to_string();
    }
    let s = format!("{x:.15e}");
    let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", exp.unsigned_abs())
}

#[cfg(test)]
#[allow(clippy::excessive_precision)]
mod tests {
    use super::*;

    fn check(x: f64) {
        assert_eq!(to_string(x), slow(x), "bits {:#018x}", x.to_bits());
    }

    /// xorshift64*: reproducible pseudo-random bits without a dependency.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }
    }

    #[test]
    fn known_values() {
        let cases: &[(f64, &str)] = &[
            (10.0, "1.000000000000000e+01"),
            (-5e-4, "-5.000000000000000e-04"),
            (0.0, "0.000000000000000e+00"),
            (-0.0, "-0.000000000000000e+00"),
            (1e300, "1.000000000000000e+300"),
            (1e-300, "1.000000000000000e-300"),
            (1.234_567_890_123_456_7e-5, "1.234567890123457e-05"),
            (9.999_999_999_999_999_9e5, "1.000000000000000e+06"),
            (9.999_999_999_999_995e-1, "9.999999999999994e-01"),
            (1_234_567_890_123_456.5, "1.234567890123456e+15"), // tie: to even
            (1_234_567_890_123_457.5, "1.234567890123458e+15"), // tie: to even
            (5e-324, "4.940656458412465e-324"),
            (f64::MIN_POSITIVE, "2.225073858507201e-308"),
            (f64::MAX, "1.797693134862316e+308"),
            (-f64::MAX, "-1.797693134862316e+308"),
            (1e23, "9.999999999999999e+22"),
            (f64::NAN, "nan"),
            (-f64::NAN, "-nan"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
        ];
        for &(x, expected) in cases {
            assert_eq!(to_string(x), expected, "{x:e}");
            assert_eq!(slow(x), expected, "reference, {x:e}");
        }
    }

    #[test]
    fn random_bit_patterns_match_reference() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for _ in 0..300_000 {
            check(f64::from_bits(rng.next()));
        }
        // Subnormals and tiny normals.
        for _ in 0..50_000 {
            check(f64::from_bits(rng.next() & ((1 << 53) - 1)));
        }
        // Circuit-sized values: 1e-20 .. 1e10 with random mantissas, both signs.
        for _ in 0..200_000 {
            let e = (rng.next() % 31) as i32 - 20;
            let x = (rng.next() >> 11) as f64 / (1u64 << 53) as f64 * 10f64.powi(e);
            check(if rng.next() & 1 == 0 { x } else { -x });
        }
    }

    #[test]
    fn powers_of_ten_and_neighbours_match_reference() {
        for k in -323..=308 {
            let x: f64 = format!("1e{k}").parse().unwrap();
            for d in -3i64..=3 {
                check(f64::from_bits((x.to_bits() as i64 + d) as u64));
            }
            // Just below 10^k by a 17th digit: rounds up to the next power of ten.
            let below: f64 = format!("9.9999999999999999e{}", k - 1).parse().unwrap();
            check(below);
            let below: f64 = format!("9.99999999999999949e{}", k - 1).parse().unwrap();
            check(below);
        }
        for e in -1074..=1023 {
            let x = 2f64.powi(e);
            check(x);
            check(x * 1.5);
        }
    }

    #[test]
    fn ties_go_to_the_slow_path_and_round_to_even() {
        // Integers + 0.5 below 2^53 with 16 integer digits are exact ties at digit 17.
        let mut rng = Rng(12345);
        for _ in 0..20_000 {
            let n = 1_000_000_000_000_000 + rng.next() % 8_000_000_000_000_000;
            check(n as f64 + 0.5);
            check(n as f64);
            check((n as f64 + 0.5) * 2f64.powi(-((rng.next() % 40) as i32)));
        }
    }

    #[test]
    fn table_is_exact_where_it_can_be() {
        // 10^q for 0 ≤ q ≤ 38 fits in 128 bits: the table must hold it exactly.
        for q in 0..=38 {
            let p = pow10(q);
            let exact = 10u128.pow(q as u32);
            let back = if p.exp2 >= 0 {
                p.mant << p.exp2
            } else {
                p.mant >> -p.exp2
            };
            assert_eq!(back, exact, "10^{q}");
        }
        // 10^-q·10^q ≈ 1 to 2^-120 relative, checked through f64 products of the mantissas.
        for q in 1..=300 {
            let (a, b) = (pow10(q), pow10(-q));
            let log2 = (a.mant as f64).log2() + (b.mant as f64).log2() + f64::from(a.exp2 + b.exp2);
            assert!(log2.abs() < 1e-12, "10^{q}·10^-{q} = 2^{log2}");
        }
    }
}
