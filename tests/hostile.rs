//! Hostile inputs: each gives a clear error (exit 2) or a safe result, never
//! a panic (exit 101), a hang or a write.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{Fixture, comply, stderr};

/// Runs `validate` and returns (exit code, stderr); never a panic.
fn validate(repo: &Fixture) -> (i32, String) {
    let assert = repo.run(&["validate"]);
    let code = assert.get_output().status.code().unwrap_or(-1);
    assert!(code == 0 || code == 2, "exit {code}: {}", stderr(&assert));
    (code, stderr(&assert))
}

#[test]
fn tabs_long_lines_and_binary_files() {
    let repo = Fixture::with_framework().file("backlog/tabs.yaml", "items:\n\t- id: A\n");
    let (code, err) = validate(&repo);
    assert_eq!(code, 2);
    assert!(err.contains("backlog/tabs.yaml:2:"), "{err}");

    // A long line is fine up to the limit of one value (1 MiB); past it, a
    // clear error names the place.
    let long = |n: usize| {
        format!(
            "framework: fw\nitems:\n  - id: A\n    title: \"{}\"\n    risk: low\n",
            "x".repeat(n)
        )
    };
    let (code, err) =
        validate(&Fixture::with_framework().file("backlog/long.yaml", &long(1_000_000)));
    assert_eq!(code, 0, "{err}");
    let (code, err) =
        validate(&Fixture::with_framework().file("backlog/long.yaml", &long(2_000_000)));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("backlog/long.yaml:4:12: error[syntax]: a value of 2000000 bytes"),
        "{err}"
    );

    let mut binary = Vec::new();
    let mut x: u32 = 12345;
    for _ in 0..10_000 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        binary.push((x >> 16) as u8);
    }
    let (code, err) = validate(&Fixture::with_framework().bytes("controls/blob.yaml", &binary));
    assert_eq!(code, 2);
    assert!(err.contains("controls/blob.yaml"), "{err}");
}

#[test]
fn dates_and_ids_of_every_odd_kind() {
    for (due, ok) in [
        ("\"\"", false),
        ("20251122", false),
        ("2025", false),
        ("TBD", true),
        ("tbd", true),
        ("~", true),
        ("2024-02-29", true),
        ("2025-02-29", false),
    ] {
        let repo = Fixture::with_framework().items(&format!(
            "  - id: A\n    title: t\n    risk: low\n    due: {due}\n"
        ));
        let (code, err) = validate(&repo);
        assert_eq!(code == 0, ok, "due {due}: {err}");
        if !ok {
            assert!(
                err.contains("backlog/items.yaml:6:10: error[bad-date]"),
                "due {due}: {err}"
            );
        }
    }
    let repo = Fixture::with_framework().items("  - id: with space\n    title: t\n    risk: low\n  - id: ÉTAPE-1\n    title: t\n    risk: low\n  - id: étape-1\n    title: t\n    risk: low\n");
    let (code, err) = validate(&repo);
    assert_eq!(code, 2);
    assert!(
        err.contains("item id `with space` contains a space"),
        "{err}"
    );
    assert!(err.contains("duplicate item id `étape-1`"), "{err}");
}

#[cfg(unix)]
#[test]
fn evidence_names_that_are_not_utf8_are_listed_safely() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let repo = Fixture::with_framework().items(
        "  - id: E\n    title: t\n    risk: low\n    evidence: [evidence/, \"evidence/*\"]\n",
    );
    std::fs::create_dir_all(repo.path().join("evidence")).expect("dir");
    std::fs::write(
        repo.path()
            .join("evidence")
            .join(OsStr::from_bytes(b"bad-\xff-name")),
        "x",
    )
    .expect("write");
    let doc = common::json(
        &repo
            .run(&["status", "--format", "json", "--as-of", "2025-01-01"])
            .code(0),
    );
    assert_eq!(doc["items"][0]["evidence"][0]["state"], "present");
    let assert = repo
        .run(&["evidence", "--format", "json", "--as-of", "2025-01-01"])
        .code(0);
    assert!(!stderr(&assert).contains("panicked"));
}

#[cfg(unix)]
#[test]
fn devices_are_never_opened() {
    let repo = Fixture::with_framework().items(
        "  - id: E\n    title: t\n    risk: low\n    evidence: [evidence/null, evidence/zero]\n",
    );
    std::fs::create_dir_all(repo.path().join("evidence")).expect("dir");
    std::os::unix::fs::symlink("/dev/null", repo.path().join("evidence/null")).expect("symlink");
    let made = std::process::Command::new("mknod")
        .arg(repo.path().join("evidence/zero"))
        .args(["c", "1", "5"])
        .status()
        .is_ok_and(|s| s.success());
    let doc = common::json(
        &repo
            .run(&["status", "--format", "json", "--as-of", "2025-01-01"])
            .code(0),
    );
    assert_eq!(
        doc["items"][0]["evidence"][0]["state"], "outside",
        "a symlink to /dev/null"
    );
    if made {
        assert_eq!(
            doc["items"][0]["evidence"][1]["state"], "missing",
            "a device inside the root"
        );
        assert_eq!(
            doc["items"][0]["evidence"][1]["detail"],
            "neither a regular file nor a directory"
        );
    }
    // The manifest reads file contents: devices and FIFOs are skipped.
    let manifest = repo.path().join("m.json");
    repo.run(&["evidence", "--manifest", manifest.to_str().expect("utf-8")])
        .code(0);
}

/// Every file's bytes under `root`, by path.
fn snapshot(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
    {
        let entry = entry.expect("walk");
        let relative = entry
            .path()
            .strip_prefix(root)
            .expect("inside")
            .to_string_lossy()
            .into_owned();
        let content = if entry.file_type().is_file() {
            std::fs::read(entry.path()).expect("read")
        } else {
            Vec::new()
        };
        files.insert(relative, content);
    }
    files
}

/// The bytes of every file comply reads or points at in `root`.
fn repository_bytes(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut all = BTreeMap::new();
    for dir in ["controls", "backlog", "reviews", "exceptions", "evidence"] {
        for (path, bytes) in snapshot(&root.join(dir)) {
            all.insert(format!("{dir}/{path}"), bytes);
        }
    }
    all.insert(
        "comply.yaml".into(),
        std::fs::read(root.join("comply.yaml")).expect("read"),
    );
    all
}

#[test]
fn read_only_commands_leave_the_repository_byte_identical() {
    let root = common::example_root();
    let before = repository_bytes(&root);
    let runs: &[&[&str]] = &[
        &["validate"],
        &["status"],
        &["status", "--format", "json"],
        &["due"],
        &["gaps"],
        &["check"],
        &["check", "--format", "github"],
        &["check", "--format", "junit"],
        &["report"],
        &["report", "--format", "html"],
        &["report", "--format", "json"],
        &["evidence"],
        &["evidence", "--stale", "--missing"],
        &["trend", "--since", "2026-01-01"],
    ];
    for args in runs {
        let assert = comply(&root)
            .args(["--as-of", "2026-11-25"])
            .args(*args)
            .assert();
        let code = assert.get_output().status.code().unwrap_or(-1);
        assert!(
            matches!(code, 0 | 1),
            "{args:?} exited {code}: {}",
            stderr(&assert)
        );
    }
    let after = repository_bytes(&root);
    assert!(
        before == after,
        "a read-only command changed the repository"
    );
}

#[test]
fn a_symlinked_yaml_file_is_not_followed() {
    let outside = tempfile::tempdir().expect("tempdir");
    std::fs::write(outside.path().join("x.yaml"), "items: []\n").expect("write");
    let repo = Fixture::with_framework();
    std::fs::create_dir_all(repo.path().join("backlog")).expect("dir");
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        outside.path().join("x.yaml"),
        repo.path().join("backlog/x.yaml"),
    )
    .expect("symlink");
    let (code, err) = validate(&repo);
    if cfg!(unix) {
        assert_eq!(code, 2);
        assert!(
            err.contains("backlog/x.yaml: error[unreadable]: is a symlink"),
            "{err}"
        );
    }
}
