//! Constant expressions: the values of a point, a seed or a cotangent
//! (`theta = [1, 0.5]`, `at theta = solve(X'*X, X'*y)`), evaluated with
//! numbers only — numbers, `pi` and `e` unless the program binds them, the
//! program's constants (numbers, vectors and matrices), and the language's
//! operations on them (elementwise, the matrix product, transpose,
//! indexing, `sum`, `mean`, `dot`, `norm`, `solve`).
//!
//! Owns the constant environment a value is read in (`ConstEnv`, built
//! once per list so that looking a name up costs no scan of the trace).
//! Must not lower anything to rows: a value that is not constant is an
//! error located at the name.

use std::collections::{HashMap, HashSet};

use super::Trace;
use super::build::builtin;
use crate::core::diagnostic::{Diagnostic, Span};
use crate::core::ops::Issue;
use crate::core::syntax::ast::{BinOp, ExprId, ExprKind, Program};

/// A constant vector or matrix (a number is 1×1), row by row.
#[derive(Clone, Debug, PartialEq)]
pub struct ConstTensor {
    pub rows: u32,
    pub cols: u32,
    pub data: Vec<f64>,
}

impl ConstTensor {
    pub fn scalar(x: f64) -> ConstTensor {
        ConstTensor {
            rows: 1,
            cols: 1,
            data: vec![x],
        }
    }
    fn map(&self, f: impl Fn(f64) -> f64) -> ConstTensor {
        ConstTensor {
            data: self.data.iter().map(|&x| f(x)).collect(),
            ..self.clone()
        }
    }
    fn is_scalar(&self) -> bool {
        self.data.len() == 1
    }
    fn get(&self, i: usize, j: usize) -> f64 {
        self.data[i * self.cols as usize + j]
    }
}

/// The names a constant value may use.
#[derive(Clone, Debug, Default)]
pub struct ConstEnv<'t> {
    values: HashMap<&'t str, ConstTensor>,
    /// The trace whose row names are not constants (and shadow `pi`, `e`):
    /// their set is made the first time a name needs it, so a point of
    /// numbers costs nothing on a million-row trace.
    trace: Option<&'t Trace>,
    rows: std::cell::OnceCell<HashSet<&'t str>>,
}

impl<'t> ConstEnv<'t> {
    /// The constants of a traced program.
    pub fn of(trace: &'t Trace) -> ConstEnv<'t> {
        let mut env = ConstEnv::default();
        for (n, v) in &trace.constants {
            env.values.insert(n, ConstTensor::scalar(*v));
        }
        for (n, t) in &trace.constant_tensors {
            env.values.insert(n, t.clone());
        }
        env.trace = Some(trace);
        env
    }

    /// The constants a program's statements define, in order, read from
    /// its text alone (before it is traced): what a point's value may name.
    pub fn of_statements(src: &'t str, prog: &Program) -> ConstEnv<'t> {
        let mut env = ConstEnv::default();
        for s in &prog.stmts {
            let Some(name) = s.name else { continue };
            if s.params.is_some() {
                continue;
            }
            if let Ok(v) = const_tensor(&env, src, prog, s.first, s.value) {
                env.values.insert(name.text(src), v);
            }
        }
        env
    }

    fn lookup(&self, name: &str) -> Option<ConstTensor> {
        if let Some(v) = self.values.get(name) {
            return Some(v.clone());
        }
        let is_row = self.trace.is_some_and(|t| {
            self.rows
                .get_or_init(|| t.names().flatten().collect())
                .contains(name)
        });
        if is_row {
            return None;
        }
        builtin(name).map(ConstTensor::scalar)
    }
}

/// The first domain problem inside a constant expression that evaluated
/// to a non-finite number (`ln(-1)` in `at x = ln(-1) + 1`): its text,
/// value and cause. Looked for only in small expressions (each operation's
/// operands are evaluated again), so a huge one costs nothing.
pub fn const_problem(
    env: &ConstEnv,
    src: &str,
    prog: &Program,
    first: ExprId,
    root: ExprId,
) -> Option<String> {
    if root - first > 200 {
        return None;
    }
    let scalar = |id: ExprId| {
        const_tensor(env, src, prog, first, id)
            .ok()
            .filter(ConstTensor::is_scalar)
            .map(|t| t.data[0])
    };
    for id in first..=root {
        let e = &prog.exprs[id as usize];
        let (op, x, y) = match &e.kind {
            ExprKind::Call(op, a) => (*op, scalar(*a)?, 0.0),
            ExprKind::Binary(op, a, b) => (op.op(), scalar(*a)?, scalar(*b)?),
            _ => continue,
        };
        let v = op.eval(x, y);
        let finite_in = x.is_finite() && y.is_finite();
        let cause = match op.check(x, y, true, true) {
            Some(Issue::Domain(c) | Issue::Pole(c)) => c,
            _ if finite_in && !v.is_finite() => "it overflows",
            _ => continue,
        };
        let shown = if v.is_nan() {
            "NaN".to_string()
        } else if v.is_infinite() {
            format!("{}infinity", if v > 0.0 { "+" } else { "-" })
        } else {
            format!("{v:.4e}")
        };
        return Some(format!("{} is {shown}: {cause}", e.span.text(src)));
    }
    None
}

/// Evaluate a constant expression (`first..=root` of `prog`'s arena).
pub fn const_tensor(
    env: &ConstEnv,
    src: &str,
    prog: &Program,
    first: ExprId,
    root: ExprId,
) -> Result<ConstTensor, Diagnostic> {
    let mut vals: Vec<ConstTensor> = Vec::with_capacity((root - first + 1) as usize);
    let get = |vals: &Vec<ConstTensor>, id: ExprId| vals[(id - first) as usize].clone();
    let bad = |span: Span, what: &str| {
        Diagnostic::new(span, format!("a point value must be a constant: {what}"))
            .with_hint("e.g. x = 1, theta = [1, 0.5], W = [[1, 2], [3, 4]]")
    };
    for id in first..=root {
        let e = &prog.exprs[id as usize];
        let v = match &e.kind {
            ExprKind::Num(c) => ConstTensor::scalar(c.get()),
            ExprKind::Name(_) => {
                let name = e.span.text(src);
                env.lookup(name).ok_or_else(|| {
                    Diagnostic::new(e.span, format!("'{name}' is not a constant")).with_hint(
                        "a point value must be a number or a constant expression like pi/4",
                    )
                })?
            }
            ExprKind::Neg(a) => get(&vals, *a).map(|x| -x),
            ExprKind::Call(op, a) => get(&vals, *a).map(|x| op.eval(x, 0.0)),
            ExprKind::Binary(op, a, b) => {
                let (a, b) = (get(&vals, *a), get(&vals, *b));
                let f = |x, y| op.op().eval(x, y);
                let product = matches!(op, BinOp::Mul | BinOp::MatMul);
                if product && !a.is_scalar() && !b.is_scalar() {
                    matmul(&a, &b).ok_or_else(|| bad(e.span, "the shapes do not multiply"))?
                } else if a.is_scalar() {
                    b.map(|y| f(a.data[0], y))
                } else if b.is_scalar() {
                    a.map(|x| f(x, b.data[0]))
                } else if (a.rows, a.cols) == (b.rows, b.cols) {
                    ConstTensor {
                        data: a.data.iter().zip(&b.data).map(|(&x, &y)| f(x, y)).collect(),
                        ..a
                    }
                } else {
                    return Err(bad(e.span, "the shapes differ"));
                }
            }
            ExprKind::Vector(k) => {
                let items = prog.lists().list(*k);
                let parts: Vec<ConstTensor> = items.iter().map(|i| get(&vals, *i)).collect();
                if parts.iter().all(ConstTensor::is_scalar) {
                    ConstTensor {
                        rows: parts.len() as u32,
                        cols: 1,
                        data: parts.iter().map(|p| p.data[0]).collect(),
                    }
                } else {
                    let k = parts[0].data.len();
                    let vector = |p: &ConstTensor| p.rows == 1 || p.cols == 1;
                    if !parts.iter().all(|p| vector(p) && p.data.len() == k) {
                        return Err(Diagnostic::new(
                            e.span,
                            "the rows of a matrix differ in length",
                        )
                        .with_hint("give every row the same number of entries"));
                    }
                    ConstTensor {
                        rows: parts.len() as u32,
                        cols: k as u32,
                        data: parts.iter().flat_map(|p| p.data.iter().copied()).collect(),
                    }
                }
            }
            ExprKind::Transpose(a) => transpose(&get(&vals, *a)),
            ExprKind::Index(a, k) => {
                let base = get(&vals, *a);
                let at: Vec<f64> = (prog.lists().list(*k).iter())
                    .map(|i| get(&vals, *i).data[0])
                    .collect();
                let whole = |x: f64, n: u32| {
                    (x.fract() == 0.0 && x >= 1.0 && x <= f64::from(n)).then_some(x as usize - 1)
                };
                let k = match (at.as_slice(), base.rows == 1 || base.cols == 1) {
                    ([i], true) => whole(*i, base.rows.max(base.cols)),
                    ([i, j], _) => whole(*i, base.rows)
                        .zip(whole(*j, base.cols))
                        .map(|(i, j)| i * base.cols as usize + j),
                    _ => None,
                };
                let k = k.ok_or_else(|| bad(e.span, "an index out of range"))?;
                ConstTensor::scalar(base.data[k])
            }
            ExprKind::Apply(k) => {
                let ap = prog.lists().apply(*k);
                let args: Vec<ConstTensor> = ap.args.iter().map(|i| get(&vals, *i)).collect();
                let sum = |t: &ConstTensor| t.data.iter().sum::<f64>();
                match (ap.name.text(src), args.as_slice()) {
                    ("sum", [t]) => ConstTensor::scalar(sum(t)),
                    ("mean", [t]) => ConstTensor::scalar(sum(t) / t.data.len() as f64),
                    ("norm", [t]) => {
                        ConstTensor::scalar(t.data.iter().map(|x| x * x).sum::<f64>().sqrt())
                    }
                    ("transpose", [t]) => transpose(t),
                    ("dot", [u, v]) if u.data.len() == v.data.len() => {
                        ConstTensor::scalar(u.data.iter().zip(&v.data).map(|(a, b)| a * b).sum())
                    }
                    ("solve", [a, b]) => solve(a, b)
                        .ok_or_else(|| bad(e.span, "solve needs an invertible square matrix"))?,
                    (name, _) => {
                        return Err(bad(e.span, &format!("'{name}' is not constant here")));
                    }
                }
            }
            ExprKind::Tuple(_) => return Err(bad(e.span, "a tuple")),
        };
        vals.push(v);
    }
    Ok(get(&vals, root))
}

fn transpose(a: &ConstTensor) -> ConstTensor {
    let (r, c) = (a.rows as usize, a.cols as usize);
    let mut data = vec![0.0; r * c];
    for i in 0..r {
        for j in 0..c {
            data[j * r + i] = a.data[i * c + j];
        }
    }
    ConstTensor {
        rows: a.cols,
        cols: a.rows,
        data,
    }
}

fn matmul(a: &ConstTensor, b: &ConstTensor) -> Option<ConstTensor> {
    if a.cols != b.rows {
        return None;
    }
    let (m, k, n) = (a.rows as usize, a.cols as usize, b.cols as usize);
    let mut data = vec![0.0; m * n];
    for i in 0..m {
        for j in 0..n {
            data[i * n + j] = (0..k).map(|p| a.get(i, p) * b.get(p, j)).sum();
        }
    }
    Some(ConstTensor {
        rows: a.rows,
        cols: b.cols,
        data,
    })
}

/// A⁻¹b by Gaussian elimination with partial pivoting (the numbers are
/// known, so pivoting is free here); `None` for a singular or non-square A.
fn solve(a: &ConstTensor, b: &ConstTensor) -> Option<ConstTensor> {
    let n = a.rows as usize;
    if a.cols as usize != n || b.rows as usize != n {
        return None;
    }
    let k = b.cols as usize;
    let mut m: Vec<Vec<f64>> = (0..n)
        .map(|i| {
            let mut row: Vec<f64> = (0..n).map(|j| a.get(i, j)).collect();
            row.extend((0..k).map(|j| b.get(i, j)));
            row
        })
        .collect();
    for col in 0..n {
        let pivot = (col..n).max_by(|&x, &y| m[x][col].abs().total_cmp(&m[y][col].abs()))?;
        if m[pivot][col] == 0.0 {
            return None;
        }
        m.swap(col, pivot);
        let pivot_row = m[col].clone();
        for (r, row) in m.iter_mut().enumerate() {
            if r != col {
                let f = row[col] / pivot_row[col];
                for (x, p) in row.iter_mut().zip(&pivot_row).skip(col) {
                    *x -= f * p;
                }
            }
        }
    }
    let data = (0..n)
        .flat_map(|i| (0..k).map(move |j| (i, j)))
        .map(|(i, j)| m[i][n + j] / m[i][i])
        .collect();
    Some(ConstTensor {
        rows: n as u32,
        cols: k as u32,
        data,
    })
}
