//! JSON Schemas of comply's files, generated from these types with
//! schemars, for editors (yaml-language-server) and other tools.
//!
//! The schemas come from the file types of `format`, the same types that
//! decode the files and that `comply import` writes; a test keeps the
//! committed `schema/*.json` equal to what they generate.

use schemars::{Schema, schema_for};

use crate::format::{BacklogFile, ConfigFile, ExceptionsFile, FileKind, MatrixFile, ReviewsFile};
use crate::model::Word;

/// The JSON documents comply writes, by the name `comply schema` takes,
/// with what writes them.
pub use crate::render::json::OUTPUTS;

/// The file kinds with a schema, by the name `comply schema` takes (the
/// words of [`FileKind`]).
pub const KINDS: &[&str] = FileKind::WORDS;

/// Every name `comply schema` takes: the file kinds, then the outputs.
pub(crate) fn names() -> impl Iterator<Item = &'static str> {
    KINDS
        .iter()
        .chain(OUTPUTS.iter().map(|(name, _)| name))
        .copied()
}

/// The published address of a schema, for `# yaml-language-server: $schema=`:
/// the file at this version's tag, so an editor never reads the schema of
/// another version. Output documents' schemas are under `output/`.
pub(crate) fn url(kind: &str) -> String {
    let path = if kind.parse::<FileKind>().is_ok() {
        kind.to_string()
    } else {
        format!("output/{kind}")
    };
    format!(
        "https://raw.githubusercontent.com/comply-tools/comply/v{}/schema/{path}.schema.json",
        env!("CARGO_PKG_VERSION")
    )
}

/// The schema of one file kind, or of one JSON output document (see
/// [`OUTPUTS`]), as pretty JSON with a final newline;
/// its `$id` is its published address.
pub fn json(kind: &str) -> Option<String> {
    let mut schema: Schema = match kind.parse::<FileKind>() {
        Ok(FileKind::Config) => schema_for!(ConfigFile),
        Ok(FileKind::Controls) => schema_for!(MatrixFile),
        Ok(FileKind::Backlog) => schema_for!(BacklogFile),
        Ok(FileKind::Reviews) => schema_for!(ReviewsFile),
        Ok(FileKind::Exceptions) => schema_for!(ExceptionsFile),
        Err(()) => crate::render::json::schema(kind)?,
    };
    schema.insert("$id".to_string(), url(kind).into());
    serde_json::to_string_pretty(&schema).ok().map(|mut s| {
        s.push('\n');
        s
    })
}
