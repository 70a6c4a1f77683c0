//! `adtrace play SCRIPT --cast FILE`: the presentation written headless
//! as an asciicast v2 file (asciinema's format): a header line, one `"o"`
//! event per frame with the frame drawn as ANSI text (`tui::render_ansi`),
//! and one `"m"` marker per pause, labelled with its caption, so the
//! standard player can jump from pause to pause. Owns the timing and the
//! file; the frames are the presenter's (`app::timeline`).

use std::io::Write;
use std::time::Duration;

use crate::app::Status;
use crate::app::settings::Settings;
use crate::app::timeline::{Hold, Timeline};
use crate::tui::Model;

/// What `--cast` was asked to do.
#[derive(Clone, Debug)]
pub struct CastOptions {
    pub script: String,
    pub file: String,
    pub force: bool,
    pub size: (u16, u16),
}

/// How long a step between pauses shows, and a pause (the viewer can
/// pause the player there; the marker lets them jump).
const STEP: Duration = Duration::from_millis(400);
const PAUSE: Duration = Duration::from_secs(3);

/// A JSON string (control characters, the escape of ANSI codes, escaped).
fn json_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The cast of a timeline as text (one JSON value per line).
pub fn cast(t: &Timeline, size: (u16, u16), title: &str) -> String {
    let (w, h) = size;
    let mut out = format!(
        "{{\"version\": 2, \"width\": {w}, \"height\": {h}, \"title\": {}, \"env\": {{\"TERM\": \"xterm-256color\"}}}}\n",
        json_str(title)
    );
    let mut models: Vec<Option<Model>> = (0..t.views.len()).map(|_| None).collect();
    let mut time = 0.0f64;
    for f in &t.frames {
        let Some(slot) = models.get_mut(f.view) else {
            continue;
        };
        let m = slot.get_or_insert_with(|| Model::from_view(&t.views[f.view]));
        m.set_step(f.step);
        m.caption = f.caption.clone();
        m.presenting = true;
        if let Some(title) = &f.title {
            m.title = Some(title.clone());
        }
        m.resize(w, h);
        let frame = crate::tui::render_ansi(m, w, h);
        out.push_str(&format!("[{time:.3}, \"o\", {}]\n", json_str(&frame)));
        let hold = match f.hold {
            Hold::Pass => STEP,
            Hold::Wait(d) => d,
            Hold::Pause => {
                let label = f.caption.clone().unwrap_or_else(|| "pause".into());
                out.push_str(&format!(
                    "[{:.3}, \"m\", {}]\n",
                    time + 0.001,
                    json_str(&label)
                ));
                PAUSE
            }
        };
        time += hold.as_secs_f64().max(0.001);
    }
    out
}

/// Write the cast of `script` to `file` (not over an existing file unless
/// `force`).
pub fn write(args: &CastOptions) -> Status {
    let path = std::path::Path::new(&args.file);
    if path.exists() && !args.force {
        eprintln!(
            "adtrace play: '{}' exists; add --force to overwrite it",
            args.file
        );
        return Status::Error;
    }
    let (script, file) = match super::load_script(&args.script, false) {
        Ok(x) => x,
        Err(status) => return status,
    };
    let dir = std::path::Path::new(&args.script)
        .parent()
        .map(|d| d.to_path_buf());
    let timeline = match Timeline::build(&script, dir, Settings::default()) {
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
    let text = cast(&timeline, args.size, &file);
    match std::fs::File::create(path).and_then(|mut f| f.write_all(text.as_bytes())) {
        Ok(()) => {
            eprintln!(
                "wrote {} ({} frames, {} pauses); play it with 'asciinema play {}'",
                args.file,
                timeline.frames.len(),
                timeline
                    .frames
                    .iter()
                    .filter(|f| f.hold == Hold::Pause)
                    .count(),
                args.file
            );
            Status::Ok
        }
        Err(e) => {
            eprintln!("adtrace play: cannot write '{}': {e}", args.file);
            Status::Error
        }
    }
}
