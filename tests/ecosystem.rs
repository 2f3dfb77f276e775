//! Fitting the ecosystem: init, CI output formats, quiet and verbose,
//! completions, the man page, the version and the generated CLI reference.

mod common;

use common::{Fixture, comply, stderr, stdout, tool};

#[test]
fn init_then_validate_and_check_succeed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cmd = assert_cmd::Command::cargo_bin("comply").expect("binary");
    let assert = cmd
        .current_dir(dir.path())
        .args(["init", "repo"])
        .assert()
        .code(0);
    assert!(stderr(&assert).contains("created "), "{}", stderr(&assert));
    let root = dir.path().join("repo");
    let assert = comply(&root).arg("validate").assert().code(0);
    assert!(
        stdout(&assert)
            .starts_with("valid: 4 frameworks, 173 controls, 1 item, 1 evidence entry in 7 files"),
        "{}",
        stdout(&assert)
    );
    comply(&root)
        .args(["check", "--as-of", "2030-01-01"])
        .assert()
        .code(0);
    comply(&root)
        .args(["status", "--as-of", "2030-01-01"])
        .assert()
        .code(0);

    let before = std::fs::read(root.join("comply.yaml")).expect("written");
    std::fs::write(root.join("backlog/example.yaml"), "mine").expect("write");
    let mut cmd = assert_cmd::Command::cargo_bin("comply").expect("binary");
    let assert = cmd.current_dir(&root).arg("init").assert().code(2);
    assert!(
        stderr(&assert).contains("already has comply.yaml, controls/popia.yaml"),
        "{}",
        stderr(&assert)
    );
    assert_eq!(
        std::fs::read(root.join("comply.yaml")).expect("kept"),
        before
    );
    assert_eq!(
        std::fs::read_to_string(root.join("backlog/example.yaml")).expect("kept"),
        "mine"
    );
}

fn failing() -> Fixture {
    Fixture::with_framework().items(
        "  - id: LATE\n    title: \"Late, with: punctuation\"\n    risk: high\n    due: 2025-01-01\n  - id: FINE\n    title: Fine\n    risk: high\n    due: 2026-01-01\n  - id: LOW\n    title: Low\n    risk: low\n    due: 2025-01-01\n",
    )
}

#[test]
fn github_annotations_point_at_each_offender() {
    let assert = failing()
        .run(&["check", "--format", "github", "--as-of", "2025-06-01"])
        .code(1);
    assert_eq!(
        stdout(&assert),
        "::error file=backlog/items.yaml,line=3,title=comply%3A item LATE (high risk)::Late, with: punctuation: overdue: due 2025-01-01, 151 days late\n::error title=comply check::gate failed: 1 item at risk high or above (1 overdue)\n"
    );
}

#[test]
fn junit_has_one_case_per_gated_item() {
    let assert = failing()
        .run(&["check", "--format", "junit", "--as-of", "2025-06-01"])
        .code(1);
    let xml = stdout(&assert);
    assert!(
        xml.contains(
            r#"<testsuites name="comply check" tests="2" failures="1" errors="0" time="0">"#
        ),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<testcase classname="comply.fw.item" name="FINE" time="0">"#),
        "{xml}"
    );
    assert!(
        xml.contains(
            r#"<failure type="overdue" message="overdue: due 2025-01-01, 151 days late">backlog/items.yaml:3: Late, with: punctuation</failure>"#
        ),
        "{xml}"
    );
    assert!(!xml.contains("LOW"), "low risk is not gated: {xml}");
}

#[test]
fn quiet_prints_only_failures_and_verbose_explains() {
    let repo = failing();
    let assert = repo.run(&["-q", "check", "--as-of", "2024-06-01"]).code(0);
    assert!(stdout(&assert).is_empty() && stderr(&assert).is_empty());
    let assert = repo.run(&["-q", "check", "--as-of", "2025-06-01"]).code(1);
    assert!(stdout(&assert).contains("LATE [high]"));
    let assert = repo.run(&["-q", "validate"]).code(0);
    assert!(stdout(&assert).is_empty());

    let assert = repo.run(&["-v", "check", "--as-of", "2025-06-01"]).code(1);
    let err = stderr(&assert);
    for line in [
        "comply: root ",
        "(--root)",
        "comply: no comply.yaml: default settings",
        "comply: as of 2025-06-01 (--as-of)",
        "comply: not reading git history: no max_age_days is set and no review is dated by evidence",
        "comply: due soon means due within 14 days; the gate fails on high risk and above",
        "comply: item LATE offends (high risk): overdue: due 2025-01-01, 151 days late",
    ] {
        assert!(err.contains(line), "missing `{line}` in:\n{err}");
    }
    let assert = comply(repo.path())
        .env("COMPLY_TODAY", "2025-06-01")
        .args(["-v", "status"])
        .assert()
        .code(0);
    assert!(stderr(&assert).contains("comply: as of 2025-06-01 (COMPLY_TODAY)"));
}

#[test]
fn completions_man_page_and_version() {
    for (shell, marker) in [
        ("bash", "_comply()"),
        ("zsh", "#compdef comply"),
        ("fish", "complete -c comply"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let assert = tool().args(["completions", shell]).assert().code(0);
        assert!(stdout(&assert).contains(marker), "{shell}");
    }
    let assert = tool().arg("man").assert().code(0);
    assert!(stdout(&assert).contains(".TH comply 1"));
    assert!(!stdout(&assert).contains(".TH comply-check 1"));
    // `-o -` (and `--output -`, `--output=-`): every page on standard
    // output, no directory named `-`.
    let dir = tempfile::tempdir().expect("temporary directory");
    for args in [&["-o", "-"][..], &["--output", "-"], &["--output=-"]] {
        let assert = tool()
            .current_dir(dir.path())
            .arg("man")
            .args(args)
            .assert()
            .code(0);
        let pages = stdout(&assert);
        for page in [".TH comply 1", ".TH comply-check 1", ".TH comply-man 1"] {
            assert!(pages.contains(page), "{args:?}: {page}");
        }
        assert!(!dir.path().join("-").exists(), "{args:?}");
    }
    let assert = tool().arg("--version").assert().code(0);
    let version = stdout(&assert);
    assert!(
        version.starts_with(&format!("comply {} (", env!("CARGO_PKG_VERSION"))),
        "{version}"
    );
}

#[test]
fn the_cli_reference_is_current() {
    let committed = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/cli.md"),
    )
    .expect("docs/cli.md");
    assert_eq!(
        committed,
        comply::cli::reference(),
        "docs/cli.md is stale: run `comply reference > docs/cli.md`"
    );
}

#[test]
fn schema_command_prints_each_kind() {
    for kind in ["config", "controls", "backlog"] {
        let assert = tool().args(["schema", kind]).assert().code(0);
        let schema: serde_json::Value = serde_json::from_str(&stdout(&assert)).expect("JSON");
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
    }
    tool().args(["schema", "nope"]).assert().code(2);
}

/// The long names of options whose values are never paths, in any command.
fn non_path_options() -> Vec<String> {
    use clap::ValueHint;
    fn walk(command: &clap::Command, path: &mut Vec<String>, other: &mut Vec<String>) {
        for arg in command.get_arguments() {
            let (Some(long), true) = (arg.get_long(), arg.get_action().takes_values()) else {
                continue;
            };
            let is_path = matches!(
                arg.get_value_hint(),
                ValueHint::AnyPath | ValueHint::FilePath | ValueHint::DirPath
            );
            if is_path { &mut *path } else { &mut *other }.push(long.to_string());
        }
        for sub in command.get_subcommands() {
            walk(sub, path, other);
        }
    }
    let (mut path, mut other) = (Vec::new(), Vec::new());
    walk(&comply::cli::visible_command(), &mut path, &mut other);
    other.retain(|o| !path.contains(o));
    other.sort();
    other.dedup();
    other
}

#[test]
fn static_completions_offer_no_file_names_for_values_that_are_not_paths() {
    let options = non_path_options();
    for expected in [
        "within",
        "as-of",
        "at",
        "baseline",
        "since",
        "framework",
        "owner",
    ] {
        assert!(
            options.iter().any(|o| o == expected),
            "{expected}: {options:?}"
        );
    }
    let script = |shell: &str| stdout(&tool().args(["completions", shell]).assert().code(0));

    // bash: each `--name)` case up to its `;;`.
    let bash = script("bash");
    let lines: Vec<&str> = bash.lines().collect();
    let case = |name: &str| -> Vec<String> {
        let mut cases = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            if line.trim() == format!("--{name})") {
                let body: Vec<&str> = lines[i + 1..]
                    .iter()
                    .take_while(|l| l.trim() != ";;")
                    .copied()
                    .collect();
                cases.push(body.join("\n"));
            }
        }
        cases
    };
    assert!(case("root").iter().all(|c| c.contains("compgen -f")));
    for name in &options {
        let cases = case(name);
        assert!(!cases.is_empty(), "bash: no case for --{name}");
        for body in cases {
            assert!(!body.contains("compgen -f"), "bash --{name}:\n{body}");
        }
    }

    // zsh: `'--name=[help]:VALUE:ACTION'`; no action, or a list of values.
    let zsh = script("zsh");
    let actions = |name: &str| -> Vec<String> {
        zsh.lines()
            .filter_map(|l| {
                let l = l.trim().trim_start_matches('\'').trim_start_matches('*');
                l.strip_prefix(&format!("--{name}=["))
            })
            .filter_map(|rest| rest.rsplit_once("]:"))
            .map(|(_, spec)| spec.trim_end_matches(['\'', ' ', '\\']).to_string())
            .collect()
    };
    assert!(actions("root").iter().all(|a| a.ends_with(":_files")));
    for name in &options {
        let found = actions(name);
        assert!(!found.is_empty(), "zsh: no spec for --{name}");
        for spec in found {
            assert!(
                !spec.ends_with(":_default") && !spec.ends_with(":_files"),
                "zsh --{name}: {spec}"
            );
        }
    }

    // fish: `-l name ... -r` needs `-f` (no files) unless it lists values.
    let fish = script("fish");
    for name in &options {
        let found: Vec<&str> = fish
            .lines()
            .filter(|l| l.contains(&format!(" -l {name} ")))
            .collect();
        assert!(!found.is_empty(), "fish: no line for --{name}");
        for line in found {
            assert!(
                line.ends_with(" -f") || line.contains(" -a \""),
                "fish --{name}: {line}"
            );
        }
    }
}
