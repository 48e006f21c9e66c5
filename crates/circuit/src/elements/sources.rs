//! `V` and `I` elements: independent sources, their DC/AC values and transient waveforms.

use super::*;

impl<'a> Elab<'a> {
    /// `V`: an independent voltage source.
    pub(crate) fn voltage_source(
        &mut self,
        e: &'a Element,
        name: String,
        ctx: &Ctx<'a>,
    ) -> Result<(), ElabError> {
        let span = e.span;
        match &e.kind {
            ElementKind::VoltageSource { nodes, source } => {
                let pos = self.node(ctx, &nodes[0]);
                let neg = self.node(ctx, &nodes[1]);
                let source = self.source(&name, span, source)?;
                self.push_device(name, span, DeviceKind::VoltageSource { pos, neg, source });
            }
            _ => unreachable!("dispatched by element kind"),
        }
        Ok(())
    }

    /// `I`: an independent current source.
    pub(crate) fn current_source(
        &mut self,
        e: &'a Element,
        name: String,
        ctx: &Ctx<'a>,
    ) -> Result<(), ElabError> {
        let span = e.span;
        match &e.kind {
            ElementKind::CurrentSource { nodes, source } => {
                let pos = self.node(ctx, &nodes[0]);
                let neg = self.node(ctx, &nodes[1]);
                let source = self.source(&name, span, source)?;
                self.push_device(name, span, DeviceKind::CurrentSource { pos, neg, source });
            }
            _ => unreachable!("dispatched by element kind"),
        }
        Ok(())
    }

    pub(crate) fn source(
        &mut self,
        element: &str,
        span: Span,
        spec: &SourceSpec,
    ) -> Result<Source, ElabError> {
        let dc = match &spec.dc {
            Some(v) => Some(self.eval(v)?),
            None => None,
        };
        let (ac_mag, ac_phase_deg) = match &spec.ac {
            Some(AcSpec { mag, phase_deg }) => {
                let m = match mag {
                    Some(v) => self.eval(v)?,
                    None => 1.0,
                };
                let p = match phase_deg {
                    Some(v) => self.eval(v)?,
                    None => 0.0,
                };
                (m, p)
            }
            None => (0.0, 0.0),
        };
        let tran = match &spec.tran {
            Some(t) => Some(self.waveform(element, span, t)?),
            None => None,
        };
        let dc = dc.unwrap_or_else(|| tran.as_ref().map_or(0.0, value_at_zero));
        Ok(Source {
            dc,
            ac_mag,
            ac_phase_deg,
            tran,
        })
    }

    pub(crate) fn waveform_args(
        &mut self,
        element: &str,
        span: Span,
        what: &str,
        args: &[Value],
        min: usize,
        max: usize,
    ) -> Result<Vec<f64>, ElabError> {
        if args.len() < min || args.len() > max {
            return Err(ElabError::InvalidValue {
                span,
                element: element.to_string(),
                message: format!(
                    "{what} takes {min} to {max} arguments, but {} were given",
                    args.len()
                ),
            });
        }
        args.iter().map(|a| self.eval(a)).collect()
    }

    pub(crate) fn waveform(
        &mut self,
        element: &str,
        span: Span,
        t: &TranSpec,
    ) -> Result<Waveform, ElabError> {
        /// ngspice treats an argument given as 0 like an omitted one for these fields.
        fn opt(v: &[f64], i: usize) -> Option<f64> {
            v.get(i).copied().filter(|x| *x != 0.0)
        }
        fn or0(v: &[f64], i: usize) -> f64 {
            v.get(i).copied().unwrap_or(0.0)
        }
        Ok(match t {
            TranSpec::Sin(args) => {
                let v = self.waveform_args(element, span, "SIN", args, 2, 6)?;
                Waveform::Sin {
                    offset: v[0],
                    amplitude: v[1],
                    freq_hz: opt(&v, 2),
                    delay_s: or0(&v, 3),
                    damping_per_s: or0(&v, 4),
                    phase_deg: or0(&v, 5),
                }
            }
            TranSpec::Pulse(args) => {
                let v = self.waveform_args(element, span, "PULSE", args, 2, 7)?;
                Waveform::Pulse {
                    v1: v[0],
                    v2: v[1],
                    delay_s: or0(&v, 2),
                    rise_s: opt(&v, 3),
                    fall_s: opt(&v, 4),
                    width_s: opt(&v, 5),
                    period_s: opt(&v, 6),
                }
            }
            TranSpec::Exp(args) => {
                let v = self.waveform_args(element, span, "EXP", args, 2, 6)?;
                Waveform::Exp {
                    v1: v[0],
                    v2: v[1],
                    rise_delay_s: or0(&v, 2),
                    rise_tau_s: opt(&v, 3),
                    fall_delay_s: opt(&v, 4),
                    fall_tau_s: opt(&v, 5),
                }
            }
            TranSpec::Pwl { points, params } => {
                if points.len() < 2 || points.len() % 2 != 0 {
                    return Err(ElabError::InvalidValue {
                        span,
                        element: element.to_string(),
                        message: format!(
                            "PWL needs (time, value) pairs, but {} numbers were given",
                            points.len()
                        ),
                    });
                }
                let mut pts = Vec::with_capacity(points.len() / 2);
                for pair in points.chunks(2) {
                    let t = self.eval(&pair[0])?;
                    let v = self.eval(&pair[1])?;
                    if let Some((last, _)) = pts.last() {
                        if t < *last {
                            return Err(ElabError::InvalidValue {
                                span: pair[0].span,
                                element: element.to_string(),
                                message: format!(
                                    "PWL times must not decrease ({} after {})",
                                    fmt_num(t),
                                    fmt_num(*last)
                                ),
                            });
                        }
                    }
                    pts.push((t, v));
                }
                let mut repeat_from_s = None;
                let mut delay_s = 0.0;
                for p in params {
                    let v = self.eval(&p.value)?;
                    match p.name.name.as_str() {
                        "r" => repeat_from_s = Some(v),
                        "td" => delay_s = v,
                        other => self.warn(
                            p.name.span,
                            format!("{element}: PWL parameter '{other}' is not supported and is ignored"),
                        ),
                    }
                }
                Waveform::Pwl {
                    points: pts,
                    repeat_from_s,
                    delay_s,
                }
            }
        })
    }
}
