//! `balun rfi`: RF immunity of a receiver (`measure::rfi`): for each carrier frequency, the
//! output's DC shift, EMIRR and the tone an AM carrier demodulates into, as a table, JSON or a
//! plot of EMIRR against frequency.
//!
//! The line sources and the output come from `--hot`/`--cold`/`--out`, else from the netlist's
//! `.cmrr OUT HOT COLD` card (the same receiver description `balun cmrr` uses).

use super::fail;
use super::measure::{with_circuit, LineArgs};
use balun::diagnostics::{Renderer, Severity};
use balun::measurements::{cmrr_setup, numbers};
use balun::output::report::{db_cell, freq_label, num, render_table};
use measure::rfi::{rfi as measure_rfi, Mode, RfiPoint, RfiSetup, RF_FREQUENCIES_HZ};
use serde_json::json;
use std::path::PathBuf;

/// `--mode` values.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModeArg {
    /// Both legs driven with the carrier (RF picked up by the whole cable).
    Cm,
    /// The carrier between the legs (+A/2 and -A/2).
    Dm,
}

/// `balun rfi` flags.
#[derive(clap::Args, Debug, Clone)]
pub struct RfiArgs {
    pub file: PathBuf,
    #[command(flatten)]
    pub line: LineArgs,
    /// Carrier frequencies, comma-separated with SPICE suffixes (`meg` is mega, `m` milli;
    /// default 1meg,10meg,100meg,400meg,900meg,1.8g).
    #[arg(long, value_name = "F1,F2,...", value_delimiter = ',')]
    pub freq: Vec<String>,
    /// How the carrier is applied.
    #[arg(long, value_enum, default_value_t = ModeArg::Cm)]
    pub mode: ModeArg,
    /// Carrier peak amplitude (V); EMIRR is quoted at this level (data sheets: 100 mVp).
    #[arg(long, value_name = "VPK", default_value = "100m")]
    pub level: String,
    /// AM modulation depth m for the demodulated tone.
    #[arg(long, value_name = "M", default_value = "0.3")]
    pub depth: String,
    /// Modulation frequency (Hz) of the demodulated tone; the shift is referred to the input
    /// with the receiver's differential gain there.
    #[arg(long, value_name = "HZ", default_value = "1k")]
    pub fmod: String,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Also draw EMIRR against carrier frequency (SVG or PNG).
    #[arg(long, value_name = "OUT.svg")]
    pub plot: Option<PathBuf>,
}

fn one(s: &str, what: &str) -> Result<f64, String> {
    numbers(&[s.to_string()], what).map(|v| v[0])
}

/// `balun rfi`.
pub fn rfi(renderer: &Renderer, a: &RfiArgs) -> bool {
    if let Some(path) = &a.plot {
        if let Err(e) = balun::plot::Format::from_path(path) {
            eprint!(
                "{}",
                renderer.plain(&path.display().to_string(), Severity::Error, &e.to_string())
            );
            return false;
        }
    }
    with_circuit(renderer, &a.file, |c| {
        let f = |e: &dyn std::fmt::Display| fail(&a.file, e);
        let (cm, _) = cmrr_setup(
            c,
            a.line.out.as_deref(),
            a.line.hot.as_deref(),
            a.line.cold.as_deref(),
        )
        .map_err(|e| f(&e))?;
        let freqs = if a.freq.is_empty() {
            RF_FREQUENCIES_HZ.to_vec()
        } else {
            numbers(&a.freq, "frequency").map_err(|e| f(&e))?
        };
        let setup = RfiSetup {
            hot: cm.hot,
            cold: cm.cold,
            out: cm.out,
            mode: match a.mode {
                ModeArg::Cm => Mode::Cm,
                ModeArg::Dm => Mode::Dm,
            },
            level_vpk: one(&a.level, "level").map_err(|e| f(&e))?,
            depth: one(&a.depth, "modulation depth").map_err(|e| f(&e))?,
            fmod_hz: one(&a.fmod, "modulation frequency").map_err(|e| f(&e))?,
        };
        let points = measure_rfi(c, &setup, &freqs).map_err(|e| f(&e))?;
        if let Some(path) = &a.plot {
            let chart = balun::plot::Chart {
                title: format!(
                    "EMIRR at {} Vp {} (higher is better): {}",
                    setup.level_vpk,
                    setup.mode.as_str(),
                    c.title
                ),
                x_label: "Carrier frequency (Hz)".into(),
                x_log: true,
                y_label: "EMIRR (dB)".into(),
                width: 1000,
                height: 650,
            };
            let curve = balun::plot::Curve {
                name: "EMIRR".into(),
                points: points
                    .iter()
                    .map(|p| (p.freq_hz, p.emirr_db(setup.level_vpk)))
                    .collect(),
                style: 0,
            };
            balun::plot::write_curves(path, &chart, &[curve]).map_err(|e| fail(path, e))?;
        }
        Ok(if a.json {
            json_text(&c.title, &setup, &points)
        } else {
            table_text(&c.title, &setup, &points)
        })
    })
}

fn json_text(title: &str, s: &RfiSetup, points: &[RfiPoint]) -> String {
    let doc = json!({
        "title": title,
        "measure": "rfi",
        "mode": s.mode.as_str(),
        "level_vpk": s.level_vpk,
        "depth": s.depth,
        "fmod_hz": s.fmod_hz,
        "points": points.iter().map(|p| json!({
            "freq_hz": p.freq_hz,
            "shift_v": num(p.shift_v),
            "shift_rti_v": num(p.shift_rti_v),
            "emirr_db": num(p.emirr_db(s.level_vpk)),
            "carrier_out_vpk": num(p.carrier_out_vpk),
            "demod_dbv": num(p.demod_dbv()),
        })).collect::<Vec<_>>(),
    });
    format!("{doc:#}\n")
}

fn table_text(title: &str, s: &RfiSetup, points: &[RfiPoint]) -> String {
    let mut out = format!(
        "RF immunity: {title}\ncarrier {} Vp, {} mode; AM depth {} at {}\n",
        s.level_vpk,
        s.mode.as_str(),
        s.depth,
        freq_label(s.fmod_hz)
    );
    let header: Vec<String> = [
        "carrier",
        "output shift V",
        "shift RTI V",
        "EMIRR dB",
        "carrier at out Vp",
        "demod tone dBV",
    ]
    .map(String::from)
    .to_vec();
    let rows: Vec<Vec<String>> = points
        .iter()
        .map(|p| {
            vec![
                freq_label(p.freq_hz),
                format!("{:.4e}", p.shift_v),
                format!("{:.4e}", p.shift_rti_v),
                db_cell(p.emirr_db(s.level_vpk)),
                format!("{:.4e}", p.carrier_out_vpk),
                db_cell(p.demod_dbv()),
            ]
        })
        .collect();
    out.push_str(&render_table(&header, &rows));
    out
}

/// `balun compare --measure rfi`: a row per netlist, EMIRR (dB, at the default 100 mVp common
/// mode carrier on its `.cmrr` card's line) at each carrier frequency of `freq` (default
/// [`RF_FREQUENCIES_HZ`]); `--json` adds the shift and the demodulated tone, `--plot` draws
/// EMIRR against frequency, a curve per netlist.
pub fn compare(
    renderer: &Renderer,
    files: &[PathBuf],
    freq: &[String],
    as_json: bool,
    plot: Option<&std::path::Path>,
) -> bool {
    let report = |f: super::Fail| {
        eprint!("{}", renderer.plain(&f.at, Severity::Error, &f.message));
        false
    };
    let here = std::path::Path::new("balun compare");
    let freqs = if freq.is_empty() {
        RF_FREQUENCIES_HZ.to_vec()
    } else {
        match numbers(freq, "frequency") {
            Ok(f) => f,
            Err(e) => return report(fail(here, e)),
        }
    };
    if let Some(path) = plot {
        if let Err(e) = balun::plot::Format::from_path(path) {
            return report(fail(path, e));
        }
    }
    let mut rows: Vec<(String, String, RfiSetup, Vec<RfiPoint>)> = Vec::new();
    let mut ok = true;
    for path in files {
        let Some(c) = super::measure::load(renderer, path) else {
            ok = false;
            continue;
        };
        let name = path.file_stem().map_or_else(
            || path.display().to_string(),
            |s| s.to_string_lossy().into(),
        );
        if !c
            .measurements
            .iter()
            .any(|m| matches!(m, circuit::Measurement::Cmrr { .. }))
        {
            ok = report(fail(
                path,
                "no '.cmrr OUT HOT COLD' card: compare --measure rfi drives the carrier on its \
                 hot and cold sources",
            ));
            continue;
        }
        let r = cmrr_setup(&c, None, None, None).and_then(|(cm, _)| {
            // `balun rfi`'s defaults: 100 mVp common mode, 30 % AM at 1 kHz.
            let setup = RfiSetup {
                hot: cm.hot,
                cold: cm.cold,
                out: cm.out,
                mode: Mode::Cm,
                level_vpk: 0.1,
                depth: 0.3,
                fmod_hz: 1e3,
            };
            Ok((setup, measure_rfi(&c, &setup, &freqs)?))
        });
        match r {
            Ok((setup, points)) => rows.push((name, c.title.clone(), setup, points)),
            Err(e) => ok = report(fail(path, e)),
        }
    }
    if !ok {
        return false;
    }
    if let Some(path) = plot {
        let chart = balun::plot::Chart {
            title: "EMIRR at 0.1 Vp common mode (higher is better)".into(),
            x_label: "Carrier frequency (Hz)".into(),
            x_log: true,
            y_label: "EMIRR (dB)".into(),
            width: 1000,
            height: 650,
        };
        let curves: Vec<balun::plot::Curve> = rows
            .iter()
            .enumerate()
            .map(|(i, (name, _, s, pts))| balun::plot::Curve {
                name: name.clone(),
                points: pts
                    .iter()
                    .map(|p| (p.freq_hz, p.emirr_db(s.level_vpk)))
                    .filter(|p| p.1.is_finite())
                    .collect(),
                style: i % 10,
            })
            .collect();
        if let Err(e) = balun::plot::write_curves(path, &chart, &curves) {
            return report(fail(path, e));
        }
    }
    super::measure::print(&if as_json {
        let doc = json!({
            "measure": "rfi",
            "rows": rows.iter().map(|(name, title, s, pts)| {
                let mut v: serde_json::Value = serde_json::from_str(&json_text(title, s, pts))
                    .unwrap_or(serde_json::Value::Null);
                v["circuit"] = json!(name);
                v
            }).collect::<Vec<_>>(),
        });
        format!("{doc:#}\n")
    } else {
        let mut header = vec!["circuit".to_string()];
        header.extend(freqs.iter().map(|&f| freq_label(f)));
        let cells: Vec<Vec<String>> = rows
            .iter()
            .map(|(name, _, s, pts)| {
                let mut r = vec![name.clone()];
                r.extend(pts.iter().map(|p| db_cell(p.emirr_db(s.level_vpk))));
                r
            })
            .collect();
        format!(
            "EMIRR (dB, higher is better) at each carrier frequency: 0.1 Vp common mode on the \
             .cmrr card's line, the output's DC shift referred to the input at 1 kHz\n{}",
            render_table(&header, &cells)
        )
    });
    true
}
