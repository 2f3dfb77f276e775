//! Completing values from the repository: framework ids and owners, for
//! shells registered with clap_complete's dynamic completion
//! (`source <(COMPLETE=bash comply)`).

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::model::Repository;

/// Framework ids and owner names (declared owners, their teams, and every
/// owner named by a control, item or review) of `repository`, sorted.
pub(crate) fn names(repository: &Repository) -> (Vec<String>, Vec<String>) {
    let frameworks: BTreeSet<String> = repository.frameworks.iter().map(|f| f.id.clone()).collect();
    let mut owners: BTreeSet<String> = BTreeSet::new();
    for owner in &repository.config.owners {
        owners.insert(owner.name.clone());
        owners.extend(owner.team.clone());
    }
    let named = repository
        .frameworks
        .iter()
        .flat_map(|f| f.controls.iter().map(|c| &c.owner))
        .chain(repository.items.iter().map(|i| &i.owner))
        .chain(repository.reviews.iter().map(|r| &r.owner));
    owners.extend(named.flatten().cloned());
    owners.retain(|o| !o.trim().is_empty() && !o.chars().any(crate::text::is_unsafe));
    (
        frameworks.into_iter().collect(),
        owners.into_iter().collect(),
    )
}

/// [`names`] of the repository at `root` (the `--root` on the command
/// line being completed), else the one `cwd` resolves to; nothing when it
/// cannot be read (completion must never fail loudly).
pub(crate) fn names_from(cwd: &Path, root: Option<&Path>) -> (Vec<String>, Vec<String>) {
    let (root, _) = crate::load::resolve_root(root, cwd);
    match crate::load::load(&root) {
        Ok(loaded) => names(&loaded.repository),
        Err(_) => (Vec::new(), Vec::new()),
    }
}

/// The value of the last `--root` among `words` (`--root DIR` or
/// `--root=DIR`), relative to `cwd`.
pub(crate) fn root_in(words: &[OsString], cwd: &Path) -> Option<PathBuf> {
    let mut found = None;
    for (i, word) in words.iter().enumerate() {
        let text = word.to_string_lossy();
        if text == "--root" {
            found = words.get(i + 1).cloned();
        } else if let Some(value) = text.strip_prefix("--root=") {
            found = Some(OsString::from(value));
        }
    }
    found.filter(|f| !f.is_empty()).map(|f| cwd.join(f))
}

/// `values` that start with `current`, ignoring case (owners are matched
/// ignoring case, so `sec` completes `Security Officer`).
pub(crate) fn starting_with(values: Vec<String>, current: &str) -> Vec<String> {
    let current = current.to_lowercase();
    values
        .into_iter()
        .filter(|v| v.to_lowercase().starts_with(&current))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_is_the_last_one_given() {
        let words = |w: &[&str]| w.iter().map(OsString::from).collect::<Vec<_>>();
        let cwd = Path::new("/here");
        assert_eq!(root_in(&words(&["comply", "due"]), cwd), None);
        assert_eq!(
            root_in(&words(&["comply", "--root", "a", "due", "--root=b"]), cwd),
            Some(PathBuf::from("/here/b"))
        );
        assert_eq!(
            root_in(&words(&["comply", "due", "--root", "/abs"]), cwd),
            Some(PathBuf::from("/abs"))
        );
        assert_eq!(root_in(&words(&["comply", "due", "--root"]), cwd), None);
    }

    #[test]
    fn completion_ignores_case() {
        let owners = vec![
            "Security Officer".to_string(),
            "sales".to_string(),
            "Ops".into(),
        ];
        assert_eq!(
            starting_with(owners.clone(), "s"),
            ["Security Officer", "sales"]
        );
        assert_eq!(starting_with(owners.clone(), "SEC"), ["Security Officer"]);
        assert_eq!(
            starting_with(owners, ""),
            ["Security Officer", "sales", "Ops"]
        );
    }
}
