//! Expression swell as text: f and its derivative written out by the
//! symbolic chain rule with no sharing, their sizes in operations, beside
//! the trace's rows and the cost of the two sweeps.
//!
//! A function of `core::symbolic::Swell` and the style. Must not compute
//! anything but layout.

use std::fmt::Write as _;

use crate::core::notation::{Names, Style};
use crate::core::sweep::Sweep;
use crate::core::symbolic::{Swell, WRITE_CAP};
use crate::core::trace::Trace;

/// A count: `1,234`, or `1.2e+45` when it is astronomically large.
fn count(x: f64) -> String {
    if x < 1e15 {
        let s = format!("{}", x as u64);
        let mut out = String::new();
        for (k, c) in s.chars().enumerate() {
            if k > 0 && (s.len() - k) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        out
    } else {
        super::fd::sci(x, 1)
    }
}

/// What the derivative is of: `∂f/∂x` for a unit seed, else the
/// directional derivative along it.
fn what(trace: &Trace, sweep: &Sweep, names: &Names) -> String {
    let out = trace.outputs().start.min(trace.len().saturating_sub(1));
    let f = names.sym(out);
    let nz: Vec<usize> = (0..sweep.seed.len())
        .filter(|&i| sweep.seed[i] != 0.0)
        .collect();
    match nz.as_slice() {
        [i] if sweep.seed[*i] == 1.0 => format!("∂{f}/∂{}", names.sym(*i)),
        _ => format!("the derivative of {f} along the seed"),
    }
}

pub fn symbolic_text(trace: &Trace, sweep: &Sweep, s: &Swell, style: Style) -> String {
    let names = Names::new(trace, style);
    let d = what(trace, sweep, &names);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "expression swell: {d} by the symbolic chain rule, written out with no sharing"
    );
    let too_big = |ops: f64| {
        format!(
            "({} operations: too large to write out — over {} — so counted row by row without building it)",
            count(ops),
            count(WRITE_CAP)
        )
    };
    let f = trace.outputs().start.min(trace.len().saturating_sub(1));
    match &s.function {
        Some(m) => {
            let _ = writeln!(
                out,
                "  {} = {}   ({} operations)",
                names.sym(f),
                names.math(m),
                count(s.function_ops)
            );
        }
        None => {
            let _ = writeln!(out, "  {} {}", names.sym(f), too_big(s.function_ops));
        }
    }
    match &s.derivative {
        Some(m) => {
            let _ = writeln!(
                out,
                "  {d} = {}   ({} operations)",
                names.math(m),
                count(s.derivative_ops)
            );
        }
        None => {
            let _ = writeln!(out, "  {d} {}", too_big(s.derivative_ops));
        }
    }
    let many = |n: usize, what: &str| {
        format!(
            "{} {what}{}",
            count(n as f64),
            if n == 1 { "" } else { "s" }
        )
    };
    let _ = writeln!(
        out,
        "the trace shares what the formula repeats: {} ({}, {}); one forward sweep takes about {} operations (values, partials, a multiply-add per edge), one reverse sweep {} — {} in all, against {} written out.",
        many(s.rows, "row"),
        many(s.operations, "operation"),
        many(s.edges, "edge"),
        count(s.forward_cost() as f64),
        count(s.reverse_cost() as f64),
        count((s.forward_cost() + s.reverse_cost()) as f64),
        count(s.derivative_ops)
    );
    names.out(out)
}
