//! The JSON Schemas: committed files match the types (the same types that
//! decode the files, so their fields cannot drift apart), the bundled
//! example and `comply init` validate, bad values fail.

mod common;

use std::path::Path;

use serde_json::Value;

fn schema(kind: &str) -> Value {
    serde_json::from_str(&comply::schema::json(kind).expect("kind")).expect("schema JSON")
}

fn validator(kind: &str) -> jsonschema::Validator {
    jsonschema::validator_for(&schema(kind)).expect("a valid schema")
}

/// A YAML file as the JSON value an editor's schema check sees.
fn as_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).expect("read");
    serde_norway::from_str(&text).expect("YAML")
}

#[test]
fn committed_schemas_match_the_types() {
    for kind in comply::schema::KINDS {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("schema/{kind}.schema.json"));
        let committed = std::fs::read_to_string(&path).expect("committed schema");
        assert_eq!(
            committed,
            comply::schema::json(kind).expect("kind"),
            "schema/{kind}.schema.json is out of date: run `comply schema {kind} > schema/{kind}.schema.json`"
        );
    }
}

fn kind_of(relative: &str) -> &'static str {
    ["controls", "backlog", "reviews", "exceptions"]
        .into_iter()
        .find(|kind| relative.starts_with(&format!("{kind}/")))
        .unwrap_or("config")
}

fn assert_all_valid(root: &Path) {
    let mut checked = 0;
    for dir in ["controls", "backlog", "reviews", "exceptions"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("entry").path();
            let relative = format!(
                "{dir}/{}",
                path.file_name()
                    .map(|n| n.to_string_lossy())
                    .unwrap_or_default()
            );
            let errors: Vec<String> = validator(kind_of(&relative))
                .iter_errors(&as_json(&path))
                .map(|e| format!("{relative}: {e} at {}", e.instance_path))
                .collect();
            assert!(errors.is_empty(), "{errors:#?}");
            checked += 1;
        }
    }
    assert!(validator("config").is_valid(&as_json(&root.join("comply.yaml"))));
    assert!(checked >= 3);
}

#[test]
fn the_bundled_example_validates() {
    assert_all_valid(Path::new(env!("CARGO_MANIFEST_DIR")));
}

#[test]
fn files_written_by_init_validate_and_name_their_schema() {
    for (path, text) in comply::init::FILES
        .iter()
        .filter(|(p, _)| p.ends_with(".yaml"))
    {
        assert!(
            text.starts_with("# yaml-language-server: $schema="),
            "{path} lacks the schema line"
        );
        let value: Value = serde_norway::from_str(text).expect("YAML");
        let errors: Vec<String> = validator(kind_of(path))
            .iter_errors(&value)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{path}: {errors:?}");
    }
}

#[test]
fn a_wrong_enum_value_or_unknown_field_is_rejected() {
    let bad_status: Value = serde_norway::from_str(
        "framework: fw\ncontrols:\n  - id: C1\n    title: t\n    status: finished\n",
    )
    .expect("YAML");
    assert!(!validator("controls").is_valid(&bad_status));
    let bad_risk: Value =
        serde_norway::from_str("items:\n  - id: A\n    title: t\n    risk: severe\n")
            .expect("YAML");
    assert!(!validator("backlog").is_valid(&bad_risk));
    let unknown: Value =
        serde_norway::from_str("items:\n  - id: A\n    title: t\n    risk: high\n    ownr: x\n")
            .expect("YAML");
    assert!(!validator("backlog").is_valid(&unknown));
    let bad_date: Value = serde_norway::from_str(
        "items:\n  - id: A\n    title: t\n    risk: high\n    due: 22 Nov 2025\n",
    )
    .expect("YAML");
    assert!(!validator("backlog").is_valid(&bad_date));
    let good: Value =
        serde_norway::from_str("items:\n  - id: A\n    title: t\n    risk: high\n    due: TBD\n")
            .expect("YAML");
    assert!(validator("backlog").is_valid(&good));
}
