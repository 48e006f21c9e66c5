//! `.lib balun opamps`: op-amp models, from an ideal VCVS to a macromodel that clips and slews.
//!
//! All three share the pin order `inp inn out` (non-inverting input, inverting input, output);
//! the macromodel adds the supply rails `vp vn`. Outputs are referenced to the global ground `0`
//! (the output stage is an `E` source), as in most SPICE macromodels: inside a feedback loop the
//! output is set by the loop, not by that reference.

/// The section text. See the comment block of each subcircuit for equations and sources.
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
