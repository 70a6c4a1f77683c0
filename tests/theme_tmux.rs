//! End-to-end: the theme follows the terminal's background. tmux answers
//! the background-colour query (OSC 11) itself: with its `window-style`
//! background when one is set (`rgb:fdfd/f6f6/e3e3` for #fdf6e3), and not
//! at all otherwise, answering only the device-attributes query (DA1) that
//! adtrace sends after it. Either way nothing of the answers may show on
//! the screen or reach the shell afterwards, and `--theme` wins.

mod common;
use common::{Tmux, check_shell_is_usable};

const GRAPH: &str = "a = x^2; b = exp(a); c = a + b; d = sqrt(c); e = cos(c); f = d + e at x = 1";
const BIN: &str = env!("CARGO_BIN_EXE_adtrace");

/// The ANSI background colours the screen draws with (SGR 40–47, or
/// `48;5;N` as tmux writes them): 4 is blue, 6 cyan.
fn backgrounds(t: &Tmux) -> Vec<u32> {
    let out = t.run(&["capture-pane", "-e", "-p", "-t", &t.target]);
    let screen = String::from_utf8_lossy(&out.stdout);
    let mut bgs = Vec::new();
    for seq in screen.split("\x1b[").skip(1) {
        let Some(end) = seq.find('m') else { continue };
        let ps: Vec<u32> = seq[..end]
            .split(';')
            .filter_map(|p| p.parse().ok())
            .collect();
        let mut k = 0;
        while k < ps.len() {
            match ps[k..] {
                [48, 5, n, ..] => {
                    bgs.push(n);
                    k += 2;
                }
                [n @ 40..=47, ..] => bgs.push(n - 40),
                _ => {}
            }
            k += 1;
        }
    }
    bgs
}

/// Start tmux, with a light pane background when asked.
fn tmux(tag: &str, light: bool) -> Option<Tmux> {
    let t = Tmux::start(tag)?;
    if light {
        t.run(&["set", "-g", "window-style", "bg=#fdf6e3"]);
    }
    Some(t)
}

/// The TUI on the lecture's graph, with colours and no COLORFGBG hint.
fn open_tui(t: &Tmux, extra: &str) {
    t.line(&format!(
        "env -u NO_COLOR -u COLORFGBG {BIN} tui {extra} '{GRAPH}'"
    ));
    t.wait("the TUI", 15, |s| s.contains("step 1 of 14"));
}

/// Nothing of the terminal's answers on the screen.
fn no_answer_shown(s: &str) {
    for leak in ["11;rgb", "rgb:", "[?1;2c", "?1;2c", "^[", "]11"] {
        assert!(!s.contains(leak), "{leak:?} leaked:\n{s}");
    }
}

#[test]
fn a_light_background_gets_the_light_theme() {
    let Some(t) = tmux("light", true) else {
        return;
    };
    open_tui(&t, "");
    // The current row: white on blue in the light theme, black on cyan in
    // the dark one.
    let bgs = backgrounds(&t);
    assert!(bgs.contains(&4) && !bgs.contains(&6), "{bgs:?}");
    no_answer_shown(&t.screen());
    t.keys(&["q"]);
    check_shell_is_usable(&t, "light-done");
    no_answer_shown(&t.screen());
}

#[test]
fn the_theme_option_overrides_the_background() {
    let Some(t) = tmux("override", true) else {
        return;
    };
    open_tui(&t, "--theme dark");
    let bgs = backgrounds(&t);
    assert!(bgs.contains(&6) && !bgs.contains(&4), "{bgs:?}");
    t.keys(&["q"]);
    check_shell_is_usable(&t, "override-done");
}

#[test]
fn no_answer_keeps_the_dark_theme_and_leaves_nothing_behind() {
    let Some(t) = tmux("dark", false) else {
        return;
    };
    open_tui(&t, "");
    let bgs = backgrounds(&t);
    assert!(bgs.contains(&6) && !bgs.contains(&4), "{bgs:?}");
    no_answer_shown(&t.screen());
    t.keys(&["q"]);
    check_shell_is_usable(&t, "dark-done");
    no_answer_shown(&t.screen());
}

#[test]
fn the_prompt_asks_too_and_keeps_its_line_clean() {
    let Some(t) = tmux("repl", true) else {
        return;
    };
    t.line(&format!("env -u NO_COLOR -u COLORFGBG {BIN}"));
    t.wait("the prompt", 15, |s| {
        common::tmux::last_line(s).ends_with('>')
    });
    // The first thing typed reaches adtrace whole: no answer was left in
    // the input for the line editor.
    t.line(":set");
    let s = t.wait("the settings", 10, |s| s.contains("theme "));
    assert!(s.contains("theme light"), "{s}");
    no_answer_shown(&s);
    t.line(":set theme dark");
    t.line(":set");
    t.wait("the theme set by hand", 10, |s| s.contains("theme dark"));
    t.line(":quit");
    check_shell_is_usable(&t, "repl-done");
}
