//! Watching and stopping a running simulation: progress counters and a cancel flag.
//!
//! A [`Control`] is shared (by reference, across threads) between the analyses and whoever watches
//! them: the CLI's progress bar reads [`Control::progress`], its Ctrl-C handler calls
//! [`Control::cancel`]. The analyses advance the counters per point and check the flag between
//! points (`.dc` sweep values, `.tran` time steps, `.ac` frequencies are not interrupted: an
//! `.ac` sweep is seconds at most); a cancelled analysis stops with
//! [`SolveError::Interrupted`](crate::SolveError::Interrupted) and keeps the points it finished.
//!
//! Progress is in abstract units: each analysis adds what it expects to [`Control::progress`]'s
//! total when it starts (its point count; 1000 for a transient, advanced by the fraction of
//! `tstop` reached) and advances `done` as it goes, so several analyses (or parallel runs) sharing
//! one `Control` add up to one bar.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Units a transient adds to the total: it advances by the permille of `tstop` reached.
pub(crate) const TRAN_UNITS: u64 = 1000;

/// Progress counters and a cancel flag shared with a running simulation.
#[derive(Debug, Default)]
pub struct Control {
    cancelled: AtomicBool,
    done: AtomicU64,
    total: AtomicU64,
}

impl Control {
    /// A fresh control (`const`, so a process can keep one in a `static` for its signal handler).
    pub const fn new() -> Self {
        Self {
            cancelled: AtomicBool::new(false),
            done: AtomicU64::new(0),
            total: AtomicU64::new(0),
        }
    }

    /// Asks every analysis using this control to stop at its next point.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }

    /// `(done, total)` in progress units; `total` grows as analyses start.
    pub fn progress(&self) -> (u64, u64) {
        (
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        )
    }

    /// Announces `units` more of work.
    pub(crate) fn expect(&self, units: u64) {
        self.total.fetch_add(units, Ordering::Relaxed);
    }

    /// Records `units` of work done.
    pub(crate) fn advance(&self, units: u64) {
        self.done.fetch_add(units, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_add_up_and_cancel_sticks() {
        let c = Control::new();
        c.expect(10);
        c.expect(TRAN_UNITS);
        c.advance(3);
        assert_eq!(c.progress(), (3, 10 + TRAN_UNITS));
        assert!(!c.is_cancelled());
        c.cancel();
        assert!(c.is_cancelled());
    }
}
