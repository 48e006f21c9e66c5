//! Fuzz target: small generated circuits through the solver.
//!
//! `parse_elaborate` spends most of its inputs on text the parser rejects; this target spends all
//! of them on the solver. Every 4 bytes of input become one element of a netlist on at most
//! [`NODES`] nodes (ground included): R, C, L, V, I, E, G, F, H, D or K, with a value whose
//! mantissa and decimal exponent (1e-15 .. 1e15, either sign) come from the input. The netlist
//! then runs `.op` and a 7-point `.ac`. Errors (floating nodes, singular matrices, values out of
//! range) are expected; a panic, a hang or unbounded memory is a finding.
//!
//! Run (nightly, from `fuzz/`): `cargo +nightly fuzz run solve_small -- -max_total_time=300 -timeout=10`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::fmt::Write as _;
use std::path::Path;

/// Nodes `0` (ground) to `NODES - 1`.
const NODES: u8 = 6;
/// Most elements generated from one input.
const MAX_ELEMENTS: usize = 16;

fuzz_target!(|data: &[u8]| {
    let text = netlist_text(data);
    let Ok((ast, _)) = netlist::parse_str(Path::new("/nonexistent-fuzz-dir/solve.net"), &text)
    else {
        return;
    };
    let Ok(circuit) = circuit::elaborate(&ast) else {
        return;
    };
    let _ = solver::simulate(&circuit);
});

/// A value `m.mm e±x` from two bytes: mantissa 1.00 .. 3.55, exponent -15 .. 15, sign from the
/// high bit of `e` (negative values test the range checks).
fn value(m: u8, e: u8) -> String {
    let sign = if e & 0x80 != 0 { "-" } else { "" };
    let exp = i32::from(e & 0x7f) % 31 - 15;
    format!("{sign}{}e{exp}", 1.0 + f64::from(m) / 100.0)
}

/// The netlist the input describes (see the module comment).
fn netlist_text(data: &[u8]) -> String {
    let mut s = String::from("fuzz\n.model dm d is=1e-14 n=1.5 rs=10 cjo=1p\n");
    let mut inductors = Vec::new();
    let mut vsources = Vec::new();
    for (i, c) in data.chunks_exact(4).take(MAX_ELEMENTS).enumerate() {
        let (a, b) = (c[1] % NODES, (c[1] / NODES) % NODES);
        let (cp, cn) = (c[2] % NODES, (c[2] / NODES) % NODES);
        let v = value(c[2], c[3]);
        let _ = match c[0] % 11 {
            0 => writeln!(s, "r{i} {a} {b} {v}"),
            1 => writeln!(s, "c{i} {a} {b} {v}"),
            2 => {
                inductors.push(i);
                writeln!(s, "l{i} {a} {b} {v}")
            }
            3 => {
                vsources.push(i);
                writeln!(s, "v{i} {a} {b} dc {v} ac 1")
            }
            4 => writeln!(s, "i{i} {a} {b} dc {v} ac 1"),
            5 => writeln!(s, "e{i} {a} {b} {cp} {cn} {}", value(c[0], c[3])),
            6 => writeln!(s, "g{i} {a} {b} {cp} {cn} {}", value(c[0], c[3])),
            7 | 8 if !vsources.is_empty() => {
                let kind = if c[0] % 11 == 7 { 'f' } else { 'h' };
                let vs = vsources[usize::from(c[2]) % vsources.len()];
                writeln!(s, "{kind}{i} {a} {b} v{vs} {}", value(c[0], c[3]))
            }
            9 => writeln!(s, "d{i} {a} {b} dm"),
            10 if inductors.len() >= 2 => {
                let l1 = inductors[usize::from(c[2]) % inductors.len()];
                let l2 = inductors[usize::from(c[3]) % inductors.len()];
                writeln!(s, "k{i} l{l1} l{l2} {}", f64::from(c[3]) / 255.0)
            }
            _ => writeln!(s, "r{i} {a} {b} 1k"),
        };
    }
    s.push_str(".op\n.ac dec 2 10 10k\n.end\n");
    s
}
