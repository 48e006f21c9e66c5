//! Fuzz target: arbitrary text as the expression language (`.func` bodies, `.param` values,
//! element values, B-source and `E VALUE=` expressions).
//!
//! The input's lines fill the holes of a fixed netlist (see [`netlist_text`]), so every
//! fragment is parsed as an expression in each place the language is used, functions call
//! each other (and themselves), and the circuit is simulated at its operating point and over a
//! short `.dc` sweep. Any panic, stack overflow, hang or out-of-memory is a finding; errors are
//! the expected outcome for most inputs. `tests/properties.rs` runs the same template on
//! generated expressions (`expression_language_never_panics`).
//!
//! Run (nightly, from the repository root):
//! `cargo +nightly fuzz run expressions -- -max_total_time=300 -timeout=10 -rss_limit_mb=2048`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

/// The netlist whose holes the input's first five lines fill.
fn netlist_text(holes: &[&str; 5]) -> String {
    let [f, g, p, b, e] = holes;
    format!(
        "expressions\n.func f(x, y) {{{f}}}\n.func g(a) = {g}\n.param p = {{{p}}}\n\
         V1 a 0 1\nR1 a 0 1k\nR2 c 0 {{p}}\nB1 b 0 V={b}\nR3 b 0 1k\n\
         E1 d 0 VALUE={{{e}}}\nR4 d 0 1k\n.op\n.dc V1 -1 1 0.5\n.end\n"
    )
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut lines = text.lines().chain(std::iter::repeat("1"));
    let holes: [&str; 5] = std::array::from_fn(|_| lines.next().unwrap_or("1"));
    let text = netlist_text(&holes);
    let Ok((ast, _sources)) = netlist::parse_str(Path::new("/nonexistent-fuzz-dir/fuzz.net"), &text)
    else {
        return;
    };
    let Ok(circuit) = circuit::elaborate(&ast) else {
        return;
    };
    let _ = solver::simulate(&circuit);
});
