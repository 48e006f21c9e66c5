//! Switches: voltage-controlled `S n+ n- nc+ nc- model [on|off]` (ngspice's `sw`) and
//! current-controlled `W n+ n- vcontrol model [on|off]` (ngspice's `csw`).
//!
//! **Stamp.** A conductance `g` between `n+` and `n-`: `GON = 1/RON` when the switch is on,
//! `GOFF = 1/ROFF` when off (defaults RON = 1 ohm, ROFF = 1/GMIN). The control is read, never
//! loaded: `v(nc+) - v(nc-)` for S, the branch current of `vcontrol` for W.
//!
//! **State and hysteresis** (ngspice `swload.c`, `cswload.c`). The switch keeps one of four
//! states: 0 off, 1 on (control beyond the hysteresis band), 2 off and 3 on while the control
//! is inside the band `VT - |VH| .. VT + |VH|` (`IT`, `IH` for W). With `VH > 0`:
//! - the first iterations of an operating point (ngspice's `MODEINITJCT`, then `MODEINITFIX`)
//!   take the state from the instance flag: `on` gives 1 above `VT + VH`, else 3; otherwise
//!   (default `off`) 0 below `VT - VH`, else 2;
//! - afterwards (and at every transient iteration) the control above `VT + VH` gives 1,
//!   below `VT - VH` gives 0, and inside the band the state stays: S keeps the state of its
//!   previous iteration, W the state of the last accepted point (ngspice's `CKTstate1`;
//!   zero, i.e. off, during an operating point). A state change means "not converged", so
//!   Newton iterates once more with the new conductance;
//! - with `VH < 0` the band is `VT + VH .. VT - VH` and entering it from one side flips the
//!   state to the in-band state of the other side (ngspice's negative-hysteresis rule; at the
//!   first iteration of a new point and at the transient start an S switch flips to the
//!   definite state of the other side instead, as ngspice's `MODEINITPRED`/`MODEINITTRAN`);
//! - the transient starts from the operating point's state; a `.dc` sweep point starts from
//!   the previous point's.
//!
//! **AC and noise**: ngspice evaluates the switch there with the state of the last accepted
//! point (`CKTstate1`), and any nonzero state, even 2 ("off in the band"), as on; for an
//! `.ac` or `.noise` after an operating point that state is 0, so ngspice 39 shows every
//! switch off in `.ac` and `.noise`, whatever its operating point. balun does the same.
//! Noise: one thermal generator `4kT*g` (ngspice's `onoise_s1`, no suffix).
//!
//! **Time steps** (`swtrunc.c`): after an accepted point at which an S switch is off (state 0)
//! and its control rose by `dv > 0` over the last step `h` while still below `VT + VH`, the
//! next step is at most `h*((VT + VH - v)*0.75 + 0.05)/dv` (mirrored towards `VT - VH` for a
//! switch in any other state and a falling control), so the crossing is approached in steps.
//! ngspice's `csw` never records its control value, so W does not limit the step.
//!
//! **PSpice `VSWITCH` with `VON`/`VOFF`** ([`SmoothSwitch`]): ngspice 39's PSpice mode
//! (`set ngbehavior=ps`; `inpcom.c`) rewrites it as its XSPICE `pswitch` code model with
//! `log=TRUE` (`src/xspice/icm/xtradev/pswitch/cfunc.mod`). With `u = (v - VOFF)/(VON - VOFF)
//! minus 1/2` (`(VON - v)/(VON - VOFF)` minus 1/2 when `VON < VOFF`), `L = ln(RON/ROFF)` and
//! `d = 1` (`-1` when `VON < VOFF`), the resistance is `exp(ln(sqrt(RON*ROFF)) + 1.5*L/d*u -
//! 2*L/d^3*u^3)` inside the control range (not below RON), RON beyond VON and ROFF beyond
//! VOFF: smooth in `log R`, no hysteresis. RON is at least 1 mohm, ROFF at most 1e12 ohm;
//! VON and VOFF closer than 1e-12 V are moved 1 mV apart. The control port is a 1e12 ohm
//! resistor (`r_cntl_in`) at DC and in transients. As XSPICE's `MIFload` drives a code model:
//! its inputs are 0 at the first iteration from scratch, the last accepted point's at the
//! first iteration of a new point, and otherwise the solution's limited to a change of
//! `max(0.25*|last|, 0.1 V)` per iteration (a limited input means "not converged"; the model
//! registers no other convergence test); its Jacobian is by forward differences of 1 uV
//! (`cm_analog_auto_partial`). In `.ac` the code model's own gains are used: `1/R` across the
//! switch and, from the control, `v_out/R*(6L/d^3*u^2 - 1.5L/d)`, the derivative of `1/R`
//! with respect to `u`, not to the control voltage, both with the opposite sign (the code
//! model negates its AC gains but not its DC outputs, so ngspice 39 shows the switch as a
//! negative conductance in `.ac`); no control-port conductance. No noise (code models have
//! none). Known difference: in `.tran` ngspice takes smaller steps than balun around the
//! switch's transitions (XSPICE's transient machinery, not reproduced), so the waveforms
//! agree only to a few percent there.
//!
//! Source: ngspice 39, `src/spicelib/devices/sw/` and `csw/` (load, acload, noise, trunc).

use super::nonlinear::{voltage, Load, Mode, Nonlinear, State};
use super::{NoiseDensity, NoiseSource, BOLTZMANN};
use crate::mna::Stamper;
use circuit::{DeviceId, NodeId, SmoothSwitchModel, SwitchModel};

const REALLY_OFF: f64 = 0.0;
const REALLY_ON: f64 = 1.0;
const HYST_OFF: f64 = 2.0;
const HYST_ON: f64 = 3.0;

/// State layout: the switch state (0-3), the control value, the state of the last accepted
/// point seen by the last load (what `.ac` and `.noise` use), the voltage across the switch
/// at the last load and its conductance.
const STATE: usize = 0;
const CTRL: usize = 1;
const PREV: usize = 2;
const V: usize = 3;
const G: usize = 4;

/// What controls a switch.
#[derive(Debug, Clone, Copy)]
enum Control {
    /// `v(p) - v(n)` (S).
    Voltage(Option<usize>, Option<usize>),
    /// A branch current (W).
    Current(usize),
}

/// A switch placed in the matrix.
#[derive(Debug, Clone)]
pub struct SwitchInstance {
    pos: Option<usize>,
    neg: Option<usize>,
    control: Control,
    threshold: f64,
    hysteresis: f64,
    g_on: f64,
    g_off: f64,
    /// The instance's `on` flag.
    start_on: bool,
    /// Pattern handles, then slots: (p,p), (p,n), (n,p), (n,n).
    slots: [Option<usize>; 4],
}

impl SwitchInstance {
    fn is_current(&self) -> bool {
        matches!(self.control, Control::Current(_))
    }

    fn control_value(&self, x: &[f64]) -> f64 {
        match self.control {
            Control::Voltage(p, n) => voltage(x, p) - voltage(x, n),
            Control::Current(b) => x[b],
        }
    }

    fn conductance(&self, state: f64) -> f64 {
        if state == REALLY_ON || state == HYST_ON {
            self.g_on
        } else {
            self.g_off
        }
    }

    fn stamp_g(&self, values: &mut [f64], g: f64) {
        for (slot, sign) in self.slots.iter().zip([1.0, -1.0, -1.0, 1.0]) {
            if let Some(s) = slot {
                values[*s] += sign * g;
            }
        }
    }

    /// The state from the instance flag (ngspice's `MODEINITJCT`/`MODEINITFIX`).
    fn initial_state(&self, c: f64) -> f64 {
        let (vt, vh) = (self.threshold, self.hysteresis);
        if self.start_on {
            if (vh >= 0.0 && c > vt + vh) || (vh < 0.0 && c > vt - vh) {
                REALLY_ON
            } else {
                HYST_ON
            }
        } else if (vh >= 0.0 && c < vt - vh) || (vh < 0.0 && c < vt + vh) {
            REALLY_OFF
        } else {
            HYST_OFF
        }
    }

    /// The state at control value `c` given the state to keep inside the band (`keep`) and,
    /// for negative hysteresis, the previous accepted state and the rule for leaving a
    /// definite state (`flip`: ngspice's transient-start rule for S).
    fn next_state(&self, c: f64, keep: f64, previous: f64, flip: bool) -> f64 {
        let (vt, vh) = (self.threshold, self.hysteresis);
        if vh > 0.0 {
            if c > vt + vh {
                REALLY_ON
            } else if c < vt - vh {
                REALLY_OFF
            } else {
                keep
            }
        } else if c > vt - vh {
            REALLY_ON
        } else if c < vt + vh {
            REALLY_OFF
        } else if previous == HYST_OFF || previous == HYST_ON {
            previous
        } else if previous == REALLY_ON {
            if flip {
                REALLY_OFF
            } else {
                HYST_OFF
            }
        } else if flip {
            REALLY_ON
        } else {
            HYST_ON
        }
    }
}

impl Nonlinear for SwitchInstance {
    fn state_len(&self) -> usize {
        5
    }

    fn resolve(&mut self, slot: &dyn Fn(usize) -> usize) {
        for s in &mut self.slots {
            *s = s.map(slot);
        }
    }

    fn load(&self, x: &[f64], state: State, load: &mut Load) -> bool {
        let st = state.now;
        let c = self.control_value(x);
        let old = st[STATE];
        let previous = state.accepted[STATE];
        let mut converged = true;
        let new = if load.init_junctions || load.init_fix {
            self.initial_state(c)
        } else if load.mode == Mode::TranInit {
            // ngspice's MODEINITTRAN reads CKTstate1, which holds the operating point's
            // state there (ours: `now`, the operating point's last load).
            self.next_state(c, old, old, !self.is_current())
        } else if load.predict.is_some() {
            // MODEINITPRED, the first iteration at a new point: from the accepted state.
            self.next_state(c, previous, previous, !self.is_current())
        } else {
            let keep = if self.is_current() { previous } else { old };
            let s = self.next_state(c, keep, previous, false);
            if s != old {
                converged = false;
            }
            s
        };
        let g = self.conductance(new);
        st[STATE] = new;
        st[CTRL] = c;
        st[PREV] = previous;
        st[V] = voltage(x, self.pos) - voltage(x, self.neg);
        st[G] = g;
        self.stamp_g(load.values, g);
        converged
    }

    fn ac_load(&self, state: &[f64], g: &mut [f64], _c: &mut [f64]) {
        let gac = if state[PREV] != 0.0 {
            self.g_on
        } else {
            self.g_off
        };
        self.stamp_g(g, gac);
    }

    fn noise(&self, state: &[f64], temp_k: f64) -> Vec<NoiseSource> {
        let g = if state[PREV] != 0.0 {
            self.g_on
        } else {
            self.g_off
        };
        vec![NoiseSource {
            suffix: "",
            a: self.pos,
            b: self.neg,
            density: NoiseDensity::White(4.0 * BOLTZMANN * temp_k * g),
        }]
    }

    fn op_values(&self, state: &[f64]) -> Vec<(&'static str, f64)> {
        let i = state[G] * state[V];
        vec![("i", i), ("p", i * state[V])]
    }

    fn step_limit(&self, _x: &[f64], state: &[f64], accepted: &[f64], delta: f64) -> Option<f64> {
        if self.is_current() {
            return None;
        }
        let now = state[CTRL];
        let last_change = now - accepted[CTRL];
        let (vt, vh) = (self.threshold, self.hysteresis);
        if state[STATE] == REALLY_OFF {
            let reference = vt + vh;
            (now < reference && last_change > 0.0)
                .then(|| ((reference - now) * 0.75 + 0.05) / last_change * delta)
        } else {
            let reference = vt - vh;
            (now > reference && last_change < 0.0)
                .then(|| ((reference - now) * 0.75 - 0.05) / last_change * delta)
        }
    }
}

/// ngspice's `pswitch` code model's fixed control conductance (`r_cntl_in` = 1e12 ohm).
const PSWITCH_CONTROL_G: f64 = 1e-12;

/// A smooth (PSpice `VON`/`VOFF`) switch placed in the matrix; see the module docs.
#[derive(Debug, Clone)]
pub struct SmoothSwitch {
    pos: Option<usize>,
    neg: Option<usize>,
    cp: Option<usize>,
    cn: Option<usize>,
    von: f64,
    voff: f64,
    ron: f64,
    roff: f64,
    logmean: f64,
    c1: f64,
    c2: f64,
    c3: f64,
    /// Pattern handles, then slots: (p,p), (p,n), (n,p), (n,n), (p,cp), (p,cn), (n,cp),
    /// (n,cn), (cp,cp), (cp,cn), (cn,cp), (cn,cn).
    slots: [Option<usize>; 12],
}

/// State of a smooth switch: output voltage, control voltage, conductance, `dg/dv_control`,
/// current, and the AC control gain.
const S_VOUT: usize = 0;
const S_VC: usize = 1;
const S_G: usize = 2;
const S_I: usize = 3;
const S_GAC: usize = 4;

impl SmoothSwitch {
    fn new(model: &SmoothSwitchModel) -> Self {
        let ron = model.ron_ohm.max(1e-3);
        let roff = model.roff_ohm.min(1e12);
        let (mut von, mut voff) = (model.von_v, model.voff_v);
        if (von - voff).abs() < 1e-12 {
            von += 0.001;
            voff -= 0.001;
        }
        let diff: f64 = if von > voff { 1.0 } else { -1.0 };
        let logratio = (ron / roff).ln();
        let c3 = 2.0 * logratio / (diff * diff * diff);
        SmoothSwitch {
            pos: None,
            neg: None,
            cp: None,
            cn: None,
            von,
            voff,
            ron,
            roff,
            logmean: (ron * roff).sqrt().ln(),
            c1: 1.5 * logratio / diff,
            c2: 3.0 * c3,
            c3,
            slots: [None; 12],
        }
    }

    /// Resistance at control `vc`; its conductance's derivative with respect to `u` and `vc`
    /// (both 0 outside the control range).
    fn eval(&self, vc: f64) -> (f64, f64, f64) {
        let (on, off) = (self.von, self.voff);
        let (u, du_dvc, outside) = if on > off {
            let u = (vc - off) / (on - off) - 0.5;
            let r = if vc > on {
                Some(self.ron)
            } else if vc < off {
                Some(self.roff)
            } else {
                None
            };
            (u, 1.0 / (on - off), r)
        } else {
            let u = (on - vc) / (on - off) - 0.5;
            let r = if vc < on {
                Some(self.ron)
            } else if vc > off {
                Some(self.roff)
            } else {
                None
            };
            (u, -1.0 / (on - off), r)
        };
        if let Some(r) = outside {
            return (r, 0.0, 0.0);
        }
        let r = (self.logmean + self.c1 * u - self.c3 * u * u * u).exp();
        if r < self.ron {
            return (self.ron, 0.0, 0.0);
        }
        let dg_du = (self.c2 * u * u - self.c1) / r;
        (r, dg_du, dg_du * du_dvc)
    }

    fn add(&self, values: &mut [f64], k: usize, v: f64) {
        if let Some(s) = self.slots[k] {
            values[s] += v;
        }
    }

    fn stamp_matrix(&self, values: &mut [f64], g: f64, gm: f64, gc: f64) {
        for (k, v) in [g, -g, -g, g, gm, -gm, -gm, gm, gc, -gc, -gc, gc]
            .into_iter()
            .enumerate()
        {
            self.add(values, k, v);
        }
    }
}

impl Nonlinear for SmoothSwitch {
    fn state_len(&self) -> usize {
        5
    }

    fn resolve(&mut self, slot: &dyn Fn(usize) -> usize) {
        for s in &mut self.slots {
            *s = s.map(slot);
        }
    }

    fn load(&self, x: &[f64], state: State, load: &mut Load) -> bool {
        let st = state.now;
        // The code model's inputs, as XSPICE's MIFload sets them: 0 at the first iteration
        // from scratch, the last accepted point's at the start of a new point, else the
        // solution's, each limited to a change of max(25% of the last input, 0.1 V) per
        // iteration (XSPICE's default convergence limiting), which means "not converged".
        let mut limited = false;
        let (vout, vc) = if load.init_junctions {
            (0.0, 0.0)
        } else if load.predict.is_some() {
            (state.accepted[S_VOUT], state.accepted[S_VC])
        } else if load.mode == Mode::TranInit {
            // MODEINITTRAN reads CKTstate1, the operating point's inputs: the solution here.
            (
                voltage(x, self.pos) - voltage(x, self.neg),
                voltage(x, self.cp) - voltage(x, self.cn),
            )
        } else {
            let mut input = |new: f64, last: f64| {
                let (v, hit) = super::limit::code_model_input(new, last);
                limited |= hit;
                v
            };
            let vout = input(voltage(x, self.pos) - voltage(x, self.neg), st[S_VOUT]);
            let vc = input(voltage(x, self.cp) - voltage(x, self.cn), st[S_VC]);
            (vout, vc)
        };
        let (r, dg_du, _) = self.eval(vc);
        let g = 1.0 / r;
        let i = g * vout;
        // Partial derivatives by forward differences of 1 uV, as `cm_analog_auto_partial`.
        const EPS: f64 = 1e-6;
        let g_out = ((vout + EPS) / r - i) / EPS;
        let gm = (vout / self.eval(vc + EPS).0 - i) / EPS;
        let gc = ((vc + EPS) * PSWITCH_CONTROL_G - vc * PSWITCH_CONTROL_G) / EPS;
        (st[S_VOUT], st[S_VC], st[S_G], st[S_I]) = (vout, vc, g, i);
        st[S_GAC] = vout * dg_du;
        self.stamp_matrix(load.values, g_out, gm, gc);
        // Output currents `i` (switch) and `vc*G` (control port) linearised at the inputs.
        let ieq = i - g_out * vout - gm * vc;
        load.add_rhs(self.pos, -ieq);
        load.add_rhs(self.neg, ieq);
        let ic = vc * PSWITCH_CONTROL_G - gc * vc;
        load.add_rhs(self.cp, -ic);
        load.add_rhs(self.cn, ic);
        // No convergence items are registered by the code model (no cm_analog_converge).
        !load.init_junctions && !limited
    }

    fn ac_load(&self, state: &[f64], g: &mut [f64], _c: &mut [f64]) {
        // The code model's AC gains carry a minus sign (`ac_gain.real = -pi_pvout`, ...) that
        // its DC outputs do not: ngspice 39 loads the switch in `.ac` as a negative
        // conductance with a negated control gain. Reproduced as is.
        self.stamp_matrix(g, -state[S_G], -state[S_GAC], 0.0);
    }

    fn op_values(&self, state: &[f64]) -> Vec<(&'static str, f64)> {
        vec![("i", state[S_I]), ("r", 1.0 / state[S_G])]
    }
}

/// Registers a smooth (PSpice `VON`/`VOFF`) switch.
pub(super) fn stamp_smooth(
    pos: NodeId,
    neg: NodeId,
    ctrl_pos: NodeId,
    ctrl_neg: NodeId,
    model: &SmoothSwitchModel,
    st: &mut Stamper,
) {
    let mut s = SmoothSwitch::new(model);
    let (p, n, cp, cn) = (
        st.node(pos),
        st.node(neg),
        st.node(ctrl_pos),
        st.node(ctrl_neg),
    );
    (s.pos, s.neg, s.cp, s.cn) = (p, n, cp, cn);
    s.slots = [
        st.position(p, p),
        st.position(p, n),
        st.position(n, p),
        st.position(n, n),
        st.position(p, cp),
        st.position(p, cn),
        st.position(n, cp),
        st.position(n, cn),
        st.position(cp, cp),
        st.position(cp, cn),
        st.position(cn, cp),
        st.position(cn, cn),
    ];
    st.add_nonlinear(Box::new(s));
}

/// What a switch's control is, as the circuit gives it.
#[derive(Debug, Clone, Copy)]
pub enum SwitchControl {
    Voltage(NodeId, NodeId),
    /// The device (a voltage source or other branch) whose current controls the switch.
    Current(DeviceId),
}

/// Registers a switch between `pos` and `neg`.
pub(super) fn stamp(
    pos: NodeId,
    neg: NodeId,
    control: SwitchControl,
    start_on: bool,
    model: &SwitchModel,
    gmin: f64,
    st: &mut Stamper,
) {
    let p = st.node(pos);
    let n = st.node(neg);
    let control = match control {
        SwitchControl::Voltage(a, b) => Control::Voltage(st.node(a), st.node(b)),
        SwitchControl::Current(d) => Control::Current(st.branch(d)),
    };
    let slots = [
        st.position(p, p),
        st.position(p, n),
        st.position(n, p),
        st.position(n, n),
    ];
    st.add_nonlinear(Box::new(SwitchInstance {
        pos: p,
        neg: n,
        control,
        threshold: model.threshold,
        hysteresis: model.hysteresis,
        g_on: 1.0 / model.ron_ohm,
        g_off: model.roff_ohm.map_or(gmin, |r| 1.0 / r),
        start_on,
        slots,
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn switch(vh: f64, current: bool) -> SwitchInstance {
        SwitchInstance {
            pos: Some(0),
            neg: None,
            control: if current {
                Control::Current(1)
            } else {
                Control::Voltage(Some(1), None)
            },
            threshold: 1.0,
            hysteresis: vh,
            g_on: 1.0,
            g_off: 1e-6,
            start_on: false,
            slots: [None; 4],
        }
    }

    #[test]
    fn positive_hysteresis_keeps_state_inside_band() {
        let s = switch(0.2, false);
        assert_eq!(s.next_state(1.25, REALLY_OFF, REALLY_OFF, false), REALLY_ON);
        assert_eq!(s.next_state(0.75, REALLY_ON, REALLY_ON, false), REALLY_OFF);
        assert_eq!(s.next_state(1.1, REALLY_ON, REALLY_OFF, false), REALLY_ON);
        assert_eq!(s.next_state(0.9, REALLY_OFF, REALLY_ON, false), REALLY_OFF);
    }

    #[test]
    fn initial_state_from_flag() {
        let mut s = switch(0.2, false);
        assert_eq!(s.initial_state(0.5), REALLY_OFF);
        assert_eq!(s.initial_state(2.0), HYST_OFF);
        s.start_on = true;
        assert_eq!(s.initial_state(2.0), REALLY_ON);
        assert_eq!(s.initial_state(1.0), HYST_ON);
    }

    #[test]
    fn smooth_switch_ends_and_derivative() {
        let s = SmoothSwitch::new(&SmoothSwitchModel {
            von_v: 2.0,
            voff_v: 1.0,
            ron_ohm: 10.0,
            roff_ohm: 1e6,
        });
        assert_eq!(s.eval(2.5).0, 10.0);
        assert_eq!(s.eval(0.5).0, 1e6);
        // Continuous at both ends, geometric mean in the middle.
        assert!((s.eval(2.0 - 1e-12).0 - 10.0).abs() < 1e-6);
        assert!((s.eval(1.0 + 1e-12).0 - 1e6).abs() < 1e-3);
        assert!((s.eval(1.5).0 - (10.0f64 * 1e6).sqrt()).abs() < 1e-6);
        let (h, v) = (1e-7, 1.3);
        let fd = (1.0 / s.eval(v + h).0 - 1.0 / s.eval(v - h).0) / (2.0 * h);
        assert!((fd - s.eval(v).2).abs() < 1e-6 * fd.abs());
    }

    #[test]
    fn step_limit_towards_threshold() {
        // Off, control at 0.9 after rising by 0.1 in 1 us: the next step covers
        // ((1.2 - 0.9)*0.75 + 0.05)/0.1 of a microsecond.
        let s = switch(0.2, false);
        let now = [REALLY_OFF, 0.9, 0.0, 0.0, 0.0];
        let before = [REALLY_OFF, 0.8, 0.0, 0.0, 0.0];
        let h = s.step_limit(&[], &now, &before, 1e-6).unwrap();
        assert!((h - (0.3 * 0.75 + 0.05) / 0.1 * 1e-6).abs() < 1e-18);
        // Falling while off: no limit; W never limits.
        assert!(s.step_limit(&[], &before, &now, 1e-6).is_none());
        assert!(switch(0.2, true)
            .step_limit(&[], &now, &before, 1e-6)
            .is_none());
    }
}
