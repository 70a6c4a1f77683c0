//! Vectors, matrices and many outputs through `adtrace eval`, as a student
//! of the lecture writes them: every number against the lecture's closed
//! forms (the regression gradient (2/N)(XᵀXθ − Xᵀy) and its zero at the
//! closed-form θ*, ∇θ(cᵀθ) = c, ∇θ(θᵀAθ) = (A + Aᵀ)θ), the Jacobian by both
//! modes against each other and finite differences, the JSON interface's
//! new fields, and shape errors that name both shapes and the fix.

use serde_json::Value;

mod common;
use common::{adtrace, run};

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

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
}

fn gradient(j: &Value, names: &[&str]) -> Vec<f64> {
    names
        .iter()
        .map(|n| j["output"]["gradient"][n].as_f64().unwrap_or(f64::NAN))
        .collect()
}

/// X with an intercept column, four data points.
const X: [[f64; 2]; 4] = [[1.0, 1.0], [1.0, 2.0], [1.0, 3.0], [1.0, 4.0]];
const Y: [f64; 4] = [1.0, 3.0, 2.0, 5.0];
const REGRESSION: &str = "X = [[1, 1], [1, 2], [1, 3], [1, 4]]; y = [1, 3, 2, 5]; \
                          L = (1/4)*sum((X*theta - y).^2)";

/// XᵀX θ − Xᵀy, by hand.
fn normal_residual(theta: [f64; 2]) -> [f64; 2] {
    let mut r = [0.0; 2];
    for (row, y) in X.iter().zip(Y) {
        let pred = row[0] * theta[0] + row[1] * theta[1];
        for k in 0..2 {
            r[k] += row[k] * (pred - y);
        }
    }
    r
}

#[test]
fn regression_gradient_is_the_closed_form() {
    let theta = [0.5, 1.0];
    let j = eval_json(&[REGRESSION, "--at", "theta = [0.5, 1]"]);
    let g = gradient(&j, &["theta[1]", "theta[2]"]);
    let r = normal_residual(theta);
    for k in 0..2 {
        assert!(
            close(g[k], 2.0 / 4.0 * r[k]),
            "{k}: {} vs {}",
            g[k],
            r[k] / 2.0
        );
    }
    // L itself
    let loss: f64 = X
        .iter()
        .zip(Y)
        .map(|(row, y)| (row[0] * theta[0] + row[1] * theta[1] - y).powi(2))
        .sum::<f64>()
        / 4.0;
    assert!(close(j["output"]["value"].as_f64().unwrap(), loss));
}

/// θ* = solve(XᵀX, Xᵀy) (the lecture's closed form) is where the gradient
/// vanishes; adtrace computes θ* itself and is given it back as the point.
#[test]
fn the_gradient_vanishes_at_the_closed_form() {
    let j = eval_json(&[
        "X = [[1, 1], [1, 2], [1, 3], [1, 4]]; y = [1, 3, 2, 5]; t = solve(X'*X, X'*y)",
    ]);
    let star: Vec<f64> = j["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["value"].as_f64().unwrap())
        .collect();
    // by hand: XᵀX = [[4, 10], [10, 30]], Xᵀy = (11, 33): θ* = (0, 1.1)
    assert!(star[0].abs() < 1e-12 && close(star[1], 1.1), "{star:?}");
    let at = format!("theta = [{}, {}]", star[0], star[1]);
    let j = eval_json(&[REGRESSION, "--at", &at]);
    for g in gradient(&j, &["theta[1]", "theta[2]"]) {
        assert!(g.abs() < 1e-12, "{g}");
    }
}

#[test]
fn the_lecture_identities() {
    // ∇θ(cᵀθ) = c
    let j = eval_json(&["c = [3, -1, 2]; f = c'*theta at theta = [0.5, 2, -1]"]);
    assert_eq!(
        gradient(&j, &["theta[1]", "theta[2]", "theta[3]"]),
        [3.0, -1.0, 2.0]
    );
    // ∇θ(θᵀAθ) = (A + Aᵀ)θ for a non-symmetric A
    let a = [[2.0, 1.0], [-3.0, 0.5]];
    let th = [1.5, -2.0];
    let j = eval_json(&["A = [[2, 1], [-3, 0.5]]; f = theta'*A*theta at theta = [1.5, -2]"]);
    let g = gradient(&j, &["theta[1]", "theta[2]"]);
    for k in 0..2 {
        let want = (a[k][0] + a[0][k]) * th[0] + (a[k][1] + a[1][k]) * th[1];
        assert!(close(g[k], want), "{k}: {} vs {want}", g[k]);
    }
    // and 2Aθ for a symmetric A, through dot and the matrix product
    let j = eval_json(&["A = [[2, 1], [1, 3]]; f = dot(theta, A*theta) at theta = [1, 1]"]);
    assert_eq!(gradient(&j, &["theta[1]", "theta[2]"]), [6.0, 8.0]);
}

/// f: R² → R³ and g: R³ → R²: n forward sweeps and m reverse sweeps give
/// the same Jacobian, which is the hand derivative and agrees with central
/// differences of the values adtrace prints.
#[test]
fn the_jacobian_by_both_modes() {
    let f = "f(x, y) = (x*y, sin(x) + y, x^2*y)";
    let fwd = eval_json(&[f, "--at", "x = 2, y = 3", "--jacobian", "forward"]);
    let rev = eval_json(&[f, "--at", "x = 2, y = 3", "--jacobian", "reverse"]);
    assert_eq!(fwd["jacobian"]["rows"], rev["jacobian"]["rows"]);
    assert_eq!(fwd["sweeps"]["forward"], 2);
    assert_eq!(fwd["sweeps"]["reverse"], 3);
    assert_eq!(fwd["sweeps"]["mode"], "forward");
    assert_eq!(rev["sweeps"]["mode"], "reverse");
    assert_eq!(fwd["jacobian"]["inputs"], serde_json::json!(["x", "y"]));
    let rows = fwd["jacobian"]["rows"].as_array().unwrap();
    let want = [[3.0, 2.0], [2f64.cos(), 1.0], [12.0, 4.0]];
    for (i, row) in rows.iter().enumerate() {
        for k in 0..2 {
            assert!(close(row[k].as_f64().unwrap(), want[i][k]));
        }
    }
    // g: R³ → R², against central differences of its printed values
    let g = "g(a, b, c) = (a*b*c, exp(a) - c^2)";
    let point = [0.5, -1.0, 2.0];
    let value = |p: [f64; 3]| -> Vec<f64> {
        let at = format!("a = {}, b = {}, c = {}", p[0], p[1], p[2]);
        let j = eval_json(&[g, "--at", &at, "--output-only"]);
        j["outputs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["value"].as_f64().unwrap())
            .collect()
    };
    let j = eval_json(&[g, "--at", "a = 0.5, b = -1, c = 2", "--jacobian", "forward"]);
    let rows = j["jacobian"]["rows"].as_array().unwrap();
    let h = 1e-5;
    for k in 0..3 {
        let (mut up, mut down) = (point, point);
        up[k] += h;
        down[k] -= h;
        let (vu, vd) = (value(up), value(down));
        for i in 0..2 {
            let fd = (vu[i] - vd[i]) / (2.0 * h);
            let ad = rows[i][k].as_f64().unwrap();
            assert!((fd - ad).abs() < 1e-6, "∂g{i}/∂{k}: fd {fd} ad {ad}");
        }
    }
}

#[test]
fn a_cotangent_gives_a_vector_jacobian_product() {
    let j = eval_json(&[
        "f(x, y) = (x*y, sin(x) + y) at x = 2, y = 3",
        "--cotangent",
        "f = [1, 2]",
    ]);
    // ȳᵀJ with J = [[3, 2], [cos 2, 1]]
    let g = gradient(&j, &["x", "y"]);
    assert!(
        close(g[0], 3.0 + 2.0 * 2f64.cos()) && close(g[1], 2.0 + 2.0),
        "{g:?}"
    );
    assert_eq!(j["cotangent"]["f[2]"], 2.0);
    let bad = run(
        &[
            "eval",
            "f(x, y) = (x*y, x + y) at x = 1, y = 2",
            "--cotangent",
            "g = [1, 0]",
        ],
        "",
    );
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("'g' is not an output") && bad.stderr.contains("--cotangent"),
        "{}",
        bad.stderr
    );
}

/// A two-layer network with helpers and elementwise functions: the
/// gradient with respect to every weight by one reverse sweep, checked
/// against central differences of the loss.
#[test]
fn an_mlp_gradient_matches_finite_differences() {
    let prog = "sigma(z) = 1/(1 + exp(-z)); x = [1, 2]; y = [1, 0]; \
                h = sigma(W1*x + b1); z = sigma(W2*h + b2); L = sum((z - y).^2)";
    let base = [
        ("W1", vec![0.1, -0.2, 0.3, 0.4]),
        ("b1", vec![0.5, -1.0]),
        ("W2", vec![1.0, -1.0, 2.0, 0.5]),
        ("b2", vec![0.0, 0.1]),
    ];
    let at = |params: &[(&str, Vec<f64>)]| -> String {
        params
            .iter()
            .map(|(n, v)| {
                if n.starts_with('W') {
                    format!("{n} = [[{}, {}], [{}, {}]]", v[0], v[1], v[2], v[3])
                } else {
                    format!("{n} = [{}, {}]", v[0], v[1])
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let loss = |params: &[(&str, Vec<f64>)]| -> f64 {
        eval_json(&[prog, "--at", &at(params), "--output-only"])["output"]["value"]
            .as_f64()
            .unwrap()
    };
    let j = eval_json(&[prog, "--at", &at(&base), "--output-only"]);
    let names = [
        "W1[1,1]", "W1[1,2]", "W1[2,1]", "W1[2,2]", "b1[1]", "b2[2]", "W2[2,1]",
    ];
    let h = 1e-6;
    for name in names {
        let (group, index) = name.split_once('[').unwrap();
        let entries: Vec<usize> = index
            .trim_end_matches(']')
            .split(',')
            .map(|s| s.parse::<usize>().unwrap() - 1)
            .collect();
        let k = if entries.len() == 2 {
            entries[0] * 2 + entries[1]
        } else {
            entries[0]
        };
        let shifted = |d: f64| -> Vec<(&str, Vec<f64>)> {
            base.iter()
                .map(|(n, v)| {
                    let mut v = v.clone();
                    if *n == group {
                        v[k] += d;
                    }
                    (*n, v)
                })
                .collect()
        };
        let fd = (loss(&shifted(h)) - loss(&shifted(-h))) / (2.0 * h);
        let ad = j["output"]["gradient"][name].as_f64().unwrap();
        assert!((fd - ad).abs() < 1e-6, "{name}: fd {fd} ad {ad}");
    }
    // every node of a vector statement names its group and entry
    let full = eval_json(&[prog, "--at", &at(&base)]);
    let node = full["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["name"] == "h[2]")
        .expect("h[2] is a row");
    assert_eq!(
        node["group"],
        serde_json::json!({"name": "h", "index": [2]})
    );
}

/// A scalar program's JSON has none of the new fields.
/// A value printed for a shape reads back as that shape: a 1×n row is a
/// matrix of one row, `[[a, b]]`, not the column `[a, b]`. f = sum(W·M)
/// with M = [[1, 2], [3, 4]] has ∂f/∂W = [[1 + 2, 3 + 4]] = [[3, 7]], and
/// that gradient, pasted as the point, gives f = 3·(1 + 2) + 7·(3 + 4) = 58.
#[test]
fn a_row_vector_prints_as_it_reads_back() {
    let program = "f = sum(W*[[1, 2], [3, 4]])";
    let text = |point: &str| {
        let r = run(&["eval", &format!("{program} at W = {point}")], "");
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.stdout
    };
    let first = text("[[1, 2]]");
    let grad = first
        .lines()
        .find_map(|l| l.strip_prefix("gradient by input: ∂f/∂W = "))
        .unwrap_or_else(|| panic!("no gradient by input in\n{first}"));
    assert_eq!(grad, "[[3.000, 7.000]]");
    assert!(text(grad).contains("f = 58.00"));
    // A row as the output: x·[1, 2]ᵀ read back as a row, [[x, 2x]].
    let r = run(&["eval", "f = ([1, 2]*x)' at x = 3"], "");
    assert!(
        r.stdout.contains("outputs: f = [[3.000, 6.000]]"),
        "{}",
        r.stdout
    );
}

#[test]
fn scalar_programs_are_unchanged() {
    let j = eval_json(&["sin(x)*y at x = 1, y = 2"]);
    for key in ["outputs", "jacobian", "sweeps", "cotangent"] {
        assert!(j.get(key).is_none(), "{key}");
    }
    assert!(
        j["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n.get("group").is_none())
    );
}

/// Shape errors name both shapes and the fix, at the place (exit 2).
#[test]
fn shape_errors_are_located_and_say_the_fix() {
    for (program, want, hint) in [
        (
            "W = [[1, 2, 3], [4, 5, 6]]; z = W*x at x = [1, 2]",
            "W is 2×3, so x needs 3 entries; it has 2",
            "1:33",
        ),
        (
            "v^2 at v = [1, 2]",
            "^ is for numbers; v is a 2-vector",
            "v.^2",
        ),
        (
            "u = [1, 2]; v = [3, 4]; u*v",
            "u and v are both column vectors",
            "dot(u, v) or u'*v",
        ),
        ("v = [1, 2]; v[3]", "index 3 is out of range", "1:15"),
        (
            "v = [1, 2]; v[x]",
            "an index must be a whole-number constant",
            "v[2]",
        ),
        (
            "A = [[1, 2], [3]]",
            "the rows of a matrix differ in length: row 2 has 1 entry, row 1 has 2",
            "1:14",
        ),
        (
            "A = [[1, 2], [3, 4], [5, 6]]; solve(A, [1, 2, 3])",
            "square matrix",
            "solve(X'*X",
        ),
        (
            "A = [[1, 2], [2, 4]]; solve(A, [1, 2])",
            "A is singular",
            "invertible",
        ),
        ("[1, 2] + [1, 2, 3]", "needs equal shapes", "same shape"),
        (
            "f = theta[1]*2 at theta = 3",
            "theta is a number, not a vector",
            "1:5",
        ),
    ] {
        let r = run(&["eval", program], "");
        assert_eq!(r.code, 2, "{program}: {}", r.stderr);
        assert!(r.stdout.is_empty());
        assert!(
            r.stderr.contains(want),
            "{program}: want {want:?} in\n{}",
            r.stderr
        );
        assert!(
            r.stderr.contains(hint),
            "{program}: want {hint:?} in\n{}",
            r.stderr
        );
    }
    // a point whose shape disagrees with the use
    let r = run(&["eval", "f = x*2 at x = 1", "--at", "x = [1, 2]"], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&["eval", "f = sum(x) at x = [1, 2]", "--at", "y = 1"], "");
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("'y' is not an input"), "{}", r.stderr);
}

/// The layer view: the reverse product of the blocks, left to right, ends
/// in the gradient the reverse sweep gives.
#[test]
fn the_layer_view_multiplies_the_blocks() {
    let prog = "W1 = [[1, 2], [3, 4]]; W2 = [[1, -1], [2, 0.5]]; \
                h = sigmoid(W1*x); z = sigmoid(W2*h) at x = [0.3, -0.2]";
    let r = run(&["eval", prog, "--layers", "--output-only"], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("layers: x (2) → h (2) → z (2)"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("J(2) = ∂z/∂h (2×2):"), "{}", r.stdout);
    let last = r
        .stdout
        .lines()
        .find(|l| l.contains("= x̄ᵀ"))
        .expect("the reverse product ends at x");
    let j = eval_json(&[prog]);
    let row = &j["jacobian"]["rows"][0];
    let want = format!(
        "[{:.4}, {:.4}]",
        row[0].as_f64().unwrap(),
        row[1].as_f64().unwrap()
    );
    assert!(last.contains(&want), "{last} vs {want}");
}

/// A nearly singular `solve` matrix at the point is a warning at its
/// determinant's row, not a silent garbage answer.
#[test]
fn a_nearly_singular_solve_warns() {
    let r = run(
        &[
            "eval",
            "A = [[1, 2], [2, 4 + 1e-12*t]]; s = solve(A, [1, 1]) at t = 1",
            "--output-only",
        ],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("warning:") && r.stdout.contains("A is nearly singular"),
        "{}",
        r.stdout
    );
    let r = run(
        &[
            "eval",
            "A = [[2, 1], [1, 3 + t]]; s = solve(A, [1, 1]) at t = 1",
            "--output-only",
        ],
        "",
    );
    assert!(!r.stdout.contains("singular"), "{}", r.stdout);
}

/// A point may be computed from the program's own data: the lecture's
/// closed form as the point, where the gradient vanishes.
#[test]
fn a_point_computed_from_the_data() {
    let j = eval_json(&["X = [[1, 1], [1, 2], [1, 3], [1, 4]]; y = [1, 3, 2, 5]; \
         L = (1/4)*sum((X*theta - y).^2) at theta = solve(X'*X, X'*y)"]);
    assert!(close(j["point"]["theta[2]"].as_f64().unwrap(), 1.1));
    for g in gradient(&j, &["theta[1]", "theta[2]"]) {
        assert!(g.abs() < 1e-12, "{g}");
    }
    // elementwise and matrix products, with `1./` read as 1 ./
    let j = eval_json(&["f = sum(1./(1 + t)) at t = [[2, 0], [0, 2]]*[1, 2]"]);
    assert!(close(
        j["output"]["value"].as_f64().unwrap(),
        1.0 / 3.0 + 1.0 / 5.0
    ));
}

fn eval_text(args: &[&str]) -> String {
    let out = adtrace().arg("eval").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The text view writes a vector or matrix as the language does (so it can
/// be pasted into a point): the output W·x, the outer product x·xᵀ, the
/// regression gradient (2/N)(XᵀXθ − Xᵀy) as one vector, the adjoint of a
/// vector input along a cotangent (Wᵀȳ), and a tuple's entries one by one.
#[test]
fn text_writes_vectors_and_matrices_whole() {
    let fmt = |v: &[f64]| {
        let e: Vec<String> = v.iter().map(|&x| common::sig(x, 4)).collect();
        format!("[{}]", e.join(", "))
    };
    let w = [[1.0, 2.0], [3.0, 4.0]];
    let x = [1.0, -1.0];
    let wx: Vec<f64> = w.iter().map(|r| r[0] * x[0] + r[1] * x[1]).collect();
    let prog = "W = [[1, 2], [3, 4]]; z = W*x at x = [1, -1]";
    let t = eval_text(&[prog, "--output-only"]);
    assert!(t.contains(&format!("outputs: z = {}", fmt(&wx))), "{t}");
    // Wᵀ·(1, 2)
    let wt_y = [w[0][0] + 2.0 * w[1][0], w[0][1] + 2.0 * w[1][1]];
    let t = eval_text(&[prog, "--output-only", "--cotangent", "z=[1,2]"]);
    assert!(t.contains(&format!("x̄ = {}", fmt(&wt_y))), "{t}");

    let t = eval_text(&["M = x*x' at x = [1, -1]", "--output-only"]);
    let rows: Vec<String> = x.iter().map(|a| fmt(&[a * x[0], a * x[1]])).collect();
    assert!(
        t.contains(&format!("outputs: M = [{}]", rows.join(", "))),
        "{t}"
    );

    let theta = [0.5, 1.0];
    let r = normal_residual(theta);
    let t = eval_text(&[REGRESSION, "--at", "theta = [0.5, 1]", "--output-only"]);
    assert!(
        t.contains(&format!(
            "gradient by input: ∂L/∂theta = {}",
            fmt(&[r[0] / 2.0, r[1] / 2.0])
        )),
        "{t}"
    );

    let t = eval_text(&["f(x, y) = (x*y, x + y) at x = 2, y = 3", "--output-only"]);
    assert!(t.contains("outputs: f[1] = 6.000, f[2] = 5.000"), "{t}");
}

/// LaTeX writes the gradient with respect to a vector input as a column
/// (the regression's (2/N)(XᵀXθ − Xᵀy)) and a matrix output as a bmatrix.
#[test]
fn latex_writes_shaped_values_as_matrices() {
    let r = normal_residual([0.5, 1.0]);
    let t = eval_text(&[REGRESSION, "--at", "theta = [0.5, 1]", "--format", "latex"]);
    let want = format!(
        "\\frac{{\\partial L}}{{\\partial \\theta}} = \\begin{{bmatrix}}\n{} \\\\\n{}\n\\end{{bmatrix}}",
        common::sig(r[0] / 2.0, 4),
        common::sig(r[1] / 2.0, 4)
    );
    assert!(t.contains(&want), "{want}\nnot in\n{t}");
    let t = eval_text(&["M = x*x' at x = [2, -1]", "--format", "latex"]);
    assert!(
        t.contains("M = \\begin{bmatrix}\n4.000 & -2.000 \\\\\n-2.000 & 1.000\n\\end{bmatrix}"),
        "{t}"
    );
}
