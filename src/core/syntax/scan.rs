//! The one scan of program text below the grammar: which bytes are code
//! (a `#` comment runs to the end of its line), where brackets open and
//! close. Chunking, the parser, the prompt's "is this input complete?" and
//! the script reader all ask here, so a comment or a bracket is recognised
//! the same way everywhere.
//!
//! Works on bytes (every character these rules look at is ASCII) and keeps
//! every offset. Must not know statements or expressions.

use crate::core::diagnostic::{Diagnostic, Span};

/// The offsets and bytes of `text` that are code: comments left out (the
/// newline ending a comment is code).
pub fn code(text: &str) -> impl Iterator<Item = (usize, u8)> + '_ {
    let mut in_comment = false;
    text.bytes().enumerate().filter(move |&(_, b)| {
        if b == b'\n' {
            in_comment = false;
        } else if b == b'#' {
            in_comment = true;
        }
        !in_comment
    })
}

/// Append `text` with comments replaced by spaces, byte for byte, so that
/// every offset stays the same.
pub fn push_blanked(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(i) = rest.find('#') {
        out.push_str(&rest[..i]);
        let end = rest[i..].find('\n').map_or(rest.len(), |j| i + j);
        out.extend(std::iter::repeat_n(' ', end - i));
        rest = &rest[end..];
    }
    out.push_str(rest);
}

/// The brackets, `(` or `[`, still open at the end of `text`, outermost
/// first (a closing one too many closes nothing).
fn open_stack(text: &str) -> Vec<u8> {
    let mut open = Vec::new();
    for (_, b) in code(text) {
        match b {
            b'(' | b'[' => open.push(b),
            b')' | b']' => {
                open.pop();
            }
            _ => {}
        }
    }
    open
}

/// How many brackets are still open at the end of `text`.
pub fn open_brackets(text: &str) -> usize {
    open_stack(text).len()
}

/// The innermost bracket still open at the end of `text`.
pub fn innermost_open(text: &str) -> Option<u8> {
    open_stack(text).last().copied()
}

/// What a line may end with and still go on: an operator, `=` or `,`
/// (the signs adtrace prints included).
pub const CONTINUING: [char; 12] = [',', '=', '+', '-', '*', '/', '^', '−', '·', '⋅', '×', '÷'];

/// Whether the code of `text`'s last line ends with one of `CONTINUING`,
/// so the next line continues it.
pub fn ends_open(text: &str) -> bool {
    let line = text.rsplit('\n').next().unwrap_or(text);
    let code = line.split('#').next().unwrap_or(line).trim_end();
    code.ends_with(CONTINUING)
}

/// The bracket that closes `open`.
fn closer(open: u8) -> u8 {
    if open == b'(' { b')' } else { b']' }
}

/// Unbalanced brackets, `( )` and `[ ]`, get their own message (pest would
/// only say which operators it expected); `base` is where `text` starts in
/// the source.
pub fn check_brackets(text: &str, base: usize) -> Result<(), Diagnostic> {
    let mut open: Vec<(usize, u8)> = Vec::new();
    let at = |i: usize| Span::new(base + i, base + i + 1);
    for (i, b) in code(text) {
        match b {
            b'(' | b'[' => open.push((i, b)),
            b')' | b']' => match open.pop() {
                None => {
                    let opener = if b == b')' { '(' } else { '[' };
                    return Err(Diagnostic::new(at(i), format!("unmatched '{}'", b as char))
                        .with_hint(format!("remove it, or add the '{opener}' it closes")));
                }
                // The span runs from the opener to the closer: both shown.
                Some((j, o)) if closer(o) != b => {
                    return Err(Diagnostic::new(
                        Span::new(base + j, base + i + 1),
                        format!("'{}' does not close '{}'", b as char, o as char),
                    )
                    .with_hint(format!(
                        "close the '{}' with '{}' first",
                        o as char,
                        closer(o) as char
                    )));
                }
                Some(_) => {}
            },
            _ => {}
        }
    }
    match open.last() {
        Some(&(i, o)) => Err(Diagnostic::new(at(i), format!("unclosed '{}'", o as char))
            .with_hint(format!("add a '{}'", closer(o) as char))),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_not_code() {
        let t = "a = (x # (\n) + 1";
        let code: String = code(t).map(|(_, b)| b as char).collect();
        assert_eq!(code, "a = (x \n) + 1");
        assert_eq!(open_brackets(t), 0);
        assert_eq!(open_brackets("sin(x # )"), 1);
        assert_eq!(open_brackets("W = [[1, 2],"), 1);
        assert_eq!(open_brackets("W = [[1, 2], [3, 4]]"), 0);
        assert_eq!(innermost_open("v = [sin(x"), Some(b'('));
        assert_eq!(innermost_open("v = [sin(x),"), Some(b'['));
        assert_eq!(innermost_open("v = [x]) # ("), None);
        for open in [
            "f = x +",
            "f = x ·  # more",
            "at x = 1,",
            "a =",
            "b = 2x − ",
        ] {
            assert!(ends_open(open), "{open}");
        }
        for done in ["f = x", "f = A'", "x # +", "f = x +\n1", "v = [1, 2,]"] {
            assert!(!ends_open(done), "{done}");
        }
        let mut s = String::new();
        push_blanked(&mut s, t);
        assert_eq!(s.len(), t.len());
        assert_eq!(s, "a = (x    \n) + 1");
        assert_eq!(check_brackets("f(x))", 10).unwrap_err().span.start, 14);
        assert_eq!(
            check_brackets("(f(x)", 0).unwrap_err().message,
            "unclosed '('"
        );
        let e = check_brackets("v = [x, y", 3).unwrap_err();
        assert_eq!((e.span.start, e.message.as_str()), (7, "unclosed '['"));
        assert_eq!(e.hint.as_deref(), Some("add a ']'"));
        let e = check_brackets("v = [x, y)]", 0).unwrap_err();
        assert_eq!((e.span.start, e.span.end), (4, 10));
        assert_eq!(e.message, "')' does not close '['");
        let e = check_brackets("x]", 0).unwrap_err();
        assert_eq!((e.span.start, e.message.as_str()), (1, "unmatched ']'"));
        assert!(check_brackets("f = [[1, (2)], [sin(x), 4]] # ]", 0).is_ok());
    }
}
