//! `.ac`: small-signal frequency response `(G + j*omega*C) x = b_ac` of a linear circuit.
//!
//! The symbolic LU of the fixed pattern is computed once; each frequency fills the complex values
//! in place and refactors numerically. Frequencies are split into contiguous chunks solved in
//! parallel (rayon), one factoriser and value array per chunk.
//!
//! Frequency points follow ngspice's `ACan` exactly: `dec`/`oct` multiply by
//! `exp(ln(10)/N)` (or `ln(2)`) from fstart while `f <= fstop + delta*fstop*reltol`; `lin`
//! adds `(fstop-fstart)/(N-1)` (a single point when `N <= 2`, as ngspice does) while
//! `f <= fstop + delta*reltol`.

use super::{ac_value, singular, vectors_complex};
use crate::lu::Lu;
use crate::mna::System;
use crate::result::{Data, Plot, Unit, Vector};
use crate::SolveError;
use circuit::{AcVariation, Circuit};
use num_complex::Complex64;
use rayon::prelude::*;

pub const PLOT_NAME: &str = "AC Analysis";

/// The frequencies of an `.ac` sweep, generated as ngspice generates them.
pub fn frequencies(
    variation: AcVariation,
    points: usize,
    fstart: f64,
    fstop: f64,
    reltol: f64,
) -> Vec<f64> {
    let n = points.max(1);
    let mut out = Vec::new();
    match variation {
        AcVariation::Dec | AcVariation::Oct => {
            let base: f64 = if variation == AcVariation::Dec {
                10.0
            } else {
                2.0
            };
            let delta = (base.ln() / n as f64).exp();
            let tol = delta * fstop * reltol;
            let mut f = fstart;
            while f <= fstop + tol {
                out.push(f);
                f *= delta;
                if delta == 1.0 {
                    break;
                }
            }
        }
        AcVariation::Lin => {
            let delta = if n > 2 {
                (fstop - fstart) / (n - 1) as f64
            } else {
                0.0
            };
            let tol = delta * reltol;
            let mut f = fstart;
            while f <= fstop + tol {
                out.push(f);
                f += delta;
                if delta == 0.0 {
                    break;
                }
            }
        }
    }
    out
}

pub fn run(
    circuit: &Circuit,
    sys: &System,
    variation: AcVariation,
    points: usize,
    fstart: f64,
    fstop: f64,
) -> Result<Plot, SolveError> {
    let freqs = frequencies(variation, points, fstart, fstop, circuit.options.reltol);
    let n = sys.unknowns.len();
    let mut b = vec![Complex64::new(0.0, 0.0); n];
    for t in &sys.sources {
        b[t.row] += ac_value(circuit, t.device) * t.sign;
    }
    let mut solutions = vec![Complex64::new(0.0, 0.0); freqs.len() * n];
    if n > 0 && !freqs.is_empty() {
        let base = Lu::<Complex64>::new(&sys.pattern);
        let threads = rayon::current_num_threads().max(1);
        // Enough chunks to balance, few enough that per-chunk set-up stays negligible.
        let chunk = freqs.len().div_ceil(threads * 4).max(1);
        let workers: Vec<Lu<Complex64>> = (0..freqs.len().div_ceil(chunk))
            .map(|_| base.fork())
            .collect();
        solutions
            .par_chunks_mut(chunk * n)
            .zip(freqs.par_chunks(chunk))
            .zip(workers.into_par_iter())
            .try_for_each(|((out, fs), mut lu)| {
                let mut values = vec![Complex64::new(0.0, 0.0); sys.g.len()];
                let mut residual = Vec::with_capacity(n);
                for (k, &f) in fs.iter().enumerate() {
                    let w = 2.0 * std::f64::consts::PI * f;
                    for ((v, &g), &c) in values.iter_mut().zip(&sys.g).zip(&sys.c) {
                        *v = Complex64::new(g, w * c);
                    }
                    lu.factor(&sys.pattern, &values).map_err(|s| {
                        singular(circuit, sys, "ac", format!("frequency {f:e} Hz"), s.0)
                    })?;
                    let x = &mut out[k * n..(k + 1) * n];
                    x.copy_from_slice(&b);
                    lu.solve_refined(&sys.pattern, &values, x, &mut residual);
                    if let Some(i) = x
                        .iter()
                        .position(|v| !(v.re.is_finite() && v.im.is_finite()))
                    {
                        return Err(SolveError::Singular {
                            analysis: "ac".into(),
                            at: format!("frequency {f:e} Hz"),
                            rows: vec![sys.unknowns.name(circuit, i)],
                        });
                    }
                }
                Ok(())
            })?;
    }
    Ok(Plot {
        name: PLOT_NAME.into(),
        scale: Some(Vector {
            name: "frequency".into(),
            unit: Unit::Frequency,
            data: Data::Real(freqs),
        }),
        vectors: vectors_complex(circuit, &sys.unknowns, &solutions),
    })
}
