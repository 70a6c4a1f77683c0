//! Lowering, statement by statement (`Builder`): name resolution
//! (statements, parameters, inputs by first appearance, the constants `pi`
//! and `e` and their shadowing, use before definition), constant folding
//! (literals become operation parameters), common-subexpression sharing,
//! the output-is-last rule and which rows reach the output.
//!
//! Vectors and matrices (`tensor`) are lowered to the same scalar rows;
//! helpers are traced at each call.
//!
//! Must not evaluate anything but constants, nor format for display.

mod tensor;

use std::collections::HashMap;
use std::hash::Hasher as _;
use std::rc::Rc;

use hashbrown::HashTable;

use super::{Group, GroupKind, Node, Operand, Options, RowGroup, Shaped, Trace, entry_name};
use crate::core::diagnostic::{Diagnostic, Span, line_col};
use crate::core::intern::Fx;
use crate::core::ops::{Issue, Op};
use crate::core::syntax::ast::{Apply, Expr, ExprId, ExprKind, Lists, Program, Stmt};

/// A lowered value: a row, a constant, or a vector/matrix (`Tensor`, by
/// its index in the builder's arena) of rows and constants.
#[derive(Clone, Copy, Debug)]
enum Val {
    Row(u32),
    Const(f64),
    Tensor(u32),
}

/// A vector or matrix of scalar values, row by row.
#[derive(Clone, Debug)]
struct Tensor {
    rows: u32,
    cols: u32,
    elems: Vec<Val>,
    /// Written as a tuple `(a, b)` (the outputs of a function).
    tuple: bool,
}

/// A helper `sigma(z) = …`: its parameters and its body, copied so that it
/// outlives the part of a large program it was parsed in.
#[derive(Clone, Debug)]
struct Helper {
    name: Span,
    params: Vec<u32>,
    body: Rc<Body>,
}

/// A helper's body: its expressions and their lists, renumbered from 0.
#[derive(Debug)]
struct Body {
    exprs: Vec<Expr>,
    lists: Vec<Vec<ExprId>>,
    applies: Vec<Apply>,
}

impl Body {
    fn lists(&self) -> Lists<'_> {
        Lists {
            lists: &self.lists,
            applies: &self.applies,
        }
    }
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

/// Bits of `Builder::used`.
const FAR: u8 = 0x40;
const NEAR: u8 = 0x3F;
/// No row (`Builder::first_user` of a row nothing uses yet).
const NO_ROW: u32 = u32::MAX;
/// Rows placed near one operand at most: more (a row used by thousands)
/// would make a long cluster in the table.
const NEAR_MAX: u8 = 32;

/// The newest operand row (not an input), if any.
fn newest_row(args: [Operand; 2]) -> Option<u32> {
    args.iter()
        .filter_map(|a| a.row().filter(|r| r & INPUT == 0))
        .max()
}

/// The table position for a row whose newest operand is `n`: just after
/// where `n` itself would sit if rows spread over 8/5 buckets each (within
/// 64 buckets, by the row's own hash), so a program's new rows are looked
/// up and placed where recent rows were (in cache), not anywhere in a
/// table of millions. The top 7 bits stay the row's own hash (hashbrown's
/// tag).
fn near(n: u32, full: u64) -> u64 {
    (full & 0xFE00_0000_0000_0000) | (u64::from(n) * 8 / 5 + (full & 63))
}

/// The hash a row was placed in the table with.
fn placed(nodes: &[Node], consts: &[u64], used: &[u8], r: u32) -> u64 {
    let n = &nodes[r as usize];
    let args = n.args_in(consts);
    let full = hash_row(n.op, args);
    match newest_row(args) {
        Some(k) if used[r as usize] & FAR == 0 => near(k, full),
        _ => full,
    }
}

/// Table capacity for `rows` rows: hashbrown fills 7/8 of its buckets,
/// and rows placed near their operands need 8/5 buckets a row.
fn cse_capacity(rows: usize) -> usize {
    rows * 7 / 5 + 128
}

/// Same operation on the same operands (constants compared bit for bit).
fn same_row(n: &Node, consts: &[u64], op: Op, args: [Operand; 2]) -> bool {
    let eq = |a: Operand, b: Operand| match (a, b) {
        (Operand::Const(x), Operand::Const(y)) => x.to_bits() == y.to_bits(),
        _ => a == b,
    };
    let [a, b] = n.args_in(consts);
    n.op == op && eq(a, args[0]) && eq(b, args[1])
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
/// definition's name and parameters, the names the point binds (both
/// shadow the constants `pi` and `e` from the first statement on), and the
/// shapes the point gives them (a vector input is lowered to its entries).
#[derive(Clone, Debug, Default)]
pub struct Header<'a> {
    pub definition: Option<(Span, Vec<Span>)>,
    pub point_names: Vec<&'a str>,
    /// Input shapes other than a number's (looked up once per new input).
    pub shapes: HashMap<&'a str, (u32, u32)>,
}

impl<'a> Header<'a> {
    /// The header of a whole parsed program. A definition is the program's
    /// function only when it is the last statement (before it, a helper).
    pub fn of(src: &'a str, prog: &Program) -> Header<'a> {
        let last_chunk = prog.stmts.last().map(|s| s.chunk as usize);
        Header {
            definition: prog
                .definition
                .as_ref()
                .filter(|d| Some(d.chunk) == last_chunk)
                .map(|d| (d.name, d.params.clone())),
            point_names: prog.point.iter().map(|b| b.name.text(src)).collect(),
            shapes: super::point_shapes(src, prog)
                .into_iter()
                .filter(|(_, s)| *s != (1, 1))
                .collect(),
        }
    }

    /// Also the shapes a `--at` list gives (they override the program's).
    pub fn with_shapes(mut self, more: Vec<(&'a str, (u32, u32))>) -> Header<'a> {
        for (name, shape) in more {
            if shape == (1, 1) {
                self.shapes.remove(name);
            } else {
                self.shapes.insert(name, shape);
            }
        }
        self
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
    /// The rows' names.
    names: super::Names,
    /// Statements from this many expressions are lowered with a stack
    /// when they can be (`POSTFIX_FROM`; tests compare both ways).
    postfix_from: u32,
    /// By row: whether a row (shared by CSE) uses it as an operand yet
    /// (`USED`), whether the row was placed in the table by its plain hash
    /// (`FAR`), and how many rows were placed near it (`NEAR`).
    used: Vec<u8>,
    /// By row: the first row that took it as an operand (which is not in
    /// `cse`), or `NO_ROW` while nothing uses it.
    first_user: Vec<u32>,
    cse: HashTable<u32>,
    /// The rows' constant operands, as bits (`Trace::args`).
    consts: Vec<u64>,
    /// By symbol id: what the name means now, and the statement defining it.
    binding: Vec<Binding>,
    defined_at: Vec<Option<Span>>,
    /// Input rows in order: the span of the first use (its text is the
    /// name, unless the row is an entry of a shaped input: `theta[2]`).
    inputs: Vec<(Span, Option<Box<str>>)>,
    /// Shapes of inputs, from the point.
    shapes: HashMap<&'a str, (u32, u32)>,
    /// The function's parameters by name, with their values (inputs).
    param_vals: HashMap<&'a str, Val>,
    /// Vectors and matrices of this statement and the bound ones.
    tensors: Vec<Tensor>,
    /// Helpers by symbol id.
    helpers: Vec<Option<Helper>>,
    groups: Vec<Group>,
    row_group: Vec<RowGroup>,
    shaped_inputs: Vec<Shaped>,
    shaped_output: Option<Shaped>,
    n_outputs: usize,
    solves: Vec<super::SolveCheck>,
    /// Whether the statement being lowered touched a vector or matrix.
    shaped: bool,
    params: Vec<&'a str>,
    def_name: Option<Span>,
    /// Constants shadowed by a parameter or a name in the point.
    shadowed: [bool; 2],
    /// Where each constant was first used as the constant (a statement that
    /// later binds the name makes that use an error).
    const_used: [Option<Span>; 2],
    constants: Vec<(Box<str>, f64)>,
    constant_tensors: Vec<(Box<str>, super::ConstTensor)>,
    scratch: Vec<Val>,
    /// Domain problems found while folding constants (`sqrt(-1)`), not yet
    /// given a row: the next row whose text holds them, or that takes a
    /// non-finite constant, gets them (else the output).
    pending: Vec<(Span, String)>,
    const_issues: Vec<super::ConstIssue>,
}

/// Lower a parsed program to its trace.
pub fn build(src: &str, prog: &Program, opts: Options) -> Result<Trace, Diagnostic> {
    build_shaped(src, prog, opts, &[])
}

/// Lower a parsed program whose inputs also take the shapes `extra` (from
/// an `--at` list).
pub fn build_shaped(
    src: &str,
    prog: &Program,
    opts: Options,
    extra: &[(&str, (u32, u32))],
) -> Result<Trace, Diagnostic> {
    let header = Header::of(src, prog).with_shapes(extra.to_vec());
    let mut b = Builder::new(src, opts, &header, prog.exprs.len());
    b.statements(prog, None, true)?;
    Ok(b.finish())
}

/// `build` with every statement lowered by the general loop (no stack).
#[cfg(test)]
pub(crate) fn build_without_stack(src: &str, prog: &Program) -> Result<Trace, Diagnostic> {
    let header = Header::of(src, prog);
    let mut b = Builder::new(src, Options::default(), &header, prog.exprs.len());
    b.postfix_from = u32::MAX;
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
            names: super::Names::default(),
            postfix_from: POSTFIX_FROM,
            used: Vec::with_capacity(if opts.cse { size / 2 + 64 } else { 0 }),
            first_user: Vec::with_capacity(if opts.cse { size / 2 + 64 } else { 0 }),
            cse: HashTable::with_capacity(if opts.cse { cse_capacity(size / 2) } else { 0 }),
            consts: Vec::new(),
            binding: Vec::new(),
            defined_at: Vec::new(),
            inputs: Vec::new(),
            params: Vec::new(),
            def_name: None,
            shadowed: [false; 2],
            const_used: [None; 2],
            constants: Vec::new(),
            constant_tensors: Vec::new(),
            scratch: Vec::new(),
            shapes: header.shapes.clone(),
            param_vals: HashMap::new(),
            tensors: Vec::new(),
            helpers: Vec::new(),
            groups: Vec::new(),
            row_group: Vec::new(),
            shaped_inputs: Vec::new(),
            shaped_output: None,
            n_outputs: 1,
            solves: Vec::new(),
            shaped: false,
            pending: Vec::new(),
            const_issues: Vec::new(),
        };
        if let Some((name, params)) = &header.definition {
            b.def_name = Some(*name);
            for p in params {
                b.params.push(p.text(src));
            }
            b.param_inputs(params);
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

    /// The parameters of the program's function are its inputs, in order
    /// (shaped ones as their entries).
    fn param_inputs(&mut self, params: &[Span]) {
        for p in params {
            let name = p.text(self.src);
            let v = self.new_input(name, *p);
            self.param_vals.insert(name, v);
        }
    }

    /// A new input called `name`: one row, or one per entry when the point
    /// gives it a vector or matrix value.
    fn new_input(&mut self, name: &str, span: Span) -> Val {
        let shape = self.shapes.get(name).copied().unwrap_or((1, 1));
        if shape == (1, 1) {
            self.inputs.push((span, None));
            return Val::Row(INPUT | (self.inputs.len() - 1) as u32);
        }
        let (rows, cols) = shape;
        let first = self.inputs.len() as u32;
        let elems = (0..rows * cols)
            .map(|k| {
                self.inputs
                    .push((span, Some(entry_name(name, rows, cols, k).into())));
                Val::Row(INPUT | (first + k))
            })
            .collect();
        self.shaped_inputs.push(Shaped {
            name: name.into(),
            rows,
            cols,
            first,
            tuple: false,
        });
        self.groups.push(Group {
            name: name.into(),
            kind: GroupKind::Input,
            rows,
            cols,
            span,
        });
        self.tensors.push(Tensor {
            rows,
            cols,
            elems,
            tuple: false,
        });
        Val::Tensor((self.tensors.len() - 1) as u32)
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
        if let Some(&v) = self.param_vals.get(name) {
            // Parameters were made inputs first.
            self.binding[i] = Binding::Val(v);
            return Ok(v);
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
        let v = self.new_input(name, span);
        self.binding[i] = match v {
            Val::Row(r) => Binding::Input(r & !INPUT),
            v => Binding::Val(v),
        };
        Ok(v)
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
        if self.param_vals.contains_key(name) {
            let fname = self.def_name.map_or("f", |d| self.text(d));
            return Err(
                Diagnostic::new(span, format!("'{name}' is a parameter of '{fname}'"))
                    .with_hint("a statement cannot redefine a parameter; choose another name"),
            );
        }
        if let Binding::Input(k) = self.binding[i] {
            return Err(used_before(self.inputs[k as usize].0));
        }
        if let Binding::Val(Val::Tensor(t)) = self.binding[i]
            && let Some(Val::Row(r)) = self.tensors[t as usize].elems.first()
            && r & INPUT != 0
        {
            return Err(used_before(self.inputs[(r & !INPUT) as usize].0));
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
        // A row that nothing uses yet cannot be an operand of an existing
        // row, so a row taking it is new: no lookup. Nor does it go into
        // the table: it is its operand's first user, and a later row equal
        // to it (which takes that operand too) finds it there.
        let fresh = |a: Operand| match a {
            Operand::Row(r) if r & INPUT == 0 => self.first_user[r as usize] == NO_ROW,
            _ => false,
        };
        if fresh(args[0]) || fresh(args[1]) {
            let r = self.push_fresh(op, args, span);
            for a in args {
                if let Operand::Row(c) = a
                    && c & INPUT == 0
                    && self.first_user[c as usize] == NO_ROW
                {
                    self.first_user[c as usize] = r;
                }
            }
            return r;
        }
        let (nodes, consts) = (&self.nodes, &self.consts);
        let eq = |&r: &u32| same_row(&nodes[r as usize], consts, op, args);
        // Every operand is used already: the equal row, if any, is one of
        // their first users or in the table.
        for a in args {
            if let Operand::Row(c) = a
                && c & INPUT == 0
            {
                let u = self.first_user[c as usize];
                if u != NO_ROW && eq(&u) {
                    return u;
                }
            }
        }
        let full = hash_row(op, args);
        let newest = newest_row(args);
        // Rows are placed in the table near their newest operand (see
        // `near`), up to `NEAR_MAX` of them; the rest by their plain hash.
        let crowded = newest.is_some_and(|n| self.used[n as usize] & NEAR >= NEAR_MAX);
        let found = match newest {
            Some(n) => self
                .cse
                .find(near(n, full), eq)
                .or_else(|| crowded.then(|| self.cse.find(full, eq)).flatten()),
            None => self.cse.find(full, eq),
        };
        if let Some(&r) = found {
            return r;
        }
        let r = self.push_fresh(op, args, span);
        self.room_in_cse();
        let h = match newest {
            Some(n) if !crowded => {
                self.used[n as usize] += 1;
                near(n, full)
            }
            _ => {
                self.used[r as usize] |= FAR;
                full
            }
        };
        let (nodes, consts, used) = (&self.nodes, &self.consts, &self.used);
        self.cse
            .insert_unique(h, r, |&r| placed(nodes, consts, used, r));
        r
    }

    /// Grow the table before the rows placed near their operands would
    /// wrap around it (they spread over 8/5 buckets a row).
    fn room_in_cse(&mut self) {
        let rows = self.nodes.len();
        if cse_capacity(rows) > self.cse.capacity() {
            let more = cse_capacity(rows * 2) - self.cse.len();
            let (nodes, consts, used) = (&self.nodes, &self.consts, &self.used);
            self.cse.reserve(more, |&r| placed(nodes, consts, used, r));
        }
    }

    fn set_name(&mut self, row: u32, name: &str) {
        let id = self.names.push(name);
        self.nodes[row as usize].name = id;
    }

    /// A row that is never shared (and the Const and Id rows of the output).
    fn push_fresh(&mut self, op: Op, args: [Operand; 2], span: Span) -> u32 {
        self.used.push(0);
        self.first_user.push(NO_ROW);
        self.nodes.push(Node::new(op, args, span, &mut self.consts));
        let r = (self.nodes.len() - 1) as u32;
        if !self.pending.is_empty() {
            self.attach_pending(r, args, span);
        }
        r
    }

    /// Give row `r` the constants' problems that arose in its text, or all
    /// of them if it takes a non-finite constant (one bound earlier).
    #[cold]
    fn attach_pending(&mut self, r: u32, args: [Operand; 2], span: Span) {
        let takes_bad = args
            .iter()
            .any(|a| matches!(a, Operand::Const(c) if !c.is_finite()));
        let mut kept = Vec::new();
        for (at, cause) in std::mem::take(&mut self.pending) {
            if takes_bad || (span.start <= at.start && at.end <= span.end) {
                self.const_issues.push(super::ConstIssue { row: r, cause });
            } else {
                kept.push((at, cause));
            }
        }
        self.pending = kept;
    }

    /// A constant operation, folded: its value, and a note of any domain
    /// problem (`sqrt(-1)`, `1/0`, `(-8)^(1/3)`, `tan(pi/2)`) or overflow,
    /// which the row that uses it will carry as a warning.
    fn fold(&mut self, op: Op, x: f64, y: f64, span: Span) -> f64 {
        let v = op.eval(x, y);
        let finite_in = x.is_finite() && (op.arity() < 2 || y.is_finite());
        let cause = match op.check(x, y, true, true) {
            Some(Issue::Domain(c) | Issue::Pole(c)) => Some(c),
            _ if finite_in && !v.is_finite() => Some("it overflows"),
            _ => None,
        };
        if let Some(c) = cause {
            self.note_constant(span, v, c);
        }
        v
    }

    #[cold]
    fn note_constant(&mut self, span: Span, v: f64, cause: &str) {
        let text = span.text(self.src);
        let text = if text.chars().count() > 40 {
            format!("{}…", text.chars().take(39).collect::<String>())
        } else {
            text.to_string()
        };
        let value = if v.is_nan() {
            "NaN".to_string()
        } else if v == f64::INFINITY {
            "+infinity".to_string()
        } else if v == f64::NEG_INFINITY {
            "-infinity".to_string()
        } else {
            format!("{v:.4e}")
        };
        self.pending
            .push((span, format!("the constant {text} is {value}: {cause}")));
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
            // Ctrl-C in the REPL (`core::cancel`), polled every 4096 statements.
            if i % 4096 == 0 {
                if crate::core::cancel::requested() {
                    return Err(Diagnostic::new(Span::default(), "cancelled"));
                }
                // In bytes of the whole source: a large program is lowered
                // in parts, each its own `prog`.
                crate::core::cancel::report("tracing", s.start as usize, self.src.len());
            }
            let last = last_part && i + 1 == prog.stmts.len();
            if s.params.is_some() && !last {
                self.helper(prog, map, s)?;
                continue;
            }
            self.statement(prog, map, s, last)?;
        }
        Ok(())
    }

    /// A definition before the last statement: a helper, traced where it is
    /// called.
    fn helper(&mut self, prog: &Program, map: Option<&[u32]>, s: &Stmt) -> Result<(), Diagnostic> {
        let (Some(name), Some(params)) = (s.name, s.params.as_deref()) else {
            return Ok(());
        };
        let m = |x: u32| map.map_or(x, |m| m.get(x as usize).copied().unwrap_or(x));
        let sym = m(s.sym);
        self.define(sym, name)?;
        let (mut lists, mut applies) = (Vec::new(), Vec::new());
        let from = prog.lists();
        let exprs = prog.exprs[s.first as usize..=s.value as usize]
            .iter()
            .map(|e| Expr {
                kind: e
                    .kind
                    .renumbered(|id| id - s.first, m, &from, &mut lists, &mut applies),
                span: e.span,
            })
            .collect();
        let body = Rc::new(Body {
            exprs,
            lists,
            applies,
        });
        let i = sym as usize;
        if i >= self.helpers.len() {
            self.helpers.resize(i + 1, None);
        }
        self.helpers[i] = Some(Helper {
            name,
            params: params.1.iter().map(|&p| m(p)).collect(),
            body,
        });
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
        self.shaped = false;
        let v = self.lower(&prog.exprs, prog.lists(), map, s.first, s.value)?;
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
            Val::Tensor(t) => {
                let group_name = name
                    .map(|(n, _)| n)
                    .or_else(|| self.def_name.map(|d| self.text(d)));
                let (r, c) = (self.tensors[t as usize].rows, self.tensors[t as usize].cols);
                if last {
                    // The output group holds the statement's other rows too.
                    let g = self.outputs(t, group_name, span, before)?;
                    for rg in &mut self.row_group[before..] {
                        if rg.group == RowGroup::NONE {
                            rg.group = g;
                        }
                    }
                } else {
                    if self.tensors[t as usize].tuple {
                        return Err(Diagnostic::new(span, "a tuple can only be the output")
                            .with_hint("use a vector [a, b] for a value used later"));
                    }
                    let g = self.group_rows(
                        before,
                        group_name.unwrap_or(""),
                        GroupKind::Statement,
                        r,
                        c,
                        span,
                    );
                    self.name_entries(t, group_name, before, g);
                    bind(self, v);
                    // Data: a point's value may name it.
                    let tensor = &self.tensors[t as usize];
                    if let Some((n, _)) = name
                        && let Some(data) = tensor
                            .elems
                            .iter()
                            .map(|v| match v {
                                Val::Const(c) => Some(*c),
                                _ => None,
                            })
                            .collect::<Option<Vec<f64>>>()
                    {
                        self.constant_tensors.push((
                            n.into(),
                            super::ConstTensor {
                                rows: r,
                                cols: c,
                                data,
                            },
                        ));
                    }
                }
            }
            Val::Const(c) => {
                if last {
                    let r = self.push_fresh(Op::Const, [Operand::Const(c), Operand::None], span);
                    if let Some((n, _)) = name {
                        self.set_name(r, n);
                    }
                } else if let Some((n, _)) = name {
                    bind(self, Val::Const(c));
                    self.constants.push((n.into(), c));
                    // Name the binding in its constants' problems.
                    for (_, cause) in &mut self.pending {
                        if let Some(rest) = cause.strip_prefix("the constant ")
                            && !rest.starts_with(&format!("{n} = "))
                        {
                            *cause = format!("the constant {n} = {rest}");
                        }
                    }
                }
            }
            Val::Row(r) => {
                let is_input = r & INPUT != 0;
                let unnamed = !is_input && !self.nodes[r as usize].has_name();
                let fresh = !is_input && r as usize >= before;
                // A statement names its row unless the row already has a name
                // (then the statement only renames it and makes no row); the
                // output must be the last row, and carry the last statement's
                // name (`f = a` reports f, not a), so it gets a copy if needed.
                let renamed = name.is_some() && !is_input && !fresh && !unnamed;
                let row = if last && (!self.is_last_row(r) || renamed) {
                    self.push_fresh(Op::Id, [Operand::Row(r), Operand::None], span)
                } else if (fresh || unnamed) && name.is_some() {
                    r
                } else {
                    bind(self, Val::Row(r));
                    if self.shaped {
                        let n = name.map_or("", |n| n.0);
                        self.group_rows(before, n, GroupKind::Statement, 1, 1, span);
                    }
                    return Ok(());
                };
                if let Some((n, _)) = name {
                    self.set_name(row, n);
                }
                bind(self, Val::Row(row));
                if self.shaped {
                    let n = name.map_or("", |n| n.0);
                    self.group_rows(before, n, GroupKind::Statement, 1, 1, span);
                }
            }
        }
        Ok(())
    }

    /// Name the rows a statement made for its entries (`z[1]`, `z[2]`)
    /// and give them their index in the statement's group `g`.
    fn name_entries(&mut self, t: u32, name: Option<&str>, before: usize, g: Option<u32>) {
        let (rows, cols) = (self.tensors[t as usize].rows, self.tensors[t as usize].cols);
        for k in 0..self.tensors[t as usize].elems.len() {
            if let Val::Row(r) = self.tensors[t as usize].elems[k]
                && r & INPUT == 0
                && r as usize >= before
                && !self.nodes[r as usize].has_name()
            {
                if let Some(name) = name {
                    self.set_name(r, &entry_name(name, rows, cols, k as u32));
                }
                // An entry belongs to its statement, even when a helper's
                // call computed it.
                if let Some(g) = g {
                    self.row_group[r as usize] = RowGroup {
                        group: g,
                        index: k as u32,
                    };
                }
            }
        }
    }

    /// The last statement is a vector, a matrix or a tuple: its entries
    /// become the last rows, in order (copies where they are not already).
    fn outputs(
        &mut self,
        t: u32,
        name: Option<&str>,
        span: Span,
        before: usize,
    ) -> Result<u32, Diagnostic> {
        let tensor = self.tensors[t as usize].clone();
        // Found by fuzzing: `[[a]]` left a vector inside the output's
        // entries, which are rows or constants; refuse it, located.
        if tensor.elems.iter().any(|v| matches!(v, Val::Tensor(_))) {
            return Err(
                Diagnostic::new(span, "an output whose entry is itself a vector")
                    .with_hint("write the entries directly: [a] or [[a, b]]"),
            );
        }
        let m = tensor.elems.len();
        let n = self.nodes.len();
        let in_place = n >= m
            && tensor.elems.iter().enumerate().all(|(k, v)| {
                matches!(v, Val::Row(r) if r & INPUT == 0 && *r as usize == n - m + k && *r as usize >= before && !self.nodes[*r as usize].has_name())
            });
        if !in_place {
            for v in &tensor.elems {
                match *v {
                    Val::Row(r) => {
                        self.push_fresh(Op::Id, [Operand::Row(r), Operand::None], span);
                    }
                    Val::Const(c) => {
                        self.push_fresh(Op::Const, [Operand::Const(c), Operand::None], span);
                    }
                    Val::Tensor(_) => {}
                }
            }
        }
        let first = self.nodes.len() - m;
        if let Some(name) = name {
            for k in 0..m {
                self.set_name(
                    (first + k) as u32,
                    &entry_name(name, tensor.rows, tensor.cols, k as u32),
                );
            }
        }
        self.n_outputs = m;
        self.shaped_output = Some(Shaped {
            name: name.unwrap_or("").into(),
            rows: tensor.rows,
            cols: tensor.cols,
            // Rows are numbered without the inputs until `finish`.
            first: first as u32,
            tuple: tensor.tuple,
        });
        let (r, c) = (tensor.rows, tensor.cols);
        self.groups.push(Group {
            name: name.unwrap_or("").into(),
            kind: GroupKind::Output,
            rows: r,
            cols: c,
            span,
        });
        let g = (self.groups.len() - 1) as u32;
        self.fill_groups();
        for k in 0..m {
            self.row_group[first + k] = RowGroup {
                group: g,
                index: k as u32,
            };
        }
        Ok(g)
    }

    /// Give the rows `before..` that have no group yet the group `name`;
    /// its index, if it made one.
    fn group_rows(
        &mut self,
        before: usize,
        name: &str,
        kind: GroupKind,
        rows: u32,
        cols: u32,
        span: Span,
    ) -> Option<u32> {
        if self.nodes.len() == before {
            return None;
        }
        self.groups.push(Group {
            name: name.into(),
            kind,
            rows,
            cols,
            span,
        });
        let g = (self.groups.len() - 1) as u32;
        self.fill_groups();
        for r in before..self.nodes.len() {
            if self.row_group[r].group == RowGroup::NONE {
                self.row_group[r] = RowGroup {
                    group: g,
                    index: RowGroup::NONE,
                };
            }
        }
        Some(g)
    }

    /// One group slot per row so far (rows made before the first group
    /// have none).
    fn fill_groups(&mut self) {
        let none = RowGroup {
            group: RowGroup::NONE,
            index: RowGroup::NONE,
        };
        self.row_group.resize(self.nodes.len(), none);
    }

    /// Lower the arena range `first..=root` of `exprs` (operands precede
    /// their users, so one forward loop does it).
    fn lower(
        &mut self,
        exprs: &[Expr],
        lists: Lists,
        map: Option<&[u32]>,
        first: ExprId,
        root: ExprId,
    ) -> Result<Val, Diagnostic> {
        if root - first >= self.postfix_from && postfix_scalar(exprs, first, root) {
            return self.lower_postfix(exprs, lists, map, first, root);
        }
        // One scratch buffer for all statements: no allocation per statement
        // (a helper's body, lowered inside a statement, takes a new one).
        let mut vals = std::mem::take(&mut self.scratch);
        vals.clear();
        let get = |vals: &Vec<Val>, id: ExprId| vals[(id - first) as usize];
        for id in first..=root {
            let e = &exprs[id as usize];
            // The scalar arms stay in this loop; the rest is out of line so
            // that a million scalar statements run a small loop.
            let v = match &e.kind {
                ExprKind::Num(c) => Val::Const(c.get()),
                ExprKind::Name(id) => self.lower_name(*id, map, e.span)?,
                ExprKind::Neg(a) => match get(&vals, *a) {
                    Val::Tensor(_) => {
                        self.lower_shaped(exprs, lists, map, e, &|id| get(&vals, id))?
                    }
                    v => self.unary(Op::Neg, v, e.span),
                },
                ExprKind::Call(op, a) => match get(&vals, *a) {
                    Val::Tensor(_) => {
                        self.lower_shaped(exprs, lists, map, e, &|id| get(&vals, id))?
                    }
                    v => self.unary(*op, v, e.span),
                },
                ExprKind::Binary(op, a, b) => match (get(&vals, *a), get(&vals, *b)) {
                    (Val::Tensor(_), _) | (_, Val::Tensor(_)) => {
                        self.lower_shaped(exprs, lists, map, e, &|id| get(&vals, id))?
                    }
                    (va, vb) => self.scalar(op.op(), va, vb, e.span),
                },
                _ => self.lower_shaped(exprs, lists, map, e, &|id| get(&vals, id))?,
            };
            vals.push(v);
        }
        let v = get(&vals, root);
        self.scratch = vals;
        Ok(v)
    }

    /// `lower` for a long scalar expression in postfix order: the values
    /// waiting for their operation are a stack (as deep as the expression's
    /// nesting), not one per expression.
    fn lower_postfix(
        &mut self,
        exprs: &[Expr],
        lists: Lists,
        map: Option<&[u32]>,
        first: ExprId,
        root: ExprId,
    ) -> Result<Val, Diagnostic> {
        let mut stack = std::mem::take(&mut self.scratch);
        stack.clear();
        // `postfix_scalar` has checked every pop has its value.
        let pop = |stack: &mut Vec<Val>| stack.pop().unwrap_or(Val::Const(f64::NAN));
        for id in first..=root {
            let e = &exprs[id as usize];
            let v = match &e.kind {
                ExprKind::Num(c) => Val::Const(c.get()),
                ExprKind::Name(id) => self.lower_name(*id, map, e.span)?,
                ExprKind::Neg(_) | ExprKind::Call(..) => {
                    let op = match e.kind {
                        ExprKind::Call(op, _) => op,
                        _ => Op::Neg,
                    };
                    match pop(&mut stack) {
                        a @ Val::Tensor(_) => self.lower_shaped(exprs, lists, map, e, &|_| a)?,
                        a => self.unary(op, a, e.span),
                    }
                }
                ExprKind::Binary(op, a_id, _) => {
                    let b = pop(&mut stack);
                    let a = pop(&mut stack);
                    match (a, b) {
                        (Val::Tensor(_), _) | (_, Val::Tensor(_)) => {
                            let a_id = *a_id;
                            let get = |id: ExprId| if id == a_id { a } else { b };
                            self.lower_shaped(exprs, lists, map, e, &get)?
                        }
                        (va, vb) => self.scalar(op.op(), va, vb, e.span),
                    }
                }
                // Not in a checked expression.
                _ => self.lower_shaped(exprs, lists, map, e, &|_| Val::Const(f64::NAN))?,
            };
            stack.push(v);
        }
        let v = pop(&mut stack);
        self.scratch = stack;
        Ok(v)
    }

    /// A name in a statement, through a helper's map from its parameters
    /// to the caller's symbols.
    #[inline]
    fn lower_name(&mut self, id: u32, map: Option<&[u32]>, span: Span) -> Result<Val, Diagnostic> {
        let sym = map.map_or(id, |m| m.get(id as usize).copied().unwrap_or(id));
        self.resolve(sym, span)
    }

    /// The expressions that make or take a vector or matrix (see `lower`).
    #[cold]
    #[inline(never)]
    fn lower_shaped(
        &mut self,
        exprs: &[Expr],
        lists: Lists,
        map: Option<&[u32]>,
        e: &Expr,
        get: &dyn Fn(ExprId) -> Val,
    ) -> Result<Val, Diagnostic> {
        let with_spans = |ids: &[ExprId]| -> Vec<(Val, Span)> {
            ids.iter()
                .map(|i| (get(*i), exprs[*i as usize].span))
                .collect()
        };
        Ok(match &e.kind {
            // Lowered in the loop; kept whole here so no arm can panic.
            ExprKind::Num(c) => Val::Const(c.get()),
            ExprKind::Name(id) => self.lower_name(*id, map, e.span)?,
            ExprKind::Neg(a) => self.map_unary(Op::Neg, get(*a), e.span),
            ExprKind::Call(op, a) => self.map_unary(*op, get(*a), e.span),
            ExprKind::Binary(op, a, b) => {
                let spans = [exprs[*a as usize].span, exprs[*b as usize].span];
                self.binary(*op, get(*a), get(*b), spans, e.span)?
            }
            ExprKind::Tuple(k) => self.tuple(with_spans(lists.list(*k)))?,
            ExprKind::Vector(k) => self.vector(with_spans(lists.list(*k)), e.span)?,
            ExprKind::Index(a, k) => {
                let base = (get(*a), exprs[*a as usize].span);
                self.index(base, &with_spans(lists.list(*k)), e.span)?
            }
            ExprKind::Transpose(a) => self.transpose(get(*a)),
            ExprKind::Apply(k) => {
                let ap = lists.apply(*k);
                let sym = map.map_or(ap.sym, |m| {
                    m.get(ap.sym as usize).copied().unwrap_or(ap.sym)
                });
                self.apply(ap.name, sym, with_spans(&ap.args), e.span)?
            }
        })
    }

    fn unary(&mut self, op: Op, a: Val, span: Span) -> Val {
        match a {
            Val::Const(x) => Val::Const(self.fold(op, x, 0.0, span)),
            Val::Row(_) => Val::Row(self.emit(op, [operand(a), Operand::None], span)),
            Val::Tensor(_) => a,
        }
    }

    /// A scalar binary operation, folded when both sides are constants.
    fn scalar(&mut self, op: Op, a: Val, b: Val, span: Span) -> Val {
        match (a, b) {
            (Val::Const(x), Val::Const(y)) => Val::Const(self.fold(op, x, y, span)),
            _ => Val::Row(self.emit(op, [operand(a), operand(b)], span)),
        }
    }

    /// Put the inputs first, renumber every row reference, and mark what
    /// the outputs depend on.
    pub fn finish(mut self) -> Trace {
        let k = self.inputs.len() as u32;
        let row = |r: u32| if r & INPUT != 0 { r & !INPUT } else { r + k };
        let renumber = |a: Operand| match a {
            Operand::Row(r) => Operand::Row(row(r)),
            other => other,
        };
        for n in &mut self.nodes {
            n.map_rows(row);
        }
        let inputs: Vec<Node> = self
            .inputs
            .iter()
            .map(|(span, name)| {
                let mut node = Node::new(Op::Input, [Operand::None; 2], *span, &mut Vec::new());
                node.name = self
                    .names
                    .push(name.as_deref().unwrap_or_else(|| span.text(self.src)));
                node
            })
            .collect();
        // In place: the rows move up by k within the buffer reserved at the
        // start, rather than into a second copy of the whole trace.
        let mut nodes = self.nodes;
        nodes.splice(0..0, inputs);
        let n = nodes.len();
        let m = self.n_outputs.min(n);
        for node in &mut nodes[n - m..] {
            node.reaches_output = true;
        }
        for i in (0..nodes.len()).rev() {
            if nodes[i].reaches_output {
                for a in 0..2 {
                    if let Some(r) = nodes[i].row_arg(a) {
                        nodes[r as usize].reaches_output = true;
                    }
                }
            }
        }
        let mut row_group = Vec::new();
        if !self.groups.is_empty() {
            let none = RowGroup {
                group: RowGroup::NONE,
                index: RowGroup::NONE,
            };
            row_group = vec![none; k as usize];
            for s in &self.shaped_inputs {
                let g = self
                    .groups
                    .iter()
                    .position(|g| g.kind == GroupKind::Input && g.name == s.name)
                    .unwrap_or(0) as u32;
                for e in 0..s.len() as u32 {
                    row_group[(s.first + e) as usize] = RowGroup { group: g, index: e };
                }
            }
            row_group.extend(self.row_group);
            row_group.resize(n, none);
        }
        let shaped_output = self.shaped_output.map(|mut s| {
            s.first += k;
            s
        });
        // Problems no row took (a constant the output never uses) go to the
        // output, which is where a reader looks.
        let mut const_issues = self.const_issues;
        for c in &mut const_issues {
            c.row += k;
        }
        if n > 0 {
            const_issues.extend(
                self.pending
                    .into_iter()
                    .map(|(_, cause)| super::ConstIssue {
                        row: (n - 1) as u32,
                        cause,
                    }),
            );
        }
        let solves = self
            .solves
            .into_iter()
            .map(|mut c| {
                c.det = renumber(c.det);
                c.entries = c.entries.into_iter().map(renumber).collect();
                c
            })
            .collect();
        Trace {
            nodes,
            n_inputs: k as usize,
            n_outputs: m.max(usize::from(n > 0)),
            constants: self.constants,
            constant_tensors: self.constant_tensors,
            cse: self.opts.cse,
            groups: self.groups,
            row_group,
            shaped_inputs: self.shaped_inputs,
            shaped_output,
            solves,
            const_issues,
            names: self.names,
            consts: self.consts,
        }
    }
}

/// Expressions from which `lower` keeps its values on a stack.
const POSTFIX_FROM: u32 = 1 << 12;

/// Whether `first..=root` holds only scalar operations, each taking the
/// expressions completed just before it (postfix order, as both parsers
/// build a statement): then `lower_postfix` can lower it.
fn postfix_scalar(exprs: &[Expr], first: ExprId, root: ExprId) -> bool {
    // The ids waiting for their operation.
    let mut ids: Vec<ExprId> = Vec::new();
    for id in first..=root {
        let Some(e) = exprs.get(id as usize) else {
            return false;
        };
        let ok = match e.kind {
            ExprKind::Num(_) | ExprKind::Name(_) => true,
            ExprKind::Neg(a) | ExprKind::Call(_, a) => ids.pop() == Some(a),
            ExprKind::Binary(_, a, b) => ids.pop() == Some(b) && ids.pop() == Some(a),
            _ => false,
        };
        if !ok {
            return false;
        }
        ids.push(id);
    }
    ids == [root]
}

fn operand(v: Val) -> Operand {
    match v {
        Val::Row(r) => Operand::Row(r),
        Val::Const(c) => Operand::Const(c),
        Val::Tensor(_) => Operand::None,
    }
}
