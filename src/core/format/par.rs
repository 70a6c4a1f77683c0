//! Formatting a long list of items on two threads, written in order.
//!
//! Owns the split into chunks and the hand-over between the threads; the
//! caller says how one item is written. Must not change a byte of the
//! output: it is exactly what one thread writing the items in turn gives.

use std::collections::BTreeMap;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, mpsc};

/// Items per chunk: a few MB of text, enough to keep both threads busy
/// without holding much.
pub(crate) const CHUNK: usize = 4096;

/// Chunks made but not yet written, at most (beyond the one each thread
/// is making): memory stays a few chunks, whichever thread is faster.
const AHEAD: usize = 4;

/// Writes items `0..n` to `sink` in order. Each thread makes its own state
/// with `state` (an explainer with its caches) and formats whichever chunk
/// is next to take (chunks differ in cost: taking them in turn left one
/// thread waiting for the other) with `item`; the calling thread also
/// writes, in order. Below two chunks no thread starts.
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
    if chunks < 2 {
        let mut buf = String::new();
        fill(&mut mine, &mut buf, 0);
        return sink(&buf);
    }
    let next = AtomicUsize::new(0);
    // Written buffers, for either thread to fill again.
    let spare: Mutex<Vec<String>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::sync_channel::<(usize, String)>(AHEAD);
        let (state, fill, next, spare) = (&state, &fill, &next, &spare);
        scope.spawn(move || {
            let mut theirs = state();
            loop {
                let c = next.fetch_add(1, Ordering::Relaxed);
                if c >= chunks {
                    return;
                }
                let mut out = reuse(spare);
                fill(&mut theirs, &mut out, c);
                if tx.send((c, out)).is_err() {
                    // The writer stopped (an error): so does this thread.
                    return;
                }
            }
        });
        // Made chunks by number; `want` is the next to write.
        let mut made: BTreeMap<usize, String> = BTreeMap::new();
        let mut want = 0;
        while want < chunks {
            if let Some(buf) = made.remove(&want) {
                sink(&buf)?;
                want += 1;
                if let Ok(mut v) = spare.lock() {
                    v.push(buf);
                }
                continue;
            }
            if let Ok((c, buf)) = rx.try_recv() {
                made.insert(c, buf);
                continue;
            }
            if made.len() < AHEAD {
                let c = next.fetch_add(1, Ordering::Relaxed);
                if c < chunks {
                    let mut buf = reuse(spare);
                    fill(&mut mine, &mut buf, c);
                    made.insert(c, buf);
                    continue;
                }
            }
            // The chunk to write is the other thread's: wait for it. Err
            // only if that thread panicked; the scope re-raises it.
            let Ok((c, buf)) = rx.recv() else { break };
            made.insert(c, buf);
        }
        Ok(())
    })
}

/// A written buffer to fill again (its capacity kept), or a new one.
fn reuse(spare: &Mutex<Vec<String>>) -> String {
    spare
        .lock()
        .ok()
        .and_then(|mut v| v.pop())
        .unwrap_or_default()
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
    fn uneven_chunks_stay_in_order_and_few_wait() {
        use std::sync::atomic::AtomicUsize;
        // Every third chunk is slow: the other thread runs ahead, and what
        // it made waits; never more than a few chunks at once.
        let (waiting, most) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let n = 40 * CHUNK + 3;
        let mut out = String::new();
        in_order(
            n,
            || (),
            |_, buf, i| {
                if i % CHUNK == 0 {
                    let w = waiting.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(w, Ordering::SeqCst);
                    if (i / CHUNK).is_multiple_of(3) {
                        std::thread::sleep(std::time::Duration::from_millis(3));
                    }
                }
                buf.push_str(&i.to_string());
                buf.push(',');
            },
            |s| {
                waiting.fetch_sub(1, Ordering::SeqCst);
                out.push_str(s);
                Ok(())
            },
        )
        .unwrap();
        let want: String = (0..n).map(|i| format!("{i},")).collect();
        assert!(out == want, "out of order");
        let most = most.load(Ordering::SeqCst);
        assert!(most <= 2 * AHEAD + 2, "{most} chunks waited at once");
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
