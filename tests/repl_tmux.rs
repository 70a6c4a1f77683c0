//! End-to-end: the REPL in a real terminal (tmux). Starts `adtrace` at its
//! prompt, completes a command with Tab, opens the stepping TUI on a
//! program with its point, leaves it with q, and finds the finished table
//! inline and a working prompt; then `adtrace play` on a lecture script.
//! Skips with a note when tmux is not installed (CI installs it).

const GRAPH: &str = "f(x) = sqrt(x^2 + exp(x^2)) + cos(x^2 + exp(x^2)) at x = 1";
const BIN: &str = env!("CARGO_BIN_EXE_adtrace");

mod common;
use common::{Tmux, check_shell_is_usable, scratch};

/// The prompt is on the last non-empty line of the screen.
fn at_prompt(s: &str) -> bool {
    s.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .is_some_and(|l| l.starts_with("ad>"))
}

#[test]
fn repl_in_tmux_completes_opens_the_tui_and_comes_back() {
    let Some(t) = Tmux::start("repl") else {
        return;
    };
    let data = scratch("data");
    t.wait("the shell prompt", 10, |s| s.contains('$'));
    t.line(&format!(
        "XDG_STATE_HOME={} NO_COLOR=1 {BIN}",
        data.display()
    ));
    let s = t.wait("the greeting and prompt", 15, |s| {
        s.contains(":example graph") && at_prompt(s)
    });
    assert!(s.contains("sin(x)*y at x=1, y=2"), "{s}");

    // Tab completes the command's common prefix.
    t.paste(":exa");
    t.keys(&["Tab"]);
    t.wait("the completion", 10, |s| {
        s.lines().any(|l| l.starts_with("ad> :example"))
    });
    // Had Tab not completed ':exa', this would be ':exas', an unknown command.
    t.paste("s");
    t.keys(&["Enter"]);
    let s = t.wait("the examples", 10, |s| {
        s.contains("neuron-relu") && at_prompt(s)
    });
    assert!(!s.contains("unknown command"), "{s}");

    // A program with its point opens the stepping view.
    t.line(GRAPH);
    t.wait("the TUI", 15, |s| {
        s.contains("explanation") && s.contains("step 1 of 14")
    });
    assert!(t.alternate_on(), "the TUI uses the alternate screen");
    t.keys(&["End"]);
    t.wait("the last step", 10, |s| s.contains("step 14 of 14"));
    t.keys(&["q"]);
    t.wait("the main screen", 10, |_| !t.alternate_on());
    let s = t.wait("the table inline and the prompt", 10, |s| {
        s.contains("gradient: ∂f/∂x = 5.983") && at_prompt(s)
    });
    assert!(
        s.contains("x3         x1 + x2      3.718"),
        "the table: {s}"
    );

    // The prompt works: another line, and its output.
    t.line(":set precision 2");
    t.line(":table");
    t.wait("the table at 2 decimals", 10, |s| {
        s.contains("gradient: ∂f/∂x = 5.98") && at_prompt(s)
    });

    // An error does not end the session.
    t.line("sin(x +* 1)");
    t.wait("the located error", 10, |s| {
        s.contains("1:8") && s.contains('^') && at_prompt(s)
    });

    // Ctrl-D leaves; the shell is usable and the history was kept.
    t.keys(&["C-d"]);
    check_shell_is_usable(&t, "done-repl");
    let history = std::fs::read_to_string(data.join("adtrace").join("history")).unwrap();
    assert!(history.contains(":set precision 2"), "{history}");
}

#[test]
fn play_in_tmux_stops_at_pauses_and_steps_back() {
    let Some(t) = Tmux::start("play") else {
        return;
    };
    t.wait("the shell prompt", 10, |s| s.contains('$'));
    t.line(&format!("{BIN} play neural-net"));
    let s = t.wait("the first pause", 15, |s| {
        s.contains("The weights and the target")
    });
    assert!(s.contains("Neural net") && s.contains("[1/6"), "{s}");
    t.keys(&["Space"]);
    t.wait("the second pause", 10, |s| {
        s.contains("x1 = W0·x = 2") && s.contains("[2/6")
    });
    t.keys(&["Space"]);
    t.wait("the third pause", 10, |s| {
        s.contains("d2 = (1 − tanh²(x1))·d1") && s.contains("step 3 of 12")
    });
    // ← steps back across the pause
    t.keys(&["Left"]);
    t.wait("one frame back", 10, |s| {
        s.contains("step 2 of 12") && s.contains("[2/6")
    });
    t.keys(&["q"]);
    check_shell_is_usable(&t, "done-play");
}

/// The prompt as a student has it: an open bracket continues at `...`,
/// an empty line ends it with the bracket named, `x²` is a power, `:set tui
/// off` keeps to tables, and `:example graph` opens the stepping view.
#[test]
fn repl_in_tmux_continues_brackets_and_opens_examples() {
    let Some(t) = Tmux::start("repl-student") else {
        return;
    };
    let data = scratch("data-student");
    t.wait("the shell prompt", 10, |s| s.contains('$'));
    t.line(&format!(
        "XDG_DATA_HOME={} NO_COLOR=1 {BIN}",
        data.display()
    ));
    t.wait("the prompt", 15, |s| {
        s.contains(":example graph") && at_prompt(s)
    });
    t.line(":set tui off");
    t.wait("tui off", 10, |s| s.contains("tui off") && at_prompt(s));

    // An open bracket: the continuation prompt, then the rest.
    t.line("sin(x");
    t.wait("the continuation prompt", 10, |s| {
        s.lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .is_some_and(|l| l.starts_with("..."))
    });
    t.line("+ 1) at x = 0");
    // d/dx sin(x + 1) at 0 is cos(1) = 0.5403, printed as a table.
    let s = t.wait("the table of sin(x + 1)", 10, |s| {
        s.contains("= 0.5403") && at_prompt(s)
    });
    assert!(!t.alternate_on(), "tui off keeps to tables: {s}");

    // A matrix continues over lines like a parenthesis: W·[x, 1] at
    // x = 2 is [1·2 + 2·1, 2·2 + 2·1] = [4, 6].
    t.line("W = [[1, x],");
    t.wait("the continuation prompt after '['", 10, |s| {
        s.lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .is_some_and(|l| l.starts_with("..."))
    });
    t.line("[x, 2]]; f = W*[x, 1] at x = 2");
    t.wait("the matrix program's outputs", 10, |s| {
        s.contains("outputs: f = [4.000, 6.000]") && at_prompt(s)
    });

    // An empty line ends an input whose bracket never closes.
    t.line("cos(x");
    t.wait("the continuation prompt", 10, |s| s.contains("... "));
    t.keys(&["Enter"]);
    t.wait("the error naming the bracket", 10, |s| {
        s.contains("unclosed '('") && s.contains("1:4") && at_prompt(s)
    });

    // x² is x^2: 3² = 9, and its derivative 2·3 = 6.
    t.line("x² at x = 3");
    t.wait("x² traced", 10, |s| {
        s.contains("x1 = 9.000") && s.contains("∂x1/∂x = 6.000") && at_prompt(s)
    });

    // With the view on, :example opens it on the example's last program.
    t.line(":set tui on");
    t.wait("tui on", 10, |s| s.contains("tui on") && at_prompt(s));
    t.line(":example graph");
    let s = t.wait("the example in the stepping view", 15, |s| {
        s.contains("explanation") && s.contains("of 14")
    });
    assert!(t.alternate_on(), "{s}");
    assert!(!s.contains("ok: "), "{s}");
    t.keys(&["q"]);
    t.wait("back at the prompt", 10, |s| {
        !t.alternate_on() && s.contains("gradient: ∂f/∂x = 5.983") && at_prompt(s)
    });
    t.keys(&["C-d"]);
    check_shell_is_usable(&t, "done-student");
}

/// `:quiz` at a terminal: a wrong answer gets a hint and the question
/// again; the score at the end.
#[test]
fn quiz_in_tmux_hints_and_scores() {
    let Some(t) = Tmux::start("repl-quiz") else {
        return;
    };
    let data = scratch("data-quiz");
    t.wait("the shell prompt", 10, |s| s.contains('$'));
    t.line(&format!(
        "XDG_DATA_HOME={} NO_COLOR=1 {BIN}",
        data.display()
    ));
    t.wait("the prompt", 15, |s| {
        s.contains(":example graph") && at_prompt(s)
    });
    t.line(":set tui off");
    // Each line waits for the prompt: typed earlier, rustyline may drop it.
    t.wait("tui off", 10, |s| s.contains("tui off") && at_prompt(s));
    t.line("sin(x) at x = 1");
    t.wait("the table", 10, |s| s.contains("= 0.5403") && at_prompt(s));
    t.line(":quiz");
    t.wait("the first question", 10, |s| s.contains("value x1 = ?"));
    t.line("0.8415");
    t.wait("the second question", 10, |s| {
        s.contains("derivative d1 = ?")
    });
    // d/dx sin(x) is cos(x), not 1: the general rule comes first.
    t.line("1");
    t.wait("the first hint", 10, |s| {
        s.contains("hint 1 of 3: d/dw sin(g(w)) = cos(g(w))·g′(w)")
    });
    t.line("0.5403");
    t.wait("the adjoint question", 10, |s| s.contains("adjoint x̄0 = ?"));
    t.line("0.5403");
    t.wait("the score", 10, |s| {
        s.contains("score: 3/3") && at_prompt(s)
    });
    t.keys(&["C-d"]);
    check_shell_is_usable(&t, "done-quiz");
}

/// Lines pasted (or typed ahead) together all run, in order: each prompt
/// takes up where the last one stopped reading, so none is dropped.
#[test]
fn repl_in_tmux_runs_every_pasted_line() {
    let Some(t) = Tmux::start("repl-paste") else {
        return;
    };
    let data = scratch("data-paste");
    t.line(&format!(
        "XDG_STATE_HOME={} NO_COLOR=1 {BIN}",
        data.display()
    ));
    t.wait("the prompt", 15, at_prompt);
    // One paste, five lines; the last one leaves.
    t.paste(":set tui off\nx^2 at x = 3\n:set precision 2\nsin(x) at x = 0\n:quit\n");
    check_shell_is_usable(&t, "paste-done");
    let s = t.screen();
    // d/dx x² at 3 is 6 at the default precision; cos(0) = 1 at two places.
    assert!(s.contains("∂x1/∂x = 6.000"), "{s}");
    assert!(s.contains("precision 2"), "{s}");
    assert!(s.contains("∂x1/∂x = 1.0   (forward"), "{s}");
}

/// Lines typed before adtrace starts (while the shell is still busy, as
/// during `cargo run`'s build) reach its prompt: the start-up question to
/// the terminal is not asked over them.
#[test]
fn repl_in_tmux_keeps_lines_typed_before_it_starts() {
    let Some(t) = Tmux::start("repl-ahead") else {
        return;
    };
    let data = scratch("data-ahead");
    t.line(&format!("sleep 2; XDG_STATE_HOME={} {BIN}", data.display()));
    t.paste(":set tui off\nx^2 at x = 3\n:quit\n");
    check_shell_is_usable(&t, "ahead-done");
    let s = t.screen();
    assert!(s.contains("∂x1/∂x = 6.000"), "{s}");
}
