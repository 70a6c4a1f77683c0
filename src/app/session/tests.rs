//! The session's behaviour, input by input.

use super::*;
use crate::core::notation::Notation;
use std::rc::Rc;

fn texts(out: &[Output]) -> String {
    let mut s = String::new();
    for o in out {
        match o {
            Output::Text(t) | Output::Note(t) | Output::Error(t) | Output::ExpectFailed(t) => {
                s.push_str(t);
                s.push('\n');
            }
            _ => {}
        }
    }
    s
}

#[test]
fn program_then_point_then_wrt() {
    let mut s = Session::default();
    let o = s.handle_line("f(x, y) = x*y + sin(y)");
    assert!(
        texts(&o).contains("remembered a program of x, y"),
        "{}",
        texts(&o)
    );
    let o = s.handle_line("at x = 1, y = 2");
    assert!(matches!(&o[0], Output::View(v) if v.open));
    assert!(texts(&o).contains("∂f/∂x = 2.0000"), "{}", texts(&o));
    let o = s.handle_line(":wrt y");
    assert!(texts(&o).contains("∂f/∂y = 0.5839"), "{}", texts(&o));
    let o = s.handle_line(":wrt z");
    let t = texts(&o);
    assert!(
        t.contains("'z' is not an input") && t.contains("1:6"),
        "{t}"
    );
    // nothing lost
    assert!(texts(&s.handle_line(":table")).contains("∂f/∂y"));
}

#[test]
fn what_changes_in_the_view_is_adopted() {
    let mut s = Session::default();
    let o = s.handle_line("f(x1, x2) = ln(x1) + x1*x2 - sin(x2) at x1 = 2, x2 = 5");
    let v = o
        .iter()
        .find_map(|o| match o {
            Output::View(v) if v.open => Some(v.clone()),
            _ => None,
        })
        .expect("the program opens the view");
    let n = v.settings.style.notation;
    assert_eq!(
        s.adopt_view(n, false, &v.eval.seed),
        None,
        "nothing changed"
    );
    // The view ended in Griewank's notation with the seed e_2.
    let table = s
        .adopt_view(Notation::Griewank, false, &[0.0, 1.0])
        .expect("a new table");
    assert!(
        table.contains("v₋₁") && table.contains("∂f/∂x2 = 1.7163   (forward mode, seed x2 = 1)"),
        "{table}"
    );
    assert!(texts(&s.handle_line(":table")).contains("v₋₁"));
}

fn view_of(out: &[Output]) -> Option<View> {
    out.iter().find_map(|o| match o {
        Output::View(v) => Some((**v).clone()),
        _ => None,
    })
}

/// A setting shares the trace and its numbers with the new view; a new
/// seed re-runs only the tangents.
#[test]
fn views_share_the_trace_and_the_sweeps() {
    let mut s = Session::default();
    let a = view_of(&s.handle_line("f(x, y) = x*y + sin(y) at x = 1, y = 2")).unwrap();
    let b = view_of(&s.handle_line(":set precision 2")).unwrap();
    assert!(Rc::ptr_eq(&a.traced, &b.traced) && Rc::ptr_eq(&a.eval, &b.eval));
    let c = view_of(&s.handle_line(":wrt y")).unwrap();
    assert!(Rc::ptr_eq(&a.traced, &c.traced));
    assert_eq!(c.eval.sweep.value, a.eval.sweep.value);
    assert_eq!(c.eval.sweep.adjoint, a.eval.sweep.adjoint);
    assert_eq!(c.eval.sweep.output_tangent(), 1.0 + 2f64.cos());
}

#[test]
fn steps_under_the_table_on_request() {
    let mut s = Session::default();
    s.handle_line("sin(x) at x = 0");
    assert!(!texts(&s.handle_line(":table")).contains("forward sweep:"));
    s.handle_line(":set steps on");
    let t = texts(&s.handle_line(":table"));
    assert!(
        t.contains("forward sweep:")
            && t.contains("x1 = sin(x) = sin(0) = 0; d1 = cos(x)·d0 = cos(0)·1 = 1"),
        "{t}"
    );
}

#[test]
fn a_typed_program_drops_an_example_title() {
    let mut s = Session::default();
    s.handle_line(":example graph");
    let o = s.handle_line("sin(x) at x = 1");
    let v = o.iter().find_map(|o| match o {
        Output::View(v) => Some(v),
        _ => None,
    });
    assert_eq!(v.map(|v| v.title.clone()), Some(None));
}

#[test]
fn errors_leave_the_state_alone() {
    let mut s = Session::default();
    s.handle_line("sin(x) at x = 1");
    let o = s.handle_line("sin(x +");
    assert!(matches!(&o[0], Output::Error(e) if e.contains("1:")));
    let o = s.handle_line("at y = 2");
    assert!(
        matches!(&o[0], Output::Error(e) if e.contains("1:4")),
        "{}",
        texts(&o)
    );
    assert!(texts(&s.handle_line(":table")).contains("x = 1"));
}

#[test]
fn expectations() {
    let mut s = Session::default();
    s.handle_line("W0 = 2; W1 = 1.2; y = 2; L = (W1*tanh(W0*x) - y)^2 at x = 1");
    let o = s.handle_line(":expect d2 = 0.1413");
    assert!(matches!(&o[0], Output::ExpectHeld(n) if n.starts_with("ok")));
    let o = s.handle(
        ":expect grad x = -0.2858",
        &Origin {
            file: "t.adt".into(),
            line: 7,
        },
    );
    let Output::ExpectFailed(m) = &o[0] else {
        panic!("{o:?}")
    };
    assert!(m.contains("t.adt:7:18") && m.contains("-0.285"), "{m}");
    let o = s.handle_line(":expect q = 1");
    assert!(matches!(&o[0], Output::Error(_)));
}

#[test]
fn steps_clamp() {
    let mut s = Session::default();
    s.handle_line("sin(x) at x = 1");
    let o = s.handle_line(":step end");
    assert!(matches!(o[0], Output::Step(3)));
    assert!(matches!(&o[1], Output::Note(n) if n.contains("step 4 of 4 (reverse sweep)")));
    assert!(matches!(s.handle_line(":step reverse")[0], Output::Step(2)));
    assert!(matches!(s.handle_line(":step +9")[0], Output::Step(3)));
    assert!(matches!(s.handle_line(":step -1")[0], Output::Step(2)));
}
