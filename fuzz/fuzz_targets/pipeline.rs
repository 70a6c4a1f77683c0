//! The program pipeline with every format: any text is one program (with
//! its point); it either traces — and then prints as text, JSON (which
//! must parse), Markdown, LaTeX and DOT, with the finite-difference lab
//! and the symbolic swell — or fails with a located error. Never panics.
#![no_main]

use adtrace::app::session::{Origin, Output, Session};
use libfuzzer_sys::fuzz_target;

const FORMATS: [&str; 5] = ["text", "json", "markdown", "latex", "dot"];

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    // A `:command` would be a different target (`session`).
    if src.trim_start().starts_with(':') {
        return;
    }
    let mut s = Session::default();
    let origin = Origin {
        file: "fuzz.adt".into(),
        line: 1,
    };
    let out = s.handle(src, &origin);
    let traced = out.iter().any(|o| matches!(o, Output::View(_)));
    for o in &out {
        if let Output::Error(e) = o {
            assert!(e.contains("-->"), "unlocated error: {e}");
        }
    }
    if !traced {
        return;
    }
    for f in FORMATS {
        s.handle_line(&format!(":set format {f}"));
        for o in s.handle_line(":table") {
            match o {
                Output::Text(t) if f == "json" => {
                    serde_json::from_str::<serde_json::Value>(&t)
                        .unwrap_or_else(|e| panic!("invalid JSON: {e}\n{t}"));
                }
                Output::Error(e) => panic!(":table failed after tracing: {e}"),
                _ => {}
            }
        }
    }
    for cmd in [":fd", ":symbolic", ":step end", ":set cse off", ":table"] {
        s.handle_line(cmd);
    }
});
