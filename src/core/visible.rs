//! The one sanitiser for text that reaches a terminal: every character that
//! could drive the terminal or hide what is written — C0 and C1 controls
//! (ESC, BEL, CR, DEL; so no CSI, OSC or DCS sequence survives), the bidi
//! embeddings, overrides and isolates, zero-width characters and line or
//! paragraph separators — is shown as a visible escape like `\u{1b}`.
//! Newlines (and tabs, which only move the cursor right) are kept.
//!
//! Owns nothing but this mapping. The front ends call it at their sinks
//! (stdout, stderr, the TUI's strings); it must stay a pure function of its
//! text, linear in it, and borrow the text when there is nothing to escape.

use std::borrow::Cow;
use std::fmt::Write;

/// Whether `c` must not reach a terminal as it is.
pub fn hidden(c: char) -> bool {
    matches!(c,
        '\0'..='\x08' | '\x0b'..='\x1f' | '\x7f'..='\u{9f}'
        // Zero-width space/non-joiner/joiner, LRM, RLM.
        | '\u{200b}'..='\u{200f}'
        // Line and paragraph separators, bidi embeddings and overrides.
        | '\u{2028}'..='\u{202e}'
        // Word joiner, invisible operators, bidi isolates.
        | '\u{2060}'..='\u{2069}'
        | '\u{061c}' | '\u{feff}'
    )
}

/// Whether no output escapes anything of `text`: no hidden character, no
/// other control (tab, newline), no quote or backslash (JSON's escapes).
pub fn plain(text: &str) -> bool {
    !text
        .chars()
        .any(|c| c == '"' || c == '\\' || c < ' ' || hidden(c))
}

/// `text` with every hidden character written as `\u{…}` (its code point in
/// hex), so that what the user sees is what the text holds.
pub fn visible(text: &str) -> Cow<'_, str> {
    let Some(first) = text.find(hidden) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 8);
    out.push_str(&text[..first]);
    for c in text[first..].chars() {
        if hidden(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A writer that passes text on made visible: a sink for streamed output.
/// Writers of text give it whole strings (`write_all` of a `&str`, `write!`),
/// so a character is never split between two writes; bytes that are not
/// UTF-8 are passed on as they are.
pub struct Visible<W>(pub W);

impl<W: std::io::Write> std::io::Write for Visible<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match std::str::from_utf8(buf) {
            Ok(text) => self.0.write_all(visible(text).as_bytes())?,
            Err(_) => self.0.write_all(buf)?,
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// `visible` on one line of a title or caption: newlines are shown too.
pub fn visible_line(text: &str) -> Cow<'_, str> {
    if !text.contains(['\n', '\t']) {
        return visible(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push(' '),
            c if hidden(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_writer_passes_text_on_visible() {
        use std::io::Write as _;
        let mut out = Vec::new();
        let mut w = Visible(&mut out);
        let title = "\u{1b}]0;owned\u{7}";
        writeln!(w, "x = {title}").unwrap();
        w.write_all("é\u{202e}".as_bytes()).unwrap();
        w.write_all(&[0xff]).unwrap();
        let mut want = "x = \\u{1b}]0;owned\\u{7}\né\\u{202e}".as_bytes().to_vec();
        // Bytes that are not UTF-8 pass as they are.
        want.push(0xff);
        assert_eq!(out, want);
    }

    #[test]
    fn escapes_controls_and_invisible_characters() {
        assert_eq!(
            visible("see \x1b]2;PWNED\x07 this"),
            "see \\u{1b}]2;PWNED\\u{7} this"
        );
        assert_eq!(visible("a\u{202e}b\u{2066}c"), "a\\u{202e}b\\u{2066}c");
        assert_eq!(
            visible("\u{200b}\u{200f}\u{2060}\u{feff}\u{9b}\r"),
            "\\u{200b}\\u{200f}\\u{2060}\\u{feff}\\u{9b}\\u{d}"
        );
        // Every code point the brief names is hidden; ordinary text is not.
        for c in (0u32..0x20).filter(|&c| c != 0x0a && c != 0x09) {
            assert!(hidden(char::from_u32(c).unwrap()), "{c:x}");
        }
        for c in (0x7f..=0x9f)
            .chain(0x202a..=0x202e)
            .chain(0x2066..=0x2069)
            .chain(0x200b..=0x200f)
            .chain([0x2060, 0xfeff])
        {
            assert!(hidden(char::from_u32(c).unwrap()), "{c:x}");
        }
        for c in "x̄ θ 損失 → ∂ é\n\t".chars() {
            assert!(!hidden(c), "{c:?}");
        }
    }

    #[test]
    fn clean_text_is_borrowed_and_lines_are_kept() {
        assert!(matches!(visible("a\nb\tc θ"), Cow::Borrowed(_)));
        assert_eq!(visible_line("a\nb\x1b"), "a\\nb\\u{1b}");
    }
}
