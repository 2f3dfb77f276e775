//! `comply import --merge`: an imported file folded into one that exists.
//!
//! Entries are matched by id (ignoring case). A match takes the imported
//! status, owner, evidence and links; an entry with a new id is added;
//! nothing else in the file changes. Pure: text in, value and summary out.

use serde_norway::{Mapping, Value};

use crate::format::FileKind;

/// What a merge changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Merged {
    /// Ids updated, with the fields that changed.
    pub(crate) updated: Vec<(String, Vec<String>)>,
    /// Ids added.
    pub(crate) added: Vec<String>,
    /// Entries matched whose fields were already the same.
    pub(crate) unchanged: usize,
    /// What was kept rather than merged, and why (`A.5.1: status kept,
    /// the page gives none`).
    pub(crate) kept: Vec<String>,
    /// Entries matched by id whose titles differ a lot.
    pub(crate) retitled: Vec<String>,
    /// Entries not updated: a made-up id whose stored title is another.
    pub(crate) refused: Vec<String>,
}

/// The list key of a file kind and the fields an import may update.
fn kind_fields(kind: FileKind) -> Option<(&'static str, &'static [&'static str])> {
    match kind {
        FileKind::Controls => Some((
            "controls",
            &[
                "status",
                "applicable",
                "justification",
                "owner",
                "evidence",
                "backlog",
            ],
        )),
        FileKind::Backlog => Some((
            "items",
            &["status", "done", "owner", "evidence", "controls"],
        )),
        FileKind::Reviews => Some(("reviews", &["owner", "evidence", "cadence", "last_done"])),
        FileKind::Config | FileKind::Exceptions | FileKind::Mappings => None,
    }
}

/// The list keys of the file kinds with entries (`controls`, `items`,
/// `reviews`), the names the test below checks.
pub(crate) fn list_keys() -> impl Iterator<Item = &'static str> {
    [FileKind::Controls, FileKind::Backlog, FileKind::Reviews]
        .into_iter()
        .filter_map(|kind| kind_fields(kind).map(|(list, _)| list))
}

fn id_of(entry: &Value) -> Option<String> {
    entry
        .get("id")
        .and_then(Value::as_str)
        .map(str::to_lowercase)
}

/// The comment lines at the top of a file (its schema line, its
/// explanation, a hand-written title), each ending in a newline; they
/// survive a merge. `None` when the file starts with no comment.
pub(crate) fn header(text: &str) -> Option<String> {
    let header: String = text
        .lines()
        .take_while(|l| l.trim_start().starts_with('#') || l.trim().is_empty())
        .filter(|l| !l.trim().is_empty() && !l.contains("Updated by `comply import --merge`"))
        .map(|l| format!("{l}\n"))
        .collect();
    (!header.is_empty()).then_some(header)
}

/// Reads the YAML text of an existing file for [`merge`].
pub(crate) fn read(text: &str) -> Result<Value, String> {
    serde_norway::from_str(text).map_err(|e| format!("cannot read it as YAML: {e}"))
}

/// Values an import guessed rather than read: (lower-case id, field).
pub(crate) type Guessed = std::collections::HashSet<(String, &'static str)>;

/// Folds `new` (an imported file of `kind`) into `old` (a file of the same
/// kind). A value in `guessed` never replaces a stored one; `generated`
/// ids (made from titles) whose stored title is another are not updated.
pub(crate) fn merge(
    mut old: Value,
    new: &Value,
    kind: FileKind,
    guessed: &Guessed,
    generated: &std::collections::HashSet<String>,
) -> Result<(Value, Merged), String> {
    let (key, fields) = kind_fields(kind).ok_or_else(|| format!("cannot merge a `{kind}` file"))?;
    let Some(old_map) = old.as_mapping_mut() else {
        return Err("it is not a mapping".into());
    };
    let old_framework = old_map
        .get("framework")
        .and_then(Value::as_str)
        .map(str::to_string);
    let new_framework = new
        .get("framework")
        .and_then(Value::as_str)
        .map(str::to_string);
    if kind == FileKind::Controls && old_framework != new_framework {
        return Err(format!(
            "it holds framework `{}`, the page gives `{}`",
            old_framework.unwrap_or_default(),
            new_framework.unwrap_or_default()
        ));
    }
    let entries = old_map
        .entry(Value::from(key))
        .or_insert_with(|| Value::Sequence(Vec::new()));
    let Some(list) = entries.as_sequence_mut() else {
        return Err(format!("its `{key}` is not a list"));
    };
    let mut index: std::collections::HashMap<String, usize> = list
        .iter()
        .enumerate()
        .filter_map(|(i, e)| id_of(e).map(|id| (id, i)))
        .collect();
    let mut change = Merged::default();
    for entry in new
        .get(key)
        .and_then(Value::as_sequence)
        .into_iter()
        .flatten()
    {
        let Some(id) = id_of(entry) else { continue };
        let shown = entry
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if let Some(Value::Mapping(target)) = index.get(&id).and_then(|&i| list.get_mut(i)) {
            let stored = target.get("title").and_then(Value::as_str).unwrap_or("");
            let title = entry.get("title").and_then(Value::as_str).unwrap_or("");
            if kind != FileKind::Controls && !similar(stored, title) {
                let what = format!("{shown} (stored `{stored}`, page `{title}`)");
                if generated.contains(&id) {
                    change.refused.push(what);
                    continue;
                }
                change.retitled.push(what);
            }
            let changed = update(
                target,
                entry,
                fields,
                (&id, &shown),
                guessed,
                &mut change.kept,
            );
            if changed.is_empty() {
                change.unchanged += 1;
            } else {
                change.updated.push((shown, changed));
            }
        } else {
            let mut entry = entry.clone();
            if kind == FileKind::Backlog
                && let Some(map) = entry.as_mapping_mut()
                && !map.contains_key("framework")
                && new_framework != old_framework
                && let Some(f) = &new_framework
            {
                map.insert(Value::from("framework"), Value::from(f.as_str()));
            }
            index.insert(id, list.len());
            list.push(entry);
            change.added.push(shown);
        }
    }
    Ok((old, change))
}

/// Whether two titles name the same thing: equal, or sharing at least half
/// the words of the shorter.
fn similar(a: &str, b: &str) -> bool {
    let words = |t: &str| -> std::collections::HashSet<String> {
        t.to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.len() > 2)
            .map(str::to_string)
            .collect()
    };
    let (a, b) = (words(a), words(b));
    if a.is_empty() || b.is_empty() {
        return true;
    }
    let shared = a.intersection(&b).count();
    shared * 2 >= a.len().min(b.len())
}

/// Statuses that say the work is over.
fn finished(status: &str) -> bool {
    matches!(
        status,
        "done" | "implemented" | "not-applicable" | "wont-do"
    )
}

/// The path of an evidence entry (a bare path or `{path, note, ...}`).
fn evidence_path(entry: &Value) -> Option<&str> {
    entry
        .as_str()
        .or_else(|| entry.get("path").and_then(Value::as_str))
}

/// The id of a link (`SOC2-001` or `{id: SOC2-001}`).
fn link_id(entry: &Value) -> Option<String> {
    entry
        .as_str()
        .or_else(|| entry.get("id").and_then(Value::as_str))
        .map(str::to_lowercase)
}

/// A list the page adds to: stored entries stay as they are (an evidence
/// entry keeps its note and max age when the page names its path again);
/// the page's new ones are appended. Whether anything was added.
fn union(
    target: &mut Mapping,
    key: &Value,
    from: &Value,
    by: fn(&Value) -> Option<String>,
) -> bool {
    let Some(new) = from.as_sequence() else {
        return false;
    };
    let list = target
        .entry(key.clone())
        .or_insert_with(|| Value::Sequence(Vec::new()));
    let Some(list) = list.as_sequence_mut() else {
        return false;
    };
    let mut seen: std::collections::HashSet<String> = list.iter().filter_map(by).collect();
    let before = list.len();
    for entry in new {
        if by(entry).is_none_or(|k| seen.insert(k)) {
            list.push(entry.clone());
        }
    }
    list.len() != before
}

/// Copies `fields` of `from` into `target`; the names of those that changed.
/// Lists (evidence, links, controls) are added to, never replaced; a
/// guessed value does not replace a stored one; a control's `current`
/// fills an empty one; a control the page marks `applicable: false` loses
/// its stored status.
fn update(
    target: &mut Mapping,
    from: &Value,
    fields: &[&str],
    (id, shown): (&str, &str),
    guessed: &Guessed,
    kept: &mut Vec<String>,
) -> Vec<String> {
    let mut changed = Vec::new();
    let old_status = target
        .get("status")
        .and_then(Value::as_str)
        .map(str::to_string);
    for field in fields {
        let key = Value::from(*field);
        let Some(value) = from.get(*field) else {
            continue;
        };
        if target.get(&key) == Some(value) {
            continue;
        }
        if guessed.contains(&(id.to_string(), *field)) && target.contains_key(&key) {
            kept.push(format!("{shown}: {field} (not read from the page)"));
            continue;
        }
        if matches!(*field, "evidence" | "backlog" | "controls") {
            let by: fn(&Value) -> Option<String> = if *field == "evidence" {
                |e| evidence_path(e).map(str::to_string)
            } else {
                link_id
            };
            if union(target, &key, value, by) {
                changed.push((*field).to_string());
            }
            continue;
        }
        if *field == "status"
            && let (Some(old), Some(new)) = (&old_status, value.as_str())
        {
            changed.push(if finished(old) && !finished(new) {
                format!("status {old} -> {new} (reopened by the page)")
            } else {
                format!("status {old} -> {new}")
            });
            target.insert(key, value.clone());
            continue;
        }
        target.insert(key, value.clone());
        changed.push((*field).to_string());
    }
    if fields.contains(&"backlog")
        && let Some(current) = from.get("current")
    {
        match target.get("current") {
            None => {
                target.insert(Value::from("current"), current.clone());
                changed.push("current".into());
            }
            Some(stored) if stored != current => kept.push(format!(
                "{shown}: current (the page's `{}` not merged)",
                current.as_str().unwrap_or("")
            )),
            Some(_) => {}
        }
    }
    // A control the page leaves out of scope keeps no status: it would be
    // ignored, with a warning.
    if from.get("applicable").and_then(Value::as_bool) == Some(false)
        && target.remove("status").is_some()
    {
        changed.push("status (the control does not apply)".into());
    }
    let status = target.get("status").and_then(Value::as_str);
    let status_changed = old_status.as_deref() != status;
    if fields.contains(&"done")
        && status_changed
        && status.is_some_and(|s| s != "done")
        && target.remove("done").is_some()
    {
        changed.push("done".into());
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names `--merge` works on by hand (it edits the stored file as a
    /// generic value, to keep fields comply does not write) are the names
    /// of the format types: the list key is a property of the file, and
    /// every field it updates is a property of the entry. A renamed field
    /// fails here.
    #[test]
    fn merged_names_are_the_format_types_names() {
        for word in <FileKind as crate::model::Word>::WORDS {
            let Ok(kind) = word.parse::<FileKind>() else {
                continue;
            };
            let Some((list, fields)) = kind_fields(kind) else {
                continue;
            };
            let text = crate::schema::json(word).unwrap_or_default();
            let schema: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
            let entry = schema["properties"][list]["items"]["$ref"]
                .as_str()
                .and_then(|r| r.strip_prefix("#/$defs/"))
                .unwrap_or_default();
            let properties = &schema["$defs"][entry]["properties"];
            assert!(
                properties.is_object(),
                "{kind:?}: `{list}` is not a list of entries"
            );
            for field in fields.iter().chain(&["id"]) {
                assert!(
                    properties.get(field).is_some(),
                    "{kind:?}: `{field}` is not a field of {entry}"
                );
            }
        }
    }

    #[test]
    fn updates_matches_and_adds_the_rest() {
        let old = "framework: soc2\nname: SOC 2\ncontrols:\n  - id: CC6.1\n    title: Access\n    status: planned\n    tags: [keep]\n  - id: CC7.2\n    title: Monitoring\n    status: missing\n";
        let new: Value = serde_norway::from_str(
            "framework: soc2\nname: Matrix\ncontrols:\n  - id: cc6.1\n    title: Other\n    status: implemented\n  - id: CC9.9\n    title: New\n    status: partial\n",
        )
        .unwrap_or_default();
        let (merged, change) = merge(
            read(old).unwrap_or_default(),
            &new,
            FileKind::Controls,
            &Guessed::new(),
            &Default::default(),
        )
        .unwrap_or_default();
        assert_eq!(
            change.updated,
            [(
                "cc6.1".to_string(),
                vec!["status planned -> implemented".to_string()]
            )]
        );
        assert_eq!(change.added, ["CC9.9"]);
        assert_eq!(change.unchanged, 0);
        let text = serde_norway::to_string(&merged).unwrap_or_default();
        assert!(text.contains("title: Access"), "{text}");
        assert!(text.contains("- keep"), "{text}");
        assert!(text.contains("name: SOC 2"), "{text}");
        assert!(text.contains("id: CC9.9"), "{text}");
        let popia = read("framework: popia\ncontrols: []\n").unwrap_or_default();
        assert!(
            merge(
                popia,
                &new,
                FileKind::Controls,
                &Guessed::new(),
                &Default::default()
            )
            .is_err()
        );
    }
}
