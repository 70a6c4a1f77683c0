//! Engine benchmarks: parse, trace build, forward sweep and reverse sweep
//! on a generated straight-line program (the shape of
//! ../shared/bench/gen_program.py's programs), and the whole pipeline on the
//! lecture's examples. Set ADTRACE_BENCH_PROGRAM=path/to/program_at.adt to
//! measure a program written by the generator instead.

use std::hint::black_box;

use adtrace::core::{pipeline, sweep, syntax, trace};
use criterion::{Criterion, criterion_group, criterion_main};

/// A deterministic program of `n` statements over 7 inputs, with operands
/// drawn from recent and old statements as in the generator's programs.
fn program(n: usize) -> String {
    let mut s = String::with_capacity(n * 30);
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |m: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % m as u64) as usize
    };
    let pick = |i: usize, r: usize| {
        if i < 2 || r.is_multiple_of(3) {
            format!("x{}", r % 7 + 1)
        } else {
            format!("v{}", i - 1 - r % (i - 1).min(8))
        }
    };
    for i in 1..=n {
        let a = pick(i, next(1000));
        let b = pick(i, next(1000));
        let rhs = match next(8) {
            0 => format!("{a} + {b}"),
            1 => format!("{a} * {b}"),
            2 => format!("sin({a}) * {b}"),
            3 => format!("tanh({a} + {b})"),
            4 => format!("0.5 * {a} - {b}"),
            5 => format!("ln(1 + {a}*{a})"),
            6 => format!("{a} / (1 + {b}*{b})"),
            _ => format!("cos({a})"),
        };
        s.push_str(&format!("v{i} = 0.1 * tanh({rhs})\n"));
    }
    s.push_str(&format!("f = v{n} + v{}\n", n / 2));
    s.push_str("at x1 = 0.3, x2 = -0.7, x3 = 1.1, x4 = 0.2, x5 = -1.3, x6 = 0.9, x7 = 0.5\n");
    s
}

fn stages(c: &mut Criterion) {
    let src = match std::env::var("ADTRACE_BENCH_PROGRAM") {
        Ok(path) => std::fs::read_to_string(path).expect("ADTRACE_BENCH_PROGRAM is readable"),
        Err(_) => program(100_000),
    };
    let prog = syntax::parse(&src).expect("benchmark program parses");
    let tr =
        trace::build(&src, &prog, trace::Options::default()).expect("benchmark program traces");
    let traced = pipeline::trace(&src, "", false).expect("traces");
    let point = traced.point(None).expect("the program has a point");
    let mut seed = vec![0.0; tr.n_inputs];
    seed[0] = 1.0;
    let mut g = c.benchmark_group(format!("{} rows", tr.len()));
    g.sample_size(10);
    g.bench_function("parse", |b| {
        b.iter(|| black_box(syntax::parse(black_box(&src)).is_ok()))
    });
    g.bench_function("trace build", |b| {
        b.iter(|| black_box(trace::build(&src, &prog, trace::Options::default()).map(|t| t.len())))
    });
    g.bench_function("forward sweep", |b| {
        b.iter(|| black_box(sweep::forward(&tr, &point, &seed).output_value()))
    });
    let fwd = sweep::forward(&tr, &point, &seed);
    g.bench_function("reverse sweep", |b| {
        b.iter_batched_ref(
            || fwd.clone(),
            |s| {
                sweep::reverse(&tr, s);
                black_box(s.adjoint[0])
            },
            criterion::BatchSize::LargeInput,
        )
    });
    g.finish();
}

fn lecture(c: &mut Criterion) {
    let req = pipeline::Request {
        program: "sqrt(x^2 + exp(x^2)) + cos(x^2 + exp(x^2)) at x = 1".into(),
        ..pipeline::Request::default()
    };
    c.bench_function("lecture graph, whole pipeline", |b| {
        b.iter(|| {
            black_box(
                pipeline::evaluate(black_box(&req))
                    .map(|e| e.sweep().output_value())
                    .ok(),
            )
        })
    });
}

/// An MLP's loss with a 784-128-10 network (about 200,000 rows): weights
/// and biases are the inputs, the data a constant.
fn mlp_program(n0: usize, n1: usize, n2: usize) -> String {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut r = |scale: f64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        ((state % 2000) as f64 / 1000.0 - 1.0) * scale
    };
    let mut vec = |n: usize, s: f64| {
        let v: Vec<String> = (0..n).map(|_| format!("{:.4}", r(s))).collect();
        format!("[{}]", v.join(", "))
    };
    let x = vec(n0, 1.0);
    let y = vec(n2, 1.0);
    let b1 = vec(n1, 0.1);
    let b2 = vec(n2, 0.1);
    let w1: Vec<String> = (0..n1).map(|_| vec(n0, 0.05)).collect();
    let w2: Vec<String> = (0..n2).map(|_| vec(n1, 0.1)).collect();
    format!(
        "x = {x}\ny = {y}\nh = sigmoid(W1*x + b1)\nz = W2*h + b2\nL = sum((z - y).^2)\n\
         at W1 = [{}], b1 = {b1}, W2 = [{}], b2 = {b2}\n",
        w1.join(", "),
        w2.join(", ")
    )
}

fn vectors(c: &mut Criterion) {
    let mut g = c.benchmark_group("vectors");
    g.sample_size(10);
    let mlp = pipeline::Request {
        program: mlp_program(784, 128, 10),
        ..pipeline::Request::default()
    };
    g.bench_function("MLP 784-128-10: parse, trace, both sweeps", |b| {
        b.iter(|| {
            black_box(
                pipeline::evaluate(&mlp)
                    .map(|e| e.sweep().output_value())
                    .ok(),
            )
        })
    });
    // A Jacobian of 10⁶ entries: 1000 outputs of 1000 inputs.
    let jac = pipeline::Request {
        program: "f(x) = sin(x) .* x + sum(x)".into(),
        at: Some(format!("x = [{}]", vec!["0.5"; 1000].join(", "))),
        ..pipeline::Request::default()
    };
    let ev = pipeline::evaluate(&jac).expect("the Jacobian program traces");
    for mode in [sweep::Mode::Forward, sweep::Mode::Reverse] {
        g.bench_function(format!("1000×1000 Jacobian, {} mode", mode.name()), |b| {
            b.iter(|| {
                black_box(
                    adtrace::core::jacobian::jacobian(ev.trace(), ev.sweep(), mode)
                        .map(|j| j.entries.len())
                        .ok(),
                )
            })
        });
    }
    g.finish();
}

criterion_group!(benches, stages, lecture, vectors);
criterion_main!(benches);
