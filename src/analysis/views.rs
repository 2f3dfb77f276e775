//! What an analysis says about each item, review and control: the views
//! the gate judges and every output renders.

use chrono::NaiveDate;
use serde::Serialize;

use crate::acceptance::Target;
use crate::evidence::EvidenceState;
use crate::git::LastCommit;
pub(crate) use crate::model::SourceRef;
use crate::model::{Cadence, ControlStatus, ItemStatus, Risk};

word_enum! {
    /// Where an item stands on the as-of date.
    ItemState {
        /// Open and past its due date.
        Overdue = "overdue",
        /// Open and due within the due-soon window (due today included).
        DueSoon = "due-soon",
        /// Open, due later than the window.
        Scheduled = "scheduled",
        /// Open without a due date.
        Unscheduled = "unscheduled",
        /// Done or won't do.
        Closed = "closed",
    }
}

word_enum! {
    /// What the gate judges: the kind of an offender or a checked subject.
    SubjectKind {
        /// A risk acceptance (fails when it has run out).
        Acceptance = "acceptance",
        /// A control (with `--fail-on-stale`).
        Control = "control",
        /// A backlog item.
        Item = "item",
        /// A recurring activity.
        Review = "review",
    }
}

/// Why an evidence entry has its state, as data; `report::words` says it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum EvidenceDetail {
    /// Present, but its newest commit is older than its limit.
    Stale {
        /// The newest commit's date.
        last_changed: NaiveDate,
        /// Days from then to the as-of date.
        days_ago: i64,
        /// The entry's age limit in days.
        limit_days: u32,
    },
    /// What resolving the path found (from `evidence`, the I/O edge: a
    /// glob that matches nothing, a zero-byte file, an unreadable path).
    Found(String),
}

/// One evidence entry with its resolved state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub(crate) struct EvidenceView {
    /// The path as written.
    pub(crate) path: String,
    /// The note, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) note: Option<String>,
    /// Present, empty, missing or outside.
    pub(crate) state: EvidenceState,
    /// Why, where the state needs explaining.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub(crate) detail: Option<EvidenceDetail>,
    /// The newest commit among the files the entry covers, when git knows.
    pub(crate) last_change: Option<LastCommit>,
    /// Whether some covered file is modified, added or untracked.
    pub(crate) uncommitted: bool,
    /// Days after `last_change` at which the entry goes stale, if limited.
    pub(crate) max_age_days: Option<u32>,
    /// For a control's evidence inherited through a mapping: the control
    /// (`framework:id`) whose evidence it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) from: Option<String>,
}

/// One backlog item as of the analysis date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub(crate) struct ItemView {
    /// `item` for a backlog item, `review` for a recurring activity.
    pub(crate) kind: SubjectKind,
    /// Item id.
    pub(crate) id: String,
    /// Title.
    pub(crate) title: String,
    /// Framework id.
    pub(crate) framework: String,
    /// Risk.
    pub(crate) risk: Risk,
    /// Owner, if any.
    pub(crate) owner: Option<String>,
    /// Due date, if scheduled.
    pub(crate) due: Option<NaiveDate>,
    /// Status as written.
    pub(crate) status: ItemStatus,
    /// Completion date, if done.
    pub(crate) done: Option<NaiveDate>,
    /// State on the as-of date.
    pub(crate) state: ItemState,
    /// Days past due (negative: days left) for open scheduled items.
    pub(crate) days_late: Option<i64>,
    /// Controls the item closes, as written.
    pub(crate) controls: Vec<String>,
    /// Evidence with states.
    pub(crate) evidence: Vec<EvidenceView>,
    /// Ticked and total checklist steps.
    pub(crate) checklist: Option<Progress>,
    /// Free labels.
    pub(crate) tags: Vec<String>,
    /// For a review: how often it comes round.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub(crate) cadence: Option<Cadence>,
    /// For a review: when it was last done (written down, or the newest
    /// commit touching its evidence, whichever is later).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) last_done: Option<NaiveDate>,
    /// Where the item is defined.
    pub(crate) source: SourceRef,
}

/// How many of a checklist's steps are ticked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub(crate) struct Progress {
    /// Ticked steps.
    pub(crate) done: usize,
    /// All steps.
    pub(crate) total: usize,
}

/// One control with its evidence and remediation state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub(crate) struct ControlView {
    /// Framework id.
    pub(crate) framework: String,
    /// Control id.
    pub(crate) id: String,
    /// Title.
    pub(crate) title: String,
    /// Effective status: the control's own, else the weakest of the
    /// controls that satisfy it; `not-applicable` when it does not apply.
    pub(crate) status: ControlStatus,
    /// When the status is inherited: the controls (`framework:id`) that
    /// gave it; empty when it is the control's own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) status_from: Vec<String>,
    /// The applicable controls (`framework:id`) mapped straight onto this
    /// one, whatever the relation, sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) satisfied_by: Vec<String>,
    /// Whether the control applies.
    pub(crate) applicable: bool,
    /// Why the control does or does not apply, when written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) justification: Option<String>,
    /// Gap severity, if given.
    pub(crate) severity: Option<Risk>,
    /// Owner, if any.
    pub(crate) owner: Option<String>,
    /// Evidence with states.
    pub(crate) evidence: Vec<EvidenceView>,
    /// Backlog items linked either way (the control's `backlog` or the
    /// item's `controls`), and those of the controls that satisfy it,
    /// each once, sorted.
    pub(crate) backlog: Vec<String>,
    /// The items of `backlog` that reach the control through mappings (the
    /// backlog of the controls that satisfy it), sorted; an item may also
    /// be linked directly.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) inherited_items: Vec<String>,
    /// A gap: status `partial`, `planned` or `missing`.
    pub(crate) is_gap: bool,
    /// Unproven: marked `implemented`, but some evidence is not present.
    pub(crate) unproven: bool,
    /// Where the control is defined.
    pub(crate) source: SourceRef,
}

impl ItemView {
    /// Whether this is a control's cadence seen as a review (id
    /// `framework:control`), whose evidence is the control's own.
    pub(crate) fn is_control_cadence(&self) -> bool {
        is_control_subject(self.kind, &self.id)
    }

    /// What a risk acceptance names to cover it: the item, the review, or,
    /// for a control's cadence (id `framework:control`), the control.
    pub(crate) fn subject(&self) -> Target {
        subject_of(self.kind, &self.id)
    }
}

/// Whether [`subject_of`] names a control, without building the target.
fn is_control_subject(kind: SubjectKind, id: &str) -> bool {
    kind == SubjectKind::Review && id.contains(':')
}

/// What a risk acceptance names to cover an item or a recurring activity
/// of kind `kind` and id `id` (a control's cadence: `framework:control`).
pub(crate) fn subject_of(kind: SubjectKind, id: &str) -> Target {
    match (kind, id.split_once(':')) {
        (SubjectKind::Review, Some((framework, id))) => Target::Control {
            framework: framework.to_string(),
            id: id.to_string(),
        },
        (SubjectKind::Review, None) => Target::Review { id: id.to_string() },
        _ => Target::Item { id: id.to_string() },
    }
}

impl ControlView {
    /// What a risk acceptance names to cover it.
    pub(crate) fn subject(&self) -> Target {
        Target::Control {
            framework: self.framework.clone(),
            id: self.id.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_control_subject_is_told_without_building_the_target() {
        let kinds = [
            SubjectKind::Acceptance,
            SubjectKind::Control,
            SubjectKind::Item,
            SubjectKind::Review,
        ];
        for kind in kinds {
            for id in ["a", "iso:A.5", ":", "fw:", ":x", "a:b:c", ""] {
                let built = matches!(subject_of(kind, id), Target::Control { .. });
                assert_eq!(is_control_subject(kind, id), built, "{kind} {id}");
            }
        }
    }
}
