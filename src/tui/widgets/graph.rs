//! The graph pane: the trace as a layered DAG (a box per row, arrows along
//! the edges, painted cell by cell from `layout`), or for large traces as
//! lanes (one line per row, aligned with the table, each value a vertical
//! lane down to its last use).
//!
//! Owns the viewport (following the current row, or the user's pan) and
//! which edges are highlighted: in the forward sweep those feeding the
//! current row, in the reverse sweep those carrying adjoint contributions
//! into it, labelled with the local partial from the explainer. Draws only
//! the visible cells. Must not compute numbers or lay out the graph.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;

use super::{Ctx, put, put_char};
use crate::core::notation::fixed;
use crate::core::schedule::Phase;
use crate::tui::layout::{self, E, N, S, W};
use crate::tui::model::{Focus, Model, NO_USE, box_title};
use crate::tui::view::Panes;

/// The pane's inside (without its border).
fn inner(area: Rect) -> Rect {
    Rect {
        x: area.x.saturating_add(1),
        y: area.y.saturating_add(1),
        width: area.width.saturating_sub(2),
        height: area.height.saturating_sub(2),
    }
}

/// The canvas cell shown at the pane's top-left corner: the user's pan, or
/// one that keeps the current row in view (centred on it when the canvas
/// is larger than the pane; a canvas narrower than the pane is centred).
pub fn offset(m: &Model, area: Rect) -> (i32, i32) {
    let inn = inner(area);
    let (vw, vh) = (i32::from(inn.width), i32::from(inn.height));
    if m.lane_view() {
        let cw = i32::try_from(m.derived.lanes.width.saturating_mul(2)).unwrap_or(i32::MAX);
        if let Some((x, _)) = m.graph_pan {
            return (x.clamp(0, (cw - vw).max(0)), 0);
        }
        let row = m.current().map_or(0, |s| s.row);
        let c = m.derived.lanes.col.get(row).map_or(0, |&c| c as i32 * 2);
        return (follow(c, 1, vw, cw), 0);
    }
    let Some(lay) = m.graph_layout() else {
        return (0, 0);
    };
    let (cw, ch) = (i32::from(lay.width), i32::from(lay.height));
    if let Some((x, y)) = m.graph_pan {
        let x = if cw <= vw {
            -(vw - cw) / 2
        } else {
            x.clamp(0, cw - vw)
        };
        return (x, y.clamp(0, (ch - vh).max(0)));
    }
    let row = m.current().map_or(0, |s| s.row);
    let Some(p) = lay.nodes.get(row) else {
        return (0, 0);
    };
    (
        follow(i32::from(p.x), i32::from(p.w), vw, cw),
        follow(i32::from(p.y), i32::from(p.h), vh, ch).max(0),
    )
}

/// The offset along one axis that centres [pos, pos+len) in a view of
/// `view` cells over a canvas of `canvas` cells.
fn follow(pos: i32, len: i32, view: i32, canvas: i32) -> i32 {
    if canvas <= view {
        return -(view - canvas) / 2;
    }
    (pos + len / 2 - view / 2).clamp(0, canvas - view)
}

/// The row under a screen position in the graph pane.
pub fn row_at(m: &Model, panes: &Panes, at: Position) -> Option<usize> {
    let inn = inner(panes.graph);
    if !inn.contains(at) {
        return None;
    }
    if m.lane_view() {
        let top = super::table::top_row(m, panes.table);
        let dy = at.y.checked_sub(inn.y + 1)?;
        let r = top + usize::from(dy);
        return (r < m.trace().len()).then_some(r);
    }
    let lay = m.graph_layout()?;
    let (ox, oy) = offset(m, panes.graph);
    let cx = i32::from(at.x - inn.x) + ox;
    let cy = i32::from(at.y - inn.y) + oy;
    lay.nodes.iter().position(|p| {
        cx >= i32::from(p.x)
            && cx < i32::from(p.x) + i32::from(p.w)
            && cy >= i32::from(p.y)
            && cy < i32::from(p.y) + i32::from(p.h)
    })
}

/// Heavy box drawing for highlighted edges, so they stand out without
/// colour.
fn heavy(c: char) -> char {
    match c {
        '│' => '┃',
        '─' => '━',
        '└' => '┗',
        '┌' => '┏',
        '┘' => '┛',
        '┐' => '┓',
        '├' => '┣',
        '┤' => '┫',
        '┬' => '┳',
        '┴' => '┻',
        '┼' => '╋',
        c => c,
    }
}

/// Box border characters: corners, horizontal, vertical, tee.
struct Frame {
    tl: char,
    tr: char,
    bl: char,
    br: char,
    h: char,
    v: char,
    tee: char,
}

const LIGHT: Frame = Frame {
    tl: '┌',
    tr: '┐',
    bl: '└',
    br: '┘',
    h: '─',
    v: '│',
    tee: '┬',
};
const HEAVY: Frame = Frame {
    tl: '┏',
    tr: '┓',
    bl: '┗',
    br: '┛',
    h: '━',
    v: '┃',
    tee: '┳',
};
const DOUBLE: Frame = Frame {
    tl: '╔',
    tr: '╗',
    bl: '╚',
    br: '╝',
    h: '═',
    v: '║',
    tee: '╦',
};
const ASCII: Frame = Frame {
    tl: '+',
    tr: '+',
    bl: '+',
    br: '+',
    h: '-',
    v: '|',
    tee: '+',
};
const ASCII_CURRENT: Frame = Frame {
    tl: '#',
    tr: '#',
    bl: '#',
    br: '#',
    h: '=',
    v: '#',
    tee: '#',
};
const ASCII_SELECTED: Frame = Frame {
    tl: '*',
    tr: '*',
    bl: '*',
    br: '*',
    h: '~',
    v: ':',
    tee: '*',
};

/// The edges to highlight at this step, as (from, to) rows.
fn hot_edges(ctx: &Ctx) -> Vec<(usize, usize)> {
    let Some(st) = ctx.step else {
        return Vec::new();
    };
    let trace = ctx.m.trace();
    match st.phase {
        Phase::Forward => trace.nodes[st.row]
            .row_args()
            .map(|r| (r as usize, st.row))
            .collect(),
        Phase::Reverse => {
            if !trace.nodes[st.row].reaches_output {
                return Vec::new();
            }
            ctx.m
                .derived
                .consumers
                .of(st.row)
                .iter()
                .map(|&j| j as usize)
                .filter(|&j| trace.nodes[j].reaches_output)
                .map(|j| (st.row, j))
                .collect()
        }
    }
}

/// The two lines inside a box at this step: the value, then the tangent
/// (forward) or the adjoint (reverse) once known. In the reverse sweep a
/// consumer of the current row shows its local partial instead of its
/// value, so the box reads as the ledger term d̄·∂d/∂c. The bool marks the
/// partial (drawn as a label).
fn box_lines(ctx: &Ctx, i: usize, partials: &[(usize, String)]) -> (String, String, bool) {
    let m = ctx.m;
    let s = m.sweep();
    let p = m.opts.style.precision;
    let n = &ctx.ex.names;
    let k = m.schedule().known(m.step_index(), i);
    if !k.value {
        return (String::new(), String::new(), false);
    }
    let (first, is_label) = match partials.iter().find(|(j, _)| *j == i) {
        Some((_, label)) => (label.clone(), true),
        None => (fixed(s.value[i], p), false),
    };
    let second = match ctx.phase() {
        Phase::Forward if k.tangent => format!("{}={}", n.tangent(i), fixed(s.tangent[i], p)),
        Phase::Reverse if k.adjoint => format!("{}={}", n.adjoint(i), fixed(s.adjoint[i], p)),
        _ => String::new(),
    };
    (first, ctx.t(second), is_label)
}

/// Draw the DAG view.
pub fn render_dag(ctx: &Ctx, area: Rect, buf: &mut Buffer) {
    if area.width < 3 || area.height < 3 {
        return;
    }
    let m = ctx.m;
    ratatui::widgets::Widget::render(ctx.block("graph", Focus::Graph), area, buf);
    let Some(lay) = m.graph_layout() else {
        return;
    };
    let inn = inner(area);
    let (ox, oy) = offset(m, area);
    let (vw, vh) = (usize::from(inn.width), usize::from(inn.height));
    let in_view = |cx: i32, cy: i32| -> Option<usize> {
        let (sx, sy) = (cx - ox, cy - oy);
        (sx >= 0 && sy >= 0 && (sx as usize) < vw && (sy as usize) < vh)
            .then(|| sy as usize * vw + sx as usize)
    };
    let hot = hot_edges(ctx);
    // Merge the direction masks of all edges crossing the viewport, so that
    // overlapping routes join into ┬ ┴ ┼.
    let mut mask = vec![0u8; vw * vh];
    let mut hot_cell = vec![false; vw * vh];
    for e in &lay.edges {
        let is_hot = hot.contains(&(e.from, e.to));
        for &(cx, cy, bits) in &e.cells {
            if let Some(k) = in_view(i32::from(cx), i32::from(cy)) {
                mask[k] |= bits;
                hot_cell[k] |= is_hot;
            }
        }
    }
    for (k, &bits) in mask.iter().enumerate() {
        if bits == 0 {
            continue;
        }
        let c = layout::glyph(bits, ctx.ascii);
        let (c, style) = if hot_cell[k] {
            (if ctx.ascii { c } else { heavy(c) }, ctx.pal.edge_hot)
        } else {
            (c, ctx.pal.edge)
        };
        let (x, y) = ((k % vw) as i32, (k / vw) as i32);
        put_char(
            buf,
            inn,
            i32::from(inn.x) + x,
            i32::from(inn.y) + y,
            c,
            style,
        );
    }
    let current = ctx.current_row();
    // Reverse: each consumer's local partial w.r.t. the current row, from
    // the explainer's fan-out ledger.
    let partials: Vec<(usize, String)> = match ctx.step {
        Some(st) if st.phase == Phase::Reverse => ctx
            .ex
            .explain(st)
            .terms
            .iter()
            .map(|t| {
                let label = format!("{}={}", t.partial_symbol, ctx.ex.names.num(t.partial));
                (t.consumer, ctx.t(label))
            })
            .collect(),
        _ => Vec::new(),
    };
    for (i, p) in lay.nodes.iter().enumerate() {
        let (x0, y0) = (i32::from(p.x) - ox, i32::from(p.y) - oy);
        let (w, h) = (i32::from(p.w), i32::from(p.h));
        if x0 + w <= 0 || y0 + h <= 0 || x0 >= vw as i32 || y0 >= vh as i32 {
            continue;
        }
        draw_box(
            ctx,
            buf,
            inn,
            i,
            (x0, y0, w, h),
            current,
            &partials,
            &mask,
            vw,
            vh,
        );
    }
}

#[allow(clippy::too_many_arguments)] // one call site; a struct would only rename them
fn draw_box(
    ctx: &Ctx,
    buf: &mut Buffer,
    inn: Rect,
    i: usize,
    (x0, y0, w, h): (i32, i32, i32, i32),
    current: Option<usize>,
    partials: &[(usize, String)],
    mask: &[u8],
    vw: usize,
    vh: usize,
) {
    let pal = &ctx.pal;
    let is_current = current == Some(i);
    let is_selected = ctx.m.selected() == Some(i);
    let frame = match (ctx.ascii, is_current, is_selected) {
        (false, true, _) => &HEAVY,
        (false, false, true) => &DOUBLE,
        (false, false, false) => &LIGHT,
        (true, true, _) => &ASCII_CURRENT,
        (true, false, true) => &ASCII_SELECTED,
        (true, false, false) => &ASCII,
    };
    let warn = ctx.m.has_warning(i);
    let dim = ctx.m.inactive(i);
    let border = if is_current {
        pal.edge_hot
    } else if is_selected {
        pal.selected
    } else if warn {
        pal.warn
    } else if dim {
        pal.dim
    } else {
        pal.border
    };
    let text = if dim && !is_current {
        pal.dim
    } else {
        pal.text
    };
    let (ax, ay) = (i32::from(inn.x) + x0, i32::from(inn.y) + y0);
    let leaves = |dx: i32| {
        let (cx, cy) = (x0 + dx, y0 + h);
        cx >= 0
            && cy >= 0
            && (cx as usize) < vw
            && (cy as usize) < vh
            && mask[cy as usize * vw + cx as usize] & N != 0
    };
    for dx in 0..w {
        let (top, bottom) = if dx == 0 {
            (frame.tl, frame.bl)
        } else if dx + 1 == w {
            (frame.tr, frame.br)
        } else if leaves(dx) {
            (frame.h, frame.tee)
        } else {
            (frame.h, frame.h)
        };
        put_char(buf, inn, ax + dx, ay, top, border);
        put_char(buf, inn, ax + dx, ay + h - 1, bottom, border);
    }
    for dy in 1..h - 1 {
        put_char(buf, inn, ax, ay + dy, frame.v, border);
        put_char(buf, inn, ax + w - 1, ay + dy, frame.v, border);
        for dx in 1..w - 1 {
            put_char(buf, inn, ax + dx, ay + dy, ' ', text);
        }
    }
    // The title sits in the top border, the numbers inside.
    let mut title = box_title(&ctx.ex, ctx.m.trace(), i);
    if warn {
        title = format!("!{title}");
    }
    let title_style = if is_current {
        pal.current
    } else if is_selected {
        pal.selected
    } else if warn {
        pal.warn
    } else {
        text
    };
    put_clipped(buf, inn, ax + 1, ay, &title, (w - 2).max(0), title_style);
    let (first, second, is_label) = box_lines(ctx, i, partials);
    let first_style = if is_label { pal.label } else { text };
    put_clipped(
        buf,
        inn,
        ax + 1,
        ay + 1,
        &first,
        (w - 2).max(0),
        first_style,
    );
    put_clipped(buf, inn, ax + 1, ay + 2, &second, (w - 2).max(0), text);
}

/// Write text starting at a possibly off-screen x, clipped to `clip`.
fn put_clipped(buf: &mut Buffer, clip: Rect, x: i32, y: i32, s: &str, max: i32, style: Style) {
    if y < i32::from(clip.y) || y >= i32::from(clip.bottom()) {
        return;
    }
    let mut x = x;
    let mut room = max;
    let mut chars = s.chars().peekable();
    // Skip what lies left of the clip, grapheme by grapheme (our symbols
    // are one column wide; combining marks ride on their base).
    while x < i32::from(clip.x) && room > 0 {
        if chars.next().is_none() {
            return;
        }
        while chars.peek().is_some_and(|c| is_combining(*c)) {
            chars.next();
        }
        x += 1;
        room -= 1;
    }
    let rest: String = chars.collect();
    if room <= 0 || x >= i32::from(clip.right()) {
        return;
    }
    let max = (room as usize).min(usize::from(clip.right()) - x as usize);
    put(buf, x as u16, y as u16, &rest, max, style);
}

fn is_combining(c: char) -> bool {
    ('\u{0300}'..='\u{036f}').contains(&c)
}

/// Draw the lane view: rows `top..` one per line, aligned with the table
/// (same border and header line).
pub fn render_lanes(ctx: &Ctx, area: Rect, top: usize, buf: &mut Buffer) {
    if area.width < 3 || area.height < 3 {
        return;
    }
    let m = ctx.m;
    ratatui::widgets::Widget::render(ctx.block("graph", Focus::Graph), area, buf);
    let inn = inner(area);
    if inn.height < 2 {
        return;
    }
    put(
        buf,
        inn.x,
        inn.y,
        "lanes",
        usize::from(inn.width),
        ctx.pal.header,
    );
    let body = Rect {
        y: inn.y + 1,
        height: inn.height - 1,
        ..inn
    };
    let trace = m.trace();
    let lanes = &m.derived.lanes;
    let n = trace.len();
    let bottom = (top + usize::from(body.height)).min(n);
    let (ox, _) = offset(m, area);
    let current = ctx.current_row();
    let phase = ctx.phase();
    // Which row owns each column, replayed from the top (O(rows), cheap
    // next to formatting; no per-row state to keep in the model).
    let mut occ = vec![NO_USE; lanes.width as usize];
    let marker = |i: usize| -> char {
        match (current == Some(i), ctx.ascii) {
            (true, false) => '◉',
            (true, true) => '@',
            (false, _) if m.has_warning(i) => '!',
            (false, false) => '●',
            (false, true) => 'o',
        }
    };
    for y in 0..bottom {
        let node = &trace.nodes[y];
        let mut ops: Vec<u32> = node.row_args().collect();
        ops.dedup();
        let cy = lanes.col[y];
        if y >= top {
            let sy = i32::from(body.y) + (y - top) as i32;
            let lo = ops
                .iter()
                .map(|&r| lanes.col[r as usize])
                .chain([cy])
                .min()
                .unwrap_or(cy);
            let hi = ops
                .iter()
                .map(|&r| lanes.col[r as usize])
                .chain([cy])
                .max()
                .unwrap_or(cy);
            // A connection cell is hot when it carries the highlighted edge.
            let hot_from = |r: u32| match (phase, current) {
                (Phase::Forward, Some(c)) => c == y,
                (Phase::Reverse, Some(c)) => c == r as usize && trace.nodes[y].reaches_output,
                _ => false,
            };
            let hot_span: Vec<(u32, u32)> = ops
                .iter()
                .filter(|&&r| hot_from(r))
                .map(|&r| {
                    let c = lanes.col[r as usize];
                    (c.min(cy), c.max(cy))
                })
                .collect();
            let in_hot = |x2: u32| hot_span.iter().any(|&(a, b)| x2 >= 2 * a && x2 <= 2 * b);
            for sx in 0..i32::from(body.width) {
                let x2 = sx + ox;
                if x2 < 0 {
                    continue;
                }
                let x2 = x2 as u32;
                let c = x2 / 2;
                let (ch, style) = if x2 % 2 == 1 {
                    if c >= lo && c < hi {
                        (layout::glyph(E | W, ctx.ascii), in_hot(x2))
                    } else {
                        continue;
                    }
                } else if c == cy {
                    let st = if current == Some(y) {
                        ctx.pal.current
                    } else if m.has_warning(y) {
                        ctx.pal.warn
                    } else if m.inactive(y) {
                        ctx.pal.dim
                    } else {
                        ctx.pal.text
                    };
                    put_char(buf, body, i32::from(body.x) + sx, sy, marker(y), st);
                    continue;
                } else {
                    let owner = occ.get(c as usize).copied().unwrap_or(NO_USE);
                    if owner != NO_USE && ops.contains(&owner) {
                        let mut bits = N;
                        if lanes.last_use[owner as usize] > y as u32 {
                            bits |= S;
                        }
                        if c < cy {
                            bits |= E;
                            if c > lo {
                                bits |= W;
                            }
                        } else {
                            bits |= W;
                            if c < hi {
                                bits |= E;
                            }
                        }
                        (
                            layout::glyph(bits, ctx.ascii),
                            hot_from(owner) || in_hot(x2),
                        )
                    } else if owner != NO_USE {
                        // Passes by: a bridge over any horizontal line.
                        let hot = phase == Phase::Reverse && current == Some(owner as usize);
                        (layout::glyph(N | S, ctx.ascii), hot)
                    } else if c > lo && c < hi {
                        (layout::glyph(E | W, ctx.ascii), in_hot(x2))
                    } else {
                        continue;
                    }
                };
                let (ch, style) = if style {
                    (if ctx.ascii { ch } else { heavy(ch) }, ctx.pal.edge_hot)
                } else {
                    (ch, ctx.pal.edge)
                };
                put_char(buf, body, i32::from(body.x) + sx, sy, ch, style);
            }
        }
        for &r in &ops {
            if lanes.last_use[r as usize] == y as u32
                && let Some(o) = occ.get_mut(lanes.col[r as usize] as usize)
                && *o == r
            {
                *o = NO_USE;
            }
        }
        if lanes.last_use[y] != NO_USE
            && let Some(o) = occ.get_mut(cy as usize)
        {
            *o = y as u32;
        }
    }
}
