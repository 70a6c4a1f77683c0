//! Rule text as data (the operation records' templates): a small math tree (symbols, numbers, sums, products,
//! quotients, powers, calls) and texts made of such trees and words.
//!
//! Every rule the user reads — an operation's value rule and partials, the
//! general chain rule, the tangent and adjoint updates, the seed rules — is
//! built here as a tree by `ops` and `explain`, and only `notation` turns a
//! tree into characters (Unicode, ASCII or LaTeX), so one rule reads the
//! same in every view. The numeric form of a rule is the same tree with its
//! symbols replaced by numbers (`substitute`), so numbers always keep the
//! shape of the symbols, and a tree can be evaluated (`eval`) to check that
//! its text means the number shown.
//!
//! Must not format anything, know about traces or rows beyond their
//! indices, or decide how a symbol is named.

use std::borrow::Cow;

use super::Op;

/// A symbol a rule refers to; the notation names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sym {
    /// A row's value (its program name, else its label).
    Val(u32),
    /// A row's tangent (d3, v̇₁).
    Tan(u32),
    /// A row's adjoint (x̄3, c̄).
    Adj(u32),
    /// ∂row/∂row.
    Partial(u32, u32),
    /// The general rule's argument `g(w)`, second argument `h(w)`.
    G,
    H,
    /// Their derivatives `g′(w)`, `h′(w)`.
    GPrime,
    HPrime,
    /// A constant `c`, an exponent `n`.
    C,
    N,
    /// A generic row `xᵢ` (index letter), its adjoint `x̄ᵢ`, and `∂xⱼ/∂xᵢ`.
    GenVal(char),
    GenAdj(char),
    GenPartial(char, char),
}

/// A function written by name in a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Func {
    /// A unary operation of the table (sin, tanh, σ, …).
    Op(Op),
    /// sign(a).
    Sign,
    /// The indicator [a > 0].
    Positive,
    /// |a|.
    Abs,
}

/// A math tree.
#[derive(Clone, Debug, PartialEq)]
pub enum Math {
    Sym(Sym),
    /// A number written in the program (a literal): shown as written.
    Lit(f64),
    /// A computed number: shown at the display precision.
    Num(f64),
    Neg(Box<Math>),
    /// Terms joined by +; a `Neg` term reads as − .
    Sum(Vec<Math>),
    /// Factors joined by ·.
    Prod(Vec<Math>),
    Div(Box<Math>, Box<Math>),
    Pow(Box<Math>, Box<Math>),
    Call(Func, Box<Math>),
    /// d/dw (…): the left side of a general rule.
    Deriv(Box<Math>),
    /// Σ over an index letter.
    SumOver(char, Box<Math>),
}

use Math::*;

pub fn sym(s: Sym) -> Math {
    Sym(s)
}
pub fn lit(x: f64) -> Math {
    Lit(x)
}
pub fn num(x: f64) -> Math {
    Num(x)
}
pub fn neg(a: Math) -> Math {
    match a {
        Neg(inner) => *inner,
        a => Neg(Box::new(a)),
    }
}
pub fn div(a: Math, b: Math) -> Math {
    Div(Box::new(a), Box::new(b))
}
pub fn pow(a: Math, b: Math) -> Math {
    Pow(Box::new(a), Box::new(b))
}
pub fn call(f: Func, a: Math) -> Math {
    Call(f, Box::new(a))
}
pub fn op_call(op: Op, a: Math) -> Math {
    call(Func::Op(op), a)
}
pub fn deriv(a: Math) -> Math {
    Deriv(Box::new(a))
}
pub fn sum_over(index: char, body: Math) -> Math {
    SumOver(index, Box::new(body))
}

/// `a + b + …`, flattening nested sums; an empty sum is 0.
pub fn sum(terms: Vec<Math>) -> Math {
    // Most sums have nothing to flatten: they keep their vector.
    let mut out = if terms.iter().any(|t| matches!(t, Sum(_))) {
        let mut out = Vec::with_capacity(terms.len());
        for t in terms {
            match t {
                Sum(inner) => out.extend(inner),
                t => out.push(t),
            }
        }
        out
    } else {
        terms
    };
    match out.len() {
        0 => Lit(0.0),
        1 => out.pop().unwrap_or(Lit(0.0)),
        _ => Sum(out),
    }
}

/// `a·b·…`, flattening nested products and taking a leading minus out of
/// each factor (so `(−x)·y` reads `−x·y`); an empty product is 1.
pub fn prod(factors: Vec<Math>) -> Math {
    let mut negative = false;
    // Most products have nothing to flatten: they keep their vector.
    let mut out = if factors.iter().any(|f| matches!(f, Prod(_) | Neg(_))) {
        let mut out = Vec::with_capacity(factors.len());
        for f in factors {
            match f {
                Prod(inner) => out.extend(inner),
                Neg(inner) => {
                    negative = !negative;
                    match *inner {
                        Prod(p) => out.extend(p),
                        x => out.push(x),
                    }
                }
                f => out.push(f),
            }
        }
        out
    } else {
        factors
    };
    let p = match out.len() {
        0 => Lit(1.0),
        1 => out.pop().unwrap_or(Lit(1.0)),
        _ => Prod(out),
    };
    if negative { neg(p) } else { p }
}

/// A local partial times a derivative symbol, as the chain rule writes it:
/// a partial of 1 (by its rule) is left out, −1 becomes a sign, `1/h`
/// times `d` reads `d/h` and `a/h` times `d` reads `a·d/h`. These are
/// decided on the rule's shape, never on a number's value, so the numbers
/// of a rule keep the shape of its symbols.
pub fn times(partial: Math, d: Math) -> Math {
    match partial {
        Lit(1.0) => d,
        Lit(-1.0) => neg(d),
        Neg(inner) => neg(times(*inner, d)),
        Div(a, b) => match *a {
            Lit(1.0) => div(d, *b),
            a => div(prod(vec![a, d]), *b),
        },
        p => prod(vec![p, d]),
    }
}

/// One piece of a text: a math tree or words.
#[derive(Clone, Debug, PartialEq)]
pub enum Piece {
    Math(Math),
    Words(Cow<'static, str>),
    /// ` = ` between two pieces of a chain.
    Equals,
}

/// A text the user reads: words and math, rendered by the notation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Text(pub Vec<Piece>);

impl Text {
    pub fn new() -> Text {
        Text(Vec::new())
    }
    /// `a = b = c`.
    pub fn chain(chain: impl IntoIterator<Item = Math>) -> Text {
        let mut t = Text(Vec::with_capacity(8));
        t.push_chain(chain);
        t
    }
    /// `= …`: a text that goes on a chain (with room for the rest).
    pub fn equals() -> Text {
        let mut t = Vec::with_capacity(6);
        t.push(Piece::Equals);
        Text(t)
    }
    // Room for the pieces a text usually gets after its first.
    pub fn words(w: impl Into<Cow<'static, str>>) -> Text {
        let mut t = Vec::with_capacity(4);
        t.push(Piece::Words(w.into()));
        Text(t)
    }
    pub fn math(m: Math) -> Text {
        let mut t = Vec::with_capacity(4);
        t.push(Piece::Math(m));
        Text(t)
    }
    pub fn w(mut self, w: impl Into<Cow<'static, str>>) -> Text {
        self.0.push(Piece::Words(w.into()));
        self
    }
    pub fn m(mut self, m: Math) -> Text {
        self.0.push(Piece::Math(m));
        self
    }
    pub fn push_chain(&mut self, chain: impl IntoIterator<Item = Math>) {
        for (k, m) in chain.into_iter().enumerate() {
            if k > 0 {
                self.0.push(Piece::Equals);
            }
            self.0.push(Piece::Math(m));
        }
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Math {
    /// A number (or a negated number): nothing left to work out.
    pub fn is_number(&self) -> bool {
        match self {
            Lit(_) | Num(_) => true,
            Neg(a) => matches!(**a, Lit(_) | Num(_)),
            _ => false,
        }
    }

    /// Whether the tree mentions a symbol.
    pub fn has_symbols(&self) -> bool {
        match self {
            Sym(_) => true,
            Lit(_) | Num(_) => false,
            Neg(a) | Call(_, a) | Deriv(a) | SumOver(_, a) => a.has_symbols(),
            Sum(v) | Prod(v) => v.iter().any(Math::has_symbols),
            Div(a, b) | Pow(a, b) => a.has_symbols() || b.has_symbols(),
        }
    }

    /// The same tree with every symbol `value` knows replaced by its number.
    pub fn substitute(&self, value: &dyn Fn(Sym) -> Option<f64>) -> Math {
        let s = |m: &Math| Box::new(m.substitute(value));
        match self {
            Sym(x) => value(*x).map_or(Sym(*x), Num),
            Lit(x) => Lit(*x),
            Num(x) => Num(*x),
            Neg(a) => Neg(s(a)),
            Sum(v) => Sum(v.iter().map(|m| m.substitute(value)).collect()),
            Prod(v) => Prod(v.iter().map(|m| m.substitute(value)).collect()),
            Div(a, b) => Div(s(a), s(b)),
            Pow(a, b) => Pow(s(a), s(b)),
            Call(f, a) => Call(*f, s(a)),
            Deriv(a) => Deriv(s(a)),
            SumOver(i, a) => SumOver(*i, s(a)),
        }
    }

    /// The tree's number, with `value` giving each symbol's (NaN for a
    /// symbol it does not know, and for `d/dw` and `Σ`).
    pub fn eval(&self, value: &dyn Fn(Sym) -> f64) -> f64 {
        self.eval_with(value, &|x| x)
    }

    /// As `eval`, with each computed number passed through `shown` first
    /// (the value as printed, to check that written arithmetic adds up).
    pub fn eval_with<V, S>(&self, value: &V, shown: &S) -> f64
    where
        V: Fn(Sym) -> f64 + ?Sized,
        S: Fn(f64) -> f64 + ?Sized,
    {
        let e = |m: &Math| m.eval_with(value, shown);
        match self {
            Sym(x) => value(*x),
            Lit(x) => *x,
            Num(x) => shown(*x),
            Neg(a) => -e(a),
            Sum(v) => v.iter().map(e).sum(),
            Prod(v) => v.iter().map(e).product(),
            Div(a, b) => e(a) / e(b),
            Pow(a, b) => e(a).powf(e(b)),
            Call(f, a) => {
                let x = e(a);
                match f {
                    Func::Op(op) => op.eval(x, 0.0),
                    Func::Sign => {
                        if x > 0.0 {
                            1.0
                        } else if x < 0.0 {
                            -1.0
                        } else {
                            0.0
                        }
                    }
                    Func::Positive => {
                        if x > 0.0 {
                            1.0
                        } else {
                            0.0
                        }
                    }
                    Func::Abs => x.abs(),
                }
            }
            Deriv(_) | SumOver(..) => f64::NAN,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constructors_keep_the_shape() {
        let d = sym(Sym::Tan(1));
        assert_eq!(times(lit(1.0), d.clone()), d);
        assert_eq!(times(lit(-1.0), d.clone()), neg(d.clone()));
        assert_eq!(
            times(div(lit(1.0), sym(Sym::Val(2))), d.clone()),
            div(d.clone(), sym(Sym::Val(2)))
        );
        // a computed 1 is a number, not the rule's 1: it stays
        assert_eq!(times(num(1.0), d.clone()), Prod(vec![num(1.0), d.clone()]));
        assert_eq!(
            prod(vec![neg(sym(Sym::Val(0))), sym(Sym::Val(1))]),
            neg(Prod(vec![sym(Sym::Val(0)), sym(Sym::Val(1))]))
        );
        assert_eq!(sum(vec![]), lit(0.0));
    }

    #[test]
    fn substitution_and_evaluation() {
        let t = prod(vec![lit(2.0), sym(Sym::Val(4)), sym(Sym::Tan(4))]);
        let v = |s: Sym| match s {
            Sym::Val(4) => Some(-0.5),
            Sym::Tan(4) => Some(3.0),
            _ => None,
        };
        let n = t.substitute(&v);
        assert!(!n.has_symbols());
        assert_eq!(n.eval(&|_| f64::NAN), -3.0);
        assert!(num(2.0).is_number() && neg(lit(2.0)).is_number());
        assert!(!t.is_number());
    }
}
