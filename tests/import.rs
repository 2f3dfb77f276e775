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

/// `comply init` in the fixture's root.
fn init(repo: &Fixture) {
    assert_cmd::Command::cargo_bin("comply")
        .expect("binary")
        .current_dir(repo.path())
        .arg("init")
        .assert()
        .code(0);
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

/// The fixture pages of `tests/fixtures/import/`, written for these tests.
fn page(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Asserts that every note is in `err`.
fn assert_notes(err: &str, notes: &[&str]) {
    for note in notes {
        assert!(err.contains(note), "missing `{note}` in:\n{err}");
    }
}

#[test]
fn statement_of_applicability_with_a_number_column() {
    let repo = Fixture::new().file("soa.md", &page("soa.md"));
    let assert = import(&repo, &["soa.md"]).code(0);
    insta::assert_snapshot!("import_soa", stdout(&assert));
    assert_notes(
        &stderr(&assert),
        &["soa.md: 0 items (0 high risk or above), 5 controls, 0 notes"],
    );
}

#[test]
fn control_table_with_an_id_column_links_and_status_words() {
    let repo = Fixture::new().file("controls.md", &page("controls.md"));
    let assert = import(&repo, &["controls.md"]).code(0);
    insta::assert_snapshot!("import_control_ids", stdout(&assert));
    assert_notes(
        &stderr(&assert),
        &[
            "controls.md:8: note: evidence link `https://wiki.example.com/runbook` is not a path in the repository; not imported",
            "controls.md:9: note: status `Frobnicated` of control CC8.1 not recognised; set to partial, the text kept in `current`",
        ],
    );
}

#[test]
fn heading_per_control_pages_with_paragraphs_and_bullets() {
    let repo = Fixture::new()
        .file("headings.md", &page("headings.md"))
        .dir("out");
    let assert = import(&repo, &["headings.md", "-o", "out"]).code(0);
    insta::assert_snapshot!(
        "import_headings_iso",
        read(&repo, "out/controls/iso27001.yaml")
    );
    insta::assert_snapshot!(
        "import_headings_soc2",
        read(&repo, "out/controls/soc2.yaml")
    );
    assert_notes(
        &stderr(&assert),
        &[
            "headings.md:29: note: field `reviewer` of control CC7.3 not imported: Sam",
            "headings.md: 0 items (0 high risk or above), 4 controls, 1 note",
        ],
    );
}

#[test]
fn risk_register_with_priorities_quarters_and_prose_dates() {
    let repo = Fixture::new().file("risks.md", &page("risks.md"));
    let assert = import(&repo, &["risks.md"]).code(0);
    insta::assert_snapshot!("import_risks", stdout(&assert));
    assert_notes(
        &stderr(&assert),
        &[
            "risks.md:11: note: due date `2024-Q4` read as 2024-12-31 (end of quarter)",
            "risks.md:11: note: 1 done item without a completion date (line 11); done date set to the due date",
            "risks.md:13: note: `someday` is not a date comply can read",
            "risks.md:13: note: status `Wontfix-ish` not recognised; R-04 left open, the text kept in its summary",
        ],
    );
}

#[test]
fn gap_analysis_without_ids_takes_its_framework_from_the_folder() {
    let repo = Fixture::new().file("popia/gap-analysis.md", &page("popia/gap-analysis.md"));
    let assert = import(&repo, &["popia/gap-analysis.md"]).code(0);
    insta::assert_snapshot!("import_gap_analysis", stdout(&assert));
}

#[test]
fn framework_sections_win_over_the_framework_option() {
    let repo = Fixture::new()
        .file("mixed.md", &page("mixed.md"))
        .dir("a")
        .dir("b");
    import(
        &repo,
        &["mixed.md", "--framework-word", "Privacy=popia", "-o", "a"],
    )
    .code(0);
    import(&repo, &["mixed.md", "--framework", "popia", "-o", "b"]).code(0);
    for dir in ["a", "b"] {
        let soc2 = read(&repo, &format!("{dir}/controls/soc2.yaml"));
        assert!(
            soc2.contains("id: CC2.1") && !soc2.contains("Consent"),
            "{soc2}"
        );
        let popia = read(&repo, &format!("{dir}/controls/popia.yaml"));
        assert!(popia.contains("id: POPIA-CONSENT-WITHDRAWAL"), "{popia}");
    }
    insta::assert_snapshot!("import_mixed_popia", read(&repo, "a/controls/popia.yaml"));
    let assert = import(&repo, &["mixed.md", "-o", "a"]).code(2);
    assert_notes(
        &stderr(&assert),
        &["mixed.md:14: error: cannot tell which framework this belongs to"],
    );
}

#[test]
fn finished_work_stays_finished() {
    let repo = Fixture::new().file("readiness.md", &page("readiness.md"));
    let assert = import(&repo, &["readiness.md"]).code(0);
    insta::assert_snapshot!("import_readiness", stdout(&assert));
    assert_notes(
        &stderr(&assert),
        &[
            "readiness.md:14: note: due date `end of February 2026` read as 2026-02-28 (end of month)",
            "readiness.md:19: note: 1 done item without a completion date (line 19); done date set to the page's date, 2026-01-20",
        ],
    );
}

#[test]
fn recurring_activities_become_reviews() {
    let repo = Fixture::new().file("maintenance.md", &page("maintenance.md"));
    let assert = import(&repo, &["maintenance.md"]).code(0);
    insta::assert_snapshot!("import_maintenance", stdout(&assert));
    assert_notes(
        &stderr(&assert),
        &[
            "maintenance.md:5: note: next due 2026-03-31 of `Access rights review` written as last done 2025-12-31 (one cadence earlier)",
            "maintenance.md:8: note: frequency `When contracts renew` of `Supplier re-assessment` is not a cadence",
        ],
    );
}

#[test]
fn passed_over_tables_say_what_they_would_need() {
    let repo = Fixture::new().file(
        "votes.md",
        "# Votes\n\n| Person | Colour |\n|---|---|\n| Ann | Red |\n",
    );
    let assert = import(&repo, &["votes.md", "--framework", "soc2"]).code(2);
    assert_notes(
        &stderr(&assert),
        &[
            "votes.md: error: no recognisable shape",
            "line 3: table with columns [Person, Colour] not imported (a task table needs a task/tasks/action/action item column, a control table a control/controls/clause/clauses column",
        ],
    );
}

#[test]
fn two_pages_for_one_file_are_refused_or_merged() {
    let other = "# More SOC 2\n\n| Control ID | Title | Status |\n|---|---|---|\n| CC9.1 | Risk mitigation | Done |\n| CC6.1 | Logical access security | Done |\n";
    let repo = Fixture::new()
        .file("controls.md", &page("controls.md"))
        .file("more.md", other)
        .dir("out");
    let assert = import(&repo, &["controls.md", "more.md", "-o", "out"]).code(2);
    assert_notes(
        &stderr(&assert),
        &[
            "error: `out/controls/soc2.yaml` would be written from both controls.md and more.md; import them in separate commands, or pass --merge to combine them; nothing was written",
        ],
    );
    assert!(!repo.path().join("out/controls").exists());
    let assert = import(&repo, &["controls.md", "more.md", "-o", "out", "--merge"]).code(0);
    assert_notes(
        &stderr(&assert),
        &[
            "merged more.md: 1 updated (CC6.1: status partial -> implemented), 1 added (CC9.1), 0 unchanged",
        ],
    );
    let soc2 = read(&repo, "out/controls/soc2.yaml");
    assert_eq!(soc2.matches("- id:").count(), 6, "{soc2}");
}

#[test]
fn framework_ids_are_checked_before_they_name_files() {
    let repo = Fixture::new().file("next.md", CHECKLIST).dir("out");
    for bad in ["../../x", "SOC 2", ""] {
        let assert = import(&repo, &["next.md", "--framework", bad, "-o", "out"]).code(2);
        assert_notes(&stderr(&assert), &["is not a framework id"]);
    }
    let evil =
        "---\nframework: ../evil\n---\n\n| Control | Status |\n|---|---|\n| X-1 Thing | Done |\n";
    let repo = repo.file("evil.md", evil);
    let assert = import(&repo, &["evil.md", "-o", "out"]).code(2);
    assert_notes(
        &stderr(&assert),
        &["evil.md:2: error: front matter `framework: ../evil` is not a framework id"],
    );
    assert_eq!(
        std::fs::read_dir(repo.path().join("out"))
            .map(Iterator::count)
            .ok(),
        Some(0)
    );
}

#[test]
fn a_folder_import_keeps_going_only_when_asked() {
    let repo = Fixture::new()
        .file("pages/a.md", &page("controls.md"))
        .file("pages/b.md", "# Minutes\n\nWe met.\n")
        .dir("out");
    let assert = import(&repo, &["pages", "-o", "out"]).code(2);
    assert_notes(
        &stderr(&assert),
        &[
            "pages/b.md: error: no recognisable shape",
            "error: nothing was written",
        ],
    );
    assert!(!repo.path().join("out/controls").exists());
    let assert = import(&repo, &["pages", "-o", "out", "--keep-going"]).code(0);
    assert_notes(
        &stderr(&assert),
        &[
            "wrote out/controls/soc2.yaml",
            "skipped 1 page (--keep-going):\n  pages/b.md: no recognisable shape",
        ],
    );
}

#[test]
fn merge_updates_the_starter_catalogue_instead_of_replacing_it() {
    let repo = Fixture::new().file("controls.md", &page("controls.md"));
    init(&repo);
    let before = read(&repo, "controls/soc2.yaml");
    let starter = before.matches(" id: ").count();
    assert!(starter > 5, "{before}");
    let assert = import(&repo, &["controls.md", "-o", ".", "--merge"]).code(0);
    assert_notes(
        &stderr(&assert),
        &[
            "merged the existing file: 5 updated (CC1.1: status planned -> implemented, owner, evidence; CC6.1: status planned -> partial, owner, evidence; CC6.6: status planned -> missing, owner; CC7.2: status, owner; CC8.1: owner, current), 0 added, 0 unchanged; kept: CC8.1: status (not read from the page)",
        ],
    );
    let after = read(&repo, "controls/soc2.yaml");
    assert_eq!(after.matches("- id: ").count(), starter, "{after}");
    let comments = |text: &str| -> Vec<String> {
        text.lines()
            .take_while(|l| l.starts_with('#'))
            .map(str::to_string)
            .collect()
    };
    let mut kept = comments(&before);
    kept.push("# Updated by `comply import --merge` from controls.md.".into());
    assert_eq!(comments(&after), kept, "the starter's comments are kept");
    assert!(after.contains("owner: People team"), "{after}");
    repo.run(&["validate"]).code(0);
    let again = import(&repo, &["controls.md", "-o", ".", "--merge"]).code(0);
    assert_notes(&stderr(&again), &["0 updated, 0 added, 5 unchanged"]);
}

#[test]
fn a_cell_of_150000_control_ids_keeps_the_first_100000_with_a_note() {
    // Its time is measured by benches/scaling.sh (import-cell), not here.
    let ids: Vec<String> = (0..150_000).map(|n| format!("X-{n}")).collect();
    let text = format!(
        "# SOC 2 plan\n\n| Task | Controls |\n|---|---|\n| Map everything | {} |\n",
        ids.join(", ")
    );
    let repo = Fixture::new().file("big.md", &text).dir("out");
    let assert = import(&repo, &["big.md", "-o", "out"]).code(0);
    let yaml = read(&repo, "out/backlog/big.yaml");
    assert_eq!(yaml.matches("  - X-").count(), 100_000);
    assert!(
        stderr(&assert).contains("X-100000 and the rest (over 100000 controls in one cell)"),
        "{}",
        stderr(&assert)
    );
}

/// Pages of shapes the first fixtures did not cover, imported together
/// after `init` with `--merge`: the result validates and the gate runs.
#[test]
fn more_shapes_import_validate_and_gate_together() {
    let mut repo = Fixture::new();
    let names = [
        "soa-included.md",
        "risk-eta.md",
        "bullets.md",
        "both.md",
        "sections.md",
        "nist.md",
        "domains.md",
        "field-tables.md",
        "gdpr-gaps.md",
        "soa-ticks.md",
    ];
    for name in names {
        repo = repo.file(&format!("docs/{name}"), &page(&format!("more/{name}")));
    }
    init(&repo);
    let assert = import(&repo, &["docs", "-o", ".", "--merge"]).code(0);
    let err = stderr(&assert);
    assert_notes(
        &err,
        &[
            "docs/bullets.md:14: note: evidence without a path not imported: see the HR system export",
            "docs/bullets.md:18: note: field `notes` of control CC7.1 not imported: weekly scans planned",
            "docs/nist.md:10: note: control id repeated on the page; this one imported as AC-2-2",
            "docs/risk-eta.md:5: note: column `Likelihood` not imported: Medium",
            "docs/risk-eta.md:5: note: due date `Q1 2027` read as 2027-03-31 (end of quarter)",
            "docs/both.md:15: note: 1 done item without a completion date (line 15); done date set to the as-of date, 2026-01-10",
            "docs/field-tables.md:10: note: field `reviewer` of control A.5.23 not imported: Kim",
            "docs/domains.md:6: note: due date `2026-05` of control HIPAA-AUDIT-CONTROLS not imported (a control has no due date; a backlog item does)",
            "docs/domains.md:7: note: description not imported (a control has a title, not a description): Screens lock after five idle minutes",
        ],
    );
    insta::assert_snapshot!("import_more_risks", read(&repo, "backlog/risk-eta.yaml"));
    for (name, snapshot) in [
        ("soa-included.md", "import_more_soa"),
        ("bullets.md", "import_more_bullets"),
        ("both.md", "import_more_both_controls"),
        ("domains.md", "import_more_domains"),
        ("field-tables.md", "import_more_field_tables"),
        ("gdpr-gaps.md", "import_more_gdpr_gaps"),
        ("soa-ticks.md", "import_more_soa_ticks"),
    ] {
        let single = Fixture::new()
            .file(name, &page(&format!("more/{name}")))
            .dir("out");
        import(&single, &[name, "-o", "out"]).code(0);
        let file = match name {
            "soa-included.md" | "field-tables.md" | "soa-ticks.md" => "out/controls/iso27001.yaml",
            "gdpr-gaps.md" => "out/controls/gdpr.yaml",
            "bullets.md" => "out/controls/soc2.yaml",
            "domains.md" => "out/controls/hipaa.yaml",
            _ => "out/controls/popia.yaml",
        };
        insta::assert_snapshot!(snapshot, read(&single, file));
    }
    repo.run(&["--as-of", "2026-01-10", "validate"]).code(0);
    let check = repo.run(&["--as-of", "2026-01-10", "check"]);
    let code = check.get_output().status.code();
    assert_eq!(code, Some(0), "{}", stdout(&check));
}

#[test]
fn comply_yaml_extends_the_framework_words() {
    let settings = "import:\n  frameworks:\n    Privacy: popia\n";
    let repo = Fixture::new()
        .file("mixed.md", &page("mixed.md"))
        .file("comply.yaml", settings);
    import(&repo, &["mixed.md", "-o", "."]).code(0);
    let popia = read(&repo, "controls/popia.yaml");
    assert!(popia.contains("id: POPIA-CONSENT-WITHDRAWAL"), "{popia}");
    repo.run(&["validate"]).code(0);

    let bad = Fixture::new()
        .file("mixed.md", &page("mixed.md"))
        .file("comply.yaml", "import:\n  frameworks:\n    Privacy: ../x\n");
    let assert = import(&bad, &["mixed.md", "-o", "."]).code(2);
    assert_notes(
        &stderr(&assert),
        &[
            "comply.yaml:3:14: error[bad-value]: `../x` is not a framework id",
            "error: `./comply.yaml` is not valid; nothing was written",
        ],
    );
    assert!(!bad.path().join("controls").exists());
}

#[test]
fn plain_paths_and_described_control_references() {
    let text = "# SOC 2 plan\n\n| Task | Controls | Evidence | Due |\n|---|---|---|---|\n| Review access | CC6.1 Logical access, see the policy | Exported to reports/access-2026.csv and infra/iam/ | 2026-04-01 |\n";
    let repo = Fixture::new().file("plan.md", text);
    let assert = import(&repo, &["plan.md"]).code(0);
    insta::assert_snapshot!("import_plain_paths", stdout(&assert));
    assert_notes(
        &stderr(&assert),
        &[
            "plan.md:5: note: control references of PLAN-REVIEW-ACCESS not read (not ids): see the policy",
        ],
    );
}

#[test]
fn generated_ids_stay_unique_across_pages() {
    let page_text = "# SOC 2 to-do\n\n- [ ] Review firewall rules\n";
    let repo = Fixture::new()
        .file("a/1.md", page_text)
        .file("b/2.md", page_text)
        .dir("out");
    let assert = import(&repo, &["a/1.md", "b/2.md", "-o", "out"]).code(0);
    assert_notes(
        &stderr(&assert),
        &[
            "b/2.md: note: generated id SOC2-REVIEW-FIREWALL-RULES is also used by an earlier page; this one is SOC2-REVIEW-FIREWALL-RULES-2",
        ],
    );
    assert!(read(&repo, "out/backlog/2.yaml").contains("id: SOC2-REVIEW-FIREWALL-RULES-2"));
}

#[test]
fn one_page_with_items_and_reviews_prints_two_documents() {
    let repo = Fixture::new().file("plan.md", TASKS);
    let assert = import(&repo, &["plan.md", "--id-prefix", "PLAN"]).code(0);
    let out = stdout(&assert);
    let documents: Vec<&str> = out.split("\n---\n").collect();
    assert_eq!(documents.len(), 2, "{out}");
    assert!(documents[0].contains("schema/backlog.schema.json"), "{out}");
    assert!(
        documents[1].contains("reviews:\n- id: REV-ACCESS-REVIEW"),
        "{out}"
    );
}

#[test]
fn a_number_column_without_ids_is_said_to_be_one() {
    let text = "# SOC 2\n\n| # | Control | Status |\n|---|---|---|\n| 1 | Access reviews | Done |\n| 2 | Change approval | Missing |\n";
    let repo = Fixture::new().file("num.md", text);
    let assert = import(&repo, &["num.md"]).code(0);
    assert_notes(
        &stderr(&assert),
        &[
            "num.md:3: note: column `#` holds no ids (such as A.5.1, CC6.1, AC-1, POPIA-001); ids are made from the titles",
        ],
    );
    let out = stdout(&assert);
    assert!(out.contains("- id: SOC2-ACCESS-REVIEWS\n  title: Access reviews\n  status: implemented\n- id: SOC2-CHANGE-APPROVAL\n  title: Change approval\n  status: missing\n"), "{out}");
}

#[test]
fn numbered_sections_are_neither_controls_nor_item_ids() {
    let text = "# SOC 2 handbook\n\n## 2.1 Purpose\n\n- Scope: all staff\n- Audience: everyone\n\n### 3.1 Setup\n\n- [x] Laptop\n- [ ] Badge\n";
    let repo = Fixture::new().file("handbook.md", text);
    let assert = import(&repo, &["handbook.md"]).code(0);
    assert_notes(
        &stderr(&assert),
        &[
            "handbook.md:3: note: heading `2.1 Purpose` has an id but none of the fields of a control (Status, Evidence, Owner, Applicable, ...); not imported",
        ],
    );
    assert_eq!(
        stdout(&assert).split_once("items:\n").map(|(_, rest)| rest),
        Some(
            "- id: HANDBOOK-SETUP\n  title: Setup\n  risk: medium\n  due: TBD\n  status: in-progress\n  checklist:\n  - task: Laptop\n    done: true\n  - task: Badge\n    done: false\n"
        )
    );
}

#[test]
fn every_filled_column_is_used_or_noted() {
    let text = "# SOC 2\n\n| Control | Status | Frequency | Notes |\n|---|---|---|---|\n| CC4.1 Monitoring | Done | Quarterly | x |\n\n| Task | Gap | Next due | Due |\n|---|---|---|---|\n| Fix logging | No central logs | 2026-05-01 | 2026-04-01 |\n";
    let repo = Fixture::new().file("soc2.md", text).file(
        "controls/soc2.yaml",
        "framework: soc2\ncontrols:\n  - { id: CC4.1, title: Monitoring, status: planned }\n",
    );
    let assert = import(&repo, &["soc2.md", "-o", ".", "--merge"]).code(0);
    assert_notes(
        &stderr(&assert),
        &[
            "soc2.md:5: note: column `Notes` not imported: x",
            "soc2.md:9: note: `Next due` of SOC2-FIX-LOGGING not imported: 2026-05-01",
        ],
    );
    insta::assert_snapshot!(
        "import_used_or_noted_backlog",
        read(&repo, "backlog/soc2.yaml")
    );
    let controls = read(&repo, "controls/soc2.yaml");
    assert!(controls.contains("  status: implemented\n"), "{controls}");
    repo.run(&["--as-of", "2026-01-10", "validate"]).code(0);
    let reviews = "# ISO 27001\n\n| Activity | Frequency | Status |\n|---|---|---|\n| Access review | Quarterly | Done |\n";
    let repo = repo.file("rv.md", reviews);
    let assert = import(&repo, &["rv.md"]).code(0);
    assert_notes(
        &stderr(&assert),
        &["rv.md:5: note: `Status` of REV-ACCESS-REVIEW not imported: Done"],
    );
}

#[test]
fn numbered_like_an_item_is_an_item_numbered_like_a_control_is_a_control() {
    let text = "# SOC 2 backlog\n\n### SEC-012 Rotate keys\n**Status:** Done 2026-01-05\n**Owner:** Ops\n\n### AC-2 Account management\n**Status:** Partial\n";
    let repo = Fixture::new().file("mixed-ids.md", text);
    let out = stdout(&import(&repo, &["mixed-ids.md"]).code(0));
    insta::assert_snapshot!("import_item_or_control_by_id", out);
}

#[test]
fn empty_titles_never_reach_the_yaml() {
    let text =
        "# SOC 2\n\n### SOC2-100\n- **Due**: 2026-01-01\n\n## List\n\n- [ ] \n- [x] Real one\n";
    let repo = Fixture::new().file("empty.md", text).file(
        "controls/soc2.yaml",
        "framework: soc2\ncontrols:\n  - { id: X, title: X, status: planned }\n",
    );
    let assert = import(&repo, &["empty.md", "-o", "."]).code(0);
    assert_notes(
        &stderr(&assert),
        &[
            "empty.md:3: note: heading SOC2-100 has no title; its id is the title",
            "empty.md:8: note: checkbox without text not imported",
        ],
    );
    insta::assert_snapshot!("import_empty_titles", read(&repo, "backlog/empty.yaml"));
    repo.run(&["--as-of", "2026-01-10", "validate"]).code(0);
}

#[test]
fn a_frequency_beside_a_control_is_its_cadence_beside_an_activity_a_review() {
    let controls = "# SOC 2\n\n| Control ID | Title | Status | Frequency |\n|---|---|---|---|\n| CC4.1 | Monitoring | Done | Quarterly |\n";
    let reviews = "# ISO 27001\n\n| # | Activity | Frequency |\n|---|---|---|\n| 1 | Access review | Quarterly |\n";
    let repo = Fixture::new().file("c.md", controls).file("r.md", reviews);
    let out = stdout(&import(&repo, &["c.md"]).code(0));
    assert!(
        out.ends_with(
            "- id: CC4.1\n  title: Monitoring\n  status: implemented\n  cadence: quarterly\n"
        ),
        "{out}"
    );
    let out = stdout(&import(&repo, &["r.md"]).code(0));
    assert!(out.ends_with("reviews:\n- id: REV-ACCESS-REVIEW\n  title: Access review\n  framework: iso27001\n  cadence: quarterly\n"), "{out}");
}

#[test]
fn qualified_asked_struck_and_heading_statuses_are_read_in_context() {
    let repo = Fixture::new().file("popia/qualified.md", &page("qualified.md"));
    let assert = import(&repo, &["popia/qualified.md"]).code(0);
    let yaml = stdout(&assert);
    insta::assert_snapshot!("import_qualified", yaml);
    // Negated, future, hedged and asked finished words never give done.
    for (title, status) in [
        ("Vendor contracts lack an operator clause", "open"),
        ("Backups are not encrypted at rest", "open"),
        ("Retention schedule is outdated", "in-progress"),
        ("Access reviews skipped in Q3", "open"),
        ("Breach log is kept on paper", "open"),
        ("Information officer registered", "done"),
        ("Records of processing", "done"),
        ("Data subject request form", "done"),
        ("Operator agreements", "in-progress"),
        ("Special personal information inventory", "done"),
    ] {
        let at = yaml
            .find(&format!("title: {title}\n"))
            .unwrap_or_else(|| panic!("{title} missing:\n{yaml}"));
        let rest = &yaml[at..];
        let status_line = rest
            .lines()
            .find(|l| l.trim_start().starts_with("status:"))
            .unwrap_or("");
        assert_eq!(status_line.trim(), format!("status: {status}"), "{title}");
    }
    assert!(yaml.contains("title: Consent wording - open questions about scope"));
    assert!(yaml.contains("done: 2025-12-02"), "{yaml}");
    assert!(yaml.contains("done: 2025-11-12"), "{yaml}");
    assert!(!yaml.contains("done: 2025-11-01"), "{yaml}");
    assert!(yaml.contains("cadence: biannual"), "{yaml}");
    assert!(!yaml.contains("framework: gdpr") && !yaml.contains("framework: soc2"));
    assert_notes(
        &stderr(&assert),
        &[
            "qualified.md:15: note: status `Closed?` not recognised",
            "qualified.md:17: note: struck-through `Open` in column `Status` not read",
            "qualified.md:18: note: `ASAP` is not a date comply can read",
            "qualified.md:18: note: `2025-13-05` is not a date comply can read (YYYY-MM-DD, 15 March 2026, March 15, 2026, Q4 2026, end of March 2026); done date of QUALIFIED-PRIVACY-NOTICE-LACKS-A-CONTACT not read",
            "qualified.md:23: note: rows without a status of their own (lines 25) take the status of the heading `✅ Finished last quarter`",
            "qualified.md:27: note: heading `Lessons from our SOC 2 audit` mentions SOC 2 in passing",
            "qualified.md:60: note: frequency `Bi-monthly` of `Privacy training refresh` is not a cadence",
            "qualified.md:61: note: frequency `every -2 weeks`",
        ],
    );
}

/// A Statement of Applicability with statuses, then one without.
const SOA_WITH_STATUS: &str = "# ISO 27001 applicability\n\n| # | Control | Applicable | Status | Justification | Owner |\n|---|---|---|---|---|---|\n| 5.1 | Information security policies | Yes | Implemented | Board asked for it | CISO |\n| 5.7 | Threat intelligence | No | | No feeds are bought; the MSSP covers it | |\n| 5.9 | Asset inventory | Yes | In progress | Needed for scoping | IT |\n";
const SOA_WITHOUT_STATUS: &str = "# ISO 27001 applicability, second pass\n\n| # | Control | Applicable | Justification | Owner |\n|---|---|---|---|---|\n| 5.1 | Information security policies | Yes | Required by the board | |\n| 5.7 | Threat intelligence | No | No feeds are bought; the MSSP covers it | |\n| 5.9 | Asset inventory | Yes | Needed for scoping | Facilities |\n";

#[test]
fn merge_never_writes_a_guess_over_a_stored_value() {
    let repo = Fixture::new()
        .file("soa-a.md", SOA_WITH_STATUS)
        .file("soa-b.md", SOA_WITHOUT_STATUS);
    init(&repo);
    import(
        &repo,
        &["soa-a.md", "-o", ".", "--merge", "--framework", "iso27001"],
    )
    .code(0);
    let first = read(&repo, "controls/iso27001.yaml");
    let assert = import(
        &repo,
        &["soa-b.md", "-o", ".", "--merge", "--framework", "iso27001"],
    )
    .code(0);
    let after = read(&repo, "controls/iso27001.yaml");
    let entry = |text: &str, id: &str| -> String {
        let at = text
            .find(&format!("- id: {id}\n"))
            .unwrap_or_else(|| panic!("{id}: {text}"));
        let rest = &text[at + 3..];
        rest[..rest.find("\n- id:").unwrap_or(rest.len())].to_string()
    };
    // Statuses stay: the second page has no status column.
    assert!(
        entry(&after, "A.5.1").contains("status: implemented"),
        "{after}"
    );
    assert!(
        entry(&after, "A.5.9").contains("status: partial"),
        "{after}"
    );
    // The control left out keeps `applicable: false` and its
    // justification through both imports.
    assert_eq!(entry(&first, "A.5.7"), entry(&after, "A.5.7"));
    assert!(
        entry(&after, "A.5.7").contains("applicable: false")
            && entry(&after, "A.5.7").contains("justification: No feeds are bought")
            && !entry(&after, "A.5.7").contains("status:"),
        "{after}"
    );
    assert!(
        entry(&after, "A.5.9").contains("owner: Facilities"),
        "{after}"
    );
    assert_notes(
        &stderr(&assert),
        &[
            "kept: A.5.1: status (not read from the page)",
            "A.5.9: owner",
        ],
    );
    repo.run(&["validate"]).code(0);
}

/// Items: finished first, then a table without a status column and with
/// a row left out; evidence given again by path.
const OPS_FIRST: &str = "# SOC 2 operations\n\n| Task | Owner | Due | Status | Evidence |\n|---|---|---|---|---|\n| Rotate the signing keys of the build pipeline every single quarter | Alice | 2026-01-05 | ✅ Completed 2026-01-09 | `evidence/keys.csv` |\n| Rotate the signing keys of the build pipeline after a departure | Bob | 2026-03-01 | Open | |\n";
const OPS_SECOND: &str = "# SOC 2 operations\n\n| Task | Owner | Due | Evidence |\n|---|---|---|---|\n| Rotate the signing keys of the build pipeline after a departure | Bob | 2026-03-01 | |\n| Rotate the signing keys of the build pipeline every single quarter | Carol | 2026-01-05 | `evidence/keys.csv`, `evidence/log.txt` |\n";

#[test]
fn merge_keeps_finished_items_evidence_details_and_hand_written_comments() {
    let repo = Fixture::new().file("ops.md", OPS_FIRST).dir("backlog");
    import(&repo, &["ops.md", "-o", "."]).code(0);
    let written = read(&repo, "backlog/ops.yaml");
    let ids: Vec<&str> = written
        .lines()
        .filter_map(|l| l.strip_prefix("- id: "))
        .collect();
    assert_eq!(ids.len(), 2);
    assert_ne!(ids[0], ids[1]);
    // The same titles give the same ids in either order.
    let swapped = Fixture::new().file("ops.md", OPS_SECOND);
    let out = stdout(&import(&swapped, &["ops.md"]).code(0));
    for id in &ids {
        assert!(out.contains(&format!("- id: {id}\n")), "{id} not in {out}");
    }
    // A hand-written head comment and an evidence entry with details.
    let body = written.split_once("framework:").map_or("", |(_, b)| b);
    let edited = format!(
        "# Hand-written operations backlog, owned by the platform team\nframework:{}",
        body.replace(
            "  - evidence/keys.csv\n",
            "  - path: evidence/keys.csv\n    max_age_days: 120\n  - path: evidence/board-minutes.pdf\n    note: signed\n",
        )
    );
    assert!(edited.contains("max_age_days: 120"), "{edited}");
    std::fs::write(repo.path().join("backlog/ops.yaml"), &edited).unwrap_or_default();
    std::fs::write(repo.path().join("ops.md"), OPS_SECOND).unwrap_or_default();
    let assert = import(&repo, &["ops.md", "-o", ".", "--merge"]).code(0);
    let after = read(&repo, "backlog/ops.yaml");
    assert!(
        after.starts_with("# Hand-written operations backlog, owned by the platform team\n"),
        "{after}"
    );
    assert!(
        after.contains("status: done\n  done: 2026-01-09"),
        "{after}"
    );
    assert!(after.contains("max_age_days: 120"), "{after}");
    assert!(after.contains("note: signed"), "{after}");
    assert!(after.contains("evidence/log.txt"), "{after}");
    assert!(after.contains("owner: Carol"), "{after}");
    assert_notes(&stderr(&assert), &["status (not read from the page)"]);
}

#[test]
fn merge_does_not_update_a_made_up_id_whose_stored_title_is_another() {
    let repo = Fixture::new()
        .file("tasks.md", "# SOC 2 tasks\n\n| Task | Owner | Due |\n|---|---|---|\n| Encrypt the backups | Ops | 2026-02-01 |\n")
        .dir("backlog");
    import(&repo, &["tasks.md", "-o", "."]).code(0);
    let written = read(&repo, "backlog/tasks.yaml");
    // Someone renames the stored item by hand; the page still says the old title.
    std::fs::write(
        repo.path().join("backlog/tasks.yaml"),
        written.replace(
            "title: Encrypt the backups",
            "title: Vendor onboarding questionnaire",
        ),
    )
    .unwrap_or_default();
    std::fs::write(
        repo.path().join("tasks.md"),
        "# SOC 2 tasks\n\n| Task | Owner | Due | Status |\n|---|---|---|---|\n| Encrypt the backups | Security | 2026-02-01 | Done |\n",
    )
    .unwrap_or_default();
    let assert = import(&repo, &["tasks.md", "-o", ".", "--merge"]).code(0);
    let after = read(&repo, "backlog/tasks.yaml");
    assert!(
        after.contains("owner: Ops") && after.contains("status: open"),
        "{after}"
    );
    assert_notes(
        &stderr(&assert),
        &[
            "NOT updated: TASKS-ENCRYPT-THE-BACKUPS (stored `Vendor onboarding questionnaire`, page `Encrypt the backups`)",
        ],
    );
}

/// Two registers of one framework that both number their risks from R-01.
const VENDOR_RISKS: &str = "# SOC 2 vendor risks\n\n| Risk ID | Risk | Owner | Due |\n|---|---|---|---|\n| R-01 | Payroll provider has no SOC report | Finance | 2026-04-01 |\n";
const APP_RISKS: &str = "# SOC 2 application risks\n\n| Risk ID | Risk | Owner | Due |\n|---|---|---|---|\n| R-01 | Session tokens never expire | Eng | 2026-05-01 |\n";

/// Whether a folder has no files below it.
fn no_files(dir: &std::path::Path) -> bool {
    std::fs::read_dir(dir).map_or(true, |entries| {
        entries
            .filter_map(Result::ok)
            .all(|e| e.path().is_dir() && no_files(&e.path()))
    })
}

#[test]
fn one_id_in_two_files_is_refused_before_anything_is_written() {
    // Within one batch.
    let repo = Fixture::new()
        .file("soc2/vendor.md", VENDOR_RISKS)
        .file("soc2/app.md", APP_RISKS)
        .dir("out");
    let assert = import(&repo, &["soc2", "-o", "out"]).code(2);
    assert_notes(
        &stderr(&assert),
        &["id `R-01` would be written to both", "nothing was written"],
    );
    assert!(no_files(&repo.path().join("out")));
    // --merge does not make two files one record either.
    import(&repo, &["soc2", "-o", "out", "--merge"]).code(2);
    assert!(no_files(&repo.path().join("out")));
    // Against a file already in the output, whether the id is written on
    // the page or made from a title.
    let repo = Fixture::new()
        .file("soc2/vendor.md", VENDOR_RISKS)
        .file("keys.md", "# SOC 2\n\n- [ ] Rotate the keys\n")
        .file("keys-again.md", "# SOC 2\n\n- [ ] Rotate the keys\n")
        .dir("out");
    import(&repo, &["soc2/vendor.md", "-o", "out"]).code(0);
    std::fs::rename(
        repo.path().join("out/backlog/vendor.yaml"),
        repo.path().join("out/backlog/hand-written.yaml"),
    )
    .unwrap_or_default();
    let assert = import(&repo, &["soc2/vendor.md", "-o", "out"]).code(2);
    assert_notes(
        &stderr(&assert),
        &[
            "id `R-01` from soc2/vendor.md would be written to `out/backlog/vendor.yaml`, but `out/backlog/hand-written.yaml` already defines it",
        ],
    );
    assert!(!repo.path().join("out/backlog/vendor.yaml").exists());
    import(&repo, &["keys.md", "-o", "out", "--id-prefix", "SEC"]).code(0);
    let assert = import(&repo, &["keys-again.md", "-o", "out", "--id-prefix", "SEC"]).code(2);
    assert_notes(
        &stderr(&assert),
        &["id `SEC-ROTATE-THE-KEYS`", "already defines it"],
    );
    // The same file with --merge is the same record.
    import(&repo, &["soc2/vendor.md", "-o", "out", "--merge"]).code(2);
    std::fs::rename(
        repo.path().join("out/backlog/hand-written.yaml"),
        repo.path().join("out/backlog/vendor.yaml"),
    )
    .unwrap_or_default();
    import(&repo, &["soc2/vendor.md", "-o", "out", "--merge"]).code(0);
}

#[test]
fn a_path_that_cannot_be_written_stops_the_batch_before_the_first_write() {
    let pages = |fixture: Fixture| {
        fixture
            .file("mix.md", "# SOC 2\n\n| Task | Due |\n|---|---|\n| Patch the VPN | 2026-02-01 |\n\n| Control | Status |\n|---|---|\n| CC6.1 | Implemented |\n\n| Activity | Frequency |\n|---|---|\n| Access review | Quarterly |\n")
    };
    // A file where a folder should be.
    let repo = pages(Fixture::new()).file("out/reviews", "not a folder");
    let assert = import(&repo, &["mix.md", "-o", "out"]).code(2);
    assert_notes(
        &stderr(&assert),
        &["`out/reviews` is not a directory", "nothing was written"],
    );
    assert!(!repo.path().join("out/backlog").exists());
    assert!(!repo.path().join("out/controls").exists());
    // A folder where a file should be, even with --force.
    let repo = pages(Fixture::new()).dir("out/controls/soc2.yaml");
    let assert = import(&repo, &["mix.md", "-o", "out", "--force"]).code(2);
    assert_notes(
        &stderr(&assert),
        &["cannot write `out/controls/soc2.yaml`: it is a directory"],
    );
    assert!(!repo.path().join("out/backlog").exists());
    assert!(!repo.path().join("out/reviews").exists());
}

#[test]
fn force_never_drops_entries_the_pages_do_not_give() {
    let repo = Fixture::new().file("controls.md", &page("controls.md"));
    init(&repo);
    let before = read(&repo, "controls/soc2.yaml");
    let assert = import(&repo, &["controls.md", "-o", ".", "--force"]).code(2);
    let err = stderr(&assert);
    assert_notes(
        &err,
        &[
            "--force would replace `./controls/soc2.yaml` and drop",
            "pass --merge to update the file instead",
        ],
    );
    assert_eq!(read(&repo, "controls/soc2.yaml"), before);
    repo.run(&["validate"]).code(0);
    // A file the page covers entirely is replaced.
    import(&repo, &["controls.md", "-o", ".", "--merge"]).code(0);
    std::fs::write(repo.path().join("controls.md"), page("controls.md")).unwrap_or_default();
    let single = Fixture::new()
        .file("controls.md", &page("controls.md"))
        .dir("o");
    import(&single, &["controls.md", "-o", "o"]).code(0);
    import(&single, &["controls.md", "-o", "o", "--force"]).code(0);
}

#[test]
fn id_columns_are_found_by_their_header_parts_or_their_cells() {
    let page = "# Trust services matrix\n\n## SOC 2\n\n| TSC Reference | Control Activity | Status |\n|---|---|---|\n| CC1.1 | The board sets the tone | Implemented |\n\n| Requirement No. | Safeguard statement | Status |\n|---|---|---|\n| CC2.1 | Quality information is used | Partially implemented |\n\n| Point of Focus | Control Objective | Control Description | Status |\n|---|---|---|---|\n| CC3.1 | Objectives are clear | Objectives are written down yearly | Missing |\n\n## ISO 27001\n\n| Annex A Ref | Title | Applicable | Justification |\n|---|---|---|---|\n| 5.1 | Policies | Yes | Baseline |\n\n| Req. | Requirement | Status |\n|---|---|---|\n| 5.2 | Roles | Done |\n";
    let repo = Fixture::new().file("matrix.md", page).dir("out");
    import(&repo, &["matrix.md", "-o", "out"]).code(0);
    let soc2 = read(&repo, "out/controls/soc2.yaml");
    let iso = read(&repo, "out/controls/iso27001.yaml");
    for id in ["CC1.1", "CC2.1", "CC3.1"] {
        assert!(soc2.contains(&format!("- id: {id}\n")), "{id}: {soc2}");
    }
    assert!(soc2.contains("title: The board sets the tone"), "{soc2}");
    assert!(soc2.contains("title: Objectives are clear"), "{soc2}");
    // Beside an applicability column a bare number is Annex A; elsewhere a clause.
    assert!(
        iso.contains("- id: A.5.1\n") && iso.contains("- id: '5.2'\n"),
        "{iso}"
    );
    assert!(!repo.path().join("out/backlog").exists());
    // Without a title column, the page still says what it needs, in words.
    let repo = Fixture::new().file(
        "bare.md",
        "# SOC 2\n\n| Ref | Frequency |\n|---|---|\n| x | y |\n",
    );
    let assert = import(&repo, &["bare.md"]).code(2);
    assert_notes(
        &stderr(&assert),
        &[
            "a table of recurring activities a title/name/control name/control title column and a frequency",
        ],
    );
}

#[test]
fn a_byte_order_mark_hides_neither_front_matter_nor_title() {
    let front = "\u{feff}---\nframework: popia\ntitle: Privacy work\n---\n\n| Task | Due |\n|---|---|\n| Name an information officer | 2026-03-01 |\n";
    let titled = "\u{feff}# SOC 2 follow-ups\n\n| Task | Due |\n|---|---|\n| Rotate the keys | 2026-03-01 |\n";
    let repo = Fixture::new().file("a.md", front).file("b.md", titled);
    let a = stdout(&import(&repo, &["a.md", "--framework", "iso27001"]).code(0));
    assert!(a.contains("framework: popia"), "{a}");
    let b = stdout(&import(&repo, &["b.md"]).code(0));
    assert!(b.contains("framework: soc2"), "{b}");
}

#[test]
fn numbered_control_headings_keep_their_control_and_say_what_they_skip() {
    let page = "# ISO 27001 control narratives\n\n## 1 Introduction\n\n### 1.2 Purpose of this page\n\nWhy we write narratives.\n\n### 8.24 Use of cryptography ⏳\n\n**Owner:** Platform\n**Target date:** 2026-06-30\n\n### a.8.25 Secure development life cycle\n\n**Status:** Implemented\n**Owner:** Engineering\n\n### 8.26 Application security requirements\n\n- Status: Partial\n- Owner: Engineering\n";
    let repo = Fixture::new().file("narratives.md", page);
    let assert = import(&repo, &["narratives.md"]).code(0);
    let out = stdout(&assert);
    assert!(out.contains("controls:\n  - A.8.24\n"), "{out}");
    assert!(
        out.contains("- id: A.8.25\n") && out.contains("- id: A.8.26\n"),
        "{out}"
    );
    assert_notes(
        &stderr(&assert),
        &[
            "narratives.md:5: note: heading `1.2 Purpose of this page` has an id but nothing comply reads under it",
            "narratives.md:9: note: heading `8.24 Use of cryptography` has a due date or a task, so it is item NARRATIVES-USE-OF-CRYPTOGRAPHY and control A.8.24 is in its controls",
            "narratives.md:14: note: id `a.8.25` written in lower case; imported as A.8.25",
        ],
    );
}

#[test]
fn evidence_in_links_images_brackets_and_lists_and_nested_or_contradicted_checkboxes() {
    let repo = Fixture::new()
        .file("evidence-forms.md", &page("evidence-forms.md"))
        .dir("out");
    let assert = import(&repo, &["evidence-forms.md", "-o", "out"]).code(0);
    let controls = read(&repo, "out/controls/soc2.yaml");
    let backlog = read(&repo, "out/backlog/evidence-forms.yaml");
    insta::assert_snapshot!("import_evidence_forms", format!("{controls}---\n{backlog}"));
    for path in [
        "evidence/skills-matrix.xlsx",
        "evidence/lms/completions.csv",
        "evidence/hr/charter.pdf",
        "evidence/hr/org.png",
        "evidence/comms/status-page.md",
        "evidence/comms/letter.pdf",
        "evidence/monitoring/dashboards.json",
        "evidence/monitoring/alerts.yaml",
    ] {
        assert!(controls.contains(path), "{path} missing:\n{controls}");
    }
    assert!(backlog.contains("  - CC4.1\n  - CC4.2\n"), "{backlog}");
    assert!(backlog.contains("title: Freeze the scope"), "{backlog}");
    assert!(backlog.contains("title: Choose the auditor"), "{backlog}");
    assert_notes(
        &stderr(&assert),
        &[
            "evidence-forms.md:23: note: HTML block `<div>` not imported",
            "the checkbox is not ticked but the text says done: `✔ Archive last year's evidence`; imported as open",
            "the checkbox is not ticked but the text says done: `Renew the insurance — completed 2026-01-05`",
            "the checkbox is ticked but the text says not done: `Not started`",
        ],
    );
    assert!(backlog.contains("  - CC2.2\n  - CC2.3\n"), "{backlog}");
}

#[test]
fn a_framework_already_held_by_another_controls_file_is_refused() {
    let repo = Fixture::new()
        .file("soa.md", SOA_WITH_STATUS)
        .file(
            "out/controls/iso.yaml",
            "framework: iso27001\nname: ISO\ncontrols:\n  - id: A.5.1\n    title: Policies\n    status: planned\n",
        );
    let assert = import(&repo, &["soa.md", "-o", "out", "--framework", "iso27001"]).code(2);
    assert_notes(
        &stderr(&assert),
        &[
            "framework `iso27001` from soa.md would be written to `out/controls/iso27001.yaml`, but `out/controls/iso.yaml` already holds it",
        ],
    );
    assert!(!repo.path().join("out/controls/iso27001.yaml").exists());
}

#[test]
fn merge_keeps_a_stored_last_done_over_one_worked_out_from_next_due() {
    let page = "# SOC 2 rhythm\n\n| Activity | Frequency | Next due |\n|---|---|---|\n| Firewall rule review | Quarterly | 2026-04-01 |\n";
    let repo = Fixture::new().file("rhythm.md", page).dir("out");
    import(&repo, &["rhythm.md", "-o", "out"]).code(0);
    let written = read(&repo, "out/reviews/rhythm.yaml");
    assert!(written.contains("last_done: 2026-01-01"), "{written}");
    std::fs::write(
        repo.path().join("out/reviews/rhythm.yaml"),
        written.replace("last_done: 2026-01-01", "last_done: 2026-01-07"),
    )
    .unwrap_or_default();
    let assert = import(&repo, &["rhythm.md", "-o", "out", "--merge"]).code(0);
    assert!(read(&repo, "out/reviews/rhythm.yaml").contains("last_done: 2026-01-07"));
    assert_notes(&stderr(&assert), &["last_done (not read from the page)"]);
}
