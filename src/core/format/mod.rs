//! Headless views of a traced program: the lecture's table as text,
//! Markdown and LaTeX, the whole trace as JSON (a public interface), and the
//! graph as Graphviz DOT.
//!
//! Each format is a function of (trace, sweep, style); numbers come from the
//! sweep, rule texts from `steps`/`ops`. Must not compute derivatives and
//! must be deterministic: the same input gives byte-identical output.

mod dot;
mod json;
mod table;

pub use dot::dot;
pub use json::json;
pub use table::{latex, markdown, text};

use crate::core::notation::{Names, Style};
use crate::core::steps::Explainer;
use crate::core::sweep::{Sweep, Warning};
use crate::core::trace::Trace;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Text,
    Json,
    Markdown,
    Latex,
    Dot,
}

impl Format {
    pub const ALL: [(&'static str, Format); 5] = [
        ("text", Format::Text),
        ("json", Format::Json),
        ("markdown", Format::Markdown),
        ("latex", Format::Latex),
        ("dot", Format::Dot),
    ];
    pub fn parse(s: &str) -> Option<Format> {
        Format::ALL.iter().find(|(n, _)| *n == s).map(|&(_, f)| f)
    }
}

/// What to render and how.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    pub style: Style,
    /// Leave out the table (text) or nodes and steps (JSON).
    pub output_only: bool,
    /// Text and Markdown: every step's rule under the table.
    pub steps: bool,
}

/// Render in any format.
pub fn render(format: Format, trace: &Trace, sweep: &Sweep, opts: Options) -> String {
    match format {
        Format::Text => text(trace, sweep, opts),
        Format::Json => json(trace, sweep, opts),
        Format::Markdown => markdown(trace, sweep, opts),
        Format::Latex => latex(trace, sweep, opts),
        Format::Dot => dot(trace, sweep, opts),
    }
}

/// A warning as a sentence: the row, its operation and the cause.
pub fn warning_text(ex: &Explainer, trace: &Trace, w: &Warning) -> String {
    let n = &ex.names;
    let row = w.row as usize;
    let what = if trace.nodes[row].op == crate::core::ops::Op::Input {
        format!("{} (input {})", n.label(row), n.sym(row))
    } else {
        format!("{} = {}", n.label(row), ex.value_text(row, false))
    };
    n.out(format!("{what}: {}: {}", w.kind.name(), w.cause))
}

/// The seed direction as text: `x = 1` or `x1 = 1, x2 = 0.5`.
pub fn seed_text(trace: &Trace, sweep: &Sweep, names: &Names) -> String {
    let parts: Vec<String> = trace
        .input_names()
        .zip(&sweep.seed)
        .filter(|(_, s)| **s != 0.0)
        .map(|(n, s)| format!("{n} = {}", names.num(*s)))
        .collect();
    if parts.is_empty() {
        "0".to_string()
    } else {
        parts.join(", ")
    }
}
