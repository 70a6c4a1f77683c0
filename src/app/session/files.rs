//! The commands that read and write files: `:example` and `:load` (run a
//! script as if typed), `:record`, `:save` and `:export`, and the replay
//! lines that bring a session back (settings, program, point, seed,
//! Jacobian mode, cotangent, step).
//!
//! Must not interpret a script's inputs itself (each goes through
//! `Session::handle`); relative paths are relative to the script that
//! names them.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{Origin, Output, Recording, Session, error_at};
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
        match std::fs::read(&full) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(src) => {
                    let dir = full.parent().map(Path::to_path_buf);
                    self.run_script(&src, path, dir, span, text, origin)
                }
                Err(_) => err(Diagnostic::new(span, format!("'{path}' is not UTF-8 text"))),
            },
            Err(e) => err(Diagnostic::new(span, format!("cannot read '{path}': {e}"))),
        }
    }

    pub(super) fn stop_recording(
        &mut self,
        whole: Span,
        text: &str,
        origin: &Origin,
    ) -> Vec<Output> {
        match self.recording.take() {
            Some(r) => vec![Output::Note(format!(
                "recorded {} line{} to {}",
                r.lines,
                if r.lines == 1 { "" } else { "s" },
                r.path
            ))],
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
        text: &str,
        origin: &Origin,
    ) -> Vec<Output> {
        let full = self.resolve(path);
        let head = format!(
            "# adtrace replay file, recorded at the REPL\n{}",
            self.state_lines(false)
        );
        match File::create(&full).and_then(|mut f| {
            f.write_all(head.as_bytes())?;
            f.flush()?;
            Ok(f)
        }) {
            Ok(file) => {
                self.recording = Some(Recording {
                    path: path.to_string(),
                    file,
                    lines: 0,
                });
                vec![Output::Note(format!(
                    "recording to {path}; ':record stop' ends it"
                ))]
            }
            Err(e) => vec![error_at(
                text,
                origin,
                Diagnostic::new(span, format!("cannot write '{path}': {e}")),
            )],
        }
    }

    pub(super) fn save(
        &mut self,
        path: &str,
        span: Span,
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
        self.write(path, &body, span, text, origin, format!("saved to {path}"))
    }

    pub(super) fn export(
        &mut self,
        fmt: Format,
        path: &str,
        span: Span,
        whole: Span,
        text: &str,
        origin: &Origin,
    ) -> Vec<Output> {
        match self.render(fmt) {
            Some(body) => {
                let note = format!("wrote {} to {path}", format_name(fmt));
                self.write(path, &body, span, text, origin, note)
            }
            None => vec![error_at(text, origin, self.nothing_traced(whole))],
        }
    }

    /// Write a file a command names (relative to the script), with the
    /// note to show, or the located error.
    fn write(
        &self,
        path: &str,
        body: &str,
        span: Span,
        text: &str,
        origin: &Origin,
        note: String,
    ) -> Vec<Output> {
        match std::fs::write(self.resolve(path), body) {
            Ok(()) => vec![Output::Note(note)],
            Err(e) => vec![error_at(
                text,
                origin,
                Diagnostic::new(span, format!("cannot write '{path}': {e}")),
            )],
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
