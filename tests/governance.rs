//! Governance: recurring reviews, risk acceptances, the ratchet, review
//! diffs and declared owners, on throwaway git repositories with fixed
//! commit dates.

mod common;

use std::path::Path;

use common::{Fixture, commit_all, git, json, stderr, stdout};
use serde_json::Value;

fn write(dir: &Path, path: &str, text: &str) {
    let full = dir.join(path);
    std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
    std::fs::write(full, text).expect("write");
}

const REVIEWS: &str = "reviews:\n  - id: QR\n    title: Quarterly access review\n    framework: fw\n    cadence: quarterly\n    risk: high\n    evidence: [evidence/access-review.md]\n";

fn item<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["items"]
        .as_array()
        .and_then(|items| items.iter().find(|i| i["id"] == id))
        .unwrap_or_else(|| panic!("no {id} in {doc}"))
}

#[test]
fn a_quarterly_review_in_time_overdue_and_done_late() {
    let repo = Fixture::with_framework()
        .file("reviews/r.yaml", REVIEWS)
        .file("evidence/access-review.md", "Q1 minutes");
    git(repo.path(), &["init", "-q"], None);
    commit_all(repo.path(), "2025-01-15");

    let doc = json(
        &repo
            .run(&["status", "--format", "json", "--as-of", "2025-04-10"])
            .code(0),
    );
    let review = item(&doc, "QR");
    assert_eq!(review["kind"], "review");
    assert_eq!(
        review["last_done"], "2025-01-15",
        "dated by its evidence's commit"
    );
    assert_eq!(review["due"], "2025-04-15");
    assert_eq!(review["state"], "due-soon", "in time");
    repo.run(&["check", "--as-of", "2025-04-15"]).code(0);

    let assert = repo.run(&["check", "--as-of", "2025-05-01"]).code(1);
    assert!(stdout(&assert).contains("reviews/r.yaml:2: QR [high] Quarterly access review: overdue: due 2025-04-15, 16 days late"), "{}", stdout(&assert));

    write(
        repo.path(),
        "evidence/access-review.md",
        "Q2 minutes, done late",
    );
    commit_all(repo.path(), "2025-05-10");
    let doc = json(
        &repo
            .run(&["status", "--format", "json", "--as-of", "2025-05-20"])
            .code(0),
    );
    let review = item(&doc, "QR");
    assert_eq!(review["last_done"], "2025-05-10");
    assert_eq!(
        review["due"], "2025-08-10",
        "the next one counts from when it was done"
    );
    assert_eq!(review["state"], "scheduled");

    let written = REVIEWS.replace(
        "    evidence: [evidence/access-review.md]\n",
        "    last_done: 2025-06-01\n    evidence: [evidence/access-review.md]\n",
    );
    write(repo.path(), "reviews/r.yaml", &written);
    let doc = json(
        &repo
            .run(&["status", "--format", "json", "--as-of", "2025-06-02"])
            .code(0),
    );
    assert_eq!(
        item(&doc, "QR")["last_done"],
        "2025-06-01",
        "a later written date wins"
    );
}

#[test]
fn recurring_controls_and_cadence_spellings() {
    let repo = Fixture::new()
        .file("controls/fw.yaml", "framework: fw\ncontrols:\n  - id: C1\n    title: Backup test\n    status: implemented\n    severity: high\n    cadence: { every: 30 }\n")
        .file("reviews/r.yaml", "reviews:\n  - id: R1\n    title: Monthly\n    framework: fw\n    cadence: every 10 days\n    last_done: 2025-01-01\n  - id: R2\n    title: Bad\n    framework: fw\n    cadence: fortnightly\n");
    let assert = repo.run(&["validate"]).code(2);
    assert!(
        stderr(&assert).contains("reviews/r.yaml:10:14: error[bad-value]: not a valid `cadence`"),
        "{}",
        stderr(&assert)
    );
    let repo = repo.file("reviews/r.yaml", "reviews:\n  - id: R1\n    title: Monthly\n    framework: fw\n    cadence: every 10 days\n    last_done: 2025-01-01\n");
    let doc = json(
        &repo
            .run(&["status", "--format", "json", "--as-of", "2025-01-05"])
            .code(0),
    );
    assert_eq!(item(&doc, "R1")["due"], "2025-01-11");
    assert_eq!(
        item(&doc, "fw:C1")["state"],
        "unscheduled",
        "never done: no date yet"
    );
    assert_eq!(item(&doc, "fw:C1")["cadence"], "every 30 days");
}

fn accepted(expires: &str) -> String {
    format!(
        "exceptions:\n  - target: LATE\n    reason: Waiting on a vendor\n    approved_by: CISO\n    approved_on: 2025-01-01\n    expires: {expires}\n"
    )
}

fn late() -> Fixture {
    Fixture::with_framework()
        .items("  - id: LATE\n    title: Late\n    risk: high\n    due: 2025-02-01\n")
}

#[test]
fn risk_acceptances_active_expiring_and_expired() {
    let repo = late().file("exceptions/x.yaml", &accepted("2025-12-31"));
    let assert = repo.run(&["check", "--as-of", "2025-06-01"]).code(0);
    let out = stdout(&assert);
    assert!(out.contains("accepted: LATE [high] Late: overdue: due 2025-02-01, 120 days late (risk accepted by CISO until 2025-12-31)"), "{out}");
    assert!(!out.contains("warning"), "{out}");

    let assert = repo.run(&["check", "--as-of", "2025-12-25"]).code(0);
    assert!(
        stderr(&assert).contains(
            "warning: exceptions/x.yaml:2: risk acceptance of LATE expires on 2025-12-31"
        ),
        "{}",
        stderr(&assert)
    );
    assert!(!stdout(&assert).contains("warning"), "{}", stdout(&assert));

    let assert = repo
        .run(&["check", "--as-of", "2026-01-05", "--format", "json"])
        .code(1);
    let doc = json(&assert);
    let reasons: Vec<&str> = doc["offenders"].as_array().map_or(vec![], |o| {
        o.iter().filter_map(|x| x["reason"].as_str()).collect()
    });
    assert_eq!(reasons, ["overdue", "acceptance-expired"], "{doc}");
}

#[test]
fn acceptances_need_an_approver_a_known_target_and_at_most_a_year() {
    let repo = late().file(
        "exceptions/x.yaml",
        "exceptions:\n  - target: LATE\n    reason: r\n    approved_on: 2025-01-01\n    expires: 2025-02-01\n  - target: LATE\n    reason: r\n    approved_by: CISO\n    approved_on: 2025-01-01\n    expires: 2026-06-01\n  - target: NOPE\n    reason: r\n    approved_by: CISO\n    approved_on: 2025-01-01\n    expires: 2025-02-01\n",
    );
    let err = stderr(&repo.run(&["validate"]).code(2));
    for expected in [
        "exceptions/x.yaml:2:5: error[missing-field]: missing field `approved_by`",
        "exceptions/x.yaml:6:5: error[bad-date]: risk acceptance of `LATE` runs 516 days, over the limit of 365 days",
        "exceptions/x.yaml:11:5: error[unknown-reference]: risk acceptance names `NOPE`",
    ] {
        assert!(err.contains(expected), "missing `{expected}` in:\n{err}");
    }
    let repo = repo
        .file("comply.yaml", "max_exception_days: 600\n")
        .file("exceptions/x.yaml", &accepted("2026-06-01"));
    repo.run(&["validate"]).code(0);
}

#[test]
fn the_ratchet_fails_only_on_what_got_worse() {
    let repo = Fixture::new()
        .file("controls/fw.yaml", "framework: fw\ncontrols:\n  - id: C1\n    title: One\n    status: partial\n  - id: C2\n    title: Two\n    status: implemented\n")
        .items("  - id: OLD\n    title: Old debt\n    risk: high\n    due: 2025-01-01\n    evidence: [evidence/a.md]\n")
        .file("evidence/a.md", "a");
    git(repo.path(), &["init", "-q", "-b", "main"], None);
    commit_all(repo.path(), "2025-03-01");
    let unchanged = repo
        .run(&["check", "--baseline", "main", "--as-of", "2025-06-01"])
        .code(0);
    assert!(
        stdout(&unchanged).ends_with("ratchet passed: 0 worse, 0 improved since main\n"),
        "{}",
        stdout(&unchanged)
    );

    // Worse: a new overdue item, evidence gone, a control down.
    write(
        repo.path(),
        "backlog/more.yaml",
        "framework: fw\nitems:\n  - id: NEW\n    title: New debt\n    risk: critical\n    due: 2025-05-01\n",
    );
    std::fs::remove_file(repo.path().join("evidence/a.md")).expect("rm");
    write(
        repo.path(),
        "controls/fw.yaml",
        "framework: fw\ncontrols:\n  - id: C1\n    title: One\n    status: partial\n  - id: C2\n    title: Two\n    status: planned\n",
    );
    let worse = repo
        .run(&["check", "--baseline", "main", "--as-of", "2025-06-01"])
        .code(1);
    let out = stdout(&worse);
    for line in [
        "worse: control fw:C2: status implemented -> planned",
        "worse: evidence evidence/a.md: evidence of OLD is now missing",
        "worse: offender NEW: new offender (item): overdue: due 2025-05-01, 31 days late",
        "ratchet failed: 3 worse, 0 improved since main",
    ] {
        assert!(out.contains(line), "missing `{line}` in:\n{out}");
    }

    // Better: the old debt closed, a control up.
    write(
        repo.path(),
        "backlog/more.yaml",
        "framework: fw\nitems: []\n",
    );
    write(repo.path(), "evidence/a.md", "a");
    write(
        repo.path(),
        "backlog/items.yaml",
        "framework: fw\nitems:\n  - id: OLD\n    title: Old debt\n    risk: high\n    due: 2025-01-01\n    status: done\n    done: 2025-05-30\n    evidence: [evidence/a.md]\n",
    );
    write(
        repo.path(),
        "controls/fw.yaml",
        "framework: fw\ncontrols:\n  - id: C1\n    title: One\n    status: implemented\n  - id: C2\n    title: Two\n    status: implemented\n",
    );
    let better = repo
        .run(&[
            "check",
            "--baseline",
            "main",
            "--as-of",
            "2025-06-01",
            "--format",
            "json",
        ])
        .code(0);
    let doc = json(&better);
    assert_eq!(doc["passed"], true);
    assert_eq!(doc["worse"].as_array().map(Vec::len), Some(0));
    let improved: Vec<&str> = doc["improved"].as_array().map_or(vec![], |a| {
        a.iter().filter_map(|c| c["id"].as_str()).collect()
    });
    assert_eq!(improved, ["fw:C1", "OLD"], "{doc}");
}

#[test]
fn a_review_diff_lists_each_kind_of_change() {
    let repo = Fixture::new()
        .file("controls/fw.yaml", "framework: fw\ncontrols:\n  - id: C1\n    title: One\n    status: planned\n    evidence: [evidence/policy.md, evidence/old.md]\n")
        .items("  - id: A\n    title: Redate me\n    risk: low\n    owner: Ann\n    due: 2025-03-01\n  - id: B\n    title: Close me\n    risk: low\n  - id: C\n    title: Rescore me\n    risk: low\n")
        .file("evidence/policy.md", "v1")
        .file("evidence/old.md", "old");
    git(repo.path(), &["init", "-q", "-b", "main"], None);
    commit_all(repo.path(), "2025-01-01");
    git(repo.path(), &["tag", "q1"], None);
    let repo = repo.file("controls/fw.yaml", "framework: fw\ncontrols:\n  - id: C1\n    title: One\n    status: implemented\n    evidence: [evidence/policy.md, evidence/new.md]\n")
        .items("  - id: A\n    title: Redate me\n    risk: low\n    owner: Bob\n    due: 2025-04-01\n  - id: B\n    title: Close me\n    risk: low\n    status: done\n    done: 2025-02-01\n  - id: C\n    title: Rescore me\n    risk: high\n  - id: D\n    title: Brand new\n    risk: low\n")
        .file("evidence/policy.md", "v2")
        .file("evidence/new.md", "new");
    std::fs::remove_file(repo.path().join("evidence/old.md")).expect("rm");
    let repo_path = repo.path().to_path_buf();
    commit_all(&repo_path, "2025-04-01");
    let doc = json(
        &common::comply(&repo_path)
            .args(["diff", "q1", "HEAD", "--format", "json"])
            .assert()
            .code(0),
    );
    let ids = |key: &str| -> Vec<String> {
        doc[key].as_array().map_or(vec![], |a| {
            a.iter()
                .filter_map(|x| x["id"].as_str().map(String::from))
                .collect()
        })
    };
    assert_eq!(ids("opened"), ["D"]);
    assert_eq!(ids("closed"), ["B"]);
    assert_eq!(ids("redated"), ["A"]);
    assert_eq!(doc["redated"][0]["from"], "2025-03-01");
    assert_eq!(doc["redated"][0]["to"], "2025-04-01");
    assert_eq!(ids("reowned"), ["A"]);
    assert_eq!(ids("rescored"), ["C"]);
    assert_eq!(ids("controls"), ["fw:C1"]);
    assert_eq!(ids("evidence_added"), ["evidence/new.md"]);
    assert_eq!(ids("evidence_removed"), ["evidence/old.md"]);
    assert_eq!(ids("evidence_changed"), ["evidence/policy.md"]);
    let pack = stdout(
        &common::comply(&repo_path)
            .args(["diff", "q1", "--format", "markdown"])
            .assert()
            .code(0),
    );
    assert!(
        pack.starts_with("# Compliance review: changes from q1 to working tree"),
        "{pack}"
    );
    assert!(
        pack.contains("## Re-dated\n\n- A Redate me: 2025-03-01 to 2025-04-01\n"),
        "{pack}"
    );
}

#[test]
fn declared_owners_warn_and_select_teams() {
    let repo = Fixture::with_framework()
        .file("comply.yaml", "owners:\n  - { name: Security, team: Risk }\n  - { name: Platform, team: Risk }\n  - { name: Legal }\n")
        .items("  - id: A\n    title: a\n    risk: low\n    owner: Securty\n    due: 2025-02-01\n  - id: B\n    title: b\n    risk: low\n    owner: Platform & Legal\n    due: 2025-02-01\n");
    let assert = repo.run(&["validate"]).code(0);
    assert!(stderr(&assert).contains("backlog/items.yaml:3:5: warning[unknown-reference]: owner `Securty` is not declared in `owners` in comply.yaml (did you mean `Security`?)"), "{}", stderr(&assert));
    let doc = json(
        &repo
            .run(&[
                "due",
                "--owner",
                "risk",
                "--format",
                "json",
                "--as-of",
                "2025-03-01",
            ])
            .code(0),
    );
    let ids: Vec<&str> = doc["overdue"].as_array().map_or(vec![], |a| {
        a.iter().filter_map(|i| i["id"].as_str()).collect()
    });
    assert_eq!(ids, ["B"], "team Risk = Security and Platform");
}
