//! The bipolar transistor's model card (`.model NAME NPN(...)` / `PNP(...)`).

/// A polynomial temperature coefficient pair `(t1, t2)`: a parameter `P` given at TNOM becomes
/// `P*(1 + t1*dT + t2*dT^2)` at `dT = T - TNOM` (ngspice's `TRB1`/`TRB2`-style parameters).
pub type TempCoeff = [f64; 2];

/// SPICE Gummel-Poon bipolar transistor model parameters, as ngspice 39's `bjt` device
/// (level 1) reads them (defaults from `bjtsetup.c` and the ngspice manual's BJT table; aliases as in
/// `bjt.c`'s parameter table: `VA`=VAF, `IK`=IKF, `VB`=VAR, `PE`=VJE, `ME`=MJE, `PC`=VJC,
/// `MC`=MJC, `PS`=VJS, `MS`=MJS, `CSUB`/`CCS`=CJS, `C2`=ISE, `C4`=ISC, `TREF`=TNOM, `NK`=NKF).
///
/// The equations (Gummel-Poon currents, base charge, RB modulation, charges, temperature
/// scaling) are in the solver's `crates/solver/src/devices/bjt.rs`. `None` marks a parameter
/// whose absence ngspice treats differently from any value (VAF, VAR, IKF, IKR, VTF, RBM,
/// IBE/IBC, ISS, NKF, TNOM). Quasi-saturation (`RCO`, `VO`, `GAMMA`, `QCO`) is read so that
/// elaboration can reject it by name; the safe-operating-area limits (`VBE_MAX` ...) and `RTH0`
/// are accepted and ignored, as ngspice only warns with them.
#[derive(Debug, Clone, PartialEq)]
pub struct BjtModel {
    /// NPN (`true`) or PNP.
    pub npn: bool,
    /// `SUBS`: 1 vertical, -1 lateral; `None` = vertical for NPN, lateral for PNP. The
    /// substrate junction sits on the internal collector (vertical) or base (lateral).
    pub subs: Option<i32>,
    /// Transport saturation current IS (A). Default 1e-16.
    pub is_a: f64,
    /// Separate B-E / B-C saturation currents IBE, IBC (A): used only when both are given.
    pub ibe_a: Option<f64>,
    pub ibc_a: Option<f64>,
    /// Ideal forward beta BF. Default 100.
    pub bf: f64,
    /// Forward emission coefficient NF. Default 1.
    pub nf: f64,
    /// Forward Early voltage VAF (V); `None` or 0 = infinite.
    pub vaf_v: Option<f64>,
    /// Forward knee current IKF (A); `None` or 0 = infinite.
    pub ikf_a: Option<f64>,
    /// High-current roll-off exponent NKF; `None` = 0.5 via a square root (the classic form).
    pub nkf: Option<f64>,
    /// B-E leakage saturation current ISE (A); a value above 1e-4 multiplies IS. Default 0.
    pub ise_a: f64,
    /// B-E leakage emission coefficient NE. Default 1.5.
    pub ne: f64,
    /// Ideal reverse beta BR. Default 1.
    pub br: f64,
    /// Reverse emission coefficient NR. Default 1.
    pub nr: f64,
    /// Reverse Early voltage VAR (V); `None` or 0 = infinite.
    pub var_v: Option<f64>,
    /// Reverse knee current IKR (A); `None` or 0 = infinite.
    pub ikr_a: Option<f64>,
    /// B-C leakage saturation current ISC (A); a value above 1e-4 multiplies IS. Default 0.
    pub isc_a: f64,
    /// B-C leakage emission coefficient NC. Default 2.
    pub nc: f64,
    /// Zero-bias base resistance RB (ohm). Default 0.
    pub rb_ohm: f64,
    /// Current where the base resistance is halfway to RBM, IRB (A); 0 = qb modulation.
    pub irb_a: f64,
    /// Minimum base resistance RBM (ohm); `None` = RB.
    pub rbm_ohm: Option<f64>,
    /// Emitter resistance RE (ohm). Default 0.
    pub re_ohm: f64,
    /// Collector resistance RC (ohm). Default 0.
    pub rc_ohm: f64,
    /// B-E zero-bias depletion capacitance CJE (F), potential VJE (V), grading MJE.
    pub cje_f: f64,
    pub vje_v: f64,
    pub mje: f64,
    /// Forward transit time TF (s) and its bias dependence XTF, VTF (V; `None` = none), ITF (A).
    pub tf_s: f64,
    pub xtf: f64,
    pub vtf_v: Option<f64>,
    pub itf_a: f64,
    /// Excess phase at 1/(2 pi TF) Hz, PTF (degrees). Default 0.
    pub ptf_deg: f64,
    /// B-C zero-bias depletion capacitance CJC (F), potential VJC (V), grading MJC.
    pub cjc_f: f64,
    pub vjc_v: f64,
    pub mjc: f64,
    /// Fraction of the B-C capacitance on the internal base XCJC. Default 1.
    pub xcjc: f64,
    /// Reverse transit time TR (s). Default 0.
    pub tr_s: f64,
    /// Substrate zero-bias capacitance CJS (F), potential VJS (V), grading MJS (default 0).
    pub cjs_f: f64,
    pub vjs_v: f64,
    pub mjs: f64,
    /// Substrate junction saturation current ISS (A; `None` = no junction current, only GMIN)
    /// and emission coefficient NS (default 1).
    pub iss_a: Option<f64>,
    pub ns: f64,
    /// Forward-bias depletion capacitance coefficient FC (default 0.5, limited to 0.9999).
    pub fc: f64,
    /// Forward and reverse beta temperature exponent XTB. Default 0.
    pub xtb: f64,
    /// Energy gap EG (eV) of IS's temperature dependence. Default 1.11.
    pub eg_ev: f64,
    /// Temperature exponent of IS, XTI. Default 3.
    pub xti: f64,
    /// Flicker noise coefficient KF (default 0) and exponent AF (default 1).
    pub kf: f64,
    pub af: f64,
    /// Parameter measurement temperature TNOM (C); `None` = `.options tnom`.
    pub tnom_c: Option<f64>,
    /// Temperature equation selectors TLEV (0, 1 or 3) and TLEVC (0 or 1). Default 0.
    pub tlev: i32,
    pub tlevc: i32,
    /// TLEVC=1 linear coefficients: CTE, CTC, CTS (1/K) and TVJE, TVJC, TVJS (V/K).
    pub cte: f64,
    pub ctc: f64,
    pub cts: f64,
    pub tvje: f64,
    pub tvjc: f64,
    pub tvjs: f64,
    /// Polynomial temperature coefficients (`TRB1`, `TRB2`, ...), all 0 by default.
    pub tc: BjtTempCoeffs,
    /// TBF1/TBF2 and TBR1/TBR2 replace the XTB law when given.
    pub tbf: Option<TempCoeff>,
    pub tbr: Option<TempCoeff>,
    /// Quasi-saturation RCO (ohm): not supported (elaboration rejects it).
    pub rco_ohm: Option<f64>,
}

/// The polynomial temperature coefficients of [`BjtModel`] (pairs `[t1, t2]`, default 0).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct BjtTempCoeffs {
    pub rb: TempCoeff,
    pub rbm: TempCoeff,
    pub rc: TempCoeff,
    pub re: TempCoeff,
    pub vaf: TempCoeff,
    pub var: TempCoeff,
    pub ikf: TempCoeff,
    pub ikr: TempCoeff,
    pub irb: TempCoeff,
    pub nf: TempCoeff,
    pub nr: TempCoeff,
    pub ne: TempCoeff,
    pub nc: TempCoeff,
    pub ns: TempCoeff,
    pub itf: TempCoeff,
    pub tf: TempCoeff,
    pub tr: TempCoeff,
    pub mje: TempCoeff,
    pub mjc: TempCoeff,
    pub mjs: TempCoeff,
    /// TLEV=3 exponent coefficients of IS, ISE, ISC, ISS.
    pub is: TempCoeff,
    pub ise: TempCoeff,
    pub isc: TempCoeff,
    pub iss: TempCoeff,
}

impl BjtModel {
    /// The defaults for an NPN (`npn = true`) or PNP model.
    pub fn new(npn: bool) -> Self {
        BjtModel {
            npn,
            subs: None,
            is_a: 1e-16,
            ibe_a: None,
            ibc_a: None,
            bf: 100.0,
            nf: 1.0,
            vaf_v: None,
            ikf_a: None,
            nkf: None,
            ise_a: 0.0,
            ne: 1.5,
            br: 1.0,
            nr: 1.0,
            var_v: None,
            ikr_a: None,
            isc_a: 0.0,
            nc: 2.0,
            rb_ohm: 0.0,
            irb_a: 0.0,
            rbm_ohm: None,
            re_ohm: 0.0,
            rc_ohm: 0.0,
            cje_f: 0.0,
            vje_v: 0.75,
            mje: 0.33,
            tf_s: 0.0,
            xtf: 0.0,
            vtf_v: None,
            itf_a: 0.0,
            ptf_deg: 0.0,
            cjc_f: 0.0,
            vjc_v: 0.75,
            mjc: 0.33,
            xcjc: 1.0,
            tr_s: 0.0,
            cjs_f: 0.0,
            vjs_v: 0.75,
            mjs: 0.0,
            iss_a: None,
            ns: 1.0,
            fc: 0.5,
            xtb: 0.0,
            eg_ev: 1.11,
            xti: 3.0,
            kf: 0.0,
            af: 1.0,
            tnom_c: None,
            tlev: 0,
            tlevc: 0,
            cte: 0.0,
            ctc: 0.0,
            cts: 0.0,
            tvje: 0.0,
            tvjc: 0.0,
            tvjs: 0.0,
            tc: BjtTempCoeffs::default(),
            tbf: None,
            tbr: None,
            rco_ohm: None,
        }
    }

    /// Builds the model from `.model` parameters (`npn` from the card's type); returns the
    /// names it does not know (ngspice warns about them and goes on).
    pub fn from_params(npn: bool, params: &[(String, f64)]) -> (BjtModel, Vec<String>) {
        let mut m = BjtModel::new(npn);
        let mut unknown = Vec::new();
        for (name, v) in params {
            let v = *v;
            let c = &mut m.tc;
            match name.as_str() {
                "npn" => m.npn = true,
                "pnp" => m.npn = false,
                "subs" => m.subs = Some(v as i32),
                "is" => m.is_a = v,
                "ibe" => m.ibe_a = Some(v),
                "ibc" => m.ibc_a = Some(v),
                "bf" => m.bf = v,
                "nf" => m.nf = v,
                "vaf" | "va" => m.vaf_v = Some(v),
                "ikf" | "ik" => m.ikf_a = Some(v),
                "nkf" | "nk" => m.nkf = Some(v.min(1.0)),
                "ise" | "c2" => m.ise_a = v,
                "ne" => m.ne = v,
                "br" => m.br = v,
                "nr" => m.nr = v,
                "var" | "vb" => m.var_v = Some(v),
                "ikr" => m.ikr_a = Some(v),
                "isc" | "c4" => m.isc_a = v,
                "nc" => m.nc = v,
                "rb" => m.rb_ohm = v,
                "irb" => m.irb_a = v,
                "rbm" => m.rbm_ohm = Some(v),
                "re" => m.re_ohm = v,
                "rc" => m.rc_ohm = v,
                "cje" => m.cje_f = v,
                "vje" | "pe" => m.vje_v = v,
                "mje" | "me" => m.mje = v,
                "tf" => m.tf_s = v,
                "xtf" => m.xtf = v,
                "vtf" => m.vtf_v = Some(v),
                "itf" => m.itf_a = v,
                "ptf" => m.ptf_deg = v,
                "cjc" => m.cjc_f = v,
                "vjc" | "pc" => m.vjc_v = v,
                "mjc" | "mc" => m.mjc = v,
                "xcjc" => m.xcjc = v,
                "tr" => m.tr_s = v,
                "cjs" | "csub" | "ccs" => m.cjs_f = v,
                "vjs" | "ps" => m.vjs_v = v,
                "mjs" | "ms" => m.mjs = v,
                "iss" => m.iss_a = Some(v),
                "ns" => m.ns = v,
                "fc" => m.fc = v.min(0.9999),
                "xtb" => m.xtb = v,
                "eg" => m.eg_ev = v,
                "xti" => m.xti = v,
                "kf" => m.kf = v,
                "af" => m.af = v,
                "tnom" | "tref" => m.tnom_c = Some(v),
                "tlev" => m.tlev = v as i32,
                "tlevc" => m.tlevc = v as i32,
                "cte" => m.cte = v,
                "ctc" => m.ctc = v,
                "cts" => m.cts = v,
                "tvje" => m.tvje = v,
                "tvjc" => m.tvjc = v,
                "tvjs" => m.tvjs = v,
                "tbf1" => m.tbf.get_or_insert([0.0; 2])[0] = v,
                "tbf2" => m.tbf.get_or_insert([0.0; 2])[1] = v,
                "tbr1" => m.tbr.get_or_insert([0.0; 2])[0] = v,
                "tbr2" => m.tbr.get_or_insert([0.0; 2])[1] = v,
                "rco" => m.rco_ohm = Some(v),
                // Read by ngspice but without effect on these equations (quasi-saturation's
                // companions, the safe-operating-area checks, self-heating's RTH0, level).
                "vo" | "gamma" | "qco" | "quasimod" | "vg" | "cn" | "d" | "vbe_max" | "vbc_max"
                | "vce_max" | "pd_max" | "ic_max" | "ib_max" | "te_max" | "rth0" | "level" => {}
                other => {
                    let slot = match other {
                        "trb1" | "trb" => Some((&mut c.rb, 0)),
                        "trb2" => Some((&mut c.rb, 1)),
                        "trm1" => Some((&mut c.rbm, 0)),
                        "trm2" => Some((&mut c.rbm, 1)),
                        "trc1" | "trc" => Some((&mut c.rc, 0)),
                        "trc2" => Some((&mut c.rc, 1)),
                        "tre1" | "tre" => Some((&mut c.re, 0)),
                        "tre2" => Some((&mut c.re, 1)),
                        "tvaf1" => Some((&mut c.vaf, 0)),
                        "tvaf2" => Some((&mut c.vaf, 1)),
                        "tvar1" => Some((&mut c.var, 0)),
                        "tvar2" => Some((&mut c.var, 1)),
                        "tikf1" => Some((&mut c.ikf, 0)),
                        "tikf2" => Some((&mut c.ikf, 1)),
                        "tikr1" => Some((&mut c.ikr, 0)),
                        "tikr2" => Some((&mut c.ikr, 1)),
                        "tirb1" => Some((&mut c.irb, 0)),
                        "tirb2" => Some((&mut c.irb, 1)),
                        "tnf1" => Some((&mut c.nf, 0)),
                        "tnf2" => Some((&mut c.nf, 1)),
                        "tnr1" => Some((&mut c.nr, 0)),
                        "tnr2" => Some((&mut c.nr, 1)),
                        "tne1" => Some((&mut c.ne, 0)),
                        "tne2" => Some((&mut c.ne, 1)),
                        "tnc1" => Some((&mut c.nc, 0)),
                        "tnc2" => Some((&mut c.nc, 1)),
                        "tns1" => Some((&mut c.ns, 0)),
                        "tns2" => Some((&mut c.ns, 1)),
                        "titf1" => Some((&mut c.itf, 0)),
                        "titf2" => Some((&mut c.itf, 1)),
                        "ttf1" => Some((&mut c.tf, 0)),
                        "ttf2" => Some((&mut c.tf, 1)),
                        "ttr1" => Some((&mut c.tr, 0)),
                        "ttr2" => Some((&mut c.tr, 1)),
                        "tmje1" => Some((&mut c.mje, 0)),
                        "tmje2" => Some((&mut c.mje, 1)),
                        "tmjc1" => Some((&mut c.mjc, 0)),
                        "tmjc2" => Some((&mut c.mjc, 1)),
                        "tmjs1" => Some((&mut c.mjs, 0)),
                        "tmjs2" => Some((&mut c.mjs, 1)),
                        "tis1" => Some((&mut c.is, 0)),
                        "tis2" => Some((&mut c.is, 1)),
                        "tise1" => Some((&mut c.ise, 0)),
                        "tise2" => Some((&mut c.ise, 1)),
                        "tisc1" => Some((&mut c.isc, 0)),
                        "tisc2" => Some((&mut c.isc, 1)),
                        "tiss1" => Some((&mut c.iss, 0)),
                        "tiss2" => Some((&mut c.iss, 1)),
                        _ => None,
                    };
                    match slot {
                        Some((pair, k)) => pair[k] = v,
                        None => unknown.push(other.to_string()),
                    }
                }
            }
        }
        (m, unknown)
    }

    /// +1 for NPN, -1 for PNP (ngspice's `BJTtype`).
    pub fn polarity(&self) -> f64 {
        if self.npn {
            1.0
        } else {
            -1.0
        }
    }

    /// +1 vertical, -1 lateral (ngspice's `BJTsubs` after its default).
    pub fn substrate_kind(&self) -> i32 {
        match self.subs {
            Some(s @ (1 | -1)) => s,
            _ if self.npn => 1,
            _ => -1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_and_unknowns() {
        let p = |n: &str, v: f64| (n.to_string(), v);
        let (m, unknown) = BjtModel::from_params(
            false,
            &[p("va", 50.0), p("pe", 0.7), p("trb", 1e-3), p("foo", 1.0)],
        );
        assert!(!m.npn);
        assert_eq!(m.vaf_v, Some(50.0));
        assert_eq!(m.vje_v, 0.7);
        assert_eq!(m.tc.rb, [1e-3, 0.0]);
        assert_eq!(unknown, vec!["foo".to_string()]);
        assert_eq!(m.substrate_kind(), -1);
    }
}
