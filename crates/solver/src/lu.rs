//! Sparse LU with a static pivot sequence: pivots chosen once, later factorisations only refactor.
//!
//! Circuit matrices keep their sparsity pattern across frequencies, Newton steps and time points,
//! and usually their good pivots too. So, as KLU does:
//!
//! 1. **Ordering** (once per pattern): faer's AMD on `A + A^T` ([`column_order`]).
//! 2. **Pivoting factorisation** (first value set, or when a pivot goes bad): left-looking LU
//!    (Gilbert-Peierls) with threshold pivoting that keeps the diagonal of the symmetric order
//!    where it is large enough, as KLU and ngspice's Sparse do, magnitudes compared row-scaled
//!    (`lu/diagonal.rs`). Its row permutation and the structure of `L` and `U` are kept, `U`'s rows ascending.
//! 3. **Refactorisation** (every later value set): the same elimination on the fixed structure with
//!    the fixed pivots, no symbolic work and no search: for column `j` of `P A Q`, scatter it into
//!    a dense work vector `x`, then for each `k` in `U`'s column pattern in increasing order
//!    (a topological order, `L` being lower triangular) `x -= L[:,k] * x[k]`; `U[:,j]` and
//!    `L[:,j] = x / U[j,j]` are read off the pattern.
//!
//! A refactorised pivot smaller than `PIVOT_REL_TOL` times the largest entry of its column (both
//! scaled by the rows' scales of the pivoting factorisation) is
//! rejected and the value set is factored again with fresh partial pivoting (step 2), so the static
//! pivots never cost accuracy. `PIVOT_REL_TOL = 1e-3` is ngspice's default `pivrel`.

pub mod batch;
mod diagonal;
mod plan;

use crate::sparse::Pattern;
use faer::dyn_stack::{MemBuffer, MemStack};
use num_complex::Complex64;
use std::ops::{AddAssign, Div, Mul, MulAssign, Sub, SubAssign};
use std::sync::{Arc, Mutex};

/// How accurate the solves of one factoriser were (reported by `balun run --verbose`).
///
/// The measure is the componentwise backward error of each solve before refinement,
/// `max_i |b - A x|_i / (sum_j |a_ij x_j| + |b_i|)`: the smallest relative change of the matrix
/// entries and right-hand side for which `x` is exact (Oettli-Prager). A few `f64::EPSILON`
/// (2.2e-16) is as good as a solve can be; [`Lu::solve_refined`] refines where it exceeds 16 ulp.
/// Rows whose residual is subnormal (below `f64::MIN_POSITIVE`, 2.2e-308) count as exact.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SolveStats {
    /// Solves through [`Lu::solve_refined`].
    pub solves: u64,
    /// Of those, how many needed a refinement step.
    pub refined: u64,
    /// The worst backward error seen, before refinement.
    pub worst_backward_error: f64,
}

impl SolveStats {
    const ZERO: SolveStats = SolveStats {
        solves: 0,
        refined: 0,
        worst_backward_error: 0.0,
    };

    /// Adds `other`'s counts and keeps the worse error.
    pub fn merge(&mut self, other: &SolveStats) {
        self.solves += other.solves;
        self.refined += other.refined;
        self.worst_backward_error = self.worst_backward_error.max(other.worst_backward_error);
    }
}

/// Statistics of every factoriser dropped so far in this process (each adds its own on drop).
static PROCESS_STATS: Mutex<SolveStats> = Mutex::new(SolveStats::ZERO);

/// Returns and resets the statistics of the factorisers dropped since the last call: after a
/// simulation, the accuracy of all its solves (all threads). Process-wide, for reporting only.
pub fn take_process_stats() -> SolveStats {
    match PROCESS_STATS.lock() {
        Ok(mut s) => std::mem::replace(&mut *s, SolveStats::ZERO),
        Err(_) => SolveStats::ZERO,
    }
}

/// Relative pivot tolerance for accepting a static pivot (ngspice's `pivrel` default).
const PIVOT_REL_TOL: f64 = 1e-3;

/// Matrix entry types: `f64` for DC and transient, `Complex64` for AC.
pub trait Scalar:
    faer::traits::ComplexField
    + Copy
    + Send
    + Sync
    + Default
    + AddAssign
    + SubAssign
    + MulAssign
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
{
    /// A cheap magnitude for pivot comparisons (`|re| + |im|`).
    fn magnitude(self) -> f64;
    /// The real value `m` as this type.
    fn from_f64_magnitude(m: f64) -> Self;
    /// `1/self`.
    fn inverse(self) -> Self;
}

impl Scalar for f64 {
    fn magnitude(self) -> f64 {
        self.abs()
    }
    fn from_f64_magnitude(m: f64) -> Self {
        m
    }
    fn inverse(self) -> Self {
        1.0 / self
    }
}

impl Scalar for Complex64 {
    fn magnitude(self) -> f64 {
        self.re.abs() + self.im.abs()
    }
    fn from_f64_magnitude(m: f64) -> Self {
        Complex64::new(m, 0.0)
    }
    fn inverse(self) -> Self {
        self.inv()
    }
}

/// Why a factorisation failed: the unknown (matrix column, before ordering) with no usable pivot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SingularAt(pub usize);

/// The structure of the factors `P A Q = L U` (permuted indices), fixed by one pivoting
/// factorisation and shared by every factoriser refactoring on those pivots (the forks of
/// a parallel sweep). Row indices are `u32`: the pattern's dimension fits (see
/// [`crate::sparse::PatternBuilder`]), and the solves stream less memory.
struct Structure {
    /// The dimension `n`.
    dim: usize,
    /// Pivot position of each original row.
    row_perm_inv: Vec<u32>,
    /// `L` strictly below the diagonal (unit diagonal implied): column pointers, row indices.
    l_col_ptr: Vec<usize>,
    l_row: Vec<u32>,
    /// `U` with each column's rows sorted ascending and the diagonal last.
    u_col_ptr: Vec<usize>,
    u_row: Vec<u32>,
    /// Permuted row index of every entry of `A` (indexed by `A`'s value slot).
    a_row_perm: Vec<u32>,
    /// `1/s` of each pivot position's row, `s` the row's largest magnitude in the matrix that
    /// chose the pivots (`diagonal::row_scale_inv`): the refactorisation judges its pivots
    /// row-scaled, as they were chosen.
    scale_inv: Vec<f64>,
    /// Direct addresses for the refactorisation of small matrices.
    plan: Option<plan::Plan>,
}

impl Structure {
    /// Checks what the unchecked loops of [`Lu::refactor`] and [`Lu::solve_in_place`] rely on:
    /// column pointers of `L` and `U` with `n + 1` non-decreasing entries ending at their
    /// index arrays' lengths, every column of `U` non-empty (its diagonal), every row index
    /// below `n`. Panics otherwise (a broken internal invariant, not bad input).
    fn validate(&self) {
        let n = self.dim;
        let pointers_ok = |ptr: &[usize], len: usize| {
            ptr.len() == n + 1
                && ptr[0] == 0
                && ptr[n] == len
                && ptr.windows(2).all(|w| w[0] <= w[1])
        };
        assert!(pointers_ok(&self.l_col_ptr, self.l_row.len()), "L pointers");
        assert!(pointers_ok(&self.u_col_ptr, self.u_row.len()), "U pointers");
        assert!(
            self.u_col_ptr.windows(2).all(|w| w[0] < w[1]),
            "a column of U without its diagonal"
        );
        let below_n = |v: &[u32]| v.iter().all(|&i| (i as usize) < n);
        assert!(
            below_n(&self.l_row) && below_n(&self.u_row) && below_n(&self.a_row_perm),
            "a row index out of range"
        );
        assert!(
            self.row_perm_inv.len() == n && below_n(&self.row_perm_inv),
            "row permutation"
        );
    }
}

/// The numeric factors on a [`Structure`].
struct Factors<T> {
    structure: Arc<Structure>,
    /// `U`'s values (`nu` of them, in the order of `U`'s rows), then `L`'s.
    val: Vec<T>,
    nu: usize,
    /// `1/U[j,j]`, so substitutions multiply instead of dividing.
    u_diag_inv: Vec<T>,
}

/// A CSC pattern by rows: row `i`'s columns, ascending, are `col[row_ptr[i]..row_ptr[i + 1]]`,
/// and `slot` gives each entry's index in the CSC value array.
struct Rows {
    row_ptr: Vec<usize>,
    col: Vec<u32>,
    slot: Vec<u32>,
}

impl Rows {
    fn new(pattern: &Pattern) -> Self {
        let n = pattern.dim();
        let (col_ptr, row_idx) = (pattern.symbolic.col_ptr(), pattern.symbolic.row_idx());
        let mut row_ptr = vec![0usize; n + 1];
        for &r in row_idx {
            row_ptr[r + 1] += 1;
        }
        for i in 0..n {
            row_ptr[i + 1] += row_ptr[i];
        }
        let mut next = row_ptr.clone();
        let mut col = vec![0u32; row_idx.len()];
        let mut slot = vec![0u32; row_idx.len()];
        // Columns in increasing order, so each row's come out ascending. Indices and slots fit
        // in u32: the pattern is built from u32 positions and u32 slots.
        for c in 0..n {
            for k in col_ptr[c]..col_ptr[c + 1] {
                let at = &mut next[row_idx[k]];
                col[*at] = c as u32;
                slot[*at] = k as u32;
                *at += 1;
            }
        }
        Rows { row_ptr, col, slot }
    }
}

/// `y[k]`, out of line: a branch to it (not a select on its value) lets the substitutions run
/// ahead on a carried value without waiting for the load of the other alternative.
#[cold]
#[inline(never)]
fn reload<T: Copy>(y: &[T], k: usize) -> T {
    y[k]
}

/// `x += d`, elementwise (a refinement step's correction).
fn add<T: Scalar>(x: &mut [T], d: &[T]) {
    for (x, d) in x.iter_mut().zip(d) {
        *x += *d;
    }
}

/// The ordering and pivots of a factoriser, without the values of its factors (see
/// [`Lu::pivots`]).
#[derive(Clone)]
pub struct Pivots {
    col_perm: Arc<(Vec<usize>, Vec<usize>)>,
    rows: Arc<Rows>,
    dim: usize,
    /// `None` before a successful factorisation.
    structure: Option<Arc<Structure>>,
}

/// Sparse LU of matrices sharing one [`Pattern`]; see the module docs.
pub struct Lu<T: Scalar> {
    /// Column ordering `Q`: position `j` holds original column `col_perm[j]` (shared by forks).
    col_perm: Arc<(Vec<usize>, Vec<usize>)>,
    factors: Option<Factors<T>>,
    /// Dense work vector, all zeros between uses.
    work: Vec<T>,
    /// The pattern by rows, for the residual check (shared by forks).
    rows: Arc<Rows>,
    /// Number of pivoting factorisations done (for statistics and tests).
    pub pivotings: usize,
    /// Accuracy of this factoriser's solves.
    pub stats: SolveStats,
}

impl<T: Scalar> Drop for Lu<T> {
    fn drop(&mut self) {
        if self.stats.solves > 0 {
            if let Ok(mut total) = PROCESS_STATS.lock() {
                total.merge(&self.stats);
            }
        }
    }
}

/// The fill-reducing column order `(forward, inverse)` of `pattern`: AMD on the pattern of
/// `A + A^T` (KLU's default: MNA matrices are nearly structurally symmetric), a symmetric
/// order whose diagonal the pivoting factorisation keeps where it can ([`diagonal`]). On the
/// benchmark ladders it gives less fill than COLAMD and factors accurate enough to need no
/// refinement (3-conductor coupled ladder: 1.26M instead of 1.40M entries, backward error
/// 1.2e-15 instead of 1.3e-12); on the 90-unknown transistor op-amp, with the diagonal kept,
/// 685 entries in `L + U` instead of COLAMD and partial pivoting's 1,300 (1,000 multiply-adds
/// per refactorisation instead of 5,600).
pub fn column_order(pattern: &Pattern) -> (Vec<usize>, Vec<usize>) {
    let (n, nnz) = (pattern.dim(), pattern.nnz());
    let mut fwd = vec![0usize; n];
    let mut inv = vec![0usize; n];
    let mut mem = MemBuffer::new(faer::sparse::linalg::amd::order_maybe_unsorted_scratch::<
        usize,
    >(n, nnz));
    faer::sparse::linalg::amd::order_maybe_unsorted(
        &mut fwd,
        &mut inv,
        pattern.symbolic.as_ref(),
        Default::default(),
        MemStack::new(&mut mem),
    )
    .expect("AMD ordering of a square pattern cannot fail");
    (fwd, inv)
}

impl<T: Scalar> Lu<T> {
    /// Orders the columns of `pattern` ([`column_order`]), once.
    pub fn new(pattern: &Pattern) -> Self {
        let col_perm = Arc::new(column_order(pattern));
        Lu {
            col_perm,
            factors: None,
            work: vec![T::default(); pattern.dim()],
            rows: Arc::new(Rows::new(pattern)),
            pivotings: 0,
            stats: SolveStats::ZERO,
        }
    }

    /// A factoriser sharing this one's ordering and pivots (one per thread). It must
    /// [`Lu::factor`] before it solves: it shares the structure of the factors, not their values.
    pub fn fork(&self) -> Self {
        Self::from_pivots(&self.pivots())
    }

    /// A factoriser on `pivots` (see [`Lu::fork`]).
    pub fn from_pivots(pivots: &Pivots) -> Self {
        let mut lu = Lu {
            col_perm: Arc::clone(&pivots.col_perm),
            factors: None,
            work: Vec::new(),
            rows: Arc::clone(&pivots.rows),
            pivotings: 0,
            stats: SolveStats::ZERO,
        };
        lu.adopt(pivots);
        lu
    }

    /// This factoriser's ordering and pivots, without the values of its factors: what
    /// [`Lu::from_pivots`] and [`Lu::adopt`] start from. Keeping these instead of the
    /// factoriser frees its values.
    pub fn pivots(&self) -> Pivots {
        Pivots {
            col_perm: Arc::clone(&self.col_perm),
            rows: Arc::clone(&self.rows),
            dim: self.work.len(),
            structure: self.factors.as_ref().map(|f| Arc::clone(&f.structure)),
        }
    }

    /// Takes `base`'s ordering and pivots (a fork of `base`, keeping this factoriser's
    /// buffers): the next [`Lu::factor`] refactors on them, whatever this one factored before.
    /// The values of the factors are left stale until then.
    pub fn share_pivots(&mut self, base: &Self) {
        self.adopt(&base.pivots());
    }

    /// [`Lu::share_pivots`] from a [`Pivots`].
    pub fn adopt(&mut self, pivots: &Pivots) {
        self.col_perm = Arc::clone(&pivots.col_perm);
        self.rows = Arc::clone(&pivots.rows);
        let n = pivots.dim;
        self.work.resize(n, T::default());
        let Some(structure) = pivots.structure.as_ref() else {
            self.factors = None;
            return;
        };
        let mut f = self.factors.take().unwrap_or_else(|| Factors {
            structure: Arc::clone(structure),
            val: Vec::new(),
            nu: 0,
            u_diag_inv: Vec::new(),
        });
        f.structure = Arc::clone(structure);
        f.nu = structure.u_row.len();
        f.val.resize(f.nu + structure.l_row.len(), T::default());
        f.u_diag_inv.resize(n, T::default());
        self.factors = Some(f);
    }

    /// Factors the matrix with `pattern` and `values`: a refactorisation on the known pivots when
    /// they are still good, a pivoting factorisation otherwise.
    pub fn factor(&mut self, pattern: &Pattern, values: &[T]) -> Result<(), SingularAt> {
        if self.factors.is_some() && self.refactor(pattern, values) {
            return Ok(());
        }
        self.pivot(pattern, values)
    }

    /// Pivoting factorisation ([`diagonal::factor`]); keeps its pivots and structure.
    fn pivot(&mut self, pattern: &Pattern, values: &[T]) -> Result<(), SingularAt> {
        self.pivotings += 1;
        self.factors = None;
        let mut f = diagonal::factor(pattern, values, &self.col_perm.0)?;
        f.structure.plan =
            plan::Plan::new(&f.structure, &self.col_perm.0, pattern.symbolic.col_ptr());
        self.install(f.structure, f.l_val, f.u_val)
    }

    /// Keeps the factors of a pivoting factorisation after checking them: a zero or non-finite
    /// pivot means a numerically singular matrix.
    fn install(
        &mut self,
        structure: Structure,
        l_val: Vec<T>,
        u_val: Vec<T>,
    ) -> Result<(), SingularAt> {
        let n = structure.dim;
        let u_col_ptr = &structure.u_col_ptr;
        for (j, &col) in self.col_perm.0.iter().enumerate() {
            let d = u_val[u_col_ptr[j + 1] - 1].magnitude();
            if d == 0.0 || !d.is_finite() {
                return Err(SingularAt(col));
            }
        }
        let u_diag_inv = (0..n)
            .map(|j| u_val[u_col_ptr[j + 1] - 1].inverse())
            .collect();
        structure.validate();
        let nu = u_val.len();
        let mut val = u_val;
        val.extend_from_slice(&l_val);
        self.factors = Some(Factors {
            structure: Arc::new(structure),
            val,
            nu,
            u_diag_inv,
        });
        Ok(())
    }

    /// Numeric refactorisation on the stored pivots; `false` if a pivot became too small.
    ///
    /// The loops index without bounds checks: every index they read comes from the
    /// [`Structure`] (checked once by [`Structure::validate`] when it is made) or from
    /// `pattern`'s column pointers (checked against `values` here), and this is the innermost
    /// loop of every Newton iteration (on the 90-unknown transistor op-amp the checks were a
    /// third of its instructions). The operations and their order are those of the checked
    /// version, so the factors are the same bit for bit.
    fn refactor(&mut self, pattern: &Pattern, values: &[T]) -> bool {
        let Some(f) = self.factors.as_mut() else {
            return false;
        };
        if f.structure.plan.is_some() {
            return Self::refactor_planned(f, values);
        }
        let s = &*f.structure;
        let x = &mut self.work[..];
        let n = s.dim;
        let col_ptr = pattern.symbolic.col_ptr();
        assert!(
            x.len() == n
                && pattern.dim() == n
                && values.len() == s.a_row_perm.len()
                && col_ptr.len() == n + 1
                && col_ptr[n] == values.len()
                && f.nu == s.u_row.len()
                && f.val.len() == f.nu + s.l_row.len()
                && f.u_diag_inv.len() == n
                && self.col_perm.0.len() == n,
            "refactorisation on a pattern or factors of another size"
        );
        let (l_ptr, l_row, u_ptr, u_row) = (&s.l_col_ptr, &s.l_row, &s.u_col_ptr, &s.u_row);
        let (u_val, l_val) = f.val.split_at_mut(f.nu);
        for j in 0..n {
            let pj = self.col_perm.0[j];
            let (a0, a1) = (col_ptr[pj], col_ptr[pj + 1]);
            for (&r, &v) in s.a_row_perm[a0..a1].iter().zip(&values[a0..a1]) {
                // SAFETY: r < n (validated), x.len() == n (asserted above).
                unsafe { *x.get_unchecked_mut(r as usize) += v };
            }
            let (u0, u1) = (u_ptr[j], u_ptr[j + 1] - 1);
            for idx in u0..u1 {
                // SAFETY: u0..u1 lies in u_row/u_val (validated pointers); k < n, so k + 1
                // indexes l_ptr (n + 1 entries) and l_ptr's ranges lie in l_row/l_val; every
                // row index is < n (validated) and x.len() == n.
                unsafe {
                    let k = *u_row.get_unchecked(idx) as usize;
                    let xk = *x.get_unchecked(k);
                    *x.get_unchecked_mut(k) = T::default();
                    *u_val.get_unchecked_mut(idx) = xk;
                    let (l0, l1) = (*l_ptr.get_unchecked(k), *l_ptr.get_unchecked(k + 1));
                    for p in l0..l1 {
                        let i = *l_row.get_unchecked(p) as usize;
                        let l = *l_val.get_unchecked(p);
                        *x.get_unchecked_mut(i) -= l * xk;
                    }
                }
            }
            let pivot = x[j];
            x[j] = T::default();
            u_val[u1] = pivot;
            let (l0, l1) = (l_ptr[j], l_ptr[j + 1]);
            let rows = &l_row[l0..l1];
            let scale = &s.scale_inv;
            let pivot_mag = pivot.magnitude() * scale[j];
            let mut col_max = pivot_mag;
            for &i in rows {
                // SAFETY: row indices are < n (validated), x.len() == n == scale.len().
                col_max = col_max.max(unsafe {
                    x.get_unchecked(i as usize).magnitude() * scale.get_unchecked(i as usize)
                });
            }
            let acceptable = pivot_mag > PIVOT_REL_TOL * col_max;
            if !acceptable || !pivot.magnitude().is_finite() {
                // Leave the work vector clean for the pivoting factorisation.
                x.iter_mut().for_each(|v| *v = T::default());
                return false;
            }
            let inv = pivot.inverse();
            f.u_diag_inv[j] = inv;
            for (&i, l) in rows.iter().zip(&mut l_val[l0..l1]) {
                // SAFETY: as above.
                let xi = unsafe { x.get_unchecked_mut(i as usize) };
                *l = *xi * inv;
                *xi = T::default();
            }
        }
        true
    }

    /// [`Lu::refactor`] through the structure's [`plan::Plan`]: the same operations in the
    /// same order on the combined array of `U`'s and `L`'s values, so the same factors.
    fn refactor_planned(f: &mut Factors<T>, values: &[T]) -> bool {
        let s = &*f.structure;
        let Some(plan) = s.plan.as_ref() else {
            return false;
        };
        let n = s.dim;
        let nu = f.nu;
        let len = nu + s.l_row.len();
        assert!(
            values.len() == plan.a_pos.len()
                && nu == s.u_row.len()
                && f.val.len() == len
                && f.u_diag_inv.len() == n,
            "refactorisation on a pattern or factors of another size"
        );
        let w = &mut f.val[..];
        // SAFETY (the unchecked indexing below): every a_pos and fill index is < len (checked
        // by Plan::new) and w.len() == len; idx < nu; k < n, so l_ptr[k + 1] exists and
        // nu + p < len; the plan holds one target (< len) per multiply-add, taken in order.
        for &p in &plan.fill {
            unsafe { *w.get_unchecked_mut(p as usize) = T::default() };
        }
        for (&p, &v) in plan.a_pos.iter().zip(values) {
            // `0 + v`, as the work-vector kernel's first addition (keeps the sign of a zero).
            unsafe { *w.get_unchecked_mut(p as usize) = T::default() + v };
        }
        let (l_ptr, u_ptr, u_row) = (&s.l_col_ptr, &s.u_col_ptr, &s.u_row);
        let targets = &plan.targets[..];
        let mut t = 0;
        for j in 0..n {
            let (u0, u1) = (u_ptr[j], u_ptr[j + 1] - 1);
            for idx in u0..u1 {
                unsafe {
                    let k = *u_row.get_unchecked(idx) as usize;
                    let ukj = *w.get_unchecked(idx);
                    let (l0, l1) = (*l_ptr.get_unchecked(k), *l_ptr.get_unchecked(k + 1));
                    let len = l1 - l0;
                    let to = targets.as_ptr().add(t);
                    t += len;
                    let wp = w.as_mut_ptr();
                    let lp = wp.add(nu + l0) as *const T;
                    for q in 0..len {
                        let at = wp.add(*to.add(q) as usize);
                        *at -= *lp.add(q) * ukj;
                    }
                }
            }
            let pivot = w[u1];
            let (l0, l1) = (l_ptr[j], l_ptr[j + 1]);
            let column = &mut w[nu + l0..nu + l1];
            let scale = &s.scale_inv;
            let pivot_mag = pivot.magnitude() * scale[j];
            let col_max = column
                .iter()
                .zip(&s.l_row[l0..l1])
                .fold(pivot_mag, |m, (v, &i)| {
                    m.max(v.magnitude() * scale[i as usize])
                });
            let acceptable = pivot_mag > PIVOT_REL_TOL * col_max;
            if !acceptable || !pivot.magnitude().is_finite() {
                return false;
            }
            let inv = pivot.inverse();
            f.u_diag_inv[j] = inv;
            for l in column {
                *l *= inv;
            }
        }
        true
    }

    /// Solves `A x = b` in place, then applies one step of iterative refinement where it is
    /// needed. The residual `r = b - A x` is computed from the matrix just factored
    /// (`pattern`/`values`); if any `|r_i|` exceeds a few ulp of what row `i` could round to,
    /// `sum_j |a_ij x_j| + |b_i|` (the componentwise backward-error test), `x += A^-1 r`.
    /// The static pivots can grow the error of a plain solve by a few hundred ulp on
    /// ill-conditioned points; one step brings it back to rounding level. `scratch` is reused.
    pub fn solve_refined(
        &mut self,
        pattern: &Pattern,
        values: &[T],
        b: &mut [T],
        scratch: &mut Vec<T>,
    ) {
        scratch.clear();
        scratch.extend_from_slice(b);
        self.solve_in_place(b);
        self.check_and_refine(pattern, values, b, scratch, false);
    }

    /// Solves the transposed system `A^T x = b` in place (after a successful [`Lu::factor`]),
    /// with one step of iterative refinement where the residual needs it (as
    /// [`Lu::solve_refined`]). This is the adjoint solve of `.noise`: with `P A Q = L U`,
    /// `A^T = Q U^T L^T P`, so `x = P^T L^-T U^-T Q^T b` — a forward substitution with `U^T`
    /// (column `j` of `U` is row `j` of `U^T`), then a backward one with the unit `L^T`.
    pub fn solve_transposed_refined(
        &mut self,
        pattern: &Pattern,
        values: &[T],
        b: &mut [T],
        scratch: &mut Vec<T>,
    ) {
        scratch.clear();
        scratch.extend_from_slice(b);
        self.solve_transposed_in_place(b);
        self.check_and_refine(pattern, values, b, scratch, true);
    }

    /// The residual check and refinement step of [`Lu::solve_refined`] (of `A^T` with
    /// `transposed`): `b` holds the plain solution, `scratch` the right-hand side, which
    /// becomes the residual.
    fn check_and_refine(
        &mut self,
        pattern: &Pattern,
        values: &[T],
        b: &mut [T],
        scratch: &mut [T],
        transposed: bool,
    ) {
        if !self.check(pattern, values, b, scratch, transposed) {
            return;
        }
        let residual = &mut scratch[..b.len()];
        if transposed {
            self.solve_transposed_in_place(residual);
        } else {
            self.solve_in_place(residual);
        }
        add(b, residual);
    }

    /// The residual check of [`Lu::check_and_refine`]: records the backward error and returns
    /// whether `b` needs the refinement step (`scratch` then holds the residual).
    fn check(
        &mut self,
        pattern: &Pattern,
        values: &[T],
        b: &[T],
        scratch: &mut [T],
        transposed: bool,
    ) -> bool {
        let n = b.len();
        // One pass over the rows: row i's residual r_i = b_i - sum_j a_ij x_j (subtracted in
        // increasing j, as a column-by-column product would) and its bound
        // m_i = |b_i| + sum_j |a_ij x_j|. The backward error is max_i |r_i| / m_i (rows whose
        // residual underflows, a ladder's far end at -6000 dB, have no relative accuracy to
        // lose: subnormal residuals are rounding noise, not error). Only its value above
        // `floor` matters (the worst so far, and the refinement threshold), so rows whose
        // ratio is certainly below it skip the division.
        let threshold = 16.0 * f64::EPSILON;
        let floor = self.stats.worst_backward_error.min(threshold) * (1.0 - 4.0 * f64::EPSILON);
        let mut backward_error = 0.0f64;
        let mut finish_row = |r: T, m: f64| {
            let r = r.magnitude();
            // `r <= floor*m` is false for NaN ratios, which `max` then ignores.
            let certainly_below = r <= floor * m;
            if r >= f64::MIN_POSITIVE && !certainly_below {
                backward_error = backward_error.max(r / m);
            }
        };
        let residual = &mut scratch[..n];
        if transposed {
            // Row c of A^T is column c of A.
            let col_ptr = pattern.symbolic.col_ptr();
            let row_idx = pattern.symbolic.row_idx();
            for (c, res) in residual.iter_mut().enumerate() {
                let (k0, k1) = (col_ptr[c], col_ptr[c + 1]);
                let (mut acc, mut m) = (*res, res.magnitude());
                for (&r, &v) in row_idx[k0..k1].iter().zip(&values[k0..k1]) {
                    let ax = v * b[r];
                    acc -= ax;
                    m += ax.magnitude();
                }
                *res = acc;
                finish_row(acc, m);
            }
        } else {
            let rows = &*self.rows;
            for (i, res) in residual.iter_mut().enumerate() {
                let (k0, k1) = (rows.row_ptr[i], rows.row_ptr[i + 1]);
                let (mut acc, mut m) = (*res, res.magnitude());
                for (&c, &k) in rows.col[k0..k1].iter().zip(&rows.slot[k0..k1]) {
                    let ax = values[k as usize] * b[c as usize];
                    acc -= ax;
                    m += ax.magnitude();
                }
                *res = acc;
                finish_row(acc, m);
            }
        }
        self.stats.solves += 1;
        self.stats.worst_backward_error = self.stats.worst_backward_error.max(backward_error);
        let refine = backward_error > threshold;
        self.stats.refined += u64::from(refine);
        refine
    }

    /// Whether the last factorisation succeeded (the factors are ready to solve with).
    pub fn is_factored(&self) -> bool {
        self.factors.is_some()
    }

    /// Whether `self` and `other` refactor on the very same pivots.
    fn same_pivots(&self, other: &Self) -> bool {
        match (&self.factors, &other.factors) {
            (Some(a), Some(b)) => {
                Arc::ptr_eq(&a.structure, &b.structure)
                    && Arc::ptr_eq(&self.col_perm, &other.col_perm)
            }
            _ => false,
        }
    }

    /// Factors two matrices of `pattern` at once: exactly `a.factor(va)`, then `b` takes `a`'s
    /// pivots and `b.factor(vb)` (the same values bit for bit). When both refactor on shared
    /// pivots (the usual case), the two eliminations run interleaved, column by column, so the
    /// processor overlaps their dependency chains (a refactorisation is latency-bound: each
    /// column waits for the division of the one before). On a bad pivot they are redone one
    /// after the other. `b`'s error is reported only when `a` succeeds.
    pub fn factor_pair(
        a: &mut Self,
        b: &mut Self,
        pattern: &Pattern,
        va: &[T],
        vb: &[T],
    ) -> Result<(), SingularAt> {
        b.share_pivots(a);
        if a.same_pivots(b) && Self::refactor_pair(a, b, pattern, va, vb) {
            return Ok(());
        }
        a.factor(pattern, va)?;
        b.share_pivots(a);
        b.factor(pattern, vb)
    }

    /// [`Lu::refactor`] of `a` and `b` (on the same pivots) interleaved; `false`, with both work
    /// vectors clean, if either has a bad pivot.
    fn refactor_pair(a: &mut Self, b: &mut Self, pattern: &Pattern, va: &[T], vb: &[T]) -> bool {
        let (Some(fa), Some(fb)) = (a.factors.as_mut(), b.factors.as_mut()) else {
            return false;
        };
        let s = &*fa.structure;
        let (fa_u, fa_l) = fa.val.split_at_mut(fa.nu);
        let (fb_u, fb_l) = fb.val.split_at_mut(fb.nu);
        let (xa, xb) = (&mut a.work, &mut b.work);
        let col_ptr = pattern.symbolic.col_ptr();
        let n = xa.len();
        for j in 0..n {
            let pj = a.col_perm.0[j];
            let (a0, a1) = (col_ptr[pj], col_ptr[pj + 1]);
            for ((&r, &v), &w) in s.a_row_perm[a0..a1]
                .iter()
                .zip(&va[a0..a1])
                .zip(&vb[a0..a1])
            {
                xa[r as usize] += v;
                xb[r as usize] += w;
            }
            let (u0, u1) = (s.u_col_ptr[j], s.u_col_ptr[j + 1] - 1);
            for (idx, &k) in (u0..u1).zip(&s.u_row[u0..u1]) {
                let k = k as usize;
                let (ka, kb) = (std::mem::take(&mut xa[k]), std::mem::take(&mut xb[k]));
                (fa_u[idx], fb_u[idx]) = (ka, kb);
                let (l0, l1) = (s.l_col_ptr[k], s.l_col_ptr[k + 1]);
                let lv = fa_l[l0..l1].iter().zip(&fb_l[l0..l1]);
                for (&i, (&la, &lb)) in s.l_row[l0..l1].iter().zip(lv) {
                    xa[i as usize] -= la * ka;
                    xb[i as usize] -= lb * kb;
                }
            }
            let (pa, pb) = (std::mem::take(&mut xa[j]), std::mem::take(&mut xb[j]));
            (fa_u[u1], fb_u[u1]) = (pa, pb);
            let (l0, l1) = (s.l_col_ptr[j], s.l_col_ptr[j + 1]);
            let rows = &s.l_row[l0..l1];
            let sc = &s.scale_inv;
            let (mut max_a, mut max_b) = (pa.magnitude() * sc[j], pb.magnitude() * sc[j]);
            for &i in rows {
                let si = sc[i as usize];
                max_a = max_a.max(xa[i as usize].magnitude() * si);
                max_b = max_b.max(xb[i as usize].magnitude() * si);
            }
            let good = |p: T, max: f64| {
                p.magnitude() * sc[j] > PIVOT_REL_TOL * max && p.magnitude().is_finite()
            };
            if !good(pa, max_a) || !good(pb, max_b) {
                xa.iter_mut().for_each(|v| *v = T::default());
                xb.iter_mut().for_each(|v| *v = T::default());
                return false;
            }
            let (ia, ib) = (pa.inverse(), pb.inverse());
            fa.u_diag_inv[j] = ia;
            fb.u_diag_inv[j] = ib;
            let lv = fa_l[l0..l1].iter_mut().zip(&mut fb_l[l0..l1]);
            for (&i, (la, lb)) in rows.iter().zip(lv) {
                let i = i as usize;
                *la = xa[i] * ia;
                *lb = xb[i] * ib;
                xa[i] = T::default();
                xb[i] = T::default();
            }
        }
        true
    }

    /// [`Lu::solve_refined`] of `a` with `ba` and of `b` with `bb`, the two triangular solves
    /// interleaved when `a` and `b` share their pivots (as after [`Lu::factor_pair`]); results
    /// bit-identical to two separate calls.
    #[allow(clippy::too_many_arguments)]
    pub fn solve_refined_pair(
        a: &mut Self,
        b: &mut Self,
        pattern: &Pattern,
        (va, vb): (&[T], &[T]),
        (ba, bb): (&mut [T], &mut [T]),
        (sa, sb): (&mut Vec<T>, &mut Vec<T>),
    ) {
        if !a.same_pivots(b) {
            a.solve_refined(pattern, va, ba, sa);
            b.solve_refined(pattern, vb, bb, sb);
            return;
        }
        sa.clear();
        sa.extend_from_slice(ba);
        sb.clear();
        sb.extend_from_slice(bb);
        Self::solve_pair_in_place(a, b, ba, bb);
        let refine_a = a.check(pattern, va, ba, sa, false);
        let refine_b = b.check(pattern, vb, bb, sb, false);
        // The refinement solves, interleaved too when both need one.
        match (refine_a, refine_b) {
            (true, true) => {
                Self::solve_pair_in_place(a, b, sa, sb);
                add(ba, sa);
                add(bb, sb);
            }
            (true, false) => {
                a.solve_in_place(sa);
                add(ba, sa);
            }
            (false, true) => {
                b.solve_in_place(sb);
                add(bb, sb);
            }
            (false, false) => {}
        }
    }

    /// [`Lu::solve_in_place`] of `a` and `b`, which share their pivots, interleaved.
    fn solve_pair_in_place(a: &mut Self, b: &mut Self, ba: &mut [T], bb: &mut [T]) {
        let (Some(fa), Some(fb)) = (a.factors.as_ref(), b.factors.as_ref()) else {
            panic!("solve before a successful factorisation");
        };
        let s = &*fa.structure;
        let (fa_u, fa_l) = fa.val.split_at(fa.nu);
        let (fb_u, fb_l) = fb.val.split_at(fb.nu);
        let (ya, yb) = (&mut a.work, &mut b.work);
        let n = ya.len();
        for ((&p, &v), &w) in s.row_perm_inv.iter().zip(ba.iter()).zip(bb.iter()) {
            ya[p as usize] = v;
            yb[p as usize] = w;
        }
        // The values for the next row to be read are carried in registers, as in
        // `solve_in_place`.
        let mut carried: Option<(T, T)> = None;
        for k in 0..n {
            let (ka, kb) = carried
                .take()
                .unwrap_or_else(|| (reload(ya, k), reload(yb, k)));
            let (l0, l1) = (s.l_col_ptr[k], s.l_col_ptr[k + 1]);
            let lv = fa_l[l0..l1].iter().zip(&fb_l[l0..l1]);
            for (&i, (&la, &lb)) in s.l_row[l0..l1].iter().zip(lv) {
                let i = i as usize;
                let (va, vb) = (ya[i] - la * ka, yb[i] - lb * kb);
                (ya[i], yb[i]) = (va, vb);
                if i == k + 1 {
                    carried = Some((va, vb));
                }
            }
        }
        carried = None;
        for j in (0..n).rev() {
            let (u0, d) = (s.u_col_ptr[j], s.u_col_ptr[j + 1] - 1);
            let (ya_j, yb_j) = carried
                .take()
                .unwrap_or_else(|| (reload(ya, j), reload(yb, j)));
            let (ja, jb) = (ya_j * fa.u_diag_inv[j], yb_j * fb.u_diag_inv[j]);
            ya[j] = ja;
            yb[j] = jb;
            let uv = fa_u[u0..d].iter().zip(&fb_u[u0..d]);
            for (&i, (&ua, &ub)) in s.u_row[u0..d].iter().zip(uv) {
                let i = i as usize;
                let (va, vb) = (ya[i] - ua * ja, yb[i] - ub * jb);
                (ya[i], yb[i]) = (va, vb);
                if i + 1 == j {
                    carried = Some((va, vb));
                }
            }
        }
        for ((&c, ja), jb) in a.col_perm.0.iter().zip(ya.iter_mut()).zip(yb.iter_mut()) {
            ba[c] = *ja;
            bb[c] = *jb;
            *ja = T::default();
            *jb = T::default();
        }
    }

    /// Solves `A x = b` in place (after a successful [`Lu::factor`]).
    ///
    /// The substitutions index without bounds checks, as the refactorisation does (every index
    /// comes from the factors' structure, checked once when the pivots were chosen); same
    /// operations in the same order as checked loops.
    pub fn solve_in_place(&mut self, b: &mut [T]) {
        let f = self
            .factors
            .as_ref()
            .expect("solve before a successful factorisation");
        let s = &*f.structure;
        let y = &mut self.work[..];
        let n = s.dim;
        assert!(
            y.len() == n
                && b.len() >= n
                && f.nu == s.u_row.len()
                && f.val.len() == f.nu + s.l_row.len()
                && f.u_diag_inv.len() == n,
            "solve with factors of another size"
        );
        let (u_vals, l_vals) = f.val.split_at(f.nu);
        let (l_ptr, l_row, l_val) = (&s.l_col_ptr, &s.l_row, l_vals);
        let (u_ptr, u_row, u_val) = (&s.u_col_ptr, &s.u_row, u_vals);
        for (&p, &v) in s.row_perm_inv.iter().zip(b.iter()) {
            y[p as usize] = v;
        }
        // The value a column writes to the next row to be read (k + 1 going forward, j - 1
        // going back) is carried in a register: in a chain-like circuit the substitution is one
        // long dependency chain, and reading the value back from memory would add the
        // store-to-load forwarding latency to every link.
        let mut carried: Option<T> = None;
        for k in 0..n {
            let yk = carried.take().unwrap_or_else(|| reload(y, k));
            // SAFETY: k < n indexes l_ptr (n + 1 entries), whose ranges lie in l_row/l_val;
            // row indices are < n (validated) and y.len() == n.
            unsafe {
                let (l0, l1) = (*l_ptr.get_unchecked(k), *l_ptr.get_unchecked(k + 1));
                for p in l0..l1 {
                    let i = *l_row.get_unchecked(p) as usize;
                    let v = *y.get_unchecked(i) - *l_val.get_unchecked(p) * yk;
                    *y.get_unchecked_mut(i) = v;
                    if i == k + 1 {
                        carried = Some(v);
                    }
                }
            }
        }
        carried = None;
        for j in (0..n).rev() {
            let yj = carried.take().unwrap_or_else(|| reload(y, j)) * f.u_diag_inv[j];
            y[j] = yj;
            // SAFETY: as above, for U (its columns are validated non-empty, so d >= u0).
            unsafe {
                let (u0, d) = (*u_ptr.get_unchecked(j), *u_ptr.get_unchecked(j + 1) - 1);
                for p in u0..d {
                    let i = *u_row.get_unchecked(p) as usize;
                    let v = *y.get_unchecked(i) - *u_val.get_unchecked(p) * yj;
                    *y.get_unchecked_mut(i) = v;
                    if i + 1 == j {
                        carried = Some(v);
                    }
                }
            }
        }
        for (&c, yj) in self.col_perm.0.iter().zip(y.iter_mut()) {
            b[c] = *yj;
            *yj = T::default();
        }
    }

    /// Solves `A^T x = b` in place (after a successful [`Lu::factor`]); see
    /// [`Lu::solve_transposed_refined`].
    pub fn solve_transposed_in_place(&mut self, b: &mut [T]) {
        let f = self
            .factors
            .as_ref()
            .expect("solve before a successful factorisation");
        let s = &*f.structure;
        let (u_vals, l_vals) = f.val.split_at(f.nu);
        let y = &mut self.work;
        let n = y.len();
        // y = Q^T b.
        for (yj, &c) in y.iter_mut().zip(&self.col_perm.0) {
            *yj = b[c];
        }
        // U^T w = y: row j of U^T is column j of U (rows ascending, diagonal last).
        for j in 0..n {
            let (u0, d) = (s.u_col_ptr[j], s.u_col_ptr[j + 1] - 1);
            let mut acc = y[j];
            for (&i, &u) in s.u_row[u0..d].iter().zip(&u_vals[u0..d]) {
                acc -= u * y[i as usize];
            }
            y[j] = acc * f.u_diag_inv[j];
        }
        // L^T v = w, unit diagonal: row k of L^T is column k of L.
        for k in (0..n).rev() {
            let (l0, l1) = (s.l_col_ptr[k], s.l_col_ptr[k + 1]);
            let mut acc = y[k];
            for (&i, &l) in s.l_row[l0..l1].iter().zip(&l_vals[l0..l1]) {
                acc -= l * y[i as usize];
            }
            y[k] = acc;
        }
        // x = P^T v.
        for (bi, &p) in b.iter_mut().zip(&s.row_perm_inv) {
            *bi = y[p as usize];
        }
        y.iter_mut().for_each(|v| *v = T::default());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sparse::PatternBuilder;

    /// A deterministic pseudo-random sequence in [-1, 1).
    fn rng(seed: &mut u64) -> f64 {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((*seed >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
    }

    /// Builds a random sparse `n x n` pattern (diagonal plus `extra` off-diagonal entries).
    fn random_pattern(n: usize, extra: usize, seed: &mut u64) -> (Pattern, Vec<(usize, usize)>) {
        let mut b = PatternBuilder::default();
        let mut pos = Vec::new();
        for _ in 0..extra {
            let r = ((rng(seed) + 1.0) / 2.0 * n as f64) as usize % n;
            let c = ((rng(seed) + 1.0) / 2.0 * n as f64) as usize % n;
            b.add(r, c);
            pos.push((r, c));
        }
        let p = b.finish(n);
        (p, pos)
    }

    /// `A x` for a CSC matrix.
    fn matvec<T: Scalar>(p: &Pattern, v: &[T], x: &[T]) -> Vec<T> {
        let n = p.dim();
        let mut y = vec![T::default(); n];
        let (cp, ri) = (p.symbolic.col_ptr(), p.symbolic.row_idx());
        for c in 0..n {
            for k in cp[c]..cp[c + 1] {
                y[ri[k]] += v[k] * x[c];
            }
        }
        y
    }

    /// `A^T x` for a CSC matrix.
    fn matvec_transposed<T: Scalar>(p: &Pattern, v: &[T], x: &[T]) -> Vec<T> {
        let n = p.dim();
        let mut y = vec![T::default(); n];
        let (cp, ri) = (p.symbolic.col_ptr(), p.symbolic.row_idx());
        for c in 0..n {
            for k in cp[c]..cp[c + 1] {
                y[c] += v[k] * x[ri[k]];
            }
        }
        y
    }

    #[test]
    fn transposed_solve_inverts_the_transpose() {
        let mut seed = 7;
        for n in [1, 5, 30] {
            let (p, _) = random_pattern(n, 4 * n, &mut seed);
            let v: Vec<Complex64> = (0..p.nnz())
                .map(|_| Complex64::new(rng(&mut seed), rng(&mut seed)))
                .collect();
            // Make it diagonally dominant so it is certainly non-singular.
            let mut v = v;
            let (cp, ri) = (p.symbolic.col_ptr(), p.symbolic.row_idx());
            for c in 0..n {
                for k in cp[c]..cp[c + 1] {
                    if ri[k] == c {
                        v[k] += Complex64::new(10.0 * n as f64, 1.0);
                    }
                }
            }
            let xs: Vec<Complex64> = (0..n)
                .map(|_| Complex64::new(rng(&mut seed), rng(&mut seed)))
                .collect();
            let mut lu = Lu::new(&p);
            lu.factor(&p, &v).expect("non-singular");
            let mut b = matvec_transposed(&p, &v, &xs);
            let mut scratch = Vec::new();
            lu.solve_transposed_refined(&p, &v, &mut b, &mut scratch);
            for (a, e) in b.iter().zip(&xs) {
                assert!((*a - *e).norm() < 1e-12, "A^T solve differs: {a} vs {e}");
            }
        }
    }

    fn check_solve<T: Scalar>(p: &Pattern, lu: &mut Lu<T>, v: &[T], xs: &[T]) {
        lu.factor(p, v).expect("non-singular");
        let mut b = matvec(p, v, xs);
        lu.solve_in_place(&mut b);
        for (a, e) in b.iter().zip(xs) {
            assert!((*a - *e).magnitude() < 1e-9, "solution differs");
        }
    }

    #[test]
    fn refactor_reuses_pivots_and_solves_exactly() {
        // A diagonally dominant random matrix: x = A^-1 (A x0) must give x0 back, on the
        // pivoting factorisation and on refactorisations with new values.
        let mut seed = 7;
        let n = 60;
        let (p, _) = random_pattern(n, 240, &mut seed);
        let mut lu = Lu::<f64>::new(&p);
        for round in 0..4 {
            let mut v: Vec<f64> = (0..p.nnz()).map(|_| rng(&mut seed)).collect();
            for c in 0..n {
                let k = (p.symbolic.col_ptr()[c]..p.symbolic.col_ptr()[c + 1])
                    .find(|&k| p.symbolic.row_idx()[k] == c)
                    .unwrap();
                v[k] += 10.0;
            }
            let xs: Vec<f64> = (0..n).map(|_| rng(&mut seed)).collect();
            check_solve(&p, &mut lu, &v, &xs);
            assert_eq!(
                lu.pivotings, 1,
                "round {round} should refactor, not re-pivot"
            );
        }
    }

    /// The full 2x2 pattern.
    fn two_by_two() -> Pattern {
        let mut b = PatternBuilder::default();
        for (r, c) in [(0, 1), (1, 0)] {
            b.add(r, c);
        }
        b.finish(2)
    }

    /// Values of `p` with `diag` on the diagonal and 1 elsewhere.
    fn with_diagonal(p: &Pattern, diag: f64) -> Vec<f64> {
        (0..p.nnz())
            .map(|k| {
                let (r, c) = p.position(k);
                if r == c {
                    diag
                } else {
                    1.0
                }
            })
            .collect()
    }

    #[test]
    fn bad_static_pivot_triggers_repivoting() {
        // [[10, 1], [1, 10]] pivots on the diagonal whatever the column order; with
        // [[1e-12, 1], [1, 1e-12]] those pivots are 1e-12 of their column, so the factoriser must
        // pivot again (off the diagonal) and still solve exactly.
        let p = two_by_two();
        let set = |diag: f64| with_diagonal(&p, diag);
        let mut lu = Lu::<f64>::new(&p);
        check_solve(&p, &mut lu, &set(10.0), &[2.0, 3.0]);
        check_solve(&p, &mut lu, &set(9.0), &[2.0, 3.0]);
        assert_eq!(lu.pivotings, 1);
        check_solve(&p, &mut lu, &set(1e-12), &[2.0, 3.0]);
        assert_eq!(lu.pivotings, 2);
    }

    #[test]
    fn solve_refined_records_the_backward_error() {
        // A diagonally dominant matrix: the backward error of a solve is a few ulp at most, so
        // nothing is refined; every solve is counted.
        let mut seed = 5;
        let n = 30;
        let (p, _) = random_pattern(n, 120, &mut seed);
        let mut v: Vec<f64> = (0..p.nnz()).map(|_| rng(&mut seed)).collect();
        for (k, vk) in v.iter_mut().enumerate() {
            let (r, c) = p.position(k);
            if r == c {
                *vk += 10.0;
            }
        }
        let mut lu = Lu::<f64>::new(&p);
        lu.factor(&p, &v).expect("non-singular");
        let mut scratch = Vec::new();
        for _ in 0..3 {
            let mut b: Vec<f64> = (0..n).map(|_| rng(&mut seed)).collect();
            lu.solve_refined(&p, &v, &mut b, &mut scratch);
        }
        assert_eq!(lu.stats.solves, 3);
        assert_eq!(lu.stats.refined, 0);
        let e = lu.stats.worst_backward_error;
        assert!(e > 0.0 && e <= 16.0 * f64::EPSILON, "{e}");
        let mut total = SolveStats::default();
        total.merge(&lu.stats);
        total.merge(&SolveStats {
            solves: 2,
            refined: 1,
            worst_backward_error: 1e-12,
        });
        assert_eq!((total.solves, total.refined), (5, 1));
        assert_eq!(total.worst_backward_error, 1e-12);
    }

    #[test]
    fn worst_backward_error_is_the_exact_maximum() {
        // The residual check skips the division for rows that cannot raise the worst error;
        // the recorded worst must still be exactly max_i |b - A x|_i / (sum_j |a_ij x_j| + |b_i|)
        // over every solve (computed here directly from the unrefined solution).
        let mut seed = 3;
        let n = 40;
        let (p, _) = random_pattern(n, 200, &mut seed);
        let v: Vec<f64> = (0..p.nnz()).map(|_| rng(&mut seed)).collect();
        let mut lu = Lu::<f64>::new(&p);
        lu.factor(&p, &v).expect("non-singular");
        let mut plain = Lu::<f64>::new(&p);
        plain.factor(&p, &v).expect("non-singular");
        let (cp, ri) = (p.symbolic.col_ptr(), p.symbolic.row_idx());
        let mut expected = 0.0f64;
        let mut scratch = Vec::new();
        for _ in 0..20 {
            let b: Vec<f64> = (0..n).map(|_| rng(&mut seed)).collect();
            let mut x = b.clone();
            plain.solve_in_place(&mut x);
            let mut r = b.clone();
            let mut m: Vec<f64> = b.iter().map(|v| v.abs()).collect();
            for c in 0..n {
                for k in cp[c]..cp[c + 1] {
                    r[ri[k]] -= v[k] * x[c];
                    m[ri[k]] += (v[k] * x[c]).abs();
                }
            }
            for (r, m) in r.iter().zip(&m) {
                if r.abs() >= f64::MIN_POSITIVE {
                    expected = expected.max(r.abs() / m);
                }
            }
            let mut y = b.clone();
            lu.solve_refined(&p, &v, &mut y, &mut scratch);
        }
        assert!(expected > 0.0);
        assert_eq!(lu.stats.worst_backward_error, expected);
    }

    #[test]
    fn pooled_factoriser_returns_to_the_base_pivots() {
        // A fork that had to pivot again (tiny diagonal) takes the base's pivots back with
        // `share_pivots`: its next factorisation is a refactorisation, and it solves exactly.
        let p = two_by_two();
        let set = |diag: f64| with_diagonal(&p, diag);
        let mut base = Lu::<f64>::new(&p);
        base.factor(&p, &set(10.0)).expect("non-singular");
        let mut fork = base.fork();
        check_solve(&p, &mut fork, &set(1e-12), &[2.0, 3.0]);
        assert_eq!(fork.pivotings, 1);
        fork.share_pivots(&base);
        check_solve(&p, &mut fork, &set(9.0), &[2.0, 3.0]);
        assert_eq!(fork.pivotings, 1, "refactored on the base pivots");
    }

    /// `(values, x)` after factoring `values` and solving `b` with `lu`, or after
    /// [`Lu::factor_pair`] / [`Lu::solve_refined_pair`] of two sets.
    fn solve_with(
        lu: &mut Lu<Complex64>,
        p: &Pattern,
        v: &[Complex64],
        b: &[Complex64],
    ) -> Vec<Complex64> {
        lu.factor(p, v).expect("non-singular");
        let mut x = b.to_vec();
        lu.solve_refined(p, v, &mut x, &mut Vec::new());
        x
    }

    #[test]
    fn pair_is_bit_identical_to_one_after_the_other() {
        // Three value sets A, B, C (C has a tiny first pivot on the shared pivots, so it must
        // pivot again): pairs (A, B) and (B, C) must give exactly what factoring and solving
        // them one after the other, each on the pivots the one before left, gives.
        let mut seed = 21;
        let n = 40;
        let (p, _) = random_pattern(n, 160, &mut seed);
        let set = |seed: &mut u64, diag: f64| -> Vec<Complex64> {
            (0..p.nnz())
                .map(|k| {
                    let (r, c) = p.position(k);
                    let d = if r == c { diag } else { 0.0 };
                    Complex64::new(rng(seed) + d, rng(seed))
                })
                .collect()
        };
        let va = set(&mut seed, 8.0);
        let vb = set(&mut seed, 8.0);
        let mut vc = set(&mut seed, 8.0);
        for (k, v) in vc.iter_mut().enumerate() {
            let (r, c) = p.position(k);
            if r == c {
                *v = Complex64::new(1e-10, 0.0);
            }
        }
        let rhs: Vec<Complex64> = (0..n)
            .map(|_| Complex64::new(rng(&mut seed), 0.5))
            .collect();
        let mut repivots = 0;
        for (first, second) in [(&va, &vb), (&vb, &vc), (&vc, &va)] {
            // One after the other.
            let mut base = Lu::<Complex64>::new(&p);
            base.factor(&p, &va).expect("non-singular");
            let mut seq = base.fork();
            let x1 = solve_with(&mut seq, &p, first, &rhs);
            let x2 = solve_with(&mut seq, &p, second, &rhs);
            // As a pair.
            let (mut a, mut b) = (base.fork(), base.fork());
            Lu::factor_pair(&mut a, &mut b, &p, first, second).expect("non-singular");
            let (mut y1, mut y2) = (rhs.clone(), rhs.clone());
            Lu::solve_refined_pair(
                &mut a,
                &mut b,
                &p,
                (first, second),
                (&mut y1, &mut y2),
                (&mut Vec::new(), &mut Vec::new()),
            );
            assert_eq!(x1, y1);
            assert_eq!(x2, y2);
            assert_eq!(seq.pivotings, a.pivotings + b.pivotings);
            repivots += seq.pivotings;
        }
        assert!(
            repivots > 0,
            "the tiny pivot must force a pivoting factorisation"
        );
    }

    #[test]
    fn complex_values() {
        let mut seed = 11;
        let n = 40;
        let (p, _) = random_pattern(n, 160, &mut seed);
        let mut lu = Lu::<Complex64>::new(&p);
        for _ in 0..3 {
            let v: Vec<Complex64> = (0..p.nnz())
                .map(|k| {
                    let (r, c) = p.position(k);
                    let d = if r == c { 8.0 } else { 0.0 };
                    Complex64::new(rng(&mut seed) + d, rng(&mut seed))
                })
                .collect();
            let xs: Vec<Complex64> = (0..n)
                .map(|_| Complex64::new(rng(&mut seed), rng(&mut seed)))
                .collect();
            check_solve(&p, &mut lu, &v, &xs);
        }
    }

    #[test]
    fn singular_matrix_is_reported() {
        let mut b = PatternBuilder::default();
        b.add(0, 1);
        b.add(1, 0);
        let p = b.finish(2);
        // [[1, 1], [1, 1]]: rank 1.
        let v = vec![1.0; p.nnz()];
        let mut lu = Lu::<f64>::new(&p);
        assert!(lu.factor(&p, &v).is_err());
    }
}
