//! The Jacobian pane of a program with several outputs: the m×n matrix of
//! ∂output/∂input (output names down, ∂/∂input across) filling column by
//! column during forward sweeps and row by row during reverse sweeps —
//! entries not produced yet are blank, the column or row of the current
//! sweep is marked (▼ / ▶) and highlighted, the entry this very step
//! produced stands out — and under it the cost meter: the rows processed
//! so far out of rows × sweeps, and how many sweeps each mode takes for
//! this Jacobian (n forward, one per input; m reverse, one per output).
//!
//! Must not compute numbers: the matrix is `core::jacobian`'s (kept by the
//! model), which entries the steps have produced is the model's
//! (`Model::jacobian_known`, from `schedule`). Text is wrapped at spaces,
//! never inside a word.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::Widget;

use super::{Ctx, put, width};
use crate::core::notation::fixed;
use crate::core::schedule::Phase;
use crate::tui::model::{Model, cut_words};
use crate::tui::sweeps::{Filling, plural};

/// Most matrix lines the pane asks for (more scroll with the sweep).
const MAX_ROWS: usize = 8;

/// Columns between entries (room for the filling column's ▼).
const GAP: usize = 2;

/// Column widths: the output names, and each entry column.
struct Grid {
    outputs: Vec<String>,
    heads: Vec<String>,
    name_w: usize,
    cell_w: usize,
}

fn grid(m: &Model) -> Option<Grid> {
    let jv = m.jacobian_view()?;
    let trace = m.trace();
    let names = m.names();
    let outputs: Vec<String> = trace
        .outputs()
        .map(|r| trace.name(r).map_or_else(|| names.label(r), str::to_string))
        .map(|s| names.out(s))
        .collect();
    let heads: Vec<String> = trace
        .input_names()
        .map(|n| names.out(format!("∂/∂{n}")))
        .collect();
    let name_w = outputs.iter().map(|s| width(s)).max().unwrap_or(0);
    let cell_w = heads
        .iter()
        .map(|s| width(s))
        .max()
        .unwrap_or(0)
        .max(jv.entry_width);
    Some(Grid {
        outputs,
        heads,
        name_w,
        cell_w,
    })
}

/// The cost meter, most explicit first: each a list of paragraphs.
fn meters(m: &Model) -> Vec<Vec<String>> {
    let sched = m.schedule();
    let rows = sched.rows();
    let sweeps = sched.sweeps(Phase::Forward) + sched.sweeps(Phase::Reverse);
    let done = (m.step_index() + 1).min(sched.count());
    let total = sched.count();
    let (n, k) = (m.trace().n_inputs, m.trace().n_outputs);
    let fw = format!("n = {n} forward {}", plural(n, "sweep"));
    let rv = format!("m = {k} reverse {}", plural(k, "sweep"));
    let exact = format!("rows processed: {done} of {rows}·{sweeps} = {total}");
    let short = format!("rows processed: {done} of {total}");
    vec![
        vec![
            exact.clone(),
            format!("this Jacobian: {fw} (one per input) · {rv} (one per output)"),
        ],
        vec![
            exact,
            format!("{fw} (one per input) · {rv} (one per output)"),
        ],
        vec![short.clone(), format!("{fw} · {rv}")],
        vec![short.clone(), format!("n = {n} fwd · m = {k} rev sweeps")],
        vec![format!("{done} of {total} rows · n = {n} fwd, m = {k} rev")],
        vec![short],
    ]
}

/// Greedy word wrap at spaces; a word wider than `w` is cut.
fn wrap_words(text: &str, w: usize) -> Vec<String> {
    let w = w.max(1);
    let mut out = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|s| !s.is_empty()) {
        let need = if line.is_empty() {
            width(word)
        } else {
            width(&line) + 1 + width(word)
        };
        if need > w && !line.is_empty() {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
        while width(&line) > w {
            let head: String = line.chars().take(w).collect();
            let rest: String = line.chars().skip(w).collect();
            out.push(head);
            line = rest;
        }
    }
    if !line.is_empty() {
        out.push(line);
    }
    out
}

/// Wrap a text whose parts are joined by ` · `: lines break between the
/// parts where they can (`n = 2 forward sweeps ·` / `m = 3 reverse
/// sweeps`), inside a part only at spaces.
fn wrap(text: &str, w: usize) -> Vec<String> {
    let parts: Vec<&str> = text.split(" · ").collect();
    let mut out = Vec::new();
    let mut line = String::new();
    for (k, part) in parts.iter().enumerate() {
        let piece = if k + 1 < parts.len() {
            format!("{part} ·")
        } else {
            (*part).to_string()
        };
        let joined = if line.is_empty() {
            piece.clone()
        } else {
            format!("{line} {piece}")
        };
        if width(&joined) <= w.max(1) {
            line = joined;
            continue;
        }
        if !line.is_empty() {
            out.push(std::mem::take(&mut line));
        }
        let mut lines = wrap_words(&piece, w);
        line = lines.pop().unwrap_or_default();
        out.extend(lines);
    }
    if !line.is_empty() {
        out.push(line);
    }
    out
}

fn wrapped(paragraphs: &[String], w: usize) -> Vec<String> {
    paragraphs.iter().flat_map(|p| wrap(p, w)).collect()
}

/// The width the pane would like (borders included).
pub fn wanted_width(m: &Model) -> u16 {
    let Some(g) = grid(m) else {
        return 0;
    };
    let matrix = 1 + g.name_w + g.heads.len() * (g.cell_w + GAP);
    u16::try_from(matrix.max(30) + 2).unwrap_or(u16::MAX)
}

/// The height the pane would like at a width (borders included).
pub fn wanted_height(m: &Model, w: u16) -> u16 {
    let Some(jv) = m.jacobian_view() else {
        return 0;
    };
    let inner = usize::from(w.saturating_sub(2));
    let lines = match &jv.matrix {
        Err(msg) => wrap(msg, inner).len(),
        Ok(j) => 1 + j.outputs.min(MAX_ROWS) + wrapped(&meters(m)[0], inner).len(),
    };
    u16::try_from(lines + 2).unwrap_or(u16::MAX)
}

fn pad_left(s: &str, w: usize) -> String {
    format!("{}{s}", " ".repeat(w.saturating_sub(width(s))))
}

fn pad_right(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

/// The first of `count` items to show in `room` places so that `focus`
/// is among them.
fn window(count: usize, room: usize, focus: Option<usize>) -> usize {
    match focus {
        Some(f) if room > 0 && f >= room => (f + 1 - room).min(count.saturating_sub(room)),
        _ => 0,
    }
}

pub fn render(ctx: &Ctx, area: Rect, buf: &mut Buffer) {
    if area.width < 3 || area.height < 3 {
        return;
    }
    let m = ctx.m;
    let (Some(jv), Some(g)) = (m.jacobian_view(), grid(m)) else {
        return;
    };
    let title = match &jv.matrix {
        Ok(j) => format!(
            "Jacobian {}×{} · {} mode",
            j.outputs,
            j.inputs,
            m.jacobian_mode().name()
        ),
        Err(_) => "Jacobian".to_string(),
    };
    ctx.frame(&ctx.t(title), false).render(area, buf);
    let inn = Rect {
        x: area.x + 1,
        y: area.y + 1,
        width: area.width - 2,
        height: area.height - 2,
    };
    let (w, h) = (usize::from(inn.width), usize::from(inn.height));
    if w == 0 || h == 0 {
        return;
    }
    let pal = &ctx.pal;
    let j = match &jv.matrix {
        Ok(j) => j,
        Err(msg) => {
            let mut lines = wrap(&ctx.t(msg.clone()), w);
            if lines.len() > h {
                // Cut: the last line shown says there is more (scrolling
                // is the explanation's; this pane has no focus).
                lines.truncate(h);
                if let Some(last) = lines.last_mut() {
                    let ell = if ctx.ascii { "..." } else { "…" };
                    *last = cut_words(&format!("{last} {ell}"), w);
                }
            }
            for (k, line) in lines.iter().enumerate() {
                put(buf, inn.x, inn.y + k as u16, line, w, pal.warn);
            }
            return;
        }
    };
    let (rows, cols) = (j.outputs, j.inputs);
    // The meter: the most explicit form that leaves the matrix its rows.
    let want_rows = rows.min(h.saturating_sub(2)).max(1);
    let all = meters(m);
    let meter = all
        .iter()
        .map(|v| wrapped(&v.iter().map(|s| ctx.t(s.clone())).collect::<Vec<_>>(), w))
        .find(|lines| 1 + want_rows + lines.len() <= h)
        .unwrap_or_else(|| {
            let last = all.last().cloned().unwrap_or_default();
            let mut lines = wrapped(&last, w);
            lines.truncate(h.saturating_sub(1 + want_rows));
            lines
        });
    let room_rows = h.saturating_sub(1 + meter.len());
    let filling = m.filling();
    let st = m.current();
    let trace = m.trace();
    let outs = trace.outputs();
    // The entry this step produced, if any.
    let produced = match (filling, st) {
        (Some(Filling::Column(c)), Some(st)) if outs.contains(&st.row) => {
            Some((st.row - outs.start, c))
        }
        (Some(Filling::Row(r)), Some(st)) if st.row < cols => Some((r, st.row)),
        _ => None,
    };
    let focus_row = match filling {
        Some(Filling::Row(r)) => Some(r),
        _ => produced.map(|(r, _)| r),
    };
    let focus_col = match filling {
        Some(Filling::Column(c)) => Some(c),
        _ => produced.map(|(_, c)| c),
    };
    let avail = w.saturating_sub(1 + g.name_w);
    let per = g.cell_w + GAP;
    let mut vis_cols = (avail / per).min(cols);
    if vis_cols < cols {
        vis_cols = (avail.saturating_sub(2) / per).min(cols);
    }
    let c0 = window(cols, vis_cols, focus_col);
    let r0 = window(rows, room_rows, focus_row);
    let (down, across) = if ctx.ascii {
        ("v", ">")
    } else {
        ("▼", "▶")
    };
    // Header: the ∂/∂input of each column, the filling one marked.
    let mut x = inn.x;
    let lead = if c0 > 0 { "…" } else { "" };
    x = put(buf, x, inn.y, &pad_right(lead, 1 + g.name_w), w, pal.dim);
    for c in c0..c0 + vis_cols {
        // The filling column's mark sits just left of its header.
        let is_fill = filling == Some(Filling::Column(c));
        let head = &g.heads[c];
        let pad = g.cell_w + GAP - width(head) - usize::from(is_fill);
        x = put(buf, x, inn.y, &" ".repeat(pad), pad, pal.text);
        if is_fill {
            x = put(buf, x, inn.y, down, 1, pal.key);
        }
        let style = if is_fill { pal.label } else { pal.header };
        x = put(buf, x, inn.y, head, g.cell_w, style);
    }
    if c0 + vis_cols < cols {
        put(buf, x, inn.y, " …", 2, pal.dim);
    }
    let p = m.opts.style.precision;
    for (k, r) in (r0..rows).take(room_rows).enumerate() {
        let y = inn.y + 1 + k as u16;
        let row_fill = filling == Some(Filling::Row(r));
        let mark = if row_fill { across } else { " " };
        let mut x = put(buf, inn.x, y, mark, 1, pal.key);
        let name_style = if row_fill { pal.label } else { pal.text };
        x = put(
            buf,
            x,
            y,
            &pad_right(&g.outputs[r], g.name_w),
            g.name_w,
            name_style,
        );
        for c in c0..c0 + vis_cols {
            let col_fill = filling == Some(Filling::Column(c));
            let known = m.jacobian_known(r, c);
            let text = if known {
                pad_left(&fixed(j.get(r, c), p), g.cell_w)
            } else {
                " ".repeat(g.cell_w)
            };
            let style: Style = if produced == Some((r, c)) {
                pal.current
            } else if row_fill || col_fill {
                pal.label
            } else {
                pal.text
            };
            x = put(buf, x, y, &" ".repeat(GAP), GAP, pal.text);
            x = put(buf, x, y, &text, g.cell_w, style);
        }
    }
    for (k, line) in meter.iter().enumerate() {
        let y = inn.y + (1 + room_rows.min(rows) + k) as u16;
        if usize::from(y - inn.y) >= h {
            break;
        }
        put(buf, inn.x, y, line, w, pal.text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_words_whole() {
        assert_eq!(wrap("ab cd ef", 5), ["ab cd", "ef"]);
        assert_eq!(wrap("abcdefg", 3), ["abc", "def", "g"]);
        assert_eq!(wrap("", 3), Vec::<String>::new());
        assert_eq!(
            wrap("n = 2 forward · m = 3 reverse", 20),
            ["n = 2 forward ·", "m = 3 reverse"]
        );
        assert_eq!(wrap("a · b · c", 9), ["a · b · c"]);
        assert_eq!(wrap("a · b · c", 6), ["a ·", "b · c"]);
    }

    /// A Jacobian too large to compute shows why, wrapped at words.
    #[test]
    fn a_too_large_jacobian_is_a_message() {
        use crate::core::jacobian::Unavailable;
        use crate::core::pipeline;
        let t = pipeline::trace("f(x, y) = (x*y, x + y) at x = 1, y = 2", "", false).unwrap();
        let p = t.point(None).unwrap();
        let s = t.seed(&pipeline::SeedSpec::First).unwrap();
        let mut m = Model::new(t, p, s, crate::tui::TuiOptions::default());
        let msg = Unavailable::TooLarge {
            outputs: 10_000,
            inputs: 10_000,
        }
        .to_string();
        if let Some(jv) = m.jac.as_mut() {
            jv.matrix = Err(msg.clone());
        }
        let words: Vec<&str> = msg.split(' ').collect();
        for (w, h) in [(120, 36), (80, 24)] {
            let text = crate::tui::render_text(&m, w, h);
            assert!(text.contains("┌ Jacobian "), "{text}");
            assert!(text.contains("the Jacobian would have"), "{text}");
            // every word on screen is whole
            let shown: Vec<String> = text
                .lines()
                .filter_map(|l| l.split('│').rev().nth(1).map(str::to_string))
                .collect();
            let joined = shown
                .iter()
                .flat_map(|l| l.split_whitespace())
                .collect::<Vec<_>>()
                .join(" ");
            // 80×24 has room for most of it, then …
            let n = if w == 80 { 20 } else { words.len() };
            assert!(joined.contains(&words[..n].join(" ")), "{w}x{h}:\n{text}");
        }
    }

    #[test]
    fn windows_follow_the_focus() {
        assert_eq!(window(10, 4, Some(2)), 0);
        assert_eq!(window(10, 4, Some(6)), 3);
        assert_eq!(window(10, 4, Some(9)), 6);
        assert_eq!(window(3, 4, Some(2)), 0);
    }
}
