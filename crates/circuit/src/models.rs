//! Device models (`.model` cards) evaluated to SI parameters with SPICE defaults.

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
        }
    }
}

impl DiodeModel {
    /// Builds the model from `.model` parameters; returns the names it does not know
    /// (temperature and noise-only parameters it accepts and ignores are not reported).
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
                // Temperature and area-scaling parameters: accepted (T = TNOM by default).
                "eg" | "xti" | "tnom" | "level" => {}
                other => unknown.push(other.to_string()),
            }
        }
        (m, unknown)
    }
}
