//! The Jacobian of a function with several inputs and outputs, by either
//! mode from the same stored partials: forward mode runs one tangent sweep
//! per input (each gives a column), reverse mode one adjoint sweep per
//! output (each gives a row). Both must give the same matrix; the cost of
//! each (n forward sweeps against m reverse sweeps) is why reverse mode
//! wins for a loss with many parameters.
//!
//! Must not format anything; every number comes from `sweep`'s passes.

use super::sweep::{self, Mode, Sweep};
use super::trace::Trace;

/// The most entries a Jacobian may have (8 bytes each): beyond this the
/// answer is a message, not an attempt.
pub const MAX_ENTRIES: usize = 20_000_000;

/// ∂output_i/∂input_j, row by row (outputs × inputs).
#[derive(Clone, Debug, PartialEq)]
pub struct Jacobian {
    pub mode: Mode,
    pub outputs: usize,
    pub inputs: usize,
    pub entries: Vec<f64>,
}

impl Jacobian {
    pub fn get(&self, i: usize, j: usize) -> f64 {
        self.entries[i * self.inputs + j]
    }
    /// Row `i`: the gradient of output i.
    pub fn row(&self, i: usize) -> &[f64] {
        &self.entries[i * self.inputs..(i + 1) * self.inputs]
    }
}

/// Why a Jacobian is not computed.
#[derive(Clone, Debug, PartialEq)]
pub enum Unavailable {
    /// More entries than `MAX_ENTRIES`.
    TooLarge { outputs: usize, inputs: usize },
    /// A stop was asked for (Ctrl-C) between two sweeps.
    Cancelled,
}

impl std::fmt::Display for Unavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unavailable::TooLarge { outputs, inputs } => write!(
                f,
                "the Jacobian would have {outputs} × {inputs} = {} entries, more than the {MAX_ENTRIES} adtrace keeps in memory; ask for a gradient, a seed (--seed) or a cotangent (--cotangent) instead",
                outputs.saturating_mul(*inputs)
            ),
            Unavailable::Cancelled => write!(
                f,
                "the Jacobian was not finished: {}",
                crate::core::cancel::Cancelled
            ),
        }
    }
}

/// The whole Jacobian at the sweep's point, by `mode`.
///
/// Polls `cancel` between sweeps: m·rows or n·rows work can take minutes.
pub fn jacobian(trace: &Trace, s: &Sweep, mode: Mode) -> Result<Jacobian, Unavailable> {
    let (m, n) = (trace.n_outputs.min(trace.len()), trace.n_inputs);
    if m.saturating_mul(n) > MAX_ENTRIES {
        return Err(Unavailable::TooLarge {
            outputs: m,
            inputs: n,
        });
    }
    let mut entries = vec![0.0; m * n];
    let outputs = trace.outputs();
    match mode {
        Mode::Forward => {
            let (mut t, mut seeded) = (Vec::new(), Vec::new());
            let mut seed = vec![0.0; n];
            for j in 0..n {
                if crate::core::cancel::requested() {
                    return Err(Unavailable::Cancelled);
                }
                seed[j] = 1.0;
                sweep::tangent_pass(trace, &s.partial, &seed, &mut t, &mut seeded);
                seed[j] = 0.0;
                for (i, r) in outputs.clone().enumerate() {
                    entries[i * n + j] = t[r];
                }
            }
        }
        Mode::Reverse => {
            let mut a = Vec::new();
            let mut c = vec![0.0; m];
            for i in 0..m {
                if crate::core::cancel::requested() {
                    return Err(Unavailable::Cancelled);
                }
                c[i] = 1.0;
                sweep::adjoint_pass(trace, &s.partial, &c, &mut a);
                c[i] = 0.0;
                entries[i * n..(i + 1) * n].copy_from_slice(&a[..n]);
            }
        }
    }
    Ok(Jacobian {
        mode,
        outputs: m,
        inputs: n,
        entries,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::syntax::parse;
    use crate::core::trace::{Options, build_shaped};

    fn setup(src: &str, shapes: &[(&str, (u32, u32))], point: &[f64]) -> (Trace, Sweep) {
        let t = build_shaped(src, &parse(src).unwrap(), Options::default(), shapes).unwrap();
        let mut seed = vec![0.0; t.n_inputs];
        seed[0] = 1.0;
        (t.clone(), sweep::both(&t, point, &seed))
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
    }

    /// f: R² → R³ and f: R³ → R²: both modes give the same matrix, and it
    /// is the one worked out by hand.
    #[test]
    fn both_modes_agree_with_the_hand_derivative() {
        let (t, s) = setup("f(x, y) = (x*y, sin(x) + y, x^2*y)", &[], &[2.0, 3.0]);
        let (x, y) = (2.0f64, 3.0f64);
        let want = [y, x, x.cos(), 1.0, 2.0 * x * y, x * x];
        for mode in [Mode::Forward, Mode::Reverse] {
            let j = jacobian(&t, &s, mode).unwrap();
            assert_eq!((j.outputs, j.inputs), (3, 2));
            for (k, w) in want.iter().enumerate() {
                assert!(
                    close(j.entries[k], *w),
                    "{mode:?} {k}: {} vs {w}",
                    j.entries[k]
                );
            }
        }
        let (t, s) = setup("g(a, b, c) = (a*b*c, exp(a) - c)", &[], &[0.5, -1.0, 2.0]);
        let f = jacobian(&t, &s, Mode::Forward).unwrap();
        let r = jacobian(&t, &s, Mode::Reverse).unwrap();
        assert_eq!((f.outputs, f.inputs), (2, 3));
        for k in 0..6 {
            assert!(close(f.entries[k], r.entries[k]));
        }
        assert!(close(f.get(0, 2), -0.5));
        assert!(close(f.get(1, 0), 0.5f64.exp()));
    }

    /// ∇θ(cᵀθ) = c and ∇θ(θᵀAθ) = (A + Aᵀ)θ, with a non-symmetric A.
    #[test]
    fn the_lecture_identities() {
        let shapes = [("theta", (3, 1))];
        let th = [0.5, -1.0, 2.0];
        let (t, s) = setup("c = [1, 2, 3]; f = c'*theta", &shapes, &th);
        assert_eq!(s.gradient(), [1.0, 2.0, 3.0]);
        let a = [[1.0, 2.0, 0.0], [-1.0, 3.0, 4.0], [0.5, 0.0, 2.0]];
        let src = "A = [[1, 2, 0], [-1, 3, 4], [0.5, 0, 2]]; f = theta'*A*theta";
        let (t2, s2) = setup(src, &shapes, &th);
        for (k, row) in a.iter().enumerate() {
            let want: f64 = (0..3).map(|j| (row[j] + a[j][k]) * th[j]).sum();
            assert!(close(s2.gradient()[k], want), "{k}");
        }
        let _ = t;
        assert_eq!(t2.n_outputs, 1);
    }

    #[test]
    fn too_large_is_a_message() {
        let e = Unavailable::TooLarge {
            outputs: 10_000,
            inputs: 10_000,
        };
        assert!(e.to_string().contains("100000000 entries"));
    }
}
