//! `adtrace quiz`: predict mode on the command line. Owns its arguments;
//! asks on stdout and reads one answer per line from stdin (a terminal
//! gets hints and tries again; a pipe one answer per question), through
//! `app::quiz`, which owns the questions, the checking and the score.

use std::io::{BufRead, IsTerminal};

use clap::{Args, ValueEnum};

use super::Status;
use super::args::TraceArgs;
use crate::app::quiz::{self, Quiz};
use crate::tui::terminal::{write_err, write_out};

#[derive(Copy, Clone, Debug, ValueEnum, PartialEq, Eq)]
pub enum QuizFormat {
    Text,
    Json,
}

#[derive(Args, Debug)]
pub struct QuizArgs {
    #[command(flatten)]
    pub trace: TraceArgs,
    /// text: the questions, the replies and `score: K/N` on stdout; json:
    /// the per-cell results as one JSON object on stdout (the questions and
    /// replies go to stderr).
    #[arg(long, value_enum, default_value_t = QuizFormat::Text)]
    pub format: QuizFormat,
}

/// `adtrace quiz`: 0 if every answer was right, 1 if not, 2 on an error.
pub fn quiz(args: &QuizArgs) -> Status {
    if args.trace.base.program == "-" {
        write_err("error: the answers come on stdin; give the program as text or @FILE\n");
        return Status::Error;
    }
    let ev = match args.trace.evaluate() {
        Ok(ev) => ev,
        Err(msg) => {
            write_err(&msg);
            return Status::Error;
        }
    };
    let mut q = Quiz::new(&ev.traced, &ev.eval, args.trace.style());
    let terminal = std::io::stdin().is_terminal();
    if !terminal {
        q.tries = 0;
    }
    let json = args.format == QuizFormat::Json;
    // Questions name the user's rows and replies echo the answers typed:
    // both go through the sanitiser, and a failed write is an error.
    let unwritten = std::cell::Cell::new(false);
    let say = |t: &str| {
        let line = format!("{t}\n");
        if json {
            write_err(&line);
        } else if write_out(&line).is_err() {
            unwritten.set(true);
        }
    };
    let stdin = std::io::stdin();
    let mut input = stdin.lock().lines();
    quiz::run(
        &mut q,
        |question| {
            say(question);
            input.next().and_then(Result::ok)
        },
        say,
    );
    if (json && write_out(&format!("{}\n", q.json())).is_err()) || unwritten.get() {
        write_err("error: cannot write output\n");
        return Status::Error;
    }
    let (k, n) = q.score();
    if k == n {
        Status::Ok
    } else {
        Status::ExpectationFailed
    }
}
