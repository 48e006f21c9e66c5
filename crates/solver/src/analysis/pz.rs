//! `.pz in+ in- out+ out- cur|vol pol|zer|pz`: the poles and zeros of a transfer function, as
//! ngspice 39 reports them (`pzan.c`, `cktpzset.c`, `cktpzld.c`, `cktpzstr.c`).
//!
//! **What is computed.** With `Y(s) = G + s*C` the small-signal matrix at the operating point,
//! in which a V source *with* an AC value is open and one without it a short (ngspice's
//! `VSRCpzLoad`) and current sources are open:
//! - the poles are the roots of `det Y(s)` (`cur`), or of the determinant of the circuit with
//!   the input shorted by a 0 V source (`vol`): the bordered matrix
//!   `[[Y, e_in], [e_in^T, 0]]`, `e_in` = +1 at `in+`, -1 at `in-`;
//! - the zeros are those of `v(out)/i(in)` whatever the input kind (ngspice solves for the
//!   output column with the input drive in it, Cramer's rule): the roots of
//!   `det [[Y, e_in], [e_out^T, 0]] = -e_out^T adj(Y) e_in`.
//!
//! Every one of these is `det(A + s*B)` for a real pencil; its roots are the pencil's finite
//! eigenvalues. ngspice finds them one by one with a Muller/secant search on the determinant
//! and deflation; balun computes them all at once (the algorithm is written here because
//! nalgebra and faer offer no QZ for a singular `B`; the commit says why):
//! 1. the pencil is balanced (a frequency scale `w` so that `A` and `w*B` are of a size, then
//!    row and column scaling by powers of two, which changes no root);
//! 2. the infinite eigenvalues are deflated exactly, `det` preserved up to a constant: with
//!    `B = U S V^T` of rank `r`, `U^T (A + sB) V` has `n - r` constant rows; an orthogonal `Z`
//!    compresses them to `[0 | T]` (`T` square and invertible, or the pencil is singular:
//!    `det` is 0 for every `s`), leaving the `r x r` pencil of the leading block, repeated until
//!    its `B` is invertible;
//! 3. the roots are the eigenvalues of `-B^{-1} A` (real Schur form, nalgebra).
//!
//! **Post-processing**, to report what ngspice reports: a root below `1e-11` of the largest
//! is 0 (ngspice finds an exact 0 where the matrix is exactly singular at `s = 0`); roots
//! within `1e-4` (relative) of each other are a multiple root and each is replaced by their
//! mean (a multiple root's computed copies spread by `eps^(1/m)`, their mean does not);
//! roots are listed as ngspice's trial list holds them: ascending real part, then imaginary
//! part, each complex pair as `re + j*im` then `re - j*im`.
//!
//! **Output**: one complex plot `Pole-Zero Analysis`, one point, vectors `v(pole(1))`...
//! then `v(zero(1))`..., in radians per second (the raw file's names).

use super::ac::small_signal;
use crate::devices;
use crate::mna::System;
use crate::result::{Data, Plot, Unit, Vector};
use crate::SolveError;
use circuit::{Circuit, DeviceId, OutputNodes, PzInput, PzWhich};
use nalgebra::DMatrix;
use num_complex::Complex64;

pub const PLOT_NAME: &str = "Pole-Zero Analysis";

/// Runs `.pz` (see the module documentation).
pub fn run(
    circuit: &Circuit,
    sys: &System,
    input: OutputNodes,
    output: OutputNodes,
    kind: PzInput,
    which: PzWhich,
) -> Result<Plot, SolveError> {
    if !(sys.tlines.is_empty() && sys.mtls.is_empty() && sys.ltras.is_empty()) {
        return Err(SolveError::Unsupported(
            ".pz of a circuit with transmission lines (ngspice 39 refuses it too)".into(),
        ));
    }
    let lin = small_signal(circuit, sys)?;
    let unk = &lin.unknowns;
    let (g, c) = pz_matrices(circuit, &lin);
    let incidence = |n: OutputNodes| {
        let mut e = vec![0.0; unk.len()];
        if let Some(i) = unk.node(n.pos) {
            e[i] += 1.0;
        }
        if let Some(i) = unk.node(n.neg) {
            e[i] -= 1.0;
        }
        e
    };
    let names = |i: usize| {
        if i < unk.len() {
            unk.name(circuit, i)
        } else {
            "the .pz input".to_string()
        }
    };
    let mut vectors = Vec::new();
    if matches!(which, PzWhich::Poles | PzWhich::Both) {
        let (a, b) = match kind {
            PzInput::Cur => (g.clone(), c.clone()),
            PzInput::Vol => bordered(&g, &c, &incidence(input), &incidence(input)),
        };
        let roots = roots_of(a, b, &names)?;
        vectors.extend(named("pole", &roots));
    }
    if matches!(which, PzWhich::Zeros | PzWhich::Both) {
        let (a, b) = bordered(&g, &c, &incidence(input), &incidence(output));
        let roots = roots_of(a, b, &names)?;
        vectors.extend(named("zero", &roots));
    }
    Ok(Plot {
        name: PLOT_NAME.into(),
        scale: None,
        vectors,
    })
}

/// The dense `G` and `C` of the linearised circuit as `.pz` has them: every V source with an
/// AC value opened (its branch row becomes `i = 0`).
fn pz_matrices(circuit: &Circuit, lin: &System) -> (DMatrix<f64>, DMatrix<f64>) {
    let n = lin.unknowns.len();
    let mut g = DMatrix::zeros(n, n);
    let mut c = DMatrix::zeros(n, n);
    let sym = &lin.pattern.symbolic;
    for col in 0..n {
        for k in sym.col_ptr()[col]..sym.col_ptr()[col + 1] {
            let row = sym.row_idx()[k];
            g[(row, col)] += lin.g[k];
            c[(row, col)] += lin.c[k];
        }
    }
    for (i, d) in circuit.devices.iter().enumerate() {
        if devices::pz_opens_branch(&d.kind) {
            let b = lin.unknowns.branch(DeviceId(i as u32));
            g.row_mut(b).fill(0.0);
            c.row_mut(b).fill(0.0);
            g[(b, b)] = 1.0;
        }
    }
    (g, c)
}

/// The pencil `[[G, col], [row^T, 0]] + s [[C, 0], [0, 0]]`.
fn bordered(
    g: &DMatrix<f64>,
    c: &DMatrix<f64>,
    col: &[f64],
    row: &[f64],
) -> (DMatrix<f64>, DMatrix<f64>) {
    let n = g.nrows();
    let mut a = g.clone().resize(n + 1, n + 1, 0.0);
    for i in 0..n {
        a[(i, n)] = col[i];
        a[(n, i)] = row[i];
    }
    (a, c.clone().resize(n + 1, n + 1, 0.0))
}

/// The `v(pole(k))` or `v(zero(k))` vectors of `roots`.
fn named<'r>(what: &'static str, roots: &'r [Complex64]) -> impl Iterator<Item = Vector> + 'r {
    roots.iter().enumerate().map(move |(k, &r)| Vector {
        name: format!("v({what}({}))", k + 1),
        unit: Unit::Voltage,
        data: Data::Complex(vec![r]),
    })
}

/// The finite roots of `det(A + sB)` in ngspice's order, or the singular-matrix error naming the
/// unknowns of the part of the circuit that makes the determinant vanish for every `s`.
fn roots_of(
    a: DMatrix<f64>,
    b: DMatrix<f64>,
    name: &dyn Fn(usize) -> String,
) -> Result<Vec<Complex64>, SolveError> {
    match finite_eigenvalues(a.clone(), b.clone()) {
        Some((roots, w)) => Ok(ngspice_order(tidy(roots, w))),
        None => Err(SolveError::Singular {
            analysis: "pz".into(),
            at: "every s (the input does not reach the output, or part of the circuit floats \
                 once the V sources with an AC value are opened, as .pz opens them)"
                .into(),
            rows: floating_unknowns(&a, &b).into_iter().map(name).collect(),
        }),
    }
}

/// The unknowns with the largest components in the null vector of `A + s0*B` at an arbitrary
/// `s0`: where a pencil that is singular for every `s` is singular.
fn floating_unknowns(a: &DMatrix<f64>, b: &DMatrix<f64>) -> Vec<usize> {
    let scale = b.amax().max(f64::MIN_POSITIVE);
    let m = a + b * (1.234_567 * a.amax().max(1.0) / scale);
    let svd = m.svd(false, true);
    let Some(v_t) = svd.v_t else {
        return Vec::new();
    };
    let k = svd.singular_values.imin();
    let null = v_t.row(k);
    let max = null.amax();
    let mut big: Vec<usize> = (0..null.len())
        .filter(|&i| null[i].abs() > 0.1 * max)
        .collect();
    big.sort_by(|&i, &j| null[j].abs().total_cmp(&null[i].abs()));
    big.truncate(6);
    big
}

/// Relative size below which a singular value of a balanced matrix counts as zero.
const RANK_TOL: f64 = 1e-11;

/// The finite eigenvalues of the regular pencil `A + sB` (the roots of `det(A + sB)`), with
/// multiplicity, and the pencil's frequency scale (`|A| / |B|`); `None` when the pencil is
/// singular (`det` identically 0).
pub(crate) fn finite_eigenvalues(
    mut a: DMatrix<f64>,
    mut b: DMatrix<f64>,
) -> Option<(Vec<Complex64>, f64)> {
    let w0 = balance(&mut a, &mut b);
    let mut w = w0;
    if let Some((a2, b2)) = structural_reduce(&a, &b) {
        a = a2;
        b = b2;
        w *= balance(&mut a, &mut b);
    }
    // The balanced pencil's scale: ranks are decided against it throughout (a block the
    // deflation leaves near rounding level is zero, however small the block's own norm).
    let scale = a.amax().max(b.amax());
    loop {
        let m = a.nrows();
        if m == 0 {
            return Some((Vec::new(), w0));
        }
        let (u, sv, v) = sorted_svd(&b);
        let r = sv.iter().filter(|&&s| s > RANK_TOL * scale).count();
        if r == m {
            // B invertible: the roots are the eigenvalues of -B^{-1} A.
            let lu = b.lu();
            let ma = -lu.solve(&a)?;
            let roots = balanced(ma).complex_eigenvalues();
            let roots = roots.iter().map(|z| Complex64::new(z.re * w, z.im * w));
            return Some((roots.collect(), w0));
        }
        // U^T (A + sB) V: the last m - r rows are constant.
        let ah = u.transpose() * &a * &v;
        let mut bh = DMatrix::zeros(m, m);
        for i in 0..r {
            bh[(i, i)] = sv[i];
        }
        let k = m - r;
        let mut bottom = DMatrix::zeros(m, m);
        bottom.rows_mut(0, k).copy_from(&ah.rows(r, k));
        let (_, sv2, v2) = sorted_svd(&bottom);
        // Rank relative to the whole of A: rows that vanish up to rounding make `det` 0 for
        // every s.
        let floor = RANK_TOL * scale;
        if sv2.iter().filter(|&&s| s > floor).count() < k {
            return None;
        }
        // Z = [null space of the bottom rows | their row space].
        let mut z = DMatrix::zeros(m, m);
        for j in 0..r {
            z.set_column(j, &v2.column(k + j));
        }
        for j in 0..k {
            z.set_column(r + j, &v2.column(j));
        }
        a = (ah * &z).view((0, 0), (r, r)).into_owned();
        b = (bh * &z).view((0, 0), (r, r)).into_owned();
    }
}

/// Eliminates the algebraic unknowns exactly where the structure allows (Gaussian elimination,
/// which mixes no row with another of a different scale, unlike the orthogonal deflation): with
/// the rows and columns where `B` is not zero as the dynamic ones, `det(A + sB) =
/// det(A22) det(A11 - A12 A22^{-1} A21 + s B11)`. `None` when the split is not square or `A22`
/// is singular (an exactly zero pivot: a small one only means a small determinant, as in a
/// chain of 1 S transconductances loading 1 Gohm resistors); the caller then deflates the whole
/// pencil.
fn structural_reduce(a: &DMatrix<f64>, b: &DMatrix<f64>) -> Option<(DMatrix<f64>, DMatrix<f64>)> {
    let m = a.nrows();
    let rows: Vec<usize> = (0..m).filter(|&i| b.row(i).amax() != 0.0).collect();
    let cols: Vec<usize> = (0..m).filter(|&j| b.column(j).amax() != 0.0).collect();
    if rows.len() != cols.len() || rows.len() == m {
        return None;
    }
    let alg_rows: Vec<usize> = (0..m).filter(|i| !rows.contains(i)).collect();
    let alg_cols: Vec<usize> = (0..m).filter(|j| !cols.contains(j)).collect();
    let pick = |mat: &DMatrix<f64>, r: &[usize], c: &[usize]| {
        DMatrix::from_fn(r.len(), c.len(), |i, j| mat[(r[i], c[j])])
    };
    let lu = pick(a, &alg_rows, &alg_cols).lu();
    let pivots = lu.u().diagonal();
    if pivots.iter().any(|p| *p == 0.0 || !p.is_finite()) {
        return None;
    }
    let x = lu.solve(&pick(a, &alg_rows, &cols))?;
    let a11 = pick(a, &rows, &cols) - pick(a, &rows, &alg_cols) * x;
    Some((a11, pick(b, &rows, &cols)))
}

/// `D^{-1} M D` for the diagonal `D` (powers of two) that balances the norms of each row and
/// column (Parlett and Reinsch's balancing, as LAPACK's `gebal` does before an eigenvalue
/// problem): the same eigenvalues, computed far more accurately when `M` has entries of very
/// different sizes (a chain of transconductances, for instance).
fn balanced(mut m: DMatrix<f64>) -> DMatrix<f64> {
    let n = m.nrows();
    for _ in 0..100 {
        let mut done = true;
        for i in 0..n {
            let c: f64 = (0..n).filter(|&j| j != i).map(|j| m[(j, i)].abs()).sum();
            let r: f64 = (0..n).filter(|&j| j != i).map(|j| m[(i, j)].abs()).sum();
            if c == 0.0 || r == 0.0 {
                continue;
            }
            let (mut f, mut cc) = (1.0, c);
            while cc < r / 2.0 && f < 1e150 {
                f *= 2.0;
                cc *= 4.0;
            }
            while cc > r * 2.0 && f > 1e-150 {
                f /= 2.0;
                cc /= 4.0;
            }
            if (cc + r) / f < 0.95 * (c + r) {
                done = false;
                m.column_mut(i).scale_mut(f);
                m.row_mut(i).scale_mut(1.0 / f);
            }
        }
        if done {
            break;
        }
    }
    m
}

/// The SVD of a square matrix with singular values in descending order: `(U, s, V)`.
fn sorted_svd(m: &DMatrix<f64>) -> (DMatrix<f64>, Vec<f64>, DMatrix<f64>) {
    let n = m.nrows();
    let svd = m.clone().svd(true, true);
    let (Some(u), Some(v_t)) = (svd.u, svd.v_t) else {
        unreachable!("the SVD was asked for U and V");
    };
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| svd.singular_values[j].total_cmp(&svd.singular_values[i]));
    let mut us = DMatrix::zeros(n, n);
    let mut vs = DMatrix::zeros(n, n);
    let mut s = Vec::with_capacity(n);
    for (k, &i) in order.iter().enumerate() {
        us.set_column(k, &u.column(i));
        vs.set_column(k, &v_t.row(i).transpose());
        s.push(svd.singular_values[i]);
    }
    (us, s, vs)
}

/// Scales `B` by a power of two `w` so that `A` and `w*B` have the same largest entry, then
/// balances rows and columns; returns `w` (a root of the scaled pencil times `w` is a root of
/// the original).
fn balance(a: &mut DMatrix<f64>, b: &mut DMatrix<f64>) -> f64 {
    let (amax, bmax) = (a.amax(), b.amax());
    let w = if amax > 0.0 && bmax > 0.0 {
        pow2((amax / bmax).log2())
    } else {
        1.0
    };
    *b *= w;
    balance_rows_cols(a, b);
    w
}

/// Scales each row, then each column, of the pencil by a power of two so that its largest
/// entry in `A` or `B` is near 1 (a few sweeps); the roots are unchanged.
fn balance_rows_cols(a: &mut DMatrix<f64>, b: &mut DMatrix<f64>) {
    let m = a.nrows();
    for _ in 0..4 {
        for i in 0..m {
            let big = a.row(i).amax().max(b.row(i).amax());
            if big > 0.0 {
                let f = pow2(-big.log2());
                a.row_mut(i).scale_mut(f);
                b.row_mut(i).scale_mut(f);
            }
        }
        for j in 0..m {
            let big = a.column(j).amax().max(b.column(j).amax());
            if big > 0.0 {
                let f = pow2(-big.log2());
                a.column_mut(j).scale_mut(f);
                b.column_mut(j).scale_mut(f);
            }
        }
    }
}

/// `2^round(x)`, exact.
fn pow2(x: f64) -> f64 {
    2f64.powi(x.round().clamp(-1000.0, 1000.0) as i32)
}

/// Relative distance under which computed roots are one multiple root.
const CLUSTER_TOL: f64 = 1e-4;
/// Relative size (to the largest root) under which a root is 0.
const ZERO_TOL: f64 = 1e-11;

/// Snaps roots negligible next to the pencil's frequency scale `w` (or the largest root) to 0
/// and replaces each cluster of nearly equal roots by its mean.
fn tidy(mut roots: Vec<Complex64>, w: f64) -> Vec<Complex64> {
    let scale = roots.iter().map(|r| r.norm()).fold(w, f64::max);
    for r in &mut roots {
        if r.norm() <= ZERO_TOL * scale {
            *r = Complex64::new(0.0, 0.0);
        }
    }
    // Clusters by union-find over all pairs (a few hundred roots at most).
    let n = roots.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    for i in 0..n {
        for j in i + 1..n {
            let d = (roots[i] - roots[j]).norm();
            if d <= CLUSTER_TOL * roots[i].norm().max(roots[j].norm()) {
                let (ri, rj) = (find(&mut parent, i), find(&mut parent, j));
                parent[ri] = rj;
            }
        }
    }
    let mut sum = vec![(Complex64::new(0.0, 0.0), 0usize); n];
    for (i, &root) in roots.iter().enumerate() {
        let r = find(&mut parent, i);
        sum[r].0 += root;
        sum[r].1 += 1;
    }
    (0..n)
        .map(|i| {
            let (s, count) = sum[find(&mut parent, i)];
            s / count as f64
        })
        .collect()
}

/// ngspice's order: ascending real part, then imaginary part, of the roots with `im >= 0`,
/// each complex one followed by its conjugate.
fn ngspice_order(roots: Vec<Complex64>) -> Vec<Complex64> {
    let mut upper: Vec<Complex64> = roots.into_iter().filter(|r| r.im >= 0.0).collect();
    upper.sort_by(|x, y| x.re.total_cmp(&y.re).then(x.im.total_cmp(&y.im)));
    let mut out = Vec::with_capacity(2 * upper.len());
    for r in upper {
        out.push(r);
        if r.im != 0.0 {
            out.push(r.conj());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(mut v: Vec<Complex64>) -> Vec<Complex64> {
        v.sort_by(|x, y| x.re.total_cmp(&y.re).then(x.im.total_cmp(&y.im)));
        v
    }

    #[test]
    fn deflates_infinite_eigenvalues_of_index_two() {
        // A capacitor across a voltage source (index 2) and a parallel RC elsewhere:
        // unknowns v1, i_v, v2; det = -(1e-3 + s*1e-9) * 1: one root at -1e6.
        let a = DMatrix::from_row_slice(3, 3, &[0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1e-3]);
        let b = DMatrix::from_row_slice(3, 3, &[1e-9, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1e-9]);
        let (roots, _) = finite_eigenvalues(a, b).unwrap();
        assert_eq!(roots.len(), 1);
        assert!((roots[0].re + 1e6).abs() < 1e-6 * 1e6 && roots[0].im == 0.0);
    }

    #[test]
    fn second_order_lowpass_has_its_analytic_pair() {
        // Series R-L into C to ground, driven by a shorted source: v1 (between L and R),
        // v2 (across C), i_L. s^2 LC + s RC + 1 = 0 with R = 10, L = 1e-3, C = 1e-6.
        let (r, l, c) = (10.0, 1e-3, 1e-6);
        let a = DMatrix::from_row_slice(3, 3, &[1.0 / r, 0.0, 1.0, 0.0, 0.0, -1.0, 1.0, -1.0, 0.0]);
        let b = DMatrix::from_row_slice(3, 3, &[0.0, 0.0, 0.0, 0.0, c, 0.0, 0.0, 0.0, -l]);
        let (roots, w) = finite_eigenvalues(a, b).unwrap();
        let roots = sorted(tidy(roots, w));
        let (alpha, w0) = (r / (2.0 * l), 1.0 / (l * c).sqrt());
        let wd = (w0 * w0 - alpha * alpha).sqrt();
        let want = [Complex64::new(-alpha, -wd), Complex64::new(-alpha, wd)];
        for (got, want) in roots.iter().zip(want) {
            assert!((got - want).norm() < 1e-9 * want.norm(), "{got} vs {want}");
        }
    }

    #[test]
    fn a_chain_of_transconductances_keeps_its_poles() {
        // ngspice's tests/polezero/pz2.cir: four parallel R-L sections, each driven by the
        // previous node through 1 S: poles at -R/L = -R (L = 1 H), the node block's diagonal
        // 1e-9 against 1 below it.
        let r = [1.019524e9, 8.296965e8, 8.652054e7, 1.060594e7];
        let mut a = DMatrix::zeros(8, 8);
        let mut b = DMatrix::zeros(8, 8);
        for k in 0..4 {
            a[(k, k)] = 1.0 / r[k];
            a[(k, 4 + k)] = 1.0;
            a[(4 + k, k)] = 1.0;
            b[(4 + k, 4 + k)] = -1.0;
            if k > 0 {
                a[(k, k - 1)] = 1.0;
            }
        }
        let (roots, w) = finite_eigenvalues(a, b).unwrap();
        let roots = ngspice_order(tidy(roots, w));
        assert_eq!(roots.len(), 4);
        for (got, want) in roots.iter().zip(r) {
            assert!(
                (got.re + want).abs() < 1e-12 * want && got.im == 0.0,
                "{got} vs {want}"
            );
        }
    }

    #[test]
    fn a_singular_pencil_is_reported() {
        let a = DMatrix::from_row_slice(2, 2, &[1.0, -1.0, -1.0, 1.0]);
        let b = DMatrix::from_row_slice(2, 2, &[1.0, -1.0, -1.0, 1.0]);
        assert!(finite_eigenvalues(a, b).is_none());
    }

    #[test]
    fn multiple_roots_are_averaged_and_ordered_as_ngspice() {
        let roots = vec![
            Complex64::new(-20.0 * (1.0 + 3e-6), 0.0),
            Complex64::new(-20.0, 2e-5),
            Complex64::new(-20.0, -2e-5),
            Complex64::new(-1.0, 2.0),
            Complex64::new(-1.0, -2.0),
            Complex64::new(1e-14, 0.0),
        ];
        let out = ngspice_order(tidy(roots, 1.0));
        let m = -20.0 * (1.0 + 1e-6);
        assert_eq!(out.len(), 6);
        for r in &out[..3] {
            assert!((r.re - m).abs() < 1e-12 * 20.0 && r.im == 0.0, "{r}");
        }
        assert_eq!(out[3], Complex64::new(-1.0, 2.0));
        assert_eq!(out[4], Complex64::new(-1.0, -2.0));
        assert_eq!(out[5], Complex64::new(0.0, 0.0));
    }
}
