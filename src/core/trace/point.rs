//! The point: the values a program's `at` (and `--at`, and `--seed`) gives
//! its inputs, as constant expressions over numbers, `pi`, `e` and the
//! program's own constants; errors located in the text they concern.
//!
//! Must not lower statements (that is `build`) nor evaluate the trace.

use super::build::builtin;
use super::{Trace, shape_text};
use crate::core::diagnostic::{Diagnostic, Span};
use crate::core::syntax::ast::{ExprId, ExprKind, Program};

/// Apply the bindings of `point_prog` (parsed from `point_src`) to `values`
/// (one per input row). Bindings given twice in one list, or naming
/// something that is not an input, are errors located in `point_src`.
/// Values are constant expressions: numbers, `pi`, `e`, the program's
/// constants, and vectors and matrices of them for a shaped input
/// (`theta = [1, 0.5]`, `W = [[1, 2], [3, 4]]`).
pub fn apply_point(
    trace: &Trace,
    point_src: &str,
    point_prog: &Program,
    values: &mut [Option<f64>],
) -> Result<(), Diagnostic> {
    apply_point_except(trace, point_src, point_prog, &[], values)
}

/// The same, leaving out the names in `skip` (given elsewhere).
fn apply_point_except(
    trace: &Trace,
    point_src: &str,
    point_prog: &Program,
    skip: &[&str],
    values: &mut [Option<f64>],
) -> Result<(), Diagnostic> {
    let mut seen: Vec<&str> = Vec::new();
    for b in &point_prog.point {
        let name = b.name.text(point_src);
        if skip.contains(&name) {
            continue;
        }
        if seen.contains(&name) {
            return Err(Diagnostic::new(b.name, format!("'{name}' is given twice"))
                .with_hint("give each input one value"));
        }
        seen.push(name);
        let value = const_tensor(trace, point_src, point_prog, b.first, b.value)?;
        let span = point_prog.exprs[b.value as usize].span;
        if let Some(sh) = trace.shaped_input(name) {
            if (value.rows, value.cols) != (sh.rows, sh.cols) {
                return Err(Diagnostic::new(
                    span,
                    format!(
                        "{name} is a {} here, but the program uses it as a {}",
                        shape_text(value.rows, value.cols),
                        sh.shape_text()
                    ),
                )
                .with_hint("give a value of the shape the program uses"));
            }
            for (k, v) in value.data.iter().enumerate() {
                values[sh.first as usize + k] = Some(*v);
            }
            continue;
        }
        let Some(i) = trace.input_index(name) else {
            return Err(not_an_input(trace, name, b.name));
        };
        if value.data.len() != 1 {
            return Err(Diagnostic::new(
                span,
                format!(
                    "{name} is a {} here, but the program uses it as a number",
                    shape_text(value.rows, value.cols)
                ),
            )
            .with_hint("give a number, or use the input as a vector in the program"));
        }
        values[i] = Some(value.data[0]);
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

/// A constant vector or matrix (a number is 1×1), row by row.
#[derive(Clone, Debug, PartialEq)]
pub struct ConstTensor {
    pub rows: u32,
    pub cols: u32,
    pub data: Vec<f64>,
}

impl ConstTensor {
    fn scalar(x: f64) -> ConstTensor {
        ConstTensor {
            rows: 1,
            cols: 1,
            data: vec![x],
        }
    }
    fn map(&self, f: impl Fn(f64) -> f64) -> ConstTensor {
        ConstTensor {
            data: self.data.iter().map(|&x| f(x)).collect(),
            ..self.clone()
        }
    }
}

/// Evaluate a constant expression of a point (or a seed): numbers, the
/// program's constants, `pi`/`e` unless the program binds them, and
/// vectors and matrices (elementwise arithmetic with scalars broadcast).
pub fn const_tensor(
    trace: &Trace,
    src: &str,
    prog: &Program,
    first: ExprId,
    root: ExprId,
) -> Result<ConstTensor, Diagnostic> {
    let mut vals: Vec<ConstTensor> = Vec::with_capacity((root - first + 1) as usize);
    let get = |vals: &Vec<ConstTensor>, id: ExprId| vals[(id - first) as usize].clone();
    let not_number = |span: Span| {
        Diagnostic::new(span, "a point value must be a number, a vector or a matrix")
            .with_hint("e.g. x = 1, theta = [1, 0.5], W = [[1, 2], [3, 4]]")
    };
    for id in first..=root {
        let e = &prog.exprs[id as usize];
        let v = match &e.kind {
            ExprKind::Num(c) => ConstTensor::scalar(*c),
            ExprKind::Name(_) => {
                let name = e.span.text(src);
                let own = trace
                    .constants
                    .iter()
                    .find(|(n, _)| &**n == name)
                    .map(|&(_, v)| v);
                let is_row = trace.nodes.iter().any(|n| n.name.as_deref() == Some(name));
                match (own, is_row, builtin(name)) {
                    (Some(v), _, _) => ConstTensor::scalar(v),
                    (None, false, Some(v)) => ConstTensor::scalar(v),
                    _ => {
                        return Err(Diagnostic::new(e.span, format!("'{name}' is not a constant"))
                            .with_hint("a point value must be a number or a constant expression like pi/4"));
                    }
                }
            }
            ExprKind::Neg(a) => get(&vals, *a).map(|x| -x),
            ExprKind::Call(op, a) => get(&vals, *a).map(|x| op.eval(x, 0.0)),
            ExprKind::Binary(op, a, b) => {
                let (a, b) = (get(&vals, *a), get(&vals, *b));
                let f = |x, y| op.op().eval(x, y);
                match (a.data.len(), b.data.len()) {
                    (1, _) => b.map(|y| f(a.data[0], y)),
                    (_, 1) => a.map(|x| f(x, b.data[0])),
                    _ if (a.rows, a.cols) == (b.rows, b.cols) => ConstTensor {
                        data: a.data.iter().zip(&b.data).map(|(&x, &y)| f(x, y)).collect(),
                        ..a
                    },
                    _ => return Err(not_number(e.span)),
                }
            }
            ExprKind::Vector(items) => {
                let parts: Vec<ConstTensor> = items.iter().map(|i| get(&vals, *i)).collect();
                if parts.iter().all(|p| p.data.len() == 1) {
                    ConstTensor {
                        rows: parts.len() as u32,
                        cols: 1,
                        data: parts.iter().map(|p| p.data[0]).collect(),
                    }
                } else {
                    let k = parts[0].data.len();
                    let vector = |p: &ConstTensor| p.rows == 1 || p.cols == 1;
                    if !parts.iter().all(|p| vector(p) && p.data.len() == k) {
                        return Err(Diagnostic::new(
                            e.span,
                            "the rows of a matrix differ in length",
                        )
                        .with_hint("give every row the same number of entries"));
                    }
                    ConstTensor {
                        rows: parts.len() as u32,
                        cols: k as u32,
                        data: parts.iter().flat_map(|p| p.data.iter().copied()).collect(),
                    }
                }
            }
            ExprKind::Transpose(a) => {
                let a = get(&vals, *a);
                let (r, c) = (a.rows as usize, a.cols as usize);
                let mut data = vec![0.0; r * c];
                for i in 0..r {
                    for j in 0..c {
                        data[j * r + i] = a.data[i * c + j];
                    }
                }
                ConstTensor {
                    rows: a.cols,
                    cols: a.rows,
                    data,
                }
            }
            ExprKind::Tuple(_) | ExprKind::Index(_) | ExprKind::Apply(_) => {
                return Err(not_number(e.span));
            }
        };
        vals.push(v);
    }
    Ok(get(&vals, root))
}

/// The shapes the point gives its names (`theta = [1, 0.5]`: 2×1), read
/// from the text alone: what the program's shaped inputs are lowered as.
pub fn point_shapes<'s>(src: &'s str, prog: &Program) -> Vec<(&'s str, (u32, u32))> {
    let empty = Trace::default();
    prog.point
        .iter()
        .filter_map(|b| {
            let t = const_tensor(&empty, src, prog, b.first, b.value).ok()?;
            Some((b.name.text(src), (t.rows, t.cols)))
        })
        .collect()
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
    // What `at` gives overrides the program's own point, shape and all.
    let given: Vec<&str> = at.map_or(Vec::new(), |(s, p)| {
        p.point.iter().map(|b| b.name.text(s)).collect()
    });
    apply_point_except(trace, src, program, &given, &mut values).map_err(PointError::Program)?;
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
