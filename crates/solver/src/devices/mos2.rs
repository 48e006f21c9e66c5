//! MOSFET level 2 (SPICE2's Grove-Frohman model as ngspice's `mos2` computes it): the drain
//! current and its derivatives as a pure function, [`drain_current`], plus the model and
//! temperature preprocessing that level 2 (and level 3, `mos3.rs`) needs beyond level 1.
//!
//! What lives here: the DC drain current of one intrinsic n-channel transistor in normal mode
//! (`vds >= 0`), its derivatives `gm = dId/dvgs`, `gds = dId/dvds`, `gmbs = dId/dvbs`, and the
//! `von` and `vdsat` that the Meyer capacitances need. What does not: terminals, limiting
//! (`fetlim`, `limvds`, `pnjlim`), the drain-source swap for `vds < 0` (the caller evaluates
//! with `vgd`, `-vds`, `vbd` and swaps), the sign flip for p-channel (the caller multiplies
//! the voltages by the type and the current by the type), the bulk junctions, GMIN, the Meyer
//! charges and noise: they belong to the MOSFET device (`mos.rs`), common to every level.
//!
//! # Equations (ngspice 39 `src/spicelib/devices/mos2/mos2load.c`, the `moseq2` block)
//! Voltages are n-channel and source-referenced, `phi` is `tPhi`, `Leff = L - 2 LD`,
//! `Cox = εox/TOX` (F/m²), `OxideCap = Cox Leff W M`, `Beta = tKP W M / Leff`.
//! - Depletion square roots: `sarg = sqrt(phi - vbs)` for `vbs <= 0`, else the SPICE
//!   extension `sqrt(phi) / (1 + vbs/(2 phi))`; `barg` the same at the drain (`vbs - vds`).
//! - Narrow width (DELTA): `factor = DELTA π εsi / (4 Cox W M)`, `eta = 1 + factor`,
//!   `vbin = type·tVbi + factor (phi - vbs)`.
//! - Short channel charge sharing (Yau 1974, needs XJ and NSUB): the depletion widths
//!   `xws = XD sarg`, `xwd = XD barg` with `XD = sqrt(2 εsi/(q NSUB))` shrink the body factor
//!   to `gamasd = GAMMA (1 - XJ/(2 Leff) (sqrt(1 + 2 xws/XJ) - 1 + sqrt(1 + 2 xwd/XJ) - 1))`.
//! - Threshold: `von = vbin + gamasd sarg`; with NFS (Swanson-Meindl subthreshold) the
//!   weak-inversion boundary moves to `von + n vt`, `n = 1 + q NFS/Cox + cdonco`, `cdonco` the
//!   depletion capacitance ratio `-(gamasd dsarg/dvbs + dgamasd/dvbs sarg) + factor`.
//!   Without NFS the device is off for `vgs <= vbin`.
//! - Mobility degradation (Crawford's UCRIT, UEXP; ngspice has no UTRA, SPICE2's transverse
//!   field term, which SPICE2 itself did not use): with `vgst = vgs - von` above
//!   `UCRIT εsi/Cox`, `ufact = (UCRIT εsi / (Cox vgst))^UEXP`, `ueff = UO ufact` (the model's
//!   UO, not the temperature-scaled one: ngspice's choice).
//! - Saturation voltage (Grove-Frohman): with `g = gamasd/eta`,
//!   `vdsat = (vgs - vbin)/eta + g²/2 (1 - sqrt(1 + 4 ((vgs - vbin)/eta + phi - vbs)/g²))`.
//!   With VMAX (Baum-Beneking velocity saturation) `vdsat = x² - (phi - vbs)`, `x` the
//!   smallest positive root of a quartic solved in closed form (Ferrari; ngspice keeps only
//!   roots whose residual is below 1e-6, and takes cube roots of magnitudes).
//! - Channel-length modulation: LAMBDA if given, else (NSUB given) from the depletion width of
//!   the pinched-off region: without VMAX `λ = XD/(Leff vds) sqrt((vds - vdsat)/4 +
//!   sqrt(1 + ((vds - vdsat)/4)²))`; with VMAX (NEFF the channel charge factor)
//!   `λ = xdv/(Leff vds) (sqrt(xlv² + vds - vdsat) - xlv)`, `xdv = XD/sqrt(NEFF)`,
//!   `xlv = VMAX xdv/(2 ueff)`. The effective length `Leff (1 - λ vds)` is kept above the
//!   punch-through width `XD sqrt(PB)` (0.25 µm without NSUB) by a hyperbolic limit.
//! - Current, `beta1 = Beta ufact/(1 - λ vds)`:
//!   linear (`vds <= vdsat`): `Id = beta1 ((vgs - vbin - eta vds/2) vds -
//!   2/3 gamasd ((phi - vbs + vds)^1.5 - (phi - vbs)^1.5))` (the 3/2 powers as `barg³ - sarg³`);
//!   saturation: the same at `vds = vdsat`;
//!   subthreshold (NFS, `vgs <= von`): the current at `vgs = von` times
//!   `exp((vgs - von)/(n vt))`.
//!
//! Sources: A. Vladimirescu and S. Liu, "The Simulation of MOS Integrated Circuits Using
//! SPICE2", UCB/ERL M80/7 (1980), the level-2 chapter; D. Frohman-Bentchkowsky and
//! A. S. Grove, IEEE Trans. Electron Devices ED-16 (1969) 108; G. Baum and H. Beneking,
//! IEEE Trans. Electron Devices ED-17 (1970) 481; L. D. Yau, Solid-State Electronics 17
//! (1974) 1059; R. M. Swanson and J. D. Meindl, IEEE J. Solid-State Circuits SC-7 (1972)
//! 146; P. Antognetti and G. Massobrio, "Semiconductor Device Modeling with SPICE",
//! McGraw-Hill (1988), ch. 4. Preprocessing: ngspice's `mos2temp.c`.
//!
//! ngspice quirks kept (the device must reproduce ngspice's Newton iterations and its AC
//! small-signal values, which use these derivatives): `mos2load.c`'s gm, gds, gmbs are exact
//! derivatives of its current only in part. Measured on the cards of `mos2_dc.cir` against
//! central differences (worst relative error):
//! - exact (1e-9) with LAMBDA given, no UCRIT/UEXP degradation, no VMAX, `vbs <= 0`: all three
//!   in strong inversion, gm and gds in weak inversion (unit test
//!   `level2_derivatives_are_those_of_the_current_with_lambda`);
//! - LAMBDA computed from NSUB: gm, gmbs exact above threshold, gds off by up to 5%;
//! - UCRIT/UEXP with VMAX: gm, gds, gmbs off by up to 35-50% in the linear region, 2-5% in
//!   saturation;
//! - weak inversion: gmbs off by up to 3x (at currents of 1e-16 A);
//! - `vbs > 0` (SPICE's forward-bias extension of the square root): up to 50-90%;
//! - without NFS, for `vbin < vgs <= vth`, vdsat is clamped to 0 but its slope kept: zero
//!   current with nonzero gm and gmbs.
//!
//! Two unreachable-in-practice branches of `mos2load.c` (subthreshold with `vdsat <= 0`) leave
//! the previous load's current in ngspice; here they give zero.
//!
//! # Use (what the MOSFET device does; the unit test helper `terminal_current` does the same)
//! 1. Once per model: [`process_level2`] from the card's TOX, UO, KP, NSUB, PHI, GAMMA, VTO,
//!    NSS, TPG (error: ngspice's fatal "Phi is not positive" / "Nsub < Ni").
//! 2. Once per instance: [`temperature`] at the instance temperature (`TEMP`, or the circuit's
//!    plus `DTEMP`), then [`Level2::new`] with [`Level2Params`] (`vbi = type * t_vbi`).
//! 3. Every load, with the limited voltages `vgs`, `vds`, `vbs` already multiplied by the
//!    type: for `vds >= 0` call [`drain_current`]`(vgs, vds, vbs)`, mode +1; otherwise
//!    `drain_current(vgs - vds, -vds, vbs - vds)`, mode -1. The channel current into the
//!    drain is `type * mode * cdrain`; gm, gds, gmbs stamp as ngspice's `MOS2gm` etc. (in the
//!    swapped frame for mode -1); store `type * von` and `type * vdsat` (fetlim's `von`, the
//!    Meyer capacitances, the operating-point values).

use super::{BOLTZMANN, CHARGE};

/// Vacuum permittivity as ngspice writes it in the MOS models (F/m).
pub(crate) const EPS0: f64 = 8.854214871e-12;
/// Silicon's permittivity, ngspice's `EPSSIL` = 11.7 ε0 (F/m).
pub(crate) const EPS_SI: f64 = 11.7 * EPS0;
/// Silicon dioxide's permittivity 3.9 ε0 (F/m), as in `MOSxoxideCapFactor = 3.9 ε0 / TOX`.
pub(crate) const EPS_OX: f64 = 3.9 * EPS0;
/// ngspice's reference temperature `REFTEMP` (27 C) in kelvin.
pub(crate) const REFTEMP_K: f64 = 300.15;
/// Boltzmann's constant over the electron charge (V/K), ngspice's `CONSTKoverQ`.
pub(crate) const K_OVER_Q: f64 = BOLTZMANN / CHARGE;
/// Intrinsic carrier density ngspice assumes for level 1 and 2 (m⁻³; 1.45e10 cm⁻³).
pub(crate) const NI_M3: f64 = 1.45e16;

/// C's `MAX(a, b)` (`a > b ? a : b`): unlike `f64::max` it returns `b` when `a` is NaN, which
/// is what ngspice computes.
pub(crate) fn max_c(a: f64, b: f64) -> f64 {
    if a > b {
        a
    } else {
        b
    }
}

/// C's `MIN(a, b)` (`a < b ? a : b`).
pub(crate) fn min_c(a: f64, b: f64) -> f64 {
    if a < b {
        a
    } else {
        b
    }
}

/// The drain current of an intrinsic MOSFET in normal mode and its derivatives (n-channel
/// signs: the caller multiplies by the type for p-channel and swaps for `vds < 0`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct DrainCurrent {
    /// Drain-to-source channel current (A), ngspice's `cdrain`.
    pub cdrain: f64,
    /// `dId/dvgs` (S), ngspice's `MOSxgm`.
    pub gm: f64,
    /// `dId/dvds` (S), ngspice's `MOSxgds`.
    pub gds: f64,
    /// `dId/dvbs` (S), ngspice's `MOSxgmbs`.
    pub gmbs: f64,
    /// Threshold voltage including the weak-inversion offset (V), ngspice's `von`
    /// (stored as `type * von` in `MOSxvon`).
    pub von: f64,
    /// Saturation voltage (V), ngspice's `vdsat` (stored as `type * vdsat`).
    pub vdsat: f64,
}

impl DrainCurrent {
    fn off(von: f64, vdsat: f64, gds: f64) -> Self {
        DrainCurrent {
            cdrain: 0.0,
            gm: 0.0,
            gds,
            gmbs: 0.0,
            von,
            vdsat,
        }
    }
}

/// A model parameter preprocessing failure (ngspice stops with a fatal error).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum ProcessError {
    /// `PHI <= 0` ("Phi is not positive").
    PhiNotPositive,
    /// `NSUB` at or below the intrinsic density ("Nsub < Ni").
    NsubBelowNi,
}

/// The model parameters from which levels 2 and 3 derive their process values (the level-1
/// derivation with TOX defaulted, plus the depletion width). `None` = not given on the card.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ProcessInput {
    /// +1 for NMOS, -1 for PMOS (`MOSxtype`).
    pub channel: f64,
    /// Parameter measurement temperature TNOM (K), `MOSxtnom`.
    pub tnom_k: f64,
    /// Oxide thickness TOX (m), default 1e-7.
    pub tox_m: Option<f64>,
    /// Surface mobility UO (cm²/Vs), default 600.
    pub uo_cm2: Option<f64>,
    /// Transconductance KP (A/V²), default `UO Cox`.
    pub kp: Option<f64>,
    /// Substrate doping NSUB (cm⁻³).
    pub nsub_cm3: Option<f64>,
    /// Surface potential PHI (V), default 0.6 (or from NSUB).
    pub phi: Option<f64>,
    /// Body-effect coefficient GAMMA (√V), default 0 (or from NSUB).
    pub gamma: Option<f64>,
    /// Zero-bias threshold VTO (V), default 0 (or from NSUB, TPG, NSS).
    pub vto: Option<f64>,
    /// Surface state density NSS (cm⁻²), default 0.
    pub nss_cm2: Option<f64>,
    /// Gate type TPG (+1 opposite to substrate, -1 same, 0 aluminium), default 1.
    pub tpg: Option<i32>,
}

/// Process values derived from [`ProcessInput`] (ngspice's `mos2temp.c` / `mos3temp.c` model
/// loop), at TNOM.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Process {
    /// `Cox = 3.9 ε0 / TOX` (F/m²), `MOSxoxideCapFactor`.
    pub oxide_cap_factor: f64,
    /// KP (A/V²), `MOSxtransconductance`.
    pub kp: f64,
    /// UO (cm²/Vs), `MOSxsurfaceMobility`.
    pub uo_cm2: f64,
    /// PHI (V), `MOSxphi`.
    pub phi: f64,
    /// GAMMA (√V), `MOSxgamma`.
    pub gamma: f64,
    /// VTO (V), `MOSxvt0`.
    pub vto: f64,
    /// NSUB (cm⁻³), 0 when not given (`MOSxsubstrateDoping`).
    pub nsub_cm3: f64,
    /// Depletion width coefficient `sqrt(2 εsi/(q NSUB))` (m/√V), 0 without NSUB: level 2's
    /// `MOS2xd`, level 3's `MOS3coeffDepLayWidth`.
    pub xd: f64,
}

/// The model preprocessing of levels 2 and 3: TOX defaults to 1e-7 m, KP to `UO Cox`; with
/// NSUB (which must exceed the intrinsic density `ni_m3`, m⁻³) PHI defaults to
/// `max(0.1, 2 vt(TNOM) ln(NSUB/ni))`, GAMMA to `sqrt(2 εsi q NSUB)/Cox` and VTO to
/// `vfb + type (GAMMA sqrt(PHI) + PHI)` with `vfb = φms - q NSS/Cox`, the work-function
/// difference `φms` from TPG and the band gap at TNOM; XD is `sqrt(2 εsi/(q NSUB))`.
/// Level 2 uses `ni = 1.45e16 m⁻³` ([`process_level2`]); level 3 scales it to TNOM.
pub(crate) fn process(input: &ProcessInput, ni_m3: f64) -> Result<Process, ProcessError> {
    let tnom = input.tnom_k;
    let vtnom = tnom * K_OVER_Q;
    let egfet1 = 1.16 - (7.02e-4 * tnom * tnom) / (tnom + 1108.0);
    let mut phi = input.phi.unwrap_or(0.6);
    if phi <= 0.0 {
        return Err(ProcessError::PhiNotPositive);
    }
    let tox = input.tox_m.unwrap_or(1e-7);
    let cox = EPS_OX / tox;
    let uo = input.uo_cm2.unwrap_or(600.0);
    let kp = input.kp.unwrap_or(uo * 1e-4 * cox);
    let mut gamma = input.gamma.unwrap_or(0.0);
    let mut vto = input.vto.unwrap_or(0.0);
    let mut nsub = 0.0;
    let mut xd = 0.0;
    if let Some(n) = input.nsub_cm3 {
        let n_m3 = n * 1e6;
        if n_m3 <= ni_m3 {
            return Err(ProcessError::NsubBelowNi);
        }
        nsub = n;
        if input.phi.is_none() {
            phi = max_c(0.1, 2.0 * vtnom * (n_m3 / ni_m3).ln());
        }
        let fermis = input.channel * 0.5 * phi;
        let tpg = input.tpg.unwrap_or(1);
        let mut wkfng = 3.2;
        if tpg != 0 {
            let fermig = input.channel * f64::from(tpg) * 0.5 * egfet1;
            wkfng = 3.25 + 0.5 * egfet1 - fermig;
        }
        let wkfngs = wkfng - (3.25 + 0.5 * egfet1 + fermis);
        if input.gamma.is_none() {
            gamma = (2.0 * EPS_SI * CHARGE * n_m3).sqrt() / cox;
        }
        if input.vto.is_none() {
            let nss = input.nss_cm2.unwrap_or(0.0);
            let vfb = wkfngs - nss * 1e4 * CHARGE / cox;
            vto = vfb + input.channel * (gamma * phi.sqrt() + phi);
        }
        xd = ((EPS_SI + EPS_SI) / (CHARGE * n_m3)).sqrt();
    }
    Ok(Process {
        oxide_cap_factor: cox,
        kp,
        uo_cm2: uo,
        phi,
        gamma,
        vto,
        nsub_cm3: nsub,
        xd,
    })
}

/// Level 2's preprocessing ([`process`] with `ni = 1.45e16 m⁻³`, as `mos2temp.c`).
pub(crate) fn process_level2(input: &ProcessInput) -> Result<Process, ProcessError> {
    process(input, NI_M3)
}

/// The temperature-adjusted values of one instance (ngspice's `mosXtemp.c` instance loop,
/// the same for levels 1, 2 and 3).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Temperature {
    /// Thermal voltage `k T / q` at the instance temperature (V).
    pub vt: f64,
    /// `tPhi` (V): `PHI` scaled like a junction potential.
    pub t_phi: f64,
    /// `tVbi` (V): `VTO - type GAMMA sqrt(PHI) + (Eg(TNOM) - Eg(T))/2 + type (tPhi - PHI)/2`
    /// (signed as ngspice stores it: multiply by the type for the n-channel equations).
    pub t_vbi: f64,
    /// `tVto = tVbi + type GAMMA sqrt(tPhi)` (V).
    pub t_vto: f64,
    /// `tTransconductance = KP (TNOM/T)^1.5` (A/V²).
    pub t_kp: f64,
    /// `tSurfMob = UO (TNOM/T)^1.5` (cm²/Vs).
    pub t_uo_cm2: f64,
    /// `tBulkPot` (V): PB at T.
    pub t_pb: f64,
}

/// The SPICE junction-potential temperature term `pbfact` at `t` kelvin (V).
fn pbfact(t: f64) -> f64 {
    let eg = 1.16 - (7.02e-4 * t * t) / (t + 1108.0);
    let kt = BOLTZMANN * t;
    let arg = -eg / (kt + kt) + 1.1150877 / (BOLTZMANN * (REFTEMP_K + REFTEMP_K));
    -2.0 * (t * K_OVER_Q) * (1.5 * (t / REFTEMP_K).ln() + CHARGE * arg)
}

/// Temperature scaling of an instance at `temp_k` of a model measured at `tnom_k`
/// (`mos2temp.c`; level 3 passes `VTO + DELVTO` as `vto`). `pb` is the junction potential PB.
pub(crate) fn temperature(
    channel: f64,
    process: &Process,
    pb: f64,
    tnom_k: f64,
    temp_k: f64,
) -> Temperature {
    let eg = |t: f64| 1.16 - (7.02e-4 * t * t) / (t + 1108.0);
    let fact1 = tnom_k / REFTEMP_K;
    let fact2 = temp_k / REFTEMP_K;
    let ratio = temp_k / tnom_k;
    let ratio4 = ratio * ratio.sqrt();
    let pbfact1 = pbfact(tnom_k);
    let pbfact2 = pbfact(temp_k);
    let phio = (process.phi - pbfact1) / fact1;
    let t_phi = fact2 * phio + pbfact2;
    let t_vbi = process.vto - channel * (process.gamma * process.phi.sqrt())
        + 0.5 * (eg(tnom_k) - eg(temp_k))
        + channel * 0.5 * (t_phi - process.phi);
    let t_vto = t_vbi + channel * process.gamma * t_phi.sqrt();
    let pbo = (pb - pbfact1) / fact1;
    Temperature {
        vt: temp_k * K_OVER_Q,
        t_phi,
        t_vbi,
        t_vto,
        t_kp: process.kp / ratio4,
        t_uo_cm2: process.uo_cm2 / ratio4,
        t_pb: fact2 * pbo + pbfact2,
    }
}

/// Everything level 2's drain current needs, as plain values (model, geometry and the
/// instance's temperature-adjusted values); [`Level2::new`] turns it into the per-device
/// constants.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Level2Params {
    /// Thermal voltage `k T/q` at the instance temperature (V), `vt` in `mos2load.c`.
    pub vt: f64,
    /// `tPhi` (V), [`Temperature::t_phi`].
    pub t_phi: f64,
    /// `type * tVbi` (V): [`Temperature::t_vbi`] times +1/-1 (n-channel sign).
    pub vbi: f64,
    /// `tBulkPot` (V), [`Temperature::t_pb`] (sets the punch-through width).
    pub t_pb: f64,
    /// `tTransconductance` (A/V²), [`Temperature::t_kp`].
    pub t_kp: f64,
    /// Drawn channel length L (m), `MOS2l`.
    pub l_m: f64,
    /// Channel width W (m), `MOS2w`.
    pub w_m: f64,
    /// Lateral diffusion LD (m), `MOS2latDiff`: `Leff = L - 2 LD`.
    pub ld_m: f64,
    /// Parallel multiplier M, `MOS2m`.
    pub m: f64,
    /// `Cox = 3.9 ε0/TOX` (F/m²), `MOS2oxideCapFactor`.
    pub oxide_cap_factor: f64,
    /// GAMMA (√V), `MOS2gamma` (given or from NSUB, [`Process::gamma`]).
    pub gamma: f64,
    /// NSUB (cm⁻³), 0 when not given (`MOS2substrateDoping`; only zero/nonzero matters).
    pub nsub_cm3: f64,
    /// `XD = sqrt(2 εsi/(q NSUB))` (m/√V), 0 without NSUB (`MOS2xd`, [`Process::xd`]).
    pub xd: f64,
    /// Metallurgical junction depth XJ (m), default 0 (`MOS2junctionDepth`).
    pub xj_m: f64,
    /// Width effect on threshold DELTA, default 0 (`MOS2narrowFactor`).
    pub delta: f64,
    /// Channel-length modulation LAMBDA (1/V), default 0 (`MOS2lambda`); 0 = computed.
    pub lambda: f64,
    /// Critical field for mobility degradation UCRIT (V/cm), default 1e4 (`MOS2critField`).
    pub ucrit_v_cm: f64,
    /// Critical field exponent UEXP, default 0 (`MOS2critFieldExp`).
    pub uexp: f64,
    /// Surface mobility UO (cm²/Vs) *at TNOM* (`MOS2surfaceMobility`; level 2 uses the
    /// unscaled value), default 600.
    pub uo_cm2: f64,
    /// Maximum drift velocity VMAX (m/s), default 0 = none (`MOS2maxDriftVel`).
    pub vmax_m_s: f64,
    /// Total channel charge coefficient NEFF, default 1 (`MOS2channelCharge`).
    pub neff: f64,
    /// Fast surface state density NFS (cm⁻²), default 0 (`MOS2fastSurfaceStateDensity`).
    pub nfs_cm2: f64,
}

/// Level 2's per-device constants: the [`Level2Params`] plus what `mos2load.c` derives from
/// them on every load (`EffectiveLength`, `Beta`, `OxideCap`, the narrow-width `factor`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Level2 {
    /// The inputs.
    pub p: Level2Params,
    /// `EffectiveLength = L - 2 LD` (m).
    pub l_eff: f64,
    /// `Beta = tKP W M / Leff` (A/V²).
    pub beta: f64,
    /// `OxideCap = Cox Leff W M` (F).
    pub oxide_cap: f64,
    /// Narrow-width threshold term `factor = DELTA π εsi Leff/(4 OxideCap)` (dimensionless).
    pub factor: f64,
}

impl Level2 {
    /// The per-device constants from plain values.
    pub(crate) fn new(p: Level2Params) -> Self {
        let l_eff = p.l_m - 2.0 * p.ld_m;
        let beta = p.t_kp * p.w_m * p.m / l_eff;
        let oxide_cap = p.oxide_cap_factor * l_eff * p.m * p.w_m;
        let factor = 0.125 * p.delta * 2.0 * std::f64::consts::PI * EPS_SI / oxide_cap * l_eff;
        Level2 {
            p,
            l_eff,
            beta,
            oxide_cap,
            factor,
        }
    }
}

/// ngspice's sign patterns of the quartic's four quadratic factors.
const SIG1: [f64; 4] = [1.0, -1.0, 1.0, -1.0];
const SIG2: [f64; 4] = [1.0, 1.0, -1.0, -1.0];

/// Baum's velocity-saturated `vdsat`: the smallest positive root `x` (with residual below
/// 1e-6) of `x⁴ + a1 x³ + b1 x² + c1 x + d1 = 0` solved by Ferrari's method through the
/// resolvent cubic, as `mos2load.c`; `None` when no root qualifies.
fn baum_root(a1: f64, b1: f64, c1: f64, d1: f64) -> Option<f64> {
    // Resolvent cubic y³ + a y² + b y + c, reduced to t³ + r t + s.
    let a = -b1;
    let b = a1 * c1 - 4.0 * d1;
    let c = -d1 * (a1 * a1 - 4.0 * b1) - c1 * c1;
    let r = -a * a / 3.0 + b;
    let s = 2.0 * a * a * a / 27.0 - a * b / 3.0 + c;
    let r3 = r * r * r;
    let s2 = s * s;
    let p = s2 / 4.0 + r3 / 27.0;
    let p0 = p.abs();
    let p2 = p0.sqrt();
    let y3 = if p < 0.0 {
        // Three real roots: trigonometric form (ngspice uses atan, not atan2).
        let ro = ((s2 / 4.0 + p0).sqrt().ln() / 3.0).exp();
        let fi = (-2.0 * p2 / s).atan();
        2.0 * ro * (fi / 3.0).cos() - a / 3.0
    } else {
        // Cardano, with ngspice's cube roots of the magnitudes.
        let p3 = ((-s / 2.0 + p2).abs().ln() / 3.0).exp();
        let p4 = ((-s / 2.0 - p2).abs().ln() / 3.0).exp();
        p3 + p4 - a / 3.0
    };
    let a3 = (a1 * a1 / 4.0 - b1 + y3).sqrt();
    let b3 = (y3 * y3 / 4.0 - d1).sqrt();
    let mut roots = [0.0; 8];
    let mut n = 0;
    for i in 0..4 {
        let a4 = a1 / 2.0 + SIG1[i] * a3;
        let b4 = y3 / 2.0 + SIG2[i] * b3;
        let delta4 = a4 * a4 / 4.0 - b4;
        if delta4 < 0.0 {
            continue;
        }
        let t = delta4.sqrt();
        roots[n] = -a4 / 2.0 + t;
        roots[n + 1] = -a4 / 2.0 - t;
        n += 2;
    }
    let mut valid = None::<f64>;
    for &x in &roots[..n] {
        // Written as ngspice's tests so that NaNs take the same branches.
        if x <= 0.0 {
            continue;
        }
        let mut poly = x * x * x * x + a1 * x * x * x;
        poly = poly + b1 * x * x + c1 * x + d1;
        if poly.abs() > 1.0e-6 {
            continue;
        }
        match valid {
            None => valid = Some(x),
            Some(v) => {
                if x > v {
                    continue;
                }
                valid = Some(x);
            }
        }
    }
    valid
}

/// Level 2's drain current at `vgs`, `vds >= 0`, `vbs` (V, n-channel, normal mode) with its
/// derivatives, `von` and `vdsat`: `mos2load.c`'s `moseq2` block (equations in the module
/// documentation).
pub(crate) fn drain_current(d: &Level2, vgs: f64, vds: f64, vbs: f64) -> DrainCurrent {
    let p = &d.p;
    let phi = p.t_phi;
    let vt = p.vt;
    let leff = d.l_eff;
    let oxide_cap = d.oxide_cap;
    let factor = d.factor;
    let phi_min_vbs = phi - vbs;

    // Depletion square roots at the source and the drain, and their vbs derivatives.
    let (sarg, dsrgdb, d2sdb2) = if vbs <= 0.0 {
        let s = phi_min_vbs.sqrt();
        let ds = -0.5 / s;
        (s, ds, 0.5 * ds / phi_min_vbs)
    } else {
        let sphi = phi.sqrt();
        let sphi3 = phi * sphi;
        let s = sphi / (1.0 + 0.5 * vbs / phi);
        let t = s / sphi3;
        let ds = -0.5 * s * t;
        (s, ds, -ds * t)
    };
    let (mut barg, mut dbrgdb, d2bdb2) = if vbs - vds <= 0.0 {
        let b = (phi_min_vbs + vds).sqrt();
        let db = -0.5 / b;
        (b, db, 0.5 * db / (phi_min_vbs + vds))
    } else {
        let sphi = phi.sqrt();
        let sphi3 = phi * sphi;
        let b = sphi / (1.0 + 0.5 * (vbs - vds) / phi);
        let t = b / sphi3;
        let db = -0.5 * b * t;
        (b, db, -db * t)
    };

    // Threshold: narrow-channel and short-channel effects.
    let eta = 1.0 + factor;
    let vbin = p.vbi + factor * phi_min_vbs;
    let gamasd;
    let dgddvb;
    let mut dgdvds = 0.0;
    let mut dgddb2 = 0.0;
    if p.gamma > 0.0 || p.nsub_cm3 > 0.0 {
        let xwd = p.xd * barg;
        let xws = p.xd * sarg;
        let mut argss = 0.0;
        let mut argsd = 0.0;
        let mut dbargs = 0.0;
        let mut dbargd = 0.0;
        let mut args = 0.0;
        let mut argd = 0.0;
        let mut argxs = 0.0;
        let mut argxd = 0.0;
        if p.xj_m > 0.0 {
            let t = 2.0 / p.xj_m;
            argxs = 1.0 + xws * t;
            argxd = 1.0 + xwd * t;
            args = argxs.sqrt();
            argd = argxd.sqrt();
            let t = 0.5 * p.xj_m / leff;
            argss = t * (args - 1.0);
            argsd = t * (argd - 1.0);
        }
        gamasd = p.gamma * (1.0 - argss - argsd);
        let dbxwd = p.xd * dbrgdb;
        let dbxws = p.xd * dsrgdb;
        if p.xj_m > 0.0 {
            let t = 0.5 / leff;
            dbargs = t * dbxws / args;
            dbargd = t * dbxwd / argd;
            let dasdb2 =
                -p.xd * (d2sdb2 + dsrgdb * dsrgdb * p.xd / (p.xj_m * argxs)) / (leff * args);
            let daddb2 =
                -p.xd * (d2bdb2 + dbrgdb * dbrgdb * p.xd / (p.xj_m * argxd)) / (leff * argd);
            dgddb2 = -0.5 * p.gamma * (dasdb2 + daddb2);
        }
        dgddvb = -p.gamma * (dbargs + dbargd);
        if p.xj_m > 0.0 {
            let ddxwd = -dbxwd;
            dgdvds = -p.gamma * 0.5 * ddxwd / (leff * argd);
        }
    } else {
        gamasd = p.gamma;
        dgddvb = 0.0;
    }
    let mut von = vbin + gamasd * sarg;
    let mut vdsat = 0.0;
    let nfs_on = p.nfs_cm2 != 0.0 && oxide_cap != 0.0;
    let mut xn = 0.0;
    let mut argg = 0.0;
    if nfs_on {
        let cfs = CHARGE * p.nfs_cm2 * 1e4;
        let cdonco = -(gamasd * dsrgdb + dgddvb * sarg) + factor;
        xn = 1.0 + cfs / oxide_cap * p.m * p.w_m * leff + cdonco;
        let t = vt * xn;
        von += t;
        argg = 1.0 / t;
    } else if vgs <= vbin {
        // Cut off.
        return DrainCurrent::off(von, vdsat, 0.0);
    }
    let vgst = vgs - von;

    let sarg3 = sarg * sarg * sarg;
    let sbiarg = p.t_pb.sqrt();
    let mut gammad = gamasd;
    let mut dgdvbs = dgddvb;
    let mut body = barg * barg * barg - sarg3;
    let mut gdbdv = 2.0 * gammad * (barg * barg * dbrgdb - sarg * sarg * dsrgdb);
    let mut dodvbs = -factor + dgdvbs * sarg + gammad * dsrgdb;
    let mut dxndvb = 0.0;
    let mut dxndvd = 0.0;
    let mut dodvds = 0.0;
    let mut degrade = oxide_cap > 0.0;
    if p.nfs_cm2 != 0.0 {
        if oxide_cap == 0.0 {
            degrade = false;
        } else {
            dxndvb = 2.0 * dgdvbs * dsrgdb + gammad * d2sdb2 + dgddb2 * sarg;
            dodvbs += vt * dxndvb;
            dxndvd = dgdvds * dsrgdb;
            dodvds = dgdvds * sarg + vt * dxndvd;
        }
    }

    // Effective mobility (UCRIT, UEXP) and its derivatives.
    let critical = p.ucrit_v_cm * 100.0 * EPS_SI / p.oxide_cap_factor;
    // (Tested as ngspice does, `vgst <= critical` meaning no degradation, for NaNs' sake.)
    let below_critical = vgst <= critical;
    let (ufact, ueff, dudvgs, dudvds, dudvbs) = if degrade && !below_critical {
        let ufact = (p.uexp * (critical / vgst).ln()).exp();
        (
            ufact,
            p.uo_cm2 * 1e-4 * ufact,
            -ufact * p.uexp / vgst,
            0.0,
            p.uexp * ufact * dodvbs / vgst,
        )
    } else {
        (1.0, p.uo_cm2 * 1e-4, 0.0, 0.0, 0.0)
    };

    // Saturation voltage (Grove-Frohman) and its derivatives.
    let vgsx = if nfs_on { max_c(vgs, von) } else { vgs };
    gammad = gamasd / eta;
    dgdvbs = dgddvb;
    let mut dsdvgs;
    let mut dsdvbs;
    if gammad > 0.0 {
        let gammd2 = gammad * gammad;
        let argv = (vgsx - vbin) / eta + phi_min_vbs;
        if argv <= 0.0 {
            vdsat = 0.0;
            dsdvgs = 0.0;
            dsdvbs = 0.0;
        } else {
            let arg1 = (1.0 + 4.0 * argv / gammd2).sqrt();
            vdsat = (vgsx - vbin) / eta + gammd2 * (1.0 - arg1) / 2.0;
            vdsat = max_c(vdsat, 0.0);
            dsdvgs = (1.0 - 1.0 / arg1) / eta;
            dsdvbs = (gammad * (1.0 - arg1) + 2.0 * argv / (gammad * arg1)) / eta * dgdvbs
                + 1.0 / arg1
                + factor * dsdvgs;
        }
    } else {
        vdsat = max_c((vgsx - vbin) / eta, 0.0);
        dsdvgs = 1.0;
        dsdvbs = 0.0;
    }
    if p.vmax_m_s > 0.0 {
        // Baum's velocity saturation: vdsat from a quartic.
        let v1 = (vgsx - vbin) / eta + phi_min_vbs;
        let v2 = phi_min_vbs;
        let xv = p.vmax_m_s * leff / ueff;
        let a1 = gammad / 0.75;
        let b1 = -2.0 * (v1 + xv);
        let c1 = -2.0 * gammad * xv;
        let d1 = 2.0 * v1 * (v2 + xv) - v2 * v2 - 4.0 / 3.0 * gammad * sarg3;
        if let Some(x) = baum_root(a1, b1, c1, d1) {
            vdsat = x * x - phi_min_vbs;
        }
    }

    // Channel-length modulation: effective length and its derivatives.
    let mut xlamda = p.lambda;
    let mut bsarg = 0.0;
    let mut dbsrdb = 0.0;
    let mut bodys = 0.0;
    let mut gdbdvs = 0.0;
    let (mut dldvgs, mut dldvds, mut dldvbs) = (0.0, 0.0, 0.0);
    if vds != 0.0 {
        gammad = gamasd;
        if vbs - vdsat <= 0.0 {
            bsarg = (vdsat + phi_min_vbs).sqrt();
            dbsrdb = -0.5 / bsarg;
        } else {
            let sphi = phi.sqrt();
            let sphi3 = phi * sphi;
            bsarg = sphi / (1.0 + 0.5 * (vbs - vdsat) / phi);
            dbsrdb = -0.5 * bsarg * bsarg / sphi3;
        }
        bodys = bsarg * bsarg * bsarg - sarg3;
        gdbdvs = 2.0 * gammad * (bsarg * bsarg * dbsrdb - sarg * sarg * dsrgdb);
        let lambda_given = xlamda > 0.0;
        let computed = p.nsub_cm3 != 0.0 && !lambda_given;
        if p.vmax_m_s <= 0.0 {
            if computed {
                let argv = (vds - vdsat) / 4.0;
                let sargv = (1.0 + argv * argv).sqrt();
                let arg1 = (argv + sargv).sqrt();
                let xlfact = p.xd / (leff * vds);
                xlamda = xlfact * arg1;
                let dldsat = vds * xlamda / (8.0 * sargv);
                dldvgs = dldsat * dsdvgs;
                dldvds = -xlamda + dldsat;
                dldvbs = dldsat * dsdvbs;
            }
        } else {
            let argv = (vgsx - vbin) / eta - vdsat;
            let xdv = p.xd / p.neff.sqrt();
            let xlv = p.vmax_m_s * xdv / (2.0 * ueff);
            let vqchan = argv - gammad * bsarg;
            let dqdsat = -1.0 + gammad * dbsrdb;
            let vl = p.vmax_m_s * leff;
            let dfunds = vl * dqdsat - ueff * vqchan;
            let dfundg = (vl - ueff * vdsat) / eta;
            let dfundb =
                -vl * (1.0 + dqdsat - factor / eta) + ueff * (gdbdvs - dgdvbs * bodys / 1.5) / eta;
            dsdvgs = -dfundg / dfunds;
            dsdvbs = -dfundb / dfunds;
            if computed {
                let argv = max_c(vds - vdsat, 0.0);
                let xls = (xlv * xlv + argv).sqrt();
                let mut dldsat = xdv / (2.0 * xls);
                let xlfact = xdv / (leff * vds);
                xlamda = xlfact * (xls - xlv);
                dldsat /= leff;
                dldvgs = dldsat * dsdvgs;
                dldvds = -xlamda + dldsat;
                dldvbs = dldsat * dsdvbs;
            }
        }
    }

    // Limit the channel shortening at punch-through.
    let mut xwb = p.xd * sbiarg;
    let xld = leff - xwb;
    let mut clfact = 1.0 - xlamda * vds;
    dldvds = -xlamda - dldvds;
    let mut xleff = leff * clfact;
    let deltal = xlamda * vds * leff;
    if p.nsub_cm3 == 0.0 {
        xwb = 0.25e-6;
    }
    if xleff < xwb {
        xleff = xwb / (1.0 + (deltal - xld) / xwb);
        clfact = xleff / leff;
        let dfact = xleff * xleff / (xwb * xwb);
        dldvgs *= dfact;
        dldvds *= dfact;
        dldvbs *= dfact;
    }

    // Effective beta, then the region of operation.
    let beta1 = d.beta * ufact / clfact;
    gammad = gamasd;
    dgdvbs = dgddvb;
    if vds <= 1.0e-10 {
        let gds = if vgs <= von {
            if !nfs_on {
                0.0
            } else {
                beta1 * (von - vbin - gammad * sarg) * (argg * (vgs - von)).exp()
            }
        } else {
            beta1 * (vgs - vbin - gammad * sarg)
        };
        return DrainCurrent::off(von, vdsat, gds);
    }

    let (cdrain, gm, gds, gmbs);
    if !nfs_on || vgs > von {
        if vds <= vdsat {
            // Linear region.
            cdrain = beta1 * ((vgs - vbin - eta * vds / 2.0) * vds - gammad * body / 1.5);
            gm = cdrain * (dudvgs / ufact - dldvgs / clfact) + beta1 * vds;
            gds = cdrain * (dudvds / ufact - dldvds / clfact)
                + beta1 * (vgs - vbin - eta * vds - gammad * barg - dgdvds * body / 1.5);
            gmbs = cdrain * (dudvbs / ufact - dldvbs / clfact)
                - beta1 * (gdbdv + dgdvbs * body / 1.5 - factor * vds);
        } else {
            // Saturation region.
            cdrain = beta1 * ((vgs - vbin - eta * vdsat / 2.0) * vdsat - gammad * bodys / 1.5);
            let slope = beta1 * (vgs - vbin - eta * vdsat - gammad * bsarg);
            gm = cdrain * (dudvgs / ufact - dldvgs / clfact) + beta1 * vdsat + slope * dsdvgs;
            gds = -cdrain * dldvds / clfact - beta1 * dgdvds * bodys / 1.5;
            gmbs = cdrain * (dudvbs / ufact - dldvbs / clfact)
                - beta1 * (gdbdvs + dgdvbs * bodys / 1.5 - factor * vdsat)
                + slope * dsdvbs;
        }
    } else {
        // Subthreshold (NFS): the current at von, scaled by exp((vgs - von)/(n vt)).
        if vdsat <= 0.0 {
            // ngspice keeps the previous load's current for vth < vgs here (see the module
            // documentation); zero otherwise.
            return DrainCurrent::off(von, vdsat, 0.0);
        }
        let vdson = min_c(vdsat, vds);
        if vds > vdsat {
            barg = bsarg;
            dbrgdb = dbsrdb;
            body = bodys;
            gdbdv = gdbdvs;
        }
        let _ = dbrgdb;
        let cdson = beta1 * ((von - vbin - eta * vdson * 0.5) * vdson - gammad * body / 1.5);
        let didvds = beta1 * (von - vbin - eta * vdson - gammad * barg);
        let mut gdson = -cdson * dldvds / clfact - beta1 * dgdvds * body / 1.5;
        if vds < vdsat {
            gdson += didvds;
        }
        let mut gbson = -cdson * dldvbs / clfact
            + beta1 * (dodvbs * vdson + factor * vdson - dgdvbs * body / 1.5 - gdbdv);
        if vds > vdsat {
            gbson += didvds * dsdvbs;
        }
        let expg = (argg * (vgs - von)).exp();
        cdrain = cdson * expg;
        let gmw = cdrain * argg;
        gm = if vds > vdsat {
            gmw + didvds * dsdvgs * expg
        } else {
            gmw
        };
        let t = gmw * (vgs - von) / xn;
        gds = gdson * expg - gm * dodvds - t * dxndvd;
        gmbs = gbson * expg - gm * dodvbs - t * dxndvb;
    }
    DrainCurrent {
        cdrain,
        gm,
        gds,
        gmbs,
        von,
        vdsat,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    //! Against ngspice 39: `crates/solver/tests/data/mos2_dc.cir` (one transistor per model and
    //! drain voltage, gate and bulk swept), its raw file made by `regen-mos23.sh` beside it.

    use super::*;

    /// ngspice's default GMIN (S), in parallel with each bulk junction.
    pub(crate) const GMIN: f64 = 1e-12;

    /// An ngspice ASCII raw file: vector names and the points (one row of values per point).
    pub(crate) struct Raw {
        names: Vec<String>,
        pub(crate) points: Vec<Vec<f64>>,
    }

    impl Raw {
        pub(crate) fn parse(text: &str) -> Raw {
            let mut lines = text.lines();
            let mut nvars = 0;
            for line in lines.by_ref() {
                if let Some(n) = line.strip_prefix("No. Variables:") {
                    nvars = n.trim().parse().unwrap();
                }
                if line.starts_with("Variables:") {
                    break;
                }
            }
            let names: Vec<String> = (0..nvars)
                .map(|_| {
                    lines
                        .next()
                        .unwrap()
                        .split_whitespace()
                        .nth(1)
                        .unwrap()
                        .to_string()
                })
                .collect();
            assert_eq!(lines.next(), Some("Values:"));
            let values: Vec<f64> = lines
                .flat_map(|l| l.split_whitespace().last())
                .map(|v| v.parse().unwrap())
                .collect();
            assert_eq!(values.len() % nvars, 0);
            let points = values.chunks(nvars).map(<[f64]>::to_vec).collect();
            Raw { names, points }
        }

        /// The column of vector `name`.
        pub(crate) fn col(&self, name: &str) -> usize {
            self.names
                .iter()
                .position(|n| n == name)
                .unwrap_or_else(|| panic!("no vector {name}"))
        }
    }

    /// `|a - b| <= rel |b| + abs`.
    pub(crate) fn close(a: f64, b: f64, rel: f64, abs: f64) -> bool {
        (a - b).abs() <= rel * b.abs() + abs
    }

    /// A level-2 model card of `mos2_dc.cir` and its instances' temperature.
    struct Card {
        input: ProcessInput,
        ld: f64,
        xj: f64,
        delta: f64,
        lambda: f64,
        ucrit: f64,
        uexp: f64,
        vmax: f64,
        neff: f64,
        nfs: f64,
        temp_k: f64,
        l_m: f64,
    }

    fn input(tnom_k: f64) -> ProcessInput {
        ProcessInput {
            channel: 1.0,
            tnom_k,
            tox_m: None,
            uo_cm2: None,
            kp: None,
            nsub_cm3: None,
            phi: None,
            gamma: None,
            vto: None,
            nss_cm2: None,
            tpg: None,
        }
    }

    /// The four models of `mos2_dc.cir`, in the order of its transistors (four each).
    fn cards() -> Vec<Card> {
        let base = Card {
            input: input(300.15),
            ld: 0.0,
            xj: 0.0,
            delta: 0.0,
            lambda: 0.0,
            ucrit: 1e4,
            uexp: 0.0,
            vmax: 0.0,
            neff: 1.0,
            nfs: 0.0,
            temp_k: 300.15,
            l_m: 2e-6,
        };
        // vto=0.8 tox=2.5e-8 nsub=1e16 uo=600 ucrit=1e4 uexp=0.15 vmax=5e4 neff=2 delta=0.5
        // nfs=1e11 xj=0.3u ld=0.1u
        let full = Card {
            input: ProcessInput {
                vto: Some(0.8),
                tox_m: Some(2.5e-8),
                nsub_cm3: Some(1e16),
                uo_cm2: Some(600.0),
                ..input(300.15)
            },
            ucrit: 1e4,
            uexp: 0.15,
            vmax: 5e4,
            neff: 2.0,
            delta: 0.5,
            nfs: 1e11,
            xj: 0.3e-6,
            ld: 0.1e-6,
            ..base
        };
        // tox=4e-8 nsub=2e15 tpg=1 nss=1e10 uo=700 ucrit=2e4 uexp=0.2 xj=0.5u ld=0.2u
        let gf = Card {
            input: ProcessInput {
                tox_m: Some(4e-8),
                nsub_cm3: Some(2e15),
                tpg: Some(1),
                nss_cm2: Some(1e10),
                uo_cm2: Some(700.0),
                ..input(300.15)
            },
            ucrit: 2e4,
            uexp: 0.2,
            xj: 0.5e-6,
            ld: 0.2e-6,
            ..base
        };
        // vto=0.6 kp=6e-5 gamma=0.5 phi=0.65 lambda=0.02 tox=3e-8 nfs=5e11 delta=1.2
        let lam = Card {
            input: ProcessInput {
                vto: Some(0.6),
                kp: Some(6e-5),
                gamma: Some(0.5),
                phi: Some(0.65),
                tox_m: Some(3e-8),
                ..input(300.15)
            },
            lambda: 0.02,
            nfs: 5e11,
            delta: 1.2,
            ..base
        };
        // full with tnom=10, instances at temp=80.
        let hot = Card {
            input: ProcessInput {
                tnom_k: 283.15,
                ..full.input
            },
            temp_k: 353.15,
            ..full
        };
        // vto=0.5 tox=2e-8 nsub=1e15 uo=500 ucrit=5e4 uexp=0.1 ld=0.05u xj=0.2u nfs=2e11,
        // l=0.6u: punch-through limits the channel shortening.
        let short = Card {
            input: ProcessInput {
                vto: Some(0.5),
                tox_m: Some(2e-8),
                nsub_cm3: Some(1e15),
                uo_cm2: Some(500.0),
                ..input(300.15)
            },
            ucrit: 5e4,
            uexp: 0.1,
            ld: 0.05e-6,
            xj: 0.2e-6,
            nfs: 2e11,
            l_m: 0.6e-6,
            ..base
        };
        vec![full, gf, lam, hot, short]
    }

    pub(crate) fn all_devices() -> Vec<Level2> {
        cards().iter().map(device).collect()
    }

    /// The transistor `l=2u w=10u` of `card`.
    fn device(card: &Card) -> Level2 {
        let process = process_level2(&card.input).unwrap();
        let channel = card.input.channel;
        let t = temperature(channel, &process, 0.8, card.input.tnom_k, card.temp_k);
        Level2::new(Level2Params {
            vt: t.vt,
            t_phi: t.t_phi,
            vbi: channel * t.t_vbi,
            t_pb: t.t_pb,
            t_kp: t.t_kp,
            l_m: card.l_m,
            w_m: 10e-6,
            ld_m: card.ld,
            m: 1.0,
            oxide_cap_factor: process.oxide_cap_factor,
            gamma: process.gamma,
            nsub_cm3: process.nsub_cm3,
            xd: process.xd,
            xj_m: card.xj,
            delta: card.delta,
            lambda: card.lambda,
            ucrit_v_cm: card.ucrit,
            uexp: card.uexp,
            uo_cm2: process.uo_cm2,
            vmax_m_s: card.vmax,
            neff: card.neff,
            nfs_cm2: card.nfs,
        })
    }

    /// Every (transistor, point) of a raw file made from a netlist laid out as `mos2_dc.cir`:
    /// transistor `k` (from 1) has drain source `vdk`; `f` gets `k`, the point's vgs, vds,
    /// vbs, ngspice's i(vdk) and its gm, gds, gmbs, von, vdsat.
    pub(crate) fn each_point(
        raw: &Raw,
        bulk: &str,
        transistors: impl IntoIterator<Item = usize>,
        mut f: impl FnMut(usize, [f64; 4], [f64; 5]),
    ) {
        let g = raw.col("v(g)");
        let b = raw.col(&format!("v({bulk})"));
        for k in transistors {
            let d = raw.col(&format!("v(d{k})"));
            let i = raw.col(&format!("i(vd{k})"));
            let q: Vec<usize> = ["[gm]", "[gds]", "[gmbs]"]
                .iter()
                .map(|q| raw.col(&format!("@m{k}{q}")))
                .chain(
                    ["[von]", "[vdsat]"]
                        .iter()
                        .map(|q| raw.col(&format!("v(@m{k}{q})"))),
                )
                .collect();
            for pt in &raw.points {
                f(
                    k,
                    [pt[g], pt[d], pt[b], pt[i]],
                    [pt[q[0]], pt[q[1]], pt[q[2]], pt[q[3]], pt[q[4]]],
                );
            }
        }
    }

    /// Checks `eval(k, vgs, vds, vbs)` (transistor `m{k}` of the data) against every point of
    /// ngspice's raw file `raw`: i(vd) = -(Id - GMIN vbd) (the bulk-drain junction has IS = 0,
    /// so it carries only GMIN), gm, gds, gmbs, von and vdsat, each within 1e-6 relative;
    /// absolute 1e-21 A or S (below ngspice's printed resolution of the cancelling terms) and
    /// 1e-12 V. Prints the worst relative difference of each quantity.
    pub(crate) fn assert_matches_ngspice(
        raw: &str,
        level: &str,
        eval: impl Fn(usize, f64, f64, f64) -> DrainCurrent,
    ) {
        let raw = Raw::parse(raw);
        let mut worst = [0.0f64; 6];
        let mut checked = 0;
        each_point(&raw, "b", 1..=20, |k, [vg, vd, vb, i], ng| {
            let r = eval(k, vg, vd, vb);
            let ours = [
                -r.cdrain + GMIN * (vb - vd),
                r.gm,
                r.gds,
                r.gmbs,
                r.von,
                r.vdsat,
            ];
            let theirs = [i, ng[0], ng[1], ng[2], ng[3], ng[4]];
            for q in 0..6 {
                let abs = if q < 4 { 1e-21 } else { 1e-12 };
                assert!(
                    close(ours[q], theirs[q], 1e-6, abs),
                    "{level} m{k} vgs={vg} vds={vd} vbs={vb}: quantity {q} ours {} ngspice {}",
                    ours[q],
                    theirs[q]
                );
                worst[q] = worst[q].max((ours[q] - theirs[q]).abs() / (theirs[q].abs() + abs));
            }
            checked += 1;
        });
        assert_eq!(checked, 20 * 138);
        eprintln!("{level} worst relative differences (i, gm, gds, gmbs, von, vdsat): {worst:?}");
    }

    #[test]
    fn reproduces_ngspice_level2() {
        let devices = all_devices();
        assert_matches_ngspice(
            include_str!("../../tests/data/mos2_dc.raw"),
            "level 2",
            |k, vg, vd, vb| drain_current(&devices[(k - 1) / 4], vg, vd, vb),
        );
    }

    /// The region of a point, for choosing where the derivatives are checked.
    #[derive(Debug, Clone, Copy, PartialEq)]
    pub(crate) enum Region {
        /// No current.
        Off,
        /// Weak inversion (NFS), `vds < vdsat`.
        SubLinear,
        /// Weak inversion (NFS), `vds > vdsat`.
        SubSaturated,
        Linear,
        Saturated,
    }

    pub(crate) fn region(r: &DrainCurrent, vgs: f64, vds: f64, nfs: bool) -> Region {
        match (r.cdrain == 0.0, nfs && vgs <= r.von, vds > r.vdsat) {
            (true, _, _) => Region::Off,
            (false, true, false) => Region::SubLinear,
            (false, true, true) => Region::SubSaturated,
            (false, false, false) => Region::Linear,
            (false, false, true) => Region::Saturated,
        }
    }

    /// Compares `gm`, `gds`, `gmbs` (those `which` selects) with central differences of the
    /// current (step 1 µV) over a grid away from the sweep's round values (vbs <= 0), at the
    /// points `keep` accepts. Tolerance: 1e-5 relative, plus 1e-9 of the current per volt for
    /// the differences' rounding (eps |Id| / h); returns the number of comparisons.
    pub(crate) fn check_derivatives(
        f: impl Fn(f64, f64, f64) -> DrainCurrent,
        which: [bool; 3],
        keep: impl Fn(Region) -> bool,
        nfs: bool,
    ) -> usize {
        let h = 1e-6;
        let mut n = 0;
        for ig in 0..45 {
            let vgs = -0.47 + 0.1 * f64::from(ig);
            for vds in [0.013, 0.031, 0.27, 1.13, 3.7] {
                for vbs in [-2.3, -0.9, -0.17] {
                    let r = f(vgs, vds, vbs);
                    if !keep(region(&r, vgs, vds, nfs)) {
                        continue;
                    }
                    let i = |a: f64, b: f64, c: f64| f(a, b, c).cdrain;
                    let fd = [
                        (i(vgs + h, vds, vbs) - i(vgs - h, vds, vbs)) / (2.0 * h),
                        (i(vgs, vds + h, vbs) - i(vgs, vds - h, vbs)) / (2.0 * h),
                        (i(vgs, vds, vbs + h) - i(vgs, vds, vbs - h)) / (2.0 * h),
                    ];
                    let an = [r.gm, r.gds, r.gmbs];
                    for q in 0..3 {
                        if !which[q] {
                            continue;
                        }
                        let tol =
                            1e-5 * an[q].abs().max(fd[q].abs()) + 1e-9 * r.cdrain.abs() + 1e-24;
                        assert!(
                            (an[q] - fd[q]).abs() <= tol,
                            "vgs={vgs} vds={vds} vbs={vbs}: derivative {q} analytic {} numeric {}",
                            an[q],
                            fd[q]
                        );
                        n += 1;
                    }
                }
            }
        }
        n
    }

    /// Where ngspice's level-2 derivatives are exact: LAMBDA given (no computed
    /// channel-length modulation), no UCRIT/UEXP degradation, no VMAX, vbs <= 0: all three in
    /// strong inversion, gm and gds in weak inversion (`lam` of `mos2_dc.cir`).
    #[test]
    fn level2_derivatives_are_those_of_the_current_with_lambda() {
        let d = device(&cards()[2]);
        let strong = |r: Region| matches!(r, Region::Linear | Region::Saturated);
        let weak = |r: Region| matches!(r, Region::SubLinear | Region::SubSaturated);
        let f = |a, b, c| drain_current(&d, a, b, c);
        assert!(check_derivatives(f, [true, true, true], strong, true) > 300);
        assert!(check_derivatives(f, [true, true, false], weak, true) > 300);
    }

    /// With NSUB (computed channel-length modulation, the Grove-Frohman vdsat with the
    /// short-channel body factor) gm and gmbs are exact in strong inversion above `vth`
    /// (`gf`); ngspice's gds there leaves out terms of the length modulation's derivative (up
    /// to 5% off in saturation, see the module documentation).
    #[test]
    fn level2_gm_and_gmbs_are_those_of_the_current_with_nsub() {
        let d = device(&cards()[1]);
        let strong = |r: Region| matches!(r, Region::Linear | Region::Saturated);
        // Below vth (vbin < vgs <= vth) ngspice clamps vdsat to 0 but keeps its slope: skip.
        let above = |a: f64, b: f64, c: f64| {
            let r = drain_current(&d, a, b, c);
            if r.vdsat > 0.0 {
                r
            } else {
                DrainCurrent { cdrain: 0.0, ..r }
            }
        };
        assert!(check_derivatives(above, [true, false, true], strong, false) > 200);
    }

    /// NSUB = 1e16 cm⁻³, TOX = 25 nm, TPG = 1, n-channel, TNOM = 27 C, by hand:
    /// vt = k T/q = 0.0258649170 V, Cox = 3.9 ε0/TOX = 1.38125752e-3 F/m²,
    /// PHI = 2 vt ln(1e22/1.45e16) = 0.695453147 V, GAMMA = sqrt(2 εsi q NSUB)/Cox =
    /// 0.417122385 √V, Eg(300.15 K) = 1.16 - 7.02e-4 T²/(T + 1108) = 1.11508774 eV;
    /// TPG = 1 on n-channel: φms = -(Eg + PHI)/2, so VTO = φms + GAMMA sqrt(PHI) + PHI =
    /// 0.138037050 V; XD = sqrt(2 εsi/(q NSUB)) = 3.59606690e-7 m/√V; KP = UO Cox = 8.2875e-5.
    #[test]
    fn process_from_nsub_by_hand() {
        let p = process_level2(&ProcessInput {
            nsub_cm3: Some(1e16),
            tox_m: Some(2.5e-8),
            ..input(300.15)
        })
        .unwrap();
        let rel = |a: f64, b: f64| close(a, b, 1e-12, 0.0);
        assert!(rel(p.oxide_cap_factor, 0.001381257519876), "{p:?}");
        assert!(rel(p.phi, 0.6954531468864864), "{p:?}");
        assert!(rel(p.gamma, 0.41712238487813647), "{p:?}");
        assert!(rel(p.vto, 0.13803704954649532), "{p:?}");
        assert!(rel(p.xd, 3.596066896381572e-07), "{p:?}");
        assert!(rel(p.kp, 600.0e-4 * 0.001381257519876), "{p:?}");
        // Given values win over the NSUB-derived ones; XD is derived all the same.
        let given = process_level2(&ProcessInput {
            nsub_cm3: Some(1e16),
            phi: Some(0.7),
            gamma: Some(0.5),
            vto: Some(0.8),
            kp: Some(1e-4),
            ..input(300.15)
        })
        .unwrap();
        assert_eq!(
            (given.phi, given.gamma, given.vto, given.kp),
            (0.7, 0.5, 0.8, 1e-4)
        );
        assert!(rel(given.xd, 3.596066896381572e-07));
        // Without NSUB: SPICE defaults, no depletion width.
        let plain = process_level2(&input(300.15)).unwrap();
        assert_eq!(
            (plain.phi, plain.gamma, plain.vto, plain.xd),
            (0.6, 0.0, 0.0, 0.0)
        );
        assert!(rel(plain.oxide_cap_factor, EPS_OX / 1e-7));
        // ngspice's fatal errors.
        let low = ProcessInput {
            nsub_cm3: Some(1e10),
            ..input(300.15)
        };
        assert_eq!(process_level2(&low), Err(ProcessError::NsubBelowNi));
        let bad_phi = ProcessInput {
            phi: Some(0.0),
            ..input(300.15)
        };
        assert_eq!(process_level2(&bad_phi), Err(ProcessError::PhiNotPositive));
    }

    /// PHI = 0.7, VTO = 0.8, GAMMA = 0.5, KP = 1e-4, UO = 600, TNOM = 27 C, at T = 400 K by
    /// hand: pbfact(T) = -2 vt (1.5 ln(T/Tref) + q (-Eg(T)/(2 k T) + 1.1150877/(2 k Tref))) =
    /// -0.430220265 V with Eg(400 K) = 1.08551724 eV, and pbfact(TNOM) = 4.22e-8 V (the
    /// constant 1.1150877 is Eg(Tref) rounded); tPhi = T/Tref (PHI - pbfact(TNOM)) +
    /// pbfact(T) = 0.502646579 V; tVbi = VTO - GAMMA sqrt(PHI) + (Eg(Tref) - Eg(T))/2 +
    /// (tPhi - PHI)/2 = 0.297778527 V; tVto = tVbi + GAMMA sqrt(tPhi) = 0.652266389 V; KP and UO scale by
    /// (Tref/T)^1.5 = 0.650006253. At T = TNOM nothing moves.
    #[test]
    fn temperature_by_hand() {
        let p = process_level2(&ProcessInput {
            phi: Some(0.7),
            vto: Some(0.8),
            gamma: Some(0.5),
            kp: Some(1e-4),
            ..input(300.15)
        })
        .unwrap();
        let t = temperature(1.0, &p, 0.8, 300.15, 400.0);
        let rel = |a: f64, b: f64| close(a, b, 1e-12, 0.0);
        assert!(rel(t.t_phi, 0.5026465789447249), "{t:?}");
        assert!(rel(t.t_vbi, 0.2977785266249264), "{t:?}");
        assert!(rel(t.t_vto, 0.6522663892326344), "{t:?}");
        assert!(rel(t.t_kp, 1e-4 * 0.6500062530152954), "{t:?}");
        assert!(rel(t.t_uo_cm2, 600.0 * 0.6500062530152954), "{t:?}");
        assert!(rel(t.vt, 400.0 * K_OVER_Q), "{t:?}");
        let same = temperature(1.0, &p, 0.8, 300.15, 300.15);
        assert!(rel(same.t_phi, 0.7) && rel(same.t_vto, 0.8) && rel(same.t_pb, 0.8));
        assert!(rel(same.t_vbi, 0.8 - 0.5 * 0.7f64.sqrt()) && same.t_kp == 1e-4);
        // p-channel: tVbi carries the type (VTO = -0.8 mirrors the n-channel threshold).
        let pch = Process { vto: -0.8, ..p };
        let tp = temperature(-1.0, &pch, 0.8, 300.15, 300.15);
        assert!(rel(tp.t_vto, -0.8) && rel(-tp.t_vbi, 0.8 - 0.5 * 0.7f64.sqrt()));
    }

    /// What the MOSFET device does around the n-channel normal-mode functions
    /// (`mos2load.c`'s type and mode handling): the node voltages times the type; for
    /// `vds < 0` the function at (`vgd`, `-vds`, `vbd`) and the current reversed; the drain
    /// terminal current is `type (mode Id - GMIN vbd)` (IS = 0). Returns it and the function's
    /// value in the frame it was evaluated in.
    pub(crate) fn terminal_current(
        f: impl Fn(f64, f64, f64) -> DrainCurrent,
        channel: f64,
        vgs: f64,
        vds: f64,
        vbs: f64,
    ) -> (f64, DrainCurrent) {
        let (vgs, vds, vbs) = (channel * vgs, channel * vds, channel * vbs);
        let vbd = vbs - vds;
        if vds >= 0.0 {
            let r = f(vgs, vds, vbs);
            (channel * (r.cdrain - GMIN * vbd), r)
        } else {
            let r = f(vgs - vds, -vds, vbd);
            (channel * (-r.cdrain - GMIN * vbd), r)
        }
    }

    /// Compares [`terminal_current`] with ngspice at every point of transistors `ks` of
    /// `mos23_pmos_dc.raw` (`channel` their type), as the n-channel tests do; ngspice reports
    /// `type von` and `type vdsat`.
    pub(crate) fn check_signs(
        ks: &[usize],
        channel: f64,
        f: impl Fn(f64, f64, f64) -> DrainCurrent + Copy,
    ) {
        let raw = Raw::parse(include_str!("../../tests/data/mos23_pmos_dc.raw"));
        let bulk = if channel > 0.0 { "bn" } else { "bp" };
        let mut n = 0;
        each_point(&raw, bulk, ks.iter().copied(), |k, [vg, vd, vb, i], ng| {
            let (cd, r) = terminal_current(f, channel, vg, vd, vb);
            let ours = [-cd, r.gm, r.gds, r.gmbs, channel * r.von, channel * r.vdsat];
            let theirs = [i, ng[0], ng[1], ng[2], ng[3], ng[4]];
            for q in 0..6 {
                let abs = if q < 4 { 1e-21 } else { 1e-12 };
                assert!(
                    close(ours[q], theirs[q], 1e-6, abs),
                    "m{k} vg={vg} vd={vd} vb={vb}: quantity {q} ours {} ngspice {}",
                    ours[q],
                    theirs[q]
                );
            }
            n += 1;
        });
        assert_eq!(n, ks.len() * 243);
    }

    /// p-channel (`p2`, vds 0 to -4 V), the reversed n-channel (`full`, vds = -1 V) and
    /// `full` with M = 2 of `mos23_pmos_dc.cir` through [`terminal_current`]: the contract of
    /// [`Level2Params::vbi`] (`type tVbi`), of the caller's swap and of [`Level2Params::m`].
    #[test]
    fn pmos_and_reverse_mode_level2() {
        // vto=-0.7 tox=2.5e-8 nsub=2e16 uo=250 ucrit=1.5e4 uexp=0.2 vmax=4e4 neff=1.5
        // delta=0.8 nfs=2e11 xj=0.25u ld=0.1u
        let full = &cards()[0];
        let p2 = Card {
            input: ProcessInput {
                channel: -1.0,
                vto: Some(-0.7),
                tox_m: Some(2.5e-8),
                nsub_cm3: Some(2e16),
                uo_cm2: Some(250.0),
                ..input(300.15)
            },
            ucrit: 1.5e4,
            uexp: 0.2,
            vmax: 4e4,
            neff: 1.5,
            delta: 0.8,
            nfs: 2e11,
            xj: 0.25e-6,
            ld: 0.1e-6,
            temp_k: 300.15,
            lambda: 0.0,
            l_m: 2e-6,
        };
        let p = device(&p2);
        check_signs(&[1, 2, 3, 4], -1.0, |a, b, c| drain_current(&p, a, b, c));
        let n = device(full);
        check_signs(&[9], 1.0, |a, b, c| drain_current(&n, a, b, c));
        // M = 2: twice Beta, and (ngspice's choice) half the narrow-width factor, since it
        // divides by OxideCap, which includes M.
        let twice = Level2::new(Level2Params { m: 2.0, ..n.p });
        assert!(close(twice.factor, 0.5 * n.factor, 1e-14, 0.0));
        check_signs(&[11], 1.0, |a, b, c| drain_current(&twice, a, b, c));
    }
}
