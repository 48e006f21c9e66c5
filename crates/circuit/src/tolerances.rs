//! Elaboration of Monte Carlo inputs: `tol=`/`dist=` on R, C and L cards and the `.mc` card
//! (see [`crate::montecarlo`] for what they mean). A child module of `elaborate`.

use super::Elab;
use crate::expr::fmt_num;
use crate::montecarlo::{Distribution, MonteCarlo, Tolerance, DEFAULT_SEED, MAX_TOLERANCE};
use crate::*;
use netlist::{Expr, MonteCarloCard, Param};

/// The largest number of runs a `.mc` card may ask for.
pub const MAX_MC_RUNS: usize = 1_000_000;

/// A tolerance read from an element card, before its device exists.
pub(super) struct ElementTolerance {
    relative: f64,
    dist: Option<Distribution>,
    span: netlist::Span,
}

impl Elab<'_> {
    /// Takes `tol=` and `dist=` out of an element's parameters: the remaining parameters and
    /// the tolerance, if any. `tol` must be in `[0, 50%]`; `dist` must be `gauss` or `uniform`
    /// and needs a `tol`.
    pub(super) fn tolerance(
        &mut self,
        element: &str,
        params: &[Param],
    ) -> Result<(Vec<Param>, Option<ElementTolerance>), ElabError> {
        let mut rest = Vec::with_capacity(params.len());
        let (mut tol, mut dist) = (None, None);
        for p in params {
            match p.name.name.as_str() {
                "tol" => {
                    let v = self.eval(&p.value)?;
                    if !(0.0..=MAX_TOLERANCE).contains(&v) {
                        return Err(ElabError::InvalidValue {
                            span: p.value.span,
                            element: element.to_string(),
                            message: format!(
                                "tolerance {} is outside 0 to 0.5 (write 1% or 0.01 for one percent)",
                                fmt_num(v)
                            ),
                        });
                    }
                    tol = Some((v, p.value.span));
                }
                "dist" => {
                    let d = match &p.value.expr {
                        Expr::Var(word) => Distribution::from_name(word),
                        _ => None,
                    };
                    let Some(d) = d else {
                        return Err(ElabError::InvalidValue {
                            span: p.value.span,
                            element: element.to_string(),
                            message: "expected dist=gauss or dist=uniform".into(),
                        });
                    };
                    dist = Some((d, p.name.span));
                }
                _ => rest.push(p.clone()),
            }
        }
        match (tol, dist) {
            (None, Some((_, span))) => Err(ElabError::InvalidValue {
                span,
                element: element.to_string(),
                message: "'dist=' needs a tolerance: add tol=, e.g. tol=1%".into(),
            }),
            (None, None) => Ok((rest, None)),
            (Some((relative, span)), dist) => Ok((
                rest,
                Some(ElementTolerance {
                    relative,
                    dist: dist.map(|d| d.0),
                    span,
                }),
            )),
        }
    }

    /// Records the tolerance of the device just pushed at `index`.
    pub(super) fn add_tolerance(&mut self, index: usize, tol: Option<ElementTolerance>) {
        if let Some(t) = tol {
            self.tolerances.push(Tolerance {
                device: DeviceId(index as u32),
                relative: t.relative,
                dist: t.dist,
                span: t.span,
            });
        }
    }

    /// `.mc N [seed=S] [dist=...]`: `N` a whole number from 1 to [`MAX_MC_RUNS`], `S` a whole
    /// number from 0 to 2^53.
    pub(super) fn monte_carlo_card(
        &mut self,
        mc: &MonteCarloCard,
    ) -> Result<MonteCarlo, ElabError> {
        let whole = |v: f64, lo: f64, hi: f64| v.fract() == 0.0 && (lo..=hi).contains(&v);
        let runs = self.eval(&mc.runs)?;
        if !whole(runs, 1.0, MAX_MC_RUNS as f64) {
            return Err(ElabError::InvalidValue {
                span: mc.runs.span,
                element: ".mc".into(),
                message: format!(
                    "the number of runs must be a whole number from 1 to {MAX_MC_RUNS}, got {}",
                    fmt_num(runs)
                ),
            });
        }
        let seed = match &mc.seed {
            Some(v) => {
                let s = self.eval(v)?;
                if !whole(s, 0.0, 2f64.powi(53)) {
                    return Err(ElabError::InvalidValue {
                        span: v.span,
                        element: ".mc".into(),
                        message: format!(
                            "seed must be a whole number from 0 to 2^53, got {}",
                            fmt_num(s)
                        ),
                    });
                }
                s as u64
            }
            None => DEFAULT_SEED,
        };
        let dist = mc
            .dist
            .as_ref()
            .and_then(|d| Distribution::from_name(&d.name))
            .unwrap_or(Distribution::Gauss);
        if self.tolerances.is_empty() {
            self.warn(
                mc.span,
                "'.mc': no element has a tolerance (add tol=1% to R, C or L cards), so every run is the same".into(),
            );
        }
        Ok(MonteCarlo {
            runs: runs as usize,
            seed,
            dist,
            span: mc.span,
        })
    }
}
