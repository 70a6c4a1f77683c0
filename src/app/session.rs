//! The REPL's state and what every input does to it: the current program,
//! its point and seed, the settings, an open recording. One `Session`
//! serves the interactive REPL, piped stdin, `:load`, `adtrace run` and
//! `adtrace play`: each input gives a list of `Output`s, and the caller
//! decides how to show them (print, open the TUI, draw a frame, ignore).
//!
//! Must not print, draw or touch the terminal; the only I/O is reading and
//! writing the files a command names. Never panics on any input: every
//! error is an `Output::Error` with a located message.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::app::{examples, script};
use crate::core::diagnostic::{Diagnostic, Span};
use crate::core::format::{self, Format};
use crate::core::notation::{Notation, Style};
use std::rc::Rc;

use crate::core::pipeline::{self, Evaluation, Failure, FailureKind, SeedSpec, Traced};
use crate::core::schedule::{Phase, Schedule};

use super::commands::{self, Command, Expect, StepTo};
use super::expect;
use super::settings::{self, Settings, format_name};

/// How deep `:load` may nest (a file loading itself stops here).
const MAX_DEPTH: usize = 8;

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
    /// Point, seed and sweeps, once the point is complete.
    evaluated: Option<Rc<Evaluation>>,
    step: usize,
}

/// An open `:record`.
struct Recording {
    path: String,
    file: File,
    lines: usize,
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
            if let Err(e) = r
                .file
                .write_all(line.as_bytes())
                .and_then(|()| r.file.flush())
            {
                out.push(Output::Error(format!(
                    "error: cannot write to '{}': {e}; recording stopped\n",
                    r.path
                )));
                self.recording = None;
            } else {
                r.lines += 1;
            }
        }
        out
    }

    /// The names completion offers: the current program's inputs and
    /// statement names.
    pub fn names(&self) -> Vec<String> {
        let Some(c) = &self.current else {
            return Vec::new();
        };
        let mut names: Vec<String> = c
            .traced
            .trace
            .nodes
            .iter()
            .filter_map(|n| n.name.as_deref().map(str::to_string))
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// Resolve relative paths against `dir` (the script being run).
    pub fn push_dir(&mut self, dir: PathBuf) {
        self.dirs.push(dir);
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
            Command::Wrt(span) => {
                let name = span.text(text).to_string();
                self.seed(SeedSpec::Wrt(name), Piece::sub(text, *span, origin))
            }
            Command::Seed(span) => {
                let list = span.text(text).to_string();
                self.seed(SeedSpec::List(list), Piece::sub(text, *span, origin))
            }
            Command::Help(name) => self.help(name.as_deref(), text, origin),
            Command::Examples => vec![Output::Text(examples::listing())],
            Command::Example(name, span) => match examples::get(name) {
                Some(src) => {
                    // An example is a lecture script: it starts from the
                    // default notation and precision its numbers are in.
                    self.settings.style = Style::default();
                    self.settings.no_cse = false;
                    self.title = None;
                    let file = format!("<example {name}>");
                    let mut out = self.run_script(src, &file, None, *span, text, origin);
                    if out.iter().any(|o| matches!(o, Output::Error(_))) {
                        return out;
                    }
                    out.push(Output::Note(format!(
                        "example '{name}' loaded; ':tui' steps through its last program, 'adtrace play {name}' presents it"
                    )));
                    out
                }
                None => {
                    let names: Vec<&str> = examples::EXAMPLES.iter().map(|e| e.name).collect();
                    let d = Diagnostic::new(*span, format!("no example '{name}'"));
                    let d = match crate::core::diagnostic::did_you_mean(name, names.iter().copied())
                    {
                        Some(m) => {
                            d.with_hint(format!("did you mean '{m}'? ':examples' lists them"))
                        }
                        None => d.with_hint(format!("the examples are {}", names.join(", "))),
                    };
                    err(d)
                }
            },
            Command::Load(path, span) => {
                let full = self.resolve(path);
                match std::fs::read(&full) {
                    Ok(bytes) => match String::from_utf8(bytes) {
                        Ok(src) => {
                            let dir = full.parent().map(Path::to_path_buf);
                            self.run_script(&src, path, dir, *span, text, origin)
                        }
                        Err(_) => err(Diagnostic::new(
                            *span,
                            format!("'{path}' is not UTF-8 text"),
                        )),
                    },
                    Err(e) => err(Diagnostic::new(*span, format!("cannot read '{path}': {e}"))),
                }
            }
            Command::Record(None) => match self.recording.take() {
                Some(r) => vec![Output::Note(format!(
                    "recorded {} line{} to {}",
                    r.lines,
                    if r.lines == 1 { "" } else { "s" },
                    r.path
                ))],
                None => err(Diagnostic::new(whole(), "no recording to stop")
                    .with_hint("start one with ':record FILE'")),
            },
            Command::Record(Some((path, span))) => {
                let full = self.resolve(path);
                let head = format!(
                    "# adtrace replay file, recorded at the REPL\n{}",
                    self.state_text()
                );
                match File::create(&full).and_then(|mut f| {
                    f.write_all(head.as_bytes())?;
                    f.flush()?;
                    Ok(f)
                }) {
                    Ok(file) => {
                        self.recording = Some(Recording {
                            path: path.clone(),
                            file,
                            lines: 0,
                        });
                        vec![Output::Note(format!(
                            "recording to {path}; ':record stop' ends it"
                        ))]
                    }
                    Err(e) => err(Diagnostic::new(
                        *span,
                        format!("cannot write '{path}': {e}"),
                    )),
                }
            }
            Command::Save(path, span) => {
                if self.current.is_none() {
                    return err(Diagnostic::new(whole(), "no program to save")
                        .with_hint("type a program first, e.g. sin(x)*y at x = 1, y = 2"));
                }
                let body = format!("# adtrace replay file\n{}", self.state_text());
                match std::fs::write(self.resolve(path), body) {
                    Ok(()) => vec![Output::Note(format!("saved to {path}"))],
                    Err(e) => err(Diagnostic::new(
                        *span,
                        format!("cannot write '{path}': {e}"),
                    )),
                }
            }
            Command::Export(fmt, path, span) => match self.render(*fmt) {
                Some(body) => match std::fs::write(self.resolve(path), body) {
                    Ok(()) => vec![Output::Note(format!(
                        "wrote {} to {path}",
                        format_name(*fmt)
                    ))],
                    Err(e) => err(Diagnostic::new(
                        *span,
                        format!("cannot write '{path}': {e}"),
                    )),
                },
                None => err(self.nothing_traced(whole())),
            },
            Command::Table => match self.render(self.settings.format) {
                Some(t) => vec![Output::Text(t)],
                None => err(self.nothing_traced(whole())),
            },
            Command::Tui => match self.view(true) {
                Some(v) => self.show(v),
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

    fn resolve(&self, path: &str) -> PathBuf {
        let p = Path::new(path);
        match self.dirs.last() {
            Some(d) if p.is_relative() => d.join(p),
            _ => p.to_path_buf(),
        }
    }

    fn nothing_traced(&self, span: Span) -> Diagnostic {
        match &self.current {
            None => Diagnostic::new(span, "no program yet")
                .with_hint("type a program first, e.g. sin(x)*y at x = 1, y = 2"),
            Some(c) => {
                let d = Diagnostic::new(span, "the current program has no point yet");
                let inputs: Vec<&str> = c.traced.trace.input_names().collect();
                let list: Vec<String> = inputs.iter().map(|n| format!("{n} = …")).collect();
                d.with_hint(format!("give one with 'at {}'", list.join(", ")))
            }
        }
    }

    /// Run a script's inputs as if typed, stopping at the first error.
    fn run_script(
        &mut self,
        src: &str,
        file: &str,
        dir: Option<PathBuf>,
        span: Span,
        text: &str,
        origin: &Origin,
    ) -> Vec<Output> {
        if self.depth >= MAX_DEPTH {
            return vec![error_at(
                text,
                origin,
                Diagnostic::new(span, format!("'{file}' is loaded too deeply"))
                    .with_hint("a script that loads itself never ends"),
            )];
        }
        let parsed = match script::parse(src, file) {
            Ok(s) => s,
            Err(errors) => return errors.into_iter().map(Output::Error).collect(),
        };
        self.depth += 1;
        let pushed = dir.is_some();
        self.dirs.extend(dir);
        let mut out = Vec::new();
        for item in &parsed.items {
            let o = Origin {
                file: file.to_string(),
                line: item.line,
            };
            let mut part = self.handle(&item.text, &o);
            // A script runs headless: the view never opens by itself.
            for p in &mut part {
                if let Output::View(v) = p {
                    v.open = false;
                }
            }
            let failed = part.iter().any(|p| matches!(p, Output::Error(_)));
            let quit = part.iter().any(|p| matches!(p, Output::Quit));
            out.extend(part.into_iter().filter(|p| !matches!(p, Output::Quit)));
            if failed || quit {
                break;
            }
        }
        if pushed {
            self.dirs.pop();
        }
        self.depth -= 1;
        out
    }

    fn program(&mut self, text: &str, origin: &Origin) -> Vec<Output> {
        let piece = Piece {
            input: text.to_string(),
            offset: 0,
            origin: origin.clone(),
        };
        let traced = match pipeline::trace(text, "", self.settings.no_cse) {
            Ok(t) => t,
            Err(f) => return vec![trace_failure(&f, &piece, None)],
        };
        let has_point = !traced.program.point.is_empty();
        // A program typed at the prompt is not part of the script whose
        // title may still be set (after ':example').
        if origin.file.is_empty() {
            self.title = None;
        }
        let mut cur = Current {
            program: piece,
            traced: Rc::new(traced),
            at: None,
            seed: SeedSpec::First,
            seed_piece: None,
            evaluated: None,
            step: 0,
        };
        let result = evaluate(&cur);
        let inputs: Vec<String> = cur.traced.trace.input_names().map(str::to_string).collect();
        match result {
            Ok(ev) => {
                cur.evaluated = Some(ev);
                self.current = Some(cur);
                self.show_or_empty(true)
            }
            Err(f) if has_point && f.kind != FailureKind::MissingValue => {
                vec![trace_failure(&f, &cur.program, None)]
            }
            Err(f) => {
                let missing = f.diagnostic.message.clone();
                self.current = Some(cur);
                let want: Vec<String> = inputs.iter().map(|n| format!("{n} = …")).collect();
                let note = if has_point {
                    format!("{missing}: give it with 'at {}'", want.join(", "))
                } else {
                    format!(
                        "remembered a program of {}; give a point with 'at {}'",
                        inputs.join(", "),
                        want.join(", ")
                    )
                };
                vec![Output::Note(note)]
            }
        }
    }

    fn show_or_empty(&mut self, open: bool) -> Vec<Output> {
        match self.view(open) {
            Some(v) => self.show(v),
            None => Vec::new(),
        }
    }

    /// A view and, for a view the user asked for, its table.
    fn show(&self, v: View) -> Vec<Output> {
        let open = v.open;
        let mut out = vec![Output::View(Box::new(v))];
        if open && let Some(t) = self.render(self.settings.format) {
            out.push(Output::Text(t));
        }
        out
    }

    fn at(&mut self, piece: Piece) -> Vec<Output> {
        let Some(cur) = &mut self.current else {
            return vec![Output::Error(
                piece.render(
                    &Diagnostic::new(Span::new(0, 0), "no program yet to give a point to")
                        .with_hint("type a program first, e.g. f(x) = sin(x)^2"),
                ),
            )];
        };
        let old = cur.at.replace(piece.clone());
        match evaluate(cur) {
            Ok(ev) => {
                cur.evaluated = Some(ev);
                cur.step = 0;
                self.show_or_empty(true)
            }
            Err(f) => {
                let out = trace_failure(&f, &cur.program, Some(&piece));
                // Nothing lost: the old point stays.
                cur.at = old;
                vec![out]
            }
        }
    }

    fn seed(&mut self, spec: SeedSpec, piece: Piece) -> Vec<Output> {
        let Some(cur) = &mut self.current else {
            return vec![Output::Error(
                piece.render(
                    &Diagnostic::new(Span::new(0, piece.text().len()), "no program yet")
                        .with_hint("type a program first, e.g. f(x1, x2) = x1*x2"),
                ),
            )];
        };
        if let Err(f) = cur.traced.seed(&spec) {
            return vec![trace_failure(&f, &cur.program, Some(&piece))];
        }
        cur.seed = spec;
        cur.seed_piece = Some(piece);
        // A new seed changes only the tangents: the sweeps' values,
        // partials and adjoints stay.
        let reseeded = match &cur.evaluated {
            Some(e) => cur
                .traced
                .seed(&cur.seed)
                .map(|seed| Rc::new(e.reseeded(&cur.traced.trace, seed))),
            None => evaluate(cur),
        };
        match reseeded {
            Ok(ev) => {
                cur.evaluated = Some(ev);
                let v = self.view(false);
                let mut out: Vec<Output> =
                    v.into_iter().map(|v| Output::View(Box::new(v))).collect();
                out.extend(self.render(self.settings.format).map(Output::Text));
                out
            }
            Err(_) => {
                cur.evaluated = None;
                vec![Output::Note(
                    "seed set; give a point with 'at …' to trace".into(),
                )]
            }
        }
    }

    fn set(&mut self, name: &str, value: &str) -> Vec<Output> {
        // `commands::parse` took only a known setting with a value of it.
        let Some(setting) = settings::find(name) else {
            return vec![Output::Error(format!(
                "error: internal error: no setting '{name}'\n"
            ))];
        };
        let no_cse = self.settings.no_cse;
        if !(setting.parse)(value, &mut self.settings) {
            return vec![Output::Error(format!(
                "error: internal error: '{value}' is not a value of {name}\n"
            ))];
        }
        if self.settings.no_cse != no_cse
            && let Some(cur) = &mut self.current
        {
            // Re-trace: the rows change, so the step starts over.
            match pipeline::trace(&cur.program.input, "", self.settings.no_cse) {
                Ok(t) => {
                    cur.traced = Rc::new(t);
                    cur.step = 0;
                    cur.evaluated = evaluate(cur).ok();
                }
                Err(f) => return vec![Output::Error(cur.program.render(&f.diagnostic))],
            }
        }
        let note = (setting.note)(&self.settings);
        let mut out: Vec<Output> = self
            .view(false)
            .into_iter()
            .map(|v| Output::View(Box::new(v)))
            .collect();
        out.push(Output::Note(note));
        out
    }

    fn step(&mut self, to: StepTo, span: Span, text: &str, origin: &Origin) -> Vec<Output> {
        let Some(cur) = self.current.as_mut().filter(|c| c.evaluated.is_some()) else {
            return vec![error_at(text, origin, self.nothing_traced(span))];
        };
        let schedule = Schedule::single(cur.traced.trace.len());
        let last = schedule.last();
        let k = match to {
            StepTo::Index(k) => k,
            StepTo::Forward => 0,
            StepTo::Reverse => schedule.start_of(Phase::Reverse),
            StepTo::End => last,
            StepTo::Ahead(n) => cur.step.saturating_add(n),
            StepTo::Back(n) => cur.step.saturating_sub(n),
        };
        cur.step = k.min(last);
        let phase = schedule.step(cur.step).map_or("", |s| s.phase.name());
        vec![
            Output::Step(cur.step),
            Output::Note(format!(
                "':tui' opens at step {} of {} ({phase} sweep)",
                cur.step + 1,
                last + 1
            )),
        ]
    }

    fn expect(&mut self, e: &Expect, span: Span, text: &str, origin: &Origin) -> Vec<Output> {
        let Some((cur, ev)) = self
            .current
            .as_ref()
            .and_then(|c| c.evaluated.as_ref().map(|ev| (c, ev)))
        else {
            return vec![error_at(text, origin, self.nothing_traced(span))];
        };
        let style = self.settings.style;
        let (name, got) = match expect::lookup(&e.target, &cur.traced.trace, &ev.sweep, style) {
            Ok(x) => x,
            Err(hint) => {
                let d =
                    Diagnostic::new(e.target_span, "no such number in the table").with_hint(hint);
                return vec![error_at(text, origin, d)];
            }
        };
        let tol = expect::tolerance(e, style.precision);
        let shown = |x: f64| crate::core::notation::num(x, style.precision.max(e.decimals) + 2);
        if expect::holds(e.value, got, tol) {
            vec![Output::ExpectHeld(format!("ok: {name} = {}", shown(got)))]
        } else {
            let expected = e.value_span.text(text).to_string();
            let d = Diagnostic::new(
                e.value_span,
                format!(
                    "expectation failed: {name} = {expected} ± {}, but it is {}",
                    crate::core::notation::num(tol, 12),
                    shown(got)
                ),
            );
            vec![Output::ExpectFailed(script::render_at(
                &d,
                text,
                &origin.file,
                origin.line.max(1),
            ))]
        }
    }

    /// The current view, if the program has its point.
    fn view(&self, open: bool) -> Option<View> {
        let cur = self.current.as_ref()?;
        Some(View {
            traced: cur.traced.clone(),
            eval: cur.evaluated.clone()?,
            settings: self.settings,
            step: cur.step,
            title: self.title.clone(),
            open,
        })
    }

    /// After the stepping view closes: take over what the user changed in
    /// it (the `notation`, `no_cse` and `seed` it ended with), as the
    /// commands that set them (so a recording replays it), and return the
    /// table as it now reads, if anything changed.
    pub fn adopt_view(&mut self, notation: Notation, no_cse: bool, seed: &[f64]) -> Option<String> {
        let mut changed = false;
        if notation != self.settings.style.notation {
            self.handle_line(&format!(":set notation {}", notation.name()));
            changed = true;
        }
        if no_cse != self.settings.no_cse {
            self.handle_line(if no_cse {
                ":set cse off"
            } else {
                ":set cse on"
            });
            changed = true;
        }
        let cur = self.current.as_ref()?;
        let ev = cur.evaluated.as_ref()?;
        if seed != ev.seed.as_slice() {
            let list: Vec<String> = cur
                .traced
                .trace
                .input_names()
                .zip(seed)
                .filter(|(_, v)| **v != 0.0)
                .map(|(n, v)| format!("{n}={v}"))
                .collect();
            if !list.is_empty() {
                self.handle_line(&format!(":seed {}", list.join(",")));
                changed = true;
            }
        }
        if changed {
            self.render(self.settings.format)
        } else {
            None
        }
    }

    /// The current program in a format, if it has its point.
    pub fn render(&self, fmt: Format) -> Option<String> {
        let cur = self.current.as_ref()?;
        let sw = &cur.evaluated.as_ref()?.sweep;
        let opts = format::Options {
            style: self.settings.style,
            output_only: false,
            steps: self.settings.steps,
            step: None,
        };
        Some(format::render(fmt, &cur.traced.trace, sw, opts))
    }

    /// The replay lines that bring back the current state.
    fn state_text(&self) -> String {
        let mut out = settings::replay_lines(&self.settings);
        if let Some(t) = &self.title {
            out.push_str(&format!(
                ":title \"{}\"\n",
                t.replace('\\', "\\\\").replace('"', "\\\"")
            ));
        }
        if let Some(c) = &self.current {
            out.push_str(&one_input(&c.program.input));
            if let Some(at) = &c.at {
                out.push_str(&format!(":at {}\n", one_line(at.text())));
            }
            match (&c.seed, &c.seed_piece) {
                (SeedSpec::Wrt(n), _) => out.push_str(&format!(":wrt {n}\n")),
                (SeedSpec::List(_), Some(p)) => {
                    out.push_str(&format!(":seed {}\n", one_line(p.text())));
                }
                _ => {}
            }
            if c.step != 0 {
                out.push_str(&format!(":step {}\n", c.step));
            }
        }
        out
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
            }
            None => out.push_str("program: none yet\n"),
        }
        out
    }

    fn help(&self, name: Option<&str>, text: &str, origin: &Origin) -> Vec<Output> {
        match name {
            None => vec![Output::Text(help_text())],
            Some(n) => match commands::spec(n) {
                Some(s) => vec![Output::Text(format!(
                    ":{} {}\n  {}\n",
                    s.name, s.args, s.detail
                ))],
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

/// A failure of the core, rendered in the input it concerns.
fn trace_failure(f: &Failure, program: &Piece, other: Option<&Piece>) -> Output {
    let text = if f.origin.is_empty() {
        program.render(&f.diagnostic)
    } else {
        match other {
            Some(p) => p.render(&f.diagnostic),
            None => f.render(),
        }
    };
    Output::Error(text)
}

/// Point, seed and sweeps of the current program, or why not.
fn evaluate(cur: &Current) -> Result<Rc<Evaluation>, Failure> {
    let at = cur.at.as_ref().map(Piece::text);
    cur.traced.evaluate(at, &cur.seed).map(Rc::new)
}

/// A text on one line (for listings).
fn one_line(s: &str) -> String {
    s.split('\n').map(str::trim).collect::<Vec<_>>().join(" ")
}

/// A program as one replay input: its lines joined by `\` continuations
/// (the REPL's inputs may span lines).
fn one_input(program: &str) -> String {
    let lines: Vec<&str> = program.split('\n').collect();
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        out.push_str(l);
        if i + 1 < lines.len() {
            out.push_str(" \\");
        }
        out.push('\n');
    }
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
mod tests {
    use super::*;

    fn texts(out: &[Output]) -> String {
        let mut s = String::new();
        for o in out {
            match o {
                Output::Text(t) | Output::Note(t) | Output::Error(t) | Output::ExpectFailed(t) => {
                    s.push_str(t);
                    s.push('\n');
                }
                _ => {}
            }
        }
        s
    }

    #[test]
    fn program_then_point_then_wrt() {
        let mut s = Session::default();
        let o = s.handle_line("f(x, y) = x*y + sin(y)");
        assert!(
            texts(&o).contains("remembered a program of x, y"),
            "{}",
            texts(&o)
        );
        let o = s.handle_line("at x = 1, y = 2");
        assert!(matches!(&o[0], Output::View(v) if v.open));
        assert!(texts(&o).contains("∂f/∂x = 2.0000"), "{}", texts(&o));
        let o = s.handle_line(":wrt y");
        assert!(texts(&o).contains("∂f/∂y = 0.5839"), "{}", texts(&o));
        let o = s.handle_line(":wrt z");
        let t = texts(&o);
        assert!(
            t.contains("'z' is not an input") && t.contains("1:6"),
            "{t}"
        );
        // nothing lost
        assert!(texts(&s.handle_line(":table")).contains("∂f/∂y"));
    }

    #[test]
    fn what_changes_in_the_view_is_adopted() {
        let mut s = Session::default();
        let o = s.handle_line("f(x1, x2) = ln(x1) + x1*x2 - sin(x2) at x1 = 2, x2 = 5");
        let v = o
            .iter()
            .find_map(|o| match o {
                Output::View(v) if v.open => Some(v.clone()),
                _ => None,
            })
            .expect("the program opens the view");
        let n = v.settings.style.notation;
        assert_eq!(
            s.adopt_view(n, false, &v.eval.seed),
            None,
            "nothing changed"
        );
        // The view ended in Griewank's notation with the seed e_2.
        let table = s
            .adopt_view(Notation::Griewank, false, &[0.0, 1.0])
            .expect("a new table");
        assert!(
            table.contains("v₋₁")
                && table.contains("∂f/∂x2 = 1.7163   (forward mode, seed x2 = 1)"),
            "{table}"
        );
        assert!(texts(&s.handle_line(":table")).contains("v₋₁"));
    }

    fn view_of(out: &[Output]) -> Option<View> {
        out.iter().find_map(|o| match o {
            Output::View(v) => Some((**v).clone()),
            _ => None,
        })
    }

    /// A setting shares the trace and its numbers with the new view; a new
    /// seed re-runs only the tangents.
    #[test]
    fn views_share_the_trace_and_the_sweeps() {
        let mut s = Session::default();
        let a = view_of(&s.handle_line("f(x, y) = x*y + sin(y) at x = 1, y = 2")).unwrap();
        let b = view_of(&s.handle_line(":set precision 2")).unwrap();
        assert!(Rc::ptr_eq(&a.traced, &b.traced) && Rc::ptr_eq(&a.eval, &b.eval));
        let c = view_of(&s.handle_line(":wrt y")).unwrap();
        assert!(Rc::ptr_eq(&a.traced, &c.traced));
        assert_eq!(c.eval.sweep.value, a.eval.sweep.value);
        assert_eq!(c.eval.sweep.adjoint, a.eval.sweep.adjoint);
        assert_eq!(c.eval.sweep.output_tangent(), 1.0 + 2f64.cos());
    }

    #[test]
    fn steps_under_the_table_on_request() {
        let mut s = Session::default();
        s.handle_line("sin(x) at x = 0");
        assert!(!texts(&s.handle_line(":table")).contains("forward sweep:"));
        s.handle_line(":set steps on");
        let t = texts(&s.handle_line(":table"));
        assert!(
            t.contains("forward sweep:")
                && t.contains("x1 = sin(x) = sin(0) = 0; d1 = cos(x)·d0 = cos(0)·1 = 1"),
            "{t}"
        );
    }

    #[test]
    fn a_typed_program_drops_an_example_title() {
        let mut s = Session::default();
        s.handle_line(":example graph");
        let o = s.handle_line("sin(x) at x = 1");
        let v = o.iter().find_map(|o| match o {
            Output::View(v) => Some(v),
            _ => None,
        });
        assert_eq!(v.map(|v| v.title.clone()), Some(None));
    }

    #[test]
    fn errors_leave_the_state_alone() {
        let mut s = Session::default();
        s.handle_line("sin(x) at x = 1");
        let o = s.handle_line("sin(x +");
        assert!(matches!(&o[0], Output::Error(e) if e.contains("1:")));
        let o = s.handle_line("at y = 2");
        assert!(
            matches!(&o[0], Output::Error(e) if e.contains("1:4")),
            "{}",
            texts(&o)
        );
        assert!(texts(&s.handle_line(":table")).contains("x = 1"));
    }

    #[test]
    fn expectations() {
        let mut s = Session::default();
        s.handle_line("W0 = 2; W1 = 1.2; y = 2; L = (W1*tanh(W0*x) - y)^2 at x = 1");
        let o = s.handle_line(":expect d2 = 0.1413");
        assert!(matches!(&o[0], Output::ExpectHeld(n) if n.starts_with("ok")));
        let o = s.handle(
            ":expect grad x = -0.2858",
            &Origin {
                file: "t.adt".into(),
                line: 7,
            },
        );
        let Output::ExpectFailed(m) = &o[0] else {
            panic!("{o:?}")
        };
        assert!(m.contains("t.adt:7:18") && m.contains("-0.285"), "{m}");
        let o = s.handle_line(":expect q = 1");
        assert!(matches!(&o[0], Output::Error(_)));
    }

    #[test]
    fn steps_clamp() {
        let mut s = Session::default();
        s.handle_line("sin(x) at x = 1");
        let o = s.handle_line(":step end");
        assert!(matches!(o[0], Output::Step(3)));
        assert!(matches!(&o[1], Output::Note(n) if n.contains("step 4 of 4 (reverse sweep)")));
        assert!(matches!(s.handle_line(":step reverse")[0], Output::Step(2)));
        assert!(matches!(s.handle_line(":step +9")[0], Output::Step(3)));
        assert!(matches!(s.handle_line(":step -1")[0], Output::Step(2)));
    }
}
