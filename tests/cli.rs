//! The `adtrace eval` command as a user and an autograder run it: the
//! lecture's numbers through the public JSON interface, every output format,
//! and every kind of bad input (exit 2, a located message, nothing on stdout).

use serde_json::Value;

mod common;
use common::adtrace;

fn eval_json(args: &[&str]) -> Value {
    let out = adtrace()
        .arg("eval")
        .arg("--format")
        .arg("json")
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON object on stdout")
}

fn r4(v: &Value) -> f64 {
    (v.as_f64().unwrap() * 1e4).round() / 1e4
}

fn column(j: &Value, key: &str) -> Vec<f64> {
    j["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| r4(&n[key]))
        .collect()
}

const NEURAL_NET: &str = "W0 = 2; W1 = 1.2; y = 2; L = (W1*tanh(W0*x) - y)^2 at x = 1";
const GRAPH: &str = "sqrt(x^2 + exp(x^2)) + cos(x^2 + exp(x^2)) at x = 1";
const BAYDIN: &str = "f(x1, x2) = ln(x1) + x1*x2 - sin(x2) at x1 = 2, x2 = 5";

#[test]
fn lecture_neural_net_table() {
    let j = eval_json(&[NEURAL_NET]);
    // x0..x5 and d0..d5 of the lecture (0.722 on the slide is (−0.8432)² = 0.7109)
    assert_eq!(
        column(&j, "value"),
        [1.0, 2.0, 0.964, 1.1568, -0.8432, 0.7109]
    );
    assert_eq!(
        column(&j, "tangent"),
        [1.0, 2.0, 0.1413, 0.1696, 0.1696, -0.2859]
    );
    assert_eq!(j["inputs"], serde_json::json!(["x"]));
    assert_eq!(j["output"]["name"], "L");
    assert_eq!(r4(&j["output"]["gradient"]["x"]), -0.2859);
    assert_eq!(r4(&j["output"]["tangent"]), -0.2859);
    let step2 = &j["steps"][2];
    assert_eq!(step2["phase"], "forward");
    assert_eq!(step2["symbolic"], "d2 = (1 − tanh²(x1))·d1");
    assert_eq!(step2["numeric"], "= (1 − tanh²(2))·2 = 0.1413");
    assert_eq!(j["steps"].as_array().unwrap().len(), 12);
    assert_eq!(j["warnings"], serde_json::json!([]));
}

#[test]
fn neural_net_with_every_parameter_an_input() {
    let j = eval_json(&["L = (W1*tanh(W0*x) - y)^2 at x=1, W0=2, W1=1.2, y=2"]);
    let g = &j["output"]["gradient"];
    let x4 = 1.2 * 2f64.tanh() - 2.0;
    let sech2 = 1.0 - 2f64.tanh().powi(2);
    let close = |v: &Value, want: f64| (v.as_f64().unwrap() - want).abs() < 1e-12;
    assert!(close(&g["x"], 2.0 * x4 * 1.2 * sech2 * 2.0));
    assert!(close(&g["W0"], 2.0 * x4 * 1.2 * sech2 * 1.0));
    assert!(close(&g["W1"], 2.0 * x4 * 2f64.tanh()));
    assert!(close(&g["y"], -2.0 * x4));
    assert_eq!(j["inputs"].as_array().unwrap().len(), 4);
}

#[test]
fn lecture_graph_shares_structure_and_sweeps_agree() {
    let j = eval_json(&[GRAPH]);
    assert_eq!(j["nodes"].as_array().unwrap().len(), 7);
    assert_eq!(r4(&j["output"]["value"]), 1.09);
    assert_eq!(r4(&j["output"]["tangent"]), 5.9831);
    assert_eq!(r4(&j["output"]["gradient"]["x"]), 5.9831);
    let tree = eval_json(&["--no-cse", GRAPH]);
    assert_eq!(tree["nodes"].as_array().unwrap().len(), 12);
    assert_eq!(tree["output"]["value"], j["output"]["value"]);
    // statements a..f name the rows as on the lecture's graph
    let named =
        eval_json(&["a = x^2; b = exp(a); c = a + b; d = sqrt(c); e = cos(c); f = d + e at x = 1"]);
    let names: Vec<&str> = named["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["x", "a", "b", "c", "d", "e", "f"]);
    let c_reverse = named["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["phase"] == "reverse" && s["node"] == 3)
        .unwrap();
    assert_eq!(
        c_reverse["symbolic"],
        "c\u{304} = d\u{304}·∂d/∂c + e\u{304}·∂e/∂c"
    );
    assert_eq!(c_reverse["terms"].as_array().unwrap().len(), 2);
}

#[test]
fn baydin_survey_example() {
    let j = eval_json(&[BAYDIN]);
    assert_eq!(j["nodes"].as_array().unwrap().len(), 7);
    assert_eq!(r4(&j["output"]["value"]), 11.6521);
    assert_eq!(r4(&j["output"]["gradient"]["x1"]), 5.5);
    assert_eq!(r4(&j["output"]["gradient"]["x2"]), 1.7163);
    let j = eval_json(&["--wrt", "x2", BAYDIN]);
    assert_eq!(r4(&j["output"]["tangent"]), 1.7163);
    assert_eq!(j["seed"], serde_json::json!({"x1": 0, "x2": 1}));
    let j = eval_json(&["--seed", "x1=1,x2=0.5", "--output-only", BAYDIN]);
    assert_eq!(
        r4(&j["output"]["tangent"]),
        r4(&serde_json::json!(5.5 + 0.5 * 1.716_337_814_536_77))
    );
    assert!(j.get("nodes").is_none() && j.get("steps").is_none());
}

#[test]
fn non_finite_numbers_are_strings_and_warn() {
    let out = adtrace()
        .args(["eval", "--format", "json", "ln(x) + 1/y at x = -1, y = 0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["output"]["value"], "NaN");
    let inf = j["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["op"] == "div")
        .unwrap();
    assert_eq!(inf["value"], "Infinity");
    let kinds: Vec<&str> = j["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"domain"), "{kinds:?}");
    let msgs = j["warnings"].to_string();
    assert!(
        msgs.contains("ln of a negative number") && msgs.contains("division by zero"),
        "{msgs}"
    );
}

#[test]
fn no_inputs_gives_a_value_and_an_empty_gradient() {
    let j = eval_json(&["2^10 + pi"]);
    assert_eq!(
        j["output"]["value"].as_f64().unwrap(),
        1024.0 + std::f64::consts::PI
    );
    assert_eq!(j["output"]["gradient"], serde_json::json!({}));
}

#[test]
fn text_markdown_latex_dot() {
    let text = adtrace().args(["eval", NEURAL_NET]).output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains("x5   L     x4²         0.7109       -0.2859      1.000"),
        "{text}"
    );
    assert!(text.contains("∂L/∂x = -0.2859"));
    let md = String::from_utf8(
        adtrace()
            .args(["eval", "--format", "markdown", NEURAL_NET])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(
        md.contains("| x2 |  | tanh(x1) | 0.9640 | 0.1413 |"),
        "{md}"
    );
    let tex = String::from_utf8(
        adtrace()
            .args(["eval", "--format", "latex", NEURAL_NET])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(
        tex.contains("\\toprule")
            && tex.contains("$x_{2}$ &  & $\\tanh(x_{1})$ & $0.9640$ & $0.1413$"),
        "{tex}"
    );
    let dot = String::from_utf8(
        adtrace()
            .args(["eval", "--format", "dot", GRAPH])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    // the shared x² feeds both exp and the sum: two out-edges from one node
    assert!(
        dot.contains("n1 -> n2 [") && dot.contains("n1 -> n3 ["),
        "{dot}"
    );
    let ascii = String::from_utf8(
        adtrace()
            .args(["eval", "--ascii", "--notation", "griewank", BAYDIN])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(ascii.is_ascii(), "{ascii}");
    assert!(ascii.contains("v_-1"), "{ascii}");
}

#[test]
fn precision_and_timings() {
    let out = adtrace()
        .args(["eval", "--precision", "2", "--timings", NEURAL_NET])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("L = 0.71"), "{text}");
    let err = String::from_utf8(out.stderr).unwrap();
    for stage in [
        "parse: ",
        "trace build: ",
        "forward sweep: ",
        "reverse sweep: ",
    ] {
        assert!(
            err.lines()
                .any(|l| l.starts_with(stage) && l.ends_with(" ms")),
            "{err}"
        );
    }
}

#[test]
fn program_from_stdin_file_and_after_double_dash() {
    let j: Value = serde_json::from_slice(
        &adtrace()
            .args(["eval", "--format", "json", "-"])
            .write_stdin("tanh(2*x)\nat x = 1\n")
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(r4(&j["output"]["value"]), 0.964);
    let dir = std::env::temp_dir().join(format!("adtrace-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("p.adt");
    std::fs::write(
        &f,
        "# the lecture's graph\na = x^2\nb = exp(a)\nf = sqrt(a + b) + cos(a + b)\nat x = 1\n",
    )
    .unwrap();
    let j = eval_json(&[&format!("@{}", f.display())]);
    assert_eq!(r4(&j["output"]["gradient"]["x"]), 5.9831);
    let j = eval_json(&["--", "-x^2 at x = 3"]);
    assert_eq!(j["output"]["value"].as_f64(), Some(-9.0));
    let _ = std::fs::remove_dir_all(dir);
}

/// Run with bad input: exit 2, nothing on stdout, the message on stderr.
fn bad(args: &[&str], stdin: &[u8]) -> String {
    let out = adtrace()
        .args(args)
        .write_stdin(stdin.to_vec())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty(), "{args:?} wrote to stdout");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn bad_input_is_located_with_a_caret_and_a_hint() {
    let cases: &[(&str, &[&str])] = &[
        (
            "sinn(x) at x = 1",
            &[" --> 1:1", "^^^^", "did you mean 'sin'?"],
        ),
        ("y = 2x at x = 1", &[" --> 1:5", "write 2*x"]),
        (
            "ln(x1) + x2 at x1 = 1",
            &["x2 has no value", " --> 1:10", "add it to 'at' or --at"],
        ),
        ("sin(x at x = 1", &["unclosed '('", " --> 1:4"]),
        ("x + ) at x = 1", &["unmatched ')'"]),
        (
            "v = [x, 2 at x = 1",
            &["unclosed '['", " --> 1:5", "add a ']'"],
        ),
        (
            "v = [x, 2) at x = 1",
            &["')' does not close '['", " --> 1:5"],
        ),
        (
            "v = [x; 2] at x = 1",
            &[" --> 1:7", "separate the entries with ','"],
        ),
        ("f = |x| at x = -1", &[" --> 1:5", "write abs(a)"]),
        (
            "f = log(x, 2) at x = 8",
            &["log takes one argument, not 2", "write ln(x)/ln(b)"],
        ),
        ("", &["empty program", " --> 1:1"]),
        ("x + y at x = 1, x = 2, y = 0", &["'x' is given twice"]),
        (
            "x at x = 1, z = 2",
            &["'z' is not an input", "the inputs are x"],
        ),
        (
            "a = b + 1\nb = x at x = 1",
            &["used before it is defined", " --> 1:5"],
        ),
        (
            "f(x) = x + y at x = 1",
            &["not a parameter", "add it: f(x, y)"],
        ),
        ("x +\n\n  * 2", &[" --> 3:3"]),
        ("sin = 3", &["function name"]),
        ("at = 3", &["reserved word"]),
    ];
    for (program, wants) in cases {
        let err = bad(&["eval", program], b"");
        assert!(err.starts_with("error: "), "{program:?}: {err}");
        for w in *wants {
            assert!(err.contains(w), "{program:?}: missing {w:?} in\n{err}");
        }
    }
}

#[test]
fn bad_options_are_usage_errors() {
    let err = bad(
        &["eval", "--seed", "x=1", "--wrt", "x", "x*y at x=1, y=2"],
        b"",
    );
    assert!(err.contains("cannot be used with"), "{err}");
    let err = bad(&["eval", "--wrt", "z", "x*y at x=1, y=2"], b"");
    assert!(
        err.contains("'z' is not an input") && err.contains("--wrt"),
        "{err}"
    );
    let err = bad(&["eval", "--at", "x=1,,", "x*y at y=2"], b"");
    assert!(err.contains("--at:1:"), "{err}");
    let err = bad(&["eval", "--format", "yaml", "x at x = 1"], b"");
    assert!(err.contains("yaml"), "{err}");
    let err = bad(&["eval", "@/nonexistent/file.adt"], b"");
    assert!(err.contains("cannot read"), "{err}");
}

#[test]
fn hostile_input_never_crashes() {
    // 100,000 nested parentheses: a located error, not a stack overflow
    let deep = format!("{}x{} at x = 1", "(".repeat(100_000), ")".repeat(100_000));
    let err = bad(&["eval", "-"], deep.as_bytes());
    assert!(err.contains("nested more than"), "{err}");
    // a 10 MB line: either traced or rejected cleanly
    let long = format!("x{} at x = 1", "+x".repeat(5_000_000));
    let out = adtrace()
        .args(["eval", "--output-only", "-"])
        .write_stdin(long)
        .output()
        .unwrap();
    assert!(matches!(out.status.code(), Some(0 | 2)), "{:?}", out.status);
    // invalid UTF-8 and NUL bytes
    let err = bad(&["eval", "-"], b"x + \xff\xfe at x = 1");
    assert!(
        err.contains("invalid UTF-8") && err.contains("<stdin>:1:5"),
        "{err}"
    );
    let err = bad(&["eval", "-"], b"x +\0 1 at x = 1");
    assert!(err.contains("NUL") && !err.contains('\0'), "{err}");
    // ten thousand unary minuses and a long power tower parse without recursion
    let minus = format!("{}x at x = 2", "-".repeat(10_000));
    let out = adtrace()
        .args(["eval", "--output-only", "-"])
        .write_stdin(minus)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

/// The README's console examples are what the commands print.
#[test]
fn readme_examples_are_current() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let mut checked = 0;
    for block in readme.split("```console\n").skip(1) {
        let block = &block[..block.find("```").unwrap()];
        let (cmd, shown) = block.split_once('\n').unwrap();
        let Some(cmd) = cmd.strip_prefix("$ adtrace ") else {
            continue;
        };
        // split the command line into words, honouring single quotes
        let mut args = Vec::new();
        let mut rest = cmd.trim();
        while !rest.is_empty() {
            if let Some(r) = rest.strip_prefix('\'') {
                let end = r.find('\'').unwrap();
                args.push(r[..end].to_string());
                rest = r[end + 1..].trim_start();
            } else {
                let end = rest.find(' ').unwrap_or(rest.len());
                args.push(rest[..end].to_string());
                rest = rest[end..].trim_start();
            }
        }
        let out = adtrace().args(&args).output().unwrap();
        let got = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            got.trim_end(),
            shown.trim_end(),
            "README example `adtrace {cmd}` is out of date"
        );
        checked += 1;
    }
    assert!(checked >= 3, "{checked}");
}

#[test]
fn steps_under_the_table_read_like_the_lecture() {
    let out = adtrace()
        .args([
            "eval",
            "--steps",
            "a = x^2; b = exp(a); c = a + b; d = sqrt(c); e = cos(c); f = d + e at x = 1",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for line in [
        "forward sweep:",
        "  e = cos(c) = cos(3.7183) = -0.8383; d5 = −sin(c)·d3 = −sin(3.7183)·7.4366 = 4.055",
        "reverse sweep:",
        "  c\u{304} = d\u{304}·∂d/∂c + e\u{304}·∂e/∂c = 1·0.2593 + 1·0.54525 = 0.8045",
        "    ∂d/∂c = 1/(2·sqrt(c)) = 1/(2·sqrt(3.718)) = 0.2593",
        "    ∂c/∂a = 1",
        "  x\u{304} = a\u{304}·∂a/∂x = 2.9915·2 = 5.983",
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "missing {line:?} in\n{text}"
        );
    }
    let md = String::from_utf8(
        adtrace()
            .args(["eval", "--steps", "--format", "markdown", "sin(x) at x = 0"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(
        md.contains("**forward sweep**")
            && md.contains("1. `x1 = sin(x) = sin(0) = 0; d1 = cos(x)·d0 = cos(0)·1 = 1`"),
        "{md}"
    );
}

/// Numbers that never lie: domain problems among the constants and in the
/// point are warned at the row or input where they arise (they gave
/// `"warnings": []`), outside the domain the derivative is NaN, and the
/// tan pole and sqrt's infinite slope are named.
#[test]
fn every_domain_problem_is_warned() {
    let warnings = |j: &Value| -> Vec<(u64, String, String)> {
        j["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| {
                (
                    w["node"].as_u64().unwrap(),
                    w["kind"].as_str().unwrap().to_string(),
                    w["message"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    for (program, node, says) in [
        ("x + sqrt(-1) at x = 1", 1, "sqrt(-1) is NaN"),
        ("x + 1/0 at x = 1", 1, "1/0 is +infinity"),
        ("(-8)^(1/3) + x at x = 1", 1, "(-8)^(1/3) is NaN"),
        ("x at x = ln(-1)", 0, "in the point, ln(-1) is NaN"),
    ] {
        let j = eval_json(&[program]);
        let w = warnings(&j);
        assert!(
            w.iter()
                .any(|(n, k, m)| *n == node && k == "domain" && m.contains(says)),
            "{program}: {w:?}"
        );
    }
    // ln(x) at −1: the value is NaN and so is the derivative (it was −1)
    let j = eval_json(&["ln(x) at x = -1"]);
    assert_eq!(j["output"]["tangent"], "NaN");
    assert_eq!(j["output"]["gradient"]["x"], "NaN");
    assert!(warnings(&j)[1].2.contains("partials are NaN"));
    // x^y at x = 0, y = 2: ∂/∂y is the limit 0 (it was NaN)
    let j = eval_json(&["x^y at x = 0, y = 2"]);
    assert_eq!(j["output"]["gradient"]["y"].as_f64(), Some(0.0));
    assert_eq!(j["output"]["gradient"]["x"].as_f64(), Some(0.0));
    // tan at π/2: the double nearest π/2 gives 1.6e16, and the pole is said
    let j = eval_json(&["tan(x) at x = pi/2"]);
    assert!(j["output"]["value"].as_f64().unwrap() > 1e16);
    assert_eq!(warnings(&j)[0].1, "pole");
    let j = eval_json(&["sqrt(x) at x = 0"]);
    assert!(
        warnings(&j)
            .iter()
            .any(|(_, k, m)| k == "not-differentiable" && m.contains("infinite slope"))
    );
}

/// `adtrace fd`: the lab's JSON has exactly the documented shape, its
/// numbers are the differences of f (checked here by hand for sin at 1),
/// CSV has one line per h, and `--gradient` counts n + 1 and 2n
/// evaluations beside reverse mode's gradient.
#[test]
fn the_finite_difference_lab() {
    let out = adtrace()
        .args(["fd", "sin(x) at x = 1", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    let keys: Vec<&String> = j.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["best", "exact", "rows"]);
    assert_eq!(j["exact"].as_f64(), Some(1f64.cos()));
    let rows = j["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 16);
    for r in rows {
        let h = r["h"].as_f64().unwrap();
        let fwd = ((1.0 + h).sin() - 1f64.sin()) / h;
        let cen = ((1.0 + h).sin() - (1.0 - h).sin()) / (2.0 * h);
        // (serde_json reads a number to within an ulp)
        let near = |v: &Value, x: f64| (v.as_f64().unwrap() - x).abs() <= 1e-15 * x.abs();
        assert!(near(&r["forward"]["estimate"], fwd), "h = {h}");
        assert!(near(&r["central"]["estimate"], cen), "h = {h}");
        assert!(near(&r["forward"]["error"], (fwd - 1f64.cos()).abs()));
    }
    assert_eq!(j["best"]["forward"]["h"].as_f64(), Some(1e-8));
    assert_eq!(j["best"]["central"]["h"].as_f64(), Some(1e-5));
    let csv = adtrace()
        .args([
            "fd",
            "sin(x) at x = 1",
            "--format",
            "csv",
            "--steps-per-decade",
            "2",
        ])
        .output()
        .unwrap();
    let csv = String::from_utf8(csv.stdout).unwrap();
    assert_eq!(csv.lines().count(), 1 + 31);
    let text = adtrace()
        .args(["fd", "f(x, y) = x*y at x = 2, y = 3", "--wrt", "y"])
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains("exact derivative (AD, one forward sweep) 2"),
        "{text}"
    );
    let g = adtrace()
        .args([
            "fd",
            "f(x1, x2) = ln(x1) + x1*x2 - sin(x2) at x1 = 2, x2 = 5",
            "--gradient",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let g: Value = serde_json::from_slice(&g.stdout).unwrap();
    assert_eq!(g["forward"]["evaluations"], 3);
    assert_eq!(g["central"]["evaluations"], 4);
    assert_eq!(g["gradient"][0].as_f64(), Some(5.5));
    let c = g["central"]["gradient"][1].as_f64().unwrap();
    assert!((c - (2.0 - 5f64.cos())).abs() < 1e-9);
    // bad input: located, exit 2
    let bad = adtrace()
        .args(["fd", "sin(x) at x = 1", "--wrt", "q"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("'q' is not an input"));
}

/// `eval --symbolic`: the derivative written out by the chain rule with no
/// sharing, its size, and the trace's; sizes counted without building
/// beyond the cap (x^(2^30) by 31 rows).
#[test]
fn expression_swell() {
    let out = adtrace()
        .args([
            "eval",
            "--symbolic",
            "--output-only",
            "sin(sin(sin(x))) at x = 1",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("∂x3/∂x = cos(sin(sin(x)))·cos(sin(x))·cos(x)   (8 operations)"),
        "{text}"
    );
    assert!(text.contains("4 rows (3 operations, 3 edges)"), "{text}");
    let mut src = String::from("v0 = x");
    for i in 1..=30 {
        src.push_str(&format!("; v{i} = v{}*v{}", i - 1, i - 1));
    }
    src.push_str(" at x = 1");
    let out = adtrace()
        .args(["eval", "--symbolic", "--output-only", &src])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    // f written out is x·x·…·x, 2^30 factors: 2^30 − 1 products
    assert!(
        text.contains("(1,073,741,823 operations: too large to write out"),
        "{text}"
    );
}

/// `--format python`: a self-contained script with the lecture's AdVar
/// class; run with python3 it prints the value and the directional
/// derivative adtrace computes (skipped with a note without python3).
#[test]
fn the_python_advar_script_computes_the_same() {
    if std::process::Command::new("python3")
        .arg("-V")
        .output()
        .is_err()
    {
        eprintln!("note: python3 is not installed; skipping the AdVar script test");
        return;
    }
    for (program, seed) in [
        (
            "a = x^2; b = exp(a); c = a + b; d = sqrt(c); e = cos(c); f = d + e at x = 1",
            "x=1",
        ),
        (
            "W0 = 2; W1 = 1.2; y = 2; L = (W1*tanh(W0*x) - y)^2 at x = 1",
            "x=1",
        ),
        (
            "f(x1, x2) = ln(x1) + x1*x2 - sin(x2) at x1 = 2, x2 = 5",
            "x1=0.5,x2=-1",
        ),
        (
            "f(x, y) = x^y / (1 + y) - 3/x + sigmoid(x - y) * softplus(-y) + relu(x) + abs(-y) + tan(x/4) at x = 1.5, y = 0.7",
            "x=1,y=2",
        ),
        ("f(x) = 2^x - (-x)^3 + tanh(x)*x at x = 0.3", "x=1"),
    ] {
        let json = eval_json(&[program, "--seed", seed]);
        let value = json["output"]["value"].as_f64().unwrap();
        let tangent = json["output"]["tangent"].as_f64().unwrap();
        let script = adtrace()
            .args(["eval", "--format", "python", program, "--seed", seed])
            .output()
            .unwrap();
        assert!(script.status.success());
        let dir = common::scratch("advar");
        let path = dir.join("prog.py");
        std::fs::write(&path, &script.stdout).unwrap();
        let run = std::process::Command::new("python3")
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            run.status.success(),
            "{program}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        let out = String::from_utf8(run.stdout).unwrap();
        let nums: Vec<f64> = out.split_whitespace().map(|w| w.parse().unwrap()).collect();
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * (1.0 + a.abs().max(b.abs()));
        assert!(close(nums[0], value), "{program}: {out} vs {value}");
        assert!(close(nums[1], tangent), "{program}: {out} vs {tangent}");
    }
}

/// `--format advar` writes each row as the overloaded call with the
/// lecture's method body and its numbers; `--format tape` the records
/// reverse mode keeps and their memory.
#[test]
fn the_advar_and_tape_formats() {
    let out = adtrace()
        .args([
            "eval",
            "--format",
            "advar",
            "W0 = 2; L = tanh(W0*x) + x at x = 1",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("x1 = mul(2, x)   →  AdVar(val=2, der=2)"),
        "{text}"
    );
    assert!(
        text.contains("    if type(a) != AdVar:   (a is a number)"),
        "{text}"
    );
    assert!(text.contains("        c.der = a * b.der = 2 * 1"), "{text}");
    assert!(
        text.contains(
            "        c.der = (1 - math.tanh(a.val) ** 2) * a.der = (1 - math.tanh(2) ** 2) * 2"
        ),
        "{text}"
    );
    assert!(
        text.contains("        c.val = a.val + b.val = 0.964 + 1"),
        "{text}"
    );
    let out = adtrace()
        .args(["eval", "--format", "tape", "sin(x)*x at x = 2"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("∂x2/∂x1 = 2, ∂x2/∂x0 = 0.9093"), "{text}");
    assert!(text.contains("memory: 3 records × ("), "{text}");
}
