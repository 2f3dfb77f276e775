//! The page shapes the importer recognises, and what it makes of them:
//! headings with an id and fields (controls or items), tables (tasks,
//! controls, recurring activities), and checklists.

use super::build::{bare_iso, checklist_status, control_from, date_field, guess_done, item_from};
use super::doc::{Block, Document, Inline, ListItem, TableRow};
use super::found::{Fields, Found, ImportError, PageContext, Sections, Shapes, framework, tag};
use super::ids;
use super::tables::table;
use super::vocab::{self, Column};
use crate::format::{ChecklistStep, ItemEntry};
use crate::model::{Due, ItemStatus};
use crate::text::plural;

/// A heading with an id, and what follows it up to the next heading.
struct Record {
    id: String,
    title: String,
    pub(super) line: usize,
    fields: Fields,
    checklist: Vec<ChecklistStep>,
    /// The field of the last labelled line (`**Evidence:**` followed by a
    /// list of paths).
    last: Option<Column>,
}

/// A list's entries with their nested entries after them, in order
/// (`- Phase 1` with `- [ ] Task` under it).
fn flatten(items: &[ListItem]) -> Vec<ListItem> {
    let mut out = Vec::new();
    for item in items {
        out.push(ListItem {
            children: Vec::new(),
            ..item.clone()
        });
        out.extend(flatten(&item.children));
    }
    out
}

/// Searches `document` for every shape `context.options.kind` allows.
pub(crate) fn find(document: &Document, context: &PageContext<'_>) -> Result<Found, ImportError> {
    let mut found = Found::default();
    let mut sections = Sections::default();
    let mut record: Option<Record> = None;
    let kind = context.options.kind;
    let headings = kind != Shapes::Tasks;
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
                mentioned_framework(context, &inline.text, *line, &mut found);
                // `✅ SOC2-023 Pen test`: a status mark before the id.
                let (lead_mark, text) = leading_mark(&inline.text);
                let leading = ids::leading(text).map(|(id, title)| (id, title, false));
                let leading = leading.or_else(|| {
                    ids::leading(&upper_first_word(text)).map(|(id, title)| (id, title, true))
                });
                if headings && let Some((id, title, lowered)) = leading {
                    if lowered {
                        found.note(
                            *line,
                            format!(
                                "id `{}` written in lower case; imported as {id}",
                                text.split_whitespace().next().unwrap_or("")
                            ),
                        );
                    }
                    let mut fields = Fields {
                        line: *line,
                        ..Fields::default()
                    };
                    let (title, mark) = heading_status(&title);
                    if let Some(mark) = mark.or(lead_mark) {
                        fields.set(Column::Status, mark, *line);
                    }
                    record = Some(Record {
                        id,
                        title,
                        line: *line,
                        fields,
                        checklist: Vec::new(),
                        last: None,
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
                    for entry in &flatten(items) {
                        match entry.checked {
                            Some(_) if entry.inline.text.is_empty() => {}
                            Some(done) => record.checklist.push(ChecklistStep {
                                task: entry.inline.text.clone(),
                                done,
                            }),
                            None => {
                                record_line(record, &entry.inline, entry.line, &mut found, true);
                            }
                        }
                    }
                }
            }
            Block::List { items }
                if kind.wants(Shapes::Tasks)
                    && flatten(items).iter().any(|i| i.checked.is_some()) =>
            {
                checklist(context, &sections, &flatten(items), &mut found)?;
            }
            Block::List { items } => {
                let n = items.len();
                found.note(
                    items.first().map_or(0, |i| i.line),
                    format!(
                        "list of {n} {} without checkboxes not imported (a checklist needs \
                         `- [ ]` or `- [x]` entries)",
                        plural(n, "entry")
                    ),
                );
            }
            Block::Html { line, tag } => found.note(
                *line,
                format!(
                    "HTML block `{tag}` not imported (write tables and lists in Markdown to \
                     import them)"
                ),
            ),
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
fn summary_notes(context: &PageContext<'_>, found: &mut Found) {
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
        let n = lines.len();
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
fn key_value(header: &TableRow, rows: &[TableRow]) -> bool {
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
    for struck in inline.struck.iter().filter(|s| !s.is_empty()) {
        found.note(line, format!("struck-through `{struck}` not read"));
    }
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
        if listed
            && record.last == Some(Column::Evidence)
            && let Some(evidence) = record.fields.map.get_mut(&Column::Evidence)
        {
            // A list of paths under `**Evidence:**`.
            evidence.text = format!("{} {}", evidence.text, inline.text)
                .trim()
                .to_string();
            evidence.code.extend(inline.code.iter().cloned());
            evidence.links.extend(inline.links.iter().cloned());
            return;
        }
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
    if let Some(role) = vocab::column(label) {
        record.fields.labels.insert(role, label.to_string());
        record.fields.set(role, value_inline, line);
        record.last = Some(role);
    } else {
        record.last = None;
        record
            .fields
            .other
            .push((line, label.to_lowercase(), value));
    }
}

fn finish_record(
    context: &PageContext<'_>,
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
        Shapes::Backlog => true,
        Shapes::Matrix => false,
        _ if empty => super::fields::item_shaped(&record.id),
        _ => backlog_like,
    };
    if empty && !as_item {
        found.note(
            record.line,
            format!(
                "heading `{} {}` has an id but nothing comply reads under it (no Status, Owner, \
                 Evidence, Due... field, only prose or nothing); not imported",
                record.id, record.title
            ),
        );
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
        let title = if record.title.is_empty() {
            found.note(
                record.line,
                format!("heading {} has no title; its id is the title", record.id),
            );
            record.id.clone()
        } else {
            record.title
        };
        // A section number (`1.2 Setup`) is no item id: one is made from the title.
        let numbered = !record.id.chars().any(|c| c.is_ascii_alphabetic());
        let section = numbered.then(|| record.id.clone());
        let id = if numbered {
            let prefix = context
                .prefix
                .map_or_else(|| framework.to_uppercase(), str::to_string);
            found.item_id(ids::slug(&prefix, &title), false, record.line)
        } else {
            found.item_id(record.id, true, record.line)
        };
        let annex_a = sections.annex_a();
        let mut item = item_from(context, &fields, id, title, framework.clone(), None, found);
        // `### 5.15 Access control` with a target date: an item, whose
        // number names the control it closes when it can be one.
        if let Some(number) = section {
            let control = bare_iso(&framework, annex_a, number.clone());
            if framework == "iso27001" && control != number {
                if !item.controls.iter().any(|c| c.value == control) {
                    item.controls.push(control.clone().into());
                }
                found.note(
                    record.line,
                    format!(
                        "heading `{number} {}` has a due date or a task, so it is item {} and \
                         control {control} is in its controls",
                        item.title, item.id.value
                    ),
                );
            } else {
                found.note(
                    record.line,
                    format!(
                        "heading `{number} {}` has a due date or a task, so it is item {}; its \
                         number is taken for a section number, not an id",
                        item.title, item.id.value
                    ),
                );
            }
        }
        if !record.checklist.is_empty() && !fields.has(Column::Status) {
            let lower = item.id.value.to_lowercase();
            found
                .guessed
                .retain(|(id, field)| !(*id == lower && *field == "status"));
            item.status = checklist_status(&record.checklist);
            if item.status == ItemStatus::Done && item.done.is_none() {
                let id = item.id.value.clone();
                item.done = Some(guess_done(context, &id, None, record.line, found));
            }
        }
        item.checklist = record.checklist;
        found.items.push(item);
    } else {
        let id = bare_iso(&framework, sections.annex_a(), record.id);
        let id = found.control_id(&framework, id, true, record.line);
        // Under a control's heading, a `Controls:` field names other
        // controls, which a control has no place for here.
        if let Some(text) = record.fields.text(Column::Control) {
            let label = record
                .fields
                .labels
                .get(&Column::Control)
                .map_or("controls", String::as_str);
            found.note(
                record.fields.at(Column::Control),
                format!("`{label}` of control {id} not imported: {text}"),
            );
        }
        let control = control_from(&record.fields, id, record.title, found);
        found.controls.push((framework, control));
    }
    Ok(())
}

/// Checkbox lists: each ticked or unticked entry becomes an item, except
/// under a third-level (or deeper) heading whose list holds only plain
/// checkboxes: that heading becomes one item with the checklist.
fn checklist(
    context: &PageContext<'_>,
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
        let steps: Vec<ChecklistStep> = entries
            .iter()
            .filter(|e| !e.inline.text.is_empty())
            .filter_map(|e| {
                e.checked.map(|done| ChecklistStep {
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
            (status == ItemStatus::Done).then(|| guess_done(context, &id, None, first_line, found));
        found.items.push(ItemEntry {
            id: id.into(),
            risk,
            framework: Some(framework),
            title,
            controls: Vec::new(),
            owner: None,
            due: Due::Unscheduled,
            done,
            status,
            summary: None,
            evidence: Vec::new(),
            checklist: steps,
            tags: Vec::new(),
            max_age_days: None,
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
        if title.is_empty() {
            found.note(entry.line, "checkbox without text not imported");
            continue;
        }
        contradiction(&entry.inline.text, checked, entry.line, found);
        let due = date_field(due.as_deref(), "due date", entry.line, found);
        let framework = framework(context, sections, entry.line)?;
        let prefix = context
            .prefix
            .map_or_else(|| framework.to_uppercase(), str::to_string);
        let id = found.item_id(ids::slug(&prefix, &title), false, entry.line);
        let risk = context.options.default_risk;
        found.defaulted.push(entry.line);
        let done = checked.then(|| guess_done(context, &id, due, entry.line, found));
        found.items.push(ItemEntry {
            id: id.into(),
            risk,
            framework: Some(framework),
            title,
            controls: Vec::new(),
            owner,
            due: due.map_or(Due::Unscheduled, Due::On),
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
            max_age_days: None,
        });
    }
    Ok(())
}

/// Notes a checkbox whose text says the opposite (`- [ ] ✅ Rotate keys`,
/// `- [ ] Collect evidence — **done 2026-02-01**`, `- [x] Not started`):
/// the checkbox is imported as ticked or not, the text kept in the title.
fn contradiction(text: &str, checked: bool, line: usize, found: &mut Found) {
    let lead = vocab::bare_status(text.split_whitespace().next().unwrap_or(""));
    let (_, tail) = heading_status(text);
    let said = lead
        .map(|(p, _)| p)
        .or_else(|| tail.and_then(|t| vocab::progress(&t.text)).map(|(p, _)| p))
        .or_else(|| {
            vocab::bare_status(text)
                .or_else(|| vocab::progress(text).filter(|_| text.split_whitespace().count() <= 3))
                .map(|(p, _)| p)
        });
    let Some(said) = said else {
        return;
    };
    let done = vocab::finished(said);
    if done != checked {
        found.note(
            line,
            format!(
                "the checkbox is {} but the text says {}: `{text}`; imported as {}, check it",
                if checked { "ticked" } else { "not ticked" },
                if done { "done" } else { "not done" },
                if checked { "done" } else { "open" }
            ),
        );
    }
}

/// A status at the end of a heading's title (`Role changes ✅`, `Backups
/// ⚠️ PARTIAL`, `Pen test (Done)`, `Pen test [DONE]`, `Pen test — DONE`,
/// `Pen test - Completed 2025-09-30`): the title without it, and the
/// status text. A trailing part that says more than a status stays in the
/// title.
fn heading_status(title: &str) -> (String, Option<Inline>) {
    let status = |text: &str| Inline {
        text: text.trim().to_string(),
        ..Inline::default()
    };
    if let Some(at) = title.find(|c: char| "✅✔☑🔄⏳🚧⚠❌⛔➖".contains(c)) {
        return (title[..at].trim().to_string(), Some(status(&title[at..])));
    }
    let trimmed = title.trim_end();
    for (open, close) in [('(', ')'), ('[', ']')] {
        if trimmed.ends_with(close)
            && let Some(at) = trimmed.rfind(open)
        {
            let inner = &trimmed[at + open.len_utf8()..trimmed.len() - close.len_utf8()];
            if vocab::bare_status(inner).is_some() && !trimmed[..at].trim().is_empty() {
                return (trimmed[..at].trim().to_string(), Some(status(inner)));
            }
        }
    }
    for separator in [" — ", " – ", " - ", ": ", " | "] {
        if let Some(at) = trimmed.rfind(separator) {
            let tail = &trimmed[at + separator.len()..];
            if vocab::bare_status(tail).is_some() && !trimmed[..at].trim().is_empty() {
                return (trimmed[..at].trim().to_string(), Some(status(tail)));
            }
        }
    }
    (title.to_string(), None)
}

/// Status marks before a heading's id (`✅ SOC2-023 Pen test`): the marks
/// as a status, and the text after them.
fn leading_mark(text: &str) -> (Option<Inline>, &str) {
    let rest = text.trim_start_matches(|c: char| {
        "✅✔☑🔄⏳🚧⚠❌⛔➖✓✗\u{fe0f}".contains(c) || c.is_whitespace()
    });
    if rest.len() == text.len() || rest.is_empty() {
        return (None, text);
    }
    let mark = Inline {
        text: text[..text.len() - rest.len()].trim().to_string(),
        ..Inline::default()
    };
    (Some(mark), rest)
}

/// A text with its first word in upper case (`a.5.15 Access` ->
/// `A.5.15 Access`), to read ids written in lower case.
fn upper_first_word(text: &str) -> String {
    let (first, rest) = text.trim().split_once(' ').unwrap_or((text.trim(), ""));
    if first.chars().any(|c| c.is_ascii_lowercase()) && first.chars().any(|c| c.is_ascii_digit()) {
        format!("{} {rest}", first.to_ascii_uppercase())
    } else {
        String::new()
    }
}

/// Notes a heading that mentions a framework without being about it
/// (`Rights we support (unlike GDPR)`, `Lessons from our SOC 2 audit`).
fn mentioned_framework(context: &PageContext<'_>, heading: &str, line: usize, found: &mut Found) {
    let words = &context.options.framework_words;
    if let Some(named) = super::fields::framework_in(heading, words)
        && super::fields::section_framework(heading, words).is_none()
    {
        found.note(
            line,
            format!(
                "heading `{heading}` mentions {} in passing; not taken as its section's framework",
                super::fields::display_name(&named)
            ),
        );
    }
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
