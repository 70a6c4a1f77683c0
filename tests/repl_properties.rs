//! No input can make the REPL panic: any text through the command parser,
//! the session, completion at every cursor position and highlighting.

use adtrace::app::commands;
use adtrace::app::session::Session;
use adtrace::repl::helper::{complete_words, highlight};
use proptest::prelude::*;

/// Text made of the pieces REPL inputs are made of, plus anything.
fn input() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just(":".to_string()),
        Just(" ".to_string()),
        Just("\"".to_string()),
        Just("#".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        Just("=".to_string()),
        Just("±".to_string()),
        Just("x̄".to_string()),
        Just("at ".to_string()),
        Just("x".to_string()),
        Just("1.5".to_string()),
        prop::sample::select(vec![
            ":set",
            ":expect",
            ":step",
            ":wrt",
            ":seed",
            ":at",
            ":export",
            ":pause",
            ":wait",
            ":title",
            ":help",
            ":table",
            ":example",
            "precision",
            "grad",
            "sin(",
            "\n",
            "\\",
        ])
        .prop_map(str::to_string),
        ".{0,3}",
    ];
    prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn nothing_panics(lines in prop::collection::vec(input(), 1..5)) {
        let mut s = Session::default();
        s.handle_line("f(x, y) = x*y + sin(y) at x = 1, y = 2");
        for l in &lines {
            let _ = commands::parse(l);
            let _ = commands::incomplete(l);
            let _ = highlight(l);
            let names = s.names();
            for pos in (0..=l.len()).filter(|&p| l.is_char_boundary(p)) {
                let _ = complete_words(l, pos, &names);
            }
            // File commands would write into the working directory.
            if !l.contains(":export") && !l.contains(":save") && !l.contains(":record") {
                let _ = s.handle_line(l);
            }
        }
    }
}
