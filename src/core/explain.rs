//! What each step explains: the rule behind every number, at three levels
//! — the operation's general rule, the rule with this row's names, and the
//! same rule with numbers — and, for a reverse step, the fan-out ledger
//! term by term. Also a row's operation text, its warnings and the seed.
//!
//! Every rule is a math tree (`math::Text`) built from the operation's
//! record in `ops`; its numeric form is the same tree with the sweep's
//! numbers substituted, so numbers keep the symbols' shape. `Explainer`
//! renders them in the style's notation (`explain`), or hands out the trees
//! (`rules`) for other targets (LaTeX). Must not compute a derivative: the
//! numbers are the sweep's; which step is which is `schedule`'s.

use super::notation::Names;
use super::ops::math::{Math, Piece, Sym, Text, lit, num, prod, sum, sum_over, sym, times};
use super::ops::{Issue, Op};
use super::sweep::{Sweep, Warning};
use super::trace::{Consumers, Operand, Trace};

pub use super::schedule::{Known, Phase, Step};

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

/// A step explained at three levels, rendered in the style's notation.
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
    /// Reverse steps: one term per consumer, in order (the first
    /// `LEDGER_SHOWN` of them; see `more_terms`).
    pub terms: Vec<Term>,
    /// Consumers past the ones in `terms` (written `+ … (N more terms)`).
    pub more_terms: usize,
}

/// How many consumers a reverse step writes out: a row used a million
/// times is explained in what fits on a screen, not in a million terms.
/// (`Explainer::explain_all` writes every one, for exports.)
pub const LEDGER_SHOWN: usize = 12;

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

/// A step's texts in buffers kept from step to step (exports): those of
/// `Explanation`, without a new string for each.
#[derive(Clone, Debug, Default)]
pub struct Texts {
    pub general: String,
    /// Which general rule `general` is (None before the first step).
    pub rule: Option<General>,
    /// Forward steps' value update (when `has_value`).
    pub value: String,
    pub has_value: bool,
    pub symbolic: String,
    pub numeric: String,
    /// (consumer, its adjoint, ∂consumer/∂row, the partial's rule); the
    /// first `terms_used` are this step's.
    terms: Vec<(usize, f64, f64, String)>,
    terms_used: usize,
    pub more_terms: usize,
    /// Whether every word of this step's texts is `visible::plain`: with
    /// plain names, the texts then need no escaping (symbols, numbers and
    /// operators are plain).
    pub plain_words: bool,
}

impl Texts {
    /// A reverse step's terms: (consumer, adjoint, partial, rule).
    pub fn terms(&self) -> impl Iterator<Item = (usize, f64, f64, &str)> {
        self.terms[..self.terms_used]
            .iter()
            .map(|(c, a, p, r)| (*c, *a, *p, r.as_str()))
    }
}

/// Which general rule a step follows: a key, its tree made on demand
/// (`text`), so a million steps following a few dozen rules build them
/// once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum General {
    /// The operation's chain rule; which operands are constants.
    Op(Op, [bool; 2]),
    /// The single output's adjoint is seeded (`∂L/∂L = 1`).
    Seed(u32),
    /// The outputs' adjoints are seeded with the cotangent.
    Cotangent,
    /// An adjoint sums its consumers' contributions.
    Adjoint,
}

impl General {
    pub fn text(self) -> Text {
        match self {
            General::Op(op, consts) => op.general_rule(consts),
            General::Seed(o) => Text::words("the output's adjoint is seeded: ")
                .m(sym(Sym::Partial(o, o)))
                .w(" = 1"),
            General::Cotangent => Text::words(
                "the outputs' adjoints are seeded with the cotangent: one reverse sweep computes its product with the Jacobian",
            ),
            General::Adjoint => Text::chain([
                sym(Sym::GenAdj('i')),
                sum_over(
                    'j',
                    prod(vec![sym(Sym::GenAdj('j')), sym(Sym::GenPartial('j', 'i'))]),
                ),
            ])
            .w(", summed over the rows j that use ")
            .m(sym(Sym::GenVal('i'))),
        }
    }
}

/// A step's rules as trees, before any notation.
#[derive(Clone, Debug, PartialEq)]
pub struct Rules {
    pub step: Step,
    pub general: General,
    pub value: Option<Text>,
    pub update: Text,
    /// Starts with `=` (the numbers of `update`) or is a note in words.
    pub numbers: Text,
    pub terms: Vec<TermRules>,
    /// Consumers left out of `terms` and of the sums.
    pub more: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TermRules {
    pub consumer: usize,
    pub adjoint: f64,
    pub partial: f64,
    pub rule: Text,
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
    /// General rules rendered so far, with their text.
    general: std::cell::RefCell<Vec<(General, String)>>,
}

/// A chain `lhs = symbols = numbers = result` without the links that add
/// nothing: numbers identical to the symbols (a rule with no symbols),
/// numbers that are already one number, and a result after a literal.
/// Decided on the trees' shapes, never on how the numbers print.
fn chain(lhs: Math, symbols: Math, numbers: Math, result: Math) -> Text {
    let keep = numbers != symbols && !numbers.is_number();
    let last = if keep { &numbers } else { &symbols };
    let lit = matches!(last, Math::Lit(_));
    Text::chain(
        [
            Some(lhs),
            Some(symbols),
            keep.then_some(numbers),
            (!lit).then_some(result),
        ]
        .into_iter()
        .flatten(),
    )
}

/// Whether a rule's arithmetic gives the sweep's number (to rounding;
/// NaN agrees with NaN, an infinity with itself).
fn agrees(written: f64, number: f64) -> bool {
    if written.is_nan() || number.is_nan() {
        return written.is_nan() && number.is_nan();
    }
    if written.is_infinite() || number.is_infinite() {
        return written == number;
    }
    (written - number).abs() <= 1e-9 * (1.0 + written.abs().max(number.abs()))
}

impl<'t> Explainer<'t> {
    pub fn new(trace: &'t Trace, sweep: &'t Sweep, names: Names<'t>) -> Explainer<'t> {
        Explainer {
            trace,
            sweep,
            names,
            shared: None,
            consumers: std::cell::OnceCell::new(),
            general: Default::default(),
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

    /// The step explained in the style's notation.
    pub fn explain(&self, step: Step) -> Explanation {
        self.explain_up_to(step, LEDGER_SHOWN)
    }

    /// The same with every consumer of a reverse step written out.
    pub fn explain_all(&self, step: Step) -> Explanation {
        self.explain_up_to(step, usize::MAX)
    }

    fn explain_up_to(&self, step: Step, limit: usize) -> Explanation {
        let mut t = Texts::default();
        self.texts_up_to(step, limit, &mut t);
        let n = &self.names;
        let Texts {
            general,
            value,
            symbolic,
            numeric,
            mut terms,
            ..
        } = t;
        terms.truncate(t.terms_used);
        Explanation {
            step,
            general,
            value: t.has_value.then_some(value),
            symbolic,
            numeric,
            terms: terms
                .into_iter()
                .map(|(consumer, adjoint, partial, partial_rule)| Term {
                    consumer,
                    adjoint,
                    partial,
                    partial_symbol: n.partial(consumer, step.row),
                    partial_rule,
                })
                .collect(),
            more_terms: t.more_terms,
        }
    }

    /// The step's texts with every consumer of a reverse step, written
    /// into `t`'s buffers (exports of millions of steps reuse them): what
    /// `explain_all` holds.
    pub fn texts_all(&self, step: Step, t: &mut Texts) {
        self.texts_up_to(step, usize::MAX, t);
    }

    fn texts_up_to(&self, step: Step, limit: usize, t: &mut Texts) {
        let r = self.rules_up_to(step, limit);
        let n = &self.names;
        if t.rule != Some(r.general) {
            t.general.clear();
            self.push_general(&mut t.general, r.general);
            t.rule = Some(r.general);
        }
        t.value.clear();
        t.has_value = r.value.is_some();
        if let Some(v) = &r.value {
            n.push_text(&mut t.value, v);
        }
        t.symbolic.clear();
        n.push_text(&mut t.symbolic, &r.update);
        t.numeric.clear();
        n.push_text(&mut t.numeric, &r.numbers);
        let blank = t.numeric.len() - t.numeric.trim_start().len();
        t.numeric.drain(..blank);
        for (k, tr) in r.terms.iter().enumerate() {
            if k == t.terms.len() {
                t.terms.push(Default::default());
            }
            let term = &mut t.terms[k];
            (term.0, term.1, term.2) = (tr.consumer, tr.adjoint, tr.partial);
            term.3.clear();
            n.push_text(&mut term.3, &tr.rule);
        }
        t.terms_used = r.terms.len();
        t.more_terms = r.more;
        let words = |x: &Text| {
            x.0.iter().all(|p| match p {
                Piece::Words(w) => super::visible::plain(w),
                _ => true,
            })
        };
        t.plain_words = r.value.as_ref().is_none_or(words)
            && words(&r.update)
            && words(&r.numbers)
            && r.terms.iter().all(|tr| words(&tr.rule));
    }

    /// A general rule's text, appended: the few distinct ones are rendered
    /// once (an export explains a million steps with a few dozen rules).
    fn push_general(&self, out: &mut String, rule: General) {
        let mut seen = self.general.borrow_mut();
        if let Some((_, text)) = seen.iter().find(|(r, _)| *r == rule) {
            out.push_str(text);
            return;
        }
        let text = self.names.text(&rule.text());
        out.push_str(&text);
        if seen.len() < 64 {
            seen.push((rule, text));
        }
    }

    /// An operand as a tree: a row's symbol, or the constant as written.
    fn operand(a: Operand) -> Math {
        match a {
            Operand::Row(r) => sym(Sym::Val(r)),
            Operand::Const(c) => lit(c),
            Operand::None => lit(0.0),
        }
    }

    /// The number behind a symbol in this sweep.
    fn number(&self, s: Sym) -> Option<f64> {
        let sw = self.sweep;
        match s {
            Sym::Val(r) => sw.value.get(r as usize).copied(),
            Sym::Tan(r) => sw.tangent.get(r as usize).copied(),
            Sym::Adj(r) => sw.adjoint.get(r as usize).copied(),
            Sym::Partial(j, i) => Some(self.partial_of(j as usize, i as usize)),
            _ => None,
        }
    }

    fn numbers(&self, m: &Math) -> Math {
        m.substitute(&|s| self.number(s))
    }

    /// ∂row j/∂row i: the sum over the operand slots of j holding i.
    fn partial_of(&self, j: usize, i: usize) -> f64 {
        let node = &self.trace.nodes[j];
        (0..2)
            .filter(|&k| node.row_arg(k) == Some(i as u32))
            .map(|k| self.sweep.partial[j][k])
            .sum()
    }

    /// A row's value rule as a tree (`tanh(x1)`), or `None` for an input.
    pub fn value_rule(&self, row: usize) -> Option<Math> {
        let node = &self.trace.nodes[row];
        if node.op == Op::Input {
            return None;
        }
        let [a, b] = self.trace.operands(node);
        Some(node.op.value_rule(Self::operand(a), Self::operand(b)))
    }

    /// The table's operation cell: `tanh(x1)`, or `input`.
    pub fn op_rule(&self, row: usize) -> Text {
        match self.value_rule(row) {
            Some(m) => Text::math(m),
            None => Text::words("input"),
        }
    }

    /// The operation cell in the style's notation.
    pub fn op_text(&self, row: usize) -> String {
        self.names.text(&self.op_rule(row))
    }

    /// `op_text`, appended.
    pub fn push_op_text(&self, out: &mut String, row: usize) {
        self.names.push_text(out, &self.op_rule(row));
    }

    /// `c = a + b` (a row and its rule), `x (input)` for an input.
    pub fn definition(&self, row: usize) -> Text {
        let s = sym(Sym::Val(row as u32));
        match self.value_rule(row) {
            Some(m) => Text::chain([s, m]),
            None => Text::math(s).w(" (input)"),
        }
    }

    /// The local partial of `row` w.r.t. operand slot k as a tree.
    fn partial_rule(&self, row: usize, k: usize) -> Math {
        let node = &self.trace.nodes[row];
        let [a, b] = self.trace.operands(node);
        node.op
            .partial_rule(k, &Self::operand(a), &Self::operand(b))
    }

    /// The rules of a step as trees, every consumer of a reverse step
    /// written out (exports that render them in another target: LaTeX).
    pub fn rules_all(&self, step: Step) -> Rules {
        self.rules_up_to(step, usize::MAX)
    }

    /// The rules of a step, as trees, with at most `limit` consumers
    /// written out in a reverse step.
    fn rules_up_to(&self, step: Step, limit: usize) -> Rules {
        match step.phase {
            Phase::Forward => self.forward(step),
            Phase::Reverse => self.reverse(step, limit),
        }
    }

    fn forward(&self, step: Step) -> Rules {
        let i = step.row;
        let node = &self.trace.nodes[i];
        let s = self.sweep;
        let consts = [node.is_const(0), node.is_const(1)];
        let general = General::Op(node.op, consts);
        let me = sym(Sym::Val(i as u32));
        let dme = sym(Sym::Tan(i as u32));
        if node.op == Op::Input {
            let seed = s.seed.get(i).copied().unwrap_or(0.0);
            return Rules {
                step,
                general,
                value: Some(Text::chain([me.clone(), num(s.value[i])])),
                update: Text::chain([dme, lit(seed)]),
                numbers: Text::words("(the seed of ").m(me).w(")"),
                terms: Vec::new(),
                more: 0,
            };
        }
        let vsym = self.value_rule(i).unwrap_or(lit(0.0));
        let vnum = self.numbers(&vsym);
        let value = chain(me, vsym, vnum, num(s.value[i]));
        let terms: Vec<Math> = (0..2)
            .filter_map(|k| {
                let r = node.row_arg(k)?;
                Some(times(self.partial_rule(i, k), sym(Sym::Tan(r))))
            })
            .collect();
        let tsym = sum(terms);
        let tnum = self.numbers(&tsym);
        let mut numbers = Text::equals();
        // The numbers are written out only where their arithmetic gives the
        // sweep's number; else the convention that decided it is stated
        // (never `ln(-1)… = -1`, never `inf·0 = 0` without a word).
        let caveat = if self.outside_domain(i) {
            Some(self.domain_note(i))
        } else if !agrees(tnum.eval(&|_| f64::NAN), s.tangent[i]) {
            Some(
                self.structural_note(i)
                    .unwrap_or_else(|| self.convention_note(i)),
            )
        } else {
            None
        };
        if let Some(note) = caveat {
            numbers.0.push(Piece::Math(num(s.tangent[i])));
            numbers.0.extend(note.0);
        } else if !tnum.is_number() {
            numbers.push_chain([tnum, num(s.tangent[i])]);
        } else {
            numbers.0.push(Piece::Math(num(s.tangent[i])));
        }
        Rules {
            step,
            general,
            value: Some(value),
            update: Text::chain([dme, tsym]),
            numbers,
            terms: Vec::new(),
            more: 0,
        }
    }

    fn reverse(&self, step: Step, limit: usize) -> Rules {
        let i = step.row;
        let s = self.sweep;
        let bar = sym(Sym::Adj(i as u32));
        let outputs = self.trace.outputs();
        let seed = outputs
            .clone()
            .position(|r| r == i)
            .map(|k| s.cotangent.get(k).copied().unwrap_or(0.0));
        let consumed = self
            .consumers()
            .of(i)
            .iter()
            .any(|&j| self.trace.nodes[j as usize].reaches_output);
        if let Some(c) = seed
            && !consumed
        {
            let o = i as u32;
            let (general, numbers) = if outputs.len() == 1 {
                (General::Seed(o), Text::words("(the seed)"))
            } else {
                (
                    General::Cotangent,
                    Text::words("(this output's entry of the cotangent)"),
                )
            };
            return Rules {
                step,
                general,
                value: None,
                update: Text::chain([bar, lit(c)]),
                numbers,
                terms: Vec::new(),
                more: 0,
            };
        }
        let general = General::Adjoint;
        if !self.trace.nodes[i].reaches_output {
            return Rules {
                step,
                general,
                value: None,
                update: Text::chain([bar, lit(0.0)]),
                numbers: Text::words("(the output does not use ")
                    .m(sym(Sym::Val(i as u32)))
                    .w(")"),
                terms: Vec::new(),
                more: 0,
            };
        }
        let n = self.consumers().of(i).len().min(limit) + 1;
        let mut terms = Vec::with_capacity(n);
        let mut sym_terms = Vec::with_capacity(n);
        let mut num_terms = Vec::with_capacity(n);
        let mut more = 0;
        for &j in self.consumers().of(i) {
            let j = j as usize;
            let cn = &self.trace.nodes[j];
            if !cn.reaches_output {
                continue;
            }
            if terms.len() >= limit {
                more += 1;
                continue;
            }
            let rs = sum((0..2)
                .filter(|&k| cn.row_arg(k) == Some(i as u32))
                .map(|k| self.partial_rule(j, k))
                .collect());
            let rn = self.numbers(&rs);
            let p = self.partial_of(j, i);
            let symbol = sym(Sym::Partial(j as u32, i as u32));
            sym_terms.push(prod(vec![sym(Sym::Adj(j as u32)), symbol.clone()]));
            num_terms.push(Math::Prod(vec![num(s.adjoint[j]), num(p)]));
            let rule = if self.outside_domain(j) {
                let mut t = Text::chain([symbol.clone(), rs, num(p)]);
                t.0.extend(self.domain_note(j).0);
                t
            } else if !agrees(rn.eval(&|_| f64::NAN), p) {
                let mut t = Text::chain([symbol.clone(), rs, num(p)]);
                t.0.extend(self.convention_note(j).0);
                t
            } else {
                chain(symbol.clone(), rs, rn, num(p))
            };
            terms.push(TermRules {
                consumer: j,
                adjoint: s.adjoint[j],
                partial: p,
                rule,
            });
        }
        // An output that other outputs also use starts from its seed.
        if let Some(c) = seed {
            sym_terms.insert(0, lit(c));
            num_terms.insert(0, lit(c));
        }
        let mut numbers = Text::equals();
        let mut update = Text::chain([bar, sum(sym_terms)]);
        if more == 0 {
            numbers.push_chain([sum(num_terms), num(s.adjoint[i])]);
        } else {
            let rest = format!(" + … ({more} more terms)");
            update = update.w(rest.clone());
            numbers = numbers.m(sum(num_terms)).w(rest);
            numbers.0.push(Piece::Equals);
            numbers = numbers.m(num(s.adjoint[i]));
        }
        Rules {
            step,
            general,
            value: None,
            update,
            numbers,
            terms,
            more,
        }
    }

    /// Whether row `i`'s operation is outside its domain at the point (so
    /// its partials are NaN, whatever its rule's formula would give).
    fn outside_domain(&self, i: usize) -> bool {
        let node = &self.trace.nodes[i];
        if node.op == Op::Input {
            return false;
        }
        let v = |a: Operand| match a {
            Operand::Row(r) => self.sweep.value[r as usize],
            Operand::Const(c) => c,
            Operand::None => 0.0,
        };
        let [a, b] = self.trace.operands(node);
        matches!(
            node.op.check(v(a), v(b), a.is_const(), b.is_const()),
            Some(Issue::Domain(_))
        )
    }

    fn domain_note(&self, i: usize) -> Text {
        Text::words(format!(
            "   (outside the domain of {} there is no derivative: its partials are NaN)",
            self.trace.nodes[i].op.name()
        ))
    }

    /// A term the tangent sweep took as 0 because its operand's tangent is
    /// structurally 0, though its partial is not finite (`inf·0`).
    fn structural_note(&self, i: usize) -> Option<Text> {
        let node = &self.trace.nodes[i];
        let s = self.sweep;
        (0..2).find_map(|k| {
            let r = node.row_arg(k)?;
            (!s.seeded[r as usize] && !s.partial[i][k].is_finite()).then(|| {
                Text::words("   (")
                    .m(sym(Sym::Tan(r)))
                    .w(" is exactly 0 because ")
                    .m(sym(Sym::Val(r)))
                    .w(" does not depend on the seeded inputs, so its term counts as 0 though ")
                    .m(sym(Sym::Partial(i as u32, r)))
                    .w(" is not finite: the structural-zero convention)")
            })
        })
    }

    /// The convention a row's warning states (a limit, a kink's value).
    fn convention_note(&self, i: usize) -> Text {
        match self.sweep.warnings_at(i).next() {
            Some(w) => Text::words(format!("   (by convention: {})", w.cause)),
            None => Text::words("   (the formula's arithmetic does not apply here)"),
        }
    }

    /// A warning as a sentence: the row, its operation and the cause.
    pub fn warning(&self, w: &Warning) -> String {
        let n = &self.names;
        let row = w.row as usize;
        let what = match self.value_rule(row) {
            Some(m) => format!("{} = {}", n.label(row), n.math(&m)),
            None => format!("{} (input {})", n.label(row), n.sym(row)),
        };
        n.out(format!("{what}: {}: {}", w.kind.name(), w.cause))
    }

    /// The seed direction as text: `x = 1` or `x1 = 1, x2 = 0.5`.
    pub fn seed_text(&self) -> String {
        let parts: Vec<String> = self
            .trace
            .input_names()
            .zip(&self.sweep.seed)
            .filter(|(_, s)| **s != 0.0)
            .map(|(n, s)| format!("{n} = {}", self.names.num(*s)))
            .collect();
        if parts.is_empty() {
            "0".to_string()
        } else {
            self.names.out(parts.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::notation::{Notation, Style, fixed};
    use crate::core::ops::math::Math;
    use crate::core::ops::{ALL, Op};
    use crate::core::schedule::Schedule;
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

    fn step(t: &Trace, k: usize) -> Step {
        Schedule::single(t.len()).step(k).unwrap()
    }

    #[test]
    fn forward_rule_at_three_levels() {
        let (t, s) = setup("W0 = 2; W1 = 1.2; y = 2; L = (W1*tanh(W0*x) - y)^2", &[1.0]);
        let ex = Explainer::new(&t, &s, Names::new(&t, Style::default()));
        let e = ex.explain(step(&t, 2));
        assert_eq!(e.general, "d/dw tanh(g(w)) = (1 − tanh²(g(w)))·g′(w)");
        assert_eq!(e.symbolic, "d2 = (1 − tanh²(x1))·d1");
        assert_eq!(e.numeric, "= (1 − tanh²(2))·2 = 0.1413");
        assert_eq!(e.value.as_deref(), Some("x2 = tanh(x1) = tanh(2) = 0.964"));
        // the lecture's d_i, whatever the row's name: d1 = 2·d0, d5 = 2·x4·d4
        let e = ex.explain(step(&t, 1));
        assert_eq!(e.symbolic, "d1 = 2·d0");
        assert_eq!(e.numeric, "= 2·1 = 2");
        let e = ex.explain(step(&t, 5));
        assert_eq!(e.symbolic, "d5 = 2·x4·d4");
        assert_eq!(e.numeric, "= 2·(-0.84317)·0.16956 = -0.2859");
        assert_eq!(e.value.as_deref(), Some("L = x4² = (-0.84317)² = 0.7109"));
        let e = ex.explain(step(&t, 0));
        assert_eq!(e.symbolic, "d0 = 1");
        assert_eq!(e.numeric, "(the seed of x)");
        // the output's seed names the output
        let e = ex.explain(step(&t, 6));
        assert_eq!(e.general, "the output's adjoint is seeded: ∂L/∂L = 1");
        assert_eq!(e.symbolic, "L̄ = 1");
    }

    /// A literal exponent is written as it is, at any precision, and the
    /// power rule's n − 1 is the exponent's own (x^2.4, not x² = 5).
    #[test]
    fn a_power_keeps_its_exponent() {
        let (t, s) = setup("x^2.4", &[2.0]);
        let style = Style {
            precision: 1,
            ..Style::default()
        };
        let ex = Explainer::new(&t, &s, Names::new(&t, style));
        let e = ex.explain(step(&t, 1));
        assert_eq!(e.value.as_deref(), Some("x1 = x^2.4 = 2^2.4 = 5"));
        assert_eq!(e.symbolic, "d1 = 2.4·x^1.4·d0");
        assert_eq!(ex.op_text(1), "x^2.4");
        assert_eq!(e.general, "d/dw g(w)^n = n·g(w)^(n − 1)·g′(w)");
    }

    #[test]
    fn numbers_keep_the_shape_of_the_rule() {
        // x·d1 with x = 1 is shown as 1·…; the sum's own 1s are left out
        let (t, s) = setup("sin(x)*x + x", &[1.0]);
        let ex = Explainer::new(&t, &s, Names::new(&t, Style::default()));
        let e = ex.explain(step(&t, 2));
        assert_eq!(e.symbolic, "d2 = x·d1 + x1·d0");
        assert_eq!(e.numeric, "= 1·0.5403 + 0.8415·1 = 1.382");
        let e = ex.explain(step(&t, 3));
        assert_eq!(e.symbolic, "d3 = d2 + d0");
        assert_eq!(e.numeric, "= 1.382 + 1 = 2.382");
    }

    #[test]
    fn a_large_fan_out_is_summarised() {
        // x is used by 30 rows: f = Σ sin(x + i), so x̄ = Σ cos(1 + i).
        let n = 30;
        let stmts: Vec<String> = (0..n).map(|i| format!("v{i} = sin(x + {i})")).collect();
        let all: Vec<String> = (0..n).map(|i| format!("v{i}")).collect();
        let src = format!("{}; f = {}", stmts.join("; "), all.join(" + "));
        let (t, s) = setup(&src, &[1.0]);
        let want: f64 = (0..n).map(|i| (1.0 + f64::from(i)).cos()).sum();
        assert!((s.adjoint[0] - want).abs() < 1e-12);
        let ex = Explainer::new(&t, &s, Names::new(&t, Style::default()));
        let sch = Schedule::single(t.len());
        let st = step(&t, sch.index_of(Phase::Reverse, 0, 0).unwrap());
        let e = ex.explain(st);
        assert_eq!(
            (e.terms.len(), e.more_terms),
            (LEDGER_SHOWN, 30 - LEDGER_SHOWN)
        );
        let rest = format!("+ … ({} more terms)", 30 - LEDGER_SHOWN);
        assert!(e.symbolic.ends_with(&rest), "{}", e.symbolic);
        assert!(
            e.numeric.ends_with(&format!("{rest} = {}", fixed(want, 4))),
            "{}",
            e.numeric
        );
        let all = ex.explain_all(st);
        assert_eq!((all.terms.len(), all.more_terms), (30, 0));
        let total: f64 = all.terms.iter().map(|t| t.adjoint * t.partial).sum();
        assert!((total - want).abs() < 1e-12);
    }

    #[test]
    fn fan_out_ledger() {
        let (t, s) = setup(
            "a = x^2; b = exp(a); c = a + b; d = sqrt(c); e = cos(c); f = d + e",
            &[1.0],
        );
        let ex = Explainer::new(&t, &s, Names::new(&t, Style::default()));
        let sch = Schedule::single(t.len());
        let k = sch.index_of(Phase::Reverse, 0, 3).unwrap();
        let e = ex.explain(step(&t, k));
        assert_eq!(e.symbolic, "c\u{304} = d\u{304}·∂d/∂c + e\u{304}·∂e/∂c");
        // −sin(1 + e) = 0.545252 rounds to 0.5453
        assert_eq!(e.numeric, "= 1·0.2593 + 1·0.54525 = 0.8045");
        assert_eq!(e.terms.len(), 2);
        assert_eq!(
            e.terms[0].partial_rule,
            "∂d/∂c = 1/(2·sqrt(c)) = 1/(2·sqrt(3.718)) = 0.2593"
        );
        assert_eq!(
            e.terms.iter().map(|t| t.adjoint * t.partial).sum::<f64>(),
            s.adjoint[3]
        );
        let a = ex.explain(step(&t, sch.index_of(Phase::Reverse, 0, 1).unwrap()));
        assert_eq!(a.terms[1].partial_rule, "∂c/∂a = 1");
        assert_eq!(
            a.general,
            "x̄ᵢ = Σⱼ x̄ⱼ·∂xⱼ/∂xᵢ, summed over the rows j that use xᵢ"
        );
        let out = ex.explain(step(&t, sch.start_of(Phase::Reverse)));
        assert_eq!(out.symbolic, "f̄ = 1");
        // d = sqrt(c): d4 = d3/(2·sqrt(c)), as the general rule g′/(2·sqrt(g))
        let e = ex.explain(step(&t, 4));
        assert_eq!(e.symbolic, "d4 = d3/(2·sqrt(c))");
        assert_eq!(e.general, "d/dw sqrt(g(w)) = g′(w)/(2·sqrt(g(w)))");
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
        let e = ex.explain(step(&t, 3));
        assert_eq!(e.symbolic, "dot(v_2) = x2*dot(x1) + x1*dot(x2)");
        assert_eq!(e.numeric, "= 5*1 + 2*0 = 5");
        for st in Schedule::single(t.len()).steps() {
            let e = ex.explain(st);
            assert!(e.line().is_ascii() && e.general.is_ascii(), "{}", e.line());
        }
        // the reverse rule speaks Griewank's v̄ in Unicode too
        let uni = Explainer::new(
            &t,
            &s,
            Names::new(
                &t,
                Style {
                    ascii: false,
                    ..style
                },
            ),
        );
        let e = uni.explain(step(&t, 8));
        assert_eq!(
            e.general,
            "v̄ᵢ = Σⱼ v̄ⱼ·∂vⱼ/∂vᵢ, summed over the rows j that use vᵢ"
        );
        let e = ex.explain(step(&t, 8));
        assert_eq!(
            e.general,
            "bar(v_i) = sum_j bar(v_j)*dv_j/dv_i, summed over the rows j that use v_i"
        );
    }

    /// A rule never writes arithmetic that does not give its number: no
    /// `1/(-1) = NaN`, no `inf·0 = 0` without the convention said.
    #[test]
    fn rules_state_their_conventions() {
        let (t, s) = setup("ln(x)", &[-1.0]);
        let ex = Explainer::new(&t, &s, Names::new(&t, Style::default()));
        let e = ex.explain(step(&t, 1));
        assert_eq!(
            e.numeric,
            "= NaN   (outside the domain of ln there is no derivative: its partials are NaN)"
        );
        // the issue's `ln(-2)·(-2)^3·0 = 12`
        let (t, s) = setup("x^y", &[-2.0, 3.0]);
        let ex = Explainer::new(&t, &s, Names::new(&t, Style::default()));
        let e = ex.explain(step(&t, 2));
        assert!(
            e.numeric.starts_with("= NaN   (outside the domain of pow"),
            "{}",
            e.numeric
        );
        // a structural zero times an infinite partial
        let (t, s) = setup("x + sqrt(y)", &[1.0, 0.0]);
        let ex = Explainer::new(&t, &s, Names::new(&t, Style::default()));
        let e = ex.explain(step(&t, 2));
        assert_eq!(e.symbolic, "d2 = d1/(2·sqrt(y))");
        assert!(
            e.numeric
                .starts_with("= 0   (d1 is exactly 0 because y does not depend")
        );
        assert!(e.numeric.contains("structural-zero convention"));
        // a limit: ∂(x^y)/∂y at x = 0 is 0, not ln(0)·0^2
        let (t, s) = setup("x^y", &[0.0, 2.0]);
        let ex = Explainer::new(&t, &s, Names::new(&t, Style::default()));
        let e = ex.explain(step(&t, 2));
        assert!(
            e.numeric.starts_with("= 0   (by convention: a^b at a = 0"),
            "{}",
            e.numeric
        );
        let sch = Schedule::single(t.len());
        // ∂x2/∂y in the ledger of ȳ: the limit, stated
        let k = sch.index_of(Phase::Reverse, 0, 1).unwrap();
        let e = ex.explain(step(&t, k));
        assert_eq!(e.numeric, "= 1·0 = 0");
        // where the arithmetic holds, it is written as before
        let (t, s) = setup("ln(x)", &[2.0]);
        let ex = Explainer::new(&t, &s, Names::new(&t, Style::default()));
        assert_eq!(ex.explain(step(&t, 1)).numeric, "= 1/2 = 0.5");
    }

    /// The number a constant program evaluates to, by adtrace's own parser
    /// and trace (literals fold).
    fn evaluate_text(text: &str) -> f64 {
        let p = parse(text).unwrap_or_else(|d| panic!("'{text}' does not parse: {d:?}"));
        let t = build(text, &p, Options::default()).unwrap();
        match t.args(0)[0] {
            Operand::Const(c) => c,
            _ => panic!("'{text}' is not constant"),
        }
    }

    fn close(a: f64, b: f64) -> bool {
        a == b || (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
    }

    /// Every operation's rule texts mean their numbers: the value rule and
    /// each partial, with the row's numbers in place of the symbols, give
    /// the sweep's value and partial — as trees, and as the ASCII text read
    /// back by adtrace's own parser. (This is what `2² = 5` failed.)
    #[test]
    fn every_rule_text_equals_its_number() {
        let points = [(0.7, 1.3), (-0.4, 2.0), (1.9, -0.6), (2.5, 0.5), (2.0, 2.4)];
        let full = Style {
            ascii: true,
            precision: 17,
            ..Style::default()
        };
        for op in ALL {
            if matches!(op, Op::Input | Op::Const | Op::Id) {
                continue;
            }
            for &(a, b) in &points {
                // rows x and y, or x and the constant b
                for b_const in [false, true] {
                    if op.arity() == 1 && b_const {
                        continue;
                    }
                    let src = match (op.arity(), b_const, op) {
                        (1, _, Op::Neg) => "-x".to_string(),
                        (1, _, _) => format!("{}(x)", op.name()),
                        (_, true, _) => format!("x {} {b}", symbol_of(op)),
                        _ => format!("x {} y", symbol_of(op)),
                    };
                    let pt: Vec<f64> = if op.arity() == 2 && !b_const {
                        vec![a, b]
                    } else {
                        vec![a]
                    };
                    let t = build(&src, &parse(&src).unwrap(), Options::default()).unwrap();
                    let s = both(&t, &pt, &vec![1.0; pt.len()]);
                    let row = t.output();
                    if !s.value[row].is_finite() || s.warnings_at(row).next().is_some() {
                        continue;
                    }
                    let ex = Explainer::new(&t, &s, Names::new(&t, full));
                    let rule = ex.value_rule(row).unwrap();
                    let with_numbers = ex.numbers(&rule);
                    assert!(
                        close(with_numbers.eval(&|_| f64::NAN), s.value[row]),
                        "{src}"
                    );
                    let text = ex.names.math(&with_numbers);
                    assert!(close(evaluate_text(&text), s.value[row]), "{src}: {text}");
                    for k in 0..2 {
                        if t.nodes[row].row_arg(k).is_none() {
                            continue;
                        }
                        let p = ex.numbers(&ex.partial_rule(row, k));
                        assert!(
                            close(p.eval(&|_| f64::NAN), s.partial[row][k]),
                            "{src} ∂/∂{k}: {p:?} vs {}",
                            s.partial[row][k]
                        );
                        if !matches!(op, Op::Relu | Op::Abs) {
                            let text = ex.names.math(&p);
                            assert!(
                                close(evaluate_text(&text), s.partial[row][k]),
                                "{src} ∂/∂{k}: {text} vs {}",
                                s.partial[row][k]
                            );
                        }
                    }
                }
            }
        }
    }

    fn symbol_of(op: Op) -> &'static str {
        match op {
            Op::Add => "+",
            Op::Sub => "-",
            Op::Mul => "*",
            Op::Div => "/",
            _ => "^",
        }
    }

    /// The general rule, read at g(w) = a row, is the tangent rule: the same
    /// partials in the same order.
    #[test]
    fn general_rules_read_like_the_lecture() {
        let g = |op: Op, c: [bool; 2]| {
            let t = Trace::default();
            Names::new(&t, Style::default()).text(&op.general_rule(c))
        };
        assert_eq!(
            g(Op::Div, [false, false]),
            "d/dw (g(w)/h(w)) = g′(w)/h(w) − g(w)·h′(w)/h(w)²"
        );
        assert_eq!(g(Op::Mul, [true, false]), "d/dw (c·g(w)) = c·g′(w)");
        assert_eq!(g(Op::Sub, [true, false]), "d/dw (c − g(w)) = −g′(w)");
        assert_eq!(
            g(Op::Pow, [true, false]),
            "d/dw c^g(w) = ln(c)·c^g(w)·g′(w)"
        );
        assert_eq!(
            g(Op::Relu, [false, false]),
            "d/dw relu(g(w)) = [g(w) > 0]·g′(w)   (relu′(0) = 0)"
        );
        assert_eq!(g(Op::Const, [true, false]), "d/dw c = 0");
        assert_eq!(
            g(Op::Cos, [false, false]),
            "d/dw cos(g(w)) = −sin(g(w))·g′(w)"
        );
        let _ = Math::Lit(0.0);
    }
}
