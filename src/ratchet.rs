//! The ratchet: what got worse and what got better between a baseline
//! analysis (a git revision) and now. Pure.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::acceptance::{InForce, Target};
use std::cmp::Ordering;

use crate::analysis::{Analysis, EvidenceView, SourceRef, SubjectKind};
use crate::evidence::EvidenceState;
use crate::gate::Reason;
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
    #[schemars(with = "String")]
    pub(crate) detail: Detail,
    /// Where the thing that changed is defined now (the item's, review's or
    /// control's line), for annotations; none for what no longer exists.
    #[serde(skip)]
    #[schemars(skip)]
    pub(crate) source: Option<SourceRef>,
}

/// What changed, as data; `report::words` says it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Detail {
    /// An offender that was not one at the baseline.
    NewOffender {
        /// Item, review, control or acceptance.
        subject: SubjectKind,
        /// Why it fails now.
        reason: Reason,
    },
    /// An offender at the baseline that no longer is.
    NoLongerOffends {
        /// Item, review, control or acceptance.
        subject: SubjectKind,
        /// Why it failed.
        reason: Reason,
    },
    /// Evidence that is now not present or stale.
    EvidenceNow {
        /// The item, or `framework:control`, that lists it.
        owner: String,
        /// Its state now.
        state: EvidenceState,
    },
    /// Evidence that was not present or stale at the baseline and no longer
    /// is.
    EvidenceNoLonger {
        /// The item, or `framework:control`, that lists it.
        owner: String,
        /// Its state then.
        state: EvidenceState,
    },
    /// A control's status moved.
    Status {
        /// At the baseline.
        was: ControlStatus,
        /// Now.
        is: ControlStatus,
    },
}

impl Detail {
    /// The order of the words, which the ratchet lists changes by (it did
    /// when details were text): `evidence of ...` before `new offender
    /// ...` before `no longer offends ...` before `status ...`; then the
    /// owner, the subject's kind, and the reason's first word (`done`,
    /// `evidence`, `no`, `overdue`, `recurring`, `risk`). A test compares it with
    /// the words.
    fn key(&self) -> (u8, SubjectKind, u8, &str, u8, &str) {
        let reason_rank = |r: &Reason| match r {
            Reason::DoneWithoutEvidence { .. } => 0,
            Reason::StaleEvidence { .. } => 1,
            Reason::PeriodsMissing { .. } => 2,
            Reason::Overdue { .. } => 3,
            Reason::EvidenceMissing { .. } => 4,
            Reason::AcceptanceExpired { .. } => 5,
        };
        match self {
            Detail::EvidenceNoLonger { owner, .. } => (0, SubjectKind::Item, 0, owner, 0, ""),
            Detail::EvidenceNow { owner, .. } => (0, SubjectKind::Item, 0, owner, 1, ""),
            Detail::NewOffender { subject, reason } => {
                (1, *subject, reason_rank(reason), "", 0, "")
            }
            Detail::NoLongerOffends { subject, reason } => {
                (2, *subject, reason_rank(reason), "", 0, "")
            }
            Detail::Status { was, is } => {
                (3, SubjectKind::Control, 0, was.as_str(), 0, is.as_str())
            }
        }
    }
}

impl Ord for Detail {
    fn cmp(&self, other: &Detail) -> Ordering {
        self.key().cmp(&other.key())
    }
}

impl PartialOrd for Detail {
    fn partial_cmp(&self, other: &Detail) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Worse and better, each sorted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub(crate) struct Comparison {
    /// What got worse: these fail the ratchet.
    pub(crate) worse: Vec<Change>,
    /// What got better.
    pub(crate) improved: Vec<Change>,
}

/// Offenders by (kind, id, what they fail on), with their reason and
/// source.
type Offenders = BTreeMap<(SubjectKind, String, &'static str), (Reason, SourceRef)>;

/// [`Offenders`] of `analysis`.
fn offenders(analysis: &Analysis) -> Offenders {
    analysis
        .gate
        .offenders
        .iter()
        .map(|o| {
            (
                (o.kind, o.id.clone(), o.reason.code()),
                (o.reason.clone(), o.source.clone()),
            )
        })
        .collect()
}

/// Evidence entries that are not present or are stale, by (owner, path),
/// with their state and the source of the item or control listing them; an
/// entry a risk acceptance in force covers (its path,
/// or the item or control that lists it) is left out, as the gate leaves
/// it out.
fn unhealthy(analysis: &Analysis) -> BTreeMap<(String, String), (EvidenceState, SourceRef)> {
    let in_force = InForce::new(&analysis.gate.acceptances);
    let entry = |owner: String, subject: &Target, source: &SourceRef, e: &EvidenceView| {
        let bad = !e.state.is_present() || e.state == EvidenceState::Stale;
        let accepted = in_force.get(subject).is_some()
            || in_force
                .get(&Target::Evidence {
                    path: e.path.clone(),
                })
                .is_some();
        (bad && !accepted).then(|| ((owner, e.path.clone()), (e.state, source.clone())))
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

/// Compares `now` with `baseline`.
pub(crate) fn compare(baseline: &Analysis, now: &Analysis) -> Comparison {
    let mut result = Comparison::default();
    let (before, after) = (offenders(baseline), offenders(now));
    for (key, (reason, source)) in &after {
        if !before.contains_key(key) {
            result.worse.push(Change {
                kind: ChangeKind::Offender,
                id: key.1.clone(),
                detail: Detail::NewOffender {
                    subject: key.0,
                    reason: reason.clone(),
                },
                source: Some(source.clone()),
            });
        }
    }
    for (key, (reason, _)) in &before {
        if !after.contains_key(key) {
            result.improved.push(Change {
                kind: ChangeKind::Offender,
                id: key.1.clone(),
                detail: Detail::NoLongerOffends {
                    subject: key.0,
                    reason: reason.clone(),
                },
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
                detail: Detail::EvidenceNow {
                    owner: owner.clone(),
                    state: *state,
                },
                source: Some(source.clone()),
            });
        }
    }
    for ((owner, path), (state, _)) in &before {
        if !after.contains_key(&(owner.clone(), path.clone())) {
            result.improved.push(Change {
                kind: ChangeKind::Evidence,
                id: path.clone(),
                detail: Detail::EvidenceNoLonger {
                    owner: owner.clone(),
                    state: *state,
                },
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
        let (Some(was), Some(is)) = (old.strength(), control.status.strength()) else {
            continue;
        };
        let change = Change {
            kind: ChangeKind::Control,
            id: format!("{}:{}", control.framework, control.id),
            detail: Detail::Status {
                was: *old,
                is: control.status,
            },
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

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    /// The ratchet lists changes in the order of their words, as it did
    /// when the details were text: the data's order must agree.
    #[test]
    fn details_sort_as_their_words() {
        let day = NaiveDate::from_ymd_opt(2026, 1, 2).unwrap_or_default();
        let paths = vec!["a.md".to_string()];
        let reasons = [
            Reason::Overdue {
                due: day,
                days_late: 3,
            },
            Reason::DoneWithoutEvidence {
                paths: paths.clone(),
            },
            Reason::EvidenceMissing {
                paths: paths.clone(),
            },
            Reason::StaleEvidence { paths },
            Reason::AcceptanceExpired { expires: day },
        ];
        let subjects = [
            SubjectKind::Acceptance,
            SubjectKind::Control,
            SubjectKind::Item,
            SubjectKind::Review,
        ];
        let mut details = Vec::new();
        for subject in subjects {
            for reason in &reasons {
                details.push(Detail::NewOffender {
                    subject,
                    reason: reason.clone(),
                });
                details.push(Detail::NoLongerOffends {
                    subject,
                    reason: reason.clone(),
                });
            }
        }
        for owner in ["A", "A-1", "AB", "iso:A.5", "iso:A.5.1", "soc2:CC6"] {
            details.push(Detail::EvidenceNow {
                owner: owner.to_string(),
                state: EvidenceState::Missing,
            });
            details.push(Detail::EvidenceNoLonger {
                owner: owner.to_string(),
                state: EvidenceState::Stale,
            });
        }
        for (was, is) in [
            (ControlStatus::Partial, ControlStatus::Implemented),
            (ControlStatus::Implemented, ControlStatus::Partial),
            (ControlStatus::Missing, ControlStatus::Planned),
            (ControlStatus::Planned, ControlStatus::Missing),
        ] {
            details.push(Detail::Status { was, is });
        }
        let words = crate::report::words::ratchet_detail;
        let mut by_data = details.clone();
        by_data.sort();
        let mut by_words = details;
        by_words.sort_by_key(words);
        let shown = |list: &[Detail]| list.iter().map(words).collect::<Vec<_>>();
        assert_eq!(shown(&by_data), shown(&by_words));
    }
}
