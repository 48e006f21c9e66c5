//! Modified nodal analysis on sparse matrices, and the analyses built on it.
//!
//! The solver takes an elaborated [`circuit::Circuit`] and produces one [`Plot`] per analysis, in
//! the shape of an ngspice plot: a scale vector (frequency, sweep value; none for `.op`) and data
//! vectors named as ngspice names them (`v(node)`, `i(vsource)`).
//!
//! **Architecture invariant**: the solver never reads netlist text and never formats output files.

pub mod analysis;
pub mod control;
mod devices;
pub mod lu;
pub mod mna;
pub mod newton;
mod result;
pub mod sparse;
pub mod waveform;

pub use control::Control;
pub use result::{Data, Plot, Unit, Vector};

use circuit::{Analysis, Circuit};

/// Solver failures. Each names the analysis and, where it can, the nodes or branches involved.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SolveError {
    /// The MNA matrix is singular; `rows` names the unknowns (`v(node)`, `i(vsrc)`) involved.
    #[error("{analysis}: singular matrix at {at}: check {}", rows.join(", "))]
    Singular {
        analysis: String,
        at: String,
        rows: Vec<String>,
    },
    /// The analysis produced a non-finite value.
    #[error("{analysis}: result is not finite at {at} in {vector}")]
    NotFinite {
        analysis: String,
        at: String,
        vector: String,
    },
    /// Newton-Raphson did not converge (after GMIN and source stepping for a DC point).
    #[error("{analysis}: no convergence at {at}; the unknowns still moving most: {}", unknowns.join(", "))]
    NoConvergence {
        analysis: String,
        at: String,
        unknowns: Vec<String>,
    },
    /// A device could not be evaluated (a B source's `sqrt` of a negative number, ...).
    #[error("{analysis}: {element}: {message} at {at}")]
    Device {
        analysis: String,
        at: String,
        element: String,
        message: String,
    },
    /// The transient time step fell below its minimum.
    #[error("tran: time step too small ({step:.3e} s) at time {time:.7e} s; the fastest-changing element is {element}")]
    TimestepTooSmall {
        time: f64,
        step: f64,
        element: String,
    },
    /// The run was cancelled (Ctrl-C) through its [`Control`].
    #[error("{analysis}: interrupted at {at}")]
    Interrupted { analysis: String, at: String },
    /// An analysis this solver cannot run yet.
    #[error("{0} is not supported yet")]
    Unsupported(String),
}

/// An analysis that stopped early: why, and the points it had finished (if any), so a caller
/// can still write them, marked incomplete.
#[derive(Debug, Clone, PartialEq)]
pub struct Stopped {
    pub error: SolveError,
    /// The finished points, in the shape of the full plot; `None` when none were finished.
    pub partial: Option<Box<Plot>>,
}

impl Stopped {
    /// Stopped before its first point (e.g. the operating point failed).
    pub fn before_any_point(error: SolveError) -> Self {
        Self {
            error,
            partial: None,
        }
    }

    /// Stopped after finishing the points of `plot` (none counts as no partial result).
    pub fn after(error: SolveError, plot: Plot) -> Self {
        let partial = (!plot.is_empty()).then(|| Box::new(plot));
        Self { error, partial }
    }
}

/// What a run produced: the plots of the analyses that finished and, if one stopped, why and
/// the points it finished. Analyses after a stopped one are not run.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub plots: Vec<Plot>,
    pub stopped: Option<Stopped>,
}

/// Runs every analysis of the circuit, in netlist order, assembling the matrix once.
pub fn simulate(circuit: &Circuit) -> Result<Vec<Plot>, SolveError> {
    let out = simulate_with(circuit, &Control::new());
    match out.stopped {
        None => Ok(out.plots),
        Some(s) => Err(s.error),
    }
}

/// [`simulate`], reporting progress to `control` and stopping when it is cancelled; keeps the
/// finished plots and the stopped analysis's finished points.
pub fn simulate_with(circuit: &Circuit, control: &Control) -> Outcome {
    let sys = mna::System::assemble(circuit);
    let mut plots = Vec::with_capacity(circuit.analyses.len());
    for a in &circuit.analyses {
        match run_controlled(circuit, &sys, a, control) {
            Ok(p) => plots.extend(p),
            Err(stopped) => {
                return Outcome {
                    plots,
                    stopped: Some(stopped),
                }
            }
        }
    }
    Outcome {
        plots,
        stopped: None,
    }
}

/// Runs one analysis with progress and cancellation; `.op` and `.ac` count as one unit per
/// point and are not interrupted part-way.
fn run_controlled(
    circuit: &Circuit,
    sys: &mna::System,
    analysis: &Analysis,
    control: &Control,
) -> Result<Vec<Plot>, Stopped> {
    match analysis {
        Analysis::Dc { sweeps } => {
            analysis::dc::run_with(circuit, sys, sweeps, control).map(|p| vec![p])
        }
        Analysis::Tran {
            tstep_s,
            tstop_s,
            tstart_s,
            tmax_s,
            uic,
        } => run_tran(
            circuit,
            sys,
            tran_spec(*tstep_s, *tstop_s, *tstart_s, *tmax_s, *uic),
            control,
        )
        .map(|p| vec![p]),
        other => {
            if control.is_cancelled() {
                return Err(Stopped::before_any_point(SolveError::Interrupted {
                    analysis: analysis_name(other).into(),
                    at: "its start".into(),
                }));
            }
            let plots = run_on(circuit, sys, other).map_err(Stopped::before_any_point)?;
            let points = plots.first().map_or(0, |p| p.len()) as u64;
            control.expect(points);
            control.advance(points);
            Ok(plots)
        }
    }
}

fn analysis_name(a: &Analysis) -> &'static str {
    match a {
        Analysis::Op => "op",
        Analysis::Dc { .. } => "dc",
        Analysis::Ac { .. } => "ac",
        Analysis::Noise { .. } => "noise",
        Analysis::Tran { .. } => "tran",
        Analysis::Tf { .. } => "tf",
        Analysis::Sens { .. } => "sens",
    }
}

fn tran_spec(
    tstep: f64,
    tstop: f64,
    tstart: f64,
    tmax: Option<f64>,
    uic: bool,
) -> analysis::tran::TranSpec {
    analysis::tran::TranSpec {
        tstep,
        tstop,
        tstart,
        tmax,
        uic,
    }
}

/// `.tran`, with every multiconductor line replaced by its lumped ladder (mtl hook, see
/// `devices/mtl.rs`); the ladders' nodes and elements (`p1#...`) are left out of the plot.
fn run_tran(
    circuit: &Circuit,
    sys: &mna::System,
    spec: analysis::tran::TranSpec,
    control: &Control,
) -> Result<Plot, Stopped> {
    let Some(ladder) = devices::mtl::ladder_circuit(circuit, spec.tstep, spec.tstop) else {
        return analysis::tran::run_with(circuit, sys, spec, control);
    };
    let hidden = devices::mtl::ladder_prefixes(circuit);
    let hide = |mut plot: Plot| {
        plot.vectors
            .retain(|v| !hidden.iter().any(|h| v.name.starts_with(h.as_str())));
        plot
    };
    let lsys = mna::System::assemble(&ladder);
    analysis::tran::run_with(&ladder, &lsys, spec, control)
        .map(hide)
        .map_err(|s| Stopped {
            error: s.error,
            partial: s.partial.map(|p| Box::new(hide(*p))),
        })
}

/// Runs one analysis (`.noise` gives two plots: spectra and integrated noise).
pub fn run(circuit: &Circuit, analysis: &Analysis) -> Result<Vec<Plot>, SolveError> {
    let sys = mna::System::assemble(circuit);
    run_on(circuit, &sys, analysis)
}

fn run_on(
    circuit: &Circuit,
    sys: &mna::System,
    analysis: &Analysis,
) -> Result<Vec<Plot>, SolveError> {
    let one = |plot: Result<Plot, SolveError>| plot.map(|p| vec![p]);
    match analysis {
        Analysis::Op => one(analysis::op::run(circuit, sys)),
        Analysis::Dc { sweeps } => one(analysis::dc::run(circuit, sys, sweeps)),
        Analysis::Ac {
            variation,
            points,
            fstart_hz,
            fstop_hz,
        } => one(analysis::ac::run(
            circuit, sys, *variation, *points, *fstart_hz, *fstop_hz,
        )),
        Analysis::Noise {
            out,
            source,
            variation,
            points,
            fstart_hz,
            fstop_hz,
            pts_per_summary,
        } => analysis::noise::run(
            circuit,
            sys,
            &analysis::noise::NoiseSpec {
                out: *out,
                source: *source,
                variation: *variation,
                points: *points,
                fstart: *fstart_hz,
                fstop: *fstop_hz,
                pts_per_summary: *pts_per_summary,
            },
        ),
        Analysis::Tf {
            out,
            source,
            out_name,
        } => one(analysis::tf::run(circuit, sys, *out, out_name, *source)),
        Analysis::Sens { out, ac } => one(analysis::sens::run(circuit, sys, *out, ac.as_ref())),
        Analysis::Tran {
            tstep_s,
            tstop_s,
            tstart_s,
            tmax_s,
            uic,
        } => one(run_tran(
            circuit,
            sys,
            tran_spec(*tstep_s, *tstop_s, *tstart_s, *tmax_s, *uic),
            &Control::new(),
        )
        .map_err(|s| s.error)),
    }
}

#[cfg(test)]
mod tests;
