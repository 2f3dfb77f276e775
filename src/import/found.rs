//! What the page shapes share, below them all: the import's options, the
//! page's context, what was found so far, the sections and fields read, and
//! the notes and errors.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::doc::Inline;
use super::ids::Unique;
use super::vocab::Column;

use crate::format::{ControlEntry, ItemEntry, ReviewEntry};
use crate::model::Risk;

/// Settings of one import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportOptions {
    /// The framework for items whose page does not name one.
    pub framework: Option<String>,
    /// Which shapes to look for.
    pub kind: Shapes,
    /// The prefix of generated ids (default: from the file name).
    pub id_prefix: Option<String>,
    /// Risk for items whose page gives none.
    pub default_risk: Risk,
    /// Done date for ticked items when the page gives no date at all.
    pub as_of: NaiveDate,
    /// Words of headings that name a framework (`Privacy` -> `popia`),
    /// tried before the names comply knows.
    pub framework_words: Vec<(String, String)>,
}

/// Something on the page that was not imported, or was guessed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// Line in the Markdown file.
    pub line: usize,
    /// What happened.
    pub(crate) message: String,
}

/// Why a page could not be imported at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    /// Line, where one applies.
    pub(crate) line: Option<usize>,
    /// What is wrong.
    pub(crate) message: String,
}

/// The shapes `comply import` looks for (`--kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Shapes {
    /// Every shape.
    Auto,
    /// Headings with an id and fields, all read as backlog items.
    Backlog,
    /// Control tables (matrices, Statements of Applicability, gap analyses),
    /// and headings with an id and fields read as controls.
    Matrix,
    /// Tables of tasks and recurring activities, and checklists.
    Tasks,
    /// A crosswalk in CSV (`source,target,relation`, each end
    /// `framework:control`), written to mappings/; files ending in .csv
    /// are read so without it.
    Mappings,
}

impl Shapes {
    pub(super) fn wants(self, shape: Shapes) -> bool {
        self == Shapes::Auto || self == shape
    }
}

/// What the shapes need to know about the page.
pub(crate) struct PageContext<'a> {
    /// The import's settings.
    pub(crate) options: &'a ImportOptions,
    /// Prefix of generated item ids: `--id-prefix`, else from a readable
    /// file name; `None` uses the framework.
    pub(crate) prefix: Option<&'a str>,
    /// The page's date.
    pub(crate) date: Option<NaiveDate>,
    /// The framework the front matter or the title names.
    pub(crate) page_framework: Option<String>,
    /// The framework the page's path names.
    pub(crate) path_framework: Option<String>,
}

/// Everything found on a page.
#[derive(Default)]
pub(crate) struct Found {
    /// Backlog items.
    pub(crate) items: Vec<ItemEntry>,
    /// Controls, with their framework.
    pub(crate) controls: Vec<(String, ControlEntry)>,
    /// Recurring activities.
    pub(crate) reviews: Vec<ReviewEntry>,
    /// Notes by line.
    pub(crate) notes: Vec<Note>,
    /// Lines of items whose risk was not given (reported once, at the end).
    pub(super) defaulted: Vec<usize>,
    /// Lines of done items whose done date is the page's date or the as-of date.
    pub(super) guessed_done: Vec<usize>,
    /// Lines of done items whose done date is their (past) due date.
    pub(super) done_from_due: Vec<usize>,
    /// Item and review ids handed out.
    pub(super) ids: Unique,
    /// The item and review ids made here rather than written on the page.
    pub(crate) generated: Vec<String>,
    /// Values the page did not give (lower-case id, field): a default
    /// status, a done date from the due date. `--merge` never writes them
    /// over a stored value.
    pub(crate) guessed: Vec<(String, &'static str)>,
    /// Control ids handed out, per framework.
    pub(super) control_ids: HashMap<String, Unique>,
}

impl Found {
    pub(super) fn note(&mut self, line: usize, message: impl Into<String>) {
        self.notes.push(Note {
            line,
            message: message.into(),
        });
    }

    /// A unique item or review id; a renamed id written on the page is noted.
    pub(super) fn item_id(&mut self, id: String, given: bool, line: usize) -> String {
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

    pub(super) fn control_id(
        &mut self,
        framework: &str,
        id: String,
        given: bool,
        line: usize,
    ) -> String {
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
pub(super) struct Sections {
    pub(super) stack: Vec<(usize, String)>,
}

impl Sections {
    pub(super) fn enter(&mut self, level: usize, text: &str) {
        self.stack.retain(|(l, _)| *l < level);
        self.stack.push((level, text.to_string()));
    }

    /// The innermost heading, with its level.
    pub(super) fn innermost(&self) -> Option<(usize, &str)> {
        self.stack.last().map(|(l, t)| (*l, t.as_str()))
    }

    /// The framework named by the nearest heading that names one.
    pub(super) fn framework(&self, words: &[(String, String)]) -> Option<String> {
        self.stack
            .iter()
            .rev()
            .find_map(|(_, text)| super::fields::section_framework(text, words))
    }

    /// Whether a heading above says "Annex A".
    pub(super) fn annex_a(&self) -> bool {
        self.stack
            .iter()
            .any(|(_, t)| t.to_lowercase().contains("annex a"))
    }
}

/// The fields of one record: a table row, or a heading's `**Field**:`
/// lines, by role.
#[derive(Default)]
pub(super) struct Fields {
    pub(super) line: usize,
    pub(super) map: HashMap<Column, Inline>,
    /// The line of each field, when it differs from the record's.
    pub(super) lines: HashMap<Column, usize>,
    /// The header or label each field was written under.
    pub(super) labels: HashMap<Column, String>,
    /// Fields without a role: (line, label, value).
    pub(super) other: Vec<(usize, String, String)>,
}

impl Fields {
    pub(super) fn text(&self, column: Column) -> Option<String> {
        self.map
            .get(&column)
            .map(|i| i.text.clone())
            .filter(|t| !t.is_empty() && t != "-" && t != "—")
    }

    pub(super) fn has(&self, column: Column) -> bool {
        self.text(column).is_some()
    }

    /// The line of a field.
    pub(super) fn at(&self, column: Column) -> usize {
        self.lines.get(&column).copied().unwrap_or(self.line)
    }

    pub(super) fn set(&mut self, column: Column, inline: Inline, line: usize) {
        self.map.insert(column, inline);
        self.lines.insert(column, line);
    }

    /// Notes every field without a role (`**Reviewer:**`) and every filled
    /// field whose role is not in `used`.
    pub(super) fn note_unused(&self, used: &[Column], whose: &str, found: &mut Found) {
        for (at, label, value) in &self.other {
            found.note(
                *at,
                format!("field `{label}` of {whose} not imported: {value}"),
            );
        }
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

/// The framework of a record: the nearest heading that names one, else the
/// front matter or title, else the page's path, else `--framework`.
pub(super) fn framework(
    context: &PageContext<'_>,
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

/// A heading as a tag: lower-case words joined by `-`.
pub(super) fn tag(heading: &str) -> String {
    super::fields::joined_words(heading, "-")
}
