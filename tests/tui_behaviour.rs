//! Behaviour of the TUI as a student meets it, read off the rendered text:
//! the numbers on screen, stepping back and forth, the seed and CSE keys,
//! warnings, selection, the lane view of a large trace, tiny terminals and
//! `--ascii`.

use adtrace::core::notation::Style;

use adtrace::tui::{Control, Model, TuiOptions, render_text};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};

const GRAPH: &str = "a = x^2; b = exp(a); c = a + b; d = sqrt(c); e = cos(c); f = d + e at x = 1";
const NET: &str = "W0 = 2; W1 = 1.2; y = 2; L = (W1*tanh(W0*x) - y)^2 at x = 1";

mod common;
use common::{model, model_with};

fn key(m: &mut Model, code: KeyCode) -> Control {
    m.handle_key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn line_with<'a>(text: &'a str, needles: &[&str]) -> &'a str {
    text.lines()
        .find(|l| needles.iter().all(|n| l.contains(n)))
        .unwrap_or_else(|| panic!("no line with {needles:?} in\n{text}"))
}

/// The table's line for a row (its label then its operation).
fn table_line<'a>(text: &'a str, label: &str, op: &str) -> &'a str {
    text.lines()
        .find(|l| {
            l.split('│').any(|cell| {
                cell.trim_start_matches(['▶', '•', '!', ' '])
                    .starts_with(label)
                    && cell.contains(op)
            })
        })
        .unwrap_or_else(|| panic!("no table row {label} {op} in\n{text}"))
}

#[test]
fn final_step_shows_the_lecture_numbers() {
    let mut m = model(GRAPH);
    key(&mut m, KeyCode::End);
    assert_eq!(m.step_index(), m.step_count() - 1);
    let text = render_text(&m, 100, 30);
    let f = table_line(&text, "x6", "d + e");
    assert!(f.contains("1.090") && f.contains("5.983"), "{f}");
    let c = table_line(&text, "x3", "a + b");
    assert!(
        c.contains("3.718") && c.contains("7.437") && c.contains("0.8045"),
        "{c}"
    );
    let x = table_line(&text, "x0", "input");
    assert!(x.contains("5.983"), "the gradient is x's adjoint: {x}");
}

#[test]
fn reverse_step_of_c_shows_the_fan_out_ledger() {
    let mut m = model(GRAPH);
    // Reverse steps go from the last row up: c (row 3) is step 2·7 − 1 − 3.
    m.set_step(10);
    let text = render_text(&m, 100, 30);
    let ledger = line_with(&text, &["c\u{304} = d\u{304}·∂d/∂c + e\u{304}·∂e/∂c"]);
    assert!(
        ledger.contains("= 1·0.2593 + 1·0.54525 = 0.8045"),
        "{ledger}"
    );
    assert!(line_with(&text, &["∂d/∂c = 1/(2·sqrt(c))"]).contains("0.2593"));
    assert!(line_with(&text, &["∂e/∂c = −sin(c)"]).contains("0.5453"));
    assert!(text.contains("reverse sweep · step 11 of 14"));
    // The consumers' boxes carry the local partials on the graph.
    assert!(
        text.contains("∂d/∂c=0.2593") && text.contains("∂e/∂c=0.5453"),
        "{text}"
    );
    // The adjoint of d is known (its step is done), b's is not yet.
    assert!(table_line(&text, "x4", "sqrt(c)").contains("1.000"));
    let b = table_line(&text, "x2", "exp(a)");
    assert!(
        !b.contains("0.8045"),
        "b's adjoint is not computed yet: {b}"
    );
}

#[test]
fn forward_fills_row_by_row() {
    let mut m = model(NET);
    m.set_step(2);
    let text = render_text(&m, 80, 24);
    assert!(table_line(&text, "x2", "tanh(x1)").contains("0.1413"));
    assert!(!table_line(&text, "x3", "1.2·x2").contains("1.157"));
    assert!(
        text.contains("d2 = (1 − tanh²(x1))·d1 = (1 − tanh²(2))·2 = 0.1413"),
        "{text}"
    );
}

#[test]
fn stepping_forward_then_back_gives_the_same_frames() {
    for (w, h) in [(80, 24), (120, 40), (60, 16)] {
        let mut m = model(GRAPH);
        let frames: Vec<String> = (0..m.step_count())
            .map(|k| {
                m.set_step(k);
                render_text(&m, w, h)
            })
            .collect();
        m.set_step(0);
        for (k, frame) in frames.iter().enumerate() {
            assert_eq!(&render_text(&m, w, h), frame, "forward at {k}");
            key(&mut m, KeyCode::Right);
        }
        assert_eq!(m.step_index(), m.step_count() - 1, "stops at the end");
        for k in (0..m.step_count()).rev() {
            assert_eq!(render_text(&m, w, h), frames[k], "back at {k}");
            key(&mut m, KeyCode::Left);
        }
        assert_eq!(m.step_index(), 0);
        // Every step frame differs from its neighbours.
        assert!(frames.windows(2).all(|p| p[0] != p[1]));
    }
}

#[test]
fn step_keys() {
    let mut m = model(GRAPH);
    for c in ['l', ' ', 'n'] {
        key(&mut m, KeyCode::Char(c));
    }
    assert_eq!(m.step_index(), 3);
    for c in ['h', 'h'] {
        key(&mut m, KeyCode::Char(c));
    }
    key(&mut m, KeyCode::Backspace);
    assert_eq!(m.step_index(), 0);
    key(&mut m, KeyCode::Char('r'));
    assert_eq!(m.step_index(), 7);
    key(&mut m, KeyCode::Char('f'));
    assert_eq!(m.step_index(), 0);
    key(&mut m, KeyCode::End);
    assert_eq!(m.step_index(), 13);
    key(&mut m, KeyCode::Home);
    assert_eq!(m.step_index(), 0);
    assert_eq!(key(&mut m, KeyCode::Char('q')), Control::Quit);
    assert_eq!(key(&mut m, KeyCode::Esc), Control::Quit);
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    key(&mut m, KeyCode::Char('?'));
    assert!(m.help_open());
    assert_eq!(
        m.handle_key(ctrl_c),
        Control::Quit,
        "Ctrl-C leaves even from help"
    );
}

#[test]
fn seed_key_keeps_the_step_and_recomputes_tangents() {
    let mut m = model("f(x, y) = x*y + sin(y) at x = 2, y = 3");
    m.set_step(3);
    let before = render_text(&m, 100, 30);
    assert!(before.contains("seed x = 1"), "{before}");
    key(&mut m, KeyCode::Char('w'));
    assert_eq!(m.step_index(), 3);
    assert_eq!(m.seed(), [0.0, 1.0]);
    let after = render_text(&m, 100, 30);
    assert!(after.contains("seed y = 1"), "{after}");
    // ∂/∂y (x*y + sin y) = x + cos y = 2 + cos 3
    assert!((m.sweep().output_tangent() - (2.0 + 3f64.cos())).abs() < 1e-12);
    assert_ne!(before, after);
    key(&mut m, KeyCode::Char('w'));
    assert_eq!(m.seed(), [1.0, 0.0]);
    assert_eq!(
        render_text(&m, 100, 30).lines().skip(1).collect::<Vec<_>>()[..20],
        before.lines().skip(1).collect::<Vec<_>>()[..20]
    );
}

#[test]
fn cse_key_retraces_and_keeps_the_step_clamped() {
    let mut m = model("sqrt(x^2 + exp(x^2)) + cos(x^2 + exp(x^2)) at x = 1");
    m.set_step(12);
    key(&mut m, KeyCode::Char('c'));
    assert!(m.options().no_cse);
    assert_eq!(m.step_index(), 12);
    let text = render_text(&m, 120, 40);
    assert!(text.contains("table (no CSE)"), "{text}");
    m.set_step(usize::MAX);
    let last = m.step_index();
    assert!(last > 13);
    key(&mut m, KeyCode::Char('c'));
    assert_eq!(m.step_index(), 13, "clamped to the shorter trace");
    assert!(render_text(&m, 100, 30).contains("5.983"));
}

#[test]
fn notation_key_switches_symbols() {
    let mut m = model(NET);
    m.set_step(2);
    key(&mut m, KeyCode::Char('t'));
    let text = render_text(&m, 100, 30);
    assert!(text.contains("v̇₂ = (1 − tanh²(v₁))·v̇₁"), "{text}");
    // The table's header names the column in full where it has room.
    assert!(render_text(&m, 120, 40).contains("tangent v̇"));
}

#[test]
fn warning_rows_are_marked_with_a_symbol() {
    let mut m = model("ln(x) at x = -1");
    m.set_step(1);
    let text = render_text(&m, 100, 30);
    let row = table_line(&text, "x1", "ln(x)");
    assert!(row.contains('!'), "warning marker: {row}");
    assert!(
        text.contains("! x1 = ln(x): domain: ln of a negative number"),
        "{text}"
    );
    let x = table_line(&text, "x0", "input");
    assert!(!x.contains('!'), "no marker on a good row: {x}");
    // The graph box is marked too.
    assert!(text.contains("!x1 = ln(x)"), "{text}");
}

#[test]
fn inactive_rows_say_so() {
    // y is not seeded: its tangent is structurally zero.
    let mut m = model("f(x, y) = x + sin(y) at x = 1, y = 2");
    m.set_step(2);
    let text = render_text(&m, 100, 30);
    assert!(text.contains("structurally 0"), "{text}");
}

#[test]
fn clicking_a_table_row_selects_it_and_shows_its_rule() {
    let mut m = model(GRAPH);
    m.resize(100, 30);
    m.set_step(1);
    let text = render_text(&m, 100, 30);
    let (y, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("x3  c"))
        .expect("row c on screen");
    let x = line
        .find("x3  c")
        .map(|b| line[..b].chars().count())
        .unwrap();
    m.handle_mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: x as u16,
        row: y as u16,
        modifiers: KeyModifiers::NONE,
    });
    assert_eq!(m.selected(), Some(3));
    let text = render_text(&m, 100, 30);
    assert!(
        text.contains("selected x3 (at step 4, not reached yet)"),
        "{text}"
    );
    assert!(line_with(&text, &["x3  c"]).contains('•'));
    // Enter jumps to the selected row's step.
    key(&mut m, KeyCode::Enter);
    assert_eq!(m.step_index(), 3);
}

#[test]
fn clicking_a_graph_box_selects_its_row() {
    let mut m = model(GRAPH);
    m.resize(100, 30);
    m.set_step(3);
    let text = render_text(&m, 100, 30);
    // c's node: a box at 100×30, or its compact title.
    let (y, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("c = a + b━") || l.contains("c=a + b"))
        .expect("node c on screen");
    let x = line
        .find("c = a + b━")
        .or_else(|| line.find("c=a + b"))
        .map(|b| line[..b].chars().count())
        .unwrap();
    m.handle_mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: x as u16 + 2,
        row: y as u16 + 1,
        modifiers: KeyModifiers::NONE,
    });
    assert_eq!(m.selected(), Some(3));
}

#[test]
fn layout_is_computed_once_and_never_moves() {
    let mut m = model("sqrt(x^2 + exp(x^2)) + cos(x^2 + exp(x^2)) at x = 1");
    let first = m.graph_layout().expect("small traces get a DAG").clone();
    for k in 0..m.step_count() {
        m.set_step(k);
        assert_eq!(m.graph_layout(), Some(&first), "step {k}");
    }
    key(&mut m, KeyCode::Char('t'));
    assert_eq!(m.graph_layout(), Some(&first), "notation switch");
    key(&mut m, KeyCode::Char('w'));
    assert_eq!(m.graph_layout(), Some(&first), "seed change");
    key(&mut m, KeyCode::Char('c'));
    assert_ne!(m.graph_layout(), Some(&first), "no-CSE is another trace");
    key(&mut m, KeyCode::Char('c'));
    assert_eq!(m.graph_layout(), Some(&first), "back to the same layout");
}

#[test]
fn boxes_stay_put_on_screen_when_the_graph_fits() {
    // This graph fits the pane: following the current row never scrolls.
    let mut m = model("f(x, y) = x*y + sin(y) at x = 2, y = 3");
    let place = |text: &str, needle: &str| {
        text.lines()
            .enumerate()
            .find_map(|(y, l)| l.find(needle).map(|b| (y, l[..b].chars().count())))
            .unwrap_or_else(|| panic!("{needle} not on screen:\n{text}"))
    };
    let first = render_text(&m, 120, 40);
    let (px, py) = (place(&first, "x (input)"), place(&first, "y (input)"));
    for k in 1..m.step_count() {
        m.set_step(k);
        let text = render_text(&m, 120, 40);
        assert_eq!(place(&text, "x (input)"), px, "step {k}");
        assert_eq!(place(&text, "y (input)"), py, "step {k}");
    }
}

fn big_program(statements: usize) -> String {
    let mut s = String::from("a0 = sin(x)");
    for i in 1..statements {
        s.push_str(&format!("; a{i} = a{}*x + cos(a{})", i - 1, i / 2));
    }
    s.push_str(" at x = 0.5");
    s
}

#[test]
fn large_traces_use_the_lane_view() {
    let mut m = model(&big_program(400));
    assert!(m.trace().len() > 300);
    assert!(m.graph_layout().is_none());
    m.set_step(700);
    let text = render_text(&m, 120, 40);
    assert!(text.contains("lanes"), "{text}");
    assert!(text.contains('◉'), "current row marker: {text}");
    let row = m.current().unwrap().row;
    assert!(
        text.contains(&format!("▶ x{row} ")),
        "the current row is in view:\n{text}"
    );
    key(&mut m, KeyCode::Char('v'));
    assert!(m.lane_view(), "no DAG to switch to");
}

#[test]
fn small_traces_can_switch_to_lanes() {
    let mut m = model(GRAPH);
    key(&mut m, KeyCode::Char('v'));
    m.set_step(10);
    let text = render_text(&m, 80, 24);
    assert!(text.contains("lanes") && text.contains('◉'));
    // One line per row, aligned with the table: c's marker is on c's line.
    assert!(line_with(&text, &["x3  c"]).contains('◉'), "{text}");
}

#[test]
fn tiny_terminals_get_a_message_and_nothing_panics() {
    let mut m = model(GRAPH);
    assert_eq!(render_text(&m, 0, 0), "");
    let text = render_text(&m, 59, 16);
    assert!(text.contains("enlarge it to at least 60×16"), "{text}");
    for k in [0, 6, 7, 13] {
        m.set_step(k);
        for w in (0..140).step_by(7) {
            for h in (0..45).step_by(3) {
                let _ = render_text(&m, w, h);
            }
        }
    }
    // Keys and clicks at any size never panic either.
    for (w, h) in [(0, 0), (1, 1), (60, 16), (200, 60)] {
        m.resize(w, h);
        for code in [
            KeyCode::Tab,
            KeyCode::Down,
            KeyCode::Right,
            KeyCode::PageDown,
            KeyCode::Up,
        ] {
            key(&mut m, code);
        }
        for (x, y) in [
            (0, 0),
            (w / 2, h / 2),
            (w.saturating_sub(1), h.saturating_sub(1)),
        ] {
            m.handle_mouse(MouseEvent {
                kind: MouseEventKind::Down(MouseButton::Left),
                column: x,
                row: y,
                modifiers: KeyModifiers::NONE,
            });
            m.handle_mouse(MouseEvent {
                kind: MouseEventKind::Drag(MouseButton::Left),
                column: x + 3,
                row: y + 2,
                modifiers: KeyModifiers::NONE,
            });
            m.handle_mouse(MouseEvent {
                kind: MouseEventKind::ScrollDown,
                column: x,
                row: y,
                modifiers: KeyModifiers::NONE,
            });
        }
    }
}

#[test]
fn ascii_frames_are_pure_ascii() {
    let opts = TuiOptions {
        style: Style {
            ascii: true,
            ..Style::default()
        },
        ..TuiOptions::default()
    };
    for src in [
        GRAPH,
        NET,
        "ln(x) at x = -1",
        "f(x1, x2) = ln(x1) + x1*x2 - sin(x2) at x1 = 2, x2 = 5",
    ] {
        let mut m = model_with(src, opts);
        for k in 0..m.step_count() {
            m.set_step(k);
            for (w, h) in [(80, 24), (120, 40), (59, 16), (60, 16)] {
                let text = render_text(&m, w, h);
                assert!(text.is_ascii(), "step {k} at {w}x{h}:\n{text}");
            }
        }
        key(&mut m, KeyCode::Char('v'));
        key(&mut m, KeyCode::Char('?'));
        key(&mut m, KeyCode::Char('t'));
        let text = render_text(&m, 100, 30);
        assert!(text.is_ascii(), "{text}");
    }
}

#[test]
fn help_lists_the_keys_and_any_key_closes_it() {
    let mut m = model(GRAPH);
    key(&mut m, KeyCode::Char('?'));
    let text = render_text(&m, 100, 30);
    for k in ["autoplay", "seed direction", "CSE", "Griewank", "leave"] {
        assert!(text.contains(k), "help lacks {k}:\n{text}");
    }
    key(&mut m, KeyCode::Char('x'));
    assert!(!m.help_open());
    assert_eq!(m.step_index(), 0, "closing help does not step");
}

#[test]
fn autoplay_ticks_and_stops_at_the_end() {
    let mut m = model("sin(x) at x = 1");
    assert!(m.autoplay_interval().is_none(), "idle: block, no polling");
    key(&mut m, KeyCode::Char('a'));
    let slow = m.autoplay_interval().expect("playing");
    key(&mut m, KeyCode::Char('+'));
    assert!(m.autoplay_interval().unwrap() < slow);
    for _ in 0..10 {
        m.tick();
    }
    assert_eq!(m.step_index(), m.step_count() - 1);
    assert!(m.autoplay_interval().is_none(), "stops at the last step");
}

#[test]
fn focus_and_arrows_scroll_the_table() {
    let mut m = model(&big_program(60));
    m.resize(100, 30);
    key(&mut m, KeyCode::Tab);
    key(&mut m, KeyCode::Tab); // table
    let step = m.step_index();
    for _ in 0..40 {
        key(&mut m, KeyCode::Down);
    }
    assert_eq!(
        m.step_index(),
        step,
        "arrows scroll, not step, when a pane has focus"
    );
    assert_eq!(m.selected(), Some(40));
    let text = render_text(&m, 100, 30);
    assert!(line_with(&text, &["x40 "]).contains('•'), "{text}");
}

#[test]
fn caption_and_title_are_shown() {
    let mut m = model(NET);
    m.caption = Some("Watch the tangent of tanh.".into());
    m.title = Some("Lecture 3".into());
    let text = render_text(&m, 80, 24);
    assert!(text.contains("Watch the tangent of tanh.") && text.contains("Lecture 3"));
}

#[test]
fn selecting_a_row_ahead_shows_its_rule_not_its_numbers() {
    let mut m = model("W0 = 2; W1 = 1.2; y = 2; L = (W1*tanh(W0*x) - y)^2 at x = 1");
    m.set_step(1);
    m.select(Some(2));
    let s = render_text(&m, 100, 30);
    let line = s
        .lines()
        .find(|l| l.contains("selected x2"))
        .expect("the selected row's line");
    assert!(
        line.contains("not reached yet") && line.contains("d2 = (1 − tanh²(x1))·d1"),
        "{line}"
    );
    assert!(!line.contains("0.1413"), "{line}");
    // once the sweep is there, the numbers appear
    m.set_step(3);
    let s = render_text(&m, 100, 30);
    let line = s
        .lines()
        .find(|l| l.contains("selected x2"))
        .expect("the selected row's line");
    assert!(line.contains("0.1413"), "{line}");
}

#[test]
fn typing_a_seed_direction_recomputes_tangents_and_keeps_the_step() {
    let mut m = model("f(x1, x2) = ln(x1) + x1*x2 - sin(x2) at x1 = 2, x2 = 5");
    m.set_step(6);
    key(&mut m, KeyCode::Char('W'));
    for c in "x1=1, x2=0.5".chars() {
        key(&mut m, KeyCode::Char(c));
    }
    assert!(render_text(&m, 100, 30).contains("seed: x1=1, x2=0.5_"));
    key(&mut m, KeyCode::Enter);
    assert_eq!(m.step_index(), 6);
    assert_eq!(m.seed(), [1.0, 0.5]);
    // ∂f/∂x1 + 0.5·∂f/∂x2 = 5.5 + 0.5·(2 − cos 5)
    let want = 5.5 + 0.5 * (2.0 - 5f64.cos());
    assert!((m.sweep().output_tangent() - want).abs() < 1e-12);
    // a mistake leaves the seed as it was and says why
    key(&mut m, KeyCode::Char('W'));
    for c in "z=1".chars() {
        key(&mut m, KeyCode::Char(c));
    }
    key(&mut m, KeyCode::Enter);
    assert_eq!(m.seed(), [1.0, 0.5]);
    let s = render_text(&m, 100, 30);
    assert!(s.contains("'z' is not an input"), "{s}");
    // Esc cancels typing
    key(&mut m, KeyCode::Char('W'));
    key(&mut m, KeyCode::Char('x'));
    key(&mut m, KeyCode::Esc);
    assert!(m.seed_input().is_none());
    assert_eq!(m.seed(), [1.0, 0.5]);
}

// ---- Vectors, matrices and many outputs ----

/// f: R² → R³, whose Jacobian at (2, 3) is [[3, 2], [cos 2, 1], [12, 4]].
const F: &str = "f(x, y) = (x*y, sin(x) + y, x^2*y) at x = 2, y = 3";
/// A 2-layer MLP with 2×2 weights and a squared-error loss.
const MLP: &str = "W1 = [[1,2],[3,4]]; b1 = [0.5,-1]; W2 = [[1,-1],[2,0.5]]; b2 = [0, 0.1]; z = sigmoid(W2*sigmoid(W1*x + b1) + b2); L = sum((z - [1, 0]).^2) at x = [1, 2]";

fn vector_model(src: &str) -> Model {
    use adtrace::core::pipeline::{self, SeedSpec};
    let t = pipeline::trace_at(src, "", false, None).expect("traces");
    let p = t.point(None).expect("point");
    let s = t.seed(&SeedSpec::First).expect("seed");
    Model::new(t, p, s, TuiOptions::default())
}

/// The Jacobian pane's lines (inside its border), read off the frame: it
/// is the right-most pane on its lines.
fn jacobian_pane(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let top = lines
        .iter()
        .position(|l| l.contains("┌ Jacobian"))
        .unwrap_or_else(|| panic!("no Jacobian pane in\n{text}"));
    let mut out = Vec::new();
    for l in &lines[top + 1..] {
        if !l.ends_with('│') {
            break;
        }
        let parts: Vec<&str> = l.split('│').collect();
        out.push(parts[parts.len() - 2].to_string());
    }
    out
}

/// The entries of a Jacobian row in the pane (`None` where blank): each
/// is right-aligned under its column's ∂/∂input.
fn jacobian_row(pane: &[String], name: &str, cols: usize) -> Vec<Option<f64>> {
    let chars = |s: &str| s.chars().collect::<Vec<char>>();
    // (start, end) of each token of a line, in characters.
    let tokens = |s: &str| {
        let c = chars(s);
        let mut out = Vec::new();
        let mut k = 0;
        while k < c.len() {
            if c[k] == ' ' {
                k += 1;
                continue;
            }
            let start = k;
            while k < c.len() && c[k] != ' ' {
                k += 1;
            }
            out.push((start, k, c[start..k].iter().collect::<String>()));
        }
        out
    };
    let heads: Vec<usize> = tokens(&pane[0])
        .into_iter()
        .filter(|(_, _, t)| t.contains("∂/∂"))
        .map(|(_, end, _)| end)
        .collect();
    assert_eq!(heads.len(), cols, "{pane:#?}");
    let line = pane
        .iter()
        .find(|l| l.trim_start_matches(['▶', ' ']).starts_with(name))
        .unwrap_or_else(|| panic!("no row {name} in {pane:#?}"));
    let toks = tokens(line);
    heads
        .iter()
        .map(|&end| {
            toks.iter()
                .find(|(_, e, _)| *e == end)
                .and_then(|(_, _, t)| t.parse().ok())
        })
        .collect()
}

fn close4(got: Option<f64>, want: f64) -> bool {
    got.is_some_and(|g| (g - (want * 1e4).round() / 1e4).abs() < 1e-9)
}

#[test]
fn the_jacobian_pane_shows_the_matrix_at_the_display_precision() {
    use adtrace::core::jacobian::jacobian;
    use adtrace::core::sweep::Mode;
    let mut m = vector_model(F);
    key(&mut m, KeyCode::End);
    let text = render_text(&m, 120, 36);
    let pane = jacobian_pane(&text);
    assert!(text.contains("Jacobian 3×2 · reverse mode"), "{text}");
    let want = [[3.0, 2.0], [2f64.cos(), 1.0], [12.0, 4.0]];
    let core = jacobian(m.trace(), m.sweep(), Mode::Reverse).unwrap();
    for (i, name) in ["f[1]", "f[2]", "f[3]"].iter().enumerate() {
        let row = jacobian_row(&pane, name, 2);
        for j in 0..2 {
            assert!(close4(row[j], want[i][j]), "{name} {j}: {row:?}");
            assert!(close4(row[j], core.get(i, j)), "{name} {j}: {row:?}");
        }
    }
    // the cost meter
    let meter = pane.join(" ");
    assert!(meter.contains("rows processed: 40 of 10·4 = 40"), "{meter}");
    assert!(
        meter.contains("n = 2 forward sweeps (one per input) ·")
            && meter.contains("m = 3 reverse sweeps (one per output)"),
        "{meter}"
    );
}

#[test]
fn reverse_mode_fills_the_jacobian_a_row_per_reverse_sweep() {
    let mut m = vector_model(F);
    let rows = m.trace().len();
    assert_eq!(m.step_count(), 4 * rows, "1 forward + 3 reverse sweeps");
    // Nothing is known before the forward sweep reaches the outputs.
    m.set_step(3);
    let pane = jacobian_pane(&render_text(&m, 120, 36));
    assert_eq!(jacobian_row(&pane, "f[1]", 2), [None, None]);
    // The forward sweep along x = e₁ gives column x (and only that).
    m.set_step(rows - 1);
    let pane = jacobian_pane(&render_text(&m, 120, 36));
    assert!(close4(jacobian_row(&pane, "f[3]", 2)[0], 12.0));
    assert_eq!(jacobian_row(&pane, "f[3]", 2)[1], None);
    // Reverse sweep k gives row k when it reaches the inputs.
    for k in 0..3 {
        let end = rows * (k + 2) - 1;
        m.set_step(end - 1);
        let text = render_text(&m, 120, 36);
        assert!(
            text.contains(&format!("reverse sweep {} of 3", k + 1)),
            "{text}"
        );
        assert!(
            text.contains(&format!("cotangent f[{}] = 1", k + 1)),
            "{text}"
        );
        let name = format!("f[{}]", k + 1);
        let pane = jacobian_pane(&text);
        let row = jacobian_row(&pane, &name, 2);
        // y (row 1) is done, x (row 0) is the last step of the sweep
        assert!(row[1].is_some() && row[0].is_some(), "{row:?}");
        assert!(
            pane.iter().any(|l| l.starts_with(&format!("▶{name}"))),
            "{pane:#?}"
        );
        if k < 2 {
            let next = jacobian_row(&pane, &format!("f[{}]", k + 2), 2);
            assert_eq!(next[1], None, "row {} is not swept yet", k + 2);
        }
        // the table's adjoint of y is this sweep's: ∂f_k/∂y
        let want = [2.0, 1.0, 4.0][k];
        assert!(table_line(&text, "x1", "input").contains(&format!("{want:.3}")));
    }
}

#[test]
fn forward_mode_fills_the_jacobian_a_column_per_forward_sweep() {
    let mut m = vector_model(F);
    let rows = m.trace().len();
    m.set_step(25);
    key(&mut m, KeyCode::Char('j'));
    assert_eq!(m.step_count(), 2 * rows, "one forward sweep per input");
    assert_eq!(m.step_index(), 2 * rows - 1, "the step is clamped");
    let text = render_text(&m, 120, 36);
    assert!(text.contains("Jacobian 3×2 · forward mode"), "{text}");
    assert!(
        text.contains("forward mode: 2 forward sweeps (one per input)"),
        "{text}"
    );
    // End of forward sweep 1: column x, not y.
    m.set_step(rows - 1);
    let text = render_text(&m, 120, 36);
    assert!(text.contains("forward sweep 1 of 2"), "{text}");
    let pane = jacobian_pane(&text);
    for (name, x) in [("f[1]", 3.0), ("f[2]", 2f64.cos()), ("f[3]", 12.0)] {
        let row = jacobian_row(&pane, name, 2);
        assert!(close4(row[0], x) && row[1].is_none(), "{name}: {row:?}");
    }
    // Forward sweep 2 runs along y: its tangents are ∂/∂y, filled as it
    // reaches each output.
    m.set_step(2 * rows - 2);
    let text = render_text(&m, 120, 36);
    assert!(
        text.contains("forward sweep 2 of 2") && text.contains("seed y = 1"),
        "{text}"
    );
    let pane = jacobian_pane(&text);
    assert!(
        pane[0].contains("▼∂/∂y"),
        "the column being filled: {pane:#?}"
    );
    assert!(close4(jacobian_row(&pane, "f[2]", 2)[1], 1.0));
    assert_eq!(jacobian_row(&pane, "f[3]", 2)[1], None);
    assert!(
        table_line(&text, "x6", "x5·y").contains("4.000"),
        "d6 = ∂(x²y)/∂y"
    );
    key(&mut m, KeyCode::End);
    let pane = jacobian_pane(&render_text(&m, 120, 36));
    assert!(close4(jacobian_row(&pane, "f[3]", 2)[1], 4.0));
    // r has no reverse sweep to go to; j goes back to reverse mode.
    key(&mut m, KeyCode::Char('r'));
    assert!(render_text(&m, 120, 36).contains("forward mode has no reverse sweep"));
    key(&mut m, KeyCode::Char('j'));
    assert_eq!(m.step_count(), 4 * rows);
    assert_eq!(m.step_index(), 2 * rows - 1);
}

#[test]
fn sweep_keys_jump_between_sweeps_and_frames_do_not_depend_on_the_path() {
    let mut m = vector_model(F);
    let rows = m.trace().len();
    key(&mut m, KeyCode::Char(']'));
    assert_eq!(m.step_index(), rows);
    key(&mut m, KeyCode::Char(']'));
    key(&mut m, KeyCode::Char(']'));
    assert_eq!(m.step_index(), 3 * rows);
    key(&mut m, KeyCode::Right);
    key(&mut m, KeyCode::Char('['));
    assert_eq!(m.step_index(), 3 * rows, "back to the start of this sweep");
    key(&mut m, KeyCode::Char('['));
    assert_eq!(m.step_index(), 2 * rows, "then the previous one");
    key(&mut m, KeyCode::Char('r'));
    assert_eq!(m.step_index(), rows);
    // Every frame is a function of the step, whichever way it was reached.
    let frames: Vec<String> = (0..m.step_count())
        .map(|k| {
            m.set_step(k);
            render_text(&m, 120, 36)
        })
        .collect();
    for k in (0..m.step_count()).rev() {
        m.set_step(k);
        assert_eq!(render_text(&m, 120, 36), frames[k], "step {k}");
    }
}

#[test]
fn the_key_bar_and_help_name_the_new_keys() {
    let mut m = vector_model(F);
    let text = render_text(&m, 120, 36);
    assert!(
        text.contains("[/] sweep") && text.contains("j forward mode"),
        "{text}"
    );
    key(&mut m, KeyCode::Char('?'));
    for (w, h) in [(120, 36), (80, 24)] {
        let text = render_text(&m, w, h);
        for k in ["[ / ]", "Jacobian mode", "Jacobian pane", "leave"] {
            assert!(text.contains(k), "help lacks {k} at {w}x{h}:\n{text}");
        }
    }
    // A scalar program's help does not list them.
    let mut s = model(GRAPH);
    key(&mut s, KeyCode::Char('?'));
    let text = render_text(&s, 100, 30);
    assert!(
        !text.contains("Jacobian") && !text.contains("fold"),
        "{text}"
    );
    // Help for a program with vectors and many outputs fits 80×24 too.
    let mut v =
        vector_model("W = [[1,2],[3,4]]; b = [0.5, -1]; z = sigmoid(W*x + b) at x = [1, 2]");
    key(&mut v, KeyCode::Char('?'));
    let text = render_text(&v, 80, 24);
    for k in ["fold", "Jacobian pane", "leave", "this help"] {
        assert!(text.contains(k), "help lacks {k}:\n{text}");
    }
}

#[test]
fn the_jacobian_pane_fits_every_size_without_cutting_words() {
    let mut m = vector_model(F);
    for k in [0, 12, 25, 39] {
        m.set_step(k);
        for (w, h) in [(120, 36), (80, 24), (100, 30)] {
            let text = render_text(&m, w, h);
            let pane = jacobian_pane(&text);
            let meter = pane.join(" ");
            assert!(meter.contains("rows processed"), "{w}x{h}: {pane:#?}");
            // the cost of both modes, in words or (80×24) abbreviated
            assert!(
                meter.contains("n = 2 forward sweeps")
                    || meter.contains("n = 2 fwd · m = 3 rev sweeps"),
                "{w}x{h}: {pane:#?}"
            );
            assert!(
                pane.iter().any(|l| l.contains("f[3]")),
                "{w}x{h}: every output row shows: {pane:#?}"
            );
        }
    }
    // Narrow terminals: J shows the Jacobian in place of the explanation.
    let text = render_text(&m, 70, 24);
    assert!(
        !text.contains("Jacobian") && text.contains("explanation"),
        "{text}"
    );
    key(&mut m, KeyCode::Char('J'));
    let text = render_text(&m, 70, 24);
    assert!(
        text.contains("Jacobian 3×2") && !text.contains("explanation"),
        "{text}"
    );
    // elsewhere J hides it
    let text = render_text(&m, 120, 36);
    assert!(!text.contains("Jacobian 3×2"), "{text}");
}

#[test]
fn a_single_output_has_no_jacobian_pane() {
    let m = vector_model(MLP);
    assert!(m.jacobian_view().is_none());
    assert!(!render_text(&m, 120, 36).contains("Jacobian"));
}

#[test]
fn groups_have_headers_in_the_table() {
    let mut m = vector_model(MLP);
    let text = render_text(&m, 120, 36);
    assert!(text.contains("── x: 2-vector input"), "{text}");
    assert!(
        text.contains("── z = sigmoid(W2*sigmoid(W1*x + b1) + b2): 2-vector"),
        "{text}"
    );
    m.set_step(m.trace().len() - 1);
    let text = render_text(&m, 120, 36);
    assert!(
        text.contains("── L = sum((z - [1, 0]).^2): scalar"),
        "{text}"
    );
    // Cut after a whole word, the shape kept, in a narrow table.
    m.set_step(2);
    let text = render_text(&m, 80, 24);
    assert!(
        text.contains("── z = sigmoid(W2*sigmoid(W1*x + b1) +…: 2-vector"),
        "{text}"
    );
    // The current row stays in view and clicks land on rows, not headers.
    m.resize(120, 36);
    m.set_step(21);
    let text = render_text(&m, 120, 36);
    assert!(line_with(&text, &["v21 z[2]"]).contains('▶'), "{text}");
    let (y, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("v22      z[1] − 1"))
        .expect("row v22 on screen");
    let x = line.find("v22").map(|b| line[..b].chars().count()).unwrap();
    m.handle_mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: x as u16,
        row: y as u16,
        modifiers: KeyModifiers::NONE,
    });
    assert_eq!(m.selected(), Some(22));
    let (hy, hline) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("── L = sum"))
        .expect("L's header on screen");
    let hx = hline
        .find("── L")
        .map(|b| hline[..b].chars().count())
        .unwrap();
    m.handle_mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: hx as u16 + 3,
        row: hy as u16,
        modifiers: KeyModifiers::NONE,
    });
    assert_eq!(m.selected(), Some(22), "a header selects nothing");
}

#[test]
fn groups_fold_in_the_graph() {
    let mut m = vector_model(MLP);
    assert!(m.folding(), "programs with vectors start folded");
    let text = render_text(&m, 120, 36);
    assert!(text.contains("graph (groups folded)"), "{text}");
    assert!(
        text.contains("z  2-vector") && text.contains("L  scalar"),
        "{text}"
    );
    assert!(
        text.contains("x[1] (input)"),
        "the current group is open: {text}"
    );
    // In L's rows, x and z are boxes with their values.
    m.set_step(m.trace().len() - 2);
    let text = render_text(&m, 120, 36);
    assert!(
        text.contains("x  2-vector") && text.contains("(1.000, 2.000)"),
        "{text}"
    );
    assert!(text.contains("(0.4990, 0.9303)"), "{text}");
    // In the reverse sweep, once z's adjoints are known, its box shows them
    // (at the last step, in x's rows: z is folded).
    m.set_step(m.step_count() - 1);
    let text = render_text(&m, 120, 36);
    assert!(text.contains("z̄ = (-1.002, 1.861)"), "{text}");
    key(&mut m, KeyCode::Char('z'));
    assert!(!m.folding());
    let text = render_text(&m, 120, 36);
    assert!(
        !text.contains("z  2-vector") && text.contains("graph ─"),
        "{text}"
    );
    // A scalar program has nothing to fold.
    let mut s = model(GRAPH);
    key(&mut s, KeyCode::Char('z'));
    assert!(!s.folding());
    assert!(render_text(&s, 100, 30).contains("nothing to fold"));
}

#[test]
fn vector_frames_are_pure_ascii_with_ascii() {
    let opts = TuiOptions {
        style: Style {
            ascii: true,
            ..Style::default()
        },
        ..TuiOptions::default()
    };
    for src in [F, MLP] {
        let t = adtrace::core::pipeline::trace_at(src, "", false, None).unwrap();
        let p = t.point(None).unwrap();
        let s = t.seed(&adtrace::core::pipeline::SeedSpec::First).unwrap();
        let mut m = Model::new(t, p, s, opts);
        for k in (0..m.step_count()).step_by(3) {
            m.set_step(k);
            for (w, h) in [(80, 24), (120, 36)] {
                let text = render_text(&m, w, h);
                assert!(text.is_ascii(), "step {k} at {w}x{h}:\n{text}");
                // nothing fell back to ? (a shape's ×, a marker)
                assert_eq!(text.matches('?').count(), 1, "{w}x{h}:\n{text}");
            }
        }
    }
}

#[test]
fn clicking_a_folded_box_selects_its_group_and_enter_opens_it() {
    let mut m = vector_model(MLP);
    m.resize(120, 36);
    let text = render_text(&m, 120, 36);
    let (y, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("z  2-vector"))
        .expect("z's box on screen");
    let x = line
        .find("z  2-vector")
        .map(|b| line[..b].chars().count())
        .unwrap();
    m.handle_mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: x as u16 + 2,
        row: y as u16 + 1,
        modifiers: KeyModifiers::NONE,
    });
    assert_eq!(m.selected(), Some(2), "z's first row");
    key(&mut m, KeyCode::Enter);
    assert_eq!(m.step_index(), 2);
    let text = render_text(&m, 120, 36);
    assert!(
        !text.contains("z  2-vector") && text.contains("x  2-vector"),
        "{text}"
    );
}

#[test]
fn vector_programs_never_panic_at_any_size() {
    for src in [F, MLP] {
        let mut m = vector_model(src);
        let last = m.step_count() - 1;
        for k in [0, 5, last / 2, last] {
            m.set_step(k);
            for code in ['J', 'g', 'j', 'v', ']', '['] {
                key(&mut m, KeyCode::Char(code));
                for w in (0..140).step_by(13) {
                    for h in (0..45).step_by(7) {
                        let _ = render_text(&m, w, h);
                    }
                }
            }
            assert!(m.step_index() < m.step_count());
        }
    }
}

/// The stepping view's table counts terminal cells: a CJK name and a
/// combining macron leave the value column aligned on every row.
#[test]
fn table_aligns_wide_and_combining_names() {
    use unicode_width::UnicodeWidthStr;
    let mut m = model("損失 = x^2; x\u{304} = 損失 + 1; y = sin(x\u{304}) at x = 3");
    key(&mut m, KeyCode::End);
    let text = render_text(&m, 120, 30);
    // Where each row's value ends, in cells: x's 3, 損失's 9, x̄'s 10.
    let end = |label: &str, op: &str, value: &str| {
        let l = table_line(&text, label, op);
        // The graph shares the screen line: look right of the label.
        let from = l.find(&format!(" {label} ")).unwrap();
        l[..from + l[from..].find(value).unwrap() + value.len()].width()
    };
    let x = end("x0", "input", "3.000");
    assert_eq!(end("x1", "x²", "9.000"), x, "{text}");
    assert_eq!(end("x2", "損失 + 1", "10.00"), x, "{text}");
    assert_eq!(end("x3", "sin(x\u{304})", "-0.5440"), x, "{text}");
}

/// `g` then a number goes to that step (1-based, as shown); a step that
/// does not exist is named in the status and the step is kept.
#[test]
fn g_goes_to_a_typed_step() {
    let mut m = model(GRAPH);
    key(&mut m, KeyCode::Char('g'));
    assert!(render_text(&m, 100, 30).contains("go to step: _"));
    for c in ['1', '1'] {
        key(&mut m, KeyCode::Char(c));
    }
    key(&mut m, KeyCode::Enter);
    assert_eq!(m.step_index(), 10);
    let text = render_text(&m, 100, 30);
    assert!(
        text.contains("step 11 of 14") && text.contains("0.8045"),
        "{text}"
    );
    key(&mut m, KeyCode::Char('g'));
    for c in ['9', '9'] {
        key(&mut m, KeyCode::Char(c));
    }
    key(&mut m, KeyCode::Enter);
    assert_eq!(m.step_index(), 10, "kept");
    let text = render_text(&m, 120, 36);
    assert!(
        text.contains("no step '99': the steps are 1 to 14"),
        "{text}"
    );
    // Esc cancels.
    key(&mut m, KeyCode::Char('g'));
    key(&mut m, KeyCode::Char('2'));
    key(&mut m, KeyCode::Esc);
    assert_eq!(m.step_index(), 10);
}

/// The explanation says what comes next, and the last step closes with a
/// summary: the value, the gradient and what forward mode would cost.
#[test]
fn next_step_and_closing_summary() {
    let mut m = model(GRAPH);
    m.set_step(2);
    let text = render_text(&m, 120, 36);
    assert!(
        text.contains("next: step 4 · x3 (c) · value and tangent · d/dw (g(w) + h(w))"),
        "{text}"
    );
    m.set_step(6);
    assert!(render_text(&m, 120, 36).contains("adjoint (the reverse sweep starts)"));
    m.set_step(13);
    let text = render_text(&m, 120, 36);
    assert!(
        text.contains("done: f = 1.090; gradient ∂f/∂x = 5.983; one reverse sweep;"),
        "{text}"
    );
    assert!(text.contains("needed 1 sweep"), "{text}");
    assert!(!text.contains("next:"), "{text}");
    let mut b = model("f(x1, x2) = ln(x1) + x1*x2 - sin(x2) at x1 = 2, x2 = 5");
    b.set_step(b.step_count() - 1);
    let text = render_text(&b, 120, 36);
    // (The summary wraps where the pane's width says.)
    assert!(
        text.contains("gradient ∂f/∂x1 = 5.500, ∂f/∂x2 = 1.716"),
        "{text}"
    );
    assert!(text.contains("needed 2 sweeps"), "{text}");
}

/// The table underlines the cells the current rule reads: the operands'
/// values and tangents forward, the users' adjoints in reverse.
#[test]
fn table_marks_the_cells_the_rule_reads() {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::style::Modifier;
    let underlined = |m: &Model, row_text: &str, num: &str| -> bool {
        let mut term = Terminal::new(TestBackend::new(120, 36)).unwrap();
        term.draw(|f| adtrace::tui::draw(f, m)).unwrap();
        let buf = term.backend().buffer().clone();
        let w = usize::from(buf.area.width);
        for (y, row) in buf.content.chunks(w).enumerate() {
            let line: String = row.iter().map(|c| c.symbol()).collect();
            if !line.contains(row_text) {
                continue;
            }
            let chars: Vec<&str> = row.iter().map(|c| c.symbol()).collect();
            let joined: String = chars.concat();
            let Some(b) = joined.find(num) else { continue };
            // The cell index of the number's first character.
            let x = joined[..b].chars().count();
            let _ = y;
            return row[x].modifier.contains(Modifier::UNDERLINED);
        }
        panic!("no row {row_text} with {num}");
    };
    let mut m = model(GRAPH);
    m.set_step(3); // c = a + b reads a and b
    assert!(underlined(&m, "x1  a", "1.000"));
    assert!(underlined(&m, "x2  b", "5.437"));
    assert!(!underlined(&m, "x0  x", "1.000"));
    m.set_step(10); // c̄ reads d̄ and ē
    assert!(underlined(&m, "x4  d", " 1.000"));
    assert!(!underlined(&m, "x4  d", "1.928"));
    assert!(!underlined(&m, "x6  f", " 1.000"));
}

/// `R` shows each row's symbolic rule beside its numbers.
#[test]
fn rule_column_toggles() {
    let mut m = model(NET);
    m.set_step(3);
    key(&mut m, KeyCode::Char('R'));
    let text = render_text(&m, 120, 36);
    assert!(text.contains("rule column on"), "{text}");
    let line = text.lines().find(|l| l.contains("tanh(x1)")).unwrap();
    assert!(line.contains("d2 = (1 − tanh²(x1))·d1"), "{line}");
    // A row the sweep has not reached shows its rule without numbers.
    let line = text.lines().find(|l| l.contains("x3 − 2")).unwrap();
    assert!(
        line.contains("d4 = d3") && !line.contains("0.1696"),
        "{line}"
    );
    key(&mut m, KeyCode::Char('R'));
    let text = render_text(&m, 120, 36);
    assert!(!text.contains("(1 − tanh²(x1))·d1   "), "{text}");
}
