//! Completing values from the repository: framework ids and owners, for
//! shells registered with clap_complete's dynamic completion
//! (`source <(COMPLETE=bash comply)`).

use std::collections::BTreeSet;
use std::path::Path;

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

/// [`names`] of the repository whose root `cwd` resolves to; nothing when
/// it cannot be read (completion must never fail loudly).
pub(crate) fn names_from(cwd: &Path) -> (Vec<String>, Vec<String>) {
    let (root, _) = crate::load::resolve_root(None, cwd);
    match crate::load::load(&root) {
        Ok(loaded) => names(&loaded.repository),
        Err(_) => (Vec::new(), Vec::new()),
    }
}
