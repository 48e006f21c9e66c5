//! SPICE's Newton step limiters (ngspice 39's `devsup.c`), shared by the junction and field-effect
//! devices: `pnjlim` keeps a pn junction's `exp(v/Vt)` from overflowing between iterations,
//! `fetlim` limits a FET's gate voltage around its threshold, `limvds` its drain-source voltage;
//! `code_model_input` is XSPICE's limit on a code model's input (`conv_limit`).

/// ngspice 39's junction limiter (`DEVpnjlim`); returns the voltage and whether it limited.
pub fn pnjlim(vnew: f64, vold: f64, vt: f64, vcrit: f64) -> (f64, bool) {
    if vnew > vcrit && (vnew - vold).abs() > vt + vt {
        let v = if vold > 0.0 {
            let arg = (vnew - vold) / vt;
            if arg > 0.0 {
                vold + vt * (2.0 + (arg - 2.0).ln())
            } else {
                vold - vt * (2.0 + (2.0 - arg).ln())
            }
        } else {
            vt * (vnew / vt).ln()
        };
        (v, true)
    } else if vnew < 0.0 {
        let arg = if vold > 0.0 {
            -vold - 1.0
        } else {
            2.0 * vold - 1.0
        };
        if vnew < arg {
            (arg, true)
        } else {
            (vnew, false)
        }
    } else {
        (vnew, false)
    }
}

/// SPICE's FET gate-voltage limiter (`DEVfetlim`) around threshold `vto`.
pub fn fetlim(vnew: f64, vold: f64, vto: f64) -> f64 {
    let vtsthi = (2.0 * (vold - vto)).abs() + 2.0;
    let vtstlo = (vold - vto).abs() + 1.0;
    let vtox = vto + 3.5;
    let delv = vnew - vold;
    if vold >= vto {
        if vold >= vtox {
            if delv <= 0.0 {
                if vnew >= vtox {
                    if -delv > vtstlo {
                        return vold - vtstlo;
                    }
                    vnew
                } else {
                    vnew.max(vto + 2.0)
                }
            } else if delv >= vtsthi {
                vold + vtsthi
            } else {
                vnew
            }
        } else if delv <= 0.0 {
            vnew.max(vto - 0.5)
        } else {
            vnew.min(vto + 4.0)
        }
    } else if delv <= 0.0 {
        if -delv > vtsthi {
            vold - vtsthi
        } else {
            vnew
        }
    } else {
        let vtemp = vto + 0.5;
        if vnew <= vtemp {
            if delv > vtstlo {
                vold + vtstlo
            } else {
                vnew
            }
        } else {
            vtemp
        }
    }
}

/// ngspice's `DEVlimvds`: limits the per-iteration change of the drain-source voltage.
pub fn limvds(vnew: f64, vold: f64) -> f64 {
    if vold >= 3.5 {
        if vnew > vold {
            vnew.min(3.0 * vold + 2.0)
        } else if vnew < 3.5 {
            vnew.max(2.0)
        } else {
            vnew
        }
    } else if vnew > vold {
        vnew.min(4.0)
    } else {
        vnew.max(-0.5)
    }
}

/// XSPICE's default `conv_limit.step`: a code model's input may change by this fraction of
/// its previous value per iteration ...
const CONV_STEP: f64 = 0.25;
/// ... or by XSPICE's default `conv_limit.abs_step`, whichever is larger.
const CONV_ABS_STEP: f64 = 0.1;

/// XSPICE's limit on a code model's input (`MIFload`'s `conv_limit`, on by default): the new
/// value moved at most `max(0.25 |last|, 0.1)` from the last iteration's; returns the value and
/// whether it limited (a limited input means "not converged").
pub fn code_model_input(new: f64, last: f64) -> (f64, bool) {
    let step = (last.abs() * CONV_STEP).max(CONV_ABS_STEP);
    if (new - last).abs() > step {
        (last + step.copysign(new - last), true)
    } else {
        (new, false)
    }
}
