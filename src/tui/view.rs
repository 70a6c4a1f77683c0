//! State → frame: the pane geometry for a terminal size and the drawing of
//! one frame from the `Model`.
//!
//! Owns where the panes go (wide, medium, narrow, too small) as a pure
//! function that `update` also uses for mouse hit tests. Must not change
//! the model nor compute numbers: widgets read the sweep and explanations.

use crate::core::visible;
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::model::Model;
use super::widgets::{self, Ctx, explain, graph, help, keybar, predict, table};

/// Below this the TUI shows only a message asking for a larger terminal.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

/// Where each pane is on the screen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Panes {
    pub title: Rect,
    pub graph: Rect,
    pub table: Rect,
    pub explain: Rect,
    /// The Jacobian pane (empty when not shown).
    pub jacobian: Rect,
    pub keys: Rect,
    pub too_small: bool,
}

/// The panes for a terminal area.
///
/// Wide (≥ 110×28, DAG view): the graph at full height on the left, the
/// table above the explanation on the right. Medium (≥ 76 columns): graph
/// beside the table, the explanation across the bottom. Narrow: stacked.
/// The lane view always sits beside the table so its lines align with the
/// table's rows.
///
/// A program with several outputs has a Jacobian pane: between the table
/// and the explanation when wide, beside the explanation when medium; in
/// narrow terminals `J` shows it in place of the explanation (elsewhere `J`
/// hides it).
pub fn panes(area: Rect, model: &Model) -> Panes {
    let mut p = Panes::default();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        p.too_small = true;
        return p;
    }
    p.title = Rect { height: 1, ..area };
    p.keys = Rect {
        y: area.bottom() - 1,
        height: 1,
        ..area
    };
    let body = Rect {
        y: area.y + 1,
        height: area.height - 2,
        ..area
    };
    let lanes = model.lane_view();
    let table_w = u16::try_from(table::wanted_width(model)).unwrap_or(u16::MAX);
    let lines = u16::try_from(model.table_lines().count()).unwrap_or(u16::MAX);
    let table_h_want = lines.saturating_add(3);
    let has_jacobian = model.jacobian_view().is_some();
    if !lanes && body.width >= 110 && body.height >= 28 {
        let right_min = table_w
            .max(body.width / 2)
            .max(widgets::jacobian::wanted_width(model));
        // The unfolded graph's width in the node style that fits (boxes, or
        // the compact graph when they are too tall), so that folding (which
        // changes with the current row's group) never moves the panes.
        let want = graph::wanted_width(model, body.width.saturating_sub(right_min), body.height)
            .unwrap_or(40);
        let graph_w = want.clamp(30, body.width.saturating_sub(right_min).max(30));
        let (g, right) = split_h(body, graph_w);
        let jac_h = if has_jacobian && !model.jacobian_toggled {
            widgets::jacobian::wanted_height(model, right.width).clamp(5, (right.height / 3).max(5))
        } else {
            0
        };
        let table_h = table_h_want.clamp(5, right.height.saturating_sub(jac_h) * 6 / 10);
        let (t, rest) = split_v(right, table_h);
        let (j, e) = split_v(rest, jac_h);
        p.graph = g;
        p.table = t;
        p.jacobian = j;
        p.explain = e;
        return p;
    }
    let medium = body.width >= 76;
    // A fixed height per terminal size, so panes never move between steps:
    // enough for a rule, its numbers and a two-term fan-out ledger.
    let explain_h = if medium {
        (body.height / 4 + 2).clamp(8, 12)
    } else {
        7
    }
    .min(body.height.saturating_sub(6));
    let (top, explain) = split_v(body, body.height - explain_h);
    p.explain = explain;
    if has_jacobian {
        if medium && !model.jacobian_toggled {
            let jw = widgets::jacobian::wanted_width(model).clamp(30, (body.width * 2 / 5).max(30));
            let (e, j) = split_h(explain, explain.width.saturating_sub(jw));
            p.explain = e;
            p.jacobian = j;
        } else if !medium && model.jacobian_toggled {
            p.jacobian = explain;
            p.explain = Rect::default();
        }
    }
    if lanes {
        let lanes_w = (model.derived.lanes.width.saturating_mul(2) + 3)
            .min(u32::from(top.width) * 35 / 100)
            .max(8) as u16;
        let (g, t) = split_h(top, lanes_w);
        p.graph = g;
        p.table = t;
    } else if medium {
        // The graph gets the width the table does not use.
        let tw = table_w.clamp(top.width * 2 / 5, top.width * 65 / 100);
        let (g, t) = split_h(top, top.width - tw);
        p.graph = g;
        p.table = t;
    } else {
        // Clamp by hand: `clamp` panics when the room is below the minimum.
        let table_h = table_h_want.min(top.height / 2).max(4).min(top.height);
        let (t, g) = split_v(top, table_h);
        p.table = t;
        p.graph = g;
    }
    p
}

fn split_h(r: Rect, left: u16) -> (Rect, Rect) {
    let left = left.min(r.width);
    (
        Rect { width: left, ..r },
        Rect {
            x: r.x + left,
            width: r.width - left,
            ..r
        },
    )
}

fn split_v(r: Rect, top: u16) -> (Rect, Rect) {
    let top = top.min(r.height);
    (
        Rect { height: top, ..r },
        Rect {
            y: r.y + top,
            height: r.height - top,
            ..r
        },
    )
}

/// Draw the whole frame.
pub fn draw(frame: &mut Frame, model: &Model) {
    let area = frame.area();
    render(area, frame.buffer_mut(), model);
}

/// Draw the model into any buffer area (the TestBackend, the terminal).
pub fn render(area: Rect, buf: &mut Buffer, model: &Model) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let ctx = Ctx::new(model);
    let p = panes(area, model);
    if p.too_small {
        let msg = ctx.t(format!(
            "The terminal is {}×{}: enlarge it to at least {MIN_WIDTH}×{MIN_HEIGHT} to step through the trace. (q quits)",
            area.width, area.height
        ));
        let y = area.y + area.height.saturating_sub(3) / 2;
        let r = Rect {
            y,
            height: area.bottom() - y,
            ..area
        };
        Paragraph::new(Line::from(Span::styled(msg, ctx.pal.warn)))
            .wrap(Wrap { trim: true })
            .centered()
            .render(r, buf);
        return;
    }
    title_bar(&ctx, p.title, buf);
    if model.lane_view() {
        let top = table::top_row(model, p.table);
        graph::render_lanes(&ctx, p.graph, top, buf);
    } else {
        graph::render_dag(&ctx, p.graph, buf);
    }
    table::render(&ctx, p.table, buf);
    if model.question().is_some() {
        // The question takes the explanation's place (which would tell
        // the next step's rule); where a narrow terminal shows the
        // Jacobian there instead, it takes that pane.
        if p.explain.height >= 3 {
            predict::render(&ctx, p.explain, buf);
            widgets::jacobian::render(&ctx, p.jacobian, buf);
        } else {
            predict::render(&ctx, p.jacobian, buf);
        }
    } else {
        explain::render(&ctx, p.explain, buf);
        widgets::jacobian::render(&ctx, p.jacobian, buf);
    }
    keybar::render(&ctx, p.keys, buf);
    widgets::why::render(&ctx, body_of(area), buf);
    if model.help_open() {
        help::render(&ctx, area, buf);
    }
}

/// The frame between the title and the key bar.
fn body_of(area: Rect) -> Rect {
    Rect {
        y: area.y + 1,
        height: area.height.saturating_sub(2),
        ..area
    }
}

fn title_bar(ctx: &Ctx, area: Rect, buf: &mut Buffer) {
    let m = ctx.m;
    // The source on one line, read only as far as the bar is wide (a
    // million-statement source costs no more than a short one).
    let title = m.title.clone().unwrap_or_else(|| {
        let mut t = String::new();
        let mut space = false;
        for c in m.traced.source.chars() {
            if t.len() > 4 * usize::from(area.width) {
                break;
            }
            if c.is_whitespace() {
                space = !t.is_empty();
            } else {
                if space {
                    t.push(' ');
                    space = false;
                }
                t.push(c);
            }
        }
        t
    });
    let right = widgets::step_text(ctx, area.width >= 100);
    // Predict mode's running score, where the eye goes for the step.
    let right = match m.predict_tally() {
        Some((k, n)) => format!("{}{right}", ctx.t(format!("predict {k}/{n} · "))),
        None => right,
    };
    let phase_style = match m.phase() {
        crate::core::schedule::Phase::Forward => ctx.pal.phase_forward,
        crate::core::schedule::Phase::Reverse => ctx.pal.phase_reverse,
    };
    let rw = widgets::width(&right) as u16;
    let x_right = area.right().saturating_sub(rw + 1).max(area.x);
    let room = usize::from(x_right.saturating_sub(area.x + 2));
    let left = ctx.t(format!(" adtrace │ {}", visible::visible_line(&title)));
    let left = if widgets::width(&left) > room {
        let ellipsis = ctx.t("…".to_string());
        let keep = room.saturating_sub(widgets::width(&ellipsis));
        let cut: String = left.chars().take(keep).collect();
        format!("{cut}{ellipsis}")
    } else {
        left
    };
    widgets::put(buf, area.x, area.y, &left, room, ctx.pal.title);
    widgets::put(buf, x_right, area.y, &right, usize::from(rw), phase_style);
}
