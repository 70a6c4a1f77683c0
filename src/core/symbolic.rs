//! Expression swell: the derivative written out by the symbolic chain rule
//! with no sharing — what a computer-algebra system, or a student by hand,
//! writes before simplifying — and its size in operations, beside the
//! trace's size and the cost of the two sweeps.
//!
//! Built from the operation table's rule templates (`Op::value_rule`,
//! `Op::partial_rule`, `math::times`): every use of a row writes its whole
//! expression again, where the trace shares one row. The size is counted
//! by rows without building anything (it grows exponentially), and the
//! tree is built only below a cap. Must not format (that is
//! `format::symbolic`) nor know the rules itself.

use crate::core::ops::Op;
use crate::core::ops::math::{Math, Sym, lit, sum, sym, times};
use crate::core::sweep::Sweep;
use crate::core::trace::{Operand, Trace};

/// Largest derivative (in operations) that is written out.
pub const WRITE_CAP: f64 = 2000.0;

/// The symbolic derivative of the (first) output along the seed.
#[derive(Clone, Debug, PartialEq)]
pub struct Swell {
    /// f written out with no sharing, and its size.
    pub function: Option<Math>,
    pub function_ops: f64,
    /// d f along the seed, written out, and its size (counted without
    /// building: it may be astronomically large).
    pub derivative: Option<Math>,
    pub derivative_ops: f64,
    /// The trace: rows, operations (rows that are not inputs) and edges
    /// (row operands).
    pub rows: usize,
    pub operations: usize,
    pub edges: usize,
}

impl Swell {
    /// Operations of one forward sweep: each row's value, its local
    /// partials, and a multiply-add per edge for the tangent.
    pub fn forward_cost(&self) -> usize {
        self.operations + 3 * self.edges
    }
    /// Operations of one reverse sweep: a multiply-add per edge.
    pub fn reverse_cost(&self) -> usize {
        2 * self.edges
    }
}

/// Operations in a tree: each +, −, ·, /, ^ between operands and each
/// function call. Placeholders (`G`, `H`, `GPrime`) count 0.
pub fn ops(m: &Math) -> f64 {
    match m {
        Math::Sym(_) | Math::Lit(_) | Math::Num(_) => 0.0,
        Math::Neg(a) => {
            // −3 is a number, not an operation
            if matches!(**a, Math::Lit(_) | Math::Num(_)) {
                0.0
            } else {
                1.0 + ops(a)
            }
        }
        Math::Sum(v) | Math::Prod(v) => (v.len() as f64 - 1.0) + v.iter().map(ops).sum::<f64>(),
        Math::Div(a, b) | Math::Pow(a, b) => 1.0 + ops(a) + ops(b),
        Math::Call(_, a) | Math::Deriv(a) | Math::SumOver(_, a) => 1.0 + ops(a),
    }
}

/// How often a placeholder symbol occurs in a tree.
fn occurrences(m: &Math, s: Sym) -> f64 {
    match m {
        Math::Sym(x) => f64::from(u8::from(*x == s)),
        Math::Lit(_) | Math::Num(_) => 0.0,
        Math::Neg(a) | Math::Call(_, a) | Math::Deriv(a) | Math::SumOver(_, a) => occurrences(a, s),
        Math::Sum(v) | Math::Prod(v) => v.iter().map(|x| occurrences(x, s)).sum(),
        Math::Div(a, b) | Math::Pow(a, b) => occurrences(a, s) + occurrences(b, s),
    }
}

/// A row's operand as a placeholder (a constant stays its number, which
/// the power rule reads).
fn placeholder(a: Operand, s: Sym) -> Math {
    match a {
        Operand::Row(_) => sym(s),
        Operand::Const(c) => lit(c),
        Operand::None => lit(0.0),
    }
}

/// The swell of the trace's first output along the sweep's seed.
pub fn swell(trace: &Trace, sweep: &Sweep) -> Swell {
    let n = trace.len();
    let out = trace.outputs().start.min(n.saturating_sub(1));
    // Which rows depend on the seeded inputs (else their derivative is 0
    // and the chain rule leaves the term out).
    let active: Vec<bool> = if sweep.seeded.len() == n {
        sweep.seeded.clone()
    } else {
        vec![true; n]
    };
    // Sizes by rows: no tree is built.
    let mut e_ops = vec![0.0f64; n];
    let mut d_ops = vec![0.0f64; n];
    // Whether a row's derivative is written `1` (then a partial is not
    // multiplied by it).
    let mut unit = vec![false; n];
    let mut edges = 0;
    for (i, node) in trace.nodes.iter().enumerate() {
        if node.op == Op::Input {
            unit[i] = sweep.seed.get(i) == Some(&1.0);
            continue;
        }
        let [a, b] = trace.operands(node);
        edges += node.row_args().count();
        let size = |x: Operand, v: &[f64]| x.row().map_or(0.0, |r| v[r as usize]);
        let (pa, pb) = (placeholder(a, Sym::G), placeholder(b, Sym::H));
        let vr = node.op.value_rule(pa.clone(), pb.clone());
        e_ops[i] = ops(&vr)
            + occurrences(&vr, Sym::G) * size(a, &e_ops)
            + occurrences(&vr, Sym::H) * size(b, &e_ops);
        let mut terms: f64 = 0.0;
        let mut total: f64 = 0.0;
        let mut last_is_one = false;
        for (k, x) in [a, b].into_iter().enumerate() {
            let Some(r) = x.row() else { continue };
            if !active[r as usize] {
                continue;
            }
            let p = node.op.partial_rule(k, &pa, &pb);
            let t = if unit[r as usize] {
                p
            } else {
                times(p, sym(Sym::GPrime))
            };
            last_is_one = t == lit(1.0);
            total += ops(&t)
                + occurrences(&t, Sym::G) * size(a, &e_ops)
                + occurrences(&t, Sym::H) * size(b, &e_ops)
                + occurrences(&t, Sym::GPrime) * d_ops[r as usize];
            terms += 1.0;
        }
        d_ops[i] = total + (terms - 1.0).max(0.0);
        unit[i] = terms == 1.0 && last_is_one;
    }
    let (function_ops, derivative_ops) = if n == 0 {
        (0.0, 0.0)
    } else {
        (e_ops[out], d_ops[out])
    };
    let build = |cap_ok: bool, f: &dyn Fn() -> Math| cap_ok.then(f);
    let function = build(n > 0 && function_ops <= WRITE_CAP, &|| {
        expressions(trace, out + 1).pop().unwrap_or(lit(0.0))
    });
    let derivative = build(
        n > 0 && derivative_ops <= WRITE_CAP && function_ops <= WRITE_CAP,
        &|| derivative(trace, &active, &sweep.seed, out),
    );
    Swell {
        function,
        function_ops,
        derivative,
        derivative_ops,
        rows: n,
        operations: trace.nodes.iter().filter(|n| n.op != Op::Input).count(),
        edges,
    }
}

/// Every row's expression, written out (rows `0..upto`).
fn expressions(trace: &Trace, upto: usize) -> Vec<Math> {
    let mut e: Vec<Math> = Vec::with_capacity(upto);
    for (i, node) in trace.nodes[..upto].iter().enumerate() {
        let arg = |x: Operand, e: &[Math]| match x {
            Operand::Row(r) => e[r as usize].clone(),
            Operand::Const(c) => lit(c),
            Operand::None => lit(0.0),
        };
        let m = if node.op == Op::Input {
            sym(Sym::Val(i as u32))
        } else {
            node.op
                .value_rule(arg(trace.args(i)[0], &e), arg(trace.args(i)[1], &e))
        };
        e.push(m);
    }
    e
}

/// The derivative of row `out` along `seed`, by the chain rule with no
/// sharing. Only called below the cap.
fn derivative(trace: &Trace, active: &[bool], seed: &[f64], out: usize) -> Math {
    let e = expressions(trace, out + 1);
    let mut d: Vec<Math> = Vec::with_capacity(out + 1);
    for (i, node) in trace.nodes[..=out].iter().enumerate() {
        if node.op == Op::Input {
            d.push(lit(seed.get(i).copied().unwrap_or(0.0)));
            continue;
        }
        let arg = |x: Operand| match x {
            Operand::Row(r) => e[r as usize].clone(),
            Operand::Const(c) => lit(c),
            Operand::None => lit(0.0),
        };
        let [a, b] = trace.operands(node).map(arg);
        let mut terms = Vec::new();
        for k in 0..2 {
            let Some(r) = node.row_arg(k) else {
                continue;
            };
            if !active[r as usize] {
                continue;
            }
            let p = node.op.partial_rule(k, &a, &b);
            let dr = &d[r as usize];
            terms.push(if *dr == lit(1.0) {
                p
            } else {
                times(p, dr.clone())
            });
        }
        d.push(sum(terms));
    }
    d.pop().unwrap_or(lit(0.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::pipeline::{SeedSpec, trace};

    fn swell_of(src: &str) -> Swell {
        let t = trace(src, "", false).unwrap();
        let ev = t.evaluate(None, &SeedSpec::First).unwrap();
        swell(&t.trace, &ev.sweep)
    }

    /// The counted size is the size of the tree built, and the tree built
    /// evaluates to AD's derivative.
    #[test]
    fn counted_is_built_and_means_the_derivative() {
        for src in [
            "sin(sin(sin(x))) at x = 0.7",
            "sqrt(x^2 + exp(x^2)) + cos(x^2 + exp(x^2)) at x = 1",
            "ln(1 + exp(w2*ln(1 + exp(w1*x + b1)) + b2)) at x = 2, w1 = 0.5, b1 = -1, w2 = 2, b2 = 0.5",
            "x*y*x*y/(x - y) at x = 3, y = 1.5",
        ] {
            let t = trace(src, "", false).unwrap();
            let ev = t.evaluate(None, &SeedSpec::First).unwrap();
            let s = swell(&t.trace, &ev.sweep);
            let d = s.derivative.as_ref().unwrap();
            assert_eq!(ops(d), s.derivative_ops, "{src}");
            assert_eq!(ops(s.function.as_ref().unwrap()), s.function_ops, "{src}");
            let v = |x: Sym| match x {
                Sym::Val(r) => ev.sweep.value[r as usize],
                _ => f64::NAN,
            };
            let want = ev.sweep.output_tangent();
            assert!(
                (d.eval(&v) - want).abs() < 1e-12 * (1.0 + want.abs()),
                "{src}"
            );
        }
    }

    /// sin∘…∘sin, n deep: the trace has n + 1 rows and the sweeps are
    /// linear in n; the derivative written out, cos(sin(…))·cos(…)·…,
    /// repeats each inner expression: 1 + 2 + … + n calls and n − 1
    /// products, n(n + 1)/2 + n − 1 operations.
    #[test]
    fn nested_sines_grow_quadratically() {
        for n in [1usize, 2, 5, 10] {
            let src = format!("{}x{} at x = 0.5", "sin(".repeat(n), ")".repeat(n));
            let s = swell_of(&src);
            assert_eq!(s.rows, n + 1);
            assert_eq!(s.function_ops, n as f64);
            assert_eq!(
                s.derivative_ops,
                (n * (n + 1) / 2 + n - 1) as f64,
                "n = {n}"
            );
        }
    }

    /// A product of x with itself, squared k times (y = x·x, z = y·y, …):
    /// the trace is k rows, the derivative written out doubles in size
    /// with every row — counted far beyond what is built.
    #[test]
    fn repeated_squares_grow_exponentially() {
        let mut prev = 0.0;
        for k in [4usize, 8, 16, 40] {
            let mut src = String::from("v0 = x");
            for i in 1..=k {
                src.push_str(&format!("; v{i} = v{}*v{}", i - 1, i - 1));
            }
            src.push_str(" at x = 1.0001");
            let s = swell_of(&src);
            assert_eq!(s.rows, k + 1);
            assert!(
                s.derivative_ops > 2f64.powi(k as i32),
                "k = {k}: {}",
                s.derivative_ops
            );
            assert!(s.derivative_ops > prev);
            prev = s.derivative_ops;
            assert_eq!(s.derivative.is_some(), s.derivative_ops <= WRITE_CAP);
        }
        let s = swell_of("v0 = x; v1 = v0*v0; v2 = v1*v1; v3 = v2*v2; v4 = v3*v3 at x = 1");
        assert!(s.derivative.is_some());
    }
}
