//! The REPL (`adtrace` with no arguments): a prompt where programs, points
//! and `:commands` are typed. At a terminal it edits lines with rustyline
//! (`helper`), keeps history in the XDG state directory and opens the
//! stepping TUI on a program with its point, printing the finished table
//! inline when the user leaves it. With stdin not a terminal it reads lines
//! plainly and prints the tables, so pipes and here-documents work.
//!
//! What an input means lives in `app::commands` (syntax) and
//! `app::session` (effect); this file only reads lines and shows `Output`s,
//! and reports how the session ended as an `app::Status`. Must never let an
//! error end the session, never calls readline while the TUI holds the
//! terminal, and must not import `cli` or `present`, nor decide exit codes.

pub mod helper;

use crate::app::commands;

use std::cell::RefCell;
use std::io::{BufRead, IsTerminal, Read};
use std::path::PathBuf;
use std::rc::Rc;

use rustyline::error::ReadlineError;
use rustyline::history::FileHistory;
use rustyline::{CompletionType, Config, Editor};

use crate::app::Status;
use crate::app::session::{Origin, Output, Session};
use crate::app::settings::Settings;
use crate::core::cancel;
use crate::tui::Model;
use helper::ReplHelper;

const PROMPT: &str = "ad> ";
/// The prompt while a bracket is open; an empty line ends the input.
const MORE: &str = "... ";

/// Where the history lives: the XDG state directory
/// ($XDG_STATE_HOME/adtrace/history, else ~/.local/state/adtrace/history),
/// or the platform's data directory where it has no state directory
/// (Windows: %APPDATA%).
pub fn history_path() -> Option<PathBuf> {
    use etcetera::BaseStrategy;
    let base = etcetera::choose_base_strategy().ok()?;
    let dir = base.state_dir().unwrap_or_else(|| base.data_dir());
    Some(dir.join("adtrace").join("history"))
}

/// Where adtrace 0.1 kept the history ($XDG_DATA_HOME/adtrace/history):
/// read once when the new place has none yet.
fn old_history_path() -> Option<PathBuf> {
    use etcetera::BaseStrategy;
    let base = etcetera::choose_base_strategy().ok()?;
    Some(base.data_dir().join("adtrace").join("history"))
}

/// What showing a batch of outputs found.
#[derive(Default)]
struct Shown {
    quit: bool,
    error: bool,
    failed: bool,
}

impl Shown {
    /// Write to stdout; a failed write ends the session (nothing more can
    /// be shown) and, unless the reader just left, is an error.
    fn out(&mut self, text: &str) {
        if self.quit {
            return;
        }
        if let Err(e) = out(text) {
            self.quit = true;
            if e.kind() != std::io::ErrorKind::BrokenPipe {
                self.error = true;
                err(&format!("error: cannot write output: {e}\n"));
            }
        }
    }
}

/// Write to stdout, made visible (`core::visible`: the user's text never
/// drives the terminal). A closed pipe (`| head`) ends the session
/// quietly; any other failure (`> /dev/full`) is an error the caller
/// reports.
fn out(text: &str) -> std::io::Result<()> {
    crate::tui::terminal::write_out(text)
}

/// Write to stderr; failing there leaves nowhere to say so.
fn err(text: &str) {
    crate::tui::terminal::write_err(text);
}

fn line(text: &str) -> String {
    if text.ends_with('\n') {
        text.to_string()
    } else {
        format!("{text}\n")
    }
}

/// Run one (possibly multi-line) piped input that began on line `start`.
fn run_one(session: &mut Session, start: usize, input: &str) -> Shown {
    let origin = Origin {
        file: "<stdin>".into(),
        line: start,
    };
    show(session.handle(input, &origin), None)
}

/// Show outputs; `tui` opens the stepping view when asked to.
/// With `tui` (the interactive prompt), a view the user asked for opens the
/// stepping TUI; what they change there is adopted by the session, and the
/// table that follows reads as the view left it.
fn show(outputs: Vec<Output>, mut tui: Option<(&mut Session, &mut Option<Model>)>) -> Shown {
    let mut s = Shown::default();
    let mut table_after_view: Option<String> = None;
    for o in outputs {
        if cancel::requested() {
            err("cancelled (Ctrl-C): the rest of the output is not shown\n");
            break;
        }
        match o {
            Output::Text(t) => s.out(&line(&table_after_view.take().unwrap_or(t))),
            Output::Note(n) | Output::ExpectHeld(n) => s.out(&line(&n)),
            Output::Error(e) => {
                s.error = true;
                err(&line(&e));
            }
            Output::ExpectFailed(e) => {
                s.failed = true;
                err(&line(&e));
            }
            Output::View(v) if v.open && !v.settings.no_tui && tui.is_some() => {
                if let Some((session, last)) = tui.as_mut() {
                    let mut model = Model::from_view_after(&v, last.take());
                    if let Err(e) = crate::tui::run(&mut model) {
                        err(&format!("adtrace: terminal error: {e}\n"));
                    }
                    let o = model.options();
                    table_after_view = session.adopt_view(o.style.notation, o.no_cse, model.seed());
                    // Kept: reopening the same program reuses its layout.
                    **last = Some(model);
                }
            }
            Output::Pause(Some(c)) => s.out(&format!("▸ {c}\n")),
            Output::Quit => s.quit = true,
            Output::View(_)
            | Output::Step(_)
            | Output::Pause(None)
            | Output::Wait(_)
            | Output::Title(_) => {}
        }
    }
    s
}

fn settings(no_color: bool) -> Settings {
    Settings {
        no_color,
        ..Settings::default()
    }
}

/// `adtrace` with no subcommand; `no_color`: `NO_COLOR` asks for no
/// colours.
pub fn main(no_color: bool) -> Status {
    if std::io::stdin().is_terminal() {
        interactive(no_color)
    } else {
        piped(std::io::stdin().lock(), no_color)
    }
}

/// Lines from a pipe or a file: no prompt, no TUI. `Error` if any input
/// failed, `ExpectationFailed` if an expectation did not hold, else `Ok`.
pub fn piped(mut reader: impl BufRead, no_color: bool) -> Status {
    let mut session = Session::new(settings(no_color));
    let mut any_error = false;
    let mut any_failed = false;
    let mut pending: Option<(usize, String)> = None;
    let mut number = 0usize;
    let limit = crate::app::fsio::MAX_INPUT_BYTES;
    loop {
        // One line at a time, each bounded: `adtrace < /dev/zero` ends
        // with a message instead of filling memory.
        let mut raw = Vec::new();
        match (&mut reader).take(limit + 1).read_until(b'\n', &mut raw) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                err(&format!("error: cannot read stdin: {e}\n"));
                return Status::Error;
            }
        }
        number += 1;
        if raw.len() as u64 > limit {
            err(&format!(
                "error: line {number} of stdin is longer than {}, the most adtrace reads\n",
                crate::app::fsio::MAX_INPUT_TEXT
            ));
            return Status::Error;
        }
        if raw.last() == Some(&b'\n') {
            raw.pop();
        }
        let text = match String::from_utf8(raw) {
            Ok(t) => t,
            Err(_) => {
                err(&format!(
                    "error: invalid UTF-8\n --> <stdin>:{number}\n  = hint: send UTF-8 text\n"
                ));
                any_error = true;
                continue;
            }
        };
        let text = text.strip_suffix('\r').unwrap_or(&text);
        let (text, backslash) = match text.trim_end().strip_suffix('\\') {
            Some(t) => (t, true),
            None => (text, false),
        };
        let (start, input) = match pending.take() {
            // An empty line ends an open bracket, as at the prompt.
            Some((s, acc)) if text.trim().is_empty() && !backslash => (s, acc),
            Some((s, mut acc)) => {
                acc.push('\n');
                acc.push_str(text);
                (s, acc)
            }
            None => (number, text.to_string()),
        };
        if backslash || commands::incomplete(&input) {
            pending = Some((start, input));
            continue;
        }
        let s = run_one(&mut session, start, &input);
        any_error |= s.error;
        any_failed |= s.failed;
        if s.quit {
            pending = None;
            break;
        }
        // `:quiz` reads its answers from the next lines, one each.
        if let Some(mut q) = session.take_quiz() {
            q.tries = 0;
            let unwritten = std::cell::Cell::new(false);
            let say = |t: &str| {
                if out(&line(t)).is_err() {
                    unwritten.set(true);
                }
            };
            crate::app::quiz::run(
                &mut q,
                |question| {
                    say(question);
                    number += 1;
                    let mut raw = Vec::new();
                    match (&mut reader).take(limit + 1).read_until(b'\n', &mut raw) {
                        Ok(0) | Err(_) => None,
                        Ok(_) => Some(String::from_utf8_lossy(&raw).trim_end().to_string()),
                    }
                },
                |t| say(t),
            );
            if unwritten.get() {
                err("error: cannot write output\n");
                return Status::Error;
            }
            let (k, n) = q.score();
            any_failed |= k < n;
        }
    }
    if let Some((start, input)) = pending {
        let s = run_one(&mut session, start, &input);
        any_error |= s.error;
        any_failed |= s.failed;
    }
    if any_error {
        Status::Error
    } else if any_failed {
        Status::ExpectationFailed
    } else {
        Status::Ok
    }
}

fn interactive(no_color: bool) -> Status {
    let config = Config::builder()
        .history_ignore_space(true)
        .history_ignore_dups(true)
        .map(|b| {
            b.auto_add_history(false)
                .completion_type(CompletionType::List)
        })
        .map(|b| b.build())
        .unwrap_or_default();
    let mut rl: Editor<ReplHelper, FileHistory> = match Editor::with_config(config) {
        Ok(rl) => rl,
        Err(e) => {
            err(&format!("adtrace: cannot start the line editor: {e}\n"));
            // Still usable: read plain lines.
            return piped(std::io::stdin().lock(), no_color);
        }
    };
    let names = Rc::new(RefCell::new(Vec::new()));
    rl.set_helper(Some(ReplHelper::new(names.clone(), no_color)));
    let history = history_path();
    if let Some(h) = &history {
        // A missing or unreadable history is not an error: start afresh.
        if h.exists() {
            let _ = rl.load_history(h);
        } else if let Some(old) = old_history_path().filter(|o| o.exists()) {
            let _ = rl.load_history(&old);
        }
    }
    // The theme for the terminal's background, asked before anything is
    // shown, so nothing a user types after the banner is read as a reply.
    let theme = crate::tui::detect_theme();
    let banner = format!(
        "adtrace {}: automatic differentiation, step by step. ':help' lists the commands, Ctrl-D leaves.\n\
         Type ':example graph', or a function like 'sin(x)*y at x=1, y=2'.\n",
        env!("CARGO_PKG_VERSION")
    );
    let _ = out(&crate::app::wrap::wrap(&banner, width()));
    let why_not = crate::tui::terminal::no_full_screen();
    if let Some(why) = why_not {
        err(&format!(
            "adtrace: no full-screen view ({why}); tables are printed at the prompt instead\n"
        ));
    }
    let tui = why_not.is_none();
    // `:set theme` overrides the detected theme.
    let mut session = Session::new(Settings {
        theme,
        ..settings(no_color)
    });
    session.interactive = tui;
    // The last stepping view, so that reopening it keeps its layout.
    let mut last_view: Option<Model> = None;
    // The lines typed so far while the input is open (a bracket, an operator at the end).
    let mut pending: Option<String> = None;
    loop {
        let prompt = if pending.is_some() { MORE } else { PROMPT };
        // Read each time: the window may have been resized.
        session.width = Some(width());
        match rl.readline(prompt) {
            Ok(line) => {
                let ended = pending.is_some() && line.trim().is_empty();
                let input = match pending.take() {
                    // An empty line ends the input: the error names the
                    // bracket still open and where it opened.
                    Some(acc) if line.trim().is_empty() => acc,
                    Some(mut acc) => {
                        acc.push('\n');
                        acc.push_str(&line);
                        acc
                    }
                    None => line,
                };
                let open = commands::open_because(&input).filter(|_| !ended);
                if let Some(why) = open
                    && !input.trim().is_empty()
                {
                    if !input.contains('\n') {
                        let _ = out(&format!(
                            "({why}: continue on the next line, or an empty line to end)\n"
                        ));
                    }
                    pending = Some(input);
                    continue;
                }
                if !input.trim().is_empty() {
                    let _ = rl.add_history_entry(input.as_str());
                    // Saved at once, so a closed terminal window keeps it.
                    if let Some(h) = &history {
                        save_history(&mut rl, h);
                    }
                }
                // Ctrl-C while the command runs cancels it (the parser and
                // the trace builder poll `core::cancel`), or cuts its long
                // output short; never the session.
                cancel::clear();
                crate::tui::terminal::interrupt_cancels(true);
                let outputs = session.handle_line(&input);
                let s = show(outputs, tui.then_some((&mut session, &mut last_view)));
                crate::tui::terminal::interrupt_cancels(false);
                cancel::clear();
                if let Some(mut q) = session.take_quiz() {
                    quiz(&mut rl, &mut q);
                }
                *names.borrow_mut() = session.names();
                if s.quit {
                    break;
                }
            }
            // Ctrl-C cancels the line being typed (and any open bracket).
            Err(ReadlineError::Interrupted) => {
                pending = None;
                continue;
            }
            Err(ReadlineError::Eof) => {
                // Ctrl-D inside an open bracket ends the input first.
                if let Some(input) = pending.take() {
                    show(session.handle_line(&input), None);
                }
                break;
            }
            Err(e) => {
                err(&format!("adtrace: cannot read the line: {e}\n"));
                break;
            }
        }
    }
    if let Some(h) = &history {
        save_history(&mut rl, h);
    }
    Status::Ok
}

/// `:quiz` at the prompt: each question, then the answer typed at `? `;
/// a wrong one gets the next hint and the question again. An empty
/// answer, Ctrl-C or Ctrl-D stops (the score so far is shown).
fn quiz(rl: &mut Editor<ReplHelper, FileHistory>, q: &mut crate::app::quiz::Quiz) {
    crate::app::quiz::run(
        q,
        |question| {
            let _ = out(&line(question));
            match rl.readline("? ") {
                Ok(a) if !a.trim().is_empty() => Some(a),
                _ => None,
            }
        },
        |t| {
            let _ = out(&line(t));
        },
    );
}

/// The terminal's width in cells, to set prose to (80 if unknown).
fn width() -> usize {
    crossterm::terminal::size()
        .map(|(w, _)| usize::from(w))
        .ok()
        .filter(|&w| w >= 20)
        .unwrap_or(80)
}

/// Append the new lines to the history (under a file lock, merging with
/// what other REPLs appended meanwhile, so two at once lose nothing),
/// creating its directory; failing is harmless.
fn save_history(rl: &mut Editor<ReplHelper, FileHistory>, path: &std::path::Path) {
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let _ = rl.append_history(path);
}
