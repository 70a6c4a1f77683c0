//! The table pane: row label, name, operation, value, derivative (tangent)
//! and adjoint, filling row by row in the forward sweep and the adjoint
//! column backward in the reverse sweep.
//!
//! Owns the table's scroll (keep the current row in view) and only builds
//! the visible lines, so 100,000 rows cost no more than 20. A program with
//! vectors has a header line before each group's rows (`── z = W*x + b:
//! 2-vector`); lines and rows are mapped by `groups::TableLines`. Marks
//! the current row (▶ and highlight), the selection (•), warnings (! in
//! the warning style, never colour alone) and greys out inactive rows.
//! Must not compute numbers: they are the current sweep's, shown only once
//! `schedule::known` allows.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::widgets::Widget;

use super::{Ctx, put, width};
use crate::core::notation::fixed;
use crate::tui::groups::{TableLine, group_title};
use crate::tui::model::{Focus, Model, Widths, op_text};

/// Columns between the border and the label: the current/selection marker
/// and the warning marker.
const MARK: usize = 2;

/// The width the table would like (borders included).
pub fn wanted_width(m: &Model) -> usize {
    let w = m.widths;
    let rules = if m.rule_column { 1 + RULE_WIDTH } else { 0 };
    2 + MARK + w.label + 1 + w.name + 1 + w.op + 1 + w.value + 1 + w.tangent + 1 + w.adjoint + rules
}

/// The room the rule column asks for (longer rules are cut with …).
const RULE_WIDTH: usize = 32;

/// Rows of the table body (below the header).
pub fn body_height(area: Rect) -> u16 {
    area.height.saturating_sub(3)
}

/// The first line shown (a row or a group header): the user's scroll, or
/// one that centres the current row (clamped so the table is never half
/// empty).
pub fn top_row(m: &Model, area: Rect) -> usize {
    let lines = m.table_lines();
    let n = lines.count();
    let h = usize::from(body_height(area)).max(1);
    let max_top = n.saturating_sub(h);
    match m.table_top {
        Some(t) => t.min(max_top),
        None => {
            let cur = lines.line_of(m.current().map_or(0, |s| s.row));
            cur.saturating_sub(h / 2).min(max_top)
        }
    }
}

/// The row under a screen position (a header line is none).
pub fn row_at(m: &Model, area: Rect, at: Position) -> Option<usize> {
    let body_y = area.y.saturating_add(2);
    if !area.contains(at) || at.y < body_y || at.y >= area.bottom().saturating_sub(1) {
        return None;
    }
    match m
        .table_lines()
        .at(top_row(m, area) + usize::from(at.y - body_y))
    {
        Some(TableLine::Row(r)) => Some(r),
        _ => None,
    }
}

/// Column widths fitted to the room: full headers if they fit, else the
/// symbols; then the name column goes, then the operation shrinks.
struct Fit {
    w: Widths,
    show_name: bool,
    long_headers: bool,
}

/// A row's width: the marker, label, name (if shown), operation and the
/// three number columns, one space apart.
fn row_width(w: &Widths, name: bool) -> usize {
    MARK + w.label
        + 1
        + if name { w.name + 1 } else { 0 }
        + w.op
        + 1
        + w.value
        + 1
        + w.tangent
        + 1
        + w.adjoint
}

fn fit(ctx: &Ctx, room: usize) -> Fit {
    let mut w = ctx.m.widths;
    let cols = ctx.ex.names.columns();
    let long = [
        w.value.max(width(&ctx.t(cols[0].to_string()))),
        w.tangent.max(width(&ctx.t(cols[1].to_string()))),
        w.adjoint.max(width(&ctx.t(cols[2].to_string()))),
    ];
    let any_name = ctx.m.trace().nodes.iter().any(|n| n.has_name());
    let mut long_w = w;
    long_w.value = long[0];
    long_w.tangent = long[1];
    long_w.adjoint = long[2];
    if row_width(&long_w, any_name) <= room {
        return Fit {
            w: long_w,
            show_name: any_name,
            long_headers: true,
        };
    }
    let show_name = any_name && row_width(&w, true) <= room;
    let over = row_width(&w, show_name).saturating_sub(room);
    w.op = w.op.saturating_sub(over).max(4);
    Fit {
        w,
        show_name,
        long_headers: false,
    }
}

fn pad_right(s: &str, w: usize) -> String {
    let sw = width(s);
    if sw >= w {
        truncate(s, w)
    } else {
        format!("{s}{}", " ".repeat(w - sw))
    }
}

fn pad_left(s: &str, w: usize) -> String {
    let sw = width(s);
    if sw >= w {
        truncate(s, w)
    } else {
        format!("{}{s}", " ".repeat(w - sw))
    }
}

/// At most `w` columns of `s`, with … when cut.
fn truncate(s: &str, w: usize) -> String {
    if width(s) <= w {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let cw = width(c.encode_utf8(&mut [0; 4]));
        if used + cw + 1 > w {
            break;
        }
        used += cw;
        out.push(c);
    }
    if w > 0 {
        out.push('…');
    }
    out
}

pub fn render(ctx: &Ctx, area: Rect, buf: &mut Buffer) {
    if area.width < 3 || area.height < 3 {
        return;
    }
    let m = ctx.m;
    let title = if m.opts.no_cse {
        "table (no CSE)"
    } else {
        "table"
    };
    ctx.block(title, Focus::Table).render(area, buf);
    let inn = Rect {
        x: area.x + 1,
        y: area.y + 1,
        width: area.width - 2,
        height: area.height - 2,
    };
    if inn.height == 0 {
        return;
    }
    let room = usize::from(inn.width);
    let f = fit(ctx, room);
    let w = f.w;
    let cols = ctx.ex.names.columns();
    let head = |k: usize| -> String {
        let c = cols[k].as_str();
        ctx.t(if f.long_headers {
            c.to_string()
        } else {
            c.rsplit(' ').next().unwrap_or(c).to_string()
        })
    };
    let mut header = format!("{}{} ", " ".repeat(MARK), pad_right("row", w.label));
    if f.show_name {
        header.push_str(&pad_right("name", w.name));
        header.push(' ');
    }
    header.push_str(&format!(
        "{} {} {} {}",
        pad_right("operation", w.op),
        pad_left(&head(0), w.value),
        pad_left(&head(1), w.tangent),
        pad_left(&head(2), w.adjoint)
    ));
    put(buf, inn.x, inn.y, &header, room, ctx.pal.header);

    let trace = m.trace();
    let s = m.numbers();
    let p = m.opts.style.precision;
    let top = top_row(m, area);
    let rows = usize::from(body_height(area));
    let current = ctx.current_row();
    let names = &ctx.ex.names;
    let lines = m.table_lines();
    let read = read_cells(ctx);
    if m.rule_column {
        let x = usize::from(inn.x) + row_width(&w, f.show_name) + 1;
        let right = usize::from(inn.right());
        if x < right {
            put(buf, x as u16, inn.y, "rule", right - x, ctx.pal.header);
        }
    }
    for line in 0..rows {
        let y = inn.y + 1 + line as u16;
        let i = match lines.at(top + line) {
            Some(TableLine::Row(i)) => i,
            Some(TableLine::Header(g)) => {
                let Some(group) = trace.groups.get(g as usize) else {
                    continue;
                };
                let rule = if ctx.ascii { "--" } else { "──" };
                // Fitted after the character set's spelling (… is ... in
                // ASCII), so nothing is cut by the pane's edge.
                let mut max = room.saturating_sub(3);
                let text = loop {
                    let title = group_title(&m.traced.source, group, max);
                    let text = ctx.t(format!(
                        "{rule} {}",
                        crate::core::visible::visible_line(&title)
                    ));
                    let over = width(&text).saturating_sub(room);
                    if over == 0 || max == 0 {
                        break text;
                    }
                    max = max.saturating_sub(over);
                };
                put(buf, inn.x, y, &text, room, ctx.pal.header);
                continue;
            }
            None => break,
        };
        let k = m.schedule().known(m.step_index(), i);
        let is_current = current == Some(i);
        let is_selected = m.selected() == Some(i);
        let warn = m.has_warning(i);
        let mark1 = match (is_current, is_selected, ctx.ascii) {
            (true, _, false) => "▶",
            (true, _, true) => ">",
            (false, true, false) => "•",
            (false, true, true) => "*",
            _ => " ",
        };
        let mark2 = if warn { "!" } else { " " };
        let num = |known: bool, x: f64, w: usize| {
            if known {
                pad_left(&fixed(x, p), w)
            } else {
                " ".repeat(w)
            }
        };
        let mut text = format!("{} ", pad_right(&names.label(i), w.label));
        if f.show_name {
            text.push_str(&pad_right(trace.name(i).unwrap_or(""), w.name));
            text.push(' ');
        }
        text.push_str(&format!(
            "{} {} {} {}",
            pad_right(&op_text(&ctx.ex, trace, i), w.op),
            num(k.value, s.value[i], w.value),
            num(k.tangent, s.tangent[i], w.tangent),
            num(k.adjoint, s.adjoint[i], w.adjoint),
        ));
        let text = ctx.t(text);
        let style: Style = if is_current {
            ctx.pal.current
        } else if is_selected {
            ctx.pal.selected
        } else if m.inactive(i) {
            ctx.pal.dim
        } else {
            ctx.pal.text
        };
        let x = put(buf, inn.x, y, mark1, room, ctx.pal.key);
        let x = put(buf, x, y, mark2, room.saturating_sub(1), ctx.pal.warn);
        let end = put(buf, x, y, &text, room.saturating_sub(MARK), style);
        if is_current {
            // Highlight the whole line, not just the text.
            let fill = usize::from(inn.right().saturating_sub(end));
            put(buf, end, y, &" ".repeat(fill), fill, style);
        }
        // The cells the current step's rule reads, underlined: the
        // operands' values and tangents forward, the users' adjoints in
        // reverse.
        let val_x = usize::from(inn.x)
            + MARK
            + w.label
            + 1
            + if f.show_name { w.name + 1 } else { 0 }
            + w.op
            + 1;
        let cols = [
            (val_x, w.value),
            (val_x + w.value + 1, w.tangent),
            (val_x + w.value + 1 + w.tangent + 1, w.adjoint),
        ];
        for (c, on) in read
            .iter()
            .filter(|(r, _)| *r == i)
            .flat_map(|(_, on)| on.iter().enumerate())
        {
            if !*on {
                continue;
            }
            let (cx, cw) = cols[c];
            let right = usize::from(inn.right());
            if cx < right {
                let cell = Rect::new(cx as u16, y, (cw.min(right - cx)) as u16, 1);
                buf.set_style(cell, ctx.pal.label.add_modifier(Modifier::UNDERLINED));
            }
        }
        if m.rule_column
            && let Some(st) = ctx.step
        {
            // The row's rule in the sweep shown, symbolic (no numbers, so
            // rows not yet reached give nothing away).
            let sched = m.schedule();
            if let Some(rs) = sched.same_sweep(st.index, i).and_then(|k| sched.step(k)) {
                let rule = ctx.t(ctx.ex.explain(rs).symbolic);
                let x = cols[2].0 + w.adjoint + 1;
                let right = usize::from(inn.right());
                if x < right {
                    put(
                        buf,
                        x as u16,
                        y,
                        &truncate(&rule, right - x),
                        right - x,
                        ctx.pal.dim,
                    );
                }
            }
        }
    }
}

/// The cells the current step's rule reads, as (row, [value, tangent,
/// adjoint]): forward, the operands' values and tangents; in reverse, the
/// adjoints of the rows that use the current one.
fn read_cells(ctx: &Ctx) -> Vec<(usize, [bool; 3])> {
    let Some(st) = ctx.step else {
        return Vec::new();
    };
    let trace = ctx.m.trace();
    match st.phase {
        crate::core::schedule::Phase::Forward => trace.nodes[st.row]
            .row_args()
            .map(|r| (r as usize, [true, true, false]))
            .collect(),
        crate::core::schedule::Phase::Reverse => ctx
            .m
            .derived
            .consumers
            .of(st.row)
            .iter()
            .map(|&j| j as usize)
            .filter(|&j| trace.nodes[j].reaches_output)
            .map(|j| (j, [false, false, true]))
            .collect(),
    }
}
