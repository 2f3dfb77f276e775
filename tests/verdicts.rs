//! Verdicts you can trust: the gate fails closed, risk acceptances cover
//! what `validate` accepts, CI formats and reports agree with the gate, and
//! text from users' files cannot act on a terminal or a CI log.

mod common;

use std::path::Path;
use std::process::Command as Process;

use common::{Fixture, commit_all, comply, git, json, stderr, stdout};
use serde_json::Value;

/// A framework `fw` with a recurring control `REC` (monthly, last proven by
/// a commit of 2025-01-01, so overdue in June), an implemented control
/// `PROVEN` whose evidence is missing, items in every gate state, and a
/// review long overdue; committed to git.
fn governed() -> Fixture {
    let repo = uncommitted();
    git(repo.path(), &["init", "-q"], None);
    commit_all(repo.path(), "2025-01-01");
    repo
}

fn uncommitted() -> Fixture {
    Fixture::new()
        .file(
            "controls/fw.yaml",
            "framework: fw\nname: Framework\ncontrols:\n  - id: REC\n    title: Recurring check\n    status: implemented\n    cadence: monthly\n    severity: high\n    evidence: [evidence/rec.md]\n  - id: PROVEN\n    title: Claimed but unproven\n    status: implemented\n    evidence: [evidence/gone.md]\n",
        )
        .file(
            "controls/other.yaml",
            "framework: other\nname: Other\ncontrols:\n  - id: O1\n    title: Other control\n    status: planned\n",
        )
        .file(
            "backlog/items.yaml",
            "framework: fw\nitems:\n  - id: DONE-NOPROOF\n    title: Done without proof\n    risk: high\n    status: done\n    done: 2025-01-10\n    evidence: [evidence/missing.md]\n  - id: LATE\n    title: Late\n    risk: high\n    due: 2025-01-01\n",
        )
        .file(
            "backlog/other.yaml",
            "framework: other\nitems:\n  - id: O-LATE\n    title: Other late\n    risk: high\n    due: 2025-01-01\n",
        )
        .file(
            "reviews/r.yaml",
            "reviews:\n  - id: REV\n    title: Quarterly review\n    framework: fw\n    cadence: quarterly\n    last_done: 2024-01-01\n    risk: high\n",
        )
        .file("evidence/rec.md", "checked in January\n")
}

fn acceptances(entries: &[(&str, &str)]) -> String {
    let mut text = String::from("exceptions:\n");
    for (target, expires) in entries {
        text.push_str(&format!(
            "  - target: {target}\n    reason: Accepted for the test\n    approved_by: CISO\n    approved_on: 2025-01-01\n    expires: {expires}\n"
        ));
    }
    text
}

/// `check --format json ARGS --as-of AS_OF` on `repo`, expecting `code`.
fn check_json(repo: &Fixture, args: &[&str], as_of: &str, code: i32) -> Value {
    let mut all = vec!["check", "--format", "json"];
    all.extend(args);
    all.extend(["--as-of", as_of]);
    json(&repo.run(&all).code(code))
}

fn offender_keys(doc: &serde_json::Value, list: &str) -> Vec<String> {
    let mut keys: Vec<String> = doc[list]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|o| format!("{} {} {}", o["kind"], o["id"], o["reason"]).replace('"', ""))
                .collect()
        })
        .unwrap_or_default();
    keys.sort();
    keys
}

#[test]
fn a_monorepo_folder_without_comply_yaml_fails_closed() {
    let dir = tempfile::tempdir().expect("tempdir");
    git(dir.path(), &["init", "-q"], None);
    std::fs::create_dir_all(dir.path().join("services/api")).expect("dirs");
    let mut cmd = assert_cmd::Command::cargo_bin("comply").expect("binary");
    let assert = cmd
        .current_dir(dir.path().join("services/api"))
        .env_remove("GITHUB_STEP_SUMMARY")
        .args(["check", "--format", "junit", "--as-of", "2025-06-01"])
        .assert()
        .code(2);
    assert!(stdout(&assert).is_empty(), "{}", stdout(&assert));
    assert!(
        stderr(&assert).contains("nothing to check in"),
        "{}",
        stderr(&assert)
    );
}

#[test]
fn the_root_is_the_nearest_comply_yaml_above_the_working_directory() {
    let dir = tempfile::tempdir().expect("tempdir");
    git(dir.path(), &["init", "-q"], None);
    let compliance = dir.path().join("compliance");
    std::fs::create_dir_all(compliance.join("controls/deep")).expect("dirs");
    std::fs::write(compliance.join("comply.yaml"), "name: Nested\n").expect("write");
    std::fs::write(
        compliance.join("controls/fw.yaml"),
        "framework: fw\ncontrols:\n  - id: C1\n    title: T\n    status: planned\n",
    )
    .expect("write");
    let mut cmd = assert_cmd::Command::cargo_bin("comply").expect("binary");
    let assert = cmd
        .current_dir(compliance.join("controls/deep"))
        .args(["-v", "status", "--as-of", "2025-06-01"])
        .assert()
        .code(0);
    assert!(
        stdout(&assert).starts_with("Nested as of"),
        "{}",
        stdout(&assert)
    );
    assert!(
        stderr(&assert).contains("(the nearest comply.yaml above the current directory)"),
        "{}",
        stderr(&assert)
    );
}

#[test]
fn every_command_says_its_root_when_verbose() {
    let repo = governed();
    for args in [&["-v", "status"][..], &["-v", "trend"], &["-v", "validate"]] {
        let assert = comply(repo.path()).args(args).assert();
        assert!(
            stderr(&assert).contains("comply: root "),
            "{args:?}: {}",
            stderr(&assert)
        );
    }
}

#[test]
fn status_figures_and_gap_lists_count_the_same_controls() {
    let repo = governed();
    let status = json(
        &repo
            .run(&["status", "--format", "json", "--as-of", "2025-06-01"])
            .code(0),
    );
    let gaps = json(
        &repo
            .run(&["gaps", "--format", "json", "--as-of", "2025-06-01"])
            .code(0),
    );
    for f in status["frameworks"].as_array().into_iter().flatten() {
        let id = f["id"].as_str().unwrap_or_default();
        let count = |list: &str| {
            gaps[list]
                .as_array()
                .map_or(0, |a| a.iter().filter(|c| c["framework"] == id).count())
        };
        assert_eq!(f["gaps"], count("gaps"), "gaps of {id}");
        assert_eq!(f["unproven"], count("unproven"), "unproven of {id}");
    }
    assert_eq!(status["frameworks"][0]["unproven"], 1, "{status}");
}

#[test]
fn an_acceptance_of_an_evidence_path_covers_done_without_evidence() {
    let repo = governed().file(
        "exceptions/a.yaml",
        &acceptances(&[
            ("evidence/missing.md", "2025-12-31"),
            ("LATE", "2025-12-31"),
            ("O-LATE", "2025-12-31"),
            ("REV", "2025-12-31"),
            ("REC", "2025-12-31"),
        ]),
    );
    repo.run(&["validate"]).code(0);
    let doc = check_json(&repo, &[], "2025-06-01", 0);
    assert_eq!(offender_keys(&doc, "offenders"), Vec::<String>::new());
    assert_eq!(
        offender_keys(&doc, "accepted"),
        [
            "item DONE-NOPROOF done-without-evidence",
            "item LATE overdue",
            "item O-LATE overdue",
            "review REV overdue",
            "review fw:REC overdue",
        ]
    );
}

#[test]
fn a_recurring_control_is_covered_by_its_bare_or_qualified_id() {
    for target in ["REC", "fw:REC"] {
        let repo = governed().file("exceptions/a.yaml", &acceptances(&[(target, "2025-12-31")]));
        let doc = check_json(&repo, &[], "2025-06-01", 1);
        assert_eq!(
            offender_keys(&doc, "accepted"),
            ["review fw:REC overdue"],
            "{target}"
        );
    }
}

#[test]
fn validate_rejects_targets_the_gate_would_not_honour() {
    let repo = governed()
        .file(
            "controls/third.yaml",
            "framework: third\ncontrols:\n  - id: PROVEN\n    title: Same id\n    status: planned\n",
        )
        .file(
            "exceptions/a.yaml",
            &acceptances(&[
                ("evidence/not-listed.md", "2025-12-31"),
                ("PROVEN", "2025-12-31"),
                ("nope:LATE", "2025-12-31"),
            ]),
        );
    let err = stderr(&repo.run(&["validate"]).code(2));
    assert!(
        err.contains("exceptions/a.yaml:2:5: error[unknown-reference]: risk acceptance names `evidence/not-listed.md`"),
        "{err}"
    );
    assert!(
        err.contains("risk acceptance names `PROVEN`, which names several things: control fw:PROVEN, control third:PROVEN (write `framework:id` for a control"),
        "{err}"
    );
    assert!(err.contains("names `nope:LATE`"), "{err}");
}

#[test]
fn junit_counts_every_offender_kind_and_validates_against_the_schema() {
    let repo = governed()
        .file(
            "backlog/odd.yaml",
            "framework: fw\nitems:\n  - id: ODD\n    title: \"Odd \\uFFFE title \\u001B[2J with <xml> & \\\"quotes\\\"\"\n    risk: critical\n    due: 2025-02-01\n",
        )
        .file(
            "exceptions/a.yaml",
            &acceptances(&[("LATE", "2025-12-31"), ("O-LATE", "2025-03-01")]),
        );
    let assert = repo
        .run(&["check", "--format", "junit", "--as-of", "2025-06-01"])
        .code(1);
    let xml = stdout(&assert);
    let doc = check_json(&repo, &[], "2025-06-01", 1);
    let offenders = doc["offenders"].as_array().map_or(0, Vec::len);
    // DONE-NOPROOF, ODD, O-LATE (its acceptance ran out), REV, fw:REC, and
    // the expired acceptance itself.
    assert_eq!(offenders, 6, "{doc}");
    assert_eq!(xml.matches("<failure ").count(), offenders, "{xml}");
    assert!(xml.contains(r#"failures="6" errors="0""#), "{xml}");
    assert!(xml.contains(r#"type="acceptance-expired""#), "{xml}");
    assert!(
        xml.contains(r#"<testcase classname="comply.fw.review" name="REV" time="0">"#),
        "{xml}"
    );
    assert_eq!(
        xml.matches("<skipped ").count(),
        1,
        "LATE is accepted: {xml}"
    );
    assert!(
        xml.contains("risk accepted by CISO until 2025-12-31: Accepted for the test"),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<testsuite name="comply check" "#),
        "stable suite name: {xml}"
    );
    assert!(xml.contains(r#"timestamp="2025-06-01T00:00:00""#), "{xml}");
    assert!(
        !xml.contains('\u{fffe}') && !xml.contains('\u{1b}'),
        "{xml}"
    );
    assert!(xml.contains("\\u{fffe}"), "{xml}");
    validate_junit(&xml);
}

/// Validates `xml` against Jenkins' junit-10.xsd (tests/xsd) with Python's
/// xmlschema package. CI installs it and sets COMPLY_XSD=1, which makes a
/// missing validator a failure; elsewhere the check is skipped, saying so.
fn validate_junit(xml: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("junit.xml");
    std::fs::write(&file, xml).expect("write");
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/xsd");
    let run = Process::new("python3")
        .arg(here.join("validate.py"))
        .arg(here.join("junit-10.xsd"))
        .arg(&file)
        .output();
    let required = std::env::var_os("COMPLY_XSD").is_some();
    match run {
        Ok(out) if out.status.success() => {}
        Ok(out) if out.status.code() == Some(3) && !required => {
            eprintln!("skipped the junit-10.xsd check: python3 has no xmlschema package");
        }
        Ok(out) => panic!(
            "JUnit output does not validate against junit-10.xsd: {}\n{xml}",
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) if !required => eprintln!("skipped the junit-10.xsd check: {e}"),
        Err(e) => panic!("cannot run python3: {e}"),
    }
}

#[test]
fn github_format_warns_of_acceptances_ending_and_writes_the_step_summary() {
    let repo = governed().file("exceptions/a.yaml", &acceptances(&[("LATE", "2025-06-10")]));
    let summary = repo.path().join("summary.md");
    std::fs::write(&summary, "earlier step\n").expect("write");
    let assert = comply(repo.path())
        .env("GITHUB_STEP_SUMMARY", &summary)
        .args(["check", "--format", "github", "--as-of", "2025-06-01"])
        .assert()
        .code(1);
    let out = stdout(&assert);
    assert!(
        out.contains("::warning file=exceptions/a.yaml,line=2,title=comply%3A risk acceptance of LATE ends soon::the risk acceptance of LATE approved by CISO ends on 2025-06-10"),
        "{out}"
    );
    assert!(
        out.contains("::notice file=backlog/items.yaml,line=9,"),
        "{out}"
    );
    let written = std::fs::read_to_string(&summary).expect("summary");
    assert!(
        written.starts_with("earlier step\n# comply check:"),
        "{written}"
    );
    assert!(
        written.contains("| DONE-NOPROOF | Done without proof | high |"),
        "{written}"
    );
    assert!(
        written.contains("## <a id=\"acceptances\"></a>Risk acceptances"),
        "{written}"
    );
    assert!(written.contains("| LATE | expiring | CISO |"), "{written}");
}

#[test]
fn a_framework_report_ignores_another_frameworks_expired_acceptance() {
    let repo = Fixture::new()
        .file(
            "controls/a.yaml",
            "framework: a\ncontrols:\n  - id: A1\n    title: T\n    status: planned\n",
        )
        .file(
            "controls/b.yaml",
            "framework: b\ncontrols:\n  - id: B1\n    title: T\n    status: planned\n",
        )
        .file(
            "backlog/b.yaml",
            "framework: b\nitems:\n  - id: B-LATE\n    title: Late in b\n    risk: high\n    due: 2025-01-01\n",
        )
        .file("exceptions/x.yaml", &acceptances(&[("B-LATE", "2025-02-01")]));
    let doc = json(
        &repo
            .run(&[
                "report",
                "--format",
                "json",
                "--framework",
                "a",
                "--as-of",
                "2025-06-01",
            ])
            .code(0),
    );
    assert_eq!(doc["gate"]["passed"], true, "{}", doc["gate"]);
    assert_eq!(doc["gate"]["acceptances"].as_array().map_or(9, Vec::len), 0);
    let doc = json(
        &repo
            .run(&[
                "report",
                "--format",
                "json",
                "--framework",
                "b",
                "--as-of",
                "2025-06-01",
            ])
            .code(0),
    );
    assert_eq!(doc["gate"]["passed"], false);
    assert_eq!(offender_keys(&doc["gate"], "offenders").len(), 2);
}

#[test]
fn reports_show_acceptances_and_the_offenders_they_cover() {
    let repo = governed().file(
        "exceptions/a.yaml",
        &acceptances(&[("LATE", "2025-06-10"), ("REV", "2025-02-01")]),
    );
    for format in ["markdown", "html"] {
        let text = stdout(
            &repo
                .run(&["report", "--format", format, "--as-of", "2025-06-01"])
                .code(0),
        );
        assert!(text.contains("Accepted risks"), "{format}");
        assert!(text.contains("Risk acceptances"), "{format}");
        for word in ["expiring", "expired"] {
            assert!(text.contains(word), "{format} lacks {word}");
        }
        // The HTML page keeps each date on one line with a span.
        let text = text.replace("<span class=\"nowrap\">", "");
        assert!(text.contains("risk accepted until 2025-06-10"), "{format}");
    }
    let doc = json(
        &repo
            .run(&["report", "--format", "json", "--as-of", "2025-06-01"])
            .code(0),
    );
    let states: Vec<&str> = doc["gate"]["acceptances"]
        .as_array()
        .map(|a| a.iter().filter_map(|x| x["state"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(states, ["expiring", "expired"]);
    assert_eq!(doc["gate"]["accepted"][0]["approved_by"], "CISO");
}

#[test]
fn text_from_files_cannot_forge_ci_commands_or_move_the_cursor() {
    let hostile = "Fine\\n::error file=x.yaml,line=1::forged\\u001B[2J\\u202Eevil";
    let repo = Fixture::new()
        .file(
            "controls/fw.yaml",
            "framework: fw\ncontrols:\n  - id: C1\n    title: T\n    status: planned\n",
        )
        .file(
            "backlog/items.yaml",
            &format!(
                "framework: fw\nitems:\n  - id: X1\n    title: \"{hostile}\"\n    owner: \"Ops\\r\\n::warning::x\"\n    risk: high\n    due: 2025-01-01\n  - id: X2\n    title: t\n    risk: low\n    \"bad\\nkey::error::\": 1\n"
            ),
        );
    let check = |args: &[&str]| {
        let assert = repo.run(args);
        let all = format!("{}{}", stdout(&assert), stderr(&assert));
        for line in all.lines() {
            assert!(!line.starts_with("::"), "{args:?}: {line}");
            assert!(
                !line.contains('\u{1b}') && !line.contains('\u{202e}'),
                "{args:?}: {line:?}"
            );
        }
        all
    };
    let out = check(&["validate"]);
    assert!(out.contains("bad\\nkey::error::"), "{out}");
    let fixed = repo.path().join("backlog/items.yaml");
    let text = std::fs::read_to_string(&fixed).expect("read");
    std::fs::write(&fixed, text.replace("    \"bad\\nkey::error::\": 1\n", "")).expect("write");
    for args in [
        &["check", "--as-of", "2025-06-01"][..],
        &["status", "--as-of", "2025-06-01"],
        &["due", "--as-of", "2025-06-01"],
        &["validate"],
    ] {
        let out = check(args);
        if args[0] == "check" {
            assert!(
                out.contains("X1 [high] Fine\\n::error file=x.yaml,line=1::forged\\u{001b}[2J\\u{202e}evil: overdue"),
                "{out}"
            );
        }
    }
    git(repo.path(), &["init", "-q"], None);
    commit_all(repo.path(), "2025-01-01T10:00:00");
    let text = std::fs::read_to_string(&fixed).expect("read");
    std::fs::write(&fixed, text.replace("due: 2025-01-01", "due: 2025-03-01")).expect("write");
    commit_all(repo.path(), "2025-02-01T10:00:00");
    check(&["diff", "HEAD~1", "HEAD"]);
}

#[test]
fn quiet_prints_only_what_fails_and_warnings_go_to_stderr() {
    let repo = governed().file(
        "exceptions/a.yaml",
        &acceptances(&[
            ("LATE", "2025-06-10"),
            ("O-LATE", "2025-12-31"),
            ("REV", "2025-12-31"),
            ("REC", "2025-12-31"),
            ("DONE-NOPROOF", "2025-12-31"),
        ]),
    );
    let loud = repo.run(&["check", "--as-of", "2025-06-01"]).code(0);
    assert!(
        stdout(&loud).contains("accepted: LATE"),
        "{}",
        stdout(&loud)
    );
    assert!(!stdout(&loud).contains("warning"), "{}", stdout(&loud));
    assert!(
        stderr(&loud).contains("warning: exceptions/a.yaml:2: risk acceptance of LATE expires")
    );
    let quiet = repo.run(&["-q", "check", "--as-of", "2025-06-01"]).code(0);
    assert_eq!(stdout(&quiet), "");
    assert_eq!(stderr(&quiet), "");

    let failing = governed();
    let quiet = failing
        .run(&["-q", "check", "--as-of", "2025-06-01"])
        .code(1);
    let out = stdout(&quiet);
    assert!(
        out.lines().all(|l| l.starts_with("backlog/")
            || l.starts_with("reviews/")
            || l.starts_with("controls/")
            || l.starts_with("gate failed")),
        "{out}"
    );
    assert_eq!(stderr(&quiet), "");
}

#[test]
fn a_repository_without_commits_has_no_trend_and_a_report_without_a_chart() {
    let repo = uncommitted();
    git(repo.path(), &["init", "-q"], None);
    let assert = repo.run(&["trend", "--as-of", "2025-06-01"]).code(0);
    assert!(stdout(&assert).contains("Trend (0)"), "{}", stdout(&assert));
    assert!(
        stderr(&assert).contains("no history yet"),
        "{}",
        stderr(&assert)
    );
    let html = stdout(
        &repo
            .run(&["report", "--format", "html", "--as-of", "2025-06-01"])
            .code(0),
    );
    assert!(html.contains("<svg"), "the open-items chart stays");
    assert!(!html.contains("Open, overdue"), "no trend chart");
}

#[test]
fn an_unwritable_step_summary_warns_and_keeps_the_verdict() {
    let repo = governed();
    let assert = comply(repo.path())
        .env("GITHUB_STEP_SUMMARY", repo.path().join("controls"))
        .args(["check", "--format", "github", "--as-of", "2025-06-01"])
        .assert()
        .code(1);
    assert!(
        stderr(&assert).contains("warning: GITHUB_STEP_SUMMARY: cannot open"),
        "{}",
        stderr(&assert)
    );
    assert!(stdout(&assert).contains("::error title=comply check::gate failed"));
}

#[test]
fn records_sharing_a_line_are_separate_junit_cases() {
    let repo = Fixture::new()
        .file(
            "controls/f.yaml",
            "framework: f\ncontrols:\n  - {id: C1, title: c, status: planned}\n",
        )
        .file(
            "backlog/b.yaml",
            "items: [{id: LATE, title: late, framework: f, risk: high, due: 2026-01-01}, {id: FINE, title: fine, framework: f, risk: high, due: 2027-01-01}, {id: ACC, title: accepted, framework: f, risk: high, due: 2026-01-01}]\n",
        )
        .file(
            "exceptions/e.yaml",
            "exceptions: [{target: ACC, reason: ok, approved_by: Boss, approved_on: 2026-01-01, expires: 2026-12-01}, {target: ACC, reason: again, approved_by: Boss, approved_on: 2026-01-01, expires: 2026-11-01}]\n",
        );
    let xml = stdout(
        &repo
            .run(&["check", "--format", "junit", "--as-of", "2026-06-15"])
            .code(1),
    );
    assert!(
        xml.contains(r#"failures="1" errors="0" skipped="1""#),
        "{xml}"
    );
    let fine = xml
        .split(r#"name="FINE""#)
        .nth(1)
        .and_then(|rest| rest.split("</testcase>").next())
        .unwrap_or_default();
    assert!(
        !fine.contains("<failure") && !fine.contains("<skipped"),
        "{xml}"
    );
    assert!(xml.contains(r#"name="ACC (exceptions/e.yaml:1)""#), "{xml}");
    assert_eq!(
        xml.matches(r#"name="ACC (exceptions/e.yaml:1)""#).count(),
        2,
        "{xml}"
    );
    validate_junit(&xml);
}

/// A critical monthly control proven by a commit of 2025-01-01, cloned
/// with only the newest commit.
fn shallow_recurring() -> (tempfile::TempDir, std::path::PathBuf) {
    let repo = Fixture::new()
        .file(
            "controls/f.yaml",
            "framework: f\ncontrols:\n  - {id: BACKUP, title: Restore test, status: implemented, severity: critical, cadence: monthly, evidence: [ev/restore.md]}\n",
        )
        .file("ev/restore.md", "done\n");
    git(repo.path(), &["init", "-q"], None);
    commit_all(repo.path(), "2025-01-01");
    std::fs::write(repo.path().join("README"), "x").expect("write");
    commit_all(repo.path(), "2026-06-01");
    let clone = tempfile::tempdir().expect("tempdir");
    let url = format!("file://{}", repo.path().display());
    git(
        clone.path(),
        &["clone", "-q", "--depth", "1", &url, "c"],
        None,
    );
    let root = clone.path().join("c");
    (clone, root)
}

#[test]
fn a_gate_that_cannot_date_recurring_work_refuses_to_pass() {
    let (_keep, root) = shallow_recurring();
    let run = |args: &[&str], code: i32| {
        let assert = comply(&root)
            .args(args)
            .arg("--as-of=2026-06-15")
            .assert()
            .code(code);
        (stdout(&assert), stderr(&assert))
    };
    for format in ["table", "github", "junit", "json"] {
        let (out, err) = run(&["check", "--format", format], 2);
        assert!(out.is_empty(), "{format}: {out}");
        assert!(
            err.contains("error: the gate needs git history"),
            "{format}: {err}"
        );
    }
    let (_, err) = run(&["-q", "check"], 2);
    assert!(err.contains("--without-history"), "{err}");
    let (_, err) = run(&["check", "--without-history"], 0);
    assert!(err.contains("shallow clone"), "{err}");
}

/// A repository whose item I1 is done with evidence ev/proof.md, committed,
/// then the proof removed.
fn proof_removed() -> Fixture {
    let repo = Fixture::new()
        .file(
            "controls/f.yaml",
            "framework: f\ncontrols:\n  - {id: C1, title: c, status: planned}\n",
        )
        .file(
            "backlog/b.yaml",
            "items:\n  - {id: I1, title: t, framework: f, risk: high, status: done, done: 2026-01-01, evidence: [ev/proof.md]}\n",
        )
        .file("ev/proof.md", "proof\n");
    git(repo.path(), &["init", "-q"], None);
    commit_all(repo.path(), "2026-01-02");
    std::fs::remove_file(repo.path().join("ev/proof.md")).expect("remove");
    repo
}

#[test]
fn the_ratchet_honours_acceptances_and_its_formats() {
    let repo = proof_removed();
    let assert = repo
        .run(&[
            "check",
            "--baseline",
            "HEAD",
            "--format",
            "github",
            "--as-of",
            "2026-06-15",
        ])
        .code(1);
    let out = stdout(&assert);
    assert!(out.lines().all(|l| l.starts_with("::")), "{out}");
    assert!(
        out.contains(
            "::error file=backlog/b.yaml,line=2,title=comply ratchet%3A evidence ev/proof.md::evidence of I1 is now missing"
        ),
        "{out}"
    );
    let assert = repo
        .run(&[
            "check",
            "--baseline",
            "HEAD",
            "--format",
            "junit",
            "--as-of",
            "2026-06-15",
        ])
        .code(2);
    assert!(stdout(&assert).is_empty());
    assert!(
        stderr(&assert).contains("--baseline"),
        "{}",
        stderr(&assert)
    );
    for target in ["ev/proof.md", "I1"] {
        let accepted = repo.path().join("exceptions/e.yaml");
        std::fs::create_dir_all(repo.path().join("exceptions")).expect("dir");
        std::fs::write(
            &accepted,
            format!("exceptions:\n  - {{target: {target}, reason: r, approved_by: B, approved_on: 2026-06-01, expires: 2026-12-01}}\n"),
        )
        .expect("write");
        repo.run(&["check", "--as-of", "2026-06-15"]).code(0);
        let assert = repo
            .run(&["check", "--baseline", "HEAD", "--as-of", "2026-06-15"])
            .code(0);
        assert!(
            stdout(&assert).contains("ratchet passed: 0 worse"),
            "{target}: {}",
            stdout(&assert)
        );
    }
}

#[test]
fn quiet_github_output_holds_only_failures() {
    let repo = Fixture::new()
        .file(
            "controls/f.yaml",
            "framework: f\ncontrols:\n  - {id: C1, title: c, status: planned}\n",
        )
        .file(
            "backlog/b.yaml",
            "items:\n  - {id: I1, title: t, framework: f, risk: high, due: 2026-01-01}\n  - {id: I2, title: t2, framework: f, risk: high, due: 2026-01-01}\n",
        )
        .file(
            "exceptions/e.yaml",
            "exceptions:\n  - {target: I1, reason: r, approved_by: B, approved_on: 2026-01-01, expires: 2026-06-20}\n",
        );
    let assert = repo
        .run(&["-q", "check", "--format", "github", "--as-of", "2026-06-15"])
        .code(1);
    let out = stdout(&assert);
    assert!(out.lines().all(|l| l.starts_with("::error ")), "{out}");
    assert_eq!(out.lines().count(), 2, "{out}");
    let passing = repo.path().join("backlog/b.yaml");
    std::fs::write(
        &passing,
        "items:\n  - {id: I1, title: t, framework: f, risk: high, due: 2026-01-01}\n",
    )
    .expect("write");
    let assert = repo
        .run(&["-q", "check", "--format", "github", "--as-of", "2026-06-15"])
        .code(0);
    assert_eq!(stdout(&assert), "");
}

#[test]
fn pending_acceptances_are_shown_and_expired_ones_keep_their_targets_risk() {
    let repo = Fixture::new()
        .file(
            "controls/f.yaml",
            "framework: f\ncontrols:\n  - {id: C1, title: c, status: planned}\n",
        )
        .file(
            "backlog/b.yaml",
            "items:\n  - {id: I-FUT, title: t, framework: f, risk: high, due: 2026-01-01}\n  - {id: I-LOW, title: low, framework: f, risk: low, due: 2027-01-01}\n",
        )
        .file(
            "exceptions/e.yaml",
            "exceptions:\n  - {target: I-FUT, reason: later, approved_by: B, approved_on: 2026-07-01, expires: 2026-12-31}\n  - {target: I-LOW, reason: gone, approved_by: B, approved_on: 2026-01-01, expires: 2026-02-01}\n",
        );
    let doc = check_json(&repo, &[], "2026-06-15", 1);
    let states: Vec<&str> = doc["acceptances"]
        .as_array()
        .map(|a| a.iter().filter_map(|x| x["state"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(states, ["pending", "expired"], "{doc}");
    assert_eq!(
        offender_keys(&doc, "offenders"),
        ["item I-FUT overdue"],
        "the low item's expired acceptance does not fail a high gate: {doc}"
    );
    let doc = json(
        &repo
            .run(&[
                "check",
                "--format",
                "json",
                "--fail-on",
                "low",
                "--as-of",
                "2026-06-15",
            ])
            .code(1),
    );
    let expired: Vec<&Value> = doc["offenders"]
        .as_array()
        .map(|a| a.iter().filter(|o| o["kind"] == "acceptance").collect())
        .unwrap_or_default();
    assert_eq!(expired.len(), 1, "{doc}");
    assert_eq!(expired[0]["risk"], "low", "{doc}");
    let report = stdout(&repo.run(&["report", "--as-of", "2026-06-15"]).code(0));
    assert!(
        report.contains("| [I-FUT](#item-i-fut) | pending |"),
        "{report}"
    );
}

#[test]
fn an_unknown_framework_filter_is_an_error_not_an_empty_pass() {
    let repo = governed();
    for command in ["report", "due", "gaps"] {
        let assert = repo
            .run(&[command, "--framework", "nope", "--as-of", "2025-06-01"])
            .code(2);
        assert!(
            stderr(&assert).contains(
                "--framework `nope` names no framework of this repository (it has: fw, other)"
            ),
            "{command}: {}",
            stderr(&assert)
        );
        assert!(stdout(&assert).is_empty());
    }
    repo.run(&["due", "--framework", "FW", "--as-of", "2025-06-01"])
        .code(0);
}

#[test]
fn verbose_lines_errors_and_markdown_hold_no_raw_control_or_bidi_characters() {
    let hostile = "ev/x\\n::error file=x.yaml,line=1::pwned\\e[2J.md";
    let repo = Fixture::new()
        .file(
            "controls/f.yaml",
            "framework: f\ncontrols:\n  - {id: C1, title: \"spoof \\u202E\\u2066\\u2028\\uFFFE end\", status: planned}\n",
        )
        .file(
            "backlog/b.yaml",
            &format!("items:\n  - {{id: I1, title: \"t \\u202E x\", framework: f, risk: high, status: done, done: 2026-01-01, evidence: [\"{hostile}\"]}}\n"),
        );
    let assert = repo.run(&["-v", "check", "--as-of", "2026-06-15"]).code(1);
    let all = format!("{}{}", stdout(&assert), stderr(&assert));
    assert!(all.contains("pwned"), "{all}");
    for line in all.lines() {
        assert!(
            !line.starts_with("::") && !line.contains('\u{1b}'),
            "{line:?}"
        );
    }
    for format in ["markdown", "html"] {
        let text = stdout(
            &repo
                .run(&["report", "--format", format, "--as-of", "2026-06-15"])
                .code(0),
        );
        for bad in ['\u{202e}', '\u{2066}', '\u{2028}', '\u{fffe}', '\u{1b}'] {
            assert!(!text.contains(bad), "{format} holds {bad:?}");
        }
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let evil = dir.path().join("evil\n::error::rootname\u{1b}[2J");
    std::fs::create_dir_all(&evil).expect("dir");
    let mut cmd = assert_cmd::Command::cargo_bin("comply").expect("binary");
    let assert = cmd
        .current_dir(&evil)
        .args(["-v", "check"])
        .assert()
        .code(2);
    let err = stderr(&assert);
    assert!(err.contains("nothing to check in"), "{err}");
    for line in err.lines() {
        assert!(
            !line.starts_with("::") && !line.contains('\u{1b}'),
            "{line:?}"
        );
    }
}

#[test]
fn a_recurring_activity_whose_proof_is_gone_fails_the_gate() {
    let repo = Fixture::new()
        .file(
            "controls/soc2.yaml",
            "framework: soc2\ncontrols:\n  - {id: CC1.1, title: c, status: implemented, severity: high, cadence: monthly, evidence: [evidence/a.md]}\n",
        )
        .file(
            "reviews/r.yaml",
            "reviews:\n  - {id: REV-1, title: r, framework: soc2, cadence: monthly, risk: high, evidence: [evidence/a.md]}\n",
        )
        .file("evidence/a.md", "a\n");
    git(repo.path(), &["init", "-q"], None);
    commit_all(repo.path(), "2024-01-01");
    let doc = check_json(&repo, &[], "2025-12-01", 1);
    assert_eq!(
        offender_keys(&doc, "offenders"),
        ["review REV-1 overdue", "review soc2:CC1.1 overdue"]
    );
    git(repo.path(), &["rm", "-q", "evidence/a.md"], None);
    commit_all(repo.path(), "2024-02-01");
    let doc = check_json(&repo, &[], "2025-12-01", 1);
    assert_eq!(
        offender_keys(&doc, "offenders"),
        [
            "review REV-1 evidence-missing",
            "review soc2:CC1.1 evidence-missing"
        ],
        "{doc}"
    );
}

#[test]
fn status_and_report_do_not_pass_what_check_refuses_to_judge() {
    let (_keep, root) = shallow_recurring();
    let status = stdout(
        &comply(&root)
            .args(["status", "--as-of", "2026-06-15"])
            .assert()
            .code(0),
    );
    assert!(
        status.contains("gate undetermined: it depends on git history"),
        "{status}"
    );
    let doc: Value = serde_json::from_str(&stdout(
        &comply(&root)
            .args(["report", "--format", "json", "--as-of", "2026-06-15"])
            .assert()
            .code(0),
    ))
    .expect("json");
    assert_eq!(doc["gate"]["passed"], false, "{}", doc["gate"]);
    assert!(doc["gate"]["undetermined"].is_string(), "{}", doc["gate"]);
    let markdown = stdout(
        &comply(&root)
            .args(["report", "--as-of", "2026-06-15"])
            .assert()
            .code(0),
    );
    assert!(markdown.contains("Verdict: undetermined"), "{markdown}");
}

#[test]
fn an_owner_filter_that_owns_nothing_is_an_error() {
    let repo = governed().file(
        "comply.yaml",
        "owners:\n  - {name: Alice, email: a@example.com, team: Platform}\n",
    );
    let assert = repo
        .run(&["report", "--owner", "Alcie", "--as-of", "2025-06-01"])
        .code(2);
    assert!(
        stderr(&assert)
            .contains("--owner `Alcie` owns nothing in this repository (did you mean `Alice`?)"),
        "{}",
        stderr(&assert)
    );
    repo.run(&["due", "--owner", "platform", "--as-of", "2025-06-01"])
        .code(0);
    repo.run(&["due", "--owner", "Alice", "--as-of", "2025-06-01"])
        .code(0);
}

#[test]
fn a_settings_name_cannot_start_a_workflow_command() {
    let repo = governed().file("comply.yaml", "name: \"::error file=a::pwned\"\n");
    let out = stdout(&repo.run(&["status", "--as-of", "2025-06-01"]).code(0));
    assert!(out.lines().all(|l| !l.starts_with("::")), "{out}");
    assert!(
        out.starts_with("\\u{003a}:error file=a::pwned as of"),
        "{out}"
    );
}

#[test]
fn a_stale_recurring_control_offends_once_and_its_evidence_counts_once() {
    let repo = Fixture::new()
        .file("comply.yaml", "max_age_days: 90\n")
        .file(
            "controls/soc2.yaml",
            "framework: soc2\ncontrols:\n  - {id: CC1.1, title: c, status: implemented, severity: high, cadence: quarterly, evidence: [evidence/old.md, evidence/gone.md]}\n",
        )
        .file("evidence/old.md", "old\n");
    git(repo.path(), &["init", "-q"], None);
    commit_all(repo.path(), "2025-01-01");
    let doc = json(
        &repo
            .run(&[
                "check",
                "--format",
                "json",
                "--fail-on-stale",
                "--as-of",
                "2025-12-01",
            ])
            .code(1),
    );
    let stale: Vec<String> = offender_keys(&doc, "offenders")
        .into_iter()
        .filter(|k| k.ends_with("stale-evidence"))
        .collect();
    assert_eq!(stale, ["control CC1.1 stale-evidence"], "{doc}");
    let status = json(
        &repo
            .run(&["status", "--format", "json", "--as-of", "2025-12-01"])
            .code(0),
    );
    assert_eq!(status["frameworks"][0]["evidence_missing"], 1, "{status}");
    let missing = json(
        &repo
            .run(&[
                "evidence",
                "--missing",
                "--format",
                "json",
                "--as-of",
                "2025-12-01",
            ])
            .code(0),
    );
    assert_eq!(
        missing["evidence"].as_array().map_or(0, Vec::len),
        1,
        "{missing}"
    );
}

#[test]
fn a_bare_id_shared_by_a_review_and_a_control_is_refused() {
    let repo = Fixture::new()
        .file(
            "controls/soc2.yaml",
            "framework: soc2\ncontrols:\n  - {id: CC1.1, title: c, status: implemented, cadence: monthly}\n",
        )
        .file(
            "reviews/r.yaml",
            "reviews:\n  - {id: CC1.1, title: r, framework: soc2, cadence: monthly, risk: high, last_done: 2024-01-01}\n",
        )
        .file("exceptions/e.yaml", &acceptances(&[("CC1.1", "2025-12-31")]));
    let err = stderr(&repo.run(&["validate"]).code(2));
    assert!(
        err.contains("names several things: control soc2:CC1.1, review CC1.1"),
        "{err}"
    );
}

#[test]
fn check_json_lists_what_was_checked_and_escapes_bidi_characters() {
    let repo = governed().file(
        "backlog/odd.yaml",
        "framework: fw\nitems:\n  - {id: ODD, title: \"a\\u202Eb\", risk: high, due: 2025-01-01}\n",
    );
    let assert = repo
        .run(&["check", "--format", "json", "--as-of", "2025-06-01"])
        .code(1);
    let text = stdout(&assert);
    assert!(
        !text.contains('\u{202e}') && text.contains("a\\u202eb"),
        "{text}"
    );
    let doc = json(&assert);
    assert_eq!(doc["fail_on_stale"], false);
    assert!(
        doc["checked"].as_array().is_some_and(|c| c.len() > 3),
        "{doc}"
    );
}

#[test]
fn a_reader_that_stops_early_never_turns_a_failed_gate_into_a_pass() {
    let mut items = String::from("framework: fw\nitems:\n");
    for i in 0..3000 {
        items.push_str(&format!(
            "  - {{id: LATE-{i}, title: overdue item number {i} with a title long enough to fill a pipe, risk: high, due: 2025-01-01}}\n"
        ));
    }
    let repo = Fixture::new()
        .file(
            "controls/fw.yaml",
            "framework: fw\ncontrols:\n  - {id: C1, title: c, status: planned}\n",
        )
        .file("backlog/items.yaml", &items);
    for format in ["table", "json", "github", "junit"] {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("comply"))
            .args(["--root"])
            .arg(repo.path())
            .args(["check", "--format", format, "--as-of", "2026-01-01"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("runs");
        // Read a few bytes, then close the pipe, as `| head -c 10` does.
        if let Some(mut stdout) = child.stdout.take() {
            let mut first = [0u8; 10];
            let _ = std::io::Read::read(&mut stdout, &mut first);
        }
        let status = child.wait().expect("waits");
        assert_eq!(status.code(), Some(1), "{format}");
    }
}

#[test]
fn an_uncommitted_edit_of_evidence_does_not_date_a_review() {
    let repo = Fixture::new()
        .file(
            "controls/soc2.yaml",
            "framework: soc2\ncontrols:\n  - {id: CC1.1, title: c, status: implemented}\n",
        )
        .file(
            "reviews/r.yaml",
            "reviews:\n  - {id: REV-1, title: r, framework: soc2, cadence: monthly, risk: high, evidence: [evidence/a.md]}\n",
        )
        .file("evidence/a.md", "a\n");
    git(repo.path(), &["init", "-q"], None);
    commit_all(repo.path(), "2024-01-01");
    std::fs::write(repo.path().join("evidence/a.md"), "a, edited\n").expect("write");
    let doc = check_json(&repo, &[], "2025-12-01", 1);
    assert_eq!(
        offender_keys(&doc, "offenders"),
        ["review REV-1 overdue"],
        "{doc}"
    );
}

#[test]
fn two_settings_files_are_an_error_not_a_silent_choice() {
    let repo = governed()
        .file("comply.yml", "gate:\n  fail_on: low\n")
        .file("comply.yaml", "name: other\n");
    let assert = repo.run(&["check", "--as-of", "2025-06-01"]).code(2);
    assert!(
        stderr(&assert).contains("both comply.yaml and comply.yml exist"),
        "{}",
        stderr(&assert)
    );
}
