//! `adtrace quiz`: predict mode on the command line. Owns its arguments;
//! asks on stdout and reads one answer per line from stdin (a terminal
//! gets hints and tries again; a pipe one answer per question), through
//! `app::quiz`, which owns the questions, the checking and the score.

use std::io::{BufRead, IsTerminal, Write};

use clap::{Args, ValueEnum};

use super::Status;
use super::args::TraceArgs;
use crate::app::quiz::{self, Quiz};
use crate::core::pipeline;

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
    if args.trace.program == "-" {
        eprintln!("error: the answers come on stdin; give the program as text or @FILE");
        return Status::Error;
    }
    let ev = match args
        .trace
        .request()
        .map_err(|m| m.to_string())
        .and_then(|r| pipeline::evaluate(&r).map_err(|f| f.render()))
    {
        Ok(ev) => ev,
        Err(msg) => {
            eprint!("{msg}");
            return Status::Error;
        }
    };
    let mut q = Quiz::new(&ev.traced, &ev.eval, args.trace.style());
    let terminal = std::io::stdin().is_terminal();
    if !terminal {
        q.tries = 0;
    }
    let json = args.format == QuizFormat::Json;
    let say = |t: &str| {
        let line = format!("{t}\n");
        let _ = if json {
            std::io::stderr().write_all(line.as_bytes())
        } else {
            let mut o = std::io::stdout().lock();
            o.write_all(line.as_bytes()).and_then(|()| o.flush())
        };
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
    if json {
        println!("{}", q.json());
    }
    let (k, n) = q.score();
    if k == n {
        Status::Ok
    } else {
        Status::ExpectationFailed
    }
}
