//! Item states around the as-of date, evidence states, and the gate.

mod common;

use common::{Fixture, json, stdout};
use serde_json::Value;

fn item(doc: &Value, id: &str) -> Value {
    doc["items"]
        .as_array()
        .and_then(|items| items.iter().find(|i| i["id"] == id))
        .cloned()
        .unwrap_or_else(|| panic!("no item {id} in {doc}"))
}

fn dated(id: &str, due: &str, risk: &str) -> String {
    format!("  - id: {id}\n    title: Item {id}\n    risk: {risk}\n    due: {due}\n")
}

#[test]
fn item_states_around_the_as_of_date() {
    let items = [
        dated("LATE", "2025-06-14", "high"),
        dated("TODAY", "2025-06-15", "high"),
        dated("EDGE", "2025-06-29", "low"),
        dated("LATER", "2025-06-30", "low"),
        dated("TBD", "TBD", "low"),
        "  - id: NODATE\n    title: No date\n    risk: low\n".to_string(),
        "  - id: CLOSED\n    title: Done\n    risk: high\n    due: 2025-01-01\n    status: done\n    done: 2025-01-02\n".to_string(),
        "  - id: DROPPED\n    title: Dropped\n    risk: high\n    due: 2025-01-01\n    status: wont-do\n".to_string(),
    ]
    .concat();
    let repo = Fixture::with_framework().items(&items);
    let doc = json(
        &repo
            .run(&["status", "--format", "json", "--as-of", "2025-06-15"])
            .code(0),
    );
    let state = |id: &str| {
        let i = item(&doc, id);
        (
            i["state"].as_str().unwrap_or("").to_string(),
            i["days_late"].clone(),
        )
    };
    assert_eq!(state("LATE"), ("overdue".into(), Value::from(1)));
    assert_eq!(state("TODAY"), ("due-soon".into(), Value::from(0)));
    assert_eq!(state("EDGE"), ("due-soon".into(), Value::from(-14)));
    assert_eq!(state("LATER"), ("scheduled".into(), Value::from(-15)));
    assert_eq!(state("TBD"), ("unscheduled".into(), Value::Null));
    assert_eq!(state("NODATE"), ("unscheduled".into(), Value::Null));
    assert_eq!(state("CLOSED"), ("closed".into(), Value::Null));
    assert_eq!(state("DROPPED"), ("closed".into(), Value::Null));
    let fw = &doc["frameworks"][0];
    assert_eq!(fw["items_open"], 6);
    assert_eq!(fw["overdue"], 1);
    assert_eq!(fw["due_soon"], 2);
    assert_eq!(fw["unscheduled"], 2);
}

#[test]
fn due_today_is_not_overdue_so_the_gate_passes() {
    let repo = Fixture::with_framework().items(&dated("A", "2025-06-15", "critical"));
    repo.run(&["check", "--as-of", "2025-06-15"]).code(0);
    let assert = repo.run(&["check", "--as-of", "2025-06-16"]).code(1);
    assert!(stdout(&assert).contains("A [critical] Item A: overdue: due 2025-06-15, 1 day late"));
}

#[test]
fn the_gate_threshold_comes_from_the_flag_then_config_then_high() {
    let repo = Fixture::with_framework().items(&dated("MED", "2025-01-01", "medium"));
    repo.run(&["check", "--as-of", "2025-06-15"]).code(0);
    let assert = repo
        .run(&["check", "--as-of", "2025-06-15", "--fail-on", "medium"])
        .code(1);
    assert!(stdout(&assert).ends_with("gate failed: 1 item at risk medium or above (1 overdue)\n"));
    let repo = repo.file("comply.yaml", "gate:\n  fail_on: low\n");
    repo.run(&["check", "--as-of", "2025-06-15"]).code(1);
    repo.run(&["check", "--as-of", "2025-06-15", "--fail-on", "critical"])
        .code(0);
}

#[test]
fn done_without_evidence_fails_the_gate() {
    let items = "  - id: PROVEN\n    title: Proven\n    risk: high\n    status: done\n    done: 2025-01-02\n    evidence: [evidence/ok.md]\n  - id: UNPROVEN\n    title: Unproven\n    risk: high\n    status: done\n    done: 2025-01-02\n    evidence: [evidence/ok.md, evidence/gone.md]\n";
    let repo = Fixture::with_framework()
        .file("evidence/ok.md", "signed")
        .items(items);
    let assert = repo
        .run(&["check", "--as-of", "2025-06-15", "--format", "json"])
        .code(1);
    let doc = json(&assert);
    assert_eq!(doc["passed"], false);
    let offenders = doc["offenders"].as_array().expect("offenders");
    assert_eq!(offenders.len(), 1);
    assert_eq!(offenders[0]["id"], "UNPROVEN");
    assert_eq!(offenders[0]["reason"], "done-without-evidence");
    assert_eq!(
        offenders[0]["paths"],
        serde_json::json!(["evidence/gone.md"])
    );
}

#[test]
fn due_soon_window_comes_from_config_and_flag() {
    let repo = Fixture::with_framework()
        .file("comply.yaml", "due_soon_days: 3\n")
        .items(&dated("SOON", "2025-06-20", "low"));
    let doc = json(
        &repo
            .run(&["status", "--format", "json", "--as-of", "2025-06-15"])
            .code(0),
    );
    assert_eq!(item(&doc, "SOON")["state"], "scheduled");
    let doc = json(
        &repo
            .run(&[
                "due",
                "--within",
                "5",
                "--format",
                "json",
                "--as-of",
                "2025-06-15",
            ])
            .code(0),
    );
    assert_eq!(doc["within"], 5);
    assert_eq!(doc["due_soon"][0]["id"], "SOON");
}

fn evidence_states(repo: &Fixture, paths: &[&str]) -> Vec<(String, String)> {
    let doc = json(
        &repo
            .run(&["status", "--format", "json", "--as-of", "2025-06-15"])
            .code(0),
    );
    let evidence = item(&doc, "E")["evidence"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(evidence.len(), paths.len());
    evidence
        .iter()
        .map(|e| {
            (
                e["path"].as_str().unwrap_or("").to_string(),
                e["state"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn evidence_item(paths: &[&str]) -> String {
    let list: Vec<String> = paths.iter().map(|p| format!("      - \"{p}\"\n")).collect();
    format!(
        "  - id: E\n    title: Evidence\n    risk: low\n    evidence:\n{}",
        list.concat()
    )
}

#[test]
fn evidence_states_for_files_directories_and_globs() {
    let paths = [
        "evidence/file.md",
        "evidence/empty.md",
        "evidence/dir/",
        "evidence/emptydir",
        "evidence/nothing.md",
        "evidence/**/*.log",
        "evidence/*.pdf",
        "evidence/zero/*.txt",
        "/etc/hostname",
        "../outside.md",
        "evidence/./dir/../file.md",
    ];
    let repo = Fixture::with_framework()
        .file("evidence/file.md", "x")
        .file("evidence/empty.md", "")
        .file("evidence/dir/a/run.log", "log")
        .dir("evidence/emptydir")
        .file("evidence/zero/a.txt", "")
        .items(&evidence_item(&paths));
    let states = evidence_states(&repo, &paths);
    let expected = [
        "present", "empty", "present", "empty", "missing", "present", "missing", "present",
        "outside", "outside", "present",
    ];
    for ((path, state), want) in states.iter().zip(expected) {
        assert_eq!(state, want, "state of {path}");
    }
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_root_loops_and_fifos_are_never_followed() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().expect("tempdir");
    std::fs::write(outside.path().join("secret.md"), "secret").expect("write");
    let paths = [
        "evidence/out.md",
        "evidence/outdir",
        "evidence/loop",
        "evidence/inside.md",
        "evidence/fifo",
    ];
    let repo = Fixture::with_framework()
        .file("evidence/real.md", "real")
        .items(&evidence_item(&paths));
    let ev = repo.path().join("evidence");
    symlink(outside.path().join("secret.md"), ev.join("out.md")).expect("symlink");
    symlink(outside.path(), ev.join("outdir")).expect("symlink");
    symlink(ev.join("loop"), ev.join("loop")).expect("symlink");
    symlink("real.md", ev.join("inside.md")).expect("symlink");
    let status = std::process::Command::new("mkfifo")
        .arg(ev.join("fifo"))
        .status()
        .expect("mkfifo");
    assert!(status.success());
    let states = evidence_states(&repo, &paths);
    let expected = ["outside", "outside", "missing", "present", "missing"];
    for ((path, state), want) in states.iter().zip(expected) {
        assert_eq!(state, want, "state of {path}");
    }
}

#[test]
fn gaps_are_controls_not_implemented_and_unproven_ones_are_listed_apart() {
    let repo = Fixture::new()
        .file(
            "controls/fw.yaml",
            "framework: fw\ncontrols:\n  - id: OK\n    title: Fine\n    status: implemented\n    evidence: [e.md]\n  - id: NOPROOF\n    title: Unproven\n    status: implemented\n    evidence: [gone.md]\n  - id: LOW\n    title: Low gap\n    status: partial\n    severity: low\n  - id: CRIT\n    title: Critical gap\n    status: missing\n    severity: critical\n  - id: NA\n    title: Out of scope\n    status: not-applicable\n",
        )
        .file("e.md", "proof");
    let doc = json(
        &repo
            .run(&["gaps", "--format", "json", "--as-of", "2025-06-15"])
            .code(0),
    );
    let ids = |list: &str| -> Vec<String> {
        doc[list]
            .as_array()
            .map(|g| {
                g.iter()
                    .filter_map(|c| c["id"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(ids("gaps"), ["CRIT", "LOW"]);
    assert_eq!(ids("unproven"), ["NOPROOF"]);
    let status = json(
        &repo
            .run(&["status", "--format", "json", "--as-of", "2025-06-15"])
            .code(0),
    );
    assert_eq!(status["frameworks"][0]["gaps"], 2, "{status}");
    assert_eq!(status["frameworks"][0]["unproven"], 1, "{status}");
    let table = stdout(&repo.run(&["gaps", "--as-of", "2025-06-15"]).code(0));
    assert!(table.contains("Gaps (2)"), "{table}");
    assert!(table.contains("Unproven (1)"), "{table}");
}
