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
mod acceptance;
mod analysis;
pub mod cli;
pub mod commands;
mod complete;
mod date;
mod decode;
pub mod diag;
mod diff;
pub mod evidence;
mod filter;
// The gate lives inside `analysis` (it judges the analysis's views); this
// keeps its path.
use analysis::gate;
mod format;
pub mod git;
pub mod import;
pub mod init;
pub mod load;
mod man;
mod manifest;
mod oscal;
mod par;
mod ratchet;
mod render;
mod report;
pub mod schema;
pub mod text;
mod trend;
mod validate;
mod workspace;
mod write;
mod yaml;
