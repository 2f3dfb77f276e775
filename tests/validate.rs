//! Every validation error class, with its `path:line:column` position.

mod common;

use common::{Fixture, stderr};

/// Runs `validate` expecting exit 2 and returns standard error.
fn invalid(repo: &Fixture) -> String {
    stderr(&repo.run(&["validate"]).code(2))
}

fn item(extra: &str) -> String {
    format!("  - id: A\n    title: An item\n    risk: high\n{extra}")
}

#[test]
fn yaml_syntax_error() {
    let repo = Fixture::with_framework().file(
        "backlog/items.yaml",
        "items:\n  - id: A\n    title: [unclosed\n",
    );
    let err = invalid(&repo);
    assert!(
        err.contains("backlog/items.yaml:4:1: error[syntax]:"),
        "{err}"
    );
}

#[test]
fn unknown_field_with_a_hint() {
    let repo = Fixture::with_framework().items(&item("    ownr: Security\n"));
    let err = invalid(&repo);
    assert!(
        err.contains("backlog/items.yaml:6:5: error[unknown-field]: unknown field `ownr` in item (did you mean `owner`?)"),
        "{err}"
    );
}

#[test]
fn bad_enum_values() {
    let repo = Fixture::with_framework()
        .items("  - id: A\n    title: An item\n    risk: High\n    status: finished\n");
    let err = invalid(&repo);
    assert!(
        err.contains("backlog/items.yaml:5:11: error[bad-value]: `High` is not a valid `risk` (did you mean `high`?)"),
        "{err}"
    );
    assert!(
        err.contains("backlog/items.yaml:6:13: error[bad-value]: `finished` is not a valid `status` (expected one of: open, in-progress, blocked, done, wont-do)"),
        "{err}"
    );
}

#[test]
fn bad_dates() {
    for (date, why) in [
        ("2025-02-30", "is not a real calendar day"),
        ("2025/11/22", "is not a date in the form YYYY-MM-DD"),
        ("22 Nov 2025", "is not a date in the form YYYY-MM-DD"),
        ("'2025'", "is not a date in the form YYYY-MM-DD"),
    ] {
        let repo = Fixture::with_framework().items(&item(&format!("    due: {date}\n")));
        let err = invalid(&repo);
        assert!(
            err.contains("backlog/items.yaml:6:10: error[bad-date]:"),
            "{date}: {err}"
        );
        assert!(err.contains(why), "{date}: {err}");
    }
}

#[test]
fn duplicate_ids_across_files_name_both_places() {
    let repo = Fixture::with_framework()
        .file(
            "backlog/a.yaml",
            "framework: fw\nitems:\n  - id: DUP-1\n    title: One\n    risk: low\n",
        )
        .file(
            "backlog/b.yaml",
            "framework: fw\nitems:\n  - id: dup-1\n    title: Two\n    risk: low\n",
        );
    let err = invalid(&repo);
    assert!(
        err.contains("backlog/b.yaml:3:5: error[duplicate-id]: duplicate item id `dup-1` (first defined at backlog/a.yaml:3)"),
        "{err}"
    );
}

#[test]
fn duplicate_control_ids() {
    let repo = Fixture::new().file(
        "controls/fw.yaml",
        "framework: fw\ncontrols:\n  - id: C1\n    title: A\n    status: planned\n  - id: C1\n    title: B\n    status: planned\n",
    );
    let err = invalid(&repo);
    assert!(err.contains("controls/fw.yaml:6:5: error[duplicate-id]: duplicate control id `C1` (first defined at controls/fw.yaml:3)"), "{err}");
}

#[test]
fn references_to_missing_controls_items_and_frameworks() {
    let repo = Fixture::new()
        .file(
            "controls/fw.yaml",
            "framework: fw\ncontrols:\n  - id: C1\n    title: A\n    status: planned\n    backlog: [NOPE-1]\n    maps_to: [fw:C9, other:X1]\n",
        )
        .items("  - id: A\n    title: An item\n    risk: low\n    controls: [C2, fw:C1, zz:C1]\n  - id: B\n    title: Other\n    framework: fx\n    risk: low\n");
    let err = invalid(&repo);
    for expected in [
        "controls/fw.yaml:6:15: error[unknown-reference]: backlog item `NOPE-1` does not exist",
        "controls/fw.yaml:7:15: error[unknown-reference]: control `C9` does not exist in framework `fw`",
        "controls/fw.yaml:7:22: warning[external-reference]: `other:X1` maps to framework `other`",
        "backlog/items.yaml:6:16: error[unknown-reference]: control `C2` does not exist in framework `fw` (did you mean `C1`?)",
        "backlog/items.yaml:6:27: error[unknown-reference]: framework `zz` in `zz:C1` does not exist (did you mean `fw`?)",
        "backlog/items.yaml:7:5: error[unknown-reference]: item `B` names unknown framework `fx` (did you mean `fw`?)",
    ] {
        assert!(err.contains(expected), "missing `{expected}` in:\n{err}");
    }
}

#[test]
fn done_item_without_done_date() {
    let repo = Fixture::with_framework().items(&item("    status: done\n"));
    let err = invalid(&repo);
    assert!(
        err.contains(
            "backlog/items.yaml:3:5: error[done-date]: item `A` is done but has no `done` date"
        ),
        "{err}"
    );
}

#[test]
fn missing_required_fields_and_wrong_types() {
    let repo = Fixture::with_framework()
        .items("  - id: A\n    title: [not, a, string]\n  - just a string\n");
    let err = invalid(&repo);
    for expected in [
        "backlog/items.yaml:4:12: error[wrong-type]: expected a string for `title`, found a list",
        "backlog/items.yaml:3:5: error[missing-field]: missing field `risk`",
        "backlog/items.yaml:5:5: error[wrong-type]: expected a mapping (item), found a scalar",
    ] {
        assert!(err.contains(expected), "missing `{expected}` in:\n{err}");
    }
}

#[test]
fn duplicate_keys() {
    let repo = Fixture::with_framework().items(&item("    risk: low\n"));
    let err = invalid(&repo);
    assert!(err.contains("backlog/items.yaml:6:5: error[duplicate-key]: field `risk` given twice (first on line 5)"), "{err}");
}

#[test]
fn non_utf8_and_binary_files() {
    let repo = Fixture::with_framework().bytes(
        "backlog/items.yaml",
        b"framework: fw\nitems:\n  - id: \xff\xfe\n",
    );
    let err = invalid(&repo);
    assert!(
        err.contains("backlog/items.yaml:3:9: error[unreadable]: is not valid UTF-8 text"),
        "{err}"
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let repo = Fixture::with_framework()
        .file("comply.yaml", "gate:\n  fail_on: severe\ndue_soon_days: soon\n")
        .items("  - id: A\n    title: A\n    risk: hgh\n    due: 2025-13-01\n  - id: B\n    title: B\n    risk: low\n    colour: red\n");
    let err = invalid(&repo);
    let errors = err.lines().filter(|l| l.contains(": error[")).count();
    assert_eq!(errors, 5, "{err}");
    assert!(err.ends_with("error: 5 errors, 0 warnings\n"), "{err}");
}

#[test]
fn other_commands_refuse_an_invalid_repository() {
    let repo = Fixture::with_framework().items(&item("    due: someday\n"));
    for command in ["status", "due", "gaps", "check"] {
        let assert = repo.run(&[command]).code(2);
        assert!(
            stderr(&assert).contains("error: the repository has 1 problem; fix it first"),
            "{command}"
        );
        assert!(
            assert.get_output().stdout.is_empty(),
            "{command} wrote to stdout"
        );
    }
}

#[test]
fn validate_json_lists_diagnostics() {
    let repo = Fixture::with_framework().items(&item("    ownr: X\n"));
    let doc = common::json(&repo.run(&["validate", "--format", "json"]).code(2));
    assert_eq!(doc["valid"], false);
    assert_eq!(doc["errors"], 1);
    let d = &doc["diagnostics"][0];
    assert_eq!(d["code"], "unknown-field");
    assert_eq!(d["file"], "backlog/items.yaml");
    assert_eq!(d["line"], 6);
    assert_eq!(d["column"], 5);
    assert_eq!(d["hint"], "did you mean `owner`?");
}

#[test]
fn hostile_yaml_is_refused_cleanly() {
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for (name, prev) in [
        ("b", "a"),
        ("c", "b"),
        ("d", "c"),
        ("e", "d"),
        ("f", "e"),
        ("g", "f"),
    ] {
        bomb.push_str(&format!(
            "{name}: &{name} [{}]\n",
            vec![format!("*{prev}"); 10].join(", ")
        ));
    }
    let deep = format!("items: {}{}\n", "[".repeat(100), "]".repeat(100));
    let deeper = format!("items: {}{}\n", "[".repeat(5000), "]".repeat(5000));
    let repo = Fixture::with_framework()
        .file("backlog/bomb.yaml", &bomb)
        .file("backlog/deep.yaml", &deep)
        .file("backlog/deeper.yaml", &deeper)
        .file("backlog/two.yaml", "items: []\n---\nitems: []\n");
    let err = invalid(&repo);
    assert!(err.contains("backlog/bomb.yaml:"), "{err}");
    assert!(err.contains("limit of 10000 nodes"), "{err}");
    assert!(err.contains("backlog/deep.yaml:1:"), "{err}");
    assert!(
        err.contains("nesting deeper than the limit of 64 levels"),
        "{err}"
    );
    assert!(err.contains("backlog/deeper.yaml:1:"), "{err}");
    assert!(
        err.contains("backlog/two.yaml:2:1: error[syntax]: a second YAML document"),
        "{err}"
    );
}

#[test]
fn bom_crlf_and_tabs_in_values_are_fine() {
    let repo = Fixture::new()
        .bytes("controls/fw.yaml", b"\xEF\xBB\xBFframework: fw\r\ncontrols:\r\n  - id: C1\r\n    title: \"Tab\there\"\r\n    status: planned\r\n");
    repo.run(&["validate"]).code(0);
}

#[test]
fn valid_repository_with_warnings_still_passes() {
    let repo = Fixture::new().file(
        "controls/fw.yaml",
        "framework: fw\ncontrols:\n  - id: C1\n    title: A\n    status: planned\n    maps_to: [gdpr:art5]\n    evidence: [/etc/passwd]\n",
    );
    let assert = repo.run(&["validate"]).code(0);
    let err = stderr(&assert);
    assert!(err.contains("controls/fw.yaml:7:16: warning[bad-value]: evidence `/etc/passwd` is outside the repository (absolute path)"), "{err}");
    assert!(
        common::stdout(&assert).starts_with("valid, with 2 warnings: 1 framework"),
        "{}",
        common::stdout(&assert)
    );
}

#[test]
fn files_over_the_size_limit_are_refused_unread() {
    let repo = Fixture::with_framework().file("backlog/huge.yaml", "items: []\n");
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(repo.path().join("backlog/huge.yaml"))
        .expect("open");
    file.set_len(33 * 1024 * 1024)
        .expect("grow the file sparsely");
    let err = invalid(&repo);
    assert!(
        err.contains("backlog/huge.yaml: error[too-large]: is 34603008 bytes, over the limit of 33554432 bytes (32 MiB)"),
        "{err}"
    );
}
