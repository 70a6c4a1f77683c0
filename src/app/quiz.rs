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
use crate::core::schedule::{Phase, Step};
use crate::core::sweep::Sweep;
use crate::core::trace::Trace;

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
    /// The same three lines with their result, as the explanation gives
    /// them: shown once the answer is told.
    pub worked: [String; 3],
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
    /// Told: answered right, out of tries, or given up.
    pub settled: bool,
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
    /// By question, ascending (a front end may ask out of order).
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

/// The result at the end of the rule `chain` (`a = b = c = result`).
fn result_of(chain: &str) -> &str {
    chain.rsplit_once(" = ").map_or("", |(_, r)| r)
}

/// Hints from worked lines: the general rule as it is, the other two with
/// their result left out.
fn hints_of(worked: &[String; 3]) -> [String; 3] {
    [
        worked[0].clone(),
        without_result(&worked[1]),
        without_result(&worked[2]),
    ]
}

/// The cells step `step` reveals that a quiz asks: a computed row's value
/// and derivative in the first forward sweep, a row's adjoint in the first
/// reverse sweep (not an output's: that is the seed).
fn asked(trace: &Trace, step: Step) -> &'static [Cell] {
    let first_output = trace.nodes.len().saturating_sub(trace.n_outputs.max(1));
    match step.phase {
        _ if step.sweep != 0 => &[],
        Phase::Forward if step.row >= trace.n_inputs => &[Cell::Value, Cell::Derivative],
        Phase::Reverse if step.row < first_output => &[Cell::Adjoint],
        _ => &[],
    }
}

/// Push the questions of one step, named by `ex`'s notation, with their
/// hints from `ex`'s explanation of the step.
fn push_questions(
    trace: &Trace,
    sweep: &Sweep,
    ex: &Explainer,
    step: Step,
    out: &mut Vec<Question>,
) {
    let cells = asked(trace, step);
    if cells.is_empty() {
        return;
    }
    let names = &ex.names;
    let letter = names.letter();
    let cols = names.columns();
    let last_word = |s: &str| s.rsplit(' ').next().unwrap_or("").to_string();
    let row = step.row;
    let label = names.label(row);
    let sub = label.strip_prefix(letter).unwrap_or(&label).to_string();
    let what = match trace.name(row) {
        Some(n) if row < trace.n_inputs => format!("{label} ({n}, an input)"),
        Some(n) => format!("{label} ({n} = {})", ex.op_text(row)),
        None => format!("{label} = {}", ex.op_text(row)),
    };
    let e = ex.explain(step);
    let rule_worked = || {
        let numbers = format!("{} {}", e.symbolic, e.numeric);
        [
            e.general.clone(),
            format!("{} = {}", e.symbolic, result_of(&numbers)),
            numbers,
        ]
    };
    for &cell in cells {
        let (symbol, answer, worked) = match cell {
            Cell::Value => {
                let value = e.value.clone().unwrap_or_default();
                let named = value.splitn(3, " = ").take(2).collect::<Vec<_>>();
                (
                    label.clone(),
                    sweep.value[row],
                    [
                        "a row's value is its operation applied to its operands' values"
                            .to_string(),
                        format!("{} = {}", named.join(" = "), result_of(&value)),
                        value,
                    ],
                )
            }
            Cell::Derivative => (
                format!("{}{sub}", last_word(&cols[1])),
                sweep.tangent[row],
                rule_worked(),
            ),
            Cell::Adjoint => (
                format!("{}{sub}", last_word(&cols[2])),
                sweep.adjoint[row],
                rule_worked(),
            ),
        };
        let hints = hints_of(&worked);
        out.push(Question {
            step: step.index,
            row,
            cell,
            symbol,
            what: what.clone(),
            answer,
            hints,
            worked,
        });
    }
}

impl Quiz {
    /// The questions of the first forward sweep (each computed row's value
    /// and derivative) and the first reverse sweep (each row's adjoint but
    /// the output's, which is the seed).
    pub fn new(traced: &Traced, eval: &Evaluation, style: Style) -> Quiz {
        Quiz::of(&traced.trace, &eval.sweep, style)
    }

    /// The same over a trace and its sweep (the TUI keeps no `Evaluation`).
    pub fn of(trace: &Trace, sweep: &Sweep, style: Style) -> Quiz {
        let ex = Explainer::new(trace, sweep, Names::new(trace, style));
        let schedule = sweep.schedule(trace);
        let mut questions = Vec::new();
        for step in schedule.steps() {
            push_questions(trace, sweep, &ex, step, &mut questions);
        }
        Quiz::with(questions, style.precision, schedule.count())
    }

    /// The quiz over one step's cells — the questions `of` has for it,
    /// built alone, so that a view asking as it steps builds only the
    /// steps it reaches (a large trace costs nothing up front).
    pub fn at_step(trace: &Trace, sweep: &Sweep, ex: &Explainer, step: Step) -> Quiz {
        let mut questions = Vec::new();
        push_questions(trace, sweep, ex, step, &mut questions);
        let steps = sweep.schedule(trace).count();
        Quiz::with(questions, ex.names.style.precision, steps)
    }

    /// How many cells a quiz over the whole schedule asks (counted, no
    /// question built).
    pub fn cells(trace: &Trace, sweep: &Sweep) -> usize {
        let schedule = sweep.schedule(trace);
        schedule.steps().map(|st| asked(trace, st).len()).sum()
    }

    fn with(questions: Vec<Question>, precision: usize, steps: usize) -> Quiz {
        Quiz {
            questions,
            precision,
            tries: 3,
            current: 0,
            outcomes: Vec::new(),
            steps,
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
        let tries = self.tries.min(3);
        let o = self.outcome();
        o.answers.push(text.trim().to_string());
        let wrong = o.answers.len() - 1;
        if right {
            o.right = true;
            o.settled = true;
            self.current += 1;
            Feedback::Right
        } else if wrong < tries {
            Feedback::Hint(wrong + 1, hints[wrong].clone())
        } else {
            o.settled = true;
            self.current += 1;
            Feedback::Answer
        }
    }

    /// The current question's outcome, made on its first answer (kept in
    /// question order: found by binary search, so out-of-order asking
    /// costs no scan).
    fn outcome(&mut self) -> &mut Outcome {
        let i = self.current;
        let k = match self.outcomes.binary_search_by_key(&i, |o| o.question) {
            Ok(k) => k,
            Err(k) => {
                self.outcomes.insert(
                    k,
                    Outcome {
                        question: i,
                        answers: Vec::new(),
                        right: false,
                        settled: false,
                    },
                );
                k
            }
        };
        &mut self.outcomes[k]
    }

    /// Count the current question as answered wrong with `text`.
    pub fn skip(&mut self, text: &str) {
        if self.done() {
            return;
        }
        let o = self.outcome();
        o.answers.push(text.trim().to_string());
        o.settled = true;
        self.current += 1;
    }

    /// The outcome of question `i`, if it has been answered.
    pub fn outcome_of(&self, i: usize) -> Option<&Outcome> {
        self.outcomes
            .binary_search_by_key(&i, |o| o.question)
            .ok()
            .map(|k| &self.outcomes[k])
    }

    /// The first question revealed at `step` that is not settled yet (a
    /// front end that steps asks it before showing the step).
    pub fn open_at(&self, step: usize) -> Option<usize> {
        // Questions are in the schedule's order.
        let first = self.questions.partition_point(|q| q.step < step);
        (first..self.questions.len())
            .take_while(|&i| self.questions[i].step == step)
            .find(|&i| !self.outcome_of(i).is_some_and(|o| o.settled))
    }

    /// Right answers and settled questions so far (the running score).
    pub fn tally(&self) -> (usize, usize) {
        let right = self.outcomes.iter().filter(|o| o.right).count();
        let settled = self.outcomes.iter().filter(|o| o.settled).count();
        (right, settled)
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
            let o = self.outcome_of(i);
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
                    for (name, h) in ["rule", "with names", "with numbers"].iter().zip(&q.worked) {
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
    fn questions_can_be_asked_out_of_order_as_a_view_steps() {
        let mut q = quiz(GRAPH, Style::default());
        // Step 3 (0-based 2) reveals b = exp(a): its value e, then 2e.
        let i = q.open_at(2).unwrap();
        assert_eq!(q.questions[i].symbol, "x2");
        assert_eq!(q.questions[i].answer, std::f64::consts::E);
        q.current = i;
        assert_eq!(q.answer("2.718"), Feedback::Right);
        assert_eq!(q.open_at(2), Some(i + 1));
        q.current = i + 1;
        q.skip("?");
        assert_eq!(q.open_at(2), None, "both of b's cells are settled");
        // Back to step 2 (a = x²): a wrong answer leaves it open.
        let j = q.open_at(1).unwrap();
        q.current = j;
        assert!(matches!(q.answer("5"), Feedback::Hint(1, _)));
        assert_eq!(q.open_at(1), Some(j));
        assert_eq!(q.tally(), (1, 2));
        assert_eq!(q.answer("1"), Feedback::Right);
        assert_eq!(q.tally(), (2, 3));
        // Outcomes stay in question order for the JSON.
        let order: Vec<usize> = q.outcomes.iter().map(|o| o.question).collect();
        assert_eq!(order, [j, i, i + 1]);
        let v: serde_json::Value = serde_json::from_str(&q.json()).unwrap();
        assert_eq!(v["score"], 2);
        assert_eq!(v["cells"][i + 1]["answers"][0], "?");
        // The input row (step 1) and the output's adjoint ask nothing.
        assert_eq!(q.open_at(0), None);
        assert_eq!(q.open_at(7), None);
    }

    #[test]
    fn a_step_alone_has_the_questions_of_the_whole_quiz() {
        for src in [GRAPH, "f(x, y) = x*y + sin(x) at x = 2, y = 3"] {
            let t = pipeline::trace(src, "", false).unwrap();
            let e = t.evaluate(None, &pipeline::SeedSpec::First).unwrap();
            let style = Style::default();
            let whole = Quiz::of(&t.trace, &e.sweep, style);
            assert_eq!(Quiz::cells(&t.trace, &e.sweep), whole.questions.len());
            let ex = Explainer::new(&t.trace, &e.sweep, Names::new(&t.trace, style));
            let mut alone = Vec::new();
            for st in e.sweep.schedule(&t.trace).steps() {
                let q = Quiz::at_step(&t.trace, &e.sweep, &ex, st);
                assert_eq!(q.steps(), whole.steps());
                alone.extend(q.questions);
            }
            assert_eq!(alone, whole.questions, "{src}");
        }
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
