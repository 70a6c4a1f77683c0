//! The finite-difference lab as text (a table and a small log-log plot),
//! JSON (the public shape `{"exact", "rows", "best"}`) and CSV; and the
//! gradient by differences against reverse mode, with its cost.
//!
//! A function of the lab's numbers (`core::fd`) and the style. Must not
//! compute anything but layout: every number is the lab's.

use std::fmt::Write as _;

use super::json::number;
use crate::core::explain::Explainer;
use crate::core::fd::{Best, Gradient, Lab, Row};
use crate::core::notation::{Names, Style};
use crate::core::sweep::Sweep;
use crate::core::trace::Trace;

/// `4.3e-02`: `digits` after the point, a signed two-digit exponent.
pub fn sci(x: f64, digits: usize) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.into();
    }
    let s = format!("{x:.digits$e}");
    match s.split_once('e') {
        Some((m, e)) => {
            let (sign, e) = match e.strip_prefix('-') {
                Some(e) => ('-', e),
                None => ('+', e),
            };
            format!("{m}e{sign}{e:0>2}")
        }
        None => s,
    }
}

/// A step size as written: `1e-08` for a power of ten, `3.2e-02` between.
fn h_text(h: f64) -> String {
    let l = h.log10();
    if (l - l.round()).abs() < 1e-9 {
        format!("1e-{:02}", -l.round() as i64)
    } else {
        sci(h, 1)
    }
}

/// Every digit an f64 needs (shortest round trip).
fn full(x: f64) -> String {
    if x.is_finite() {
        format!("{x}")
    } else {
        sci(x, 0)
    }
}

fn seed_text(trace: &Trace, sweep: &Sweep, style: Style) -> String {
    Explainer::new(trace, sweep, Names::new(trace, style)).seed_text()
}

/// The lab as a table and a small plot.
pub fn fd_text(trace: &Trace, sweep: &Sweep, lab: &Lab, style: Style) -> String {
    let mut out = String::new();
    let seed = seed_text(trace, sweep, style);
    // With several outputs the lab differentiates the first: name it.
    let f = if trace.n_outputs > 1 {
        format!(
            "the first output {}",
            Names::new(trace, style).sym(crate::core::fd::output_row(trace))
        )
    } else {
        "f".to_string()
    };
    let _ = writeln!(
        out,
        "finite differences along the seed {seed}: {f} = {}, exact derivative (AD, one forward sweep) {}",
        full(lab.value),
        full(lab.exact)
    );
    out.push('\n');
    let head = [
        "h",
        "forward (f(x+h·e) − f(x))/h",
        "error",
        "central (f(x+h·e) − f(x−h·e))/2h",
        "error",
    ];
    let cells: Vec<[String; 5]> = lab
        .rows
        .iter()
        .map(|r| {
            let mark = |b: Option<Best>| {
                if b.is_some_and(|b| b.h == r.h) {
                    " ◀"
                } else {
                    "  "
                }
            };
            [
                h_text(r.h),
                full(r.forward.estimate),
                format!("{}{}", sci(r.forward.error, 1), mark(lab.best_forward)),
                full(r.central.estimate),
                format!("{}{}", sci(r.central.error, 1), mark(lab.best_central)),
            ]
        })
        .collect();
    let width = |k: usize| {
        cells
            .iter()
            .map(|c| c[k].chars().count())
            .chain([head[k].chars().count()])
            .max()
            .unwrap_or(0)
    };
    let w: Vec<usize> = (0..5).map(width).collect();
    let line = |c: [&str; 5]| {
        let mut s = String::new();
        for (k, cell) in c.iter().enumerate() {
            let pad = w[k] - cell.chars().count();
            if k > 0 {
                s.push_str("   ");
            }
            s.push_str(&" ".repeat(pad));
            s.push_str(cell);
        }
        s.trim_end().to_string()
    };
    out.push_str(&line(head));
    out.push('\n');
    for c in &cells {
        out.push_str(&line([&c[0], &c[1], &c[2], &c[3], &c[4]]));
        out.push('\n');
    }
    out.push('\n');
    let best = |b: Option<Best>| match b {
        Some(b) => format!("h = {}, error {}", h_text(b.h), sci(b.error, 1)),
        None => "none (every error is NaN)".into(),
    };
    let _ = writeln!(out, "best forward:  {}", best(lab.best_forward));
    let _ = writeln!(out, "best central:  {}", best(lab.best_central));
    let _ = writeln!(
        out,
        "AD:            {} (exact to round-off, one sweep; the table took {} evaluations of f)",
        full(lab.exact),
        lab.evaluations
    );
    out.push('\n');
    out.push_str(&plot(&lab.rows, lab.best_forward, lab.best_central));
    out.push_str(
        "left of the best h the truncation error falls as O(h) (forward) and O(h²) (central);\nright of it round-off, about ε·|f|/h, takes over.\n",
    );
    if style.ascii {
        crate::core::notation::to_ascii(&out)
    } else {
        out
    }
}

/// log10 of an error for the plot: 0 shows at the floor.
fn level(e: f64) -> Option<i32> {
    if e.is_nan() {
        None
    } else if e == 0.0 {
        Some(-17)
    } else {
        Some((e.log10().round() as i32).clamp(-17, 3))
    }
}

/// A small log-log plot: one column per h, one line per decade of error.
fn plot(rows: &[Row], bf: Option<Best>, bc: Option<Best>) -> String {
    let levels: Vec<i32> = rows
        .iter()
        .flat_map(|r| [level(r.forward.error), level(r.central.error)])
        .flatten()
        .collect();
    let (Some(&top), Some(&bottom)) = (levels.iter().max(), levels.iter().min()) else {
        return String::new();
    };
    let col = if rows.len() <= 20 { 3 } else { 1 };
    let mut out = String::from("log10(error)   f forward, c central, * both, F C the best\n");
    for lv in (bottom..=top).rev() {
        let mut s = format!("{lv:>6} |");
        for r in rows {
            let f = level(r.forward.error) == Some(lv);
            let c = level(r.central.error) == Some(lv);
            let is_f = bf.is_some_and(|b| b.h == r.h) && f;
            let is_c = bc.is_some_and(|b| b.h == r.h) && c;
            let ch = match (f, c) {
                _ if is_f => 'F',
                _ if is_c => 'C',
                (true, true) => '*',
                (true, false) => 'f',
                (false, true) => 'c',
                _ => ' ',
            };
            s.push_str(&" ".repeat(col - 1));
            s.push(ch);
        }
        out.push_str(s.trim_end());
        out.push('\n');
    }
    let n = rows.len() * col;
    let _ = writeln!(out, "       +{}", "-".repeat(n));
    let (first, last) = (
        rows.first().map_or(String::new(), |r| h_text(r.h)),
        rows.last().map_or(String::new(), |r| h_text(r.h)),
    );
    let gap = (n + 1).saturating_sub(first.len() + last.len());
    let _ = writeln!(out, "        {first}{}{last}   h", " ".repeat(gap));
    out
}

fn best_json(b: Option<Best>) -> String {
    match b {
        Some(b) => format!("{{\"h\": {}, \"error\": {}}}", number(b.h), number(b.error)),
        None => "null".into(),
    }
}

/// The lab as JSON: `{"exact", "rows": [{"h", "forward": {"estimate",
/// "error"}, "central": {…}}], "best": {"forward": {"h", "error"},
/// "central": {…}}}`.
pub fn fd_json(lab: &Lab) -> String {
    let est = |e: crate::core::fd::Estimate| {
        format!(
            "{{\"estimate\": {}, \"error\": {}}}",
            number(e.estimate),
            number(e.error)
        )
    };
    let rows: Vec<String> = lab
        .rows
        .iter()
        .map(|r| {
            format!(
                "    {{\"h\": {}, \"forward\": {}, \"central\": {}}}",
                number(r.h),
                est(r.forward),
                est(r.central)
            )
        })
        .collect();
    format!(
        "{{\n  \"exact\": {},\n  \"rows\": [\n{}\n  ],\n  \"best\": {{\"forward\": {}, \"central\": {}}}\n}}\n",
        number(lab.exact),
        rows.join(",\n"),
        best_json(lab.best_forward),
        best_json(lab.best_central)
    )
}

/// The lab as CSV, one line per h, every digit.
pub fn fd_csv(lab: &Lab) -> String {
    let mut out = String::from("h,forward,forward_error,central,central_error\n");
    for r in &lab.rows {
        let _ = writeln!(
            out,
            "{},{},{},{},{}",
            full(r.h),
            full(r.forward.estimate),
            full(r.forward.error),
            full(r.central.estimate),
            full(r.central.error)
        );
    }
    out
}

/// Most inputs the gradient table lists (the costs count them all).
const LISTED: usize = 20;

fn ms(d: std::time::Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

fn ratio(a: std::time::Duration, b: std::time::Duration) -> String {
    let b = b.as_secs_f64();
    if b > 0.0 {
        format!("{:.1}×", a.as_secs_f64() / b)
    } else {
        "∞×".into()
    }
}

/// The gradient by differences beside reverse mode's, and what each cost.
pub fn gradient_text(trace: &Trace, g: &Gradient, ascii: bool) -> String {
    let n = trace.n_inputs;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "the gradient by finite differences and by reverse mode ({n} inputs, {} rows)\n",
        trace.len()
    );
    let names: Vec<&str> = trace.input_names().collect();
    let head = [
        "input",
        "reverse mode (AD)",
        "forward difference",
        "error",
        "central difference",
        "error",
    ];
    let err = |x: f64, a: f64| sci((x - a).abs(), 1);
    let cells: Vec<[String; 6]> = (0..n.min(LISTED))
        .map(|i| {
            [
                names.get(i).copied().unwrap_or("").to_string(),
                full(g.ad[i]),
                full(g.forward[i]),
                err(g.forward[i], g.ad[i]),
                full(g.central[i]),
                err(g.central[i], g.ad[i]),
            ]
        })
        .collect();
    let w: Vec<usize> = (0..6)
        .map(|k| {
            cells
                .iter()
                .map(|c| c[k].chars().count())
                .chain([head[k].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |c: Vec<&str>| {
        let mut s = String::new();
        for (k, cell) in c.iter().enumerate() {
            let pad = w[k] - cell.chars().count();
            if k == 0 {
                s.push_str(cell);
                s.push_str(&" ".repeat(pad));
            } else {
                s.push_str("   ");
                s.push_str(&" ".repeat(pad));
                s.push_str(cell);
            }
        }
        s.trim_end().to_string()
    };
    out.push_str(&line(head.to_vec()));
    out.push('\n');
    for c in &cells {
        out.push_str(&line(c.iter().map(String::as_str).collect()));
        out.push('\n');
    }
    if n > LISTED {
        let _ = writeln!(out, "… and {} more inputs", n - LISTED);
    }
    if g.estimated() {
        let _ = writeln!(
            out,
            "(differences computed for the first inputs only: {} and {} of the evaluations were run, the rest of the time is extrapolated)",
            g.measured_forward, g.measured_central
        );
    }
    out.push_str("\ncost of the whole gradient:\n");
    let _ = writeln!(
        out,
        "  forward differences: n + 1 = {} evaluations of f   {}",
        g.forward_evaluations,
        ms(g.forward_time)
    );
    let _ = writeln!(
        out,
        "  central differences: 2n = {} evaluations of f   {}",
        g.central_evaluations,
        ms(g.central_time)
    );
    let _ = writeln!(
        out,
        "  reverse mode: one forward sweep (values and partials) and one reverse sweep   {}",
        ms(g.sweeps_time)
    );
    let _ = writeln!(
        out,
        "forward differences took {} the time of reverse mode, central differences {}; and their errors are those of the lab (adtrace fd).",
        ratio(g.forward_time, g.sweeps_time),
        ratio(g.central_time, g.sweeps_time)
    );
    if ascii {
        crate::core::notation::to_ascii(&out)
    } else {
        out
    }
}

/// The gradient comparison as JSON.
pub fn gradient_json(trace: &Trace, g: &Gradient) -> String {
    let list = |v: &[f64]| {
        let items: Vec<String> = v.iter().map(|&x| number(x)).collect();
        format!("[{}]", items.join(", "))
    };
    let names: Vec<String> = trace.input_names().map(super::json::string).collect();
    format!(
        "{{\n  \"inputs\": [{}],\n  \"gradient\": {},\n  \"forward\": {{\"gradient\": {}, \"evaluations\": {}, \"seconds\": {}}},\n  \"central\": {{\"gradient\": {}, \"evaluations\": {}, \"seconds\": {}}},\n  \"reverse\": {{\"sweeps\": 2, \"seconds\": {}}},\n  \"estimated\": {}\n}}\n",
        names.join(", "),
        list(&g.ad),
        list(&g.forward),
        g.forward_evaluations,
        number(g.forward_time.as_secs_f64()),
        list(&g.central),
        g.central_evaluations,
        number(g.central_time.as_secs_f64()),
        number(g.sweeps_time.as_secs_f64()),
        g.estimated()
    )
}

/// The gradient comparison as CSV.
pub fn gradient_csv(trace: &Trace, g: &Gradient) -> String {
    let mut out = String::from("input,ad,forward,forward_error,central,central_error\n");
    for (i, name) in trace.input_names().enumerate() {
        let _ = writeln!(
            out,
            "{name},{},{},{},{},{}",
            full(g.ad[i]),
            full(g.forward[i]),
            full((g.forward[i] - g.ad[i]).abs()),
            full(g.central[i]),
            full((g.central[i] - g.ad[i]).abs())
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::pipeline::{SeedSpec, trace};

    #[test]
    fn scientific_numbers() {
        assert_eq!(sci(0.043, 1), "4.3e-02");
        assert_eq!(sci(6.7e-12, 1), "6.7e-12");
        assert_eq!(sci(12345.0, 1), "1.2e+04");
        assert_eq!(h_text(1e-8), "1e-08");
        assert_eq!(h_text(10f64.powf(-1.5)), "3.2e-02");
    }

    #[test]
    fn text_json_and_csv_of_sin_at_one() {
        let t = trace("sin(x) at x = 1", "", false).unwrap();
        let ev = t.evaluate(None, &SeedSpec::First).unwrap();
        let lab = crate::core::fd::lab(&t.trace, &ev.sweep, 1).unwrap();
        let text = fd_text(&t.trace, &ev.sweep, &lab, Style::default());
        assert!(text.contains("exact derivative (AD, one forward sweep) 0.5403023058681398"));
        assert!(text.contains(": f = 0.8414709848078965,"), "{text}");
        // Several outputs: the lab differentiates the first, named. At
        // (2, 3), f[1] = x·y = 6 and ∂f[1]/∂x = y = 3.
        let t2 = trace("f(x, y) = (x*y, x + y) at x = 2, y = 3", "", false).unwrap();
        let ev2 = t2.evaluate(None, &SeedSpec::First).unwrap();
        let lab2 = crate::core::fd::lab(&t2.trace, &ev2.sweep, 1).unwrap();
        let many = fd_text(&t2.trace, &ev2.sweep, &lab2, Style::default());
        assert!(
            many.contains("the first output f[1] = 6, exact derivative (AD, one forward sweep) 3"),
            "{many}"
        );
        assert!(text.contains("0.4973637525353891   4.3e-02"), "{text}");
        assert_eq!(text.matches('◀').count(), 2, "{text}");
        assert!(text.contains("F") && text.contains("C"));
        let j = fd_json(&lab);
        assert!(j.starts_with("{\n  \"exact\": 0.5403023058681398,\n  \"rows\": [\n    {\"h\": 0.1, \"forward\": {\"estimate\": "));
        assert!(j.contains("\"best\": {\"forward\": {\"h\": "));
        let csv = fd_csv(&lab);
        assert_eq!(csv.lines().count(), 17);
        assert!(
            csv.lines()
                .nth(16)
                .unwrap()
                .starts_with("0.0000000000000001,0,")
        );
        let ascii = fd_text(
            &t.trace,
            &ev.sweep,
            &lab,
            Style {
                ascii: true,
                ..Style::default()
            },
        );
        assert!(ascii.is_ascii(), "{ascii}");
    }
}
