//! The steps: one per row in the forward sweep (value and tangent filled
//! together, as on the lecture's table), then one per row in the reverse
//! sweep (last row first), and what each step explains.
//!
//! A step is plain data (phase, row); its explanation is built on demand
//! from the trace, the sweep and the operation table, at three levels: the
//! general rule, the rule with this row's names, and the numbers. Every view
//! is a function of (trace, step index): what is known at a step comes from
//! `known`, so stepping back is just a smaller index. Must not compute a
//! derivative: the numbers are the sweep's, the rule texts are `ops`'.

use crate::core::notation::Names;
use crate::core::ops::{Op, wrap};
use crate::core::sweep::Sweep;
use crate::core::trace::{Consumers, Operand, Trace};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Phase {
    Forward,
    Reverse,
}

impl Phase {
    pub fn name(self) -> &'static str {
        match self {
            Phase::Forward => "forward",
            Phase::Reverse => "reverse",
        }
    }
}

/// Step `index` processes `row` in `phase`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    pub index: usize,
    pub phase: Phase,
    pub row: usize,
}

/// How many steps a trace has: each row once forward, once in reverse.
pub fn count(trace: &Trace) -> usize {
    2 * trace.len()
}

/// The step at `index`, if there is one.
pub fn step(trace: &Trace, index: usize) -> Option<Step> {
    let n = trace.len();
    if index < n {
        Some(Step {
            index,
            phase: Phase::Forward,
            row: index,
        })
    } else if index < 2 * n {
        Some(Step {
            index,
            phase: Phase::Reverse,
            row: 2 * n - 1 - index,
        })
    } else {
        None
    }
}

/// All steps in order.
pub fn all(trace: &Trace) -> impl Iterator<Item = Step> + '_ {
    (0..count(trace)).filter_map(move |k| step(trace, k))
}

/// The index of the first reverse step.
pub fn reverse_start(trace: &Trace) -> usize {
    trace.len()
}

/// What a view may show of a row once step `index` is done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Known {
    pub value: bool,
    pub tangent: bool,
    pub adjoint: bool,
}

pub fn known(trace: &Trace, index: usize, row: usize) -> Known {
    let n = trace.len();
    let forward_done = index >= n;
    let filled = forward_done || row <= index;
    Known {
        value: filled,
        tangent: filled,
        adjoint: forward_done && row >= 2 * n - 1 - index.min(2 * n - 1),
    }
}

/// One consumer's contribution to a reverse step (the fan-out ledger).
#[derive(Clone, Debug, PartialEq)]
pub struct Term {
    /// The row that uses this one.
    pub consumer: usize,
    /// The consumer's adjoint.
    pub adjoint: f64,
    /// ∂consumer/∂row.
    pub partial: f64,
    /// `∂d/∂c`
    pub partial_symbol: String,
    /// `∂d/∂c = 1/(2·sqrt(c)) = 1/(2·sqrt(3.7183)) = 0.2593`
    pub partial_rule: String,
}

/// A step explained at three levels.
#[derive(Clone, Debug, PartialEq)]
pub struct Explanation {
    pub step: Step,
    /// The operation's general rule (lecture form).
    pub general: String,
    /// Forward steps: the value update with names and numbers.
    pub value: Option<String>,
    /// The derivative update with this row's names: `d2 = (1 − tanh²(x1))·d1`.
    pub symbolic: String,
    /// The same with numbers, ending in the result: `= (1 − tanh²(2))·2 = 0.1413`.
    pub numeric: String,
    /// Reverse steps: one term per consumer, in order.
    pub terms: Vec<Term>,
}

impl Explanation {
    /// The explanation as one line (JSON `text`, headless output).
    pub fn line(&self) -> String {
        let rule = format!("{} {}", self.symbolic, self.numeric);
        match &self.value {
            Some(v) => format!("{v}; {rule}"),
            None => rule,
        }
    }
}

/// Builds explanations for one (trace, sweep, style).
pub struct Explainer<'t> {
    trace: &'t Trace,
    sweep: &'t Sweep,
    pub names: Names<'t>,
    /// Given by a view that keeps them (the TUI), else built on first use:
    /// headless output of the output only never needs them.
    shared: Option<&'t Consumers>,
    consumers: std::cell::OnceCell<Consumers>,
}

impl<'t> Explainer<'t> {
    pub fn new(trace: &'t Trace, sweep: &'t Sweep, names: Names<'t>) -> Explainer<'t> {
        Explainer {
            trace,
            sweep,
            names,
            shared: None,
            consumers: std::cell::OnceCell::new(),
        }
    }

    /// Use consumer lists the caller already has (they are the trace's).
    pub fn with_consumers(mut self, consumers: &'t Consumers) -> Explainer<'t> {
        self.shared = Some(consumers);
        self
    }

    pub fn consumers(&self) -> &Consumers {
        match self.shared {
            Some(c) => c,
            None => self.consumers.get_or_init(|| self.trace.consumers()),
        }
    }

    pub fn explain(&self, step: Step) -> Explanation {
        let e = match step.phase {
            Phase::Forward => self.forward(step),
            Phase::Reverse => self.reverse(step),
        };
        let n = &self.names;
        Explanation {
            step,
            general: n.out(e.general),
            value: e.value.map(|v| n.out(v)),
            symbolic: n.out(e.symbolic),
            numeric: n.out(e.numeric),
            terms: e
                .terms
                .into_iter()
                .map(|t| Term {
                    partial_symbol: n.out(t.partial_symbol),
                    partial_rule: n.out(t.partial_rule),
                    ..t
                })
                .collect(),
        }
    }

    fn operand_sym(&self, a: Operand) -> String {
        match a {
            Operand::Row(r) => self.names.sym(r as usize),
            Operand::Const(c) => self.names.num(c),
            Operand::None => String::new(),
        }
    }

    fn operand_num(&self, a: Operand) -> String {
        match a {
            Operand::Row(r) => self.names.num(self.sweep.value[r as usize]),
            Operand::Const(c) => self.names.num(c),
            Operand::None => String::new(),
        }
    }

    /// The value update of a row with operands as symbols or as numbers.
    pub fn value_text(&self, row: usize, numbers: bool) -> String {
        let node = &self.trace.nodes[row];
        let [a, b] = node.args;
        let (a, b) = if numbers {
            (self.operand_num(a), self.operand_num(b))
        } else {
            (self.operand_sym(a), self.operand_sym(b))
        };
        self.names.out(node.op.value_text(&a, &b))
    }

    /// The local partial of `row` w.r.t. operand k, as symbols or numbers.
    fn partial_text(&self, row: usize, k: usize, numbers: bool) -> (String, bool) {
        let node = &self.trace.nodes[row];
        let [a, b] = node.args;
        let (ta, tb) = if numbers {
            (self.operand_num(a), self.operand_num(b))
        } else {
            (self.operand_sym(a), self.operand_sym(b))
        };
        let n_minus_1 = match b {
            Operand::Const(c) => self.names.num(c - 1.0),
            _ => String::new(),
        };
        node.op.partial_text(k, &ta, &tb, &n_minus_1, b.is_const())
    }

    fn forward(&self, step: Step) -> Explanation {
        let i = step.row;
        let node = &self.trace.nodes[i];
        let n = &self.names;
        let s = self.sweep;
        let consts = [node.args[0].is_const(), node.args[1].is_const()];
        let general = node.op.general_rule(consts).to_string();
        let v = n.num(s.value[i]);
        let t = n.num(s.tangent[i]);
        if node.op == Op::Input {
            let k = i;
            let seed = s.seed.get(k).copied().unwrap_or(0.0);
            return Explanation {
                step,
                general,
                value: Some(format!("{} = {v}", n.sym(i))),
                symbolic: format!("{} = {}", n.tangent(i), n.num(seed)),
                numeric: format!("(the seed of {})", n.sym(i)),
                terms: Vec::new(),
            };
        }
        let sym = n.sym(i);
        let vt = self.value_text(i, false);
        let vn = self.value_text(i, true);
        let value = if same(&vn, &v) || vn == vt {
            format!("{sym} = {vt} = {v}")
        } else {
            format!("{sym} = {vt} = {vn} = {v}")
        };
        let mut sym_terms = Vec::new();
        let mut num_terms = Vec::new();
        for k in 0..2 {
            let Operand::Row(r) = node.args[k] else {
                continue;
            };
            let r = r as usize;
            let sym_partial = self.partial_text(i, k, false);
            // The numbers follow the symbols' shape: a partial that is 1 by
            // its rule (a sum) is left out of both, but one that happens to
            // be 1 at this point (x·d1 with x = 1) is shown as 1·…
            let tangent = wrap(&n.num(s.tangent[r]));
            num_terms.push(match sym_partial.0.as_str() {
                "1" | "−1" | "-1" => term(sym_partial.clone(), &tangent),
                _ => times(self.partial_text(i, k, true), &tangent),
            });
            sym_terms.push(term(sym_partial, &n.tangent(r)));
        }
        if sym_terms.is_empty() {
            sym_terms.push("0".to_string());
            num_terms.push("0".to_string());
        }
        let symbolic = format!("{} = {}", n.tangent(i), sum(&sym_terms));
        let num_sum = sum(&num_terms);
        let numeric = if same(&num_sum, &t) {
            format!("= {t}")
        } else {
            format!("= {num_sum} = {t}")
        };
        Explanation {
            step,
            general,
            value: Some(value),
            symbolic,
            numeric,
            terms: Vec::new(),
        }
    }

    fn reverse(&self, step: Step) -> Explanation {
        let i = step.row;
        let n = &self.names;
        let s = self.sweep;
        let general = "x̄ᵢ = Σⱼ x̄ⱼ·∂xⱼ/∂xᵢ, summed over the rows j that use xᵢ".to_string();
        let bar = n.adjoint(i);
        let total = n.num(s.adjoint[i]);
        if i == self.trace.output() {
            return Explanation {
                step,
                general: "the output's adjoint is seeded: ∂f/∂f = 1".to_string(),
                value: None,
                symbolic: format!("{bar} = 1"),
                numeric: "(the seed)".to_string(),
                terms: Vec::new(),
            };
        }
        if !self.trace.nodes[i].reaches_output {
            return Explanation {
                step,
                general,
                value: None,
                symbolic: format!("{bar} = 0"),
                numeric: format!("(the output does not use {})", n.sym(i)),
                terms: Vec::new(),
            };
        }
        let mut terms = Vec::new();
        for &j in self.consumers().of(i) {
            let j = j as usize;
            let cn = &self.trace.nodes[j];
            if !cn.reaches_output {
                continue;
            }
            let mut partial = 0.0;
            let mut rule_sym = Vec::new();
            let mut rule_num = Vec::new();
            for k in 0..2 {
                if cn.args[k] == Operand::Row(i as u32) {
                    partial += s.partial[j][k];
                    rule_sym.push(self.partial_text(j, k, false).0);
                    rule_num.push(self.partial_text(j, k, true).0);
                }
            }
            let symbol = n.partial(j, i);
            let (rs, rn) = (sum(&rule_sym), sum(&rule_num));
            let p = n.num(partial);
            let partial_rule = if same(&rs, &p) {
                format!("{symbol} = {p}")
            } else if same(&rn, &p) || rs == rn {
                format!("{symbol} = {rs} = {p}")
            } else {
                format!("{symbol} = {rs} = {rn} = {p}")
            };
            terms.push(Term {
                consumer: j,
                adjoint: s.adjoint[j],
                partial,
                partial_symbol: symbol,
                partial_rule,
            });
        }
        let symbolic = format!(
            "{bar} = {}",
            terms
                .iter()
                .map(|t| format!("{}·{}", n.adjoint(t.consumer), t.partial_symbol))
                .collect::<Vec<_>>()
                .join(" + ")
        );
        let nums = terms
            .iter()
            .map(|t| format!("{}·{}", wrap(&n.num(t.adjoint)), wrap(&n.num(t.partial))))
            .collect::<Vec<_>>()
            .join(" + ");
        Explanation {
            step,
            general,
            value: None,
            symbolic,
            numeric: format!("= {nums} = {total}"),
            terms,
        }
    }
}

/// Two renderings of one number (`−0.5` in a rule, `-0.5` as a result):
/// saying `= −0.5 = -0.5` would add nothing.
fn same(a: &str, b: &str) -> bool {
    a.replace('−', "-") == b.replace('−', "-")
}

/// `partial·tangent`, dropping a partial of 1 and folding a −1 into a sign.
fn term((partial, compound): (String, bool), tangent: &str) -> String {
    match partial.as_str() {
        "1" => tangent.to_string(),
        "−1" | "-1" => format!("−{tangent}"),
        _ if compound => format!("({partial})·{tangent}"),
        _ => format!("{partial}·{tangent}"),
    }
}

/// `partial·tangent` with the partial always shown.
fn times((partial, compound): (String, bool), tangent: &str) -> String {
    if compound {
        format!("({partial})·{tangent}")
    } else {
        format!("{partial}·{tangent}")
    }
}

/// Join terms with + and −, so `a + −b` reads `a − b`.
fn sum(terms: &[String]) -> String {
    let mut out = String::new();
    for (k, t) in terms.iter().enumerate() {
        if k == 0 {
            out.push_str(t);
        } else if let Some(rest) = t.strip_prefix('−') {
            out.push_str(" − ");
            out.push_str(rest);
        } else {
            out.push_str(" + ");
            out.push_str(t);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::notation::{Notation, Style};
    use crate::core::sweep::both;
    use crate::core::syntax::parse;
    use crate::core::trace::{Options, build};

    fn setup(src: &str, point: &[f64]) -> (Trace, Sweep) {
        let t = build(src, &parse(src).unwrap(), Options::default()).unwrap();
        let mut seed = vec![0.0; t.n_inputs];
        seed[0] = 1.0;
        let s = both(&t, point, &seed);
        (t, s)
    }

    #[test]
    fn steps_cover_forward_then_reverse() {
        let (t, _) = setup("sin(x)*x", &[1.0]);
        let steps: Vec<(Phase, usize)> = all(&t).map(|s| (s.phase, s.row)).collect();
        assert_eq!(
            steps,
            [
                (Phase::Forward, 0),
                (Phase::Forward, 1),
                (Phase::Forward, 2),
                (Phase::Reverse, 2),
                (Phase::Reverse, 1),
                (Phase::Reverse, 0)
            ]
        );
        assert_eq!(step(&t, 6), None);
        assert_eq!(
            known(&t, 1, 2),
            Known {
                value: false,
                tangent: false,
                adjoint: false
            }
        );
        assert_eq!(
            known(&t, 3, 2),
            Known {
                value: true,
                tangent: true,
                adjoint: true
            }
        );
        assert!(!known(&t, 3, 1).adjoint);
        assert!(known(&t, 5, 0).adjoint);
    }

    #[test]
    fn forward_rule_at_three_levels() {
        let (t, s) = setup("W0 = 2; W1 = 1.2; y = 2; L = (W1*tanh(W0*x) - y)^2", &[1.0]);
        let ex = Explainer::new(&t, &s, Names::new(&t, Style::default()));
        let e = ex.explain(step(&t, 2).unwrap());
        assert_eq!(e.general, "d/dw tanh(g(w)) = (1 − tanh²(g(w)))·g′(w)");
        assert_eq!(e.symbolic, "d2 = (1 − tanh²(x1))·d1");
        assert_eq!(e.numeric, "= (1 − tanh²(2))·2 = 0.1413");
        assert_eq!(e.value.as_deref(), Some("x2 = tanh(x1) = tanh(2) = 0.964"));
        let e = ex.explain(step(&t, 1).unwrap());
        assert_eq!(e.symbolic, "d1 = 2·dx");
        assert_eq!(e.numeric, "= 2·1 = 2");
        let e = ex.explain(step(&t, 5).unwrap());
        assert_eq!(e.symbolic, "dL = 2·x4·d4");
        assert_eq!(e.numeric, "= 2·(-0.8432)·0.1696 = -0.2859");
        let e = ex.explain(step(&t, 0).unwrap());
        assert_eq!(e.symbolic, "dx = 1");
    }

    #[test]
    fn numbers_keep_the_shape_of_the_rule() {
        // x·d1 with x = 1 is shown as 1·…; the sum's own 1s are left out
        let (t, s) = setup("sin(x)*x + x", &[1.0]);
        let ex = Explainer::new(&t, &s, Names::new(&t, Style::default()));
        let e = ex.explain(step(&t, 2).unwrap());
        assert_eq!(e.symbolic, "d2 = x·d1 + x1·dx");
        assert_eq!(e.numeric, "= 1·0.5403 + 0.8415·1 = 1.3818");
        let e = ex.explain(step(&t, 3).unwrap());
        assert_eq!(e.symbolic, "d3 = d2 + dx");
        assert_eq!(e.numeric, "= 1.3818 + 1 = 2.3818");
    }

    #[test]
    fn fan_out_ledger() {
        let (t, s) = setup(
            "a = x^2; b = exp(a); c = a + b; d = sqrt(c); e = cos(c); f = d + e",
            &[1.0],
        );
        let ex = Explainer::new(&t, &s, Names::new(&t, Style::default()));
        // reverse step of c (row 3)
        let k = (0..count(&t))
            .find(|&k| {
                step(&t, k).unwrap()
                    == Step {
                        index: k,
                        phase: Phase::Reverse,
                        row: 3,
                    }
            })
            .unwrap();
        let e = ex.explain(step(&t, k).unwrap());
        assert_eq!(e.symbolic, "c\u{304} = d\u{304}·∂d/∂c + e\u{304}·∂e/∂c");
        // −sin(1 + e) = 0.545252 rounds to 0.5453 (the issue text truncates it to 0.5452)
        assert_eq!(e.numeric, "= 1·0.2593 + 1·0.5453 = 0.8045");
        assert_eq!(e.terms.len(), 2);
        assert_eq!(
            e.terms[0].partial_rule,
            "∂d/∂c = 1/(2·sqrt(c)) = 1/(2·sqrt(3.7183)) = 0.2593"
        );
        assert_eq!(
            e.terms.iter().map(|t| t.adjoint * t.partial).sum::<f64>(),
            s.adjoint[3]
        );
        let out = ex.explain(step(&t, reverse_start(&t)).unwrap());
        assert_eq!(out.symbolic, "f̄ = 1");
    }

    #[test]
    fn griewank_and_ascii() {
        let (t, s) = setup("f(x1, x2) = ln(x1) + x1*x2 - sin(x2)", &[2.0, 5.0]);
        let style = Style {
            notation: Notation::Griewank,
            ascii: true,
            precision: 4,
        };
        let ex = Explainer::new(&t, &s, Names::new(&t, style));
        let e = ex.explain(step(&t, 3).unwrap());
        assert_eq!(e.symbolic, "dot(v_2) = x2*dot(x1) + x1*dot(x2)");
        assert_eq!(e.numeric, "= 5*1 + 2*0 = 5");
        for st in all(&t) {
            let e = ex.explain(st);
            assert!(e.line().is_ascii() && e.general.is_ascii(), "{}", e.line());
        }
    }
}
