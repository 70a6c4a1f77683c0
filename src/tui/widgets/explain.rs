//! The explanation pane: what the current step does, at three levels (the
//! general rule, the rule with this row's names, the numbers), the fan-out
//! ledger of a reverse step term by term, the phase and which of its
//! sweeps ("reverse sweep 2 of 3"), "step k of n", the seed or cotangent
//! direction, the row's warnings, the selected row's rule and the caption.
//!
//! Must not build any rule or number itself: every text comes from
//! `explain::Explainer`; which step a row has is `schedule`'s.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::{Ctx, sweep_name};
use crate::core::notation::fixed;
use crate::core::schedule::Phase;
use crate::tui::model::Focus;

pub fn render(ctx: &Ctx, area: Rect, buf: &mut Buffer) {
    if area.width < 3 || area.height < 3 {
        return;
    }
    let lines = lines(ctx);
    Paragraph::new(lines)
        .block(ctx.block("explanation", Focus::Explain))
        .wrap(Wrap { trim: false })
        .scroll((ctx.m.explain_scroll, 0))
        .render(area, buf);
}

/// The pane's lines (also what a test reads).
pub fn lines(ctx: &Ctx) -> Vec<Line<'static>> {
    let m = ctx.m;
    let pal = &ctx.pal;
    let names = &ctx.ex.names;
    let trace = m.trace();
    let mut out = Vec::new();
    let Some(st) = ctx.step else {
        out.push(Line::from("This program has no rows."));
        return out;
    };
    let row = st.row;
    let who = match trace.name(row) {
        Some(n) => format!("{} ({n})", names.label(row)),
        None => names.label(row),
    };
    let phase_style = match st.phase {
        Phase::Forward => pal.phase_forward,
        Phase::Reverse => pal.phase_reverse,
    };
    out.push(Line::from(vec![
        Span::styled(ctx.t(sweep_name(ctx, st)), phase_style),
        Span::styled(
            ctx.t(format!(
                " · step {} of {} · row {who} · {}",
                st.index + 1,
                m.step_count(),
                m.direction_text(st.phase)
            )),
            pal.text,
        ),
    ]));
    if st.index + 1 == m.step_count() {
        out.push(Line::styled(
            ctx.t(summary(ctx)),
            pal.title.add_modifier(Modifier::BOLD),
        ));
    }
    let e = ctx.ex.explain(st);
    out.push(Line::from(vec![
        Span::styled("rule: ", pal.dim),
        Span::styled(e.general.clone(), pal.text),
    ]));
    if let Some(v) = &e.value {
        out.push(Line::from(vec![
            Span::styled("value: ", pal.dim),
            Span::styled(v.clone(), pal.text),
        ]));
    }
    let what = match st.phase {
        Phase::Forward => "tangent: ",
        Phase::Reverse => "adjoint: ",
    };
    out.push(Line::from(vec![
        Span::styled(what, pal.dim),
        Span::styled(
            format!("{} {}", e.symbolic, e.numeric),
            pal.text.add_modifier(Modifier::BOLD),
        ),
    ]));
    if !e.terms.is_empty() {
        let mut users: Vec<String> = e.terms.iter().map(|t| names.sym(t.consumer)).collect();
        if e.more_terms > 0 {
            users.push(format!("… and {} more", e.more_terms));
        }
        let head = if e.terms.len() > 1 {
            format!(
                "fan-out: {} is used by {}:",
                names.sym(row),
                users.join(", ")
            )
        } else {
            format!("{} is used by {}:", names.sym(row), users.join(", "))
        };
        out.push(Line::styled(ctx.t(head), pal.dim));
        for t in &e.terms {
            out.push(Line::from(vec![
                Span::raw("  "),
                Span::styled(t.partial_rule.clone(), pal.label),
            ]));
        }
    }
    if st.phase == Phase::Forward && m.inactive(row) {
        out.push(Line::styled(
            ctx.t(format!(
                "{} does not depend on the seeded inputs: its tangent is structurally 0",
                names.sym(row)
            )),
            pal.dim,
        ));
    }
    for w in m.warnings_at(row) {
        out.push(Line::styled(format!("! {}", ctx.ex.warning(w)), pal.warn));
    }
    if let Some(sel) = m.selected().filter(|&r| r != row) {
        let schedule = m.schedule();
        if let Some(s) = schedule
            .same_sweep(st.index, sel)
            .and_then(|k| schedule.step(k))
        {
            let k = s.index;
            let se = ctx.ex.explain(s);
            // A row the sweep has not reached shows its rule but not its
            // numbers, so selecting ahead never gives the answer away.
            let (when, text) = if k > st.index {
                (
                    format!(" (at step {}, not reached yet)", k + 1),
                    se.symbolic.clone(),
                )
            } else {
                (String::new(), se.line())
            };
            out.push(Line::from(vec![
                Span::styled(
                    ctx.t(format!("selected {}{when}: ", names.label(sel))),
                    pal.selected,
                ),
                Span::styled(text, pal.text),
            ]));
            for w in m.warnings_at(sel) {
                out.push(Line::styled(format!("! {}", ctx.ex.warning(w)), pal.warn));
            }
        }
    }
    if let Some(next) = m.schedule().step(st.index + 1) {
        out.push(Line::from(vec![
            Span::styled("next: ", pal.dim),
            Span::styled(ctx.t(next_text(ctx, next)), pal.dim),
        ]));
    }
    // The answer to the last key goes first (after the caption), so a full
    // pane cannot hide it.
    if let Some(s) = &m.status {
        out.insert(
            0,
            Line::styled(
                ctx.t(crate::core::visible::visible_line(s).into_owned()),
                pal.dim,
            ),
        );
    }
    // The presenter's caption goes first: a long fan-out ledger below must
    // not push it out of a small pane.
    if let Some(c) = &m.caption {
        out.insert(
            0,
            Line::styled(
                ctx.t(format!("▸ {}", crate::core::visible::visible_line(c))),
                pal.title.add_modifier(Modifier::ITALIC),
            ),
        );
    }
    out
}

/// What the next step does, without its numbers: `step 5 · x4 (d) ·
/// value and tangent · d/dw sqrt(g(w)) = …`.
fn next_text(ctx: &Ctx, next: crate::core::schedule::Step) -> String {
    let names = &ctx.ex.names;
    let row = next.row;
    let who = match ctx.m.trace().name(row) {
        Some(n) => format!("{} ({n})", names.label(row)),
        None => names.label(row),
    };
    let rule = ctx.ex.explain(next).general;
    let now = ctx.step.map(|s| s.phase);
    let what = match next.phase {
        Phase::Forward if now == Some(Phase::Reverse) => "value and tangent (a new sweep)",
        Phase::Forward => "value and tangent",
        Phase::Reverse if now == Some(Phase::Forward) => "adjoint (the reverse sweep starts)",
        Phase::Reverse => "adjoint",
    };
    format!("step {} · {who} · {what} · {rule}", next.index + 1)
}

/// The last step's summary: the output's value, the gradient the reverse
/// sweep gave, and what forward mode would have cost.
fn summary(ctx: &Ctx) -> String {
    let m = ctx.m;
    let t = m.trace();
    let names = &ctx.ex.names;
    let s = m.numbers();
    let p = m.opts.style.precision;
    let out = t.output();
    let mut text = format!("done: {} = {}", names.sym(out), fixed(s.value[out], p));
    let n = t.n_inputs;
    if t.n_outputs <= 1 && n > 0 {
        let grad: Vec<String> = (0..n)
            .map(|i| format!("{} = {}", names.partial(out, i), fixed(s.adjoint[i], p)))
            .collect();
        text.push_str(&format!("; gradient {}", grad.join(", ")));
        text.push_str(&format!(
            "; one reverse sweep; forward mode needed {n} sweep{}",
            if n == 1 { "" } else { "s" }
        ));
    } else {
        text.push_str(&format!(
            "; {} reverse sweeps (one per output); forward mode needed {n} (one per input)",
            t.n_outputs
        ));
    }
    if let Some(score) = m.predict_summary() {
        text.push_str(&format!("; {score}"));
    }
    text
}
