//! The tape (Wengert list) reverse mode records: the values-only forward
//! pass, one record per operation with the intermediates it keeps (the
//! value and the local partials the reverse sweep reads), and its memory —
//! "reverse mode = record, then sweep back" (`--format tape`).
//!
//! A function of (trace, sweep, style). Must not compute: the numbers are
//! the sweep's; the sizes are those of adtrace's own arrays.

use std::fmt::Write as _;

use crate::core::notation::{Names, Style, num};
use crate::core::ops::Op;
use crate::core::sweep::Sweep;
use crate::core::trace::{Node, Operand, Trace};

/// Bytes kept per record: the row (operation and operands), its value and
/// its two local partials.
pub fn record_bytes() -> (usize, usize, usize) {
    (std::mem::size_of::<Node>(), 8, 16)
}

/// The tape's memory in words: the records, and the constant operands the
/// rows keep beside them (8 bytes each), with the total.
pub fn memory_text(trace: &Trace) -> String {
    let (row, value, partials) = record_bytes();
    let n = trace.len();
    let k = trace.constant_operands();
    let total = n * (row + value + partials) + 8 * k;
    let consts = match k {
        0 => String::new(),
        1 => " + 1 constant operand × 8 bytes".to_string(),
        k => format!(" + {k} constant operands × 8 bytes"),
    };
    format!(
        "{n} records × ({row} bytes for the operation and its operands + {value} for the value + {partials} for the two partials){consts} = {total} bytes"
    )
}

/// Tape lines for `rows` (a window for the TUI, or all).
pub fn tape_rows(
    trace: &Trace,
    sweep: &Sweep,
    names: &Names,
    rows: std::ops::Range<usize>,
) -> Vec<String> {
    let p = names.style.precision;
    let mut out = Vec::new();
    for i in rows {
        let node = &trace.nodes[i];
        let label = names.label(i);
        let args = trace.args(i);
        let operands: Vec<String> = args
            .iter()
            .filter_map(|a| match a {
                Operand::Row(r) => Some(names.label(*r as usize)),
                Operand::Const(c) => Some(num(*c, p)),
                Operand::None => None,
            })
            .collect();
        let rec = if node.op == Op::Input {
            "input".to_string()
        } else {
            format!("{}({})", node.op.name(), operands.join(", "))
        };
        let partials: Vec<String> = args
            .iter()
            .enumerate()
            .filter_map(|(k, a)| {
                a.row().map(|r| {
                    format!(
                        "∂{label}/∂{} = {}",
                        names.label(r as usize),
                        num(sweep.partial[i][k], p)
                    )
                })
            })
            .collect();
        out.push(format!(
            "{label:>6}  {rec:<24} value {:<12} {}",
            num(sweep.value[i], p),
            partials.join(", ")
        ));
    }
    out
}

/// `--format tape`.
pub fn tape(trace: &Trace, sweep: &Sweep, style: Style) -> String {
    let names = Names::new(trace, style);
    let n = trace.len();
    let mut out = String::from(
        "the tape (Wengert list) of reverse mode: the forward pass runs once, values only, and records each operation with what the reverse sweep will read\n\n",
    );
    for l in tape_rows(trace, sweep, &names, 0..n) {
        out.push_str(l.trim_end());
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "\nmemory: {}, kept until the reverse sweep has read them; then one adjoint of 8 bytes per row.",
        memory_text(trace)
    );
    let _ = writeln!(
        out,
        "the reverse sweep reads the tape backwards, from {} to {}: each record's adjoint times its stored partials is added to its operands' adjoints (no value is recomputed). Forward mode keeps nothing: each row's value and tangent are used and can be dropped.",
        names.label(n.saturating_sub(1)),
        names.label(0)
    );
    names.out(out)
}
