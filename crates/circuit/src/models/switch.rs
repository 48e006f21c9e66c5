//! The switches' model cards (`.model NAME SW(...)`, `CSW(...)`, PSpice `VSWITCH(...)`).

/// A voltage- or current-controlled switch model: ngspice's `SW` (`VT VH RON ROFF`) and `CSW`
/// (`IT IH RON ROFF`), defaults from ngspice 39's `swsetup.c`/`cswsetup.c`. The threshold and
/// hysteresis are volts for `SW`, amperes for `CSW`.
///
/// A PSpice `VSWITCH` with `VT`/`VH` becomes this model the way ngspice 39's PSpice mode
/// (`inpcom.c`, `pspice_compat`) rewrites it: `RON` 1 ohm and `ROFF` 1e12 ohm unless given.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SwitchModel {
    /// Threshold VT (V) or IT (A). Default 0.
    pub threshold: f64,
    /// Hysteresis VH (V) or IH (A); negative values select ngspice's negative-hysteresis
    /// rule. Default 0.
    pub hysteresis: f64,
    /// On resistance RON (ohm). Default 1.
    pub ron_ohm: f64,
    /// Off resistance ROFF (ohm); `None`: `1/GMIN` (ngspice's default off conductance).
    pub roff_ohm: Option<f64>,
}

impl Default for SwitchModel {
    fn default() -> Self {
        SwitchModel {
            threshold: 0.0,
            hysteresis: 0.0,
            ron_ohm: 1.0,
            roff_ohm: None,
        }
    }
}

/// PSpice's smooth voltage-controlled switch (`VSWITCH` with `VON`/`VOFF`), which ngspice 39's
/// PSpice mode turns into its `pswitch` code model with `log=TRUE`: the resistance moves
/// log-cubically from `ROFF` at `VOFF` to `RON` at `VON`, with no hysteresis. Defaults as
/// ngspice's rewrite: VON 1, VOFF 0, RON 1 ohm, ROFF 1e6 ohm (RON below 1 mohm is raised to it,
/// ROFF above 1e12 ohm lowered, as the code model does).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SmoothSwitchModel {
    pub von_v: f64,
    pub voff_v: f64,
    pub ron_ohm: f64,
    pub roff_ohm: f64,
}

/// What a switch `.model` card describes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SwitchKind {
    /// ngspice's `SW`/`CSW` with hysteresis.
    Hysteresis(SwitchModel),
    /// PSpice's `VSWITCH` with `VON`/`VOFF`.
    Smooth(SmoothSwitchModel),
}

impl SwitchModel {
    /// Builds an `SW` (`current = false`) or `CSW` model from `.model` parameters; returns the
    /// names it does not know.
    pub fn from_params(current: bool, params: &[(String, f64)]) -> (SwitchModel, Vec<String>) {
        let (t, h) = if current { ("it", "ih") } else { ("vt", "vh") };
        let mut m = SwitchModel::default();
        let mut unknown = Vec::new();
        for (name, v) in params {
            match name.as_str() {
                n if n == t => m.threshold = *v,
                n if n == h => m.hysteresis = *v,
                "ron" => m.ron_ohm = *v,
                "roff" => m.roff_ohm = Some(*v),
                other => unknown.push(other.to_string()),
            }
        }
        (m, unknown)
    }

    /// A PSpice `VSWITCH` model as ngspice 39's PSpice mode converts it: with `VT` or `VH` an
    /// `SW` (RON 1, ROFF 1e12 unless given), else with `VON` or `VOFF` the smooth `pswitch`.
    /// `None` when it has neither (ngspice: "Bad switch model").
    pub fn from_vswitch(params: &[(String, f64)]) -> Option<(SwitchKind, Vec<String>)> {
        let has = |n: &str| params.iter().any(|(k, _)| k == n);
        if has("vt") || has("vh") {
            let (mut m, unknown) = SwitchModel::from_params(false, params);
            m.roff_ohm = Some(m.roff_ohm.unwrap_or(1e12));
            Some((SwitchKind::Hysteresis(m), unknown))
        } else if has("von") || has("voff") {
            let mut s = SmoothSwitchModel {
                von_v: 1.0,
                voff_v: 0.0,
                ron_ohm: 1.0,
                roff_ohm: 1e6,
            };
            let mut unknown = Vec::new();
            for (name, v) in params {
                match name.as_str() {
                    "von" => s.von_v = *v,
                    "voff" => s.voff_v = *v,
                    "ron" => s.ron_ohm = *v,
                    "roff" => s.roff_ohm = *v,
                    other => unknown.push(other.to_string()),
                }
            }
            Some((SwitchKind::Smooth(s), unknown))
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(list: &[(&str, f64)]) -> Vec<(String, f64)> {
        list.iter().map(|(n, v)| (n.to_string(), *v)).collect()
    }

    #[test]
    fn sw_and_csw_defaults_and_names() {
        let (m, unknown) = SwitchModel::from_params(false, &p(&[("vt", 1.0), ("it", 2.0)]));
        assert_eq!(m.threshold, 1.0);
        assert_eq!((m.ron_ohm, m.roff_ohm), (1.0, None));
        assert_eq!(unknown, ["it"]);
        let (m, unknown) = SwitchModel::from_params(true, &p(&[("it", 1e-3), ("ih", 2e-4)]));
        assert_eq!((m.threshold, m.hysteresis), (1e-3, 2e-4));
        assert!(unknown.is_empty());
    }

    #[test]
    fn vswitch_converts_as_ngspice_pspice_mode() {
        // VT/VH: an SW with ROFF 1e12 unless given.
        match SwitchModel::from_vswitch(&p(&[("vt", 1.5), ("vh", 0.3)])) {
            Some((SwitchKind::Hysteresis(m), _)) => {
                assert_eq!((m.threshold, m.hysteresis, m.ron_ohm), (1.5, 0.3, 1.0));
                assert_eq!(m.roff_ohm, Some(1e12));
            }
            k => panic!("{k:?}"),
        }
        // VON/VOFF: the smooth pswitch, RON 1 and ROFF 1e6 unless given.
        match SwitchModel::from_vswitch(&p(&[("von", 0.55), ("voff", 0.49)])) {
            Some((SwitchKind::Smooth(s), _)) => {
                assert_eq!(
                    (s.von_v, s.voff_v, s.ron_ohm, s.roff_ohm),
                    (0.55, 0.49, 1.0, 1e6)
                );
            }
            k => panic!("{k:?}"),
        }
        assert!(SwitchModel::from_vswitch(&p(&[("ron", 1.0)])).is_none());
    }
}
