//! `.print` parity with ngspice 39's batch output (`ngspice -b NAME.net`).
//!
//! Every `tests/print/NAME.net` has ngspice's printed tables committed beside it
//! (`scripts/regen-print.sh`): `NAME.ngspice` as ngspice prints them (`%e`, 6 decimals) and
//! `NAME.ngspice15` printed with `set numdgt=15`. Each case checks:
//! - **columns**: the tables balun makes for the `.print` cards (`balun::output::print::
//!   card_tables`: one per card and plot, in card order, lines ngspice drops dropped) are
//!   ngspice's tables, with the same column names in the same order (names as ngspice's header
//!   shows them: cut to 15 characters, 31 for a complex column);
//! - **values**, from `NAME.ngspice15` (16 significant digits, so the reference is exact to
//!   about 1e-15): op/dc/ac at the parity tolerance of `tests/parity_ngspice.rs`,
//!   `|a - b| <= 1e-6 |b| + 1e-12 max|b|` (`|.|` the complex modulus, `max` over the column);
//!   tran at that of `tests/parity_tran.rs`, 0.5% of the column's range, ngspice's table
//!   interpolated at balun's time points (each simulator chooses its own);
//! - **text**: `balun run --print-style ngspice` prints exactly `NAME.ngspice` (dates aside) for
//!   op/dc/ac; for tran, whose numbers depend on the time points, the same page headings in the
//!   same order.
//!
//! Run with `cargo test --release --test print_parity -- --nocapture` to see the worst
//! differences.

use balun::output::print::{card_tables, Table};
use solver::Data;
use std::path::{Path, PathBuf};
use std::process::Command;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/print")
}

/// A value of ngspice's table: real, or complex (`re,\tim`).
type Cell = (f64, f64);

/// One `com_print` call: its columns (the scale first, when the plot has one), every point,
/// joined from its column pages and row pages.
#[derive(Debug, Default)]
struct NgTable {
    columns: Vec<(String, bool, Vec<Cell>)>,
}

/// Parses ngspice's `.print` output: a table starts at a title not preceded by a form feed;
/// a title after a form feed starts another column page of the same table (whose first
/// column repeats the scale); an `Index` heading without a title continues the rows.
fn parse(text: &str) -> Vec<NgTable> {
    let lines: Vec<&str> = text.lines().collect();
    let mut tables: Vec<NgTable> = Vec::new();
    // Indices into the current table's columns of the current page's columns.
    let mut page: Vec<usize> = Vec::new();
    let mut header: Option<&str> = None;
    let mut new_columns = false;
    let mut skip_first = false;
    for (i, line) in lines.iter().enumerate() {
        if line.ends_with("  DATE") {
            let continued = i >= 2 && lines[i - 2] == "\x0c";
            if !continued {
                tables.push(NgTable::default());
            }
            new_columns = true;
            continue;
        }
        if line.starts_with("Index   ") {
            header = Some(line);
            continue;
        }
        let Some(first) = line.split('\t').next() else {
            continue;
        };
        if first.is_empty() || !first.bytes().all(|b| b.is_ascii_digit()) || !line.contains('\t') {
            continue;
        }
        // A row: cells separated by tabs, a complex one as `re,\tim`.
        let mut cells: Vec<(Cell, bool)> = Vec::new();
        let mut parts = line.split('\t').skip(1).filter(|p| !p.is_empty());
        while let Some(p) = parts.next() {
            let num = |s: &str| {
                s.parse::<f64>()
                    .unwrap_or_else(|_| panic!("'{s}' in '{line}'"))
            };
            match p.strip_suffix(',') {
                Some(re) => {
                    let im = parts.next().expect("the imaginary part");
                    cells.push(((num(re), num(im)), true));
                }
                None => cells.push(((num(p), 0.0), false)),
            }
        }
        let table = tables.last_mut().expect("a row before any title");
        if new_columns {
            // The page's column names, from the heading and this row's cell widths.
            let h = header.expect("a row before its heading");
            let mut at = 8;
            let mut names = Vec::new();
            for (_, complex) in &cells {
                let w = if *complex { 32 } else { 16 };
                let end = (at + w).min(h.len());
                names.push(h.get(at..end).unwrap_or("").trim_end().to_string());
                at += w;
            }
            // A later column page repeats the scale, which is already there.
            skip_first = !table.columns.is_empty() && table.columns[0].0 == names[0];
            page.clear();
            for (name, (_, complex)) in names.into_iter().zip(&cells) {
                table.columns.push((name, *complex, Vec::new()));
                page.push(table.columns.len() - 1);
            }
            if skip_first {
                table.columns.remove(page[0]);
                page[0] = 0;
                for p in page.iter_mut().skip(1) {
                    *p -= 1;
                }
            }
            new_columns = false;
        }
        for (k, (cell, _)) in cells.into_iter().enumerate() {
            if k == 0 && skip_first {
                continue;
            }
            table.columns[page[k]].2.push(cell);
        }
    }
    tables
}

/// ngspice's header shows 15 characters of a real column's name, 31 of a complex one's.
fn shown(name: &str, complex: bool) -> String {
    name.chars().take(if complex { 31 } else { 15 }).collect()
}

/// balun's table as (name, complex, cells), the scale first.
fn ours(t: &Table) -> Vec<(String, bool, Vec<Cell>)> {
    let mut out = Vec::new();
    if let Some(s) = &t.plot.scale {
        let name = s.name.trim_start_matches("v(").trim_end_matches(')');
        let name = if s.name.starts_with("v(") {
            name
        } else {
            &s.name
        };
        let cells = (0..s.data.len()).map(|i| (s.data.at(i).re, 0.0)).collect();
        out.push((name.to_string(), false, cells));
    }
    for c in &t.columns {
        let complex = matches!(c.data, Data::Complex(_));
        let cells = (0..c.data.len())
            .map(|i| {
                let z = c.data.at(i);
                (z.re, z.im)
            })
            .collect();
        out.push((shown(&c.name, complex), complex, cells));
    }
    out
}

fn interpolate(ts: &[f64], ys: &[f64], t: f64) -> f64 {
    let k = ts.partition_point(|&x| x < t).clamp(1, ts.len() - 1);
    let (t0, t1, y0, y1) = (ts[k - 1], ts[k], ys[k - 1], ys[k]);
    if t1 == t0 {
        y1
    } else {
        y0 + (y1 - y0) * (t - t0) / (t1 - t0)
    }
}

/// Compares every table of `name`; returns the worst (relative difference or fraction of
/// range, where) for the report.
fn check_values(name: &str, tran: bool) -> (f64, String) {
    let net = dir().join(format!("{name}.net"));
    let reference = std::fs::read_to_string(dir().join(format!("{name}.ngspice15")))
        .unwrap_or_else(|e| panic!("{name}.ngspice15: {e} (run scripts/regen-print.sh)"));
    let expected = parse(&reference);
    let sim = balun::run_file(&net).unwrap_or_else(|f| panic!("{name}: {}", f.error));
    let (tables, notes) = card_tables(&sim.circuit.prints, &sim.plots);
    assert!(notes.is_empty(), "{name}: {notes:?}");
    assert_eq!(
        tables.len(),
        expected.len(),
        "{name}: balun makes {} .print tables, ngspice printed {}",
        tables.len(),
        expected.len()
    );
    let mut worst = (0.0f64, String::new());
    for (k, (t, e)) in tables.iter().zip(&expected).enumerate() {
        let got = ours(t);
        let names = |cols: &[(String, bool, Vec<Cell>)]| {
            cols.iter().map(|c| c.0.clone()).collect::<Vec<_>>()
        };
        assert_eq!(names(&got), names(&e.columns), "{name}: table {k} columns");
        for ((col, complex, a), (_, ng_complex, b)) in got.iter().zip(&e.columns) {
            assert_eq!(
                complex, ng_complex,
                "{name}: table {k} column {col}: complex?"
            );
            let place = |i: usize| format!("table {k} ({}) column {col} point {i}", t.key);
            if tran {
                let ts: Vec<f64> = e.columns[0].2.iter().map(|c| c.0).collect();
                let ys: Vec<f64> = b.iter().map(|c| c.0).collect();
                let lo = ys.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = ys.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let range = hi - lo;
                let times: Vec<f64> = got[0].2.iter().map(|c| c.0).collect();
                for (i, (&t, y)) in times.iter().zip(a).enumerate() {
                    let diff = (y.0 - interpolate(&ts, &ys, t)).abs();
                    let ratio = if range > 0.0 {
                        diff / range
                    } else {
                        diff / 1e-12
                    };
                    assert!(
                        ratio <= 0.005,
                        "{name}: {}: balun {} ngspice {} (range {range})",
                        place(i),
                        y.0,
                        interpolate(&ts, &ys, t)
                    );
                    if ratio > worst.0 {
                        worst = (ratio, place(i));
                    }
                }
                continue;
            }
            assert_eq!(a.len(), b.len(), "{name}: table {k} column {col}: points");
            let modulus = |c: &Cell| c.0.hypot(c.1);
            let max_abs = b.iter().map(modulus).fold(0.0, f64::max);
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                let diff = (x.0 - y.0).hypot(x.1 - y.1);
                let tol = 1e-6 * modulus(y) + 1e-12 * max_abs;
                assert!(
                    diff <= tol,
                    "{name}: {}: balun {x:?} ngspice {y:?} (diff {diff:e} > {tol:e})",
                    place(i)
                );
                let rel = if modulus(y) > 0.0 {
                    diff / modulus(y)
                } else {
                    0.0
                };
                if rel > worst.0 {
                    worst = (rel, place(i));
                }
            }
        }
    }
    worst
}

/// `balun run NAME.net --print-style ngspice` (from inside tests/print), dates replaced.
fn balun_text(name: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_balun"))
        .args(["run", &format!("{name}.net"), "--print-style", "ngspice"])
        .current_dir(dir())
        .output()
        .expect("run balun");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .map(|l| {
            // `NAME  Thu Dec  3 15:23:48  2026` -> `NAME  DATE` (the date is 25 characters).
            if l.len() > 27
                && l.as_bytes()[l.len() - 27..].starts_with(b"  ")
                && l.ends_with(char::is_numeric)
            {
                let cut = l.len() - 25;
                if l[cut..].chars().filter(|c| *c == ':').count() == 2 {
                    return format!("{}DATE", &l[..cut]);
                }
            }
            l.to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn reference_text(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .collect::<Vec<_>>()
        .join("\n")
}

fn check_text(name: &str, exact: bool) {
    let got = balun_text(name);
    let want = reference_text(&dir().join(format!("{name}.ngspice")));
    let (got, want) = (got.trim_end(), want.trim_end());
    if exact {
        if got != want {
            let line = got
                .lines()
                .zip(want.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(got.lines().count().min(want.lines().count()));
            panic!(
                "{name}: balun --print-style ngspice differs from ngspice at line {}:\n  balun:   {:?}\n  ngspice: {:?}",
                line + 1,
                got.lines().nth(line),
                want.lines().nth(line)
            );
        }
        return;
    }
    // Headings only (titles, plot names, column headings), consecutive repeats collapsed.
    let headings = |text: &str| {
        let mut out: Vec<String> = Vec::new();
        for l in text.lines() {
            let heading = !l.starts_with(|c: char| c.is_ascii_digit())
                && !l.starts_with('-')
                && !l.trim().is_empty()
                && l != "\x0c";
            if heading && out.last().map(String::as_str) != Some(l) {
                out.push(l.to_string());
            }
        }
        out
    };
    assert_eq!(headings(got), headings(want), "{name}: page headings");
}

#[test]
fn op_and_dc() {
    let (worst, at) = check_values("op_dc", false);
    println!("print op_dc: worst relative difference {worst:.2e} ({at})");
    check_text("op_dc", true);
}

#[test]
fn ac_forms_and_dropped_lines() {
    let (worst, at) = check_values("ac", false);
    println!("print ac: worst relative difference {worst:.2e} ({at})");
    check_text("ac", true);
}

#[test]
fn tran() {
    let (worst, at) = check_values("tran", true);
    println!("print tran: worst difference {worst:.2e} of range ({at})");
    check_text("tran", false);
}

/// `balun run` (balun's layout) on `NAME.net` from inside tests/print, with `args`.
fn balun_run(name: &str, args: &[&str]) -> (String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_balun"))
        .args(["run", &format!("{name}.net")])
        .args(args)
        .current_dir(dir())
        .env("NO_COLOR", "1")
        .output()
        .expect("run balun");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The words of the heading line under `title` (the line after it).
fn heading_after(text: &str, title: &str) -> Vec<String> {
    let mut lines = text.lines().skip_while(|l| !l.starts_with(title));
    lines
        .next()
        .unwrap_or_else(|| panic!("no '{title}' in:\n{text}"));
    lines
        .next()
        .unwrap_or("")
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

#[test]
fn balun_layout_merges_a_kinds_cards_and_vectors_override() {
    // One table per plot, with the columns of both .print dc cards in card order, every
    // point of the 41 (more than 30: summarised to 9 rows, with the point index).
    let (out, err) = balun_run("op_dc", &[]);
    assert!(err.is_empty(), "{err}");
    assert_eq!(
        heading_after(&out, "DC transfer characteristic (41 points; .print)"),
        [
            "#",
            "v-sweep",
            "v(a)",
            "v(a)-v(b)",
            "v(b)",
            "vin#branch",
            "vx#branch",
            "vm(hout)",
            "vr(b)",
            "hout",
            "h1#branch",
            "vp(a)",
            "vi(b)",
            "mag(v(a)-v(b))"
        ]
    );
    // Point 40 (vin = 5 V): the values ngspice prints, as it prints them.
    let row = out
        .lines()
        .find(|l| l.trim_start().starts_with("40 "))
        .expect("the last point's row");
    let reference = std::fs::read_to_string(dir().join("op_dc.ngspice")).unwrap();
    let ng_row = reference
        .lines()
        .find(|l| l.starts_with("40\t5.000000e+00"))
        .expect("ngspice's last dc row");
    let ng: Vec<&str> = ng_row
        .split('\t')
        .skip(2)
        .filter(|c| !c.is_empty())
        .collect();
    let ours: Vec<&str> = row.split_whitespace().skip(2).take(3).collect();
    assert_eq!(ours, ng, "v(a), v(a)-v(b), v(b) at vin = 5 V");
    assert_eq!(
        heading_after(&out, "Operating Point (1 point; .print)"),
        ["v(a)", "v(a)-v(b)", "vin#branch", "l1#branch", "b"]
    );
    // --vectors: the default tables, with the vectors asked for.
    let (out, _) = balun_run("op_dc", &["--vectors", "b,i(vx)"]);
    assert!(!out.contains(".print"), "{out}");
    assert_eq!(
        heading_after(&out, "DC transfer characteristic (41 points)"),
        ["#", "v(v-sweep)", "v(b)", "i(vx)"]
    );
}

#[test]
fn print_tables_go_to_csv_and_json_and_raw_stays_whole() {
    let tmp = std::env::temp_dir().join(format!("balun-print-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).unwrap();
    let (csv, json, raw) = (tmp.join("csv"), tmp.join("out.json"), tmp.join("out.raw"));
    let s = |p: &Path| p.display().to_string();
    balun_run(
        "ac",
        &["--csv", &s(&csv), "--json", &s(&json), "--raw", &s(&raw)],
    );
    // Every point of the merged ac table: scale, then the columns, a complex one in two.
    let text = std::fs::read_to_string(csv.join("print_ac1.csv")).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    assert!(
        header.starts_with("frequency,vdb(out),vp(out),v(a)-v(b).re,v(a)-v(b).im,vin#branch.re"),
        "{header}"
    );
    assert_eq!(lines.count(), 101);
    // The default CSV keeps every vector.
    assert!(std::fs::read_to_string(csv.join("ac1.csv"))
        .unwrap()
        .starts_with("frequency,v(in).re"));
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let print = &doc["print"][0];
    assert_eq!(print["plot"], "ac1");
    let names: Vec<&str> = print["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        &names[..4],
        ["vdb(out)", "vp(out)", "v(a)-v(b)", "vin#branch"]
    );
    assert_eq!(names.len(), 14);
    // The raw file ignores .print, as ngspice's does: every node and branch.
    let raw_text = std::fs::read_to_string(&raw).unwrap();
    assert!(raw_text.contains("No. Variables: 9"), "{raw_text:.400}");
    let _ = std::fs::remove_dir_all(&tmp);
}
