//! Several complex matrices of one pattern refactored and solved at once, on shared pivots.
//!
//! A linear `.ac` sweep factors the same pattern at every frequency, and almost always on the
//! same pivots. [`LuBatch`] refactors [`LANES`] such value sets in one pass over the structure
//! of the factors: each matrix entry holds its [`LANES`] values side by side, real and
//! imaginary parts apart ([`Lanes`], frequency-minor), so the index work (pointer and row
//! reads, scattered loads) is paid once per pass instead of once per value set, and the
//! arithmetic on the lanes runs in SIMD registers (the kernels are plain array loops the
//! compiler vectorises, compiled for the widest instruction set the processor has through
//! `pulp`'s runtime dispatch).
//!
//! Each lane does exactly the operations of [`Lu`]'s scalar refactorisation and solve, in the
//! same order (complex products as `num_complex` forms them, no fused multiply-adds), so a lane
//! is bit-identical to that value set factored and solved alone on the same pivots. Accuracy is
//! guarded per lane as in [`Lu`]: a lane whose static pivot falls below `PIVOT_REL_TOL` of its
//! column is reported ([`LuBatch::refactor`] returns the first such lane) for the caller to
//! factor alone with fresh pivoting, and every lane's solve is checked by its componentwise
//! backward error and refined where it exceeds 16 ulp ([`LuBatch::solve_refined`]).

// Lane loops index several arrays by the same lane: written so, they vectorise plainly.
#![allow(clippy::needless_range_loop)]

use super::{Lu, Pivots, Rows, SolveStats, Structure, PIVOT_REL_TOL, PROCESS_STATS};
use crate::sparse::Pattern;
use num_complex::Complex64;
use std::sync::Arc;

/// Number of value sets a [`LuBatch`] carries: four `f64` lanes fill one AVX register, and four
/// frequencies are few enough that a sweep rarely wastes lanes.
pub const LANES: usize = 4;

/// One complex entry of [`LANES`] matrices: real parts, then imaginary parts (64 bytes, one
/// cache line).
#[derive(Debug, Clone, Copy, PartialEq)]
#[repr(C, align(64))]
pub struct Lanes {
    pub re: [f64; LANES],
    pub im: [f64; LANES],
}

impl Default for Lanes {
    fn default() -> Self {
        Lanes::ZERO
    }
}

impl Lanes {
    pub const ZERO: Lanes = Lanes {
        re: [0.0; LANES],
        im: [0.0; LANES],
    };

    /// `c` in every lane.
    pub fn splat(c: Complex64) -> Self {
        Lanes {
            re: [c.re; LANES],
            im: [c.im; LANES],
        }
    }

    /// Lane `l`.
    pub fn get(&self, l: usize) -> Complex64 {
        Complex64::new(self.re[l], self.im[l])
    }

    /// Sets lane `l` to `c`.
    pub fn set(&mut self, l: usize, c: Complex64) {
        self.re[l] = c.re;
        self.im[l] = c.im;
    }

    /// Whether every entry of `x` is finite, lane by lane (one pass for all lanes).
    pub fn all_finite(x: &[Lanes]) -> [bool; LANES] {
        let mut finite = [true; LANES];
        for v in x {
            for l in 0..LANES {
                finite[l] &= v.re[l].is_finite() & v.im[l].is_finite();
            }
        }
        finite
    }

    /// `self * o` lane by lane, as `num_complex` multiplies.
    #[inline(always)]
    fn mul(self, o: Lanes) -> Lanes {
        let mut p = Lanes::ZERO;
        for l in 0..LANES {
            p.re[l] = self.re[l] * o.re[l] - self.im[l] * o.im[l];
            p.im[l] = self.re[l] * o.im[l] + self.im[l] * o.re[l];
        }
        p
    }

    /// `self -= a * b` (the product rounded first, as `x -= a * b` on `Complex64`).
    #[inline(always)]
    fn sub_mul(&mut self, a: Lanes, b: Lanes) {
        let p = a.mul(b);
        for l in 0..LANES {
            self.re[l] -= p.re[l];
            self.im[l] -= p.im[l];
        }
    }

    /// `self += o`.
    #[inline(always)]
    fn add(&mut self, o: Lanes) {
        for l in 0..LANES {
            self.re[l] += o.re[l];
            self.im[l] += o.im[l];
        }
    }

    /// `1/self` lane by lane, as `num_complex`'s `inv`: `(re, -im) / (re^2 + im^2)`.
    #[inline(always)]
    fn inv(self) -> Lanes {
        let mut p = Lanes::ZERO;
        for l in 0..LANES {
            let d = self.re[l] * self.re[l] + self.im[l] * self.im[l];
            p.re[l] = self.re[l] / d;
            p.im[l] = -self.im[l] / d;
        }
        p
    }

    /// `|re| + |im|` of each lane (the pivot magnitude of [`super::Scalar`]).
    #[inline(always)]
    fn magnitude(self) -> [f64; LANES] {
        let mut m = [0.0; LANES];
        for l in 0..LANES {
            m[l] = self.re[l].abs() + self.im[l].abs();
        }
        m
    }
}

/// The [`LANES`] matrices of a batch, by value slot of their pattern.
pub trait LaneValues: Sync {
    /// The entry in value slot `k` of every lane.
    fn at(&self, k: usize) -> Lanes;
}

/// Matrices stored entry by entry.
impl LaneValues for [Lanes] {
    #[inline(always)]
    fn at(&self, k: usize) -> Lanes {
        self[k]
    }
}

/// `G + j*omega_l*C` of one `G`, `C` pair and one angular frequency `omega_l` per lane, formed
/// entry by entry as it is read (as `Complex64::new(g, omega * c)`, the same values as a stored
/// matrix), so a sweep of a circuit without frequency-dependent elements streams `G` and `C`
/// instead of writing and reading [`LANES`] complex matrices.
pub struct GPlusJwC<'a> {
    pub g: &'a [f64],
    pub c: &'a [f64],
    pub omega: [f64; LANES],
}

impl LaneValues for GPlusJwC<'_> {
    #[inline(always)]
    fn at(&self, k: usize) -> Lanes {
        let (g, c) = (self.g[k], self.c[k]);
        Lanes {
            re: [g; LANES],
            im: self.omega.map(|w| w * c),
        }
    }
}

/// [`LANES`] factorisations on one [`Pivots`]; see the module docs.
pub struct LuBatch {
    col_perm: Arc<(Vec<usize>, Vec<usize>)>,
    rows: Arc<Rows>,
    structure: Arc<Structure>,
    l_val: Vec<Lanes>,
    /// `U`, with `1/U[j,j]` in place of each diagonal entry (the solves multiply by it, and it
    /// sits beside the column it scales).
    u_val: Vec<Lanes>,
    /// Dense work vector, all zeros between uses.
    work: Vec<Lanes>,
    /// Accuracy of the solves (counted per lane in use).
    pub stats: SolveStats,
}

impl Drop for LuBatch {
    fn drop(&mut self) {
        if self.stats.solves > 0 {
            if let Ok(mut total) = PROCESS_STATS.lock() {
                total.merge(&self.stats);
            }
        }
    }
}

/// The kernels of a [`LuBatch`], each run through `pulp`'s runtime dispatch: compiled for the
/// widest SIMD instruction set the processor has (AVX2 or AVX-512 on x86-64), into which the
/// kernel, `#[inline(always)]`, is inlined, so its lane loops use full-width registers. The
/// instruction set changes no result: the kernels make no fused multiply-adds.
enum Kernel<'a, V: ?Sized> {
    Refactor(&'a mut LuBatch, &'a Pattern, &'a V),
    Solve(&'a mut LuBatch, &'a mut [Lanes]),
    Residual(&'a LuBatch, &'a V, &'a [Lanes], &'a mut [Lanes]),
}

/// What a [`Kernel`] returns: the bad lanes of a refactorisation, or the backward errors of a
/// residual check and the lanes that need refining.
type KernelOutput = ([bool; LANES], [f64; LANES]);

impl<V: LaneValues + ?Sized> pulp::WithSimd for Kernel<'_, V> {
    type Output = KernelOutput;
    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _: S) -> KernelOutput {
        match self {
            Kernel::Refactor(batch, pattern, values) => {
                (batch.refactor_kernel(pattern, values), [0.0; LANES])
            }
            Kernel::Solve(batch, b) => {
                batch.solve_kernel(b);
                ([false; LANES], [0.0; LANES])
            }
            Kernel::Residual(batch, values, x, scratch) => {
                let (error, refine) = batch.residual_kernel(values, x, scratch);
                (refine, error)
            }
        }
    }
}

/// Runs `kernel` (see [`Kernel`]).
fn run<V: LaneValues + ?Sized>(kernel: Kernel<'_, V>) -> KernelOutput {
    pulp::Arch::new().dispatch(kernel)
}

impl LuBatch {
    /// A batch on `pivots`, which must come from a successful factorisation (`None` otherwise).
    pub fn new(pivots: &Pivots) -> Option<Self> {
        let structure = Arc::clone(pivots.structure.as_ref()?);
        let mut batch = LuBatch {
            col_perm: Arc::clone(&pivots.col_perm),
            rows: Arc::clone(&pivots.rows),
            structure,
            l_val: Vec::new(),
            u_val: Vec::new(),
            work: Vec::new(),
            stats: SolveStats::ZERO,
        };
        batch.adopt(pivots);
        Some(batch)
    }

    /// Takes `pivots` (from a successful factorisation) for the next [`LuBatch::refactor`].
    pub fn adopt(&mut self, pivots: &Pivots) {
        let Some(structure) = pivots.structure.as_ref() else {
            return;
        };
        self.col_perm = Arc::clone(&pivots.col_perm);
        self.rows = Arc::clone(&pivots.rows);
        self.structure = Arc::clone(structure);
        self.l_val.resize(structure.l_row.len(), Lanes::ZERO);
        self.u_val.resize(structure.u_row.len(), Lanes::ZERO);
        self.work.resize(pivots.dim, Lanes::ZERO);
    }

    /// Whether this batch refactors on `lu`'s pivots.
    pub fn same_pivots<T: super::Scalar>(&self, lu: &Lu<T>) -> bool {
        lu.factors
            .as_ref()
            .is_some_and(|f| Arc::ptr_eq(&f.structure, &self.structure))
            && Arc::ptr_eq(&lu.col_perm, &self.col_perm)
    }

    /// Refactors the [`LANES`] matrices `values` (entry-major, as `pattern`'s value slots) on
    /// the stored pivots: each lane exactly as [`Lu`]'s refactorisation of it alone. `Err(l)`:
    /// lane `l` is the first whose pivot is too small (or not finite), and lanes from `l` on
    /// are not usable (lanes before it are).
    pub fn refactor<V: LaneValues + ?Sized>(
        &mut self,
        pattern: &Pattern,
        values: &V,
    ) -> Result<(), usize> {
        let (bad, _) = run(Kernel::Refactor(self, pattern, values));
        match bad.iter().position(|&b| b) {
            Some(l) => Err(l),
            None => Ok(()),
        }
    }

    #[inline(always)]
    fn refactor_kernel<V: LaneValues + ?Sized>(
        &mut self,
        pattern: &Pattern,
        values: &V,
    ) -> [bool; LANES] {
        let s = &*self.structure;
        let x = &mut self.work;
        let col_ptr = pattern.symbolic.col_ptr();
        let mut bad = [false; LANES];
        for (j, &pj) in self.col_perm.0.iter().enumerate() {
            let (a0, a1) = (col_ptr[pj], col_ptr[pj + 1]);
            for (k, &r) in (a0..a1).zip(&s.a_row_perm[a0..a1]) {
                x[r as usize].add(values.at(k));
            }
            let (u0, u1) = (s.u_col_ptr[j], s.u_col_ptr[j + 1] - 1);
            for (&k, u) in s.u_row[u0..u1].iter().zip(&mut self.u_val[u0..u1]) {
                let k = k as usize;
                let xk = std::mem::take(&mut x[k]);
                *u = xk;
                let (l0, l1) = (s.l_col_ptr[k], s.l_col_ptr[k + 1]);
                for (&i, &l) in s.l_row[l0..l1].iter().zip(&self.l_val[l0..l1]) {
                    x[i as usize].sub_mul(l, xk);
                }
            }
            let pivot = std::mem::take(&mut x[j]);
            let (l0, l1) = (s.l_col_ptr[j], s.l_col_ptr[j + 1]);
            let rows = &s.l_row[l0..l1];
            let mut pm = pivot.magnitude();
            for m in &mut pm {
                *m *= s.scale_inv[j];
            }
            let mut col_max = pm;
            for &i in rows {
                let m = x[i as usize].magnitude();
                let si = s.scale_inv[i as usize];
                for l in 0..LANES {
                    col_max[l] = col_max[l].max(m[l] * si);
                }
            }
            for l in 0..LANES {
                bad[l] |= !(pm[l] > PIVOT_REL_TOL * col_max[l] && pm[l].is_finite());
            }
            let inv = pivot.inv();
            self.u_val[u1] = inv;
            for (&i, l) in rows.iter().zip(&mut self.l_val[l0..l1]) {
                *l = std::mem::take(&mut x[i as usize]).mul(inv);
            }
        }
        bad
    }

    /// Solves `A_l x_l = b_l` in place for every lane `l` (after a successful
    /// [`LuBatch::refactor`]), then refines each lane whose componentwise backward error exceeds
    /// 16 ulp by one step, exactly as [`Lu::solve_refined`] does for one. `values` are the
    /// matrices just refactored; `scratch` is reused. The first `used` lanes count in the
    /// statistics (the others are padding or past a failed lane).
    pub fn solve_refined<V: LaneValues + ?Sized>(
        &mut self,
        values: &V,
        b: &mut [Lanes],
        scratch: &mut Vec<Lanes>,
        used: usize,
    ) {
        scratch.clear();
        scratch.extend_from_slice(b);
        run::<V>(Kernel::Solve(self, b));
        let (refine, error) = run(Kernel::Residual(self, values, b, scratch));
        let used = used.min(LANES);
        self.stats.solves += used as u64;
        for l in 0..used {
            self.stats.worst_backward_error = self.stats.worst_backward_error.max(error[l]);
            self.stats.refined += u64::from(refine[l]);
        }
        if !refine.iter().any(|&r| r) {
            return;
        }
        let residual = &mut scratch[..b.len()];
        run::<V>(Kernel::Solve(self, residual));
        for (x, d) in b.iter_mut().zip(residual.iter()) {
            for l in 0..LANES {
                if refine[l] {
                    x.re[l] += d.re[l];
                    x.im[l] += d.im[l];
                }
            }
        }
    }

    /// The triangular solves of every lane, in place.
    #[inline(always)]
    fn solve_kernel(&mut self, b: &mut [Lanes]) {
        let s = &*self.structure;
        let y = &mut self.work;
        for (&p, &v) in s.row_perm_inv.iter().zip(b.iter()) {
            y[p as usize] = v;
        }
        for k in 0..y.len() {
            let yk = y[k];
            let (l0, l1) = (s.l_col_ptr[k], s.l_col_ptr[k + 1]);
            for (&i, &l) in s.l_row[l0..l1].iter().zip(&self.l_val[l0..l1]) {
                y[i as usize].sub_mul(l, yk);
            }
        }
        for j in (0..y.len()).rev() {
            let (u0, d) = (s.u_col_ptr[j], s.u_col_ptr[j + 1] - 1);
            let yj = y[j].mul(self.u_val[d]);
            y[j] = yj;
            for (&i, &u) in s.u_row[u0..d].iter().zip(&self.u_val[u0..d]) {
                y[i as usize].sub_mul(u, yj);
            }
        }
        for (&c, yj) in self.col_perm.0.iter().zip(y.iter_mut()) {
            b[c] = std::mem::take(yj);
        }
    }

    /// The residual check of every lane: `scratch` holds the right-hand sides and becomes the
    /// residuals `b - A x`; returns each lane's componentwise backward error (rows whose
    /// residual is subnormal count as exact, as in [`Lu`]) and whether it needs refining.
    #[inline(always)]
    fn residual_kernel<V: LaneValues + ?Sized>(
        &self,
        values: &V,
        x: &[Lanes],
        scratch: &mut [Lanes],
    ) -> ([f64; LANES], [bool; LANES]) {
        let rows = &*self.rows;
        let mut error = [0.0f64; LANES];
        for (i, res) in scratch.iter_mut().enumerate().take(x.len()) {
            let (k0, k1) = (rows.row_ptr[i], rows.row_ptr[i + 1]);
            let mut acc = *res;
            let mut m = res.magnitude();
            for (&c, &k) in rows.col[k0..k1].iter().zip(&rows.slot[k0..k1]) {
                let ax = values.at(k as usize).mul(x[c as usize]);
                let am = ax.magnitude();
                for l in 0..LANES {
                    acc.re[l] -= ax.re[l];
                    acc.im[l] -= ax.im[l];
                    m[l] += am[l];
                }
            }
            *res = acc;
            let r = acc.magnitude();
            for l in 0..LANES {
                // `max` ignores the NaN of 0/0 or inf/inf, as the scalar check does.
                if r[l] >= f64::MIN_POSITIVE {
                    error[l] = error[l].max(r[l] / m[l]);
                }
            }
        }
        let threshold = 16.0 * f64::EPSILON;
        (error, error.map(|e| e > threshold))
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

    /// A random `n x n` pattern (diagonal plus about `3n` off-diagonal entries).
    fn random_pattern(n: usize, seed: &mut u64) -> Pattern {
        let mut b = PatternBuilder::default();
        for _ in 0..3 * n {
            let r = ((rng(seed) + 1.0) / 2.0 * n as f64) as usize % n;
            let c = ((rng(seed) + 1.0) / 2.0 * n as f64) as usize % n;
            b.add(r, c);
        }
        b.finish(n)
    }

    /// Random complex values of `p`, the diagonal weighted by `diag` (small: pivots that go
    /// bad from one value set to the next; large: a diagonally dominant matrix).
    fn random_values(p: &Pattern, diag: f64, seed: &mut u64) -> Vec<Complex64> {
        (0..p.nnz())
            .map(|k| {
                let (r, c) = p.position(k);
                let v = Complex64::new(rng(seed), rng(seed));
                if r == c {
                    v * diag
                } else {
                    v
                }
            })
            .collect()
    }

    /// Each lane of a batch is bit for bit what a lone factoriser computes on the same pivots:
    /// the refactorisation, the backward-error check and the refinement; and the first lane
    /// whose static pivot a lone factoriser rejects is the one the batch reports.
    #[test]
    fn lanes_are_bit_identical_to_lone_factorisations() {
        let mut seed = 11;
        let (mut bad_rounds, mut rounds) = (0, 0);
        for (n, diag) in [(1, 3.0), (7, 3.0), (40, 6.0), (40, 0.3), (120, 1.0)] {
            let p = random_pattern(n, &mut seed);
            let mut base = Lu::<Complex64>::new(&p);
            let mut first = random_values(&p, 10.0, &mut seed);
            while base.factor(&p, &first).is_err() {
                first = random_values(&p, 10.0, &mut seed);
            }
            let pivots = base.pivots();
            let mut batch = LuBatch::new(&pivots).expect("factored");
            for _round in 0..6 {
                let sets: Vec<Vec<Complex64>> = (0..LANES)
                    .map(|_| random_values(&p, diag, &mut seed))
                    .collect();
                let mut values = vec![Lanes::ZERO; p.nnz()];
                for (l, set) in sets.iter().enumerate() {
                    for (v, &c) in values.iter_mut().zip(set) {
                        v.set(l, c);
                    }
                }
                let rhs: Vec<Complex64> = (0..n)
                    .map(|_| Complex64::new(rng(&mut seed), rng(&mut seed)))
                    .collect();
                // Lone factorisations on the same pivots: the first whose refactorisation
                // re-pivots is the first bad lane.
                let mut lone_bad = None;
                let mut lone = Vec::new();
                for (l, set) in sets.iter().enumerate() {
                    let mut lu = Lu::from_pivots(&pivots);
                    if lu.factor(&p, set).is_err() || lu.pivotings > 0 {
                        lone_bad.get_or_insert(l);
                        continue;
                    }
                    let mut x = rhs.clone();
                    lu.solve_refined(&p, set, &mut x, &mut Vec::new());
                    lone.push((x, lu.stats));
                }
                rounds += 1;
                bad_rounds += usize::from(lone_bad.is_some());
                let got = batch.refactor(&p, &values[..]);
                assert_eq!(got.err(), lone_bad, "n {n}: first bad lane");
                let good = lone_bad.unwrap_or(LANES);
                let mut x: Vec<Lanes> = rhs.iter().map(|&v| Lanes::splat(v)).collect();
                let before = batch.stats;
                batch.solve_refined(&values[..], &mut x, &mut Vec::new(), good);
                let mut refined = 0;
                for (l, (want, stats)) in lone.iter().enumerate().take(good) {
                    for (i, w) in want.iter().enumerate() {
                        let g = x[i].get(l);
                        assert!(
                            g.re.to_bits() == w.re.to_bits() && g.im.to_bits() == w.im.to_bits(),
                            "n {n} lane {l} row {i}: {g} != {w}"
                        );
                    }
                    refined += stats.refined;
                    assert!(batch.stats.worst_backward_error >= stats.worst_backward_error);
                }
                assert_eq!(batch.stats.solves - before.solves, good as u64);
                assert_eq!(batch.stats.refined - before.refined, refined);
            }
        }
        assert!(
            bad_rounds > 0 && bad_rounds < rounds,
            "both outcomes tested: {bad_rounds} of {rounds} rounds with a bad lane"
        );
    }

    /// `G + j*omega*C` formed as it is read equals the stored matrix, entry by entry.
    #[test]
    fn formed_values_equal_stored_ones() {
        let g = [1.0, -2.5, 1e-12];
        let c = [1e-9, 0.0, 3.3e-6];
        let omega = [1.0, 6.3, 1e6, 2.0 * std::f64::consts::PI * 1234.5];
        let formed = GPlusJwC {
            g: &g,
            c: &c,
            omega,
        };
        for k in 0..3 {
            for (l, &w) in omega.iter().enumerate() {
                assert_eq!(formed.at(k).get(l), Complex64::new(g[k], w * c[k]));
            }
        }
    }
}
