//! `adtrace fd`: the finite-difference lab — forward and central
//! differences along the seed for h = 1e-1 … 1e-16 against AD's exact
//! derivative (text with a small plot, JSON, CSV), or with `--gradient`
//! the whole gradient by differences, its evaluations and time against
//! reverse mode's two sweeps.
//!
//! Owns the `fd` arguments. Must not compute or format: `core::fd` and
//! `core::format` do.

use crate::tui::terminal::eprint_visible;
use clap::{Args, ValueEnum};

use super::Status;
use super::args::ProgramArgs;
use crate::core::{fd, format};
use crate::present::emit;

#[derive(Copy, Clone, Debug, ValueEnum, PartialEq, Eq)]
pub enum FdFormat {
    Text,
    Json,
    Csv,
}

#[derive(Args, Debug)]
pub struct FdArgs {
    #[command(flatten)]
    pub base: ProgramArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FdFormat::Text)]
    pub format: FdFormat,
    /// Step sizes per decade of h (1 to 20).
    #[arg(long, value_name = "K", default_value_t = 1,
          value_parser = clap::value_parser!(u32).range(1..=i64::from(fd::MAX_STEPS_PER_DECADE)))]
    pub steps_per_decade: u32,
    /// The whole gradient by differences (n + 1 or 2n evaluations of f),
    /// timed against reverse mode's two sweeps.
    #[arg(long)]
    pub gradient: bool,
}

/// Row evaluations `--gradient` spends on each kind of difference before
/// it extrapolates the time (about a second).
const GRADIENT_BUDGET: u64 = 200_000_000;

/// `adtrace fd`.
pub fn fd(args: &FdArgs) -> Status {
    let ev = match args.base.evaluate() {
        Ok(ev) => ev,
        Err(msg) => {
            eprint_visible!("{msg}");
            return Status::Error;
        }
    };
    let style = crate::core::notation::Style {
        ascii: args.base.ascii,
        ..Default::default()
    };
    let (t, s) = (ev.trace(), ev.sweep());
    let text = if args.gradient {
        let Ok(g) = fd::gradient(t, s, GRADIENT_BUDGET) else {
            return Status::Error;
        };
        match args.format {
            FdFormat::Text => format::gradient_text(t, &g, args.base.ascii),
            FdFormat::Json => format::gradient_json(t, &g),
            FdFormat::Csv => format::gradient_csv(t, &g),
        }
    } else {
        let Ok(lab) = fd::lab(t, s, args.steps_per_decade) else {
            return Status::Error;
        };
        match args.format {
            FdFormat::Text => format::fd_text(t, s, &lab, style),
            FdFormat::Json => format::fd_json(&lab),
            FdFormat::Csv => format::fd_csv(&lab),
        }
    };
    std::mem::forget(ev);
    emit(&text)
}
