//! The trace: the program lowered to rows in topological order (inputs
//! first, the output last), with common subexpressions shared and numeric
//! literals folded into the operations that use them.
//!
//! Owns name resolution (statements, parameters, inputs, the constants `pi`
//! and `e` and their shadowing) and the program's point. Must not compute
//! derivatives (that is `sweep`) nor format anything for display.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::diagnostic::{Diagnostic, Span, line_col};
use crate::ops::Op;
use crate::syntax::ast::{ExprId, ExprKind, Program};

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

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Key(u8, [(u8, u64); 2]);

fn key(op: Op, args: [Operand; 2]) -> Key {
    let enc = |a: Operand| match a {
        Operand::None => (0, 0),
        Operand::Row(r) => (1, u64::from(r)),
        Operand::Const(c) => (2, c.to_bits()),
    };
    Key(op as u8, [enc(args[0]), enc(args[1])])
}

/// FxHash: the CSE table is hashed a million times on large programs, and
/// its keys are not attacker-chosen in any way that matters here.
#[derive(Default)]
struct Fx(u64);
impl Hasher for Fx {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.write_u64(u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
}
type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

const CONSTANTS: [(&str, f64); 2] = [("pi", std::f64::consts::PI), ("e", std::f64::consts::E)];

struct Lower<'a> {
    src: &'a str,
    prog: &'a Program,
    opts: Options,
    nodes: Vec<Node>,
    cse: FxMap<Key, u32>,
    /// Names bound so far: statements (rows or constants) and inputs.
    env: FxMap<&'a str, Val>,
    /// Every statement name, with the span where it is defined.
    stmt_names: FxMap<&'a str, Span>,
    /// Constants shadowed by a binding anywhere in the program.
    shadowed: Vec<&'a str>,
    constants: Vec<(Box<str>, f64)>,
}

/// Lower a parsed program to its trace.
pub fn build(src: &str, prog: &Program, opts: Options) -> Result<Trace, Diagnostic> {
    let mut l = Lower {
        src,
        prog,
        opts,
        nodes: Vec::new(),
        cse: FxMap::default(),
        env: FxMap::default(),
        stmt_names: FxMap::default(),
        shadowed: Vec::new(),
        constants: Vec::new(),
    };
    l.collect_names()?;
    l.inputs()?;
    let n_inputs = l.nodes.len();
    for (i, _) in prog.stmts.iter().enumerate() {
        l.statement(i)?;
    }
    let mut nodes = l.nodes;
    // Mark what the output depends on, walking backward once.
    if let Some(last) = nodes.last_mut() {
        last.reaches_output = true;
    }
    for i in (0..nodes.len()).rev() {
        if nodes[i].reaches_output {
            for k in 0..2 {
                if let Operand::Row(a) = nodes[i].args[k] {
                    nodes[a as usize].reaches_output = true;
                }
            }
        }
    }
    Ok(Trace {
        nodes,
        n_inputs,
        constants: l.constants,
        cse: opts.cse,
    })
}

impl<'a> Lower<'a> {
    fn text(&self, span: Span) -> &'a str {
        span.text(self.src)
    }

    fn where_(&self, span: Span) -> String {
        let (l, c) = line_col(self.src, span.start as usize);
        format!("{l}:{c}")
    }

    fn collect_names(&mut self) -> Result<(), Diagnostic> {
        let prog = self.prog;
        for s in &prog.stmts {
            let Some(span) = s.name else { continue };
            let name = self.text(span);
            if let Some(prev) = self.stmt_names.get(name) {
                return Err(Diagnostic::new(
                    span,
                    format!("'{name}' is already defined at {}", self.where_(*prev)),
                )
                .with_hint("each statement needs a new name"));
            }
            self.stmt_names.insert(name, span);
        }
        if let Some(def) = &prog.definition {
            for p in &def.params {
                let name = self.text(*p);
                if let Some(s) = self.stmt_names.get(name) {
                    return Err(Diagnostic::new(
                        *s,
                        format!("'{name}' is a parameter of '{}'", self.text(def.name)),
                    )
                    .with_hint("a statement cannot redefine a parameter; choose another name"));
                }
            }
        }
        for (c, _) in CONSTANTS {
            let bound_by_stmt = self.stmt_names.contains_key(c);
            let is_param = prog
                .definition
                .as_ref()
                .is_some_and(|d| d.params.iter().any(|p| self.text(*p) == c));
            let in_point = prog.point.iter().any(|b| self.text(b.name) == c);
            if bound_by_stmt || is_param || in_point {
                self.shadowed.push(c);
            }
        }
        Ok(())
    }

    fn constant(&self, name: &str) -> Option<f64> {
        if self.shadowed.contains(&name) {
            return None;
        }
        CONSTANTS.iter().find(|(c, _)| *c == name).map(|&(_, v)| v)
    }

    /// Decide the inputs and create their rows: declared parameters in order,
    /// or free variables in order of first appearance.
    fn inputs(&mut self) -> Result<(), Diagnostic> {
        let prog = self.prog;
        if let Some(def) = &prog.definition {
            for p in &def.params {
                let name = self.text(*p);
                self.add_input(name, *p);
            }
            return Ok(());
        }
        let mut defined: FxMap<&str, ()> = FxMap::default();
        for s in &prog.stmts {
            for id in s.first..=s.value {
                let e = &prog.exprs[id as usize];
                if e.kind != ExprKind::Name {
                    continue;
                }
                let name = self.text(e.span);
                if defined.contains_key(name)
                    || self.env.contains_key(name)
                    || self.constant(name).is_some()
                {
                    continue;
                }
                if let Some(def_at) = self.stmt_names.get(name) {
                    return Err(self.used_before(name, e.span, *def_at));
                }
                self.add_input(name, e.span);
            }
            if let Some(n) = s.name {
                defined.insert(self.text(n), ());
            }
        }
        Ok(())
    }

    fn used_before(&self, name: &str, at: Span, def_at: Span) -> Diagnostic {
        Diagnostic::new(at, format!("'{name}' is used before it is defined")).with_hint(format!(
            "it is defined at {}; statements run in order",
            self.where_(def_at)
        ))
    }

    fn add_input(&mut self, name: &'a str, span: Span) {
        let r = self.nodes.len() as u32;
        self.nodes.push(Node {
            op: Op::Input,
            args: [Operand::None; 2],
            name: Some(name.into()),
            span,
            reaches_output: false,
        });
        self.env.insert(name, Val::Row(r));
    }

    fn emit(&mut self, op: Op, args: [Operand; 2], span: Span) -> u32 {
        let k = key(op, args);
        if self.opts.cse
            && let Some(&r) = self.cse.get(&k)
        {
            return r;
        }
        let r = self.nodes.len() as u32;
        self.nodes.push(Node {
            op,
            args,
            name: None,
            span,
            reaches_output: false,
        });
        if self.opts.cse {
            self.cse.insert(k, r);
        }
        r
    }

    fn statement(&mut self, i: usize) -> Result<(), Diagnostic> {
        let prog = self.prog;
        let s = &prog.stmts[i];
        let last = i + 1 == prog.stmts.len();
        let before = self.nodes.len();
        let v = self.lower(s.first, s.value)?;
        let name = s.name.map(|n| self.text(n));
        let span = prog.exprs[s.value as usize].span;
        match v {
            Val::Const(c) => {
                if last {
                    let r = self.push_fresh(Op::Const, [Operand::Const(c), Operand::None], span);
                    self.nodes[r as usize].name = name.map(Into::into);
                } else if let Some(n) = name {
                    self.env.insert(n, Val::Const(c));
                    self.constants.push((n.into(), c));
                }
            }
            Val::Row(r) => {
                let is_last_row = r as usize + 1 == self.nodes.len();
                let unnamed = self.nodes[r as usize].name.is_none();
                let fresh = r as usize >= before;
                // A statement names its row unless the row already has a name
                // (then the statement only renames it and makes no row); the
                // output must be the last row, so it gets a copy if needed.
                let row = if last && !is_last_row {
                    self.push_fresh(Op::Id, [Operand::Row(r), Operand::None], span)
                } else if (fresh || unnamed) && name.is_some() {
                    r
                } else {
                    if let Some(n) = name {
                        self.env.insert(n, Val::Row(r));
                    }
                    return Ok(());
                };
                if let Some(n) = name {
                    self.nodes[row as usize].name = Some(n.into());
                    self.env.insert(n, Val::Row(row));
                }
            }
        }
        Ok(())
    }

    /// A row that is never shared (Const and Id rows of the output).
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

    /// Lower the arena range `first..=root` (operands precede their users,
    /// so one forward loop does it).
    fn lower(&mut self, first: ExprId, root: ExprId) -> Result<Val, Diagnostic> {
        let prog = self.prog;
        let mut vals: Vec<Val> = Vec::with_capacity((root - first + 1) as usize);
        let get = |vals: &Vec<Val>, id: ExprId| vals[(id - first) as usize];
        for id in first..=root {
            let e = &prog.exprs[id as usize];
            let v = match &e.kind {
                ExprKind::Num(c) => Val::Const(*c),
                ExprKind::Name => self.resolve(e.span)?,
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
        Ok(get(&vals, root))
    }

    fn unary(&mut self, op: Op, a: Val, span: Span) -> Val {
        match a {
            Val::Const(x) => Val::Const(op.eval(x, 0.0)),
            Val::Row(_) => Val::Row(self.emit(op, [operand(a), Operand::None], span)),
        }
    }

    fn resolve(&self, span: Span) -> Result<Val, Diagnostic> {
        let name = self.text(span);
        if let Some(v) = self.env.get(name) {
            return Ok(*v);
        }
        if let Some(def_at) = self.stmt_names.get(name) {
            return Err(self.used_before(name, span, *def_at));
        }
        if let Some(c) = self.constant(name) {
            return Ok(Val::Const(c));
        }
        match &self.prog.definition {
            Some(def) => {
                let params: Vec<&str> = def.params.iter().map(|p| self.text(*p)).collect();
                let mut all = params.clone();
                all.push(name);
                Err(Diagnostic::new(
                    span,
                    format!("'{name}' is not a parameter of '{}'", self.text(def.name)),
                )
                .with_hint(format!(
                    "add it: {}({})",
                    self.text(def.name),
                    all.join(", ")
                )))
            }
            None => Err(Diagnostic::new(span, format!("unknown name '{name}'"))),
        }
    }

    /// Evaluate a constant expression (a point value): numbers, `pi`, `e`
    /// and the program's constants; no inputs.
    fn constant_expr(&mut self, first: ExprId, root: ExprId) -> Result<f64, Diagnostic> {
        let prog = self.prog;
        for id in first..=root {
            let e = &prog.exprs[id as usize];
            if e.kind == ExprKind::Name {
                let name = self.text(e.span);
                let is_const = match self.env.get(name) {
                    Some(Val::Const(_)) => true,
                    Some(Val::Row(_)) => false,
                    None => self.constant(name).is_some(),
                };
                if !is_const {
                    return Err(
                        Diagnostic::new(e.span, format!("'{name}' is not a constant")).with_hint(
                            "a point value must be a number or a constant expression like pi/4",
                        ),
                    );
                }
            }
        }
        let before = self.nodes.len();
        let v = self.lower(first, root)?;
        self.nodes.truncate(before);
        match v {
            Val::Const(c) => Ok(c),
            Val::Row(_) => Err(Diagnostic::new(
                prog.exprs[root as usize].span,
                "not a constant",
            )),
        }
    }
}

fn operand(v: Val) -> Operand {
    match v {
        Val::Row(r) => Operand::Row(r),
        Val::Const(c) => Operand::Const(c),
    }
}

/// Values of the inputs given by a point (`at …` or `--at`), with where each
/// was given, checked against the trace's inputs.
pub struct PointValues {
    pub values: Vec<Option<f64>>,
}

/// Apply the bindings of `point_prog` (parsed from `point_src`) to `values`.
/// `program` is the traced program (for constants and shadowing); bindings
/// given twice in one list, or naming something that is not an input, are
/// errors located in `point_src`.
pub fn apply_point(
    trace: &Trace,
    program_src: &str,
    program: &Program,
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
            return Err(not_an_input(trace, program_src, program, name, b.name));
        };
        let v = const_value(
            trace,
            program_src,
            program,
            point_src,
            point_prog,
            b.first,
            b.value,
        )?;
        values[i] = Some(v);
    }
    Ok(())
}

fn not_an_input(trace: &Trace, src: &str, program: &Program, name: &str, at: Span) -> Diagnostic {
    let inputs: Vec<&str> = trace.input_names().collect();
    let list = if inputs.is_empty() {
        "this program has no inputs".to_string()
    } else {
        format!("the inputs are {}", inputs.join(", "))
    };
    let defined = program
        .stmts
        .iter()
        .any(|s| s.name.is_some_and(|n| n.text(src) == name));
    let d = Diagnostic::new(at, format!("'{name}' is not an input"));
    if defined {
        d.with_hint(format!("'{name}' is defined by the program; {list}"))
    } else {
        match crate::diagnostic::did_you_mean(name, inputs.iter().copied()) {
            Some(m) => d.with_hint(format!("did you mean '{m}'? {list}")),
            None => d.with_hint(list),
        }
    }
}

/// Evaluate a point value's expression in the context of the program.
fn const_value<'t>(
    trace: &'t Trace,
    program_src: &str,
    program: &Program,
    point_src: &'t str,
    point_prog: &'t Program,
    first: ExprId,
    root: ExprId,
) -> Result<f64, Diagnostic> {
    let mut l = Lower {
        src: point_src,
        prog: point_prog,
        opts: Options::default(),
        nodes: Vec::new(),
        cse: FxMap::default(),
        env: FxMap::default(),
        stmt_names: FxMap::default(),
        shadowed: Vec::new(),
        constants: Vec::new(),
    };
    // The program's constants (W0 = 2) may be used in a point.
    for (n, v) in &trace.constants {
        l.env.insert(n, Val::Const(*v));
    }
    // A constant name the program binds as an input is not the constant.
    for (c, _) in CONSTANTS {
        let bound = program.point.iter().any(|b| b.name.text(program_src) == c)
            || program
                .stmts
                .iter()
                .any(|s| s.name.is_some_and(|n| n.text(program_src) == c))
            || program
                .definition
                .as_ref()
                .is_some_and(|d| d.params.iter().any(|p| p.text(program_src) == c));
        if bound && !l.env.contains_key(c) {
            l.shadowed.push(c);
        }
    }
    l.constant_expr(first, root)
}

/// The program's own point (`… at x = 1`), completed or overridden by the
/// `--at` list, checked for completeness.
pub fn resolve_point(
    trace: &Trace,
    src: &str,
    program: &Program,
    at: Option<(&str, &Program)>,
) -> Result<Vec<Option<f64>>, PointError> {
    let mut values = vec![None; trace.n_inputs];
    apply_point(trace, src, program, src, program, &mut values).map_err(PointError::Program)?;
    if let Some((at_src, at_prog)) = at {
        apply_point(trace, src, program, at_src, at_prog, &mut values).map_err(PointError::At)?;
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
    use crate::syntax::parse;

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
        let ap = crate::syntax::parse_point(at).unwrap();
        let v = resolve_point(&t, src, &p, Some((at, &ap))).unwrap();
        assert_eq!(v, [Some(-1.0), Some(3.0)]);
        for (bad, msg) in [
            ("z = 1", "not an input"),
            ("x = 1, x = 2", "given twice"),
            ("W0 = 3", "defined by the program"),
            ("x = y", "not a constant"),
        ] {
            let ap = crate::syntax::parse_point(bad).unwrap();
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
