//! The abstract syntax tree: plain data with spans, no pest types.
//!
//! Expressions live in one arena (`Program::exprs`) and refer to their
//! operands by index. Operands always come before the expression that uses
//! them, so every later pass is a loop over the arena in order: no walk
//! recurses, and dropping a deep tree cannot overflow the stack.

use crate::core::diagnostic::Span;
use crate::core::ops::Op;

pub type ExprId = u32;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    /// `*`: scaling, or the matrix product when both sides are not scalars.
    Mul,
    Div,
    Pow,
    /// `@`: the matrix product (NumPy's spelling).
    MatMul,
    /// `.*`, `./`, `.^`: elementwise.
    EMul,
    EDiv,
    EPow,
}

impl BinOp {
    /// The scalar operation (per element for tensors).
    pub fn op(self) -> Op {
        match self {
            BinOp::Add => Op::Add,
            BinOp::Sub => Op::Sub,
            BinOp::Mul | BinOp::MatMul | BinOp::EMul => Op::Mul,
            BinOp::Div | BinOp::EDiv => Op::Div,
            BinOp::Pow | BinOp::EPow => Op::Pow,
        }
    }

    /// As written.
    pub fn text(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Pow => "^",
            BinOp::MatMul => "@",
            BinOp::EMul => ".*",
            BinOp::EDiv => "./",
            BinOp::EPow => ".^",
        }
    }
}

/// A call of a name that is not one of the scalar operations: a helper
/// defined earlier, or a built-in on vectors (`sum`, `dot`, `solve`, …).
/// Resolved when the program is lowered.
#[derive(Clone, Debug, PartialEq)]
pub struct Apply {
    pub name: Span,
    pub sym: u32,
    pub args: Vec<ExprId>,
}

/// A literal's value, kept as two halves so that an expression needs
/// 4-byte alignment only: 20 bytes rather than 24, over the millions of
/// expressions of a large program.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Lit([u32; 2]);

impl Lit {
    pub fn new(x: f64) -> Lit {
        let b = x.to_bits();
        Lit([b as u32, (b >> 32) as u32])
    }

    pub fn get(self) -> f64 {
        f64::from_bits(u64::from(self.0[0]) | (u64::from(self.0[1]) << 32))
    }
}

impl std::fmt::Debug for Lit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.get().fmt(f)
    }
}

/// An index into `Program::lists`.
pub type ListId = u32;

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Num(Lit),
    /// A name: its symbol id (`Program::symbols`); its text is the span.
    Name(u32),
    Neg(ExprId),
    Binary(BinOp, ExprId, ExprId),
    /// A call of a known function (validated by the parser).
    Call(Op, ExprId),
    /// `(a, b, …)`: the outputs of a multi-output function. The items, as
    /// those of every kind with a list, are kept beside the arena
    /// (`Program::lists`), so that an expression holds no pointer.
    Tuple(ListId),
    /// `[a, b, …]`: a column vector; a vector of vectors is a matrix by rows.
    Vector(ListId),
    /// `v[i]`, `A[i, j]` (1-based constant indices): the indexed
    /// expression and the list of indices.
    Index(ExprId, ListId),
    /// `A'`.
    Transpose(ExprId),
    /// A call of a helper or a built-in on vectors (`Program::applies`).
    Apply(u32),
}

/// The lists an arena's expressions refer to (a program's, or a helper's
/// body's): where `renumbered` reads them, and where lowering does.
#[derive(Clone, Copy)]
pub struct Lists<'a> {
    pub lists: &'a [Vec<ExprId>],
    pub applies: &'a [Apply],
}

impl<'a> Lists<'a> {
    /// The list `k` of a tuple, vector or indexing.
    pub fn list(&self, k: ListId) -> &'a [ExprId] {
        &self.lists[k as usize]
    }

    /// The call `k` of an `ExprKind::Apply`.
    pub fn apply(&self, k: u32) -> &'a Apply {
        &self.applies[k as usize]
    }
}

impl ExprKind {
    /// The same expression with its operand ids and symbols mapped (an
    /// arena appended to another, a helper's body copied out); its lists,
    /// read from `from`, are appended, mapped, to `to_lists`/`to_applies`.
    pub fn renumbered(
        &self,
        id: impl Fn(ExprId) -> ExprId,
        sym: impl Fn(u32) -> u32,
        from: &Lists,
        to_lists: &mut Vec<Vec<ExprId>>,
        to_applies: &mut Vec<Apply>,
    ) -> ExprKind {
        let mut list = |k: ListId| {
            to_lists.push(from.lists[k as usize].iter().map(|&a| id(a)).collect());
            (to_lists.len() - 1) as ListId
        };
        match self {
            ExprKind::Num(v) => ExprKind::Num(*v),
            ExprKind::Name(s) => ExprKind::Name(sym(*s)),
            ExprKind::Neg(a) => ExprKind::Neg(id(*a)),
            ExprKind::Call(op, a) => ExprKind::Call(*op, id(*a)),
            ExprKind::Binary(op, a, b) => ExprKind::Binary(*op, id(*a), id(*b)),
            ExprKind::Tuple(k) => ExprKind::Tuple(list(*k)),
            ExprKind::Vector(k) => ExprKind::Vector(list(*k)),
            ExprKind::Index(a, k) => ExprKind::Index(id(*a), list(*k)),
            ExprKind::Transpose(a) => ExprKind::Transpose(id(*a)),
            ExprKind::Apply(k) => {
                let ap = &from.applies[*k as usize];
                to_applies.push(Apply {
                    name: ap.name,
                    sym: sym(ap.sym),
                    args: ap.args.iter().map(|&a| id(a)).collect(),
                });
                ExprKind::Apply((to_applies.len() - 1) as u32)
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

/// `name = value`, or a bare expression (`name` is None), or a definition
/// `name(params) = value` (the program's function when it is the last
/// statement, a helper otherwise).
#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    /// A definition's parameters (their spans and symbols).
    pub params: Option<Box<(Vec<Span>, Vec<u32>)>>,
    pub name: Option<Span>,
    /// The symbol of `name` (meaningless without a name).
    pub sym: u32,
    pub value: ExprId,
    /// The first arena index belonging to this statement's expression.
    pub first: ExprId,
    /// Which chunk of the source it is (statements and the point are chunks).
    pub chunk: u32,
    /// Where the statement starts.
    pub start: u32,
}

/// `f(x, y) = …`: names the output and fixes the inputs and their order.
#[derive(Clone, Debug, PartialEq)]
pub struct Definition {
    pub name: Span,
    pub params: Vec<Span>,
    pub param_syms: Vec<u32>,
    /// Which chunk (statement) of the source it is.
    pub chunk: usize,
}

/// One `name = value` of a point (`at x = 1, y = pi/4`).
#[derive(Clone, Debug, PartialEq)]
pub struct Binding {
    pub name: Span,
    pub sym: u32,
    pub value: ExprId,
    /// The first arena index belonging to the value's expression.
    pub first: ExprId,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Program {
    pub exprs: Vec<Expr>,
    pub stmts: Vec<Stmt>,
    pub definition: Option<Definition>,
    pub point: Vec<Binding>,
    /// Where the point clause starts (for "point must come last" errors).
    pub point_span: Option<Span>,
    /// Which chunk (statement) of the source holds the point.
    pub point_chunk: Option<usize>,
    /// Every name, by symbol id: where it first appears.
    pub symbols: Vec<Span>,
    /// The items of tuples and vectors and the indices of indexings
    /// (`ExprKind::Tuple`, `Vector`, `Index`), by `ListId`.
    pub lists: Vec<Vec<ExprId>>,
    /// The calls `ExprKind::Apply` refers to.
    pub applies: Vec<Apply>,
}

impl Program {
    /// This program's lists (of tuples, vectors, indexings and calls).
    pub fn lists(&self) -> Lists<'_> {
        Lists {
            lists: &self.lists,
            applies: &self.applies,
        }
    }

    /// What is left of a traced program for its point: the definition,
    /// the point's bindings and their expressions (renumbered), and no
    /// statements. The statements' arena can be as large as the program
    /// (a 10 MB statement is 10 M expressions); the views need only this.
    /// The statements and their arena come back for the caller to free.
    pub fn point_only(mut self) -> (Program, (Vec<Expr>, Vec<Stmt>)) {
        let mut exprs = Vec::new();
        let (mut lists, mut applies) = (Vec::new(), Vec::new());
        let from = Lists {
            lists: &self.lists,
            applies: &self.applies,
        };
        for b in &mut self.point {
            let (first, value) = (b.first as usize, b.value as usize);
            let Some(range) = self.exprs.get(first..=value) else {
                continue;
            };
            let shift = exprs.len() as ExprId;
            let base = b.first;
            exprs.extend(range.iter().map(|e| Expr {
                kind: e.kind.renumbered(
                    |a| a - base + shift,
                    |s| s,
                    &from,
                    &mut lists,
                    &mut applies,
                ),
                span: e.span,
            }));
            b.value = b.value - b.first + shift;
            b.first = shift;
        }
        self.lists = lists;
        self.applies = applies;
        let rest = (
            std::mem::replace(&mut self.exprs, exprs),
            std::mem::take(&mut self.stmts),
        );
        (self, rest)
    }

    /// Append `other` (parsed from a later part of the same source),
    /// shifting its arena indices and renumbering its symbols with `map`
    /// (its symbol id → this program's).
    pub fn append(&mut self, other: Program, map: &[u32]) {
        let shift = self.exprs.len() as ExprId;
        let sym = |s: u32| map.get(s as usize).copied().unwrap_or(s);
        let from = other.lists();
        let (lists, applies) = (&mut self.lists, &mut self.applies);
        self.exprs.extend(other.exprs.iter().map(|e| Expr {
            kind: e.kind.renumbered(|a| a + shift, sym, &from, lists, applies),
            span: e.span,
        }));
        self.stmts.extend(other.stmts.into_iter().map(|s| {
            Stmt {
                value: s.value + shift,
                first: s.first + shift,
                sym: sym(s.sym),
                params: s
                    .params
                    .map(|p| Box::new((p.0, p.1.iter().map(|&x| sym(x)).collect()))),
                ..s
            }
        }));
        self.point.extend(other.point.into_iter().map(|b| Binding {
            value: b.value + shift,
            first: b.first + shift,
            sym: sym(b.sym),
            ..b
        }));
        if let Some(mut d) = other.definition {
            d.param_syms.iter_mut().for_each(|s| *s = sym(*s));
            self.definition = Some(d);
        }
        if other.point_span.is_some() {
            self.point_span = other.point_span;
            self.point_chunk = other.point_chunk;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_expression_is_twenty_bytes() {
        // The 10 MB statement is 10 M expressions: 200 MB at 20 bytes,
        // 240 MB at the 24 an f64 or a pointer in the kind would make.
        assert_eq!(std::mem::size_of::<ExprKind>(), 12);
        assert_eq!(std::mem::size_of::<Expr>(), 20);
    }

    #[test]
    fn a_literal_keeps_every_bit() {
        for x in [
            0.0,
            -0.0,
            1.0,
            0.1,
            1e308,
            f64::MIN_POSITIVE / 3.0,
            f64::MAX,
            f64::INFINITY,
            -2.5e-300,
        ] {
            assert_eq!(Lit::new(x).get().to_bits(), x.to_bits(), "{x}");
        }
        assert!(Lit::new(f64::NAN).get().is_nan());
        assert_eq!(format!("{:?}", Lit::new(0.25)), "0.25");
    }
}
