//! `.lib balun opamps`: op-amp models, from an ideal VCVS to a macromodel that clips and slews.
//!
//! All share the pin order `inp inn out` (non-inverting input, inverting input, output);
//! the macromodel adds the supply rails `vp vn`. Outputs are referenced to the global ground `0`
//! (the output stage is an `E` source), as in most SPICE macromodels: inside a feedback loop the
//! output is set by the loop, not by that reference.

/// The section text: [`TEXT`] followed by what [`crate::opamp_ds::opamps_text`] writes (built once).
pub fn text() -> &'static str {
    static FULL: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| format!("{TEXT}{}", crate::opamp_ds::opamps_text()));
    &FULL
}

/// The hand-written part of the section text. See the comment block of each subcircuit for
/// equations and sources.
pub const TEXT: &str = r#"* balun built-in library, section 'opamps'
*
* ---------------------------------------------------------------------------
* opamp_ideal inp inn out   params: a0=1e6
*   Vout = a0 * (v(inp) - v(inn)), zero output impedance, infinite input
*   impedance, no bandwidth limit. With feedback of noise gain Gn the
*   closed-loop error is ~ Gn/a0 (1 ppm at Gn = 1 with the default).
*   a0 (V/V): open-loop gain; raise it (1e9 .. 1e12) to approach a nullor.
* ---------------------------------------------------------------------------
.subckt opamp_ideal inp inn out params: a0=1e6
E1 out 0 inp inn {a0}
.ends opamp_ideal

* ---------------------------------------------------------------------------
* opamp_1p inp inn out   params: a0=1e5 gbw=10meg rout=50
*   Single-pole (dominant-pole) op-amp:
*     A(s) = a0 / (1 + s/wp),  wp = 2*pi*gbw/a0,  |A(j*2*pi*gbw)| ~ 1
*   built as a transconductance gm = 1 mS into Rp || Cp, an ideal unity
*   buffer and a series output resistance:
*     Rp = a0/gm,  Cp = gm/(2*pi*gbw),  Zout(open loop) = rout
*   a0 (V/V) open-loop DC gain, gbw (Hz) gain-bandwidth product,
*   rout (ohm) open-loop output resistance (must be > 0).
*   Defaults: typical of an NE5532-class bipolar audio op-amp (TI NE5532
*   data sheet, typical values: large-signal voltage gain 100 V/mV,
*   unity-gain bandwidth 10 MHz); rout = 50 ohm is a typical open-loop
*   figure for such output stages, not a data-sheet value.
*   (ngspice has no 'pi' in expressions: 2*pi is written out.)
* ---------------------------------------------------------------------------
.subckt opamp_1p inp inn out params: a0=1e5 gbw=10meg rout=50
G1 0 int inp inn 1m
Rp int 0 {a0/1m}
Cp int 0 {1m/(6.283185307179586*gbw)}
Eb ob 0 int 0 1
Ro ob out {rout}
.ends opamp_1p

* ---------------------------------------------------------------------------
* opamp_1p_noise inp inn out
*   params: a0=1e5 gbw=10meg rout=50 en=5n in=0.7p fce=47 fci=420
*   opamp_1p with input noise for .noise: a voltage-noise source in series
*   with the non-inverting input and a current-noise source at each input
*   (the two uncorrelated), of power densities
*     en(f)^2 = en^2 * (1 + fce/f)   (V^2/Hz)
*     in(f)^2 = in^2 * (1 + fci/f)   (A^2/Hz, at each input)
*   en (V/sqrt(Hz)) and in (A/sqrt(Hz)) are the white levels, fce and fci
*   (Hz) the 1/f corners (where the 1/f part equals the white part).
*   Built from noisy ngspice primitives only, so ngspice computes the same
*   noise: each generator is a resistor R and a diode across a 0 V sense
*   source; both are shorted by it, so their noise currents flow through it:
*     i^2 = 4kT/R + KF/f      (the diode sits at 0 V: Id = 0, so no shot
*                              noise, and AF = 0 makes its flicker KF/f)
*   With T0 = 300.15 K (27 C):
*     en: R = 4 k T0 / (en/1k)^2, KF = (en/1k)^2 * fce, and an H of 1 kohm
*         turns the sense current into the series voltage;
*     in: R = 4 k T0 / in^2, KF = in^2 * fci, and an F of gain 1 injects
*         the sense current into the input.
*   The white parts are thermal, so they scale as T/T0 at another .temp.
*   Rp and Ro are noisy=0 so that en and in are the model's only noise.
*   Defaults: NE5532-class typical values (TI NE5532 data sheet: 5 nV/rtHz
*   and 0.7 pA/rtHz at 1 kHz; 8 nV/rtHz and 2.7 pA/rtHz at 30 Hz, which
*   give the corners fce = 30*((8/5)^2 - 1) = 47 Hz and
*   fci = 30*((2.7/0.7)^2 - 1) = 420 Hz); a0, gbw, rout as opamp_1p.
* ---------------------------------------------------------------------------
.subckt opamp_1p_noise inp inn out
+ params: a0=1e5 gbw=10meg rout=50 en=5n in=0.7p fce=47 fci=420
.model dflick_e d kf={1e-6*en*en*fce} af=0
.model dflick_i d kf={in*in*fci} af=0
* en: v(ni) - v(inp) = 1k * i(Ve)
Ve se 0 0
Re se 0 {4*1.38064852e-23*300.15/(1e-6*en*en)}
De se 0 dflick_e
He ni inp Ve 1k
* in at each input
Vip sip 0 0
Rip sip 0 {4*1.38064852e-23*300.15/(in*in)}
Dip sip 0 dflick_i
Fip inp 0 Vip 1
Vin sin 0 0
Rin sin 0 {4*1.38064852e-23*300.15/(in*in)}
Din sin 0 dflick_i
Fin inn 0 Vin 1
* the single-pole amplifier of opamp_1p, on the noisy input ni
G1 0 int ni inn 1m
Rp int 0 {a0/1m} noisy=0
Cp int 0 {1m/(6.283185307179586*gbw)}
Eb ob 0 int 0 1
Ro ob out {rout} noisy=0
.ends opamp_1p_noise

* ---------------------------------------------------------------------------
* opamp_macro inp inn out vp vn
*   params: a0=1e5 gbw=10meg rout=50 cmrr_db=100 cin=3p sr=9meg vdrop=2
*   The single-pole model plus the imperfections a balanced receiver meets:
*   - finite CMRR: the gain stage sees vd + vcm/cmrr, where
*       vd = v(inp) - v(inn), vcm = (v(inp) + v(inn))/2,
*       cmrr = 10^(cmrr_db/20)  (so Acm(op-amp) = a0/cmrr);
*   - input capacitance cin from each input to ground (common-mode);
*   - slew limit: stage 1 is x = ks*(vd + vcm/cmrr) (Norton form, 1 kohm),
*     clamped to about +-10 V by two diodes; stage 2 is a transconductance
*     gm/ks into Rp || Cp, so its current is limited to gm*10/ks and
*       SR = 2*pi*gbw*10/ks   =>   ks = 2*pi*gbw*10/sr
*     (small-signal behaviour is unchanged: A(s) = a0/(1 + s/wp) as above);
*     the clamp knee is a diode's, so the slew limit is within a few %;
*   - output clipping: the integrator node is clamped by diodes to
*     v(vp) - vdrop and v(vn) + vdrop (each clamp source includes the
*     ~0.6 V diode drop at the clamp current, <= 0.15 mA with defaults);
*     the output then follows through the unity buffer and rout.
*   The rails only set the clipping levels; supply current is not modelled
*   (the output current comes from the buffer, referenced to ground).
*   a0 (V/V), gbw (Hz), rout (ohm): as opamp_1p; cmrr_db (dB);
*   cin (F) per input; sr (V/s) slew rate; vdrop (V) output headroom.
*   Defaults: NE5532-class typical values (TI NE5532 data sheet: CMRR
*   100 dB typ, slew rate 9 V/us typ, output swing about +-13 V on +-15 V
*   rails into 600 ohm, i.e. ~2 V headroom). cin = 3 pF is a typical
*   figure for a bipolar input stage, not a data-sheet value.
*   Works in .op/.dc/.ac (linearised: clamps are off, reverse-biased) and
*   .tran (clipping and slewing).
* ---------------------------------------------------------------------------
.subckt opamp_macro inp inn out vp vn
+ params: a0=1e5 gbw=10meg rout=50 cmrr_db=100 cin=3p sr=9meg vdrop=2
.param ks={10*6.283185307179586*gbw/sr}
.param cmrr={pow(10, cmrr_db/20)}
.model dclamp d (is=1e-14 n=1)
Cinp inp 0 {cin}
Cinn inn 0 {cin}
* stage 1: x = ks*(vd + vcm/cmrr), clamped at about +-10 V
Rx x 0 1k
Gd 0 x inp inn {ks/1k}
Gcp 0 x inp 0 {ks/(2k*cmrr)}
Gcn 0 x inn 0 {ks/(2k*cmrr)}
Dx1 x xp dclamp
Vx1 xp 0 9.3
Dx2 xn x dclamp
Vx2 0 xn 9.3
* stage 2: dominant pole, A(s) = a0/(1 + s/wp)
G2 0 int x 0 {1m/ks}
Rp int 0 {a0/1m}
Cp int 0 {1m/(6.283185307179586*gbw)}
* output clamps at the rails
Dp int cp dclamp
Vcp vp cp {vdrop+0.6}
Dn cn int dclamp
Vcn cn vn {vdrop+0.6}
* output stage
Eb ob 0 int 0 1
Ro ob out {rout}
.ends opamp_macro
"#;
