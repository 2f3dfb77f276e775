//! The benchmark's generator (`examples/gen.rs`, `examples/support/synth/`):
//! both shapes, at a small size, are valid repositories with no warning that
//! give the gate offenders to find, the same bytes every run; and the lean
//! Python comparison (`benches/lean.py`) counts the offenders `comply check`
//! counts.

mod common;
#[path = "../examples/support/synth/mod.rs"]
mod synth;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{comply, json, stdout};
use synth::{Settings, Shape};
use tempfile::TempDir;

/// The as-of date the benchmark runs at (its risk acceptances are dated
/// around it).
const AS_OF: &str = "2026-01-01";

/// A shape, written small under `dir`.
fn generate(dir: &Path, word: &str) -> PathBuf {
    let shape = Shape::from_word(word).expect("a shape");
    let settings = Settings {
        out: dir.join(word),
        shape,
        frameworks: 3,
        controls: 60,
        items: 3000,
        files: 20,
        evidence: 2000,
        ..Settings::default()
    };
    synth::generate(&settings).expect("generated");
    settings.out
}

/// Every file under `root` and its bytes, by relative path.
fn contents(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).expect("listed") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                files.insert(
                    path.strip_prefix(root).expect("inside").to_path_buf(),
                    Vec::new(),
                );
                stack.push(path);
            } else {
                let bytes = fs::read(&path).expect("read");
                files.insert(
                    path.strip_prefix(root).expect("inside").to_path_buf(),
                    bytes,
                );
            }
        }
    }
    files
}

/// `comply check`'s offenders, as JSON, after asserting the gate failed.
fn gate(root: &Path) -> serde_json::Value {
    let assert = comply(root)
        .args(["check", "--as-of", AS_OF, "--format", "json"])
        .assert()
        .code(1);
    json(&assert)
}

#[test]
fn both_shapes_are_valid_and_fail_the_gate() {
    let dir = TempDir::new().expect("temp dir");
    for word in ["uniform", "varied"] {
        let root = generate(dir.path(), word);
        let assert = comply(&root).arg("validate").assert().success();
        let out = stdout(&assert);
        assert!(out.starts_with("valid: 3 frameworks"), "{word}: {out}");
        assert!(!out.contains("warning"), "{word}: {out}");
        let offenders = gate(&root)["offenders"].as_array().expect("list").len();
        assert!(offenders > 100, "{word}: {offenders} offenders");
    }
}

#[test]
fn the_varied_shape_has_what_the_uniform_one_lacks() {
    let dir = TempDir::new().expect("temp dir");
    let root = generate(dir.path(), "varied");
    let check = gate(&root);
    let kinds = |list: &str| -> Vec<String> {
        check[list]
            .as_array()
            .expect("list")
            .iter()
            .map(|o| o["kind"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    assert!(
        kinds("offenders").iter().any(|k| k == "acceptance"),
        "an expired acceptance offends"
    );
    assert!(
        !kinds("accepted").is_empty(),
        "acceptances in force cover offenders"
    );
    let sizes: Vec<usize> = fs::read_dir(root.join("backlog"))
        .expect("backlog")
        .map(|e| {
            let text = fs::read_to_string(e.expect("entry").path()).expect("read");
            text.matches("\n  - id: ").count()
        })
        .collect();
    let least = sizes.iter().min().copied().unwrap_or(0);
    let most = sizes.iter().max().copied().unwrap_or(0);
    assert!(least > 0 && most >= 10 * least, "items per file {sizes:?}");
    let yaml: String = contents(&root)
        .iter()
        .filter(|(path, _)| path.extension().is_some_and(|e| e == "yaml"))
        .map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned())
        .collect();
    for (written, what) in [
        ("summary: >-", "a folded summary"),
        ("summary: |", "a literal summary"),
        ("title: '", "a single-quoted title"),
        ("title: \"", "a double-quoted title"),
        ("  # Workstream", "a comment"),
        ("/**/q", "a glob over all evidence"),
        ("/*.md", "a glob in one directory"),
        ("/\n", "a directory"),
        ("controls: [", "a flow list of controls"),
        ("cadence: {every: 90}", "a cadence in days"),
        ("relation: ", "a mapping"),
    ] {
        assert!(yaml.contains(written), "{what} is written");
    }
    let evidence = json(
        &comply(&root)
            .args(["evidence", "--format", "json", "--as-of", AS_OF])
            .assert(),
    );
    let text = evidence.to_string();
    for state in ["\"present\"", "\"empty\"", "\"missing\""] {
        assert!(text.contains(state), "{state} evidence");
    }
}

#[test]
fn the_same_settings_write_the_same_bytes() {
    for word in ["uniform", "varied"] {
        let (a, b) = (
            TempDir::new().expect("temp dir"),
            TempDir::new().expect("temp dir"),
        );
        let first = contents(&generate(a.path(), word));
        assert!(first.len() > 1000, "{word}: {} files", first.len());
        assert!(
            first == contents(&generate(b.path(), word)),
            "{word} differs"
        );
    }
}

/// Whether `python3` can import PyYAML with its C loader, as lean.py needs.
fn python_with_libyaml() -> bool {
    Command::new("python3")
        .args(["-c", "import yaml; assert yaml.__with_libyaml__"])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn lean_py_counts_the_offenders_comply_counts() {
    if !python_with_libyaml() {
        eprintln!(
            "SKIPPED lean_py_counts_the_offenders_comply_counts: python3 with PyYAML's C loader \
             (yaml.CSafeLoader) is not installed, so benches/lean.py cannot run"
        );
        return;
    }
    let dir = TempDir::new().expect("temp dir");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/lean.py");
    for word in ["uniform", "varied"] {
        let root = generate(dir.path(), word);
        let comply_count = gate(&root)["offenders"].as_array().expect("list").len();
        let out = Command::new("python3")
            .arg(&script)
            .arg(&root)
            .arg(AS_OF)
            .output()
            .expect("python3 runs");
        let printed = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{word}: {printed}");
        assert_eq!(
            printed.trim(),
            format!("{comply_count} offenders"),
            "{word}"
        );
    }
}
