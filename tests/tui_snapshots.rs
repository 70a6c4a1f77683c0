//! Snapshot tests of key TUI frames for the lecture's examples: first step,
//! mid forward, first reverse step and final step, at 80×24 and 120×40, in
//! both notations. The `.snap` files are what a student sees; review them
//! by eye when they change (`INSTA_UPDATE=always cargo test --test
//! tui_snapshots`, then `git diff tests/snapshots`).

use adtrace::core::notation::{Notation, Style};
use adtrace::core::pipeline::{self, SeedSpec};
use adtrace::tui::{Model, TuiOptions, render_text};

const EXAMPLES: [(&str, &str); 3] = [
    (
        "neural_net",
        "W0 = 2; W1 = 1.2; y = 2; L = (W1*tanh(W0*x) - y)^2 at x = 1",
    ),
    (
        "graph",
        "a = x^2; b = exp(a); c = a + b; d = sqrt(c); e = cos(c); f = d + e at x = 1",
    ),
    (
        "single_expression",
        "sqrt(x^2 + exp(x^2)) + cos(x^2 + exp(x^2)) at x = 1",
    ),
];

mod common;

fn model(src: &str, notation: Notation) -> Model {
    let opts = TuiOptions {
        style: Style {
            notation,
            ..Style::default()
        },
        ..TuiOptions::default()
    };
    common::model_with(src, opts)
}

#[test]
fn key_frames() {
    for (name, src) in EXAMPLES {
        for notation in [Notation::Lecture, Notation::Griewank] {
            let mut m = model(src, notation);
            let n = m.trace().len();
            let key_steps = [
                ("first", 0),
                ("mid_forward", n / 2),
                ("first_reverse", n),
                ("final", 2 * n - 1),
            ];
            for (w, h) in [(80u16, 24u16), (120, 40)] {
                m.resize(w, h);
                for (which, k) in key_steps {
                    m.set_step(k);
                    let text = render_text(&m, w, h);
                    assert_eq!(text.lines().count(), usize::from(h));
                    insta::assert_snapshot!(
                        format!("{name}_{}_{w}x{h}_{which}", notation.name()),
                        text
                    );
                }
            }
        }
    }
}

#[test]
fn ascii_frames() {
    let (_, src) = EXAMPLES[1];
    let t = pipeline::trace(src, "", false).unwrap();
    let p = t.point(None).unwrap();
    let s = t.seed(&SeedSpec::First).unwrap();
    let opts = TuiOptions {
        style: Style {
            ascii: true,
            ..Style::default()
        },
        ..TuiOptions::default()
    };
    let mut m = Model::new(t, p, s, opts);
    m.set_step(10);
    insta::assert_snapshot!("graph_ascii_100x30_c_reverse", render_text(&m, 100, 30));
}

/// Programs with vectors and several outputs: a 2-layer MLP (groups
/// folded, as it starts) and f: R² → R³ with its Jacobian pane.
const MLP: &str = "W1 = [[1,2],[3,4]]; b1 = [0.5,-1]; W2 = [[1,-1],[2,0.5]]; b2 = [0, 0.1]; z = sigmoid(W2*sigmoid(W1*x + b1) + b2); L = sum((z - [1, 0]).^2) at x = [1, 2]";
const R2_TO_R3: &str = "f(x, y) = (x*y, sin(x) + y, x^2*y) at x = 2, y = 3";

#[test]
fn vector_frames() {
    let mut m = common::model(MLP);
    let n = m.trace().len();
    let z2 = m.trace().names().position(|r| r == Some("z[2]")).unwrap();
    let steps = [
        ("first", 0),
        ("mid_forward", z2),
        ("first_reverse", n),
        ("final", 2 * n - 1),
    ];
    for (w, h) in [(120u16, 36u16), (80, 24)] {
        m.resize(w, h);
        for (which, k) in steps {
            m.set_step(k);
            insta::assert_snapshot!(format!("mlp_{w}x{h}_{which}"), render_text(&m, w, h));
        }
    }
    // Unfolded: a box per row.
    m.toggle_fold();
    m.set_step(z2);
    insta::assert_snapshot!("mlp_unfolded_120x36_mid_forward", render_text(&m, 120, 36));

    let mut m = common::model(R2_TO_R3);
    let n = m.trace().len();
    let steps = [
        ("end_of_forward", n - 1),
        ("reverse_sweep_2", 2 * n + 5),
        ("final", 4 * n - 1),
    ];
    for (w, h) in [(120u16, 36u16), (80, 24)] {
        m.resize(w, h);
        for (which, k) in steps {
            m.set_step(k);
            insta::assert_snapshot!(format!("r2_to_r3_{w}x{h}_{which}"), render_text(&m, w, h));
        }
    }
    // Forward mode: one sweep per input, the Jacobian column by column.
    m.switch_mode();
    m.set_step(n + 7);
    for (w, h) in [(120u16, 36u16), (80, 24)] {
        insta::assert_snapshot!(
            format!("r2_to_r3_{w}x{h}_forward_mode_sweep_2"),
            render_text(&m, w, h)
        );
    }
}

/// The lecture's three worked examples at projector sizes: every step's
/// frame pinned (the compact graph; that every node's name and operation is
/// inside the graph pane, and never moves while stepping, is checked in
/// `tui::widgets::graph`'s tests).
#[test]
fn whole_graph_at_projector_sizes() {
    let examples = [
        ("graph", EXAMPLES[1].1, Notation::Lecture),
        ("neural_net", EXAMPLES[0].1, Notation::Lecture),
        (
            "baydin",
            "f(x1, x2) = ln(x1) + x1*x2 - sin(x2) at x1 = 2, x2 = 5",
            Notation::Griewank,
        ),
    ];
    for (name, src, notation) in examples {
        let mut m = model(src, notation);
        for (w, h) in [(80u16, 24u16), (120, 36)] {
            m.resize(w, h);
            // One snapshot per size holding every step's frame.
            let mut frames = String::new();
            for k in 0..m.step_count() {
                m.set_step(k);
                frames.push_str(&format!("── step {} ──\n", k + 1));
                frames.push_str(&render_text(&m, w, h));
            }
            insta::assert_snapshot!(format!("whole_graph_{name}_{w}x{h}"), frames);
        }
    }
}

/// expression-swell's chain, x and twenty squarings: at 120×36 its compact
/// graph is cut into two columns, the edge between them running up the
/// gutter; at 80×24 the four columns it would need do not fit beside the
/// table, and the pane follows the current node sideways.
#[test]
fn long_chain_in_columns() {
    let src = (1..=20).fold("v0 = x".to_string(), |s, k| {
        let (a, b) = (
            format!("v{}", k - 1),
            if k == 20 {
                "f".to_string()
            } else {
                format!("v{k}")
            },
        );
        format!("{s}; {b} = {a}*{a}")
    }) + " at x = 1";
    let mut m = model(&src, Notation::Lecture);
    assert_eq!(m.trace().len(), 21);
    let steps = [
        ("first", 0),
        ("second_column", 14),
        ("first_reverse", 21),
        ("reverse_across_columns", 31),
        ("final", 41),
    ];
    for (w, h) in [(120u16, 36u16), (80, 24)] {
        m.resize(w, h);
        for (which, k) in steps {
            m.set_step(k);
            insta::assert_snapshot!(format!("long_chain_{w}x{h}_{which}"), render_text(&m, w, h));
        }
    }
}
