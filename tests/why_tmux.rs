//! End-to-end in a real terminal (tmux): the "why AD" views of the
//! stepping view open over the panes with their key, close with it again,
//! and leave the terminal usable. Skips with a note when tmux is missing.

const BIN: &str = env!("CARGO_BIN_EXE_adtrace");

mod common;
use common::{Tmux, check_shell_is_usable};

#[test]
fn the_finite_difference_lab_opens_and_closes() {
    let Some(t) = Tmux::start("whyfd") else {
        return;
    };
    t.wait("the shell prompt", 30, |s| s.contains('$'));
    t.line(&format!("{BIN} tui 'sin(x) at x = 1'"));
    t.wait("the TUI", 30, |s| s.contains("explanation"));
    t.keys(&["d"]);
    let s = t.wait("the lab", 30, |s| {
        s.contains("finite differences · d closes")
    });
    assert!(s.contains("AD (one sweep): 0.5403023058681398"), "{s}");
    assert!(s.contains("best h = 1e-08, error 3.0e-09"), "{s}");
    t.keys(&["d"]);
    t.wait("the panes again", 30, |s| {
        s.contains("explanation") && !s.contains("d closes")
    });
    t.keys(&["q"]);
    check_shell_is_usable(&t, "done-fd");
}

#[test]
fn the_swell_view_opens_and_closes() {
    let Some(t) = Tmux::start("whysym") else {
        return;
    };
    t.wait("the shell prompt", 30, |s| s.contains('$'));
    t.line(&format!("{BIN} tui 'sin(sin(sin(x))) at x = 1'"));
    t.wait("the TUI", 30, |s| s.contains("explanation"));
    t.keys(&["s"]);
    let s = t.wait("the swell", 30, |s| {
        s.contains("expression swell · s closes")
    });
    assert!(s.contains("(8 operations)"), "{s}");
    t.keys(&["s"]);
    t.wait("the panes again", 30, |s| {
        s.contains("explanation") && !s.contains("s closes")
    });
    t.keys(&["q"]);
    check_shell_is_usable(&t, "done-sym");
}

#[test]
fn the_advar_and_tape_views_open_and_close() {
    let Some(t) = Tmux::start("whyadvar") else {
        return;
    };
    t.wait("the shell prompt", 30, |s| s.contains('$'));
    t.line(&format!("{BIN} tui 'W0 = 2; L = tanh(W0*x) + x at x = 1'"));
    t.wait("the TUI", 30, |s| s.contains("explanation"));
    t.keys(&["o", "Right"]);
    let s = t.wait("the AdVar view at step 2", 30, |s| {
        s.contains("o closes") && s.contains("x1 = mul(2, x)")
    });
    assert!(s.contains("if type(a) != AdVar"), "{s}");
    t.keys(&["T"]);
    t.wait("the tape", 30, |s| {
        s.contains("T closes") && s.contains("memory: 4 records")
    });
    t.keys(&["T"]);
    t.wait("the panes again", 30, |s| {
        s.contains("explanation") && !s.contains("T closes")
    });
    t.keys(&["q"]);
    check_shell_is_usable(&t, "done-advar");
}
