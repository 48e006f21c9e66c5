//! Bipolar junction transistor `Q c b e [s] model [area]` (SPICE Gummel-Poon, ngspice level 1).
//!
//! Reimplemented from ngspice 39's `bjt` device: `bjtload.c` (currents, charges, limiting,
//! stamp), `bjttemp.c` (temperature), `bjtacld.c` (small signal), `bjtnoise.c` (noise),
//! `bjtconv.c` (convergence test), and the Gummel-Poon model as in Massobrio and Antognetti,
//! *Semiconductor Device Modeling with SPICE* (2nd ed., ch. 2). Parameters, units and defaults:
//! [`circuit::BjtModel`].
//!
//! **Nodes.** The external collector `c`, base `b`, emitter `e` and substrate `s` (ground when
//! not given). With RC, RB, RE nonzero, internal nodes `c'`, `b'`, `e'` are added (ngspice names
//! them `q1#collCX`, `q1#base`, `q1#emitter` and does not write them to its raw files; neither
//! does balun). `RC*` and `RE*` are linear (`area/RC`, `area/RE`), stamped once; the base
//! resistance is bias dependent and restamped each iteration (as ngspice, as a conductance
//! without an equivalent current: its dependence on `qb` is not linearised). The substrate
//! junction sits between `s` and `c'` for a vertical device (NPN default) or `b'` for a lateral
//! one (PNP default, `SUBS=-1`).
//!
//! **Currents** (for PNP every voltage and current is negated, `type = -1`), with `vbe`, `vbc` the
//! internal junction voltages and `Vt = kT/q`:
//! - `Ibe = IS(T)*(exp(vbe/(NF Vt)) - 1)`, `Ibc = IS(T)*(exp(vbc/(NR Vt)) - 1)`, below `-3 N Vt`
//!   continued as `-IS*(1 + (3 N Vt/(e v))^3)`; leakage `Iben = ISE*(exp(vbe/(NE Vt)) - 1)`,
//!   `Ibcn = ISC*(exp(vbc/(NC Vt)) - 1)`; GMIN in parallel with both junctions
//!   (`Iben += GMIN*vbe`, `Ibcn += GMIN*vbc`) and with the substrate junction;
//! - base charge `qb = q1*(1 + sqrt(1 + 4 q2))/2` with `q1 = 1/(1 - vbc/VAF - vbe/VAR)`,
//!   `q2 = Ibe/IKF + Ibc/IKR` (`(1+4q2)^NKF` when NKF is given);
//! - `Ic = (Ibe - Ibc)/qb - Ibc/BR - Ibcn`, `Ib = Ibe/BF + Iben + Ibc/BR + Ibcn`;
//! - base resistance `rbb = RBM + (RB - RBM)/qb`, or with IRB
//!   `rbb = RBM + 3 (RB - RBM) (tan z - z)/(z tan^2 z)`,
//!   `z = (sqrt(1 + 144 Ib/(pi^2 IRB)) - 1)/(24/pi^2 sqrt(Ib/IRB))`.
//!
//! **Charges**: `Qbe = TF_eff*Ibe/qb + depletion(CJE, VJE, MJE)`, with
//! `TF_eff = TF*(1 + XTF*(Ibe/(Ibe + ITF))^2*exp(vbc/(1.44 VTF)))` (its `vbc` derivative is
//! `geqcb`, a transcapacitance), `Qbc = TR*Ibc + depletion(XCJC*CJC)` on the internal base,
//! `Qbx = depletion((1 - XCJC)*CJC)` from the external base to `c'`, substrate
//! `Qs = depletion(CJS, VJS, MJS)` (no FC linearisation: linear above 0 V, as ngspice).
//! Depletion charges are linearised above `FC*VJ` as in the diode.
//!
//! **Temperature** (`bjttemp.c`, TLEV = TLEVC = 0): `IS(T) = IS*exp((T/Tn - 1)*EG/Vt +
//! XTI*ln(T/Tn))`, `BF(T) = BF*(T/Tn)^XTB` (also BR), `ISE(T) = ISE*exp(same/NE)/(T/Tn)^XTB`
//! (also ISC with NC), the junction potentials and capacitances as the diode's; the `TRB1`-style
//! polynomial coefficients scale their parameters by `1 + t1 dT + t2 dT^2`. TLEV=1 (`BF*(1 +
//! XTB dT)`), TLEV=3 and TLEVC=1 are implemented as `bjttemp.c` writes them. As ngspice 39
//! does, the B-C saturation and leakage currents and the B-C capacitance are multiplied by
//! `areab` (vertical) after IS was already multiplied by `area` (so `area^2` for the B-C diffusion
//! current when `area != 1`).
//!
//! **Limiting and convergence**: `pnjlim` on `vbe` and `vbc` (with `vcrit = Vt ln(Vt/(sqrt 2
//! IS))`) and on the substrate voltage (vcrit 50 V without ISS); converged when nothing was
//! limited: ngspice's `bjtconv.c` compares the currents the last linearisation predicts with
//! the stored ones *at the solution just loaded* (NIiter tests before swapping its vectors),
//! where they agree whenever nothing was limited. At a new DC-sweep point or time step
//! (`Load::predict`) the junction voltages start from ngspice's predictor, extrapolated from
//! the last two accepted points; an `off` device holds its junctions at 0 V through MODEINITFIX.
//!
//! **AC**: `bjtacld.c`'s stamp: `gm, go, gpi, gmu, gx` and the capacitances `cpi, cmu, cbx,
//! csub` and the transcapacitance `geqcb` at the operating point. The substrate junction's GMIN
//! is left out, as ngspice does. **PTF (excess phase) is not modelled**: ngspice's AC stamp
//! rotates `gm` by `omega*PTF*TF`, which is not of the form `G + j omega C`, and its transient
//! uses Weil's second-order filter on the collector current; balun ignores PTF in every analysis
//! and elaboration warns when it is nonzero.
//!
//! **Noise** (`bjtnoise.c`, all times the multiplier `m`): `_rc`, `_rb`, `_re` thermal noise
//! `4kT G` of the collector, (bias-dependent) base and emitter resistances; `_ic` shot noise
//! `2q|Ic|` from `c'` to `e'`; `_ib` shot noise `2q|Ib|` from `b'` to `e'`; `_1overf` flicker
//! `KF |Ib|^AF / f` from `b'` to `e'`.

use super::limit::pnjlim;
use super::nonlinear::{voltage, Load, Mode, Nonlinear, State};
use super::{NoiseDensity, NoiseSource, BOLTZMANN, CELSIUS_TO_KELVIN, CHARGE};
use crate::mna::Stamper;
use circuit::models::TempCoeff;
use circuit::{BjtInstance, BjtModel};

/// Boltzmann constant over electron charge (V/K), ngspice's `CONSTKoverQ`.
const K_OVER_Q: f64 = BOLTZMANN / CHARGE;
/// ngspice's `REFTEMP` (K).
const REFERENCE_K: f64 = 300.15;
/// ngspice's `MAX_EXP_ARG`.
const MAX_EXP_ARG: f64 = 709.0;

/// `1 + t1*dt + t2*dt^2`.
fn poly(c: TempCoeff, dt: f64) -> f64 {
    1.0 + c[0] * dt + c[1] * dt * dt
}

/// The junction potential's temperature term `pbfact` at `t` kelvin (`bjttemp.c`).
fn pbfact(t: f64) -> f64 {
    let vt = K_OVER_Q * t;
    let egfet = 1.16 - (7.02e-4 * t * t) / (t + 1108.0);
    let arg =
        -egfet / (2.0 * BOLTZMANN * t) + 1.1150877 / (BOLTZMANN * (REFERENCE_K + REFERENCE_K));
    -2.0 * vt * (1.5 * (t / REFERENCE_K).ln() + CHARGE * arg)
}

/// A depletion junction at temperature: zero-bias capacitance (F), potential (V), grading.
#[derive(Debug, Clone, Copy, Default)]
struct Junction {
    cz: f64,
    pot: f64,
    grading: f64,
}

/// The model evaluated for one instance at its temperature (`bjttemp.c`).
#[derive(Debug, Clone, Copy, Default)]
pub struct BjtEval {
    vt: f64,
    is_be: f64,
    is_bc: f64,
    is_sub: Option<f64>,
    ise: f64,
    isc: f64,
    bf: f64,
    br: f64,
    nf: f64,
    nr: f64,
    ne: f64,
    nc: f64,
    ns: f64,
    inv_vaf: f64,
    inv_var: f64,
    inv_ikf: f64,
    inv_ikr: f64,
    nkf: Option<f64>,
    rb: f64,
    rbm: f64,
    irb: f64,
    /// Collector and emitter conductances (S, times area; 0 = none).
    pub gc: f64,
    pub ge: f64,
    tf: f64,
    tr: f64,
    xtf: f64,
    ovtf: f64,
    itf: f64,
    be: Junction,
    bc: Junction,
    sub: Junction,
    xcjc: f64,
    fc: f64,
    vcrit: f64,
    sub_vcrit: f64,
}

impl BjtEval {
    /// The model at device temperature `t` kelvin with parameters given at `tn` kelvin.
    pub fn new(model: &BjtModel, q: &BjtInstanceView, t: f64, tn: f64) -> Self {
        let (area, areab, areac) = (q.area, q.areab, q.areac);
        let c = &model.tc;
        let vt = K_OVER_Q * t;
        let dt = t - tn;
        let vertical = model.substrate_kind() == 1;
        let inv = |v: Option<f64>, tc: TempCoeff| match v {
            Some(v) if v != 0.0 => 1.0 / (v * poly(tc, dt)),
            _ => 0.0,
        };
        let inv_vaf = inv(model.vaf_v, c.vaf);
        let inv_var = inv(model.var_v, c.var);
        let inv_ikf = inv(model.ikf_a, c.ikf) / area;
        let inv_ikr = inv(model.ikr_a, c.ikr) / area;
        let gc = if model.rc_ohm != 0.0 {
            area / (model.rc_ohm * poly(c.rc, dt))
        } else {
            0.0
        };
        let ge = if model.re_ohm != 0.0 {
            area / (model.re_ohm * poly(c.re, dt))
        } else {
            0.0
        };
        let rb = model.rb_ohm * poly(c.rb, dt) / area;
        let rbm = model.rbm_ohm.unwrap_or(model.rb_ohm) * poly(c.rbm, dt) / area;
        let irb = model.irb_a * poly(c.irb, dt) * area;
        let nf = model.nf * poly(c.nf, dt);
        let nr = model.nr * poly(c.nr, dt);
        let ne = model.ne * poly(c.ne, dt);
        let nc = model.nc * poly(c.nc, dt);
        let ns = model.ns * poly(c.ns, dt);
        let itf = model.itf_a * poly(c.itf, dt) * area;
        let tf = model.tf_s * poly(c.tf, dt);
        let tr = model.tr_s * poly(c.tr, dt);
        let mje = (model.mje * poly(c.mje, dt)).min(0.999);
        let mjc = (model.mjc * poly(c.mjc, dt)).min(0.999);
        let mjs = (model.mjs * poly(c.mjs, dt)).min(0.999);

        let fact1 = tn / REFERENCE_K;
        let fact2 = t / REFERENCE_K;
        let (pbf, pbf1) = (pbfact(t), pbfact(tn));
        let ratlog = (t / tn).ln();
        let ratio1 = t / tn - 1.0;
        let factlog = ratio1 * model.eg_ev / vt + model.xti * ratlog;
        let separate = model.ibe_a.is_some() && model.ibc_a.is_some();
        let (ibe, ibc) = (model.ibe_a.unwrap_or(0.0), model.ibc_a.unwrap_or(0.0));
        let (is_t, mut is_be, mut is_bc, mut is_sub);
        if model.tlev == 3 {
            let p = poly(c.is, dt);
            is_t = area * model.is_a.powf(p);
            is_be = if separate { area * ibe.powf(p) } else { is_t };
            is_bc = if separate { ibc.powf(p) } else { is_t };
            is_sub = model.iss_a.map(|iss| iss.powf(poly(c.iss, dt)));
        } else {
            let mut factor = factlog.exp();
            is_t = area * model.is_a * factor;
            is_be = if separate {
                area * ibe * (factlog / model.nf).exp()
            } else {
                is_t
            };
            if separate {
                factor = (factlog / model.nr).exp();
                is_bc = ibc * factor;
            } else {
                is_bc = is_t;
            }
            // ngspice scales ISS with whichever factor it computed last.
            is_sub = model.iss_a.map(|iss| iss * factor);
        }
        is_bc *= if vertical { areab } else { areac };
        if let Some(s) = is_sub.as_mut() {
            *s *= if separate {
                if vertical {
                    areac
                } else {
                    areab
                }
            } else {
                area
            };
        }
        let _ = &mut is_be;
        let bfactor = match model.tlev {
            0 => (ratlog * model.xtb).exp(),
            1 => 1.0 + model.xtb * dt,
            _ => 1.0,
        };
        let bf = match model.tbf {
            Some(tc) => model.bf * poly(tc, dt),
            None => model.bf * bfactor,
        };
        let br = match model.tbr {
            Some(tc) => model.br * poly(tc, dt),
            None => model.br * bfactor,
        };
        // ISE/ISC above 1e-4 are multiples of IS (bjtsetup.c).
        let ise0 = if model.ise_a > 1e-4 {
            model.is_a * model.ise_a
        } else {
            model.ise_a
        };
        let isc0 = if model.isc_a > 1e-4 {
            model.is_a * model.isc_a
        } else {
            model.isc_a
        };
        let (ise, mut isc) = if model.tlev == 3 {
            (
                area * ise0.powf(poly(c.ise, dt)),
                isc0.powf(poly(c.isc, dt)),
            )
        } else {
            (
                area * ise0 * (factlog / model.ne).exp() / bfactor,
                isc0 * (factlog / model.nc).exp() / bfactor,
            )
        };
        isc *= if vertical { areab } else { areac };

        let junction = |cz: f64, pot: f64, grading: f64, ct: f64, tv: f64, scale: f64| {
            let (cz, pot) = if model.tlevc == 1 {
                (cz * (1.0 + ct * dt), pot - tv * dt)
            } else {
                let pbo = (pot - pbf1) / fact1;
                let gmaold = (pot - pbo) / pbo;
                let mut cap = cz / (1.0 + grading * (4e-4 * (tn - REFERENCE_K) - gmaold));
                let pot_t = fact2 * pbo + pbf;
                let gmanew = (pot_t - pbo) / pbo;
                cap *= 1.0 + grading * (4e-4 * (t - REFERENCE_K) - gmanew);
                (cap, pot_t)
            };
            Junction {
                cz: cz * scale,
                pot,
                grading,
            }
        };
        let be = junction(model.cje_f, model.vje_v, mje, model.cte, model.tvje, area);
        let bc = junction(
            model.cjc_f,
            model.vjc_v,
            mjc,
            model.ctc,
            model.tvjc,
            if vertical { areab } else { areac },
        );
        let sub = junction(
            model.cjs_f,
            model.vjs_v,
            mjs,
            model.cts,
            model.tvjs,
            if vertical { areac } else { areab },
        );
        let vcrit = vt * (vt / (std::f64::consts::SQRT_2 * is_t)).ln();
        let sub_vcrit = match is_sub {
            Some(s) => vt * (vt / (std::f64::consts::SQRT_2 * s)).ln(),
            None => 50.0,
        };
        let ovtf = match model.vtf_v {
            Some(v) if v != 0.0 => 1.0 / (v * 1.44),
            _ => 0.0,
        };
        BjtEval {
            vt,
            is_be,
            is_bc,
            is_sub,
            ise,
            isc,
            bf,
            br,
            nf,
            nr,
            ne,
            nc,
            ns,
            inv_vaf,
            inv_var,
            inv_ikf,
            inv_ikr,
            nkf: model.nkf,
            rb,
            rbm,
            irb,
            gc,
            ge,
            tf,
            tr,
            xtf: model.xtf,
            ovtf,
            itf,
            be,
            bc,
            sub,
            xcjc: model.xcjc,
            fc: model.fc,
            vcrit,
            sub_vcrit,
        }
    }

    /// Junction current and conductance of a diode with saturation current `is` and `n*Vt` =
    /// `vtn` at `v` (SPICE's exponential with the cubic reverse continuation).
    fn diode(is: f64, vtn: f64, v: f64) -> (f64, f64) {
        if v >= -3.0 * vtn {
            let e = (v / vtn).exp();
            (is * (e - 1.0), is * e / vtn)
        } else {
            let a = 3.0 * vtn / (v * std::f64::consts::E);
            let a3 = a * a * a;
            (-is * (1.0 + a3), is * 3.0 * a3 / v)
        }
    }

    /// The DC currents and conductances at internal junction voltages `vbe`, `vbc` and
    /// substrate voltage `vsub`, with `gmin` across each junction.
    pub fn dc(&self, vbe: f64, vbc: f64, vsub: f64, gmin: f64) -> Dc {
        let vt = self.vt;
        let (cbe, gbe) = Self::diode(self.is_be, vt * self.nf, vbe);
        let (mut cben, mut gben) = if self.ise == 0.0 {
            (0.0, 0.0)
        } else {
            Self::diode(self.ise, vt * self.ne, vbe)
        };
        gben += gmin;
        cben += gmin * vbe;
        let (cbc, gbc) = Self::diode(self.is_bc, vt * self.nr, vbc);
        let (mut cbcn, mut gbcn) = if self.isc == 0.0 {
            (0.0, 0.0)
        } else {
            Self::diode(self.isc, vt * self.nc, vbc)
        };
        gbcn += gmin;
        cbcn += gmin * vbc;
        let (cdsub, gdsub) = match self.is_sub {
            Some(iss) => {
                let vts = vt * self.ns;
                if vsub <= -3.0 * vts {
                    let a = 3.0 * vts / (vsub * std::f64::consts::E);
                    let a3 = a * a * a;
                    (
                        -iss * (1.0 + a3) + gmin * vsub,
                        iss * 3.0 * a3 / vsub + gmin,
                    )
                } else {
                    let e = (vsub / vts).min(MAX_EXP_ARG).exp();
                    (iss * (e - 1.0) + gmin * vsub, iss * e / vts + gmin)
                }
            }
            None => (gmin * vsub, gmin),
        };
        // Base charge.
        let q1 = 1.0 / (1.0 - self.inv_vaf * vbc - self.inv_var * vbe);
        let (qb, dqbdve, dqbdvc) = if self.inv_ikf == 0.0 && self.inv_ikr == 0.0 {
            (q1, q1 * q1 * self.inv_var, q1 * q1 * self.inv_vaf)
        } else {
            let q2 = self.inv_ikf * cbe + self.inv_ikr * cbc;
            let arg = (1.0 + 4.0 * q2).max(0.0);
            match self.nkf {
                None => {
                    let sq = if arg != 0.0 { arg.sqrt() } else { 1.0 };
                    let qb = q1 * (1.0 + sq) / 2.0;
                    (
                        qb,
                        q1 * (qb * self.inv_var + self.inv_ikf * gbe / sq),
                        q1 * (qb * self.inv_vaf + self.inv_ikr * gbc / sq),
                    )
                }
                Some(nkf) => {
                    let sq = if arg != 0.0 { arg.powf(nkf) } else { 1.0 };
                    let qb = q1 * (1.0 + sq) / 2.0;
                    (
                        qb,
                        q1 * (qb * self.inv_var + self.inv_ikf * gbe * 2.0 * sq * nkf / arg),
                        q1 * (qb * self.inv_vaf + self.inv_ikr * gbc * 2.0 * sq * nkf / arg),
                    )
                }
            }
        };
        let (cex, gex) = (cbe, gbe);
        let cc = (cex - cbc) / qb - cbc / self.br - cbcn;
        let cb = cbe / self.bf + cben + cbc / self.br + cbcn;
        let rbpi = self.rb - self.rbm;
        let mut gx = self.rbm + rbpi / qb;
        if self.irb != 0.0 {
            let a1 = (cb / self.irb).max(1e-9);
            let z = (-1.0 + (1.0 + 14.59025 * a1).sqrt()) / 2.4317 / a1.sqrt();
            let tz = z.tan();
            gx = self.rbm + 3.0 * rbpi * (tz - z) / z / tz / tz;
        }
        if gx != 0.0 {
            gx = 1.0 / gx;
        }
        let gpi = gbe / self.bf + gben;
        let gmu = gbc / self.br + gbcn;
        let go = (gbc + (cex - cbc) * dqbdvc / qb) / qb;
        let gm = (gex - (cex - cbc) * dqbdve / qb) / qb - go;
        Dc {
            cbe,
            gbe,
            cbc,
            gbc,
            qb,
            dqbdve,
            dqbdvc,
            cc,
            cb,
            gpi,
            gmu,
            gm,
            go,
            gx,
            cdsub,
            gdsub,
        }
    }

    /// Depletion charge and capacitance of junction `j` at `v` (FC linearisation above `FC*VJ`).
    fn depletion(&self, j: Junction, cz: f64, v: f64) -> (f64, f64) {
        if cz == 0.0 {
            return (0.0, 0.0);
        }
        let (pot, m, fc) = (j.pot, j.grading, self.fc);
        let fcp = fc * pot;
        if v < fcp {
            let arg = 1.0 - v / pot;
            let sarg = (-m * arg.ln()).exp();
            (pot * cz * (1.0 - arg * sarg) / (1.0 - m), cz * sarg)
        } else {
            let xfc = (1.0 - fc).ln();
            let f1 = pot * (1.0 - ((1.0 - m) * xfc).exp()) / (1.0 - m);
            let f2 = ((1.0 + m) * xfc).exp();
            let f3 = 1.0 - fc * (1.0 + m);
            let czf2 = cz / f2;
            (
                cz * f1 + czf2 * (f3 * (v - fcp) + (m / (pot + pot)) * (v * v - fcp * fcp)),
                czf2 * (f3 + m * v / pot),
            )
        }
    }

    /// The charges and capacitances at the junction voltages, given the DC evaluation there.
    pub fn charges(&self, vbe: f64, vbc: f64, vbx: f64, vsub: f64, dc: &Dc) -> Charges {
        let (mut cbe, mut gbe) = (dc.cbe, dc.gbe);
        let (qb, tf) = (dc.qb, self.tf);
        let mut geqcb = 0.0;
        if tf != 0.0 && vbe > 0.0 {
            let (mut argtf, mut arg2, mut arg3) = (0.0, 0.0, 0.0);
            if self.xtf != 0.0 {
                argtf = self.xtf;
                if self.ovtf != 0.0 {
                    argtf *= (vbc * self.ovtf).exp();
                }
                arg2 = argtf;
                if self.itf != 0.0 {
                    let temp = cbe / (cbe + self.itf);
                    argtf *= temp * temp;
                    arg2 = argtf * (3.0 - temp - temp);
                }
                arg3 = cbe * argtf * self.ovtf;
            }
            cbe = cbe * (1.0 + argtf) / qb;
            gbe = (gbe * (1.0 + arg2) - cbe * dc.dqbdve) / qb;
            geqcb = tf * (arg3 - cbe * dc.dqbdvc) / qb;
        }
        let (qdbe, cdbe) = self.depletion(self.be, self.be.cz, vbe);
        let czbc = self.bc.cz * self.xcjc;
        let czbx = self.bc.cz - czbc;
        let (qdbc, cdbc) = self.depletion(self.bc, czbc, vbc);
        let (qbx, capbx) = self.depletion(self.bc, czbx, vbx);
        let (czs, ps, ms) = (self.sub.cz, self.sub.pot, self.sub.grading);
        let (qsub, capsub) = if vsub < 0.0 {
            let arg = 1.0 - vsub / ps;
            let sarg = (-ms * arg.ln()).exp();
            (ps * czs * (1.0 - arg * sarg) / (1.0 - ms), czs * sarg)
        } else {
            (
                vsub * czs * (1.0 + ms * vsub / (2.0 * ps)),
                czs * (1.0 + ms * vsub / ps),
            )
        };
        Charges {
            qbe: tf * cbe + qdbe,
            capbe: tf * gbe + cdbe,
            qbc: self.tr * dc.cbc + qdbc,
            capbc: self.tr * dc.gbc + cdbc,
            qbx,
            capbx,
            qsub,
            capsub,
            geqcb,
        }
    }

    /// `pnjlim` on the two junctions and the substrate; returns the limited voltages and
    /// whether any was limited.
    fn limit(&self, v: [f64; 3], old: [f64; 3]) -> ([f64; 3], bool) {
        let (vbe, l1) = pnjlim(v[0], old[0], self.vt, self.vcrit);
        let (vbc, l2) = pnjlim(v[1], old[1], self.vt, self.vcrit);
        let (vsub, l3) = pnjlim(v[2], old[2], self.vt, self.sub_vcrit);
        ([vbe, vbc, vsub], l1 || l2 || l3)
    }
}

/// DC currents and small-signal conductances at one bias (ngspice's names).
#[derive(Debug, Clone, Copy)]
pub struct Dc {
    cbe: f64,
    gbe: f64,
    cbc: f64,
    gbc: f64,
    qb: f64,
    dqbdve: f64,
    dqbdvc: f64,
    pub cc: f64,
    pub cb: f64,
    pub gpi: f64,
    pub gmu: f64,
    pub gm: f64,
    pub go: f64,
    pub gx: f64,
    pub cdsub: f64,
    pub gdsub: f64,
}

/// Charges (C) and capacitances (F) at one bias; `geqcb` is d(Qbe)/d(vbc) (F).
#[derive(Debug, Clone, Copy)]
pub struct Charges {
    pub qbe: f64,
    pub capbe: f64,
    pub qbc: f64,
    pub capbc: f64,
    pub qbx: f64,
    pub capbx: f64,
    pub qsub: f64,
    pub capsub: f64,
    pub geqcb: f64,
}

/// The instance factors the temperature evaluation needs.
#[derive(Debug, Clone, Copy)]
pub struct BjtInstanceView {
    pub area: f64,
    pub areab: f64,
    pub areac: f64,
}

// State layout.
const VBE: usize = 0;
const VBC: usize = 1;
const VBX: usize = 2;
const VSUB: usize = 3;
const CC: usize = 4;
const CB: usize = 5;
const GPI: usize = 6;
const GMU: usize = 7;
const GM: usize = 8;
const GO: usize = 9;
const GX: usize = 10;
const GEQCB: usize = 11;
const GCSUB: usize = 12;
const GEQBX: usize = 13;
const GDSUB: usize = 14;
const CDSUB: usize = 15;
const CQSUB: usize = 16;
/// The accepted point before the last one's junction voltages (ngspice's `CKTstate2`), for
/// the DC-sweep predictor, and whether they are known yet.
const VBE_PREV: usize = 17;
const VBC_PREV: usize = 18;
const HAVE_PREV: usize = 19;
const STATE_LEN: usize = 20;

// Charge indices (ngspice's `BJTtrunc` checks qbe, qbc and qsub, not qbx).
const QBE: usize = 0;
const QBC: usize = 1;
const QSUB: usize = 2;
const QBX: usize = 3;

// Matrix positions.
const P_BB: usize = 0;
const P_CPCP: usize = 1;
const P_SCSC: usize = 2;
const P_BPBP: usize = 3;
const P_EPEP: usize = 4;
const P_BBP: usize = 5;
const P_CPBP: usize = 6;
const P_CPEP: usize = 7;
const P_BPB: usize = 8;
const P_BPCP: usize = 9;
const P_BPEP: usize = 10;
const P_EPCP: usize = 11;
const P_EPBP: usize = 12;
const P_SS: usize = 13;
const P_SCS: usize = 14;
const P_SSC: usize = 15;
const P_BCP: usize = 16;
const P_CPB: usize = 17;
const N_POS: usize = 18;

/// A transistor placed in the matrix.
#[derive(Debug, Clone)]
pub struct BjtDevice {
    eval: BjtEval,
    /// +1 NPN, -1 PNP; `ttype` = type times +1 vertical / -1 lateral.
    ty: f64,
    ttype: f64,
    m: f64,
    off: bool,
    kf: f64,
    af: f64,
    /// Unknowns: external c, b, e, s; internal c', b', e'; substrate connection (c' or b').
    c: Option<usize>,
    b: Option<usize>,
    e: Option<usize>,
    s: Option<usize>,
    cp: Option<usize>,
    bp: Option<usize>,
    ep: Option<usize>,
    sc: Option<usize>,
    pos: [Option<usize>; N_POS],
}

impl BjtDevice {
    fn voltages(&self, x: &[f64]) -> [f64; 4] {
        let v = |i| voltage(x, i);
        [
            self.ty * (v(self.bp) - v(self.ep)),
            self.ty * (v(self.bp) - v(self.cp)),
            self.ty * (v(self.b) - v(self.cp)),
            self.ttype * (v(self.s) - v(self.sc)),
        ]
    }

    /// Adds the stamp of one set of small-signal values into `values` (`G` or `C` part):
    /// the `bjtload.c`/`bjtacld.c` entries except the linear RC/RE ones.
    #[allow(clippy::too_many_arguments)]
    fn stamp(
        &self,
        values: &mut [f64],
        gx: f64,
        gpi: f64,
        gmu: f64,
        gm: f64,
        go: f64,
        geqcb: f64,
        gsub: f64,
        gbx: f64,
    ) {
        let m = self.m;
        let mut add = |p: usize, g: f64| {
            if let Some(s) = self.pos[p] {
                values[s] += m * g;
            }
        };
        add(P_BB, gx + gbx);
        add(P_CPCP, gmu + go + gbx);
        add(P_SCSC, gsub);
        add(P_BPBP, gx + gpi + gmu + geqcb);
        add(P_EPEP, gpi + gm + go);
        add(P_BBP, -gx);
        add(P_CPBP, -gmu + gm);
        add(P_CPEP, -gm - go);
        add(P_BPB, -gx);
        add(P_BPCP, -gmu - geqcb);
        add(P_BPEP, -gpi);
        add(P_EPCP, -go + geqcb);
        add(P_EPBP, -gpi - gm - geqcb);
        add(P_SS, gsub);
        add(P_SCS, -gsub);
        add(P_SSC, -gsub);
        add(P_BCP, -gbx);
        add(P_CPB, -gbx);
    }
}

impl Nonlinear for BjtDevice {
    fn state_len(&self) -> usize {
        STATE_LEN
    }

    fn charge_len(&self) -> usize {
        4
    }

    fn charge_in_lte(&self, k: usize) -> bool {
        k != QBX
    }

    fn resolve(&mut self, slot: &dyn Fn(usize) -> usize) {
        for p in &mut self.pos {
            *p = p.map(slot);
        }
    }

    fn load(&self, x: &[f64], state: State, load: &mut Load) -> bool {
        let opts = load.options;
        let st = state.now;
        let raw = self.voltages(x);
        let vbx = raw[2];
        let (vbe, vbc, vsub, icheck);
        if load.init_junctions || (load.init_fix && self.off) {
            // MODEINITJCT: the B-E junction at vcrit (0 V if `off`); MODEINITFIX keeps an
            // `off` device at 0 V (and does not count it as unconverged).
            vbe = if self.off { 0.0 } else { self.eval.vcrit };
            vbc = 0.0;
            vsub = 0.0;
            icheck = load.init_junctions;
            st[HAVE_PREV] = 0.0;
        } else if load.mode == Mode::TranInit {
            (vbe, vbc, vsub) = (raw[0], raw[1], raw[3]);
            icheck = false;
        } else {
            let (mut pbe, mut pbc) = (raw[0], raw[1]);
            if let Some(f) = load.predict {
                // MODEINITPRED: the junctions extrapolated from the last two accepted points
                // (the first continuation point has only one: f = 0), limited against the last.
                let acc = state.accepted;
                let (vbe2, vbc2) = if acc[HAVE_PREV] != 0.0 {
                    (acc[VBE_PREV], acc[VBC_PREV])
                } else {
                    (acc[VBE], acc[VBC])
                };
                pbe = (1.0 + f) * acc[VBE] - f * vbe2;
                pbc = (1.0 + f) * acc[VBC] - f * vbc2;
                st[..VBE_PREV].copy_from_slice(&acc[..VBE_PREV]);
                st[VBE_PREV] = acc[VBE];
                st[VBC_PREV] = acc[VBC];
                st[HAVE_PREV] = 1.0;
            }
            let ([a, b, s], lim) = self
                .eval
                .limit([pbe, pbc, raw[3]], [st[VBE], st[VBC], st[VSUB]]);
            (vbe, vbc, vsub) = (a, b, s);
            // ngspice's bjtconv.c runs on the solution just loaded (before NIiter swaps its
            // vectors), where the currents the last linearisation predicts are the ones just
            // computed whenever nothing was limited: limiting alone decides.
            icheck = lim;
        }
        let vbx = if load.init_junctions || (load.init_fix && self.off) {
            0.0
        } else {
            vbx
        };
        let dc = self.eval.dc(vbe, vbc, vsub, opts.gmin);
        let (mut cc, mut cb, mut gpi, mut gmu) = (dc.cc, dc.cb, dc.gpi, dc.gmu);
        let (mut geqcb, mut gcsub, mut geqbx, mut cqsub, mut cqbx) = (0.0, 0.0, 0.0, 0.0, 0.0);
        if let Some(integ) = load.integrator.as_mut() {
            let ch = self.eval.charges(vbe, vbc, vbx, vsub, &dc);
            let ag0 = integ.ag0;
            let cqbe = integ.integrate(QBE, ch.qbe);
            gpi += ag0 * ch.capbe;
            cb += cqbe;
            geqcb = ch.geqcb * ag0;
            let cqbc = integ.integrate(QBC, ch.qbc);
            gmu += ag0 * ch.capbc;
            cb += cqbc;
            cc -= cqbc;
            cqsub = integ.integrate(QSUB, ch.qsub);
            gcsub = ag0 * ch.capsub;
            cqbx = integ.integrate(QBX, ch.qbx);
            geqbx = ag0 * ch.capbx;
        }
        let (gm, go, gx) = (dc.gm, dc.go, dc.gx);
        st[VBE] = vbe;
        st[VBC] = vbc;
        st[VBX] = vbx;
        st[VSUB] = vsub;
        st[CC] = cc;
        st[CB] = cb;
        st[GPI] = gpi;
        st[GMU] = gmu;
        st[GM] = gm;
        st[GO] = go;
        st[GX] = gx;
        st[GEQCB] = geqcb;
        st[GCSUB] = gcsub;
        st[GEQBX] = geqbx;
        st[GDSUB] = dc.gdsub;
        st[CDSUB] = dc.cdsub;
        st[CQSUB] = cqsub;

        // Equivalent current sources (bjtload.c).
        let geqsub = gcsub + dc.gdsub;
        let ceqsub = self.ttype * (cqsub + dc.cdsub - vsub * geqsub);
        let ceqbx = self.ty * (cqbx - vbx * geqbx);
        let ceqbe = self.ty * (cc + cb - vbe * (gm + go + gpi) + vbc * (go - geqcb));
        let ceqbc = self.ty * (-cc + vbe * (gm + go) - vbc * (gmu + go));
        let m = self.m;
        load.add_rhs(self.b, m * -ceqbx);
        load.add_rhs(self.cp, m * (ceqbx + ceqbc));
        load.add_rhs(self.sc, m * ceqsub);
        load.add_rhs(self.bp, m * (-ceqbe - ceqbc));
        load.add_rhs(self.ep, m * ceqbe);
        load.add_rhs(self.s, m * -ceqsub);
        self.stamp(load.values, gx, gpi, gmu, gm, go, geqcb, geqsub, geqbx);
        !icheck
    }

    fn ac_load(&self, state: &[f64], g: &mut [f64], c: &mut [f64]) {
        let (vbe, vbc, vbx, vsub) = (state[VBE], state[VBC], state[VBX], state[VSUB]);
        let dc = self.eval.dc(vbe, vbc, vsub, 0.0);
        let ch = self.eval.charges(vbe, vbc, vbx, vsub, &dc);
        self.stamp(
            g, state[GX], state[GPI], state[GMU], state[GM], state[GO], 0.0, 0.0, 0.0,
        );
        // The capacitances: cpi, cmu, cbx, csub, and geqcb as a transcapacitance.
        self.stamp(
            c, 0.0, ch.capbe, ch.capbc, 0.0, 0.0, ch.geqcb, ch.capsub, ch.capbx,
        );
    }

    fn noise(&self, state: &[f64], temp_k: f64) -> Vec<NoiseSource> {
        let m = self.m;
        let thermal = |g: f64| NoiseDensity::White(4.0 * BOLTZMANN * temp_k * g * m);
        let shot = |i: f64| NoiseDensity::White(2.0 * CHARGE * i.abs() * m);
        let cb = state[CB];
        let flicker = m * self.kf * (self.af * cb.abs().max(super::N_MINLOG).ln()).exp();
        vec![
            NoiseSource {
                suffix: "_rc",
                a: self.cp,
                b: self.c,
                density: thermal(self.eval.gc),
            },
            NoiseSource {
                suffix: "_rb",
                a: self.bp,
                b: self.b,
                density: thermal(state[GX]),
            },
            NoiseSource {
                suffix: "_re",
                a: self.ep,
                b: self.e,
                density: thermal(self.eval.ge),
            },
            NoiseSource {
                suffix: "_ic",
                a: self.cp,
                b: self.ep,
                density: shot(state[CC]),
            },
            NoiseSource {
                suffix: "_ib",
                a: self.bp,
                b: self.ep,
                density: shot(cb),
            },
            NoiseSource {
                suffix: "_1overf",
                a: self.bp,
                b: self.ep,
                density: NoiseDensity::Flicker(flicker),
            },
        ]
    }

    fn op_values(&self, state: &[f64]) -> Vec<(&'static str, f64)> {
        let (m, ty) = (self.m, self.ty);
        let vertical = self.ttype == self.ty;
        let (vbe, vbc, vbx, vsub) = (state[VBE], state[VBC], state[VBX], state[VSUB]);
        let dc = self.eval.dc(vbe, vbc, vsub, 0.0);
        let ch = self.eval.charges(vbe, vbc, vbx, vsub, &dc);
        let mut ib = state[CB];
        let mut ie = -state[CC] - state[CB];
        if vertical {
            ie += state[CDSUB];
        } else {
            ib -= state[CDSUB];
        }
        vec![
            ("ic", state[CC] * m * ty),
            ("ib", ib * m * ty),
            ("ie", ie * m * ty),
            ("vbe", vbe),
            ("vbc", vbc),
            ("gm", state[GM] * m),
            ("gpi", state[GPI] * m),
            ("gmu", state[GMU] * m),
            ("gx", state[GX] * m),
            ("go", state[GO] * m),
            ("geqcb", state[GEQCB] * m),
            ("gcsub", state[GCSUB] * m),
            ("gdsub", state[GDSUB] * m),
            ("geqbx", state[GEQBX] * m),
            ("cpi", ch.capbe * m),
            ("cmu", ch.capbc * m),
            ("cbx", ch.capbx * m),
            ("csub", ch.capsub * m),
            ("qbe", ch.qbe * m),
            ("qbc", ch.qbc * m),
            ("qbx", ch.qbx * m),
            ("qsub", ch.qsub * m),
        ]
    }
}

/// The internal nodes a transistor adds, by ngspice suffix (collector behind RC, base behind
/// RB, emitter behind RE), in ngspice's creation order.
pub fn internal_nodes(model: &BjtModel) -> Vec<&'static str> {
    let mut v = Vec::new();
    if model.rc_ohm != 0.0 {
        v.push("collCX");
    }
    if model.rb_ohm != 0.0 {
        v.push("base");
    }
    if model.re_ohm != 0.0 {
        v.push("emitter");
    }
    v
}

/// Stamps RC and RE (linear) and registers the transistor's matrix positions.
pub(super) fn stamp(q: &BjtInstance, temp_c: f64, tnom_c: f64, st: &mut Stamper) {
    let model = &q.model;
    let t = q.temp_c.unwrap_or(temp_c + q.dtemp_c) + CELSIUS_TO_KELVIN;
    let tn = model.tnom_c.unwrap_or(tnom_c) + CELSIUS_TO_KELVIN;
    let view = BjtInstanceView {
        area: q.area,
        areab: q.areab,
        areac: q.areac,
    };
    let eval = BjtEval::new(model, &view, t, tn);
    let (c, b, e, s) = (st.node(q.c), st.node(q.b), st.node(q.e), st.node(q.s));
    let mut k = 0;
    let mut internal = |given: bool, ext: Option<usize>, st: &Stamper| {
        if given {
            k += 1;
            Some(st.own_internal(k - 1))
        } else {
            ext
        }
    };
    let cp = internal(model.rc_ohm != 0.0, c, st);
    let bp = internal(model.rb_ohm != 0.0, b, st);
    let ep = internal(model.re_ohm != 0.0, e, st);
    for (a, i, g) in [(c, cp, eval.gc), (e, ep, eval.ge)] {
        if g != 0.0 {
            let g = g * q.m;
            st.g(a, a, g);
            st.g(i, i, g);
            st.g(a, i, -g);
            st.g(i, a, -g);
        }
    }
    let vertical = model.substrate_kind() == 1;
    let sc = if vertical { cp } else { bp };
    let pairs = [
        (b, b),
        (cp, cp),
        (sc, sc),
        (bp, bp),
        (ep, ep),
        (b, bp),
        (cp, bp),
        (cp, ep),
        (bp, b),
        (bp, cp),
        (bp, ep),
        (ep, cp),
        (ep, bp),
        (s, s),
        (sc, s),
        (s, sc),
        (b, cp),
        (cp, b),
    ];
    let mut pos = [None; N_POS];
    for (p, (r, col)) in pos.iter_mut().zip(pairs) {
        *p = st.position(r, col);
    }
    let ty = model.polarity();
    st.add_nonlinear(Box::new(BjtDevice {
        eval,
        ty,
        ttype: ty * f64::from(model.substrate_kind()),
        m: q.m,
        off: q.off,
        kf: model.kf,
        af: model.af,
        c,
        b,
        e,
        s,
        cp,
        bp,
        ep,
        sc,
        pos,
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view() -> BjtInstanceView {
        BjtInstanceView {
            area: 1.0,
            areab: 1.0,
            areac: 1.0,
        }
    }

    fn full_model() -> BjtModel {
        let p = |n: &str, v: f64| (n.to_string(), v);
        BjtModel::from_params(
            true,
            &[
                p("is", 1e-15),
                p("bf", 150.0),
                p("vaf", 60.0),
                p("var", 20.0),
                p("ikf", 5e-3),
                p("ikr", 1e-3),
                p("ise", 1e-14),
                p("isc", 1e-13),
                p("rb", 100.0),
                p("rbm", 20.0),
                p("cje", 2e-12),
                p("cjc", 1e-12),
                p("xcjc", 0.6),
                p("tf", 4e-10),
                p("xtf", 2.0),
                p("vtf", 3.0),
                p("itf", 0.1),
                p("tr", 1e-8),
                p("cjs", 1e-12),
                p("mjs", 0.4),
            ],
        )
        .0
    }

    #[test]
    fn forward_active_follows_ebers_moll() {
        // Defaults: Ic = IS exp(vbe/Vt) (1 - vbc/VAF... none), Ib = Ic/BF at vbc well below 0.
        let m = BjtModel::new(true);
        let ev = BjtEval::new(&m, &view(), 300.15, 300.15);
        let vt = K_OVER_Q * 300.15;
        let dc = ev.dc(0.65, -5.0, 0.0, 0.0);
        let ibe = 1e-16 * ((0.65f64 / vt).exp() - 1.0);
        let ibc = -1e-16;
        let ic = ibe - ibc - ibc / 1.0;
        assert!((dc.cc - ic).abs() < 1e-12 * ic, "{} vs {ic}", dc.cc);
        assert!((dc.cb - (ibe / 100.0 + ibc)).abs() < 1e-12 * dc.cb);
    }

    #[test]
    fn conductances_are_derivatives_of_the_currents() {
        let ev = BjtEval::new(&full_model(), &view(), 320.0, 300.15);
        let h = 1e-7;
        for (vbe, vbc) in [(0.7, -2.0), (0.75, 0.3), (0.4, -0.1), (-0.3, 0.65)] {
            let d = ev.dc(vbe, vbc, 0.0, 1e-12);
            let pe = ev.dc(vbe + h, vbc, 0.0, 1e-12);
            let me = ev.dc(vbe - h, vbc, 0.0, 1e-12);
            let pc = ev.dc(vbe, vbc + h, 0.0, 1e-12);
            let mc = ev.dc(vbe, vbc - h, 0.0, 1e-12);
            let dcc_dvbe = (pe.cc - me.cc) / (2.0 * h);
            let dcc_dvbc = (pc.cc - mc.cc) / (2.0 * h);
            let dcb_dvbe = (pe.cb - me.cb) / (2.0 * h);
            let dcb_dvbc = (pc.cb - mc.cb) / (2.0 * h);
            // Rounding in the differences: about 1e-16 of the currents over h.
            let noise = 1e-15 * (d.cc.abs() + d.cb.abs()) / h;
            let close = |a: f64, b: f64| (a - b).abs() <= 1e-5 * a.abs().max(b.abs()) + noise;
            // Ic(vbe, vbc): dIc/dvbe = gm + go, dIc/dvbc = -(go + gmu).
            assert!(
                close(dcc_dvbe, d.gm + d.go),
                "{vbe} {vbc}: {dcc_dvbe} {}",
                d.gm + d.go
            );
            assert!(
                close(dcc_dvbc, -(d.go + d.gmu)),
                "{vbe} {vbc}: {dcc_dvbc} {}",
                -(d.go + d.gmu)
            );
            assert!(close(dcb_dvbe, d.gpi), "{vbe} {vbc}");
            assert!(close(dcb_dvbc, d.gmu), "{vbe} {vbc}");
        }
    }

    #[test]
    fn capacitances_are_derivatives_of_the_charges() {
        let ev = BjtEval::new(&full_model(), &view(), 300.15, 300.15);
        let h = 1e-7;
        for (vbe, vbc, vbx, vsub) in [(0.7, -2.0, -2.1, -3.0), (0.6, 0.5, 0.55, 0.2)] {
            let q = |vbe: f64, vbc: f64, vbx: f64, vsub: f64| {
                let d = ev.dc(vbe, vbc, vsub, 0.0);
                ev.charges(vbe, vbc, vbx, vsub, &d)
            };
            let c = q(vbe, vbc, vbx, vsub);
            let d = |a: f64, b: f64| (a - b) / (2.0 * h);
            let close = |a: f64, b: f64| (a - b).abs() <= 1e-5 * a.abs().max(b.abs()) + 1e-22;
            let (p, m) = (q(vbe + h, vbc, vbx, vsub), q(vbe - h, vbc, vbx, vsub));
            assert!(close(d(p.qbe, m.qbe), c.capbe));
            let (p, m) = (q(vbe, vbc + h, vbx, vsub), q(vbe, vbc - h, vbx, vsub));
            assert!(
                close(d(p.qbe, m.qbe), c.geqcb),
                "{} {}",
                d(p.qbe, m.qbe),
                c.geqcb
            );
            assert!(close(d(p.qbc, m.qbc), c.capbc));
            let (p, m) = (q(vbe, vbc, vbx + h, vsub), q(vbe, vbc, vbx - h, vsub));
            assert!(close(d(p.qbx, m.qbx), c.capbx));
            let (p, m) = (q(vbe, vbc, vbx, vsub + h), q(vbe, vbc, vbx, vsub - h));
            assert!(close(d(p.qsub, m.qsub), c.capsub));
        }
    }

    #[test]
    fn saturation_current_scales_with_temperature() {
        // IS(T) = IS (T/Tn)^XTI exp((T/Tn - 1) EG/Vt(T)), at 75 C from 27 C.
        let m = BjtModel::new(true);
        let (t, tn) = (348.15, 300.15);
        let ev = BjtEval::new(&m, &view(), t, tn);
        let vt = K_OVER_Q * t;
        let expect = 1e-16 * (t / tn).powi(3) * ((t / tn - 1.0) * 1.11 / vt).exp();
        assert!((ev.is_be - expect).abs() < 1e-12 * expect);
    }

    #[test]
    fn limiter_bounds_forward_steps() {
        let ev = BjtEval::new(&BjtModel::new(true), &view(), 300.15, 300.15);
        let ([vbe, vbc, _], lim) = ev.limit([3.0, 0.1, 0.0], [0.7, 0.0, 0.0]);
        // ngspice 39's DEVpnjlim: vold + Vt*(2 + ln((vnew - vold)/Vt - 2)), Vt = kT/q at 27 C.
        let vt = K_OVER_Q * 300.15;
        let expect = 0.7 + vt * (2.0 + ((3.0 - 0.7) / vt - 2.0).ln());
        assert!(
            lim && (vbe - expect).abs() < 1e-12 && vbc == 0.1,
            "{vbe} vs {expect}"
        );
    }
}
