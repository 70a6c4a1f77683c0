//! The session's behaviour, input by input.

use super::*;
use crate::core::format::Format;
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
    assert!(texts(&o).contains("∂f/∂x = 2.000"), "{}", texts(&o));
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
        table.contains("v₋₁") && table.contains("∂f/∂x2 = 1.716   (forward mode, seed x2 = 1)"),
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

fn eval_of(out: &[Output]) -> Rc<crate::core::pipeline::Evaluation> {
    view_of(out).expect("a view").eval
}

const F3: &str = "f(x, y) = (x*y, sin(x) + y, x^2*y) at x = 2, y = 3";

/// `:cotangent` runs one reverse sweep along it: the values and tangents
/// stay, the adjoints are the vector-Jacobian product; `off` goes back.
#[test]
fn a_cotangent_reruns_only_the_reverse_sweep() {
    let mut s = Session::default();
    let a = view_of(&s.handle_line(F3)).unwrap();
    let o = s.handle_line(":cotangent f=[1, 2, 0]");
    let b = view_of(&o).unwrap();
    assert!(Rc::ptr_eq(&a.traced, &b.traced));
    assert_eq!(a.eval.sweep.value, b.eval.sweep.value);
    assert_eq!(a.eval.sweep.tangent, b.eval.sweep.tangent);
    // x̄ = 1·y + 2·cos x, ȳ = 1·x + 2·1
    assert_eq!(b.eval.sweep.gradient(), [3.0 + 2.0 * 2f64.cos(), 4.0]);
    assert!(
        texts(&o).contains("vector-Jacobian product, cotangent f[1] = 1, f[2] = 2"),
        "{}",
        texts(&o)
    );
    assert!(matches!(
        s.handle_line(":expect grad y = 4")[0],
        Output::ExpectHeld(_)
    ));
    let c = eval_of(&s.handle_line(":cotangent off"));
    assert_eq!(c.sweep.gradient(), [3.0, 2.0]);
    assert!(texts(&s.handle_line(":set")).contains("jacobian: reverse mode"));
}

#[test]
fn a_bad_cotangent_is_located_and_changes_nothing() {
    let mut s = Session::default();
    s.handle_line(F3);
    s.handle_line(":cotangent f=[0, 1, 0]");
    let o = s.handle(
        ":cotangent q=1",
        &Origin {
            file: "t.adt".into(),
            line: 4,
        },
    );
    let t = texts(&o);
    assert!(
        t.contains("'q' is not an output") && t.contains("t.adt:4:12") && t.contains("f"),
        "{t}"
    );
    let t = texts(&s.handle_line(":cotangent f = [1, 2]"));
    assert!(
        t.contains("f has 3 entries; this gives 2") && t.contains("1:16"),
        "{t}"
    );
    // the cotangent before the errors stays
    assert!(texts(&s.handle_line(":set")).contains("cotangent: f=[0, 1, 0]"));
    assert!(matches!(
        s.handle_line(":expect grad x = -0.4161")[0],
        Output::ExpectHeld(_)
    ));
    let mut fresh = Session::default();
    let t = texts(&fresh.handle_line(":cotangent z=[1]"));
    assert!(t.contains("no program yet"), "{t}");
}

/// `:jacobian forward` plans one forward sweep per input and no reverse
/// sweep; the entries are the same by either mode.
#[test]
fn the_jacobian_by_either_mode() {
    use crate::core::sweep::{Directions, Mode};
    let mut s = Session::default();
    let a = eval_of(&s.handle_line(F3));
    assert_eq!(a.sweep.plan.reverse, Directions::Units(3));
    s.handle_line(":step 13");
    let o = s.handle_line(":jacobian forward");
    let b = eval_of(&o);
    assert_eq!(b.sweep.plan.mode, Mode::Forward);
    assert_eq!(b.sweep.plan.forward, Directions::Units(2));
    assert_eq!(b.sweep.plan.reverse, Directions::Units(0));
    assert!(
        texts(&o).contains("Jacobian (forward mode: 2 sweeps"),
        "{}",
        texts(&o)
    );
    // 2 forward sweeps of 10 rows: the step stays inside them
    assert!(view_of(&o).unwrap().step <= 19);
    for (name, want) in [("jacobian f[2] x", "-0.4161"), ("∂f[3]/∂y", "4")] {
        let o = s.handle_line(&format!(":expect {name} = {want}"));
        assert!(
            matches!(&o[0], Output::ExpectHeld(_)),
            "{name}: {}",
            texts(&o)
        );
    }
    // the seed still sets the tangents
    s.handle_line(":wrt y");
    assert!(matches!(
        s.handle_line(":expect tangent f[1] = 2")[0],
        Output::ExpectHeld(_)
    ));
    let c = eval_of(&s.handle_line(":jacobian reverse"));
    assert_eq!(c.sweep.plan.reverse, Directions::Units(3));
    assert_eq!(c.sweep.value, a.sweep.value);
    // a new program starts in reverse mode
    s.handle_line(":jacobian forward");
    let d = eval_of(&s.handle_line(F3));
    assert_eq!(d.sweep.plan.mode, Mode::Reverse);
}

const REGRESSION: &str = "X = [[1, 1], [1, 2], [1, 3]]; y = [1, 3, 2]; L = (1/3)*sum((X*theta - y).^2) at theta = [0.5, 1]";

#[test]
fn seeds_of_vector_inputs() {
    let mut s = Session::default();
    s.handle_line(REGRESSION);
    let t = texts(&s.handle_line(":wrt theta[2]"));
    assert!(t.contains("∂L/∂theta[2] = 2.667   (forward mode"), "{t}");
    let t = texts(&s.handle_line(":seed theta=[1, 0.5]"));
    assert!(t.contains("directional derivative d17 = 2.333"), "{t}");
    let t = texts(&s.handle_line(":seed theta=[1, 0.5, 2]"));
    assert!(
        t.contains("1:13") && t.contains("theta is a 3-vector here"),
        "{t}"
    );
    let t = texts(&s.handle_line(":wrt theta"));
    assert!(
        t.contains("'theta' is not an input") && t.contains("theta[1], theta[2]"),
        "{t}"
    );
    // the view's seed comes back as a list of the whole vector
    let table = s
        .adopt_view(Notation::Lecture, false, &[0.0, 2.0])
        .expect("a new table");
    assert!(table.contains("seed theta[2] = 2"), "{table}");
    assert!(texts(&s.handle_line(":set")).contains("seed: theta=[0, 2]"));
    assert!(s.names().contains(&"theta".to_string()));
    assert!(s.names().contains(&"theta[1]".to_string()));
}

/// `:save` brings back the Jacobian mode, the cotangent and the seed.
#[test]
fn saved_state_brings_the_plan_back() {
    let mut s = Session::default();
    s.handle_line(F3);
    s.handle_line(":wrt y");
    s.handle_line(":cotangent f=[1, 2, 0]");
    s.handle_line(":jacobian forward");
    let state = s.state_text();
    assert!(
        state.ends_with(":wrt y\n:jacobian forward\n:cotangent f=[1, 2, 0]\n"),
        "{state}"
    );
    let mut t = Session::default();
    for line in state.lines() {
        let o = t.handle_line(line);
        assert!(
            !o.iter().any(|o| matches!(o, Output::Error(_))),
            "{line}: {}",
            texts(&o)
        );
    }
    assert_eq!(t.state_text(), state);
    assert_eq!(t.render(Format::Text), s.render(Format::Text));
    let mut s = Session::default();
    s.handle_line(REGRESSION);
    s.handle_line(":seed theta = [1, 0.5]");
    let mut t = Session::default();
    for line in s.state_text().lines() {
        t.handle_line(line);
    }
    assert_eq!(t.render(Format::Text), s.render(Format::Text));
}

#[test]
fn help_functions_lists_every_function_with_its_rule() {
    let mut s = Session::default();
    let t = texts(&s.handle_line(":help functions"));
    for (name, _) in crate::core::ops::FUNCTIONS {
        assert!(
            t.lines().any(|l| l.trim_start().starts_with(name)),
            "{name}: {t}"
        );
    }
    assert!(t.contains("d/dw sin(g(w)) = cos(g(w))·g′(w)"), "{t}");
    assert!(
        t.contains("d/dw tanh(g(w)) = (1 − tanh²(g(w)))·g′(w)"),
        "{t}"
    );
}

#[test]
fn prose_is_set_to_the_width_and_tables_are_not() {
    let mut s = Session {
        width: Some(60),
        ..Session::default()
    };
    for cmd in [":help", ":examples", ":help functions", ":help step"] {
        let t = texts(&s.handle_line(cmd));
        for l in t.lines() {
            // Only a single word longer than the width may stay longer.
            assert!(
                unicode_width::UnicodeWidthStr::width(l) <= 60 || !l.trim().contains(' '),
                "{cmd}: {l:?}"
            );
        }
    }
    // The examples' blurbs are whole sentences.
    let t = texts(&s.handle_line(":examples"));
    assert!(t.contains("at x = 1."), "{t}");
}

#[test]
fn tui_off_keeps_to_tables_and_tui_still_opens() {
    let mut s = Session::default();
    s.handle_line(":set tui off");
    let o = s.handle_line("sin(x) at x = 1");
    let Some(Output::View(v)) = o.first() else {
        panic!("a view")
    };
    assert!(v.settings.no_tui);
    assert!(texts(&o).contains("0.5403"), "{}", texts(&o));
    let o = s.handle_line(":tui");
    assert!(matches!(o.first(), Some(Output::View(v)) if v.open && !v.settings.no_tui));
}

#[test]
fn example_at_a_terminal_opens_the_view_without_its_tables() {
    let mut s = Session {
        interactive: true,
        ..Session::default()
    };
    let o = s.handle_line(":example graph");
    let views: Vec<&View> = o
        .iter()
        .filter_map(|x| match x {
            Output::View(v) if v.open => Some(&**v),
            _ => None,
        })
        .collect();
    assert_eq!(views.len(), 1, "{}", texts(&o));
    // The view is on the example's last program, at the lecture's numbers.
    let ev = &views[0].eval;
    let out = views[0].traced.trace.nodes.len() - 1;
    assert!((ev.sweep.value[out] - 1.0900).abs() < 5e-5);
    assert!(!o.iter().any(|x| matches!(x, Output::ExpectHeld(_))));
    assert!(
        texts(&o).contains("checks of the lecture's numbers held"),
        "{}",
        texts(&o)
    );
    // Piped, it prints the tables and checks as before.
    let mut p = Session::default();
    let o = p.handle_line(":example graph");
    assert!(o.iter().any(|x| matches!(x, Output::ExpectHeld(_))));
}

#[test]
fn a_recording_holds_what_was_typed_not_an_examples_title() {
    let dir = std::env::temp_dir().join(format!("adtrace-rec-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("talk.adt");
    let mut s = Session::default();
    s.handle_line(":example graph");
    s.handle_line(&format!(":record {}", path.display()));
    s.handle_line("sin(x) at x = 1");
    s.handle_line(":step 2");
    s.handle_line(":record stop");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains(":title"), "{text}");
    assert!(text.contains("sin(x) at x = 1\n:step 2\n"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}
