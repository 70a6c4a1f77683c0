//! The lane view: one line per row, aligned with the table, each value a
//! vertical lane from its row down to its last use (for traces too large
//! for boxes, and on request).
//!
//! A group header line of the table is a line here too, crossed by the
//! lanes passing it. Must not compute numbers nor scroll by itself: the
//! table decides the first line shown.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::{dag::heavy, inner, offset};
use crate::core::layout::{self, E, N, S, W};
use crate::core::schedule::Phase;
use crate::tui::model::{Focus, NO_USE};
use crate::tui::widgets::{Ctx, put, put_char};

/// Draw the lane view from the table's line `top` on, one line per row,
/// aligned with the table (same border, header line and group headers).
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
    let lines = m.table_lines();
    let end = top + usize::from(body.height);
    let (ox, _) = offset(m, area);
    let current = ctx.current_row();
    let phase = ctx.phase();
    // Which row owns each column, replayed from the nearest checkpoint
    // before the first row shown (a few thousand rows at most).
    let first = first_row_at(n, top, |y| lines.line_of(y));
    let (start, mut occ) = lanes.state_before(first);
    let marker = |i: usize| -> char {
        match (current == Some(i), ctx.ascii) {
            (true, false) => '◉',
            (true, true) => '@',
            (false, _) if m.has_warning(i) => '!',
            (false, false) => '●',
            (false, true) => 'o',
        }
    };
    for y in start..n {
        let line = lines.line_of(y);
        if line >= end {
            break;
        }
        if line < top {
            lanes.advance(trace, &mut occ, y);
            continue;
        }
        // A group header just above this row: the lanes pass it.
        let header = line > 0 && (y == 0 || lines.line_of(y - 1) + 1 < line);
        if header && line > top {
            let sy = i32::from(body.y) + (line - 1 - top) as i32;
            for (c, &owner) in occ.iter().enumerate() {
                if owner == NO_USE {
                    continue;
                }
                let sx = 2 * c as i32 - ox;
                let hot = phase == Phase::Reverse && current == Some(owner as usize);
                let ch = layout::glyph(N | S, ctx.ascii);
                let (ch, style) = if hot {
                    (if ctx.ascii { ch } else { heavy(ch) }, ctx.pal.edge_hot)
                } else {
                    (ch, ctx.pal.edge)
                };
                put_char(buf, body, i32::from(body.x) + sx, sy, ch, style);
            }
        }
        let node = &trace.nodes[y];
        let mut ops: Vec<u32> = node.row_args().collect();
        ops.dedup();
        let cy = lanes.col[y];
        if line >= top {
            let sy = i32::from(body.y) + (line - top) as i32;
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
        lanes.advance(trace, &mut occ, y);
    }
}

/// The first of `n` rows whose display line (`line_of`, increasing) is
/// `top` or below, by bisection (`n` if none).
fn first_row_at(n: usize, top: usize, line_of: impl Fn(usize) -> usize) -> usize {
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if line_of(mid) < top {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}
