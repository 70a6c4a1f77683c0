//! Input → state: what each key and mouse action does to the `Model`.
//!
//! Owns what each action does (`keymap` says which key asks for it). Must
//! not draw nor compute numbers; hit tests use the same pure pane geometry as
//! the view (`view::panes`), so a click lands where the user sees things.

use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::{Position, Rect};

use super::keymap::{self, Action, KEYMAP};
use super::model::{Control, Focus, Mode, Model, Note, Predict};
use super::view::{self, Panes};
use super::widgets::why::WhyKind;
use super::widgets::{graph, table};
use crate::app::quiz::Feedback;
use crate::core::schedule::Phase;

/// Most characters a typed prediction may have.
const MAX_ANSWER: usize = 40;

impl Model {
    /// Apply one key. Ctrl-C always quits.
    pub fn handle_key(&mut self, key: KeyEvent) -> Control {
        let c = self.key(key);
        // A key may have changed the numbers or the notation.
        self.sync_predict();
        c
    }

    fn key(&mut self, key: KeyEvent) -> Control {
        if key.kind == KeyEventKind::Release {
            return Control::Continue;
        }
        let ctrl_c = key.modifiers.contains(KeyModifiers::CONTROL)
            && matches!(key.code, KeyCode::Char('c' | 'C'));
        if ctrl_c {
            return Control::Quit;
        }
        // Esc stops a background re-trace before it does anything else.
        if key.code == KeyCode::Esc && self.cancel_background() {
            return Control::Continue;
        }
        match std::mem::take(&mut self.mode) {
            Mode::Stepping => {}
            Mode::Help => {
                // Any key closes the help; q still leaves.
                return if key.code == KeyCode::Char('q') {
                    Control::Quit
                } else {
                    Control::Continue
                };
            }
            Mode::TypingSeed(mut text) => {
                match type_into(&mut text, key.code, |_| true, 200) {
                    Line::Done => {
                        if let Err(e) = self.type_seed(&text) {
                            self.status = Some(format!("seed not changed: {e}"));
                        }
                    }
                    Line::Left => {}
                    Line::Typing => self.mode = Mode::TypingSeed(text),
                }
                return Control::Continue;
            }
            Mode::TypingStep(mut text) => {
                match type_into(&mut text, key.code, |c| c.is_ascii_digit(), 12) {
                    Line::Done => self.go_to_typed_step(&text),
                    Line::Left => {}
                    Line::Typing => self.mode = Mode::TypingStep(text),
                }
                return Control::Continue;
            }
            Mode::Predicting(mut text) => {
                if matches!(key.code, KeyCode::Tab | KeyCode::Char('?')) {
                    self.give_up(&text);
                    return Control::Continue;
                }
                match type_into(&mut text, key.code, answer_char, MAX_ANSWER) {
                    Line::Done => self.check_prediction(text),
                    Line::Left => {
                        self.status = Some("question left: → asks it again".to_string());
                    }
                    Line::Typing => self.mode = Mode::Predicting(text),
                }
                return Control::Continue;
            }
        }
        self.status = None;
        match keymap::action(KEYMAP, key, self.focus == Focus::Steps) {
            Some(a) => return self.act(a),
            None => self.scroll_focused(key.code),
        }
        Control::Continue
    }

    /// Do what an action of the keymap asks.
    pub fn act(&mut self, action: Action) -> Control {
        let last = self.step_count().saturating_sub(1);
        match action {
            Action::Quit => return Control::Quit,
            Action::Next => self.step_forward(),
            Action::Prev => self.set_step(self.step.saturating_sub(1)),
            Action::First | Action::ForwardStart => self.set_step(0),
            Action::Last => self.set_step(last),
            Action::ReverseStart => {
                if self.schedule().sweeps(Phase::Reverse) == 0 {
                    self.status = Some(
                        "forward mode has no reverse sweep: j switches to reverse mode".to_string(),
                    );
                } else {
                    self.set_step(self.schedule().start_of(Phase::Reverse));
                }
            }
            Action::NextSweep => self.next_sweep(),
            Action::PrevSweep => self.prev_sweep(),
            Action::SwitchMode => self.switch_mode(),
            Action::ToggleFold => self.toggle_fold(),
            Action::ToggleJacobian => self.toggle_jacobian(),
            Action::FiniteDifferences => self.toggle_why(WhyKind::Fd),
            Action::Symbolic => self.toggle_why(WhyKind::Symbolic),
            Action::AdVar => self.toggle_why(WhyKind::AdVar),
            Action::Tape => self.toggle_why(WhyKind::Tape),
            Action::Autoplay => {
                self.autoplay = !self.autoplay;
                if self.autoplay && self.step >= last {
                    self.set_step(0);
                }
            }
            Action::Faster => self.faster(),
            Action::Slower => self.slower(),
            Action::NextSeed => self.cycle_seed(),
            Action::TypeSeed if self.trace().n_inputs > 0 => {
                self.mode = Mode::TypingSeed(String::new())
            }
            Action::GoToStep => self.mode = Mode::TypingStep(String::new()),
            Action::ToggleRules => {
                self.rule_column = !self.rule_column;
                self.status = Some(
                    if self.rule_column {
                        "rule column on: each row's rule beside its numbers (R hides it)"
                    } else {
                        "rule column off"
                    }
                    .to_string(),
                );
            }
            Action::Predict => self.toggle_predict(),
            Action::ToggleCse => self.toggle_cse(),
            Action::ToggleNotation => self.toggle_notation(),
            Action::ToggleLanes => self.toggle_lanes(),
            Action::Help => self.mode = Mode::Help,
            Action::FocusNext => self.focus = self.focus.next(),
            Action::FocusPrev => self.focus = self.focus.prev(),
            Action::GoToSelected => {
                // Go to the selected row's step in the current sweep.
                if let Some(k) = self
                    .selected
                    .and_then(|r| self.schedule().same_sweep(self.step, r))
                {
                    self.set_step(k);
                }
            }
            Action::TypeSeed
            | Action::NextPause
            | Action::PrevPause
            | Action::Scroll
            | Action::Mouse => {}
        }
        Control::Continue
    }

    /// One step forward; in predict mode a step that reveals a cell not
    /// predicted yet asks for it first (the view stays where it is, so the
    /// cell stays hidden).
    pub(crate) fn step_forward(&mut self) {
        let next = (self.step + 1).min(self.step_count().saturating_sub(1));
        if next != self.step && self.ask(next) {
            // Autoplay waits for the answer; the "why" views would hide it.
            self.autoplay = false;
            self.why = None;
            return;
        }
        self.set_step(next);
    }

    /// Ask the first open question of `step`, if predict mode has one.
    fn ask(&mut self, step: usize) -> bool {
        self.reach_step(step);
        let Some(p) = self.predict.as_mut() else {
            return false;
        };
        let Some(quiz) = p.steps.get_mut(&step) else {
            return false;
        };
        let Some(i) = quiz.open_at(step) else {
            return false;
        };
        if p.at != Some(step) || quiz.current != i {
            p.note = None;
        }
        quiz.current = i;
        p.at = Some(step);
        self.mode = Mode::Predicting(String::new());
        true
    }

    /// Enter: check the prediction (`app::quiz` decides right, hint or
    /// the answer).
    fn check_prediction(&mut self, text: String) {
        let Some((step, quiz, note)) = self.predict.as_mut().and_then(Predict::open) else {
            return;
        };
        if text.trim().is_empty() {
            self.mode = Mode::Predicting(text);
            return;
        }
        let i = quiz.current;
        let said = text.trim().to_string();
        match quiz.answer(&text) {
            Feedback::Right => {
                self.status = Some(format!("right: {}", quiz.shown(i)));
                *note = None;
                self.settled(step);
            }
            Feedback::Answer => {
                self.status = Some(format!("not quite: {} (you said {said})", quiz.shown(i)));
                *note = None;
                self.settled(step);
            }
            Feedback::Hint(level, hint) => {
                *note = Some(Note::Hint { level, hint, said });
                self.mode = Mode::Predicting(String::new());
            }
            Feedback::NotANumber => {
                *note = Some(Note::NotANumber(said));
                self.mode = Mode::Predicting(String::new());
            }
        }
    }

    /// Tab or `?`: show the answer (the question counts as wrong).
    fn give_up(&mut self, text: &str) {
        let Some((step, quiz, note)) = self.predict.as_mut().and_then(Predict::open) else {
            return;
        };
        let i = quiz.current;
        quiz.skip(if text.trim().is_empty() { "?" } else { text });
        self.status = Some(format!("the answer: {}", quiz.shown(i)));
        *note = None;
        self.settled(step);
    }

    /// A question of `step` is settled: ask the step's next one (the
    /// derivative after the value), else show the step.
    fn settled(&mut self, step: usize) {
        if !self.ask(step) {
            self.set_step(step);
        }
    }

    /// Arrows and page keys scroll the focused pane.
    fn scroll_focused(&mut self, code: KeyCode) {
        let panes = self.panes();
        match self.focus {
            Focus::Steps => {}
            Focus::Graph => {
                let (dx, dy) = match code {
                    KeyCode::Left => (-4, 0),
                    KeyCode::Right => (4, 0),
                    KeyCode::Up => (0, -2),
                    KeyCode::Down => (0, 2),
                    KeyCode::PageUp => (0, -i32::from(panes.graph.height.max(2) / 2)),
                    KeyCode::PageDown => (0, i32::from(panes.graph.height.max(2) / 2)),
                    _ => return,
                };
                self.pan_graph(&panes, dx, dy);
            }
            Focus::Table => {
                let n = self.trace().len();
                if n == 0 {
                    return;
                }
                let page = usize::from(table::body_height(panes.table).max(1));
                let cur = self.selected.unwrap_or(self.current().map_or(0, |s| s.row));
                let sel = match code {
                    KeyCode::Up => cur.saturating_sub(1),
                    KeyCode::Down => (cur + 1).min(n - 1),
                    KeyCode::PageUp => cur.saturating_sub(page),
                    KeyCode::PageDown => (cur + page).min(n - 1),
                    _ => return,
                };
                self.selected = Some(sel);
                // Keep the selected row's line (and its group's header
                // just above it) in view.
                let lines = self.table_lines();
                let line = lines.line_of(sel);
                let above = if sel == 0 || lines.line_of(sel - 1) + 1 < line {
                    line.saturating_sub(1)
                } else {
                    line
                };
                let top = table::top_row(self, panes.table);
                let top = if above < top {
                    above
                } else if line >= top + page {
                    line + 1 - page
                } else {
                    top
                };
                self.table_top = Some(top);
            }
            Focus::Explain => match code {
                KeyCode::Up => self.explain_scroll = self.explain_scroll.saturating_sub(1),
                KeyCode::Down => self.explain_scroll = self.explain_scroll.saturating_add(1),
                KeyCode::PageUp => self.explain_scroll = self.explain_scroll.saturating_sub(5),
                KeyCode::PageDown => self.explain_scroll = self.explain_scroll.saturating_add(5),
                _ => {}
            },
        }
    }

    fn panes(&self) -> Panes {
        view::panes(Rect::new(0, 0, self.size.0, self.size.1), self)
    }

    fn pan_graph(&mut self, panes: &Panes, dx: i32, dy: i32) {
        let (x, y) = graph::offset(self, panes.graph);
        self.graph_pan = Some((x.saturating_add(dx).max(0), y.saturating_add(dy).max(0)));
        if self.lane_view() {
            // Lanes scroll with the table vertically.
            self.graph_pan = Some((x.saturating_add(dx).max(0), 0));
            if dy != 0 {
                let top = table::top_row(self, panes.table) as i64 + i64::from(dy);
                self.table_top = Some(top.max(0) as usize);
            }
        }
    }

    /// Clicks select rows (in the table or the graph), drags pan the graph,
    /// the wheel scrolls the pane under the pointer.
    pub fn handle_mouse(&mut self, ev: MouseEvent) {
        let panes = self.panes();
        if panes.too_small || self.mode == Mode::Help {
            return;
        }
        let at = Position::new(ev.column, ev.row);
        let in_graph = panes.graph.contains(at);
        let in_table = panes.table.contains(at);
        let in_explain = panes.explain.contains(at);
        match ev.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                let hit = if in_table {
                    self.focus = Focus::Table;
                    table::row_at(self, panes.table, at)
                } else if in_graph {
                    self.focus = Focus::Graph;
                    self.drag = Some((ev.column, ev.row));
                    graph::row_at(self, &panes, at)
                } else {
                    if in_explain {
                        self.focus = Focus::Explain;
                    }
                    None
                };
                if let Some(r) = hit {
                    // Keep the table where it is under the pointer.
                    self.table_top = Some(table::top_row(self, panes.table));
                    self.graph_pan = Some(graph::offset(self, panes.graph));
                    self.selected = if self.selected == Some(r) {
                        None
                    } else {
                        Some(r)
                    };
                }
            }
            MouseEventKind::Drag(MouseButton::Left) => {
                if let Some((x0, y0)) = self.drag {
                    let dx = i32::from(x0) - i32::from(ev.column);
                    let dy = i32::from(y0) - i32::from(ev.row);
                    self.pan_graph(&panes, dx, dy);
                    self.drag = Some((ev.column, ev.row));
                }
            }
            MouseEventKind::Up(_) => self.drag = None,
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                let d: i32 = if ev.kind == MouseEventKind::ScrollDown {
                    3
                } else {
                    -3
                };
                if in_table {
                    let top = table::top_row(self, panes.table) as i64 + i64::from(d);
                    let max = self.table_lines().count().saturating_sub(1) as i64;
                    self.table_top = Some(top.clamp(0, max.max(0)) as usize);
                } else if in_graph {
                    self.pan_graph(&panes, 0, d);
                } else if in_explain {
                    self.explain_scroll = if d > 0 {
                        self.explain_scroll.saturating_add(3)
                    } else {
                        self.explain_scroll.saturating_sub(3)
                    };
                }
            }
            _ => {}
        }
    }
}

/// Characters a typed number may have: digits, signs, the point, an
/// exponent, and the letters of `nan` and `inf`.
/// What a key did to a line being typed (a seed, a step, a prediction).
enum Line {
    /// Enter: act on the line.
    Done,
    /// Esc: the line is dropped.
    Left,
    /// Still typing (a character taken or refused, a Backspace).
    Typing,
}

/// The one line editor of the typing modes: Backspace deletes, characters
/// `accept` takes are added up to `max`, Enter and Esc end the line.
fn type_into(text: &mut String, key: KeyCode, accept: impl Fn(char) -> bool, max: usize) -> Line {
    match key {
        KeyCode::Enter => Line::Done,
        KeyCode::Esc => Line::Left,
        KeyCode::Backspace => {
            text.pop();
            Line::Typing
        }
        KeyCode::Char(c) if accept(c) && text.chars().count() < max => {
            text.push(c);
            Line::Typing
        }
        _ => Line::Typing,
    }
}

fn answer_char(c: char) -> bool {
    c.is_ascii_digit() || "+-−.eEnaNAifIFty∞".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::pipeline::{self, SeedSpec};
    use crate::tui::{TuiOptions, render_text};
    use std::f64::consts::E;

    const GRAPH: &str =
        "a = x^2; b = exp(a); c = a + b; d = sqrt(c); e = cos(c); f = d + e at x = 1";

    fn model(src: &str) -> Model {
        let t = pipeline::trace(src, "", false).unwrap();
        let p = t.point(None).unwrap();
        let s = t.seed(&SeedSpec::First).unwrap();
        Model::new(t, p, s, TuiOptions::default())
    }

    fn press(m: &mut Model, code: KeyCode) {
        m.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
    }

    fn type_in(m: &mut Model, text: &str) {
        for c in text.chars() {
            press(m, KeyCode::Char(c));
        }
        press(m, KeyCode::Enter);
    }

    fn asked(m: &Model) -> Option<(String, f64)> {
        m.question().map(|q| (q.symbol.clone(), q.answer))
    }

    #[test]
    fn stepping_in_predict_mode_asks_each_cell_before_showing_it() {
        let mut m = model(GRAPH);
        press(&mut m, KeyCode::Char('p'));
        assert!(m.predicting());
        assert_eq!(m.predict_tally(), Some((0, 0)));
        // → from x (step 1) would show a = x² = 1 and d1 = 2x·1 = 2.
        press(&mut m, KeyCode::Right);
        assert_eq!(m.step_index(), 0, "the step waits for the prediction");
        assert_eq!(asked(&m), Some(("x1".to_string(), 1.0)));
        // A wrong value gets the first hint, the general rule; asked again.
        type_in(&mut m, "2");
        assert_eq!(m.step_index(), 0);
        let Some(Note::Hint {
            level: 1,
            hint,
            said,
        }) = m.predict.as_ref().and_then(|p| p.note.clone())
        else {
            panic!("a first hint")
        };
        assert_eq!(said, "2");
        assert!(hint.contains("operation applied to its operands"), "{hint}");
        assert_eq!(m.prediction_input(), Some(""));
        type_in(&mut m, "1");
        // Right: the row's derivative is asked next, the step still hidden.
        assert_eq!(asked(&m), Some(("d1".to_string(), 2.0)));
        assert_eq!(m.step_index(), 0);
        type_in(&mut m, "2");
        assert_eq!(m.step_index(), 1, "both cells predicted: the step shows");
        assert_eq!(m.question(), None);
        assert_eq!(m.predict_tally(), Some((2, 2)));
        // b = exp(a) = e at a = 1: 2.718 at the shown four digits.
        press(&mut m, KeyCode::Char(' '));
        let (sym, b) = asked(&m).unwrap();
        assert_eq!(sym, "x2");
        assert!((b - E).abs() < 1e-15);
        let frame = render_text(&m, 80, 24);
        assert!(!frame.contains("2.718"), "b's value is hidden:\n{frame}");
        assert!(frame.contains("x2 = ?"), "{frame}");
        type_in(&mut m, &format!("{:.3}", E));
        // d2 = exp(a)·d1 = 2e; Tab gives up and shows it.
        let (sym, d2) = asked(&m).unwrap();
        assert_eq!(sym, "d2");
        assert!((d2 - 2.0 * E).abs() < 1e-15);
        press(&mut m, KeyCode::Tab);
        assert_eq!(m.step_index(), 2);
        assert!(
            m.status.as_deref().unwrap().contains("5.437"),
            "{:?}",
            m.status
        );
        assert_eq!(m.predict_tally(), Some((3, 4)));
        let frame = render_text(&m, 80, 24);
        assert!(
            frame.contains("2.718") && frame.contains("5.437"),
            "{frame}"
        );
        assert!(
            frame.contains("predict 3/4"),
            "the score in the title:\n{frame}"
        );
    }

    #[test]
    fn three_hints_then_the_answer_and_esc_keeps_the_step() {
        let mut m = model(GRAPH);
        m.set_step(2);
        press(&mut m, KeyCode::Char('p'));
        press(&mut m, KeyCode::Char('l'));
        // c = a + b = 1 + e.
        let (sym, c) = asked(&m).unwrap();
        assert_eq!(sym, "x3");
        assert!((c - (1.0 + E)).abs() < 1e-15);
        // Not a number: asked again, nothing counted.
        type_in(&mut m, "e");
        assert!(matches!(
            m.predict.as_ref().unwrap().note,
            Some(Note::NotANumber(_))
        ));
        type_in(&mut m, "3");
        // Esc leaves the question at the same step; → asks it again with
        // the hint it earned.
        press(&mut m, KeyCode::Esc);
        assert_eq!(m.question(), None);
        assert_eq!(m.step_index(), 2);
        press(&mut m, KeyCode::Right);
        assert_eq!(asked(&m).unwrap().0, "x3");
        let hint = |m: &Model| match &m.predict.as_ref().unwrap().note {
            Some(Note::Hint { level, hint, .. }) => (*level, hint.clone()),
            n => panic!("{n:?}"),
        };
        assert_eq!(hint(&m).0, 1);
        type_in(&mut m, "3");
        let (level, h) = hint(&m);
        assert_eq!(level, 2);
        assert!(h.contains("a + b") && h.ends_with("= ?"), "{h}");
        type_in(&mut m, "3");
        let (level, h) = hint(&m);
        assert_eq!(level, 3);
        // The rule with numbers, the result left out.
        assert!(h.contains("1 + 2.718") && !h.contains("3.718"), "{h}");
        type_in(&mut m, "3");
        assert!(
            m.status.as_deref().unwrap().contains("x3 = 3.718"),
            "{:?}",
            m.status
        );
        assert_eq!(m.predict_tally(), Some((0, 1)));
        // The row's derivative is asked next: d3 = d1 + d2 = 2 + 2e.
        let (sym, d3) = asked(&m).unwrap();
        assert_eq!(sym, "d3");
        assert!((d3 - (2.0 + 2.0 * E)).abs() < 1e-14);
    }

    #[test]
    fn the_reverse_sweep_asks_adjoints_and_the_end_tells_the_score() {
        let mut m = model(GRAPH);
        press(&mut m, KeyCode::Char('p'));
        // r jumps without asking; the output's adjoint is the seed (not
        // asked), so the first reverse → shows x6 at once.
        press(&mut m, KeyCode::Char('r'));
        assert_eq!(m.step_index(), 7);
        assert_eq!(m.question(), None);
        // x̄5 = ∂f/∂e · x̄6 = 1.
        press(&mut m, KeyCode::Right);
        assert_eq!(asked(&m), Some(("x̄5".to_string(), 1.0)));
        type_in(&mut m, "1");
        assert_eq!(m.step_index(), 8);
        press(&mut m, KeyCode::End);
        let frame = render_text(&m, 120, 40);
        assert!(
            frame.contains("predicted 1 of 1 cells right (17 not asked)"),
            "{frame}"
        );
        // p again leaves predict mode: → steps at once.
        press(&mut m, KeyCode::Home);
        press(&mut m, KeyCode::Char('p'));
        assert!(!m.predicting());
        press(&mut m, KeyCode::Right);
        assert_eq!(m.step_index(), 1);
    }

    #[test]
    fn a_new_seed_makes_new_questions() {
        let mut m = model("f(x, y) = x*y at x = 2, y = 3");
        press(&mut m, KeyCode::Char('p'));
        press(&mut m, KeyCode::Char('l'));
        press(&mut m, KeyCode::Char('l'));
        // x·y along x: value 6, derivative y = 3.
        assert_eq!(asked(&m), Some(("x2".to_string(), 6.0)));
        type_in(&mut m, "6");
        assert_eq!(asked(&m).unwrap().1, 3.0);
        press(&mut m, KeyCode::Esc);
        press(&mut m, KeyCode::Char('w'));
        assert_eq!(m.seed(), [0.0, 1.0]);
        assert_eq!(m.predict_tally(), Some((0, 0)));
        // Along y the derivative is x = 2.
        press(&mut m, KeyCode::Char('l'));
        type_in(&mut m, "6");
        assert_eq!(asked(&m).unwrap().1, 2.0);
    }

    #[test]
    fn the_notation_renames_the_questions_and_keeps_the_score() {
        let mut m = model(GRAPH);
        press(&mut m, KeyCode::Char('p'));
        press(&mut m, KeyCode::Right);
        type_in(&mut m, "1");
        press(&mut m, KeyCode::Esc);
        assert_eq!(m.predict_tally(), Some((1, 1)));
        press(&mut m, KeyCode::Char('t'));
        assert_eq!(m.predict_tally(), Some((1, 1)));
        // In Griewank's notation a's derivative is v̇1; still 2x = 2.
        press(&mut m, KeyCode::Right);
        assert_eq!(asked(&m), Some(("v̇₁".to_string(), 2.0)));
    }

    #[test]
    fn a_large_trace_builds_only_the_questions_it_reaches() {
        let src = (1..20_000)
            .map(|i| format!("v{i} = sin(v{})", i - 1))
            .collect::<Vec<_>>()
            .join("; ");
        let mut m = model(&format!("v0 = x; {src} at x = 1"));
        press(&mut m, KeyCode::Char('p'));
        press(&mut m, KeyCode::Right);
        // The first computed row, sin(x) at 1.
        assert_eq!(asked(&m).map(|q| q.1), Some(1f64.sin()));
        assert_eq!(m.predict.as_ref().map(|p| p.steps.len()), Some(1));
    }
}
