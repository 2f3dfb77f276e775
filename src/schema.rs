//! JSON Schemas of comply's files, generated from these types with
//! schemars, for editors (yaml-language-server) and other tools.
//!
//! The schemas come from the file types of `format`, the same types that
//! decode the files and that `comply import` writes; a test keeps the
//! committed `schema/*.json` equal to what they generate.

use schemars::{Schema, schema_for};

use crate::format::{BacklogFile, ConfigFile, ExceptionsFile, MatrixFile, ReviewsFile};

/// The file kinds with a schema, by the name `comply schema` takes.
pub const KINDS: &[&str] = &["config", "controls", "backlog", "reviews", "exceptions"];

/// The published address of a schema, for `# yaml-language-server: $schema=`.
pub(crate) fn url(kind: &str) -> String {
    format!("https://raw.githubusercontent.com/comply-tools/comply/main/schema/{kind}.schema.json")
}

/// The schema of one file kind, as pretty JSON with a final newline.
pub fn json(kind: &str) -> Option<String> {
    let schema: Schema = match kind {
        "config" => schema_for!(ConfigFile),
        "controls" => schema_for!(MatrixFile),
        "backlog" => schema_for!(BacklogFile),
        "reviews" => schema_for!(ReviewsFile),
        "exceptions" => schema_for!(ExceptionsFile),
        _ => return None,
    };
    serde_json::to_string_pretty(&schema).ok().map(|mut s| {
        s.push('\n');
        s
    })
}
