//! The whole graph at projector sizes: every node's name and operation
//! inside the graph pane at every step, for the lecture's worked examples
//! at 80×24 and every shipped example at 120×36.
//!
//! Owns tests only.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::app::{examples, script};
use crate::core::explain::Explainer;
use crate::core::notation::{Names, Notation, Style};
use crate::core::pipeline::{self, SeedSpec};
use crate::tui::model::{Model, TuiOptions};
use crate::tui::view;

fn model(src: &str, notation: Notation) -> Model {
    let t = pipeline::trace(src, "", false).unwrap();
    let p = t.point(None).unwrap();
    let s = t.seed(&SeedSpec::First).unwrap();
    let opts = TuiOptions {
        style: Style {
            notation,
            ..Style::default()
        },
        ..TuiOptions::default()
    };
    Model::new(t, p, s, opts)
}

/// The graph pane's inside as text.
fn graph_pane(m: &Model, w: u16, h: u16) -> String {
    let area = Rect::new(0, 0, w, h);
    let g = view::panes(area, m).graph;
    let mut buf = Buffer::empty(area);
    view::render(area, &mut buf, m);
    (g.y + 1..g.bottom().saturating_sub(1))
        .map(|y| {
            (g.x + 1..g.right().saturating_sub(1))
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every row's name and operation as a compact node (`c=a + b`) and as a
/// box (`c = a + b`) writes them; inputs are `x (input)` in both. Built
/// here from the explainer, not from the widget's own titles.
fn titles(m: &Model, notation: Notation) -> Vec<[String; 2]> {
    let style = Style {
        notation,
        ..Style::default()
    };
    let t = m.trace();
    let ex = Explainer::new(t, m.numbers(), Names::new(t, style));
    (0..t.len())
        .map(|i| {
            let (sym, op) = (ex.names.sym(i), ex.op_text(i));
            if op == "input" {
                [format!("{sym} (input)"), format!("{sym} (input)")]
            } else {
                [format!("{sym}={op}"), format!("{sym} = {op}")]
            }
        })
        .collect()
}

/// Where a text is in the pane: (line, column in characters).
fn find(pane: &str, text: &str) -> Option<(usize, usize)> {
    pane.lines()
        .enumerate()
        .find_map(|(y, l)| l.find(text).map(|b| (y, l[..b].chars().count())))
}

fn all_nodes_shown(m: &mut Model, notation: Notation, w: u16, h: u16) -> Result<(), String> {
    m.resize(w, h);
    let titles = titles(m, notation);
    let mut first: Option<Vec<(usize, usize)>> = None;
    for k in 0..m.step_count() {
        m.set_step(k);
        let pane = graph_pane(m, w, h);
        let mut at = Vec::new();
        for [compact, boxed] in &titles {
            match find(&pane, compact).or_else(|| find(&pane, boxed)) {
                Some(p) => at.push(p),
                None => {
                    return Err(format!(
                        "step {}: {compact} missing at {w}x{h}:\n{pane}",
                        k + 1
                    ));
                }
            }
        }
        // A stable frame: every node's title where it was at step 1.
        match &first {
            Some(f) if *f != at => return Err(format!("step {}: nodes moved:\n{pane}", k + 1)),
            Some(_) => {}
            None => first = Some(at),
        }
    }
    Ok(())
}

#[test]
fn lecture_examples_show_every_node_at_80x24_and_120x36() {
    let examples = [
        (
            "a = x^2; b = exp(a); c = a + b; d = sqrt(c); e = cos(c); f = d + e at x = 1",
            Notation::Lecture,
        ),
        (
            "W0 = 2; W1 = 1.2; y = 2; L = (W1*tanh(W0*x) - y)^2 at x = 1",
            Notation::Lecture,
        ),
        (
            "f(x1, x2) = ln(x1) + x1*x2 - sin(x2) at x1 = 2, x2 = 5",
            Notation::Griewank,
        ),
        (
            "f(x1, x2) = ln(x1) + x1*x2 - sin(x2) at x1 = 2, x2 = 5",
            Notation::Lecture,
        ),
    ];
    for (src, notation) in examples {
        let mut m = model(src, notation);
        for (w, h) in [(80, 24), (120, 36)] {
            if let Err(e) = all_nodes_shown(&mut m, notation, w, h) {
                panic!("`{src}`: {e}");
            }
        }
    }
}

#[test]
fn every_shipped_example_shows_every_node_at_120x36() {
    let mut checked = 0;
    for ex in examples::EXAMPLES {
        for item in script::split(ex.text) {
            let src = item.text.trim();
            if src.starts_with(':') || !src.contains(" at ") {
                continue;
            }
            let t = pipeline::trace(src, "", false).unwrap();
            // Vector programs fold their groups (`g`) instead.
            if !t.trace.groups.is_empty() || t.point(None).is_err() {
                continue;
            }
            let mut m = model(src, Notation::Lecture);
            if let Err(e) = all_nodes_shown(&mut m, Notation::Lecture, 120, 36) {
                panic!("{} `{src}`: {e}", ex.name);
            }
            checked += 1;
        }
    }
    assert!(checked >= 8, "only {checked} scalar example programs found");
}

/// expression-swell's chain (x and twenty squarings): at 120×36 it fits in
/// columns (checked with every shipped example above); at 80×24 the four
/// columns it needs are twice the graph pane's width, so the pane follows
/// the current node sideways: its name and operation always on screen, the
/// view moving only when the current node is in another column.
#[test]
fn a_long_chain_too_wide_for_80x24_follows_the_current_node() {
    let src = "v0 = x; v1 = v0*v0; v2 = v1*v1; v3 = v2*v2; v4 = v3*v3; v5 = v4*v4; v6 = v5*v5; v7 = v6*v6; v8 = v7*v7; v9 = v8*v8; v10 = v9*v9; v11 = v10*v10; v12 = v11*v11; v13 = v12*v12; v14 = v13*v13; v15 = v14*v14; v16 = v15*v15; v17 = v16*v16; v18 = v17*v17; v19 = v18*v18; f = v19*v19 at x = 1";
    let mut m = model(src, Notation::Lecture);
    assert!(all_nodes_shown(&mut m, Notation::Lecture, 120, 36).is_ok());
    m.resize(80, 24);
    let titles = titles(&m, Notation::Lecture);
    let area = Rect::new(0, 0, 80, 24);
    let mut views = Vec::new();
    for k in 0..m.step_count() {
        m.set_step(k);
        let row = m.current().unwrap().row;
        let pane = graph_pane(&m, 80, 24);
        assert!(
            find(&pane, &titles[row][0]).is_some(),
            "step {}: {} not shown:\n{pane}",
            k + 1,
            titles[row][0]
        );
        let g = view::panes(area, &m).graph;
        let at = super::offset(&m, g);
        assert!(at.1 <= 0, "the columns fit the pane's height");
        if views.last() != Some(&at) {
            views.push(at);
        }
    }
    // Forward through the columns and back again: 2·4 − 1 views.
    assert!(
        views.len() <= 7,
        "the view moved {} times: {views:?}",
        views.len()
    );
}
