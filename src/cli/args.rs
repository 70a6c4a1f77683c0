//! The arguments several subcommands share: the traced program and how it
//! is shown (`ProgramArgs`, `TraceArgs`), the clap value enums (`NotationArg`,
//! `FormatArg`, `ThemeArg`) and the value parsers of steps, sizes and
//! seconds; reading PROGRAM (`-`, `@FILE` or the text itself).
//!
//! Owns the mapping of clap's values to the plain types of `core` and
//! `app` (`Style`, `Format`, `Theme`). Must not run anything: the
//! subcommands (`eval`, `tui`, `replay`) do.

use clap::{Args, ValueEnum};

use crate::app::fsio;
use crate::app::settings::Theme;
use crate::core::diagnostic::{Diagnostic, Span};
use crate::core::format::Format;
use crate::core::notation::{Notation, Style};
use crate::core::pipeline::{self, Evaluated, Request, SeedSpec};
use crate::core::sweep::Mode;

/// What every command that evaluates one program takes: the program, its
/// point and the seed (`eval`, `tui`, `render`, `quiz` through `TraceArgs`;
/// `fd` directly).
#[derive(Args, Debug, Clone)]
pub struct ProgramArgs {
    /// The point: x=1,y=2 (completes or overrides the program's own 'at').
    #[arg(long, value_name = "x=1,y=2", allow_hyphen_values = true)]
    pub at: Option<String>,
    /// The seed direction (forward mode's tangent, fd's differences): x=1,y=0.5 (names left out are 0).
    #[arg(
        long,
        value_name = "x=1,y=0",
        conflicts_with = "wrt",
        allow_hyphen_values = true
    )]
    pub seed: Option<String>,
    /// Differentiate forward with respect to this input (seed e_k), e.g. x or theta[2].
    #[arg(long, value_name = "INPUT")]
    pub wrt: Option<String>,
    /// Keep repeated subexpressions as separate rows (a tree, not a graph).
    #[arg(long)]
    pub no_cse: bool,
    /// Print only ASCII (no Unicode symbols).
    #[arg(long)]
    pub ascii: bool,
    /// The program: its text, '-' for stdin, or @FILE.
    #[arg(value_name = "PROGRAM", allow_hyphen_values = false)]
    pub program: String,
}

#[derive(Args, Debug, Clone)]
pub struct TraceArgs {
    #[command(flatten)]
    pub base: ProgramArgs,
    /// One reverse sweep along this output cotangent: z=[1,0] (a vector-Jacobian product).
    #[arg(long, value_name = "z=[1,0]", allow_hyphen_values = true)]
    pub cotangent: Option<String>,
    /// Which mode builds the Jacobian of a function with several outputs:
    /// forward (one sweep per input) or reverse (one sweep per output).
    #[arg(long, value_enum, value_name = "MODE")]
    pub jacobian: Option<ModeArg>,
    /// Row names: lecture (x_i, d_i) or griewank (v_i, v̇_i).
    #[arg(long, value_enum, default_value_t = NotationArg::Lecture)]
    pub notation: NotationArg,
    /// Significant digits shown (scientific notation below 1e-3 and from 1e6).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u8).range(1..=17))]
    pub precision: u8,
}

#[derive(Copy, Clone, Debug, ValueEnum, PartialEq, Eq)]
pub enum ModeArg {
    Forward,
    Reverse,
}

impl From<ModeArg> for Mode {
    fn from(m: ModeArg) -> Mode {
        match m {
            ModeArg::Forward => Mode::Forward,
            ModeArg::Reverse => Mode::Reverse,
        }
    }
}

#[derive(Copy, Clone, Debug, ValueEnum, PartialEq, Eq)]
pub enum NotationArg {
    Lecture,
    Griewank,
}

#[derive(Copy, Clone, Debug, ValueEnum, PartialEq, Eq)]
pub enum FormatArg {
    Text,
    Json,
    Markdown,
    Latex,
    Dot,
    /// The forward sweep as the lecture's overloaded AdVar calls.
    Advar,
    /// A self-contained Python script (AdVar dual numbers) printing value and derivative.
    Python,
    /// The tape (Wengert list) reverse mode records, with its memory.
    Tape,
    /// A self-contained HTML page stepping through both sweeps (graph, table, explanation).
    Html,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Text => Format::Text,
            FormatArg::Json => Format::Json,
            FormatArg::Markdown => Format::Markdown,
            FormatArg::Latex => Format::Latex,
            FormatArg::Dot => Format::Dot,
            FormatArg::Advar => Format::Advar,
            FormatArg::Python => Format::Python,
            FormatArg::Tape => Format::Tape,
            FormatArg::Html => Format::Html,
        }
    }
}

/// `--theme`: the names of `app::settings::Theme`.
#[derive(Copy, Clone, Debug, ValueEnum, PartialEq, Eq)]
pub enum ThemeArg {
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

impl ProgramArgs {
    pub fn seed_spec(&self) -> SeedSpec {
        match (&self.wrt, &self.seed) {
            (Some(w), _) => SeedSpec::Wrt(w.clone()),
            (None, Some(s)) => SeedSpec::List(s.clone()),
            (None, None) => SeedSpec::First,
        }
    }

    /// The request for this program (reverse mode, no cotangent), reading
    /// it from stdin or a file.
    pub fn request(&self) -> Result<Request, String> {
        let (program, origin) = read_program(&self.program)?;
        Ok(Request {
            program,
            origin,
            at: self.at.clone(),
            seed: self.seed_spec(),
            no_cse: self.no_cse,
            ..Request::default()
        })
    }

    /// The program traced and swept, or the rendered error (located, as
    /// every command prints it).
    pub fn evaluate(&self) -> Result<Evaluated, String> {
        pipeline::evaluate(&self.request()?).map_err(|f| f.render())
    }
}

impl TraceArgs {
    pub fn style(&self) -> Style {
        Style {
            notation: match self.notation {
                NotationArg::Lecture => Notation::Lecture,
                NotationArg::Griewank => Notation::Griewank,
            },
            ascii: self.base.ascii,
            precision: usize::from(self.precision),
        }
    }

    /// The program traced and swept, or the rendered error (located, as
    /// every command prints it).
    pub fn evaluate(&self) -> Result<Evaluated, String> {
        let req = self.request()?;
        pipeline::evaluate(&req).map_err(|f| f.render())
    }

    /// The request for this program, with the Jacobian's mode and the
    /// cotangent.
    pub fn request(&self) -> Result<Request, String> {
        Ok(Request {
            mode: self.jacobian.map_or(Mode::Reverse, Mode::from),
            cotangent: self.cotangent.clone(),
            ..self.base.request()?
        })
    }
}

/// Read PROGRAM: `-` is stdin, `@FILE` a file, anything else the text.
/// Errors are rendered messages (invalid UTF-8 is located).
pub fn read_program(arg: &str) -> Result<(String, String), String> {
    let (bytes, origin) = if arg == "-" {
        // Bounded: `adtrace eval - < /dev/zero` ends with a message.
        let buf = fsio::read_bounded(std::io::stdin().lock(), fsio::MAX_INPUT_BYTES, "stdin")
            .map_err(|msg| format!("error: {msg}\n"))?;
        (buf, "<stdin>".to_string())
    } else if let Some(path) = arg.strip_prefix('@') {
        let buf =
            fsio::read_file(std::path::Path::new(path)).map_err(|msg| format!("error: {msg}\n"))?;
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

/// A step as a person counts it (`--step 1` is the first), kept as the
/// 0-based index, or `end` for the last step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepArg {
    Index(usize),
    End,
}

impl StepArg {
    /// The step index to go to (`end`: as far as it goes; the model clamps).
    pub fn index(self) -> usize {
        match self {
            StepArg::Index(k) => k,
            StepArg::End => usize::MAX,
        }
    }
}

pub fn parse_step(s: &str) -> Result<StepArg, String> {
    match s.trim() {
        "end" | "last" => Ok(StepArg::End),
        t => match t.parse::<usize>() {
            Ok(k) if k >= 1 => Ok(StepArg::Index(k - 1)),
            Ok(_) => Err("steps count from 1: the first step is --step 1".to_string()),
            Err(_) => Err(format!(
                "'{s}' is not a step: give a step number (from 1) or 'end'"
            )),
        },
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

/// Seconds from 0 to 600, with or without an `s`.
pub fn parse_seconds(s: &str) -> Result<f64, String> {
    match s.trim_end_matches('s').parse::<f64>() {
        Ok(v) if v.is_finite() && (0.0..=600.0).contains(&v) => Ok(v),
        _ => Err(format!("'{s}' is not a number of seconds from 0 to 600")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_and_sizes_parse() {
        assert_eq!(parse_step("end"), Ok(StepArg::End));
        assert_eq!(parse_step("7"), Ok(StepArg::Index(6)));
        assert_eq!(parse_step("1"), Ok(StepArg::Index(0)));
        assert!(parse_step("0").is_err());
        assert!(parse_step("-1").is_err());
        assert_eq!(parse_size("100x30"), Ok((100, 30)));
        assert_eq!(parse_size("80×24"), Ok((80, 24)));
        assert!(parse_size("100").is_err());
        assert!(parse_size("99999x2").is_err());
    }

    #[test]
    fn seconds_parse() {
        assert_eq!(parse_seconds("1.5s"), Ok(1.5));
        assert_eq!(parse_seconds("0"), Ok(0.0));
        assert!(parse_seconds("601").is_err());
        assert!(parse_seconds("NaN").is_err());
    }
}
