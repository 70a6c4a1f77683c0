//! The command line: the clap definitions (all of clap is in `cli`),
//! dispatch to the subcommands, `NO_COLOR`, and the one exit-code policy.
//!
//! Owns `Cli`/`Command` here, the shared arguments and value parsers in
//! `args`, and one file per group of subcommands (`eval`, `tui` for `tui`
//! and `render`, `replay` for `run` and `play`). Every subcommand and the
//! REPL report a `Status`, which `exit_code` alone turns into the exit
//! code: 0 ok, 1 an expectation failed, 2 an error (a located message on
//! stderr and nothing on stdout). Must not compute anything itself: it
//! calls `core::pipeline`, `core::format`, and the entry points of `tui`,
//! `present` and `repl`, handing them plain values, never clap types.

pub(crate) mod args;
pub(crate) mod eval;
pub(crate) mod fd;
pub mod pages;
pub(crate) mod quiz;
pub(crate) mod replay;
pub(crate) mod tui;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

pub use crate::app::Status;

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
    Eval(eval::EvalArgs),
    /// Finite differences along the seed against AD's exact derivative (or the whole gradient).
    Fd(fd::FdArgs),
    /// Step through the trace full-screen: graph, table and explanation.
    Tui(tui::TuiArgs),
    /// Print one TUI frame as plain text (for slides, docs and tests).
    Render(tui::RenderArgs),
    /// Run a replay script (.adt) headless: print its tables, check its :expect lines.
    Run(replay::RunArgs),
    /// Present a replay script (.adt) in the TUI: space advances, ← goes back.
    Play(replay::PlayArgs),
    /// Predict mode: type each cell's value, derivative and adjoint before it is revealed.
    Quiz(quiz::QuizArgs),
    /// Print the completion script for a shell (e.g. `adtrace completions bash > ~/.local/share/bash-completion/completions/adtrace`).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff): `adtrace man | man -l -`.
    Man,
}

/// The exit code of a `Status`: the one place exit codes are decided.
pub fn exit_code(status: Status) -> ExitCode {
    ExitCode::from(match status {
        Status::Ok => 0,
        Status::ExpectationFailed => 1,
        Status::Error => 2,
    })
}

/// Whether `NO_COLOR` asks for no colours (set and not empty).
pub fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// Write generated text (completions, the man page: no user text in it)
/// to stdout as it is; a write error (a full disk) is an error.
fn write_raw(bytes: &[u8]) -> Status {
    use std::io::Write;
    let mut o = std::io::stdout().lock();
    match o.write_all(bytes).and_then(|()| o.flush()) {
        Ok(()) => Status::Ok,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Status::Ok,
        Err(e) => {
            crate::tui::terminal::write_err(&format!("error: cannot write output: {e}\n"));
            Status::Error
        }
    }
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            // Rendered plain, then through the visible sinks: the message
            // quotes the user's arguments.
            let text = e.render().to_string();
            if e.use_stderr() {
                crate::tui::terminal::write_err(&text);
                return exit_code(Status::Error);
            }
            // --help and --version are not errors, unless they could not be
            // written (`adtrace --help > /dev/full`).
            return exit_code(match crate::tui::terminal::write_out(&text) {
                Err(w) if w.kind() != std::io::ErrorKind::BrokenPipe => {
                    crate::tui::terminal::write_err(&format!("error: cannot write output: {w}\n"));
                    Status::Error
                }
                _ => Status::Ok,
            });
        }
    };
    // Every command ends on a terminating signal the same way: the terminal
    // given back, no temporary file left (a recording kept), then the
    // signal's own end. The REPL's Ctrl-C cancelling a command builds on it.
    crate::tui::terminal::install_signals();
    exit_code(match &cli.command {
        Some(Command::Eval(args)) => eval::eval(args),
        Some(Command::Fd(args)) => fd::fd(args),
        Some(Command::Tui(args)) => tui::tui(args),
        Some(Command::Render(args)) => tui::render(args),
        Some(Command::Run(args)) => replay::run(args),
        Some(Command::Play(args)) => replay::play(args),
        Some(Command::Quiz(args)) => quiz::quiz(args),
        Some(Command::Completions { shell }) => {
            let mut out = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "adtrace", &mut out);
            write_raw(&out)
        }
        Some(Command::Man) => {
            let mut out = Vec::new();
            match clap_mangen::Man::new(Cli::command()).render(&mut out) {
                Ok(()) => write_raw(&out),
                Err(e) => {
                    crate::tui::terminal::write_err(&format!(
                        "error: cannot render the man page: {e}\n"
                    ));
                    Status::Error
                }
            }
        }
        None => crate::repl::main(no_color()),
    })
}
