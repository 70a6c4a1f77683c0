//! The conventions users expect of a command-line tool: shell completions
//! and a man page, the headless output where no full-screen view can be
//! drawn (`TERM=dumb`, a pipe), `adtrace run -`, coloured errors only on a
//! terminal that wants them, history in the XDG state directory appended by
//! two REPLs at once without loss, write errors reported.

use std::process::{Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_adtrace");
const GRAPH: &str = "a = x^2; b = exp(a); c = a + b; d = sqrt(c); e = cos(c); f = d + e at x = 1";

mod common;
use common::{Tmux, adtrace, run, scratch};

#[test]
fn completions_for_each_shell_name_the_subcommands() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let r = run(&["completions", shell], "");
        assert_eq!(r.code, 0, "{shell}: {}", r.stderr);
        for word in ["adtrace", "eval", "play", "format", "wrt", "theme"] {
            assert!(r.stdout.contains(word), "{shell} lacks {word}");
        }
    }
    // bash reads the script back without a syntax error.
    let r = run(&["completions", "bash"], "");
    if let Ok(out) = Command::new("bash").args(["-n", "-c", &r.stdout]).output() {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let r = run(&["completions", "tcsh"], "");
    assert_eq!(r.code, 2);
}

#[test]
fn the_man_page_is_roff_with_every_subcommand() {
    let r = run(&["man"], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains(".TH adtrace 1"), "{}", r.stdout);
    for sub in ["eval", "tui", "render", "run", "play", "completions", "man"] {
        assert!(r.stdout.contains(sub), "{sub}");
    }
}

#[test]
fn write_errors_exit_nonzero() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return;
    };
    for args in [&["man"][..], &["completions", "bash"], &["eval", GRAPH]] {
        let out = Command::new(BIN)
            .args(args)
            .stdout(full.try_clone().unwrap())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("cannot write"),
            "{args:?}"
        );
    }
}

#[test]
fn term_dumb_gets_the_headless_output_with_a_note() {
    let out = adtrace()
        .env("TERM", "dumb")
        .args(["tui", GRAPH, "--step", "3"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("no full-screen view"), "{err}");
    let eval = adtrace()
        .args(["eval", GRAPH, "--step", "3"])
        .output()
        .unwrap();
    assert_eq!(out.stdout, eval.stdout);

    // play: each pause's frame, as `run --frames` prints it.
    let out = adtrace()
        .env("TERM", "dumb")
        .args(["play", "graph"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let frames = adtrace()
        .args(["run", "graph", "--frames"])
        .output()
        .unwrap();
    assert_eq!(out.stdout, frames.stdout);
    assert!(String::from_utf8_lossy(&out.stdout).contains("explanation"));
}

#[test]
fn run_dash_reads_the_script_from_stdin() {
    let r = run(&["run", "-"], "f = sin(x) at x = 1\n:expect f = 0.841471\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("0.8415"), "{}", r.stdout);
    assert!(
        r.stderr.contains("<stdin>: all 1 expectation held"),
        "{}",
        r.stderr
    );
    let r = run(&["run", "-"], "f = sin(x) at x = 1\n:expect f = 0.9\n");
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("<stdin>:2:"), "{}", r.stderr);
}

#[test]
fn errors_are_coloured_only_when_asked_or_on_a_terminal() {
    let plain = run(&["eval", "sin("], "");
    assert_eq!(plain.code, 2);
    assert!(plain.stderr.starts_with("error: "), "{}", plain.stderr);
    assert!(!plain.stderr.contains('\x1b'), "a pipe gets no colour");
    let forced = adtrace()
        .env("CLICOLOR_FORCE", "1")
        .args(["eval", "sin("])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&forced.stderr);
    assert!(err.starts_with('\x1b'), "{err:?}");
    assert!(err.contains("error:\x1b[0m unclosed '('"), "{err:?}");
    let no = adtrace()
        .env("NO_COLOR", "1")
        .env("CLICOLOR", "1")
        .args(["eval", "sin("])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&no.stderr).contains('\x1b'));
}

/// Two REPLs at once on one history file: every line of both is kept, in
/// the XDG state directory.
#[test]
fn two_repls_at_once_lose_no_history() {
    let Some(t) = Tmux::start("history") else {
        return;
    };
    let state = scratch("history-state");
    let data = scratch("history-data");
    let start = |target: &str| {
        t.run(&[
            "send-keys",
            "-t",
            target,
            "-l",
            &format!(
                "XDG_STATE_HOME={} XDG_DATA_HOME={} NO_COLOR=1 {BIN}",
                state.display(),
                data.display()
            ),
        ]);
        t.run(&["send-keys", "-t", target, "Enter"]);
    };
    let second = t.run(&[
        "new-window",
        "-d",
        "-P",
        "-t",
        &t.socket,
        "env",
        "PS1=$ ",
        "sh",
    ]);
    assert!(second.status.success());
    let other = format!("{}:1", t.socket);
    std::thread::sleep(Duration::from_millis(300));
    start(&t.target);
    start(&other);
    let screen = |target: &str| {
        String::from_utf8_lossy(&t.run(&["capture-pane", "-p", "-t", target]).stdout).into_owned()
    };
    let wait_prompts = |target: &str, n: usize| {
        for _ in 0..200 {
            if screen(target).matches("ad>").count() >= n {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("no prompt in {target}:\n{}", screen(target));
    };
    wait_prompts(&t.target, 1);
    wait_prompts(&other, 1);
    for i in 0..3 {
        for (k, target) in [&t.target, &other].into_iter().enumerate() {
            let line = format!(":set precision {}", 2 * i + k);
            t.run(&["send-keys", "-t", target, "-l", &line]);
            t.run(&["send-keys", "-t", target, "Enter"]);
            wait_prompts(target, i + 2);
        }
    }
    t.run(&["send-keys", "-t", &t.target, "C-d"]);
    t.run(&["send-keys", "-t", &other, "C-d"]);
    std::thread::sleep(Duration::from_millis(500));
    let path = state.join("adtrace").join("history");
    let history = std::fs::read_to_string(&path).unwrap_or_default();
    for p in 0..6 {
        assert!(
            history.contains(&format!(":set precision {p}")),
            "line {p} lost:\n{history}"
        );
    }
    assert!(!data.join("adtrace").join("history").exists());
}

#[test]
fn tui_without_a_terminal_falls_back_for_piped_stdout_too() {
    let out = Command::new(BIN)
        .args(["play", "graph"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not a terminal"), "{err}");
}
