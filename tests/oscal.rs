//! `comply export poam`, `comply export assessment-results` and `comply
//! import catalog`: the documents validate against NIST's published OSCAL
//! JSON schemas (tests/oscal/), identifiers are stable, and hostile
//! catalogs are refused with nothing written.

mod common;

use std::fs;

use common::Fixture;
use serde_json::Value;

/// NIST's JSON schema of an OSCAL model (`poam`, `assessment-results`,
/// `catalog`), with its formats (`email`, `uri-reference`, `date-time`)
/// checked too.
fn validator(model: &str) -> jsonschema::Validator {
    let path = format!(
        "{}/tests/oscal/oscal_{model}_schema.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let schema: Value =
        serde_json::from_str(&fs::read_to_string(path).expect("schema file")).expect("JSON");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("NIST's schema compiles")
}

/// Asserts `document` is valid under NIST's schema of `model`.
fn assert_valid(model: &str, document: &Value) {
    let validator = validator(model);
    let errors: Vec<String> = validator
        .iter_errors(document)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "{model} not valid:\n{}",
        errors.join("\n")
    );
}

/// A repository with owners, controls, three items (one overdue with a
/// checklist, one done, one accepted), evidence and git history.
fn repository() -> Fixture {
    let repo = Fixture::new()
        .file(
            "comply.yaml",
            "name: Acme platform\ngate:\n  fail_on: high\nowners:\n  - { name: Alice, email: alice@example.com, team: Security }\n  - { name: Bob }\n",
        )
        .file(
            "controls/fw.yaml",
            "framework: fw\nname: Test framework\ncontrols:\n  - id: C1\n    title: First\n    status: implemented\n    owner: Alice\n    evidence: [evidence/policy.md]\n  - id: '5.10'\n    title: Numbered\n    status: planned\n    severity: high\n",
        )
        .file(
            "backlog/items.yaml",
            "framework: fw\nitems:\n  - id: B-1\n    title: Write the policy\n    controls: [C1]\n    risk: high\n    owner: Alice\n    due: 2026-01-31\n    status: in-progress\n    evidence: [evidence/policy.md]\n    checklist:\n      - task: Draft\n        done: true\n      - task: Approve\n  - id: B-2\n    title: Train   the team\n    risk: low\n    due: 2026-01-15\n    status: done\n    done: 2026-01-10\n    evidence: [evidence/training/]\n  - id: B-3\n    title: Rotate keys\n    risk: critical\n    owner: Bob\n    due: 2026-01-01\n    summary: |\n      Keys are old.\n      Rotation waits for the vault.\n",
        )
        .file(
            "exceptions/accepted.yaml",
            "exceptions:\n  - target: B-3\n    reason: Vault migration first\n    approved_by: Carol\n    approved_on: 2026-01-02\n    expires: 2026-06-30\n",
        )
        .file("evidence/policy.md", "# Policy\n")
        .file("evidence/training/2026.md", "attendance\n")
        .file("evidence/training/slides.md", "slides\n");
    common::git(repo.path(), &["init", "-q"], None);
    common::commit_all(repo.path(), "2026-02-01T10:00:00+00:00");
    repo
}

fn export(repo: &Fixture, what: &str) -> Value {
    let assert = repo
        .run(&["--as-of", "2026-02-10", "export", what])
        .success();
    common::json(&assert)
}

#[test]
fn the_poam_validates_and_maps_the_backlog() {
    let repo = repository();
    let doc = export(&repo, "poam");
    assert_valid("poam", &doc);
    let poam = &doc["plan-of-action-and-milestones"];
    assert_eq!(poam["metadata"]["oscal-version"], "1.1.3");
    let modified = poam["metadata"]["last-modified"].as_str().unwrap();
    assert!(modified.starts_with("2026-02-01T"), "{modified}");
    assert_eq!(poam["system-id"]["id"], "Acme platform");
    let parties: Vec<&str> = poam["metadata"]["parties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(parties, ["Alice", "Bob", "Security"]);
    let items = poam["poam-items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items[1]["title"], "Train the team");
    let risks = poam["risks"].as_array().unwrap();
    let status: Vec<&str> = risks
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(status, ["remediating", "closed", "deviation-approved"]);
    assert_eq!(risks[0]["deadline"], "2026-01-31T23:59:59Z");
    assert_eq!(
        risks[0]["characterizations"][0]["facets"][0]["value"],
        "high"
    );
    let tasks = risks[0]["remediations"][0]["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 2);
    assert_eq!(risks[0]["remediations"][0]["lifecycle"], "planned");
    let accepted = &risks[2];
    let prop = |name: &str| {
        accepted["props"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .map(|p| p["value"].as_str().unwrap().to_string())
    };
    assert_eq!(prop("accepted-by").as_deref(), Some("Carol"));
    assert_eq!(prop("acceptance-expires").as_deref(), Some("2026-06-30"));
    let log = &accepted["risk-log"]["entries"][0];
    assert_eq!(log["status-change"], "deviation-approved");
    assert_eq!(log["start"], "2026-01-02T00:00:00Z");
    assert_eq!(log["end"], "2026-06-30T23:59:59Z");
    assert_eq!(
        risks[1]["risk-log"]["entries"][0]["status-change"],
        "closed"
    );
    assert_eq!(
        risks[1]["risk-log"]["entries"][0]["start"],
        "2026-01-10T00:00:00Z"
    );
    assert!(risks[0].get("risk-log").is_none());
    let remarks = items[2]["remarks"].as_str().unwrap();
    assert!(
        remarks.starts_with("Risk accepted by Carol on 2026-01-02 until 2026-06-30 (active)"),
        "{remarks}"
    );
    assert!(remarks.ends_with("Vault migration first"), "{remarks}");
    // The training folder is two files, each a resource with its SHA-256.
    let resources = poam["back-matter"]["resources"].as_array().unwrap();
    let titles: Vec<&str> = resources
        .iter()
        .map(|r| r["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "evidence/policy.md",
            "evidence/training/2026.md",
            "evidence/training/slides.md"
        ]
    );
    let observation = &poam["observations"][0];
    let href = observation["relevant-evidence"][0]["href"]
        .as_str()
        .unwrap();
    assert_eq!(href, format!("#{}", resources[0]["uuid"].as_str().unwrap()));
}

#[test]
fn evidence_hashes_are_the_files_sha256() {
    use sha2::{Digest, Sha256};
    let repo = repository();
    let doc = export(&repo, "poam");
    let resources = &doc["plan-of-action-and-milestones"]["back-matter"]["resources"];
    let expected: String = Sha256::digest(b"# Policy\n")
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        resources[0]["rlinks"][0]["hashes"][0],
        serde_json::json!({"algorithm": "SHA-256", "value": expected})
    );
    assert_eq!(resources[0]["rlinks"][0]["href"], "evidence/policy.md");
}

#[test]
fn exporting_twice_gives_the_same_bytes_and_ids_follow_the_system() {
    let repo = repository();
    let run = |args: &[&str]| common::stdout(&repo.run(args).success());
    for what in ["poam", "assessment-results"] {
        let first = run(&["--as-of", "2026-02-10", "export", what]);
        let second = run(&["--as-of", "2026-02-10", "export", what]);
        assert_eq!(first, second, "{what}");
    }
    let before = export(&repo, "poam");
    fs::write(
        repo.path().join("comply.yaml"),
        "name: Other system\ngate:\n  fail_on: high\n",
    )
    .unwrap();
    let after = export(&repo, "poam");
    let uuid = |doc: &Value| doc["plan-of-action-and-milestones"]["poam-items"][0]["uuid"].clone();
    assert_ne!(uuid(&before), uuid(&after));
}

#[test]
fn the_assessment_results_validate_and_carry_the_verdict() {
    let repo = repository();
    let doc = export(&repo, "assessment-results");
    assert_valid("assessment-results", &doc);
    let result = &doc["assessment-results"]["results"][0];
    let findings = result["findings"].as_array().unwrap();
    let state = |target: &str| {
        findings
            .iter()
            .find(|f| f["target"]["target-id"] == target)
            .map(|f| f["target"]["status"]["state"].as_str().unwrap().to_string())
    };
    assert_eq!(state("control__fw__C1").as_deref(), Some("satisfied"));
    assert_eq!(state("control__fw__5.10").as_deref(), Some("not-satisfied"));
    // B-1 is high and overdue: it fails the gate; B-3 is accepted.
    assert_eq!(state("item__B-1").as_deref(), Some("not-satisfied"));
    assert_eq!(state("item__B-3").as_deref(), Some("satisfied"));
    let verdict = result["props"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "verdict")
        .unwrap();
    assert_eq!(verdict["value"], "failed");
}

#[test]
fn export_without_git_dates_the_document_by_the_as_of_date() {
    let repo =
        Fixture::with_framework().items("  - id: A\n    title: One\n    risk: low\n    due: TBD\n");
    let doc = export(&repo, "poam");
    assert_valid("poam", &doc);
    assert_eq!(
        doc["plan-of-action-and-milestones"]["metadata"]["last-modified"],
        "2026-02-10T00:00:00Z"
    );
    let doc = export(&repo, "assessment-results");
    assert_valid("assessment-results", &doc);
}

#[test]
fn an_empty_backlog_has_no_poam_and_nothing_is_written() {
    let repo = Fixture::with_framework();
    let out = repo.path().join("poam.json");
    let assert = repo
        .run(&[
            "--as-of",
            "2026-02-10",
            "export",
            "poam",
            "-o",
            out.to_str().unwrap(),
        ])
        .code(2);
    assert!(common::stderr(&assert).contains("a POA&M needs at least one"));
    assert!(!out.exists());
}

#[test]
fn export_writes_a_file_and_refuses_to_replace_one() {
    let repo = repository();
    let out = repo.path().join("poam.json");
    let target = out.to_str().unwrap();
    repo.run(&["--as-of", "2026-02-10", "export", "poam", "-o", target])
        .success();
    let written: Value = serde_json::from_str(&fs::read_to_string(&out).unwrap()).unwrap();
    assert_valid("poam", &written);
    let again = repo
        .run(&["--as-of", "2026-02-10", "export", "poam", "-o", target])
        .code(2);
    assert!(common::stderr(&again).contains("already exists"));
    repo.run(&[
        "--as-of",
        "2026-02-10",
        "export",
        "poam",
        "-o",
        target,
        "--force",
    ])
    .success();
}

#[test]
fn a_small_poam_snapshot() {
    let repo = Fixture::with_framework()
        .file("comply.yaml", "name: Snapshot\n")
        .items(
            "  - id: A\n    title: One\n    controls: [C2]\n    risk: medium\n    due: 2026-03-01\n    checklist:\n      - task: Step\n        done: true\n",
        );
    let assert = repo
        .run(&["--as-of", "2026-02-10", "export", "poam"])
        .success();
    insta::assert_snapshot!(common::stdout(&assert));
}

/// A small catalog: a control at the top, nested groups, enhancements, a
/// withdrawn control.
const CATALOG: &str = r#"{
  "catalog": {
    "uuid": "2a1d6e2e-0f49-4f4e-9a2c-1d7e5b6c8f90",
    "metadata": {
      "title": "Tiny Framework v1",
      "last-modified": "2026-01-01T00:00:00Z",
      "version": "1",
      "oscal-version": "1.1.3"
    },
    "controls": [ { "id": "top-1", "title": "A control outside groups" } ],
    "groups": [
      {
        "id": "ac",
        "title": "Access",
        "controls": [
          {
            "id": "ac-1",
            "title": "Policy",
            "controls": [ { "id": "ac-1.1", "title": "Enhancement  one" } ]
          },
          {
            "id": "ac-2",
            "title": "Gone",
            "props": [ { "name": "status", "value": "withdrawn" } ]
          }
        ]
      },
      {
        "id": "sc",
        "title": "Systems",
        "groups": [
          { "id": "sc-x", "title": "Inner", "controls": [ { "id": "sc-9", "title": "Deep" } ] }
        ]
      }
    ]
  }
}"#;

/// `comply import catalog ARGS...` run in `dir`.
fn import_catalog(dir: &std::path::Path, args: &[&str]) -> assert_cmd::assert::Assert {
    common::tool()
        .current_dir(dir)
        .args(["import", "catalog"])
        .args(args)
        .assert()
}

#[test]
fn the_test_catalog_is_a_valid_oscal_catalog() {
    let catalog: Value = serde_json::from_str(CATALOG).unwrap();
    assert_valid("catalog", &catalog);
}

#[test]
fn importing_a_catalog_gives_a_matrix_that_validates() {
    let repo = Fixture::new().file("catalog.json", CATALOG).dir("out");
    let out = repo.path().join("out");
    let assert = import_catalog(repo.path(), &["catalog.json", "-o", "out"]).success();
    let stderr = common::stderr(&assert);
    assert!(
        stderr.starts_with(
            "catalog.json: 4 controls of framework `tiny-framework-v1` (1 withdrawn left out)"
        ),
        "{stderr}"
    );
    let yaml = fs::read_to_string(out.join("controls/tiny-framework-v1.yaml")).unwrap();
    insta::assert_snapshot!(yaml);
    common::comply(&out).arg("validate").assert().success();
    // Again without --force: refused, the file kept.
    let again = import_catalog(repo.path(), &["catalog.json", "-o", "out"]).code(2);
    assert!(common::stderr(&again).contains("already exists"));
    assert_eq!(
        fs::read_to_string(out.join("controls/tiny-framework-v1.yaml")).unwrap(),
        yaml
    );
}

#[test]
fn import_catalog_takes_the_framework_option() {
    let repo = Fixture::new().file("catalog.json", CATALOG);
    let assert = import_catalog(repo.path(), &["catalog.json", "--framework", "tiny"]).success();
    assert!(common::stdout(&assert).contains("framework: tiny\n"));
}

/// Runs `import catalog` on `text` into an output directory; the stderr,
/// after asserting exit 2 and nothing written.
fn refused(text: &str) -> String {
    let repo = Fixture::new().file("bad.json", text).dir("out");
    let out = repo.path().join("out");
    let assert = import_catalog(repo.path(), &["bad.json", "-o", "out"]).code(2);
    assert!(
        fs::read_dir(&out).unwrap().next().is_none(),
        "something was written"
    );
    common::stderr(&assert)
}

#[test]
fn hostile_catalogs_are_refused_with_the_place() {
    let wrong_type = refused("{\n  \"catalog\": {\n    \"metadata\": {\"title\": 7}\n  }\n}");
    assert!(wrong_type.contains("bad.json:3:"), "{wrong_type}");
    assert!(wrong_type.contains("invalid type"), "{wrong_type}");
    let duplicate = refused(
        r#"{"catalog": {"metadata": {"title": "T"}, "controls": [{"id": "a-1", "title": "x"}, {"id": "a-1", "title": "y"}]}}"#,
    );
    assert!(
        duplicate.contains("bad.json:1:91: control id `a-1` appears twice"),
        "{duplicate}"
    );
    let empty = refused(r#"{"catalog": {"metadata": {"title": "T"}}}"#);
    assert!(empty.contains("no control"), "{empty}");
    let bad_id = refused(
        r#"{"catalog": {"metadata": {"title": "T"}, "controls": [{"id": "a b", "title": "x"}]}}"#,
    );
    assert!(
        bad_id.contains("bad.json:1:62: control id `a b` contains a space"),
        "{bad_id}"
    );
    let deep = format!(
        "{{\"catalog\": {{\"metadata\": {{\"title\": \"T\"}}, \"groups\": [{}{}]}}}}",
        "{\"groups\": [".repeat(200),
        "]}".repeat(200)
    );
    let deep = refused(&deep);
    assert!(deep.contains("recursion limit"), "{deep}");
    let not_json = refused("catalog: yaml\n");
    assert!(not_json.contains("bad.json:1:1"), "{not_json}");
    let no_title = refused(
        r#"{"catalog": {"metadata": {"title": "---"}, "controls": [{"id": "a", "title": "x"}]}}"#,
    );
    assert!(no_title.contains("--framework"), "{no_title}");
}

#[test]
fn a_catalog_over_the_size_limit_is_refused_unread() {
    let repo = Fixture::new().dir("out");
    let path = repo.path().join("huge.json");
    let file = fs::File::create(&path).unwrap();
    file.set_len(64 * 1024 * 1024 + 1).unwrap();
    let out = repo.path().join("out");
    let assert = common::tool()
        .args([
            "import",
            "catalog",
            path.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ])
        .assert()
        .code(2);
    assert!(common::stderr(&assert).contains("over the limit"));
}

#[test]
fn markdown_import_still_takes_files() {
    let repo = Fixture::new().file(
        "page.md",
        "# Backlog\n\n| ID | Title | Risk | Due |\n|---|---|---|---|\n| X-1 | Do it | high | 2026-03-01 |\n",
    );
    common::tool()
        .args([
            "import",
            "--framework",
            "fw",
            repo.path().join("page.md").to_str().unwrap(),
        ])
        .assert()
        .success();
}

#[test]
fn the_worked_example_exports_valid_documents() {
    for (what, model) in [
        ("poam", "poam"),
        ("assessment-results", "assessment-results"),
    ] {
        let assert = common::comply(&common::example_root())
            .args(["--as-of", "2026-11-25", "export", what])
            .assert()
            .success();
        assert_valid(model, &common::json(&assert));
    }
}

#[test]
fn a_profile_keeps_the_controls_it_selects() {
    let profile = r#"{"profile": {"uuid": "5b0c7c1e-8a7e-4f0e-9d0a-0c1e2f3a4b5c",
        "metadata": {"title": "P", "last-modified": "2026-01-01T00:00:00Z", "version": "1", "oscal-version": "1.1.3"},
        "imports": [{"href": "catalog.json",
          "include-controls": [{"with-ids": ["ac-1"], "with-child-controls": "yes"}, {"with-ids": ["sc-9", "zz-1"]}],
          "exclude-controls": [{"with-ids": ["sc-9"]}]}]}}"#;
    let repo = Fixture::new()
        .file("catalog.json", CATALOG)
        .file("profile.json", profile);
    let assert = import_catalog(
        repo.path(),
        &[
            "catalog.json",
            "--profile",
            "profile.json",
            "--framework",
            "tiny",
        ],
    )
    .success();
    let yaml = common::stdout(&assert);
    let ids: Vec<&str> = yaml
        .lines()
        .filter_map(|l| l.strip_prefix("- id: "))
        .collect();
    assert_eq!(ids, ["ac-1", "ac-1.1"]);
    let stderr = common::stderr(&assert);
    assert!(
        stderr.contains(
            "2 controls of framework `tiny` (1 withdrawn left out, 2 not in the profile, \
             1 of the profile's ids not in the catalog)"
        ),
        "{stderr}"
    );
    let bad = Fixture::new()
        .file("catalog.json", CATALOG)
        .file("profile.json", "{\"profile\": {\"imports\": 1}}");
    let assert = import_catalog(bad.path(), &["catalog.json", "--profile", "profile.json"]).code(2);
    let stderr = common::stderr(&assert);
    assert!(stderr.contains("profile.json:1:"), "{stderr}");
    assert!(stderr.contains("not an OSCAL profile"), "{stderr}");
}

#[test]
fn export_rejects_at_and_an_invalid_repository() {
    let repo = repository();
    repo.run(&["--at", "HEAD", "export", "poam"]).code(2);
    let broken = Fixture::with_framework().items("  - id: A\n    risk: extreme\n");
    let assert = broken
        .run(&["--as-of", "2026-02-10", "export", "poam"])
        .code(2);
    assert!(common::stdout(&assert).is_empty());
}

#[test]
fn owner_emails_oscal_cannot_hold_are_warned_at_their_line_and_left_out() {
    let repo = Fixture::new()
        .file(
            "comply.yaml",
            "name: e\nowners:\n  - { name: A, email: a@example.org }\n  - { name: B, email: not-an-email }\n  - { name: C, email: a@b }\n  - { name: D, email: 'Full Name <f@example.com>' }\n",
        )
        .file(
            "controls/fw.yaml",
            "framework: fw\ncontrols:\n  - { id: C1, title: c, status: missing }\n",
        )
        .file(
            "backlog/b.yaml",
            "framework: fw\nitems:\n  - { id: B-1, title: t, risk: high, due: 2030-01-01 }\n",
        );
    let assert = repo.run(&["validate"]).code(0);
    let err = common::stdout(&assert) + &common::stderr(&assert);
    for (line, email) in [
        (4, "not-an-email"),
        (5, "a@b"),
        (6, "Full Name <f@example.com>"),
    ] {
        assert!(
            err.contains(&format!("comply.yaml:{line}:"))
                && err.contains(&format!("`{email}` is not an e-mail address")),
            "{err}"
        );
    }
    assert!(!err.contains("`a@example.org`"), "{err}");
    let doc = export(&repo, "poam");
    assert_valid("poam", &doc);
    let text = doc.to_string();
    assert!(text.contains("a@example.org"), "{text}");
    for bad in ["not-an-email", "a@b\"", "Full Name"] {
        assert!(!text.contains(bad), "{bad} in {text}");
    }
}

#[test]
fn evidence_hrefs_are_uri_references_to_the_file_itself() {
    let names = [
        ("sp ace.md", "sp%20ace.md"),
        ("a#b.md", "a%23b.md"),
        ("q?x.md", "q%3Fx.md"),
        ("pct%20.md", "pct%2520.md"),
        ("\u{fc}n\u{ef}.md", "%C3%BCn%C3%AF.md"),
        ("back\\slash.md", "back%5Cslash.md"),
    ];
    let list: Vec<String> = names
        .iter()
        .map(|(n, _)| format!("'evidence/{n}'"))
        .collect();
    let mut repo = Fixture::new()
        .file("comply.yaml", "name: p\n")
        .file(
            "controls/fw.yaml",
            "framework: fw\ncontrols:\n  - { id: C1, title: c, status: missing }\n",
        )
        .file(
            "backlog/b.yaml",
            &format!(
                "framework: fw\nitems:\n  - {{ id: P-1, title: p, risk: high, due: 2030-01-01, evidence: [{}] }}\n",
                list.join(", ")
            ),
        );
    for (name, _) in names {
        repo = repo.file(&format!("evidence/{name}"), "x\n");
    }
    let doc = export(&repo, "poam");
    assert_valid("poam", &doc);
    let mut hrefs: Vec<String> = doc["plan-of-action-and-milestones"]["back-matter"]["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .map(|r| r["rlinks"][0]["href"].as_str().expect("href").to_string())
        .collect();
    hrefs.sort();
    let mut expected: Vec<String> = names.iter().map(|(_, h)| format!("evidence/{h}")).collect();
    expected.sort();
    assert_eq!(hrefs, expected);
}

/// A catalog of the controls `ids` (each `{"id": ..., "title": ...}`).
fn catalog_of(ids: &[&str]) -> String {
    let controls: Vec<String> = ids
        .iter()
        .map(|id| {
            format!(
                "{{\"id\": {}, \"title\": \"t\"}}",
                serde_json::to_string(id).unwrap()
            )
        })
        .collect();
    format!(
        "{{\"catalog\": {{\"metadata\": {{\"title\": \"T\"}},\n\"controls\": [\n{}\n]}}}}",
        controls.join(",\n")
    )
}

#[test]
fn catalog_ids_follow_validates_rules_so_every_import_validates() {
    // Case, Unicode form and invisible characters: what `comply validate`
    // would reject is refused at the catalog's line.
    let case = refused(&catalog_of(&["AC-1", "ac-1"]));
    assert!(
        case.contains("bad.json:4:8: control id `ac-1` is the id `AC-1`"),
        "{case}"
    );
    let nfc = refused(&catalog_of(&["\u{c9}-1", "E\u{301}-1"]));
    assert!(
        nfc.contains("bad.json:4:8: control id `\u{c9}-1` (written in another Unicode form)"),
        "{nfc}"
    );
    // Escaped in the JSON, the place is still found.
    let escaped = refused(
        "{\"catalog\": {\"metadata\": {\"title\": \"T\"},\n\"controls\": [\n{\"id\": \"\\u00c9-1\", \"title\": \"t\"},\n{\"id\": \"E\\u0301-1\", \"title\": \"t\"}]}}",
    );
    assert!(escaped.contains("bad.json:4:8: control id"), "{escaped}");
    let invisible = refused(&catalog_of(&["a\u{200b}1"]));
    assert!(
        invisible.contains(
            "bad.json:3:8: control id `a\\u{200b}1` contains an invisible character (U+200B)"
        ),
        "{invisible}"
    );
    // Ids that differ only in case but one withdrawn: nothing collides.
    let repo = Fixture::new()
        .file(
            "c.json",
            r#"{"catalog": {"metadata": {"title": "T"}, "controls": [
              {"id": "AC-1", "title": "old", "props": [{"name": "status", "value": "withdrawn"}]},
              {"id": "ac-1", "title": "new"},
              {"id": "E\u0301-1", "title": "nfd"}]}}"#,
        )
        .dir("out");
    import_catalog(repo.path(), &["c.json", "--framework", "t", "-o", "out"]).success();
    let yaml = fs::read_to_string(repo.path().join("out/controls/t.yaml")).unwrap();
    assert!(yaml.contains("\u{c9}-1"), "written in NFC: {yaml}");
    common::comply(&repo.path().join("out"))
        .arg("validate")
        .assert()
        .success();
}

#[test]
fn a_catalog_with_a_byte_order_mark_is_read() {
    let repo = Fixture::new().file("c.json", &format!("\u{feff}{}", catalog_of(&["a-1"])));
    let assert = import_catalog(repo.path(), &["c.json", "--framework", "t"]).success();
    assert!(common::stdout(&assert).contains("id: a-1"));
}

#[test]
fn a_foreign_status_prop_does_not_withdraw() {
    let repo = Fixture::new().file(
        "c.json",
        r#"{"catalog": {"metadata": {"title": "T"}, "controls": [
          {"id": "a-1", "title": "x", "props": [{"name": "status", "ns": "http://other", "value": "withdrawn"}]},
          {"id": "a-2", "title": "y", "props": [{"name": "status", "ns": "http://csrc.nist.gov/ns/oscal", "value": "withdrawn"}]}]}}"#,
    );
    let assert = import_catalog(repo.path(), &["c.json", "--framework", "t"]).success();
    let yaml = common::stdout(&assert);
    assert!(
        yaml.contains("id: a-1") && !yaml.contains("id: a-2"),
        "{yaml}"
    );
}

/// A catalog with ac-1, ac-2 and its enhancements ac-2.1, ac-2.2 (with
/// ac-2.2.1), au-1.
const NESTED: &str = r#"{"catalog": {"metadata": {"title": "T"}, "groups": [
  {"id": "ac", "controls": [
    {"id": "ac-1", "title": "a"},
    {"id": "ac-2", "title": "b", "controls": [
      {"id": "ac-2.1", "title": "c"},
      {"id": "ac-2.2", "title": "d", "controls": [{"id": "ac-2.2.1", "title": "e"}]}]}]},
  {"id": "au", "controls": [{"id": "au-1", "title": "f"}]}]}}"#;

/// The ids `import catalog big.json --profile p.json` keeps.
fn kept(profile: &str) -> (Vec<String>, String) {
    let repo = Fixture::new()
        .file("big.json", NESTED)
        .file("p.json", profile);
    let assert = import_catalog(
        repo.path(),
        &["big.json", "--framework", "b", "--profile", "p.json"],
    )
    .success();
    let ids = common::stdout(&assert)
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- id: ").map(str::to_string))
        .collect();
    (ids, common::stderr(&assert))
}

#[test]
fn excluding_with_child_controls_excludes_the_enhancements() {
    let (ids, _) = kept(
        r#"{"profile": {"imports": [{"href": "big.json", "include-all": {},
            "exclude-controls": [{"with-child-controls": "yes", "with-ids": ["ac-2"]}]}]}}"#,
    );
    assert_eq!(ids, ["ac-1", "au-1"]);
    let (ids, _) = kept(
        r#"{"profile": {"imports": [{"href": "big.json", "include-all": {},
            "exclude-controls": [{"with-ids": ["ac-2"]}]}]}}"#,
    );
    assert_eq!(ids, ["ac-1", "ac-2.1", "ac-2.2", "ac-2.2.1", "au-1"]);
}

#[test]
fn profile_imports_of_other_catalogs_are_not_applied() {
    let (ids, stderr) = kept(
        r#"{"profile": {"imports": [
            {"href": "https://example.org/cat/big.json", "include-controls": [{"with-ids": ["ac-1"]}]},
            {"href": "other.json", "include-controls": [{"with-ids": ["au-1"]}]}]}}"#,
    );
    assert_eq!(ids, ["ac-1"]);
    assert!(
        stderr.contains("p.json: imports of other catalogs not applied: other.json"),
        "{stderr}"
    );
    // One import is the catalog given, whatever its href.
    let (ids, _) = kept(
        r##"{"profile": {"imports": [{"href": "#some-uuid", "include-controls": [{"with-ids": ["au-1"]}]}]}}"##,
    );
    assert_eq!(ids, ["au-1"]);
}

#[test]
fn profile_errors_name_the_profile_and_the_place() {
    let repo = Fixture::new()
        .file("big.json", NESTED)
        .file(
            "none.json",
            r#"{"profile": {"imports": [{"href": "big.json", "include-controls": [{"with-ids": ["zz-9"]}]}]}}"#,
        )
        .file(
            "matching.json",
            "{\"profile\": {\"imports\": [{\"href\": \"big.json\",\n  \"include-controls\": [{\"matching\": [{\"pattern\": \"ac-*\"}]}]}]}}",
        )
        .file(
            "others.json",
            r#"{"profile": {"imports": [{"href": "x.json", "include-all": {}}, {"href": "y.json", "include-all": {}}]}}"#,
        );
    let run = |profile: &str| {
        let assert = import_catalog(
            repo.path(),
            &["big.json", "--framework", "b", "--profile", profile],
        )
        .code(2);
        common::stderr(&assert)
    };
    let none = run("none.json");
    assert!(
        none.contains("error: none.json: the profile selects none of the controls of big.json"),
        "{none}"
    );
    let matching = run("matching.json");
    assert!(
        matching.contains(
            "error: matching.json:2:25: the profile selects controls by pattern (`matching`)"
        ),
        "{matching}"
    );
    let others = run("others.json");
    assert!(
        others.contains(
            "error: others.json: none of the profile's imports names the catalog `big.json`"
        ),
        "{others}"
    );
}

/// The findings of an assessment-results document: (target-id, state,
/// description, kind prop, id prop).
fn findings(doc: &Value) -> Vec<(String, String, String, String, String)> {
    let prop = |f: &Value, name: &str| {
        f["props"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .map(|p| p["value"].as_str().unwrap().to_string())
            .unwrap_or_default()
    };
    doc["assessment-results"]["results"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["target"]["target-id"].as_str().unwrap().to_string(),
                f["target"]["status"]["state"].as_str().unwrap().to_string(),
                f["description"].as_str().unwrap().to_string(),
                prop(f, "kind"),
                prop(f, "id"),
            )
        })
        .collect()
}

#[test]
fn assessment_findings_agree_with_check_on_acceptances() {
    let repo = small(
        "t",
        "  - { id: C1, title: one, status: implemented, evidence: [evidence/e.md] }\n  - { id: C2, title: two, status: missing }\n",
        "  - { id: B-1, title: t, risk: high, due: 2030-01-01 }\n",
    )
        .file("evidence/e.md", "x\n")
        .file(
            "exceptions/e.yaml",
            "exceptions:\n  - { target: 'fw:C1', reason: r, approved_by: X, approved_on: 2024-01-01, expires: 2024-12-31 }\n  - { target: evidence/e.md, reason: r, approved_by: X, approved_on: 2024-01-01, expires: 2024-12-31 }\n  - { target: 'fw:C2', reason: accepted gap, approved_by: Y, approved_on: 2025-01-01, expires: 2025-12-31 }\n  - { target: 'fw:C1', reason: again, approved_by: X, approved_on: 2024-01-01, expires: 2024-12-31 }\n",
        );
    common::git(repo.path(), &["init", "-q"], None);
    common::commit_all(repo.path(), "2025-05-01T10:00:00+00:00");
    let check = repo
        .run(&["--as-of", "2025-06-01", "check", "--format", "json"])
        .code(1);
    let check = common::json(&check);
    let doc = common::json(
        &repo
            .run(&["--as-of", "2025-06-01", "export", "assessment-results"])
            .success(),
    );
    assert_valid("assessment-results", &doc);
    let found = findings(&doc);
    // Every offender of `check` is a finding not satisfied, one per
    // offender (two acceptances of one target are two findings).
    let offenders = check["offenders"].as_array().unwrap();
    assert_eq!(offenders.len(), 3);
    let failing: Vec<(String, String)> = found
        .iter()
        .filter(|f| f.1 == "not-satisfied" && f.3 == "acceptance")
        .map(|f| (f.3.clone(), f.4.clone()))
        .collect();
    let mut expected: Vec<(String, String)> = offenders
        .iter()
        .map(|o| {
            (
                o["kind"].as_str().unwrap().to_string(),
                o["id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    expected.sort();
    let mut failing_sorted = failing.clone();
    failing_sorted.sort();
    assert_eq!(failing_sorted, expected);
    // Target ids are unique.
    let targets: std::collections::HashSet<&String> = found.iter().map(|f| &f.0).collect();
    assert_eq!(targets.len(), found.len(), "{found:?}");
    // The acceptance in force of C2 is said on its finding.
    let c2 = found.iter().find(|f| f.0 == "control__fw__C2").unwrap();
    assert!(
        c2.2.contains("Risk accepted by Y on 2025-01-01 until 2025-12-31: accepted gap."),
        "{c2:?}"
    );
}

#[test]
fn target_ids_tell_frameworks_kinds_and_escapes_apart() {
    let repo = Fixture::new()
        .file("comply.yaml", "name: t\n")
        .file(
            "controls/fw.yaml",
            "framework: fw\ncontrols:\n  - { id: '1', title: one, status: implemented }\n  - { id: a/b, title: s, status: implemented }\n  - { id: a_b, title: u, status: missing }\n  - { id: B-1, title: same id as item, status: missing }\n",
        )
        .file(
            "controls/fw2.yaml",
            "framework: fw2\ncontrols:\n  - { id: '1', title: other one, status: missing }\n",
        )
        .file(
            "backlog/b.yaml",
            "framework: fw\nitems:\n  - { id: B-1, title: t, risk: high, due: 2030-01-01 }\n",
        );
    let doc = export(&repo, "assessment-results");
    assert_valid("assessment-results", &doc);
    let mut targets: Vec<(String, String)> =
        findings(&doc).into_iter().map(|f| (f.0, f.1)).collect();
    targets.sort();
    assert_eq!(
        targets,
        [
            ("control__fw2__1", "not-satisfied"),
            ("control__fw__1", "satisfied"),
            ("control__fw__B-1", "not-satisfied"),
            ("control__fw__a_2Fb", "satisfied"),
            ("control__fw__a_5Fb", "not-satisfied"),
            ("item__B-1", "satisfied"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
}

#[test]
fn assessment_results_take_checks_gate_options() {
    let repo = small(
        "t",
        "  - { id: C1, title: one, status: implemented }\n",
        "  - { id: B-1, title: t, risk: low, due: 2025-01-01 }\n",
    )
        .file(
            "reviews/r.yaml",
            "reviews:\n  - { id: REV-1, title: r, framework: fw, cadence: annual, risk: high, evidence: [evidence/e.md] }\n",
        )
        .file("evidence/e.md", "x\n");
    common::git(repo.path(), &["init", "-q"], None);
    common::commit_all(repo.path(), "2025-05-01T10:00:00+00:00");
    let verdict = |args: &[&str]| {
        let mut all = vec!["--as-of", "2025-06-01", "export", "assessment-results"];
        all.extend(args);
        let doc = common::json(&repo.run(&all).success());
        doc["assessment-results"]["results"][0]["props"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "verdict")
            .unwrap()["value"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(verdict(&[]), "passed");
    // The low item is overdue: it fails at --fail-on low, as `check` does.
    assert_eq!(verdict(&["--fail-on", "low"]), "failed");
    repo.run(&["--as-of", "2025-06-01", "check", "--fail-on", "low"])
        .code(1);
    // A shallow clone: refused without --without-history, as `check` is.
    let (_clone, target) = shallow_clone(&repo);
    let run = |args: &[&str]| {
        common::comply(&target)
            .args(["--as-of", "2025-06-01", "export", "assessment-results"])
            .args(args)
            .assert()
    };
    let refused = run(&[]).code(2);
    assert!(common::stderr(&refused).contains("--without-history"));
    run(&["--without-history"]).success();
}

/// The observations of a POA&M: (title, collected, props as name=value).
fn observations(doc: &Value) -> Vec<(String, String, Vec<String>)> {
    doc["plan-of-action-and-milestones"]["observations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            let props = o["props"]
                .as_array()
                .map(|props| {
                    props
                        .iter()
                        .map(|p| {
                            format!(
                                "{}={}",
                                p["name"].as_str().unwrap(),
                                p["value"].as_str().unwrap()
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            (
                o["title"].as_str().unwrap().to_string(),
                o["collected"].as_str().unwrap().to_string(),
                props,
            )
        })
        .collect()
}

/// A repository whose evidence was committed on 2025-05-01 and whose HEAD
/// (an unrelated change) is of 2025-05-20; no `max_age_days` anywhere.
fn dated_repository() -> Fixture {
    let repo = small(
        "c",
        "  - { id: C1, title: c, status: missing }\n",
        "  - { id: E-1, title: e, risk: high, due: 2030-01-01, evidence: [evidence/e.md] }\n",
    )
    .file("evidence/e.md", "x\n");
    common::git(repo.path(), &["init", "-q"], None);
    common::commit_all(repo.path(), "2025-05-01T10:00:00+00:00");
    fs::write(repo.path().join("other.txt"), "later\n").unwrap();
    common::commit_all(repo.path(), "2025-05-20T10:00:00+00:00");
    repo
}

#[test]
fn evidence_is_dated_by_its_own_last_commit() {
    let repo = dated_repository();
    let doc = export(&repo, "poam");
    let found = observations(&doc);
    assert_eq!(found.len(), 1);
    let (_, collected, props) = &found[0];
    assert_eq!(collected, "2025-05-01T00:00:00Z");
    assert!(
        props.iter().any(|p| p.starts_with("last-commit=")),
        "{props:?}"
    );
    assert!(
        !props.iter().any(|p| p.starts_with("uncommitted")),
        "{props:?}"
    );
    assert!(
        doc["plan-of-action-and-milestones"]["metadata"]["version"]
            .as_str()
            .unwrap()
            .starts_with("commit ")
    );
}

#[test]
fn a_dirty_tree_is_said_in_the_version_and_on_the_evidence() {
    let repo = dated_repository();
    let clean = export(&repo, "poam");
    let metadata = |doc: &Value| doc["plan-of-action-and-milestones"]["metadata"].clone();
    // An edit to a file comply reads, not committed.
    fs::write(repo.path().join("evidence/e.md"), "edited\n").unwrap();
    let first = export(&repo, "poam");
    assert_valid("poam", &first);
    let version = metadata(&first)["version"].as_str().unwrap().to_string();
    let clean_version = metadata(&clean)["version"].as_str().unwrap().to_string();
    assert!(
        version.starts_with(&format!("{clean_version}+dirty.")),
        "{version}"
    );
    assert_ne!(
        metadata(&first)["last-modified"],
        metadata(&clean)["last-modified"]
    );
    assert_eq!(metadata(&first)["props"][0]["name"], "uncommitted-files");
    assert_eq!(metadata(&first)["props"][0]["value"], "1");
    let (_, _, props) = &observations(&first)[0];
    assert!(props.contains(&"uncommitted=true".to_string()), "{props:?}");
    // Another uncommitted state, another version.
    fs::write(repo.path().join("evidence/e.md"), "edited again\n").unwrap();
    let second = export(&repo, "poam");
    assert_ne!(metadata(&second)["version"], metadata(&first)["version"]);
    // A file comply does not read changes nothing.
    fs::write(repo.path().join("evidence/e.md"), "x\n").unwrap();
    fs::write(repo.path().join("notes.txt"), "scratch\n").unwrap();
    assert_eq!(export(&repo, "poam"), clean);
}

#[test]
fn without_history_evidence_says_its_date_is_unknown() {
    let repo = dated_repository();
    let (_clone, target) = shallow_clone(&repo);
    let assert = common::comply(&target)
        .args(["--as-of", "2026-02-10", "export", "poam"])
        .assert()
        .success();
    let doc = common::json(&assert);
    assert_valid("poam", &doc);
    let (_, _, props) = &observations(&doc)[0];
    assert!(
        props.contains(&"history=unavailable".to_string()),
        "{props:?}"
    );
    assert!(
        !props.iter().any(|p| p.starts_with("last-commit=")),
        "{props:?}"
    );
}

#[test]
fn an_observation_lists_at_most_a_hundred_files() {
    let mut repo = small(
        "big",
        "  - { id: C1, title: c, status: missing }\n",
        "  - { id: I-1, title: t, risk: high, due: 2030-01-01, evidence: [evidence/many/] }\n  - { id: I-2, title: t, risk: high, due: 2030-01-01, evidence: [evidence/many/] }\n",
    );
    for i in 0..150 {
        repo = repo.file(&format!("evidence/many/f{i:03}"), "x");
    }
    let doc = export(&repo, "poam");
    assert_valid("poam", &doc);
    let poam = &doc["plan-of-action-and-milestones"];
    for observation in poam["observations"].as_array().unwrap() {
        let relevant = observation["relevant-evidence"].as_array().unwrap();
        assert_eq!(relevant.len(), 101);
        assert_eq!(
            relevant[100]["description"],
            "50 more files not listed: an observation lists at most 100 files"
        );
    }
    // The files listed are the same for both items, each one resource.
    assert_eq!(
        poam["back-matter"]["resources"].as_array().unwrap().len(),
        100
    );
}

#[test]
fn a_pending_acceptance_is_not_in_the_risk_log() {
    let repo = small(
        "p",
        "  - { id: C1, title: c, status: missing }\n",
        "  - { id: B-1, title: t, risk: high, due: 2030-01-01 }\n",
    )
        .file(
            "exceptions/e.yaml",
            "exceptions:\n  - { target: B-1, reason: later, approved_by: X, approved_on: 2026-03-01, expires: 2026-12-31 }\n",
        );
    let doc = export(&repo, "poam");
    assert_valid("poam", &doc);
    let risk = &doc["plan-of-action-and-milestones"]["risks"][0];
    assert!(risk.get("risk-log").is_none(), "{risk}");
}

#[test]
fn a_padded_owner_name_is_the_name() {
    let repo = Fixture::new()
        .file(
            "comply.yaml",
            "name: o\nowners:\n  - { name: ' padded owner ', team: ' Ops ' }\n",
        )
        .file(
            "controls/fw.yaml",
            "framework: fw\ncontrols:\n  - { id: C1, title: c, status: missing, owner: padded owner }\n",
        );
    let assert = repo.run(&["validate"]).success();
    let err = common::stderr(&assert);
    assert!(!err.contains("not declared"), "{err}");
}

/// A shallow clone (depth 1, as CI checks out) of `repo`: the directory
/// holding it (removed when dropped) and its path.
fn shallow_clone(repo: &Fixture) -> (tempfile::TempDir, std::path::PathBuf) {
    let clone = tempfile::tempdir().unwrap();
    let target = clone.path().join("c");
    let url = format!("file://{}", repo.path().display());
    common::git(
        clone.path(),
        &[
            "clone",
            "-q",
            "--depth",
            "1",
            &url,
            target.to_str().unwrap(),
        ],
        None,
    );
    (clone, target)
}

/// A repository named `name` with one framework `fw` of the `controls`
/// and a backlog of the `items` (YAML list entries, each a line).
fn small(name: &str, controls: &str, items: &str) -> Fixture {
    Fixture::new()
        .file("comply.yaml", &format!("name: {name}\n"))
        .file(
            "controls/fw.yaml",
            &format!("framework: fw\ncontrols:\n{controls}"),
        )
        .file("backlog/b.yaml", &format!("framework: fw\nitems:\n{items}"))
}

/// Every `uuid` defined in a document (a key named `uuid`), in order.
fn defined_uuids(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("uuid", Value::String(s)) => out.push(s.clone()),
                    _ => defined_uuids(v, out),
                }
            }
        }
        Value::Array(list) => list.iter().for_each(|v| defined_uuids(v, out)),
        _ => {}
    }
}

#[test]
fn evidence_written_twice_is_observed_once_and_every_uuid_is_defined_once() {
    let repo = Fixture::new()
        .file("comply.yaml", "name: twice\n")
        .file(
            "controls/fw.yaml",
            "framework: fw\ncontrols:\n  - { id: C1, title: c, status: implemented, evidence: [evidence/a.md, evidence/a.md, evidence/b.md] }\n",
        )
        .file(
            "backlog/b.yaml",
            "framework: fw\nitems:\n  - { id: B-1, title: t, risk: high, due: 2026-01-01, controls: [C1], evidence: [evidence/a.md, evidence/b.md, evidence/a.md] }\n",
        )
        .file("evidence/a.md", "a\n")
        .file("evidence/b.md", "b\n");
    common::git(repo.path(), &["init", "-q"], None);
    common::commit_all(repo.path(), "2026-02-01T10:00:00+00:00");
    for what in ["poam", "assessment-results"] {
        let doc = export(&repo, what);
        assert_valid(what, &doc);
        let mut uuids = Vec::new();
        defined_uuids(&doc, &mut uuids);
        let mut unique = uuids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(uuids.len(), unique.len(), "{what}: {uuids:?}");
    }
    let doc = export(&repo, "poam");
    let item = &doc["plan-of-action-and-milestones"]["poam-items"][0];
    let related: Vec<&str> = item["related-observations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["observation-uuid"].as_str().unwrap())
        .collect();
    assert_eq!(related.len(), 2, "{related:?}");
}

#[test]
fn a_catalog_is_not_imported_into_a_framework_another_matrix_declares() {
    let repo = Fixture::new().file("catalog.json", CATALOG).file(
        "out/controls/sub/mine.yaml",
        "framework: tiny\ncontrols:\n  - { id: X-1, title: x, status: missing }\n",
    );
    let out = repo.path().join("out");
    let assert = import_catalog(
        repo.path(),
        &["catalog.json", "--framework", "tiny", "-o", "out"],
    )
    .code(2);
    let err = common::stderr(&assert);
    assert!(
        err.contains("mine.yaml` already declares framework `tiny`"),
        "{err}"
    );
    assert!(!out.join("controls/tiny.yaml").exists());
    common::comply(&out).arg("validate").assert().success();
    // Another id imports beside it, and the repository stays valid.
    import_catalog(
        repo.path(),
        &["catalog.json", "--framework", "tiny2", "-o", "out"],
    )
    .success();
    common::comply(&out).arg("validate").assert().success();
}

#[test]
fn git_ignored_evidence_makes_the_version_dirty_and_its_content_changes_it() {
    let repo = Fixture::new()
        .file("comply.yaml", "name: ignored\n")
        .file(".gitignore", "*.log\n")
        .file(
            "controls/fw.yaml",
            "framework: fw\ncontrols:\n  - { id: C1, title: c, status: implemented }\n",
        )
        .file(
            "backlog/b.yaml",
            "framework: fw\nitems:\n  - { id: B-1, title: t, risk: high, status: done, done: 2026-01-01, evidence: [evidence/] }\n",
        )
        .file("evidence/a.md", "a\n");
    common::git(repo.path(), &["init", "-q"], None);
    common::commit_all(repo.path(), "2026-02-01T10:00:00+00:00");
    let version = |repo: &Fixture| {
        export(repo, "poam")["plan-of-action-and-milestones"]["metadata"]["version"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    let clean = version(&repo);
    assert!(!clean.contains("+dirty"), "{clean}");
    fs::write(repo.path().join("evidence/x.log"), "one\n").unwrap();
    let one = version(&repo);
    assert!(one.starts_with(&format!("{clean}+dirty.")), "{one}");
    fs::write(repo.path().join("evidence/x.log"), "two\n").unwrap();
    let two = version(&repo);
    assert!(
        two.starts_with(&format!("{clean}+dirty.")) && two != one,
        "{two}"
    );
}
