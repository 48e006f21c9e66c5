//! Pivoting factorisation that prefers the diagonal (KLU's threshold partial pivoting).
//!
//! Left-looking Gilbert-Peierls elimination on a symmetric ordering `Q^T A Q`: for column `j`,
//! the rows column `q_j` of `A` reaches through the columns of `L` found so far (a depth-first
//! search of `L`'s graph, in topological order) are eliminated, `x = L \ A[:, q_j]`, and the
//! pivot is the diagonal row `q_j` when `|x_qj| >= DIAG_PREFERENCE * max_i |x_i|` over the rows
//! not yet pivoted, the largest of them otherwise (Davis and Palamadai Natarajan, "Algorithm
//! 907: KLU", ACM TOMS 37(3), 2010; ngspice's Sparse 1.3 prefers the diagonal the same way).
//!
//! Why balun has its own instead of faer's partial pivoting: on MNA matrices the fill-reducing
//! order is symmetric (a node's row and column go together), and choosing each pivot by
//! magnitude alone moves rows off the diagonal the ordering assumed. On the 90-unknown
//! transistor op-amp, COLAMD with partial pivoting factored into 1,300 entries of `L + U`
//! (6,000 multiply-adds per refactorisation); AMD with the diagonal kept gives ngspice's fill.

use super::{Scalar, SingularAt, Structure};
use crate::sparse::Pattern;

/// A diagonal entry is kept as pivot when its magnitude is at least this fraction of the
/// largest candidate of its column. Above the refactorisation's rejection threshold
/// ([`super::PIVOT_REL_TOL`], 1e-3) by a margin, so that a pivot chosen here is not rejected
/// by the next, slightly different, value set.
const DIAG_PREFERENCE: f64 = 0.1;

const NONE: usize = usize::MAX;

/// The factors of one pivoting factorisation: the structure and the values of `L` (unit
/// diagonal implied) and `U` (rows ascending, diagonal last).
pub(super) struct Factored<T> {
    pub structure: Structure,
    pub l_val: Vec<T>,
    pub u_val: Vec<T>,
}

/// Factors `P (Q^T A Q) = L U`, `Q` given by `fwd` (position `j` holds column `fwd[j]`).
pub(super) fn factor<T: Scalar>(
    pattern: &Pattern,
    values: &[T],
    fwd: &[usize],
) -> Result<Factored<T>, SingularAt> {
    let n = pattern.dim();
    let (col_ptr, row_idx) = (pattern.symbolic.col_ptr(), pattern.symbolic.row_idx());
    // Pivot position of each original row, NONE while unpivoted.
    let mut pinv = vec![NONE; n];
    // L by columns, row indices original (pivot positions are known only at the end).
    let mut l_ptr = vec![0usize];
    let mut l_orig: Vec<usize> = Vec::new();
    let mut l_val: Vec<T> = Vec::new();
    let mut u_col_ptr = vec![0usize];
    let mut u_row: Vec<u32> = Vec::new();
    let mut u_val: Vec<T> = Vec::new();
    let mut x = vec![T::default(); n];
    let mut mark = vec![NONE; n];
    // Depth-first search: the node stack with each node's next edge, and the post-order.
    let mut stack: Vec<(usize, usize)> = Vec::new();
    let mut post: Vec<usize> = Vec::new();
    let mut u_col: Vec<(u32, T)> = Vec::new();
    for (j, &c) in fwd.iter().enumerate() {
        post.clear();
        for &r0 in &row_idx[col_ptr[c]..col_ptr[c + 1]] {
            if mark[r0] == j {
                continue;
            }
            mark[r0] = j;
            stack.push((r0, 0));
            while let Some(top) = stack.last_mut() {
                let (r, next) = *top;
                let k = pinv[r];
                let (p0, p1) = if k == NONE {
                    (0, 0)
                } else {
                    (l_ptr[k], l_ptr[k + 1])
                };
                let mut p = p0 + next;
                while p < p1 && mark[l_orig[p]] == j {
                    p += 1;
                }
                if p < p1 {
                    top.1 = p - p0 + 1;
                    let child = l_orig[p];
                    mark[child] = j;
                    stack.push((child, 0));
                } else {
                    post.push(r);
                    stack.pop();
                }
            }
        }
        for (&r, &v) in row_idx[col_ptr[c]..col_ptr[c + 1]]
            .iter()
            .zip(&values[col_ptr[c]..col_ptr[c + 1]])
        {
            x[r] += v;
        }
        // Reverse post-order is a topological order of the reached pivoted rows.
        u_col.clear();
        for &r in post.iter().rev() {
            let k = pinv[r];
            if k == NONE {
                continue;
            }
            let xr = x[r];
            for (&i, &l) in l_orig[l_ptr[k]..l_ptr[k + 1]]
                .iter()
                .zip(&l_val[l_ptr[k]..l_ptr[k + 1]])
            {
                x[i] -= l * xr;
            }
            u_col.push((k as u32, xr));
        }
        let mut best = NONE;
        let mut best_mag = -1.0;
        for &r in &post {
            if pinv[r] == NONE {
                let m = x[r].magnitude();
                if m > best_mag {
                    best_mag = m;
                    best = r;
                }
            }
        }
        if best == NONE || best_mag == 0.0 || !best_mag.is_finite() {
            post.iter().for_each(|&r| x[r] = T::default());
            return Err(SingularAt(c));
        }
        if mark[c] == j && pinv[c] == NONE && x[c].magnitude() >= DIAG_PREFERENCE * best_mag {
            best = c;
        }
        let pivot = x[best];
        pinv[best] = j;
        u_col.sort_unstable_by_key(|e| e.0);
        u_col.push((j as u32, pivot));
        for &(i, v) in &u_col {
            u_row.push(i);
            u_val.push(v);
        }
        u_col_ptr.push(u_row.len());
        let inv = pivot.inverse();
        for &r in &post {
            if pinv[r] == NONE {
                l_orig.push(r);
                l_val.push(x[r] * inv);
            }
            x[r] = T::default();
        }
        l_ptr.push(l_orig.len());
    }
    // Indices below the dimension, which fits in u32 (the pattern is built from u32s).
    let narrow = |i: usize| i as u32;
    let structure = Structure {
        dim: n,
        row_perm_inv: pinv.iter().map(|&p| narrow(p)).collect(),
        l_col_ptr: l_ptr,
        l_row: l_orig.iter().map(|&r| narrow(pinv[r])).collect(),
        u_col_ptr,
        u_row,
        a_row_perm: row_idx.iter().map(|&r| narrow(pinv[r])).collect(),
        plan: None,
    };
    Ok(Factored {
        structure,
        l_val,
        u_val,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lu::Lu;
    use crate::sparse::PatternBuilder;

    /// The pattern of `entries` (plus the diagonal) and its values, zero where not given.
    fn matrix(n: usize, entries: &[((usize, usize), f64)]) -> (Pattern, Vec<f64>) {
        let mut b = PatternBuilder::default();
        for &((r, c), _) in entries {
            b.add(r, c);
        }
        let p = b.finish(n);
        let values = (0..p.nnz())
            .map(|k| {
                let at = p.position(k);
                entries.iter().find(|e| e.0 == at).map_or(0.0, |e| e.1)
            })
            .collect();
        (p, values)
    }

    /// A diagonally dominant tridiagonal matrix (an RC ladder's `G`) factors with no fill
    /// and every pivot on the diagonal.
    #[test]
    fn keeps_the_diagonal_without_fill() {
        let n = 6;
        let mut entries = Vec::new();
        for i in 0..n {
            entries.push(((i, i), 3.0));
            if i + 1 < n {
                entries.push(((i, i + 1), -1.0));
                entries.push(((i + 1, i), -1.0));
            }
        }
        let (p, values) = matrix(n, &entries);
        let order: Vec<usize> = (0..n).collect();
        let f = factor(&p, &values, &order).expect("non-singular");
        // L's entries below the diagonal, U's with it: exactly A's.
        assert_eq!(f.structure.l_row.len() + f.structure.u_row.len(), p.nnz());
        let on_diagonal = f.structure.row_perm_inv.iter().enumerate();
        assert!(on_diagonal.into_iter().all(|(i, &r)| r as usize == i));
    }

    /// A voltage source's branch row has a zero diagonal: that column's pivot moves off the
    /// diagonal and the solve is exact: `[[1, 1], [1, 0]] [v, i] = [0, 2]` gives `v = 2`,
    /// `i = -2`.
    #[test]
    fn leaves_a_zero_diagonal() {
        let (p, values) = matrix(2, &[((0, 0), 1.0), ((0, 1), 1.0), ((1, 0), 1.0)]);
        let mut lu = Lu::<f64>::new(&p);
        lu.factor(&p, &values).expect("non-singular");
        let mut x = [0.0, 2.0];
        lu.solve_in_place(&mut x);
        assert_eq!(x, [2.0, -2.0]);
    }
}
