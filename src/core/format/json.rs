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
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
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

/// A number, or `null` where the step shown has not reached it.
fn known_number(known: bool, x: f64) -> String {
    if known { number(x) } else { "null".to_string() }
}

pub fn json(trace: &Trace, sweep: &Sweep, opts: Options) -> String {
    let c = Ctx::new(trace, sweep, opts);
    let ex = &c.ex;
    let n = &ex.names;
    // The first output (the only one of a scalar program).
    let out = trace.outputs().start;
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
        ("name", string(&n.sym(out))),
        (
            "value",
            number(sweep.value.get(out).copied().unwrap_or(f64::NAN)),
        ),
        (
            "tangent",
            number(sweep.tangent.get(out).copied().unwrap_or(f64::NAN)),
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
    if !opts.output_only {
        s.push_str(", \"nodes\": [");
        for (i, node) in trace.nodes.iter().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            let args: Vec<String> = node.row_args().map(|a| a.to_string()).collect();
            let consts: Vec<String> = node
                .args
                .iter()
                .filter_map(|a| match a {
                    Operand::Const(c) => Some(number(*c)),
                    _ => None,
                })
                .collect();
            let k = c.known(i);
            let partials: Vec<String> = node
                .args
                .iter()
                .zip(sweep.partial[i])
                .filter(|(a, _)| a.row().is_some())
                .map(|(_, p)| number(p))
                .collect();
            let mut fields = vec![
                ("index", i.to_string()),
                ("label", string(&n.label(i))),
                ("name", string(&n.sym(i))),
                ("op", string(node.op.name())),
                ("args", format!("[{}]", args.join(", "))),
                ("constants", format!("[{}]", consts.join(", "))),
                ("expr", string(&ex.op_text(i))),
                ("value", known_number(k.value, sweep.value[i])),
                ("tangent", known_number(k.tangent, sweep.tangent[i])),
                ("adjoint", known_number(k.adjoint, sweep.adjoint[i])),
                ("partials", format!("[{}]", partials.join(", "))),
                ("reaches_output", node.reaches_output.to_string()),
                ("depends_on_seed", sweep.seeded[i].to_string()),
            ];
            if let Some((g, index)) = trace.group_of(i) {
                fields.push(("group", group(g, index)));
            }
            s.push_str(&object(fields));
        }
        s.push_str("], \"steps\": [");
        let mut first = true;
        c.visit_steps(|seg, ex, st| {
            if !first {
                s.push_str(", ");
            }
            first = false;
            // Exports carry every consumer, however many.
            let e = ex.explain_all(st);
            let terms: Vec<String> = e
                .terms
                .iter()
                .map(|t| {
                    object([
                        ("node", t.consumer.to_string()),
                        ("adjoint", number(t.adjoint)),
                        ("partial", number(t.partial)),
                        ("rule", string(&t.partial_rule)),
                    ])
                })
                .collect();
            let mut fields = vec![
                ("index", st.index.to_string()),
                ("phase", string(st.phase.name())),
                ("node", st.row.to_string()),
                ("text", string(&e.line())),
                ("general", string(&e.general)),
                ("symbolic", string(&e.symbolic)),
                ("numeric", string(&e.numeric)),
            ];
            if st.phase == Phase::Reverse {
                fields.push(("terms", format!("[{}]", terms.join(", "))));
            }
            if c.schedule.sweeps(seg.phase) > 1 {
                fields.push(("sweep", seg.sweep.to_string()));
            }
            s.push_str(&object(fields));
        });
        s.push(']');
    }
    let warnings: Vec<String> = sweep
        .warnings
        .iter()
        .map(|w| {
            object([
                ("node", w.row.to_string()),
                ("kind", string(w.kind.name())),
                ("message", string(&ex.warning(w))),
            ])
        })
        .collect();
    let _ = write!(s, ", \"warnings\": [{}]", warnings.join(", "));
    s.push_str("}\n");
    s
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
    }
}
