//! `.print`/`.plot` tables: the columns a netlist's `.print` cards ask for, evaluated on the
//! finished plots, and written two ways.
//!
//! - [`tables`]: one table per plot of every analysis kind that has `.print` (or `.plot`)
//!   cards, its columns those of all the kind's cards in card order. `balun run` prints these
//!   in place of its default table for that kind ([`write_table`]: balun's layout, numbers as
//!   ngspice prints them), and writes them to `--csv` (`print_ac1.csv`, [`write_csv`]) and
//!   `--json` (`"print"`).
//! - [`card_tables`] and [`write_ngspice`]: what `ngspice -b` prints (`balun run
//!   --print-style ngspice`): one table per card and plot, in card order, laid out by ngspice
//!   39's `com_print` (80 columns: the scale and as many columns as fit, the rest on further
//!   pages that repeat the scale; 55 rows on a table's first page, 58 on the next, each page
//!   after a form feed), numbers as its `printnum` (`%e`, 6 decimals, 5 when negative).
//!
//! Columns are named as ngspice names them (`v(in)-v(mid)`, `v1#branch`, `vdb(out)`,
//! `db(v(a)-v(b))`, see `circuit::Print`). A complex (AC) value is one column of two numbers.
//! `vp` is in radians, as ngspice prints it. A column that cannot be evaluated (the `vdb` of a
//! zero) is left out with a note, as ngspice leaves it out with an error.

use super::{meas::c_exp, plot_keys};
use circuit::{Print, PrintAnalysis, PrintOutput, PrintPart};
use num_complex::Complex64;
use solver::{Data, Plot};
use std::io::{self, Write};

/// One evaluated column.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// ngspice's name (`v(in)-v(mid)`, `v1#branch`, `vdb(out)`).
    pub name: String,
    /// Real, or complex for an AC value column.
    pub data: Data,
}

/// The `.print` columns of one plot.
#[derive(Debug, Clone)]
pub struct Table<'p> {
    pub plot: &'p Plot,
    /// The plot's key (`ac1`, `op`, ...; see [`super::plot_keys`]).
    pub key: String,
    pub columns: Vec<Column>,
}

/// Which `.print` kind a plot answers to (`None`: noise plots and others).
pub fn plot_analysis(plot: &Plot) -> Option<PrintAnalysis> {
    match super::plot_kind(plot) {
        "op" => Some(PrintAnalysis::Op),
        "dc" => Some(PrintAnalysis::Dc),
        "ac" => Some(PrintAnalysis::Ac),
        "tran" => Some(PrintAnalysis::Tran),
        _ => None,
    }
}

/// `output` on `plot`: `plus - minus`, then its part; `Err` names why it has no value (a
/// vector missing from a stopped run, the dB of zero).
pub fn evaluate(output: &PrintOutput, plot: &Plot) -> Result<Data, String> {
    let n = plot.len();
    let get = |name: &Option<String>| -> Result<Option<&Data>, String> {
        match name {
            None => Ok(None),
            Some(name) => plot
                .vector(name)
                .map(|v| Some(&v.data))
                .ok_or_else(|| format!("no vector {name} in this plot")),
        }
    };
    let (plus, minus) = (get(&output.plus)?, get(&output.minus)?);
    let complex = [plus, minus]
        .iter()
        .any(|d| matches!(d, Some(Data::Complex(_))));
    let at = |d: Option<&Data>, i: usize| d.map_or(Complex64::new(0.0, 0.0), |d| d.at(i));
    let values = (0..n).map(|i| at(plus, i) - at(minus, i));
    let db = |m: f64| {
        if m > 0.0 {
            Ok(20.0 * m.log10())
        } else {
            Err(format!(
                "the dB of {m} (ngspice: argument out of range for db)"
            ))
        }
    };
    Ok(match (output.part, complex) {
        (PrintPart::Value, true) => Data::Complex(values.collect()),
        // ngspice's `imag` of real data is the data itself (`cx_imag`), its `ph` 0, its `db`
        // that of the value (not of its magnitude).
        (PrintPart::Value | PrintPart::Real, _) | (PrintPart::Imag, false) => {
            Data::Real(values.map(|z| z.re).collect())
        }
        (PrintPart::Mag, _) => Data::Real(values.map(|z| z.norm()).collect()),
        (PrintPart::Phase, true) => Data::Real(values.map(|z| z.im.atan2(z.re)).collect()),
        (PrintPart::Imag, true) => Data::Real(values.map(|z| z.im).collect()),
        (PrintPart::Phase, false) => Data::Real(vec![0.0; n]),
        (PrintPart::Db, true) => {
            Data::Real(values.map(|z| db(z.norm())).collect::<Result<_, _>>()?)
        }
        (PrintPart::Db, false) => Data::Real(values.map(|z| db(z.re)).collect::<Result<_, _>>()?),
    })
}

/// The columns of `outputs` on `plot`, and a note for each left out.
fn columns<'o>(
    outputs: impl Iterator<Item = &'o PrintOutput>,
    plot: &Plot,
    key: &str,
    notes: &mut Vec<String>,
) -> Vec<Column> {
    outputs
        .filter_map(|o| match evaluate(o, plot) {
            Ok(data) => Some(Column {
                name: o.name.clone(),
                data,
            }),
            Err(e) => {
                notes.push(format!(".print {key}: column {} left out: {e}", o.name));
                None
            }
        })
        .collect()
}

/// One table per plot whose kind has `.print` cards (in plot order), with the columns of all
/// that kind's cards in card order; and notes on columns left out.
pub fn tables<'p>(prints: &[Print], plots: &'p [Plot]) -> (Vec<Table<'p>>, Vec<String>) {
    let mut notes = Vec::new();
    let tables = plots
        .iter()
        .zip(plot_keys(plots))
        .filter_map(|(plot, key)| {
            let kind = plot_analysis(plot)?;
            let outputs = prints
                .iter()
                .filter(|p| p.analysis == kind)
                .flat_map(|p| &p.outputs);
            let columns = columns(outputs.clone(), plot, &key, &mut notes);
            (outputs.count() > 0).then_some(Table { plot, key, columns })
        })
        .collect();
    (tables, notes)
}

/// What `ngspice -b` prints: for each card in order, one table per plot of its kind (in plot
/// order); and notes on columns left out.
pub fn card_tables<'p>(prints: &[Print], plots: &'p [Plot]) -> (Vec<Table<'p>>, Vec<String>) {
    let mut notes = Vec::new();
    let keys = plot_keys(plots);
    let mut tables = Vec::new();
    for p in prints {
        for (plot, key) in plots.iter().zip(&keys) {
            if plot_analysis(plot) == Some(p.analysis) {
                let columns = columns(p.outputs.iter(), plot, key, &mut notes);
                tables.push(Table {
                    plot,
                    key: key.clone(),
                    columns,
                });
            }
        }
    }
    (tables, notes)
}

/// ngspice's `printnum`: `%e` with 6 decimals, 5 for a negative number. A zero prints
/// unsigned (`x + 0.0`): the sign of a zero differs between the two simulators' solutions.
pub fn printnum(x: f64) -> String {
    c_exp(x + 0.0, if x < 0.0 { 5 } else { 6 })
}

/// A cell of column `c` at point `i`: `printnum`, or `re,im` for a complex value.
fn cell(c: &Column, i: usize) -> String {
    match &c.data {
        Data::Real(v) => printnum(v[i]),
        Data::Complex(v) => format!("{},{}", printnum(v[i].re), printnum(v[i].im)),
    }
}

/// A table in balun's layout: the plot's heading, a column for the scale (none for `.op`) and
/// one per output, long sweeps summarised as in the default tables.
pub fn write_table(
    w: &mut impl Write,
    t: &Table,
    options: &super::table::TableOptions,
) -> io::Result<()> {
    let n = t.plot.len();
    let rows = super::table::row_indices(n, options);
    let summarised = rows.len() < n;
    writeln!(
        w,
        "{} ({} point{}; .print)",
        t.plot.name,
        n,
        if n == 1 { "" } else { "s" }
    )?;
    let mut header: Vec<String> = Vec::new();
    if summarised {
        header.push("#".into());
    }
    if let Some(s) = &t.plot.scale {
        header.push(scale_name(&s.name).to_string());
    }
    header.extend(t.columns.iter().map(|c| c.name.clone()));
    let mut table = vec![header];
    for &i in &rows {
        let mut row = Vec::new();
        if summarised {
            row.push(i.to_string());
        }
        if let Some(s) = &t.plot.scale {
            row.push(printnum(s.data.at(i).re));
        }
        row.extend(t.columns.iter().map(|c| cell(c, i)));
        table.push(row);
    }
    super::table::write_aligned(w, &table)?;
    if summarised {
        writeln!(
            w,
            "  {n} points, {} shown; use --print-style ngspice or --csv for all",
            rows.len()
        )?;
    }
    Ok(())
}

/// The scale's name as ngspice's `print` shows it: the sweep's internal name (`v-sweep`, not
/// the raw file's `v(v-sweep)`).
fn scale_name(name: &str) -> &str {
    ["v(", "i("]
        .iter()
        .find_map(|p| name.strip_prefix(p)?.strip_suffix(')'))
        .filter(|inner| inner.ends_with("sweep"))
        .unwrap_or(name)
}

/// ngspice's line width and page height for `print` (`DEF_WIDTH`, `DEF_HEIGHT`).
const WIDTH: usize = 80;
const HEIGHT: usize = 60;

/// Writes `tables` as `ngspice -b` prints its `.print` cards: `title` (lower-cased and centred,
/// as ngspice shows it) and `date` (ngspice's `Thu Dec  3 15:23:48  2026`) head each table.
pub fn write_ngspice(
    w: &mut impl Write,
    title: &str,
    date: &str,
    tables: &[Table],
) -> io::Result<()> {
    for t in tables {
        write_ngspice_table(w, &title.to_lowercase(), date, t)?;
        writeln!(w)?;
    }
    Ok(())
}

/// One column of ngspice's page: its name, its values and whether it counts as complex for
/// the width (an AC plot's frequency does, though it prints as one number).
struct PageColumn<'c> {
    name: &'c str,
    cells: Box<dyn Fn(usize) -> String + 'c>,
    wide_header: bool,
    wide: bool,
}

fn write_ngspice_table(w: &mut impl Write, title: &str, date: &str, t: &Table) -> io::Result<()> {
    let ac = plot_analysis(t.plot) == Some(PrintAnalysis::Ac);
    let scale = t.plot.scale.as_ref().map(|s| PageColumn {
        name: scale_name(&s.name),
        cells: Box::new(move |i| format!("{}\t", printnum(s.data.at(i).re))),
        wide_header: false,
        wide: ac,
    });
    let columns: Vec<PageColumn> = t
        .columns
        .iter()
        .map(|c| {
            let complex = matches!(c.data, Data::Complex(_));
            PageColumn {
                name: &c.name,
                cells: Box::new(move |i| match &c.data {
                    Data::Real(v) => format!("{}\t", printnum(v[i])),
                    Data::Complex(v) => {
                        format!("{},\t{}\t", printnum(v[i].re), printnum(v[i].im))
                    }
                }),
                wide_header: complex,
                wide: complex,
            }
        })
        .collect();
    let npoints = t.plot.len();
    let pad = " ".repeat(WIDTH.saturating_sub(title.len()) / 2);
    let dashes = "-".repeat(WIDTH);
    let mut first = 0;
    while first < columns.len() || (columns.is_empty() && first == 0) {
        // As many columns as fit in the width, at least one besides the scale (two without).
        let mut page: Vec<&PageColumn> = scale.iter().collect();
        let mut width = 8 + if ac { 32 } else { 16 } * page.len();
        let mut last = first;
        while last < columns.len() {
            let c = &columns[last];
            width += if c.wide { 32 } else { 16 };
            if width > WIDTH && page.len() >= 2 {
                break;
            }
            page.push(c);
            last += 1;
        }
        writeln!(w, "{pad}{title}")?;
        writeln!(w, "{pad}{}  {date}", t.plot.name)?;
        writeln!(w, "{dashes}")?;
        let mut header = String::from("Index   ");
        for c in &page {
            let name: String = c
                .name
                .chars()
                .take(if c.wide_header { 31 } else { 15 })
                .collect();
            let wd = if c.wide_header { 32 } else { 16 };
            header.push_str(&format!("{name:<wd$}"));
        }
        let mut lineno = 3;
        let mut j = 0;
        loop {
            writeln!(w, "{header}")?;
            writeln!(w, "{dashes}")?;
            lineno += 2;
            while j < npoints && lineno < HEIGHT {
                let mut line = format!("{j}\t");
                for c in &page {
                    line.push_str(&(c.cells)(j));
                }
                writeln!(w, "{line}")?;
                j += 1;
                lineno += 1;
            }
            if j == npoints {
                break;
            }
            lineno = 0;
            writeln!(w, "\x0c")?;
        }
        first = last;
        if first < columns.len() {
            writeln!(w, "\x0c")?;
        } else {
            break;
        }
    }
    Ok(())
}

/// One `.print` table as CSV: the scale, then each column (a complex one as `name.re`,
/// `name.im`), every point, numbers as [`super::csv`] writes them.
pub fn write_csv(w: &mut impl Write, t: &Table) -> io::Result<()> {
    let mut header: Vec<String> = Vec::new();
    if let Some(s) = &t.plot.scale {
        header.push(super::csv::quote(&s.name));
    }
    for c in &t.columns {
        match c.data {
            Data::Real(_) => header.push(super::csv::quote(&c.name)),
            Data::Complex(_) => {
                for part in ["re", "im"] {
                    header.push(super::csv::quote(&format!("{}.{part}", c.name)));
                }
            }
        }
    }
    writeln!(w, "{}", header.join(","))?;
    for i in 0..t.plot.len() {
        let mut row = Vec::new();
        if let Some(s) = &t.plot.scale {
            row.push(super::csv::number(s.data.at(i).re));
        }
        for c in &t.columns {
            match &c.data {
                Data::Real(v) => row.push(super::csv::number(v[i])),
                Data::Complex(v) => {
                    row.push(super::csv::number(v[i].re));
                    row.push(super::csv::number(v[i].im));
                }
            }
        }
        writeln!(w, "{}", row.join(","))?;
    }
    Ok(())
}

/// The tables as JSON: `[{"plot": KEY, "name", "scale"?, "columns": [{"name", "re", "im"?}]}]`.
pub fn json(tables: &[Table]) -> serde_json::Value {
    use serde_json::json;
    let data = |name: &str, d: &Data| match d {
        Data::Real(v) => json!({ "name": name, "re": v }),
        Data::Complex(v) => json!({
            "name": name,
            "re": v.iter().map(|z| z.re).collect::<Vec<_>>(),
            "im": v.iter().map(|z| z.im).collect::<Vec<_>>(),
        }),
    };
    tables
        .iter()
        .map(|t| {
            let mut o = json!({
                "plot": t.key,
                "name": t.plot.name,
                "columns": t.columns.iter().map(|c| data(&c.name, &c.data)).collect::<Vec<_>>(),
            });
            if let Some(s) = &t.plot.scale {
                o["scale"] = data(&s.name, &s.data);
            }
            o
        })
        .collect()
}
