//! Properties that must hold for any program: forward mode along a seed
//! equals the gradient (reverse mode) dotted with the seed; both agree with
//! a central finite difference; sharing subexpressions changes no number.

use adtrace::core::pipeline::{self, Request, SeedSpec};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

/// Random expressions over x, y, z that stay finite and smooth on
/// [-1.5, 1.5]³ (logs and roots of 1 + a², bounded exponents).
fn expr() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("x".to_string()),
        Just("y".to_string()),
        Just("z".to_string()),
        (1u8..20).prop_map(|k| format!("{}", f64::from(k) / 8.0)),
    ];
    leaf.prop_recursive(5, 40, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} + {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} - {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} * {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}) / (1 + ({b})^2)")),
            inner.clone().prop_map(|a| format!("sin({a})")),
            inner.clone().prop_map(|a| format!("cos({a})")),
            inner.clone().prop_map(|a| format!("tanh({a})")),
            inner.clone().prop_map(|a| format!("sigmoid({a})")),
            inner.clone().prop_map(|a| format!("softplus({a})")),
            inner.clone().prop_map(|a| format!("exp(tanh({a}))")),
            inner.clone().prop_map(|a| format!("ln(1 + ({a})^2)")),
            inner.clone().prop_map(|a| format!("sqrt(1 + ({a})^2)")),
            inner.clone().prop_map(|a| format!("({a})^3")),
            inner.clone().prop_map(|a| format!("-({a})")),
            // the same subexpression twice: CSE shares it
            inner.clone().prop_map(|a| format!("({a}) * ({a})")),
            (inner.clone(), inner).prop_map(|(a, b)| format!("2^(tanh({a})) * {b}")),
        ]
    })
}

/// A program: statements that reuse each other, then the output.
fn program() -> impl Strategy<Value = String> {
    (expr(), expr(), expr()).prop_map(|(a, b, c)| format!("a = {a}\nb = {b} + a\nf = {c} * a + b"))
}

fn point() -> impl Strategy<Value = [f64; 3]> {
    [-1.5f64..1.5, -1.5f64..1.5, -1.5f64..1.5]
}

struct Result {
    value: f64,
    tangent: f64,
    gradient: Vec<(String, f64)>,
}

fn run(program: &str, p: [f64; 3], seed: &SeedSpec, no_cse: bool) -> Result {
    let req = Request {
        program: program.to_string(),
        origin: String::new(),
        at: Some(format!("x = {}, y = {}, z = {}", p[0], p[1], p[2])),
        seed: seed.clone(),
        no_cse,
        ..Request::default()
    };
    // Inputs the program does not mention are not inputs: drop them from --at.
    let traced = pipeline::trace(program, "", no_cse).unwrap();
    let names: Vec<String> = traced.trace.input_names().map(str::to_string).collect();
    let at: Vec<String> = ["x", "y", "z"]
        .iter()
        .zip(p)
        .filter(|(n, _)| names.iter().any(|m| m == *n))
        .map(|(n, v)| format!("{n} = {v:e}"))
        .collect();
    let req = Request {
        at: if at.is_empty() {
            None
        } else {
            Some(at.join(", "))
        },
        ..req
    };
    let ev = pipeline::evaluate(&req).unwrap();
    Result {
        value: ev.sweep().output_value(),
        tangent: ev.sweep().output_tangent(),
        gradient: names
            .into_iter()
            .zip(ev.sweep().gradient().iter().copied())
            .collect(),
    }
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * (1.0 + a.abs().max(b.abs()))
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct("tests/proptest-regressions/properties.txt"))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn forward_along_a_seed_is_gradient_dot_seed(prog in program(), p in point(), s in [-2.0f64..2.0, -2.0f64..2.0, -2.0f64..2.0]) {
        // the seed list may name inputs the program lacks: use only its own
        let plain = run(&prog, p, &SeedSpec::First, false);
        let named: Vec<&str> = plain.gradient.iter().map(|(n, _)| n.as_str()).collect();
        let list: Vec<String> = ["x", "y", "z"].iter().zip(s)
            .filter(|(n, _)| named.contains(n))
            .map(|(n, v)| format!("{n} = {v:e}")).collect();
        let seed = if list.is_empty() { SeedSpec::First } else { SeedSpec::List(list.join(", ")) };
        let r = run(&prog, p, &seed, false);
        let dot: f64 = r.gradient.iter().map(|(n, g)| {
            let k = ["x", "y", "z"].iter().position(|m| m == n).unwrap();
            g * s[k]
        }).sum();
        if !list.is_empty() {
            prop_assert!(close(r.tangent, dot, 1e-9), "{prog}: tangent {} vs gradient·seed {dot}", r.tangent);
        }
    }

    #[test]
    fn gradient_matches_central_differences(prog in program(), p in point()) {
        let r = run(&prog, p, &SeedSpec::First, false);
        prop_assume!(r.value.is_finite() && r.value.abs() < 1e6);
        for (k, name) in ["x", "y", "z"].iter().enumerate() {
            let Some(&(_, g)) = r.gradient.iter().find(|(n, _)| n == name) else { continue };
            let central = |h: f64| {
                let (mut lo, mut hi) = (p, p);
                lo[k] -= h;
                hi[k] += h;
                (run(&prog, hi, &SeedSpec::First, false).value - run(&prog, lo, &SeedSpec::First, false).value) / (2.0 * h)
            };
            let h = 1e-4 * (1.0 + p[k].abs());
            let (d1, d2) = (central(h), central(h / 2.0));
            // Where the function turns too fast for a difference quotient
            // (sin((2y)^9)), the two step sizes disagree: nothing to check.
            if !close(d1, d2, 1e-3) {
                continue;
            }
            // Richardson: the O(h²) errors of the two quotients cancel.
            let fd = (4.0 * d2 - d1) / 3.0;
            prop_assert!(close(g, fd, 1e-5), "{prog}: d/d{name} reverse {g} vs central difference {fd}");
        }
    }

    #[test]
    fn sharing_changes_no_number(prog in program(), p in point()) {
        let shared = run(&prog, p, &SeedSpec::First, false);
        let tree = run(&prog, p, &SeedSpec::First, true);
        // the same operations on the same values: identical bits
        prop_assert_eq!(shared.value.to_bits(), tree.value.to_bits());
        prop_assert_eq!(shared.tangent.to_bits(), tree.tangent.to_bits());
        // adjoints are sums taken in a different order: equal to rounding
        for ((n, a), (_, b)) in shared.gradient.iter().zip(&tree.gradient) {
            prop_assert!(close(*a, *b, 1e-12), "{prog}: d/d{n} {a} vs {b}");
        }
    }
}

/// The Jacobian of a program with vectors by n forward sweeps and by m
/// reverse sweeps: the same matrix (up to the order sums are taken in).
fn jacobian(program: &str, mode: &str) -> Vec<Vec<f64>> {
    let req = Request {
        program: program.to_string(),
        mode: adtrace::core::sweep::Mode::parse(mode).unwrap(),
        ..Request::default()
    };
    let ev = pipeline::evaluate(&req).unwrap();
    let j = adtrace::core::jacobian::jacobian(ev.trace(), ev.sweep(), req.mode).unwrap();
    (0..j.outputs).map(|i| j.row(i).to_vec()).collect()
}

/// A vector program: v = [e1, e2, e3] of the inputs, W*v and elementwise
/// functions, three outputs.
fn vector_program() -> impl Strategy<Value = String> {
    (expr(), expr(), expr(), expr()).prop_map(|(a, b, c, d)| {
        format!(
            "W = [[1, -0.5, 0.25], [2, 0, -1], [0.5, 1.5, 1]]\n\
             v = [{a}, {b}, {c}]\n\
             u = tanh(W*v) .* v\n\
             f(x, y, z) = (sum(u), dot(u, v) + {d}, u[2]*norm(v))"
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 32,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct("tests/proptest-regressions/properties.txt"))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn both_modes_give_the_same_jacobian(prog in vector_program(), p in point()) {
        let prog = format!("{prog}\nat x = {}, y = {}, z = {}", p[0], p[1], p[2]);
        let (f, r) = (jacobian(&prog, "forward"), jacobian(&prog, "reverse"));
        prop_assert_eq!(f.len(), 3);
        for (fr, rr) in f.iter().zip(&r) {
            for (a, b) in fr.iter().zip(rr) {
                prop_assert!(a.is_nan() && b.is_nan() || close(*a, *b, 1e-10), "{prog}: {a} vs {b}");
            }
        }
    }
}
