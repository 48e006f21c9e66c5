//! `balun compare --measure drive`: what each netlist's output drives (`measure::drive`), one
//! row per netlist and `.step` point (the loads): maximum level at 1 % THD, slew rate,
//! A-weighted output noise, SNR and crosstalk; `--json` with every level the search simulated,
//! `--plot` THD against output level.

use super::measure::print;
use super::{fail, Fail};
use balun::diagnostics::{Renderer, Severity};
use balun::output::report::{db_cell, num, render_table};
use measure::drive::{Drive, THD_LIMIT_PERCENT};
use serde_json::json;
use std::path::{Path, PathBuf};

/// One measured row.
struct Row {
    circuit: String,
    title: String,
    /// `rload=32` (the `.step` point), empty without `.step`.
    point: String,
    params: Vec<(String, f64)>,
    drive: Drive,
}

fn point_label(params: &[(String, f64)]) -> String {
    params
        .iter()
        .map(|(n, v)| format!("{n}={v}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `balun compare --measure drive`.
pub fn compare(renderer: &Renderer, files: &[PathBuf], as_json: bool, plot: Option<&Path>) -> bool {
    let report = |f: Fail| {
        eprint!("{}", renderer.plain(&f.at, Severity::Error, &f.message));
        false
    };
    if let Some(path) = plot {
        if let Err(e) = balun::plot::Format::from_path(path) {
            return report(fail(path, e));
        }
    }
    let mut rows: Vec<Row> = Vec::new();
    let mut ok = true;
    for path in files {
        let stepped = match balun::elaborate_steps(balun::Input::File(path)) {
            Ok(s) => {
                crate::report_warnings(renderer, &s.sources, &s.warnings, false);
                s
            }
            Err(f) => {
                crate::report_failure(renderer, path, &f, false);
                ok = false;
                continue;
            }
        };
        let name = path.file_stem().map_or_else(
            || path.display().to_string(),
            |s| s.to_string_lossy().into(),
        );
        let message = format!("drive of {name} ({} loads)", stepped.runs.len());
        let measured = balun::progress::with_spinner(true, &message, || {
            use rayon::prelude::*;
            stepped
                .runs
                .par_iter()
                .map(|(params, c)| {
                    let setup = balun::measurements::drive_setup(c)?;
                    Ok((
                        params.clone(),
                        c.title.clone(),
                        measure::drive::drive(c, &setup)?,
                    ))
                })
                .collect::<Result<Vec<_>, measure::MeasureError>>()
        });
        match measured {
            Ok(m) => rows.extend(m.into_iter().map(|(params, title, drive)| Row {
                circuit: name.clone(),
                title,
                point: point_label(&params),
                params,
                drive,
            })),
            Err(e) => ok = report(fail(path, e)),
        }
    }
    if !ok {
        return false;
    }
    if let Some(path) = plot {
        if let Err(f) = draw(path, &rows) {
            return report(f);
        }
    }
    print(&if as_json { json_of(&rows) } else { text(&rows) });
    true
}

fn text(rows: &[Row]) -> String {
    let header: Vec<String> = [
        "circuit",
        "load",
        "max Vrms",
        "max dBV",
        "slew V/us",
        "noise uV(A)",
        "noise dBV(A)",
        "SNR dB(A)",
        "crosstalk dB",
    ]
    .map(String::from)
    .to_vec();
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let d = &r.drive;
            vec![
                r.circuit.clone(),
                if r.point.is_empty() {
                    "-".into()
                } else {
                    r.point.clone()
                },
                format!("{:.3}", d.max_vrms()),
                format!("{:.2}", 20.0 * d.max_vrms().log10()),
                format!("{:.2}", d.slew.mean() / 1e6),
                format!("{:.3}", d.noise_a_v * 1e6),
                format!("{:.1}", 20.0 * d.noise_a_v.log10()),
                format!("{:.1}", d.snr_a_db()),
                db_cell(d.crosstalk_db),
            ]
        })
        .collect();
    format!(
        "output drive: maximum level at {THD_LIMIT_PERCENT} % THD (the output's fundamental), \
         slew rate (20-80 % of a square wave of half that level), output noise 20 Hz-20 kHz \
         A-weighted (input shorted), SNR(A) at the maximum level, crosstalk into the other \
         channel at the test frequency\n{}",
        render_table(&header, &cells)
    )
}

fn json_of(rows: &[Row]) -> String {
    let doc = json!({
        "measure": "drive",
        "thd_limit_percent": THD_LIMIT_PERCENT,
        "rows": rows.iter().map(|r| {
            let d = &r.drive;
            json!({
                "circuit": r.circuit,
                "title": r.title,
                "params": r.params.iter().map(|(n, v)| json!({"name": n, "value": v})).collect::<Vec<_>>(),
                "max_input_vpk": num(d.max.input_vpk),
                "max_output_vpk": num(d.max.output_vpk),
                "max_output_vrms": num(d.max_vrms()),
                "max_output_dbv": num(20.0 * d.max_vrms().log10()),
                "slew_v_per_s": num(d.slew.mean()),
                "slew_rise_v_per_s": num(d.slew.rise_v_per_s),
                "slew_fall_v_per_s": num(d.slew.fall_v_per_s),
                "slew_input_vpk": num(d.slew.input_vpk),
                "noise_v": num(d.noise_v),
                "noise_a_v": num(d.noise_a_v),
                "snr_db": num(d.snr_db()),
                "snr_a_db": num(d.snr_a_db()),
                "crosstalk_db": num(d.crosstalk_db),
                "search": d.search.iter().map(|p| json!({
                    "input_vpk": num(p.input_vpk),
                    "output_vpk": num(p.output_vpk),
                    "thd_percent": num(p.thd_percent),
                })).collect::<Vec<_>>(),
            })
        }).collect::<Vec<_>>(),
    });
    format!("{doc:#}\n")
}

/// THD (dB) against the output's level (dBV) from the levels the search simulated up to twice
/// the maximum level's input, one curve per circuit and load.
fn draw(path: &Path, rows: &[Row]) -> Result<(), Fail> {
    let curves: Vec<balun::plot::Curve> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| balun::plot::Curve {
            name: if r.point.is_empty() {
                r.circuit.clone()
            } else {
                format!("{} {}", r.circuit, r.point)
            },
            points: r
                .drive
                .search
                .iter()
                // Up to twice the maximum level's input: far beyond it the op-amps' inputs
                // pass their rails and the output folds back, which says nothing about drive.
                .filter(|p| {
                    p.thd_percent > 0.0
                        && p.output_vpk > 0.0
                        && p.input_vpk <= 2.0 * r.drive.max.input_vpk
                })
                .map(|p| {
                    (
                        20.0 * (p.output_vpk / std::f64::consts::SQRT_2).log10(),
                        20.0 * (p.thd_percent / 100.0).log10(),
                    )
                })
                .collect(),
            style: i % 10,
        })
        .collect();
    let chart = balun::plot::Chart {
        title: format!(
            "THD against output level; the maximum level is where THD reaches {THD_LIMIT_PERCENT} %"
        ),
        x_label: "Output level (dBV)".into(),
        x_log: false,
        y_label: "THD (dB)".into(),
        width: 1000,
        height: 650,
    };
    balun::plot::write_curves(path, &chart, &curves).map_err(|e| fail(path, e))
}
