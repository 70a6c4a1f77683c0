//! `adtrace run`: every lecture script in assets/ runs headless and its
//! `:expect` lines (the lecture's numbers) hold; a wrong expectation exits 1
//! naming FILE:line; a script error exits 2 naming FILE:line:col before
//! anything runs.

mod common;
use common::{Run, scratch};

fn run(args: &[&str]) -> Run {
    let mut all = vec!["run"];
    all.extend_from_slice(args);
    common::run(&all, "")
}

fn script(name: &str, text: &str) -> String {
    let p = scratch("replay").join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

/// (asset, the least number of expectations it must check)
const ASSETS: &[(&str, usize)] = &[
    ("neural-net", 16),
    ("graph", 16),
    ("baydin", 9),
    ("regression", 22),
    ("neuron-sigmoid", 5),
    ("neuron-relu", 8),
    ("identities", 24),
    ("mlp", 23),
    ("jacobian", 35),
    ("softplus", 22),
    ("finite-differences", 14),
    ("expression-swell", 9),
];

#[test]
fn every_asset_runs_and_its_expectations_hold() {
    let on_disk: Vec<String> = std::fs::read_dir("assets")
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".adt"))
        .collect();
    assert_eq!(
        on_disk.len(),
        ASSETS.len(),
        "every asset is listed: {on_disk:?}"
    );
    for (name, least) in ASSETS {
        let path = format!("assets/{name}.adt");
        let r = run(&[&path]);
        assert_eq!(r.code, 0, "{path}: {}", r.stderr);
        let held: usize = r
            .stderr
            .split("all ")
            .nth(1)
            .and_then(|s| s.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        assert!(
            held >= *least,
            "{path}: {held} expectations held: {}",
            r.stderr
        );
        assert!(
            r.stdout.contains("gradient:") || r.stdout.contains("Jacobian ("),
            "{path}: tables printed"
        );
        // The built-in copy is the same script.
        let r2 = run(&[name]);
        assert_eq!((r2.code, &r2.stdout), (0, &r.stdout), "{name} built in");
    }
}

/// Runs of spaces as one: the rows' values, not the columns' widths.
fn squash(s: &str) -> String {
    s.split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn the_lecture_numbers_are_in_the_tables() {
    let r = run(&["assets/neural-net.adt"]);
    for row in [
        "x1         2·x         2.000        2.000",
        "x2         tanh(x1)    0.9640        0.1413",
        "x3         1.2·x2      1.157        0.1696",
        "x4         x3 − 2     -0.8432        0.1696",
        "x5   L     x4²         0.7109       -0.2859",
    ] {
        assert!(
            squash(&r.stdout).contains(&squash(row)),
            "{row}\n{}",
            r.stdout
        );
    }
    let r = run(&["assets/graph.adt"]);
    assert!(
        squash(&r.stdout).contains("x2 b exp(a) 2.718 5.437 0.8045"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("gradient: ∂f/∂x = 5.983"));
    let r = run(&["assets/baydin.adt"]);
    assert!(
        r.stdout
            .contains("gradient: ∂f/∂x1 = 5.500, ∂f/∂x2 = 1.716"),
        "{}",
        r.stdout
    );
    let r = run(&["assets/regression.adt"]);
    assert!(
        r.stdout
            .contains("gradient: ∂L/∂θ[1] = 1.000, ∂L/∂θ[2] = 2.667"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_wrong_expectation_exits_1_naming_the_line() {
    let p = script(
        "wrong.adt",
        "# a lecture\nsin(x) at x = 1\n:expect d1 = 0.5403\n:expect grad x = 0.54\n\n:expect x1 = 0.9 ± 0.1\n:expect x1 = 0.84\n",
    );
    let r = run(&[&p]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains(&format!("{p}:4:18")), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("grad x = 0.54 ± 0.00005, but it is 0.540302"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains(&format!("{p}:7:")), "{}", r.stderr);
    assert!(
        r.stderr.contains("2 expectations failed, 2 held"),
        "{}",
        r.stderr
    );
    // the table was still printed
    assert!(r.stdout.contains("sin(x)"));
}

#[test]
fn a_script_error_exits_2_before_running_anything() {
    let p = script(
        "typo.adt",
        "sin(x) at x = 1\n:set precison 2\ncos(x +) at x = 0\n",
    );
    let r = run(&[&p]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains(&format!(" --> {p}:2:6")), "{}", r.stderr);
    assert!(
        r.stderr.contains("did you mean 'precision'"),
        "{}",
        r.stderr
    );
    // Every syntax error at once, so a student fixes them in one pass.
    assert!(
        r.stderr.contains(&format!(" --> {p}:3:8")),
        "the second error too: {}",
        r.stderr
    );
    assert!(r.stdout.is_empty(), "nothing ran: {}", r.stdout);
    let r = run(&["--keep-going", &p]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains(&format!("{p}:2:6")) && r.stderr.contains(&format!("{p}:3:8")),
        "{}",
        r.stderr
    );
}

#[test]
fn a_runtime_error_stops_the_script_unless_keep_going() {
    let p = script(
        "runtime.adt",
        "f(x) = sin(x) at x = 1\n:wrt y\ncos(x) at x = 0\n",
    );
    let r = run(&[&p]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains(&format!("{p}:2:6")), "{}", r.stderr);
    assert!(!r.stdout.contains("cos(x)"), "stopped: {}", r.stdout);
    let r = run(&["--keep-going", &p]);
    assert_eq!(r.code, 2);
    assert!(r.stdout.contains("cos(x)"), "went on: {}", r.stdout);
}

#[test]
fn missing_files_and_examples() {
    let r = run(&["no-such-file.adt"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("cannot read 'no-such-file.adt'"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("neural-net"), "{}", r.stderr);
}

#[test]
fn frames_and_formats() {
    let r = run(&["--frames", "--size", "100x30", "assets/graph.adt"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("c fans out to d and e, so c̄ adds both"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("Computational graph"),
        "the title: {}",
        r.stdout
    );
    let r = run(&["--format", "json", "assets/neuron-relu.adt"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let values: Vec<serde_json::Value> = serde_json::Deserializer::from_str(&r.stdout)
        .into_iter()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(values.len(), 2);
    assert_eq!(values[1]["output"]["gradient"]["w"].as_f64(), Some(0.0));
}

#[test]
fn load_runs_a_script_from_the_repl_relative_to_it() {
    let inner = script("inner.adt", "f(x) = x^3 at x = 2\n:expect grad x = 12\n");
    let dir = std::path::Path::new(&inner).parent().unwrap();
    std::fs::write(
        dir.join("outer.adt"),
        ":load inner.adt\n:expect value = 8\n",
    )
    .unwrap();
    let outer = dir.join("outer.adt");
    let r = run(&[outer.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("all 2 expectations held"), "{}", r.stderr);
    // A script that loads itself stops.
    std::fs::write(dir.join("loop.adt"), ":load loop.adt\n").unwrap();
    let r = run(&[dir.join("loop.adt").to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("loaded too deeply"), "{}", r.stderr);
}

#[test]
fn the_documented_example_runs_as_documented() {
    let doc = std::fs::read_to_string("docs/replay.md").unwrap();
    let start = doc.find("```text\n# The lecture").unwrap() + "```text\n".len();
    let body = &doc[start..];
    let example = &body[..body.find("```").unwrap()];
    let p = script("talk.adt", example);
    let r = run(&[&p]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("all 6 expectations held"), "{}", r.stderr);
    assert_eq!(r.stdout.matches("gradient:").count(), 5);
    let p = script(
        "talk.adt",
        &example.replace("cbar = 0.8045", "cbar = 0.8046"),
    );
    let r = run(&[&p]);
    assert_eq!(r.code, 1);
    let want = "error: expectation failed: cbar = 0.8046 ± 0.00005, but it is 0.804549\n --> ";
    assert!(r.stderr.contains(want), "{}", r.stderr);
    assert!(r.stderr.contains("talk.adt:11:16"), "{}", r.stderr);
    assert!(
        doc.contains(want) && doc.contains("talk.adt:11:16"),
        "the doc shows it"
    );
}

/// Shaped programs in a script: entries by name, `:wrt` of an entry,
/// `:seed` of a whole vector, `:jacobian`, `:cotangent`, and the
/// `:expect` names of outputs and Jacobian entries.
#[test]
fn vectors_the_jacobian_and_cotangents_in_a_script() {
    let p = script(
        "shaped.adt",
        "X = [[1, 1], [1, 2], [1, 3]]; y = [1, 3, 2]; L = (1/3)*sum((X*theta - y).^2) at theta = [0.5, 1]\n\
         :expect theta[2] = 1\n\
         :expect grad theta[2] = 2.667\n\
         :wrt theta[2]\n\
         :expect tangent = 2.667\n\
         :seed theta = [1, 0.5]\n\
         :expect tangent = 2.333\n\
         :expect jacobian L theta[1] = 1\n\
         f(x, y) = (x*y, sin(x) + y, x^2*y) at x = 2, y = 3\n\
         :jacobian forward\n\
         :expect jacobian f[2] x = -0.4161\n\
         :expect ∂f[3]/∂y = 4\n\
         :expect value f[3] = 12\n\
         :cotangent f=[1, 2, 0]   # the first two outputs\n\
         :jacobian reverse\n\
         :expect grad x = 2.168\n\
         :expect grad y = 4\n\
         :expect tangent f[2] = -0.4161\n\
         :cotangent off\n\
         :expect grad y = 2\n",
    );
    let r = run(&[&p]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("all 12 expectations held"),
        "{}",
        r.stderr
    );
    assert!(
        r.stdout.contains("Jacobian (forward mode: 2 sweeps"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("vector-Jacobian product, cotangent f[1] = 1, f[2] = 2: x\u{304} = 2.168"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_bad_cotangent_or_jacobian_entry_is_located() {
    let p = script(
        "badcot.adt",
        "f(x, y) = (x*y, x + y) at x = 2, y = 3\n:cotangent f = [1, 2, 3]\n",
    );
    let r = run(&[&p]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains(&format!("{p}:2:16")), "{}", r.stderr);
    assert!(
        r.stderr.contains("f has 2 entries; this gives 3"),
        "{}",
        r.stderr
    );
    let p = script(
        "badname.adt",
        "f(x, y) = (x*y, x + y) at x = 2, y = 3\n:cotangent g = 1\n",
    );
    let r = run(&[&p]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains(&format!("{p}:2:12")), "{}", r.stderr);
    assert!(r.stderr.contains("the outputs are f"), "{}", r.stderr);
    let p = script(
        "badmode.adt",
        "f(x, y) = (x*y, x + y) at x = 2, y = 3\n:jacobian sideways\n",
    );
    let r = run(&[&p]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains(&format!("{p}:2:11")), "{}", r.stderr);
    assert!(
        r.stderr.contains("'sideways' is not a mode"),
        "{}",
        r.stderr
    );
    let p = script(
        "badentry.adt",
        "f(x, y) = (x*y, x + y) at x = 2, y = 3\n:expect jacobian f[3] x = 1\n",
    );
    let r = run(&[&p]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains(&format!("{p}:2:9")), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("'f[3]' is not an output; the outputs are f[1], f[2]"),
        "{}",
        r.stderr
    );
    // a wrong Jacobian entry is a failed expectation (exit 1)
    let p = script(
        "wrongentry.adt",
        "f(x, y) = (x*y, x + y) at x = 2, y = 3\n:expect jacobian f[1] x = 2\n",
    );
    let r = run(&[&p]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("∂f[1]/∂x = 2 ± 0.0005, but it is 3"),
        "{}",
        r.stderr
    );
}
