//! `balun cmrr`, `balun xtalk`, `balun hum` and `balun compare`: the measurements of the
//! `measure` crate on netlist files, printed as terminal tables or JSON.
//!
//! What is measured comes from the command-line flags when given, else from the netlist's
//! directives (`.cmrr OUT HOT COLD [imbalance=dZ]`, `.xtalk SRC1 OUT1 SRC2 OUT2 ...`,
//! `.hum OUT SIGNAL INTERFERENCE`). Frequencies come from `--freq` (a comma-separated list with
//! SPICE suffixes: `50,60,1k,10k,20k`), else from the netlist's first `.ac` card, else the spot
//! frequencies 50, 60 Hz, 1, 10, 20 kHz. `compare` always uses `--freq` or the spot frequencies.

use super::{fail, mc, Fail};
use balun::diagnostics::{Renderer, Severity};
use balun::measurements::{
    self as m, numbers, CmrrRequest, CompareRow as Row, HumRequest, Quantity,
};
use balun::output::report::{db_cell, freq_label, num, render_table};
use circuit::Circuit;
use measure::cmrr::CmrrPoint;
use measure::MeasureError;
use serde_json::json;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Flags shared by the measurement subcommands.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct Common {
    /// Frequencies, comma-separated with SPICE suffixes (`60,1k,20k`); default: the `.ac` card.
    #[arg(long, value_name = "F1,F2,...", value_delimiter = ',')]
    pub freq: Vec<String>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// The balanced receiver a measurement drives (`balun cmrr`, `balun rfi`): its output and its
/// two line sources; what is not given comes from the netlist's `.cmrr` card.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct LineArgs {
    /// The receiver output: `out`, `v(out)`, `v(a,b)` or `a,b` (default: from `.cmrr`).
    #[arg(long)]
    pub out: Option<String>,
    /// The hot-leg voltage source (default: from `.cmrr`).
    #[arg(long)]
    pub hot: Option<String>,
    /// The cold-leg voltage source (default: from `.cmrr`).
    #[arg(long)]
    pub cold: Option<String>,
}

/// `balun cmrr` flags.
#[derive(clap::Args, Debug, Clone)]
pub struct CmrrArgs {
    pub file: PathBuf,
    #[command(flatten)]
    pub line: LineArgs,
    /// Source-impedance imbalances in ohm, comma-separated (default: the card's, else 0).
    #[arg(long, value_name = "OHMS,...", value_delimiter = ',')]
    pub imbalance: Vec<String>,
    #[command(flatten)]
    pub common: Common,
    #[command(flatten)]
    pub mc: super::mc::McArgs,
}

/// `balun xtalk` flags.
#[derive(clap::Args, Debug, Clone)]
pub struct XtalkArgs {
    pub file: PathBuf,
    /// A channel as `SOURCE:OUTPUT` (repeat; default: from `.xtalk`).
    #[arg(long = "channel", value_name = "SRC:OUT")]
    pub channels: Vec<String>,
    #[command(flatten)]
    pub common: Common,
}

/// `balun hum` flags.
#[derive(clap::Args, Debug, Clone)]
pub struct HumArgs {
    pub file: PathBuf,
    /// The output (default: from `.hum`).
    #[arg(long)]
    pub out: Option<String>,
    /// The signal source (default: from `.hum`).
    #[arg(long)]
    pub signal: Option<String>,
    /// The interference source (default: from `.hum`).
    #[arg(long)]
    pub interference: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

/// `balun compare` flags.
#[derive(clap::Args, Debug, Clone)]
pub struct CompareArgs {
    /// The netlists, each with the directive for the quantity (`.cmrr`, `.xtalk` or `.hum`).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = Quantity::Cmrr)]
    pub measure: Quantity,
    /// Source-impedance imbalances (ohm) for `cmrr`: one row per circuit and imbalance.
    #[arg(long, value_name = "OHMS,...", value_delimiter = ',')]
    pub imbalance: Vec<String>,
    /// Source resistance for `noise` (ohm), inserted in series with the `.noise` source.
    #[arg(long = "rs", value_name = "OHMS", default_value = "150")]
    pub source_resistance: String,
    /// Column frequencies (default 50,60,1k,10k,20k); for `thd`, the fundamental.
    #[arg(long, value_name = "F1,F2,...", value_delimiter = ',')]
    pub freq: Vec<String>,
    /// For `thd`: the input's drive levels (one column each).
    #[command(flatten)]
    pub levels: super::thd::LevelArgs,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Also draw the curves (one per circuit and imbalance, 10 Hz to 100 kHz, 20 points per
    /// decade, widened to the column frequencies) overlaid on one chart: SVG or PNG.
    #[arg(long, value_name = "OUT.svg")]
    pub plot: Option<PathBuf>,
}

/// Loads a netlist, rendering parse/elaboration errors; `None` when it failed (already reported).
pub(super) fn load(renderer: &Renderer, path: &Path) -> Option<Circuit> {
    match balun::elaborate_file(path) {
        Ok(e) => {
            crate::report_warnings(renderer, &e.sources, &e.warnings, false);
            Some(e.circuit)
        }
        Err(f) => {
            crate::report_failure(renderer, path, &f, false);
            None
        }
    }
}

pub(super) fn print(text: &str) {
    let mut stdout = io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth reporting.
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
}

/// Runs `body` on a loaded circuit; reports any failure. Returns success.
pub(super) fn with_circuit(
    renderer: &Renderer,
    path: &Path,
    body: impl FnOnce(&Circuit) -> Result<String, Fail>,
) -> bool {
    let Some(c) = load(renderer, path) else {
        return false;
    };
    match body(&c) {
        Ok(text) => {
            print(&text);
            true
        }
        Err(f) => {
            eprint!("{}", renderer.plain(&f.at, Severity::Error, &f.message));
            false
        }
    }
}

/// `balun cmrr`.
pub fn cmrr(renderer: &Renderer, a: &CmrrArgs) -> bool {
    with_circuit(renderer, &a.file, |c| {
        let f = |e: &dyn std::fmt::Display| fail(&a.file, e);
        let request = CmrrRequest {
            out: a.line.out.clone(),
            hot: a.line.hot.clone(),
            cold: a.line.cold.clone(),
            imbalance_ohm: numbers(&a.imbalance, "imbalance").map_err(|e| f(&e))?,
        };
        let freqs = numbers(&a.common.freq, "frequency").map_err(|e| f(&e))?;
        if let Some(plan) = a.mc.plan(c).map_err(|e| f(&e))? {
            // Monte Carlo: spot frequencies unless --freq (see commands::mc).
            let freqs = m::spot_or(&freqs);
            let (setup, imbalances) = request.resolve(c).map_err(|e| f(&e))?;
            let samples =
                balun::montecarlo::cmrr_samples(c, &setup, &freqs, &imbalances, &plan, true)
                    .map_err(|e| f(&e))?;
            let report = mc::CmrrReport {
                circuit: c,
                plan,
                freqs: &freqs,
                samples,
                bins: a.mc.bins,
            };
            if let Some(path) = &a.mc.hist {
                report.plot(path)?;
            }
            return Ok(if a.common.json {
                report.json()
            } else {
                report.text()
            });
        }
        let freqs = m::frequencies(c, &freqs);
        let results = m::cmrr(c, &request, &freqs).map_err(|e| f(&e))?;
        Ok(if a.common.json {
            cmrr_json(&c.title, &results)
        } else {
            cmrr_text(&c.title, &results)
        })
    })
}

fn cmrr_json(title: &str, results: &[(f64, Vec<CmrrPoint>)]) -> String {
    let doc = json!({
        "title": title,
        "measure": "cmrr",
        "results": results.iter().map(|(dz, pts)| json!({
            "imbalance_ohm": dz,
            "points": pts.iter().map(|p| json!({
                "freq_hz": p.freq_hz,
                "adm_db": num(p.adm_db()),
                "acm_db": num(p.acm_db()),
                "cmrr_db": num(p.cmrr_db()),
                "worse_leg": p.leg.as_str(),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    });
    format!("{doc:#}\n")
}

fn cmrr_text(title: &str, results: &[(f64, Vec<CmrrPoint>)]) -> String {
    let mut out = format!("CMRR: {title}\n");
    for (dz, pts) in results {
        let _ = writeln!(
            out,
            "\nsource imbalance {dz} ohm (worse of hot and cold leg)"
        );
        let header: Vec<String> = ["frequency", "Adm dB", "Acm dB", "CMRR dB", "worse leg"]
            .map(String::from)
            .to_vec();
        let rows: Vec<Vec<String>> = pts
            .iter()
            .map(|p| {
                vec![
                    freq_label(p.freq_hz),
                    db_cell(p.adm_db()),
                    db_cell(p.acm_db()),
                    db_cell(p.cmrr_db()),
                    p.leg.as_str().to_string(),
                ]
            })
            .collect();
        out.push_str(&render_table(&header, &rows));
    }
    out
}

/// `balun xtalk`: the matrix at each frequency (victim rows, aggressor columns).
pub fn xtalk(renderer: &Renderer, a: &XtalkArgs) -> bool {
    with_circuit(renderer, &a.file, |c| {
        let f = |e: &dyn std::fmt::Display| fail(&a.file, e);
        let freqs = numbers(&a.common.freq, "frequency").map_err(|e| f(&e))?;
        let freqs = m::frequencies(c, &freqs);
        let (names, x) = m::xtalk(c, &a.channels, &freqs).map_err(|e| f(&e))?;
        let n = names.len();
        if a.common.json {
            let doc = json!({
                "title": c.title,
                "measure": "xtalk",
                "channels": names,
                "points": (0..freqs.len()).map(|fi| json!({
                    "freq_hz": freqs[fi],
                    "db": (0..n).map(|v| (0..n).map(|ag| num(x.db(fi, v, ag))).collect::<Vec<_>>())
                        .collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            });
            return Ok(format!("{doc:#}\n"));
        }
        let mut out = format!(
            "Crosstalk: {}\n(dB, victim output / aggressor output, only the aggressor driven)\n",
            c.title
        );
        if n == 2 {
            // One row per frequency: both directions.
            let header = vec![
                "frequency".to_string(),
                format!("{} -> {}", names[0], names[1]),
                format!("{} -> {}", names[1], names[0]),
            ];
            let rows: Vec<Vec<String>> = (0..freqs.len())
                .map(|fi| {
                    vec![
                        freq_label(freqs[fi]),
                        db_cell(x.db(fi, 1, 0)),
                        db_cell(x.db(fi, 0, 1)),
                    ]
                })
                .collect();
            out.push_str(&render_table(&header, &rows));
        } else {
            for (fi, &hz) in freqs.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "\n{} (rows: victim, columns: aggressor)",
                    freq_label(hz)
                );
                let mut header = vec![String::new()];
                header.extend(names.iter().cloned());
                let rows: Vec<Vec<String>> = (0..n)
                    .map(|v| {
                        let mut r = vec![names[v].clone()];
                        r.extend((0..n).map(|ag| {
                            if ag == v {
                                "-".into()
                            } else {
                                db_cell(x.db(fi, v, ag))
                            }
                        }));
                        r
                    })
                    .collect();
                out.push_str(&render_table(&header, &rows));
            }
        }
        Ok(out)
    })
}

/// `balun hum`.
pub fn hum(renderer: &Renderer, a: &HumArgs) -> bool {
    with_circuit(renderer, &a.file, |c| {
        let f = |e: &dyn std::fmt::Display| fail(&a.file, e);
        let request = HumRequest {
            out: a.out.clone(),
            signal: a.signal.clone(),
            interference: a.interference.clone(),
        };
        let freqs = numbers(&a.common.freq, "frequency").map_err(|e| f(&e))?;
        let freqs = m::frequencies(c, &freqs);
        let pts = m::hum(c, &request, &freqs).map_err(|e| f(&e))?;
        if a.common.json {
            let doc = json!({
                "title": c.title,
                "measure": "hum",
                "points": pts.iter().map(|p| json!({
                    "freq_hz": p.freq_hz,
                    "signal_gain_db": num(20.0 * p.signal_gain.norm().log10()),
                    "interference_gain_db": num(20.0 * p.interference_gain.norm().log10()),
                    "relative_db": num(p.relative_db()),
                })).collect::<Vec<_>>(),
            });
            return Ok(format!("{doc:#}\n"));
        }
        let header: Vec<String> = [
            "frequency",
            "signal gain dB",
            "interference gain dB",
            "interference re signal dB",
        ]
        .map(String::from)
        .to_vec();
        let rows: Vec<Vec<String>> = pts
            .iter()
            .map(|p| {
                vec![
                    freq_label(p.freq_hz),
                    db_cell(20.0 * p.signal_gain.norm().log10()),
                    db_cell(20.0 * p.interference_gain.norm().log10()),
                    db_cell(p.relative_db()),
                ]
            })
            .collect();
        Ok(format!(
            "Interference: {}\n{}",
            c.title,
            render_table(&header, &rows)
        ))
    })
}

/// Loads every file and hands each circuit, with its file stem, to `f`; reports load and
/// measurement failures and returns whether all succeeded.
fn each_circuit(
    renderer: &Renderer,
    files: &[PathBuf],
    mut f: impl FnMut(&Circuit, String) -> Result<(), MeasureError>,
) -> bool {
    let mut ok = true;
    for path in files {
        let Some(c) = load(renderer, path) else {
            ok = false;
            continue;
        };
        let name = path.file_stem().map_or_else(
            || path.display().to_string(),
            |s| s.to_string_lossy().into(),
        );
        if let Err(e) = f(&c, name) {
            let e = fail(path, e);
            eprint!("{}", renderer.plain(&e.at, Severity::Error, &e.message));
            ok = false;
        }
    }
    ok
}

/// `balun compare`: one row per circuit (and per imbalance for CMRR), a column per frequency.
pub fn compare(renderer: &Renderer, a: &CompareArgs) -> bool {
    let here = Path::new("balun compare");
    let report = |f: Fail| {
        eprint!("{}", renderer.plain(&f.at, Severity::Error, &f.message));
        false
    };
    if a.measure == Quantity::Noise {
        return compare_noise(renderer, a);
    }
    if a.measure == Quantity::Thd {
        return super::thd::compare(
            renderer,
            &a.files,
            &a.levels,
            &a.freq,
            a.json,
            a.plot.as_deref(),
        );
    }
    if a.measure == Quantity::Drive {
        return super::drive::compare(renderer, &a.files, a.json, a.plot.as_deref());
    }
    if a.measure == Quantity::Rfi {
        return super::rfi::compare(renderer, &a.files, &a.freq, a.json, a.plot.as_deref());
    }
    if !a.levels.levels.is_empty() {
        return report(fail(here, "--level is for --measure thd"));
    }
    let freqs = match numbers(&a.freq, "frequency") {
        Ok(f) => m::spot_or(&f),
        Err(e) => return report(fail(here, e)),
    };
    let imbalances = match numbers(&a.imbalance, "imbalance") {
        Ok(v) => v,
        Err(e) => return report(fail(here, e)),
    };
    if let Some(path) = &a.plot {
        if let Err(e) = balun::plot::Format::from_path(path) {
            return report(fail(path, e));
        }
    }
    let grid = plot_grid(&freqs);
    let mut rows = Vec::new();
    let mut curves = Vec::new();
    let mut curves_of = Vec::new();
    let mut ok = true;
    for path in &a.files {
        let Some(c) = load(renderer, path) else {
            ok = false;
            continue;
        };
        let name = path.file_stem().map_or_else(
            || path.display().to_string(),
            |s| s.to_string_lossy().into(),
        );
        match m::compare_rows(&c, &name, a.measure, &imbalances, &freqs) {
            Ok(r) => rows.extend(r),
            Err(e) => ok = report(fail(path, e)),
        }
        if ok && a.plot.is_some() {
            let circuit_index = curves_of.len();
            curves_of.push(name.clone());
            match m::compare_rows(&c, &name, a.measure, &imbalances, &grid) {
                // A colour per circuit, a line pattern per imbalance.
                Ok(r) => {
                    curves.extend(r.into_iter().enumerate().map(|(k, row)| {
                        balun::plot::Curve {
                            name: row_label(&row),
                            // Hum is drawn as the table's signal-to-hum ratio.
                            points: grid
                                .iter()
                                .zip(&row.db)
                                .map(|(&f, &x)| {
                                    (f, if a.measure == Quantity::Hum { -x } else { x })
                                })
                                .collect(),
                            style: circuit_index % 10 + 10 * (k % 3),
                        }
                    }))
                }
                Err(e) => ok = report(fail(path, e)),
            }
        }
    }
    if !ok {
        return false;
    }
    if let Some(path) = &a.plot {
        let chart = balun::plot::Chart {
            title: match a.measure {
                Quantity::Cmrr => "CMRR, worse leg of the source imbalance (higher is better)",
                Quantity::Xtalk => "Worst crosstalk between channels (lower is better)",
                Quantity::Hum => "Signal-to-hum ratio (higher is better)",
                // `compare_noise` handles noise (a table of integrated figures, no curves).
                Quantity::Noise => "Equivalent input noise (lower is better)",
                // `thd::compare` handles THD.
                Quantity::Thd => "THD (lower is better)",
                // `drive::compare` and `rfi::compare` handle these.
                Quantity::Drive => "Output drive",
                Quantity::Rfi => "EMIRR (higher is better)",
            }
            .to_string(),
            x_label: "Frequency (Hz)".into(),
            x_log: true,
            y_label: axis_label(a.measure).into(),
            width: 1000,
            height: 650,
        };
        if let Err(e) = balun::plot::write_curves(path, &chart, &curves) {
            return report(fail(path, e));
        }
    }
    print(&if a.json {
        compare_json(a.measure, &freqs, &rows)
    } else {
        compare_text(a.measure, &freqs, &rows)
    });
    true
}

/// The plot's frequencies: 20 per decade from 10 Hz (or the lowest column) to 100 kHz (or the
/// highest).
fn plot_grid(columns: &[f64]) -> Vec<f64> {
    let lo = columns.iter().copied().fold(10.0, f64::min).log10();
    let hi = columns.iter().copied().fold(100e3, f64::max).log10();
    let n = ((hi - lo) * 20.0).ceil().max(1.0) as usize;
    (0..=n)
        .map(|i| 10f64.powf(lo + (hi - lo) * i as f64 / n as f64))
        .collect()
}

/// A row's name in legends: `circuit` or `circuit, 600 ohm`.
fn row_label(r: &Row) -> String {
    match r.imbalance_ohm {
        Some(dz) => format!("{}, {dz} ohm", r.circuit),
        None => r.circuit.clone(),
    }
}

fn axis_label(q: Quantity) -> &'static str {
    match q {
        Quantity::Cmrr => "CMRR (dB)",
        Quantity::Xtalk => "Worst crosstalk (dB)",
        Quantity::Hum => "Signal-to-hum ratio (dB)",
        Quantity::Noise => "EIN (dBu)",
        Quantity::Thd => "THD (dB)",
        Quantity::Drive => "THD (dB)",
        Quantity::Rfi => "EMIRR (dB)",
    }
}

fn quantity_label(q: Quantity) -> &'static str {
    match q {
        Quantity::Cmrr => "CMRR (dB, higher is better; worse leg of the source imbalance)",
        Quantity::Xtalk => "worst crosstalk between channels (dB, lower is better)",
        Quantity::Hum => {
            "hum at the output (dBV per volt of interference) and signal-to-hum ratio \
             (dB, both sources at 1 V; higher is better)"
        }
        Quantity::Noise => "equivalent input noise, 20 Hz-20 kHz (lower is better)",
        Quantity::Thd => "total harmonic distortion (%, lower is better)",
        Quantity::Drive => "output drive",
        Quantity::Rfi => "EMIRR (dB, higher is better)",
    }
}

fn compare_text(q: Quantity, freqs: &[f64], rows: &[Row]) -> String {
    let mut header = vec!["circuit".to_string()];
    let with_dz = q == Quantity::Cmrr;
    if with_dz {
        header.push("imbalance".into());
    }
    if q == Quantity::Hum {
        // Two columns per frequency: hum in dBV, then signal-to-hum ratio.
        for &f in freqs {
            header.push(format!("{} hum dBV", freq_label(f)));
            header.push(format!("{} S/H dB", freq_label(f)));
        }
    } else {
        header.extend(freqs.iter().map(|&f| freq_label(f)));
    }
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let mut cells = vec![r.circuit.clone()];
            if with_dz {
                cells.push(format!("{} ohm", r.imbalance_ohm.unwrap_or(0.0)));
            }
            match &r.hum_dbv {
                Some(hum) => {
                    for (&h, &rel) in hum.iter().zip(&r.db) {
                        cells.push(db_cell(h));
                        cells.push(db_cell(-rel));
                    }
                }
                None => cells.extend(r.db.iter().map(|&x| db_cell(x))),
            }
            cells
        })
        .collect();
    format!("{}\n{}", quantity_label(q), render_table(&header, &cells))
}

fn compare_json(q: Quantity, freqs: &[f64], rows: &[Row]) -> String {
    let doc = json!({
        "measure": q.as_str(),
        "freqs_hz": freqs,
        "rows": rows.iter().map(|r| json!({
            "circuit": r.circuit,
            "title": r.title,
            "imbalance_ohm": r.imbalance_ohm,
            "db": r.db.iter().map(|&x| num(x)).collect::<Vec<_>>(),
            "hum_dbv": r.hum_dbv.as_ref().map(|h| h.iter().map(|&x| num(x)).collect::<Vec<_>>()),
        })).collect::<Vec<_>>(),
    });
    format!("{doc:#}\n")
}

/// `balun compare --measure noise`: one row per netlist with its audio-band noise summary.
fn compare_noise(renderer: &Renderer, a: &CompareArgs) -> bool {
    let report = |f: Fail| {
        eprint!("{}", renderer.plain(&f.at, Severity::Error, &f.message));
        false
    };
    let rs = match numbers(
        std::slice::from_ref(&a.source_resistance),
        "source resistance",
    ) {
        Ok(v) => v[0],
        Err(e) => return report(fail(Path::new("balun compare"), e)),
    };
    let mut rows = Vec::new();
    let ok = each_circuit(renderer, &a.files, |c, name| {
        rows.push((name, c.title.clone(), m::noise(c, rs)?));
        Ok(())
    });
    if !ok {
        return false;
    }
    print(&if a.json {
        let doc = json!({
            "measure": "noise",
            "band_hz": [measure::noise::AUDIO_BAND_HZ.0, measure::noise::AUDIO_BAND_HZ.1],
            "source_resistance_ohm": rs,
            "rows": rows.iter().map(|(name, title, s)| json!({
                "circuit": name,
                "title": title,
                "gain_1k_db": num(20.0 * s.gain_1k.log10()),
                "ein_v": num(s.input_v),
                "ein_a_v": num(s.input_a_v),
                "ein_dbu": num(s.ein_dbu()),
                "ein_a_dbu": num(s.ein_a_dbu()),
                "ein_dbv": num(s.ein_dbv()),
                "ein_a_dbv": num(s.ein_a_dbv()),
                "output_noise_v": num(s.output_v),
                "output_noise_a_v": num(s.output_a_v),
                "noise_figure_db": num(s.noise_figure_db()),
            })).collect::<Vec<_>>(),
        });
        format!("{doc:#}\n")
    } else {
        let header: Vec<String> = [
            "circuit",
            "gain 1k",
            "EIN dBu",
            "EIN dBu(A)",
            "EIN dBV",
            "EIN dBV(A)",
            "NF",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let cells: Vec<Vec<String>> = rows
            .iter()
            .map(|(name, _, s)| {
                vec![
                    name.clone(),
                    format!("{:.1} dB", 20.0 * s.gain_1k.log10()),
                    format!("{:.1}", s.ein_dbu()),
                    format!("{:.1}", s.ein_a_dbu()),
                    format!("{:.1}", s.ein_dbv()),
                    format!("{:.1}", s.ein_a_dbv()),
                    format!("{:.1} dB", s.noise_figure_db()),
                ]
            })
            .collect();
        format!(
            "{} with a {} ohm source; NF = EIN above the source's own thermal noise\n{}",
            quantity_label(Quantity::Noise),
            rs,
            render_table(&header, &cells)
        )
    });
    true
}
