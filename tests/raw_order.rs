//! Raw files as ngspice 39 writes them: the order of the plots and every header byte.
//!
//! - `tests/raw_order/orders.txt` (written by `scripts/gen-raw-order.py` with ngspice 39) lists,
//!   for every ordered selection of `.op`, `.dc`, `.ac`, `.tran`, `.noise` (325 netlists) and a
//!   few netlists with two cards of one kind, the plots ngspice wrote, in order, as
//!   `NAME (POINTS)`. balun's raw file of each netlist must list the same plots in the same
//!   order (readers such as spicelib take the first plot of a file).
//! - `tests/raw_order/all.raw` and `all.bin` are ngspice's ASCII and binary raw files of
//!   `all.net` (every analysis): balun's files of the same netlist have the same headers byte
//!   for byte (the `Date:` line aside) and the same length.

mod common;

use balun::output::raw::{self, RawFormat, WriteOptions};
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/raw_order")
}

/// The circuit and cards of `scripts/gen-raw-order.py` (same text).
const CIRCUIT: &str = "v1 in 0 dc 1 ac 1 sin(0 1 1k)\nr1 in out 1k\nc1 out 0 1u\n";

fn card(key: &str) -> &'static str {
    match key {
        "op" => ".op",
        "dc" => ".dc v1 0 1 0.5",
        "ac" => ".ac dec 2 10 1k",
        "tran" => ".tran 0.1m 1m",
        "noise" => ".noise v(out) v1 dec 2 10 1k",
        "dc2" => ".dc v1 0 2 0.5",
        "ac2" => ".ac lin 3 10 1k",
        "tran2" => ".tran 0.1m 1m 0.5m",
        "noise2" => ".noise v(out) v1 lin 3 10 1k",
        other => panic!("orders.txt names an unknown card '{other}'"),
    }
}

fn netlist(keys: &[&str]) -> String {
    let cards: String = keys.iter().map(|k| format!("{}\n", card(k))).collect();
    format!("order {}\n{CIRCUIT}{cards}.end\n", keys.join(","))
}

/// balun's raw file of netlist `text` in `format`, dated `date`.
fn balun_raw(text: &str, name: &str, date: &str, format: RawFormat) -> Vec<u8> {
    let path = common::scratch_netlist("raw-order", name, text);
    let sim = balun::run_file(&path).unwrap_or_else(|f| panic!("{name}: {}", f.error));
    let options = WriteOptions {
        date: Some(date.into()),
        log_scale: None,
        format,
    };
    let mut out = Vec::new();
    raw::write(&mut out, &sim.circuit.title, &sim.plots, &options).expect("write");
    out
}

/// `NAME (POINTS)` of every plot of a raw file, in order.
fn plot_list(raw: &[u8]) -> Vec<String> {
    raw::read(raw)
        .expect("balun's raw file reads")
        .iter()
        .map(|p| format!("{} ({})", p.name, p.len()))
        .collect()
}

#[test]
fn plots_come_in_ngspice_order_for_every_combination_of_analyses() {
    let text = std::fs::read_to_string(dir().join("orders.txt")).expect("orders.txt");
    let mut cases = 0;
    let mut wrong = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let (keys, expected) = line.split_once(" => ").expect("KEYS => PLOTS");
        let keys: Vec<&str> = keys.split(',').collect();
        let expected: Vec<&str> = expected.split('|').collect();
        let raw = balun_raw(
            &netlist(&keys),
            &keys.join("_"),
            "Thu Dec  3 12:00:00  2026",
            RawFormat::Ascii,
        );
        let actual = plot_list(&raw);
        if actual != expected {
            wrong.push(format!(
                "{}: ngspice {expected:?}, balun {actual:?}",
                keys.join(",")
            ));
        }
        cases += 1;
    }
    assert_eq!(cases, 329, "orders.txt is incomplete");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The header of each plot of a raw file (every byte from `Title:` to `Values:`/`Binary:`
/// inclusive), with the `Date:` line, and the length of the data after it.
fn headers(raw: &[u8]) -> Vec<(String, usize)> {
    // ASCII values are followed by a line starting `Title: `; binary data by `Title: ` right
    // after its last byte, where the data's length (points x variables x 8 or 16 bytes) ends.
    let starts: Vec<usize> = (0..raw.len())
        .filter(|&i| raw[i..].starts_with(b"\nTitle: "))
        .map(|i| i + 1)
        .collect();
    let mut out = Vec::new();
    let mut at = 0;
    while at < raw.len() {
        assert!(
            raw[at..].starts_with(b"Title: "),
            "a header starts at byte {at}"
        );
        let text_end = ["Values:\n", "Binary:\n"]
            .iter()
            .filter_map(|m| {
                raw[at..]
                    .windows(m.len())
                    .position(|w| w == m.as_bytes())
                    .map(|p| at + p + m.len())
            })
            .min()
            .expect("Values: or Binary:");
        let header = String::from_utf8(raw[at..text_end].to_vec()).expect("ASCII header");
        let field = |name: &str| -> usize {
            header
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or_else(|| panic!("{name} in {header}"))
        };
        let (vars, points) = (field("No. Variables:"), field("No. Points:"));
        let data_end = if header.ends_with("Binary:\n") {
            let value = if header.contains("Flags: complex") {
                16
            } else {
                8
            };
            text_end + vars * points * value
        } else {
            // ASCII: the next header, or the end.
            starts
                .iter()
                .copied()
                .find(|&s| s > text_end)
                .unwrap_or(raw.len())
        };
        out.push((header, data_end - text_end));
        at = data_end;
    }
    out
}

/// The `Date:` of the first plot of an ngspice raw file.
fn date_of(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(&raw[..raw.len().min(200)]).into_owned();
    text.lines()
        .find_map(|l| l.strip_prefix("Date: "))
        .expect("Date:")
        .to_string()
}

fn assert_same_headers(reference: &str, format: RawFormat) {
    let path = dir().join(reference);
    let theirs = std::fs::read(&path).expect("reference raw file");
    let text = std::fs::read_to_string(dir().join("all.net")).expect("all.net");
    let ours = balun_raw(&text, "all", &date_of(&theirs), format);
    let (a, b) = (headers(&theirs), headers(&ours));
    assert_eq!(a.len(), b.len(), "number of plots");
    for ((h1, n1), (h2, n2)) in a.iter().zip(&b) {
        assert_eq!(h1, h2, "header of {reference}");
        if format == RawFormat::Binary {
            assert_eq!(n1, n2, "data bytes after\n{h1}");
        }
    }
    if format == RawFormat::Binary {
        assert_eq!(theirs.len(), ours.len(), "file length");
    }
}

#[test]
fn ascii_headers_are_ngspices_byte_for_byte() {
    assert_same_headers("all.raw", RawFormat::Ascii);
}

#[test]
fn binary_headers_are_ngspices_byte_for_byte() {
    assert_same_headers("all.bin", RawFormat::Binary);
}

/// The committed references are what ngspice 39 writes today (skipped without ngspice, failing
/// in CI when it is missing).
#[test]
fn references_are_current() {
    if !common::ngspice_available() {
        assert!(std::env::var_os("CI").is_none(), "ngspice missing in CI");
        eprintln!("ngspice not installed: skipped");
        return;
    }
    let tmp = common::temp_dir("raw-order", "current");
    let (committed, fresh) =
        common::committed_and_fresh_raw(&dir(), &tmp, "all").expect("ngspice runs");
    // Headers without their dates (the ASCII data holds ngspice's uninitialised imaginary part
    // of the frequency, whose length in characters changes from run to run).
    let undated = |raw: &str| -> Vec<String> {
        headers(raw.as_bytes())
            .into_iter()
            .map(|(h, _)| {
                let h: Vec<&str> = h.lines().filter(|l| !l.starts_with("Date: ")).collect();
                h.join("\n")
            })
            .collect()
    };
    assert_eq!(undated(&committed), undated(&fresh));
}

/// Every committed ngspice reference (`tests/{parity,tran,noise,pspice,pspice_tran}/*.raw`, made by
/// `scripts/regen-parity.sh`): balun's plots of the same netlist, in the order its raw file
/// writes them, have ngspice's names and vectors in ngspice's order (node voltages in order of
/// first appearance, then branch currents in ngspice's setup order, controlling sources with
/// the devices that read them).
#[test]
fn vectors_come_in_ngspice_order_in_every_reference() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut checked = 0;
    let mut wrong = Vec::new();
    for dir in ["parity", "tran", "noise", "pspice", "pspice_tran"] {
        let mut nets: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .expect("reference directory")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "net"))
            .filter(|p| p.with_extension("raw").is_file())
            .collect();
        nets.sort();
        for net in nets {
            let text = std::fs::read_to_string(net.with_extension("raw")).expect("reference");
            let theirs = raw::read_ascii(&text).expect("reference parses");
            let sim = balun::run_file(&net).unwrap_or_else(|f| panic!("{net:?}: {}", f.error));
            // Names as the raw files write them, case aside (ngspice's `.tf` writes
            // `v(Transfer_function)` for balun's `transfer_function`).
            let names = |p: &balun::solver::Plot| -> Vec<String> {
                std::iter::once(p.name.clone())
                    .chain(
                        p.scale
                            .iter()
                            .chain(&p.vectors)
                            .map(|v| raw::raw_name(v).to_lowercase()),
                    )
                    .collect()
            };
            let ours: Vec<Vec<String>> = raw::ngspice_plot_order(&sim.plots)
                .into_iter()
                .map(|i| names(&sim.plots[i]))
                .collect();
            let theirs: Vec<Vec<String>> = theirs.iter().map(names).collect();
            if ours != theirs {
                wrong.push(format!(
                    "{}: ngspice {theirs:?}\nbalun {ours:?}",
                    net.display()
                ));
            }
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} references");
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}
