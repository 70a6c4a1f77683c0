//! `adtrace play FILE`: a replay script presented in the TUI.
//!
//! The script is first run headless into an `app::timeline::Timeline`: a
//! list of frames where each `:pause` is a stop. Space (→, PgDn, a
//! clicker) plays on to the next stop, showing each step in between; ←
//! (PgUp) goes back to the previous stop; n/p move one frame (`keymap`'s
//! PRESENTER table); `--auto SECONDS` leaves each stop by itself. A
//! script with an error is not presented: the error is printed
//! (`Status::Error`) as `adtrace run` would.
//!
//! Owns the presentation loop only; every frame is drawn by `tui::draw`
//! from a `Model`, and every number comes from the session's traces.

use crate::tui::terminal::{eprint_visible, eprintln_visible};
use std::time::{Duration, Instant};

use crossterm::event::{self, Event, KeyEventKind};

use crate::app::Status;
use crate::app::settings::Settings;
use crate::app::timeline::{Hold, Timeline};
use crate::tui::keymap::{self, Action, PRESENTER};
use crate::tui::{Control, Model, TerminalGuard};

/// What `adtrace play` was asked to do.
#[derive(Clone, Debug)]
pub struct PlayOptions {
    /// The replay file (.adt), or the name of a built-in example.
    pub file: String,
    /// Leave each pause by itself after this long.
    pub auto: Option<Duration>,
    /// `NO_COLOR`: attributes only, no colours.
    pub no_color: bool,
}

/// What space says at the last pause.
const END: &str = "the end of the presentation: ← back a pause, Home to the start, q to leave";

/// How long a step between two stops is shown while playing.
const STEP_TIME: Duration = Duration::from_millis(400);

/// `adtrace play`.
pub fn play(args: &PlayOptions) -> Status {
    if let Some(why) = crate::tui::terminal::no_full_screen() {
        // Headless, as `adtrace run FILE --frames` prints it.
        eprintln_visible!(
            "adtrace play: no full-screen view ({why}); printing each pause's frame instead, as 'adtrace run {} --frames' would",
            args.file
        );
        return super::run::run(&super::run::RunOptions {
            file: args.file.clone(),
            format: crate::core::format::Format::Text,
            frames: true,
            size: (100, 30),
            keep_going: false,
        });
    }
    let (script, file) = match super::load_script(&args.file, false) {
        Ok(x) => x,
        Err(status) => return status,
    };
    let dir = std::path::Path::new(&args.file)
        .parent()
        .map(|d| d.to_path_buf());
    // The theme for the terminal's background (a `:set theme` in the
    // script still changes it).
    let settings = Settings {
        no_color: args.no_color,
        theme: crate::tui::detect_theme(),
        ..Settings::default()
    };
    let timeline = match Timeline::build(&script, dir, settings) {
        Ok(t) => t,
        Err(errors) => {
            errors.iter().take(1).for_each(|e| eprint_visible!("{e}"));
            return Status::Error;
        }
    };
    if timeline.frames.is_empty() {
        eprintln_visible!(
            "adtrace play: '{file}' traces nothing to show (no program with its point)"
        );
        return Status::Error;
    }
    if let Err(e) = present(&timeline, args.auto) {
        eprintln_visible!("adtrace play: terminal error: {e}");
        return Status::Error;
    }
    for f in &timeline.failed {
        eprint_visible!("{f}");
    }
    if timeline.failed.is_empty() {
        Status::Ok
    } else {
        Status::ExpectationFailed
    }
}

/// The presenter's position and whether the frames are playing on.
struct Player<'t> {
    t: &'t Timeline,
    /// The one live view and the index of the `View` it shows. Views share
    /// the session's trace; switching to another view takes over what this
    /// one derived from the same trace (its layout), so 40 `:set` lines
    /// cost one model, not 40 copies of the evaluation and the layout.
    live: Option<(usize, Model)>,
    pos: usize,
    /// Playing on towards this stop.
    target: Option<usize>,
    size: (u16, u16),
}

impl<'t> Player<'t> {
    fn model(&mut self) -> Option<&mut Model> {
        let f = self.t.frames.get(self.pos)?;
        let view = self.t.views.get(f.view)?;
        if self.live.as_ref().is_none_or(|(v, _)| *v != f.view) {
            let old = self.live.take().map(|(_, m)| m);
            self.live = Some((f.view, Model::from_view_after(view, old)));
        }
        let (_, m) = self.live.as_mut()?;
        m.set_step(f.step);
        m.caption = f.caption.clone();
        m.presenting = true;
        let stops = self
            .t
            .frames
            .iter()
            .filter(|f| f.hold == Hold::Pause)
            .count();
        let here = self.t.stops_before(self.pos);
        let base = f.title.clone().unwrap_or_else(|| "adtrace play".into());
        // The position first: a long title is cut at its end, not here.
        let end = if self.pos + 1 == self.t.frames.len() {
            ", the end"
        } else {
            ""
        };
        m.title = Some(format!("[{here}/{stops}{end}] {base}"));
        m.resize(self.size.0, self.size.1);
        Some(m)
    }

    /// How long the current frame holds while playing on.
    fn hold(&self) -> Option<Duration> {
        let target = self.target?;
        if self.pos >= target {
            return None;
        }
        match self.t.frames[self.pos].hold {
            Hold::Pass => Some(STEP_TIME),
            Hold::Wait(d) => Some(d),
            Hold::Pause => Some(Duration::ZERO),
        }
    }

    fn go(&mut self, pos: usize) {
        self.pos = pos.min(self.t.frames.len().saturating_sub(1));
    }

    fn play_on(&mut self) {
        if self.pos + 1 < self.t.frames.len() {
            self.target = Some(self.t.next_stop(self.pos + 1));
            self.go(self.pos + 1);
        }
    }
}

fn present(t: &Timeline, auto: Option<Duration>) -> std::io::Result<()> {
    let mut guard = TerminalGuard::enter()?;
    let size = guard.terminal.size()?;
    let mut p = Player {
        t,
        live: None,
        pos: 0,
        target: None,
        size: (size.width, size.height),
    };
    let mut since = Instant::now();
    loop {
        if crate::tui::terminal::take_redraw() {
            // Back from a suspend: the screen is blank, draw all of it.
            guard.wipe()?;
        }
        if let Some(m) = p.model() {
            guard.terminal.draw(|f| crate::tui::draw(f, m))?;
        }
        if p.target.is_some_and(|s| p.pos >= s) {
            p.target = None;
            since = Instant::now();
        }
        // Wait for a key, or until the frame's time is up; a background
        // re-trace (CSE toggled on a large trace) wakes the loop every
        // tenth of a second to show how far it is.
        let busy = p.model().is_some_and(|m| m.busy());
        let timeout = match (p.hold(), auto) {
            _ if busy => Some(std::time::Duration::from_millis(100)),
            (Some(d), _) => Some(d),
            (None, Some(a)) if p.pos + 1 < t.frames.len() => {
                Some(a.saturating_sub(since.elapsed()))
            }
            _ => None,
        };
        let ev = match timeout {
            Some(d) => {
                if event::poll(d)? {
                    Some(event::read()?)
                } else {
                    None
                }
            }
            None => Some(event::read()?),
        };
        let Some(ev) = ev else {
            if busy {
                if let Some(m) = p.model() {
                    m.poll_background();
                }
                continue;
            }
            // Time is up: the next frame (auto leaves a stop too).
            if p.target.is_none() {
                p.play_on();
            } else {
                p.go(p.pos + 1);
            }
            continue;
        };
        match ev {
            Event::Key(k) if crate::tui::is_suspend(&k) => crate::tui::terminal::suspend(),
            Event::Key(k) if k.kind != KeyEventKind::Release => {
                let act = keymap::action(PRESENTER, k, true);
                if act.is_some_and(|a| a != Action::Help)
                    && let Some(m) = p.model()
                {
                    m.status = None;
                }
                match act {
                    Some(Action::Quit) => break,
                    Some(Action::NextPause) => match p.target.take() {
                        // Playing: jump to the stop.
                        Some(s) => p.go(s),
                        None if p.pos + 1 >= p.t.frames.len() => {
                            // Say so, rather than do nothing at the end.
                            if let Some(m) = p.model() {
                                m.status = Some(END.to_string());
                            }
                        }
                        None => p.play_on(),
                    },
                    Some(Action::PrevPause) => {
                        p.target = None;
                        p.go(p.t.prev_stop(p.pos));
                    }
                    Some(Action::Next) => {
                        p.target = None;
                        if p.pos + 1 >= p.t.frames.len() {
                            // As space does: the end is said, not silent.
                            if let Some(m) = p.model() {
                                m.status = Some(END.to_string());
                            }
                        } else {
                            p.go(p.pos + 1);
                        }
                    }
                    Some(Action::Prev) => {
                        p.target = None;
                        p.go(p.pos.saturating_sub(1));
                    }
                    Some(Action::First) => {
                        p.target = None;
                        p.go(0);
                    }
                    Some(Action::Last) => {
                        p.target = None;
                        p.go(usize::MAX);
                    }
                    _ => {
                        // Other keys (help, focus, scrolling) go to the view.
                        if let Some(m) = p.model()
                            && m.handle_key(k) == Control::Quit
                        {
                            break;
                        }
                    }
                }
                since = Instant::now();
            }
            Event::Mouse(m) => {
                if let Some(model) = p.model() {
                    model.handle_mouse(m);
                }
            }
            Event::Resize(w, h) => {
                p.size = (w, h);
                guard.terminal.autoresize()?;
            }
            _ => {}
        }
    }
    drop(guard);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::rc::Rc;

    /// `:set` lines give views of one shared trace, and the player keeps
    /// one live model for all of them (no copy per view).
    #[test]
    fn views_share_one_trace_and_the_player_one_model() {
        let mut src = String::from("a = x^2; b = exp(a); c = a + b at x = 1\n:pause \"start\"\n");
        for k in 1..=6 {
            src.push_str(&format!(":set precision {k}\n:pause \"p{k}\"\n"));
        }
        let script = crate::app::script::parse(&src, "t.adt").unwrap();
        let t = Timeline::build(&script, None, Settings::default()).unwrap();
        assert_eq!(t.views.len(), 7);
        let first = &t.views[0].traced;
        assert!(t.views.iter().all(|v| Rc::ptr_eq(&v.traced, first)));
        assert!(
            t.views
                .iter()
                .all(|v| Rc::ptr_eq(&v.eval, &t.views[0].eval))
        );
        let mut p = Player {
            t: &t,
            live: None,
            pos: 0,
            target: None,
            size: (100, 30),
        };
        let mut seen = std::collections::BTreeSet::new();
        for pos in 0..t.frames.len() {
            p.go(pos);
            let m = p.model().unwrap();
            assert!(Rc::ptr_eq(&m.traced, first));
            seen.insert(t.frames[pos].view);
        }
        assert_eq!(seen.len(), 7, "every view was shown");
        // The views and one model hold the trace; nothing else copied it.
        assert_eq!(Rc::strong_count(first), t.views.len() + 1);
    }
}
