//! `adtrace run` and `adtrace play`: the arguments of the replay
//! subcommands, turned into the plain options of `present::run` and
//! `present::play`.
//!
//! Owns the clap side of replay only. Must not run or present a script
//! itself: `present` does, and reports a `Status` that `cli` maps to the
//! exit code.

use std::time::Duration;

use clap::Args;

use super::Status;
use super::args::{FormatArg, parse_seconds, parse_size};
use crate::present::play::{self, PlayOptions};
use crate::present::run::{self, RunOptions};

#[derive(Args, Debug)]
pub struct RunArgs {
    /// The replay file (.adt), or the name of a built-in example.
    #[arg(value_name = "FILE")]
    pub file: String,
    /// What each traced table prints as.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
    /// Also print the text frame of the stepping view at each `:pause`.
    #[arg(long)]
    pub frames: bool,
    /// The terminal size frames are drawn for.
    #[arg(long, value_name = "WxH", value_parser = parse_size, default_value = "100x30")]
    pub size: (u16, u16),
    /// Report every error and run on past it (without it: the first 20 syntax errors, and a run stops at the first error).
    #[arg(long)]
    pub keep_going: bool,
}

#[derive(Args, Debug)]
pub struct PlayArgs {
    /// The replay file (.adt), or the name of a built-in example.
    #[arg(value_name = "FILE")]
    pub file: String,
    /// Leave each pause by itself after SECONDS.
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
    pub auto: Option<f64>,
    /// Write the presentation headless as an asciicast v2 file (asciinema), a marker per pause.
    #[arg(long, value_name = "FILE.cast")]
    pub cast: Option<String>,
    /// With --cast: overwrite an existing file.
    #[arg(long, requires = "cast")]
    pub force: bool,
    /// With --cast: the terminal size of the recording.
    #[arg(long, value_name = "WxH", value_parser = super::args::parse_size, default_value = "100x30")]
    pub size: (u16, u16),
}

/// `adtrace run`.
pub fn run(args: &RunArgs) -> Status {
    run::run(&RunOptions {
        file: args.file.clone(),
        format: args.format.into(),
        frames: args.frames,
        size: args.size,
        keep_going: args.keep_going,
    })
}

/// `adtrace play`.
pub fn play(args: &PlayArgs) -> Status {
    if let Some(file) = &args.cast {
        return crate::present::cast::write(&crate::present::cast::CastOptions {
            script: args.file.clone(),
            file: file.clone(),
            force: args.force,
            size: args.size,
        });
    }
    play::play(&PlayOptions {
        file: args.file.clone(),
        auto: args.auto.map(Duration::from_secs_f64),
        no_color: super::no_color(),
    })
}
