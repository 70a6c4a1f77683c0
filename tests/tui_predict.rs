//! Predict mode (`p`) in the stepping view, read off the rendered frame: a
//! pending question names the cell, the cells of the step it guards stay
//! hidden, and a wrong answer's hint shows in place of the explanation.
//! The `.snap` file is what a student sees (review it by eye when it
//! changes).

use adtrace::tui::{Model, render_text};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const GRAPH: &str = "a = x^2; b = exp(a); c = a + b; d = sqrt(c); e = cos(c); f = d + e at x = 1";

mod common;

fn press(m: &mut Model, code: KeyCode) {
    m.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn type_in(m: &mut Model, text: &str) {
    for c in text.chars() {
        press(m, KeyCode::Char(c));
    }
    press(m, KeyCode::Enter);
}

/// At b = exp(a), after a wrong derivative: the question with its first
/// hint and a prediction half typed; b's value (e) was predicted, its
/// derivative 2e is not shown anywhere.
#[test]
fn a_pending_question_at_80x24() {
    let mut m = common::model(GRAPH);
    m.resize(80, 24);
    press(&mut m, KeyCode::Char('p'));
    press(&mut m, KeyCode::Right);
    type_in(&mut m, "1");
    type_in(&mut m, "2");
    press(&mut m, KeyCode::Right);
    type_in(&mut m, &common::sig(std::f64::consts::E, 4));
    type_in(&mut m, "2.7");
    for c in "5.4".chars() {
        press(&mut m, KeyCode::Char(c));
    }
    let text = render_text(&m, 80, 24);
    assert_eq!(m.step_index(), 1, "still at a = x²");
    let two_e = common::sig(2.0 * std::f64::consts::E, 4);
    assert!(!text.contains(&two_e), "d2 = 2e is hidden:\n{text}");
    assert!(text.contains("d2 = 5.4_"), "{text}");
    assert!(text.contains("predict 3/3"), "{text}");
    insta::assert_snapshot!("graph_80x24_pending_question", text);
}

/// The help lists `p`, and still fits 80×24 with its closing line.
#[test]
fn help_lists_predict_mode_at_80x24() {
    let mut m = common::model(GRAPH);
    press(&mut m, KeyCode::Char('?'));
    let text = render_text(&m, 80, 24);
    assert!(text.contains("predict mode"), "{text}");
    assert!(text.contains("any key closes this help"), "{text}");
}

/// With `--ascii` the question, the input and the score are ASCII, and
/// a reverse step asks for the adjoint by its ASCII name.
#[test]
fn an_ascii_question_in_the_reverse_sweep() {
    use adtrace::core::notation::Style;
    use adtrace::tui::TuiOptions;
    let opts = TuiOptions {
        style: Style {
            ascii: true,
            ..Style::default()
        },
        ..TuiOptions::default()
    };
    let mut m = common::model_with(GRAPH, opts);
    press(&mut m, KeyCode::Char('p'));
    press(&mut m, KeyCode::Char('r'));
    press(&mut m, KeyCode::Right);
    // e's adjoint: f = d + e, so xbar5 = xbar6 * 1 = 1; a wrong 2 gets the
    // general rule of an adjoint.
    type_in(&mut m, "2");
    let text = render_text(&m, 100, 30);
    assert!(text.is_ascii(), "{text}");
    assert!(text.contains("adjoint xbar5 = ?"), "{text}");
    assert!(text.contains("xbar5 = _"), "{text}");
    assert!(text.contains("not 2; hint 1 of 3"), "{text}");
    assert!(text.contains("predict 0/0"), "{text}");
}
