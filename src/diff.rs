//! Review diffs: what changed between two states of a repository, in the
//! terms of a review meeting. Pure.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::model::{ControlStatus, Item, Repository};

/// A value that changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Changed {
    /// The item or control (`framework:id`).
    pub id: String,
    /// Its title now.
    pub title: String,
    /// Before.
    pub from: String,
    /// After.
    pub to: String,
}

/// An item or evidence path that came or went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Listed {
    /// Item id, or evidence path.
    pub id: String,
    /// Title, or the items and controls naming the evidence.
    pub title: String,
}

/// Everything a review meeting asks about, each list sorted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ReviewDiff {
    /// Items that are new, or were closed and are open again.
    pub opened: Vec<Listed>,
    /// Items now done or won't do (or removed).
    pub closed: Vec<Listed>,
    /// Items whose due date moved.
    pub redated: Vec<Changed>,
    /// Items with a new owner.
    pub reowned: Vec<Changed>,
    /// Items with a new risk.
    pub rescored: Vec<Changed>,
    /// Controls whose status changed.
    pub controls: Vec<Changed>,
    /// Evidence paths now named that were not.
    pub evidence_added: Vec<Listed>,
    /// Evidence paths no longer named.
    pub evidence_removed: Vec<Listed>,
    /// Evidence paths whose files changed.
    pub evidence_changed: Vec<Listed>,
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
pub fn diff(
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
                .map(move |c| ((f.id.as_str(), c.id.as_str()), c.declared()))
        })
        .collect();
    for framework in &after.frameworks {
        for control in &framework.controls {
            match statuses.get(&(framework.id.as_str(), control.id.as_str())) {
                Some(old) if *old != control.declared() => d.controls.push(Changed {
                    id: format!("{}:{}", framework.id, control.id),
                    title: control.title.clone(),
                    from: declared_word(*old),
                    to: declared_word(control.declared()),
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

/// A status as written, or `inherited` when the control has none of its own.
fn declared_word(status: Option<ControlStatus>) -> String {
    status.map_or_else(|| "inherited".to_string(), |s| s.to_string())
}
