//! The trace: the program lowered to rows in topological order (inputs
//! first, the output last), with common subexpressions shared and numeric
//! literals folded into the operations that use them.
//!
//! Owns name resolution (statements, parameters, inputs, the constants `pi`
//! and `e` and their shadowing) and the program's point. Must not compute
//! derivatives (that is `sweep`) nor format anything for display.

use hashbrown::HashTable;

use crate::core::diagnostic::{Diagnostic, Span, line_col};
use std::hash::Hasher as _;

use crate::core::intern::Fx;
use crate::core::ops::Op;
use crate::core::syntax::ast::{ExprId, ExprKind, Program, Stmt};

/// An operand of a row: another row, or a constant parameter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Operand {
    None,
    Row(u32),
    Const(f64),
}

impl Operand {
    pub fn row(self) -> Option<u32> {
        match self {
            Operand::Row(r) => Some(r),
            _ => None,
        }
    }
    pub fn is_const(self) -> bool {
        matches!(self, Operand::Const(_))
    }
}

/// One row of the trace.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub op: Op,
    pub args: [Operand; 2],
    /// The program's name for this row (an input, a statement), if any.
    pub name: Option<Box<str>>,
    /// Where the row comes from in the source (an input's first use).
    pub span: Span,
    /// Whether the output depends on this row (else its adjoint is
    /// structurally zero: a statement the output does not use).
    pub reaches_output: bool,
}

impl Node {
    pub fn row_args(&self) -> impl Iterator<Item = u32> + '_ {
        self.args.iter().filter_map(|a| a.row())
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Trace {
    pub nodes: Vec<Node>,
    /// Number of inputs; they are rows 0..n_inputs, in the program's order.
    pub n_inputs: usize,
    /// Names that statements bound to constants (`W0 = 2`), for display.
    pub constants: Vec<(Box<str>, f64)>,
    /// Whether common subexpressions were shared.
    pub cse: bool,
}

impl Trace {
    pub fn len(&self) -> usize {
        self.nodes.len()
    }
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
    /// The output row: always the last.
    pub fn output(&self) -> usize {
        self.nodes.len().saturating_sub(1)
    }
    pub fn input_names(&self) -> impl Iterator<Item = &str> {
        self.nodes[..self.n_inputs]
            .iter()
            .map(|n| n.name.as_deref().unwrap_or(""))
    }
    pub fn input_index(&self, name: &str) -> Option<usize> {
        self.input_names().position(|n| n == name)
    }
    /// For each row, the rows that use it, in increasing order (a row that
    /// uses it twice, like x*x, is listed once).
    pub fn consumers(&self) -> Consumers {
        let n = self.nodes.len();
        let mut count = vec![0u32; n + 1];
        let uses = |j: usize, node: &Node| {
            let [a, b] = node.args;
            let second = if b.row() == a.row() { None } else { b.row() };
            let _ = j;
            a.row().into_iter().chain(second)
        };
        for (j, node) in self.nodes.iter().enumerate() {
            for a in uses(j, node) {
                count[a as usize + 1] += 1;
            }
        }
        for i in 0..n {
            count[i + 1] += count[i];
        }
        let mut fill = count.clone();
        let mut list = vec![0u32; count[n] as usize];
        for (j, node) in self.nodes.iter().enumerate() {
            for a in uses(j, node) {
                list[fill[a as usize] as usize] = j as u32;
                fill[a as usize] += 1;
            }
        }
        Consumers { start: count, list }
    }
}

/// The rows using each row (compressed: one flat list and offsets).
#[derive(Clone, Debug, Default)]
pub struct Consumers {
    start: Vec<u32>,
    list: Vec<u32>,
}

impl Consumers {
    pub fn of(&self, row: usize) -> &[u32] {
        match (self.start.get(row), self.start.get(row + 1)) {
            (Some(&a), Some(&b)) => &self.list[a as usize..b as usize],
            _ => &[],
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Share common subexpressions (the default); off keeps the tree.
    pub cse: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options { cse: true }
    }
}

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

fn builtin(name: &str) -> Option<f64> {
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

/// Apply the bindings of `point_prog` (parsed from `point_src`) to `values`
/// (one per input). Bindings given twice in one list, or naming something
/// that is not an input, are errors located in `point_src`. Values are
/// constant expressions: numbers, `pi`, `e` and the program's constants.
pub fn apply_point(
    trace: &Trace,
    point_src: &str,
    point_prog: &Program,
    values: &mut [Option<f64>],
) -> Result<(), Diagnostic> {
    let mut seen: Vec<&str> = Vec::new();
    for b in &point_prog.point {
        let name = b.name.text(point_src);
        if seen.contains(&name) {
            return Err(Diagnostic::new(b.name, format!("'{name}' is given twice"))
                .with_hint("give each input one value"));
        }
        seen.push(name);
        let Some(i) = trace.input_index(name) else {
            return Err(not_an_input(trace, name, b.name));
        };
        values[i] = Some(const_value(trace, point_src, point_prog, b.first, b.value)?);
    }
    Ok(())
}

fn not_an_input(trace: &Trace, name: &str, at: Span) -> Diagnostic {
    let inputs: Vec<&str> = trace.input_names().collect();
    let list = if inputs.is_empty() {
        "this program has no inputs".to_string()
    } else {
        format!("the inputs are {}", inputs.join(", "))
    };
    let defined = trace.nodes.iter().any(|n| n.name.as_deref() == Some(name))
        || trace.constants.iter().any(|(n, _)| &**n == name);
    let d = Diagnostic::new(at, format!("'{name}' is not an input"));
    if defined {
        d.with_hint(format!("'{name}' is defined by the program; {list}"))
    } else {
        match crate::core::diagnostic::did_you_mean(name, inputs.iter().copied()) {
            Some(m) => d.with_hint(format!("did you mean '{m}'? {list}")),
            None => d.with_hint(list),
        }
    }
}

/// Evaluate a point value's expression: numbers, the program's constants,
/// and `pi`/`e` unless the program binds them as rows or inputs.
fn const_value(
    trace: &Trace,
    src: &str,
    prog: &Program,
    first: ExprId,
    root: ExprId,
) -> Result<f64, Diagnostic> {
    let mut vals: Vec<f64> = Vec::with_capacity((root - first + 1) as usize);
    let get = |vals: &Vec<f64>, id: ExprId| vals[(id - first) as usize];
    for id in first..=root {
        let e = &prog.exprs[id as usize];
        let v = match &e.kind {
            ExprKind::Num(c) => *c,
            ExprKind::Name(_) => {
                let name = e.span.text(src);
                let own = trace
                    .constants
                    .iter()
                    .find(|(n, _)| &**n == name)
                    .map(|&(_, v)| v);
                let is_row = trace.nodes.iter().any(|n| n.name.as_deref() == Some(name));
                match (own, is_row, builtin(name)) {
                    (Some(v), _, _) => v,
                    (None, false, Some(v)) => v,
                    _ => {
                        return Err(Diagnostic::new(e.span, format!("'{name}' is not a constant"))
                            .with_hint("a point value must be a number or a constant expression like pi/4"));
                    }
                }
            }
            ExprKind::Neg(a) => -get(&vals, *a),
            ExprKind::Call(op, a) => op.eval(get(&vals, *a), 0.0),
            ExprKind::Binary(op, a, b) => op.op().eval(get(&vals, *a), get(&vals, *b)),
            ExprKind::Tuple(_) => {
                return Err(Diagnostic::new(e.span, "a point value must be a number"));
            }
        };
        vals.push(v);
    }
    Ok(get(&vals, root))
}

/// The program's own point (`… at x = 1`), completed or overridden by the
/// `--at` list.
pub fn resolve_point(
    trace: &Trace,
    src: &str,
    program: &Program,
    at: Option<(&str, &Program)>,
) -> Result<Vec<Option<f64>>, PointError> {
    let mut values = vec![None; trace.n_inputs];
    apply_point(trace, src, program, &mut values).map_err(PointError::Program)?;
    if let Some((at_src, at_prog)) = at {
        apply_point(trace, at_src, at_prog, &mut values).map_err(PointError::At)?;
    }
    Ok(values)
}

/// A point problem, located in the program or in the `--at` text.
#[derive(Debug)]
pub enum PointError {
    Program(Diagnostic),
    At(Diagnostic),
}

/// The error for an input with no value, at its first use.
pub fn missing_value(trace: &Trace, i: usize) -> Diagnostic {
    let n = &trace.nodes[i];
    let name = n.name.as_deref().unwrap_or("?");
    Diagnostic::new(n.span, format!("{name} has no value"))
        .with_hint(format!("add it to 'at' or --at, e.g. at {name} = 1"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::syntax::parse;

    fn trace(src: &str) -> Trace {
        build(src, &parse(src).unwrap(), Options::default()).unwrap()
    }
    fn shape(t: &Trace) -> Vec<String> {
        t.nodes
            .iter()
            .map(|n| {
                let a: Vec<String> = n
                    .args
                    .iter()
                    .filter(|a| **a != Operand::None)
                    .map(|a| match a {
                        Operand::Row(r) => format!("#{r}"),
                        Operand::Const(c) => format!("{c}"),
                        Operand::None => String::new(),
                    })
                    .collect();
                format!(
                    "{}{}({})",
                    n.name
                        .as_deref()
                        .map(|s| format!("{s}="))
                        .unwrap_or_default(),
                    n.op.name(),
                    a.join(",")
                )
            })
            .collect()
    }

    #[test]
    fn lecture_graph_has_seven_rows_with_sharing() {
        let t = trace("sqrt(x^2 + exp(x^2)) + cos(x^2 + exp(x^2))");
        assert_eq!(
            shape(&t),
            [
                "x=input()",
                "pow(#0,2)",
                "exp(#1)",
                "add(#1,#2)",
                "sqrt(#3)",
                "cos(#3)",
                "add(#4,#5)"
            ]
        );
        let src = "sqrt(x^2 + exp(x^2)) + cos(x^2 + exp(x^2))";
        let tree = build(src, &parse(src).unwrap(), Options { cse: false }).unwrap();
        assert_eq!(tree.len(), 12);
    }

    #[test]
    fn statements_name_rows_and_constants_fold() {
        let t = trace("W0 = 2; W1 = 1.2; y = 2; L = (W1*tanh(W0*x) - y)^2 at x = 1");
        assert_eq!(
            shape(&t),
            [
                "x=input()",
                "mul(2,#0)",
                "tanh(#1)",
                "mul(1.2,#2)",
                "sub(#3,2)",
                "L=pow(#4,2)"
            ]
        );
        assert_eq!(t.constants.len(), 3);
        let t = trace("2*pi*x");
        assert_eq!(
            shape(&t),
            [
                "x=input()",
                &format!("mul({},#0)", 2.0 * std::f64::consts::PI)
            ]
        );
    }

    #[test]
    fn renames_make_no_row_and_unused_statements_stay() {
        let t = trace("a = x^2; b = a; u = sin(x); f = b + 1");
        assert_eq!(
            shape(&t),
            ["x=input()", "a=pow(#0,2)", "u=sin(#0)", "f=add(#1,1)"]
        );
        assert!(!t.nodes[2].reaches_output);
        assert!(t.nodes[1].reaches_output && t.nodes[0].reaches_output);
        // the output renames an earlier row: a copy keeps it last
        let t = trace("f(x, y) = x");
        assert_eq!(shape(&t), ["x=input()", "y=input()", "f=id(#0)"]);
        let t = trace("2 + 3");
        assert_eq!(shape(&t), ["const(5)"]);
    }

    #[test]
    fn shadowing_of_constants() {
        let t = trace("a = x^2; b = exp(a); c = a + b; d = sqrt(c); e = cos(c); f = d + e");
        assert_eq!(t.len(), 7);
        assert_eq!(t.nodes[5].name.as_deref(), Some("e"));
        let t = trace("e*x at e = 2, x = 1");
        assert_eq!(t.n_inputs, 2);
        let t = trace("e*x");
        assert_eq!(t.n_inputs, 1);
    }

    #[test]
    fn inputs_in_order_of_first_appearance() {
        let t = trace("ln(x1) + x1*x2 - sin(x2)");
        assert_eq!(t.input_names().collect::<Vec<_>>(), ["x1", "x2"]);
        assert_eq!(t.len(), 7);
        let t = trace("f(b, a) = a*b");
        assert_eq!(t.input_names().collect::<Vec<_>>(), ["b", "a"]);
    }

    #[test]
    fn consumers_in_order() {
        let t = trace("a = x^2; b = exp(a); c = a + b; d = sqrt(c); e = cos(c); f = d + e");
        let c = t.consumers();
        assert_eq!(c.of(1), [2, 3]);
        assert_eq!(c.of(3), [4, 5]);
        assert!(c.of(6).is_empty());
        let t = trace("x*x + x");
        assert_eq!(t.consumers().of(0), [1, 2]);
    }

    /// Programs large enough to be parsed on two threads resolve names
    /// across the halves exactly as a small program would.
    #[test]
    fn names_resolve_across_parse_halves() {
        let n = 30_000;
        let body: String = (1..=n)
            .map(|i| format!("v{i} = v{} + 1\n", i - 1))
            .collect();
        let src = format!("v0 = x\n{body}f = v{n} * late at x = 1, late = 2");
        let t = trace(&src);
        assert_eq!(t.input_names().collect::<Vec<_>>(), ["x", "late"]);
        assert_eq!(t.nodes.last().unwrap().name.as_deref(), Some("f"));
        // a use in the first half of a name defined in the second
        let src = format!("a = v{} + x\n{body}", n - 5);
        let e = build(&src, &parse(&src).unwrap(), Options::default()).unwrap_err();
        assert!(
            e.message.contains("used before it is defined"),
            "{}",
            e.message
        );
        assert_eq!(e.span.start, 4);
        // a name defined in both halves
        let src = format!("v0 = x\n{body}v7 = 3");
        let e = build(&src, &parse(&src).unwrap(), Options::default()).unwrap_err();
        assert!(
            e.message.contains("'v7' is already defined at 8:1"),
            "{}",
            e.message
        );
    }

    #[test]
    fn sharing_is_syntactic() {
        let t = trace("ln(x) + log(x) + x*y + y*x");
        // ln and log share; x*y and y*x do not
        assert_eq!(t.nodes.iter().filter(|n| n.op == Op::Ln).count(), 1);
        assert_eq!(t.nodes.iter().filter(|n| n.op == Op::Mul).count(), 2);
    }

    #[test]
    fn name_errors_are_located() {
        let err = |src: &str| build(src, &parse(src).unwrap(), Options::default()).unwrap_err();
        let e = err("a = b + 1; b = x");
        assert_eq!(e.span.start, 4);
        assert!(e.message.contains("used before"));
        let e = err("f(x) = x + y");
        assert_eq!(e.hint.as_deref(), Some("add it: f(x, y)"));
        let e = err("a = x; a = 2");
        assert!(e.message.contains("already defined at 1:1"));
        let e = err("f(x, y) = (x*y, sin(x))");
        assert!(e.message.contains("multi-output"));
    }

    #[test]
    fn points_resolve_and_complain() {
        let src = "W0 = 2; f = W0*x + y at x = -1, y = pi/4";
        let p = parse(src).unwrap();
        let t = build(src, &p, Options::default()).unwrap();
        let v = resolve_point(&t, src, &p, None).unwrap();
        assert_eq!(v, [Some(-1.0), Some(std::f64::consts::FRAC_PI_4)]);
        let at = "y = W0 + 1";
        let ap = crate::core::syntax::parse_point(at).unwrap();
        let v = resolve_point(&t, src, &p, Some((at, &ap))).unwrap();
        assert_eq!(v, [Some(-1.0), Some(3.0)]);
        for (bad, msg) in [
            ("z = 1", "not an input"),
            ("x = 1, x = 2", "given twice"),
            ("W0 = 3", "defined by the program"),
            ("x = y", "not a constant"),
        ] {
            let ap = crate::core::syntax::parse_point(bad).unwrap();
            match resolve_point(&t, src, &p, Some((bad, &ap))) {
                Err(PointError::At(d)) => assert!(
                    d.message.contains(msg) || d.hint.as_deref().unwrap_or("").contains(msg),
                    "{bad}: {d:?}"
                ),
                other => panic!("{bad}: {other:?}"),
            }
        }
    }
}
