//! Front-end logic that needs no terminal: the session behind the prompt,
//! `:load`, `adtrace run` and `adtrace play` (`session`), what an input
//! means (`commands`), the settings and their table (`settings`),
//! `:expect` (`expect`), replay scripts (`script`), the built-in lecture
//! scripts (`examples`), the presenter's frames (`timeline`), how a run
//! ended (`status`), bounded reads and safe writes (`fsio`), predict mode
//! (`quiz`) and prose set to the terminal's width (`wrap`).
//!
//! Must not import `tui`, `repl`, `present` or `cli`, nor ratatui,
//! crossterm, rustyline or clap; the only I/O is reading and writing the
//! files a command names.

pub mod commands;
pub(crate) mod examples;
pub(crate) mod expect;
pub mod fsio;
pub mod quiz;
pub(crate) mod script;
pub mod session;
pub(crate) mod settings;
pub(crate) mod status;
pub(crate) mod timeline;
pub mod wrap;

pub use status::Status;
