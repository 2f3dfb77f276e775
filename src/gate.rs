//! The CI gate: which items fail `comply check`, and why.
//!
//! An item at or above the threshold risk offends when it is overdue, or when
//! it is marked done while any of its evidence is not present.

use chrono::NaiveDate;
use serde::Serialize;

use crate::analysis::{ControlView, EvidenceView, ItemState, ItemView, SourceRef};
use crate::evidence::EvidenceState;
use crate::model::{ItemStatus, Risk};

/// Why an item fails the gate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum Reason {
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
    /// Some evidence is older than its `max_age_days` (`--fail-on-stale`).
    StaleEvidence {
        /// The stale evidence paths.
        paths: Vec<String>,
    },
    /// A risk acceptance has run out.
    AcceptanceExpired {
        /// The day it ran out.
        expires: NaiveDate,
    },
}

/// Where a risk acceptance stands on the as-of date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AcceptanceState {
    /// In force.
    Active,
    /// In force, ending within the due-soon window.
    Expiring,
    /// Ended: itself an offender.
    Expired,
}

/// A risk acceptance as the gate sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Acceptance {
    /// The accepted item, review or control id, or evidence path.
    pub target: String,
    /// Why it is accepted.
    pub reason: String,
    /// Who approved it.
    pub approved_by: String,
    /// The last day it is in force.
    pub expires: NaiveDate,
    /// Where it stands.
    pub state: AcceptanceState,
    /// Where it is defined.
    pub source: SourceRef,
}

impl Acceptance {
    /// Whether this acceptance covers `offender` (by id, `framework:id`, or
    /// every evidence path of an evidence offence).
    fn covers(&self, offender: &Offender) -> bool {
        if self.state == AcceptanceState::Expired {
            return false;
        }
        let qualified = format!("{}:{}", offender.framework, offender.id);
        self.target == offender.id || self.target == qualified
    }
}

/// An offender the gate skipped because a risk acceptance covers it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Accepted {
    /// The offender.
    #[serde(flatten)]
    pub offender: Offender,
    /// Who approved the acceptance.
    pub approved_by: String,
    /// Until when.
    pub until: NaiveDate,
}

/// One item (or, for stale evidence, control) that fails the gate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Offender {
    /// `item` or `control`.
    pub kind: &'static str,
    /// Item or control id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Framework id.
    pub framework: String,
    /// Risk (an item's risk, a control's severity).
    pub risk: Risk,
    /// Owner, if any.
    pub owner: Option<String>,
    /// Where it is defined.
    pub source: SourceRef,
    /// Why it offends.
    #[serde(flatten)]
    pub reason: Reason,
}

impl Offender {
    /// The reason in words, for human output.
    pub fn describe(&self) -> String {
        match &self.reason {
            Reason::Overdue { due, days_late } => {
                format!(
                    "overdue: due {due}, {days_late} {} late",
                    plural(*days_late, "day")
                )
            }
            Reason::DoneWithoutEvidence { paths } => {
                format!("done, but evidence is not present: {}", paths.join(", "))
            }
            Reason::StaleEvidence { paths } => {
                format!("evidence is stale: {}", paths.join(", "))
            }
            Reason::AcceptanceExpired { expires } => {
                format!("risk acceptance expired on {expires}")
            }
        }
    }
}

/// The noun for a count: `day` for 1, `days` otherwise (`entry`/`entries`).
pub fn plural(n: i64, noun: &str) -> String {
    if n == 1 {
        return noun.to_string();
    }
    match noun.strip_suffix('y') {
        Some(stem) if !stem.ends_with(['a', 'e', 'i', 'o', 'u']) => format!("{stem}ies"),
        _ => format!("{noun}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::plural;

    #[test]
    fn plurals() {
        assert_eq!(plural(1, "day"), "day");
        assert_eq!(plural(2, "day"), "days");
        assert_eq!(plural(0, "entry"), "entries");
        assert_eq!(plural(3, "item"), "items");
    }
}

/// The gate's verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Gate {
    /// Whether nothing offends.
    pub passed: bool,
    /// The threshold used.
    pub fail_on: Risk,
    /// Whether stale evidence fails the gate too.
    pub fail_on_stale: bool,
    /// Every offender, highest risk first, then most days late, then id.
    pub offenders: Vec<Offender>,
    /// Offenders skipped because a risk acceptance covers them.
    pub accepted: Vec<Accepted>,
    /// Every risk acceptance with its state.
    pub acceptances: Vec<Acceptance>,
}

impl Gate {
    /// The one-line verdict printed last by `status` and `check`.
    pub fn summary(&self) -> String {
        let word = if self.passed { "passed" } else { "failed" };
        format!("gate {word}: {}", self.explanation())
    }

    /// The verdict's reason, without the "gate passed/failed" prefix.
    pub fn explanation(&self) -> String {
        if self.passed {
            return format!(
                "no item at risk {} or above is overdue or done without evidence",
                self.fail_on
            );
        }
        let count = |f: fn(&Reason) -> bool| self.offenders.iter().filter(|o| f(&o.reason)).count();
        let mut parts = Vec::new();
        for (n, what) in [
            (count(|r| matches!(r, Reason::Overdue { .. })), "overdue"),
            (
                count(|r| matches!(r, Reason::DoneWithoutEvidence { .. })),
                "done without evidence",
            ),
            (
                count(|r| matches!(r, Reason::StaleEvidence { .. })),
                "with stale evidence",
            ),
        ] {
            if n > 0 {
                parts.push(format!("{n} {what}"));
            }
        }
        let n = self.offenders.len() as i64;
        let noun = if self
            .offenders
            .iter()
            .all(|o| o.kind == "item" || o.kind == "review")
        {
            "item"
        } else {
            "entry"
        };
        format!(
            "{n} {} at risk {} or above ({})",
            plural(n, noun),
            self.fail_on,
            parts.join(", ")
        )
    }
}

/// Evaluates the gate over analysed items and reviews and, with
/// `fail_on_stale`, controls; offenders a risk acceptance covers are set
/// apart, and expired acceptances offend.
pub fn evaluate(
    items: &[ItemView],
    controls: &[ControlView],
    acceptances: &[Acceptance],
    fail_on: Risk,
    fail_on_stale: bool,
) -> Gate {
    let mut offenders: Vec<Offender> = Vec::new();
    for item in items.iter().filter(|i| i.risk.at_least(fail_on)) {
        let mut reasons = vec![offence(item)];
        if fail_on_stale {
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
                reason,
            });
        }
    }
    if fail_on_stale {
        for control in controls {
            let Some(severity) = control.severity.filter(|s| s.at_least(fail_on)) else {
                continue;
            };
            if let Some(reason) = stale(&control.evidence) {
                offenders.push(Offender {
                    kind: "control",
                    id: control.id.clone(),
                    title: control.title.clone(),
                    framework: control.framework.clone(),
                    risk: severity,
                    owner: control.owner.clone(),
                    source: control.source.clone(),
                    reason,
                });
            }
        }
    }
    let mut accepted = Vec::new();
    offenders.retain(
        |offender| match acceptances.iter().find(|a| a.covers(offender)) {
            Some(acceptance) => {
                accepted.push(Accepted {
                    offender: offender.clone(),
                    approved_by: acceptance.approved_by.clone(),
                    until: acceptance.expires,
                });
                false
            }
            None => true,
        },
    );
    for acceptance in acceptances
        .iter()
        .filter(|a| a.state == AcceptanceState::Expired)
    {
        offenders.push(Offender {
            kind: "acceptance",
            id: acceptance.target.clone(),
            title: acceptance.reason.clone(),
            framework: String::new(),
            risk: fail_on,
            owner: Some(acceptance.approved_by.clone()),
            source: acceptance.source.clone(),
            reason: Reason::AcceptanceExpired {
                expires: acceptance.expires,
            },
        });
    }
    offenders.sort_by(|a, b| {
        (a.risk, -days_late(a), a.kind, &a.id).cmp(&(b.risk, -days_late(b), b.kind, &b.id))
    });
    Gate {
        passed: offenders.is_empty(),
        fail_on,
        fail_on_stale,
        offenders,
        accepted,
        acceptances: acceptances.to_vec(),
    }
}

fn days_late(offender: &Offender) -> i64 {
    match offender.reason {
        Reason::Overdue { days_late, .. } => days_late,
        Reason::DoneWithoutEvidence { .. }
        | Reason::StaleEvidence { .. }
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
    if item.status == ItemStatus::Done {
        let paths: Vec<String> = item
            .evidence
            .iter()
            .filter(|e| !e.state.is_present())
            .map(|e| e.path.clone())
            .collect();
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
