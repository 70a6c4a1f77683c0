//! A replay script as frames to present: which traced view, which step,
//! the caption and title, and where the presenter stops (`:pause`) or
//! holds (`:wait`). Built by running the script headless through the same
//! `Session` as typed input; `adtrace play` presents it, and casts will
//! record it.
//!
//! Must not touch the terminal: it only collects frames.

use std::time::Duration;

use super::script::Script;
use super::session::{Origin, Output, Session, View};
use super::settings::Settings;

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

    /// How many stops there are up to and including `pos`.
    pub fn stops_before(&self, pos: usize) -> usize {
        self.frames[..=pos.min(self.frames.len().saturating_sub(1))]
            .iter()
            .filter(|f| f.hold == Hold::Pause)
            .count()
    }

    /// The index of the last stop before `pos` (where "back" goes), or 0.
    pub fn prev_stop(&self, pos: usize) -> usize {
        (0..pos.min(self.frames.len()))
            .rev()
            .find(|&i| self.frames[i].hold == Hold::Pause)
            .unwrap_or(0)
    }
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
        assert_eq!(t.prev_stop(5), 2);
        assert_eq!(t.prev_stop(2), 1);
        assert_eq!(t.prev_stop(0), 0);
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
