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
pub(crate) mod run;
pub(crate) mod sweeps;
pub mod terminal;
pub(crate) mod theme;
pub(crate) mod update;
pub(crate) mod view;
pub(crate) mod widgets;

pub use groups::{TableLine, TableLines, Unit};
pub use model::{Control, Focus, LANE_THRESHOLD, Model, TuiOptions};
pub use run::{TerminalGuard, run};
pub use sweeps::{Filling, JacobianView};
pub use theme::Palette;
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
    // The test backend cannot fail (its error type is uninhabited).
    let mut term = match Terminal::new(TestBackend::new(width, height)) {
        Ok(t) => t,
        Err(e) => match e {},
    };
    if let Err(e) = term.draw(|f| draw(f, model)) {
        match e {}
    }
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

fn cell_width(s: &str) -> usize {
    model::width(s).max(1)
}
