//! `adtrace eval`: trace PROGRAM at a point and print it in a format (the
//! lecture's table, JSON, Markdown, LaTeX, DOT), with `--timings` the time
//! of each stage on stderr.
//!
//! Owns the `eval` arguments and their mapping to a `pipeline::Request`
//! and `format::Options`. Must not compute or format anything itself:
//! `core::pipeline` traces and sweeps, `core::format` renders.

use crate::tui::terminal::{eprint_visible, eprintln_visible};
use clap::Args;

use super::Status;
use super::args::{FormatArg, ModeArg, StepArg, TraceArgs, parse_step};
use crate::core::format;
use crate::core::visible::Visible;
use crate::present::emit;

#[derive(Args, Debug)]
pub struct EvalArgs {
    #[command(flatten)]
    pub trace: TraceArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
    /// Only the output, its derivative and the gradient (no table, no nodes or steps).
    #[arg(long)]
    pub output_only: bool,
    /// Print the time of each stage on stderr.
    #[arg(long)]
    pub timings: bool,
    /// Under the table (text, markdown, latex): every step's rule with its numbers.
    #[arg(long)]
    pub steps: bool,
    /// Show the trace as it stands at this step (counted from 1 as the view shows it, or 'end'), as the
    /// stepping view shows it: cells not reached yet are blank.
    #[arg(long, value_name = "K", value_parser = parse_step)]
    pub step: Option<StepArg>,
    /// Text: the layer view — each vector statement's Jacobian block, and
    /// the sweeps as products of blocks (right to left forward, left to
    /// right in reverse).
    #[arg(long)]
    pub layers: bool,
    /// DOT: the forward picture (values and tangents; partials on the edges) or the reverse one (adjoints; edges drawn the way adjoints flow). Default: the sweep of --step, else forward.
    #[arg(long, value_enum, value_name = "SWEEP")]
    pub sweep: Option<ModeArg>,
    /// LaTeX: a complete document (\documentclass to \end{document}), ready for pdflatex.
    #[arg(long)]
    pub standalone: bool,
    /// JSON: each step without its texts (index, phase, node, sweep) — the numbers are in the nodes; much smaller for a large trace.
    #[arg(long)]
    pub bare_steps: bool,
    /// Text: also the derivative written out by the symbolic chain rule
    /// with no sharing, and its size beside the trace's (expression swell).
    #[arg(long)]
    pub symbolic: bool,
}

/// `adtrace eval`.
pub fn eval(args: &EvalArgs) -> Status {
    if args.symbolic && args.format != FormatArg::Text {
        eprintln_visible!(
            "error: --symbolic adds a text section; use it with --format text (the default)"
        );
        return Status::Error;
    }
    let ev = match args.trace.evaluate() {
        Ok(ev) => ev,
        Err(msg) => {
            eprint_visible!("{msg}");
            return Status::Error;
        }
    };
    let opts = format::Options {
        style: args.trace.style(),
        output_only: args.output_only,
        steps: args.steps,
        step: args.step.map(StepArg::index),
        layers: args.layers,
        standalone: args.standalone,
        bare_steps: args.bare_steps,
        sweep: args.sweep.map(|m| match m {
            ModeArg::Forward => format::Phase::Forward,
            ModeArg::Reverse => format::Phase::Reverse,
        }),
    };
    let fmt: format::Format = args.format.into();
    // Every format streams to stdout (JSON and the HTML page as they are
    // made); only the swell's appendix (not in JSON) needs the text first.
    let text = if !args.symbolic || fmt == format::Format::Json {
        None
    } else {
        let mut text = format::render(fmt, ev.trace(), ev.sweep(), opts);
        if args.symbolic {
            let s = crate::core::symbolic::swell(ev.trace(), ev.sweep());
            text.push('\n');
            text.push_str(&format::symbolic_text(
                ev.trace(),
                ev.sweep(),
                &s,
                args.trace.style(),
            ));
        }
        Some(text)
    };
    let status = match &text {
        Some(t) => emit(t),
        None => {
            let mut out = std::io::BufWriter::with_capacity(1 << 16, raw_stdout());
            // JSON escapes what must not reach a terminal itself.
            let r = if fmt == format::Format::Json {
                format::write(fmt, ev.trace(), ev.sweep(), opts, &mut out)
            } else {
                format::write(fmt, ev.trace(), ev.sweep(), opts, &mut Visible(&mut out))
            }
            .and_then(|()| std::io::Write::flush(&mut out));
            match r {
                Ok(()) => Status::Ok,
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Status::Ok,
                Err(e) => {
                    eprintln_visible!("error: cannot write output: {e}");
                    Status::Error
                }
            }
        }
    };
    if args.timings {
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
        let t = ev.timings();
        eprintln_visible!("parse: {:.1} ms", ms(t.parse));
        eprintln_visible!("trace build: {:.1} ms", ms(t.trace));
        eprintln_visible!("forward sweep: {:.1} ms", ms(t.forward));
        eprintln_visible!("reverse sweep: {:.1} ms", ms(t.reverse));
    }
    // The process ends right after this: freeing a large trace piece by
    // piece would only add to its running time.
    std::mem::forget(ev);
    status
}

/// Standard output without its line buffering: a stream's chunks of
/// megabytes would each be searched for their last newline. A duplicate
/// of the descriptor, so the same file; stdout itself when that fails.
fn raw_stdout() -> Box<dyn std::io::Write> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        let _ = std::io::Write::flush(&mut std::io::stdout());
        if let Ok(fd) = std::io::stdout().as_fd().try_clone_to_owned() {
            return Box::new(std::fs::File::from(fd));
        }
    }
    Box::new(std::io::stdout().lock())
}
