//! Predict mode as a student and an autograder use it: `adtrace quiz` with
//! the answers piped in, one per line, checked against the lecture's table.

mod common;
use common::run;

/// The lecture's computational graph with its names a..f.
const GRAPH: &str = "a = x^2; b = exp(a); c = a + b; d = sqrt(c); e = cos(c); f = d + e at x = 1";

/// The lecture's table (value, derivative per row x1..x6, then the
/// adjoints x̄5..x̄0), as the README shows it.
const TABLE: [&str; 18] = [
    "1.0000", "2.0000", "2.7183", "5.4366", "3.7183", "7.4366", "1.9283", "1.9283", "-0.8383",
    "4.0548", "1.0900", "5.9831", "1.0000", "1.0000", "0.8045", "0.8045", "2.9915", "5.9831",
];

#[test]
fn the_lecture_table_scores_full_marks() {
    let r = run(&["quiz", "--ascii", GRAPH], &(TABLE.join("\n") + "\n"));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let questions: Vec<&str> = r.stdout.lines().filter(|l| l.ends_with('?')).collect();
    assert_eq!(questions.len(), 18, "{}", r.stdout);
    assert!(questions[0].contains("value x1 = ?"), "{}", questions[0]);
    assert!(
        questions[3].contains("derivative d2 = ?"),
        "{}",
        questions[3]
    );
    assert!(
        questions[14].contains("adjoint xbar3 = ?"),
        "{}",
        questions[14]
    );
    assert_eq!(
        r.stdout.lines().filter(|l| l.starts_with("right:")).count(),
        18
    );
    assert_eq!(r.stdout.lines().last(), Some("score: 18/18"));
}

#[test]
fn a_wrong_answer_gets_the_rule_then_the_answer() {
    // c̄ answered 1 instead of 0.8045 (the fan-out: d̄·∂d/∂c + ē·∂e/∂c).
    let mut answers = TABLE;
    answers[14] = "1";
    let r = run(&["quiz", GRAPH], &(answers.join("\n") + "\n"));
    assert_eq!(r.code, 1, "not every answer was right");
    assert!(
        r.stdout.contains("wrong: x̄3 = 0.8045 (you said 1)"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("= 1·0.2593 + 1·0.545"), "{}", r.stdout);
    // Once told, the worked lines end with the number, not '= ?':
    // 0.2593 + 0.5452 = 0.8045.
    let worked = r
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("with numbers: c̄ ="))
        .unwrap_or_else(|| panic!("no worked line in\n{}", r.stdout));
    assert!(worked.ends_with("= 0.8045"), "{worked}");
    assert_eq!(r.stdout.lines().last(), Some("score: 17/18"));
}

#[test]
fn json_gives_the_per_cell_results() {
    // sin(x) at 1: x1 = sin(1), d1 = cos(1), x̄0 = cos(1).
    let r = run(
        &["quiz", "--format", "json", "sin(x) at x = 1"],
        "0.8415\n0.5\n0.5403\n",
    );
    assert_eq!(r.code, 1);
    let v: serde_json::Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert_eq!(v["score"], 2);
    assert_eq!(v["questions"], 3);
    let cells = v["cells"].as_array().unwrap();
    let right: Vec<bool> = cells
        .iter()
        .map(|c| c["right"].as_bool().unwrap())
        .collect();
    assert_eq!(right, [true, false, true]);
    assert_eq!(cells[2]["cell"], "adjoint");
    assert!((cells[1]["expected"].as_f64().unwrap() - 1f64.cos()).abs() < 1e-15);
    // The questions went to stderr, each ending with '?'.
    let asked = |l: &&str| l.starts_with("step ") && l.ends_with('?');
    assert_eq!(r.stderr.lines().filter(asked).count(), 3);
}

#[test]
fn the_prompt_quiz_reads_answers_from_the_next_lines() {
    let r = run(
        &[],
        "sin(x) at x = 1\n:quiz\n0.8415\n0.5403\n0.5403\n:table\n",
    );
    assert!(r.stdout.contains("score: 3/3"), "{}", r.stdout);
    // The session goes on after the quiz.
    assert!(
        r.stdout.contains("gradient: ∂x1/∂x = 0.5403"),
        "{}",
        r.stdout
    );
}

/// A worksheet: a replay script with `:quiz` asks the lecture's table and
/// reads the student's answers from stdin; `adtrace run` exits 0 only when
/// every answer is right, a wrong one counting as a failed expectation.
#[test]
fn a_script_holds_a_quiz_that_checks_itself() {
    let dir = common::scratch("worksheet");
    let path = dir.join("worksheet.adt");
    std::fs::write(&path, format!("# the lecture's graph\n{GRAPH}\n:quiz\n")).unwrap();
    let path = path.to_str().unwrap();
    let r = run(&["run", path], &(TABLE.join("\n") + "\n"));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("score: 18/18"), "{}", r.stdout);
    assert!(
        r.stderr.contains("all 18 expectations held"),
        "{}",
        r.stderr
    );
    // c̄ = 0.8045 answered as 0.8: the answer and its ledger are shown.
    let mut wrong = TABLE;
    wrong[14] = "0.8";
    let r = run(&["run", path], &(wrong.join("\n") + "\n"));
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("score: 17/18"), "{}", r.stdout);
    assert!(r.stdout.contains("you said 0.8"), "{}", r.stdout);
    assert!(
        r.stderr.contains("1 expectation failed, 17 held"),
        "{}",
        r.stderr
    );
}
