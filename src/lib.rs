//! balun: a SPICE-style circuit simulator for balanced interconnects.
//!
//! This facade re-exports the pipeline's crates: [`netlist`] (text to AST), [`circuit`] (AST to
//! flat circuit), [`solver`] (MNA and analyses), and holds the output writers ([`output`]) and
//! the diagnostics renderer ([`diagnostics`]) that the CLI uses. It adds no simulation logic:
//! each function here only chains the stages and keeps the source text for error reports.
//!
//! **Architecture invariant**: only this package knows about terminals, files written and exit
//! codes; the library crates return values and typed errors.

pub use circuit;
pub use library;
pub use netlist;
pub use solver;

pub mod diagnostics;
pub mod measurements;
pub mod montecarlo;
pub mod output;
pub mod plot;
pub mod progress;
pub mod summary;

use std::path::Path;

/// Everything that can go wrong between a netlist file and its plots.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Parse(#[from] netlist::ParseError),
    #[error(transparent)]
    Elab(#[from] circuit::ElabError),
    #[error(transparent)]
    Solve(#[from] solver::SolveError),
}

/// A parsed and elaborated netlist, with the text it came from.
#[derive(Debug, Clone)]
pub struct Elaborated {
    pub circuit: circuit::Circuit,
    /// Every file read (the netlist and its `.include`s), for diagnostics.
    pub sources: netlist::Sources,
    /// Parser and elaboration warnings, each once, in the order found.
    pub warnings: Vec<circuit::Warning>,
}

/// A finished run: the circuit, its plots and its sources.
///
/// Without `.step`, `plots` has one plot per analysis in netlist order and `runs` one [`Run`]
/// with no parameters. With `.step`, `runs` has one [`Run`] per parameter point (the first
/// `.step` card outermost) and `plots` holds every run's plots one run after the other;
/// `circuit` is the first run's.
#[derive(Debug, Clone)]
pub struct Simulation {
    pub circuit: circuit::Circuit,
    pub plots: Vec<solver::Plot>,
    pub sources: netlist::Sources,
    pub warnings: Vec<circuit::Warning>,
    pub runs: Vec<Run>,
}

/// One run of the analyses: its `.step` parameter values, its plots and its `.meas` results.
#[derive(Debug, Clone)]
pub struct Run {
    /// (parameter, value) for each `.step` card, in card order; empty without `.step`.
    pub params: Vec<(String, f64)>,
    /// This run's plots within [`Simulation::plots`].
    pub plots: std::ops::Range<usize>,
    /// The `.meas` results, in card order.
    pub meas: Vec<measure::meas::MeasResult>,
    /// The `.four` results: one per output of each card, in card order.
    pub four: Vec<measure::four::FourResult>,
}

impl Run {
    /// `name=value` pairs joined by spaces (`rval=1000 cval=1e-7`), values in Rust's shortest
    /// exact form; empty without `.step`.
    pub fn label(&self) -> String {
        self.params
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A failed run: the error, the files read so far, and the warnings found before it.
#[derive(Debug)]
pub struct Failure {
    pub error: Error,
    pub sources: netlist::Sources,
    pub warnings: Vec<circuit::Warning>,
    /// When the simulation stopped part-way: the circuit and the plots finished before the
    /// error (the last one possibly cut short), to be written marked incomplete.
    pub partial: Option<Partial>,
}

/// What a stopped simulation finished: whole plots of the analyses before the one that
/// stopped, then that analysis's finished points (if any). With `.step`, the plots of the runs
/// before the one that stopped come first.
#[derive(Debug, Clone)]
pub struct Partial {
    pub circuit: circuit::Circuit,
    pub plots: Vec<solver::Plot>,
}

impl Failure {
    fn new(error: Error, sources: netlist::Sources, warnings: Vec<circuit::Warning>) -> Box<Self> {
        Box::new(Failure {
            error,
            sources,
            warnings,
            partial: None,
        })
    }
}

impl Failure {
    /// Where the error points: the file (as named by the netlist or the user) and the 1-based
    /// line and column; `None` for errors without a place (a solver failure, an unreadable
    /// file).
    pub fn location(&self) -> Option<(std::path::PathBuf, netlist::LineCol)> {
        let span = match &self.error {
            Error::Parse(e) => e.span()?,
            Error::Elab(e) => e.span(),
            Error::Solve(_) => return None,
        };
        let file = self.sources.files.get(span.file.0 as usize)?;
        Some((file.path.clone(), self.sources.line_col(span)))
    }
}

/// A netlist to run: a file, or text (named `name` in diagnostics, `.include`s relative to
/// `name`'s directory).
#[derive(Debug, Clone, Copy)]
pub enum Input<'a> {
    File(&'a Path),
    Text { name: &'a Path, text: &'a str },
}

impl Input<'_> {
    /// The file name diagnostics use for errors without a place.
    pub fn name(&self) -> &Path {
        match self {
            Input::File(path) => path,
            Input::Text { name, .. } => name,
        }
    }
}

/// Reads a netlist with the built-in library resolver.
fn parse(input: Input) -> Result<(netlist::Netlist, netlist::Sources), Box<Failure>> {
    match input {
        Input::File(path) => netlist::parse_file_with(path, &library::resolve),
        Input::Text { name, text } => netlist::parse_str_with(name, text, &library::resolve),
    }
    .map_err(|(e, sources)| Failure::new(e.into(), sources, Vec::new()))
}

/// Elaborates with `.step` values `params`; returns the circuit and the parser's and
/// elaboration's warnings (each once, in the order found).
fn elaborate_ast(
    ast: &netlist::Netlist,
    params: &[(String, f64)],
) -> Result<(circuit::Circuit, Vec<circuit::Warning>), (Error, Vec<circuit::Warning>)> {
    let mut warnings: Vec<circuit::Warning> = ast
        .warnings
        .iter()
        .map(|w| circuit::Warning {
            span: w.span,
            message: w.message.clone(),
        })
        .collect();
    match circuit::elaborate_with_params(ast, None, params) {
        Ok(circuit) => {
            // Elaboration passes the parser's warnings through; keep each one once.
            for w in &circuit.warnings {
                if !warnings.contains(w) {
                    warnings.push(w.clone());
                }
            }
            Ok((circuit, warnings))
        }
        Err(e) => Err((e.into(), warnings)),
    }
}

/// The parameter points of the netlist's `.step` cards (empty without `.step`).
fn step_points(
    ast: &netlist::Netlist,
    sources: &netlist::Sources,
) -> Result<Vec<Vec<(String, f64)>>, Box<Failure>> {
    circuit::step_points(ast).map_err(|e| Failure::new(e.into(), sources.clone(), Vec::new()))
}

/// Parses and elaborates a netlist file (what `balun check` does); with `.step`, the first
/// run's circuit, after checking every `.step` card.
pub fn elaborate_file(path: &Path) -> Result<Elaborated, Box<Failure>> {
    elaborate(Input::File(path), &[])
}

/// [`elaborate_file`] for any [`Input`], with `.param` values replaced by `params` (each must
/// be defined by a `.param` card).
pub fn elaborate(input: Input, params: &[(String, f64)]) -> Result<Elaborated, Box<Failure>> {
    let (ast, sources) = parse(input)?;
    let points = step_points(&ast, &sources)?;
    let mut first = params.to_vec();
    first.extend(points.into_iter().next().unwrap_or_default());
    let elaborated = elaborate_ast(&ast, &first);
    let large = ast.items.len() > LARGE_AST_ITEMS;
    drop_in_background(ast, large);
    match elaborated {
        Ok((circuit, warnings)) => Ok(Elaborated {
            circuit,
            sources,
            warnings,
        }),
        Err((error, warnings)) => Err(Failure::new(error, sources, warnings)),
    }
}

/// A netlist elaborated once per `.step` point (once, with no parameters, without `.step`).
#[derive(Debug, Clone)]
pub struct Stepped {
    /// Each point's parameter values and circuit, in `.step` order.
    pub runs: Vec<(Vec<(String, f64)>, circuit::Circuit)>,
    pub sources: netlist::Sources,
    pub warnings: Vec<circuit::Warning>,
}

/// Parses a netlist once and elaborates it at each of its `.step` points (the measurements
/// that run per point: `compare --measure drive`).
pub fn elaborate_steps(input: Input) -> Result<Stepped, Box<Failure>> {
    let (ast, sources) = parse(input)?;
    let mut points = step_points(&ast, &sources)?;
    if points.is_empty() {
        points.push(Vec::new());
    }
    let mut runs = Vec::with_capacity(points.len());
    let mut warnings = Vec::new();
    for p in points {
        match elaborate_ast(&ast, &p) {
            Ok((circuit, w)) => {
                for w in w {
                    if !warnings.contains(&w) {
                        warnings.push(w);
                    }
                }
                runs.push((p, circuit));
            }
            Err((error, w)) => return Err(Failure::new(error, sources, w)),
        }
    }
    Ok(Stepped {
        runs,
        sources,
        warnings,
    })
}

/// What one run produced: its circuit and warnings, and either its plots and `.meas` results
/// or the error that stopped it with the plots finished before.
struct PointRun {
    circuit: Option<circuit::Circuit>,
    warnings: Vec<circuit::Warning>,
    plots: Vec<solver::Plot>,
    meas: Vec<measure::meas::MeasResult>,
    four: Vec<measure::four::FourResult>,
    error: Option<Error>,
}

impl PointRun {
    /// A run that stopped before simulating (elaboration failed).
    fn failed(error: Error, warnings: Vec<circuit::Warning>) -> Self {
        PointRun {
            circuit: None,
            warnings,
            plots: Vec::new(),
            meas: Vec::new(),
            four: Vec::new(),
            error: Some(error),
        }
    }
}

/// One run: elaborate with `params`, simulate, evaluate the `.meas` cards.
fn run_point(
    ast: &netlist::Netlist,
    params: &[(String, f64)],
    control: &solver::Control,
) -> PointRun {
    match elaborate_ast(ast, params) {
        Ok((circuit, warnings)) => simulate_point(circuit, warnings, control),
        Err((error, warnings)) => PointRun::failed(error, warnings),
    }
}

/// Frees `value` on another thread when it is large: nothing needs it any more, and the
/// analysis need not wait while a million elements' strings are freed (their memory returns
/// to the allocator for the solver's use as it is freed).
fn drop_in_background<T: Send + 'static>(value: T, large: bool) {
    if large {
        // If no thread can be started, the closure and `value` are dropped here instead.
        let _ = std::thread::Builder::new().spawn(move || drop(value));
    }
}

/// Netlists with more items than this have their AST freed in the background.
const LARGE_AST_ITEMS: usize = 10_000;

/// Simulates an elaborated run and evaluates its `.meas` and `.four` cards.
fn simulate_point(
    circuit: circuit::Circuit,
    warnings: Vec<circuit::Warning>,
    control: &solver::Control,
) -> PointRun {
    let solver::Outcome { mut plots, stopped } = solver::simulate_with(&circuit, control);
    let (meas, four, error) = match stopped {
        None => (
            measure::meas::evaluate(&circuit.meas, &plots),
            measure::four::evaluate(&circuit.four, &circuit.options, &plots),
            None,
        ),
        Some(stopped) => {
            plots.extend(stopped.partial.map(|p| *p));
            (Vec::new(), Vec::new(), Some(stopped.error.into()))
        }
    };
    PointRun {
        circuit: Some(circuit),
        warnings,
        plots,
        meas,
        four,
        error,
    }
}

/// Parses, elaborates and simulates a netlist file, keeping everything needed for reports.
pub fn run_file(path: &Path) -> Result<Simulation, Box<Failure>> {
    run_file_with(path, &solver::Control::new())
}

/// [`run_file`], reporting progress to `control` and stopping when it is cancelled; a run that
/// stops part-way keeps what it finished in [`Failure::partial`]. With `.step`, the runs go in
/// parallel (rayon) sharing `control`; each run's numbers do not depend on the number of
/// threads, and the runs are kept in `.step` order.
pub fn run_file_with(path: &Path, control: &solver::Control) -> Result<Simulation, Box<Failure>> {
    run(Input::File(path), &[], control)
}

/// [`run_file_with`] for any [`Input`], with `.param` values replaced by `params` (each must
/// be defined by a `.param` card; `.step` values are applied after them). This is the whole
/// pipeline the CLI's `balun run` and the Python module's `balun.run` share.
pub fn run(
    input: Input,
    params: &[(String, f64)],
    control: &solver::Control,
) -> Result<Simulation, Box<Failure>> {
    use rayon::prelude::*;
    let (ast, sources) = parse(input)?;
    let mut points = step_points(&ast, &sources)?;
    let stepped = !points.is_empty();
    if !stepped {
        points.push(Vec::new());
    }
    let overrides = |p: &[(String, f64)]| {
        let mut all = params.to_vec();
        all.extend_from_slice(p);
        all
    };
    let results: Vec<PointRun> = if stepped {
        points
            .par_iter()
            .map(|p| run_point(&ast, &overrides(p), control))
            .collect()
    } else {
        // One run: once elaborated, the AST is not needed; free it before the solver starts.
        let run = match elaborate_ast(&ast, &overrides(&points[0])) {
            Ok((circuit, warnings)) => {
                let large = ast.items.len() > LARGE_AST_ITEMS;
                drop_in_background(ast, large);
                simulate_point(circuit, warnings, control)
            }
            Err((error, warnings)) => PointRun::failed(error, warnings),
        };
        vec![run]
    };
    let mut first_circuit = None;
    let mut first_warnings = None;
    let mut plots = Vec::new();
    let mut runs = Vec::with_capacity(points.len());
    for (params, r) in points.into_iter().zip(results) {
        let start = plots.len();
        plots.extend(r.plots);
        if let Some(error) = r.error {
            let circuit = first_circuit.or(r.circuit);
            let partial = circuit
                .filter(|_| !plots.is_empty())
                .map(|circuit| Partial { circuit, plots });
            return Err(Box::new(Failure {
                error,
                sources,
                warnings: r.warnings,
                partial,
            }));
        }
        if first_circuit.is_none() {
            first_circuit = r.circuit;
            first_warnings = Some(r.warnings);
        }
        runs.push(Run {
            params,
            plots: start..plots.len(),
            meas: r.meas,
            four: r.four,
        });
    }
    match first_circuit {
        Some(circuit) => Ok(Simulation {
            circuit,
            plots,
            sources,
            warnings: first_warnings.unwrap_or_default(),
            runs,
        }),
        // Unreachable: there is always at least one run, and a run without a circuit failed.
        None => Err(Failure::new(
            Error::Solve(solver::SolveError::Unsupported(
                "a run without a circuit".into(),
            )),
            sources,
            Vec::new(),
        )),
    }
}

/// Parses, elaborates and simulates a netlist file: the whole pipeline in one call.
/// Returns the plots and the sources read (for diagnostics).
#[allow(clippy::result_large_err)]
pub fn simulate_file(
    path: &Path,
) -> Result<(circuit::Circuit, Vec<solver::Plot>), (Error, netlist::Sources)> {
    run_file(path)
        .map(|s| (s.circuit, s.plots))
        .map_err(|f| (f.error, f.sources))
}
