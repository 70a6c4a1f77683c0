//! `adtrace play FILE`: a replay script presented in the TUI.

use std::process::ExitCode;

use clap::Args;

#[derive(Args, Debug)]
pub struct PlayArgs {
    /// The replay file (.adt), or the name of a built-in example.
    #[arg(value_name = "FILE")]
    pub file: String,
    /// Advance by itself every SECONDS at each pause.
    #[arg(long, value_name = "SECONDS")]
    pub auto: Option<f64>,
}

pub fn play(_args: &PlayArgs) -> ExitCode {
    ExitCode::from(2)
}
