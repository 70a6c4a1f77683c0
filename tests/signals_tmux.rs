//! End-to-end: signals to the full-screen views in a real terminal (tmux).
//! `adtrace tui` runs under `sh -c` and `adtrace play` under `timeout`
//! (non-interactive parents, which do not repair the tty); each
//! terminating signal must leave the terminal as it was — main screen,
//! cursor shown, no mouse reporting, `stty` in cooked mode with echo — and
//! end the process by that signal. SIGTSTP (and Ctrl-Z in the view) must
//! leave the screen the same way, and SIGCONT take it again and redraw.
//! Skips with a note when tmux is not installed (CI installs it).

use std::process::Command;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_adtrace");

mod common;
use common::{Tmux, scratch};

/// How the program is started: the view to run and its parent.
struct Case {
    tag: &'static str,
    /// adtrace's arguments, shell-quoted.
    args: &'static str,
    /// `sh` or `timeout`: the non-interactive parent.
    parent: &'static str,
    /// Text the drawn view shows.
    shows: &'static str,
}

const TUI: Case = Case {
    tag: "tui",
    args: "tui 'a = x^2; b = exp(a); f = sqrt(a + b) at x = 1'",
    parent: "sh",
    shows: "explanation",
};

const PLAY: Case = Case {
    tag: "play",
    args: "play graph",
    parent: "timeout",
    shows: "adtrace",
};

/// A running view in tmux, with its process id.
struct Running {
    t: Tmux,
    pid: String,
    tty: String,
}

fn start(case: &Case, what: &str) -> Option<Running> {
    let t = Tmux::start(&format!("sig-{}-{what}", case.tag))?;
    t.wait("the shell prompt", 10, |s| s.contains('$'));
    let dir = scratch(&format!("signals-{}-{what}", case.tag));
    let pidfile = dir.join("pid");
    let script = dir.join("run.sh");
    std::fs::write(
        &script,
        format!(
            "echo $$ > '{}'\nexec '{BIN}' {}\n",
            pidfile.display(),
            case.args
        ),
    )
    .unwrap();
    let run = match case.parent {
        "sh" => format!("sh -c 'sh {}; echo EXIT=$?'", script.display()),
        _ => format!("timeout 120 sh {}; echo EXIT=$?", script.display()),
    };
    t.line(&run);
    t.wait("the view", 20, |s| {
        s.contains(case.shows) && t.alternate_on()
    });
    let pid = std::fs::read_to_string(&pidfile)
        .unwrap()
        .trim()
        .to_string();
    let tty = flag(&t, "pane_tty");
    Some(Running { t, pid, tty })
}

fn flag(t: &Tmux, name: &str) -> String {
    let out = t.run(&[
        "display-message",
        "-p",
        "-t",
        &t.target,
        &format!("#{{{name}}}"),
    ]);
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn signal(pid: &str, sig: &str) {
    let ok = Command::new("kill")
        .args([&format!("-{sig}"), pid])
        .status()
        .unwrap();
    assert!(ok.success(), "kill -{sig} {pid}");
}

/// The tty's modes as `stty -a` lists them (`echo`, `-icanon`, …).
fn modes(tty: &str) -> Vec<String> {
    let out = Command::new("stty")
        .args(["-F", tty, "-a"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .split([' ', ';', '\n'])
        .map(str::to_string)
        .collect()
}

/// Wait until the terminal is as the shell left it, then check each part.
fn assert_restored(r: &Running, after: &str) {
    let end = Instant::now() + Duration::from_secs(10);
    while r.t.alternate_on() && Instant::now() < end {
        std::thread::sleep(Duration::from_millis(50));
    }
    let t = &r.t;
    assert!(!t.alternate_on(), "{after}: still in the alternate screen");
    assert_eq!(flag(t, "cursor_flag"), "1", "{after}: the cursor is hidden");
    for m in [
        "mouse_any_flag",
        "mouse_button_flag",
        "mouse_standard_flag",
        "mouse_sgr_flag",
    ] {
        assert_eq!(flag(t, m), "0", "{after}: mouse reporting is on ({m})");
    }
    let modes = modes(&r.tty);
    for m in ["echo", "icanon", "isig"] {
        assert!(
            modes.iter().any(|x| x == m),
            "{after}: stty shows no '{m}': {modes:?}"
        );
    }
}

fn assert_taken(r: &Running, case: &Case, after: &str) {
    r.t.wait(&format!("the view again {after}"), 10, |s| {
        s.contains(case.shows) && r.t.alternate_on()
    });
    let modes = modes(&r.tty);
    assert!(
        modes.iter().any(|x| x == "-icanon"),
        "{after}: not raw again: {modes:?}"
    );
    assert_eq!(flag(&r.t, "mouse_any_flag"), "1", "{after}: mouse is off");
}

fn terminating(case: &Case) {
    for (sig, n) in [("TERM", 15), ("INT", 2), ("HUP", 1), ("QUIT", 3)] {
        let Some(r) = start(case, sig) else {
            return;
        };
        signal(&r.pid, sig);
        assert_restored(&r, &format!("{} after SIG{sig}", case.tag));
        // Ended by the signal itself, as its default action would.
        // (An interactive shell abandons the rest of a command line whose
        // job died of SIGINT, as after Ctrl-C: that says the same.)
        let want = format!("EXIT={}", 128 + n);
        let abandoned = sig == "INT" && case.parent != "sh";
        r.t.wait(&want, 10, |s| {
            s.lines().any(|l| l.trim() == want)
                || (abandoned && s.lines().filter(|l| l.trim() == "$").count() == 1)
        });
    }
}

fn suspend_and_continue(case: &Case) {
    let Some(r) = start(case, "tstp") else {
        return;
    };
    signal(&r.pid, "TSTP");
    assert_restored(&r, &format!("{} after SIGTSTP", case.tag));
    signal(&r.pid, "CONT");
    assert_taken(&r, case, "after SIGCONT");
    // Ctrl-Z in the view is a key in raw mode: it suspends the same way.
    r.t.keys(&["C-z"]);
    assert_restored(&r, &format!("{} after Ctrl-Z", case.tag));
    let stopped = || {
        let out = Command::new("ps")
            .args(["-o", "stat=", "-p", &r.pid])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).starts_with('T')
    };
    let end = Instant::now() + Duration::from_secs(10);
    while !stopped() && Instant::now() < end {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(stopped(), "Ctrl-Z stops the process");
    signal(&r.pid, "CONT");
    assert_taken(&r, case, "after fg");
    r.t.keys(&["q"]);
    assert_restored(&r, &format!("{} after q", case.tag));
    r.t.wait("a clean exit", 10, |s| {
        s.lines().any(|l| l.trim() == "EXIT=0")
    });
}

#[test]
fn tui_restores_the_terminal_on_every_terminating_signal() {
    terminating(&TUI);
}

#[test]
fn play_restores_the_terminal_on_every_terminating_signal() {
    terminating(&PLAY);
}

#[test]
fn tui_leaves_the_screen_on_suspend_and_redraws_on_continue() {
    suspend_and_continue(&TUI);
}

#[test]
fn play_leaves_the_screen_on_suspend_and_redraws_on_continue() {
    suspend_and_continue(&PLAY);
}

#[test]
fn repl_ctrl_c_cancels_a_long_command_and_keeps_the_session() {
    let Some(t) = Tmux::start("sig-repl-cancel") else {
        return;
    };
    let dir = scratch("signals-repl");
    // A script long enough to take many seconds at the prompt.
    let long = dir.join("long.adt");
    // Each line a 100-statement program (about 2·10⁶ statements in all:
    // many seconds to trace, whatever the machine).
    let line: Vec<String> = (1..100)
        .map(|i| format!("a{i} = sin(a{})", i - 1))
        .collect();
    let line = format!("a0 = x; {}", line.join("; "));
    let lines = vec![line; 20_000];
    std::fs::write(&long, lines.join("\n")).unwrap();
    t.wait("the shell prompt", 10, |s| s.contains('$'));
    t.line(&format!(
        "XDG_STATE_HOME={0} XDG_DATA_HOME={0} {BIN}; echo EXIT=$?",
        dir.display()
    ));
    let at_prompt = |s: &str| {
        s.lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .is_some_and(|l| l.starts_with("ad>"))
    };
    t.wait("the prompt", 15, at_prompt);
    // A setting the session must keep across the cancelled command.
    t.line(":set precision 2");
    t.wait("the setting", 10, |s| {
        s.matches("ad>").count() >= 2 && at_prompt(s)
    });
    t.line(&format!(":load {}", long.display()));
    std::thread::sleep(Duration::from_millis(1500));
    t.keys(&["C-c"]);
    let s = t.wait("the command cancelled", 30, |s| {
        s.contains("cancelled (Ctrl-C)") && at_prompt(s)
    });
    assert!(
        !s.lines().any(|l| l.starts_with("EXIT=")),
        "the REPL ended:\n{s}"
    );
    // The session goes on with its setting.
    t.line("x*y at x = 2, y = 3");
    let s = t.wait("the stepping view", 15, |s| s.contains("explanation"));
    // Two significant digits: 2.0, not the default 2.000.
    assert!(
        s.contains("2.0 ") && !s.contains("2.000"),
        "precision 2 kept:\n{s}"
    );
    t.keys(&["End"]);
    t.wait("the last step", 10, |s| s.contains("6.0 "));
    t.keys(&["q"]);
    t.wait("the prompt again", 10, at_prompt);
    t.keys(&["C-d"]);
    t.wait("a clean exit", 10, |s| {
        s.lines().any(|l| l.trim() == "EXIT=0")
    });
}
