//! Ctrl-C at the prompt raises `core::cancel`'s flag; every long loop of
//! the core must then stop with `Cancelled` and leave nothing changed, and
//! give its full answer once the flag is cleared. The flag is process-wide,
//! so this file's tests (its own process) take turns through `SERIAL`.

use adtrace::core::cancel;
use adtrace::core::fd;
use adtrace::core::jacobian::{self, Unavailable};
use adtrace::core::pipeline::{self, FailureKind, SeedSpec};
use adtrace::core::sweep::Mode;
use adtrace::tui::{Model, TuiOptions, render_text};
use std::sync::Mutex;
use std::time::{Duration, Instant};

static SERIAL: Mutex<()> = Mutex::new(());

#[test]
fn every_long_loop_stops_when_asked_and_answers_when_not() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // f: R² → R³ of assets/jacobian.adt: J = [y x; cos x 1; 2xy x²].
    let src = "f(x, y) = (x*y, sin(x) + y, x^2*y) at x = 2, y = 3";
    let t = pipeline::trace(src, "", false).unwrap();
    let ev = t.evaluate(None, &SeedSpec::First).unwrap();
    let (tr, sw) = (&t.trace, &ev.sweep);

    cancel::request();
    for mode in [Mode::Forward, Mode::Reverse] {
        assert_eq!(
            jacobian::jacobian(tr, sw, mode),
            Err(Unavailable::Cancelled)
        );
    }
    assert!(fd::lab(tr, sw, 20).is_err());
    assert!(fd::gradient(tr, sw, u64::MAX).is_err());
    // Tracing a program stops too, as a cancelled failure (not an error
    // of the program).
    let big: Vec<String> = (1..20_000)
        .map(|i| format!("a{i} = sin(a{})", i - 1))
        .collect();
    let big = format!("a0 = x\n{}\n", big.join("\n"));
    let Err(f) = pipeline::trace(&big, "", false) else {
        panic!("traced although cancelled")
    };
    assert_eq!(f.kind, FailureKind::Cancelled);
    assert!(f.render().contains("cancelled (Ctrl-C)"));

    cancel::clear();
    assert_eq!(cancel::progress(), None);
    let (x, y) = (2.0f64, 3.0f64);
    let want = [y, x, x.cos(), 1.0, 2.0 * x * y, x * x];
    for mode in [Mode::Forward, Mode::Reverse] {
        let j = jacobian::jacobian(tr, sw, mode).unwrap();
        for (got, want) in j.entries.iter().zip(want) {
            assert!((got - want).abs() < 1e-12, "{mode:?}: {got} vs {want}");
        }
    }
    // The lab along x: the best central difference is within 1e-9 of ∂f₁/∂x = y.
    let lab = fd::lab(tr, sw, 20).unwrap();
    assert_eq!(lab.exact, y);
    assert!(lab.best_central.unwrap().error < 1e-9);
    // h from 1e-1 to 1e-16, 20 a decade: 15·20 + 1 steps, each f(x ± h·e).
    assert_eq!(lab.evaluations, 1 + 2 * (15 * 20 + 1));
    let g = fd::gradient(tr, sw, u64::MAX).unwrap();
    assert!((g.central[1] - x).abs() < 1e-8 && (g.ad[0] - y).abs() < 1e-12);
    // The big program traces when nobody asks it to stop, and reports how
    // far it got.
    let t = pipeline::trace(&big, "", false).unwrap();
    assert_eq!(t.trace.len(), 20_000);
    // In bytes of the source: the last report is at the last statement's
    // start (the output is lowered last, on its own).
    let p = cancel::progress().expect("reported");
    assert_eq!((p.stage, p.total), ("tracing", big.len()));
    let at = big.find("a19999 =").unwrap();
    assert_eq!(p.done, at, "{p:?}");
}

/// Toggling CSE on a large trace in the view: traced again on another
/// thread while the view shows the old trace and how far the new one is;
/// Esc cancels and keeps the old trace.
#[test]
fn the_view_toggles_cse_in_the_background_and_esc_cancels() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // a_i = sin(a_(i-1)) + sin(a_(i-1)): with CSE one sin row and one sum
    // row a statement, without CSE two sin rows and the sum.
    let n = 60_000;
    let body: Vec<String> = (1..=n)
        .map(|i| format!("a{i} = sin(a{0}) + sin(a{0})", i - 1))
        .collect();
    let src = format!("a0 = x\n{}\nat x = 0.5\n", body.join("\n"));
    let t = pipeline::trace(&src, "", false).unwrap();
    assert_eq!(t.trace.len(), 1 + 2 * n);
    let point = t.point(None).unwrap();
    let seed = t.seed(&SeedSpec::First).unwrap();
    let mut m = Model::new(t, point, seed, TuiOptions::default());
    let value = m.sweep().output_value();
    let wait = |m: &mut Model| {
        let t0 = Instant::now();
        while m.busy() {
            assert!(t0.elapsed() < Duration::from_secs(120), "never finished");
            std::thread::sleep(Duration::from_millis(20));
            m.poll_background();
        }
    };

    m.toggle_cse();
    assert!(
        m.busy(),
        "a trace of {} rows is traced in the background",
        1 + 2 * n
    );
    // Meanwhile the view steps through the old trace and says what runs.
    m.set_step(5);
    assert_eq!(m.trace().len(), 1 + 2 * n);
    let frame = render_text(&m, 120, 36);
    assert!(frame.contains("tracing again in the background"), "{frame}");
    wait(&mut m);
    assert_eq!(m.trace().len(), 1 + 3 * n);
    assert!(m.options().no_cse);
    assert_eq!(m.step_index(), 5);
    assert_eq!(m.sweep().output_value(), value);
    assert!(render_text(&m, 120, 36).contains(&format!("CSE off: {} rows", 1 + 3 * n)));

    // Back to CSE on, cancelled at once with Esc: the trace stays.
    m.toggle_cse();
    assert!(m.busy());
    m.handle_key(crossterm::event::KeyEvent::from(
        crossterm::event::KeyCode::Esc,
    ));
    wait(&mut m);
    assert_eq!(m.trace().len(), 1 + 3 * n);
    assert!(m.options().no_cse);
    let frame = render_text(&m, 120, 36);
    assert!(
        frame.contains("CSE toggle cancelled: CSE stays off"),
        "{frame}"
    );
    // And the flag is down again: the next toggle runs to the end.
    assert!(!cancel::requested());
    m.toggle_cse();
    wait(&mut m);
    assert_eq!(m.trace().len(), 1 + 2 * n);
    assert_eq!(m.sweep().output_value(), value);
}
