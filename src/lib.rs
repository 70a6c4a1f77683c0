//! adtrace: automatic differentiation made visible.
//!
//! `core` is the pure engine: syntax → trace → sweeps → schedule of steps,
//! with one record per operation and rule text as data rendered by the
//! notation; its `format` module holds the headless views. `app` is the
//! front-end logic that needs no terminal (the session behind the prompt,
//! scripts and the presenter's timeline). `tui`, `repl` and `present` are
//! the terminal front ends; `cli` is the command line. See ARCHITECTURE.md.

// pest_derive without its "std" feature refers to ::alloc.
extern crate alloc;

pub mod app;
pub mod cli;
pub mod core;
pub(crate) mod present;
pub mod repl;
pub mod tui;
