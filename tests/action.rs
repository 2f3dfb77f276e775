//! The GitHub Action (action.yml) and the GitLab CI template
//! (comply.gitlab-ci.yml): their steps run here as they run in CI, against
//! fixture repositories, with the binary under test standing in for the
//! cached build.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{Fixture, commit_all, example_root, git};

/// A git repository in `sub/` of the fixture, with one overdue high item
/// (LATE) and one fine item, committed.
fn failing() -> Fixture {
    let repo = Fixture::new()
        .file(
            "sub/controls/fw.yaml",
            "framework: fw\nname: Test framework\ncontrols:\n  - id: C1\n    title: First\n    status: implemented\n",
        )
        .file(
            "sub/backlog/items.yaml",
            "framework: fw\nitems:\n  - id: LATE\n    title: Late\n    risk: high\n    due: 2025-01-01\n  - id: FINE\n    title: Fine\n    risk: high\n    due: 2026-01-01\n",
        )
        .file("sub/comply.yaml", "name: Fixture\n");
    git(repo.path(), &["init", "-q", "-b", "main"], None);
    commit_all(repo.path(), "2025-01-01");
    repo
}

/// The built binary in a directory laid out as `cargo install --root`
/// does, as the cache restores it.
fn cached_binary(dir: &Path) -> PathBuf {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).expect("bin directory");
    std::fs::copy(env!("CARGO_BIN_EXE_comply"), bin.join("comply")).expect("copy binary");
    dir.to_path_buf()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn action_yaml() -> serde_norway::Value {
    let text = std::fs::read_to_string(example_root().join("action.yml")).expect("action.yml");
    serde_norway::from_str(&text).expect("action.yml is YAML")
}

/// Runs `ci/action.sh STEP` with the environment GitHub would give it for
/// the action's step that runs STEP, inputs substituted.
fn action_step(step: &str, cwd: &Path, runner: &Path, inputs: &[(&str, &str)]) -> Output {
    action_step_with_path(step, cwd, runner, inputs, "")
}

/// [`action_step`] with `extra` directories first on PATH.
fn action_step_with_path(
    step: &str,
    cwd: &Path,
    runner: &Path,
    inputs: &[(&str, &str)],
    extra: &str,
) -> Output {
    let action = action_yaml();
    let steps = action["runs"]["steps"].as_sequence().expect("steps");
    let found = steps
        .iter()
        .find(|s| {
            s["run"]
                .as_str()
                .is_some_and(|r| r.trim() == format!("\"$GITHUB_ACTION_PATH/ci/action.sh\" {step}"))
        })
        .unwrap_or_else(|| panic!("no step runs `ci/action.sh {step}`"));
    assert_eq!(found["shell"].as_str(), Some("bash"));
    let mut cmd = Command::new("bash");
    cmd.arg(example_root().join("ci/action.sh"))
        .arg(step)
        .current_dir(cwd)
        .env_remove("COMPLY_TODAY")
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS")
        .env("COMPLY_TODAY", "2025-06-01")
        .env("GITHUB_ACTION_PATH", example_root())
        .env("GITHUB_OUTPUT", runner.join("output"))
        .env("GITHUB_PATH", runner.join("path"))
        .env("GITHUB_STEP_SUMMARY", runner.join("summary.md"))
        .env("RUNNER_TEMP", runner)
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_ARCH", "X64")
        // No comply on PATH but the cached one.
        .env(
            "PATH",
            format!(
                "{extra}{}/bin:/usr/bin:/bin",
                runner.join("comply-bin").display()
            ),
        );
    if let Some(env) = found["env"].as_mapping() {
        for (name, value) in env {
            let name = name.as_str().expect("env name");
            let value = value.as_str().expect("env value");
            let value = if value == "${{ runner.temp }}/comply-bin" {
                runner.join("comply-bin").display().to_string()
            } else if let Some(input) = value
                .strip_prefix("${{ inputs.")
                .and_then(|v| v.strip_suffix(" }}"))
            {
                let default = action["inputs"][input]["default"]
                    .as_str()
                    .unwrap_or_else(|| panic!("input {input} is declared with a default"))
                    .to_string();
                inputs
                    .iter()
                    .find(|(k, _)| *k == input)
                    .map_or(default, |(_, v)| v.to_string())
            } else {
                panic!("unexpected value of {name}: {value}");
            };
            cmd.env(name, value);
        }
    }
    cmd.output().expect("bash runs")
}

#[test]
fn the_action_declares_its_inputs_and_caches_the_build() {
    let action = action_yaml();
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    for input in ["fail-on", "baseline", "working-directory", "args"] {
        assert!(
            action["inputs"][input]["description"].is_string(),
            "{input}"
        );
    }
    let steps = action["runs"]["steps"].as_sequence().expect("steps");
    let cache = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/cache@"))
        })
        .expect("a cache step");
    assert_eq!(
        cache["with"]["key"].as_str(),
        Some("${{ steps.key.outputs.key }}")
    );
    assert_eq!(
        cache["with"]["path"].as_str(),
        Some("${{ runner.temp }}/comply-bin")
    );
}

#[test]
fn the_action_steps_gate_a_repository() {
    let repo = failing();
    let runner = tempfile::tempdir().expect("runner temp");
    let runner = runner.path();

    // key: a key naming the version, to GITHUB_OUTPUT.
    let out = action_step("key", repo.path(), runner, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let output = std::fs::read_to_string(runner.join("output")).expect("GITHUB_OUTPUT");
    assert!(
        output.starts_with(&format!(
            "key=comply-{}-Linux-X64-",
            env!("CARGO_PKG_VERSION")
        )),
        "{output}"
    );

    // install: the cache restored the binary, so nothing is built.
    cached_binary(&runner.join("comply-bin"));
    let out = action_step("install", repo.path(), runner, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("comply restored from the cache: comply "));
    let path = std::fs::read_to_string(runner.join("path")).expect("GITHUB_PATH");
    assert_eq!(
        path.trim(),
        runner.join("comply-bin/bin").display().to_string()
    );

    // check: annotations on the offending line, exit 1, the step summary.
    let out = action_step(
        "check",
        repo.path(),
        runner,
        &[("working-directory", "sub")],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("comply check --format github"), "{stdout}");
    assert!(
        stdout.contains("::error file=sub/backlog/items.yaml,line=3,"),
        "paths from the repository's top:\n{stdout}"
    );
    let summary = std::fs::read_to_string(runner.join("summary.md")).expect("step summary");
    assert!(summary.contains("# comply check: Fixture"), "{summary}");

    // A threshold above the offender passes.
    let out = action_step(
        "check",
        repo.path(),
        runner,
        &[("working-directory", "sub"), ("fail-on", "critical")],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));

    // The ratchet: nothing got worse since HEAD, so the old debt passes...
    let baseline = [("working-directory", "sub"), ("baseline", "HEAD")];
    let out = action_step("check", repo.path(), runner, &baseline);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    // ...and a new overdue item fails.
    let items = repo.path().join("sub/backlog/items.yaml");
    let mut yaml = std::fs::read_to_string(&items).expect("items");
    yaml.push_str("  - id: NEW\n    title: New\n    risk: critical\n    due: 2025-02-01\n");
    std::fs::write(&items, yaml).expect("write");
    // A control that got worse, too.
    let controls = repo.path().join("sub/controls/fw.yaml");
    let yaml = std::fs::read_to_string(&controls).expect("controls");
    std::fs::write(&controls, yaml.replace("implemented", "missing")).expect("write");
    std::fs::remove_file(runner.join("summary.md")).expect("rm summary");
    let out = action_step("check", repo.path(), runner, &baseline);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    // The ratchet's annotations point at the lines of what got worse, from
    // the repository's top, and its summary lists every change.
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("--baseline HEAD --format github"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "::error file=sub/backlog/items.yaml,line=11,title=comply ratchet%3A offender NEW::"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "::error file=sub/controls/fw.yaml,line=4,title=comply ratchet%3A control fw%3AC1::"
        ),
        "{stdout}"
    );
    let summary = std::fs::read_to_string(runner.join("summary.md")).expect("step summary");
    assert!(
        summary.starts_with("# comply check --baseline: Fixture"),
        "{summary}"
    );
    assert!(summary.contains("**ratchet failed: 2 worse"), "{summary}");
    assert!(
        summary.contains("| offender | NEW | new offender (item): overdue: due 2025-02-01, 120 days late | backlog/items.yaml:11 |"),
        "{summary}"
    );
    assert!(
        summary.contains("| control | fw:C1 | status implemented -> missing |"),
        "{summary}"
    );
    std::fs::write(&controls, yaml).expect("write");

    // A broken repository is exit 2, not a pass.
    std::fs::write(repo.path().join("sub/backlog/bad.yaml"), "items: [").expect("write");
    let out = action_step(
        "check",
        repo.path(),
        runner,
        &[("working-directory", "sub")],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
}

#[test]
fn the_gitlab_template_gates_a_repository() {
    let template: serde_norway::Value = serde_norway::from_str(
        &std::fs::read_to_string(example_root().join("comply.gitlab-ci.yml"))
            .expect("comply.gitlab-ci.yml"),
    )
    .expect("YAML");
    let job = &template[".comply"];
    assert_eq!(job["variables"]["GIT_DEPTH"].as_u64(), Some(0));
    assert_eq!(
        job["cache"]["paths"][0].as_str(),
        Some(".comply-bin/"),
        "the build is cached"
    );
    assert_eq!(
        job["artifacts"]["reports"]["junit"].as_str(),
        Some("comply-junit.xml")
    );
    let lines: Vec<&str> = job["script"]
        .as_sequence()
        .expect("script")
        .iter()
        .map(|l| l.as_str().expect("script line"))
        .collect();
    let run = |repo: &Fixture, variables: &[(&str, &str)]| -> Output {
        // GitLab runs the lines in one shell and stops at the first that fails.
        let script = format!("set -eo pipefail\n{}\n", lines.join("\n"));
        let mut cmd = Command::new("bash");
        cmd.args(["-c", &script])
            .current_dir(repo.path())
            .env_remove("NO_COLOR")
            .env_remove("COLUMNS")
            .env("COMPLY_TODAY", "2025-06-01")
            .env("CI_PROJECT_DIR", repo.path())
            .env("PATH", "/usr/bin:/bin");
        for (name, value) in job["variables"].as_mapping().expect("variables") {
            let value = match value {
                serde_norway::Value::String(s) => s.clone(),
                other => serde_norway::to_string(other)
                    .expect("scalar")
                    .trim()
                    .to_string(),
            };
            cmd.env(name.as_str().expect("name"), value);
        }
        for (name, value) in variables {
            cmd.env(name, value);
        }
        cmd.output().expect("bash runs")
    };
    let repo = failing();
    cached_binary(&repo.path().join(".comply-bin"));
    let out = run(&repo, &[("COMPLY_WORKING_DIRECTORY", "sub")]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let junit = std::fs::read_to_string(repo.path().join("comply-junit.xml")).expect("JUnit");
    assert!(junit.contains("<failure type=\"overdue\""), "{junit}");
    let out = run(
        &repo,
        &[
            ("COMPLY_WORKING_DIRECTORY", "sub"),
            ("COMPLY_FAIL_ON", "critical"),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = run(
        &repo,
        &[
            ("COMPLY_WORKING_DIRECTORY", "sub"),
            ("COMPLY_BASELINE", "HEAD"),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn the_pre_commit_hook_runs_for_every_file_comply_reads() {
    let hooks: serde_norway::Value = serde_norway::from_str(
        &std::fs::read_to_string(example_root().join(".pre-commit-hooks.yaml"))
            .expect(".pre-commit-hooks.yaml"),
    )
    .expect("YAML");
    let validate = hooks
        .as_sequence()
        .expect("hooks")
        .iter()
        .find(|h| h["id"].as_str() == Some("comply-validate"))
        .expect("comply-validate");
    // pre-commit matches `files` with Python's re.search.
    let files = regex::Regex::new(validate["files"].as_str().expect("files")).expect("regex");
    for path in [
        "comply.yaml",
        "controls/iso27001.yaml",
        "backlog/items.yml",
        "reviews/quarterly.yaml",
        "exceptions/supplier.yaml",
        "compliance/reviews/quarterly.yaml",
    ] {
        assert!(files.is_match(path), "{path} is skipped");
    }
    for path in ["README.md", "evidence/policy.yaml", "src/controls.rs"] {
        assert!(!files.is_match(path), "{path} runs the hook");
    }
}

#[test]
fn the_action_builds_comply_from_its_own_source_on_a_cache_miss() {
    let repo = failing();
    let runner = tempfile::tempdir().expect("runner temp");
    let runner = runner.path();
    // No cargo on PATH: a clear error, exit 2 (where the system has no
    // cargo of its own in /usr/bin or /bin, which would really build).
    if !["/usr/bin/cargo", "/bin/cargo"]
        .iter()
        .any(|p| Path::new(p).exists())
    {
        let out = action_step("install", repo.path(), runner, &[]);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
        assert!(text(&out.stdout).contains("::error::comply is built with cargo"));
    }
    // A stand-in cargo records how it is called and installs the binary.
    let tools = runner.join("tools");
    std::fs::create_dir_all(&tools).expect("tools");
    let cargo = tools.join("cargo");
    std::fs::write(
        &cargo,
        format!(
            "#!/bin/sh\necho \"$@\" > \"{log}\"\nwhile [ \"$1\" != --root ]; do shift; done\nmkdir -p \"$2/bin\" && cp \"{bin}\" \"$2/bin/comply\"\n",
            log = runner.join("cargo-args").display(),
            bin = env!("CARGO_BIN_EXE_comply"),
        ),
    )
    .expect("write cargo");
    std::process::Command::new("chmod")
        .args(["+x"])
        .arg(&cargo)
        .status()
        .expect("chmod");
    let path = format!("{}:", tools.display());
    let out = action_step_with_path("install", repo.path(), runner, &[], &path);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let args = std::fs::read_to_string(runner.join("cargo-args")).expect("cargo ran");
    assert_eq!(
        args.trim(),
        format!(
            "install --locked --path {} --root {} --bin comply",
            example_root().display(),
            runner.join("comply-bin").display()
        )
    );
    // The next run finds it, as the cache would restore it.
    let out = action_step("install", repo.path(), runner, &[]);
    assert!(text(&out.stdout).contains("restored from the cache"));
}

#[test]
fn the_action_says_why_it_cannot_run_the_gate_with_exit_2() {
    let repo = failing();
    let runner = tempfile::tempdir().expect("runner temp");
    let runner = runner.path();
    let error = |out: &Output, needle: &str| {
        let stdout = text(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{stdout}\n{}",
            text(&out.stderr)
        );
        let line = stdout
            .lines()
            .find(|l| l.starts_with("::error title=comply::"))
            .unwrap_or_else(|| panic!("no ::error:: line:\n{stdout}"));
        assert!(line.contains(needle), "`{needle}` in {line}");
    };

    // No comply on PATH and none in the cache.
    let out = action_step(
        "check",
        repo.path(),
        runner,
        &[("working-directory", "sub")],
    );
    error(&out, "comply is not installed");

    cached_binary(&runner.join("comply-bin"));
    for dir in ["missing", "sub/comply.yaml", "with space/and%percent"] {
        let out = action_step("check", repo.path(), runner, &[("working-directory", dir)]);
        let shown = dir.replace('%', "%25");
        error(
            &out,
            &format!("working-directory `{shown}` is not a directory"),
        );
    }
    let out = action_step(
        "check",
        repo.path(),
        runner,
        &[("working-directory", "sub"), ("fail-on", "severe")],
    );
    error(&out, "exit 2");
    assert!(
        text(&out.stdout).contains("severe"),
        "{}",
        text(&out.stdout)
    );
    let out = action_step(
        "check",
        repo.path(),
        runner,
        &[("working-directory", "sub"), ("baseline", "no-such-rev")],
    );
    error(&out, "no-such-rev");
}
