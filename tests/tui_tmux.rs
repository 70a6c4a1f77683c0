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

/// The presenter as a lecturer with a clicker uses it: `?` lists the
/// presenter's keys (not the stepping view's), PgUp goes back a whole
/// pause, and space at the last pause says the presentation has ended.
#[test]
fn play_in_tmux_presenter_help_back_a_pause_and_the_end() {
    let Some(t) = Tmux::start("presenter") else {
        return;
    };
    t.line(&format!("{BIN} play graph"));
    t.wait("the first pause", 15, |s| {
        s.contains("[1/5]") && s.contains("Written as one expression")
    });
    t.keys(&["?"]);
    let s = t.wait("the presenter's help", 10, |s| {
        s.contains("back to the previous pause")
    });
    assert!(s.contains("play on to the next pause"), "{s}");
    assert!(
        !s.contains("forward/reverse"),
        "not the stepping keys:\n{s}"
    );
    t.keys(&["?"]);
    t.wait("the help closed", 10, |s| {
        !s.contains("back to the previous pause")
    });
    t.keys(&["Space"]);
    t.wait("the second pause", 15, |s| s.contains("[2/5]"));
    t.keys(&["Space"]);
    let s = t.wait("the third pause", 15, |s| s.contains("[3/5]"));
    assert!(s.contains("The same graph written as statements"), "{s}");
    // PgUp, like ←, goes back to the previous pause, not one step.
    t.keys(&["PPage"]);
    let s = t.wait("back a pause", 10, |s| s.contains("[2/5]"));
    assert!(s.contains("Reverse sweep done"), "{s}");
    t.keys(&["End"]);
    t.wait("the last pause", 10, |s| s.contains("[5/5, the end]"));
    t.keys(&["Space"]);
    t.wait("the end said", 10, |s| {
        s.contains("the end of the presentation")
    });
    t.keys(&["Left"]);
    t.wait("back from the end", 10, |s| {
        s.contains("[4/5]") && !s.contains("the end of the presentation")
    });
    // n, one step at a time, also says the end rather than do nothing.
    t.keys(&["End"]);
    t.wait("the last pause again", 10, |s| s.contains("[5/5, the end]"));
    t.keys(&["n"]);
    t.wait("the end said after n", 10, |s| {
        s.contains("the end of the presentation")
    });
    t.keys(&["q"]);
    check_shell_is_usable(&t, "done-presenter");
}

/// The stepping view as a teacher uses it in a real terminal: `next:` says
/// what comes, `g 11 Enter` goes to step 11 (the fan-out), the compact
/// graph labels the edges there, `R` adds the rule column, and the last
/// step closes with the summary.
#[test]
fn tui_in_tmux_go_to_step_rule_column_and_summary() {
    let Some(t) = Tmux::start("teacher") else {
        return;
    };
    t.run(&["resize-window", "-t", &t.target, "-x", "80", "-y", "24"]);
    t.line(&format!("{BIN} tui '{GRAPH}'"));
    // Drawn at 80×24 (after tmux's resize reaches it).
    let s = t.wait("the TUI at 80×24", 15, |s| {
        s.contains("step 1 of 14") && s.contains("next: step 2 · x1 (a)") && s.contains("f=d + e")
    });
    // Every node's name and operation in the 80×24 graph.
    for node in [
        "x (input)",
        "a=x²",
        "b=exp(a)",
        "c=a + b",
        "d=sqrt(c)",
        "e=cos(c)",
        "f=d + e",
    ] {
        assert!(s.contains(node), "{node} missing:\n{s}");
    }
    t.keys(&["g"]);
    t.wait("the step prompt", 10, |s| s.contains("go to step: _"));
    t.keys(&["1", "1", "Enter"]);
    let s = t.wait("step 11", 10, |s| s.contains("step 11 of 14"));
    assert!(
        s.contains("∂d/∂c▲") && s.contains("▲∂e/∂c"),
        "edge labels:\n{s}"
    );
    t.keys(&["R"]);
    let s = t.wait("the rule column", 10, |s| s.contains(" rule"));
    assert!(s.contains("c̄ = d̄·"), "the current row's rule:\n{s}");
    t.keys(&["End"]);
    t.wait("the summary", 10, |s| {
        s.contains("done: f = 1.090; gradient ∂f/∂x = 5.983; one reverse sweep")
    });
    t.keys(&["q"]);
    check_shell_is_usable(&t, "done-teacher");
}

/// A light terminal background (COLORFGBG) gets the light theme, and
/// `--theme` overrides it: the screens' colours are the light theme's and
/// the dark theme's.
#[test]
fn tui_in_tmux_detects_a_light_background() {
    let colours = |args: &str| -> Option<String> {
        let t = Tmux::start("theme")?;
        t.line(&format!("COLORFGBG='0;15' {BIN} tui {args} '{GRAPH}'"));
        t.wait("the TUI", 15, |s| s.contains("step 1 of 14"));
        // The frame may still be arriving under load: capture until two
        // captures in a row agree.
        let capture = || {
            let out = t.run(&["capture-pane", "-p", "-e", "-t", &t.target]);
            String::from_utf8_lossy(&out.stdout).into_owned()
        };
        let mut out = capture();
        for _ in 0..50 {
            std::thread::sleep(std::time::Duration::from_millis(100));
            let again = capture();
            if again == out {
                break;
            }
            out = again;
        }
        t.keys(&["q"]);
        check_shell_is_usable(&t, "done-theme");
        Some(out)
    };
    let Some(detected) = colours("") else {
        return;
    };
    let light = colours("--theme light").unwrap();
    let dark = colours("--theme dark").unwrap();
    assert!(detected.contains('\u{1b}'), "colours captured");
    assert_eq!(detected, light, "COLORFGBG=0;15 is a light background");
    assert_ne!(detected, dark, "--theme dark overrides the detection");
}
