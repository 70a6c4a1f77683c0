//! Work stays linear in the input on the paths that were once quadratic:
//! many parameters, many point bindings, many rows with a warning in the
//! table, many bad script lines, `:expect` on a long program. Each path
//! runs in-process at n and 4n (best of three, to ride out a busy machine):
//! four times the input must take about four times as long, far from the
//! sixteen times of a quadratic path.

use std::time::{Duration, Instant};

use adtrace::app::session::{Output, Session};

mod common;

/// The best of three runs of `f`.
fn best(f: &dyn Fn()) -> Duration {
    (0..3)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// `make(n)` builds the work for size n; the time at 4n over the time at n
/// must stay well under 16 (a linear path gives 4 to 7 with cache effects;
/// the quadratic paths these tests guard gave 15 and more at these sizes).
fn assert_linear(what: &str, n: usize, make: &dyn Fn(usize) -> Box<dyn Fn()>) {
    let small = make(n);
    let large = make(4 * n);
    // Warm up (allocator, page faults) before measuring.
    small();
    let (t1, t2) = (best(&*small), best(&*large));
    let ratio = t2.as_secs_f64() / t1.as_secs_f64().max(1e-4);
    eprintln!("{what}: {n}: {t1:?}, {}: {t2:?}, ratio {ratio:.2}", 4 * n);
    assert!(
        ratio < 10.0,
        "{what}: {n} took {t1:?}, {} took {t2:?} (ratio {ratio:.2}): not linear",
        4 * n
    );
}

/// Run inputs through one session; the outputs must contain no error
/// unless `errors_expected`.
fn session_run(inputs: &[String], errors_expected: bool) -> Vec<Output> {
    let mut s = Session::default();
    let mut all = Vec::new();
    for i in inputs {
        all.extend(s.handle_line(i));
    }
    if !errors_expected {
        for o in &all {
            assert!(!matches!(o, Output::Error(_)), "{o:?}");
        }
    }
    all
}

#[test]
fn many_parameters_and_point_bindings() {
    assert_linear("f(x0, …, xn) at x0 = …, …", 10_000, &|n| {
        let params: Vec<String> = (0..n).map(|i| format!("x{i}")).collect();
        let point: Vec<String> = (0..n).map(|i| format!("x{i} = {i}")).collect();
        let prog = format!(
            "f({}) = x0 + x{} at {}",
            params.join(", "),
            n - 1,
            point.join(", ")
        );
        Box::new(move || {
            session_run(std::slice::from_ref(&prog), false);
        })
    });
}

#[test]
fn many_rows_with_a_warning_in_the_table() {
    // abs at 0 is a kink: every row carries a warning.
    assert_linear("kink warnings in the table", 20_000, &|n| {
        let stmts: Vec<String> = (0..n)
            .map(|i| {
                if i == 0 {
                    "v0 = abs(x - 1)".to_string()
                } else {
                    format!("v{i} = abs(v{})", i - 1)
                }
            })
            .collect();
        let prog = format!("{} at x = 1", stmts.join("; "));
        Box::new(move || {
            let out = session_run(std::slice::from_ref(&prog), false);
            assert!(
                out.iter()
                    .any(|o| matches!(o, Output::Text(t) if t.contains("kink"))),
                "the table notes the kinks"
            );
        })
    });
}

#[test]
fn many_bad_script_lines() {
    let dir = common::scratch("scaling");
    assert_linear("bad script lines", 5_000, &|n| {
        let file = dir.join(format!("bad{n}.adt"));
        let mut text = String::from("sin(x) at x = 1\n");
        for _ in 0..n {
            text.push_str(":bogus line\n");
        }
        std::fs::write(&file, text).unwrap();
        let load = format!(":load {}", file.display());
        Box::new(move || {
            let out = session_run(std::slice::from_ref(&load), true);
            let errors = out.iter().filter(|o| matches!(o, Output::Error(_))).count();
            assert_eq!(errors, n, "every bad line is reported");
        })
    });
}

#[test]
fn expect_on_a_long_program() {
    assert_linear(":expect on a long program", 4_000, &|n| {
        let stmts: Vec<String> = (0..n)
            .map(|i| {
                if i == 0 {
                    "v0 = sin(x)".to_string()
                } else {
                    format!("v{i} = sin(v{})", i - 1)
                }
            })
            .collect();
        let mut inputs = vec![format!("{} at x = 1", stmts.join("; "))];
        // v_k = sin∘…∘sin(1) (k + 1 times), computed here.
        let mut v = 1f64;
        let mut want = Vec::new();
        for _ in 0..n {
            v = v.sin();
            want.push(v);
        }
        for k in (0..n).step_by(n / 20) {
            inputs.push(format!(":expect v{k} = {:.6}", want[k]));
        }
        Box::new(move || {
            let out = session_run(&inputs, false);
            let held = out
                .iter()
                .filter(|o| matches!(o, Output::ExpectHeld(_)))
                .count();
            assert_eq!(held, 20);
        })
    });
}
