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
    Mul,
    Div,
    Pow,
}

impl BinOp {
    pub fn op(self) -> Op {
        match self {
            BinOp::Add => Op::Add,
            BinOp::Sub => Op::Sub,
            BinOp::Mul => Op::Mul,
            BinOp::Div => Op::Div,
            BinOp::Pow => Op::Pow,
        }
    }
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
    /// `(a, b, …)`: room for multi-output functions; not traced yet.
    /// Boxed so that the common expressions stay 16 bytes (millions of them).
    Tuple(Box<Vec<ExprId>>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

/// `name = value`, or a bare expression (`name` is None).
#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
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
    /// Append `other` (parsed from a later part of the same source),
    /// shifting its arena indices and renumbering its symbols with `map`
    /// (its symbol id → this program's).
    pub fn append(&mut self, other: Program, map: &[u32]) {
        let shift = self.exprs.len() as ExprId;
        let sym = |s: u32| map.get(s as usize).copied().unwrap_or(s);
        self.exprs.extend(other.exprs.into_iter().map(|mut e| {
            match &mut e.kind {
                ExprKind::Num(_) => {}
                ExprKind::Name(s) => *s = sym(*s),
                ExprKind::Neg(a) | ExprKind::Call(_, a) => *a += shift,
                ExprKind::Binary(_, a, b) => {
                    *a += shift;
                    *b += shift;
                }
                ExprKind::Tuple(items) => items.iter_mut().for_each(|a| *a += shift),
            }
            e
        }));
        self.stmts.extend(other.stmts.into_iter().map(|s| Stmt {
            value: s.value + shift,
            first: s.first + shift,
            sym: sym(s.sym),
            ..s
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
