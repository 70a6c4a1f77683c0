//! Restoring the terminal: leave raw mode and the alternate screen, show the
//! cursor. Called on every exit path of the TUI and from the panic hook, so
//! a lecture-hall terminal is never left garbled. Safe to call when the
//! terminal was never touched.

use std::sync::atomic::{AtomicBool, Ordering};

static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Record that the TUI has taken the terminal.
pub fn mark_active() {
    ACTIVE.store(true, Ordering::SeqCst);
}

/// Give the terminal back, if the TUI had it.
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let _ = crossterm::terminal::disable_raw_mode();
        let _ = crossterm::execute!(
            std::io::stdout(),
            crossterm::event::DisableMouseCapture,
            crossterm::terminal::LeaveAlternateScreen,
            crossterm::cursor::Show
        );
    }
}
