//! pest → AST. The only module that sees pest types.
//!
//! Each top-level chunk is parsed on its own (see `chunks`), its pairs are
//! turned into arena expressions, and operator precedence is applied to the
//! flat operand/operator sequence of `expr` with an explicit stack (no
//! recursion per operator, so `x+x+…+x` of any length is safe). Recursion
//! happens only per parenthesis level, which `chunks` caps.

use pest::Parser as _;
use pest::error::{ErrorVariant, InputLocation};
use pest::iterators::Pair;

use super::ast::{BinOp, Binding, Definition, Expr, ExprId, ExprKind, Lit, Program, Stmt};
use super::scan::{check_brackets, push_blanked};
use crate::core::diagnostic::{Diagnostic, Span};
use crate::core::intern::Interner;
use crate::core::ops;

mod fast;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/adtrace.pest"]
struct Grammar;

/// Builds one `Program` from the chunks of one source.
pub(super) struct Builder<'s> {
    src: &'s str,
    pub(super) prog: Program,
    /// Names interned as they are parsed: the trace builder then works with
    /// symbol ids only.
    pub(super) names: Interner<'s>,
    /// Operand and operator stacks of `expr`, reused across statements.
    operands: Vec<ExprId>,
    ops: Vec<(Tok, usize)>,
    /// Whether straight-line statements take the fast path (off only to
    /// compare the two paths in tests).
    pub(super) fast: bool,
}

type R<T> = Result<T, Diagnostic>;

impl<'s> Builder<'s> {
    pub(super) fn new(src: &'s str) -> Builder<'s> {
        Builder {
            src,
            names: Interner::default(),
            operands: Vec::new(),
            ops: Vec::new(),
            prog: Program::default(),
            fast: true,
        }
    }

    /// Parse the chunks at `spans` (in order; the first is chunk number
    /// `first` of the source) and add them to the program.
    pub(super) fn chunks_from(&mut self, spans: &[Span], first: usize) -> R<()> {
        /// Bytes of source per pest call: large enough to amortise pest's
        /// per-call cost, small enough to keep its token queue small.
        const BATCH: usize = 32 * 1024;
        let mut i = 0;
        let mut text = String::new();
        let mut offsets: Vec<usize> = Vec::new();
        // Brackets first, for every chunk: their errors come before any
        // other (as they did when a whole batch was checked before pest
        // read it), whichever path then reads the chunk.
        for sp in spans {
            check_brackets(sp.text(self.src), sp.start as usize)?;
        }
        while i < spans.len() {
            // Ctrl-C in the REPL (`core::cancel`), polled every 4096 chunks.
            if i % 4096 == 0 {
                if crate::core::cancel::requested() {
                    return Err(Diagnostic::new(spans[i], "cancelled"));
                }
                // Large programs parse in two parts at once: the first
                // part (from statement 0) speaks for both, in bytes.
                if first == 0 {
                    crate::core::cancel::report(
                        "parsing",
                        2 * spans[i].start as usize,
                        self.src.len(),
                    );
                }
            }
            // A straight-line statement is read by hand; the others go to
            // pest in batches of consecutive chunks.
            if self.fast && self.fast_statement(spans[i], first + i) {
                i += 1;
                continue;
            }
            check_pest_size(spans[i])?;
            text.clear();
            offsets.clear();
            let mut j = i;
            while j < spans.len() && (j == i || text.len() + spans[j].range().len() < BATCH) {
                let chunk = spans[j].text(self.src);
                if j > i && self.fast && fast::accepts(chunk) {
                    break;
                }
                if j > i {
                    check_pest_size(spans[j])?;
                }
                if j > i {
                    // The newline ends a trailing comment before the ';'.
                    text.push_str("\n;");
                }
                offsets.push(text.len());
                push_blanked(&mut text, chunk);
                j += 1;
            }
            match Grammar::parse(Rule::batch, &text) {
                Ok(mut pairs) => {
                    let pieces = pairs.next().into_iter().flat_map(|p| p.into_inner());
                    for (k, piece) in pieces.filter(|p| p.as_rule() == Rule::piece).enumerate() {
                        // Positions in the batch map back to the source by a
                        // per-chunk shift, which may be "negative" (wrapping).
                        let base = (spans[i + k].start as usize).wrapping_sub(offsets[k]);
                        self.piece(piece, first + i + k, base)?;
                    }
                }
                Err(_) => {
                    // Locate the error exactly: parse the batch's chunks one by one.
                    for (k, span) in spans[i..j].iter().enumerate() {
                        let mut chunk = String::new();
                        push_blanked(&mut chunk, span.text(self.src));
                        let chunk = chunk.as_str();
                        let base = span.start as usize;
                        let mut pairs = Grammar::parse(Rule::chunk, chunk)
                            .map_err(|e| pest_error(&e, chunk, base))?;
                        let piece = pairs
                            .next()
                            .into_iter()
                            .flat_map(|p| p.into_inner())
                            .find(|p| p.as_rule() == Rule::piece);
                        if let Some(piece) = piece {
                            self.piece(piece, first + i + k, base)?;
                        }
                    }
                }
            }
            i = j;
        }
        Ok(())
    }

    /// One chunk's parse: a statement, a point, or a statement and a point.
    fn piece(&mut self, piece: Pair<Rule>, index: usize, base: usize) -> R<()> {
        for p in piece.into_inner() {
            if p.as_rule() == Rule::point {
                let span = self.span(&p, base);
                if let Some(prev) = self.prog.point_span {
                    return Err(Diagnostic::new(span, "the point is given twice").with_hint(
                        format!(
                            "give all values in one 'at x = 1, y = 2' (the first is on line {})",
                            crate::core::diagnostic::line_col(self.src, prev.start as usize).0
                        ),
                    ));
                }
                self.prog.point_span = Some(span);
                self.prog.point_chunk = Some(index);
                for b in p.into_inner().filter(|b| b.as_rule() == Rule::binding) {
                    let binding = self.binding(b, base)?;
                    self.prog.point.push(binding);
                }
            } else {
                self.item(p, index, base)?;
            }
        }
        Ok(())
    }

    /// Parse a bare point list (`x = 1, y = 2`, as given to --at).
    pub(super) fn point_list(&mut self) -> R<()> {
        let mut blanked = String::new();
        push_blanked(&mut blanked, self.src);
        let text = blanked.as_str();
        check_brackets(text, 0)?;
        check_pest_size(Span::new(0, text.len()))?;
        let mut pairs =
            Grammar::parse(Rule::point_list, text).map_err(|e| pest_error(&e, text, 0))?;
        let list = pairs.next().into_iter().flat_map(|p| p.into_inner());
        for b in list.filter(|b| b.as_rule() == Rule::binding) {
            let binding = self.binding(b, 0)?;
            self.prog.point.push(binding);
        }
        Ok(())
    }

    fn span(&self, p: &Pair<Rule>, base: usize) -> Span {
        let s = p.as_span();
        // A rule that ends in a repetition keeps the whitespace pest
        // skipped before the repetition failed (in a batch, the newline
        // before the next chunk): a span ends at its last character.
        let text = s.as_str();
        let end = s.start()
            + text
                .trim_end_matches([' ', '\t', '\n', '\u{b}', '\u{c}', '\r'])
                .len();
        Span::new(base.wrapping_add(s.start()), base.wrapping_add(end))
    }

    fn item(&mut self, p: Pair<Rule>, index: usize, base: usize) -> R<()> {
        match p.as_rule() {
            Rule::definition => {
                let mut inner = p.into_inner();
                let name = self.binder(inner.next(), base)?;
                let mut params = Vec::new();
                // Names seen so far: a repeat is found in one lookup, not a
                // scan of the list (80,000 parameters stay linear).
                let mut seen = std::collections::HashSet::new();
                let mut rhs = None;
                for q in inner {
                    if q.as_rule() == Rule::params {
                        for id in q.into_inner() {
                            let sp = self.binder(Some(id), base)?;
                            if !seen.insert(sp.text(self.src)) {
                                return Err(Diagnostic::new(
                                    sp,
                                    format!("parameter '{}' is listed twice", sp.text(self.src)),
                                ));
                            }
                            params.push(sp);
                        }
                    } else {
                        rhs = Some(q);
                    }
                }
                let first = self.prog.exprs.len() as ExprId;
                let value = self.rhs(rhs, base)?;
                let param_syms: Vec<u32> = params.iter().map(|p| self.symbol(*p)).collect();
                // The program's function if it is the last statement, a
                // helper otherwise (decided once the whole program is read).
                self.prog.definition = Some(Definition {
                    name,
                    params: params.clone(),
                    param_syms: param_syms.clone(),
                    chunk: index,
                });
                self.named_stmt(name, value, first, index);
                if let Some(s) = self.prog.stmts.last_mut() {
                    s.params = Some(Box::new((params, param_syms)));
                }
            }
            Rule::assignment => {
                let mut inner = p.into_inner();
                let name = self.binder(inner.next(), base)?;
                let first = self.prog.exprs.len() as ExprId;
                let value = self.rhs(inner.next(), base)?;
                self.named_stmt(name, value, first, index);
            }
            _ => {
                let first = self.prog.exprs.len() as ExprId;
                let value = if p.as_rule() == Rule::tuple {
                    self.rhs(Some(p), base)?
                } else {
                    self.expr(p, base)?
                };
                let start = self.prog.exprs[first as usize..]
                    .iter()
                    .map(|e| e.span.start)
                    .min()
                    .unwrap_or(0);
                self.prog.stmts.push(Stmt {
                    params: None,
                    name: None,
                    sym: u32::MAX,
                    value,
                    first,
                    chunk: index as u32,
                    start,
                });
            }
        }
        Ok(())
    }

    fn named_stmt(&mut self, name: Span, value: ExprId, first: ExprId, index: usize) {
        let sym = self.symbol(name);
        self.prog.stmts.push(Stmt {
            params: None,
            name: Some(name),
            sym,
            value,
            first,
            chunk: index as u32,
            start: name.start,
        });
    }

    fn rhs(&mut self, p: Option<Pair<Rule>>, base: usize) -> R<ExprId> {
        let Some(p) = p else {
            return Err(Diagnostic::new(Span::new(base, base), "missing expression"));
        };
        if p.as_rule() == Rule::tuple {
            let span = self.span(&p, base);
            let mut items = Vec::new();
            for e in p.into_inner() {
                items.push(self.expr(e, base)?);
            }
            let k = self.list(items);
            return Ok(self.push(ExprKind::Tuple(k), span));
        }
        self.expr(p, base)
    }

    /// A name being bound (statement, parameter, point): not a function name.
    fn binder(&self, p: Option<Pair<Rule>>, base: usize) -> R<Span> {
        let Some(p) = p else {
            return Err(Diagnostic::new(Span::new(base, base), "missing name"));
        };
        let span = self.span(&p, base);
        let name = p.as_str();
        if name == "at" {
            return Err(reserved_at(span));
        }
        if ops::function(name).is_some() {
            return Err(Diagnostic::new(
                span,
                format!("'{name}' is a function name and cannot be assigned"),
            )
            .with_hint("choose another name"));
        }
        Ok(span)
    }

    fn binding(&mut self, b: Pair<Rule>, base: usize) -> R<Binding> {
        let mut inner = b.into_inner();
        let name = self.binder(inner.next(), base)?;
        let Some(e) = inner.next() else {
            return Err(Diagnostic::new(name, "missing value"));
        };
        let first = self.prog.exprs.len() as ExprId;
        let value = self.expr(e, base)?;
        let sym = self.symbol(name);
        Ok(Binding {
            name,
            sym,
            value,
            first,
        })
    }

    /// The symbol id of the name at `span`.
    fn symbol(&mut self, span: Span) -> u32 {
        let (id, new) = self.names.intern(span.text(self.src));
        if new {
            self.prog.symbols.push(span);
        }
        id
    }

    /// A list of operands, kept beside the arena (`Program::lists`).
    fn list(&mut self, items: Vec<ExprId>) -> u32 {
        self.prog.lists.push(items);
        (self.prog.lists.len() - 1) as u32
    }

    fn push(&mut self, kind: ExprKind, span: Span) -> ExprId {
        self.prog.exprs.push(Expr { kind, span });
        (self.prog.exprs.len() - 1) as ExprId
    }

    /// `expr`: precedence by an explicit operator stack (shunting-yard).
    /// The two stacks are the builder's, shared by nested expressions
    /// (each uses only what lies above the marks it found), so a statement
    /// costs no allocation.
    fn expr(&mut self, p: Pair<Rule>, base: usize) -> R<ExprId> {
        let marks = (self.operands.len(), self.ops.len());
        let r = self.expr_inner(p, base, marks);
        self.operands.truncate(marks.0);
        self.ops.truncate(marks.1);
        r
    }

    fn expr_inner(&mut self, p: Pair<Rule>, base: usize, (o0, s0): (usize, usize)) -> R<ExprId> {
        let mut items = p.into_inner().peekable();
        while let Some(q) = items.next() {
            let tok = match q.as_rule() {
                Rule::prefix => Tok::Neg,
                Rule::infix => Tok::Bin(match q.as_str() {
                    "+" => BinOp::Add,
                    "-" | "−" => BinOp::Sub,
                    "*" | "·" | "⋅" | "×" => BinOp::Mul,
                    "/" | "÷" => BinOp::Div,
                    "@" => BinOp::MatMul,
                    ".*" => BinOp::EMul,
                    "./" => BinOp::EDiv,
                    ".^" => BinOp::EPow,
                    _ => BinOp::Pow,
                }),
                Rule::transpose | Rule::index | Rule::power => {
                    // Transpose, indexing and superscript powers bind tightest: they apply to the
                    // operand just read.
                    let a = self.operands.pop().filter(|_| self.operands.len() >= o0);
                    let Some(a) = a else {
                        return Err(Diagnostic::new(
                            self.span(&q, base),
                            "nothing to apply this to",
                        ));
                    };
                    let id = self.postfix(a, q, base)?;
                    self.operands.push(id);
                    continue;
                }
                _ => {
                    let args = match items.peek().map(Pair::as_rule) {
                        Some(Rule::args) => items.next(),
                        _ => None,
                    };
                    let id = self.primary(q, args, base)?;
                    self.operands.push(id);
                    continue;
                }
            };
            let at = base.wrapping_add(q.as_span().start());
            if let Tok::Bin(_) = tok {
                while self.ops.len() > s0 {
                    let (top, top_at) = self.ops[self.ops.len() - 1];
                    if !top.pops_before(tok) {
                        break;
                    }
                    self.ops.pop();
                    self.apply(top, top_at, o0)?;
                }
            }
            self.ops.push((tok, at));
        }
        while self.ops.len() > s0 {
            let (top, top_at) = self.ops[self.ops.len() - 1];
            self.ops.pop();
            self.apply(top, top_at, o0)?;
        }
        if self.operands.len() == o0 + 1 {
            Ok(self.operands[o0])
        } else {
            Err(Diagnostic::new(
                Span::new(base, base),
                "malformed expression",
            ))
        }
    }

    /// Apply an operator to the operands above `floor`.
    fn apply(&mut self, tok: Tok, at: usize, floor: usize) -> R<()> {
        let bad = || Diagnostic::new(Span::new(at, at + 1), "operator without an operand");
        let pop = |b: &mut Builder| {
            if b.operands.len() > floor {
                b.operands.pop()
            } else {
                None
            }
        };
        match tok {
            Tok::Neg => {
                let a = pop(self).ok_or_else(bad)?;
                let end = self.prog.exprs[a as usize].span.end as usize;
                let id = self.push(ExprKind::Neg(a), Span::new(at, end));
                self.operands.push(id);
            }
            Tok::Bin(op) => {
                let b = pop(self).ok_or_else(bad)?;
                let a = pop(self).ok_or_else(bad)?;
                let span = Span::new(
                    self.prog.exprs[a as usize].span.start as usize,
                    self.prog.exprs[b as usize].span.end as usize,
                );
                let id = self.push(ExprKind::Binary(op, a, b), span);
                self.operands.push(id);
            }
        }
        Ok(())
    }

    /// `a'`, `a[i]`, `a[i, j]` or `a²`.
    fn postfix(&mut self, a: ExprId, q: Pair<Rule>, base: usize) -> R<ExprId> {
        let span = Span::new(
            self.prog.exprs[a as usize].span.start as usize,
            base.wrapping_add(q.as_span().end()),
        );
        if q.as_rule() == Rule::transpose {
            return Ok(self.push(ExprKind::Transpose(a), span));
        }
        if q.as_rule() == Rule::power {
            // `x²` is `x^2`: the digits are the exponent's number.
            let digits: String = q.as_str().chars().filter_map(superscript_digit).collect();
            let sp = self.span(&q, base);
            let v: f64 = digits
                .parse()
                .map_err(|_| Diagnostic::new(sp, "not a number"))?;
            let n = self.push(ExprKind::Num(Lit::new(v)), sp);
            return Ok(self.push(ExprKind::Binary(BinOp::Pow, a, n), span));
        }
        let mut at = Vec::new();
        for e in q.into_inner() {
            at.push(self.expr(e, base)?);
        }
        let k = self.list(at);
        Ok(self.push(ExprKind::Index(a, k), span))
    }

    /// A primary expression; `args` are the call arguments that followed a
    /// name, if any.
    fn primary(&mut self, p: Pair<Rule>, args: Option<Pair<Rule>>, base: usize) -> R<ExprId> {
        let span = self.span(&p, base);
        if let Some(args) = args {
            let call_span = Span::new(span.start as usize, base.wrapping_add(args.as_span().end()));
            return self.call(p, args, call_span, base);
        }
        match p.as_rule() {
            Rule::number => {
                let v: f64 = p
                    .as_str()
                    .parse()
                    .map_err(|_| Diagnostic::new(span, "not a number"))?;
                if !v.is_finite() {
                    return Err(Diagnostic::new(span, "number too large for a 64-bit float")
                        .with_hint("numbers must be below about 1.8e308"));
                }
                Ok(self.push(ExprKind::Num(Lit::new(v)), span))
            }
            Rule::ident => {
                let name = p.as_str();
                if name == "at" {
                    return Err(reserved_at(span));
                }
                if ops::function(name).is_some() {
                    return Err(Diagnostic::new(span, format!("'{name}' is a function"))
                        .with_hint(format!("call it: {name}(x)")));
                }
                let sym = self.symbol(span);
                Ok(self.push(ExprKind::Name(sym), span))
            }
            Rule::brackets => {
                let mut items = Vec::new();
                for e in p.into_inner() {
                    items.push(self.expr(e, base)?);
                }
                if items.is_empty() {
                    return Err(Diagnostic::new(span, "an empty vector")
                        .with_hint("write its entries, e.g. [1, 2]"));
                }
                let k = self.list(items);
                Ok(self.push(ExprKind::Vector(k), span))
            }
            Rule::paren => {
                let inner = p.into_inner().next();
                match inner {
                    Some(e) => {
                        let id = self.expr(e, base)?;
                        // The parenthesised expression's span includes the
                        // parentheses, so carets cover what the user wrote;
                        // a name's span stays its text.
                        let e = &mut self.prog.exprs[id as usize];
                        if !matches!(e.kind, ExprKind::Name(_)) {
                            e.span = span;
                        }
                        Ok(id)
                    }
                    None => Err(Diagnostic::new(span, "empty parentheses")),
                }
            }
            _ => Err(Diagnostic::new(span, "unexpected input")),
        }
    }

    fn call(&mut self, fname: Pair<Rule>, args: Pair<Rule>, span: Span, base: usize) -> R<ExprId> {
        let fspan = self.span(&fname, base);
        let name = fname.as_str();
        let args: Vec<Pair<Rule>> = args.into_inner().collect();
        let n = args.len();
        let arity = match ops::function(name) {
            Some(_) => Some(1),
            None => builtin_arity(name),
        };
        if let Some(want) = arity
            && n != want
        {
            let what = if want == 1 {
                "one argument"
            } else {
                "two arguments"
            };
            let d = Diagnostic::new(span, format!("{name} takes {what}, not {n}"));
            // `log(x, 2)`: a base, as some calculators take.
            return Err(if matches!(name, "log" | "ln") && n == 2 {
                d.with_hint(format!(
                    "{name} is the natural logarithm; for another base b write ln(x)/ln(b)"
                ))
            } else {
                d
            });
        }
        let mut ids = Vec::with_capacity(n);
        for e in args {
            ids.push(self.expr(e, base)?);
        }
        match ops::function(name) {
            Some(op) => Ok(self.push(ExprKind::Call(op, ids[0]), span)),
            // A helper or a built-in on vectors: resolved when lowered,
            // where the helpers defined so far are known.
            None => {
                let sym = self.symbol(fspan);
                let apply = super::ast::Apply {
                    name: fspan,
                    sym,
                    args: ids,
                };
                self.prog.applies.push(apply);
                let k = (self.prog.applies.len() - 1) as u32;
                Ok(self.push(ExprKind::Apply(k), span))
            }
        }
    }
}

/// The built-in functions on vectors and matrices, and how many arguments
/// they take.
pub const BUILTINS: &[(&str, usize)] = &[
    ("sum", 1),
    ("mean", 1),
    ("norm", 1),
    ("transpose", 1),
    ("dot", 2),
    ("solve", 2),
];

fn builtin_arity(name: &str) -> Option<usize> {
    BUILTINS.iter().find(|(n, _)| *n == name).map(|&(_, k)| k)
}

fn reserved_at(span: Span) -> Diagnostic {
    Diagnostic::new(span, "'at' is a reserved word")
        .with_hint("'at' starts the point, as in 'at x = 1'; choose another name")
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tok {
    Neg,
    Bin(BinOp),
}

impl Tok {
    /// Precedence: + − 1, * / @ .* ./ 2, unary minus 3, ^ .^ 4 (so −x^2
    /// is −(x^2)).
    fn prec(self) -> u8 {
        match self {
            Tok::Bin(BinOp::Add | BinOp::Sub) => 1,
            Tok::Bin(BinOp::Mul | BinOp::Div | BinOp::MatMul | BinOp::EMul | BinOp::EDiv) => 2,
            Tok::Neg => 3,
            Tok::Bin(BinOp::Pow | BinOp::EPow) => 4,
        }
    }
    /// Whether `self`, on top of the stack, is applied before pushing `next`.
    fn pops_before(self, next: Tok) -> bool {
        let right_assoc = matches!(next, Tok::Bin(BinOp::Pow | BinOp::EPow));
        self.prec() > next.prec() || (self.prec() == next.prec() && !right_assoc)
    }
}

fn describe(rule: Rule) -> &'static str {
    match rule {
        Rule::infix => "an operator (+ - * / ^)",
        Rule::point | Rule::kw_at => "'at'",
        Rule::EOI => "the end of the statement",
        Rule::ident | Rule::params => "a name",
        Rule::number => "a number",
        Rule::binding => "a binding like x = 1",
        _ => "an expression",
    }
}

/// Longest statement (or point list) pest reads. pest's token queue costs
/// about 100 bytes per source byte, so a 100 MB statement would need
/// 10 GB; this caps it near 400 MB. Straight-line statements (the fast
/// path) never reach pest and have no cap.
pub const MAX_PEST_STATEMENT: usize = 4 << 20;

/// A located error for a chunk too long for pest.
fn check_pest_size(sp: Span) -> R<()> {
    let len = sp.range().len();
    if len <= MAX_PEST_STATEMENT {
        return Ok(());
    }
    let start = sp.start as usize;
    Err(Diagnostic::new(
        Span::new(start, start + 1),
        format!(
            "statement of {:.1} MB is longer than the {} MB allowed for it",
            len as f64 / (1 << 20) as f64,
            MAX_PEST_STATEMENT >> 20
        ),
    )
    .with_hint(
        "split it into named statements (a = …; b = …); a straight-line statement of names, numbers, operators and function calls, with its point on a line of its own, has no limit",
    ))
}

fn pest_error(e: &pest::error::Error<Rule>, text: &str, base: usize) -> Diagnostic {
    let pos = match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let mut expected: Vec<&str> = Vec::new();
    if let ErrorVariant::ParsingError { positives, .. } = &e.variant {
        for r in positives {
            let d = describe(*r);
            if !expected.contains(&d) {
                expected.push(d);
            }
        }
    }
    let found = text[pos..].chars().next();
    let end = pos + found.map_or(0, char::len_utf8);
    let found_text = match found {
        None => "the end of the input".to_string(),
        Some('\0') => "a NUL byte".to_string(),
        Some(c) if c.is_control() => format!("control character U+{:04X}", c as u32),
        Some(c) => format!("'{c}'"),
    };
    let msg = if expected.is_empty() {
        format!("unexpected {found_text}")
    } else {
        format!("expected {}, found {found_text}", join_or(&expected))
    };
    let d = Diagnostic::new(Span::new(base + pos, base + end), msg);
    // `2x`: a number directly followed by a name.
    let before = text[..pos].chars().next_back();
    if let (Some(b), Some(c)) = (before, found)
        && (b.is_ascii_digit() || b == '.')
        && (c.is_alphabetic() || c == '_')
    {
        let num_start = text[..pos]
            .rfind(|ch: char| !(ch.is_ascii_digit() || ch == '.'))
            .map_or(0, |i| i + 1);
        let name_end = text[pos..]
            .find(|ch: char| !(ch.is_alphanumeric() || ch == '_'))
            .map_or(text.len(), |i| pos + i);
        let (num, name) = (&text[num_start..pos], &text[pos..name_end]);
        return Diagnostic::new(
            Span::new(base + num_start, base + name_end),
            format!("'{num}{name}' is not a number or a name"),
        )
        .with_hint(format!("write {num}*{name}"));
    }
    let starts_with_at = text
        .trim_start()
        .strip_prefix("at")
        .is_some_and(|r| r.trim_start().starts_with('='));
    match found {
        Some('=') if starts_with_at => d.with_hint(
            "'at' is a reserved word (it starts the point, as in 'at x = 1'); choose another name",
        ),
        Some('=') => d.with_hint(
            "a statement is 'name = expression'; to compare, there is no '==' in this language",
        ),
        // A ';' the chunker left inside a bracket (MATLAB's `[x; y]`).
        Some(';') if super::scan::innermost_open(&text[..pos]) == Some(b'[') => d.with_hint(
            "';' ends a statement, so it cannot stand inside [ ]: separate the entries with ',', and write a matrix by rows, [[a, b], [c, d]]",
        ),
        Some(';') => d.with_hint(
            "';' ends a statement, so it cannot stand inside ( ): separate a function's arguments with ','",
        ),
        Some('|') => d.with_hint("for the absolute value |a| write abs(a)"),
        Some(',') => d.with_hint(
            "separate statements with ';' or a new line; ',' separates the values of a point",
        ),
        // `at θ² = 3`: a name then a superscript, where a name is bound.
        Some(c)
            if (c.is_alphabetic() || c == '_') && expected.contains(&describe(Rule::binding)) =>
        {
            let rest = &text[pos..];
            let name_len = rest
                .find(|ch: char| {
                    !(ch.is_alphanumeric() || ch == '_') || superscript_digit(ch).is_some()
                })
                .unwrap_or(rest.len());
            match rest[name_len..].chars().next() {
                Some(sup) if superscript_digit(sup).is_some() => d.with_hint(format!(
                    "superscript digits are powers ('{}{sup}' is {}^{}); a point binds a name, as in 'at {} = 3'",
                    &rest[..name_len],
                    &rest[..name_len],
                    superscript_digit(sup).unwrap_or('2'),
                    &rest[..name_len],
                )),
                _ => d,
            }
        }
        _ => d,
    }
}

fn join_or(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// The ASCII digit a superscript digit stands for.
fn superscript_digit(c: char) -> Option<char> {
    let d = match c {
        '⁰' => 0,
        '¹' => 1,
        '²' => 2,
        '³' => 3,
        '⁴'..='⁹' => c as u32 - '⁴' as u32 + 4,
        _ => return None,
    };
    char::from_digit(d, 10)
}
