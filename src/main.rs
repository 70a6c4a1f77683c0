//! The `adtrace` binary: everything is in the library; this only installs
//! the last-resort panic report and runs the CLI on a thread with a large
//! stack, so that no input can end the process with a panic or a signal
//! (after `cli::pages` has had its say on memory for large inputs).

use std::process::ExitCode;

/// Exit code for an internal error (EX_SOFTWARE): a bug, never bad input.
const INTERNAL: u8 = 70;

fn main() -> ExitCode {
    // Before anything else: this may start the program over (huge pages
    // for a large input) and never return.
    adtrace::cli::pages::huge_pages_for_large_inputs();
    std::panic::set_hook(Box::new(|info| {
        adtrace::tui::terminal::restore();
        adtrace::tui::terminal::write_err(&format!(
            "adtrace: internal error: {info}\nThis is a bug in adtrace; please report it with the input that caused it.\n"
        ));
    }));
    let worker = std::thread::Builder::new()
        .name("adtrace".into())
        .stack_size(256 << 20)
        .spawn(adtrace::cli::main);
    match worker.map(|h| h.join()) {
        Ok(Ok(code)) => code,
        _ => ExitCode::from(INTERNAL),
    }
}
