//! Command-line behaviour: roots, usage errors, environment, filters, colour.

mod common;

use common::{Fixture, comply, example_root, json, stderr, stdout};

#[test]
fn relative_root() {
    let repo = Fixture::with_framework();
    let parent = repo.path().parent().expect("parent");
    let name = repo.path().file_name().expect("name");
    let mut cmd = assert_cmd::Command::cargo_bin("comply").expect("binary");
    cmd.current_dir(parent)
        .arg("--root")
        .arg(name)
        .arg("validate")
        .assert()
        .code(0);
}

#[test]
fn default_root_is_the_git_top_level() {
    let repo = Fixture::with_framework().dir(".git").dir("docs/deep");
    let mut cmd = assert_cmd::Command::cargo_bin("comply").expect("binary");
    let assert = cmd
        .current_dir(repo.path().join("docs/deep"))
        .arg("validate")
        .assert()
        .code(0);
    assert!(stdout(&assert).contains("1 framework, 2 controls"));
}

#[test]
fn unusable_roots_exit_2() {
    let repo = Fixture::new().file("plain.txt", "x");
    let assert = comply(&repo.path().join("nope"))
        .arg("status")
        .assert()
        .code(2);
    assert!(
        stderr(&assert).starts_with("error: cannot use `"),
        "{}",
        stderr(&assert)
    );
    let assert = comply(&repo.path().join("plain.txt"))
        .arg("status")
        .assert()
        .code(2);
    assert!(
        stderr(&assert).contains("is not a directory"),
        "{}",
        stderr(&assert)
    );
}

#[test]
fn usage_errors_exit_2() {
    let repo = Fixture::with_framework();
    repo.run(&["frobnicate"]).code(2);
    repo.run(&["status", "--as-of", "2025-02-30"]).code(2);
    repo.run(&["check", "--fail-on", "severe"]).code(2);
    repo.run(&["status", "--format", "xml"]).code(2);
}

#[test]
fn comply_today_sets_the_default_date() {
    let repo = Fixture::with_framework()
        .items("  - id: A\n    title: A\n    risk: high\n    due: 2025-06-15\n");
    comply(repo.path())
        .env("COMPLY_TODAY", "2025-06-15")
        .arg("check")
        .assert()
        .code(0);
    comply(repo.path())
        .env("COMPLY_TODAY", "2025-06-16")
        .arg("check")
        .assert()
        .code(1);
    comply(repo.path())
        .env("COMPLY_TODAY", "2025-06-16")
        .args(["check", "--as-of", "2025-06-01"])
        .assert()
        .code(0);
    comply(repo.path())
        .env("COMPLY_TODAY", "tomorrow")
        .arg("check")
        .assert()
        .code(2);
}

#[test]
fn empty_repository_fails_closed_unless_allowed() {
    let repo = Fixture::new();
    for command in [
        "validate", "status", "check", "report", "due", "gaps", "evidence",
    ] {
        let assert = repo.run(&[command, "--as-of", "2025-01-01"]).code(2);
        let err = stderr(&assert);
        assert!(err.contains("nothing to check in"), "{command}: {err}");
        assert!(err.contains("no comply.yaml"), "{command}: {err}");
        assert!(stdout(&assert).is_empty(), "{command}: {}", stdout(&assert));
    }
    repo.run(&["validate", "--allow-empty"]).code(0);
    let assert = repo
        .run(&["check", "--as-of", "2025-01-01", "--allow-empty"])
        .code(0);
    assert!(stdout(&assert).starts_with("gate passed"));
}

#[test]
fn due_filters_by_owner_and_framework() {
    let doc = json(
        &comply(&example_root())
            .args(["due", "--format", "json", "--as-of", "2026-11-25"])
            .args(["--owner", "Security Officer", "--framework", "soc2"])
            .assert()
            .code(0),
    );
    let ids: Vec<&str> = doc["overdue"]
        .as_array()
        .map(|a| a.iter().filter_map(|i| i["id"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        ids,
        [
            "SOC2-006", "SOC2-007", "SOC2-009", "SOC2-008", "SOC2-010", "SOC2-011"
        ]
    );
    let doc = json(
        &comply(&example_root())
            .args([
                "due",
                "--format",
                "json",
                "--as-of",
                "2026-11-25",
                "--framework",
                "popia",
            ])
            .assert()
            .code(0),
    );
    assert_eq!(
        doc["unscheduled"][0]["id"], "REV-VERIFICATION",
        "a review never done yet"
    );
    // POPIA's four, and the three items of the shared logging and access
    // review controls mapped onto POPIA (issue 18), each once.
    let overdue: Vec<&str> = doc["overdue"]
        .as_array()
        .map(|a| a.iter().filter_map(|i| i["id"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        overdue,
        [
            "POPIA-003",
            "SOC2-007",
            "SOC2-009",
            "POPIA-002",
            "POPIA-004",
            "SOC2-004",
            "POPIA-005"
        ]
    );
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let plain = stdout(
        &comply(&example_root())
            .args(["check", "--as-of", "2026-11-25"])
            .assert(),
    );
    assert!(!plain.contains('\x1b'));
    let coloured = stdout(
        &comply(&example_root())
            .args(["check", "--as-of", "2026-11-25", "--color", "always"])
            .assert(),
    );
    assert!(coloured.contains("\x1b[31m"));
}

#[test]
fn help_and_version() {
    let repo = Fixture::new();
    let assert = repo.run(&["--help"]).code(0);
    assert!(stdout(&assert).contains("The CI gate"));
    let assert = repo.run(&["--version"]).code(0);
    assert!(stdout(&assert).starts_with("comply "));
}
