//! Lowering, statement by statement (`Builder`): name resolution
//! (statements, parameters, inputs by first appearance, the constants `pi`
//! and `e` and their shadowing, use before definition), constant folding
//! (literals become operation parameters), common-subexpression sharing,
//! the output-is-last rule and which rows reach the output.
//!
//! Must not evaluate anything but constants, nor format for display.

use std::hash::Hasher as _;

use hashbrown::HashTable;

use super::{Node, Operand, Options, Trace};
use crate::core::diagnostic::{Diagnostic, Span, line_col};
use crate::core::intern::Fx;
use crate::core::ops::Op;
use crate::core::syntax::ast::{ExprId, ExprKind, Program, Stmt};

#[derive(Clone, Copy, Debug)]
enum Val {
    Row(u32),
    Const(f64),
}

/// Rows are numbered without the inputs while lowering (inputs are found
/// as they appear but must come first); input k is `INPUT | k` until the
/// final renumbering.
const INPUT: u32 = 1 << 31;

fn hash_row(op: Op, args: [Operand; 2]) -> u64 {
    let mut h = Fx::default();
    h.add(op as u64);
    for a in args {
        match a {
            Operand::None => h.add(0),
            Operand::Row(r) => h.add(1 + (u64::from(r) << 2)),
            Operand::Const(c) => {
                h.add(2);
                h.add(c.to_bits());
            }
        }
    }
    h.finish()
}

/// Same operation on the same operands (constants compared bit for bit).
fn same_row(n: &Node, op: Op, args: [Operand; 2]) -> bool {
    let eq = |a: Operand, b: Operand| match (a, b) {
        (Operand::Const(x), Operand::Const(y)) => x.to_bits() == y.to_bits(),
        _ => a == b,
    };
    n.op == op && eq(n.args[0], args[0]) && eq(n.args[1], args[1])
}

const CONSTANTS: [(&str, f64); 2] = [("pi", std::f64::consts::PI), ("e", std::f64::consts::E)];

pub(super) fn builtin(name: &str) -> Option<f64> {
    CONSTANTS.iter().find(|(c, _)| *c == name).map(|&(_, v)| v)
}

/// What a name means at a point of the program.
#[derive(Clone, Copy, Debug)]
enum Binding {
    Unbound,
    Val(Val),
    /// A free name that became input k (a later definition is an error).
    Input(u32),
}

/// What the program must be told before its statements are lowered: the
/// definition's name and parameters, and the names the point binds (both
/// shadow the constants `pi` and `e` from the first statement on).
#[derive(Clone, Debug, Default)]
pub struct Header<'a> {
    pub definition: Option<(Span, Vec<Span>)>,
    pub point_names: Vec<&'a str>,
}

impl<'a> Header<'a> {
    /// The header of a whole parsed program.
    pub fn of(src: &'a str, prog: &Program) -> Header<'a> {
        Header {
            definition: prog.definition.as_ref().map(|d| (d.name, d.params.clone())),
            point_names: prog.point.iter().map(|b| b.name.text(src)).collect(),
        }
    }
}

/// Builds a trace statement by statement, from one or more parts of a
/// program in source order (large programs are lowered while their later
/// parts are still being parsed). Symbol ids of later parts are mapped to
/// the first part's numbering by the caller.
pub struct Builder<'a> {
    src: &'a str,
    opts: Options,
    /// Operation rows, numbered without the inputs (see `INPUT`).
    nodes: Vec<Node>,
    cse: HashTable<u32>,
    /// By symbol id: what the name means now, and the statement defining it.
    binding: Vec<Binding>,
    defined_at: Vec<Option<Span>>,
    /// Inputs in order: the span of the first use (its text is the name).
    inputs: Vec<Span>,
    params: Vec<&'a str>,
    def_name: Option<Span>,
    /// Constants shadowed by a parameter or a name in the point.
    shadowed: [bool; 2],
    /// Where each constant was first used as the constant (a statement that
    /// later binds the name makes that use an error).
    const_used: [Option<Span>; 2],
    constants: Vec<(Box<str>, f64)>,
    scratch: Vec<Val>,
}

/// Lower a parsed program to its trace.
pub fn build(src: &str, prog: &Program, opts: Options) -> Result<Trace, Diagnostic> {
    let mut b = Builder::new(src, opts, &Header::of(src, prog), prog.exprs.len());
    b.statements(prog, None, true)?;
    Ok(b.finish())
}

impl<'a> Builder<'a> {
    /// `size` is a hint: the number of expressions to come.
    pub fn new(src: &'a str, opts: Options, header: &Header<'a>, size: usize) -> Builder<'a> {
        let mut b = Builder {
            src,
            opts,
            // Rows are at most the operations; a little slack for the
            // inputs keeps `finish` from reallocating.
            nodes: Vec::with_capacity(size / 2 + 64),
            cse: HashTable::with_capacity(if opts.cse { size / 2 } else { 0 }),
            binding: Vec::new(),
            defined_at: Vec::new(),
            inputs: Vec::new(),
            params: Vec::new(),
            def_name: None,
            shadowed: [false; 2],
            const_used: [None; 2],
            constants: Vec::new(),
            scratch: Vec::new(),
        };
        if let Some((name, params)) = &header.definition {
            b.def_name = Some(*name);
            for p in params {
                b.params.push(p.text(src));
                b.inputs.push(*p);
            }
        }
        for (k, (c, _)) in CONSTANTS.iter().enumerate() {
            b.shadowed[k] = b.params.contains(c) || header.point_names.contains(c);
        }
        b
    }

    fn text(&self, span: Span) -> &'a str {
        span.text(self.src)
    }

    fn where_(&self, span: Span) -> String {
        let (l, c) = line_col(self.src, span.start as usize);
        format!("{l}:{c}")
    }

    fn slot(&mut self, sym: u32) -> usize {
        let i = sym as usize;
        if i >= self.binding.len() {
            let n = (i + 1).max(self.binding.len() * 2);
            self.binding.resize(n, Binding::Unbound);
            self.defined_at.resize(n, None);
        }
        i
    }

    fn constant(&self, name: &str) -> Option<(usize, f64)> {
        let k = CONSTANTS.iter().position(|(c, _)| *c == name)?;
        (!self.shadowed[k]).then_some((k, CONSTANTS[k].1))
    }

    /// What a name used at `span` means; a free name becomes the next input.
    fn resolve(&mut self, sym: u32, span: Span) -> Result<Val, Diagnostic> {
        let i = self.slot(sym);
        match self.binding[i] {
            Binding::Val(v) => return Ok(v),
            Binding::Input(k) => return Ok(Val::Row(INPUT | k)),
            Binding::Unbound => {}
        }
        let name = self.text(span);
        if let Some(k) = self.params.iter().position(|p| *p == name) {
            self.binding[i] = Binding::Val(Val::Row(INPUT | k as u32));
            return Ok(Val::Row(INPUT | k as u32));
        }
        if let Some((k, c)) = self.constant(name) {
            self.const_used[k].get_or_insert(span);
            return Ok(Val::Const(c));
        }
        if let Some(def) = self.def_name {
            let fname = self.text(def);
            let mut all = self.params.clone();
            all.push(name);
            return Err(
                Diagnostic::new(span, format!("'{name}' is not a parameter of '{fname}'"))
                    .with_hint(format!("add it: {fname}({})", all.join(", "))),
            );
        }
        let k = self.inputs.len() as u32;
        self.inputs.push(span);
        self.binding[i] = Binding::Input(k);
        Ok(Val::Row(INPUT | k))
    }

    /// A statement binds `name`: it must be new, not a parameter, and not
    /// used earlier (as an input or as the constant it shadows).
    fn define(&mut self, sym: u32, span: Span) -> Result<(), Diagnostic> {
        let i = self.slot(sym);
        let name = self.text(span);
        let used_before = |at: Span| {
            Diagnostic::new(at, format!("'{name}' is used before it is defined")).with_hint(
                format!(
                    "it is defined at {}; statements run in order",
                    self.where_(span)
                ),
            )
        };
        if let Some(prev) = self.defined_at[i] {
            return Err(Diagnostic::new(
                span,
                format!("'{name}' is already defined at {}", self.where_(prev)),
            )
            .with_hint("each statement needs a new name"));
        }
        if self.params.contains(&name) {
            let fname = self.def_name.map_or("f", |d| self.text(d));
            return Err(
                Diagnostic::new(span, format!("'{name}' is a parameter of '{fname}'"))
                    .with_hint("a statement cannot redefine a parameter; choose another name"),
            );
        }
        if let Binding::Input(k) = self.binding[i] {
            return Err(used_before(self.inputs[k as usize]));
        }
        if let Some(k) = CONSTANTS.iter().position(|(c, _)| *c == name) {
            if let Some(at) = self.const_used[k] {
                return Err(used_before(at));
            }
            self.shadowed[k] = true;
        }
        self.defined_at[i] = Some(span);
        Ok(())
    }

    fn emit(&mut self, op: Op, args: [Operand; 2], span: Span) -> u32 {
        if !self.opts.cse {
            return self.push_fresh(op, args, span);
        }
        let h = hash_row(op, args);
        let nodes = &self.nodes;
        if let Some(&r) = self
            .cse
            .find(h, |&r| same_row(&nodes[r as usize], op, args))
        {
            return r;
        }
        let r = self.push_fresh(op, args, span);
        let nodes = &self.nodes;
        self.cse.insert_unique(h, r, |&r| {
            let n = &nodes[r as usize];
            hash_row(n.op, n.args)
        });
        r
    }

    /// A row that is never shared (and the Const and Id rows of the output).
    fn push_fresh(&mut self, op: Op, args: [Operand; 2], span: Span) -> u32 {
        self.nodes.push(Node {
            op,
            args,
            name: None,
            span,
            reaches_output: false,
        });
        (self.nodes.len() - 1) as u32
    }

    fn is_last_row(&self, r: u32) -> bool {
        r & INPUT == 0 && r as usize + 1 == self.nodes.len()
    }

    /// Lower the statements of `prog`, a part of the program in source
    /// order; `map` renumbers its symbols; `last_part` says the program's
    /// last statement (the output) is in it.
    pub fn statements(
        &mut self,
        prog: &Program,
        map: Option<&[u32]>,
        last_part: bool,
    ) -> Result<(), Diagnostic> {
        for (i, s) in prog.stmts.iter().enumerate() {
            let last = last_part && i + 1 == prog.stmts.len();
            self.statement(prog, map, s, last)?;
        }
        Ok(())
    }

    fn statement(
        &mut self,
        prog: &Program,
        map: Option<&[u32]>,
        s: &Stmt,
        last: bool,
    ) -> Result<(), Diagnostic> {
        let before = self.nodes.len();
        let v = self.lower(prog, map, s.first, s.value)?;
        let span = prog.exprs[s.value as usize].span;
        let name = match s.name {
            Some(n) => {
                let sym = map.map_or(s.sym, |m| m.get(s.sym as usize).copied().unwrap_or(s.sym));
                self.define(sym, n)?;
                Some((self.text(n), self.slot(sym)))
            }
            None => None,
        };
        let bind = |b: &mut Builder<'a>, v: Val| {
            if let Some((_, i)) = name {
                b.binding[i] = Binding::Val(v);
            }
        };
        match v {
            Val::Const(c) => {
                if last {
                    let r = self.push_fresh(Op::Const, [Operand::Const(c), Operand::None], span);
                    self.nodes[r as usize].name = name.map(|(n, _)| n.into());
                } else if let Some((n, _)) = name {
                    bind(self, Val::Const(c));
                    self.constants.push((n.into(), c));
                }
            }
            Val::Row(r) => {
                let is_input = r & INPUT != 0;
                let unnamed = !is_input && self.nodes[r as usize].name.is_none();
                let fresh = !is_input && r as usize >= before;
                // A statement names its row unless the row already has a name
                // (then the statement only renames it and makes no row); the
                // output must be the last row, so it gets a copy if needed.
                let row = if last && !self.is_last_row(r) {
                    self.push_fresh(Op::Id, [Operand::Row(r), Operand::None], span)
                } else if (fresh || unnamed) && name.is_some() {
                    r
                } else {
                    bind(self, Val::Row(r));
                    return Ok(());
                };
                if let Some((n, _)) = name {
                    self.nodes[row as usize].name = Some(n.into());
                }
                bind(self, Val::Row(row));
            }
        }
        Ok(())
    }

    /// Lower the arena range `first..=root` (operands precede their users,
    /// so one forward loop does it).
    fn lower(
        &mut self,
        prog: &Program,
        map: Option<&[u32]>,
        first: ExprId,
        root: ExprId,
    ) -> Result<Val, Diagnostic> {
        // One scratch buffer for all statements: no allocation per statement.
        let mut vals = std::mem::take(&mut self.scratch);
        vals.clear();
        let get = |vals: &Vec<Val>, id: ExprId| vals[(id - first) as usize];
        for id in first..=root {
            let e = &prog.exprs[id as usize];
            let v = match &e.kind {
                ExprKind::Num(c) => Val::Const(*c),
                ExprKind::Name(id) => {
                    let sym = map.map_or(*id, |m| m.get(*id as usize).copied().unwrap_or(*id));
                    self.resolve(sym, e.span)?
                }
                ExprKind::Neg(a) => self.unary(Op::Neg, get(&vals, *a), e.span),
                ExprKind::Call(op, a) => self.unary(*op, get(&vals, *a), e.span),
                ExprKind::Binary(op, a, b) => {
                    let (a, b) = (get(&vals, *a), get(&vals, *b));
                    match (a, b) {
                        (Val::Const(x), Val::Const(y)) => Val::Const(op.op().eval(x, y)),
                        _ => Val::Row(self.emit(op.op(), [operand(a), operand(b)], e.span)),
                    }
                }
                ExprKind::Tuple(_) => {
                    return Err(Diagnostic::new(
                        e.span,
                        "multi-output functions are not supported yet",
                    )
                    .with_hint("trace one output at a time"));
                }
            };
            vals.push(v);
        }
        let v = get(&vals, root);
        self.scratch = vals;
        Ok(v)
    }

    fn unary(&mut self, op: Op, a: Val, span: Span) -> Val {
        match a {
            Val::Const(x) => Val::Const(op.eval(x, 0.0)),
            Val::Row(_) => Val::Row(self.emit(op, [operand(a), Operand::None], span)),
        }
    }

    /// Put the inputs first, renumber every row reference, and mark what
    /// the output depends on.
    pub fn finish(mut self) -> Trace {
        let k = self.inputs.len() as u32;
        let renumber = |a: Operand| match a {
            Operand::Row(r) if r & INPUT != 0 => Operand::Row(r & !INPUT),
            Operand::Row(r) => Operand::Row(r + k),
            other => other,
        };
        for n in &mut self.nodes {
            n.args = [renumber(n.args[0]), renumber(n.args[1])];
        }
        let inputs: Vec<Node> = self
            .inputs
            .iter()
            .map(|&span| Node {
                op: Op::Input,
                args: [Operand::None; 2],
                name: Some(span.text(self.src).into()),
                span,
                reaches_output: false,
            })
            .collect();
        // In place: the rows move up by k within the buffer reserved at the
        // start, rather than into a second copy of the whole trace.
        let mut nodes = self.nodes;
        nodes.splice(0..0, inputs);
        if let Some(last) = nodes.last_mut() {
            last.reaches_output = true;
        }
        for i in (0..nodes.len()).rev() {
            if nodes[i].reaches_output {
                for a in 0..2 {
                    if let Operand::Row(r) = nodes[i].args[a] {
                        nodes[r as usize].reaches_output = true;
                    }
                }
            }
        }
        Trace {
            nodes,
            n_inputs: k as usize,
            constants: self.constants,
            cse: self.opts.cse,
        }
    }
}

fn operand(v: Val) -> Operand {
    match v {
        Val::Row(r) => Operand::Row(r),
        Val::Const(c) => Operand::Const(c),
    }
}
