//! The predict box (`p`): in place of the explanation while a question is
//! open — the last answer's result, the question (which step, which row,
//! which cell, named by the notation's symbol), the hint a wrong answer
//! earned, and the prediction being typed.
//!
//! Must not check answers nor build hints: the question, its hints and the
//! shown answer come from `app::quiz` through the model; this only lays
//! them out. The step's own cells stay hidden because the view is still at
//! the step before.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::Ctx;
use crate::core::visible;
use crate::tui::model::{Focus, Note};

pub fn render(ctx: &Ctx, area: Rect, buf: &mut Buffer) {
    if area.width < 3 || area.height < 3 {
        return;
    }
    let title = match ctx.m.predict_tally() {
        Some((k, n)) => format!("predict · {k}/{n} right"),
        None => "predict".to_string(),
    };
    Paragraph::new(lines(ctx))
        .block(ctx.block(&ctx.t(title), Focus::Explain))
        .wrap(Wrap { trim: false })
        .render(area, buf);
}

/// The box's lines (also what a test reads); empty when no question is
/// open.
pub fn lines(ctx: &Ctx) -> Vec<Line<'static>> {
    let m = ctx.m;
    let pal = &ctx.pal;
    let (Some(q), Some(typed)) = (m.question(), m.prediction_input()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    // The answer to the last question (right, or what it was).
    if let Some(s) = &m.status {
        out.push(Line::styled(
            ctx.t(visible::visible_line(s).into_owned()),
            pal.dim,
        ));
    }
    out.push(Line::styled(
        ctx.t(q.text(m.step_count())),
        pal.title.add_modifier(Modifier::BOLD),
    ));
    // The input before the hint: a long hint may be cut by a small
    // pane, the line being typed never.
    out.push(Line::from(vec![
        Span::styled(ctx.t(format!("{} = ", q.symbol)), pal.label),
        Span::styled(
            format!("{}_", visible::visible_line(typed)),
            pal.text.add_modifier(Modifier::BOLD),
        ),
    ]));
    match m.predict.as_ref().and_then(|p| p.note.as_ref()) {
        Some(Note::Hint { level, hint, said }) => {
            out.push(Line::from(vec![
                Span::styled(
                    ctx.t(format!(
                        "not {said}; hint {level} of 3: ",
                        said = visible::visible_line(said)
                    )),
                    pal.warn,
                ),
                Span::styled(hint.clone(), pal.text),
            ]));
        }
        Some(Note::NotANumber(said)) => out.push(Line::styled(
            ctx.t(format!(
                "'{}' is not a number: type one like 0.5403",
                visible::visible_line(said)
            )),
            pal.warn,
        )),
        None => {}
    }
    out
}
