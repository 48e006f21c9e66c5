//! `.lib balun receivers`: balanced-line receivers, all with the ports `hot cold ref out`.
//!
//! `hot`/`cold` are the line inputs, `ref` is the receiver's local ground (the reference of its
//! input network; tie it to `0` unless you model a ground difference between devices) and `out`
//! is the single-ended output. (The port is `ref`, not `gnd`: `gnd` is the global ground in
//! SPICE, so a port of that name could never be connected elsewhere.) The section pulls in `opamps` and `transformers` itself.

/// The section text: [`TEXT`] followed by what [`crate::opamp_ds::receivers_text`] writes (built once).
pub fn text() -> &'static str {
    static FULL: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| format!("{TEXT}{}", crate::opamp_ds::receivers_text()));
    &FULL
}

/// The hand-written part of the section text. See the comment block of each subcircuit for
/// equations and sources.
pub const TEXT: &str = r#"* balun built-in library, section 'receivers'
* Ports of every receiver: hot cold ref out.
.lib balun opamps
.lib balun transformers
*
* ---------------------------------------------------------------------------
* rx_diffamp hot cold ref out
*   params: r=10k gain=1 d1=0 d2=0 d3=0 d4=0 a0=1e5 gbw=10meg
*   The 4-resistor op-amp difference amplifier:
*     R1 cold-inn = r(1+d1)    R2 inn-out = gain*r(1+d2)
*     R3 hot-inp  = r(1+d3)    R4 inp-ref = gain*r(1+d4)
*   With an ideal op-amp and ideal (zero-impedance) sources:
*     Vout = a*Vhot - b*Vcold,  a = R4/(R3+R4)*(1+R2/R1),  b = R2/R1
*     Adm = (a+b)/2,  Acm = a-b,  CMRR = |Adm/Acm| = (a+b)/(2|a-b|)
*   One resistor (R4) off by d, the rest exact:
*     CMRR = (1+gain)/d + (1+2*gain)/2        (~ (1+G)/d: 66.0 dB, G=1, d=0.1%)
*   Worst case with all four at tolerance t (d1=-t d2=+t d3=+t d4=-t or the
*   opposite signs): CMRR ~ (1+G)/(4t) (34 dB for 1%, G=1).
*   Common-mode input impedance: hot leg R3+R4 = r(1+G), cold leg
*   R1 + R2||(...) ~ r(1+G) too; a source imbalance dZ therefore limits
*   CMRR to ~ 20*log10(r(1+G)/dZ) (~30.5 dB for 600 ohm into 10k/10k).
*   r (ohm), gain (V/V), d1..d4 (relative error of each resistor, 1e-3 =
*   0.1% high); a0 (V/V), gbw (Hz): the op-amp (opamp_1p, NE5532-class
*   defaults). 10 kohm is the usual value in line receivers (e.g. the
*   THAT1240/INA134 family use 10k-25k internally; typical, not a copy).
* ---------------------------------------------------------------------------
.subckt rx_diffamp hot cold ref out
+ params: r=10k gain=1 d1=0 d2=0 d3=0 d4=0 a0=1e5 gbw=10meg
R1 cold inn {r*(1+d1)}
R2 inn out {gain*r*(1+d2)}
R3 hot inp {r*(1+d3)}
R4 inp ref {gain*r*(1+d4)}
X1 inp inn out opamp_1p a0={a0} gbw={gbw}
.ends rx_diffamp

* ---------------------------------------------------------------------------
* rx_inamp hot cold ref out
*   params: rin=1meg rf=10k rg=10k r=10k d4=0 a0=1e5 gbw=10meg
*   3-op-amp instrumentation amplifier: two non-inverting input stages
*   sharing rg, then a unity-gain difference stage.
*     stage 1: Vo1 - Vo2 = (1 + 2*rf/rg) * Vdm,  common mode passes at gain 1
*     stage 2: Vout = Vo1 - Vo2 (R4 = r(1+d4), the others r)
*     Adm = 1 + 2*rf/rg (3 with defaults), Acm = stage-2 Acm (d4/(2+d4))
*     so CMRR = (1+2rf/rg) * CMRR(stage 2): the input gain multiplies it.
*   Each input has a bias resistor rin to ref (the inputs of a real in-amp
*   need a DC return): Zcm per leg = rin, so a source imbalance dZ turns
*   Vcm into Vdm ~ Vcm*dZ/rin and limits CMRR to ~ 20*log10(rin/dZ)
*   (64 dB for 600 ohm), whatever the gain.
*   rin, rf, rg, r (ohm); d4 relative error of stage 2's R4; a0, gbw as
*   opamp_1p. Values typical of discrete line-input in-amps (typical).
* ---------------------------------------------------------------------------
.subckt rx_inamp hot cold ref out
+ params: rin=1meg rf=10k rg=10k r=10k d4=0 a0=1e5 gbw=10meg
Rin1 hot ref {rin}
Rin2 cold ref {rin}
X1 hot n1 o1 opamp_1p a0={a0} gbw={gbw}
Rf1 o1 n1 {rf}
Rg n1 n2 {rg}
Rf2 o2 n2 {rf}
X2 cold n2 o2 opamp_1p a0={a0} gbw={gbw}
R1 o2 inn {r}
R2 inn out {r}
R3 o1 inp {r}
R4 inp ref {r*(1+d4)}
X3 inp inn out opamp_1p a0={a0} gbw={gbw}
.ends rx_inamp

* ---------------------------------------------------------------------------
* rx_bootstrap hot cold ref out
*   params: rb=10k ab=0.999 rs=10k r=10k a0=1e5 gbw=10meg
*   Bootstrapped high common-mode-impedance receiver, after Whitlock's
*   InGenius circuit (B. Whitlock, "A New Balanced Input Circuit for Maximum
*   Common-Mode Rejection in Real-World Environments", AES 101st Convention,
*   1996; US patent 5,568,561; THAT Corp. 1200-series receivers):
*   - hot and cold are buffered (followers X1, X2: no signal current);
*   - the DC bias resistors rb from each input go not to ground but to a
*     node driven at ab * vcm, vcm sensed by rs/rs from the buffered inputs:
*       i(leg) = (v(leg) - ab*vcm)/rb
*       Zcm per leg = rb/(1-ab)   (10 Mohm with defaults)
*       Zdm per leg = rb          (10 kohm: DM current does not change vcm)
*   - a unity-gain 4-resistor difference stage (r) after the buffers.
*   So a source imbalance dZ limits CMRR to ~ 20*log10(rb/((1-ab)*dZ)),
*   ~84 dB for 600 ohm, against ~30 dB for rx_diffamp.
*   rb, rs, r (ohm); ab (V/V) bootstrap gain (< 1; the real circuit's
*   bootstrap is AC-coupled and its gain is set by resistor ratios and the
*   op-amps' loop gain). Whitlock reports common-mode input impedances of
*   megohms at 60 Hz; ab = 0.999 reproduces that order (typical, not a
*   data-sheet figure).
* ---------------------------------------------------------------------------
.subckt rx_bootstrap hot cold ref out
+ params: rb=10k ab=0.999 rs=10k r=10k a0=1e5 gbw=10meg
X1 hot bh bh opamp_1p a0={a0} gbw={gbw}
X2 cold bc bc opamp_1p a0={a0} gbw={gbw}
Rb1 hot bs {rb}
Rb2 cold bs {rb}
Rs1 bh cm {rs}
Rs2 bc cm {rs}
Ebs bs ref cm ref {ab}
R1 bc inn {r}
R2 inn out {r}
R3 bh inp {r}
R4 inp ref {r}
X3 inp inn out opamp_1p a0={a0} gbw={gbw}
.ends rx_bootstrap

* ---------------------------------------------------------------------------
* rx_xfmr hot cold ref out   params: rload=10k
*   Transformer-coupled input: xfmr_line_in (1:1, Faraday shield to ref),
*   secondary low end and shield on ref, loaded by rload (the following
*   stage). Adm ~ rload/(rload + rp + rs) mid-band; the common mode reaches
*   the secondary only through the winding capacitances, so with a source
*   imbalance dZ: CMRR ~ 20*log10(1/(2*pi*f*(cpsh/2)*dZ)) (~99 dB at 60 Hz
*   for 600 ohm), falling 20 dB/decade with frequency.
*   rload (ohm). The data sheet's recommended secondary damping network is
*   not included (it matters above ~20 kHz).
* ---------------------------------------------------------------------------
.subckt rx_xfmr hot cold ref out params: rload=10k
X1 hot cold out ref ref xfmr_line_in
Rload out ref {rload}
.ends rx_xfmr

* ---------------------------------------------------------------------------
* rx_unbal hot cold ref out   params: rin=10k rc=1m
*   Plain unbalanced (single-ended) input, as when a balanced line meets an
*   RCA/TS input: hot loads rin to ref, cold is tied to ref through the
*   contact resistance rc, out = v(hot) - v(ref) (ideal buffer).
*   The common mode is the signal: with DM drive (+-1/2) Adm = 1/2, with
*   CM drive Acm = 1, so CMRR = -6 dB.
*   rin, rc (ohm); 10 kohm is a typical consumer line input.
* ---------------------------------------------------------------------------
.subckt rx_unbal hot cold ref out params: rin=10k rc=1m
Rin hot ref {rin}
Rc cold ref {rc}
Eo out ref hot ref 1
.ends rx_unbal
"#;

/// The 4-resistor difference amplifier `rx_diffamp`, built from Rust.
///
/// `mismatch[i]` is the relative error of resistor `R(i+1)` (see the section text for the
/// numbering and the CMRR formulas). `a0`/`gbw_hz` configure the op-amp (`opamp_1p`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DiffAmp {
    pub r_ohm: f64,
    pub gain: f64,
    pub mismatch: [f64; 4],
    pub a0: f64,
    pub gbw_hz: f64,
}

impl Default for DiffAmp {
    /// `r = 10 kohm`, gain 1, exact resistors, NE5532-class op-amp (as the section's defaults).
    fn default() -> Self {
        DiffAmp {
            r_ohm: 10e3,
            gain: 1.0,
            mismatch: [0.0; 4],
            a0: 1e5,
            gbw_hz: 10e6,
        }
    }
}

impl DiffAmp {
    /// The instance card `name hot cold ref out rx_diffamp r=.. gain=.. d1=.. ..` (the netlist
    /// also needs `.lib balun receivers`).
    pub fn instance(&self, name: &str, nodes: [&str; 4]) -> String {
        let [d1, d2, d3, d4] = self.mismatch;
        crate::Instance::new(name, "rx_diffamp", &nodes)
            .param("r", self.r_ohm)
            .param("gain", self.gain)
            .param("d1", d1)
            .param("d2", d2)
            .param("d3", d3)
            .param("d4", d4)
            .param("a0", self.a0)
            .param("gbw", self.gbw_hz)
            .to_string()
    }

    /// CMRR (as a ratio) of this amplifier with an ideal op-amp and ideal sources:
    /// `(a+b)/(2|a-b|)` with `a = R4/(R3+R4)*(1+R2/R1)`, `b = R2/R1`.
    pub fn ideal_cmrr(&self) -> f64 {
        let [d1, d2, d3, d4] = self.mismatch;
        let (r1, r2) = (self.r_ohm * (1.0 + d1), self.gain * self.r_ohm * (1.0 + d2));
        let (r3, r4) = (self.r_ohm * (1.0 + d3), self.gain * self.r_ohm * (1.0 + d4));
        let a = r4 / (r3 + r4) * (1.0 + r2 / r1);
        let b = r2 / r1;
        (a + b) / (2.0 * (a - b).abs())
    }
}
