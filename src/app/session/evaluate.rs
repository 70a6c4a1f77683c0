//! How the session gets the current program's numbers from the core: one
//! evaluation at its point, seed, Jacobian mode and cotangent
//! (`Traced::evaluate_with`); a new seed that re-runs only the tangents; a
//! new plan of sweeps (`:jacobian`, `:cotangent`) that re-runs only the
//! adjoints; and, when something fails, which of the inputs that set
//! these is to blame.
//!
//! Owns the seed list that brings back a seed vector (`theta=[1, 0.5]`)
//! in saved files. Must not compute a derivative itself: every number
//! comes from the core's sweeps.

use std::rc::Rc;

use super::{Current, Output, Piece};
use crate::core::pipeline::{Evaluation, Failure, FailureKind};
use crate::core::sweep;
use crate::core::trace::Trace;

/// Which of the current program's inputs a failure is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Part {
    /// The program, or the point (its own `at` or the session's).
    Point,
    Seed,
    Cotangent,
}

/// A failure of the core, and the input it concerns.
#[derive(Debug)]
pub(super) struct Failed {
    pub failure: Failure,
    pub part: Part,
}

impl Failed {
    pub fn kind(&self) -> FailureKind {
        self.failure.kind
    }

    /// The failure rendered in the input it concerns.
    pub fn output(&self, cur: &Current) -> Output {
        let piece = match self.part {
            Part::Point => cur.at.as_ref(),
            Part::Seed => cur.seed_piece.as_ref(),
            Part::Cotangent => cur.cotangent.as_ref(),
        };
        super::current::trace_failure(&self.failure, &cur.program, piece)
    }
}

/// Point, seed and sweeps of the current program, or why not. The stored
/// tangents are along the session's seed (in forward mode too, where the
/// view's sweeps go along each input in turn).
pub(super) fn evaluate(cur: &Current) -> Result<Rc<Evaluation>, Failed> {
    let cotangent = cur.cotangent.as_ref().map(Piece::text);
    if let Some(text) = cotangent {
        cur.traced.cotangent(text).map_err(|failure| Failed {
            failure,
            part: Part::Cotangent,
        })?;
    }
    let at = cur.at.as_ref().map(Piece::text);
    cur.traced
        .seed_at(&cur.seed, at)
        .map_err(|failure| Failed {
            failure,
            part: Part::Seed,
        })?;
    cur.traced
        .evaluate_with(at, &cur.seed, cur.mode, cotangent)
        .map(Rc::new)
        .map_err(|failure| Failed {
            failure,
            part: Part::Point,
        })
}

/// The same evaluation along another seed: only the tangents are
/// recomputed.
pub(super) fn reseeded(cur: &Current, e: &Evaluation) -> Result<Rc<Evaluation>, Failed> {
    let at = cur.at.as_ref().map(Piece::text);
    let seed = cur
        .traced
        .seed_at(&cur.seed, at)
        .map_err(|failure| Failed {
            failure,
            part: Part::Seed,
        })?;
    Ok(Rc::new(e.reseeded(&cur.traced.trace, seed)))
}

/// The same evaluation with the sweeps of another mode or cotangent: the
/// values, partials and tangents stay; the adjoints are recomputed only if
/// the first reverse sweep goes along another cotangent.
pub(super) fn replanned(cur: &Current, e: &Evaluation) -> Result<Rc<Evaluation>, Failed> {
    let trace = &cur.traced.trace;
    let cotangent = match &cur.cotangent {
        Some(p) => Some(cur.traced.cotangent(p.text()).map_err(|failure| Failed {
            failure,
            part: Part::Cotangent,
        })?),
        None => None,
    };
    Ok(Rc::new(e.replanned(trace, cur.mode, cotangent.as_deref())))
}

/// A `:seed` list giving `seed` (one number per input): scalar inputs by
/// name (`x=1`), vector and matrix inputs whole (`theta=[1, 0]`); inputs
/// whose entries are all 0 are left out.
pub(super) fn seed_list(trace: &Trace, seed: &[f64]) -> String {
    let mut parts = Vec::new();
    let mut i = 0;
    while i < trace.n_inputs.min(seed.len()) {
        if let Some(sh) = trace
            .shaped_inputs
            .iter()
            .find(|s| s.first as usize == i && !s.is_empty())
        {
            let entries = &seed[i..(i + sh.len()).min(seed.len())];
            if entries.iter().any(|v| *v != 0.0) {
                let rows: Vec<String> = entries
                    .chunks(sh.cols.max(1) as usize)
                    .map(|r| {
                        let r: Vec<String> = r.iter().map(f64::to_string).collect();
                        format!("[{}]", r.join(", "))
                    })
                    .collect();
                let value = if sh.cols == 1 {
                    let all: Vec<String> = entries.iter().map(f64::to_string).collect();
                    format!("[{}]", all.join(", "))
                } else {
                    format!("[{}]", rows.join(", "))
                };
                parts.push(format!("{}={value}", sh.name));
            }
            i += sh.len();
            continue;
        }
        if seed[i] != 0.0 {
            let name = trace.name(i).unwrap_or("");
            parts.push(format!("{name}={}", seed[i]));
        }
        i += 1;
    }
    parts.join(", ")
}

/// Whether the current plan takes its reverse sweep along the cotangent
/// (forward mode builds the Jacobian without one).
pub(super) fn uses_cotangent(e: &Evaluation) -> bool {
    matches!(e.sweep.plan.reverse, sweep::Directions::Given(_))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::pipeline::{self, SeedSpec, Traced};

    fn seed_vector(t: &Traced, spec: &SeedSpec) -> Result<Vec<f64>, Failure> {
        t.seed(spec)
    }

    fn traced(src: &str, at: &str) -> Traced {
        pipeline::trace_at(src, "", false, Some(at)).unwrap()
    }

    #[test]
    fn seeds_that_give_a_vector_whole() {
        let t = traced(
            "y = [1, 3]; L = sum((A*theta - y).^2) + c*u",
            "theta = [1, 2], A = [[1, 2], [3, 4]], c = 2, u = 1",
        );
        let names: Vec<&str> = t.trace.input_names().collect();
        assert_eq!(
            names,
            [
                "A[1,1]", "A[1,2]", "A[2,1]", "A[2,2]", "theta[1]", "theta[2]", "c", "u"
            ]
        );
        let spec = SeedSpec::List("theta = [1, 0.5], u = 2".into());
        let s = seed_vector(&t, &spec).unwrap();
        assert_eq!(s, [0.0, 0.0, 0.0, 0.0, 1.0, 0.5, 0.0, 2.0]);
        assert_eq!(seed_list(&t.trace, &s), "theta=[1, 0.5], u=2");
        let s = [0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0];
        assert_eq!(seed_list(&t.trace, &s), "A=[[0, 1], [0, 0]]");
        // the list brings the vector back
        let back = seed_vector(&t, &SeedSpec::List(seed_list(&t.trace, &s))).unwrap();
        assert_eq!(back, s);
        // scalar lists go to the core, with its messages
        let e = seed_vector(&t, &SeedSpec::List("q = 1".into())).unwrap_err();
        assert!(e.diagnostic.message.contains("'q' is not an input"));
        let e = seed_vector(&t, &SeedSpec::List("theta = [1, 2, 3]".into())).unwrap_err();
        assert_eq!((e.origin.as_str(), e.diagnostic.span.start), ("--seed", 8));
    }
}
