//! The passive elements' model cards: `.model NAME R (...)`, `C (...)`, `L (...)` as ngspice 39
//! has them (`res.c`/`ressetup.c`/`restemp.c`, `cap.c`/`capsetup.c`/`captemp.c`,
//! `ind.c`/`indsetup.c`/`indtemp.c`).
//!
//! Value of an instance that gives none:
//! - R: `RSH * (L - 2 SHORT) / (W - 2 NARROW)` when `L * W * RSH > 0` (W defaults to `DEFW`,
//!   L to the model's `L`, both 10 um), else the model's `R`, else 1 mOhm;
//! - C: the model's `CAP` if given, else `CJ (W - NARROW)(L - SHORT) + 2 CJSW ((L - SHORT) +
//!   (W - NARROW))` (W defaults to `DEFW` 10 um, L to 0 as ngspice 39's `capsetup.c`; `DEL`
//!   sets both corrections to `2 DEL`; `CJ` defaults to `DI eps0 / THICK` (or `eps_SiO2 /
//!   THICK`) when `THICK` is given);
//! - L: `spec nt^2` with the instance's `nt=` turns, else the model's `IND`, else `spec NT^2`,
//!   `spec = MU mu0 CSECT / LENGTH` the inductance of one turn (`CSECT = pi DIA^2 / 4` when
//!   `DIA` is given), times Lundin's approximation of Nagaoka's coefficient when `LENGTH` and
//!   `DIA` or `CSECT` are given (ngspice 39's `indsetup.c`, after W. Knight, "Solenoid
//!   inductance calculation", p. 36): with `x = 2 sqrt(CSECT/pi) / LENGTH` (diameter over
//!   length), `(1 + 0.383901 x^2 + 0.017108 x^4) / (1 + 0.258952 x^2) - 4x/(3 pi)` for `x < 1`,
//!   else `2 ((ln 4x - 1/2)(1 + 0.383901/x^2 + 0.017108/x^4) / (1 + 0.258952/x^2) + 0.093842/x^2
//!   + 0.002029/x^4 - 0.000801/x^6) / (pi x)`; 1 when `CSECT < 1e-12` or `LENGTH < 1e-6`.
//!
//! Temperature: every value is scaled by `1 + TC1 dT + TC2 dT^2` (R with `TCE`:
//! `1.01^(TCE dT)`), `dT = T + DTEMP - TNOM`, T the instance's `temp=` or the circuit's, instance
//! coefficients overriding the model's; then by the instance's `scale=`.

/// ngspice's `CONSTepsZero` (F/m).
const EPS0: f64 = 8.854214871e-12;
/// ngspice's `CONSTepsSiO2` = 3.9 eps0 (F/m).
const EPS_SIO2: f64 = 3.9 * EPS0;

/// Temperature coefficients of a passive model (`TC1` 1/K, `TC2` 1/K^2, `TCE` %/K, `TNOM` C).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PassiveTemp {
    pub tc1: f64,
    pub tc2: f64,
    /// R only: the exponential coefficient; `Some` selects `1.01^(TCE dT)`.
    pub tce: Option<f64>,
    /// `None`: the circuit's `.options tnom`.
    pub tnom_c: Option<f64>,
}

/// A resistor model (`.model NAME R`): defaults from ngspice 39's `ressetup.c`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ResistorModel {
    /// `RSH` sheet resistance (ohm/square). Default 0.
    pub rsh_ohm: f64,
    /// `NARROW` (`DW`) width correction (m). Default 0.
    pub narrow_m: f64,
    /// `SHORT` (`DLR`) length correction (m). Default 0.
    pub short_m: f64,
    /// `DEFW` (`W`) default width (m). Default 10 um.
    pub defw_m: f64,
    /// `L` default length (m). Default 10 um.
    pub defl_m: f64,
    /// `R` (`RES`) default resistance (ohm).
    pub r_ohm: Option<f64>,
    pub temp: PassiveTemp,
}

/// A capacitor model (`.model NAME C`): defaults from ngspice 39's `capsetup.c`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CapacitorModel {
    /// `CAP` default capacitance (F).
    pub cap_f: Option<f64>,
    /// `CJ` (`COX`) bottom capacitance per area (F/m^2).
    pub cj: f64,
    /// `CJSW` (`CAPSW`) sidewall capacitance per length (F/m).
    pub cjsw: f64,
    /// `DEFW` (`W`) default width (m). Default 10 um.
    pub defw_m: f64,
    pub narrow_m: f64,
    pub short_m: f64,
    pub temp: PassiveTemp,
}

/// An inductor model (`.model NAME L`): `IND` and the temperature coefficients.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InductorModel {
    /// `IND` default inductance (H); without it, `NT^2` times the specific inductance.
    pub ind_h: f64,
    /// Inductance of one turn (H) from the coil's geometry, `MU mu0 CSECT / LENGTH` times
    /// Lundin's correction (0 without `LENGTH`): an instance's `nt=` turns give `nt^2` times it.
    pub spec_ind_h: f64,
    pub temp: PassiveTemp,
}

/// Reads `tc1`, `tc2`, `tce`, `tnom` (with ngspice's aliases `tc1r`, `tc2r`); true if `name`
/// was one of them.
fn temp_param(t: &mut PassiveTemp, name: &str, v: f64, tce: bool) -> bool {
    match name {
        "tc1" | "tc1r" => t.tc1 = v,
        "tc2" | "tc2r" => t.tc2 = v,
        "tce" if tce => t.tce = Some(v),
        "tnom" => t.tnom_c = Some(v),
        _ => return false,
    }
    true
}

impl ResistorModel {
    /// Builds the model from `.model` parameters; returns the names it does not know
    /// (the noise parameters `KF AF LF WF EF` and `BV_MAX` are known and unused).
    pub fn from_params(params: &[(String, f64)]) -> (ResistorModel, Vec<String>) {
        let mut m = ResistorModel {
            rsh_ohm: 0.0,
            narrow_m: 0.0,
            short_m: 0.0,
            defw_m: 10e-6,
            defl_m: 10e-6,
            r_ohm: None,
            temp: PassiveTemp::default(),
        };
        let mut unknown = Vec::new();
        for (name, v) in params {
            let v = *v;
            match name.as_str() {
                "rsh" => m.rsh_ohm = v,
                "narrow" | "dw" => m.narrow_m = v,
                "short" | "dlr" => m.short_m = v,
                "defw" | "w" => m.defw_m = v,
                "l" => m.defl_m = v,
                "r" | "res" => m.r_ohm = Some(v),
                "kf" | "af" | "lf" | "wf" | "ef" | "bv_max" => {}
                n if temp_param(&mut m.temp, n, v, true) => {}
                other => unknown.push(other.to_string()),
            }
        }
        (m, unknown)
    }

    /// The nominal resistance of an instance of width `w` and length `l` (model defaults when
    /// `None`) that gives no value; `None` when neither the geometry nor `R` gives one.
    pub fn resistance(&self, w: Option<f64>, l: Option<f64>) -> Option<f64> {
        let (w, l) = (w.unwrap_or(self.defw_m), l.unwrap_or(self.defl_m));
        if l * w * self.rsh_ohm > 0.0 {
            Some((l - 2.0 * self.short_m) / (w - 2.0 * self.narrow_m) * self.rsh_ohm)
        } else {
            self.r_ohm
        }
    }
}

impl CapacitorModel {
    /// Builds the model from `.model` parameters; returns the names it does not know.
    pub fn from_params(params: &[(String, f64)]) -> (CapacitorModel, Vec<String>) {
        let mut m = CapacitorModel {
            cap_f: None,
            cj: 0.0,
            cjsw: 0.0,
            defw_m: 10e-6,
            narrow_m: 0.0,
            short_m: 0.0,
            temp: PassiveTemp::default(),
        };
        let (mut cj, mut di, mut thick, mut del) = (None, None, None, None);
        let (mut narrow, mut short) = (None, None);
        let mut unknown = Vec::new();
        for (name, v) in params {
            let v = *v;
            match name.as_str() {
                "cap" => m.cap_f = Some(v),
                "cj" | "cox" => cj = Some(v),
                "cjsw" | "capsw" => m.cjsw = v,
                "defw" | "w" => m.defw_m = v,
                "narrow" => narrow = Some(v),
                "short" => short = Some(v),
                "del" => del = Some(v),
                "di" => di = Some(v),
                "thick" => thick = Some(v),
                "defl" | "l" | "bv_max" => {}
                n if temp_param(&mut m.temp, n, v, false) => {}
                other => unknown.push(other.to_string()),
            }
        }
        m.cj = cj.unwrap_or(match thick {
            Some(t) if t > 0.0 => di.map_or(EPS_SIO2, |d| d * EPS0) / t,
            _ => 0.0,
        });
        m.narrow_m = narrow.unwrap_or(del.map_or(0.0, |d| 2.0 * d));
        m.short_m = short.unwrap_or(del.map_or(0.0, |d| 2.0 * d));
        (m, unknown)
    }

    /// The nominal capacitance of an instance that gives none (W defaults to `DEFW`, L to 0).
    pub fn capacitance(&self, w: Option<f64>, l: Option<f64>) -> f64 {
        if let Some(c) = self.cap_f {
            return c;
        }
        let (w, l) = (
            w.unwrap_or(self.defw_m) - self.narrow_m,
            l.unwrap_or(0.0) - self.short_m,
        );
        self.cj * w * l + self.cjsw * 2.0 * (l + w)
    }
}

impl InductorModel {
    /// Builds the model from `.model` parameters; returns the names it does not know.
    pub fn from_params(params: &[(String, f64)]) -> (InductorModel, Vec<String>) {
        let mut temp = PassiveTemp::default();
        let (mut ind, mut csect, mut dia, mut length, mut nt, mut mu) =
            (None, None, None, None, 0.0, 1.0);
        let mut unknown = Vec::new();
        for (name, v) in params {
            match name.as_str() {
                "ind" => ind = Some(*v),
                "csect" => csect = Some(*v),
                "dia" => dia = Some(*v),
                "length" => length = Some(*v),
                "nt" => nt = *v,
                "mu" => mu = *v,
                n if temp_param(&mut temp, n, *v, false) => {}
                other => unknown.push(other.to_string()),
            }
        }
        // The diameter takes precedence over the cross-section.
        let area = dia.map_or(csect.unwrap_or(0.0), |d| std::f64::consts::PI * d * d / 4.0);
        let mut spec_ind_h = match length {
            Some(l) if l > 0.0 => mu * MU0 * area / l,
            _ => 0.0,
        };
        if let (Some(l), true) = (length, dia.is_some() || csect.is_some()) {
            spec_ind_h *= lundin(l, area);
        }
        let m = InductorModel {
            ind_h: ind.unwrap_or(nt * nt * spec_ind_h),
            spec_ind_h,
            temp,
        };
        (m, unknown)
    }

    /// The nominal inductance of an instance that gives none: `nt` turns of the model's coil,
    /// else the model's inductance.
    pub fn inductance(&self, nt: Option<f64>) -> f64 {
        nt.map_or(self.ind_h, |n| self.spec_ind_h * n * n)
    }
}

/// ngspice's `CONSTmuZero` (H/m).
const MU0: f64 = 4.0 * std::f64::consts::PI * 1e-7;

/// Lundin's handbook approximation of Nagaoka's coefficient for a solenoid of `length` and
/// cross-section `csect` (see the module docs).
fn lundin(length: f64, csect: f64) -> f64 {
    use std::f64::consts::PI;
    if csect < 1e-12 || length < 1e-6 {
        return 1.0;
    }
    let x = (csect / PI).sqrt() * 2.0 / length;
    let xx = x * x;
    let xxxx = xx * xx;
    if x < 1.0 {
        (1.0 + 0.383901 * xx + 0.017108 * xxxx) / (1.0 + 0.258952 * xx) - 4.0 * x / (3.0 * PI)
    } else {
        let num = ((4.0 * x).ln() - 0.5) * (1.0 + 0.383901 / xx + 0.017108 / xxxx);
        let den = 1.0 + 0.258952 / xx;
        let kk = 0.093842 / xx + 0.002029 / xxxx - 0.000801 / (xx * xxxx);
        2.0 * (num / den + kk) / (PI * x)
    }
}

impl PassiveTemp {
    /// The factor at `temp_c` (the instance's temperature plus its `dtemp`) with the
    /// circuit's `tnom_c` when the model names none.
    pub fn factor(&self, temp_c: f64, circuit_tnom_c: f64) -> f64 {
        let d = temp_c - self.tnom_c.unwrap_or(circuit_tnom_c);
        match self.tce {
            Some(tce) => 1.01f64.powf(tce * d),
            None => (self.tc2 * d + self.tc1) * d + 1.0,
        }
    }
}
