//! Line editing for the REPL: tab completion (commands, settings, example
//! names, function names, the current program's names, the Jacobian's
//! modes, `:expect`'s words, file paths after
//! `:load`/`:save`/`:record`/`:export`), syntax highlighting, greyed hints
//! and multi-line input while a parenthesis is open.
//!
//! The decisions are pure functions (`complete_words`, `highlight`,
//! `command_hint`) so they can be tested without a terminal; the rustyline
//! traits only forward to them. Must not run commands.

use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;

use rustyline::Context;
use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hint, Hinter, HistoryHinter};
use rustyline::validate::{ValidationContext, ValidationResult, Validator};

use crate::app::commands::{self, COMMANDS};
use crate::app::examples::EXAMPLES;
use crate::app::settings::{self, SETTINGS};
use crate::core::format::Format;
use crate::core::ops::FUNCTIONS;

/// The rustyline helper; `names` is refreshed after every input.
pub struct ReplHelper {
    pub names: Rc<RefCell<Vec<String>>>,
    files: FilenameCompleter,
    history: HistoryHinter,
    /// Colours off (NO_COLOR).
    pub plain: bool,
}

impl ReplHelper {
    pub fn new(names: Rc<RefCell<Vec<String>>>, plain: bool) -> ReplHelper {
        ReplHelper {
            names,
            files: FilenameCompleter::new(),
            history: HistoryHinter::new(),
            plain,
        }
    }
}

/// What completing at the cursor needs.
#[derive(Debug, PartialEq, Eq)]
pub enum Completion {
    /// Replace from `start` with one of these.
    Words(usize, Vec<String>),
    /// Complete a file path.
    Path,
}

const CONSTANTS: &[&str] = &["pi", "e"];

fn matching(prefix: &str, all: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut v: Vec<String> = all.into_iter().filter(|w| w.starts_with(prefix)).collect();
    v.sort();
    v.dedup();
    v
}

/// What to complete at `pos`, given the current program's `names`.
pub fn complete_words(line: &str, pos: usize, names: &[String]) -> Completion {
    let before = line.get(..pos).unwrap_or(line);
    let trimmed = before.trim_start();
    let lead = before.len() - trimmed.len();
    if let Some(cmd) = trimmed.strip_prefix(':') {
        let words: Vec<&str> = cmd.split_whitespace().collect();
        let ends_in_space = cmd.ends_with(char::is_whitespace);
        // Still typing the command's name.
        if words.is_empty() || (words.len() == 1 && !ends_in_space) {
            let prefix = words.first().copied().unwrap_or("");
            let cands = COMMANDS.iter().map(|s| format!(":{}", s.name));
            return Completion::Words(lead, matching(&format!(":{prefix}"), cands));
        }
        let name = commands::spec(words[0]).map_or(words[0], |s| s.name);
        // The argument being typed, and which one it is (0-based).
        let (arg_index, partial) = if ends_in_space {
            (words.len() - 1, "")
        } else {
            (words.len() - 2, words.last().copied().unwrap_or(""))
        };
        let start = pos - partial.len();
        let words_of = |list: Vec<String>| Completion::Words(start, matching(partial, list));
        let strs = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        return match (name, arg_index) {
            ("load" | "save" | "record", _) => Completion::Path,
            ("export", 0) => words_of(Format::ALL.iter().map(|f| f.0.to_string()).collect()),
            ("export", _) => Completion::Path,
            ("example", 0) => words_of(EXAMPLES.iter().map(|e| e.name.to_string()).collect()),
            ("help", 0) => words_of(COMMANDS.iter().map(|s| s.name.to_string()).collect()),
            ("set", 0) => words_of(SETTINGS.iter().map(|s| s.name.to_string()).collect()),
            ("set", 1) => words_of(settings::find(words[1]).map_or(Vec::new(), |s| strs(s.values))),
            ("step", 0) => words_of(strs(&["forward", "reverse", "end"])),
            ("jacobian", 0) => words_of(strs(&["forward", "reverse"])),
            ("cotangent", 0) => words_of(names.iter().cloned().chain(strs(&["off"])).collect()),
            ("expect", 0) => words_of(
                names
                    .iter()
                    .cloned()
                    .chain(strs(&["value", "tangent", "grad", "jacobian"]))
                    .collect(),
            ),
            ("wrt" | "seed" | "at" | "expect" | "cotangent", _) => words_of(names.to_vec()),
            _ => Completion::Words(pos, Vec::new()),
        };
    }
    // A program: complete the identifier before the cursor.
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '_')
        .last()
        .map_or(pos, |(i, _)| i);
    let partial = &before[start..];
    if partial.is_empty() || partial.starts_with(|c: char| c.is_ascii_digit()) {
        return Completion::Words(pos, Vec::new());
    }
    let all = FUNCTIONS
        .iter()
        .map(|f| f.0.to_string())
        .chain(CONSTANTS.iter().map(|c| c.to_string()))
        .chain(names.iter().cloned())
        .chain(std::iter::once("at".to_string()));
    Completion::Words(start, matching(partial, all))
}

/// The greyed rest of a command being typed, with its arguments.
/// Returns (shown, inserted on →).
pub fn command_hint(line: &str, pos: usize) -> Option<(String, String)> {
    if pos < line.len() {
        return None;
    }
    let name = line.strip_prefix(':')?;
    if name.is_empty() || name.contains(char::is_whitespace) {
        return None;
    }
    // The exact command, else the shortest one it begins.
    let s = COMMANDS
        .iter()
        .filter(|s| s.name.starts_with(name))
        .min_by_key(|s| s.name.len())?;
    let rest = &s.name[name.len()..];
    let shown = if s.args.is_empty() {
        rest.to_string()
    } else {
        format!("{rest} {}", s.args)
    };
    (!shown.is_empty()).then(|| (shown, rest.to_string()))
}

const RESET: &str = "\x1b[0m";
const COMMAND: &str = "\x1b[1;36m";
const NUMBER: &str = "\x1b[33m";
const FUNCTION: &str = "\x1b[34m";
const KEYWORD: &str = "\x1b[1;35m";
const STRING: &str = "\x1b[32m";
const COMMENT: &str = "\x1b[90m";

/// The input with ANSI colours; removing the escapes gives it back
/// unchanged (rustyline needs the same display width).
pub fn highlight(line: &str) -> String {
    let mut out = String::with_capacity(line.len() * 2);
    let trimmed = line.trim_start();
    let mut rest = line;
    if trimmed.starts_with(':') {
        let lead = line.len() - trimmed.len();
        let name_end = lead + trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
        out.push_str(&line[..lead]);
        paint(&mut out, COMMAND, &line[lead..name_end]);
        rest = &line[name_end..];
        // Arguments: quoted strings and comments only.
        let mut chars = rest.char_indices().peekable();
        let mut plain_from = 0;
        while let Some((i, c)) = chars.next() {
            if c == '"' {
                out.push_str(&rest[plain_from..i]);
                let mut end = rest.len();
                let mut escaped = false;
                for (j, d) in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if d == '\\' {
                        escaped = true;
                    } else if d == '"' {
                        end = j + 1;
                        break;
                    }
                }
                paint(&mut out, STRING, &rest[i..end]);
                plain_from = end;
            } else if c == '#' && rest[..i].ends_with(char::is_whitespace) {
                out.push_str(&rest[plain_from..i]);
                paint(&mut out, COMMENT, &rest[i..]);
                return out;
            }
        }
        out.push_str(&rest[plain_from..]);
        return out;
    }
    let mut chars = rest.char_indices().peekable();
    let mut plain_from = 0;
    while let Some((i, c)) = chars.next() {
        let token_end = |chars: &mut std::iter::Peekable<std::str::CharIndices>,
                         ok: &dyn Fn(char) -> bool| {
            let mut end = rest.len();
            while let Some(&(j, d)) = chars.peek() {
                if ok(d) {
                    chars.next();
                } else {
                    end = j;
                    break;
                }
            }
            end
        };
        if c == '#' {
            out.push_str(&rest[plain_from..i]);
            let end = rest[i..].find('\n').map_or(rest.len(), |k| i + k);
            paint(&mut out, COMMENT, &rest[i..end]);
            while chars.peek().is_some_and(|&(j, _)| j < end) {
                chars.next();
            }
            plain_from = end;
        } else if c.is_ascii_digit()
            || (c == '.' && chars.peek().is_some_and(|&(_, d)| d.is_ascii_digit()))
        {
            out.push_str(&rest[plain_from..i]);
            let end = token_end(&mut chars, &|d: char| d.is_ascii_digit() || d == '.');
            paint(&mut out, NUMBER, &rest[i..end]);
            plain_from = end;
        } else if c.is_alphabetic() || c == '_' {
            let end = token_end(&mut chars, &|d: char| d.is_alphanumeric() || d == '_');
            let word = &rest[i..end];
            let colour = if word == "at" {
                Some(KEYWORD)
            } else if FUNCTIONS.iter().any(|f| f.0 == word) {
                Some(FUNCTION)
            } else {
                None
            };
            if let Some(col) = colour {
                out.push_str(&rest[plain_from..i]);
                paint(&mut out, col, word);
                plain_from = end;
            }
        }
    }
    out.push_str(&rest[plain_from..]);
    out
}

fn paint(out: &mut String, colour: &str, text: &str) {
    if text.is_empty() {
        return;
    }
    out.push_str(colour);
    out.push_str(text);
    out.push_str(RESET);
}

/// A hint with what → (or End) inserts, which may be shorter than what
/// is shown (the argument synopsis is only shown).
pub struct ReplHint {
    shown: String,
    insert: Option<String>,
}

impl Hint for ReplHint {
    fn display(&self) -> &str {
        &self.shown
    }
    fn completion(&self) -> Option<&str> {
        self.insert.as_deref()
    }
}

impl Completer for ReplHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let names = self.names.borrow();
        match complete_words(line, pos, &names) {
            Completion::Path => self.files.complete(line, pos, ctx),
            Completion::Words(start, words) => {
                // A single command completes with a space when it takes arguments.
                let single = words.len() == 1;
                let pairs = words
                    .into_iter()
                    .map(|w| {
                        let takes_args = w
                            .strip_prefix(':')
                            .and_then(commands::spec)
                            .is_some_and(|s| !s.args.is_empty());
                        let replacement = if single && takes_args {
                            format!("{w} ")
                        } else {
                            w.clone()
                        };
                        Pair {
                            display: w,
                            replacement,
                        }
                    })
                    .collect();
                Ok((start, pairs))
            }
        }
    }
}

impl Hinter for ReplHelper {
    type Hint = ReplHint;

    fn hint(&self, line: &str, pos: usize, ctx: &Context<'_>) -> Option<ReplHint> {
        if let Some((shown, insert)) = command_hint(line, pos) {
            return Some(ReplHint {
                shown,
                insert: (!insert.is_empty()).then_some(insert),
            });
        }
        self.history.hint(line, pos, ctx).map(|h| ReplHint {
            insert: Some(h.clone()),
            shown: h,
        })
    }
}

impl Highlighter for ReplHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if self.plain {
            Cow::Borrowed(line)
        } else {
            Cow::Owned(highlight(line))
        }
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.plain {
            Cow::Borrowed(hint)
        } else {
            Cow::Owned(format!("{COMMENT}{hint}{RESET}"))
        }
    }

    fn highlight_char(&self, _line: &str, _pos: usize, kind: CmdKind) -> bool {
        // Re-colour after every edit; moving the cursor changes nothing.
        !self.plain && kind != CmdKind::MoveCursor
    }
}

// Every line is accepted as typed: an open bracket is continued by the
// loop in `repl::interactive` under its own `...` prompt, which rustyline's
// in-place multi-line editing would not show.
impl Validator for ReplHelper {
    fn validate(&self, _ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        Ok(ValidationResult::Valid(None))
    }
}

impl rustyline::Helper for ReplHelper {}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str, names: &[&str]) -> Vec<String> {
        let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        match complete_words(line, line.len(), &names) {
            Completion::Words(_, w) => w,
            Completion::Path => vec!["<path>".into()],
        }
    }

    #[test]
    fn completes_commands_arguments_and_names() {
        assert_eq!(words(":exa", &[]), [":example", ":examples"]);
        assert_eq!(words(":example gr", &[]), ["graph"]);
        assert_eq!(words(":set no", &[]), ["notation"]);
        assert_eq!(words(":set notation g", &[]), ["griewank"]);
        assert_eq!(words(":wrt x", &["x1", "x2", "y"]), ["x1", "x2"]);
        assert_eq!(words(":wrt theta[", &["theta", "theta[1]"]), ["theta[1]"]);
        assert_eq!(words(":jacobian f", &[]), ["forward"]);
        assert_eq!(words(":cotangent ", &["z"]), ["off", "z"]);
        assert_eq!(words(":expect ja", &[]), ["jacobian"]);
        assert_eq!(words(":expect jacobian z", &["z", "z[1]"]), ["z", "z[1]"]);
        assert_eq!(words(":load as", &[]), ["<path>"]);
        assert_eq!(words(":export js", &[]), ["json"]);
        assert_eq!(words(":export json f", &[]), ["<path>"]);
        assert_eq!(words("sq", &[]), ["sqrt"]);
        assert_eq!(words("sin(W", &["W0", "W1"]), ["W0", "W1"]);
        assert_eq!(words("x + 2", &[]), Vec::<String>::new());
    }

    #[test]
    fn hints_show_arguments_but_insert_the_name() {
        assert_eq!(
            command_hint(":exp", 4),
            Some(("ort FORMAT FILE".into(), "ort".into()))
        );
        assert_eq!(command_hint(":table", 6), None);
        assert_eq!(
            command_hint(":exa", 4),
            Some(("mple NAME".into(), "mple".into()))
        );
        assert_eq!(command_hint("sin", 3), None);
    }

    fn strip(s: &str) -> String {
        let mut out = String::new();
        let mut esc = false;
        for c in s.chars() {
            match (esc, c) {
                (false, '\x1b') => esc = true,
                (true, 'm') => esc = false,
                (true, _) => {}
                (false, c) => out.push(c),
            }
        }
        out
    }

    #[test]
    fn highlighting_keeps_the_text() {
        for l in [
            "f(x) = sqrt(x^2 + exp(x^2)) at x = 1.5 # c",
            ":pause \"a # b\" # note",
            ":set precision 2",
            "θ1 * .5 + 2e3",
            "\"odd",
            ":title \"open",
        ] {
            assert_eq!(strip(&highlight(l)), l);
        }
        assert!(highlight("sin(x) at x = 1").contains(FUNCTION));
    }
}
