//! `comply audit` and `comply pack` on throwaway git repositories with fixed
//! commit dates.

mod common;

use std::fs;
use std::path::Path;

use common::{Fixture, commit_all, git, json, stdout};

const CONTROLS: &str = "framework: soc2\nname: SOC 2\ncontrols:\n  - id: CC6.1\n    title: Logical access\n    status: implemented\n    evidence:\n      - policies/access.md\n";

/// A repository with a quarterly review whose evidence is one file per
/// quarter, written by `pattern`.
fn quarterly(evidence: &str) -> Fixture {
    let f = Fixture::new()
        .file("comply.yaml", "name: Audit test\naudit_grace_days: 14\n")
        .file("controls/soc2.yaml", CONTROLS)
        .file("policies/access.md", "# Access policy\n")
        .file(
            "reviews/reviews.yaml",
            &format!(
                "reviews:\n  - id: access-review\n    title: Quarterly access review\n    framework: soc2\n    cadence: quarterly\n    risk: high\n    evidence:\n{evidence}"
            ),
        );
    git(f.path(), &["init", "-q", "-b", "main"], None);
    commit_all(f.path(), "2025-12-20");
    f
}

fn add(f: &Fixture, path: &str, date: &str) {
    let full = f.path().join(path);
    fs::create_dir_all(full.parent().expect("parent")).expect("dirs");
    fs::write(full, format!("review of {path}\n")).expect("write");
    commit_all(f.path(), date);
}

fn states(doc: &serde_json::Value, id: &str) -> Vec<String> {
    let activity = doc["activities"]
        .as_array()
        .expect("activities")
        .iter()
        .find(|a| a["id"] == id)
        .expect("the activity");
    activity["cells"]
        .as_array()
        .expect("cells")
        .iter()
        .map(|c| {
            format!(
                "{} {}",
                c["period"].as_str().unwrap_or(""),
                c["state"].as_str().unwrap_or("")
            )
        })
        .collect()
}

fn audit_json(f: &Fixture, period: &str, today: &str) -> serde_json::Value {
    let done = f
        .run(&[
            "audit", "--period", period, "--format", "json", "--as-of", today,
        ])
        .success();
    json(&done)
}

const PATTERN: &str = "      - pattern: evidence/access/{period}.md\n";

#[test]
fn every_quarter_covered_one_missing_one_late() {
    let f = quarterly(PATTERN);
    add(&f, "evidence/access/2026-Q1.md", "2026-04-05");
    // Q2's review is committed long after the quarter and its grace ended.
    add(&f, "evidence/access/2026-Q2.md", "2026-08-20");
    // Q3 has none; Q4 is done within its quarter.
    add(&f, "evidence/access/2026-Q4.md", "2026-12-10");
    let doc = audit_json(&f, "2026-01-01..2026-12-31", "2027-02-01");
    assert_eq!(
        states(&doc, "access-review"),
        [
            "2026-Q1 covered",
            "2026-Q2 late",
            "2026-Q3 missing",
            "2026-Q4 covered"
        ]
    );
    let q2 = &doc["activities"][0]["cells"][1];
    assert_eq!(q2["file"], "evidence/access/2026-Q2.md");
    assert_eq!(q2["commit"]["date"], "2026-08-20");
    // The table shows the same, with the late and missing periods listed.
    let table = stdout(
        &f.run(&["audit", "--period", "2026", "--as-of", "2027-02-01"])
            .success(),
    );
    assert!(table.contains("2026-Q1 2026-Q2 2026-Q3 2026-Q4"), "{table}");
    assert!(table.contains("ok      late    MISS    ok"), "{table}");
    assert!(
        table.contains(
            "access-review 2026-Q2 (high risk): evidence/access/2026-Q2.md committed 2026-08-20"
        ),
        "{table}"
    );
    assert!(
        table.contains("access-review 2026-Q3 (high risk)"),
        "{table}"
    );
}

#[test]
fn every_quarter_covered_on_time() {
    let f = quarterly(PATTERN);
    for (quarter, day) in [
        ("Q1", "2026-03-28"),
        ("Q2", "2026-07-14"),
        ("Q3", "2026-09-01"),
        ("Q4", "2026-12-30"),
    ] {
        add(&f, &format!("evidence/access/2026-{quarter}.md"), day);
    }
    let doc = audit_json(&f, "2026", "2027-06-01");
    assert_eq!(
        states(&doc, "access-review"),
        [
            "2026-Q1 covered",
            "2026-Q2 covered",
            "2026-Q3 covered",
            "2026-Q4 covered"
        ]
    );
    f.run(&[
        "check",
        "--audit",
        "--period",
        "2026",
        "--as-of",
        "2027-01-10",
    ])
    .success();
}

#[test]
fn a_control_cadence_and_windows_of_days_have_periods_too() {
    // A control with a cadence of 30 days, its evidence a directory whose
    // files date themselves by their commits.
    let f = Fixture::new()
        .file(
            "controls/soc2.yaml",
            "framework: soc2\nname: SOC 2\ncontrols:\n  - id: CC7.2\n    title: Monitoring\n    status: implemented\n    severity: high\n    cadence: every 30 days\n    evidence:\n      - evidence/monitoring/\n",
        )
        .file("evidence/monitoring/first.md", "first\n");
    git(f.path(), &["init", "-q", "-b", "main"], None);
    commit_all(f.path(), "2026-01-10");
    add(&f, "evidence/monitoring/third.md", "2026-03-05");
    // Windows of 30 days counted from Monday 1970-01-05: December 12 to
    // January 10, January 11 to February 9, February 10 to March 11,
    // March 12 to April 10.
    let doc = audit_json(&f, "2026-01-01..2026-03-31", "2026-06-01");
    assert_eq!(
        states(&doc, "soc2:CC7.2"),
        [
            "2025-12-12 covered",
            "2026-01-11 missing",
            "2026-02-10 covered",
            "2026-03-12 missing",
        ]
    );
}

#[test]
fn hostile_covers_patterns_and_periods_are_reported_not_trusted() {
    for (evidence, said) in [
        ("      - path: a.md\n        covers: [2026-01]\n", "period"),
        (
            "      - path: a.md\n        covers: {from: 2026-05-01, to: 2026-01-01}\n",
            "ends",
        ),
        (
            "      - path: a.md\n        covers: {from: 2026-01-01}\n",
            "to",
        ),
        (
            "      - path: a.md\n        pattern: b/{period}.md\n",
            "one of them",
        ),
        (
            "      - pattern: r/{period}.md\n        covers: 2026\n",
            "covers",
        ),
        ("      - note: nothing\n", "one of them"),
    ] {
        let f = quarterly(evidence);
        let err = common::stderr(&f.run(&["validate"]).code(2));
        assert!(err.contains("reviews/reviews.yaml:"), "{err}");
        assert!(err.contains(said), "{said}: {err}");
    }
    let f = quarterly(PATTERN);
    fs::write(
        f.path().join("comply.yaml"),
        "audit_period: {from: 2000-01-01, to: 2026-12-31}\n",
    )
    .expect("write");
    let err = common::stderr(&f.run(&["validate"]).code(2));
    assert!(
        err.contains("comply.yaml:1") && err.contains("at most 3660"),
        "{err}"
    );
    // A pattern that escapes the root expands to paths outside it: missing,
    // never read.
    let g = quarterly("      - pattern: ../{period}.md\n");
    let doc = audit_json(&g, "2026-Q1", "2026-12-01");
    assert_eq!(states(&doc, "access-review"), ["2026-Q1 missing"]);
    // A unicode file name is a file name.
    let h = quarterly("      - pattern: evidence/ré\u{AD}vision/{period}.md\n");
    add(&h, "evidence/ré\u{AD}vision/2026-Q1.md", "2026-02-01");
    let doc = audit_json(&h, "2026-Q1", "2026-12-01");
    assert_eq!(states(&doc, "access-review"), ["2026-Q1 covered"]);
}

#[test]
fn a_quarter_not_over_is_open_and_grace_days_count() {
    let f = quarterly(PATTERN);
    // Ten days after the end of Q1: within 14 grace days.
    add(&f, "evidence/access/2026-Q1.md", "2026-04-10");
    let doc = audit_json(&f, "2026-Q1..2026-Q2", "2026-05-01");
    assert_eq!(
        states(&doc, "access-review"),
        ["2026-Q1 covered", "2026-Q2 open"]
    );
    fs::write(f.path().join("comply.yaml"), "audit_grace_days: 5\n").expect("write");
    let doc = audit_json(&f, "2026-Q1..2026-Q2", "2026-07-20");
    assert_eq!(
        states(&doc, "access-review"),
        ["2026-Q1 late", "2026-Q2 missing"]
    );
}

#[test]
fn covers_overrides_the_commit_date() {
    // One file committed in April says it is January's review.
    let f = quarterly("      - path: evidence/jan.md\n        covers: 2026-01\n");
    add(&f, "evidence/jan.md", "2026-04-02");
    let doc = audit_json(&f, "2026-01..2026-06", "2026-12-01");
    assert_eq!(
        states(&doc, "access-review"),
        ["2026-Q1 covered", "2026-Q2 missing"]
    );
    // Without covers the same file dates itself: it covers Q2, not Q1.
    let g = quarterly("      - evidence/jan.md\n");
    add(&g, "evidence/jan.md", "2026-04-02");
    let doc = audit_json(&g, "2026-01..2026-06", "2026-12-01");
    assert_eq!(
        states(&doc, "access-review"),
        ["2026-Q1 missing", "2026-Q2 covered"]
    );
    // A covers range spans several periods.
    let h = quarterly(
        "      - path: evidence/h1.md\n        covers: {from: 2026-01-01, to: 2026-06-30}\n",
    );
    add(&h, "evidence/h1.md", "2026-07-01");
    let doc = audit_json(&h, "2026", "2027-03-01");
    assert_eq!(
        states(&doc, "access-review"),
        [
            "2026-Q1 late",
            "2026-Q2 covered",
            "2026-Q3 missing",
            "2026-Q4 missing"
        ]
    );
}

#[test]
fn the_commit_that_first_added_a_file_dates_it() {
    let f = quarterly(PATTERN);
    add(&f, "evidence/access/2026-Q1.md", "2026-03-30");
    // Editing it later does not make it late.
    fs::write(f.path().join("evidence/access/2026-Q1.md"), "amended\n").expect("write");
    commit_all(f.path(), "2026-09-01");
    let doc = audit_json(&f, "2026-Q1", "2026-12-01");
    assert_eq!(states(&doc, "access-review"), ["2026-Q1 covered"]);
    assert_eq!(
        doc["activities"][0]["cells"][0]["commit"]["date"],
        "2026-03-30"
    );
}

#[test]
fn bad_periods_and_settings_are_refused() {
    let f = quarterly(PATTERN);
    for bad in ["2026-Q5", "2026-06..2026-01", "2000..2026"] {
        let out = f.run(&["audit", "--period", bad]).code(2);
        assert!(!common::stderr(&out).is_empty());
    }
    let out = f.run(&["audit"]).code(2);
    assert!(
        common::stderr(&out).contains("no audit period"),
        "{}",
        common::stderr(&out)
    );
    let g = quarterly("      - pattern: evidence/no-placeholder.md\n");
    let out = g.run(&["validate"]).code(2);
    assert!(
        common::stderr(&out).contains("{period}"),
        "{}",
        common::stderr(&out)
    );
    let h = quarterly("      - path: a.md\n        covers: 2026-Q7\n");
    h.run(&["validate"]).code(2);
}

fn pack(f: &Fixture, out: &Path, extra: &[&str]) {
    let mut args = vec![
        "pack",
        "--period",
        "2026",
        "--as-of",
        "2027-02-01",
        "--output",
    ];
    let out = out.to_str().expect("utf-8");
    args.push(out);
    args.extend_from_slice(extra);
    f.run(&args).success();
}

fn packed(f: &Fixture) -> Fixture {
    add(f, "evidence/access/2026-Q1.md", "2026-04-05");
    add(f, "evidence/access/2026-Q2.md", "2026-06-20");
    Fixture::new()
}

#[test]
fn a_pack_built_twice_is_byte_identical() {
    let f = quarterly(PATTERN);
    let out = packed(&f);
    let (one, two) = (out.path().join("one.zip"), out.path().join("two.zip"));
    pack(&f, &one, &[]);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    pack(&f, &two, &[]);
    let (a, b) = (fs::read(&one).expect("one"), fs::read(&two).expect("two"));
    assert_eq!(a, b);
    // The directory form holds the same entries.
    let dir = out.path().join("pack");
    pack(&f, &dir, &[]);
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.join("manifest.json")).expect("manifest"))
            .expect("json");
    let paths: Vec<&str> = manifest["files"]
        .as_array()
        .expect("files")
        .iter()
        .filter_map(|r| r["source"].as_str())
        .collect();
    assert_eq!(
        paths,
        [
            "evidence/access/2026-Q1.md",
            "evidence/access/2026-Q2.md",
            "policies/access.md"
        ]
    );
    let q1 = &manifest["files"][0];
    assert_eq!(q1["covers"][0], "access-review 2026-Q1");
    assert_eq!(q1["commit_date"], "2026-04-05");
    assert_eq!(q1["author"], "Auditor");
    let sums = fs::read_to_string(dir.join("SHA256SUMS")).expect("sums");
    assert_eq!(sums.lines().count(), 3);
    assert!(sums.contains("  files/policies/access.md"), "{sums}");
    let index = fs::read_to_string(dir.join("index.md")).expect("index");
    assert!(index.contains("| 2026-Q3 | missing |"), "{index}");
    assert!(
        fs::read_to_string(dir.join("index.html"))
            .expect("html")
            .contains("<svg")
    );
    // --framework narrows the pack to that framework's controls and reviews.
    let other = out.path().join("other");
    let none = f
        .run(&[
            "pack",
            "--period",
            "2026",
            "--framework",
            "iso27001",
            "--output",
            other.to_str().unwrap_or(""),
        ])
        .code(2);
    assert!(common::stderr(&none).contains("names no framework"));
    // A pack is not written to standard output.
    f.run(&["pack", "--period", "2026", "--output", "-"])
        .code(2);
    // An existing output is refused, nothing replaced.
    let again = f
        .run(&[
            "pack",
            "--period",
            "2026",
            "--output",
            one.to_str().unwrap_or(""),
        ])
        .code(2);
    assert!(common::stderr(&again).contains("already exists"));
    assert_eq!(fs::read(&one).expect("one"), a);
}

#[test]
fn a_pack_at_an_old_revision_holds_the_old_files() {
    let f = quarterly(PATTERN);
    add(&f, "evidence/access/2026-Q1.md", "2026-04-05");
    let old = git(f.path(), &["rev-parse", "HEAD"], None);
    fs::write(
        f.path().join("evidence/access/2026-Q1.md"),
        "rewritten later\n",
    )
    .expect("write");
    fs::write(f.path().join("policies/access.md"), "# Policy v2\n").expect("write");
    commit_all(f.path(), "2026-09-01");
    let out = Fixture::new();
    let dir = out.path().join("old");
    pack(&f, &dir, &["--at", old.trim()]);
    let q1 = fs::read_to_string(dir.join("files/evidence/access/2026-Q1.md")).expect("q1");
    assert_eq!(q1, "review of evidence/access/2026-Q1.md\n");
    assert_eq!(
        fs::read_to_string(dir.join("files/policies/access.md")).expect("policy"),
        "# Access policy\n"
    );
}

#[cfg(unix)]
#[test]
fn a_pack_never_follows_a_symlink_out_of_the_root_nor_takes_ignored_files() {
    let outside = Fixture::new().file("secret.md", "outside the root\n");
    let f = quarterly("      - evidence/reviews/\n");
    fs::create_dir_all(f.path().join("evidence/reviews")).expect("dir");
    std::os::unix::fs::symlink(
        outside.path().join("secret.md"),
        f.path().join("evidence/reviews/secret.md"),
    )
    .expect("symlink");
    fs::write(f.path().join("evidence/reviews/ok.md"), "inside\n").expect("write");
    fs::write(f.path().join("evidence/reviews/local.md"), "ignored\n").expect("write");
    fs::create_dir_all(f.path().join("evidence/reviews/scratch")).expect("dir");
    fs::write(
        f.path().join("evidence/reviews/scratch/draft.md"),
        "draft\n",
    )
    .expect("write");
    fs::write(
        f.path().join(".gitignore"),
        "evidence/reviews/local.md\nscratch/\n",
    )
    .expect("write");
    commit_all(f.path(), "2026-02-01");
    let out = Fixture::new();
    let dir = out.path().join("pack");
    pack(&f, &dir, &[]);
    let mut found: Vec<String> = walk(&dir.join("files"));
    found.sort();
    assert_eq!(found, ["evidence/reviews/ok.md", "policies/access.md"]);
}

fn walk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).expect("dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            out.extend(walk(&path).into_iter().map(|p| {
                format!(
                    "{}/{p}",
                    path.file_name().unwrap_or_default().to_string_lossy()
                )
            }));
        } else {
            out.push(
                path.file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned(),
            );
        }
    }
    out
}

#[test]
fn check_audit_fails_on_missing_periods_at_or_above_the_threshold() {
    let f = quarterly(PATTERN);
    add(&f, "evidence/access/2026-Q1.md", "2026-04-05");
    let args = |format: &'static str| {
        vec![
            "check",
            "--audit",
            "--period",
            "2026-Q1..2026-Q2",
            "--as-of",
            "2026-08-01",
            "--format",
            format,
        ]
    };
    // Without --audit the gate passes: the review is dated by its evidence.
    f.run(&["check", "--as-of", "2026-05-01"]).success();
    let table = stdout(&f.run(&args("table")).code(1));
    assert!(
        table.contains("access-review [high] Quarterly access review: no evidence for 1 period of the audit period: 2026-Q2"),
        "{table}"
    );
    let doc = json(&f.run(&args("json")).code(1));
    let offender = doc["offenders"]
        .as_array()
        .expect("offenders")
        .iter()
        .find(|o| o["reason"] == "periods-missing")
        .expect("a periods-missing offender");
    assert_eq!(offender["id"], "access-review");
    assert_eq!(offender["periods"], serde_json::json!(["2026-Q2"]));
    // One subject, one test case: the audit adds to the review's case.
    assert_eq!(doc["checked"].as_array().map(Vec::len), Some(1), "{doc}");
    let github = stdout(&f.run(&args("github")).code(1));
    assert!(
        github.contains("::error file=reviews/reviews.yaml,line=2"),
        "{github}"
    );
    assert!(github.contains("2026-Q2"), "{github}");
    let junit = stdout(&f.run(&args("junit")).code(1));
    assert!(junit.contains("type=\"periods-missing\""), "{junit}");
    // Below the threshold, or covered by a risk acceptance, it passes.
    f.run(&[
        "check",
        "--audit",
        "--period",
        "2026-Q1..2026-Q2",
        "--as-of",
        "2026-08-01",
        "--fail-on",
        "critical",
    ])
    .success();
    fs::create_dir_all(f.path().join("exceptions")).expect("dir");
    fs::write(
        f.path().join("exceptions/accepted.yaml"),
        "exceptions:\n  - target: access-review\n    reason: Q2 review moved to Q3 with the auditor's agreement\n    approved_by: CISO\n    approved_on: 2026-07-01\n    expires: 2026-12-31\n",
    )
    .expect("write");
    let passed = stdout(&f.run(&args("table")).success());
    assert!(passed.contains("accepted"), "{passed}");
    // --period needs --audit; an audit without a period is refused.
    f.run(&["check", "--period", "2026"]).code(2);
    f.run(&["check", "--audit"]).code(2);
}

#[test]
fn the_report_shows_the_audit_grid_when_an_audit_period_is_set() {
    let f = quarterly(PATTERN);
    add(&f, "evidence/access/2026-Q1.md", "2026-04-05");
    let plain = stdout(&f.run(&["report", "--as-of", "2026-08-01"]).success());
    assert!(!plain.contains("Audit period"), "{plain}");
    fs::write(
        f.path().join("comply.yaml"),
        "audit_period: {from: 2026-01-01, to: 2026-06-30}\n",
    )
    .expect("write");
    let md = stdout(&f.run(&["report", "--as-of", "2026-08-01"]).success());
    assert!(md.contains("| access-review | quarterly | "), "{md}");
    assert!(md.contains("| 1 | - | 2026-Q2 |"), "{md}");
    let html = stdout(
        &f.run(&["report", "--format", "html", "--as-of", "2026-08-01"])
            .success(),
    );
    assert!(html.contains("<title id=\"audit-title\">"), "{html}");
    // Periods are named above their columns, not only on hover.
    assert!(
        html.contains("text-anchor=\"middle\">2026-Q2</text>"),
        "{html}"
    );
    // A daily activity is cut into runs: no drawing is wider than twelve
    // periods, and every period is named once.
    fs::write(
        f.path().join("reviews/daily.yaml"),
        "reviews:\n  - id: daily\n    title: Daily check\n    framework: soc2\n    cadence: every 1 day\n    evidence:\n      - pattern: evidence/daily/{period}.md\n",
    )
    .expect("write");
    let html = stdout(
        &f.run(&["report", "--format", "html", "--as-of", "2026-08-01"])
            .success(),
    );
    let widths: Vec<usize> = html
        .split("viewBox=\"0 0 ")
        .skip(1)
        .filter_map(|rest| rest.split(' ').next()?.parse().ok())
        .collect();
    assert!(widths.len() >= 2, "{widths:?}");
    assert!(widths.iter().all(|w| *w <= 1100), "{widths:?}");
    for day in ["2026-01-01", "2026-03-15", "2026-06-30"] {
        assert_eq!(html.matches(&format!(">{day}</text>")).count(), 1, "{day}");
    }
}

#[test]
fn a_pack_over_its_size_limit_is_refused_before_reading() {
    let f = quarterly("      - evidence/reviews/\n");
    fs::create_dir_all(f.path().join("evidence/reviews")).expect("dir");
    // Sparse: 2 GiB by its size, nothing on disk, never read.
    let big = fs::File::create(f.path().join("evidence/reviews/huge.bin")).expect("create");
    big.set_len(2 * 1024 * 1024 * 1024).expect("set_len");
    let out = Fixture::new();
    let target = out.path().join("pack.zip");
    let err = common::stderr(
        &f.run(&[
            "pack",
            "--period",
            "2026",
            "--output",
            target.to_str().unwrap_or(""),
        ])
        .code(2),
    );
    assert!(err.contains("more than 1073741824 bytes"), "{err}");
    assert!(!target.exists());
}

#[test]
fn the_grid_fits_the_terminal_width() {
    let f = quarterly(PATTERN);
    add(&f, "evidence/access/2024-Q3.md", "2024-08-01");
    let wide = stdout(
        &f.run(&["audit", "--period", "2020..2026", "--as-of", "2027-02-01"])
            .success(),
    );
    assert_eq!(
        wide.lines().filter(|l| l.contains("access-review")).count(),
        1 + 27
    );
    let narrow = common::comply(f.path())
        .env("COLUMNS", "60")
        .args(["audit", "--period", "2020..2026", "--as-of", "2027-02-01"])
        .assert()
        .success();
    let text = stdout(&narrow);
    let grid: Vec<&str> = text
        .lines()
        .take_while(|l| !l.starts_with("Missing"))
        .collect();
    for line in &grid {
        assert!(line.chars().count() <= 60, "{line:?} is wider than 60");
    }
    // Every period is still there, once.
    let marks: usize = grid
        .iter()
        .filter(|l| l.trim_start().starts_with("access-review"))
        .map(|l| l.split_whitespace().count() - 3)
        .sum();
    assert_eq!(marks, 28);
    assert!(!text.contains("access-review 2024-Q3"), "{text}");
}

/// The pack's `manifest.json`.
fn manifest(dir: &Path) -> serde_json::Value {
    let text = fs::read_to_string(dir.join("manifest.json")).expect("manifest");
    assert!(text.ends_with("}\n"), "manifest.json ends its last line");
    serde_json::from_str(&text).expect("json")
}

#[test]
fn nothing_of_git_own_directory_is_evidence_or_packed() {
    // Globs from the root, a directory, the path itself in another case,
    // and a symlink into `.git`: none reaches git's files (config holds CI
    // tokens).
    let f = quarterly(
        "      - \"**/config\"\n      - .git/\n      - .GIT/HEAD\n      - evidence/gitlink/\n",
    );
    git(
        f.path(),
        &[
            "config",
            "http.extraheader",
            "AUTHORIZATION: basic c2VjcmV0",
        ],
        None,
    );
    fs::create_dir_all(f.path().join("evidence/sub/.git")).expect("dir");
    fs::write(f.path().join("evidence/sub/.git/config"), "nested\n").expect("write");
    fs::write(f.path().join("evidence/sub/config"), "a real file\n").expect("write");
    #[cfg(unix)]
    std::os::unix::fs::symlink("../.git", f.path().join("evidence/gitlink")).expect("symlink");
    commit_all(f.path(), "2026-02-01");
    let validated = common::stderr(&f.run(&["validate"]));
    assert!(validated.contains("`.git/` is outside"), "{validated}");
    assert!(validated.contains("`.GIT/HEAD` is outside"), "{validated}");
    let out = Fixture::new();
    let dir = out.path().join("pack");
    pack(&f, &dir, &[]);
    let mut found = walk(&dir.join("files"));
    found.sort();
    assert_eq!(found, ["evidence/sub/config", "policies/access.md"]);
    let at = out.path().join("at");
    pack(&f, &at, &["--at", "HEAD"]);
    let mut found = walk(&at.join("files"));
    found.sort();
    assert_eq!(found, ["evidence/sub/config", "policies/access.md"]);
}

#[test]
fn odd_file_names_are_packed_alike_from_the_tree_and_at_a_commit() {
    let f = quarterly("      - evidence/odd/\n");
    for name in [
        "back\\slash.md",
        "new\nline.md",
        "report](evil.example) [y.md",
        "ok.md",
    ] {
        fs::create_dir_all(f.path().join("evidence/odd")).expect("dir");
        fs::write(f.path().join("evidence/odd").join(name), "x\n").expect("write");
    }
    commit_all(f.path(), "2026-02-01");
    let out = Fixture::new();
    let (tree, at) = (out.path().join("tree"), out.path().join("at"));
    pack(&f, &tree, &[]);
    pack(&f, &at, &["--at", "HEAD"]);
    let (mut a, mut b) = (walk(&tree.join("files")), walk(&at.join("files")));
    a.sort();
    b.sort();
    assert_eq!(a.len(), 5, "{a:?}");
    assert_eq!(a, b);
    // Nothing is uncommitted: every file names its commit.
    let doc = manifest(&tree);
    for file in doc["files"].as_array().expect("files") {
        assert_eq!(file["uncommitted"], false, "{file}");
        assert!(file["commit"].is_string(), "{file}");
    }
    // SHA256SUMS in the escaped form sha256sum -c reads.
    let sums = fs::read_to_string(tree.join("SHA256SUMS")).expect("sums");
    assert_eq!(sums.lines().count(), 5, "{sums}");
    let line = |name: &str| sums.lines().find(|l| l.ends_with(name)).map(str::to_string);
    assert!(
        line("  files/evidence/odd/new\\nline.md").is_some_and(|l| l.starts_with('\\')),
        "{sums}"
    );
    assert!(
        line("  files/evidence/odd/back\\\\slash.md").is_some_and(|l| l.starts_with('\\')),
        "{sums}"
    );
    assert!(
        line("  files/evidence/odd/ok.md").is_some_and(|l| !l.starts_with('\\')),
        "{sums}"
    );
    let checked = std::process::Command::new("sha256sum")
        .args(["-c", "--quiet", "SHA256SUMS"])
        .current_dir(&tree)
        .status();
    if let Ok(status) = checked {
        assert!(status.success());
    }
    // A name cannot close its link early in index.md.
    let index = fs::read_to_string(tree.join("index.md")).expect("index");
    assert!(
        index.contains("[evidence/odd/report\\](evil.example) \\[y.md](files/"),
        "{index}"
    );
}

#[test]
fn uncommitted_bytes_are_never_labelled_with_a_commit() {
    let f = quarterly(PATTERN);
    add(&f, "evidence/access/2026-Q1.md", "2026-04-05");
    fs::write(f.path().join("evidence/access/2026-Q1.md"), "FORGED\n").expect("write");
    let out = Fixture::new();
    let dir = out.path().join("pack");
    let done = f
        .run(&[
            "pack",
            "--period",
            "2026",
            "--as-of",
            "2027-02-01",
            "--output",
            dir.to_str().expect("utf-8"),
        ])
        .success();
    assert!(common::stderr(&done).contains("1 packed file is not as committed"));
    let doc = manifest(&dir);
    let file = doc["files"]
        .as_array()
        .expect("files")
        .iter()
        .find(|f| f["source"] == "evidence/access/2026-Q1.md")
        .expect("the edited file")
        .clone();
    assert_eq!(file["uncommitted"], true);
    assert!(
        file["commit"].is_null() && file["author"].is_null(),
        "{file}"
    );
    // From the commit, the committed bytes with their commit.
    let at = out.path().join("at");
    pack(&f, &at, &["--at", "HEAD"]);
    let file = manifest(&at)["files"]
        .as_array()
        .expect("files")
        .iter()
        .find(|f| f["source"] == "evidence/access/2026-Q1.md")
        .expect("the file")
        .clone();
    assert_eq!(file["uncommitted"], false);
    assert!(file["commit"].is_string());
}

#[test]
fn an_earlier_pack_in_the_evidence_tree_is_not_packed_again() {
    let f = quarterly("      - evidence/\n");
    fs::create_dir_all(f.path().join("evidence")).expect("dir");
    fs::write(f.path().join("evidence/ok.md"), "ok\n").expect("write");
    commit_all(f.path(), "2026-02-01");
    pack(&f, &f.path().join("evidence/pack1"), &[]);
    pack(&f, &f.path().join("evidence/pack1.zip"), &[]);
    let out = Fixture::new();
    let dir = out.path().join("pack2");
    let done = f
        .run(&[
            "pack",
            "--period",
            "2026",
            "--as-of",
            "2027-02-01",
            "--output",
            dir.to_str().expect("utf-8"),
        ])
        .success();
    assert!(
        common::stderr(&done).contains("of earlier evidence packs"),
        "{}",
        common::stderr(&done)
    );
    let mut found = walk(&dir.join("files"));
    found.sort();
    assert_eq!(found, ["evidence/ok.md", "policies/access.md"]);
    // A symlink as the output is refused, with nothing written.
    #[cfg(unix)]
    {
        let empty = out.path().join("empty");
        fs::create_dir(&empty).expect("dir");
        let link = out.path().join("link");
        std::os::unix::fs::symlink(&empty, &link).expect("symlink");
        let refused = f
            .run(&[
                "pack",
                "--period",
                "2026",
                "--output",
                link.to_str().expect("utf-8"),
            ])
            .code(2);
        assert!(common::stderr(&refused).contains("is a symlink"));
        assert_eq!(fs::read_dir(&empty).expect("dir").count(), 0);
    }
}

#[test]
fn a_period_directory_pattern_is_present_everywhere_the_audit_sees_it() {
    for pattern in ["evidence/dirs/{period}/", "evidence/dirs/{period}"] {
        let f = quarterly(&format!("      - pattern: {pattern}\n"));
        add(&f, "evidence/dirs/2026-Q1/minutes.md", "2026-03-20");
        let doc = audit_json(&f, "2026-Q1", "2026-05-01");
        assert_eq!(
            states(&doc, "access-review"),
            ["2026-Q1 covered"],
            "{pattern}"
        );
        let evidence = json(
            &f.run(&["evidence", "--format", "json", "--as-of", "2026-05-01"])
                .success(),
        );
        let states: Vec<&str> = evidence["evidence"]
            .as_array()
            .expect("evidence")
            .iter()
            .map(|e| e["state"].as_str().unwrap_or(""))
            .collect();
        assert_eq!(states, ["present", "present"], "{pattern}: {evidence}");
        f.run(&["check", "--as-of", "2026-05-01"]).success();
        f.run(&[
            "check",
            "--audit",
            "--period",
            "2026-Q1",
            "--as-of",
            "2026-05-01",
        ])
        .success();
    }
}

#[test]
fn a_not_applicable_control_is_out_of_the_audit_and_an_offender_counts_once() {
    let f = Fixture::new()
        .file("comply.yaml", "audit_period: 2026\n")
        .file(
            "controls/soc2.yaml",
            "framework: soc2\ncontrols:\n  - id: CC1.2\n    title: Out of scope\n    status: not-applicable\n    severity: critical\n    cadence: monthly\n    evidence:\n      - pattern: evidence/cc12/{period}.md\n  - id: CC1.3\n    title: In scope\n    status: implemented\n    severity: critical\n    cadence: monthly\n    evidence:\n      - pattern: evidence/cc13/{period}.md\n",
        );
    git(f.path(), &["init", "-q", "-b", "main"], None);
    commit_all(f.path(), "2026-01-01");
    let doc = json(
        &f.run(&["audit", "--format", "json", "--as-of", "2027-01-31"])
            .success(),
    );
    let ids: Vec<&str> = doc["activities"]
        .as_array()
        .expect("activities")
        .iter()
        .map(|a| a["id"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(ids, ["soc2:CC1.3"]);
    // CC1.3 offends twice (no evidence at all, periods missing): one entry.
    let failed = stdout(
        &f.run(&["check", "--audit", "--as-of", "2027-01-31"])
            .code(1),
    );
    assert!(failed.contains("gate failed: 1 item at risk"), "{failed}");
    assert!(!failed.contains("CC1.2"), "{failed}");
}

#[test]
fn windows_of_days_do_not_move_with_the_audit_period() {
    let f = Fixture::new().file("controls/soc2.yaml", CONTROLS).file(
        "reviews/reviews.yaml",
        "reviews:\n  - id: weekly\n    title: Weekly log review\n    framework: soc2\n    cadence: every 7 days\n    risk: high\n    evidence:\n      - pattern: evidence/weekly/{period}.md\n",
    );
    git(f.path(), &["init", "-q", "-b", "main"], None);
    commit_all(f.path(), "2025-12-20");
    // Files named by the ISO weeks' Mondays, each committed in its week.
    for (monday, sunday) in [("2026-01-05", "2026-01-11"), ("2026-01-12", "2026-01-18")] {
        add(&f, &format!("evidence/weekly/{monday}.md"), sunday);
    }
    for period in [
        "2026-01-05..2026-01-18",
        "2026-01-07..2026-01-18",
        "2026-01-11..2026-01-12",
    ] {
        let doc = audit_json(&f, period, "2026-03-01");
        assert_eq!(
            states(&doc, "weekly"),
            ["2026-01-05 covered", "2026-01-12 covered"],
            "{period}"
        );
    }
}

#[test]
fn the_grid_is_bounded_in_cells_not_only_per_activity() {
    let mut reviews = String::from("reviews:\n");
    for i in 0..60 {
        reviews.push_str(&format!(
            "  - id: R{i}\n    title: Daily\n    framework: soc2\n    cadence: every 1 day\n    evidence:\n      - pattern: evidence/r{i}/{{period}}.md\n"
        ));
    }
    let f = Fixture::new()
        .file(
            "comply.yaml",
            "audit_period: {from: 2016-01-08, to: 2026-01-07}\n",
        )
        .file("controls/soc2.yaml", CONTROLS)
        .file("reviews/reviews.yaml", &reviews);
    git(f.path(), &["init", "-q", "-b", "main"], None);
    commit_all(f.path(), "2026-01-01");
    let refused = f.run(&["audit", "--as-of", "2026-06-01"]).code(2);
    let why = common::stderr(&refused);
    assert!(
        why.contains("would hold 219180 periods") && why.contains("limit of 200000"),
        "{why}"
    );
    f.run(&["check", "--audit", "--as-of", "2026-06-01"])
        .code(2);
    let report = f.run(&["report", "--as-of", "2026-06-01"]).success();
    assert!(common::stderr(&report).contains("warning: no audit section"));
    assert!(!stdout(&report).contains("Audit period"));
    // A shorter period fits.
    f.run(&["audit", "--period", "2025", "--as-of", "2026-06-01"])
        .success();
}

#[test]
fn the_pack_names_authors_and_the_grid_trusts_no_early_or_placeholder_commit() {
    let f = quarterly(
        "      - pattern: evidence/access/{period}.md\n      - path: evidence/dr.md\n        covers: 2026-Q3\n",
    );
    // A placeholder for Q1 committed before the quarter began, deleted,
    // then added back (the real review) after the quarter's grace ended.
    add(&f, "evidence/access/2026-Q1.md", "2025-12-28");
    fs::remove_file(f.path().join("evidence/access/2026-Q1.md")).expect("remove");
    commit_all(f.path(), "2026-01-02");
    // Q2's review, written by Alice and committed by the CI bot.
    fs::write(f.path().join("evidence/access/2026-Q2.md"), "Q2\n").expect("write");
    // A restore test said to cover Q3, committed in Q2.
    fs::write(f.path().join("evidence/dr.md"), "DR\n").expect("write");
    git(f.path(), &["add", "-A"], None);
    git(
        f.path(),
        &[
            "commit",
            "-q",
            "-m",
            "Q2",
            "--author",
            "Alice <alice@example.com>",
        ],
        Some("2026-06-20"),
    );
    add(&f, "evidence/access/2026-Q1.md", "2026-05-01");
    let doc = audit_json(&f, "2026-Q1..2026-Q3", "2026-12-01");
    assert_eq!(
        states(&doc, "access-review"),
        ["2026-Q1 late", "2026-Q2 covered", "2026-Q3 missing"]
    );
    let out = Fixture::new();
    let dir = out.path().join("pack");
    pack(&f, &dir, &[]);
    let q2 = manifest(&dir)["files"]
        .as_array()
        .expect("files")
        .iter()
        .find(|f| f["source"] == "evidence/access/2026-Q2.md")
        .expect("Q2")
        .clone();
    assert_eq!(q2["author"], "Alice");
}

#[test]
fn audit_fields_where_no_grid_reads_them_are_warned_about() {
    let f = Fixture::new()
        .file(
            "controls/soc2.yaml",
            "framework: soc2\ncontrols:\n  - id: CC1.1\n    title: No cadence\n    status: implemented\n    evidence:\n      - pattern: evidence/cc11/{period}.md\n      - path: evidence/{period}.md\n  - id: CC1.2\n    title: Daily\n    status: implemented\n    cadence: every 1 day\n",
        )
        .items("  - id: T-1\n    title: Task\n    framework: soc2\n    risk: low\n    status: open\n    due: 2026-12-31\n    evidence:\n      - path: evidence/t1.md\n        covers: 2026-Q1\n");
    let done = f.run(&["validate"]).success();
    let err = common::stderr(&done);
    assert!(
        err.contains("`pattern` on the evidence of a control without a cadence"),
        "{err}"
    );
    assert!(
        err.contains("`covers` on the evidence of a backlog item"),
        "{err}"
    );
    assert!(err.contains("only a `pattern` fills in"), "{err}");
    // A daily cadence in words that read.
    let status = stdout(
        &f.run(&["status", "--format", "json", "--as-of", "2026-01-01"])
            .success(),
    );
    assert!(status.contains("every 1 day\""), "{status}");
    // A bad date in `covers` gets no hint about `TBD`.
    let g = quarterly("      - path: a.md\n        covers: {from: 2026-13-01, to: 2026-12-31}\n");
    let bad = common::stderr(&g.run(&["validate"]).code(2));
    assert!(bad.contains("YYYY-MM-DD") && !bad.contains("TBD"), "{bad}");
}

#[test]
fn a_file_over_the_limit_at_a_commit_is_named_with_the_limit() {
    let f = quarterly("      - evidence/big.bin\n");
    fs::create_dir_all(f.path().join("evidence")).expect("dir");
    fs::write(
        f.path().join("evidence/big.bin"),
        vec![0u8; 33 * 1024 * 1024 + 1],
    )
    .expect("write");
    commit_all(f.path(), "2026-02-01");
    let out = Fixture::new();
    let refused = f
        .run(&[
            "pack",
            "--period",
            "2026",
            "--at",
            "HEAD",
            "--output",
            out.path().join("p.zip").to_str().expect("utf-8"),
        ])
        .code(2);
    let why = common::stderr(&refused);
    assert!(
        why.contains("`evidence/big.bin`: it is over the limit of 33554432 bytes"),
        "{why}"
    );
    assert!(!out.path().join("p.zip").exists());
}

/// Runs `script` with `sh` in `dir` (for git plumbing that reads stdin).
fn sh(dir: &Path, script: &str) -> String {
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(script)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Mallory")
        .env("GIT_AUTHOR_EMAIL", "mallory@example.com")
        .env("GIT_COMMITTER_NAME", "Mallory")
        .env("GIT_COMMITTER_EMAIL", "mallory@example.com")
        .env("GIT_AUTHOR_DATE", "2026-03-01T12:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-03-01T12:00:00Z")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("sh");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn a_crafted_commit_cannot_write_outside_its_place_or_pack_gits_directory() {
    let f = quarterly(PATTERN);
    fs::write(
        f.path().join("controls/soc2.yaml"),
        CONTROLS.replace("policies/access.md", "evidence/reviews/"),
    )
    .expect("controls");
    add(&f, "evidence/reviews/a.md", "2026-02-01");
    // A commit git would never check out: `..`, `.` and spellings of
    // `.git` inside evidence/reviews/.
    sh(
        f.path(),
        r#"set -e
forged=$(echo FORGED | git hash-object -w --stdin)
secret=$(echo SECRET | git hash-object -w --stdin)
inner=$(printf '100644 blob %s\ta.md\n' $forged | git mktree)
up=$(printf '040000 tree %s\t..\n040000 tree %s\t.\n' $inner $inner | git mktree)
cfg=$(printf '100644 blob %s\tconfig\n' $secret | git mktree)
reviews=$( (git ls-tree HEAD:evidence/reviews; printf '040000 tree %s\tup\n040000 tree %s\t.git\n040000 tree %s\t.GIT\n040000 tree %s\t.git.\n040000 tree %s\tgit~1\n' $up $cfg $cfg $cfg $cfg) | git mktree)
evidence=$( (git ls-tree HEAD:evidence | { grep -v '	reviews$' || true; }; printf '040000 tree %s\treviews\n' $reviews) | git mktree)
root=$( (git ls-tree HEAD | { grep -v '	evidence$' || true; }; printf '040000 tree %s\tevidence\n' $evidence) | git mktree)
git tag crafted $(git commit-tree $root -p HEAD -m crafted)"#,
    );
    let out = Fixture::new();
    for target in ["dir", "pack.zip"] {
        let path = out.path().join(target);
        pack(&f, &path, &["--at", "crafted"]);
        let listed = if target == "dir" {
            walk(&path.join("files"))
        } else {
            let file = fs::File::open(&path).expect("zip");
            let archive = zip::ZipArchive::new(file).expect("a zip");
            archive
                .file_names()
                .map(|n| n.expect("a name").into_owned())
                .collect()
        };
        assert!(
            listed.iter().any(|n| n.ends_with("evidence/reviews/a.md")),
            "{listed:?}"
        );
        for name in &listed {
            let lower = name.to_ascii_lowercase();
            assert!(
                !lower.contains(".git") && !lower.contains("git~1") && !name.contains(".."),
                "{name}"
            );
        }
        if target == "dir" {
            assert_eq!(
                fs::read_to_string(path.join("files/evidence/reviews/a.md"))
                    .unwrap_or_else(|e| format!("{e}: {listed:?}")),
                "review of evidence/reviews/a.md\n"
            );
            let sums = fs::read_to_string(path.join("SHA256SUMS")).expect("sums");
            assert!(!sums.contains("..") && !sums.contains("SECRET"), "{sums}");
        }
    }
}

#[test]
fn a_repository_with_no_commit_has_no_audit_history() {
    let f = Fixture::new()
        .file("controls/fw.yaml", "framework: fw\ncontrols:\n  - { id: C1, title: c, status: implemented, cadence: quarterly, evidence: [evidence/a.md] }\n")
        .file("evidence/a.md", "a\n");
    git(f.path(), &["init", "-q", "-b", "main"], None);
    let out = Fixture::new();
    let zip = out.path().join("p.zip");
    for args in [
        vec!["audit", "--period", "2026"],
        vec!["check", "--audit", "--period", "2026"],
        vec![
            "pack",
            "--period",
            "2026",
            "--output",
            zip.to_str().expect("utf-8"),
        ],
    ] {
        let mut all = vec!["--as-of", "2027-01-31"];
        all.extend(args);
        let assert = f.run(&all).code(2);
        assert!(
            common::stderr(&assert).contains("no commit yet"),
            "{}",
            common::stderr(&assert)
        );
    }
    assert!(!zip.exists());
}
