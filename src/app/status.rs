//! How a run ended: `Status`, what `present::run`, `present::play` and the
//! REPL report for the command line to turn into an exit code.
//!
//! Owns the outcomes. Must not know exit codes:
//! `cli::exit_code` maps a `Status` to one, in one place.

/// How a run ended.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Status {
    /// Everything ran and every expectation held.
    #[default]
    Ok,
    /// Everything ran, but an `:expect` did not hold.
    ExpectationFailed,
    /// An input, a file or the terminal failed.
    Error,
}
