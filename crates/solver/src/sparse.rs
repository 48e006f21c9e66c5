//! Sparse matrix pattern with precomputed stamp slots, and the LU wrapper around faer.
//!
//! A circuit's MNA matrix has a fixed sparsity pattern. [`PatternBuilder`] collects every
//! `(row, col)` a device stamps into, deduplicates them into a CSC pattern once, and hands each
//! stamp a *slot*: the index of its entry in the CSC value array. Analyses then fill values in
//! place (`values[slot] += g`) with no hashing or allocation per point.
//!
//! The LU factorisation itself lives in [`crate::lu`].

use faer::sparse::SymbolicSparseColMat;

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

    /// The `(row, col)` registered as `handle`.
    pub fn position(&self, handle: usize) -> (usize, usize) {
        let (r, c) = self.entries[handle];
        (r as usize, c as usize)
    }

    /// How many positions were registered (handles are `0..len`).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no position was registered.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
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
