//! Located diagnostics: a byte span in the source, a message and an optional
//! hint, rendered as `line:col`, the source line and a caret under the span.
//!
//! Owns position arithmetic (1-based lines, columns counted in characters) and
//! the display of a source line that is safe for a terminal: control bytes are
//! shown as `?`, and very long lines are cut to a window around the span.
//! Must not know about the grammar or the trace: every producer of an error
//! (parser, trace builder, CLI) builds a `Diagnostic` with a span.

use std::fmt::Write as _;

/// A byte range `start..end` into one source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: start as u32,
            end: end.max(start) as u32,
        }
    }
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
    /// The text of this span, or "" if it does not lie on char boundaries.
    pub fn text(self, src: &str) -> &str {
        src.get(self.range()).unwrap_or("")
    }
}

/// An error in the user's input, always tied to a place in a source text.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub span: Span,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn new(span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            span,
            message: message.into(),
            hint: None,
        }
    }
    pub fn with_hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }

    /// Render against `src`; `origin` names the source (a file, `--at`), or
    /// is empty for the program given on the command line.
    pub fn render(&self, src: &str, origin: &str) -> String {
        self.render_from_line(src, origin, 1)
    }

    /// The same for `src` that starts at line `first_line` of its file (an
    /// item of a script), without building the lines before it.
    pub fn render_from_line(&self, src: &str, origin: &str, first_line: usize) -> String {
        let (line, col) = line_col(src, self.span.start as usize);
        let line = line + first_line.max(1) - 1;
        let mut out = String::new();
        let _ = writeln!(out, "error: {}", self.message);
        let place = if origin.is_empty() {
            format!("{line}:{col}")
        } else {
            format!("{origin}:{line}:{col}")
        };
        let _ = writeln!(out, " --> {place}");
        let (shown, caret_at, caret_len) = source_window(src, self.span);
        let gutter = line.to_string();
        let pad = " ".repeat(gutter.len());
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(out, "{gutter} | {shown}");
        let _ = writeln!(
            out,
            "{pad} | {}{}",
            " ".repeat(caret_at),
            "^".repeat(caret_len.max(1))
        );
        if let Some(h) = &self.hint {
            let _ = writeln!(out, "{pad} = hint: {h}");
        }
        out
    }
}

/// 1-based line and column (in characters) of byte offset `at`.
pub fn line_col(src: &str, at: usize) -> (usize, usize) {
    let at = floor_char_boundary(src, at.min(src.len()));
    let before = &src[..at];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = src[line_start..at].chars().count() + 1;
    (line, col)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Characters of context shown either side of the span on long lines.
const WINDOW: usize = 60;

/// The span's line, made safe to print, with the caret column and length
/// (both in terminal cells of the shown text).
fn source_window(src: &str, span: Span) -> (String, usize, usize) {
    let start = floor_char_boundary(src, (span.start as usize).min(src.len()));
    let line_start = src[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = src[start..].find('\n').map_or(src.len(), |i| start + i);
    let end = floor_char_boundary(src, (span.end as usize).clamp(start, line_end));
    let before: Vec<char> = src[line_start..start].chars().collect();
    let inside = src[start..end].chars().count();
    let skip = before.len().saturating_sub(WINDOW);
    let after_budget = WINDOW + inside.min(WINDOW);
    let mut shown = String::new();
    if skip > 0 {
        shown.push_str("...");
    }
    let prefix = if skip > 0 { 3 } else { 0 };
    for c in before[skip..].iter().copied() {
        push_safe(&mut shown, c);
    }
    for (taken, c) in src[start..line_end].chars().enumerate() {
        if taken == after_budget {
            shown.push_str("...");
            break;
        }
        push_safe(&mut shown, c);
    }
    // The caret's column and length in terminal cells, so that it sits
    // under the span after wide (CJK) or combining characters.
    let cells = |cs: &mut dyn Iterator<Item = char>| -> usize { cs.map(cells_of).sum() };
    let caret_at = prefix + cells(&mut before[skip..].iter().copied());
    let caret_len = cells(&mut src[start..end].chars().take(after_budget));
    (shown, caret_at, caret_len.max(1))
}

/// A tab as a space; a character that must not reach a terminal raw
/// (`visible::hidden`) as its visible escape `\u{…}`.
fn push_safe(out: &mut String, c: char) {
    if c == '\t' {
        out.push(' ');
    } else if super::visible::hidden(c) {
        out.push_str(&super::visible::visible(c.encode_utf8(&mut [0; 4])));
    } else {
        out.push(c);
    }
}

/// The terminal cells `push_safe` gives `c`.
fn cells_of(c: char) -> usize {
    if c == '\t' {
        1
    } else if super::visible::hidden(c) {
        super::visible::visible(c.encode_utf8(&mut [0; 4])).len()
    } else {
        unicode_width::UnicodeWidthChar::width(c).unwrap_or(1)
    }
}

/// The closest candidate by edit distance, if it is close enough to be a
/// plausible typo (used for "did you mean" hints).
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let len = word.chars().count();
    let limit = match len {
        0..=3 => 1,
        4..=6 => 2,
        _ => 3,
    };
    let first = |s: &str| s.chars().next().map(|c| c.to_lowercase().to_string());
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        // A real likeness, not just a short distance: `max` is two letters
        // from `tan` and one from nothing; `min` one letter from `sin`. A
        // short word must keep its first letter (`sinn`, `Sin`, `cso`).
        .filter(|&(d, c)| d <= limit && (d == 0 || first(word) == first(c) || len > 5 && d == 1))
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// The edit distance counting a swap of two neighbours as one edit
/// (`cso` is one from `cos`).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut before: Vec<usize> = Vec::new();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
            if i > 0 && j > 0 && *ca == b[j - 1] && a[i - 1] == *cb {
                cur[j + 1] = cur[j + 1].min(before[j - 1] + 1);
            }
        }
        before = std::mem::replace(&mut prev, cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_need_a_real_likeness() {
        let f = crate::core::ops::FUNCTIONS;
        let guess = |w: &str| did_you_mean(w, f.iter().map(|(n, _)| *n));
        assert_eq!(guess("sinn"), Some("sin"));
        assert_eq!(guess("Sin"), Some("sin"));
        assert_eq!(guess("cso"), Some("cos"));
        assert_eq!(guess("sqr"), Some("sqrt"));
        assert_eq!(guess("sigmod"), Some("sigmoid"));
        assert_eq!(guess("tnah"), Some("tanh"));
        assert_eq!(guess("max"), None);
        assert_eq!(guess("min"), None);
        assert_eq!(guess("foo"), None);
        assert_eq!(edit_distance("max", "tan"), 2);
    }

    #[test]
    fn line_col_counts_characters_from_one() {
        let src = "a = 1\nθθ + x";
        assert_eq!(line_col(src, 0), (1, 1));
        let x = src.find('x').unwrap();
        assert_eq!(line_col(src, x), (2, 6));
    }

    #[test]
    fn render_puts_caret_under_span() {
        let src = "a = 1\nsinn(x)";
        let d = Diagnostic::new(Span::new(6, 10), "unknown function 'sinn'")
            .with_hint("did you mean 'sin'?");
        let r = d.render(src, "");
        assert!(r.contains(" --> 2:1"), "{r}");
        assert!(r.contains("2 | sinn(x)\n  | ^^^^\n"), "{r}");
        assert!(r.contains("hint: did you mean 'sin'?"), "{r}");
    }

    #[test]
    fn caret_counts_terminal_cells() {
        use unicode_width::UnicodeWidthStr;
        // 損失 takes four cells, x̄ one (a combining macron takes none).
        for src in ["損失 = sinn(x)", "x\u{304} = sinn(x)", "θ = sinn(損)"] {
            let at = src.find("sinn").unwrap();
            let r =
                Diagnostic::new(Span::new(at, at + 4), "unknown function 'sinn'").render(src, "");
            let lines: Vec<&str> = r.lines().collect();
            let shown = lines.iter().find(|l| l.starts_with("1 | ")).unwrap();
            let caret = lines.iter().find(|l| l.contains('^')).unwrap();
            let want = shown[..shown.find("sinn").unwrap()].width();
            assert_eq!(caret.find('^').unwrap(), want, "{r}");
            assert_eq!(caret.matches('^').count(), 4, "{r}");
        }
        // A caret under a wide character covers both its cells.
        let src = "a + 損";
        let at = src.find('損').unwrap();
        let r = Diagnostic::new(Span::new(at, at + 3), "x").render(src, "");
        assert!(r.contains("1 | a + 損\n  |     ^^\n"), "{r}");
    }

    #[test]
    fn long_lines_are_windowed_and_controls_hidden() {
        let src = format!("{}\0x{}", "x+".repeat(100_000), "+x".repeat(100_000));
        let at = src.find('\0').unwrap();
        let r = Diagnostic::new(Span::new(at, at + 1), "bad").render(&src, "f.adt");
        assert!(r.len() < 400, "{}", r.len());
        assert!(r.contains("f.adt:1:200001"), "{r}");
        assert!(!r.contains('\0'));
    }

    #[test]
    fn suggestions_are_close_matches_only() {
        let fns = ["sin", "cos", "sqrt", "softplus"];
        assert_eq!(did_you_mean("sinn", fns), Some("sin"));
        assert_eq!(did_you_mean("sqtr", fns), Some("sqrt"));
        assert_eq!(did_you_mean("banana", fns), None);
    }
}
