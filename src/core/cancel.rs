//! Cancelling a long computation from outside: a process-wide flag that a
//! front end raises (the REPL on Ctrl-C) and the long loops of the core
//! poll (parsing batches, lowering statements, the stages of the pipeline,
//! the finite-difference evaluations), so a command stops early and the
//! session that ran it goes on.
//!
//! Owns the flag, the `Cancelled` error the loops return, and a progress
//! counter the long loops update where they poll (a front end that runs
//! the computation on another thread shows it). Must not know where the request comes from (signals
//! are the terminal front ends'); a poll is one relaxed atomic load.

use std::sync::Mutex;
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
    if let Ok(mut p) = PROGRESS.lock() {
        *p = None;
    }
}

/// A computation stopped early because a stop was asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cancelled;

impl std::fmt::Display for Cancelled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("cancelled (Ctrl-C)")
    }
}

/// `Err(Cancelled)` once a stop was asked for: `?` in a long loop.
pub fn check() -> Result<(), Cancelled> {
    if requested() { Err(Cancelled) } else { Ok(()) }
}

static PROGRESS: Mutex<Option<Progress>> = Mutex::new(None);

/// How far the running computation is: `done` of `total` units of a stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// What it is doing ("parsing", "tracing").
    pub stage: &'static str,
    pub done: usize,
    pub total: usize,
}

impl Progress {
    /// Done, as a fraction in [0, 1].
    pub fn fraction(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            (self.done as f64 / self.total as f64).min(1.0)
        }
    }
}

/// Record how far the running computation is (called where the long loops
/// poll, every few thousand units: a lock is cheap there).
pub fn report(stage: &'static str, done: usize, total: usize) {
    if let Ok(mut p) = PROGRESS.lock() {
        *p = Some(Progress { stage, done, total });
    }
}

/// The last report since `clear`.
pub fn progress() -> Option<Progress> {
    PROGRESS.lock().ok().and_then(|p| *p)
}
