//! `opamp_ds`: op-amp macromodels built from data-sheet figures, and the presets of the op-amp
//! classes audio designers use (served in `.lib balun opamps`, with receivers and drivers built
//! on them in `.lib balun receivers` / `.lib balun drivers`).
//!
//! [`DataSheet`] holds the figures a data sheet gives (typical values): gain-bandwidth product,
//! slew rate, open-loop gain, CMRR with the corner frequency above which it falls at 20 dB per
//! decade, PSRR, input bias current, voltage and current noise densities with their 1/f corners,
//! output headroom, current limit, open-loop output resistance and input capacitance.
//! [`DataSheet::design`] turns them into the element values of a Boyle-style macromodel
//! (G. R. Boyle, B. M. Cohn, D. O. Pederson, J. E. Solomon, "Macromodeling of integrated circuit
//! operational amplifiers", IEEE JSSC SC-9(6), 1974) with a real input pair, and
//! [`DataSheet::subckt`] writes it as SPICE text. Every value in the text is a number: the
//! derivation lives here, once, and both balun and ngspice read the same subcircuit.
//!
//! # The model (ports `inp inn out vp vn`)
//!
//! ```text
//!  inp -Eps-Ecm-He(en)- ni --+        0             vp
//!  |                 |          rc  rc         Dcp (vdrop + 0.6 V)
//!  Fip(in) Cin     Q2/J2      c1   c2          |
//!  inn --------- Q1/J1 --+   Ga*(v(c1)-v(c2)) -> int --R2--C2-- 0
//!  |                     RE RE (RS RS)             Gcm(vcm, corner) Gps(supply) Flim
//!  Fin(in) Cin          tail -- Iee -- vn (vp for JFETs)   Eo: ob = v(int); Ro -> out
//! ```
//!
//! - **Input pair**: NPN BJTs (Gummel-Poon, only IS and BF set) or p-channel JFETs (level 1,
//!   only BETA, VTO and IS set), tail current `Iee` from a rail, emitter (source) degeneration
//!   `RE` (`RS`), loads `rc = 1 V / Iee` to ground fed by current sources that put the
//!   collectors at +14.5 V (drains at -14.5 V) at balance. Not from the rails: the two
//!   collector currents' signal parts cancel in their sum, and a rail source carrying that sum
//!   would report a small-signal current that is all cancellation (ngspice and balun then
//!   differ by 1e-5 relative on it: rounding, not the model). The pair's differential collector (drain) voltage drives
//!   the transconductance `Ga = 1/rc`, so the whole input stage has the transconductance
//!   `gmT = alpha/(re + RE)` (BJT, `re = VT/Ie`) or `1/(1/gm + RS)` (JFET, `gm = 2 sqrt(BETA Id)`)
//!   and delivers at most `Iee` into the integrator: **slew rate** `SR = Iee/C2`.
//! - **Gain stage**: integrator node `int` with `R2 || C2` to ground. `GBW = gmT/(2 pi C2)`,
//!   `a0 = gmT R2`; the output `Eo` is a unity buffer of `int` through `Ro` (open-loop output
//!   resistance), referenced to ground like opamp_macro (supply current is not modelled).
//! - **CMRR with its corner**: `Ecm`, in series with the non-inverting input, adds the
//!   input-referred error `e = vcm (1 + s/wc) / CMRR` (`vcm` the inputs' mean; the zero comes
//!   from a 1 kohm + L load of a transconductance sensing `vcm`, `L = 1 kohm / (2 pi fcm)`):
//!   the data sheet's common-mode error, flat to `fcm`, then rising 20 dB per decade, so CMRR
//!   falls 20 dB per decade above `fcm`. (Boyle's GCM injects the error as a current after the
//!   pair instead; then the error seen at the pins grows with the source resistance, by
//!   `1 + Rsource/Rin(dm)`: 2.4x with 1 Mohm networks. A voltage at the input does not.)
//! - **PSRR**: `Eps`, also in series with the input, adds `((v(vp) - v(vn)) - 30 V) / (2 PSRR)`:
//!   moving both rails apart by `dV` each (`+-dV`) shifts the input offset by `dV/PSRR`; 30 V is
//!   the nominal total supply, so the nominal rails add no offset.
//! - **Noise** (for `.noise`): the pair's own noise (collector shot noise `2 q Ic` of each BJT,
//!   `en_pair^2 = 4 q VT^2 / Ic`, and base shot noise `2 q Ib` at each input; or each JFET's
//!   channel noise `8kT gm/3`, `en_pair^2 = 16 kT / (3 gm)`) plus generators in opamp_1p_noise's
//!   style (a resistor and a diode at 0 V across a sense source, an `H` in series with the
//!   non-inverting input, an `F` into each input) supplying the rest:
//!   `en_gen^2 = en^2 - en_pair^2` white plus all of the 1/f part `en^2 fce/f`, and
//!   `in_gen^2 = in^2 - in_pair^2` white plus `in^2 fci/f`. The builder sizes the pair so that
//!   `en_pair <= en/2` (BJT: `Ic >= 16 q VT^2/en^2`, which sets `C2 = 2 Ic/SR` when that exceeds
//!   5 pF; JFET: `gm >= 64 kT/(3 en^2)`). Every other resistor is `noisy=0`.
//! - **Output swing**: diodes clamp `int` to `v(vp) - vdrop` and `v(vn) + vdrop` (the sources
//!   include the clamp diode's ~0.6 V).
//! - **Current limit** (Boyle's): two diodes clamp the integrator to `v(out) +- ilim Ro`: each
//!   goes to a node held at `v(out) +- (ilim Ro - Vd - Iee * 1 ohm)` (a `G` copying `v(out)`
//!   into 1 ohm plus a DC current), `Vd = VT ln(Iee/IS)` the clamp diode's drop at the whole
//!   stage current, which it carries (into that 1 ohm) at the limit.
//!   The knee is a diode's: ~`VT/Ro` per e-fold of diode current (0.5 mA for 50 ohm). (An
//!   earlier form sensed the current with an `H` and fed a clamp diode's current back with an
//!   `F`: ngspice 39 and balun both stopped Newton on a point where that diode, pinned between
//!   two ideal sources, was off its I-V curve, a latched output; this form has no such loop.)
//!
//! No capacitor sits between two internal nodes (Boyle's excess-phase C1 is left out: a
//! femtofarad-scale floating capacitor near a rail makes the transient step control decide on
//! Newton noise), and there are no junction capacitances: the only poles are `C2` and the
//! output's `Ro` into the load, so the unity-gain phase margin into 2 kohm || 100 pF is
//! `90 deg - atan(GBW / f2)`, `f2 = 1/(2 pi (Ro || 2k) 100 pF)`; the presets' `Ro` keep it above
//! 45 degrees (tests/opamp_ds.rs measures it).
//!
//! Constants: ngspice's (`k = 1.38064852e-23 J/K`, `q = 1.6021766208e-19 C`), at 27 C
//! (`T0 = 300.15 K`, `VT = kT0/q = 25.865 mV`).

use std::f64::consts::PI;
use std::fmt::Write as _;

/// Boltzmann's constant as ngspice uses it (J/K).
pub const BOLTZMANN: f64 = 1.380_648_52e-23;
/// Elementary charge as ngspice uses it (C).
pub const CHARGE: f64 = 1.602_176_620_8e-19;
/// ngspice's default temperature, 27 C (K).
pub const T0_K: f64 = 300.15;
/// Thermal voltage at [`T0_K`] (V).
pub const VT: f64 = BOLTZMANN * T0_K / CHARGE;
/// The input pair's collectors (drains) sit at +-this (V) at balance: fed by current sources,
/// not by the rails (see the module doc).
pub const LOAD_LEVEL_V: f64 = 14.5;
/// Smallest integrator capacitor the builder uses (F).
pub const C2_MIN_F: f64 = 5e-12;

/// The input pair's device type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputPair {
    /// NPN bipolar pair (bias current into the inputs, shot noise).
    Bjt,
    /// p-channel JFET pair (picoampere gate leakage, channel thermal noise).
    Jfet,
}

/// The data-sheet figures of an op-amp (typical values, +-15 V rails).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DataSheet {
    pub pair: InputPair,
    /// Gain-bandwidth product (Hz).
    pub gbw_hz: f64,
    /// Slew rate (V/s).
    pub slew_v_per_s: f64,
    /// Open-loop DC gain (V/V).
    pub a0: f64,
    /// Low-frequency common-mode rejection (dB).
    pub cmrr_db: f64,
    /// Frequency above which CMRR falls at 20 dB/decade (Hz).
    pub cmrr_corner_hz: f64,
    /// Power-supply rejection (dB), both rails moved apart symmetrically.
    pub psrr_db: f64,
    /// Input bias current (A).
    pub ib_a: f64,
    /// White input voltage noise (V/sqrt(Hz)).
    pub en_v: f64,
    /// Its 1/f corner (Hz).
    pub fce_hz: f64,
    /// White input current noise at each input (A/sqrt(Hz)).
    pub in_a: f64,
    /// Its 1/f corner (Hz).
    pub fci_hz: f64,
    /// Output headroom from each rail (V).
    pub vdrop_v: f64,
    /// Output current limit (A).
    pub ilim_a: f64,
    /// Open-loop output resistance (ohm).
    pub rout_ohm: f64,
    /// Input capacitance of each input to ground (F).
    pub cin_f: f64,
}

/// Element values of the macromodel, derived from a [`DataSheet`] by [`DataSheet::design`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Design {
    /// Tail current (A).
    pub iee_a: f64,
    /// Integrator capacitor (F).
    pub c2_f: f64,
    /// Input-stage transconductance `2 pi GBW C2` (S).
    pub gmt_s: f64,
    /// Collector/drain load resistors (ohm); `Ga = 1/rc`.
    pub rc_ohm: f64,
    /// Emitter/source degeneration (ohm).
    pub re_ohm: f64,
    /// Integrator resistor `a0/gmT` (ohm).
    pub r2_ohm: f64,
    /// BJT forward beta `Ic/Ib` (BJT pairs).
    pub bf: f64,
    /// JFET BETA (A/V^2) (JFET pairs).
    pub beta: f64,
    /// Input-pair saturation current (A): BJT IS, or the JFET gate leakage (= Ib).
    pub is_a: f64,
    /// The pair's own input voltage noise, squared (V^2/Hz).
    pub en_pair_sq: f64,
    /// The pair's own input current noise at each input, squared (A^2/Hz).
    pub in_pair_sq: f64,
    /// Voltage-noise generator resistor `4kT0 * (1k)^2 / (en^2 - en_pair^2)` (ohm).
    pub r_en_ohm: f64,
    /// Voltage-noise generator flicker coefficient `1e-6 en^2 fce` (A^2).
    pub kf_en: f64,
    /// Current-noise generator resistor `4kT0 / (in^2 - in_pair^2)` (ohm).
    pub r_in_ohm: f64,
    /// Current-noise generator flicker coefficient `in^2 fci` (A^2).
    pub kf_in: f64,
}

/// Why a set of figures cannot be built.
#[derive(Debug, Clone, PartialEq)]
pub struct DesignError(pub String);

impl std::fmt::Display for DesignError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DesignError {}

impl DataSheet {
    /// The element values (see the module doc for the equations).
    pub fn design(&self) -> Result<Design, DesignError> {
        let positive = [
            ("gbw", self.gbw_hz),
            ("slew rate", self.slew_v_per_s),
            ("a0", self.a0),
            ("cmrr corner", self.cmrr_corner_hz),
            ("input bias current", self.ib_a),
            ("en", self.en_v),
            ("in", self.in_a),
            ("ilim", self.ilim_a),
            ("rout", self.rout_ohm),
        ];
        if let Some((what, v)) = positive.iter().find(|(_, v)| !(*v > 0.0 && v.is_finite())) {
            return Err(DesignError(format!("{what} must be positive, got {v}")));
        }
        let kt = BOLTZMANN * T0_K;
        let en_sq = self.en_v * self.en_v;
        let (iee_a, c2_f) = match self.pair {
            InputPair::Bjt => {
                // en_pair = en/2 at Ic = 16 q VT^2 / en^2.
                let ic_min = 16.0 * CHARGE * VT * VT / en_sq;
                let c2 = (2.0 * ic_min / self.slew_v_per_s).max(C2_MIN_F);
                (self.slew_v_per_s * c2, c2)
            }
            InputPair::Jfet => (self.slew_v_per_s * C2_MIN_F, C2_MIN_F),
        };
        let gmt_s = 2.0 * PI * self.gbw_hz * c2_f;
        let rc_ohm = 1.0 / iee_a;
        let half = iee_a / 2.0;
        let (re_ohm, bf, beta, is_a, en_pair_sq, in_pair_sq) = match self.pair {
            InputPair::Bjt => {
                let bf = half / self.ib_a;
                let alpha = bf / (bf + 1.0);
                let ic = alpha * half;
                let re = VT / half;
                let deg = alpha / gmt_s - re;
                if deg <= 0.0 {
                    return Err(DesignError(format!(
                        "a BJT pair biased for this slew rate cannot reach this GBW \
                         (needs SR > 4 pi VT GBW = {:.3e} V/s)",
                        4.0 * PI * VT * self.gbw_hz
                    )));
                }
                let en_pair = 4.0 * CHARGE * VT * VT / ic;
                (deg, bf, 0.0, 1e-15, en_pair, 2.0 * CHARGE * self.ib_a)
            }
            InputPair::Jfet => {
                let gm = (64.0 * kt / (3.0 * en_sq)).max(1.5 * gmt_s);
                let beta = gm * gm / (4.0 * half);
                (
                    1.0 / gmt_s - 1.0 / gm,
                    0.0,
                    beta,
                    self.ib_a,
                    16.0 * kt / (3.0 * gm),
                    0.0,
                )
            }
        };
        let en_gen_sq = en_sq - en_pair_sq;
        let in_gen_sq = self.in_a * self.in_a - in_pair_sq;
        if in_gen_sq <= 0.0 {
            return Err(DesignError(format!(
                "in = {:e} A/rtHz is below the input pair's own shot noise sqrt(2 q Ib) = {:e}",
                self.in_a,
                in_pair_sq.sqrt()
            )));
        }
        Ok(Design {
            iee_a,
            c2_f,
            gmt_s,
            rc_ohm,
            re_ohm,
            r2_ohm: self.a0 / gmt_s,
            bf,
            beta,
            is_a,
            en_pair_sq,
            in_pair_sq,
            r_en_ohm: 4.0 * kt * 1e6 / en_gen_sq,
            kf_en: 1e-6 * en_sq * self.fce_hz,
            r_in_ohm: 4.0 * kt / in_gen_sq,
            kf_in: self.in_a * self.in_a * self.fci_hz,
        })
    }

    /// The subcircuit `.subckt NAME inp inn out vp vn` ... `.ends NAME`, preceded by `comment`
    /// (each line prefixed with `* `) and a block listing the figures and the derived values.
    pub fn subckt(&self, name: &str, comment: &str) -> Result<String, DesignError> {
        let d = self.design()?;
        let mut s = String::new();
        let rule = "* ---------------------------------------------------------------------------";
        let _ = writeln!(s, "{rule}");
        let _ = writeln!(
            s,
            "* {name} inp inn out vp vn   (opamp_ds: see the section head)"
        );
        for line in comment.lines() {
            let _ = writeln!(s, "*   {line}");
        }
        let _ = writeln!(
            s,
            "*   Figures: GBW {:e} Hz, SR {:e} V/s, a0 {:e}, CMRR {} dB above {:e} Hz falling,\n\
             *   PSRR {} dB, Ib {:e} A, en {:e} V/rtHz (1/f corner {} Hz),\n\
             *   in {:e} A/rtHz (1/f corner {} Hz), headroom {} V, ilim {:e} A, Ro {} ohm,\n\
             *   Cin {:e} F.",
            self.gbw_hz,
            self.slew_v_per_s,
            self.a0,
            self.cmrr_db,
            self.cmrr_corner_hz,
            self.psrr_db,
            self.ib_a,
            self.en_v,
            self.fce_hz,
            self.in_a,
            self.fci_hz,
            self.vdrop_v,
            self.ilim_a,
            self.rout_ohm,
            self.cin_f
        );
        let _ = writeln!(
            s,
            "*   Derived: Iee = SR*C2 = {:.4e} A, C2 = {:.4e} F, gmT = 2 pi GBW C2 = {:.4e} S,\n\
             *   RE = {:.4e} ohm, R2 = a0/gmT = {:.4e} ohm, pair noise {:.3e} V/rtHz.",
            d.iee_a,
            d.c2_f,
            d.gmt_s,
            d.re_ohm,
            d.r2_ohm,
            d.en_pair_sq.sqrt()
        );
        let _ = writeln!(s, "{rule}");
        let _ = writeln!(s, ".subckt {name} inp inn out vp vn");
        let _ = writeln!(s, ".model dfe d kf={:e} af=0", d.kf_en);
        let _ = writeln!(s, ".model dfi d kf={:e} af=0", d.kf_in);
        let _ = writeln!(s, ".model dcl d is=1e-14");
        match self.pair {
            InputPair::Bjt => {
                let _ = writeln!(s, ".model qin npn is={:e} bf={:e}", d.is_a, d.bf);
            }
            InputPair::Jfet => {
                let _ = writeln!(s, ".model jin pjf is={:e} beta={:e} vto=-1", d.is_a, d.beta);
            }
        }
        let _ = writeln!(s, "* en: v(ni) - v(n1) = 1k * i(Ve); in at each input");
        let _ = writeln!(
            s,
            "Ve se 0 0\nRe se 0 {:e}\nDe se 0 dfe\nHe ni n1 Ve 1k",
            d.r_en_ohm
        );
        let _ = writeln!(
            s,
            "* input-referred errors in series with inp: common mode (CMRR, falling\n\
             * above fcm: v(cmz) = vcm (1 + s/(2 pi fcm))) and supply ((vp - vn) - 30 V)"
        );
        let _ = writeln!(
            s,
            "Ecm n1 n2 cmz 0 {:e}\nEps n2 inp vp psn {:e}\nVps psn vn 30",
            10f64.powf(-self.cmrr_db / 20.0),
            0.5 * 10f64.powf(-self.psrr_db / 20.0)
        );
        let _ = writeln!(s, "Gcp 0 cmz inp 0 5e-4\nGcn 0 cmz inn 0 5e-4");
        let _ = writeln!(
            s,
            "Rcz cmz cml 1k noisy=0\nLcz cml 0 {:e}",
            1e3 / (2.0 * PI * self.cmrr_corner_hz)
        );
        for (pin, tag) in [("inp", "p"), ("inn", "n")] {
            let _ = writeln!(
                s,
                "Vi{tag} si{tag} 0 0\nRi{tag} si{tag} 0 {:e}\nDi{tag} si{tag} 0 dfi\nFi{tag} {pin} 0 Vi{tag} 1",
                d.r_in_ohm
            );
        }
        let _ = writeln!(
            s,
            "Cinp inp 0 {:e}\nCinn inn 0 {:e}",
            self.cin_f, self.cin_f
        );
        let _ = writeln!(s, "* input pair");
        match self.pair {
            InputPair::Bjt => {
                let _ = writeln!(s, "Q1 c1 inn e1 qin\nQ2 c2 ni e2 qin");
                let _ = writeln!(
                    s,
                    "Rc1 c1 0 {rc:e} noisy=0\nRc2 c2 0 {rc:e} noisy=0\n\
                     Ic1 0 c1 {ix:e}\nIc2 0 c2 {ix:e}",
                    rc = d.rc_ohm,
                    ix = d.iee_a / 2.0 + LOAD_LEVEL_V / d.rc_ohm
                );
                let _ = writeln!(s, "Iee tail vn {:e}", d.iee_a);
            }
            InputPair::Jfet => {
                let _ = writeln!(s, "J1 c1 inn e1 jin\nJ2 c2 ni e2 jin");
                let _ = writeln!(
                    s,
                    "Rc1 c1 0 {rc:e} noisy=0\nRc2 c2 0 {rc:e} noisy=0\n\
                     Ic1 c1 0 {ix:e}\nIc2 c2 0 {ix:e}",
                    rc = d.rc_ohm,
                    ix = d.iee_a / 2.0 + LOAD_LEVEL_V / d.rc_ohm
                );
                let _ = writeln!(s, "Iee vp tail {:e}", d.iee_a);
            }
        }
        let _ = writeln!(
            s,
            "Re1 e1 tail {re:e} noisy=0\nRe2 e2 tail {re:e} noisy=0",
            re = d.re_ohm
        );
        let _ = writeln!(
            s,
            "* gain stage: GBW = gmT/(2 pi C2), a0 = gmT R2, SR = Iee/C2"
        );
        let _ = writeln!(s, "Ga 0 int c1 c2 {:e}", 1.0 / d.rc_ohm);
        let _ = writeln!(s, "R2 int 0 {:e} noisy=0\nC2 int 0 {:e}", d.r2_ohm, d.c2_f);
        let _ = writeln!(s, "* output swing clamps");
        // Clamp levels v(vp) - (vdrop + 0.6 V) and v(vn) + (vdrop + 0.6 V) as Norton copies of
        // the rails (a G into 1 ohm plus a DC current), so that the rails' sources carry no
        // small-signal current (a near-cancellation between op-amps on shared rails).
        let clamp = self.vdrop_v + 0.6;
        let _ = writeln!(
            s,
            "Dcp int cp dcl\nGkp 0 cp vp 0 1\nRkp cp 0 1 noisy=0\nIkp cp 0 {clamp}\n\
             Dcn cn int dcl\nGkn 0 cn vn 0 1\nRkn cn 0 1 noisy=0\nIkn 0 cn {clamp}"
        );
        let _ = writeln!(
            s,
            "* output buffer, Ro; current limit: int clamped to out +- (ilim Ro - Vd + Vd)"
        );
        let _ = writeln!(s, "Eo ob 0 int 0 1\nRo ob out {:e} noisy=0", self.rout_ohm);
        // The clamp levels out +- vlim are Norton copies of v(out) (G of 1 S into 1 ohm, plus a
        // DC current): no voltage source, whose branch current (the diode's leakage, a
        // near-cancellation in .ac) would be an output vector. At the limit the clamp diode
        // carries the whole stage current Iee (Vd = VT ln(Iee/IS)) into that 1 ohm.
        let vlim = self.ilim_a * self.rout_ohm - VT * (d.iee_a / 1e-14).ln() - d.iee_a;
        let _ = writeln!(
            s,
            "Dlp int xp dcl\nGxp 0 xp out 0 1\nRxp xp 0 1 noisy=0\nIxp 0 xp {vlim:e}\n\
             Dln xn int dcl\nGxn 0 xn out 0 1\nRxn xn 0 1 noisy=0\nIxn xn 0 {vlim:e}"
        );
        let _ = writeln!(s, ".ends {name}");
        Ok(s)
    }
}

/// One op-amp class: a data sheet and where its figures come from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Preset {
    /// The class name (`ne5532`, ...): the subcircuit is `opamp_ds_<class>`.
    pub class: &'static str,
    pub figures: DataSheet,
    /// Where each figure comes from (written into the library text).
    pub source: &'static str,
}

impl Preset {
    /// The op-amp subcircuit's name, `opamp_ds_<class>`.
    pub fn subckt_name(&self) -> String {
        format!("opamp_ds_{}", self.class)
    }
}

const BJT_DEFAULTS: DataSheet = DataSheet {
    pair: InputPair::Bjt,
    gbw_hz: 10e6,
    slew_v_per_s: 9e6,
    a0: 1e5,
    cmrr_db: 100.0,
    cmrr_corner_hz: 10e3,
    psrr_db: 100.0,
    ib_a: 200e-9,
    en_v: 5e-9,
    fce_hz: 47.0,
    in_a: 0.7e-12,
    fci_hz: 420.0,
    vdrop_v: 2.0,
    ilim_a: 38e-3,
    rout_ohm: 50.0,
    cin_f: 3e-12,
};

/// The presets. Each figure is a typical value from the part's data sheet (as found with the
/// search tool: the quoted texts are in each `source`) unless the source says "model choice".
pub const PRESETS: &[Preset] = &[
    // TI NE5532: GBW 10 MHz, SR 9 V/us, AVD 100 V/mV, CMRR 100 dB, en 5 nV/rtHz and in
    // 0.7 pA/rtHz at 1 kHz (8 nV and 2.7 pA at 30 Hz: corners 47 Hz and 420 Hz).
    Preset {
        class: "ne5532",
        figures: BJT_DEFAULTS,
        source: "NE5532-class (bipolar). TI NE5532 data sheet, typical: unity-gain\n\
                 bandwidth 10 MHz, slew rate 9 V/us, large-signal gain 100 V/mV, CMRR\n\
                 100 dB, en 5 nV/rtHz and in 0.7 pA/rtHz at 1 kHz, 8 nV and 2.7 pA at\n\
                 30 Hz (1/f corners 30((8/5)^2-1) = 47 Hz and 30((2.7/0.7)^2-1) = 420 Hz),\n\
                 swing about +-13 V on +-15 V (2 V headroom), short-circuit 38 mA,\n\
                 PSRR 100 dB, Ib 200 nA. Model choices: CMRR corner 10 kHz, Ro 50 ohm,\n\
                 Cin 3 pF.",
    },
    // TI OPA1612 (SBOS450C): 1.1 nV/rtHz at 1 kHz, 27 V/us, 40 MHz (G = +1), 130 dB open-loop
    // gain, swing to 600 mV of the rails into 2 kohm, +-30 mA drive.
    Preset {
        class: "opa1612",
        figures: DataSheet {
            gbw_hz: 40e6,
            slew_v_per_s: 27e6,
            a0: 3.162e6,
            cmrr_db: 120.0,
            cmrr_corner_hz: 10e3,
            psrr_db: 120.0,
            ib_a: 60e-9,
            en_v: 1.1e-9,
            fce_hz: 10.0,
            in_a: 1.7e-12,
            fci_hz: 100.0,
            vdrop_v: 0.6,
            ilim_a: 30e-3,
            rout_ohm: 15.0,
            cin_f: 8e-12,
            ..BJT_DEFAULTS
        },
        source: "OPA1612-class (bipolar). TI OPA1611/OPA1612 data sheet (SBOS450C),\n\
                 typical: 1.1 nV/rtHz at 1 kHz, slew rate 27 V/us, bandwidth 40 MHz\n\
                 (G = +1), open-loop gain 130 dB, output to within 600 mV of the rails\n\
                 into 2 kohm, output drive +-30 mA. Model choices (not found in the text\n\
                 searched): CMRR and PSRR 120 dB, CMRR corner 10 kHz, Ib 60 nA,\n\
                 in 1.7 pA/rtHz, 1/f corners 10 Hz (en) and 100 Hz (in), Ro 15 ohm\n\
                 (phase margin), Cin 8 pF.",
    },
    // TI LM4562 (SNAS326K): 2.7 nV/rtHz, +-20 V/us, GBW 55 MHz, open-loop gain 140 dB,
    // Ib 10 nA, CMRR and PSRR 120 dB, +-26 mA, 2 kohm loads to within 1 V of the rails;
    // in 1.6 pA/rtHz (D. Self's summary of the data sheet).
    Preset {
        class: "lm4562",
        figures: DataSheet {
            gbw_hz: 55e6,
            slew_v_per_s: 20e6,
            a0: 1e7,
            cmrr_db: 120.0,
            cmrr_corner_hz: 10e3,
            psrr_db: 120.0,
            ib_a: 10e-9,
            en_v: 2.7e-9,
            fce_hz: 10.0,
            in_a: 1.6e-12,
            fci_hz: 100.0,
            vdrop_v: 1.0,
            ilim_a: 26e-3,
            rout_ohm: 12.0,
            cin_f: 5e-12,
            ..BJT_DEFAULTS
        },
        source: "LM4562-class (bipolar). TI LM4562 data sheet (SNAS326K), typical:\n\
                 en 2.7 nV/rtHz, slew rate 20 V/us, GBW 55 MHz, open-loop gain 140 dB,\n\
                 Ib 10 nA, CMRR 120 dB, PSRR 120 dB, output current 26 mA, 2 kohm loads\n\
                 driven to within 1 V of the rails; in 1.6 pA/rtHz (D. Self's table of\n\
                 the data sheet's typical values). Model choices: CMRR corner 10 kHz,\n\
                 1/f corners 10 Hz (en) and 100 Hz (in), Ro 12 ohm (phase margin),\n\
                 Cin 5 pF.",
    },
    // ST TL072: GBP 4 MHz, SR 16 V/us, Avd 200 V/mV, CMR 86 dB, SVR 86 dB, Iib 20 pA,
    // en 15 nV/rtHz, Ios 40 mA, +-13.5 V into 10 kohm.
    Preset {
        class: "tl072",
        figures: DataSheet {
            pair: InputPair::Jfet,
            gbw_hz: 4e6,
            slew_v_per_s: 16e6,
            a0: 2e5,
            cmrr_db: 86.0,
            cmrr_corner_hz: 20e3,
            psrr_db: 86.0,
            ib_a: 20e-12,
            en_v: 15e-9,
            fce_hz: 100.0,
            in_a: 10e-15,
            fci_hz: 0.0,
            vdrop_v: 1.5,
            ilim_a: 40e-3,
            rout_ohm: 50.0,
            cin_f: 3e-12,
        },
        source: "TL072-class (p-JFET input). ST TL072 data sheet, typical at +-15 V:\n\
                 gain-bandwidth 4 MHz, slew rate 16 V/us, large-signal gain 200 V/mV,\n\
                 CMR 86 dB, SVR 86 dB, Iib 20 pA, en 15 nV/rtHz (1 kHz, Rs = 100 ohm),\n\
                 short-circuit current 40 mA, +-13.5 V into 10 kohm. Model choices:\n\
                 CMRR corner 20 kHz, en 1/f corner 100 Hz, in 10 fA/rtHz (white),\n\
                 Ro 50 ohm, Cin 3 pF.",
    },
    // TI OPA134: 8 nV/rtHz, 20 V/us, 8 MHz, FET input.
    Preset {
        class: "opa134",
        figures: DataSheet {
            pair: InputPair::Jfet,
            gbw_hz: 8e6,
            slew_v_per_s: 20e6,
            a0: 1e6,
            cmrr_db: 100.0,
            cmrr_corner_hz: 10e3,
            psrr_db: 106.0,
            ib_a: 5e-12,
            en_v: 8e-9,
            fce_hz: 50.0,
            in_a: 3e-15,
            fci_hz: 0.0,
            vdrop_v: 1.0,
            ilim_a: 35e-3,
            rout_ohm: 50.0,
            cin_f: 5e-12,
        },
        source: "OPA134-class (FET input). TI OPA134 data sheet, typical: en 8 nV/rtHz,\n\
                 slew rate 20 V/us, GBW 8 MHz, in 3 fA/rtHz, open-loop gain 120 dB,\n\
                 CMRR 100 dB, Ib 5 pA. Model choices (not found in the text searched):\n\
                 PSRR 106 dB, CMRR corner 10 kHz, en 1/f corner 50 Hz, headroom 1 V,\n\
                 current limit 35 mA, Ro 50 ohm, Cin 5 pF.",
    },
];

/// Looks a preset up by class name (case-insensitive).
pub fn preset(class: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.class.eq_ignore_ascii_case(class))
}

/// The THAT1240-class receiver's op-amp: a diff amp's op-amp with the THAT 1240's figures
/// (bandwidth > 8.6 MHz at unity gain, noise gain 2: GBW 17.2 MHz; 12 V/us). Its en follows
/// from the -104 dBu output noise (20 kHz band) less the four 10 kohm resistors' noise: see
/// [`that1240_en`].
pub const THAT1240_OPAMP: DataSheet = DataSheet {
    gbw_hz: 17.2e6,
    slew_v_per_s: 12e6,
    a0: 1e5,
    cmrr_db: 100.0,
    cmrr_corner_hz: 10e3,
    psrr_db: 100.0,
    ib_a: 100e-9,
    en_v: 11.5e-9,
    fce_hz: 50.0,
    in_a: 1e-12,
    fci_hz: 100.0,
    vdrop_v: 2.0,
    ilim_a: 30e-3,
    rout_ohm: 50.0,
    cin_f: 3e-12,
    pair: InputPair::Bjt,
};

/// The op-amp en (V/rtHz) that makes a unity-gain 4 x `r_ohm` difference amplifier's output
/// noise `out_dbu` dBu in a 20 kHz band: output density `n = 0.7746 * 10^(dBu/20)/sqrt(20k)`,
/// resistors `4kT r` each (R1 and R2 at unity gain to the output, R3 || R4 at noise gain 2),
/// `en = sqrt(n^2 - 4 * 4kT r) / 2` (the resistors' total is `4kT r (1 + 1 + 2)`).
pub fn that1240_en(out_dbu: f64, r_ohm: f64) -> f64 {
    let n = 0.774_596_669 * 10f64.powf(out_dbu / 20.0) / 20e3f64.sqrt();
    let four_kt_r = 4.0 * BOLTZMANN * T0_K * r_ohm;
    (n * n - 4.0 * four_kt_r).sqrt() / 2.0
}

/// The relative error of R4 that gives a unity-gain difference amplifier the CMRR
/// `cmrr_db` together with its op-amp's own `opamp_cmrr_db`: the two common-mode errors add
/// in phase (for `d4 > 0`), so the resistors take `1/CMRR - 1/CMRR_op`, and the one-resistor
/// formula `CMRR_r = (1+G)/d + (1+2G)/2` at `G = 1` gives `d = 2/(CMRR_r - 1.5)`.
pub fn that1240_d4(cmrr_db: f64, opamp_cmrr_db: f64) -> f64 {
    let cmrr_r = 1.0 / (10f64.powf(-cmrr_db / 20.0) - 10f64.powf(-opamp_cmrr_db / 20.0));
    2.0 / (cmrr_r - 1.5)
}

/// The DRV134-class driver's op-amps (15 V/us; GBW a model choice: 8 MHz).
pub const DRV134_OPAMP: DataSheet = DataSheet {
    gbw_hz: 8e6,
    slew_v_per_s: 15e6,
    ..BJT_DEFAULTS
};

const SECTION_HEAD: &str = "*
* ===========================================================================
* opamp_ds_<class> inp inn out vp vn: op-amps built from data-sheet figures
*   (crates/library/src/opamp_ds.rs writes each one from its figures).
*   A Boyle-style macromodel with a real input pair (NPN BJTs or p-JFETs):
*   - input pair with tail Iee, degeneration RE, loads rc = 1V/Iee; its
*     transconductance gmT = alpha/(re + RE) (BJT) or 1/(1/gm + RS) (JFET)
*     drives Ga = 1/rc into the integrator int (R2 || C2 to ground):
*       GBW = gmT/(2 pi C2),  a0 = gmT R2,  SR = Iee/C2;
*   - common-mode error vcm (1 + s/(2 pi fcm))/CMRR and supply error
*     ((vp - vn) - 30 V)/(2 PSRR): E sources in series with inp;
*   - noise: the pair's own shot (BJT) or channel (JFET) noise plus
*     generators (resistor + diode across a 0 V source, as opamp_1p_noise)
*     for the rest of en and in and all of their 1/f parts;
*   - output: clamps at vdrop from the rails, unity buffer Eo (referenced to
*     ground: supply current is not modelled), Ro, current limit ilim
*     (diodes clamp int to out +- ilim Ro).
*   No floating capacitor between internal nodes; the only poles are C2 and
*   Ro into the load.
* ===========================================================================
";

/// The `opamp_ds_*` part of the `opamps` section: every preset's subcircuit.
pub fn opamps_text() -> String {
    let mut s = String::from(SECTION_HEAD);
    for p in PRESETS {
        let text = p
            .figures
            .subckt(&p.subckt_name(), p.source)
            .unwrap_or_else(|e| panic!("preset {}: {e}", p.class));
        s.push('\n');
        s.push_str(&text);
    }
    let that = DataSheet {
        en_v: that1240_en(-104.0, 10e3),
        ..THAT1240_OPAMP
    };
    for (name, figures, comment) in [
        (
            "opamp_that1240",
            that,
            "The op-amp of rx_that1240 (section receivers: see there for the figures).",
        ),
        (
            "opamp_drv134",
            DRV134_OPAMP,
            "The op-amp of drv_drv134 (section drivers: see there for the figures).",
        ),
    ] {
        s.push('\n');
        s.push_str(
            &figures
                .subckt(name, comment)
                .unwrap_or_else(|e| panic!("{name}: {e}")),
        );
    }
    s
}

/// The receivers built on the presets: `rx_diffamp_<class>` for each class (rx_diffamp's four
/// resistors around `opamp_ds_<class>`, +-15 V rails inside, referenced to `ref`) and
/// `rx_that1240`.
pub fn receivers_text() -> String {
    let mut s = String::from(
        "*
* ---------------------------------------------------------------------------
* rx_diffamp_<class> hot cold ref out   params: r=10k gain=1 d1=0 d2=0 d3=0 d4=0
*   rx_diffamp (same resistors, same formulas) around the data-sheet op-amp
*   opamp_ds_<class> on +-15 V rails (inside, against ref). With exact
*   resistors the receiver's CMRR is the op-amp's own: at unity gain the
*   op-amp sees vcm/2 and its input error (vcm/2)/CMRR(f) reaches the output
*   at noise gain 2, so CMRR(receiver) = CMRR(op-amp, f) * |Adm(f)|: flat
*   to the op-amp's corner fcm, then falling 20 dB/decade, and faster near
*   GBW/2 where the closed-loop Adm falls.
* ---------------------------------------------------------------------------
",
    );
    for p in PRESETS {
        let _ = write!(
            s,
            ".subckt rx_diffamp_{c} hot cold ref out\n\
             + params: r=10k gain=1 d1=0 d2=0 d3=0 d4=0\n\
             R1 cold inn {{r*(1+d1)}}\nR2 inn out {{gain*r*(1+d2)}}\n\
             R3 hot inp {{r*(1+d3)}}\nR4 inp ref {{gain*r*(1+d4)}}\n\
             Vsp vp ref 15\nVsn ref vn 15\n\
             X1 inp inn out vp vn {name}\n.ends rx_diffamp_{c}\n\n",
            c = p.class,
            name = p.subckt_name()
        );
    }
    let d4 = that1240_d4(90.0, THAT1240_OPAMP.cmrr_db);
    let en = that1240_en(-104.0, 10e3);
    let _ = write!(
        s,
        "* ---------------------------------------------------------------------------\n\
         * rx_that1240 hot cold ref out   params: r=10k\n\
         *   THAT1240-class balanced line receiver (THAT 1240/1243/1246 data sheet,\n\
         *   typical: CMRR 90 dB at 60 Hz, bandwidth > 8.6 MHz, slew rate 12 V/us,\n\
         *   noise -104 dBu, 2 mA). A unity-gain rx_diffamp whose R4 is off by\n\
         *   d4 = 2/(1/(1/10^(90/20) - 1/10^(100/20)) - 1.5) = {d4:.4e}: the\n\
         *   one-resistor formula CMRR = (1+G)/d + (1+2G)/2 for the part of the\n\
         *   90 dB that the op-amp's own 100 dB (in phase with it) leaves (the\n\
         *   laser-trimmed match), around\n\
         *   opamp_that1240: GBW 17.2 MHz (8.6 MHz closed-loop at noise gain 2),\n\
         *   12 V/us, en = {en:.3e} V/rtHz = what is left of -104 dBu in 20 kHz\n\
         *   (34.6 nV/rtHz at the output) after the four resistors' 25.7 nV/rtHz,\n\
         *   at noise gain 2. Model choices: the resistors' value (10 kohm: the\n\
         *   data sheet's text found gives none), the op-amp's other figures.\n\
         * ---------------------------------------------------------------------------\n\
         .subckt rx_that1240 hot cold ref out params: r=10k\n\
         R1 cold inn {{r}}\nR2 inn out {{r}}\nR3 hot inp {{r}}\nR4 inp ref {{r*(1+{d4:e})}}\n\
         Vsp vp ref 15\nVsn ref vn 15\n\
         X1 inp inn out vp vn opamp_that1240\n.ends rx_that1240\n\n"
    );
    s
}

/// The drivers built on the presets: `drv_active_<class>` (drv_active around
/// `opamp_ds_<class>`) and `drv_drv134`.
pub fn drivers_text() -> String {
    let mut s = String::from(
        "*
* ---------------------------------------------------------------------------
* drv_active_<class> in hot cold ref   params: rout=50 r=10k
*   drv_active (follower for hot, unity inverter for cold, each through
*   rout) with two opamp_ds_<class> on +-15 V rails (inside, against ref).
* ---------------------------------------------------------------------------
",
    );
    let body = |name: &str, opamp: &str| {
        format!(
            "Vsp vp ref 15\nVsn ref vn 15\n\
             X1 in oh oh vp vn {opamp}\nRh oh hot {{rout}}\n\
             Ri in ninv {{r}}\nRf ninv oc {{r}}\n\
             X2 ref ninv oc vp vn {opamp}\nRc oc cold {{rout}}\n.ends {name}\n\n"
        )
    };
    for p in PRESETS {
        let name = format!("drv_active_{}", p.class);
        let _ = write!(
            s,
            ".subckt {name} in hot cold ref params: rout=50 r=10k\n{}",
            body(&name, &p.subckt_name())
        );
    }
    let _ = write!(
        s,
        "* ---------------------------------------------------------------------------\n\
         * drv_drv134 in hot cold ref   params: rout=50 r=30k\n\
         *   THAT1646/DRV134-class balanced line driver (TI DRV134 data sheet:\n\
         *   slew rate 15 V/us, 30 kohm internal resistors, 50 ohm output\n\
         *   resistors, 17 Vrms into 600 ohm): drv_active's follower and\n\
         *   inverter around opamp_drv134 (15 V/us; GBW 8 MHz is a model choice),\n\
         *   Vdm = 2 v(in). The real parts cross-couple their two outputs so that\n\
         *   the output floats like a transformer's; this model does not.\n\
         * ---------------------------------------------------------------------------\n\
         .subckt drv_drv134 in hot cold ref params: rout=50 r=30k\n{}",
        body("drv_drv134", "opamp_drv134")
    );
    s
}

/// The headphone outputs built on the presets: `hp_trs3_<class>` and `hp_bal4_<class>`
/// (hp_trs3 and hp_bal4 with each ideal source replaced by `opamp_ds_<class>` stages).
pub fn headphones_text() -> String {
    let mut s = String::from(
        "*
* ---------------------------------------------------------------------------
* hp_trs3_<class> inl inr ref lt rt sl   params: rout=0.5 rw=0.05 rg=0.1 re=32 le=20u
* hp_bal4_<class> inl inr ref lp ln rp rn   params: rout=0.5 rw=0.05 re=32 le=20u r=10k
*   hp_trs3 and hp_bal4 (same wiring, conductors and drivers, same formulas
*   while the op-amps are linear) with each channel's ideal source replaced
*   by opamp_ds_<class> on +-15 V rails (inside, against ref): a follower
*   per channel for hp_trs3; for hp_bal4 a follower (+v(in)) and a unity
*   inverter (r, r: -v(in)) per channel. So the outputs now slew, clip at
*   the class's headroom and limit their current at its ilim (26-40 mA:
*   about 1 V peak into 32 ohm), which the ideal sources never did.
* ---------------------------------------------------------------------------
",
    );
    let rails = "Vsp vp ref 15\nVsn ref vn 15\n";
    for p in PRESETS {
        let (c, op) = (p.class, p.subckt_name());
        let _ = write!(
            s,
            ".subckt hp_trs3_{c} inl inr ref lt rt sl\n\
             + params: rout=0.5 rw=0.05 rg=0.1 re=32 le=20u\n{rails}\
             Xal inl al al vp vn {op}\nRol al lj {{rout}}\nRwl lj lt {{rw}}\n\
             Xar inr ar ar vp vn {op}\nRor ar rj {{rout}}\nRwr rj rt {{rw}}\n\
             Rg sl ref {{rg}}\n\
             Xl lt sl hp_driver re={{re}} le={{le}}\nXr rt sl hp_driver re={{re}} le={{le}}\n\
             .ends hp_trs3_{c}\n\n"
        );
        let _ = write!(
            s,
            ".subckt hp_bal4_{c} inl inr ref lp ln rp rn\n\
             + params: rout=0.5 rw=0.05 re=32 le=20u r=10k\n{rails}"
        );
        for (side, input, pos, neg) in [("l", "inl", "lp", "ln"), ("r", "inr", "rp", "rn")] {
            let _ = write!(
                s,
                "Xa{pos} {input} a{pos} a{pos} vp vn {op}\n\
                 Ri{side} {input} m{side} {{r}}\nRf{side} m{side} a{neg} {{r}}\n\
                 Xa{neg} ref m{side} a{neg} vp vn {op}\n\
                 Ro{pos} a{pos} {pos}j {{rout}}\nRw{pos} {pos}j {pos} {{rw}}\n\
                 Ro{neg} a{neg} {neg}j {{rout}}\nRw{neg} {neg}j {neg} {{rw}}\n"
            );
        }
        let _ = write!(
            s,
            "Xl lp ln hp_driver re={{re}} le={{le}}\nXr rp rn hp_driver re={{re}} le={{le}}\n\
             .ends hp_bal4_{c}\n\n"
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_designs() {
        for p in PRESETS {
            let d = p
                .figures
                .design()
                .unwrap_or_else(|e| panic!("{}: {e}", p.class));
            let f = &p.figures;
            // The closed forms the model is built on.
            assert!((d.iee_a / d.c2_f / f.slew_v_per_s - 1.0).abs() < 1e-12);
            assert!((d.gmt_s / (2.0 * PI * d.c2_f) / f.gbw_hz - 1.0).abs() < 1e-12);
            assert!(d.re_ohm > 0.0, "{}", p.class);
            // (Ic = alpha Iee/2: within 1 % of the Iee/2 it was sized with.)
            assert!(d.en_pair_sq <= f.en_v * f.en_v / 4.0 * 1.01, "{}", p.class);
        }
        for f in [THAT1240_OPAMP, DRV134_OPAMP] {
            f.design().expect("designs");
        }
    }

    #[test]
    fn that1240_noise_budget() {
        // 34.6 nV/rtHz at the output, 25.7 nV/rtHz of it from the resistors.
        let en = that1240_en(-104.0, 10e3);
        assert!((en - 11.6e-9).abs() < 0.2e-9, "{en:e}");
    }

    #[test]
    fn bad_figures_are_reported() {
        let slow = DataSheet {
            slew_v_per_s: 1e6,
            gbw_hz: 100e6,
            ..BJT_DEFAULTS
        };
        assert!(slow
            .design()
            .unwrap_err()
            .0
            .contains("cannot reach this GBW"));
        let zero = DataSheet {
            en_v: 0.0,
            ..BJT_DEFAULTS
        };
        assert_eq!(zero.design().unwrap_err().0, "en must be positive, got 0");
    }
}
