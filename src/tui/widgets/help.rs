//! The help overlay (`?`): every key, in a box over the frame.
//!
//! Must stay in step with `update`'s key map; a test checks the main keys
//! are listed.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Widget, Wrap};

use super::Ctx;
use crate::tui::model::Focus;

/// Every key and what it does.
pub const KEYS: &[(&str, &str)] = &[
    ("→ l space n", "next step"),
    ("← h p backspace", "previous step"),
    ("Home / End", "first / last step"),
    ("f / r", "start of the forward / reverse sweep"),
    ("a", "autoplay on/off"),
    ("+ / −", "autoplay faster / slower"),
    ("w", "next seed direction (forward tangents)"),
    ("W", "type a seed direction, e.g. x=1, y=0.5"),
    ("c", "toggle CSE (shared subexpressions)"),
    ("t", "notation: lecture / Griewank"),
    ("v", "graph: boxes / lanes"),
    ("tab / shift-tab", "focus graph, table, explanation"),
    ("arrows, PgUp/PgDn", "scroll or pan the focused pane"),
    ("enter", "go to the selected row's step"),
    ("click", "select a row or node; drag pans"),
    ("?", "this help"),
    ("q / Esc / Ctrl-C", "leave"),
];

pub fn render(ctx: &Ctx, area: Rect, buf: &mut Buffer) {
    let w = area.width.saturating_sub(4).min(64);
    let h = area.height.saturating_sub(2).min(KEYS.len() as u16 + 4);
    if w < 10 || h < 4 {
        return;
    }
    let r = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    };
    Clear.render(r, buf);
    let mut lines: Vec<Line> = KEYS
        .iter()
        .map(|(k, what)| {
            Line::from(vec![
                Span::styled(format!("{:<20}", ctx.t(k.to_string())), ctx.pal.key),
                Span::styled(ctx.t(what.to_string()), ctx.pal.text),
            ])
        })
        .collect();
    lines.push(Line::styled("any key closes this help", ctx.pal.dim));
    Paragraph::new(lines)
        .block(ctx.block("keys", Focus::Steps))
        .wrap(Wrap { trim: false })
        .render(r, buf);
}
