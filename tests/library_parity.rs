//! Every built-in library model (`library::MODELS`) against ngspice 39 running the same netlist.
//!
//! For each model a small test bench instantiates it with default parameters: its inputs are
//! driven by V sources with `DC` and `AC 1` parts, its outputs are loaded with resistors,
//! op-amp macromodel rails are supplied (+-15 V), and the bench runs `.op` and
//! `.ac dec 5 10 100k` (op-amps also `.noise v(out) Vin dec 5 10 100k 1`, with per-device
//! summaries). The netlist says `.lib balun SECTION`. balun resolves that with its
//! built-in resolver ([`balun::simulate_file`]); for ngspice, [`library::ngspice_lib_file`] is
//! written as a file named `balun` next to the netlist in a temp dir, and ngspice runs
//! `SPICE_ASCIIRAWFILE=1 ngspice -b -r out.raw net.net` there. So both simulators see the same
//! subcircuit text, and this checks that the library's SPICE is read the same way by both.
//!
//! Comparison (as in `tests/parity_ngspice.rs`): plots pair by name (ngspice writes `.ac`
//! before `.op`; each bench has one of each); every vector of ngspice's plot must exist in
//! balun's and vice versa, with the same number of points, and every value must satisfy
//! `|a - b| <= 1e-6 |b| + 1e-12 max|vector|` (`a` balun, `b` ngspice). For an all-zero vector,
//! and for the one-point vectors of the `.op` plot, the floor uses the largest value of the same
//! unit (voltage or current) in the plot instead: nodes that are exactly 0 V at DC (a
//! transformer's secondary, the far side of an inductor) come out of ngspice as rounding noise
//! of 1e-17..1e-16 V, which a floor of 1e-12 x that one value could not cover. Only the real
//! part of `frequency` is compared (ngspice leaves garbage in its imaginary part).
//!
//! ngspice missing: each test fails if the environment variable `CI` is set, and is skipped
//! (with a message) otherwise.
//!
//! Run `cargo test --release --test library_parity -- --nocapture` for the worst relative
//! difference of each model.

mod common;
use common::*;

use balun::solver::{Plot, Vector};
use std::collections::HashMap;
use std::path::PathBuf;

const REL_TOL: f64 = 1e-6;
const ABS_FLOOR: f64 = 1e-12;
const MAX_LISTED: usize = 10;

/// The test bench for a model: the elements around the `X` card (which is `x1`).
fn bench(model: &library::Model) -> String {
    let name = model.name;
    let body = match model.section {
        "opamps" => {
            // Non-inverting gain of 2, 2 kohm load.
            let rails = if model.ports.len() == 5 {
                "Vp vp 0 DC 15\nVn vn 0 DC -15\n"
            } else {
                ""
            };
            let ports = if model.ports.len() == 5 {
                "inp fb out vp vn"
            } else {
                "inp fb out"
            };
            format!(
                "Vin inp 0 DC 0.1 AC 1\n{rails}x1 {ports} {name}\nRf out fb 10k\nRg fb 0 10k\nRl out 0 2k\n"
            )
        }
        "transformers" => {
            // 600 ohm source (a DC source straight across an inductive winding would be a
            // near short), 10 kohm load; shield grounded.
            let sh = if model.ports.len() == 5 { " 0" } else { "" };
            format!("Vin in 0 DC 1 AC 1\nRs in p1 600\nx1 p1 0 s1 0{sh} {name}\nRl s1 0 10k\n")
        }
        "receivers" => {
            // Hot driven (DC and AC), cold at a different DC level and AC 0, 100 ohm per leg.
            format!(
                "Vh vh 0 DC 0.5 AC 1\nVc vc 0 DC -0.2 AC 0\nRsh vh hot 100\nRsc vc cold 100\n\
                 x1 hot cold 0 out {name}\nRl out 0 10k\n"
            )
        }
        "drivers" => {
            format!("Vin in 0 DC 0.5 AC 1\nx1 in hot cold 0 {name}\nRh hot 0 10k\nRc cold 0 10k\n")
        }
        "headphones" => match model.ports.len() {
            // A headphone load: driven through 1 ohm.
            2 => format!("Vin in 0 DC 0.1 AC 1\nRs in p 1\nx1 p 0 {name}\n"),
            // Amplifiers with their headphone loads inside; light extra loads on the outputs.
            6 => format!(
                "Vl inl 0 DC 0.1 AC 1\nVr inr 0 DC -0.05 AC 0\nx1 inl inr 0 lt rt sl {name}\n\
                 Rxl lt 0 100k\nRxr rt 0 100k\n"
            ),
            7 => format!(
                "Vl inl 0 DC 0.1 AC 1\nVr inr 0 DC -0.05 AC 0\nx1 inl inr 0 lp ln rp rn {name}\n\
                 Rxl lp ln 100k\nRxr rp rn 100k\n"
            ),
            n => panic!("no bench for a headphone model with {n} ports ({name})"),
        },
        "cables" => {
            // Source end: hot 100 ohm, cold 110 ohm (a little imbalance), shield / return to
            // ground; far end loaded (10 kohm per conductor to a 0.1 ohm "receiver ground");
            // field port (1 uT DC offset, AC 1 mT so the pickup is not lost under the signal)
            // and aggressor (AC 10 V) driven.
            let far = "Rg g2 0 0.1\n";
            let drive = "Vh vh 0 DC 0.5 AC 1\nVc vc 0 DC -0.2 AC 0\n";
            let fld = "Vf fld 0 DC 1u AC 1m\nVa agg 0 DC 0 AC 10\n";
            let inst = match model.ports.len() {
                // pairs: a1 b1 [s1] a2 b2 [s2] fld|db agg
                8 if name.starts_with("cab") => format!(
                    "{fld}Rh vh a1 100\nRc vc b1 110\nx1 a1 b1 0 a2 b2 s2 fld agg {name}\n\
                     Ra a2 g2 10k\nRb b2 g2 10k\nRs s2 g2 1m\n"
                ),
                6 if name.starts_with("cab") => format!(
                    "{fld}Rh vh a1 100\nRc vc b1 110\nx1 a1 b1 a2 b2 fld agg {name}\n\
                     Ra a2 g2 10k\nRb b2 g2 10k\n"
                ),
                5 => format!(
                    "Va agg 0 DC 0 AC 10\nRh vh a1 100\nx1 a1 0 a2 s2 agg {name}\n\
                     Ra a2 s2 10k\nRs s2 g2 1m\n"
                ),
                6 => format!(
                    "Rh vh t1 1\nRr vc r1 1\nx1 t1 r1 0 t2 r2 s2 {name}\n\
                     Rl t2 s2 32\nRr2 r2 s2 32\nRs s2 g2 1m\n"
                ),
                8 => format!(
                    "Rh vh lp1 1\nRr vc rp1 1\nx1 lp1 0 rp1 0 lp2 ln2 rp2 rn2 {name}\n\
                     Rl lp2 ln2 32\nRr2 rp2 rn2 32\nRn ln2 g2 1m\nRrn rn2 g2 1m\n"
                ),
                n => panic!("no bench for a cable model with {n} ports ({name})"),
            };
            format!("{drive}{inst}{far}")
        }
        s => panic!("no bench for section {s} ({name})"),
    };
    // The op-amps also run `.noise` with per-device summaries (en, in and every noisy
    // element of the bench by name).
    let noise = if model.section == "opamps" {
        ".noise v(out) Vin dec 5 10 100k 1\n"
    } else {
        ""
    };
    format!(
        "library parity: {name} (section {section})\n.lib balun {section}\n{body}.op\n.ac dec 5 10 100k\n{noise}.end\n",
        section = model.section
    )
}

/// A fresh temp dir per model (tests run in parallel).
fn temp_dir(model: &str) -> PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("balun-library-parity-{model}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

#[derive(Default)]
struct Report {
    mismatches: Vec<String>,
    compared: usize,
    worst: f64,
    worst_at: String,
}

fn compare_plot(r: &mut Report, expected: &Plot, actual: &Plot) {
    let label = &expected.name;
    let exp: Vec<&Vector> = expected.scale.iter().chain(&expected.vectors).collect();
    let act: Vec<&Vector> = actual.scale.iter().chain(&actual.vectors).collect();
    let by_name: HashMap<&str, &Vector> = act.iter().map(|v| (v.name.as_str(), *v)).collect();
    let mut unit_max: HashMap<&str, f64> = HashMap::new();
    for v in &exp {
        let m = unit_max.entry(v.unit.raw_name()).or_insert(0.0);
        *m = m.max(max_abs(v));
    }
    for ev in &exp {
        let Some(av) = by_name.get(ev.name.as_str()) else {
            r.mismatches.push(format!(
                "plot '{label}' vector '{}': missing in balun",
                ev.name
            ));
            continue;
        };
        let n = ev.data.len();
        if av.data.len() != n {
            r.mismatches.push(format!(
                "plot '{label}' vector '{}': ngspice has {n} points, balun {}",
                ev.name,
                av.data.len()
            ));
            continue;
        }
        // An `.op` vector has one point, so its own maximum is no scale: there (and for an
        // all-zero vector) the floor uses the largest value of the same unit in the plot.
        let mut scale = max_abs(ev);
        if scale == 0.0 || n == 1 {
            scale = scale.max(unit_max.get(ev.unit.raw_name()).copied().unwrap_or(0.0));
        }
        let floor = ABS_FLOOR * scale;
        for i in 0..n {
            let (b, a) = (value_at(ev, i), value_at(av, i));
            let diff = (a - b).norm();
            let denom = b.norm() + floor / REL_TOL;
            let rel = if diff == 0.0 {
                0.0
            } else if denom > 0.0 {
                diff / denom
            } else {
                f64::INFINITY
            };
            r.compared += 1;
            if rel > r.worst || rel.is_nan() {
                r.worst = rel;
                r.worst_at = format!("'{label}' {}[{i}]", ev.name);
            }
            // Written so that a NaN in balun's result fails too.
            let within = diff <= REL_TOL * b.norm() + floor;
            if !within && r.mismatches.len() < MAX_LISTED {
                r.mismatches.push(format!(
                    "plot '{label}' vector '{}' point {i}: balun {a} ngspice {b} (relative difference {rel:.3e})",
                    ev.name
                ));
            }
        }
    }
    for av in &act {
        if !exp.iter().any(|ev| ev.name == av.name) {
            r.mismatches.push(format!(
                "plot '{label}' vector '{}': balun writes it, ngspice does not",
                av.name
            ));
        }
    }
}

/// Runs model `name`'s bench in both simulators and compares; panics on any difference.
fn check(name: &str) {
    let model = library::model(name).unwrap_or_else(|| panic!("{name} is not in MODELS"));
    if !ngspice_available() {
        if std::env::var_os("CI").is_some() {
            panic!(
                "ngspice is not on PATH but CI is set: cannot check {name} (install ngspice 39)"
            );
        }
        println!("library parity {name}: ngspice not on PATH, skipped (set CI to make this fail)");
        return;
    }
    let text = bench(model);
    let dir = temp_dir(name);
    let net = dir.join("net.net");
    let raw = ngspice_with_library(&dir, &text).unwrap_or_else(|e| panic!("{name}: {e}\n{text}"));
    let expected = balun::output::raw::read_ascii(&raw)
        .unwrap_or_else(|e| panic!("{name}: cannot parse ngspice's raw file: {e}"));
    let actual = match balun::simulate_file(&net) {
        Ok((_, plots)) => plots,
        Err((e, _)) => panic!("{name}: balun failed: {e}\n{text}"),
    };

    let mut r = Report::default();
    let mut names: Vec<&str> = Vec::new();
    for p in expected.iter().chain(&actual) {
        if !names.contains(&p.name.as_str()) {
            names.push(&p.name);
        }
    }
    for pn in names {
        let e: Vec<&Plot> = expected.iter().filter(|p| p.name == pn).collect();
        let a: Vec<&Plot> = actual.iter().filter(|p| p.name == pn).collect();
        match (e.as_slice(), a.as_slice()) {
            ([e], [a]) => compare_plot(&mut r, e, a),
            _ => r.mismatches.push(format!(
                "plot '{pn}': ngspice has {}, balun {}",
                e.len(),
                a.len()
            )),
        }
    }
    if r.compared == 0 {
        r.mismatches.push("no values compared".to_string());
    }
    println!(
        "library parity {} {name:<14} {:>5} values, worst relative difference {:.3e} at {}",
        if r.mismatches.is_empty() {
            "ok  "
        } else {
            "FAIL"
        },
        r.compared,
        r.worst,
        r.worst_at
    );
    assert!(
        r.mismatches.is_empty(),
        "{name}: balun and ngspice differ (tolerance {REL_TOL:e} relative + {ABS_FLOOR:e} x max|vector|):\n  {}\nnetlist:\n{text}",
        r.mismatches.join("\n  ")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

macro_rules! models {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                check(stringify!($name));
            }
        )*
        const LISTED: &[&str] = &[$(stringify!($name)),*];
    };
}

models!(
    opamp_ideal,
    opamp_1p,
    opamp_1p_noise,
    opamp_macro,
    opamp_ds_ne5532,
    opamp_ds_opa1612,
    opamp_ds_lm4562,
    opamp_ds_tl072,
    opamp_ds_opa134,
    opamp_that1240,
    opamp_drv134,
    xfmr_ideal,
    xfmr_audio,
    xfmr_line_in,
    xfmr_mic_in,
    xfmr_line_out,
    rx_diffamp,
    rx_inamp,
    rx_bootstrap,
    rx_xfmr,
    rx_unbal,
    rx_diffamp_ne5532,
    rx_diffamp_opa1612,
    rx_diffamp_lm4562,
    rx_diffamp_tl072,
    rx_diffamp_opa134,
    rx_that1240,
    drv_se,
    drv_impbal,
    drv_active,
    drv_xfmr,
    drv_active_ne5532,
    drv_active_opa1612,
    drv_active_lm4562,
    drv_active_tl072,
    drv_active_opa134,
    drv_drv134,
    hp_driver,
    hp_dynamic,
    hp_trs3,
    hp_bal4,
    hp_trs3_ne5532,
    hp_trs3_opa1612,
    hp_trs3_lm4562,
    hp_trs3_tl072,
    hp_trs3_opa134,
    hp_bal4_ne5532,
    hp_bal4_opa1612,
    hp_bal4_lm4562,
    hp_bal4_tl072,
    hp_bal4_opa134,
    cab_seg_stp,
    cab_seg_utp,
    cab_seg_coax,
    cable_mic,
    cable_utp,
    cable_coax,
    cable_hp3,
    cable_hp4,
);

#[test]
fn every_model_has_a_case() {
    let mut models: Vec<&str> = library::MODELS.iter().map(|m| m.name).collect();
    let mut listed = LISTED.to_vec();
    models.sort_unstable();
    listed.sort_unstable();
    assert_eq!(
        models, listed,
        "library::MODELS and the models! list differ"
    );
}
