//! The commands that read and write files: `:example` and `:load` (run a
//! script as if typed), `:record`, `:save` and `:export`, and the replay
//! lines that bring a session back (settings, program, point, seed,
//! Jacobian mode, cotangent, step).
//!
//! Must not interpret a script's inputs itself (each goes through
//! `Session::handle`); relative paths are relative to the script that
//! names them.

use std::path::{Path, PathBuf};

use super::{Origin, Output, Recording, Session, error_at};
use crate::app::fsio::{self, Staged, WriteError};
use crate::app::settings::{self, format_name};
use crate::app::{examples, script};
use crate::core::diagnostic::{Diagnostic, Span};
use crate::core::format::Format;
use crate::core::notation::Style;
use crate::core::pipeline::SeedSpec;
use crate::core::sweep::Mode;

/// How deep `:load` may nest (a file loading itself stops here).
const MAX_DEPTH: usize = 8;

impl Session {
    pub(super) fn resolve(&self, path: &str) -> PathBuf {
        let p = Path::new(path);
        match self.dirs.last() {
            Some(d) if p.is_relative() => d.join(p),
            _ => p.to_path_buf(),
        }
    }

    /// Run a script's inputs as if typed, stopping at the first error.
    pub(super) fn run_script(
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
            // Ctrl-C at the prompt (`core::cancel`): stop between items; what
            // ran so far stays, as if the script ended here.
            if crate::core::cancel::requested() {
                out.push(Output::Error(format!(
                    "cancelled (Ctrl-C) before {file}:{}\n",
                    item.line
                )));
                break;
            }
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

    pub(super) fn example(
        &mut self,
        name: &str,
        span: Span,
        text: &str,
        origin: &Origin,
    ) -> Vec<Output> {
        let Some(src) = examples::get(name) else {
            let names: Vec<&str> = examples::EXAMPLES.iter().map(|e| e.name).collect();
            let d = Diagnostic::new(span, format!("no example '{name}'"));
            let d = match crate::core::diagnostic::did_you_mean(name, names.iter().copied()) {
                Some(m) => d.with_hint(format!("did you mean '{m}'? ':examples' lists them")),
                None => d.with_hint(format!("the examples are {}", names.join(", "))),
            };
            return vec![error_at(text, origin, d)];
        };
        // An example is a lecture script: it starts from the default
        // notation and precision its numbers are in.
        self.settings.style = Style::default();
        self.settings.no_cse = false;
        self.title = None;
        let file = format!("<example {name}>");
        let mut out = self.run_script(src, &file, None, span, text, origin);
        if out.iter().any(|o| matches!(o, Output::Error(_))) {
            return out;
        }
        if self.interactive && !self.settings.no_tui {
            // At a terminal the example opens in the stepping view: its
            // tables and checks stay quiet unless one fails.
            let checks = out
                .iter()
                .filter(|o| matches!(o, Output::ExpectHeld(_)))
                .count();
            let mut shown: Vec<Output> = out
                .into_iter()
                .filter(|o| matches!(o, Output::ExpectFailed(_)))
                .collect();
            let held = if checks > 0 && shown.is_empty() {
                format!(" (its {checks} checks of the lecture's numbers held)")
            } else {
                String::new()
            };
            shown.push(Output::Note(format!(
                "example '{name}'{held}: the stepping view opens on its last program; 'adtrace play {name}' presents it with captions"
            )));
            if let Some(v) = self.view(true) {
                shown.extend(self.show(v));
            }
            return shown;
        }
        out.push(Output::Note(format!(
            "example '{name}' loaded; ':tui' steps through its last program, 'adtrace play {name}' presents it"
        )));
        out
    }

    pub(super) fn load(
        &mut self,
        path: &str,
        span: Span,
        text: &str,
        origin: &Origin,
    ) -> Vec<Output> {
        let err = |d: Diagnostic| vec![error_at(text, origin, d)];
        let full = self.resolve(path);
        // Bounded, and never a FIFO or a device (which would block or
        // never end).
        match fsio::read_file(&full) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(src) => {
                    let dir = full.parent().map(Path::to_path_buf);
                    self.reading.push(fsio::identity(&full));
                    let out = self.run_script(&src, path, dir, span, text, origin);
                    self.reading.pop();
                    out
                }
                Err(_) => err(Diagnostic::new(span, format!("'{path}' is not UTF-8 text"))),
            },
            Err(msg) => err(Diagnostic::new(
                span,
                msg.replace(&format!("'{}'", full.display()), &format!("'{path}'")),
            )),
        }
    }

    pub(super) fn stop_recording(
        &mut self,
        whole: Span,
        text: &str,
        origin: &Origin,
    ) -> Vec<Output> {
        match self.recording.take() {
            Some(mut r) => match r.file.take().map(Staged::commit) {
                Some(Err(e)) => vec![error_at(
                    text,
                    origin,
                    Diagnostic::new(whole, format!("cannot write '{}': {e}", r.path))
                        .with_hint("the recording is lost; the file is as it was"),
                )],
                _ => vec![Output::Note(format!(
                    "recorded {} line{} to {}",
                    r.lines,
                    if r.lines == 1 { "" } else { "s" },
                    r.path
                ))],
            },
            None => vec![error_at(
                text,
                origin,
                Diagnostic::new(whole, "no recording to stop")
                    .with_hint("start one with ':record FILE'"),
            )],
        }
    }

    pub(super) fn start_recording(
        &mut self,
        path: &str,
        span: Span,
        force: bool,
        text: &str,
        origin: &Origin,
    ) -> Vec<Output> {
        if let Some(r) = &self.recording {
            let d = Diagnostic::new(span, format!("already recording to '{}'", r.path))
                .with_hint("':record stop' ends that recording first");
            return vec![error_at(text, origin, d)];
        }
        let full = self.resolve(path);
        let redo = format!(":record! {}", quoted(path));
        let staged = self.stage(path, &full, force, &redo, span);
        let head = format!(
            "# adtrace replay file, recorded at the REPL\n{}",
            self.state_lines(false)
        );
        let started = staged.and_then(|mut f| match f.append(head.as_bytes()) {
            Ok(()) => Ok(f),
            Err(e) => Err(write_failed(path, span, &WriteError::Io(e))),
        });
        match started {
            Ok(file) => {
                // Closing the terminal ends the session too: keep the lines.
                file.keep_on_exit();
                self.recording = Some(Recording {
                    path: path.to_string(),
                    dest: fsio::identity(&full),
                    file: Some(file),
                    lines: 0,
                });
                vec![Output::Note(format!(
                    "recording to {path}; ':record stop' ends it and puts the file in place"
                ))]
            }
            Err(d) => vec![error_at(text, origin, d)],
        }
    }

    /// Start a safe write of `full` (named `path` by the user): refused
    /// over the script being run, the file being recorded, or an existing
    /// file without `!` (`redo`: the command that overwrites it).
    fn stage(
        &self,
        path: &str,
        full: &Path,
        force: bool,
        redo: &str,
        span: Span,
    ) -> Result<Staged, Diagnostic> {
        let id = fsio::identity(full);
        if self.reading.contains(&id) {
            return Err(
                Diagnostic::new(span, format!("'{path}' is the script being run"))
                    .with_hint("write to another file"),
            );
        }
        if self.recording.as_ref().is_some_and(|r| r.dest == id) {
            return Err(Diagnostic::new(span, format!("'{path}' is being recorded"))
                .with_hint("':record stop' first, or write to another file"));
        }
        Staged::create(full, force).map_err(|e| match e {
            WriteError::Exists => Diagnostic::new(span, format!("'{path}' already exists"))
                .with_hint(format!("'{redo}' overwrites it")),
            e => write_failed(path, span, &e),
        })
    }

    pub(super) fn save(
        &mut self,
        path: &str,
        span: Span,
        force: bool,
        whole: Span,
        text: &str,
        origin: &Origin,
    ) -> Vec<Output> {
        let err = |d: Diagnostic| vec![error_at(text, origin, d)];
        if self.current.is_none() {
            return err(Diagnostic::new(whole, "no program to save")
                .with_hint("type a program first, e.g. sin(x)*y at x = 1, y = 2"));
        }
        let body = format!("# adtrace replay file\n{}", self.state_text());
        let note = format!("saved to {path}");
        let redo = format!(":save! {}", quoted(path));
        self.write(path, &body, (span, force, &redo), text, origin, note)
    }

    pub(super) fn export(
        &mut self,
        fmt: Format,
        (path, span, force): (&str, Span, bool),
        whole: Span,
        text: &str,
        origin: &Origin,
    ) -> Vec<Output> {
        match self.render(fmt) {
            Some(body) => {
                let note = format!("wrote {} to {path}", format_name(fmt));
                let redo = format!(":export! {} {}", fmt.name(), quoted(path));
                self.write(path, &body, (span, force, &redo), text, origin, note)
            }
            None => vec![error_at(text, origin, self.nothing_traced(whole))],
        }
    }

    /// Write a file a command names (relative to the script) safely (see
    /// `stage`), with the note to show, or the located error. `how`: where
    /// the path is, whether `!` was given, and the command that overwrites.
    fn write(
        &self,
        path: &str,
        body: &str,
        how: (Span, bool, &str),
        text: &str,
        origin: &Origin,
        note: String,
    ) -> Vec<Output> {
        let (span, force, redo) = how;
        let full = self.resolve(path);
        let written = self
            .stage(path, &full, force, redo, span)
            .and_then(|mut f| {
                f.append(body.as_bytes())
                    .and_then(|()| f.commit())
                    .map_err(|e| write_failed(path, span, &WriteError::Io(e)))
            });
        match written {
            Ok(()) => vec![Output::Note(note)],
            Err(d) => vec![error_at(text, origin, d)],
        }
    }

    /// The replay lines that bring back the current state.
    pub(super) fn state_text(&self) -> String {
        self.state_lines(true)
    }

    /// The same; without `title`, a title set by an example or a script
    /// is left out (a recording holds only what was typed).
    pub(super) fn state_lines(&self, title: bool) -> String {
        let mut out = settings::replay_lines(&self.settings);
        if let Some(t) = self.title.as_ref().filter(|_| title) {
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
            if c.mode != Mode::Reverse {
                out.push_str(&format!(":jacobian {}\n", c.mode.name()));
            }
            if let Some(p) = &c.cotangent {
                out.push_str(&format!(":cotangent {}\n", one_line(p.text())));
            }
            if c.step != 0 {
                out.push_str(&format!(":step {}\n", c.step + 1));
            }
        }
        out
    }
}

/// Why a file could not be written, located at its path.
fn write_failed(path: &str, span: Span, e: &WriteError) -> Diagnostic {
    let why = match e {
        WriteError::Exists => "it already exists".to_string(),
        WriteError::NotRegular(kind) => format!("it is {kind}, not a regular file"),
        WriteError::Io(e) => e.to_string(),
    };
    Diagnostic::new(span, format!("cannot write '{path}': {why}"))
        .with_hint("nothing was written; an existing file is as it was")
}

/// A path as a command argument: quoted when it has spaces or quotes.
fn quoted(path: &str) -> String {
    if path
        .chars()
        .any(|c| c.is_whitespace() || c == '"' || c == '#')
    {
        format!("\"{}\"", path.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        path.to_string()
    }
}

/// A text on one line (for listings).
pub(super) fn one_line(s: &str) -> String {
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
