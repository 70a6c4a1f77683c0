//! The sweeps: values, local partials and tangents in one forward pass for a
//! seed direction, then adjoints in one reverse pass from the stored
//! partials.
//!
//! Owns activity (which rows depend on the seeded inputs, which the output
//! depends on) and the warnings found while sweeping (domain, kink,
//! non-finite). Must not format text; every number comes from `ops`.

use std::time::{Duration, Instant};

use crate::core::ops::{Issue, Op};
use crate::core::trace::{Operand, Trace};

/// What a warning is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WarningKind {
    /// An operand outside the operation's domain (ln(−1), 1/0).
    Domain,
    /// A kink (relu/abs at 0): the stated convention was used.
    Kink,
    /// A point where the slope is infinite (sqrt at 0): not differentiable.
    NotDifferentiable,
    /// Near a pole (tan at π/2): huge numbers that mean nothing.
    Pole,
    /// A value, tangent or adjoint that is not finite, first appearing here.
    NonFinite,
}

impl WarningKind {
    pub fn name(self) -> &'static str {
        match self {
            WarningKind::Domain => "domain",
            WarningKind::Kink => "kink",
            WarningKind::NotDifferentiable => "not-differentiable",
            WarningKind::Pole => "pole",
            WarningKind::NonFinite => "non-finite",
        }
    }
}

/// Which pass of the sweeps found a warning: a view shows it once that
/// pass has reached the row (a reverse-sweep warning is no news at forward
/// step 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pass {
    /// Values and local partials (the forward sweep).
    Value,
    /// Tangents, for the current seed.
    Tangent,
    /// Adjoints (the reverse sweep).
    Adjoint,
}

/// A problem at a row. `cause` is plain text without row names, so that any
/// notation can prefix it with its own name for the row.
#[derive(Clone, Debug, PartialEq)]
pub struct Warning {
    pub row: u32,
    pub kind: WarningKind,
    pub pass: Pass,
    pub cause: String,
}

impl Warning {
    /// Whether a view that knows `known` of the row may show this warning
    /// (its pass has reached the row).
    pub fn shown(&self, known: crate::core::schedule::Known) -> bool {
        match self.pass {
            Pass::Value => known.value,
            Pass::Tangent => known.tangent,
            Pass::Adjoint => known.adjoint,
        }
    }
}

/// The directions of one phase's sweeps: one sweep along a given vector,
/// or one sweep per unit vector (a whole Jacobian, column by column
/// forward or row by row in reverse).
#[derive(Clone, Debug, PartialEq)]
pub enum Directions {
    Given(Vec<f64>),
    Units(usize),
}

impl Default for Directions {
    fn default() -> Directions {
        Directions::Units(0)
    }
}

impl Directions {
    pub fn count(&self) -> usize {
        match self {
            Directions::Given(_) => 1,
            Directions::Units(n) => *n,
        }
    }

    /// The direction of sweep `k`, `len` entries long.
    pub fn get(&self, k: usize, len: usize) -> Vec<f64> {
        match self {
            Directions::Given(v) => v.clone(),
            Directions::Units(_) => {
                let mut e = vec![0.0; len];
                if let Some(x) = e.get_mut(k) {
                    *x = 1.0;
                }
                e
            }
        }
    }
}

/// Which mode builds the Jacobian of a function with several outputs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// One forward sweep per input: a column each.
    Forward,
    /// One reverse sweep per output: a row each (the default; for one
    /// output, the gradient).
    #[default]
    Reverse,
}

impl Mode {
    pub fn name(self) -> &'static str {
        match self {
            Mode::Forward => "forward",
            Mode::Reverse => "reverse",
        }
    }
    pub fn parse(s: &str) -> Option<Mode> {
        match s {
            "forward" => Some(Mode::Forward),
            "reverse" => Some(Mode::Reverse),
            _ => None,
        }
    }
}

/// The sweeps shown, in order: the forward ones, then the reverse ones.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plan {
    pub mode: Mode,
    pub forward: Directions,
    pub reverse: Directions,
}

impl Plan {
    /// The sweeps for a mode: forward mode takes one forward sweep per
    /// input; reverse mode the seed's forward sweep and one reverse sweep
    /// per output (or one along a given cotangent).
    pub fn new(trace: &Trace, mode: Mode, seed: &[f64], cotangent: Option<&[f64]>) -> Plan {
        let m = trace.n_outputs.max(1);
        match mode {
            Mode::Forward if trace.n_outputs > 1 || trace.n_inputs > 1 => Plan {
                mode,
                forward: Directions::Units(trace.n_inputs.max(1)),
                reverse: Directions::Units(0),
            },
            _ => Plan {
                mode,
                forward: Directions::Given(seed.to_vec()),
                reverse: match cotangent {
                    Some(c) => Directions::Given(c.to_vec()),
                    None if m == 1 => Directions::Given(vec![1.0]),
                    None => Directions::Units(m),
                },
            },
        }
    }
}

/// The numbers of a trace at one point for one seed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sweep {
    /// Value of each input, in input order.
    pub point: Vec<f64>,
    /// Seed (tangent) of each input, in input order.
    pub seed: Vec<f64>,
    /// The adjoint seed of each output, in output order (e₁ by default).
    pub cotangent: Vec<f64>,
    /// The sweeps the schedule shows.
    pub plan: Plan,
    pub value: Vec<f64>,
    /// ∂row/∂operand for the two operands of each row.
    pub partial: Vec<[f64; 2]>,
    pub tangent: Vec<f64>,
    pub adjoint: Vec<f64>,
    /// Whether the row depends on an input with a non-zero seed (else its
    /// tangent is structurally 0).
    pub seeded: Vec<bool>,
    /// Sorted by row (every pass ends with `sort_warnings`).
    pub warnings: Vec<Warning>,
}

impl Sweep {
    /// The steps of this sweep's plan over the trace's rows.
    pub fn schedule(&self, trace: &Trace) -> crate::core::schedule::Schedule {
        crate::core::schedule::Schedule::new(
            trace.len(),
            self.plan.forward.count().max(1),
            self.plan.reverse.count(),
        )
    }

    /// The numbers as sweep `k` of `phase` leaves them: the tangents along
    /// its seed direction, or the adjoints from its cotangent (the values
    /// and partials are the same for every sweep).
    /// Whether sweep `k` of `phase` goes along another direction than the
    /// numbers stored (so a view of it needs `at_sweep`).
    pub fn differs(&self, trace: &Trace, phase: crate::core::schedule::Phase, k: usize) -> bool {
        match phase {
            crate::core::schedule::Phase::Forward => {
                self.plan.forward.get(k, trace.n_inputs) != self.seed
            }
            crate::core::schedule::Phase::Reverse => {
                self.plan.reverse.get(k, trace.n_outputs.max(1)) != self.cotangent
            }
        }
    }

    pub fn at_sweep(&self, trace: &Trace, phase: crate::core::schedule::Phase, k: usize) -> Sweep {
        let mut s = self.clone();
        match phase {
            crate::core::schedule::Phase::Forward => {
                let seed = self.plan.forward.get(k, trace.n_inputs);
                if seed != self.seed {
                    tangents(trace, &mut s, &seed);
                }
            }
            crate::core::schedule::Phase::Reverse => {
                let c = self.plan.reverse.get(k, trace.n_outputs.max(1));
                if c != self.cotangent {
                    reverse_with(trace, &mut s, &c);
                }
            }
        }
        s
    }

    /// The tangents of each forward sweep of `plan`, then the adjoints of
    /// each of its reverse sweeps, one sweep at a time in a scratch buffer
    /// (for a view that needs, say, the widest number of every sweep
    /// without keeping them all). O(rows) per sweep; nothing is stored.
    pub fn each_sweep(
        &self,
        trace: &Trace,
        plan: &Plan,
        mut f: impl FnMut(crate::core::schedule::Phase, usize, &[f64]),
    ) {
        use crate::core::schedule::Phase;
        let (mut t, mut seeded) = (Vec::new(), Vec::new());
        for k in 0..plan.forward.count() {
            let seed = plan.forward.get(k, trace.n_inputs);
            tangent_pass(trace, &self.partial, &seed, &mut t, &mut seeded);
            f(Phase::Forward, k, &t);
        }
        let mut a = Vec::new();
        for k in 0..plan.reverse.count() {
            let c = plan.reverse.get(k, trace.n_outputs.max(1));
            adjoint_pass(trace, &self.partial, &c, &mut a);
            f(Phase::Reverse, k, &a);
        }
    }

    /// The output's value.
    pub fn output_value(&self) -> f64 {
        self.value.last().copied().unwrap_or(f64::NAN)
    }
    /// The directional derivative of the output along the seed.
    pub fn output_tangent(&self) -> f64 {
        self.tangent.last().copied().unwrap_or(f64::NAN)
    }
    /// ∂output/∂input for each input.
    pub fn gradient(&self) -> &[f64] {
        &self.adjoint[..self.point.len().min(self.adjoint.len())]
    }
    pub fn warnings_at(&self, row: usize) -> impl Iterator<Item = &Warning> {
        // Warnings are kept sorted by row (`sort_warnings` ends every
        // pass): a binary search, not a scan per row.
        let lo = self.warnings.partition_point(|w| (w.row as usize) < row);
        let hi = self.warnings.partition_point(|w| (w.row as usize) <= row);
        self.warnings[lo..hi.max(lo)].iter()
    }
}

#[inline]
fn get(values: &[f64], a: Operand) -> f64 {
    match a {
        Operand::Row(r) => values[r as usize],
        Operand::Const(c) => c,
        Operand::None => 0.0,
    }
}

/// Forward sweep: values, partials and tangents, row by row (the lecture's
/// table filled as it is on the slide). `point` and `seed` are per input.
pub fn forward(trace: &Trace, point: &[f64], seed: &[f64]) -> Sweep {
    let mut s = value_pass(trace, point, seed);
    tangents(trace, &mut s, seed);
    s
}

/// Traces with at least this many rows run their tangent and adjoint
/// passes on two threads (`swept`): below it a thread costs more than the
/// pass.
pub const PARALLEL_ROWS: usize = 50_000;

/// Both sweeps along `seed` and the outputs' `cotangent`: the values and
/// partials, then the tangents and the adjoints, which read the same
/// partials and write apart, on two cores for a large trace. Also the time
/// each sweep took on its own (forward: values and tangents; reverse:
/// adjoints); on two cores they overlap.
pub fn swept(
    trace: &Trace,
    point: &[f64],
    seed: &[f64],
    cotangent: &[f64],
) -> (Sweep, Duration, Duration) {
    let t0 = Instant::now();
    let mut s = value_pass(trace, point, seed);
    let values = t0.elapsed();
    s.seed = seed.to_vec();
    s.cotangent = cotangent.to_vec();
    let Sweep {
        value,
        partial,
        tangent,
        seeded,
        adjoint,
        warnings,
        ..
    } = &mut s;
    let (value, partial, found) = (&value[..], &partial[..], &warnings[..]);
    let timed = |f: &mut dyn FnMut() -> Vec<Warning>| {
        let t = Instant::now();
        (f(), t.elapsed())
    };
    let ((tw, tt), (aw, ta)) = join(
        trace.len() >= PARALLEL_ROWS,
        || {
            timed(&mut || {
                tangent_pass(trace, partial, seed, tangent, seeded);
                tangent_warnings(trace, value, tangent, seeded, found)
            })
        },
        || {
            timed(&mut || {
                adjoint_pass(trace, partial, cotangent, adjoint);
                adjoint_warnings(trace, value, adjoint)
            })
        },
    );
    s.warnings.extend(tw);
    s.warnings.extend(aw);
    sort_warnings(&mut s);
    (s, values + tt, ta)
}

/// `a` and `b`, on two threads if `parallel`, else one after the other.
fn join<A: Send, B>(parallel: bool, a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B) -> (A, B) {
    if !parallel {
        let a = a();
        return (a, b());
    }
    std::thread::scope(|sc| {
        let h = sc.spawn(a);
        let b = b();
        (h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)), b)
    })
}

/// The values and local partials (and the value pass's warnings), with
/// no tangents or adjoints yet.
fn value_pass(trace: &Trace, point: &[f64], seed: &[f64]) -> Sweep {
    let n = trace.len();
    let mut s = Sweep {
        point: point.to_vec(),
        seed: seed.to_vec(),
        cotangent: Vec::new(),
        plan: Plan::new(trace, Mode::Reverse, seed, None),
        value: Vec::with_capacity(n),
        partial: Vec::with_capacity(n),
        tangent: Vec::new(),
        adjoint: Vec::new(),
        seeded: Vec::new(),
        warnings: Vec::new(),
    };
    // Domain problems among the constants were found while folding them.
    for c in &trace.const_issues {
        s.warnings.push(Warning {
            row: c.row,
            kind: WarningKind::Domain,
            pass: Pass::Value,
            cause: c.cause.clone(),
        });
    }
    for (i, node) in trace.nodes.iter().enumerate() {
        let [a0, a1] = trace.operands(node);
        if node.op == Op::Input {
            let v = point.get(i).copied().unwrap_or(f64::NAN);
            if !v.is_finite() {
                s.warnings.push(Warning {
                    row: i as u32,
                    kind: WarningKind::Domain,
                    pass: Pass::Value,
                    cause: format!("the point gives this input the value {}", show(v)),
                });
            }
            s.value.push(v);
            s.partial.push([0.0, 0.0]);
            continue;
        }
        let (a, b) = (get(&s.value, a0), get(&s.value, a1));
        let local = node.op.local(a, b, [a0.is_const(), a1.is_const()]);
        let (v, p) = (local.value, local.partials);
        if let Some(issue) = local.issue {
            let (kind, cause) = match issue {
                Issue::Domain(c) => (
                    WarningKind::Domain,
                    format!(
                        "{c}; outside the domain the derivative does not exist either, so the local partials are NaN"
                    ),
                ),
                Issue::Kink(c) => (WarningKind::Kink, c.to_string()),
                Issue::Singular(c) => (WarningKind::NotDifferentiable, c.to_string()),
                Issue::Pole(c) => (WarningKind::Pole, c.to_string()),
            };
            s.warnings.push(Warning {
                row: i as u32,
                kind,
                pass: Pass::Value,
                cause,
            });
        } else if !v.is_finite() && finite_operands(&s.value, trace.operands(node)) {
            s.warnings.push(Warning {
                row: i as u32,
                kind: WarningKind::NonFinite,
                pass: Pass::Value,
                cause: format!("the value overflows to {}", show(v)),
            });
        }
        s.value.push(v);
        s.partial.push(p);
    }
    solve_warnings(trace, &mut s);
    s
}

/// The values alone, row by row, into `out` (no partials, no tangents, no
/// warnings): one evaluation of f, as a finite difference or a tape's
/// recording pass needs it.
pub fn values(trace: &Trace, point: &[f64], out: &mut Vec<f64>) {
    out.clear();
    out.reserve(trace.len());
    for (i, node) in trace.nodes.iter().enumerate() {
        let v = if node.op == Op::Input {
            point.get(i).copied().unwrap_or(f64::NAN)
        } else {
            let [a0, a1] = trace.operands(node);
            node.op.eval(get(out, a0), get(out, a1))
        };
        out.push(v);
    }
}

/// `solve(A, b)` at a point where A is nearly singular: its determinant is
/// tiny against the size of its rows (the Hadamard bound), so the answer
/// and its derivatives are unreliable. Warned at the determinant's row.
fn solve_warnings(trace: &Trace, s: &mut Sweep) {
    for c in &trace.solves {
        let Operand::Row(at) = c.det else {
            continue;
        };
        let det = get(&s.value, c.det);
        let n = c.n as usize;
        let bound: f64 = (0..n)
            .map(|i| {
                (0..n)
                    .map(|j| get(&s.value, c.entries[i * n + j]).powi(2))
                    .sum::<f64>()
                    .sqrt()
            })
            .product();
        if det.is_finite() && bound > 0.0 && det.abs() <= 1e-10 * bound {
            s.warnings.push(Warning {
                row: at,
                kind: WarningKind::Domain,
                pass: Pass::Value,
                cause: format!(
                    "solve: {} is nearly singular here (det = {det:.2e} against {bound:.2e}, the product of its rows' sizes); the answer and its derivatives are unreliable",
                    c.name
                ),
            });
        }
    }
}

fn finite_operands(values: &[f64], args: [Operand; 2]) -> bool {
    args.iter().all(|&a| get(values, a).is_finite())
}

fn show(v: f64) -> &'static str {
    if v.is_nan() {
        "NaN"
    } else if v > 0.0 {
        "+infinity"
    } else {
        "-infinity"
    }
}

/// Recompute the tangents for a new seed from the stored partials (the
/// values do not change with the seed).
pub fn tangents(trace: &Trace, s: &mut Sweep, seed: &[f64]) {
    s.seed = seed.to_vec();
    s.warnings.retain(|w| w.pass != Pass::Tangent);
    tangent_pass(trace, &s.partial, seed, &mut s.tangent, &mut s.seeded);
    let w = tangent_warnings(trace, &s.value, &s.tangent, &s.seeded, &s.warnings);
    s.warnings.extend(w);
    sort_warnings(s);
}

/// Where a non-finite tangent first appears (its operands' tangents are
/// finite), for the rows `found` (the value pass's warnings) does not
/// already say are outside their domain.
fn tangent_warnings(
    trace: &Trace,
    value: &[f64],
    tangent: &[f64],
    seeded: &[bool],
    found: &[Warning],
) -> Vec<Warning> {
    let mut out = Vec::new();
    // A row outside its domain already says its partials are NaN.
    let mut domain = vec![false; if found.is_empty() { 0 } else { trace.len() }];
    for w in found {
        if w.kind == WarningKind::Domain && w.pass == Pass::Value {
            domain[w.row as usize] = true;
        }
    }
    let finite = |r: u32| tangent[r as usize].is_finite();
    for (i, node) in trace.nodes.iter().enumerate() {
        let t = tangent[i];
        if node.op != Op::Input
            && !domain.get(i).copied().unwrap_or(false)
            && seeded[i]
            && !t.is_finite()
            && value[i].is_finite()
            && node.row_args().all(finite)
        {
            out.push(Warning {
                row: i as u32,
                kind: WarningKind::NonFinite,
                pass: Pass::Tangent,
                cause: format!(
                    "the derivative is {} (a local partial is not finite)",
                    show(t)
                ),
            });
        }
    }
    out
}

/// The tangents along `seed` (one per input) from the stored partials,
/// into `tangent`, and which rows depend on a seeded input, into
/// `seeded`. Only seeded operands contribute: a structural zero stays 0
/// even where a partial is infinite or NaN.
pub fn tangent_pass(
    trace: &Trace,
    partial: &[[f64; 2]],
    seed: &[f64],
    tangent: &mut Vec<f64>,
    seeded: &mut Vec<bool>,
) {
    let n = trace.len();
    tangent.clear();
    tangent.reserve(n);
    seeded.clear();
    seeded.reserve(n);
    for (i, node) in trace.nodes.iter().enumerate() {
        if node.op == Op::Input {
            let d = seed.get(i).copied().unwrap_or(0.0);
            tangent.push(d);
            seeded.push(d != 0.0);
            continue;
        }
        let (a0, a1) = (node.row_arg(0), node.row_arg(1));
        let p = partial[i];
        let mut t = 0.0;
        let mut active = false;
        if let Some(r) = a0
            && seeded[r as usize]
        {
            t += p[0] * tangent[r as usize];
            active = true;
        }
        if let Some(r) = a1
            && seeded[r as usize]
        {
            t += p[1] * tangent[r as usize];
            active = true;
        }
        tangent.push(t);
        seeded.push(active);
    }
}

/// The adjoints from `cotangent` (one per output) and the stored
/// partials, into `adjoint`; rows the outputs do not use stay 0.
pub fn adjoint_pass(
    trace: &Trace,
    partial: &[[f64; 2]],
    cotangent: &[f64],
    adjoint: &mut Vec<f64>,
) {
    let n = trace.len();
    adjoint.clear();
    adjoint.resize(n, 0.0);
    if n == 0 {
        return;
    }
    for (k, r) in trace.outputs().enumerate() {
        adjoint[r] = cotangent.get(k).copied().unwrap_or(0.0);
    }
    for i in (0..n).rev() {
        let node = &trace.nodes[i];
        if !node.reaches_output {
            continue;
        }
        let g = adjoint[i];
        let p = partial[i];
        if let Some(r) = node.row_arg(0) {
            adjoint[r as usize] += g * p[0];
        }
        if let Some(r) = node.row_arg(1) {
            adjoint[r as usize] += g * p[1];
        }
    }
}

/// Reverse sweep from the first output: its adjoint seeded with 1.
pub fn reverse(trace: &Trace, s: &mut Sweep) {
    let mut c = vec![0.0; trace.n_outputs.max(1)];
    c[0] = 1.0;
    reverse_with(trace, s, &c);
}

/// Reverse sweep: seed the outputs' adjoints with `cotangent` and push
/// each row's adjoint times its local partials to its operands, from the
/// last row to the first. Rows the outputs do not depend on keep a
/// structural 0.
pub fn reverse_with(trace: &Trace, s: &mut Sweep, cotangent: &[f64]) {
    s.cotangent = cotangent.to_vec();
    s.warnings.retain(|w| w.pass != Pass::Adjoint);
    adjoint_pass(trace, &s.partial, cotangent, &mut s.adjoint);
    let w = adjoint_warnings(trace, &s.value, &s.adjoint);
    s.warnings.extend(w);
    sort_warnings(s);
}

/// Where a non-finite adjoint first appears (its consumers' adjoints are
/// finite), once per row.
fn adjoint_warnings(trace: &Trace, value: &[f64], adjoint: &[f64]) -> Vec<Warning> {
    let mut out = Vec::new();
    // Most sweeps have no non-finite adjoint at all: no table then.
    if adjoint.iter().all(|a| a.is_finite()) {
        return out;
    }
    let n = trace.len();
    let consumers_finite = {
        let mut ok = vec![true; n];
        for (j, node) in trace.nodes.iter().enumerate() {
            if !adjoint[j].is_finite() {
                for r in node.row_args() {
                    ok[r as usize] = false;
                }
            }
        }
        ok
    };
    for (i, &consumers_ok) in consumers_finite.iter().enumerate() {
        // A NaN value already carries its own warning upstream.
        if trace.nodes[i].reaches_output
            && !adjoint[i].is_finite()
            && consumers_ok
            && value[i].is_finite()
        {
            out.push(Warning {
                row: i as u32,
                kind: WarningKind::NonFinite,
                pass: Pass::Adjoint,
                cause: format!(
                    "the adjoint is {} (a local partial is not finite)",
                    show(adjoint[i])
                ),
            });
        }
    }
    out
}

fn sort_warnings(s: &mut Sweep) {
    s.warnings.sort_by_key(|w| w.row);
}

/// Forward then reverse: everything a view needs at one point and seed.
pub fn both(trace: &Trace, point: &[f64], seed: &[f64]) -> Sweep {
    let mut s = forward(trace, point, seed);
    reverse(trace, &mut s);
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::syntax::parse;
    use crate::core::trace::{Options, build};

    fn run(src: &str, point: &[f64]) -> (Trace, Sweep) {
        let t = build(src, &parse(src).unwrap(), Options::default()).unwrap();
        let mut seed = vec![0.0; t.n_inputs];
        if let Some(s) = seed.first_mut() {
            *s = 1.0;
        }
        let s = both(&t, point, &seed);
        (t, s)
    }

    fn r4(x: f64) -> f64 {
        (x * 1e4).round() / 1e4
    }

    /// The lecture's neural-net table, x0..x5 and d0..d5 (with the slide's
    /// 0.722 corrected to 0.7109 = (−0.8432)²).
    #[test]
    fn lecture_neural_net_table() {
        let (_, s) = run(
            "W0 = 2; W1 = 1.2; y = 2; L = (W1*tanh(W0*x) - y)^2 at x = 1",
            &[1.0],
        );
        let v: Vec<f64> = s.value.iter().map(|&x| r4(x)).collect();
        assert_eq!(v, [1.0, 2.0, 0.964, 1.1568, -0.8432, 0.7109]);
        let d: Vec<f64> = s.tangent.iter().map(|&x| r4(x)).collect();
        assert_eq!(d, [1.0, 2.0, 0.1413, 0.1696, 0.1696, -0.2859]);
        assert!((s.gradient()[0] - s.output_tangent()).abs() < 1e-15);
    }

    #[test]
    fn lecture_neural_net_with_all_inputs() {
        let src = "L = (W1*tanh(W0*x) - y)^2";
        let t = build(src, &parse(src).unwrap(), Options::default()).unwrap();
        let names: Vec<&str> = t.input_names().collect();
        assert_eq!(names, ["W1", "W0", "x", "y"]);
        let s = both(&t, &[1.2, 2.0, 1.0, 2.0], &[0.0, 0.0, 1.0, 0.0]);
        let g: Vec<f64> = s.gradient().iter().map(|&x| r4(x)).collect();
        // dL/dW1 = 2·x4·x2, dL/dW0 = 2·x4·W1·(1−tanh²)·x, dL/dx, dL/dy = −2·x4
        let x4 = 1.2 * 2f64.tanh() - 2.0;
        let sech2 = 1.0 - 2f64.tanh().powi(2);
        assert_eq!(
            g,
            [
                r4(2.0 * x4 * 2f64.tanh()),
                r4(2.0 * x4 * 1.2 * sech2),
                -0.2859,
                r4(-2.0 * x4)
            ]
        );
        assert_eq!(r4(s.output_tangent()), -0.2859);
    }

    #[test]
    fn lecture_graph_both_sweeps_agree() {
        let (t, s) = run("sqrt(x^2 + exp(x^2)) + cos(x^2 + exp(x^2))", &[1.0]);
        assert_eq!(t.len(), 7);
        assert_eq!(r4(s.output_value()), 1.0900);
        assert_eq!(r4(s.output_tangent()), 5.9831);
        assert_eq!(r4(s.gradient()[0]), 5.9831);
    }

    #[test]
    fn baydin_example() {
        let (t, s) = run("f(x1, x2) = ln(x1) + x1*x2 - sin(x2)", &[2.0, 5.0]);
        assert_eq!(t.len(), 7);
        assert_eq!(r4(s.output_value()), 11.6521);
        assert_eq!(
            s.gradient().iter().map(|&x| r4(x)).collect::<Vec<_>>(),
            [5.5, 1.7163]
        );
    }

    /// A trace large enough for two threads gives the same sweep, warnings
    /// included, as the passes one after the other.
    #[test]
    fn both_passes_at_once_are_the_passes_in_turn() {
        let mut src = String::from("v0 = sqrt(x - 1) + ln(y - 3)\n");
        for i in 1..super::PARALLEL_ROWS / 2 + 10 {
            src.push_str(&format!("v{i} = v{} * 0.5 + y\n", i - 1));
        }
        let t = build(&src, &parse(&src).unwrap(), Options::default()).unwrap();
        assert!(t.len() >= super::PARALLEL_ROWS);
        let (point, seed, cot) = ([1.0, 4.0], [1.0, 1.0], [1.0]);
        let (s, _, _) = swept(&t, &point, &seed, &cot);
        let mut one = forward(&t, &point, &seed);
        reverse_with(&t, &mut one, &cot);
        assert_eq!(format!("{s:?}"), format!("{one:?}"));
        for pass in [Pass::Value, Pass::Tangent, Pass::Adjoint] {
            assert!(s.warnings.iter().any(|w| w.pass == pass), "{pass:?}");
        }
    }

    #[test]
    fn structural_zeros_and_activity() {
        // d/dx of a row that only depends on y is exactly 0 even though its
        // partial is infinite (sqrt at 0).
        let (t, s) = run("x + sqrt(y) at x = 1, y = 0", &[1.0, 0.0]);
        let sq = t.nodes.iter().position(|n| n.op == Op::Sqrt).unwrap();
        assert!(!s.seeded[sq]);
        assert_eq!(s.tangent[sq], 0.0);
        assert_eq!(s.output_tangent(), 1.0);
        assert!(
            s.warnings
                .iter()
                .any(|w| w.row as usize == sq && w.kind == WarningKind::NotDifferentiable)
        );
        // an unused statement has a structural zero adjoint
        let (t, s) = run("u = ln(x); f = x^2", &[-1.0]);
        assert!(!t.nodes[1].reaches_output);
        assert_eq!(s.adjoint[1], 0.0);
        assert_eq!(s.gradient(), [-2.0]);
        assert!(
            s.warnings
                .iter()
                .any(|w| w.row == 1 && w.kind == WarningKind::Domain)
        );
    }

    #[test]
    fn domain_problems_warn_once_at_their_origin() {
        let (_, s) = run("sin(ln(x)) + 1", &[-1.0]);
        assert!(s.output_value().is_nan());
        let domain: Vec<_> = s
            .warnings
            .iter()
            .filter(|w| w.kind == WarningKind::Domain)
            .collect();
        assert_eq!(domain.len(), 1);
        assert_eq!(domain[0].row, 1);
        assert_eq!(
            s.warnings
                .iter()
                .filter(|w| w.kind == WarningKind::NonFinite)
                .count(),
            0
        );
        let (_, s) = run("1/x", &[0.0]);
        assert_eq!(s.output_value(), f64::INFINITY);
        assert!(
            s.warnings
                .iter()
                .any(|w| w.row == 1 && w.cause.starts_with("division by zero"))
        );
        // 1/x has no derivative at 0: the input's adjoint is NaN, reported
        // where it arises
        assert!(
            s.warnings
                .iter()
                .any(|w| w.row == 0 && w.kind == WarningKind::NonFinite)
        );
    }

    /// Outside an operation's domain the derivative is NaN, in both sweeps,
    /// and the warning says so (ln(x) at −1 used to give −1).
    #[test]
    fn no_derivative_outside_the_domain() {
        let (_, s) = run("ln(x)", &[-1.0]);
        assert!(s.output_value().is_nan());
        assert!(s.output_tangent().is_nan());
        assert!(s.gradient()[0].is_nan());
        let w = &s.warnings.iter().find(|w| w.row == 1).unwrap();
        assert_eq!(w.kind, WarningKind::Domain);
        assert!(w.cause.contains("partials are NaN"), "{}", w.cause);
        // no second warning for the NaN tangent at the same row
        assert_eq!(s.warnings_at(1).count(), 1);
    }

    /// x^y at x = 0, y > 0: the gradient is the limit, checked against
    /// one-sided differences of f(x, y) = x^y (defined for x ≥ 0).
    #[test]
    fn zero_to_a_variable_power_has_its_limits() {
        for y in [1.0, 2.0, 3.5] {
            let (_, s) = run("x^y", &[0.0, y]);
            let f = |x: f64, y: f64| x.powf(y);
            let h = 1e-7;
            let fd_x = (f(h, y) - f(0.0, y)) / h;
            let fd_y = (f(0.0, y + h) - f(0.0, y)) / h;
            assert_eq!(s.gradient()[1], 0.0);
            assert_eq!(fd_y, 0.0);
            assert!((s.gradient()[0] - fd_x).abs() < 1e-6, "y = {y}");
            assert!(s.warnings.iter().all(|w| w.kind == WarningKind::Kink));
        }
    }

    /// tan(x) at x = pi/2: 1.6e16 and a derivative of 2.7e32 are what the
    /// double nearest π/2 gives; the pole is said.
    #[test]
    fn tan_near_its_pole_is_warned() {
        let (_, s) = run("tan(x)", &[std::f64::consts::FRAC_PI_2]);
        assert!(s.output_value() > 1e16 && s.output_tangent() > 1e32);
        assert_eq!(s.warnings[0].kind, WarningKind::Pole);
        let (_, s) = run("tan(x)", &[1.0]);
        assert!(s.warnings.is_empty());
    }

    #[test]
    fn sqrt_at_zero_is_an_infinite_slope() {
        let (_, s) = run("sqrt(x)", &[0.0]);
        assert_eq!(s.output_tangent(), f64::INFINITY);
        let w = &s.warnings.iter().find(|w| w.row == 1).unwrap();
        assert_eq!(w.kind, WarningKind::NotDifferentiable);
        assert_eq!(w.cause, "sqrt is not differentiable at 0 (infinite slope)");
        // the cube root by a power: the same infinite slope
        let (_, s) = run("x^(1/3)", &[0.0]);
        assert_eq!(s.output_tangent(), f64::INFINITY);
        assert_eq!(
            s.warnings_at(1).next().map(|w| w.kind),
            Some(WarningKind::NotDifferentiable)
        );
    }

    /// Domain problems among the constants are warned at the row that uses
    /// the constant (they used to give `"warnings": []`).
    #[test]
    fn constants_outside_their_domain_are_warned() {
        for (src, cause) in [
            (
                "x + sqrt(-1)",
                "the constant sqrt(-1) is NaN: sqrt of a negative number",
            ),
            ("x + 1/0", "the constant 1/0 is +infinity: division by zero"),
            (
                "(-8)^(1/3) + x",
                "the constant (-8)^(1/3) is NaN: a negative number to a non-integer power",
            ),
            (
                "x*exp(1000)",
                "the constant exp(1000) is +infinity: it overflows",
            ),
            (
                "c = ln(-1); f = x^2",
                "the constant c = ln(-1) is NaN: ln of a negative number",
            ),
        ] {
            let (t, s) = run(src, &[1.0]);
            let w: Vec<_> = s
                .warnings
                .iter()
                .filter(|w| w.kind == WarningKind::Domain)
                .collect();
            assert_eq!(w.len(), 1, "{src}: {:?}", s.warnings);
            assert_eq!(w[0].cause, cause);
            assert_eq!(w[0].row as usize, t.output(), "{src}");
        }
        // a constant problem in an earlier statement goes to the row using it
        let (t, s) = run("c = sqrt(-4); a = x^2; f = a*c", &[1.0]);
        let w: Vec<_> = s
            .warnings
            .iter()
            .filter(|w| w.kind == WarningKind::Domain)
            .collect();
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].row as usize, t.output());
        assert!(w[0].cause.contains("c = sqrt(-4)"));
        // in a row's own text, even when later rows follow
        let (_, s) = run("a = x + ln(0); f = sin(a)", &[1.0]);
        assert_eq!(s.warnings[0].row, 1);
        // nothing for good constants
        let (_, s) = run("x + sqrt(2)*ln(3)", &[1.0]);
        assert!(s.warnings.is_empty());
    }

    #[test]
    fn kinks_agree_in_both_sweeps() {
        for src in ["relu(x)", "abs(x)"] {
            let (_, s) = run(src, &[0.0]);
            assert_eq!(s.output_tangent(), 0.0);
            assert_eq!(s.gradient(), [0.0]);
            assert_eq!(s.warnings[0].kind, WarningKind::Kink);
        }
    }

    #[test]
    fn retangent_keeps_values() {
        let (t, mut s) = run("f(x, y) = x*y + sin(y)", &[2.0, 3.0]);
        let v = s.value.clone();
        tangents(&t, &mut s, &[0.0, 1.0]);
        assert_eq!(s.value, v);
        assert_eq!(s.output_tangent(), 2.0 + 3f64.cos());
        assert_eq!(s.gradient(), [3.0, 2.0 + 3f64.cos()]);
    }

    /// each_sweep hands out, sweep by sweep, the numbers at_sweep keeps.
    #[test]
    fn each_sweep_matches_at_sweep() {
        use crate::core::schedule::Phase;
        let (t, mut s) = run("f(x, y) = x*y + sin(y)", &[2.0, 3.0]);
        s.plan = Plan::new(&t, Mode::Forward, &[1.0, 0.0], None);
        let mut seen = Vec::new();
        s.each_sweep(&t, &s.plan, |phase, k, v| {
            let want = s.at_sweep(&t, phase, k);
            let want = match phase {
                Phase::Forward => want.tangent,
                Phase::Reverse => want.adjoint,
            };
            assert_eq!(v, want.as_slice());
            seen.push((phase, k));
        });
        assert_eq!(seen, [(Phase::Forward, 0), (Phase::Forward, 1)]);
        let plan = Plan::new(&t, Mode::Reverse, &[0.0, 1.0], None);
        let mut n = 0;
        s.each_sweep(&t, &plan, |_, _, _| n += 1);
        assert_eq!(n, 2, "the seed's forward sweep and one reverse sweep");
    }

    #[test]
    fn no_inputs_has_a_value_and_empty_gradient() {
        let (_, s) = run("2^10 + pi", &[]);
        assert_eq!(s.output_value(), 1024.0 + std::f64::consts::PI);
        assert!(s.gradient().is_empty());
    }
}
