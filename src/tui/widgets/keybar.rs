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
    if m.presenting {
        return vec![
            ("space", "on to the next pause".into()),
            ("→/←", "one step".into()),
            ("Home/End", "start/end".into()),
            ("q", "quit".into()),
        ];
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
    // Where the boxes do not fit (80×24), the lanes show the whole graph.
    k.push(("v", if m.lane_view() { "boxes" } else { "lanes" }.into()));
    k.push(("tab", "focus".into()));
    k.push(("?", "help".into()));
    k.push(("q", "quit".into()));
    k
}

/// Keys dropped first when the bar is too narrow (`?` lists them all).
const DROP_FIRST: [&str; 4] = ["tab", "v", "w/W", "a"];

pub fn render(ctx: &Ctx, area: Rect, buf: &mut Buffer) {
    let mut x = area.x;
    let right = area.right();
    let mut ks = keys(ctx);
    let need = |ks: &[(&str, String)]| -> usize {
        ks.iter().map(|(k, w)| width(k) + 1 + width(w) + 2).sum()
    };
    for drop in DROP_FIRST {
        if need(&ks) <= usize::from(area.width) {
            break;
        }
        ks.retain(|(k, _)| *k != drop);
    }
    for (key, what) in ks {
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
