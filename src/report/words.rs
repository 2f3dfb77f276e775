//! The words of the analysis's data: why an offender fails, the gate's
//! verdict line, what changed for the ratchet. The pure
//! core decides; the report and the renderers say it.

use crate::analysis::EvidenceDetail;
use crate::audit::CellState;
use crate::gate::{Gate, Reason, SubjectKind};
use crate::ratchet::Detail;
use crate::text::plural;

/// The compact mark of one period in the audit grid.
pub(crate) fn audit_mark(state: CellState) -> &'static str {
    match state {
        CellState::Covered => "ok",
        CellState::Late => "late",
        CellState::Missing => "MISS",
        CellState::Open => "..",
    }
}

/// The verdict's word: passed, failed or undetermined.
pub(crate) fn gate_word(gate: &Gate) -> &'static str {
    match (gate.passed, &gate.undetermined) {
        (_, Some(_)) => "undetermined",
        (true, None) => "passed",
        (false, None) => "failed",
    }
}

/// The one-line verdict printed last by `status` and `check`.
pub(crate) fn gate_summary(gate: &Gate) -> String {
    format!("gate {}: {}", gate_word(gate), gate_explanation(gate))
}

/// The verdict's reason, without the "gate passed/failed" prefix.
pub(crate) fn gate_explanation(gate: &Gate) -> String {
    if let Some(why) = &gate.undetermined {
        return format!(
            "it depends on git history that is unavailable ({why}); `comply check` \
             refuses to judge without it unless given --without-history"
        );
    }
    if gate.passed {
        let accepted = match gate.accepted.len() {
            0 => String::new(),
            n => format!(" ({n} {} accepted as a risk)", plural(n, "offender")),
        };
        return format!(
            "no item at risk {} or above is overdue or done without evidence{accepted}",
            gate.fail_on
        );
    }
    let count = |f: fn(&Reason) -> bool| gate.offenders.iter().filter(|o| f(&o.reason)).count();
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
    let missing = count(|r| matches!(r, Reason::EvidenceMissing { .. }));
    if missing > 0 {
        parts.push(format!("{missing} recurring without evidence"));
    }
    let periods = count(|r| matches!(r, Reason::PeriodsMissing { .. }));
    if periods > 0 {
        parts.push(format!("{periods} recurring with audit periods missing"));
    }
    let expired = count(|r| matches!(r, Reason::AcceptanceExpired { .. }));
    if expired > 0 {
        parts.push(format!(
            "{expired} expired risk {}",
            plural(expired, "acceptance")
        ));
    }
    // One subject offending for two reasons (recurring without evidence
    // and audit periods missing) is one entry.
    let n = gate
        .offenders
        .iter()
        .map(|o| (o.kind, o.id.as_str()))
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let noun = if gate
        .offenders
        .iter()
        .all(|o| matches!(o.kind, SubjectKind::Item | SubjectKind::Review))
    {
        "item"
    } else {
        "entry"
    };
    format!(
        "{n} {} at risk {} or above ({})",
        plural(n, noun),
        gate.fail_on,
        parts.join(", ")
    )
}

/// Why an offender fails, in words.
pub(crate) fn describe(reason: &Reason) -> String {
    match reason {
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
        Reason::EvidenceMissing { paths } => {
            format!(
                "recurring, but its evidence is not present: {}",
                paths.join(", ")
            )
        }
        Reason::PeriodsMissing { periods } => {
            format!(
                "no evidence for {} {} of the audit period: {}",
                periods.len(),
                plural(periods.len(), "period"),
                periods.join(", ")
            )
        }
        Reason::AcceptanceExpired { expires } => {
            format!("risk acceptance expired on {expires}")
        }
    }
}

/// What changed for the ratchet, in words.
pub(crate) fn ratchet_detail(detail: &Detail) -> String {
    match detail {
        Detail::NewOffender { subject, reason } => {
            format!("new offender ({subject}): {}", describe(reason))
        }
        Detail::NoLongerOffends { subject, reason } => {
            format!("no longer offends ({subject}): was {}", describe(reason))
        }
        Detail::EvidenceNow { owner, state } => format!("evidence of {owner} is now {state}"),
        Detail::EvidenceNoLonger { owner, state } => {
            format!("evidence of {owner} is no longer {state}")
        }
        Detail::Status { was, is } => format!("status {was} -> {is}"),
    }
}

/// A ratchet change's detail is written as its words.
impl serde::Serialize for Detail {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&ratchet_detail(self))
    }
}

/// Why an evidence entry has its state, in words.
pub(crate) fn evidence_detail(detail: &EvidenceDetail) -> String {
    match detail {
        EvidenceDetail::Stale {
            last_changed,
            days_ago,
            limit_days,
        } => format!("last changed {last_changed} ({days_ago} days ago), limit {limit_days} days"),
        EvidenceDetail::Found(why) => why.clone(),
    }
}

/// An evidence entry's detail is written as its words.
impl serde::Serialize for EvidenceDetail {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&evidence_detail(self))
    }
}
