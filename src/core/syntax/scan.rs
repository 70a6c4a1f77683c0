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

/// How many parentheses are still open at the end of `text` (a `)` too
/// many counts as closing nothing).
pub fn open_parens(text: &str) -> usize {
    let mut depth = 0usize;
    for (_, b) in code(text) {
        match b {
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    depth
}

/// Unbalanced parentheses get their own message (pest would only say which
/// operators it expected); `base` is where `text` starts in the source.
pub fn check_parens(text: &str, base: usize) -> Result<(), Diagnostic> {
    let mut open: Vec<usize> = Vec::new();
    for (i, b) in code(text) {
        match b {
            b'(' => open.push(i),
            b')' if open.pop().is_none() => {
                return Err(
                    Diagnostic::new(Span::new(base + i, base + i + 1), "unmatched ')'")
                        .with_hint("remove it, or add the '(' it closes"),
                );
            }
            _ => {}
        }
    }
    match open.last() {
        Some(&i) => Err(
            Diagnostic::new(Span::new(base + i, base + i + 1), "unclosed '('")
                .with_hint("add a ')'"),
        ),
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
        assert_eq!(open_parens(t), 0);
        assert_eq!(open_parens("sin(x # )"), 1);
        let mut s = String::new();
        push_blanked(&mut s, t);
        assert_eq!(s.len(), t.len());
        assert_eq!(s, "a = (x    \n) + 1");
        assert_eq!(check_parens("f(x))", 10).unwrap_err().span.start, 14);
        assert_eq!(
            check_parens("(f(x)", 0).unwrap_err().message,
            "unclosed '('"
        );
    }
}
