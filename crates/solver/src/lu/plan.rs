//! Precomputed addresses for refactoring small matrices in place.
//!
//! [`super::Lu::refactor`]'s general kernel scatters each column into a dense work vector,
//! eliminates there and gathers `U` and `L` back: on a 90-unknown circuit matrix with about
//! 1,000 multiply-adds per factorisation, the scatter and gathers cost more than the
//! arithmetic. With a [`Plan`] the values of `U` and `L` live in one array (`U`'s entries,
//! then `L`'s) and every operation knows where it writes: `A`'s entries go straight to their
//! place in the factors (`a_pos`), and each multiply-add `F[i,j] -= L[i,k] U[k,j]` reads its
//! target from `targets`, in the order of the elimination. Fill entries start at zero, so
//! every entry sees the same operations in the same order as in the work vector: the factors
//! are the same bit for bit (ngspice's Sparse 1.3 addresses its elements directly the same
//! way, through pointers).
//!
//! The plan costs a `u32` per multiply-add, so it is made only below [`MAX_TARGETS`].

use super::Structure;

/// Largest plan kept: 1M multiply-adds (4 MB of targets); larger factorisations keep the
/// work-vector kernel, whose cost is dominated by its arithmetic anyway.
const MAX_TARGETS: usize = 1 << 20;

/// Where `A`'s entries and the multiply-adds of a refactorisation write, as indices into the
/// combined array of `U`'s then `L`'s values.
pub(super) struct Plan {
    /// For each value slot of `A`, its entry's index.
    pub a_pos: Vec<u32>,
    /// The indices no entry of `A` writes (fill), zeroed first.
    pub fill: Vec<u32>,
    /// For each multiply-add, in elimination order, the index of its target.
    pub targets: Vec<u32>,
}

impl Plan {
    /// The plan for `s`, whose `A` has columns `col_ptr` ordered by `fwd`; `None` if it would
    /// exceed [`MAX_TARGETS`] multiply-adds.
    pub fn new(s: &Structure, fwd: &[usize], col_ptr: &[usize]) -> Option<Plan> {
        let n = s.dim;
        let (l_ptr, u_ptr) = (&s.l_col_ptr, &s.u_col_ptr);
        let madds: usize = (0..n)
            .flat_map(|j| &s.u_row[u_ptr[j]..u_ptr[j + 1] - 1])
            .map(|&k| l_ptr[k as usize + 1] - l_ptr[k as usize])
            .sum();
        if madds > MAX_TARGETS {
            return None;
        }
        let nu = s.u_row.len();
        // The combined index of each row of the current column, NONE elsewhere.
        const NONE: u32 = u32::MAX;
        let mut at = vec![NONE; n];
        let mut a_pos = vec![NONE; s.a_row_perm.len()];
        let mut targets = Vec::with_capacity(madds);
        for (j, &c) in fwd.iter().enumerate() {
            let (u0, u1) = (u_ptr[j], u_ptr[j + 1]);
            let (l0, l1) = (l_ptr[j], l_ptr[j + 1]);
            for idx in u0..u1 {
                at[s.u_row[idx] as usize] = idx as u32;
            }
            for p in l0..l1 {
                at[s.l_row[p] as usize] = (nu + p) as u32;
            }
            for slot in col_ptr[c]..col_ptr[c + 1] {
                a_pos[slot] = at[s.a_row_perm[slot] as usize];
            }
            for idx in u0..u1 - 1 {
                let k = s.u_row[idx] as usize;
                targets.extend(
                    s.l_row[l_ptr[k]..l_ptr[k + 1]]
                        .iter()
                        .map(|&i| at[i as usize]),
                );
            }
            for idx in u0..u1 {
                at[s.u_row[idx] as usize] = NONE;
            }
            for p in l0..l1 {
                at[s.l_row[p] as usize] = NONE;
            }
        }
        // Every target and every entry of A lies in the factors' pattern (it holds A's and
        // the fill's); checked, since the refactorisation indexes without bounds checks.
        let len = (nu + s.l_row.len()) as u32;
        assert!(
            a_pos.iter().chain(&targets).all(|&p| p < len),
            "an entry outside the factors' pattern"
        );
        let mut written = vec![false; len as usize];
        a_pos.iter().for_each(|&p| written[p as usize] = true);
        let fill: Vec<u32> = (0..len).filter(|&p| !written[p as usize]).collect();
        Some(Plan {
            a_pos,
            fill,
            targets,
        })
    }
}
