//! `comply import`: existing Markdown compliance pages to comply's YAML.
//!
//! A page is repaired (`mojibake`), read structurally (`doc`), and searched
//! for its shapes (`shapes`): headings with an id and fields (items or
//! controls), tables (`tables`: tasks, controls, recurring activities) and
//! checklists. Columns and labels are read by meaning through one table of
//! synonyms, one status vocabulary and one date reader (`vocab`); items and
//! controls are built from those fields in one place (`build`); ids are
//! kept or made readable (`ids`); `merge` folds a result into an existing
//! file. What cannot be mapped becomes a [`Note`] with its line, never a
//! silent drop. Everything here is pure: reading and writing files is the
//! caller's job.

mod build;
pub(crate) mod crosswalk;
mod doc;
mod fields;
mod found;
mod ids;
pub(crate) mod merge;
mod mojibake;
mod shapes;
mod tables;
mod vocab;

use chrono::NaiveDate;
use serde::Serialize;

pub use crate::format::FileKind;
use crate::format::{BacklogFile, ItemEntry, MatrixFile, ReviewsFile};
use crate::yaml::{self, Value};

pub use found::{ImportError, ImportOptions, Note, Shapes};
pub(crate) use ids::valid_framework;

/// What one page gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Imported {
    /// Backlog items found, if any.
    pub backlog: Option<BacklogFile>,
    /// Control matrices found, one per framework.
    pub matrices: Vec<MatrixFile>,
    /// Recurring activities found, if any.
    pub reviews: Option<ReviewsFile>,
    /// What was not imported, or guessed, by line.
    pub(crate) notes: Vec<Note>,
    /// How many mis-encoded characters were repaired.
    pub(crate) repaired: usize,
    /// Item and review ids made by the import (not written on the page).
    pub(crate) generated: Vec<String>,
    /// Values guessed rather than read (lower-case id, field), which
    /// `--merge` does not write over stored ones.
    pub(crate) guessed: Vec<(String, &'static str)>,
}

/// Imports one page. `name` is the page's path as given (its folders and
/// file name can name the framework; its file name gives id prefixes).
pub fn import(name: &str, text: &str, options: &ImportOptions) -> Result<Imported, ImportError> {
    // A byte-order mark (Windows editors) hides the front matter and title.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (text, repaired) = mojibake::repair(text);
    let document = doc::parse(&text);
    let front = front_matter(&document)?;
    let words = &options.framework_words;
    let page_framework = front.framework.clone().or_else(|| {
        front
            .title
            .as_deref()
            .and_then(|t| fields::framework_in(t, words))
    });
    let path_framework = std::path::Path::new(name)
        .with_extension("")
        .components()
        .filter_map(|c| fields::framework_in(&c.as_os_str().to_string_lossy(), words))
        .next_back();
    let prefix = options.id_prefix.clone().or_else(|| default_prefix(name));
    let context = found::PageContext {
        options,
        prefix: prefix.as_deref(),
        date: front.date,
        page_framework,
        path_framework,
    };
    let found = shapes::find(&document, &context)?;
    if found.items.is_empty() && found.controls.is_empty() && found.reviews.is_empty() {
        let passed: Vec<String> = found
            .notes
            .iter()
            .filter(|n| n.message.contains("not imported"))
            .map(|n| format!("\n  line {}: {}", n.line, n.message))
            .collect();
        return Err(ImportError {
            line: None,
            message: format!(
                "no recognisable shape: no heading with an id and fields, no task, control or \
                 review table and no checklist{}",
                passed.concat()
            ),
        });
    }
    let backlog = (!found.items.is_empty()).then(|| backlog_file(found.items));
    let mut matrices: Vec<MatrixFile> = Vec::new();
    for (framework, control) in found.controls {
        match matrices.iter_mut().find(|m| m.framework.value == framework) {
            Some(matrix) => matrix.controls.push(control),
            None => matrices.push(MatrixFile {
                name: Some(fields::display_name(&framework)),
                framework: framework.into(),
                description: None,
                max_age_days: None,
                controls: vec![control],
            }),
        }
    }
    if let ([matrix], Some(title)) = (&mut matrices[..], &front.title) {
        matrix.name = Some(title.clone());
    }
    let reviews = (!found.reviews.is_empty()).then_some(ReviewsFile {
        reviews: found.reviews,
    });
    Ok(Imported {
        backlog,
        matrices,
        reviews,
        notes: found.notes,
        repaired,
        generated: found.generated,
        guessed: found.guessed,
    })
}

/// Makes the generated item and review ids of several pages unique
/// together: a generated id an earlier page already uses gets `-2`, `-3`...
/// Ids written on the pages are left alone (`validate` reports repeats).
/// Returns, per page index, what was renamed.
pub(crate) fn dedupe(pages: &mut [Imported]) -> Vec<(usize, String)> {
    let mut unique = ids::Unique::default();
    let mut renamed = Vec::new();
    for (index, page) in pages.iter_mut().enumerate() {
        let generated: std::collections::HashSet<String> = page.generated.iter().cloned().collect();
        let items = page
            .backlog
            .iter_mut()
            .flat_map(|b| b.items.iter_mut().map(|i| &mut i.id.value));
        let reviews = page
            .reviews
            .iter_mut()
            .flat_map(|r| r.reviews.iter_mut().map(|r| &mut r.id.value));
        for id in items.chain(reviews) {
            let (new, changed) = unique.take(id.clone());
            if changed && generated.contains(id.as_str()) {
                renamed.push((
                    index,
                    format!("generated id {id} is also used by an earlier page; this one is {new}"),
                ));
                *id = new;
            }
        }
    }
    renamed
}

/// Puts a shared framework at the top of the file.
fn backlog_file(mut items: Vec<ItemEntry>) -> BacklogFile {
    let first = items.first().and_then(|i| i.framework.clone());
    let shared = first.filter(|f| items.iter().all(|i| i.framework.as_ref() == Some(f)));
    if shared.is_some() {
        for item in &mut items {
            item.framework = None;
        }
    }
    BacklogFile {
        framework: shared,
        items,
    }
}

struct FrontMatter {
    title: Option<String>,
    date: Option<NaiveDate>,
    framework: Option<String>,
}

/// Title, date and framework from the `---` block, else title and date
/// from the first `#` heading and a "Last updated:" line.
fn front_matter(document: &doc::Document) -> Result<FrontMatter, ImportError> {
    let mut front = FrontMatter {
        title: None,
        date: None,
        framework: None,
    };
    let date = |text: &str| vocab::date_in(text).ok().flatten().map(|d| d.date);
    if let Some(text) = &document.front_matter
        && let Ok(node) = yaml::parse(text)
        && let Value::Map(entries) = &node.value
    {
        for (key, value) in entries {
            match (key.as_str(), value.as_str()) {
                (Some("title"), Some(title)) => front.title = Some(title.to_string()),
                (Some("last_updated" | "updated" | "date"), Some(text)) => front.date = date(text),
                (Some("framework"), Some(id)) => {
                    if !ids::valid_framework(id) {
                        return Err(ImportError {
                            line: Some(document.front_matter_line + key.pos.line),
                            message: format!(
                                "front matter `framework: {id}` is not a framework id \
                                 (lower-case letters, digits, - and _)"
                            ),
                        });
                    }
                    front.framework = Some(id.to_string());
                }
                _ => {}
            }
        }
    }
    for block in &document.blocks {
        match block {
            doc::Block::Heading {
                level: 1, inline, ..
            } if front.title.is_none() => {
                front.title = Some(inline.text.clone());
            }
            doc::Block::Paragraph { lines, .. } if front.date.is_none() => {
                for inline in lines {
                    let label = inline.lead_strong.as_deref().unwrap_or("").to_lowercase();
                    if label.starts_with("last updated") {
                        let rest = inline.text.split_once(':').map_or("", |(_, r)| r);
                        front.date = date(rest)
                            .or_else(|| date(rest.split_whitespace().next().unwrap_or("")));
                    }
                }
            }
            _ => {}
        }
    }
    Ok(front)
}

/// `Next_Steps.md` -> `NEXT-STEPS`; `None` when the file name has no
/// word without digits (`004_91870e4577f52283.txt`), so generated ids come
/// from the framework instead.
fn default_prefix(name: &str) -> Option<String> {
    let stem = std::path::Path::new(name)
        .file_stem()
        .map_or_else(|| name.to_string(), |s| s.to_string_lossy().into_owned());
    let words: Vec<String> = stem
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty() && !w.chars().any(|c| c.is_ascii_digit()))
        .map(str::to_ascii_uppercase)
        .collect();
    let prefix = words.join("-");
    (!prefix.is_empty()).then(|| {
        prefix
            .chars()
            .take(24)
            .collect::<String>()
            .trim_matches('-')
            .to_string()
    })
}

/// The YAML text of an imported file of `kind` (`backlog` or `controls`),
/// with the editor schema line and a comment naming the source page.
pub fn to_yaml(
    file: &impl Serialize,
    kind: FileKind,
    source: &str,
) -> Result<String, serde_norway::Error> {
    Ok(format!(
        "# yaml-language-server: $schema={}\n# Imported by `comply import` from {source}; review, then commit.\n{}",
        crate::schema::url(kind.as_str()),
        serde_norway::to_string(file)?
    ))
}
