//! Headless views of a traced program: the lecture's table as text,
//! Markdown and LaTeX, the whole trace as JSON (a public interface), the
//! graph as Graphviz DOT, and a self-contained HTML page that steps through
//! both sweeps.
//!
//! Each format is a function of (trace, sweep, style); numbers come from the
//! sweep, rule texts from `steps`/`ops`. Must not compute derivatives and
//! must be deterministic: the same input gives byte-identical output.

mod advar;
mod dot;
mod fd;
mod html;
mod json;
mod latex;
mod par;
mod symbolic;
mod table;
mod tape;

pub use advar::{advar, advar_rows, python};
pub use dot::dot;
pub use fd::{fd_csv, fd_json, fd_text, gradient_csv, gradient_json, gradient_text, sci};
pub use html::html;
pub use json::json;
pub use latex::latex;
pub use symbolic::symbolic_text;
pub use table::{markdown, text};
pub use tape::{memory_text as tape_memory_text, tape, tape_rows};

use crate::core::explain::{Explainer, Known};
use crate::core::jacobian::{Jacobian, Unavailable};
use crate::core::notation::{Names, Style};
pub use crate::core::schedule::Phase;
use crate::core::schedule::{Schedule, Segment, Step};
use crate::core::sweep::Sweep;
use crate::core::trace::Trace;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Text,
    Json,
    Markdown,
    Latex,
    Dot,
    /// The forward sweep as the lecture's overloaded AdVar calls.
    Advar,
    /// A Python script with an AdVar class that computes the same.
    Python,
    /// The tape reverse mode records, with its memory.
    Tape,
    /// A self-contained stepping page (graph, table, explanation).
    Html,
}

impl Format {
    pub const ALL: [(&'static str, Format); 9] = [
        ("text", Format::Text),
        ("json", Format::Json),
        ("markdown", Format::Markdown),
        ("latex", Format::Latex),
        ("dot", Format::Dot),
        ("advar", Format::Advar),
        ("python", Format::Python),
        ("tape", Format::Tape),
        ("html", Format::Html),
    ];
    pub fn parse(s: &str) -> Option<Format> {
        Format::ALL.iter().find(|(n, _)| *n == s).map(|&(_, f)| f)
    }
    pub fn name(self) -> &'static str {
        Format::ALL
            .iter()
            .find(|(_, f)| *f == self)
            .map_or("text", |(n, _)| n)
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
    /// Show the trace as it stands once this step is done (what the
    /// stepping view shows there); `None`: everything, all sweeps done.
    pub step: Option<usize>,
    /// Text: the layer view (each vector statement's Jacobian block and
    /// the sweeps as products of blocks).
    pub layers: bool,
    /// DOT: which sweep's picture (`None`: the step's, else forward).
    pub sweep: Option<Phase>,
    /// LaTeX: a whole document (`\documentclass` to `\end{document}`).
    pub standalone: bool,
    /// JSON: steps without their texts (index, phase, node, sweep only).
    pub bare_steps: bool,
}

/// Write any format to `out`; JSON is streamed as it is made (a large
/// trace's JSON is never held whole), the others are rendered first.
pub fn write(
    format: Format,
    trace: &Trace,
    sweep: &Sweep,
    opts: Options,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    if format == Format::Html {
        // The page holds every sweep's steps; the step only says where it opens.
        return html::write_html(trace, sweep, opts, out);
    }
    if format != Format::Json {
        return out.write_all(render(format, trace, sweep, opts).as_bytes());
    }
    let schedule = sweep.schedule(trace);
    let shown = opts
        .step
        .and_then(|k| schedule.step(k.min(schedule.last())))
        .filter(|st| sweep.differs(trace, st.phase, st.sweep))
        .map(|st| sweep.at_sweep(trace, st.phase, st.sweep));
    json::write_json(trace, shown.as_ref().unwrap_or(sweep), opts, out)
}

/// A streamed format's whole text (tests, the REPL's `:export`).
fn into_string(write: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> String {
    let mut bytes = Vec::new();
    // Writing into memory cannot fail, and every format writes UTF-8.
    let _ = write(&mut bytes);
    String::from_utf8(bytes).unwrap_or_default()
}

/// Render in any format. At a step, the numbers are those of the sweep
/// the step belongs to (a later forward sweep's tangents, a later reverse
/// sweep's adjoints).
pub fn render(format: Format, trace: &Trace, sweep: &Sweep, opts: Options) -> String {
    if format == Format::Html {
        // The page holds every sweep's steps; the step only says where it opens.
        return html(trace, sweep, opts);
    }
    let schedule = sweep.schedule(trace);
    let shown = opts
        .step
        .and_then(|k| schedule.step(k.min(schedule.last())))
        .filter(|st| sweep.differs(trace, st.phase, st.sweep))
        .map(|st| sweep.at_sweep(trace, st.phase, st.sweep));
    let sweep = shown.as_ref().unwrap_or(sweep);
    match format {
        Format::Text => text(trace, sweep, opts),
        Format::Json => json(trace, sweep, opts),
        Format::Markdown => markdown(trace, sweep, opts),
        Format::Latex => latex(trace, sweep, opts),
        Format::Dot => dot(trace, sweep, opts),
        Format::Advar => advar(trace, sweep, opts.style),
        Format::Python => python(trace, sweep),
        Format::Tape => tape(trace, sweep, opts.style),
        Format::Html => html(trace, sweep, opts),
    }
}

/// The trace, its numbers and the step shown.
#[derive(Clone, Copy)]
pub(crate) struct Shown<'t> {
    pub trace: &'t Trace,
    pub sweep: &'t Sweep,
    pub schedule: Schedule,
    pub at: Option<usize>,
}

impl Shown<'_> {
    /// What may be shown of a row at the step shown.
    pub fn known(&self, row: usize) -> Known {
        match self.at {
            Some(k) => self.schedule.known(k, row),
            None => Known {
                value: true,
                tangent: true,
                adjoint: true,
            },
        }
    }
}

/// What every format works from: the explainer, the schedule and the step
/// shown.
pub(crate) struct Ctx<'t> {
    pub trace: &'t Trace,
    pub sweep: &'t Sweep,
    pub ex: Explainer<'t>,
    pub schedule: Schedule,
    /// The step shown, clamped; `None`: all done.
    pub at: Option<usize>,
    /// The Jacobian of a function with several outputs, by the plan's mode.
    jacobian: std::cell::OnceCell<Option<Result<Jacobian, Unavailable>>>,
}

impl<'t> Ctx<'t> {
    pub fn new(trace: &'t Trace, sweep: &'t Sweep, opts: Options) -> Ctx<'t> {
        let schedule = sweep.schedule(trace);
        Ctx {
            trace,
            sweep,
            ex: Explainer::new(trace, sweep, Names::new(trace, opts.style)),
            at: opts.step.map(|k| k.min(schedule.last())),
            schedule,
            jacobian: std::cell::OnceCell::new(),
        }
    }

    /// Whether the program has vectors, matrices or several outputs (the
    /// formats then say more than for a scalar program).
    pub fn shaped(&self) -> bool {
        self.trace.n_outputs > 1 || !self.trace.groups.is_empty()
    }

    /// The Jacobian, for a function with several outputs.
    pub fn jacobian(&self) -> Option<&Result<Jacobian, Unavailable>> {
        self.jacobian
            .get_or_init(|| {
                (self.trace.n_outputs > 1 && self.trace.n_inputs > 0).then(|| {
                    crate::core::jacobian::jacobian(self.trace, self.sweep, self.sweep.plan.mode)
                })
            })
            .as_ref()
    }

    /// How many sweeps each mode needs for the whole Jacobian: n forward
    /// (one per input) against m reverse (one per output).
    pub fn costs(&self) -> (usize, usize) {
        (self.trace.n_inputs, self.trace.n_outputs)
    }

    pub fn names(&self) -> &Names<'t> {
        &self.ex.names
    }

    /// What may be shown of a row at the step shown.
    pub fn known(&self, row: usize) -> Known {
        self.shown().known(row)
    }

    /// The trace, numbers and step shown, without the caches: what
    /// threads writing rows side by side share.
    pub fn shown(&self) -> Shown<'t> {
        Shown {
            trace: self.trace,
            sweep: self.sweep,
            schedule: self.schedule,
            at: self.at,
        }
    }

    /// The segments done by the step shown, each with its own sweep's
    /// numbers where they differ from the sweep given (a later forward
    /// sweep's tangents, a later reverse sweep's adjoints) and its steps.
    /// Lazy: one segment's numbers are made at a time.
    pub fn segments_shown(
        &self,
    ) -> impl Iterator<Item = (Segment, Option<Sweep>, std::ops::Range<usize>)> + '_ {
        let end = self.at.map_or(self.schedule.count(), |k| k + 1);
        self.schedule
            .segments()
            .take_while(move |seg| seg.start < end)
            .map(move |seg| {
                (
                    seg,
                    self.own_sweep(&seg),
                    seg.start..(seg.start + seg.len).min(end),
                )
            })
    }

    /// A segment's own numbers, where they differ from the sweep given.
    pub fn own_sweep(&self, seg: &Segment) -> Option<Sweep> {
        self.sweep
            .differs(self.trace, seg.phase, seg.sweep)
            .then(|| self.sweep.at_sweep(self.trace, seg.phase, seg.sweep))
    }

    /// Visit the steps done by the step shown, in order, each with an
    /// explainer holding its own sweep's numbers (a later forward sweep's
    /// tangents, a later reverse sweep's adjoints), and its segment.
    pub fn visit_steps(&self, mut f: impl FnMut(&Segment, &Explainer<'_>, Step)) {
        for (seg, own, steps) in self.segments_shown() {
            let sweep = own.as_ref().unwrap_or(self.sweep);
            let ex = Explainer::new(self.trace, sweep, self.ex.names)
                .with_consumers(self.ex.consumers());
            for k in steps {
                if let Some(st) = self.schedule.step(k) {
                    f(&seg, &ex, st);
                }
            }
        }
    }

    /// `forward sweep` for a phase of one sweep, `reverse sweep 2 of 3
    /// (cotangent f[2] = 1)` for one of several.
    pub fn sweep_title(&self, seg: &Segment) -> String {
        let n = self.schedule.sweeps(seg.phase);
        if n <= 1 {
            return format!("{} sweep", seg.phase.name());
        }
        let names = self.names();
        let dir = match seg.phase {
            crate::core::schedule::Phase::Forward => {
                let d = self.sweep.plan.forward.get(seg.sweep, self.trace.n_inputs);
                let k = d.iter().position(|&x| x != 0.0).unwrap_or(0);
                format!("seed {} = 1", names.sym(k))
            }
            crate::core::schedule::Phase::Reverse => {
                let d = self.sweep.plan.reverse.get(seg.sweep, self.trace.n_outputs);
                let k = d.iter().position(|&x| x != 0.0).unwrap_or(0);
                let r = self.trace.outputs().start + k;
                format!("cotangent {} = 1", names.sym(r))
            }
        };
        names.out(format!(
            "{} sweep {} of {n} ({dir})",
            seg.phase.name(),
            seg.sweep + 1
        ))
    }

    /// `step K of N: forward sweep, row x3` for a table shown part way.
    pub fn position(&self) -> Option<String> {
        let st = self.schedule.step(self.at?)?;
        let n = self.names();
        Some(n.out(format!(
            "step {} of {}: {} sweep, row {}",
            st.index + 1,
            self.schedule.count(),
            st.phase.name(),
            n.label(st.row)
        )))
    }
}
