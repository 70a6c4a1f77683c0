//! Prose set to a width: lines longer than the terminal are broken at
//! spaces, never inside a word, and continue under where their text began
//! (a listing's second column, a line's indentation). Used for the prompt's
//! banner, `:help` and `:examples`; never for tables, whose columns must
//! not move. Pure: the width comes from the front end.

use unicode_width::UnicodeWidthStr;

/// `text` with every line wider than `width` cells broken at spaces.
pub fn wrap(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        wrap_line(line, width, &mut out);
    }
    out
}

/// Where a line's text begins for its continuation lines: after the
/// leading spaces, or after a first column (`  name   text`, two or more
/// spaces after the first word), if that leaves room.
fn hang(line: &str, width: usize) -> usize {
    let lead = line.len() - line.trim_start_matches(' ').len();
    let rest = &line[lead..];
    let column = rest.find("  ").and_then(|gap| {
        let after = rest[gap..].len() - rest[gap..].trim_start_matches(' ').len();
        let col = lead + gap + after;
        (col < line.len()).then(|| line[..col].width())
    });
    let lead = line[..lead].width();
    match column {
        Some(c) if c + 20 <= width => c,
        _ if lead + 20 <= width => lead,
        _ => 0,
    }
}

fn wrap_line(line: &str, width: usize, out: &mut String) {
    if line.width() <= width || width == 0 {
        out.push_str(line);
        return;
    }
    let indent = hang(line, width);
    let lead = line.len() - line.trim_start_matches(' ').len();
    let mut used = line[..lead].width();
    out.push_str(&line[..lead]);
    let mut first = true;
    for word in line[lead..].split(' ') {
        let w = word.width();
        if first {
            out.push_str(word);
            used += w;
            first = false;
        } else if used + 1 + w <= width || word.is_empty() && used < width {
            // Runs of spaces (a listing's gap) are kept while they fit.
            out.push(' ');
            out.push_str(word);
            used += 1 + w;
        } else if !word.is_empty() {
            // Trailing spaces of the broken line are dropped.
            let kept = out.trim_end_matches(' ').len();
            out.truncate(kept);
            out.push('\n');
            out.push_str(&" ".repeat(indent));
            out.push_str(word);
            used = indent + w;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breaks_at_spaces_under_the_text() {
        let s = "  graph   The lecture's computational graph: f = sqrt(x² + exp(x²)) at x = 1.";
        let w = wrap(s, 40);
        for l in w.lines() {
            assert!(l.width() <= 40, "{l:?}");
        }
        assert_eq!(
            w,
            "  graph   The lecture's computational\n          graph: f = sqrt(x² + exp(x²))\n          at x = 1."
        );
        // No word is cut: the words are those of the input.
        let words = |t: &str| t.split_whitespace().map(str::to_string).collect::<Vec<_>>();
        assert_eq!(words(&w), words(s));
    }

    #[test]
    fn short_lines_and_long_words_stay() {
        assert_eq!(wrap("a b\n\nc", 10), "a b\n\nc");
        let long = "x ".to_string() + &"y".repeat(30);
        assert_eq!(wrap(&long, 10), format!("x\n{}", "y".repeat(30)));
    }
}
