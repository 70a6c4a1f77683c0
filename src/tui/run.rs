//! The terminal loop: take the terminal, draw, wait for input (or an
//! autoplay tick), update, repeat; give the terminal back on every exit
//! path.
//!
//! Owns raw mode, the alternate screen and mouse capture through
//! `TerminalGuard` (whose drop restores them, as does the panic hook via
//! `terminal::restore`). Must not interpret keys: `update` does.
//! Redraws only after input, a resize or an autoplay tick; when idle it
//! blocks in `event::read`, using no CPU.

use std::io::{self, Stdout};
use std::time::Instant;

use crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, CrosstermBackend};

use super::model::{Control, Model};
use super::terminal;
use super::view;

/// The terminal, taken for full-screen drawing; dropping it gives the
/// terminal back (raw mode off, main screen, cursor shown). The replay
/// player drives its own loop with it.
pub struct TerminalGuard {
    pub terminal: Terminal<CrosstermBackend<Stdout>>,
}

impl TerminalGuard {
    /// Enter raw mode and the alternate screen, capture the mouse.
    pub fn enter() -> io::Result<TerminalGuard> {
        terminal::mark_active();
        let setup = || -> io::Result<Terminal<CrosstermBackend<Stdout>>> {
            crossterm::terminal::enable_raw_mode()?;
            crossterm::execute!(
                io::stdout(),
                crossterm::terminal::EnterAlternateScreen,
                crossterm::event::EnableMouseCapture,
                crossterm::cursor::Hide
            )?;
            let mut t = Terminal::new(CrosstermBackend::new(io::stdout()))?;
            wipe(&mut t)?;
            Ok(t)
        };
        match setup() {
            Ok(terminal) => Ok(TerminalGuard { terminal }),
            Err(e) => {
                terminal::restore();
                Err(e)
            }
        }
    }

    /// Blank the screen and draw all of it next time (after a suspend).
    pub fn wipe(&mut self) -> io::Result<()> {
        wipe(&mut self.terminal)
    }
}

/// Blank the screen and forget the last frame, so the next draw paints
/// every cell. Not `Terminal::clear`: since ratatui 0.30 it first asks the
/// terminal where the cursor is and fails when no answer comes within two
/// seconds, which ended the view on a terminal that does not answer and on
/// a loaded machine just after `fg`. A full screen needs no cursor.
fn wipe(t: &mut Terminal<CrosstermBackend<Stdout>>) -> io::Result<()> {
    t.backend_mut().clear_region(ClearType::All)?;
    // Each swap empties the buffer it leaves behind: two empty both.
    t.swap_buffers();
    t.swap_buffers();
    Ok(())
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        terminal::restore();
    }
}

/// Ctrl-Z: raw mode delivers it as a key; it suspends the view as a shell
/// would (`terminal::suspend`).
pub fn is_suspend(k: &KeyEvent) -> bool {
    k.kind != KeyEventKind::Release
        && k.modifiers.contains(KeyModifiers::CONTROL)
        && matches!(k.code, KeyCode::Char('z' | 'Z'))
}

/// Run the TUI on the real terminal until the user leaves.
pub fn run(model: &mut Model) -> io::Result<()> {
    let mut guard = TerminalGuard::enter()?;
    let size = guard.terminal.size()?;
    model.resize(size.width, size.height);
    let mut next_tick: Option<Instant> = None;
    let mut dirty = true;
    loop {
        if terminal::take_redraw() {
            // Back from a suspend: the screen is blank, draw all of it.
            guard.wipe()?;
            dirty = true;
        }
        if dirty {
            guard.terminal.draw(|f| view::draw(f, model))?;
            dirty = false;
        }
        // A background re-trace: wake every tenth of a second to show how
        // far it is, and adopt it when done.
        if model.busy() && !event::poll(std::time::Duration::from_millis(100))? {
            model.poll_background();
            dirty = true;
            continue;
        }
        // Block when idle; wait at most until the next tick when playing.
        let event = match model.autoplay_interval() {
            Some(every) => {
                let due = *next_tick.get_or_insert_with(|| Instant::now() + every);
                if event::poll(due.saturating_duration_since(Instant::now()))? {
                    event::read()?
                } else {
                    model.tick();
                    next_tick = None;
                    dirty = true;
                    continue;
                }
            }
            None => {
                next_tick = None;
                event::read()?
            }
        };
        match event {
            Event::Key(k) if is_suspend(&k) => {
                terminal::suspend();
                dirty = true;
            }
            Event::Key(k) if k.kind != KeyEventKind::Release => {
                let was_playing = model.autoplaying();
                if model.handle_key(k) == Control::Quit {
                    break;
                }
                if model.autoplaying() != was_playing {
                    next_tick = None;
                }
                dirty = true;
            }
            Event::Mouse(m) => {
                model.handle_mouse(m);
                dirty = true;
            }
            Event::Resize(w, h) => {
                model.resize(w, h);
                guard.terminal.autoresize()?;
                dirty = true;
            }
            _ => {}
        }
    }
    drop(guard);
    Ok(())
}
