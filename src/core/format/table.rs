//! The lecture's table (row, operation, value, derivative, adjoint) as
//! aligned text and Markdown (LaTeX is `latex`).

use std::fmt::Write as _;

use super::{Ctx, Options};
use crate::core::notation::fixed;
use crate::core::schedule::Phase;
use crate::core::sweep::Sweep;
use crate::core::trace::Trace;

/// One table row as strings.
struct Row {
    label: String,
    name: String,
    operation: String,
    value: String,
    tangent: String,
    adjoint: String,
    note: String,
}

fn rows(c: &Ctx) -> Vec<Row> {
    let n = c.names();
    let p = n.style.precision;
    let sweep = c.sweep;
    (0..c.trace.len())
        .map(|i| {
            let node = &c.trace.nodes[i];
            let k = c.known(i);
            let mut notes: Vec<&str> = sweep.warnings_at(i).map(|w| w.kind.name()).collect();
            if !node.reaches_output {
                notes.push("unused by the output");
            }
            notes.dedup();
            let cell = |known: bool, x: f64| if known { fixed(x, p) } else { String::new() };
            Row {
                label: n.label(i),
                // In ASCII the program's name spelled (θ → theta), as in rules.
                name: match c.trace.name(i) {
                    Some(s) if n.style.ascii => crate::core::notation::ascii_name(s),
                    Some(s) => s.to_string(),
                    None => String::new(),
                },
                operation: c.ex.op_text(i),
                value: cell(k.value, sweep.value[i]),
                tangent: cell(k.tangent, sweep.tangent[i]),
                adjoint: cell(k.adjoint, sweep.adjoint[i]),
                note: notes.join(", "),
            }
        })
        .collect()
}

/// The summary lines under a table: output, directional derivative,
/// gradient, warnings — or, part way through, where the steps are.
pub(super) fn summary(c: &Ctx, matrix: bool) -> Vec<String> {
    if let Some(pos) = c.position() {
        return vec![pos];
    }
    if c.trace.n_outputs > 1 {
        return many_outputs(c, matrix);
    }
    let (trace, sweep) = (c.trace, c.sweep);
    let n = c.names();
    let p = n.style.precision;
    let out = trace.output();
    let name = n.sym(out);
    let mut lines = vec![format!("{name} = {}", fixed(sweep.output_value(), p))];
    if trace.n_inputs > 0 {
        let unit = unit_seed(&sweep.seed);
        let lhs = match unit {
            Some(k) => n.partial(out, k),
            None => format!("directional derivative {}", n.tangent(out)),
        };
        lines.push(format!(
            "{lhs} = {}   (forward mode, seed {})",
            fixed(sweep.output_tangent(), p),
            c.ex.seed_text()
        ));
        let grad: Vec<String> = (0..trace.n_inputs)
            .map(|i| format!("{} = {}", n.partial(out, i), fixed(sweep.adjoint[i], p)))
            .collect();
        lines.push(format!("gradient: {}   (reverse mode)", grad.join(", ")));
        lines.extend(shaped_gradient(c, &name, &sweep.adjoint));
    } else {
        lines.push("no inputs: the gradient is empty".to_string());
    }
    for w in &sweep.warnings {
        lines.push(format!("warning: {}", c.ex.warning(w)));
    }
    lines.into_iter().map(|l| n.out(l)).collect()
}

/// The summary of a function with several outputs: the outputs, their
/// tangents along the seed, and the Jacobian with what each mode costs.
fn many_outputs(c: &Ctx, matrix: bool) -> Vec<String> {
    let (trace, sweep) = (c.trace, c.sweep);
    let n = c.names();
    let p = n.style.precision;
    let outs = trace.outputs();
    let values: Vec<String> = match &trace.shaped_output {
        // A named vector or matrix output reads as one value, written as
        // the language writes it (so it can be pasted into a point).
        Some(s) if s.len() == trace.n_outputs && !s.name.is_empty() && !s.tuple => {
            let first = s.first as usize;
            let vals = &sweep.value[first..first + s.len()];
            vec![format!("{} = {}", s.name, shaped_text(vals, s.cols, p))]
        }
        _ => outs
            .clone()
            .map(|r| format!("{} = {}", n.sym(r), fixed(sweep.value[r], p)))
            .collect(),
    };
    let mut lines = vec![format!("outputs: {}", values.join(", "))];
    if trace.n_inputs > 0 {
        let tangents: Vec<String> = outs
            .clone()
            .map(|r| format!("{} = {}", n.tangent(r), fixed(sweep.tangent[r], p)))
            .collect();
        lines.push(format!(
            "along the seed {}: {}   (one forward sweep)",
            c.ex.seed_text(),
            tangents.join(", ")
        ));
    }
    let (fwd, rev) = c.costs();
    if let crate::core::sweep::Directions::Given(ct) = &sweep.plan.reverse {
        let bars: Vec<String> = match shaped_adjoints(c, &sweep.adjoint) {
            Some(b) => b,
            None => (0..trace.n_inputs)
                .map(|i| format!("{} = {}", n.adjoint(i), fixed(sweep.adjoint[i], p)))
                .collect(),
        };
        let named: Vec<String> = outs
            .clone()
            .zip(ct)
            .filter(|(_, v)| **v != 0.0)
            .map(|(r, v)| format!("{} = {}", n.sym(r), n.num(*v)))
            .collect();
        lines.push(format!(
            "vector-Jacobian product, cotangent {}: {}   (one reverse sweep)",
            named.join(", "),
            bars.join(", ")
        ));
    }
    match c.jacobian() {
        Some(Ok(j)) => {
            let by = match j.mode {
                crate::core::sweep::Mode::Forward => format!(
                    "forward mode: {fwd} sweep{}, one per input, each a column; reverse mode would take {rev}, one per output",
                    if fwd == 1 { "" } else { "s" }
                ),
                crate::core::sweep::Mode::Reverse => format!(
                    "reverse mode: {rev} sweep{}, one per output, each a row; forward mode would take {fwd}, one per input",
                    if rev == 1 { "" } else { "s" }
                ),
            };
            lines.push(format!("Jacobian ({by}):"));
            if matrix {
                lines.extend(matrix_lines(c, j));
            }
        }
        Some(Err(e)) => lines.push(format!("Jacobian: {e}")),
        None => lines.push("no inputs: the Jacobian is empty".to_string()),
    }
    for w in &sweep.warnings {
        lines.push(format!("warning: {}", c.ex.warning(w)));
    }
    lines.into_iter().map(|l| n.out(l)).collect()
}

/// Numbers of a vector or matrix as the language writes them: `[1, 2]`,
/// `[[1, 2], [3, 4]]` (a vector is a column: one entry per row).
fn shaped_text(vals: &[f64], cols: u32, p: usize) -> String {
    let entries = |v: &[f64]| {
        v.iter()
            .map(|x| fixed(*x, p))
            .collect::<Vec<_>>()
            .join(", ")
    };
    // A column vector is `[a, b]`; a 1×n row is a matrix of one row,
    // `[[a, b]]`, as a point must give it.
    if cols == 1 {
        return format!("[{}]", entries(vals));
    }
    let rows: Vec<String> = vals
        .chunks(cols.max(1) as usize)
        .map(|r| format!("[{}]", entries(r)))
        .collect();
    format!("[{}]", rows.join(", "))
}

/// The adjoints of the inputs with each vector or matrix input as one
/// value (`θ̄ = [0.5, -1]`), scalar inputs as they are; None when no input
/// has a shape.
fn shaped_adjoints(c: &Ctx, adjoint: &[f64]) -> Option<Vec<String>> {
    let trace = c.trace;
    if trace.shaped_inputs.is_empty() {
        return None;
    }
    let n = c.names();
    let p = n.style.precision;
    let mut out = Vec::new();
    let mut i = 0;
    while i < trace.n_inputs {
        match trace.shaped_inputs.iter().find(|s| s.first as usize == i) {
            Some(s) if !s.is_empty() => {
                let vals = &adjoint[i..(i + s.len()).min(adjoint.len())];
                let bar = crate::core::notation::accent(&s.name, crate::core::notation::MACRON);
                out.push(format!("{bar} = {}", shaped_text(vals, s.cols, p)));
                i += s.len();
            }
            _ => {
                out.push(format!("{} = {}", n.adjoint(i), fixed(adjoint[i], p)));
                i += 1;
            }
        }
    }
    Some(out)
}

/// The gradient of a scalar output with its vector and matrix inputs as
/// one value each: `∂L/∂θ = [0.5, -1]`; nothing when no input has a shape.
fn shaped_gradient(c: &Ctx, out: &str, adjoint: &[f64]) -> Option<String> {
    let trace = c.trace;
    if trace.shaped_inputs.is_empty() {
        return None;
    }
    let p = c.names().style.precision;
    let parts: Vec<String> = trace
        .shaped_inputs
        .iter()
        .filter(|s| !s.is_empty() && s.first as usize + s.len() <= adjoint.len())
        .map(|s| {
            let first = s.first as usize;
            let vals = &adjoint[first..first + s.len()];
            format!("∂{out}/∂{} = {}", s.name, shaped_text(vals, s.cols, p))
        })
        .collect();
    Some(format!("gradient by input: {}", parts.join(", ")))
}

/// The Jacobian as aligned text: a header of ∂/∂input, a line per output.
fn matrix_lines(c: &Ctx, j: &crate::core::jacobian::Jacobian) -> Vec<String> {
    let n = c.names();
    let p = n.style.precision;
    let outs: Vec<String> = c.trace.outputs().map(|r| n.sym(r)).collect();
    let head: Vec<String> = (0..j.inputs).map(|i| format!("∂/∂{}", n.sym(i))).collect();
    let cells: Vec<Vec<String>> = (0..j.outputs)
        .map(|i| (0..j.inputs).map(|k| fixed(j.get(i, k), p)).collect())
        .collect();
    let lw = outs.iter().map(|s| width(s)).max().unwrap_or(0);
    let cw: Vec<usize> = (0..j.inputs)
        .map(|k| {
            cells
                .iter()
                .map(|r| width(&r[k]))
                .chain([width(&head[k])])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut lines = Vec::with_capacity(j.outputs + 1);
    let mut h = format!("  {}", " ".repeat(lw));
    for (k, t) in head.iter().enumerate() {
        h.push_str("  ");
        h.push_str(&pad_left(t, cw[k]));
    }
    lines.push(h);
    for (i, row) in cells.iter().enumerate() {
        let mut l = format!("  {}", pad_right(&outs[i], lw));
        for (k, v) in row.iter().enumerate() {
            l.push_str("  ");
            l.push_str(&pad_left(v, cw[k]));
        }
        lines.push(l);
    }
    lines
}

/// The layer view: each layer's Jacobian block, then the forward sweep as
/// the product of the blocks with the seed, right to left, and the reverse
/// sweep as the product with the cotangent, left to right.
fn layer_lines(c: &Ctx) -> Vec<String> {
    use crate::core::layers::{block, layers};
    let n = c.names();
    let p = n.style.precision;
    let ls = match layers(c.trace, None) {
        Ok(ls) if ls.len() >= 2 => ls,
        Ok(_) => return vec!["layers: the program has fewer than two vectors to compose".into()],
        Err(e) => return vec![format!("layers: {e}")],
    };
    let vec_text = |v: &[f64]| {
        let cells: Vec<String> = v.iter().map(|x| fixed(*x, p)).collect();
        format!("[{}]", cells.join(", "))
    };
    let dot = |name: &str| {
        n.out(
            format!("{}\u{307}", name.chars().next().unwrap_or('x'))
                + &name.chars().skip(1).collect::<String>(),
        )
    };
    let bar = |name: &str| {
        n.out(
            format!("{}\u{304}", name.chars().next().unwrap_or('x'))
                + &name.chars().skip(1).collect::<String>(),
        )
    };
    let names: Vec<String> = ls
        .iter()
        .map(|l| format!("{} ({})", l.name, l.rows.len()))
        .collect();
    let mut out = vec![format!("layers: {}", names.join(" → "))];
    let blocks: Vec<_> = ls
        .windows(2)
        .map(|w| block(c.trace, c.sweep, &w[0], &w[1]))
        .collect();
    for (i, (b, w)) in blocks.iter().zip(ls.windows(2)).enumerate() {
        out.push(format!(
            "J({}) = ∂{}/∂{} ({}×{}):",
            i + 1,
            w[1].name,
            w[0].name,
            b.rows,
            b.cols
        ));
        for r in 0..b.rows {
            let row: Vec<f64> = (0..b.cols).map(|k| b.get(r, k)).collect();
            out.push(format!("  {}", vec_text(&row)));
        }
    }
    let l = blocks.len();
    let chain: String = (1..=l)
        .rev()
        .map(|i| format!("J({i})"))
        .collect::<Vec<_>>()
        .join("·");
    // Forward: the seed on the first layer, pushed through the blocks.
    let first = &ls[0];
    let mut v: Vec<f64> = first.rows.iter().map(|&r| c.sweep.tangent[r]).collect();
    out.push(format!(
        "forward, right to left: {} = {chain}·{} with {} = {}",
        dot(&ls[l].name),
        dot(&first.name),
        dot(&first.name),
        vec_text(&v)
    ));
    for (i, b) in blocks.iter().enumerate() {
        v = b.apply(&v);
        out.push(format!(
            "  J({})·{} = {} = {}",
            i + 1,
            if i == 0 {
                dot(&first.name)
            } else {
                dot(&ls[i].name)
            },
            vec_text(&v),
            dot(&ls[i + 1].name)
        ));
    }
    // Reverse: the last layer's adjoints, pulled back through the blocks.
    let last = &ls[l];
    let mut g: Vec<f64> = last.rows.iter().map(|&r| c.sweep.adjoint[r]).collect();
    let chain_l: String = (1..=l)
        .rev()
        .map(|i| format!("J({i})"))
        .collect::<Vec<_>>()
        .join("·");
    out.push(format!(
        "reverse, left to right: {}ᵀ = {}ᵀ·{chain_l} with {} = {}",
        bar(&first.name),
        bar(&last.name),
        bar(&last.name),
        vec_text(&g)
    ));
    for i in (0..l).rev() {
        g = blocks[i].apply_left(&g);
        out.push(format!(
            "  {}ᵀ·J({}) = {} = {}ᵀ",
            bar(&ls[i + 1].name),
            i + 1,
            vec_text(&g),
            bar(&ls[i].name)
        ));
    }
    out.into_iter().map(|l| n.out(l)).collect()
}

/// The input a seed picks out, if it is a unit vector e_k.
fn unit_seed(seed: &[f64]) -> Option<usize> {
    let nonzero: Vec<usize> = (0..seed.len()).filter(|&i| seed[i] != 0.0).collect();
    match nonzero.as_slice() {
        [k] if seed[*k] == 1.0 => Some(*k),
        _ => None,
    }
}

/// Terminal cells: a CJK character takes two, a combining mark none.
fn width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

fn pad_right(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

fn pad_left(s: &str, w: usize) -> String {
    format!("{}{s}", " ".repeat(w.saturating_sub(width(s))))
}

/// The table as aligned text, as on the lecture slide.
pub fn text(trace: &Trace, sweep: &Sweep, opts: Options) -> String {
    let c = Ctx::new(trace, sweep, opts);
    let names = c.names();
    let mut out = String::new();
    if !opts.output_only {
        let [v, d, a] = names.columns();
        let header = Row {
            label: "row".into(),
            name: "name".into(),
            operation: "operation".into(),
            value: v,
            tangent: d,
            adjoint: a,
            note: String::new(),
        };
        let body = rows(&c);
        let all: Vec<&Row> = std::iter::once(&header).chain(body.iter()).collect();
        let w = |f: fn(&Row) -> &String| all.iter().map(|r| width(f(r))).max().unwrap_or(0);
        let widths = [
            w(|r| &r.label),
            w(|r| &r.name),
            w(|r| &r.operation),
            w(|r| &r.value),
            w(|r| &r.tangent),
            w(|r| &r.adjoint),
        ];
        for r in all {
            let line = format!(
                "{}  {}  {}  {}  {}  {}  {}",
                pad_right(&r.label, widths[0]),
                pad_right(&r.name, widths[1]),
                pad_right(&r.operation, widths[2]),
                pad_left(&r.value, widths[3]),
                pad_left(&r.tangent, widths[4]),
                pad_left(&r.adjoint, widths[5]),
                r.note
            );
            out.push_str(&names.out(line.trim_end().to_string()));
            out.push('\n');
        }
        out.push('\n');
    }
    for l in summary(&c, true) {
        out.push_str(&l);
        out.push('\n');
    }
    if opts.layers {
        out.push('\n');
        for l in layer_lines(&c) {
            out.push_str(&l);
            out.push('\n');
        }
    }
    if opts.steps {
        for (heading, lines) in step_lines(&c) {
            out.push('\n');
            out.push_str(&heading);
            out.push('\n');
            for l in lines {
                out.push_str("  ");
                out.push_str(&l);
                out.push('\n');
            }
        }
    }
    out
}

/// Every step's explanation, grouped by sweep: the value and derivative
/// updates forward, the adjoint (with its fan-out ledger) in reverse.
fn step_lines(c: &Ctx) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    let mut last: Option<(crate::core::schedule::Phase, usize)> = None;
    c.visit_steps(|seg, ex, st| {
        if last != Some((seg.phase, seg.sweep)) {
            out.push((format!("{}:", c.sweep_title(seg)), Vec::new()));
            last = Some((seg.phase, seg.sweep));
        }
        let lines = &mut out.last_mut().expect("a heading was pushed").1;
        // Exports carry every consumer, however many.
        let e = ex.explain_all(st);
        lines.push(e.line());
        if st.phase == Phase::Reverse && e.terms.len() > 1 {
            lines.extend(e.terms.iter().map(|t| format!("  {}", t.partial_rule)));
        }
    });
    out
}

/// Markdown text with every character that could start markup escaped,
/// so that a cell holds exactly its text in any CommonMark or pandoc
/// reader: `|x|` stays inside its cell, `x*y` and `x_1` are not emphasis,
/// `x^2` is not a superscript, a `$` does not open math.
pub fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`'
                | '*'
                | '_'
                | '['
                | ']'
                | '<'
                | '>'
                | '|'
                | '#'
                | '~'
                | '^'
                | '$'
                | '!'
                | '&'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The table as GitHub-flavoured Markdown: every cell escaped
/// (`md_escape`), the summary as a list, the Jacobian as a second table,
/// `--steps` as numbered lists of code. `--ascii` makes it ASCII, the form
/// pandoc's default PDF route (pdflatex) reads.
pub fn markdown(trace: &Trace, sweep: &Sweep, opts: Options) -> String {
    let c = Ctx::new(trace, sweep, opts);
    let n = c.names();
    // ASCII first (when asked), then escaped: `to_ascii` adds `^` and `*`.
    let cell = |s: &str| md_escape(&n.out(s.to_string()));
    let cols = n.columns();
    let mut out = String::new();
    if !opts.output_only {
        let _ = writeln!(
            out,
            "| row | name | operation | {} | {} | {} | note |",
            cell(&cols[0]),
            cell(&cols[1]),
            cell(&cols[2])
        );
        out.push_str("|---|---|---|--:|--:|--:|---|\n");
        for r in rows(&c) {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |",
                cell(&r.label),
                cell(&r.name),
                cell(&r.operation),
                cell(&r.value),
                cell(&r.tangent),
                cell(&r.adjoint),
                cell(&r.note)
            );
        }
        out.push('\n');
    }
    for l in summary(&c, false) {
        let _ = writeln!(out, "- {}", cell(&l));
    }
    if c.at.is_none()
        && let Some(Ok(j)) = c.jacobian()
    {
        let p = n.style.precision;
        let head: Vec<String> = (0..j.inputs)
            .map(|i| cell(&format!("∂/∂{}", n.sym(i))))
            .collect();
        let _ = writeln!(out, "\n| | {} |", head.join(" | "));
        let _ = writeln!(out, "|---|{}", "--:|".repeat(j.inputs));
        for (i, r) in c.trace.outputs().enumerate() {
            let cells: Vec<String> = j.row(i).iter().map(|x| cell(&fixed(*x, p))).collect();
            let _ = writeln!(out, "| {} | {} |", cell(&n.sym(r)), cells.join(" | "));
        }
    }
    if opts.steps {
        for (heading, lines) in step_lines(&c) {
            let _ = writeln!(out, "\n**{}**\n", cell(heading.trim_end_matches(':')));
            for l in lines {
                // A code span shows its text as it is; a backtick inside
                // would end it.
                let code = n.out(l.trim_start().to_string()).replace('`', "'");
                let _ = writeln!(out, "1. `{code}`");
            }
        }
    }
    out
}
