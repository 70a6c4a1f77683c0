//! AD from the programming side, as the lecture writes it: the forward
//! sweep as the calls of an overloaded `AdVar` (`--format advar`: each row
//! as `x3 = add(x1, x2)` with the lines of the method body and their
//! numbers, the constant case `if type(a) != AdVar` shown), and a
//! self-contained Python script with a minimal AdVar dual-number class that
//! prints the same value and directional derivative (`--format python`).
//!
//! The method bodies are the operation table's rule templates
//! (`value_rule`, `partial_rule`, `times`) printed as Python: `py` is the
//! Python target of a rule tree (code, where `notation::render` writes
//! rule text for reading). Must not compute: the numbers are the sweep's.

use std::fmt::Write as _;

use crate::core::notation::{Names, Style, num};
use crate::core::ops::Op;
use crate::core::ops::math::{Func, Math, Sym, lit, sum, sym, times};
use crate::core::sweep::Sweep;
use crate::core::trace::{Operand, Trace};

/// Binding strength, for parentheses.
fn prec(m: &Math) -> u8 {
    match m {
        Math::Sum(_) => 1,
        Math::Neg(_) => 2,
        Math::Prod(_) | Math::Div(..) => 3,
        Math::Pow(..) => 5,
        _ => 6,
    }
}

/// A rule tree as a Python expression; `name` spells the symbols, `number`
/// the numbers.
pub fn py(m: &Math, name: &dyn Fn(Sym) -> String, number: &dyn Fn(f64) -> String) -> String {
    let wrap = |x: &Math, min: u8| {
        let s = py(x, name, number);
        if prec(x) < min { format!("({s})") } else { s }
    };
    match m {
        Math::Sym(s) => name(*s),
        Math::Lit(x) | Math::Num(x) => {
            let s = number(*x);
            if s.starts_with('-') {
                format!("({s})")
            } else {
                s
            }
        }
        Math::Neg(a) => format!("-{}", wrap(a, 3)),
        Math::Sum(v) => {
            let mut out = String::new();
            for (k, t) in v.iter().enumerate() {
                match t {
                    Math::Neg(inner) if k > 0 => {
                        out.push_str(" - ");
                        out.push_str(&wrap(inner, 2));
                    }
                    t => {
                        if k > 0 {
                            out.push_str(" + ");
                        }
                        out.push_str(&wrap(t, 1));
                    }
                }
            }
            out
        }
        Math::Prod(v) => v.iter().map(|f| wrap(f, 3)).collect::<Vec<_>>().join(" * "),
        Math::Div(a, b) => format!("{} / {}", wrap(a, 3), wrap(b, 4)),
        Math::Pow(a, b) => format!("{} ** {}", wrap(a, 6), wrap(b, 5)),
        Math::Call(f, a) => {
            let arg = py(a, name, number);
            match f {
                Func::Op(op) => format!("{}({arg})", math_fn(*op)),
                Func::Sign => format!("_sign({arg})"),
                Func::Positive => format!("(1.0 if {arg} > 0 else 0.0)"),
                Func::Abs => format!("abs({arg})"),
            }
        }
        Math::Deriv(a) | Math::SumOver(_, a) => py(a, name, number),
    }
}

/// The Python function a float operation is.
fn math_fn(op: Op) -> &'static str {
    match op {
        Op::Sin => "math.sin",
        Op::Cos => "math.cos",
        Op::Tan => "math.tan",
        Op::Exp => "math.exp",
        Op::Ln => "math.log",
        Op::Sqrt => "math.sqrt",
        Op::Tanh => "math.tanh",
        Op::Sigmoid => "_sigmoid",
        Op::Softplus => "_softplus",
        Op::Relu => "_relu",
        Op::Abs => "abs",
        _ => "_unknown",
    }
}

/// The overloaded function of an operation (`add`, `mul`, `sin`).
fn method(op: Op) -> String {
    match op {
        Op::Abs => "absolute".into(),
        Op::Pow => "power".into(),
        op => op.name().into(),
    }
}

/// An operand of the lecture's method: `a.val`/`a.der` for an AdVar,
/// `a` for a number.
fn operand_names(k: usize, is_const: bool) -> (String, Option<String>) {
    let n = ["a", "b"][k];
    if is_const {
        (n.into(), None)
    } else {
        (format!("{n}.val"), Some(format!("{n}.der")))
    }
}

/// The method body's two lines for one case (which operands are numbers):
/// `c.val = …` and `c.der = …` as trees over the placeholders G, H (the
/// operands' values) and GPrime, HPrime (their derivatives).
fn body(op: Op, consts: [bool; 2]) -> (Math, Math) {
    let v = [sym(Sym::G), sym(Sym::H)];
    let d = [Sym::GPrime, Sym::HPrime];
    let a = &v[0];
    let b = if op.arity() == 2 { &v[1] } else { &lit(0.0) };
    let value = op.value_rule(a.clone(), b.clone());
    let terms = (0..op.arity())
        .filter(|&k| !consts[k])
        .map(|k| times(op.partial_rule(k, a, b), sym(d[k])))
        .collect();
    (value, sum(terms))
}

/// Spell the placeholders of `body` for a case.
fn spell(consts: [bool; 2]) -> impl Fn(Sym) -> String {
    move |s| {
        let (k, der) = match s {
            Sym::G => (0, false),
            Sym::H => (1, false),
            Sym::GPrime => (0, true),
            Sym::HPrime => (1, true),
            _ => return "?".into(),
        };
        let (v, d) = operand_names(k, consts[k]);
        if der {
            d.unwrap_or_else(|| "0".into())
        } else {
            v
        }
    }
}

fn full(x: f64) -> String {
    if x.is_nan() {
        "math.nan".into()
    } else if x.is_infinite() {
        if x > 0.0 { "math.inf" } else { "-math.inf" }.into()
    } else {
        format!("{x:?}")
    }
}

/// The forward sweep as the overloaded calls, row by row, for `rows`.
pub fn advar_rows(
    trace: &Trace,
    sweep: &Sweep,
    names: &Names,
    rows: std::ops::Range<usize>,
) -> Vec<String> {
    let p = names.style.precision;
    let shown = |x: f64| num(x, p);
    let mut out = Vec::new();
    for i in rows {
        let node = &trace.nodes[i];
        let args = trace.args(i);
        let me = names.sym(i);
        let result = format!(
            "AdVar(val={}, der={})",
            shown(sweep.value[i]),
            shown(sweep.tangent[i])
        );
        match node.op {
            Op::Input => {
                out.push(format!("{me} = {result}   (an input: der is its seed)"));
                continue;
            }
            Op::Const => {
                out.push(format!("{me} = {result}   (a constant: der = 0)"));
                continue;
            }
            Op::Id => {
                out.push(format!(
                    "{me} = {}   (the same AdVar)",
                    names.sym(node.row_arg(0).unwrap_or(0) as usize)
                ));
                continue;
            }
            _ => {}
        }
        let consts = [node.is_const(0), node.is_const(1)];
        let arg = |a: Operand| match a {
            Operand::Row(r) => names.sym(r as usize),
            Operand::Const(c) => shown(c),
            Operand::None => String::new(),
        };
        let shown_args: Vec<String> = (0..node.op.arity()).map(|k| arg(args[k])).collect();
        out.push(format!(
            "{me} = {}({})   →  {result}",
            method(node.op),
            shown_args.join(", ")
        ));
        let which = if consts[0] {
            Some("if type(a) != AdVar:   (a is a number)")
        } else if consts[1] {
            Some("elif type(b) != AdVar:   (b is a number)")
        } else if node.op.arity() == 2 {
            Some("else:   (both are AdVars)")
        } else {
            None
        };
        if let Some(w) = which {
            out.push(format!("    {w}"));
        }
        let (val, der) = body(node.op, consts);
        let sp = spell(consts);
        let number_of = |s: Sym| -> String {
            let k = match s {
                Sym::G | Sym::GPrime => 0,
                _ => 1,
            };
            let is_der = matches!(s, Sym::GPrime | Sym::HPrime);
            match args[k] {
                Operand::Row(r) => shown(if is_der {
                    sweep.tangent[r as usize]
                } else {
                    sweep.value[r as usize]
                }),
                Operand::Const(c) => shown(if is_der { 0.0 } else { c }),
                Operand::None => "0".into(),
            }
        };
        let paren = |s: String| {
            if s.starts_with('-') {
                format!("({s})")
            } else {
                s
            }
        };
        let lit_num = |x: f64| shown(x);
        out.push(format!(
            "        c.val = {} = {}",
            py(&val, &sp, &lit_num),
            py(&val, &|s| paren(number_of(s)), &lit_num)
        ));
        out.push(format!(
            "        c.der = {} = {}",
            py(&der, &sp, &lit_num),
            py(&der, &|s| paren(number_of(s)), &lit_num)
        ));
    }
    out
}

/// `--format advar`: the whole forward sweep as overloaded calls.
pub fn advar(trace: &Trace, sweep: &Sweep, style: Style) -> String {
    let names = Names::new(trace, style);
    let mut out = String::from(
        "forward mode by operator overloading (the lecture's AdVar): every operation is a call that computes val and der together\n\n",
    );
    for l in advar_rows(trace, sweep, &names, 0..trace.len()) {
        out.push_str(&l);
        out.push('\n');
    }
    if !trace.is_empty() {
        let o = trace.outputs().start;
        let _ = writeln!(
            out,
            "\n{}.val = {}, {}.der = {}: the value and the derivative along the seed, in one pass",
            names.sym(o),
            num(sweep.value[o], style.precision),
            names.sym(o),
            num(sweep.tangent[o], style.precision)
        );
    }
    names.out(out)
}

/// `--format python`: a script with a minimal AdVar class, the program
/// written with it, printing the value and the directional derivative.
pub fn python(trace: &Trace, sweep: &Sweep) -> String {
    let mut out = String::from(
        "#!/usr/bin/env python3\n\"\"\"Forward-mode AD by operator overloading, as in the lecture: written by adtrace.\nRun it with python3: it prints the output's value and its derivative along the seed.\"\"\"\nimport math\n\n\nclass AdVar:\n    '''\n    We want to keep track of both the value and the derivative of our variable,\n    so it will hold two values, one representing each.\n    '''\n\n    def __init__(self, **kwargs):\n        self.val = 0\n        self.der = 1\n        # re-assign these default values\n        if 'val' in kwargs:\n            self.val = kwargs['val']\n        if 'der' in kwargs:\n            self.der = kwargs['der']\n\n\ndef _sigmoid(x):\n    return 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))\n\n\ndef _softplus(x):\n    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))\n\n\ndef _relu(x):\n    return x if x > 0 else 0.0\n\n\ndef _sign(x):\n    return 1.0 if x > 0 else (-1.0 if x < 0 else 0.0)\n",
    );
    // One overloaded function per operation the program uses.
    let mut used: Vec<Op> = trace
        .nodes
        .iter()
        .map(|n| n.op)
        .filter(|op| !matches!(op, Op::Input | Op::Const | Op::Id))
        .collect();
    used.sort();
    used.dedup();
    let code = |x: f64| full(x);
    for op in used {
        let _ = write!(
            out,
            "\n\ndef {}(a{}):\n    c = AdVar()\n",
            method(op),
            if op.arity() == 2 { ", b" } else { "" }
        );
        let cases: Vec<([bool; 2], &str)> = if op.arity() == 2 {
            vec![
                ([true, false], "if type(a) != AdVar:"),
                ([false, true], "elif type(b) != AdVar:"),
                ([false, false], "else:"),
            ]
        } else {
            vec![([false, false], "")]
        };
        for (consts, head) in cases {
            let indent = if head.is_empty() { "    " } else { "        " };
            if !head.is_empty() {
                let _ = writeln!(out, "    {head}");
            }
            let (val, der) = body(op, consts);
            let sp = spell(consts);
            let _ = writeln!(out, "{indent}c.val = {}", py(&val, &sp, &code));
            let der = match der {
                Math::Lit(0.0) => "0.0".to_string(),
                d => py(&d, &sp, &code),
            };
            let _ = writeln!(out, "{indent}c.der = {der}");
        }
        out.push_str("    return c\n");
    }
    out.push_str("\n\n# The program, one overloaded call per row of adtrace's trace.\n");
    for (i, node) in trace.nodes.iter().enumerate() {
        let operands = trace.args(i);
        let arg = |a: Operand| match a {
            Operand::Row(r) => format!("v{r}"),
            Operand::Const(c) => full(c),
            Operand::None => String::new(),
        };
        let line = match node.op {
            Op::Input => format!(
                "AdVar(val={}, der={})",
                full(sweep.point.get(i).copied().unwrap_or(f64::NAN)),
                full(sweep.seed.get(i).copied().unwrap_or(0.0))
            ),
            Op::Const => format!("AdVar(val={}, der=0.0)", arg(operands[0])),
            Op::Id => arg(operands[0]),
            op => {
                let args: Vec<String> = (0..op.arity()).map(|k| arg(operands[k])).collect();
                format!("{}({})", method(op), args.join(", "))
            }
        };
        let comment = trace.name(i).map_or(String::new(), |n| format!("  # {n}"));
        let _ = writeln!(out, "v{i} = {line}{comment}");
    }
    if !trace.is_empty() {
        let o = trace.outputs().start;
        let _ = writeln!(out, "print(repr(v{o}.val), repr(v{o}.der))");
    }
    out
}
