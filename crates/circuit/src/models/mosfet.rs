//! The MOSFET's model card (`.model NAME NMOS(LEVEL=1 ...)` / `PMOS(...)`) and instance
//! parameters.

/// MOSFET model parameters for ngspice's levels 1 (Shichman-Hodges, `mos1`), 2 (Grove-Frohman,
/// `mos2`) and 3 (empirical short channel, `mos3`): the union of the three parameter tables.
///
/// Parameters whose absence matters (ngspice's `...Given` flags: derived from others when not
/// given, or a level-dependent default) are `Option`s; the others carry ngspice's default.
/// Units are SPICE's: lengths in metres except `U0` (cm^2/Vs), `NSUB` (cm^-3) and `NSS`/`NFS`
/// (cm^-2). The derived values (KP from U0 and TOX, VTO/GAMMA/PHI from NSUB, the junction
/// capacitances from CJ/CJSW and the areas and perimeters) and the temperature scaling are
/// computed by the solver (`crates/solver/src/devices/mosfet.rs`), as ngspice's `mos1temp.c`,
/// `mos2temp.c` and `mos3temp.c` do. Defaults: ngspice's `mos1set.c`, `mos2set.c`,
/// `mos3set.c`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MosModel {
    /// LEVEL: 1, 2 or 3.
    pub level: u32,
    /// PMOS (`true`) or NMOS.
    pub pmos: bool,
    /// Zero-bias threshold voltage VTO (V). Default 0, or from NSUB when TOX and NSUB are given.
    pub vto_v: Option<f64>,
    /// Transconductance parameter KP (A/V^2). Default 2e-5, or U0*Cox when TOX is given.
    pub kp: Option<f64>,
    /// Body-effect parameter GAMMA (V^0.5). Default 0, or from NSUB.
    pub gamma: Option<f64>,
    /// Surface potential PHI (V). Default 0.6, or from NSUB.
    pub phi_v: Option<f64>,
    /// Channel-length modulation LAMBDA (1/V). Default 0.
    pub lambda: f64,
    /// Drain and source ohmic resistances RD, RS (ohm); `None`: from RSH*NRD / RSH*NRS.
    pub rd_ohm: Option<f64>,
    pub rs_ohm: Option<f64>,
    /// Zero-bias bulk-drain and bulk-source junction capacitances CBD, CBS (F); `None`: from
    /// CJ*AD and CJ*AS.
    pub cbd_f: Option<f64>,
    pub cbs_f: Option<f64>,
    /// Bulk junction saturation current IS (A). Default 1e-14.
    pub is_a: f64,
    /// Bulk junction potential PB (V). Default 0.8.
    pub pb_v: f64,
    /// Gate-source, gate-drain (per metre of W) and gate-bulk (per metre of L) overlap
    /// capacitances CGSO, CGDO, CGBO (F/m). Default 0.
    pub cgso: f64,
    pub cgdo: f64,
    pub cgbo: f64,
    /// Drain and source diffusion sheet resistance RSH (ohm/square).
    pub rsh_ohm: Option<f64>,
    /// Bottom junction capacitance per area CJ (F/m^2). Default 0 (level 1); levels 2 and 3
    /// derive it from NSUB.
    pub cj: Option<f64>,
    /// Bottom grading coefficient MJ. Default 0.5.
    pub mj: f64,
    /// Sidewall junction capacitance per metre of perimeter CJSW (F/m). Default 0.
    pub cjsw: Option<f64>,
    /// Sidewall grading coefficient MJSW. Default 0.5 (level 1), 0.33 (levels 2, 3).
    pub mjsw: Option<f64>,
    /// Bulk junction saturation current density JS (A/m^2). Default 0.
    pub js: f64,
    /// Oxide thickness TOX (m). Level 1: none (no Cox); levels 2, 3: default 1e-7.
    pub tox_m: Option<f64>,
    /// Lateral diffusion LD (m). Default 0.
    pub ld_m: f64,
    /// Surface mobility U0 (cm^2/Vs). Default 600.
    pub u0: Option<f64>,
    /// Forward-bias depletion capacitance coefficient FC. Default 0.5.
    pub fc: f64,
    /// Substrate doping NSUB (cm^-3).
    pub nsub: Option<f64>,
    /// Gate type TPG (+1 opposite to substrate, -1 same, 0 aluminium). Default 1.
    pub tpg: Option<f64>,
    /// Surface state density NSS (cm^-2). Default 0.
    pub nss: Option<f64>,
    /// Fast surface state density NFS (cm^-2). Default 0.
    pub nfs: f64,
    /// Metallurgical junction depth XJ (m). Default 0.
    pub xj_m: f64,
    /// Level 2: critical field UCRIT (V/cm), default 1e4; exponent UEXP, default 0;
    /// transverse field coefficient UTRA, default 0.
    pub ucrit: f64,
    pub uexp: f64,
    pub utra: f64,
    /// Maximum drift velocity VMAX (m/s). Default 0.
    pub vmax: f64,
    /// Level 2: channel charge coefficient NEFF. Default 1.
    pub neff: f64,
    /// Width effect on threshold DELTA. Default 0.
    pub delta: f64,
    /// Level 3: mobility modulation THETA (1/V), static feedback ETA, saturation field factor
    /// KAPPA (default 0.2).
    pub theta: f64,
    pub eta: f64,
    pub kappa: f64,
    /// Level 3: width narrowing WD, length and width bias XL, XW (m). Default 0.
    pub wd_m: f64,
    pub xl_m: f64,
    pub xw_m: f64,
    /// Flicker noise coefficient KF (default 0) and exponent AF (default 1).
    pub kf: f64,
    pub af: f64,
    /// Parameter measurement temperature TNOM (C); `None`: `.options tnom`.
    pub tnom_c: Option<f64>,
    /// Where the `.model` card stands in the input (file, then offset): ngspice lists the
    /// instances of later-defined models first (its `.noise` output order).
    pub card_order: u64,
}

impl MosModel {
    /// The levels whose drain-current equations balun has (the solver's
    /// `devices::mosfet::drain_current_fn` has one arm for each); levels 2 and 3 parse and
    /// elaborate up to this check.
    pub const IMPLEMENTED_LEVELS: &'static [u32] = &[1, 2, 3];

    /// A model of `level` with every parameter at its default.
    pub fn new(level: u32, pmos: bool) -> Self {
        MosModel {
            level,
            pmos,
            vto_v: None,
            kp: None,
            gamma: None,
            phi_v: None,
            lambda: 0.0,
            rd_ohm: None,
            rs_ohm: None,
            cbd_f: None,
            cbs_f: None,
            is_a: 1e-14,
            pb_v: 0.8,
            cgso: 0.0,
            cgdo: 0.0,
            cgbo: 0.0,
            rsh_ohm: None,
            cj: None,
            mj: 0.5,
            cjsw: None,
            mjsw: None,
            js: 0.0,
            tox_m: None,
            ld_m: 0.0,
            u0: None,
            fc: 0.5,
            nsub: None,
            tpg: None,
            nss: None,
            nfs: 0.0,
            xj_m: 0.0,
            ucrit: 1e4,
            uexp: 0.0,
            utra: 0.0,
            vmax: 0.0,
            neff: 1.0,
            delta: 0.0,
            theta: 0.0,
            eta: 0.0,
            kappa: 0.2,
            wd_m: 0.0,
            xl_m: 0.0,
            xw_m: 0.0,
            kf: 0.0,
            af: 1.0,
            tnom_c: None,
            card_order: 0,
        }
    }

    /// ngspice's `MOSxtype`: +1 for NMOS, -1 for PMOS.
    pub fn type_sign(&self) -> f64 {
        if self.pmos {
            -1.0
        } else {
            1.0
        }
    }

    /// The level named by a `LEVEL=` value and what ngspice calls it, for the error on levels
    /// balun does not simulate.
    pub fn level_name(level: u32) -> &'static str {
        match level {
            4 => "BSIM1",
            5 => "BSIM2",
            6 => "MOS6",
            8 | 49 => "BSIM3",
            9 => "MOS9",
            10 | 58 => "B4SOI",
            14 | 54 => "BSIM4",
            44 => "EKV",
            55 => "B3SOIFD",
            56 => "B3SOIDD",
            57 => "B3SOIPD",
            60 => "STAG (SOI3)",
            61 => "HiSIM2",
            62 => "HiSIM_HV1",
            73 => "HiSIM_HV2",
            _ => "an unknown model",
        }
    }

    /// Builds the model from `.model` parameters (`level` already read); returns the names it
    /// does not know (`level` itself is not reported).
    pub fn from_params(
        level: u32,
        pmos: bool,
        params: &[(String, f64)],
    ) -> (MosModel, Vec<String>) {
        let mut m = MosModel::new(level, pmos);
        let mut unknown = Vec::new();
        for (name, v) in params {
            let v = *v;
            match name.as_str() {
                "vto" | "vt0" => m.vto_v = Some(v),
                "kp" => m.kp = Some(v),
                "gamma" => m.gamma = Some(v),
                "phi" => m.phi_v = Some(v),
                "lambda" => m.lambda = v,
                "rd" => m.rd_ohm = Some(v),
                "rs" => m.rs_ohm = Some(v),
                "cbd" => m.cbd_f = Some(v),
                "cbs" => m.cbs_f = Some(v),
                "is" => m.is_a = v,
                "pb" => m.pb_v = v,
                "cgso" => m.cgso = v,
                "cgdo" => m.cgdo = v,
                "cgbo" => m.cgbo = v,
                "rsh" => m.rsh_ohm = Some(v),
                "cj" => m.cj = Some(v),
                "mj" => m.mj = v,
                "cjsw" => m.cjsw = Some(v),
                "mjsw" => m.mjsw = Some(v),
                "js" => m.js = v,
                "tox" => m.tox_m = Some(v),
                "ld" => m.ld_m = v,
                "u0" | "uo" => m.u0 = Some(v),
                "fc" => m.fc = v,
                "nsub" => m.nsub = Some(v),
                "tpg" => m.tpg = Some(v),
                "nss" => m.nss = Some(v),
                "nfs" => m.nfs = v,
                "xj" => m.xj_m = v,
                "ucrit" => m.ucrit = v,
                "uexp" => m.uexp = v,
                "utra" => m.utra = v,
                "vmax" => m.vmax = v,
                "neff" => m.neff = v,
                "delta" => m.delta = v,
                "theta" => m.theta = v,
                "eta" => m.eta = v,
                "kappa" => m.kappa = v,
                "wd" => m.wd_m = v,
                "xl" => m.xl_m = v,
                "xw" => m.xw_m = v,
                "kf" => m.kf = v,
                "af" => m.af = v,
                "tnom" => m.tnom_c = Some(v),
                "level" => {}
                other => unknown.push(other.to_string()),
            }
        }
        (m, unknown)
    }
}

/// A MOSFET instance's geometry and options (`M... l= w= ad= as= pd= ps= nrd= nrs= m= off
/// ic=vds,vgs,vbs temp=`). L, W, AD and AS not given (`None`) are `.options defl defw defad
/// defas` (100 um, 100 um, 0, 0 as in ngspice), read by the solver since `.options` may come
/// after the element: [`MosInstance::geometry`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MosInstance {
    /// Drawn channel length and width (m), positive.
    pub l_m: Option<f64>,
    pub w_m: Option<f64>,
    /// Drain and source diffusion areas (m^2).
    pub ad_m2: Option<f64>,
    pub as_m2: Option<f64>,
    /// Drain and source perimeters (m).
    pub pd_m: f64,
    pub ps_m: f64,
    /// Drain and source diffusion squares (for RSH). Default 1.
    pub nrd: f64,
    pub nrs: f64,
    /// Parallel multiplier M. Default 1.
    pub m: f64,
    /// `off`: the device starts its operating-point iteration with every voltage at 0.
    pub off: bool,
    /// `ic=vds,vgs,vbs` (V): initial voltages for the first operating-point iteration.
    pub ic: [f64; 3],
    /// Instance temperature (C); `None`: the circuit's.
    pub temp_c: Option<f64>,
}

impl Default for MosInstance {
    fn default() -> Self {
        MosInstance {
            l_m: None,
            w_m: None,
            ad_m2: None,
            as_m2: None,
            pd_m: 0.0,
            ps_m: 0.0,
            nrd: 1.0,
            nrs: 1.0,
            m: 1.0,
            off: false,
            ic: [0.0; 3],
            temp_c: None,
        }
    }
}

impl MosInstance {
    /// `(L, W, AD, AS)` with the `.options` defaults filled in.
    pub fn geometry(&self, o: &crate::Options) -> (f64, f64, f64, f64) {
        (
            self.l_m.unwrap_or(o.defl_m),
            self.w_m.unwrap_or(o.defw_m),
            self.ad_m2.unwrap_or(o.defad_m2),
            self.as_m2.unwrap_or(o.defas_m2),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_and_aliases_are_read_and_unknown_names_returned() {
        let params: Vec<(String, f64)> = [
            ("level", 1.0),
            ("vt0", 0.7),
            ("uo", 450.0),
            ("tox", 20e-9),
            ("vth0", 0.5),
        ]
        .iter()
        .map(|(n, v)| (n.to_string(), *v))
        .collect();
        let (m, unknown) = MosModel::from_params(1, true, &params);
        assert_eq!(m.vto_v, Some(0.7));
        assert_eq!(m.u0, Some(450.0));
        assert_eq!(m.tox_m, Some(20e-9));
        assert_eq!(m.type_sign(), -1.0);
        assert_eq!(unknown, ["vth0"]);
    }

    #[test]
    fn geometry_defaults_come_from_the_options() {
        let o = crate::Options {
            defl_m: 2e-6,
            defw_m: 5e-6,
            ..Default::default()
        };
        let inst = MosInstance {
            w_m: Some(1e-6),
            ..Default::default()
        };
        assert_eq!(inst.geometry(&o), (2e-6, 1e-6, 0.0, 0.0));
    }
}
