//! The netlist's measurement cards as `balun run` executes them: every `.cmrr`, `.xtalk` and
//! `.hum` card, after the analyses, at the spot frequencies (50, 60 Hz, 1, 10, 20 kHz).
//!
//! One table per kind of card, one row per card in netlist order, a column per frequency: the
//! numbers `balun cmrr`/`xtalk`/`hum --freq 50,60,1k,10k,20k` print for that card (CMRR of the
//! worse leg with the card's `imbalance=`, the worst crosstalk between the card's channels, the
//! hum at the output and the signal-to-hum ratio). [`run_cards`] is the one entry point the
//! run command calls; [`CardTable::text`] and [`CardTable::json`] render what it returns, and
//! [`CardTable::csv`] is the `meas_cards.csv` file of `--csv`.

use balun::output::report::{db_cell, freq_label, num, render_table};
use circuit::{Circuit, Measurement, OutputNodes};
use measure::cmrr::{cmrr_with_imbalance, CmrrSetup};
use measure::interference::{interference, InterferenceSetup};
use measure::xtalk::{crosstalk, Channel};
use measure::{MeasureError, Probe, SPOT_FREQUENCIES_HZ};
use serde_json::{json, Value};
use std::fmt::Write as _;

/// The largest CMRR the table prints as a number (dB): a common-mode gain below 1e-10 of the
/// differential one is the rounding of double precision in a balanced bridge (an ideal
/// receiver gives 300-420 dB depending on the frequency), not a property of the circuit.
const CMRR_SHOWN_DB: f64 = 200.0;

/// The results of the cards of one kind.
#[derive(Debug, Clone)]
pub struct CardTable {
    /// `cmrr`, `xtalk` or `hum`.
    pub kind: &'static str,
    pub freqs_hz: Vec<f64>,
    pub rows: Vec<CardRow>,
}

/// One card's results.
#[derive(Debug, Clone)]
pub struct CardRow {
    /// What the card measures, in the netlist's names: `v(out) vhot vcold imbalance=600`.
    pub label: String,
    /// Per frequency: CMRR (dB), worst crosstalk (dB), or signal-to-hum ratio (dB).
    pub db: Vec<f64>,
    /// `.hum` only: the hum at the output per volt of the interference source (dBV).
    pub hum_dbv: Option<Vec<f64>>,
}

/// `v(out)` or `v(a,b)`.
fn output_label(c: &Circuit, o: OutputNodes) -> String {
    let name = |n: circuit::NodeId| c.nodes[n.index()].clone();
    if o.neg.index() == 0 {
        format!("v({})", name(o.pos))
    } else {
        format!("v({},{})", name(o.pos), name(o.neg))
    }
}

fn probe(o: OutputNodes) -> Probe {
    Probe::Voltage(o.pos, o.neg)
}

/// Runs every measurement card of `c` (none: an empty list), grouped by kind in the order
/// `.cmrr`, `.xtalk`, `.hum`.
pub fn run_cards(c: &Circuit) -> Result<Vec<CardTable>, MeasureError> {
    let freqs = SPOT_FREQUENCIES_HZ.to_vec();
    let dev = |d: circuit::DeviceId| c.devices[d.index()].name.clone();
    let mut tables: Vec<CardTable> = ["cmrr", "xtalk", "hum"]
        .into_iter()
        .map(|kind| CardTable {
            kind,
            freqs_hz: freqs.clone(),
            rows: Vec::new(),
        })
        .collect();
    for m in &c.measurements {
        match m {
            Measurement::Cmrr {
                out,
                hot,
                cold,
                imbalance_ohm,
                ..
            } => {
                let setup = CmrrSetup {
                    hot: *hot,
                    cold: *cold,
                    out: probe(*out),
                };
                let dz = imbalance_ohm.unwrap_or(0.0);
                let pts = cmrr_with_imbalance(c, &setup, &freqs, dz)?;
                let mut label = format!("{} {} {}", output_label(c, *out), dev(*hot), dev(*cold));
                if let Some(dz) = imbalance_ohm {
                    let _ = write!(label, " imbalance={dz}");
                }
                tables[0].rows.push(CardRow {
                    label,
                    db: pts.iter().map(|p| p.cmrr_db()).collect(),
                    hum_dbv: None,
                });
            }
            Measurement::Crosstalk { channels, .. } => {
                let chans: Vec<Channel> = channels
                    .iter()
                    .map(|&(source, o)| Channel {
                        source,
                        out: probe(o),
                    })
                    .collect();
                let x = crosstalk(c, &chans, &freqs)?;
                let n = chans.len();
                let worst = (0..freqs.len())
                    .map(|f| {
                        (0..n)
                            .flat_map(|v| (0..n).filter(move |&a| a != v).map(move |a| (v, a)))
                            .map(|(v, a)| x.db(f, v, a))
                            .fold(f64::NEG_INFINITY, f64::max)
                    })
                    .collect();
                let label = channels
                    .iter()
                    .map(|&(s, o)| format!("{}:{}", dev(s), output_label(c, o)))
                    .collect::<Vec<_>>()
                    .join(" ");
                tables[1].rows.push(CardRow {
                    label,
                    db: worst,
                    hum_dbv: None,
                });
            }
            Measurement::Interference {
                out,
                signal,
                interference: source,
                ..
            } => {
                let setup = InterferenceSetup {
                    out: probe(*out),
                    signal: *signal,
                    interference: *source,
                };
                let pts = interference(c, &setup, &freqs)?;
                tables[2].rows.push(CardRow {
                    label: format!(
                        "{} {} {}",
                        output_label(c, *out),
                        dev(*signal),
                        dev(*source)
                    ),
                    db: pts.iter().map(|p| -p.relative_db()).collect(),
                    hum_dbv: Some(
                        pts.iter()
                            .map(|p| 20.0 * p.interference_gain.norm().log10())
                            .collect(),
                    ),
                });
            }
        }
    }
    tables.retain(|t| !t.rows.is_empty());
    Ok(tables)
}

impl CardTable {
    /// What a row's numbers are.
    fn caption(&self) -> &'static str {
        match self.kind {
            "cmrr" => "CMRR (dB; .cmrr OUT HOT COLD, worse leg of the imbalance)",
            "xtalk" => "worst crosstalk between the channels (dB; .xtalk SRC:OUT ...)",
            _ => "hum (dBV per volt of interference) and signal-to-hum ratio (dB; .hum OUT SIGNAL INTERFERENCE)",
        }
    }

    /// The terminal table: a caption line, then a row per card.
    pub fn text(&self) -> String {
        let mut header = vec![".".to_string() + self.kind];
        for &f in &self.freqs_hz {
            if self.kind == "hum" {
                header.push(format!("{} hum dBV", freq_label(f)));
                header.push(format!("{} S/H dB", freq_label(f)));
            } else {
                header.push(freq_label(f));
            }
        }
        let rows: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| {
                let mut cells = vec![r.label.clone()];
                match &r.hum_dbv {
                    Some(hum) => {
                        for (&h, &sh) in hum.iter().zip(&r.db) {
                            cells.push(db_cell(h));
                            cells.push(db_cell(sh));
                        }
                    }
                    None => cells.extend(r.db.iter().map(|&x| self.cell(x))),
                }
                cells
            })
            .collect();
        let mut text = format!("{}\n{}", self.caption(), render_table(&header, &rows));
        if self.kind == "cmrr"
            && self
                .rows
                .iter()
                .flat_map(|r| &r.db)
                .any(|&x| x > CMRR_SHOWN_DB)
        {
            let _ = writeln!(
                text,
                "(> {CMRR_SHOWN_DB}: the common-mode output is at the rounding level of the \
                 solution; CMRR is unbounded)"
            );
        }
        text
    }

    /// A dB cell; a CMRR above [`CMRR_SHOWN_DB`] is shown as `> 200` (its digits are rounding).
    fn cell(&self, x: f64) -> String {
        if self.kind == "cmrr" && x > CMRR_SHOWN_DB {
            format!("> {CMRR_SHOWN_DB}")
        } else {
            db_cell(x)
        }
    }

    /// The table as JSON: `{"measure", "freqs_hz", "rows": [{"card", "db", "hum_dbv"?}]}`
    /// (non-finite dB as null).
    pub fn json(&self) -> Value {
        json!({
            "measure": self.kind,
            "freqs_hz": self.freqs_hz,
            "rows": self.rows.iter().map(|r| {
                let mut row = json!({
                    "card": r.label,
                    "db": r.db.iter().map(|&x| num(x)).collect::<Vec<_>>(),
                });
                if let Some(h) = &r.hum_dbv {
                    row["hum_dbv"] = h.iter().map(|&x| num(x)).collect::<Vec<_>>().into();
                }
                row
            }).collect::<Vec<_>>(),
        })
    }
}

/// Every table as CSV: `measure,card,freq_hz,db,hum_dbv`, a line per card and frequency
/// (`hum_dbv` empty except for `.hum`; dB with Rust's shortest exact form, `inf`/`-inf`).
pub fn csv(tables: &[CardTable]) -> String {
    let mut out = String::from("measure,card,freq_hz,db,hum_dbv\n");
    for t in tables {
        for r in &t.rows {
            for (i, &f) in t.freqs_hz.iter().enumerate() {
                let hum = r
                    .hum_dbv
                    .as_ref()
                    .map_or(String::new(), |h| h[i].to_string());
                let _ = writeln!(out, "{},\"{}\",{f},{},{hum}", t.kind, r.label, r.db[i]);
            }
        }
    }
    out
}
