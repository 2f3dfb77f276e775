//! The JSON Schemas: committed files match the types (the same types that
//! decode the files), field names match the decoder, the bundled example
//! and `comply init` validate, bad values fail.

mod common;

use std::collections::BTreeSet;
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

fn keys(schema: &Value, pointer: &str) -> BTreeSet<String> {
    schema
        .pointer(pointer)
        .and_then(Value::as_object)
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

/// The fields the decoder takes in each kind of mapping, as its hint for an
/// unknown key lists them (`expected one of: ...`), by the mapping's name.
fn decoder_fields() -> std::collections::BTreeMap<String, BTreeSet<String>> {
    let repo = common::Fixture::new()
        .file(
            "comply.yaml",
            "zzzzzzzzzz: 1\ngate:\n  fail_on: high\n  zzzzzzzzzz: 1\n",
        )
        .file(
            "controls/fw.yaml",
            "framework: fw\nzzzzzzzzzz: 1\ncontrols:\n  - id: C1\n    title: t\n    status: implemented\n    zzzzzzzzzz: 1\n    evidence:\n      - path: a\n        zzzzzzzzzz: 1\n",
        )
        .file(
            "backlog/b.yaml",
            "framework: fw\nzzzzzzzzzz: 1\nitems:\n  - id: A\n    title: t\n    risk: high\n    zzzzzzzzzz: 1\n    checklist:\n      - task: x\n        zzzzzzzzzz: 1\n",
        );
    let report = common::json(&repo.run(&["validate", "--format", "json"]));
    let mut found = std::collections::BTreeMap::new();
    for d in report["diagnostics"].as_array().expect("diagnostics") {
        let message = d["message"].as_str().unwrap_or("");
        let Some(what) = message.strip_prefix("unknown field `zzzzzzzzzz` in ") else {
            continue;
        };
        let hint = d["hint"].as_str().unwrap_or("");
        let fields = hint
            .strip_prefix("expected one of: ")
            .unwrap_or_else(|| panic!("{what}: no field list in `{hint}`"))
            .split(", ")
            .map(str::to_string)
            .collect();
        found.insert(what.to_string(), fields);
    }
    found
}

/// The schemas and the decoder come from the same types; this checks that
/// every mapping's schema properties are the fields the decoder takes.
#[test]
fn schema_fields_are_the_decoder_fields() {
    let decoder = decoder_fields();
    let fields = |what: &str| decoder.get(what).cloned().unwrap_or_default();
    let config = schema("config");
    assert_eq!(keys(&config, "/properties"), fields("comply.yaml"));
    assert_eq!(
        keys(&config, "/$defs/GateConfig/properties"),
        fields("gate")
    );
    let controls = schema("controls");
    assert_eq!(keys(&controls, "/properties"), fields("control matrix"));
    assert_eq!(
        keys(&controls, "/$defs/ControlEntry/properties"),
        fields("control")
    );
    assert_eq!(
        keys(&controls, "/$defs/EvidenceDetails/properties"),
        fields("evidence entry")
    );
    let backlog = schema("backlog");
    assert_eq!(keys(&backlog, "/properties"), fields("backlog file"));
    assert_eq!(
        keys(&backlog, "/$defs/ItemEntry/properties"),
        fields("item")
    );
    assert_eq!(
        keys(&backlog, "/$defs/ChecklistStep/properties"),
        fields("checklist entry")
    );
}

fn kind_of(relative: &str) -> &'static str {
    ["controls", "backlog", "reviews", "exceptions", "mappings"]
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

/// Each case as validate and the editor's schema see it: both accept or
/// both reject.
#[test]
fn the_schema_and_validate_agree_on_ids_titles_dates_and_lists() {
    let cases: &[(&str, bool)] = &[
        ("  - id: A\n    title: t\n    risk: high\n", true),
        ("  - id: \"\"\n    title: t\n    risk: high\n", false),
        ("  - id: A B\n    title: t\n    risk: high\n", false),
        ("  - id: \"A:B\"\n    title: t\n    risk: high\n", false),
        ("  - id: A\n    title: \"\"\n    risk: high\n", false),
        ("  - id: A\n    title: \"  \"\n    risk: high\n", false),
        (
            "  - id: A\n    title: t\n    risk: high\n    due: 2025-13-45\n",
            false,
        ),
        (
            "  - id: A\n    title: t\n    risk: high\n    due: 2025-02-30\n",
            false,
        ),
        (
            "  - id: A\n    title: t\n    risk: high\n    due: 2024-02-29\n",
            true,
        ),
        (
            "  - id: A\n    title: t\n    risk: high\n    tags: foo\n",
            true,
        ),
        (
            "  - id: A\n    title: t\n    risk: high\n    tags: [a, b]\n",
            true,
        ),
        (
            "  - id: A\n    title: t\n    risk: high\n    controls: C1\n",
            true,
        ),
        (
            "  - id: A\n    title: t\n    risk: high\n    evidence:\n      - {path: a.md, covers: 2026-Q1}\n",
            true,
        ),
        (
            "  - id: A\n    title: t\n    risk: high\n    evidence:\n      - {path: a.md, covers: {from: 2026-01-01, to: 2026-03-31}}\n",
            true,
        ),
        (
            "  - id: A\n    title: t\n    risk: high\n    evidence:\n      - {path: a.md, covers: 2026}\n",
            true,
        ),
        (
            "  - id: A\n    title: t\n    risk: high\n    evidence:\n      - {path: a.md, covers: 2026-Q5}\n",
            false,
        ),
        (
            "  - id: A\n    title: t\n    risk: high\n    evidence:\n      - {pattern: \"r/{period}.md\"}\n",
            true,
        ),
        (
            "  - id: A\n    title: t\n    risk: high\n    evidence:\n      - {pattern: r/x.md}\n",
            false,
        ),
        (
            "  - id: A\n    title: t\n    risk: high\n    evidence:\n      - {path: a.md, pattern: \"r/{period}.md\"}\n",
            false,
        ),
        (
            "  - id: A\n    title: t\n    risk: high\n    evidence:\n      - {note: n}\n",
            false,
        ),
    ];
    for (items, valid) in cases {
        let text = format!("framework: fw\nitems:\n{items}");
        let repo = common::Fixture::with_framework().file("backlog/items.yaml", &text);
        let code = repo.run(&["validate"]).get_output().status.code();
        let value: Value = serde_norway::from_str(&text).expect("YAML");
        let schema_says = validator("backlog").is_valid(&value);
        assert_eq!(code == Some(0), *valid, "validate on:\n{text}");
        // `2025-02-30` has the shape of a date; only validate knows the
        // calendar.
        if !items.contains("02-30") {
            assert_eq!(schema_says, *valid, "the schema on:\n{text}");
        }
    }
}
