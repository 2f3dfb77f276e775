//! Git-native evidence: freshness, stale and uncommitted evidence, renames,
//! restores, shallow clones, `--at`, manifests and trends, on throwaway
//! repositories with fixed commit dates.

mod common;

use common::{Fixture, commit_all, git, json, stderr, stdout};
use serde_json::Value;

const CONTROLS: &str = "framework: fw\nmax_age_days: 90\ncontrols:\n  - id: C1\n    title: Logging\n    status: implemented\n    severity: high\n    max_age_days: 365\n    evidence:\n      - path: evidence/old.md\n        max_age_days: 30\n      - evidence/logs/\n";

const ITEMS: &str = "framework: fw\nitems:\n  - id: A\n    title: Keep the register\n    risk: high\n    due: 2026-01-01\n    evidence: [evidence/register.md, evidence/moved.md, evidence/restored.md, evidence/new.md]\n";

/// A repository whose evidence was committed on known days.
fn history() -> Fixture {
    let repo = Fixture::new()
        .file("controls/fw.yaml", CONTROLS)
        .file("backlog/items.yaml", ITEMS)
        .file("evidence/old.md", "old")
        .file("evidence/logs/a.log", "a")
        .file("evidence/register.md", "v1")
        .file("evidence/original.md", "to be renamed")
        .file("evidence/restored.md", "here");
    let dir = repo.path();
    git(dir, &["init", "-q", "-b", "main"], None);
    commit_all(dir, "2025-01-10");
    std::fs::write(dir.join("evidence/logs/b.log"), "b").expect("write");
    std::fs::write(dir.join("evidence/register.md"), "v2").expect("write");
    commit_all(dir, "2025-03-01");
    git(
        dir,
        &["mv", "evidence/original.md", "evidence/moved.md"],
        None,
    );
    git(dir, &["rm", "-q", "evidence/restored.md"], None);
    commit_all(dir, "2025-04-01");
    std::fs::write(dir.join("evidence/restored.md"), "back").expect("write");
    commit_all(dir, "2025-05-01");
    std::fs::write(dir.join("evidence/new.md"), "not committed").expect("write");
    repo
}

fn evidence_rows(repo: &Fixture, as_of: &str) -> Vec<Value> {
    let doc = json(
        &repo
            .run(&["evidence", "--format", "json", "--as-of", as_of])
            .code(0),
    );
    doc["evidence"].as_array().cloned().unwrap_or_default()
}

fn row<'a>(rows: &'a [Value], path: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["path"] == path)
        .unwrap_or_else(|| panic!("no row for {path}"))
}

#[test]
fn freshness_stale_uncommitted_renamed_and_restored() {
    let repo = history();
    let rows = evidence_rows(&repo, "2025-05-20");
    let old = row(&rows, "evidence/old.md");
    assert_eq!(old["state"], "stale", "{old}");
    assert_eq!(old["last_change"]["date"], "2025-01-10");
    assert_eq!(old["last_change"]["author"], "Auditor");
    assert_eq!(old["max_age_days"], 30);
    let logs = row(&rows, "evidence/logs/");
    assert_eq!(
        logs["last_change"]["date"], "2025-03-01",
        "newest file of a directory"
    );
    assert_eq!(logs["max_age_days"], 365, "the control's limit");
    assert_eq!(logs["state"], "present");
    let register = row(&rows, "evidence/register.md");
    assert_eq!(register["last_change"]["date"], "2025-03-01");
    assert_eq!(register["max_age_days"], 90, "framework default");
    assert_eq!(register["state"], "present");
    assert_eq!(
        row(&rows, "evidence/moved.md")["last_change"]["date"],
        "2025-04-01",
        "renamed"
    );
    assert_eq!(
        row(&rows, "evidence/restored.md")["last_change"]["date"],
        "2025-05-01",
        "restored"
    );
    let new = row(&rows, "evidence/new.md");
    assert_eq!(new["state"], "present");
    assert_eq!(new["uncommitted"], true);
    assert_eq!(new["last_change"], Value::Null);

    let later = evidence_rows(&repo, "2025-06-15");
    assert_eq!(
        row(&later, "evidence/register.md")["state"],
        "stale",
        "106 days > 90"
    );
    assert_eq!(
        row(&later, "evidence/new.md")["state"],
        "present",
        "uncommitted is never stale"
    );
    let stale = json(
        &repo
            .run(&[
                "evidence",
                "--stale",
                "--format",
                "json",
                "--as-of",
                "2025-06-15",
            ])
            .code(0),
    );
    let paths: Vec<&str> = stale["evidence"].as_array().map_or(vec![], |a| {
        a.iter().filter_map(|r| r["path"].as_str()).collect()
    });
    assert_eq!(paths, ["evidence/old.md", "evidence/register.md"]);
}

#[test]
fn stale_evidence_is_counted_and_gated_on_request() {
    let repo = history();
    let status = json(
        &repo
            .run(&["status", "--format", "json", "--as-of", "2025-06-15"])
            .code(0),
    );
    assert_eq!(status["frameworks"][0]["evidence_stale"], 2);
    let assert = repo.run(&["check", "--as-of", "2025-06-15"]).code(0);
    assert!(
        stderr(&assert).contains("note: 2 evidence entries are stale"),
        "{}",
        stderr(&assert)
    );
    let assert = repo
        .run(&["check", "--as-of", "2025-06-15", "--fail-on-stale"])
        .code(1);
    let out = stdout(&assert);
    assert!(
        out.contains("A [high] Keep the register: evidence is stale: evidence/register.md"),
        "{out}"
    );
    assert!(
        out.contains("C1 [high] Logging: evidence is stale: evidence/old.md"),
        "{out}"
    );
}

#[test]
fn a_shallow_clone_fails_closed_or_warns_once_and_reports_nothing_stale() {
    let repo = history();
    commit_all(repo.path(), "2025-05-02");
    let clone = tempfile::tempdir().expect("tempdir");
    let url = format!("file://{}", repo.path().display());
    git(
        clone.path(),
        &["clone", "-q", "--depth", "1", &url, "c"],
        None,
    );
    let root = clone.path().join("c");
    // The gate refuses to pass on what it cannot see...
    let refused = common::comply(&root)
        .args(["check", "--fail-on-stale", "--as-of", "2026-01-01"])
        .assert()
        .code(2);
    let err = stderr(&refused);
    assert!(
        err.contains("error: the gate needs git history") && err.contains("fetch-depth: 0"),
        "{err}"
    );
    assert!(stdout(&refused).is_empty(), "{}", stdout(&refused));
    // ...unless told to go on without it.
    let assert = common::comply(&root)
        .args([
            "check",
            "--fail-on-stale",
            "--without-history",
            "--as-of",
            "2026-01-01",
        ])
        .assert();
    let err = stderr(&assert);
    assert_eq!(err.matches("warning:").count(), 1, "{err}");
    assert!(
        err.contains("shallow clone") && err.contains("fetch-depth: 0"),
        "{err}"
    );
    assert!(!stdout(&assert).contains("stale"), "{}", stdout(&assert));
}

#[test]
fn outside_git_the_gate_refuses_unless_told_to_go_without_history() {
    let repo = Fixture::new()
        .file("controls/fw.yaml", CONTROLS)
        .file("evidence/old.md", "old")
        .file("evidence/logs/a.log", "a");
    let refused = repo
        .run(&["check", "--fail-on-stale", "--as-of", "2030-01-01"])
        .code(2);
    assert!(
        stderr(&refused).contains("not a git repository"),
        "{}",
        stderr(&refused)
    );
    let assert = repo
        .run(&[
            "check",
            "--fail-on-stale",
            "--without-history",
            "--as-of",
            "2030-01-01",
        ])
        .code(0);
    let err = stderr(&assert);
    assert_eq!(err.matches("warning:").count(), 1, "{err}");
    assert!(err.contains("not a git repository"), "{err}");
    repo.run(&["evidence", "--as-of", "2030-01-01"]).code(0);
}

#[test]
fn at_a_revision_the_repository_is_read_as_it_was_and_the_tree_is_untouched() {
    let repo = history();
    let dir = repo.path();
    let first = git(dir, &["rev-parse", "HEAD"], None).trim().to_string();
    let done = ITEMS.replace(
        "due: 2026-01-01",
        "due: 2025-04-01\n    status: done\n    done: 2025-05-05",
    );
    std::fs::write(dir.join("backlog/items.yaml"), done).expect("write");
    commit_all(dir, "2025-05-05");
    std::fs::write(dir.join("backlog/items.yaml"), "not: [valid").expect("dirty working tree");
    let before = git(dir, &["status", "--porcelain"], None);

    let then = json(
        &repo
            .run(&[
                "status",
                "--format",
                "json",
                "--as-of",
                "2025-06-01",
                "--at",
                &first,
            ])
            .code(0),
    );
    assert_eq!(then["items"][0]["status"], "open");
    assert_eq!(then["items"][0]["state"], "scheduled");
    let now = json(
        &repo
            .run(&[
                "status",
                "--format",
                "json",
                "--as-of",
                "2025-06-01",
                "--at",
                "HEAD",
            ])
            .code(0),
    );
    assert_eq!(now["items"][0]["status"], "done");
    repo.run(&["check", "--as-of", "2025-06-01", "--at", "HEAD~1"])
        .code(0);
    repo.run(&["report", "--as-of", "2025-06-01", "--at", "main"])
        .code(0);
    repo.run(&["status"]).code(2);
    assert_eq!(
        git(dir, &["status", "--porcelain"], None),
        before,
        "working tree changed"
    );
    let assert = repo.run(&["status", "--at", "no-such-rev"]).code(2);
    assert!(
        stderr(&assert).contains("`no-such-rev` is not a commit"),
        "{}",
        stderr(&assert)
    );
}

#[test]
fn manifests_record_and_verify_evidence_files() {
    let repo = history();
    let dir = repo.path();
    let manifest = dir.join("manifest.json");
    let target = manifest.to_str().expect("utf-8");
    repo.run(&["evidence", "--manifest", target]).code(0);
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest).expect("manifest")).expect("json");
    let files = doc["files"].as_array().expect("files");
    let old = files
        .iter()
        .find(|f| f["path"] == "evidence/old.md")
        .expect("old.md");
    assert_eq!(old["size"], 3);
    assert_eq!(
        old["sha256"],
        "cba06b5736faf67e54b07b561eae94395e774c517a7d910a54369e1263ccfbd4"
    );
    assert!(old["commit"].as_str().is_some_and(|c| c.len() == 10));
    repo.run(&["evidence", "--manifest", target]).code(2);

    let assert = repo.run(&["evidence", "--verify", target]).code(0);
    assert!(
        stdout(&assert).starts_with("evidence matches the manifest"),
        "{}",
        stdout(&assert)
    );
    std::fs::write(dir.join("evidence/register.md"), "v3").expect("write");
    std::fs::remove_file(dir.join("evidence/logs/a.log")).expect("remove");
    std::fs::write(dir.join("evidence/logs/c.log"), "c").expect("write");
    let assert = repo.run(&["evidence", "--verify", target]).code(1);
    assert_eq!(
        stdout(&assert),
        "added: evidence/logs/c.log\nremoved: evidence/logs/a.log\nchanged: evidence/register.md\nevidence differs from the manifest: 1 added, 1 removed, 1 changed\n"
    );
    std::fs::write(&manifest, "{ not json").expect("write");
    let assert = repo.run(&["evidence", "--verify", target]).code(2);
    assert!(
        stderr(&assert).contains("manifest.json:1:3: not a comply manifest"),
        "{}",
        stderr(&assert)
    );
}

#[test]
fn trend_samples_the_last_commit_of_each_period() {
    let repo = history();
    let dir = repo.path();
    let done = ITEMS.replace(
        "due: 2026-01-01",
        "due: 2025-04-01\n    status: done\n    done: 2025-05-05",
    );
    std::fs::write(
        dir.join("backlog/items.yaml"),
        ITEMS.replace("2026-01-01", "2025-04-01"),
    )
    .expect("write");
    commit_all(dir, "2025-03-15");
    std::fs::write(dir.join("backlog/items.yaml"), done).expect("write");
    commit_all(dir, "2025-06-10");
    let doc = json(
        &repo
            .run(&[
                "trend",
                "--since",
                "2024-12-01",
                "--as-of",
                "2025-06-30",
                "--format",
                "json",
            ])
            .code(0),
    );
    let periods = doc["periods"].as_array().expect("periods");
    let summary: Vec<(String, u64, u64, u64)> = periods
        .iter()
        .map(|p| {
            (
                p["period_end"].as_str().unwrap_or("").to_string(),
                p["open"].as_u64().unwrap_or(9),
                p["overdue"].as_u64().unwrap_or(9),
                p["done"].as_u64().unwrap_or(9),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("2025-01-31".to_string(), 1, 0, 0),
            ("2025-02-28".to_string(), 1, 0, 0),
            ("2025-03-31".to_string(), 1, 0, 0),
            ("2025-04-30".to_string(), 1, 1, 0),
            ("2025-05-31".to_string(), 1, 1, 0),
            ("2025-06-30".to_string(), 0, 0, 1),
        ],
        "December has no commit yet"
    );
    let html = stdout(
        &repo
            .run(&["report", "--format", "html", "--as-of", "2025-06-30"])
            .code(0),
    );
    assert!(
        html.contains("<title id=\"trend-title\">"),
        "trend chart in the HTML report"
    );
}
