//! Sparse matrix pattern with precomputed stamp slots, and the LU wrapper around faer.
//!
//! A circuit's MNA matrix has a fixed sparsity pattern. [`PatternBuilder`] collects every
//! `(row, col)` a device stamps into, deduplicates them into a CSC pattern once, and hands each
//! stamp a *slot*: the index of its entry in the CSC value array. Analyses then fill values in
//! place (`values[slot] += g`) with no hashing or allocation per point.
//!
//! [`Lu`] does faer's symbolic analysis (COLAMD column ordering, elimination structure) once per
//! pattern and a numeric factorisation (with partial pivoting) per matrix value set.

use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::lu::partial_pivoting::factor::PartialPivLuParams;
use faer::sparse::linalg::lu::{factorize_symbolic_lu, NumericLu, SymbolicLu};
use faer::sparse::linalg::LuError;
use faer::sparse::{SparseColMatRef, SymbolicSparseColMat};
use faer::{Conj, MatMut, Par, Spec};

/// Index of an entry in the CSC value array.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot(pub u32);

/// Collects matrix positions; [`PatternBuilder::finish`] turns them into a CSC pattern.
#[derive(Debug, Default)]
pub struct PatternBuilder {
    entries: Vec<(u32, u32)>,
}

impl PatternBuilder {
    /// Registers position `(row, col)`; returns a provisional handle resolved by [`Pattern::slot`].
    pub fn add(&mut self, row: usize, col: usize) -> usize {
        self.entries.push((row as u32, col as u32));
        self.entries.len() - 1
    }

    /// Builds the CSC pattern of an `n x n` matrix. Every diagonal entry is included (so a
    /// structurally empty row shows up as a zero pivot rather than a malformed pattern).
    pub fn finish(mut self, n: usize) -> Pattern {
        let requested = self.entries.len();
        for i in 0..n {
            self.entries.push((i as u32, i as u32));
        }
        let mut order: Vec<u32> = (0..self.entries.len() as u32).collect();
        order.sort_unstable_by_key(|&k| {
            let (r, c) = self.entries[k as usize];
            (c, r)
        });
        let mut col_ptr = vec![0usize; n + 1];
        let mut row_idx: Vec<usize> = Vec::with_capacity(self.entries.len());
        let mut slot_of = vec![Slot(0); self.entries.len()];
        let mut last: Option<(u32, u32)> = None;
        for &k in &order {
            let (r, c) = self.entries[k as usize];
            if last != Some((r, c)) {
                row_idx.push(r as usize);
                col_ptr[c as usize + 1] = row_idx.len();
                last = Some((r, c));
            }
            slot_of[k as usize] = Slot((row_idx.len() - 1) as u32);
        }
        for c in 0..n {
            if col_ptr[c + 1] < col_ptr[c] {
                col_ptr[c + 1] = col_ptr[c];
            }
        }
        slot_of.truncate(requested);
        let symbolic = SymbolicSparseColMat::new_checked(n, n, col_ptr, None, row_idx);
        Pattern { symbolic, slot_of }
    }
}

/// A fixed CSC sparsity pattern and the slot of every registered stamp position.
#[derive(Debug, Clone)]
pub struct Pattern {
    pub symbolic: SymbolicSparseColMat<usize>,
    slot_of: Vec<Slot>,
}

impl Pattern {
    /// The slot of the position registered as `handle` by [`PatternBuilder::add`].
    pub fn slot(&self, handle: usize) -> Slot {
        self.slot_of[handle]
    }

    pub fn nnz(&self) -> usize {
        self.symbolic.row_idx().len()
    }

    pub fn dim(&self) -> usize {
        self.symbolic.nrows()
    }

    /// Row of the entry at `slot`, and its column.
    pub fn position(&self, slot: usize) -> (usize, usize) {
        let row = self.symbolic.row_idx()[slot];
        let col_ptr = self.symbolic.col_ptr();
        let col = col_ptr.partition_point(|&p| p <= slot) - 1;
        (row, col)
    }
}

/// Why a factorisation failed: the unknown (matrix column, before ordering) with no usable pivot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SingularAt(pub usize);

/// Symbolic LU once, numeric LU per value set, for real (`f64`) or complex (`c64`) matrices.
pub struct Lu<T: faer::traits::ComplexField> {
    symbolic: SymbolicLu<usize>,
    numeric: NumericLu<usize, T>,
    factor_mem: MemBuffer,
    solve_mem: MemBuffer,
    solve_cols: usize,
    factored: bool,
}

impl<T: faer::traits::ComplexField> Lu<T> {
    /// Symbolic analysis of `pattern` (done once; reused by every [`Lu::factor`]).
    pub fn new(pattern: &Pattern) -> Self {
        let symbolic = factorize_symbolic_lu(pattern.symbolic.as_ref(), Default::default())
            .expect("symbolic LU of a square pattern with full diagonal cannot fail");
        let factor_mem =
            MemBuffer::new(symbolic.factorize_numeric_lu_scratch::<T>(
                Par::Seq,
                Spec::<PartialPivLuParams, T>::default(),
            ));
        let solve_mem = MemBuffer::new(symbolic.solve_in_place_scratch::<T>(2, Par::Seq));
        Lu {
            symbolic,
            numeric: NumericLu::new(),
            factor_mem,
            solve_mem,
            solve_cols: 2,
            factored: false,
        }
    }

    /// A second factoriser sharing this one's symbolic analysis (one per thread).
    pub fn fork(&self) -> Self {
        Lu {
            symbolic: self.symbolic.clone(),
            numeric: NumericLu::new(),
            factor_mem: MemBuffer::new(self.symbolic.factorize_numeric_lu_scratch::<T>(
                Par::Seq,
                Spec::<PartialPivLuParams, T>::default(),
            )),
            solve_mem: MemBuffer::new(self.symbolic.solve_in_place_scratch::<T>(2, Par::Seq)),
            solve_cols: 2,
            factored: false,
        }
    }

    /// Numeric factorisation of the matrix with `pattern` and `values`.
    pub fn factor(&mut self, pattern: &Pattern, values: &[T]) -> Result<(), SingularAt> {
        let mat = SparseColMatRef::new(pattern.symbolic.as_ref(), values);
        self.factored = false;
        let stack = MemStack::new(&mut self.factor_mem);
        match self.symbolic.factorize_numeric_lu(
            &mut self.numeric,
            mat,
            Par::Seq,
            stack,
            Spec::<PartialPivLuParams, T>::default(),
        ) {
            Ok(_) => {
                self.factored = true;
                Ok(())
            }
            Err(LuError::SymbolicSingular { index }) => {
                let (fwd, _) = self.symbolic.col_perm().arrays();
                Err(SingularAt(fwd.get(index).copied().unwrap_or(index)))
            }
            Err(LuError::Generic(_)) => Err(SingularAt(0)),
        }
    }

    /// Solves `A x = b` in place for each column of `rhs` (after a successful [`Lu::factor`]).
    pub fn solve_in_place(&mut self, rhs: MatMut<'_, T>) {
        assert!(self.factored, "solve before a successful factorisation");
        if rhs.ncols() > self.solve_cols {
            self.solve_cols = rhs.ncols();
            self.solve_mem = MemBuffer::new(
                self.symbolic
                    .solve_in_place_scratch::<T>(self.solve_cols, Par::Seq),
            );
        }
        let lu = faer::sparse::linalg::lu::LuRef::new_unchecked(&self.symbolic, &self.numeric);
        let stack = MemStack::new(&mut self.solve_mem);
        lu.solve_in_place_with_conj(Conj::No, rhs, Par::Seq, stack);
    }
}
