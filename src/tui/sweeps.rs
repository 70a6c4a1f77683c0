//! Many sweeps in the stepping view: the numbers of the sweep the current
//! step belongs to (forward sweep k along its seed, reverse sweep k from
//! its cotangent), the Jacobian mode and its re-planning, the jumps
//! between sweeps, and which Jacobian entries the steps so far have
//! produced.
//!
//! Owns the model's one-entry cache of a sweep's numbers, keyed by (phase,
//! sweep) and filled when the step changes (`sync_sweep`), so stepping
//! within a sweep costs nothing and drawing only reads; and the Jacobian,
//! computed once per (trace, point, mode) by `core::jacobian`. Must not
//! compute a derivative itself: tangents and adjoints come from
//! `Sweep::at_sweep` and the sweep's passes, which step is which from
//! `schedule`.

use crate::core::jacobian::{self, Jacobian};
use crate::core::notation::fixed_width;
use crate::core::schedule::{Phase, Step};
use crate::core::sweep::{self, Directions, Mode, Plan, Sweep};
use crate::core::trace::Trace;
use crate::tui::model::Model;

/// Above this many rows × sweeps the pane does not compute the Jacobian
/// (it would hold up the terminal): it says so instead.
const JACOBIAN_BUDGET: usize = 50_000_000;

/// The numbers of one sweep other than the first of its phase.
#[derive(Clone, Debug)]
pub struct SweepNumbers {
    pub phase: Phase,
    pub sweep: usize,
    pub numbers: Box<Sweep>,
}

/// The Jacobian pane's data, derived once per (trace, point, mode) and
/// plan: the matrix (or why it is not computed), and which sweep of the
/// plan produces each column and each row.
#[derive(Clone, Debug)]
pub struct JacobianView {
    pub matrix: Result<Jacobian, String>,
    /// For each input j: the forward sweep along e_j (it gives column j).
    pub column_sweep: Vec<Option<usize>>,
    /// For each output i: the reverse sweep along e_i (it gives row i).
    pub row_sweep: Vec<Option<usize>>,
    /// The widest entry at the display precision (so the pane's columns
    /// never move while it fills).
    pub entry_width: usize,
}

/// What the current sweep is filling in the Jacobian.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Filling {
    Column(usize),
    Row(usize),
}

/// The unit vector a direction is, if it is one: its index.
fn unit_index(v: &[f64]) -> Option<usize> {
    let mut ones = v.iter().enumerate().filter(|(_, x)| **x != 0.0);
    match (ones.next(), ones.next()) {
        (Some((j, 1.0)), None) => Some(j),
        _ => None,
    }
}

/// For each of `len` unit vectors, the sweep of `dirs` along it.
fn sweeps_along(dirs: &Directions, len: usize) -> Vec<Option<usize>> {
    let mut out = vec![None; len];
    match dirs {
        Directions::Units(n) => {
            for (k, slot) in out.iter_mut().enumerate().take(*n) {
                *slot = Some(k);
            }
        }
        Directions::Given(v) => {
            if let Some(j) = unit_index(v)
                && let Some(slot) = out.get_mut(j)
            {
                *slot = Some(0);
            }
        }
    }
    out
}

impl JacobianView {
    /// The same matrix for another plan of the same mode (a new seed):
    /// only which sweep gives which column or row changes.
    pub fn replan(&mut self, trace: &Trace, s: &Sweep) {
        let m = trace.n_outputs.min(trace.len());
        self.column_sweep = sweeps_along(&s.plan.forward, trace.n_inputs);
        self.row_sweep = sweeps_along(&s.plan.reverse, m);
    }

    /// The view of a trace with more than one output, else `None`.
    pub fn new(trace: &Trace, s: &Sweep, precision: usize) -> Option<JacobianView> {
        if trace.n_outputs <= 1 || trace.is_empty() {
            return None;
        }
        let m = trace.n_outputs.min(trace.len());
        let mode = s.plan.mode;
        let passes = match mode {
            Mode::Forward => trace.n_inputs,
            Mode::Reverse => m,
        };
        let matrix = if trace.len().saturating_mul(passes) > JACOBIAN_BUDGET {
            Err(format!(
                "the whole Jacobian takes {passes} {} sweeps over {} rows: too slow to compute here; 'adtrace eval --jacobian {}' prints it",
                mode.name(),
                trace.len(),
                mode.name()
            ))
        } else {
            jacobian::jacobian(trace, s, mode).map_err(|e| e.to_string())
        };
        let entry_width = matrix.as_ref().map_or(0, |j| {
            j.entries
                .iter()
                .map(|&x| fixed_width(x, precision))
                .max()
                .unwrap_or(0)
        });
        Some(JacobianView {
            matrix,
            column_sweep: sweeps_along(&s.plan.forward, trace.n_inputs),
            row_sweep: sweeps_along(&s.plan.reverse, m),
            entry_width,
        })
    }
}

impl Model {
    /// The numbers of the current step's sweep: its tangents (forward) or
    /// adjoints (reverse); the values and partials are every sweep's.
    pub fn numbers(&self) -> &Sweep {
        match (&self.shown, self.current()) {
            (Some(s), Some(st)) if (s.phase, s.sweep) == (st.phase, st.sweep) => &s.numbers,
            _ => &self.sweep,
        }
    }

    /// Make `numbers` hold the current step's sweep: nothing to do within
    /// a sweep or in the first sweep of a phase (the model's own numbers).
    pub(crate) fn sync_sweep(&mut self) {
        let Some(st) = self.current() else {
            self.shown = None;
            return;
        };
        if st.sweep == 0 {
            self.shown = None;
            return;
        }
        if let Some(s) = &self.shown
            && (s.phase, s.sweep) == (st.phase, st.sweep)
        {
            return;
        }
        let numbers = Box::new(self.sweep.at_sweep(self.trace(), st.phase, st.sweep));
        self.shown = Some(SweepNumbers {
            phase: st.phase,
            sweep: st.sweep,
            numbers,
        });
    }

    /// Forget the cached sweep (the model's numbers or plan changed).
    pub(crate) fn resweep(&mut self) {
        self.shown = None;
        self.sync_sweep();
    }

    /// Which mode the sweeps build the Jacobian in.
    pub fn jacobian_mode(&self) -> Mode {
        self.sweep.plan.mode
    }

    /// The Jacobian pane's data, for a program with several outputs.
    pub fn jacobian_view(&self) -> Option<&JacobianView> {
        self.jac.as_ref()
    }

    /// (Re)derive the Jacobian pane's data for the current plan.
    pub(crate) fn derive_jacobian(&mut self) {
        self.jac = JacobianView::new(&self.traced.trace, &self.sweep, self.opts.style.precision);
    }

    /// "sweep k of n" for a step whose phase has more than one sweep.
    pub fn sweep_of(&self, st: Step) -> Option<(usize, usize)> {
        let n = self.schedule().sweeps(st.phase);
        (n > 1).then_some((st.sweep + 1, n))
    }

    /// `seed x = 1` for a forward step; `cotangent f[2] = 1` for a reverse
    /// step of a program with several outputs (one output: its seed, as
    /// the scalar view always said).
    pub fn direction_text(&self, phase: Phase) -> String {
        let names = self.names();
        let s = self.numbers();
        let trace = self.trace();
        if phase == Phase::Reverse && trace.n_outputs > 1 {
            let parts: Vec<String> = trace
                .outputs()
                .zip(&s.cotangent)
                .filter(|(_, c)| **c != 0.0)
                .map(|(r, c)| {
                    let name = trace.name(r).map_or_else(|| names.label(r), str::to_string);
                    format!("{name} = {}", names.num(*c))
                })
                .collect();
            let text = if parts.is_empty() {
                "0".to_string()
            } else {
                parts.join(", ")
            };
            return names.out(format!("cotangent {text}"));
        }
        if phase == Phase::Reverse && trace.n_outputs == 1 {
            // The reverse sweep's seed is the output's adjoint, not the
            // forward seed.
            if let Some(r) = trace.outputs().next() {
                return format!("seed {} = 1", names.adjoint(r));
            }
        }
        format!("seed {}", self.explainer().seed_text())
    }

    /// Whether the steps so far have produced Jacobian entry (i, j): a
    /// forward sweep along e_j has reached output i, or a reverse sweep
    /// from e_i has reached input j.
    pub fn jacobian_known(&self, i: usize, j: usize) -> bool {
        let Some(jv) = &self.jac else {
            return false;
        };
        let sched = self.schedule();
        let outputs = self.trace().outputs();
        let reached = |phase: Phase, k: Option<usize>, row: usize| {
            k.and_then(|k| sched.index_of(phase, k, row))
                .is_some_and(|at| self.step >= at)
        };
        let col = jv.column_sweep.get(j).copied().flatten();
        let row = jv.row_sweep.get(i).copied().flatten();
        reached(Phase::Forward, col, outputs.start + i) || reached(Phase::Reverse, row, j)
    }

    /// The column or row of the Jacobian the current sweep fills, if its
    /// direction is a unit vector.
    pub fn filling(&self) -> Option<Filling> {
        let jv = self.jac.as_ref()?;
        let st = self.current()?;
        match st.phase {
            Phase::Forward => jv
                .column_sweep
                .iter()
                .position(|k| *k == Some(st.sweep))
                .map(Filling::Column),
            Phase::Reverse => jv
                .row_sweep
                .iter()
                .position(|k| *k == Some(st.sweep))
                .map(Filling::Row),
        }
    }

    /// Switch the Jacobian mode (forward: one sweep per input; reverse: the
    /// seed's forward sweep, then one reverse sweep per output). The values
    /// and partials stay; the sweeps are re-planned, the step clamped.
    pub fn switch_mode(&mut self) {
        let mode = match self.sweep.plan.mode {
            Mode::Forward => Mode::Reverse,
            Mode::Reverse => Mode::Forward,
        };
        let trace = &self.traced.trace;
        let plan = Plan::new(trace, mode, &self.seed, None);
        let same =
            plan.forward == self.sweep.plan.forward && plan.reverse == self.sweep.plan.reverse;
        let n_in = trace.n_inputs;
        let m = trace.n_outputs.max(1);
        let first = plan.forward.get(0, n_in);
        if first != self.sweep.seed {
            sweep::tangents(trace, &mut self.sweep, &first);
        }
        if plan.reverse.count() > 0 {
            let c = plan.reverse.get(0, m);
            if c != self.sweep.cotangent {
                sweep::reverse_with(trace, &mut self.sweep, &c);
            }
        }
        self.sweep.plan = plan;
        self.derive_jacobian();
        self.widths = self.compute_widths();
        let k = self.step;
        self.set_step(k);
        self.status = Some(if same {
            format!(
                "{} mode: the same sweeps (one input, one output)",
                mode.name()
            )
        } else {
            let sched = self.schedule();
            let (f, r) = (sched.sweeps(Phase::Forward), sched.sweeps(Phase::Reverse));
            match mode {
                Mode::Forward => format!(
                    "forward mode: {f} forward {} (one per input), no reverse sweep",
                    plural(f, "sweep")
                ),
                Mode::Reverse => format!(
                    "reverse mode: {f} forward {}, then {r} reverse {} (one per output)",
                    plural(f, "sweep"),
                    plural(r, "sweep")
                ),
            }
        });
    }

    /// The first step of the next sweep.
    pub fn next_sweep(&mut self) {
        let sched = self.schedule();
        match sched.segments().find(|s| s.start > self.step) {
            Some(seg) => self.set_step(seg.start),
            None => self.status = Some("this is the last sweep".to_string()),
        }
    }

    /// The first step of this sweep, or of the previous one when already
    /// there.
    pub fn prev_sweep(&mut self) {
        let sched = self.schedule();
        let mut starts = sched
            .segments()
            .map(|s| s.start)
            .filter(|&s| s < self.step || (s == self.step && s == 0));
        let target = starts.by_ref().last();
        match target {
            Some(s) => self.set_step(s),
            None => self.status = Some("this is the first sweep".to_string()),
        }
    }
}

/// `1 sweep`, `2 sweeps`.
pub(crate) fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::pipeline;
    use crate::tui::TuiOptions;

    fn model(src: &str) -> Model {
        let t = pipeline::trace(src, "", false).unwrap();
        let p = t.point(None).unwrap();
        let s = t.seed(&pipeline::SeedSpec::First).unwrap();
        Model::new(t, p, s, TuiOptions::default())
    }

    const F: &str = "f(x, y) = (x*y, sin(x) + y, x^2*y) at x = 2, y = 3";

    #[test]
    fn units_are_found() {
        assert_eq!(unit_index(&[0.0, 1.0]), Some(1));
        assert_eq!(unit_index(&[0.0, 0.5]), None);
        assert_eq!(unit_index(&[1.0, 1.0]), None);
        assert_eq!(unit_index(&[]), None);
    }

    #[test]
    fn a_scalar_reverse_sweep_names_its_own_seed() {
        let m = model("f = x*y at x = 2, y = 3");
        assert_eq!(m.direction_text(Phase::Forward), "seed x = 1");
        assert_eq!(m.direction_text(Phase::Reverse), "seed f̄ = 1");
    }

    #[test]
    fn each_sweep_shows_its_own_numbers() {
        let mut m = model(F);
        let sched = m.schedule();
        assert_eq!(sched.sweeps(Phase::Reverse), 3);
        // reverse sweep 2 (from f[2]): x̄ = cos 2, ȳ = 1
        let k = sched.index_of(Phase::Reverse, 1, 0).unwrap();
        m.set_step(k);
        assert!((m.numbers().adjoint[0] - 2f64.cos()).abs() < 1e-12);
        assert_eq!(m.numbers().adjoint[1], 1.0);
        assert_eq!(m.direction_text(Phase::Reverse), "cotangent f[2] = 1");
        // the model's own numbers are reverse sweep 1's
        assert_eq!(m.sweep().adjoint[0], 3.0);
        m.switch_mode();
        assert_eq!(m.jacobian_mode(), Mode::Forward);
        assert_eq!(m.step_count(), 20);
        assert_eq!(m.step_index(), 19, "clamped");
        assert_eq!(m.direction_text(Phase::Forward), "seed y = 1");
        // forward sweep 2 (along y): d = ∂f/∂y = (2, 1, 4)
        let out: Vec<f64> = m
            .trace()
            .outputs()
            .map(|r| m.numbers().tangent[r])
            .collect();
        assert_eq!(out, [2.0, 1.0, 4.0]);
    }

    #[test]
    fn sweep_jumps() {
        let mut m = model(F);
        m.next_sweep();
        assert_eq!(m.step_index(), 10);
        m.next_sweep();
        assert_eq!(m.step_index(), 20);
        m.set_step(23);
        m.prev_sweep();
        assert_eq!(m.step_index(), 20);
        m.prev_sweep();
        assert_eq!(m.step_index(), 10);
        m.set_step(39);
        m.next_sweep();
        assert_eq!(m.step_index(), 39);
        assert_eq!(m.status.as_deref(), Some("this is the last sweep"));
        m.set_step(0);
        m.prev_sweep();
        assert_eq!(m.step_index(), 0);
    }
}
