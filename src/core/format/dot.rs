//! The computation graph as Graphviz DOT: one node per row (label, name,
//! operation, value), one edge per use; shared rows have several out-edges.

use std::fmt::Write as _;

use super::Options;
use crate::core::notation::Names;
use crate::core::steps::Explainer;
use crate::core::sweep::Sweep;
use crate::core::trace::Trace;

fn quote(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

pub fn dot(trace: &Trace, sweep: &Sweep, opts: Options) -> String {
    let ex = Explainer::new(trace, sweep, Names::new(trace, opts.style));
    let n = &ex.names;
    let mut s = String::from(
        "digraph adtrace {\n  rankdir=TB;\n  node [shape=box, fontname=\"monospace\"];\n",
    );
    for (i, node) in trace.nodes.iter().enumerate() {
        let head = match &node.name {
            Some(name) => format!("{}  {name}", n.label(i)),
            None => n.label(i),
        };
        let op = if node.op == crate::core::ops::Op::Input {
            "input".to_string()
        } else {
            format!("= {}", ex.value_text(i, false))
        };
        let mut attrs = String::new();
        if !node.reaches_output {
            attrs.push_str(", style=dashed");
        }
        if sweep.warnings_at(i).next().is_some() {
            attrs.push_str(", color=orange, penwidth=2");
        }
        if i == trace.output() {
            attrs.push_str(", peripheries=2");
        }
        let label = format!(
            "{}\\n{}\\nvalue {}",
            quote(&head),
            quote(&op),
            n.num(sweep.value[i])
        );
        let _ = writeln!(s, "  n{i} [label=\"{label}\"{attrs}];");
    }
    for (j, node) in trace.nodes.iter().enumerate() {
        let mut seen = Vec::new();
        for a in node.row_args() {
            if !seen.contains(&a) {
                seen.push(a);
                let _ = writeln!(s, "  n{a} -> n{j};");
            }
        }
    }
    s.push_str("}\n");
    n.out(s)
}
