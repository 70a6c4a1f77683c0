//! The lecture's table as LaTeX that compiles as emitted: a booktabs
//! `tabular` (a `longtable` for a long trace), the summary as a visible
//! note under it (value, directional derivative, gradient, warnings, or
//! where the steps are), the vector and matrix values and the Jacobian as
//! `bmatrix`es, `--steps` as an `align*` of every step's rule at three
//! levels, and `--standalone` as a whole document.
//!
//! The first line names every package the output needs. Rules come as
//! trees from `explain` and are spelled by `notation` (Target::Latex);
//! names by `notation::latex_name`. Must not compute a number or build a
//! rule from rendered text.

use std::fmt::Write as _;

use super::{Ctx, Options};
use crate::core::explain::Rules;
use crate::core::notation::{
    Names, Target, fixed, latex_name, latex_name_or, latex_number, latex_words,
};
use crate::core::ops::math::{Math, Piece, Sym, Text};
use crate::core::schedule::{Phase, Segment};
use crate::core::sweep::{Directions, Mode, Sweep};
use crate::core::trace::Trace;

/// Traces longer than this many rows are set as a `longtable`, which
/// breaks across pages (a `tabular` runs off the page).
pub const LONG_ROWS: usize = 40;

/// The table, its notes and (with `--steps`) the steps, as LaTeX.
pub fn latex(trace: &Trace, sweep: &Sweep, opts: Options) -> String {
    let c = Ctx::new(trace, sweep, opts);
    let long = !opts.output_only && trace.len() > LONG_ROWS;
    let mut packages = vec!["amsmath", "booktabs"];
    if long {
        packages.push("longtable");
    }
    let packages = packages.join(",");
    let mut out = format!("% Needs \\usepackage{{{packages}}} (written by adtrace)\n");
    if opts.standalone {
        let _ = write!(
            out,
            "\\documentclass{{article}}\n\\usepackage{{{packages}}}\n\\begin{{document}}\n"
        );
    }
    if !opts.output_only {
        table(&c, long, &mut out);
    }
    out.push_str("\\begin{flushleft}\\small\n");
    let notes = notes(&c);
    for (k, l) in notes.iter().enumerate() {
        out.push_str(l);
        out.push_str(if k + 1 < notes.len() { "\\\\\n" } else { "\n" });
    }
    out.push_str("\\end{flushleft}\n");
    if c.at.is_none() {
        out.push_str(&shaped(&c));
        jacobian(&c, &mut out);
    }
    if opts.steps {
        steps(&c, &mut out);
    }
    if opts.standalone {
        out.push_str("\\end{document}\n");
    }
    out
}

fn table(c: &Ctx, long: bool, out: &mut String) {
    let (trace, sweep) = (c.trace, c.sweep);
    let n = c.names();
    let p = n.style.precision;
    let [v, d, a] = n.latex_columns();
    let header =
        format!("Row & Name & Operation & Value ${v}$ & Derivative ${d}$ & Adjoint ${a}$ \\\\\n");
    if long {
        out.push_str("\\begin{longtable}{@{}lllrrr@{}}\n\\toprule\n");
        out.push_str(&header);
        out.push_str("\\midrule\n\\endfirsthead\n\\toprule\n");
        out.push_str(&header);
        out.push_str("\\midrule\n\\endhead\n");
        out.push_str(
            "\\midrule\n\\multicolumn{6}{r}{\\small continued on the next page}\\\\\n\\endfoot\n",
        );
        out.push_str("\\bottomrule\n\\endlastfoot\n");
    } else {
        // No paragraph indent: the table lines up with the notes under it.
        out.push_str("\\noindent\\begin{tabular}{@{}lllrrr@{}}\n\\toprule\n");
        out.push_str(&header);
        out.push_str("\\midrule\n");
    }
    for i in 0..trace.len() {
        let k = c.known(i);
        let label = n.latex_label(i);
        let name = trace
            .name(i)
            .map(|s| format!("${}$", latex_name(s)))
            .unwrap_or_default();
        // An input's operation is a word, upright; a rule is math.
        let op = match c.ex.value_rule(i) {
            Some(m) => format!("${}$", n.latex(&m)),
            None => "input".to_string(),
        };
        let cell = |known: bool, x: f64| if known { cell_num(x, p) } else { String::new() };
        let _ = writeln!(
            out,
            "${label}$ & {name} & {op} & {} & {} & {} \\\\",
            cell(k.value, sweep.value[i]),
            cell(k.tangent, sweep.tangent[i]),
            cell(k.adjoint, sweep.adjoint[i])
        );
    }
    if long {
        out.push_str("\\end{longtable}\n");
    } else {
        out.push_str("\\bottomrule\n\\end{tabular}\n");
    }
}

/// `∂f/∂x` inline: a row's symbol over another's.
fn partial(n: &Names, of: usize, wrt: usize) -> String {
    format!(
        "\\partial {}/\\partial {}",
        latex_name_or(n, of),
        latex_name_or(n, wrt)
    )
}

/// `$x = 1$, $y = 0.5$`: the seed direction.
fn seed(c: &Ctx) -> String {
    let n = c.names();
    let parts: Vec<String> = c
        .trace
        .input_names()
        .zip(&c.sweep.seed)
        .filter(|(_, s)| **s != 0.0)
        .map(|(name, s)| format!("${} = {}$", latex_name(name), math_num_trim(*s, n)))
        .collect();
    if parts.is_empty() {
        "$0$".into()
    } else {
        parts.join(", ")
    }
}

/// The summary under the table, one line each: the output, the
/// directional derivative, the gradient, the warnings — or, part way
/// through, where the steps are.
fn notes(c: &Ctx) -> Vec<String> {
    let (trace, sweep) = (c.trace, c.sweep);
    let n = c.names();
    let p = n.style.precision;
    if let Some(k) = c.at {
        let Some(st) = c.schedule.step(k) else {
            return Vec::new();
        };
        return vec![format!(
            "Step {} of {}: {} sweep, row ${}$.",
            st.index + 1,
            c.schedule.count(),
            st.phase.name(),
            n.latex_label(st.row)
        )];
    }
    let mut lines = Vec::new();
    let inputs = trace.n_inputs;
    if trace.n_outputs > 1 {
        let outs: Vec<String> = trace
            .outputs()
            .map(|r| {
                format!(
                    "${} = {}$",
                    latex_name_or(n, r),
                    math_num(sweep.value[r], p)
                )
            })
            .collect();
        lines.push(format!("Outputs: {}.", outs.join(", ")));
        if inputs > 0 {
            let t: Vec<String> = trace
                .outputs()
                .map(|r| {
                    format!(
                        "${} = {}$",
                        n.symbol(Sym::Tan(r as u32), Target::Latex),
                        math_num(sweep.tangent[r], p)
                    )
                })
                .collect();
            lines.push(format!(
                "Along the seed {} (one forward sweep): {}.",
                seed(c),
                t.join(", ")
            ));
        }
        if let Directions::Given(ct) = &sweep.plan.reverse {
            let named: Vec<String> = trace
                .outputs()
                .zip(ct)
                .filter(|(_, v)| **v != 0.0)
                .map(|(r, v)| format!("${} = {}$", latex_name_or(n, r), math_num_trim(*v, n)))
                .collect();
            let bars: Vec<String> = (0..inputs)
                .map(|i| {
                    format!(
                        "${} = {}$",
                        n.symbol(Sym::Adj(i as u32), Target::Latex),
                        math_num(sweep.adjoint[i], p)
                    )
                })
                .collect();
            lines.push(format!(
                "Vector-Jacobian product with the cotangent {} (one reverse sweep): {}.",
                named.join(", "),
                bars.join(", ")
            ));
        }
        let (fwd, rev) = c.costs();
        match c.jacobian() {
            Some(Ok(j)) => lines.push(match j.mode {
                Mode::Forward => format!(
                    "Jacobian by forward mode: {fwd} sweep{}, one per input, each a column (reverse mode would take {rev}, one per output).",
                    plural(fwd)
                ),
                Mode::Reverse => format!(
                    "Jacobian by reverse mode: {rev} sweep{}, one per output, each a row (forward mode would take {fwd}, one per input).",
                    plural(rev)
                ),
            }),
            Some(Err(e)) => lines.push(format!("Jacobian: {}.", latex_words(&e.to_string()))),
            None => lines.push("No inputs: the Jacobian is empty.".into()),
        }
    } else {
        let out = trace.output();
        lines.push(format!(
            "${} = {}$",
            latex_name_or(n, out),
            math_num(sweep.output_value(), p)
        ));
        if inputs > 0 {
            let lhs = match unit_seed(&sweep.seed) {
                Some(k) => partial(n, out, k),
                None => n.symbol(Sym::Tan(out as u32), Target::Latex),
            };
            lines.push(format!(
                "${lhs} = {}$ (forward mode, seed {})",
                math_num(sweep.output_tangent(), p),
                seed(c)
            ));
            let grad: Vec<String> = (0..inputs)
                .map(|i| {
                    format!(
                        "${} = {}$",
                        partial(n, out, i),
                        math_num(sweep.adjoint[i], p)
                    )
                })
                .collect();
            lines.push(format!("Gradient (reverse mode): {}", grad.join(", ")));
        } else {
            lines.push("No inputs: the gradient is empty.".into());
        }
    }
    for w in &sweep.warnings {
        let row = w.row as usize;
        let what = match c.ex.value_rule(row) {
            Some(m) => format!("${} = {}$", n.latex_label(row), n.latex(&m)),
            None => format!(
                "${}$ (input ${}$)",
                n.latex_label(row),
                latex_name_or(n, row)
            ),
        };
        lines.push(format!(
            "Warning: {what}: {}: {}.",
            w.kind.name(),
            latex_words(&w.cause)
        ));
    }
    lines
}

fn plural(k: usize) -> &'static str {
    if k == 1 { "" } else { "s" }
}

/// The input a seed picks out, if it is a unit vector e_k.
fn unit_seed(seed: &[f64]) -> Option<usize> {
    let nonzero: Vec<usize> = (0..seed.len()).filter(|&i| seed[i] != 0.0).collect();
    match nonzero.as_slice() {
        [k] if seed[*k] == 1.0 => Some(*k),
        _ => None,
    }
}

/// The Jacobian of a function with several outputs as a matrix, rows the
/// outputs, columns the inputs.
fn jacobian(c: &Ctx, out: &mut String) {
    let Some(Ok(j)) = c.jacobian() else {
        return;
    };
    let n = c.names();
    let p = n.style.precision;
    let outs: Vec<String> = c.trace.outputs().map(|r| latex_name_or(n, r)).collect();
    let ins: Vec<String> = (0..j.inputs).map(|i| latex_name_or(n, i)).collect();
    let _ = writeln!(
        out,
        "\\[\n\\frac{{\\partial ({})}}{{\\partial ({})}} = \\begin{{bmatrix}}",
        outs.join(", "),
        ins.join(", ")
    );
    for i in 0..j.outputs {
        let cells: Vec<String> = j.row(i).iter().map(|x| math_num(*x, p)).collect();
        let _ = writeln!(out, "{} \\\\", cells.join(" & "));
    }
    out.push_str("\\end{bmatrix}\n\\]\n");
}

/// A vector or matrix as a LaTeX bmatrix (a vector is a column).
fn bmatrix(vals: &[f64], rows: u32, cols: u32, p: usize) -> String {
    let cols = cols.max(1) as usize;
    let lines: Vec<String> = vals
        .chunks(cols)
        .take(rows as usize)
        .map(|r| {
            r.iter()
                .map(|x| math_num(*x, p))
                .collect::<Vec<_>>()
                .join(" & ")
        })
        .collect();
    format!(
        "\\begin{{bmatrix}}\n{}\n\\end{{bmatrix}}",
        lines.join(" \\\\\n")
    )
}

/// A named vector or matrix output, and the gradient of a scalar output
/// with respect to each vector or matrix input, as matrices.
fn shaped(c: &Ctx) -> String {
    let (trace, sweep) = (c.trace, c.sweep);
    let p = c.names().style.precision;
    let mut out = String::new();
    if let Some(s) = &trace.shaped_output
        && !s.tuple
        && !s.name.is_empty()
        && s.len() == trace.n_outputs
    {
        let first = s.first as usize;
        let vals = &sweep.value[first..first + s.len()];
        let _ = write!(
            out,
            "\\[\n{} = {}\n\\]\n",
            latex_name(&s.name),
            bmatrix(vals, s.rows, s.cols, p)
        );
    }
    if trace.n_outputs == 1 {
        let o = latex_name_or(c.names(), trace.output());
        for s in &trace.shaped_inputs {
            let first = s.first as usize;
            let Some(vals) = sweep.adjoint.get(first..first + s.len()) else {
                continue;
            };
            let _ = write!(
                out,
                "\\[\n\\frac{{\\partial {o}}}{{\\partial {}}} = {}\n\\]\n",
                latex_name(&s.name),
                bmatrix(vals, s.rows, s.cols, p)
            );
        }
    }
    out
}

/// Every step done, by sweep, as an `align*` aligned at the first `=`:
/// the general rule (once for a run of steps that share it), the value
/// update (forward), the update with this row's names, and the same with
/// numbers; a shared row's fan-out ledger term by term.
fn steps(c: &Ctx, out: &mut String) {
    let mut body: Vec<String> = Vec::new();
    let mut last: Option<(Phase, usize)> = None;
    let mut last_general = None;
    c.visit_steps(|seg, ex, st| {
        if last != Some((seg.phase, seg.sweep)) {
            body.push(format!("\\intertext{{{}:}}\n", sweep_title(c, seg)));
            last = Some((seg.phase, seg.sweep));
            last_general = None;
        }
        let r: Rules = ex.rules_all(st);
        let n = &ex.names;
        let mut lines = Vec::new();
        if last_general != Some(r.general) {
            lines.extend(aligned(&r.general.text(), n, true));
            last_general = Some(r.general);
        }
        if let Some(v) = &r.value {
            lines.extend(aligned(v, n, false));
        }
        lines.extend(aligned(&r.update, n, false));
        if matches!(r.numbers.0.first(), Some(Piece::Equals)) {
            lines.extend(aligned(&r.numbers, n, false));
        } else if let Some(l) = lines.last_mut() {
            l.push_str(" \\quad ");
            l.push_str(&n.latex_text(&r.numbers));
        }
        if st.phase == Phase::Reverse && r.terms.len() > 1 {
            for t in &r.terms {
                lines.extend(term_lines(&t.rule, n));
            }
        }
        let mut text = format!(
            "% step {}: row {}\n",
            st.index,
            crate::core::notation::to_ascii(&n.label(st.row))
        );
        for (k, l) in lines.iter().enumerate() {
            text.push_str(l);
            text.push_str(if l.starts_with("\\intertext") {
                "\n"
            } else if k + 1 < lines.len() {
                " \\\\\n"
            } else {
                " \\\\[3pt]\n"
            });
        }
        body.push(text);
    });
    if body.is_empty() {
        return;
    }
    let body = body.concat();
    let body = body.trim_end();
    // Long traces: the display may break across pages.
    out.push_str("{\\allowdisplaybreaks\n\\begin{align*}\n");
    out.push_str(body.strip_suffix(" \\\\[3pt]").unwrap_or(body));
    out.push_str("\n\\end{align*}}\n");
}

/// The terms of a sum in runs that fit a line of the page: a fraction
/// takes about as much room as its numerator, so the LaTeX source's
/// length without the commands is a fair measure.
fn pack<'m>(terms: &'m [Math], n: &Names) -> Vec<&'m [Math]> {
    const LINE: usize = 34;
    let width = |m: &Math| {
        let tex = n.latex(m);
        let mut w = 0;
        let mut command = false;
        for ch in tex.chars() {
            match ch {
                '\\' => command = true,
                c if command && c.is_ascii_alphabetic() => {}
                '{' | '}' | '_' | '^' | ' ' => command = false,
                _ => {
                    command = false;
                    w += 1;
                }
            }
        }
        // \frac{a}{b} stacks: count the longer half, roughly.
        if tex.contains("\\frac") { w * 2 / 3 } else { w }
    };
    let mut out = Vec::new();
    let (mut start, mut used) = (0, 0);
    for (k, t) in terms.iter().enumerate() {
        let w = width(t) + 3;
        if k > start && used + w > LINE {
            out.push(&terms[start..k]);
            start = k;
            used = 0;
        }
        used += w;
    }
    out.push(&terms[start..]);
    out
}

/// A text as `align*` lines, aligned at its first `=` (`lhs &= rest`); a
/// sentence as text between the lines. Words after the math go on a line
/// of their own, and a long sum is set over several lines (`pack`), so
/// that a line fits the page. A general rule (`rule`)
/// goes after the alignment point whole: its left side would widen the
/// column of symbols.
fn aligned(t: &Text, n: &Names, rule: bool) -> Vec<String> {
    let equals = t.0.iter().position(|p| matches!(p, Piece::Equals));
    let (Some(k), false) = (equals, matches!(t.0.first(), Some(Piece::Words(_)))) else {
        // A sentence: set as text between the lines, where it can wrap.
        let mut line = String::from("\\intertext{");
        for p in &t.0 {
            match p {
                Piece::Math(m) => {
                    let _ = write!(line, "${}$", n.latex(m));
                }
                Piece::Equals => line.push_str(" $=$ "),
                Piece::Words(w) => line.push_str(&latex_words(w)),
            }
        }
        line.push('}');
        return vec![line];
    };
    let lhs = n.latex_text(&Text(t.0[..k].to_vec()));
    let head = if rule {
        format!("&\\text{{rule: }} {lhs} = ")
    } else {
        format!("{lhs} &= ")
    };
    let mut rest: Vec<Piece> = t.0[k + 1..].to_vec();
    let tail = rest
        .iter()
        .position(|p| matches!(p, Piece::Words(_)))
        .filter(|&w| w > 0)
        .map(|w| {
            let mut tail = rest.split_off(w);
            // ", summed over …" on a line of its own reads "summed over …".
            if let Some(Piece::Words(words)) = tail.first_mut()
                && let Some(t) = words.strip_prefix(", ")
            {
                *words = t.to_string().into();
            }
            tail
        });
    let mut lines = Vec::new();
    match rest.first() {
        Some(Piece::Math(Math::Sum(terms))) if terms.len() > 1 => {
            let after = n.latex_text(&Text(rest[1..].to_vec()));
            let chunks = pack(terms, n);
            for (i, ch) in chunks.iter().enumerate() {
                let s = n.latex(&Math::Sum(ch.to_vec()));
                let end = if i + 1 == chunks.len() {
                    after.as_str()
                } else {
                    ""
                };
                if i == 0 {
                    lines.push(format!("{head}{s}{end}"));
                } else if s.starts_with('-') {
                    lines.push(format!("&\\quad {s}{end}"));
                } else {
                    lines.push(format!("&\\quad + {s}{end}"));
                }
            }
        }
        _ => lines.push(format!("{head}{}", n.latex_text(&Text(rest)))),
    }
    if let Some(tail) = tail {
        let words: usize = tail
            .iter()
            .map(|p| match p {
                Piece::Words(w) => w.chars().count(),
                _ => 4,
            })
            .sum();
        // A short remark stays in the column; a long one would overflow it.
        if words > 48 {
            lines.push(note_line(&tail, n));
        } else {
            lines.push(format!("&\\quad {}", n.latex_text(&Text(tail))));
        }
    }
    lines
}

/// A reverse step's line for one consumer's partial. A note after the
/// formula (a domain or convention remark) goes on a line of its own, as
/// text that wraps when it is long: beside the fraction it overflows the page.
fn term_lines(rule: &Text, n: &Names) -> Vec<String> {
    let w = rule
        .0
        .iter()
        .position(|p| matches!(p, Piece::Words(_)))
        .filter(|&w| w > 0);
    let Some(w) = w else {
        return vec![format!("&\\quad {}", n.latex_text(rule))];
    };
    vec![
        format!("&\\quad {}", n.latex_text(&Text(rule.0[..w].to_vec()))),
        note_line(&rule.0[w..], n),
    ]
}

/// A remark after a formula, set as text between the display's lines,
/// indented and small, where it can wrap.
fn note_line(pieces: &[Piece], n: &Names) -> String {
    let mut tail = String::new();
    for p in pieces {
        match p {
            Piece::Math(m) => {
                let _ = write!(tail, "${}$", n.latex(m));
            }
            Piece::Equals => tail.push_str(" $=$ "),
            Piece::Words(s) => tail.push_str(&latex_words(s.trim_start_matches([' ', ',']))),
        }
    }
    format!("\\intertext{{\\hspace*{{2em}}\\small {tail}}}")
}

/// `Forward sweep`, `Reverse sweep 2 of 3 (cotangent $f_{2} = 1$)`.
fn sweep_title(c: &Ctx, seg: &Segment) -> String {
    let phase = match seg.phase {
        Phase::Forward => "Forward",
        Phase::Reverse => "Reverse",
    };
    let count = c.schedule.sweeps(seg.phase);
    if count <= 1 {
        return format!("{phase} sweep");
    }
    let n = c.names();
    let dir = match seg.phase {
        Phase::Forward => {
            let d = c.sweep.plan.forward.get(seg.sweep, c.trace.n_inputs);
            let k = d.iter().position(|&x| x != 0.0).unwrap_or(0);
            format!("seed ${} = 1$", latex_name_or(n, k))
        }
        Phase::Reverse => {
            let d = c.sweep.plan.reverse.get(seg.sweep, c.trace.n_outputs);
            let k = d.iter().position(|&x| x != 0.0).unwrap_or(0);
            let r = c.trace.outputs().start + k;
            format!("cotangent ${} = 1$", latex_name_or(n, r))
        }
    };
    format!("{phase} sweep {} of {count} ({dir})", seg.sweep + 1)
}

/// A number inside math mode, at the table's precision.
pub(super) fn math_num(x: f64, p: usize) -> String {
    latex_number(&fixed(x, p))
}

/// A number inside math mode, trimmed (a seed or a cotangent: `1`, `0.5`).
fn math_num_trim(x: f64, n: &Names) -> String {
    latex_number(&n.num(x))
}

/// A table cell: the number in math.
fn cell_num(x: f64, p: usize) -> String {
    format!("${}$", math_num(x, p))
}
