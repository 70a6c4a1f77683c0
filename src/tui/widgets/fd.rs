//! The finite-difference lab (`d`) as a log-log plot: the error of the
//! forward and the central difference against h, the V of truncation and
//! round-off, the best h of each marked, and AD's exact value beside it.
//!
//! Draws `core::fd::Lab` with ratatui's Chart. Must not compute: the lab
//! is computed once when the view opens.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Paragraph, Widget};

use super::Ctx;
use crate::core::fd::{Best, Lab};
use crate::core::format::sci;
use crate::tui::model::Focus;

/// log10 of an error, with 0 (an exact difference) drawn at the floor.
fn lg(e: f64) -> Option<f64> {
    if e.is_nan() {
        None
    } else if e == 0.0 {
        Some(-17.0)
    } else {
        Some(e.log10().clamp(-17.0, 3.0))
    }
}

fn points(lab: &Lab, pick: impl Fn(&crate::core::fd::Row) -> f64) -> Vec<(f64, f64)> {
    lab.rows
        .iter()
        .filter_map(|r| lg(pick(r)).map(|e| (r.h.log10(), e)))
        .collect()
}

fn best_point(b: Option<Best>) -> Vec<(f64, f64)> {
    b.and_then(|b| lg(b.error).map(|e| (b.h.log10(), e)))
        .into_iter()
        .collect()
}

pub fn render(ctx: &Ctx, lab: &Lab, area: Rect, buf: &mut Buffer) {
    let block = ctx.block("finite differences · d closes", Focus::Steps);
    let inner = block.inner(area);
    block.render(area, buf);
    let best = |b: Option<Best>| {
        b.map_or("none".to_string(), |b| {
            format!("h = {}, error {}", sci(b.h, 0), sci(b.error, 1))
        })
    };
    let head = vec![
        Line::from(vec![
            Span::styled(
                ctx.t(format!("AD (one sweep): {}", lab.exact)),
                ctx.pal.text,
            ),
            Span::styled(
                ctx.t(format!("   along the seed {}", ctx.ex.seed_text())),
                ctx.pal.dim,
            ),
        ]),
        Line::from(vec![
            Span::styled("f", ctx.pal.phase_forward),
            Span::styled(
                ctx.t(format!(
                    " forward (f(x+h)−f(x))/h: best {}",
                    best(lab.best_forward)
                )),
                ctx.pal.text,
            ),
        ]),
        Line::from(vec![
            Span::styled("c", ctx.pal.phase_reverse),
            Span::styled(
                ctx.t(format!(
                    " central (f(x+h)−f(x−h))/2h: best {}",
                    best(lab.best_central)
                )),
                ctx.pal.text,
            ),
        ]),
    ];
    let head_h = 3.min(inner.height);
    Paragraph::new(head).render(
        Rect {
            height: head_h,
            ..inner
        },
        buf,
    );
    let plot = Rect {
        y: inner.y + head_h,
        height: inner.height - head_h,
        ..inner
    };
    let fwd = points(lab, |r| r.forward.error);
    let cen = points(lab, |r| r.central.error);
    let bf = best_point(lab.best_forward);
    let bc = best_point(lab.best_central);
    let all = fwd.iter().chain(&cen).map(|p| p.1);
    let lo = all.clone().fold(f64::INFINITY, f64::min).floor().min(-1.0);
    let hi = all.fold(f64::NEG_INFINITY, f64::max).ceil().max(lo + 1.0);
    let marker = if ctx.ascii {
        Marker::Dot
    } else {
        Marker::Braille
    };
    let data = vec![
        Dataset::default()
            .name("forward")
            .marker(marker)
            .graph_type(GraphType::Line)
            .style(ctx.pal.phase_forward)
            .data(&fwd),
        Dataset::default()
            .name("central")
            .marker(marker)
            .graph_type(GraphType::Line)
            .style(ctx.pal.phase_reverse)
            .data(&cen),
        Dataset::default()
            .name("best")
            .marker(Marker::Block)
            .graph_type(GraphType::Scatter)
            .style(ctx.pal.phase_forward)
            .data(&bf),
        Dataset::default()
            .marker(Marker::Block)
            .graph_type(GraphType::Scatter)
            .style(ctx.pal.phase_reverse)
            .data(&bc),
    ];
    let ylabels: Vec<Span> = [lo, (lo + hi) / 2.0, hi]
        .iter()
        .map(|v| Span::raw(format!("1e{}", v.round() as i64)))
        .collect();
    Chart::new(data)
        .legend_position(None)
        .x_axis(
            Axis::default()
                .title(ctx.t("h (log scale)".to_string()))
                .bounds([-16.0, -1.0])
                .labels(vec![
                    Span::raw("1e-16"),
                    Span::raw("1e-8"),
                    Span::raw("1e-1"),
                ]),
        )
        .y_axis(
            Axis::default()
                .title(ctx.t("|error|".to_string()))
                .bounds([lo, hi])
                .labels(ylabels),
        )
        .render(plot, buf);
}
