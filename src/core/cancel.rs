//! Cancelling a long computation from outside: a process-wide flag that a
//! front end raises (the REPL on Ctrl-C) and the long loops of the core
//! poll (parsing batches, lowering statements, the stages of the pipeline,
//! the finite-difference evaluations), so a command stops early and the
//! session that ran it goes on.
//!
//! Owns the flag only. Must not know where the request comes from (signals
//! are the terminal front ends'); a poll is one relaxed atomic load.

use std::sync::atomic::{AtomicBool, Ordering};

static REQUESTED: AtomicBool = AtomicBool::new(false);

/// Ask the running computation to stop.
pub fn request() {
    REQUESTED.store(true, Ordering::Relaxed);
}

/// Whether a stop was asked for (and not cleared since).
pub fn requested() -> bool {
    REQUESTED.load(Ordering::Relaxed)
}

/// Forget a request: called before a command starts and after it ends.
pub fn clear() {
    REQUESTED.store(false, Ordering::Relaxed);
}
