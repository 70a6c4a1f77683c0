//! The REPL through a non-terminal stdin (a pipe, as in `echo … | adtrace`):
//! programs, points, commands, errors that do not end the session, and the
//! files `:export`, `:save` and `:record` write.

mod common;
use common::{Run, adtrace, run, scratch};

fn repl(input: &str) -> Run {
    run(&[], input)
}

#[test]
fn a_program_with_its_point_prints_the_table() {
    let r = repl("sin(x) at x=1\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("row  name  operation"), "{}", r.stdout);
    assert!(
        r.stdout.contains("gradient: ∂x1/∂x = 0.5403"),
        "{}",
        r.stdout
    );
    assert!(r.stderr.is_empty(), "{}", r.stderr);
}

/// A line ending in an operator, `=` or `,` continues on the next, at the
/// prompt and in scripts as in a file: f = x·y + 1 at (2, 3) is 7, with
/// ∂f/∂x = y = 3 and ∂f/∂y = x = 2.
#[test]
fn a_line_ending_in_an_operator_continues() {
    let r = repl("f = x·y +\n  1 at x = 2,\n  y = 3\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("f = 7.000"), "{}", r.stdout);
    assert!(
        r.stdout.contains("∂f/∂x = 3.000, ∂f/∂y = 2.000"),
        "{}",
        r.stdout
    );
    let dir = common::scratch("continued-script");
    let script = dir.join("c.adt");
    std::fs::write(&script, "f = x·y +\n  1 at x = 2, y = 3\n:expect f = 7\n").unwrap();
    let r = run(&["run", script.to_str().unwrap()], "");
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
}

#[test]
fn program_without_point_then_at_then_wrt() {
    let r = repl("f(x, y) = x*y + sin(y)\nat x = 2, y = 1\n:wrt y\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("remembered a program of x, y"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("∂f/∂x = 1.000   (forward mode, seed x = 1)")
    );
    assert!(
        r.stdout
            .contains("∂f/∂y = 2.540   (forward mode, seed y = 1)")
    );
    // `:at` is the same as `at`
    let r = repl("f(x) = x^2\n:at x=3\n");
    assert!(r.stdout.contains("∂f/∂x = 6.000"), "{}", r.stdout);
}

#[test]
fn settings_change_the_tables() {
    let r =
        repl("f(x) = exp(x) at x = 1\n:set precision 2\n:table\n:set notation griewank\n:table\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let tables: Vec<&str> = r.stdout.split("row  ").skip(1).collect();
    assert_eq!(tables.len(), 3, "{}", r.stdout);
    assert!(tables[0].contains("2.718"));
    assert!(tables[1].contains("2.7") && !tables[1].contains("2.72"));
    assert!(
        tables[2].contains("value v") && tables[2].contains("v₀"),
        "{}",
        tables[2]
    );
}

#[test]
fn a_bad_line_does_not_end_the_session() {
    let r = repl("sin(x) at x = 1\nsin(x +* 2)\n:wrt z\ncos(x) at x = 0\n");
    assert_eq!(r.code, 2, "errors make a piped session exit 2");
    assert!(r.stderr.contains(" --> <stdin>:2:8"), "{}", r.stderr);
    assert!(r.stderr.contains("2 | sin(x +* 2)"), "{}", r.stderr);
    assert!(r.stderr.contains(" --> <stdin>:3:6"), "{}", r.stderr);
    assert!(r.stderr.contains("'z' is not an input"), "{}", r.stderr);
    // the line after the errors still ran
    assert!(r.stdout.contains("cos(x)"), "{}", r.stdout);
    assert_eq!(r.stdout.matches("row  name").count(), 2);
}

#[test]
fn multi_line_input_continues_while_a_parenthesis_is_open() {
    let r = repl("f(x) = sqrt(x^2 +\n   exp(x^2)) at x = 1\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("f = 1.928"), "{}", r.stdout);
}

#[test]
fn examples_list_and_load() {
    let r = repl(":examples\n");
    for name in [
        "neural-net",
        "graph",
        "baydin",
        "regression",
        "neuron-sigmoid",
        "neuron-relu",
        "identities",
        "mlp",
        "jacobian",
        "softplus",
        "finite-differences",
        "expression-swell",
    ] {
        assert!(r.stdout.contains(name), "{name}: {}", r.stdout);
    }
    let r = repl(":set notation griewank\n:example graph\n:table\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("ok: cbar = 0.804"), "{}", r.stdout);
    assert!(r.stdout.contains("▸ c fans out to d and e"), "{}", r.stdout);
    // the last program is current
    let last = r.stdout.rsplit("row  name").next().unwrap();
    assert!(last.contains("f     d + e"), "{last}");
    let r = repl(":example grph\n");
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("did you mean 'graph'"), "{}", r.stderr);
}

#[test]
fn export_writes_every_format() {
    let dir = scratch("export");
    let json = dir.join("t.json");
    let tex = dir.join("t.tex");
    let r = repl(&format!(
        "W0 = 2; W1 = 1.2; y = 2; L = (W1*tanh(W0*x) - y)^2 at x = 1\n:export json {}\n:export latex {}\n",
        json.display(),
        tex.display()
    ));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let g = j["output"]["gradient"]["x"].as_f64().unwrap();
    assert!((g + 0.2859).abs() < 1e-4, "{g}");
    assert!(
        std::fs::read_to_string(&tex)
            .unwrap()
            .contains("\\begin{tabular}")
            || std::fs::read_to_string(&tex).unwrap().contains("tabular")
    );
    let r = repl(":export json\n:export yaml f\n:table\n");
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("missing a format and a file") || r.stderr.contains("missing a file"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("unknown format 'yaml'"), "{}", r.stderr);
    assert!(r.stderr.contains("no program yet"), "{}", r.stderr);
}

#[test]
fn help_and_quit() {
    let r = repl(":help\n:help expect\n:quit\nsin(x) at x = 1\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains(":record FILE | stop"), "{}", r.stdout);
    assert!(
        r.stdout.contains("half a unit in the last digit shown"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("row  name"), "nothing runs after :quit");
}

/// The table blocks of an output (from the header to the gradient line).
fn tables(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur: Option<String> = None;
    for l in s.lines() {
        if l.starts_with("row ") {
            cur = Some(String::new());
        }
        if let Some(c) = &mut cur {
            c.push_str(l);
            c.push('\n');
            if l.starts_with("gradient:") {
                out.extend(cur.take());
            }
        }
    }
    out
}

#[test]
fn record_then_run_gives_the_same_tables() {
    let dir = scratch("record");
    let file = dir.join("session.adt");
    let session = format!(
        ":set precision 3\n:record {}\nf(x1, x2) = ln(x1) + x1*x2 - sin(x2)\nat x1 = 2, x2 = 5\nbad line (\n)\n:wrt x2\n:set notation griewank\n:table\n:record stop\nsin(x) at x = 1\n",
        file.display()
    );
    let r = repl(&session);
    assert_eq!(r.code, 2, "the bad line is an error: {}", r.stderr);
    assert!(r.stdout.contains("recorded 5 lines"), "{}", r.stdout);
    let typed = tables(&r.stdout);
    assert_eq!(typed.len(), 4, "{}", r.stdout);
    let out = adtrace().arg("run").arg(&file).output().unwrap();
    let replayed = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Everything typed while recording, and nothing after it.
    assert_eq!(tables(&replayed), typed[..3].to_vec(), "{replayed}");
    let saved = std::fs::read_to_string(&file).unwrap();
    assert!(saved.contains(":set precision 3"), "{saved}");
    assert!(!saved.contains("bad line"), "{saved}");
}

#[test]
fn save_writes_a_replay_file_of_the_state() {
    let dir = scratch("save");
    let file = dir.join("state.adt");
    let r = repl(&format!(
        ":set cse off\nf(x, y) = sin(x*y) + x*y\nat x = 1, y = 2\n:seed x=1, y=0.5\n:save {}\n:table\n",
        file.display()
    ));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let typed = tables(&r.stdout);
    let out = adtrace().arg("run").arg(&file).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let replayed = tables(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(replayed.last(), typed.last());
}

/// The summary lines of a multi-output table (outputs to the Jacobian's
/// last row) and of a scalar one, in order.
fn summaries(s: &str) -> Vec<String> {
    s.lines()
        .filter(|l| {
            l.starts_with("outputs:")
                || l.starts_with("along the seed")
                || l.starts_with("vector-Jacobian")
                || l.starts_with("Jacobian (")
                || l.starts_with("gradient:")
                || l.starts_with("  f[")
        })
        .map(str::to_string)
        .collect()
}

/// `:record` and `:save` bring back the Jacobian mode, the cotangent and
/// a seed of a vector entry.
#[test]
fn record_and_save_bring_back_the_jacobian_mode_and_cotangent() {
    let dir = scratch("record-jacobian");
    let rec = dir.join("rec.adt");
    let saved = dir.join("saved.adt");
    let r = repl(&format!(
        "f(x, y) = (x*y, sin(x) + y, x^2*y) at x = 2, y = 3\n:record {}\n:jacobian forward\n:cotangent f=[1, 2, 0]\n:cotangent q=1\n:wrt y\n:record stop\n:save {}\n",
        rec.display(),
        saved.display()
    ));
    assert_eq!(r.code, 2, "the bad cotangent is an error: {}", r.stderr);
    assert!(r.stderr.contains("'q' is not an output"), "{}", r.stderr);
    assert!(r.stdout.contains("recorded 3 lines"), "{}", r.stdout);
    let typed = summaries(&r.stdout);
    let text = std::fs::read_to_string(&rec).unwrap();
    assert!(
        text.ends_with(":jacobian forward\n:cotangent f=[1, 2, 0]\n:wrt y\n"),
        "{text}"
    );
    let out = adtrace().arg("run").arg(&rec).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let replayed = summaries(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(replayed, typed, "{text}");
    let text = std::fs::read_to_string(&saved).unwrap();
    assert!(
        text.ends_with(":wrt y\n:jacobian forward\n:cotangent f=[1, 2, 0]\n"),
        "{text}"
    );
    let out = adtrace().arg("run").arg(&saved).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let replayed = summaries(&String::from_utf8_lossy(&out.stdout));
    // The same last table (the saved file sets the seed first).
    assert_eq!(
        replayed[replayed.len() - 6..],
        typed[typed.len() - 6..],
        "{text}"
    );
}

#[test]
fn entries_of_vector_inputs_at_the_prompt() {
    let r = repl(
        "X = [[1, 1], [1, 2], [1, 3]]; y = [1, 3, 2]; L = (1/3)*sum((X*theta - y).^2) at theta = [0.5, 1]\n:wrt theta[2]\n:expect tangent = 2.6667\n:seed theta=[1, 0.5]\n:expect grad theta[1] = 1\n:jacobian forward\n:expect jacobian L theta[2] = 2.6667\n:set\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("∂L/∂theta[2] = 2.667   (forward mode, seed theta[2] = 1)"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("ok: ∂L/∂theta[2] = 2.66667"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("seed: theta=[1, 0.5]\njacobian: forward mode"),
        "{}",
        r.stdout
    );
}
