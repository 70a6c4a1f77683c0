//! The computation graph as Graphviz DOT: one node per row (label, name,
//! operation, value), one edge per use; shared rows have several out-edges.

use std::fmt::Write as _;

use super::{Ctx, Options};
use crate::core::sweep::Sweep;
use crate::core::trace::Trace;

fn quote(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

pub fn dot(trace: &Trace, sweep: &Sweep, opts: Options) -> String {
    let c = Ctx::new(trace, sweep, opts);
    let ex = &c.ex;
    let n = &ex.names;
    let mut s = String::from(
        "digraph adtrace {\n  rankdir=TB;\n  node [shape=box, fontname=\"monospace\"];\n",
    );
    for (i, node) in trace.nodes.iter().enumerate() {
        let head = match &node.name {
            Some(name) => format!("{}  {name}", n.label(i)),
            None => n.label(i),
        };
        let op = match ex.value_rule(i) {
            Some(m) => format!("= {}", n.math(&m)),
            None => "input".to_string(),
        };
        let mut attrs = String::new();
        if !node.reaches_output {
            attrs.push_str(", style=dashed");
        }
        if sweep.warnings_at(i).next().is_some() {
            attrs.push_str(", color=orange, penwidth=2");
        }
        if trace.outputs().contains(&i) {
            attrs.push_str(", peripheries=2");
        }
        let value = if c.known(i).value {
            n.num(sweep.value[i])
        } else {
            "?".to_string()
        };
        let label = format!("{}\\n{}\\nvalue {value}", quote(&head), quote(&op));
        let _ = writeln!(s, "  n{i} [label=\"{label}\"{attrs}];");
    }
    // Each vector statement, call, input and output is a cluster.
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
