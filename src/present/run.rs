//! `adtrace run FILE`: a replay script headless. Prints each traced table
//! (in any `--format`), with `--frames` the text frame at each pause, and
//! checks every `:expect`.
//!
//! Exit codes: 0 when everything held, 1 when an expectation failed (each
//! one named FILE:line:col, expected vs got), 2 for an error in the script
//! (FILE:line:col; nothing after it runs unless `--keep-going`). Must not
//! interpret inputs itself: `app::session::Session` does.

use std::process::ExitCode;

use clap::Args;

use crate::app::session::{Origin, Output, Session, View};
use crate::app::settings::Settings;
use crate::cli::{FormatArg, emit};
use crate::core::format::Format;
use crate::tui::{Model, render_text};

#[derive(Args, Debug)]
pub struct RunArgs {
    /// The replay file (.adt), or the name of a built-in example.
    #[arg(value_name = "FILE")]
    pub file: String,
    /// What each traced table prints as.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
    /// Also print the text frame of the stepping view at each `:pause`.
    #[arg(long)]
    pub frames: bool,
    /// The terminal size frames are drawn for.
    #[arg(long, value_name = "WxH", value_parser = crate::tui::cmd::parse_size, default_value = "100x30")]
    pub size: (u16, u16),
    /// Report every error instead of stopping at the first.
    #[arg(long)]
    pub keep_going: bool,
}

pub fn format_of(f: FormatArg) -> Format {
    match f {
        FormatArg::Text => Format::Text,
        FormatArg::Json => Format::Json,
        FormatArg::Markdown => Format::Markdown,
        FormatArg::Latex => Format::Latex,
        FormatArg::Dot => Format::Dot,
    }
}

/// What a headless run has seen: its exit code and the counts it reports.
#[derive(Default)]
struct Tally {
    errors: usize,
    failed: usize,
    held: usize,
}

/// `adtrace run`.
pub fn run(args: &RunArgs) -> ExitCode {
    let (script, file) = match super::load_script(&args.file, args.keep_going) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let mut session = Session::new(Settings {
        format: format_of(args.format),
        ..Settings::default()
    });
    if let Some(dir) = std::path::Path::new(&args.file).parent() {
        session.push_dir(dir.to_path_buf());
    }
    let mut tally = Tally::default();
    let mut view: Option<View> = None;
    let mut caption_title: Option<String> = None;
    'items: for item in &script.items {
        let origin = Origin {
            file: file.clone(),
            line: item.line,
        };
        for out in session.handle(&item.text, &origin) {
            match out {
                Output::Text(t) => {
                    if emit(&t) != ExitCode::SUCCESS {
                        return ExitCode::from(2);
                    }
                }
                Output::Note(_) => {}
                Output::ExpectHeld(_) => tally.held += 1,
                Output::Error(e) => {
                    eprint!("{e}");
                    tally.errors += 1;
                    if !args.keep_going {
                        break 'items;
                    }
                }
                Output::ExpectFailed(e) => {
                    eprint!("{e}");
                    tally.failed += 1;
                }
                Output::View(v) => view = Some(*v),
                Output::Step(k) => {
                    if let Some(v) = &mut view {
                        v.step = k;
                    }
                }
                Output::Title(t) => {
                    caption_title = Some(t.clone());
                    if let Some(v) = &mut view {
                        v.title = Some(t);
                    }
                }
                Output::Pause(caption) if args.frames => {
                    if let Some(v) = &view {
                        let (w, h) = args.size;
                        let mut m = Model::from_view(v);
                        m.caption = caption;
                        if m.title.is_none() {
                            m.title = caption_title.clone();
                        }
                        m.resize(w, h);
                        let frame = render_text(&m, w, h);
                        if emit(&format!("\n{frame}")) != ExitCode::SUCCESS {
                            return ExitCode::from(2);
                        }
                    }
                }
                Output::Pause(_) | Output::Wait(_) => {}
                Output::Quit => break 'items,
            }
        }
    }
    summary(&file, &tally);
    if tally.errors > 0 {
        ExitCode::from(2)
    } else if tally.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn summary(file: &str, t: &Tally) {
    let s = |n: usize| if n == 1 { "" } else { "s" };
    if t.errors > 0 {
        eprintln!("{file}: {} error{}", t.errors, s(t.errors));
    }
    if t.failed > 0 {
        eprintln!(
            "{file}: {} expectation{} failed, {} held",
            t.failed,
            s(t.failed),
            t.held
        );
    } else if t.held > 0 && t.errors == 0 {
        eprintln!("{file}: all {} expectation{} held", t.held, s(t.held));
    }
}
