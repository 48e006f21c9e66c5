//! `.noise`: output and input-referred noise spectra and their integrals, as ngspice computes
//! them (`noisean.c`, `NevalSrc`, `Nintegrate`).
//!
//! **Method (adjoint).** At each frequency the small-signal matrix `A = G + j*omega*C` at the
//! operating point is factored once. Two solves follow:
//! - `A x = b_ac` with every independent source at its AC value: the gain
//!   `H = v(out) - v(ref)` used to refer the noise to the input (as ngspice, the gain is that of
//!   the whole `.ac` excitation; the card's source must have an AC value, normally `ac 1`);
//! - the adjoint `A^T z = e`, `e` = +1 at `out`, -1 at `ref`. For a current `i` injected into
//!   unknown `a` and drawn out of `b`, `v(out) - v(ref) = (z_a - z_b) * i` (reciprocity), so
//!   one transposed solve gives the transfer of every noise generator.
//!
//! Output noise density `So(f) = sum_i |z_a - z_b|^2 * S_i(f)` (V^2/Hz), input-referred
//! `Si(f) = So(f) / max(|H|^2, 1e-20)`; the spectra written are `sqrt(So)`, `sqrt(Si)` (V/sqrt(Hz),
//! or A/sqrt(Hz) for a current input source: ngspice labels both `voltage-density`).
//!
//! **Integration.** Between consecutive frequencies each generator's density is taken to follow
//! a power law `S = a f^k` through its two end values (`k` from their log ratio) and integrated
//! exactly: `S*df` when `|k| < 1e-10`, `a*ln(f2/f1)` when `|k + 1| < 1e-10`, otherwise
//! `a*(f2^(k+1) - f1^(k+1))/(k+1)`. The input-referred integral uses the *current* point's gain
//! for both ends of the interval, as ngspice does. Totals are `sqrt` of the sums (V or A).
//!
//! **Output.** Two plots, as ngspice 39 writes them: `Noise Spectral Density Curves`
//! (`frequency`, then with a summary interval per device generator `onoise_<dev><suffix>` and
//! the device total `onoise_<dev>` (no total for a device whose one generator has no suffix:
//! ngspice's switches), then `onoise_spectrum`, `inoise_spectrum`), and, when
//! `fstart != fstop`, `Integrated Noise` with `v(onoise_total_<dev><suffix>)`,
//! `v(inoise_total_<dev><suffix>)` ... then `v(onoise_total)`, `v(inoise_total)`. With
//! `pts_per_summary = n > 0` only every n-th frequency (from the first) is written, as ngspice
//! does. Devices are listed by kind in the order of ngspice's device table (`bjt`, `dio`, `jfet`,
//! `mos1`-`mos3`, `res`, `sw`, ...), each kind's instances in reverse netlist order.

use super::ac::{ac_rhs, classic_frequencies, factor_at, linearise};
use crate::devices::nonlinear::Nonlinear;
use crate::devices::{
    noise_model, noise_rank, noise_sources, NoiseSource, CELSIUS_TO_KELVIN, N_MINLOG,
};
use crate::lu::Lu;
use crate::mna::System;
use crate::result::{Data, Plot, Unit, Vector};
use crate::SolveError;
use circuit::{AcVariation, Circuit, DeviceId, OutputNodes};
use num_complex::Complex64;
use std::collections::HashMap;

pub const SPECTRUM_PLOT: &str = "Noise Spectral Density Curves";
pub const INTEGRATED_PLOT: &str = "Integrated Noise";

/// The smallest squared gain the input-referred noise divides by (ngspice's `N_MINGAIN`).
const N_MINGAIN: f64 = 1e-20;
/// The largest log-log slope still integrated as flat (`N_INTFTHRESH`).
const N_INTFTHRESH: f64 = 1e-10;
/// How close to -1 a slope is integrated as `ln f` (`N_INTUSELOG`).
const N_INTUSELOG: f64 = 1e-10;

/// A `.noise` card with its names resolved.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NoiseSpec {
    pub out: OutputNodes,
    pub source: DeviceId,
    pub variation: AcVariation,
    pub points: usize,
    pub fstart: f64,
    pub fstop: f64,
    pub pts_per_summary: usize,
}

/// The noise generators of one device, in ngspice's order.
struct DeviceNoise {
    name: String,
    sources: Vec<NoiseSource>,
}

/// Densities computed at each frequency: per device, per generator, `|z_a - z_b|^2 * S(f)`.
struct Spectra {
    /// `[point][device][generator]` output noise densities (V^2/Hz).
    densities: Vec<Vec<Vec<f64>>>,
    /// `1 / max(|H|^2, N_MINGAIN)` at each point.
    gain_sq_inv: Vec<f64>,
}

pub fn run(circuit: &Circuit, sys: &System, spec: &NoiseSpec) -> Result<Vec<Plot>, SolveError> {
    // ngspice 39's NOISEan steps `dec` by 10^(1/N), unlike its `.ac`.
    let freqs = classic_frequencies(
        spec.variation,
        spec.points,
        spec.fstart,
        spec.fstop,
        circuit.options.reltol,
    );
    let (lin, states) = linearise(circuit, sys)?;
    let devices = noisy_devices(circuit, &lin, sys, &states);
    let spectra = solve(circuit, &lin, spec, &freqs, &devices)?;
    let mut plots = vec![spectrum_plot(spec, &freqs, &devices, &spectra)];
    if spec.fstart != spec.fstop && !freqs.is_empty() {
        plots.push(integrated_plot(spec, &freqs, &devices, &spectra));
    }
    Ok(plots)
}

/// Every device with noise generators, in ngspice's order: by kind as its device table lists
/// them ([`noise_rank`]), each kind's instances in reverse netlist order. `assembled` is the
/// system before linearisation (its nonlinear devices), `states` their operating-point states.
fn noisy_devices(
    circuit: &Circuit,
    lin: &System,
    assembled: &System,
    states: &[f64],
) -> Vec<DeviceNoise> {
    let temp_k = circuit.options.temp_c + CELSIUS_TO_KELVIN;
    let mut nonlinear: Vec<Option<(&dyn Nonlinear, &[f64])>> = vec![None; circuit.devices.len()];
    if !states.is_empty() {
        for (id, device, state) in assembled.nonlinear.with_states(states) {
            nonlinear[id.index()] = Some((device, state));
        }
    }
    // ngspice keeps each model's instances newest first and its models newest (by first use)
    // first: devices sharing a model sort by the model's first user.
    let mut first_user: HashMap<(u64, &str), usize> = HashMap::new();
    for (i, d) in circuit.devices.iter().enumerate() {
        if let Some(m) = noise_model(&d.kind) {
            first_user.entry((noise_rank(&d.kind), m)).or_insert(i);
        }
    }
    let mut ranked = Vec::new();
    for (i, d) in circuit.devices.iter().enumerate() {
        let sources = match nonlinear[i] {
            Some((device, state)) => device.noise(state, temp_k),
            None => noise_sources(circuit, &lin.unknowns, DeviceId(i as u32), temp_k),
        };
        if sources.is_empty() {
            continue;
        }
        let entry = DeviceNoise {
            name: d.name.clone(),
            sources,
        };
        let rank = noise_rank(&d.kind);
        let model = noise_model(&d.kind).map_or(i, |m| first_user[&(rank, m)]);
        ranked.push((rank, std::cmp::Reverse(model), std::cmp::Reverse(i), entry));
    }
    ranked.sort_by_key(|(rank, model, order, _)| (*rank, *model, *order));
    ranked.into_iter().map(|(_, _, _, entry)| entry).collect()
}

/// Factors once per frequency; solves for the gain and the adjoint; evaluates every generator.
fn solve(
    circuit: &Circuit,
    sys: &System,
    spec: &NoiseSpec,
    freqs: &[f64],
    devices: &[DeviceNoise],
) -> Result<Spectra, SolveError> {
    let n = sys.unknowns.len();
    let zero = Complex64::new(0.0, 0.0);
    let b = ac_rhs(circuit, sys);
    let (pos, neg) = (
        sys.unknowns.node(spec.out.pos),
        sys.unknowns.node(spec.out.neg),
    );
    let mut e = vec![zero; n];
    if let Some(p) = pos {
        e[p] += 1.0;
    }
    if let Some(q) = neg {
        e[q] -= 1.0;
    }
    let mut lu = Lu::<Complex64>::new(&sys.pattern);
    let mut values = vec![zero; sys.g.len()];
    let mut scratch = Vec::with_capacity(2 * n);
    let (mut x, mut z) = (vec![zero; n], vec![zero; n]);
    let mut out = Spectra {
        densities: Vec::with_capacity(freqs.len()),
        gain_sq_inv: Vec::with_capacity(freqs.len()),
    };
    for &f in freqs {
        if n > 0 {
            factor_at(circuit, sys, "noise", f, &mut values, &mut lu)?;
            x.copy_from_slice(&b);
            lu.solve_refined(&sys.pattern, &values, &mut x, &mut scratch);
            z.copy_from_slice(&e);
            lu.solve_transposed_refined(&sys.pattern, &values, &mut z, &mut scratch);
        }
        let at = |v: &[Complex64], i: Option<usize>| i.map_or(zero, |i| v[i]);
        let gain = at(&x, pos) - at(&x, neg);
        let densities: Vec<Vec<f64>> = devices
            .iter()
            .map(|d| {
                d.sources
                    .iter()
                    .map(|s| (at(&z, s.a) - at(&z, s.b)).norm_sqr() * s.density.at(f))
                    .collect()
            })
            .collect();
        if !gain.norm_sqr().is_finite() || densities.iter().flatten().any(|v| !v.is_finite()) {
            return Err(SolveError::NotFinite {
                analysis: "noise".into(),
                at: format!("frequency {f:e} Hz"),
                vector: "onoise_spectrum".into(),
            });
        }
        out.gain_sq_inv.push(1.0 / gain.norm_sqr().max(N_MINGAIN));
        out.densities.push(densities);
    }
    Ok(out)
}

/// Whether point `k` is written to the spectrum plot.
fn written(spec: &NoiseSpec, k: usize) -> bool {
    spec.pts_per_summary == 0 || k.is_multiple_of(spec.pts_per_summary)
}

fn spectrum_plot(
    spec: &NoiseSpec,
    freqs: &[f64],
    devices: &[DeviceNoise],
    spectra: &Spectra,
) -> Plot {
    let points: Vec<usize> = (0..freqs.len()).filter(|&k| written(spec, k)).collect();
    let column = |name: String, value: &dyn Fn(usize) -> f64| Vector {
        name,
        unit: Unit::VoltageDensity,
        data: Data::Real(points.iter().map(|&k| value(k).sqrt()).collect()),
    };
    let mut vectors = Vec::new();
    if spec.pts_per_summary != 0 {
        for (d, dev) in devices.iter().enumerate() {
            for (s, src) in dev.sources.iter().enumerate() {
                vectors.push(column(format!("onoise_{}{}", dev.name, src.suffix), &|k| {
                    spectra.densities[k][d][s]
                }));
            }
            // A generator without suffix (ngspice's switches) is the device's only vector.
            if dev.sources.iter().all(|src| !src.suffix.is_empty()) {
                vectors.push(column(format!("onoise_{}", dev.name), &|k| {
                    spectra.densities[k][d].iter().sum()
                }));
            }
        }
    }
    let total = |k: usize| -> f64 { spectra.densities[k].iter().flatten().sum() };
    vectors.push(column("onoise_spectrum".into(), &total));
    vectors.push(column("inoise_spectrum".into(), &|k| {
        total(k) * spectra.gain_sq_inv[k]
    }));
    Plot {
        name: SPECTRUM_PLOT.into(),
        scale: Some(Vector {
            name: "frequency".into(),
            unit: Unit::Frequency,
            data: Data::Real(points.iter().map(|&k| freqs[k]).collect()),
        }),
        vectors,
    }
}

/// One interval of the frequency grid, as `Nintegrate` sees it.
#[derive(Debug, Clone, Copy)]
pub struct Interval {
    pub del_freq: f64,
    pub ln_freq: f64,
    pub ln_last_freq: f64,
}

impl Interval {
    pub fn new(last: f64, f: f64) -> Self {
        Interval {
            del_freq: f - last,
            ln_freq: f.max(N_MINLOG).ln(),
            ln_last_freq: last.max(N_MINLOG).ln(),
        }
    }
}

/// The integral over `iv` of the power law through the densities whose logarithms are
/// `ln_last` (at the interval's start) and `ln_now` (at its end, where the density is `now`);
/// see the module docs.
pub fn integrate_interval(now: f64, ln_now: f64, ln_last: f64, iv: Interval) -> f64 {
    let exponent = (ln_now - ln_last) / (iv.ln_freq - iv.ln_last_freq);
    if exponent.abs() < N_INTFTHRESH {
        return now * iv.del_freq;
    }
    let arg = ln_now - exponent * iv.ln_freq;
    // ngspice's `limexp`: linear continuation above exp(700).
    let a = if arg > 700.0 {
        700f64.exp() * (1.0 + arg - 700.0)
    } else {
        arg.exp()
    };
    let k1 = exponent + 1.0;
    if k1.abs() < N_INTUSELOG {
        a * (iv.ln_freq - iv.ln_last_freq)
    } else {
        a * ((k1 * iv.ln_freq).exp() - (k1 * iv.ln_last_freq).exp()) / k1
    }
}

fn ln_density(s: f64) -> f64 {
    s.max(N_MINLOG).ln()
}

fn integrated_plot(
    spec: &NoiseSpec,
    freqs: &[f64],
    devices: &[DeviceNoise],
    spectra: &Spectra,
) -> Plot {
    // [device][generator] (output, input) integrals.
    let mut sums: Vec<Vec<(f64, f64)>> = devices
        .iter()
        .map(|d| vec![(0.0, 0.0); d.sources.len()])
        .collect();
    for k in 1..freqs.len() {
        let iv = Interval::new(freqs[k - 1], freqs[k]);
        if iv.del_freq == 0.0 {
            continue;
        }
        let ln_gain_inv = spectra.gain_sq_inv[k].ln();
        for (d, per_source) in sums.iter_mut().enumerate() {
            for (s, sum) in per_source.iter_mut().enumerate() {
                let now = spectra.densities[k][d][s];
                let (ln_now, ln_last) =
                    (ln_density(now), ln_density(spectra.densities[k - 1][d][s]));
                sum.0 += integrate_interval(now, ln_now, ln_last, iv);
                sum.1 += integrate_interval(
                    now * spectra.gain_sq_inv[k],
                    ln_now + ln_gain_inv,
                    ln_last + ln_gain_inv,
                    iv,
                );
            }
        }
    }
    let scalar = |name: String, v: f64| Vector {
        name,
        unit: Unit::Voltage,
        data: Data::Real(vec![v.sqrt()]),
    };
    let mut vectors = Vec::new();
    let (mut onoise, mut inoise) = (0.0, 0.0);
    for (dev, per_source) in devices.iter().zip(&sums) {
        let (mut o_dev, mut i_dev) = (0.0, 0.0);
        for (src, &(o, i)) in dev.sources.iter().zip(per_source) {
            if spec.pts_per_summary != 0 {
                vectors.push(scalar(
                    format!("v(onoise_total_{}{})", dev.name, src.suffix),
                    o,
                ));
                vectors.push(scalar(
                    format!("v(inoise_total_{}{})", dev.name, src.suffix),
                    i,
                ));
            }
            o_dev += o;
            i_dev += i;
        }
        if spec.pts_per_summary != 0 && dev.sources.iter().all(|src| !src.suffix.is_empty()) {
            vectors.push(scalar(format!("v(onoise_total_{})", dev.name), o_dev));
            vectors.push(scalar(format!("v(inoise_total_{})", dev.name), i_dev));
        }
        onoise += o_dev;
        inoise += i_dev;
    }
    vectors.push(scalar("v(onoise_total)".into(), onoise));
    vectors.push(scalar("v(inoise_total)".into(), inoise));
    Plot {
        name: INTEGRATED_PLOT.into(),
        scale: None,
        vectors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_and_one_over_f_intervals_integrate_exactly() {
        let iv = Interval::new(1e3, 1e4);
        // Flat density: the rectangle S * df.
        let s: f64 = 3e-17;
        let flat = integrate_interval(s, s.ln(), s.ln(), iv);
        assert!((flat - s * 9e3).abs() <= 1e-12 * flat);
        // S = c/f: integral c * ln(f2/f1).
        let c = 1e-14;
        let (s1, s2) = (c / 1e3, c / 1e4);
        let got = integrate_interval(s2, f64::ln(s2), f64::ln(s1), iv);
        let want = c * 10f64.ln();
        assert!((got - want).abs() <= 1e-9 * want, "{got} vs {want}");
        // S = c/f^2: integral c (1/f1 - 1/f2).
        let (s1, s2) = (c / 1e6, c / 1e8);
        let got = integrate_interval(s2, f64::ln(s2), f64::ln(s1), iv);
        let want = c * (1e-3 - 1e-4);
        assert!((got - want).abs() <= 1e-9 * want, "{got} vs {want}");
    }
}
