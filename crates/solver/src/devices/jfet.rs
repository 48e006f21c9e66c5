//! Junction FET `J drain gate source model [area]` (ngspice's level-1 `jfet`: Shichman-Hodges
//! with the Parker-Skellern doping-tail parameter B).
//!
//! **Unknowns.** With `RD > 0` an internal drain `d'` (`j1#drain`), with `RS > 0` an internal
//! source `s'` (`j1#source`); `area*m/RD` and `area*m/RS` are stamped linearly between each
//! terminal and its internal node. The channel and both gate junctions sit between `g`, `d'`
//! and `s'`. Every stamp is multiplied by the instance multiplier `m`.
//!
//! **Equations** (ngspice `jfetload.c`; `T` = 1 for NJF, -1 for PJF; voltages are `T` times
//! the node differences; `Vt = kT/q`; `beta = BETA(T)*area`, `Is = IS(T)*area`):
//! - gate junctions (G-S and G-D alike, `v` their voltage): `Ig(v) = Is*(exp(v/Vt) - 1) +
//!   GMIN*v` for `v >= -3Vt`, else `-Is*(1 + (3Vt/(e v))^3) + GMIN*v` (no emission coefficient:
//!   ngspice's level 1 has no N);
//! - drain current, normal mode (`vds >= 0`, `vgst = vgs - VTO(T)`): 0 if `vgst <= 0`; with
//!   `betap = beta*(1 + LAMBDA*vds)` and `Bf = (1 - B)/(PB - VTO)` (model values, not
//!   temperature-adjusted, as ngspice):
//!   - linear (`vgst >= vds`): `Id = betap*vds*(vds*(Bf*vds - B) + vgst*(2B + 3Bf*(vgst - vds)))`;
//!   - saturation: `Id = betap*vgst^2*(B + Bf*vgst)`;
//!
//!   inverse mode (`vds < 0`) is the same with `vgd` and the drain and source swapped. With
//!   `B = 1` this is SPICE's square law `beta*(1 + LAMBDA vds)*vgst^2`.
//! - charges (`FC` limited to 0.95, junction grading fixed at 1/2): for `v < FC*PB`,
//!   `Q = 2*PB*Cj*(1 - sqrt(1 - v/PB))`, `C = Cj/sqrt(1 - v/PB)`; above, the SPICE
//!   linearisation `Q = Cj*F1 + Cj/F2*(F3*(v - FC*PB) + (v^2 - (FC*PB)^2)/(4 PB))`, `C = Cj/F2*
//!   (F3 + v/(2 PB))`, `F1 = 2 PB (1 - sqrt(1 - FC))`, `F2 = (1 - FC)^1.5`, `F3 = 1 - 1.5 FC`.
//!
//! **Limiting and convergence** (as ngspice): each junction voltage goes through `pnjlim`
//! (ngspice 39's form, `vold + Vt*(2 + ln(arg - 2))`) against `vcrit = Vt*ln(Vt/(sqrt2*IS(T)))`,
//! then through `fetlim` around `VTO(T)`. The first iteration of an operating point starts at
//! `vgs = vgd = -1` (0 for an `off` device). The device has converged when nothing was limited
//! by `pnjlim` and the gate and drain currents agree with the previous linearisation's
//! prediction within `reltol*max + abstol`.
//!
//! **Temperature** (ngspice `jfettemp.c`, `Tn` = TNOM, `Tr` = 300.15 K):
//! `IS(T) = IS*exp((T/Tn - 1)*EG/Vt)` times `(T/Tn)^XTI` only when XTI is given;
//! `PB(T)`, `CGS(T)`, `CGD(T)` as the diode's junction with grading 1/2;
//! `VTO(T) = VTO + VTOTC*(T - Tn)` if VTOTC is given, else `VTO - TCV*(T - Tn)`;
//! `BETA(T) = BETA*1.01^(BETATCE*(T - Tn))` if BETATCE is given, else `BETA*(T/Tn)^BEX`.
//!
//! **Noise** (ngspice `jfetnoi.c`), four generators: `_rd` and `_rs`, thermal `4kT*area*m/R`
//! of RD (`d'`-`d`) and RS (`s'`-`s`), zero without them; `_id`, channel thermal noise
//! `4kT*(2/3)*m*|gm|` (`NLEV < 3`; with `NLEV = 3` the `GDSNOI` form
//! `4kT*(2/3)*beta*m*vgst*(1 + a + a^2)/(1 + a)*GDSNOI`, `a = 1 - vds/vgst` in the linear
//! region, 0 in saturation) from `d'` to `s'`; `_1overf`, flicker
//! `m*KF*max(|Id|, 1e-38)^AF/f` with `Id` ngspice's drain current state (channel minus gate-drain
//! junction current).
//!
//! **Reported** (`@j1[...]`, ngspice's names): `vgs`, `vgd`, `ig`, `id`, `is`, `igd`, `gm`,
//! `gds`, `ggs`, `ggd`, `qgs`, `qgd`, `cqgs`, `cqgd`, `p` (currents and conductances times `m`).
//!
//! Model parameters, units and defaults: [`circuit::JfetModel`]. Source: ngspice 39,
//! `src/spicelib/devices/jfet/` (jfetload.c, jfettemp.c, jfetacld.c, jfetnoi.c, jfetask.c);
//! H. Shichman, D. A. Hodges, IEEE JSSC SC-3 (1968) 285; A. E. Parker, D. J. Skellern,
//! "A realistic large-signal MESFET model for SPICE", IEEE T-MTT 45 (1997) 1563.

use super::limit::{fetlim, pnjlim};
use super::nonlinear::{voltage, Load, Mode, Nonlinear, State};
use super::{NoiseDensity, NoiseSource, BOLTZMANN, CELSIUS_TO_KELVIN, CHARGE, N_MINLOG};
use crate::mna::Stamper;
use circuit::{JfetModel, NodeId};

/// Boltzmann constant over electron charge (V/K).
const K_OVER_Q: f64 = BOLTZMANN / CHARGE;
/// ngspice's `REFTEMP` (27 C) in kelvin.
const REFERENCE_K: f64 = 300.15;

/// Silicon's band gap (eV) at `t` kelvin, SPICE's fit.
fn band_gap_ev(t: f64) -> f64 {
    1.16 - 7.02e-4 * t * t / (t + 1108.0)
}

/// SPICE's `pbfact` at `t` kelvin (V).
fn potential_term(t: f64) -> f64 {
    let kt = BOLTZMANN * t;
    let arg = -band_gap_ev(t) / (kt + kt) + 1.1150877 / (BOLTZMANN * (REFERENCE_K + REFERENCE_K));
    -2.0 * K_OVER_Q * t * (1.5 * (t / REFERENCE_K).ln() + CHARGE * arg)
}

/// A JFET's model evaluated at its temperature and area (everything the load needs).
#[derive(Debug, Clone, Copy)]
pub struct JfetEval {
    /// Thermal voltage kT/q at the device temperature (V).
    vt: f64,
    /// BETA(T)*area (A/V^2).
    beta: f64,
    /// IS(T)*area (A).
    csat: f64,
    /// Critical voltage of `pnjlim` (V), from IS(T) without area (as ngspice).
    vcrit: f64,
    /// VTO(T) (V).
    vto: f64,
    lambda: f64,
    b: f64,
    /// `(1 - B)/(PB - VTO)` with the model's PB and VTO (1/V).
    bfac: f64,
    /// PB(T) (V).
    pb: f64,
    /// CGS(T)*area, CGD(T)*area (F).
    cgs: f64,
    cgd: f64,
    /// FC*PB(T) (V), F1 (V), F2, F3.
    fc_pb: f64,
    f1: f64,
    f2: f64,
    f3: f64,
}

impl JfetEval {
    /// The model at `temp_k` (the instance's temperature), its parameters given at the model's
    /// TNOM, else at `tnom_c`.
    pub fn new(model: &JfetModel, area: f64, temp_k: f64, tnom_c: f64) -> Self {
        let tn = model.tnom_c.unwrap_or(tnom_c) + CELSIUS_TO_KELVIN;
        let t = temp_k;
        // Junction potential referred to 300.15 K and the capacitance factor at TNOM.
        let fact1 = tn / REFERENCE_K;
        let pbo = (model.pb_v - potential_term(tn)) / fact1;
        let gmaold = (model.pb_v - pbo) / pbo;
        let cjfact = 1.0 / (1.0 + 0.5 * (4e-4 * (tn - REFERENCE_K) - gmaold));
        let fc = model.fc.min(0.95);
        let xfc = (1.0 - fc).ln();
        let f2 = (1.5 * xfc).exp();
        let f3 = 1.0 - fc * 1.5;
        let bfac = (1.0 - model.b) / (model.pb_v - model.vto_v);

        let vt = t * K_OVER_Q;
        let fact2 = t / REFERENCE_K;
        let ratio1 = t / tn - 1.0;
        let mut is_t = model.is_a * (ratio1 * model.eg_ev / vt).exp();
        if let Some(xti) = model.xti {
            is_t *= (ratio1 + 1.0).powf(xti);
        }
        let pb = fact2 * pbo + potential_term(t);
        let gmanew = (pb - pbo) / pbo;
        let cjfact1 = 1.0 + 0.5 * (4e-4 * (t - REFERENCE_K) - gmanew);
        let cgs = model.cgs_f * cjfact * cjfact1;
        let cgd = model.cgd_f * cjfact * cjfact1;
        let fc_pb = fc * pb;
        let f1 = pb * (1.0 - (0.5 * xfc).exp()) / 0.5;
        let vcrit = vt * (vt / (std::f64::consts::SQRT_2 * is_t)).ln();
        let vto = match model.vtotc {
            Some(tc) => model.vto_v + tc * (t - tn),
            None => model.vto_v - model.tcv * (t - tn),
        };
        let beta_t = match model.betatce {
            Some(tce) => model.beta * 1.01f64.powf(tce * (t - tn)),
            None => model.beta * (t / tn).powf(model.bex),
        };
        JfetEval {
            vt,
            beta: beta_t * area,
            csat: is_t * area,
            vcrit,
            vto,
            lambda: model.lambda,
            b: model.b,
            bfac,
            pb,
            cgs: cgs * area,
            cgd: cgd * area,
            fc_pb,
            f1,
            f2,
            f3,
        }
    }

    /// A gate junction's current and conductance at `v`, GMIN included.
    pub fn junction(&self, v: f64, gmin: f64) -> (f64, f64) {
        let vt = self.vt;
        if v < -3.0 * vt {
            let arg = 3.0 * vt / (v * std::f64::consts::E);
            let arg = arg * arg * arg;
            (
                -self.csat * (1.0 + arg) + gmin * v,
                self.csat * 3.0 * arg / v + gmin,
            )
        } else {
            let e = (v / vt).exp();
            (self.csat * (e - 1.0) + gmin * v, self.csat * e / vt + gmin)
        }
    }

    /// Channel current from drain to source and its derivatives `(Id, gm, gds)`.
    pub fn channel(&self, vgs: f64, vgd: f64) -> (f64, f64, f64) {
        let vds = vgs - vgd;
        let (beta, lambda, b) = (self.beta, self.lambda, self.b);
        if vds >= 0.0 {
            let vgst = vgs - self.vto;
            if vgst <= 0.0 {
                return (0.0, 0.0, 0.0);
            }
            let betap = beta * (1.0 + lambda * vds);
            if vgst >= vds {
                let apart = 2.0 * b + 3.0 * self.bfac * (vgst - vds);
                let cpart = vds * (vds * (self.bfac * vds - b) + vgst * apart);
                let gm = betap * vds * (apart + 3.0 * self.bfac * vgst);
                let gds = betap * (vgst - vds) * apart + beta * lambda * cpart;
                (betap * cpart, gm, gds)
            } else {
                let bf = vgst * self.bfac;
                let gm = betap * vgst * (2.0 * b + 3.0 * bf);
                let cpart = vgst * vgst * (b + bf);
                (betap * cpart, gm, lambda * beta * cpart)
            }
        } else {
            let vgdt = vgd - self.vto;
            if vgdt <= 0.0 {
                return (0.0, 0.0, 0.0);
            }
            let betap = beta * (1.0 - lambda * vds);
            if vgdt + vds >= 0.0 {
                let apart = 2.0 * b + 3.0 * self.bfac * (vgdt + vds);
                let cpart = vds * (-vds * (-self.bfac * vds - b) + vgdt * apart);
                let gm = betap * vds * (apart + 3.0 * self.bfac * vgdt);
                let gds = betap * (vgdt + vds) * apart - beta * lambda * cpart - gm;
                (betap * cpart, gm, gds)
            } else {
                let bf = vgdt * self.bfac;
                let gm = -betap * vgdt * (2.0 * b + 3.0 * bf);
                let cpart = vgdt * vgdt * (b + bf);
                (-betap * cpart, gm, lambda * beta * cpart - gm)
            }
        }
    }

    /// Whether the gate stores charge.
    pub fn has_charge(&self) -> bool {
        self.cgs != 0.0 || self.cgd != 0.0
    }

    /// Charge and capacitance of a gate junction of zero-bias capacitance `cz` at `v`.
    pub fn charge(&self, cz: f64, v: f64) -> (f64, f64) {
        let twop = self.pb + self.pb;
        if v < self.fc_pb {
            let sarg = (1.0 - v / self.pb).sqrt();
            (twop * cz * (1.0 - sarg), cz / sarg)
        } else {
            let czf2 = cz / self.f2;
            let q = cz * self.f1
                + czf2
                    * (self.f3 * (v - self.fc_pb)
                        + (v * v - self.fc_pb * self.fc_pb) / (twop + twop));
            (q, czf2 * (self.f3 + v / twop))
        }
    }
}

/// Indices into a JFET's state (ngspice's `JFETstate` layout, then the capacitances).
const VGS: usize = 0;
const VGD: usize = 1;
const CG: usize = 2;
const CD: usize = 3;
const CGD: usize = 4;
const GM: usize = 5;
const GDS: usize = 6;
const GGS: usize = 7;
const GGD: usize = 8;
const QGS: usize = 9;
const CQGS: usize = 10;
const QGD: usize = 11;
const CQGD: usize = 12;
/// The accepted point's VGS and VGD as the last load saw them (so, once that point is
/// accepted, the junction voltages two points back, for the predictor), and how many accepted
/// points the history holds.
const VGS_BEFORE: usize = 13;
const VGD_BEFORE: usize = 14;
const DEPTH: usize = 15;
const STATES: usize = 16;

/// Matrix entries the load touches, in this order.
const GG: usize = 0;
const GDP: usize = 1;
const GSP: usize = 2;
const DPG: usize = 3;
const DPSP: usize = 4;
const SPG: usize = 5;
const SPDP: usize = 6;
const DPDP: usize = 7;
const SPSP: usize = 8;

/// A JFET placed in the matrix.
#[derive(Debug, Clone)]
pub struct JfetInstance {
    eval: JfetEval,
    /// 1 for NJF, -1 for PJF.
    sign: f64,
    m: f64,
    off: bool,
    /// External drain and source, gate, internal drain and source (the externals when
    /// RD/RS are 0).
    d: Option<usize>,
    s: Option<usize>,
    g: Option<usize>,
    dp: Option<usize>,
    sp: Option<usize>,
    /// `area/RD`, `area/RS` (S; 0 without).
    gdpr: f64,
    gspr: f64,
    kf: f64,
    af: f64,
    nlev: f64,
    gdsnoi: f64,
    slots: [Option<usize>; 9],
}

impl JfetInstance {
    fn add(&self, values: &mut [f64], k: usize, v: f64) {
        if let Some(s) = self.slots[k] {
            values[s] += v;
        }
    }

    /// Stamps conductances and capacitance-like values (`gm`, `gds`, `ggs`, `ggd`) the way
    /// ngspice's load and AC load do.
    fn stamp_matrix(&self, values: &mut [f64], gm: f64, gds: f64, ggs: f64, ggd: f64) {
        let m = self.m;
        self.add(values, GG, m * (ggd + ggs));
        self.add(values, GDP, -m * ggd);
        self.add(values, GSP, -m * ggs);
        self.add(values, DPG, m * (gm - ggd));
        self.add(values, DPSP, m * (-gds - gm));
        self.add(values, SPG, m * (-ggs - gm));
        self.add(values, SPDP, -m * gds);
        self.add(values, DPDP, m * (gds + ggd));
        self.add(values, SPSP, m * (gds + gm + ggs));
    }

    fn stamp_caps(&self, values: &mut [f64], cgs: f64, cgd: f64) {
        let m = self.m;
        self.add(values, GG, m * (cgd + cgs));
        self.add(values, GDP, -m * cgd);
        self.add(values, GSP, -m * cgs);
        self.add(values, DPG, -m * cgd);
        self.add(values, SPG, -m * cgs);
        self.add(values, DPDP, m * cgd);
        self.add(values, SPSP, m * cgs);
    }
}

impl Nonlinear for JfetInstance {
    fn state_len(&self) -> usize {
        STATES
    }

    fn charge_len(&self) -> usize {
        if self.eval.has_charge() {
            2
        } else {
            0
        }
    }

    fn resolve(&mut self, slot: &dyn Fn(usize) -> usize) {
        for s in &mut self.slots {
            *s = s.map(slot);
        }
    }

    fn load(&self, x: &[f64], state: State, load: &mut Load) -> bool {
        let opts = load.options;
        let st = state.now;
        let acc = state.accepted;
        let ev = &self.eval;
        let t = self.sign;
        let vg = voltage(x, self.g);
        let mut raw_vgs = t * (vg - voltage(x, self.sp));
        let mut raw_vgd = t * (vg - voltage(x, self.dp));
        if let Some(f) = load.predict.filter(|_| !load.init_junctions) {
            // ngspice's MODEINITPRED: start from the accepted point's linearisation and
            // extrapolate the junction voltages over the last two accepted points (the same
            // point twice while only one is known).
            st[..=GGD].copy_from_slice(&acc[..=GGD]);
            let (vgs2, vgd2) = if acc[DEPTH] >= 2.0 {
                (acc[VGS_BEFORE], acc[VGD_BEFORE])
            } else {
                (acc[VGS], acc[VGD])
            };
            raw_vgs = (1.0 + f) * acc[VGS] - f * vgs2;
            raw_vgd = (1.0 + f) * acc[VGD] - f * vgd2;
        }
        st[VGS_BEFORE] = acc[VGS];
        st[VGD_BEFORE] = acc[VGD];
        st[DEPTH] = acc[DEPTH] + 1.0;
        let mut check = true;
        let (mut cghat, mut cdhat) = (0.0, 0.0);
        let (vgs, vgd) = if load.init_junctions {
            if self.off {
                (0.0, 0.0)
            } else {
                (-1.0, -1.0)
            }
        } else if load.init_fix && self.off {
            (0.0, 0.0)
        } else if load.mode == Mode::TranInit {
            (raw_vgs, raw_vgd)
        } else {
            let delvgs = raw_vgs - st[VGS];
            let delvgd = raw_vgd - st[VGD];
            let delvds = delvgs - delvgd;
            cghat = st[CG] + st[GGD] * delvgd + st[GGS] * delvgs;
            cdhat = st[CD] + st[GM] * delvgs + st[GDS] * delvds - st[GGD] * delvgd;
            let (vgs, l1) = pnjlim(raw_vgs, st[VGS], ev.vt, ev.vcrit);
            let (vgd, l2) = pnjlim(raw_vgd, st[VGD], ev.vt, ev.vcrit);
            check = l1 || l2;
            (fetlim(vgs, st[VGS], ev.vto), fetlim(vgd, st[VGD], ev.vto))
        };
        let vds = vgs - vgd;
        let (cg_gs, mut ggs) = ev.junction(vgs, opts.gmin);
        let (mut cgd, mut ggd) = ev.junction(vgd, opts.gmin);
        let mut cg = cg_gs + cgd;
        let (cdrain, gm, gds) = ev.channel(vgs, vgd);
        let mut cd = cdrain - cgd;
        if let Some(integ) = load.integrator.as_mut() {
            if ev.has_charge() {
                let (qgs, capgs) = ev.charge(ev.cgs, vgs);
                let (qgd, capgd) = ev.charge(ev.cgd, vgd);
                let cqgs = integ.integrate(0, qgs);
                let cqgd = integ.integrate(1, qgd);
                ggs += integ.ag0 * capgs;
                ggd += integ.ag0 * capgd;
                cg += cqgs + cqgd;
                cd -= cqgd;
                cgd += cqgd;
                (st[QGS], st[CQGS], st[QGD], st[CQGD]) = (qgs, cqgs, qgd, cqgd);
            }
        }
        let converged = !load.init_junctions
            && !check
            && (cghat - cg).abs() < opts.reltol * cghat.abs().max(cg.abs()) + opts.abstol
            && (cdhat - cd).abs() <= opts.reltol * cdhat.abs().max(cd.abs()) + opts.abstol;
        st[VGS] = vgs;
        st[VGD] = vgd;
        st[CG] = cg;
        st[CD] = cd;
        st[CGD] = cgd;
        st[GM] = gm;
        st[GDS] = gds;
        st[GGS] = ggs;
        st[GGD] = ggd;

        let m = self.m;
        let ceqgd = t * (cgd - ggd * vgd);
        let ceqgs = t * ((cg - cgd) - ggs * vgs);
        let cdreq = t * ((cd + cgd) - gds * vds - gm * vgs);
        load.add_rhs(self.g, m * (-ceqgs - ceqgd));
        load.add_rhs(self.dp, m * (-cdreq + ceqgd));
        load.add_rhs(self.sp, m * (cdreq + ceqgs));
        self.stamp_matrix(load.values, gm, gds, ggs, ggd);
        converged
    }

    fn ac_load(&self, state: &[f64], g: &mut [f64], c: &mut [f64]) {
        self.stamp_matrix(g, state[GM], state[GDS], state[GGS], state[GGD]);
        let (_, capgs) = self.eval.charge(self.eval.cgs, state[VGS]);
        let (_, capgd) = self.eval.charge(self.eval.cgd, state[VGD]);
        self.stamp_caps(c, capgs, capgd);
    }

    fn noise(&self, state: &[f64], temp_k: f64) -> Vec<NoiseSource> {
        let four_kt = 4.0 * BOLTZMANN * temp_k;
        let m = self.m;
        let channel = if self.nlev < 3.0 {
            2.0 / 3.0 * m * state[GM].abs()
        } else {
            let vgs = state[VGS];
            let vds = vgs - state[VGD];
            let vgst = vgs - self.eval.vto;
            let alpha = if vgst >= vds { 1.0 - vds / vgst } else { 0.0 };
            let beta = self.eval.beta * m;
            2.0 / 3.0 * beta * vgst * (1.0 + alpha + alpha * alpha) / (1.0 + alpha) * self.gdsnoi
        };
        let flicker = m * self.kf * (self.af * state[CD].abs().max(N_MINLOG).ln()).exp();
        vec![
            NoiseSource {
                suffix: "_rd",
                a: self.dp,
                b: self.d,
                density: NoiseDensity::White(four_kt * self.gdpr * m),
            },
            NoiseSource {
                suffix: "_rs",
                a: self.sp,
                b: self.s,
                density: NoiseDensity::White(four_kt * self.gspr * m),
            },
            NoiseSource {
                suffix: "_id",
                a: self.dp,
                b: self.sp,
                density: NoiseDensity::White(four_kt * channel),
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
        let m = self.m;
        let (cd, cg) = (state[CD], state[CG]);
        let (qgs, _) = self.eval.charge(self.eval.cgs, state[VGS]);
        let (qgd, _) = self.eval.charge(self.eval.cgd, state[VGD]);
        vec![
            ("vgs", state[VGS]),
            ("vgd", state[VGD]),
            ("ig", m * cg),
            ("id", m * cd),
            ("is", -m * (cd + cg)),
            ("igd", m * state[CGD]),
            ("gm", m * state[GM]),
            ("gds", m * state[GDS]),
            ("ggs", m * state[GGS]),
            ("ggd", m * state[GGD]),
            ("qgs", m * qgs),
            ("qgd", m * qgd),
            ("cqgs", m * state[CQGS]),
            ("cqgd", m * state[CQGD]),
        ]
    }
}

/// Where a JFET's terminals are: drain, gate, source.
#[derive(Debug, Clone, Copy)]
pub struct JfetNodes {
    pub drain: NodeId,
    pub gate: NodeId,
    pub source: NodeId,
}

/// The internal nodes of a JFET with this model, by ngspice suffix (`j1#drain`,
/// `j1#source`), in the order the stamp uses them.
pub fn internal_nodes(model: &JfetModel) -> Vec<&'static str> {
    let mut v = Vec::new();
    if model.rd_ohm != 0.0 {
        v.push("drain");
    }
    if model.rs_ohm != 0.0 {
        v.push("source");
    }
    v
}

/// Stamps the ohmic resistances and registers the JFET's matrix positions.
#[allow(clippy::too_many_arguments)]
pub(super) fn stamp(
    nodes: JfetNodes,
    area: f64,
    m: f64,
    off: bool,
    temp_k: f64,
    model: &JfetModel,
    tnom_c: f64,
    st: &mut Stamper,
) {
    let d = st.node(nodes.drain);
    let g = st.node(nodes.gate);
    let s = st.node(nodes.source);
    let mut k = 0;
    let mut ohmic = |st: &mut Stamper, ext: Option<usize>, r: f64| -> (Option<usize>, f64) {
        if r == 0.0 {
            return (ext, 0.0);
        }
        let i = Some(st.own_internal(k));
        k += 1;
        let gr = area / r;
        st.g(ext, ext, m * gr);
        st.g(i, i, m * gr);
        st.g(ext, i, -m * gr);
        st.g(i, ext, -m * gr);
        (i, gr)
    };
    let (dp, gdpr) = ohmic(st, d, model.rd_ohm);
    let (sp, gspr) = ohmic(st, s, model.rs_ohm);
    let slots = [
        st.position(g, g),
        st.position(g, dp),
        st.position(g, sp),
        st.position(dp, g),
        st.position(dp, sp),
        st.position(sp, g),
        st.position(sp, dp),
        st.position(dp, dp),
        st.position(sp, sp),
    ];
    st.add_nonlinear(Box::new(JfetInstance {
        eval: JfetEval::new(model, area, temp_k, tnom_c),
        sign: if model.p_type { -1.0 } else { 1.0 },
        m,
        off,
        d,
        s,
        g,
        dp,
        sp,
        gdpr,
        gspr,
        kf: model.kf,
        af: model.af,
        nlev: model.nlev,
        gdsnoi: model.gdsnoi,
        slots,
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(model: &JfetModel) -> JfetEval {
        JfetEval::new(model, 1.0, 300.15, 27.0)
    }

    #[test]
    fn square_law_with_b_one() {
        // B = 1: Id = BETA*(1 + LAMBDA*vds)*(vgs - VTO)^2 in saturation.
        let m = JfetModel {
            vto_v: -2.0,
            beta: 1e-3,
            lambda: 0.02,
            ..Default::default()
        };
        let e = eval(&m);
        let (id, gm, gds) = e.channel(-1.0, -6.0);
        let expect = 1e-3 * (1.0 + 0.02 * 5.0) * 1.0;
        assert!((id - expect).abs() < 1e-15, "{id} {expect}");
        assert!((gm - 2e-3 * 1.1).abs() < 1e-15);
        assert!((gds - 1e-3 * 0.02).abs() < 1e-15);
    }

    #[test]
    fn channel_derivatives_match_finite_differences() {
        let m = JfetModel {
            vto_v: -1.5,
            beta: 2e-3,
            lambda: 0.05,
            b: 0.7,
            ..Default::default()
        };
        let e = eval(&m);
        let h = 1e-7;
        for (vgs, vgd) in [
            (-0.5, -3.0),
            (-0.2, -0.6),
            (-1.0, -0.3),
            (-3.0, -0.4),
            (0.2, 0.1),
        ] {
            let (_, gm, gds) = e.channel(vgs, vgd);
            // gm = dId/dvgs at fixed vds; gds = dId/dvds at fixed vgs.
            let d_vgs = (e.channel(vgs + h, vgd + h).0 - e.channel(vgs - h, vgd - h).0) / (2.0 * h);
            let d_vds = (e.channel(vgs, vgd - h).0 - e.channel(vgs, vgd + h).0) / (2.0 * h);
            let scale = gm.abs().max(gds.abs()).max(1e-9);
            assert!(
                (gm - d_vgs).abs() < 1e-5 * scale,
                "gm at {vgs},{vgd}: {gm} vs {d_vgs}"
            );
            assert!(
                (gds - d_vds).abs() < 1e-5 * scale,
                "gds at {vgs},{vgd}: {gds} vs {d_vds}"
            );
        }
    }

    #[test]
    fn junction_charge_derivative_is_capacitance() {
        let m = JfetModel {
            cgs_f: 2e-12,
            cgd_f: 1e-12,
            pb_v: 0.8,
            ..Default::default()
        };
        let e = eval(&m);
        for v in [-5.0, -0.3, 0.3, 0.6] {
            let h = 1e-6;
            let d = (e.charge(e.cgs, v + h).0 - e.charge(e.cgs, v - h).0) / (2.0 * h);
            let c = e.charge(e.cgs, v).1;
            assert!((d - c).abs() < 1e-6 * c, "at {v}: {d} vs {c}");
        }
    }

    #[test]
    fn temperature_scaling_by_hand() {
        // At T = Tn nothing changes; at 50 C with XTI not given IS scales by exp((T/Tn-1)EG/Vt)
        // only, BETA by (T/Tn)^BEX, VTO by -TCV*(T-Tn).
        let m = JfetModel {
            is_a: 1e-14,
            bex: -1.5,
            tcv: 2e-3,
            vto_v: -2.0,
            ..Default::default()
        };
        let e27 = JfetEval::new(&m, 1.0, 300.15, 27.0);
        assert!((e27.csat - 1e-14).abs() < 1e-28);
        assert!((e27.vto + 2.0).abs() < 1e-15);
        let t = 323.15;
        let e50 = JfetEval::new(&m, 1.0, t, 27.0);
        let vt = t * K_OVER_Q;
        let is = 1e-14 * ((t / 300.15 - 1.0) * 1.11 / vt).exp();
        assert!((e50.csat - is).abs() < 1e-12 * is);
        assert!((e50.beta - 1e-4 * (t / 300.15f64).powf(-1.5)).abs() < 1e-18);
        assert!((e50.vto - (-2.0 - 2e-3 * 23.0)).abs() < 1e-12);
        // With XTI given, the (T/Tn)^XTI factor joins.
        let e = JfetEval::new(
            &JfetModel {
                xti: Some(3.0),
                ..m
            },
            1.0,
            t,
            27.0,
        );
        assert!((e.csat - is * (t / 300.15f64).powi(3)).abs() < 1e-12 * is);
    }

    #[test]
    fn limiters() {
        // pnjlim (ngspice 39): a big forward step is cut to vold + Vt*(2 + ln(arg - 2)).
        let vt = 0.025875;
        let (v, lim) = pnjlim(2.0, 0.6, vt, 0.7);
        let arg: f64 = (2.0 - 0.6) / vt;
        assert!(lim && (v - (0.6 + vt * (2.0 + (arg - 2.0).ln()))).abs() < 1e-12);
        assert_eq!(pnjlim(0.61, 0.6, vt, 0.7), (0.61, false));
        // fetlim: from off (vold < vto) a rise past vto + 0.5 stops there.
        assert_eq!(fetlim(3.0, -3.0, -2.0), -1.5);
        assert_eq!(fetlim(-2.5, -3.0, -2.0), -2.5);
    }
}
