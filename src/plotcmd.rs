//! The CLI's plotting glue: the `--plot`/`--vectors` options shared by `balun run` and
//! `balun show`, and `balun show FILE.raw` itself (read a raw file, ngspice's or balun's, print
//! its tables like `run`, optionally plot it). The drawing is in the library (`balun::plot`).

use balun::diagnostics::{Renderer, Severity};
use balun::output::{raw, table};
use balun::plot::{self, PlotOptions};
use clap::Args;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// `--plot OUT.svg|OUT.png [--vectors a,b]`.
#[derive(Args, Debug, Clone, Default)]
pub struct PlotArgs {
    /// Draw the results (.ac Bode plot, .tran waveforms, .dc transfer curves) to an SVG or PNG
    /// file; with several analyses, one file each: OUT-ac1.svg, OUT-tran1.svg, ...
    #[arg(long, value_name = "OUT.svg|OUT.png")]
    pub plot: Option<PathBuf>,
    /// Vectors to plot (and to summarise in a Monte Carlo), comma-separated (`v(out),v(in)`,
    /// or just `out,in`); default: the top-level node voltages, at most 8.
    #[arg(long, value_name = "NAMES", value_delimiter = ',')]
    pub vectors: Vec<String>,
}

impl PlotArgs {
    /// A usage problem to report before any work (an unsupported extension).
    pub fn precheck(&self, renderer: &Renderer) -> bool {
        match &self.plot {
            Some(path) => match plot::Format::from_path(path) {
                Ok(_) => true,
                Err(e) => {
                    eprint!(
                        "{}",
                        renderer.plain(
                            &path.display().to_string(),
                            Severity::Error,
                            &e.to_string()
                        )
                    );
                    false
                }
            },
            None => true,
        }
    }
}

/// Writes the plot files asked for, if any; reports notes (unless quiet), files written (if
/// verbose) and errors. Returns false on error. A run with nothing plottable (only `.op`) is
/// not an error: a warning says no file was written.
pub fn write_plots(
    renderer: &Renderer,
    title: &str,
    plots: &[solver::Plot],
    args: &PlotArgs,
    quiet: bool,
    verbose: bool,
) -> bool {
    let Some(path) = &args.plot else {
        return true;
    };
    let options = PlotOptions {
        vectors: args.vectors.clone(),
        title: title.to_string(),
        ..PlotOptions::default()
    };
    match plot::write(path, plots, &options) {
        Ok(report) => {
            if !quiet {
                for note in &report.notes {
                    eprint!(
                        "{}",
                        renderer.plain(&path.display().to_string(), Severity::Warning, note)
                    );
                }
            }
            if verbose {
                for p in &report.written {
                    eprintln!("balun: wrote {}", p.display());
                }
            }
            true
        }
        Err(e) => {
            eprint!(
                "{}",
                renderer.plain(&path.display().to_string(), Severity::Error, &e.to_string())
            );
            false
        }
    }
}

/// `balun show FILE.raw`.
#[derive(Args, Debug)]
pub struct ShowArgs {
    /// An ngspice raw file, ASCII or binary (as `ngspice -b -r` or `balun run --raw` writes it).
    pub file: PathBuf,
    #[command(flatten)]
    pub plot: PlotArgs,
    /// Print nothing but errors (no tables, no notes).
    #[arg(short, long)]
    pub quiet: bool,
    /// Also print the files written (to stderr).
    #[arg(short, long)]
    pub verbose: bool,
}

/// The `Title:` line of a raw file, if it starts with one.
fn raw_title(bytes: &[u8]) -> Option<String> {
    let end = bytes
        .iter()
        .position(|&b| b == b'\n')
        .unwrap_or(bytes.len());
    let line = String::from_utf8_lossy(&bytes[..end]);
    line.strip_prefix("Title:").map(|t| t.trim().to_string())
}

pub fn show(renderer: &Renderer, args: &ShowArgs) -> bool {
    let location = args.file.display().to_string();
    let fail = |message: &str| {
        eprint!("{}", renderer.plain(&location, Severity::Error, message));
        false
    };
    if !args.plot.precheck(renderer) {
        return false;
    }
    let bytes = match std::fs::read(&args.file) {
        Ok(b) => b,
        Err(e) => return fail(&format!("cannot read: {e}")),
    };
    let plots = match raw::read(&bytes) {
        Ok(p) => p,
        Err(e) => return fail(&e.to_string()),
    };
    if plots.is_empty() {
        return fail("no plots in this raw file");
    }
    let title = raw_title(&bytes).unwrap_or_else(|| file_stem(&args.file));
    let mut ok = write_plots(
        renderer,
        &title,
        &plots,
        &args.plot,
        args.quiet,
        args.verbose,
    );
    if !args.quiet {
        let mut stdout = io::stdout().lock();
        let result = writeln!(stdout, "Title: {title}")
            .and_then(|()| table::write(&mut stdout, &plots, &table::TableOptions::default()))
            .and_then(|()| stdout.flush());
        if let Err(e) = result {
            if e.kind() != io::ErrorKind::BrokenPipe {
                eprint!(
                    "{}",
                    renderer.plain("stdout", Severity::Error, &e.to_string())
                );
                ok = false;
            }
        }
    }
    ok
}

fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}
