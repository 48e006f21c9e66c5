//! Transient source waveforms: value at a time, and the breakpoints (corners) the time step
//! must land on. Semantics and defaults follow ngspice 39 (`vsrcload.c`, `vsrcacct.c`):
//!
//! - `PULSE(V1 V2 TD TR TF PW PER)`: TR, TF default to TSTEP; PW, PER to TSTOP. Before TD: V1;
//!   then, within each period, a linear rise over TR, V2 for PW, a linear fall over TF, then V1.
//! - `SIN(VO VA FREQ TD THETA PHASE)`: FREQ defaults to 1/TSTOP. Before TD:
//!   `VO + VA*sin(PHASE)`; after: `VO + VA*exp(-THETA*(t-TD))*sin(2*pi*FREQ*(t-TD) + PHASE)`.
//! - `EXP(V1 V2 TD1 TAU1 TD2 TAU2)`: TD1 = 0 and TAU1 default to TSTEP, TD2 to TD1 + TSTEP, TAU2
//!   to TSTEP. `V1` before TD1, then `V1 + (V2-V1)(1-exp(-(t-TD1)/TAU1))`, plus
//!   `(V1-V2)(1-exp(-(t-TD2)/TAU2))` after TD2.
//! - `PWL(t1 v1 t2 v2 ...) [r=R] [td=TD]`: linear interpolation in `t - TD`, the first value
//!   before t1, the last after the last point; with `r=R` the section from R to the last point
//!   repeats.

use circuit::Waveform;
use std::f64::consts::PI;

/// The analysis's TSTEP and TSTOP, which fill in omitted waveform fields.
#[derive(Debug, Clone, Copy)]
pub struct Defaults {
    pub tstep: f64,
    pub tstop: f64,
}

fn or(v: Option<f64>, d: f64) -> f64 {
    match v {
        Some(x) if x != 0.0 => x,
        _ => d,
    }
}

/// Value of waveform `w` at time `t`.
pub fn value_at(w: &Waveform, t: f64, d: Defaults) -> f64 {
    match *w {
        Waveform::Pulse {
            v1,
            v2,
            delay_s,
            rise_s,
            fall_s,
            width_s,
            period_s,
        } => {
            let (tr, tf) = (or(rise_s, d.tstep), or(fall_s, d.tstep));
            let (pw, per) = (or(width_s, d.tstop), or(period_s, d.tstop));
            let mut time = t - delay_s;
            if time <= 0.0 {
                return v1;
            }
            if time > per {
                time -= per * (time / per).floor();
            }
            if time < tr {
                v1 + (v2 - v1) * time / tr
            } else if time <= tr + pw {
                v2
            } else if time < tr + pw + tf {
                v2 + (v1 - v2) * (time - tr - pw) / tf
            } else {
                v1
            }
        }
        Waveform::Sin {
            offset,
            amplitude,
            freq_hz,
            delay_s,
            damping_per_s,
            phase_deg,
        } => {
            let freq = or(freq_hz, 1.0 / d.tstop);
            let phase = phase_deg.to_radians();
            let time = t - delay_s;
            if time <= 0.0 {
                offset + amplitude * phase.sin()
            } else {
                offset
                    + amplitude
                        * (-time * damping_per_s).exp()
                        * (2.0 * PI * freq * time + phase).sin()
            }
        }
        Waveform::Exp {
            v1,
            v2,
            rise_delay_s,
            rise_tau_s,
            fall_delay_s,
            fall_tau_s,
        } => {
            let td1 = or(Some(rise_delay_s), d.tstep);
            let tau1 = or(rise_tau_s, d.tstep);
            let td2 = or(fall_delay_s, td1 + d.tstep);
            let tau2 = or(fall_tau_s, d.tstep);
            if t <= td1 {
                v1
            } else if t <= td2 {
                v1 + (v2 - v1) * (1.0 - (-(t - td1) / tau1).exp())
            } else {
                v1 + (v2 - v1) * (1.0 - (-(t - td1) / tau1).exp())
                    + (v1 - v2) * (1.0 - (-(t - td2) / tau2).exp())
            }
        }
        Waveform::Pwl {
            ref points,
            repeat_from_s,
            delay_s,
        } => pwl_at(points, repeat_from_s, t - delay_s),
    }
}

fn pwl_at(points: &[(f64, f64)], repeat_from: Option<f64>, mut t: f64) -> f64 {
    let (Some(&(t0, v0)), Some(&(tl, vl))) = (points.first(), points.last()) else {
        return 0.0;
    };
    if let Some(r) = repeat_from {
        if t > tl && tl > r {
            t = r + (t - r) % (tl - r);
        }
    }
    if t <= t0 {
        return v0;
    }
    if t >= tl {
        return vl;
    }
    let k = points.partition_point(|&(tk, _)| tk <= t);
    let ((ta, va), (tb, vb)) = (points[k - 1], points[k]);
    if tb > ta {
        va + (vb - va) * (t - ta) / (tb - ta)
    } else {
        vb
    }
}

/// Times in `(0, tstop]` where the waveform has a corner, sorted.
pub fn breakpoints(w: &Waveform, d: Defaults) -> Vec<f64> {
    let mut out = Vec::new();
    match *w {
        Waveform::Pulse {
            delay_s,
            rise_s,
            fall_s,
            width_s,
            period_s,
            ..
        } => {
            let (tr, tf) = (or(rise_s, d.tstep), or(fall_s, d.tstep));
            let (pw, per) = (or(width_s, d.tstop), or(period_s, d.tstop));
            let mut base = delay_s;
            // Bound the count so a tiny period cannot explode the list.
            for _ in 0..1_000_000 {
                if base > d.tstop {
                    break;
                }
                for c in [0.0, tr, tr + pw, tr + pw + tf] {
                    out.push(base + c);
                }
                base += per;
            }
        }
        Waveform::Sin { delay_s, .. } => out.push(delay_s),
        Waveform::Exp {
            rise_delay_s,
            fall_delay_s,
            ..
        } => {
            let td1 = or(Some(rise_delay_s), d.tstep);
            out.push(td1);
            out.push(or(fall_delay_s, td1 + d.tstep));
        }
        Waveform::Pwl {
            ref points,
            repeat_from_s,
            delay_s,
        } => {
            out.extend(points.iter().map(|p| p.0 + delay_s));
            if let (Some(r), Some(&(tl, _))) = (repeat_from_s, points.last()) {
                let period = tl - r;
                if period > 0.0 {
                    let section: Vec<f64> =
                        points.iter().filter(|p| p.0 > r).map(|p| p.0 - r).collect();
                    let mut base = tl + delay_s;
                    for _ in 0..1_000_000 {
                        if base > d.tstop {
                            break;
                        }
                        out.extend(section.iter().map(|s| base + s));
                        base += period;
                    }
                }
            }
        }
    }
    out.retain(|&t| t > 0.0 && t <= d.tstop);
    out.sort_by(f64::total_cmp);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: Defaults = Defaults {
        tstep: 1e-6,
        tstop: 1e-3,
    };

    #[test]
    fn pulse_edges_and_period() {
        // PULSE(0 5 1u 1u 1u 3u 10u): 0 until 1u, 2.5 V mid-rise, 5 V flat top, 2.5 V mid-fall.
        let w = Waveform::Pulse {
            v1: 0.0,
            v2: 5.0,
            delay_s: 1e-6,
            rise_s: Some(1e-6),
            fall_s: Some(1e-6),
            width_s: Some(3e-6),
            period_s: Some(10e-6),
        };
        assert_eq!(value_at(&w, 0.5e-6, D), 0.0);
        assert!((value_at(&w, 1.5e-6, D) - 2.5).abs() < 1e-12);
        assert_eq!(value_at(&w, 4e-6, D), 5.0);
        assert!((value_at(&w, 5.5e-6, D) - 2.5).abs() < 1e-9);
        assert!((value_at(&w, 11.5e-6, D) - 2.5).abs() < 1e-9);
        let bp = breakpoints(&w, D);
        for (got, want) in bp.iter().zip([1e-6, 2e-6, 5e-6, 6e-6, 11e-6]) {
            assert!((got - want).abs() < 1e-18, "{got} vs {want}");
        }
    }

    #[test]
    fn sin_with_delay_damping_phase() {
        let w = Waveform::Sin {
            offset: 1.0,
            amplitude: 2.0,
            freq_hz: Some(1e3),
            delay_s: 1e-4,
            damping_per_s: 100.0,
            phase_deg: 90.0,
        };
        // Before TD: VO + VA*sin(phase) = 3.
        assert!((value_at(&w, 0.0, D) - 3.0).abs() < 1e-12);
        // At TD + 1/4 period: sin(pi/2 + pi/2) = 0 -> offset.
        assert!((value_at(&w, 1e-4 + 0.25e-3, D) - 1.0).abs() < 1e-12);
        // At TD + 1 period: 1 + 2*exp(-0.1).
        let v = value_at(&w, 1e-4 + 1e-3, D);
        assert!((v - (1.0 + 2.0 * (-0.1f64).exp())).abs() < 1e-9);
    }

    #[test]
    fn pwl_interpolates_and_repeats() {
        let w = Waveform::Pwl {
            points: vec![(0.0, 0.0), (1e-3, 1.0), (2e-3, 0.0)],
            repeat_from_s: Some(0.0),
            delay_s: 0.0,
        };
        let d = Defaults {
            tstep: 1e-5,
            tstop: 5e-3,
        };
        assert!((value_at(&w, 0.5e-3, d) - 0.5).abs() < 1e-12);
        assert!((value_at(&w, 2.5e-3, d) - 0.5).abs() < 1e-9);
        assert!(breakpoints(&w, d).contains(&3e-3));
    }

    #[test]
    fn exp_rise_and_fall() {
        // EXP(0 1 1u 1u 5u 2u): at TD1 + TAU1: 1 - 1/e.
        let w = Waveform::Exp {
            v1: 0.0,
            v2: 1.0,
            rise_delay_s: 1e-6,
            rise_tau_s: Some(1e-6),
            fall_delay_s: Some(5e-6),
            fall_tau_s: Some(2e-6),
        };
        let e1 = 1.0 - (-1.0f64).exp();
        assert!((value_at(&w, 2e-6, D) - e1).abs() < 1e-12);
        let t = 7e-6;
        let expect = (1.0 - (-6.0f64).exp()) - (1.0 - (-1.0f64).exp());
        assert!((value_at(&w, t, D) - expect).abs() < 1e-12);
    }
}
