//! Every export checked by the program that consumes it, as an instructor
//! or an autograder would: the LaTeX compiled by pdflatex and read back
//! from the PDF. External programs are installed by `.ci/run`; where one is
//! missing outside CI the test says so and skips.

use std::path::Path;
use std::process::Command as Process;

mod common;
use common::{adtrace, scratch};

/// Whether an external program is here. In CI (`CI` set) it must be:
/// `.ci/run` installs it.
fn have(program: &str, version_arg: &str) -> bool {
    let ok = Process::new(program)
        .arg(version_arg)
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "{program} is missing: .ci/run installs it"
        );
        eprintln!("skipping: {program} is not installed");
    }
    ok
}

fn eval(args: &[&str]) -> String {
    let out = adtrace().arg("eval").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "adtrace eval {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The programs of the lecture's example scripts (`assets/*.adt`): the
/// lines that are neither comments, commands nor a new point.
fn lecture_programs() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "adt"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        assert!(!text.contains("\\\n"), "a continued line in {f:?}");
        for (i, line) in text.lines().enumerate() {
            let t = line.trim();
            if t.is_empty() || t.starts_with('#') || t.starts_with(':') || t.starts_with("at ") {
                continue;
            }
            let name = f.file_stem().unwrap().to_string_lossy();
            out.push((format!("{name}:{}", i + 1), t.to_string()));
        }
    }
    assert!(out.len() >= 10, "{out:?}");
    out
}

/// Every operation of the language, at a point where each is smooth.
const EVERY_OP: &str = "f(x, y) = -x + x - y + x*y + x/y + x^y + x^3 + sin(x) + cos(x) + tan(x) \
    + exp(x) + ln(x) + log(y) + sqrt(x) + tanh(x) + sigmoid(x) + relu(x) + abs(x) + softplus(x) \
    at x = 0.5, y = 2";
/// Names the language allows that TeX spells differently: Greek letters,
/// accents, subscript digits.
const GREEK: &str = "L(θ, β, Δ, ϑ, x₁, é, ŷ) = θ*β + Δ^2 + sin(ϑ) + x₁/é + ŷ \
    at θ = 1, β = 2, Δ = 0.5, ϑ = 1, x₁ = 2, é = 4, ŷ = 1";
/// Every warning kind, and non-finite numbers in the table.
const WARNINGS: &str = "ln(x) + 1/y + abs(y) + sqrt(y) + relu(y) at x = -1, y = 0";

/// Programs and flags whose LaTeX must compile, each with strings the PDF
/// must show.
fn latex_cases() -> Vec<(String, Vec<String>, Vec<&'static str>)> {
    let mut cases: Vec<(String, Vec<String>, Vec<&'static str>)> = lecture_programs()
        .into_iter()
        .map(|(name, p)| (name, vec![p, "--steps".to_string()], Vec::new()))
        .collect();
    let own = |name: &str, args: &[&str], shows: Vec<&'static str>| {
        (
            name.to_string(),
            args.iter().map(|s| s.to_string()).collect(),
            shows,
        )
    };
    cases.extend([
        // f = sqrt(c) + cos(c) at x = 1: value, forward and reverse gradient.
        own(
            "graph",
            &[
                "a = x^2; b = exp(a); c = a + b; d = sqrt(c); e = cos(c); f = d + e at x = 1",
                "--steps",
            ],
            vec!["1.090", "5.983", "√", "0.8045", "Reverse sweep"],
        ),
        own("every operation", &[EVERY_OP, "--steps"], vec!["|x|"]),
        own("greek", &[GREEK, "--steps"], vec!["θ", "β", "∆", "ϑ"]),
        // A name TeX has no letters for is spelled by its code points.
        own("cjk", &["損失 = x^2 at x = 3", "--steps"], vec!["U+640D"]),
        own(
            "warnings",
            &[WARNINGS, "--steps"],
            vec!["Warning", "domain", "kink", "NaN", "∞"],
        ),
        own(
            "cotangent",
            &[
                "f(x, y) = (x*y, sin(x) + y, x^2*y) at x = 2, y = 3",
                "--cotangent",
                "f=[1, 0, 0]",
                "--steps",
            ],
            vec!["Vector-Jacobian product", "Jacobian"],
        ),
        own(
            "jacobian by reverse mode",
            &[
                "f(x, y) = (x*y, sin(x) + y, x^2*y) at x = 2, y = 3",
                "--jacobian",
                "reverse",
                "--steps",
            ],
            vec!["Reverse sweep 3 of 3", "reverse mode"],
        ),
        own(
            "part way",
            &["sin(x)*y at x = 1, y = 2", "--step", "6", "--steps"],
            vec!["Step 6 of 8"],
        ),
        own(
            "output only",
            &["sin(x)*y at x = 1, y = 2", "--output-only"],
            vec!["1.683", "Gradient"],
        ),
        own(
            "griewank",
            &[
                "f(x1, x2) = ln(x1) + x1*x2 - sin(x2) at x1 = 2, x2 = 5",
                "--notation",
                "griewank",
                "--steps",
            ],
            vec!["11.65"],
        ),
    ]);
    cases
}

/// pdflatex on a file in `dir`; the log on failure.
fn pdflatex(dir: &Path, file: &str) -> Result<String, String> {
    let out = Process::new("pdflatex")
        .args(["-interaction=nonstopmode", "-halt-on-error", file])
        .current_dir(dir)
        .output()
        .unwrap();
    let log = std::fs::read_to_string(dir.join(file.replace(".tex", ".log"))).unwrap_or_default();
    if out.status.success() {
        Ok(log)
    } else {
        Err(log)
    }
}

fn pdf_text(pdf: &Path) -> String {
    let out = Process::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The packages the first line of a fragment names.
fn packages(tex: &str) -> String {
    let first = tex.lines().next().unwrap_or("");
    let rest = first
        .strip_prefix("% Needs \\usepackage{")
        .unwrap_or_else(|| panic!("first line names no packages: {first}"));
    rest.split('}').next().unwrap().to_string()
}

/// Every lecture example, every operation, Greek and other Unicode names,
/// warnings and non-finite numbers, vector programs and many outputs
/// compile with pdflatex given only the packages the first line names; the
/// summary is in the PDF, not in comments.
#[test]
fn latex_compiles_as_emitted() {
    if !have("pdflatex", "--version") || !have("pdftotext", "-v") {
        return;
    }
    let dir = scratch("latex");
    // One document per set of packages, each fragment on its own page.
    let mut docs: Vec<(String, Vec<usize>)> = Vec::new();
    let cases = latex_cases();
    for (k, (name, args, _)) in cases.iter().enumerate() {
        let mut a: Vec<&str> = vec!["--format", "latex"];
        a.extend(args.iter().map(String::as_str));
        let tex = eval(&a);
        // The summary is visible: no comment holds anything but the
        // packages and a step's number.
        for l in tex.lines().skip(1) {
            assert!(
                !l.starts_with('%') || l.starts_with("% step "),
                "{name}: a comment line {l:?}"
            );
        }
        assert!(
            tex.contains("\\begin{flushleft}"),
            "{name}: no notes\n{tex}"
        );
        std::fs::write(dir.join(format!("f{k}.tex")), &tex).unwrap();
        let p = packages(&tex);
        match docs.iter_mut().find(|(q, _)| *q == p) {
            Some((_, v)) => v.push(k),
            None => docs.push((p, vec![k])),
        }
    }
    for (d, (pkgs, members)) in docs.iter().enumerate() {
        let mut doc =
            format!("\\documentclass{{article}}\n\\usepackage{{{pkgs}}}\n\\begin{{document}}\n");
        for k in members {
            doc.push_str(&format!(
                "\\clearpage\\noindent FRAGMENT-{k}-START\\par\n\\input{{f{k}}}\n"
            ));
        }
        doc.push_str("\\end{document}\n");
        let file = format!("doc{d}.tex");
        std::fs::write(dir.join(&file), doc).unwrap();
        let log = match pdflatex(&dir, &file) {
            Ok(log) => log,
            Err(log) => {
                let tail: String = log
                    .lines()
                    .filter(|l| l.starts_with('!') || l.starts_with("l."))
                    .collect::<Vec<_>>()
                    .join("\n");
                panic!(
                    "pdflatex failed with \\usepackage{{{pkgs}}}:\n{tail}\n(in {})",
                    dir.display()
                );
            }
        };
        assert!(
            !log.contains("Overfull \\hbox"),
            "wider than the page:\n{log}"
        );
        let text = pdf_text(&dir.join(format!("doc{d}.pdf")));
        for &k in members {
            let start = format!("FRAGMENT-{k}-START");
            let body = text
                .split(&start)
                .nth(1)
                .unwrap_or_else(|| panic!("{start} not in the PDF"));
            let body = body.split("FRAGMENT-").next().unwrap();
            let (name, _, shows) = &cases[k];
            for s in shows {
                assert!(
                    body.contains(s),
                    "{name}: the PDF does not show {s:?}:\n{body}"
                );
            }
        }
    }
}

/// `--standalone` is a whole document pdflatex compiles on its own; the
/// table's numbers are in the PDF.
#[test]
fn latex_standalone_document() {
    if !have("pdflatex", "--version") || !have("pdftotext", "-v") {
        return;
    }
    let dir = scratch("latex-standalone");
    let tex = eval(&[
        "--format",
        "latex",
        "--standalone",
        "--steps",
        "W0 = 2; W1 = 1.2; y = 2; L = (W1*tanh(W0*x) - y)^2 at x = 1",
    ]);
    assert!(tex.contains("\\documentclass") && tex.trim_end().ends_with("\\end{document}"));
    std::fs::write(dir.join("nn.tex"), &tex).unwrap();
    pdflatex(&dir, "nn.tex").unwrap_or_else(|log| panic!("{log}"));
    let text = pdf_text(&dir.join("nn.pdf"));
    // The lecture's neural-net table: L = 0.7109, ∂L/∂x = -0.2859, d2 = 0.1413.
    for s in ["0.7109", "−0.2859", "0.1413", "Gradient (reverse mode)"] {
        assert!(text.contains(s), "{s}: {text}");
    }
}

/// A long trace is a longtable that breaks across pages instead of running
/// off the first one.
#[test]
fn latex_long_trace_breaks_across_pages() {
    let mut src = String::from("v1 = sin(x)");
    for i in 2..=78 {
        src.push_str(&format!("; v{i} = sin(v{})", i - 1));
    }
    src.push_str(" at x = 1");
    let tex = eval(&["--format", "latex", "--standalone", &src]);
    assert!(packages(&tex).contains("longtable"), "{tex}");
    assert!(tex.contains("\\begin{longtable}") && tex.contains("\\endhead"));
    if !have("pdflatex", "--version") || !have("pdftotext", "-v") {
        return;
    }
    let dir = scratch("latex-long");
    std::fs::write(dir.join("long.tex"), &tex).unwrap();
    let log = pdflatex(&dir, "long.tex").unwrap_or_else(|log| panic!("{log}"));
    assert!(!log.contains("Overfull \\vbox"), "{log}");
    let text = pdf_text(&dir.join("long.pdf"));
    assert!(text.matches('\u{c}').count() >= 2, "one page only: {text}");
    // The last row and the summary made it onto a page.
    assert!(text.contains("x78"), "{text}");
    assert!(text.contains("Gradient"), "{text}");
}

/// The tables of a Markdown document as a GFM reader sees them: for each
/// table, its rows (the header first), each a list of cell texts.
fn markdown_tables(md: &str) -> Vec<Vec<Vec<String>>> {
    use pulldown_cmark::{Event, Options, Parser, Tag};
    let mut tables: Vec<Vec<Vec<String>>> = Vec::new();
    for ev in Parser::new_ext(md, Options::ENABLE_TABLES) {
        match ev {
            Event::Start(Tag::Table(_)) => tables.push(Vec::new()),
            Event::Start(Tag::TableHead | Tag::TableRow) => {
                tables.last_mut().unwrap().push(Vec::new());
            }
            Event::Start(Tag::TableCell) => {
                tables
                    .last_mut()
                    .unwrap()
                    .last_mut()
                    .unwrap()
                    .push(String::new());
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(cell) = tables
                    .last_mut()
                    .and_then(|t| t.last_mut())
                    .and_then(|r| r.last_mut())
                {
                    cell.push_str(&t);
                }
            }
            Event::End(pulldown_cmark::TagEnd::Table) => {
                // Later text is not in a table: close it with a marker row.
                tables.last_mut().unwrap().push(vec!["<end>".into()]);
            }
            _ => {}
        }
    }
    for t in &mut tables {
        t.pop();
    }
    tables
}

/// A table cell's number against the JSON's (strings for non-finite).
fn same_number(cell: &str, json: &serde_json::Value) -> bool {
    match (cell, json) {
        ("NaN", v) => v == "NaN",
        ("inf", v) => v == "Infinity",
        ("-inf", v) => v == "-Infinity",
        (c, v) => match (c.parse::<f64>(), v.as_f64()) {
            (Ok(_), Some(b)) => common::shows(c, b),
            _ => false,
        },
    }
}

/// Every Markdown table, read by a real GFM parser, holds exactly the
/// trace: one row per node, each cell the JSON's label, name, operation
/// (`|x|` of abs inside its cell) and numbers; the Jacobian's table one
/// row per output. `--ascii` is ASCII throughout (pandoc's PDF route).
#[test]
fn markdown_cells_survive_a_real_parser() {
    let mut programs: Vec<Vec<String>> = lecture_programs()
        .into_iter()
        .map(|(_, p)| vec![p])
        .collect();
    for p in [
        EVERY_OP,
        GREEK,
        WARNINGS,
        "x_1*y_2 + abs(x_1 - y_2)^2 at x_1 = 1, y_2 = 3",
        "f(x, y) = (x*y, sin(x) + y, x^2*y) at x = 2, y = 3",
    ] {
        programs.push(vec![p.to_string()]);
    }
    let mut checked_abs = false;
    for program in &programs {
        for ascii in [false, true] {
            let mut args: Vec<&str> = program.iter().map(String::as_str).collect();
            if ascii {
                args.push("--ascii");
            }
            let md = eval(&[&["--format", "markdown", "--steps"], &args[..]].concat());
            let json: serde_json::Value =
                serde_json::from_str(&eval(&[&["--format", "json"], &args[..]].concat())).unwrap();
            if ascii {
                assert!(md.is_ascii(), "{md}");
            }
            let tables = markdown_tables(&md);
            let table = &tables[0];
            assert_eq!(
                table[0],
                ["row", "name", "operation"]
                    .iter()
                    .map(|s| s.to_string())
                    .chain(table[0][3..].iter().cloned())
                    .collect::<Vec<_>>()
            );
            assert_eq!(table[0].len(), 7, "{md}");
            let nodes = json["nodes"].as_array().unwrap();
            assert_eq!(table.len() - 1, nodes.len(), "{program:?}\n{md}");
            for (row, node) in table[1..].iter().zip(nodes) {
                assert_eq!(row.len(), 7, "{row:?}");
                assert_eq!(row[0], node["label"], "{row:?}\n{md}");
                if row[1].is_empty() {
                    assert_eq!(node["name"], node["label"], "{row:?}");
                } else {
                    assert_eq!(row[1], node["name"], "{row:?}");
                }
                assert_eq!(row[2], node["expr"], "{row:?}\n{md}");
                for (k, field) in [(3, "value"), (4, "tangent"), (5, "adjoint")] {
                    assert!(same_number(&row[k], &node[field]), "{field} {row:?} {node}");
                }
                if node["op"] == "abs" && !ascii {
                    assert!(row[2].starts_with('|') && row[2].ends_with('|'), "{row:?}");
                    checked_abs = true;
                }
            }
            if let Some(jac) = json.get("jacobian") {
                let jt = &tables[1];
                let rows = jac["rows"].as_array().unwrap();
                assert_eq!(jt.len() - 1, rows.len(), "{md}");
                for (row, want) in jt[1..].iter().zip(rows) {
                    let want = want.as_array().unwrap();
                    assert_eq!(row.len(), want.len() + 1, "{row:?}");
                    for (cell, w) in row[1..].iter().zip(want) {
                        assert!(same_number(cell, w), "{cell} {w}");
                    }
                }
            } else {
                assert_eq!(tables.len(), 1, "{md}");
            }
        }
    }
    assert!(checked_abs, "no abs row was checked");
}

/// Render DOT with graphviz; the SVG.
fn graphviz_svg(dot: &str) -> String {
    use std::io::Write as _;
    let mut child = Process::new("dot")
        .arg("-Tsvg")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(dot.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && err.trim().is_empty(),
        "dot: {err}\n{dot}"
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The y of a node's first text line in graphviz's SVG.
fn svg_node_y(svg: &str, node: &str) -> f64 {
    let at = svg
        .find(&format!("<title>{node}</title>"))
        .unwrap_or_else(|| panic!("{node} not in the SVG"));
    let text = &svg[at..];
    let y = text.find(" y=\"").unwrap() + 4;
    text[y..].split('"').next().unwrap().parse().unwrap()
}

/// Text in SVG is XML-escaped: `&gt;`, `&#45;` for '-'.
fn svg_text(svg: &str) -> String {
    svg.replace("&#45;", "-")
        .replace("&gt;", ">")
        .replace("&lt;", "<")
        .replace("&amp;", "&")
}

/// The DOT pictures render with graphviz for every lecture example, both
/// sweeps and part way: one edge per use (the JSON's args), the inputs on
/// one rank, the sweep's numbers in the nodes and the partials on the
/// edges, a legend, clusters for vector programs.
#[test]
fn dot_renders_the_lecture_figures() {
    let mut programs: Vec<String> = lecture_programs().into_iter().map(|(_, p)| p).collect();
    programs.extend([
        EVERY_OP.to_string(),
        WARNINGS.to_string(),
        "x*x at x = 3".into(),
    ]);
    let graphviz = have("dot", "-V");
    for p in &programs {
        let json: serde_json::Value =
            serde_json::from_str(&eval(&["--format", "json", p])).unwrap();
        let nodes = json["nodes"].as_array().unwrap();
        let uses: usize = nodes
            .iter()
            .map(|n| n["args"].as_array().unwrap().len())
            .sum();
        let inputs = json["inputs"].as_array().unwrap().len();
        for sweep in ["forward", "reverse"] {
            let dot = eval(&["--format", "dot", "--sweep", sweep, p]);
            assert_eq!(dot.matches(" -> n").count(), uses, "{p}\n{dot}");
            assert!(dot.contains("legend"), "{dot}");
            assert_eq!(dot.contains("dir=back"), sweep == "reverse" && uses > 0);
            if json.get("jacobian").is_some() || p.contains('[') {
                assert!(dot.contains("subgraph cluster_0"), "{p}\n{dot}");
            }
            if !graphviz {
                continue;
            }
            let svg = svg_text(&graphviz_svg(&dot));
            assert_eq!(svg.matches("class=\"edge\"").count(), uses, "{p}");
            let y0 = svg_node_y(&svg, "n0");
            for i in 1..inputs {
                assert_eq!(
                    svg_node_y(&svg, &format!("n{i}")),
                    y0,
                    "{p}: inputs on one rank"
                );
            }
            // The first output's tangent (forward) or the gradient (reverse).
            let out = &json["output"];
            let want: Vec<f64> = if sweep == "forward" {
                vec![out["tangent"].as_f64().unwrap_or(f64::NAN)]
            } else {
                json["inputs"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|i| {
                        out["gradient"][i.as_str().unwrap()]
                            .as_f64()
                            .unwrap_or(f64::NAN)
                    })
                    .collect()
            };
            for w in want.iter().filter(|w| w.is_finite()) {
                let shown = common::sig_trim(*w, 4);
                assert!(
                    svg.contains(&format!("= {shown}<")),
                    "{p} {sweep}: {shown} not drawn"
                );
            }
        }
    }
}

/// The lecture's two figures of f = sqrt(c) + cos(c): forward, each edge
/// the local partial with its number; reverse at the fan-out step, c̄ =
/// 0.8045 drawn from d̄·∂d/∂c + ē·∂e/∂c, nodes not reached yet `?`.
#[test]
fn dot_forward_and_reverse_pictures_of_the_graph_example() {
    let g = "a = x^2; b = exp(a); c = a + b; d = sqrt(c); e = cos(c); f = d + e at x = 1";
    let fwd = eval(&["--format", "dot", "--sweep", "forward", g]);
    for s in [
        "x3  c\\n= a + b\\nc = 3.718\\nd3 = 7.437",
        "n3 -> n4 [label=\"∂d/∂c = 0.2593\"]",
        "n3 -> n5 [label=\"∂e/∂c = 0.5453\"]",
        "n0 -> n1 [label=\"∂a/∂x = 2\"]",
    ] {
        assert!(fwd.contains(s), "{s}\n{fwd}");
    }
    // Step 10: the reverse step of c (7 forward steps, then f, e, d, c).
    let rev = eval(&["--format", "dot", "--step", "11", g]);
    for s in [
        "c = 3.718\\nc\u{304} = 0.8045\"",
        "x\u{304} = ?",
        "d\u{304} = 1",
        "n3 -> n4 [label=\"∂d/∂c = 0.2593\", penwidth=2.5",
        "fillcolor",
    ] {
        assert!(rev.contains(s), "{s}\n{rev}");
    }
    // x*x: two edges, each with its own slot's partial (x = 3).
    let sq = eval(&["--format", "dot", "x*x at x = 3"]);
    assert!(
        sq.contains("n0 -> n1 [label=\"∂x1/∂x, use 1 = 3\"]")
            && sq.contains("n0 -> n1 [label=\"∂x1/∂x, use 2 = 3\"]"),
        "{sq}"
    );
}

/// Outputs of `--format json` covering every field: the lecture examples,
/// warnings and non-finite numbers, huge and tiny numbers, Greek names,
/// several outputs and vectors, a cotangent, both Jacobian modes, a step
/// part way, the output only, Griewank's notation, and `run`'s JSON Lines.
fn json_outputs() -> Vec<(String, String)> {
    let mut runs: Vec<Vec<String>> = lecture_programs()
        .into_iter()
        .map(|(_, p)| vec![p])
        .collect();
    let own = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let multi = "f(x, y) = (x*y, sin(x) + y, x^2*y) at x = 2, y = 3";
    runs.extend([
        own(&[EVERY_OP]),
        own(&[GREEK]),
        own(&[WARNINGS]),
        own(&["exp(x) + 1/(x - 1000) at x = 1000"]),
        own(&["x*1e300 + y*1e-300 at x = 2, y = 3"]),
        own(&[multi]),
        own(&[multi, "--cotangent", "f=[1, 0, 2]"]),
        own(&[multi, "--jacobian", "reverse"]),
        own(&[multi, "--jacobian", "forward", "--step", "5"]),
        own(&["sin(x)*y at x = 1, y = 2", "--step", "6"]),
        own(&["sin(x)*y at x = 1, y = 2", "--output-only"]),
        own(&[multi, "--bare-steps"]),
        own(&[
            "f(x1, x2) = ln(x1) + x1*x2 - sin(x2) at x1 = 2, x2 = 5",
            "--notation",
            "griewank",
        ]),
        own(&["2^10 + pi"]),
    ]);
    let mut out = Vec::new();
    for r in runs {
        let mut args = vec!["--format", "json"];
        args.extend(r.iter().map(String::as_str));
        let text = eval(&args);
        assert_eq!(text.lines().count(), 1, "one line: {text}");
        out.push((r.join(" "), text.trim_end().to_string()));
    }
    // `adtrace run --format json` prints JSON Lines: one object per table.
    let run = adtrace()
        .args(["run", "--format", "json", "graph"])
        .output()
        .unwrap();
    assert!(run.status.success());
    let lines: Vec<String> = String::from_utf8(run.stdout)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    assert!(lines.len() >= 2, "{lines:?}");
    for (k, l) in lines.into_iter().enumerate() {
        out.push((format!("run graph, line {}", k + 1), l));
    }
    out
}

/// Every JSON output validates against the schema in the repository
/// (`docs/eval.schema.json`), checked by Python's jsonschema (installed by
/// `.ci/run`: a Rust validator would add dozens of crates to the build).
#[test]
fn json_validates_against_the_schema() {
    let python = Process::new("python3")
        .args(["-c", "import jsonschema"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !python {
        assert!(
            std::env::var_os("CI").is_none(),
            "python3 with jsonschema is missing: .ci/run installs it"
        );
        eprintln!("skipping: python3 with jsonschema is not installed");
        return;
    }
    let dir = scratch("json-schema");
    let outputs = json_outputs();
    let lines: Vec<&str> = outputs.iter().map(|(_, j)| j.as_str()).collect();
    std::fs::write(dir.join("all.jsonl"), lines.join("\n") + "\n").unwrap();
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/eval.schema.json");
    let check = r#"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
v = jsonschema.Draft202012Validator(schema)
bad = 0
for n, line in enumerate(open(sys.argv[2]), 1):
    doc = json.loads(line)
    for e in v.iter_errors(doc):
        bad += 1
        print(f"line {n}: {e.json_path}: {e.message}")
    # Numbers are floats or ints as written: never a 301-digit int.
    def walk(x):
        if isinstance(x, int) and not isinstance(x, bool):
            assert abs(x) < 10**16, (n, x)
        elif isinstance(x, dict):
            for y in x.values(): walk(y)
        elif isinstance(x, list):
            for y in x: walk(y)
    walk(doc)
print(f"{bad} errors")
sys.exit(1 if bad else 0)
"#;
    let out = Process::new("python3")
        .args(["-c", check])
        .arg(&schema)
        .arg(dir.join("all.jsonl"))
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{report}{}\n(the outputs, in order: {:?})",
        String::from_utf8_lossy(&out.stderr),
        outputs.iter().map(|(n, _)| n).collect::<Vec<_>>()
    );
    assert!(report.contains("0 errors"), "{report}");
}

/// Every key path in a JSON value; the keys of by-name objects (a point, a
/// gradient) as `*`.
fn key_paths(v: &serde_json::Value, path: &str, out: &mut std::collections::BTreeSet<String>) {
    const BY_NAME: [&str; 4] = ["point", "seed", "output.gradient", "cotangent"];
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                let key = if BY_NAME.contains(&path) {
                    "*"
                } else {
                    k.as_str()
                };
                let p = if path.is_empty() {
                    key.to_string()
                } else {
                    format!("{path}.{key}")
                };
                out.insert(p.clone());
                key_paths(x, &p, out);
            }
        }
        serde_json::Value::Array(a) => {
            for x in a {
                key_paths(x, &format!("{path}[]"), out);
            }
        }
        _ => {}
    }
}

/// The complete key set of the JSON interface, pinned: renaming or
/// removing a field (against the README's promise) fails here; adding one
/// means adding it here, to the schema and to the README.
#[test]
fn json_key_set_is_pinned() {
    let mut keys = std::collections::BTreeSet::new();
    for (name, text) in json_outputs() {
        let v: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(v["schema"], 1, "{name}");
        key_paths(&v, "", &mut keys);
    }
    let want = [
        "cotangent",
        "cotangent.*",
        "cse",
        "inputs",
        "jacobian",
        "jacobian.inputs",
        "jacobian.mode",
        "jacobian.outputs",
        "jacobian.rows",
        "nodes",
        "nodes[].adjoint",
        "nodes[].args",
        "nodes[].constants",
        "nodes[].depends_on_seed",
        "nodes[].expr",
        "nodes[].group",
        "nodes[].group.index",
        "nodes[].group.name",
        "nodes[].index",
        "nodes[].label",
        "nodes[].name",
        "nodes[].op",
        "nodes[].partials",
        "nodes[].reaches_output",
        "nodes[].tangent",
        "nodes[].value",
        "notation",
        "output",
        "output.gradient",
        "output.gradient.*",
        "output.name",
        "output.tangent",
        "output.value",
        "outputs",
        "outputs[].name",
        "outputs[].tangent",
        "outputs[].value",
        "point",
        "point.*",
        "schema",
        "seed",
        "seed.*",
        "step",
        "steps",
        "steps[].general",
        "steps[].index",
        "steps[].node",
        "steps[].numeric",
        "steps[].phase",
        "steps[].sweep",
        "steps[].symbolic",
        "steps[].terms",
        "steps[].terms[].adjoint",
        "steps[].terms[].node",
        "steps[].terms[].partial",
        "steps[].terms[].rule",
        "steps[].text",
        "sweeps",
        "sweeps.forward",
        "sweeps.mode",
        "sweeps.reverse",
        "warnings",
        "warnings[].kind",
        "warnings[].message",
        "warnings[].node",
    ];
    let got: Vec<&str> = keys.iter().map(String::as_str).collect();
    assert_eq!(got, want);
}

/// Large and small numbers carry an exponent (1e300 is not a 301-digit
/// integer), and every number parses back to the same 64-bit float.
#[test]
fn json_numbers_use_exponents_and_round_trip() {
    let text = eval(&["--format", "json", "x*1e300 + y*1e-300 at x = 2, y = 3"]);
    assert!(text.contains("\"value\": 2e300"), "{text}");
    assert!(text.contains("\"y\": 1e-300"), "{text}");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["output"]["value"].as_f64(), Some(2e300));
    assert_eq!(v["output"]["gradient"]["x"].as_f64(), Some(1e300));
    assert_eq!(v["output"]["gradient"]["y"].as_f64(), Some(1e-300));
    // Ordinary numbers keep full precision: sin(1) to the last bit.
    let t = eval(&["--format", "json", "sin(x) at x = 1"]);
    let v: serde_json::Value = serde_json::from_str(&t).unwrap();
    assert_eq!(v["output"]["value"].as_f64(), Some(1f64.sin()));
    assert_eq!(v["output"]["tangent"].as_f64(), Some(1f64.cos()));
}

/// The text table counts terminal cells: a CJK name (two cells a
/// character) and a combining macron (none) leave every column aligned.
#[test]
fn text_table_aligns_wide_and_combining_names() {
    use unicode_width::UnicodeWidthStr;
    let text = eval(&["損失 = x^2; x\u{304} = 損失 + 1; y = sin(x\u{304}) at x = 3"]);
    let table: Vec<&str> = text.lines().take_while(|l| !l.is_empty()).collect();
    assert_eq!(table.len(), 5, "{text}");
    // Right-aligned numbers end every row at the same cell, and each
    // column starts at the same cell on every row.
    let widths: Vec<usize> = table.iter().map(|l| l.width()).collect();
    assert!(widths.iter().all(|&w| w == widths[0]), "{widths:?}\n{text}");
    for needle in [["x1", "損失"], ["x2", "x\u{304}"]] {
        let row = table.iter().find(|l| l.starts_with(needle[0])).unwrap();
        let header = table[0];
        let col = |l: &str, s: &str| l[..l.find(s).unwrap()].width();
        assert_eq!(col(row, needle[1]), col(header, "name"), "{text}");
    }
    let row = table.iter().find(|l| l.starts_with("x2")).unwrap();
    let op = row.find("損失 + 1").unwrap();
    assert_eq!(
        row[..op].width(),
        table[0][..table[0].find("operation").unwrap()].width()
    );
}

/// pandoc, the converter instructors run on Markdown notes: it reads the
/// abs row's `|x|` inside its cell, and `--ascii` Markdown goes through
/// its default PDF route (pdflatex), which the Unicode form cannot (x̄'s
/// combining macron is not set up for pdflatex).
#[test]
fn markdown_through_pandoc() {
    if !have("pandoc", "--version") || !have("pdflatex", "--version") || !have("pdftotext", "-v") {
        return;
    }
    use std::io::Write as _;
    let pandoc = |md: &str, args: &[&str], dir: &Path| {
        let mut child = Process::new("pandoc")
            .args(args)
            .current_dir(dir)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(md.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let dir = scratch("pandoc");
    let program = "f(x, y) = abs(x)*y + ln(y) at x = -1, y = 2";
    let md = eval(&["--format", "markdown", "--steps", program]);
    let html = pandoc(&md, &["-t", "html"], &dir);
    assert!(html.status.success());
    let html = String::from_utf8(html.stdout).unwrap();
    let row = html
        .split("<tr")
        .find(|r| r.contains("<td>x2</td>"))
        .unwrap_or_else(|| panic!("{html}"));
    assert_eq!(row.matches("<td").count(), 7, "{row}");
    assert!(row.contains("<td>|x|</td>"), "{row}");
    let ascii = eval(&["--format", "markdown", "--steps", "--ascii", program]);
    let out = pandoc(&ascii, &["-o", "table.pdf"], &dir);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = pdf_text(&dir.join("table.pdf"));
    // f = |-1|·2 + ln 2, ∂f/∂x = sign(-1)·2, ∂f/∂y = |-1| + 1/2.
    for s in ["2.693", "-2.000", "1.500", "abs(x)", "xbar"] {
        assert!(text.contains(s), "{s}: {text}");
    }
}
