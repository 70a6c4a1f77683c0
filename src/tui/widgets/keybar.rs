//! The key bar: the few keys that matter now (more with `?`).
//!
//! Must not handle keys: `update` does; this only names them.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::{Ctx, put, width};
use crate::tui::model::Focus;

/// (keys, what they do) for the current state.
pub fn keys(ctx: &Ctx) -> Vec<(&'static str, String)> {
    let m = ctx.m;
    if m.help_open() {
        return vec![("any key", "close help".into()), ("q", "quit".into())];
    }
    if let Some(text) = m.seed_input() {
        let inputs: Vec<&str> = m.trace().input_names().collect();
        return vec![
            ("seed:", format!("{text}_")),
            ("enter", "set".into()),
            ("esc", "cancel".into()),
            (
                "e.g.",
                format!("{}=1", inputs.first().copied().unwrap_or("x")),
            ),
        ];
    }
    let mut k: Vec<(&'static str, String)> = Vec::new();
    match m.focus {
        Focus::Steps => k.push(("→/←", "step".into())),
        f => {
            let pane = match f {
                Focus::Graph => "pan the graph",
                Focus::Table => "move in the table",
                _ => "scroll the explanation",
            };
            k.push(("arrows", pane.into()));
            k.push(("n/p", "step".into()));
            if f == Focus::Table {
                k.push(("enter", "go to row".into()));
            }
        }
    }
    k.push(("f/r", "forward/reverse".into()));
    if m.autoplaying() {
        k.push(("a", "pause".into()));
        k.push(("+/−", "speed".into()));
    } else {
        k.push(("a", "play".into()));
    }
    if m.trace().n_inputs > 1 {
        k.push(("w/W", "seed".into()));
    }
    k.push(("tab", "focus".into()));
    k.push(("?", "help".into()));
    k.push(("q", "quit".into()));
    k
}

pub fn render(ctx: &Ctx, area: Rect, buf: &mut Buffer) {
    let mut x = area.x;
    let right = area.right();
    for (key, what) in keys(ctx) {
        let key = ctx.t(key.to_string());
        let need = width(&key) + 1 + width(&what) + 2;
        if usize::from(right.saturating_sub(x)) < need {
            break;
        }
        x = put(buf, x + 1, area.y, &key, need, ctx.pal.key);
        x = put(buf, x + 1, area.y, &what, need, ctx.pal.text);
        x += 1;
    }
}
