//! The key bar: the few keys that matter now (more with `?`).
//!
//! Must not handle keys (`update` does) nor name them itself: the labels
//! and priorities come from `keymap`.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::{Ctx, put, width};
use crate::core::sweep::Mode;
use crate::tui::keymap::{self, Action, Binding, KEYMAP, PRESENTER, When};
use crate::tui::model::Focus;

/// (keys, what they do, priority) for the current state; bars too narrow
/// drop the highest priorities first.
pub fn keys(ctx: &Ctx) -> Vec<(&'static str, String, u8)> {
    let m = ctx.m;
    if m.help_open() {
        return vec![("any key", "close help".into(), 0), ("q", "quit".into(), 0)];
    }
    let from = |table: &[Binding], actions: &[Action]| -> Vec<(&'static str, String, u8)> {
        actions
            .iter()
            .filter_map(|&a| keymap::bar(table, a))
            .map(|(k, what, p)| (k, what.to_string(), p))
            .collect()
    };
    if m.presenting {
        let mut k = from(PRESENTER, &[Action::NextPause, Action::Next, Action::First]);
        k.push(("?", "help".into(), 3));
        k.extend(from(PRESENTER, &[Action::Quit]));
        return k;
    }
    if m.question().is_some() {
        return vec![
            ("enter", "check".into(), 0),
            ("tab/?", "show the answer".into(), 0),
            ("esc", "leave the question".into(), 1),
            ("0-9 . - e", "type".into(), 2),
            ("ctrl-c", "quit".into(), 3),
        ];
    }
    if let Some(text) = m.step_input() {
        return vec![
            ("go to step:", format!("{text}_"), 0),
            ("enter", "go".into(), 0),
            ("esc", "cancel".into(), 0),
            ("steps", format!("1–{}", m.step_count()), 1),
        ];
    }
    if let Some(text) = m.seed_input() {
        let inputs: Vec<&str> = m.trace().input_names().collect();
        return vec![
            ("seed:", format!("{text}_"), 0),
            ("enter", "set".into(), 0),
            ("esc", "cancel".into(), 0),
            (
                "e.g.",
                format!("{}=1", inputs.first().copied().unwrap_or("x")),
                1,
            ),
        ];
    }
    let mut k: Vec<(&'static str, String, u8)> = Vec::new();
    match m.focus {
        Focus::Steps => k.extend(from(KEYMAP, &[Action::Next])),
        f => {
            let pane = match f {
                Focus::Graph => "pan the graph",
                Focus::Table => "move in the table",
                _ => "scroll the explanation",
            };
            k.push(("arrows", pane.into(), 0));
            k.push(("n/h", "step".into(), 0));
            if f == Focus::Table {
                k.push(("enter", "go to row".into(), 2));
            }
        }
    }
    k.extend(from(KEYMAP, &[Action::ForwardStart]));
    if let Some((key, _, p)) = keymap::bar(KEYMAP, Action::Predict) {
        let what = if m.predicting() {
            "stop predicting"
        } else {
            "predict"
        };
        k.push((key, what.into(), p));
    }
    let sched = m.schedule();
    if sched.segments().nth(2).is_some() {
        k.extend(from(KEYMAP, &[Action::NextSweep]));
    }
    if m.key_applies(When::ManySweeps)
        && let Some((key, _, p)) = keymap::bar(KEYMAP, Action::SwitchMode)
    {
        let other = match m.jacobian_mode() {
            Mode::Forward => "reverse mode",
            Mode::Reverse => "forward mode",
        };
        k.push((key, other.into(), p));
    }
    if m.autoplaying() {
        k.push(("a", "pause".into(), 0));
        k.push(("+/−", "speed".into(), 4));
    } else {
        k.extend(from(KEYMAP, &[Action::Autoplay]));
    }
    // Forward mode sweeps along every input: no seed to choose.
    if m.trace().n_inputs > 1 && m.jacobian_mode() == Mode::Reverse {
        k.extend(from(KEYMAP, &[Action::NextSeed]));
    }
    if m.key_applies(When::Groups)
        && !m.lane_view()
        && let Some((key, _, p)) = keymap::bar(KEYMAP, Action::ToggleFold)
    {
        k.push((key, if m.folding() { "unfold" } else { "fold" }.into(), p));
    }
    if m.key_applies(When::ManyOutputs) {
        k.extend(from(KEYMAP, &[Action::ToggleJacobian]));
    }
    // Where the boxes do not fit (80×24), the lanes show the whole graph.
    if let Some((key, _, p)) = keymap::bar(KEYMAP, Action::ToggleLanes) {
        k.push((key, if m.lane_view() { "boxes" } else { "lanes" }.into(), p));
    }
    k.extend(from(
        KEYMAP,
        &[Action::FocusNext, Action::Help, Action::Quit],
    ));
    k
}

pub fn render(ctx: &Ctx, area: Rect, buf: &mut Buffer) {
    let mut x = area.x;
    let right = area.right();
    let mut ks = keys(ctx);
    let need = |ks: &[(&str, String, u8)]| -> usize {
        ks.iter().map(|(k, w, _)| width(k) + 1 + width(w) + 2).sum()
    };
    // Drop the least needed keys first (`?` lists them all).
    while need(&ks) > usize::from(area.width) {
        let Some(worst) = ks.iter().map(|k| k.2).max().filter(|&p| p > 0) else {
            break;
        };
        if let Some(i) = ks.iter().rposition(|k| k.2 == worst) {
            ks.remove(i);
        }
    }
    for (key, what, _) in ks {
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
