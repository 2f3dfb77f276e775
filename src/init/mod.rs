//! `comply init`: the files of a new compliance repository.
//!
//! Pure: returns what to write; the command writes it (and refuses to
//! overwrite anything).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Every file `comply init` writes: path relative to the target directory,
/// and content.
pub const FILES: &[(&str, &str)] = &[
    ("comply.yaml", include_str!("comply.yaml")),
    ("controls/popia.yaml", include_str!("popia.yaml")),
    ("controls/iso27001.yaml", include_str!("iso27001.yaml")),
    ("controls/soc2.yaml", include_str!("soc2.yaml")),
    ("backlog/example.yaml", include_str!("backlog.yaml")),
    ("evidence/README.md", include_str!("evidence.md")),
];

/// Every file `comply init` writes: [`FILES`], and the JSON Schema of each
/// file kind under `schema/`, which the files' `yaml-language-server` lines
/// name by relative path, so editors check them offline and against the
/// schema of the comply that wrote them.
pub(crate) fn files() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = FILES
        .iter()
        .map(|(path, text)| (path.to_string(), text.to_string()))
        .collect();
    for kind in crate::schema::KINDS {
        if let Some(text) = crate::schema::json(kind) {
            files.push((format!("schema/{kind}.schema.json"), text));
        }
    }
    files
}

/// What `comply init` will create under a directory: the directories
/// missing on the way (outermost first) and the files.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Plan {
    /// Directories to create, parents before children.
    pub(crate) dirs: Vec<PathBuf>,
    /// Files to write, with their text.
    pub(crate) files: Vec<(PathBuf, String)>,
}

/// Plans the files of a new repository in `dir`, asking `kind` what each
/// path is (`None`: nothing; `Some(true)`: a directory; `Some(false)`:
/// anything else). Every problem is found before anything is written: an
/// existing file, or something that is not a directory where one is needed.
pub(crate) fn plan(dir: &Path, kind: impl Fn(&Path) -> Option<bool>) -> Result<Plan, String> {
    let mut dirs = BTreeSet::new();
    let mut planned = Vec::new();
    let mut existing = Vec::new();
    let mut blocking = Vec::new();
    for (path, text) in files() {
        let target = dir.join(&path);
        if kind(&target).is_some() {
            existing.push(path.clone());
        }
        let mut parent = target.parent();
        while let Some(p) = parent {
            match kind(p) {
                Some(true) => break,
                Some(false) => {
                    blocking.push(p.display().to_string());
                    break;
                }
                None => {
                    dirs.insert(p.to_path_buf());
                }
            }
            parent = p.parent();
        }
        planned.push((target, text));
    }
    if !existing.is_empty() {
        return Err(format!(
            "`{}` already has {}",
            dir.display(),
            existing.join(", ")
        ));
    }
    if !blocking.is_empty() {
        blocking.sort();
        blocking.dedup();
        return Err(format!("`{}` is not a directory", blocking.join("`, `")));
    }
    // Shorter paths first: a parent is created before its children.
    let mut dirs: Vec<PathBuf> = dirs.into_iter().collect();
    dirs.sort_by_key(|d| d.components().count());
    Ok(Plan {
        dirs,
        files: planned,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_nothing_when_a_directory_is_a_file() {
        let dir = Path::new("/r");
        let problem = plan(dir, |p| match p.to_str() {
            Some("/r/controls") => Some(false),
            Some("/r" | "/") => Some(true),
            _ => None,
        });
        assert_eq!(problem, Err("`/r/controls` is not a directory".to_string()));
        let ok = plan(dir, |p| {
            (p == Path::new("/r") || p == Path::new("/")).then_some(true)
        });
        let ok = ok.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ok.dirs.len(), 4, "{:?}", ok.dirs);
        assert_eq!(ok.files.len(), files().len());
    }
}
