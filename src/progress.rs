//! Progress on stderr for long runs, when it is a terminal.
//!
//! The solver counts its points in a [`solver::Control`] (see `crates/solver/src/control.rs`);
//! this module watches the counters from a second thread. Nothing is shown for runs under
//! [`DELAY`], so quick runs never flicker; after that an `indicatif` bar shows the fraction done
//! (sweep points, time reached in a transient) with the elapsed time and an estimate of what is
//! left, or a spinner while no analysis has announced its size. The bar is cleared when the
//! work ends. Nothing at all is drawn when stderr is not a terminal or the caller is quiet.

use indicatif::{ProgressBar, ProgressStyle};
use solver::Control;
use std::io::IsTerminal;
use std::sync::mpsc;
use std::time::Duration;

/// How long work runs before progress appears.
pub const DELAY: Duration = Duration::from_millis(500);

/// How often the counters are read.
const TICK: Duration = Duration::from_millis(100);

/// Runs `work`, showing a spinner with `message` and the elapsed time on stderr if it takes
/// longer than [`DELAY`] and `enabled` holds and stderr is a terminal.
pub fn with_spinner<T>(enabled: bool, message: &str, work: impl FnOnce() -> T) -> T {
    with_progress(enabled, message, None, work)
}

/// Runs `work`, showing after [`DELAY`] a progress bar fed by `control`'s counters (a spinner
/// while their total is zero, or without a control), if `enabled` and stderr is a terminal.
pub fn with_progress<T>(
    enabled: bool,
    message: &str,
    control: Option<&Control>,
    work: impl FnOnce() -> T,
) -> T {
    if !enabled || !std::io::stderr().is_terminal() {
        return work();
    }
    let (done, wait) = mpsc::channel::<()>();
    std::thread::scope(|scope| {
        scope.spawn(move || {
            if wait.recv_timeout(DELAY) != Err(mpsc::RecvTimeoutError::Timeout) {
                return;
            }
            let bar = ProgressBar::new_spinner();
            set_style(&bar, "{spinner} {msg} [{elapsed}]");
            bar.set_message(message.to_string());
            bar.enable_steady_tick(TICK);
            let mut sized = false;
            // Until the work ends (or the sender is dropped by a panic).
            while wait.recv_timeout(TICK) == Err(mpsc::RecvTimeoutError::Timeout) {
                let Some((done, total)) = control.map(Control::progress) else {
                    continue;
                };
                if total == 0 {
                    continue;
                }
                if !sized {
                    set_style(
                        &bar,
                        "{msg} [{bar:30}] {percent:>3}% [{elapsed} elapsed, {eta} left]",
                    );
                    sized = true;
                }
                bar.set_length(total);
                bar.set_position(done.min(total));
            }
            bar.finish_and_clear();
        });
        let result = work();
        let _ = done.send(());
        result
    })
}

fn set_style(bar: &ProgressBar, template: &str) {
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
}

/// Runs `work` with a progress bar of `total` steps counted by the caller (Monte Carlo runs) on
/// stderr (when `enabled` and stderr is a terminal; hidden otherwise). `work` gets the function
/// that advances the bar by one step; it may be called from any thread (rayon workers). The
/// bar is cleared when the work ends.
pub fn with_step_bar<T>(
    enabled: bool,
    message: &str,
    total: u64,
    work: impl FnOnce(&(dyn Fn() + Sync)) -> T,
) -> T {
    let bar = if enabled && std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(total);
        if let Ok(style) =
            ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} [{elapsed}, eta {eta}]")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(message.to_string());
        bar
    } else {
        ProgressBar::hidden()
    };
    let tick = || bar.inc(1);
    let result = work(&tick);
    bar.finish_and_clear();
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn returns_the_work_result_whether_or_not_enabled() {
        assert_eq!(with_spinner(false, "x", || 41 + 1), 42);
        assert_eq!(with_spinner(true, "x", || "done"), "done");
        let control = Control::new();
        assert_eq!(with_progress(true, "x", Some(&control), || 7), 7);
    }

    #[test]
    fn progress_passes_a_thread_safe_tick() {
        let n = std::sync::atomic::AtomicUsize::new(0);
        let r = with_step_bar(true, "x", 3, |tick| {
            std::thread::scope(|s| {
                for _ in 0..3 {
                    s.spawn(|| {
                        tick();
                        n.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    });
                }
            });
            7
        });
        assert_eq!((r, n.into_inner()), (7, 3));
    }
}
