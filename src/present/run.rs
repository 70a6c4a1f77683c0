//! `adtrace run FILE`: a replay script headless. Prints each traced table
//! (in any `--format`), with `--frames` the text frame at each pause, and
//! checks every `:expect`.
//!
//! A `:quiz` in the script asks its questions on stdout and reads one
//! answer a line from stdin (a worksheet that checks itself).
//!
//! Status: `Ok` when everything held, `ExpectationFailed` when an
//! expectation failed (each one named FILE:line:col, expected vs got),
//! `Error` for an error in the script (FILE:line:col; nothing after it runs
//! unless `keep_going`). Must not interpret inputs itself:
//! `app::session::Session` does.

use std::io::BufRead;

use super::emit;
use crate::app::session::{Origin, Output, Session, View};
use crate::app::settings::Settings;
use crate::app::{Status, quiz};
use crate::core::format::Format;
use crate::tui::terminal::{eprint_visible, eprintln_visible};
use crate::tui::{Model, render_text};

/// What `adtrace run` was asked to do.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// The replay file (.adt), or the name of a built-in example.
    pub file: String,
    /// What each traced table prints as.
    pub format: Format,
    /// Also print the text frame of the stepping view at each `:pause`.
    pub frames: bool,
    /// The terminal size frames are drawn for.
    pub size: (u16, u16),
    /// Report every error instead of stopping at the first.
    pub keep_going: bool,
}

/// What a headless run has seen: the counts it reports.
#[derive(Default)]
struct Tally {
    errors: usize,
    failed: usize,
    held: usize,
}

/// `adtrace run`.
pub fn run(args: &RunOptions) -> Status {
    let (script, file) = match super::load_script(&args.file, args.keep_going) {
        Ok(x) => x,
        Err(status) => return status,
    };
    let mut session = Session::new(Settings {
        format: args.format,
        ..Settings::default()
    });
    if let Some(dir) = std::path::Path::new(&args.file).parent() {
        session.push_dir(dir.to_path_buf());
    }
    session.reading(std::path::Path::new(&args.file));
    let mut tally = Tally::default();
    let mut view: Option<View> = None;
    let mut caption_title: Option<String> = None;
    'items: for item in &script.items {
        let origin = Origin {
            file: file.clone(),
            line: item.line,
        };
        for out in session.handle(&item.text, &origin) {
            match out {
                Output::Text(t) => {
                    if emit(&t) != Status::Ok {
                        return Status::Error;
                    }
                }
                Output::Note(_) => {}
                Output::ExpectHeld(_) => tally.held += 1,
                Output::Error(e) => {
                    eprint_visible!("{e}");
                    tally.errors += 1;
                    if !args.keep_going {
                        break 'items;
                    }
                }
                Output::ExpectFailed(e) => {
                    eprint_visible!("{e}");
                    tally.failed += 1;
                }
                Output::View(v) => view = Some(*v),
                Output::Step(k) => {
                    if let Some(v) = &mut view {
                        v.step = k;
                    }
                }
                Output::Title(t) => {
                    caption_title = Some(t.clone());
                    if let Some(v) = &mut view {
                        v.title = Some(t);
                    }
                }
                Output::Pause(caption) if args.frames => {
                    if let Some(v) = &view {
                        let (w, h) = args.size;
                        let mut m = Model::from_view(v);
                        m.caption = caption;
                        if m.title.is_none() {
                            m.title = caption_title.clone();
                        }
                        m.resize(w, h);
                        let frame = render_text(&m, w, h);
                        if emit(&format!("\n{frame}")) != Status::Ok {
                            return Status::Error;
                        }
                    }
                }
                Output::Pause(_) | Output::Wait(_) => {}
                Output::Quit => break 'items,
            }
        }
        if let Some(mut q) = session.take_quiz() {
            // A worksheet: the student's answers are stdin's lines, one
            // each; every wrong or missing answer counts as a failed check.
            q.tries = 0;
            let mut input = std::io::stdin().lock().lines();
            let unwritten = std::cell::Cell::new(false);
            let say = |t: &str| {
                let t = if t.ends_with('\n') {
                    t.to_string()
                } else {
                    format!("{t}\n")
                };
                if emit(&t) != Status::Ok {
                    unwritten.set(true);
                }
            };
            quiz::run(
                &mut q,
                |question| {
                    say(question);
                    input.next().and_then(Result::ok)
                },
                say,
            );
            if unwritten.get() {
                return Status::Error;
            }
            let (k, n) = q.score();
            tally.held += k;
            tally.failed += n - k;
        }
    }
    summary(&file, &tally);
    if tally.errors > 0 {
        Status::Error
    } else if tally.failed > 0 {
        Status::ExpectationFailed
    } else {
        Status::Ok
    }
}

fn summary(file: &str, t: &Tally) {
    let s = |n: usize| if n == 1 { "" } else { "s" };
    if t.errors > 0 {
        eprintln_visible!("{file}: {} error{}", t.errors, s(t.errors));
    }
    if t.failed > 0 {
        eprintln_visible!(
            "{file}: {} expectation{} failed, {} held",
            t.failed,
            s(t.failed),
            t.held
        );
    } else if t.held > 0 && t.errors == 0 {
        eprintln_visible!("{file}: all {} expectation{} held", t.held, s(t.held));
    }
}
