//! A spinner with the elapsed time for long runs, on stderr when it is a terminal.
//!
//! The solver has no progress hook (and must not depend on terminals), so this wraps the whole
//! simulation: nothing is shown for runs under [`DELAY`], so quick runs never flicker; after
//! that an `indicatif` spinner says what is running and for how long, and is cleared when the
//! work ends. Nothing at all is drawn when stderr is not a terminal or the caller is quiet.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::sync::mpsc;
use std::time::Duration;

/// How long work runs before the spinner appears.
pub const DELAY: Duration = Duration::from_millis(500);

/// Runs `work`, showing a spinner with `message` and the elapsed time on stderr if it takes
/// longer than [`DELAY`] and `enabled` holds and stderr is a terminal.
pub fn with_spinner<T>(enabled: bool, message: &str, work: impl FnOnce() -> T) -> T {
    if !enabled || !std::io::stderr().is_terminal() {
        return work();
    }
    let (done, wait) = mpsc::channel::<()>();
    let message = message.to_string();
    let ticker = std::thread::spawn(move || {
        if wait.recv_timeout(DELAY) != Err(mpsc::RecvTimeoutError::Timeout) {
            return;
        }
        let bar = ProgressBar::new_spinner();
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} [{elapsed}]") {
            bar.set_style(style);
        }
        bar.set_message(message);
        bar.enable_steady_tick(Duration::from_millis(100));
        // Until the work ends (or the sender is dropped by a panic).
        let _ = wait.recv();
        bar.finish_and_clear();
    });
    let result = work();
    let _ = done.send(());
    let _ = ticker.join();
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn returns_the_work_result_whether_or_not_enabled() {
        assert_eq!(with_spinner(false, "x", || 41 + 1), 42);
        assert_eq!(with_spinner(true, "x", || "done"), "done");
    }
}
