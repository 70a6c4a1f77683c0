//! One TUI frame of a 10,000-row trace at 200×60 into a TestBackend: the
//! cost of a redraw after a key press (target: under 5 ms). Large traces
//! use the lane view and a virtualised table, so this stays flat in the
//! number of rows.

use std::hint::black_box;

use adtrace::session::{self, SeedSpec};
use adtrace::tui::{self, Model, TuiOptions};
use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// A program of a little over `rows` rows: each statement adds a product,
/// a sum and (every other one, the rest are shared by CSE) a cosine of an
/// older statement, which makes long lanes.
fn program(rows: usize) -> String {
    let mut s = String::from("a0 = sin(x)");
    for i in 1..rows * 2 / 5 + 2 {
        s.push_str(&format!("; a{i} = a{}*x + cos(a{})", i - 1, i / 2));
    }
    s.push_str(" at x = 0.5");
    s
}

fn model(rows: usize) -> Model {
    let t = session::trace(&program(rows), "", false).expect("traces");
    let p = t.point(None).expect("point");
    let s = t.seed(&SeedSpec::First).expect("seed");
    Model::new(t, p, s, TuiOptions::default())
}

fn frame(c: &mut Criterion) {
    let mut m = model(10_000);
    assert!(
        (10_000..10_010).contains(&m.trace().len()),
        "{} rows",
        m.trace().len()
    );
    let mut term = match Terminal::new(TestBackend::new(200, 60)) {
        Ok(t) => t,
        Err(e) => match e {},
    };
    // Deep in the reverse sweep: every column of the table is filled.
    let k = m.step_count() * 3 / 4;
    m.set_step(k);
    c.bench_function("frame 10k rows 200x60 (reverse)", |b| {
        b.iter(|| {
            term.draw(|f| tui::draw(f, black_box(&m))).ok();
        })
    });
    m.set_step(m.trace().len() / 2);
    c.bench_function("frame 10k rows 200x60 (forward)", |b| {
        b.iter(|| {
            term.draw(|f| tui::draw(f, black_box(&m))).ok();
        })
    });
    let mut small = model(30);
    small.set_step(40);
    c.bench_function("frame 30 rows 200x60 (DAG)", |b| {
        b.iter(|| {
            term.draw(|f| tui::draw(f, black_box(&small))).ok();
        })
    });
}

criterion_group!(benches, frame);
criterion_main!(benches);
