//! ngspice raw files, ASCII and binary: writing balun's plots and reading ngspice's.
//!
//! The ASCII layout is exactly what ngspice 39 writes with
//! `SPICE_ASCIIRAWFILE=1 ngspice -b -r out.raw`:
//!
//! ```text
//! Title: divider test
//! Date: Tue Nov 24 21:09:46  2026
//! Plotname: AC Analysis
//! Flags: complex
//! No. Variables: 3
//! No. Points: 2       
//! Variables:
//! \t0\tfrequency\tfrequency\tgrid=3
//! \t1\tv(out)\tvoltage
//! \t2\ti(v1)\tcurrent
//! Values:
//! 0\t\t1.000000000000000e+01,0.000000000000000e+00
//! \t4.995070063451801e-01,-1.569247541550648e-02
//! \t-5.004929936548198e-04,-1.569247541550648e-05
//! 1\t\t...
//! ```
//!
//! One such section per plot, concatenated, in ngspice's order of analyses (`.ac`, `.dc`, `.op`,
//! `.tran`, ..., see [`ngspice_plot_order`]), not the netlist's. Values use C's `%.15e` (see [`super::e15`]);
//! complex values are `re,im`. The scale (sweep variable) is variable 0; an `Operating Point`
//! plot has no scale and its first vector is variable 0. `No. Points:` is left-justified in 8
//! columns (ngspice reserves the room to rewrite the count when the run ends). `grid=3`
//! (ngspice's `GRID_XLOG`) marks a frequency scale swept by decade or octave.
//!
//! The binary layout (ngspice's default, `ngspice -b -r out.raw`) has the same header but
//! `Binary:` instead of `Values:`, then per point every variable, the scale first, as a
//! little-endian `f64`, or in a `complex` plot as two (`re`, `im`), the scale included. Nothing
//! separates points or follows the data; the next plot's `Title:` comes straight after.
//!
//! ngspice writes garbage as the imaginary part of the frequency; balun writes 0, and the reader
//! ignores it (the scale of a complex plot is read as real data). The reader also skips header
//! lines it does not use (`Command:`, `Option:`), accepts extra `Flags:` words (`padded`) and
//! extra fields after a variable's type (`grid=3`, `dims=...`).
//!
//! Writing goes straight from the [`Plot`]'s vectors into buffers of a few points each, which
//! [`rayon`] fills in parallel while the calling thread writes the previous ones, in order.

use solver::{Data, Plot, Unit, Vector};
use std::borrow::Cow;
use std::io::{self, Write};
use std::ops::Range;
use std::sync::mpsc;

use num_complex::Complex64;

use super::e15;

/// Which raw file layout to write.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RawFormat {
    /// Text, `%.15e` numbers (`SPICE_ASCIIRAWFILE=1`).
    #[default]
    Ascii,
    /// Little-endian `f64`s after a text header (ngspice's default).
    Binary,
}

/// Writes `plots` as one ngspice ASCII raw file (one section per plot, in ngspice's order).
///
/// The date is the current UTC time in ngspice's format; a frequency scale gets `grid=3` when its
/// points look log-spaced (see [`write_ascii_with`] to say so exactly).
pub fn write_ascii(w: &mut impl Write, title: &str, plots: &[Plot]) -> io::Result<()> {
    write_ascii_with(w, title, plots, &WriteOptions::default())
}

/// Writes `plots` as one ngspice binary raw file (one section per plot, in ngspice's order).
pub fn write_binary(w: &mut impl Write, title: &str, plots: &[Plot]) -> io::Result<()> {
    let options = WriteOptions {
        format: RawFormat::Binary,
        ..WriteOptions::default()
    };
    write(w, title, plots, &options)
}

/// Options for [`write`](fn@write) and [`write_ascii_with`].
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    /// The `Date:` text; `None` means now (UTC), as `Tue Nov 24 21:09:46  2026`.
    pub date: Option<String>,
    /// Per plot (same order as the plots): whether its scale is a log (dec/oct) sweep, which
    /// ngspice marks `grid=3`. `None`, or a missing entry, means: guess from the scale values.
    pub log_scale: Option<Vec<bool>>,
    /// ASCII (the default) or binary.
    pub format: RawFormat,
}

/// Writes `plots` as an ngspice ASCII raw file with explicit [`WriteOptions`] (whatever
/// `options.format` says).
pub fn write_ascii_with(
    w: &mut impl Write,
    title: &str,
    plots: &[Plot],
    options: &WriteOptions,
) -> io::Result<()> {
    let options = WriteOptions {
        format: RawFormat::Ascii,
        ..options.clone()
    };
    write(w, title, plots, &options)
}

/// Writes `plots` as an ngspice raw file in `options.format`, in the order ngspice 39 writes
/// the plots of one run ([`ngspice_plot_order`]); `options.log_scale` follows `plots`' order.
pub fn write(
    w: &mut impl Write,
    title: &str,
    plots: &[Plot],
    options: &WriteOptions,
) -> io::Result<()> {
    let date = options.date.clone().unwrap_or_else(ngspice_date_now);
    for index in ngspice_plot_order(plots) {
        let plot = &plots[index];
        let log_hint = options
            .log_scale
            .as_ref()
            .and_then(|v| v.get(index).copied());
        let mut header = Vec::with_capacity(256 + 40 * (plot.vectors.len() + 1));
        write_header(&mut header, title, &date, plot, log_hint, options.format)?;
        w.write_all(&header)?;
        write_values(w, plot, options.format)?;
    }
    Ok(())
}

/// ngspice 39's analyses in the order `ngspice -b -r` runs them and writes their plots
/// (`analInfo[]` in ngspice's `src/spicelib/analysis/analysis.c`): each analysis kind by the
/// plot names it writes, the first name starting one analysis's plots.
const NGSPICE_ANALYSIS_ORDER: &[&[&str]] = &[
    &["AC Analysis"],
    &["DC transfer characteristic"],
    &["Operating Point"],
    &["Transient Analysis"],
    &["Pole-Zero Analysis"],
    &["Transfer Function"],
    &[
        "DISTORTION - 2nd harmonic",
        "DISTORTION - 3rd harmonic",
        "DISTORTION - IM: f1+f2",
        "DISTORTION - IM: f1-f2",
        "DISTORTION - IM: 2f1-f2",
    ],
    &["Noise Spectral Density Curves", "Integrated Noise"],
    &["Sensitivity Analysis"],
    &["SP Analysis"],
];

/// The order in which ngspice 39 would write `plots` (given in netlist order, as the solver
/// makes them): indices into `plots`.
///
/// ngspice runs its analyses kind by kind (`.ac`, then `.dc`, `.op`, `.tran`, `.pz`, `.tf`,
/// `.disto`, `.noise`, `.sens`, whatever the netlist order) and the analyses of one kind in
/// *reverse* netlist order (each card is prepended to its kind's job list): a netlist with
/// `.op`, `.ac lin ..`, `.ac dec ..` gives the `dec` AC plot, the `lin` AC plot, then the
/// operating point (checked with ngspice 39 on every combination; see `tests/raw_order.rs`).
/// Readers that take the first plot of a file, as spicelib does, depend on it. The plots of
/// one analysis (`.noise`'s two, `.disto`'s harmonics) stay together in their order; a plot
/// whose name ngspice does not write goes last, in the given order.
pub fn ngspice_plot_order(plots: &[Plot]) -> Vec<usize> {
    let kind_of = |name: &str| {
        NGSPICE_ANALYSIS_ORDER
            .iter()
            .position(|names| names.contains(&name))
            // `.disto` with a second frequency writes only the intermodulation plots.
            .map(|k| {
                let starts =
                    NGSPICE_ANALYSIS_ORDER[k][0] == name || name == "DISTORTION - IM: f1+f2";
                (k, starts)
            })
    };
    // (kind rank, plots of one analysis), in netlist order.
    let mut groups: Vec<(usize, Vec<usize>)> = Vec::new();
    for (i, plot) in plots.iter().enumerate() {
        let (rank, starts) = kind_of(&plot.name)
            .map_or((NGSPICE_ANALYSIS_ORDER.len(), true), |(k, first)| {
                (k, first)
            });
        match groups.last_mut() {
            Some((r, members)) if !starts && *r == rank => members.push(i),
            _ => groups.push((rank, vec![i])),
        }
    }
    // Reverse netlist order within a kind (but not among unknown plots), then a stable sort by
    // kind.
    let unknown = NGSPICE_ANALYSIS_ORDER.len();
    let mut keyed: Vec<(usize, usize, Vec<usize>)> = groups
        .into_iter()
        .enumerate()
        .map(|(g, (rank, members))| {
            let within = if rank == unknown { g } else { usize::MAX - g };
            (rank, within, members)
        })
        .collect();
    keyed.sort_by_key(|&(rank, within, _)| (rank, within));
    keyed.into_iter().flat_map(|(_, _, m)| m).collect()
}

/// A vector's name in a raw file: ngspice writes a voltage whose name does not start with
/// `v(` inside `v(...)` (`transfer_function` as `v(transfer_function)`, `.sens`'s `r1` as
/// `v(r1)`); every other name as it is.
pub fn raw_name(v: &Vector) -> Cow<'_, str> {
    if v.unit == Unit::Voltage
        && !v
            .name
            .get(..2)
            .is_some_and(|p| p.eq_ignore_ascii_case("v("))
    {
        Cow::Owned(format!("v({})", v.name))
    } else {
        Cow::Borrowed(&v.name)
    }
}

/// Everything up to and including `Values:` or `Binary:`.
fn write_header(
    w: &mut Vec<u8>,
    title: &str,
    date: &str,
    plot: &Plot,
    log_hint: Option<bool>,
    format: RawFormat,
) -> io::Result<()> {
    let complex = plot.is_complex();
    writeln!(w, "Title: {title}")?;
    writeln!(w, "Date: {date}")?;
    writeln!(w, "Plotname: {}", plot.name)?;
    writeln!(w, "Flags: {}", if complex { "complex" } else { "real" })?;
    writeln!(
        w,
        "No. Variables: {}",
        plot.vectors.len() + usize::from(plot.scale.is_some())
    )?;
    writeln!(w, "No. Points: {:<8}", plot.len())?;
    writeln!(w, "Variables:")?;
    for (i, v) in plot.scale.iter().chain(&plot.vectors).enumerate() {
        write!(w, "\t{i}\t{}\t{}", raw_name(v), v.unit.raw_name())?;
        let is_scale = i == 0 && plot.scale.is_some();
        if is_scale
            && v.unit == Unit::Frequency
            && log_hint.unwrap_or_else(|| looks_log_spaced(&v.data))
        {
            write!(w, "\tgrid=3")?;
        }
        writeln!(w)?;
    }
    match format {
        RawFormat::Ascii => writeln!(w, "Values:"),
        RawFormat::Binary => writeln!(w, "Binary:"),
    }
}

/// A variable's values, borrowed from its [`Vector`].
#[derive(Clone, Copy)]
enum Column<'a> {
    Real(&'a [f64]),
    Complex(&'a [Complex64]),
}

impl Column<'_> {
    /// The value at point `p` as (re, im). A vector shorter than the scale is an internal error
    /// of the producer; it reads as 0 rather than panicking, so the file stays readable.
    #[inline]
    fn at(self, p: usize) -> (f64, f64) {
        match self {
            Column::Real(v) => (v.get(p).copied().unwrap_or(0.0), 0.0),
            Column::Complex(v) => v.get(p).map_or((0.0, 0.0), |c| (c.re, c.im)),
        }
    }
}

/// How many value bytes one buffer should hold before it goes to the writer (a few points each,
/// so that small plots stay on one thread and large ones keep both cores busy).
const CHUNK_BYTES: usize = 1 << 20;

/// The most bytes one point can take: ASCII `INDEX\t` then per variable `\tRE[,IM]\n`, or
/// binary 8 bytes per real value.
fn max_point_bytes(format: RawFormat, complex: bool, columns: usize) -> usize {
    match (format, complex) {
        (RawFormat::Ascii, false) => 21 + columns * (e15::MAX_LEN + 2),
        (RawFormat::Ascii, true) => 21 + columns * (2 * e15::MAX_LEN + 3),
        (RawFormat::Binary, false) => columns * 8,
        (RawFormat::Binary, true) => columns * 16,
    }
}

/// Writes the values of every point, in order, from buffers formatted in parallel.
fn write_values(w: &mut impl Write, plot: &Plot, format: RawFormat) -> io::Result<()> {
    let columns: Vec<Column> = plot
        .scale
        .iter()
        .chain(&plot.vectors)
        .map(|v| match &v.data {
            Data::Real(values) => Column::Real(values),
            Data::Complex(values) => Column::Complex(values),
        })
        .collect();
    let complex = plot.is_complex();
    let points = plot.len();
    if points == 0 || columns.is_empty() {
        return Ok(());
    }
    let per_point = max_point_bytes(format, complex, columns.len());
    let chunk_points = (CHUNK_BYTES / per_point).clamp(1, points);
    // Fills `out` (grown to the chunk's worst case if needed; never cleared, so a recycled
    // buffer is not zeroed again) from its start and returns the length used.
    let fill = |range: Range<usize>, out: &mut Vec<u8>| -> usize {
        let need = range.len() * per_point;
        if out.len() < need {
            out.resize(need, 0);
        }
        match format {
            RawFormat::Ascii => format_ascii(&columns, complex, range, out),
            RawFormat::Binary => format_binary(&columns, complex, range, out),
        }
    };
    if chunk_points == points {
        let mut out = Vec::new();
        let used = fill(0..points, &mut out);
        return w.write_all(&out[..used]);
    }
    write_chunks_parallel(w, points, chunk_points, fill)
}

/// Splits `0..points` into chunks of `chunk_points`, fills a buffer per chunk on rayon's
/// threads (a batch of a few chunks at a time) and writes the buffers in order on this thread
/// while the next batch is being filled. Buffers are recycled.
fn write_chunks_parallel(
    w: &mut impl Write,
    points: usize,
    chunk_points: usize,
    fill: impl Fn(Range<usize>, &mut Vec<u8>) -> usize + Sync,
) -> io::Result<()> {
    use rayon::prelude::*;
    let chunks: Vec<Range<usize>> = (0..points)
        .step_by(chunk_points)
        .map(|start| start..(start + chunk_points).min(points))
        .collect();
    let batch = 2 * rayon::current_num_threads().max(1);
    // Filled buffers (with their used length) go to the writer in order; written ones come
    // back for reuse. Two batches in flight: one being written while the next is filled.
    let (filled_tx, filled_rx) = mpsc::sync_channel::<(Vec<u8>, usize)>(2 * batch);
    let (empty_tx, empty_rx) = mpsc::channel::<Vec<u8>>();
    let (fill, chunks) = (&fill, &chunks);
    // `move`: when a write fails, returning drops `filled_rx`, which stops the filler (its `send`
    // fails) before the scope joins it.
    std::thread::scope(move |scope| {
        scope.spawn(move || {
            for group in chunks.chunks(batch) {
                let mut buffers: Vec<(Vec<u8>, usize)> = (0..group.len())
                    .map(|_| (empty_rx.try_recv().unwrap_or_default(), 0))
                    .collect();
                buffers
                    .par_iter_mut()
                    .zip(group.par_iter())
                    .for_each(|((out, used), range)| *used = fill(range.clone(), out));
                for b in buffers {
                    if filled_tx.send(b).is_err() {
                        return; // the writer failed and hung up
                    }
                }
            }
        });
        for _ in 0..chunks.len() {
            let Ok((buffer, used)) = filled_rx.recv() else {
                break;
            };
            w.write_all(&buffer[..used])?;
            let _ = empty_tx.send(buffer);
        }
        Ok(())
    })
}

/// Writes the ASCII lines of points `range` at the start of `out` (which has room for the
/// worst case) and returns their length: `p\t\tSCALE` then `\tVALUE` per other variable, each
/// value `%.15e` or `%.15e,%.15e`.
fn format_ascii(columns: &[Column], complex: bool, range: Range<usize>, out: &mut [u8]) -> usize {
    let mut at = 0;
    for p in range {
        at += write_usize(&mut out[at..], p);
        out[at] = b'\t';
        at += 1;
        for &column in columns {
            let (re, im) = column.at(p);
            out[at] = b'\t';
            at += 1 + e15::write(&mut out[at + 1..], re);
            if complex {
                out[at] = b',';
                at += 1 + e15::write(&mut out[at + 1..], im);
            }
            out[at] = b'\n';
            at += 1;
        }
    }
    at
}

/// Writes the binary values of points `range` at the start of `out` and returns their length:
/// every variable as little-endian `f64`, or two (re, im) in a complex plot. In blocks of
/// [`BINARY_BLOCK`] variables, each point's block written in turn: writes stay sequential within
/// a block and each vector's few values for the chunk are read from the same cache lines.
fn format_binary(columns: &[Column], complex: bool, range: Range<usize>, out: &mut [u8]) -> usize {
    let value = if complex { 16 } else { 8 };
    let point = value * columns.len();
    let first = range.start;
    for (b, block) in columns.chunks(BINARY_BLOCK).enumerate() {
        for p in range.clone() {
            let mut at = (p - first) * point + b * BINARY_BLOCK * value;
            for &column in block {
                let (re, im) = column.at(p);
                out[at..at + 8].copy_from_slice(&re.to_le_bytes());
                if complex {
                    out[at + 8..at + 16].copy_from_slice(&im.to_le_bytes());
                }
                at += value;
            }
        }
    }
    range.len() * point
}

/// Variables per block in [`format_binary`].
const BINARY_BLOCK: usize = 64;

/// Writes `n` in decimal at the start of `out` (room for 20 digits) and returns the length.
fn write_usize(out: &mut [u8], mut n: usize) -> usize {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let len = digits.len() - at;
    out[..len].copy_from_slice(&digits[at..]);
    len
}

/// ngspice marks dec/oct frequency sweeps `grid=3`. Without a hint: a sweep of 2 or more
/// positive points that is not evenly spaced, or of exactly 2 points (ambiguous: `.ac dec` is
/// far more common than `.ac lin 2`).
fn looks_log_spaced(data: &Data) -> bool {
    let xs: Vec<f64> = (0..data.len()).map(|i| data.at(i).re).collect();
    match xs.len() {
        0 | 1 => false,
        2 => xs[0] > 0.0,
        _ => {
            let d0 = xs[1] - xs[0];
            let linear = xs
                .windows(2)
                .all(|p| ((p[1] - p[0]) - d0).abs() <= 1e-9 * d0.abs().max(f64::MIN_POSITIVE));
            !linear && xs.iter().all(|&x| x > 0.0)
        }
    }
}

/// Formats like C's `printf("%.15e", x)`: `1.000000000000000e+01`, `-5.000000000000000e-04`,
/// `nan`, `inf`, `-inf` (see [`e15`]).
pub fn fmt_c_e15(x: f64) -> String {
    e15::to_string(x)
}

/// The current time in ngspice's `Date:` format (`asctime` with the year separated by two
/// spaces: `Tue Nov 24 21:09:46  2026`), in UTC.
pub fn ngspice_date_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    ngspice_date(secs)
}

/// `secs` since the Unix epoch (UTC) in ngspice's `Date:` format.
pub fn ngspice_date(secs: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{} {} {:2} {:02}:{:02}:{:02}  {}",
        DAYS[days.rem_euclid(7) as usize],
        MONTHS[(m - 1) as usize],
        d,
        sod / 3600,
        sod % 3600 / 60,
        sod % 60,
        y
    )
}

/// Days since 1970-01-01 to (year, month 1-12, day 1-31); Howard Hinnant's `civil_from_days`.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// A malformed raw file: what was expected, and the 1-based line (in a binary file, the line
/// of the header or of `Binary:` that the problem belongs to).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("raw file line {line}: {message}")]
pub struct RawError {
    pub line: usize,
    pub message: String,
}

/// Reads every plot of an ngspice raw file, ASCII or binary, or both mixed (each plot says which
/// with `Values:` or `Binary:`), as written by `ngspice -b -r` or by [`write`](fn@write).
///
/// Every plot except `Operating Point` takes variable 0 as its scale. Units come from the type
/// word (`voltage`, `current`, `frequency`, `time`). In a `complex` plot the data vectors are
/// complex and the scale is real (its imaginary part is dropped).
pub fn read(bytes: &[u8]) -> Result<Vec<Plot>, RawError> {
    let mut lines = Lines::new(bytes);
    let mut plots = Vec::new();
    loop {
        // Skip blank lines between plots.
        while lines
            .peek()
            .is_some_and(|l| l.iter().all(u8::is_ascii_whitespace))
        {
            lines.next();
        }
        if lines.peek().is_none() {
            break;
        }
        plots.push(read_plot(&mut lines)?);
    }
    Ok(plots)
}

/// Reads every plot of an ngspice ASCII raw file (as written by `ngspice -b -r` with
/// `SPICE_ASCIIRAWFILE=1`, or by [`write_ascii`]). Same as [`read`] on the text's bytes.
pub fn read_ascii(text: &str) -> Result<Vec<Plot>, RawError> {
    read(text.as_bytes())
}

/// Lines of a raw file's text parts, with raw byte access for binary data.
struct Lines<'a> {
    bytes: &'a [u8],
    /// Offset of the next unread byte.
    pos: usize,
    /// 1-based number of the last line returned by `next`.
    line: usize,
}

impl<'a> Lines<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Lines {
            bytes,
            pos: 0,
            line: 0,
        }
    }
    /// The next line without its `\n` (or `\r\n`) and the offset after it.
    fn split(&self) -> Option<(&'a [u8], usize)> {
        let rest = self.bytes.get(self.pos..).filter(|r| !r.is_empty())?;
        let (line, used) = match rest.iter().position(|&b| b == b'\n') {
            Some(end) => (&rest[..end], end + 1),
            None => (rest, rest.len()),
        };
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        Some((line, self.pos + used))
    }
    fn peek(&self) -> Option<&'a [u8]> {
        self.split().map(|(l, _)| l)
    }
    fn next(&mut self) -> Option<&'a [u8]> {
        let (l, next) = self.split()?;
        self.pos = next;
        self.line += 1;
        Some(l)
    }
    fn err(&self, line: usize, message: impl Into<String>) -> RawError {
        RawError {
            line,
            message: message.into(),
        }
    }
    /// The next line as text, or an error at end of file saying what was expected.
    fn expect(&mut self, what: impl FnOnce() -> String) -> Result<&'a str, RawError> {
        match self.next() {
            Some(l) => std::str::from_utf8(l)
                .map_err(|_| self.err(self.line, "expected a line of text, found non-UTF-8 bytes")),
            None => Err(self.err(
                self.line + 1,
                format!("unexpected end of file, expected {}", what()),
            )),
        }
    }
    /// The next `n` bytes, raw.
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let taken = self.bytes.get(self.pos..end)?;
        self.pos = end;
        Some(taken)
    }
    fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }
}

struct Header {
    name: Option<String>,
    complex: bool,
    n_vars: Option<usize>,
    n_points: Option<usize>,
}

fn read_plot(lines: &mut Lines) -> Result<Plot, RawError> {
    let mut h = Header {
        name: None,
        complex: false,
        n_vars: None,
        n_points: None,
    };
    // Header: `Key: value` lines up to `Variables:`.
    loop {
        let line = lines.expect(|| "a header line or 'Variables:'".into())?;
        let ln = lines.line;
        let Some((key, value)) = line.split_once(':') else {
            return Err(lines.err(
                ln,
                format!(
                    "expected a header line 'Key: value', found '{}'",
                    line.trim()
                ),
            ));
        };
        let value = value.trim();
        match key.trim() {
            "Title" | "Date" | "Command" | "Option" | "Options" => {}
            "Plotname" => h.name = Some(value.to_string()),
            "Flags" => {
                for flag in value.split_whitespace() {
                    match flag {
                        "complex" => h.complex = true,
                        "real" => h.complex = false,
                        _ => {}
                    }
                }
            }
            "No. Variables" => h.n_vars = Some(parse_count(lines, ln, value, "No. Variables")?),
            "No. Points" => h.n_points = Some(parse_count(lines, ln, value, "No. Points")?),
            "Variables" => break,
            "Values" | "Binary" => {
                return Err(lines.err(ln, "expected 'Variables:' before the values"));
            }
            other => {
                return Err(lines.err(
                    ln,
                    format!("unknown header '{other}:', expected Title, Date, Plotname, Flags, No. Variables, No. Points or Variables"),
                ))
            }
        }
    }
    let name = h
        .name
        .ok_or_else(|| lines.err(lines.line, "missing 'Plotname:' before 'Variables:'"))?;
    let n_vars = h
        .n_vars
        .ok_or_else(|| lines.err(lines.line, "missing 'No. Variables:' before 'Variables:'"))?;
    let n_points = h
        .n_points
        .ok_or_else(|| lines.err(lines.line, "missing 'No. Points:' before 'Variables:'"))?;

    // Variables: `\tindex\tname\ttype[\textra...]`.
    let mut vars: Vec<(String, Unit)> = Vec::with_capacity(n_vars.min(1 << 20));
    for i in 0..n_vars {
        let line = lines.expect(|| format!("variable {i} of {n_vars}"))?;
        let ln = lines.line;
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.len() < 3 {
            return Err(lines.err(
                ln,
                format!(
                    "expected variable '{i}<TAB>name<TAB>type', found '{}'",
                    line.trim()
                ),
            ));
        }
        if fields[0].parse::<usize>().ok() != Some(i) {
            return Err(lines.err(
                ln,
                format!("expected variable index {i}, found '{}'", fields[0]),
            ));
        }
        let unit = parse_unit(fields[2]).ok_or_else(|| {
            lines.err(
                ln,
                format!(
                    "unknown variable type '{}' (expected voltage, current, frequency, time or temp-sweep)",
                    fields[2]
                ),
            )
        })?;
        vars.push((fields[1].to_string(), unit));
    }
    let line = lines.expect(|| "'Values:' or 'Binary:'".into())?;
    let columns = match line.trim() {
        "Values:" => read_ascii_values(lines, n_vars, n_points, h.complex)?,
        "Binary:" => read_binary_values(lines, n_vars, n_points, h.complex)?,
        other => {
            return Err(lines.err(
                lines.line,
                format!(
                    "expected 'Values:' or 'Binary:' after {n_vars} variables, found '{other}'"
                ),
            ))
        }
    };

    let mut vectors: Vec<Vector> = vars
        .into_iter()
        .zip(columns)
        .map(|((name, unit), values)| Vector {
            name,
            unit,
            data: if h.complex {
                Data::Complex(values)
            } else {
                Data::Real(values.into_iter().map(|c| c.re).collect())
            },
        })
        .collect();
    let scale = if NO_SCALE_PLOTS.contains(&name.as_str()) || vectors.is_empty() {
        None
    } else {
        let mut s = vectors.remove(0);
        if let Data::Complex(values) = &s.data {
            s.data = Data::Real(values.iter().map(|c| c.re).collect());
        }
        Some(s)
    };
    Ok(Plot {
        name,
        scale,
        vectors,
    })
}

/// The plots whose variable 0 is a vector like the others, not a scale (one point each).
const NO_SCALE_PLOTS: &[&str] = &["Operating Point", "Pole-Zero Analysis"];

/// ASCII values: per point, `index\t\tvalue` then `\tvalue` for each other variable.
fn read_ascii_values(
    lines: &mut Lines,
    n_vars: usize,
    n_points: usize,
    complex: bool,
) -> Result<Vec<Vec<Complex64>>, RawError> {
    let mut columns: Vec<Vec<Complex64>> = vec![Vec::with_capacity(n_points.min(1 << 20)); n_vars];
    if n_vars == 0 {
        // A point of no variables is its index alone (ngspice's `.op` of an empty netlist).
        for p in 0..n_points {
            let line = lines.expect(|| format!("point index {p}"))?;
            if line.trim().parse::<usize>().ok() != Some(p) {
                let ln = lines.line;
                return Err(lines.err(
                    ln,
                    format!("expected point index {p}, found '{}'", line.trim()),
                ));
            }
        }
        return Ok(columns);
    }
    for p in 0..n_points {
        for (i, column) in columns.iter_mut().enumerate() {
            let what = || format!("value of variable {i} at point {p}");
            let line = lines.expect(what)?;
            let ln = lines.line;
            let mut fields = line.split_whitespace();
            if i == 0 {
                let idx = fields.next();
                if idx.and_then(|s| s.parse::<usize>().ok()) != Some(p) {
                    return Err(lines.err(
                        ln,
                        format!(
                            "expected point index {p} then a value, found '{}'",
                            line.trim()
                        ),
                    ));
                }
            }
            let (Some(field), None) = (fields.next(), fields.next()) else {
                return Err(lines.err(
                    ln,
                    format!("expected one {}, found '{}'", what(), line.trim()),
                ));
            };
            let value = parse_value(field, complex).ok_or_else(|| {
                lines.err(
                    ln,
                    format!(
                        "expected a {} number for {}, found '{field}'",
                        if complex { "complex 're,im'" } else { "real" },
                        what()
                    ),
                )
            })?;
            column.push(value);
        }
    }
    Ok(columns)
}

/// Binary values: per point, every variable as one little-endian `f64` (two in a complex plot).
fn read_binary_values(
    lines: &mut Lines,
    n_vars: usize,
    n_points: usize,
    complex: bool,
) -> Result<Vec<Vec<Complex64>>, RawError> {
    let per_value = if complex { 16 } else { 8 };
    let size = n_vars
        .checked_mul(n_points)
        .and_then(|n| n.checked_mul(per_value));
    let available = lines.remaining();
    let Some(data) = size.and_then(|size| lines.take(size)) else {
        return Err(lines.err(
            lines.line,
            format!(
                "binary data too short: {n_points} points of {n_vars} {} variables need {} bytes, found {available}",
                if complex { "complex" } else { "real" },
                size.map_or_else(|| "more than 2^64".to_string(), |s| s.to_string()),
            ),
        ));
    };
    let mut columns: Vec<Vec<Complex64>> = vec![Vec::with_capacity(n_points); n_vars];
    let f64_at = |bytes: &[u8]| {
        let mut b = [0u8; 8];
        b.copy_from_slice(bytes);
        f64::from_le_bytes(b)
    };
    for point in data.chunks_exact((n_vars * per_value).max(1)) {
        for (column, value) in columns.iter_mut().zip(point.chunks_exact(per_value)) {
            let re = f64_at(&value[..8]);
            let im = if complex { f64_at(&value[8..]) } else { 0.0 };
            column.push(Complex64::new(re, im));
        }
    }
    Ok(columns)
}

fn parse_count(lines: &Lines, ln: usize, value: &str, key: &str) -> Result<usize, RawError> {
    value.trim().parse::<usize>().map_err(|_| {
        lines.err(
            ln,
            format!("expected a whole number after '{key}:', found '{value}'"),
        )
    })
}

fn parse_unit(word: &str) -> Option<Unit> {
    Some(match word {
        "voltage" => Unit::Voltage,
        "current" => Unit::Current,
        "frequency" => Unit::Frequency,
        "time" => Unit::Time,
        "voltage-density" => Unit::VoltageDensity,
        "temp-sweep" => Unit::Temperature,
        _ => return None,
    })
}

fn parse_f64(s: &str) -> Option<f64> {
    match s {
        "nan" | "-nan" | "NaN" => Some(f64::NAN),
        _ => s.parse().ok(),
    }
}

fn parse_value(field: &str, complex: bool) -> Option<Complex64> {
    if complex {
        let (re, im) = field.split_once(',')?;
        Some(Complex64::new(parse_f64(re)?, parse_f64(im)?))
    } else {
        Some(Complex64::new(parse_f64(field)?, 0.0))
    }
}

#[cfg(test)]
// The expected values are copied digit for digit from ngspice's file.
#[allow(clippy::excessive_precision)]
mod tests {
    use super::*;

    /// `SPICE_ASCIIRAWFILE=1 ngspice -b -r div.raw div.net` with ngspice 39 on
    /// ```text
    /// divider test
    /// V1 in 0 DC 10 AC 1
    /// R1 in out 1k
    /// R2 out 0 1k
    /// C1 out 0 1u
    /// .op
    /// .dc V1 0 2 1
    /// .ac dec 2 10 100
    /// .end
    /// ```
    /// (the frequency's imaginary part, `1.100511613914930e+45`, is ngspice's garbage; note
    /// ngspice writes the AC plot first whatever the netlist order).
    const NGSPICE_DIVIDER: &str = "Title: divider test
Date: Tue Nov 24 21:09:46  2026
Plotname: AC Analysis
Flags: complex
No. Variables: 4
No. Points: 3       
Variables:
\t0\tfrequency\tfrequency\tgrid=3
\t1\tv(in)\tvoltage
\t2\tv(out)\tvoltage
\t3\ti(v1)\tcurrent
Values:
0\t\t1.000000000000000e+01,1.100511613914930e+45
\t1.000000000000000e+00,0.000000000000000e+00
\t4.995070063451801e-01,-1.569247541550648e-02
\t-5.004929936548198e-04,-1.569247541550648e-05
1\t\t3.162277660168380e+01,1.100511613914930e+45
\t1.000000000000000e+00,0.000000000000000e+00
\t4.951134263482747e-01,-4.918748035637671e-02
\t-5.048865736517254e-04,-4.918748035637671e-05
2\t\t1.000000000000000e+02,1.100511613914930e+45
\t1.000000000000000e+00,0.000000000000000e+00
\t4.550849188231377e-01,-1.429691437734277e-01
\t-5.449150811768623e-04,-1.429691437734277e-04
Title: divider test
Date: Tue Nov 24 21:09:46  2026
Plotname: DC transfer characteristic
Flags: real
No. Variables: 4
No. Points: 3       
Variables:
\t0\tv(v-sweep)\tvoltage
\t1\tv(in)\tvoltage
\t2\tv(out)\tvoltage
\t3\ti(v1)\tcurrent
Values:
0\t\t0.000000000000000e+00
\t0.000000000000000e+00
\t0.000000000000000e+00
\t0.000000000000000e+00
1\t\t1.000000000000000e+00
\t1.000000000000000e+00
\t5.000000000000000e-01
\t-5.000000000000000e-04
2\t\t2.000000000000000e+00
\t2.000000000000000e+00
\t1.000000000000000e+00
\t-1.000000000000000e-03
Title: divider test
Date: Tue Nov 24 21:09:46  2026
Plotname: Operating Point
Flags: real
No. Variables: 3
No. Points: 1       
Variables:
\t0\tv(in)\tvoltage
\t1\tv(out)\tvoltage
\t2\ti(v1)\tcurrent
Values:
0\t\t1.000000000000000e+01
\t5.000000000000000e+00
\t-5.000000000000000e-03
";

    fn real(name: &str, unit: Unit, v: &[f64]) -> Vector {
        Vector {
            name: name.into(),
            unit,
            data: Data::Real(v.to_vec()),
        }
    }

    fn complex(name: &str, unit: Unit, v: &[(f64, f64)]) -> Vector {
        Vector {
            name: name.into(),
            unit,
            data: Data::Complex(v.iter().map(|&(r, i)| Complex64::new(r, i)).collect()),
        }
    }

    /// The three plots of [`NGSPICE_DIVIDER`], built by hand (frequency imaginary part dropped).
    fn divider_plots() -> Vec<Plot> {
        vec![
            Plot {
                name: "AC Analysis".into(),
                scale: Some(real(
                    "frequency",
                    Unit::Frequency,
                    &[1.0e1, 3.162277660168380e1, 1.0e2],
                )),
                vectors: vec![
                    complex("v(in)", Unit::Voltage, &[(1.0, 0.0); 3]),
                    complex(
                        "v(out)",
                        Unit::Voltage,
                        &[
                            (4.995070063451801e-01, -1.569247541550648e-02),
                            (4.951134263482747e-01, -4.918748035637671e-02),
                            (4.550849188231377e-01, -1.429691437734277e-01),
                        ],
                    ),
                    complex(
                        "i(v1)",
                        Unit::Current,
                        &[
                            (-5.004929936548198e-04, -1.569247541550648e-05),
                            (-5.048865736517254e-04, -4.918748035637671e-05),
                            (-5.449150811768623e-04, -1.429691437734277e-04),
                        ],
                    ),
                ],
            },
            Plot {
                name: "DC transfer characteristic".into(),
                scale: Some(real("v(v-sweep)", Unit::Voltage, &[0.0, 1.0, 2.0])),
                vectors: vec![
                    real("v(in)", Unit::Voltage, &[0.0, 1.0, 2.0]),
                    real("v(out)", Unit::Voltage, &[0.0, 0.5, 1.0]),
                    real("i(v1)", Unit::Current, &[0.0, -5e-4, -1e-3]),
                ],
            },
            Plot {
                name: "Operating Point".into(),
                scale: None,
                vectors: vec![
                    real("v(in)", Unit::Voltage, &[10.0]),
                    real("v(out)", Unit::Voltage, &[5.0]),
                    real("i(v1)", Unit::Current, &[-5e-3]),
                ],
            },
        ]
    }

    #[test]
    fn reads_real_ngspice_file() {
        let plots = read_ascii(NGSPICE_DIVIDER).unwrap();
        assert_eq!(plots, divider_plots());
    }

    #[test]
    fn writes_what_ngspice_writes() {
        // Byte for byte, except the frequency's garbage imaginary part, which balun writes as 0.
        let mut out = Vec::new();
        let options = WriteOptions {
            date: Some("Tue Nov 24 21:09:46  2026".into()),
            ..WriteOptions::default()
        };
        write_ascii_with(&mut out, "divider test", &divider_plots(), &options).unwrap();
        let expected = NGSPICE_DIVIDER.replace("1.100511613914930e+45", "0.000000000000000e+00");
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }

    /// The divider's plots given in netlist order (`.op`, `.dc`, `.ac`) come out in ngspice's.
    #[test]
    fn writes_plots_in_ngspices_order() {
        let ngspice = divider_plots();
        let netlist_order = vec![ngspice[2].clone(), ngspice[1].clone(), ngspice[0].clone()];
        let options = WriteOptions {
            date: Some("Tue Nov 24 21:09:46  2026".into()),
            ..WriteOptions::default()
        };
        let mut out = Vec::new();
        write_ascii_with(&mut out, "divider test", &netlist_order, &options).unwrap();
        let expected = NGSPICE_DIVIDER.replace("1.100511613914930e+45", "0.000000000000000e+00");
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }

    #[test]
    fn ngspice_order_keeps_an_analysis_plots_together_and_reverses_a_kind() {
        let plot = |name: &str| Plot {
            name: name.into(),
            scale: None,
            vectors: Vec::new(),
        };
        let plots: Vec<Plot> = [
            "Noise Spectral Density Curves", // 0: first .noise
            "Integrated Noise",
            "Operating Point",               // 2
            "Noise Spectral Density Curves", // 3: second .noise
            "Integrated Noise",
            "Something New", // 5: not an ngspice plot: last
            "AC Analysis",   // 6
        ]
        .iter()
        .map(|n| plot(n))
        .collect();
        assert_eq!(ngspice_plot_order(&plots), vec![6, 2, 3, 4, 0, 1, 5]);
    }

    #[test]
    fn round_trip() {
        let plots = vec![
            // In ngspice's order (AC before OP), so reading back gives them in this order.
            Plot {
                name: "AC Analysis".into(),
                scale: Some(real("frequency", Unit::Frequency, &[1.0, 2.0, 3.0])),
                vectors: vec![complex(
                    "v(a)",
                    Unit::Voltage,
                    &[(1.0, -0.0), (1.234e300, f64::MIN_POSITIVE), (-2.5e17, 7.0)],
                )],
            },
            Plot {
                name: "Operating Point".into(),
                scale: None,
                vectors: vec![
                    real("v(a)", Unit::Voltage, &[1.0 / 3.0]),
                    real("i(v1)", Unit::Current, &[-1.234_567_890_123_456_7e-300]),
                ],
            },
            Plot {
                name: "Transient Analysis".into(),
                scale: Some(real("time", Unit::Time, &[0.0, 1e-6])),
                vectors: vec![real("v(x1.n2)", Unit::Voltage, &[0.1, 0.2])],
            },
        ];
        let mut out = Vec::new();
        write_ascii(&mut out, "round trip", &plots).unwrap();
        let text = String::from_utf8(out).unwrap();
        // %.15e keeps 16 significant digits: not always exact, so compare to 1e-15 relative.
        let back = read_ascii(&text).unwrap();
        assert_eq!(back.len(), plots.len());
        for (a, b) in plots.iter().zip(&back) {
            assert_eq!(a.name, b.name);
            let va: Vec<&Vector> = a.scale.iter().chain(&a.vectors).collect();
            let vb: Vec<&Vector> = b.scale.iter().chain(&b.vectors).collect();
            assert_eq!(va.len(), vb.len());
            assert_eq!(a.scale.is_some(), b.scale.is_some());
            for (x, y) in va.iter().zip(&vb) {
                assert_eq!(x.name, y.name);
                assert_eq!(x.unit, y.unit);
                assert_eq!(x.data.len(), y.data.len());
                assert_eq!(
                    matches!(x.data, Data::Complex(_)),
                    matches!(y.data, Data::Complex(_))
                );
                for i in 0..x.data.len() {
                    let (p, q) = (x.data.at(i), y.data.at(i));
                    assert!((p - q).norm() <= 1e-15 * p.norm(), "{p} vs {q}");
                }
            }
        }
        // Written again, the text is identical (the date aside).
        let mut again = Vec::new();
        write_ascii(&mut again, "round trip", &back).unwrap();
        let strip = |s: &str| {
            s.lines()
                .filter(|l| !l.starts_with("Date:"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(strip(&text), strip(&String::from_utf8(again).unwrap()));
    }

    /// `ngspice -b -r divider.bin` (binary, ngspice 39) on the netlist of [`NGSPICE_DIVIDER`]:
    /// the same three plots, AC first, with the frequency's garbage imaginary part.
    const NGSPICE_DIVIDER_BIN: &[u8] = include_bytes!("testdata/ngspice_divider.bin");

    /// Bit-exact equality of two plot lists (NaN equal to NaN, 0 not equal to -0).
    fn assert_bit_identical(a: &[Plot], b: &[Plot]) {
        assert_eq!(a.len(), b.len());
        for (pa, pb) in a.iter().zip(b) {
            assert_eq!(pa.name, pb.name);
            assert_eq!(pa.scale.is_some(), pb.scale.is_some());
            let va: Vec<&Vector> = pa.scale.iter().chain(&pa.vectors).collect();
            let vb: Vec<&Vector> = pb.scale.iter().chain(&pb.vectors).collect();
            assert_eq!(va.len(), vb.len());
            for (x, y) in va.iter().zip(&vb) {
                assert_eq!((&x.name, x.unit), (&y.name, y.unit));
                let bits = |d: &Data| -> Vec<(u64, Option<u64>)> {
                    match d {
                        Data::Real(v) => v.iter().map(|r| (r.to_bits(), None)).collect(),
                        Data::Complex(v) => v
                            .iter()
                            .map(|c| (c.re.to_bits(), Some(c.im.to_bits())))
                            .collect(),
                    }
                };
                assert_eq!(bits(&x.data), bits(&y.data), "{}", x.name);
            }
        }
    }

    #[test]
    fn reads_ngspice_binary_file() {
        let plots = read(NGSPICE_DIVIDER_BIN).unwrap();
        let expected = divider_plots();
        assert_eq!(plots.len(), expected.len());
        // The ASCII fixture holds the same numbers rounded to 16 digits.
        let mut ascii_of_binary = Vec::new();
        let mut ascii_of_expected = Vec::new();
        let options = WriteOptions {
            date: Some("Tue Nov 24 21:43:07  2026".into()),
            ..WriteOptions::default()
        };
        write_ascii_with(&mut ascii_of_binary, "divider test", &plots, &options).unwrap();
        write_ascii_with(&mut ascii_of_expected, "divider test", &expected, &options).unwrap();
        assert_eq!(
            String::from_utf8(ascii_of_binary).unwrap(),
            String::from_utf8(ascii_of_expected).unwrap()
        );
    }

    #[test]
    fn writes_binary_as_ngspice_does() {
        // Byte for byte, the frequency's garbage imaginary part aside (balun writes 0).
        let mut expected = NGSPICE_DIVIDER_BIN.to_vec();
        let data = expected.windows(8).position(|w| w == b"Binary:\n").unwrap() + 8;
        // The AC plot comes first: 3 points of 4 complex variables, frequency first.
        for p in 0..3 {
            let im = data + p * 4 * 16 + 8;
            expected[im..im + 8].copy_from_slice(&0f64.to_le_bytes());
        }
        let plots = read(NGSPICE_DIVIDER_BIN).unwrap();
        let options = WriteOptions {
            date: Some("Tue Nov 24 21:43:07  2026".into()),
            format: RawFormat::Binary,
            ..WriteOptions::default()
        };
        let mut out = Vec::new();
        write(&mut out, "divider test", &plots, &options).unwrap();
        assert_eq!(out.len(), expected.len());
        assert!(out == expected, "binary raw differs from ngspice's");
    }

    /// Plots with awkward values: signed zeros, subnormals, extremes, NaN, infinities; in
    /// ngspice's order (AC, DC, OP), the order they are written and read back in.
    fn awkward_plots() -> Vec<Plot> {
        let odd = [
            0.0,
            -0.0,
            5e-324,
            -2.2e-308,
            1.0 / 3.0,
            -1.797_693_134_862_315_7e308,
            9.999_999_999_999_999_9e5,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        let mut plots = vec![
            Plot {
                name: "Operating Point".into(),
                scale: None,
                vectors: vec![real("v(a)", Unit::Voltage, &odd[4..5])],
            },
            Plot {
                name: "DC transfer characteristic".into(),
                scale: Some(real("v(v-sweep)", Unit::Voltage, &[0.0; 10])),
                vectors: vec![
                    real("v(a)", Unit::Voltage, &odd),
                    real("i(v1)", Unit::Current, &odd.map(|x| -x)),
                ],
            },
            Plot {
                name: "AC Analysis".into(),
                scale: Some(real(
                    "frequency",
                    Unit::Frequency,
                    &[1.0, 10.0, 100.0, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9],
                )),
                vectors: vec![complex("v(a)", Unit::Voltage, &odd.map(|x| (x, -x / 7.0)))],
            },
        ];
        plots.reverse();
        plots
    }

    #[test]
    fn binary_round_trip_is_bit_exact() {
        let plots = awkward_plots();
        let mut out = Vec::new();
        write_binary(&mut out, "awkward", &plots).unwrap();
        let back = read(&out).unwrap();
        assert_bit_identical(&plots, &back);
        // And its ASCII rendering is the ASCII file of the original, byte for byte.
        let options = WriteOptions {
            date: Some("Tue Nov 24 21:43:07  2026".into()),
            ..WriteOptions::default()
        };
        let (mut a, mut b) = (Vec::new(), Vec::new());
        write_ascii_with(&mut a, "awkward", &plots, &options).unwrap();
        write_ascii_with(&mut b, "awkward", &back, &options).unwrap();
        assert_eq!(String::from_utf8(a).unwrap(), String::from_utf8(b).unwrap());
    }

    #[test]
    fn reads_ascii_and_binary_plots_in_one_file() {
        let plots = awkward_plots();
        let mut out = Vec::new();
        write_ascii(&mut out, "mixed", &plots[..2]).unwrap();
        write_binary(&mut out, "mixed", &plots[2..]).unwrap();
        write_ascii(&mut out, "mixed", &plots[..1]).unwrap();
        let back = read(&out).unwrap();
        assert_eq!(back.len(), 4);
        assert_bit_identical(&plots[2..], &back[2..3]);
        assert_eq!(back[3].name, "AC Analysis");
    }

    #[test]
    fn truncated_binary_says_how_much_is_missing() {
        let cut = &NGSPICE_DIVIDER_BIN[..NGSPICE_DIVIDER_BIN.len() - 5];
        let e = read(cut).unwrap_err();
        // The last plot (Operating Point, 3 real variables, 1 point) wants 24 bytes; 19 remain.
        assert!(e.message.contains("need 24 bytes, found 19"), "{e}");
        assert_eq!(e.line, 35, "{e}"); // its `Binary:` line (binary data counts no lines)
    }

    /// The parallel, chunked writer puts the points in order: compare with a one-value-at-a-time
    /// writer on a plot large enough for several chunks (3,000 complex vectors, 40 points).
    #[test]
    fn large_plots_are_written_in_order() {
        let n_vec = 3000;
        let points = 40;
        let freq: Vec<f64> = (0..points).map(|p| 10f64.powf(p as f64 / 7.0)).collect();
        let vectors: Vec<Vector> = (0..n_vec)
            .map(|i| {
                let v: Vec<(f64, f64)> = (0..points)
                    .map(|p| {
                        (
                            (i * points + p) as f64 * 1e-3 + 0.1,
                            -(p as f64) / (i + 1) as f64,
                        )
                    })
                    .collect();
                complex(&format!("v(n{i})"), Unit::Voltage, &v)
            })
            .collect();
        let plot = Plot {
            name: "AC Analysis".into(),
            scale: Some(real("frequency", Unit::Frequency, &freq)),
            vectors,
        };
        let per_point = max_point_bytes(RawFormat::Ascii, true, n_vec + 1);
        assert!(
            points * per_point > 4 * CHUNK_BYTES,
            "the test must span several chunks"
        );
        let options = WriteOptions {
            date: Some("Tue Nov 24 21:43:07  2026".into()),
            ..WriteOptions::default()
        };
        let mut fast = Vec::new();
        write_ascii_with(&mut fast, "big", std::slice::from_ref(&plot), &options).unwrap();
        // The reference: the header as written, then every value through e15::slow.
        let values_at = fast.windows(8).position(|w| w == b"Values:\n").unwrap() + 8;
        let mut reference = String::from_utf8(fast[..values_at].to_vec()).unwrap();
        for p in 0..points {
            reference.push_str(&format!("{p}\t"));
            for v in plot.scale.iter().chain(&plot.vectors) {
                let z = v.data.at(p);
                reference.push_str(&format!("\t{},{}\n", e15::slow(z.re), e15::slow(z.im)));
            }
        }
        assert!(String::from_utf8(fast).unwrap() == reference);

        let mut bin = Vec::new();
        write_binary(&mut bin, "big", std::slice::from_ref(&plot)).unwrap();
        assert_bit_identical(std::slice::from_ref(&plot), &read(&bin).unwrap());
    }

    #[test]
    fn c_float_format() {
        assert_eq!(fmt_c_e15(10.0), "1.000000000000000e+01");
        assert_eq!(fmt_c_e15(-5e-4), "-5.000000000000000e-04");
        assert_eq!(fmt_c_e15(0.0), "0.000000000000000e+00");
        assert_eq!(fmt_c_e15(-0.0), "-0.000000000000000e+00");
        assert_eq!(fmt_c_e15(1e300), "1.000000000000000e+300");
        assert_eq!(fmt_c_e15(f64::NAN), "nan");
        assert_eq!(fmt_c_e15(f64::NEG_INFINITY), "-inf");
    }

    #[test]
    fn date_format() {
        // 2026-11-24 21:09:46 UTC was a Tuesday.
        assert_eq!(ngspice_date(1_795_554_586), "Tue Nov 24 21:09:46  2026");
        assert_eq!(ngspice_date(0), "Thu Jan  1 00:00:00  1970");
    }

    #[test]
    fn grid_guess() {
        let dec = Data::Real(vec![10.0, 31.6, 100.0]);
        let lin = Data::Real(vec![10.0, 20.0, 30.0]);
        assert!(looks_log_spaced(&dec));
        assert!(!looks_log_spaced(&lin));
        assert!(!looks_log_spaced(&Data::Real(vec![10.0])));
    }

    fn err_of(text: &str) -> RawError {
        read_ascii(text).unwrap_err()
    }

    #[test]
    fn malformed_files_say_where_and_what() {
        let truncated: String = NGSPICE_DIVIDER
            .lines()
            .take(14)
            .collect::<Vec<_>>()
            .join("\n");
        let e = err_of(&truncated);
        assert_eq!(e.line, 15);
        assert!(e.message.contains("end of file"), "{e}");

        let bad_number = NGSPICE_DIVIDER.replacen("4.995070063451801e-01", "4.99x", 1);
        let e = err_of(&bad_number);
        assert_eq!(e.line, 15);
        assert!(e.message.contains("4.99x"), "{e}");

        let bad_type = NGSPICE_DIVIDER.replacen("v(in)\tvoltage", "v(in)\tcharge", 1);
        let e = err_of(&bad_type);
        assert_eq!(e.line, 9);
        assert!(e.message.contains("charge"), "{e}");

        let bad_index = NGSPICE_DIVIDER.replacen("1\t\t3.16", "7\t\t3.16", 1);
        assert_eq!(err_of(&bad_index).line, 17);

        let e = err_of("garbage\n");
        assert_eq!(e.line, 1);
        let e = err_of("Title: x\nVariables:\n");
        assert_eq!(e.line, 2);
        assert!(e.message.contains("Plotname"), "{e}");
        assert_eq!(e.to_string(), format!("raw file line 2: {}", e.message));
    }
}
