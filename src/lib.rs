//! comply: compliance as code.
//!
//! Reads control matrices (`controls/*.yaml`) and backlog items
//! (`backlog/*.yaml`) from a repository, resolves their evidence paths, and
//! decides what is overdue, what is missing and whether the CI gate passes.
//!
//! The flow is `load` (I/O) -> `decode` and `validate` (model and
//! diagnostics) -> `evidence` (I/O, read-only) -> `analysis` and `gate`
//! (pure) -> `render`. The date, the working directory and the terminal are
//! handed in through [`commands::Environment`].

#![warn(missing_docs)]

#[macro_use]
pub mod model;
pub mod acceptance;
pub mod analysis;
pub mod cli;
pub mod commands;
pub mod complete;
pub mod date;
pub mod decode;
pub mod diag;
pub mod diff;
pub mod evidence;
pub mod filter;
pub mod gate;
pub mod git;
pub mod import;
pub mod init;
pub mod load;
pub mod man;
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
