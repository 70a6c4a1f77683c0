//! End-to-end: the full-screen views on a terminal that answers no
//! queries (no cursor position, no colours, no device attributes). A
//! lecture-hall projector's terminal, a serial console or a loaded machine
//! just after `fg` may not answer in time; the view must still come up and
//! leave cleanly, never end with "the cursor position could not be read".
//! Runs each view under `script`, whose pty nobody answers; skips with a
//! note when `script` (util-linux) is not installed.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_adtrace");

/// The output with escape sequences dropped and spaces squeezed.
fn plain(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            // CSI: parameters up to a final letter; others: one character.
            if chars.peek() == Some(&'[') {
                chars.next();
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() || c == '~' {
                        break;
                    }
                }
            } else {
                chars.next();
            }
            out.push(' ');
        } else if !(c.is_whitespace() && out.ends_with(' ')) {
            out.push(if c.is_whitespace() { ' ' } else { c });
        }
    }
    out
}

/// Run `adtrace ARGS` on a silent 80×24 pty until `shows` is on screen,
/// press `q`, and check it ended cleanly (exit 0, no terminal error), or
/// fail naming what was seen.
fn run_silent(args: &str, shows: &str) {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("note: `script` is not installed; skipping the silent-terminal test");
        return;
    }
    let command = format!("stty rows 24 cols 80; {BIN} {args}; echo EXIT=$?");
    let mut child = Command::new("script")
        .args(["-q", "-e", "-c", &command, "/dev/null"])
        .env("TERM", "xterm-256color")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mut stdout = child.stdout.take().unwrap();
    let sink = Arc::clone(&seen);
    let reader = std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    });
    let wait_for = |what: &str, secs: u64| {
        let end = Instant::now() + Duration::from_secs(secs);
        loop {
            let now = plain(&seen.lock().unwrap());
            if now.contains(what) {
                return;
            }
            assert!(
                Instant::now() < end,
                "no '{what}' within {secs} s on a silent terminal; it showed:\n{now}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    wait_for(shows, 20);
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"q").unwrap();
    stdin.flush().unwrap();
    wait_for("EXIT=", 20);
    drop(stdin);
    let _ = child.wait();
    let _ = reader.join();
    let all = plain(&seen.lock().unwrap());
    assert!(
        all.contains("EXIT=0"),
        "{args}: did not end cleanly:\n{all}"
    );
    assert!(!all.contains("cursor position"), "{args}:\n{all}");
}

#[test]
fn tui_comes_up_and_leaves_cleanly_on_a_terminal_that_answers_nothing() {
    run_silent("tui 'sin(x)*y at x=1, y=2'", "forward sweep · step 1 of 8");
}

#[test]
fn play_comes_up_and_leaves_cleanly_on_a_terminal_that_answers_nothing() {
    run_silent("play graph", "[1/5] Computational graph");
}
