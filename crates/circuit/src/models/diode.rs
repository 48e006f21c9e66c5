//! The junction diode's model card (`.model NAME D(...)`).

/// SPICE level-1 junction diode model parameters (`.model NAME D (...)`), as in ngspice's
/// `dio` device (defaults from the ngspice manual, "Diode model parameters" table).
///
/// Equations used by the solver (`crates/solver/src/devices/diode.rs`), with `Vt = kT/q`,
/// `nVt = N*Vt` (T = `.temp`, 27 C by default):
/// - forward and mild reverse (`vd >= -3 nVt`): `Id = IS*(exp(vd/nVt) - 1)`;
/// - reverse (`-BV < vd < -3 nVt`): `Id = -IS*(1 + (3 nVt/(e vd))^3)`;
/// - breakdown (`vd <= -BV`): `Id = -IS*exp(-(BV + vd)/nVt)` (BV adjusted so `Id(-BV) = -IBV`);
/// - depletion charge for `vd < FC*VJ`: `Q = CJO*VJ*(1 - (1 - vd/VJ)^(1-M))/(1-M)`, linearised
///   above; diffusion charge `TT*Id`. `RS` is an ohmic resistance in series with the anode.
///
/// Temperature (SPICE2/ngspice `diotemp.c`, temperatures in kelvin, `Tr` = 300.15 K): at
/// `T` = `.temp` with the parameters given at `Tn` = `TNOM` (the model's, else `.options
/// tnom`, 27 C by default):
/// - `IS(T) = IS*exp((T/Tn - 1)*EG/(N*Vt(T)) + XTI/N*ln(T/Tn))`;
/// - `VJ(T) = T/Tr*VJ0 + pbfact(T)` and `CJO(T) = CJO(Tn)/(1 + M*(4e-4*(Tn - Tr) - g(Tn)))*
///   (1 + M*(4e-4*(T - Tr) - g(T)))`, where `VJ0 = (VJ - pbfact(Tn))*Tr/Tn` is VJ referred to
///   `Tr`, `g(T) = (VJ(T) - VJ0)/VJ0`, `pbfact(T) = -2*Vt(T)*(1.5*ln(T/Tr) + q*(-Eg(T)/(2kT)
///   + 1.1150877/(2k*Tr)))` and `Eg(T) = 1.16 - 7.02e-4*T^2/(T + 1108)` (silicon's band gap,
///   eV); `VJ(T)` is limited to `1/FC`;
/// - the breakdown knee is recomputed with `IS(T)`; RS, TT, M and BV do not vary (their
///   temperature coefficients default to 0 in ngspice and are not read).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DiodeModel {
    /// Saturation current IS (A). Default 1e-14.
    pub is_a: f64,
    /// Emission coefficient N. Default 1.
    pub n: f64,
    /// Series (ohmic) resistance RS (ohm). Default 0.
    pub rs_ohm: f64,
    /// Zero-bias junction capacitance CJO (F). Default 0.
    pub cjo_f: f64,
    /// Junction potential VJ (V). Default 1.
    pub vj_v: f64,
    /// Grading coefficient M. Default 0.5.
    pub m: f64,
    /// Forward-bias depletion capacitance coefficient FC. Default 0.5.
    pub fc: f64,
    /// Transit time TT (s). Default 0.
    pub tt_s: f64,
    /// Reverse breakdown voltage BV (V, positive); `None` = no breakdown.
    pub bv_v: Option<f64>,
    /// Current at breakdown voltage IBV (A). Default 1e-3.
    pub ibv_a: f64,
    /// Flicker noise coefficient KF. Default 0.
    pub kf: f64,
    /// Flicker noise exponent AF. Default 1.
    pub af: f64,
    /// Activation energy EG (eV) of IS's temperature dependence. Default 1.11 (silicon).
    pub eg_ev: f64,
    /// Saturation-current temperature exponent XTI. Default 3 (pn junction).
    pub xti: f64,
    /// Temperature TNOM (C) at which the parameters were measured; `None`: the circuit's
    /// `.options tnom` (27 C by default).
    pub tnom_c: Option<f64>,
}

impl Default for DiodeModel {
    fn default() -> Self {
        DiodeModel {
            is_a: 1e-14,
            n: 1.0,
            rs_ohm: 0.0,
            cjo_f: 0.0,
            vj_v: 1.0,
            m: 0.5,
            fc: 0.5,
            tt_s: 0.0,
            bv_v: None,
            ibv_a: 1e-3,
            kf: 0.0,
            af: 1.0,
            eg_ev: 1.11,
            xti: 3.0,
            tnom_c: None,
        }
    }
}

impl DiodeModel {
    /// Builds the model from `.model` parameters; returns the names it does not know
    /// (`level`, accepted and ignored, is not reported).
    pub fn from_params(params: &[(String, f64)]) -> (DiodeModel, Vec<String>) {
        let mut m = DiodeModel::default();
        let mut unknown = Vec::new();
        for (name, v) in params {
            let v = *v;
            match name.as_str() {
                "is" | "js" => m.is_a = v,
                "n" => m.n = v,
                "rs" => m.rs_ohm = v,
                "cjo" | "cj0" | "cj" => m.cjo_f = v,
                "vj" | "pb" => m.vj_v = v,
                "m" | "mj" => m.m = v,
                "fc" => m.fc = v,
                "tt" => m.tt_s = v,
                "bv" => m.bv_v = (v != 0.0).then_some(v.abs()),
                "ibv" => m.ibv_a = v,
                "kf" => m.kf = v,
                "af" => m.af = v,
                "eg" => m.eg_ev = v,
                "xti" => m.xti = v,
                "tnom" => m.tnom_c = Some(v),
                "level" => {}
                other => unknown.push(other.to_string()),
            }
        }
        (m, unknown)
    }
}
