//! Fitting where users work (issue 21): `-o -`, global options only where
//! used, terminal widths, the README sample, man pages, completions.

mod common;

use common::{Fixture, comply, example_root, stderr, stdout, tool};

#[test]
fn dash_output_is_standard_output() {
    let repo = Fixture::with_framework();
    let assert = repo
        .run(&["report", "--as-of", "2026-01-01", "-o", "-"])
        .code(0);
    assert!(stdout(&assert).starts_with("# Compliance report: "));
    assert!(
        !repo.path().join("-").exists(),
        "a file named `-` was created"
    );
    let assert = repo
        .run(&["evidence", "--as-of", "2026-01-01", "--manifest", "-"])
        .code(0);
    let manifest: serde_json::Value = serde_json::from_str(&stdout(&assert)).expect("JSON");
    assert!(manifest["files"].is_array());
    assert!(stderr(&assert).contains("to standard output"));
    assert!(!repo.path().join("-").exists());

    let page =
        "# Backlog\n\n### FW-1 Encrypt the backups\n- **Owner**: Ops\n- **Due**: 2026-02-01\n";
    let repo = Fixture::new().file("page.md", page);
    let assert = tool()
        .current_dir(repo.path())
        .args(["import", "page.md", "--framework", "fw", "-o", "-"])
        .assert()
        .code(0);
    assert!(stdout(&assert).contains("FW-1"), "{}", stdout(&assert));
    assert!(!repo.path().join("-").exists());
}

#[test]
fn global_options_are_rejected_where_unused() {
    let repo = Fixture::new();
    for args in [
        &["init", "--root", "x"][..],
        &["schema", "config", "--as-of", "2026-01-01"],
        &["man", "--at", "HEAD"],
        &["completions", "bash", "--root", "."],
        &["--root", ".", "schema", "config"],
        &["import", "page.md", "--at", "HEAD"],
        &["diff", "HEAD", "--as-of", "2026-01-01"],
    ] {
        let assert = tool().current_dir(repo.path()).args(args).assert().code(2);
        assert!(
            stderr(&assert).contains("has no effect on `comply "),
            "{args:?}: {}",
            stderr(&assert)
        );
    }
    assert!(
        !repo.path().join("x").exists(),
        "init ran despite the error"
    );
    // COMPLY_TODAY is the environment, not an option: commands without a
    // date ignore it.
    tool()
        .env("COMPLY_TODAY", "2026-01-01")
        .args(["schema", "config"])
        .assert()
        .code(0);
    // The help of a command lists only the options it takes.
    let help = stdout(&tool().args(["init", "--help"]).assert().code(0));
    assert!(
        !help.contains("--root") && !help.contains("--as-of"),
        "{help}"
    );
    let help = stdout(&tool().args(["status", "--help"]).assert().code(0));
    assert!(
        help.contains("--root") && help.contains("--as-of"),
        "{help}"
    );
    // Both places still work for the commands that take them.
    comply(&example_root())
        .args(["status", "--as-of", "2026-11-25", "--format", "json"])
        .assert()
        .code(0);
    tool()
        .args([
            "status",
            "--format",
            "json",
            "--as-of",
            "2026-11-25",
            "--root",
        ])
        .arg(example_root())
        .assert()
        .code(0);
}
