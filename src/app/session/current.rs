//! The current program and what changes it: a program typed or loaded,
//! its point (`at`), its seed (`:wrt`, `:seed`), its plan of sweeps
//! (`:jacobian`, `:cotangent`), the settings that re-trace it (`:set
//! cse`), the step the view opens at, `:expect`, and the view and tables
//! of it.
//!
//! Must not touch files (that is `files`) nor compute anything: the
//! pipeline traces and sweeps, the formats render.

use std::rc::Rc;

use super::evaluate::{Part, evaluate, replanned, reseeded, seed_list, uses_cotangent};
use super::{Current, Origin, Output, Piece, Session, View, error_at};
use crate::app::commands::{Expect, StepTo};
use crate::app::expect;
use crate::app::{script, settings};
use crate::core::diagnostic::{Diagnostic, Span};
use crate::core::format::{self, Format};
use crate::core::notation::Notation;
use crate::core::pipeline::{self, Failure, FailureKind, SeedSpec};
use crate::core::schedule::{Phase, Schedule};
use crate::core::sweep::Mode;

impl Session {
    pub(super) fn nothing_traced(&self, span: Span) -> Diagnostic {
        match &self.current {
            None => Diagnostic::new(span, "no program yet")
                .with_hint("type a program first, e.g. sin(x)*y at x = 1, y = 2"),
            Some(c) => {
                let d = Diagnostic::new(span, "the current program has no point yet");
                let inputs: Vec<&str> = c.traced.trace.input_names().collect();
                let list: Vec<String> = inputs.iter().map(|n| format!("{n} = …")).collect();
                d.with_hint(format!("give one with 'at {}'", list.join(", ")))
            }
        }
    }

    pub(super) fn program(&mut self, text: &str, origin: &Origin) -> Vec<Output> {
        let piece = Piece {
            input: text.to_string(),
            offset: 0,
            origin: origin.clone(),
        };
        let traced = match pipeline::trace(text, "", self.settings.no_cse) {
            Ok(t) => t,
            Err(f) => return vec![trace_failure(&f, &piece, None)],
        };
        let has_point = !traced.program.point.is_empty();
        // A program typed at the prompt is not part of the script whose
        // title may still be set (after ':example').
        if origin.file.is_empty() {
            self.title = None;
        }
        let mut cur = Current {
            program: piece,
            traced: Rc::new(traced),
            at: None,
            seed: SeedSpec::First,
            seed_piece: None,
            mode: Mode::Reverse,
            cotangent: None,
            evaluated: None,
            step: 0,
        };
        let result = evaluate(&cur);
        let inputs: Vec<String> = cur.traced.trace.input_names().map(str::to_string).collect();
        match result {
            Ok(ev) => {
                cur.evaluated = Some(ev);
                self.current = Some(cur);
                self.show_or_empty(true)
            }
            Err(f) if has_point && f.kind() != FailureKind::MissingValue => vec![f.output(&cur)],
            Err(f) => {
                let missing = f.failure.diagnostic.message.clone();
                self.current = Some(cur);
                let want: Vec<String> = inputs.iter().map(|n| format!("{n} = …")).collect();
                let note = if has_point {
                    format!("{missing}: give it with 'at {}'", want.join(", "))
                } else {
                    format!(
                        "remembered a program of {}; give a point with 'at {}'",
                        inputs.join(", "),
                        want.join(", ")
                    )
                };
                vec![Output::Note(note)]
            }
        }
    }

    pub(super) fn show_or_empty(&mut self, open: bool) -> Vec<Output> {
        match self.view(open) {
            Some(v) => self.show(v),
            None => Vec::new(),
        }
    }

    /// A view and, for a view the user asked for, its table.
    pub(super) fn show(&self, v: View) -> Vec<Output> {
        let open = v.open;
        let mut out = vec![Output::View(Box::new(v))];
        if open && let Some(t) = self.render(self.settings.format) {
            out.push(Output::Text(t));
        }
        out
    }

    pub(super) fn at(&mut self, piece: Piece) -> Vec<Output> {
        let Some(cur) = &mut self.current else {
            return vec![Output::Error(
                piece.render(
                    &Diagnostic::new(Span::new(0, 0), "no program yet to give a point to")
                        .with_hint("type a program first, e.g. f(x) = sin(x)^2"),
                ),
            )];
        };
        let old = cur.at.replace(piece.clone());
        let old_traced = cur.traced.clone();
        // A point that gives an input another shape (theta = [1, 0.5])
        // changes the rows: trace again.
        let shapes = pipeline::at_shapes(Some(piece.text()));
        if shapes != cur.traced.shapes {
            match pipeline::trace_at(
                &cur.program.input,
                "",
                self.settings.no_cse,
                Some(piece.text()),
            ) {
                Ok(t) => cur.traced = Rc::new(t),
                Err(f) => {
                    cur.at = old;
                    return vec![trace_failure(&f, &cur.program, Some(&piece))];
                }
            }
        }
        match evaluate(cur) {
            Ok(ev) => {
                cur.evaluated = Some(ev);
                cur.step = 0;
                self.show_or_empty(true)
            }
            Err(f) => {
                let out = f.output(cur);
                // Nothing lost: the old point stays.
                cur.at = old;
                cur.traced = old_traced;
                vec![out]
            }
        }
    }

    pub(super) fn seed(&mut self, spec: SeedSpec, piece: Piece) -> Vec<Output> {
        let Some(cur) = &mut self.current else {
            return vec![Output::Error(
                piece.render(
                    &Diagnostic::new(Span::new(0, piece.text().len()), "no program yet")
                        .with_hint("type a program first, e.g. f(x1, x2) = x1*x2"),
                ),
            )];
        };
        let old_seed = std::mem::replace(&mut cur.seed, spec);
        let old_piece = cur.seed_piece.replace(piece);
        // A new seed changes only the tangents: the sweeps' values,
        // partials and adjoints stay.
        let result = match cur.evaluated.clone() {
            Some(e) => reseeded(cur, &e),
            None => evaluate(cur),
        };
        match result {
            Ok(ev) => {
                cur.evaluated = Some(ev);
                self.changed_view()
            }
            Err(f) if f.part == Part::Seed => {
                let out = f.output(cur);
                cur.seed = old_seed;
                cur.seed_piece = old_piece;
                vec![out]
            }
            Err(_) => {
                cur.evaluated = None;
                vec![Output::Note(
                    "seed set; give a point with 'at …' to trace".into(),
                )]
            }
        }
    }

    /// The view (not opened) and the table after a change of seed or plan.
    fn changed_view(&self) -> Vec<Output> {
        let mut out: Vec<Output> = self
            .view(false)
            .into_iter()
            .map(|v| Output::View(Box::new(v)))
            .collect();
        out.extend(self.render(self.settings.format).map(Output::Text));
        out
    }

    /// `:cotangent z=[1, 0]` (or `off`, `None`): one reverse sweep along
    /// it. The values and tangents stay; the adjoints are recomputed.
    pub(super) fn cotangent(
        &mut self,
        piece: Option<Piece>,
        whole: Span,
        text: &str,
        origin: &Origin,
    ) -> Vec<Output> {
        let Some(cur) = &mut self.current else {
            return vec![error_at(text, origin, self.nothing_traced(whole))];
        };
        if let Some(p) = &piece
            && let Err(f) = cur.traced.cotangent(p.text())
        {
            return vec![trace_failure(&f, &cur.program, Some(p))];
        }
        let set = piece.is_some();
        let old = std::mem::replace(&mut cur.cotangent, piece);
        let Some(e) = cur.evaluated.clone() else {
            return vec![Output::Note(if set {
                "cotangent set; give a point with 'at …' to trace".into()
            } else {
                "cotangent off".into()
            })];
        };
        match replanned(cur, &e) {
            Ok(ev) => {
                let unused = set && !uses_cotangent(&ev);
                cur.evaluated = Some(ev);
                self.clamp_step();
                let mut out = self.changed_view();
                if unused {
                    out.push(Output::Note(
                        "the cotangent is kept for reverse mode: forward mode builds the Jacobian without a reverse sweep (':jacobian reverse' uses it)".into(),
                    ));
                }
                out
            }
            Err(f) => {
                let out = f.output(cur);
                cur.cotangent = old;
                vec![out]
            }
        }
    }

    /// `:jacobian forward|reverse`: the sweeps that build the Jacobian.
    pub(super) fn jacobian(
        &mut self,
        mode: Mode,
        whole: Span,
        text: &str,
        origin: &Origin,
    ) -> Vec<Output> {
        let Some(cur) = &mut self.current else {
            return vec![error_at(text, origin, self.nothing_traced(whole))];
        };
        let old = std::mem::replace(&mut cur.mode, mode);
        let (n, m) = (cur.traced.trace.n_inputs, cur.traced.trace.n_outputs.max(1));
        let plural = |k: usize| if k == 1 { "" } else { "s" };
        let note = match mode {
            Mode::Forward => format!(
                "Jacobian by forward mode: {n} forward sweep{}, one per input (a column each){}",
                plural(n),
                if cur.cotangent.is_some() && (n > 1 || m > 1) {
                    "; the cotangent waits for ':jacobian reverse'"
                } else {
                    ""
                }
            ),
            Mode::Reverse if cur.cotangent.is_some() => {
                "reverse mode: one reverse sweep along the cotangent".to_string()
            }
            Mode::Reverse => format!(
                "Jacobian by reverse mode: {m} reverse sweep{}, one per output (a row each)",
                plural(m)
            ),
        };
        let Some(e) = cur.evaluated.clone() else {
            return vec![Output::Note(note)];
        };
        match replanned(cur, &e) {
            Ok(ev) => {
                cur.evaluated = Some(ev);
                self.clamp_step();
                let mut out = self.changed_view();
                out.push(Output::Note(note));
                out
            }
            Err(f) => {
                let out = f.output(cur);
                cur.mode = old;
                vec![out]
            }
        }
    }

    /// Keep the view's step inside the current schedule.
    fn clamp_step(&mut self) {
        if let Some(cur) = &mut self.current
            && let Some(e) = &cur.evaluated
        {
            cur.step = cur.step.min(e.sweep.schedule(&cur.traced.trace).last());
        }
    }

    pub(super) fn set(&mut self, name: &str, value: &str) -> Vec<Output> {
        // `commands::parse` took only a known setting with a value of it.
        let Some(setting) = settings::find(name) else {
            return vec![Output::Error(format!(
                "error: internal error: no setting '{name}'\n"
            ))];
        };
        let no_cse = self.settings.no_cse;
        if !(setting.parse)(value, &mut self.settings) {
            return vec![Output::Error(format!(
                "error: internal error: '{value}' is not a value of {name}\n"
            ))];
        }
        if self.settings.no_cse != no_cse
            && let Some(cur) = &mut self.current
        {
            // Re-trace: the rows change, so the step starts over.
            match cur.traced.retrace(self.settings.no_cse) {
                Ok(t) => {
                    cur.traced = Rc::new(t);
                    cur.step = 0;
                    cur.evaluated = evaluate(cur).ok();
                }
                Err(f) => return vec![Output::Error(cur.program.render(&f.diagnostic))],
            }
        }
        let note = (setting.note)(&self.settings);
        let mut out: Vec<Output> = self
            .view(false)
            .into_iter()
            .map(|v| Output::View(Box::new(v)))
            .collect();
        out.push(Output::Note(note));
        out
    }

    pub(super) fn step(
        &mut self,
        to: StepTo,
        span: Span,
        text: &str,
        origin: &Origin,
    ) -> Vec<Output> {
        let Some(cur) = self.current.as_mut().filter(|c| c.evaluated.is_some()) else {
            return vec![error_at(text, origin, self.nothing_traced(span))];
        };
        let schedule = cur
            .evaluated
            .as_ref()
            .map_or(Schedule::single(cur.traced.trace.len()), |e| {
                e.sweep.schedule(&cur.traced.trace)
            });
        let last = schedule.last();
        let k = match to {
            StepTo::Index(k) => k,
            StepTo::Forward => 0,
            StepTo::Reverse => schedule.start_of(Phase::Reverse),
            StepTo::End => last,
            StepTo::Ahead(n) => cur.step.saturating_add(n),
            StepTo::Back(n) => cur.step.saturating_sub(n),
        };
        cur.step = k.min(last);
        let phase = schedule.step(cur.step).map_or("", |s| s.phase.name());
        vec![
            Output::Step(cur.step),
            Output::Note(format!(
                "':tui' opens at step {} of {} ({phase} sweep)",
                cur.step + 1,
                last + 1
            )),
        ]
    }

    pub(super) fn expect(
        &mut self,
        e: &Expect,
        span: Span,
        text: &str,
        origin: &Origin,
    ) -> Vec<Output> {
        let Some((cur, ev)) = self
            .current
            .as_ref()
            .and_then(|c| c.evaluated.as_ref().map(|ev| (c, ev)))
        else {
            return vec![error_at(text, origin, self.nothing_traced(span))];
        };
        let style = self.settings.style;
        let (name, got) = match expect::lookup(&e.target, &cur.traced.trace, &ev.sweep, style) {
            Ok(x) => x,
            Err(hint) => {
                let d =
                    Diagnostic::new(e.target_span, "no such number in the table").with_hint(hint);
                return vec![error_at(text, origin, d)];
            }
        };
        let tol = expect::tolerance(e, style.precision);
        let shown = |x: f64| crate::core::notation::num(x, style.precision.max(e.decimals) + 2);
        if expect::holds(e.value, got, tol) {
            vec![Output::ExpectHeld(format!("ok: {name} = {}", shown(got)))]
        } else {
            let expected = e.value_span.text(text).to_string();
            let d = Diagnostic::new(
                e.value_span,
                format!(
                    "expectation failed: {name} = {expected} ± {}, but it is {}",
                    tol,
                    shown(got)
                ),
            );
            vec![Output::ExpectFailed(script::render_at(
                &d,
                text,
                &origin.file,
                origin.line.max(1),
            ))]
        }
    }

    /// The current view, if the program has its point.
    pub(super) fn view(&self, open: bool) -> Option<View> {
        let cur = self.current.as_ref()?;
        Some(View {
            traced: cur.traced.clone(),
            eval: cur.evaluated.clone()?,
            settings: self.settings,
            step: cur.step,
            title: self.title.clone(),
            open,
        })
    }

    /// After the stepping view closes: take over what the user changed in
    /// it (the `notation`, `no_cse` and `seed` it ended with), as the
    /// commands that set them (so a recording replays it), and return the
    /// table as it now reads, if anything changed.
    pub fn adopt_view(&mut self, notation: Notation, no_cse: bool, seed: &[f64]) -> Option<String> {
        let mut changed = false;
        if notation != self.settings.style.notation {
            self.handle_line(&format!(":set notation {}", notation.name()));
            changed = true;
        }
        if no_cse != self.settings.no_cse {
            self.handle_line(if no_cse {
                ":set cse off"
            } else {
                ":set cse on"
            });
            changed = true;
        }
        let cur = self.current.as_ref()?;
        let ev = cur.evaluated.as_ref()?;
        if seed != ev.seed.as_slice() {
            let list = seed_list(&cur.traced.trace, seed);
            if !list.is_empty() {
                self.handle_line(&format!(":seed {list}"));
                changed = true;
            }
        }
        if changed {
            self.render(self.settings.format)
        } else {
            None
        }
    }

    /// The current program in a format, if it has its point.
    /// `:fd`: the finite-difference lab on the current program (or the
    /// note that Ctrl-C stopped it).
    pub fn fd_lab(&self, per_decade: u32) -> Option<Output> {
        let cur = self.current.as_ref()?;
        let sw = &cur.evaluated.as_ref()?.sweep;
        let t = &cur.traced.trace;
        Some(match crate::core::fd::lab(t, sw, per_decade) {
            Ok(lab) => Output::Text(format::fd_text(t, sw, &lab, self.settings.style)),
            Err(c) => Output::Error(format!("{c}: the lab was not finished\n")),
        })
    }

    /// `:symbolic`: the derivative written out, against the trace.
    pub fn symbolic(&self) -> Option<String> {
        let cur = self.current.as_ref()?;
        let sw = &cur.evaluated.as_ref()?.sweep;
        let t = &cur.traced.trace;
        let s = crate::core::symbolic::swell(t, sw);
        Some(format::symbolic_text(t, sw, &s, self.settings.style))
    }

    pub fn render(&self, fmt: Format) -> Option<String> {
        let cur = self.current.as_ref()?;
        let sw = &cur.evaluated.as_ref()?.sweep;
        let opts = format::Options {
            style: self.settings.style,
            output_only: false,
            steps: self.settings.steps,
            ..format::Options::default()
        };
        Some(format::render(fmt, &cur.traced.trace, sw, opts))
    }
}

/// A failure of the core, rendered in the input it concerns.
pub(super) fn trace_failure(f: &Failure, program: &Piece, other: Option<&Piece>) -> Output {
    let text = if f.origin.is_empty() {
        program.render(&f.diagnostic)
    } else {
        match other {
            Some(p) => p.render(&f.diagnostic),
            None => f.render(),
        }
    };
    Output::Error(text)
}
