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
}

/// The list key of a file kind and the fields an import may update.
fn kind_fields(kind: FileKind) -> Option<(&'static str, &'static [&'static str])> {
    match kind {
        FileKind::Controls => Some(("controls", &["status", "owner", "evidence", "backlog"])),
        FileKind::Backlog => Some((
            "items",
            &["status", "done", "owner", "evidence", "controls"],
        )),
        FileKind::Reviews => Some(("reviews", &["owner", "evidence", "cadence", "last_done"])),
        FileKind::Config | FileKind::Exceptions => None,
    }
}

fn id_of(entry: &Value) -> Option<String> {
    entry
        .get("id")
        .and_then(Value::as_str)
        .map(str::to_lowercase)
}

/// The comment lines at the top of a file (its schema line, its
/// explanation), each ending in a newline; they survive a merge. `None`
/// when the file has no schema line to keep.
pub(crate) fn header(text: &str) -> Option<String> {
    let header: String = text
        .lines()
        .take_while(|l| l.trim_start().starts_with('#') || l.trim().is_empty())
        .filter(|l| !l.trim().is_empty() && !l.contains("Updated by `comply import --merge`"))
        .map(|l| format!("{l}\n"))
        .collect();
    header.contains("yaml-language-server").then_some(header)
}

/// Reads the YAML text of an existing file for [`merge`].
pub(crate) fn read(text: &str) -> Result<Value, String> {
    serde_norway::from_str(text).map_err(|e| format!("cannot read it as YAML: {e}"))
}

/// Folds `new` (an imported file of `kind`) into `old` (a file of the same
/// kind).
pub(crate) fn merge(
    mut old: Value,
    new: &Value,
    kind: FileKind,
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
        match index.get(&id).and_then(|&i| list.get_mut(i)) {
            Some(Value::Mapping(target)) => {
                let changed = update(target, entry, fields);
                if changed.is_empty() {
                    change.unchanged += 1;
                } else {
                    change.updated.push((shown, changed));
                }
            }
            _ => {
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
    }
    Ok((old, change))
}

/// Copies `fields` of `from` into `target`; the names of those that changed.
fn update(target: &mut Mapping, from: &Value, fields: &[&str]) -> Vec<String> {
    let mut changed = Vec::new();
    for field in fields {
        let key = Value::from(*field);
        if let Some(value) = from.get(*field)
            && target.get(&key) != Some(value)
        {
            target.insert(key, value.clone());
            changed.push((*field).to_string());
        }
    }
    let status = target.get("status").and_then(Value::as_str);
    if fields.contains(&"done")
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

    #[test]
    fn updates_matches_and_adds_the_rest() {
        let old = "framework: soc2\nname: SOC 2\ncontrols:\n  - id: CC6.1\n    title: Access\n    status: planned\n    tags: [keep]\n  - id: CC7.2\n    title: Monitoring\n    status: missing\n";
        let new: Value = serde_norway::from_str(
            "framework: soc2\nname: Matrix\ncontrols:\n  - id: cc6.1\n    title: Other\n    status: implemented\n  - id: CC9.9\n    title: New\n    status: partial\n",
        )
        .unwrap_or_default();
        let (merged, change) =
            merge(read(old).unwrap_or_default(), &new, FileKind::Controls).unwrap_or_default();
        assert_eq!(
            change.updated,
            [("cc6.1".to_string(), vec!["status".to_string()])]
        );
        assert_eq!(change.added, ["CC9.9"]);
        assert_eq!(change.unchanged, 0);
        let text = serde_norway::to_string(&merged).unwrap_or_default();
        assert!(text.contains("title: Access"), "{text}");
        assert!(text.contains("- keep"), "{text}");
        assert!(text.contains("name: SOC 2"), "{text}");
        assert!(text.contains("id: CC9.9"), "{text}");
        let popia = read("framework: popia\ncontrols: []\n").unwrap_or_default();
        assert!(merge(popia, &new, FileKind::Controls).is_err());
    }
}
