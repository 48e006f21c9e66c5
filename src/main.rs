//! The `balun` command line: `balun run FILE.net [--raw OUT [--raw-format ascii|binary]]
//! [--csv DIR] [--json FILE]` and
//! `balun check FILE.net`, and the measurements (`src/commands/measure.rs`):
//! `balun cmrr`, `balun xtalk`, `balun hum`, `balun compare`, `balun rfi`
//! (`src/commands/rfi.rs`) and `balun thd` (`src/commands/thd.rs`).
//!
//! Exit status: 0 on success, 1 on any error in the netlist, the simulation or writing output,
//! 2 on a usage error (from clap).

mod commands;
mod plotcmd;

use balun::diagnostics::{Renderer, Severity, Style};
use balun::output::{csv, json, raw, table};
use balun::{Failure, Simulation};
use clap::{Parser, Subcommand};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// SPICE-style circuit simulator for balanced audio interconnects (ngspice-compatible output).
#[derive(Parser, Debug)]
#[command(name = "balun", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// `--raw-format` values.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum RawFormatArg {
    Ascii,
    Binary,
}

impl From<RawFormatArg> for raw::RawFormat {
    fn from(arg: RawFormatArg) -> Self {
        match arg {
            RawFormatArg::Ascii => raw::RawFormat::Ascii,
            RawFormatArg::Binary => raw::RawFormat::Binary,
        }
    }
}

/// `--print-style` values.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum PrintStyle {
    Balun,
    Ngspice,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Simulate a netlist: run every analysis, print tables, optionally write files.
    Run {
        /// The netlist (SPICE syntax, ngspice dialect).
        file: PathBuf,
        /// Write all plots as an ngspice raw file (ASCII unless --raw-format binary).
        #[arg(long, value_name = "OUT.raw")]
        raw: Option<PathBuf>,
        /// Layout of the --raw file: `ascii` (as SPICE_ASCIIRAWFILE=1 ngspice writes it) or
        /// `binary` (ngspice's default: little-endian f64s, smaller and faster).
        #[arg(
            long,
            value_enum,
            value_name = "FORMAT",
            default_value_t = RawFormatArg::Ascii,
            requires = "raw"
        )]
        raw_format: RawFormatArg,
        /// Write one CSV file per plot into this directory (op.csv, dc1.csv, ac1.csv, ...).
        #[arg(long, value_name = "DIR")]
        csv: Option<PathBuf>,
        /// Write all plots as one JSON document.
        #[arg(long, value_name = "FILE")]
        json: Option<PathBuf>,
        #[command(flatten)]
        plot: plotcmd::PlotArgs,
        /// How to print the tables of `.print`/`.plot` cards: `balun` (one table per plot in
        /// balun's layout, long sweeps summarised) or `ngspice` (every point, one table per
        /// card and plot, laid out as `ngspice -b` prints them; nothing for other analyses).
        #[arg(long, value_enum, value_name = "STYLE", default_value_t = PrintStyle::Balun)]
        print_style: PrintStyle,
        /// Monte Carlo over element tolerances (also from a `.mc` card): statistics of the
        /// .op values, .ac magnitudes and .meas results after the nominal results.
        #[command(flatten)]
        mc: commands::mc::McArgs,
        /// Print nothing but errors (no tables, no warnings).
        #[arg(short, long, conflicts_with = "verbose")]
        quiet: bool,
        /// Also print timings and the files written (to stderr).
        #[arg(short, long)]
        verbose: bool,
    },
    /// Parse and elaborate a netlist only, and print a summary of the circuit.
    Check {
        /// The netlist.
        file: PathBuf,
        /// Print nothing but errors.
        #[arg(short, long)]
        quiet: bool,
    },
    /// CMRR vs frequency of a balanced receiver (Adm, Acm, CMRR dB), optionally with a
    /// source-impedance imbalance in the worse leg. Uses the netlist's `.cmrr` card by default.
    Cmrr(commands::measure::CmrrArgs),
    /// Crosstalk matrix between channels (victim / aggressor output, dB). Uses `.xtalk`.
    Xtalk(commands::measure::XtalkArgs),
    /// Interference (hum) at the output relative to signal, dB. Uses `.hum`.
    Hum(commands::measure::HumArgs),
    /// Compare circuits: one row per netlist (and imbalance), a column per frequency.
    Compare(commands::measure::CompareArgs),
    /// RF immunity of a receiver: the DC shift an RF carrier on the line causes, EMIRR and the
    /// tone an AM carrier demodulates into (second-order perturbation, no transient). Uses
    /// `.cmrr` for the line sources and output.
    Rfi(commands::rfi::RfiArgs),
    /// Total harmonic distortion against drive level: the input's SIN amplitude set to each
    /// --level, the transient run (in parallel), the output's harmonics as .four computes them.
    Thd(commands::thd::ThdArgs),
    /// Read an ngspice raw file (ngspice's or balun's), print its tables, optionally plot it.
    Show(plotcmd::ShowArgs),
}

/// mimalloc: about a third less time than the system allocator to parse and elaborate a
/// million-element netlist (millions of small strings allocated and freed).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The running simulation's progress counters and cancel flag, shared with the Ctrl-C handler.
static CONTROL: solver::Control = solver::Control::new();

/// Exit status after Ctrl-C (128 + SIGINT, as shells report it).
const EXIT_INTERRUPTED: u8 = 130;

/// First Ctrl-C: ask the running analysis to stop; it returns at its next point and what it
/// finished is still written (marked incomplete). A second Ctrl-C exits at once.
fn install_interrupt_handler() {
    let _ = ctrlc::set_handler(|| {
        if CONTROL.is_cancelled() {
            std::process::exit(i32::from(EXIT_INTERRUPTED));
        }
        CONTROL.cancel();
        eprintln!("\nbalun: interrupted: stopping at the next point (Ctrl-C again to quit now)");
    });
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let renderer = Renderer::new(Style::for_stderr());
    install_interrupt_handler();
    let ok = match cli.command {
        Command::Run {
            file,
            raw,
            raw_format,
            csv,
            json,
            plot,
            print_style,
            mc,
            quiet,
            verbose,
        } => run(
            &renderer,
            &file,
            &Outputs {
                raw,
                raw_format: raw_format.into(),
                csv,
                json,
                plot,
                print_style,
                mc,
            },
            quiet,
            verbose,
        ),
        Command::Check { file, quiet } => check(&renderer, &file, quiet),
        Command::Cmrr(args) => commands::measure::cmrr(&renderer, &args),
        Command::Xtalk(args) => commands::measure::xtalk(&renderer, &args),
        Command::Hum(args) => commands::measure::hum(&renderer, &args),
        Command::Compare(args) => commands::measure::compare(&renderer, &args),
        Command::Rfi(args) => commands::rfi::rfi(&renderer, &args),
        Command::Thd(args) => commands::thd::thd(&renderer, &args),
        Command::Show(args) => plotcmd::show(&renderer, &args),
    };
    if CONTROL.is_cancelled() {
        ExitCode::from(EXIT_INTERRUPTED)
    } else if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

struct Outputs {
    raw: Option<PathBuf>,
    raw_format: raw::RawFormat,
    csv: Option<PathBuf>,
    json: Option<PathBuf>,
    plot: plotcmd::PlotArgs,
    print_style: PrintStyle,
    mc: commands::mc::McArgs,
}

fn report_failure(renderer: &Renderer, path: &Path, failure: &Failure, quiet: bool) {
    let mut stderr = io::stderr().lock();
    if !quiet {
        for w in &failure.warnings {
            let _ = stderr.write_all(renderer.warning(&failure.sources, w).as_bytes());
        }
    }
    let _ = stderr.write_all(
        renderer
            .error(path, &failure.sources, &failure.error)
            .as_bytes(),
    );
}

fn report_warnings(
    renderer: &Renderer,
    sources: &netlist::Sources,
    warnings: &[circuit::Warning],
    quiet: bool,
) {
    if quiet {
        return;
    }
    let mut stderr = io::stderr().lock();
    for w in warnings {
        let _ = stderr.write_all(renderer.warning(sources, w).as_bytes());
    }
}

fn run(renderer: &Renderer, path: &Path, outputs: &Outputs, quiet: bool, verbose: bool) -> bool {
    if !outputs.plot.precheck(renderer) {
        return false;
    }
    let started = Instant::now();
    let message = format!("simulating {}", path.display());
    let sim = match balun::progress::with_progress(!quiet, &message, Some(&CONTROL), || {
        balun::run_file_with(path, &CONTROL)
    }) {
        Ok(sim) => sim,
        Err(failure) => {
            report_failure(renderer, path, &failure, quiet);
            write_partial(renderer, *failure, outputs, verbose);
            return false;
        }
    };
    report_warnings(renderer, &sim.sources, &sim.warnings, quiet);
    if verbose {
        eprintln!(
            "balun: {}: {} nodes, {} devices, {} analyses in {:.3} ms",
            path.display(),
            sim.circuit.node_count(),
            sim.circuit.devices.len(),
            sim.plots.len(),
            started.elapsed().as_secs_f64() * 1e3
        );
        if !sim.circuit.options.ignored.is_empty() {
            eprintln!(
                "balun: ngspice options accepted and not applied: {}",
                sim.circuit.options.ignored.join(", ")
            );
        }
        let st = solver::lu::take_process_stats();
        eprintln!(
            "balun: {} linear solves, worst componentwise backward error {:.1e} \
             ({} refined by one step)",
            st.solves, st.worst_backward_error, st.refined
        );
    }

    // The measurement cards (.cmrr, .xtalk, .hum) run after the analyses; their tables come
    // first in every output.
    let cards = match commands::cards::run_cards(&sim.circuit) {
        Ok(cards) => cards,
        Err(e) => {
            let at = path.display().to_string();
            eprint!("{}", renderer.plain(&at, Severity::Error, &e.to_string()));
            return false;
        }
    };

    // The Monte Carlo runs before anything is written, so `--json` can carry its statistics.
    let monte_carlo = match monte_carlo(renderer, &sim, outputs, quiet) {
        Ok(mc) => mc,
        Err(()) => return false,
    };
    let mc_json = monte_carlo.as_ref().map(|mc| mc.samples.json());
    let mut ok = true;
    if let Err(e) = write_outputs(&sim, outputs, verbose, mc_json.as_ref(), &cards) {
        eprint!("{}", renderer.plain(&e.0, Severity::Error, &e.1));
        ok = false;
    }
    let title = &sim.circuit.title;
    if sim.runs.iter().any(|r| !r.params.is_empty()) {
        // One figure (set) per .step run: OUT_step2.svg, titled with the run's values.
        for (i, run) in sim.runs.iter().enumerate() {
            let mut args = outputs.plot.clone();
            args.plot = args.plot.map(|p| {
                let stem = p.file_stem().unwrap_or_default().to_string_lossy();
                let ext = p.extension().unwrap_or_default().to_string_lossy();
                p.with_file_name(format!("{stem}_step{}.{ext}", i + 1))
            });
            let title = format!("{title} ({})", run.label());
            let plots = &sim.plots[run.plots.clone()];
            ok &= plotcmd::write_plots(renderer, &title, plots, &args, quiet, verbose);
        }
    } else {
        ok &= plotcmd::write_plots(renderer, title, &sim.plots, &outputs.plot, quiet, verbose);
    }
    if let (Some(path), false) = (&outputs.plot.plot, cards.is_empty()) {
        match commands::cards::plot(&sim.circuit, path) {
            Ok(files) if verbose => {
                for f in files {
                    eprintln!("balun: wrote {}", f.display());
                }
            }
            Ok(_) => {}
            Err(e) => {
                eprint!(
                    "{}",
                    renderer.plain(&path.display().to_string(), Severity::Error, &e)
                );
                ok = false;
            }
        }
    }
    if !quiet {
        report_print_notes(renderer, path, &sim, outputs);
        let mut stdout = io::stdout().lock();
        let result = print_cards(&mut stdout, &cards)
            .and_then(|()| print_runs(&mut stdout, &sim, outputs))
            .and_then(|()| stdout.flush());
        // A closed pipe (`balun run x.net | head`) is not an error worth reporting.
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
    if let Some(mc) = &monte_carlo {
        ok &= report_monte_carlo(renderer, mc, outputs, quiet);
    }
    ok &= report_four_failures(renderer, &sim);
    ok
}

/// The Monte Carlo of a run, when `--mc` or a `.mc` card asks for one: `Ok(None)` when none is
/// asked for, `Err` (reported) when it cannot run.
fn monte_carlo<'s>(
    renderer: &Renderer,
    sim: &'s Simulation,
    outputs: &Outputs,
    quiet: bool,
) -> Result<Option<commands::mc::RunMonteCarlo<'s>>, ()> {
    use commands::mc;
    let c = &sim.circuit;
    let error = |message: &str| {
        eprint!("{}", renderer.plain("balun run", Severity::Error, message));
    };
    let plan = match outputs.mc.plan(c) {
        Ok(Some(plan)) => plan,
        Ok(None) => return Ok(None),
        Err(e) => {
            error(&e);
            return Err(());
        }
    };
    let nominal_meas = sim.runs.first().map_or(&[][..], |r| r.meas.as_slice());
    let (quantities, notes) =
        balun::montecarlo::run_quantities(&sim.plots, &outputs.plot.vectors, nominal_meas);
    if !quiet {
        for n in &notes {
            eprint!("{}", renderer.plain("balun run", Severity::Warning, n));
        }
    }
    if quantities.is_empty() {
        error("Monte Carlo: no .op, .ac or .meas output to summarise");
        return Err(());
    }
    match balun::montecarlo::run_samples(c, &plan, &quantities, !quiet) {
        Ok(samples) => Ok(Some(mc::RunMonteCarlo {
            circuit: c,
            samples,
        })),
        Err(e) => {
            error(&e.to_string());
            Err(())
        }
    }
}

/// Prints a run's Monte Carlo statistics and draws its histogram (`--hist`).
fn report_monte_carlo(
    renderer: &Renderer,
    mc: &commands::mc::RunMonteCarlo,
    outputs: &Outputs,
    quiet: bool,
) -> bool {
    if let Some(path) = &outputs.mc.hist {
        if let Err(f) = mc.plot(path, outputs.mc.bins) {
            eprint!("{}", renderer.plain(&f.at, Severity::Error, &f.message));
            return false;
        }
    }
    if !quiet {
        let text = mc.text(outputs.mc.bins, 4);
        let mut stdout = io::stdout().lock();
        let _ = stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush());
    }
    true
}

/// After a run stopped part-way: writes what it finished to the requested files, marked
/// incomplete (the title says so in raw and JSON; CSV directories get an `INCOMPLETE` file).
fn write_partial(renderer: &Renderer, failure: Failure, outputs: &Outputs, verbose: bool) {
    let Some(partial) = failure.partial else {
        return;
    };
    if outputs.raw.is_none() && outputs.csv.is_none() && outputs.json.is_none() {
        return;
    }
    let reason = failure.error.to_string();
    let mut circuit = partial.circuit;
    circuit.title = format!("{} (incomplete: {reason})", circuit.title);
    // With .step, the finished runs' plots are written as one unlabelled run.
    let runs = vec![balun::Run {
        params: Vec::new(),
        plots: 0..partial.plots.len(),
        meas: Vec::new(),
        four: Vec::new(),
    }];
    let sim = Simulation {
        circuit,
        plots: partial.plots,
        sources: failure.sources,
        warnings: failure.warnings,
        runs,
    };
    let written =
        write_outputs(&sim, outputs, verbose, None, &[]).and_then(|()| match &outputs.csv {
            Some(dir) => write_file(&dir.join("INCOMPLETE"), |w| {
                writeln!(w, "these CSV files stop early: {reason}")
            })
            .map_err(|e| (dir.display().to_string(), format!("cannot write: {e}"))),
            None => Ok(()),
        });
    match written {
        Ok(()) => eprintln!("balun: wrote the points finished before the error, marked incomplete"),
        Err(e) => eprint!("{}", renderer.plain(&e.0, Severity::Error, &e.1)),
    }
}

/// The measurement cards' tables, each followed by a blank line.
fn print_cards(w: &mut impl Write, cards: &[commands::cards::CardTable]) -> io::Result<()> {
    for t in cards {
        writeln!(w, "{}", t.text())?;
    }
    Ok(())
}

/// The terminal output: each run's tables (under a `Step i/N: name=value` heading with
/// `.step`) and `.meas` lines, then with `.step` the table of measures by step.
fn print_runs(w: &mut impl Write, sim: &Simulation, outputs: &Outputs) -> io::Result<()> {
    let stepped = sim.runs.len() > 1 || sim.runs.iter().any(|r| !r.params.is_empty());
    for (i, run) in sim.runs.iter().enumerate() {
        if i > 0 {
            writeln!(w)?;
        }
        if stepped {
            writeln!(w, "Step {}/{}: {}", i + 1, sim.runs.len(), run.label())?;
        }
        write_tables(w, sim, &sim.plots[run.plots.clone()], outputs)?;
        if !run.meas.is_empty() {
            writeln!(w)?;
            balun::output::meas::write_lines(w, &run.meas)?;
        }
        write_four(w, run)?;
    }
    if stepped && sim.runs.iter().any(|r| !r.meas.is_empty()) {
        writeln!(w)?;
        balun::output::meas::write_step_table(w, &sim.runs)?;
    }
    Ok(())
}

/// One run's analysis tables. `--vectors` picks the columns of every table; otherwise an
/// analysis kind with `.print` cards gets their table ([`balun::output::print`]) and the
/// others the default one; `--print-style ngspice` prints only the `.print` tables, as
/// `ngspice -b` does.
fn write_tables(
    w: &mut impl Write,
    sim: &Simulation,
    plots: &[solver::Plot],
    outputs: &Outputs,
) -> io::Result<()> {
    use balun::output::print;
    let options = table::TableOptions::default();
    let prints = &sim.circuit.prints;
    let vectors = &outputs.plot.vectors;
    if outputs.print_style == PrintStyle::Ngspice && vectors.is_empty() {
        let tables = print::card_tables(prints, plots).0;
        let date = balun::output::raw::ngspice_date_now();
        return print::write_ngspice(w, &sim.circuit.title, &date, &tables);
    }
    let tables = if vectors.is_empty() {
        print::tables(prints, plots).0
    } else {
        Vec::new()
    };
    for (i, plot) in plots.iter().enumerate() {
        if i > 0 {
            writeln!(w)?;
        }
        if let Some(t) = tables.iter().find(|t| std::ptr::eq(t.plot, plot)) {
            print::write_table(w, t, &options)?;
            continue;
        }
        match balun::plot::select_vectors(plot, vectors, usize::MAX) {
            Ok(sel) if !vectors.is_empty() => {
                let chosen = solver::Plot {
                    vectors: sel.vectors.into_iter().cloned().collect(),
                    ..plot.clone()
                };
                table::write_plot(w, &chosen, &options)?;
            }
            _ => table::write_plot(w, plot, &options)?,
        }
    }
    Ok(())
}

/// Warnings about the `.print` tables about to be printed: columns left out (a `vdb` of zero),
/// and `--print-style ngspice` with no `.print` card (nothing to print, as with `ngspice -b`).
fn report_print_notes(renderer: &Renderer, path: &Path, sim: &Simulation, outputs: &Outputs) {
    use balun::output::print;
    if !outputs.plot.vectors.is_empty() {
        return;
    }
    let at = path.display().to_string();
    let ngspice = outputs.print_style == PrintStyle::Ngspice;
    if ngspice && sim.circuit.prints.is_empty() {
        let message = "--print-style ngspice: the netlist has no .print card, so no analysis \
                       table is printed (as ngspice -b prints none)";
        eprint!("{}", renderer.plain(&at, Severity::Warning, message));
    }
    for run in &sim.runs {
        let plots = &sim.plots[run.plots.clone()];
        let notes = if ngspice {
            print::card_tables(&sim.circuit.prints, plots).1
        } else {
            print::tables(&sim.circuit.prints, plots).1
        };
        for n in notes {
            eprint!("{}", renderer.plain(&at, Severity::Warning, &n));
        }
    }
}

/// A run's `.four` tables, after its analyses (as ngspice prints them).
fn write_four(w: &mut impl Write, run: &balun::Run) -> io::Result<()> {
    if run.four.is_empty() {
        return Ok(());
    }
    writeln!(w)?;
    balun::output::four::write(w, &run.four)
}

/// Reports each `.four` output that could not be analysed (at its card) as an error; returns
/// whether all were.
fn report_four_failures(renderer: &Renderer, sim: &Simulation) -> bool {
    let mut ok = true;
    for r in sim.runs.iter().flat_map(|r| &r.four) {
        if let Err(reason) = &r.outcome {
            let message = format!(".four {}: {reason}", r.name);
            eprint!(
                "{}",
                renderer.spanned(&sim.sources, r.span, Severity::Error, &message)
            );
            ok = false;
        }
    }
    ok
}

/// Writes the requested files; on failure returns (path, message).
fn write_outputs(
    sim: &Simulation,
    outputs: &Outputs,
    verbose: bool,
    monte_carlo: Option<&serde_json::Value>,
    cards: &[commands::cards::CardTable],
) -> Result<(), (String, String)> {
    let fail = |p: &Path, e: io::Error| (p.display().to_string(), format!("cannot write: {e}"));
    if let Some(path) = &outputs.raw {
        let options = raw::WriteOptions {
            date: None,
            log_scale: None,
            format: outputs.raw_format,
        };
        // With .step, each run's plots follow the previous run's, the title carrying the
        // run's `name=value` pairs (as ngspice titles the plots of each of several runs).
        write_file(path, |w| {
            for run in &sim.runs {
                let title = match run.label() {
                    l if l.is_empty() => sim.circuit.title.clone(),
                    l => format!("{} ({l})", sim.circuit.title),
                };
                let plots = &sim.plots[run.plots.clone()];
                let options = raw::WriteOptions {
                    log_scale: log_scale_hints(&sim.circuit.analyses, plots),
                    ..options.clone()
                };
                raw::write(w, &title, plots, &options)?;
            }
            Ok(())
        })
        .map_err(|e| fail(path, e))?;
        if verbose {
            eprintln!("balun: wrote {}", path.display());
        }
    }
    if let Some(dir) = &outputs.csv {
        let mut written = Vec::new();
        let stepped = sim.runs.iter().any(|r| !r.params.is_empty());
        for (i, run) in sim.runs.iter().enumerate() {
            let suffix = if stepped {
                format!("_step{}", i + 1)
            } else {
                String::new()
            };
            let plots = &sim.plots[run.plots.clone()];
            written.extend(csv::write_dir_suffixed(dir, plots, &suffix).map_err(|e| fail(dir, e))?);
            // Each `.print` table, every point: print_ac1.csv.
            for t in balun::output::print::tables(&sim.circuit.prints, plots).0 {
                let path = dir.join(format!("print_{}{suffix}.csv", t.key));
                write_file(&path, |w| balun::output::print::write_csv(w, &t))
                    .map_err(|e| fail(&path, e))?;
                written.push(path);
            }
        }
        if !cards.is_empty() {
            let path = dir.join("meas_cards.csv");
            write_file(&path, |w| {
                w.write_all(commands::cards::csv(cards).as_bytes())
            })
            .map_err(|e| fail(&path, e))?;
            written.push(path);
        }
        if stepped || sim.runs.iter().any(|r| !r.meas.is_empty()) {
            let path = dir.join("meas.csv");
            write_file(&path, |w| balun::output::meas::write_csv(w, &sim.runs))
                .map_err(|e| fail(&path, e))?;
            written.push(path);
        }
        if sim.runs.iter().any(|r| !r.four.is_empty()) {
            let path = dir.join("four.csv");
            write_file(&path, |w| balun::output::four::write_csv(w, &sim.runs))
                .map_err(|e| fail(&path, e))?;
            written.push(path);
        }
        if verbose {
            for p in written {
                eprintln!("balun: wrote {}", p.display());
            }
        }
    }
    if let Some(path) = &outputs.json {
        write_file(path, |w| {
            let cards = (!cards.is_empty()).then(|| {
                serde_json::Value::Array(
                    cards.iter().map(commands::cards::CardTable::json).collect(),
                )
            });
            json::write_runs(
                w,
                &sim.circuit.title,
                &sim.plots,
                &sim.runs,
                &sim.circuit.prints,
                monte_carlo,
                cards.as_ref(),
            )
        })
        .map_err(|e| fail(path, e))?;
        if verbose {
            eprintln!("balun: wrote {}", path.display());
        }
    }
    Ok(())
}

/// Which of one run's `plots` have a dec/oct frequency sweep as their scale (ngspice marks
/// them `grid=3`), from the analyses that made them, in order: one plot per analysis, and
/// `.noise`'s `Integrated Noise` (no frequency scale) after its spectrum. `None` (the writer then
/// guesses from the values) when the plots are not the analyses' output (a run stopped
/// part-way).
fn log_scale_hints(analyses: &[circuit::Analysis], plots: &[solver::Plot]) -> Option<Vec<bool>> {
    use circuit::{AcVariation, Analysis};
    let mut analyses = analyses.iter();
    let hints: Vec<bool> = plots
        .iter()
        .map_while(|p| {
            if p.name == solver::analysis::noise::INTEGRATED_PLOT {
                return Some(false);
            }
            Some(match analyses.next()? {
                Analysis::Ac { variation, .. } | Analysis::Noise { variation, .. } => {
                    *variation != AcVariation::Lin
                }
                _ => false,
            })
        })
        .collect();
    (hints.len() == plots.len() && analyses.next().is_none()).then_some(hints)
}

fn write_file(
    path: &Path,
    body: impl FnOnce(&mut io::BufWriter<std::fs::File>) -> io::Result<()>,
) -> io::Result<()> {
    // A temporary name, then a rename: an interrupted run never leaves a truncated file.
    balun::output::atomic::write_file(path, body)
}

fn check(renderer: &Renderer, path: &Path, quiet: bool) -> bool {
    match balun::elaborate_file(path) {
        Ok(elab) => {
            report_warnings(renderer, &elab.sources, &elab.warnings, quiet);
            if !quiet {
                let mut stdout = io::stdout().lock();
                // A closed pipe (`balun check x.net | head -1`) is not an error worth reporting.
                let _ = stdout
                    .write_all(balun::summary::summarize(&elab.circuit).as_bytes())
                    .and_then(|()| stdout.flush());
            }
            true
        }
        Err(failure) => {
            report_failure(renderer, path, &failure, quiet);
            false
        }
    }
}
