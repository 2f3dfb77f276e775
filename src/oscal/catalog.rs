//! OSCAL catalogs read into a control matrix: every control and
//! enhancement (sub-control) of every group, however nested, with its id
//! and title only (never prose). Withdrawn controls are left out; a profile
//! (a baseline) keeps only the controls it selects.

use std::collections::HashSet;

use serde::Deserialize;

use crate::format::{ControlEntry, MatrixFile};
use crate::model::ControlStatus;

/// Most controls one catalog may give (the limit of an imported table cell).
pub(crate) const MAX_CONTROLS: usize = 100_000;

/// `{"catalog": ...}`.
#[derive(Debug, Deserialize)]
struct CatalogDocument {
    catalog: Catalog,
}

#[derive(Debug, Deserialize)]
struct Catalog {
    metadata: CatalogMetadata,
    #[serde(default)]
    groups: Vec<Group>,
    #[serde(default)]
    controls: Vec<Control>,
}

#[derive(Debug, Deserialize)]
struct CatalogMetadata {
    title: String,
}

#[derive(Debug, Deserialize)]
struct Group {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    groups: Vec<Group>,
    #[serde(default)]
    controls: Vec<Control>,
}

#[derive(Debug, Deserialize)]
struct Control {
    id: String,
    title: String,
    #[serde(default)]
    props: Vec<RawProp>,
    #[serde(default)]
    controls: Vec<Control>,
}

#[derive(Debug, Deserialize)]
struct RawProp {
    name: String,
    value: String,
}

/// `{"profile": ...}`: the controls a baseline selects from its catalogs.
#[derive(Debug, Deserialize)]
struct ProfileDocument {
    profile: Profile,
}

#[derive(Debug, Deserialize)]
struct Profile {
    imports: Vec<ProfileImport>,
}

#[derive(Debug, Deserialize)]
struct ProfileImport {
    #[serde(default, rename = "include-all")]
    include_all: Option<serde::de::IgnoredAny>,
    #[serde(default, rename = "include-controls")]
    include_controls: Vec<Selection>,
    #[serde(default, rename = "exclude-controls")]
    exclude_controls: Vec<Selection>,
}

#[derive(Debug, Deserialize)]
struct Selection {
    #[serde(default, rename = "with-ids")]
    with_ids: Vec<String>,
    #[serde(default, rename = "with-child-controls")]
    with_child_controls: Option<String>,
}

/// What a profile selects: every control, or these ids (and, for some,
/// their enhancements), less the excluded ones.
#[derive(Debug, Default)]
pub(crate) struct Selected {
    all: bool,
    ids: HashSet<String>,
    with_children: HashSet<String>,
    excluded: HashSet<String>,
}

impl Selected {
    /// Whether a control is kept; `parent_kept` when its parent was selected
    /// with its child controls.
    fn keeps(&self, id: &str, parent_kept: bool) -> bool {
        !self.excluded.contains(id) && (self.all || parent_kept || self.ids.contains(id))
    }

    /// How many selected ids the catalog did not have.
    fn missing_from(&self, seen: &HashSet<String>) -> usize {
        self.ids.iter().filter(|id| !seen.contains(*id)).count()
    }
}

/// Reads an OSCAL profile (JSON): the ids its imports include and exclude
/// (`with-ids`, `with-child-controls`, `include-all`). Pattern matches
/// (`matching`) are not read.
pub(crate) fn profile(text: &str) -> Result<Selected, String> {
    let document: ProfileDocument =
        serde_json::from_str(text).map_err(|e| json_error(&e, "profile"))?;
    let mut selected = Selected::default();
    for import in document.profile.imports {
        selected.all |= import.include_all.is_some();
        for include in import.include_controls {
            if include.with_child_controls.as_deref() == Some("yes") {
                selected
                    .with_children
                    .extend(include.with_ids.iter().cloned());
            }
            selected.ids.extend(include.with_ids);
        }
        for exclude in import.exclude_controls {
            selected.excluded.extend(exclude.with_ids);
        }
    }
    Ok(selected)
}

/// A serde_json error as `line:column: not an OSCAL {what}: message`.
fn json_error(e: &serde_json::Error, what: &str) -> String {
    format!(
        "{}:{}: not an OSCAL {what}: {}",
        e.line(),
        e.column(),
        strip_position(&e.to_string())
    )
}

impl Control {
    fn is_withdrawn(&self) -> bool {
        self.props
            .iter()
            .any(|p| p.name == "status" && p.value == "withdrawn")
    }
}

/// A catalog read: the matrix and what was left out.
#[derive(Debug)]
pub(crate) struct Imported {
    /// The control matrix.
    pub(crate) matrix: MatrixFile,
    /// How many controls were withdrawn (left out).
    pub(crate) withdrawn: usize,
    /// How many controls the profile left out.
    pub(crate) unselected: usize,
    /// How many ids the profile selects that the catalog lacks.
    pub(crate) missing: usize,
}

/// Reads an OSCAL catalog (JSON) into the matrix of `framework` (else a
/// framework id made from the catalog's title), keeping what `selected`
/// selects (every control without). Errors say where (line and column) or
/// which control.
pub(crate) fn import(
    text: &str,
    framework: Option<&str>,
    selected: Option<&Selected>,
) -> Result<Imported, String> {
    let document: CatalogDocument =
        serde_json::from_str(text).map_err(|e| json_error(&e, "catalog"))?;
    let catalog = document.catalog;
    let framework = match framework {
        Some(id) => id.to_string(),
        None => framework_id(&catalog.metadata.title).ok_or_else(|| {
            format!(
                "no framework id can be made from the catalog's title `{}`; pass --framework ID",
                crate::text::inert(&catalog.metadata.title)
            )
        })?,
    };
    let mut walk = Walk {
        selected,
        ..Walk::default()
    };
    for control in &catalog.controls {
        walk.control(control, None, false)?;
    }
    for group in &catalog.groups {
        walk.group(group, None)?;
    }
    if walk.controls.is_empty() {
        return Err(if selected.is_some() {
            "the profile selects no control of the catalog".to_string()
        } else {
            "the catalog has no control".to_string()
        });
    }
    let missing = selected.map_or(0, |s| s.missing_from(&walk.seen));
    let name = catalog
        .metadata
        .title
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    Ok(Imported {
        matrix: MatrixFile {
            framework: framework.into(),
            name: (!name.is_empty()).then_some(name),
            description: None,
            max_age_days: None,
            controls: walk.controls,
        },
        withdrawn: walk.withdrawn,
        unselected: walk.unselected,
        missing,
    })
}

/// serde_json's message without its own ` at line L column C`.
fn strip_position(message: &str) -> &str {
    message
        .rsplit_once(" at line ")
        .map_or(message, |(text, _)| text)
}

/// A framework id from a catalog title: lower-case words joined by `-`,
/// cut at a word to at most 40 characters.
pub(crate) fn framework_id(title: &str) -> Option<String> {
    let mut id = String::new();
    for word in title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let word = word.to_ascii_lowercase();
        let extra = usize::from(!id.is_empty()) + word.len();
        if id.len() + extra > 40 {
            break;
        }
        if !id.is_empty() {
            id.push('-');
        }
        id.push_str(&word);
    }
    crate::format::valid_framework(&id).then_some(id)
}

#[derive(Default)]
struct Walk<'s> {
    selected: Option<&'s Selected>,
    controls: Vec<ControlEntry>,
    seen: HashSet<String>,
    withdrawn: usize,
    unselected: usize,
}

impl Walk<'_> {
    fn group(&mut self, group: &Group, family: Option<&str>) -> Result<(), String> {
        let family = family.or(group.id.as_deref());
        for control in &group.controls {
            self.control(control, family, false)?;
        }
        for inner in &group.groups {
            self.group(inner, family)?;
        }
        Ok(())
    }

    fn control(
        &mut self,
        control: &Control,
        family: Option<&str>,
        parent_kept: bool,
    ) -> Result<(), String> {
        let id = control.id.trim();
        if id.is_empty()
            || id
                .chars()
                .any(|c| c.is_whitespace() || c == ':' || c.is_control())
        {
            return Err(format!(
                "control id `{}` is not an id (one word, no `:`)",
                crate::text::inert(&control.id)
            ));
        }
        if !self.seen.insert(id.to_string()) {
            return Err(format!("control id `{id}` appears twice"));
        }
        let kept = self.selected.is_none_or(|s| s.keeps(id, parent_kept));
        let children_kept = self
            .selected
            .is_some_and(|s| kept && s.with_children.contains(id))
            || parent_kept;
        if control.is_withdrawn() {
            self.withdrawn += 1;
        } else if !kept {
            self.unselected += 1;
        } else {
            if self.controls.len() >= MAX_CONTROLS {
                return Err(format!("the catalog has more than {MAX_CONTROLS} controls"));
            }
            let title = control
                .title
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            self.controls.push(ControlEntry {
                id: id.to_string().into(),
                title: if title.is_empty() {
                    id.to_string()
                } else {
                    title
                },
                status: ControlStatus::Missing,
                severity: None,
                owner: None,
                current: None,
                target: None,
                gap: None,
                evidence: Vec::new(),
                backlog: Vec::new(),
                maps_to: Vec::new(),
                tags: family.map(|f| f.to_ascii_lowercase()).into_iter().collect(),
                max_age_days: None,
                cadence: None,
                reference: None,
            });
        }
        for inner in &control.controls {
            self.control(inner, family, children_kept)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn framework_ids_come_from_titles() {
        assert_eq!(
            framework_id("CIS Controls v8").as_deref(),
            Some("cis-controls-v8")
        );
        assert_eq!(
            framework_id(
                "NIST Special Publication 800-53 Revision 5: Security and Privacy Controls"
            )
            .as_deref(),
            Some("nist-special-publication-800-53-revision")
        );
        assert_eq!(framework_id("—"), None);
    }

    #[test]
    fn bad_json_says_line_and_column() {
        let e = import("{\n  \"catalog\": 3\n}", None, None).unwrap_err();
        assert!(e.starts_with("2:"), "{e}");
        assert!(e.contains("invalid type"), "{e}");
    }
}
