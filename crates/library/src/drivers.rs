//! `.lib balun drivers`: line outputs, all with the ports `in hot cold ref`.
//!
//! `in` is the signal to send (a voltage against ground), `hot`/`cold` the line, `ref` the
//! driver's ground. Each output's impedances to `ref` from hot and from cold are what decide the
//! line's balance (see the primer: balance is about equal impedances, not equal signals).

/// The section text: [`TEXT`] followed by what [`crate::opamp_ds::drivers_text`] writes (built once).
pub fn text() -> &'static str {
    static FULL: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| format!("{TEXT}{}", crate::opamp_ds::drivers_text()));
    &FULL
}

/// The hand-written part of the section text. See the comment block of each subcircuit for
/// equations and sources.
pub const TEXT: &str = r#"* balun built-in library, section 'drivers'
* Ports of every driver: in hot cold ref.
.lib balun opamps
.lib balun transformers
*
* ---------------------------------------------------------------------------
* drv_se in hot cold ref   params: rout=100
*   Single-ended output: hot = v(in) through rout, cold tied to ref (0 V
*   source). Zhot = rout, Zcold = 0: the most unbalanced source.
*   rout (ohm): build-out resistor, 100 ohm typical.
* ---------------------------------------------------------------------------
.subckt drv_se in hot cold ref params: rout=100
E1 o ref in ref 1
Ro o hot {rout}
Vcold cold ref 0
.ends drv_se

* ---------------------------------------------------------------------------
* drv_impbal in hot cold ref   params: rout=100
*   Impedance-balanced output: the signal drives hot through rout; cold
*   carries no signal but goes to ref through an equal rout, so
*   Zhot = Zcold = rout and a receiver's CMRR is not degraded
*   (Whitlock, "Balanced Lines in Audio Systems", JAES 1995). Vdm = v(in).
* ---------------------------------------------------------------------------
.subckt drv_impbal in hot cold ref params: rout=100
E1 o ref in ref 1
Ro o hot {rout}
Rc cold ref {rout}
.ends drv_impbal

* ---------------------------------------------------------------------------
* drv_active in hot cold ref   params: rout=50 r=10k a0=1e5 gbw=10meg
*   Active differential output: op-amp follower for hot, unity inverting
*   stage (r, r) for cold, each through rout:
*     v(hot) = +v(in), v(cold) = -v(in) (open circuit): Vdm = 2*v(in)
*   (+6 dB over drv_se/drv_impbal from the same rails).
*   rout, r (ohm); a0, gbw: opamp_1p (NE5532-class defaults).
* ---------------------------------------------------------------------------
.subckt drv_active in hot cold ref params: rout=50 r=10k a0=1e5 gbw=10meg
X1 in oh oh opamp_1p a0={a0} gbw={gbw}
Rh oh hot {rout}
Ri in ninv {r}
Rf ninv oc {r}
X2 ref ninv oc opamp_1p a0={a0} gbw={gbw}
Rc oc cold {rout}
.ends drv_active

* ---------------------------------------------------------------------------
* drv_xfmr in hot cold ref   params: rout=50 riso=100meg
*   Transformer-coupled output: a buffer (ideal, through rout) drives the
*   primary of xfmr_line_out (low end and shield on ref); the secondary is
*   the floating line, hot = s1, cold = s2. riso from each of hot and cold
*   to ref stands for the insulation resistance and keeps the floating
*   secondary's DC level defined. Vdm ~ v(in) mid-band.
*   rout, riso (ohm).
* ---------------------------------------------------------------------------
.subckt drv_xfmr in hot cold ref params: rout=50 riso=100meg
E1 o ref in ref 1
Ro o p1 {rout}
X1 p1 ref hot cold ref xfmr_line_out
Riso1 hot ref {riso}
Riso2 cold ref {riso}
.ends drv_xfmr
"#;
