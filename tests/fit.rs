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

/// The date and terminal width of README's sample dashboard.
const README_DATE: &str = "2025-11-20";
const README_COLUMNS: &str = "100";

/// README's `$ comply status` block is what the worked example prints at
/// [`README_DATE`] in a terminal of [`README_COLUMNS`] columns. With
/// `COMPLY_BLESS=1` the test rewrites the block instead of failing.
#[test]
fn readme_sample_is_what_the_example_prints() {
    let path = example_root().join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let marker = "```console\n$ comply status\n";
    let start = readme
        .find(marker)
        .expect("README has a `$ comply status` block")
        + marker.len();
    let end = start + readme[start..].find("```\n").expect("the block ends");
    let assert = comply(&example_root())
        .env("COMPLY_TODAY", README_DATE)
        .env("COLUMNS", README_COLUMNS)
        .arg("status")
        .assert()
        .code(0);
    let printed = stdout(&assert);
    if readme[start..end] == printed {
        return;
    }
    if std::env::var_os("COMPLY_BLESS").is_some() {
        let updated = format!("{}{printed}{}", &readme[..start], &readme[end..]);
        std::fs::write(&path, updated).expect("write README.md");
        return;
    }
    panic!(
        "README's sample is stale; rerun with COMPLY_BLESS=1 to update it. It should be:\n{printed}"
    );
}

/// Display columns of a line (the tables use box-drawing characters, one
/// column each).
fn columns(line: &str) -> usize {
    line.chars().count()
}

#[test]
fn tables_fit_80_columns_whatever_the_colour_and_break_between_words() {
    for color in ["never", "always"] {
        for args in [&["status"][..], &["due"], &["gaps"], &["evidence"]] {
            let assert = comply(&example_root())
                .env("COLUMNS", "80")
                .env("COMPLY_TODAY", "2026-11-25")
                .args(args)
                .args(["--color", color])
                .assert()
                .code(0);
            let text = stdout(&assert);
            let plain = strip_ansi(&text);
            for line in plain.lines() {
                assert!(columns(line) <= 80, "{args:?} {color}: {line}");
            }
            // Headers and words break between words, never inside one.
            for broken in [
                "Implement ┆",
                "Framewo ┆",
                "Unschedul ┆",
                "verificat ┆",
                "Procuremen ┆",
            ] {
                assert!(!plain.contains(broken), "{args:?}: `{broken}`:\n{plain}");
            }
        }
    }
    // The dashboard at 80 columns: short headers, empty columns left out
    // and named.
    let assert = comply(&example_root())
        .env("COLUMNS", "80")
        .env("NO_COLOR", "1")
        .args(["status", "--as-of", "2026-11-25"])
        .assert()
        .code(0);
    let text = stdout(&assert);
    assert!(text.contains("┆ Impl. ┆"), "{text}");
    assert!(
        text.contains("(not shown at 80 columns: Unproven, Due soon, Stale; see --format json)"),
        "{text}"
    );
    assert!(
        text.contains("│ REV-VULNERABILITIES ┆"),
        "ids never wrap:\n{text}"
    );
    assert!(text.contains(" verification "), "words stay whole:\n{text}");
}

#[test]
fn without_a_width_rows_stay_one_line() {
    // No COLUMNS and no terminal (a pipe): nothing wraps, whatever the
    // colour setting.
    for color in ["never", "always"] {
        let assert = comply(&example_root())
            .args(["status", "--as-of", "2026-11-25", "--color", color])
            .assert()
            .code(0);
        let plain = strip_ansi(&stdout(&assert));
        assert!(
            plain.contains(
                "│ GOV-001             ┆ Launch the quarterly compliance verification cadence ┆"
            ),
            "{plain}"
        );
    }
    // A COLUMNS that is not a positive number is ignored.
    let assert = comply(&example_root())
        .env("COLUMNS", "wide")
        .args(["status", "--as-of", "2026-11-25"])
        .assert()
        .code(0);
    assert!(stdout(&assert).contains("Launch the quarterly compliance verification cadence"));
}

fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn man_writes_a_page_per_command_with_the_sections_clap_lacks() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let target = dir.path().join("man/man1");
    tool()
        .args(["man", "--output"])
        .arg(&target)
        .assert()
        .code(0);
    let mut names: Vec<String> = std::fs::read_dir(&target)
        .expect("pages")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for command in [
        "check",
        "completions",
        "diff",
        "due",
        "evidence",
        "export",
        "gaps",
        "import",
        "init",
        "man",
        "audit",
        "pack",
        "report",
        "schema",
        "status",
        "trend",
        "validate",
    ] {
        assert!(
            names.contains(&format!("comply-{command}.1")),
            "no page for {command}: {names:?}"
        );
    }
    assert!(names.contains(&"comply.1".to_string()));
    assert_eq!(names.len(), 19, "hidden commands get no page: {names:?}");
    let read = |name: &str| std::fs::read_to_string(target.join(name)).expect("page");
    let top = read("comply.1");
    // Every page comply.1 refers to is written.
    for name in &names {
        let page = name.trim_end_matches(".1");
        if page != "comply" {
            let reference = format!("{}(1)", page.replace('-', "\\-"));
            assert!(top.contains(&reference), "comply.1 misses {reference}");
        }
    }
    for section in [
        "EXIT STATUS",
        "ENVIRONMENT",
        "FILES",
        "EXAMPLES",
        "SEE ALSO",
    ] {
        assert!(
            top.contains(&format!(".SH \"{section}\"")) || top.contains(&format!(".SH {section}")),
            "comply.1 lacks {section}"
        );
    }
    let check = read("comply-check.1");
    assert!(
        check.starts_with(".ie") || check.contains(".TH comply-check 1"),
        "{check}"
    );
    assert!(check.contains("The gate failed"), "{check}");
    assert!(check.contains("GITHUB_STEP_SUMMARY"));
    assert!(
        check.contains("comply check \\-\\-baseline origin/main"),
        "{check}"
    );
    // The SYNOPSIS names each option's value.
    let synopsis = |page: &str| -> String {
        read(page)
            .split(".SH SYNOPSIS\n")
            .nth(1)
            .and_then(|s| s.lines().next())
            .expect("a SYNOPSIS line")
            .to_string()
    };
    let line = synopsis("comply-check.1");
    for shown in [
        "[\\fB\\-\\-fail\\-on\\fR \\fIRISK\\fR]",
        "[\\fB\\-\\-baseline\\fR \\fIREV\\fR]",
        "[\\fB\\-\\-fail\\-on\\-stale\\fR]",
    ] {
        assert!(line.contains(shown), "`{shown}` in {line}");
    }
    let line = synopsis("comply-import.1");
    assert!(line.contains("\\fIFILE.md|DIR|FILE.csv\\fR..."), "{line}");
    assert!(
        line.contains("[\\fB\\-\\-framework\\-word\\fR \\fIWORD=ID\\fR]..."),
        "{line}"
    );
    // Every page of a command that draws tables names COLUMNS.
    for page in [
        "comply-status.1",
        "comply-diff.1",
        "comply-trend.1",
        "comply-gaps.1",
    ] {
        assert!(read(page).contains("COLUMNS"), "{page} lacks COLUMNS");
    }
    // A command shows only the options it takes.
    let init = read("comply-init.1");
    assert!(!init.contains("\\-\\-root"), "{init}");
    assert!(!init.contains("COMPLY_TODAY"), "{init}");
    // Without --output: the top page on standard output.
    let printed = stdout(&tool().arg("man").assert().code(0));
    assert_eq!(printed, top);
    // A file where the directory should be is an error, not a panic.
    let file = dir.path().join("file");
    std::fs::write(&file, "x").expect("write");
    tool().args(["man", "--output"]).arg(&file).assert().code(2);
}

#[test]
fn completions_leave_out_hidden_commands_and_never_offer_files_for_names() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = stdout(&tool().args(["completions", shell]).assert().code(0));
        assert!(!script.contains("reference"), "{shell} offers `reference`");
    }
    let fish = stdout(&tool().args(["completions", "fish"]).assert().code(0));
    for line in fish
        .lines()
        .filter(|l| l.contains("-l owner") || l.contains("-l framework"))
    {
        assert!(line.ends_with("-r -f"), "fish completes files for: {line}");
    }
    assert!(
        !fish.contains("using_subcommand init\" -l root"),
        "init takes no --root"
    );
    assert!(fish.contains("using_subcommand status\" -l root"));

    // bash, for real: complete `comply due --owner ` and `comply ` in a
    // directory holding files.
    let has_bash = std::process::Command::new("bash")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_bash {
        return;
    }
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::write(dir.path().join("a-file.txt"), "x").expect("write");
    let script = dir.path().join("comply.bash");
    std::fs::write(
        &script,
        stdout(&tool().args(["completions", "bash"]).assert().code(0)),
    )
    .expect("write");
    let complete = |words: &str| -> String {
        let program = format!(
            "source {}; COMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); \
             _comply comply \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"; \
             printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            script.display()
        );
        let output = std::process::Command::new("bash")
            .current_dir(dir.path())
            .args(["-c", &program])
            .output()
            .expect("bash runs");
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let commands = complete("comply ''");
    assert!(
        commands.contains("status") && commands.contains("check"),
        "{commands}"
    );
    assert!(!commands.contains("reference"), "{commands}");
    let owners = complete("comply due --owner ''");
    assert!(
        !owners.contains("a-file.txt"),
        "file names offered for --owner: {owners}"
    );
    let formats = complete("comply status --format ''");
    assert!(formats.contains("json"), "{formats}");
}

#[test]
fn the_package_holds_what_a_release_needs_and_nothing_else() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let output = std::process::Command::new(&cargo)
        .current_dir(example_root())
        .args(["package", "--list", "--allow-dirty", "--offline"])
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let list = String::from_utf8_lossy(&output.stdout).into_owned();
    for needed in [
        "Cargo.toml",
        "Cargo.lock",
        "build.rs",
        "README.md",
        "src/main.rs",
        "src/lib.rs",
        "src/init/comply.yaml",
    ] {
        assert!(
            list.lines().any(|l| l == needed),
            "{needed} missing:\n{list}"
        );
    }
    for line in list.lines() {
        for unwanted in [
            "fuzz/",
            "tests/",
            "benches/",
            "controls/",
            "backlog/",
            "evidence/",
            ".ci/",
            "target/",
        ] {
            assert!(!line.starts_with(unwanted), "{line} is packaged");
        }
    }
    let output = std::process::Command::new(&cargo)
        .current_dir(example_root())
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--offline",
        ])
        .output()
        .expect("cargo runs");
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let package = &metadata["packages"][0];
    assert_eq!(
        package["name"], "comply-cli",
        "`comply` on crates.io is another program"
    );
    assert!(
        package["targets"]
            .as_array()
            .expect("targets")
            .iter()
            .any(|t| t["name"] == "comply" && t["kind"][0] == "bin")
    );
    for key in ["repository", "license", "description", "readme"] {
        assert!(package[key].is_string(), "no {key}");
    }
    for key in ["keywords", "categories"] {
        assert!(!package[key].as_array().expect(key).is_empty(), "no {key}");
    }
}

#[test]
fn init_writes_schemas_that_its_files_name_by_relative_path() {
    let dir = tempfile::tempdir().expect("temporary directory");
    tool()
        .current_dir(dir.path())
        .args(["init", "repo"])
        .assert()
        .code(0);
    let root = dir.path().join("repo");
    let mut checked = 0;
    for entry in walk(&root) {
        let Some(name) = entry.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if !name.ends_with(".yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&entry).expect("read");
        let first = text.lines().next().unwrap_or_default();
        let target = first
            .strip_prefix("# yaml-language-server: $schema=")
            .unwrap_or_else(|| panic!("{} has no schema line", entry.display()));
        assert!(!target.contains("://"), "{target} is not a local path");
        let schema_path = entry.parent().expect("parent").join(target);
        let schema: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&schema_path).unwrap_or_else(|e| {
                panic!("{} names {}: {e}", entry.display(), schema_path.display())
            }))
            .expect("schema JSON");
        let value: serde_json::Value = serde_norway::from_str(&text).expect("YAML");
        let validator = jsonschema::validator_for(&schema).expect("schema");
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", entry.display());
        // The local copy is the schema of the comply that wrote it, whose
        // published address carries its version.
        assert_eq!(
            schema["$id"],
            format!(
                "https://raw.githubusercontent.com/comply-tools/comply/v{}/schema/{}",
                env!("CARGO_PKG_VERSION"),
                schema_path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .expect("name")
            )
        );
        checked += 1;
    }
    assert_eq!(
        checked, 7,
        "comply.yaml, four matrices (the shared controls too), the mappings and the example item"
    );
    for kind in comply::schema::KINDS {
        assert!(
            root.join(format!("schema/{kind}.schema.json")).is_file(),
            "{kind}"
        );
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn dynamic_completion_offers_the_repository_s_frameworks_and_owners() {
    // What a shell registered with `source <(COMPLETE=fish comply)` asks.
    let complete = |dir: &std::path::Path, words: &[&str]| -> Vec<String> {
        let assert = tool()
            .current_dir(dir)
            .env("COMPLETE", "fish")
            .arg("--")
            .args(words)
            .assert()
            .code(0);
        stdout(&assert)
            .lines()
            .map(|l| l.split('\t').next().unwrap_or_default().to_string())
            .collect()
    };
    let root = example_root();
    assert_eq!(
        complete(&root, &["comply", "gaps", "--framework", ""]),
        ["common", "iso27001", "popia", "soc2"]
    );
    assert_eq!(
        complete(&root, &["comply", "import", "page.md", "--framework", "s"]),
        ["soc2"]
    );
    let owners = complete(&root, &["comply", "due", "--owner", ""]);
    for owner in ["Founder", "Security Officer", "Support & Engineering"] {
        assert!(
            owners.iter().any(|o| o == owner),
            "{owner} missing: {owners:?}"
        );
    }
    assert!(
        !owners.iter().any(|o| o == "README.md" || o == "Cargo.toml"),
        "{owners:?}"
    );
    let commands = complete(&root, &["comply", ""]);
    assert!(commands.iter().any(|c| c == "status"), "{commands:?}");
    assert!(!commands.iter().any(|c| c == "reference"), "{commands:?}");
    // Owners match ignoring case, as --owner does.
    let owners = complete(&root, &["comply", "due", "--owner", "sec"]);
    assert!(owners.iter().any(|o| o == "Security Officer"), "{owners:?}");
    // Outside a repository: nothing, and no error.
    let empty = tempfile::tempdir().expect("temporary directory");
    assert!(complete(empty.path(), &["comply", "due", "--owner", ""]).is_empty());
    // With --root (before or after the command, spaced or with `=`): that
    // repository's names, wherever the shell is.
    let other = Fixture::with_framework()
        .items("  - id: A\n    title: A\n    risk: low\n    owner: Zed Ops\n");
    let other_root = other.path().to_string_lossy().into_owned();
    let with_equals = format!("--root={other_root}");
    for words in [
        &["comply", "--root", &other_root, "due", "--framework", ""][..],
        &["comply", "due", &with_equals, "--framework", ""][..],
    ] {
        assert_eq!(complete(&root, words), ["fw"], "{words:?}");
        assert_eq!(complete(empty.path(), words), ["fw"], "{words:?}");
    }
    let words = ["comply", "due", "--root", &other_root, "--owner", "z"];
    assert_eq!(complete(empty.path(), &words), ["Zed Ops"]);
    // The registration script for bash.
    let assert = tool().env("COMPLETE", "bash").assert().code(0);
    assert!(stdout(&assert).contains("complete "), "{}", stdout(&assert));
}

/// A repository of long hyphenated ids, a long framework id, long owners
/// and long evidence paths.
fn long_names() -> Fixture {
    let framework = "pci-dss-v4-0-1-very-long-framework-identifier";
    Fixture::new()
        .file("comply.yaml", "name: Long names\n")
        .file(
            "controls/pci.yaml",
            &format!(
                "framework: {framework}\nname: PCI DSS\ncontrols:\n  - id: CCPA-CONTROL-0-WITH-A-VERY-LONG-IDENTIFIER\n    title: A control whose title is rather long and descriptive of many things\n    status: planned\n    severity: high\n    owner: Information Security and Compliance Engineering\n    evidence: [evidence/some/deeply/nested/very-long-evidence-file-name-report.pdf]\n    backlog: [CCPA-ITEM-0-WITH-A-VERY-LONG-IDENTIFIER]\n"
            ),
        )
        .file(
            "backlog/items.yaml",
            &format!(
                "framework: {framework}\nitems:\n  - id: CCPA-ITEM-0-WITH-A-VERY-LONG-IDENTIFIER\n    title: Remediate the extraordinarily comprehensive documentation backlog\n    risk: high\n    owner: Information Security and Compliance Engineering\n    due: 2025-01-01\n    evidence: [evidence/some/deeply/nested/another-very-long-evidence-file-name.md]\n  - id: CCPA-ITEM-1-WITH-A-VERY-LONG-IDENTIFIER\n    title: Soon\n    risk: critical\n    due: 2025-06-05\n"
            ),
        )
}

#[test]
fn tables_fit_60_columns_and_below_60_are_laid_out_at_60() {
    let repo = long_names();
    let run = |args: &[&str], width: &str| {
        let assert = comply(repo.path())
            .args(args)
            .env("COLUMNS", width)
            .env("COMPLY_TODAY", "2025-06-01")
            .env("NO_COLOR", "1")
            .assert();
        stdout(&assert)
    };
    for args in [&["status"][..], &["due"], &["gaps"], &["evidence"]] {
        let at_60 = run(args, "60");
        for line in at_60.lines() {
            assert!(columns(line) <= 60, "{args:?}: {line}\n{at_60}");
        }
        // Ids, framework ids and paths break after a hyphen, a slash or a
        // dot, never inside a piece.
        let pieces: &[&str] = match args[0] {
            "status" => &["identifier", "framework-"],
            "evidence" => &["nested/\u{20}", "evidence-", "deeply/"],
            _ => &["IDENTIFIER", "CCPA-"],
        };
        for piece in pieces {
            assert!(at_60.contains(piece), "{args:?}: `{piece}`:\n{at_60}");
        }
        for broken in [
            "IDENTIFIE\n",
            "LON│",
            "LON ┆",
            "framewo ┆",
            "neste ┆",
            "│ R ┆",
        ] {
            assert!(!at_60.contains(broken), "{args:?}: `{broken}`:\n{at_60}");
        }
        // Below the minimum, the tables are those of 60 columns (the
        // dashboard's heading still wraps to the terminal).
        let tables = |text: &str| text.split_once("\n\n").map(|(_, t)| t.to_string());
        for narrower in ["40", "20", "1"] {
            let text = run(args, narrower);
            assert_eq!(tables(&text), tables(&at_60), "{args:?} at {narrower}");
        }
    }
}
