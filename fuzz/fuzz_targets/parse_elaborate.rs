//! Fuzz target: arbitrary bytes through the whole pipeline.
//!
//! Parse (`netlist::parse_str`, includes resolved relative to a directory that does not exist, so
//! `.include` only ever fails cleanly), elaborate (`circuit::elaborate`), and, when the circuit is
//! small and its analyses cheap, simulate. Any panic, stack overflow, timeout or out-of-memory is
//! a finding; errors are the expected outcome for most inputs.
//!
//! Run (nightly, from the repository root):
//! `cargo +nightly fuzz run parse_elaborate -- -max_total_time=300 -timeout=10 -rss_limit_mb=2048`.
//! Crashes land in `fuzz/artifacts/parse_elaborate/`; copy each one to `tests/fuzz_regressions/`
//! (replayed by `tests/properties.rs`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

/// Circuits with at most this many devices are simulated.
const MAX_SIM_DEVICES: usize = 64;
/// Sweeps with at most this many points are simulated.
const MAX_SIM_POINTS: f64 = 2000.0;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok((ast, _sources)) = netlist::parse_str(Path::new("/nonexistent-fuzz-dir/fuzz.net"), text)
    else {
        return;
    };
    let Ok(circuit) = circuit::elaborate(&ast) else {
        return;
    };
    if circuit.devices.len() > MAX_SIM_DEVICES || !cheap(&circuit) {
        return;
    }
    let _ = solver::simulate(&circuit);
});

/// Whether every analysis is small enough to simulate inside the fuzzer's time limit.
fn cheap(circuit: &circuit::Circuit) -> bool {
    circuit.analyses.iter().all(|a| match a {
        circuit::Analysis::Op => true,
        circuit::Analysis::Dc { sweeps } => {
            let mut total = 1.0;
            for s in sweeps {
                total *= ((s.stop - s.start) / s.step).abs() + 1.0;
            }
            total <= MAX_SIM_POINTS
        }
        circuit::Analysis::Ac {
            variation,
            points,
            fstart_hz,
            fstop_hz,
            ..
        }
        | circuit::Analysis::Noise {
            variation,
            points,
            fstart_hz,
            fstop_hz,
            ..
        } => {
            let n = *points as f64;
            let total = match variation {
                circuit::AcVariation::Lin => n,
                circuit::AcVariation::Dec => n * (fstop_hz / fstart_hz).log10().max(0.0) + 1.0,
                circuit::AcVariation::Oct => n * (fstop_hz / fstart_hz).log2().max(0.0) + 1.0,
            };
            total <= MAX_SIM_POINTS
        }
        circuit::Analysis::Tran {
            tstep_s, tstop_s, ..
        } => tstop_s / tstep_s <= MAX_SIM_POINTS,
    })
}
