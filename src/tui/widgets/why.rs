//! The "why AD" views over the body of the frame: the finite-difference
//! lab (`d`), expression swell (`s`), and the ones that follow. One of them is open at a time; its
//! key closes it again, and the stepping keys keep working underneath.
//!
//! Owns which view is open and what it computed when it was opened (the
//! lab's 33 evaluations of f run once, not per frame). Must not compute
//! derivatives: the numbers are `core::fd`'s and the sweep's.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Clear, Widget};

use super::Ctx;
use crate::core::fd::{self, Lab};
use crate::core::{format, symbolic};
use crate::tui::model::Model;

/// An open view and its data.
#[derive(Clone, Debug)]
pub enum Why {
    /// The finite-difference lab along the current seed.
    Fd(Box<Lab>),
    /// Expression swell: the symbolic derivative's text, made once.
    Symbolic(String),
    /// The forward sweep as the lecture's AdVar calls, up to the step
    /// (a window of rows, made per frame).
    AdVar,
    /// The tape reverse mode records (a window around the current row).
    Tape,
}

/// Which view a key asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WhyKind {
    Fd,
    Symbolic,
    AdVar,
    Tape,
}

impl Why {
    fn kind(&self) -> WhyKind {
        match self {
            Why::Fd(_) => WhyKind::Fd,
            Why::Symbolic(_) => WhyKind::Symbolic,
            Why::AdVar => WhyKind::AdVar,
            Why::Tape => WhyKind::Tape,
        }
    }
}

impl Model {
    /// Open the view (closing another), or close it if it is open.
    pub fn toggle_why(&mut self, kind: WhyKind) {
        if self.why.as_ref().map(Why::kind) == Some(kind) {
            self.why = None;
            return;
        }
        self.why = Some(match kind {
            // A stop is only asked for at the prompt, never in the view.
            WhyKind::Fd => match fd::lab(self.trace(), self.sweep(), 1) {
                Ok(lab) => Why::Fd(Box::new(lab)),
                Err(_) => return,
            },
            WhyKind::Symbolic => {
                let s = symbolic::swell(self.trace(), self.sweep());
                Why::Symbolic(format::symbolic_text(
                    self.trace(),
                    self.sweep(),
                    &s,
                    self.opts.style,
                ))
            }
            WhyKind::AdVar => Why::AdVar,
            WhyKind::Tape => Why::Tape,
        });
    }

    /// The open view, if any.
    pub fn why(&self) -> Option<&Why> {
        self.why.as_ref()
    }
}

/// Draw the open view over `area` (the panes between title and key bar).
pub fn render(ctx: &Ctx, area: Rect, buf: &mut Buffer) {
    let Some(why) = ctx.m.why() else {
        return;
    };
    if area.width < 20 || area.height < 6 {
        return;
    }
    Clear.render(area, buf);
    match why {
        Why::Fd(lab) => super::fd::render(ctx, lab, area, buf),
        Why::Symbolic(text) => text_view(ctx, "expression swell · s closes", text, area, buf),
        Why::AdVar => advar_view(ctx, area, buf),
        Why::Tape => tape_view(ctx, area, buf),
    }
}

/// The rows `upto` ends with, as many as `room` lets (each `per` lines):
/// what is on screen, never the whole trace.
fn window(upto: usize, room: usize, per: usize) -> std::ops::Range<usize> {
    let k = (room / per.max(1)).max(1);
    upto.saturating_sub(k)..upto
}

/// `o`: the forward sweep as the lecture's program runs it — each row the
/// overloaded call with its val and der and the lines of its method — up
/// to the current forward step.
fn advar_view(ctx: &Ctx, area: Rect, buf: &mut Buffer) {
    let m = ctx.m;
    let n = m.trace().len();
    let room = usize::from(area.height.saturating_sub(4));
    let (upto, note) = match ctx.step {
        Some(st) if st.phase == crate::core::schedule::Phase::Forward => (st.row + 1, None),
        _ => (
            n,
            Some("reverse mode is not a forward overloading: it records a tape first (T shows it)"),
        ),
    };
    let rows = window(upto, room, 4);
    let mut text = format::advar_rows(m.trace(), m.sweep(), &ctx.ex.names, rows).join("\n");
    if let Some(note) = note {
        text.push_str("\n\n");
        text.push_str(note);
    }
    text_view(
        ctx,
        "forward mode as the lecture's AdVar · o closes",
        &text,
        area,
        buf,
    );
}

/// `T`: the tape (Wengert list) around the current row, and its memory.
fn tape_view(ctx: &Ctx, area: Rect, buf: &mut Buffer) {
    let m = ctx.m;
    let n = m.trace().len();
    let room = usize::from(area.height.saturating_sub(6));
    let r = ctx.current_row().unwrap_or(0);
    let end = (r + 1 + room / 2).min(n).max((r + 1).min(n));
    let rows = window(end, room, 1);
    let mut text = format::tape_rows(m.trace(), m.sweep(), &ctx.ex.names, rows).join("\n");
    text.push_str(&format!(
        "\n\nmemory: {}, kept until the reverse sweep has read them back, last first",
        format::tape_memory_text(m.trace())
    ));
    text_view(
        ctx,
        "the tape reverse mode records · T closes",
        &text,
        area,
        buf,
    );
}

/// A view that is a text, wrapped, scrolled by nothing (it is made to fit).
fn text_view(ctx: &Ctx, title: &str, text: &str, area: Rect, buf: &mut Buffer) {
    use ratatui::text::Line;
    use ratatui::widgets::{Paragraph, Wrap};
    let lines: Vec<Line> = text
        .lines()
        .map(|l| Line::styled(ctx.t(l.to_string()), ctx.pal.text))
        .collect();
    Paragraph::new(lines)
        .block(ctx.block(title, crate::tui::model::Focus::Steps))
        .wrap(Wrap { trim: false })
        .render(area, buf);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::pipeline::{SeedSpec, trace};
    use crate::tui::keymap::Action;
    use crate::tui::{TuiOptions, render_text};

    fn model(src: &str) -> Model {
        let t = trace(src, "", false).unwrap();
        let p = t.point(None).unwrap();
        let s = t.seed(&SeedSpec::First).unwrap();
        Model::new(t, p, s, TuiOptions::default())
    }

    /// `d` opens the lab over the panes, `d` again closes it; the plot
    /// names AD's value and both best step sizes.
    #[test]
    fn the_lab_opens_and_closes() {
        let mut m = model("sin(x) at x = 1");
        m.resize(100, 30);
        m.act(Action::FiniteDifferences);
        let text = render_text(&m, 100, 30);
        assert!(text.contains("finite differences"), "{text}");
        assert!(
            text.contains("AD (one sweep): 0.5403023058681398"),
            "{text}"
        );
        assert!(text.contains("best h = 1e-08, error 3.0e-09"), "{text}");
        assert!(text.contains("best h = 1e-05, error 1.1e-11"), "{text}");
        m.act(Action::FiniteDifferences);
        assert!(!render_text(&m, 100, 30).contains("finite differences"));
    }

    /// `s` shows the derivative written out and its size; another view's
    /// key replaces it.
    #[test]
    fn the_swell_view() {
        let mut m = model("sin(sin(sin(sin(x)))) at x = 1");
        m.resize(100, 30);
        m.act(Action::Symbolic);
        let text = render_text(&m, 100, 30);
        assert!(text.contains("expression swell · s closes"), "{text}");
        assert!(
            text.contains("cos(sin(sin(sin(x))))·cos(sin(sin(x)))·cos(sin(x))·cos(x)   (13"),
            "{text}"
        );
        m.act(Action::FiniteDifferences);
        let text = render_text(&m, 100, 30);
        assert!(!text.contains("expression swell") && text.contains("d closes"));
    }

    /// `o` follows the steps: at forward step 2 the AdVar view ends with
    /// the row of step 2 and its method; `T` shows the tape and its memory.
    #[test]
    fn the_advar_and_tape_views_follow_the_step() {
        let mut m = model("W0 = 2; L = tanh(W0*x) + x at x = 1");
        m.resize(100, 30);
        m.act(Action::AdVar);
        m.set_step(1);
        let text = render_text(&m, 100, 30);
        assert!(text.contains("x1 = mul(2, x)"), "{text}");
        assert!(text.contains("c.der = a * b.der = 2 * 1"), "{text}");
        assert!(
            !text.contains("tanh(x1)"),
            "the next row is not shown yet: {text}"
        );
        m.set_step(2);
        let text = render_text(&m, 100, 30);
        assert!(text.contains("x2 = tanh(x1)"), "{text}");
        m.act(Action::Tape);
        let text = render_text(&m, 100, 30);
        assert!(text.contains("the tape reverse mode records"), "{text}");
        assert!(text.contains("memory: 4 records"), "{text}");
    }

    /// Every view draws at the smallest size and in ASCII without a panic
    /// and within the frame.
    #[test]
    fn every_view_fits_small_terminals() {
        for src in [
            "sin(x) at x = 1",
            "f(x, y) = (x*y, sin(x) + y) at x = 2, y = 3",
            "2 + 3",
        ] {
            for a in [
                Action::FiniteDifferences,
                Action::Symbolic,
                Action::AdVar,
                Action::Tape,
            ] {
                for (w, h) in [(60, 16), (80, 24), (200, 60)] {
                    let mut m = model(src);
                    m.resize(w, h);
                    m.act(a);
                    m.act(Action::Last);
                    let text = render_text(&m, w, h);
                    assert_eq!(text.lines().count(), usize::from(h), "{src} {a:?}");
                }
            }
        }
    }
}
