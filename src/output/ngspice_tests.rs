//! Tests that run ngspice 39 on balun's binary raw files and compare with ngspice's own.
//!
//! Without ngspice on PATH they are skipped, unless the environment variable `CI` is set, in
//! which case they fail.

use super::raw::{self, RawFormat, WriteOptions};
use solver::{Data, Plot};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Is ngspice runnable? If not: panics when `CI` is set, else says so and returns false.
fn ngspice_or_skip(test: &str) -> bool {
    let ok = Command::new("ngspice")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "{test}: ngspice is not on PATH but CI is set (install ngspice 39)"
        );
        println!("{test}: ngspice not on PATH, skipped (set CI to make this fail)");
    }
    ok
}

/// A scratch directory removed (with its files) when dropped, also when the test panics.
struct TempDir(PathBuf);

impl std::ops::Deref for TempDir {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn temp_dir(test: &str) -> TempDir {
    let dir = std::env::temp_dir().join(format!("balun-raw-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    TempDir(dir)
}

/// Simulates `net` with balun and writes its plots as a binary raw file at `out`.
fn balun_binary(net: &Path, out: &Path) -> Vec<Plot> {
    let sim = crate::run_file(net).unwrap_or_else(|f| panic!("balun fails: {}", f.error));
    let options = WriteOptions {
        format: RawFormat::Binary,
        ..WriteOptions::default()
    };
    let mut file = std::io::BufWriter::new(std::fs::File::create(out).expect("create raw"));
    raw::write(&mut file, &sim.circuit.title, &sim.plots, &options).expect("write raw");
    std::io::Write::flush(&mut file).expect("flush raw");
    sim.plots
}

/// A divider with a capacitor (one branch current, so the variable order is unambiguous),
/// lower case like ngspice writes names and titles.
fn divider(analysis: &str) -> String {
    format!(
        "divider\nv1 in 0 dc 10 ac 1\nr1 in out 1k\nr2 out 0 2.2k\nc1 out 0 1u\n{analysis}\n.end\n"
    )
}

/// ngspice `load`s balun's binary raw file and `print`s `v(out)` of the AC and DC plots with 16
/// digits: the numbers are balun's (to the 15-16 digits printed).
#[test]
fn ngspice_loads_balun_binary_raw() {
    if !ngspice_or_skip("ngspice_loads_balun_binary_raw") {
        return;
    }
    let dir = temp_dir("load");
    let net = dir.join("div.net");
    std::fs::write(&net, divider(".dc v1 0 2 0.5\n.ac dec 5 10 100k")).expect("write netlist");
    let raw_path = dir.join("div.raw");
    let plots = balun_binary(&net, &raw_path);
    let control = dir.join("load.cir");
    std::fs::write(
        &control,
        format!(
            "* load balun's raw file\n.control\nset numdgt=15\nload {}\nsetplot dc1\nprint v(out)\nsetplot ac1\nprint v(out)\n.endc\n.end\n",
            raw_path.display()
        ),
    )
    .expect("write control file");
    let out = Command::new("ngspice")
        .arg("-b")
        .arg(&control)
        .output()
        .expect("run ngspice");
    // ngspice exits with 1 here ("no simulations run"): judge by what it printed.
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stdout.contains("Loading raw data file") && !stderr.to_lowercase().contains("error"),
        "ngspice did not load the file:\n{stdout}\n{stderr}"
    );
    // `print` writes `INDEX<TAB>re` (real) or `INDEX<TAB>re,<TAB>im` (complex) per point; the
    // DC table comes first, then the AC table.
    let mut tables: Vec<Vec<(f64, f64)>> = Vec::new();
    for line in stdout.lines() {
        if line.starts_with("Index") {
            tables.push(Vec::new());
            continue;
        }
        let fields: Vec<&str> = line
            .split('\t')
            .map(|f| f.trim().trim_end_matches(','))
            .filter(|f| !f.is_empty())
            .collect();
        let Some(table) = tables.last_mut() else {
            continue;
        };
        if fields.len() < 2 || fields[0].parse::<usize>().is_err() {
            continue;
        }
        let re: f64 = fields[1].parse().expect("a number");
        let im: f64 = fields.get(2).map_or(0.0, |f| f.parse().expect("a number"));
        table.push((re, im));
    }
    assert_eq!(tables.len(), 2, "two tables in:\n{stdout}\n{stderr}");
    let expect = |plot: &Plot, table: &[(f64, f64)]| {
        let v = plot.vector("v(out)").expect("v(out)");
        assert_eq!(v.data.len(), table.len(), "{}: points", plot.name);
        for (i, &(re, im)) in table.iter().enumerate() {
            let z = v.data.at(i);
            // ngspice prints 16 significant digits of the real part and 15 of the imaginary
            // part: agreement to 1e-14 of |z| means it read the very numbers balun wrote.
            let tol = 1e-14 * z.norm().max(1e-300);
            assert!(
                (z.re - re).abs() <= tol && (z.im - im).abs() <= tol,
                "{} point {i}: balun {z}, ngspice read ({re}, {im})",
                plot.name
            );
        }
    };
    assert_eq!(plots.len(), 2);
    assert!(matches!(plots[1].vectors[0].data, Data::Complex(_)));
    expect(&plots[0], &tables[0]);
    expect(&plots[1], &tables[1]);
}

/// balun's binary raw file against ngspice's for `.op`, `.dc` and `.ac`: headers byte for byte
/// but the `Date:` line; data the same length, every `f64` bit-identical except the frequency's
/// imaginary part (ngspice's garbage) and, in AC, values within 1e-12 relative (the LU
/// factorisations round differently; the layout is what is under test here).
#[test]
fn binary_raw_matches_ngspice_layout() {
    if !ngspice_or_skip("binary_raw_matches_ngspice_layout") {
        return;
    }
    let dir = temp_dir("layout");
    for (name, analysis) in [
        ("op", ".op"),
        ("dc", ".dc v1 0 2 0.25"),
        ("ac", ".ac dec 5 10 100k"),
    ] {
        let net = dir.join(format!("{name}.net"));
        std::fs::write(&net, divider(analysis)).expect("write netlist");
        let ours = dir.join(format!("{name}.balun.raw"));
        let theirs = dir.join(format!("{name}.ngspice.raw"));
        balun_binary(&net, &ours);
        let run = Command::new("ngspice")
            .arg("-b")
            .arg("-r")
            .arg(&theirs)
            .arg(&net)
            .env_remove("SPICE_ASCIIRAWFILE")
            .output()
            .expect("run ngspice");
        assert!(run.status.success(), "{name}: ngspice failed");
        let ours = std::fs::read(&ours).expect("balun raw");
        let theirs = std::fs::read(&theirs).expect("ngspice raw");
        compare_binary(name, &ours, &theirs);
    }
}

fn compare_binary(name: &str, ours: &[u8], theirs: &[u8]) {
    let split = |bytes: &[u8]| {
        let at = bytes
            .windows(8)
            .position(|w| w == b"Binary:\n")
            .unwrap_or_else(|| panic!("{name}: no 'Binary:' line"))
            + 8;
        let header: Vec<String> = String::from_utf8_lossy(&bytes[..at])
            .lines()
            .filter(|l| !l.starts_with("Date:"))
            .map(str::to_string)
            .collect();
        let values: Vec<f64> = bytes[at..]
            .chunks(8)
            .map(|c| f64::from_le_bytes(c.try_into().expect("whole f64s")))
            .collect();
        (header, values)
    };
    let (our_header, our_values) = split(ours);
    let (their_header, their_values) = split(theirs);
    assert_eq!(our_header, their_header, "{name}: headers");
    assert_eq!(our_values.len(), their_values.len(), "{name}: data length");
    let complex = their_header.iter().any(|l| l == "Flags: complex");
    let n_vars = their_header.iter().filter(|l| l.starts_with('\t')).count();
    for (i, (&a, &b)) in our_values.iter().zip(&their_values).enumerate() {
        if complex && i % (2 * n_vars) == 1 {
            assert_eq!(
                a, 0.0,
                "{name}: balun writes 0 as the frequency's imaginary part"
            );
            continue;
        }
        let ok = a.to_bits() == b.to_bits() || (complex && (a - b).abs() <= 1e-12 * b.abs());
        assert!(ok, "{name}: f64 number {i}: balun {a:e}, ngspice {b:e}");
    }
}
