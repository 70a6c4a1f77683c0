//! The computation graph as Graphviz DOT, drawn as the lecture's figures:
//! the forward picture (each node's value and tangent, the local partial
//! ∂xⱼ/∂xᵢ on each edge) or the reverse picture (each node's value and
//! adjoint, the same partials on edges drawn the way adjoints flow, from a
//! row back to its operands). One edge per use (`x*x` draws two), the
//! inputs on one rank, vector statements and calls as clusters, a legend;
//! at a step, what the sweeps have not reached is `?` and the step's row
//! and its edges are highlighted.
//!
//! Numbers are the sweep's, symbols the notation's. Must not compute a
//! derivative, and must not decide what is known at a step (`schedule`
//! does).

use std::fmt::Write as _;

use super::{Ctx, Options};
use crate::core::explain::Phase;
use crate::core::ops::Op;
use crate::core::sweep::Sweep;
use crate::core::trace::Trace;

fn quote(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// The fill of the step's row.
const ACTIVE: &str = "#fff3b0";

/// Which picture: the sweep asked for, else that of the step shown, else
/// the forward one.
fn phase(c: &Ctx, opts: Options) -> Phase {
    opts.sweep
        .or_else(|| c.at.and_then(|k| c.schedule.step(k)).map(|s| s.phase))
        .unwrap_or(Phase::Forward)
}

pub fn dot(trace: &Trace, sweep: &Sweep, opts: Options) -> String {
    let c = Ctx::new(trace, sweep, opts);
    let ex = &c.ex;
    let n = &ex.names;
    let phase = phase(&c, opts);
    // The step's row, when the step shown is in the picture's sweep.
    let active =
        c.at.and_then(|k| c.schedule.step(k))
            .filter(|st| st.phase == phase)
            .map(|st| st.row);
    let title = match phase {
        Phase::Forward => "forward sweep: values and tangents; edges: local partials",
        Phase::Reverse => {
            "reverse sweep: adjoints; edges: local partials, arrows the way adjoints flow"
        }
    };
    let mut s = String::from("digraph adtrace {\n  rankdir=TB;\n");
    let _ = writeln!(
        s,
        "  label=\"{}\";\n  labelloc=t;\n  node [shape=box, fontname=\"monospace\"];\n  edge [fontname=\"monospace\", fontsize=10];",
        quote(title)
    );
    for (i, node) in trace.nodes.iter().enumerate() {
        let head = match trace.name(i) {
            Some(_) if n.sym(i) != n.label(i) => format!("{}  {}", n.label(i), n.sym(i)),
            _ => n.label(i),
        };
        let op = match ex.value_rule(i) {
            Some(m) => format!("= {}", n.math(&m)),
            None => "input".to_string(),
        };
        let k = c.known(i);
        let show = |known: bool, x: f64| if known { n.num(x) } else { "?".into() };
        let mut lines = vec![
            head,
            op,
            format!("{} = {}", n.sym(i), show(k.value, sweep.value[i])),
        ];
        match phase {
            Phase::Forward => lines.push(format!(
                "{} = {}",
                n.tangent(i),
                show(k.tangent, sweep.tangent[i])
            )),
            Phase::Reverse => lines.push(format!(
                "{} = {}",
                n.adjoint(i),
                show(k.adjoint, sweep.adjoint[i])
            )),
        }
        let mut attrs = String::new();
        let mut styles: Vec<&str> = Vec::new();
        if !node.reaches_output {
            styles.push("dashed");
        }
        if active == Some(i) {
            styles.push("filled");
            styles.push("bold");
            let _ = write!(attrs, ", fillcolor=\"{ACTIVE}\"");
        }
        if !styles.is_empty() {
            let _ = write!(attrs, ", style=\"{}\"", styles.join(","));
        }
        if sweep.warnings_at(i).next().is_some() {
            attrs.push_str(", color=orange, penwidth=2");
        }
        if trace.outputs().contains(&i) {
            attrs.push_str(", peripheries=2");
        }
        let label: Vec<String> = lines.iter().map(|l| quote(l)).collect();
        let _ = writeln!(s, "  n{i} [label=\"{}\"{attrs}];", label.join("\\n"));
    }
    // The inputs side by side at the top.
    if trace.n_inputs > 1 {
        let ins: Vec<String> = (0..trace.n_inputs).map(|i| format!("n{i};")).collect();
        let _ = writeln!(s, "  {{ rank=same; {} }}", ins.join(" "));
    }
    clusters(trace, &mut s);
    // One edge per use: an operand used twice (x*x) has two edges, each
    // with the partial of its own slot.
    for (j, node) in trace.nodes.iter().enumerate() {
        if node.op == Op::Input {
            continue;
        }
        let rows: Vec<(usize, u32)> = (0..2)
            .filter_map(|k| node.row_arg(k).map(|r| (k, r)))
            .collect();
        for &(k, i) in &rows {
            let i = i as usize;
            let uses = rows.iter().filter(|(_, r)| *r as usize == i).count();
            let symbol = n.partial(j, i);
            let symbol = if uses > 1 {
                format!("{symbol}, use {}", k + 1)
            } else {
                symbol
            };
            // The partials are known once the row's value is.
            let value = if c.known(j).value {
                n.num(sweep.partial[j][k])
            } else {
                "?".into()
            };
            let mut attrs = format!("label=\"{} = {value}\"", quote(&symbol));
            let lit = match phase {
                Phase::Forward => active == Some(j),
                Phase::Reverse => active == Some(i),
            };
            if lit {
                attrs.push_str(", penwidth=2.5, color=\"#b8860b\"");
            }
            if phase == Phase::Reverse {
                // Drawn from the operand down to the row that uses it, as in
                // the forward picture, with the arrow head at the operand:
                // the adjoint flows from the row back to it.
                attrs.push_str(", dir=back");
            }
            let _ = writeln!(s, "  n{i} -> n{j} [{attrs}];");
        }
    }
    legend(phase, &mut s);
    s.push_str("}\n");
    n.out(s)
}

/// Each vector statement, call, input and output is a cluster.
fn clusters(trace: &Trace, s: &mut String) {
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); trace.groups.len()];
    for (r, rg) in trace.row_group.iter().enumerate() {
        if let Some(m) = members.get_mut(rg.group as usize) {
            m.push(r);
        }
    }
    for (g, (group, rows)) in trace.groups.iter().zip(members).enumerate() {
        if rows.is_empty() {
            continue;
        }
        let shape = crate::core::trace::shape_text(group.rows, group.cols);
        let name = if group.name.is_empty() {
            "output"
        } else {
            &group.name
        };
        let _ = writeln!(
            s,
            "  subgraph cluster_{g} {{\n    label=\"{} ({shape})\";\n    style=rounded;",
            quote(name)
        );
        for r in rows {
            let _ = writeln!(s, "    n{r};");
        }
        s.push_str("  }\n");
    }
}

/// What the borders, fills and edges mean.
fn legend(phase: Phase, s: &mut String) {
    let edges = match phase {
        Phase::Forward => "edge xᵢ → xⱼ: the local partial ∂xⱼ/∂xᵢ (one edge per use)",
        Phase::Reverse => "edge xⱼ → xᵢ: x̄ⱼ flows back to xᵢ, times the local partial ∂xⱼ/∂xᵢ",
    };
    let lines = [
        "legend",
        "double border: an output",
        "dashed: not used by the output",
        "orange border: a warning",
        "yellow fill: the step shown",
        "? : not computed yet at that step",
        edges,
    ];
    let label: String = lines.iter().map(|l| format!("{}\\l", quote(l))).collect();
    let _ = writeln!(
        s,
        "  subgraph cluster_legend {{\n    label=\"\";\n    style=dotted;\n    legend [shape=note, label=\"{label}\"];\n  }}"
    );
}
