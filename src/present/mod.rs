//! Presenting replay files (`.adt`): `run` executes a script headless
//! (`adtrace run`), `play` presents it in the TUI (`adtrace play`). The
//! format itself is `app::script`; the built-in scripts `app::examples`.
//!
//! A script's inputs go through the same `app::session::Session` as typed
//! lines; this module only decides what to do with the outputs. The format
//! is specified in docs/replay.md. Takes plain options and reports an
//! `app::Status`; must not import `cli` or clap, nor decide exit codes.

pub mod cast;
pub mod play;
pub mod run;

use crate::tui::terminal::{eprint_visible, eprintln_visible};

use crate::app::{Status, examples, script as parse};

/// A script's text and name: FILE if it exists (`-`: stdin), else a
/// built-in example of that name. Errors are messages for stderr. Reads
/// are bounded and refuse FIFOs and devices (`app::fsio`).
pub fn load(arg: &str) -> Result<(String, String), String> {
    use crate::app::fsio;
    let path = std::path::Path::new(arg);
    if arg == "-" {
        // `-`: the script from stdin (`… | adtrace run -`).
        return fsio::read_bounded(std::io::stdin().lock(), fsio::MAX_INPUT_BYTES, "stdin")
            .map_err(|msg| format!("error: {msg}\n"))
            .and_then(|bytes| utf8(bytes, "<stdin>"));
    }
    if path.exists() {
        return fsio::read_file(path)
            .map_err(|msg| format!("error: {msg}\n"))
            .and_then(|bytes| utf8(bytes, arg));
    }
    match std::fs::read(path) {
        Ok(bytes) => utf8(bytes, arg),
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

fn utf8(bytes: Vec<u8>, arg: &str) -> Result<(String, String), String> {
    String::from_utf8(bytes)
        .map(|t| (t, arg.to_string()))
        .map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            crate::core::diagnostic::Diagnostic::new(
                crate::core::diagnostic::Span::new(at, at + 1),
                "invalid UTF-8",
            )
            .with_hint("save the script as UTF-8 text")
            .render(&text, arg)
        })
}

/// How many of a script's syntax errors are shown without --keep-going.
const MAX_ERRORS_SHOWN: usize = 20;

/// Load and parse a script (a file or a built-in example). On failure the
/// errors are printed (all of them with `all_errors`, else the first
/// `MAX_ERRORS_SHOWN`) and the status to end with is returned.
/// Returns the script and its name (the file, or `<example NAME>`).
pub fn load_script(arg: &str, all_errors: bool) -> Result<(parse::Script, String), Status> {
    let fail = Status::Error;
    let (text, file) = load(arg).map_err(|msg| {
        eprint_visible!("{msg}");
        fail
    })?;
    let script = parse::parse(&text, &file).map_err(|errors| {
        // Every syntax error at once (a student fixes them in one pass), up
        // to a cap unless --keep-going asks for all of them.
        let shown = if all_errors {
            errors.len()
        } else {
            errors.len().min(MAX_ERRORS_SHOWN)
        };
        errors
            .iter()
            .take(shown)
            .for_each(|e| eprint_visible!("{e}"));
        if errors.len() > shown {
            eprintln_visible!(
                "… and {} more errors in {file} (--keep-going shows them all)",
                errors.len() - shown
            );
        }
        fail
    })?;
    Ok((script, file))
}

/// Write to stdout, as every headless command does, made visible
/// (`core::visible`); a closed pipe (`| head`) is not an error.
pub fn emit(text: &str) -> Status {
    match crate::tui::terminal::write_out(text) {
        Ok(()) => Status::Ok,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Status::Ok,
        Err(e) => {
            eprintln_visible!("error: cannot write output: {e}");
            Status::Error
        }
    }
}
