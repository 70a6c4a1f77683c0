//! The replay parser and the REPL session: every line of the input is one
//! input to a `Session` (programs, points, `:commands`), as `adtrace run`
//! and piped stdin feed them. Never panics; every error is located. File
//! commands are sent to a scratch folder so the fuzzer writes nowhere else.
#![no_main]

use adtrace::app::session::{Origin, Output, Session};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("adtrace-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let mut s = Session::default();
    s.push_dir(dir);
    for (i, line) in src.lines().enumerate().take(64) {
        // Absolute paths and `..` would leave the scratch folder.
        if line.contains('/') || line.contains("..") {
            continue;
        }
        let origin = Origin {
            file: "fuzz.adt".into(),
            line: i + 1,
        };
        for o in s.handle(line, &origin) {
            if let Output::Error(e) = o {
                assert!(e.contains("error"), "{e}");
            }
        }
    }
});
