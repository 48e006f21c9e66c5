//! `.lib balun headphones`: headphone drivers (loads) and the two ways of wiring a stereo pair:
//! a 3-conductor TRS plug with a shared return, and 4-conductor balanced drive.

/// The section text: [`TEXT`] followed by what [`crate::opamp_ds::headphones_text`] writes
/// (built once).
pub fn text() -> &'static str {
    static FULL: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| format!("{TEXT}{}", crate::opamp_ds::headphones_text()));
    &FULL
}

/// The hand-written part of the section text. See the comment block of each subcircuit for
/// equations and sources.
pub const TEXT: &str = r#"* balun built-in library, section 'headphones'
.lib balun opamps
*
* ---------------------------------------------------------------------------
* hp_driver p n   params: re=32 le=20u
*   Headphone driver as its voice coil: Z = re + s*le.
*   re (ohm) 16..600 (32 ohm and 300 ohm are the common ratings);
*   le (H) voice-coil inductance, tens of uH (typical).
* ---------------------------------------------------------------------------
.subckt hp_driver p n params: re=32 le=20u
Re p c {re}
Le c n {le}
.ends hp_driver

* ---------------------------------------------------------------------------
* hp_dynamic p n   params: re=32 le=20u rm=16 fs=100 qm=2
*   Dynamic driver with its mechanical resonance, as the classic
*   electrical analogue (Thiele/Small): voice coil re + s*le in series with
*   the motional impedance, a parallel rm || lm || cm tuned to fs:
*     lm = rm/(2*pi*fs*qm),  cm = qm/(2*pi*fs*rm)
*   |Z| peaks at re + rm at fs; far from fs it is re + s*le.
*   re, rm (ohm), le (H), fs (Hz), qm (-). Typical values for a closed
*   32 ohm headphone (impedance peak ~48 ohm near 100 Hz), not one model.
* ---------------------------------------------------------------------------
.subckt hp_dynamic p n params: re=32 le=20u rm=16 fs=100 qm=2
Re p c {re}
Le c m {le}
Rm m n {rm}
Lm m n {rm/(6.283185307179586*fs*qm)}
Cm m n {qm/(6.283185307179586*fs*rm)}
.ends hp_dynamic

* ---------------------------------------------------------------------------
* hp_trs3 inl inr ref lt rt sl   params: rout=0.5 rw=0.05 rg=0.1 re=32 le=20u
*   Stereo amplifier into a 3-conductor TRS plug: each channel is an ideal
*   source v(inl), v(inr) (against ref) with output resistance rout; tip
*   and ring conductors rw each; the sleeve (shared return: cable plus plug
*   and jack contacts) rg from sl to ref. Drivers hp_driver(re, le) from
*   lt to sl and from rt to sl. Driver voltages: v(lt,sl), v(rt,sl).
*   Crosstalk with the left channel driven (right source at 0):
*     v(rt,sl)/v(lt,sl) = -rg/(ro + ZL + rg),  ro = rout + rw, ZL = re + s*le
*   ~ rg/re: 0.1 ohm into 32 ohm is about -50 dB, at every frequency
*   (the primer's 20*log10(Rg/RL)).
*   Left driver voltage: v = V*ZL*(ro+ZL+rg)/((ro+ZL)*(ro+ZL+2*rg)).
*   rout, rw, rg, re (ohm), le (H). rg = 0.1 ohm is typical of a thin
*   headphone cable plus plug contacts (typical).
* ---------------------------------------------------------------------------
.subckt hp_trs3 inl inr ref lt rt sl
+ params: rout=0.5 rw=0.05 rg=0.1 re=32 le=20u
El al ref inl ref 1
Rol al lj {rout}
Rwl lj lt {rw}
Er ar ref inr ref 1
Ror ar rj {rout}
Rwr rj rt {rw}
Rg sl ref {rg}
Xl lt sl hp_driver re={re} le={le}
Xr rt sl hp_driver re={re} le={le}
.ends hp_trs3

* ---------------------------------------------------------------------------
* hp_bal4 inl inr ref lp ln rp rn   params: rout=0.5 rw=0.05 re=32 le=20u
*   "Balanced" (4-conductor: 2.5 mm, 4.4 mm, 4-pin XLR) drive: each driver
*   between its own pair, driven by +v(in) and -v(in) (two amplifier
*   halves, each rout, each conductor rw). No shared conductor: zero
*   crosstalk in this model, and twice the voltage swing from the same
*   rails:
*     v(lp,ln) = 2*V*ZL/(ZL + 2*ro),  ro = rout + rw
*   i.e. +6.02 dB (four times the power) over single-ended drive when the
*   series resistances are small against ZL.
*   rout, rw, re (ohm), le (H).
* ---------------------------------------------------------------------------
.subckt hp_bal4 inl inr ref lp ln rp rn
+ params: rout=0.5 rw=0.05 re=32 le=20u
Elp alp ref inl ref 1
Eln aln ref inl ref -1
Rolp alp lpj {rout}
Rwlp lpj lp {rw}
Roln aln lnj {rout}
Rwln lnj ln {rw}
Erp arp ref inr ref 1
Ern arn ref inr ref -1
Rorp arp rpj {rout}
Rwrp rpj rp {rw}
Rorn arn rnj {rout}
Rwrn rnj rn {rw}
Xl lp ln hp_driver re={re} le={le}
Xr rp rn hp_driver re={re} le={le}
.ends hp_bal4
"#;
