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
use super::model::{Control, Focus, Mode, Model};
use super::view::{self, Panes};
use super::widgets::why::WhyKind;
use super::widgets::{graph, table};
use crate::core::schedule::Phase;

impl Model {
    /// Apply one key. Ctrl-C always quits.
    pub fn handle_key(&mut self, key: KeyEvent) -> Control {
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
                match key.code {
                    KeyCode::Esc => {}
                    KeyCode::Enter => {
                        if let Err(e) = self.type_seed(&text) {
                            self.status = Some(format!("seed not changed: {e}"));
                        }
                    }
                    KeyCode::Backspace => {
                        text.pop();
                        self.mode = Mode::TypingSeed(text);
                    }
                    KeyCode::Char(c) if text.len() < 200 => {
                        text.push(c);
                        self.mode = Mode::TypingSeed(text);
                    }
                    _ => self.mode = Mode::TypingSeed(text),
                }
                return Control::Continue;
            }
            Mode::TypingStep(mut text) => {
                match key.code {
                    KeyCode::Esc => {}
                    KeyCode::Enter => self.go_to_typed_step(&text),
                    KeyCode::Backspace => {
                        text.pop();
                        self.mode = Mode::TypingStep(text);
                    }
                    KeyCode::Char(c) if c.is_ascii_digit() && text.len() < 12 => {
                        text.push(c);
                        self.mode = Mode::TypingStep(text);
                    }
                    _ => self.mode = Mode::TypingStep(text),
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
            Action::Next => self.set_step((self.step + 1).min(last)),
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
