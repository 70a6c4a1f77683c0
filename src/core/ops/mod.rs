//! The table of operations: for every operation, its value rule, its local
//! partial derivatives, its domain and kink checks, and the text of its rules
//! as the user reads them (the lecture's Operation / Value Update / Derivative
//! Update table).
//!
//! One record per operation (`OpInfo`, in `TABLE`): its name, arity, value
//! rule, local partials, domain/kink check, and its rules as math trees
//! (`math::Math`) — the value rule and each partial over operand trees.
//! The general chain rule (`d/dw tanh(g(w)) = …`) is derived from those
//! trees, so the text and the numbers cannot disagree. The sweeps call
//! `eval`/`partials`/`check`, `explain` calls the rule trees, and nothing
//! else anywhere knows what d/dx tanh is. Must not know about rows, traces
//! or notation: operands arrive as numbers or as trees.

/// An operation of the trace. Numeric literals are parameters of the
/// operation that uses them (`3*x` is one `Mul`), so every binary operation
/// has at least one row operand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Op {
    /// An independent variable.
    Input,
    /// A constant row; only made when the output itself is a constant.
    Const,
    /// A copy; only made when the output renames an earlier row.
    Id,
    Neg,
    Add,
    Sub,
    Mul,
    Div,
    Pow,
    Sin,
    Cos,
    Tan,
    Exp,
    Ln,
    Sqrt,
    Tanh,
    Sigmoid,
    Relu,
    Abs,
    Softplus,
}

pub mod math;

use Op::*;

use math::{
    Func, Math, Sym, Text, call, deriv, div, lit, neg, op_call, pow, prod, sum, sym, times,
};

/// Every function name the language knows, with the operation it denotes
/// (`log` is the natural log, the same operation as `ln`).
pub const FUNCTIONS: &[(&str, Op)] = &[
    ("sin", Sin),
    ("cos", Cos),
    ("tan", Tan),
    ("exp", Exp),
    ("ln", Ln),
    ("log", Ln),
    ("sqrt", Sqrt),
    ("tanh", Tanh),
    ("sigmoid", Sigmoid),
    ("relu", Relu),
    ("abs", Abs),
    ("softplus", Softplus),
];

pub fn function(name: &str) -> Option<Op> {
    FUNCTIONS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|&(_, op)| op)
}

/// What is wrong at a row, found while computing it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Issue {
    /// The argument is outside the operation's domain; the text says why.
    /// The derivative does not exist there either: the partials are NaN.
    Domain(&'static str),
    /// A point where the derivative does not exist; the convention applied
    /// (the text) is used by both sweeps.
    Kink(&'static str),
    /// A point where the function is not differentiable because its slope
    /// is infinite (sqrt at 0): the partials are what IEEE-754 gives (±∞).
    Singular(&'static str),
    /// Within rounding of a pole (tan at an odd multiple of π/2, which no
    /// double is): the value and the derivative are huge and meaningless.
    Pole(&'static str),
}

impl Issue {
    pub fn text(self) -> &'static str {
        match self {
            Issue::Domain(t) | Issue::Kink(t) | Issue::Singular(t) | Issue::Pole(t) => t,
        }
    }
}

/// One operation at one point: its value, local partials and what is
/// wrong there. Outside the domain the partials are NaN: a derivative
/// does not exist where the function does not.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Local {
    pub value: f64,
    pub partials: [f64; 2],
    pub issue: Option<Issue>,
}

/// Everything adtrace knows about one operation.
pub struct OpInfo {
    pub op: Op,
    /// The name used in JSON and tables.
    pub name: &'static str,
    /// Number of operands (rows or constant parameters).
    pub arity: usize,
    /// The value rule; `b` is ignored by unary operations.
    pub eval: fn(f64, f64) -> f64,
    /// ∂/∂a and ∂/∂b from the operands, the row's value and whether `b` is
    /// a constant parameter (the power rule for a constant exponent holds
    /// for negative bases too).
    pub partials: fn(f64, f64, f64, bool) -> [f64; 2],
    /// Domain and kink checks; the flags say which operands are constants.
    pub check: fn(f64, f64, [bool; 2]) -> Option<Issue>,
    /// The value rule as a tree over the operand trees.
    pub rule: fn(Math, Math) -> Math,
    /// The local partial w.r.t. operand k as a tree over the operand trees
    /// (a constant operand arrives as `Lit` or as the symbol `c`/`n`).
    pub partial: fn(usize, &Math, &Math) -> Math,
    /// A general rule in words, for an operation the chain rule does not
    /// describe (an input).
    pub general: Option<&'static str>,
    /// A convention stated after the general rule (a kink's derivative).
    pub note: Option<&'static str>,
}

fn no_check(_: f64, _: f64, _: [bool; 2]) -> Option<Issue> {
    None
}

fn first(a: Math, _: Math) -> Math {
    a
}

fn sq(m: Math) -> Math {
    pow(m, lit(2.0))
}

/// How close cos(a) may come to 0, relative to |a| (at least 1), before
/// tan(a) counts as near a pole: `pi/2`, `3*pi/2` and `101*pi/2` as typed
/// (about 1e-16 away) and anything within 1e-8 (a derivative over 1e16).
pub const POLE_TOLERANCE: f64 = 1e-8;

/// The table, in the order of `Op` (a test checks it).
pub static TABLE: [OpInfo; 20] = [
    OpInfo {
        op: Input,
        name: "input",
        arity: 0,
        eval: |a, _| a,
        partials: |_, _, _, _| [0.0, 0.0],
        check: no_check,
        rule: first,
        partial: |_, _, _| lit(0.0),
        general: Some(
            "an input's derivative is its seed: 1 for the input differentiated by, 0 for the others",
        ),
        note: None,
    },
    OpInfo {
        op: Const,
        name: "const",
        arity: 1,
        eval: |a, _| a,
        partials: |_, _, _, _| [0.0, 0.0],
        check: no_check,
        rule: first,
        partial: |_, _, _| lit(0.0),
        general: None,
        note: None,
    },
    OpInfo {
        op: Id,
        name: "id",
        arity: 1,
        eval: |a, _| a,
        partials: |_, _, _, _| [1.0, 0.0],
        check: no_check,
        rule: first,
        partial: |_, _, _| lit(1.0),
        // "d/dw g(w) = g′(w)" says nothing: say what the row is.
        general: Some("a copy of a row: same value and derivative"),
        note: None,
    },
    OpInfo {
        op: Neg,
        name: "neg",
        arity: 1,
        eval: |a, _| -a,
        partials: |_, _, _, _| [-1.0, 0.0],
        check: no_check,
        rule: |a, _| neg(a),
        partial: |_, _, _| lit(-1.0),
        general: None,
        note: None,
    },
    OpInfo {
        op: Add,
        name: "add",
        arity: 2,
        eval: |a, b| a + b,
        partials: |_, _, _, _| [1.0, 1.0],
        check: no_check,
        rule: |a, b| sum(vec![a, b]),
        partial: |_, _, _| lit(1.0),
        general: None,
        note: None,
    },
    OpInfo {
        op: Sub,
        name: "sub",
        arity: 2,
        eval: |a, b| a - b,
        partials: |_, _, _, _| [1.0, -1.0],
        check: no_check,
        rule: |a, b| Math::Sum(vec![a, neg(b)]),
        partial: |k, _, _| lit(if k == 0 { 1.0 } else { -1.0 }),
        general: None,
        note: None,
    },
    OpInfo {
        op: Mul,
        name: "mul",
        arity: 2,
        eval: |a, b| a * b,
        partials: |a, b, _, _| [b, a],
        check: no_check,
        rule: |a, b| Math::Prod(vec![a, b]),
        partial: |k, a, b| if k == 0 { b.clone() } else { a.clone() },
        general: None,
        note: None,
    },
    OpInfo {
        op: Div,
        name: "div",
        arity: 2,
        eval: |a, b| a / b,
        partials: |a, b, _, _| [1.0 / b, -a / (b * b)],
        check: |_, b, _| (b == 0.0).then_some(Issue::Domain("division by zero")),
        rule: div,
        partial: |k, a, b| {
            if k == 0 {
                div(lit(1.0), b.clone())
            } else {
                neg(div(a.clone(), sq(b.clone())))
            }
        },
        general: None,
        note: None,
    },
    OpInfo {
        op: Pow,
        name: "pow",
        arity: 2,
        // powf gives 0^0 = 1 and handles negative bases with integral
        // exponents, as the power rule needs.
        eval: |a, b| a.powf(b),
        partials: |a, b, v, b_is_const| {
            let da = if b == 0.0 {
                0.0
            } else if b == 1.0 {
                1.0
            } else {
                b * a.powf(b - 1.0)
            };
            // 0^b = 0 for every b > 0: ∂/∂b there is 0, the limit of
            // ln(a)·a^b as a → 0⁺ (the formula itself gives −∞·0).
            let db = if b_is_const || (a == 0.0 && b > 0.0) {
                0.0
            } else {
                a.ln() * v
            };
            [da, db]
        },
        check: |a, b, [a_const, b_const]| {
            if b_const && a < 0.0 && b.fract() != 0.0 {
                Some(Issue::Domain("a negative number to a non-integer power"))
            } else if b_const && a == 0.0 && b < 0.0 {
                Some(Issue::Domain("zero to a negative power"))
            } else if b_const && a == 0.0 && b > 0.0 && b < 1.0 {
                Some(Issue::Singular(
                    "a^c with 0 < c < 1 is not differentiable at a = 0 (infinite slope)",
                ))
            } else if !b_const && a == 0.0 && b > 0.0 {
                Some(Issue::Kink(
                    "a^b at a = 0 with a variable exponent: b ↦ 0^b is 0 for b > 0, so ∂/∂b = 0 (the limit of ln(a)·a^b as a → 0⁺); a^b is defined only for a ≥ 0 here, so ∂/∂a is one-sided",
                ))
            } else if !b_const && !a_const && a <= 0.0 {
                Some(Issue::Domain(
                    "a^b with a variable exponent needs a > 0 (it uses ln(a))",
                ))
            } else if !b_const && a_const && a <= 0.0 {
                Some(Issue::Domain(
                    "c^b with a variable exponent needs c > 0 (it uses ln(c))",
                ))
            } else {
                None
            }
        },
        rule: pow,
        partial: |k, a, b| {
            if k == 1 {
                return prod(vec![op_call(Ln, a.clone()), pow(a.clone(), b.clone())]);
            }
            match b {
                // The power rule with the exponent's own number: n − 1 is
                // worked out here, where the rule is known.
                Math::Lit(n) if *n == 0.0 => lit(0.0),
                Math::Lit(n) if *n == 1.0 => lit(1.0),
                Math::Lit(n) if *n == 2.0 => prod(vec![lit(2.0), a.clone()]),
                Math::Lit(n) => prod(vec![lit(*n), pow(a.clone(), lit(n - 1.0))]),
                b => prod(vec![
                    b.clone(),
                    pow(a.clone(), Math::Sum(vec![b.clone(), neg(lit(1.0))])),
                ]),
            }
        },
        general: None,
        note: None,
    },
    OpInfo {
        op: Sin,
        name: "sin",
        arity: 1,
        eval: |a, _| a.sin(),
        partials: |a, _, _, _| [a.cos(), 0.0],
        check: no_check,
        rule: unary_rule::<{ Sin as u8 }>,
        partial: |_, a, _| op_call(Cos, a.clone()),
        general: None,
        note: None,
    },
    OpInfo {
        op: Cos,
        name: "cos",
        arity: 1,
        eval: |a, _| a.cos(),
        partials: |a, _, _, _| [-a.sin(), 0.0],
        check: no_check,
        rule: unary_rule::<{ Cos as u8 }>,
        partial: |_, a, _| neg(op_call(Sin, a.clone())),
        general: None,
        note: None,
    },
    OpInfo {
        op: Tan,
        name: "tan",
        arity: 1,
        eval: |a, _| a.tan(),
        partials: |_, _, v, _| [1.0 + v * v, 0.0],
        // No double is an odd multiple of π/2, so `cos(a) == 0` never
        // holds: the test is relative, cos(a) within rounding of 0 for an
        // argument of a's size (|cos a| is a's distance to the pole).
        check: |a, _, _| {
            (a.cos().abs() <= POLE_TOLERANCE * a.abs().max(1.0)).then_some(Issue::Pole(
                "tan near a pole (an odd multiple of pi/2, where tan and its derivative do not exist): the value and derivative are huge, and at the pole itself only rounding keeps them finite (pi/2 is not a double)",
            ))
        },
        rule: unary_rule::<{ Tan as u8 }>,
        partial: |_, a, _| sum(vec![lit(1.0), sq(op_call(Tan, a.clone()))]),
        general: None,
        note: None,
    },
    OpInfo {
        op: Exp,
        name: "exp",
        arity: 1,
        eval: |a, _| a.exp(),
        partials: |_, _, v, _| [v, 0.0],
        check: no_check,
        rule: unary_rule::<{ Exp as u8 }>,
        partial: |_, a, _| op_call(Exp, a.clone()),
        general: None,
        note: None,
    },
    OpInfo {
        op: Ln,
        name: "ln",
        arity: 1,
        eval: |a, _| a.ln(),
        partials: |a, _, _, _| [1.0 / a, 0.0],
        check: |a, _, _| {
            if a == 0.0 {
                Some(Issue::Domain("ln of zero"))
            } else if a < 0.0 {
                Some(Issue::Domain("ln of a negative number"))
            } else {
                None
            }
        },
        rule: unary_rule::<{ Ln as u8 }>,
        partial: |_, a, _| div(lit(1.0), a.clone()),
        general: None,
        note: None,
    },
    OpInfo {
        op: Sqrt,
        name: "sqrt",
        arity: 1,
        eval: |a, _| a.sqrt(),
        partials: |_, _, v, _| [0.5 / v, 0.0],
        check: |a, _, _| {
            if a < 0.0 {
                Some(Issue::Domain("sqrt of a negative number"))
            } else if a == 0.0 {
                Some(Issue::Singular(
                    "sqrt is not differentiable at 0 (infinite slope)",
                ))
            } else {
                None
            }
        },
        rule: unary_rule::<{ Sqrt as u8 }>,
        partial: |_, a, _| {
            div(
                lit(1.0),
                Math::Prod(vec![lit(2.0), op_call(Sqrt, a.clone())]),
            )
        },
        general: None,
        note: None,
    },
    OpInfo {
        op: Tanh,
        name: "tanh",
        arity: 1,
        eval: |a, _| a.tanh(),
        partials: |_, _, v, _| [1.0 - v * v, 0.0],
        check: no_check,
        rule: unary_rule::<{ Tanh as u8 }>,
        partial: |_, a, _| Math::Sum(vec![lit(1.0), neg(sq(op_call(Tanh, a.clone())))]),
        general: None,
        note: None,
    },
    OpInfo {
        op: Sigmoid,
        name: "sigmoid",
        arity: 1,
        eval: |a, _| sigmoid(a),
        partials: |_, _, v, _| [v * (1.0 - v), 0.0],
        check: no_check,
        rule: unary_rule::<{ Sigmoid as u8 }>,
        partial: |_, a, _| {
            let s = op_call(Sigmoid, a.clone());
            Math::Prod(vec![s.clone(), Math::Sum(vec![lit(1.0), neg(s)])])
        },
        general: None,
        note: None,
    },
    OpInfo {
        op: Relu,
        name: "relu",
        arity: 1,
        eval: |a, _| if a > 0.0 || a.is_nan() { a } else { 0.0 },
        // relu'(0) = 0: the stated kink convention.
        partials: |a, _, _, _| [if a > 0.0 { 1.0 } else { 0.0 }, 0.0],
        check: |a, _, _| {
            (a == 0.0).then_some(Issue::Kink("relu has a kink at 0; relu'(0) = 0 is used"))
        },
        rule: unary_rule::<{ Relu as u8 }>,
        partial: |_, a, _| call(Func::Positive, a.clone()),
        general: None,
        note: Some("relu′(0) = 0"),
    },
    OpInfo {
        op: Abs,
        name: "abs",
        arity: 1,
        eval: |a, _| a.abs(),
        // abs'(0) = 0: the stated kink convention.
        partials: |a, _, _, _| {
            let d = if a > 0.0 {
                1.0
            } else if a < 0.0 {
                -1.0
            } else {
                0.0
            };
            [d, 0.0]
        },
        check: |a, _, _| {
            (a == 0.0).then_some(Issue::Kink("abs has a kink at 0; abs'(0) = 0 is used"))
        },
        rule: |a, _| call(Func::Abs, a),
        partial: |_, a, _| call(Func::Sign, a.clone()),
        general: None,
        note: Some("abs′(0) = 0"),
    },
    OpInfo {
        op: Softplus,
        name: "softplus",
        arity: 1,
        // ln(1 + e^a) without overflow for large a.
        eval: |a, _| a.max(0.0) + (-a.abs()).exp().ln_1p(),
        partials: |a, _, _, _| [sigmoid(a), 0.0],
        check: no_check,
        rule: unary_rule::<{ Softplus as u8 }>,
        partial: |_, a, _| op_call(Sigmoid, a.clone()),
        general: None,
        note: None,
    },
];

/// `f(a)` for the unary operation numbered `OP`.
fn unary_rule<const OP: u8>(a: Math, _: Math) -> Math {
    op_call(ALL[OP as usize], a)
}

/// Every operation, in declaration order.
pub const ALL: [Op; 20] = [
    Input, Const, Id, Neg, Add, Sub, Mul, Div, Pow, Sin, Cos, Tan, Exp, Ln, Sqrt, Tanh, Sigmoid,
    Relu, Abs, Softplus,
];

impl Op {
    /// This operation's record.
    pub fn info(self) -> &'static OpInfo {
        &TABLE[self as usize]
    }

    pub fn name(self) -> &'static str {
        self.info().name
    }

    pub fn arity(self) -> usize {
        self.info().arity
    }

    pub fn eval(self, a: f64, b: f64) -> f64 {
        (self.info().eval)(a, b)
    }

    pub fn partials(self, a: f64, b: f64, v: f64, b_is_const: bool) -> [f64; 2] {
        (self.info().partials)(a, b, v, b_is_const)
    }

    pub fn check(self, a: f64, b: f64, a_is_const: bool, b_is_const: bool) -> Option<Issue> {
        (self.info().check)(a, b, [a_is_const, b_is_const])
    }

    /// The value, partials and issue at `a`, `b` (`consts` says which are
    /// constant parameters): outside the domain the partials are NaN.
    pub fn local(self, a: f64, b: f64, consts: [bool; 2]) -> Local {
        let value = self.eval(a, b);
        let issue = self.check(a, b, consts[0], consts[1]);
        let partials = match issue {
            Some(Issue::Domain(_)) => [f64::NAN, f64::NAN],
            _ => self.partials(a, b, value, consts[1]),
        };
        Local {
            value,
            partials,
            issue,
        }
    }

    /// The value rule over operand trees: `tanh(x1)`, `2·x0`, `x4²`.
    pub fn value_rule(self, a: Math, b: Math) -> Math {
        (self.info().rule)(a, b)
    }

    /// The local partial w.r.t. operand `k` over operand trees.
    pub fn partial_rule(self, k: usize, a: &Math, b: &Math) -> Math {
        (self.info().partial)(k, a, b)
    }

    /// The general derivative rule in the lecture's form, derived from the
    /// value rule and the partials by the chain rule: `g(w)`, `h(w)` are
    /// the row operands and `c` (or `n`, an exponent) the constants.
    /// `consts[k]` tells whether operand k is a constant parameter.
    pub fn general_rule(self, consts: [bool; 2]) -> Text {
        let info = self.info();
        if let Some(words) = info.general {
            return Text::words(words);
        }
        let mut rows = [Sym::G, Sym::H].into_iter();
        let mut operand = |k: usize| {
            if consts[k] {
                let c = if self == Pow && k == 1 {
                    Sym::N
                } else {
                    Sym::C
                };
                (sym(c), None)
            } else {
                let g = rows.next().unwrap_or(Sym::H);
                let prime = if g == Sym::G {
                    Sym::GPrime
                } else {
                    Sym::HPrime
                };
                (sym(g), Some(sym(prime)))
            }
        };
        let (a, da) = operand(0);
        let (b, db) = if info.arity == 2 {
            operand(1)
        } else {
            (lit(0.0), None)
        };
        let terms: Vec<Math> = [(0, da), (1, db)]
            .into_iter()
            .filter_map(|(k, d)| d.map(|d| times(self.partial_rule(k, &a, &b), d)))
            .collect();
        let lhs = deriv(self.value_rule(a, b));
        let mut t = Text::chain(vec![lhs, sum(terms)]);
        if let Some(n) = info.note {
            t = t.w(format!("   ({n})"));
        }
        t
    }
}

/// sigmoid(x) = 1/(1+e^(−x)), computed without overflow on either side.
pub fn sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-6 * (1.0 + a.abs().max(b.abs()))
    }

    /// Every differentiable operation's partials agree with a central
    /// difference at points inside its domain.
    #[test]
    fn partials_match_central_differences() {
        let points = [(0.7, 1.3), (-0.4, 2.0), (1.9, -0.6), (2.5, 0.5)];
        for op in ALL {
            for &(a, b) in &points {
                let dom_ok = |x: f64, y: f64| {
                    op.check(x, y, false, false).is_none() && op.eval(x, y).is_finite()
                };
                if !dom_ok(a, b) {
                    continue;
                }
                let v = op.eval(a, b);
                let p = op.partials(a, b, v, false);
                let h = 1e-6;
                let fd_a = (op.eval(a + h, b) - op.eval(a - h, b)) / (2.0 * h);
                let fd_b = (op.eval(a, b + h) - op.eval(a, b - h)) / (2.0 * h);
                if matches!(op, Input | Const) {
                    assert_eq!(p, [0.0, 0.0]);
                    continue;
                }
                assert!(
                    close(p[0], fd_a),
                    "{op:?} d/da at ({a},{b}): {} vs {fd_a}",
                    p[0]
                );
                if op.arity() == 2 {
                    assert!(
                        close(p[1], fd_b),
                        "{op:?} d/db at ({a},{b}): {} vs {fd_b}",
                        p[1]
                    );
                }
            }
        }
    }

    #[test]
    fn hand_checked_values() {
        assert!(close(Tanh.eval(2.0, 0.0), 0.964_027_580_075_817));
        assert!(close(
            Tanh.partials(2.0, 0.0, Tanh.eval(2.0, 0.0), false)[0],
            0.070_650_824_853_164_4
        ));
        assert_eq!(Pow.eval(0.0, 0.0), 1.0);
        assert_eq!(Pow.eval(-0.5, 2.0), 0.25);
        // power rule for a negative base with a constant exponent
        assert_eq!(Pow.partials(-0.5, 2.0, 0.25, true), [-1.0, 0.0]);
        assert!(close(Sigmoid.eval(0.0, 0.0), 0.5));
        assert!(close(Softplus.eval(0.0, 0.0), 2f64.ln()));
    }

    #[test]
    fn no_overflow_at_extremes() {
        assert_eq!(Softplus.eval(1000.0, 0.0), 1000.0);
        assert_eq!(Softplus.eval(-1000.0, 0.0), 0.0);
        assert_eq!(Sigmoid.eval(-1000.0, 0.0), 0.0);
        assert_eq!(Sigmoid.eval(1000.0, 0.0), 1.0);
        assert_eq!(Softplus.partials(1000.0, 0.0, 1000.0, false)[0], 1.0);
    }

    #[test]
    fn domain_edges_are_flagged_not_fatal() {
        assert_eq!(
            Ln.check(-1.0, 0.0, false, false),
            Some(Issue::Domain("ln of a negative number"))
        );
        assert!(Ln.eval(-1.0, 0.0).is_nan());
        assert_eq!(Ln.eval(0.0, 0.0), f64::NEG_INFINITY);
        assert!(matches!(
            Div.check(1.0, 0.0, false, true),
            Some(Issue::Domain(_))
        ));
        assert_eq!(Div.eval(1.0, 0.0), f64::INFINITY);
        assert!(matches!(
            Sqrt.check(-4.0, 0.0, false, false),
            Some(Issue::Domain(_))
        ));
        assert!(Sqrt.eval(-4.0, 0.0).is_nan());
        assert_eq!(
            Sqrt.check(0.0, 0.0, false, false),
            Some(Issue::Singular(
                "sqrt is not differentiable at 0 (infinite slope)"
            ))
        );
        assert_eq!(Sqrt.partials(0.0, 0.0, 0.0, false)[0], f64::INFINITY);
        assert!(matches!(
            Pow.check(-2.0, 0.5, false, true),
            Some(Issue::Domain(_))
        ));
        assert!(matches!(
            Pow.check(-2.0, 3.0, false, false),
            Some(Issue::Domain(_))
        ));
        assert!(Pow.check(-2.0, 3.0, false, true).is_none());
    }

    /// Outside the domain the partials are NaN, not the formula's number
    /// (ln(−1)'s 1/x would give −1).
    #[test]
    fn no_derivative_outside_the_domain() {
        let l = Ln.local(-1.0, 0.0, [false, true]);
        assert!(l.value.is_nan() && l.partials[0].is_nan());
        assert!(matches!(l.issue, Some(Issue::Domain(_))));
        assert!(Ln.local(0.0, 0.0, [false, true]).partials[0].is_nan());
        assert!(Div.local(1.0, 0.0, [true, false]).partials[1].is_nan());
        // x^y with a variable exponent at x < 0: the value is (−2)³ = −8
        // by luck of an integer y, but x^y = e^(y·ln x) has no derivative
        let p = Pow.local(-2.0, 3.0, [false, false]);
        assert_eq!(p.value, -8.0);
        assert!(p.partials.iter().all(|d| d.is_nan()));
        // inside the domain nothing changes
        assert_eq!(Ln.local(2.0, 0.0, [false, true]).partials[0], 0.5);
        assert_eq!(Pow.local(-2.0, 3.0, [false, true]).partials, [12.0, 0.0]);
    }

    /// x^y at x = 0, y > 0: y ↦ 0^y is 0, so ∂/∂y is 0 (the limit of
    /// ln(x)·x^y as x → 0⁺, which the formula would give as −∞·0 = NaN);
    /// ∂/∂x is y·0^(y−1), one-sided.
    #[test]
    fn zero_to_a_variable_power() {
        for (y, dx) in [(2.0, 0.0), (1.0, 1.0), (3.5, 0.0), (0.5, f64::INFINITY)] {
            let l = Pow.local(0.0, y, [false, false]);
            assert_eq!(l.value, 0.0);
            assert_eq!(l.partials, [dx, 0.0], "y = {y}");
            assert!(matches!(l.issue, Some(Issue::Kink(_))));
            // the limit from the right, by the formula at small x
            let x: f64 = 1e-300;
            assert!((x.ln() * x.powf(y)).abs() < 1e-100);
        }
        // c^0: 0^0 = 1 with ∂/∂y = ln(0)·1 = −∞ is not this case
        assert!(matches!(
            Pow.check(0.0, 0.0, false, false),
            Some(Issue::Domain(_))
        ));
    }

    /// tan at π/2 as a double is 1.6e16, not a failure of `cos == 0`: the
    /// pole test is relative to the argument, for poles far out too.
    #[test]
    fn tan_poles_are_found_relatively() {
        use std::f64::consts::PI;
        for k in [1.0, -1.0, 3.0, 101.0, -2001.0] {
            let a = k * PI / 2.0;
            assert!(
                matches!(Tan.check(a, 0.0, false, true), Some(Issue::Pole(_))),
                "{k}·pi/2 = {a}: cos = {}",
                a.cos()
            );
            assert!(Tan.eval(a, 0.0).abs() > 1e12);
        }
        assert_eq!(Tan.check(1.0, 0.0, false, true), None);
        assert_eq!(Tan.check(PI, 0.0, false, true), None);
        // 1e-6 from the pole: tan ≈ 1e6, a steep but honest number
        assert_eq!(Tan.check(PI / 2.0 - 1e-6, 0.0, false, true), None);
    }

    /// Points of infinite slope are said to be so, not called kinks.
    #[test]
    fn infinite_slopes() {
        assert!(matches!(
            Pow.check(0.0, 1.0 / 3.0, false, true),
            Some(Issue::Singular(_))
        ));
        assert_eq!(
            Pow.local(0.0, 1.0 / 3.0, [false, true]).partials[0],
            f64::INFINITY
        );
        assert_eq!(Pow.check(0.0, 2.0, false, true), None);
        assert_eq!(
            Sqrt.local(0.0, 0.0, [false, true]).partials[0],
            f64::INFINITY
        );
    }

    #[test]
    fn kinks_use_the_stated_convention() {
        assert!(matches!(
            Relu.check(0.0, 0.0, false, false),
            Some(Issue::Kink(_))
        ));
        assert!(matches!(
            Abs.check(0.0, 0.0, false, false),
            Some(Issue::Kink(_))
        ));
        assert_eq!(Relu.partials(0.0, 0.0, 0.0, false)[0], 0.0);
        assert_eq!(Abs.partials(0.0, 0.0, 0.0, false)[0], 0.0);
        assert_eq!(Relu.partials(1e-300, 0.0, 1e-300, false)[0], 1.0);
        assert_eq!(Abs.partials(-3.0, 0.0, 3.0, false)[0], -1.0);
    }

    /// The table holds one record per operation, in the enum's order.
    #[test]
    fn one_record_per_operation() {
        for (k, op) in ALL.iter().enumerate() {
            assert_eq!(TABLE[k].op, *op);
            assert_eq!(*op as usize, k);
        }
        assert_eq!(function("log"), Some(Ln));
        assert_eq!(function("sinn"), None);
    }
}
