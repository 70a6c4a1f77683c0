//! adtrace: automatic differentiation made visible.
//!
//! The pure core is `syntax` → `trace` → `sweep` → `steps`, with `ops` as
//! the single table of operations and `notation` for how things are
//! written. Views (`format`, the TUI, the REPL) are functions of
//! (trace, step index). See ARCHITECTURE.md for the map.

// pest_derive without its "std" feature refers to ::alloc.
extern crate alloc;

pub mod cli;
pub mod diagnostic;
pub mod format;
pub mod intern;
pub mod layout;
pub mod notation;
pub mod ops;
pub mod repl;
pub mod replay;
pub mod session;
pub mod steps;
pub mod sweep;
pub mod syntax;
pub mod terminal_guard;
pub mod trace;
pub mod tui;
