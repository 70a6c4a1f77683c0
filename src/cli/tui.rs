//! `adtrace tui` and `adtrace render`: their arguments, and the TUI model
//! they start from.
//!
//! Owns the mapping of the arguments to a `tui::Model` (through
//! `core::pipeline`) and the checks before taking the terminal. Must not
//! draw or handle keys: it hands the model to `tui::run` or
//! `tui::render_text`. Errors are located messages on stderr and
//! `Status::Error`, as for `eval`.

use crate::tui::terminal::{eprint_visible, eprintln_visible};
use clap::Args;

use super::Status;
use super::args::{StepArg, ThemeArg, TraceArgs, parse_size, parse_step};
use crate::app::settings::Theme;
use crate::core::format;
use crate::present::emit;
use crate::tui::{self, Model, TuiOptions};

#[derive(Args, Debug)]
pub struct TuiArgs {
    #[command(flatten)]
    pub trace: TraceArgs,
    /// Colours: dark, light or high-contrast (NO_COLOR turns colours off).
    /// Default: light where the terminal reports a light background
    /// (COLORFGBG), else dark.
    #[arg(long, value_enum)]
    pub theme: Option<ThemeArg>,
    /// Start at this step (counted from 1 as the view shows it, or 'end').
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
    /// The step to show (counted from 1 as the view shows it, or 'end').
    #[arg(long, value_name = "K", value_parser = parse_step, default_value = "1")]
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

/// The model for a request, or the rendered error.
fn model(args: &TraceArgs, theme: Theme, lanes: bool) -> Result<Model, String> {
    let ev = args.evaluate()?;
    let opts = TuiOptions {
        style: args.style(),
        theme,
        no_cse: args.base.no_cse,
        no_color: super::no_color(),
        lanes,
    };
    Ok(Model::with(std::rc::Rc::new(ev.traced), ev.eval, opts))
}

/// `adtrace tui`.
pub fn tui(args: &TuiArgs) -> Status {
    if let Some(why) = crate::tui::terminal::no_full_screen() {
        return headless(args, why);
    }
    let theme = args.theme.map_or_else(tui::detect_theme, Into::into);
    let mut m = match model(&args.trace, theme, args.lanes) {
        Ok(m) => m,
        Err(msg) => {
            eprint_visible!("{msg}");
            return Status::Error;
        }
    };
    if let Some(s) = args.step {
        m.set_step(s.index());
    }
    match tui::run(&mut m) {
        Ok(()) => Status::Ok,
        Err(e) => {
            eprintln_visible!("adtrace tui: terminal error: {e}");
            Status::Error
        }
    }
}

/// `adtrace tui` without a full-screen terminal: a one-line note on stderr
/// and the table `adtrace eval` prints (as it stands at `--step`).
fn headless(args: &TuiArgs, why: &str) -> Status {
    let ev = match args.trace.evaluate() {
        Ok(ev) => ev,
        Err(msg) => {
            eprint_visible!("{msg}");
            return Status::Error;
        }
    };
    eprintln_visible!(
        "adtrace tui: no full-screen view ({why}); printing the table instead, as 'adtrace eval' would"
    );
    let opts = format::Options {
        style: args.trace.style(),
        step: args.step.map(StepArg::index),
        ..format::Options::default()
    };
    emit(&format::render(
        format::Format::Text,
        ev.trace(),
        ev.sweep(),
        opts,
    ))
}

/// `adtrace render`: one frame as plain text.
pub fn render(args: &RenderArgs) -> Status {
    let mut m = match model(&args.trace, args.theme.into(), args.lanes) {
        Ok(m) => m,
        Err(msg) => {
            eprint_visible!("{msg}");
            return Status::Error;
        }
    };
    m.set_step(args.step.index());
    let (w, h) = args.size;
    m.resize(w, h);
    emit(&tui::render_text(&m, w, h))
}
