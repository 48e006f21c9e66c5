//! Helpers shared by the integration tests: ngspice comparisons (`parity_ngspice`,
//! `parity_tran`, `library_parity`) and temporary netlists (`cli`, `plot`, `step`).
#![allow(dead_code)]

use balun::solver::{Unit, Vector};
use num_complex::Complex64;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A fresh, empty directory for one test, `balun-KIND-PID-TEST` under the system's temporary
/// directory, removed when the guard drops (also when the test panics), so repeated runs do
/// not fill the disk.
pub fn temp_dir(kind: &str, test: &str) -> TempDir {
    let dir = std::env::temp_dir().join(format!("balun-{kind}-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    TempDir(dir)
}

/// A scratch directory that is deleted with everything in it when dropped; derefs to its path.
pub struct TempDir(PathBuf);

impl std::ops::Deref for TempDir {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for TempDir {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<std::ffi::OsStr> for TempDir {
    fn as_ref(&self) -> &std::ffi::OsStr {
        self.0.as_os_str()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Writes netlist `text` to a file of its own, `NAME-K.net` (K counts the calls: tests run in
/// parallel and may use one name), in directory `balun-KIND` of the tests' scratch space
/// (`target/tmp`), and returns its path.
pub fn scratch_netlist(kind: &str, name: &str, text: &str) -> PathBuf {
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("balun-{kind}"));
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    let path = dir.join(format!("{name}-{call}.net"));
    std::fs::write(&path, text).expect("write netlist");
    path
}

/// Writes `text` to `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write netlist");
    path
}

/// Whether `ngspice` runs on this machine.
pub fn ngspice_available() -> bool {
    Command::new("ngspice")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Whether `v` is an AC frequency scale.
pub fn is_frequency(v: &Vector) -> bool {
    v.unit == Unit::Frequency || v.name == "frequency"
}

/// The value compared at point `i`: ngspice's `frequency` has garbage in its imaginary part.
pub fn value_at(v: &Vector, i: usize) -> Complex64 {
    let z = v.data.at(i);
    if is_frequency(v) {
        Complex64::new(z.re, 0.0)
    } else {
        z
    }
}

/// Largest magnitude in a vector.
pub fn max_abs(v: &Vector) -> f64 {
    (0..v.data.len())
        .map(|i| value_at(v, i).norm())
        .fold(0.0, f64::max)
}

/// Writes `text` as `net.net` beside the library file `balun` (so `.lib balun SECTION` works in
/// ngspice) in `dir`, runs `SPICE_ASCIIRAWFILE=1 ngspice -b -r out.raw net.net` there and
/// returns the raw file's text, or ngspice's log when it wrote none.
pub fn ngspice_with_library(dir: &std::path::Path, text: &str) -> Result<String, String> {
    std::fs::write(dir.join("balun"), library::ngspice_lib_file()).expect("write library");
    std::fs::write(dir.join("net.net"), text).expect("write netlist");
    let out = Command::new("ngspice")
        .current_dir(dir)
        .env("SPICE_ASCIIRAWFILE", "1")
        .args(["-b", "-r", "out.raw", "net.net"])
        .output()
        .expect("run ngspice");
    std::fs::read_to_string(dir.join("out.raw")).map_err(|e| {
        format!(
            "ngspice wrote no raw file ({e})\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// Checks that the `.net` files directly in `dir` are exactly `cases` (the test file's list,
/// named `list` in the message) and that each has its committed ngspice reference `NAME.raw`.
pub fn assert_cases_match_netlists(dir: &std::path::Path, cases: &[&str], list: &str) {
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| {
            let path = e.ok()?.path();
            (path.extension()? == "net").then(|| path.file_stem()?.to_str().map(String::from))?
        })
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = cases.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(
        on_disk,
        listed,
        "the .net files in {} and {list} differ",
        dir.display()
    );
    for case in &on_disk {
        assert!(
            dir.join(format!("{case}.raw")).is_file(),
            "{}/{case}.raw is missing: run scripts/regen-parity.sh",
            dir.display()
        );
    }
}

/// Runs ngspice on `dir/CASE.net` as `scripts/regen-parity.sh` does (from `dir`,
/// `SPICE_ASCIIRAWFILE=1 ngspice -b -r OUT CASE.net`, OUT in `tmp`) and returns the committed
/// `dir/CASE.raw` and the fresh raw text, or what went wrong, naming the case.
pub fn committed_and_fresh_raw(
    dir: &Path,
    tmp: &Path,
    case: &str,
) -> Result<(String, String), String> {
    let out = tmp.join(format!("{case}.raw"));
    Command::new("ngspice")
        .current_dir(dir)
        .env("SPICE_ASCIIRAWFILE", "1")
        .arg("-b")
        .arg("-r")
        .arg(&out)
        .arg(format!("{case}.net"))
        .output()
        .map_err(|e| format!("{case}: cannot run ngspice: {e}"))?;
    let fresh = std::fs::read_to_string(&out)
        .map_err(|e| format!("{case}: ngspice wrote no raw file ({e})"))?;
    let committed = std::fs::read_to_string(dir.join(format!("{case}.raw")))
        .map_err(|e| format!("{case}: no committed raw ({e})"))?;
    Ok((committed, fresh))
}
