//! End-to-end tests of the measurements (`crates/measure`) and their CLI (`balun cmrr`,
//! `balun xtalk`, `balun hum`, `balun compare`), each against a closed form derived here.

use measure::cmrr::{cmrr, cmrr_with_imbalance, CmrrSetup};
use measure::{find_output, find_vsource};
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn elaborate(path: &Path) -> circuit::Circuit {
    match balun::elaborate_file(path) {
        Ok(e) => e.circuit,
        Err(f) => panic!("{}: {}", path.display(), f.error),
    }
}

/// Writes `text` to a fresh file in the temp directory and returns its path.
fn netlist_file(name: &str, text: &str) -> PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("balun-measure");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn balun(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_balun"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("runs balun");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn db(x: f64) -> f64 {
    20.0 * x.log10()
}

/// The 4-resistor difference amplifier with R2 = G*R1, R3 = R1, R4 = R2*(1+d), op-amp a VCVS.
fn diff_amp(g: f64, d: f64) -> PathBuf {
    netlist_file(
        &format!("diffamp_{g}_{d}.net"),
        &format!(
            "diff amp G={g} d={d}\nVh hot 0 AC 0.5\nVc cold 0 AC -0.5\n\
             R1 cold inn 10k\nR2 inn out {r2}\nR3 hot inp 10k\nR4 inp 0 {r4}\n\
             Eop out 0 inp inn 1e6\n.cmrr out vh vc\n.ac dec 10 10 100k\n",
            r2 = 10e3 * g,
            r4 = 10e3 * g * (1.0 + d)
        ),
    )
}

fn setup_from_card(c: &circuit::Circuit) -> CmrrSetup {
    let Some(circuit::Measurement::Cmrr { out, hot, cold, .. }) = c.measurements.first() else {
        panic!("no .cmrr card");
    };
    CmrrSetup {
        hot: *hot,
        cold: *cold,
        out: measure::Probe::Voltage(out.pos, out.neg),
    }
}

/// Diff amp with one resistor off by d: with an ideal op-amp Vout = a*Vhot - b*Vcold,
///   a = R4/(R3+R4) * (1 + R2/R1),  b = R2/R1,  Adm = (a+b)/2,  Acm = a - b.
/// With R1 = R3 = R, R2 = G*R, R4 = G*R*(1+d):
///   a - b = G*d / (1+G+G*d),   a + b = G*((1+G)(2+d) + G*d) / (1+G+G*d),
///   CMRR = |Adm/Acm| = ((1+G)(2+d) + G*d) / (2|d|)   (~ (1+G)/d, the primer's rule).
/// A finite op-amp gain A multiplies a and b by the same A*beta/(1+A*beta): the ratio is exact,
/// so the tolerance is 0.01 dB (the solver agrees to ~1e-9 relative).
#[test]
fn diff_amp_cmrr_with_one_resistor_off_matches_closed_form() {
    for (g, d) in [(1.0, 1e-3), (1.0, 1e-2), (10.0, 1e-3), (2.0, -5e-3)] {
        let c = elaborate(&diff_amp(g, d));
        let expected = db(((1.0 + g) * (2.0 + d) + g * d) / (2.0 * f64::abs(d)));
        for p in cmrr(&c, &setup_from_card(&c), &[50.0, 60.0, 1e3, 20e3]).unwrap() {
            assert!(
                (p.cmrr_db() - expected).abs() < 0.01,
                "G={g} d={d} at {} Hz: {} dB, closed form {expected} dB",
                p.freq_hz,
                p.cmrr_db()
            );
            // Adm = G (exactly G*(1+G)(2+d)/.. / 2 -> G for small d): within 0.01 dB.
            assert!((p.adm_db() - db(g)).abs() < 0.05, "{p:?}");
        }
    }
    // The example netlist is the G = 1, d = 0.1% case: 66.03 dB.
    let c = elaborate(&root().join("netlists/rx_diffamp.net"));
    let p = cmrr(&c, &setup_from_card(&c), &[60.0]).unwrap()[0];
    assert!((p.cmrr_db() - db(2001.5)).abs() < 0.01, "{p:?}");
}

/// Perfect resistors, dZ in either leg. The hot leg's common-mode input impedance is
/// R3 + R4 = (1+G)R; the cold leg's is R1 + R2 = (1+G)R too, because the inverting input follows
/// v(inp) = Vcm*G/(1+G), so the current into R1 is Vcm/((1+G)R). Solving as above with dZ in
/// series with either source:  CMRR = Zcm/dZ + 1/2,  Zcm = (1+G)*R,
/// which approaches 20*log10(Zcm/dZ) from above; the difference 20*log10(1 + dZ/(2 Zcm)) is
/// 0.002 dB at 10 ohm and 0.13 dB at 600 ohm into 20 kohm: the stated tolerance is 0.15 dB
/// against the approximation, 0.01 dB against the exact form.
#[test]
fn source_imbalance_limits_diff_amp_cmrr_to_zcm_over_dz() {
    for g in [1.0, 4.0] {
        let c = elaborate(&diff_amp(g, 0.0));
        let setup = setup_from_card(&c);
        let zcm = (1.0 + g) * 10e3;
        for dz in [10.0, 100.0, 600.0] {
            let p = cmrr_with_imbalance(&c, &setup, &[60.0, 10e3], dz).unwrap();
            for p in p {
                assert!((p.cmrr_db() - db(zcm / dz + 0.5)).abs() < 0.01, "{p:?}");
                assert!((p.cmrr_db() - db(zcm / dz)).abs() < 0.15, "{p:?}");
            }
        }
        // Without imbalance the bridge balances: Acm is 0 up to rounding.
        let p = cmrr(&c, &setup, &[60.0]).unwrap()[0];
        assert!(p.cmrr_db() > 200.0, "{p:?}");
    }
}

/// The transformer (10 H primaries, k = 0.9999, 50 pF from each primary end to the shield):
/// with 600 ohm of source imbalance the only common-mode path is the shield capacitance, so
/// Vdm/Vcm ~ dZ/|Zc| and CMRR ~ |Adm| * |Zc|/dZ, Zc = 1/(j*2*pi*f*50 pF) (53 Mohm at 60 Hz:
/// 98.3 dB with |Adm| = -0.68 dB). Tolerance 0.5 dB (the 1 pF primary-to-secondary capacitance
/// and the winding impedance in series with Cpsh are left out of the estimate). The op-amp
/// receiver with the same imbalance is at ~30 dB: the transformer is over 60 dB ahead.
#[test]
fn transformer_keeps_cmrr_with_600_ohm_imbalance() {
    let xf = elaborate(&root().join("netlists/rx_transformer.net"));
    let da = elaborate(&root().join("netlists/rx_diffamp.net"));
    let pt = cmrr_with_imbalance(&xf, &setup_from_card(&xf), &[60.0, 1e3], 600.0).unwrap();
    let pd = cmrr_with_imbalance(&da, &setup_from_card(&da), &[60.0], 600.0).unwrap();
    for p in &pt {
        let zc = 1.0 / (2.0 * std::f64::consts::PI * p.freq_hz * 50e-12);
        let expected = p.adm_db() + db(zc / 600.0);
        assert!(
            (p.cmrr_db() - expected).abs() < 0.5,
            "{} Hz: {} dB vs {expected} dB",
            p.freq_hz,
            p.cmrr_db()
        );
    }
    assert!(pt[0].cmrr_db() > pd[0].cmrr_db() + 60.0, "{pt:?} {pd:?}");
    assert!((pd[0].cmrr_db() - 30.44).abs() < 0.05, "{pd:?}");
}

/// Shared headphone return: left and right drivers (32 ohm + 20 uH) fed through 0.5 ohm
/// amplifier output impedances, returning through one Rg = 0.1 ohm to ground. Only the left
/// driven: the return node sits at Vs = Vl*Zp/(Zl + Zp), Zp = Rg || Zr; the right driver (idle
/// amplifier) sees Vs*Zd/Zr and the left (Vl - Vs)*Zd/Zl, so with Zl = Zr = Ro + Zd:
///   crosstalk = 20*log10|Zp/Zl| = 20*log10|Rg / (Rg + Zl)|   (-50.26 dB at low frequency).
/// Tolerance 1e-6 dB (a linear solve). Checked through the CLI's JSON (`balun xtalk`).
#[test]
fn shared_return_crosstalk_matches_divider() {
    let path = netlist_file(
        "headphones.net",
        "shared return\nVl la 0 AC 1\nVr ra 0 AC 0\nRol la lt 0.5\nRor ra rt 0.5\n\
         Rdl lt lc 32\nLdl lc s 20u\nRdr rt rc 32\nLdr rc s 20u\nRg s 0 0.1\n\
         .xtalk vl v(lt,s) vr v(rt,s)\n.ac dec 10 20 20k\n",
    );
    let freqs = [20.0, 1e3, 20e3];
    let (ok, out, err) = balun(&[
        "xtalk",
        path.to_str().unwrap(),
        "--freq",
        "20,1k,20k",
        "--json",
    ]);
    assert!(ok, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["channels"], serde_json::json!(["vl", "vr"]));
    for (i, &f) in freqs.iter().enumerate() {
        let zl = num_complex::Complex64::new(32.5, 2.0 * std::f64::consts::PI * f * 20e-6);
        let expected = db((0.1 / (0.1 + zl)).norm());
        let m = &doc["points"][i]["db"];
        for (v, a) in [(1, 0), (0, 1)] {
            let got = m[v][a].as_f64().unwrap();
            assert!((got - expected).abs() < 1e-6, "{f} Hz: {got} vs {expected}");
        }
        assert_eq!(m[0][0].as_f64(), Some(0.0));
    }
    assert!((db(0.1 / 32.6) - -50.26).abs() < 0.01);
}

/// Hum through the shield of an unbalanced link: signal Vs (100 ohm source) into Rin = 10 kohm
/// at the receiver, whose ground differs from the sender's by a ground-loop voltage Vg that
/// drives current through the shield (Rsh = 0.5 ohm) and the loop's other path (Rloop = 0.1).
/// Output: v(in) - v(receiver ground). By superposition (see measure::interference's unit test):
///   signal: Rin / (Ro + Rin + Rsh||Rloop);
///   hum:    (1 - vr) * Rin/(Ro + Rin),  vr = Rloop / (Rloop + Rsh||(Ro+Rin)).
/// Tolerance 1e-9 dB.
#[test]
fn hum_card_through_the_cli() {
    let path = netlist_file(
        "hum.net",
        "ground loop\nVs s sg AC 1\nVg sg 0 AC 1\nRo s a 100\nRin a rgnd 10k\nRsh sg rgnd 0.5\n\
         Rloop rgnd 0 0.1\n.hum v(a,rgnd) vs vg\n.ac lin 1 60 60\n",
    );
    let (ok, out, err) = balun(&["hum", path.to_str().unwrap(), "--json"]);
    assert!(ok, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let got = doc["points"][0]["relative_db"].as_f64().unwrap();
    let rp = 0.5 * 0.1 / 0.6;
    let sig = 10e3 / (100.0 + 10e3 + rp);
    let vr = 0.1 / (0.1 + 0.5 * 10.1e3 / (0.5 + 10.1e3));
    let hum = (1.0 - vr) * 10e3 / 10.1e3;
    assert!(
        (got - db(hum / sig)).abs() < 1e-9,
        "{got} vs {}",
        db(hum / sig)
    );
}

#[test]
fn cmrr_subcommand_table_and_flags() {
    let (ok, out, err) = balun(&[
        "cmrr",
        "netlists/rx_diffamp.net",
        "--imbalance",
        "0,600",
        "--freq",
        "60,1k",
    ]);
    assert!(ok, "{err}");
    assert!(out.contains("source imbalance 0 ohm"), "{out}");
    assert!(out.contains("source imbalance 600 ohm"), "{out}");
    let row = out
        .lines()
        .find(|l| l.starts_with("60 Hz"))
        .expect("a 60 Hz row");
    assert!(row.contains("66.03"), "{row}");
    // Flags override the card; a bad name is an error naming it, exit status 1.
    let (ok, out, _) = balun(&[
        "cmrr",
        "netlists/rx_diffamp.net",
        "--out",
        "v(out)",
        "--hot",
        "vcold",
        "--cold",
        "vhot",
        "--freq",
        "1k",
    ]);
    assert!(ok);
    assert!(out.contains("66.03"), "{out}");
    let (ok, _, err) = balun(&["cmrr", "netlists/rx_diffamp.net", "--hot", "r1"]);
    assert!(!ok);
    assert!(
        err.contains("'r1' is not an independent voltage source"),
        "{err}"
    );
    let (ok, _, err) = balun(&["cmrr", "netlists/rc_lowpass.net"]);
    assert!(!ok);
    assert!(err.contains("no '.cmrr OUT HOT COLD' card"), "{err}");
}

/// `balun compare` of the example receivers at 0, 10 and 600 ohm: a row per circuit and
/// imbalance, columns at 50, 60 Hz, 1, 10, 20 kHz; the transformer tens of dB ahead at 600 ohm.
#[test]
fn compare_prints_a_row_per_circuit_and_imbalance() {
    let files = [
        "netlists/rx_diffamp.net",
        "netlists/rx_inamp.net",
        "netlists/rx_transformer.net",
    ];
    let mut args = vec!["compare"];
    args.extend(files);
    args.extend(["--measure", "cmrr", "--imbalance", "0,10,600"]);
    let (ok, out, err) = balun(&args);
    assert!(ok, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[1].contains("50 Hz") && lines[1].contains("20 kHz"),
        "{out}"
    );
    let row = |name: &str, dz: &str| -> Vec<f64> {
        let l = lines
            .iter()
            .find(|l| l.starts_with(name) && l.contains(&format!(" {dz} ohm")))
            .unwrap_or_else(|| panic!("no row {name} {dz}:\n{out}"));
        l.split_whitespace()
            .skip(3)
            .map(|c| c.parse().unwrap())
            .collect()
    };
    assert_eq!(lines.len(), 3 + 9, "{out}");
    assert_eq!(row("rx_diffamp", "0"), vec![66.03; 5]);
    assert_eq!(row("rx_diffamp", "600")[1], 30.44);
    let xf = row("rx_transformer", "600");
    assert!(xf[1] > row("rx_diffamp", "600")[1] + 60.0, "{out}");
    assert!(xf[1] > row("rx_inamp", "600")[1] + 30.0, "{out}");

    args.push("--json");
    let (ok, out, err) = balun(&args);
    assert!(ok, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        doc["freqs_hz"],
        serde_json::json!([50.0, 60.0, 1e3, 10e3, 20e3])
    );
    let rows = doc["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 9);
    assert_eq!(rows[8]["circuit"], "rx_transformer");
    assert_eq!(rows[8]["imbalance_ohm"], 600.0);
    let db60 = rows[8]["db"][1].as_f64().unwrap();
    assert!((db60 - 98.4).abs() < 0.1, "{db60}");
}

/// `balun compare netlists/rx_*.net` (every example receiver, the library's rx_bootstrap and
/// rx_xfmr included) at 0, 10, 600 ohm, with `--plot`. At 600 ohm and 60 Hz each receiver
/// against its closed form 20*log10(Zcm/dZ), the worse leg adding the receiver's own
/// (balanced-source) common-mode error to the imbalance's (1/CMRR = 1/CMRR_imb + 1/CMRR_0):
/// - rx_diffamp: Zcm = 20 kohm per leg, exactly CMRR_imb = Zcm/dZ + 1/2 = 33.83; R4 0.1% high
///   gives CMRR_0 = 2001.5: 1/(1/33.83 + 1/2001.5) = 33.27 -> 30.44 dB (0.05 dB allowed:
///   op-amp gain 1e6);
/// - rx_inamp: Zcm = Rin = 1 Mohm, 1666.7, and CMRR_0 = 3*2001.5 (input gain 3 times the
///   difference stage's): 62.31 dB (0.05 dB);
/// - rx_ds_ne5532, rx_ds_tl072, rx_that1240: exact resistors (20 kohm per leg) around data-sheet
///   op-amps, so CMRR_0 is the op-amp's own CMRR at 60 Hz (100 dB, 86 dB) or the THAT1240's
///   trimmed 90 dB: 30.58, 30.57, 30.58 dB (0.05 dB);
/// - rx_bootstrap: Zcm = rb/(1-ab) = 10 Mohm: 84.44 dB (CMRR_0 ~ 145 dB is negligible); 0.3 dB
///   allowed for the op-amps' finite gain (a0 = 1e5) in the buffers and bootstrap;
/// - rx_xfmr and rx_transformer: Zcm = the 50 pF from each primary end to the grounded shield,
///   1/(2 pi 60 50p) = 53 Mohm: 98.94 dB; 1 dB allowed for the 1 pF primary-to-secondary
///   capacitances and the leakage, which the estimate leaves out.
///
/// The transformers are then ahead of the difference amplifier by ~68 dB, of the in-amp by
/// ~36 dB. The SVG has one curve per circuit and imbalance, each named in the legend.
#[test]
fn compare_library_receivers_against_closed_forms_and_plot() {
    let mut files: Vec<String> = std::fs::read_dir(root().join("netlists"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("rx_") && n.ends_with(".net"))
        .map(|n| format!("netlists/{n}"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 8, "{files:?}");
    let svg = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("balun-compare.svg");
    let mut args = vec!["compare"];
    args.extend(files.iter().map(String::as_str));
    args.extend(["--measure", "cmrr", "--imbalance", "0,10,600"]);
    args.extend(["--plot", svg.to_str().unwrap()]);
    let (ok, out, err) = balun(&args);
    assert!(ok, "{err}");
    let at_600_60hz = |name: &str| -> f64 {
        let l = out
            .lines()
            .find(|l| l.split_whitespace().next() == Some(name) && l.contains(" 600 ohm"))
            .unwrap_or_else(|| panic!("no row {name}:\n{out}"));
        l.split_whitespace().nth(4).unwrap().parse().unwrap()
    };
    let combine = |imb: f64, own: f64| db(1.0 / (1.0 / imb + 1.0 / own));
    let shield = 1.0 / (2.0 * std::f64::consts::PI * 60.0 * 50e-12 * 600.0);
    let cases = [
        ("rx_diffamp", combine(20e3 / 600.0 + 0.5, 2001.5), 0.05),
        ("rx_inamp", combine(1e6 / 600.0, 3.0 * 2001.5), 0.05),
        ("rx_bootstrap", db(10e6 / 600.0), 0.3),
        // Exact resistors around data-sheet op-amps: the imbalance's Zcm/dZ + 1/2 in series
        // with the op-amp's own CMRR (100 dB, 86 dB), or the THAT1240's trimmed 90 dB.
        ("rx_ds_ne5532", combine(20e3 / 600.0 + 0.5, 1e5), 0.05),
        (
            "rx_ds_tl072",
            combine(20e3 / 600.0 + 0.5, 10f64.powf(4.3)),
            0.05,
        ),
        (
            "rx_that1240",
            combine(20e3 / 600.0 + 0.5, 10f64.powf(4.5)),
            0.05,
        ),
        ("rx_xfmr", db(shield), 1.0),
        ("rx_transformer", db(shield), 1.0),
    ];
    for (name, expected, tol) in cases {
        let got = at_600_60hz(name);
        assert!(
            (got - expected).abs() < tol,
            "{name}: {got} dB vs closed form {expected:.2} dB\n{out}"
        );
    }
    let xfmr = at_600_60hz("rx_xfmr");
    assert!(xfmr > at_600_60hz("rx_diffamp") + 60.0, "{out}");
    assert!(xfmr > at_600_60hz("rx_inamp") + 30.0, "{out}");
    assert!(xfmr > at_600_60hz("rx_bootstrap") + 10.0, "{out}");

    let text = std::fs::read_to_string(&svg).unwrap();
    for f in &files {
        let stem = f.trim_start_matches("netlists/").trim_end_matches(".net");
        for dz in ["0", "10", "600"] {
            let label = format!("{stem}, {dz} ohm");
            // plotters writes each text on its own line.
            let n = text.lines().filter(|l| l.trim() == label).count();
            assert_eq!(n, 1, "{label}");
        }
    }
    assert!(text.contains("Frequency (Hz)") && text.contains("CMRR (dB)"));
    let _ = std::fs::remove_file(&svg);
}

#[test]
fn lookups_by_name() {
    let c = elaborate(&root().join("netlists/rx_diffamp.net"));
    assert!(find_vsource(&c, "VHOT").is_ok());
    let e = find_vsource(&c, "vhott").unwrap_err().to_string();
    assert!(e.contains("did you mean 'vhot'"), "{e}");
    assert!(find_output(&c, "v(out,0)").is_ok());
    assert!(find_output(&c, "nope").is_err());
}
