//! Backlog items and controls from the fields of a row or a heading:
//! statuses, dates, risks, evidence and what is noted on the way.

use chrono::NaiveDate;

use super::doc::Inline;
use super::found::{Fields, Found, Note, PageContext, tag};
use super::ids;
use super::vocab::{self, Column};
use crate::format::{
    ChecklistStep, ControlEntry, EvidenceDetails, EvidenceEntry, ItemEntry, Spanned,
};
use crate::model::{ControlStatus, Due, ItemStatus};

/// `5.1` in an ISO 27001 Statement of Applicability or under an "Annex A"
/// heading is the Annex A control `A.5.1`.
///
/// A number that cannot be a clause of ISO 27001:2022 (`5.15`, `8.24`: the
/// clauses stop at 5.3, 6.3, 7.5 and 8.3) is Annex A anywhere.
pub(super) fn bare_iso(framework: &str, annex_a: bool, id: String) -> String {
    let not_a_clause = match id.split_once('.') {
        Some((major, minor)) if !minor.contains('.') => {
            match (major.parse::<u32>(), minor.parse::<u32>()) {
                (Ok(5), Ok(m)) => m > 3,
                (Ok(6), Ok(m)) => m > 3,
                (Ok(7), Ok(m)) => m > 5,
                (Ok(8), Ok(m)) => m > 3,
                _ => false,
            }
        }
        _ => false,
    };
    if framework == "iso27001"
        && (annex_a || not_a_clause)
        && id.starts_with(|c: char| c.is_ascii_digit())
    {
        format!("A.{id}")
    } else {
        id
    }
}

pub(super) fn checklist_status(steps: &[ChecklistStep]) -> ItemStatus {
    match steps.iter().filter(|s| s.done).count() {
        0 => ItemStatus::Open,
        n if n == steps.len() => ItemStatus::Done,
        _ => ItemStatus::InProgress,
    }
}

/// The done date of a done item the page gives no date for: its due date
/// when past, else the page's date, else the as-of date (noted once).
pub(super) fn guess_done(
    context: &PageContext<'_>,
    id: &str,
    due: Option<NaiveDate>,
    line: usize,
    found: &mut Found,
) -> NaiveDate {
    found.guessed.push((id.to_lowercase(), "done"));
    match due {
        Some(due) if due <= context.options.as_of => {
            found.done_from_due.push(line);
            due
        }
        _ => {
            found.guessed_done.push(line);
            context.date.unwrap_or(context.options.as_of)
        }
    }
}

/// A date field: unscheduled words give `None`; a period (`Q4 2024`) its
/// last day, noted; anything else is noted and left out.
pub(super) fn date_field(
    text: Option<&str>,
    what: &str,
    line: usize,
    found: &mut Found,
) -> Option<NaiveDate> {
    match vocab::date_in(text?) {
        Ok(Some(dated)) => {
            if let Some(guess) = dated.guess {
                found.note(
                    line,
                    format!(
                        "{what} `{}` read as {} ({guess})",
                        text.unwrap_or_default(),
                        dated.date
                    ),
                );
            }
            Some(dated.date)
        }
        Ok(None) => None,
        Err(why) => {
            found.note(line, format!("{why}; {what} left out"));
            None
        }
    }
}

/// A backlog item from its fields.
pub(super) fn item_from(
    context: &PageContext<'_>,
    fields: &Fields,
    id: String,
    title: String,
    framework: String,
    phase: Option<&str>,
    found: &mut Found,
) -> ItemEntry {
    let line = fields.line;
    let risk = match fields.text(Column::Risk) {
        Some(text) => {
            let risk = super::fields::risk(&text);
            if risk.is_none() {
                found.note(
                    fields.at(Column::Risk),
                    format!("risk `{text}` not recognised"),
                );
            }
            risk
        }
        None => None,
    };
    let risk = risk.or_else(|| phase.and_then(super::fields::risk));
    let risk = risk.unwrap_or_else(|| {
        found.defaulted.push(line);
        context.options.default_risk
    });
    let due = date_field(
        fields.text(Column::Due).as_deref(),
        "due date",
        fields.at(Column::Due),
        found,
    );
    let mut summary = fields.text(Column::Summary);
    let mut status = ItemStatus::Open;
    let mut done = date_field(
        fields.text(Column::DoneDate).as_deref(),
        "done date",
        fields.at(Column::DoneDate),
        found,
    );
    if let Some(text) = fields.text(Column::Status) {
        if let Some((progress, date)) = vocab::progress(&text) {
            status = progress.item();
            done = done.or(date);
            let unread = (status == ItemStatus::Done && done.is_none())
                .then(|| vocab::unread_date(&text))
                .flatten();
            if let Some(why) = &unread {
                found.note(
                    fields.at(Column::Status),
                    format!("{why}; done date of {id} not read from `{text}`, the text kept in its summary"),
                );
            }
            if summary.is_none() && (wordy(&text) || unread.is_some()) {
                summary = Some(format!("Status on the page: {text}"));
            }
        } else {
            found.guessed.push((id.to_lowercase(), "status"));
            found.note(
                fields.at(Column::Status),
                format!(
                    "status `{text}` not recognised; {id} left open, the text kept in its summary"
                ),
            );
            summary = Some(match summary {
                Some(s) => format!("{s} (status on the page: {text})"),
                None => format!("Status on the page: {text}"),
            });
        }
    } else if done.is_some() {
        status = ItemStatus::Done;
    } else {
        // No status on the page: `open` is a default, not a reading.
        found.guessed.push((id.to_lowercase(), "status"));
    }
    for (column, lead) in [
        (Column::Remediation, "Remediation"),
        (Column::Gap, "Gap"),
        (Column::Current, "Current state"),
        (Column::Target, "Target state"),
        (Column::Justification, "Justification"),
    ] {
        if let Some(text) = fields.text(column) {
            summary = Some(match summary {
                Some(s) => format!("{s} {lead}: {text}"),
                None => format!("{lead}: {text}"),
            });
        }
    }
    fields.note_unused(
        &[
            Column::Id,
            Column::Title,
            Column::Task,
            Column::Summary,
            Column::Control,
            Column::Owner,
            Column::Due,
            Column::DoneDate,
            Column::Risk,
            Column::Evidence,
            Column::Status,
            Column::Remediation,
            Column::Gap,
            Column::Current,
            Column::Target,
            Column::Justification,
            Column::Framework,
        ],
        &id,
        found,
    );
    let done = match status {
        ItemStatus::Done => {
            Some(done.unwrap_or_else(|| guess_done(context, &id, due, line, found)))
        }
        _ => None,
    };
    let (controls, unread) = fields
        .text(Column::Control)
        .map(|c| super::fields::controls(&c, &framework))
        .unwrap_or_default();
    if !unread.is_empty() {
        found.note(
            fields.at(Column::Control),
            format!(
                "control references of {id} not read (not ids): {}",
                unread.join(", ")
            ),
        );
    }
    ItemEntry {
        controls: controls.into_iter().map(Spanned::from).collect(),
        evidence: evidence(fields, found),
        id: id.into(),
        title,
        framework: Some(framework),
        risk,
        owner: fields.text(Column::Owner),
        due: due.map_or(Due::Unscheduled, Due::On),
        status,
        done,
        summary,
        checklist: Vec::new(),
        tags: phase.map(tag).into_iter().collect(),
        max_age_days: None,
    }
}

/// Whether a status text says more than its status (`⚠️ Partial — restores
/// never tested`, not `In progress`): worth keeping beside the status.
fn wordy(text: &str) -> bool {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphabetic))
        .count()
        > 3
}

/// A control from its fields.
pub(super) fn control_from(
    fields: &Fields,
    id: String,
    title: String,
    found: &mut Found,
) -> ControlEntry {
    let line = fields.line;
    let mut current = fields.text(Column::Current);
    let justification = fields.text(Column::Justification);
    let applicable = match fields.text(Column::Applicable) {
        Some(text) => {
            let read = vocab::applicable(&text);
            if read.is_none() {
                found.note(
                    line,
                    format!("applicability `{text}` of {id} not recognised; read as applicable"),
                );
            }
            read
        }
        None => None,
    };
    let mut status = None;
    let excluded = applicable == Some(false);
    if excluded && justification.is_none() {
        // Written as the older `status: not-applicable`, which validate
        // flags until someone writes the reason down.
        status = Some(ControlStatus::NotApplicable);
        found.note(
            line,
            format!("control {id} is not applicable and the page gives no justification"),
        );
    } else if let Some(text) = fields.text(Column::Status).filter(|_| !excluded) {
        if let Some((progress, _)) = vocab::progress(&text) {
            status = Some(progress.control());
            if current.is_none() && wordy(&text) {
                current = Some(format!("Status on the page: {text}"));
            }
        } else {
            found.guessed.push((id.to_lowercase(), "status"));
            found.note(fields.at(Column::Status), format!("status `{text}` of control {id} not recognised; set to partial, the text kept in `current`"));
            current = Some(match current {
                Some(c) => format!("{c} (status on the page: {text})"),
                None => format!("Status on the page: {text}"),
            });
            status = Some(ControlStatus::Partial);
        }
    }
    // A control that does not apply, with its reason, needs no status.
    let excluded = excluded && justification.is_some();
    let status = (!excluded).then(|| {
        status.unwrap_or_else(|| {
            found.guessed.push((id.to_lowercase(), "status"));
            found.note(
                line,
                format!("no status for control {id}; set to partial (a matrix row with a gap)"),
            );
            ControlStatus::Partial
        })
    });
    let mut backlog = Vec::new();
    if let Some(remediation) = fields.map.get(&Column::Remediation) {
        backlog.extend(ids::all_in(&remediation.text));
        for (text, _) in &remediation.links {
            backlog.extend(ids::all_in(text));
        }
        let mut seen = std::collections::HashSet::new();
        backlog.retain(|id| seen.insert(id.clone()));
    }
    if let Some(due) = fields.text(Column::Due) {
        found.note(
            fields.at(Column::Due),
            format!(
                "due date `{due}` of control {id} not imported (a control has no due date; a \
                 backlog item does)"
            ),
        );
    }
    let cadence = fields.text(Column::Frequency).and_then(|text| {
        let cadence = vocab::cadence(&text);
        if cadence.is_none() {
            found.note(
                fields.at(Column::Frequency),
                format!("frequency `{text}` of control {id} is not a cadence; not imported"),
            );
        }
        cadence
    });
    fields.note_unused(
        &[
            Column::Id,
            Column::Title,
            Column::Control,
            Column::Owner,
            Column::Due,
            Column::Risk,
            Column::Evidence,
            Column::Status,
            Column::Applicable,
            Column::Justification,
            Column::Current,
            Column::Target,
            Column::Gap,
            Column::Remediation,
            Column::Frequency,
            Column::Framework,
        ],
        &format!("control {id}"),
        found,
    );

    let mut gap = fields.text(Column::Gap);
    if backlog.is_empty()
        && let Some(text) = fields.text(Column::Remediation)
    {
        gap = Some(match gap {
            Some(g) => format!("{g} Remediation: {text}"),
            None => format!("Remediation: {text}"),
        });
    }
    let severity = fields
        .text(Column::Risk)
        .and_then(|r| super::fields::risk(&r));
    ControlEntry {
        evidence: evidence(fields, found),
        title: if title.is_empty() { id.clone() } else { title },
        id: id.into(),
        status,
        applicable: excluded.then_some(false),
        justification,
        satisfies: Vec::new(),
        severity,
        owner: fields.text(Column::Owner),
        current,
        target: fields.text(Column::Target),
        gap,
        backlog: backlog.into_iter().map(Spanned::from).collect(),
        maps_to: Vec::new(),
        tags: Vec::new(),
        max_age_days: None,
        cadence,
        reference: None,
    }
}

pub(super) fn evidence(fields: &Fields, found: &mut Found) -> Vec<Spanned<EvidenceEntry>> {
    let line = fields.at(Column::Evidence);
    fields
        .map
        .get(&Column::Evidence)
        .map(|inline| evidence_entries(inline, line, &mut found.notes))
        .map(|entries| entries.into_iter().map(Spanned::from).collect())
        .unwrap_or_default()
}

/// Code spans that look like paths become evidence paths, else relative
/// Markdown link targets; the first keeps the whole description as its
/// note. A description without any path is reported.
fn evidence_entries(inline: &Inline, line: usize, notes: &mut Vec<Note>) -> Vec<EvidenceEntry> {
    let text = inline.text.trim().to_string();
    let mut paths: Vec<String> = inline
        .code
        .iter()
        .filter(|c| looks_like_path(c))
        .cloned()
        .collect();
    {
        let from_code = paths.clone();
        for (label, dest) in &inline.links {
            // `[`docs/x.md`](../docs/x.md)`: the code span already gave it.
            if from_code.contains(label) {
                continue;
            }
            let dest = dest.split('#').next().unwrap_or("");
            if dest.contains("://") || dest.starts_with("mailto:") {
                notes.push(Note {
                    line,
                    message: format!(
                        "evidence link `{dest}` is not a path in the repository; not imported"
                    ),
                });
            } else if !dest.is_empty()
                && !dest.starts_with('/')
                && !dest.split('/').any(|p| p == "..")
            {
                paths.push(dest.trim_start_matches("./").to_string());
            } else if !dest.is_empty() {
                notes.push(Note {
                    line,
                    message: format!("evidence link `{dest}` leaves the page's folder; write the path from the repository root"),
                });
            }
        }
    }
    // Paths written as plain text, or in angle brackets (`<evidence/x.pdf>`,
    // which CommonMark leaves as text without a scheme).
    let bracketed = |w: &&str| w.starts_with('<') && w.ends_with('>');
    let plain: Vec<String> = text
        .split(|c: char| c.is_whitespace() || ",;()".contains(c))
        .filter(|w| paths.is_empty() || bracketed(w))
        .map(|w| w.trim_end_matches('.').trim_matches(['<', '>']))
        .filter(|w| plain_path(w))
        .map(str::to_string)
        .collect();
    paths.extend(plain);
    if paths.is_empty() {
        if !text.is_empty() && inline.links.is_empty() {
            notes.push(Note {
                line,
                message: format!("evidence without a path not imported: {text}"),
            });
        }
        return Vec::new();
    }
    let mut seen = std::collections::HashSet::new();
    paths.retain(|p| seen.insert(p.clone()));
    let described = {
        let mut rest = text.clone();
        for path in paths.iter().take(8) {
            rest = rest.replacen(path.as_str(), "", 1);
        }
        rest.chars().filter(|c| c.is_alphabetic()).count() > 2 || paths.len() > 8
    };
    paths
        .into_iter()
        .enumerate()
        .map(|(i, path)| match i {
            0 if described => EvidenceEntry::Detailed(EvidenceDetails {
                path: Some(path),
                pattern: None,
                covers: None,
                note: Some(text.clone()),
                max_age_days: None,
            }),
            _ => EvidenceEntry::Path(path),
        })
        .collect()
}

/// A path written as plain text: `docs/policies/access.md`, `infra/iam/`;
/// not a web address, not `and/or`, nothing that leaves the folder.
fn plain_path(word: &str) -> bool {
    word.contains('/')
        && !word.contains("://")
        && !word.starts_with('/')
        && !word.split('/').any(|p| p == "..")
        && (word.ends_with('/') || word.rsplit('/').next().is_some_and(|f| f.contains('.')))
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-*".contains(c))
}

fn looks_like_path(code: &str) -> bool {
    !code.contains(' ') && (code.contains('/') || code.contains('.'))
}
