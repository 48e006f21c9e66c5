//! Single lossy line `Yname in gnd out gnd MODEL` with `.model MODEL TXL R= L= G= C=
//! length=`, ngspice 39's `txl` device (`src/spicelib/devices/txl`, after Charles Hough's SWEC
//! line, 1992).
//!
//! **Unknowns**: two branch currents, `branch1` flowing into `in` and `branch2` into `out`
//! (both written `i(y1)`, as ngspice writes `y1#branch1` and `y1#branch2`). The line is
//! referenced to ground: ngspice reads the card's two ground nodes and ignores them.
//!
//! **DC** (`.op`, `.dc`, the transient's start), `TXLload` in `MODEDC`: `i1 + i2 = 0` and
//! `v(in) - v(out) = R*length*i1`, the rows of the `LTRA` line's DC model. In every analysis
//! `TXLload` also adds `0.1*GMIN` to all four entries `(in, in)`, `(in, out)`, `(out, in)`,
//! `(out, out)` (all positive: a current `0.1*GMIN*(v(in) + v(out))` leaves each end), which is
//! reproduced here because it sets the branch currents of an unloaded line.
//!
//! **AC**: the exact two-port of the line, as the `LTRA` line's (`devices/ltra.rs`). ngspice
//! calls `TXLload` itself as the AC load, so its AC solution is that of the transient companion
//! model below at the last step, the same at every frequency; balun gives the line's true
//! frequency response instead.
//!
//! **Transient** (`TXLload`, set up by `ReadTxL` in `txlsetup.c`): with `Y0 = sqrt(C/L)` and
//! `TD = sqrt(LC)*length`, the port rows are
//!
//! ```text
//! i1(t) = Y0*V1(t) + (h1 * V1)(t) - [ (h3 * V2)(t - TD) + (h2 * i2)(t - TD) ]   (port 2 alike)
//! h1(s) = Y0*(sqrt((s + G/C)/(s + R/L)) - 1)             ~ sum_k c_k/(s - x_k), 3 poles
//! h2(s) = exp(-length*(sqrt((s+R/L)(s+G/C)) - s)*sqrt(LC)) ~ exp(-a0)*(1 + sum_k c_k/(s - x_k))
//! h3(s) = h1(s)*h2(s)                                    in partial fractions, 6 poles
//! ```
//!
//! where each fraction is the Padé [3/3] approximant of the function's series (the `y_pade`,
//! `exp_pade` fits: a 3x3 linear system for the denominator, its cubic's roots by the
//! trigonometric or Cardano form refined by Newton steps; `h2` may have a complex pole pair).
//! Each pole's convolution is kept recursively: over a step `h` the state becomes
//! `s*exp(x h) + h/2*c*(u(t-h)*exp(x h) + u(t))` (the trapezoidal rule), the delayed port values linear
//! between stored points; `h1`'s state is carried from point to point with the port voltage
//! linear over the interval (ngspice's `update_cnv_txl`, including its slope being scaled by
//! each pole's `c/x` cumulatively). Time runs in whole picoseconds as in ngspice (`(int)(t*1e12)`:
//! a point less than 1 ps after the last stored one is not stored). The matrix rows are
//! `Y0 + h/2*sum(c_k of h1)` on the own voltage; when the step is longer than the delay, the
//! delayed far-end point lies inside the step and enters the matrix with weight
//! `ratio = (h - TD)/h`. A line with `R/L < 5e5` (and `G < 1e-2`) is lossless here (`h1 = 0`, `h2 = 1`,
//! `h3 = Y0`): only the delayed waves, `R` kept in DC and AC only. A lossy line's steps are at
//! most 0.9 of the delay (ngspice lowers TMAX so at the first longer step); a lossless one
//! takes any step.
//!
//! Against ngspice 39 the waveforms agree to 1e-14 where both take the same time points.

use crate::mna::Stamper;
use circuit::{LtraLine, NodeId, Options};

/// ngspice's suffixes of the line's branch currents, in [`crate::mna::Unknowns::extra`] order
/// (a suffix starting with `branch` is written `i(name)`).
pub const UNKNOWNS: [&str; 2] = ["branch1", "branch2"];

/// Stamps the line (as the `LTRA` line of its parameters, ports `in`-ground and `out`-ground)
/// and `TXLload`'s `0.1*GMIN` entries.
pub(super) fn stamp(pos: NodeId, neg: NodeId, line: &LtraLine, opts: &Options, st: &mut Stamper) {
    let m = &line.model;
    // Elaboration keeps L, C > 0 and G = 0, where the fits do not fail; were one to fail, the
    // line would keep the LTRA convolutions.
    let pade = Pade::new(
        m.r_ohm_per_m,
        m.l_h_per_m,
        m.g_s_per_m,
        m.c_f_per_m,
        line.length_m,
    )
    .ok();
    let nodes = [pos, NodeId::GROUND, neg, NodeId::GROUND];
    super::ltra::stamp_with(nodes, line, opts, pade, st);
    gmin_entries(pos, neg, opts.gmin, st);
}

/// `TXLload`'s and `CPLload`'s `0.1*GMIN` on all four of `(a, a)`, `(b, b)`, `(b, a)`, `(a, b)`,
/// all positive, for a line conductor from `a` to `b`, in every analysis: it is what makes a
/// conductor left open at both ends solvable at DC (both ends then sit at 0 V).
pub(super) fn gmin_entries(a: NodeId, b: NodeId, gmin: f64, st: &mut Stamper) {
    let (a, b) = (st.node(a), st.node(b));
    for (r, c) in [(a, a), (b, b), (b, a), (a, b)] {
        st.g(r, c, 0.1 * gmin);
    }
}

/// One pole of a Padé fraction: residue `c` and pole `x` (1/s).
#[derive(Debug, Clone, Copy, Default)]
struct Term {
    c: f64,
    x: f64,
}

/// The line's transient model as ngspice's `ReadTxL` derives it from `R`, `L`, `G`, `C` and
/// the length (`txlsetup.c`), see the module docs.
#[derive(Debug, Clone)]
pub struct Pade {
    /// ngspice's `lsl`: the line runs lossless (`R/L < 5e5`, `G < 1e-2`).
    lossless: bool,
    /// Delay `sqrt(LC)*length` in picoseconds (ngspice's time unit here).
    taul_ps: f64,
    /// `sqrt(C/L)`.
    y0: f64,
    /// Sum of the `h1` residues.
    h1c: f64,
    /// `exp(-a0)`: the attenuation of the delayed wave.
    h2_aten: f64,
    h3_aten: f64,
    h1: [Term; 3],
    h2: [Term; 3],
    h3: [Term; 6],
    /// `h2` (and so `h3`) has a complex pole pair: terms 1, 2 of `h2` (4, 5 of `h3`) hold its
    /// real and imaginary parts.
    complex: bool,
}

/// Where the Padé construction fails as ngspice's does (it exits there).
#[derive(Debug, Clone, PartialEq)]
pub struct PadeError(pub String);

impl Pade {
    /// ngspice's `ReadTxL` and `main_pade` (`y_pade`, `exp_pade`, `get_h3`, `update_h1C_c`).
    pub fn new(r: f64, l: f64, g: f64, c: f64, len: f64) -> Result<Pade, PadeError> {
        let l = l.max(1e-12);
        let mut p = Pade {
            lossless: false,
            taul_ps: 0.0,
            y0: (c / l).sqrt(),
            h1c: 0.0,
            h2_aten: 0.0,
            h3_aten: 0.0,
            h1: [Term::default(); 3],
            h2: [Term::default(); 3],
            h3: [Term::default(); 6],
            complex: false,
        };
        if r / l < 5e5 && g < 1e-2 {
            p.lossless = true;
            p.taul_ps = (c * l).sqrt() * len * 1e12;
            p.h3_aten = p.y0;
            p.h2_aten = 1.0;
            return Ok(p);
        }
        p.y_pade(r, l, g, c)?;
        p.exp_pade(r, l, g, c, len)?;
        p.h3_terms();
        p.taul_ps *= 1e12;
        for t in &mut p.h1 {
            t.c *= p.y0;
        }
        p.h1c = p.h1.iter().map(|t| t.c).sum();
        for t in &mut p.h2 {
            t.c *= p.h2_aten;
        }
        for t in &mut p.h3 {
            t.c *= p.h3_aten;
        }
        Ok(p)
    }

    /// `Y(s)/sqrt(C/L) = sqrt((s + G/C)/(s + R/L))` as `1 + sum c_k/(s - x_k)`: the Padé [3/3]
    /// fraction of its Maclaurin series in `1/s` (ngspice's `y_pade`, `mac`).
    fn y_pade(&mut self, r: f64, l: f64, g: f64, c: f64) -> Result<(), PadeError> {
        let (rdl, gdc) = (r / l, g / c);
        let b = maclaurin(gdc, rdl);
        let k = (gdc / rdl).sqrt();
        let mut a = [
            [1.0 - k, b[0], b[1], -b[2]],
            [b[0], b[1], b[2], -b[3]],
            [b[1], b[2], b[3], -b[4]],
        ];
        gauss_jordan(&mut a, 1e-16)?;
        let (p3, p2, p1) = (a[0][3], a[1][3], a[2][3]);
        let q1 = p1 + b[0];
        let q2 = b[0] * p1 + p2 + b[1];
        let q3 = p3 * k;
        let [x1, x2, x3] = match cubic_roots(p1, p2, p3, 1e-18, 1e9) {
            Roots::Real(x) => x,
            Roots::Complex(..) => {
                return Err(PadeError(
                    "two imaginary roots in the characteristic admittance (ngspice stops here)"
                        .into(),
                ))
            }
        };
        for (t, x) in self.h1.iter_mut().zip([x1, x2, x3]) {
            *t = Term {
                c: eval2(q1 - p1, q2 - p2, q3 - p3, x) / eval2(3.0, 2.0 * p1, p2, x),
                x,
            };
        }
        Ok(())
    }

    /// `exp(-gamma(s)*len)` with the delay `s*sqrt(LC)*len` taken out, as `exp(-a0)` times
    /// `1 + sum c_k/(s - x_k)`: a Padé [3/3] fraction of the series of
    /// `exp(-len*(sqrt((s+R/L)(s+G/C)) - s))` (ngspice's `exp_pade`, `pade`).
    fn exp_pade(&mut self, r: f64, l: f64, g: f64, c: f64, len: f64) -> Result<(), PadeError> {
        let tau = (l * c).sqrt();
        let (a, b) = (r / l, g / c);
        let rg = r * g;
        let y1 = 0.5 * (a + b);
        let y2 = a * b - y1 * y1;
        let y3 = -3.0 * y1 * y2;
        let y4 = -3.0 * y2 * y2 - 4.0 * y1 * y3;
        let y5 = -5.0 * y1 * y4 - 10.0 * y2 * y3;
        let y6 = -10.0 * y3 * y3 - 15.0 * y2 * y4 - 6.0 * y1 * y5;
        let a0 = y1 * tau * len;
        let coef = [
            y2 * tau.powi(2) / 2.0,
            y3 * tau.powi(3) / 6.0,
            y4 * tau.powi(4) / 24.0,
            y5 * tau.powi(5) / 120.0,
            y6 * tau.powi(6) / 720.0,
        ]
        .map(|v| -v * len);
        // b: the series of exp(sum a_j z^j), b_i = sum_j j a_j b_(i-j) / i.
        let mut bs = [0.0; 6];
        bs[0] = 1.0;
        for i in 1..=5 {
            bs[i] = (1..=i)
                .map(|j| j as f64 * coef[j - 1] * bs[i - j])
                .sum::<f64>()
                / i as f64;
        }
        let k = (a0 - len * rg.sqrt()).exp();
        let mut m = [
            [1.0 - k, bs[1], bs[2], -bs[3]],
            [bs[1], bs[2], bs[3], -bs[4]],
            [bs[2], bs[3], bs[4], -bs[5]],
        ];
        gauss_jordan(&mut m, 1e-28)?;
        let (mut ep3, mut ep2, mut ep1) = (m[0][3], m[1][3], m[2][3]);
        let mut eq1 = ep1 + bs[1];
        let mut eq2 = bs[1] * ep1 + ep2 + bs[2];
        let mut eq3 = ep3 * k;
        ep3 /= tau * tau * tau;
        ep2 /= tau * tau;
        ep1 /= tau;
        eq3 /= tau * tau * tau;
        eq2 /= tau * tau;
        eq1 /= tau;
        let (n1, n2, n3) = (eq1 - ep1, eq2 - ep2, eq3 - ep3);
        let residue = |x: f64| eval2(n1, n2, n3, x) / eval2(3.0, 2.0 * ep1, ep2, x);
        match cubic_roots(ep1, ep2, ep3, 1e-16, 1e8) {
            Roots::Real([x1, x2, x3]) => {
                for (t, x) in self.h2.iter_mut().zip([x1, x2, x3]) {
                    *t = Term { c: residue(x), x };
                }
            }
            Roots::Complex(x1, re, im) => {
                self.complex = true;
                let (cr, ci) = complex_residue(n1, n2, n3, ep1, ep2, re, im);
                self.h2 = [
                    Term {
                        c: residue(x1),
                        x: x1,
                    },
                    Term { c: cr, x: re },
                    Term { c: ci, x: im },
                ];
            }
        }
        self.taul_ps = tau * len;
        self.h2_aten = (-a0).exp();
        Ok(())
    }

    /// `h3 = h1 * h2` in partial fractions over the poles of both (ngspice's `get_h3`).
    fn h3_terms(&mut self) {
        self.h3_aten = self.h2_aten * self.y0;
        let [c1, c2, c3] = self.h1.map(|t| t.c);
        let [x1, x2, x3] = self.h1.map(|t| t.x);
        let [c4, c5, c6] = self.h2.map(|t| t.c);
        let [x4, x5, x6] = self.h2.map(|t| t.x);
        let xs = [x1, x2, x3, x4, x5, x6];
        for (t, &x) in self.h3.iter_mut().zip(&xs) {
            t.x = x;
        }
        let h1 = [(c1, x1), (c2, x2), (c3, x3)];
        if self.complex {
            for (k, &(c, x)) in h1.iter().enumerate() {
                let pair =
                    2.0 * (c5 * x - x6 * c6 - x5 * c5) / (x * x - 2.0 * x5 * x + x5 * x5 + x6 * x6);
                self.h3[k].c = c + c * (c4 / (x - x4) + pair);
            }
            self.h3[3].c = c4 + c4 * h1.iter().map(|&(c, x)| c / (x4 - x)).sum::<f64>();
            let (mut re, mut im) = (c5, c6);
            for &(c, x) in &h1 {
                let (r, i) = div_c(c5, c6, x5 - x, x6);
                re += r * c;
                im += i * c;
            }
            self.h3[4].c = re;
            self.h3[5].c = im;
        } else {
            let h2 = [(c4, x4), (c5, x5), (c6, x6)];
            for (k, &(c, x)) in h1.iter().enumerate() {
                self.h3[k].c = c + c * h2.iter().map(|&(c2, x2)| c2 / (x - x2)).sum::<f64>();
            }
            for (k, &(c, x)) in h2.iter().enumerate() {
                self.h3[3 + k].c = c + c * h1.iter().map(|&(c1, x1)| c1 / (x - x1)).sum::<f64>();
            }
        }
    }

    /// The delay in seconds.
    pub fn delay_s(&self) -> f64 {
        self.taul_ps * 1e-12
    }

    /// Whether the transient runs the line lossless (ngspice's `lsl`).
    pub fn lossless(&self) -> bool {
        self.lossless
    }
}

/// `a x^2 + b x + c`.
fn eval2(a: f64, b: f64, c: f64, x: f64) -> f64 {
    a * x * x + b * x + c
}

/// `(ar + j ai) / (br + j bi)`, as ngspice's `div_C` writes it.
fn div_c(ar: f64, ai: f64, br: f64, bi: f64) -> (f64, f64) {
    let d = br * br + bi * bi;
    ((ar * br + ai * bi) / d, (-ar * bi + ai * br) / d)
}

/// The first five Maclaurin coefficients of `sqrt((1 + a z)/(1 + b z))` (ngspice's `mac`).
fn maclaurin(a: f64, b: f64) -> [f64; 5] {
    let k = 0.5 * (3.0 * b * b - 2.0 * a * b - a * a);
    let y1 = 0.5 * (a - b);
    let y2 = k * y1 / (a - b);
    let y3 = ((3.0 * b * b + a * a) * y1 * y1 + k * y2) / (a - b);
    let y4 = ((3.0 * b * b - 3.0 * a * a) * y1 * y1 * y1
        + (9.0 * b * b + 3.0 * a * a) * y1 * y2
        + k * y3)
        / (a - b);
    let y5 = (12.0 * a * a * y1 * y1 * y1 * y1
        + y1 * y1 * y2 * (18.0 * b * b - 18.0 * a * a)
        + (9.0 * b * b + 3.0 * a * a) * (y2 * y2 + y1 * y3)
        + (3.0 * b * b + a * a) * y1 * y3
        + k * y4)
        / (a - b);
    [y1, y2 / 2.0, y3 / 6.0, y4 / 24.0, y5 / 120.0]
}

/// Gauss-Jordan elimination with partial pivoting of a 3x4 augmented system in place; the
/// solution ends in column 3. Fails when every candidate pivot is below `eps` (ngspice's
/// `Gaussian_Elimination1`/`2`).
fn gauss_jordan(a: &mut [[f64; 4]; 3], eps: f64) -> Result<(), PadeError> {
    for i in 0..3 {
        let mut imax = i;
        for j in i + 1..3 {
            if a[j][i].abs() > a[imax][i].abs() {
                imax = j;
            }
        }
        if a[imax][i].abs() < eps {
            return Err(PadeError(format!(
                "Gaussian elimination fails in the Padé fit: every pivot is below {eps:e}"
            )));
        }
        a.swap(i, imax);
        let f = 1.0 / a[i][i];
        a[i][i] = 1.0;
        for v in &mut a[i][i + 1..] {
            *v *= f;
        }
        let pivot = a[i];
        for (j, row) in a.iter_mut().enumerate() {
            if j == i {
                continue;
            }
            let f = row[i];
            row[i] = 0.0;
            for (v, p) in row[i + 1..].iter_mut().zip(&pivot[i + 1..]) {
                *v -= f * p;
            }
        }
    }
    Ok(())
}

enum Roots {
    Real([f64; 3]),
    /// One real root and a complex pair `re +- j im`.
    Complex(f64, f64, f64),
}

/// The roots of `x^3 + a1 x^2 + a2 x + a3`: one real root by the trigonometric or Cardano
/// form, refined by Newton steps (at most 32, until a step is below 5e-4, falling back to the
/// first estimate), then the quadratic left after dividing it out. `scale`, `unscale`: the
/// quadratic's discriminant is square-rooted as `sqrt(d*scale)*unscale` (ngspice's
/// `find_roots` uses 1e-18 and 1e9, `exp_find_roots` 1e-16 and 1e8).
fn cubic_roots(a1: f64, a2: f64, a3: f64, scale: f64, unscale: f64) -> Roots {
    let q = (a1 * a1 - 3.0 * a2) / 9.0;
    let p = (2.0 * a1 * a1 * a1 - 9.0 * a1 * a2 + 27.0 * a3) / 54.0;
    let t = q * q * q - p * p;
    let mut x = if t >= 0.0 {
        let t = (p / (q * q.sqrt())).acos();
        -2.0 * q.sqrt() * (t / 3.0).cos() - a1 / 3.0
    } else if p > 0.0 {
        let t = ((-t).sqrt() + p).powf(1.0 / 3.0);
        -(t + q / t) - a1 / 3.0
    } else if p == 0.0 {
        -a1 / 3.0
    } else {
        let t = ((-t).sqrt() - p).powf(1.0 / 3.0);
        (t + q / t) - a1 / 3.0
    };
    let newton = |x: f64| {
        let f = x * x * x + a1 * x * x + a2 * x + a3;
        let df = 3.0 * x * x + 2.0 * a1 * x + a2;
        x - f / df
    };
    let first = x;
    let mut steps = 0;
    loop {
        let t = newton(x);
        if (t - x).abs() <= 5e-4 {
            break;
        }
        steps += 1;
        if steps == 32 {
            x = first;
            break;
        }
        x = t;
    }
    // x^2 + b x + c after dividing out (x - root).
    let (b, c) = (a1 + x, -a3 / x);
    let d = b * b - 4.0 * c;
    if d < 0.0 {
        return Roots::Complex(x, -0.5 * b, 0.5 * (-d).sqrt());
    }
    let s = (d * scale).sqrt() * unscale;
    let r2 = if b >= 0.0 {
        -0.5 * (b + s)
    } else {
        -0.5 * (b - s)
    };
    Roots::Real([x, r2, c / r2])
}

/// The residue at the complex pole `a + j b` of `(n1 s^2 + n2 s + n3)/(s^3 + e1 s^2 + e2 s +
/// e3)` (ngspice's `get_c`).
fn complex_residue(n1: f64, n2: f64, n3: f64, e1: f64, e2: f64, a: f64, b: f64) -> (f64, f64) {
    let dr = 3.0 * (a * a - b * b) + 2.0 * e1 * a + e2;
    let di = 6.0 * a * b + 2.0 * e1 * b;
    let nr = n1 * (a * a - b * b) + n2 * a + n3;
    let ni = 2.0 * n1 * a * b + n2 * b;
    let d = dr * dr + di * di;
    ((dr * nr + di * ni) / d, (-nr * di + ni * dr) / d)
}

/// One stored point: time in integer picoseconds (ngspice's `(int)(t*1e12)`), the port
/// voltages and currents.
#[derive(Debug, Clone, Copy)]
struct Vi {
    time: i64,
    v_in: f64,
    v_out: f64,
    i_in: f64,
    i_out: f64,
}

/// The recursive convolutions' states, `[in, out]` per pole (ngspice's `cnv_i`, `cnv_o`), and
/// what the last step left for the next (`h1e`, the delayed-point ratio).
#[derive(Debug, Clone, Default)]
struct Conv {
    h1: [[f64; 2]; 3],
    h2: [[f64; 2]; 3],
    h3: [[f64; 2]; 6],
    h1e: [f64; 3],
    ratio: f64,
    ext: bool,
}

/// Transient state of one `Y` line (ngspice's `TXLine` pair and its `VI_list`).
#[derive(Debug, Clone)]
pub struct TxlHistory {
    vi: Vec<Vi>,
    /// First stored point a delayed look-up can need.
    head: usize,
    /// Port voltages at the operating point.
    dc: [f64; 2],
    /// The convolutions at the newest stored point, and at the step being solved.
    at_last: Conv,
    trial: Conv,
    /// Port voltages at the newest stored point and their slopes per picosecond.
    node_v: [f64; 2],
    node_dv: [f64; 2],
    /// The newest accepted solution's `[V_in, i_in, V_out, i_out]`, stored at the next step
    /// that starts at a later whole picosecond.
    pending: Option<[f64; 4]>,
}

/// A step's contribution: the port rows' coefficients (`Y0 + h/2*h1C` on the own voltage, and
/// the far-end voltage and current weights when the delayed point lies inside the step) and
/// the right-hand sides of rows `i1`, `i2`.
#[derive(Debug, Clone, Copy, Default)]
pub struct TxlStep {
    pub y: f64,
    pub far_v: f64,
    pub far_i: f64,
    pub rhs: [f64; 2],
}

impl TxlHistory {
    /// The state at the first transient step: the operating point's port values
    /// `[V_in, i_in, V_out, i_out]` as the only stored point, the convolutions in steady state.
    pub fn new(p: &Pade, ports: [f64; 4]) -> TxlHistory {
        let [v_in, i_in, v_out, i_out] = ports;
        let mut conv = Conv::default();
        for (s, t) in conv.h1.iter_mut().zip(&p.h1) {
            *s = [-v_in * t.c / t.x, -v_out * t.c / t.x];
        }
        for (s, t) in conv.h3.iter_mut().zip(&p.h3) {
            *s = [-v_in * t.c / t.x, -v_out * t.c / t.x];
        }
        TxlHistory {
            vi: vec![Vi {
                time: 0,
                v_in,
                v_out,
                i_in,
                i_out,
            }],
            head: 0,
            dc: [v_in, v_out],
            trial: conv.clone(),
            at_last: conv,
            node_v: [v_in, v_out],
            node_dv: [0.0; 2],
            pending: None,
        }
    }

    /// Records an accepted solution's port values (taken into the history by the next step
    /// that starts at a later whole picosecond, as ngspice's `TXLload` does).
    pub fn accept(&mut self, ports: [f64; 4]) {
        self.pending = Some(ports);
    }

    /// The step from `t - h` to `t` (seconds): ngspice's `TXLload` outside `MODEDC`.
    pub fn prepare(&mut self, p: &Pade, t: f64, h: f64) -> TxlStep {
        let tail = self.vi.last().map_or(0, |v| v.time);
        let mut time = ((t - h) * 1e12) as i64;
        let time2 = (t * 1e12) as i64;
        if time < tail {
            time = tail;
        }
        if time > tail {
            if let Some([v_in, i_in, v_out, i_out]) = self.pending.take() {
                self.at_last = self.trial.clone();
                let before = *self.vi.last().expect("the start point");
                self.vi.push(Vi {
                    time,
                    v_in,
                    v_out,
                    i_in,
                    i_out,
                });
                let delta = (time - before.time) as f64;
                self.node_dv = [(v_in - before.v_in) / delta, (v_out - before.v_out) / delta];
                self.node_v = [v_in, v_out];
                if !p.lossless {
                    self.update_h1(p, delta);
                    if self.at_last.ext {
                        self.update_delayed(p, delta);
                    }
                }
            }
        }
        self.trial = self.at_last.clone();
        let h1 = 0.5 * h;
        let (ext, rhs) = self.right_consts(p, time, time2, h, h1);
        let mut step = TxlStep {
            y: p.y0 + h1 * p.h1c,
            rhs,
            ..Default::default()
        };
        let ratio = self.trial.ratio;
        if ext {
            if p.lossless {
                step.far_v = ratio * p.h3_aten;
                step.far_i = ratio * p.h2_aten;
            } else if ratio > 0.0 {
                step.far_v = ratio * (h1 * p.h3.iter().map(|t| t.c).sum::<f64>() + p.h3_aten);
                step.far_i = ratio * (h1 * p.h2.iter().map(|t| t.c).sum::<f64>() + p.h2_aten);
            }
        }
        self.trial.ext = ext && !p.lossless;
        step
    }

    /// ngspice's `update_cnv_txl`: the `h1` convolutions carried over the last interval of
    /// `delta` picoseconds, the port voltages linear over it. (As ngspice, the slope is
    /// multiplied by each pole's `c/x` in turn, cumulatively.)
    fn update_h1(&mut self, p: &Pade, delta: f64) {
        let [mut bi, mut bo] = self.node_dv;
        let [ai, ao] = self.node_v;
        for (k, t) in p.h1.iter().enumerate() {
            let e = self.at_last.h1e[k];
            let r = t.c / t.x;
            bi *= r;
            bo *= r;
            let s = &mut self.at_last.h1[k];
            s[0] = (s[0] - bi * delta) * e + (e - 1.0) * (ai * r + 1e12 * bi / t.x);
            s[1] = (s[1] - bo * delta) * e + (e - 1.0) * (ao * r + 1e12 * bo / t.x);
        }
    }

    /// ngspice's `update_delayed_cnv_txl`: the part of the delayed convolutions the last step
    /// took implicitly.
    fn update_delayed(&mut self, p: &Pade, delta: f64) {
        let h = delta * 0.5e-12;
        let r = self.at_last.ratio;
        if r <= 0.0 {
            return;
        }
        let v = *self.vi.last().expect("a stored point");
        for (s, t) in self.at_last.h3.iter_mut().zip(&p.h3) {
            s[0] += h * r * v.v_in * t.c;
            s[1] += h * r * v.v_out * t.c;
        }
        for (s, t) in self.at_last.h2.iter_mut().zip(&p.h2) {
            s[0] += h * r * v.i_in * t.c;
            s[1] += h * r * v.i_out * t.c;
        }
    }

    /// ngspice's `get_pvs_vi_txl`: the port values at the start and the end of the step, each
    /// delayed by the line (linear between stored points; before `t = 0` the operating point
    /// with no current). Returns whether the delayed end lies inside the step (then its values
    /// are the newest stored point's, scaled by `1 - ratio`), and `[v1_i, v2_i, i1_i, i2_i,
    /// v1_o, v2_o, i1_o, i2_o]`.
    fn delayed(&mut self, t1: i64, t2: i64, taul: f64) -> (bool, [f64; 8]) {
        let (ta, tb) = (t1 as f64 - taul, t2 as f64 - taul);
        let [dc1, dc2] = self.dc;
        if tb <= 0.0 {
            return (false, [dc1, dc1, 0.0, 0.0, dc2, dc2, 0.0, 0.0]);
        }
        let lerp = |a: &Vi, b: &Vi, at: f64| {
            let f = if b.time > a.time {
                (at - a.time as f64) / (b.time - a.time) as f64
            } else {
                0.0
            };
            [
                a.v_in + f * (b.v_in - a.v_in),
                a.v_out + f * (b.v_out - a.v_out),
                a.i_in + f * (b.i_in - a.i_in),
                a.i_out + f * (b.i_out - a.i_out),
            ]
        };
        let n = self.vi.len();
        let mut vi1 = self.head;
        let mut vi = vi1 + 1;
        let first = if ta <= 0.0 {
            [dc1, dc2, 0.0, 0.0]
        } else {
            while vi < n && (self.vi[vi].time as f64) < ta {
                vi1 = vi;
                vi += 1;
            }
            self.head = vi1;
            lerp(&self.vi[vi1], &self.vi[vi.min(n - 1)], ta)
        };
        let second;
        let ext = tb > t1 as f64;
        if ext {
            let ratio = (tb - t1 as f64) / (t2 - t1) as f64;
            self.trial.ratio = ratio;
            let at = if vi < n {
                (vi..n).find(|&k| self.vi[k].time == t1).unwrap_or(n - 1)
            } else {
                vi1
            };
            let v = self.vi[at];
            let f = 1.0 - ratio;
            second = [v.v_in * f, v.v_out * f, v.i_in * f, v.i_out * f];
        } else {
            while vi < n - 1 && (self.vi[vi].time as f64) < tb {
                vi1 = vi;
                vi += 1;
            }
            second = lerp(&self.vi[vi1], &self.vi[vi.min(n - 1)], tb);
        }
        let [v1i, v1o, i1i, i1o] = first;
        let [v2i, v2o, i2i, i2o] = second;
        (ext, [v1i, v2i, i1i, i2i, v1o, v2o, i1o, i2o])
    }

    /// ngspice's `right_consts_txl` on the trial state: the `h1` history of the own port, the
    /// delayed far port through `h2`, `h3` (each pole's convolution advanced by the trapezoidal
    /// rule over the step), and the attenuated delayed wave.
    fn right_consts(&mut self, p: &Pade, t1: i64, t2: i64, h: f64, h1: f64) -> (bool, [f64; 2]) {
        let (mut ff, mut gg) = (0.0, 0.0);
        if !p.lossless {
            let mut ff1 = 0.0;
            for (k, t) in p.h1.iter().enumerate() {
                let e = (t.x * h).exp();
                self.trial.h1e[k] = e;
                ff1 -= t.c * e;
                ff -= self.trial.h1[k][0] * e;
                gg -= self.trial.h1[k][1] * e;
            }
            ff += ff1 * h1 * self.node_v[0];
            gg += ff1 * h1 * self.node_v[1];
        }
        let (ext, d) = self.delayed(t1, t2, p.taul_ps);
        let [v1i, v2i, i1i, i2i, v1o, v2o, i1o, i2o] = d;
        if p.lossless {
            return (
                ext,
                [
                    p.h3_aten * v2o + p.h2_aten * i2o,
                    p.h3_aten * v2i + p.h2_aten * i2i,
                ],
            );
        }
        // One real pole: s <- s e + h/2 c (x1 e + x2).
        let real = |s: &mut [f64; 2], t: &Term, ins: [(f64, f64); 2]| {
            let e = (t.x * h).exp();
            for (v, (a, b)) in s.iter_mut().zip(ins) {
                *v = *v * e + h1 * t.c * (a * e + b);
            }
        };
        // A complex pair (re, im terms k, k+1): the same in complex arithmetic.
        let pair = |s: &mut [[f64; 2]], re: &Term, im: &Term, ins: [(f64, f64); 2]| {
            let mag = (re.x * h).exp();
            let (er, ei) = (mag * (im.x * h).cos(), mag * (im.x * h).sin());
            let (a2, b2) = (h1 * re.c, h1 * im.c);
            for (port, (x1, x2)) in ins.into_iter().enumerate() {
                let (a, b) = (s[0][port], s[1][port]);
                let (a, b) = (a * er - b * ei, a * ei + b * er);
                let (ur, ui) = (x1 * er + x2, x1 * ei);
                s[0][port] = a + (a2 * ur - b2 * ui);
                s[1][port] = b + (a2 * ui + b2 * ur);
            }
        };
        let v = [(v1i, v2i), (v1o, v2o)];
        let i = [(i1i, i2i), (i1o, i2o)];
        let c = &mut self.trial;
        ff += p.h3_aten * v2o + p.h2_aten * i2o;
        gg += p.h3_aten * v2i + p.h2_aten * i2i;
        if p.complex {
            for k in 0..4 {
                real(&mut c.h3[k], &p.h3[k], v);
            }
            pair(&mut c.h3[4..6], &p.h3[4], &p.h3[5], v);
            real(&mut c.h2[0], &p.h2[0], i);
            pair(&mut c.h2[1..3], &p.h2[1], &p.h2[2], i);
            // The pair's real part counts twice (the conjugate's).
            for k in 0..5 {
                ff += c.h3[k][1];
                gg += c.h3[k][0];
            }
            ff += c.h3[4][1] + c.h2[0][1] + 2.0 * c.h2[1][1];
            gg += c.h3[4][0] + c.h2[0][0] + 2.0 * c.h2[1][0];
        } else {
            for (s, t) in c.h3.iter_mut().zip(&p.h3) {
                real(s, t, v);
            }
            for (s, t) in c.h2.iter_mut().zip(&p.h2) {
                real(s, t, i);
            }
            ff += c.h3.iter().map(|s| s[1]).sum::<f64>() + c.h2.iter().map(|s| s[1]).sum::<f64>();
            gg += c.h3.iter().map(|s| s[0]).sum::<f64>() + c.h2.iter().map(|s| s[0]).sum::<f64>();
        }
        (ext, [ff, gg])
    }
}
