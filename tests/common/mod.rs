//! Helpers for the CLI tests: temporary repositories and running the binary.
#![allow(dead_code)] // each test binary uses its own part of the helpers

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

/// A repository in a temporary directory, written file by file.
pub struct Fixture {
    dir: TempDir,
}

impl Fixture {
    /// An empty repository.
    pub fn new() -> Fixture {
        Fixture {
            dir: tempfile::tempdir().expect("temporary directory"),
        }
    }

    /// A repository with one framework `fw` holding controls `C1` and `C2`.
    pub fn with_framework() -> Fixture {
        Fixture::new().file(
            "controls/fw.yaml",
            "framework: fw\nname: Test framework\ncontrols:\n  - id: C1\n    title: First\n    status: implemented\n  - id: C2\n    title: Second\n    status: planned\n    severity: high\n",
        )
    }

    /// Writes `text` at `path`, creating directories.
    pub fn file(self, path: &str, text: &str) -> Fixture {
        self.bytes(path, text.as_bytes())
    }

    /// Writes raw bytes at `path`, creating directories.
    pub fn bytes(self, path: &str, bytes: &[u8]) -> Fixture {
        let full = self.dir.path().join(path);
        fs::create_dir_all(full.parent().expect("parent")).expect("create dirs");
        fs::write(full, bytes).expect("write fixture file");
        self
    }

    /// Creates an empty directory at `path`.
    pub fn dir(self, path: &str) -> Fixture {
        fs::create_dir_all(self.dir.path().join(path)).expect("create dir");
        self
    }

    /// A backlog file `backlog/items.yaml` with the given items (YAML list
    /// entries, indented by two spaces) in framework `fw`.
    pub fn items(self, items: &str) -> Fixture {
        self.file(
            "backlog/items.yaml",
            &format!("framework: fw\nitems:\n{items}"),
        )
    }

    /// The root directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `comply --root <root> args...` with a fixed environment.
    pub fn run(&self, args: &[&str]) -> assert_cmd::assert::Assert {
        comply(self.path()).args(args).assert()
    }
}

/// The `comply` binary pointed at `root`, with `COMPLY_TODAY` and `NO_COLOR`
/// removed so each test sets what it needs.
pub fn comply(root: &Path) -> Command {
    let mut cmd = Command::cargo_bin("comply").expect("binary");
    cmd.env_remove("COMPLY_TODAY")
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS")
        .env_remove("COMPLETE")
        .env_remove("GITHUB_STEP_SUMMARY")
        .arg("--root")
        .arg(root);
    cmd
}

/// The `comply` binary with a fixed environment and no `--root`, for the
/// commands that read no repository (`init`, `schema`, `man`, ...).
pub fn tool() -> Command {
    let mut cmd = Command::cargo_bin("comply").expect("binary");
    cmd.env_remove("COMPLY_TODAY")
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS")
        .env_remove("COMPLETE")
        .env_remove("GITHUB_STEP_SUMMARY");
    cmd
}

/// The bundled worked example: the repository's own root.
pub fn example_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Standard output of a finished command as text.
pub fn stdout(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stdout).into_owned()
}

/// Standard error of a finished command as text.
pub fn stderr(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stderr).into_owned()
}

/// Standard output parsed as JSON.
pub fn json(assert: &assert_cmd::assert::Assert) -> serde_json::Value {
    serde_json::from_slice(&assert.get_output().stdout).expect("stdout is JSON")
}

/// Runs git in `dir` with a fixed identity, no user configuration and, when
/// given, a fixed commit date; returns its standard output.
pub fn git(dir: &Path, args: &[&str], date: Option<&str>) -> String {
    let mut cmd = std::process::Command::new("git");
    cmd.current_dir(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "Auditor")
        .env("GIT_AUTHOR_EMAIL", "auditor@example.com")
        .env("GIT_COMMITTER_NAME", "Auditor")
        .env("GIT_COMMITTER_EMAIL", "auditor@example.com")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1");
    if let Some(date) = date {
        let stamp = format!("{date}T12:00:00Z");
        cmd.env("GIT_AUTHOR_DATE", &stamp)
            .env("GIT_COMMITTER_DATE", &stamp);
    }
    let output = cmd.output().expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Commits everything in `dir` on `date`.
pub fn commit_all(dir: &Path, date: &str) {
    git(dir, &["add", "-A"], None);
    git(dir, &["commit", "-q", "-m", date], Some(date));
}
