//! The fuzz targets' property on the stable toolchain (CI runs it; the
//! libFuzzer targets are in `fuzz/`): random programs from the grammar —
//! statements, helper definitions, calls of every function, vectors,
//! indexing, several outputs, points — and broken ones (a token dropped,
//! inserted or a piece repeated) run through the binary in every format.
//! It must exit 0 or 2 only (never a panic, 70, or a signal); on 0 the JSON
//! parses; on 2 stderr has a located error (`--> line:col`) and stdout is
//! empty.

mod common;
use common::adtrace;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::FileFailurePersistence;

const FUNCTIONS: &[&str] = &[
    "sin", "cos", "tan", "exp", "ln", "log", "sqrt", "tanh", "sigmoid", "relu", "abs", "softplus",
];

fn expr() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("x".to_string()),
        Just("y".to_string()),
        Just("a".to_string()),
        Just("pi".to_string()),
        Just("v[1]".to_string()),
        (0u32..2000).prop_map(|k| format!("{}", f64::from(k) / 100.0)),
        Just("1e-3".to_string()),
        Just("2.5e2".to_string()),
    ];
    leaf.prop_recursive(4, 24, 2, |inner| {
        prop_oneof![
            (
                inner.clone(),
                prop::sample::select(vec!["+", "-", "*", "/", "^", "**"]),
                inner.clone()
            )
                .prop_map(|(a, op, b)| format!("{a} {op} {b}")),
            inner.clone().prop_map(|a| format!("({a})")),
            inner.clone().prop_map(|a| format!("-{a}")),
            (prop::sample::select(FUNCTIONS), inner.clone()).prop_map(|(f, a)| format!("{f}({a})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("g({a}, {b})")),
            (inner.clone(), inner).prop_map(|(a, b)| format!("sum([{a}, {b}])")),
        ]
    })
}

/// A valid-looking program: a helper, statements that reuse each other,
/// a vector, one or two outputs, and a point.
fn program() -> impl Strategy<Value = String> {
    (
        expr(),
        expr(),
        expr(),
        expr(),
        any::<bool>(),
        any::<bool>(),
        -3.0f64..3.0,
        -3.0f64..3.0,
    )
        .prop_map(|(h, a, b, c, two, semi, px, py)| {
            let sep = if semi { "; " } else { "\n" };
            let out = if two {
                format!("f = ({c}, {b})")
            } else {
                format!("f = {c}")
            };
            let h = h.replace("g(", "sin(").replace('a', "p");
            format!(
                "g(p, q) = {h} + q{sep}v = [x, y, 2]{sep}a = {a}{sep}b = {b}{sep}{out}\nat x = {px:.3}, y = {py:.3}"
            )
        })
}

/// A program broken by one edit (or left whole).
fn edited() -> impl Strategy<Value = String> {
    let token = prop::sample::select(vec![
        "(", ")", "[", "]", ",", "=", "at", "^", "+", "@", "\n", ";", "é", "1e999", "#", "f(",
        "x =", "\u{1b}", "\\", "0/0", "..",
    ]);
    (program(), 0usize..3, any::<prop::sample::Index>(), token).prop_map(|(p, kind, at, tok)| {
        let cut: Vec<usize> = p.char_indices().map(|(i, _)| i).chain([p.len()]).collect();
        let i = cut[at.index(cut.len())];
        match kind {
            0 => p,
            1 => format!("{}{tok}{}", &p[..i], &p[i..]),
            _ => {
                let j = cut[(at.index(cut.len()) + 1).min(cut.len() - 1)];
                format!("{}{}", &p[..i], &p[j..])
            }
        }
    })
}

/// Whether stderr locates its error (`--> FILE:line:col` or `--> line:col`).
fn located(stderr: &str) -> bool {
    stderr.lines().any(|l| {
        let Some(rest) = l.trim_start().strip_prefix("--> ") else {
            return false;
        };
        let parts: Vec<&str> = rest.rsplitn(3, ':').collect();
        parts.len() >= 2
            && parts[..2]
                .iter()
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 400,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("proptest-regressions"))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_program_exits_0_with_json_or_2_located(
        src in edited(),
        format in prop::sample::select(vec!["json", "json", "text", "markdown", "latex", "dot", "python", "tape"]),
    ) {
        let out = adtrace()
            .args(["eval", "--format", format, "--", &src])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        // An edit that puts `@` first makes the argument a file to read
        // (`eval @FILE`): the error names the file it cannot read.
        if src.starts_with('@') {
            prop_assert_eq!(out.status.code(), Some(2), "{}", stderr);
            prop_assert!(stderr.contains("cannot read"), "{src:?}: {stderr}");
            return Ok(());
        }
        match out.status.code() {
            Some(0) => {
                if format == "json" {
                    let v: Result<serde_json::Value, _> = serde_json::from_str(&stdout);
                    prop_assert!(v.is_ok(), "invalid JSON for {src:?}: {stdout}");
                    prop_assert!(v.unwrap()["output"].is_object());
                } else {
                    prop_assert!(!stdout.is_empty(), "{src:?}");
                }
            }
            Some(2) => {
                prop_assert!(located(&stderr), "unlocated error for {src:?}: {stderr}");
                prop_assert!(stdout.is_empty(), "{src:?}: {stdout}");
            }
            c => prop_assert!(false, "exit {c:?} for {src:?}: {stderr}"),
        }
    }
}

#[test]
fn the_generator_makes_programs_that_trace() {
    // Not only errors: some generated programs are valid (a property on
    // errors alone would test little).
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut ok = 0;
    for _ in 0..20 {
        let src = program().new_tree(&mut runner).unwrap().current();
        let out = adtrace()
            .args(["eval", "--format", "json", "--", &src])
            .output()
            .unwrap();
        if out.status.success() {
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            assert!(v["output"].is_object());
            ok += 1;
        }
    }
    assert!(ok >= 5, "only {ok} of 20 generated programs traced");
}

/// What the libFuzzer targets found, kept as cases.
#[test]
fn fuzz_finds_stay_fixed() {
    // `[[a]]` once left a vector inside a vector (a panic, then an
    // error); it is the one-entry vector [a], as `[[a], [b]]` is [a, b].
    let out = adtrace().args(["eval", "--", " [[a]]"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(located(&err) && err.contains("a has no value"), "{err}");
    let json = |src: &str| {
        let out = adtrace()
            .args(["eval", "--format", "json", "--output-only", "--", src])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{src:?}");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(v["output"]["gradient"].is_object(), "{v}");
        (
            v["output"].clone(),
            v["outputs"].clone(),
            v["jacobian"].clone(),
        )
    };
    assert_eq!(json("f = [[a]] at a = 1"), json("f = [a] at a = 1"));
    assert_eq!(
        json("f = [[x], [2*x]] at x = 3"),
        json("f = [x, 2*x] at x = 3")
    );
    assert_eq!(
        json("f = sum([[x]]) at x = 3"),
        json("f = sum([x]) at x = 3")
    );
}

#[test]
fn located_reads_the_arrow_line() {
    assert!(located("error: x\n --> 1:4\n"));
    assert!(located("error: x\n --> a.adt:12:3\n"));
    assert!(!located("error: cannot read 'a'\n"));
}
