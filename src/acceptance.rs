//! Risk acceptances: what each one names, where it stands on the as-of date,
//! and which offenders it covers.
//!
//! One resolution serves `validate` (which rejects a target the gate would
//! not honour) and the analysis (which turns each acceptance into a
//! [`Target`] the gate looks up by key), so the two cannot disagree.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::Repository;
use crate::model::SourceRef;

/// Something a risk acceptance can name, and something the gate can fail:
/// the key both sides are compared by.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub(crate) enum Target {
    /// A backlog item.
    Item {
        /// Its id.
        id: String,
    },
    /// A recurring activity of `reviews/`.
    Review {
        /// Its id.
        id: String,
    },
    /// A control (recurring or not).
    Control {
        /// Its framework.
        framework: String,
        /// Its id.
        id: String,
    },
    /// An evidence path, exactly as some entry writes it.
    Evidence {
        /// The path.
        path: String,
    },
}

word_enum! {
    /// Where a risk acceptance stands on the as-of date.
    AcceptanceState {
        /// Approved to start later: not yet in force.
        Pending = "pending",
        /// In force.
        Active = "active",
        /// In force, ending within the due-soon window.
        Expiring = "expiring",
        /// Ended: itself an offender, unless a later acceptance of the same
        /// target is in force.
        Expired = "expired",
    }
}

impl AcceptanceState {
    /// The state on `as_of` of an acceptance approved on `approved_on` and
    /// ending on `expires`, with a due-soon window of `window` days.
    pub(crate) fn on(
        approved_on: NaiveDate,
        expires: NaiveDate,
        as_of: NaiveDate,
        window: u32,
    ) -> AcceptanceState {
        let left = (expires - as_of).num_days();
        if approved_on > as_of {
            AcceptanceState::Pending
        } else if left < 0 {
            AcceptanceState::Expired
        } else if left <= i64::from(window) {
            AcceptanceState::Expiring
        } else {
            AcceptanceState::Active
        }
    }

    /// Whether the acceptance is in force.
    pub(crate) fn in_force(self) -> bool {
        matches!(self, AcceptanceState::Active | AcceptanceState::Expiring)
    }
}

/// A risk acceptance as the gate sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub(crate) struct Acceptance {
    /// The target as written.
    pub(crate) target: String,
    /// What the target resolves to.
    pub(crate) subject: Target,
    /// Why the risk is accepted.
    pub(crate) reason: String,
    /// Who approved it.
    pub(crate) approved_by: String,
    /// When it was approved.
    pub(crate) approved_on: NaiveDate,
    /// The last day it is in force.
    pub(crate) expires: NaiveDate,
    /// Where it stands.
    pub(crate) state: AcceptanceState,
    /// Where it is defined.
    pub(crate) source: SourceRef,
}

/// Why a written target names nothing the gate can honour.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Unresolved {
    /// No item, review, control or evidence path has this name.
    Unknown,
    /// A bare id that names several things (controls of several
    /// frameworks, or an item or review and a control): what it could mean.
    Ambiguous(Vec<String>),
}

/// The names the repository's risk acceptances use, each indexed once with
/// what it names, so that resolving a target costs O(1). Only what some
/// acceptance writes is indexed: a large estate has a hundred thousand ids
/// and paths and a few acceptances, and hashing every id and path into a
/// table of its own cost more than the rest of their resolution.
pub(crate) struct Targets<'a> {
    items: HashSet<&'a str>,
    reviews: HashSet<&'a str>,
    /// Control id to the frameworks defining it.
    controls: HashMap<&'a str, Vec<&'a str>>,
    evidence: HashSet<&'a str>,
}

impl<'a> Targets<'a> {
    /// The index for resolving `repo`'s risk acceptances, or `None` when it
    /// has none. It resolves the targets those acceptances write and no
    /// other name.
    pub(crate) fn for_acceptances(repo: &'a Repository) -> Option<Targets<'a>> {
        if repo.exceptions.is_empty() {
            return None;
        }
        // What [`Targets::resolve`] looks up: the name as written, and the
        // control id of a `framework:id`.
        let mut wanted: HashSet<&str> = HashSet::new();
        for exception in &repo.exceptions {
            let written = exception.target.id.as_str();
            wanted.insert(written);
            if let Some((_, id)) = written.split_once(':') {
                wanted.insert(id);
            }
        }
        let asked = |name: &&str| wanted.contains(name);
        let mut controls: HashMap<&str, Vec<&str>> = HashMap::new();
        for framework in &repo.frameworks {
            for control in framework.controls.iter().filter(|c| asked(&c.id.as_str())) {
                controls
                    .entry(control.id.as_str())
                    .or_default()
                    .push(framework.id.as_str());
            }
        }
        Some(Targets {
            items: repo
                .items
                .iter()
                .map(|i| i.id.as_str())
                .filter(asked)
                .collect(),
            reviews: repo
                .reviews
                .iter()
                .map(|r| r.id.as_str())
                .filter(asked)
                .collect(),
            controls,
            evidence: repo
                .evidence()
                .map(|e| e.path.as_str())
                .filter(asked)
                .collect(),
        })
    }

    /// What `written` names: `framework:id` of a control, an item id, a
    /// review id, a control id defined in one framework, or an evidence
    /// path, in that order.
    pub(crate) fn resolve(&self, written: &str) -> Result<Target, Unresolved> {
        if let Some((framework, id)) = written.split_once(':')
            && self
                .controls
                .get(id)
                .is_some_and(|fws| fws.contains(&framework))
        {
            return Ok(Target::Control {
                framework: framework.to_string(),
                id: id.to_string(),
            });
        }
        // A bare id names exactly one item, review or control; one that
        // names several is refused, with the spellings that are not.
        let mut found: Vec<Target> = Vec::new();
        if self.items.contains(written) {
            found.push(Target::Item {
                id: written.to_string(),
            });
        }
        if self.reviews.contains(written) {
            found.push(Target::Review {
                id: written.to_string(),
            });
        }
        for framework in self.controls.get(written).into_iter().flatten() {
            found.push(Target::Control {
                framework: (*framework).to_string(),
                id: written.to_string(),
            });
        }
        if found.len() > 1 {
            let mut names: Vec<String> = found
                .iter()
                .map(|t| match t {
                    Target::Control { framework, id } => format!("control {framework}:{id}"),
                    Target::Item { id } => format!("item {id}"),
                    Target::Review { id } => format!("review {id}"),
                    Target::Evidence { path } => format!("evidence {path}"),
                })
                .collect();
            names.sort();
            return Err(Unresolved::Ambiguous(names));
        }
        if let Some(target) = found.pop() {
            return Ok(target);
        }
        if self.evidence.contains(written) {
            return Ok(Target::Evidence {
                path: written.to_string(),
            });
        }
        Err(Unresolved::Unknown)
    }
}

/// The acceptances in force, looked up by target in O(1). Where several
/// name the same target, the one that runs longest wins.
pub(crate) struct InForce<'a> {
    by_target: HashMap<&'a Target, &'a Acceptance>,
}

impl<'a> InForce<'a> {
    /// The index of the acceptances of `all` that are in force.
    pub(crate) fn new(all: &'a [Acceptance]) -> InForce<'a> {
        let mut by_target: HashMap<&Target, &Acceptance> = HashMap::new();
        for acceptance in all.iter().filter(|a| a.state.in_force()) {
            by_target
                .entry(&acceptance.subject)
                .and_modify(|kept| {
                    if acceptance.expires > kept.expires {
                        *kept = acceptance;
                    }
                })
                .or_insert(acceptance);
        }
        InForce { by_target }
    }

    /// Whether no acceptance is in force.
    pub(crate) fn is_empty(&self) -> bool {
        self.by_target.is_empty()
    }

    /// The acceptance in force for `target`, if any.
    pub(crate) fn get(&self, target: &Target) -> Option<&'a Acceptance> {
        self.by_target.get(target).copied()
    }

    /// The acceptance covering every one of `paths` (the one that ends
    /// first), when each path is accepted.
    pub(crate) fn covering_paths(&self, paths: &[String]) -> Option<&'a Acceptance> {
        let mut first: Option<&Acceptance> = None;
        for path in paths {
            let found = self.get(&Target::Evidence { path: path.clone() })?;
            if first.is_none_or(|f| found.expires < f.expires) {
                first = Some(found);
            }
        }
        first
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn states_around_the_window() {
        let as_of = date("2026-01-10");
        let approved = date("2025-06-01");
        let state = |expires| AcceptanceState::on(approved, date(expires), as_of, 14);
        assert_eq!(state("2026-01-09"), AcceptanceState::Expired);
        assert_eq!(state("2026-01-10"), AcceptanceState::Expiring);
        assert_eq!(state("2026-01-24"), AcceptanceState::Expiring);
        assert_eq!(state("2026-01-25"), AcceptanceState::Active);
        assert_eq!(
            AcceptanceState::on(date("2026-01-11"), date("2026-03-01"), as_of, 14),
            AcceptanceState::Pending
        );
    }
}
