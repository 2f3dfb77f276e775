//! `comply import`: each page shape, mojibake, missing fields, extra
//! columns, unrecognisable pages, stable and safe output.

mod common;

use common::{Fixture, stderr, stdout};

/// Runs `comply import` in the fixture's root (where the pages are).
fn import(repo: &Fixture, args: &[&str]) -> assert_cmd::assert::Assert {
    let mut cmd = assert_cmd::Command::cargo_bin("comply").expect("binary");
    cmd.current_dir(repo.path())
        .env_remove("COMPLY_TODAY")
        .args(["--as-of", "2026-01-10", "import"])
        .args(args)
        .assert()
}

/// A file the import wrote.
fn read(repo: &Fixture, path: &str) -> String {
    std::fs::read_to_string(repo.path().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A heading-per-item backlog, saved once through a Latin-1 decoder.
const BACKLOG: &str = "---\ntitle: Security backlog \u{e2}\u{20ac}\u{201d} Q4\nlast_updated: 2025-10-01\n---\n\n# Backlog\n\n## POPIA\n\n### POPIA-101 Encrypt the nightly exports\n- **Risk**: \u{f0}\u{178}\u{201d}\u{b4} High\n- **Owner**: Platform\n- **Due**: 2025-12-01\n- **Summary**: Turn on envelope encryption for exports.\n- **Evidence**: Key policy in `evidence/kms-policy.json` and a sample run log.\n- **Reviewer**: Dana\n\n### POPIA-102 Write the retention schedule\n- **Risk**: \u{f0}\u{178}\u{178}\u{a1} Medium\n- **Owner**: Legal\n- **Due**: soon\n- **Evidence**: A signed schedule.\n\n## SOC 2\n\n### SOC2-201 Rotate the deploy keys\n- **Owner**: DevOps\n- **Due**: 2026-02-01\n";

const TASKS: &str = "# ISO 27001 work plan\n\n## \u{1f534} Phase A: Before the audit\n\n| # | Task | Controls | Owner | Target | Notes |\n|---|------|----------|-------|--------|-------|\n| 1 | **Write the access policy** | 5.15, Clause 5.2 | Ops lead | TBD | draft exists |\n| 2 | Map suppliers | 5.19\u{2013}5.21 | Ops lead | 2026-03-01 | |\n\n## \u{1f7e2} Phase B: Later\n\n| # | Task | Controls | Owner | Target |\n|---|------|----------|-------|--------|\n| 3 | Plan a restore test | 8.13 | Ops lead | TBD |\n\n## Rhythm\n\n| Activity | Frequency |\n|---|---|\n| Access review | Quarterly |\n";

const MATRIX: &str = "---\ntitle: SOC 2 control matrix\n---\n\n| Control (TSC) | Current maturity | Target state | Gap & risk | Risk severity | Evidence | Control owner | Remediation |\n|---|---|---|---|---|---|---|---|\n| CC2.1 Information quality | Reports are manual. | Automated reports. | Errors slip through. | Medium | [`docs/reports.md`](../docs/reports.md); weekly export | Data | [Backlog: SOC2-301](backlog.md#soc2-301) |\n| CC5.2 Technology controls | Partial IaC. | Everything in IaC. | Drift. | \u{f0}\u{178}\u{201d}\u{b4} High | none yet | Platform | [Backlog: SOC2-302](backlog.md#soc2-302), SOC2-303 |\n";

const CHECKLIST: &str = "# Next steps\n\n**Last Updated:** 2025-09-30\n\n## Tasks\n\n- [x] Publish the privacy notice (Owner: Legal, Due: 2025-09-01)\n- [ ] Run the tabletop exercise (Owner: Security, Due: 2025-12-15)\n- [ ] Run the tabletop exercise (Owner: Security, Due: 2025-12-15)\n\n## Priority items\n\n### 1. Backups \u{26a0}\u{fe0f} PARTIAL\n- [x] Nightly snapshots\n- [ ] Restore drill\n\n### 2. Logging \u{2705} COMPLETE\n- [x] Central log store\n- [x] Retention set\n\n## Links\n\n- Some link\n";

#[test]
fn heading_per_item_backlog_with_mojibake() {
    let repo = Fixture::new().file("backlog.md", BACKLOG);
    let assert = import(&repo, &["backlog.md"]).code(0);
    let yaml = stdout(&assert);
    insta::assert_snapshot!("import_backlog", yaml);
    let err = stderr(&assert);
    for note in [
        "backlog.md:16: note: field `reviewer` of POPIA-101 not imported: Dana",
        "backlog.md:21: note: `soon` is not a date comply can read (YYYY-MM-DD, 15 March 2026, March 15, 2026, Q4 2026, end of March 2026); due date left out",
        "backlog.md:22: note: evidence without a path not imported: A signed schedule.",
        "backlog.md:26: note: no risk given for 1 item (line 26); set to medium",
        "backlog.md: 3 items (1 high risk or above), 0 controls, 4 notes, 3 mis-encoded characters repaired",
    ] {
        assert!(err.contains(note), "missing `{note}` in:\n{err}");
    }
}

#[test]
fn task_tables_with_phases_ranges_and_extra_columns() {
    let repo = Fixture::new().file("plan.md", TASKS).dir("out");
    let assert = import(&repo, &["plan.md", "--id-prefix", "PLAN", "-o", "out"]).code(0);
    insta::assert_snapshot!("import_tasks", read(&repo, "out/backlog/plan.yaml"));
    insta::assert_snapshot!("import_tasks_reviews", read(&repo, "out/reviews/plan.yaml"));
    let err = stderr(&assert);
    assert!(
        err.contains("plan.md:7: note: column `Notes` not imported: draft exists"),
        "{err}"
    );
    assert!(
        !err.contains("plan.md:18"),
        "the rhythm table is imported: {err}"
    );
}

#[test]
fn control_table_becomes_a_linked_matrix() {
    let repo = Fixture::new().file("matrix.md", MATRIX);
    let assert = import(&repo, &["matrix.md"]).code(0);
    insta::assert_snapshot!("import_matrix", stdout(&assert));
    let err = stderr(&assert);
    assert!(
        err.contains("matrix.md:8: note: evidence without a path not imported: none yet"),
        "{err}"
    );
    assert!(
        err.contains("matrix.md:7: note: no status for control CC2.1; set to partial"),
        "{err}"
    );
}

#[test]
fn checklists_become_items_with_stable_ids() {
    let repo = Fixture::new().file("next.md", CHECKLIST);
    let first = stdout(&import(&repo, &["next.md", "--framework", "soc2"]).code(0));
    insta::assert_snapshot!("import_checklist", first);
    let again = stdout(&import(&repo, &["next.md", "--framework", "soc2"]).code(0));
    assert_eq!(first, again, "re-importing gives the same bytes");
    let err = stderr(&import(&repo, &["next.md", "--framework", "soc2"]).code(0));
    assert!(
        err.contains("next.md:23: note: list of 1 entry without checkboxes not imported (a checklist needs `- [ ]` or `- [x]` entries)"),
        "{err}"
    );
}

#[test]
fn a_page_without_a_known_shape_or_framework_fails_cleanly() {
    let repo = Fixture::new()
        .file("prose.md", "# Notes\n\nJust words.\n\n- a list\n")
        .file("next.md", CHECKLIST);
    let assert = import(&repo, &["prose.md"]).code(2);
    assert!(
        stderr(&assert).contains("prose.md: error: no recognisable shape"),
        "{}",
        stderr(&assert)
    );
    let assert = import(&repo, &["next.md"]).code(2);
    assert!(
        stderr(&assert).contains(
            "next.md:7: error: cannot tell which framework this belongs to: no heading above it, \
             no front matter, title or folder names one; pass --framework ID"
        ),
        "{}",
        stderr(&assert)
    );
    assert!(stdout(&assert).is_empty());
}

#[test]
fn strict_refuses_pages_with_unmapped_parts() {
    let repo = Fixture::new().file("backlog.md", BACKLOG);
    let assert = import(&repo, &["backlog.md", "--strict", "--output", "out.yaml"]).code(2);
    assert!(stderr(&assert).contains("4 parts not imported (--strict)"));
    assert!(!repo.path().join("out.yaml").exists());
}

#[test]
fn imported_files_pass_validate_and_are_never_overwritten_by_surprise() {
    let controls =
        "framework: popia\ncontrols:\n  - id: S10\n    title: Minimality\n    status: planned\n";
    let soc2 = "framework: soc2\ncontrols:\n  - id: CC1.1\n    title: Control environment\n    status: planned\n";
    let repo = Fixture::new()
        .file("controls/popia.yaml", controls)
        .file("controls/soc2.yaml", soc2)
        .file("pages/backlog.md", BACKLOG)
        .file("pages/next.md", CHECKLIST);
    import(&repo, &["pages/backlog.md", "--output", "."]).code(0);
    import(
        &repo,
        &["pages/next.md", "--framework", "soc2", "--output", "."],
    )
    .code(0);
    let written = std::fs::read(repo.path().join("backlog/backlog.yaml")).expect("written");
    repo.run(&["validate"]).code(0);

    let assert = import(&repo, &["pages/backlog.md", "--output", "."]).code(2);
    assert!(
        stderr(&assert)
            .contains("already exists; pass --merge to update it or --force to replace it"),
        "{}",
        stderr(&assert)
    );
    import(&repo, &["pages/backlog.md", "--output", ".", "--force"]).code(0);
    assert_eq!(
        std::fs::read(repo.path().join("backlog/backlog.yaml")).expect("kept"),
        written
    );
}

#[test]
fn several_files_need_a_directory() {
    let repo = Fixture::new().file("a.md", BACKLOG).file("b.md", MATRIX);
    let assert = import(&repo, &["a.md", "b.md"]).code(2);
    assert!(
        stderr(&assert).contains("pass --output DIR"),
        "{}",
        stderr(&assert)
    );
}
