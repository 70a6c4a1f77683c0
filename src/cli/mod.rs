//! The command line: clap definitions, reading PROGRAM (`-`, `@FILE`, or
//! the text itself), and dispatch to the subcommands. Maps every failure to
//! exit code 2 with a located message on stderr and nothing on stdout.
//!
//! Must not compute anything itself: it calls `session`, `format`, and the
//! TUI/REPL entry points.

use std::io::{Read, Write};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::app::settings::Theme;
use crate::core::diagnostic::{Diagnostic, Span};
use crate::core::format::{self, Format};
use crate::core::notation::{Notation, Style};
use crate::core::pipeline::{self, Failure, Request, SeedSpec};

const EXAMPLES: &str = "\
Examples:
  adtrace                       (the REPL: type ':example graph' or 'sin(x)*y at x=1, y=2')
  adtrace play neural-net       (present a lecture script; 'adtrace run FILE' checks one)
  adtrace eval 'sin(x)*y at x=1, y=2'
  adtrace eval 'f(x1, x2) = ln(x1) + x1*x2 - sin(x2)' --at x1=2,x2=5 --wrt x2
  adtrace eval 'a = x^2; b = exp(a); c = a + b; d = sqrt(c); e = cos(c); f = d + e at x = 1'
  adtrace eval --seed x=1,y=0.5 --format json 'x*y + sin(y)' --at x=1,y=2
  adtrace eval --format latex @lecture.adt
  echo 'tanh(2*x) at x = 1' | adtrace eval -
  adtrace eval -- '-x^2 at x = 3'";

#[derive(Parser, Debug)]
#[command(
    name = "adtrace",
    version,
    about = "Automatic differentiation made visible: the trace, the forward and reverse sweeps, step by step",
    after_help = EXAMPLES
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Trace PROGRAM at a point and print the table, JSON, Markdown, LaTeX or DOT.
    #[command(after_help = EXAMPLES)]
    Eval(EvalArgs),
    /// Step through the trace full-screen: graph, table and explanation.
    Tui(crate::tui::cmd::TuiArgs),
    /// Print one TUI frame as plain text (for slides, docs and tests).
    Render(crate::tui::cmd::RenderArgs),
    /// Run a replay script (.adt) headless: print its tables, check its :expect lines.
    Run(crate::present::run::RunArgs),
    /// Present a replay script (.adt) in the TUI: space advances, ← goes back.
    Play(crate::present::play::PlayArgs),
}

#[derive(Args, Debug, Clone)]
pub struct TraceArgs {
    /// The point: x=1,y=2 (completes or overrides the program's own 'at').
    #[arg(long, value_name = "x=1,y=2", allow_hyphen_values = true)]
    pub at: Option<String>,
    /// The seed direction for forward mode: x=1,y=0.5 (names left out are 0).
    #[arg(
        long,
        value_name = "x=1,y=0",
        conflicts_with = "wrt",
        allow_hyphen_values = true
    )]
    pub seed: Option<String>,
    /// Differentiate forward with respect to this input (seed e_k).
    #[arg(long, value_name = "INPUT")]
    pub wrt: Option<String>,
    /// Keep repeated subexpressions as separate rows (a tree, not a graph).
    #[arg(long)]
    pub no_cse: bool,
    /// Row names: lecture (x_i, d_i) or griewank (v_i, v̇_i).
    #[arg(long, value_enum, default_value_t = NotationArg::Lecture)]
    pub notation: NotationArg,
    /// Print only ASCII (no Unicode symbols).
    #[arg(long)]
    pub ascii: bool,
    /// Decimals shown.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u8).range(0..=17))]
    pub precision: u8,
    /// The program: its text, '-' for stdin, or @FILE.
    #[arg(value_name = "PROGRAM", allow_hyphen_values = false)]
    pub program: String,
}

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
    /// Under the table (text, markdown): every step's rule with its numbers.
    #[arg(long)]
    pub steps: bool,
}

#[derive(Copy, Clone, Debug, ValueEnum, PartialEq, Eq)]
pub enum NotationArg {
    Lecture,
    Griewank,
}

/// `--theme`: the names of `app::settings::Theme`.
#[derive(Copy, Clone, Debug, ValueEnum, PartialEq, Eq, Default)]
pub enum ThemeArg {
    #[default]
    Dark,
    Light,
    HighContrast,
}

impl From<ThemeArg> for Theme {
    fn from(t: ThemeArg) -> Theme {
        match t {
            ThemeArg::Dark => Theme::Dark,
            ThemeArg::Light => Theme::Light,
            ThemeArg::HighContrast => Theme::HighContrast,
        }
    }
}

#[derive(Copy, Clone, Debug, ValueEnum, PartialEq, Eq)]
pub enum FormatArg {
    Text,
    Json,
    Markdown,
    Latex,
    Dot,
}

impl TraceArgs {
    pub fn style(&self) -> Style {
        Style {
            notation: match self.notation {
                NotationArg::Lecture => Notation::Lecture,
                NotationArg::Griewank => Notation::Griewank,
            },
            ascii: self.ascii,
            precision: usize::from(self.precision),
        }
    }

    pub fn seed_spec(&self) -> SeedSpec {
        match (&self.wrt, &self.seed) {
            (Some(w), _) => SeedSpec::Wrt(w.clone()),
            (None, Some(s)) => SeedSpec::List(s.clone()),
            (None, None) => SeedSpec::First,
        }
    }

    /// The request for this program, reading it from stdin or a file.
    pub fn request(&self) -> Result<Request, String> {
        let (program, origin) = read_program(&self.program)?;
        Ok(Request {
            program,
            origin,
            at: self.at.clone(),
            seed: self.seed_spec(),
            no_cse: self.no_cse,
        })
    }
}

/// Read PROGRAM: `-` is stdin, `@FILE` a file, anything else the text.
/// Errors are rendered messages (invalid UTF-8 is located).
pub fn read_program(arg: &str) -> Result<(String, String), String> {
    let (bytes, origin) = if arg == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| format!("error: cannot read stdin: {e}\n"))?;
        (buf, "<stdin>".to_string())
    } else if let Some(path) = arg.strip_prefix('@') {
        let buf = std::fs::read(path).map_err(|e| format!("error: cannot read '{path}': {e}\n"))?;
        (buf, path.to_string())
    } else {
        return Ok((arg.to_string(), String::new()));
    };
    match String::from_utf8(bytes) {
        Ok(s) => Ok((s, origin)),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bad = e.as_bytes()[at];
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let d = Diagnostic::new(
                Span::new(at, at + 1),
                format!("invalid UTF-8 (byte 0x{bad:02x})"),
            )
            .with_hint("save the program as UTF-8 text");
            Err(d.render(&text, &origin))
        }
    }
}

fn fail(f: &Failure) -> ExitCode {
    eprint!("{}", f.render());
    ExitCode::from(2)
}

/// Write to stdout; a closed pipe (`| head`) is not an error.
pub fn emit(text: &str) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write output: {e}");
            ExitCode::from(2)
        }
    }
}

fn eval(args: &EvalArgs) -> ExitCode {
    let req = match args.trace.request() {
        Ok(r) => r,
        Err(msg) => {
            eprint!("{msg}");
            return ExitCode::from(2);
        }
    };
    let ev = match pipeline::evaluate(&req) {
        Ok(ev) => ev,
        Err(f) => return fail(&f),
    };
    let fmt = match args.format {
        FormatArg::Text => Format::Text,
        FormatArg::Json => Format::Json,
        FormatArg::Markdown => Format::Markdown,
        FormatArg::Latex => Format::Latex,
        FormatArg::Dot => Format::Dot,
    };
    let opts = format::Options {
        style: args.trace.style(),
        output_only: args.output_only,
        steps: args.steps,
    };
    let text = format::render(fmt, &ev.trace, &ev.sweep, opts);
    if args.timings {
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
        let t = &ev.timings;
        eprintln!("parse: {:.1} ms", ms(t.parse));
        eprintln!("trace build: {:.1} ms", ms(t.trace));
        eprintln!("forward sweep: {:.1} ms", ms(t.forward));
        eprintln!("reverse sweep: {:.1} ms", ms(t.reverse));
    }
    // The process ends right after this: freeing a large trace piece by
    // piece would only add to its running time.
    std::mem::forget(ev);
    emit(&text)
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match &cli.command {
        Some(Command::Eval(args)) => eval(args),
        Some(Command::Tui(args)) => crate::tui::cmd::tui(args),
        Some(Command::Render(args)) => crate::tui::cmd::render(args),
        Some(Command::Run(args)) => crate::present::run::run(args),
        Some(Command::Play(args)) => crate::present::play::play(args),
        None => crate::repl::main(),
    }
}
