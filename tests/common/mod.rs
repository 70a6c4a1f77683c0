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
    let out = adtrace()
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
