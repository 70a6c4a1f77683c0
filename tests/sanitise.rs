//! No user text drives the terminal: control characters, escape sequences
//! (ESC, OSC, CSI, BEL, C1), bidi overrides and isolates and zero-width
//! characters fed through every path that shows user text — script errors,
//! `:pause` captions and `:title` in frames, `:set` echo, unknown
//! commands, parse errors in `eval`, file names, clap's usage errors, the
//! REPL's piped output, `render`'s title, JSON — come out as visible
//! escapes like `\u{1b}`, never raw, on stdout and stderr alike.

mod common;
use common::{run, scratch};

/// Characters that must never reach the terminal raw.
const RAW: [char; 10] = [
    '\x1b', '\x07', '\r', '\u{9b}', '\u{202e}', '\u{2066}', '\u{200b}', '\u{200f}', '\u{2060}',
    '\u{feff}',
];

/// A `:pause` caption that would retitle the terminal, and friends.
const EVIL_CAPTION: &str = "see \x1b]2;PWNED\x07 this \u{202e}rtl\u{2066} \u{9b}31m \u{feff}";

fn assert_clean(what: &str, text: &str) {
    for c in RAW {
        assert!(
            !text.contains(c),
            "{what}: raw U+{:04X} reached the terminal:\n{text:?}",
            c as u32
        );
    }
}

/// A script that runs: its title and caption reach the frames.
fn shown() -> String {
    format!(
        "sin(x) at x=1\n\
         :title \"t\x1b[31mred\"\n\
         :pause \"{EVIL_CAPTION}\"\n"
    )
}

/// Lines that fail, each echoing the user's text in its error.
fn failing() -> String {
    ":set precision \x1b]2;x\x07\n\
         :set notation \u{202e}lecture\n\
         :fo\x1bo\n\
         sin(y\u{200b}) at y=1\n\
         cos(z\x1b[2J) at z=1\n"
        .to_string()
}

#[test]
fn scripts_show_escapes_visibly_on_every_path() {
    let dir = scratch("sanitise");
    let file = dir.join("evil.adt");
    std::fs::write(&file, shown()).unwrap();
    let f = file.to_str().unwrap();
    let r = run(&["run", "--frames", f], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_clean("run: stdout", &r.stdout);
    assert_clean("run: stderr", &r.stderr);
    // Shown, not dropped: the caption in the frame, the title, each error.
    assert!(
        r.stdout
            .contains("see \\u{1b}]2;PWNED\\u{7} this \\u{202e}rtl\\u{2066}"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("t\\u{1b}[31mred"), "{}", r.stdout);
    let bad = dir.join("bad.adt");
    std::fs::write(&bad, failing()).unwrap();
    let r = run(&["run", "--keep-going", bad.to_str().unwrap()], "");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_clean("run: stdout", &r.stdout);
    assert_clean("run: stderr", &r.stderr);
    for want in [
        "'\\u{1b}]2;x\\u{7}' is not a precision",
        "'\\u{202e}lecture' is not a notation",
        "unknown command ':fo\\u{1b}o'",
        "found '\\u{200b}'",
        "cos(z\\u{1b}[2J) at z=1",
    ] {
        assert!(r.stderr.contains(want), "{want}:\n{}", r.stderr);
    }

    // The same lines piped to the REPL: its captions and its errors.
    let r = run(&[], &(shown() + &failing()));
    assert_clean("repl: stdout", &r.stdout);
    assert_clean("repl: stderr", &r.stderr);
    assert!(
        r.stdout.contains("▸ see \\u{1b}]2;PWNED\\u{7}"),
        "{}",
        r.stdout
    );
    assert!(
        r.stderr.contains("unknown command ':fo\\u{1b}o'"),
        "{}",
        r.stderr
    );

    // `:load` of the script at the prompt, and `play`'s error path.
    let r = run(&[], &format!(":load {f}\n"));
    assert_clean("load: stdout", &r.stdout);
    assert_clean("load: stderr", &r.stderr);
    let r = run(&["play", bad.to_str().unwrap()], "");
    assert_clean("play: stderr", &r.stderr);
    assert!(r.stderr.contains("\\u{1b}"), "{}", r.stderr);
}

#[test]
fn command_line_errors_and_views_show_escapes_visibly() {
    let cases: [&[&str]; 6] = [
        &["eval", "sin(x\x1b[31m) at x=1"],
        &["eval", "sin(x) at x=1", "--at", "x=\u{202e}1"],
        &["eval", "sin(x) at x=1", "junk\x1b]2;x\x07"],
        &["run", "no-such\x1b]2;x\x07.adt"],
        &["eval", "@no-such\u{202e}file"],
        &["eval", "f(x, \u{2066}y) = x at x = 1"],
    ];
    for args in cases {
        let r = run(args, "");
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert_clean(&format!("{args:?}: stdout"), &r.stdout);
        assert_clean(&format!("{args:?}: stderr"), &r.stderr);
        // (clap drops the escape sequences of an argument it quotes.)
        assert!(
            r.stderr.contains("\\u{") || r.stderr.contains("'junk'"),
            "{args:?}: the character is shown:\n{}",
            r.stderr
        );
    }
    // The source in render's title bar, a comment in it, and JSON.
    let src = "sin(x) # \x1b]2;x\x07 \u{202e}\u{200b}\nat x=1";
    let r = run(&["render", src, "--size", "100x30"], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_clean("render", &r.stdout);
    assert!(r.stdout.contains("\\u{1b}]2;x\\u{7}"), "{}", r.stdout);
    for format in ["json", "text", "markdown", "latex", "dot"] {
        let r = run(&["eval", "--format", format, src], "");
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_clean(format, &r.stdout);
    }
    // Piped from stdin, with a carriage return that would overwrite the line.
    let r = run(&["eval", "-"], "sin(x)\r+ q\x1b at x=1");
    assert_clean("eval -", &r.stderr);
}

/// `adtrace quiz` echoes what the student typed: an answer holding an
/// escape sequence is shown visibly, and its value is still marked wrong.
#[test]
fn quiz_echoes_answers_visibly() {
    let r = run(&["quiz", "x^2 at x = 3"], "9\n\u{1b}]2;PWNED\u{7}\n");
    assert_clean("quiz stdout", &r.stdout);
    assert_clean("quiz stderr", &r.stderr);
    assert!(r.stdout.contains("right: x1 = 9.000"), "{}", r.stdout);
    assert!(r.stdout.contains("\\u{1b}"), "{}", r.stdout);
    assert_eq!(r.code, 1, "{}", r.stdout);
}
