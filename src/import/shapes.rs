//! The page shapes the importer recognises, and what it makes of them:
//! headings with an id and fields (controls or items), tables (tasks,
//! controls, recurring activities), and checklists.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::doc::{Block, Document, Inline, ListItem, Row};
use super::ids::{self, Unique};
use super::vocab::{self, Column};
use super::{ControlOut, EvidenceOut, ImportError, ItemOut, Note, Options, ReviewOut, StepOut};
use crate::gate::plural;
use crate::model::{ControlStatus, ItemStatus};

/// Which shapes to look for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// All of them.
    Auto,
    /// Heading-per-item backlogs.
    Backlog,
    /// Tables of controls.
    Matrix,
    /// Tables of tasks and checklists.
    Tasks,
}

impl Kind {
    fn wants(self, shape: Kind) -> bool {
        self == Kind::Auto || self == shape
    }
}

/// What the shapes need to know about the page.
pub struct Context<'a> {
    /// The import's settings.
    pub options: &'a Options,
    /// Prefix of generated item ids: `--id-prefix`, else from a readable
    /// file name; `None` uses the framework.
    pub prefix: Option<&'a str>,
    /// The page's date.
    pub date: Option<NaiveDate>,
    /// The framework the front matter or the title names.
    pub page_framework: Option<String>,
    /// The framework the page's path names.
    pub path_framework: Option<String>,
}

/// Everything found on a page.
#[derive(Default)]
pub struct Found {
    /// Backlog items.
    pub items: Vec<ItemOut>,
    /// Controls, with their framework.
    pub controls: Vec<(String, ControlOut)>,
    /// Recurring activities.
    pub reviews: Vec<ReviewOut>,
    /// Notes by line.
    pub notes: Vec<Note>,
    /// Lines of items whose risk was not given (reported once, at the end).
    defaulted: Vec<usize>,
    /// Lines of done items whose done date is the page's date or the as-of date.
    guessed_done: Vec<usize>,
    /// Lines of done items whose done date is their (past) due date.
    done_from_due: Vec<usize>,
    /// Item and review ids handed out.
    ids: Unique,
    /// The item and review ids made here rather than written on the page.
    pub generated: Vec<String>,
    /// Control ids handed out, per framework.
    control_ids: HashMap<String, Unique>,
}

impl Found {
    fn note(&mut self, line: usize, message: impl Into<String>) {
        self.notes.push(Note {
            line,
            message: message.into(),
        });
    }

    /// A unique item or review id; a renamed id written on the page is noted.
    fn item_id(&mut self, id: String, given: bool, line: usize) -> String {
        let (id, renamed) = self.ids.take(id);
        if renamed && given {
            self.note(
                line,
                format!("id repeated on the page; this one imported as {id}"),
            );
        }
        if !given {
            self.generated.push(id.clone());
        }
        id
    }

    fn control_id(&mut self, framework: &str, id: String, given: bool, line: usize) -> String {
        let (id, renamed) = self
            .control_ids
            .entry(framework.to_string())
            .or_default()
            .take(id);
        if renamed && given {
            self.note(
                line,
                format!("control id repeated on the page; this one imported as {id}"),
            );
        }
        id
    }
}

/// The headings above the current block.
#[derive(Default)]
struct Sections {
    stack: Vec<(usize, String)>,
}

impl Sections {
    fn enter(&mut self, level: usize, text: &str) {
        self.stack.retain(|(l, _)| *l < level);
        self.stack.push((level, text.to_string()));
    }

    /// The innermost heading, with its level.
    fn innermost(&self) -> Option<(usize, &str)> {
        self.stack.last().map(|(l, t)| (*l, t.as_str()))
    }

    /// The framework named by the nearest heading that names one.
    fn framework(&self, words: &[(String, String)]) -> Option<String> {
        self.stack
            .iter()
            .rev()
            .find_map(|(_, text)| super::fields::framework_in(text, words))
    }

    /// Whether a heading above says "Annex A".
    fn annex_a(&self) -> bool {
        self.stack
            .iter()
            .any(|(_, t)| t.to_lowercase().contains("annex a"))
    }
}

/// The fields of one record: a table row, or a heading's `**Field**:`
/// lines, by role.
#[derive(Default)]
struct Fields {
    line: usize,
    map: HashMap<Column, Inline>,
    /// The line of each field, when it differs from the record's.
    lines: HashMap<Column, usize>,
    /// The header or label each field was written under.
    labels: HashMap<Column, String>,
    /// Fields without a role: (line, label, value).
    other: Vec<(usize, String, String)>,
}

impl Fields {
    fn text(&self, column: Column) -> Option<String> {
        self.map
            .get(&column)
            .map(|i| i.text.clone())
            .filter(|t| !t.is_empty() && t != "-" && t != "—")
    }

    fn has(&self, column: Column) -> bool {
        self.text(column).is_some()
    }

    /// The line of a field.
    fn at(&self, column: Column) -> usize {
        self.lines.get(&column).copied().unwrap_or(self.line)
    }

    fn set(&mut self, column: Column, inline: Inline, line: usize) {
        self.map.insert(column, inline);
        self.lines.insert(column, line);
    }

    /// Notes every filled field whose role is not in `used`.
    fn note_unused(&self, used: &[Column], whose: &str, found: &mut Found) {
        let mut unused: Vec<Column> = self
            .map
            .keys()
            .copied()
            .filter(|c| !used.contains(c) && self.has(*c))
            .collect();
        unused.sort();
        for column in unused {
            let label = self.labels.get(&column).map_or("?", String::as_str);
            let value = self.text(column).unwrap_or_default();
            found.note(
                self.at(column),
                format!("`{label}` of {whose} not imported: {value}"),
            );
        }
    }
}

/// A heading with an id, and what follows it up to the next heading.
struct Record {
    id: String,
    title: String,
    line: usize,
    fields: Fields,
    checklist: Vec<StepOut>,
}

/// Searches `document` for every shape `context.options.kind` allows.
pub fn find(document: &Document, context: &Context<'_>) -> Result<Found, ImportError> {
    let mut found = Found::default();
    let mut sections = Sections::default();
    let mut record: Option<Record> = None;
    let kind = context.options.kind;
    let headings = kind != Kind::Tasks;
    for block in &document.blocks {
        match block {
            Block::Heading {
                level,
                inline,
                line,
            } => {
                if let Some(done) = record.take() {
                    finish_record(context, &sections, done, &mut found)?;
                }
                sections.enter(*level, &inline.text);
                if headings && let Some((id, title)) = ids::leading(&inline.text) {
                    let mut fields = Fields {
                        line: *line,
                        ..Fields::default()
                    };
                    let (title, mark) = heading_status(&title);
                    if let Some(mark) = mark {
                        fields.set(Column::Status, mark, *line);
                    }
                    record = Some(Record {
                        id,
                        title,
                        line: *line,
                        fields,
                        checklist: Vec::new(),
                    });
                }
            }
            Block::Paragraph { lines, line, .. } => {
                if let Some(record) = &mut record {
                    for (i, inline) in lines.iter().enumerate() {
                        record_line(record, inline, line + i, &mut found, false);
                    }
                }
            }
            Block::List { items } if record.is_some() => {
                if let Some(record) = &mut record {
                    for entry in items {
                        match entry.checked {
                            Some(done) => record.checklist.push(StepOut {
                                task: entry.inline.text.clone(),
                                done,
                            }),
                            None => {
                                record_line(record, &entry.inline, entry.line, &mut found, true)
                            }
                        }
                    }
                }
            }
            Block::List { items }
                if kind.wants(Kind::Tasks) && items.iter().any(|i| i.checked.is_some()) =>
            {
                checklist(context, &sections, items, &mut found)?;
            }
            Block::List { items } => {
                let n = items.len();
                found.note(
                    items.first().map_or(0, |i| i.line),
                    format!(
                        "list of {n} {} without checkboxes not imported (a checklist needs \
                         `- [ ]` or `- [x]` entries)",
                        plural(n as i64, "entry")
                    ),
                );
            }
            Block::Table { header, rows } => match &mut record {
                Some(record) if key_value(header, rows) => {
                    for row in rows {
                        let (Some(key), Some(value)) = (row.cells.first(), row.cells.get(1)) else {
                            continue;
                        };
                        let inline = Inline {
                            text: format!("{}: {}", key.text, value.text),
                            lead_strong: Some(key.text.clone()),
                            ..value.clone()
                        };
                        record_line(record, &inline, row.line, &mut found, true);
                    }
                }
                _ => table(context, &sections, header, rows, &mut found)?,
            },
        }
    }
    if let Some(done) = record.take() {
        finish_record(context, &sections, done, &mut found)?;
    }
    summary_notes(context, &mut found);
    Ok(found)
}

/// The notes reported once per page: defaulted risks, guessed done dates.
fn summary_notes(context: &Context<'_>, found: &mut Found) {
    let when = match context.date {
        Some(date) => format!("the page's date, {date}"),
        None => format!("the as-of date, {}", context.options.as_of),
    };
    let groups = [
        (
            std::mem::take(&mut found.defaulted),
            "no risk given for",
            format!("set to {}", context.options.default_risk),
        ),
        (
            std::mem::take(&mut found.done_from_due),
            "without a completion date",
            "done date set to the due date".to_string(),
        ),
        (
            std::mem::take(&mut found.guessed_done),
            "without a completion date",
            format!("done date set to {when}"),
        ),
    ];
    for (lines, what, outcome) in groups {
        let Some(&first) = lines.first() else {
            continue;
        };
        let n = lines.len() as i64;
        let list: Vec<String> = lines.iter().map(usize::to_string).collect();
        let items = if what.starts_with("no risk") {
            format!("{what} {n} {}", plural(n, "item"))
        } else {
            format!("{n} done {} {what}", plural(n, "item"))
        };
        found.note(
            first,
            format!(
                "{items} ({} {}); {outcome}",
                plural(n, "line"),
                list.join(", ")
            ),
        );
    }
}

/// Whether a table under a heading is that heading's fields: two columns,
/// most rows naming a field in their first cell (`| Status | Done |`).
fn key_value(header: &Row, rows: &[Row]) -> bool {
    let named = rows
        .iter()
        .filter(|r| {
            r.cells
                .first()
                .is_some_and(|c| vocab::column(&c.text).is_some())
        })
        .count();
    header.cells.len() == 2 && named * 2 > rows.len()
}

/// One line under a heading record: a `**Field**: value`, or a status mark
/// (`✅ Completed 2025-10-26`); other lines of a list are noted.
fn record_line(record: &mut Record, inline: &Inline, line: usize, found: &mut Found, listed: bool) {
    let plain_label = inline
        .text
        .split_once(':')
        .map(|(label, _)| label.trim())
        .filter(|label| {
            vocab::column(label).is_some()
                || (label.split_whitespace().count() <= 3
                    && label.starts_with(|c: char| c.is_alphabetic()))
        });
    let Some(label) = inline.lead_strong.as_deref().or(plain_label) else {
        if inline.text.starts_with(|c: char| !c.is_alphanumeric())
            && vocab::progress(&inline.text).is_some()
        {
            record.fields.set(Column::Status, inline.clone(), line);
            record.fields.labels.insert(Column::Status, "status".into());
        } else if listed {
            found.note(
                line,
                format!(
                    "line under {} without a `Field:` label not imported",
                    record.id
                ),
            );
        }
        return;
    };
    let label = label.trim_end_matches(':').trim();
    let value = inline
        .text
        .get(label.len()..)
        .unwrap_or("")
        .trim_start_matches(|c: char| c == ':' || c.is_whitespace())
        .trim()
        .to_string();
    let value_inline = Inline {
        text: value.clone(),
        ..inline.clone()
    };
    match vocab::column(label) {
        Some(role) => {
            record.fields.labels.insert(role, label.to_string());
            record.fields.set(role, value_inline, line);
        }
        None => record
            .fields
            .other
            .push((line, label.to_lowercase(), value)),
    }
}

/// The framework of a record: the nearest heading that names one, else the
/// front matter or title, else the page's path, else `--framework`.
fn framework(
    context: &Context<'_>,
    sections: &Sections,
    line: usize,
) -> Result<String, ImportError> {
    sections
        .framework(&context.options.framework_words)
        .or_else(|| context.page_framework.clone())
        .or_else(|| context.path_framework.clone())
        .or_else(|| context.options.framework.clone())
        .ok_or_else(|| ImportError {
            line: Some(line),
            message: "cannot tell which framework this belongs to: no heading above it, no front \
                      matter, title or folder names one; pass --framework ID"
                .into(),
        })
}

fn finish_record(
    context: &Context<'_>,
    sections: &Sections,
    record: Record,
    found: &mut Found,
) -> Result<(), ImportError> {
    let fields = &record.fields;
    let empty = fields.map.is_empty() && fields.other.is_empty() && record.checklist.is_empty();
    let control_only = [
        Column::Applicable,
        Column::Justification,
        Column::Current,
        Column::Target,
        Column::Gap,
    ]
    .into_iter()
    .any(|c| fields.has(c));
    // `POPIA-001`, `SEC-012`: numbered like backlog items, not controls.
    let item_numbered = super::fields::item_shaped(&record.id)
        && record.id.rsplit('-').next().is_some_and(|n| n.len() >= 3);
    let backlog_like = fields.has(Column::Due)
        || fields.has(Column::DoneDate)
        || fields.has(Column::Task)
        || !record.checklist.is_empty()
        || (item_numbered && !control_only);
    let as_item = match context.options.kind {
        Kind::Backlog => true,
        Kind::Matrix => false,
        _ if empty => super::fields::item_shaped(&record.id),
        _ => backlog_like,
    };
    if empty && !as_item {
        return Ok(());
    }
    let control_fields = [
        Column::Status,
        Column::Evidence,
        Column::Owner,
        Column::Applicable,
        Column::Current,
        Column::Gap,
        Column::Risk,
    ];
    if !as_item && !control_fields.into_iter().any(|c| fields.has(c)) {
        found.note(
            record.line,
            format!(
                "heading `{} {}` has an id but none of the fields of a control (Status, \
                 Evidence, Owner, Applicable, ...); not imported",
                record.id, record.title
            ),
        );
        return Ok(());
    }
    let framework = framework(context, sections, record.line)?;
    if as_item {
        let mut fields = record.fields;
        let summary = fields
            .text(Column::Summary)
            .or_else(|| fields.text(Column::Title));
        if let Some(summary) = summary {
            fields.map.insert(
                Column::Summary,
                Inline {
                    text: summary,
                    ..Inline::default()
                },
            );
        }
        // A section number (`1.2 Setup`) is no item id: one is made from the title.
        let numbered = !record.id.chars().any(|c| c.is_ascii_alphabetic());
        let id = if numbered {
            let prefix = context
                .prefix
                .map_or_else(|| framework.to_uppercase(), str::to_string);
            found.item_id(ids::slug(&prefix, &record.title), false, record.line)
        } else {
            found.item_id(record.id, true, record.line)
        };
        let mut item = item_from(context, &fields, id, record.title, framework, None, found);
        if !record.checklist.is_empty() && !fields.has(Column::Status) {
            item.status = checklist_status(&record.checklist);
            if item.status == ItemStatus::Done && item.done.is_none() {
                item.done = Some(guess_done(context, None, record.line, found));
            }
        }
        item.checklist = record.checklist;
        found.items.push(item);
    } else {
        let id = bare_iso(&framework, sections.annex_a(), record.id);
        let id = found.control_id(&framework, id, true, record.line);
        let control = control_from(&record.fields, id, record.title, found);
        found.controls.push((framework, control));
    }
    Ok(())
}

/// `5.1` in an ISO 27001 Statement of Applicability or under an "Annex A"
/// heading is the Annex A control `A.5.1`.
fn bare_iso(framework: &str, annex_a: bool, id: String) -> String {
    if framework == "iso27001" && annex_a && id.starts_with(|c: char| c.is_ascii_digit()) {
        format!("A.{id}")
    } else {
        id
    }
}

fn checklist_status(steps: &[StepOut]) -> ItemStatus {
    match steps.iter().filter(|s| s.done).count() {
        0 => ItemStatus::Open,
        n if n == steps.len() => ItemStatus::Done,
        _ => ItemStatus::InProgress,
    }
}

/// The done date of a done item the page gives no date for: its due date
/// when past, else the page's date, else the as-of date (noted once).
fn guess_done(
    context: &Context<'_>,
    due: Option<NaiveDate>,
    line: usize,
    found: &mut Found,
) -> NaiveDate {
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
fn date_field(text: Option<&str>, what: &str, line: usize, found: &mut Found) -> Option<NaiveDate> {
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
fn item_from(
    context: &Context<'_>,
    fields: &Fields,
    id: String,
    title: String,
    framework: String,
    phase: Option<&str>,
    found: &mut Found,
) -> ItemOut {
    let line = fields.line;
    for (at, label, value) in &fields.other {
        found.note(
            *at,
            format!("field `{label}` of {id} not imported: {value}"),
        );
    }
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
        match vocab::progress(&text) {
            Some((progress, date)) => {
                status = progress.item();
                done = done.or(date);
                if summary.is_none() && wordy(&text) {
                    summary = Some(format!("Status on the page: {text}"));
                }
            }
            None => {
                found.note(
                    fields.at(Column::Status),
                    format!("status `{text}` not recognised; {id} left open, the text kept in its summary"),
                );
                summary = Some(match summary {
                    Some(s) => format!("{s} (status on the page: {text})"),
                    None => format!("Status on the page: {text}"),
                });
            }
        }
    } else if done.is_some() {
        status = ItemStatus::Done;
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
        ItemStatus::Done => Some(done.unwrap_or_else(|| guess_done(context, due, line, found))),
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
    ItemOut {
        controls,
        evidence: evidence(fields, found),
        id,
        title,
        framework: Some(framework),
        risk,
        owner: fields.text(Column::Owner),
        due: due.map_or_else(|| "TBD".to_string(), |d| d.to_string()),
        status,
        done,
        summary,
        checklist: Vec::new(),
        tags: phase.map(tag).into_iter().collect(),
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
fn control_from(fields: &Fields, id: String, title: String, found: &mut Found) -> ControlOut {
    let line = fields.line;
    for (at, label, value) in &fields.other {
        found.note(
            *at,
            format!("field `{label}` of control {id} not imported: {value}"),
        );
    }
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
    if applicable == Some(false) {
        status = Some(ControlStatus::NotApplicable);
        if justification.is_none() {
            found.note(
                line,
                format!("control {id} is not applicable and the page gives no justification"),
            );
        }
    } else if let Some(text) = fields.text(Column::Status) {
        match vocab::progress(&text) {
            Some((progress, _)) => {
                status = Some(progress.control());
                if current.is_none() && wordy(&text) {
                    current = Some(format!("Status on the page: {text}"));
                }
            }
            None => {
                found.note(fields.at(Column::Status), format!("status `{text}` of control {id} not recognised; set to partial, the text kept in `current`"));
                current = Some(match current {
                    Some(c) => format!("{c} (status on the page: {text})"),
                    None => format!("Status on the page: {text}"),
                });
                status = Some(ControlStatus::Partial);
            }
        }
    }
    if let Some(why) = justification {
        let lead = if applicable == Some(false) {
            "Not applicable"
        } else {
            "Justification"
        };
        current = Some(match current {
            Some(c) => format!("{c} {lead}: {why}"),
            None => format!("{lead}: {why}"),
        });
    }
    let status = status.unwrap_or_else(|| {
        found.note(
            line,
            format!("no status for control {id}; set to partial (a matrix row with a gap)"),
        );
        ControlStatus::Partial
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
        cadence.map(|c| c.to_string())
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
    ControlOut {
        evidence: evidence(fields, found),
        title: if title.is_empty() { id.clone() } else { title },
        id,
        status,
        severity,
        owner: fields.text(Column::Owner),
        current,
        target: fields.text(Column::Target),
        gap,
        backlog,
        cadence,
    }
}

fn evidence(fields: &Fields, found: &mut Found) -> Vec<EvidenceOut> {
    let line = fields.at(Column::Evidence);
    fields
        .map
        .get(&Column::Evidence)
        .map(|inline| evidence_entries(inline, line, &mut found.notes))
        .unwrap_or_default()
}

/// Code spans that look like paths become evidence paths, else relative
/// Markdown link targets; the first keeps the whole description as its
/// note. A description without any path is reported.
fn evidence_entries(inline: &Inline, line: usize, notes: &mut Vec<Note>) -> Vec<EvidenceOut> {
    let text = inline.text.trim().to_string();
    let mut paths: Vec<String> = inline
        .code
        .iter()
        .filter(|c| looks_like_path(c))
        .cloned()
        .collect();
    if paths.is_empty() {
        for (_, dest) in &inline.links {
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
    if paths.is_empty() {
        paths.extend(
            text.split(|c: char| c.is_whitespace() || ",;()".contains(c))
                .map(|w| w.trim_end_matches('.'))
                .filter(|w| plain_path(w))
                .map(str::to_string),
        );
    }
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
            0 if described => EvidenceOut::Noted {
                path,
                note: text.clone(),
            },
            _ => EvidenceOut::Path(path),
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

/// What a table is, from its columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TableKind {
    Tasks,
    Controls,
    Reviews,
}

/// Roles whose columns are read together when a table has several (`Risk
/// Level` and `Priority`: the more severe wins; two evidence columns).
fn combines(role: Column) -> bool {
    matches!(
        role,
        Column::Risk | Column::Evidence | Column::Control | Column::Remediation | Column::Owner
    )
}

/// The role of each header cell; a role taken twice gives the second
/// column none (a second title column is the summary). A `Risk` column
/// beside another risk-like column holds the risk's description.
fn roles(header: &Row) -> Vec<Option<Column>> {
    let mut roles: Vec<Option<Column>> = header
        .cells
        .iter()
        .map(|c| vocab::column(&c.text))
        .collect();
    let risk_columns = roles.iter().filter(|r| **r == Some(Column::Risk)).count();
    let titled = roles
        .iter()
        .any(|r| matches!(r, Some(Column::Title | Column::Task)));
    if risk_columns > 1
        && !titled
        && let Some(first) = roles.iter_mut().find(|r| **r == Some(Column::Risk))
    {
        *first = Some(Column::Task);
    }
    let mut taken = std::collections::HashSet::new();
    for role in &mut roles {
        if let Some(r) = *role
            && !taken.insert(r)
            && !combines(r)
        {
            *role = match r {
                Column::Title | Column::Task if taken.insert(Column::Summary) => {
                    Some(Column::Summary)
                }
                _ => None,
            };
        }
    }
    roles
}

/// Whether a control column holds the row's own control (`Control`,
/// `Clause`, `Criteria`) rather than references to controls (`Controls`,
/// `Mapped controls`): then a due date does not make the row work to do.
fn names_controls(header: &Row, roles: &[Option<Column>]) -> bool {
    header.cells.iter().zip(roles).any(|(cell, role)| {
        *role == Some(Column::Control)
            && matches!(
                vocab::normalise_header(&cell.text).as_str(),
                "control" | "clause" | "criteria" | "criterion" | "tsc" | "annex a control"
            )
    })
}

fn table(
    context: &Context<'_>,
    sections: &Sections,
    header: &Row,
    rows: &[Row],
    found: &mut Found,
) -> Result<(), ImportError> {
    let roles = roles(header);
    let has = |c: Column| roles.contains(&Some(c));
    let titled = has(Column::Title) || has(Column::Task);
    let kind = if has(Column::Frequency) && titled {
        Some(TableKind::Reviews)
    } else if has(Column::Task)
        || (!names_controls(header, &roles)
            && (has(Column::Due) || has(Column::DoneDate))
            && (titled || has(Column::Gap) || has(Column::Control)))
    {
        Some(TableKind::Tasks)
    } else if has(Column::Control)
        || (has(Column::Id) && titled)
        || (titled
            && [
                Column::Current,
                Column::Target,
                Column::Gap,
                Column::Applicable,
                Column::Justification,
            ]
            .into_iter()
            .any(has))
    {
        Some(TableKind::Controls)
    } else if titled {
        Some(TableKind::Tasks)
    } else {
        None
    };
    let wanted = match kind {
        Some(TableKind::Controls) => context.options.kind.wants(Kind::Matrix),
        Some(_) => context.options.kind.wants(Kind::Tasks),
        None => false,
    };
    let names: Vec<&str> = header.cells.iter().map(|c| c.text.as_str()).collect();
    let Some(kind) = kind.filter(|_| wanted) else {
        let why = match kind {
            Some(_) => "(not a shape --kind asks for)".to_string(),
            None => format!(
                "(a task table needs a {} column, a control table a {} column, a table of \
                 recurring activities an {} and a {} column)",
                vocab::examples(Column::Task),
                vocab::examples(Column::Control),
                vocab::examples(Column::Title),
                vocab::examples(Column::Frequency),
            ),
        };
        found.note(
            header.line,
            format!(
                "table with columns [{}] not imported {why}",
                names.join(", ")
            ),
        );
        return Ok(());
    };
    let phase = sections.innermost().map(|(_, text)| text.to_string());
    let soa = has(Column::Applicable) || sections.annex_a();
    if let Some(at) = roles.iter().position(|r| *r == Some(Column::Id)) {
        let cells = || {
            rows.iter()
                .filter_map(|r| r.cells.get(at))
                .filter(|c| !c.text.is_empty())
        };
        let numbered = kind == TableKind::Tasks && context.prefix.is_some();
        if !numbered && cells().next().is_some() && !cells().any(|c| ids::is_id(&c.text)) {
            found.note(
                header.line,
                format!(
                    "column `{}` holds no ids (such as A.5.1, CC6.1, AC-1, POPIA-001); ids are made from the titles",
                    header.cells.get(at).map_or("", |c| c.text.as_str())
                ),
            );
        }
    }
    for row in rows {
        let fields = row_fields(&roles, header, row, found);
        match kind {
            TableKind::Tasks => task_row(context, sections, fields, phase.as_deref(), found)?,
            TableKind::Controls => control_row(context, sections, fields, soa, found)?,
            TableKind::Reviews => review_row(context, sections, fields, found)?,
        }
    }
    Ok(())
}

/// The cells of a row by role; cells of columns without a role are noted.
fn row_fields(roles: &[Option<Column>], header: &Row, row: &Row, found: &mut Found) -> Fields {
    let mut fields = Fields {
        line: row.line,
        ..Fields::default()
    };
    for (i, cell) in row.cells.iter().enumerate() {
        match roles.get(i).copied().flatten() {
            Some(role) => match fields.map.get_mut(&role) {
                Some(first) if !cell.text.is_empty() && !first.text.is_empty() => {
                    let sep = if role == Column::Owner { " & " } else { ", " };
                    first.text = format!("{}{sep}{}", first.text, cell.text);
                    first.code.extend(cell.code.iter().cloned());
                    first.links.extend(cell.links.iter().cloned());
                }
                Some(first) if first.text.is_empty() => *first = cell.clone(),
                Some(_) => {}
                None => {
                    fields.map.insert(role, cell.clone());
                    let label = header.cells.get(i).map_or("", |h| h.text.as_str());
                    fields.labels.insert(role, label.to_string());
                }
            },
            None if !cell.text.is_empty() => found.note(
                row.line,
                format!(
                    "column `{}` not imported: {}",
                    header.cells.get(i).map_or("", |h| h.text.as_str()),
                    cell.text
                ),
            ),
            None => {}
        }
    }
    fields
}

/// The framework of a row: its own Framework cell, else the record's.
fn row_framework(
    context: &Context<'_>,
    sections: &Sections,
    fields: &Fields,
    found: &mut Found,
) -> Result<String, ImportError> {
    if let Some(text) = fields.text(Column::Framework) {
        match super::fields::framework_in(&text, &context.options.framework_words) {
            Some(id) => return Ok(id),
            None => found.note(
                fields.line,
                format!("framework `{text}` not recognised; the page's framework used"),
            ),
        }
    }
    framework(context, sections, fields.line)
}

/// The id written in a row's id column, or at the start of its title cell.
fn row_id(fields: &Fields, title_columns: &[Column]) -> (Option<String>, Option<String>) {
    if let Some(id) = fields.text(Column::Id)
        && ids::is_id(&id)
    {
        return (Some(id), None);
    }
    for column in title_columns {
        if let Some(text) = fields.text(*column)
            && let Some((id, rest)) = ids::leading(&text)
        {
            return (Some(id), Some(rest));
        }
    }
    (None, None)
}

fn task_row(
    context: &Context<'_>,
    sections: &Sections,
    mut fields: Fields,
    phase: Option<&str>,
    found: &mut Found,
) -> Result<(), ImportError> {
    let title_columns = [
        Column::Task,
        Column::Title,
        Column::Gap,
        Column::Remediation,
    ];
    let Some(title_column) = title_columns.into_iter().find(|c| fields.has(*c)) else {
        found.note(fields.line, "row without a task or title not imported");
        return Ok(());
    };
    let framework = row_framework(context, sections, &fields, found)?;
    let (given, rest) = row_id(&fields, &[title_column]);
    let title = rest
        .filter(|r| !r.is_empty())
        .or_else(|| fields.text(title_column))
        .unwrap_or_default();
    if title_column == Column::Task
        && let Some(other) = fields.text(Column::Title)
    {
        fields.map.entry(Column::Summary).or_insert(Inline {
            text: other,
            ..Inline::default()
        });
    }
    if title_column == Column::Remediation {
        fields.map.remove(&Column::Remediation);
    }
    let (id, was_given) = match (given, fields.text(Column::Id), context.prefix) {
        (Some(id), _, _) => (id, true),
        (None, Some(n), Some(prefix)) if n.chars().all(|c| c.is_ascii_digit()) => {
            (format!("{prefix}-{n:0>2}"), false)
        }
        _ => {
            let prefix = context
                .prefix
                .map_or_else(|| framework.to_uppercase(), str::to_string);
            (ids::slug(&prefix, &title), false)
        }
    };
    let id = found.item_id(id, was_given, fields.line);
    let item = item_from(context, &fields, id, title, framework, phase, found);
    found.items.push(item);
    Ok(())
}

fn control_row(
    context: &Context<'_>,
    sections: &Sections,
    fields: Fields,
    soa: bool,
    found: &mut Found,
) -> Result<(), ImportError> {
    let framework = row_framework(context, sections, &fields, found)?;
    let (given, rest) = row_id(&fields, &[Column::Control, Column::Title]);
    let from_id_column = fields.text(Column::Id).is_some_and(|id| ids::is_id(&id));
    // The name: beside an id column, the title column; after an id in a
    // control cell, the rest of it; else the control cell, else the title.
    // `Art. 30`, `Section 4`: a reference, not a name; the title column names it.
    let reference = fields.text(Column::Control).filter(|c| {
        given.is_none()
            && fields.has(Column::Title)
            && c.split_whitespace().count() <= 3
            && c.chars().any(|ch| ch.is_ascii_digit())
    });
    let title = if from_id_column || reference.is_some() {
        fields
            .text(Column::Title)
            .or_else(|| fields.text(Column::Control))
    } else {
        rest.filter(|r| !r.is_empty())
            .or_else(|| fields.text(Column::Control).filter(|_| given.is_none()))
            .or_else(|| fields.text(Column::Title))
    }
    .unwrap_or_default();
    if let Some(other) = fields
        .text(Column::Title)
        .filter(|t| *t != title && !title.contains(t.as_str()))
    {
        found.note(
            fields.at(Column::Title),
            format!("description not imported (a control has a title, not a description): {other}"),
        );
    }
    if title.is_empty() && given.is_none() {
        found.note(
            fields.line,
            "row without a control id or title not imported",
        );
        return Ok(());
    }
    let (id, was_given) = match given {
        Some(id) => (bare_iso(&framework, soa, id), true),
        None => (
            ids::slug(
                &framework.to_uppercase(),
                reference.as_deref().unwrap_or(&title),
            ),
            false,
        ),
    };
    let id = found.control_id(&framework, id, was_given, fields.line);
    let control = control_from(&fields, id, title, found);
    found.controls.push((framework, control));
    Ok(())
}

fn review_row(
    context: &Context<'_>,
    sections: &Sections,
    fields: Fields,
    found: &mut Found,
) -> Result<(), ImportError> {
    let line = fields.line;
    let Some(title) = fields
        .text(Column::Title)
        .or_else(|| fields.text(Column::Task))
    else {
        found.note(line, "row without an activity not imported");
        return Ok(());
    };
    let frequency = fields.text(Column::Frequency).unwrap_or_default();
    let Some(cadence) = vocab::cadence(&frequency) else {
        found.note(
            line,
            format!(
                "frequency `{frequency}` of `{title}` is not a cadence (monthly, quarterly, \
                 annually, weekly, every N days); row not imported"
            ),
        );
        return Ok(());
    };
    let framework = row_framework(context, sections, &fields, found)?;
    let next = date_field(
        fields.text(Column::NextDue).as_deref(),
        "next due date",
        line,
        found,
    );
    let mut last_done = date_field(
        fields.text(Column::LastDone).as_deref(),
        "last done date",
        line,
        found,
    );
    if last_done.is_none()
        && let Some(next) = next
    {
        last_done = vocab::one_cadence_before(cadence, next);
        if let Some(last) = last_done {
            found.note(
                line,
                format!(
                    "next due {next} of `{title}` written as last done {last} (one cadence earlier)"
                ),
            );
        }
    }
    let (given, _) = row_id(&fields, &[]);
    let was_given = given.is_some();
    let id = given.unwrap_or_else(|| ids::slug("REV", &title));
    let id = found.item_id(id, was_given, line);
    fields.note_unused(
        &[
            Column::Id,
            Column::Title,
            Column::Task,
            Column::Frequency,
            Column::NextDue,
            Column::LastDone,
            Column::Owner,
            Column::Risk,
            Column::Evidence,
            Column::Framework,
        ],
        &id,
        found,
    );
    let risk = fields
        .text(Column::Risk)
        .and_then(|r| super::fields::risk(&r));
    let evidence = evidence(&fields, found);
    found.reviews.push(ReviewOut {
        evidence,
        id,
        title,
        framework,
        owner: fields.text(Column::Owner),
        cadence: cadence.to_string(),
        risk,
        last_done,
    });
    Ok(())
}

/// Checkbox lists: each ticked or unticked entry becomes an item, except
/// under a third-level (or deeper) heading whose list holds only plain
/// checkboxes: that heading becomes one item with the checklist.
fn checklist(
    context: &Context<'_>,
    sections: &Sections,
    entries: &[ListItem],
    found: &mut Found,
) -> Result<(), ImportError> {
    let section = sections.innermost();
    let annotated = entries.iter().any(|e| {
        let (_, owner, due) = super::fields::annotations(&e.inline.text);
        owner.is_some() || due.is_some()
    });
    let first_line = entries.first().map_or(0, |e| e.line);
    if let Some((level, heading)) = section
        && level >= 3
        && !annotated
    {
        let steps: Vec<StepOut> = entries
            .iter()
            .filter_map(|e| {
                e.checked.map(|done| StepOut {
                    task: e.inline.text.clone(),
                    done,
                })
            })
            .collect();
        let title = heading_title(heading);
        let status = checklist_status(&steps);
        let framework = framework(context, sections, first_line)?;
        let prefix = context
            .prefix
            .map_or_else(|| framework.to_uppercase(), str::to_string);
        let id = found.item_id(ids::slug(&prefix, &title), false, first_line);
        let risk = super::fields::risk(heading).unwrap_or_else(|| {
            found.defaulted.push(first_line);
            context.options.default_risk
        });
        let done =
            (status == ItemStatus::Done).then(|| guess_done(context, None, first_line, found));
        found.items.push(ItemOut {
            id,
            risk,
            framework: Some(framework),
            title,
            controls: Vec::new(),
            owner: None,
            due: "TBD".into(),
            done,
            status,
            summary: None,
            evidence: Vec::new(),
            checklist: steps,
            tags: Vec::new(),
        });
        return Ok(());
    }
    let tag_name = section.map(|(_, h)| tag(h));
    for entry in entries {
        let Some(checked) = entry.checked else {
            found.note(entry.line, "list entry without a checkbox not imported");
            continue;
        };
        let (title, owner, due) = super::fields::annotations(&entry.inline.text);
        let due = date_field(due.as_deref(), "due date", entry.line, found);
        let framework = framework(context, sections, entry.line)?;
        let prefix = context
            .prefix
            .map_or_else(|| framework.to_uppercase(), str::to_string);
        let id = found.item_id(ids::slug(&prefix, &title), false, entry.line);
        let risk = context.options.default_risk;
        found.defaulted.push(entry.line);
        let done = checked.then(|| guess_done(context, due, entry.line, found));
        found.items.push(ItemOut {
            id,
            risk,
            framework: Some(framework),
            title,
            controls: Vec::new(),
            owner,
            due: due.map_or_else(|| "TBD".to_string(), |d| d.to_string()),
            status: if checked {
                ItemStatus::Done
            } else {
                ItemStatus::Open
            },
            done,
            summary: None,
            evidence: Vec::new(),
            checklist: Vec::new(),
            tags: tag_name.iter().cloned().collect(),
        });
    }
    Ok(())
}

/// A status mark at the end of a heading's title (`Role changes ✅`,
/// `Backups ⚠️ PARTIAL`): the title without it, and the status text.
fn heading_status(title: &str) -> (String, Option<Inline>) {
    let Some(at) = title.find(|c: char| "✅✔☑🔄⏳🚧⚠❌⛔➖".contains(c)) else {
        return (title.to_string(), None);
    };
    let status = Inline {
        text: title[at..].trim().to_string(),
        ..Inline::default()
    };
    (title[..at].trim().to_string(), Some(status))
}

/// `1. Audit Logging Verification ⚠️ PARTIAL (...)` -> `Audit Logging Verification`.
fn heading_title(heading: &str) -> String {
    let without_number = heading
        .trim_start_matches(|c: char| c.is_ascii_digit())
        .trim_start_matches(['.', ')'])
        .trim();
    let end = without_number
        .find(|c: char| !(c.is_alphanumeric() || c.is_whitespace() || "&/-,'()".contains(c)))
        .unwrap_or(without_number.len());
    let title = without_number[..end].trim();
    if title.is_empty() {
        heading.trim().to_string()
    } else {
        title.to_string()
    }
}

/// A heading as a tag: lower-case words joined by `-`.
fn tag(heading: &str) -> String {
    super::fields::joined_words(heading, "-")
}
