//! The point: the values a program's `at` (and `--at`, and `--seed`) gives
//! its inputs, as constant expressions over numbers, `pi`, `e` and the
//! program's own constants; errors located in the text they concern.
//!
//! Must not lower statements (that is `build`) nor evaluate the trace.

use std::collections::{HashMap, HashSet};

use super::consts::{ConstEnv, const_problem, const_tensor};
use super::{Trace, shape_text};
use crate::core::diagnostic::{Diagnostic, Span};
use crate::core::syntax::ast::Program;

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
    apply_point_except(trace, point_src, point_prog, &HashSet::new(), values)
}

/// The same, leaving out the names in `skip` (given elsewhere).
fn apply_point_except(
    trace: &Trace,
    point_src: &str,
    point_prog: &Program,
    skip: &HashSet<&str>,
    values: &mut [Option<f64>],
) -> Result<(), Diagnostic> {
    // Sets and maps, so that a point of 80,000 bindings stays linear.
    let mut seen: HashSet<&str> = HashSet::new();
    let mut inputs: Option<HashMap<&str, usize>> = None;
    let env = ConstEnv::of(trace);
    for b in &point_prog.point {
        let name = b.name.text(point_src);
        if skip.contains(&name) {
            continue;
        }
        if !seen.insert(name) {
            return Err(Diagnostic::new(b.name, format!("'{name}' is given twice"))
                .with_hint("give each input one value"));
        }
        let value = const_tensor(&env, point_src, point_prog, b.first, b.value)?;
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
        let index = inputs.get_or_insert_with(|| {
            let mut m = HashMap::with_capacity(trace.n_inputs);
            for (i, n) in trace.input_names().enumerate() {
                m.entry(n).or_insert(i);
            }
            m
        });
        let Some(&i) = index.get(name) else {
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
    let defined =
        trace.names().any(|n| n == Some(name)) || trace.constants.iter().any(|(n, _)| &**n == name);
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

/// The shapes the point gives its names (`theta = [1, 0.5]`: 2×1), read
/// from the text alone: what the program's shaped inputs are lowered as.
/// A value that names the program's constants (`at theta = solve(X'*X,
/// X'*y)`) takes their shapes from a pass over the constant statements.
pub fn point_shapes<'s>(src: &'s str, prog: &Program) -> Vec<(&'s str, (u32, u32))> {
    let mut env = ConstEnv::default();
    let mut scanned = false;
    prog.point
        .iter()
        .filter_map(|b| {
            let mut t = const_tensor(&env, src, prog, b.first, b.value);
            if t.is_err() && !scanned {
                env = ConstEnv::of_statements(src, prog);
                scanned = true;
                t = const_tensor(&env, src, prog, b.first, b.value);
            }
            let t = t.ok()?;
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
    let given: HashSet<&str> = at.map_or(HashSet::new(), |(s, p)| {
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
    let name = trace.name(i).unwrap_or("?");
    Diagnostic::new(n.span, format!("{name} has no value"))
        .with_hint(format!("add it to 'at' or --at, e.g. at {name} = 1"))
}

/// Why the point gives input `name` a non-finite value: the domain problem
/// in its expression (`ln(-1) is NaN: ln of a negative number`), looked up
/// in `at` first (it overrides the program's own point).
pub fn point_problem(
    trace: &Trace,
    src: &str,
    program: &Program,
    at: Option<(&str, &Program)>,
    name: &str,
) -> Option<String> {
    let env = ConstEnv::of(trace);
    let find = |s: &str, p: &Program| {
        p.point
            .iter()
            .find(|b| b.name.text(s) == name)
            .map(|b| const_problem(&env, s, p, b.first, b.value))
    };
    at.and_then(|(s, p)| find(s, p))
        .or_else(|| find(src, program))
        .flatten()
}
