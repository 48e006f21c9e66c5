//! `.meas` parity with ngspice 39.
//!
//! Every `tests/meas/NAME.net` has ngspice's printed results committed in
//! `tests/meas/NAME.ngspice` (`scripts/regen-meas.sh` writes them: ngspice's `name = value ...`
//! lines and its ` .meas ... failed!` lines). Each case runs balun's whole pipeline in-process and
//! checks every measure ngspice printed: the value (the number after `=`) must agree within the
//! case's tolerance, and a measure ngspice reports as failed must fail in balun too, with a
//! message.
//!
//! **Tolerances** (`|balun - ngspice| <= rel * |ngspice| + abs`):
//! - AC: `rel = 1e-5`, `abs = 1e-12`. Both simulators solve the same linear system at the same
//!   frequencies, so the only difference is ngspice's printing (`%e`, 7 digits, or `%.5e`,
//!   6 digits, for `when`/`rms`/`integ`: a relative rounding of at most 5e-6).
//! - DC: `rel = 1e-4`, `abs = 1e-9`: the diodes' Newton solutions agree to about 1e-5 relative
//!   (ngspice stops at RELTOL = 1e-3 of the update, balun with its own iterate).
//! - tran: `rel = 1e-3`, `abs = 1e-6` (V, V*s): the two simulators choose their own time points
//!   (see `tests/parity_tran.rs`), and the measures interpolate between them. The netlists use
//!   TMAX = 2 us against a 100 us time constant and a 1 ms sine period, where balun's tran parity
//!   is far inside its 0.5% criterion; measured differences are at most 2e-5 relative (the 10-90%
//!   rise time: 2.197164e-4 s against 2.197158e-4 s). `abs` covers the sine's average over a
//!   whole period, about 7e-6 V on both sides, which is the integration error of a zero.

use std::path::{Path, PathBuf};

struct Expected {
    name: String,
    /// `None`: ngspice reports the measure as failed.
    value: Option<f64>,
}

fn read_expected(path: &Path) -> Vec<Expected> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e} (run scripts/regen-meas.sh)", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            if let Some(rest) = line.trim().strip_prefix(".meas ") {
                // ` .meas ac NAME ... failed!`
                let name = rest.split_whitespace().nth(1).expect("a name");
                return Expected {
                    name: name.to_string(),
                    value: None,
                };
            }
            let (name, rest) = line.split_once('=').expect("name = value");
            if rest.trim() == "failed" {
                // `dep = failed`: how ngspice reports a param= measure it could not evaluate.
                return Expected {
                    name: name.trim().to_string(),
                    value: None,
                };
            }
            let value = rest
                .split_whitespace()
                .next()
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or_else(|| panic!("no number in '{line}'"));
            Expected {
                name: name.trim().to_string(),
                value: Some(value),
            }
        })
        .collect()
}

fn check(name: &str, rel: f64, abs: f64) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/meas");
    let net = dir.join(format!("{name}.net"));
    let expected = read_expected(&dir.join(format!("{name}.ngspice")));
    assert!(!expected.is_empty());
    let sim = balun::run_file(&net).unwrap_or_else(|f| panic!("{name}: {}", f.error));
    let results = &sim.runs[0].meas;
    let mut report = Vec::new();
    for e in &expected {
        let got = results
            .iter()
            .find(|r| r.name == e.name)
            .unwrap_or_else(|| panic!("{name}: balun has no measure '{}'", e.name));
        match (e.value, &got.outcome) {
            (None, Err(msg)) => assert!(!msg.is_empty()),
            (None, Ok(v)) => report.push(format!(
                "{}: ngspice fails, balun gives {}",
                e.name, v.value
            )),
            (Some(want), Err(msg)) => {
                report.push(format!("{}: ngspice {want}, balun fails: {msg}", e.name))
            }
            (Some(want), Ok(v)) => {
                let diff = (v.value - want).abs();
                println!(
                    "{name}: {:<10} ngspice {want:>14.7e} balun {:>14.7e} diff {diff:.2e}",
                    e.name, v.value
                );
                if diff > rel * want.abs() + abs {
                    report.push(format!(
                        "{}: ngspice {want:e}, balun {:e}, diff {diff:e}",
                        e.name, v.value
                    ));
                }
            }
        }
    }
    assert!(report.is_empty(), "{name}:\n{}", report.join("\n"));
}

#[test]
fn ac_measures_match_ngspice() {
    check("ac_rc_lowpass", 1e-5, 1e-12);
}

#[test]
fn dc_measures_match_ngspice() {
    check("dc_diode_clip", 1e-4, 1e-9);
}

#[test]
fn tran_measures_match_ngspice() {
    check("tran_rc_pulse", 1e-3, 1e-6);
}

/// `param='expr'` over other measures (defined before or after it) and `.param`s, with the
/// ternary and comparison operators, and a failure passed on from a failed measure. The same
/// tolerances as the tran case (the values are sums, ratios and tests of tran measures).
#[test]
fn param_measures_match_ngspice() {
    check("param_measures", 1e-3, 1e-6);
}
