//! Shared controls and mappings on throwaway repositories: inheritance of
//! status, evidence and items, own values winning, cycles, missing targets,
//! items reached by two paths, applicability, coverage, the Statement of
//! Applicability and the CSV crosswalk import.

mod common;

use common::{Fixture, json, stderr, stdout};
use serde_json::Value;

const AS_OF: &str = "2026-01-15";

/// Three frameworks whose controls carry no status, all satisfied by one
/// shared control with evidence and an item.
fn three_frameworks(common_status: &str) -> Fixture {
    Fixture::new()
        .file(
            "controls/common.yaml",
            &format!(
                "framework: common\ncontrols:\n  - id: LOG\n    title: Central logging\n    status: {common_status}\n    evidence: [evidence/log.md]\n    satisfies: [iso:A.8.15, soc2:CC7.2, popia:S19]\n"
            ),
        )
        .file(
            "controls/iso.yaml",
            "framework: iso\ncontrols:\n  - id: A.8.15\n    title: Logging\n",
        )
        .file(
            "controls/soc2.yaml",
            "framework: soc2\ncontrols:\n  - id: CC7.2\n    title: Monitoring\n",
        )
        .file(
            "controls/popia.yaml",
            "framework: popia\ncontrols:\n  - id: S19\n    title: Safeguards\n",
        )
        .file("evidence/log.md", "# Logging\n")
        .file(
            "backlog/common.yaml",
            "framework: common\nitems:\n  - id: LOG-1\n    title: Alert thresholds\n    risk: high\n    due: 2026-01-01\n    controls: [LOG]\n",
        )
}

fn report(repo: &Fixture, args: &[&str]) -> Value {
    let mut all = vec!["report", "--format", "json", "--as-of", AS_OF];
    all.extend(args);
    json(&repo.run(&all).code(0))
}

/// The JSON output of `args` at [`AS_OF`], expecting exit 0.
fn output(repo: &Fixture, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json", "--as-of", AS_OF]);
    json(&repo.run(&all).code(0))
}

/// The Statement of Applicability of framework `iso` as CSV.
fn soa_csv(repo: &Fixture) -> String {
    stdout(
        &repo
            .run(&[
                "report",
                "soa",
                "--framework",
                "iso",
                "--format",
                "csv",
                "--as-of",
                AS_OF,
            ])
            .code(0),
    )
}

fn control<'a>(report: &'a Value, framework: &str, id: &str) -> &'a Value {
    report["controls"]
        .as_array()
        .and_then(|cs| {
            cs.iter()
                .find(|c| c["framework"] == framework && c["id"] == id)
        })
        .unwrap_or_else(|| panic!("no control {framework}:{id} in {report}"))
}

#[test]
fn one_shared_control_gives_three_frameworks_its_status_evidence_and_items() {
    let repo = three_frameworks("implemented");
    repo.run(&["validate"]).code(0);
    let report = report(&repo, &[]);
    for (framework, id) in [("iso", "A.8.15"), ("soc2", "CC7.2"), ("popia", "S19")] {
        let c = control(&report, framework, id);
        assert_eq!(c["status"], "implemented", "{c}");
        assert_eq!(c["status_from"], serde_json::json!(["common:LOG"]), "{c}");
        assert_eq!(c["evidence"][0]["path"], "evidence/log.md", "{c}");
        assert_eq!(c["evidence"][0]["state"], "present", "{c}");
        assert_eq!(c["evidence"][0]["from"], "common:LOG", "{c}");
        assert_eq!(c["backlog"], serde_json::json!(["LOG-1"]), "{c}");
        assert_eq!(c["inherited_items"], serde_json::json!(["LOG-1"]), "{c}");
    }
    // Inherited work counts on the dashboard: no gaps anywhere.
    let status = json(
        &repo
            .run(&["status", "--format", "json", "--as-of", AS_OF])
            .code(0),
    );
    for f in status["frameworks"].as_array().into_iter().flatten() {
        assert_eq!(f["gaps"], 0, "{f}");
        assert_eq!(f["ready"], f["controls"], "{f}");
    }
    // The shared item is overdue; `due --framework iso` shows it once.
    let due = json(
        &repo
            .run(&[
                "due",
                "--framework",
                "iso",
                "--format",
                "json",
                "--as-of",
                AS_OF,
            ])
            .code(0),
    );
    assert_eq!(due["overdue"].as_array().map(Vec::len), Some(1), "{due}");
    assert_eq!(due["overdue"][0]["id"], "LOG-1");
}

#[test]
fn the_weakest_source_status_counts_and_subset_relations_cap_at_partial() {
    let repo = three_frameworks("implemented")
        .file(
            "controls/other.yaml",
            "framework: other\ncontrols:\n  - id: REVIEW\n    title: Review\n    status: planned\n    satisfies: [iso:A.8.15]\n",
        )
        .file(
            "mappings/common-soc2.yaml",
            "source: common\ntarget: soc2\nmappings:\n  - { source: LOG, target: CC7.1, relation: subset }\n",
        )
        .file(
            "controls/soc2.yaml",
            "framework: soc2\ncontrols:\n  - id: CC7.2\n    title: Monitoring\n  - id: CC7.1\n    title: Detection\n",
        );
    let report = report(&repo, &[]);
    let iso = control(&report, "iso", "A.8.15");
    assert_eq!(iso["status"], "planned", "{iso}");
    assert_eq!(iso["status_from"], serde_json::json!(["other:REVIEW"]));
    let subset = control(&report, "soc2", "CC7.1");
    assert_eq!(subset["status"], "partial", "{subset}");
    assert!(
        subset.get("from").is_none() && subset["evidence"] == serde_json::json!([]),
        "{subset}"
    );
}

#[test]
fn an_own_status_and_own_evidence_win_over_inherited_ones() {
    let repo = three_frameworks("implemented")
        .file(
            "controls/iso.yaml",
            "framework: iso\ncontrols:\n  - id: A.8.15\n    title: Logging\n    status: partial\n    evidence: [evidence/iso.md]\n",
        )
        .file("evidence/iso.md", "iso\n");
    let report = report(&repo, &[]);
    let iso = control(&report, "iso", "A.8.15");
    assert_eq!(iso["status"], "partial", "{iso}");
    assert!(iso.get("status_from").is_none(), "{iso}");
    assert_eq!(iso["evidence"].as_array().map(Vec::len), Some(1), "{iso}");
    assert_eq!(iso["evidence"][0]["path"], "evidence/iso.md");
    assert!(iso["evidence"][0].get("from").is_none(), "{iso}");
    // Items still reach it through the mapping.
    assert_eq!(iso["backlog"], serde_json::json!(["LOG-1"]), "{iso}");
}

#[test]
fn a_mapping_cycle_is_an_error_naming_the_cycle() {
    let repo = Fixture::new()
        .file(
            "controls/a.yaml",
            "framework: a\ncontrols:\n  - id: X\n    title: X\n    satisfies: [b:Y]\n",
        )
        .file(
            "controls/b.yaml",
            "framework: b\ncontrols:\n  - id: Y\n    title: Y\n    status: partial\n",
        )
        .file(
            "mappings/b-a.yaml",
            "source: b\ntarget: a\nmappings:\n  - source: Y\n    target: X\n    relation: equal\n",
        );
    let err = stderr(&repo.run(&["validate"]).code(2));
    assert!(err.contains("error[mapping-cycle]"), "{err}");
    assert!(
        err.contains("mappings/b-a.yaml:4:5: error[mapping-cycle]: control `a:X` satisfies itself through a cycle: a:X -> b:Y -> a:X"),
        "{err}"
    );
    // The other commands refuse the repository too, without a panic.
    repo.run(&["status", "--as-of", AS_OF]).code(2);
}

#[test]
fn a_control_mapped_onto_itself_is_a_cycle() {
    let repo = Fixture::new().file(
        "controls/a.yaml",
        "framework: a\ncontrols:\n  - id: X\n    title: X\n    status: partial\n    satisfies: [a:X]\n",
    );
    let err = stderr(&repo.run(&["validate"]).code(2));
    assert!(err.contains("a:X -> a:X"), "{err}");
}

#[test]
fn a_mapping_onto_a_missing_control_or_with_an_unknown_relation_is_an_error() {
    let repo = three_frameworks("implemented").file(
        "mappings/common-iso.yaml",
        "source: common\ntarget: iso\nmappings:\n  - { source: LOG, target: A.8.16, relation: equal }\n  - { source: LOG, target: A.8.15, relation: equals }\n",
    );
    let err = stderr(&repo.run(&["validate"]).code(2));
    assert!(
        err.contains("mappings/common-iso.yaml:4:7: error[unknown-reference]: control `A.8.16` does not exist in framework `iso` (did you mean `A.8.15`?)"),
        "{err}"
    );
    assert!(
        err.contains("`equals` is not a valid `relation`") && err.contains("did you mean `equal`?"),
        "{err}"
    );
    let inline = three_frameworks("implemented").file(
        "controls/iso.yaml",
        "framework: iso\ncontrols:\n  - id: A.8.16\n    title: Logging\n    status: planned\n",
    );
    let err = stderr(&inline.run(&["validate"]).code(2));
    assert!(
        err.contains("controls/common.yaml:7:17: error[unknown-reference]: control `A.8.15` does not exist in framework `iso`"),
        "{err}"
    );
}

#[test]
fn an_item_reached_by_two_paths_counts_once() {
    // LOG satisfies A.8.15 directly and through MON, and LOG-1 also names
    // A.8.15 itself: one row in its backlog, one in `due`.
    let repo = three_frameworks("implemented")
        .file(
            "controls/soc2.yaml",
            "framework: soc2\ncontrols:\n  - id: CC7.2\n    title: Monitoring\n    satisfies: [iso:A.8.15]\n",
        )
        .file(
            "backlog/common.yaml",
            "framework: common\nitems:\n  - id: LOG-1\n    title: Alert thresholds\n    risk: high\n    due: 2026-01-01\n    controls: [LOG, iso:A.8.15]\n",
        );
    repo.run(&["validate"]).code(0);
    let report = report(&repo, &[]);
    let iso = control(&report, "iso", "A.8.15");
    assert_eq!(iso["backlog"], serde_json::json!(["LOG-1"]), "{iso}");
    assert_eq!(iso["evidence"].as_array().map(Vec::len), Some(1), "{iso}");
    let due = json(
        &repo
            .run(&[
                "due",
                "--framework",
                "iso",
                "--format",
                "json",
                "--as-of",
                AS_OF,
            ])
            .code(0),
    );
    assert_eq!(due["overdue"].as_array().map(Vec::len), Some(1), "{due}");
    let status = json(
        &repo
            .run(&["status", "--format", "json", "--as-of", AS_OF])
            .code(0),
    );
    // LOG-1 serves common (its own), and iso, soc2 and popia through LOG:
    // once in each of their rows, once in the total.
    for f in status["frameworks"].as_array().into_iter().flatten() {
        assert_eq!(f["items_open"], 1, "{f}");
        assert_eq!(f["overdue"], 1, "{f}");
    }
    let table = stdout(&repo.run(&["status", "--as-of", AS_OF]).code(0));
    let total: Vec<&str> = table
        .lines()
        .find(|l| l.contains("total"))
        .unwrap_or_default()
        .split('┆')
        .map(str::trim)
        .collect();
    // Controls, implemented, gaps, unproven, open items, overdue.
    assert_eq!(total.get(5..7), Some(&["1", "1"][..]), "{table}");
}

/// `validate`'s standard error on a matrix `iso` of `controls`, expecting
/// exit `code`.
fn problems(controls: &str, code: i32) -> String {
    let repo = Fixture::new().file(
        "controls/iso.yaml",
        &format!("framework: iso\ncontrols:\n{controls}"),
    );
    stderr(&repo.run(&["validate"]).code(code))
}

#[test]
fn applicability_needs_a_justification_and_the_old_status_is_a_warning() {
    let err = problems(
        "  - id: A.7.1\n    title: Perimeter\n    applicable: false\n  - id: A.7.2\n    title: Entry\n    status: not-applicable\n  - id: A.7.3\n    title: Offices\n    applicable: maybe\n",
        2,
    );
    assert!(
        err.contains("controls/iso.yaml:3:5: error[missing-field]: control `A.7.1` is not applicable but has no `justification`"),
        "{err}"
    );
    assert!(
        err.contains("controls/iso.yaml:6:5: warning[deprecated]: control `A.7.2`: `status: not-applicable` is now written `applicable: false`"),
        "{err}"
    );
    assert!(err.contains("`applicable` must be true or false"), "{err}");
    let err = problems(
        "  - id: A.7.5\n    title: Fire\n    status: implemented\n    applicable: false\n    justification: No premises.\n",
        0,
    );
    assert!(
        err.contains("warning[bad-value]: control `A.7.5` does not apply, so its `status: implemented` is ignored"),
        "{err}"
    );
    let err = problems("  - id: A.7.4\n    title: Watching\n", 2);
    assert!(
        err.contains("control `A.7.4` has no `status` and no applicable control satisfies it"),
        "{err}"
    );
}

#[test]
fn a_mapping_onto_a_control_that_does_not_apply_is_a_warning() {
    let repo = three_frameworks("implemented").file(
        "controls/iso.yaml",
        "framework: iso\ncontrols:\n  - id: A.8.15\n    title: Logging\n    applicable: false\n    justification: No systems of our own.\n",
    );
    let out = repo.run(&["validate"]).code(0);
    let err = stderr(&out);
    assert!(
        err.contains(
            "warning[mapping]: `common:LOG` is mapped onto `iso:A.8.15`, which is not applicable"
        ),
        "{err}"
    );
    let report = report(&repo, &[]);
    assert_eq!(
        control(&report, "iso", "A.8.15")["status"],
        "not-applicable"
    );
}

fn soa_repo() -> Fixture {
    three_frameworks("partial").file("comply.yaml", "name: Test | SoA\n").file(
        "controls/iso.yaml",
        "framework: iso\nname: ISO\ncontrols:\n  - id: A.7.1\n    title: \"=Perimeter, outer\"\n    applicable: false\n    justification: \"No premises; staff work remotely, \\\"cloud\\\" only\"\n  - id: A.8.15\n    title: Logging\n  - id: A.8.16\n    title: Monitoring\n    status: implemented\n    justification: Required by our customers\n",
    )
}

#[test]
fn the_statement_of_applicability_lists_excluded_controls_with_their_justification() {
    let repo = soa_repo();
    let soa = json(
        &repo
            .run(&[
                "report",
                "soa",
                "--framework",
                "iso",
                "--format",
                "json",
                "--as-of",
                AS_OF,
            ])
            .code(0),
    );
    let iso = &soa["frameworks"][0];
    assert_eq!(soa["frameworks"].as_array().map(Vec::len), Some(1), "{soa}");
    assert_eq!(
        (iso["applicable"].as_u64(), iso["excluded"].as_u64()),
        (Some(2), Some(1))
    );
    let rows = iso["controls"].as_array().cloned().unwrap_or_default();
    let ids: Vec<&str> = rows.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(ids, ["A.7.1", "A.8.15", "A.8.16"]);
    assert_eq!(rows[0]["applicable"], false);
    assert_eq!(rows[0]["basis"], "excluded");
    assert_eq!(rows[1]["basis"], "inherited");
    assert_eq!(rows[1]["status"], "partial");
    assert_eq!(rows[1]["evidence"][0]["from"], "common:LOG");
    assert_eq!(rows[2]["basis"], "own");

    let csv = soa_csv(&repo);
    assert_eq!(
        csv,
        "framework,control,title,applicable,justification,status,basis,status_from,evidence,items\n\
         iso,A.7.1,\"'=Perimeter, outer\",no,\"No premises; staff work remotely, \"\"cloud\"\" only\",not-applicable,excluded,,,\n\
         iso,A.8.15,Logging,yes,,partial,inherited,common:LOG,\"evidence/log.md (present, from common:LOG)\",LOG-1\n\
         iso,A.8.16,Monitoring,yes,Required by our customers,implemented,own,,,\n"
    );
    let markdown = stdout(
        &repo
            .run(&["report", "soa", "--framework", "iso", "--as-of", AS_OF])
            .code(0),
    );
    insta::assert_snapshot!("soa_markdown", markdown);
    let html = stdout(
        &repo
            .run(&[
                "report",
                "soa",
                "--format",
                "html",
                "--framework",
                "iso",
                "--as-of",
                AS_OF,
            ])
            .code(0),
    );
    assert!(
        html.starts_with("<!DOCTYPE html>") && html.contains("<td>A.7.1</td>"),
        "{html}"
    );
    let err = stderr(
        &repo
            .run(&["report", "--format", "csv", "--as-of", AS_OF])
            .code(2),
    );
    assert!(
        err.contains("--format csv is for `comply report soa`"),
        "{err}"
    );
}

#[test]
fn coverage_counts_own_inherited_and_uncovered_work() {
    let repo = soa_repo();
    let doc = json(
        &repo
            .run(&["coverage", "--format", "json", "--as-of", AS_OF])
            .code(0),
    );
    let iso = doc["frameworks"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["id"] == "iso"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        (
            iso["own"].as_u64(),
            iso["inherited"].as_u64(),
            iso["uncovered"].as_u64(),
            iso["not_applicable"].as_u64()
        ),
        (Some(1), Some(1), Some(0), Some(1)),
        "{doc}"
    );
    assert_eq!(doc["shared_controls"][0]["control"], "common:LOG");
    assert_eq!(
        doc["shared_controls"][0]["frameworks"],
        serde_json::json!(["common", "iso", "popia", "soc2"])
    );
    assert_eq!(doc["shared_evidence"][0]["path"], "evidence/log.md");
    let one = json(
        &repo
            .run(&["coverage", "--framework", "iso", "--format", "json"])
            .code(0),
    );
    assert_eq!(one["frameworks"].as_array().map(Vec::len), Some(1), "{one}");
    let err = stderr(&repo.run(&["coverage", "--framework", "nope"]).code(2));
    assert!(err.contains("names no framework"), "{err}");
    let html = stdout(
        &repo
            .run(&["report", "--format", "html", "--as-of", AS_OF])
            .code(0),
    );
    assert!(
        html.contains("Coverage across frameworks")
            && html.contains("<title>common:LOG serves iso</title>"),
        "coverage matrix missing"
    );
}

#[test]
fn a_csv_crosswalk_becomes_mappings_files_or_nothing_is_written() {
    // LOG's `satisfies` keeps only POPIA: the crosswalk brings the others.
    let repo = three_frameworks("implemented")
        .file(
            "controls/common.yaml",
            "framework: common\ncontrols:\n  - id: LOG\n    title: Central logging\n    status: implemented\n    evidence: [evidence/log.md]\n    satisfies: [popia:S19]\n",
        )
        .file(
        "crosswalk.csv",
        "\u{feff}Source,Target,Relation\r\ncommon:LOG,iso:A.8.15,superset\r\n\"common:LOG\",soc2:CC7.2,Equal\r\n\r\n",
    );
    let root = repo.path().to_string_lossy().into_owned();
    let csv = repo
        .path()
        .join("crosswalk.csv")
        .to_string_lossy()
        .into_owned();
    let out = common::tool()
        .args(["import", &csv, "-o", &root])
        .assert()
        .code(0);
    let err = stderr(&out);
    assert!(
        err.contains("mappings/common-iso.yaml") && err.contains("mappings/common-soc2.yaml"),
        "{err}"
    );
    let written =
        std::fs::read_to_string(repo.path().join("mappings/common-iso.yaml")).unwrap_or_default();
    assert!(
        written.contains("source: common\ntarget: iso\n"),
        "{written}"
    );
    assert!(written.contains("relation: superset"), "{written}");
    repo.run(&["validate"]).code(0);
    // Again without --force: refused, nothing changed.
    let err = stderr(
        &common::tool()
            .args(["import", &csv, "-o", &root])
            .assert()
            .code(2),
    );
    assert!(
        err.contains("exists (--force replaces it); nothing was written"),
        "{err}"
    );

    let bad = Fixture::new().file("x.csv", "source,target,relation\ncommon:LOG,iso:A.8.15,equal\nLOG,iso:A.8.15,maybe\n\"unclosed,a:b,equal\n");
    let csv = bad.path().join("x.csv").to_string_lossy().into_owned();
    let root = bad.path().to_string_lossy().into_owned();
    let err = stderr(
        &common::tool()
            .args(["import", &csv, "-o", &root])
            .assert()
            .code(2),
    );
    assert!(
        err.contains("x.csv: error: line 3: source `LOG` is not `framework:control`"),
        "{err}"
    );
    assert!(err.contains("nothing was written"), "{err}");
    assert!(!bad.path().join("mappings").exists());

    // A header alone holds nothing to import; an unreadable cell is named.
    let empty = Fixture::new()
        .file("e.csv", "source,target,relation\n")
        .bytes("u.csv", b"common:\xffX,iso:A.1,equal\n");
    let root = empty.path().to_string_lossy().into_owned();
    for (name, says) in [("e.csv", "holds no mappings"), ("u.csv", "not UTF-8")] {
        let csv = empty.path().join(name).to_string_lossy().into_owned();
        let err = stderr(
            &common::tool()
                .args(["import", &csv, "-o", &root])
                .assert()
                .code(2),
        );
        assert!(err.contains(says), "{err}");
    }
}

/// A chain `C0 -> C1 -> ... -> C(n-1)` of framework `a`, C0 implemented,
/// and, when `items`, one item linked to each control.
fn chain(n: usize, items: bool) -> Fixture {
    let mut controls = String::from(
        "framework: a\ncontrols:\n  - id: C0\n    title: t\n    status: implemented\n",
    );
    let mut mappings = String::from("source: a\ntarget: a\nmappings:\n");
    let mut backlog = String::from("framework: a\nitems:\n");
    for i in 0..n {
        if i > 0 {
            controls.push_str(&format!("  - id: C{i}\n    title: t\n"));
            mappings.push_str(&format!(
                "  - {{ source: C{}, target: C{i}, relation: equal }}\n",
                i - 1
            ));
        }
        if items {
            backlog.push_str(&format!(
                "  - {{ id: I-{i}, title: t, risk: low, due: 2030-01-01, controls: [C{i}] }}\n"
            ));
        }
    }
    let repo = Fixture::new()
        .file("controls/a.yaml", &controls)
        .file("mappings/a-a.yaml", &mappings);
    if items {
        repo.file("backlog/a.yaml", &backlog)
    } else {
        repo
    }
}

#[test]
fn a_long_chain_of_mappings_stops_at_the_limit_instead_of_growing_without_bound() {
    // Each control of the chain takes the items of every control before it:
    // 1,500 controls with an item each pass over a million links.
    let repo = chain(1_500, true);
    let err = stderr(&repo.run(&["validate"]).code(2));
    assert!(
        err.contains("error[too-large]: following the mappings onto `a:C"),
        "{err}"
    );
    repo.run(&["status"]).code(2);
    // A shorter chain is followed to its end.
    let report = report(&chain(200, true), &[]);
    let last = control(&report, "a", "C199");
    assert_eq!(last["status"], "implemented", "{last}");
    assert_eq!(last["status_from"], serde_json::json!(["a:C198"]));
    assert_eq!(
        last["backlog"].as_array().map(Vec::len),
        Some(200),
        "{last}"
    );
}

#[test]
fn a_long_chain_with_nothing_to_pass_on_is_within_the_limit() {
    // Only the links actually passed count: 5,000 controls in a chain
    // without evidence or items pass none (the old count grew with the
    // square of the chain's length and stopped at about 1,414).
    let repo = chain(5_000, false);
    repo.run(&["validate"]).code(0);
    let report = report(&repo, &[]);
    let last = control(&report, "a", "C4999");
    assert_eq!(last["status"], "implemented", "{last}");
}

/// Two shared controls, A and B, satisfying `iso:D`; A names its evidence
/// twice (`./evidence/gone.md` and `evidence//gone.md`), B once more as
/// `evidence/gone.md`: one file, which is missing.
fn evidence_by_several_paths() -> Fixture {
    Fixture::new()
        .file(
            "controls/common.yaml",
            "framework: common\ncontrols:\n  - id: A\n    title: a\n    status: implemented\n    evidence: [./evidence/gone.md, evidence//gone.md]\n    satisfies: [iso:D]\n  - id: B\n    title: b\n    status: implemented\n    evidence: [evidence/gone.md]\n    satisfies: [iso:D]\n",
        )
        .file(
            "controls/iso.yaml",
            "framework: iso\ncontrols:\n  - id: D\n    title: d\n",
        )
}

#[test]
fn evidence_reached_by_several_paths_or_spellings_counts_once_per_control() {
    let repo = evidence_by_several_paths();
    repo.run(&["validate"]).code(0);
    let soa = soa_csv(&repo);
    assert!(
        soa.contains(",\"./evidence/gone.md (missing, from common:A)\","),
        "{soa}"
    );
    let gaps = output(&repo, &["gaps"]);
    let d = gaps["unproven"]
        .as_array()
        .and_then(|u| u.iter().find(|c| c["id"] == "D"))
        .unwrap_or_else(|| panic!("{gaps}"));
    assert_eq!(d["evidence"].as_array().map(Vec::len), Some(1), "{d}");
    let status = output(&repo, &["status"]);
    let figure = |fw: &str| {
        status["frameworks"]
            .as_array()
            .and_then(|f| f.iter().find(|f| f["id"] == fw))
            .map(|f| f["evidence_missing"].clone())
    };
    assert_eq!(figure("iso"), Some(1.into()), "{status}");
    assert_eq!(figure("common"), Some(2.into()), "{status}");
    let missing = output(&repo, &["evidence", "--missing"]);
    let rows = missing["evidence"].as_array().cloned().unwrap_or_default();
    assert_eq!(rows.len(), 3, "{missing}");
    let coverage = output(&repo, &["coverage"]);
    assert_eq!(
        coverage["shared_evidence"],
        serde_json::json!([{"path": "./evidence/gone.md", "frameworks": ["common", "iso"]}]),
        "{coverage}"
    );
}

/// `popia:S19` reached by VIA-MAP through `common:LOG`, `popia:S20` by
/// DIRECT, an item of framework common linked to it straight.
fn direct_and_mapped() -> Fixture {
    Fixture::new()
        .file(
            "controls/common.yaml",
            "framework: common\ncontrols:\n  - id: LOG\n    title: Logging\n    status: partial\n    satisfies: [popia:S19]\n  - id: OTHER\n    title: Other\n    status: partial\n",
        )
        .file(
            "controls/popia.yaml",
            "framework: popia\ncontrols:\n  - id: S19\n    title: Safeguards\n  - id: S20\n    title: Operator\n    status: planned\n",
        )
        .file(
            "backlog/common.yaml",
            "framework: common\nitems:\n  - { id: VIA-MAP, title: v, risk: high, due: 2025-06-01, controls: [LOG] }\n  - { id: DIRECT, title: d, risk: high, due: 2025-06-01, controls: [OTHER, \"popia:S20\"] }\n  - { id: ELSEWHERE, title: e, risk: high, due: 2025-06-01, controls: [OTHER] }\n",
        )
}

#[test]
fn items_linked_directly_or_through_mappings_serve_the_framework_alike() {
    let repo = direct_and_mapped();
    repo.run(&["validate"]).code(0);
    let popia = ["VIA-MAP", "DIRECT"];
    let gaps = output(&repo, &["gaps", "--framework", "popia"]);
    let mut linked: Vec<String> = gaps["gaps"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|c| c["backlog"].as_array().cloned().unwrap_or_default())
        .filter_map(|i| i.as_str().map(str::to_string))
        .collect();
    linked.sort();
    assert_eq!(linked, ["DIRECT", "VIA-MAP"], "{gaps}");
    let due = output(&repo, &["due", "--framework", "popia"]);
    let overdue: Vec<&str> = due["overdue"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["id"].as_str())
        .collect();
    assert_eq!(overdue, ["DIRECT", "VIA-MAP"], "{due}");
    let narrowed = report(&repo, &["--framework", "popia"]);
    let ids = |list: &Value| -> Vec<String> {
        let mut ids: Vec<String> = list
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|i| i["id"].as_str().map(str::to_string))
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(
        ids(&narrowed["items"]),
        popia
            .map(str::to_string)
            .iter()
            .rev()
            .cloned()
            .collect::<Vec<_>>()
    );
    assert_eq!(
        ids(&narrowed["gate"]["offenders"]),
        ["DIRECT", "VIA-MAP"],
        "{narrowed}"
    );
    let row = &narrowed["frameworks"][0];
    assert_eq!(
        (row["overdue"].clone(), row["items_open"].clone()),
        (2.into(), 2.into()),
        "{row}"
    );
    let status = output(&repo, &["status"]);
    let popia_row = status["frameworks"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["id"] == "popia"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(popia_row["overdue"], 2, "{status}");
}

#[test]
fn one_pair_of_controls_mapped_with_two_relations_is_an_error_naming_both() {
    let repo = three_frameworks("implemented")
        .file(
            "mappings/common-iso.yaml",
            "source: common\ntarget: iso\nmappings:\n  - { source: LOG, target: A.8.15, relation: subset }\n",
        )
        .file(
            "mappings/common-soc2.yaml",
            "source: common\ntarget: soc2\nmappings:\n  - { source: LOG, target: CC7.2, relation: equal }\n  - { source: LOG, target: CC7.2, relation: intersects }\n",
        );
    let err = stderr(&repo.run(&["validate"]).code(2));
    assert!(
        err.contains("mappings/common-iso.yaml:4:7: error[mapping]: `common:LOG` is mapped onto `iso:A.8.15` as `subset` here and as `equal` at controls/common.yaml:7:17"),
        "{err}"
    );
    assert!(
        err.contains("mappings/common-soc2.yaml:4:7: warning[mapping]: `common:LOG` is mapped onto `soc2:CC7.2` again (first at controls/common.yaml:7:29)"),
        "{err}"
    );
    assert!(
        err.contains("mappings/common-soc2.yaml:5:7: error[mapping]: `common:LOG` is mapped onto `soc2:CC7.2` as `intersects` here and as `equal` at controls/common.yaml:7:29"),
        "{err}"
    );
    // The same link twice with one relation is a warning only, counted once.
    let repo = three_frameworks("implemented").file(
        "controls/common.yaml",
        "framework: common\ncontrols:\n  - id: LOG\n    title: Central logging\n    status: implemented\n    evidence: [evidence/log.md]\n    satisfies: [iso:A.8.15, iso:A.8.15, soc2:CC7.2, popia:S19]\n",
    );
    let err = stderr(&repo.run(&["validate"]).code(0));
    assert!(
        err.contains("warning[mapping]: `common:LOG` is mapped onto `iso:A.8.15` again"),
        "{err}"
    );
    let c = report(&repo, &[]);
    assert_eq!(
        control(&c, "iso", "A.8.15")["satisfied_by"],
        serde_json::json!(["common:LOG"])
    );
}

#[test]
fn a_changed_source_shows_in_diff_as_the_targets_status_change() {
    let repo = three_frameworks("implemented").file(
        "mappings/common-popia.yaml",
        "source: common\ntarget: popia\nmappings: []\n",
    );
    common::git(repo.path(), &["init", "-q"], None);
    common::commit_all(repo.path(), "2025-12-01");
    let changed = three_frameworks("partial");
    std::fs::copy(
        changed.path().join("controls/common.yaml"),
        repo.path().join("controls/common.yaml"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let diff = json(&repo.run(&["diff", "HEAD", "--format", "json"]).code(0));
    let rows: Vec<(String, String, String)> = diff["controls"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            let s = |k: &str| c[k].as_str().unwrap_or_default().to_string();
            (s("id"), s("from"), s("to"))
        })
        .collect();
    let expect =
        |id: &str, from: &str, to: &str| (id.to_string(), from.to_string(), to.to_string());
    assert_eq!(
        rows,
        [
            expect("common:LOG", "implemented", "partial"),
            expect(
                "iso:A.8.15",
                "implemented (from common:LOG)",
                "partial (from common:LOG)"
            ),
            expect(
                "popia:S19",
                "implemented (from common:LOG)",
                "partial (from common:LOG)"
            ),
            expect(
                "soc2:CC7.2",
                "implemented (from common:LOG)",
                "partial (from common:LOG)"
            ),
        ],
        "{diff}"
    );
}

#[test]
fn csv_import_counts_blank_lines_names_the_delimiter_and_keeps_within_the_limit() {
    let dir = Fixture::new()
        .file(
            "blank.csv",
            "source,target,relation\n\n\r\n\ncommon:LOG,iso:A.8.17,equalx\n",
        )
        .file(
            "semi.csv",
            "source;target;relation\ncommon:LOG;iso:A.8.15;equal\n",
        );
    let run = |name: &str| {
        let csv = dir.path().join(name).to_string_lossy().into_owned();
        let root = dir.path().to_string_lossy().into_owned();
        stderr(
            &common::tool()
                .args(["import", &csv, "-o", &root])
                .assert()
                .code(2),
        )
    };
    let err = run("blank.csv");
    assert!(
        err.contains("blank.csv: error: line 5: relation `equalx`"),
        "{err}"
    );
    let err = run("semi.csv");
    assert!(
        err.contains("line 1: one column only; the columns look separated by `;`"),
        "{err}"
    );
    // More mappings than one file may hold: refused, nothing written.
    let mut big = String::from("source,target,relation\n");
    for i in 0..100_001 {
        big.push_str(&format!("common:C{i},iso:A.{i},equal\n"));
    }
    let dir = Fixture::new().file("big.csv", &big);
    let csv = dir.path().join("big.csv").to_string_lossy().into_owned();
    let root = dir.path().to_string_lossy().into_owned();
    let err = stderr(
        &common::tool()
            .args(["import", &csv, "-o", &root])
            .assert()
            .code(2),
    );
    assert!(
        err.contains("holds 100001 mappings; comply reads at most 100000"),
        "{err}"
    );
    assert!(!dir.path().join("mappings").exists());
}

#[test]
fn coverage_leaves_out_mappings_onto_controls_that_do_not_apply() {
    let repo = three_frameworks("implemented").file(
        "controls/popia.yaml",
        "framework: popia\ncontrols:\n  - id: S19\n    title: Safeguards\n    applicable: False\n    justification: Not ours.\n",
    );
    repo.run(&["validate"]).code(0);
    let coverage = output(&repo, &["coverage"]);
    let log = &coverage["shared_controls"][0];
    assert_eq!(log["serves"], 2, "{coverage}");
    assert_eq!(
        log["frameworks"],
        serde_json::json!(["common", "iso", "soc2"]),
        "{coverage}"
    );
}

#[test]
fn an_old_exclusion_without_a_justification_is_flagged_in_validate_and_the_soa() {
    let repo = Fixture::new().file(
        "controls/iso.yaml",
        "framework: iso\ncontrols:\n  - id: A.2\n    title: Old\n    status: not-applicable\n  - id: A.3\n    title: Spelled\n    applicable: no\n    status: planned\n",
    );
    let err = stderr(&repo.run(&["validate"]).code(2));
    assert!(
        err.contains("an exclusion needs a `justification` (the Statement of Applicability shows none written)"),
        "{err}"
    );
    assert!(
        err.contains("`applicable` must be true or false (write `false`)"),
        "{err}"
    );
    let repo = Fixture::new().file(
        "controls/iso.yaml",
        "framework: iso\ncontrols:\n  - id: A.2\n    title: Old\n    status: not-applicable\n",
    );
    let soa = stdout(&repo.run(&["report", "soa", "--as-of", AS_OF]).code(0));
    assert!(
        soa.contains("| A.2 | Old | no | none written (an exclusion needs one) |"),
        "{soa}"
    );
}

#[test]
fn a_not_assessed_control_is_neither_a_gap_nor_ready_and_inherits_when_satisfied() {
    let repo = three_frameworks("implemented").file(
        "controls/iso.yaml",
        "framework: iso\ncontrols:\n  - id: A.8.15\n    title: Logging\n    status: not-assessed\n  - id: A.5.32\n    title: Intellectual property\n    status: not-assessed\n  - id: A.5.1\n    title: Policies\n    status: planned\n",
    );
    let status = output(&repo, &["status"]);
    let iso = status["frameworks"]
        .as_array()
        .and_then(|fs| fs.iter().find(|f| f["id"] == "iso"))
        .expect("iso");
    // A.8.15 takes its status from LOG; A.5.32 stays not assessed; only
    // A.5.1 is a gap; readiness still counts the unassessed control.
    assert_eq!(iso["not_assessed"], 1, "{iso}");
    assert_eq!(iso["gaps"], 1, "{iso}");
    assert_eq!(iso["implemented"], 1, "{iso}");
    assert_eq!(iso["readiness"], 33, "{iso}");
    let report = report(&repo, &[]);
    assert_eq!(control(&report, "iso", "A.8.15")["status"], "implemented");
    assert_eq!(control(&report, "iso", "A.5.32")["status"], "not-assessed");
    let table = stdout(&repo.run(&["status", "--as-of", AS_OF]).code(0));
    assert!(
        table.contains("Not assessed (neither gaps nor ready): iso 1"),
        "{table}"
    );
    assert!(soa_csv(&repo).contains("not-assessed"));
}

#[test]
fn a_not_assessed_source_passes_no_status_on() {
    let repo = Fixture::new()
        .file(
            "controls/common.yaml",
            "framework: common\ncontrols:\n  - id: IMP\n    title: Done\n    status: implemented\n    satisfies: [iso:T, iso:U]\n  - id: NA\n    title: Not assessed yet\n    status: not-assessed\n    satisfies: [iso:T, iso:V]\n",
        )
        .file(
            "controls/iso.yaml",
            "framework: iso\ncontrols:\n  - id: T\n    title: Both\n  - id: U\n    title: Done only\n  - id: V\n    title: Unassessed only\n",
        );
    let report = report(&repo, &[]);
    // The assessed source decides; one not assessed adds no `missing`.
    assert_eq!(control(&report, "iso", "T")["status"], "implemented");
    assert_eq!(control(&report, "iso", "U")["status"], "implemented");
    // Only an unassessed source: not assessed either, not a gap.
    assert_eq!(control(&report, "iso", "V")["status"], "not-assessed");
    let status = output(&repo, &["status"]);
    let iso = status["frameworks"]
        .as_array()
        .and_then(|fs| fs.iter().find(|f| f["id"] == "iso"))
        .expect("iso");
    assert_eq!(iso["gaps"], 0, "{iso}");
    assert_eq!(iso["not_assessed"], 1, "{iso}");
}
