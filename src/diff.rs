//! Review diffs: what changed between two states of a repository, in the
//! terms of a review meeting. Pure.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::model::{Item, Repository};

/// A value that changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub(crate) struct Changed {
    /// The item or control (`framework:id`).
    pub(crate) id: String,
    /// Its title now.
    pub(crate) title: String,
    /// Before.
    pub(crate) from: String,
    /// After.
    pub(crate) to: String,
}

/// An item or evidence path that came or went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub(crate) struct Listed {
    /// Item id, or evidence path.
    pub(crate) id: String,
    /// Title, or the items and controls naming the evidence.
    pub(crate) title: String,
}

/// Everything a review meeting asks about, each list sorted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub(crate) struct ReviewDiff {
    /// Items that are new, or were closed and are open again.
    pub(crate) opened: Vec<Listed>,
    /// Items now done or won't do (or removed).
    pub(crate) closed: Vec<Listed>,
    /// Items whose due date moved.
    pub(crate) redated: Vec<Changed>,
    /// Items with a new owner.
    pub(crate) reowned: Vec<Changed>,
    /// Items with a new risk.
    pub(crate) rescored: Vec<Changed>,
    /// Controls whose status changed.
    pub(crate) controls: Vec<Changed>,
    /// Evidence paths now named that were not.
    pub(crate) evidence_added: Vec<Listed>,
    /// Evidence paths no longer named.
    pub(crate) evidence_removed: Vec<Listed>,
    /// Evidence paths whose files changed.
    pub(crate) evidence_changed: Vec<Listed>,
}

fn text(value: Option<&str>) -> String {
    value.unwrap_or("-").to_string()
}

/// Evidence paths with the ids that name them.
fn evidence_users(repo: &Repository) -> BTreeMap<String, BTreeSet<String>> {
    let mut users: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for framework in &repo.frameworks {
        for control in &framework.controls {
            for e in &control.evidence {
                users
                    .entry(e.path.clone())
                    .or_default()
                    .insert(format!("{}:{}", framework.id, control.id));
            }
        }
    }
    for item in &repo.items {
        for e in &item.evidence {
            users
                .entry(e.path.clone())
                .or_default()
                .insert(item.id.clone());
        }
    }
    for review in &repo.reviews {
        for e in &review.evidence {
            users
                .entry(e.path.clone())
                .or_default()
                .insert(review.id.clone());
        }
    }
    users
}

/// The changes from `before` to `after`. `changed_paths` are the evidence
/// paths (as written) whose files differ between the two states.
pub(crate) fn diff(
    before: &Repository,
    after: &Repository,
    changed_paths: &BTreeSet<String>,
) -> ReviewDiff {
    let mut d = ReviewDiff::default();
    let old: BTreeMap<&str, &Item> = before.items.iter().map(|i| (i.id.as_str(), i)).collect();
    let listed = |i: &Item| Listed {
        id: i.id.clone(),
        title: i.title.clone(),
    };
    for item in &after.items {
        let Some(was) = old.get(item.id.as_str()) else {
            if !item.status.is_closed() {
                d.opened.push(listed(item));
            }
            continue;
        };
        match (was.status.is_closed(), item.status.is_closed()) {
            (true, false) => d.opened.push(listed(item)),
            (false, true) => d.closed.push(listed(item)),
            _ => {}
        }
        let changed = |from: String, to: String| Changed {
            id: item.id.clone(),
            title: item.title.clone(),
            from,
            to,
        };
        let due = |i: &Item| {
            i.due
                .date()
                .map_or_else(|| "TBD".to_string(), |d| d.to_string())
        };
        if was.due != item.due {
            d.redated.push(changed(due(was), due(item)));
        }
        if was.owner != item.owner {
            d.reowned.push(changed(
                text(was.owner.as_deref()),
                text(item.owner.as_deref()),
            ));
        }
        if was.risk != item.risk {
            d.rescored
                .push(changed(was.risk.to_string(), item.risk.to_string()));
        }
    }
    let now: BTreeSet<&str> = after.items.iter().map(|i| i.id.as_str()).collect();
    for item in before
        .items
        .iter()
        .filter(|i| !now.contains(i.id.as_str()) && !i.status.is_closed())
    {
        d.closed.push(Listed {
            id: item.id.clone(),
            title: format!("{} (removed)", item.title),
        });
    }
    let statuses: BTreeMap<(&str, &str), _> = before
        .frameworks
        .iter()
        .flat_map(|f| {
            f.controls
                .iter()
                .map(move |c| ((f.id.as_str(), c.id.as_str()), c.status))
        })
        .collect();
    for framework in &after.frameworks {
        for control in &framework.controls {
            match statuses.get(&(framework.id.as_str(), control.id.as_str())) {
                Some(old) if *old != control.status => d.controls.push(Changed {
                    id: format!("{}:{}", framework.id, control.id),
                    title: control.title.clone(),
                    from: old.to_string(),
                    to: control.status.to_string(),
                }),
                _ => {}
            }
        }
    }
    let (was, is) = (evidence_users(before), evidence_users(after));
    let users = |set: &BTreeSet<String>| set.iter().cloned().collect::<Vec<_>>().join(", ");
    for (path, by) in &is {
        if !was.contains_key(path) {
            d.evidence_added.push(Listed {
                id: path.clone(),
                title: users(by),
            });
        } else if changed_paths.contains(path) {
            d.evidence_changed.push(Listed {
                id: path.clone(),
                title: users(by),
            });
        }
    }
    for (path, by) in &was {
        if !is.contains_key(path) {
            d.evidence_removed.push(Listed {
                id: path.clone(),
                title: users(by),
            });
        }
    }
    d
}
