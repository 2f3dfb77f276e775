//! Evidence manifests: path, size, SHA-256 and last commit of every evidence
//! file, and the comparison of a manifest with the files as they are now.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::Digest as _;

/// The manifest format's version.
pub(crate) const VERSION: u32 = 1;

/// One evidence file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub(crate) struct FileRecord {
    /// Path relative to the root.
    pub(crate) path: String,
    /// Size in bytes.
    pub(crate) size: u64,
    /// SHA-256 of the content, lower-case hex.
    pub(crate) sha256: String,
    /// Short hash of the last commit touching the file, if committed.
    pub(crate) commit: Option<String>,
    /// Date of that commit.
    pub(crate) date: Option<String>,
}

/// The SHA-256 of `bytes`, lower-case hex.
#[must_use]
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex(&sha2::Sha256::digest(bytes))
}

/// Bytes as lower-case hex.
#[must_use]
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut hex, b| {
        let _ = write!(hex, "{b:02x}");
        hex
    })
}

/// A manifest file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub(crate) struct Manifest {
    /// Format version.
    pub(crate) version: u32,
    /// Every evidence file, sorted by path.
    pub(crate) files: Vec<FileRecord>,
}

/// What differs between a manifest and now.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub(crate) struct Changes {
    /// Files now, not in the manifest.
    pub(crate) added: Vec<String>,
    /// Files in the manifest, gone now.
    pub(crate) removed: Vec<String>,
    /// Files whose size or content differ.
    pub(crate) changed: Vec<String>,
}

impl Changes {
    /// Whether nothing differs.
    pub(crate) fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// Compares a recorded manifest with the current one. Only size and content
/// count: a new commit that leaves a file's bytes alone is no change.
pub(crate) fn compare(recorded: &Manifest, current: &Manifest) -> Changes {
    let before: BTreeMap<&str, &FileRecord> = recorded
        .files
        .iter()
        .map(|f| (f.path.as_str(), f))
        .collect();
    let now: BTreeMap<&str, &FileRecord> =
        current.files.iter().map(|f| (f.path.as_str(), f)).collect();
    let mut changes = Changes::default();
    for (path, file) in &now {
        match before.get(path) {
            None => changes.added.push((*path).to_string()),
            Some(old) if old.size != file.size || old.sha256 != file.sha256 => {
                changes.changed.push((*path).to_string());
            }
            Some(_) => {}
        }
    }
    changes.removed = before
        .keys()
        .filter(|p| !now.contains_key(*p))
        .map(|p| (*p).to_string())
        .collect();
    changes
}

/// The format version of a pack's `manifest.json`.
pub(crate) const PACK_VERSION: u32 = 1;

/// One file of `manifest.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub(crate) struct PackRecord {
    /// Path inside the pack.
    pub(crate) path: String,
    /// Path in the repository, relative to the root.
    pub(crate) source: String,
    /// Size in bytes.
    pub(crate) size: u64,
    /// SHA-256 of the content, lower-case hex.
    pub(crate) sha256: String,
    /// Short hash of the last commit that changed the file; `null` when
    /// the bytes packed are not a commit's (`uncommitted`).
    pub(crate) commit: Option<String>,
    /// Date of that commit.
    pub(crate) commit_date: Option<chrono::NaiveDate>,
    /// The author's name of that commit.
    pub(crate) author: Option<String>,
    /// Whether the bytes packed differ from every commit: a working-tree
    /// file with uncommitted edits, or one never committed.
    pub(crate) uncommitted: bool,
    /// Date of the commit that added the file (what dates it for the
    /// grid; the latest add of a file deleted and added back).
    pub(crate) added: Option<chrono::NaiveDate>,
    /// The periods of the grid this file covers (`ssh-review 2026-Q1`).
    pub(crate) covers: Vec<String>,
    /// The controls and reviews (`framework:id`) it is evidence for.
    pub(crate) evidence_for: Vec<String>,
}

/// `manifest.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub(crate) struct PackManifest {
    /// Format version.
    pub(crate) version: u32,
    /// The repository's name.
    pub(crate) title: String,
    /// The audit period.
    pub(crate) period: crate::date::Span,
    /// The commit read, when the pack was built from one (`--at`).
    pub(crate) at: Option<String>,
    /// Every evidence file, sorted by path.
    pub(crate) files: Vec<PackRecord>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(path: &str, sha: &str, commit: &str) -> FileRecord {
        FileRecord {
            path: path.into(),
            size: 1,
            sha256: sha.into(),
            commit: Some(commit.into()),
            date: None,
        }
    }

    #[test]
    fn compares_content_not_commits() {
        let old = Manifest {
            version: 1,
            files: vec![
                record("a", "1", "c1"),
                record("b", "2", "c1"),
                record("c", "3", "c1"),
            ],
        };
        let new = Manifest {
            version: 1,
            files: vec![
                record("a", "1", "c2"),
                record("b", "9", "c2"),
                record("d", "4", "c2"),
            ],
        };
        let changes = compare(&old, &new);
        assert_eq!(changes.added, ["d"]);
        assert_eq!(changes.removed, ["c"]);
        assert_eq!(changes.changed, ["b"]);
    }
}
