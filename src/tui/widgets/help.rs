//! The help overlay (`?`): every key, in a box over the frame.
//!
//! Lists `keymap`'s table (the presenter's keys in `adtrace play`), so it
//! cannot fall out of step with what the keys do; keys that mean nothing
//! for this program (sweep keys for one input and one output, folding
//! without vectors) are left out.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Widget, Wrap};

use super::Ctx;
use crate::tui::keymap::{KEYMAP, PRESENTER, help_lines};
use crate::tui::model::Focus;

pub fn render(ctx: &Ctx, area: Rect, buf: &mut Buffer) {
    let w = area.width.saturating_sub(4).min(64);
    let table = if ctx.m.presenting { PRESENTER } else { KEYMAP };
    let keys: Vec<(&str, &str)> = help_lines(table, |when| ctx.m.key_applies(when)).collect();
    let want = keys.len() as u16 + 4;
    // A program with many keys may take the whole height (over the key
    // bar); then the closing hint moves into the border.
    let roomy = want <= area.height.saturating_sub(2);
    let h = if roomy {
        want
    } else {
        area.height.min(keys.len() as u16 + 2)
    };
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
    let mut lines: Vec<Line> = keys
        .iter()
        .map(|(k, what)| {
            Line::from(vec![
                Span::styled(format!("{:<20}", ctx.t(k.to_string())), ctx.pal.key),
                Span::styled(ctx.t(what.to_string()), ctx.pal.text),
            ])
        })
        .collect();
    let title = if roomy {
        lines.push(Line::styled("any key closes this help", ctx.pal.dim));
        "keys"
    } else {
        "keys · any key closes"
    };
    Paragraph::new(lines)
        .block(ctx.block(title, Focus::Steps))
        .wrap(Wrap { trim: false })
        .render(r, buf);
}
