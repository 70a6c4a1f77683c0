//! `eval --format html`, the stepping page, driven in a real headless
//! browser as a student would use it: Chromium (installed by `.ci/run`)
//! opens the file from `file://`, the test presses the arrow keys through
//! the Chrome DevTools Protocol and reads the explanation, the table and
//! the graph from the DOM. Where Chromium is not installed the browser
//! tests say so and skip; the page's static checks always run.
//!
//! The CDP client is tiny: Chromium's `--remote-debugging-pipe` reads
//! NUL-terminated JSON commands on fd 3 and writes replies on fd 4, which a
//! shell connects to the child's stdin and stdout (no network, no port).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command as Process, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

mod common;
use common::{adtrace, scratch, sig};

/// The fan-out ledger of c as the lecture writes it: c̄ = d̄·∂d/∂c + ē·∂e/∂c
/// (the bars are combining macrons, U+0304, as adtrace writes every adjoint).
const LEDGER: &str = "c\u{304} = d\u{304}·∂d/∂c + e\u{304}·∂e/∂c";

const GRAPH: &str = "a = x^2; b = exp(a); c = a + b; d = sqrt(c); e = cos(c); f = d + e at x = 1";

fn eval(args: &[&str]) -> String {
    let out = adtrace().arg("eval").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "adtrace eval {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The page of `program` (extra arguments after it), written to a file.
fn page(program: &str, extra: &[&str], tag: &str) -> PathBuf {
    let mut args = vec![program, "--format", "html"];
    args.extend_from_slice(extra);
    let html = eval(&args);
    let path = scratch(tag).join("page.html");
    std::fs::write(&path, html).unwrap();
    path
}

/// The browser, if there is one.
fn chromium() -> Option<&'static str> {
    let found = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|p| {
            Process::new(p)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        });
    if found.is_none() {
        eprintln!(
            "skipping: chromium is not installed (.ci/run installs it: apt-get install chromium)"
        );
    }
    found
}

/// A headless Chromium and one page in it, spoken to over CDP.
struct Browser {
    child: Child,
    input: ChildStdin,
    replies: Receiver<Value>,
    next_id: u64,
    session: String,
    profile: PathBuf,
}

impl Browser {
    fn open(program: &str, url: &str) -> Browser {
        let profile = scratch("chromium-profile");
        let log = std::fs::File::create(profile.join("stderr.log")).unwrap();
        let mut child = Process::new("sh")
            .arg("-c")
            .arg("exec \"$0\" --headless --disable-gpu --no-sandbox --no-first-run --no-default-browser-check --remote-debugging-pipe --user-data-dir=\"$1\" about:blank 3<&0 4>&1 </dev/null >/dev/null")
            .arg(program)
            .arg(&profile)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("start chromium");
        let input = child.stdin.take().unwrap();
        let mut output = child.stdout.take().unwrap();
        let (tx, replies) = channel();
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let mut chunk = [0u8; 65536];
            while let Ok(n) = output.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
                while let Some(end) = buf.iter().position(|&b| b == 0) {
                    let msg: Vec<u8> = buf.drain(..=end).collect();
                    if let Ok(v) = serde_json::from_slice::<Value>(&msg[..end])
                        && tx.send(v).is_err()
                    {
                        return;
                    }
                }
            }
        });
        let mut b = Browser {
            child,
            input,
            replies,
            next_id: 0,
            session: String::new(),
            profile,
        };
        let target = b.call("Target.createTarget", json!({ "url": "about:blank" }));
        let id = target["targetId"]
            .as_str()
            .expect("a target id")
            .to_string();
        let attached = b.call(
            "Target.attachToTarget",
            json!({ "targetId": id, "flatten": true }),
        );
        b.session = attached["sessionId"]
            .as_str()
            .expect("a session")
            .to_string();
        b.call("Page.enable", json!({}));
        b.call(
            "Emulation.setFocusEmulationEnabled",
            json!({ "enabled": true }),
        );
        b.call("Page.navigate", json!({ "url": url }));
        b.wait_for("document.body && document.body.dataset.ready === 'true'");
        b
    }

    /// Send a command (to the page once attached) and wait for its reply.
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut msg = json!({ "id": id, "method": method, "params": params });
        if !self.session.is_empty() {
            msg["sessionId"] = json!(self.session);
        }
        let mut bytes = serde_json::to_vec(&msg).unwrap();
        bytes.push(0);
        self.input.write_all(&bytes).unwrap();
        self.input.flush().unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let v = self.replies.recv_timeout(left).unwrap_or_else(|_| {
                panic!(
                    "chromium did not answer {method} within 30 s; its messages are in {}",
                    self.profile.join("stderr.log").display()
                )
            });
            if v["id"].as_u64() == Some(id) {
                assert!(v.get("error").is_none(), "{method}: {v}");
                return v["result"].clone();
            }
        }
    }

    /// Evaluate JavaScript in the page and return its value.
    fn eval(&mut self, expr: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({ "expression": expr, "returnByValue": true }),
        );
        assert!(
            r.get("exceptionDetails").is_none(),
            "{expr}: {}",
            r["exceptionDetails"]
        );
        r["result"]["value"].clone()
    }

    fn text(&mut self, selector: &str) -> String {
        let v = self.eval(&format!(
            "(function(){{var e=document.querySelector({});return e?e.textContent:null;}})()",
            json!(selector)
        ));
        v.as_str()
            .unwrap_or_else(|| panic!("no element {selector}"))
            .to_string()
    }

    fn texts(&mut self, selector: &str) -> Vec<String> {
        let v = self.eval(&format!(
            "Array.prototype.map.call(document.querySelectorAll({}),function(e){{return e.textContent;}})",
            json!(selector)
        ));
        serde_json::from_value(v).unwrap()
    }

    fn wait_for(&mut self, expr: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.eval(expr) != json!(true) {
            assert!(Instant::now() < deadline, "timed out waiting for {expr}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Press and release a key, as a keyboard does.
    fn press(&mut self, key: &str) {
        let code = match key {
            "ArrowLeft" => 37,
            "ArrowRight" => 39,
            "Home" => 36,
            "End" => 35,
            "Tab" => 9,
            "Enter" => 13,
            other => panic!("no key code for {other}"),
        };
        for kind in ["rawKeyDown", "keyUp"] {
            let mut p = json!({
                "type": kind,
                "key": key,
                "code": key,
                "windowsVirtualKeyCode": code,
                "nativeVirtualKeyCode": code,
            });
            if key == "Enter" && kind == "rawKeyDown" {
                // Enter also types a character, which activates a button.
                self.call(
                    "Input.dispatchKeyEvent",
                    json!({ "type": "rawKeyDown", "key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13 }),
                );
                p = json!({ "type": "char", "key": "Enter", "code": "Enter", "text": "\r", "windowsVirtualKeyCode": 13 });
            }
            self.call("Input.dispatchKeyEvent", p);
        }
    }
}

impl Drop for Browser {
    /// Close the browser as a user would (its helper processes exit with
    /// it); kill it only if it does not go within a few seconds.
    fn drop(&mut self) {
        let close = b"{\"id\":999999,\"method\":\"Browser.close\"}\0";
        let _ = self.input.write_all(close);
        let _ = self.input.flush();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn url(path: &Path, query: &str) -> String {
    format!("file://{}{query}", path.display())
}

/// `= 1·0.2593 + 1·0.54525 = 0.8045` → the products' factors and the result.
fn ledger_numbers(numbers: &str) -> (Vec<(f64, f64)>, f64) {
    let parts: Vec<&str> = numbers.split('=').map(str::trim).collect();
    assert_eq!(parts.len(), 3, "= terms = result: {numbers}");
    let terms = parts[1]
        .split(" + ")
        .map(|t| {
            let (a, b) = t.split_once('·').expect("adjoint·partial");
            (a.trim().parse().unwrap(), b.trim().parse().unwrap())
        })
        .collect();
    (terms, parts[2].parse().unwrap())
}

fn close(got: f64, want: f64, what: &str) {
    // Four significant digits, as printed.
    assert!(
        (got - want).abs() <= 5e-4 * want.abs().max(1e-12) + 1e-12,
        "{what}: page says {got}, closed form {want}"
    );
}

/// The lecture's graph example, stepped with → to the reverse step of row
/// c, where c fans out to d and e: the ledger and its numbers from the DOM
/// against the closed form.
#[test]
fn arrow_keys_step_to_the_fan_out_ledger() {
    let Some(chrome) = chromium() else { return };
    let path = page(GRAPH, &[], "html-graph");
    let mut b = Browser::open(chrome, &url(&path, ""));

    // The closed form at x = 1: c = x² + exp(x²), d = √c, e = cos c, f = d + e.
    let x: f64 = 1.0;
    let c = x * x + (x * x).exp();
    let dd_dc = 1.0 / (2.0 * c.sqrt());
    let de_dc = -c.sin();
    let (dbar, ebar) = (1.0, 1.0); // f = d + e
    let cbar = dbar * dd_dc + ebar * de_dc;
    let grad = (2.0 * x + 2.0 * x * (x * x).exp()) * cbar;

    assert_eq!(b.text("#position"), "step 1 of 14");
    assert_eq!(b.text("#a3"), "", "no adjoint before the reverse sweep");
    assert_eq!(
        b.eval("document.getElementById('summary').hidden"),
        json!(true)
    );

    // 7 forward steps (x, a … f), then f̄, ē, d̄: the 11th step is c̄.
    for _ in 0..10 {
        b.press("ArrowRight");
    }
    assert_eq!(b.text("#position"), "step 11 of 14");
    assert_eq!(
        b.text("#place"),
        "reverse sweep (seed f\u{304} = 1), row x3 (c)"
    );
    assert_eq!(b.text("#what"), "adjoint");
    assert_eq!(b.text("#update"), LEDGER);
    assert_eq!(b.text("#fanout"), "fan-out: c is used by d, e:");
    let (terms, result) = ledger_numbers(&b.text("#numbers"));
    assert_eq!(terms.len(), 2, "one term per consumer");
    close(terms[0].0, dbar, "d̄");
    close(terms[0].1, dd_dc, "∂d/∂c");
    close(terms[1].0, ebar, "ē");
    close(terms[1].1, de_dc, "∂e/∂c");
    close(result, cbar, "c̄");
    let lines = b.texts("#terms li");
    assert_eq!(lines.len(), 2);
    assert!(lines[0].starts_with("∂d/∂c = 1/(2·sqrt(c))"), "{lines:?}");
    assert!(lines[1].starts_with("∂e/∂c = −sin(c)"), "{lines:?}");
    let partial = |l: &str| -> f64 { l.rsplit(" = ").next().unwrap().parse().unwrap() };
    close(partial(&lines[0]), dd_dc, "∂d/∂c line");
    close(partial(&lines[1]), de_dc, "∂e/∂c line");

    // The table and the graph at that step: c̄ filled, b̄ (not reached) not.
    assert_eq!(b.text("#a3"), sig(cbar, 4));
    assert_eq!(b.text("#a2"), "");
    assert_eq!(b.text("#gd3"), format!("c\u{304} = {}", sig(cbar, 4)));
    assert_eq!(b.text("#gd2"), "b\u{304} = ?");
    assert_eq!(
        b.eval("document.getElementById('r3').getAttribute('aria-current')"),
        json!("step")
    );
    assert_eq!(
        b.eval("document.querySelectorAll('#graph .edge.active').length"),
        json!(2),
        "the two edges c̄ reads: from d and from e"
    );
    assert_eq!(
        b.eval("document.getElementById('graph').getAttribute('class')"),
        json!("phase-reverse")
    );

    // ← steps back to d̄ and the ledger changes with it; → returns.
    b.press("ArrowLeft");
    assert_eq!(b.text("#position"), "step 10 of 14");
    assert_eq!(b.text("#update"), "d\u{304} = f\u{304}·∂f/∂d");
    assert_eq!(b.text("#a3"), "");
    b.press("ArrowRight");
    assert_eq!(b.text("#update"), LEDGER);

    // End: the whole gradient, and the result shown at last.
    b.press("End");
    assert_eq!(b.text("#position"), "step 14 of 14");
    assert_eq!(b.text("#a0"), sig(grad, 4));
    assert_eq!(
        b.eval("document.getElementById('summary').hidden"),
        json!(false)
    );
    assert!(
        b.text("#summary pre")
            .contains(&format!("gradient: ∂f/∂x = {}", sig(grad, 4))),
        "{}",
        b.text("#summary pre")
    );
    // → at the end stays there; Home goes back to the first step.
    b.press("ArrowRight");
    assert_eq!(b.text("#position"), "step 14 of 14");
    b.press("Home");
    assert_eq!(b.text("#position"), "step 1 of 14");
    assert_eq!(b.text("#a0"), "");
}

/// Keyboard only: Tab reaches the labelled buttons, Enter presses them;
/// the explanation is a live region.
#[test]
fn buttons_work_from_the_keyboard() {
    let Some(chrome) = chromium() else { return };
    let path = page(GRAPH, &[], "html-keys");
    let mut b = Browser::open(chrome, &url(&path, ""));
    let labels = b.eval(
        "Array.prototype.map.call(document.querySelectorAll('nav button'),function(e){return e.getAttribute('aria-label');})",
    );
    assert_eq!(
        labels,
        json!(["First step", "Previous step", "Next step", "Last step"])
    );
    assert_eq!(
        b.eval("document.getElementById('explanation').getAttribute('aria-live')"),
        json!("polite")
    );
    // Tab, Tab, Tab: First, Back, Forward.
    for _ in 0..3 {
        b.press("Tab");
    }
    assert_eq!(b.eval("document.activeElement.id"), json!("next"));
    b.press("Enter");
    b.press("Enter");
    assert_eq!(b.text("#position"), "step 3 of 14");
    assert_eq!(b.text("#update"), "d2 = exp(a)·d1");
    assert_eq!(b.eval("document.activeElement.id"), json!("next"));
}

/// `?step=K` opens the page at a step (as `--step K` does); the forward
/// steps show the value rule, and nothing reached later is shown.
#[test]
fn opens_at_a_step_from_the_url_and_from_the_command_line() {
    let Some(chrome) = chromium() else { return };
    let path = page(GRAPH, &[], "html-url");
    let mut b = Browser::open(chrome, &url(&path, "?step=4"));
    assert_eq!(b.text("#position"), "step 4 of 14");
    assert_eq!(b.text("#value"), "c = a + b = 1 + 2.718 = 3.718");
    assert_eq!(b.text("#update"), "d3 = d1 + d2");
    assert_eq!(b.text("#v3"), "3.718");
    assert_eq!(b.text("#v4"), "", "d is not computed yet");
    assert_eq!(b.text("#gv4"), "d = ?");
    drop(b);

    let path = page(GRAPH, &["--step", "end"], "html-end");
    let mut b = Browser::open(chrome, &url(&path, ""));
    assert_eq!(b.text("#position"), "step 14 of 14");
}

/// A program whose warnings hold `<` (to check the escaping).
const KINKS: &str = "x^0.5 + relu(x) at x = 0";

/// Names a user can write (Greek, CJK) and texts with markup characters
/// reach the DOM as written.
#[test]
fn user_texts_reach_the_page_as_written() {
    let Some(chrome) = chromium() else { return };
    let path = page(
        "損失 = θ^2 + sin(θ) at θ = 2",
        &["--step", "end"],
        "html-names",
    );
    let mut b = Browser::open(chrome, &url(&path, ""));
    let names = b.texts("tbody td:nth-child(2)");
    assert_eq!(names, ["θ", "", "", "損失"]);
    let want = 2.0 * 2.0 + 2.0f64.cos();
    assert_eq!(b.text("#a0"), sig(want, 4));
    drop(b);

    let path = page(KINKS, &["--step", "end"], "html-kinks");
    let mut b = Browser::open(chrome, &url(&path, ""));
    assert!(
        b.text("#summary pre")
            .contains("0 < c < 1 is not differentiable")
    );
    // At the last step (x's adjoint) its own warning is in the explanation.
    let notes = b.texts("#notes li");
    assert!(
        notes.iter().any(|n| n.contains("the adjoint is +infinity")),
        "{notes:?}"
    );
}

/// Without a browser: one self-contained file (no network, nothing
/// fetched), every text escaped, the steps embedded as JSON that a parser
/// reads, one per step of both sweeps.
#[test]
fn the_page_is_self_contained_and_escaped() {
    let html = eval(&[GRAPH, "--format", "html"]);
    assert!(html.starts_with("<!DOCTYPE html>"));
    for fetch in [
        " src=",
        "<link",
        "@import",
        "url(http",
        "fetch(",
        "XMLHttpRequest",
    ] {
        assert!(!html.contains(fetch), "the page must not fetch: {fetch}");
    }
    // The only address is the SVG namespace (a name, never fetched).
    let addresses = html.matches("http").count();
    assert_eq!(
        addresses,
        html.matches("http://www.w3.org/2000/svg").count()
    );
    let start = html.find("id=\"adtrace-data\">").unwrap() + "id=\"adtrace-data\">".len();
    let end = start + html[start..].find("</script>").unwrap();
    let block = &html[start..end];
    assert!(!block.contains('<'), "no markup inside the data");
    let data: Value = serde_json::from_str(block).unwrap();
    let steps = data["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 14, "7 rows, forward then reverse");
    let rows: Vec<u64> = steps.iter().map(|s| s["row"].as_u64().unwrap()).collect();
    assert_eq!(rows, [0, 1, 2, 3, 4, 5, 6, 6, 5, 4, 3, 2, 1, 0]);
    assert_eq!(steps[10]["update"], LEDGER);
    // The same output twice: deterministic.
    assert_eq!(html, eval(&[GRAPH, "--format", "html"]));

    // A warning with `<` (x^0.5 at 0) is escaped in the markup and
    // `\u003c` in the data.
    let relu = eval(&[KINKS, "--format", "html", "--step", "end"]);
    assert!(relu.contains("0 &lt; c &lt; 1"));
    assert!(relu.contains("0 \\u003c c \\u003c 1"));
    let body = &relu[relu.find("<body>").unwrap()..relu.find("<script").unwrap()];
    for tag in body.split('<').skip(1) {
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        assert!(
            [
                "body", "header", "h1", "h2", "span", "p", "em", "nav", "button", "main",
                "section", "div", "svg", "desc", "defs", "marker", "path", "g", "title",
                "polyline", "rect", "text", "ul", "li", "strong", "dl", "dt", "dd", "table",
                "caption", "thead", "tbody", "tr", "th", "td", "pre", "footer", "code"
            ]
            .contains(&name.as_str()),
            "unexpected markup <{tag}"
        );
    }
}

/// A large trace gets the table and the steps without the graph, in time
/// and size linear in the rows.
#[test]
fn a_large_trace_has_no_graph_but_every_step() {
    let program: String = (1..=400)
        .map(|i| format!("y{i} = sin(y{})", i - 1))
        .collect::<Vec<_>>()
        .join("; ");
    let program = format!("{program} at y0 = 1");
    let html = eval(&[&program, "--format", "html"]);
    assert!(html.contains("The graph is drawn for traces of up to 300 rows"));
    assert!(!html.contains("<svg"));
    let start = html.find("id=\"adtrace-data\">").unwrap() + "id=\"adtrace-data\">".len();
    let end = start + html[start..].find("</script>").unwrap();
    let data: Value = serde_json::from_str(&html[start..end]).unwrap();
    assert_eq!(data["steps"].as_array().unwrap().len(), 2 * 401);
    assert!(html.len() < 2_000_000, "{} bytes", html.len());
}

/// A trace long enough that its steps' data is made on two threads: every
/// step once, in order, each saying where it is.
#[test]
fn a_long_trace_has_every_step_in_order() {
    let n = 4500;
    let program: String = (1..=n)
        .map(|i| format!("y{i} = sin(y{})", i - 1))
        .collect::<Vec<_>>()
        .join("; ");
    let html = eval(&[&format!("{program} at y0 = 1"), "--format", "html"]);
    let start = html.find("id=\"adtrace-data\">").unwrap() + "id=\"adtrace-data\">".len();
    let end = start + html[start..].find("</script>").unwrap();
    let data: Value = serde_json::from_str(&html[start..end]).unwrap();
    let steps = data["steps"].as_array().unwrap();
    let rows = n + 1;
    assert_eq!(steps.len(), 2 * rows);
    for (k, st) in steps.iter().enumerate() {
        // Forward from the input down, then reverse from the output up.
        let (row, phase) = if k < rows {
            (k, "forward")
        } else {
            (2 * rows - 1 - k, "reverse")
        };
        assert_eq!(st["row"], row, "step {k}");
        assert_eq!(st["phase"], phase, "step {k}");
        assert_eq!(st["position"], format!("step {} of {}", k + 1, 2 * rows));
    }
    // The last reverse step is the input's adjoint: the product of the
    // chain's cosines, d y_n / d y0.
    let mut y = 1.0f64;
    let mut dy = 1.0f64;
    for _ in 0..n {
        dy *= y.cos();
        y = y.sin();
    }
    let numbers = steps[2 * rows - 1]["numbers"].as_str().unwrap();
    let last: f64 = numbers.rsplit(' ').next().unwrap().parse().unwrap();
    close(last, dy, "x̄0");
}

/// A function with several outputs: the page holds every sweep of the
/// Jacobian (one forward, one reverse per output), each with its own
/// numbers — x's adjoint cell after each reverse sweep is that output's
/// ∂f[i]/∂x from the closed form, and blank again when the next sweep starts.
#[test]
fn every_sweep_of_a_jacobian_is_on_the_page() {
    let html = eval(&[
        "f(x, y) = (x*y, sin(x) + y, x^2*y) at x = 2, y = 3",
        "--format",
        "html",
    ]);
    let start = html.find("id=\"adtrace-data\">").unwrap() + "id=\"adtrace-data\">".len();
    let end = start + html[start..].find("</script>").unwrap();
    let data: Value = serde_json::from_str(&html[start..end]).unwrap();
    let steps = data["steps"].as_array().unwrap();
    // 10 rows (x, y, 5 operations, 3 outputs); 1 forward + 3 reverse sweeps.
    assert_eq!(steps.len(), 40);
    assert_eq!(
        steps[39]["place"],
        "reverse sweep 3 of 3 (cotangent f[3] = 1), row x0 (x)"
    );
    let (x, y) = (2.0f64, 3.0f64);
    let column = [y, x.cos(), 2.0 * x * y]; // ∂f[i]/∂x
    let events: Vec<(u64, String)> = data["cells"]["a0"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e[0].as_u64().unwrap(), e[1].as_str().unwrap().to_string()))
        .collect();
    let shown: Vec<&str> = events
        .iter()
        .filter(|(_, t)| !t.is_empty())
        .map(|(_, t)| t.as_str())
        .collect();
    let want: Vec<String> = column.iter().map(|v| sig(*v, 4)).collect();
    assert_eq!(shown, want);
    // Filled at the last step of each reverse sweep (x is the last row
    // reached), blank from the first step of the next.
    let at: Vec<u64> = events.iter().map(|(k, _)| *k).collect();
    assert_eq!(at, [0, 19, 20, 29, 30, 39]);
}
