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
