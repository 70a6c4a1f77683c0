//! One REPL input → a `Command`: a program, a point (`at …`), a
//! `:command`, or a replay directive (`:step`, `:pause`, `:expect`, …),
//! with spans into the input so that every error is located. Also the
//! command table that `:help` and tab completion read.
//!
//! Pure text work: must not trace, evaluate, read files or print. What a
//! command does is `state`'s business.

use std::time::Duration;

use crate::core::diagnostic::{Diagnostic, Span, did_you_mean};
use crate::core::format::Format;
use crate::core::sweep::Mode;

use super::settings::{self, Settings};

/// A command's name, its argument synopsis, one line of summary and the
/// longer text of `:help NAME`.
pub struct Spec {
    pub name: &'static str,
    pub args: &'static str,
    pub summary: &'static str,
    pub detail: &'static str,
}

/// Every `:command`, in the order `:help` lists them.
pub const COMMANDS: &[Spec] = &[
    Spec {
        name: "help",
        args: "[NAME]",
        summary: "list the commands, or explain one",
        detail: "':help' lists every command; ':help NAME' explains one (':help at', ':help expect').",
    },
    Spec {
        name: "examples",
        args: "",
        summary: "list the built-in examples",
        detail: "The lecture's examples, built into adtrace as replay scripts. Load one with ':example NAME'; present one with 'adtrace play NAME'.",
    },
    Spec {
        name: "example",
        args: "NAME",
        summary: "run a built-in example (its last program stays current)",
        detail: "Runs the example's script like ':load': prints its captions and tables and checks its ':expect' lines. Its last program stays current, so ':tui' steps through it. ':example' alone lists the examples.",
    },
    Spec {
        name: "at",
        args: "x=1, y=2",
        summary: "trace the current program at this point (also without ':')",
        detail: "Gives the current program its point (completing or overriding the program's own 'at') and traces it. 'at x = 2' and ':at x = 2' are the same. The point stays until the next program.",
    },
    Spec {
        name: "wrt",
        args: "INPUT",
        summary: "forward mode with respect to INPUT (seed e_k)",
        detail: "Sets the seed of the forward sweep to the unit vector of INPUT, e.g. ':wrt x2', or of one entry of a vector or matrix input, e.g. ':wrt theta[2]', ':wrt W[1,2]'. One forward sweep gives the derivative along one direction; the reverse sweep gives the whole gradient.",
    },
    Spec {
        name: "seed",
        args: "x=1, y=0.5",
        summary: "forward mode along a direction (inputs left out are 0)",
        detail: "Sets the seed of the forward sweep, e.g. ':seed x=1, y=0.5', or ':seed theta=[1, 0]' for a vector input. The tangent column is then the directional derivative along it.",
    },
    Spec {
        name: "cotangent",
        args: "z=[1, 0] | off",
        summary: "one reverse sweep along an output cotangent (outputs left out are 0)",
        detail: "Seeds the reverse sweep with a cotangent of the outputs, e.g. ':cotangent z=[1, 0]' for a vector output z, or ':cotangent u=1, v=2' for named outputs. The adjoints of the inputs are then the vector-Jacobian product: one reverse sweep, whatever the number of outputs. The values and tangents stay; only the adjoints are recomputed. ':cotangent off' goes back to one reverse sweep per output. It applies in reverse mode (see ':jacobian').",
    },
    Spec {
        name: "jacobian",
        args: "forward | reverse",
        summary: "which mode builds the Jacobian: n forward sweeps or m reverse sweeps",
        detail: "':jacobian forward' builds the Jacobian column by column, one forward sweep per input (n sweeps); ':jacobian reverse' (the default) row by row, one reverse sweep per output (m sweeps). Both give the same matrix; the steps of the view follow the mode's sweeps. A new program starts in reverse mode.",
    },
    Spec {
        name: "table",
        args: "",
        summary: "print the table of the current program",
        detail: "Prints the lecture's table (rows, values, tangents, adjoints) and the gradient, without opening the stepping view.",
    },
    Spec {
        name: "fd",
        args: "[K]",
        summary: "finite differences against h beside AD's exact derivative (K steps per decade)",
        detail: "The finite-difference lab on the current program: the forward difference (f(x + h·e) − f(x))/h and the central difference (f(x + h·e) − f(x − h·e))/2h along the seed e for h = 1e-1 … 1e-16 (K per decade, default 1), each with its error against AD's exact directional derivative, the best h marked, and a small log-log plot: truncation error falls as O(h) and O(h²) until round-off takes over. 'adtrace fd' prints the same (also as JSON or CSV, and the whole gradient with --gradient); in the stepping view, d.",
    },
    Spec {
        name: "symbolic",
        args: "",
        summary: "the derivative written out by the symbolic chain rule, and its size against the trace's",
        detail: "Writes the current program's derivative along the seed as the symbolic chain rule gives it with no sharing (what a computer-algebra system or a student by hand writes before simplifying), counts its operations, and sets them beside the trace's rows and the cost of the two sweeps: expression swell. Beyond 2,000 operations the size is counted without writing it out. 'adtrace eval --symbolic' prints the same; in the stepping view, s.",
    },
    Spec {
        name: "tui",
        args: "",
        summary: "step through the current program full-screen",
        detail: "Opens the stepping view on the current program (press ? there for its keys, q to come back). Starts at the step set by ':step'.",
    },
    Spec {
        name: "quiz",
        args: "",
        summary: "predict each value, derivative and adjoint before it is shown",
        detail: "Predict mode: before each cell is revealed (value and derivative forward, adjoint in reverse) type your prediction. It is checked at the shown precision; a wrong answer gets a hint (the general rule, the rule with names, the rule with numbers), then the answer. A score at the end; Ctrl-C or an empty answer stops.",
    },
    Spec {
        name: "load",
        args: "FILE",
        summary: "run a replay file (.adt)",
        detail: "Runs each line of FILE as if typed: programs, points, commands. Prints tables and captions and checks ':expect' lines; stops at the first error, naming FILE:line:col. See docs/replay.md.",
    },
    Spec {
        name: "record",
        args: "FILE | stop",
        summary: "write what you type from now on as a replay file",
        detail: "':record FILE' starts a replay file with the current settings and program, then appends every line that succeeds; ':record stop' closes it and puts it in place. An existing FILE is kept unless you write ':record! FILE'. 'adtrace run FILE' replays it with the same tables.",
    },
    Spec {
        name: "save",
        args: "FILE",
        summary: "write the current program, point and settings as a replay file",
        detail: "Writes a replay file that brings back the current state: non-default settings, the program, its point and seed, its Jacobian mode and cotangent. An existing FILE is kept unless you write ':save! FILE'.",
    },
    Spec {
        name: "export",
        args: "FORMAT FILE",
        summary: "write the current table as text, markdown, latex, json, dot or html",
        detail: "Writes the current program's trace in FORMAT (text, markdown, latex, json, dot; html: the stepping page) to FILE, as 'adtrace eval --format FORMAT' prints it. An existing FILE is kept unless you write ':export! FORMAT FILE'.",
    },
    Spec {
        name: "set",
        args: "NAME VALUE",
        summary: "precision N | notation … | cse on|off | theme … | ascii | format … | steps | tui",
        detail: "Changes a setting for the rest of the session, e.g. ':set precision 2'; ':set' alone shows the current values. The settings:",
    },
    Spec {
        name: "step",
        args: "N | forward | reverse | end | +N | -N",
        summary: "move the view to a step (replay files)",
        detail: "Moves the stepping view: a step number as the view shows it (from 1), 'forward' (the first forward step), 'reverse' (the first reverse step), 'end' (the last step), or +N / -N steps from the current one. ':tui' opens at this step.",
    },
    Spec {
        name: "pause",
        args: "\"caption\"",
        summary: "wait for a key in a presentation; show the caption (replay files)",
        detail: "In 'adtrace play' the view stops here and shows the caption until the presenter presses space. 'adtrace run --frames' prints the frame. The REPL prints the caption.",
    },
    Spec {
        name: "wait",
        args: "1.5s",
        summary: "hold the view for a while in a presentation (replay files)",
        detail: "In 'adtrace play' the view holds for this long, then goes on by itself. Units: s or ms (a bare number is seconds); at most 600 s.",
    },
    Spec {
        name: "title",
        args: "\"text\"",
        summary: "the title shown above the view (replay files)",
        detail: "Sets the title bar of the stepping view from here on.",
    },
    Spec {
        name: "expect",
        args: "NAME = NUMBER [± TOL]",
        summary: "check a number of the current table; fail if it does not hold",
        detail: "NAME is a row's label as the table shows it (x2: its value, d2: its tangent, x̄2 or xbar2: its adjoint), a row's program name (c, theta[1], z[2], W[1,2]: its value, dc / ċ / dot(c), c̄ / cbar / bar(c)), 'value' (the output), 'tangent' (the output's derivative along the seed), 'value OUT' / 'tangent OUT' (one of several outputs), 'grad INPUT' (the input's adjoint from the reverse sweep: a gradient entry), or 'jacobian OUT INPUT' (the Jacobian entry ∂OUT/∂INPUT, by the current mode; also written ∂OUT/∂INPUT). 'fd forward H' / 'fd central H' (the finite difference at step H, e.g. 'fd forward 1e-8'), 'fd forward error H', 'fd best central h' and 'fd best central error' check the lab of ':fd'; 'symbolic' and 'symbolic f' the sizes ':symbolic' counts. The tolerance defaults to half a unit in the last digit shown (0.00005 for 0.1413 at precision 4, 0.0005 for 2, finer if the number has more decimals); '± 0.01' or '+- 0.01' sets it.",
    },
    Spec {
        name: "quit",
        args: "",
        summary: "leave adtrace (also Ctrl-D)",
        detail: "Leaves the REPL; the history is kept for next time.",
    },
];

/// Other spellings of commands.
const ALIASES: &[(&str, &str)] = &[
    ("q", "quit"),
    ("exit", "quit"),
    ("h", "help"),
    ("?", "help"),
];

pub fn spec(name: &str) -> Option<&'static Spec> {
    let name = ALIASES
        .iter()
        .find(|(a, _)| *a == name)
        .map_or(name, |&(_, n)| n);
    COMMANDS.iter().find(|s| s.name == name)
}

/// Where a `:step` moves the view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepTo {
    Index(usize),
    Forward,
    Reverse,
    End,
    Ahead(usize),
    Back(usize),
}

/// What an `:expect` checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// The output's value.
    Value,
    /// The output's tangent (the derivative along the seed).
    Tangent,
    /// The value of one of several outputs (`value z[1]`).
    ValueOf(String),
    /// The tangent of one of several outputs along the seed.
    TangentOf(String),
    /// One gradient entry, from the reverse sweep.
    Grad(String),
    /// The Jacobian entry ∂OUTPUT/∂INPUT (`jacobian z[1] theta[2]`).
    Jacobian(String, String),
    /// A row by label or program name, or its tangent or adjoint.
    Name(String),
    /// A number of the finite-difference lab (`fd forward 1e-8`, `fd
    /// central error 1e-5`, `fd best forward h`): the words after `fd`.
    Fd(Vec<String>),
    /// The size in operations of the derivative written out by the
    /// symbolic chain rule (`symbolic`), or of f (`symbolic f`).
    Symbolic(bool),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expect {
    pub target: Target,
    pub target_span: Span,
    pub value: f64,
    pub value_span: Span,
    /// Decimals written in the expected number.
    pub decimals: usize,
    pub tolerance: Option<f64>,
}

/// One input, parsed. Spans point into the input's text.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Empty, or only a comment.
    Blank,
    /// The whole input is a program.
    Program,
    /// The point list of `at …` / `:at …`.
    At(Span),
    /// `:wrt INPUT`: the input's name (spaces inside brackets dropped:
    /// `W[1, 2]` is `W[1,2]`) and where it is.
    Wrt(String, Span),
    Seed(Span),
    /// `:cotangent z=[1, 0]`: the list; `None` for `off`.
    Cotangent(Option<Span>),
    Jacobian(Mode),
    Help(Option<String>),
    Examples,
    Example(String, Span),
    Load(String, Span),
    /// `:record FILE`, or `:record stop` (None). The `bool` of the file
    /// commands: `!` (`:save! FILE`) allows overwriting an existing file.
    Record(Option<(String, Span, bool)>),
    Save(String, Span, bool),
    Export(Format, String, Span, bool),
    Table,
    /// `:fd [K]`: the finite-difference lab, K steps per decade.
    Fd(u32),
    Symbolic,
    Tui,
    /// `:quiz`: predict mode on the current program.
    Quiz,
    /// `:set NAME VALUE`: a setting of `settings::SETTINGS` and a value
    /// it takes.
    Set(&'static str, String),
    ShowSettings,
    Quit,
    Step(StepTo),
    Pause(Option<String>),
    Wait(Duration),
    Title(String),
    Expect(Expect),
}

/// Longest `:wait`: a presentation should never hang for good.
const MAX_WAIT_SECS: f64 = 600.0;

/// Whether the input needs another line: a program or point with an open
/// bracket, `(` or `[`, or ending in an operator, `=` or `,`, as a file's
/// line continues (comments and `:commands` never continue).
pub fn incomplete(text: &str) -> bool {
    open_because(text).is_some()
}

/// Why the input needs another line, as the prompt says it; None when it
/// is complete.
pub fn open_because(text: &str) -> Option<&'static str> {
    use crate::core::syntax::scan;
    if text.trim_start().starts_with(':') {
        None
    } else if scan::open_brackets(text) > 0 {
        Some("a bracket is open")
    } else if scan::ends_open(text) {
        Some("the line ends with an operator")
    } else {
        None
    }
}

/// Whether `text` starts with the keyword `at` (a point for the current
/// program), returning where the list starts.
fn point_line(text: &str) -> Option<usize> {
    let lead = text.len() - text.trim_start().len();
    let rest = &text[lead..];
    let after = rest.strip_prefix("at")?;
    match after.chars().next() {
        None => Some(text.len()),
        Some(c) if c.is_whitespace() => Some(lead + 2),
        _ => None,
    }
}

/// Parse one input.
pub fn parse(text: &str) -> Result<Command, Diagnostic> {
    let lead = text.len() - text.trim_start().len();
    let body = text[lead..].trim_end();
    if body.is_empty() || body.starts_with('#') {
        return Ok(Command::Blank);
    }
    if let Some(at) = point_line(text) {
        return point_args(text, at, "at");
    }
    let Some(cmd) = body.strip_prefix(':') else {
        return Ok(Command::Program);
    };
    let name_len = cmd.find(char::is_whitespace).unwrap_or(cmd.len());
    let mut name = &cmd[..name_len];
    // `:save! FILE`: the file commands overwrite only when told.
    let force = match name.strip_suffix('!') {
        Some(n) if matches!(n, "save" | "export" | "record") => {
            name = n;
            true
        }
        _ => false,
    };
    let name_span = Span::new(lead, lead + 1 + name_len);
    let args_at = lead + 1 + name_len;
    let Some(spec) = spec(name) else {
        let known = COMMANDS
            .iter()
            .map(|s| s.name)
            .chain(ALIASES.iter().map(|a| a.0));
        let d = Diagnostic::new(name_span, format!("unknown command ':{name}'"));
        return Err(match did_you_mean(name, known) {
            Some(m) => d.with_hint(format!("did you mean ':{m}'? ':help' lists the commands")),
            None => d.with_hint("':help' lists the commands"),
        });
    };
    let a = Args::new(text, args_at, spec);
    let none = |c: Command| a.none().map(|()| c);
    match spec.name {
        "help" => Ok(Command::Help(a.optional_word()?)),
        "examples" => none(Command::Examples),
        // Alone, it lists the names, as ':examples' does.
        "example" if a.start == a.end => Ok(Command::Examples),
        "example" => {
            let (n, s) = a.word()?;
            Ok(Command::Example(n, s))
        }
        "at" => point_args(text, args_at, "at"),
        "wrt" => match words(a.rest()).as_slice() {
            [(name, _)] => Ok(Command::Wrt(name.clone(), a.span())),
            [_, (_, at), ..] => {
                let (s, e) = trimmed(text, a.start + at, a.end);
                Err(Diagnostic::new(Span::new(s, e), "unexpected text").with_hint(a.usage()))
            }
            [] => Err(a.missing("an input")),
        },
        "seed" => point_args(text, args_at, "seed"),
        "cotangent" => match a.rest() {
            "off" | "none" => Ok(Command::Cotangent(None)),
            _ => Ok(Command::Cotangent(Some(list_span(
                text,
                args_at,
                "cotangent",
            )?))),
        },
        "jacobian" => {
            let (w, span) = a.word()?;
            match Mode::parse(&w) {
                Some(m) => Ok(Command::Jacobian(m)),
                None => Err(Diagnostic::new(span, format!("'{w}' is not a mode"))
                    .with_hint("forward (one sweep per input) or reverse (one sweep per output)")),
            }
        }
        "table" => none(Command::Table),
        "symbolic" => none(Command::Symbolic),
        "fd" => match a.optional_word()? {
            None => Ok(Command::Fd(1)),
            Some(w) => match w.parse::<u32>() {
                Ok(k) if (1..=crate::core::fd::MAX_STEPS_PER_DECADE).contains(&k) => {
                    Ok(Command::Fd(k))
                }
                _ => Err(Diagnostic::new(
                    a.span(),
                    format!("'{w}' is not a number of steps per decade"),
                )
                .with_hint("give 1 to 20, e.g. ':fd 4'")),
            },
        },
        "tui" => none(Command::Tui),
        "quiz" => none(Command::Quiz),
        "load" => {
            let (p, s) = a.path()?;
            Ok(Command::Load(p, s))
        }
        "save" => {
            let (p, s) = a.path()?;
            Ok(Command::Save(p, s, force))
        }
        "record" => {
            let (p, s) = a.path()?;
            Ok(Command::Record(if p == "stop" {
                None
            } else {
                Some((p, s, force))
            }))
        }
        "export" => a.export(force),
        "set" => a.set(),
        "quit" => none(Command::Quit),
        "step" => a.step(),
        "pause" => Ok(Command::Pause(a.optional_text()?)),
        "wait" => a.wait(),
        "title" => Ok(Command::Title(a.optional_text()?.unwrap_or_default())),
        "expect" => a.expect(),
        _ => Err(Diagnostic::new(
            name_span,
            "internal error: command without parser",
        )),
    }
}

/// A point (or seed) list: everything after the keyword, up to a comment.
fn point_args(text: &str, start: usize, what: &str) -> Result<Command, Diagnostic> {
    let span = list_span(text, start, what)?;
    Ok(if what == "seed" {
        Command::Seed(span)
    } else {
        Command::At(span)
    })
}

/// Where a list (`x = 1, y = 2`) after a keyword is, up to a comment.
fn list_span(text: &str, start: usize, what: &str) -> Result<Span, Diagnostic> {
    let (s, e) = trimmed(text, start, comment_start(text, start));
    if s == e {
        let ex = match what {
            "seed" => ":seed x = 1, y = 0.5",
            "cotangent" => ":cotangent z = [1, 0], or :cotangent off",
            _ => "at x = 1, y = 2",
        };
        return Err(
            Diagnostic::new(Span::new(start, start), format!("'{what}' needs a list"))
                .with_hint(format!("write name = value, e.g. {ex}")),
        );
    }
    Ok(Span::new(s, e))
}

/// The words of a text, split at spaces outside brackets, each with the
/// spaces inside its brackets dropped (`W[1, 2]` → `W[1,2]`, as the table
/// names entries) and where it starts.
fn words(text: &str) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut cur: Option<(String, usize)> = None;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            if depth == 0 {
                out.extend(cur.take());
            }
            continue;
        }
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        cur.get_or_insert_with(|| (String::new(), i)).0.push(c);
    }
    out.extend(cur);
    out
}

/// Where a `#` comment starts after `from` (outside double quotes; a `#`
/// only starts a comment at the start or after a space, so paths keep it).
fn comment_start(text: &str, from: usize) -> usize {
    let mut quoted = false;
    let mut escaped = false;
    let mut prev_space = true;
    for (i, c) in text[from..].char_indices() {
        if quoted {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                quoted = false;
            }
        } else if c == '"' {
            quoted = true;
        } else if c == '#' && prev_space {
            return from + i;
        }
        prev_space = c.is_whitespace();
    }
    text.len()
}

/// `start..end` without surrounding whitespace.
fn trimmed(text: &str, start: usize, end: usize) -> (usize, usize) {
    let piece = &text[start..end];
    let s = start + (piece.len() - piece.trim_start().len());
    let e = start + piece.trim_end().len();
    (s, e.max(s))
}

/// The arguments of one command.
struct Args<'t> {
    text: &'t str,
    start: usize,
    end: usize,
    spec: &'static Spec,
}

impl<'t> Args<'t> {
    fn new(text: &'t str, at: usize, spec: &'static Spec) -> Args<'t> {
        let (start, end) = trimmed(text, at, comment_start(text, at));
        Args {
            text,
            start,
            end,
            spec,
        }
    }

    fn rest(&self) -> &'t str {
        &self.text[self.start..self.end]
    }

    fn span(&self) -> Span {
        Span::new(self.start, self.end)
    }

    fn usage(&self) -> String {
        format!("usage: :{} {}", self.spec.name, self.spec.args)
            .trim_end()
            .to_string()
    }

    fn missing(&self, what: &str) -> Diagnostic {
        Diagnostic::new(Span::new(self.start, self.start), format!("missing {what}"))
            .with_hint(self.usage())
    }

    fn none(&self) -> Result<(), Diagnostic> {
        if self.start == self.end {
            Ok(())
        } else {
            Err(Diagnostic::new(
                self.span(),
                format!(":{} takes no arguments", self.spec.name),
            ))
        }
    }

    fn optional_word(&self) -> Result<Option<String>, Diagnostic> {
        if self.start == self.end {
            return Ok(None);
        }
        self.word()
            .map(|(w, _)| Some(w.trim_start_matches(':').to_string()))
    }

    /// Exactly one word.
    fn word(&self) -> Result<(String, Span), Diagnostic> {
        let rest = self.rest();
        if rest.is_empty() {
            return Err(self.missing(self.spec.args));
        }
        if let Some(i) = rest.find(char::is_whitespace) {
            let extra = rest[i..].trim_start();
            let at = self.end - extra.len();
            return Err(
                Diagnostic::new(Span::new(at, self.end), "unexpected text").with_hint(self.usage())
            );
        }
        Ok((rest.to_string(), self.span()))
    }

    /// A file path: the rest of the line, or a quoted string.
    fn path(&self) -> Result<(String, Span), Diagnostic> {
        if self.start == self.end {
            return Err(self.missing("a file name"));
        }
        let (p, end) = self.string_or_rest(self.start)?;
        self.nothing_after(end)?;
        Ok((p, Span::new(self.start, end)))
    }

    /// A quoted string (with `\"` and `\\`) or the rest, and where it ends.
    fn string_or_rest(&self, from: usize) -> Result<(String, usize), Diagnostic> {
        let piece = &self.text[from..self.end];
        let Some(inner) = piece.strip_prefix('"') else {
            return Ok((piece.to_string(), self.end));
        };
        let mut out = String::new();
        let mut chars = inner.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => return Ok((out, from + 1 + i + 1)),
                '\\' => match chars.next() {
                    Some((_, n)) => out.push(n),
                    None => break,
                },
                c => out.push(c),
            }
        }
        Err(Diagnostic::new(Span::new(from, from + 1), "unclosed '\"'")
            .with_hint("end the text with \""))
    }

    fn nothing_after(&self, at: usize) -> Result<(), Diagnostic> {
        let (s, e) = trimmed(self.text, at, self.end);
        if s == e {
            Ok(())
        } else {
            Err(Diagnostic::new(Span::new(s, e), "unexpected text").with_hint(self.usage()))
        }
    }

    fn optional_text(&self) -> Result<Option<String>, Diagnostic> {
        if self.start == self.end {
            return Ok(None);
        }
        let (s, end) = self.string_or_rest(self.start)?;
        self.nothing_after(end)?;
        Ok(Some(s))
    }

    fn export(&self, force: bool) -> Result<Command, Diagnostic> {
        let rest = self.rest();
        if rest.is_empty() {
            return Err(self.missing("a format and a file"));
        }
        let flen = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let fspan = Span::new(self.start, self.start + flen);
        let Some(format) = Format::parse(&rest[..flen]) else {
            let names: Vec<&str> = Format::ALL.iter().map(|f| f.0).collect();
            return Err(
                Diagnostic::new(fspan, format!("unknown format '{}'", &rest[..flen]))
                    .with_hint(format!("the formats are {}", names.join(", "))),
            );
        };
        let (ps, _) = trimmed(self.text, self.start + flen, self.end);
        if ps == self.end {
            return Err(
                Diagnostic::new(Span::new(self.end, self.end), "missing a file name")
                    .with_hint(self.usage()),
            );
        }
        let (p, end) = self.string_or_rest(ps)?;
        self.nothing_after(end)?;
        Ok(Command::Export(format, p, Span::new(ps, end), force))
    }

    fn set(&self) -> Result<Command, Diagnostic> {
        let rest = self.rest();
        if rest.is_empty() {
            return Ok(Command::ShowSettings);
        }
        let nlen = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let name = &rest[..nlen];
        let nspan = Span::new(self.start, self.start + nlen);
        let (vs, ve) = trimmed(self.text, self.start + nlen, self.end);
        let value = &self.text[vs..ve];
        let vspan = Span::new(vs, ve);
        let bad = |what: &str, hint: &str| {
            let d = if value.is_empty() {
                Diagnostic::new(vspan, format!("missing {what}"))
            } else {
                Diagnostic::new(vspan, format!("'{value}' is not {what}"))
            };
            d.with_hint(hint.to_string())
        };
        let Some(setting) = settings::find(name) else {
            let d = Diagnostic::new(nspan, format!("unknown setting '{name}'"));
            let names: Vec<&str> = settings::SETTINGS.iter().map(|s| s.name).collect();
            let hint = format!("the settings are {}", names.join(", "));
            return Err(match did_you_mean(name, names.iter().copied()) {
                Some(m) => d.with_hint(format!("did you mean '{m}'? {hint}")),
                None => d.with_hint(hint),
            });
        };
        if !(setting.parse)(value, &mut Settings::default()) {
            return Err(bad(setting.what, setting.hint));
        }
        Ok(Command::Set(setting.name, value.to_string()))
    }

    fn step(&self) -> Result<Command, Diagnostic> {
        let (w, span) = self.word()?;
        let bad = || {
            Diagnostic::new(span, format!("'{w}' is not a step"))
                .with_hint("a step number (from 1), forward, reverse, end, +N or -N")
        };
        let to = match w.as_str() {
            "forward" | "start" => StepTo::Forward,
            "reverse" => StepTo::Reverse,
            "end" | "last" => StepTo::End,
            s => {
                if let Some(n) = s.strip_prefix('+') {
                    StepTo::Ahead(n.parse().map_err(|_| bad())?)
                } else if let Some(n) = s.strip_prefix('-') {
                    StepTo::Back(n.parse().map_err(|_| bad())?)
                } else {
                    // Steps count from 1, as the view shows them.
                    let k: usize = s.parse().map_err(|_| bad())?;
                    StepTo::Index(k.checked_sub(1).ok_or_else(|| {
                        Diagnostic::new(span, "steps count from 1")
                            .with_hint("':step 1' is the first step")
                    })?)
                }
            }
        };
        Ok(Command::Step(to))
    }

    fn wait(&self) -> Result<Command, Diagnostic> {
        let (w, span) = self.word()?;
        let (num, scale) = if let Some(n) = w.strip_suffix("ms") {
            (n, 1e-3)
        } else if let Some(n) = w.strip_suffix('s') {
            (n, 1.0)
        } else {
            (w.as_str(), 1.0)
        };
        match num.parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 && v * scale <= MAX_WAIT_SECS => {
                Ok(Command::Wait(Duration::from_secs_f64(v * scale)))
            }
            _ => Err(Diagnostic::new(span, format!("'{w}' is not a duration"))
                .with_hint("write seconds or milliseconds, like 1.5s or 500ms (at most 600 s)")),
        }
    }

    fn expect(&self) -> Result<Command, Diagnostic> {
        let rest = self.rest();
        let Some(eq) = rest.find('=') else {
            return Err(Diagnostic::new(self.span(), "missing '='")
                .with_hint("write :expect NAME = NUMBER, e.g. :expect d2 = 0.1413"));
        };
        let (ts, te) = trimmed(self.text, self.start, self.start + eq);
        let target_span = Span::new(ts, te);
        let name = &self.text[ts..te];
        if name.is_empty() {
            return Err(self.missing("what to check").with_hint(
                "a row (x2, d2, xbar2, c), value, tangent or grad INPUT, e.g. :expect d2 = 0.1413",
            ));
        }
        let ws: Vec<String> = words(name).into_iter().map(|(w, _)| w).collect();
        let ws: Vec<&str> = ws.iter().map(String::as_str).collect();
        let target = match ws.as_slice() {
            ["value"] => Target::Value,
            ["tangent"] => Target::Tangent,
            ["value", out] => Target::ValueOf((*out).to_string()),
            ["tangent", out] => Target::TangentOf((*out).to_string()),
            ["grad" | "gradient", input] => Target::Grad((*input).to_string()),
            ["jacobian", out, input] => Target::Jacobian((*out).to_string(), (*input).to_string()),
            ["symbolic"] => Target::Symbolic(false),
            ["symbolic", "f"] => Target::Symbolic(true),
            ["fd", rest @ ..] if !rest.is_empty() => {
                Target::Fd(rest.iter().map(|w| (*w).to_string()).collect())
            }
            [single] => match partial(single) {
                Some((out, input)) => Target::Jacobian(out, input),
                None => Target::Name((*single).to_string()),
            },
            _ => {
                return Err(
                    Diagnostic::new(target_span, format!("'{name}' is not a row"))
                        .with_hint("a row (x2, d2, xbar2, c, z[2]), value, tangent, grad INPUT or jacobian OUT INPUT"),
                );
            }
        };
        let after = self.start + eq + 1;
        let (vs, ve) = trimmed(self.text, after, self.end);
        let vtext = &self.text[vs..ve];
        // The tolerance: `± TOL`, `+- TOL` or `+/- TOL`.
        let (num_end, tol) = match ["±", "+/-", "+-"]
            .iter()
            .filter_map(|m| vtext.find(m).map(|i| (i, m.len())))
            .min()
        {
            Some((i, len)) => {
                let (ts, te) = trimmed(self.text, vs + i + len, ve);
                let tspan = Span::new(ts, te);
                let t = number(&self.text[ts..te])
                    .filter(|(t, _)| t.is_finite() && *t >= 0.0)
                    .ok_or_else(|| {
                        Diagnostic::new(tspan, "not a tolerance")
                            .with_hint("write a number ≥ 0, e.g. ± 0.001")
                    })?;
                (vs + i, Some(t.0))
            }
            None => (ve, None),
        };
        let (ns, ne) = trimmed(self.text, vs, num_end);
        let value_span = Span::new(ns, ne);
        let Some((value, decimals)) = number(&self.text[ns..ne]) else {
            let what = if ns == ne {
                "missing the expected number".to_string()
            } else {
                format!("'{}' is not a number", &self.text[ns..ne])
            };
            return Err(Diagnostic::new(value_span, what)
                .with_hint("write a number, e.g. 0.1413, -0.2859, 1e-3, inf or NaN"));
        };
        Ok(Command::Expect(Expect {
            target,
            target_span,
            value,
            value_span,
            decimals,
            tolerance: tol,
        }))
    }
}

/// `∂OUT/∂INPUT` (as the table's summary writes a Jacobian or gradient
/// entry): its output and input.
fn partial(w: &str) -> Option<(String, String)> {
    let (out, input) = w.strip_prefix('∂')?.split_once("/∂")?;
    (!out.is_empty() && !input.is_empty()).then(|| (out.to_string(), input.to_string()))
}

/// A number as written in an `:expect`, and how many decimals it has.
fn number(s: &str) -> Option<(f64, usize)> {
    let s = s.replace('−', "-");
    let lower = s.to_ascii_lowercase();
    match lower.as_str() {
        "inf" | "+inf" | "∞" => return Some((f64::INFINITY, 0)),
        "-inf" | "-∞" => return Some((f64::NEG_INFINITY, 0)),
        "nan" => return Some((f64::NAN, 0)),
        _ => {}
    }
    if !s.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '-' | '+' | '.')) {
        return None;
    }
    let v: f64 = s.parse().ok()?;
    let mantissa = lower.split('e').next().unwrap_or("");
    let decimals = mantissa.split_once('.').map_or(0, |(_, d)| d.len());
    v.is_finite().then_some((v, decimals))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> Command {
        parse(s).unwrap_or_else(|d| panic!("{s}: {d:?}"))
    }

    fn err(s: &str) -> Diagnostic {
        parse(s).unwrap_err()
    }

    #[test]
    fn programs_points_and_blanks() {
        assert_eq!(ok("sin(x) at x = 1"), Command::Program);
        assert_eq!(ok("  # a comment"), Command::Blank);
        assert_eq!(ok(""), Command::Blank);
        assert_eq!(ok("at x = 2"), Command::At(Span::new(3, 8)));
        assert_eq!(ok(":at x=2 # c"), Command::At(Span::new(4, 7)));
        // a name starting with "at" is a program
        assert_eq!(ok("atan2 + x"), Command::Program);
        assert_eq!(err("at").message, "'at' needs a list");
    }

    #[test]
    fn commands_and_errors() {
        assert_eq!(
            ok(":set precision 2"),
            Command::Set("precision", "2".into())
        );
        assert_eq!(
            ok(":set notation griewank"),
            Command::Set("notation", "griewank".into())
        );
        assert_eq!(err(":set theme blue").message, "'blue' is not a theme");
        let e = err(":set precison 2");
        assert_eq!(e.message, "unknown setting 'precison'");
        assert_eq!(
            e.hint.unwrap(),
            "did you mean 'precision'? the settings are precision, notation, cse, theme, ascii, format, steps, tui"
        );
        assert_eq!(ok(":q"), Command::Quit);
        // ':example' alone lists them rather than asking for a name.
        assert_eq!(ok(":example"), Command::Examples);
        assert_eq!(ok(":example  "), Command::Examples);
        let e = err(":exampel graph");
        assert_eq!((e.span.start, e.span.end), (0, 8));
        assert!(e.hint.unwrap().contains(":example"));
        let e = err(":set precision many");
        assert_eq!(e.span.start, 15);
        assert_eq!(
            ok(":export json \"my file.json\""),
            Command::Export(
                Format::Json,
                "my file.json".into(),
                Span::new(13, 27),
                false
            )
        );
        assert_eq!(ok(":record stop"), Command::Record(None));
        assert_eq!(
            ok(":save! a.adt"),
            Command::Save("a.adt".into(), Span::new(7, 12), true)
        );
        assert_eq!(
            ok(":record! a.adt"),
            Command::Record(Some(("a.adt".into(), Span::new(9, 14), true)))
        );
        assert_eq!(
            ok(":export! dot g.dot"),
            Command::Export(Format::Dot, "g.dot".into(), Span::new(13, 18), true)
        );
        assert_eq!(err(":load! a.adt").message, "unknown command ':load!'");
        assert_eq!(
            ok(":pause \"x # y\" # comment"),
            Command::Pause(Some("x # y".into()))
        );
        assert_eq!(err(":pause \"open").message, "unclosed '\"'");
        assert_eq!(ok(":wait 1.5s"), Command::Wait(Duration::from_millis(1500)));
        assert_eq!(ok(":wait 200ms"), Command::Wait(Duration::from_millis(200)));
        assert!(err(":wait forever").message.contains("duration"));
        assert_eq!(ok(":step end"), Command::Step(StepTo::End));
        assert_eq!(ok(":step +2"), Command::Step(StepTo::Ahead(2)));
        assert_eq!(ok(":step 3"), Command::Step(StepTo::Index(2)));
        assert!(parse(":step 0").is_err());
        assert_eq!(err(":table now").message, ":table takes no arguments");
    }

    #[test]
    fn expectations() {
        let Command::Expect(e) = ok(":expect d2 = 0.1413") else {
            panic!()
        };
        assert_eq!(e.target, Target::Name("d2".into()));
        assert_eq!((e.value, e.decimals, e.tolerance), (0.1413, 4, None));
        let Command::Expect(e) = ok(":expect grad x = −0.2859 ± 0.001") else {
            panic!()
        };
        assert_eq!(e.target, Target::Grad("x".into()));
        assert_eq!((e.value, e.tolerance), (-0.2859, Some(0.001)));
        let Command::Expect(e) = ok(":expect value = 2 +- 1e-3") else {
            panic!()
        };
        assert_eq!((e.target, e.tolerance), (Target::Value, Some(0.001)));
        let e = err(":expect d2 = abc");
        assert_eq!(e.span.start, 13);
        assert!(err(":expect d2 0.14").message.contains("'='"));
    }

    #[test]
    fn seeds_cotangents_and_modes() {
        assert_eq!(
            ok(":wrt theta[2]"),
            Command::Wrt("theta[2]".into(), Span::new(5, 13))
        );
        assert_eq!(
            ok(":wrt W[1, 2] # an entry"),
            Command::Wrt("W[1,2]".into(), Span::new(5, 12))
        );
        let e = err(":wrt x y");
        assert_eq!((e.message.as_str(), e.span.start), ("unexpected text", 7));
        assert_eq!(err(":wrt").message, "missing an input");
        assert_eq!(ok(":seed theta=[1, 0]"), Command::Seed(Span::new(6, 18)));
        assert_eq!(
            ok(":cotangent z=[1, 0] # first row"),
            Command::Cotangent(Some(Span::new(11, 19)))
        );
        assert_eq!(ok(":cotangent off"), Command::Cotangent(None));
        assert_eq!(ok(":cotangent none"), Command::Cotangent(None));
        assert_eq!(err(":cotangent").message, "'cotangent' needs a list");
        assert_eq!(ok(":jacobian forward"), Command::Jacobian(Mode::Forward));
        assert_eq!(ok(":jacobian reverse"), Command::Jacobian(Mode::Reverse));
        let e = err(":jacobian sideways");
        assert_eq!(
            (e.message.as_str(), e.span.start),
            ("'sideways' is not a mode", 10)
        );
        assert!(spec("jacobian").is_some() && spec("cotangent").is_some());
    }

    #[test]
    fn expectations_of_shaped_programs() {
        let target = |s: &str| match ok(s) {
            Command::Expect(e) => e.target,
            c => panic!("{c:?}"),
        };
        assert_eq!(target(":expect z[2] = 1"), Target::Name("z[2]".into()));
        assert_eq!(target(":expect W[1, 2] = 1"), Target::Name("W[1,2]".into()));
        assert_eq!(
            target(":expect grad W[1, 2] = 1"),
            Target::Grad("W[1,2]".into())
        );
        assert_eq!(
            target(":expect jacobian z[1] theta[2] = 0.5"),
            Target::Jacobian("z[1]".into(), "theta[2]".into())
        );
        assert_eq!(
            target(":expect ∂f[2]/∂y = 1"),
            Target::Jacobian("f[2]".into(), "y".into())
        );
        assert_eq!(
            target(":expect value f[1] = 6"),
            Target::ValueOf("f[1]".into())
        );
        assert_eq!(
            target(":expect tangent f[3] = 4"),
            Target::TangentOf("f[3]".into())
        );
        let e = err(":expect jacobian z[1] = 1");
        assert_eq!(e.message, "'jacobian z[1]' is not a row");
        assert_eq!(e.span.start, 8);
    }

    #[test]
    fn continuation() {
        assert!(incomplete("sin(x"));
        assert!(!incomplete("sin(x)"));
        assert!(!incomplete("x # ("));
        assert!(!incomplete(":pause \"(\""));
        // A matrix typed a row per line.
        assert!(incomplete("W = [[1, x],"));
        assert!(incomplete("W = [[1, x]"));
        assert!(!incomplete("W = [[1, x], [x, 2]]"));
        // After an operator, '=' or ',', as a file's line continues.
        assert!(incomplete("f = sin(x) +"));
        assert!(incomplete("at x = 1,"));
        assert!(!incomplete("f = sin(x) + 1"));
        assert!(!incomplete(":expect f ="));
        assert_eq!(open_because("f = [x, (y +"), Some("a bracket is open"));
        assert_eq!(
            open_because("f = x ·"),
            Some("the line ends with an operator")
        );
    }
}
