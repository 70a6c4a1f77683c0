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

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Num(f64),
    /// A name: its symbol id (`Program::symbols`); its text is the span.
    Name(u32),
    Neg(ExprId),
    Binary(BinOp, ExprId, ExprId),
    /// A call of a known function (validated by the parser).
    Call(Op, ExprId),
    /// `(a, b, …)`: the outputs of a multi-output function. Boxed so that
    /// the common expressions stay 16 bytes (millions of them).
    Tuple(Box<Vec<ExprId>>),
    /// `[a, b, …]`: a column vector; a vector of vectors is a matrix by rows.
    Vector(Box<Vec<ExprId>>),
    /// `v[i]`, `A[i, j]` (1-based constant indices).
    Index(Box<(ExprId, Vec<ExprId>)>),
    /// `A'`.
    Transpose(ExprId),
    /// A call of a helper or a built-in on vectors.
    Apply(Box<Apply>),
}

impl ExprKind {
    /// The same expression with its operand ids and symbols mapped (an
    /// arena appended to another, a helper's body copied out).
    pub fn renumbered(&self, id: impl Fn(ExprId) -> ExprId, sym: impl Fn(u32) -> u32) -> ExprKind {
        match self {
            ExprKind::Num(v) => ExprKind::Num(*v),
            ExprKind::Name(s) => ExprKind::Name(sym(*s)),
            ExprKind::Neg(a) => ExprKind::Neg(id(*a)),
            ExprKind::Call(op, a) => ExprKind::Call(*op, id(*a)),
            ExprKind::Binary(op, a, b) => ExprKind::Binary(*op, id(*a), id(*b)),
            ExprKind::Tuple(items) => {
                ExprKind::Tuple(Box::new(items.iter().map(|&a| id(a)).collect()))
            }
            ExprKind::Vector(items) => {
                ExprKind::Vector(Box::new(items.iter().map(|&a| id(a)).collect()))
            }
            ExprKind::Index(ix) => {
                ExprKind::Index(Box::new((id(ix.0), ix.1.iter().map(|&a| id(a)).collect())))
            }
            ExprKind::Transpose(a) => ExprKind::Transpose(id(*a)),
            ExprKind::Apply(ap) => ExprKind::Apply(Box::new(Apply {
                name: ap.name,
                sym: sym(ap.sym),
                args: ap.args.iter().map(|&a| id(a)).collect(),
            })),
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
}

impl Program {
    /// What is left of a traced program for its point: the definition,
    /// the point's bindings and their expressions (renumbered), and no
    /// statements. The statements' arena can be as large as the program
    /// (a 10 MB statement is 10 M expressions); the views need only this.
    /// The statements and their arena come back for the caller to free.
    pub fn point_only(mut self) -> (Program, (Vec<Expr>, Vec<Stmt>)) {
        let mut exprs = Vec::new();
        for b in &mut self.point {
            let (first, value) = (b.first as usize, b.value as usize);
            let Some(range) = self.exprs.get(first..=value) else {
                continue;
            };
            let shift = exprs.len() as ExprId;
            exprs.extend(range.iter().map(|e| Expr {
                kind: e.kind.renumbered(|a| a - b.first + shift, |s| s),
                span: e.span,
            }));
            b.value = b.value - b.first + shift;
            b.first = shift;
        }
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
        self.exprs.extend(other.exprs.into_iter().map(|e| Expr {
            kind: e.kind.renumbered(|a| a + shift, sym),
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
