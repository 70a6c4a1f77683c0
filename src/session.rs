//! The pipeline from text to numbers: parse → trace → point and seed →
//! forward sweep → reverse sweep, with the time each stage took.
//!
//! The one place that turns a user's request (program, `--at`, `--seed` or
//! `--wrt`, CSE on/off) into a trace and a sweep, used by `eval`, the TUI
//! and the REPL alike. Errors come back located in the text they concern
//! (the program, the `--at` list or the `--seed` list). Must not print.

use std::time::{Duration, Instant};

use crate::diagnostic::{Diagnostic, Span};
use crate::sweep::{self, Sweep};
use crate::syntax::{self, Program};
use crate::trace::{self, PointError, Trace};

/// How the seed direction is chosen.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum SeedSpec {
    /// e₁: the first input.
    #[default]
    First,
    /// e_k for the named input.
    Wrt(String),
    /// `x=1,y=0.5`: named inputs; the rest are 0.
    List(String),
}

#[derive(Clone, Debug, Default)]
pub struct Request {
    pub program: String,
    /// Names the program's source in messages (a file name, `<stdin>`), or
    /// empty for a program given on the command line.
    pub origin: String,
    pub at: Option<String>,
    pub seed: SeedSpec,
    pub no_cse: bool,
}

/// An error in one of the request's texts.
#[derive(Clone, Debug)]
pub struct Failure {
    pub diagnostic: Diagnostic,
    /// The text the diagnostic's span points into.
    pub source: String,
    /// Its name (file, `--at`, `--seed`), or empty for the program.
    pub origin: String,
}

impl Failure {
    pub fn render(&self) -> String {
        self.diagnostic.render(&self.source, &self.origin)
    }
}

#[derive(Clone, Debug, Default)]
pub struct Timings {
    pub parse: Duration,
    pub trace: Duration,
    pub forward: Duration,
    pub reverse: Duration,
}

/// A traced and swept program.
#[derive(Clone, Debug)]
pub struct Evaluated {
    pub source: String,
    pub program: Program,
    pub trace: Trace,
    pub sweep: Sweep,
    pub timings: Timings,
}

/// A parsed and traced program, before a point is known.
#[derive(Clone, Debug)]
pub struct Traced {
    pub source: String,
    pub origin: String,
    pub program: Program,
    pub trace: Trace,
    pub parse_time: Duration,
    pub trace_time: Duration,
}

/// Parse and trace a program.
pub fn trace(program: &str, origin: &str, no_cse: bool) -> Result<Traced, Failure> {
    let fail = |d: Diagnostic| Failure {
        diagnostic: d,
        source: program.to_string(),
        origin: origin.to_string(),
    };
    let t0 = Instant::now();
    let parsed = syntax::parse(program).map_err(fail)?;
    let t1 = Instant::now();
    let tr = trace::build(program, &parsed, trace::Options { cse: !no_cse }).map_err(fail)?;
    let t2 = Instant::now();
    Ok(Traced {
        source: program.to_string(),
        origin: origin.to_string(),
        program: parsed,
        trace: tr,
        parse_time: t1 - t0,
        trace_time: t2 - t1,
    })
}

impl Traced {
    fn fail_program(&self, d: Diagnostic) -> Failure {
        Failure {
            diagnostic: d,
            source: self.source.clone(),
            origin: self.origin.clone(),
        }
    }

    /// The input values from the program's point and `at`, all present.
    pub fn point(&self, at: Option<&str>) -> Result<Vec<f64>, Failure> {
        let at_fail = |d: Diagnostic| Failure {
            diagnostic: d,
            source: at.unwrap_or("").to_string(),
            origin: "--at".to_string(),
        };
        let at_prog = match at {
            Some(text) => Some(syntax::parse_point(text).map_err(at_fail)?),
            None => None,
        };
        let at_pair = at.zip(at_prog.as_ref());
        let values = trace::resolve_point(&self.trace, &self.source, &self.program, at_pair)
            .map_err(|e| match e {
                PointError::Program(d) => self.fail_program(d),
                PointError::At(d) => at_fail(d),
            })?;
        let mut out = Vec::with_capacity(values.len());
        for (i, v) in values.iter().enumerate() {
            match v {
                Some(v) => out.push(*v),
                None => return Err(self.fail_program(trace::missing_value(&self.trace, i))),
            }
        }
        Ok(out)
    }

    /// Whether every input has a value in the program's own point.
    pub fn has_full_point(&self) -> bool {
        self.point(None).is_ok()
    }

    /// The seed vector for a seed spec.
    pub fn seed(&self, spec: &SeedSpec) -> Result<Vec<f64>, Failure> {
        let n = self.trace.n_inputs;
        let mut seed = vec![0.0; n];
        let inputs: Vec<&str> = self.trace.input_names().collect();
        let not_input = |name: &str, span: Span, origin: &str, src: &str| {
            let list = if inputs.is_empty() {
                "this program has no inputs".to_string()
            } else {
                format!("the inputs are {}", inputs.join(", "))
            };
            let d = Diagnostic::new(span, format!("'{name}' is not an input"));
            let d = match crate::diagnostic::did_you_mean(name, inputs.iter().copied()) {
                Some(m) => d.with_hint(format!("did you mean '{m}'? {list}")),
                None => d.with_hint(list),
            };
            Failure {
                diagnostic: d,
                source: src.to_string(),
                origin: origin.to_string(),
            }
        };
        match spec {
            SeedSpec::First => {
                if let Some(s) = seed.first_mut() {
                    *s = 1.0;
                }
            }
            SeedSpec::Wrt(name) => {
                let name = name.trim();
                match self.trace.input_index(name) {
                    Some(i) => seed[i] = 1.0,
                    None => return Err(not_input(name, Span::new(0, name.len()), "--wrt", name)),
                }
            }
            SeedSpec::List(text) => {
                let fail = |d: Diagnostic| Failure {
                    diagnostic: d,
                    source: text.clone(),
                    origin: "--seed".to_string(),
                };
                let p = syntax::parse_point(text).map_err(fail)?;
                let mut vals = vec![None; n];
                // Seed values are constant expressions, checked like a point.
                for b in &p.point {
                    let name = b.name.text(text);
                    if self.trace.input_index(name).is_none() {
                        return Err(not_input(name, b.name, "--seed", text));
                    }
                }
                trace::apply_point(&self.trace, text, &p, &mut vals).map_err(fail)?;
                for (s, v) in seed.iter_mut().zip(vals) {
                    *s = v.unwrap_or(0.0);
                }
            }
        }
        Ok(seed)
    }
}

/// Run a whole request.
pub fn evaluate(req: &Request) -> Result<Evaluated, Failure> {
    let traced = trace(&req.program, &req.origin, req.no_cse)?;
    let point = traced.point(req.at.as_deref())?;
    let seed = traced.seed(&req.seed)?;
    let t0 = Instant::now();
    let mut sw = sweep::forward(&traced.trace, &point, &seed);
    let t1 = Instant::now();
    sweep::reverse(&traced.trace, &mut sw);
    let t2 = Instant::now();
    Ok(Evaluated {
        timings: Timings {
            parse: traced.parse_time,
            trace: traced.trace_time,
            forward: t1 - t0,
            reverse: t2 - t1,
        },
        source: traced.source,
        program: traced.program,
        trace: traced.trace,
        sweep: sw,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(program: &str) -> Request {
        Request {
            program: program.to_string(),
            ..Request::default()
        }
    }

    #[test]
    fn seed_specs() {
        let t = trace("f(x, y) = x*y", "", false).unwrap();
        assert_eq!(t.seed(&SeedSpec::First).unwrap(), [1.0, 0.0]);
        assert_eq!(t.seed(&SeedSpec::Wrt("y".into())).unwrap(), [0.0, 1.0]);
        assert_eq!(
            t.seed(&SeedSpec::List("y = 0.5".into())).unwrap(),
            [0.0, 0.5]
        );
        let e = t.seed(&SeedSpec::Wrt("z".into())).unwrap_err();
        assert_eq!(e.origin, "--wrt");
        assert!(e.diagnostic.hint.unwrap().contains("the inputs are x, y"));
        let e = t.seed(&SeedSpec::List("x = 1, q = 2".into())).unwrap_err();
        assert_eq!((e.origin.as_str(), e.diagnostic.span.start), ("--seed", 7));
    }

    #[test]
    fn missing_values_point_at_the_input() {
        let e = evaluate(&req("ln(x1) + x1*x2 at x1 = 2")).unwrap_err();
        assert_eq!(e.diagnostic.message, "x2 has no value");
        assert_eq!(e.diagnostic.span.start, 12);
        let mut r = req("ln(x1) + x1*x2 at x1 = 2");
        r.at = Some("x2 = 5".into());
        let ev = evaluate(&r).unwrap();
        assert_eq!(ev.sweep.point, [2.0, 5.0]);
        r.at = Some("x1 = 3".into());
        assert!(evaluate(&r).is_err());
    }
}
