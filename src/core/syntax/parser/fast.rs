//! The straight-line fast path: a statement made only of ASCII names,
//! numbers, `+ - * / ^ **`, unary minus, parentheses and one-argument calls
//! of the known functions (`v12 = sin(v3)*v4 + 0.5`, the bulk of a large
//! program) is read here by hand, without pest, into exactly the arena
//! expressions the grammar's path would build.
//!
//! It owns no language: anything outside that subset — and anything the
//! grammar would reject or the builder would report — makes it decline, and
//! the statement goes to pest (the grammar of record), which gives the same
//! result or the located error. A statement is built as it is scanned;
//! one declined part-way is undone (its expressions, names and stacks
//! truncated), so declining has no side effect.
//! `tests` compares both paths on random statements.

use super::{Builder, Tok};
use crate::core::diagnostic::Span;
use crate::core::ops::{self, Op};
use crate::core::syntax::ast::{BinOp, ExprKind, Lit, Stmt};

/// One token of an accepted statement (positions in the chunk).
#[derive(Clone, Copy, Debug)]
pub(super) enum T {
    Num(f64, u32, u32),
    Name(u32, u32),
    /// `sin(`: the function, where its name starts, and the `(`.
    Call(Op, u32),
    Open(u32),
    /// `)`, at its position.
    Close(u32),
    Neg(u32),
    Bin(BinOp, u32),
}

/// The tokens of a statement the fast path accepts, given to `emit` in
/// order, and the name it assigns (`name = …`), if any; None to leave it
/// to pest (after some tokens, perhaps: a caller that builds undoes them).
fn scan(text: &str, mut emit: impl FnMut(T)) -> Option<Option<(u32, u32)>> {
    let b = text.as_bytes();
    let n = b.len();
    let ws = |c: u8| c == b' ' || (b'\t'..=b'\r').contains(&c);
    let start_ident = |c: u8| c.is_ascii_alphabetic() || c == b'_';
    let in_ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let skip = |mut i: usize| {
        while i < n && ws(b[i]) {
            i += 1;
        }
        i
    };
    let ident_end = |mut i: usize| {
        while i < n && in_ident(b[i]) {
            i += 1;
        }
        i
    };
    if !text.is_ascii() || b.contains(&b'#') {
        return None;
    }
    // `name = …`: an assignment (a name that can be bound, then one `=`).
    let mut i = skip(0);
    let mut target = None;
    if i < n && start_ident(b[i]) {
        let e = ident_end(i);
        let j = skip(e);
        if j < n && b[j] == b'=' {
            let name = &text[i..e];
            if name == "at" || ops::function(name).is_some() {
                return None;
            }
            target = Some((i as u32, e as u32));
            i = j + 1;
        }
    }
    // Then an expression: operands and operators alternate; `(` opens a
    // parenthesis or a call's argument, each closed by its `)`.
    let mut depth = 0usize;
    let mut want_operand = true;
    loop {
        i = skip(i);
        if i >= n {
            break;
        }
        let c = b[i];
        if want_operand {
            if c == b'-' {
                emit(T::Neg(i as u32));
                i += 1;
            } else if c == b'(' {
                emit(T::Open(i as u32));
                depth += 1;
                i += 1;
            } else if c.is_ascii_digit() || (c == b'.' && i + 1 < n && b[i + 1].is_ascii_digit()) {
                let e = number_end(b, i);
                // A name right after a number (`2x`) is the grammar's error.
                if e < n && in_ident(b[e]) {
                    return None;
                }
                let v: f64 = text[i..e].parse().ok()?;
                if !v.is_finite() {
                    return None;
                }
                emit(T::Num(v, i as u32, e as u32));
                i = e;
                want_operand = false;
            } else if start_ident(c) {
                let e = ident_end(i);
                let name = &text[i..e];
                if name == "at" {
                    return None;
                }
                let j = skip(e);
                if j < n && b[j] == b'(' {
                    // Only the known one-argument functions; helpers and
                    // built-ins on vectors go to the grammar's path.
                    let op = ops::function(name)?;
                    emit(T::Call(op, i as u32));
                    depth += 1;
                    i = j + 1;
                } else {
                    if ops::function(name).is_some() {
                        return None;
                    }
                    emit(T::Name(i as u32, e as u32));
                    i = e;
                    want_operand = false;
                }
            } else {
                return None;
            }
        } else {
            let (op, len) = match (c, b.get(i + 1)) {
                (b'*', Some(b'*')) => (BinOp::Pow, 2),
                (b'+', _) => (BinOp::Add, 1),
                (b'-', _) => (BinOp::Sub, 1),
                (b'*', _) => (BinOp::Mul, 1),
                (b'/', _) => (BinOp::Div, 1),
                (b'^', _) => (BinOp::Pow, 1),
                (b')', _) if depth > 0 => {
                    emit(T::Close(i as u32));
                    depth -= 1;
                    i += 1;
                    continue;
                }
                _ => return None,
            };
            emit(T::Bin(op, i as u32));
            i += len;
            want_operand = true;
        }
    }
    (depth == 0 && !want_operand).then_some(target)
}

/// Where the number starting at `i` ends, as the grammar reads it:
/// digits, a `.` and digits (but not the `.` of `.*`, `./`, `.^`), an
/// exponent with at least one digit.
fn number_end(b: &[u8], mut i: usize) -> usize {
    let n = b.len();
    let digits = |mut i: usize| {
        while i < n && b[i].is_ascii_digit() {
            i += 1;
        }
        i
    };
    if b[i] == b'.' {
        i = digits(i + 1);
    } else {
        i = digits(i);
        if i < n && b[i] == b'.' && !matches!(b.get(i + 1), Some(b'*' | b'/' | b'^')) {
            i = digits(i + 1);
        }
    }
    if i < n && (b[i] == b'e' || b[i] == b'E') {
        let mut j = i + 1;
        if j < n && (b[j] == b'+' || b[j] == b'-') {
            j += 1;
        }
        if j < n && b[j].is_ascii_digit() {
            i = digits(j);
        }
    }
    i
}

/// Whether the fast path reads this chunk (no side effect).
pub(super) fn accepts(text: &str) -> bool {
    scan(text, |_| {}).is_some()
}

/// Statements at least this long (bytes) are scanned on a second thread
/// while their tokens are built (`scan_beside`).
const PIPELINED: usize = 1 << 20;

/// `scan`, run on another thread, its tokens handed to `emit` on this one
/// in blocks: the two halves of reading a long statement on two cores.
/// The same tokens in the same order, and the same answer.
fn scan_beside(text: &str, mut emit: impl FnMut(T)) -> Option<Option<(u32, u32)>> {
    const BLOCK: usize = 8192;
    std::thread::scope(|sc| {
        // Two blocks in flight at most; emptied blocks go back for reuse.
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<T>>(2);
        let (back, spare) = std::sync::mpsc::channel::<Vec<T>>();
        let scanner = sc.spawn(move || {
            let mut block = Vec::with_capacity(BLOCK);
            let mut stopped = false;
            let r = scan(text, |t| {
                if stopped {
                    return;
                }
                block.push(t);
                if block.len() == BLOCK {
                    let next = spare
                        .try_recv()
                        .unwrap_or_else(|_| Vec::with_capacity(BLOCK));
                    // The builder only stops early by panicking.
                    stopped = tx.send(std::mem::replace(&mut block, next)).is_err();
                }
            });
            let _ = tx.send(block);
            r
        });
        for mut block in rx {
            block.drain(..).for_each(&mut emit);
            let _ = back.send(block);
        }
        scanner
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e))
    })
}

/// The state of building one statement from its tokens.
struct Building {
    base: usize,
    /// Each open parenthesis: what it is, and the stack marks of the
    /// expression inside (a nested `expr` on the grammar's path).
    opens: Vec<(Open, (usize, usize))>,
    floor: (usize, usize),
}

/// What an open parenthesis of the statement is.
#[derive(Clone, Copy)]
enum Open {
    Paren(usize),
    Call(Op, usize),
}

impl Builder<'_> {
    /// Read the chunk at `span` (chunk number `index`) by the fast path;
    /// false (with nothing changed) to leave it to pest.
    pub(super) fn fast_statement(&mut self, span: Span, index: usize) -> bool {
        let text = span.text(self.src);
        let base = span.start as usize;
        let first = self.prog.exprs.len() as u32;
        let marks = (self.operands.len(), self.ops.len());
        let (names, symbols) = (self.names.count(), self.prog.symbols.len());
        let mut st = Building {
            base,
            opens: Vec::new(),
            floor: marks,
        };
        // Built as it is scanned (one pass over a 10 MB statement, not
        // two); a statement declined part-way is undone whole. A long one
        // is scanned on another thread, its tokens built here as they come.
        let target = if text.len() >= PIPELINED {
            scan_beside(text, |t| self.fast_token(t, &mut st))
        } else {
            scan(text, |t| self.fast_token(t, &mut st))
        };
        let Some(target) = target else {
            self.prog.exprs.truncate(first as usize);
            self.operands.truncate(marks.0);
            self.ops.truncate(marks.1);
            self.names.truncate(names);
            self.prog.symbols.truncate(symbols);
            return false;
        };
        let at = |p: u32| base + p as usize;
        let value = self.fast_finish(marks);
        self.operands.truncate(marks.0);
        self.ops.truncate(marks.1);
        match target {
            Some((s, e)) => self.named_stmt(Span::new(at(s), at(e)), value, first, index),
            None => {
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
        true
    }

    /// Build one token of a scanned statement.
    fn fast_token(&mut self, t: T, st: &mut Building) {
        let at = |p: u32| st.base + p as usize;
        match t {
            T::Num(v, s, e) => {
                let id = self.push(ExprKind::Num(Lit::new(v)), Span::new(at(s), at(e)));
                self.operands.push(id);
            }
            T::Name(s, e) => {
                let sp = Span::new(at(s), at(e));
                let sym = self.symbol(sp);
                let id = self.push(ExprKind::Name(sym), sp);
                self.operands.push(id);
            }
            T::Neg(p) => self.ops.push((Tok::Neg, at(p))),
            T::Bin(op, p) => {
                let tok = Tok::Bin(op);
                while self.ops.len() > st.floor.1 {
                    let (top, top_at) = self.ops[self.ops.len() - 1];
                    if !top.pops_before(tok) {
                        break;
                    }
                    self.ops.pop();
                    self.fast_apply(top, top_at);
                }
                self.ops.push((tok, at(p)));
            }
            T::Open(p) => {
                st.opens.push((Open::Paren(at(p)), st.floor));
                st.floor = (self.operands.len(), self.ops.len());
            }
            T::Call(op, p) => {
                st.opens.push((Open::Call(op, at(p)), st.floor));
                st.floor = (self.operands.len(), self.ops.len());
            }
            T::Close(p) => {
                let inner = self.fast_finish(st.floor);
                let Some((open, outer)) = st.opens.pop() else {
                    return;
                };
                st.floor = outer;
                let end = at(p) + 1;
                let id = match open {
                    Open::Paren(s) => {
                        let e = &mut self.prog.exprs[inner as usize];
                        if !matches!(e.kind, ExprKind::Name(_)) {
                            e.span = Span::new(s, end);
                        }
                        inner
                    }
                    Open::Call(op, s) => self.push(ExprKind::Call(op, inner), Span::new(s, end)),
                };
                self.operands.push(id);
            }
        }
    }

    /// Apply the operators above `floor` and take the expression's value
    /// (scan has checked the statement is well formed).
    fn fast_finish(&mut self, floor: (usize, usize)) -> u32 {
        while self.ops.len() > floor.1 {
            let (top, top_at) = self.ops[self.ops.len() - 1];
            self.ops.pop();
            self.fast_apply(top, top_at);
        }
        let v = self.operands.get(floor.0).copied().unwrap_or(0);
        self.operands.truncate(floor.0);
        v
    }

    fn fast_apply(&mut self, tok: Tok, at: usize) {
        // `apply` cannot fail on a scanned statement (operands and
        // operators alternate); its error is the grammar path's anyway.
        let _ = self.apply(tok, at, 0);
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use crate::core::syntax::{parse, parse_without_fast_path};

    /// Statements in and around the fast path's subset: names, numbers
    /// (with `.`, exponents, `1./x`), calls of functions and helpers,
    /// parentheses, all operators, vectors, tuples, points, comments,
    /// Unicode names and superscripts, and broken ones.
    fn atom() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-c][0-9]?",
            "x",
            "θ",
            "at",
            "sin",
            "[0-9]{1,3}",
            "[0-9]\\.[0-9]{0,2}",
            "\\.[0-9]",
            "[0-9]e[+-]?[0-9]",
            "[0-9]e",
            "1e999",
            "[0-9]\\.",
        ]
    }

    fn expr() -> impl Strategy<Value = String> {
        let leaf = atom();
        leaf.prop_recursive(4, 24, 3, |inner| {
            prop_oneof![
                (
                    inner.clone(),
                    prop::sample::select(vec![
                        " + ", "-", "*", " / ", "^", "**", " .* ", "./", "@", " ", ", ", "'", "2",
                    ]),
                    inner.clone()
                )
                    .prop_map(|(a, o, b)| format!("{a}{o}{b}")),
                inner.clone().prop_map(|a| format!("-{a}")),
                inner.clone().prop_map(|a| format!("({a})")),
                (
                    prop::sample::select(vec![
                        "sin", "exp", "sqrt", "f", "sum", "ln", "max", "tan "
                    ]),
                    inner.clone()
                )
                    .prop_map(|(f, a)| format!("{f}({a})")),
                inner.clone().prop_map(|a| format!("[{a}]")),
                inner.clone().prop_map(|a| format!("{a}[1]")),
                inner.clone().prop_map(|a| format!("{a}²")),
                inner.clone().prop_map(|a| format!("{a} # note")),
                inner.clone().prop_map(|a| format!("{a} at x = 1")),
                inner.prop_map(|a| format!("({a}")),
            ]
        })
    }

    fn program() -> impl Strategy<Value = String> {
        prop::collection::vec(
            (
                prop::sample::select(vec![
                    "", "v = ", "w1 = ", "at = ", "sin = ", "f(x) = ", "v == ",
                ]),
                expr(),
            )
                .prop_map(|(l, e)| format!("{l}{e}")),
            1..6,
        )
        .prop_map(|s| s.join("\n"))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// The fast path reads exactly what the grammar reads: the same
        /// program (arena, spans, symbols, statements), or the same error.
        #[test]
        fn the_fast_path_agrees_with_the_grammar(src in program()) {
            let fast = parse(&src);
            let slow = parse_without_fast_path(&src);
            match (fast, slow) {
                (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
                (Err(a), Err(b)) => prop_assert_eq!(a, b),
                (a, b) => prop_assert!(false, "{src:?}: {a:?} vs {b:?}"),
            }
        }
    }

    /// Long statements, and ones the fast path declines at their very end
    /// (after building all of it): the same program as the grammar's.
    #[test]
    fn long_statements_read_the_same() {
        let term = "(sin(x)*-2.5e-1 + y^2**3)/3 - -(z) + ";
        let body = term.repeat((super::PIPELINED + 1000) / term.len());
        for src in [
            format!("f = {body}x\nat x = 1, y = 2, z = 3"),
            format!("{body}x"),
            // A long statement the fast path declines at its very end.
            format!("f = {body}x'"),
        ] {
            assert_eq!(parse(&src), parse_without_fast_path(&src));
        }
        assert!(parse(&format!("{body}x")).is_ok());
    }

    /// The scan on another thread hands over the same tokens, in order,
    /// and the same answer, for statements it accepts and declines.
    #[test]
    fn the_scan_beside_is_the_scan() {
        let body = "a1 + sin(b)*2.5 - (c/d)^2 + ".repeat(10_000);
        for text in [
            format!("f = {body}x"),
            format!("{body}x"),
            format!("{body}[x]"),
            body.clone(),
            "x".to_string(),
            String::new(),
        ] {
            let (mut here, mut there) = (Vec::new(), Vec::new());
            let a = super::scan(&text, |t| here.push(format!("{t:?}")));
            let b = super::scan_beside(&text, |t| there.push(format!("{t:?}")));
            assert_eq!(a, b);
            assert_eq!(here, there);
        }
    }

    #[test]
    fn lecture_programs_read_the_same() {
        let examples = [
            "a = x^2; b = exp(a); c = a + b; d = sqrt(c); e = cos(c); f = d + e at x = 1",
            "x1 = W0*x; x2 = tanh(x1); x3 = W1*x2; x4 = x3 - y; L = x4^2",
            "v = -x**2 + 1.5e-3*(y - .5)/2.; w = --v^-2^3",
            "f(x1, x2) = ln(x1) + x1*x2 - sin(x2)",
            "sin(x)*y at x = 1, y = 2",
        ];
        for src in examples {
            assert_eq!(parse(src), parse_without_fast_path(src), "{src}");
        }
    }
}
