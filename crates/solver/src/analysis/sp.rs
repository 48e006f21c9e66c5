//! `.sp dec|oct|lin N fstart fstop`: S-, Y- and Z-parameters between the RF ports (V sources
//! with `portnum`), as ngspice 39 computes them (`span.c`, `cktspdum.c`, `vsrcacld.c`).
//!
//! A port is its V source behind its series resistance `z0` (see the voltage source's file).
//! At each frequency the circuit, linearised at its operating point, is solved once per port
//! with that port's source at 1 V and every other AC source at 0 (ngspice zeroes the V sources'
//! AC values in this analysis; balun zeroes the current sources' too). Each solution gives, at
//! every port `i` (voltage `v` across the source's terminals, current `i` into its `+`
//! terminal from the circuit, `k = 1/(2 sqrt(z0))`), Kurosawa's power waves
//! `a = k (v + z0 i)` and `b = k (v - z0 i)`: column `j` (the driven port) of the matrices
//! `A` and `B`. Then, with `Z0 = diag(z0)` and `Gn = diag(1/sqrt(z0))`:
//!
//! ```text
//! S = B A^-1,   Z = Gn^-1 (I - S)^-1 (S Z0 + Z0) Gn,   Y = Z^-1
//! ```
//!
//! (ngspice 39's formulas; later ngspice computes `Y` by another formula, equal to this one
//! up to rounding.) The frequencies are SPICE3's (`classic_frequencies`), as `SPan` steps them.
//!
//! The plot (`SP Analysis`, complex, scale `frequency`) holds, like ngspice's, the node
//! voltages and branch currents of the last port's solution, then `v(S_i_j)`, `v(Y_i_j)` and
//! `v(Z_i_j)` for `i`, `j` = 1..N (row `i` = the port whose wave is measured, column `j` =
//! the driven port).

use super::ac::{chunk_len, classic_frequencies, small_signal, sweep};
use super::unit_of;
use crate::devices;
use crate::mna::System;
use crate::result::{Data, Plot, Unit, Vector};
use crate::SolveError;
use circuit::{AcVariation, Circuit, DeviceId};
use nalgebra::DMatrix;
use num_complex::Complex64;

pub const PLOT_NAME: &str = "SP Analysis";

/// One port: its terminals' and branch's unknowns and its reference impedance.
struct Port {
    pos: Option<usize>,
    neg: Option<usize>,
    branch: usize,
    z0: f64,
}

/// What one chunk of frequencies keeps: the reported unknowns of the last port's solution
/// (`cols[j][k]`) and, per frequency, the incident and reflected waves (`[k][i][j]` flattened).
struct Chunk {
    cols: Vec<Vec<Complex64>>,
    a: Vec<Complex64>,
    b: Vec<Complex64>,
}

/// Runs `.sp` (see the module documentation). The caller checked that the ports are numbered
/// 1..N.
pub fn run(
    circuit: &Circuit,
    sys: &System,
    variation: AcVariation,
    points: usize,
    fstart: f64,
    fstop: f64,
) -> Result<Plot, SolveError> {
    let freqs = classic_frequencies(variation, points, fstart, fstop, circuit.options.reltol);
    let lin = small_signal(circuit, sys)?;
    let unk = &lin.unknowns;
    let mut ports: Vec<(u32, Port)> = circuit
        .devices
        .iter()
        .enumerate()
        .filter_map(|(i, d)| {
            devices::rf_port(&d.kind).map(|(pos, neg, p)| {
                let port = Port {
                    pos: unk.node(pos),
                    neg: unk.node(neg),
                    branch: unk.branch(DeviceId(i as u32)),
                    z0: p.z0_ohm,
                };
                (p.num, port)
            })
        })
        .collect();
    ports.sort_by_key(|(num, _)| *num);
    let ports: Vec<Port> = ports.into_iter().map(|(_, p)| p).collect();
    let np = ports.len();
    if np == 0 {
        return Err(SolveError::Unsupported(".sp without RF ports".into()));
    }
    let n = unk.len();
    let rhs: Vec<Vec<Complex64>> = ports
        .iter()
        .map(|p| {
            let mut b = vec![Complex64::new(0.0, 0.0); n];
            b[p.branch] = Complex64::new(1.0, 0.0);
            b
        })
        .collect();
    let reported = unk.reported();
    let chunk = chunk_len(freqs.len());
    let states: Vec<Chunk> = freqs
        .chunks(chunk)
        .map(|fs| Chunk {
            cols: vec![vec![Complex64::new(0.0, 0.0); fs.len()]; reported.len()],
            a: vec![Complex64::new(0.0, 0.0); fs.len() * np * np],
            b: vec![Complex64::new(0.0, 0.0); fs.len() * np * np],
        })
        .collect();
    let chunks = sweep(circuit, &lin, &freqs, &rhs, None, states, |st, k, e, x| {
        let at = |i: Option<usize>| i.map_or(Complex64::new(0.0, 0.0), |i| x.at(i));
        for (i, p) in ports.iter().enumerate() {
            let v = at(p.pos) - at(p.neg);
            let cur = -x.at(p.branch);
            let ki = 0.5 / p.z0.sqrt();
            st.a[(k * np + i) * np + e] = (v + cur * p.z0) * ki;
            st.b[(k * np + i) * np + e] = (v - cur * p.z0) * ki;
        }
        if e + 1 == np {
            for (col, &i) in st.cols.iter_mut().zip(reported) {
                col[k] = x.at(i);
            }
        }
    })?;
    let mut cols: Vec<Vec<Complex64>> = vec![Vec::with_capacity(freqs.len()); reported.len()];
    // S, Y, Z per frequency: [kind][i][j] -> values over frequency.
    let mut params: Vec<Vec<Complex64>> = vec![Vec::with_capacity(freqs.len()); 3 * np * np];
    let mut f_index = 0;
    for c in chunks {
        for (all, part) in cols.iter_mut().zip(c.cols) {
            all.extend(part);
        }
        for k in 0..c.a.len() / (np * np) {
            let f = freqs[f_index];
            f_index += 1;
            let block = |m: &[Complex64]| {
                DMatrix::from_row_slice(np, np, &m[k * np * np..(k + 1) * np * np])
            };
            let (s, y, z) =
                s_y_z(&block(&c.a), &block(&c.b), &ports).ok_or_else(|| SolveError::NotFinite {
                    analysis: "sp".into(),
                    at: format!("frequency {f:e} Hz"),
                    vector: "the Z and Y parameters (I - S is singular)".into(),
                })?;
            for (m, kind) in [s, y, z].iter().enumerate() {
                for i in 0..np {
                    for j in 0..np {
                        params[(m * np + i) * np + j].push(kind[(i, j)]);
                    }
                }
            }
        }
    }
    let mut vectors: Vec<Vector> = cols
        .into_iter()
        .zip(reported)
        .map(|(data, &i)| Vector {
            name: unk.name(circuit, i),
            unit: unit_of(unk, i),
            data: Data::Complex(data),
        })
        .collect();
    let mut params = params.into_iter();
    for kind in ["S", "Y", "Z"] {
        for i in 1..=np {
            for j in 1..=np {
                vectors.push(Vector {
                    name: format!("v({kind}_{i}_{j})"),
                    unit: Unit::Voltage,
                    data: Data::Complex(params.next().unwrap_or_default()),
                });
            }
        }
    }
    for v in &vectors {
        if let Data::Complex(d) = &v.data {
            if let Some(k) = d
                .iter()
                .position(|z| !(z.re.is_finite() && z.im.is_finite()))
            {
                return Err(SolveError::NotFinite {
                    analysis: "sp".into(),
                    at: format!("frequency {:e} Hz", freqs[k]),
                    vector: v.name.clone(),
                });
            }
        }
    }
    Ok(Plot {
        name: PLOT_NAME.into(),
        scale: Some(Vector {
            name: "frequency".into(),
            unit: Unit::Frequency,
            data: Data::Real(freqs),
        }),
        vectors,
    })
}

/// `S = B A^-1`, `Z = Gn^-1 (I - S)^-1 (S Z0 + Z0) Gn`, `Y = Z^-1` (ngspice 39's
/// `CKTspCalcSMatrix`); `None` when a matrix to invert is singular.
type Matrices = (DMatrix<Complex64>, DMatrix<Complex64>, DMatrix<Complex64>);

fn s_y_z(a: &DMatrix<Complex64>, b: &DMatrix<Complex64>, ports: &[Port]) -> Option<Matrices> {
    let np = ports.len();
    let s = b * a.clone().try_inverse()?;
    let z0 = DMatrix::from_fn(np, np, |i, j| {
        Complex64::new(if i == j { ports[i].z0 } else { 0.0 }, 0.0)
    });
    let gn = DMatrix::from_fn(np, np, |i, j| {
        Complex64::new(
            if i == j {
                1.0 / ports[i].z0.sqrt()
            } else {
                0.0
            },
            0.0,
        )
    });
    let gn_inv = DMatrix::from_fn(np, np, |i, j| {
        Complex64::new(if i == j { ports[i].z0.sqrt() } else { 0.0 }, 0.0)
    });
    let eye = DMatrix::<Complex64>::identity(np, np);
    let i_minus_s_inv = (eye - &s).try_inverse()?;
    let z = gn_inv * i_minus_s_inv * (&s * &z0 + &z0) * gn;
    let y = z.clone().try_inverse()?;
    Some((s, y, z))
}
