//! `adtrace play FILE`: a replay script presented in the TUI.
//!
//! The script is first run headless into a `Timeline`: a list of frames
//! (which traced view, which step, caption, title) where each `:pause` is
//! a stop. Space (or Enter) then plays on to the next stop, showing each
//! step in between; → and ← move one frame (← crosses pauses backwards);
//! `--auto SECONDS` leaves each stop by itself. A script with an error is
//! not presented: the error is printed (`Status::Error`) as `adtrace run`
//! would.
//!
//! Owns the presentation loop only; every frame is drawn by `tui::draw`
//! from a `Model`, and every number comes from the session's traces.

use std::time::{Duration, Instant};

use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};

use crate::app::Status;
use crate::app::script::Script;
use crate::app::session::{Origin, Output, Session, View};
use crate::app::settings::Settings;
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

/// How long a step between two stops is shown while playing.
const STEP_TIME: Duration = Duration::from_millis(400);

/// What happens after a frame when playing on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Hold {
    /// Show it for a moment and go on.
    Pass,
    /// Show it this long and go on (`:wait`).
    Wait(Duration),
    /// Stop until the presenter goes on (`:pause`, and the end).
    Pause,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Frame {
    /// Index into `Timeline::views`.
    pub view: usize,
    pub step: usize,
    pub caption: Option<String>,
    pub title: Option<String>,
    pub hold: Hold,
}

/// A script as frames to present.
#[derive(Debug, Default)]
pub struct Timeline {
    pub views: Vec<View>,
    pub frames: Vec<Frame>,
    /// Expectations that did not hold (reported after the presentation).
    pub failed: Vec<String>,
}

impl Timeline {
    /// Run `script` headless from `settings` and collect its frames.
    /// `Err`: the script's errors, rendered.
    pub fn build(
        script: &Script,
        dir: Option<std::path::PathBuf>,
        settings: Settings,
    ) -> Result<Timeline, Vec<String>> {
        let mut session = Session::new(settings);
        if let Some(d) = dir {
            session.push_dir(d);
        }
        let mut t = Timeline::default();
        let mut errors = Vec::new();
        let mut title: Option<String> = None;
        for item in &script.items {
            let origin = Origin {
                file: script.file.clone(),
                line: item.line,
            };
            for out in session.handle(&item.text, &origin) {
                match out {
                    Output::View(v) => {
                        t.views.push(*v);
                        let view = t.views.len() - 1;
                        let step = t.views[view].step;
                        t.push(view, step, title.clone());
                    }
                    Output::Step(k) => {
                        let Some(last) = t.frames.last() else {
                            continue;
                        };
                        let (view, from) = (last.view, last.step);
                        if k > from {
                            for s in from + 1..=k {
                                t.push(view, s, title.clone());
                            }
                        } else if k < from {
                            t.push(view, k, title.clone());
                        }
                    }
                    Output::Pause(caption) => match t.frames.last_mut() {
                        Some(f) if f.hold != Hold::Pause => {
                            f.hold = Hold::Pause;
                            f.caption = caption;
                        }
                        Some(f) => {
                            let mut g = f.clone();
                            g.caption = caption;
                            t.frames.push(g);
                        }
                        None => {}
                    },
                    Output::Wait(d) => {
                        if let Some(f) = t.frames.last_mut()
                            && f.hold == Hold::Pass
                        {
                            f.hold = Hold::Wait(d);
                        }
                    }
                    Output::Title(s) => {
                        title = (!s.is_empty()).then_some(s);
                        if let Some(f) = t.frames.last_mut()
                            && f.hold == Hold::Pass
                        {
                            f.title = title.clone();
                        }
                    }
                    Output::Error(e) => errors.push(e),
                    Output::ExpectFailed(e) => t.failed.push(e),
                    Output::Quit => break,
                    Output::Text(_) | Output::Note(_) | Output::ExpectHeld(_) => {}
                }
            }
            if !errors.is_empty() {
                return Err(errors);
            }
        }
        if let Some(f) = t.frames.last_mut() {
            f.hold = Hold::Pause;
        }
        Ok(t)
    }

    fn push(&mut self, view: usize, step: usize, title: Option<String>) {
        self.frames.push(Frame {
            view,
            step,
            caption: None,
            title,
            hold: Hold::Pass,
        });
    }

    /// The index of the first stop at or after `from`.
    pub fn next_stop(&self, from: usize) -> usize {
        (from..self.frames.len())
            .find(|&i| self.frames[i].hold == Hold::Pause)
            .unwrap_or(self.frames.len().saturating_sub(1))
    }

    fn stops_before(&self, pos: usize) -> usize {
        self.frames[..=pos.min(self.frames.len().saturating_sub(1))]
            .iter()
            .filter(|f| f.hold == Hold::Pause)
            .count()
    }
}

/// `adtrace play`.
pub fn play(args: &PlayOptions) -> Status {
    let (script, file) = match super::load_script(&args.file, false) {
        Ok(x) => x,
        Err(status) => return status,
    };
    let dir = std::path::Path::new(&args.file)
        .parent()
        .map(|d| d.to_path_buf());
    let settings = Settings {
        no_color: args.no_color,
        ..Settings::default()
    };
    let timeline = match Timeline::build(&script, dir, settings) {
        Ok(t) => t,
        Err(errors) => {
            errors.iter().take(1).for_each(|e| eprint!("{e}"));
            return Status::Error;
        }
    };
    if timeline.frames.is_empty() {
        eprintln!("adtrace play: '{file}' traces nothing to show (no program with its point)");
        return Status::Error;
    }
    if !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        eprintln!(
            "adtrace play: standard output is not a terminal.\n\
             For text output use 'adtrace run {} --frames'.",
            args.file
        );
        return Status::Error;
    }
    if let Err(e) = present(&timeline, args.auto) {
        eprintln!("adtrace play: terminal error: {e}");
        return Status::Error;
    }
    for f in &timeline.failed {
        eprint!("{f}");
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
    models: Vec<Option<Model>>,
    pos: usize,
    /// Playing on towards this stop.
    target: Option<usize>,
    size: (u16, u16),
}

impl<'t> Player<'t> {
    fn model(&mut self) -> Option<&mut Model> {
        let f = self.t.frames.get(self.pos)?;
        let slot = self.models.get_mut(f.view)?;
        let m = slot.get_or_insert_with(|| Model::from_view(&self.t.views[f.view]));
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
        m.title = Some(format!("[{here}/{stops}] {base}"));
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
        models: (0..t.views.len()).map(|_| None).collect(),
        pos: 0,
        target: None,
        size: (size.width, size.height),
    };
    let mut since = Instant::now();
    loop {
        if let Some(m) = p.model() {
            guard.terminal.draw(|f| crate::tui::draw(f, m))?;
        }
        if p.target.is_some_and(|s| p.pos >= s) {
            p.target = None;
            since = Instant::now();
        }
        // Wait for a key, or until the frame's time is up.
        let timeout = match (p.hold(), auto) {
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
            // Time is up: the next frame (auto leaves a stop too).
            if p.target.is_none() {
                p.play_on();
            } else {
                p.go(p.pos + 1);
            }
            continue;
        };
        match ev {
            Event::Key(k) if k.kind != KeyEventKind::Release => {
                let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
                match k.code {
                    KeyCode::Char('c') if ctrl => break,
                    KeyCode::Char('q') | KeyCode::Esc => break,
                    KeyCode::Char(' ') | KeyCode::Enter | KeyCode::PageDown => {
                        match p.target.take() {
                            // Playing: jump to the stop.
                            Some(s) => p.go(s),
                            None => p.play_on(),
                        }
                    }
                    KeyCode::Right => {
                        p.target = None;
                        p.go(p.pos + 1);
                    }
                    KeyCode::Left | KeyCode::Backspace | KeyCode::PageUp => {
                        p.target = None;
                        p.go(p.pos.saturating_sub(1));
                    }
                    KeyCode::Home => {
                        p.target = None;
                        p.go(0);
                    }
                    KeyCode::End => {
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

    fn timeline(name: &str) -> Timeline {
        let text = crate::app::examples::get(name).unwrap();
        let s = crate::app::script::parse(text, name).unwrap();
        Timeline::build(&s, None, Settings::default()).unwrap()
    }

    #[test]
    fn frames_stop_at_every_pause_with_its_caption() {
        let t = timeline("neural-net");
        let stops: Vec<&Frame> = t.frames.iter().filter(|f| f.hold == Hold::Pause).collect();
        assert_eq!(stops.len(), 6);
        assert_eq!(stops[0].step, 0);
        assert!(
            stops[0]
                .caption
                .as_deref()
                .unwrap()
                .starts_with("The weights")
        );
        assert_eq!(stops[2].step, 2);
        // the forward steps 3, 4 are shown on the way to step 5
        let steps: Vec<usize> = t.frames.iter().map(|f| f.step).collect();
        assert_eq!(&steps[..6], [0, 1, 2, 3, 4, 5]);
        assert_eq!(stops[5].step, 11);
        assert!(
            t.frames
                .iter()
                .all(|f| f.title.as_deref().unwrap().starts_with("Neural net"))
        );
        assert!(t.failed.is_empty());
        assert_eq!(t.next_stop(1), 1);
        assert_eq!(t.next_stop(3), 5);
    }

    #[test]
    fn a_new_program_is_a_new_view() {
        let t = timeline("graph");
        assert_eq!(t.views.len(), 2);
        let stop = t
            .frames
            .iter()
            .find(|f| {
                f.caption
                    .as_deref()
                    .is_some_and(|c| c.starts_with("c fans out"))
            })
            .unwrap();
        assert_eq!((stop.view, stop.step), (1, 10));
        let b = timeline("baydin");
        // :wrt x1 and :wrt x2 re-trace: three views in all
        assert_eq!(b.views.len(), 3);
    }

    #[test]
    fn errors_stop_the_build() {
        let s = crate::app::script::parse("sin(x) at x = 1\n:wrt q\n", "t.adt").unwrap();
        let e = Timeline::build(&s, None, Settings::default()).unwrap_err();
        assert!(e[0].contains("t.adt:2:6"), "{}", e[0]);
    }
}
