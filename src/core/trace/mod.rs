//! The trace: the program lowered to rows in topological order (inputs
//! first, the outputs last), with common subexpressions shared and numeric
//! literals folded into the operations that use them. Vectors and matrices
//! are lowered to scalar rows too; each row remembers its group (the
//! statement or helper call it came from, and its index there), so views
//! can name `z[2]` and fold a group into one node.
//!
//! Owns name resolution (statements, parameters, inputs, the constants `pi`
//! and `e` and their shadowing) and the program's point. Must not compute
//! derivatives (that is `sweep`) nor format anything for display.
mod build;
mod consts;
mod point;

pub use build::{Builder, Header, build, build_shaped};
pub use consts::{ConstEnv, ConstTensor, const_problem, const_tensor};
pub use point::{
    PointError, apply_point, missing_value, point_problem, point_shapes, resolve_point,
};

use crate::core::diagnostic::Span;
use crate::core::ops::Op;

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

/// An operand packed in 4 bytes (a row is 24 bytes, so a million-row
/// trace stays small): a row (below `CONST_TAG`; while building, an input
/// is `INPUT | k`, above it), a constant as its index in the trace's table
/// of constants (`CONST_TAG | k`), or no operand. A row has at most one
/// constant operand (two are folded), so the table is at most one f64 a
/// row. Each kind has 2³⁰ values: more rows than that would need 24 GB for
/// the rows alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Arg(u32);

const CONST_TAG: u32 = 0x4000_0000;
const KIND: u32 = 0xC000_0000;
const NO_ARG: u32 = u32::MAX;

impl Arg {
    fn pack(a: Operand, consts: &mut Vec<u64>) -> Arg {
        Arg(match a {
            Operand::None => NO_ARG,
            Operand::Row(r) => {
                debug_assert!(r & KIND != CONST_TAG && r != NO_ARG, "row {r} out of range");
                r
            }
            Operand::Const(c) => {
                // By its bits, so that traces compare equal with a NaN
                // constant (stored as the one quiet NaN).
                consts.push(if c.is_nan() { f64::NAN } else { c }.to_bits());
                CONST_TAG | (consts.len() - 1) as u32
            }
        })
    }

    fn is_const(self) -> bool {
        self.0 & KIND == CONST_TAG
    }

    fn unpack(self, consts: &[u64]) -> Operand {
        if self.0 == NO_ARG {
            Operand::None
        } else if self.is_const() {
            // A NaN if the index is not in the table (never made so).
            Operand::Const(
                consts
                    .get((self.0 & !KIND) as usize)
                    .map_or(f64::NAN, |&b| f64::from_bits(b)),
            )
        } else {
            Operand::Row(self.0)
        }
    }

    fn row(self) -> Option<u32> {
        (self.0 != NO_ARG && !self.is_const()).then_some(self.0)
    }
}

/// One row of the trace. Its name, if any, is `Trace::name(row)`; its
/// operands, `Trace::args(row)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub op: Op,
    /// Whether the output depends on this row (else its adjoint is
    /// structurally zero: a statement the output does not use).
    pub reaches_output: bool,
    args: [Arg; 2],
    /// The program's name for this row (an input, a statement), as an id
    /// in the trace's `Names`, or `NO_NAME`.
    name: u32,
    /// Where the row comes from in the source (an input's first use).
    pub span: Span,
}

const NO_NAME: u32 = u32::MAX;

// The sweeps stream over millions of rows.
const _: () = assert!(std::mem::size_of::<Node>() == 24);

impl Node {
    /// A row; a constant operand goes into `consts`.
    fn new(op: Op, args: [Operand; 2], span: Span, consts: &mut Vec<u64>) -> Node {
        Node {
            op,
            reaches_output: false,
            args: args.map(|a| Arg::pack(a, consts)),
            name: NO_NAME,
            span,
        }
    }
    /// The two operands (`Operand::None` past the operation's arity),
    /// constants read from `consts`.
    fn args_in(&self, consts: &[u64]) -> [Operand; 2] {
        self.args.map(|a| a.unpack(consts))
    }
    /// Whether operand `k` is a constant.
    pub fn is_const(&self, k: usize) -> bool {
        self.args.get(k).is_some_and(|a| a.is_const())
    }
    /// Operand `k`'s row, if it is one.
    pub fn row_arg(&self, k: usize) -> Option<u32> {
        self.args.get(k).and_then(|a| a.row())
    }
    /// Map the operands that are rows (the constants stay).
    fn map_rows(&mut self, f: impl Fn(u32) -> u32) {
        for a in &mut self.args {
            if let Some(r) = a.row() {
                a.0 = f(r);
            }
        }
    }
    pub fn has_name(&self) -> bool {
        self.name != NO_NAME
    }
    pub fn row_args(&self) -> impl Iterator<Item = u32> + '_ {
        self.args.iter().filter_map(|a| a.row())
    }
}

/// The rows' names, in one buffer (not one allocation per row).
#[derive(Clone, Debug, Default, PartialEq)]
struct Names {
    text: String,
    /// Where each name ends in `text`; name k starts where k − 1 ends.
    ends: Vec<u32>,
}

impl Names {
    fn push(&mut self, name: &str) -> u32 {
        self.text.push_str(name);
        self.ends.push(self.text.len() as u32);
        (self.ends.len() - 1) as u32
    }

    fn get(&self, id: u32) -> Option<&str> {
        let k = id as usize;
        let end = *self.ends.get(k)? as usize;
        let start = if k == 0 { 0 } else { self.ends[k - 1] as usize };
        self.text.get(start..end)
    }
}

/// What a group of rows is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupKind {
    /// A vector or matrix input (`theta`).
    Input,
    /// A statement (`z = W*x + b`).
    Statement,
    /// A call of a helper (`sigma(…)`).
    Call,
    /// The outputs (`(a, b)`, or a vector output).
    Output,
}

/// A statement, call, input or output whose rows belong together.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    pub name: Box<str>,
    pub kind: GroupKind,
    /// Its shape (rows × columns; 1 × 1 for a scalar statement).
    pub rows: u32,
    pub cols: u32,
    pub span: Span,
}

/// A row's group and its entry there (`NONE` for an intermediate row).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RowGroup {
    pub group: u32,
    pub index: u32,
}

impl RowGroup {
    pub const NONE: u32 = u32::MAX;
}

/// A shaped input or output: its entries are the rows `first..`, row by
/// row (`theta[1]`, `theta[2]`; `W[1,1]`, `W[1,2]`, …).
#[derive(Clone, Debug, PartialEq)]
pub struct Shaped {
    pub name: Box<str>,
    pub rows: u32,
    pub cols: u32,
    pub first: u32,
    /// An output written as a tuple `(a, b)` rather than a vector.
    pub tuple: bool,
}

impl Shaped {
    pub fn len(&self) -> usize {
        (self.rows * self.cols) as usize
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// `3`, `2×3`.
    pub fn shape_text(&self) -> String {
        shape_text(self.rows, self.cols)
    }
}

/// `3` for a vector of 3 entries, `2×3` for a matrix.
pub fn shape_text(rows: u32, cols: u32) -> String {
    if rows == 1 && cols == 1 {
        "number".to_string()
    } else if cols == 1 {
        format!("{rows}-vector")
    } else if rows == 1 {
        format!("1×{cols} row vector")
    } else {
        format!("{rows}×{cols}")
    }
}

/// The name of entry `k` (0-based, row by row) of a shaped value:
/// `z[2]`, `W[1,2]` (1-based, like the lecture's θ₁…θₙ).
pub fn entry_name(name: &str, rows: u32, cols: u32, k: u32) -> String {
    let (i, j) = (k / cols + 1, k % cols + 1);
    if cols == 1 {
        format!("{name}[{i}]")
    } else if rows == 1 {
        format!("{name}[{j}]")
    } else {
        format!("{name}[{i},{j}]")
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Trace {
    pub nodes: Vec<Node>,
    /// Number of inputs; they are rows 0..n_inputs, in the program's order.
    pub n_inputs: usize,
    /// Number of outputs; they are the last rows, in order (1 for a scalar
    /// program).
    pub n_outputs: usize,
    /// Names that statements bound to constants (`W0 = 2`), for display.
    pub constants: Vec<(Box<str>, f64)>,
    /// Vectors and matrices statements bound to constants (`X = [[1, 1],
    /// [1, 2]]`): data, which a point's value may name.
    pub constant_tensors: Vec<(Box<str>, ConstTensor)>,
    /// Whether common subexpressions were shared.
    pub cse: bool,
    /// The groups of a program with vectors (empty for a scalar program),
    /// and each row's group (empty, or one per row).
    pub groups: Vec<Group>,
    pub row_group: Vec<RowGroup>,
    /// The vector and matrix inputs.
    pub shaped_inputs: Vec<Shaped>,
    /// The output's shape when it is a vector, a matrix or a tuple.
    pub shaped_output: Option<Shaped>,
    /// Every `solve(A, b)` whose determinant is computed by rows: the
    /// sweep warns when A is nearly singular at the point.
    pub solves: Vec<SolveCheck>,
    /// Domain problems among the constants (`x + sqrt(-1)`), folded away
    /// before any row computes them: each at the row that uses the result.
    pub const_issues: Vec<ConstIssue>,
    /// The rows' names (`Trace::name`).
    names: Names,
    /// The rows' constant operands, as bits (`Trace::args`).
    consts: Vec<u64>,
}

/// A domain problem found while folding constants, at the row that takes
/// the constant; `cause` names the constant's text and value.
#[derive(Clone, Debug, PartialEq)]
pub struct ConstIssue {
    pub row: u32,
    pub cause: String,
}

/// What a sweep needs to tell a nearly singular `solve` matrix: its
/// determinant and its entries (n×n, row by row), and its name.
#[derive(Clone, Debug, PartialEq)]
pub struct SolveCheck {
    pub det: Operand,
    pub entries: Vec<Operand>,
    pub n: u32,
    pub name: Box<str>,
}

impl Trace {
    /// Row `i`'s two operands (`Operand::None` past its operation's arity).
    pub fn args(&self, i: usize) -> [Operand; 2] {
        self.nodes[i].args_in(&self.consts)
    }

    /// How many constant operands the rows keep (beside them, 8 bytes each).
    pub fn constant_operands(&self) -> usize {
        self.consts.len()
    }

    /// A row's two operands (the row is one of this trace's).
    pub fn operands(&self, node: &Node) -> [Operand; 2] {
        node.args_in(&self.consts)
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
    /// The program's name for a row (an input, a statement, `z[2]`).
    pub fn name(&self, row: usize) -> Option<&str> {
        let n = self.nodes.get(row)?;
        if n.has_name() {
            self.names.get(n.name)
        } else {
            None
        }
    }
    /// Every row's name, in order.
    pub fn names(&self) -> impl Iterator<Item = Option<&str>> + '_ {
        (0..self.nodes.len()).map(|r| self.name(r))
    }
    /// The (last) output row: always the last row.
    pub fn output(&self) -> usize {
        self.nodes.len().saturating_sub(1)
    }
    /// The output rows, in order: the last `n_outputs` rows.
    pub fn outputs(&self) -> std::ops::Range<usize> {
        self.nodes
            .len()
            .saturating_sub(self.n_outputs.max(1).min(self.nodes.len()))..self.nodes.len()
    }
    /// The group of a row, if it has one, and its entry there.
    pub fn group_of(&self, row: usize) -> Option<(&Group, Option<u32>)> {
        let g = self.row_group.get(row)?;
        let group = self.groups.get(g.group as usize)?;
        Some((group, (g.index != RowGroup::NONE).then_some(g.index)))
    }
    /// The vector or matrix input called `name`.
    pub fn shaped_input(&self, name: &str) -> Option<&Shaped> {
        self.shaped_inputs.iter().find(|s| &*s.name == name)
    }
    pub fn input_names(&self) -> impl Iterator<Item = &str> {
        (0..self.n_inputs.min(self.nodes.len())).map(|r| self.name(r).unwrap_or(""))
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
            let (a, b) = (node.row_arg(0), node.row_arg(1));
            let second = if b == a { None } else { b };
            let _ = j;
            a.into_iter().chain(second)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::syntax::parse;

    fn trace(src: &str) -> Trace {
        build(src, &parse(src).unwrap(), Options::default()).unwrap()
    }
    #[test]
    fn operands_round_trip_through_the_row_and_the_constants() {
        // Rows of 24 bytes: each operand in 4, a constant's value beside.
        assert_eq!(std::mem::size_of::<Node>(), 24);
        let t = trace("f = 2.5*x + y/0.1 - sin(x) + -0.0*y at x = 1, y = 2");
        let c = |x: f64| Operand::Const(x);
        let mut seen = Vec::new();
        for i in 0..t.len() {
            let args = t.args(i);
            for (k, a) in args.iter().enumerate() {
                assert_eq!(t.nodes[i].is_const(k), a.is_const());
                assert_eq!(t.nodes[i].row_arg(k), a.row());
                if let Operand::Const(x) = a {
                    seen.push(x.to_bits());
                }
            }
        }
        assert_eq!(t.constant_operands(), seen.len());
        let want: Vec<u64> = [2.5, 0.1, -0.0].iter().map(|x: &f64| x.to_bits()).collect();
        assert_eq!(seen, want);
        assert!(t.nodes.iter().any(|n| t.operands(n)[0] == c(2.5)));
        // Inputs take no operand.
        assert_eq!(t.args(0), [Operand::None; 2]);
    }

    fn shape(t: &Trace) -> Vec<String> {
        t.nodes
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let a: Vec<String> = t
                    .args(i)
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
                    t.name(i).map(|s| format!("{s}=")).unwrap_or_default(),
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
        // ... and so does an output naming the last row by another name:
        // the output is reported as f, the program's last statement.
        let t = trace("a = x^2; f = a");
        assert_eq!(shape(&t), ["x=input()", "a=pow(#0,2)", "f=id(#1)"]);
        assert_eq!(t.name(t.output()), Some("f"));
        let t = trace("v = [x, 2*x]; f = v[2]");
        assert_eq!(t.name(t.output()), Some("f"));
        assert_eq!(t.name(t.output() - 1), Some("v[2]"));
        // The last statement naming its own fresh row makes no copy.
        let t = trace("a = x^2; f = a + 0*x");
        assert_eq!(t.name(t.output()), Some("f"));
        assert_eq!(t.nodes[t.output()].op.name(), "add");
        let t = trace("2 + 3");
        assert_eq!(shape(&t), ["const(5)"]);
    }

    #[test]
    fn shadowing_of_constants() {
        let t = trace("a = x^2; b = exp(a); c = a + b; d = sqrt(c); e = cos(c); f = d + e");
        assert_eq!(t.len(), 7);
        assert_eq!(t.name(5), Some("e"));
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
        assert_eq!(t.name(t.len() - 1), Some("f"));
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

    /// Long scalar statements are lowered with a stack of values: the
    /// same rows, names, sharing, folding and errors as the general loop.
    #[test]
    fn long_statements_lower_as_short_ones_do() {
        let term = "sin(x)*2 + (x + 1)^2 - -exp(y)/3 + 2*3 + ";
        let body = term.repeat(600);
        for src in [
            format!("a = x*y\nf = {body}a at x = 0.5, y = 2"),
            format!("{body}x"),
            format!("v = [x, y]\nf = {body}v"),
            format!("f = {body}sqrt(-1)"),
            format!("f = {body}q\nq = 1"),
        ] {
            let p = parse(&src).unwrap();
            let a = build(&src, &p, Options::default());
            let b = build::build_without_stack(&src, &p);
            assert_eq!(a, b, "{}", &src[src.len() - 20..]);
        }
        // The long expression shares x + 1 and folds 2*3.
        let src = format!("f = {body}x");
        let t = trace(&src);
        assert_eq!(t.nodes.iter().filter(|n| n.op == Op::Pow).count(), 1);
        assert!(
            t.nodes
                .iter()
                .all(|n| t.operands(n) != [Operand::Const(2.0), Operand::Const(3.0)])
        );
    }

    /// A row used by many rows (more than are placed near it in the CSE
    /// table) still shares every repeated use, in either order.
    #[test]
    fn sharing_survives_a_row_with_many_users() {
        let n = 100;
        let mut src = String::from("v = sin(x)\n");
        for i in 0..n {
            src += &format!("a{i} = v*{i} + v\n");
        }
        for i in (0..n).rev() {
            src += &format!("b{i} = v*{i} + v\n");
        }
        src += "f = a0 + b1";
        let t = trace(&src);
        // x, v, v*0 … v*99 (rows: only constants fold) and the sums, then f.
        assert_eq!(t.len(), 2 + 2 * n + 1);
        assert_eq!(t.nodes.iter().filter(|n| n.op == Op::Mul).count(), n);
    }

    /// A row taking a row nothing used before is its operand's first user
    /// and never enters the table: a repeat finds it through the operand.
    #[test]
    fn first_users_are_shared() {
        // Each inner row is new when first made; the second statement
        // repeats the first one whole, the third shares only its start.
        let t = trace(
            "a = exp(sin(x)*y) + 1\nb = exp(sin(x)*y) + 1\nc = exp(sin(x)*y) * 2\nf = a + b + c",
        );
        let count = |op: Op| t.nodes.iter().filter(|n| n.op == op).count();
        assert_eq!((count(Op::Sin), count(Op::Exp)), (1, 1));
        assert_eq!((count(Op::Mul), count(Op::Add)), (2, 3));
        // x, y, sin, *, exp, +1, *2, a+b, +c
        assert_eq!(t.len(), 9);
        // A long chain written twice is one chain.
        let chain = "x".to_string() + &" + x".repeat(2000);
        let t = trace(&format!("a = {chain}\nb = {chain}\nf = a*b"));
        assert_eq!(t.len(), 1 + 2000 + 1);
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
        let e = err("v = (x, y); f = v[1]");
        assert!(e.message.contains("tuple can only be the output"));
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
