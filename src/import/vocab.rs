//! The words of compliance pages, in one place: what a column header or a
//! `**Field**` label means, what a status word or mark means, the dates
//! and frequencies people write. Every shape reads through these tables,
//! so a synonym added here is understood everywhere.

use chrono::{Datelike, Months, NaiveDate};

use crate::model::{Cadence, ControlStatus, ItemStatus};

/// What a column or a field holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Column {
    /// An id (`Control ID`, `Ref`, `#`).
    Id,
    /// A neutral name (`Title`, `Name`, `Description`, `Activity`).
    Title,
    /// Work to do (`Task`, `Action`, `Issue`, `Finding`): a backlog sign.
    Task,
    /// A longer description.
    Summary,
    /// Control references, or the control itself in a matrix.
    Control,
    /// Who.
    Owner,
    /// When it is due: a backlog sign.
    Due,
    /// When it was done.
    DoneDate,
    /// Risk, severity, priority, impact.
    Risk,
    /// Evidence, artifacts, proof.
    Evidence,
    /// Status or progress.
    Status,
    /// Applicable / in scope / included.
    Applicable,
    /// Justification / rationale / reason.
    Justification,
    /// Current maturity.
    Current,
    /// Target state.
    Target,
    /// Gap.
    Gap,
    /// Remediation or backlog links.
    Remediation,
    /// Frequency or cadence.
    Frequency,
    /// Next due date of a recurring activity.
    NextDue,
    /// Last time a recurring activity was done.
    LastDone,
    /// Framework of the row.
    Framework,
}

/// Header and label synonyms, by role. Headers are compared after
/// [`normalise_header`].
const SYNONYMS: &[(Column, &[&str])] = &[
    (
        Column::Id,
        &[
            "id",
            "#",
            "no",
            "no.",
            "nr",
            "number",
            "ref",
            "ref.",
            "reference",
            "control id",
            "control ref",
            "control no",
            "control number",
            "control #",
            "tsc id",
            "tsc ref",
            "criteria id",
            "criterion id",
            "risk id",
            "risk #",
            "item id",
            "task id",
            "finding id",
            "issue id",
            "gap id",
            "req id",
            "requirement id",
            "key",
            "identifier",
        ],
    ),
    (
        Column::Title,
        &[
            "title",
            "name",
            "control name",
            "control title",
            "description",
            "control description",
            "requirement",
            "requirement name",
            "activity",
            "item",
            "control objective",
            "objective",
            "risk description",
            "risk title",
        ],
    ),
    (
        Column::Task,
        &[
            "task",
            "tasks",
            "action",
            "action item",
            "action items",
            "issue",
            "finding",
            "observation",
            "work item",
            "todo",
            "to do",
            "deliverable",
            "recommendation",
            "remediation task",
            "remediation action",
            "next step",
            "next steps",
        ],
    ),
    (
        Column::Summary,
        &["summary", "details", "detail", "context"],
    ),
    (
        Column::Control,
        &[
            "control",
            "controls",
            "clause",
            "clauses",
            "criteria",
            "criterion",
            "tsc",
            "trust services criteria",
            "annex a control",
            "annex a",
            "control reference",
            "control references",
            "control refs",
            "mapped controls",
            "related controls",
            "controls affected",
            "affected controls",
            "control mapping",
            "mapping",
            "section",
            "article",
        ],
    ),
    (
        Column::Owner,
        &[
            "owner",
            "owners",
            "control owner",
            "responsible",
            "responsible party",
            "assignee",
            "assigned to",
            "accountable",
            "lead",
            "who",
            "risk owner",
            "action owner",
            "task owner",
        ],
    ),
    (
        Column::Due,
        &[
            "due",
            "due date",
            "target",
            "target date",
            "deadline",
            "eta",
            "by",
            "by when",
            "timeline",
            "date due",
            "target completion",
            "target completion date",
            "completion target",
            "when",
            "planned date",
            "due by",
        ],
    ),
    (
        Column::DoneDate,
        &[
            "completed",
            "completed on",
            "completion date",
            "date completed",
            "done",
            "done on",
            "closed on",
            "date closed",
            "implemented on",
        ],
    ),
    (
        Column::Risk,
        &[
            "risk",
            "risk level",
            "risk rating",
            "risk severity",
            "severity",
            "priority",
            "impact",
            "level",
            "rating",
            "criticality",
            "risk score",
            "inherent risk",
        ],
    ),
    (
        Column::Evidence,
        &[
            "evidence",
            "artifacts",
            "artefacts",
            "artifact",
            "artefact",
            "proof",
            "evidence location",
            "evidence link",
            "evidence links",
            "supporting evidence",
            "documents",
            "documentation",
            "file",
            "files",
            "links",
        ],
    ),
    (
        Column::Status,
        &[
            "status",
            "state",
            "implementation status",
            "progress",
            "current status",
            "compliance status",
            "implementation",
            "implemented",
            "result",
            "compliant",
            "compliance",
            "met",
            "in place",
        ],
    ),
    (
        Column::Applicable,
        &[
            "applicable",
            "applicability",
            "in scope",
            "included",
            "applies",
            "selected",
            "inclusion",
            "applicable y/n",
            "included y/n",
        ],
    ),
    (
        Column::Justification,
        &[
            "justification",
            "rationale",
            "reason",
            "reason for exclusion",
            "reason for inclusion",
            "exclusion reason",
            "justification for exclusion",
            "justification for inclusion",
            "exclusion justification",
            "reason for selection",
        ],
    ),
    (
        Column::Current,
        &[
            "current maturity",
            "current",
            "current state",
            "maturity",
            "as is",
            "as-is",
            "current implementation",
            "current practice",
        ],
    ),
    (
        Column::Target,
        &[
            "target state",
            "target maturity",
            "to be",
            "to-be",
            "desired state",
        ],
    ),
    (
        Column::Gap,
        &[
            "gap",
            "gaps",
            "gap & risk",
            "gap and risk",
            "gap description",
            "gap analysis",
            "gap identified",
        ],
    ),
    (
        Column::Remediation,
        &[
            "remediation",
            "action needed",
            "actions needed",
            "action required",
            "required action",
            "required actions",
            "corrective action",
            "backlog",
            "remediation plan",
            "remediation items",
            "action plan",
            "mitigation",
            "treatment",
            "linked items",
            "linked tasks",
            "tickets",
            "ticket",
            "backlog item",
            "backlog items",
        ],
    ),
    (
        Column::Frequency,
        &[
            "frequency",
            "cadence",
            "interval",
            "periodicity",
            "how often",
            "review frequency",
            "schedule",
            "recurrence",
        ],
    ),
    (
        Column::NextDue,
        &[
            "next due",
            "next review",
            "next review date",
            "next date",
            "next run",
            "next due date",
            "next",
        ],
    ),
    (
        Column::LastDone,
        &[
            "last done",
            "last review",
            "last reviewed",
            "last performed",
            "last completed",
            "last run",
            "last review date",
        ],
    ),
    (Column::Framework, &["framework", "standard", "regulation"]),
];

/// A header or label as compared: lower case, without a parenthesised
/// part, trailing `?`/`:`/`*`, or extra whitespace. `Control (TSC)` ->
/// `control`, `Included?` -> `included`.
pub(crate) fn normalise_header(header: &str) -> String {
    let out = outside_brackets(&header.to_lowercase()).replace(['?', '*', '_'], " ");
    let out = out.trim().trim_end_matches([':', '.']).trim();
    if out == "no." {
        return out.to_string();
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A text without its parenthesised and bracketed parts.
pub(crate) fn outside_brackets(text: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The role of a column header or field label, if it has one.
pub(crate) fn column(header: &str) -> Option<Column> {
    let h = normalise_header(header);
    let h = if h.is_empty() && header.contains('#') {
        "#".to_string()
    } else {
        h
    };
    exact(&h).or_else(|| by_parts(&h))
}

fn exact(header: &str) -> Option<Column> {
    SYNONYMS
        .iter()
        .find(|(_, words)| words.contains(&header))
        .map(|(c, _)| *c)
}

/// A header no synonym names, read by its parts: without a framework's
/// name before it (`SOC 2 Criteria`, `ISO 27001 Control`), or by its last
/// word when that is an id word (`TSC Reference`, `Annex A Ref`, `Req.`)
/// or a name word (`Control Activity`) and the words before it do not
/// name another meaning (`Evidence reference` is evidence).
fn by_parts(header: &str) -> Option<Column> {
    const FRAMEWORKS: &[&str] = &[
        "soc 2",
        "soc2",
        "iso 27001",
        "iso/iec 27001",
        "iso27001",
        "iso 27701",
        "nist",
        "nist csf",
        "pci dss",
        "pci",
        "hipaa",
        "popia",
        "gdpr",
        "tsc",
        "annex a",
        "aicpa",
    ];
    for name in FRAMEWORKS {
        if let Some(rest) = header.strip_prefix(name)
            && rest.starts_with(' ')
            && let Some(column) = exact(rest.trim()).or_else(|| by_parts(rest.trim()))
        {
            return Some(column);
        }
    }
    let (before, last) = header.rsplit_once(' ').unwrap_or(("", header));
    let head = match last {
        "id" | "ref" | "reference" | "no" | "nr" | "number" | "#" | "code" | "req"
        | "identifier" => Column::Id,
        "description" | "name" | "title" | "activity" | "objective" | "statement" => Column::Title,
        _ => return None,
    };
    match (before, exact(before)) {
        ("", _) | (_, None | Some(Column::Control | Column::Id | Column::Title)) => Some(head),
        (_, Some(other)) => Some(other),
    }
}

/// A few synonyms of each role, for messages that say which columns a
/// table would need.
pub(crate) fn examples(role: Column) -> String {
    SYNONYMS
        .iter()
        .find(|(c, _)| *c == role)
        .map(|(_, words)| words.iter().take(4).copied().collect::<Vec<_>>().join("/"))
        .unwrap_or_default()
}

/// How far something is, from a status word or mark.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ProgressWord {
    /// Done, complete, closed, implemented.
    Done,
    /// In progress, WIP, started.
    Underway,
    /// Partly there.
    Partial,
    /// Planned or scheduled.
    Planned,
    /// Not started, missing, to do.
    Open,
    /// Blocked, on hold.
    Blocked,
    /// Not applicable, out of scope.
    NotApplicable,
    /// Will not be done.
    WontDo,
}

impl ProgressWord {
    /// The backlog status: a finished state stays finished.
    pub(crate) fn item(self) -> ItemStatus {
        match self {
            ProgressWord::Done => ItemStatus::Done,
            ProgressWord::Underway | ProgressWord::Partial => ItemStatus::InProgress,
            ProgressWord::Planned | ProgressWord::Open => ItemStatus::Open,
            ProgressWord::Blocked => ItemStatus::Blocked,
            ProgressWord::NotApplicable | ProgressWord::WontDo => ItemStatus::WontDo,
        }
    }

    /// The control status.
    pub(crate) fn control(self) -> ControlStatus {
        match self {
            ProgressWord::Done => ControlStatus::Implemented,
            ProgressWord::Underway | ProgressWord::Partial => ControlStatus::Partial,
            ProgressWord::Planned | ProgressWord::Blocked => ControlStatus::Planned,
            ProgressWord::Open | ProgressWord::WontDo => ControlStatus::Missing,
            ProgressWord::NotApplicable => ControlStatus::NotApplicable,
        }
    }
}

/// Status words and phrases (matched on whole words, the earliest and then
/// the longest first, so `not implemented` is not `implemented`).
const STATUS_WORDS: &[(ProgressWord, &[&str])] = &[
    (
        ProgressWord::Done,
        &[
            "done",
            "complete",
            "completed",
            "closed",
            "implemented",
            "fully implemented",
            "resolved",
            "fixed",
            "finished",
            "shipped",
            "delivered",
            "compliant",
            "in place",
            "met",
            "mitigated",
            "yes",
            "y",
            "effective",
            "operational",
            "operating",
            "approved",
            "passed",
            "live",
            "deployed",
            "remediated",
            "achieved",
            "signed off",
            "enabled",
        ],
    ),
    (
        ProgressWord::Underway,
        &[
            "in progress",
            "inprogress",
            "wip",
            "work in progress",
            "started",
            "ongoing",
            "underway",
            "under way",
            "in review",
            "under review",
            "active",
            "doing",
            "in development",
            "being implemented",
            "draft",
            "drafted",
            "testing",
            "in flight",
        ],
    ),
    (
        ProgressWord::Partial,
        &[
            "partial",
            "partially",
            "partially implemented",
            "partly",
            "partially compliant",
            "partially met",
            "needs improvement",
        ],
    ),
    (
        ProgressWord::Planned,
        &["planned", "scheduled", "proposed", "queued"],
    ),
    (
        ProgressWord::Open,
        &[
            "missing",
            "not started",
            "to do",
            "todo",
            "open",
            "pending",
            "not implemented",
            "not met",
            "non compliant",
            "noncompliant",
            "not compliant",
            "gap",
            "no",
            "n",
            "none",
            "outstanding",
            "new",
            "not done",
            "absent",
            "not in place",
            "not yet",
        ],
    ),
    (
        ProgressWord::Blocked,
        &["blocked", "on hold", "waiting", "stalled", "paused"],
    ),
    (
        ProgressWord::NotApplicable,
        &[
            "n/a",
            "na",
            "not applicable",
            "excluded",
            "out of scope",
            "not in scope",
            "not relevant",
        ],
    ),
    (
        ProgressWord::WontDo,
        &[
            "won't do",
            "wont do",
            "will not do",
            "cancelled",
            "canceled",
            "dropped",
            "rejected",
            "risk accepted",
            "accepted",
            "won't fix",
            "wont fix",
        ],
    ),
];

/// A status mark at the start of a text, if there is one.
fn status_mark(text: &str) -> Option<ProgressWord> {
    text.chars()
        .find(|c| !c.is_whitespace() && !matches!(c, '*' | '_' | '`'))
        .and_then(|c| match c {
            '✅' | '✔' | '☑' | '✓' | '🟩' => Some(ProgressWord::Done),
            '🔄' | '⏳' | '🚧' | '🔃' | '🏗' => Some(ProgressWord::Underway),
            '⚠' | '🟡' | '🟠' | '🟨' | '🟧' => Some(ProgressWord::Partial),
            '❌' | '✖' | '⛔' | '🔴' | '🟥' | '✗' | '⭕' | '☐' | '⬜' => {
                Some(ProgressWord::Open)
            }
            '⏸' | '🛑' => Some(ProgressWord::Blocked),
            '➖' | '🚫' => Some(ProgressWord::NotApplicable),
            _ => None,
        })
}

/// Words of a text for phrase matching: lower case, `-` and `_` as spaces,
/// other punctuation dropped (except `/` and `'` inside words).
fn words(text: &str) -> Vec<String> {
    text.chars()
        .take(400)
        .collect::<String>()
        .to_lowercase()
        .replace(['-', '_', '–', '—'], " ")
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !(c.is_alphanumeric() || c == '/' || c == '\''))
                .to_string()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// The earliest, then longest, phrase of `table` in `text`: its value and
/// the word index just after it.
fn earliest<T: Copy>(tokens: &[String], table: &[(T, &[&str])]) -> Option<(T, usize)> {
    earliest_at(tokens, table).map(|(v, _, end)| (v, end))
}

/// Like [`earliest`], with the index where the phrase starts.
fn earliest_at<T: Copy>(tokens: &[String], table: &[(T, &[&str])]) -> Option<(T, usize, usize)> {
    for start in 0..tokens.len() {
        let mut best: Option<(T, usize)> = None;
        for (value, phrases) in table {
            for phrase in *phrases {
                let parts: Vec<&str> = phrase.split(' ').collect();
                let end = start + parts.len();
                if end <= tokens.len()
                    && tokens[start..end].iter().zip(&parts).all(|(a, b)| a == b)
                    && best.is_none_or(|(_, e)| end > e)
                {
                    best = Some((*value, end));
                }
            }
        }
        if let Some((value, end)) = best {
            return Some((value, start, end));
        }
    }
    None
}

/// [`words`] of each clause of a text (split at `,` `;` `.` `:` `(` `)`
/// `|` `!` `?` and struck-through parts removed), clauses separated by an
/// empty word, so no phrase and no qualifier spans two clauses.
fn clause_words(text: &str) -> Vec<String> {
    let text = unstruck(text);
    let mut out = Vec::new();
    let mut clause = String::new();
    let chars: Vec<char> = text.chars().take(400).collect();
    for (i, &c) in chars.iter().enumerate() {
        let next_blank = chars.get(i + 1).is_none_or(|n| n.is_whitespace());
        let breaks = matches!(c, ';' | '(' | ')' | '|' | '!' | '?' | '[' | ']')
            || (matches!(c, ',' | '.' | ':') && next_blank);
        if breaks {
            out.extend(words(&clause));
            out.push(String::new());
            clause.clear();
        } else {
            clause.push(c);
        }
    }
    out.extend(words(&clause));
    out
}

/// A status from a mark (✅ 🔄 ⚠️ ❌) or from words (`Completed`, `WIP`,
/// `Not started`, `N/A`), and the date written after it, if any
/// (`✅ Completed 2025-10-26`).
///
/// A finished word is read in its clause: negated (`not resolved`, `never
/// completed`) it is open; in the future (`to be completed`, `will be
/// closed`) planned; hedged (`almost done`, `nearly complete`) under way;
/// asked (`Complete?`) it is not read at all, so the caller notes it and
/// keeps the text.
pub(crate) fn progress(text: &str) -> Option<(ProgressWord, Option<NaiveDate>)> {
    let tokens = clause_words(text);
    let from_words = earliest_at(&tokens, STATUS_WORDS).map(|(p, start, _)| {
        let before: Vec<&str> = tokens[..start]
            .iter()
            .rev()
            .take_while(|t| !t.is_empty())
            .take(3)
            .map(String::as_str)
            .collect();
        (p, qualifier(&before))
    });
    let base = status_mark(text).or(from_words.map(|(p, _)| p))?;
    let found = match from_words {
        // `✅ not yet closed`: the mark and the words disagree.
        Some((word, _)) if finished(base) && !finished(word) => return None,
        Some((word, Some(q))) if finished(base) && finished(word) => match (word, q) {
            (ProgressWord::Done, Qualifier::Negated) => ProgressWord::Open,
            (ProgressWord::Done, Qualifier::Future) => ProgressWord::Planned,
            (ProgressWord::Done, Qualifier::Hedged) => ProgressWord::Underway,
            _ => return None,
        },
        _ => base,
    };
    if finished(found) && text.contains('?') {
        return None;
    }
    Some((found, first_date(&unstruck(text))))
}

/// Whether a status is a finished state (done, not applicable, won't do).
pub(crate) fn finished(progress: ProgressWord) -> bool {
    matches!(
        progress,
        ProgressWord::Done | ProgressWord::NotApplicable | ProgressWord::WontDo
    )
}

/// What the words just before a status word do to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Qualifier {
    /// `not`, `never`, `no`, `isn't`...
    Negated,
    /// `to be`, `will`, `shall`, `should`, `yet to`...
    Future,
    /// `almost`, `nearly`, `mostly`...
    Hedged,
}

/// The qualifier among the (up to three) words before a status word,
/// nearest first.
fn qualifier(before: &[&str]) -> Option<Qualifier> {
    const NEGATORS: &[&str] = &[
        "not", "never", "no", "isn't", "isnt", "wasn't", "wasnt", "aren't", "arent", "hasn't",
        "hasnt", "haven't", "havent", "hadn't", "didn't", "didnt", "doesn't", "doesnt", "won't",
        "wont", "cannot", "can't", "cant", "without", "nor", "neither", "un", "non",
    ];
    const FUTURE: &[&str] = &[
        "will",
        "shall",
        "should",
        "must",
        "would",
        "could",
        "can",
        "may",
        "might",
        "going",
        "needs",
        "need",
        "awaiting",
        "expected",
        "planned",
        "scheduled",
        "intend",
        "intended",
        "once",
        "until",
        "when",
        "if",
        "pending",
        "yet",
    ];
    const HEDGES: &[&str] = &[
        "almost",
        "nearly",
        "mostly",
        "largely",
        "virtually",
        "practically",
        "partly",
        "partially",
        "somewhat",
        "quasi",
        "semi",
        "half",
        "about",
    ];
    for (i, word) in before.iter().enumerate() {
        if NEGATORS.contains(word) {
            return Some(Qualifier::Negated);
        }
        if HEDGES.contains(word) {
            return Some(Qualifier::Hedged);
        }
        // `to be completed`, `yet to be closed`, `be done`: not yet.
        if FUTURE.contains(word) || *word == "be" || (*word == "to" && i > 0) {
            return Some(Qualifier::Future);
        }
    }
    None
}

/// A status that is all a text says (`Completed 2025-09-30`, `DONE`,
/// `✅ Completed`, `In progress`, `Done items`): the status and its date.
/// A text with other words (`Open questions about scope`) is not one.
pub(crate) fn bare_status(text: &str) -> Option<(ProgressWord, Option<NaiveDate>)> {
    let found = progress(text)?;
    let tokens = clause_words(text);
    let filler = |t: &str| {
        t.is_empty()
            || t.chars()
                .all(|c| c.is_ascii_digit() || c == '/' || c == '.')
            || month(t).is_some()
            || day(t).is_some()
            || matches!(
                t,
                "on" | "in"
                    | "since"
                    | "as"
                    | "of"
                    | "at"
                    | "items"
                    | "tasks"
                    | "actions"
                    | "work"
                    | "controls"
                    | "risks"
                    | "status"
            )
    };
    let start = tokens.iter().position(|t| {
        !(t.is_empty()
            || t.chars()
                .all(|c| c.is_ascii_digit() || c == '/' || c == '.'))
    });
    let Some(start) = start else {
        // A mark alone (`✅`).
        return status_mark(text).map(|p| (p, found.1));
    };
    let end = earliest_at(&tokens[start..], STATUS_WORDS)
        .filter(|(_, at, _)| *at == 0)
        .map(|(_, _, end)| start + end);
    let end = match end {
        Some(end) => end,
        // `✅ 2025-10-01`: a mark and a date.
        None if status_mark(text).is_some() => start,
        None => return None,
    };
    tokens[end..].iter().all(|t| filler(t)).then_some(found)
}

/// The status a section heading gives the rows under it: a bare status
/// (`## Completed`, `## In progress`), or a heading led by a mark its words
/// agree with (`## ✅ Finished last quarter`).
pub(crate) fn section_status(heading: &str) -> Option<ProgressWord> {
    if let Some((p, _)) = bare_status(heading) {
        return Some(p);
    }
    let mark = status_mark(heading)?;
    let (read, _) = progress(heading)?;
    (read == mark && matches!(mark, ProgressWord::Done | ProgressWord::Underway)).then_some(mark)
}

/// Text with `~~struck-through~~` parts removed.
fn unstruck(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find("~~") {
        out.push_str(&rest[..open]);
        if let Some(close) = rest[open + 2..].find("~~") {
            rest = &rest[open + 2 + close + 2..]
        } else {
            rest = &rest[open..];
            break;
        }
    }
    out.push_str(rest);
    out
}

/// A date-like word after a status that is not a date comply can read
/// (`Completed 03/04/2025`, `Done 2025-02-30`): why, when there is one.
pub(crate) fn unread_date(text: &str) -> Option<String> {
    if first_date(text).is_some() {
        return None;
    }
    text.split_whitespace()
        .map(|w| w.trim_matches(|c: char| "()[]:;,*_`".contains(c)))
        .filter(|w| {
            w.chars().filter(char::is_ascii_digit).count() >= 3
                && w.contains(['/', '-', '.'])
                && w.chars().next().is_some_and(|c| c.is_ascii_digit())
        })
        .find_map(|w| date_in(w).err())
}

/// The first exact date written in a text (`Completed on 26 October 2025`).
fn first_date(text: &str) -> Option<NaiveDate> {
    let parts: Vec<&str> = text
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| "()[]:;".contains(c)))
        .take(40)
        .collect();
    (0..parts.len()).find_map(|i| {
        (1..=3).rev().find_map(|k| {
            let words = parts.get(i..i + k)?;
            match date_in(&words.join(" ")) {
                Ok(Some(Dated { date, guess: None })) => Some(date),
                _ => None,
            }
        })
    })
}

/// Whether a cell says a control applies: `Some(true)` for yes, included,
/// in scope; `Some(false)` for no, excluded, N/A.
pub(crate) fn applicable(text: &str) -> Option<bool> {
    const WORDS: &[(bool, &[&str])] = &[
        (
            true,
            &[
                "yes",
                "y",
                "applicable",
                "included",
                "in scope",
                "true",
                "selected",
                "applies",
            ],
        ),
        (
            false,
            &[
                "no",
                "n",
                "not applicable",
                "n/a",
                "na",
                "excluded",
                "out of scope",
                "not in scope",
                "false",
                "not selected",
            ],
        ),
    ];
    match status_mark(text) {
        Some(ProgressWord::Done) => return Some(true),
        Some(ProgressWord::Open | ProgressWord::NotApplicable) => return Some(false),
        _ => {}
    }
    earliest(&words(text), WORDS).map(|(v, _)| v)
}

/// A date read from a page, and why it is an approximation when it is one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Dated {
    /// The day.
    pub(crate) date: NaiveDate,
    /// `end of quarter`, `end of month`... when the page named a period.
    pub(crate) guess: Option<&'static str>,
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn month(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.');
    if w.len() < 3 {
        return None;
    }
    let w = if w == "sept" { "sep" } else { w };
    MONTHS
        .iter()
        .position(|m| m.starts_with(w) && (w.len() == 3 || *m == w))
        .map(|i| i as u32 + 1)
}

fn month_number(word: &str) -> Option<u32> {
    word.parse().ok().filter(|m| (1..=12).contains(m))
}

fn day(word: &str) -> Option<u32> {
    let w = word
        .trim_end_matches("st")
        .trim_end_matches("nd")
        .trim_end_matches("rd")
        .trim_end_matches("th");
    w.parse().ok().filter(|d| (1..=31).contains(d))
}

fn year(word: &str) -> Option<i32> {
    (word.len() == 4)
        .then(|| word.parse().ok())
        .flatten()
        .filter(|y| (1900..=2200).contains(y))
}

fn end_of_month(y: i32, m: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, 1)?
        .checked_add_months(Months::new(1))?
        .pred_opt()
}

/// Words that mean "no date yet".
const UNSCHEDULED: &[&str] = &[
    "",
    "tbd",
    "tbc",
    "-",
    "—",
    "–",
    "n/a",
    "na",
    "?",
    "none",
    "not set",
    "unscheduled",
    "ongoing",
    "continuous",
];

/// A date in the forms people write: `2026-03-15`, `2026/03/15`,
/// `15 March 2026`, `March 15, 2026`, `end of March 2026`, `Q4 2024`,
/// `2024-Q4`, `H1 2026`; `Ok(None)` for `TBD`, an empty cell or a dash.
pub(crate) fn date_in(text: &str) -> Result<Option<Dated>, String> {
    let t = text.trim().trim_matches(['*', '_', '`']).trim();
    let lower = t.to_lowercase();
    if UNSCHEDULED.contains(&lower.as_str()) {
        return Ok(None);
    }
    let exact = |date| Ok(Some(Dated { date, guess: None }));
    if let Ok(date) = crate::date::parse_date(t) {
        return exact(date);
    }
    let not_a_date = || {
        Err(format!(
            "`{t}` is not a date comply can read (YYYY-MM-DD, 15 March 2026, March 15, 2026, \
             Q4 2026, end of March 2026)"
        ))
    };
    let slashed: Vec<&str> = t.split(['/', '.']).collect();
    if let [a, b, c] = slashed[..]
        && a.len() == 4
        && let (Ok(y), Ok(m), Ok(d)) = (a.parse(), b.parse(), c.parse())
    {
        return NaiveDate::from_ymd_opt(y, m, d).map_or_else(not_a_date, exact);
    }
    if let [a, b, c] = slashed[..]
        && c.len() == 4
        && let (Ok(a), Ok(b), Ok(y)) = (a.parse::<u32>(), b.parse::<u32>(), c.parse::<i32>())
    {
        let (d, m) = match (a > 12, b > 12) {
            (true, false) => (a, b),
            (false, true) => (b, a),
            _ => {
                return Err(format!(
                    "`{t}` could be day/month or month/day; write it as YYYY-MM-DD"
                ));
            }
        };
        return NaiveDate::from_ymd_opt(y, m, d).map_or_else(not_a_date, exact);
    }
    let cleaned = lower
        .replace(',', " ")
        .replace(['-', '/'], " ")
        .replace("end of", " ")
        .replace("by ", " ")
        .replace("eo ", " ");
    let w: Vec<&str> = cleaned
        .split_whitespace()
        .filter(|w| !matches!(*w, "end" | "of" | "the" | "before" | "by"))
        .collect();
    let quarter = |q: &str| {
        q.strip_prefix('q')
            .and_then(|n| n.parse::<u32>().ok())
            .filter(|n| (1..=4).contains(n))
    };
    let half = |h: &str| {
        h.strip_prefix('h')
            .and_then(|n| n.parse::<u32>().ok())
            .filter(|n| (1..=2).contains(n))
    };
    let period = |y: i32, last_month: u32, guess| {
        end_of_month(y, last_month).map_or_else(not_a_date, |date| {
            Ok(Some(Dated {
                date,
                guess: Some(guess),
            }))
        })
    };
    match w[..] {
        [a, b] if quarter(a).is_some() && year(b).is_some() => period(
            year(b).unwrap_or(0),
            quarter(a).unwrap_or(1) * 3,
            "end of quarter",
        ),
        [a, b] if year(a).is_some() && quarter(b).is_some() => period(
            year(a).unwrap_or(0),
            quarter(b).unwrap_or(1) * 3,
            "end of quarter",
        ),
        [a, b] if half(a).is_some() && year(b).is_some() => period(
            year(b).unwrap_or(0),
            half(a).unwrap_or(1) * 6,
            "end of half-year",
        ),
        [a, b] if year(a).is_some() && half(b).is_some() => period(
            year(a).unwrap_or(0),
            half(b).unwrap_or(1) * 6,
            "end of half-year",
        ),
        [a, b, c] => {
            let (d, m, y) = match (day(a), month(b), month(a), day(b)) {
                (Some(d), Some(m), _, _) => (d, m, c),
                (_, _, Some(m), Some(d)) => (d, m, c),
                _ => return not_a_date(),
            };
            match year(y).and_then(|y| NaiveDate::from_ymd_opt(y, m, d)) {
                Some(date) => exact(date),
                None => not_a_date(),
            }
        }
        [a, b] if year(a).is_some() && b.len() <= 2 && month_number(b).is_some() => period(
            year(a).unwrap_or(0),
            month_number(b).unwrap_or(1),
            "end of month",
        ),
        [a, b] if month(a).is_some() && year(b).is_some() => {
            period(year(b).unwrap_or(0), month(a).unwrap_or(1), "end of month")
        }
        [a] if year(a).is_some() => period(year(a).unwrap_or(0), 12, "end of year"),
        _ => not_a_date(),
    }
}

/// A frequency in words: `Quarterly`, `Annually (minimum)`, `Monthly`,
/// `Weekly`, `every 2 weeks`, `twice a year`.
///
/// `bi-`, `semi-` and `tri-` join their word (`Bi-annually` is
/// `biannually`, twice a year); `bimonthly` (twice a month or every two
/// months?) and a negative count are not cadences.
pub(crate) fn cadence(text: &str) -> Option<Cadence> {
    if text.contains(['?']) || negative_number(text) {
        return None;
    }
    let mut w: Vec<String> = Vec::new();
    for word in words(text) {
        match w.last_mut() {
            Some(last) if matches!(last.as_str(), "bi" | "semi" | "tri") => last.push_str(&word),
            _ => w.push(word),
        }
    }
    if w.iter().any(|x| {
        matches!(
            x.as_str(),
            "bimonthly" | "trimonthly" | "triannual" | "triannually" | "biyearly"
        )
    }) {
        return None;
    }
    let joined = w.join(" ");
    let has = |p: &str| {
        joined == p
            || joined.starts_with(&format!("{p} "))
            || joined.contains(&format!(" {p} "))
            || joined.ends_with(&format!(" {p}"))
    };
    let fixed = [
        ("daily", Cadence::Days(1)),
        ("every day", Cadence::Days(1)),
        ("weekly", Cadence::Days(7)),
        ("every week", Cadence::Days(7)),
        ("fortnightly", Cadence::Days(14)),
        ("biweekly", Cadence::Days(14)),
        ("monthly", Cadence::Monthly),
        ("every month", Cadence::Monthly),
        ("quarterly", Cadence::Quarterly),
        ("every quarter", Cadence::Quarterly),
        ("semi annually", Cadence::Biannual),
        ("semi annual", Cadence::Biannual),
        ("semiannually", Cadence::Biannual),
        ("semiannual", Cadence::Biannual),
        ("biannual", Cadence::Biannual),
        ("biannually", Cadence::Biannual),
        ("biennial", Cadence::Days(730)),
        ("biennially", Cadence::Days(730)),
        ("every other year", Cadence::Days(730)),
        ("every other week", Cadence::Days(14)),
        ("half yearly", Cadence::Biannual),
        ("twice a year", Cadence::Biannual),
        ("annually", Cadence::Annual),
        ("annual", Cadence::Annual),
        ("yearly", Cadence::Annual),
        ("every year", Cadence::Annual),
        ("once a year", Cadence::Annual),
    ];
    if let Some((_, c)) = fixed.iter().find(|(p, _)| has(p)) {
        return Some(*c);
    }
    let every = w.iter().position(|x| x == "every")?;
    let n: u32 = w.get(every + 1)?.parse().ok()?;
    let unit = w.get(every + 2)?.trim_end_matches('s');
    let days = match unit {
        "day" => n,
        "week" => n.checked_mul(7)?,
        "month" => match n {
            1 => return Some(Cadence::Monthly),
            3 => return Some(Cadence::Quarterly),
            6 => return Some(Cadence::Biannual),
            12 => return Some(Cadence::Annual),
            _ => n.checked_mul(30)?,
        },
        "year" if n == 1 => return Some(Cadence::Annual),
        "year" => n.checked_mul(365)?,
        _ => return None,
    };
    (1..=3660).contains(&days).then_some(Cadence::Days(days))
}

/// Whether a text writes a negative number (`every -1 days`).
fn negative_number(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    chars.windows(2).enumerate().any(|(i, pair)| {
        matches!(pair[0], '-' | '−')
            && pair[1].is_ascii_digit()
            && (i == 0 || chars[i - 1].is_whitespace())
    })
}

/// The day one cadence before `next` (a review's last time from its next).
pub(crate) fn one_cadence_before(cadence: Cadence, next: NaiveDate) -> Option<NaiveDate> {
    let months = |n| next.checked_sub_months(Months::new(n));
    match cadence {
        Cadence::Monthly => months(1),
        Cadence::Quarterly => months(3),
        Cadence::Biannual => months(6),
        Cadence::Annual => months(12),
        Cadence::Days(d) => next.checked_sub_days(chrono::Days::new(u64::from(d))),
    }
    .filter(|d| d.year() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn headers_by_meaning() {
        assert_eq!(column("Control ID"), Some(Column::Id));
        assert_eq!(column("TSC ID"), Some(Column::Id));
        assert_eq!(column("#"), Some(Column::Id));
        assert_eq!(column("Control (TSC)"), Some(Column::Control));
        assert_eq!(column("Included?"), Some(Column::Applicable));
        assert_eq!(column("Reason for exclusion"), Some(Column::Justification));
        assert_eq!(column("ETA"), Some(Column::Due));
        assert_eq!(column("**Artifacts:**"), Some(Column::Evidence));
        assert_eq!(column("Next Due"), Some(Column::NextDue));
        assert_eq!(column("Ref"), Some(Column::Id));
        assert_eq!(column("Clause"), Some(Column::Control));
        assert_eq!(column("Criteria"), Some(Column::Control));
        assert_eq!(column("Finding"), Some(Column::Task));
        assert_eq!(column("Risk Level"), Some(Column::Risk));
        assert_eq!(column("Frequency"), Some(Column::Frequency));
        assert_eq!(column("Notes"), None);
        // Headers read by their parts.
        assert_eq!(column("SOC 2 Criteria"), Some(Column::Control));
        assert_eq!(column("ISO 27001 Control"), Some(Column::Control));
        assert_eq!(column("TSC Reference"), Some(Column::Id));
        assert_eq!(column("Annex A Ref"), Some(Column::Id));
        assert_eq!(column("Req."), Some(Column::Id));
        assert_eq!(column("Policy No."), Some(Column::Id));
        assert_eq!(column("Control Activity"), Some(Column::Title));
        assert_eq!(column("Safeguard statement"), Some(Column::Title));
        assert_eq!(column("Evidence reference"), Some(Column::Evidence));
        assert_eq!(column("Owner name"), Some(Column::Owner));
    }

    #[test]
    fn status_words_and_marks() {
        let p = |t: &str| progress(t).map(|(p, _)| p);
        assert_eq!(p("✅ Completed 2025-10-26"), Some(ProgressWord::Done));
        assert_eq!(
            progress("✅ Completed 2025-10-26").and_then(|x| x.1),
            Some(d(2025, 10, 26))
        );
        assert_eq!(
            progress("Done on 3 March 2026").and_then(|x| x.1),
            Some(d(2026, 3, 3))
        );
        assert_eq!(p("Not implemented"), Some(ProgressWord::Open));
        assert_eq!(p("Partially implemented"), Some(ProgressWord::Partial));
        assert_eq!(p("In Progress"), Some(ProgressWord::Underway));
        assert_eq!(p("WIP"), Some(ProgressWord::Underway));
        assert_eq!(p("Closed"), Some(ProgressWord::Done));
        assert_eq!(p("N/A"), Some(ProgressWord::NotApplicable));
        assert_eq!(p("⚠️ gaps remain"), Some(ProgressWord::Partial));
        assert_eq!(p("Complete, automation pending"), Some(ProgressWord::Done));
        assert_eq!(p("Frobnicated"), None);
    }

    #[test]
    fn finished_words_read_in_their_clause() {
        let p = |t: &str| progress(t).map(|(p, _)| p);
        // Negated: open.
        for text in [
            "Not fixed",
            "not signed off, not approved",
            "Never shipped",
            "Hasn't been deployed",
            "Isn't resolved",
        ] {
            assert_eq!(p(text), Some(ProgressWord::Open), "{text}");
        }
        // Future: planned.
        for text in [
            "To be finished",
            "Will be remediated in Q3",
            "Shall be approved by the board",
            "Yet to be delivered",
            "Should be live by March",
        ] {
            assert_eq!(p(text), Some(ProgressWord::Planned), "{text}");
        }
        // Hedged: under way.
        for text in ["Almost finished", "Mostly implemented", "nearly closed"] {
            assert_eq!(p(text), Some(ProgressWord::Underway), "{text}");
        }
        // Asked: not read.
        // Asked, or a mark the words contradict: not read.
        for text in [
            "Closed?",
            "✅ resolved ?",
            "Done (verify?)",
            "N/A?",
            "✅ not yet closed",
        ] {
            assert_eq!(p(text), None, "{text}");
        }
        // A qualifier in another clause does not count.
        assert_eq!(p("Resolved; not retested"), Some(ProgressWord::Done));
        assert_eq!(p("Moved to done"), Some(ProgressWord::Done));
        assert_eq!(p("Not applicable"), Some(ProgressWord::NotApplicable));
        assert_eq!(p("Not cancelled"), None);
        // Struck-through text is not read.
        assert_eq!(p("~~Open~~ Done"), Some(ProgressWord::Done));
        assert_eq!(
            progress("✅ Done ~~2025-10-01~~ 2025-10-03").and_then(|x| x.1),
            Some(d(2025, 10, 3))
        );
    }

    #[test]
    fn bare_statuses_and_unread_dates() {
        let b = |t: &str| bare_status(t).map(|(p, _)| p);
        assert_eq!(b("Completed 2025-09-30"), Some(ProgressWord::Done));
        assert_eq!(b("DONE"), Some(ProgressWord::Done));
        assert_eq!(b("✅ Completed"), Some(ProgressWord::Done));
        assert_eq!(b("In progress items"), Some(ProgressWord::Underway));
        assert_eq!(b("Open questions about scope"), None);
        assert!(b("Closed on 3 March 2026").is_some());
        assert!(unread_date("Completed 03/04/2025").is_some());
        assert!(unread_date("Done 2025-02-30").is_some());
        assert!(unread_date("Done 2025-02-28").is_none());
        assert!(unread_date("Done").is_none());
    }

    #[test]
    fn dates_people_write() {
        let at = |t: &str| date_in(t).ok().flatten().map(|x| (x.date, x.guess));
        assert_eq!(at("2026-03-15"), Some((d(2026, 3, 15), None)));
        assert_eq!(at("2026/03/15"), Some((d(2026, 3, 15), None)));
        assert_eq!(at("15 March 2026"), Some((d(2026, 3, 15), None)));
        assert_eq!(at("March 15, 2026"), Some((d(2026, 3, 15), None)));
        assert_eq!(at("Mar 15th 2026"), Some((d(2026, 3, 15), None)));
        assert_eq!(
            at("Q4 2024"),
            Some((d(2024, 12, 31), Some("end of quarter")))
        );
        assert_eq!(
            at("2024-Q4"),
            Some((d(2024, 12, 31), Some("end of quarter")))
        );
        assert_eq!(
            at("end of March 2026"),
            Some((d(2026, 3, 31), Some("end of month")))
        );
        assert_eq!(at("2025-12"), Some((d(2025, 12, 31), Some("end of month"))));
        assert_eq!(
            at("Dec 2025"),
            Some((d(2025, 12, 31), Some("end of month")))
        );
        assert_eq!(date_in("TBD"), Ok(None));
        assert!(date_in("ASAP").is_err());
        assert!(date_in("immediately").is_err());
        assert!(date_in("soon").is_err());
        assert!(date_in("03/04/2026").is_err());
        assert_eq!(at("30/06/2026"), Some((d(2026, 6, 30), None)));
        assert_eq!(at("06/30/2026"), Some((d(2026, 6, 30), None)));
        assert!(date_in("31 February 2026").is_err());
    }

    #[test]
    fn frequencies() {
        assert_eq!(cadence("Quarterly"), Some(Cadence::Quarterly));
        assert_eq!(cadence("Annually (minimum)"), Some(Cadence::Annual));
        assert_eq!(cadence("Weekly"), Some(Cadence::Days(7)));
        assert_eq!(cadence("every 2 weeks"), Some(Cadence::Days(14)));
        assert_eq!(cadence("Semi-annually"), Some(Cadence::Biannual));
        assert_eq!(cadence("per release"), None);
        // Prefixes join their word.
        assert_eq!(cadence("Bi-annually"), Some(Cadence::Biannual));
        assert_eq!(cadence("semi annual"), Some(Cadence::Biannual));
        assert_eq!(cadence("Bi-weekly"), Some(Cadence::Days(14)));
        assert_eq!(cadence("Biennially"), Some(Cadence::Days(730)));
        // Ambiguous or impossible: not a cadence.
        assert_eq!(cadence("Bi-monthly"), None);
        assert_eq!(cadence("bimonthly"), None);
        assert_eq!(cadence("every -1 days"), None);
        assert_eq!(cadence("every −3 weeks"), None);
        assert_eq!(cadence("every 0 days"), None);
        assert_eq!(cadence("Monthly?"), None);
    }

    #[test]
    fn applicability() {
        assert_eq!(applicable("Yes"), Some(true));
        assert_eq!(applicable("No"), Some(false));
        assert_eq!(applicable("❌"), Some(false));
        assert_eq!(applicable("maybe"), None);
    }
}
