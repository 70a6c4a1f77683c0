//! A tmux server for end-to-end tests of the real binary in a real
//! terminal: start a shell at a fixed size, type, read the screen, and check
//! the shell is usable after the program leaves. Shared by the TUI and REPL
//! tests (`mod common;`).

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A tmux server on a private socket with one session; killed on drop,
/// so a failing assertion cannot leave it behind.
pub struct Tmux {
    pub socket: String,
    pub target: String,
}

impl Tmux {
    pub fn start(tag: &str) -> Option<Tmux> {
        if Command::new("tmux").arg("-V").output().is_err() {
            eprintln!("note: tmux is not installed; skipping the tmux end-to-end test");
            return None;
        }
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let socket = format!("adtrace-{tag}-{}-{nanos}", std::process::id());
        let t = Tmux {
            target: format!("{socket}:0"),
            socket,
        };
        let ok = t.run(&[
            "new-session",
            "-d",
            "-s",
            &t.socket,
            "-x",
            "100",
            "-y",
            "30",
            "env",
            "PS1=$ ",
            "sh",
        ]);
        assert!(ok.status.success(), "tmux new-session failed: {ok:?}");
        t.ready();
        Some(t)
    }

    /// Wait until the shell reads its input: it has printed its prompt, run
    /// a command and printed its answer (a marker the typed line does not
    /// contain), and cleared the screen. Under CPU load the shell can start
    /// long after tmux returns; lines typed before it reads are echoed
    /// where a test does not expect them.
    fn ready(&self) {
        self.wait("the shell's first prompt", 30, |s| last_line(s) == "$");
        self.line("printf '%s-%s\\n' adtrace ready; clear");
        self.wait("the shell to run a command", 30, |s| {
            last_line(s) == "$" && !s.contains("adtrace")
        });
    }

    pub fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("tmux runs")
    }

    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", &self.target];
        args.extend_from_slice(keys);
        let out = self.run(&args);
        assert!(out.status.success(), "send-keys {keys:?}: {out:?}");
    }

    /// Type text literally (newlines included), as a paste.
    pub fn paste(&self, text: &str) {
        let out = self.run(&["send-keys", "-t", &self.target, "-l", text]);
        assert!(out.status.success(), "send-keys {text:?}: {out:?}");
    }

    /// Type a command line literally, then Enter.
    pub fn line(&self, text: &str) {
        self.paste(text);
        self.keys(&["Enter"]);
    }

    pub fn screen(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", &self.target]).stdout)
            .into_owned()
    }

    pub fn alternate_on(&self) -> bool {
        let out = self.run(&[
            "display-message",
            "-p",
            "-t",
            &self.target,
            "#{alternate_on}",
        ]);
        String::from_utf8_lossy(&out.stdout).trim() == "1"
    }

    /// Poll the screen until `ok` holds; panic with the last screen after
    /// `secs` seconds (times three: a loaded machine is slow, and waiting
    /// longer only delays a failure).
    pub fn wait(&self, what: &str, secs: u64, ok: impl Fn(&str) -> bool) -> String {
        let end = Instant::now() + Duration::from_secs(secs * 3);
        loop {
            let s = self.screen();
            if ok(&s) {
                return s;
            }
            if Instant::now() > end {
                panic!("timed out waiting for {what}; the screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

/// After leaving: the main screen is back and the terminal is in cooked
/// mode (icanon), and the shell runs commands.
pub fn check_shell_is_usable(t: &Tmux, marker: &str) {
    t.wait("the main screen", 10, |_| !t.alternate_on());
    // Type only once the shell prompts again: typed ahead while the
    // program is still leaving, the line would be echoed before the
    // prompt and its answer printed after it, on the prompt's line.
    t.wait("the shell prompt after leaving", 10, |s| {
        last_line(s).ends_with('$')
    });
    t.line(&format!(
        "echo {marker}-$(stty -a | tr ' ;' '\\n\\n' | grep -x -e icanon -e -icanon)"
    ));
    let want = format!("{marker}-icanon");
    t.wait("the shell's answer", 10, |s| {
        s.lines().any(|l| l.trim() == want)
    });
}

/// The screen's last non-blank line, without trailing spaces.
pub fn last_line(screen: &str) -> &str {
    screen
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .map_or("", str::trim_end)
}
