//! The trace as one JSON object: a public interface for autograders.
//!
//! Schema (stable; documented in README.md, and as a JSON Schema in
//! `docs/eval.schema.json`, which the tests validate every output against):
//! `{"schema": 1, "inputs", "point", "seed", "output": {"name", "value", "tangent",
//! "gradient"}, "nodes": [{"index", "label", "name", "op", "args",
//! "constants", "value", "tangent", "adjoint", "partials",
//! "reaches_output", "depends_on_seed"}], "steps": [{"index", "phase",
//! "node", "text", "general", "symbolic", "numeric", "terms"}],
//! "warnings": [{"node", "kind", "message"}], "notation", "cse"}`.
//! Non-finite numbers are the strings "NaN", "Infinity", "-Infinity".
//! Written by hand: the format is small and this keeps the build light.

use std::fmt::Write as _;

use super::{Ctx, Options};
use crate::core::schedule::Phase;
use crate::core::sweep::Sweep;
use crate::core::trace::{Operand, Trace};

/// The version of the JSON interface (`docs/eval.schema.json`): fields are
/// only ever added; a change that would break a reader raises it.
pub const SCHEMA: u32 = 1;

/// A JSON number, or one of the three strings for non-finite values.
pub fn number(x: f64) -> String {
    if x.is_nan() {
        "\"NaN\"".to_string()
    } else if x == f64::INFINITY {
        "\"Infinity\"".to_string()
    } else if x == f64::NEG_INFINITY {
        "\"-Infinity\"".to_string()
    } else if x == 0.0 {
        // -0 is a valid JSON number but surprises readers.
        "0".to_string()
    } else if x.abs() >= 1e16 || x.abs() < 1e-4 {
        // An exponent, as Python and JavaScript write such numbers: 1e300
        // is not a 301-digit integer literal. Still the shortest form that
        // parses back to the same f64.
        format!("{x:e}")
    } else {
        // Rust's shortest round-trip formatting: parses back to the same f64.
        format!("{x}")
    }
}

/// A JSON string literal.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_string(&mut out, s);
    out
}

fn object<'a>(pairs: impl IntoIterator<Item = (&'a str, String)>) -> String {
    let body: Vec<String> = pairs
        .into_iter()
        .map(|(k, v)| format!("{}: {v}", string(k)))
        .collect();
    format!("{{{}}}", body.join(", "))
}

fn named_numbers<'a>(names: impl Iterator<Item = &'a str>, values: &[f64]) -> String {
    object(names.zip(values).map(|(n, v)| (n, number(*v))))
}

/// `{"name": "z", "index": [2]}` (1-based, `[i, j]` in a matrix; no index
/// for a row the statement computed on the way).
fn group(g: &crate::core::trace::Group, index: Option<u32>) -> String {
    let mut fields = vec![("name", string(&g.name))];
    if let Some(k) = index {
        let (i, j) = (k / g.cols + 1, k % g.cols + 1);
        let idx = if g.cols == 1 {
            format!("[{i}]")
        } else if g.rows == 1 {
            format!("[{j}]")
        } else {
            format!("[{i}, {j}]")
        };
        fields.push(("index", idx));
    }
    object(fields)
}

/// The fields of a program with vectors or several outputs: every output,
/// the Jacobian, and the sweeps each mode needs.
fn shaped_fields(c: &Ctx, s: &mut String) {
    let (trace, sweep) = (c.trace, c.sweep);
    let n = c.names();
    let outputs: Vec<String> = trace
        .outputs()
        .map(|r| {
            object([
                ("name", string(&n.sym(r))),
                ("value", number(sweep.value[r])),
                ("tangent", number(sweep.tangent[r])),
            ])
        })
        .collect();
    let _ = write!(s, ", \"outputs\": [{}]", outputs.join(", "));
    let (fwd, rev) = c.costs();
    let _ = write!(
        s,
        ", \"sweeps\": {}",
        object([
            ("forward", fwd.to_string()),
            ("reverse", rev.to_string()),
            ("mode", string(sweep.plan.mode.name())),
        ])
    );
    if let crate::core::sweep::Directions::Given(ct) = &sweep.plan.reverse
        && trace.n_outputs > 1
    {
        let names: Vec<String> = trace.outputs().map(|r| n.sym(r)).collect();
        let _ = write!(
            s,
            ", \"cotangent\": {}",
            named_numbers(names.iter().map(String::as_str), ct)
        );
    }
    match c.jacobian() {
        Some(Ok(j)) => {
            let names = |r: std::ops::Range<usize>| -> String {
                let v: Vec<String> = r.map(|i| string(&n.sym(i))).collect();
                format!("[{}]", v.join(", "))
            };
            let rows: Vec<String> = (0..j.outputs)
                .map(|i| {
                    let v: Vec<String> = j.row(i).iter().map(|x| number(*x)).collect();
                    format!("[{}]", v.join(", "))
                })
                .collect();
            let _ = write!(
                s,
                ", \"jacobian\": {}",
                object([
                    ("outputs", names(trace.outputs())),
                    ("inputs", names(0..trace.n_inputs)),
                    ("rows", format!("[{}]", rows.join(", "))),
                    ("mode", string(j.mode.name())),
                ])
            );
        }
        Some(Err(e)) => {
            let _ = write!(
                s,
                ", \"jacobian\": {}",
                object([("error", string(&e.to_string()))])
            );
        }
        None => {}
    }
}

/// The JSON text, written straight into a buffer that goes to `out` each
/// time it fills: the output of a million-row trace is never held whole.
struct Out<'w> {
    buf: String,
    out: &'w mut dyn std::io::Write,
}

impl Out<'_> {
    const FLUSH_AT: usize = 1 << 16;

    fn s(&mut self, text: &str) -> &mut Self {
        self.buf.push_str(text);
        self
    }

    /// A key and the start of its value: `, "key": ` (no comma first).
    fn key(&mut self, k: &str, first: bool) -> &mut Self {
        if !first {
            self.buf.push_str(", ");
        }
        self.buf.push('"');
        self.buf.push_str(k);
        self.buf.push_str("\": ");
        self
    }

    fn num(&mut self, x: f64) -> &mut Self {
        if x.is_finite() && x != 0.0 && x.abs() < 1e16 && x.abs() >= 1e-4 {
            let _ = write!(self.buf, "{x}");
        } else {
            self.buf.push_str(&number(x));
        }
        self
    }

    fn known(&mut self, known: bool, x: f64) -> &mut Self {
        if known { self.num(x) } else { self.s("null") }
    }

    fn int(&mut self, i: usize) -> &mut Self {
        let _ = write!(self.buf, "{i}");
        self
    }

    fn str(&mut self, text: &str) -> &mut Self {
        push_string(&mut self.buf, text);
        self
    }

    fn flush(&mut self, force: bool) -> std::io::Result<()> {
        if force || self.buf.len() >= Self::FLUSH_AT {
            self.out.write_all(self.buf.as_bytes())?;
            self.buf.clear();
        }
        Ok(())
    }
}

/// A JSON string literal, appended. Beyond what JSON requires, every
/// character that must not reach a terminal raw (`visible::hidden`: DEL,
/// C1 controls, bidi overrides, zero-width characters) is written as its
/// `\uXXXX` escape, so the JSON on a terminal is as safe as the text.
fn push_string(out: &mut String, s: &str) {
    out.push('"');
    let mut rest = s;
    // Copy runs that need no escape in one go.
    while let Some((i, c)) = rest
        .char_indices()
        .find(|&(_, c)| c == '"' || c == '\\' || c < ' ' || crate::core::visible::hidden(c))
    {
        out.push_str(&rest[..i]);
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
        }
        rest = &rest[i + c.len_utf8()..];
    }
    out.push_str(rest);
    out.push('"');
}

/// The whole JSON text as a string (tests, the REPL's `:export`).
pub fn json(trace: &Trace, sweep: &Sweep, opts: Options) -> String {
    let mut bytes = Vec::new();
    // Writing into memory cannot fail.
    let _ = write_json(trace, sweep, opts, &mut bytes);
    String::from_utf8(bytes).unwrap_or_default()
}

/// The JSON text, streamed to `out`.
pub fn write_json(
    trace: &Trace,
    sweep: &Sweep,
    opts: Options,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let c = Ctx::new(trace, sweep, opts);
    let ex = &c.ex;
    let n = &ex.names;
    // The first output (the only one of a scalar program).
    let out_row = trace.outputs().start;
    let inputs: Vec<String> = trace.input_names().map(string).collect();
    let mut s = String::new();
    s.push('{');
    let _ = write!(
        s,
        "\"schema\": {SCHEMA}, \"inputs\": [{}]",
        inputs.join(", ")
    );
    let _ = write!(
        s,
        ", \"point\": {}",
        named_numbers(trace.input_names(), &sweep.point)
    );
    let _ = write!(
        s,
        ", \"seed\": {}",
        named_numbers(trace.input_names(), &sweep.seed)
    );
    let output = object([
        ("name", string(&n.sym(out_row))),
        (
            "value",
            number(sweep.value.get(out_row).copied().unwrap_or(f64::NAN)),
        ),
        (
            "tangent",
            number(sweep.tangent.get(out_row).copied().unwrap_or(f64::NAN)),
        ),
        (
            "gradient",
            named_numbers(trace.input_names(), sweep.gradient()),
        ),
    ]);
    let _ = write!(s, ", \"output\": {output}");
    let _ = write!(s, ", \"notation\": {}", string(n.style.notation.name()));
    let _ = write!(s, ", \"cse\": {}", trace.cse);
    if let Some(k) = c.at {
        let _ = write!(s, ", \"step\": {k}");
    }
    if c.shaped() {
        shaped_fields(&c, &mut s);
    }
    let mut w = Out { buf: s, out };
    if !opts.output_only {
        w.s(", \"nodes\": [");
        for (i, node) in trace.nodes.iter().enumerate() {
            if i > 0 {
                w.s(", ");
            }
            let k = c.known(i);
            w.s("{").key("index", true).int(i);
            w.key("label", false).str(&n.label(i));
            w.key("name", false).str(&n.sym(i));
            w.key("op", false).str(node.op.name());
            w.key("args", false).s("[");
            for (j, a) in node.row_args().enumerate() {
                if j > 0 {
                    w.s(", ");
                }
                w.int(a as usize);
            }
            w.s("]").key("constants", false).s("[");
            let mut first = true;
            for a in &node.args() {
                if let Operand::Const(x) = a {
                    if !first {
                        w.s(", ");
                    }
                    first = false;
                    w.num(*x);
                }
            }
            w.s("]").key("expr", false).str(&ex.op_text(i));
            w.key("value", false).known(k.value, sweep.value[i]);
            w.key("tangent", false).known(k.tangent, sweep.tangent[i]);
            w.key("adjoint", false).known(k.adjoint, sweep.adjoint[i]);
            w.key("partials", false).s("[");
            let mut first = true;
            for (a, p) in node.args().iter().zip(sweep.partial[i]) {
                if a.row().is_some() {
                    if !first {
                        w.s(", ");
                    }
                    first = false;
                    w.num(p);
                }
            }
            w.s("]").key("reaches_output", false);
            w.s(if node.reaches_output { "true" } else { "false" });
            w.key("depends_on_seed", false);
            w.s(if sweep.seeded[i] { "true" } else { "false" });
            if let Some((g, index)) = trace.group_of(i) {
                w.key("group", false).s(&group(g, index));
            }
            w.s("}");
            w.flush(false)?;
        }
        w.s("], \"steps\": [");
        let mut first = true;
        let mut result = Ok(());
        c.visit_steps(|seg, ex, st| {
            if result.is_err() {
                return;
            }
            if !first {
                w.s(", ");
            }
            first = false;
            w.s("{").key("index", true).int(st.index);
            w.key("phase", false).str(st.phase.name());
            w.key("node", false).int(st.row);
            if !opts.bare_steps {
                // Exports carry every consumer, however many.
                let e = ex.explain_all(st);
                w.key("text", false).str(&e.line());
                w.key("general", false).str(&e.general);
                w.key("symbolic", false).str(&e.symbolic);
                w.key("numeric", false).str(&e.numeric);
                if st.phase == Phase::Reverse {
                    w.key("terms", false).s("[");
                    for (j, t) in e.terms.iter().enumerate() {
                        if j > 0 {
                            w.s(", ");
                        }
                        w.s("{").key("node", true).int(t.consumer);
                        w.key("adjoint", false).num(t.adjoint);
                        w.key("partial", false).num(t.partial);
                        w.key("rule", false).str(&t.partial_rule);
                        w.s("}");
                    }
                    w.s("]");
                }
            }
            if c.schedule.sweeps(seg.phase) > 1 {
                w.key("sweep", false).int(seg.sweep);
            }
            w.s("}");
            result = w.flush(false);
        });
        result?;
        w.s("]");
    }
    w.s(", \"warnings\": [");
    for (j, wn) in sweep.warnings.iter().enumerate() {
        if j > 0 {
            w.s(", ");
        }
        w.s("{").key("node", true).int(wn.row as usize);
        w.key("kind", false).str(wn.kind.name());
        w.key("message", false).str(&ex.warning(wn));
        w.s("}");
        w.flush(false)?;
    }
    w.s("]}\n");
    w.flush(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_strings() {
        assert_eq!(number(f64::NAN), "\"NaN\"");
        assert_eq!(number(f64::NEG_INFINITY), "\"-Infinity\"");
        assert_eq!(number(0.1), "0.1");
        assert_eq!(number(-0.0), "0");
        assert_eq!(number(1e300), "1e300");
        assert_eq!(number(-2.5e-7), "-2.5e-7");
        assert_eq!(number(1e16), "1e16");
        assert_eq!(number(123456789.125), "123456789.125");
        assert_eq!(number(0.0001), "0.0001");
        // Every number parses back to the same f64.
        for x in [
            1e300,
            5e-324,
            f64::MAX,
            f64::MIN_POSITIVE,
            0.1 + 0.2,
            -1.0 / 3.0,
            9.99e15,
            1e-4 * 0.999,
        ] {
            assert_eq!(number(x).parse::<f64>().unwrap(), x, "{x}");
        }
        assert_eq!(string("a\"b\\\n\u{1}"), "\"a\\\"b\\\\\\n\\u0001\"");
        assert_eq!(string("\u{202e}\u{9b}x"), "\"\\u202e\\u009bx\"");
    }
}
