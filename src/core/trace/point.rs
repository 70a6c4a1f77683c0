//! The point: the values a program's `at` (and `--at`, and `--seed`) gives
//! its inputs, as constant expressions over numbers, `pi`, `e` and the
//! program's own constants; errors located in the text they concern.
//!
//! Must not lower statements (that is `build`) nor evaluate the trace.

use super::Trace;
use super::build::builtin;
use crate::core::diagnostic::{Diagnostic, Span};
use crate::core::syntax::ast::{ExprId, ExprKind, Program};

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
