//! Predict mode: before each cell of the table is revealed — a row's value
//! and derivative in the forward sweep, its adjoint in the reverse sweep —
//! the student types a prediction. Owns the questions (in the schedule's
//! order, named by the notation's symbols), the check (a tolerance at the
//! displayed precision), the hints at three levels (the general rule, the
//! rule with names, the rule with numbers — from `core::explain`, never
//! rebuilt here), the score and the per-cell results (text and JSON).
//!
//! Must not read or print: the front ends (`adtrace quiz`, `:quiz`, the
//! TUI's `p`) ask and show. Reads numbers from the `Evaluation` only.

use crate::core::explain::Explainer;
use crate::core::notation::{Names, Style, fixed};
use crate::core::pipeline::{Evaluation, Traced};
use crate::core::schedule::Phase;

/// Which cell of a row a question asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cell {
    Value,
    Derivative,
    Adjoint,
}

impl Cell {
    pub fn name(self) -> &'static str {
        match self {
            Cell::Value => "value",
            Cell::Derivative => "derivative",
            Cell::Adjoint => "adjoint",
        }
    }
}

/// One cell to predict.
#[derive(Clone, Debug, PartialEq)]
pub struct Question {
    /// The step (0-based index) that reveals the cell.
    pub step: usize,
    pub row: usize,
    pub cell: Cell,
    /// The cell in the notation: x2, d2, x̄2 (xbar2 in ASCII).
    pub symbol: String,
    /// What the row computes, as the table shows it: `b = exp(a)`.
    pub what: String,
    pub answer: f64,
    /// Hints, from the general rule to the rule with numbers (the result
    /// left out).
    pub hints: [String; 3],
}

impl Question {
    /// The question on one line, ending with `?`.
    pub fn text(&self, steps: usize) -> String {
        format!(
            "step {} of {steps} · {}: {} {} = ?",
            self.step + 1,
            self.what,
            self.cell.name(),
            self.symbol
        )
    }
}

/// How one answer went.
#[derive(Clone, Debug, PartialEq)]
pub enum Feedback {
    Right,
    /// Wrong, with the next hint (level 1 to 3).
    Hint(usize, String),
    /// Wrong and out of hints: the answer is shown.
    Answer,
    /// Not a number: asked again, not counted.
    NotANumber,
}

/// A question's result.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub question: usize,
    /// The answers given, as typed.
    pub answers: Vec<String>,
    pub right: bool,
}

/// A quiz over one program: the questions, where the student is, the
/// results so far.
#[derive(Clone, Debug)]
pub struct Quiz {
    pub questions: Vec<Question>,
    pub precision: usize,
    /// Wrong answers a question takes before its answer is shown: 3 at a
    /// terminal (one per hint level), 0 headless (one answer per line).
    pub tries: usize,
    pub current: usize,
    pub outcomes: Vec<Outcome>,
    steps: usize,
}

/// Whether `given` is `expected` as the table shows it, `precision`
/// significant digits: the same digits, or within half a unit of the last
/// one shown (NaN is NaN, an infinity itself).
pub fn close(given: f64, expected: f64, precision: usize) -> bool {
    if expected.is_nan() || given.is_nan() {
        return expected.is_nan() && given.is_nan();
    }
    if expected.is_infinite() || given.is_infinite() {
        return given == expected;
    }
    if fixed(given, precision) == fixed(expected, precision) {
        return true;
    }
    let p = precision.clamp(1, 17) as i32;
    let mag = if expected == 0.0 {
        0
    } else {
        expected.abs().log10().floor() as i32
    };
    let half = 0.5 * 10f64.powi(mag - p + 1);
    // A little slack for the rounding of the shown digits themselves.
    (given - expected).abs() <= half * (1.0 + 1e-9)
}

/// A typed number: `0.5403`, `-2`, `1e-3`, `nan`, `inf`, `−0.84` (the
/// minus sign adtrace prints).
pub fn parse_answer(text: &str) -> Option<f64> {
    let t = text.trim().replace('−', "-");
    match t.to_ascii_lowercase().as_str() {
        "nan" => Some(f64::NAN),
        "inf" | "+inf" | "infinity" | "∞" => Some(f64::INFINITY),
        "-inf" | "-infinity" | "-∞" => Some(f64::NEG_INFINITY),
        s => s.parse().ok().filter(|v: &f64| v.is_finite()),
    }
}

/// The rule `chain` (`a = b = c = result`) without its result: `a = b = c = ?`.
fn without_result(chain: &str) -> String {
    match chain.rsplit_once(" = ") {
        Some((head, _)) => format!("{head} = ?"),
        None => format!("{chain} = ?"),
    }
}

impl Quiz {
    /// The questions of the first forward sweep (each computed row's value
    /// and derivative) and the first reverse sweep (each row's adjoint but
    /// the output's, which is the seed).
    pub fn new(traced: &Traced, eval: &Evaluation, style: Style) -> Quiz {
        let trace = &traced.trace;
        let sweep = &eval.sweep;
        let names = Names::new(trace, style);
        let ex = Explainer::new(trace, sweep, Names::new(trace, style));
        let schedule = sweep.schedule(trace);
        let letter = names.letter();
        let cols = names.columns();
        let last_word = |s: &str| s.rsplit(' ').next().unwrap_or("").to_string();
        let (tan, adj) = (last_word(&cols[1]), last_word(&cols[2]));
        let outputs = trace.n_outputs.max(1);
        let first_output = trace.nodes.len().saturating_sub(outputs);
        let mut questions = Vec::new();
        for step in schedule.steps() {
            if step.sweep != 0 {
                continue;
            }
            let row = step.row;
            let label = names.label(row);
            let sub = label.strip_prefix(letter).unwrap_or(&label).to_string();
            let what = match trace.name(row) {
                Some(n) if row < trace.n_inputs => format!("{label} ({n}, an input)"),
                Some(n) => format!("{label} ({n} = {})", ex.op_text(row)),
                None => format!("{label} = {}", ex.op_text(row)),
            };
            let e = ex.explain(step);
            match step.phase {
                Phase::Forward => {
                    if row < trace.n_inputs {
                        continue;
                    }
                    let value = e.value.clone().unwrap_or_default();
                    let named = value.splitn(3, " = ").take(2).collect::<Vec<_>>();
                    questions.push(Question {
                        step: step.index,
                        row,
                        cell: Cell::Value,
                        symbol: label.clone(),
                        what: what.clone(),
                        answer: sweep.value[row],
                        hints: [
                            "a row's value is its operation applied to its operands' values"
                                .to_string(),
                            format!("{} = ?", named.join(" = ")),
                            without_result(&value),
                        ],
                    });
                    questions.push(Question {
                        step: step.index,
                        row,
                        cell: Cell::Derivative,
                        symbol: format!("{tan}{sub}"),
                        what,
                        answer: sweep.tangent[row],
                        hints: [
                            e.general.clone(),
                            format!("{} = ?", e.symbolic),
                            without_result(&format!("{} {}", e.symbolic, e.numeric)),
                        ],
                    });
                }
                Phase::Reverse => {
                    if row >= first_output {
                        continue;
                    }
                    questions.push(Question {
                        step: step.index,
                        row,
                        cell: Cell::Adjoint,
                        symbol: format!("{adj}{sub}"),
                        what,
                        answer: sweep.adjoint[row],
                        hints: [
                            e.general.clone(),
                            format!("{} = ?", e.symbolic),
                            without_result(&format!("{} {}", e.symbolic, e.numeric)),
                        ],
                    });
                }
            }
        }
        Quiz {
            questions,
            precision: style.precision,
            tries: 3,
            current: 0,
            outcomes: Vec::new(),
            steps: schedule.count(),
        }
    }

    /// Every step of the schedule (for "step k of n").
    pub fn steps(&self) -> usize {
        self.steps
    }

    /// The question being asked, if any is left.
    pub fn question(&self) -> Option<&Question> {
        self.questions.get(self.current)
    }

    pub fn done(&self) -> bool {
        self.current >= self.questions.len()
    }

    /// Answer the current question.
    pub fn answer(&mut self, text: &str) -> Feedback {
        let Some(q) = self.questions.get(self.current) else {
            return Feedback::Answer;
        };
        let Some(v) = parse_answer(text) else {
            return Feedback::NotANumber;
        };
        let right = close(v, q.answer, self.precision);
        let hints = q.hints.clone();
        if self.outcomes.len() <= self.current {
            self.outcomes.push(Outcome {
                question: self.current,
                answers: Vec::new(),
                right: false,
            });
        }
        let o = &mut self.outcomes[self.current];
        o.answers.push(text.trim().to_string());
        let wrong = o.answers.len() - 1;
        if right {
            o.right = true;
            self.current += 1;
            Feedback::Right
        } else if wrong < self.tries.min(3) {
            Feedback::Hint(wrong + 1, hints[wrong].clone())
        } else {
            self.current += 1;
            Feedback::Answer
        }
    }

    /// Count the current question as answered wrong with `text`.
    pub fn skip(&mut self, text: &str) {
        if self.done() {
            return;
        }
        if self.outcomes.len() <= self.current {
            self.outcomes.push(Outcome {
                question: self.current,
                answers: Vec::new(),
                right: false,
            });
        }
        self.outcomes[self.current]
            .answers
            .push(text.trim().to_string());
        self.current += 1;
    }

    /// The answer of question `i` as the table shows it.
    pub fn shown(&self, i: usize) -> String {
        self.questions
            .get(i)
            .map(|q| format!("{} = {}", q.symbol, fixed(q.answer, self.precision)))
            .unwrap_or_default()
    }

    /// Right answers and questions.
    pub fn score(&self) -> (usize, usize) {
        let k = self.outcomes.iter().filter(|o| o.right).count();
        (k, self.questions.len())
    }

    /// The per-cell results as one JSON object (for autograders).
    pub fn json(&self) -> String {
        let (k, n) = self.score();
        let mut out = format!("{{\"score\": {k}, \"questions\": {n}, \"cells\": [");
        for (i, q) in self.questions.iter().enumerate() {
            let o = self.outcomes.iter().find(|o| o.question == i);
            if i > 0 {
                out.push_str(", ");
            }
            let answers: Vec<String> = o
                .map(|o| o.answers.iter().map(|a| json_str(a)).collect())
                .unwrap_or_default();
            out.push_str(&format!(
                "{{\"step\": {}, \"row\": {}, \"cell\": \"{}\", \"symbol\": {}, \"expected\": {}, \"answers\": [{}], \"right\": {}}}",
                q.step + 1,
                q.row,
                q.cell.name(),
                json_str(&q.symbol),
                json_num(q.answer),
                answers.join(", "),
                o.is_some_and(|o| o.right)
            ));
        }
        out.push_str("]}");
        out
    }
}

/// Run a quiz over answer lines: `ask` gets each question (one line,
/// ending with `?`), `say` each reply; `lines` gives one answer per call
/// (None: no more input — the rest count as unanswered). Ends with the
/// score line. With `tries` 0 (headless), a wrong answer is told with all
/// three hints and the answer at once; otherwise each wrong answer gets
/// the next hint and the question again.
pub fn run(
    quiz: &mut Quiz,
    mut lines: impl FnMut(&str) -> Option<String>,
    mut say: impl FnMut(&str),
) {
    while let Some(q) = quiz.question().cloned() {
        let asked = q.text(quiz.steps());
        let Some(line) = lines(&asked) else {
            break;
        };
        let i = quiz.current;
        match quiz.answer(&line) {
            Feedback::Right => say(&format!("right: {}", quiz.shown(i))),
            Feedback::Hint(level, hint) => say(&format!("not quite; hint {level} of 3: {hint}")),
            Feedback::Answer => {
                let mut t = format!("wrong: {} (you said {})", quiz.shown(i), line.trim());
                if quiz.tries == 0 {
                    for (name, h) in ["rule", "with names", "with numbers"].iter().zip(&q.hints) {
                        t.push_str(&format!("\n  {name}: {h}"));
                    }
                }
                say(&t);
            }
            Feedback::NotANumber => {
                say(&format!(
                    "'{}' is not a number: type one like 0.5403",
                    line.trim()
                ));
                if quiz.tries == 0 {
                    // One answer per line: a line that is not a number
                    // counts as wrong, so answers stay aligned.
                    quiz.skip(&line);
                }
            }
        }
    }
    let (k, n) = quiz.score();
    say(&format!("score: {k}/{n}"));
}

fn json_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn json_num(x: f64) -> String {
    if x.is_nan() {
        "\"NaN\"".into()
    } else if x.is_infinite() {
        if x > 0.0 {
            "\"Infinity\""
        } else {
            "\"-Infinity\""
        }
        .into()
    } else {
        format!("{x:?}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::pipeline;

    const GRAPH: &str =
        "a = x^2; b = exp(a); c = a + b; d = sqrt(c); e = cos(c); f = d + e at x = 1";

    fn quiz(program: &str, style: Style) -> Quiz {
        let t = pipeline::trace(program, "", false).unwrap();
        let e = t.evaluate(None, &pipeline::SeedSpec::First).unwrap();
        Quiz::new(&t, &e, style)
    }

    #[test]
    fn the_lecture_graph_answered_from_the_lecture_table() {
        let ascii = Style {
            ascii: true,
            ..Style::default()
        };
        let mut q = quiz(GRAPH, ascii);
        // Forward: rows x1..x6, value and derivative; reverse: x5..x0.
        let asked: Vec<&str> = q.questions.iter().map(|q| q.symbol.as_str()).collect();
        assert_eq!(
            asked,
            [
                "x1", "d1", "x2", "d2", "x3", "d3", "x4", "d4", "x5", "d5", "x6", "d6", "xbar5",
                "xbar4", "xbar3", "xbar2", "xbar1", "xbar0"
            ]
        );
        // The lecture's table (README), to four decimals.
        let table = [
            "1.0000", "2.0000", "2.7183", "5.4366", "3.7183", "7.4366", "1.9283", "1.9283",
            "-0.8383", "4.0548", "1.0900", "5.9831", "1.0000", "1.0000", "0.8045", "0.8045",
            "2.9915", "5.9831",
        ];
        for a in table {
            assert_eq!(q.answer(a), Feedback::Right, "{a}");
        }
        assert!(q.done());
        assert_eq!(q.score(), (18, 18));
    }

    #[test]
    fn wrong_answers_get_three_hints_then_the_answer() {
        let mut q = quiz(GRAPH, Style::default());
        // d1 after x1: d/dx x² at 1 is 2.
        assert_eq!(q.answer("1"), Feedback::Right);
        assert_eq!(q.question().unwrap().symbol, "d1");
        let Feedback::Hint(1, h1) = q.answer("1") else {
            panic!("a first hint")
        };
        assert!(h1.contains("n·g(w)^(n − 1)"), "{h1}");
        let Feedback::Hint(2, h2) = q.answer("3") else {
            panic!()
        };
        assert!(h2.contains("d1 = ") && h2.ends_with("= ?"), "{h2}");
        let Feedback::Hint(3, h3) = q.answer("3") else {
            panic!()
        };
        // The rule with numbers, the result left out.
        assert!(
            h3.contains("2·1") && !h3.contains("= 2.0000") && h3.ends_with("= ?"),
            "{h3}"
        );
        assert_eq!(q.answer("4"), Feedback::Answer);
        assert_eq!(q.shown(1), "d1 = 2.000");
        assert_eq!(q.score(), (1, 18));
        // Not a number is asked again, not counted.
        assert_eq!(q.answer("two"), Feedback::NotANumber);
        assert_eq!(q.question().unwrap().symbol, "x2");
    }

    #[test]
    fn answers_are_checked_at_the_shown_precision() {
        // sin(1) = 0.841470984…: 0.8415 is right at 4 digits, 0.841 is not.
        let s = 1f64.sin();
        assert!(close(0.8415, s, 4));
        assert!(!close(0.841, s, 4));
        assert!(close(0.84, s, 2));
        assert!(!close(-0.8415, s, 4));
        // The graph's gradient 5.98308… shows as 5.983 (4 digits).
        assert!(close(5.983, 5.983_083, 4));
        assert!(!close(5.982, 5.983_083, 4));
        assert!(close(0.0, 0.0, 4));
        assert_eq!(parse_answer("−0.8383"), Some(-0.8383));
        assert!(parse_answer("nan").is_some_and(f64::is_nan));
        assert_eq!(parse_answer("x"), None);
    }

    #[test]
    fn json_lists_every_cell() {
        let mut q = quiz("sin(x) at x = 1", Style::default());
        q.answer("0.8415");
        q.answer("0.5");
        let j = q.json();
        let v: serde_json::Value = serde_json::from_str(&j).unwrap();
        assert_eq!(v["score"], 1);
        assert_eq!(v["questions"], 3);
        assert_eq!(v["cells"][1]["cell"], "derivative");
        assert_eq!(v["cells"][1]["answers"][0], "0.5");
        assert!((v["cells"][1]["expected"].as_f64().unwrap() - 1f64.cos()).abs() < 1e-15);
    }
}
