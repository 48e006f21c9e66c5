//! MOSFET `M d g s b model [l= w= ad= as= pd= ps= nrd= nrs= m= off ic= temp=]`, ngspice's
//! levels 1-3 (`mos1`, `mos2`, `mos3`): one device whose level picks the drain-current
//! function; everything else (limiting, bulk junctions, Meyer and overlap capacitances, RD/RS,
//! temperature, noise, convergence) is shared and follows `mos1load.c`, `mos1temp.c`,
//! `mos1acld.c`, `mos1noi.c`, `mos1conv.c` and `devsup.c` of ngspice 39.
//!
//! **Coordinates.** Voltages are taken in "n-type" form: `vgs = type*(v(g) - v(s'))`, likewise
//! `vds`, `vbs`, with `type` = +1 (NMOS) or -1 (PMOS) and `d'`, `s'` the drain and source behind
//! RD and RS (internal nodes `m1#drain`, `m1#source` when RD/RS or RSH*NRD/NRS are non-zero).
//! When `vds < 0` the device runs in inverse mode: drain and source swap roles and the level's
//! current function sees `(vgd, -vds, vbd)`.
//!
//! **Level 1** (Shichman-Hodges, SPICE2): with `beta = KP(T)*M*W/Leff`, `Leff = L - 2 LD`,
//! `sarg = sqrt(PHI(T) - vbs)` (for `vbs > 0`: `sqrt(PHI) - vbs/(2 sqrt(PHI))`, at least 0),
//! `von = VBI(T)*type + GAMMA*sarg`, `vgst = vgs - von`, `vdsat = max(vgst, 0)`:
//! - cutoff `vgst <= 0`: `Id = 0`;
//! - saturation `vgst <= vds`: `Id = beta (1 + LAMBDA vds) vgst^2 / 2`;
//! - linear: `Id = beta (1 + LAMBDA vds) vds (vgst - vds/2)`;
//!   `gm`, `gds` are the exact derivatives; `gmbs = gm * GAMMA/(2 sarg)`.
//!
//! **Bulk junctions** (drain-bulk and source-bulk diodes): `Ibs = IS_s (exp(vbs/Vt) - 1) +
//! GMIN vbs` for `vbs > -3 Vt`, `GMIN vbs - IS_s` below; `IS_s = M*IS(T)` (or `JS(T)*M*AS` when
//! JS, AD and AS are all non-zero). Depletion charge with bottom `CBS` (or `CJ*AS`) and sidewall
//! `CJSW*PS` parts, grading MJ/MJSW, potential `PB(T)`, linearised above `FC*PB`.
//!
//! **Meyer capacitances** (`DEVqmeyer`): from `vgs`, `vgd`, `von`, `vdsat` and
//! `Cox*Leff*W*M` (`Cox = 3.9 eps0/TOX`, none without TOX at level 1), each of Cgs, Cgd, Cgb is
//! the average of its values at the last accepted point and this iteration's, plus the overlap
//! `CGSO*W*M`, `CGDO*W*M`, `CGBO*Leff*M`; the charge is integrated incrementally,
//! `q = q_accepted + C*(v - v_accepted)`, as `mos1load.c` does. Only the gate charges take part
//! in the truncation-error step control (`mos1trun.c`).
//!
//! **Temperature** (`mos1temp.c`, T the instance temperature, Tn = TNOM, Tr = 300.15 K):
//! `KP(T) = KP (T/Tn)^-1.5`, `PHI(T) = T/Tr*(PHI - pbfact(Tn))*Tr/Tn + pbfact(T)`,
//! `VBI(T) = VTO - type*GAMMA sqrt(PHI) + (Eg(Tn) - Eg(T))/2 + type*(PHI(T) - PHI)/2`,
//! `IS(T) = IS exp(-Eg(T)/Vt(T) + Eg(Tn)/Vt(Tn))`, `PB(T)` and the junction capacitances as the
//! diode's.
//!
//! **Noise** (`mos1noi.c` of ngspice 39): `_rd`, `_rs` thermal noise of RD and RS, `_id` channel
//! thermal noise `4kT (2/3)|gm|` between `d'` and `s'`, `_1overf` flicker noise
//! `KF |Id|^AF / (f W M Leff Cox^2)` (`Cox` of TOX = 1e-7 m when TOX is not given) between `d'`
//! and `s'`, `Id` the drain current `mode*Ich - Ibd`.
//!
//! **Limiting** (ngspice's): `fetlim` on `vgs` (or `vgd` in inverse mode) around the last
//! `von`, `limvds` on `vds`, `pnjlim` on `vbs` (or `vbd`); only the junction limiter marks the
//! iteration unconverged, as in ngspice. There is no current test: `mos1conv.c`'s has no effect
//! in ngspice 39 (`NIconvTest` sets `CKTnoncon` to `CKTconvTest`'s return value, which is OK
//! whatever the devices found), so the node voltages alone decide, and balun matches that.
//!
//! Parameters, units and defaults: [`circuit::MosModel`] and [`circuit::MosInstance`].

use super::limit::{fetlim, limvds, pnjlim};
use super::mos2::{self, Level2, Level2Params, ProcessInput};
use super::mos3::{self, Level3, Level3Params};
use super::nonlinear::{voltage, Load, Mode, Nonlinear, State};
use super::{NoiseDensity, NoiseSource, BOLTZMANN, CELSIUS_TO_KELVIN, CHARGE, N_MINLOG};
use crate::mna::Stamper;
use circuit::{MosInstance, MosModel, NodeId, Options};

/// Boltzmann constant over electron charge (V/K), ngspice's `CONSTKoverQ`.
const K_OVER_Q: f64 = BOLTZMANN / CHARGE;
/// ngspice's reference temperature `REFTEMP` (27 C) in kelvin.
const REFERENCE_K: f64 = 300.15;
/// Vacuum permittivity as ngspice writes it in the MOS models (F/m).
const EPS0: f64 = 8.854_214_871e-12;
/// Silicon dioxide's relative permittivity.
const EPS_OX: f64 = 3.9;
/// Silicon's relative permittivity.
const EPS_SI: f64 = 11.7;
/// ngspice's `MAX_EXP_ARG`.
const MAX_EXP_ARG: f64 = 709.0;

/// A level's drain-current function: from the temperature-adjusted [`Params`] and the
/// mode-normalised voltages `(vgs, vds >= 0, vbs)` (n-type coordinates; in inverse mode the
/// caller passes `(vgd, -vds, vbd)`), the channel current `cdrain` (A, flowing from the
/// effective drain to the effective source) and its derivatives `gm = d/dvgs`, `gds = d/dvds`,
/// `gmbs = d/dvbs` (S), the threshold `von` and the saturation voltage `vdsat` (V, n-type).
pub type DrainCurrentFn = fn(&Params, f64, f64, f64) -> (f64, f64, f64, f64, f64, f64);

/// The drain-current function of each level balun simulates (elaboration rejects the others;
/// see `circuit::MosModel::IMPLEMENTED_LEVELS`).
pub fn drain_current_fn(level: u32) -> Option<DrainCurrentFn> {
    match level {
        1 => Some(level1),
        2 | 3 => Some(level23),
        _ => None,
    }
}

/// A MOSFET's model and instance evaluated at its temperature: what the drain-current
/// functions and the rest of the device read. Every field is SI (mobility in cm^2/Vs, as
/// SPICE's U0).
#[derive(Debug, Clone)]
#[allow(dead_code)] // `kp_t`, `u0_t`: for the level 2 and 3 current functions
pub struct Params {
    /// The model card with its level-dependent defaults (`mjsw`, `tox`) filled in and VTO,
    /// GAMMA, PHI, KP derived as ngspice's `temp` routines do.
    pub model: MosModel,
    /// ngspice's `type`: +1 NMOS, -1 PMOS.
    pub sign: f64,
    /// Device temperature (K) and thermal voltage `kT/q` there (V).
    pub temp_k: f64,
    pub vt: f64,
    /// Drawn width W (m), effective length `Leff = L - 2 LD` (m), multiplier M.
    pub w: f64,
    pub l_eff: f64,
    pub m: f64,
    /// Oxide capacitance per area `3.9 eps0 / TOX` (F/m^2; 0 at level 1 without TOX) and the
    /// gate's `Cox*W*Leff*M` (F).
    pub cox: f64,
    pub oxide_cap: f64,
    /// `KP(T)` (A/V^2) and `beta = KP(T)*M*W/Leff` (A/V^2).
    pub kp_t: f64,
    pub beta: f64,
    /// `U0(T) = U0 (T/Tn)^-1.5` (cm^2/Vs).
    pub u0_t: f64,
    /// `PHI(T)` (V, ngspice's `tPhi`).
    pub phi_t: f64,
    /// `VBI(T)` (V, ngspice's `tVbi`, in the model's sign: multiply by `sign` for n-type).
    pub vbi_t: f64,
    /// `VTO(T)` (V, ngspice's `tVto`, model sign).
    pub vto_t: f64,
    /// GAMMA (V^0.5) and LAMBDA (1/V) as used by the current equations.
    pub gamma: f64,
    pub lambda: f64,
    /// The level 2 or 3 drain-current evaluator built for this instance (`None` at level 1).
    pub(crate) eval: Option<Evaluator>,
}

/// The per-instance drain-current constants of levels 2 and 3 (`mos2.rs`, `mos3.rs`).
#[derive(Debug, Clone)]
pub(crate) enum Evaluator {
    Level2(Level2),
    Level3(Level3),
}

/// Silicon's band gap (eV) at `t` kelvin.
fn band_gap_ev(t: f64) -> f64 {
    1.16 - 7.02e-4 * t * t / (t + 1108.0)
}

/// SPICE's `pbfact` at `t` kelvin (V).
fn potential_term(t: f64) -> f64 {
    let kt = BOLTZMANN * t;
    let arg = -band_gap_ev(t) / (kt + kt) + 1.1150877 / (BOLTZMANN * (REFERENCE_K + REFERENCE_K));
    -2.0 * K_OVER_Q * t * (1.5 * (t / REFERENCE_K).ln() + CHARGE * arg)
}

impl Params {
    /// Evaluates `model` for `inst` at the instance's temperature (else `temp_c`), with the
    /// parameters given at the model's TNOM (else `tnom_c`).
    pub fn new(
        model: &MosModel,
        inst: &MosInstance,
        (l, w): (f64, f64),
        temp_c: f64,
        tnom_c: f64,
    ) -> Params {
        let mut m = *model;
        let sign = m.type_sign();
        let tnom = m.tnom_c.unwrap_or(tnom_c) + CELSIUS_TO_KELVIN;
        let temp = inst.temp_c.unwrap_or(temp_c) + CELSIUS_TO_KELVIN;
        let vtnom = tnom * K_OVER_Q;
        let egfet1 = band_gap_ev(tnom);
        let pbfact1 = potential_term(tnom);
        let fact1 = tnom / REFERENCE_K;
        if m.mjsw.is_none() {
            m.mjsw = Some(if m.level == 1 { 0.5 } else { 0.33 });
        }
        if m.level != 1 && m.tox_m.is_none() {
            m.tox_m = Some(1e-7);
        }
        let mut phi = m.phi_v.unwrap_or(0.6);
        let mut gamma = m.gamma.unwrap_or(0.0);
        let mut vto = m.vto_v.unwrap_or(0.0);
        let mut kp = m.kp.unwrap_or(2e-5);
        let u0 = m.u0.unwrap_or(600.0);
        let cox = match m.tox_m {
            Some(tox) if tox != 0.0 => EPS_OX * EPS0 / tox,
            _ => 0.0,
        };
        if cox != 0.0 {
            if m.kp.is_none() {
                kp = u0 * cox * 1e-4;
            }
            if let Some(nsub) = m.nsub.filter(|n| n * 1e6 > 1.45e16) {
                if m.phi_v.is_none() {
                    phi = (2.0 * vtnom * (nsub * 1e6 / 1.45e16).ln()).max(0.1);
                }
                let fermis = sign * 0.5 * phi;
                let mut wkfng = 3.2;
                let tpg = m.tpg.unwrap_or(1.0);
                if tpg != 0.0 {
                    let fermig = sign * tpg * 0.5 * egfet1;
                    wkfng = 3.25 + 0.5 * egfet1 - fermig;
                }
                let wkfngs = wkfng - (3.25 + 0.5 * egfet1 + fermis);
                if m.gamma.is_none() {
                    gamma = (2.0 * EPS_SI * EPS0 * CHARGE * nsub * 1e6).sqrt() / cox;
                }
                if m.vto_v.is_none() {
                    let vfb = wkfngs - m.nss.unwrap_or(0.0) * 1e4 * CHARGE / cox;
                    vto = vfb + sign * (gamma * phi.sqrt() + phi);
                }
            }
        }
        m.phi_v = Some(phi);
        m.gamma = Some(gamma);
        m.vto_v = Some(vto);
        m.kp = Some(kp);

        let vt = temp * K_OVER_Q;
        let ratio = temp / tnom;
        let fact2 = temp / REFERENCE_K;
        let egfet = band_gap_ev(temp);
        let pbfact = potential_term(temp);
        let ratio4 = ratio * ratio.sqrt();
        let phio = (phi - pbfact1) / fact1;
        let phi_t = fact2 * phio + pbfact;
        let vbi_t =
            vto - sign * (gamma * phi.sqrt()) + 0.5 * (egfet1 - egfet) + sign * 0.5 * (phi_t - phi);
        let vto_t = vbi_t + sign * gamma * phi_t.sqrt();
        let l_eff = l - 2.0 * m.ld_m;
        let kp_t = kp / ratio4;
        let eval = level23_evaluator(model, &m, inst, (l, w), tnom, temp);
        let (l_eff, oxide_cap) = match &eval {
            Some(Evaluator::Level2(d)) => (d.l_eff, d.oxide_cap),
            Some(Evaluator::Level3(d)) => (d.l_eff, d.oxide_cap),
            None => (l_eff, cox * l_eff * inst.m * w),
        };
        Params {
            model: m,
            sign,
            temp_k: temp,
            vt,
            w,
            l_eff,
            m: inst.m,
            cox,
            oxide_cap,
            kp_t,
            beta: kp_t * inst.m * w / l_eff,
            u0_t: u0 / ratio4,
            phi_t,
            vbi_t,
            vto_t,
            gamma,
            lambda: m.lambda,
            eval,
        }
    }
}

/// Builds the level 2 or 3 evaluator (`mos2temp.c` / `mos3temp.c` preprocessing, then the
/// instance temperature values) from the card as given (`card`) and with its defaults filled
/// (`m`); `tnom`, `temp` in kelvin. `None` at level 1.
fn level23_evaluator(
    card: &MosModel,
    m: &MosModel,
    inst: &MosInstance,
    (l, w): (f64, f64),
    tnom: f64,
    temp: f64,
) -> Option<Evaluator> {
    if m.level != 2 && m.level != 3 {
        return None;
    }
    let sign = m.type_sign();
    let mut input = ProcessInput {
        channel: sign,
        tnom_k: tnom,
        tox_m: card.tox_m,
        uo_cm2: card.u0,
        kp: card.kp,
        nsub_cm3: card.nsub,
        phi: card.phi_v,
        gamma: card.gamma,
        vto: card.vto_v,
        nss_cm2: card.nss,
        tpg: card.tpg.map(|t| t as i32),
    };
    // ngspice stops on these model errors; balun falls back to the card without NSUB and a
    // positive PHI rather than failing at this point.
    let fallback = |input: &mut ProcessInput| {
        input.nsub_cm3 = None;
        input.phi = Some(input.phi.unwrap_or(0.6).max(0.1));
    };
    if m.level == 2 {
        let process = mos2::process_level2(&input).unwrap_or_else(|_| {
            fallback(&mut input);
            mos2::process_level2(&input).expect("valid fallback process")
        });
        let t = mos2::temperature(sign, &process, m.pb_v, tnom, temp);
        Some(Evaluator::Level2(Level2::new(Level2Params {
            vt: t.vt,
            t_phi: t.t_phi,
            vbi: sign * t.t_vbi,
            t_pb: t.t_pb,
            t_kp: t.t_kp,
            l_m: l,
            w_m: w,
            ld_m: m.ld_m,
            m: inst.m,
            oxide_cap_factor: process.oxide_cap_factor,
            gamma: process.gamma,
            nsub_cm3: process.nsub_cm3,
            xd: process.xd,
            xj_m: m.xj_m,
            delta: m.delta,
            lambda: m.lambda,
            ucrit_v_cm: m.ucrit,
            uexp: m.uexp,
            uo_cm2: process.uo_cm2,
            vmax_m_s: m.vmax,
            neff: m.neff,
            nfs_cm2: m.nfs,
        })))
    } else {
        let lp = mos3::process_level3(&input, m.delta).unwrap_or_else(|_| {
            fallback(&mut input);
            mos3::process_level3(&input, m.delta).expect("valid fallback process")
        });
        let process = lp.common;
        let t = mos2::temperature(sign, &process, m.pb_v, tnom, temp);
        Some(Evaluator::Level3(Level3::new(Level3Params {
            vt: t.vt,
            t_phi: t.t_phi,
            vbi: sign * t.t_vbi,
            t_kp: t.t_kp,
            t_uo_cm2: t.t_uo_cm2,
            l_m: l,
            w_m: w,
            ld_m: m.ld_m,
            xl_m: m.xl_m,
            wd_m: m.wd_m,
            xw_m: m.xw_m,
            m: inst.m,
            oxide_cap_factor: process.oxide_cap_factor,
            gamma: process.gamma,
            xd: process.xd,
            alpha: lp.alpha,
            xj_m: m.xj_m,
            narrow_factor: lp.narrow_factor,
            eta: m.eta,
            theta: m.theta,
            kappa: m.kappa,
            vmax_m_s: m.vmax,
            nfs_cm2: m.nfs,
            bad_mos3: false,
        })))
    }
}

/// Levels 2 and 3: the instance's [`Evaluator`] (`mos2load.c`, `mos3load.c`).
pub fn level23(p: &Params, vgs: f64, vds: f64, vbs: f64) -> (f64, f64, f64, f64, f64, f64) {
    let d = match &p.eval {
        Some(Evaluator::Level2(d)) => mos2::drain_current(d, vgs, vds, vbs),
        Some(Evaluator::Level3(d)) => mos3::drain_current(d, vgs, vds, vbs),
        None => unreachable!("levels 2 and 3 build their evaluator"),
    };
    (d.cdrain, d.gm, d.gds, d.gmbs, d.von, d.vdsat)
}

/// Level 1 (Shichman-Hodges, `mos1load.c`): see the module documentation.
pub fn level1(p: &Params, vgs: f64, vds: f64, vbs: f64) -> (f64, f64, f64, f64, f64, f64) {
    let sarg = if vbs <= 0.0 {
        (p.phi_t - vbs).sqrt()
    } else {
        let s = p.phi_t.sqrt();
        (s - vbs / (s + s)).max(0.0)
    };
    let von = p.vbi_t * p.sign + p.gamma * sarg;
    let vgst = vgs - von;
    let vdsat = vgst.max(0.0);
    let arg = if sarg <= 0.0 {
        0.0
    } else {
        p.gamma / (sarg + sarg)
    };
    if vgst <= 0.0 {
        return (0.0, 0.0, 0.0, 0.0, von, vdsat);
    }
    let betap = p.beta * (1.0 + p.lambda * vds);
    if vgst <= vds {
        let cdrain = betap * vgst * vgst * 0.5;
        let gm = betap * vgst;
        let gds = p.lambda * p.beta * vgst * vgst * 0.5;
        (cdrain, gm, gds, gm * arg, von, vdsat)
    } else {
        let cdrain = betap * vds * (vgst - 0.5 * vds);
        let gm = betap * vds;
        let gds = betap * (vgst - vds) + p.lambda * p.beta * vds * (vgst - 0.5 * vds);
        (cdrain, gm, gds, gm * arg, von, vdsat)
    }
}

/// ngspice's `DEVqmeyer`: half of the bias-dependent Meyer capacitances `(cgs, cgd, cgb)` (F)
/// at `vgs`, `vgd` (normal-mode orientation), threshold `von` and saturation voltage `vdsat`.
pub fn qmeyer(vgs: f64, vgd: f64, von: f64, vdsat: f64, phi: f64, cox: f64) -> (f64, f64, f64) {
    const MAGIC_VDS: f64 = 0.025;
    let vgst = vgs - von;
    let vdsat = vdsat.max(MAGIC_VDS);
    if vgst <= -phi {
        (0.0, 0.0, cox / 2.0)
    } else if vgst <= -phi / 2.0 {
        (0.0, 0.0, -vgst * cox / (2.0 * phi))
    } else if vgst <= 0.0 {
        let cgb = -vgst * cox / (2.0 * phi);
        let cgs = vgst * cox / (1.5 * phi) + cox / 3.0;
        let vds = vgs - vgd;
        if vds >= vdsat {
            (cgs, 0.0, cgb)
        } else {
            let vddif = 2.0 * vdsat - vds;
            let vddif1 = vdsat - vds;
            let vddif2 = vddif * vddif;
            (
                cgs * (1.0 - vddif1 * vddif1 / vddif2),
                cgs * (1.0 - vdsat * vdsat / vddif2),
                cgb,
            )
        }
    } else {
        let vds = vgs - vgd;
        if vdsat <= vds {
            (cox / 3.0, 0.0, 0.0)
        } else {
            let vddif = 2.0 * vdsat - vds;
            let vddif1 = vdsat - vds;
            let vddif2 = vddif * vddif;
            (
                cox * (1.0 - vddif1 * vddif1 / vddif2) / 3.0,
                cox * (1.0 - vdsat * vdsat / vddif2) / 3.0,
                0.0,
            )
        }
    }
}

/// One bulk junction (drain-bulk or source-bulk) at the device temperature.
#[derive(Debug, Clone, Copy)]
struct Junction {
    /// Saturation current (A).
    is: f64,
    /// Critical voltage for `pnjlim` (V).
    vcrit: f64,
    /// Zero-bias bottom and sidewall capacitances (F).
    cz: f64,
    czsw: f64,
    /// `f2`, `f3`, `f4` of the linearised charge above `FC*PB(T)`.
    f2: f64,
    f3: f64,
    f4: f64,
}

/// The junction-capacitance parameters shared by both junctions.
#[derive(Debug, Clone, Copy)]
struct Depletion {
    /// `PB(T)` (V), `FC*PB(T)` (V), MJ and MJSW.
    pb: f64,
    dep_cap: f64,
    mj: f64,
    mjsw: f64,
}

impl Junction {
    fn new(is: f64, vcrit: f64, cz: f64, czsw: f64, fc: f64, dep: &Depletion) -> Junction {
        let arg = 1.0 - fc;
        let sarg = (-dep.mj * arg.ln()).exp();
        let sargsw = (-dep.mjsw * arg.ln()).exp();
        let f2 = cz * (1.0 - fc * (1.0 + dep.mj)) * sarg / arg
            + czsw * (1.0 - fc * (1.0 + dep.mjsw)) * sargsw / arg;
        let f3 = cz * dep.mj * sarg / arg / dep.pb + czsw * dep.mjsw * sargsw / arg / dep.pb;
        let f4 = cz * dep.pb * (1.0 - arg * sarg) / (1.0 - dep.mj)
            + czsw * dep.pb * (1.0 - arg * sargsw) / (1.0 - dep.mjsw)
            - f3 / 2.0 * dep.dep_cap * dep.dep_cap
            - dep.dep_cap * f2;
        Junction {
            is,
            vcrit,
            cz,
            czsw,
            f2,
            f3,
            f4,
        }
    }

    /// Current and conductance at `v` (bulk minus drain/source), GMIN included.
    fn current(&self, v: f64, vt: f64, gmin: f64) -> (f64, f64) {
        if v <= -3.0 * vt {
            (gmin * v - self.is, gmin)
        } else {
            let e = (v / vt).min(MAX_EXP_ARG).exp();
            (self.is * (e - 1.0) + gmin * v, self.is * e / vt + gmin)
        }
    }

    /// Depletion charge and capacitance at `v`.
    fn charge(&self, v: f64, dep: &Depletion) -> (f64, f64) {
        if self.cz == 0.0 && self.czsw == 0.0 {
            return (0.0, 0.0);
        }
        if v < dep.dep_cap {
            let arg = 1.0 - v / dep.pb;
            let sarg = (-dep.mj * arg.ln()).exp();
            let sargsw = (-dep.mjsw * arg.ln()).exp();
            let q = dep.pb
                * (self.cz * (1.0 - arg * sarg) / (1.0 - dep.mj)
                    + self.czsw * (1.0 - arg * sargsw) / (1.0 - dep.mjsw));
            (q, self.cz * sarg + self.czsw * sargsw)
        } else {
            (
                self.f4 + v * (self.f2 + v * self.f3 / 2.0),
                self.f2 + self.f3 * v,
            )
        }
    }
}

/// Indices into a MOSFET's state (voltages in n-type coordinates).
mod st {
    pub const VBS: usize = 0;
    pub const VBD: usize = 1;
    pub const VGS: usize = 2;
    pub const VDS: usize = 3;
    /// Half Meyer capacitances at the last load (`DEVqmeyer`'s outputs).
    pub const CAPGS: usize = 4;
    pub const CAPGD: usize = 5;
    pub const CAPGB: usize = 6;
    /// ngspice's `cd` (`mode*cdrain - cbd`), `cbs`, `cbd` (DC parts, GMIN included).
    pub const CD: usize = 7;
    pub const CBS: usize = 8;
    pub const CBD: usize = 9;
    pub const GM: usize = 10;
    pub const GDS: usize = 11;
    pub const GMBS: usize = 12;
    pub const GBD: usize = 13;
    pub const GBS: usize = 14;
    /// +1 normal, -1 inverse.
    pub const MODE: usize = 15;
    /// Threshold and saturation voltage (n-type) at the last load.
    pub const VON: usize = 16;
    pub const VDSAT: usize = 17;
    pub const CDRAIN: usize = 18;
    /// The accepted point's VBS, VGS, VDS as the last load saw them (so, once that point is
    /// accepted, the voltages two points back, for the predictor), and how many accepted
    /// points the history holds.
    pub const VBS_BEFORE: usize = 19;
    pub const VGS_BEFORE: usize = 20;
    pub const VDS_BEFORE: usize = 21;
    pub const DEPTH: usize = 22;
    pub const LEN: usize = 23;
}

/// Charges: the three Meyer gate charges (in the truncation-error control), then the
/// bulk-drain and bulk-source depletion charges.
const QGS: usize = 0;
const QGD: usize = 1;
const QGB: usize = 2;
const QBD: usize = 3;
const QBS: usize = 4;

/// Matrix positions of the nonlinear part, in this order.
const GG: usize = 0;
const BB: usize = 1;
const DPDP: usize = 2;
const SPSP: usize = 3;
const GB: usize = 4;
const GDP: usize = 5;
const GSP: usize = 6;
const BG: usize = 7;
const BDP: usize = 8;
const BSP: usize = 9;
const DPG: usize = 10;
const DPB: usize = 11;
const DPSP: usize = 12;
const SPG: usize = 13;
const SPB: usize = 14;
const SPDP: usize = 15;

/// A MOSFET placed in the matrix.
#[derive(Debug, Clone)]
pub struct MosfetInstance {
    p: Params,
    current: DrainCurrentFn,
    /// External drain and source, gate, bulk, and the drain and source behind RD/RS.
    d: Option<usize>,
    s: Option<usize>,
    g: Option<usize>,
    b: Option<usize>,
    dp: Option<usize>,
    sp: Option<usize>,
    /// Drain and source conductances `M/RD`, `M/RS` (S; 0 = none).
    gdrain: f64,
    gsource: f64,
    drain: Junction,
    source: Junction,
    dep: Depletion,
    /// Overlap capacitances (F).
    cgso: f64,
    cgdo: f64,
    cgbo: f64,
    off: bool,
    /// `ic=` as n-type `(vds, vgs, vbs)`.
    ic: [f64; 3],
    slots: [Option<usize>; 16],
}

/// Everything a load computes at one bias point (n-type coordinates).
struct Point {
    mode: f64,
    cdrain: f64,
    gm: f64,
    gds: f64,
    gmbs: f64,
    von: f64,
    vdsat: f64,
    cbs: f64,
    gbs: f64,
    cbd: f64,
    gbd: f64,
}

impl MosfetInstance {
    /// Evaluates the channel and the junctions at `(vbs, vgs, vds)`.
    fn evaluate(&self, vbs: f64, vgs: f64, vds: f64, gmin: f64) -> Point {
        let vbd = vbs - vds;
        let vgd = vgs - vds;
        let vt = self.p.vt;
        let (cbs, gbs) = self.source.current(vbs, vt, gmin);
        let (cbd, gbd) = self.drain.current(vbd, vt, gmin);
        let mode = if vds >= 0.0 { 1.0 } else { -1.0 };
        let (cdrain, gm, gds, gmbs, von, vdsat) = if mode > 0.0 {
            (self.current)(&self.p, vgs, vds, vbs)
        } else {
            (self.current)(&self.p, vgd, -vds, vbd)
        };
        Point {
            mode,
            cdrain,
            gm,
            gds,
            gmbs,
            von,
            vdsat,
            cbs,
            gbs,
            cbd,
            gbd,
        }
    }

    /// Half Meyer capacitances `(cgs, cgd, cgb)` at a point, in the device's orientation.
    fn meyer(&self, vgs: f64, vds: f64, mode: f64, von: f64, vdsat: f64) -> (f64, f64, f64) {
        let vgd = vgs - vds;
        let (phi, cox) = (self.p.phi_t, self.p.oxide_cap);
        if mode > 0.0 {
            qmeyer(vgs, vgd, von, vdsat, phi, cox)
        } else {
            let (cgd, cgs, cgb) = qmeyer(vgd, vgs, von, vdsat, phi, cox);
            (cgs, cgd, cgb)
        }
    }

    fn add(&self, values: &mut [f64], k: usize, v: f64) {
        if let Some(s) = self.slots[k] {
            values[s] += v;
        }
    }

    /// Stamps the conductance part shared by the DC/transient and AC loads.
    fn stamp_conductances(&self, values: &mut [f64], pt: &Point, gbd: f64, gbs: f64) {
        let (xnrm, xrev) = if pt.mode > 0.0 {
            (1.0, 0.0)
        } else {
            (0.0, 1.0)
        };
        let (gm, gds, gmbs) = (pt.gm, pt.gds, pt.gmbs);
        self.add(values, BB, gbd + gbs);
        self.add(values, DPDP, gds + gbd + xrev * (gm + gmbs));
        self.add(values, SPSP, gds + gbs + xnrm * (gm + gmbs));
        self.add(values, BDP, -gbd);
        self.add(values, BSP, -gbs);
        self.add(values, DPG, (xnrm - xrev) * gm);
        self.add(values, DPB, -gbd + (xnrm - xrev) * gmbs);
        self.add(values, DPSP, -gds - xnrm * (gm + gmbs));
        self.add(values, SPG, -(xnrm - xrev) * gm);
        self.add(values, SPB, -gbs - (xnrm - xrev) * gmbs);
        self.add(values, SPDP, -gds - xrev * (gm + gmbs));
    }

    /// Stamps the gate capacitances (or their companion conductances) `cgs`, `cgd`, `cgb`
    /// and the junction ones `cbd`, `cbs` into `values`.
    fn stamp_capacitances(&self, values: &mut [f64], c: [f64; 5]) {
        let [cgs, cgd, cgb, cbd, cbs] = c;
        self.add(values, GG, cgd + cgs + cgb);
        self.add(values, BB, cgb + cbd + cbs);
        self.add(values, DPDP, cgd + cbd);
        self.add(values, SPSP, cgs + cbs);
        self.add(values, GB, -cgb);
        self.add(values, GDP, -cgd);
        self.add(values, GSP, -cgs);
        self.add(values, BG, -cgb);
        self.add(values, BDP, -cbd);
        self.add(values, BSP, -cbs);
        self.add(values, DPG, -cgd);
        self.add(values, DPB, -cbd);
        self.add(values, SPG, -cgs);
        self.add(values, SPB, -cbs);
    }

    /// The n-type terminal voltages `(vbs, vgs, vds)` of solution `x`.
    fn voltages(&self, x: &[f64]) -> (f64, f64, f64) {
        let vs = voltage(x, self.sp);
        let t = self.p.sign;
        (
            t * (voltage(x, self.b) - vs),
            t * (voltage(x, self.g) - vs),
            t * (voltage(x, self.dp) - vs),
        )
    }
}

impl Nonlinear for MosfetInstance {
    fn state_len(&self) -> usize {
        st::LEN
    }

    fn charge_len(&self) -> usize {
        5
    }

    fn charge_in_lte(&self, k: usize) -> bool {
        k <= QGB
    }

    fn resolve(&mut self, slot: &dyn Fn(usize) -> usize) {
        for s in &mut self.slots {
            *s = s.map(slot);
        }
    }

    fn load(&self, x: &[f64], state: State, load: &mut Load) -> bool {
        let opts = load.options;
        let stt = state.now;
        let acc = state.accepted;
        let vt = self.p.vt;
        let (mut vbs, mut vgs, mut vds) = self.voltages(x);
        let mut converged = true;
        stt[st::VBS_BEFORE] = acc[st::VBS];
        stt[st::VGS_BEFORE] = acc[st::VGS];
        stt[st::VDS_BEFORE] = acc[st::VDS];
        stt[st::DEPTH] = acc[st::DEPTH] + 1.0;
        if load.init_junctions {
            // MODEINITJCT: start from `ic=`, else from VTO with the bulk reverse biased.
            if self.off {
                (vbs, vgs, vds) = (0.0, 0.0, 0.0);
            } else {
                let [icvds, icvgs, icvbs] = self.ic;
                (vds, vgs, vbs) = (icvds, icvgs, icvbs);
                if vds == 0.0 && vgs == 0.0 && vbs == 0.0 {
                    vbs = -1.0;
                    vgs = self.p.sign * self.p.vto_t;
                    vds = 0.0;
                }
            }
            converged = false;
        } else if load.init_fix && self.off {
            // MODEINITFIX: an `off` device stays off.
            (vbs, vgs, vds) = (0.0, 0.0, 0.0);
        } else if load.mode != Mode::TranInit {
            // Only the junction limiter marks the iteration unconverged (ngspice's `Check`):
            // ngspice 39's device convergence tests (`mos1conv.c`) have no effect, since
            // `NIconvTest` overwrites `CKTnoncon` with `CKTconvTest`'s return value (OK).
            if let Some(xfact) = load.predict.filter(|_| !self.off) {
                // MODEINITPRED (mos1load.c): extrapolate over the last two accepted points
                // (the same point twice while only one is known) and limit against the last
                // one's voltages (`von` is an instance value in ngspice: the last load's).
                let before = |k: usize, b: usize| {
                    if acc[st::DEPTH] >= 2.0 {
                        acc[b]
                    } else {
                        acc[k]
                    }
                };
                let pred = |k: usize, b: usize| (1.0 + xfact) * acc[k] - xfact * before(k, b);
                (vbs, vgs, vds) = (
                    pred(st::VBS, st::VBS_BEFORE),
                    pred(st::VGS, st::VGS_BEFORE),
                    pred(st::VDS, st::VDS_BEFORE),
                );
                stt[st::VBS] = acc[st::VBS];
                stt[st::VGS] = acc[st::VGS];
                stt[st::VDS] = acc[st::VDS];
                stt[st::VBD] = acc[st::VBS] - acc[st::VDS];
            }
            let old: &[f64] = stt;
            let vbd = vbs - vds;
            let vgd = vgs - vds;
            let vgdo = old[st::VGS] - old[st::VDS];
            // Limiting (mos1load.c).
            let von = stt[st::VON];
            let mut vgd = vgd;
            if old[st::VDS] >= 0.0 {
                vgs = fetlim(vgs, old[st::VGS], von);
                vds = vgs - vgd;
                vds = limvds(vds, old[st::VDS]);
                vgd = vgs - vds;
            } else {
                vgd = fetlim(vgd, vgdo, von);
                vds = vgs - vgd;
                vds = -limvds(-vds, -old[st::VDS]);
                vgs = vgd + vds;
            }
            let _ = vgd;
            let limited = if vds >= 0.0 {
                let (v, lim) = pnjlim(vbs, old[st::VBS], vt, self.source.vcrit);
                vbs = v;
                lim
            } else {
                // ngspice limits the unlimited vbd (before fetlim/limvds moved vds).
                let (v, lim) = pnjlim(vbd, old[st::VBD], vt, self.drain.vcrit);
                vbs = v + vds;
                lim
            };
            if limited {
                converged = false;
            }
        }
        let pt = self.evaluate(vbs, vgs, vds, opts.gmin);
        let vbd = vbs - vds;
        let vgd = vgs - vds;
        let vgb = vgs - vbs;
        let cd = pt.mode * pt.cdrain - pt.cbd;
        stt[st::VBS] = vbs;
        stt[st::VBD] = vbd;
        stt[st::VGS] = vgs;
        stt[st::VDS] = vds;
        stt[st::CD] = cd;
        stt[st::CBS] = pt.cbs;
        stt[st::CBD] = pt.cbd;
        stt[st::GM] = pt.gm;
        stt[st::GDS] = pt.gds;
        stt[st::GMBS] = pt.gmbs;
        stt[st::GBD] = pt.gbd;
        stt[st::GBS] = pt.gbs;
        stt[st::MODE] = pt.mode;
        stt[st::VON] = pt.von;
        stt[st::VDSAT] = pt.vdsat;
        stt[st::CDRAIN] = pt.cdrain;

        let (mut cbd, mut gbd, mut cbs, mut gbs) = (pt.cbd, pt.gbd, pt.cbs, pt.gbs);
        let (mut gcgs, mut gcgd, mut gcgb) = (0.0, 0.0, 0.0);
        let (mut ceqgs, mut ceqgd, mut ceqgb) = (0.0, 0.0, 0.0);
        if let Some(integ) = load.integrator.as_mut() {
            // Bulk depletion charges.
            let (qbd, capbd) = self.drain.charge(vbd, &self.dep);
            let (qbs, capbs) = self.source.charge(vbs, &self.dep);
            let iqbd = integ.integrate(QBD, qbd);
            let iqbs = integ.integrate(QBS, qbs);
            gbd += integ.ag0 * capbd;
            cbd += iqbd;
            gbs += integ.ag0 * capbs;
            cbs += iqbs;
            // Meyer gate charges.
            let (hgs, hgd, hgb) = self.meyer(vgs, vds, pt.mode, pt.von, pt.vdsat);
            stt[st::CAPGS] = hgs;
            stt[st::CAPGD] = hgd;
            stt[st::CAPGB] = hgb;
            if load.mode == Mode::TranInit {
                let capgs = 2.0 * hgs + self.cgso;
                let capgd = 2.0 * hgd + self.cgdo;
                let capgb = 2.0 * hgb + self.cgbo;
                integ.integrate(QGS, vgs * capgs);
                integ.integrate(QGD, vgd * capgd);
                integ.integrate(QGB, vgb * capgb);
            } else {
                let capgs = hgs + acc[st::CAPGS] + self.cgso;
                let capgd = hgd + acc[st::CAPGD] + self.cgdo;
                let capgb = hgb + acc[st::CAPGB] + self.cgbo;
                let vgs1 = acc[st::VGS];
                let vgd1 = vgs1 - acc[st::VDS];
                let vgb1 = vgs1 - acc[st::VBS];
                let qgs = (vgs - vgs1) * capgs + integ.previous(QGS);
                let qgd = (vgd - vgd1) * capgd + integ.previous(QGD);
                let qgb = (vgb - vgb1) * capgb + integ.previous(QGB);
                let igs = integ.integrate(QGS, qgs);
                let igd = integ.integrate(QGD, qgd);
                let igb = integ.integrate(QGB, qgb);
                gcgs = integ.ag0 * capgs;
                gcgd = integ.ag0 * capgd;
                gcgb = integ.ag0 * capgb;
                ceqgs = igs - gcgs * vgs;
                ceqgd = igd - gcgd * vgd;
                ceqgb = igb - gcgb * vgb;
            }
        }

        let t = self.p.sign;
        let ceqbs = t * (cbs - gbs * vbs);
        let ceqbd = t * (cbd - gbd * vbd);
        let cdreq = if pt.mode > 0.0 {
            t * (pt.cdrain - pt.gds * vds - pt.gm * vgs - pt.gmbs * vbs)
        } else {
            -t * (pt.cdrain + pt.gds * vds - pt.gm * vgd - pt.gmbs * vbd)
        };
        load.add_rhs(self.g, -(t * (ceqgs + ceqgb + ceqgd)));
        load.add_rhs(self.b, -(ceqbs + ceqbd - t * ceqgb));
        load.add_rhs(self.dp, ceqbd - cdreq + t * ceqgd);
        load.add_rhs(self.sp, cdreq + ceqbs + t * ceqgs);
        self.stamp_conductances(load.values, &pt, gbd, gbs);
        self.stamp_capacitances(load.values, [gcgs, gcgd, gcgb, 0.0, 0.0]);
        converged
    }

    fn ac_load(&self, state: &[f64], g: &mut [f64], c: &mut [f64]) {
        let (vbs, vgs, vds) = (state[st::VBS], state[st::VGS], state[st::VDS]);
        let pt = Point {
            mode: state[st::MODE],
            cdrain: state[st::CDRAIN],
            gm: state[st::GM],
            gds: state[st::GDS],
            gmbs: state[st::GMBS],
            von: state[st::VON],
            vdsat: state[st::VDSAT],
            cbs: state[st::CBS],
            gbs: state[st::GBS],
            cbd: state[st::CBD],
            gbd: state[st::GBD],
        };
        self.stamp_conductances(g, &pt, pt.gbd, pt.gbs);
        let (hgs, hgd, hgb) = self.meyer(vgs, vds, pt.mode, pt.von, pt.vdsat);
        let (_, capbd) = self.drain.charge(vbs - vds, &self.dep);
        let (_, capbs) = self.source.charge(vbs, &self.dep);
        self.stamp_capacitances(
            c,
            [
                2.0 * hgs + self.cgso,
                2.0 * hgd + self.cgdo,
                2.0 * hgb + self.cgbo,
                capbd,
                capbs,
            ],
        );
    }

    fn noise(&self, state: &[f64], temp_k: f64) -> Vec<NoiseSource> {
        let four_kt = 4.0 * BOLTZMANN * temp_k;
        let cox = if self.p.cox == 0.0 {
            EPS_OX * EPS0 / 1e-7
        } else {
            self.p.cox
        };
        let model = &self.p.model;
        let flicker = model.kf * (model.af * state[st::CD].abs().max(N_MINLOG).ln()).exp()
            / (self.p.w * self.p.m * self.p.l_eff * cox * cox);
        vec![
            NoiseSource {
                suffix: "_rd",
                a: self.dp,
                b: self.d,
                density: NoiseDensity::White(four_kt * self.gdrain),
            },
            NoiseSource {
                suffix: "_rs",
                a: self.sp,
                b: self.s,
                density: NoiseDensity::White(four_kt * self.gsource),
            },
            NoiseSource {
                suffix: "_id",
                a: self.dp,
                b: self.sp,
                density: NoiseDensity::White(four_kt * 2.0 / 3.0 * state[st::GM].abs()),
            },
            NoiseSource {
                suffix: "_1overf",
                a: self.dp,
                b: self.sp,
                density: NoiseDensity::Flicker(flicker),
            },
        ]
    }

    fn op_values(&self, state: &[f64]) -> Vec<(&'static str, f64)> {
        let (vbs, vgs, vds) = (state[st::VBS], state[st::VGS], state[st::VDS]);
        let (hgs, hgd, hgb) =
            self.meyer(vgs, vds, state[st::MODE], state[st::VON], state[st::VDSAT]);
        let (_, capbd) = self.drain.charge(vbs - vds, &self.dep);
        let (_, capbs) = self.source.charge(vbs, &self.dep);
        let t = self.p.sign;
        let id = state[st::CD];
        let ib = state[st::CBD] + state[st::CBS];
        vec![
            ("id", id),
            ("is", -id - ib),
            ("ig", 0.0),
            ("ib", ib),
            ("vgs", t * vgs),
            ("vds", t * vds),
            ("vbs", t * vbs),
            ("von", t * state[st::VON]),
            ("vth", t * state[st::VON]),
            ("vdsat", t * state[st::VDSAT]),
            ("gm", state[st::GM]),
            ("gds", state[st::GDS]),
            ("gmb", state[st::GMBS]),
            ("gmbs", state[st::GMBS]),
            ("gbd", state[st::GBD]),
            ("gbs", state[st::GBS]),
            ("cgs", 2.0 * hgs + self.cgso),
            ("cgd", 2.0 * hgd + self.cgdo),
            ("cgb", 2.0 * hgb + self.cgbo),
            ("cbd", capbd),
            ("cbs", capbs),
        ]
    }
}

/// Whether a MOSFET of this model and instance has an internal drain (`m1#drain`) and
/// source (`m1#source`) node, as ngspice's `mos1set.c` decides.
pub fn internal_nodes(model: &MosModel, inst: &MosInstance) -> (bool, bool) {
    let rsh = model.rsh_ohm.unwrap_or(0.0);
    let drain = model.rd_ohm.unwrap_or(0.0) != 0.0 || (rsh != 0.0 && inst.nrd != 0.0);
    let source = model.rs_ohm.unwrap_or(0.0) != 0.0 || (rsh != 0.0 && inst.nrs != 0.0);
    (drain, source)
}

/// A series conductance `M/R` from a given resistance, else from `RSH*squares` (`mos1temp.c`).
fn series_conductance(r: Option<f64>, rsh: Option<f64>, squares: f64, m: f64) -> f64 {
    match (r, rsh) {
        (Some(r), _) if r != 0.0 => m / r,
        (Some(_), _) => 0.0,
        (None, Some(rsh)) if rsh != 0.0 && squares != 0.0 => m / (rsh * squares),
        _ => 0.0,
    }
}

/// Stamps RD/RS and registers the MOSFET's matrix positions.
#[allow(clippy::too_many_arguments)]
pub(super) fn stamp(
    nodes: [NodeId; 4],
    model: &MosModel,
    inst: &MosInstance,
    options: &Options,
    st: &mut Stamper,
) {
    let Some(current) = drain_current_fn(model.level) else {
        panic!("elaboration admits only implemented MOSFET levels");
    };
    let (l, w, ad, as_) = inst.geometry(options);
    let tnom_c = options.tnom_c;
    let p = Params::new(model, inst, (l, w), options.temp_c, tnom_c);
    let [d, g, s, b] = nodes.map(|n| st.node(n));
    let (has_dp, has_sp) = internal_nodes(model, inst);
    let mut k = 0;
    let mut series = |st: &mut Stamper, ext: Option<usize>, has: bool, gval: f64| {
        if !has {
            return (ext, 0.0);
        }
        let i = Some(st.own_internal(k));
        k += 1;
        st.g(ext, ext, gval);
        st.g(i, i, gval);
        st.g(ext, i, -gval);
        st.g(i, ext, -gval);
        (i, gval)
    };
    let gd_val = series_conductance(model.rd_ohm, model.rsh_ohm, inst.nrd, inst.m);
    let gs_val = series_conductance(model.rs_ohm, model.rsh_ohm, inst.nrs, inst.m);
    let (dp, gdrain) = series(st, d, has_dp, gd_val);
    let (sp, gsource) = series(st, s, has_sp, gs_val);

    // Junctions (mos1temp.c).
    let m = &p.model;
    let temp = p.temp_k;
    let tnom = m.tnom_c.unwrap_or(tnom_c) + CELSIUS_TO_KELVIN;
    let vt = p.vt;
    let vtnom = tnom * K_OVER_Q;
    let sat_factor = (-band_gap_ev(temp) / vt + band_gap_ev(tnom) / vtnom).exp();
    let is_t = m.is_a * sat_factor;
    let js_t = m.js * sat_factor;
    let fact1 = tnom / REFERENCE_K;
    let fact2 = temp / REFERENCE_K;
    let pbfact1 = potential_term(tnom);
    let pbo = (m.pb_v - pbfact1) / fact1;
    let gmaold = (m.pb_v - pbo) / pbo;
    let mjsw = m.mjsw.unwrap_or(0.5);
    let cap_old = |grading: f64| 1.0 / (1.0 + grading * (4e-4 * (tnom - REFERENCE_K) - gmaold));
    let pb_t = fact2 * pbo + potential_term(temp);
    let gmanew = (pb_t - pbo) / pbo;
    let cap_new = |grading: f64| 1.0 + grading * (4e-4 * (temp - REFERENCE_K) - gmanew);
    let bottom = cap_old(m.mj) * cap_new(m.mj);
    let side = cap_old(mjsw) * cap_new(mjsw);
    let dep = Depletion {
        pb: pb_t,
        dep_cap: m.fc * pb_t,
        mj: m.mj,
        mjsw,
    };
    let by_area = js_t != 0.0 && ad != 0.0 && as_ != 0.0;
    let sqrt2 = std::f64::consts::SQRT_2;
    let junction = |area: f64, perimeter: f64, cgiven: Option<f64>| {
        let (is, vcrit) = if by_area {
            (
                js_t * inst.m * area,
                vt * (vt / (sqrt2 * inst.m * js_t * area)).ln(),
            )
        } else {
            (inst.m * is_t, vt * (vt / (sqrt2 * inst.m * is_t)).ln())
        };
        let cz = match (cgiven, m.cj) {
            (Some(c), _) => c * bottom * inst.m,
            (None, Some(cj)) => cj * bottom * inst.m * area,
            _ => 0.0,
        };
        let czsw = m.cjsw.map_or(0.0, |c| c * side * perimeter * inst.m);
        Junction::new(is, vcrit, cz, czsw, m.fc, &dep)
    };
    let drain = junction(ad, inst.pd_m, m.cbd_f);
    let source = junction(as_, inst.ps_m, m.cbs_f);

    let slots = [
        st.position(g, g),
        st.position(b, b),
        st.position(dp, dp),
        st.position(sp, sp),
        st.position(g, b),
        st.position(g, dp),
        st.position(g, sp),
        st.position(b, g),
        st.position(b, dp),
        st.position(b, sp),
        st.position(dp, g),
        st.position(dp, b),
        st.position(dp, sp),
        st.position(sp, g),
        st.position(sp, b),
        st.position(sp, dp),
    ];
    let sign = p.sign;
    let overlap_w = inst.m * w;
    let (cgso, cgdo, cgbo) = (
        m.cgso * overlap_w,
        m.cgdo * overlap_w,
        m.cgbo * inst.m * p.l_eff,
    );
    st.add_nonlinear(Box::new(MosfetInstance {
        current,
        d,
        s,
        g,
        b,
        dp,
        sp,
        gdrain,
        gsource,
        drain,
        source,
        dep,
        cgso,
        cgdo,
        cgbo,
        off: inst.off,
        ic: inst.ic.map(|v| sign * v),
        slots,
        p,
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(level1_model: MosModel) -> Params {
        let inst = MosInstance::default();
        Params::new(&level1_model, &inst, (2e-6, 10e-6), 27.0, 27.0)
    }

    fn nmos() -> MosModel {
        let mut m = MosModel::new(1, false);
        m.vto_v = Some(0.7);
        m.kp = Some(110e-6);
        m.gamma = Some(0.4);
        m.lambda = 0.04;
        m.phi_v = Some(0.65);
        m
    }

    #[test]
    fn saturation_current_is_square_law() {
        // At Tnom and vbs = 0: Id = KP W/L (vgs - VTO)^2 / 2 (1 + LAMBDA vds).
        let p = params(nmos());
        let (id, gm, _, _, von, vdsat) = level1(&p, 2.0, 3.0, 0.0);
        let beta = 110e-6 * 10.0 / 2.0;
        let expect = beta * 1.3f64.powi(2) / 2.0 * (1.0 + 0.04 * 3.0);
        assert!((id - expect).abs() < 1e-12 * expect, "{id} vs {expect}");
        assert!((von - 0.7).abs() < 1e-12);
        assert!((vdsat - 1.3).abs() < 1e-12);
        assert!((gm - beta * 1.3 * 1.12).abs() < 1e-12 * gm);
    }

    #[test]
    fn derivatives_match_finite_differences() {
        let p = params(nmos());
        let h = 1e-7;
        // (vbs <= 0: for a forward-biased bulk ngspice linearises sqrt(PHI - vbs) but keeps
        // gmbs = gm*GAMMA/(2 sarg), which is then not the exact derivative.)
        for &(vgs, vds, vbs) in &[(2.0, 3.0, -0.5), (2.5, 0.4, -1.0), (1.5, 0.8, -0.1)] {
            let (_, gm, gds, gmbs, _, _) = level1(&p, vgs, vds, vbs);
            let f = |a: f64, b: f64, c: f64| level1(&p, a, b, c).0;
            let gm_fd = (f(vgs + h, vds, vbs) - f(vgs - h, vds, vbs)) / (2.0 * h);
            let gds_fd = (f(vgs, vds + h, vbs) - f(vgs, vds - h, vbs)) / (2.0 * h);
            let gmbs_fd = (f(vgs, vds, vbs + h) - f(vgs, vds, vbs - h)) / (2.0 * h);
            assert!(
                (gm - gm_fd).abs() < 1e-6 * gm.abs().max(1e-9),
                "gm {gm} {gm_fd}"
            );
            assert!(
                (gds - gds_fd).abs() < 1e-6 * gds.abs().max(1e-9),
                "gds {gds} {gds_fd}"
            );
            assert!(
                (gmbs - gmbs_fd).abs() < 1e-6 * gmbs.abs().max(1e-9),
                "gmbs {gmbs} {gmbs_fd}"
            );
        }
    }

    #[test]
    fn kp_vto_gamma_phi_follow_from_tox_and_nsub() {
        // KP = U0 eps_ox/TOX 1e-4; PHI = 2 Vt ln(NSUB/ni); GAMMA = sqrt(2 eps_si q NSUB)/Cox.
        let mut m = MosModel::new(1, false);
        m.tox_m = Some(20e-9);
        m.nsub = Some(1e16);
        let p = params(m);
        let cox = 3.9 * 8.854214871e-12 / 20e-9;
        assert!((p.kp_t - 600.0 * cox * 1e-4).abs() < 1e-15);
        let vt = 300.15 * 1.38064852e-23 / 1.6021766208e-19;
        let phi = 2.0 * vt * (1e22f64 / 1.45e16).ln();
        assert!((p.model.phi_v.unwrap() - phi).abs() < 1e-12);
        let gamma = (2.0 * 11.7 * 8.854214871e-12 * 1.6021766208e-19 * 1e22f64).sqrt() / cox;
        assert!((p.gamma - gamma).abs() < 1e-12);
        // Same temperature: PHI(T) = PHI and VTO(T) = VTO.
        assert!((p.phi_t - phi).abs() < 1e-12);
        assert!((p.vto_t - p.model.vto_v.unwrap()).abs() < 1e-12);
    }

    #[test]
    fn transconductance_falls_as_t_to_the_minus_three_halves() {
        let inst = MosInstance::default();
        let p = Params::new(&nmos(), &inst, (1e-4, 1e-4), 85.0, 27.0);
        let ratio: f64 = (85.0 + 273.15) / 300.15;
        assert!((p.kp_t - 110e-6 / ratio.powf(1.5)).abs() < 1e-18);
    }

    #[test]
    fn meyer_capacitances_in_saturation_and_off() {
        // Saturation: Cgs = 2/3 Cox (half returned), Cgd = Cgb = 0; deep off: Cgb = Cox.
        let (cgs, cgd, cgb) = qmeyer(2.0, -1.0, 0.7, 1.3, 0.6, 3e-15);
        assert!((cgs - 1e-15).abs() < 1e-30 && cgd == 0.0 && cgb == 0.0);
        let (cgs, cgd, cgb) = qmeyer(-2.0, -3.0, 0.7, 0.0, 0.6, 3e-15);
        assert_eq!((cgs, cgd, cgb), (0.0, 0.0, 1.5e-15));
    }

    #[test]
    fn limiters_follow_ngspice() {
        assert_eq!(limvds(10.0, 1.0), 4.0);
        assert_eq!(limvds(20.0, 4.0), 14.0);
        assert_eq!(limvds(-3.0, 1.0), -0.5);
        // Off and jumping far above threshold: stop at VTO + 0.5.
        assert_eq!(fetlim(5.0, 0.0, 1.0), 1.5);
        // Well on, rising by more than 2|vold - vto| + 2.
        assert_eq!(fetlim(20.0, 5.0, 1.0), 15.0);
        let (v, lim) = pnjlim(2.0, 0.6, 0.025, 0.6);
        assert!(lim && (v - (0.6 + 0.025 * (2.0 + (1.4f64 / 0.025 - 2.0).ln()))).abs() < 1e-15);
    }
}
