//! The lecture's table (row, operation, value, derivative, adjoint) as
//! aligned text, Markdown and a booktabs LaTeX table.

use std::fmt::Write as _;

use super::{Options, seed_text, warning_text};
use crate::core::notation::{Names, fixed, to_ascii};
use crate::core::steps::Explainer;
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

fn rows(ex: &Explainer, trace: &Trace, sweep: &Sweep) -> Vec<Row> {
    let n = &ex.names;
    let p = n.style.precision;
    (0..trace.len())
        .map(|i| {
            let node = &trace.nodes[i];
            let mut notes: Vec<&str> = sweep.warnings_at(i).map(|w| w.kind.name()).collect();
            if !node.reaches_output {
                notes.push("unused by the output");
            }
            notes.dedup();
            Row {
                label: n.label(i),
                name: node.name.as_deref().unwrap_or("").to_string(),
                operation: ex.value_text(i, false),
                value: fixed(sweep.value[i], p),
                tangent: fixed(sweep.tangent[i], p),
                adjoint: fixed(sweep.adjoint[i], p),
                note: notes.join(", "),
            }
        })
        .collect()
}

/// The summary lines under a table: output, directional derivative,
/// gradient, warnings.
fn summary(ex: &Explainer, trace: &Trace, sweep: &Sweep) -> Vec<String> {
    let n = &ex.names;
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
            seed_text(trace, sweep, n)
        ));
        let grad: Vec<String> = (0..trace.n_inputs)
            .map(|i| format!("{} = {}", n.partial(out, i), fixed(sweep.adjoint[i], p)))
            .collect();
        lines.push(format!("gradient: {}   (reverse mode)", grad.join(", ")));
    } else {
        lines.push("no inputs: the gradient is empty".to_string());
    }
    for w in &sweep.warnings {
        lines.push(format!("warning: {}", warning_text(ex, trace, w)));
    }
    lines.into_iter().map(|l| n.out(l)).collect()
}

/// The input a seed picks out, if it is a unit vector e_k.
fn unit_seed(seed: &[f64]) -> Option<usize> {
    let nonzero: Vec<usize> = (0..seed.len()).filter(|&i| seed[i] != 0.0).collect();
    match nonzero.as_slice() {
        [k] if seed[*k] == 1.0 => Some(*k),
        _ => None,
    }
}

fn width(s: &str) -> usize {
    s.chars()
        .filter(|c| !('\u{0300}'..='\u{036f}').contains(c))
        .count()
}

fn pad_right(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

fn pad_left(s: &str, w: usize) -> String {
    format!("{}{s}", " ".repeat(w.saturating_sub(width(s))))
}

/// The table as aligned text, as on the lecture slide.
pub fn text(trace: &Trace, sweep: &Sweep, opts: Options) -> String {
    let ex = Explainer::new(trace, sweep, Names::new(trace, opts.style));
    let mut out = String::new();
    if !opts.output_only {
        let cols = ex.names.columns();
        let header = Row {
            label: "row".into(),
            name: "name".into(),
            operation: "operation".into(),
            value: cols[0].into(),
            tangent: cols[1].into(),
            adjoint: cols[2].into(),
            note: String::new(),
        };
        let body = rows(&ex, trace, sweep);
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
            out.push_str(&ex.names.out(line.trim_end().to_string()));
            out.push('\n');
        }
        out.push('\n');
    }
    for l in summary(&ex, trace, sweep) {
        out.push_str(&l);
        out.push('\n');
    }
    if opts.steps {
        for (heading, lines) in step_lines(&ex, trace) {
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
fn step_lines(ex: &Explainer, trace: &Trace) -> Vec<(String, Vec<String>)> {
    let mut forward = Vec::new();
    let mut reverse = Vec::new();
    for st in crate::core::steps::all(trace) {
        let e = ex.explain(st);
        match st.phase {
            crate::core::steps::Phase::Forward => forward.push(e.line()),
            crate::core::steps::Phase::Reverse => {
                reverse.push(e.line());
                if e.terms.len() > 1 {
                    reverse.extend(e.terms.iter().map(|t| format!("  {}", t.partial_rule)));
                }
            }
        }
    }
    vec![
        ("forward sweep:".to_string(), forward),
        ("reverse sweep:".to_string(), reverse),
    ]
}

/// The table as GitHub-flavoured Markdown.
pub fn markdown(trace: &Trace, sweep: &Sweep, opts: Options) -> String {
    let ex = Explainer::new(trace, sweep, Names::new(trace, opts.style));
    let cols = ex.names.columns();
    let mut out = String::new();
    if !opts.output_only {
        let _ = writeln!(
            out,
            "| row | name | operation | {} | {} | {} | note |",
            cols[0], cols[1], cols[2]
        );
        out.push_str("|---|---|---|--:|--:|--:|---|\n");
        for r in rows(&ex, trace, sweep) {
            let cell = |s: &str| s.replace('|', "\\|");
            let _ = writeln!(
                out,
                "| {} | {} | `{}` | {} | {} | {} | {} |",
                r.label,
                cell(&r.name),
                r.operation.replace('`', "'"),
                r.value,
                r.tangent,
                r.adjoint,
                r.note
            );
        }
        out.push('\n');
    }
    for l in summary(&ex, trace, sweep) {
        let _ = writeln!(out, "- {l}");
    }
    if opts.steps {
        for (heading, lines) in step_lines(&ex, trace) {
            let _ = writeln!(out, "\n**{}**\n", heading.trim_end_matches(':'));
            for l in lines {
                let _ = writeln!(out, "1. `{}`", l.trim_start().replace('`', "'"));
            }
        }
    }
    ex.names.out(out)
}

/// The table as a booktabs LaTeX tabular, ready to paste into notes.
pub fn latex(trace: &Trace, sweep: &Sweep, opts: Options) -> String {
    let ex = Explainer::new(trace, sweep, Names::new(trace, opts.style));
    let n = &ex.names;
    let p = n.style.precision;
    let mut out = String::new();
    out.push_str("% requires \\usepackage{booktabs}\n");
    out.push_str("\\begin{tabular}{lllrrr}\n\\toprule\n");
    let (v, d, a) = match n.style.notation {
        crate::core::notation::Notation::Lecture => ("x_i", "d_i", "\\bar{x}_i"),
        crate::core::notation::Notation::Griewank => ("v_i", "\\dot{v}_i", "\\bar{v}_i"),
    };
    let _ = writeln!(
        out,
        "Row & Name & Operation & Value ${v}$ & Derivative ${d}$ & Adjoint ${a}$ \\\\"
    );
    out.push_str("\\midrule\n");
    if !opts.output_only {
        for i in 0..trace.len() {
            let node = &trace.nodes[i];
            let label = tex_symbol(&to_ascii(&n.label(i)));
            let name = node.name.as_deref().map(tex_symbol).unwrap_or_default();
            let op = tex_expr(&to_ascii(&ex.value_text(i, false)));
            let _ = writeln!(
                out,
                "${label}$ & {} & ${op}$ & {} & {} & {} \\\\",
                if name.is_empty() {
                    String::new()
                } else {
                    format!("${name}$")
                },
                tex_num(sweep.value[i], p),
                tex_num(sweep.tangent[i], p),
                tex_num(sweep.adjoint[i], p)
            );
        }
    }
    out.push_str("\\bottomrule\n\\end{tabular}\n");
    for l in summary(&ex, trace, sweep) {
        let _ = writeln!(out, "% {}", to_ascii(&l));
    }
    out
}

fn tex_num(x: f64, p: usize) -> String {
    let s = fixed(x, p);
    match s.as_str() {
        "inf" => "$\\infty$".into(),
        "-inf" => "$-\\infty$".into(),
        "NaN" => "NaN".into(),
        _ => format!("${s}$"),
    }
}

/// A name as TeX: trailing digits become a subscript (x12 → x_{12}).
fn tex_symbol(name: &str) -> String {
    let name = name.replace('_', "");
    let split = name
        .trim_end_matches(|c: char| c.is_ascii_digit() || c == '-')
        .len();
    let (stem, digits) = name.split_at(split);
    let stem = if stem.chars().count() > 1 {
        format!("\\mathit{{{stem}}}")
    } else {
        stem.to_string()
    };
    if digits.is_empty() {
        stem
    } else {
        format!("{stem}_{{{digits}}}")
    }
}

/// An ASCII operation text as TeX math.
fn tex_expr(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String, next_is_paren: bool| {
        if word.is_empty() {
            return;
        }
        let w = std::mem::take(word);
        if next_is_paren {
            let f = match w.as_str() {
                "sin" | "cos" | "tan" | "exp" | "ln" | "tanh" => format!("\\{w}"),
                "sigmoid" => "\\sigma".to_string(),
                "sqrt" => "\\operatorname{sqrt}".to_string(),
                other => format!("\\operatorname{{{other}}}"),
            };
            out.push_str(&f);
        } else if w.chars().all(|c| c.is_ascii_digit() || c == '.') {
            out.push_str(&w);
        } else {
            out.push_str(&tex_symbol(&w));
        }
    };
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() || c == '_' || c == '.' {
            word.push(c);
            continue;
        }
        flush(&mut word, &mut out, c == '(');
        match c {
            '*' => out.push_str(" \\cdot "),
            '^' => {
                out.push_str("^{");
                let mut depth = 0;
                while let Some(&n) = chars.peek() {
                    if n == '(' {
                        depth += 1;
                    } else if n == ')' {
                        depth -= 1;
                    } else if depth == 0 && !(n.is_alphanumeric() || n == '.' || n == '-') {
                        break;
                    }
                    out.push(n);
                    chars.next();
                    if depth == 0 && n == ')' {
                        break;
                    }
                }
                out.push('}');
            }
            '|' => out.push_str("\\lvert "),
            other => out.push(other),
        }
    }
    flush(&mut word, &mut out, false);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tex_conversions() {
        assert_eq!(tex_expr("tanh(x1)"), "\\tanh(x_{1})");
        assert_eq!(tex_expr("2*x0"), "2 \\cdot x_{0}");
        assert_eq!(tex_expr("x4^2"), "x_{4}^{2}");
        assert_eq!(tex_symbol("W0"), "W_{0}");
        assert_eq!(tex_symbol("v-1"), "v_{-1}");
    }
}
