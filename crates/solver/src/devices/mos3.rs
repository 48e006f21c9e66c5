//! MOSFET level 3 (SPICE2's semi-empirical short-channel model as ngspice's `mos3` computes
//! it): the drain current and its derivatives as a pure function, [`drain_current`], plus
//! level 3's own model preprocessing ([`process_level3`]).
//!
//! As in `mos2.rs` (whose [`DrainCurrent`], [`ProcessInput`] and
//! [`temperature`](super::mos2::temperature) this file re-uses): one intrinsic n-channel
//! transistor in normal mode (`vds >= 0`); limiting, the drain-source swap, the p-channel
//! sign flip, the bulk junctions, GMIN, the Meyer charges and noise belong to the MOSFET
//! device.
//!
//! # Equations (ngspice 39 `src/spicelib/devices/mos3/mos3load.c`, the `moseq3` block)
//! Voltages are n-channel and source-referenced, `phi` is `tPhi`,
//! `Leff = L - 2 LD + XL`, `Weff = W - 2 WD + XW`, `Cox = εox/TOX`,
//! `Beta = tKP M Weff/Leff`, `us0 = tUO` (the temperature-scaled mobility).
//! - `sqphbs = sqrt(phi - vbs)` for `vbs <= 0`, else `sqrt(phi)/(1 + vbs/(2 phi))`.
//! - Short channel (XJ and NSUB, the junction-curvature form of Yau's charge sharing):
//!   `wp = XD sqphbs`, `fshort = 1 - XJ/Leff ((LD/XJ + c0 + c1 wp/XJ + c2 (wp/XJ)²)
//!   sqrt(1 - (wp/(XJ + wp))²) - LD/XJ)`, `c0 = 0.0631353`, `c1 = 0.8013292`,
//!   `c2 = -0.01110777`.
//! - Body and narrow width (DELTA): `fbody = GAMMA fshort/(4 sqphbs) + δn/Weff` with
//!   `δn = DELTA π εsi/(2 Cox)` ([`Level3Process::narrow_factor`]).
//! - Static feedback (ETA): `vth = type·tVbi - σ vds + GAMMA fshort sqphbs +
//!   δn (phi - vbs)/Weff`, `σ = ETA 8.15e-22/(Cox Leff³)`.
//! - Weak inversion (NFS): `von = vth + n vt`, `n = 1 + q NFS/Cox + (GAMMA fshort sqphbs +
//!   δn (phi - vbs)/Weff)/(2 (phi - vbs))`; below `von` the current is the one at `von`
//!   times `exp((vgs - von)/(n vt))`. Without NFS the device is off for `vgs <= vth`.
//! - Mobility (THETA): `us = us0/(1 + THETA (vgsx - vth))`, `vgsx = max(vgs, von)`.
//! - Saturation voltage: `vdsat = (vgsx - vth)/(1 + fbody)`; with VMAX,
//!   `vdsat = va + vc - sqrt(va² + vc²)`, `va` that value and `vc = Leff VMAX/us`.
//! - Current: `Id = Beta us/us0 (vgsx - vth - (1 + fbody)/2 vdsx) vdsx`, `vdsx = min(vds,
//!   vdsat)`, divided by `1 + vdsx/vc` with VMAX.
//! - Channel-length modulation (KAPPA; needs NSUB for `α = 2 εsi/(q NSUB)`): beyond `vdsat`
//!   `ΔL = sqrt(KAPPA α (vds - vdsat + vdsat/8))` without VMAX; with VMAX
//!   `ΔL = sqrt((Ep α/2)² + KAPPA α (vds - vdsat)) - Ep α/2`, `Ep = KAPPA Id/(Leff gdsat)` the
//!   lateral field at pinch-off; below `vdsat`, without VMAX, ngspice adds
//!   `sqrt(KAPPA α vdsat/8) (vds/vdsat)⁴`. Punch-through: for `ΔL > Leff/2`,
//!   `ΔL = Leff - Leff²/(4 ΔL)`. The current is divided by `1 - ΔL/Leff`.
//! - The `badmos3` option (SPICE3's pre-3f formulas: no `vdsat/8` term, no KAPPA in `Ep`, no
//!   linear-region term) is [`Level3Params::bad_mos3`].
//!
//! Derivatives: as ngspice's (the device must reproduce its Newton iterations and AC
//! values), which are exact derivatives of the current only in part. Measured on the cards of
//! `mos3_dc.cir` against central differences: exact below saturation when no length
//! modulation applies there (VMAX set, or no NSUB), in strong and weak inversion with
//! `vbs <= 0`, and gds in saturation without NSUB; off by 5-8% (gm, gmbs) and 3% (gds) in
//! saturation with VMAX, 10% (gm) below saturation with the `(vds/vdsat)^4` length
//! modulation, up to 2x (and sign) under punch-through, 2-20% in gmbs for `vbs > 0`, 5e-5 in
//! weak inversion beyond vdsat.
//!
//! Sources: A. Vladimirescu and S. Liu, "The Simulation of MOS Integrated Circuits Using
//! SPICE2", UCB/ERL M80/7 (1980), the level-3 chapter; L. M. Dang, "A simple current model
//! for short-channel IGFET and its application to circuit simulation", IEEE J. Solid-State
//! Circuits SC-14 (1979) 358; P. Antognetti and G. Massobrio, "Semiconductor Device Modeling
//! with SPICE", McGraw-Hill (1988), ch. 4. Preprocessing: ngspice's `mos3temp.c`.
//!
//! # Use
//! As level 2's (`mos2.rs`, "Use"), with [`process_level3`] (which also gives α and the
//! narrow-width factor), `temperature` on a [`Process`] whose `vto` is `VTO + DELVTO`, and
//! [`Level3::new`].

pub(crate) use super::mos2::DrainCurrent;
use super::mos2::{max_c, min_c, process, Process, ProcessError, ProcessInput, EPS_SI, K_OVER_Q};
use super::CHARGE;

/// Level 3's process values: the common ones and the two level 3 adds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Level3Process {
    /// PHI, GAMMA, VTO, KP, UO, Cox, NSUB and `XD` (`MOS3coeffDepLayWidth`).
    pub common: Process,
    /// `α = 2 εsi/(q NSUB)` (m²/V), 0 without NSUB (`MOS3alpha`).
    pub alpha: f64,
    /// `δn = DELTA π εsi/(2 Cox)` (m), `MOS3narrowFactor`.
    pub narrow_factor: f64,
}

/// Level 3's model preprocessing (`mos3temp.c`): as level 2 ([`process`]) but with the
/// intrinsic density scaled to TNOM, `ni = 1.45e16 (TNOM/300)^1.5 exp(Eg(TNOM)/(2 k/q)
/// (1/300 - 1/TNOM))` m⁻³, plus α and the narrow-width factor from DELTA.
pub(crate) fn process_level3(
    input: &ProcessInput,
    delta: f64,
) -> Result<Level3Process, ProcessError> {
    let tnom = input.tnom_k;
    let egfet1 = 1.16 - (7.02e-4 * tnom * tnom) / (tnom + 1108.0);
    let mut nifact = (tnom / 300.0) * (tnom / 300.0).sqrt();
    nifact *= (0.5 * egfet1 * ((1.0 / 300.0) - (1.0 / tnom)) / K_OVER_Q).exp();
    let common = process(input, 1.45e16 * nifact)?;
    let alpha = if input.nsub_cm3.is_some() {
        (EPS_SI + EPS_SI) / (CHARGE * common.nsub_cm3 * 1e6)
    } else {
        0.0
    };
    Ok(Level3Process {
        common,
        alpha,
        narrow_factor: delta * 0.5 * std::f64::consts::PI * EPS_SI / common.oxide_cap_factor,
    })
}

/// Everything level 3's drain current needs, as plain values; [`Level3::new`] turns it into
/// the per-device constants.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Level3Params {
    /// Thermal voltage `k T/q` at the instance temperature (V), `vt` in `mos3load.c`.
    pub vt: f64,
    /// `tPhi` (V), `Temperature::t_phi`.
    pub t_phi: f64,
    /// `type * tVbi` (V), n-channel sign; level 3's `tVbi` includes DELVTO (pass
    /// `VTO + DELVTO` as the VTO of `temperature`).
    pub vbi: f64,
    /// `tTransconductance` (A/V²), `Temperature::t_kp`.
    pub t_kp: f64,
    /// `tSurfMob` (cm²/Vs), `Temperature::t_uo_cm2` (level 3 uses the scaled mobility).
    pub t_uo_cm2: f64,
    /// Drawn channel length L (m), `MOS3l`.
    pub l_m: f64,
    /// Drawn channel width W (m), `MOS3w`.
    pub w_m: f64,
    /// Lateral diffusion LD (m), `MOS3latDiff` (also in the short-channel factor).
    pub ld_m: f64,
    /// Length adjustment XL (m), `MOS3lengthAdjust`, default 0.
    pub xl_m: f64,
    /// Width narrowing WD (m), `MOS3widthNarrow`, default 0.
    pub wd_m: f64,
    /// Width adjustment XW (m), `MOS3widthAdjust`, default 0.
    pub xw_m: f64,
    /// Parallel multiplier M, `MOS3m`.
    pub m: f64,
    /// `Cox = 3.9 ε0/TOX` (F/m²), `MOS3oxideCapFactor`.
    pub oxide_cap_factor: f64,
    /// GAMMA (√V), `MOS3gamma`.
    pub gamma: f64,
    /// `XD = sqrt(2 εsi/(q NSUB))` (m/√V), 0 without NSUB (`MOS3coeffDepLayWidth`).
    pub xd: f64,
    /// `α = 2 εsi/(q NSUB)` (m²/V), 0 without NSUB (`MOS3alpha`).
    pub alpha: f64,
    /// Metallurgical junction depth XJ (m), default 0 (`MOS3junctionDepth`).
    pub xj_m: f64,
    /// `δn = DELTA π εsi/(2 Cox)` (m), `MOS3narrowFactor` ([`Level3Process::narrow_factor`]).
    pub narrow_factor: f64,
    /// Static feedback ETA, default 0 (`MOS3eta`).
    pub eta: f64,
    /// Mobility modulation THETA (1/V), default 0 (`MOS3theta`).
    pub theta: f64,
    /// Saturation field factor KAPPA, default 0.2 (`MOS3kappa`).
    pub kappa: f64,
    /// Maximum drift velocity VMAX (m/s), default 0 = none (`MOS3maxDriftVel`).
    pub vmax_m_s: f64,
    /// Fast surface state density NFS (cm⁻²), default 0 (`MOS3fastSurfaceStateDensity`).
    pub nfs_cm2: f64,
    /// ngspice's `.options badmos3` (`CKTbadMos3`), default false.
    pub bad_mos3: bool,
}

/// Level 3's per-device constants: the [`Level3Params`] plus what `mos3load.c` derives from
/// them on every load.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Level3 {
    /// The inputs.
    pub p: Level3Params,
    /// `EffectiveLength = L - 2 LD + XL` (m).
    pub l_eff: f64,
    /// `EffectiveWidth = W - 2 WD + XW` (m).
    pub w_eff: f64,
    /// `Beta = tKP M Weff/Leff` (A/V²).
    pub beta: f64,
    /// `OxideCap = Cox Leff M Weff` (F).
    pub oxide_cap: f64,
    /// Static feedback coefficient `σ = ETA 8.15e-22/(Cox Leff³)` (V/V).
    pub sigma: f64,
}

impl Level3 {
    /// The per-device constants from plain values.
    pub(crate) fn new(p: Level3Params) -> Self {
        let w_eff = p.w_m - 2.0 * p.wd_m + p.xw_m;
        let l_eff = p.l_m - 2.0 * p.ld_m + p.xl_m;
        Level3 {
            p,
            l_eff,
            w_eff,
            beta: p.t_kp * p.m * w_eff / l_eff,
            oxide_cap: p.oxide_cap_factor * l_eff * p.m * w_eff,
            sigma: p.eta * 8.15e-22 / (p.oxide_cap_factor * l_eff * l_eff * l_eff),
        }
    }
}

/// The channel shortening `ΔL` and its derivatives by vgs, vds, vbs, plus `dΔL/dvds` at fixed
/// vdsat (`delxl`, `ddldvg`, `ddldvd`, `ddldvb`, `dldvd` in `mos3load.c`).
struct Shortening {
    delxl: f64,
    ddldvg: f64,
    ddldvd: f64,
    ddldvb: f64,
    dldvd: f64,
}

/// Level 3's drain current at `vgs`, `vds >= 0`, `vbs` (V, n-channel, normal mode) with its
/// derivatives, `von` and `vdsat`: `mos3load.c`'s `moseq3` block (equations in the module
/// documentation).
pub(crate) fn drain_current(d: &Level3, vgs: f64, vds: f64, vbs: f64) -> DrainCurrent {
    const COEFF0: f64 = 0.0631353e0;
    const COEFF1: f64 = 0.8013292e0;
    const COEFF2: f64 = -0.01110777e0;
    let p = &d.p;
    let phi = p.t_phi;
    let vt = p.vt;
    let leff = d.l_eff;
    let weff = d.w_eff;
    let oneoverxl = 1.0 / leff;
    let eta = d.sigma;

    // Square root term.
    let (phibs, sqphbs, dsqdvb) = if vbs <= 0.0 {
        let phibs = phi - vbs;
        let sq = phibs.sqrt();
        (phibs, sq, -0.5 / sq)
    } else {
        let sqphis = phi.sqrt();
        let sqphs3 = phi * sqphis;
        let sq = sqphis / (1.0 + vbs / (phi + phi));
        let phibs = sq * sq;
        (phibs, sq, -phibs / (sqphs3 + sqphs3))
    };

    // Short channel effect factor.
    let (fshort, dfsdvb) = if p.xj_m != 0.0 && p.xd != 0.0 {
        let wps = p.xd * sqphbs;
        let oneoverxj = 1.0 / p.xj_m;
        let xjonxl = p.xj_m * oneoverxl;
        let djonxj = p.ld_m * oneoverxj;
        let wponxj = wps * oneoverxj;
        let wconxj = COEFF0 + COEFF1 * wponxj + COEFF2 * wponxj * wponxj;
        let arga = wconxj + djonxj;
        let argc = wponxj / (1.0 + wponxj);
        let argb = (1.0 - argc * argc).sqrt();
        let fshort = 1.0 - xjonxl * (arga * argb - djonxj);
        let dwpdvb = p.xd * dsqdvb;
        let dadvb = (COEFF1 + COEFF2 * (wponxj + wponxj)) * dwpdvb * oneoverxj;
        let dbdvb = -argc * argc * (1.0 - argc) * dwpdvb / (argb * wps);
        (fshort, -xjonxl * (dadvb * argb + arga * dbdvb))
    } else {
        (1.0, 0.0)
    };

    // Body effect.
    let gammas = p.gamma * fshort;
    let fbodys = 0.5 * gammas / (sqphbs + sqphbs);
    let fbody = fbodys + p.narrow_factor / weff;
    let onfbdy = 1.0 / (1.0 + fbody);
    let dfbdvb = -fbodys * dsqdvb / sqphbs + fbodys * dfsdvb / fshort;
    let qbonco = gammas * sqphbs + p.narrow_factor * phibs / weff;
    let dqbdvb = gammas * dsqdvb + p.gamma * dfsdvb * sqphbs - p.narrow_factor / weff;

    // Static feedback and threshold.
    let vbix = p.vbi - eta * vds;
    let vth = vbix + qbonco;
    let dvtdvd = -eta;
    let dvtdvb = dqbdvb;

    // Joint weak and strong inversion.
    let mut von = vth;
    let mut xn = 0.0;
    let mut dxndvb = 0.0;
    let mut dvodvd = 0.0;
    let mut dvodvb = 0.0;
    if p.nfs_cm2 != 0.0 {
        let csonco = CHARGE * p.nfs_cm2 * 1e4 * leff * weff * p.m / d.oxide_cap;
        let cdonco = qbonco / (phibs + phibs);
        xn = 1.0 + csonco + cdonco;
        von = vth + vt * xn;
        dxndvb = dqbdvb / (phibs + phibs) - qbonco * dsqdvb / (phibs * sqphbs);
        dvodvd = dvtdvd;
        dvodvb = dvtdvb + vt * dxndvb;
    } else if vgs <= von {
        // Cut off.
        return DrainCurrent {
            cdrain: 0.0,
            gm: 0.0,
            gds: 0.0,
            gmbs: 0.0,
            von,
            vdsat: 0.0,
        };
    }

    // The device is on: mobility modulation by the gate voltage.
    let vgsx = max_c(vgs, von);
    let onfg = 1.0 + p.theta * (vgsx - vth);
    let fgate = 1.0 / onfg;
    let us = p.t_uo_cm2 * 1e-4 * fgate;
    let dfgdvg = -p.theta * fgate * fgate;
    let dfgdvd = -dfgdvg * dvtdvd;
    let dfgdvb = -dfgdvg * dvtdvb;

    // Saturation voltage.
    let mut vdsat = (vgsx - vth) * onfbdy;
    let (dvsdvg, dvsdvd, dvsdvb);
    let mut onvdsc = 0.0;
    if p.vmax_m_s <= 0.0 {
        dvsdvg = onfbdy;
        dvsdvd = -dvsdvg * dvtdvd;
        dvsdvb = -dvsdvg * dvtdvb - vdsat * dfbdvb * onfbdy;
    } else {
        let vdsc = leff * p.vmax_m_s / us;
        onvdsc = 1.0 / vdsc;
        let arga = (vgsx - vth) * onfbdy;
        let argb = (arga * arga + vdsc * vdsc).sqrt();
        vdsat = arga + vdsc - argb;
        let dvsdga = (1.0 - arga / argb) * onfbdy;
        dvsdvg = dvsdga - (1.0 - vdsc / argb) * vdsc * dfgdvg * onfg;
        dvsdvd = -dvsdvg * dvtdvd;
        dvsdvb = -dvsdvg * dvtdvb - arga * dvsdga * dfbdvb;
    }

    // Current factors in the linear region.
    let vdsx = min_c(vds, vdsat);
    if vdsx == 0.0 {
        // vds = 0: only the output conductance.
        let mut gds = d.beta * fgate * (vgsx - vth);
        if p.nfs_cm2 != 0.0 && vgs < von {
            gds *= ((vgs - von) / (vt * xn)).exp();
        }
        return DrainCurrent {
            cdrain: 0.0,
            gm: 0.0,
            gds,
            gmbs: 0.0,
            von,
            vdsat,
        };
    }
    let cdo = vgsx - vth - 0.5 * (1.0 + fbody) * vdsx;
    let dcodvb = -dvtdvb - 0.5 * dfbdvb * vdsx;

    // Normalized drain current, then without velocity saturation.
    let cdnorm = cdo * vdsx;
    let mut gm = vdsx;
    let mut gds = if vds > vdsat {
        -dvtdvd * vdsx
    } else {
        vgsx - vth - (1.0 + fbody + dvtdvd) * vdsx
    };
    let mut gmbs = dcodvb * vdsx;
    let cd1 = d.beta * cdnorm;
    let beta = d.beta * fgate;
    let mut cdrain = beta * cdnorm;
    gm = beta * gm + dfgdvg * cd1;
    gds = beta * gds + dfgdvd * cd1;
    gmbs = beta * gmbs + dfgdvb * cd1;

    // Velocity saturation factor.
    let mut fdrain = 0.0;
    let (mut dfddvg, mut dfddvd, mut dfddvb) = (0.0, 0.0, 0.0);
    if p.vmax_m_s > 0.0 {
        fdrain = 1.0 / (1.0 + vdsx * onvdsc);
        let fd2 = fdrain * fdrain;
        let arga = fd2 * vdsx * onvdsc * onfg;
        dfddvg = -dfgdvg * arga;
        dfddvd = if vds > vdsat {
            -dfgdvd * arga
        } else {
            -dfgdvd * arga - fd2 * onvdsc
        };
        dfddvb = -dfgdvb * arga;
        gm = fdrain * gm + dfddvg * cdrain;
        gds = fdrain * gds + dfddvd * cdrain;
        gmbs = fdrain * gmbs + dfddvb * cdrain;
        cdrain *= fdrain;
    }

    // Channel-length modulation.
    let shortening = if vds <= vdsat {
        if p.vmax_m_s > 0.0 || p.alpha == 0.0 || p.bad_mos3 {
            None
        } else {
            let mut arga = vds / vdsat;
            let mut delxl = (p.kappa * p.alpha * vdsat / 8.0).sqrt();
            let dldvd = 4.0 * delxl * arga * arga * arga / vdsat;
            arga *= arga;
            arga *= arga;
            delxl *= arga;
            Some(Shortening {
                delxl,
                ddldvg: 0.0,
                ddldvd: -dldvd,
                ddldvb: 0.0,
                dldvd,
            })
        }
    } else if p.vmax_m_s <= 0.0 {
        let (delxl, dldvd) = if p.bad_mos3 {
            let delxl = (p.kappa * (vds - vdsat) * p.alpha).sqrt();
            (delxl, 0.5 * delxl / (vds - vdsat))
        } else {
            let delxl = (p.kappa * p.alpha * (vds - vdsat + (vdsat / 8.0))).sqrt();
            (delxl, 0.5 * delxl / (vds - vdsat + (vdsat / 8.0)))
        };
        Some(Shortening {
            delxl,
            ddldvg: 0.0,
            ddldvd: -dldvd,
            ddldvb: 0.0,
            dldvd,
        })
    } else if p.alpha == 0.0 {
        None
    } else {
        // With velocity saturation: the pinch-off field from the saturation conductance.
        let cdsat = cdrain;
        let mut gdsat = cdsat * (1.0 - fdrain) * onvdsc;
        gdsat = max_c(1.0e-12, gdsat);
        let gdoncd = gdsat / cdsat;
        let gdonfd = gdsat / (1.0 - fdrain);
        let gdonfg = gdsat * onfg;
        let dgdvg = gdoncd * gm - gdonfd * dfddvg + gdonfg * dfgdvg;
        let dgdvd = gdoncd * gds - gdonfd * dfddvd + gdonfg * dfgdvd;
        let dgdvb = gdoncd * gmbs - gdonfd * dfddvb + gdonfg * dfgdvb;
        let emax = if p.bad_mos3 {
            cdsat * oneoverxl / gdsat
        } else {
            p.kappa * cdsat * oneoverxl / gdsat
        };
        let emoncd = emax / cdsat;
        let emongd = emax / gdsat;
        let demdvg = emoncd * gm - emongd * dgdvg;
        let demdvd = emoncd * gds - emongd * dgdvd;
        let demdvb = emoncd * gmbs - emongd * dgdvb;
        let arga = 0.5 * emax * p.alpha;
        let argc = p.kappa * p.alpha;
        let argb = (arga * arga + argc * (vds - vdsat)).sqrt();
        let delxl = argb - arga;
        let (dldvd, dldem) = if argb != 0.0 {
            (argc / (argb + argb), 0.5 * (arga / argb - 1.0) * p.alpha)
        } else {
            (0.0, 0.0)
        };
        Some(Shortening {
            delxl,
            ddldvg: dldem * demdvg,
            ddldvd: dldem * demdvd - dldvd,
            ddldvb: dldem * demdvb,
            dldvd,
        })
    };
    let mut gds0 = 0.0;
    if let Some(mut s) = shortening {
        // Punch-through approximation.
        if s.delxl > 0.5 * leff {
            s.delxl = leff - (leff * leff / (4.0 * s.delxl));
            let arga = 4.0 * (leff - s.delxl) * (leff - s.delxl) / (leff * leff);
            s.ddldvg *= arga;
            s.ddldvd *= arga;
            s.ddldvb *= arga;
            s.dldvd *= arga;
        }
        let dlonxl = s.delxl * oneoverxl;
        let xlfact = 1.0 / (1.0 - dlonxl);
        cdrain *= xlfact;
        let diddl = cdrain / (leff - s.delxl);
        gm = gm * xlfact + diddl * s.ddldvg;
        gmbs = gmbs * xlfact + diddl * s.ddldvb;
        gds0 = diddl * s.ddldvd;
        gm += gds0 * dvsdvg;
        gmbs += gds0 * dvsdvb;
        gds = gds * xlfact + diddl * s.dldvd + gds0 * dvsdvd;
    }

    // Weak inversion.
    if vgs < von {
        let onxn = 1.0 / xn;
        let ondvt = onxn / vt;
        let wfact = ((vgs - von) * ondvt).exp();
        cdrain *= wfact;
        let gms = gm * wfact;
        let gmw = cdrain * ondvt;
        gm = gmw;
        if vds > vdsat {
            gm += gds0 * dvsdvg * wfact;
        }
        gds = gds * wfact + (gms - gmw) * dvodvd;
        gmbs = gmbs * wfact + (gms - gmw) * dvodvb - gmw * (vgs - von) * onxn * dxndvb;
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
mod tests {
    //! Against ngspice 39: `crates/solver/tests/data/mos3_dc.cir` (one transistor per model and
    //! drain voltage, gate and bulk swept), its raw file made by `regen-mos23.sh` beside it.

    use super::super::mos2::tests::{
        assert_matches_ngspice, check_derivatives, check_signs, close, Region,
    };
    use super::super::mos2::{temperature, EPS_SI};
    use super::*;

    /// A level-3 model card of `mos3_dc.cir` and its instances' temperature and length.
    #[derive(Clone, Copy)]
    struct Card {
        input: ProcessInput,
        delvto: f64,
        ld: f64,
        xl: f64,
        wd: f64,
        xw: f64,
        xj: f64,
        delta: f64,
        eta: f64,
        theta: f64,
        kappa: f64,
        vmax: f64,
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

    /// The five models of `mos3_dc.cir`, in the order of its transistors (four each).
    fn cards() -> Vec<Card> {
        let base = Card {
            input: input(300.15),
            delvto: 0.0,
            ld: 0.0,
            xl: 0.0,
            wd: 0.0,
            xw: 0.0,
            xj: 0.0,
            delta: 0.0,
            eta: 0.0,
            theta: 0.0,
            kappa: 0.2,
            vmax: 0.0,
            nfs: 0.0,
            temp_k: 300.15,
            l_m: 2e-6,
        };
        // vto=0.8 tox=2.5e-8 nsub=1e16 uo=600 theta=0.1 eta=0.5 kappa=0.5 vmax=1.5e5
        // delta=0.5 nfs=1e11 xj=0.3u ld=0.1u
        let full = Card {
            input: ProcessInput {
                vto: Some(0.8),
                tox_m: Some(2.5e-8),
                nsub_cm3: Some(1e16),
                uo_cm2: Some(600.0),
                ..input(300.15)
            },
            theta: 0.1,
            eta: 0.5,
            kappa: 0.5,
            vmax: 1.5e5,
            delta: 0.5,
            nfs: 1e11,
            xj: 0.3e-6,
            ld: 0.1e-6,
            ..base
        };
        // tox=4e-8 nsub=2e15 tpg=-1 nss=1e10 uo=700 theta=0.05 eta=1 kappa=1 xj=0.2u ld=0.15u
        // xl=0.05u wd=0.2u xw=-0.1u delvto=0.05
        let sat = Card {
            input: ProcessInput {
                tox_m: Some(4e-8),
                nsub_cm3: Some(2e15),
                tpg: Some(-1),
                nss_cm2: Some(1e10),
                uo_cm2: Some(700.0),
                ..input(300.15)
            },
            theta: 0.05,
            eta: 1.0,
            kappa: 1.0,
            xj: 0.2e-6,
            ld: 0.15e-6,
            xl: 0.05e-6,
            wd: 0.2e-6,
            xw: -0.1e-6,
            delvto: 0.05,
            ..base
        };
        // vto=0.6 kp=1e-4 gamma=0.4 phi=0.7 tox=3e-8 nfs=5e11 vmax=1e5 theta=0.2 delta=1
        let nosub = Card {
            input: ProcessInput {
                vto: Some(0.6),
                kp: Some(1e-4),
                gamma: Some(0.4),
                phi: Some(0.7),
                tox_m: Some(3e-8),
                ..input(300.15)
            },
            nfs: 5e11,
            vmax: 1e5,
            theta: 0.2,
            delta: 1.0,
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
        // vto=0.5 tox=2e-8 nsub=1e15 uo=500 theta=0.1 eta=1 kappa=2 ld=0.05u xj=0.2u nfs=2e11,
        // l=0.6u: punch-through.
        let short = Card {
            input: ProcessInput {
                vto: Some(0.5),
                tox_m: Some(2e-8),
                nsub_cm3: Some(1e15),
                uo_cm2: Some(500.0),
                ..input(300.15)
            },
            theta: 0.1,
            eta: 1.0,
            kappa: 2.0,
            ld: 0.05e-6,
            xj: 0.2e-6,
            nfs: 2e11,
            l_m: 0.6e-6,
            ..base
        };
        vec![full, sat, nosub, hot, short]
    }

    pub(crate) fn all_devices(bad: bool) -> Vec<Level3> {
        cards().iter().map(|c| device(c, bad)).collect()
    }

    /// The transistor `w=10u` of `card`.
    fn device(card: &Card, bad_mos3: bool) -> Level3 {
        let process = process_level3(&card.input, card.delta).unwrap();
        let shifted = Process {
            vto: process.common.vto + card.delvto,
            ..process.common
        };
        let channel = card.input.channel;
        let t = temperature(channel, &shifted, 0.8, card.input.tnom_k, card.temp_k);
        Level3::new(Level3Params {
            vt: t.vt,
            t_phi: t.t_phi,
            vbi: channel * t.t_vbi,
            t_kp: t.t_kp,
            t_uo_cm2: t.t_uo_cm2,
            l_m: card.l_m,
            w_m: 10e-6,
            ld_m: card.ld,
            xl_m: card.xl,
            wd_m: card.wd,
            xw_m: card.xw,
            m: 1.0,
            oxide_cap_factor: process.common.oxide_cap_factor,
            gamma: process.common.gamma,
            xd: process.common.xd,
            alpha: process.alpha,
            xj_m: card.xj,
            narrow_factor: process.narrow_factor,
            eta: card.eta,
            theta: card.theta,
            kappa: card.kappa,
            vmax_m_s: card.vmax,
            nfs_cm2: card.nfs,
            bad_mos3,
        })
    }

    #[test]
    fn reproduces_ngspice_level3() {
        let devices = all_devices(false);
        assert_matches_ngspice(
            include_str!("../../tests/data/mos3_dc.raw"),
            "level 3",
            |k, vg, vd, vb| drain_current(&devices[(k - 1) / 4], vg, vd, vb),
        );
    }

    /// Where ngspice's level-3 derivatives are exact: below saturation when no
    /// channel-length modulation applies there (VMAX set, or no NSUB), in strong and weak
    /// inversion, vbs <= 0 (`full`, `nosub`, `hot`); and gds in saturation without NSUB
    /// (`nosub`). Elsewhere ngspice leaves out terms (see the module documentation).
    #[test]
    fn level3_derivatives_are_those_of_the_current_below_saturation() {
        let cards = cards();
        for k in [0, 2, 3] {
            let d = device(&cards[k], false);
            let f = |a, b, c| drain_current(&d, a, b, c);
            let linear = |r: Region| matches!(r, Region::Linear | Region::SubLinear);
            let n = check_derivatives(f, [true, true, true], linear, true);
            assert!(n > 250, "model {k}: {n} comparisons");
        }
        let d = device(&cards[2], false);
        let f = |a, b, c| drain_current(&d, a, b, c);
        let saturated = |r: Region| r == Region::Saturated;
        assert!(check_derivatives(f, [false, true, false], saturated, true) > 100);
    }

    /// `.options badmos3` (`sat` of `mos3_dc.cir`, no VMAX): no shortening below saturation
    /// (ngspice's `(vds/vdsat)^4` term goes), SPICE3's `sqrt(KAPPA α (vds - vdsat))` beyond it,
    /// and derivatives that match the current below saturation.
    #[test]
    fn bad_mos3_changes_only_the_saturated_shortening() {
        let cards = cards();
        let good = device(&cards[1], false);
        let bad = device(&cards[1], true);
        let lin_good = drain_current(&good, 3.0, 0.1, -0.5);
        let lin_bad = drain_current(&bad, 3.0, 0.1, -0.5);
        // Below vdsat, badmos3 drops the (vds/vdsat)^4 shortening term: a smaller current.
        assert!(lin_bad.cdrain < lin_good.cdrain);
        let sat_good = drain_current(&good, 2.0, 3.7, -0.5);
        let sat_bad = drain_current(&bad, 2.0, 3.7, -0.5);
        assert!(sat_bad.vdsat == sat_good.vdsat && sat_bad.cdrain != sat_good.cdrain);
        // Hand check of the saturated current: Id = Id(vdsat) / (1 - ΔL/Leff) with
        // ΔL = sqrt(KAPPA α (vds - vdsat)) (KAPPA = 1), Id(vdsat) from the vds = vdsat point
        // without shortening (the linear-region term vanishes with badmos3); ETA = 0 so that
        // vth and vdsat do not move with vds.
        let bad = device(
            &Card {
                eta: 0.0,
                ..cards[1]
            },
            true,
        );
        let vdsat = drain_current(&bad, 2.0, 0.1, -0.5).vdsat;
        let sat_bad = drain_current(&bad, 2.0, vdsat + 0.5, -0.5);
        assert_eq!(sat_bad.vdsat, vdsat);
        let at_vdsat = drain_current(&bad, 2.0, vdsat, -0.5);
        let dl = (bad.p.kappa * bad.p.alpha * 0.5).sqrt();
        assert!(dl < 0.5 * bad.l_eff, "no punch-through: {dl}");
        let expected = at_vdsat.cdrain / (1.0 - dl / bad.l_eff);
        assert!(
            close(sat_bad.cdrain, expected, 1e-12, 0.0),
            "{} {expected}",
            sat_bad.cdrain
        );
        let f = |a, b, c| drain_current(&bad, a, b, c);
        let strong = |r: Region| r == Region::Linear;
        assert!(check_derivatives(f, [true, true, true], strong, false) > 100);
    }

    /// Level 3 scales the intrinsic density to TNOM: at 27 C, `ni = 1.45e16 (T/300)^1.5
    /// exp(Eg(T)/(2 vt(1 K)) (1/300 - 1/T))` = 1.45e16 * 1.01159451 m⁻³, so PHI from NSUB =
    /// 1e16 is 2 vt ln(1e22/ni) = 0.694856815 V (level 2: 0.695453147 V);
    /// α = XD² and δn = DELTA π εsi/(2 Cox).
    #[test]
    fn level3_process_by_hand() {
        let p = process_level3(
            &ProcessInput {
                nsub_cm3: Some(1e16),
                tox_m: Some(2.5e-8),
                ..input(300.15)
            },
            0.5,
        )
        .unwrap();
        assert!(close(p.common.phi, 0.6948568153359785, 1e-12, 0.0), "{p:?}");
        assert!(
            close(p.alpha, p.common.xd * p.common.xd, 1e-14, 0.0),
            "{p:?}"
        );
        let narrow = 0.5 * std::f64::consts::PI * EPS_SI / 2.0 / p.common.oxide_cap_factor;
        assert!(close(p.narrow_factor, narrow, 1e-14, 0.0), "{p:?}");
        let plain = process_level3(&input(300.15), 0.0).unwrap();
        assert_eq!(
            (plain.alpha, plain.narrow_factor, plain.common.xd),
            (0.0, 0.0, 0.0)
        );
    }

    /// p-channel (`p3`, vds 0 to -4 V, with DELVTO), the reversed n-channel (`full`,
    /// vds = -1 V) and `full` with M = 2 of `mos23_pmos_dc.cir`: the contract of
    /// [`Level3Params::vbi`], of the caller's swap (see `mos2`'s `terminal_current`) and of
    /// [`Level3Params::m`].
    #[test]
    fn pmos_and_reverse_mode_level3() {
        // tox=2.5e-8 nsub=2e16 tpg=1 nss=2e10 uo=250 theta=0.15 eta=0.4 kappa=0.6 vmax=1.2e5
        // delta=0.8 nfs=2e11 xj=0.25u ld=0.1u delvto=-0.05
        let cards = cards();
        let p3 = Card {
            input: ProcessInput {
                channel: -1.0,
                tox_m: Some(2.5e-8),
                nsub_cm3: Some(2e16),
                tpg: Some(1),
                nss_cm2: Some(2e10),
                uo_cm2: Some(250.0),
                ..input(300.15)
            },
            theta: 0.15,
            eta: 0.4,
            kappa: 0.6,
            vmax: 1.2e5,
            delta: 0.8,
            nfs: 2e11,
            xj: 0.25e-6,
            ld: 0.1e-6,
            delvto: -0.05,
            ..cards[1]
        };
        let p3 = Card {
            xl: 0.0,
            wd: 0.0,
            xw: 0.0,
            ..p3
        };
        let p = device(&p3, false);
        check_signs(&[5, 6, 7, 8], -1.0, |a, b, c| drain_current(&p, a, b, c));
        let n = device(&cards[0], false);
        check_signs(&[10], 1.0, |a, b, c| drain_current(&n, a, b, c));
        let twice = Level3::new(Level3Params { m: 2.0, ..n.p });
        check_signs(&[12], 1.0, |a, b, c| drain_current(&twice, a, b, c));
    }
}
