//! Splitting a source into top-level chunks: statements separated by `;` or
//! newlines outside brackets (`( )`, `[ ]`) and comments.
//!
//! A newline does not end a chunk while a bracket is open, or after a
//! token that cannot end an expression (`,` `=` an operator), so programs can
//! span lines naturally. The scan also enforces the nesting limit, with a
//! located error, before pest (which recurses per level) ever sees the text.

use crate::core::diagnostic::{Diagnostic, Span};

/// Deepest bracket nesting accepted. Far beyond any lecture example;
/// low enough that the recursive descent in pest stays well within the
/// stack of any thread.
pub const MAX_NESTING: usize = 256;

/// Byte ranges of the non-empty chunks of `src`, in order.
pub fn split(src: &str) -> Result<Vec<Span>, Diagnostic> {
    let bytes = src.as_bytes();
    let mut chunks = Vec::new();
    let mut depth: usize = 0;
    let mut start = 0;
    let mut last_sig: u8 = b';';
    let mut i = 0;
    // Whether the current chunk has anything but blanks and comments.
    let mut content = false;
    let push = |from: usize, to: usize, content: bool, chunks: &mut Vec<Span>| {
        if content {
            chunks.push(Span::new(from, to));
        }
    };
    while i < bytes.len() {
        // A run of ordinary bytes (names, numbers, most operators) changes
        // nothing but the last significant byte: skipped in a tight loop.
        let run = i;
        while i < bytes.len() && ORDINARY[bytes[i] as usize] {
            i += 1;
        }
        if i > run {
            last_sig = bytes[i - 1];
            content = true;
            continue;
        }
        let b = bytes[i];
        match b {
            b'#' => {
                // A comment runs to the end of the line (as `scan::code`
                // reads it); skip it whole.
                i += memchr_newline(&bytes[i..]);
                continue;
            }
            b'(' | b'[' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(Diagnostic::new(
                        Span::new(i, i + 1),
                        format!("expression nested more than {MAX_NESTING} levels deep"),
                    )
                    .with_hint("name intermediate results with statements (a = …; b = …) instead of nesting"));
                }
            }
            b')' | b']' => depth = depth.saturating_sub(1),
            // A top-level ';' ends a statement; so does a newline, unless the
            // line ends with something that cannot end an expression.
            b';' | b'\n' if depth == 0 && (b == b';' || !continues(last_sig, &src[start..i])) => {
                push(start, i, content, &mut chunks);
                content = false;
                start = i + 1;
                last_sig = b';';
                i += 1;
                continue;
            }
            _ => {}
        }
        if !b.is_ascii_whitespace() {
            last_sig = b;
            content = true;
        }
        i += 1;
    }
    push(start, bytes.len(), content, &mut chunks);
    Ok(chunks)
}

/// The bytes `split` need not look at one by one: all but whitespace and
/// `#`, brackets, `;` (bytes of non-ASCII characters are ordinary).
const ORDINARY: [bool; 256] = {
    let mut t = [true; 256];
    let special = *b"#()[];\n\t\r\x0c ";
    let mut k = 0;
    while k < special.len() {
        t[special[k] as usize] = false;
        k += 1;
    }
    t
};

/// Whether a line whose last significant byte is `last` (of the chunk so
/// far, `text`) goes on: `scan::CONTINUING`, read from the byte when it is
/// ASCII (every newline asks), from the text when it ends a wider sign.
fn continues(last: u8, text: &str) -> bool {
    if last.is_ascii() {
        super::scan::CONTINUING.contains(&(last as char))
    } else {
        super::scan::ends_open(text)
    }
}

/// The length up to the next newline (or the end).
fn memchr_newline(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .position(|&b| b == b'\n')
        .unwrap_or(bytes.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(src: &str) -> Vec<&str> {
        split(src)
            .unwrap()
            .into_iter()
            .map(|s| s.text(src))
            .collect()
    }

    #[test]
    fn splits_at_top_level_separators_only() {
        assert_eq!(
            texts("a = 1; b = sin(a;\n)\nc"),
            vec!["a = 1", " b = sin(a;\n)", "c"]
        );
        assert_eq!(texts("a = x # c; d\n\n b"), vec!["a = x # c; d", " b"]);
        assert_eq!(
            texts("f = x +\n y\nat x = 1,\n y = 2"),
            vec!["f = x +\n y", "at x = 1,\n y = 2"]
        );
        assert!(texts(" ;\n ; ").is_empty());
        // After a sign adtrace prints, as after its ASCII form.
        assert_eq!(
            texts("f = x ·\n y − # note\n 1\nθ"),
            vec!["f = x ·\n y − # note\n 1", "θ"]
        );
        // Inside [ ] too: a matrix spans lines, a ';' in it is not an end.
        assert_eq!(
            texts("W = [[1, 2]\n     [3, 4]]\nv = [x; y]"),
            vec!["W = [[1, 2]\n     [3, 4]]", "v = [x; y]"]
        );
        assert_eq!(texts("# title\na = 1\n# end"), vec!["a = 1"]);
    }

    #[test]
    fn only_whitespace_and_structure_are_not_ordinary() {
        for b in 0..=255u8 {
            let special = b.is_ascii_whitespace() || b"#()[];".contains(&b);
            assert_eq!(ORDINARY[b as usize], !special, "{b:#x}");
        }
    }

    #[test]
    fn deep_nesting_is_a_located_error() {
        let src = format!("{}x{}", "(".repeat(100_000), ")".repeat(100_000));
        let e = split(&src).unwrap_err();
        assert_eq!(e.span.start as usize, MAX_NESTING);
    }
}
