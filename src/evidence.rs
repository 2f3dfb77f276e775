//! Evidence resolution: what a path written in a control or item points at.
//!
//! Paths are relative to the repository root. Anything absolute, anything
//! escaping the root through `..`, and anything reaching outside it through a
//! symlink is `outside`: reported, never followed, never opened. Nothing here
//! opens a file: sizes come from metadata and directories are listed without
//! following symlinks.

use std::collections::BTreeMap;
use std::io;
use std::path::{Component, Path, PathBuf};

use globset::{GlobBuilder, GlobMatcher};
use serde::Serialize;
use walkdir::WalkDir;

/// The state of one evidence path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EvidenceState {
    /// A non-empty file, a directory holding a file, or a glob matching one.
    Present,
    /// A zero-byte file, an empty directory, or a glob matching only empty files.
    Empty,
    /// Nothing there (or something that is neither a file nor a directory).
    Missing,
    /// Absolute, or escaping the root through `..` or a symlink.
    Outside,
}

impl EvidenceState {
    /// The spelling used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceState::Present => "present",
            EvidenceState::Empty => "empty",
            EvidenceState::Missing => "missing",
            EvidenceState::Outside => "outside",
        }
    }
}

/// The state of a path and, where useful, why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EvidenceStatus {
    /// The state.
    pub state: EvidenceState,
    /// Why the state is what it is, when that is not obvious.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl EvidenceStatus {
    fn new(state: EvidenceState) -> EvidenceStatus {
        EvidenceStatus {
            state,
            detail: None,
        }
    }

    fn because(state: EvidenceState, detail: impl Into<String>) -> EvidenceStatus {
        EvidenceStatus {
            state,
            detail: Some(detail.into()),
        }
    }
}

/// The states of every distinct path, keyed by the path as written.
pub type EvidenceMap = BTreeMap<String, EvidenceStatus>;

/// Resolves every distinct path once.
pub fn resolve_all<'a>(root: &Path, paths: impl IntoIterator<Item = &'a str>) -> EvidenceMap {
    let resolver = Resolver::new(root);
    let mut map = EvidenceMap::new();
    for path in paths {
        if !map.contains_key(path) {
            map.insert(path.to_string(), resolver.resolve(path));
        }
    }
    map
}

/// A path written in a file, checked without touching the file system.
#[derive(Debug, PartialEq, Eq)]
pub enum Lexical {
    /// A path inside the root, normalised (no `.`, no `..`, `/` separators).
    Inside(String),
    /// Absolute or escaping the root; the reason in words.
    Outside(&'static str),
}

/// Normalises `path` lexically, refusing absolute paths and `..` escapes.
pub fn lexical(path: &str) -> Lexical {
    let p = Path::new(path);
    if p.is_absolute() || path.starts_with('\\') || has_drive_letter(path) {
        return Lexical::Outside("absolute path");
    }
    let mut parts: Vec<&str> = Vec::new();
    for component in p.components() {
        match component {
            Component::Normal(part) => match part.to_str() {
                Some(part) => parts.push(part),
                None => return Lexical::Outside("path is not valid UTF-8"),
            },
            Component::CurDir => {}
            Component::ParentDir => {
                if parts.pop().is_none() {
                    return Lexical::Outside("`..` escapes the repository root");
                }
            }
            Component::RootDir | Component::Prefix(_) => {
                return Lexical::Outside("absolute path");
            }
        }
    }
    Lexical::Inside(parts.join("/"))
}

fn has_drive_letter(path: &str) -> bool {
    let b = path.as_bytes();
    b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':'
}

fn is_glob(path: &str) -> bool {
    path.contains(['*', '?', '[', '{'])
}

/// Resolves paths against one root.
struct Resolver {
    root: PathBuf,
    /// The root with symlinks resolved, to check where paths really lead.
    real_root: Option<PathBuf>,
}

impl Resolver {
    fn new(root: &Path) -> Resolver {
        Resolver {
            root: root.to_path_buf(),
            real_root: root.canonicalize().ok(),
        }
    }

    fn resolve(&self, written: &str) -> EvidenceStatus {
        let relative = match lexical(written) {
            Lexical::Inside(relative) => relative,
            Lexical::Outside(why) => return EvidenceStatus::because(EvidenceState::Outside, why),
        };
        if is_glob(&relative) {
            return self.resolve_glob(&relative);
        }
        let full = self.root.join(&relative);
        match self.confine(&full) {
            Ok(real) => state_of(&real),
            Err(status) => status,
        }
    }

    /// Resolves symlinks in `full` and checks the result stays in the root.
    fn confine(&self, full: &Path) -> Result<PathBuf, EvidenceStatus> {
        let real = match full.canonicalize() {
            Ok(real) => real,
            Err(e) if e.raw_os_error() == Some(ELOOP) => {
                return Err(EvidenceStatus::because(
                    EvidenceState::Missing,
                    "symlink loop",
                ));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(EvidenceStatus::new(EvidenceState::Missing));
            }
            Err(e) => {
                return Err(EvidenceStatus::because(
                    EvidenceState::Missing,
                    format!("cannot be read: {e}"),
                ));
            }
        };
        match &self.real_root {
            Some(root) if real.starts_with(root) => Ok(real),
            _ => Err(EvidenceStatus::because(
                EvidenceState::Outside,
                "a symlink leads outside the repository",
            )),
        }
    }

    fn resolve_glob(&self, pattern: &str) -> EvidenceStatus {
        let matcher: GlobMatcher = match GlobBuilder::new(pattern).literal_separator(true).build() {
            Ok(glob) => glob.compile_matcher(),
            Err(e) => {
                return EvidenceStatus::because(
                    EvidenceState::Missing,
                    format!("invalid glob: {}", e.kind()),
                );
            }
        };
        let base: Vec<&str> = pattern
            .split('/')
            .take_while(|part| !is_glob(part))
            .collect();
        let base_dir = self.root.join(base.join("/"));
        let real_base = match self.confine(&base_dir) {
            Ok(real) => real,
            Err(status) => return status,
        };
        let mut any_file = false;
        for entry in WalkDir::new(&real_base)
            .follow_links(false)
            .sort_by_file_name()
        {
            let Ok(entry) = entry else { continue };
            if !entry.file_type().is_file() {
                continue;
            }
            let Ok(inside) = entry.path().strip_prefix(&real_base) else {
                continue;
            };
            let relative = Path::new(&base.join("/")).join(inside);
            if !matcher.is_match(&relative) {
                continue;
            }
            any_file = true;
            if entry.metadata().is_ok_and(|m| m.len() > 0) {
                return EvidenceStatus::new(EvidenceState::Present);
            }
        }
        if any_file {
            EvidenceStatus::because(EvidenceState::Empty, "matches only empty files")
        } else {
            EvidenceStatus::because(EvidenceState::Missing, "matches no file")
        }
    }
}

/// `ELOOP` on Linux and most Unixes: too many levels of symbolic links.
const ELOOP: i32 = 40;

/// The state of an existing path that is known to be inside the root.
fn state_of(real: &Path) -> EvidenceStatus {
    let Ok(meta) = real.symlink_metadata() else {
        return EvidenceStatus::new(EvidenceState::Missing);
    };
    if meta.is_file() {
        return if meta.len() > 0 {
            EvidenceStatus::new(EvidenceState::Present)
        } else {
            EvidenceStatus::because(EvidenceState::Empty, "zero-byte file")
        };
    }
    if meta.is_dir() {
        let has_file = WalkDir::new(real)
            .follow_links(false)
            .min_depth(1)
            .into_iter()
            .filter_map(Result::ok)
            .any(|e| e.file_type().is_file());
        return if has_file {
            EvidenceStatus::new(EvidenceState::Present)
        } else {
            EvidenceStatus::because(EvidenceState::Empty, "directory holds no file")
        };
    }
    EvidenceStatus::because(
        EvidenceState::Missing,
        "neither a regular file nor a directory",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_normalises_and_refuses_escapes() {
        assert_eq!(
            lexical("docs/./a/../b.md"),
            Lexical::Inside("docs/b.md".into())
        );
        assert_eq!(lexical("data/logs/"), Lexical::Inside("data/logs".into()));
        assert!(matches!(lexical("/etc/passwd"), Lexical::Outside(_)));
        assert!(matches!(lexical("../secrets"), Lexical::Outside(_)));
        assert!(matches!(lexical("a/../../b"), Lexical::Outside(_)));
        assert!(matches!(lexical("C:\\x"), Lexical::Outside(_)));
    }
}
