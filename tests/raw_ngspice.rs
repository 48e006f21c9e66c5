//! ngspice reads the raw files balun writes, in both layouts: `balun run --raw` (ASCII, and
//! `--raw-format binary`), then `ngspice -b` with a control script that `load`s the file and
//! prints one vector of each plot. The printed values must be the circuit's closed-form values.
//!
//! ngspice missing: the test fails when the environment variable `CI` is set, and is skipped
//! (with a message) otherwise.

mod common;
use common::*;

use std::process::Command;

/// A divider with a capacitor: `.op` v(out) = 10 * 1k/2k = 5 V; `.dc V1 0 2 1` gives 0, 0.5, 1;
/// `.ac dec 2 10 100` gives |v(out)| = |1 / (2 + j w R C)| at 10, 31.6, 100 Hz
/// (R = 1k, C = 1 uF: R2 || C over R1 + R2 || C with R1 = R2 = R).
const NETLIST: &str = "load test\nV1 in 0 DC 10 AC 1\nR1 in out 1k\nR2 out 0 1k\nC1 out 0 1u\n\
                       .op\n.dc V1 0 2 1\n.ac dec 2 10 100\n.end\n";

/// The numbers ngspice prints in its `print` tables (`INDEX<TAB>VALUE<TAB>`) and `name = value`
/// lines, in order.
fn printed_values(stdout: &str) -> Vec<f64> {
    stdout
        .lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('\t').collect();
            if cells.len() >= 2 && cells[0].trim().parse::<usize>().is_ok() {
                return cells[1].trim().parse().ok();
            }
            l.split_once(" = ").and_then(|(_, v)| v.trim().parse().ok())
        })
        .collect()
}

#[test]
fn ngspice_loads_balun_raw_files_in_both_layouts() {
    if !ngspice_available() {
        assert!(std::env::var_os("CI").is_none(), "ngspice missing in CI");
        eprintln!("ngspice not installed: skipped");
        return;
    }
    let dir = temp_dir("raw-ngspice", "load");
    let net = write(&dir, "lt.net", NETLIST);
    let (r, c) = (1e3, 1e-6);
    let mut expected = vec![0.0, 0.5, 1.0];
    for k in 0..3 {
        let f = 10f64 * 10f64.powf(k as f64 / 2.0);
        let w = 2.0 * std::f64::consts::PI * f;
        expected.push(1.0 / (4.0 + (w * r * c).powi(2)).sqrt());
    }
    expected.push(5.0);
    for layout in ["ascii", "binary"] {
        let raw = dir.join(format!("{layout}.raw"));
        let out = Command::new(env!("CARGO_BIN_EXE_balun"))
            .args([
                "run".as_ref(),
                net.as_os_str(),
                "--raw".as_ref(),
                raw.as_os_str(),
            ])
            .args(["--raw-format", layout, "-q"])
            .output()
            .expect("run balun");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let script = write(
            &dir,
            &format!("load_{layout}.cir"),
            &format!(
                "* load\n.control\nload {}\nsetplot dc1\nprint v(out)\nsetplot ac1\n\
                 print mag(v(out))\nsetplot op1\nprint v(out)\n.endc\n.end\n",
                raw.display()
            ),
        );
        let ng = Command::new("ngspice")
            .arg("-b")
            .arg(&script)
            .output()
            .expect("run ngspice");
        let stdout = String::from_utf8_lossy(&ng.stdout);
        let got = printed_values(&stdout);
        assert_eq!(
            got.len(),
            expected.len(),
            "{layout}: ngspice printed\n{stdout}"
        );
        for (g, e) in got.iter().zip(&expected) {
            // ngspice prints 7 significant digits.
            assert!(
                (g - e).abs() <= 1e-6 * e.abs().max(1e-3),
                "{layout}: {g} vs {e}\n{stdout}"
            );
        }
    }
}
