//! End-to-end in a real terminal (tmux): predict mode (`p`) in the
//! stepping view, as a student uses it — from `adtrace tui` and from the
//! view the prompt opens. Right answers reveal the step, a wrong one gets a
//! hint and the question again, Tab shows the answer, the title keeps the
//! score. Skips with a note when tmux is missing.

const GRAPH: &str = "a = x^2; b = exp(a); c = a + b; d = sqrt(c); e = cos(c); f = d + e at x = 1";
const BIN: &str = env!("CARGO_BIN_EXE_adtrace");

mod common;
use common::{Tmux, check_shell_is_usable, scratch, sig};

#[test]
fn predict_mode_asks_checks_hints_and_scores() {
    let Some(t) = Tmux::start("predict") else {
        return;
    };
    t.wait("the shell prompt", 30, |s| s.contains('$'));
    t.line(&format!("{BIN} tui '{GRAPH}'"));
    t.wait("the TUI", 30, |s| {
        s.contains("explanation") && s.contains("step 1 of 14")
    });
    let s = t.wait("the key bar naming p", 30, |s| s.contains("p predict"));
    assert!(!s.contains("predict 0/0"), "not on yet: {s}");
    t.keys(&["p"]);
    t.wait("predict mode on", 30, |s| s.contains("predict 0/0"));
    // → would show a = x² = 1: asked first, the step stays at 1.
    t.keys(&["Right"]);
    let s = t.wait("the question for a", 30, |s| s.contains("value x1 = ?"));
    assert!(s.contains("step 1 of 14"), "{s}");
    // A right value, then d1 = 2x = 2 right: step 2 shows both.
    t.line("1");
    t.wait("the derivative's question", 30, |s| {
        s.contains("right: x1 = 1.000") && s.contains("derivative d1 = ?")
    });
    t.line("2");
    let s = t.wait("step 2", 30, |s| {
        s.contains("step 2 of 14") && s.contains("predict 2/2")
    });
    assert!(s.contains("right: d1 = 2.000"), "{s}");
    // b = exp(a) = e: a wrong answer gets the first hint (the general
    // rule of a value) and the question again; b's value stays hidden.
    let e = sig(std::f64::consts::E, 4);
    t.keys(&["Right"]);
    t.wait("the question for b", 30, |s| s.contains("value x2 = ?"));
    t.line("3");
    let s = t.wait("the first hint", 30, |s| s.contains("hint 1 of 3"));
    assert!(s.contains("not 3; hint 1 of 3"), "{s}");
    assert!(!s.contains(&e), "b = e is not shown yet:\n{s}");
    assert!(s.contains("step 2 of 14"), "{s}");
    t.line(&e);
    t.wait("the derivative of b", 30, |s| {
        s.contains("derivative d2 = ?")
    });
    // Tab gives up: d2 = exp(a)·d1 = 2e is shown and step 3 revealed.
    t.keys(&["Tab"]);
    let two_e = sig(2.0 * std::f64::consts::E, 4);
    let s = t.wait("the answer shown", 30, |s| {
        s.contains(&format!("the answer: d2 = {two_e}")) && s.contains("step 3 of 14")
    });
    assert!(s.contains("predict 3/4"), "the score: {s}");
    t.keys(&["q"]);
    check_shell_is_usable(&t, "done-predict");
}

#[test]
fn the_view_the_prompt_opens_has_predict_mode() {
    let Some(t) = Tmux::start("predictrepl") else {
        return;
    };
    let data = scratch("data");
    t.wait("the shell prompt", 30, |s| s.contains('$'));
    t.line(&format!(
        "XDG_STATE_HOME={} NO_COLOR=1 {BIN}",
        data.display()
    ));
    t.wait("the prompt", 30, |s| s.contains("ad>"));
    t.line("sin(x)*y at x = 1, y = 2");
    t.wait("the TUI", 30, |s| s.contains("explanation"));
    t.keys(&["p", "Home", "Right"]);
    // Home, then → from x: y is the next input (shown), then →…
    t.keys(&["Right"]);
    t.wait("the question for sin(x)", 30, |s| {
        s.contains("value x2 = ?")
    });
    // sin(1) at four digits; the tangent along x is cos(1).
    t.line(&sig(1f64.sin(), 4));
    t.wait("the derivative", 30, |s| s.contains("derivative d2 = ?"));
    t.line(&sig(1f64.cos(), 4));
    t.wait("the step shown", 30, |s| {
        s.contains("predict 2/2") && s.contains("step 3 of")
    });
    t.keys(&["q"]);
    t.wait("the prompt again", 30, |s| {
        !t.alternate_on()
            && s.lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .is_some_and(|l| l.starts_with("ad>"))
    });
    t.keys(&["C-d"]);
    check_shell_is_usable(&t, "done-predict-repl");
}
