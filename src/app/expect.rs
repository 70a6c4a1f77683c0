//! `:expect`: which number of the current table a name denotes, and
//! whether the expected number holds within its tolerance.
//!
//! Names follow the table as it is shown (the current notation's labels,
//! Unicode or ASCII, and the program's own names, entries such as
//! `theta[2]` and `W[1,2]` included). Must not compute any derivative:
//! every number is read from the sweep, and a Jacobian entry from
//! `core::jacobian` by the sweep's mode.

use crate::core::jacobian;
use crate::core::notation::{Names, Style, accent};
use crate::core::sweep::Sweep;
use crate::core::trace::Trace;

use super::commands::{Expect, Target};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    Value,
    Tangent,
    Adjoint,
}

/// The number `target` denotes, or a hint listing what may be named.
pub fn lookup(
    target: &Target,
    trace: &Trace,
    sweep: &Sweep,
    style: Style,
) -> Result<(String, f64), String> {
    let out = trace.output();
    match target {
        Target::Value => Ok(("value".into(), sweep.output_value())),
        Target::Tangent => Ok(("tangent".into(), sweep.output_tangent())),
        Target::ValueOf(name) => {
            let r = output_row(name, trace, style)?;
            Ok((format!("value {name}"), sweep.value[r]))
        }
        Target::TangentOf(name) => {
            let r = output_row(name, trace, style)?;
            Ok((format!("tangent {name}"), sweep.tangent[r]))
        }
        Target::Grad(input) => {
            let i = input_of(input, trace)?;
            Ok((format!("grad {input}"), sweep.gradient()[i]))
        }
        Target::Jacobian(of, wrt) => {
            let r = output_row(of, trace, style)?;
            let i = r - trace.outputs().start;
            let j = input_of(wrt, trace)?;
            let jac =
                jacobian::jacobian(trace, sweep, sweep.plan.mode).map_err(|e| e.to_string())?;
            Ok((format!("∂{of}/∂{wrt}"), jac.get(i, j)))
        }
        Target::Fd(words) => fd_number(words, trace, sweep),
        Target::Symbolic(f) => {
            let s = crate::core::symbolic::swell(trace, sweep);
            Ok(if *f {
                ("symbolic f".into(), s.function_ops)
            } else {
                ("symbolic".into(), s.derivative_ops)
            })
        }
        Target::Name(name) => {
            let both = Both::new(trace, style);
            let query = Query::of(name);
            for row in 0..trace.len() {
                if !query.may_name(trace, row) {
                    continue;
                }
                if let Some(col) = column_of(name, trace, row, &both) {
                    let v = match col {
                        Column::Value => sweep.value[row],
                        Column::Tangent => sweep.tangent[row],
                        Column::Adjoint => sweep.adjoint[row],
                    };
                    return Ok((name.clone(), v));
                }
            }
            let n = Names::new(trace, style);
            let last = n.label(out);
            let tangent = match style.notation {
                crate::core::notation::Notation::Lecture => tangent_index(&n, out, style),
                crate::core::notation::Notation::Griewank => accent(&last, '\u{0307}'),
            };
            Err(format!(
                "name a row as the table shows it: {last} (value), {tangent} (tangent), {} (adjoint), a program name, value, tangent or grad INPUT",
                accent(&last, '\u{0304}'),
            ))
        }
    }
}

/// A number of the finite-difference lab (one step per decade): `forward
/// H`, `central error H`, `best forward h`, `best central error`.
fn fd_number(words: &[String], trace: &Trace, sweep: &Sweep) -> Result<(String, f64), String> {
    let hint = || {
        "after 'fd': forward H, central H, forward error H, central error H, best forward h, best central error (H a power of ten from 1e-1 to 1e-16)".to_string()
    };
    let w: Vec<&str> = words.iter().map(String::as_str).collect();
    let lab = crate::core::fd::lab(trace, sweep, 1).map_err(|c| c.to_string())?;
    let name = format!("fd {}", w.join(" "));
    let central = |k: &str| match k {
        "forward" => Ok(false),
        "central" => Ok(true),
        _ => Err(hint()),
    };
    let at = |h: &str| -> Result<&crate::core::fd::Row, String> {
        let h: f64 = h.parse().map_err(|_| hint())?;
        lab.rows
            .iter()
            .find(|r| (r.h - h).abs() <= 1e-9 * h)
            .ok_or_else(hint)
    };
    let pick = |c: bool, r: &crate::core::fd::Row| if c { r.central } else { r.forward };
    let v = match w.as_slice() {
        [k, h] => pick(central(k)?, at(h)?).estimate,
        [k, "error", h] => pick(central(k)?, at(h)?).error,
        ["best", k, what] => {
            let b = if central(k)? {
                lab.best_central
            } else {
                lab.best_forward
            }
            .ok_or("no best h: every error is NaN")?;
            match *what {
                "h" => b.h,
                "error" => b.error,
                _ => return Err(hint()),
            }
        }
        _ => return Err(hint()),
    };
    Ok((name, v))
}

/// The index of an input, or a hint listing them.
fn input_of(input: &str, trace: &Trace) -> Result<usize, String> {
    trace.input_index(input).ok_or_else(|| {
        let inputs: Vec<&str> = trace.input_names().collect();
        format!(
            "'{input}' is not an input; the inputs are {}",
            if inputs.is_empty() {
                "none".to_string()
            } else {
                inputs.join(", ")
            }
        )
    })
}

/// The output row a name denotes (its program name, `z[2]`, or its label),
/// or a hint listing the outputs.
fn output_row(name: &str, trace: &Trace, style: Style) -> Result<usize, String> {
    let both = Both::new(trace, style);
    trace
        .outputs()
        .find(|&r| column_of(name, trace, r, &both) == Some(Column::Value))
        .ok_or_else(|| {
            let n = Names::new(trace, style);
            let outs: Vec<String> = trace.outputs().map(|r| n.sym(r)).collect();
            format!(
                "'{name}' is not an output; the outputs are {}",
                outs.join(", ")
            )
        })
}

/// The lecture's `d3` for row 3 (whatever its name), else the notation's
/// tangent symbol of the label.
fn tangent_index(n: &Names, row: usize, style: Style) -> String {
    let label = n.label(row);
    match style.notation {
        crate::core::notation::Notation::Lecture => {
            let digits = label.trim_start_matches(|c: char| c.is_alphabetic());
            format!("d{digits}")
        }
        crate::core::notation::Notation::Griewank => n.tangent(row),
    }
}

/// The number in a label-like name (`x5`, `xbar5`, `d5`, `v̄₋₁`, `v_-1`), if any.
fn label_index(name: &str) -> Option<i64> {
    let mut digits = String::new();
    for c in name.chars() {
        match c {
            '0'..='9' => digits.push(c),
            '₀'..='₉' => digits.push(char::from(b'0' + (c as u32 - '₀' as u32) as u8)),
            '-' | '₋' if digits.is_empty() => digits.push('-'),
            _ if !digits.is_empty() && digits != "-" => break,
            _ => {}
        }
    }
    digits.parse().ok()
}

/// A name to look up, prepared once: its label number and its forms with
/// the accents and the `bar`/`dot` of an adjoint or a tangent taken out.
struct Query {
    forms: Vec<String>,
    index: Option<i64>,
}

impl Query {
    fn of(name: &str) -> Query {
        let plain: String = name
            .chars()
            .filter(|c| !matches!(c, '\u{0304}' | '\u{0307}'))
            .collect();
        let mut forms = vec![name.to_string(), plain.replacen("bar", "", 1)];
        forms.push(plain.replacen("dot", "", 1));
        forms.push(plain);
        Query {
            forms,
            index: label_index(name),
        }
    }

    /// Whether the name can denote a column of `row` at all: it holds the
    /// row's program name, or its number is the row's label number
    /// (lecture or Griewank). A cheap test, so that one `:expect` reads
    /// each row once without building its symbols.
    fn may_name(&self, trace: &Trace, row: usize) -> bool {
        if let Some(p) = trace.name(row)
            && self.forms.iter().any(|f| f.contains(p))
        {
            return true;
        }
        self.index.is_some_and(|k| {
            let griewank = row as i64 - trace.n_inputs as i64 + 1;
            k == row as i64 || k == griewank
        })
    }
}

/// The notation in Unicode and in ASCII, made once per lookup (making
/// one reads every row's name).
struct Both<'t> {
    uni: Names<'t>,
    asc: Names<'t>,
    style: Style,
}

impl<'t> Both<'t> {
    fn new(trace: &'t Trace, style: Style) -> Both<'t> {
        let with = |ascii| Names::new(trace, Style { ascii, ..style });
        Both {
            uni: with(false),
            asc: with(true),
            style,
        }
    }
}

/// Which column of `row` the name denotes, if any.
fn column_of(name: &str, trace: &Trace, row: usize, both: &Both) -> Option<Column> {
    let (uni, asc, style) = (&both.uni, &both.asc, both.style);
    let program_name = trace.name(row);
    let mut values = vec![uni.label(row), asc.label(row)];
    let mut tangents = vec![
        uni.tangent(row),
        asc.tangent(row),
        tangent_index(uni, row, style),
    ];
    let mut adjoints = vec![uni.adjoint(row), asc.adjoint(row)];
    let mut refs = vec![uni.label(row), asc.label(row)];
    if let Some(p) = program_name {
        values.push(p.to_string());
        refs.push(p.to_string());
        tangents.push(format!("d{p}"));
    }
    for r in &refs {
        let letters = r.chars().take_while(|c| c.is_alphabetic()).count();
        let split = r.char_indices().nth(letters).map_or(r.len(), |(i, _)| i);
        let (head, tail) = r.split_at(split);
        tangents.push(format!("dot({r})"));
        tangents.push(format!("{head}dot{tail}"));
        tangents.push(accent(r, '\u{0307}'));
        adjoints.push(format!("bar({r})"));
        adjoints.push(format!("{head}bar{tail}"));
        adjoints.push(accent(r, '\u{0304}'));
    }
    if values.iter().any(|v| v == name) {
        Some(Column::Value)
    } else if tangents.iter().any(|v| v == name) {
        Some(Column::Tangent)
    } else if adjoints.iter().any(|v| v == name) {
        Some(Column::Adjoint)
    } else {
        None
    }
}

/// The tolerance: given, or half a unit in the last digit shown — the
/// expected number at `precision` significant digits, or its own written
/// decimals if they are finer. Zero has no magnitude: `precision` decimals.
pub fn tolerance(e: &Expect, precision: usize) -> f64 {
    e.tolerance.unwrap_or_else(|| {
        let typed = -(e.decimals.min(17) as i32);
        let shown = if e.value == 0.0 || !e.value.is_finite() {
            -(precision.min(17) as i32)
        } else {
            let a = e.value.abs();
            let last = a.log10().floor() as i32 - (precision.clamp(1, 17) as i32 - 1);
            // Below 10⁶ every integer digit is shown (notation::num).
            if a < 1e6 { last.min(0) } else { last }
        };
        0.5 * 10f64.powi(typed.min(shown))
    })
}

/// Whether `got` matches the expectation. Non-finite numbers must match
/// exactly (NaN matches NaN); a little slack absorbs decimal rounding.
pub fn holds(expected: f64, got: f64, tol: f64) -> bool {
    if expected.is_nan() || got.is_nan() {
        return expected.is_nan() && got.is_nan();
    }
    if !expected.is_finite() || !got.is_finite() {
        return expected == got;
    }
    (expected - got).abs() <= tol * (1.0 + 1e-9) + f64::EPSILON * expected.abs()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::notation::Notation;
    use crate::core::pipeline;

    fn setup(p: &str) -> (Trace, Sweep) {
        let t = pipeline::trace(p, "", false).unwrap();
        let point = t.point(None).unwrap();
        let seed = t.seed(&pipeline::SeedSpec::First).unwrap();
        let s = crate::core::sweep::both(&t.trace, &point, &seed);
        (t.trace, s)
    }

    fn get(t: &Trace, s: &Sweep, name: &str, style: Style) -> f64 {
        lookup(&Target::Name(name.into()), t, s, style).unwrap().1
    }

    #[test]
    fn names_of_the_lecture_table() {
        let (t, s) = setup("W0 = 2; W1 = 1.2; y = 2; L = (W1*tanh(W0*x) - y)^2 at x = 1");
        let st = Style::default();
        let r = |v: f64| (v * 1e4).round() / 1e4;
        assert_eq!(r(get(&t, &s, "x2", st)), 0.964);
        assert_eq!(r(get(&t, &s, "d2", st)), 0.1413);
        assert_eq!(r(get(&t, &s, "d5", st)), -0.2859);
        assert_eq!(r(get(&t, &s, "dL", st)), -0.2859);
        assert_eq!(r(get(&t, &s, "L", st)), 0.7109);
        assert_eq!(r(get(&t, &s, "xbar0", st)), -0.2859);
        assert_eq!(r(get(&t, &s, "x\u{304}0", st)), -0.2859);
        assert_eq!(r(get(&t, &s, "bar(x)", st)), -0.2859);
        let g = Style {
            notation: Notation::Griewank,
            ..st
        };
        assert_eq!(r(get(&t, &s, "v_0", g)), 1.0);
        assert_eq!(r(get(&t, &s, "v₁", g)), 2.0);
        assert_eq!(r(get(&t, &s, "vdot₁", g)), 2.0);
        assert!(lookup(&Target::Name("q".into()), &t, &s, st).is_err());
        assert!(lookup(&Target::Grad("q".into()), &t, &s, st).is_err());
    }

    #[test]
    fn names_of_shaped_programs_and_the_jacobian() {
        use crate::core::sweep::Mode;
        let traced = pipeline::trace("f(x, y) = (x*y, sin(x) + y, x^2*y)", "", false).unwrap();
        let at = Some("x = 2, y = 3");
        let st = Style::default();
        for mode in [Mode::Forward, Mode::Reverse] {
            let e = traced
                .evaluate_with(at, &pipeline::SeedSpec::First, mode, None)
                .unwrap();
            let (t, s) = (&traced.trace, &e.sweep);
            let j = |o: &str, i: &str| {
                lookup(&Target::Jacobian(o.into(), i.into()), t, s, st)
                    .unwrap()
                    .1
            };
            assert_eq!(j("f[1]", "x"), 3.0);
            assert_eq!(j("f[2]", "x"), 2f64.cos());
            assert_eq!(j("f[3]", "y"), 4.0);
            let name = lookup(&Target::Jacobian("f[3]".into(), "x".into()), t, s, st)
                .unwrap()
                .0;
            assert_eq!(name, "∂f[3]/∂x");
            let v = lookup(&Target::ValueOf("f[3]".into()), t, s, st).unwrap();
            assert_eq!(v, ("value f[3]".into(), 12.0));
            let d = lookup(&Target::TangentOf("f[3]".into()), t, s, st).unwrap();
            assert_eq!(d.1, 12.0);
            let e = lookup(&Target::Jacobian("g".into(), "x".into()), t, s, st).unwrap_err();
            assert!(e.contains("the outputs are f[1], f[2], f[3]"), "{e}");
            let e = lookup(&Target::Jacobian("f[1]".into(), "z".into()), t, s, st).unwrap_err();
            assert!(e.contains("the inputs are x, y"), "{e}");
            // an intermediate row is not an output
            assert!(lookup(&Target::ValueOf("x2".into()), t, s, st).is_err());
        }
        let traced = pipeline::trace_at(
            "y = [1, 3]; L = sum((A*theta - y).^2)",
            "",
            false,
            Some("theta = [1, 2], A = [[1, 2], [3, 4]]"),
        )
        .unwrap();
        let e = traced
            .evaluate(
                Some("theta = [1, 2], A = [[1, 2], [3, 4]]"),
                &pipeline::SeedSpec::First,
            )
            .unwrap();
        let (t, s) = (&traced.trace, &e.sweep);
        // r = A·θ − y = (4, 8): ∂L/∂θ = 2Aᵀr = (2·(4 + 24), 2·(8 + 32))
        assert_eq!(get(t, s, "theta[2]", st), 2.0);
        assert_eq!(get(t, s, "A[2,1]", st), 3.0);
        let g = |i: &str| lookup(&Target::Grad(i.into()), t, s, st).unwrap().1;
        assert_eq!((g("theta[1]"), g("theta[2]")), (56.0, 80.0));
        assert_eq!(g("A[1,2]"), 2.0 * 4.0 * 2.0);
        assert_eq!(
            lookup(&Target::Jacobian("L".into(), "theta[2]".into()), t, s, st)
                .unwrap()
                .1,
            80.0
        );
    }

    #[test]
    fn tolerances() {
        let e = |decimals, tolerance| Expect {
            target: Target::Value,
            target_span: Default::default(),
            value: 0.0,
            value_span: Default::default(),
            decimals,
            tolerance,
        };
        assert_eq!(tolerance(&e(4, None), 4), 0.00005);
        assert_eq!(tolerance(&e(1, None), 4), 0.00005);
        assert_eq!(tolerance(&e(6, None), 4), 0.0000005);
        assert_eq!(tolerance(&e(4, Some(0.1)), 4), 0.1);
        // Significant digits: 0.54 at 4 digits is 0.5400, 11.65 is 11.65.
        let v = |value, decimals| Expect {
            value,
            ..e(decimals, None)
        };
        assert_eq!(tolerance(&v(0.54, 2), 4), 0.5e-4);
        assert_eq!(tolerance(&v(11.65, 2), 4), 0.5e-2);
        assert_eq!(tolerance(&v(-250.0, 0), 2), 0.5);
        assert!(holds(0.1413, 0.14134, 0.00005));
        assert!(!holds(0.1413, 0.14136, 0.00005));
        assert!(holds(f64::NAN, f64::NAN, 0.0));
        assert!(!holds(1.0, f64::NAN, 1.0));
    }
}
