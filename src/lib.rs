//! comply: compliance as code.
//!
//! Reads the settings (`comply.yaml`), control matrices (`controls/`),
//! remediation backlogs (`backlog/`), recurring reviews (`reviews/`) and
//! risk acceptances (`exceptions/`) of a repository, resolves their
//! evidence paths, and decides what is overdue, what is missing and whether
//! the CI gate passes.
//!
//! The flow is `load` (I/O) -> `format` and `validate` (model and
//! diagnostics) -> `evidence` and `git` (I/O, read-only) -> `analysis`
//! (pure, with the gate) -> `render` and `report`. The modules are layered
//! without circles (docs/design.md, tests/layers.rs). The date, the working
//! directory and the terminal are handed in through
//! [`commands::Environment`].

#![warn(missing_docs)]

#[macro_use]
pub mod model;
pub mod acceptance;
pub mod analysis;
pub mod cli;
pub mod commands;
pub mod date;
pub mod decode;
pub mod diag;
pub mod diff;
pub mod evidence;
pub mod filter;
// The gate lives inside `analysis` (it judges the analysis's views); this
// keeps its path.
pub use analysis::gate;
pub mod format;
pub mod git;
pub mod import;
pub mod init;
pub mod load;
pub mod manifest;
pub mod par;
pub mod ratchet;
pub mod render;
pub mod report;
pub mod schema;
pub mod text;
pub mod trend;
pub mod validate;
pub mod workspace;
pub mod write;
pub mod yaml;
