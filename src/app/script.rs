//! The `.adt` replay format: plain text, one REPL input per line. An input
//! continues on the next line while a parenthesis is open or when the line
//! ends with `\`. Lines starting with `#` are comments. See docs/replay.md.
//!
//! `parse` splits a file into inputs with their line numbers and checks
//! each one's syntax (commands, programs, point lists) before anything
//! runs, so a script with a typo fails at once with FILE:line:col. Must not
//! trace or evaluate: running is `app::session`'s job.

use crate::app::commands::{self, Command};
use crate::core::diagnostic::Diagnostic;
use crate::core::syntax;

/// One input of a script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// The 1-based line it starts on.
    pub line: usize,
    /// The input's text; continuation lines are joined with `\n`.
    pub text: String,
}

/// A parsed script: its name (for messages) and its inputs.
#[derive(Clone, Debug, Default)]
pub struct Script {
    pub file: String,
    pub items: Vec<Item>,
}

/// Split a script into inputs (blank and comment lines are left out).
pub fn split(text: &str) -> Vec<Item> {
    let mut items = Vec::new();
    let mut current: Option<Item> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let (line, backslash) = match line.trim_end().strip_suffix('\\') {
            Some(l) => (l, true),
            None => (line, false),
        };
        let item = match current.take() {
            Some(mut it) => {
                it.text.push('\n');
                it.text.push_str(line);
                it
            }
            None => {
                let t = line.trim_start();
                if t.is_empty() || t.starts_with('#') {
                    continue;
                }
                Item {
                    line: i + 1,
                    text: line.to_string(),
                }
            }
        };
        if backslash || commands::incomplete(&item.text) {
            current = Some(item);
        } else {
            items.push(item);
        }
    }
    // An input left open at the end: the parser reports the open '('.
    items.extend(current);
    items
}

/// Render a diagnostic in an input of a file: FILE:line:col, with the
/// input's own line shown under it.
pub fn render_at(d: &Diagnostic, text: &str, file: &str, line: usize) -> String {
    d.render_from_line(text, file, line)
}

/// Check the syntax of one input.
pub fn check(text: &str) -> Result<(), Diagnostic> {
    match commands::parse(text)? {
        Command::Program => syntax::parse(text).map(|_| ()),
        Command::At(span) | Command::Seed(span) => {
            let list = span.text(text);
            syntax::parse_point(list).map(|_| ()).map_err(|mut d| {
                d.span.start += span.start;
                d.span.end += span.start;
                d
            })
        }
        _ => Ok(()),
    }
}

/// Split and check a script. `Err` holds every error, rendered and in
/// order (callers show the first, or all of them with `--keep-going`).
pub fn parse(text: &str, file: &str) -> Result<Script, Vec<String>> {
    let items = split(text);
    let errors: Vec<String> = items
        .iter()
        // Ctrl-C at the prompt (`core::cancel`) stops the checking.
        .take_while(|_| !crate::core::cancel::requested())
        .filter_map(|it| {
            check(&it.text)
                .err()
                .map(|d| render_at(&d, &it.text, file, it.line))
        })
        .collect();
    if crate::core::cancel::requested() {
        return Err(vec![format!("cancelled (Ctrl-C) while reading {file}\n")]);
    }
    if errors.is_empty() {
        Ok(Script {
            file: file.to_string(),
            items,
        })
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_comments_and_continuations() {
        let s = "# title\n\nsin(x) at x = 1\nf(x) = sqrt(x^2 +\n   exp(x))\n:wrt x\na = 1; \\\nb = a*x\n";
        let items = split(s);
        let lines: Vec<usize> = items.iter().map(|i| i.line).collect();
        assert_eq!(lines, [3, 4, 6, 7]);
        assert_eq!(items[1].text, "f(x) = sqrt(x^2 +\n   exp(x))");
        assert_eq!(items[3].text, "a = 1; \nb = a*x");
    }

    #[test]
    fn errors_are_located_in_the_file() {
        let e = parse(
            "sin(x) at x = 1\n\n:wrt x\n  :sett precision 2\n",
            "talk.adt",
        )
        .unwrap_err();
        assert_eq!(e.len(), 1);
        assert!(e[0].contains("talk.adt:4:3"), "{}", e[0]);
        assert!(e[0].contains("4 |   :sett precision 2"), "{}", e[0]);
        let e = parse("x +* 2\nat x = 1 +\n", "t.adt").unwrap_err();
        assert_eq!(e.len(), 2);
        assert!(e[0].contains("t.adt:1:"), "{}", e[0]);
        assert!(e[1].contains("t.adt:2:"), "{}", e[1]);
    }
}
