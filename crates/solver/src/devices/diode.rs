//! Junction diode `D anode cathode model [area]` (SPICE level 1, as ngspice's `dio`).
//!
//! Unknowns: with `RS > 0` an internal anode node `a'` is added and `1/RS` (times area) is
//! stamped linearly between the anode and `a'`; the junction sits between `a'` (or the anode)
//! and the cathode. Each Newton iteration linearises the junction current at `vd`:
//! `Id(v) ~ Id(vd) + gd*(v - vd)`, i.e. conductance `gd` between `a'` and `k` plus the current
//! `Id - gd*vd` leaving `a'` and entering `k`. GMIN is added in parallel (`Id += GMIN*vd`,
//! `gd += GMIN`). In a transient the junction charge `Q(vd)` (depletion + `TT*Id`) is integrated
//! like a capacitor's: `i = ag0*Q + hist`, linearised with `C(vd) = dQ/dvd`.
//! Equations, defaults and their source: [`circuit::DiodeModel`]. Voltage limiting: `pnjlim`
//! (the SPICE junction limiter) keeps `exp(vd/nVt)` from overflowing between iterations.

//!
//! Noise (ngspice's `dionoise.c`), three current generators, `Id` the DC junction current at
//! the operating point (including GMIN's `GMIN*vd`) and T the circuit temperature:
//! - `_rs`: thermal noise of RS, `4 k T area^2/RS` (A^2/Hz) between the anode and `a'` (zero
//!   without RS). Note `area^2`, not the `area/RS` conductance actually stamped: ngspice 39's
//!   `dionoise.c` multiplies the already area-scaled `DIOtConductance` by the area again, and
//!   balun matches it (checked against ngspice on `tests/noise/diode.net`, area 2);
//! - `_id`: shot noise `2 q |Id|` across the junction (`a'` to cathode);
//! - `_1overf`: flicker noise `KF * max(|Id|, 1e-38)^AF / f` across the junction
//!   (so with `AF = 0` it is `KF/f` whatever the bias).

use super::limit::pnjlim;
use super::nonlinear::{voltage, Load, Mode, Nonlinear, State};
use super::{NoiseDensity, NoiseSource, BOLTZMANN, CELSIUS_TO_KELVIN, CHARGE, N_MINLOG};
use crate::mna::Stamper;
use circuit::{DiodeModel, NodeId};

/// Boltzmann constant over electron charge (V/K), ngspice's `CONSTKoverQ`.
const K_OVER_Q: f64 = BOLTZMANN / CHARGE;

/// The diode's noise generators: `ext` the anode, `junction` the junction's anode side
/// (`a'` behind RS, else the anode), `k` the cathode (unknown indices, `None` = ground).
#[allow(clippy::too_many_arguments)]
fn noise(
    ext: Option<usize>,
    junction: Option<usize>,
    k: Option<usize>,
    area: f64,
    rs_ohm: f64,
    kf: f64,
    af: f64,
    id: f64,
    temp_k: f64,
) -> Vec<NoiseSource> {
    let g_rs = if rs_ohm > 0.0 { area / rs_ohm } else { 0.0 };
    let flicker = kf * (af * id.abs().max(N_MINLOG).ln()).exp();
    vec![
        NoiseSource {
            suffix: "_rs",
            a: junction,
            b: ext,
            density: NoiseDensity::White(4.0 * BOLTZMANN * temp_k * g_rs * area),
        },
        NoiseSource {
            suffix: "_id",
            a: junction,
            b: k,
            density: NoiseDensity::White(2.0 * CHARGE * id.abs()),
        },
        NoiseSource {
            suffix: "_1overf",
            a: junction,
            b: k,
            density: NoiseDensity::Flicker(flicker),
        },
    ]
}

/// ngspice's reference temperature `REFTEMP` (27 C) in kelvin.
const REFERENCE_K: f64 = 300.15;

/// Silicon's band gap (eV) at `t` kelvin, the SPICE fit `1.16 - 7.02e-4 T^2/(T + 1108)`.
fn band_gap_ev(t: f64) -> f64 {
    1.16 - 7.02e-4 * t * t / (t + 1108.0)
}

/// SPICE's `pbfact`: the junction potential's temperature term at `t` kelvin (V).
fn potential_term(t: f64) -> f64 {
    let arg = -band_gap_ev(t) / (2.0 * BOLTZMANN * t) + 1.1150877 / (2.0 * BOLTZMANN * REFERENCE_K);
    -2.0 * K_OVER_Q * t * (1.5 * (t / REFERENCE_K).ln() + CHARGE * arg)
}

/// Junction potential VJ (V) and zero-bias capacitance CJO (F, per unit area) at `t` kelvin
/// for parameters given at `tn` kelvin; VJ limited to `1/FC` as ngspice does.
fn junction_at(model: &DiodeModel, t: f64, tn: f64) -> (f64, f64) {
    let vj0 = (model.vj_v - potential_term(tn)) / (tn / REFERENCE_K);
    let grading_old = (model.vj_v - vj0) / vj0;
    let cj_ref = model.cjo_f / (1.0 + model.m * (4e-4 * (tn - REFERENCE_K) - grading_old));
    let mut vj = potential_term(t) + t / REFERENCE_K * vj0;
    let grading_new = (vj - vj0) / vj0;
    let cjo = cj_ref * (1.0 + model.m * (4e-4 * (t - REFERENCE_K) - grading_new));
    if model.fc * vj > 1.0 {
        vj = 1.0 / model.fc;
    }
    (vj, cjo)
}

/// A diode's model evaluated for its area and the circuit temperature.
#[derive(Debug, Clone, Copy)]
pub struct DiodeEval {
    /// Saturation current times area (A).
    is: f64,
    /// Emission coefficient times thermal voltage (V).
    vte: f64,
    /// Critical voltage for the junction limiter (V).
    pub vcrit: f64,
    /// Breakdown voltage adjusted so that the current at `-BV` is `IBV` (V).
    bv: Option<f64>,
    cjo: f64,
    vj: f64,
    m: f64,
    fc: f64,
    tt: f64,
}

impl DiodeEval {
    /// The model at `temp_c`, its parameters given at the model's TNOM, else at `tnom_c`
    /// (the equations are in [`DiodeModel`]'s documentation).
    pub fn new(model: &DiodeModel, area: f64, temp_c: f64, tnom_c: f64) -> Self {
        let t = temp_c + CELSIUS_TO_KELVIN;
        let tn = model.tnom_c.unwrap_or(tnom_c) + CELSIUS_TO_KELVIN;
        let vt = K_OVER_Q * t;
        let vte = model.n * vt;
        let is = model.is_a
            * area
            * ((t / tn - 1.0) * model.eg_ev / vte + model.xti / model.n * (t / tn).ln()).exp();
        let (vj, cjo) = junction_at(model, t, tn);
        let vcrit = vte * (vte / (std::f64::consts::SQRT_2 * is)).ln();
        let bv = model.bv_v.map(|bv| {
            // Solve IS*(exp((bv - x)/vte) - 1 + x/vte) = IBV for the knee x, as SPICE does.
            let cbv = model.ibv_a * area;
            if cbv < is * bv / vt {
                bv
            } else {
                // The breakdown emission coefficient is N (ngspice's NBV defaults to N), so the
                // exponentials use N*Vt; the linear terms use Vt, as in ngspice.
                let mut x = bv - vte * (1.0 + cbv / is).ln();
                for _ in 0..25 {
                    x = bv - vte * (cbv / is + 1.0 - x / vt).ln();
                    let c = is * ((bv - x) / vte).exp() - is + is * x / vt;
                    if (c - cbv).abs() <= 1e-3 * cbv {
                        break;
                    }
                }
                x
            }
        });
        DiodeEval {
            is,
            vte,
            vcrit,
            bv,
            cjo: cjo * area,
            vj,
            m: model.m,
            fc: model.fc,
            tt: model.tt_s,
        }
    }

    /// Junction current and conductance at `vd` (without GMIN).
    pub fn current(&self, vd: f64) -> (f64, f64) {
        let (is, vte) = (self.is, self.vte);
        if vd >= -3.0 * vte {
            let e = (vd / vte).exp();
            (is * (e - 1.0), is * e / vte)
        } else if self.bv.is_none_or(|bv| vd >= -bv) {
            let a = 3.0 * vte / (vd * std::f64::consts::E);
            let a3 = a * a * a;
            (-is * (1.0 + a3), is * 3.0 * a3 / vd)
        } else {
            let bv = self.bv.unwrap_or(f64::INFINITY);
            let e = (-(bv + vd) / vte).exp();
            (-is * e, is * e / vte)
        }
    }

    /// Whether the junction stores charge (depletion or diffusion).
    pub fn has_charge(&self) -> bool {
        self.cjo != 0.0 || self.tt != 0.0
    }

    /// Junction charge and capacitance at `vd`, given the current and conductance there.
    pub fn charge(&self, vd: f64, id: f64, gd: f64) -> (f64, f64) {
        let (cz, vj, m, fc) = (self.cjo, self.vj, self.m, self.fc);
        let (mut q, mut c) = (self.tt * id, self.tt * gd);
        if cz != 0.0 {
            if vd < fc * vj {
                let arg = 1.0 - vd / vj;
                let sarg = (-m * arg.ln()).exp();
                q += vj * cz * (1.0 - arg * sarg) / (1.0 - m);
                c += cz * sarg;
            } else {
                let f1 = vj * (1.0 - (1.0 - fc).powf(1.0 - m)) / (1.0 - m);
                let f2 = (1.0 - fc).powf(1.0 + m);
                let f3 = 1.0 - fc * (1.0 + m);
                let czof2 = cz / f2;
                q += cz * f1
                    + czof2
                        * (f3 * (vd - fc * vj) + m / (2.0 * vj) * (vd * vd - (fc * vj).powi(2)));
                c += czof2 * (f3 + m * vd / vj);
            }
        }
        (q, c)
    }

    /// Limits a new junction voltage against the previous iteration's (SPICE `pnjlim`, with the
    /// reverse-breakdown mirror); returns the voltage to use and whether it was limited.
    pub fn limit(&self, vnew: f64, vold: f64) -> (f64, bool) {
        if let Some(bv) = self.bv {
            if vnew < (-bv + 10.0 * self.vte).min(0.0) {
                let (v, lim) = pnjlim(-(vnew + bv), -(vold + bv), self.vte, self.vcrit);
                return (-(v + bv), lim);
            }
        }
        pnjlim(vnew, vold, self.vte, self.vcrit)
    }
}

/// Indices into a diode's state: the junction voltage and, with GMIN's share, its current and
/// conductance at the last load.
const VD: usize = 0;
const ID: usize = 1;
const GD: usize = 2;
/// The accepted point's junction voltage as the last load saw it (once that point is
/// accepted: the voltage two points back, for ngspice's predictor) and how many accepted
/// points the history holds.
const VD_BEFORE: usize = 3;
const DEPTH: usize = 4;

/// A diode placed in the matrix: its unknowns and the slots of its junction stamp.
#[derive(Debug, Clone)]
pub struct DiodeInstance {
    eval: DiodeEval,
    /// External anode, junction anode (the internal node when RS > 0) and cathode unknowns.
    ext: Option<usize>,
    a: Option<usize>,
    k: Option<usize>,
    area: f64,
    /// RS as given (ohm; 0 = none), KF and AF, for the noise generators.
    rs_ohm: f64,
    kf: f64,
    af: f64,
    /// Pattern handles, then (after [`Nonlinear::resolve`]) slots, of (a,a), (k,k), (a,k), (k,a).
    slots: [Option<usize>; 4],
}

impl DiodeInstance {
    /// Adds conductance-like value `g` to the junction's four entries of `values`.
    fn stamp_matrix(&self, values: &mut [f64], g: f64) {
        for (slot, sign) in self.slots.iter().zip([1.0, 1.0, -1.0, -1.0]) {
            if let Some(s) = slot {
                values[*s] += sign * g;
            }
        }
    }

    /// Adds a current `i` flowing from `a` through the junction to `k` to the right-hand side
    /// (as the equivalent source of a linearisation: `rhs[a] -= i`, `rhs[k] += i`).
    fn stamp_current(&self, rhs: &mut [f64], i: f64) {
        if let Some(a) = self.a {
            rhs[a] -= i;
        }
        if let Some(k) = self.k {
            rhs[k] += i;
        }
    }
}

impl Nonlinear for DiodeInstance {
    fn state_len(&self) -> usize {
        5
    }

    fn charge_len(&self) -> usize {
        usize::from(self.eval.has_charge())
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
        let mut raw = voltage(x, self.a) - voltage(x, self.k);
        let init = load.init_junctions;
        if let Some(f) = load.predict.filter(|_| !init) {
            // ngspice's MODEINITPRED (DEVpred): start from the accepted point's linearisation
            // and extrapolate the junction voltage over the last two accepted points.
            st[..=GD].copy_from_slice(&acc[..=GD]);
            let before = if acc[DEPTH] >= 2.0 {
                acc[VD_BEFORE]
            } else {
                acc[VD]
            };
            raw = (1.0 + f) * acc[VD] - f * before;
        }
        st[VD_BEFORE] = acc[VD];
        st[DEPTH] = acc[DEPTH] + 1.0;
        let (vd, limited) = if init {
            (self.eval.vcrit, true)
        } else if load.mode == Mode::TranInit {
            (raw, false)
        } else {
            self.eval.limit(raw, st[VD])
        };
        let (id_j, gd_j) = self.eval.current(vd);
        let id = id_j + opts.gmin * vd;
        let gd = gd_j + opts.gmin;
        // ngspice 39's dioload: the diode has converged when its junction voltage was not
        // limited (the current-prediction test is used only for its bypass, off by default).
        let converged = !limited;
        st[VD] = vd;
        st[ID] = id;
        st[GD] = gd;
        let (mut i_total, mut g_total) = (id, gd);
        if let Some(integ) = load.integrator.as_mut() {
            if self.eval.has_charge() {
                let (q, c) = self.eval.charge(vd, id_j, gd_j);
                i_total += integ.integrate(0, q);
                g_total += integ.ag0 * c;
            }
        }
        self.stamp_matrix(load.values, g_total);
        self.stamp_current(load.rhs, i_total - g_total * vd);
        converged
    }

    fn ac_load(&self, state: &[f64], g: &mut [f64], c: &mut [f64]) {
        let vd = state[VD];
        let (id, gd) = self.eval.current(vd);
        let (_, cap) = self.eval.charge(vd, id, gd);
        // The stored conductance includes GMIN, as the DC linearisation's did.
        let _ = (id, gd);
        self.stamp_matrix(g, state[GD]);
        self.stamp_matrix(c, cap);
    }

    fn noise(&self, state: &[f64], temp_k: f64) -> Vec<NoiseSource> {
        noise(
            self.ext,
            self.a,
            self.k,
            self.area,
            self.rs_ohm,
            self.kf,
            self.af,
            state[ID],
            temp_k,
        )
    }

    fn op_values(&self, state: &[f64]) -> Vec<(&'static str, f64)> {
        vec![("vd", state[VD]), ("id", state[ID]), ("gd", state[GD])]
    }
}

/// Stamps the linear part (RS) and registers the junction's matrix positions.
pub(super) fn stamp(
    anode: NodeId,
    cathode: NodeId,
    area: f64,
    model: &DiodeModel,
    temp_c: f64,
    tnom_c: f64,
    st: &mut Stamper,
) {
    let ext = st.node(anode);
    let k = st.node(cathode);
    let a = if model.rs_ohm > 0.0 {
        let internal = st.own_internal(0);
        let g = area / model.rs_ohm;
        let i = Some(internal);
        st.g(ext, ext, g);
        st.g(i, i, g);
        st.g(ext, i, -g);
        st.g(i, ext, -g);
        i
    } else {
        ext
    };
    let slots = [
        st.position(a, a),
        st.position(k, k),
        st.position(a, k),
        st.position(k, a),
    ];
    st.add_nonlinear(Box::new(DiodeInstance {
        eval: DiodeEval::new(model, area, temp_c, tnom_c),
        ext,
        a,
        k,
        area,
        rs_ohm: model.rs_ohm,
        kf: model.kf,
        af: model.af,
        slots,
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forward_current_follows_shockley() {
        // Id = IS (exp(vd / (N kT/q)) - 1) at 27 C.
        let m = DiodeModel::default();
        let d = DiodeEval::new(&m, 1.0, 27.0, 27.0);
        let vt: f64 = 1.380_648_52e-23 * 300.15 / 1.602_176_620_8e-19;
        let (id, gd) = d.current(0.6);
        let expect = 1e-14 * ((0.6f64 / vt).exp() - 1.0);
        assert!((id - expect).abs() < 1e-12 * expect);
        assert!((gd - 1e-14 * (0.6f64 / vt).exp() / vt).abs() < 1e-12 * gd);
    }

    #[test]
    fn breakdown_current_is_ibv_at_bv() {
        let m = DiodeModel {
            bv_v: Some(5.0),
            ibv_a: 1e-3,
            ..Default::default()
        };
        let d = DiodeEval::new(&m, 1.0, 27.0, 27.0);
        let (id, _) = d.current(-5.0);
        assert!((id + 1e-3).abs() < 2e-5, "{id}");
    }

    #[test]
    fn depletion_charge_derivative_is_capacitance() {
        let m = DiodeModel {
            cjo_f: 2e-12,
            vj_v: 0.7,
            m: 0.4,
            ..Default::default()
        };
        let d = DiodeEval::new(&m, 1.0, 27.0, 27.0);
        for vd in [-5.0, -0.5, 0.2, 0.5] {
            let h = 1e-6;
            let (q1, _) = d.charge(vd - h, 0.0, 0.0);
            let (q2, _) = d.charge(vd + h, 0.0, 0.0);
            let (_, c) = d.charge(vd, 0.0, 0.0);
            assert!(((q2 - q1) / (2.0 * h) - c).abs() < 1e-6 * c, "at {vd}");
        }
    }

    #[test]
    fn limiter_tames_large_forward_steps() {
        let d = DiodeEval::new(&DiodeModel::default(), 1.0, 27.0, 27.0);
        let (v, lim) = d.limit(5.0, 0.6);
        assert!(lim && v < 0.8);
        let (v, lim) = d.limit(0.61, 0.6);
        assert!(!lim && v == 0.61);
    }
}
