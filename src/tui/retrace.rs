//! Toggling CSE on a large trace: the program is traced again on another
//! thread while the view goes on showing (and stepping) the old trace; the
//! view shows how far the new trace is and can cancel it (Esc, or the
//! toggle key again).
//!
//! Owns the thread and its progress line. Must not adopt the new trace
//! (the model does, as for a small trace) nor read keys (`update` does).

use std::thread::JoinHandle;
use std::time::Instant;

use crate::core::cancel;
use crate::core::pipeline::{Failure, Retrace, Traced};

/// Traces with at least this many rows are traced again in the background
/// (below it a re-trace takes well under a frame's patience).
pub const BACKGROUND_FROM: usize = 100_000;

/// A re-trace running on another thread.
pub struct Retracing {
    handle: Option<JoinHandle<Result<Traced, Failure>>>,
    /// The CSE setting being traced.
    pub no_cse: bool,
    started: Instant,
}

impl Retracing {
    pub fn start(job: Retrace) -> Retracing {
        cancel::clear();
        let no_cse = job.no_cse;
        Retracing {
            handle: Some(std::thread::spawn(move || job.run())),
            no_cse,
            started: Instant::now(),
        }
    }

    pub fn finished(&self) -> bool {
        self.handle.as_ref().is_none_or(JoinHandle::is_finished)
    }

    /// Ask the thread to stop (it answers `Cancelled` within a few
    /// thousand statements).
    pub fn cancel(&self) {
        cancel::request();
    }

    /// The result (waits if it is not finished); `None` if the thread
    /// panicked.
    pub fn join(mut self) -> Option<Result<Traced, Failure>> {
        let r = self.wait();
        cancel::clear();
        r
    }

    fn wait(&mut self) -> Option<Result<Traced, Failure>> {
        self.handle.take().and_then(|h| h.join().ok())
    }

    /// The line the view shows meanwhile.
    pub fn status(&self) -> String {
        let what = if self.no_cse { "off" } else { "on" };
        let how_far = match cancel::progress() {
            Some(p) => format!("{} {:.0}%", p.stage, 100.0 * p.fraction()),
            None => "starting".to_string(),
        };
        format!(
            "CSE {what}: tracing again in the background, {how_far} ({:.0} s); Esc cancels",
            self.started.elapsed().as_secs_f64()
        )
    }
}

impl Drop for Retracing {
    /// Leaving the view while it runs stops it: nothing outlives the view.
    fn drop(&mut self) {
        if self.handle.is_some() {
            cancel::request();
            let _ = self.wait();
            cancel::clear();
        }
    }
}
