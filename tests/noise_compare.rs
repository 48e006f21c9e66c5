//! `balun compare --measure noise` on the two microphone inputs of `netlists/`: the transformer
//! input (`mic_xfmr_in.net`: library `xfmr_mic_in` 1:10 into an `opamp_1p_noise` stage) and the
//! op-amp input (`mic_opamp_in.net`: one `opamp_1p_noise` stage at 50 dB), each with the default
//! 150 ohm source.
//!
//! Expected values come from ngspice 39 on the same netlists, with the 150 ohm source resistor
//! written into the netlist (`vmic emf 0`, `rmic emf hot 150`) and the summaries' grid
//! (`.noise v(out) vmic dec 50 20 20k`): its `inoise_total` is the unweighted EIN, and the
//! A-weighted EIN is its `inoise_spectrum` integrated with the A curve by the same rule
//! (`measure::noise::integrate_density`). Tolerance 1e-6 relative on the volts (the same MNA
//! equations and integration rule on both sides; see `tests/parity_noise.rs`). The library is
//! given to ngspice as a file named `balun` beside the netlist, as `tests/library_parity.rs`
//! does. Without ngspice the comparison is skipped, unless `CI` is set (then it fails).
//!
//! Figures (27 C): transformer input EIN -127.0 dBu (-129.1 dBu A-weighted), op-amp input
//! -120.2 dBu (-122.3 dBu A-weighted): the transformer is 6.8 dB quieter, because its 1:10
//! step-up raises the source's signal and noise above the op-amp's en by 20 dB while the
//! op-amp alone adds its 5 nV/rtHz to the source's 1.6 nV/rtHz.

mod common;

use balun::solver::Data;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const REL_TOL: f64 = 1e-6;
const CASES: [&str; 2] = ["mic_xfmr_in", "mic_opamp_in"];

fn netlist(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("netlists")
        .join(format!("{name}.net"))
}

/// `balun compare --measure noise --json` on both inputs.
fn compare_rows() -> Vec<Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_balun"))
        .args(["compare", "--measure", "noise", "--json"])
        .args(CASES.map(netlist))
        .output()
        .expect("run balun");
    assert!(
        out.status.success(),
        "balun compare failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(doc["measure"], "noise");
    assert_eq!(doc["source_resistance_ohm"], 150.0);
    doc["rows"].as_array().expect("rows").clone()
}

/// ngspice's (EIN, A-weighted EIN) in volts for `name` with the 150 ohm source written in.
fn ngspice_ein(name: &str) -> Option<(f64, f64)> {
    if !common::ngspice_available() {
        assert!(
            std::env::var_os("CI").is_none(),
            "ngspice is not on PATH but CI is set"
        );
        println!("ngspice not on PATH: {name} not compared");
        return None;
    }
    let text = std::fs::read_to_string(netlist(name)).expect("netlist");
    let text = text
        .replace(
            "vmic hot 0 dc 0 ac 1",
            "vmic emf 0 dc 0 ac 1\nrmic emf hot 150",
        )
        .replace(
            ".noise v(out) vmic dec 10 20 20k",
            ".noise v(out) vmic dec 50 20 20k",
        );
    assert!(
        text.contains("rmic") && text.contains("dec 50"),
        "{name}: edit failed"
    );
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("balun-noise-compare-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let raw = common::ngspice_with_library(&dir, &text).unwrap_or_else(|e| panic!("{name}: {e}"));
    let plots = balun::output::raw::read_ascii(&raw).expect("raw");
    let real = |plot: &str, vector: &str| -> Vec<f64> {
        let p = plots.iter().find(|p| p.name == plot).expect("plot");
        match p.vector(vector).map(|v| &v.data) {
            Some(Data::Real(v)) => v.clone(),
            _ => panic!("{name}: no {vector}"),
        }
    };
    let ein = real("Integrated Noise", "v(inoise_total)")[0];
    let freqs = real("Noise Spectral Density Curves", "frequency");
    let inoise = real("Noise Spectral Density Curves", "inoise_spectrum");
    let ein_a =
        measure::noise::integrate_density(&freqs, &inoise, measure::noise::a_weighting_gain);
    let _ = std::fs::remove_dir_all(&dir);
    Some((ein, ein_a))
}

#[test]
fn compare_prints_ein_of_both_mic_inputs_as_ngspice_computes_it() {
    let rows = compare_rows();
    assert_eq!(rows.len(), 2);
    let field = |r: &Value, k: &str| r[k].as_f64().unwrap_or_else(|| panic!("no {k} in {r}"));
    for (row, name) in rows.iter().zip(CASES) {
        assert_eq!(row["circuit"], name);
        let (ein, ein_a) = (field(row, "ein_v"), field(row, "ein_a_v"));
        // dBu and dBV are the same volts on two references (0.7746 V and 1 V).
        let dbu = 20.0 * (ein / 0.774_596_669_241_483_4).log10();
        assert!((field(row, "ein_dbu") - dbu).abs() < 1e-9);
        assert!((field(row, "ein_dbv") - 20.0 * ein.log10()).abs() < 1e-9);
        println!(
            "{name}: EIN {:.2} dBu ({:.2} dBu A), {:.2} dBV",
            field(row, "ein_dbu"),
            field(row, "ein_a_dbu"),
            field(row, "ein_dbv")
        );
        if let Some((want, want_a)) = ngspice_ein(name) {
            assert!(
                (ein - want).abs() <= REL_TOL * want,
                "{name}: EIN balun {ein:e} V, ngspice {want:e} V"
            );
            assert!(
                (ein_a - want_a).abs() <= REL_TOL * want_a,
                "{name}: A-weighted EIN balun {ein_a:e} V, ngspice {want_a:e} V"
            );
        }
    }
    // The transformer input is the quieter one, by several dB.
    let (x, o) = (field(&rows[0], "ein_dbu"), field(&rows[1], "ein_dbu"));
    assert!(o - x > 5.0, "transformer {x} dBu vs op-amp {o} dBu");
}
