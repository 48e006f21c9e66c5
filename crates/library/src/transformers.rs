//! `.lib balun transformers`: an exact ideal transformer and a physical audio-transformer model
//! with presets (line input with Faraday shield, 1:10 microphone input, line output).
//!
//! Ports: `p1 p2` primary (dotted end first), `s1 s2` secondary (dotted end first), and for the
//! physical models `sh`, the Faraday shield / core (tie it to ground, or leave it to a node of
//! its own through a resistor to model an unshielded part).

/// The section text. See the comment block of each subcircuit for equations and sources.
pub const TEXT: &str = r#"* balun built-in library, section 'transformers'
*
* ---------------------------------------------------------------------------
* xfmr_ideal p1 p2 s1 s2   params: n=1
*   Ideal n:1 transformer (n = primary turns / secondary turns), exact:
*     v(s1,s2) = v(p1,p2)/n          (E, voltage ratio n)
*     i(into p1) = i(out of s1)/n    (0 V sense source + F, current ratio 1/n)
*   so a load Z on the secondary is seen as n^2 * Z at the primary.
*   No magnetising inductance: it passes DC. Not K with k = 0.9999 (whose
*   leakage and magnetising inductances would be part of the answer).
*   n (V/V): 1 for 1:1, 0.1 for a 1:10 step-up.
* ---------------------------------------------------------------------------
.subckt xfmr_ideal p1 p2 s1 s2 params: n=1
Es s1 sx p1 p2 {1/n}
Vsense sx s2 0
Fp p2 p1 Vsense {1/n}
.ends xfmr_ideal

* ---------------------------------------------------------------------------
* xfmr_audio p1 p2 s1 s2 sh
*   params: n=1 lp=144 lleak=2m rp=1.45k rs=1.55k rcore=10meg cps=1p
*           cpsh=98p cssh=110p cw=50p
*   Physical audio transformer, as the equivalent circuit of Whitlock,
*   "Audio Transformers" (Handbook for Sound Engineers, 3rd ed., ch. 11,
*   sections 1.2.2-1.2.4: winding resistances, leakage inductance, winding
*   capacitances and Faraday shields), referred to the primary:
*     p1 - rp - lleak - +--------+--- ideal n:1 --- rs - s1
*                       lp    rcore                  |
*     p2 ---------------+--------+--------------- s2 -+ (cw across s1-s2)
*   magnetising inductance lp and core-loss resistance rcore in parallel
*   across the ideal transformer's primary; the leakage inductance lleak
*   (both windings' leakage referred to the primary; the coupling factor of
*   the equivalent K model is k = sqrt(1 - lleak/lp)) and the winding
*   resistances in series. Capacitances, each lumped half at either end of
*   its winding:
*     cps   primary-to-secondary (what leaks past a Faraday shield)
*     cpsh  primary-to-shield, cssh secondary-to-shield (to node sh)
*     cw    secondary self-capacitance (resonates with lleak*(1/n)^2)
*   Low-frequency -3 dB ~ (Rsource || n^2*Rload)/(2*pi*lp); high-frequency
*   limit from lleak, cw and the load. Common mode reaches the secondary
*   only through cps (and through cpsh/cssh if the shield is not grounded).
*   Units: n (V/V), lp, lleak (H), rp, rs, rcore (ohm), capacitances (F).
*   Defaults: the line-input preset below (see there for sources).
* ---------------------------------------------------------------------------
.subckt xfmr_audio p1 p2 s1 s2 sh
+ params: n=1 lp=144 lleak=2m rp=1.45k rs=1.55k rcore=10meg cps=1p cpsh=98p
+ cssh=110p cw=50p
Rp p1 a {rp}
Lk a b {lleak}
Lm b p2 {lp}
Rcore b p2 {rcore}
X1 b p2 c s2 xfmr_ideal n={n}
Rs c s1 {rs}
Cps1 p1 s1 {cps/2}
Cps2 p2 s2 {cps/2}
Cpsh1 p1 sh {cpsh/2}
Cpsh2 p2 sh {cpsh/2}
Cssh1 s1 sh {cssh/2}
Cssh2 s2 sh {cssh/2}
Cw s1 s2 {cw}
.ends xfmr_audio

* ---------------------------------------------------------------------------
* xfmr_line_in p1 p2 s1 s2 sh   (1:1 line input, Faraday shield)
*   params: lp=144 lleak=2m rp=1.45k rs=1.55k rcore=10meg cps=1p cpsh=98p
*           cssh=110p cw=50p
*   A bridging 1:1 (10 kohm : 10 kohm) line-input transformer modelled on
*   the Jensen JT-11P-1. Data-sheet figures (Jensen JT-11P-1 data sheet,
*   rev. 1/01, as reprinted in Whitlock's "Audio Transformers" chapter;
*   quoted from memory and a public transcription, no web access to
*   re-check the PDF), all typical:
*     DC resistance, primary 1.45 kohm, secondary 1.55 kohm  -> rp, rs
*     capacitance primary-to-shield 98 pF, secondary-to-shield 110 pF
*                                                        -> cpsh, cssh
*     turns ratio 1:1 (0.999 .. 1.001)                   -> n = 1
*     input impedance 13.0 kohm and voltage gain -2.3 dB at 1 kHz into
*     10 kohm (= rp + rs + 10k and 10k/13k: the DCRs explain both)
*     response at 20 Hz -0.04 dB, at 20 kHz -0.05 dB (600 ohm source,
*     10 kohm load, relative to 1 kHz).
*   Derived: lp = 144 H from the -0.04 dB at 20 Hz: the magnetising
*   branch sees R = (600 + rp) || (rs + 10k) = 1741 ohm, and
*   1/sqrt(1 + (R/(2*pi*20*lp))^2) = -0.04 dB gives lp = 144 H (LF -3 dB
*   at R/(2*pi*lp) = 1.9 Hz in that circuit). rcore = 10 Mohm: the
*   13.0 kohm input impedance equals rp + rs + 10k, which leaves no room
*   for core loss (it needs rcore > 2.7 Mohm to round to 13.0 kohm).
*   Typical, not from the data sheet: lleak = 2 mH (negligible against
*   the 3 kohm of winding resistance: the 20 kHz response is set by the
*   resistances and capacitances), cps = 1 pF (what a Faraday shield lets
*   through), cw = 50 pF. With the shield grounded,
*   half of cpsh per primary end (49 pF) is the common-mode load:
*   54 Mohm at 60 Hz, so 600 ohm of source imbalance still leaves
*   ~99 dB of CMRR at 60 Hz (Whitlock, "Balanced Lines in Audio Systems:
*   Fact, Fiction, and Transformers", JAES 43(6), 1995).
* ---------------------------------------------------------------------------
.subckt xfmr_line_in p1 p2 s1 s2 sh
+ params: lp=144 lleak=2m rp=1.45k rs=1.55k rcore=10meg cps=1p cpsh=98p
+ cssh=110p cw=50p
X1 p1 p2 s1 s2 sh xfmr_audio n=1 lp={lp} lleak={lleak} rp={rp} rs={rs}
+ rcore={rcore} cps={cps} cpsh={cpsh} cssh={cssh} cw={cw}
.ends xfmr_line_in

* ---------------------------------------------------------------------------
* xfmr_mic_in p1 p2 s1 s2 sh   (1:10 microphone input, Faraday shield)
*   params: lp=8 lleak=0.2m rp=20 rs=2k rcore=20k cps=0.5p cpsh=100p
*           cssh=200p cw=100p
*   A 1:10 step-up (n = 0.1; 150 ohm : 15 kohm) microphone-input
*   transformer of the Jensen JT-115K-E / Lundahl LL1538 class: low primary
*   resistance (tens of ohms) against a fine-wire secondary (kilohms), a few
*   henries of primary inductance (the rule of thumb: ~ impedance/100 H for
*   20 Hz), and a secondary self-capacitance that, reflected to the primary
*   (x100 = 10 nF), resonates with the leakage near 100 kHz: such parts are
*   used with a damping (Zobel) network on the secondary, not included here.
*   Data-sheet figures: only the class (turns ratio 1:10, 150 ohm :
*   15 kohm, Faraday shield) of the Jensen JT-115K-E and Lundahl LL1538;
*   the element values are typical of that class, not copied from either
*   data sheet (no web access to check their figures): check the data
*   sheet of the part you model and override the parameters.
* ---------------------------------------------------------------------------
.subckt xfmr_mic_in p1 p2 s1 s2 sh
+ params: lp=8 lleak=0.2m rp=20 rs=2k rcore=20k cps=0.5p cpsh=100p
+ cssh=200p cw=100p
X1 p1 p2 s1 s2 sh xfmr_audio n=0.1 lp={lp} lleak={lleak} rp={rp} rs={rs}
+ rcore={rcore} cps={cps} cpsh={cpsh} cssh={cssh} cw={cw}
.ends xfmr_mic_in

* ---------------------------------------------------------------------------
* xfmr_line_out p1 p2 s1 s2 sh   (1:1 line output, bifilar, no shield)
*   params: lp=5 lleak=20u rp=3 rs=3 rcore=20k cps=10n cpsh=100p
*           cssh=100p cw=100p
*   A 1:1 line-output transformer of the Jensen JT-123-FLPCH / JT-11-BMCF
*   class: bifilar-wound for very low leakage (tens of uH) and low winding
*   resistance (a few ohms) so it can drive cable capacitance; the price is
*   a large primary-to-secondary capacitance (nanofarads) and no Faraday
*   shield. Data-sheet figures: only the class (1:1, bifilar, no shield,
*   low DCR, meant to drive cable capacitance); the element values are
*   typical, not copied from the JT-123-FLPCH or JT-11-BMCF data sheets
*   (no web access to check their figures): override them as needed.
* ---------------------------------------------------------------------------
.subckt xfmr_line_out p1 p2 s1 s2 sh
+ params: lp=5 lleak=20u rp=3 rs=3 rcore=20k cps=10n cpsh=100p
+ cssh=100p cw=100p
X1 p1 p2 s1 s2 sh xfmr_audio n=1 lp={lp} lleak={lleak} rp={rp} rs={rs}
+ rcore={rcore} cps={cps} cpsh={cpsh} cssh={cssh} cw={cw}
.ends xfmr_line_out
"#;

/// The exact ideal transformer `xfmr_ideal` with turns ratio `n = Np/Ns`, built from Rust.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IdealTransformer {
    pub ratio: f64,
}

impl IdealTransformer {
    /// The instance card `name p1 p2 s1 s2 xfmr_ideal n=..` (needs `.lib balun transformers`).
    pub fn instance(&self, name: &str, nodes: [&str; 4]) -> String {
        crate::Instance::new(name, "xfmr_ideal", &nodes)
            .param("n", self.ratio)
            .to_string()
    }
}
