//! The nonlinear device interface: what the analyses know of a diode, transistor or switch.
//!
//! This is SPICE's `DEVload` / `DEVacLoad` / `DEVnoise` / `DEVtrunc` / `DEVask` set as one Rust
//! trait, [`Nonlinear`]. A nonlinear device is built by its file's `stamp` function (which also
//! stamps any linear part, such as ohmic resistances, into `G`), registers its matrix positions
//! through [`crate::mna::Stamper::position`] and hands itself to the system with
//! [`crate::mna::Stamper::add_nonlinear`]. From then on the analyses see only the trait:
//!
//! - **Newton** (`newton.rs`) calls [`Nonlinear::load`] at every iteration: the device reads its
//!   terminal voltages from the trial solution, limits them against the previous iteration's
//!   (kept in its [`State`]), evaluates its currents and their Jacobian and stamps the
//!   linearisation (`G_ij` into the matrix values, `I - sum_j G_ij v_j` into the right-hand
//!   side), and says whether it has converged (nothing limited, currents within tolerance of
//!   the previous linearisation's prediction).
//! - **Transient** (`analysis/tran.rs`): a device declares [`Nonlinear::charge_len`] charges.
//!   The engine keeps each charge's history and integration coefficients; during a transient
//!   load the device computes each charge `q_k` at the trial point and calls
//!   [`Integrator::integrate`], which returns the charge's current `dq_k/dt = ag0*q_k + hist_k`
//!   and records `q_k` for the truncation-error estimate. The device stamps that current and
//!   `ag0 * dq_k/dv` (its capacitances) itself, since only it knows which terminals a charge
//!   depends on.
//! - **AC** (`analysis/ac.rs`) calls [`Nonlinear::ac_load`] once at the operating point: the
//!   device adds its small-signal conductances to `G` and capacitances to `C` (the AC engine
//!   solves `G + j*omega*C`).
//! - **Noise** (`analysis/noise.rs`) calls [`Nonlinear::noise`] for the device's generators at
//!   the operating point.
//! - **Reporting**: [`Nonlinear::op_values`] lists ngspice's `@dev[param]` operating-point
//!   quantities (`ic`, `ib`, `gm`, ...).
//!
//! The engine owns every device's state as flat arrays (one slice per device, lengths from
//! [`Nonlinear::state_len`]): `state.now` is the latest iteration's (SPICE's `CKTstate0`),
//! `state.accepted` the last accepted point's (`CKTstate1`: the previous time point in a
//! transient, where Meyer capacitances and switch hysteresis look back). The engine copies
//! `now` to `accepted` when a time point is accepted and back when a step is rejected.
//!
//! Unknown indices are matrix rows (`None` = ground); stamps go through pattern slots resolved
//! once after assembly ([`Nonlinear::resolve`]), so nothing allocates inside the Newton loop.

use super::NoiseSource;
use circuit::Options;

/// Which analysis a [`Nonlinear::load`] serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A DC point (`.op`, `.dc`, and the operating point before `.ac`, `.noise`, `.tran`):
    /// charges are not integrated.
    Dc,
    /// The operating point a transient starts from is being turned into initial charges
    /// (ngspice's `MODETRANOP`/`MODEINITTRAN`): the device computes its charges at the
    /// solution and records them through the [`Integrator`] (whose `ag0` is 0), so they become
    /// every history entry.
    TranInit,
    /// A transient time point: charges are integrated.
    Tran,
}

/// The per-device view of the transient integration of its charges.
pub struct Integrator<'a> {
    /// Leading integration coefficient: `dq/dt = ag0*q + hist`.
    pub ag0: f64,
    /// History part of each charge's derivative at this step.
    pub(crate) hist: &'a [f64],
    /// Each charge at the last accepted time point.
    pub(crate) previous: &'a [f64],
    /// Each charge and its derivative at this iteration (written by [`Integrator::integrate`]).
    pub(crate) q: &'a mut [f64],
    pub(crate) dq: &'a mut [f64],
}

impl Integrator<'_> {
    /// Records charge `k` at `q` coulombs; returns its current `dq/dt` (A) at this step.
    pub fn integrate(&mut self, k: usize, q: f64) -> f64 {
        let dq = self.ag0 * q + self.hist[k];
        self.q[k] = q;
        self.dq[k] = dq;
        dq
    }

    /// Charge `k` at the last accepted time point (C).
    pub fn previous(&self, k: usize) -> f64 {
        self.previous[k]
    }
}

/// A device's state slices: `now` (this iteration's; on entry the previous iteration's) and
/// `accepted` (the last accepted point's).
pub struct State<'a> {
    pub now: &'a mut [f64],
    pub accepted: &'a [f64],
}

/// Everything a [`Nonlinear::load`] writes into and reads besides the solution.
pub struct Load<'a> {
    /// Matrix values, one per pattern slot (`G`, or `G + ag0*C` in a transient, plus what the
    /// devices loaded before this one added).
    pub values: &'a mut [f64],
    /// Right-hand side (the linear sources' terms plus earlier devices' equivalent currents).
    pub rhs: &'a mut [f64],
    pub mode: Mode,
    /// The first iteration of an operating point from scratch (ngspice's `MODEINITJCT`): the
    /// device starts its junctions at their initial voltages (`vcrit`, `VTO`, or 0 if `off`)
    /// instead of the solution's.
    pub init_junctions: bool,
    /// The iterations after that first one until everything has converged once (ngspice's
    /// `MODEINITFIX`, which never ends an operating point): an `off` device stays off and a
    /// switch keeps the state its `on`/`off` flag gives. False in warm starts and transients.
    pub init_fix: bool,
    /// The first iteration of a warm start at a new point (ngspice's `MODEINITPRED`: the next
    /// `.dc` sweep point or time step), with the extrapolation factor `f`: a device may start
    /// from `(1 + f)*v1 - f*v2`, `v1` and `v2` its junction voltages at the last two accepted
    /// points (`f` = 1 in a sweep, the step over the previous step in a transient).
    pub predict: Option<f64>,
    /// Tolerances (`reltol`, `abstol`, `vntol`) and `gmin` (each junction's parallel
    /// conductance) from `.options`.
    pub options: &'a Options,
    /// Transient integration of the device's charges (`None` in [`Mode::Dc`]).
    pub integrator: Option<Integrator<'a>>,
    /// The transient time of this point (s); 0 at a DC point (what a B source's `time` is).
    pub time: f64,
    /// Set by a device that cannot be evaluated at this solution (a B source's `sqrt` of a
    /// negative number): the analysis stops with this message, naming the device.
    pub fault: Option<String>,
}

impl Load<'_> {
    /// Adds `g` to matrix slot `slot` (`None` = a ground row or column: dropped).
    #[inline]
    pub fn add(&mut self, slot: Option<usize>, g: f64) {
        if let Some(s) = slot {
            self.values[s] += g;
        }
    }

    /// Adds `i` to right-hand-side row `row` (`None` = ground: dropped).
    #[inline]
    pub fn add_rhs(&mut self, row: Option<usize>, i: f64) {
        if let Some(r) = row {
            self.rhs[r] += i;
        }
    }

    /// Whether charges are being integrated or initialised (any transient mode).
    pub fn is_transient(&self) -> bool {
        self.mode != Mode::Dc
    }
}

/// Voltage of unknown `i` in solution `x` (ground = 0).
#[inline]
pub fn voltage(x: &[f64], i: Option<usize>) -> f64 {
    i.map_or(0.0, |i| x[i])
}

/// A nonlinear device placed in the matrix. Every method works on the device's own unknowns
/// and slots; none may allocate except [`Nonlinear::noise`] and [`Nonlinear::op_values`]
/// (called once per analysis).
pub trait Nonlinear: std::fmt::Debug + Send + Sync {
    /// Number of `f64` state values the device keeps between iterations and time points.
    fn state_len(&self) -> usize;

    /// Number of charges the device integrates in a transient.
    fn charge_len(&self) -> usize {
        0
    }

    /// Whether charge `k` takes part in the truncation-error step control (ngspice's
    /// `DEVtrunc` lists; all of them by default).
    fn charge_in_lte(&self, _k: usize) -> bool {
        true
    }

    /// Replaces the pattern handles from [`crate::mna::Stamper::position`] by value slots
    /// (`slot(handle)`), once after assembly.
    fn resolve(&mut self, slot: &dyn Fn(usize) -> usize);

    /// Linearises the device at solution `x` and stamps it into `load`; returns whether the
    /// device has converged (nothing limited, currents agree with the previous linearisation's
    /// prediction within `reltol*max + abstol`). On the first iteration the answer is ignored.
    fn load(&self, x: &[f64], state: State, load: &mut Load) -> bool;

    /// Adds the small-signal conductances (to `g`) and capacitances (to `c`) at the operating
    /// point held in `state` (the `now` state after a converged DC load).
    fn ac_load(&self, state: &[f64], g: &mut [f64], c: &mut [f64]);

    /// The device's noise generators at the operating point held in `state`; `temp_k` is the
    /// circuit temperature.
    fn noise(&self, _state: &[f64], _temp_k: f64) -> Vec<NoiseSource> {
        Vec::new()
    }

    /// ngspice's operating-point quantities of the device (`@q1[ic]` is `("ic", value)`).
    fn op_values(&self, _state: &[f64]) -> Vec<(&'static str, f64)> {
        Vec::new()
    }

    /// The largest next time step the device allows after an accepted point (a switch near its
    /// threshold); `None` for no limit.
    fn step_limit(
        &self,
        _x: &[f64],
        _state: &[f64],
        _accepted: &[f64],
        _delta: f64,
    ) -> Option<f64> {
        None
    }
}
