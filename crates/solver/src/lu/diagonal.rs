//! Pivoting factorisation that prefers the diagonal (KLU's threshold partial pivoting).
//!
//! Left-looking Gilbert-Peierls elimination on a symmetric ordering `Q^T A Q`: for column `j`,
//! the rows column `q_j` of `A` reaches through the columns of `L` found so far (a depth-first
//! search of `L`'s graph, in topological order) are eliminated, `x = L \ A[:, q_j]`, and the
//! pivot is the diagonal row `q_j` when `|x_qj| >= DIAG_PREFERENCE * max_i |x_i|` over the rows
//! not yet pivoted (Davis and Palamadai Natarajan, "Algorithm 907: KLU", ACM TOMS 37(3), 2010;
//! ngspice's Sparse 1.3 prefers the diagonal the same way). Otherwise, of the rows within that
//! threshold, the one with the fewest entries in `A` (Markowitz's criterion, which Sparse uses
//! for every pivot), the largest of those on a tie.
//!
//! Magnitudes are compared row-scaled, `|x_i| / s_i` with `s_i = max_j |a_ij|` (KLU's default
//! scaling, applied here to the choice only, not to the values factored): MNA rows mix units
//! (a node's currents, a branch's volts), and a behavioural source linearised at a point where
//! its derivative is huge (`ln(v)` at `v = 0`: ngspice's `1/(gmin*1e-20)`, 1e32) has a row
//! whose entries, right-hand side included, are all of that scale. Unscaled, that row won the
//! column of `v` from the voltage source's `v = 2.7`, and the back substitution recovered `v` as
//! the difference of two 1e99 numbers divided by 1e32: zero, with a backward error of 1 that no
//! refinement step could remove. Scaled, both rows are candidates of magnitude 1 and the
//! sparser row (the source's) is the pivot, as in ngspice.
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

/// `1/s_i`, `s_i = max_j |a_ij|` the largest magnitude of row `i` of `A` (1 for an empty or
/// all-zero row, and where the maximum is not finite).
pub(super) fn row_scale_inv<T: Scalar>(pattern: &Pattern, values: &[T]) -> Vec<f64> {
    let mut s = vec![0.0f64; pattern.dim()];
    for (&r, v) in pattern.symbolic.row_idx().iter().zip(values) {
        s[r] = s[r].max(v.magnitude());
    }
    s.iter()
        .map(|&m| {
            if m > 0.0 && m.is_finite() {
                1.0 / m
            } else {
                1.0
            }
        })
        .collect()
}

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
    let scale = row_scale_inv(pattern, values);
    let mut row_len = vec![0usize; n];
    for &r in row_idx {
        row_len[r] += 1;
    }
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
        let mut best_mag = 0.0f64;
        for &r in &post {
            if pinv[r] == NONE {
                best_mag = best_mag.max(x[r].magnitude() * scale[r]);
            }
        }
        if best_mag == 0.0 || !best_mag.is_finite() {
            post.iter().for_each(|&r| x[r] = T::default());
            return Err(SingularAt(c));
        }
        let floor = DIAG_PREFERENCE * best_mag;
        let best = if mark[c] == j && pinv[c] == NONE && x[c].magnitude() * scale[c] >= floor {
            c
        } else {
            // The sparsest row within the threshold, the largest of those.
            let mut best = (NONE, usize::MAX, 0.0);
            for &r in &post {
                let m = x[r].magnitude() * scale[r];
                if pinv[r] == NONE && m >= floor && (row_len[r], -m) < (best.1, -best.2) {
                    best = (r, row_len[r], m);
                }
            }
            best.0
        };
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
        scale_inv: {
            let mut by_position = vec![1.0; n];
            for (r, &p) in pinv.iter().enumerate() {
                by_position[p] = scale[r];
            }
            by_position
        },
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

    /// `V1 1 0 2.7` and `B1 b 0 v=ln(v(1))` linearised at `v(1) = 0`: the B row is
    /// `v(b) - 1e32 v(1) = -1e99` (ngspice's `ln(0)` and its `1/(gmin*1e-20)` derivative).
    /// Row-scaled, the source's sparser row pivots the column of `v(1)` and the solve gives
    /// `v(1) = 2.7` exactly; unscaled, the B row won that column and the solve gave 0.
    #[test]
    fn a_huge_linearised_row_does_not_take_a_sources_column() {
        // Unknowns v(1), v(b), i(V1), i(B1); rows: KCL 1, KCL b, V1's branch, B1's branch.
        let entries = [
            ((0, 2), 1.0),
            ((1, 3), 1.0),
            ((2, 0), 1.0),
            ((3, 1), 1.0),
            ((3, 0), -1e32),
        ];
        let (p, values) = matrix(4, &entries);
        let mut lu = Lu::<f64>::new(&p);
        lu.factor(&p, &values).expect("non-singular");
        let mut x = vec![0.0, 0.0, 2.7, -1e99];
        lu.solve_refined(&p, &values, &mut x, &mut Vec::new());
        assert_eq!(x, [2.7, 2.7e32 - 1e99, 0.0, 0.0]);
        assert!(lu.stats.worst_backward_error <= f64::EPSILON);
    }
}
