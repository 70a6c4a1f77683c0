//! The front end: source text → `ast::Program`, or a located `Diagnostic`.
//!
//! `parse` is the one entry point for programs, `parse_point` for the
//! `--at`/`--seed` lists. pest stays inside `parser`; nothing outside this
//! module sees a pest type, so the parser could be swapped without touching
//! the rest.

pub mod ast;
pub(crate) mod chunks;
mod parser;
pub mod scan;

/// The built-in functions on vectors and their arities.
pub use parser::BUILTINS as parser_builtins;

use crate::core::diagnostic::{self, Diagnostic, Span};
use crate::core::intern::Interner;
pub use ast::Program;

/// Programs with more chunks than this are parsed on two threads.
pub const PARALLEL_FROM: usize = 20_000;

/// The top-level chunks of a program (statements; the point), or the
/// empty-program error.
pub fn split(src: &str) -> Result<Vec<Span>, Diagnostic> {
    let spans = chunks::split(src)?;
    if spans.is_empty() {
        return Err(Diagnostic::new(Span::new(0, 0), "empty program")
            .with_hint("type an expression such as sin(x)*y at x = 1, y = 2"));
    }
    Ok(spans)
}

/// Consecutive chunks of a program, parsed, with their names interned.
pub struct Part<'s> {
    pub prog: Program,
    names: Interner<'s>,
}

impl<'s> Part<'s> {
    /// The symbol id of a name this part knows.
    pub fn find(&self, name: &str) -> Option<u32> {
        self.names.find(name)
    }

    /// The program, without the names' lookup table.
    pub fn into_program(self) -> Program {
        self.prog
    }
}

/// Parse the chunks `spans` of `src`; `first` is the index of the first.
pub fn parse_part<'s>(src: &'s str, spans: &[Span], first: usize) -> Result<Part<'s>, Diagnostic> {
    parse_part_with(src, spans, first, true)
}

fn parse_part_with<'s>(
    src: &'s str,
    spans: &[Span],
    first: usize,
    fast: bool,
) -> Result<Part<'s>, Diagnostic> {
    let mut b = parser::Builder::new(src);
    b.fast = fast;
    b.names.reserve(spans.len() + 8);
    b.chunks_from(spans, first)?;
    Ok(Part {
        prog: b.prog,
        names: b.names,
    })
}

/// Symbol ids, in `known`'s numbering, for the names `symbols` of a later
/// part: a name `known` (or else `also`, with its map) has gets that id, any
/// other the next free id (`next`, which new names are counted in, and whose
/// spans are appended to `new`). The lookups are read-only and run on both
/// cores; nothing is inserted, since nothing looks names up afterwards.
pub fn join_symbols(
    src: &str,
    known: &Part,
    also: Option<(&Part, &[u32])>,
    symbols: &[Span],
    new: &mut Vec<Span>,
    next: &mut u32,
) -> Vec<u32> {
    let find = |part: &[Span]| -> Vec<Option<u32>> {
        part.iter()
            .map(|s| {
                let name = s.text(src);
                known.find(name).or_else(|| {
                    also.and_then(|(p, map)| {
                        p.find(name).and_then(|id| map.get(id as usize).copied())
                    })
                })
            })
            .collect()
    };
    let found = if symbols.len() > 10_000 {
        let half = symbols.len() / 2;
        let (mut first, rest) = std::thread::scope(|s| {
            let h = s.spawn(|| find(&symbols[half..]));
            let first = find(&symbols[..half]);
            (first, h.join().unwrap_or_else(|_| find(&symbols[half..])))
        });
        first.extend(rest);
        first
    } else {
        find(symbols)
    };
    symbols
        .iter()
        .zip(found)
        .map(|(&span, f)| {
            f.unwrap_or_else(|| {
                new.push(span);
                *next += 1;
                *next - 1
            })
        })
        .collect()
}

/// Parse a whole program (statements, a definition, an optional point).
pub fn parse(src: &str) -> Result<Program, Diagnostic> {
    let spans = split(src)?;
    let (prog, errors) = if spans.len() >= PARALLEL_FROM {
        // Chunks are independent: parse the two halves on the two cores.
        let mid = spans.len() / 2;
        let (a, b) = std::thread::scope(|s| {
            let h = s.spawn(|| parse_part(src, &spans[mid..], mid));
            let a = parse_part(src, &spans[..mid], 0);
            let b = h.join().unwrap_or_else(|_| {
                Err(Diagnostic::new(spans[mid], "internal error while parsing"))
            });
            (a, b)
        });
        match (a, b) {
            (Ok(mut a), Ok(b)) => {
                check_parts(src, &[&a.prog, &b.prog])?;
                let mut next = a.prog.symbols.len() as u32;
                let mut new = Vec::new();
                let map = join_symbols(src, &a, None, &b.prog.symbols, &mut new, &mut next);
                a.prog.symbols.extend(new);
                a.prog.append(b.prog, &map);
                (a.prog, Vec::new())
            }
            (a, b) => (
                Program::default(),
                [a.err(), b.err()].into_iter().flatten().collect(),
            ),
        }
    } else {
        match parse_part(src, &spans, 0) {
            Ok(p) => (p.prog, Vec::new()),
            Err(e) => (Program::default(), vec![e]),
        }
    };
    // The first error in the source wins, whichever half found it.
    if let Some(e) = errors.into_iter().min_by_key(|e| e.span.start) {
        return Err(e);
    }
    check_parts(src, &[&prog])?;
    Ok(prog)
}

/// `parse` with every statement read by pest (the fast path's tests
/// compare the two).
#[cfg(test)]
pub(crate) fn parse_without_fast_path(src: &str) -> Result<Program, Diagnostic> {
    let spans = split(src)?;
    let prog = parse_part_with(src, &spans, 0, false)?.prog;
    check_parts(src, &[&prog])?;
    Ok(prog)
}

/// Across the parts of a program (in order): the point is given once and
/// comes last; there is a statement. (A definition before the last
/// statement is a helper.)
pub fn check_parts(src: &str, parts: &[&Program]) -> Result<(), Diagnostic> {
    let line = |at: u32| diagnostic::line_col(src, at as usize).0;
    let mut points = parts.iter().filter_map(|p| p.point_span.zip(p.point_chunk));
    if let (Some((first, _)), Some((second, _))) = (points.next(), points.next()) {
        return Err(
            Diagnostic::new(second, "the point is given twice").with_hint(format!(
                "give all values in one 'at x = 1, y = 2' (the first is on line {})",
                line(first.start)
            )),
        );
    }
    let stmts = || parts.iter().flat_map(|p| p.stmts.iter());
    let point = parts.iter().find_map(|p| p.point_span.zip(p.point_chunk));
    if let Some((at, pc)) = point
        && let Some(s) = stmts().find(|s| s.chunk as usize > pc)
    {
        return Err(Diagnostic::new(
            Span::new(s.start as usize, s.start as usize + 1),
            "a statement after the point",
        )
        .with_hint(format!(
            "the point ('at …', on line {}) must come last",
            line(at.start)
        )));
    }
    if stmts().next().is_none() {
        let at = point.map(|(s, _)| s).unwrap_or_default();
        return Err(Diagnostic::new(at, "a point but no program")
            .with_hint("write the function before 'at'"));
    }
    Ok(())
}

/// Parse a point list such as `x = 1, y = pi/4` (the text of --at or --seed).
pub fn parse_point(src: &str) -> Result<Program, Diagnostic> {
    if src.trim().is_empty() {
        return Err(Diagnostic::new(Span::new(0, 0), "empty list")
            .with_hint("write name = value, e.g. x = 1, y = 2"));
    }
    chunks::split(src)?;
    let mut b = parser::Builder::new(src);
    b.point_list()?;
    Ok(b.prog)
}

#[cfg(test)]
mod tests {
    use super::ast::ExprKind;
    use super::*;

    /// Render an expression back as a fully parenthesised string.
    fn show(p: &Program, src: &str, id: u32) -> String {
        match &p.exprs[id as usize].kind {
            ExprKind::Num(v) => format!("{}", v.get()),
            ExprKind::Name(_) => p.exprs[id as usize].span.text(src).to_string(),
            ExprKind::Neg(a) => format!("(-{})", show(p, src, *a)),
            ExprKind::Binary(op, a, b) => {
                format!("({}{}{})", show(p, src, *a), op.text(), show(p, src, *b))
            }
            ExprKind::Call(op, a) => format!("{}({})", op.name(), show(p, src, *a)),
            ExprKind::Tuple(k) | ExprKind::Vector(k) => {
                let items = p.lists().list(*k);
                let inner: Vec<String> = items.iter().map(|&i| show(p, src, i)).collect();
                format!("[{}]", inner.join(", "))
            }
            ExprKind::Index(a, k) => {
                let items = p.lists().list(*k);
                let inner: Vec<String> = items.iter().map(|&i| show(p, src, i)).collect();
                format!("{}[{}]", show(p, src, *a), inner.join(", "))
            }
            ExprKind::Transpose(a) => format!("{}'", show(p, src, *a)),
            ExprKind::Apply(k) => {
                let ap = p.lists().apply(*k);
                let inner: Vec<String> = ap.args.iter().map(|&i| show(p, src, i)).collect();
                format!("{}({})", ap.name.text(src), inner.join(", "))
            }
        }
    }

    fn tree(src: &str) -> String {
        let p = parse(src).unwrap();
        show(&p, src, p.stmts[0].value)
    }

    #[test]
    fn superscript_digits_are_powers() {
        assert_eq!(tree("x²"), "(x^2)");
        assert_eq!(tree("θ³ + 1"), "((θ^3)+1)");
        assert_eq!(tree("-x²"), "(-(x^2))");
        assert_eq!(tree("(a + b)¹⁰"), "((a+b)^10)");
        assert_eq!(tree("2*x⁴"), "(2*(x^4))");
        // A superscript ends a name: `x²y` is not one name.
        assert!(parse("x²y").is_err());
        // The span of `x²` is the whole of it.
        let p = parse("x² + 1").unwrap();
        let sq = match &p.exprs[p.stmts[0].value as usize].kind {
            ExprKind::Binary(_, a, _) => *a,
            _ => unreachable!(),
        };
        assert_eq!(p.exprs[sq as usize].span.text("x² + 1"), "x²");
    }

    #[test]
    fn precedence_and_associativity() {
        assert_eq!(tree("-x^2"), "(-(x^2))");
        assert_eq!(tree("2^3^x"), "(2^(3^x))");
        assert_eq!(tree("a - b - c"), "((a-b)-c)");
        assert_eq!(tree("a / b * c"), "((a/b)*c)");
        assert_eq!(tree("2^-x*3"), "((2^(-x))*3)");
        assert_eq!(tree("-x*y"), "((-x)*y)");
        assert_eq!(tree("a + -b"), "(a+(-b))");
        assert_eq!(tree("x**2"), "(x^2)");
        // The signs adtrace prints read back as the ASCII ones, with the
        // same precedence: −x·y − a÷b×c is ((-x)*y) - ((a/b)*c).
        assert_eq!(tree("−x·y − a÷b×c"), tree("-x*y - a/b*c"));
        assert_eq!(tree("−x·y − a÷b×c"), "(((-x)*y)-((a/b)*c))");
        assert_eq!(tree("x⋅2"), "(x*2)");
        // a parenthesised name is still the name
        assert_eq!(tree("(x) * ((y))"), "(x*y)");
        assert_eq!(
            tree("log(x) + 1.5e-3 + .5 + 2.5E+4"),
            "(((ln(x)+0.0015)+0.5)+25000)"
        );
    }

    #[test]
    fn statements_definitions_and_points() {
        let src = "f(x1, x2) = ln(x1) + x1*x2 - sin(x2) at x1 = 2, x2 = -pi/4";
        let p = parse(src).unwrap();
        let d = p.definition.as_ref().unwrap();
        assert_eq!(d.name.text(src), "f");
        assert_eq!(
            d.params.iter().map(|s| s.text(src)).collect::<Vec<_>>(),
            ["x1", "x2"]
        );
        assert_eq!(p.point.len(), 2);
        assert_eq!(show(&p, src, p.point[1].value), "((-pi)/4)");

        let src = "a = x^2; b = exp(a)\nc = a + b # comment; not a statement\nat x = 1";
        let p = parse(src).unwrap();
        assert_eq!(p.stmts.len(), 3);
        assert_eq!(p.stmts[2].name.unwrap().text(src), "c");
        assert_eq!(p.point[0].name.text(src), "x");
    }

    #[test]
    fn unicode_identifiers() {
        assert_eq!(tree("θ*x_1 + é"), "((θ*x_1)+é)");
    }

    fn err(src: &str) -> Diagnostic {
        parse(src).unwrap_err()
    }

    #[test]
    fn vectors_matrices_and_their_operators() {
        assert_eq!(tree("W*x + b"), "((W*x)+b)");
        assert_eq!(tree("[[1, 2], [3, 4]]"), "[[1, 2], [3, 4]]");
        assert_eq!(tree("X'*X"), "(X'*X)");
        assert_eq!(tree("(X*theta - y)'"), "((X*theta)-y)'");
        assert_eq!(tree("v.^2 ./ u .* w"), "(((v.^2)./u).*w)");
        assert_eq!(tree("-v[2]^2"), "(-(v[2]^2))");
        assert_eq!(tree("A[1, 2]@B"), "(A[1, 2]@B)");
        assert_eq!(tree("sum(v) + dot(u, v)"), "(sum(v)+dot(u, v))");
        assert_eq!(tree("(x*y, x + y)"), "[(x*y), (x+y)]");
        assert!(err("dot(u)").message.contains("two arguments"));
        assert!(err("[]").message.contains("empty vector"));
        // a helper is a statement with parameters; the last is the function
        let p = parse("sigma(z) = 1/(1 + exp(-z)); f(x) = sigma(x)").unwrap();
        assert!(p.stmts[0].params.is_some());
        assert_eq!(
            p.definition
                .unwrap()
                .name
                .text("sigma(z) = 1/(1 + exp(-z)); f(x) = sigma(x)"),
            "f"
        );
    }

    #[test]
    fn errors_are_located_with_hints() {
        let e = err("y = 2x");
        assert_eq!(e.span.start, 4);
        assert_eq!(e.hint.as_deref(), Some("write 2*x"));
        // A point binds names; θ² is a power.
        let e = err("θ² at θ² = 3");
        assert!(
            e.hint.as_deref().is_some_and(|h| h.contains("'θ²' is θ^2")),
            "{e:?}"
        );
        let e = err("sin(x");
        assert_eq!((e.span.start, e.message.as_str()), (3, "unclosed '('"));
        let e = err("x + ");
        assert!(
            e.message.starts_with("expected an expression"),
            "{}",
            e.message
        );
        assert_eq!(err("   ").span.start, 0);
        assert_eq!(err("").message, "empty program");
        let e = err("sin = 3");
        assert!(e.message.contains("function name"), "{}", e.message);
        let e = err("x + sin");
        assert_eq!(e.hint.as_deref(), Some("call it: sin(x)"));
        let e = err("x at x = 1\ny = 2");
        assert!(e.message.contains("after the point"), "{}", e.message);
        let e = err("x\0y");
        assert!(e.message.contains("NUL"), "{}", e.message);
        let e = err("at = 3");
        assert_eq!(e.span.start, 0);
        assert!(e.message.contains("reserved word"));
        assert!(err("x*at").message.contains("reserved word"));
        assert_eq!(err("y = 2e").hint.as_deref(), Some("write 2*e"));
        assert!(err("1e999 * x").message.contains("too large"));
        assert!(err("sin(x, y)").message.contains("one argument"));
    }

    #[test]
    fn very_long_flat_expressions_do_not_recurse() {
        let src = format!("x{}", "+x".repeat(200_000));
        let p = parse(&src).unwrap();
        assert_eq!(p.exprs.len(), 400_001);
        let src = format!("{}x", "-".repeat(100_000));
        assert!(parse(&src).is_ok());
    }

    #[test]
    fn point_lists() {
        let src = "x = -1, y = pi/4";
        let p = parse_point(src).unwrap();
        assert_eq!(p.point.len(), 2);
        assert!(parse_point("x = ").is_err());
    }
}
