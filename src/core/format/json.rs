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

use super::{Ctx, Options, Shown, par};
use crate::core::explain::{Explainer, General, Texts};
use crate::core::notation::Names;
use crate::core::schedule::Phase;
use crate::core::schedule::Step;
use crate::core::sweep::Sweep;
use crate::core::trace::{Consumers, Operand, Trace};

/// The version of the JSON interface (`docs/eval.schema.json`): fields are
/// only ever added; a change that would break a reader raises it.
pub const SCHEMA: u32 = 1;

/// A JSON number, or one of the three strings for non-finite values.
pub fn number(x: f64) -> String {
    let mut out = String::new();
    push_number(&mut out, x);
    out
}

/// A JSON number, appended: the shortest form that parses back to the same
/// f64, with an exponent outside [1e-4, 1e16) as Python and JavaScript
/// write such numbers (1e300 is not a 301-digit integer literal).
fn push_number(out: &mut String, x: f64) {
    if !x.is_finite() {
        out.push_str(if x.is_nan() {
            "\"NaN\""
        } else if x > 0.0 {
            "\"Infinity\""
        } else {
            "\"-Infinity\""
        });
    } else if x == 0.0 {
        // -0 is a valid JSON number but surprises readers.
        out.push('0');
    } else if (1e-5..1e-4).contains(&x.abs()) {
        // ryu writes these positionally (0.00005).
        let _ = write!(out, "{x:e}");
    } else {
        // ryu writes the same shortest digits as Rust's `{}`/`{:e}`, in
        // positional form exactly in [1e-5, 1e16), but `1.0` for an integer.
        let mut b = ryu::Buffer::new();
        let t = b.format_finite(x);
        out.push_str(t.strip_suffix(".0").unwrap_or(t));
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

/// A key after another and the start of its value, `, "key": `, as one
/// literal.
macro_rules! key {
    ($k:literal) => {
        concat!(", \"", $k, "\": ")
    };
}

/// The opening of an object and its first key, `{"key": `.
macro_rules! open {
    ($k:literal) => {
        concat!("{\"", $k, "\": ")
    };
}

/// JSON appended to a buffer, a piece at a time.
trait Emit {
    fn s(&mut self, text: &str) -> &mut Self;
    fn num(&mut self, x: f64) -> &mut Self;
    fn known(&mut self, known: bool, x: f64) -> &mut Self;
    fn int(&mut self, i: usize) -> &mut Self;
    fn str(&mut self, text: &str) -> &mut Self;
}

impl Emit for String {
    fn s(&mut self, text: &str) -> &mut Self {
        self.push_str(text);
        self
    }

    fn num(&mut self, x: f64) -> &mut Self {
        push_number(self, x);
        self
    }

    fn known(&mut self, known: bool, x: f64) -> &mut Self {
        if known { self.num(x) } else { self.s("null") }
    }

    fn int(&mut self, i: usize) -> &mut Self {
        self.push_str(itoa::Buffer::new().format(i));
        self
    }

    fn str(&mut self, text: &str) -> &mut Self {
        push_string(self, text);
        self
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

    fn flush(&mut self, force: bool) -> std::io::Result<()> {
        if force || self.buf.len() >= Self::FLUSH_AT {
            self.out.write_all(self.buf.as_bytes())?;
            self.buf.clear();
        }
        Ok(())
    }

    /// Text made elsewhere (a chunk of rows), after what is buffered.
    fn chunk(&mut self, text: &str) -> std::io::Result<()> {
        self.flush(true)?;
        self.out.write_all(text.as_bytes())
    }
}

/// A JSON string literal, appended. Beyond what JSON requires, every
/// character that must not reach a terminal raw (`visible::hidden`: DEL,
/// C1 controls, bidi overrides, zero-width characters) is written as its
/// `\uXXXX` escape, so the JSON on a terminal is as safe as the text.
pub(super) fn push_string(out: &mut String, s: &str) {
    out.push('"');
    push_escaped(out, s);
    out.push('"');
}

/// Bytes that never start something to escape: printable ASCII but `"`,
/// `\\` and DEL; UTF-8 continuation bytes; lead bytes other than those of
/// the hidden characters beyond ASCII (C2, D8, E2, EF).
static PLAIN: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = match b as u8 {
            b'"' | b'\\' => false,
            0x20..=0x7e => true,
            0x80..=0xbf => true,
            0xc2 | 0xd8 | 0xe2 | 0xef => false,
            0xc0..=0xff => true,
            _ => false,
        };
        b += 1;
    }
    t
};

/// A string's characters as JSON writes them inside quotes.
fn push_escaped(out: &mut String, s: &str) {
    let b = s.as_bytes();
    // Copy runs that need no escape in one go, deciding by bytes: the
    // characters `visible::hidden` names beyond ASCII are encoded with the
    // lead bytes C2, D8, E2 and EF and a few second/third bytes, so the
    // rule texts' many `·`, `∂` and `−` are never decoded.
    let (mut run, mut i) = (0, 0);
    while i < b.len() {
        if PLAIN[b[i] as usize] {
            i += 1;
            continue;
        }
        let byte = b[i];
        let at = |k: usize| b.get(i + k).copied().unwrap_or(0);
        let len = match byte {
            b'"' | b'\\' | 0x7f | 0x00..=0x1f => 1,
            0xc2 if (0x80..=0x9f).contains(&at(1)) => 2,
            0xd8 if at(1) == 0x9c => 2,
            0xe2 if matches!(
                (at(1), at(2)),
                (0x80, 0x8b..=0x8f | 0xa8..=0xae) | (0x81, 0xa0..=0xa9)
            ) =>
            {
                3
            }
            0xef if (at(1), at(2)) == (0xbb, 0xbf) => 3,
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&s[run..i]);
        match b[i] {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\t' => out.push_str("\\t"),
            b'\r' => out.push_str("\\r"),
            _ => {
                let c = s[i..].chars().next().unwrap_or('\u{fffd}');
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
        }
        i += len;
        run = i;
    }
    out.push_str(&s[run..]);
}

/// The whole JSON text as a string (tests, the REPL's `:export`).
pub fn json(trace: &Trace, sweep: &Sweep, opts: Options) -> String {
    super::into_string(|out| write_json(trace, sweep, opts, out))
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
        // Then no text made of names, symbols, numbers and operators needs
        // escaping (words are checked where they occur).
        let plain_names = trace.names().flatten().all(crate::core::visible::plain);
        w.buf.s(", \"nodes\": [");
        // What the two threads share: nothing with a cache of its own.
        let (names, shown, schedule) = (*n, c.shown(), c.schedule);
        // Only the steps' texts need the consumers.
        let consumers = (!opts.bare_steps).then(|| ex.consumers());
        par::in_order(
            trace.len(),
            || explainer(sweep, names, consumers),
            |ex, b, i| node(b, &shown, ex, i, plain_names),
            |text| w.chunk(text),
        )?;
        w.buf.s("], \"steps\": [");
        for (seg, own, steps) in c.segments_shown() {
            let sweep = own.as_ref().unwrap_or(sweep);
            let several = schedule.sweeps(seg.phase) > 1;
            par::in_order(
                steps.len(),
                || {
                    let sc = Scratch {
                        plain_names,
                        ..Scratch::default()
                    };
                    (explainer(sweep, names, consumers), sc)
                },
                |(ex, sc), b, i| {
                    if let Some(st) = schedule.step(steps.start + i) {
                        let sweep_no = several.then_some(seg.sweep);
                        step(b, ex, sc, st, sweep_no, opts.bare_steps);
                    }
                },
                |text| w.chunk(text),
            )?;
        }
        w.buf.s("]");
    }
    w.buf.s(", \"warnings\": [");
    for (j, wn) in sweep.warnings.iter().enumerate() {
        if j > 0 {
            w.buf.s(", ");
        }
        w.buf.s(open!("node")).int(wn.row as usize);
        w.buf.s(key!("kind")).str(wn.kind.name());
        w.buf.s(key!("message")).str(&ex.warning(wn));
        w.buf.s("}");
        w.flush(false)?;
    }
    w.buf.s("]}\n");
    w.flush(true)
}

/// An explainer for one thread: its caches are its own.
fn explainer<'t>(
    sweep: &'t Sweep,
    names: Names<'t>,
    consumers: Option<&'t Consumers>,
) -> Explainer<'t> {
    let e = Explainer::new(names.trace(), sweep, names);
    match consumers {
        Some(c) => e.with_consumers(c),
        None => e,
    }
}

/// One row of `nodes`, with the comma before it.
fn node(b: &mut String, c: &Shown, ex: &Explainer, i: usize, plain_names: bool) {
    let (trace, sweep, n) = (c.trace, c.sweep, &ex.names);
    let node = &trace.nodes[i];
    if i > 0 {
        b.push_str(", ");
    }
    let k = c.known(i);
    b.s(open!("index")).int(i);
    b.s(key!("label")).s("\"");
    // Labels and names need no escaping unless a name does.
    n.push_label(b, i);
    b.s("\"").s(key!("name"));
    match trace.name(i) {
        Some(name) if !n.style.ascii => b.str(name),
        Some(_) => b.str(&n.sym(i)),
        None => {
            b.push('"');
            n.push_label(b, i);
            b.s("\"")
        }
    };
    b.s(key!("op")).str(node.op.name());
    b.s(key!("args")).s("[");
    for (j, a) in node.row_args().enumerate() {
        if j > 0 {
            b.push_str(", ");
        }
        b.int(a as usize);
    }
    b.s("]").s(key!("constants")).s("[");
    let mut first = true;
    for a in &trace.operands(node) {
        if let Operand::Const(x) = a {
            if !first {
                b.push_str(", ");
            }
            first = false;
            b.num(*x);
        }
    }
    b.s("]").s(key!("expr"));
    if plain_names {
        // An operation's text is words only for an input (`input`).
        b.push('"');
        let start = b.len();
        ex.push_op_text(b, i);
        debug_assert!(crate::core::visible::plain(&b[start..]));
        b.push('"');
    } else {
        b.str(&ex.op_text(i));
    }
    b.s(key!("value")).known(k.value, sweep.value[i]);
    b.s(key!("tangent")).known(k.tangent, sweep.tangent[i]);
    b.s(key!("adjoint")).known(k.adjoint, sweep.adjoint[i]);
    b.s(key!("partials")).s("[");
    let mut first = true;
    for (k, p) in sweep.partial[i].iter().enumerate() {
        if node.row_arg(k).is_some() {
            if !first {
                b.push_str(", ");
            }
            first = false;
            b.num(*p);
        }
    }
    b.s("]").s(key!("reaches_output"));
    b.s(if node.reaches_output { "true" } else { "false" });
    b.s(key!("depends_on_seed"));
    b.s(if sweep.seeded[i] { "true" } else { "false" });
    if let Some((g, index)) = trace.group_of(i) {
        b.s(key!("group")).s(&group(g, index));
    }
    b.s("}");
}

/// A thread's buffers for the steps' texts, kept from step to step.
#[derive(Default)]
struct Scratch {
    texts: Texts,
    /// The value, symbolic and numeric texts, escaped once: each is
    /// written twice (alone and in `text`).
    escaped: [String; 3],
    /// The general rules met so far, as JSON strings.
    general: Vec<(General, String)>,
    /// Whether every name of the trace is `visible::plain`.
    plain_names: bool,
}

/// One entry of `steps`, with the comma before it.
fn step(
    b: &mut String,
    ex: &Explainer,
    sc: &mut Scratch,
    st: Step,
    sweep: Option<usize>,
    bare: bool,
) {
    if st.index > 0 {
        b.push_str(", ");
    }
    b.s(open!("index")).int(st.index);
    b.s(key!("phase")).str(st.phase.name());
    b.s(key!("node")).int(st.row);
    if !bare {
        // Exports carry every consumer, however many.
        let t = &mut sc.texts;
        ex.texts_all(st, t);
        let plain = sc.plain_names && t.plain_words;
        let [value, symbolic, numeric] = &mut sc.escaped;
        let [value, symbolic, numeric] = if plain {
            // Symbols, numbers and operators are plain too: nothing to
            // escape (checked in debug builds).
            debug_assert!(
                [&t.value, &t.symbolic, &t.numeric]
                    .iter()
                    .all(|x| crate::core::visible::plain(x))
            );
            [&t.value, &t.symbolic, &t.numeric]
        } else {
            for (e, raw) in [
                (&mut *value, &t.value),
                (&mut *symbolic, &t.symbolic),
                (&mut *numeric, &t.numeric),
            ] {
                e.clear();
                push_escaped(e, raw);
            }
            [&*value, &*symbolic, &*numeric]
        };
        // `Explanation::line`, written in place.
        b.s(key!("text")).s("\"");
        if t.has_value {
            b.s(value).s("; ");
        }
        b.s(symbolic).s(" ").s(numeric).s("\"");
        b.s(key!("general"));
        match sc.general.iter().find(|(k, _)| Some(*k) == t.rule) {
            Some((_, json)) => b.push_str(json),
            None => {
                let mut json = String::new();
                push_string(&mut json, &t.general);
                b.push_str(&json);
                if let Some(k) = t.rule
                    && sc.general.len() < 64
                {
                    sc.general.push((k, json));
                }
            }
        }
        b.s(key!("symbolic")).s("\"").s(symbolic).s("\"");
        b.s(key!("numeric")).s("\"").s(numeric).s("\"");
        if st.phase == Phase::Reverse {
            b.s(key!("terms")).s("[");
            for (j, (consumer, adjoint, partial, rule)) in t.terms().enumerate() {
                if j > 0 {
                    b.push_str(", ");
                }
                b.s(open!("node")).int(consumer);
                b.s(key!("adjoint")).num(adjoint);
                b.s(key!("partial")).num(partial);
                b.s(key!("rule"));
                if plain {
                    debug_assert!(crate::core::visible::plain(rule));
                    b.s("\"").s(rule).s("\"");
                } else {
                    b.str(rule);
                }
                b.s("}");
            }
            b.s("]");
        }
    }
    if let Some(k) = sweep {
        b.s(key!("sweep")).int(k);
    }
    b.s("}");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `push_escaped` must write, character by character.
    fn escaped_by_chars(s: &str) -> String {
        let mut want = String::new();
        for c in s.chars() {
            match c {
                '"' => want.push_str("\\\""),
                '\\' => want.push_str("\\\\"),
                '\n' => want.push_str("\\n"),
                '\t' => want.push_str("\\t"),
                '\r' => want.push_str("\\r"),
                c if crate::core::visible::hidden(c) => {
                    want.push_str(&format!("\\u{:04x}", c as u32));
                }
                c => want.push(c),
            }
        }
        want
    }

    /// Escaping by bytes (and by words of eight) escapes exactly the
    /// characters JSON and `visible::hidden` name, over every Unicode
    /// scalar value, and any character at any place in a run of letters.
    #[test]
    fn every_character_escaped_or_not_as_hidden_says() {
        let all: String = (0..=0x10ffff).filter_map(char::from_u32).collect();
        let mut got = String::new();
        push_escaped(&mut got, &all);
        assert_eq!(got, escaped_by_chars(&all));
        let specials = (0..0x80u32).chain([0x85, 0xb7, 0x200b, 0x202e, 0x2212, 0xfeff]);
        for c in specials.filter_map(char::from_u32) {
            for k in 0..20 {
                let mut s: String = "abcdefghijklmnopqrs".into();
                s.insert(k, c);
                let mut got = String::new();
                push_escaped(&mut got, &s);
                assert_eq!(got, escaped_by_chars(&s), "{c:?} at {k}");
            }
        }
        assert_eq!(string("a\u{202e}b\u{feff}"), "\"a\\u202eb\\ufeff\"");
    }

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
        // Rust's own shortest formatting is the reference, over every
        // exponent (a fixed generator: reproducible).
        let mut bits: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..200_000 {
            bits ^= bits << 13;
            bits ^= bits >> 7;
            bits ^= bits << 17;
            let x = f64::from_bits(bits);
            if !x.is_finite() || x == 0.0 {
                continue;
            }
            let want = if x.abs() >= 1e16 || x.abs() < 1e-4 {
                format!("{x:e}")
            } else {
                format!("{x}")
            };
            // Shortest, in the same form, and back to the same f64. (At an
            // exact tie between two shortest forms Rust rounds up where ryu,
            // like Python's repr, rounds to even: 1658206780088562.25.)
            let got = number(x);
            assert_eq!(got.parse::<f64>().unwrap(), x, "{got}");
            assert_eq!(got.len(), want.len(), "{got} {want}");
            assert_eq!(got.contains('e'), want.contains('e'), "{got} {want}");
            // and numbers a lecture meets: short decimals, integers.
            let y = (bits % 2_000_001) as f64 / 1000.0 - 1000.0;
            if y != 0.0 {
                assert_eq!(number(y), format!("{y}"));
            }
        }
        assert_eq!(number(0.00005), "5e-5");
        assert_eq!(number(1658206780088562.2), "1658206780088562.2");
        assert_eq!(number(2.0), "2");
        assert_eq!(number(-1e15), "-1000000000000000");
        assert_eq!(string("a\"b\\\n\u{1}"), "\"a\\\"b\\\\\\n\\u0001\"");
        assert_eq!(string("\u{202e}\u{9b}x"), "\"\\u202e\\u009bx\"");
    }
}
