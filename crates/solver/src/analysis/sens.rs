//! `.sens`: DC and AC sensitivities of one output to every device parameter, as ngspice 39's
//! `sens_sens` (`cktsens.c`) computes them.
//!
//! For each parameter `p` (value `p0`, step `dp = 1e-6 p0`, or `1e-6` when `p0 = 0`) ngspice
//! loads the device twice into an empty matrix and right-hand side, at `p0` and at `p0 + dp`,
//! and takes the differences `dY`, `dI`; the change of the solution is `dE = Y^-1 (dI - dY E)`
//! (`E` the operating point for DC, the `.ac` solution at each frequency for AC; `Y` the
//! matrix there), and the sensitivity is the output's part of `dE` divided by `dp`: a one-sided
//! finite difference, not normalised (volts or amperes per unit of the parameter). balun does
//! the same differences of the device's own stamp (`System::stamp_alone`), so a nonlinear
//! dependence (a resistor's `1/R`) carries the same `O(1e-6)` truncation as ngspice's, and
//! takes the output's part with one adjoint solve per point, `z = Y^-T e_out`,
//! `dE_out = z . (dI - dY E)`.
//!
//! Which parameters, their names and their order are ngspice's (see
//! `devices::sens_params`): devices by kind in its device-table order, each kind's
//! instances in reverse netlist order, each device's model parameters (`r1:bv_max`), principal
//! value (`r1`) and instance parameters (`r1_m`). The DC plot has one real point and no scale;
//! the AC plot a `frequency` scale (ngspice's own grid, [`frequencies`]) and complex values.
//! Devices whose parameters balun does not report are listed by [`unreported`].

use super::ac::{ac_rhs, factor_at, linearise_at_op};
use crate::devices::{independent_source, sens_params, sens_step, SensParam};
use crate::lu::Lu;
use crate::mna::{DeviceStamp, System};
use crate::result::{Data, Plot, Unit, Vector};
use crate::SolveError;
use circuit::{AcVariation, AnalysisOutput, Circuit, DeviceId, DeviceKind, FreqGrid};
use num_complex::Complex64;

pub const PLOT_NAME: &str = "Sensitivity Analysis";

/// The frequencies of `.sens ... ac`, as ngspice 39's `count_steps` and `inc_freq` make them:
/// `dec`: `floor(N log10(fstop/fstart) + 1.01)` points, each the last times `10^(1/N)`; `oct`:
/// `floor(N ln(fstop/fstart) / log2(e) + 1.01)` points (ngspice divides by `log2(e)` where
/// `ln 2` was meant, so an octave counts as 0.48 of one) times `2^(1/N)`; `lin`: `N` points
/// from fstart in steps of `(fstop - fstart)/N` (fstop itself is not reached). At least one.
pub fn frequencies(grid: &FreqGrid) -> Vec<f64> {
    let steps = grid.points.max(1) as f64;
    let (mut low, mut high) = (grid.fstart_hz, grid.fstop_hz);
    let (n, step) = match grid.variation {
        AcVariation::Lin => (steps, (high - low) / steps),
        AcVariation::Dec | AcVariation::Oct => {
            let (base, span) = if grid.variation == AcVariation::Dec {
                (10.0_f64, 10.0)
            } else {
                (2.0, 2.0)
            };
            if low <= 0.0 {
                low = 1e-3;
            }
            if high <= low {
                high = span * low;
            }
            let decades = if grid.variation == AcVariation::Dec {
                (high / low).log10()
            } else {
                (high / low).ln() / std::f64::consts::LOG2_E
            };
            ((steps * decades + 1.01).trunc(), base.powf(1.0 / steps))
        }
    };
    let n = (n as usize).max(1);
    let mut f = grid.fstart_hz;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(f);
        if grid.variation == AcVariation::Lin {
            f += step;
        } else {
            f *= step;
        }
    }
    out
}

/// One reported parameter: its vector name and, when it changes the device's equations, the
/// device's stamps before and after the perturbation.
struct Param {
    name: String,
    step: f64,
    /// The device as ngspice leaves it afterwards, when that differs from before.
    left: Option<(DeviceId, DeviceKind)>,
    effect: Option<(DeviceId, DeviceStamp, DeviceStamp, Option<SourcePair>)>,
}

/// An independent source's DC value and AC phasor before and after a perturbation.
type SourcePair = [(f64, Complex64); 2];

/// The names of the devices whose parameters `.sens` does not report (ngspice reports them):
/// nonlinear devices, lines, switches, behavioural and POLY sources.
pub fn unreported(circuit: &Circuit) -> Vec<&str> {
    circuit
        .devices
        .iter()
        .filter(|d| sens_params(circuit, &d.kind, true, true).is_none())
        .map(|d| d.name.as_str())
        .collect()
}

/// Every reported parameter in ngspice's order (see the module docs).
fn params(circuit: &Circuit, sys: &System, ac: bool, first_point: bool) -> Vec<Param> {
    let mut ranked: Vec<(u32, std::cmp::Reverse<usize>, Vec<SensParam>)> = circuit
        .devices
        .iter()
        .enumerate()
        .filter_map(|(i, d)| {
            sens_params(circuit, &d.kind, ac, first_point)
                .map(|(rank, list)| (rank, std::cmp::Reverse(i), list))
        })
        .collect();
    ranked.sort_by_key(|(rank, order, _)| (*rank, *order));
    let phasor = |kind: &circuit::DeviceKind| {
        independent_source(kind).map(|s| {
            (
                s.dc,
                Complex64::from_polar(s.ac_mag, s.ac_phase_deg.to_radians()),
            )
        })
    };
    let mut out = Vec::new();
    for (_, std::cmp::Reverse(i), list) in ranked {
        let device = &circuit.devices[i];
        let id = DeviceId(i as u32);
        for p in list {
            let effect = p.perturbed.clone().map(|kind| {
                let before = sys.stamp_alone(circuit, id, &device.kind);
                let after = sys.stamp_alone(circuit, id, &kind);
                let values = phasor(&device.kind).zip(phasor(&kind)).map(|(a, b)| [a, b]);
                (id, before, after, values)
            });
            out.push(Param {
                name: format!("{}{}", device.name, p.suffix),
                step: sens_step(p.value),
                left: p.left.map(|kind| (id, kind)),
                effect,
            });
        }
    }
    out
}

/// `z . (dI - dY E) / dp` for one parameter: `omega` 0 and the DC values for DC.
fn sensitivity(p: &Param, z: &[Complex64], e: &[Complex64], omega: Option<f64>) -> Complex64 {
    let Some((_, before, after, values)) = &p.effect else {
        return Complex64::new(0.0, 0.0);
    };
    let w = omega.unwrap_or(0.0);
    let mut acc = Complex64::new(0.0, 0.0);
    for (&(r, c, g0, c0), &(_, _, g1, c1)) in before.entries.iter().zip(&after.entries) {
        let dy = Complex64::new(g1 - g0, w * (c1 - c0));
        acc -= z[r] * dy * e[c];
    }
    if omega.is_some() {
        for (stamp, sign) in [(after, -1.0), (before, 1.0)] {
            for &(r, c, g) in &stamp.ac_entries {
                acc += z[r] * (sign * g) * e[c];
            }
        }
    }
    if let Some([(dc0, ac0), (dc1, ac1)]) = values {
        let di = match omega {
            None => Complex64::new(dc1 - dc0, 0.0),
            Some(_) => ac1 - ac0,
        };
        for &(row, sign) in &before.sources {
            acc += z[row] * di * sign;
        }
    }
    acc / p.step
}

/// One point of `.sens`: the vector names, the sensitivities, and the devices as ngspice
/// leaves them after perturbing them (see `devices::SensParam::left`).
type PointResult = (Vec<String>, Vec<Complex64>, Vec<(DeviceId, DeviceKind)>);

/// Solves one point (`f`: `None` for DC; `first`: the first frequency) on `circuit`.
fn point(
    circuit: &Circuit,
    sys: &System,
    out: AnalysisOutput,
    f: Option<f64>,
    first: bool,
) -> Result<PointResult, SolveError> {
    let op = linearise_at_op(circuit, sys, "sens")?;
    let lin: &System = &op.lin;
    let unk = &lin.unknowns;
    let n = unk.len();
    let zero = Complex64::new(0.0, 0.0);
    let mut z = vec![zero; n];
    match out {
        AnalysisOutput::Voltage(o) => {
            if let Some(p) = unk.node(o.pos) {
                z[p] += 1.0;
            }
            if let Some(q) = unk.node(o.neg) {
                z[q] -= 1.0;
            }
        }
        AnalysisOutput::Current(d) => z[unk.branch(d)] += 1.0,
    }
    let mut lu = Lu::<Complex64>::new(&lin.pattern);
    let mut values = vec![zero; lin.g.len()];
    let mut scratch = Vec::with_capacity(n);
    factor_at(circuit, lin, "sens", f.unwrap_or(0.0), &mut values, &mut lu)?;
    let e: Vec<Complex64> = match f {
        None => op.next.iter().map(|&x| x.into()).collect(),
        Some(_) => {
            let mut e = ac_rhs(circuit, lin);
            lu.solve_refined(&lin.pattern, &values, &mut e, &mut scratch);
            e
        }
    };
    lu.solve_transposed_refined(&lin.pattern, &values, &mut z, &mut scratch);
    let list = params(circuit, lin, f.is_some(), first);
    let omega = f.map(|f| 2.0 * std::f64::consts::PI * f);
    let mut sens = Vec::with_capacity(list.len());
    for p in &list {
        let s = sensitivity(p, &z, &e, omega);
        if !(s.re.is_finite() && s.im.is_finite()) {
            return Err(SolveError::NotFinite {
                analysis: "sens".into(),
                at: f.map_or("the operating point".to_string(), |f| {
                    format!("frequency {f:e} Hz")
                }),
                vector: p.name.clone(),
            });
        }
        sens.push(s);
    }
    let left = list.iter().filter_map(|p| p.left.clone()).collect();
    Ok((list.into_iter().map(|p| p.name).collect(), sens, left))
}

/// Runs `.sens` of `out`, at DC (`ac: None`) or over the grid `ac`.
pub fn run(
    circuit: &Circuit,
    sys: &System,
    out: AnalysisOutput,
    ac: Option<&FreqGrid>,
) -> Result<Plot, SolveError> {
    let freqs = ac.map(frequencies);
    let points = freqs.as_ref().map_or(1, Vec::len);
    let mut names = Vec::new();
    let mut columns: Vec<Vec<Complex64>> = Vec::new();
    // The circuit as ngspice 39 has left it after the points so far (a `K`'s coupling).
    let mut changed: Option<(Circuit, System)> = None;
    for k in 0..points {
        let (c, s) = changed.as_ref().map_or((circuit, sys), |(c, s)| (c, s));
        let (list, sens, left) = point(c, s, out, freqs.as_ref().map(|fs| fs[k]), k == 0)?;
        if k == 0 {
            names = list;
            columns = vec![Vec::with_capacity(points); names.len()];
        }
        for (column, s) in columns.iter_mut().zip(sens) {
            column.push(s);
        }
        if !left.is_empty() {
            let mut c = c.clone();
            for (id, kind) in left {
                c.devices[id.index()].kind = kind;
            }
            let s = System::assemble(&c);
            changed = Some((c, s));
        }
    }
    let vectors = names
        .into_iter()
        .zip(columns)
        .map(|(name, data)| Vector {
            name,
            unit: Unit::Voltage,
            data: if freqs.is_some() {
                Data::Complex(data)
            } else {
                Data::Real(data.into_iter().map(|c| c.re).collect())
            },
        })
        .collect();
    Ok(Plot {
        name: PLOT_NAME.into(),
        scale: freqs.map(|f| Vector {
            name: "frequency".into(),
            unit: Unit::Frequency,
            data: Data::Real(f),
        }),
        vectors,
    })
}
