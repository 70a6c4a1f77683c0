//! The table of operations: for every operation, its value rule, its local
//! partial derivatives, its domain and kink checks, and the text of its rules
//! as the user reads them (the lecture's Operation / Value Update / Derivative
//! Update table).
//!
//! This is the single source of truth for the maths of one operation: the
//! sweeps call `eval`/`partials`, the explanations call the `*_text`
//! functions, and nothing else anywhere knows what d/dx tanh is.
//! Must not know about rows, traces or notation: operands arrive as numbers
//! or as already-rendered text.

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

use Op::*;

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
    Domain(&'static str),
    /// A point where the derivative does not exist; the convention applied
    /// (the text) is used by both sweeps.
    Kink(&'static str),
}

impl Op {
    /// The operation's name as used in JSON and tables.
    pub fn name(self) -> &'static str {
        match self {
            Input => "input",
            Const => "const",
            Id => "id",
            Neg => "neg",
            Add => "add",
            Sub => "sub",
            Mul => "mul",
            Div => "div",
            Pow => "pow",
            Sin => "sin",
            Cos => "cos",
            Tan => "tan",
            Exp => "exp",
            Ln => "ln",
            Sqrt => "sqrt",
            Tanh => "tanh",
            Sigmoid => "sigmoid",
            Relu => "relu",
            Abs => "abs",
            Softplus => "softplus",
        }
    }

    /// Number of operands (rows or constant parameters).
    pub fn arity(self) -> usize {
        match self {
            Input => 0,
            Add | Sub | Mul | Div | Pow => 2,
            _ => 1,
        }
    }

    /// The value rule. `b` is ignored by unary operations.
    pub fn eval(self, a: f64, b: f64) -> f64 {
        match self {
            Input | Const | Id => a,
            Neg => -a,
            Add => a + b,
            Sub => a - b,
            Mul => a * b,
            Div => a / b,
            // powf gives 0^0 = 1 and handles negative bases with integral
            // exponents, as the power rule needs.
            Pow => a.powf(b),
            Sin => a.sin(),
            Cos => a.cos(),
            Tan => a.tan(),
            Exp => a.exp(),
            Ln => a.ln(),
            Sqrt => a.sqrt(),
            Tanh => a.tanh(),
            Sigmoid => sigmoid(a),
            Relu => {
                if a > 0.0 || a.is_nan() {
                    a
                } else {
                    0.0
                }
            }
            Abs => a.abs(),
            // ln(1 + e^a) without overflow for large a.
            Softplus => a.max(0.0) + (-a.abs()).exp().ln_1p(),
        }
    }

    /// Local partial derivatives with respect to operand 0 and 1, given the
    /// operands and the row's own value `v`. `b_is_const` selects the power
    /// rule for a constant exponent (valid for negative bases).
    pub fn partials(self, a: f64, b: f64, v: f64, b_is_const: bool) -> [f64; 2] {
        match self {
            Input | Const => [0.0, 0.0],
            Id => [1.0, 0.0],
            Neg => [-1.0, 0.0],
            Add => [1.0, 1.0],
            Sub => [1.0, -1.0],
            Mul => [b, a],
            Div => [1.0 / b, -a / (b * b)],
            Pow => {
                let da = if b == 0.0 {
                    0.0
                } else if b == 1.0 {
                    1.0
                } else {
                    b * a.powf(b - 1.0)
                };
                let db = if b_is_const { 0.0 } else { a.ln() * v };
                [da, db]
            }
            Sin => [a.cos(), 0.0],
            Cos => [-a.sin(), 0.0],
            Tan => [1.0 + v * v, 0.0],
            Exp => [v, 0.0],
            Ln => [1.0 / a, 0.0],
            Sqrt => [0.5 / v, 0.0],
            Tanh => [1.0 - v * v, 0.0],
            Sigmoid => [v * (1.0 - v), 0.0],
            // relu'(0) = 0 and abs'(0) = 0: the stated kink convention.
            Relu => [if a > 0.0 { 1.0 } else { 0.0 }, 0.0],
            Abs => [
                if a > 0.0 {
                    1.0
                } else if a < 0.0 {
                    -1.0
                } else {
                    0.0
                },
                0.0,
            ],
            Softplus => [sigmoid(a), 0.0],
        }
    }

    /// Domain and kink checks for the operands. `a_is_const`/`b_is_const`
    /// tell which operands are parameters rather than rows.
    pub fn check(self, a: f64, b: f64, a_is_const: bool, b_is_const: bool) -> Option<Issue> {
        match self {
            Div if b == 0.0 => Some(Issue::Domain("division by zero")),
            Ln if a == 0.0 => Some(Issue::Domain("ln of zero")),
            Ln if a < 0.0 => Some(Issue::Domain("ln of a negative number")),
            Sqrt if a < 0.0 => Some(Issue::Domain("sqrt of a negative number")),
            Sqrt if a == 0.0 => Some(Issue::Kink("sqrt is not differentiable at 0")),
            Relu if a == 0.0 => Some(Issue::Kink("relu has a kink at 0; relu'(0) = 0 is used")),
            Abs if a == 0.0 => Some(Issue::Kink("abs has a kink at 0; abs'(0) = 0 is used")),
            Tan if a.cos() == 0.0 => Some(Issue::Domain("tan at an odd multiple of pi/2")),
            Pow if b_is_const && a < 0.0 && b.fract() != 0.0 => {
                Some(Issue::Domain("a negative number to a non-integer power"))
            }
            Pow if b_is_const && a == 0.0 && b < 0.0 => {
                Some(Issue::Domain("zero to a negative power"))
            }
            Pow if !b_is_const && !a_is_const && a <= 0.0 => Some(Issue::Domain(
                "a^b with a variable exponent needs a > 0 (it uses ln(a))",
            )),
            Pow if !b_is_const && a_is_const && a <= 0.0 => Some(Issue::Domain(
                "c^b with a variable exponent needs c > 0 (it uses ln(c))",
            )),
            _ => None,
        }
    }

    /// The general derivative rule, in the lecture's form (`g(w)` the
    /// argument, `g′(w)` its derivative). `consts[k]` tells whether operand k
    /// is a constant parameter, which changes the rule (c·g(w) vs g·h).
    pub fn general_rule(self, consts: [bool; 2]) -> &'static str {
        match (self, consts) {
            (Input, _) => {
                "an input's derivative is its seed: 1 for the input differentiated by, 0 for the others"
            }
            (Const, _) => "d/dw c = 0",
            (Id, _) => "d/dw g(w) = g′(w)",
            (Neg, _) => "d/dw (−g(w)) = −g′(w)",
            (Add, [false, false]) => "d/dw (g(w) + h(w)) = g′(w) + h′(w)",
            (Add, _) => "d/dw (g(w) + c) = g′(w)",
            (Sub, [false, false]) => "d/dw (g(w) − h(w)) = g′(w) − h′(w)",
            (Sub, [true, _]) => "d/dw (c − g(w)) = −g′(w)",
            (Sub, _) => "d/dw (g(w) − c) = g′(w)",
            (Mul, [false, false]) => "d/dw (g(w)·h(w)) = g′(w)·h(w) + g(w)·h′(w)",
            (Mul, _) => "d/dw (c·g(w)) = c·g′(w)",
            (Div, [false, false]) => "d/dw (g(w)/h(w)) = g′(w)/h(w) − g(w)·h′(w)/h(w)²",
            (Div, [true, _]) => "d/dw (c/g(w)) = −c·g′(w)/g(w)²",
            (Div, _) => "d/dw (g(w)/c) = g′(w)/c",
            (Pow, [false, true]) => "d/dw g(w)^n = n·g(w)^(n−1)·g′(w)",
            (Pow, [true, _]) => "d/dw c^g(w) = ln(c)·c^g(w)·g′(w)",
            (Pow, _) => "d/dw g(w)^h(w) = h(w)·g(w)^(h(w)−1)·g′(w) + ln(g(w))·g(w)^h(w)·h′(w)",
            (Sin, _) => "d/dw sin(g(w)) = cos(g(w))·g′(w)",
            (Cos, _) => "d/dw cos(g(w)) = −sin(g(w))·g′(w)",
            (Tan, _) => "d/dw tan(g(w)) = (1 + tan²(g(w)))·g′(w)",
            (Exp, _) => "d/dw exp(g(w)) = exp(g(w))·g′(w)",
            (Ln, _) => "d/dw ln(g(w)) = g′(w)/g(w)",
            (Sqrt, _) => "d/dw sqrt(g(w)) = g′(w)/(2·sqrt(g(w)))",
            (Tanh, _) => "d/dw tanh(g(w)) = (1 − tanh²(g(w)))·g′(w)",
            (Sigmoid, _) => "d/dw σ(g(w)) = σ(g(w))·(1 − σ(g(w)))·g′(w)",
            (Relu, _) => "d/dw relu(g(w)) = [g(w) > 0]·g′(w)   (relu′(0) = 0)",
            (Abs, _) => "d/dw |g(w)| = sign(g(w))·g′(w)   (abs′(0) = 0)",
            (Softplus, _) => "d/dw softplus(g(w)) = σ(g(w))·g′(w)",
        }
    }

    /// The value update with operands already rendered (symbols or
    /// numbers): `tanh(x1)`, `2·x0`, `x4²`.
    pub fn value_text(self, a: &str, b: &str) -> String {
        let (pa, pb) = (wrap(a), wrap(b));
        match self {
            Input => "input".to_string(),
            Const | Id => a.to_string(),
            Neg => format!("−{pa}"),
            Add => format!("{a} + {pb}"),
            Sub => format!("{a} − {pb}"),
            Mul => format!("{pa}·{pb}"),
            Div => format!("{pa}/{pb}"),
            Pow => match b {
                "2" => format!("{pa}²"),
                "3" => format!("{pa}³"),
                _ => format!("{pa}^{pb}"),
            },
            Abs => format!("|{a}|"),
            Sigmoid => format!("σ({a})"),
            f => format!("{}({a})", f.name()),
        }
    }

    /// The local partial with respect to operand `k`, operands rendered as
    /// text; `n_minus_1` is the rendered exponent minus one for the power
    /// rule with a constant exponent. The flag says the text is a sum or a
    /// quotient and needs parentheses when it is multiplied.
    pub fn partial_text(
        self,
        k: usize,
        a: &str,
        b: &str,
        n_minus_1: &str,
        b_is_const: bool,
    ) -> (String, bool) {
        let (pa, pb) = (wrap(a), wrap(b));
        let s = |t: String| (t, false);
        let c = |t: String| (t, true);
        match (self, k) {
            (Input, _) | (Const, _) => s("0".into()),
            (Id, _) | (Add, _) | (Sub, 0) => s("1".into()),
            (Neg, _) | (Sub, _) => s("−1".into()),
            (Mul, 0) => s(b.into()),
            (Mul, _) => s(a.into()),
            (Div, 0) => c(format!("1/{pb}")),
            (Div, _) => c(format!("−{pa}/{pb}²")),
            (Pow, 0) if b_is_const => match b {
                "0" => s("0".into()),
                "1" => s("1".into()),
                "2" => s(format!("2·{pa}")),
                _ => s(format!("{pb}·{pa}^{}", wrap(n_minus_1))),
            },
            (Pow, 0) => s(format!("{pb}·{pa}^({b} − 1)")),
            (Pow, _) => s(format!("ln({a})·{pa}^{pb}")),
            (Sin, _) => s(format!("cos({a})")),
            (Cos, _) => s(format!("−sin({a})")),
            (Tan, _) => c(format!("1 + tan²({a})")),
            (Exp, _) => s(format!("exp({a})")),
            (Ln, _) => c(format!("1/{pa}")),
            (Sqrt, _) => c(format!("1/(2·sqrt({a}))")),
            (Tanh, _) => c(format!("1 − tanh²({a})")),
            (Sigmoid, _) => s(format!("σ({a})·(1 − σ({a}))")),
            (Relu, _) => s(format!("[{a} > 0]")),
            (Abs, _) => s(format!("sign({a})")),
            (Softplus, _) => s(format!("σ({a})")),
        }
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

/// Parenthesise a rendered operand that would otherwise read wrongly next
/// to an operator (a negative number, a sum).
pub fn wrap(s: &str) -> String {
    if s.starts_with('-') || s.starts_with('−') || s.contains(' ') {
        format!("({s})")
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Op; 20] = [
        Input, Const, Id, Neg, Add, Sub, Mul, Div, Pow, Sin, Cos, Tan, Exp, Ln, Sqrt, Tanh,
        Sigmoid, Relu, Abs, Softplus,
    ];

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
        assert!(matches!(
            Sqrt.check(0.0, 0.0, false, false),
            Some(Issue::Kink(_))
        ));
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

    #[test]
    fn rule_texts_read_like_the_lecture() {
        assert_eq!(
            Tanh.general_rule([false, true]),
            "d/dw tanh(g(w)) = (1 − tanh²(g(w)))·g′(w)"
        );
        assert_eq!(
            Tanh.partial_text(0, "x1", "", "", true),
            ("1 − tanh²(x1)".to_string(), true)
        );
        assert_eq!(Pow.value_text("x4", "2"), "x4²");
        assert_eq!(Pow.partial_text(0, "x4", "2", "1", true).0, "2·x4");
        assert_eq!(Pow.partial_text(0, "x", "3", "2", true).0, "3·x^2");
        assert_eq!(Mul.value_text("2", "x0"), "2·x0");
        assert_eq!(Sub.value_text("x3", "-2"), "x3 − (-2)");
        assert_eq!(function("log"), Some(Ln));
        assert_eq!(function("sinn"), None);
    }
}
