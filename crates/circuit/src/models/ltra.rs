//! The lossy transmission line's model card (`.model NAME LTRA R= L= G= C= LEN= ...`).

/// Which of ngspice's special cases a lossy line is, by the per-unit-length parameters that are
/// nonzero (ngspice 39's `LTRAsetup`); each has its own impulse responses in the solver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LtraKind {
    /// `R, L, C` nonzero, `G = 0`: the lossy RLC line (Bessel-function impulse responses).
    Rlc,
    /// `R, C` nonzero, `L = G = 0`: the diffusive RC line (`erfc` impulse responses).
    Rc,
    /// `R, G` nonzero, `L = C = 0`: the memoryless RG line (exact `cosh`/`sinh` two-port).
    Rg,
    /// `L, C` nonzero, `R = G = 0`: the lossless line (a delay, as the `T` element).
    Lc,
}

/// How the delayed port values of an `Rlc`/`Lc` line are interpolated between stored time
/// points (`lininterp`, `quadinterp` (default), `mixedinterp`: quadratic unless it leaves the
/// range of the three points, then linear).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LtraInterp {
    Linear,
    Quadratic,
    Mixed,
}

/// An `LTRA` model: a single lossy line over a reference conductor, after ngspice 39's `ltra`
/// device (`src/spicelib/devices/ltra`: `ltrampar.c`, `ltraset.c`, `ltratemp.c`).
///
/// Parameters: `R` (ohm/m), `L` (H/m), `G` (S/m), `C` (F/m), all default 0 (ngspice warns when
/// `R` or `L` is missing); `LEN` (m, required, > 0). Step control: `steplimit` (default) limits
/// each time step of an `Rlc`/`Lc` line to its delay `TD = LEN*sqrt(L*C)`, `nosteplimit`
/// instead limits it only where the waves change slope (`REL`, `ABS`: the slope tolerances of
/// that test and of the breakpoints, default 1 and 1); `truncdontcut` drops the `Rlc` line's
/// limit to the span over which its impulse response `h2` is straight within
/// `COMPACTREL`/`COMPACTABS` (default `.options reltol`/`abstol`). Interpolation:
/// `lininterp`/`quadinterp`/`mixedinterp`. `nocontrol`, `truncnr` and `ltra` are accepted and
/// change nothing (ngspice 39 has no way to turn its convolution error control on).
/// Instance parameters `V1 I1 V2 I2` give the port values a `UIC` transient starts from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LtraModel {
    pub r_ohm_per_m: f64,
    pub l_h_per_m: f64,
    pub g_s_per_m: f64,
    pub c_f_per_m: f64,
    /// `LEN` (m); `None` when not given.
    pub length_m: Option<f64>,
    pub rel: f64,
    pub abs: f64,
    pub step_limit: bool,
    pub interp: LtraInterp,
    pub trunc_dont_cut: bool,
    /// `COMPACTREL`, `COMPACTABS`; `None`: the simulator's `reltol`, `abstol`.
    pub compact_rel: Option<f64>,
    pub compact_abs: Option<f64>,
    /// Whether `R` and `L` were given (ngspice warns when they are not).
    pub r_given: bool,
    pub l_given: bool,
}

impl Default for LtraModel {
    fn default() -> Self {
        LtraModel {
            r_ohm_per_m: 0.0,
            l_h_per_m: 0.0,
            g_s_per_m: 0.0,
            c_f_per_m: 0.0,
            length_m: None,
            rel: 1.0,
            abs: 1.0,
            step_limit: true,
            interp: LtraInterp::Quadratic,
            trunc_dont_cut: false,
            compact_rel: None,
            compact_abs: None,
            r_given: false,
            l_given: false,
        }
    }
}

impl LtraModel {
    /// Builds the model from `.model` parameters (flags have the value 1); returns the names it
    /// does not know.
    pub fn from_params(params: &[(String, f64)]) -> (LtraModel, Vec<String>) {
        let mut m = LtraModel::default();
        let mut unknown = Vec::new();
        for (name, v) in params {
            let v = *v;
            match name.as_str() {
                "r" => (m.r_ohm_per_m, m.r_given) = (v, true),
                "l" => (m.l_h_per_m, m.l_given) = (v, true),
                "g" => m.g_s_per_m = v,
                "c" => m.c_f_per_m = v,
                "len" => m.length_m = Some(v),
                "rel" => m.rel = v,
                "abs" => m.abs = v,
                "steplimit" => m.step_limit = true,
                "nosteplimit" => m.step_limit = false,
                "lininterp" => m.interp = LtraInterp::Linear,
                "quadinterp" => m.interp = LtraInterp::Quadratic,
                "mixedinterp" => m.interp = LtraInterp::Mixed,
                "truncdontcut" => m.trunc_dont_cut = true,
                "compactrel" => m.compact_rel = Some(v),
                "compactabs" => m.compact_abs = Some(v),
                "ltra" | "nocontrol" | "truncnr" => {}
                other => unknown.push(other.to_string()),
            }
        }
        (m, unknown)
    }

    /// The special case the nonzero parameters make, or ngspice's reason for rejecting them.
    pub fn kind(&self) -> Result<LtraKind, String> {
        let [r, l, g, c] = [
            self.r_ohm_per_m,
            self.l_h_per_m,
            self.g_s_per_m,
            self.c_f_per_m,
        ]
        .map(|x| x != 0.0);
        if [r, l, g, c].iter().filter(|&&x| x).count() <= 1 {
            return Err("at least two of R, L, G, C must be given and nonzero".into());
        }
        match (r, l, g, c) {
            (_, _, true, _) if l || c => Err(
                "a nonzero G is supported only with R alone (the RG line), as in ngspice".into(),
            ),
            (true, true, false, false) => {
                Err("an RL line (C = 0) is not supported, as in ngspice".into())
            }
            (true, true, false, true) => Ok(LtraKind::Rlc),
            (true, false, false, true) => Ok(LtraKind::Rc),
            (true, false, true, false) => Ok(LtraKind::Rg),
            (false, true, false, true) => Ok(LtraKind::Lc),
            _ => Err("at least two of R, L, G, C must be given and nonzero".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(list: &[(&str, f64)]) -> LtraModel {
        let p: Vec<(String, f64)> = list.iter().map(|(n, v)| (n.to_string(), *v)).collect();
        LtraModel::from_params(&p).0
    }

    #[test]
    fn special_cases_as_ngspice_classifies_them() {
        let k = |list: &[(&str, f64)]| model(list).kind();
        assert_eq!(
            k(&[("r", 1.0), ("l", 1e-7), ("c", 1e-10)]),
            Ok(LtraKind::Rlc)
        );
        assert_eq!(k(&[("r", 1.0), ("c", 1e-10)]), Ok(LtraKind::Rc));
        assert_eq!(k(&[("r", 1.0), ("g", 1e-3)]), Ok(LtraKind::Rg));
        assert_eq!(k(&[("l", 1e-7), ("c", 1e-10)]), Ok(LtraKind::Lc));
        assert!(k(&[("r", 1.0), ("l", 1e-7)])
            .unwrap_err()
            .contains("RL line"));
        assert!(k(&[("g", 1.0), ("c", 1e-10)])
            .unwrap_err()
            .contains("nonzero G"));
        assert!(k(&[("c", 1e-10)]).unwrap_err().contains("at least two"));
    }

    #[test]
    fn flags_and_unknown_names() {
        let p: Vec<(String, f64)> = [("nosteplimit", 1.0), ("lininterp", 1.0), ("noprint", 1.0)]
            .iter()
            .map(|(n, v)| (n.to_string(), *v))
            .collect();
        let (m, unknown) = LtraModel::from_params(&p);
        assert!(!m.step_limit);
        assert_eq!(m.interp, LtraInterp::Linear);
        assert_eq!(unknown, ["noprint"]);
    }
}
