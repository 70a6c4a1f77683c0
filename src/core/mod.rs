//! The pure core: text → AST → trace → sweeps → steps, and the headless
//! formats. Owns all the maths and every rule text.
//!
//! Must not import `app`, `tui`, `repl`, `present` or `cli`, nor any
//! terminal or command-line crate; must not print or read input
//! (tests/architecture.rs enforces the imports).

pub mod cancel;
pub(crate) mod diagnostic;
pub(crate) mod explain;
pub mod fd;
pub(crate) mod format;
pub(crate) mod intern;
pub mod jacobian;
pub mod layers;
pub mod layout;
pub mod notation;
pub(crate) mod ops;
pub mod pipeline;
pub(crate) mod schedule;
pub mod sweep;
pub mod symbolic;

pub mod syntax;
pub mod trace;
pub mod visible;
