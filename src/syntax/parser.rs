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

use super::ast::{BinOp, Binding, Definition, Expr, ExprId, ExprKind, Program, Stmt};
use crate::diagnostic::{Diagnostic, Span, did_you_mean};
use crate::ops::{self, FUNCTIONS};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/adtrace.pest"]
struct Grammar;

/// Builds one `Program` from the chunks of one source.
pub(super) struct Builder<'s> {
    src: &'s str,
    pub(super) prog: Program,
}

type R<T> = Result<T, Diagnostic>;

impl<'s> Builder<'s> {
    pub(super) fn new(src: &'s str) -> Builder<'s> {
        Builder {
            src,
            prog: Program::default(),
        }
    }

    /// Parse the chunk at `span` of the source and add it to the program.
    pub(super) fn chunk(&mut self, span: Span) -> R<()> {
        let base = span.start as usize;
        let text = span.text(self.src);
        check_parens(text, base)?;
        let mut pairs =
            Grammar::parse(Rule::chunk, text).map_err(|e| pest_error(&e, text, base))?;
        let chunk = pairs.next().into_iter().flat_map(|p| p.into_inner());
        for p in chunk {
            match p.as_rule() {
                Rule::point => {
                    if self.prog.point_span.is_some() {
                        return Err(Diagnostic::new(
                            self.span(&p, base),
                            "the point is given twice",
                        )
                        .with_hint("give all values in one 'at x = 1, y = 2'"));
                    }
                    self.prog.point_span = Some(self.span(&p, base));
                    for b in p.into_inner().filter(|b| b.as_rule() == Rule::binding) {
                        let binding = self.binding(b, base)?;
                        self.prog.point.push(binding);
                    }
                }
                Rule::EOI => {}
                _ => {
                    if let Some(at) = self.prog.point_span {
                        return Err(Diagnostic::new(
                            self.span(&p, base),
                            "a statement after the point",
                        )
                        .with_hint(
                            format!(
                                "the point ('at …', at {}) must come last",
                                crate::diagnostic::line_col(self.src, at.start as usize).0
                            )
                            .replace("at 1", "line 1"),
                        ));
                    }
                    if let Some(def) = &self.prog.definition {
                        return Err(Diagnostic::new(
                            self.span(&p, base),
                            "a statement after the function definition",
                        )
                        .with_hint(format!(
                            "the definition of '{}' must be the last statement",
                            def.name.text(self.src)
                        )));
                    }
                    self.item(p, base)?;
                }
            }
        }
        Ok(())
    }

    /// Parse a bare point list (`x = 1, y = 2`, as given to --at).
    pub(super) fn point_list(&mut self) -> R<()> {
        let text = self.src;
        check_parens(text, 0)?;
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
        Span::new(base + s.start(), base + s.end())
    }

    fn item(&mut self, p: Pair<Rule>, base: usize) -> R<()> {
        match p.as_rule() {
            Rule::definition => {
                let mut inner = p.into_inner();
                let name = self.binder(inner.next(), base)?;
                let mut params = Vec::new();
                let mut rhs = None;
                for q in inner {
                    if q.as_rule() == Rule::params {
                        for id in q.into_inner() {
                            let sp = self.binder(Some(id), base)?;
                            if let Some(prev) = params
                                .iter()
                                .find(|s: &&Span| s.text(self.src) == sp.text(self.src))
                            {
                                let _ = prev;
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
                self.prog.definition = Some(Definition { name, params });
                self.prog.stmts.push(Stmt {
                    name: Some(name),
                    value,
                    first,
                });
            }
            Rule::assignment => {
                let mut inner = p.into_inner();
                let name = self.binder(inner.next(), base)?;
                let first = self.prog.exprs.len() as ExprId;
                let value = self.rhs(inner.next(), base)?;
                self.prog.stmts.push(Stmt {
                    name: Some(name),
                    value,
                    first,
                });
            }
            _ => {
                let first = self.prog.exprs.len() as ExprId;
                let value = self.expr(p, base)?;
                self.prog.stmts.push(Stmt {
                    name: None,
                    value,
                    first,
                });
            }
        }
        Ok(())
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
            return Ok(self.push(ExprKind::Tuple(items), span));
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
        Ok(Binding { name, value, first })
    }

    fn push(&mut self, kind: ExprKind, span: Span) -> ExprId {
        self.prog.exprs.push(Expr { kind, span });
        (self.prog.exprs.len() - 1) as ExprId
    }

    /// `expr`: precedence by an explicit operator stack (shunting-yard).
    fn expr(&mut self, p: Pair<Rule>, base: usize) -> R<ExprId> {
        let mut operands: Vec<ExprId> = Vec::new();
        let mut stack: Vec<(Tok, usize)> = Vec::new();
        for q in p.into_inner() {
            let tok = match q.as_rule() {
                Rule::neg => Tok::Neg,
                Rule::add => Tok::Bin(BinOp::Add),
                Rule::sub => Tok::Bin(BinOp::Sub),
                Rule::mul => Tok::Bin(BinOp::Mul),
                Rule::div => Tok::Bin(BinOp::Div),
                Rule::pow => Tok::Bin(BinOp::Pow),
                _ => {
                    let id = self.primary(q, base)?;
                    operands.push(id);
                    continue;
                }
            };
            let at = base + q.as_span().start();
            if let Tok::Bin(_) = tok {
                while let Some(&(top, top_at)) = stack.last() {
                    if !top.pops_before(tok) {
                        break;
                    }
                    stack.pop();
                    self.apply(top, top_at, &mut operands)?;
                }
            }
            stack.push((tok, at));
        }
        while let Some((top, top_at)) = stack.pop() {
            self.apply(top, top_at, &mut operands)?;
        }
        match (operands.pop(), operands.is_empty()) {
            (Some(id), true) => Ok(id),
            _ => Err(Diagnostic::new(
                Span::new(base, base),
                "malformed expression",
            )),
        }
    }

    fn apply(&mut self, tok: Tok, at: usize, operands: &mut Vec<ExprId>) -> R<()> {
        let bad = || Diagnostic::new(Span::new(at, at + 1), "operator without an operand");
        match tok {
            Tok::Neg => {
                let a = operands.pop().ok_or_else(bad)?;
                let end = self.prog.exprs[a as usize].span.end as usize;
                let id = self.push(ExprKind::Neg(a), Span::new(at, end));
                operands.push(id);
            }
            Tok::Bin(op) => {
                let b = operands.pop().ok_or_else(bad)?;
                let a = operands.pop().ok_or_else(bad)?;
                let span = Span::new(
                    self.prog.exprs[a as usize].span.start as usize,
                    self.prog.exprs[b as usize].span.end as usize,
                );
                let id = self.push(ExprKind::Binary(op, a, b), span);
                operands.push(id);
            }
        }
        Ok(())
    }

    fn primary(&mut self, p: Pair<Rule>, base: usize) -> R<ExprId> {
        let span = self.span(&p, base);
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
                Ok(self.push(ExprKind::Num(v), span))
            }
            Rule::ident => {
                let name = p.as_str();
                if ops::function(name).is_some() {
                    return Err(Diagnostic::new(span, format!("'{name}' is a function"))
                        .with_hint(format!("call it: {name}(x)")));
                }
                Ok(self.push(ExprKind::Name, span))
            }
            Rule::paren => {
                let inner = p.into_inner().next();
                match inner {
                    Some(e) => {
                        let id = self.expr(e, base)?;
                        // The parenthesised expression's span includes the
                        // parentheses, so carets cover what the user wrote.
                        self.prog.exprs[id as usize].span = span;
                        Ok(id)
                    }
                    None => Err(Diagnostic::new(span, "empty parentheses")),
                }
            }
            Rule::call => {
                let mut inner = p.into_inner();
                let Some(fname) = inner.next() else {
                    return Err(Diagnostic::new(span, "malformed call"));
                };
                let fspan = self.span(&fname, base);
                let name = fname.as_str();
                let Some(op) = ops::function(name) else {
                    let names = FUNCTIONS.iter().map(|(n, _)| *n);
                    let d = Diagnostic::new(fspan, format!("unknown function '{name}'"));
                    return Err(match did_you_mean(name, names) {
                        Some(m) => d.with_hint(format!("did you mean '{m}'?")),
                        None => d.with_hint(format!(
                            "the functions are {}; for a product write {name}*(…)",
                            FUNCTIONS
                                .iter()
                                .map(|(n, _)| *n)
                                .collect::<Vec<_>>()
                                .join(", ")
                        )),
                    });
                };
                let args: Vec<Pair<Rule>> = inner.collect();
                if args.len() != 1 {
                    return Err(Diagnostic::new(
                        span,
                        format!("{name} takes one argument, not {}", args.len()),
                    ));
                }
                let mut a = 0;
                for e in args {
                    a = self.expr(e, base)?;
                }
                Ok(self.push(ExprKind::Call(op, a), span))
            }
            Rule::implicit_mul => {
                let text = p.as_str();
                let split = text
                    .find(|c: char| c.is_alphabetic() || c == '_')
                    .unwrap_or(text.len());
                let (num, name) = text.split_at(split);
                // `2e` is a number followed by the name e, not an exponent.
                Err(
                    Diagnostic::new(span, format!("'{text}' is not a number or a name"))
                        .with_hint(format!("write {num}*{name}")),
                )
            }
            _ => Err(Diagnostic::new(span, "unexpected input")),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tok {
    Neg,
    Bin(BinOp),
}

impl Tok {
    /// Precedence: + − 1, * / 2, unary minus 3, ^ 4 (so −x^2 is −(x^2)).
    fn prec(self) -> u8 {
        match self {
            Tok::Bin(BinOp::Add | BinOp::Sub) => 1,
            Tok::Bin(BinOp::Mul | BinOp::Div) => 2,
            Tok::Neg => 3,
            Tok::Bin(BinOp::Pow) => 4,
        }
    }
    /// Whether `self`, on top of the stack, is applied before pushing `next`.
    fn pops_before(self, next: Tok) -> bool {
        let right_assoc = next == Tok::Bin(BinOp::Pow);
        self.prec() > next.prec() || (self.prec() == next.prec() && !right_assoc)
    }
}

/// Unbalanced parentheses get their own message: pest would only say which
/// operators it expected.
fn check_parens(text: &str, base: usize) -> R<()> {
    let mut open: Vec<usize> = Vec::new();
    let mut in_comment = false;
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'\n' => in_comment = false,
            _ if in_comment => {}
            b'#' => in_comment = true,
            b'(' => open.push(i),
            b')' if open.pop().is_none() => {
                return Err(
                    Diagnostic::new(Span::new(base + i, base + i + 1), "unmatched ')'")
                        .with_hint("remove it, or add the '(' it closes"),
                );
            }
            _ => {}
        }
    }
    if let Some(&i) = open.last() {
        return Err(
            Diagnostic::new(Span::new(base + i, base + i + 1), "unclosed '('")
                .with_hint("add a ')'"),
        );
    }
    Ok(())
}

fn describe(rule: Rule) -> &'static str {
    match rule {
        Rule::add | Rule::sub | Rule::mul | Rule::div | Rule::pow => "an operator (+ - * / ^)",
        Rule::point | Rule::kw_at => "'at'",
        Rule::EOI => "the end of the statement",
        Rule::ident | Rule::params => "a name",
        Rule::number => "a number",
        Rule::binding => "a binding like x = 1",
        _ => "an expression",
    }
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
        Some(',') => d.with_hint(
            "separate statements with ';' or a new line; ',' separates the values of a point",
        ),
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
