//! The `tui` and `render` subcommands: their arguments and what they run.
//!
//! Must not compute anything: it builds a `Model` through `session` and
//! hands it to `run` or `render_text`. Errors are located messages on
//! stderr with exit code 2, as for `eval`.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Args;

use super::{Model, TuiOptions, render_text, run};
use crate::app::settings::Theme;
use crate::cli::{ThemeArg, TraceArgs, emit};
use crate::core::pipeline;

/// A step: a 0-based index, or `end` for the last step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepArg {
    Index(usize),
    End,
}

fn parse_step(s: &str) -> Result<StepArg, String> {
    match s.trim() {
        "end" | "last" => Ok(StepArg::End),
        t => t
            .parse()
            .map(StepArg::Index)
            .map_err(|_| format!("'{s}' is not a step: give a 0-based index or 'end'")),
    }
}

/// `WIDTHxHEIGHT` (also `W×H`), at most 1000×1000.
pub fn parse_size(s: &str) -> Result<(u16, u16), String> {
    let bad = || format!("'{s}' is not a size: write it as WIDTHxHEIGHT, like 100x30");
    let (w, h) = s.split_once(['x', 'X', '×']).ok_or_else(bad)?;
    let w: u16 = w.trim().parse().map_err(|_| bad())?;
    let h: u16 = h.trim().parse().map_err(|_| bad())?;
    if w > 1000 || h > 1000 {
        return Err(format!("'{s}' is too large: at most 1000x1000"));
    }
    Ok((w, h))
}

#[derive(Args, Debug)]
pub struct TuiArgs {
    #[command(flatten)]
    pub trace: TraceArgs,
    /// Colours: dark, light or high-contrast (NO_COLOR turns colours off).
    #[arg(long, value_enum, default_value_t = ThemeArg::Dark)]
    pub theme: ThemeArg,
    /// Start at this step (0-based, or 'end').
    #[arg(long, value_name = "K", value_parser = parse_step)]
    pub step: Option<StepArg>,
    /// Draw the graph as lanes (one line per row) instead of boxes.
    #[arg(long)]
    pub lanes: bool,
}

#[derive(Args, Debug)]
pub struct RenderArgs {
    #[command(flatten)]
    pub trace: TraceArgs,
    /// The step to show (0-based, or 'end').
    #[arg(long, value_name = "K", value_parser = parse_step, default_value = "0")]
    pub step: StepArg,
    /// The terminal size to draw for.
    #[arg(long, value_name = "WxH", value_parser = parse_size, default_value = "100x30")]
    pub size: (u16, u16),
    /// Colours (only attributes matter in plain text).
    #[arg(long, value_enum, default_value_t = ThemeArg::Dark)]
    pub theme: ThemeArg,
    /// Draw the graph as lanes (one line per row) instead of boxes.
    #[arg(long)]
    pub lanes: bool,
}

/// Whether `NO_COLOR` asks for no colours (set and not empty).
pub fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// Build the model for a request, or the rendered error.
pub fn model(args: &TraceArgs, theme: Theme, lanes: bool) -> Result<Model, String> {
    let req = args.request()?;
    let traced = pipeline::trace(&req.program, &req.origin, req.no_cse).map_err(|f| f.render())?;
    let point = traced.point(req.at.as_deref()).map_err(|f| f.render())?;
    let seed = traced.seed(&req.seed).map_err(|f| f.render())?;
    let opts = TuiOptions {
        style: args.style(),
        theme,
        no_cse: req.no_cse,
        no_color: no_color(),
        lanes,
    };
    Ok(Model::new(traced, point, seed, opts))
}

fn go_to(m: &mut Model, step: StepArg) {
    match step {
        StepArg::Index(k) => m.set_step(k),
        StepArg::End => m.set_step(usize::MAX),
    }
}

/// `adtrace tui`.
pub fn tui(args: &TuiArgs) -> ExitCode {
    let mut m = match model(&args.trace, args.theme.into(), args.lanes) {
        Ok(m) => m,
        Err(msg) => {
            eprint!("{msg}");
            return ExitCode::from(2);
        }
    };
    if !std::io::stdout().is_terminal() {
        eprintln!(
            "adtrace tui: standard output is not a terminal.\n\
             For text output use 'adtrace eval PROGRAM' (or 'adtrace render PROGRAM --step K' for one frame)."
        );
        return ExitCode::from(2);
    }
    if let Some(s) = args.step {
        go_to(&mut m, s);
    }
    match run(&mut m) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("adtrace tui: terminal error: {e}");
            ExitCode::from(2)
        }
    }
}

/// `adtrace render`: one frame as plain text.
pub fn render(args: &RenderArgs) -> ExitCode {
    let mut m = match model(&args.trace, args.theme.into(), args.lanes) {
        Ok(m) => m,
        Err(msg) => {
            eprint!("{msg}");
            return ExitCode::from(2);
        }
    };
    go_to(&mut m, args.step);
    let (w, h) = args.size;
    m.resize(w, h);
    emit(&render_text(&m, w, h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_and_sizes_parse() {
        assert_eq!(parse_step("end"), Ok(StepArg::End));
        assert_eq!(parse_step("7"), Ok(StepArg::Index(7)));
        assert!(parse_step("-1").is_err());
        assert_eq!(parse_size("100x30"), Ok((100, 30)));
        assert_eq!(parse_size("80×24"), Ok((80, 24)));
        assert!(parse_size("100").is_err());
        assert!(parse_size("99999x2").is_err());
    }
}
