//! Replay files (`.adt`): lecture scripts that are also tests. `parse`
//! reads the format, `run` executes a script headless (`adtrace run`),
//! `play` presents it in the TUI (`adtrace play`), and `examples` holds the
//! lecture's scripts compiled into the binary.
//!
//! A script's inputs go through the same `repl::state::Session` as typed
//! lines; this module only decides what to do with the outputs. The format
//! is specified in docs/replay.md.

pub mod examples;
pub mod parse;
pub mod play;
pub mod run;

/// A script's text and name: FILE if it exists, else a built-in example
/// of that name. Errors are messages for stderr.
pub fn load(arg: &str) -> Result<(String, String), String> {
    let path = std::path::Path::new(arg);
    match std::fs::read(path) {
        Ok(bytes) => String::from_utf8(bytes)
            .map(|t| (t, arg.to_string()))
            .map_err(|e| {
                let at = e.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                crate::diagnostic::Diagnostic::new(
                    crate::diagnostic::Span::new(at, at + 1),
                    "invalid UTF-8",
                )
                .with_hint("save the script as UTF-8 text")
                .render(&text, arg)
            }),
        Err(e) => match examples::get(arg) {
            Some(t) if !path.exists() => Ok((t.to_string(), format!("<example {arg}>"))),
            _ => {
                let names: Vec<&str> = examples::EXAMPLES.iter().map(|e| e.name).collect();
                Err(format!(
                    "error: cannot read '{arg}': {e}\n  (the built-in examples are {})\n",
                    names.join(", ")
                ))
            }
        },
    }
}
