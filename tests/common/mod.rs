//! The integration tests' one harness (`mod common;` in each test file):
//! the binary as a user runs it (`adtrace`, `run`), fresh scratch
//! directories, the TUI model of a program (`model`), and a tmux server for
//! end-to-end terminal tests (`tmux`).

#![allow(dead_code)]

pub mod tmux;

use adtrace::core::pipeline::{self, SeedSpec};
use adtrace::tui::{Model, TuiOptions};
use assert_cmd::Command;

#[allow(unused_imports)]
pub use tmux::{Tmux, check_shell_is_usable};

/// The binary, with its history kept away from the user's and colours as
/// a terminal without NO_COLOR would have them.
pub fn adtrace() -> Command {
    let mut c = Command::cargo_bin("adtrace").unwrap();
    c.env("XDG_DATA_HOME", scratch("data"));
    c.env("XDG_STATE_HOME", scratch("state"));
    c.env_remove("NO_COLOR");
    c
}

/// A fresh directory for one test's files.
pub fn scratch(tag: &str) -> std::path::PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let d = std::env::temp_dir().join(format!("adtrace-{tag}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// What a run of the binary printed, and its exit code.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Run the binary with `args` and `stdin`.
pub fn run(args: &[&str], stdin: &str) -> Run {
    run_in(std::path::Path::new("."), args, stdin)
}

/// The same in the folder `dir`.
pub fn run_in(dir: &std::path::Path, args: &[&str], stdin: &str) -> Run {
    let out = adtrace()
        .current_dir(dir)
        .args(args)
        .write_stdin(stdin.to_string())
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The stepping view's model of a program with its point, seed e₁.
pub fn model_with(src: &str, opts: TuiOptions) -> Model {
    let t = pipeline::trace(src, "", opts.no_cse).expect("traces");
    let p = t.point(None).expect("point");
    let s = t.seed(&SeedSpec::First).expect("seed");
    Model::new(t, p, s, opts)
}

pub fn model(src: &str) -> Model {
    model_with(src, TuiOptions::default())
}

/// A number as the tables print it, written independently of the library:
/// `p` significant digits, trailing zeros kept, every integer digit below
/// 10⁶, scientific notation (`2.700e-10`) outside [10⁻³, 10⁶).
pub fn sig(x: f64, p: usize) -> String {
    let a = x.abs();
    if a == 0.0 {
        return format!("{:.*}", p - 1, 0.0);
    }
    if (1e-3..1e6).contains(&a) {
        let d = (p as i32 - 1 - a.log10().floor() as i32).max(0) as usize;
        return format!("{x:.d$}");
    }
    let s = format!("{:.*e}", p - 1, x);
    let (m, e) = s.split_once('e').unwrap();
    let e: i32 = e.parse().unwrap();
    format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
}

/// As `sig`, with trailing zeros trimmed (the rule texts' numbers).
pub fn sig_trim(x: f64, p: usize) -> String {
    let s = sig(x, p);
    if s.contains('e') || !s.contains('.') {
        return s;
    }
    let t = s.trim_end_matches('0').trim_end_matches('.');
    if t == "-0" { "0".into() } else { t.into() }
}

/// Whether a printed number agrees with `x` to its 4 significant digits.
pub fn shows(cell: &str, x: f64) -> bool {
    match cell.parse::<f64>() {
        Ok(a) if x == 0.0 => a == 0.0,
        Ok(a) => (a - x).abs() <= 0.51 * 10f64.powi(x.abs().log10().floor() as i32 - 3),
        Err(_) => false,
    }
}
