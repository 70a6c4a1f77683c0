//! The step schedule: the sweeps run one after another, each a segment of
//! steps over the trace's rows — forward sweeps (one per seed direction,
//! rows first to last) then reverse sweeps (one per output cotangent, rows
//! last to first). A step is plain data computed from its index; nothing
//! per step is stored, so a million-row trace costs no memory for them.
//!
//! Owns the step index: `step(k)`, its inverse `index_of`, and `known(k,
//! row)`, what a view may show of a row once step k is done (the spoiler
//! rule). Every view asks here; none does index arithmetic of its own.
//! Must not compute numbers or text.

/// Which way a sweep goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Phase {
    Forward,
    Reverse,
}

impl Phase {
    pub fn name(self) -> &'static str {
        match self {
            Phase::Forward => "forward",
            Phase::Reverse => "reverse",
        }
    }
}

/// Step `index` processes `row` in sweep number `sweep` of `phase`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    pub index: usize,
    pub phase: Phase,
    /// Which sweep of its phase (0-based): the seed direction for a forward
    /// sweep, the output cotangent for a reverse one.
    pub sweep: usize,
    pub row: usize,
}

/// One sweep's steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    pub phase: Phase,
    pub sweep: usize,
    /// Index of its first step.
    pub start: usize,
    /// Its number of steps (the rows).
    pub len: usize,
}

/// The sweeps of a trace, in the order they are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Schedule {
    rows: usize,
    forward: usize,
    reverse: usize,
}

/// What a view may show of a row once a step is done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Known {
    pub value: bool,
    pub tangent: bool,
    pub adjoint: bool,
}

impl Schedule {
    /// `forward` sweeps then `reverse` sweeps over `rows` rows.
    pub fn new(rows: usize, forward: usize, reverse: usize) -> Schedule {
        Schedule {
            rows,
            forward,
            reverse,
        }
    }

    /// The schedule of a single-output trace: one forward sweep for the
    /// seed, one reverse sweep from the output.
    pub fn single(rows: usize) -> Schedule {
        Schedule::new(rows, 1, 1)
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    /// How many sweeps a phase has.
    pub fn sweeps(&self, phase: Phase) -> usize {
        match phase {
            Phase::Forward => self.forward,
            Phase::Reverse => self.reverse,
        }
    }

    /// How many steps there are.
    pub fn count(&self) -> usize {
        self.rows * (self.forward + self.reverse)
    }

    pub fn is_empty(&self) -> bool {
        self.count() == 0
    }

    /// The last step's index (0 when there are none).
    pub fn last(&self) -> usize {
        self.count().saturating_sub(1)
    }

    /// The sweeps, in order.
    pub fn segments(&self) -> impl Iterator<Item = Segment> + '_ {
        let f = (0..self.forward).map(|s| (Phase::Forward, s));
        let r = (0..self.reverse).map(|s| (Phase::Reverse, s));
        f.chain(r).enumerate().map(|(k, (phase, sweep))| Segment {
            phase,
            sweep,
            start: k * self.rows,
            len: self.rows,
        })
    }

    /// The step at `index`, if there is one.
    pub fn step(&self, index: usize) -> Option<Step> {
        if self.rows == 0 || index >= self.count() {
            return None;
        }
        let seg = index / self.rows;
        let at = index % self.rows;
        Some(if seg < self.forward {
            Step {
                index,
                phase: Phase::Forward,
                sweep: seg,
                row: at,
            }
        } else {
            Step {
                index,
                phase: Phase::Reverse,
                sweep: seg - self.forward,
                row: self.rows - 1 - at,
            }
        })
    }

    /// All steps in order.
    pub fn steps(&self) -> impl Iterator<Item = Step> + '_ {
        (0..self.count()).filter_map(move |k| self.step(k))
    }

    /// The index of the step that processes `row` in sweep `sweep` of
    /// `phase` (the inverse of `step`).
    pub fn index_of(&self, phase: Phase, sweep: usize, row: usize) -> Option<usize> {
        if row >= self.rows || sweep >= self.sweeps(phase) {
            return None;
        }
        Some(match phase {
            Phase::Forward => sweep * self.rows + row,
            Phase::Reverse => (self.forward + sweep) * self.rows + (self.rows - 1 - row),
        })
    }

    /// The first step of a phase's first sweep.
    pub fn start_of(&self, phase: Phase) -> usize {
        match phase {
            Phase::Forward => 0,
            Phase::Reverse => (self.forward * self.rows).min(self.last()),
        }
    }

    /// The step of `row` in the same phase and sweep as step `at` (where
    /// "go to this row" lands).
    pub fn same_sweep(&self, at: usize, row: usize) -> Option<usize> {
        let s = self.step(at)?;
        self.index_of(s.phase, s.sweep, row)
    }

    /// What may be shown of `row` once step `index` is done: values once
    /// the first forward sweep has passed the row; the tangent of the
    /// forward sweep being shown (all of them once the forward phase is
    /// over); the adjoint of the reverse sweep being shown.
    pub fn known(&self, index: usize, row: usize) -> Known {
        let none = Known {
            value: false,
            tangent: false,
            adjoint: false,
        };
        let Some(st) = self.step(index.min(self.last())) else {
            return none;
        };
        match st.phase {
            Phase::Forward => {
                let reached = row <= st.row;
                Known {
                    value: st.sweep > 0 || reached,
                    tangent: reached,
                    adjoint: false,
                }
            }
            Phase::Reverse => Known {
                value: true,
                tangent: true,
                adjoint: row >= st.row,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_forward_then_one_reverse() {
        let s = Schedule::single(3);
        let steps: Vec<(Phase, usize)> = s.steps().map(|s| (s.phase, s.row)).collect();
        assert_eq!(
            steps,
            [
                (Phase::Forward, 0),
                (Phase::Forward, 1),
                (Phase::Forward, 2),
                (Phase::Reverse, 2),
                (Phase::Reverse, 1),
                (Phase::Reverse, 0)
            ]
        );
        assert_eq!(s.step(6), None);
        assert_eq!(s.start_of(Phase::Reverse), 3);
        let k = |index: usize, row: usize| {
            let k = s.known(index, row);
            (k.value, k.tangent, k.adjoint)
        };
        assert_eq!(k(1, 2), (false, false, false));
        assert_eq!(k(3, 2), (true, true, true));
        assert_eq!(k(3, 1), (true, true, false));
        assert_eq!(k(5, 0), (true, true, true));
    }

    /// n forward sweeps and m reverse sweeps: the index and its inverse
    /// agree everywhere.
    #[test]
    fn many_sweeps_round_trip() {
        let s = Schedule::new(4, 3, 2);
        assert_eq!(s.count(), 20);
        assert_eq!(s.segments().count(), 5);
        for k in 0..s.count() {
            let st = s.step(k).unwrap();
            assert_eq!(s.index_of(st.phase, st.sweep, st.row), Some(k));
        }
        let st = s.step(13).unwrap();
        assert_eq!((st.phase, st.sweep, st.row), (Phase::Reverse, 0, 2));
        // the second forward sweep: values are known, its tangents are not yet
        let k = s.known(5, 3);
        assert!(k.value && !k.tangent && !k.adjoint);
        assert_eq!(s.same_sweep(13, 0), Some(15));
        assert_eq!(Schedule::single(0).step(0), None);
    }
}
