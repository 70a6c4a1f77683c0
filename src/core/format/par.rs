//! Formatting a long list of items on two threads, written in order.
//!
//! Owns the split into chunks and the hand-over between the threads; the
//! caller says how one item is written. Must not change a byte of the
//! output: it is exactly what one thread writing the items in turn gives.

use std::io;
use std::sync::mpsc;

/// Items per chunk: a few MB of text, enough to keep both threads busy
/// without holding much.
pub(crate) const CHUNK: usize = 4096;

/// Writes items `0..n` to `sink` in order. Each thread makes its own state
/// with `state` (an explainer with its caches) and formats every other chunk
/// with `item`; the calling thread writes. Below two chunks no thread starts.
pub(crate) fn in_order<S>(
    n: usize,
    state: impl Fn() -> S + Sync,
    item: impl Fn(&mut S, &mut String, usize) + Sync,
    mut sink: impl FnMut(&str) -> io::Result<()>,
) -> io::Result<()> {
    let chunks = n.div_ceil(CHUNK);
    let fill = |s: &mut S, buf: &mut String, c: usize| {
        buf.clear();
        for i in c * CHUNK..((c + 1) * CHUNK).min(n) {
            item(s, buf, i);
        }
    };
    let mut mine = state();
    let mut buf = String::new();
    if chunks < 2 {
        fill(&mut mine, &mut buf, 0);
        return sink(&buf);
    }
    std::thread::scope(|scope| {
        // One chunk may wait while the next is made; written buffers go back.
        let (tx, rx) = mpsc::sync_channel::<String>(1);
        let (back, spare) = mpsc::channel::<String>();
        let (state, fill) = (&state, &fill);
        scope.spawn(move || {
            let mut theirs = state();
            for c in (1..chunks).step_by(2) {
                let mut out = spare.try_recv().unwrap_or_default();
                fill(&mut theirs, &mut out, c);
                if tx.send(out).is_err() {
                    // The writer stopped (an error): so does this thread.
                    return;
                }
            }
        });
        for c in (0..chunks).step_by(2) {
            fill(&mut mine, &mut buf, c);
            sink(&buf)?;
            if c + 1 < chunks {
                // Err only if the other thread panicked; the scope re-raises it.
                let Ok(other) = rx.recv() else { break };
                sink(&other)?;
                let _ = back.send(other);
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(n: usize) -> String {
        let mut out = String::new();
        in_order(
            n,
            || (),
            |_, buf, i| buf.push_str(&format!("{i},")),
            |s| {
                out.push_str(s);
                Ok(())
            },
        )
        .unwrap();
        out
    }

    #[test]
    fn every_item_once_in_order() {
        for n in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 5 * CHUNK + 7] {
            let want: String = (0..n).map(|i| format!("{i},")).collect();
            assert_eq!(written(n), want, "n = {n}");
        }
    }

    #[test]
    fn a_failing_sink_stops_both_threads() {
        let mut calls = 0;
        let r = in_order(
            10 * CHUNK,
            || (),
            |_, buf, i| buf.push_str(&i.to_string()),
            |_| {
                calls += 1;
                if calls == 2 {
                    Err(io::Error::other("disk full"))
                } else {
                    Ok(())
                }
            },
        );
        assert_eq!(r.unwrap_err().to_string(), "disk full");
        assert_eq!(calls, 2);
    }
}
