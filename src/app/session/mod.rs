//! The REPL's state and what every input does to it: the current program,
//! its point and seed, the settings, an open recording. One `Session`
//! serves the interactive REPL, piped stdin, `:load`, `adtrace run` and
//! `adtrace play`: each input gives a list of `Output`s, and the caller
//! decides how to show them (print, open the TUI, draw a frame, ignore).
//!
//! Must not print, draw or touch the terminal; the only I/O is reading and
//! writing the files a command names. Never panics on any input: every
//! error is an `Output::Error` with a located message.

mod current;
mod evaluate;
mod files;

use files::one_line;

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::app::{examples, script};
use crate::core::diagnostic::{Diagnostic, Span};
use std::rc::Rc;

use crate::core::pipeline::{Evaluation, SeedSpec, Traced};
use crate::core::sweep::Mode;

use super::commands::{self, Command};
use super::settings::{self, Settings};

/// What the caller should show for one input.
#[derive(Debug)]
pub enum Output {
    /// Results: tables, help, lists (stdout).
    Text(String),
    /// Feedback for a person at the prompt ("remembered …"); scripts run
    /// headless leave it out.
    Note(String),
    /// A located error (stderr); the state is as before the input.
    Error(String),
    /// An `:expect` that held ("ok: d2 = 0.141347").
    ExpectHeld(String),
    /// An `:expect` that did not hold, located (stderr).
    ExpectFailed(String),
    /// A traced program to show. `open`: the user asked for the stepping
    /// view (a program with its point, `at`, `:tui`); otherwise the view
    /// only changed (a new seed or setting).
    View(Box<View>),
    /// The view moved to this step.
    Step(usize),
    Pause(Option<String>),
    Wait(Duration),
    Title(String),
    Quit,
}

/// Everything needed to open the stepping view on the current program
/// (the TUI builds its model from it: `tui::Model::from_view`).
#[derive(Clone, Debug)]
pub struct View {
    /// The traced program and its numbers, shared with the session: a view
    /// costs no copy of the trace, and opening it re-runs no sweep.
    pub traced: Rc<Traced>,
    pub eval: Rc<Evaluation>,
    /// The settings the view starts with (notation, theme, CSE, …).
    pub settings: Settings,
    pub step: usize,
    pub title: Option<String>,
    pub open: bool,
}

/// An input's text and where it came from, so that errors in any part of
/// it render as FILE:line:col with the real line under them.
#[derive(Clone, Debug, Default)]
pub struct Origin {
    /// The file (or `<stdin>`), or empty at the interactive prompt.
    pub file: String,
    /// The 1-based line the input starts on.
    pub line: usize,
}

/// A piece of an input: its text, and the input it is part of.
#[derive(Clone, Debug, Default)]
struct Piece {
    input: String,
    /// Where the piece starts in the input.
    offset: usize,
    origin: Origin,
}

impl Piece {
    fn text(&self) -> &str {
        self.input.get(self.offset..).unwrap_or("")
    }

    fn sub(input: &str, span: Span, origin: &Origin) -> Piece {
        // Cut the input at the span's end: comments after it are not part
        // of the list.
        Piece {
            input: input.get(..span.end as usize).unwrap_or(input).to_string(),
            offset: span.start as usize,
            origin: origin.clone(),
        }
    }

    fn render(&self, d: &Diagnostic) -> String {
        let mut d = d.clone();
        d.span.start += self.offset as u32;
        d.span.end += self.offset as u32;
        script::render_at(&d, &self.input, &self.origin.file, self.origin.line.max(1))
    }
}

/// The current program and how it is evaluated.
struct Current {
    program: Piece,
    traced: Rc<Traced>,
    at: Option<Piece>,
    seed: SeedSpec,
    seed_piece: Option<Piece>,
    /// Which mode builds the Jacobian (`:jacobian`).
    mode: Mode,
    /// `:cotangent z=[1, 0]`: one reverse sweep along it.
    cotangent: Option<Piece>,
    /// Point, seed and sweeps, once the point is complete.
    evaluated: Option<Rc<Evaluation>>,
    step: usize,
}

/// An open `:record`: lines go to a temporary file next to the
/// destination, renamed into place by `:record stop` (or when the session
/// ends), so an existing file is never truncated or left half-written.
struct Recording {
    path: String,
    /// The destination as `fsio::identity` names it.
    dest: PathBuf,
    file: Option<super::fsio::Staged>,
    lines: usize,
}

impl Drop for Recording {
    fn drop(&mut self) {
        // The session ended without ':record stop': keep what was typed.
        if let Some(f) = self.file.take() {
            let _ = f.commit();
        }
    }
}

/// The REPL's state.
#[derive(Default)]
pub struct Session {
    pub settings: Settings,
    current: Option<Current>,
    title: Option<String>,
    recording: Option<Recording>,
    /// The directories of the files being loaded (relative paths in a
    /// script are relative to the script).
    dirs: Vec<PathBuf>,
    depth: usize,
    /// The scripts being run (`:load`, `adtrace run`), as
    /// `fsio::identity` names them: no command writes over one.
    reading: Vec<PathBuf>,
    /// The terminal's width, to which prose (`:help`, `:examples`) is set;
    /// None leaves lines whole (pipes).
    pub width: Option<usize>,
    /// A person at a terminal, where the stepping view can open: then
    /// `:example` opens it on the example instead of printing its tables.
    pub interactive: bool,
    /// A quiz `:quiz` asked for, for the front end to run (`take_quiz`).
    quiz: Option<Box<crate::app::quiz::Quiz>>,
}

fn error_at(input: &str, origin: &Origin, d: Diagnostic) -> Output {
    Output::Error(script::render_at(
        &d,
        input,
        &origin.file,
        origin.line.max(1),
    ))
}

impl Session {
    pub fn new(settings: Settings) -> Session {
        Session {
            settings,
            ..Session::default()
        }
    }

    /// The quiz the last input asked for (`:quiz`), to be run by the
    /// front end that reads the answers.
    pub fn take_quiz(&mut self) -> Option<crate::app::quiz::Quiz> {
        self.quiz.take().map(|q| *q)
    }

    /// Handle one input typed at the prompt.
    pub fn handle_line(&mut self, text: &str) -> Vec<Output> {
        self.handle(text, &Origin::default())
    }

    /// Handle one input; record it if it succeeded and a recording is on.
    pub fn handle(&mut self, text: &str, origin: &Origin) -> Vec<Output> {
        let cmd = commands::parse(text);
        let out = match &cmd {
            Ok(c) => self.execute(c, text, origin),
            Err(d) => vec![error_at(text, origin, d.clone())],
        };
        let ok = !out.iter().any(|o| matches!(o, Output::Error(_)));
        let recordable = !matches!(
            cmd,
            Ok(Command::Record(_) | Command::Quit | Command::Blank | Command::Help(_))
        );
        if ok && recordable && self.depth == 0 {
            return self.record(text, out);
        }
        out
    }

    fn record(&mut self, text: &str, mut out: Vec<Output>) -> Vec<Output> {
        if let Some(r) = &mut self.recording {
            let mut line = text.to_string();
            line.push('\n');
            let written = match &mut r.file {
                Some(f) => f.append(line.as_bytes()),
                None => Ok(()),
            };
            if let Err(e) = written {
                out.push(Output::Error(format!(
                    "error: cannot write to '{}': {e}; recording stopped, the file is as it was\n",
                    r.path
                )));
                // Dropped without a commit: the destination is untouched.
                if let Some(mut r) = self.recording.take() {
                    drop(r.file.take());
                }
            } else {
                r.lines += 1;
            }
        }
        out
    }

    /// The names completion offers: the current program's inputs and
    /// statement names, their entries (`theta[1]`), and its vector inputs
    /// and output whole (`theta`, `z`).
    pub fn names(&self) -> Vec<String> {
        let Some(c) = &self.current else {
            return Vec::new();
        };
        let t = &c.traced.trace;
        let mut names: Vec<String> = t
            .names()
            .filter_map(|n| n.map(str::to_string))
            .chain(t.shaped_inputs.iter().map(|s| s.name.to_string()))
            .chain(t.shaped_output.iter().map(|s| s.name.to_string()))
            .filter(|n| !n.is_empty())
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// Resolve relative paths against `dir` (the script being run).
    pub fn push_dir(&mut self, dir: PathBuf) {
        self.dirs.push(dir);
    }

    /// The script being run (`adtrace run FILE`): commands may not write
    /// over it.
    pub fn reading(&mut self, file: &Path) {
        self.reading.push(super::fsio::identity(file));
    }

    /// Whether a recording is open.
    pub fn recording(&self) -> bool {
        self.recording.is_some()
    }

    fn execute(&mut self, cmd: &Command, text: &str, origin: &Origin) -> Vec<Output> {
        let err = |d: Diagnostic| vec![error_at(text, origin, d)];
        // Commands that work on the current program name it in their error.
        let whole = || {
            let lead = text.len() - text.trim_start().len();
            Span::new(lead, text.trim_end().len())
        };
        match cmd {
            Command::Blank => Vec::new(),
            Command::Program => self.program(text, origin),
            Command::At(span) => self.at(Piece::sub(text, *span, origin)),
            Command::Wrt(name, span) => {
                self.seed(SeedSpec::Wrt(name.clone()), Piece::sub(text, *span, origin))
            }
            Command::Seed(span) => {
                let list = span.text(text).to_string();
                self.seed(SeedSpec::List(list), Piece::sub(text, *span, origin))
            }
            Command::Cotangent(span) => {
                let piece = span.map(|s| Piece::sub(text, s, origin));
                self.cotangent(piece, whole(), text, origin)
            }
            Command::Jacobian(mode) => self.jacobian(*mode, whole(), text, origin),
            Command::Help(name) => self.help(name.as_deref(), text, origin),
            Command::Examples => vec![Output::Text(self.prose(examples::listing()))],
            Command::Example(name, span) => self.example(name, *span, text, origin),
            Command::Load(path, span) => self.load(path, *span, text, origin),
            Command::Record(None) => self.stop_recording(whole(), text, origin),
            Command::Record(Some((path, span, force))) => {
                self.start_recording(path, *span, *force, text, origin)
            }
            Command::Save(path, span, force) => {
                self.save(path, *span, *force, whole(), text, origin)
            }
            Command::Export(fmt, path, span, force) => {
                self.export(*fmt, (path, *span, *force), whole(), text, origin)
            }
            Command::Table => match self.render(self.settings.format) {
                Some(t) => vec![Output::Text(t)],
                None => err(self.nothing_traced(whole())),
            },
            Command::Fd(k) => match self.fd_lab(*k) {
                Some(o) => vec![o],
                None => err(self.nothing_traced(whole())),
            },
            Command::Symbolic => match self.symbolic() {
                Some(t) => vec![Output::Text(t)],
                None => err(self.nothing_traced(whole())),
            },
            Command::Tui => match self.view(true) {
                Some(mut v) => {
                    // Asked for by name: it opens even with `:set tui off`.
                    v.settings.no_tui = false;
                    self.show(v)
                }
                None => err(self.nothing_traced(whole())),
            },
            Command::Quiz => match self.view(false) {
                Some(v) => {
                    let q = crate::app::quiz::Quiz::new(&v.traced, &v.eval, self.settings.style);
                    let n = q.questions.len();
                    self.quiz = Some(Box::new(q));
                    vec![Output::Note(format!(
                        "predict mode: {n} cells to predict, at {} decimals (an empty answer stops)",
                        self.settings.style.precision
                    ))]
                }
                None => err(self.nothing_traced(whole())),
            },
            Command::Set(name, value) => self.set(name, value),
            Command::ShowSettings => vec![Output::Text(self.settings_text())],
            Command::Quit => vec![Output::Quit],
            Command::Step(to) => self.step(*to, whole(), text, origin),
            Command::Pause(c) => vec![Output::Pause(c.clone())],
            Command::Wait(d) => vec![Output::Wait(*d)],
            Command::Title(t) => {
                self.title = (!t.is_empty()).then(|| t.clone());
                vec![Output::Title(t.clone())]
            }
            Command::Expect(e) => self.expect(e, whole(), text, origin),
        }
    }

    fn settings_text(&self) -> String {
        let mut out = settings::listing(&self.settings);
        match &self.current {
            Some(c) => {
                out.push_str(&format!("program: {}\n", one_line(&c.program.input)));
                if let Some(at) = &c.at {
                    out.push_str(&format!("point: at {}\n", one_line(at.text())));
                }
                if let Some(p) = &c.seed_piece {
                    out.push_str(&format!("seed: {}\n", one_line(p.text())));
                }
                out.push_str(&format!("jacobian: {} mode\n", c.mode.name()));
                if let Some(p) = &c.cotangent {
                    out.push_str(&format!("cotangent: {}\n", one_line(p.text())));
                }
            }
            None => out.push_str("program: none yet\n"),
        }
        out
    }

    fn help(&self, name: Option<&str>, text: &str, origin: &Origin) -> Vec<Output> {
        match name {
            None => vec![Output::Text(self.prose(help_text()))],
            Some("functions") => vec![Output::Text(self.prose(functions_help()))],
            Some(n) => match commands::spec(n) {
                Some(s) => {
                    let mut t = format!(":{} {}\n  {}\n", s.name, s.args, s.detail);
                    if s.name == "set" {
                        t.push_str(&settings::help());
                    }
                    vec![Output::Text(self.prose(t))]
                }
                None => {
                    let start = text.find(n).unwrap_or(0);
                    let d = Diagnostic::new(
                        Span::new(start, start + n.len()),
                        format!("no command ':{n}'"),
                    )
                    .with_hint("':help' lists the commands");
                    vec![error_at(text, origin, d)]
                }
            },
        }
    }
}

impl Session {
    /// Prose set to the terminal's width, if known.
    fn prose(&self, text: String) -> String {
        match self.width {
            Some(w) => crate::app::wrap::wrap(&text, w),
            None => text,
        }
    }
}

/// `:help functions`: every function of the language with its derivative
/// rule, from the operation table (so the list cannot fall behind it).
pub fn functions_help() -> String {
    use crate::core::notation::{Names, Style};
    use crate::core::ops::{self, Op};
    let trace = crate::core::trace::Trace::default();
    let names = Names::new(&trace, Style::default());
    let rule = |op: Op, consts: [bool; 2]| names.text(&op.general_rule(consts));
    let mut out =
        String::from("Functions (g is any expression of w; the chain rule is built in):\n");
    let width = ops::FUNCTIONS
        .iter()
        .map(|(n, _)| n.len())
        .max()
        .unwrap_or(0);
    for &(name, op) in ops::FUNCTIONS {
        let same = ops::FUNCTIONS
            .iter()
            .find(|&&(_, o)| o == op)
            .map(|&(n, _)| n);
        let text = match same {
            Some(first) if first != name => format!("the same as {first} (the natural log)"),
            _ => rule(op, [false, false]),
        };
        out.push_str(&format!("  {name:width$}  {text}\n"));
    }
    out.push_str("Operators (g, h expressions of w; c, n numbers):\n");
    for (sym, op, consts) in [
        ("g + h", Op::Add, [false, false]),
        ("g - h", Op::Sub, [false, false]),
        ("g * h", Op::Mul, [false, false]),
        ("g / h", Op::Div, [false, false]),
        ("g ^ n", Op::Pow, [false, true]),
        ("c ^ g", Op::Pow, [true, false]),
        ("g ^ h", Op::Pow, [false, false]),
        ("-g", Op::Neg, [false, false]),
    ] {
        out.push_str(&format!("  {sym:width$}  {}\n", rule(op, consts)));
    }
    out.push_str("Constants: pi, e. Superscripts are powers: x² is x^2.\n");
    out
}

/// `:help` without a name.
pub fn help_text() -> String {
    let mut out = String::from(
        "Type a program with its point to trace it, e.g.\n  f(x) = sqrt(x^2 + exp(x^2)) + cos(x^2 + exp(x^2)) at x = 1\n\
         A program without a point is remembered; 'at x = 2' then traces it.\n\nCommands:\n",
    );
    let width = commands::COMMANDS
        .iter()
        .map(|s| s.name.len() + s.args.len() + 2)
        .max()
        .unwrap_or(0)
        .min(30);
    for s in commands::COMMANDS {
        let left = format!(":{} {}", s.name, s.args);
        let left = left.trim_end();
        if left.chars().count() > width {
            out.push_str(&format!("  {left}\n  {:width$}  {}\n", "", s.summary));
        } else {
            out.push_str(&format!("  {left:width$}  {}\n", s.summary));
        }
    }
    out.push_str(
        "\n':help NAME' explains one. Keys: Tab completes, Ctrl-R searches the history, Ctrl-C cancels the line, Ctrl-D leaves.\n",
    );
    out
}

#[cfg(test)]
mod tests;
