//! The stepping full-screen TUI: a view of (trace, sweep, step index) in
//! The Elm Architecture — `model` (state), `update` (key/mouse → state),
//! `view` (state → frame) with its `widgets`, `theme`, and `run` (the
//! terminal loop).
//!
//! This file is the public API the CLI, the REPL and the replay player use:
//! `Model::new` (from a trace, point, seed and `TuiOptions`), `Model::with`
//! (from an evaluation, with its plan of sweeps) or `Model::from_view`
//! (from a session's view), `run` (the terminal loop) and `render_text`
//! (one frame as text). Must not import `repl`,
//! `present` or `cli`, nor clap. Nothing in `tui` computes maths: numbers
//! come from `sweep`, rule texts from `steps`/`ops`, symbols from
//! `notation`.

pub(crate) mod groups;
pub(crate) mod keymap;
pub(crate) mod model;
pub(crate) mod retrace;
pub(crate) mod run;
pub(crate) mod sweeps;
pub mod terminal;
pub(crate) mod theme;
pub(crate) mod update;
pub(crate) mod view;
pub(crate) mod widgets;

pub use groups::{TableLine, TableLines, Unit};
pub use model::{Control, Focus, LANE_THRESHOLD, Model, TuiOptions};
pub use run::{TerminalGuard, is_suspend, run};
pub use sweeps::{Filling, JacobianView};
pub use theme::{Palette, detect as detect_theme};
pub use view::{MIN_HEIGHT, MIN_WIDTH, Panes, draw, panes};

use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// The frame for a terminal of `width`×`height` as plain text: one line per
/// terminal row, trailing spaces removed (what `adtrace render` prints and
/// the snapshot tests compare).
pub fn render_text(model: &Model, width: u16, height: u16) -> String {
    if width == 0 || height == 0 {
        return String::new();
    }
    let term = frame(model, width, height);
    let buf = term.backend().buffer();
    let mut out = String::with_capacity(buf.content.len() + usize::from(height));
    for row in buf.content.chunks(usize::from(buf.area.width.max(1))) {
        let mut line = String::new();
        let mut skip = 0usize;
        for cell in row {
            if skip == 0 {
                line.push_str(cell.symbol());
            }
            // A wide symbol hides the cells it covers.
            skip = skip.max(cell_width(cell.symbol())).saturating_sub(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The model drawn into an off-screen buffer of `width`×`height` (both
/// headless renderings read it).
fn frame(model: &Model, width: u16, height: u16) -> Terminal<TestBackend> {
    // The test backend cannot fail (its error type is uninhabited).
    let mut term = match Terminal::new(TestBackend::new(width, height)) {
        Ok(t) => t,
        Err(e) => match e {},
    };
    if let Err(e) = term.draw(|f| draw(f, model)) {
        match e {}
    }
    term
}

fn cell_width(s: &str) -> usize {
    model::width(s).max(1)
}

/// The frame as ANSI text for a terminal of `width`×`height`: from the top
/// left, each row's cells with their colours and attributes as SGR codes
/// (what a cast records as one `"o"` event).
pub fn render_ansi(model: &Model, width: u16, height: u16) -> String {
    use ratatui::style::{Color, Modifier};
    use std::fmt::Write;
    if width == 0 || height == 0 {
        return String::new();
    }
    let term = frame(model, width, height);
    let colour = |c: Color, fg: bool| -> String {
        let base = if fg { 30 } else { 40 };
        match c {
            Color::Reset => format!("{}", base + 9),
            Color::Black => format!("{base}"),
            Color::Red => format!("{}", base + 1),
            Color::Green => format!("{}", base + 2),
            Color::Yellow => format!("{}", base + 3),
            Color::Blue => format!("{}", base + 4),
            Color::Magenta => format!("{}", base + 5),
            Color::Cyan => format!("{}", base + 6),
            Color::Gray => format!("{}", base + 7),
            Color::DarkGray => format!("{}", base + 60),
            Color::LightRed => format!("{}", base + 61),
            Color::LightGreen => format!("{}", base + 62),
            Color::LightYellow => format!("{}", base + 63),
            Color::LightBlue => format!("{}", base + 64),
            Color::LightMagenta => format!("{}", base + 65),
            Color::LightCyan => format!("{}", base + 66),
            Color::White => format!("{}", base + 67),
            Color::Indexed(i) => format!("{};5;{i}", base + 8),
            Color::Rgb(r, g, b) => format!("{};2;{r};{g};{b}", base + 8),
        }
    };
    let buf = term.backend().buffer();
    // Clear the screen and home the cursor, then every row.
    let mut out = String::from("\x1b[H\x1b[2J");
    let mut last: Option<(Color, Color, Modifier)> = None;
    for (y, row) in buf
        .content
        .chunks(usize::from(buf.area.width.max(1)))
        .enumerate()
    {
        let _ = write!(out, "\x1b[{};1H", y + 1);
        let mut skip = 0usize;
        for cell in row {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let style = (cell.fg, cell.bg, cell.modifier);
            if last != Some(style) {
                let mut sgr = vec![
                    "0".to_string(),
                    colour(cell.fg, true),
                    colour(cell.bg, false),
                ];
                for (m, code) in [
                    (Modifier::BOLD, "1"),
                    (Modifier::DIM, "2"),
                    (Modifier::ITALIC, "3"),
                    (Modifier::UNDERLINED, "4"),
                    (Modifier::REVERSED, "7"),
                ] {
                    if cell.modifier.contains(m) {
                        sgr.push(code.to_string());
                    }
                }
                let _ = write!(out, "\x1b[{}m", sgr.join(";"));
                last = Some(style);
            }
            out.push_str(cell.symbol());
            skip = unicode_width::UnicodeWidthStr::width(cell.symbol()).saturating_sub(1);
        }
    }
    out.push_str("\x1b[0m");
    out
}
