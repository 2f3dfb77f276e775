//! The JSON Schemas of comply's output documents: committed files match
//! the types, and real outputs of every command validate against them.

mod common;

use std::path::Path;

use common::{Fixture, comply, example_root, stdout};
use serde_json::Value;

fn validator(kind: &str) -> jsonschema::Validator {
    let schema: Value =
        serde_json::from_str(&comply::schema::json(kind).expect("kind")).expect("schema JSON");
    jsonschema::validator_for(&schema).expect("a valid schema")
}

fn assert_valid(kind: &str, document: &str) {
    let value: Value = serde_json::from_str(document)
        .unwrap_or_else(|e| panic!("{kind}: not JSON ({e}):\n{document}"));
    let errors: Vec<String> = validator(kind)
        .iter_errors(&value)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{kind}: {errors:#?}");
}

#[test]
fn committed_output_schemas_match_the_types() {
    for (kind, _) in comply::schema::OUTPUTS {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("schema/output/{kind}.schema.json"));
        let committed = std::fs::read_to_string(&path).expect("committed schema");
        assert_eq!(
            committed,
            comply::schema::json(kind).expect("kind"),
            "schema/output/{kind}.schema.json is out of date: run `comply schema {kind} > schema/output/{kind}.schema.json`"
        );
        let schema: Value = serde_json::from_str(&committed).expect("JSON");
        assert_eq!(
            schema["$id"],
            format!(
                "https://raw.githubusercontent.com/comply-tools/comply/v{}/schema/output/{kind}.schema.json",
                env!("CARGO_PKG_VERSION")
            )
        );
    }
}

#[test]
fn real_outputs_validate_against_their_schemas() {
    let root = example_root();
    let run = |args: &[&str], codes: &[i32]| -> String {
        let assert = comply(&root)
            .env("COMPLY_TODAY", "2026-11-25")
            .args(args)
            .assert();
        let code = assert.get_output().status.code().unwrap_or(-1);
        assert!(codes.contains(&code), "{args:?} exited {code}");
        stdout(&assert)
    };
    let json = ["--format", "json"];
    for (kind, args, codes) in [
        ("validate", &["validate"][..], &[0][..]),
        ("status", &["status"], &[0]),
        ("due", &["due"], &[0]),
        ("gaps", &["gaps"], &[0]),
        ("check", &["check"], &[1]),
        ("ratchet", &["check", "--baseline", "HEAD"], &[0, 1]),
        ("evidence", &["evidence"], &[0]),
        ("trend", &["trend"], &[0]),
        ("diff", &["diff", "HEAD~1"], &[0]),
        ("report", &["report"], &[0]),
        ("coverage", &["coverage"], &[0]),
        ("soa", &["report", "soa"], &[0]),
    ] {
        let args: Vec<&str> = args.iter().chain(&json).copied().collect();
        assert_valid(kind, &run(&args, codes));
    }
    let manifest = run(&["evidence", "--manifest", "-"], &[0]);
    assert_valid("manifest", &manifest);
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("manifest.json");
    std::fs::write(&path, &manifest).expect("write manifest");
    let path = path.to_str().expect("UTF-8 path");
    assert_valid(
        "verify",
        &run(&["evidence", "--verify", path, "--format", "json"], &[0, 1]),
    );

    // A repository with problems: diagnostics with and without positions.
    let broken = Fixture::with_framework().file(
        "backlog/bad.yaml",
        "framework: fw\nitems:\n  - id: X\n    title: X\n    risk: extreme\n    colour: red\n",
    );
    let assert = broken.run(&["validate", "--format", "json"]).code(2);
    assert_valid("validate", &stdout(&assert));
}

#[test]
fn schema_lists_every_output() {
    for (kind, _) in comply::schema::OUTPUTS {
        let assert = common::tool().args(["schema", kind]).assert().code(0);
        assert!(stdout(&assert).contains("\"$schema\""), "{kind}");
    }
}
