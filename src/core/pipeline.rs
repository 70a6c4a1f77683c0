//! The pipeline from text to numbers: parse → trace → point and seed →
//! forward sweep → reverse sweep, with the time each stage took.
//!
//! The one place that turns a user's request (program, `--at`, `--seed` or
//! `--wrt`, CSE on/off) into a trace and a sweep, used by `eval`, the TUI
//! and the REPL alike. Errors come back located in the text they concern
//! (the program, the `--at` list or the `--seed` list). Must not print.

use std::time::{Duration, Instant};

use crate::core::diagnostic::{Diagnostic, Span};
use crate::core::sweep::{self, Directions, Mode, Plan, Sweep};
use crate::core::syntax::{self, Program};
use crate::core::trace::{self, PointError, Trace};

/// How the seed direction is chosen.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum SeedSpec {
    /// e_k for the first input as the user wrote them: the definition's
    /// first parameter, else the first input named in the point (`at`
    /// before the program's own), else the first to appear.
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
    /// Which mode builds the Jacobian of a function with several outputs.
    pub mode: Mode,
    /// `z=[1, 0]`: one reverse sweep along this output cotangent.
    pub cotangent: Option<String>,
}

/// An error in one of the request's texts.
#[derive(Clone, Debug)]
pub struct Failure {
    pub kind: FailureKind,
    pub diagnostic: Diagnostic,
    /// The text the diagnostic's span points into.
    pub source: String,
    /// Its name (file, `--at`, `--seed`), or empty for the program.
    pub origin: String,
}

/// What failed, so that callers never tell errors apart by their text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureKind {
    /// The program does not parse or trace.
    Program,
    /// An input has no value (the program is fine without a point).
    MissingValue,
    /// The point (the program's `at` or `--at`) is wrong.
    Point,
    /// The seed (`--seed`, `--wrt`) is wrong.
    Seed,
    /// Stopped by the user (Ctrl-C in the REPL, `core::cancel`).
    Cancelled,
}

impl Failure {
    pub fn render(&self) -> String {
        if self.kind == FailureKind::Cancelled {
            return "cancelled (Ctrl-C): nothing was changed\n".to_string();
        }
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

/// A traced program at its point and seed: the numbers every view shows
/// (with a step). Shared, not copied, by the views of one program.
#[derive(Clone, Debug)]
pub struct Evaluation {
    pub point: Vec<f64>,
    pub seed: Vec<f64>,
    pub sweep: Sweep,
    pub forward_time: Duration,
    pub reverse_time: Duration,
}

impl Evaluation {
    /// Both sweeps at `point` along `seed` (the gradient of the first
    /// output, or of each output in turn).
    pub fn new(trace: &Trace, point: Vec<f64>, seed: Vec<f64>) -> Evaluation {
        Evaluation::planned(trace, point, seed, Mode::Reverse, None)
    }

    /// Both sweeps, the schedule showing what `mode` needs for the whole
    /// Jacobian (or one reverse sweep along `cotangent`).
    pub fn planned(
        trace: &Trace,
        point: Vec<f64>,
        seed: Vec<f64>,
        mode: Mode,
        cotangent: Option<Vec<f64>>,
    ) -> Evaluation {
        // The stored tangents are along the seed; a view of forward sweep k
        // of a forward-mode plan takes its own (`Sweep::at_sweep`).
        let plan = Plan::new(trace, mode, &seed, cotangent.as_deref());
        let c = plan.reverse.get(0, trace.n_outputs.max(1));
        let (mut sw, forward_time, reverse_time) = sweep::swept(trace, &point, &seed, &c);
        sw.plan = plan;
        Evaluation {
            point,
            seed,
            sweep: sw,
            forward_time,
            reverse_time,
        }
    }

    /// The same point with the sweeps of another mode or cotangent: the
    /// values, partials and tangents stay; the adjoints are recomputed only
    /// if the first reverse sweep goes along another cotangent.
    pub fn replanned(&self, trace: &Trace, mode: Mode, cotangent: Option<&[f64]>) -> Evaluation {
        let mut e = self.clone();
        e.sweep.plan = Plan::new(trace, mode, &e.seed, cotangent);
        let c = e.sweep.plan.reverse.get(0, trace.n_outputs.max(1));
        if c != e.sweep.cotangent {
            sweep::reverse_with(trace, &mut e.sweep, &c);
        }
        e
    }

    /// The same point along another seed: the values, partials and adjoints
    /// do not change; only the tangents are recomputed.
    pub fn reseeded(&self, trace: &Trace, seed: Vec<f64>) -> Evaluation {
        let mut e = self.clone();
        sweep::tangents(trace, &mut e.sweep, &seed);
        if let Directions::Given(s) = &mut e.sweep.plan.forward {
            *s = seed.clone();
        }
        e.seed = seed;
        e
    }
}

/// A traced and swept program (what `eval` prints).
#[derive(Clone, Debug)]
pub struct Evaluated {
    pub traced: Traced,
    pub eval: Evaluation,
}

impl Evaluated {
    pub fn trace(&self) -> &Trace {
        &self.traced.trace
    }
    pub fn sweep(&self) -> &Sweep {
        &self.eval.sweep
    }
    pub fn timings(&self) -> Timings {
        Timings {
            parse: self.traced.parse_time,
            trace: self.traced.trace_time,
            forward: self.eval.forward_time,
            reverse: self.eval.reverse_time,
        }
    }
}

/// A parsed and traced program, before a point is known.
#[derive(Clone, Debug)]
pub struct Traced {
    pub source: String,
    pub origin: String,
    /// The parsed program, for its point (`program.point`). For a large
    /// program only its last statement (where the point is) is kept.
    pub program: Program,
    pub trace: Trace,
    pub parse_time: Duration,
    pub trace_time: Duration,
    /// The shapes an `at` list gave the inputs, beyond the program's own
    /// point (a vector input is lowered to its entries).
    pub shapes: Vec<(String, (u32, u32))>,
}

/// Parse and trace a program.
pub fn trace(program: &str, origin: &str, no_cse: bool) -> Result<Traced, Failure> {
    trace_at(program, origin, no_cse, None)
}

/// The shapes an `at` list (`theta = [1, 0.5]`) gives its names; none if
/// it does not parse (the point reports that).
pub fn at_shapes(at: Option<&str>) -> Vec<(String, (u32, u32))> {
    let Some(text) = at else {
        return Vec::new();
    };
    match syntax::parse_point(text) {
        Ok(p) => trace::point_shapes(text, &p)
            .into_iter()
            .map(|(n, s)| (n.to_string(), s))
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// Parse and trace a program whose inputs take their shapes from its own
/// point and from `at` (which overrides it).
pub fn trace_at(
    program: &str,
    origin: &str,
    no_cse: bool,
    at: Option<&str>,
) -> Result<Traced, Failure> {
    trace_shaped(program, origin, no_cse, at_shapes(at))
}

impl Traced {
    /// The same program traced again (with or without sharing), its inputs
    /// keeping their shapes.
    pub fn retrace(&self, no_cse: bool) -> Result<Traced, Failure> {
        self.retrace_later(no_cse).run()
    }

    /// What `retrace` needs, owned: a view runs it on another thread and
    /// keeps showing this trace meanwhile.
    pub fn retrace_later(&self, no_cse: bool) -> Retrace {
        Retrace {
            source: self.source.clone(),
            origin: self.origin.clone(),
            shapes: self.shapes.clone(),
            no_cse,
        }
    }
}

/// A re-trace to run (`Traced::retrace_later`).
#[derive(Clone, Debug)]
pub struct Retrace {
    source: String,
    origin: String,
    shapes: Vec<(String, (u32, u32))>,
    pub no_cse: bool,
}

impl Retrace {
    pub fn run(self) -> Result<Traced, Failure> {
        trace_shaped(&self.source, &self.origin, self.no_cse, self.shapes)
    }
}

fn trace_shaped(
    program: &str,
    origin: &str,
    no_cse: bool,
    shapes: Vec<(String, (u32, u32))>,
) -> Result<Traced, Failure> {
    let extra: Vec<(&str, (u32, u32))> = shapes.iter().map(|(n, s)| (n.as_str(), *s)).collect();
    let fail = |d: Diagnostic| Failure {
        kind: if crate::core::cancel::requested() {
            FailureKind::Cancelled
        } else {
            FailureKind::Program
        },
        diagnostic: d,
        source: program.to_string(),
        origin: origin.to_string(),
    };
    let opts = trace::Options { cse: !no_cse };
    let t0 = Instant::now();
    let spans = syntax::split(program).map_err(fail)?;
    let (parsed, tr, t1) = if spans.len() >= syntax::PARALLEL_FROM {
        trace_large(program, &spans, opts, &extra).map_err(fail)?
    } else {
        let parsed = syntax::parse(program).map_err(fail)?;
        let t1 = Instant::now();
        let tr = trace::build_shaped(program, &parsed, opts, &extra).map_err(fail)?;
        let (point, rest) = parsed.point_only();
        // A small program's statements are freed here, without a thread.
        if rest.0.len() >= ASIDE_FROM {
            drop_aside(rest);
        }
        (point, tr, t1)
    };
    let t2 = Instant::now();
    Ok(Traced {
        source: program.to_string(),
        origin: origin.to_string(),
        program: parsed,
        trace: tr,
        parse_time: t1 - t0,
        trace_time: t2 - t1,
        shapes,
    })
}

/// A large program: the first part is lowered while the second is still
/// being parsed on the other core. The last chunk (which holds the point
/// and any definition, both needed before lowering starts) is parsed first.
/// Returns the last chunk's parse (its point), the trace, and when parsing
/// ended. Errors are reported as for a small program: the first parse error
/// in the source, then ordering errors, then lowering errors.
fn trace_large(
    src: &str,
    spans: &[Span],
    opts: trace::Options,
    extra: &[(&str, (u32, u32))],
) -> Result<(Program, Trace, Instant), Diagnostic> {
    let n = spans.len();
    let last = syntax::parse_part(src, &spans[n - 1..], n - 1);
    // The first part also lowers its statements: give it a little less to parse.
    let mid = n * 43 / 100;
    let (a, b, lowered) = std::thread::scope(|s| {
        let hb = s.spawn(|| syntax::parse_part(src, &spans[mid..n - 1], mid));
        let mut a = syntax::parse_part(src, &spans[..mid], 0);
        let lowered = match (&a, &last) {
            (Ok(a), Ok(last)) => {
                let header = trace::Header::of(src, &last.prog).with_shapes(extra.to_vec());
                let mut tb =
                    trace::Builder::new(src, opts, &header, a.prog.exprs.len() * n / mid.max(1));
                Some(tb.statements(&a.prog, None, false).map(|()| tb))
            }
            _ => None,
        };
        // The first part's expressions are lowered (or failed to): free
        // them now, while the other part is still being parsed, rather
        // than hold both parts' expressions at once.
        if let Ok(a) = &mut a {
            drop(std::mem::take(&mut a.prog.exprs));
        }
        let b = hb
            .join()
            .unwrap_or_else(|_| Err(Diagnostic::new(spans[mid], "internal error while parsing")));
        (a, b, lowered)
    });
    let parsed = Instant::now();
    let (mut a, b, last) = match (a, b, last) {
        (Ok(a), Ok(b), Ok(last)) => (a, b, last),
        (a, b, last) => {
            let first = [a.err(), b.err(), last.err()]
                .into_iter()
                .flatten()
                .min_by_key(|e| e.span.start);
            return Err(first.unwrap_or_else(|| {
                Diagnostic::new(Span::default(), "internal error while parsing")
            }));
        }
    };
    syntax::check_parts(src, &[&a.prog, &b.prog, &last.prog])?;
    let mut tb = match lowered {
        Some(r) => r?,
        None => {
            return Err(Diagnostic::new(
                Span::default(),
                "internal error while tracing",
            ));
        }
    };
    // The first part's statements are checked: free them before the rest
    // of the trace grows (its names are still needed to join the parts).
    drop_aside(std::mem::take(&mut a.prog.stmts));
    let mut new = Vec::new();
    let mut next = a.prog.symbols.len() as u32;
    let map_b = syntax::join_symbols(src, &a, None, &b.prog.symbols, &mut new, &mut next);
    let map_last = syntax::join_symbols(
        src,
        &a,
        Some((&b, &map_b)),
        &last.prog.symbols,
        &mut new,
        &mut next,
    );
    // The names are joined: the parts' interners and symbol lists are not
    // needed while the rest of the trace grows.
    drop(a);
    let mut b = b.into_program();
    b.symbols = Vec::new();
    let last = last.into_program();
    let last_has_output = !last.stmts.is_empty();
    tb.statements(&b, Some(&map_b), !last_has_output)?;
    drop_aside(b);
    tb.statements(&last, Some(&map_last), last_has_output)?;
    let (point, rest) = last.point_only();
    drop_aside(rest);
    Ok((point, tb.finish(), parsed))
}

/// Parsed programs with this many expressions or more are freed on
/// another thread (`drop_aside`); below, a thread costs more than it saves.
const ASIDE_FROM: usize = 100_000;

/// Free what a large program no longer needs on another thread: dropping
/// a million statements (each may own its parameters) and handing
/// hundreds of megabytes back to the system would hold up the work that
/// follows (the sweeps), and the other core is idle meanwhile.
fn drop_aside(rest: impl std::any::Any + Send) {
    // If no thread can be started, `rest` is freed here.
    let _ = std::thread::Builder::new()
        .name("adtrace-free".into())
        .spawn(move || drop(rest));
}

impl Traced {
    fn fail_program(&self, kind: FailureKind, d: Diagnostic) -> Failure {
        Failure {
            kind,
            diagnostic: d,
            source: self.source.clone(),
            origin: self.origin.clone(),
        }
    }

    /// The input values from the program's point and `at`, all present.
    pub fn point(&self, at: Option<&str>) -> Result<Vec<f64>, Failure> {
        let at_fail = |d: Diagnostic| Failure {
            kind: FailureKind::Point,
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
                PointError::Program(d) => self.fail_program(FailureKind::Point, d),
                PointError::At(d) => at_fail(d),
            })?;
        let mut out = Vec::with_capacity(values.len());
        for (i, v) in values.iter().enumerate() {
            match v {
                Some(v) => out.push(*v),
                None => {
                    let d = trace::missing_value(&self.trace, i);
                    return Err(self.fail_program(FailureKind::MissingValue, d));
                }
            }
        }
        Ok(out)
    }

    /// The point (the program's own, completed or overridden by `at`) and
    /// the seed, and both sweeps there: the one way every front end gets
    /// its numbers.
    pub fn evaluate(&self, at: Option<&str>, seed: &SeedSpec) -> Result<Evaluation, Failure> {
        self.evaluate_with(at, seed, Mode::Reverse, None)
    }

    /// The same, with the sweeps `mode` needs for the Jacobian, or one
    /// reverse sweep along a cotangent (`z=[1, 0]`).
    pub fn evaluate_with(
        &self,
        at: Option<&str>,
        seed: &SeedSpec,
        mode: Mode,
        cotangent: Option<&str>,
    ) -> Result<Evaluation, Failure> {
        let point = self.point(at)?;
        let seed = self.seed_at(seed, at)?;
        let cotangent = match cotangent {
            Some(text) => Some(self.cotangent(text)?),
            None => None,
        };
        let mut ev = Evaluation::planned(&self.trace, point, seed, mode, cotangent);
        self.name_point_problems(at, &mut ev.sweep);
        Ok(ev)
    }

    /// The sweep warns of an input the point makes NaN or infinite; say
    /// why, from the point's text (`at x = ln(-1)`).
    fn name_point_problems(&self, at: Option<&str>, sw: &mut Sweep) {
        let n = self.trace.n_inputs;
        if !sw.point.iter().any(|v| !v.is_finite()) {
            return;
        }
        let at_prog = at.and_then(|t| syntax::parse_point(t).ok());
        let at_pair = at.zip(at_prog.as_ref());
        for w in &mut sw.warnings {
            let i = w.row as usize;
            if i >= n || w.pass != sweep::Pass::Value {
                continue;
            }
            let name = self.trace.name(i).unwrap_or("");
            if let Some(why) =
                trace::point_problem(&self.trace, &self.source, &self.program, at_pair, name)
            {
                w.cause = format!("{} (in the point, {why})", w.cause);
            }
        }
    }

    /// The output cotangent a list gives (`z=[1, 0]`, `L=1`; outputs left
    /// out are 0), located in the list on error.
    pub fn cotangent(&self, text: &str) -> Result<Vec<f64>, Failure> {
        let fail = |d: Diagnostic| Failure {
            kind: FailureKind::Seed,
            diagnostic: d,
            source: text.to_string(),
            origin: "--cotangent".to_string(),
        };
        let p = syntax::parse_point(text).map_err(fail)?;
        let t = &self.trace;
        let outputs = t.outputs();
        let env = trace::ConstEnv::of(t);
        let mut c = vec![0.0; outputs.len()];
        for b in &p.point {
            let name = b.name.text(text);
            let v = trace::const_tensor(&env, text, &p, b.first, b.value).map_err(fail)?;
            let whole = t.shaped_output.as_ref().filter(|s| &*s.name == name);
            if let Some(sh) = whole {
                if v.data.len() != sh.len() {
                    return Err(fail(Diagnostic::new(
                        p.exprs[b.value as usize].span,
                        format!(
                            "{name} has {} entries; this gives {}",
                            sh.len(),
                            v.data.len()
                        ),
                    )));
                }
                c.copy_from_slice(&v.data);
                continue;
            }
            let k = outputs.clone().position(|r| t.name(r) == Some(name));
            match (k, v.data.as_slice()) {
                (Some(k), [x]) => c[k] = *x,
                (Some(_), _) => {
                    return Err(fail(Diagnostic::new(
                        p.exprs[b.value as usize].span,
                        format!("{name} is one output: give it a number"),
                    )));
                }
                (None, _) => {
                    let names: Vec<String> = t
                        .shaped_output
                        .iter()
                        .map(|s| s.name.to_string())
                        .chain(
                            outputs
                                .clone()
                                .filter_map(|r| t.name(r).map(str::to_string)),
                        )
                        .filter(|n| !n.is_empty() && !n.contains('['))
                        .collect();
                    return Err(fail(
                        Diagnostic::new(b.name, format!("'{name}' is not an output")).with_hint(
                            if names.is_empty() {
                                "name the output to give it a cotangent (z = …)".to_string()
                            } else {
                                format!("the outputs are {}", names.join(", "))
                            },
                        ),
                    ));
                }
            }
        }
        Ok(c)
    }

    /// Whether every input has a value in the program's own point.
    pub fn has_full_point(&self) -> bool {
        self.point(None).is_ok()
    }

    /// The input `SeedSpec::First` seeds: the definition's first
    /// parameter (inputs follow its order), else the first input the point
    /// names — the `at` list first, then the program's own — else input 0.
    pub fn first_input(&self, at: Option<&str>) -> usize {
        if self.program.definition.is_some() {
            return 0;
        }
        let index = |name: &str| {
            self.trace.input_index(name).or_else(|| {
                let sh = self.trace.shaped_input(name)?;
                (!sh.is_empty()).then_some(sh.first as usize)
            })
        };
        let from_at = at
            .and_then(|text| Some((text, syntax::parse_point(text).ok()?)))
            .and_then(|(text, p)| p.point.iter().find_map(|b| index(b.name.text(text))));
        from_at
            .or_else(|| {
                self.program
                    .point
                    .iter()
                    .find_map(|b| index(b.name.text(&self.source)))
            })
            .filter(|&i| i < self.trace.n_inputs)
            .unwrap_or(0)
    }

    /// The seed vector for a seed spec, for the program's own point.
    pub fn seed(&self, spec: &SeedSpec) -> Result<Vec<f64>, Failure> {
        self.seed_at(spec, None)
    }

    /// The seed vector for a seed spec, the point completed by `at`.
    pub fn seed_at(&self, spec: &SeedSpec, at: Option<&str>) -> Result<Vec<f64>, Failure> {
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
            let d = match crate::core::diagnostic::did_you_mean(name, inputs.iter().copied()) {
                Some(m) => d.with_hint(format!("did you mean '{m}'? {list}")),
                None => d.with_hint(list),
            };
            Failure {
                kind: FailureKind::Seed,
                diagnostic: d,
                source: src.to_string(),
                origin: origin.to_string(),
            }
        };
        match spec {
            SeedSpec::First => {
                let first = self.first_input(at);
                if let Some(s) = seed.get_mut(first) {
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
                    kind: FailureKind::Seed,
                    diagnostic: d,
                    source: text.clone(),
                    origin: "--seed".to_string(),
                };
                let p = syntax::parse_point(text).map_err(fail)?;
                let mut vals = vec![None; n];
                // Seed values are constant expressions, checked like a point.
                for b in &p.point {
                    let name = b.name.text(text);
                    if self.trace.input_index(name).is_none()
                        && self.trace.shaped_input(name).is_none()
                    {
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
    let traced = trace_at(&req.program, &req.origin, req.no_cse, req.at.as_deref())?;
    let eval = traced.evaluate_with(
        req.at.as_deref(),
        &req.seed,
        req.mode,
        req.cotangent.as_deref(),
    )?;
    Ok(Evaluated { traced, eval })
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
    fn the_default_seed_is_the_first_input_as_written() {
        // The lecture's net with all four as inputs, written W0 first: by
        // first appearance the inputs are W1, W0, x, y.
        let p = "L = (W1*tanh(W0*x) - y)^2 at W0=2, x=1, W1=1.2, y=2";
        let e = evaluate(&req(p)).unwrap();
        let names: Vec<&str> = e.trace().input_names().collect();
        assert_eq!(names, ["W1", "W0", "x", "y"]);
        assert_eq!(e.eval.seed, [0.0, 1.0, 0.0, 0.0]);
        // ∂L/∂W0 = 2(W1·tanh(2) − 2)·W1·(1 − tanh²(2))·x, the forward tangent.
        let t = 2f64.tanh();
        let d = 2.0 * (1.2 * t - 2.0) * 1.2 * (1.0 - t * t);
        assert!((e.eval.sweep.tangent[e.trace().nodes.len() - 1] - d).abs() < 1e-12);
        // `at` (the prompt's point, `--at`) names the order first.
        let t = trace("x*y", "", false).unwrap();
        assert_eq!(
            t.seed_at(&SeedSpec::First, Some("y = 1, x = 2")).unwrap(),
            [0.0, 1.0]
        );
        // A definition's parameters give the order, whatever the point's.
        let t = trace("f(x, y) = x*y at y = 1, x = 2", "", false).unwrap();
        assert_eq!(t.seed(&SeedSpec::First).unwrap(), [1.0, 0.0]);
        // A vector input seeds its first entry.
        let t = trace("sum(v) + w at w = 1, v = [1, 2]", "", false).unwrap();
        let w = t.trace.input_index("w").unwrap();
        assert_eq!(t.seed(&SeedSpec::First).unwrap()[w], 1.0);
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

    /// Large programs take the pipelined path (parts lowered while others
    /// are parsed): it must give exactly the trace and the errors of the
    /// whole-program path.
    #[test]
    fn large_programs_trace_as_small_ones_do() {
        let n = 25_000;
        let body: String = (1..=n)
            .map(|i| format!("v{i} = sin(v{}) + e*x\n", i - 1))
            .collect();
        let whole = |src: &str| {
            let p = crate::core::syntax::parse(src).map_err(|d| d.message)?;
            crate::core::trace::build(src, &p, trace::Options::default()).map_err(|d| d.message)
        };
        let piped = |src: &str| {
            trace(src, "", false)
                .map(|t| t.trace)
                .map_err(|f| f.diagnostic.message)
        };
        for src in [
            format!("v0 = x\n{body}f = v{n} * late\nat x = 0.5, late = 2"),
            format!("v0 = x\n{body}f = v{n} * late at x = 0.5, late = 2"),
            format!("v0 = x\n{body}at x = 0.5, e = 3"),
            format!("v0 = 2\n{body}f(x) = x * v{n}"),
        ] {
            let (a, b) = (whole(&src), piped(&src));
            assert!(a.is_ok(), "{a:?}");
            assert_eq!(a, b);
        }
        assert_eq!(
            piped(&format!("v0 = x\n{body}at x = 0.5, e = 3"))
                .unwrap()
                .n_inputs,
            2
        );
        for (src, want) in [
            (
                format!("a = v{} + x\n{body}", n - 3),
                "used before it is defined",
            ),
            (format!("v0 = x\n{body}v7 = 3"), "already defined"),
            (
                format!("v0 = x at x = 1\n{body}"),
                "a statement after the point",
            ),
            (
                format!("v0 = x\n{body}y = e\ne = 2"),
                "used before it is defined",
            ),
            (format!("v0 = x\n{body}f = sinn(x)"), "unknown function"),
            (
                format!("v0 = x\n{}\n{body}", "q = (1, 2)"),
                "tuple can only be the output",
            ),
        ] {
            assert_eq!(whole(&src).unwrap_err(), piped(&src).unwrap_err());
            assert!(
                piped(&src).unwrap_err().contains(want),
                "{want}: {:?}",
                piped(&src)
            );
        }
    }

    #[test]
    fn missing_values_point_at_the_input() {
        let e = evaluate(&req("ln(x1) + x1*x2 at x1 = 2")).unwrap_err();
        assert_eq!(e.diagnostic.message, "x2 has no value");
        assert_eq!(e.kind, FailureKind::MissingValue);
        assert_eq!(e.diagnostic.span.start, 12);
        let mut r = req("ln(x1) + x1*x2 at x1 = 2");
        r.at = Some("x2 = 5".into());
        let ev = evaluate(&r).unwrap();
        assert_eq!(ev.sweep().point, [2.0, 5.0]);
        r.at = Some("x1 = 3".into());
        assert!(evaluate(&r).is_err());
    }
}
