//! End-to-end: the real binary in a real terminal (tmux). Starts a shell in
//! a detached tmux server of fixed size on its own socket, runs `adtrace
//! tui`, presses keys, reads the screen with `capture-pane`, leaves, and
//! checks the shell is usable again (main screen back, cooked mode).
//! Skips with a note when tmux is not installed (CI installs it).
//!
//! Also the non-terminal paths of `tui` and `render`, which need no tmux.

use std::process::{Command, Stdio};

const GRAPH: &str = "a = x^2; b = exp(a); c = a + b; d = sqrt(c); e = cos(c); f = d + e at x = 1";
const BIN: &str = env!("CARGO_BIN_EXE_adtrace");

mod common;
use common::{Tmux, check_shell_is_usable};

#[test]
fn tui_in_tmux_steps_to_the_end_and_leaves_cleanly() {
    let Some(t) = Tmux::start("end") else {
        return;
    };
    t.wait("the shell prompt", 10, |s| s.contains('$'));
    t.line(&format!("{BIN} tui '{GRAPH}'"));
    t.wait("the TUI", 15, |s| {
        s.contains("explanation") && s.contains("step 1 of 14")
    });
    assert!(t.alternate_on(), "the TUI uses the alternate screen");
    t.keys(&["End"]);
    let s = t.wait("the last step", 10, |s| s.contains("step 14 of 14"));
    assert!(s.contains("1.090") && s.contains("5.983"), "{s}");
    assert!(s.contains("0.8045"), "c's adjoint: {s}");
    t.keys(&["Left"]);
    t.wait("one step back", 10, |s| s.contains("step 13 of 14"));
    t.keys(&["q"]);
    check_shell_is_usable(&t, "done-q");
    let s = t.screen();
    assert!(!s.contains("explanation"), "the TUI is gone:\n{s}");
}

#[test]
fn tui_in_tmux_leaves_cleanly_on_ctrl_c() {
    let Some(t) = Tmux::start("ctrlc") else {
        return;
    };
    t.wait("the shell prompt", 10, |s| s.contains('$'));
    t.line(&format!(
        "{BIN} tui --theme high-contrast --ascii '{GRAPH}'"
    ));
    t.wait("the TUI", 15, |s| s.contains("explanation"));
    t.keys(&["r"]);
    t.wait("the reverse sweep", 10, |s| s.contains("reverse sweep"));
    t.keys(&["C-c"]);
    check_shell_is_usable(&t, "done-ctrl-c");
}

#[test]
fn tui_without_a_terminal_prints_the_table_with_a_note() {
    let out = Command::new(BIN)
        .args(["tui", GRAPH])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(
        err.contains("not a terminal") && err.contains("adtrace eval"),
        "{err}"
    );
    // The same table `adtrace eval` prints.
    let eval = Command::new(BIN).args(["eval", GRAPH]).output().unwrap();
    assert_eq!(out.stdout, eval.stdout);
    assert!(String::from_utf8_lossy(&out.stdout).contains("5.983"));
}

#[test]
fn program_errors_are_located_with_exit_2() {
    for sub in ["tui", "render"] {
        let out = Command::new(BIN)
            .args([sub, "sin(x + at x = 1"])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{sub}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("error") && err.contains('^'), "{sub}: {err}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn render_prints_a_frame() {
    let out = Command::new(BIN)
        .args(["render", GRAPH, "--step", "end", "--size", "100x30"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().count(), 30);
    assert!(
        text.contains("step 14 of 14") && text.contains("5.983"),
        "{text}"
    );
    let out = Command::new(BIN)
        .args([
            "render", GRAPH, "--step", "999", "--size", "80x24", "--ascii",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.is_ascii() && text.contains("step 14 of 14"), "{text}");
    let out = Command::new(BIN)
        .args(["render", GRAPH, "--size", "huge"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
