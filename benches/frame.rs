//! One TUI frame of a 10,000-row trace at 200×60 into a TestBackend: the
//! cost of a redraw after a key press (target: under 5 ms). Large traces
//! use the lane view and a virtualised table, so this stays flat in the
//! number of rows. Also the graph layout of a 1,000-row trace.

use std::hint::black_box;

use adtrace::core::pipeline::{self, SeedSpec};
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
    let t = pipeline::trace(&program(rows), "", false).expect("traces");
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

/// `n` statements whose operands are recent rows or one of 7 inputs.
fn local_program(n: usize) -> String {
    let mut s = String::new();
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |m: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % m
    };
    for i in 1..=n {
        let mut pick = || match next(4) {
            0 => format!("x{}", next(7) + 1),
            _ if i > 1 => format!("v{}", i - 1 - (next(8) as usize).min(i - 2)),
            _ => "x1".to_string(),
        };
        let (a, b) = (pick(), pick());
        let rhs = match next(4) {
            0 => format!("{a} * {b}"),
            1 => format!("sin({a}) + {b}"),
            2 => format!("tanh({a} - {b})"),
            _ => format!("{a} / (1 + {b}*{b})"),
        };
        s.push_str(&format!("v{i} = {rhs}\n"));
    }
    s.push_str("at x1 = 0.1, x2 = 0.2, x3 = 0.3, x4 = 0.4, x5 = 0.5, x6 = 0.6, x7 = 0.7\n");
    s
}

/// The DAG layout of a 1,000-row trace (target: under 25 ms): computed
/// once per trace, when the view opens or CSE is toggled.
fn layout(c: &mut Criterion) {
    // By default a trace-shaped program (operands from the last few rows and
    // the inputs); ADTRACE_LAYOUT_PROGRAM=file measures another, e.g. the
    // first 590 statements of ../shared/bench/gen_program.py's output.
    let src = std::env::var("ADTRACE_LAYOUT_PROGRAM")
        .ok()
        .and_then(|p| std::fs::read_to_string(p).ok())
        .unwrap_or_else(|| local_program(560));
    let t = pipeline::trace(&src, "", false).expect("traces");
    let specs: Vec<adtrace::core::layout::NodeSpec> = t
        .trace
        .nodes
        .iter()
        .map(|n| adtrace::core::layout::NodeSpec {
            width: 14,
            height: 4,
            preds: n.row_args().map(|a| a as usize).collect(),
        })
        .collect();
    c.bench_function(&format!("layout {} rows", specs.len()), |b| {
        b.iter(|| black_box(adtrace::core::layout::layout(black_box(&specs)).width))
    });
}

/// A key press on a 1.5 M-row trace (the million statements of
/// `local_program`): one step and the frame after it, at 120×36, deep in
/// the reverse sweep and mid-forward. Stays under 5 ms at any size.
fn frame_large(c: &mut Criterion) {
    let t = pipeline::trace(&local_program(1_000_000), "", false).expect("traces");
    let p = t.point(None).expect("point");
    let s = t.seed(&SeedSpec::First).expect("seed");
    let mut m = Model::new(t, p, s, TuiOptions::default());
    let rows = m.trace().len();
    let mut term = match Terminal::new(TestBackend::new(120, 36)) {
        Ok(t) => t,
        Err(e) => match e {},
    };
    let mut g = c.benchmark_group(format!("{rows} rows 120x36"));
    g.sample_size(20);
    for (what, k) in [("reverse", m.step_count() * 3 / 4), ("forward", rows / 2)] {
        m.set_step(k);
        g.bench_function(format!("frame ({what})"), |b| {
            b.iter(|| {
                term.draw(|f| tui::draw(f, black_box(&m))).ok();
            })
        });
        let mut at = k;
        g.bench_function(format!("step ({what})"), |b| {
            b.iter(|| {
                at = if at == k { k + 1 } else { k };
                m.set_step(at);
            })
        });
        g.bench_function(format!("step and frame ({what})"), |b| {
            b.iter(|| {
                at = if at == k { k + 1 } else { k };
                m.set_step(at);
                term.draw(|f| tui::draw(f, black_box(&m))).ok();
            })
        });
    }
    g.finish();
}

criterion_group!(benches, frame, layout, frame_large);
criterion_main!(benches);
