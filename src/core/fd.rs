//! The finite-difference lab: what automatic differentiation replaces.
//!
//! Along the seed direction e, the forward difference (f(x + h·e) − f(x))/h
//! and the central difference (f(x + h·e) − f(x − h·e))/2h for h = 10⁻¹ …
//! 10⁻¹⁶, each against AD's exact directional derivative (the forward
//! sweep's tangent): truncation error falls as O(h) and O(h²) until
//! round-off (≈ ε·|f|/h) takes over — the V, with its best h. And the
//! whole gradient by differences, counting the evaluations of f (n + 1
//! forward, 2n central) and timing them against AD's two sweeps.
//!
//! Owns these numbers only (and stops early, `Cancelled`, when asked). Must not format (that is `format::fd`), and
//! computes f by the values-only pass of `sweep` (so differences and AD
//! read the same program).

use std::time::{Duration, Instant};

use crate::core::cancel::{self, Cancelled};
use crate::core::sweep::{self, Sweep};
use crate::core::trace::Trace;

/// One difference quotient and its distance from AD's derivative.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    pub estimate: f64,
    /// |estimate − exact|.
    pub error: f64,
}

/// One step size.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Row {
    pub h: f64,
    pub forward: Estimate,
    pub central: Estimate,
}

/// The h with the smallest error.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Best {
    pub h: f64,
    pub error: f64,
}

/// The lab along one direction.
#[derive(Clone, Debug, PartialEq)]
pub struct Lab {
    /// f at the point (the first output).
    pub value: f64,
    /// AD's directional derivative along the seed (one forward sweep).
    pub exact: f64,
    pub rows: Vec<Row>,
    pub best_forward: Option<Best>,
    pub best_central: Option<Best>,
    /// Evaluations of f the table took (1 + 3 per h).
    pub evaluations: usize,
}

/// Decades of h: 10⁻¹ down to 10⁻¹⁶.
pub const FIRST_DECADE: i32 = 1;
pub const LAST_DECADE: i32 = 16;
/// Most steps per decade `--steps-per-decade` takes.
pub const MAX_STEPS_PER_DECADE: u32 = 20;

/// The step sizes: `k` per decade from 10⁻¹ to 10⁻¹⁶, both included.
pub fn steps(per_decade: u32) -> Vec<f64> {
    let k = per_decade.clamp(1, MAX_STEPS_PER_DECADE) as i32;
    (FIRST_DECADE * k..=LAST_DECADE * k)
        .map(|j| {
            if j % k == 0 {
                // An exact power of ten as Rust parses `1e-8`.
                format!("1e-{}", j / k).parse().unwrap_or(f64::NAN)
            } else {
                10f64.powf(-f64::from(j) / f64::from(k))
            }
        })
        .collect()
}

/// The row whose value is the (first) output: the one the lab
/// differentiates.
pub fn output_row(trace: &Trace) -> usize {
    trace.outputs().start
}

/// f at `point`, reusing `scratch`.
pub fn f_at(trace: &Trace, point: &[f64], scratch: &mut Vec<f64>) -> f64 {
    sweep::values(trace, point, scratch);
    scratch.get(output_row(trace)).copied().unwrap_or(f64::NAN)
}

fn along(point: &[f64], dir: &[f64], t: f64) -> Vec<f64> {
    point.iter().zip(dir).map(|(&x, &d)| x + t * d).collect()
}

fn best(rows: &[Row], pick: impl Fn(&Row) -> Estimate) -> Option<Best> {
    rows.iter()
        .filter(|r| pick(r).error.is_finite())
        .min_by(|a, b| pick(a).error.total_cmp(&pick(b).error))
        .map(|r| Best {
            h: r.h,
            error: pick(r).error,
        })
}

/// The lab at the sweep's point along its seed (up to 603 evaluations of
/// f: polls `cancel` between them).
pub fn lab(trace: &Trace, sweep: &Sweep, per_decade: u32) -> Result<Lab, Cancelled> {
    let (x, e) = (&sweep.point, &sweep.seed);
    let exact = sweep
        .tangent
        .get(output_row(trace))
        .copied()
        .unwrap_or(f64::NAN);
    let mut scratch = Vec::new();
    let f0 = f_at(trace, x, &mut scratch);
    let mut rows = Vec::new();
    for h in steps(per_decade) {
        cancel::check()?;
        let fp = f_at(trace, &along(x, e, h), &mut scratch);
        let fm = f_at(trace, &along(x, e, -h), &mut scratch);
        let fwd = (fp - f0) / h;
        let cen = (fp - fm) / (2.0 * h);
        rows.push(Row {
            h,
            forward: Estimate {
                estimate: fwd,
                error: (fwd - exact).abs(),
            },
            central: Estimate {
                estimate: cen,
                error: (cen - exact).abs(),
            },
        });
    }
    Ok(Lab {
        value: f0,
        exact,
        best_forward: best(&rows, |r| r.forward),
        best_central: best(&rows, |r| r.central),
        evaluations: 1 + 2 * rows.len(),
        rows,
    })
}

/// The whole gradient by differences, against reverse mode.
#[derive(Clone, Debug, PartialEq)]
pub struct Gradient {
    /// ∂f/∂xᵢ by reverse mode.
    pub ad: Vec<f64>,
    /// By forward differences, with hᵢ = √ε·max(1, |xᵢ|).
    pub forward: Vec<f64>,
    /// By central differences, with hᵢ = ∛ε·max(1, |xᵢ|).
    pub central: Vec<f64>,
    /// Evaluations of f: n + 1 and 2n.
    pub forward_evaluations: usize,
    pub central_evaluations: usize,
    /// Their time (measured, or extrapolated from `measured` evaluations
    /// when all of them would take too long).
    pub forward_time: Duration,
    pub central_time: Duration,
    /// The evaluations actually run, of each kind (less than the counts
    /// when the time is extrapolated).
    pub measured_forward: usize,
    pub measured_central: usize,
    /// One forward sweep (values and partials) and one reverse sweep, timed.
    pub sweeps_time: Duration,
}

impl Gradient {
    /// Whether a time is extrapolated rather than measured in full.
    pub fn estimated(&self) -> bool {
        self.measured_forward < self.forward_evaluations
            || self.measured_central < self.central_evaluations
    }
}

/// A step of about `scale`·max(1, |x|) that x + h represents exactly.
fn step_for(x: f64, scale: f64) -> f64 {
    let h = scale * x.abs().max(1.0);
    (x + h) - x
}

/// The FD gradient of the first output at the sweep's point, timed
/// against one forward and one reverse sweep. At most `budget` row
/// evaluations are spent on each kind of difference; beyond that the
/// remaining entries are left NaN and the time is extrapolated. Polls
/// `cancel` between evaluations.
pub fn gradient(trace: &Trace, sweep: &Sweep, budget: u64) -> Result<Gradient, Cancelled> {
    let n = trace.n_inputs;
    let x = &sweep.point;
    let rows = trace.len().max(1) as u64;
    let cap = |evals: usize| ((budget / rows).max(3) as usize).min(evals);
    let mut scratch = Vec::new();
    let eps = f64::EPSILON;

    // Forward differences: f(x), then f(x + hᵢeᵢ) for each input.
    let n_fwd = n + 1;
    let run_fwd = cap(n_fwd);
    let mut forward = vec![f64::NAN; n];
    let t0 = Instant::now();
    let f0 = f_at(trace, x, &mut scratch);
    let mut p = x.clone();
    for i in 0..run_fwd.saturating_sub(1) {
        cancel::check()?;
        let h = step_for(x[i], eps.sqrt());
        p[i] = x[i] + h;
        forward[i] = (f_at(trace, &p, &mut scratch) - f0) / h;
        p[i] = x[i];
    }
    let fwd_time = t0.elapsed();

    // Central differences: f(x ± hᵢeᵢ) for each input.
    let n_cen = 2 * n;
    let run_cen = cap(n_cen) / 2 * 2;
    let mut central = vec![f64::NAN; n];
    let t0 = Instant::now();
    for i in 0..run_cen / 2 {
        cancel::check()?;
        let h = step_for(x[i], eps.cbrt());
        p[i] = x[i] + h;
        let fp = f_at(trace, &p, &mut scratch);
        p[i] = x[i] - h;
        let fm = f_at(trace, &p, &mut scratch);
        central[i] = (fp - fm) / (2.0 * h);
        p[i] = x[i];
    }
    let cen_time = t0.elapsed();

    // Reverse mode: one forward sweep (values, partials) and one reverse.
    let t0 = Instant::now();
    let mut s = sweep::forward(trace, x, &sweep.seed);
    sweep::reverse(trace, &mut s);
    let sweeps_time = t0.elapsed();
    let ad = s.gradient().to_vec();

    let scale = |t: Duration, ran: usize, all: usize| {
        if ran == 0 || ran >= all {
            t
        } else {
            t.mul_f64(all as f64 / ran as f64)
        }
    };
    Ok(Gradient {
        ad,
        forward,
        central,
        forward_evaluations: n_fwd,
        central_evaluations: n_cen,
        forward_time: scale(fwd_time, run_fwd, n_fwd),
        central_time: scale(cen_time, run_cen, n_cen),
        measured_forward: run_fwd,
        measured_central: run_cen,
        sweeps_time,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::pipeline::{SeedSpec, trace};

    fn lab_of(src: &str, seed: SeedSpec, k: u32) -> Lab {
        let t = trace(src, "", false).unwrap();
        let ev = t.evaluate(None, &seed).unwrap();
        lab(&t.trace, &ev.sweep, k).unwrap()
    }

    #[test]
    fn step_sizes_are_powers_of_ten() {
        let h = steps(1);
        assert_eq!(h.len(), 16);
        assert_eq!(h[0], 0.1);
        assert_eq!(h[7], 1e-8);
        assert_eq!(h[15], 1e-16);
        let h = steps(4);
        assert_eq!(h.len(), 61);
        assert_eq!(h[4], 1e-2);
        assert!((h[1] - 10f64.powf(-1.25)).abs() < 1e-18);
    }

    /// sin at 1: forward error ≈ |sin(1)|·h/2 for large h (truncation),
    /// central ≈ |cos(1)|·h²/6; the best forward h is near √ε ≈ 1e-8 and
    /// the best central near ∛ε ≈ 1e-5; at h = 1e-16 x + h = x, so both
    /// differences are 0 and the error is |cos 1|.
    #[test]
    fn the_v_for_sin_at_one() {
        let lab = lab_of("sin(x) at x = 1", SeedSpec::First, 1);
        let (s, c) = (1f64.sin(), 1f64.cos());
        assert_eq!(lab.exact, c);
        let r = &lab.rows[0];
        assert_eq!(r.h, 0.1);
        // forward: (sin(1.1) − sin 1)/0.1, by its Taylor series to h²
        let fwd = c - s * 0.1 / 2.0 - c * 0.01 / 6.0;
        assert!((r.forward.estimate - fwd).abs() < 1e-4);
        assert!((r.forward.error - s * 0.05).abs() < 0.005);
        assert!((r.central.error - c * 0.01 / 6.0).abs() < 1e-5);
        // O(h) and O(h²): a decade of h is a decade (two) of error
        let ratio_f = lab.rows[1].forward.error / lab.rows[2].forward.error;
        let ratio_c = lab.rows[1].central.error / lab.rows[2].central.error;
        assert!((ratio_f - 10.0).abs() < 0.5, "{ratio_f}");
        assert!((ratio_c - 100.0).abs() < 5.0, "{ratio_c}");
        let bf = lab.best_forward.unwrap();
        let bc = lab.best_central.unwrap();
        assert!((1e-9..=1e-7).contains(&bf.h), "{bf:?}");
        assert!(bf.error < 1e-7 && bf.error > 1e-11, "{bf:?}");
        assert!((1e-6..=1e-4).contains(&bc.h), "{bc:?}");
        assert!(bc.error < 1e-9, "{bc:?}");
        let last = lab.rows.last().unwrap();
        assert_eq!(last.h, 1e-16);
        assert_eq!(last.forward.estimate, 0.0);
        assert_eq!(last.forward.error, c);
        assert_eq!(lab.evaluations, 33);
    }

    /// Along a seed direction the differences estimate the directional
    /// derivative: f = x·y at (2, 3) along (1, 2) is 3 + 2·2 = 7, and a
    /// quadratic's central difference is exact up to rounding.
    #[test]
    fn along_the_seed() {
        let lab = lab_of(
            "x*y at x = 2, y = 3",
            SeedSpec::List("x = 1, y = 2".into()),
            1,
        );
        assert_eq!(lab.exact, 7.0);
        // f(x + h·e) = (2 + h)(3 + 2h) = 6 + 7h + 2h²: forward = 7 + 2h
        assert!((lab.rows[0].forward.estimate - 7.2).abs() < 1e-12);
        assert!((lab.rows[0].central.estimate - 7.0).abs() < 1e-12);
    }

    #[test]
    fn the_gradient_by_differences() {
        let t = trace(
            "f(x1, x2) = ln(x1) + x1*x2 - sin(x2) at x1 = 2, x2 = 5",
            "",
            false,
        )
        .unwrap();
        let ev = t.evaluate(None, &SeedSpec::First).unwrap();
        let g = gradient(&t.trace, &ev.sweep, u64::MAX).unwrap();
        assert_eq!(g.ad, [5.5, 2.0 - 5f64.cos()]);
        assert_eq!((g.forward_evaluations, g.central_evaluations), (3, 4));
        assert!(!g.estimated());
        for i in 0..2 {
            assert!((g.forward[i] - g.ad[i]).abs() < 1e-6, "{g:?}");
            assert!((g.central[i] - g.ad[i]).abs() < 1e-9, "{g:?}");
        }
        // a budget of one evaluation's rows: three evaluations are run and
        // the rest extrapolated
        let g = gradient(&t.trace, &ev.sweep, 1).unwrap();
        assert_eq!((g.measured_forward, g.measured_central), (3, 2));
        assert!(g.estimated());
        assert!(g.central[1].is_nan());
    }
}
