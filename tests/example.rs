//! The bundled worked example: the acceptance points of the foundation issue.

mod common;

use common::{comply, example_root, json, stdout};

#[test]
fn example_is_valid() {
    let assert = comply(&example_root()).arg("validate").assert().code(0);
    assert!(
        stdout(&assert).starts_with("valid: 3 frameworks, 93 controls, 58 items"),
        "{}",
        stdout(&assert)
    );
}

#[test]
fn check_passes_before_anything_is_due() {
    let assert = comply(&example_root())
        .args(["check", "--as-of", "2025-10-01"])
        .assert()
        .code(0);
    assert_eq!(
        stdout(&assert),
        "gate passed: no item at risk high or above is overdue or done without evidence\n"
    );
}

#[test]
fn check_fails_today_naming_the_overdue_high_risk_items() {
    let assert = comply(&example_root())
        .args(["check", "--as-of", "2026-11-25"])
        .assert()
        .code(1);
    insta::assert_snapshot!("check_2026_11_25", stdout(&assert));
}

#[test]
fn status_dashboard() {
    let assert = comply(&example_root())
        .args(["status", "--as-of", "2026-11-25"])
        .assert()
        .code(0);
    insta::assert_snapshot!("status_2026_11_25", stdout(&assert));
}

#[test]
fn status_early_shows_only_the_stale_cadence_items() {
    let assert = comply(&example_root())
        .args(["status", "--as-of", "2025-10-01"])
        .assert()
        .code(0);
    insta::assert_snapshot!("status_2025_10_01", stdout(&assert));
}

#[test]
fn gaps_listing() {
    let assert = comply(&example_root())
        .args(["gaps", "--framework", "soc2", "--as-of", "2026-11-25"])
        .assert()
        .code(0);
    insta::assert_snapshot!("gaps_soc2", stdout(&assert));
}

#[test]
fn due_listing_for_one_owner() {
    let assert = comply(&example_root())
        .args(["due", "--owner", "security", "--as-of", "2025-11-20"])
        .assert()
        .code(0);
    insta::assert_snapshot!("due_security_2025_11_20", stdout(&assert));
}

#[test]
fn status_json_has_the_documented_fields() {
    let assert = comply(&example_root())
        .args(["status", "--format", "json", "--as-of", "2026-11-25"])
        .assert()
        .code(0);
    let doc = json(&assert);
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["as_of"], "2026-11-25");
    let popia = &doc["frameworks"][1];
    for key in [
        "id",
        "name",
        "controls",
        "implemented",
        "gaps",
        "items_open",
        "overdue",
        "due_soon",
        "unscheduled",
        "evidence_missing",
    ] {
        assert!(popia.get(key).is_some(), "framework lacks `{key}`: {popia}");
    }
    assert_eq!(popia["id"], "popia");
    assert_eq!(popia["controls"], 14);
    let items = doc["items"].as_array().expect("items");
    assert_eq!(items.len(), 69, "58 backlog items and 11 reviews");
    let dsar = items
        .iter()
        .find(|i| i["id"] == "POPIA-003")
        .expect("POPIA-003");
    assert_eq!(dsar["state"], "overdue");
    assert_eq!(dsar["days_late"], 354);
    assert_eq!(dsar["risk"], "high");
    assert_eq!(dsar["due"], "2025-12-06");
    assert_eq!(dsar["evidence"][1]["path"], "evidence/dsar/");
    assert_eq!(dsar["evidence"][1]["state"], "missing");
    assert_eq!(doc["gate"]["passed"], false);
}

#[test]
fn output_is_deterministic() {
    let run = || {
        let assert = comply(&example_root())
            .args(["status", "--format", "json", "--as-of", "2026-01-01"])
            .assert()
            .code(0);
        assert.get_output().stdout.clone()
    };
    assert_eq!(run(), run());
}

/// The example's quarterly access review and monthly log review show every
/// state of the audit grid. Their files were committed in November 2026, so
/// the earlier periods they cover are late and November's is on time.
#[test]
fn audit_grid_shows_covered_late_and_missing() {
    let assert = comply(&example_root())
        .args(["audit", "--format", "json", "--as-of", "2027-01-31"])
        .assert()
        .success();
    let doc = json(&assert);
    assert_eq!(doc["period"]["from"], "2026-01-01");
    let states = |id: &str| -> Vec<String> {
        doc["activities"]
            .as_array()
            .expect("activities")
            .iter()
            .find(|a| a["id"] == id)
            .expect("activity")["cells"]
            .as_array()
            .expect("cells")
            .iter()
            .map(|c| c["state"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(states("REV-ACCESS"), ["late", "missing", "late", "covered"]);
    let logs = states("REV-LOGS");
    assert_eq!(logs.len(), 12);
    assert_eq!(logs[3], "missing");
    assert_eq!(logs[10], "covered");
    assert_eq!(logs[11], "missing");
}
