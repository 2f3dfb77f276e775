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
mod args;
mod audit;
pub mod cli;
pub mod commands;
mod complete;
mod coverage;
mod crosswalk;
mod date;
mod decode;
pub mod diag;
mod diff;
pub mod evidence;
mod filter;
// The gate lives inside `analysis` (it judges the analysis's views); this
// keeps its path.
use analysis::gate;
mod cadence_periods;
mod format;
mod git;
pub mod import;
pub mod init;
pub mod load;
mod man;
mod manifest;
mod oscal;
mod pack;
mod par;
mod periods;
mod ratchet;
mod render;
mod report;
pub mod schema;
mod soa;
pub mod text;
mod validate;
mod workspace;
mod write;
mod yaml;

/// Whether comply's fast YAML reader, on any text it takes, builds exactly
/// the tree, positions and cost that the general reader (saphyr-parser)
/// builds; exposed for the `yaml_fast_path` fuzz target.
pub fn yaml_fast_path_agrees(text: &str) -> bool {
    yaml::fast_path_agrees(text)
}

/// Reads `text` with comply's YAML reader into its position-keeping tree
/// and drops it: the nodes the tree held, or `None` for text that is not
/// one YAML document. Exposed for the benchmark's floor
/// (`examples/floor.rs --parse`), which measures what reading costs before
/// anything is decoded, validated or analysed.
pub fn yaml_tree_nodes(text: &str) -> Option<usize> {
    yaml::parse_counted(text).ok().map(|(_, cost)| cost.nodes)
}

/// Parses the output of `git log -z --name-only` as comply's freshness
/// pass asks for it (`--format=%x00%H%x00%ct%x00%cn`) into every (path,
/// commit) pair, newest commit first; an error for output git cannot have
/// written. The pure part of the only module that runs git, exposed for the
/// `git_log` fuzz target.
pub fn parse_git_log(bytes: &[u8]) -> anyhow::Result<Vec<(String, git::LastCommit)>> {
    git::parse_log(bytes)
}
