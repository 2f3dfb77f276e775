//! The CI gate: which items fail `comply check`, and why.
//!
//! An item at or above the threshold risk offends when it is overdue, or when
//! it is marked done while any of its evidence is not present.

use chrono::NaiveDate;
use serde::Serialize;

use std::collections::{HashMap, HashSet};

pub(crate) use super::views::SubjectKind;
use super::views::{ControlView, EvidenceView, ItemState, ItemView, SourceRef, subject_of};
use crate::acceptance::{Acceptance, AcceptanceState, InForce, Target};
use crate::audit::{Audit, CellState};
use crate::evidence::EvidenceState;
use crate::model::{ItemStatus, Risk};
pub(crate) use crate::text::plural;

/// Why an item fails the gate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub(crate) enum Reason {
    /// Open past its due date.
    Overdue {
        /// The due date.
        due: NaiveDate,
        /// Days past it.
        days_late: i64,
    },
    /// Marked done, but some evidence is not present.
    DoneWithoutEvidence {
        /// The evidence paths that are not present.
        paths: Vec<String>,
    },
    /// A recurring activity with no date (no `last_done`, no commit of its
    /// evidence) whose evidence is not present: nothing proves it was ever
    /// done.
    EvidenceMissing {
        /// The evidence paths that are not present.
        paths: Vec<String>,
    },
    /// Some evidence is older than its `max_age_days` (`--fail-on-stale`).
    StaleEvidence {
        /// The stale evidence paths.
        paths: Vec<String>,
    },
    /// Periods of a recurring activity inside the audit period with no
    /// evidence (`--audit`).
    PeriodsMissing {
        /// The periods (`2026-Q2`).
        periods: Vec<String>,
    },
    /// A risk acceptance has run out.
    AcceptanceExpired {
        /// The day it ran out.
        expires: NaiveDate,
    },
}

/// An offender the gate skipped because a risk acceptance covers it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub(crate) struct Accepted {
    /// The offender.
    #[serde(flatten)]
    pub(crate) offender: Offender,
    /// Who approved the acceptance.
    pub(crate) approved_by: String,
    /// Until when.
    pub(crate) until: NaiveDate,
    /// Why the risk is accepted.
    pub(crate) acceptance_reason: String,
    /// Where the acceptance is defined.
    pub(crate) acceptance_source: SourceRef,
}

/// Something the gate judged, whether it passed or not: every item and
/// review at or above the threshold, every control with `--fail-on-stale`,
/// every risk acceptance in scope. JUnit writes one test case each.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub(crate) struct Checked {
    /// What it is.
    pub(crate) kind: SubjectKind,
    /// Its id (an acceptance's target as written).
    pub(crate) id: String,
    /// Its title (an acceptance's reason).
    pub(crate) title: String,
    /// Its framework (empty for a review without one).
    pub(crate) framework: String,
    /// Where it is defined.
    pub(crate) source: SourceRef,
}

/// One item (or, for stale evidence, control) that fails the gate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub(crate) struct Offender {
    /// What offends.
    pub(crate) kind: SubjectKind,
    /// Item or control id.
    pub(crate) id: String,
    /// Title.
    pub(crate) title: String,
    /// Framework id.
    pub(crate) framework: String,
    /// Risk (an item's risk, a control's severity).
    pub(crate) risk: Risk,
    /// Owner, if any.
    pub(crate) owner: Option<String>,
    /// Where it is defined.
    pub(crate) source: SourceRef,
    /// What a risk acceptance must name to cover it.
    #[serde(skip)]
    pub(crate) subject: Target,
    /// The index in [`Gate::checked`] of the subject it belongs to.
    #[serde(skip)]
    pub(crate) case: usize,
    /// Why it offends.
    #[serde(flatten)]
    pub(crate) reason: Reason,
}

impl Reason {
    /// The reason's code, as in JSON's `reason` and JUnit's failure `type`.
    pub(crate) fn code(&self) -> &'static str {
        match self {
            Reason::Overdue { .. } => "overdue",
            Reason::DoneWithoutEvidence { .. } => "done-without-evidence",
            Reason::EvidenceMissing { .. } => "evidence-missing",
            Reason::StaleEvidence { .. } => "stale-evidence",
            Reason::PeriodsMissing { .. } => "periods-missing",
            Reason::AcceptanceExpired { .. } => "acceptance-expired",
        }
    }
}

/// The gate's verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub(crate) struct Gate {
    /// Whether nothing offends.
    pub(crate) passed: bool,
    /// The threshold used.
    pub(crate) fail_on: Risk,
    /// Whether stale evidence fails the gate too.
    pub(crate) fail_on_stale: bool,
    /// Every offender, highest risk first, then most days late, then id.
    pub(crate) offenders: Vec<Offender>,
    /// Offenders skipped because a risk acceptance covers them, in the same
    /// order.
    pub(crate) accepted: Vec<Accepted>,
    /// Every risk acceptance in scope, with its state, in file order.
    pub(crate) acceptances: Vec<Acceptance>,
    /// Everything the gate judged: items and reviews (by id), then controls
    /// and acceptances (in file order).
    pub(crate) checked: Vec<Checked>,
    /// Why the verdict cannot be given, when it depends on git history that
    /// is unavailable; the gate then does not pass.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) undetermined: Option<String>,
}

impl Gate {
    /// Marks the verdict undetermined: it depends on git history that is
    /// unavailable for the reason `why`.
    pub(crate) fn undetermine(&mut self, why: &str) {
        self.passed = false;
        self.undetermined = Some(why.to_string());
    }
}

/// Evaluates the gate over analysed items and reviews and, with
/// `fail_on_stale`, controls; offenders a risk acceptance in force covers
/// are set apart (looked up by key), and expired acceptances offend unless
/// a later one of the same target is in force.
pub(crate) fn evaluate(
    items: &[ItemView],
    controls: &[ControlView],
    acceptances: &[Acceptance],
    fail_on: Risk,
    fail_on_stale: bool,
) -> Gate {
    let mut offenders: Vec<Offender> = Vec::new();
    let mut checked: Vec<Checked> = Vec::new();
    for item in items.iter().filter(|i| i.risk.at_least(fail_on)) {
        let case = checked.len();
        checked.push(Checked {
            kind: item.kind,
            id: item.id.clone(),
            title: item.title.clone(),
            framework: item.framework.clone(),
            source: item.source.clone(),
        });
        let mut reasons = vec![offence(item)];
        // A control's cadence is judged stale as the control itself.
        if fail_on_stale && !item.is_control_cadence() {
            reasons.push(stale(&item.evidence));
        }
        for reason in reasons.into_iter().flatten() {
            offenders.push(Offender {
                kind: item.kind,
                id: item.id.clone(),
                title: item.title.clone(),
                framework: item.framework.clone(),
                risk: item.risk,
                owner: item.owner.clone(),
                source: item.source.clone(),
                subject: item.subject(),
                case,
                reason,
            });
        }
    }
    if fail_on_stale {
        for control in controls {
            let Some(severity) = control.severity.filter(|s| s.at_least(fail_on)) else {
                continue;
            };
            let case = checked.len();
            checked.push(Checked {
                kind: SubjectKind::Control,
                id: control.id.clone(),
                title: control.title.clone(),
                framework: control.framework.clone(),
                source: control.source.clone(),
            });
            if let Some(reason) = stale(&control.evidence) {
                offenders.push(Offender {
                    kind: SubjectKind::Control,
                    id: control.id.clone(),
                    title: control.title.clone(),
                    framework: control.framework.clone(),
                    risk: severity,
                    owner: control.owner.clone(),
                    source: control.source.clone(),
                    subject: control.subject(),
                    case,
                    reason,
                });
            }
        }
    }
    let in_force = InForce::new(acceptances);
    let mut accepted = Vec::new();
    offenders.retain(|offender| {
        if in_force.is_empty() {
            return true;
        }
        let covering = in_force
            .get(&offender.subject)
            .or_else(|| match &offender.reason {
                Reason::DoneWithoutEvidence { paths }
                | Reason::StaleEvidence { paths }
                | Reason::EvidenceMissing { paths } => in_force.covering_paths(paths),
                Reason::Overdue { .. }
                | Reason::PeriodsMissing { .. }
                | Reason::AcceptanceExpired { .. } => None,
            });
        match covering {
            Some(acceptance) => {
                accepted.push(Accepted {
                    offender: offender.clone(),
                    approved_by: acceptance.approved_by.clone(),
                    until: acceptance.expires,
                    acceptance_reason: acceptance.reason.clone(),
                    acceptance_source: acceptance.source.clone(),
                });
                false
            }
            None => true,
        }
    });
    let holders = holders(items, controls, acceptances);
    for acceptance in acceptances {
        let holder = holders.get(&acceptance.subject);
        let case = checked.len();
        checked.push(Checked {
            kind: SubjectKind::Acceptance,
            id: acceptance.target.clone(),
            title: acceptance.reason.clone(),
            framework: holder.map(|h| h.framework.to_string()).unwrap_or_default(),
            source: acceptance.source.clone(),
        });
        // An expired acceptance carries its target's risk (a control
        // without severity: the threshold), and offends at or above the
        // threshold unless a later acceptance of the target is in force.
        let risk = holder.and_then(|h| h.risk).unwrap_or(fail_on);
        if acceptance.state != AcceptanceState::Expired
            || !risk.at_least(fail_on)
            || in_force.get(&acceptance.subject).is_some()
        {
            continue;
        }
        offenders.push(Offender {
            kind: SubjectKind::Acceptance,
            id: acceptance.target.clone(),
            title: acceptance.reason.clone(),
            framework: holder.map(|h| h.framework.to_string()).unwrap_or_default(),
            risk,
            owner: holder.and_then(|h| h.owner.map(str::to_string)),
            source: acceptance.source.clone(),
            subject: acceptance.subject.clone(),
            case,
            reason: Reason::AcceptanceExpired {
                expires: acceptance.expires,
            },
        });
    }
    offenders.sort_by_cached_key(order);
    accepted.sort_by_cached_key(|a| order(&a.offender));
    Gate {
        passed: offenders.is_empty(),
        fail_on,
        fail_on_stale,
        offenders,
        accepted,
        acceptances: acceptances.to_vec(),
        checked,
        undetermined: None,
    }
}

/// The order of offenders: highest risk first, then most days late, then
/// kind and id.
fn order(o: &Offender) -> (Risk, i64, SubjectKind, String) {
    (o.risk, -days_late(o), o.kind, o.id.clone())
}

/// Folds the audit grid into the gate (`comply check --audit`): every
/// recurring activity at or above the threshold is checked, and one with
/// missing periods offends, unless a risk acceptance in force names it.
pub(crate) fn fold_audit(gate: &mut Gate, audit: &Audit) {
    let in_force = InForce::new(&gate.acceptances);
    let mut offenders = Vec::new();
    let mut accepted = Vec::new();
    for activity in audit
        .activities
        .iter()
        .filter(|a| a.risk.at_least(gate.fail_on))
    {
        let framework = activity.framework.clone().unwrap_or_default();
        // The activity is one subject, already checked for being overdue.
        let case = match gate
            .checked
            .iter()
            .position(|c| c.kind == SubjectKind::Review && c.id == activity.id)
        {
            Some(case) => case,
            None => {
                gate.checked.push(Checked {
                    kind: SubjectKind::Review,
                    id: activity.id.clone(),
                    title: activity.title.clone(),
                    framework: framework.clone(),
                    source: activity.source.clone(),
                });
                gate.checked.len() - 1
            }
        };
        let periods: Vec<String> = activity
            .cells
            .iter()
            .filter(|c| c.state == CellState::Missing)
            .map(|c| c.period.clone())
            .collect();
        if periods.is_empty() {
            continue;
        }
        let offender = Offender {
            kind: SubjectKind::Review,
            id: activity.id.clone(),
            title: activity.title.clone(),
            framework,
            risk: activity.risk,
            owner: activity.owner.clone(),
            source: activity.source.clone(),
            subject: subject_of(SubjectKind::Review, &activity.id),
            case,
            reason: Reason::PeriodsMissing { periods },
        };
        match in_force.get(&offender.subject) {
            Some(acceptance) => accepted.push(Accepted {
                offender,
                approved_by: acceptance.approved_by.clone(),
                until: acceptance.expires,
                acceptance_reason: acceptance.reason.clone(),
                acceptance_source: acceptance.source.clone(),
            }),
            None => offenders.push(offender),
        }
    }
    gate.passed = gate.passed && offenders.is_empty();
    gate.offenders.extend(offenders);
    gate.accepted.extend(accepted);
    gate.offenders.sort_by_cached_key(order);
    gate.accepted.sort_by_cached_key(|a| order(&a.offender));
}

/// Where a subject belongs: its framework, owner and risk.
#[derive(Clone, Copy)]
struct Holder<'a> {
    framework: &'a str,
    owner: Option<&'a str>,
    risk: Option<Risk>,
}

/// The holder of every item, review, control and evidence path that one of
/// `acceptances` names (for a path listed more than once: the first
/// holder's framework and owner, the most severe risk).
fn holders<'a>(
    items: &'a [ItemView],
    controls: &'a [ControlView],
    acceptances: &[Acceptance],
) -> HashMap<Target, Holder<'a>> {
    let mut map: HashMap<Target, Holder<'a>> = HashMap::new();
    // Only what some acceptance names is indexed: every item, control and
    // evidence path would cost more than the rest of the gate.
    if acceptances.is_empty() {
        return map;
    }
    let wanted: HashSet<&Target> = acceptances.iter().map(|a| &a.subject).collect();
    let paths: HashSet<&str> = wanted
        .iter()
        .filter_map(|t| match t {
            Target::Evidence { path } => Some(path.as_str()),
            _ => None,
        })
        .collect();
    let mut add = |subject: Target, holder: Holder<'a>, evidence: &'a [EvidenceView]| {
        for e in evidence.iter().filter(|e| paths.contains(e.path.as_str())) {
            let path = Target::Evidence {
                path: e.path.clone(),
            };
            map.entry(path)
                .and_modify(|h| h.risk = most_severe(h.risk, holder.risk))
                .or_insert(holder);
        }
        if wanted.contains(&subject) {
            map.insert(subject, holder);
        }
    };
    for item in items {
        let holder = Holder {
            framework: &item.framework,
            owner: item.owner.as_deref(),
            risk: Some(item.risk),
        };
        add(item.subject(), holder, &item.evidence);
    }
    for control in controls {
        let holder = Holder {
            framework: &control.framework,
            owner: control.owner.as_deref(),
            risk: control.severity,
        };
        add(control.subject(), holder, &control.evidence);
    }
    map
}

/// The more severe of two optional risks.
fn most_severe(a: Option<Risk>, b: Option<Risk>) -> Option<Risk> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn days_late(offender: &Offender) -> i64 {
    match offender.reason {
        Reason::Overdue { days_late, .. } => days_late,
        Reason::DoneWithoutEvidence { .. }
        | Reason::PeriodsMissing { .. }
        | Reason::StaleEvidence { .. }
        | Reason::EvidenceMissing { .. }
        | Reason::AcceptanceExpired { .. } => 0,
    }
}

fn offence(item: &ItemView) -> Option<Reason> {
    if item.state == ItemState::Overdue {
        return Some(Reason::Overdue {
            due: item.due?,
            days_late: item.days_late?,
        });
    }
    let absent = || -> Vec<String> {
        item.evidence
            .iter()
            .filter(|e| !e.state.is_present())
            .map(|e| e.path.clone())
            .collect()
    };
    // A recurring activity that nothing dates (no `last_done`, no commit
    // of its evidence) and whose evidence is absent was never proven done.
    if item.kind == SubjectKind::Review {
        let paths = if item.last_done.is_none() {
            absent()
        } else {
            Vec::new()
        };
        return (!paths.is_empty()).then_some(Reason::EvidenceMissing { paths });
    }
    if item.status == ItemStatus::Done {
        let paths = absent();
        if !paths.is_empty() {
            return Some(Reason::DoneWithoutEvidence { paths });
        }
    }
    None
}

fn stale(evidence: &[EvidenceView]) -> Option<Reason> {
    let paths: Vec<String> = evidence
        .iter()
        .filter(|e| e.state == EvidenceState::Stale)
        .map(|e| e.path.clone())
        .collect();
    (!paths.is_empty()).then_some(Reason::StaleEvidence { paths })
}
