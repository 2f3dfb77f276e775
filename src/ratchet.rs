//! The ratchet: what got worse and what got better between a baseline
//! analysis (a git revision) and now. Pure.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::acceptance::{InForce, Target};
use crate::analysis::{Analysis, EvidenceView, SourceRef};
use crate::model::ControlStatus;

word_enum! {
    /// What a ratchet change is about; in the order changes are listed.
    ChangeKind {
        /// A control's status.
        Control = "control",
        /// An evidence entry's state.
        Evidence = "evidence",
        /// An offender of the gate.
        Offender = "offender",
    }
}

/// One thing that changed for better or worse.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
pub(crate) struct Change {
    /// `offender`, `evidence` or `control`.
    #[schemars(with = "String")]
    pub(crate) kind: ChangeKind,
    /// The item, review or control id (with framework for controls), or the
    /// evidence path.
    pub(crate) id: String,
    /// What changed, in words.
    pub(crate) detail: String,
    /// Where the thing that changed is defined now (the item's, review's or
    /// control's line), for annotations; none for what no longer exists.
    #[serde(skip)]
    #[schemars(skip)]
    pub(crate) source: Option<SourceRef>,
}

/// Worse and better, each sorted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub(crate) struct Comparison {
    /// What got worse: these fail the ratchet.
    pub(crate) worse: Vec<Change>,
    /// What got better.
    pub(crate) improved: Vec<Change>,
}

/// Offenders by (kind, id, what they fail on), with their description and
/// source.
type Offenders = BTreeMap<(String, String, &'static str), (String, SourceRef)>;

/// [`Offenders`] of `analysis`.
fn offenders(analysis: &Analysis) -> Offenders {
    analysis
        .gate
        .offenders
        .iter()
        .map(|o| {
            (
                (o.kind.to_string(), o.id.clone(), o.reason.code()),
                (o.describe(), o.source.clone()),
            )
        })
        .collect()
}

/// Evidence entries that are not present or are stale, by (owner, path),
/// with their state and the source of the item or control listing them; an
/// entry a risk acceptance in force covers (its path,
/// or the item or control that lists it) is left out, as the gate leaves
/// it out.
fn unhealthy(analysis: &Analysis) -> BTreeMap<(String, String), (String, SourceRef)> {
    let in_force = InForce::new(&analysis.gate.acceptances);
    let entry = |owner: String, subject: &Target, source: &SourceRef, e: &EvidenceView| {
        let bad = !e.state.is_present() || e.state == crate::evidence::EvidenceState::Stale;
        let accepted = in_force.get(subject).is_some()
            || in_force
                .get(&Target::Evidence {
                    path: e.path.clone(),
                })
                .is_some();
        (bad && !accepted).then(|| {
            (
                (owner, e.path.clone()),
                (e.state.as_str().to_string(), source.clone()),
            )
        })
    };
    let mut all = BTreeMap::new();
    for c in &analysis.controls {
        let subject = c.subject();
        let owner = format!("{}:{}", c.framework, c.id);
        all.extend(
            c.evidence
                .iter()
                .filter_map(|e| entry(owner.clone(), &subject, &c.source, e)),
        );
    }
    for i in &analysis.items {
        let subject = i.subject();
        all.extend(
            i.evidence
                .iter()
                .filter_map(|e| entry(i.id.clone(), &subject, &i.source, e)),
        );
    }
    all
}

/// Higher is better; not-applicable is outside the scale.
fn rank(status: ControlStatus) -> Option<u8> {
    match status {
        ControlStatus::Implemented => Some(3),
        ControlStatus::Partial => Some(2),
        ControlStatus::Planned => Some(1),
        ControlStatus::Missing => Some(0),
        ControlStatus::NotApplicable => None,
    }
}

/// Compares `now` with `baseline`.
pub(crate) fn compare(baseline: &Analysis, now: &Analysis) -> Comparison {
    let mut result = Comparison::default();
    let (before, after) = (offenders(baseline), offenders(now));
    for (key, (detail, source)) in &after {
        if !before.contains_key(key) {
            result.worse.push(Change {
                kind: ChangeKind::Offender,
                id: key.1.clone(),
                detail: format!("new offender ({}): {detail}", key.0),
                source: Some(source.clone()),
            });
        }
    }
    for (key, (detail, _)) in &before {
        if !after.contains_key(key) {
            result.improved.push(Change {
                kind: ChangeKind::Offender,
                id: key.1.clone(),
                detail: format!("no longer offends ({}): was {detail}", key.0),
                source: None,
            });
        }
    }
    let (before, after) = (unhealthy(baseline), unhealthy(now));
    for ((owner, path), (state, source)) in &after {
        if before.get(&(owner.clone(), path.clone())).map(|(s, _)| s) != Some(state) {
            result.worse.push(Change {
                kind: ChangeKind::Evidence,
                id: path.clone(),
                detail: format!("evidence of {owner} is now {state}"),
                source: Some(source.clone()),
            });
        }
    }
    for ((owner, path), (state, _)) in &before {
        if !after.contains_key(&(owner.clone(), path.clone())) {
            result.improved.push(Change {
                kind: ChangeKind::Evidence,
                id: path.clone(),
                detail: format!("evidence of {owner} is no longer {state}"),
                source: None,
            });
        }
    }
    let statuses: BTreeMap<(&str, &str), ControlStatus> = baseline
        .controls
        .iter()
        .map(|c| ((c.framework.as_str(), c.id.as_str()), c.status))
        .collect();
    for control in &now.controls {
        let Some(old) = statuses.get(&(control.framework.as_str(), control.id.as_str())) else {
            continue;
        };
        let (Some(was), Some(is)) = (rank(*old), rank(control.status)) else {
            continue;
        };
        let change = Change {
            kind: ChangeKind::Control,
            id: format!("{}:{}", control.framework, control.id),
            detail: format!("status {old} -> {}", control.status),
            source: Some(control.source.clone()),
        };
        if is < was {
            result.worse.push(change);
        } else if is > was {
            result.improved.push(change);
        }
    }
    let dedup = |list: &mut Vec<Change>| {
        let set: BTreeSet<Change> = list.drain(..).collect();
        list.extend(set);
    };
    dedup(&mut result.worse);
    dedup(&mut result.improved);
    result
}
