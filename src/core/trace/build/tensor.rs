//! Vectors and matrices, lowered to the same scalar rows as everything else
//! (so the rows keep their speed and their stored partials): literals,
//! transpose, indexing, the matrix product, elementwise operations with a
//! scalar broadcast, elementwise functions, the reductions `sum`, `mean`,
//! `dot`, `norm`, `solve` (Cramer's rule for up to 4×4: the same rows
//! whatever the numbers), and calls of helpers.
//!
//! Owns the shape rules and their errors, which name both shapes and the
//! fix (`W is 2×3, so x needs 3 entries; it has 2`). Must not change how a
//! scalar is lowered: every entry goes through `Builder::scalar`/`unary`.

use super::{Binding, Builder, Helper, Tensor, Val};
use crate::core::diagnostic::{Diagnostic, Span, did_you_mean};
use crate::core::ops::{FUNCTIONS, Op};
use crate::core::syntax::ast::BinOp;
use crate::core::syntax::parser_builtins as BUILTINS;
use crate::core::trace::{GroupKind, shape_text};

/// The largest matrix `solve` takes (Cramer's rule grows as n!).
const SOLVE_MAX: u32 = 4;

impl Builder<'_> {
    /// A new vector or matrix (a 1×1 one is its scalar, unless a tuple).
    fn tensor(&mut self, rows: u32, cols: u32, elems: Vec<Val>, tuple: bool) -> Val {
        self.shaped = true;
        if rows * cols == 1 && !tuple {
            return elems[0];
        }
        self.tensors.push(Tensor {
            rows,
            cols,
            elems,
            tuple,
        });
        Val::Tensor((self.tensors.len() - 1) as u32)
    }

    fn shape(&self, v: Val) -> (u32, u32) {
        match v {
            Val::Tensor(t) => (self.tensors[t as usize].rows, self.tensors[t as usize].cols),
            _ => (1, 1),
        }
    }

    /// The entries of a value (a scalar is its one entry).
    fn elems(&self, v: Val) -> Vec<Val> {
        match v {
            Val::Tensor(t) => self.tensors[t as usize].elems.clone(),
            v => vec![v],
        }
    }

    /// How a message names an operand: its text when short, else `what`.
    fn called(&self, span: Span, what: &str) -> String {
        let t = span.text(self.src).trim();
        if t.chars().count() <= 24 && !t.contains('\n') {
            t.to_string()
        } else {
            what.to_string()
        }
    }

    /// A unary operation, entry by entry on a vector or matrix.
    pub(super) fn map_unary(&mut self, op: Op, a: Val, span: Span) -> Val {
        let Val::Tensor(t) = a else {
            return self.unary(op, a, span);
        };
        let (rows, cols) = self.shape(a);
        let elems = self.tensors[t as usize].elems.clone();
        let out = elems.into_iter().map(|v| self.unary(op, v, span)).collect();
        self.tensor(rows, cols, out, false)
    }

    /// A binary operation where one side (at least) is a vector or matrix.
    pub(super) fn binary(
        &mut self,
        op: BinOp,
        a: Val,
        b: Val,
        spans: [Span; 2],
        span: Span,
    ) -> Result<Val, Diagnostic> {
        let (sa, sb) = (self.shape(a), self.shape(b));
        let scalar_side = sa == (1, 1) || sb == (1, 1);
        match op {
            BinOp::Mul | BinOp::MatMul if !scalar_side => self.matmul(a, b, spans, span),
            BinOp::Pow => {
                let (side, shape) = if sa != (1, 1) {
                    (spans[0], sa)
                } else {
                    (spans[1], sb)
                };
                Err(self.entrywise(span, "^ is for numbers", side, shape, ".^", spans))
            }
            // A number over a vector divides entry by entry (1/(1 + exp(-z))
            // in a helper called on a vector).
            BinOp::Div if sb != (1, 1) && sa != (1, 1) => {
                Err(self.entrywise(span, "/ divides by a number", spans[1], sb, "./", spans))
            }
            _ => self.elementwise(op, a, b, spans, span),
        }
    }

    /// An operator for numbers used on a vector or matrix, and the dotted
    /// operator that works entry by entry.
    fn entrywise(
        &self,
        span: Span,
        what: &str,
        side: Span,
        shape: (u32, u32),
        dotted: &str,
        spans: [Span; 2],
    ) -> Diagnostic {
        Diagnostic::new(
            span,
            format!(
                "{what}; {} is a {}",
                self.called(side, "this"),
                shape_text(shape.0, shape.1)
            ),
        )
        .with_hint(format!(
            "for each entry write {}{dotted}{}",
            self.called(spans[0], "a"),
            self.called(spans[1], "b")
        ))
    }

    /// `a op b` entry by entry: equal shapes, or a number on one side.
    fn elementwise(
        &mut self,
        op: BinOp,
        a: Val,
        b: Val,
        spans: [Span; 2],
        span: Span,
    ) -> Result<Val, Diagnostic> {
        let (sa, sb) = (self.shape(a), self.shape(b));
        let shape = if sa == (1, 1) {
            sb
        } else if sb == (1, 1) || sa == sb {
            sa
        } else {
            return Err(Diagnostic::new(
                span,
                format!(
                    "{} is a {} and {} is a {}: {} needs equal shapes or a number on one side",
                    self.called(spans[0], "the left side"),
                    shape_text(sa.0, sa.1),
                    self.called(spans[1], "the right side"),
                    shape_text(sb.0, sb.1),
                    op.text()
                ),
            )
            .with_hint(if sa.0 == sb.1 && sa.1 == sb.0 {
                "one of them is transposed: write ' to transpose the other".to_string()
            } else {
                "give both sides the same shape".to_string()
            }));
        };
        let n = (shape.0 * shape.1) as usize;
        let (ea, eb) = (self.elems(a), self.elems(b));
        let pick = |e: &[Val], k: usize| if e.len() == 1 { e[0] } else { e[k] };
        let out = (0..n)
            .map(|k| self.scalar(op.op(), pick(&ea, k), pick(&eb, k), span))
            .collect();
        Ok(self.tensor(shape.0, shape.1, out, false))
    }

    /// The matrix product: (m×k)·(k×n) is m×n; a 1×1 result is a number.
    fn matmul(&mut self, a: Val, b: Val, spans: [Span; 2], span: Span) -> Result<Val, Diagnostic> {
        let ((m, k), (k2, n)) = (self.shape(a), self.shape(b));
        let (na, nb) = (
            self.called(spans[0], "the left side"),
            self.called(spans[1], "the right side"),
        );
        if k != k2 {
            let d = if k == 1 && n == 1 && m == k2 {
                Diagnostic::new(
                    span,
                    format!("{na} and {nb} are both column vectors: their product is not defined"),
                )
                .with_hint(format!(
                    "for the dot product write dot({na}, {nb}) or {na}'*{nb}"
                ))
            } else if n == 1 {
                Diagnostic::new(
                    span,
                    format!(
                        "{na} is {m}×{k}, so {nb} needs {k} entr{}; it has {k2}",
                        if k == 1 { "y" } else { "ies" }
                    ),
                )
                .with_hint(format!(
                    "a {m}×{k} matrix times a vector needs a {k}-vector"
                ))
            } else {
                Diagnostic::new(
                    span,
                    format!(
                        "{na} is {} and {nb} is {}: the product needs as many columns on the left as rows on the right",
                        shape_text(m, k),
                        shape_text(k2, n)
                    ),
                )
                .with_hint("transpose one side with ' if that is what you mean")
            };
            return Err(d);
        }
        let (ea, eb) = (self.elems(a), self.elems(b));
        let mut out = Vec::with_capacity((m * n) as usize);
        for i in 0..m as usize {
            for j in 0..n as usize {
                let mut acc: Option<Val> = None;
                for p in 0..k as usize {
                    let t = self.scalar(
                        Op::Mul,
                        ea[i * k as usize + p],
                        eb[p * n as usize + j],
                        span,
                    );
                    acc = Some(match acc {
                        None => t,
                        Some(s) => self.scalar(Op::Add, s, t, span),
                    });
                }
                out.push(acc.unwrap_or(Val::Const(0.0)));
            }
        }
        Ok(self.tensor(m, n, out, false))
    }

    /// `(a, b, …)`: the outputs of a function, each a number.
    pub(super) fn tuple(&mut self, items: Vec<(Val, Span)>) -> Result<Val, Diagnostic> {
        for &(v, s) in &items {
            let sh = self.shape(v);
            if sh != (1, 1) {
                return Err(Diagnostic::new(
                    s,
                    format!(
                        "a tuple holds numbers; {} is a {}",
                        self.called(s, "this"),
                        shape_text(sh.0, sh.1)
                    ),
                )
                .with_hint("make the vector itself the output"));
            }
        }
        let elems = items.into_iter().map(|(v, _)| v).collect::<Vec<_>>();
        Ok(self.tensor(elems.len() as u32, 1, elems, true))
    }

    /// `[a, b, …]`: a column vector of numbers, or a matrix whose rows are
    /// the given vectors.
    pub(super) fn vector(
        &mut self,
        items: Vec<(Val, Span)>,
        span: Span,
    ) -> Result<Val, Diagnostic> {
        let shapes: Vec<(u32, u32)> = items.iter().map(|&(v, _)| self.shape(v)).collect();
        if shapes.iter().all(|&s| s == (1, 1)) {
            // An item may be a one-entry vector (`[[a]]`, `[[a], [b]]`):
            // its entry, so no entry is itself a vector.
            let elems = items
                .into_iter()
                .map(|(v, _)| self.elems(v)[0])
                .collect::<Vec<_>>();
            let n = elems.len() as u32;
            // A one-entry vector is a vector all the same.
            self.shaped = true;
            self.tensors.push(Tensor {
                rows: n,
                cols: 1,
                elems,
                tuple: false,
            });
            return Ok(Val::Tensor((self.tensors.len() - 1) as u32));
        }
        let len = |s: (u32, u32)| s.0 * s.1;
        let is_vector = |s: (u32, u32)| s.0 == 1 || s.1 == 1;
        let k = len(shapes[0]);
        for (row, (&s, &(_, sp))) in shapes.iter().zip(&items).enumerate() {
            if !is_vector(s) {
                return Err(Diagnostic::new(sp, "a matrix's rows must be vectors")
                    .with_hint("write a matrix by rows: [[1, 2], [3, 4]]"));
            }
            if len(s) != k {
                return Err(Diagnostic::new(
                    sp,
                    format!(
                        "the rows of a matrix differ in length: row {} has {} entr{}, row 1 has {k}",
                        row + 1,
                        len(s),
                        if len(s) == 1 { "y" } else { "ies" }
                    ),
                )
                .with_hint("give every row the same number of entries"));
            }
        }
        let _ = span;
        let mut elems = Vec::with_capacity(items.len() * k as usize);
        for &(v, _) in &items {
            elems.extend(self.elems(v));
        }
        Ok(self.tensor(items.len() as u32, k, elems, false))
    }

    /// `A'`: rows become columns.
    pub(super) fn transpose(&mut self, a: Val) -> Val {
        let (r, c) = self.shape(a);
        if (r, c) == (1, 1) {
            return a;
        }
        let e = self.elems(a);
        let mut out = Vec::with_capacity(e.len());
        for j in 0..c as usize {
            for i in 0..r as usize {
                out.push(e[i * c as usize + j]);
            }
        }
        self.tensor(c, r, out, false)
    }

    /// `v[i]`, `A[i, j]`: 1-based constant indices.
    pub(super) fn index(
        &mut self,
        base: (Val, Span),
        at: &[(Val, Span)],
        span: Span,
    ) -> Result<Val, Diagnostic> {
        let (v, bspan) = base;
        let (r, c) = self.shape(v);
        let name = self.called(bspan, "this");
        if (r, c) == (1, 1) {
            return Err(
                Diagnostic::new(span, format!("{name} is a number, not a vector"))
                    .with_hint("only vectors and matrices have entries"),
            );
        }
        let whole = |(v, s): (Val, Span), n: u32| -> Result<u32, Diagnostic> {
            match v {
                Val::Const(x) if x.fract() == 0.0 && x >= 1.0 && x <= f64::from(n) => Ok(x as u32),
                Val::Const(x) if x.fract() == 0.0 => Err(Diagnostic::new(
                    s,
                    format!("index {x} is out of range: {name} has {n} there (indices start at 1)"),
                )),
                _ => Err(
                    Diagnostic::new(s, "an index must be a whole-number constant")
                        .with_hint("write v[2], A[1, 2]"),
                ),
            }
        };
        let k = match (at.len(), r == 1 || c == 1) {
            (1, true) => whole(at[0], r.max(c))? - 1,
            (2, _) => (whole(at[0], r)? - 1) * c + (whole(at[1], c)? - 1),
            (1, false) => {
                return Err(Diagnostic::new(
                    span,
                    format!("{name} is {r}×{c}: give a row and a column"),
                )
                .with_hint(format!("{name}[i, j]")));
            }
            _ => return Err(Diagnostic::new(span, "too many indices")),
        };
        Ok(self.elems(v)[k as usize])
    }

    /// A call of a built-in on vectors or of a helper.
    pub(super) fn apply(
        &mut self,
        name: Span,
        sym: u32,
        args: Vec<(Val, Span)>,
        span: Span,
    ) -> Result<Val, Diagnostic> {
        let fname = self.text(name);
        match fname {
            "sum" => Ok(self.sum(args[0].0, span)),
            "mean" => {
                let n = self.elems(args[0].0).len();
                let s = self.sum(args[0].0, span);
                Ok(self.scalar(Op::Div, s, Val::Const(n as f64), span))
            }
            "norm" => {
                let sq: Vec<Val> = self
                    .elems(args[0].0)
                    .into_iter()
                    .map(|v| self.scalar(Op::Pow, v, Val::Const(2.0), span))
                    .collect();
                let s = self.fold_sum(sq, span);
                Ok(self.unary(Op::Sqrt, s, span))
            }
            "transpose" => Ok(self.transpose(args[0].0)),
            "dot" => self.dot(&args, span),
            "solve" => self.solve(&args, span),
            _ => self.call_helper(name, sym, args, span),
        }
    }

    fn sum(&mut self, v: Val, span: Span) -> Val {
        self.shaped = true;
        let e = self.elems(v);
        self.fold_sum(e, span)
    }

    fn fold_sum(&mut self, e: Vec<Val>, span: Span) -> Val {
        let mut acc: Option<Val> = None;
        for v in e {
            acc = Some(match acc {
                None => v,
                Some(s) => self.scalar(Op::Add, s, v, span),
            });
        }
        acc.unwrap_or(Val::Const(0.0))
    }

    fn dot(&mut self, args: &[(Val, Span)], span: Span) -> Result<Val, Diagnostic> {
        let (sa, sb) = (self.shape(args[0].0), self.shape(args[1].0));
        let vector = |s: (u32, u32)| s.0 == 1 || s.1 == 1;
        if !vector(sa) || !vector(sb) || sa.0 * sa.1 != sb.0 * sb.1 {
            return Err(Diagnostic::new(
                span,
                format!(
                    "dot needs two vectors of the same length; {} is a {} and {} is a {}",
                    self.called(args[0].1, "the first"),
                    shape_text(sa.0, sa.1),
                    self.called(args[1].1, "the second"),
                    shape_text(sb.0, sb.1)
                ),
            ));
        }
        self.shaped = true;
        let (ea, eb) = (self.elems(args[0].0), self.elems(args[1].0));
        let products = ea
            .into_iter()
            .zip(eb)
            .map(|(x, y)| self.scalar(Op::Mul, x, y, span))
            .collect();
        Ok(self.fold_sum(products, span))
    }

    /// `solve(A, b)` by Cramer's rule: x_i = det(A_i)/det(A), where A_i is
    /// A with column i replaced by b. The rows do not depend on the numbers
    /// (no pivoting), so the trace is the same at every point.
    fn solve(&mut self, args: &[(Val, Span)], span: Span) -> Result<Val, Diagnostic> {
        let (a, b) = (args[0].0, args[1].0);
        let ((n, n2), (bn, bk)) = (self.shape(a), self.shape(b));
        let na = self.called(args[0].1, "the matrix");
        if n != n2 {
            return Err(Diagnostic::new(
                args[0].1,
                format!("solve needs a square matrix; {na} is {}", shape_text(n, n2)),
            )
            .with_hint("for least squares solve the normal equations: solve(X'*X, X'*y)"));
        }
        if n > SOLVE_MAX {
            return Err(Diagnostic::new(
                args[0].1,
                format!("solve takes matrices up to {SOLVE_MAX}×{SOLVE_MAX}; {na} is {n}×{n}"),
            ));
        }
        if bn != n {
            return Err(Diagnostic::new(
                args[1].1,
                format!(
                    "{na} is {n}×{n}, so {} needs {n} rows; it has {bn}",
                    self.called(args[1].1, "the right side")
                ),
            ));
        }
        self.shaped = true;
        let ea = self.elems(a);
        let eb = self.elems(b);
        let det = self.det(&ea, n as usize, span);
        if let Val::Const(d) = det
            && d == 0.0
        {
            return Err(Diagnostic::new(
                args[0].1,
                format!("{na} is singular (its determinant is 0)"),
            )
            .with_hint("solve needs an invertible matrix"));
        }
        if let Val::Row(_) = det {
            // The sweep tells a nearly singular A at the point.
            self.solves.push(crate::core::trace::SolveCheck {
                det: super::operand(det),
                entries: ea.iter().map(|&v| super::operand(v)).collect(),
                n,
                name: na.as_str().into(),
            });
        }
        let mut out = vec![Val::Const(0.0); (n * bk) as usize];
        for col in 0..bk as usize {
            for i in 0..n as usize {
                // A with column i replaced by column `col` of b.
                let mut m = ea.clone();
                for r in 0..n as usize {
                    m[r * n as usize + i] = eb[r * bk as usize + col];
                }
                let di = self.det(&m, n as usize, span);
                out[i * bk as usize + col] = self.scalar(Op::Div, di, det, span);
            }
        }
        Ok(self.tensor(n, bk, out, false))
    }

    /// The determinant by cofactor expansion along the first row (n ≤ 4).
    fn det(&mut self, m: &[Val], n: usize, span: Span) -> Val {
        if n == 1 {
            return m[0];
        }
        let mut acc: Option<Val> = None;
        for j in 0..n {
            let minor: Vec<Val> = (1..n)
                .flat_map(|r| (0..n).filter(move |&c| c != j).map(move |c| (r, c)))
                .map(|(r, c)| m[r * n + c])
                .collect();
            let d = self.det(&minor, n - 1, span);
            let t = self.scalar(Op::Mul, m[j], d, span);
            acc = Some(match acc {
                None => t,
                Some(s) if j % 2 == 1 => self.scalar(Op::Sub, s, t, span),
                Some(s) => self.scalar(Op::Add, s, t, span),
            });
        }
        acc.unwrap_or(Val::Const(0.0))
    }

    /// A helper's body, traced with its parameters bound to the arguments;
    /// the rows it makes are grouped under the call.
    fn call_helper(
        &mut self,
        name: Span,
        sym: u32,
        args: Vec<(Val, Span)>,
        span: Span,
    ) -> Result<Val, Diagnostic> {
        let fname = self.text(name);
        let Some(h) = self.helpers.get(sym as usize).cloned().flatten() else {
            return Err(self.unknown_function(name, fname));
        };
        let Helper { params, body, .. } = h;
        if params.len() != args.len() {
            return Err(Diagnostic::new(
                span,
                format!(
                    "{fname} takes {} argument{}, not {}",
                    params.len(),
                    if params.len() == 1 { "" } else { "s" },
                    args.len()
                ),
            ));
        }
        let before = self.nodes.len();
        let saved: Vec<(usize, Binding)> = params
            .iter()
            .zip(&args)
            .map(|(&p, &(v, _))| {
                let i = self.slot(p);
                let old = self.binding[i];
                self.binding[i] = Binding::Val(v);
                (i, old)
            })
            .collect();
        let r = self.lower(
            &body.exprs,
            body.lists(),
            None,
            0,
            (body.exprs.len() - 1) as u32,
        );
        for (i, old) in saved {
            self.binding[i] = old;
        }
        let v = r?;
        let (rows, cols) = self.shape(v);
        self.group_rows(before, fname, GroupKind::Call, rows, cols, span);
        Ok(v)
    }

    fn unknown_function(&self, name: Span, fname: &str) -> Diagnostic {
        let helpers: Vec<&str> = self
            .helpers
            .iter()
            .flatten()
            .map(|h| self.text(h.name))
            .collect();
        let all = FUNCTIONS
            .iter()
            .map(|(n, _)| *n)
            .chain(BUILTINS.iter().map(|(n, _)| *n))
            .chain(helpers.iter().copied());
        let d = Diagnostic::new(name, format!("unknown function '{fname}'"));
        match did_you_mean(fname, all) {
            Some(m) => d.with_hint(format!("did you mean '{m}'?")),
            None => d.with_hint(format!(
                "the functions are {}; for a product write {fname}*(…)",
                FUNCTIONS
                    .iter()
                    .map(|(n, _)| *n)
                    .chain(BUILTINS.iter().map(|(n, _)| *n))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }
}
