//! The three page shapes the importer recognises, and what it makes of them.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::doc::{Block, Document, Inline, ListItem, Row};
use super::fields;
use super::{ControlOut, EvidenceOut, ImportError, ItemOut, Note, Options, StepOut};
use crate::gate::plural;
use crate::model::{ControlStatus, ItemStatus, Risk};

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
    /// Prefix of generated ids.
    pub prefix: &'a str,
    /// The page's title.
    pub title: Option<String>,
    /// The page's date.
    pub date: Option<NaiveDate>,
}

/// Everything found on a page.
#[derive(Default)]
pub struct Found {
    /// Backlog items.
    pub items: Vec<ItemOut>,
    /// Controls of a matrix.
    pub controls: Vec<ControlOut>,
    /// The matrix's framework, when controls were found.
    pub matrix_framework: Option<String>,
    /// The matrix's display name.
    pub matrix_name: Option<String>,
    /// Notes by line.
    pub notes: Vec<Note>,
    /// Lines of items whose risk was not given (reported once, at the end).
    defaulted: Vec<usize>,
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

    /// The innermost heading at `level` or deeper, with its level.
    fn innermost(&self) -> Option<(usize, &str)> {
        self.stack.last().map(|(l, t)| (*l, t.as_str()))
    }

    /// The framework named by the nearest heading that names one.
    fn framework(&self) -> Option<&'static str> {
        self.stack
            .iter()
            .rev()
            .find_map(|(_, text)| fields::framework_in(text))
    }
}

/// Searches `document` for every shape `context.options.kind` allows.
pub fn find(document: &Document, context: &Context<'_>) -> Result<Found, ImportError> {
    let mut found = Found::default();
    let mut sections = Sections::default();
    let mut ids: HashMap<String, usize> = HashMap::new();
    let mut pending: Option<(String, String, usize)> = None;
    let kind = context.options.kind;
    for block in &document.blocks {
        match block {
            Block::Heading {
                level,
                inline,
                line,
            } => {
                if let Some((id, title, at)) = pending.take() {
                    let item = heading_item(context, &sections, id, title, &[], at, &mut found)?;
                    found.items.push(item);
                }
                sections.enter(*level, &inline.text);
                if kind.wants(Kind::Backlog)
                    && let Some((id, title)) = fields::leading_id(&inline.text)
                {
                    pending = Some((id, title, *line));
                }
            }
            Block::List { items } if pending.is_some() => {
                if let Some((id, title, at)) = pending.take() {
                    let item = heading_item(context, &sections, id, title, items, at, &mut found)?;
                    found.items.push(item);
                }
            }
            Block::List { items }
                if kind.wants(Kind::Tasks) && items.iter().any(|i| i.checked.is_some()) =>
            {
                checklist(context, &sections, items, &mut ids, &mut found)?;
            }
            Block::List { items } => found.notes.push(Note {
                line: items.first().map_or(0, |i| i.line),
                message: format!(
                    "list of {} {} without checkboxes not imported",
                    items.len(),
                    plural(items.len() as i64, "entry")
                ),
            }),
            Block::Table { header, rows } => table(context, &sections, header, rows, &mut found)?,
            Block::Paragraph { .. } => {}
        }
    }
    if let Some((id, title, at)) = pending.take() {
        let item = heading_item(context, &sections, id, title, &[], at, &mut found)?;
        found.items.push(item);
    }
    if let Some(&first) = found.defaulted.first() {
        let lines: Vec<String> = found.defaulted.iter().map(usize::to_string).collect();
        let n = lines.len();
        found.notes.push(Note {
            line: first,
            message: format!(
                "no risk given for {n} {} ({} {}); set to {}",
                plural(n as i64, "item"),
                plural(n as i64, "line"),
                lines.join(", "),
                context.options.default_risk,
            ),
        });
    }
    Ok(found)
}

/// The framework for an item: `--framework`, else the nearest heading or the
/// page title that names one.
fn framework(
    context: &Context<'_>,
    sections: &Sections,
    line: usize,
) -> Result<String, ImportError> {
    if let Some(f) = &context.options.framework {
        return Ok(f.clone());
    }
    sections
        .framework()
        .or_else(|| context.title.as_deref().and_then(fields::framework_in))
        .map(str::to_string)
        .ok_or_else(|| ImportError {
            line: Some(line),
            message: "cannot tell which framework this belongs to; pass --framework ID".into(),
        })
}

fn risk_or_default(
    context: &Context<'_>,
    risk: Option<Risk>,
    line: usize,
    defaulted: &mut Vec<usize>,
) -> Risk {
    risk.unwrap_or_else(|| {
        defaulted.push(line);
        context.options.default_risk
    })
}

/// A due date from its text; a text that is not a date is noted and the
/// item left unscheduled.
fn due_or_note(text: Option<&str>, line: usize, notes: &mut Vec<Note>) -> Option<NaiveDate> {
    match text.map(fields::due) {
        Some(Ok(due)) => due,
        Some(Err(why)) => {
            notes.push(Note {
                line,
                message: format!("{why}; item left unscheduled"),
            });
            None
        }
        None => None,
    }
}

fn due_text(due: Option<NaiveDate>) -> String {
    due.map_or_else(|| "TBD".to_string(), |d| d.to_string())
}

/// A `### ID Title` heading with its `**Field**: value` list.
fn heading_item(
    context: &Context<'_>,
    sections: &Sections,
    id: String,
    title: String,
    list: &[ListItem],
    line: usize,
    found: &mut Found,
) -> Result<ItemOut, ImportError> {
    let notes = &mut found.notes;
    let mut risk = None;
    let mut owner = None;
    let mut due = None;
    let mut summary = None;
    let mut evidence = Vec::new();
    let mut status = ItemStatus::Open;
    for entry in list {
        let Some(name) = entry.inline.lead_strong.as_deref() else {
            notes.push(Note {
                line: entry.line,
                message: format!("line in item {id} without a **Field**: not imported"),
            });
            continue;
        };
        let name = name.trim_end_matches(':').trim().to_lowercase();
        let value = entry
            .inline
            .text
            .split_once(':')
            .map_or("", |(_, v)| v)
            .trim()
            .to_string();
        match name.as_str() {
            "risk" | "severity" | "priority" => {
                risk = fields::risk(&value);
                if risk.is_none() {
                    notes.push(Note {
                        line: entry.line,
                        message: format!("risk `{value}` not recognised"),
                    });
                }
            }
            "owner" => owner = Some(value),
            "due" | "target" | "due date" => due = due_or_note(Some(&value), entry.line, notes),
            "summary" | "description" => summary = Some(value),
            "evidence" => evidence = evidence_entries(&entry.inline, entry.line, notes),
            "status" => match value.to_lowercase().parse::<ItemStatus>() {
                Ok(s) if !s.is_closed() => status = s,
                _ => notes.push(Note {
                    line: entry.line,
                    message: format!("status `{value}` not imported"),
                }),
            },
            other => notes.push(Note {
                line: entry.line,
                message: format!("field `{other}` of item {id} not imported"),
            }),
        }
    }
    Ok(ItemOut {
        framework: Some(framework(context, sections, line)?),
        risk: risk_or_default(context, risk, line, &mut found.defaulted),
        id,
        title,
        controls: Vec::new(),
        owner,
        due: due_text(due),
        status,
        done: None,
        summary,
        evidence,
        checklist: Vec::new(),
        tags: Vec::new(),
    })
}

/// Code spans become evidence paths; the first keeps the whole description
/// as its note. A description without any path is reported.
fn evidence_entries(inline: &Inline, line: usize, notes: &mut Vec<Note>) -> Vec<EvidenceOut> {
    let text = inline
        .text
        .split_once(':')
        .filter(|_| inline.lead_strong.is_some())
        .map_or(inline.text.as_str(), |(_, v)| v)
        .trim()
        .to_string();
    let paths: Vec<&String> = inline.code.iter().filter(|c| looks_like_path(c)).collect();
    if paths.is_empty() {
        if !text.is_empty() {
            notes.push(Note {
                line,
                message: format!("evidence without a path not imported: {text}"),
            });
        }
        return Vec::new();
    }
    let residual = paths
        .iter()
        .fold(text.clone(), |t, p| t.replace(p.as_str(), ""));
    let described = residual.chars().any(char::is_alphabetic);
    paths
        .into_iter()
        .enumerate()
        .map(|(i, path)| match i {
            0 if described => EvidenceOut::Noted {
                path: path.clone(),
                note: text.clone(),
            },
            _ => EvidenceOut::Path(path.clone()),
        })
        .collect()
}

fn looks_like_path(code: &str) -> bool {
    !code.contains(' ') && (code.contains('/') || code.contains('.'))
}

/// Column roles, recognised by header name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Column {
    Number,
    Title,
    Control,
    Owner,
    Due,
    Risk,
    Evidence,
    Status,
    Current,
    Target,
    Gap,
    Remediation,
}

fn column(header: &str) -> Option<Column> {
    let h = header.to_lowercase();
    let h = h.split('(').next().unwrap_or("").trim();
    Some(match h {
        "#" | "id" | "no" | "no." | "number" => Column::Number,
        "task" | "title" | "item" | "action" => Column::Title,
        "controls" | "control" | "clause" | "clauses" | "criteria" => Column::Control,
        "owner" | "control owner" | "responsible" | "assignee" => Column::Owner,
        "target" | "due" | "due date" | "deadline" | "target date" => Column::Due,
        "risk" | "severity" | "risk severity" | "priority" => Column::Risk,
        "evidence" => Column::Evidence,
        "status" => Column::Status,
        "current maturity" | "current" | "current state" => Column::Current,
        "target state" => Column::Target,
        "gap" | "gap & risk" | "gap and risk" | "gaps" => Column::Gap,
        "remediation" | "backlog" => Column::Remediation,
        _ => return None,
    })
}

fn table(
    context: &Context<'_>,
    sections: &Sections,
    header: &Row,
    rows: &[Row],
    found: &mut Found,
) -> Result<(), ImportError> {
    let columns: Vec<Option<Column>> = header.cells.iter().map(|c| column(&c.text)).collect();
    let has = |wanted: Column| columns.contains(&Some(wanted));
    let is_matrix = has(Column::Control)
        && (has(Column::Current)
            || has(Column::Target)
            || has(Column::Gap)
            || has(Column::Remediation));
    let names: Vec<&str> = header.cells.iter().map(|c| c.text.as_str()).collect();
    if is_matrix && context.options.kind.wants(Kind::Matrix) {
        return matrix_rows(context, sections, &columns, header, rows, found);
    }
    if has(Column::Title) && !is_matrix && context.options.kind.wants(Kind::Tasks) {
        return task_rows(context, sections, &columns, header, rows, found);
    }
    found.notes.push(Note {
        line: header.line,
        message: format!("table with columns [{}] not imported", names.join(", ")),
    });
    Ok(())
}

/// The cells of one table row by column role.
struct RowCells<'r> {
    cells: HashMap<Column, &'r Inline>,
    line: usize,
}

impl<'r> RowCells<'r> {
    /// The cell of each recognised column; notes columns that are not.
    fn read(
        columns: &[Option<Column>],
        header: &Row,
        row: &'r Row,
        notes: &mut Vec<Note>,
    ) -> RowCells<'r> {
        let mut cells = HashMap::new();
        for (i, cell) in row.cells.iter().enumerate() {
            match columns.get(i).copied().flatten() {
                Some(c) => {
                    cells.insert(c, cell);
                }
                None if !cell.text.is_empty() => notes.push(Note {
                    line: row.line,
                    message: format!(
                        "column `{}` not imported: {}",
                        header.cells.get(i).map_or("", |h| h.text.as_str()),
                        cell.text
                    ),
                }),
                None => {}
            }
        }
        RowCells {
            cells,
            line: row.line,
        }
    }

    /// The cell of `column`.
    fn get(&self, column: Column) -> Option<&'r Inline> {
        self.cells.get(&column).copied()
    }

    /// The text of `column`, when not empty.
    fn text(&self, column: Column) -> Option<String> {
        self.get(column)
            .map(|i| i.text.clone())
            .filter(|t| !t.is_empty())
    }

    /// The text of `column`, or a note that the row lacks `what`.
    fn required(&self, column: Column, what: &str, notes: &mut Vec<Note>) -> Option<String> {
        let text = self.text(column);
        if text.is_none() {
            notes.push(Note {
                line: self.line,
                message: format!("row without {what} not imported"),
            });
        }
        text
    }
}

fn task_rows(
    context: &Context<'_>,
    sections: &Sections,
    columns: &[Option<Column>],
    header: &Row,
    rows: &[Row],
    found: &mut Found,
) -> Result<(), ImportError> {
    let phase = sections.innermost().map(|(_, text)| text.to_string());
    let phase_risk = phase.as_deref().and_then(fields::risk);
    for row in rows {
        let cell = RowCells::read(columns, header, row, &mut found.notes);
        let text = |c: Column| cell.text(c);
        let Some(title) = cell.required(Column::Title, "a task title", &mut found.notes) else {
            continue;
        };
        let framework = framework(context, sections, row.line)?;
        let id = match text(Column::Number) {
            Some(n) if n.chars().all(|c| c.is_ascii_digit()) => {
                format!("{}-{:0>2}", context.prefix, n)
            }
            Some(n) if fields::leading_id(&n).is_some() => n,
            _ => generated_id(context.prefix, &title),
        };
        let risk = text(Column::Risk)
            .and_then(|r| fields::risk(&r))
            .or(phase_risk);
        let due = due_or_note(text(Column::Due).as_deref(), row.line, &mut found.notes);
        let status = text(Column::Status)
            .and_then(|s| s.to_lowercase().parse::<ItemStatus>().ok())
            .filter(|s| !s.is_closed())
            .unwrap_or(ItemStatus::Open);
        found.items.push(ItemOut {
            id,
            title,
            controls: text(Column::Control)
                .map(|c| fields::controls(&c, &framework))
                .unwrap_or_default(),
            framework: Some(framework),
            risk: risk_or_default(context, risk, row.line, &mut found.defaulted),
            owner: text(Column::Owner),
            due: due_text(due),
            status,
            done: None,
            summary: None,
            evidence: cell
                .get(Column::Evidence)
                .map(|i| evidence_entries(i, row.line, &mut found.notes))
                .unwrap_or_default(),
            checklist: Vec::new(),
            tags: phase.iter().map(|p| tag(p)).collect(),
        });
    }
    Ok(())
}

fn matrix_rows(
    context: &Context<'_>,
    sections: &Sections,
    columns: &[Option<Column>],
    header: &Row,
    rows: &[Row],
    found: &mut Found,
) -> Result<(), ImportError> {
    let framework = framework(context, sections, header.line)?;
    found.matrix_framework.get_or_insert(framework);
    found.matrix_name = found.matrix_name.take().or_else(|| context.title.clone());
    for row in rows {
        let cell = RowCells::read(columns, header, row, &mut found.notes);
        let text = |c: Column| cell.text(c);
        let Some(control) = cell.required(Column::Control, "a control", &mut found.notes) else {
            continue;
        };
        let (id, title) = control
            .split_once(' ')
            .map_or((control.clone(), control.clone()), |(id, t)| {
                (id.to_string(), t.trim().to_string())
            });
        let mut backlog = Vec::new();
        if let Some(remediation) = cell.get(Column::Remediation) {
            backlog.extend(fields::ids_in(&remediation.text));
            for (text, _) in &remediation.links {
                backlog.extend(fields::ids_in(text));
            }
            let mut seen = std::collections::HashSet::new();
            backlog.retain(|id| seen.insert(id.clone()));
        }
        let status = match text(Column::Status) {
            Some(s) => s.to_lowercase().parse::<ControlStatus>().ok(),
            None => None,
        };
        let status = status.unwrap_or_else(|| {
            found.notes.push(Note {
                line: row.line,
                message: format!(
                    "no status for control {id}; set to partial (a matrix row with a gap)"
                ),
            });
            ControlStatus::Partial
        });
        found.controls.push(ControlOut {
            id,
            title,
            status,
            severity: text(Column::Risk).and_then(|r| fields::risk(&r)),
            owner: text(Column::Owner),
            current: text(Column::Current),
            target: text(Column::Target),
            gap: text(Column::Gap),
            evidence: cell
                .get(Column::Evidence)
                .map(|i| evidence_entries(i, row.line, &mut found.notes))
                .unwrap_or_default(),
            backlog,
        });
    }
    Ok(())
}

/// Checkbox lists: each ticked or unticked entry becomes an item, except
/// under a third-level (or deeper) heading whose list holds only plain
/// checkboxes: that heading becomes one item with the checklist.
fn checklist(
    context: &Context<'_>,
    sections: &Sections,
    entries: &[ListItem],
    ids: &mut HashMap<String, usize>,
    found: &mut Found,
) -> Result<(), ImportError> {
    let section = sections.innermost();
    let annotated = entries.iter().any(|e| {
        fields::annotations(&e.inline.text).1.is_some()
            || fields::annotations(&e.inline.text).2.is_some()
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
        let ticked = steps.iter().filter(|s| s.done).count();
        let status = match ticked {
            0 => ItemStatus::Open,
            n if n == steps.len() => ItemStatus::Done,
            _ => ItemStatus::InProgress,
        };
        let framework = framework(context, sections, first_line)?;
        let id = unique(ids, generated_id(context.prefix, &title));
        found.items.push(ItemOut {
            id,
            risk: risk_or_default(
                context,
                fields::risk(heading),
                first_line,
                &mut found.defaulted,
            ),
            framework: Some(framework),
            title,
            controls: Vec::new(),
            owner: None,
            due: "TBD".into(),
            done: (status == ItemStatus::Done)
                .then(|| context.date.unwrap_or(context.options.as_of)),
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
            found.notes.push(Note {
                line: entry.line,
                message: "list entry without a checkbox not imported".into(),
            });
            continue;
        };
        let (title, owner, due) = fields::annotations(&entry.inline.text);
        let due = due_or_note(due.as_deref(), entry.line, &mut found.notes);
        let framework = framework(context, sections, entry.line)?;
        let id = unique(ids, generated_id(context.prefix, &title));
        found.items.push(ItemOut {
            id,
            risk: risk_or_default(context, None, entry.line, &mut found.defaulted),
            framework: Some(framework),
            title,
            controls: Vec::new(),
            owner,
            due: due_text(due),
            status: if checked {
                ItemStatus::Done
            } else {
                ItemStatus::Open
            },
            done: checked.then(|| due.or(context.date).unwrap_or(context.options.as_of)),
            summary: None,
            evidence: Vec::new(),
            checklist: Vec::new(),
            tags: tag_name.iter().cloned().collect(),
        });
    }
    Ok(())
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

/// A stable id from the prefix and the text: the same text on a page always
/// gives the same id.
fn generated_id(prefix: &str, text: &str) -> String {
    let normal = text
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in normal.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{prefix}-{:06X}", hash & 0xFF_FFFF)
}

/// `id`, or `id-2`, `id-3`... when the page repeats a text.
fn unique(seen: &mut HashMap<String, usize>, id: String) -> String {
    let count = seen.entry(id.clone()).or_insert(0);
    *count += 1;
    if *count == 1 {
        id
    } else {
        format!("{id}-{count}")
    }
}

/// A heading as a tag: lower-case words joined by `-`.
fn tag(heading: &str) -> String {
    heading
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}
