//! The JFET's model card (`.model NAME NJF(...)` / `PJF(...)`).

/// ngspice level-1 JFET model parameters (`.model NAME NJF|PJF (...)`): Shichman-Hodges with
/// the Parker-Skellern doping-tail parameter B. Defaults are ngspice 39's (`jfetset.c`); the
/// parameter names are its `JFETmPTable` (`jfet.c`). Equations: the solver's
/// `crates/solver/src/devices/jfet.rs`.
///
/// ngspice 39's level 1 has no N, ISR, NR, ALPHA, VK, M or KF-like PSpice extras beyond the
/// list below: such names are warned about and ignored, as ngspice does.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct JfetModel {
    /// PJF (`true`) or NJF.
    pub p_type: bool,
    /// Threshold (pinch-off) voltage VTO (V). Default -2.
    pub vto_v: f64,
    /// Transconductance parameter BETA (A/V^2). Default 1e-4.
    pub beta: f64,
    /// Channel-length modulation LAMBDA (1/V). Default 0.
    pub lambda: f64,
    /// Drain ohmic resistance RD (ohm). Default 0.
    pub rd_ohm: f64,
    /// Source ohmic resistance RS (ohm). Default 0.
    pub rs_ohm: f64,
    /// Zero-bias gate-source junction capacitance CGS (F). Default 0.
    pub cgs_f: f64,
    /// Zero-bias gate-drain junction capacitance CGD (F). Default 0.
    pub cgd_f: f64,
    /// Gate junction potential PB (V). Default 1.
    pub pb_v: f64,
    /// Gate junction saturation current IS (A). Default 1e-14.
    pub is_a: f64,
    /// Forward-bias depletion capacitance coefficient FC (limited to 0.95). Default 0.5.
    pub fc: f64,
    /// Doping-tail parameter B (Parker-Skellern). Default 1 (square law).
    pub b: f64,
    /// Parameter measurement temperature TNOM (C); `None`: `.options tnom`.
    pub tnom_c: Option<f64>,
    /// Threshold temperature coefficient TCV (V/K, subtracted). Default 0.
    pub tcv: f64,
    /// Threshold temperature coefficient VTOTC (V/K, added); when given it replaces TCV.
    pub vtotc: Option<f64>,
    /// Mobility temperature exponent BEX. Default 0.
    pub bex: f64,
    /// Mobility temperature coefficient BETATCE (%/K); when given it replaces BEX.
    pub betatce: Option<f64>,
    /// Saturation-current temperature exponent XTI; only applied when given (ngspice).
    pub xti: Option<f64>,
    /// Band gap EG (eV). Default 1.11.
    pub eg_ev: f64,
    /// Flicker noise coefficient KF. Default 0.
    pub kf: f64,
    /// Flicker noise exponent AF. Default 1.
    pub af: f64,
    /// Noise equation selector NLEV (3 = GDSNOI channel-noise form). Default 2.
    pub nlev: f64,
    /// Channel noise coefficient GDSNOI (NLEV = 3). Default 1.
    pub gdsnoi: f64,
}

impl Default for JfetModel {
    fn default() -> Self {
        JfetModel {
            p_type: false,
            vto_v: -2.0,
            beta: 1e-4,
            lambda: 0.0,
            rd_ohm: 0.0,
            rs_ohm: 0.0,
            cgs_f: 0.0,
            cgd_f: 0.0,
            pb_v: 1.0,
            is_a: 1e-14,
            fc: 0.5,
            b: 1.0,
            tnom_c: None,
            tcv: 0.0,
            vtotc: None,
            bex: 0.0,
            betatce: None,
            xti: None,
            eg_ev: 1.11,
            kf: 0.0,
            af: 1.0,
            nlev: 2.0,
            gdsnoi: 1.0,
        }
    }
}

impl JfetModel {
    /// Builds the model of type `kind` (`njf` or `pjf`) from `.model` parameters; returns
    /// the names it does not know (`level`, accepted and ignored, is not reported).
    pub fn from_params(kind: &str, params: &[(String, f64)]) -> (JfetModel, Vec<String>) {
        let mut m = JfetModel {
            p_type: kind == "pjf",
            ..Default::default()
        };
        let mut unknown = Vec::new();
        for (name, v) in params {
            let v = *v;
            match name.as_str() {
                "vto" | "vt0" => m.vto_v = v,
                "beta" => m.beta = v,
                "lambda" => m.lambda = v,
                "rd" => m.rd_ohm = v,
                "rs" => m.rs_ohm = v,
                "cgs" => m.cgs_f = v,
                "cgd" => m.cgd_f = v,
                "pb" => m.pb_v = v,
                "is" => m.is_a = v,
                "fc" => m.fc = v,
                "b" => m.b = v,
                "tnom" => m.tnom_c = Some(v),
                "tcv" => m.tcv = v,
                "vtotc" => m.vtotc = Some(v),
                "bex" => m.bex = v,
                "betatce" => m.betatce = Some(v),
                "xti" => m.xti = Some(v),
                "eg" => m.eg_ev = v,
                "kf" => m.kf = v,
                "af" => m.af = v,
                "nlev" => m.nlev = v,
                "gdsnoi" => m.gdsnoi = v,
                "level" => {}
                other => unknown.push(other.to_string()),
            }
        }
        (m, unknown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_defaults_and_unknowns() {
        let params: Vec<(String, f64)> = [("vt0", -1.0), ("beta", 2e-3), ("n", 1.2), ("xti", 3.0)]
            .iter()
            .map(|(n, v)| (n.to_string(), *v))
            .collect();
        let (m, unknown) = JfetModel::from_params("pjf", &params);
        assert!(m.p_type);
        assert_eq!((m.vto_v, m.beta, m.xti), (-1.0, 2e-3, Some(3.0)));
        assert_eq!((m.b, m.pb_v, m.fc, m.is_a), (1.0, 1.0, 0.5, 1e-14));
        assert_eq!(unknown, ["n"]);
        assert!(!JfetModel::from_params("njf", &[]).0.p_type);
    }
}
