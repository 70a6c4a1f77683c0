//! Ctrl-C at the prompt raises `core::cancel`'s flag; every long loop of
//! the core must then stop with `Cancelled` and leave nothing changed, and
//! give its full answer once the flag is cleared. The flag is process-wide,
//! so this file holds one test (its own process): nothing else runs while
//! the flag is up.

use adtrace::core::cancel;
use adtrace::core::fd;
use adtrace::core::jacobian::{self, Unavailable};
use adtrace::core::pipeline::{self, FailureKind, SeedSpec};
use adtrace::core::sweep::Mode;

#[test]
fn every_long_loop_stops_when_asked_and_answers_when_not() {
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
