//! The panes of the TUI, each a function drawing one part of the model
//! into a buffer area: graph (DAG or lanes), table, explanation, key bar,
//! help overlay, and the Jacobian pane of a program with several outputs.
//!
//! Owns the per-frame context (`Ctx`: palette, explainer, current step) and
//! safe drawing helpers that never write outside the buffer. Must not
//! change the model nor compute numbers: every number is the sweep's, every
//! rule the explainer's, every symbol `notation`'s.

pub mod explain;
pub mod fd;
pub mod graph;
pub mod help;
pub mod jacobian;
pub mod keybar;
pub mod predict;
pub mod table;
pub mod why;

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Borders};

use super::model::{Focus, Model};
use super::theme::Palette;
use crate::core::explain::Explainer;
use crate::core::schedule::{Phase, Step};

/// What every widget needs for one frame, built once per frame.
pub struct Ctx<'m> {
    pub m: &'m Model,
    pub pal: Palette,
    pub ex: Explainer<'m>,
    pub step: Option<Step>,
    pub ascii: bool,
}

impl<'m> Ctx<'m> {
    pub fn new(m: &'m Model) -> Ctx<'m> {
        Ctx {
            m,
            pal: Palette::new(m.opts.theme, m.opts.no_color),
            ex: m.explainer(),
            step: m.current(),
            ascii: m.opts.style.ascii,
        }
    }

    /// A text in the user's character set (`--ascii` converts it).
    pub fn t(&self, s: String) -> String {
        if self.ascii {
            // Shapes (2×3) read as 2x3.
            self.ex.names.out(s.replace('×', "x"))
        } else {
            s
        }
    }

    pub fn current_row(&self) -> Option<usize> {
        self.step.map(|s| s.row)
    }

    pub fn phase(&self) -> Phase {
        self.step.map_or(Phase::Forward, |s| s.phase)
    }

    /// A pane's frame: bold border when focused.
    pub fn block(&self, title: &str, focus: Focus) -> Block<'static> {
        self.frame(title, self.m.focus == focus)
    }

    /// A frame with a plain or a bold border.
    pub fn frame(&self, title: &str, focused: bool) -> Block<'static> {
        let (style, kind) = if focused {
            (self.pal.border_focus, BorderType::Thick)
        } else {
            (self.pal.border, BorderType::Plain)
        };
        let kind = if self.ascii { BorderType::Plain } else { kind };
        let mut b = Block::default()
            .borders(Borders::ALL)
            .border_type(kind)
            .border_style(style)
            .title(Line::styled(format!(" {title} "), self.pal.title));
        if self.ascii {
            b = b.border_set(ASCII_BORDER);
        }
        b
    }
}

/// The border for `--ascii`.
pub const ASCII_BORDER: ratatui::symbols::border::Set = ratatui::symbols::border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

/// The display width of a text.
pub fn width(s: &str) -> usize {
    super::model::width(s)
}

/// Write `s` at (x, y), at most `max` columns, clipped to the buffer; a
/// position outside the buffer writes nothing.
pub fn put(buf: &mut Buffer, x: u16, y: u16, s: &str, max: usize, style: Style) -> u16 {
    let area = buf.area;
    if !area.contains(Position::new(x, y)) {
        return x;
    }
    buf.set_stringn(x, y, s, max, style).0
}

/// Set one cell's character and style, if it is inside `clip`.
pub fn put_char(buf: &mut Buffer, clip: Rect, x: i32, y: i32, c: char, style: Style) {
    let (Ok(x), Ok(y)) = (u16::try_from(x), u16::try_from(y)) else {
        return;
    };
    if !clip.contains(Position::new(x, y)) {
        return;
    }
    if let Some(cell) = buf.cell_mut((x, y)) {
        cell.set_char(c).set_style(style);
    }
}

/// `forward sweep`, or `reverse sweep 2 of 3` when its phase has several.
pub fn sweep_name(ctx: &Ctx, st: Step) -> String {
    match ctx.m.sweep_of(st) {
        Some((k, of)) => format!("{} sweep {k} of {of}", st.phase.name()),
        None => format!("{} sweep", st.phase.name()),
    }
}

/// `forward sweep · step 3 of 14` for the title bar; with several sweeps
/// `reverse sweep 2 of 3 · step 23 of 40`, and when `long` its direction
/// too (`· cotangent f[2] = 1`).
pub fn step_text(ctx: &Ctx, long: bool) -> String {
    let n = ctx.m.step_count();
    let s = match ctx.step {
        Some(st) => {
            let dir = if long && ctx.m.sweep_of(st).is_some() {
                format!(" · {}", ctx.m.direction_text(st.phase))
            } else {
                String::new()
            };
            format!(
                "{}{dir} · step {} of {n}",
                sweep_name(ctx, st),
                st.index + 1
            )
        }
        None => "no steps".to_string(),
    };
    let s = if ctx.m.autoplay {
        format!("▶ {} · {s}", ctx.m.speed_label())
    } else {
        s
    };
    ctx.t(format!("{s} "))
}
