//! The terminal itself: taking it for the full-screen view and giving it
//! back (raw mode, the alternate screen, mouse reporting, the cursor) on
//! every exit path — a normal exit, the panic hook, and the signals
//! SIGTERM, SIGINT, SIGHUP and SIGQUIT; leaving the screen on a suspend
//! (Ctrl-Z, SIGTSTP) and taking it again with a redraw on SIGCONT (`fg`).
//! Also the text sinks every front end prints through: each text passes
//! `core::visible` (no control character, escape sequence, bidi override
//! or zero-width character of the user's reaches the terminal raw), and
//! adtrace's own error prefixes are coloured through `anstream`, which
//! honours NO_COLOR and CLICOLOR_FORCE and colours only a terminal.
//!
//! Signals are read by one thread (`signal-hook`'s iterator, no unsafe
//! code here), installed the first time the view takes the terminal or the
//! REPL starts; commands that never take the terminal keep the default
//! actions. A terminating signal restores the terminal and then ends the
//! process as the signal's default action would, so parents see the
//! signal. Also the one question adtrace asks the terminal: its background
//! colour (OSC 11), for the theme. Must not draw or interpret keys: `run`,
//! `view` and `update` do.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, Once};
use std::time::{Duration, Instant};

use signal_hook::consts::signal::{
    SIGCONT, SIGHUP, SIGINT, SIGQUIT, SIGSTOP, SIGTERM, SIGTSTP, SIGWINCH,
};
use signal_hook::iterator::Signals;
use signal_hook::low_level;

use crate::core::{cancel, visible};

/// Nobody holds the terminal.
const IDLE: u8 = 0;
/// The full-screen view holds it.
const ACTIVE: u8 = 1;
/// The view holds it but the process is suspended: the screen was left.
const SUSPENDED: u8 = 2;

/// Who holds the terminal. Every change of state and the escape codes that
/// go with it happen under this lock, so the signal thread and the view's
/// loop never interleave their writes.
static STATE: Mutex<u8> = Mutex::new(IDLE);
/// The screen must be drawn anew (after `fg`): the loops clear and redraw.
static REDRAW: AtomicBool = AtomicBool::new(false);
/// SIGINT cancels the running command instead of ending the process.
static INTERRUPT_CANCELS: AtomicBool = AtomicBool::new(false);
static INSTALL: Once = Once::new();

fn state() -> MutexGuard<'static, u8> {
    // A panic while holding the lock must not stop the restoring.
    STATE.lock().unwrap_or_else(|e| e.into_inner())
}

/// Record that the TUI has taken the terminal (and install the signal
/// handling, once).
pub fn mark_active() {
    install_signals();
    *state() = ACTIVE;
}

/// Give the terminal back, if the TUI had it.
pub fn restore() {
    let mut s = state();
    if std::mem::replace(&mut *s, IDLE) == ACTIVE {
        leave();
    }
}

fn leave() {
    let _ = crossterm::terminal::disable_raw_mode();
    let _ = crossterm::execute!(
        std::io::stdout(),
        crossterm::event::DisableMouseCapture,
        crossterm::terminal::LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

fn enter() {
    let _ = crossterm::terminal::enable_raw_mode();
    let _ = crossterm::execute!(
        std::io::stdout(),
        crossterm::terminal::EnterAlternateScreen,
        crossterm::event::EnableMouseCapture,
        crossterm::cursor::Hide
    );
}

/// Leave the screen if the view holds it (before the process stops).
fn leave_for_stop() {
    let mut s = state();
    if *s == ACTIVE {
        *s = SUSPENDED;
        leave();
    }
}

/// Take the screen again after a stop and ask for a full redraw. Also
/// after a stop from outside (SIGSTOP), when a shell may have reset the
/// tty: entering again is harmless.
fn resume() -> bool {
    let mut s = state();
    if *s == IDLE {
        return false;
    }
    *s = ACTIVE;
    enter();
    REDRAW.store(true, Ordering::SeqCst);
    true
}

/// Whether the screen has to be drawn anew since the last call (the
/// process was continued after a suspend).
pub fn take_redraw() -> bool {
    REDRAW.swap(false, Ordering::SeqCst)
}

/// Ctrl-Z in the view (raw mode delivers it as a key, not a signal):
/// leave the screen and stop, as a shell's Ctrl-Z would; returns once the
/// process is continued (`fg`) with the screen taken again, so the caller
/// draws nothing while stopped.
pub fn suspend() {
    leave_for_stop();
    // SIGSTOP stops at once (SIGTSTP would go through the signal thread
    // while this thread drew on); the parent sees the process stopped.
    let _ = low_level::raise(SIGSTOP);
    resume();
}

/// While `on`, SIGINT (Ctrl-C at a cooked terminal) asks the running
/// computation to stop (`core::cancel`) instead of ending the process; a
/// second SIGINT before the first is served still ends it.
pub fn interrupt_cancels(on: bool) {
    install_signals();
    INTERRUPT_CANCELS.store(on, Ordering::SeqCst);
}

/// Start the thread that reads the signals, once.
pub fn install_signals() {
    INSTALL.call_once(|| {
        let Ok(mut signals) = Signals::new([SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGTSTP, SIGCONT])
        else {
            return;
        };
        let _ = std::thread::Builder::new()
            .name("adtrace-signals".into())
            .spawn(move || {
                for sig in signals.forever() {
                    on_signal(sig);
                }
            });
    });
}

fn on_signal(sig: i32) {
    match sig {
        SIGTSTP => {
            leave_for_stop();
            // Stops the process here until SIGCONT.
            let _ = low_level::emulate_default_handler(SIGTSTP);
        }
        SIGCONT => {
            if resume() {
                // Wakes the view's loop (blocked reading events) with a
                // resize event, so it redraws.
                let _ = low_level::raise(SIGWINCH);
            }
        }
        SIGINT
            if *state() == IDLE
                && INTERRUPT_CANCELS.load(Ordering::SeqCst)
                && !cancel::requested() =>
        {
            cancel::request();
        }
        _ => {
            restore();
            // No temporary file outlives the process; a recording is kept.
            crate::app::fsio::settle_on_exit();
            let _ = low_level::emulate_default_handler(sig);
        }
    }
}

/// Why the full-screen view cannot be used here, if it cannot:
/// `TERM=dumb` (a terminal without cursor addressing), or stdout is not a
/// terminal (a pipe, a file). The callers print the headless output then.
pub fn no_full_screen() -> Option<&'static str> {
    if std::env::var_os("TERM").is_some_and(|t| t == "dumb") {
        Some("TERM=dumb")
    } else if !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        Some("standard output is not a terminal")
    } else {
        None
    }
}

/// How long the terminal has to answer the background-colour query. Every
/// terminal answers DA1 within milliseconds, which ends the wait; the
/// margin is for a loaded machine, where a late answer would otherwise
/// reach the line editor as typed keys.
const QUERY_TIMEOUT: Duration = Duration::from_millis(500);

/// The terminal's answer to the background-colour query, OSC 11
/// (`ESC ] 11 ; ? BEL`), followed by the primary device attributes query
/// (DA1, `ESC [ c`), which every terminal answers: the answers come in
/// order, so DA1's ends the wait at once where OSC 11 is not supported and
/// leaves nothing of either answer in the input. Waits at most 500 ms.
/// Asks only when stdin and stdout are a terminal, TERM is not dumb,
/// nobody holds the terminal (raw mode off) and nothing typed is waiting
/// to be read; `None` otherwise or when nothing came.
pub fn background_reply() -> Option<Vec<u8>> {
    use std::io::IsTerminal;
    if std::env::var_os("TERM").is_none_or(|t| t == "dumb" || t.is_empty())
        || !std::io::stdin().is_terminal()
        || !std::io::stdout().is_terminal()
        || *state() != IDLE
        || crossterm::terminal::is_raw_mode_enabled().unwrap_or(true)
    {
        return None;
    }
    // Raw: the answer is not echoed and is readable before a newline.
    crossterm::terminal::enable_raw_mode().ok()?;
    // Keys typed before the program started (lines typed ahead while it
    // was built or loaded) are the user's: not asking leaves them, whole,
    // for the line editor, where reading the answer would swallow them.
    if input_pending() {
        let _ = crossterm::terminal::disable_raw_mode();
        return None;
    }
    let reply = ask(b"\x1b]11;?\x07\x1b[c");
    let _ = crossterm::terminal::disable_raw_mode();
    reply.filter(|r| !r.is_empty())
}

/// Whether stdin has something to read now (in raw mode: any key).
fn input_pending() -> bool {
    let stdin = rustix::stdio::stdin();
    let mut fds = [rustix::event::PollFd::new(
        &stdin,
        rustix::event::PollFlags::IN,
    )];
    let now = rustix::event::Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    matches!(rustix::event::poll(&mut fds, Some(&now)), Ok(n) if n > 0)
}

/// Write `query` and read the answers until DA1's (`ESC [ ? … c`) or the
/// timeout.
fn ask(query: &[u8]) -> Option<Vec<u8>> {
    let mut out = std::io::stdout().lock();
    out.write_all(query).and_then(|()| out.flush()).ok()?;
    drop(out);
    let stdin = rustix::stdio::stdin();
    let deadline = Instant::now() + QUERY_TIMEOUT;
    let mut reply = Vec::new();
    let mut chunk = [0u8; 256];
    while !da1_answered(&reply) && reply.len() < 4096 {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        let Ok(timeout) = rustix::event::Timespec::try_from(left) else {
            break;
        };
        let mut fds = [rustix::event::PollFd::new(
            &stdin,
            rustix::event::PollFlags::IN,
        )];
        match rustix::event::poll(&mut fds, Some(&timeout)) {
            Ok(0) => break,
            Ok(_) => match rustix::io::read(stdin, &mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => reply.extend_from_slice(&chunk[..n]),
            },
            Err(rustix::io::Errno::INTR) => {}
            Err(_) => break,
        }
    }
    Some(reply)
}

/// Whether `reply` holds the end of a DA1 answer, `ESC [ ? … c`.
fn da1_answered(reply: &[u8]) -> bool {
    reply
        .windows(3)
        .position(|w| w == b"\x1b[?")
        .is_some_and(|k| reply[k + 3..].contains(&b'c'))
}

/// Write `text` to stdout, made visible (`core::visible`). A closed pipe is
/// reported as the error it is; callers decide whether it matters.
pub fn write_out(text: &str) -> std::io::Result<()> {
    let mut o = std::io::stdout().lock();
    o.write_all(visible::visible(text).as_bytes())
        .and_then(|()| o.flush())
}

/// Write a message to stderr, made visible; a leading `error:` or
/// `warning:` is coloured when stderr is a terminal that wants colour.
pub fn write_err(text: &str) {
    let text = visible::visible(text);
    let style = |s: anstyle::AnsiColor| anstyle::Style::new().bold().fg_color(Some(s.into()));
    let (label, rest, style) = if let Some(rest) = text.strip_prefix("error:") {
        ("error:", rest, style(anstyle::AnsiColor::Red))
    } else if let Some(rest) = text.strip_prefix("warning:") {
        ("warning:", rest, style(anstyle::AnsiColor::Yellow))
    } else {
        ("", &*text, anstyle::Style::new())
    };
    let mut e = anstream::stderr().lock();
    let _ = write!(e, "{style}{label}{style:#}{rest}").and_then(|()| e.flush());
}

/// `eprint!` through `write_err`: made visible, `error:` coloured.
macro_rules! eprint_visible {
    ($($arg:tt)*) => {
        $crate::tui::terminal::write_err(&format!($($arg)*))
    };
}

/// `eprintln!` through `write_err`.
macro_rules! eprintln_visible {
    ($($arg:tt)*) => {
        $crate::tui::terminal::write_err(&format!("{}\n", format_args!($($arg)*)))
    };
}

pub(crate) use {eprint_visible, eprintln_visible};
