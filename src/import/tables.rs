//! Tables: what a table is from its columns (tasks, controls, recurring
//! activities), and each row read by the roles of its columns.

use super::build::{bare_iso, control_from, date_field, evidence, item_from};
use super::doc::{Inline, TableRow};
use super::found::{Fields, Found, ImportError, PageContext, Sections, Shapes, framework};
use super::ids;
use super::vocab::{self, Column};
use crate::format::ReviewEntry;

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
fn roles(header: &TableRow) -> Vec<Option<Column>> {
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

/// Roles the cells show better than the headers: without an id column,
/// a column whose every filled cell is an id (`CC6.1` under `Point of
/// Focus` or `Control Objective`) is the id column; without a title, a
/// `Risk` column of sentences rather than levels is the title.
fn by_content(mut roles: Vec<Option<Column>>, rows: &[TableRow]) -> Vec<Option<Column>> {
    let cells = |at: usize| -> Vec<&str> {
        rows.iter()
            .filter_map(|r| r.cells.get(at))
            .map(|c| c.text.as_str())
            .filter(|t| !t.is_empty())
            .collect()
    };
    if !roles.contains(&Some(Column::Id))
        && let Some(at) = (0..roles.len()).find(|&at| {
            matches!(roles[at], None | Some(Column::Title | Column::Summary))
                && !cells(at).is_empty()
                && cells(at).iter().all(|t| ids::is_id(t))
        })
    {
        let was = roles[at];
        roles[at] = Some(Column::Id);
        // A second title column moved to the summary is the title again.
        if was == Some(Column::Title)
            && let Some(summary) = roles.iter_mut().find(|r| **r == Some(Column::Summary))
        {
            *summary = Some(Column::Title);
        }
    }
    let titled = roles
        .iter()
        .any(|r| matches!(r, Some(Column::Title | Column::Task)));
    if !titled && let Some(at) = roles.iter().position(|r| *r == Some(Column::Risk)) {
        let texts = cells(at);
        let levels = texts
            .iter()
            .filter(|t| super::fields::risk(t).is_some() && t.split_whitespace().count() <= 3)
            .count();
        if !texts.is_empty() && levels * 2 < texts.len() {
            roles[at] = Some(Column::Title);
        }
    }
    roles
}

/// Whether a control column holds the row's own control (`Control`,
/// `Clause`, `Criteria`) rather than references to controls (`Controls`,
/// `Mapped controls`): then a due date does not make the row work to do.
fn names_controls(header: &TableRow, roles: &[Option<Column>]) -> bool {
    header.cells.iter().zip(roles).any(|(cell, role)| {
        *role == Some(Column::Control)
            && matches!(
                vocab::normalise_header(&cell.text).as_str(),
                "control" | "clause" | "criteria" | "criterion" | "tsc" | "annex a control"
            )
    })
}

pub(super) fn table(
    context: &PageContext<'_>,
    sections: &Sections,
    header: &TableRow,
    rows: &[TableRow],
    found: &mut Found,
) -> Result<(), ImportError> {
    let roles = by_content(roles(header), rows);
    let has = |c: Column| roles.contains(&Some(c));
    let titled = has(Column::Title) || has(Column::Task);
    // A frequency beside a control (a control column, or ids in the id
    // column) makes a recurring control; beside an activity, a review.
    let id_column = roles.iter().position(|r| *r == Some(Column::Id));
    let has_ids = id_column.is_some_and(|at| {
        rows.iter()
            .filter_map(|r| r.cells.get(at))
            .any(|c| ids::is_id(&c.text))
    });
    let kind = if has(Column::Frequency) && titled && !has_ids && !has(Column::Control) {
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
        Some(TableKind::Controls) => context.options.kind.wants(Shapes::Matrix),
        Some(_) => context.options.kind.wants(Shapes::Tasks),
        None => false,
    };
    let names: Vec<&str> = header.cells.iter().map(|c| c.text.as_str()).collect();
    let Some(kind) = kind.filter(|_| wanted) else {
        let why = match kind {
            Some(_) => "(not a shape --kind asks for)".to_string(),
            None => format!(
                "(a task table needs a {} column, a control table a {} column, a table of \
                 recurring activities a {} column and a {} column)",
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
    // `## ✅ Completed`, `## In progress`: rows without a status of their
    // own have the heading's.
    let heading_status = phase
        .as_deref()
        .filter(|h| vocab::section_status(h).is_some() && kind != TableKind::Reviews);
    let mut took = Vec::new();
    for row in rows {
        let mut fields = row_fields(&roles, header, row, found);
        if let Some(heading) = heading_status
            && !fields.has(Column::Status)
        {
            fields.set(
                Column::Status,
                Inline {
                    text: heading.to_string(),
                    ..Inline::default()
                },
                row.line,
            );
            took.push(row.line.to_string());
        }
        match kind {
            TableKind::Tasks => task_row(context, sections, fields, phase.as_deref(), found)?,
            TableKind::Controls => control_row(context, sections, fields, soa, found)?,
            TableKind::Reviews => review_row(context, sections, fields, found)?,
        }
    }
    if let (Some(heading), false) = (heading_status, took.is_empty()) {
        found.note(
            header.line,
            format!(
                "rows without a status of their own (lines {}) take the status of the heading \
                 `{heading}`",
                took.join(", ")
            ),
        );
    }
    Ok(())
}

/// The cells of a row by role; cells of columns without a role are noted.
fn row_fields(
    roles: &[Option<Column>],
    header: &TableRow,
    row: &TableRow,
    found: &mut Found,
) -> Fields {
    let mut fields = Fields {
        line: row.line,
        ..Fields::default()
    };
    for (i, cell) in row.cells.iter().enumerate() {
        for struck in cell.struck.iter().filter(|s| !s.is_empty()) {
            found.note(
                row.line,
                format!(
                    "struck-through `{struck}` in column `{}` not read",
                    header.cells.get(i).map_or("", |h| h.text.as_str())
                ),
            );
        }
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
    context: &PageContext<'_>,
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
    context: &PageContext<'_>,
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
    context: &PageContext<'_>,
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
    context: &PageContext<'_>,
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
    let mut derived = false;
    if last_done.is_none()
        && let Some(next) = next
    {
        last_done = vocab::one_cadence_before(cadence, next);
        derived = last_done.is_some();
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
    if derived {
        found.guessed.push((id.to_lowercase(), "last_done"));
    }
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
    found.reviews.push(ReviewEntry {
        evidence,
        id: id.into(),
        title,
        framework,
        owner: fields.text(Column::Owner),
        cadence,
        risk,
        last_done,
    });
    Ok(())
}
