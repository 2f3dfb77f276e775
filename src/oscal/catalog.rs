//! OSCAL catalogs read into a control matrix: every control and
//! enhancement (sub-control) of every group, however nested, with its id
//! and title only (never prose). Withdrawn controls are left out; a profile
//! (a baseline) keeps only the controls it selects. Ids follow `comply
//! validate`'s rules, so an imported matrix always validates.

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::Deserialize;

use crate::format::{ControlEntry, MatrixFile};
use crate::model::ControlStatus;

/// Most controls one catalog may give (the limit of an imported table cell).
pub(crate) const MAX_CONTROLS: usize = 100_000;

/// The namespace of OSCAL's own property names.
const NIST_NS: &str = "http://csrc.nist.gov/ns/oscal";

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
    #[serde(default)]
    ns: Option<String>,
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
    href: String,
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
    #[serde(default)]
    matching: Option<serde::de::IgnoredAny>,
}

impl Selection {
    fn with_children(&self) -> bool {
        self.with_child_controls.as_deref() == Some("yes")
    }
}

/// What went wrong reading a catalog or profile, and where in the file
/// when that is known.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Problem {
    /// Line and column (1-based).
    pub(crate) at: Option<(usize, usize)>,
    /// What is wrong.
    pub(crate) message: String,
}

impl Problem {
    fn new(at: Option<(usize, usize)>, message: impl Into<String>) -> Problem {
        Problem {
            at,
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.at {
            Some((line, column)) => write!(f, "{line}:{column}: {}", self.message),
            None => write!(f, " {}", self.message),
        }
    }
}

/// What a profile selects: every control, or these ids (and, for some,
/// their enhancements), less the excluded ones (and, for some, theirs).
#[derive(Debug, Default)]
pub(crate) struct Selected {
    all: bool,
    ids: HashSet<String>,
    with_children: HashSet<String>,
    excluded: HashSet<String>,
    excluded_with_children: HashSet<String>,
    /// The hrefs of the profile's imports of other catalogs, not applied.
    pub(crate) other_catalogs: Vec<String>,
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

/// The file name an import's href names (its last path segment,
/// percent-decoded), if it names one.
fn file_name_of(href: &str) -> Option<String> {
    let path = href.split(['#', '?']).next().unwrap_or_default();
    let last = path.rsplit('/').next().filter(|s| !s.is_empty())?;
    let bytes = last.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Reads an OSCAL profile (JSON) of the catalog file named `catalog`: the
/// ids its imports include and exclude (`with-ids`, `with-child-controls`,
/// `include-all`). A profile with one import applies it to the catalog
/// given; with several, only the imports whose href names the catalog's
/// file are applied and the others are listed in
/// [`Selected::other_catalogs`]. Selection by pattern (`matching`) is
/// refused, never silently dropped.
pub(crate) fn profile(text: &str, catalog: &str) -> Result<Selected, Problem> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let document: ProfileDocument =
        serde_json::from_str(text).map_err(|e| json_error(&e, "profile"))?;
    let imports = document.profile.imports;
    let several = imports.len() > 1;
    let mut selected = Selected::default();
    let mut applied = 0;
    for import in imports {
        if several && file_name_of(&import.href).as_deref() != Some(catalog) {
            selected.other_catalogs.push(import.href);
            continue;
        }
        applied += 1;
        let selections = import
            .include_controls
            .iter()
            .chain(&import.exclude_controls);
        if selections.clone().any(|s| s.matching.is_some()) {
            return Err(Problem::new(
                place_of_key(text, "matching"),
                "the profile selects controls by pattern (`matching`), which comply does not \
                 read; list them with `with-ids`",
            ));
        }
        selected.all |= import.include_all.is_some();
        for include in import.include_controls {
            if include.with_children() {
                selected
                    .with_children
                    .extend(include.with_ids.iter().cloned());
            }
            selected.ids.extend(include.with_ids);
        }
        for exclude in import.exclude_controls {
            if exclude.with_children() {
                selected
                    .excluded_with_children
                    .extend(exclude.with_ids.iter().cloned());
            }
            selected.excluded.extend(exclude.with_ids);
        }
    }
    if several && applied == 0 {
        return Err(Problem::new(
            None,
            format!(
                "none of the profile's imports names the catalog `{catalog}` (they name {})",
                selected.other_catalogs.join(", ")
            ),
        ));
    }
    Ok(selected)
}

/// A serde_json error as a problem at its line and column.
fn json_error(e: &serde_json::Error, what: &str) -> Problem {
    let message = e.to_string();
    let message = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(text, _)| text);
    Problem::new(
        Some((e.line(), e.column())),
        format!("not an OSCAL {what}: {message}"),
    )
}

/// Line and column of the first `"key":` in the JSON `text`.
fn place_of_key(text: &str, key: &str) -> Option<(usize, usize)> {
    let quoted = format!("\"{key}\"");
    text.match_indices(&quoted)
        .map(|(at, _)| at)
        .find(|at| text[at + quoted.len()..].trim_start().starts_with(':'))
        .map(|at| line_column(text, at))
}

/// Line and column of the `nth` (0-based) `"id": ID` in the JSON `text`,
/// however the id's string is escaped there.
fn place_of_id(text: &str, id: &str, nth: usize) -> Option<(usize, usize)> {
    text.match_indices("\"id\"")
        .filter_map(|(at, key)| {
            let rest = text[at + key.len()..].trim_start().strip_prefix(':')?;
            let value = rest.trim_start();
            let start = text.len() - value.len();
            let literal = json_string_at(value)?;
            (serde_json::from_str::<String>(literal).ok()? == id).then_some(start)
        })
        .nth(nth)
        .map(|at| line_column(text, at))
}

/// The JSON string literal (quotes included) `text` starts with.
fn json_string_at(text: &str) -> Option<&str> {
    let body = text.strip_prefix('"')?;
    let mut escaped = false;
    for (i, c) in body.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return Some(&text[..i + 2]),
            _ => {}
        }
    }
    None
}

fn line_column(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .unwrap_or_default()
        .chars()
        .count()
        + 1;
    (line, column)
}

impl Control {
    /// Withdrawn: OSCAL's own `status` property (no namespace, or NIST's)
    /// says so.
    fn is_withdrawn(&self) -> bool {
        self.props.iter().any(|p| {
            p.name == "status"
                && p.value == "withdrawn"
                && p.ns.as_deref().is_none_or(|ns| ns == NIST_NS)
        })
    }
}

/// A catalog read: the matrix and what was left out.
#[derive(Debug)]
pub(crate) struct Imported {
    /// The control matrix (no control when the profile selects none).
    pub(crate) matrix: MatrixFile,
    /// How many controls were withdrawn (left out).
    pub(crate) withdrawn: usize,
    /// How many controls the profile left out.
    pub(crate) unselected: usize,
    /// How many ids the profile selects that the catalog lacks.
    pub(crate) missing: usize,
}

/// Reads an OSCAL catalog (JSON; a leading byte-order mark is skipped)
/// into the matrix of `framework` (else a framework id made from the
/// catalog's title), keeping what `selected` selects (every control
/// without). Errors say where (line and column).
pub(crate) fn import(
    text: &str,
    framework: Option<&str>,
    selected: Option<&Selected>,
) -> Result<Imported, Problem> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let document: CatalogDocument =
        serde_json::from_str(text).map_err(|e| json_error(&e, "catalog"))?;
    let catalog = document.catalog;
    let framework = match framework {
        Some(id) => id.to_string(),
        None => framework_id(&catalog.metadata.title).ok_or_else(|| {
            Problem::new(
                place_of_key(text, "title"),
                format!(
                    "no framework id can be made from the catalog's title `{}`; pass \
                     --framework ID",
                    crate::text::inert(&catalog.metadata.title)
                ),
            )
        })?,
    };
    let mut walk = Walk {
        text,
        selected,
        ..Walk::default()
    };
    let top = Inherited::default();
    for control in &catalog.controls {
        walk.control(control, None, top)?;
    }
    for group in &catalog.groups {
        walk.group(group, None)?;
    }
    if walk.controls.is_empty() && selected.is_none() {
        return Err(Problem::new(None, "the catalog has no control"));
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

/// A framework id from a catalog title: markup tags dropped, letters with
/// accents as their base letters (`ü` as `u`), lower-case words joined by
/// `-`, cut at a word to at most 40 characters.
pub(crate) fn framework_id(title: &str) -> Option<String> {
    use unicode_normalization::UnicodeNormalization;
    let mut plain = String::with_capacity(title.len());
    let mut in_tag = false;
    for c in title.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                plain.push(' ');
            }
            _ if !in_tag => plain.push(c),
            _ => {}
        }
    }
    let mut id = String::new();
    for word in plain.split(|c: char| !c.is_alphanumeric()) {
        let mut word: String = word
            .nfkd()
            .flat_map(|c| ascii_letters(c).chars())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if word.is_empty() {
            continue;
        }
        if id.is_empty() {
            // A first word longer than an id is cut, not refused.
            word.truncate(40);
        }
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

/// A character of a decomposed title as ASCII letters: itself when ASCII
/// alphanumeric, the usual spelling of the Latin letters that do not
/// decompose (`ß` as `ss`, `æ` as `ae`), else nothing (accents, other
/// scripts).
fn ascii_letters(c: char) -> &'static str {
    const SPELLED: &[(char, &str)] = &[
        ('ß', "ss"),
        ('ẞ', "ss"),
        ('æ', "ae"),
        ('Æ', "ae"),
        ('œ', "oe"),
        ('Œ', "oe"),
        ('ø', "o"),
        ('Ø', "o"),
        ('đ', "d"),
        ('Đ', "d"),
        ('ð', "d"),
        ('Ð', "d"),
        ('þ', "th"),
        ('Þ', "th"),
        ('ł', "l"),
        ('Ł', "l"),
        ('ı', "i"),
        ('ħ', "h"),
        ('Ħ', "h"),
    ];
    const ASCII: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    if c.is_ascii_alphanumeric() {
        let i = ASCII.find(c).unwrap_or(0);
        return &ASCII[i..=i];
    }
    SPELLED
        .iter()
        .find(|(letter, _)| *letter == c)
        .map_or("", |(_, spelled)| spelled)
}

/// What a control passes on to its enhancements.
#[derive(Clone, Copy, Default)]
struct Inherited {
    /// Selected with its child controls.
    kept: bool,
    /// Excluded with its child controls.
    excluded: bool,
}

#[derive(Default)]
struct Walk<'s> {
    text: &'s str,
    selected: Option<&'s Selected>,
    controls: Vec<ControlEntry>,
    /// Every id, as given (an id given twice is an error).
    seen: HashSet<String>,
    /// How often each id was met, for the place of the next one.
    met: HashMap<String, usize>,
    /// The kept ids by what `comply validate` compares, with the id.
    kept: HashMap<String, String>,
    withdrawn: usize,
    unselected: usize,
}

impl Walk<'_> {
    fn group(&mut self, group: &Group, family: Option<&str>) -> Result<(), Problem> {
        let family = family.or(group.id.as_deref());
        for control in &group.controls {
            self.control(control, family, Inherited::default())?;
        }
        for inner in &group.groups {
            self.group(inner, family)?;
        }
        Ok(())
    }

    /// Counts a meeting of `id`: which one this is (0 for the first), to
    /// find its place in the text should it be wrong (only then: finding
    /// it scans the text).
    fn meet(&mut self, id: &str) -> usize {
        let met = self.met.entry(id.to_string()).or_default();
        *met += 1;
        *met - 1
    }

    fn control(
        &mut self,
        control: &Control,
        family: Option<&str>,
        parent: Inherited,
    ) -> Result<(), Problem> {
        let raw = control.id.as_str();
        let nth = self.meet(raw);
        let text = self.text;
        let place = || place_of_id(text, raw, nth);
        let id = raw.trim();
        let flaw = if id.is_empty() {
            Some("nothing".to_string())
        } else {
            crate::validate::id_flaw(id)
        };
        if let Some(flaw) = flaw {
            return Err(Problem::new(
                place(),
                format!(
                    "control id `{}` contains {flaw}; comply ids are single words",
                    raw.escape_debug()
                ),
            ));
        }
        if !self.seen.insert(id.to_string()) {
            return Err(Problem::new(
                place(),
                format!("control id `{id}` appears twice"),
            ));
        }
        let excluded = parent.excluded
            || self
                .selected
                .is_some_and(|s| s.excluded_with_children.contains(id));
        let kept = !excluded && self.selected.is_none_or(|s| s.keeps(id, parent.kept));
        let children = Inherited {
            kept: parent.kept
                || (kept && self.selected.is_some_and(|s| s.with_children.contains(id))),
            excluded,
        };
        if control.is_withdrawn() {
            self.withdrawn += 1;
        } else if !kept {
            self.unselected += 1;
        } else {
            self.keep(control, id, family, place)?;
        }
        for inner in &control.controls {
            self.control(inner, family, children)?;
        }
        Ok(())
    }

    fn keep(
        &mut self,
        control: &Control,
        id: &str,
        family: Option<&str>,
        place: impl Fn() -> Option<(usize, usize)>,
    ) -> Result<(), Problem> {
        if self.controls.len() >= MAX_CONTROLS {
            return Err(Problem::new(
                place(),
                format!("the catalog has more than {MAX_CONTROLS} controls"),
            ));
        }
        let written = id;
        let id = crate::decode::nfc(id.to_string());
        if let Some(first) = self.kept.insert(crate::validate::id_key(&id), id.clone()) {
            let form = if written == id {
                ""
            } else {
                " (written in another Unicode form)"
            };
            return Err(Problem::new(
                place(),
                format!(
                    "control id `{}`{form} is the id `{}` given before, to comply (which \
                     ignores case and Unicode form); a matrix cannot hold both",
                    id.escape_debug(),
                    first.escape_debug()
                ),
            ));
        }
        let title = control
            .title
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        self.controls.push(ControlEntry {
            title: if title.is_empty() { id.clone() } else { title },
            id: id.into(),
            status: Some(ControlStatus::Missing),
            applicable: None,
            justification: None,
            satisfies: Vec::new(),
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
        assert_eq!(
            framework_id("My <b>Framework</b>\nRev 2 — \u{fc}n\u{ef}code").as_deref(),
            Some("my-framework-rev-2-unicode")
        );
        assert_eq!(
            framework_id("Straße Æsir ﬁle Øresund").as_deref(),
            Some("strasse-aesir-file-oresund")
        );
        let long = "a".repeat(60);
        assert_eq!(framework_id(&long).as_deref(), Some(&long[..40]));
    }

    #[test]
    fn bad_json_says_line_and_column() {
        let e = import("{\n  \"catalog\": 3\n}", None, None).unwrap_err();
        assert_eq!(e.at.map(|(line, _)| line), Some(2));
        assert!(e.message.contains("invalid type"), "{}", e.message);
    }
}
