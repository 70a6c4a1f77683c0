//! The layered DAG: a box per row (title, value and tangent or adjoint),
//! or per folded group (`z  2-vector`, its values, its row count), arrows
//! along the edges from `layout`, painted cell by cell and clipped to the
//! pane; the current step's edges heavy and labelled with their local
//! partials.
//!
//! Must not compute numbers (they come from the sweep and the explainer)
//! nor lay out the graph.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::{Shape, dag_in, inner, offset};
use crate::core::layout::{self, N};
use crate::core::notation::fixed;
use crate::core::schedule::Phase;
use crate::tui::groups::{Unit, first_entry, fold_adjoints, fold_rows, fold_title, fold_values};
use crate::tui::model::{Focus, box_title, compact_title};
use crate::tui::widgets::{Ctx, put, put_char, width};

/// Heavy box drawing for highlighted edges, so they stand out without
/// colour.
pub(super) fn heavy(c: char) -> char {
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
    let s = m.numbers();
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

/// Draw the DAG view (the rows' boxes, or the folded graph's).
pub fn render_dag(ctx: &Ctx, area: Rect, buf: &mut Buffer) {
    if area.width < 3 || area.height < 3 {
        return;
    }
    let m = ctx.m;
    let title = if m.folding() {
        "graph (groups folded)"
    } else {
        "graph"
    };
    ratatui::widgets::Widget::render(ctx.block(title, Focus::Graph), area, buf);
    let Some((dag, shape)) = dag_in(m, area) else {
        return;
    };
    let lay = &*dag.layout;
    // Adjoints flow from a row's users back to it: in the reverse sweep the
    // arrowheads point up.
    let up = ctx.phase() == Phase::Reverse;
    let inn = inner(area);
    let (ox, oy) = offset(m, area);
    let (vw, vh) = (usize::from(inn.width), usize::from(inn.height));
    let in_view = |cx: i32, cy: i32| -> Option<usize> {
        let (sx, sy) = (cx - ox, cy - oy);
        (sx >= 0 && sy >= 0 && (sx as usize) < vw && (sy as usize) < vh)
            .then(|| sy as usize * vw + sx as usize)
    };
    // The hot edges between the boxes that draw their rows.
    let hot: Vec<(usize, usize)> = hot_edges(ctx)
        .into_iter()
        .map(|(a, b)| (dag.node_of(a), dag.node_of(b)))
        .filter(|(a, b)| a != b)
        .collect();
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
        let c = match layout::glyph(bits, ctx.ascii) {
            '▼' if up => '▲',
            'v' if up => '^',
            c => c,
        };
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
    let view = View {
        inn,
        mask: &mask,
        vw,
        vh,
    };
    if let Shape::Compact { rows } = shape {
        paint_compact(ctx, buf, &view, lay, (ox, oy), rows, current);
        let labels: Vec<(usize, String, String)> = match ctx.step {
            Some(st) if st.phase == Phase::Reverse => ctx
                .ex
                .explain(st)
                .terms
                .iter()
                .map(|t| {
                    let full = format!("{}={}", t.partial_symbol, ctx.ex.names.num(t.partial));
                    (t.consumer, ctx.t(t.partial_symbol.clone()), ctx.t(full))
                })
                .collect(),
            _ => Vec::new(),
        };
        label_edges(ctx, buf, &view, lay, (ox, oy), &hot, &labels);
        return;
    }
    for (k, p) in lay.nodes.iter().enumerate() {
        let (x0, y0) = (i32::from(p.x) - ox, i32::from(p.y) - oy);
        let (w, h) = (i32::from(p.w), i32::from(p.h));
        if x0 + w <= 0 || y0 + h <= 0 || x0 >= vw as i32 || y0 >= vh as i32 {
            continue;
        }
        let look = match dag.unit(k) {
            Unit::Row(i) => row_look(ctx, i, current, &partials),
            Unit::Group { group, first, last } => group_look(ctx, group, first..=last, w),
        };
        paint_box(buf, &view, &look, (x0, y0, w, h));
    }
}

/// The visible part of the canvas and its merged edge mask.
struct View<'a> {
    inn: Rect,
    mask: &'a [u8],
    vw: usize,
    vh: usize,
}

/// What a box shows and how.
struct Look {
    frame: &'static Frame,
    border: Style,
    title: String,
    title_style: Style,
    text: Style,
    first: String,
    first_style: Style,
    second: String,
}

/// A row's box: its definition, value and tangent or adjoint.
fn row_look(ctx: &Ctx, i: usize, current: Option<usize>, partials: &[(usize, String)]) -> Look {
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
    let (first, second, is_label) = box_lines(ctx, i, partials);
    Look {
        frame,
        border,
        title,
        title_style,
        text,
        first,
        first_style: if is_label { pal.label } else { text },
        second,
    }
}

/// A folded group's box: `z  2-vector`, its entries' values once the
/// sweep has computed them, and how many rows it holds.
fn group_look(ctx: &Ctx, group: u32, rows: std::ops::RangeInclusive<usize>, w: i32) -> Look {
    let m = ctx.m;
    let pal = &ctx.pal;
    let trace = m.trace();
    let is_selected = m.selected().is_some_and(|r| rows.contains(&r));
    let warn = rows.clone().any(|r| m.has_warning(r));
    let frame = match (ctx.ascii, is_selected) {
        (false, true) => &DOUBLE,
        (false, false) => &LIGHT,
        (true, true) => &ASCII_SELECTED,
        (true, false) => &ASCII,
    };
    let border = if is_selected {
        pal.selected
    } else if warn {
        pal.warn
    } else {
        pal.border
    };
    let mut title = trace
        .groups
        .get(group as usize)
        .map_or_else(String::new, fold_title);
    if warn {
        title = format!("!{title}");
    }
    let sched = m.schedule();
    let known = sched.known(m.step_index(), *rows.end()).value;
    let room = usize::try_from(w - 2).unwrap_or(0);
    let p = m.opts.style.precision;
    let first = if known {
        fold_values(trace, m.numbers(), rows.clone(), p, room, ctx.ascii)
    } else {
        String::new()
    };
    let unit = Unit::Group {
        group,
        first: *rows.start(),
        last: *rows.end(),
    };
    // In the reverse sweep, the entries' adjoints once all are known.
    let adjoints = ctx.phase() == Phase::Reverse
        && first_entry(trace, rows.clone()).is_some_and(|r| sched.known(m.step_index(), r).adjoint);
    let second = if adjoints {
        fold_adjoints(trace, m.numbers(), rows, p, room, ctx.ascii)
    } else {
        fold_rows(unit)
    };
    Look {
        frame,
        border,
        title: ctx.t(title),
        title_style: if is_selected { pal.selected } else { pal.text },
        text: pal.text,
        first,
        first_style: pal.text,
        second,
    }
}

/// Paint a box: border (with a tee where an edge leaves), title in the
/// top border, two lines inside.
fn paint_box(buf: &mut Buffer, v: &View, look: &Look, (x0, y0, w, h): (i32, i32, i32, i32)) {
    let inn = v.inn;
    let frame = look.frame;
    let (ax, ay) = (i32::from(inn.x) + x0, i32::from(inn.y) + y0);
    let leaves = |dx: i32| {
        let (cx, cy) = (x0 + dx, y0 + h);
        cx >= 0
            && cy >= 0
            && (cx as usize) < v.vw
            && (cy as usize) < v.vh
            && v.mask[cy as usize * v.vw + cx as usize] & N != 0
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
        put_char(buf, inn, ax + dx, ay, top, look.border);
        put_char(buf, inn, ax + dx, ay + h - 1, bottom, look.border);
    }
    for dy in 1..h - 1 {
        put_char(buf, inn, ax, ay + dy, frame.v, look.border);
        put_char(buf, inn, ax + w - 1, ay + dy, frame.v, look.border);
        for dx in 1..w - 1 {
            put_char(buf, inn, ax + dx, ay + dy, ' ', look.text);
        }
    }
    let room = (w - 2).max(0);
    put_clipped(buf, inn, ax + 1, ay, &look.title, room, look.title_style);
    put_clipped(
        buf,
        inn,
        ax + 1,
        ay + 1,
        &look.first,
        room,
        look.first_style,
    );
    put_clipped(buf, inn, ax + 1, ay + 2, &look.second, room, look.text);
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

/// Draw the compact nodes: a marker in the cell before the node (▶ the
/// current row, ◆ the selected one, ! a warning), the name and operation, and with two rows
/// the value and the tangent or adjoint once the step has revealed them.
fn paint_compact(
    ctx: &Ctx,
    buf: &mut Buffer,
    v: &View,
    lay: &layout::Layout,
    (ox, oy): (i32, i32),
    rows: u16,
    current: Option<usize>,
) {
    let inn = v.inn;
    for (i, p) in lay.nodes.iter().enumerate() {
        let (x0, y0) = (i32::from(p.x) - ox, i32::from(p.y) - oy);
        let w = i32::from(p.w);
        if x0 + w <= 0 || y0 + i32::from(p.h) <= 0 || x0 >= v.vw as i32 || y0 >= v.vh as i32 {
            continue;
        }
        let look = row_look(ctx, i, current, &[]);
        let is_current = current == Some(i);
        let marker = if is_current {
            if ctx.ascii { '>' } else { '▶' }
        } else if ctx.m.selected() == Some(i) {
            if ctx.ascii { '*' } else { '◆' }
        } else if ctx.m.has_warning(i) {
            '!'
        } else {
            ' '
        };
        let (ax, ay) = (i32::from(inn.x) + x0, i32::from(inn.y) + y0);
        // The title centred over the numbers (and over the edges, which
        // leave and land at the node's middle); the marker just before it,
        // in the gap left of the node when the title fills it (the layout
        // keeps two cells between nodes, `offset` one at the canvas's left).
        let title = compact_title(&ctx.ex, ctx.m.trace(), i);
        let tx = ax + (w - crate::tui::widgets::width(&title) as i32).max(0) / 2;
        put_clipped(buf, inn, tx - 1, ay, &marker.to_string(), 1, look.border);
        put_clipped(buf, inn, tx, ay, &title, w, look.title_style);
        if rows >= 2 {
            let line = match (look.first.is_empty(), look.second.is_empty()) {
                (true, _) => String::new(),
                (false, true) => look.first.clone(),
                (false, false) => format!("{} {}", look.first, look.second),
            };
            // Centred like the title, as one block as wide as its widest
            // form, so the value stays put when the derivative joins it.
            let lx = ax + (w - number_block(ctx, i).min(w)).max(0) / 2;
            put_clipped(buf, inn, lx, ay + 1, &line, w - (lx - ax), look.text);
        }
    }
}

/// The width of a compact node's number line at its widest: the value with
/// the tangent or with the adjoint, whichever is longer.
fn number_block(ctx: &Ctx, i: usize) -> i32 {
    let (s, p, n) = (ctx.m.numbers(), ctx.m.opts.style.precision, &ctx.ex.names);
    let value = width(&fixed(s.value[i], p));
    let tangent = width(&ctx.t(format!("{}={}", n.tangent(i), fixed(s.tangent[i], p))));
    let adjoint = width(&ctx.t(format!("{}={}", n.adjoint(i), fixed(s.adjoint[i], p))));
    i32::try_from(value + 1 + tangent.max(adjoint)).unwrap_or(i32::MAX)
}

/// Write each reverse-sweep partial beside its edge (∂d/∂c by the edge
/// c→d): on the row of one of the edge's cells (the arrowhead's first),
/// to its right when those cells are free, else to its left. When some
/// label does not fit with its number, every label is the symbol alone (the
/// explanation's ledger has the numbers); one that still does not fit is
/// left out.
fn label_edges(
    ctx: &Ctx,
    buf: &mut Buffer,
    v: &View,
    lay: &layout::Layout,
    (ox, oy): (i32, i32),
    hot: &[(usize, usize)],
    partials: &[(usize, String, String)],
) {
    if partials.is_empty() {
        return;
    }
    let (vw, vh) = (v.vw as i32, v.vh as i32);
    let mut base: Vec<bool> = v.mask.iter().map(|&b| b != 0).collect();
    for p in &lay.nodes {
        // A node's cells and the marker cell before it.
        for dy in 0..i32::from(p.h) {
            for dx in -1..i32::from(p.w) {
                let (x, y) = (i32::from(p.x) - ox + dx, i32::from(p.y) - oy + dy);
                if x >= 0 && y >= 0 && x < vw && y < vh {
                    base[(y * vw + x) as usize] = true;
                }
            }
        }
    }
    let edges: Vec<(&layout::EdgeRoute, &(usize, String, String))> = lay
        .edges
        .iter()
        .filter(|e| hot.contains(&(e.from, e.to)))
        .filter_map(|e| partials.iter().find(|(j, _, _)| *j == e.to).map(|p| (e, p)))
        .collect();
    // Where each label goes: (x, y, text), with the full labels or the
    // symbols alone.
    let place = |full: bool| -> Vec<Option<(i32, i32, &str)>> {
        let mut used = base.clone();
        edges
            .iter()
            .map(|(e, (_, sym, label))| {
                let text = if full { label.as_str() } else { sym.as_str() };
                let len = crate::tui::widgets::width(text) as i32;
                let spot = e.cells.iter().rev().find_map(|&(cx, cy, _)| {
                    let (x, y) = (i32::from(cx) - ox, i32::from(cy) - oy);
                    let free = |from: i32| {
                        y >= 0
                            && y < vh
                            && from >= 0
                            && from + len <= vw
                            && (from..from + len).all(|c| !used[(y * vw + c) as usize])
                    };
                    [x + 1, x - len]
                        .into_iter()
                        .find(|&s| free(s))
                        .map(|s| (s, y))
                })?;
                for c in spot.0..spot.0 + len {
                    used[(spot.1 * vw + c) as usize] = true;
                }
                Some((spot.0, spot.1, text))
            })
            .collect()
    };
    let full = place(true);
    let spots = if full.iter().all(Option::is_some) {
        full
    } else {
        place(false)
    };
    for (x, y, text) in spots.into_iter().flatten() {
        put_clipped(
            buf,
            v.inn,
            i32::from(v.inn.x) + x,
            i32::from(v.inn.y) + y,
            text,
            vw,
            ctx.pal.label,
        );
    }
}
