//! Data safety: `:save`, `:export` and `:record` never overwrite unless
//! told and write atomically; every write error (`/dev/full`) is an error
//! exit; reads are bounded and refuse FIFOs and devices; one statement's
//! memory is capped only where pest reads it.

mod common;
use common::{Run, adtrace, run, run_in, scratch};
use std::path::Path;
use std::process::Stdio;

fn repl_in(dir: &Path, input: &str) -> Run {
    run_in(dir, &[], input)
}

/// The binary as a plain process, for stdin and stdout on files.
fn raw() -> std::process::Command {
    let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("adtrace"));
    c.env("XDG_DATA_HOME", scratch("data"));
    c.env_remove("NO_COLOR");
    c
}

fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// The gradient entry `d/dname` a replay of `file` prints.
fn replayed_gradient(file: &Path) -> String {
    let out = adtrace().arg("run").arg(file).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s = String::from_utf8_lossy(&out.stdout).into_owned();
    s.lines()
        .rfind(|l| l.starts_with("gradient:"))
        .unwrap_or_default()
        .to_string()
}

#[test]
fn save_and_export_refuse_to_overwrite_and_say_how() {
    let d = scratch("safe-save");
    let r = repl_in(
        &d,
        "f(x) = x^3 at x = 2\n:save a.adt\nf(x) = x^2 at x = 5\n:save a.adt\n:export json \"my t.json\"\n:export json \"my t.json\"\n",
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("'a.adt' already exists"), "{}", r.stderr);
    assert!(
        r.stderr.contains("':save! a.adt' overwrites it"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("':export! json \"my t.json\"' overwrites it"),
        "{}",
        r.stderr
    );
    // The first save stands: d(x^3)/dx at 2 is 12.
    assert!(replayed_gradient(&d.join("a.adt")).contains("= 12.00"));
    let r = repl_in(
        &d,
        "f(x) = x^2 at x = 5\n:save! a.adt\n:export! json \"my t.json\"\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Overwritten when told: d(x^2)/dx at 5 is 10.
    assert!(replayed_gradient(&d.join("a.adt")).contains("= 10.00"));
    let j: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("my t.json")).unwrap()).unwrap();
    assert_eq!(j["output"]["gradient"]["x"].as_f64(), Some(10.0));
    // No temporary file is left behind.
    assert_eq!(listing(&d), ["a.adt", "my t.json"]);
}

/// A write that fails half-way (here: a file-size limit, as a full disk
/// would) leaves the original intact and no partial file.
#[cfg(unix)]
#[test]
fn a_failed_write_leaves_the_original_intact() {
    let d = scratch("safe-fail");
    std::fs::write(d.join("t.json"), "original").unwrap();
    let bin = assert_cmd::cargo::cargo_bin("adtrace");
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f 1; printf 'a = sin(x)*y; b = a^2 + exp(a); c = b/(1 + y^2) at x = 1, y = 2\\n:export! json t.json\\n' | '{}'",
            bin.display()
        ))
        .current_dir(&d)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("cannot write 't.json'"), "{err}");
    assert!(err.contains("an existing file is as it was"), "{err}");
    assert_eq!(
        std::fs::read_to_string(d.join("t.json")).unwrap(),
        "original"
    );
    assert_eq!(listing(&d), ["t.json"]);
}

#[test]
fn record_never_truncates_and_puts_the_file_in_place() {
    let d = scratch("safe-record");
    std::fs::write(d.join("old.adt"), "sin(x) at x = 1\n").unwrap();
    let r = repl_in(
        &d,
        ":record old.adt\n:record new.adt\nf(x) = x^2 at x = 3\n:record other.adt\n:save new.adt\n",
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("'old.adt' already exists"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("':record! old.adt' overwrites it"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("already recording to 'new.adt'"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("'new.adt' is being recorded"),
        "{}",
        r.stderr
    );
    assert_eq!(
        std::fs::read_to_string(d.join("old.adt")).unwrap(),
        "sin(x) at x = 1\n"
    );
    // The session ended without ':record stop': the recording is kept.
    assert!(replayed_gradient(&d.join("new.adt")).contains("= 6.000"));
    assert_eq!(listing(&d), ["new.adt", "old.adt"]);
    // A script may not record over itself, even with '!'.
    let s = d.join("self.adt");
    std::fs::write(&s, "sin(x) at x = 1\n:record! self.adt\n").unwrap();
    let out = adtrace().arg("run").arg(&s).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("'self.adt' is the script being run"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&s).unwrap(),
        "sin(x) at x = 1\n:record! self.adt\n"
    );
    let r = repl_in(&d, ":load self.adt\n");
    assert!(r.stderr.contains("is the script being run"), "{}", r.stderr);
}

/// A session ended by a signal (the terminal closed: SIGHUP; a shutdown:
/// SIGTERM) ends like one left with Ctrl-D: the recording is in place with
/// every line typed, and no temporary file is left in the user's folder.
#[cfg(unix)]
#[test]
fn a_session_ended_by_a_signal_keeps_its_recording_and_no_temporary() {
    use std::io::Write;
    use std::time::{Duration, Instant};
    for sig in ["HUP", "TERM"] {
        let d = scratch(&format!("signal-record-{sig}"));
        let mut child = raw()
            .current_dir(&d)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        // The pipe stays open: the session waits for more when signalled.
        stdin
            .write_all(b":record talk.adt\nf(x) = x^2 at x = 3\n")
            .unwrap();
        stdin.flush().unwrap();
        let end = Instant::now() + Duration::from_secs(20);
        let temporary = || {
            listing(&d)
                .into_iter()
                .find(|n| n.ends_with(".adtrace-tmp"))
                .map(|n| std::fs::read_to_string(d.join(n)).unwrap_or_default())
        };
        while !temporary().is_some_and(|t| t.contains("x^2")) {
            assert!(Instant::now() < end, "the recording never got its line");
            std::thread::sleep(Duration::from_millis(20));
        }
        let killed = std::process::Command::new("kill")
            .args([&format!("-{sig}"), &child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let status = child.wait().unwrap();
        drop(stdin);
        // Ended by the signal itself, as its default action would.
        use std::os::unix::process::ExitStatusExt;
        assert!(status.signal().is_some(), "SIG{sig}: {status:?}");
        assert_eq!(listing(&d), ["talk.adt"], "SIG{sig}");
        // The file replays to the same derivative: d/dx x^2 at 3 is 6.
        assert!(replayed_gradient(&d.join("talk.adt")).contains("= 6.000"));
    }
}

/// Run with stdout on /dev/full: an error on stderr and exit 2.
#[cfg(target_os = "linux")]
fn to_dev_full(args: &[&str], stdin: &str) -> (Option<i32>, String) {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let input = scratch("dev-full-in").join("stdin");
    std::fs::write(&input, stdin).unwrap();
    let out = raw()
        .args(args)
        .stdout(Stdio::from(full))
        .stdin(std::fs::File::open(&input).unwrap())
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[cfg(target_os = "linux")]
#[test]
fn every_output_path_reports_a_full_disk() {
    let d = scratch("dev-full");
    let script = d.join("s.adt");
    std::fs::write(&script, "sin(x) at x = 1\n:pause \"here\"\n").unwrap();
    let s = script.to_str().unwrap();
    let p = "sin(x) at x=1";
    let mut cases: Vec<Vec<&str>> = vec![vec![], vec!["--help"], vec!["--version"]];
    for f in [
        "text", "json", "markdown", "latex", "dot", "advar", "python", "tape",
    ] {
        cases.push(vec!["eval", "--format", f, p]);
    }
    cases.push(vec!["fd", p]);
    for f in ["json", "csv"] {
        cases.push(vec!["fd", "--format", f, p]);
    }
    cases.push(vec!["run", s]);
    cases.push(vec!["run", "--frames", s]);
    cases.push(vec!["render", p]);
    cases.push(vec!["play", s]);
    for args in cases {
        let (code, err) = to_dev_full(&args, "sin(x) at x=1\n");
        assert_eq!(code, Some(2), "adtrace {args:?}: {err}");
        assert!(
            err.contains("No space left on device") || err.contains("not a terminal"),
            "adtrace {args:?}: {err}"
        );
    }
}

#[cfg(unix)]
#[test]
fn devices_and_fifos_are_refused_and_never_block() {
    let d = scratch("devices");
    let fifo = d.join("fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let fifo = fifo.to_str().unwrap().to_string();
    for (what, path) in [("a device", "/dev/zero"), ("a FIFO", fifo.as_str())] {
        let at = format!("@{path}");
        let load = format!(":load {path}\n");
        for (args, stdin) in [
            (vec!["eval", at.as_str()], ""),
            (vec!["fd", at.as_str()], ""),
            (vec!["run", path], ""),
            (vec!["play", path], ""),
            (vec![], load.as_str()),
        ] {
            let started = std::time::Instant::now();
            let r = run(&args, stdin);
            assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
            assert!(
                r.stderr.contains(&format!("it is {what}"))
                    && r.stderr.contains("not a regular file"),
                "{args:?}: {}",
                r.stderr
            );
            assert!(started.elapsed().as_secs() < 10, "{args:?} took too long");
        }
    }
}

/// Endless stdin stops at the limit with a message (`eval -` and the
/// piped REPL), and a file over the limit is refused before it is read.
#[cfg(unix)]
#[test]
fn reads_stop_at_the_size_limit() {
    for args in [&["eval", "-"][..], &[][..]] {
        let zero = std::fs::File::open("/dev/zero").unwrap();
        let out = raw().args(args).stdin(Stdio::from(zero)).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("than 256 MB, the most adtrace reads"), "{err}");
    }
    let d = scratch("sparse");
    let big = d.join("big.adt");
    std::fs::File::create(&big)
        .unwrap()
        .set_len((256 << 20) + 1)
        .unwrap();
    let r = run(&["eval", &format!("@{}", big.display())], "");
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("larger than 256 MB"), "{}", r.stderr);
}

/// A statement pest would read is capped (4 MB, with a located error);
/// a longer straight-line statement goes by the fast path and traces.
#[test]
fn only_statements_for_pest_are_capped() {
    let d = scratch("long-statement");
    let n = 900_000; // 5.4 MB of `x + `
    let sum = vec!["x"; n].join(" + ");
    let fast = d.join("fast.adt");
    std::fs::write(&fast, format!("y = {sum}\nat x = 2\n")).unwrap();
    let r = run(
        &["eval", "--output-only", &format!("@{}", fast.display())],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    // y = n·x: dy/dx = n.
    assert!(r.stdout.contains("∂y/∂x = 900000 "), "{}", r.stdout);
    assert!(r.stdout.contains("y = 1.800e+06"), "{}", r.stdout);
    let slow = d.join("def.adt");
    std::fs::write(
        &slow,
        format!("a = 1\nv = [{}]\n", vec!["x"; 2 * n].join(", ")),
    )
    .unwrap();
    let r = run(&["eval", &format!("@{}", slow.display())], "");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("longer than the 4 MB allowed"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("def.adt:2:1"), "{}", r.stderr);
}
