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
        if let Some(at) = spec.distof {
            self.warn(
                at,
                format!("{element}: DISTOF1/DISTOF2 (inputs of ngspice's .disto, which balun does not have) ignored"),
            );
        }
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
            Some(t) => Some(self.waveform(element, span, t, dc.unwrap_or(0.0))?),
            None => None,
        };
        let dc = dc.unwrap_or_else(|| tran.as_ref().map_or(0.0, value_at_zero));
        let port = self.rf_port(element, span, &spec.port)?;
        Ok(Source {
            dc,
            ac_mag,
            ac_phase_deg,
            tran,
            ac_given: spec.ac.is_some(),
            port,
        })
    }

    /// The RF port of a `V` card: `portnum N` (a whole number >= 1) makes it one, with `z0`
    /// (ohm, > 0) defaulting to 50 as in ngspice 39's `vsrctemp.c`. `pwr`, `freq` and `phase`
    /// (the port's transient sine in ngspice) are read and ignored with a warning.
    fn rf_port(
        &mut self,
        element: &str,
        span: Span,
        spec: &netlist::PortSpec,
    ) -> Result<Option<RfPort>, ElabError> {
        if spec.is_empty() {
            return Ok(None);
        }
        for v in [&spec.pwr, &spec.freq, &spec.phase].into_iter().flatten() {
            self.warn(
                v.span,
                format!("{element}: the port's pwr/freq/phase (its transient sine) are ignored"),
            );
        }
        let bad = |span, message: String| ElabError::InvalidValue {
            span,
            element: element.to_string(),
            message,
        };
        let z0_ohm = match &spec.z0 {
            Some(v) => {
                let z = self.eval(v)?;
                if !(z > 0.0 && z.is_finite()) {
                    return Err(bad(
                        v.span,
                        format!("port z0 must be positive, got {}", fmt_num(z)),
                    ));
                }
                z
            }
            None => 50.0,
        };
        let Some(v) = &spec.num else {
            return Err(bad(
                span,
                "z0 without portnum: give the port a number, 'portnum 1'".into(),
            ));
        };
        let n = self.eval(v)?;
        if n < 1.0 || n.fract() != 0.0 || n > 1e6 {
            return Err(bad(
                v.span,
                format!("portnum must be a whole number >= 1, got {}", fmt_num(n)),
            ));
        }
        Ok(Some(RfPort {
            num: n as u32,
            z0_ohm,
        }))
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

    /// The first `read` of `args`, warning about the rest: ngspice 39 stores any number of
    /// `SFFM` and `AM` arguments and reads the first seven (`vsrcload.c`; later versions read
    /// an eighth, the examples have eight).
    fn read_args<'v>(
        &mut self,
        element: &str,
        span: Span,
        what: &str,
        args: &'v [Value],
        read: usize,
    ) -> &'v [Value] {
        if args.len() > read {
            self.warn(
                span,
                format!(
                    "{element}: ngspice 39 reads {read} {what} arguments; the other {} are \
                     ignored",
                    args.len() - read
                ),
            );
        }
        &args[..args.len().min(read)]
    }

    /// The transient function `t` of source `element`; `dc` is the card's DC value, which the
    /// noise sources add to their output (ngspice 39's `vsrcload.c`).
    pub(crate) fn waveform(
        &mut self,
        element: &str,
        span: Span,
        t: &TranSpec,
        dc: f64,
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
            TranSpec::Sffm(args) => {
                let args = self.read_args(element, span, "SFFM", args, 7);
                let v = self.waveform_args(element, span, "SFFM", args, 2, 7)?;
                Waveform::Sffm {
                    offset: v[0],
                    amplitude: v[1],
                    carrier_hz: opt(&v, 2),
                    modulation_index: or0(&v, 3),
                    signal_hz: opt(&v, 4),
                    carrier_phase_deg: or0(&v, 5),
                    signal_phase_deg: or0(&v, 6),
                }
            }
            TranSpec::Am(args) => {
                let args = self.read_args(element, span, "AM", args, 7);
                let v = self.waveform_args(element, span, "AM", args, 2, 7)?;
                Waveform::Am {
                    amplitude: v[0],
                    offset: v[1],
                    modulation_hz: opt(&v, 2),
                    carrier_hz: or0(&v, 3),
                    delay_s: or0(&v, 4),
                    // ngspice 39 reads PHASEC (v[5]) but applies PHASES to both sines.
                    phase_deg: or0(&v, 6),
                }
            }
            TranSpec::TrNoise(args) => {
                let v = self.waveform_args(element, span, "TRNOISE", args, 2, 7)?;
                let negative = v.iter().position(|&x| x < 0.0);
                if let Some(i) = negative {
                    return Err(ElabError::InvalidValue {
                        span: args[i].span,
                        element: element.to_string(),
                        message: format!(
                            "TRNOISE argument {} must not be negative, got {}",
                            i + 1,
                            fmt_num(v[i])
                        ),
                    });
                }
                let alpha = or0(&v, 2);
                let rts_amp = or0(&v, 4);
                if alpha > 2.0 {
                    return Err(ElabError::InvalidValue {
                        span: args[2].span,
                        element: element.to_string(),
                        message: format!(
                            "TRNOISE 1/f exponent NALPHA must be in [0, 2], got {}",
                            fmt_num(alpha)
                        ),
                    });
                }
                Waveform::TrNoise {
                    white_rms: v[0],
                    step_s: v[1],
                    alpha,
                    // As ngspice: NAMP only counts with a non-zero NALPHA, the RTS times only
                    // with a non-zero RTSAM.
                    flicker_amp: if alpha != 0.0 { or0(&v, 3) } else { 0.0 },
                    rts_amp,
                    rts_capture_s: if rts_amp != 0.0 { or0(&v, 5) } else { 0.0 },
                    rts_emission_s: if rts_amp != 0.0 { or0(&v, 6) } else { 0.0 },
                    dc,
                    stream: name_stream(element),
                }
            }
            TranSpec::TrRandom(args) => {
                let v = self.waveform_args(element, span, "TRRANDOM", args, 2, 5)?;
                let kind = match v[0] {
                    1.0 => RandomKind::Uniform,
                    2.0 => RandomKind::Gaussian,
                    3.0 => RandomKind::Exponential,
                    4.0 => RandomKind::Poisson,
                    other => {
                        return Err(ElabError::InvalidValue {
                            span: args[0].span,
                            element: element.to_string(),
                            message: format!(
                                "TRRANDOM type must be 1 (uniform), 2 (Gaussian), 3 \
                                 (exponential) or 4 (Poisson), got {}",
                                fmt_num(other)
                            ),
                        })
                    }
                };
                if v[1] <= 0.0 {
                    return Err(ElabError::InvalidValue {
                        span: args[1].span,
                        element: element.to_string(),
                        message: format!(
                            "TRRANDOM time step TS must be positive, got {}",
                            fmt_num(v[1])
                        ),
                    });
                }
                Waveform::TrRandom {
                    kind,
                    step_s: v[1],
                    delay_s: or0(&v, 2),
                    param1: v.get(3).copied().unwrap_or(1.0),
                    param2: or0(&v, 4),
                    dc,
                    stream: name_stream(element),
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

/// A source's random stream: FNV-1a of its (expanded, lower-case) name, so each noise source
/// draws its own numbers and adding a source elsewhere does not change them.
fn name_stream(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}
