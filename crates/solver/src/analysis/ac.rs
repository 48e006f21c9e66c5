//! `.ac`: small-signal frequency response `(G + j*omega*C) x = b_ac` of a linear circuit.
//!
//! The symbolic LU of the fixed pattern is computed once, with its pivots at the first frequency;
//! then frequencies are refactored on those pivots four at a time ([`LuBatch`]: one pass over
//! the structure for all four). Frequencies are split into contiguous chunks solved in parallel
//! (rayon), one batch factoriser per chunk.
//!
//! Frequency points follow ngspice 39's `ACan` exactly (see [`frequencies`]; `.noise` keeps
//! SPICE3's grid, [`classic_frequencies`]).

use super::op::{DcSolver, OpStart};
use super::{ac_value, singular, unit_of};
use crate::lu::batch::{GPlusJwC, LaneValues, Lanes, LuBatch, LANES};
use crate::lu::{Lu, Pivots};
use crate::mna::System;
use crate::result::{Data, Plot, Unit, Vector};
use crate::SolveError;
use circuit::{AcVariation, Circuit, DeviceId, NodeId};
use num_complex::Complex64;
use rayon::prelude::*;
use std::borrow::Cow;

pub const PLOT_NAME: &str = "AC Analysis";

/// The frequencies of an `.ac` sweep, generated as ngspice 39's `ACan` generates them.
///
/// `dec` spans the range exactly: `floor(N * log10(fstop/fstart))` steps of ratio
/// `(fstop/fstart)^(1/steps)`, so the last point is `fstop` even when the range is not a whole
/// number of decades (`.ac dec 4 1k 3meg`: 14 points, ratio 3000^(1/13)). `oct` and `lin` step
/// as [`classic_frequencies`] does. A `dec` range narrower than one step (`.ac dec 1 1 5`, on
/// which ngspice 39 never ends) gives its two ends.
pub fn frequencies(
    variation: AcVariation,
    points: usize,
    fstart: f64,
    fstop: f64,
    reltol: f64,
) -> Vec<f64> {
    if variation != AcVariation::Dec || fstart <= 0.0 || fstop <= fstart {
        return classic_frequencies(variation, points, fstart, fstop, reltol);
    }
    let ratio = fstop / fstart;
    let steps = (ratio.log10().abs() * points.max(1) as f64)
        .floor()
        .max(1.0);
    geometric(fstart, fstop, (ratio.ln() / steps).exp(), reltol)
}

/// The frequencies of a `.noise` sweep (and of SPICE3's `.ac`): `dec`/`oct` multiply by
/// `exp(ln(10)/N)` (or `ln(2)`) from fstart while `f <= fstop + delta*fstop*reltol`; `lin`
/// adds `(fstop-fstart)/(N-1)` (a single point when `N <= 2`, as ngspice does) while
/// `f <= fstop + delta*reltol`.
pub fn classic_frequencies(
    variation: AcVariation,
    points: usize,
    fstart: f64,
    fstop: f64,
    reltol: f64,
) -> Vec<f64> {
    let n = points.max(1);
    match variation {
        AcVariation::Dec => geometric(fstart, fstop, (10f64.ln() / n as f64).exp(), reltol),
        AcVariation::Oct => geometric(fstart, fstop, (2f64.ln() / n as f64).exp(), reltol),
        AcVariation::Lin => {
            let delta = if n > 2 {
                (fstop - fstart) / (n - 1) as f64
            } else {
                0.0
            };
            let tol = delta * reltol;
            let mut out = Vec::new();
            let mut f = fstart;
            while f <= fstop + tol {
                out.push(f);
                f += delta;
                if delta == 0.0 {
                    break;
                }
            }
            out
        }
    }
}

/// `fstart, fstart*delta, ...` while `f <= fstop + delta*fstop*reltol`.
fn geometric(fstart: f64, fstop: f64, delta: f64, reltol: f64) -> Vec<f64> {
    let tol = delta * fstop * reltol;
    let mut out = Vec::new();
    let mut f = fstart;
    while f <= fstop + tol {
        out.push(f);
        f *= delta;
        if delta == 1.0 || !delta.is_finite() {
            break;
        }
    }
    out
}

pub fn run(
    circuit: &Circuit,
    sys: &System,
    variation: AcVariation,
    points: usize,
    fstart: f64,
    fstop: f64,
) -> Result<Plot, SolveError> {
    let freqs = frequencies(variation, points, fstart, fstop, circuit.options.reltol);
    let linear = small_signal(circuit, sys)?;
    let sys: &System = &linear;
    let b = ac_rhs(circuit, sys);
    // One column per reported unknown, filled in place: each chunk writes its slice of every
    // column (no per-point copies, no transposition).
    let reported = sys.unknowns.reported();
    let chunk = chunk_len(freqs.len());
    let mut columns: Vec<Vec<Complex64>> = (0..reported.len())
        .map(|_| vec![Complex64::new(0.0, 0.0); freqs.len()])
        .collect();
    let mut views: Vec<Vec<&mut [Complex64]>> = (0..freqs.len().div_ceil(chunk))
        .map(|_| Vec::with_capacity(reported.len()))
        .collect();
    for column in columns.iter_mut() {
        for (view, part) in views.iter_mut().zip(column.chunks_mut(chunk)) {
            view.push(part);
        }
    }
    sweep(
        circuit,
        sys,
        &freqs,
        std::slice::from_ref(&b),
        None,
        views,
        |view, k, _, x| {
            for (column, &i) in view.iter_mut().zip(reported) {
                column[k] = x.at(i);
            }
        },
    )?;
    Ok(Plot {
        name: PLOT_NAME.into(),
        scale: Some(Vector {
            name: "frequency".into(),
            unit: Unit::Frequency,
            data: Data::Real(freqs),
        }),
        vectors: columns
            .into_iter()
            .zip(reported)
            .map(|(data, &i)| Vector {
                name: sys.unknowns.name(circuit, i),
                unit: unit_of(&sys.unknowns, i),
                data: Data::Complex(data),
            })
            .collect(),
    })
}

/// The right-hand side of `.ac`: every independent source at its AC phasor.
pub(crate) fn ac_rhs(circuit: &Circuit, sys: &System) -> Vec<Complex64> {
    let mut b = vec![Complex64::new(0.0, 0.0); sys.unknowns.len()];
    for t in &sys.sources {
        b[t.row] += ac_value(circuit, t.device) * t.sign;
    }
    b
}

/// The circuit linearised at its DC operating point: for a linear circuit the system itself;
/// otherwise every nonlinear device adds its small-signal conductances to `G` and its
/// capacitances to `C` (`crate::devices::nonlinear::Nonlinear::ac_load`).
pub fn small_signal<'s>(circuit: &Circuit, sys: &'s System) -> Result<Cow<'s, System>, SolveError> {
    Ok(linearise(circuit, sys)?.0)
}

/// [`small_signal`], also returning the nonlinear devices' states at the operating point (one
/// flat array, sliced as `sys.nonlinear` says; empty for a linear circuit), which `.noise`
/// needs.
pub fn linearise<'s>(
    circuit: &Circuit,
    sys: &'s System,
) -> Result<(Cow<'s, System>, Vec<f64>), SolveError> {
    linearise_from(circuit, sys, None)
}

/// [`linearise`] with the operating point's Newton starting from `start` (see [`OpStart`]).
fn linearise_from<'s>(
    circuit: &Circuit,
    sys: &'s System,
    start: Option<&OpStart>,
) -> Result<(Cow<'s, System>, Vec<f64>), SolveError> {
    if !sys.is_nonlinear() {
        return Ok((Cow::Borrowed(sys), Vec::new()));
    }
    let (dc, _) = solve_op(circuit, sys, "ac", start)?;
    Ok(linearised(sys, &dc))
}

/// A circuit linearised at its operating point (see [`linearise_at_op`]).
pub struct OperatingPoint<'s> {
    /// The small-signal system.
    pub lin: Cow<'s, System>,
    /// The nonlinear devices' states there (empty for a linear circuit).
    pub states: Vec<f64>,
    /// The operating point: every unknown.
    pub x: Vec<f64>,
    /// The solution of the circuit linearised at `x` (one more Newton step; `x` itself for a
    /// linear circuit): ngspice's `CKTrhs` after its operating point, which `.sens` uses
    /// (`x` is the `CKTrhsOld` that `.op` reports).
    pub next: Vec<f64>,
}

/// The DC operating point of `sys` (Newton from `start` when given and it fits) and the
/// solver that holds its devices' states.
fn solve_op<'a>(
    circuit: &'a Circuit,
    sys: &'a System,
    analysis: &'static str,
    start: Option<&OpStart>,
) -> Result<(DcSolver<'a>, Vec<f64>), SolveError> {
    let mut dc = DcSolver::starting(circuit, sys, analysis, start)?;
    let mut x = vec![0.0; sys.unknowns.len()];
    dc.solve_point_from(&mut x, &|_| None, &|| "the operating point".into(), start)?;
    Ok((dc, x))
}

/// The small-signal system of nonlinear `sys` at the operating point `dc` solved, and the
/// devices' states there.
fn linearised<'s>(sys: &System, dc: &DcSolver) -> (Cow<'s, System>, Vec<f64>) {
    let newton = dc
        .newton()
        .expect("a nonlinear circuit has a Newton solver");
    let mut lin = sys.clone();
    for (_, device, state) in newton.devices() {
        device.ac_load(state, &mut lin.g, &mut lin.c);
    }
    lin.nonlinear = Default::default();
    (Cow::Owned(lin), newton.state.clone())
}

/// The operating point of `circuit`, as the start of its Monte Carlo copies' (see
/// [`OpStart`], [`responses_from`]), with the pivots of its small-signal matrix at `f0_hz`
/// (the first frequency of the copies' sweeps), which their sweeps start from.
pub fn op_start(circuit: &Circuit, f0_hz: f64) -> Result<OpStart, SolveError> {
    let sys = System::assemble(circuit);
    let (dc, x) = if sys.is_nonlinear() {
        solve_op(circuit, &sys, "ac", None)?
    } else {
        (
            DcSolver::new(circuit, &sys, "ac")?,
            vec![0.0; sys.unknowns.len()],
        )
    };
    let mut start = OpStart::new(&sys, &dc, &x);
    let lin = if sys.is_nonlinear() {
        linearised(&sys, &dc).0
    } else {
        Cow::Borrowed(&sys)
    };
    if !lin.unknowns.is_empty() {
        let mut lu = Lu::<Complex64>::new(&lin.pattern);
        let mut values = vec![Complex64::new(0.0, 0.0); lin.g.len()];
        factor_at(circuit, &lin, "ac", f0_hz, &mut values, &mut lu)?;
        start.ac_pivots = Some(lu.pivots());
    }
    Ok(start)
}

/// [`linearise`], also returning the operating point itself (every unknown), which `.tf` and
/// `.sens` start from; `analysis` names the analysis in errors.
pub fn linearise_at_op<'s>(
    circuit: &Circuit,
    sys: &'s System,
    analysis: &'static str,
) -> Result<OperatingPoint<'s>, SolveError> {
    let (mut dc, x) = solve_op(circuit, sys, analysis, None)?;
    let Some(newton) = dc.newton_mut() else {
        return Ok(OperatingPoint {
            lin: Cow::Borrowed(sys),
            states: Vec::new(),
            next: x.clone(),
            x,
        });
    };
    let mut values = sys.g.clone();
    let mut next = vec![0.0; x.len()];
    super::op::dc_rhs(circuit, sys, &mut next, &|_| None);
    newton
        .load_devices(&x, &mut values, &mut next)
        .map_err(|(element, message)| SolveError::Device {
            analysis: analysis.into(),
            at: "the operating point".into(),
            element,
            message,
        })?;
    let mut lu = Lu::<f64>::new(&sys.pattern);
    lu.factor(&sys.pattern, &values)
        .map_err(|s| singular(circuit, sys, analysis, "the operating point".into(), s.0))?;
    lu.solve_refined(&sys.pattern, &values, &mut next, &mut Vec::new());
    let (lin, states) = linearised(sys, &dc);
    Ok(OperatingPoint {
        lin,
        states,
        x,
        next,
    })
}

/// What an AC response is measured at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Probe {
    /// `v(pos) - v(neg)`.
    Voltage(NodeId, NodeId),
    /// The branch current of a device that has one (V, L, E, H).
    Current(DeviceId),
}

/// One AC excitation: the phasor each listed independent source takes; every other independent
/// source is zero (its AC value in the netlist is ignored).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Excitation {
    pub sources: Vec<(DeviceId, Complex64)>,
}

/// Solves the circuit at every frequency for several excitations, all on one factorisation per
/// frequency (one right-hand side each), and returns `result[e][p][f]`: probe `p` under
/// excitation `e` at frequency `f`. This is what CMRR (differential and common-mode drive) and
/// crosstalk (one aggressor at a time) are built on.
pub fn responses(
    circuit: &Circuit,
    freqs: &[f64],
    excitations: &[Excitation],
    probes: &[Probe],
) -> Result<Vec<Vec<Vec<Complex64>>>, SolveError> {
    responses_from(circuit, freqs, excitations, probes, None)
}

/// [`responses`] with the operating point's Newton starting from `start` (the nominal
/// circuit's, [`op_start`], for a Monte Carlo copy; see [`OpStart`]): the same responses
/// within Newton's convergence tolerance, in a few iterations instead of a solve from scratch.
pub fn responses_from(
    circuit: &Circuit,
    freqs: &[f64],
    excitations: &[Excitation],
    probes: &[Probe],
    start: Option<&OpStart>,
) -> Result<Vec<Vec<Vec<Complex64>>>, SolveError> {
    let assembled = System::assemble(circuit);
    let sys = linearise_from(circuit, &assembled, start)?.0;
    let n = sys.unknowns.len();
    let mut rhs = Vec::with_capacity(excitations.len());
    for e in excitations {
        let mut b = vec![Complex64::new(0.0, 0.0); n];
        for t in &sys.sources {
            if let Some((_, v)) = e.sources.iter().find(|(d, _)| *d == t.device) {
                b[t.row] += *v * t.sign;
            }
        }
        rhs.push(b);
    }
    let unk = &sys.unknowns;
    let probe = |x: &Solution| -> Vec<Complex64> {
        let at = |i: Option<usize>| i.map_or(Complex64::new(0.0, 0.0), |i| x.at(i));
        probes
            .iter()
            .map(|p| match *p {
                Probe::Voltage(a, b) => at(unk.node(a)) - at(unk.node(b)),
                Probe::Current(d) => x.at(unk.branch(d)),
            })
            .collect()
    };
    // Per chunk: [excitation][probe][frequency within the chunk], concatenated in order.
    let empty = || vec![vec![Vec::new(); probes.len()]; excitations.len()];
    let states: Vec<Vec<Vec<Vec<Complex64>>>> = freqs
        .chunks(chunk_len(freqs.len()))
        .map(|_| empty())
        .collect();
    let base = start
        .filter(|s| s.fits_pattern(&sys))
        .and_then(|s| s.ac_pivots.as_ref());
    let chunks = sweep(
        circuit,
        &sys,
        freqs,
        &rhs,
        base,
        states,
        |state, _, e, x| {
            for (p, v) in probe(x).into_iter().enumerate() {
                state[e][p].push(v);
            }
        },
    )?;
    let mut out = empty();
    for chunk in chunks {
        for (e, per_probe) in chunk.into_iter().enumerate() {
            for (p, values) in per_probe.into_iter().enumerate() {
                out[e][p].extend(values);
            }
        }
    }
    Ok(out)
}

/// How many frequencies each parallel chunk of [`sweep`] solves: [`CHUNKS`] chunks whatever
/// the number of threads. Each chunk's first factorisation chooses its pivots, so the split
/// must not depend on the thread count for the results to be identical bit for bit on any
/// machine (and under `.step`, whose runs share the thread pool).
pub(crate) fn chunk_len(points: usize) -> usize {
    points.div_ceil(CHUNKS).max(1)
}

/// Number of parallel chunks of an AC sweep: what the former `4 x threads` split gave on the
/// 2-core machines balun is developed and tested on (so their speed is unchanged), and enough
/// for 8 threads; few enough that the per-chunk set-up (one full factorisation) stays small.
const CHUNKS: usize = 8;

/// Fills `values` with `G + j*omega*C` at frequency `f` (with the transmission lines'
/// frequency-dependent coupling in place of their DC one) and factors it.
pub(crate) fn factor_at(
    circuit: &Circuit,
    sys: &System,
    analysis: &str,
    f: f64,
    values: &mut [Complex64],
    lu: &mut Lu<Complex64>,
) -> Result<(), SolveError> {
    fill_at(sys, f, values);
    lu.factor(&sys.pattern, values)
        .map_err(|s| singular(circuit, sys, analysis, format!("frequency {f:e} Hz"), s.0))
}

/// Fills `values` with the matrix of frequency `f` (see [`factor_at`]).
fn fill_at(sys: &System, f: f64, values: &mut [Complex64]) {
    let w = 2.0 * std::f64::consts::PI * f;
    for ((v, &g), &c) in values.iter_mut().zip(&sys.g).zip(&sys.c) {
        *v = Complex64::new(g, w * c);
    }
    for line in &sys.tlines {
        line.stamp_ac(values, w);
    }
    // mtl hook: the multiconductor lines' chain parameters at this frequency.
    for line in &sys.mtls {
        line.stamp_ac(values, w);
    }
    // ltra hook: the lossy lines' exact two-ports at this frequency.
    for line in &sys.ltras {
        line.stamp_ac(values, w);
    }
}

/// The AC engine: at each frequency, fill `G + j*omega*C` (with the transmission lines'
/// frequency-dependent coupling in place of their DC one), factor, solve every right-hand side
/// in `rhs` and hand each solution to `store(state, k, e, x)` (`k`: the frequency's index within
/// its chunk, `e`: the right-hand side). Frequencies are split into contiguous chunks of
/// [`chunk_len`] solved in parallel, each with its own factoriser (sharing the ordering) and
/// its own caller `state` (one per chunk, in order), so results go straight to their final
/// place. Returns the states. The chunks start from the pivots of a factorisation at the
/// first frequency, or from `base` when given (another sweep's of the same pattern: a Monte
/// Carlo copy's from the nominal circuit's; a pivot it makes too small is replaced as any
/// static pivot is).
#[allow(clippy::too_many_arguments)]
pub(crate) fn sweep<S: Send>(
    circuit: &Circuit,
    sys: &System,
    freqs: &[f64],
    rhs: &[Vec<Complex64>],
    base: Option<&Pivots>,
    states: Vec<S>,
    store: impl Fn(&mut S, usize, usize, &Solution) + Sync,
) -> Result<Vec<S>, SolveError> {
    let chunk = chunk_len(freqs.len());
    let pivots = match base {
        Some(p) => p.clone(),
        None => first_pivots(circuit, sys, freqs)?,
    };
    let base = &pivots;
    // Work space (factorisers, values, solutions) is taken from a pool when a chunk starts and
    // returned when it ends, so only as many sets exist as chunks run at once (one per thread),
    // and the later chunks fault in no fresh memory. Each chunk starts from `base`'s pivots,
    // so it gives the same results whichever thread runs it.
    let pool = std::sync::Mutex::new(Vec::<Workspace>::new());
    freqs
        .par_chunks(chunk)
        .zip(states.into_par_iter())
        .map(|(fs, mut state)| {
            let pooled = pool.lock().ok().and_then(|mut p| p.pop());
            let mut ws = pooled.unwrap_or_else(|| Workspace::new(base, sys));
            let result = sweep_chunk(circuit, sys, fs, rhs, &mut state, &store, &mut ws, base);
            if let Ok(mut p) = pool.lock() {
                p.push(ws);
            }
            result.map(|()| state)
        })
        .collect()
}

/// The pivots [`sweep`]'s chunks start from: one pivoting factorisation, at the first
/// frequency, shared by every chunk: each chunk refactors on those pivots (re-pivoting only if
/// one goes bad), so the workers do not each pay for faer's factorisation and its
/// allocations, and a chunk's results do not depend on which frequency it starts at.
fn first_pivots(circuit: &Circuit, sys: &System, freqs: &[f64]) -> Result<Pivots, SolveError> {
    let mut base = Lu::<Complex64>::new(&sys.pattern);
    if let (Some(&f0), true) = (freqs.first(), !sys.unknowns.is_empty()) {
        let mut values = vec![Complex64::new(0.0, 0.0); sys.g.len()];
        factor_at(circuit, sys, "ac", f0, &mut values, &mut base)?;
    }
    // Only the pivots are kept: the first factorisation's values would be dead weight.
    Ok(base.pivots())
}

/// The buffers of one running chunk of [`sweep`].
struct Workspace {
    /// [`LANES`] frequencies at once (`None` for an empty system).
    batch: Option<LuBatch>,
    /// Their matrices, when the circuit has frequency-dependent elements (transmission
    /// lines), which [`fill_at`] stamps; otherwise the batch forms `G + j*omega*C` as it reads.
    values: Vec<Lanes>,
    /// One frequency's matrix, spread into `values`.
    one: Vec<Complex64>,
    /// Right-hand sides becoming solutions, and the residuals of the refinement.
    x: Vec<Lanes>,
    scratch: Vec<Lanes>,
    /// A frequency whose static pivots fail, factored alone with fresh pivoting (made when
    /// first needed).
    alone: Option<Slot>,
}

impl Workspace {
    fn new(base: &Pivots, sys: &System) -> Self {
        let n = sys.unknowns.len();
        let stored = sys.has_frequency_dependent();
        let nnz = if stored { sys.g.len() } else { 0 };
        Workspace {
            batch: LuBatch::new(base),
            values: vec![Lanes::ZERO; nnz],
            one: vec![Complex64::new(0.0, 0.0); nnz],
            x: vec![Lanes::ZERO; n],
            scratch: Vec::with_capacity(n),
            alone: None,
        }
    }
}

/// The buffers of one frequency factored alone.
struct Slot {
    lu: Lu<Complex64>,
    values: Vec<Complex64>,
    scratch: Vec<Complex64>,
    x: Vec<Complex64>,
}

impl Slot {
    fn new(base: &Pivots, nnz: usize, n: usize) -> Self {
        Slot {
            lu: Lu::from_pivots(base),
            values: vec![Complex64::new(0.0, 0.0); nnz],
            scratch: Vec::with_capacity(n),
            x: vec![Complex64::new(0.0, 0.0); n],
        }
    }
}

/// Solves the frequencies `fs` of one chunk of [`sweep`] with the work space `ws`, starting
/// from the pivots `base`, [`LANES`] at a time ([`LuBatch`]: one pass over the structure of
/// the factors for all of them). The results are those of solving the frequencies one after
/// the other, each refactored on the pivots the one before left, bit for bit: each lane computes
/// exactly what a lone refactorisation would, and at the first lane whose static pivot is too
/// small, the lanes before it are kept, that frequency is factored alone with fresh pivoting
/// (as a lone factoriser would after its refactorisation failed), and the batch continues
/// after it on the new pivots. Errors are reported as that order would meet them.
#[allow(clippy::too_many_arguments)]
fn sweep_chunk<S>(
    circuit: &Circuit,
    sys: &System,
    fs: &[f64],
    rhs: &[Vec<Complex64>],
    state: &mut S,
    store: &impl Fn(&mut S, usize, usize, &Solution),
    ws: &mut Workspace,
    base: &Pivots,
) -> Result<(), SolveError> {
    let pattern = &sys.pattern;
    let Some(batch) = ws.batch.as_mut() else {
        // No unknowns: every solution is empty.
        for k in 0..fs.len() {
            for e in 0..rhs.len() {
                store(state, k, e, &Solution::One(&[]));
            }
        }
        return Ok(());
    };
    let not_finite_at = |f: f64, i: usize| SolveError::Singular {
        analysis: "ac".into(),
        at: format!("frequency {f:e} Hz"),
        rows: vec![sys.unknowns.name(circuit, i)],
    };
    let not_finite = |x: &[Complex64], f: f64| {
        x.iter()
            .position(|v| !(v.re.is_finite() && v.im.is_finite()))
            .map(|i| not_finite_at(f, i))
    };
    let stored = !ws.values.is_empty();
    let mut pivots = base.clone();
    batch.adopt(&pivots);
    let mut k = 0;
    while k < fs.len() {
        // The next LANES frequencies, the last repeated in unused lanes.
        let group = &fs[k..(k + LANES).min(fs.len())];
        let used = group.len();
        let lane_f = |l: usize| group[l.min(used - 1)];
        let omega = std::array::from_fn(|l| 2.0 * std::f64::consts::PI * lane_f(l));
        let formed = GPlusJwC {
            g: &sys.g,
            c: &sys.c,
            omega,
        };
        if stored {
            for l in 0..LANES {
                fill_at(sys, lane_f(l), &mut ws.one);
                for (v, &c) in ws.values.iter_mut().zip(&ws.one) {
                    v.set(l, c);
                }
            }
        }
        let lanes = LaneBuffers {
            x: &mut ws.x,
            scratch: &mut ws.scratch,
        };
        let mut take = |l: usize, e: usize, x: &Solution| store(state, k + l, e, x);
        let good = if stored {
            solve_lanes(batch, pattern, &ws.values[..], rhs, group, lanes, &mut take)
        } else {
            solve_lanes(batch, pattern, &formed, rhs, group, lanes, &mut take)
        };
        let good = good.map_err(|(l, i)| not_finite_at(group[l], i))?;
        if good == used {
            k += used;
            continue;
        }
        // Frequency `k + good` alone, with fresh pivoting; the batch goes on with its pivots.
        let f = fs[k + good];
        let slot = ws
            .alone
            .get_or_insert_with(|| Slot::new(&pivots, sys.g.len(), sys.unknowns.len()));
        slot.lu.adopt(&pivots);
        factor_at(circuit, sys, "ac", f, &mut slot.values, &mut slot.lu)?;
        for (e, r) in rhs.iter().enumerate() {
            slot.x.copy_from_slice(r);
            slot.lu
                .solve_refined(pattern, &slot.values, &mut slot.x, &mut slot.scratch);
            if let Some(err) = not_finite(&slot.x, f) {
                return Err(err);
            }
            store(state, k + good, e, &Solution::One(&slot.x));
        }
        pivots = slot.lu.pivots();
        batch.adopt(&pivots);
        k += good + 1;
    }
    Ok(())
}

/// One frequency's solution as [`sweep`] hands it to its caller: a lane of a batch, or the
/// solution of a frequency solved alone.
#[derive(Clone, Copy)]
pub(crate) enum Solution<'a> {
    Lane(&'a [Lanes], usize),
    One(&'a [Complex64]),
}

impl Solution<'_> {
    /// Unknown `i`.
    pub(crate) fn at(&self, i: usize) -> Complex64 {
        match *self {
            Solution::Lane(x, l) => x[i].get(l),
            Solution::One(x) => x[i],
        }
    }
}

/// What [`solve_lanes`] hands each lane's solution to: `(lane, rhs index, x)`.
type TakeLane<'a> = &'a mut dyn FnMut(usize, usize, &Solution);

/// The solution buffers of [`solve_lanes`].
struct LaneBuffers<'a> {
    x: &'a mut Vec<Lanes>,
    scratch: &'a mut Vec<Lanes>,
}

/// Refactors the matrices `values` of the frequencies `group` (one per lane, the last repeated in
/// unused lanes) and solves every right-hand side of `rhs` in the lanes before the first bad
/// pivot, handing each lane's solution to `take(lane, rhs index, x)`. Returns how many lanes
/// were solved, or `(lane, unknown)` of the first non-finite value in the order one frequency
/// after the other would meet it.
fn solve_lanes<V: LaneValues + ?Sized>(
    batch: &mut LuBatch,
    pattern: &crate::sparse::Pattern,
    values: &V,
    rhs: &[Vec<Complex64>],
    group: &[f64],
    buf: LaneBuffers<'_>,
    take: TakeLane<'_>,
) -> Result<usize, (usize, usize)> {
    let used = group.len();
    let good = match batch.refactor(pattern, values) {
        Ok(()) => used,
        Err(l) => l.min(used),
    };
    if good == 0 {
        return Ok(0);
    }
    let mut first_error: Option<(usize, usize)> = None;
    for (e, r) in rhs.iter().enumerate() {
        for (x, &v) in buf.x.iter_mut().zip(r) {
            *x = Lanes::splat(v);
        }
        batch.solve_refined(values, buf.x, buf.scratch, good);
        // Every lane's finiteness in one pass; the position only where it fails.
        let finite = Lanes::all_finite(buf.x);
        for (l, &finite) in finite.iter().enumerate().take(good) {
            if !finite && first_error.is_none_or(|(fl, _)| l < fl) {
                let i = buf
                    .x
                    .iter()
                    .position(|x| !(x.re[l].is_finite() && x.im[l].is_finite()))
                    .unwrap_or(0);
                first_error = Some((l, i));
            }
            take(l, e, &Solution::Lane(buf.x, l));
        }
    }
    match first_error {
        Some(at) => Err(at),
        None => Ok(good),
    }
}
