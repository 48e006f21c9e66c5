//! `balun thd` and `balun compare --measure thd`: total harmonic distortion of a netlist's
//! output against the drive level of its sinusoidal input (`measure::thd`), as a table, JSON
//! and a chart (THD against level; with one level, the harmonic spectrum).
//!
//! What is measured comes from the flags, else from the netlist: the output and the
//! fundamental from its first `.four` card (else the input's `SIN` frequency), the input from
//! `--source` or every `SIN` source (their amplitudes scaled together to add up to the level:
//! see `measure::thd::at_level`), the levels from `--level` or the netlist's own amplitudes.

use super::measure::{load, print};
use super::{fail, Fail};
use balun::diagnostics::{Renderer, Severity};
use balun::output::four::{c_g, fourier_json};
use balun::output::report::{freq_label, num, render_table};
use balun::output::table::eng;
use measure::thd::{self, Level, ThdPoint, ThdSetup};
use serde_json::json;
use std::path::{Path, PathBuf};

/// `balun thd` flags.
#[derive(clap::Args, Debug, Clone)]
pub struct ThdArgs {
    /// The netlist: a sinusoidal input and a `.tran` reaching steady state (the last period of
    /// the fundamental is analysed).
    pub file: PathBuf,
    /// The output: `out`, `v(out)`, `v(a,b)` or `i(vx)` (default: the first `.four` card's).
    #[arg(long)]
    pub out: Option<String>,
    /// The input's sources, comma-separated: their SIN amplitudes are scaled together to add up
    /// to each level (default: every source with a SIN waveform, e.g. the hot and cold legs).
    #[arg(long, value_name = "VSRC,...", value_delimiter = ',')]
    pub source: Vec<String>,
    /// The fundamental (default: the `.four` card's, else the source's SIN frequency).
    #[arg(long, value_name = "HZ")]
    pub freq: Option<String>,
    #[command(flatten)]
    pub levels: LevelArgs,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Draw THD against level (or, with one level, the harmonic spectrum): SVG or PNG.
    #[arg(long, value_name = "OUT.svg")]
    pub plot: Option<PathBuf>,
}

/// `--level`, shared with `balun compare --measure thd`.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct LevelArgs {
    /// Drive levels, comma-separated: `0dBu,+10dBu,+20dBu`, `-10dBV`, `2Vrms`, or the SIN
    /// amplitude in volts peak (default: the netlist's own amplitude).
    #[arg(
        long = "level",
        value_name = "L1,L2,...",
        value_delimiter = ',',
        allow_hyphen_values = true
    )]
    pub levels: Vec<String>,
}

impl LevelArgs {
    fn parse(&self) -> Result<Vec<Level>, String> {
        self.levels.iter().map(|l| thd::parse_level(l)).collect()
    }
}

/// `balun thd`.
pub fn thd(renderer: &Renderer, a: &ThdArgs) -> bool {
    let report = |f: Fail| {
        eprint!("{}", renderer.plain(&f.at, Severity::Error, &f.message));
        false
    };
    let here = Path::new("balun thd");
    let levels = match a.levels.parse() {
        Ok(l) => l,
        Err(e) => return report(fail(here, e)),
    };
    if let Some(path) = &a.plot {
        if let Err(e) = balun::plot::Format::from_path(path) {
            return report(fail(path, e));
        }
    }
    let Some(c) = load(renderer, &a.file) else {
        return false;
    };
    let result =
        balun::measurements::thd_setup(&c, a.out.as_deref(), &a.source, a.freq.as_deref(), &levels)
            .and_then(|(s, levels)| {
                let message = format!("THD of {} at {} levels", s.out.0, levels.len());
                let points =
                    balun::progress::with_spinner(true, &message, || thd::sweep(&c, &s, &levels))?;
                Ok((points, s))
            });
    let (points, s) = match result {
        Ok(r) => r,
        Err(e) => return report(fail(&a.file, e)),
    };
    let source = s
        .sources
        .iter()
        .map(|id| c.devices[id.index()].name.as_str())
        .collect::<Vec<_>>()
        .join(" + ");
    if let Some(path) = &a.plot {
        let name = a
            .file
            .file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
        if let Err(f) = draw(path, &[(name, points.clone())], &s.out.0) {
            return report(f);
        }
    }
    print(&if a.json {
        let doc = json!({
            "measure": "thd",
            "title": c.title,
            "output": s.out.0,
            "sources": s.sources.iter().map(|id| &c.devices[id.index()].name).collect::<Vec<_>>(),
            "fundamental_hz": s.fundamental_hz,
            "points": points.iter().map(point_json).collect::<Vec<_>>(),
        });
        format!("{doc:#}\n")
    } else {
        text(&c.title, &s, &source, &points)
    });
    true
}

fn point_json(p: &ThdPoint) -> serde_json::Value {
    json!({
        "level": p.level.label,
        "amplitude": p.level.amplitude,
        "level_dbu": num(p.level.dbu()),
        "fourier": fourier_json(&p.fourier),
    })
}

fn text(title: &str, s: &ThdSetup, source: &str, points: &[ThdPoint]) -> String {
    let rows = points.first().map_or(0, |p| p.fourier.harmonics.len());
    let mut header: Vec<String> = ["level", "amplitude", "fundamental", "THD %", "THD dB"]
        .map(String::from)
        .to_vec();
    header.extend((2..rows).map(|k| format!("H{k} dBc")));
    let cells: Vec<Vec<String>> = points
        .iter()
        .map(|p| {
            let f = &p.fourier;
            let mut r = vec![
                p.level.label.clone(),
                eng(p.level.amplitude, "V").trim().to_string(),
                eng(f.fundamental(), "V").trim().to_string(),
                c_g(f.thd_percent, 4),
                format!("{:.1}", f.thd_db()),
            ];
            r.extend(
                f.harmonics
                    .iter()
                    .skip(2)
                    .map(|h| format!("{:.1}", h.dbc())),
            );
            r
        })
        .collect();
    format!(
        "THD of {} at {}: {title}\n(level: the input's peak, {source}; harmonics 2-{} of the \
         transient's last period, as .four computes them)\n{}",
        s.out.0,
        freq_label(s.fundamental_hz),
        rows.saturating_sub(1),
        render_table(&header, &cells)
    )
}

/// THD (dB) against level (dBu) with one curve per circuit; with a single level, each
/// circuit's harmonics (dBc) against frequency as stems.
fn draw(path: &Path, sweeps: &[(String, Vec<ThdPoint>)], output: &str) -> Result<(), Fail> {
    let single = sweeps.iter().all(|(_, p)| p.len() == 1);
    let curves: Vec<balun::plot::Curve> = sweeps
        .iter()
        .enumerate()
        .map(|(i, (name, pts))| balun::plot::Curve {
            name: name.clone(),
            points: if single {
                stems(&pts[0])
            } else {
                pts.iter()
                    .map(|p| (p.level.dbu(), p.fourier.thd_db()))
                    .collect()
            },
            style: i % 10,
        })
        .collect();
    let chart = if single {
        balun::plot::Chart {
            title: format!("Harmonics of {output} (relative to the fundamental)"),
            x_label: "Frequency (Hz)".into(),
            x_log: false,
            y_label: "Harmonic (dBc)".into(),
            width: 1000,
            height: 650,
        }
    } else {
        balun::plot::Chart {
            title: format!("THD of {output} against drive level (lower is better)"),
            x_label: "Level (dBu)".into(),
            x_log: false,
            y_label: "THD (dB)".into(),
            width: 1000,
            height: 650,
        }
    };
    balun::plot::write_curves(path, &chart, &curves).map_err(|e| fail(path, e))
}

/// A harmonic spectrum as one outline of bars (harmonics 2 and up, each 0.3 of the fundamental
/// wide) standing on a floor 10 dB under the lowest harmonic; harmonics below -160 dBc (the
/// rounding noise of a symmetric circuit's even harmonics) are left at the floor.
fn stems(p: &ThdPoint) -> Vec<(f64, f64)> {
    const SHOWN_DBC: f64 = -160.0;
    let h: Vec<(f64, f64)> = p
        .fourier
        .harmonics
        .iter()
        .skip(2)
        .map(|h| (h.freq_hz, h.dbc()))
        .collect();
    let lowest = h
        .iter()
        .map(|x| x.1)
        .filter(|&db| db >= SHOWN_DBC)
        .fold(0.0f64, f64::min);
    let floor = lowest - 10.0;
    let half = 0.15 * p.fourier.fundamental_hz;
    h.iter()
        .flat_map(|&(f, db)| {
            let top = if db >= SHOWN_DBC { db } else { floor };
            [
                (f - half, floor),
                (f - half, top),
                (f + half, top),
                (f + half, floor),
            ]
        })
        .collect()
}

/// `balun compare --measure thd`: a row per netlist, THD (%) at each level.
pub fn compare(
    renderer: &Renderer,
    files: &[PathBuf],
    levels: &LevelArgs,
    freq: &[String],
    as_json: bool,
    plot: Option<&Path>,
) -> bool {
    let report = |f: Fail| {
        eprint!("{}", renderer.plain(&f.at, Severity::Error, &f.message));
        false
    };
    let here = Path::new("balun compare");
    let levels = match levels.parse() {
        Ok(l) => l,
        Err(e) => return report(fail(here, e)),
    };
    if freq.len() > 1 {
        return report(fail(
            here,
            "--measure thd takes one fundamental (--freq 1k), not a list",
        ));
    }
    if let Some(path) = plot {
        if let Err(e) = balun::plot::Format::from_path(path) {
            return report(fail(path, e));
        }
    }
    let mut sweeps: Vec<(String, String, String, Vec<ThdPoint>)> = Vec::new();
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
        let r = balun::measurements::thd_setup(
            &c,
            None,
            &[],
            freq.first().map(String::as_str),
            &levels,
        )
        .and_then(|(s, l)| {
            let message = format!("THD of {} ({})", name, s.out.0);
            let points = balun::progress::with_spinner(true, &message, || thd::sweep(&c, &s, &l))?;
            Ok((points, s.out.0))
        });
        match r {
            Ok((pts, out)) => sweeps.push((name, c.title.clone(), out, pts)),
            Err(e) => ok = report(fail(path, e)),
        }
    }
    if !ok {
        return false;
    }
    if let Some(path) = plot {
        let named: Vec<(String, Vec<ThdPoint>)> = sweeps
            .iter()
            .map(|(n, _, _, p)| (n.clone(), p.clone()))
            .collect();
        if let Err(f) = draw(path, &named, "each circuit's output") {
            return report(f);
        }
    }
    print(&if as_json {
        let doc = json!({
            "measure": "thd",
            "rows": sweeps.iter().map(|(name, title, out, pts)| json!({
                "circuit": name,
                "title": title,
                "output": out,
                "points": pts.iter().map(point_json).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        });
        format!("{doc:#}\n")
    } else {
        let labels: Vec<String> = sweeps
            .first()
            .map(|(_, _, _, p)| p.iter().map(|p| p.level.label.clone()).collect())
            .unwrap_or_default();
        let mut header = vec!["circuit".to_string(), "output".to_string()];
        if levels.is_empty() {
            header.push("level".into());
            header.push("THD %".into());
        } else {
            header.extend(labels.iter().map(|l| format!("{l} THD %")));
        }
        let cells: Vec<Vec<String>> = sweeps
            .iter()
            .map(|(name, _, out, pts)| {
                let mut r = vec![name.clone(), out.clone()];
                if levels.is_empty() {
                    r.push(pts[0].level.label.clone());
                }
                r.extend(pts.iter().map(|p| c_g(p.fourier.thd_percent, 4)));
                r
            })
            .collect();
        format!(
            "THD (%, lower is better) of each netlist's .four output over the transient's last \
             period\n{}",
            render_table(&header, &cells)
        )
    });
    true
}
