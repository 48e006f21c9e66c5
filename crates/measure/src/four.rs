//! `.four`: the harmonics of a transient waveform over the last period of its fundamental, and
//! its total harmonic distortion, computed as ngspice 39 computes them (`src/frontend/fourier.c`,
//! `src/maths/poly/interpolate.c`, `polyfit.c`), so that balun prints the numbers ngspice
//! prints for the same netlist.
//!
//! **The algorithm** (ngspice's `fourier` and `CKTfour`), for fundamental `f`, `N` grid points
//! (`.options fourgridsize`, 200), `H` rows (`.options nfreqs`, 10, the DC row included) and
//! interpolation degree `p` (`.options polydegree`, 1):
//!
//! 1. The last period: `t_end` = the latest time of the transient, `t0 = t_end - 1/f` (an error
//!    when the transient spans less than one period). The grid is `t_i = t0 + i*d`,
//!    `d = (t_end - t0)/N`, `i = 0..N-1` (the end point itself is not on it).
//! 2. The waveform is interpolated onto the grid piece by piece: a polynomial of degree `p`
//!    through `p+1` consecutive time points (from the first `p+1`, then sliding one point at a
//!    time), evaluated at the grid times up to its last point. With `p = 1` this is linear
//!    interpolation between neighbouring time points. A fit whose polynomial misses one of its
//!    points by more than 1e-3 (absolute and relative) is retried one degree lower, and the
//!    lower degree is kept from then on (ngspice's `ft_interpolate`). With `p = 0` nothing is
//!    interpolated: the transient's own points are used as if they were one period, evenly
//!    spaced.
//! 3. A direct DFT of the `N` values: `S_k = sum_i y_i sin(2 pi k i/N)`,
//!    `C_k = sum_i y_i cos(2 pi k i/N)`. Row 0 is DC: magnitude `C_0/N` (a signed mean), phase
//!    0. Row `k >= 1`: `a = 2 S_k/N`, `b = 2 C_k/N`, magnitude `hypot(a, b)`, phase
//!    `atan2(b, a)` in degrees (so a cosine has phase 90, a sine 0), normalised magnitude
//!    `|X_k|/|X_1|` and normalised phase `phase_k - phase_1`.
//! 4. `THD = 100 sqrt(sum_{k=2}^{H-1} (|X_k|/|X_1|)^2)` percent: the harmonics shown, not more.
//!
//! The sums run in ngspice's order with its expressions (`k*2.0*pi*i/N`), so the results agree
//! with ngspice's to the last bits on the same time points. Errors (no transient, a period
//! longer than the transient, a fundamental of zero amplitude, which would make every
//! normalised value NaN) are reported as such rather than printed as `nan`.

use circuit::{Four, Options, VecExpr};
use solver::Plot;

/// How `.four` interpolates and how many rows it reports (ngspice's `.options`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FourierOptions {
    /// Rows of the table, the DC row included (`nfreqs`).
    pub rows: usize,
    /// Points of the interpolation grid over one period (`fourgridsize`).
    pub grid: usize,
    /// Degree of the interpolating polynomials, 0 for none (`polydegree`).
    pub degree: usize,
}

impl Default for FourierOptions {
    fn default() -> Self {
        FourierOptions {
            rows: 10,
            grid: 200,
            degree: 1,
        }
    }
}

impl FourierOptions {
    /// The options a circuit's `.options` card sets.
    pub fn of(options: &Options) -> Self {
        FourierOptions {
            rows: options.nfreqs as usize,
            grid: options.fourgridsize as usize,
            degree: options.polydegree as usize,
        }
    }
}

/// One row of the harmonics table (row 0 is DC: its magnitude is the signed mean).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Harmonic {
    pub freq_hz: f64,
    pub magnitude: f64,
    pub phase_deg: f64,
    /// Magnitude over the fundamental's (0 for the DC row).
    pub norm_magnitude: f64,
    /// Phase minus the fundamental's, degrees (0 for the DC row).
    pub norm_phase_deg: f64,
}

impl Harmonic {
    /// The normalised magnitude in dB (dBc: relative to the fundamental).
    pub fn dbc(&self) -> f64 {
        20.0 * self.norm_magnitude.log10()
    }
}

/// The result of one Fourier analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct Fourier {
    pub fundamental_hz: f64,
    /// `rows` rows: DC, the fundamental, then the harmonics 2, 3, ...
    pub harmonics: Vec<Harmonic>,
    /// Total harmonic distortion over the harmonics shown, in percent.
    pub thd_percent: f64,
    /// Points the period was sampled on (the grid, or the transient's length with degree 0).
    pub grid: usize,
    /// The interpolation degree asked for.
    pub degree: usize,
}

impl Fourier {
    /// THD in dB: `20 log10(THD% / 100)`.
    pub fn thd_db(&self) -> f64 {
        20.0 * (self.thd_percent / 100.0).log10()
    }

    /// The fundamental's magnitude (0 when only the DC row was asked for).
    pub fn fundamental(&self) -> f64 {
        self.harmonics.get(1).map_or(0.0, |h| h.magnitude)
    }
}

/// Fourier analysis of `values` at `time` (increasing) for fundamental `fundamental_hz`.
pub fn fourier(
    time: &[f64],
    values: &[f64],
    fundamental_hz: f64,
    options: FourierOptions,
) -> Result<Fourier, String> {
    if !(fundamental_hz > 0.0 && fundamental_hz.is_finite()) {
        return Err(format!(
            "the fundamental frequency must be positive, got {fundamental_hz}"
        ));
    }
    if time.len() != values.len() {
        return Err(format!(
            "the vector has {} points, the time scale {}",
            values.len(),
            time.len()
        ));
    }
    if options.rows < 1 || (options.degree > 0 && options.grid < 2) {
        return Err("at least one row and a grid of 2 points are needed".into());
    }
    let (grid_values, grid) = if options.degree > 0 {
        let (lo, hi) = time
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &t| {
                (lo.min(t), hi.max(t))
            });
        let period = 1.0 / fundamental_hz;
        if hi - lo < period {
            return Err(format!(
                "one period of {} Hz ({} s) is longer than the transient ({} s)",
                fundamental_hz,
                period,
                if hi >= lo { hi - lo } else { 0.0 }
            ));
        }
        let start = if hi - lo > period { hi - period } else { lo };
        let d = (hi - start) / options.grid as f64;
        let scale: Vec<f64> = (0..options.grid).map(|i| start + i as f64 * d).collect();
        (
            interpolate(values, time, &scale, options.degree)?,
            options.grid,
        )
    } else {
        (values.to_vec(), values.len())
    };
    if grid == 0 {
        return Err("the transient has no points".into());
    }
    let harmonics = dft(&grid_values, options.rows, fundamental_hz)?;
    let thd = harmonics
        .iter()
        .skip(2)
        .map(|h| h.norm_magnitude * h.norm_magnitude)
        .sum::<f64>();
    Ok(Fourier {
        fundamental_hz,
        harmonics,
        thd_percent: 100.0 * thd.sqrt(),
        grid,
        degree: options.degree,
    })
}

/// ngspice's `CKTfour`: the DFT rows of one period sampled at `y.len()` even points.
fn dft(y: &[f64], rows: usize, fundamental_hz: f64) -> Result<Vec<Harmonic>, String> {
    let n = y.len() as f64;
    let mut sin_sum = vec![0.0; rows];
    let mut cos_sum = vec![0.0; rows];
    for (i, &v) in y.iter().enumerate() {
        for j in 0..rows {
            // ngspice's expression and evaluation order: ((j*2.0)*pi*i)/n.
            let arg = j as f64 * 2.0 * std::f64::consts::PI * i as f64 / n;
            sin_sum[j] += v * arg.sin();
            cos_sum[j] += v * arg.cos();
        }
    }
    let mut out = Vec::with_capacity(rows);
    out.push(Harmonic {
        freq_hz: 0.0,
        magnitude: cos_sum[0] / n,
        phase_deg: 0.0,
        norm_magnitude: 0.0,
        norm_phase_deg: 0.0,
    });
    let mut first: Option<(f64, f64)> = None;
    for j in 1..rows {
        let a = sin_sum[j] * 2.0 / n;
        let b = cos_sum[j] * 2.0 / n;
        let magnitude = a.hypot(b);
        let phase_deg = b.atan2(a) * 180.0 / std::f64::consts::PI;
        let (m1, p1) = *first.get_or_insert((magnitude, phase_deg));
        if m1 == 0.0 || !m1.is_finite() {
            return Err(format!(
                "the fundamental ({fundamental_hz} Hz) has zero amplitude: no harmonic can be \
                 related to it"
            ));
        }
        out.push(Harmonic {
            freq_hz: j as f64 * fundamental_hz,
            magnitude,
            phase_deg,
            norm_magnitude: magnitude / m1,
            norm_phase_deg: phase_deg - p1,
        });
    }
    Ok(out)
}

/// ngspice's `ft_interpolate` onto an increasing (or decreasing) `scale`: polynomials of
/// `degree` through sliding windows of `degree + 1` points (see the module docs).
fn interpolate(
    data: &[f64],
    old_scale: &[f64],
    scale: &[f64],
    degree: usize,
) -> Result<Vec<f64>, String> {
    let (olen, nlen) = (old_scale.len(), scale.len());
    if olen < 2 || nlen < 2 {
        return Err("too few time points to interpolate".into());
    }
    if degree + 1 > olen {
        return Err(format!(
            "an interpolation of degree {degree} needs {} time points, the transient has {olen}",
            degree + 1
        ));
    }
    let sign = if old_scale[1] < old_scale[0] {
        -1.0
    } else {
        1.0
    };
    let mut out = vec![0.0; nlen];
    let mut degree = degree;
    let mut x: Vec<f64> = old_scale[..=degree].to_vec();
    let mut y: Vec<f64> = data[..=degree].to_vec();
    let mut coeffs = polyfit_lowering(&x, &y, &mut degree)?;
    x.truncate(degree + 1);
    y.truncate(degree + 1);
    // `last`: the index of the next grid point to fill (ngspice's `lastone + 1`).
    let mut last = 0;
    for &xi in x.iter().take(degree) {
        last = put_interval(&coeffs, &mut out, last, scale, xi, sign);
    }
    for l in degree + 1..olen {
        // Slide the window by one point. After a fit at a lowered degree ngspice keeps the
        // window's first points (not the newest), and so does this.
        x.rotate_left(1);
        y.rotate_left(1);
        x[degree] = old_scale[l];
        y[degree] = data[l];
        coeffs = polyfit_lowering(&x, &y, &mut degree)?;
        x.truncate(degree + 1);
        y.truncate(degree + 1);
        last = put_interval(&coeffs, &mut out, last, scale, old_scale[l], sign);
    }
    if last < nlen {
        out[nlen - 1] = data[olen - 1];
    }
    Ok(out)
}

/// Fits `x`, `y` (their first `degree + 1` points), lowering `degree` until the fit succeeds.
fn polyfit_lowering(x: &[f64], y: &[f64], degree: &mut usize) -> Result<Vec<f64>, String> {
    loop {
        if let Some(c) = polyfit(&x[..=*degree], &y[..=*degree]) {
            return Ok(c);
        }
        *degree -= 1;
        if *degree == 0 {
            return Err("the interpolation failed (no polynomial fits the time points)".into());
        }
    }
}

/// Fills `out[last..]` at the grid points up to `end` (inclusive, in the scale's direction);
/// returns the new `last`.
fn put_interval(
    coeffs: &[f64],
    out: &mut [f64],
    last: usize,
    scale: &[f64],
    end: f64,
    sign: f64,
) -> usize {
    let mut stop = last;
    while stop < scale.len() && scale[stop] * sign <= end * sign {
        stop += 1;
    }
    for i in last..stop {
        out[i] = peval(scale[i], coeffs);
    }
    stop
}

/// Horner evaluation of `coeffs[0] + coeffs[1] x + ...` (ngspice's `ft_peval`).
fn peval(x: f64, coeffs: &[f64]) -> f64 {
    let mut it = coeffs.iter().rev();
    let mut y = it.next().copied().unwrap_or(0.0);
    for &c in it {
        y = y * x + c;
    }
    y
}

/// ngspice's `ft_polyfit`: the coefficients of the polynomial through the points (a closed
/// form for two, Gauss-Jordan with partial pivoting on the Vandermonde matrix otherwise);
/// `None` when the matrix is singular or the polynomial misses a point by more than 1e-3.
fn polyfit(x: &[f64], y: &[f64]) -> Option<Vec<f64>> {
    let n = x.len();
    if n == 2 {
        return Some(vec![
            (x[1] * y[0] - x[0] * y[1]) / (x[1] - x[0]),
            (y[1] - y[0]) / (x[1] - x[0]),
        ]);
    }
    let mut m = vec![0.0; n * n];
    let mut rhs = y.to_vec();
    for i in 0..n {
        let mut d = 1.0;
        for j in 0..n {
            m[i * n + j] = d;
            d *= x[i];
        }
    }
    for i in 0..n {
        // ngspice compares |candidates| with the signed diagonal entry.
        let (mut largest, mut index) = (m[i * n + i], i);
        for j in i..n {
            if m[j * n + i].abs() > largest {
                largest = m[j * n + i].abs();
                index = j;
            }
        }
        if index != i {
            for k in 0..n {
                m.swap(i * n + k, index * n + k);
            }
            rhs.swap(i, index);
        }
        if m[i * n + i] == 0.0 {
            return None;
        }
        for j in i + 1..n {
            let d = m[j * n + i] / m[i * n + i];
            for k in 0..n {
                m[j * n + k] -= d * m[i * n + k];
            }
            rhs[j] -= d * rhs[i];
        }
    }
    for i in (1..n).rev() {
        for j in (0..i).rev() {
            let d = m[j * n + i] / m[i * n + i];
            for k in 0..n {
                m[j * n + k] -= d * m[i * n + k];
            }
            rhs[j] -= d * rhs[i];
        }
    }
    let coeffs: Vec<f64> = (0..n).map(|i| rhs[i] / m[i * n + i]).collect();
    const TOL: f64 = 1e-3;
    for i in 0..n {
        let d = peval(x[i], &coeffs);
        let err = (d - y[i]).abs();
        // NaN fails both tests in ngspice's C; here it fails the fit.
        let fits = err <= TOL && err / d.abs().max(TOL) <= TOL;
        if !fits {
            return None;
        }
    }
    Some(coeffs)
}

/// The outcome of one output of a `.four` card.
#[derive(Debug, Clone, PartialEq)]
pub struct FourResult {
    /// The output as the card names it (`v(out)`).
    pub name: String,
    /// The card it came from.
    pub span: netlist::Span,
    pub outcome: Result<Fourier, String>,
}

/// Evaluates every `.four` card on the last transient plot of `plots`, one result per output.
pub fn evaluate(cards: &[Four], options: &Options, plots: &[Plot]) -> Vec<FourResult> {
    let tran = plots.iter().rev().find(|p| p.name == "Transient Analysis");
    let opts = FourierOptions::of(options);
    cards
        .iter()
        .flat_map(|card| {
            card.outputs.iter().map(move |(name, expr)| FourResult {
                name: name.clone(),
                span: card.span,
                outcome: match tran {
                    None => Err("no transient data (.four needs a .tran analysis)".into()),
                    Some(plot) => of_plot(plot, expr, card.fundamental_hz, opts),
                },
            })
        })
        .collect()
}

/// Fourier analysis of `expr` on a transient plot.
pub fn of_plot(
    plot: &Plot,
    expr: &VecExpr,
    fundamental_hz: f64,
    options: FourierOptions,
) -> Result<Fourier, String> {
    let time = crate::meas::scale_values(plot)?;
    let y = crate::meas::vector_values(plot, expr, circuit::MeasAnalysis::Tran)?;
    fourier(&time, &y, fundamental_hz, options)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sampled waveform of known harmonics: the DFT recovers them exactly (to rounding),
    /// phases in ngspice's convention (sine 0 degrees, cosine 90).
    #[test]
    fn known_harmonics_and_thd() {
        let f = 1e3;
        let n = 4001;
        let time: Vec<f64> = (0..n).map(|i| i as f64 * 2e-3 / (n - 1) as f64).collect();
        let w = 2.0 * std::f64::consts::PI * f;
        let values: Vec<f64> = time
            .iter()
            .map(|&t| {
                0.5 + 2.0 * (w * t).sin() + 0.2 * (2.0 * w * t).cos() - 0.02 * (3.0 * w * t).sin()
            })
            .collect();
        let r = fourier(&time, &values, f, FourierOptions::default()).unwrap();
        let h = &r.harmonics;
        assert_eq!(h.len(), 10);
        // Linear interpolation on a step of T/2000 errs by about (w h)^2/8 relative.
        let tol = 1e-4;
        assert!((h[0].magnitude - 0.5).abs() < tol, "{:?}", h[0]);
        assert!((h[1].magnitude - 2.0).abs() < tol && h[1].phase_deg.abs() < 0.01);
        assert!((h[2].magnitude - 0.2).abs() < tol && (h[2].phase_deg - 90.0).abs() < 0.01);
        assert!((h[3].magnitude - 0.02).abs() < tol && (h[3].phase_deg.abs() - 180.0).abs() < 0.1);
        assert!(h[4].magnitude < 1e-5);
        assert_eq!(h[2].freq_hz, 2000.0);
        // THD = sqrt(0.1^2 + 0.01^2) = 10.0499 %.
        assert!((r.thd_percent - 100.0 * (0.01f64 + 1e-4).sqrt()).abs() < 1e-2);
    }

    #[test]
    fn cubic_interpolation_is_exact_on_a_cubic() {
        let x: Vec<f64> = (0..12)
            .map(|i| f64::from(i) * 0.37 + 0.1 * f64::from(i % 3))
            .collect();
        let y: Vec<f64> = x.iter().map(|t| 1.0 - 2.0 * t + 0.5 * t * t * t).collect();
        let scale: Vec<f64> = (0..30).map(|i| 0.2 + f64::from(i) * 0.13).collect();
        let got = interpolate(&y, &x, &scale, 3).unwrap();
        for (s, g) in scale.iter().zip(&got) {
            let want = 1.0 - 2.0 * s + 0.5 * s * s * s;
            assert!(
                (g - want).abs() < 1e-9 * want.abs().max(1.0),
                "{s}: {g} vs {want}"
            );
        }
    }

    #[test]
    fn errors_name_the_cause() {
        let t = [0.0, 0.5e-3, 1e-3];
        let y = [0.0, 1.0, 0.0];
        assert_eq!(
            fourier(&t, &y, 500.0, FourierOptions::default()).unwrap_err(),
            "one period of 500 Hz (0.002 s) is longer than the transient (0.001 s)"
        );
        let flat = [0.0, 0.0, 0.0];
        assert!(fourier(&t, &flat, 1e3, FourierOptions::default())
            .unwrap_err()
            .contains("zero amplitude"));
    }
}
