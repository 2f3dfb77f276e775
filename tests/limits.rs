//! Limits that hold (issue 14): inputs small on disk that cost memory or
//! time out of proportion, reads outside the root, git output that lies,
//! and streams that fail. Each runs the release-shaped binary on a
//! throwaway repository, under an address-space cap (`prlimit`) where memory
//! is the point.

mod common;

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use common::{Fixture, commit_all, git, json, stderr};

/// Address space the capped runs get: far more than any valid input
/// needs, far less than the hostile ones cost without the limits.
const CAP_BYTES: u64 = 768 * 1024 * 1024;

/// `comply --root ROOT ARGS` under the address-space cap (when `prlimit`
/// exists), run from inside the root and killed if it hangs (a FIFO
/// without a writer blocks forever): a guard, not a timing.
fn capped(root: &Path, args: &[&str]) -> Output {
    let bin = assert_cmd::cargo::cargo_bin("comply");
    let mut cmd = if Path::new("/usr/bin/prlimit").exists() {
        let mut c = assert_cmd::Command::new("/usr/bin/prlimit");
        c.arg(format!("--as={CAP_BYTES}")).arg("--").arg(bin);
        c
    } else {
        assert_cmd::Command::new(bin)
    };
    cmd.current_dir(root)
        .arg("--root")
        .arg(root)
        .args(args)
        .env_remove("COMPLY_TODAY")
        .env_remove("NO_COLOR")
        .timeout(Duration::from_secs(300));
    cmd.output().expect("comply runs")
}

/// Exit code (-1 for a signal) and stderr of a capped run; never a panic.
fn run_capped(root: &Path, args: &[&str]) -> (i32, String) {
    let out = capped(root, args);
    let code = out.status.code().unwrap_or(-1);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(code == 0 || code == 1 || code == 2, "exit {code}: {err}");
    (code, err)
}

/// Writes `text` at `path` next to a framework, runs a capped `validate`,
/// and checks it is refused (exit 2) with every one of `needles` said.
fn refused(path: &str, text: &str, needles: &[&str]) {
    let repo = Fixture::with_framework().file(path, text);
    let (code, err) = run_capped(repo.path(), &["validate"]);
    assert_eq!(code, 2, "{path}: {err}");
    for needle in needles {
        assert!(err.contains(needle), "{path}: no `{needle}` in {err}");
    }
}

// ---- memory: what a YAML tree costs, not how it is written ----

#[test]
fn anchored_text_copied_by_aliases_counts_its_bytes() {
    // 512 KiB of text (owned: it has an escape; under the 1 MiB limit of one
    // value) anchored once, aliased 4,000 times: 2 GiB once copied, though
    // the alias count is small.
    for shape in ["list", "map"] {
        let big = format!("\"{}\\n\"", "x".repeat(1 << 19));
        let mut text = format!("framework: fw\nitems:\n  - id: A\n    title: &t {big}\n");
        for i in 0..4_000 {
            if shape == "list" {
                text.push_str(&format!("  - *t\n  - id: B{i}\n    title: *t\n"));
            } else {
                text.push_str(&format!("  - {{id: B{i}, title: *t, owner: *t}}\n"));
            }
        }
        refused(
            "backlog/bomb.yaml",
            &text,
            &["backlog/bomb.yaml:", "bytes of text"],
        );
    }
}

#[test]
fn nested_anchors_count_every_copy() {
    // Each anchor keeps a copy of its subtree: 40 nested anchors around
    // 90,000 scalars, ten times over, is 36 million nodes from 2 MB.
    let inner = vec!["x"; 90_000].join(",");
    let mut text = String::from("framework: fw\nitems: []\nnotes:\n");
    for chain in 0..10 {
        let open: String = (0..40).map(|d| format!("&c{chain}d{d} [")).collect();
        text.push_str(&format!("  - {open}{inner}{}\n", "]".repeat(40)));
    }
    assert!(text.len() < 2_000_000);
    refused(
        "backlog/nested.yaml",
        &text,
        &["backlog/nested.yaml:", "nodes"],
    );
    // Deep rather than wide: a map of maps, each level anchored.
    let mut deep = String::from("framework: fw\nitems: []\nnotes: ");
    for d in 0..50 {
        deep.push_str(&format!("&m{d} {{k{d}: "));
    }
    deep.push_str(&format!("[{inner}]"));
    deep.push_str(&"}".repeat(50));
    deep.push('\n');
    refused(
        "backlog/deep.yaml",
        &deep,
        &["backlog/deep.yaml:3:", "nodes"],
    );
}

#[test]
fn a_list_or_mapping_has_an_entry_limit() {
    // 8 million scalars in 16 MB: gigabytes as a tree.
    let list = format!("[{}]", vec!["a"; 8_000_000].join(","));
    refused(
        "controls/flow.yaml",
        &list,
        &[
            "controls/flow.yaml:1:1: error[syntax]: a flow collection",
            "limit of 100000",
        ],
    );
    // A block mapping of distinct keys, and a block list, in a backlog.
    let mut map = String::from("framework: fw\nitems: []\nextra:\n");
    for i in 0..100_001 {
        map.push_str(&format!("  k{i}: v\n"));
    }
    refused(
        "backlog/map.yaml",
        &map,
        &["backlog/map.yaml:100004:3", "mapping with more"],
    );
    let list: String = (0..100_001).map(|i| format!("  - B{i}\n")).collect();
    refused(
        "backlog/list.yaml",
        &format!("framework: fw\nitems:\n{list}"),
        &[
            "backlog/list.yaml:100003:5",
            "list with more than the limit of 100000 entries",
        ],
    );
}

#[test]
fn problems_listed_per_file_are_bounded() {
    // 30,000 unknown fields: one line each would be megabytes of messages
    // held in memory; the file lists a thousand and counts the rest.
    let fields: String = (0..30_000).map(|i| format!("    zz{i}: 1\n")).collect();
    let text = format!("framework: fw\nitems:\n  - id: A\n    title: t\n    risk: low\n{fields}");
    let repo = Fixture::with_framework().file("backlog/noisy.yaml", &text);
    let (code, err) = run_capped(repo.path(), &["validate"]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(
        err.matches("error[unknown-field]").count(),
        1_000,
        "{err:.2000}"
    );
    assert!(
        err.contains(
            "backlog/noisy.yaml: error[too-large]: 29000 more problems in this file are not listed"
        ),
        "{err:.2000}"
    );
}

// ---- reading outside the root ----

#[cfg(unix)]
#[test]
fn read_directories_that_are_symlinks_out_of_the_root_are_refused() {
    use std::os::unix::fs::symlink;
    let outside = Fixture::new()
        .file(
            "controls/fw.yaml",
            "framework: fw\nname: SECRET-OUTSIDE\ncontrols:\n  - id: C1\n    title: Outside title\n    status: planned\n",
        )
        .file(
            "reviews/r.yaml",
            "reviews:\n  - id: R1\n    title: SECRET-OUTSIDE\n    framework: fw\n    every: month\n",
        )
        .dir("exceptions")
        .dir("backlog");
    for dir in ["controls", "reviews", "exceptions", "backlog"] {
        let repo = Fixture::with_framework();
        let _ = std::fs::remove_dir_all(repo.path().join(dir));
        symlink(outside.path().join(dir), repo.path().join(dir)).expect("symlink");
        for command in ["validate", "status", "report"] {
            let assert = repo.run(&[command]).code(2);
            let out = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
            let err = stderr(&assert);
            assert!(
                err.contains(&format!("`{dir}/` is a symlink leading outside the root")),
                "{dir} {command}: {err}"
            );
            assert!(!out.contains("SECRET-OUTSIDE"), "{dir} {command}: {out}");
        }
    }
    // A chain of symlinks inside the root that ends outside it.
    let repo = Fixture::new().file("backlog/items.yaml", "framework: fw\nitems: []\n");
    symlink(outside.path().join("controls"), repo.path().join("hop2")).expect("symlink");
    symlink(repo.path().join("hop2"), repo.path().join("hop1")).expect("symlink");
    symlink("hop1", repo.path().join("controls")).expect("symlink");
    let err = stderr(&repo.run(&["validate"]).code(2));
    assert!(
        err.contains("`controls/` is a symlink leading outside"),
        "{err}"
    );
    // A symlinked directory further down, leading outside.
    let repo = Fixture::with_framework();
    symlink(
        outside.path().join("controls"),
        repo.path().join("controls/more"),
    )
    .expect("symlink");
    let err = stderr(&repo.run(&["validate"]).code(2));
    assert!(
        err.contains("`controls/more/` is a symlink leading outside"),
        "{err}"
    );
    // The root itself, a loop, and a symlink to a directory inside the root
    // (which is read).
    let repo = Fixture::new().file("backlog/items.yaml", "framework: fw\nitems: []\n");
    symlink(".", repo.path().join("reviews")).expect("symlink");
    let err = stderr(&repo.run(&["validate"]).code(2));
    assert!(
        err.contains("`reviews/` is a symlink to the root itself"),
        "{err}"
    );
    let repo = Fixture::new().file("backlog/items.yaml", "framework: fw\nitems: []\n");
    symlink("controls", repo.path().join("controls")).expect("symlink");
    let err = stderr(&repo.run(&["validate"]).code(2));
    assert!(
        err.contains("`controls/` is a symlink that cannot be followed"),
        "{err}"
    );
    let repo = Fixture::with_framework().file("backlog/items.yaml", "framework: fw\nitems: []\n");
    std::fs::rename(repo.path().join("controls"), repo.path().join("matrices")).expect("mv");
    symlink("matrices", repo.path().join("controls")).expect("symlink");
    repo.run(&["validate"]).code(0);
}

// ---- time: per-record work stays O(1) ----

#[test]
fn did_you_mean_is_worked_out_for_the_first_few_names_per_file() {
    let items: String = (0..10)
        .map(|i| format!("  - id: I{i}\n    title: t\n    risk: low\n    controls: [C3]\n    owner: Securty\n"))
        .collect();
    let repo = Fixture::with_framework()
        .file(
            "comply.yaml",
            "owners:\n  - name: Security\n  - name: Platform\n",
        )
        .items(&items);
    let (code, err) = run_capped(repo.path(), &["validate"]);
    assert_eq!(code, 2, "{err}");
    let unknown_controls = err.matches("control `C3` does not exist").count();
    let owner_warnings = err.matches("owner `Securty` is not declared").count();
    assert_eq!((unknown_controls, owner_warnings), (10, 10), "{err}");
    // Every problem is reported; the hint only for the first three.
    assert_eq!(err.matches("did you mean `C1`?").count(), 3, "{err}");
    assert_eq!(err.matches("did you mean `Security`?").count(), 3, "{err}");
}

#[test]
fn owners_are_compared_in_nfc() {
    let repo = Fixture::with_framework()
        .file("comply.yaml", "owners:\n  - name: \"Jos\u{e9}\"\n")
        .items("  - id: A\n    title: t\n    risk: low\n    owner: \"Jose\u{301}\"\n");
    let (code, err) = run_capped(repo.path(), &["validate"]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("not declared"), "{err}");
}

// ---- ids ----

#[test]
fn ids_are_compared_in_nfc_and_invisible_characters_are_refused() {
    // Precomposed and combining forms are one id: a duplicate, and a
    // reference in one form finds the control written in the other.
    let repo = Fixture::new()
        .file(
            "controls/fw.yaml",
            "framework: fw\ncontrols:\n  - id: \"\u{106}1\"\n    title: t\n    status: planned\n",
        )
        .items("  - id: \"\u{c9}TAPE\"\n    title: t\n    risk: low\n    controls: [\"C\u{301}1\"]\n  - id: \"E\u{301}TAPE\"\n    title: t\n    risk: low\n");
    let (code, err) = run_capped(repo.path(), &["validate"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("backlog/items.yaml:7:5: error[duplicate-id]"),
        "{err}"
    );
    assert!(!err.contains("does not exist"), "{err}");
    for (ch, name) in [
        ('\u{200B}', "200B"),
        ('\u{202E}', "202E"),
        ('\u{2066}', "2066"),
        ('\u{FEFF}', "FEFF"),
        ('\u{E0041}', "E0041"),
        ('\u{13430}', "13430"),
        ('\u{1BCA0}', "1BCA0"),
        ('\u{2800}', "2800"),
        ('\u{0600}', "0600"),
        ('\u{110BD}', "110BD"),
    ] {
        let repo = Fixture::with_framework().items(&format!(
            "  - id: \"A{ch}1\"\n    title: t\n    risk: low\n"
        ));
        let (code, err) = run_capped(repo.path(), &["validate"]);
        assert_eq!(code, 2, "{name}: {err}");
        assert!(
            err.contains("backlog/items.yaml:3:5: error[bad-value]")
                && err.contains(&format!("invisible character (U+{name})")),
            "{name}: {err}"
        );
    }
}

// ---- git ----

/// A committed repository with one framework, for git cases.
fn committed() -> Fixture {
    let repo = Fixture::with_framework()
        .file(
            "backlog/items.yaml",
            "framework: fw\nitems:\n  - id: A\n    title: t\n    risk: low\n    evidence: [evidence/a.md]\n",
        )
        .file("evidence/a.md", "proof");
    git(repo.path(), &["init", "-q", "-b", "main"], None);
    commit_all(repo.path(), "2025-01-10");
    repo
}

#[test]
fn gitlinks_and_missing_objects_are_named_with_path_and_commit() {
    let repo = committed();
    let dir = repo.path();
    // A gitlink at a YAML path, pointing at a 40 MiB blob (whose size
    // `ls-tree` does not give for a gitlink), and one at nothing at all.
    std::fs::write(dir.join("big"), vec![b'a'; 40 << 20]).expect("write");
    let blob = git(dir, &["hash-object", "-w", "big"], None);
    std::fs::remove_file(dir.join("big")).expect("rm");
    let cacheinfo = format!("160000,{},backlog/big.yaml", blob.trim());
    git(
        dir,
        &["update-index", "--add", "--cacheinfo", &cacheinfo],
        None,
    );
    let missing = "160000,1111111111111111111111111111111111111111,controls/gone.yaml";
    git(
        dir,
        &["update-index", "--add", "--cacheinfo", missing],
        None,
    );
    git(dir, &["commit", "-q", "-m", "links"], Some("2025-02-01"));
    let head = git(dir, &["rev-parse", "--short=10", "HEAD"], None);
    for args in [
        &["--at", "HEAD", "validate"][..],
        &["check", "--baseline", "HEAD"][..],
        &["trend", "--since", "2025-02-01", "--as-of", "2025-02-10"][..],
    ] {
        let (code, err) = run_capped(dir, args);
        if args[0] == "trend" {
            // trend leaves out a period that does not validate, and says so.
            assert!(err.contains("do not validate"), "{args:?}: {err}");
            continue;
        }
        assert_eq!(code, 2, "{args:?}: {err}");
        for path in ["backlog/big.yaml", "controls/gone.yaml"] {
            assert!(
                err.contains(&format!(
                    "{path}: error[unreadable]: is not a file (a submodule?) in git at commit {}",
                    head.trim()
                )),
                "{args:?}: {err}"
            );
        }
    }
}

#[test]
fn a_revision_is_read_within_a_total_size() {
    // Ten 30 MiB YAML files at a revision (one blob, ten paths): each is
    // within the file limit, together they are over 256 MiB. Those past
    // the total are refused without being read; a small file after them
    // is still read.
    let repo = committed();
    let dir = repo.path();
    // Not UTF-8 (a 0xFF byte first), so each file read is refused at once
    // instead of parsed: the test is about what is read.
    let mut bytes = vec![b'a'; 30 << 20];
    bytes[0] = 0xff;
    std::fs::write(dir.join("big"), bytes).expect("write");
    let blob = git(dir, &["hash-object", "-w", "big"], None);
    std::fs::remove_file(dir.join("big")).expect("rm");
    for i in 0..10 {
        let cacheinfo = format!("100644,{},backlog/b{i:02}.yaml", blob.trim());
        git(
            dir,
            &["update-index", "--add", "--cacheinfo", &cacheinfo],
            None,
        );
    }
    git(dir, &["commit", "-q", "-m", "big"], Some("2025-02-01"));
    let (code, err) = run_capped(dir, &["--at", "HEAD", "validate"]);
    assert_eq!(code, 2, "{err}");
    let over = "error[too-large]: with this file the repository's YAML files total more than";
    for path in ["backlog/b08.yaml", "backlog/b09.yaml"] {
        assert!(err.contains(&format!("{path}: {over}")), "{err}");
    }
    assert_eq!(err.matches(over).count(), 2, "{err}");
    assert_eq!(err.matches("is not valid UTF-8").count(), 8, "{err}");
}

#[test]
fn file_names_cannot_forge_the_commit_of_evidence() {
    let repo = committed();
    let dir = repo.path();
    // A name holding the separators of a log header, an old date and a
    // false author; it sorts before evidence/ in the commit's file list.
    let forged = "\u{1e}aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\u{1f}946684800\u{1f}Mallory";
    std::fs::write(dir.join(forged), "x").expect("write");
    std::fs::write(dir.join("evidence/a.md"), "proof, updated").expect("write");
    commit_all(dir, "2025-06-01");
    let doc = json(
        &repo
            .run(&["evidence", "--format", "json", "--as-of", "2025-06-10"])
            .code(0),
    );
    let change = &doc["evidence"][0]["last_change"];
    assert_eq!(change["date"], "2025-06-01", "{doc}");
    assert_eq!(change["author"], "Auditor", "{doc}");
}

#[test]
fn read_only_commands_leave_the_git_index_alone() {
    let repo = committed();
    let dir = repo.path();
    // A tracked file whose stat data no longer matches the index: `git
    // status` would refresh the index and rewrite it.
    let file = std::fs::File::options()
        .append(true)
        .open(dir.join("evidence/a.md"))
        .expect("open");
    file.set_modified(std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000))
        .expect("touch");
    drop(file);
    let before = std::fs::read(dir.join(".git/index")).expect("index");
    for args in [
        &["status", "--as-of", "2025-06-10"][..],
        &["evidence", "--as-of", "2025-06-10"],
        &["check", "--as-of", "2025-06-10"],
        &["diff", "HEAD"],
        &["report", "--as-of", "2025-06-10"],
    ] {
        let (_, err) = run_capped(dir, args);
        assert_eq!(
            std::fs::read(dir.join(".git/index")).expect("index"),
            before,
            "{args:?} rewrote .git/index: {err}"
        );
    }
}

#[test]
fn trend_dates_outside_git_range_are_clamped_with_a_message() {
    let repo = committed();
    let periods = |args: &[&str]| {
        let mut all = vec!["trend", "--format", "json"];
        all.extend(args);
        let assert = repo.run(&all).code(0);
        let doc = json(&assert);
        (
            doc["periods"].as_array().cloned().unwrap_or_default(),
            stderr(&assert),
        )
    };
    // Before 1970 no commit exists; git would read the date as another.
    let (points, err) = periods(&["--since", "1969-01-01", "--as-of", "1969-12-31"]);
    assert!(points.is_empty(), "{points:?}");
    assert!(err.contains("before 1970-01-01 are left out"), "{err}");
    // In 9999 every commit is older than the period's end.
    let (points, _) = periods(&["--since", "9999-11-01", "--as-of", "9999-12-31"]);
    assert_eq!(points.len(), 2, "{points:?}");
    assert!(points.iter().all(|p| p["open"] == 1), "{points:?}");
}

// ---- streams, init, manifests ----

#[cfg(unix)]
#[test]
fn a_full_output_stream_is_an_error_not_a_panic() {
    if !Path::new("/dev/full").exists() {
        return;
    }
    let root = common::example_root();
    let root = root.to_string_lossy().into_owned();
    let full = || {
        std::fs::File::options()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full")
    };
    let shells = ["bash", "zsh", "fish", "elvish", "powershell"];
    let mut runs: Vec<Vec<&str>> = shells.iter().map(|s| vec!["completions", s]).collect();
    runs.extend([
        vec!["man"],
        vec!["--help"],
        vec!["--version"],
        vec!["status", "--help"],
        vec!["status", "--root", &root, "--as-of", "2026-11-25"],
        vec!["evidence", "--root", &root, "--manifest", "-"],
        vec![
            "report",
            "--root",
            &root,
            "--as-of",
            "2026-11-25",
            "-o",
            "-",
        ],
    ]);
    for args in &runs {
        let out = Command::new(assert_cmd::cargo::cargo_bin("comply"))
            .args(args)
            .env_remove("COMPLETE")
            .stdout(full())
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("cannot write the output"), "{args:?}: {err}");
        assert!(!err.contains("wrote"), "{args:?}: {err}");
    }
    // Dynamic completion: the registration script and an answer.
    for shell in shells {
        for args in [&[][..], &["--", "comply", "st"][..]] {
            let out = Command::new(assert_cmd::cargo::cargo_bin("comply"))
                .args(args)
                .env("COMPLETE", shell)
                .stdout(full())
                .output()
                .expect("runs");
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{shell} {args:?}: {err}");
            assert!(
                err.starts_with("error: cannot complete") && err.ends_with('\n'),
                "{shell} {args:?}: {err}"
            );
        }
    }
}

#[test]
fn init_writes_all_or_nothing() {
    let dir = Fixture::new().file("new/controls", "a file where a directory belongs");
    let target = dir.path().join("new");
    let init = || {
        let mut cmd = assert_cmd::Command::cargo_bin("comply").expect("binary");
        cmd.current_dir(dir.path()).args(["init", "new"]);
        cmd
    };
    let assert = init().assert().code(2);
    assert!(
        stderr(&assert).contains("controls` is not a directory"),
        "{}",
        stderr(&assert)
    );
    let left: Vec<_> = std::fs::read_dir(&target)
        .expect("dir")
        .map(|e| e.map(|e| e.file_name()).expect("entry"))
        .collect();
    assert_eq!(left, ["controls"], "nothing written");
    std::fs::remove_file(target.join("controls")).expect("rm");
    init().assert().code(0);
    assert!(target.join("controls/popia.yaml").is_file());
}

#[cfg(unix)]
#[test]
fn verify_reads_only_a_regular_manifest_within_its_limit() {
    let repo = committed();
    let dir = repo.path();
    std::os::unix::fs::symlink("/dev/zero", dir.join("zero.json")).expect("symlink");
    let fifo = dir.join("fifo.json");
    let made = Command::new("mkfifo").arg(&fifo).status();
    let big = dir.join("big.json");
    std::fs::File::create(&big)
        .and_then(|f| f.set_len(65 * 1024 * 1024))
        .expect("sparse file");
    let mut cases = vec![
        ("zero.json", "is not a regular file"),
        ("big.json", "over the limit"),
    ];
    if made.is_ok_and(|s| s.success()) {
        cases.push(("fifo.json", "is not a regular file"));
    }
    for (name, why) in cases {
        let out = capped(dir, &["evidence", "--verify", name]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains(name) && err.contains(why), "{name}: {err}");
    }
}

#[test]
fn one_huge_value_is_refused_before_any_renderer_copies_it() {
    let title = "<".repeat(2 << 20);
    let repo = Fixture::with_framework().items(&format!(
        "  - id: HUGE\n    title: \"{title}\"\n    risk: high\n    due: 2020-01-01\n"
    ));
    let assert = repo.run(&["validate"]).code(2);
    assert!(
        stderr(&assert).contains("over the limit of 1048576 bytes for one value"),
        "{}",
        stderr(&assert)
    );
    repo.run(&["report", "--format", "html", "--as-of", "2025-01-01"])
        .code(2);
}

#[test]
fn long_trends_keep_the_most_recent_periods_and_early_ones_no_later_commit() {
    let repo = Fixture::with_framework()
        .items("  - id: A\n    title: t\n    risk: low\n    due: 2026-06-01\n");
    git(repo.path(), &["init", "-q"], None);
    commit_all(repo.path(), "2026-01-01");
    let doc = json(
        &repo
            .run(&[
                "trend",
                "--since",
                "2000-01-01",
                "--every",
                "week",
                "--as-of",
                "2026-11-20",
                "--format",
                "json",
            ])
            .code(0),
    );
    let points = doc["periods"].as_array().map_or(0, Vec::len);
    assert!(points > 40, "the 2026 weeks are shown: {doc}");
    let doc = json(
        &repo
            .run(&[
                "trend",
                "--since",
                "1970-01-01",
                "--every",
                "week",
                "--as-of",
                "2030-01-01",
                "--format",
                "json",
            ])
            .code(0),
    );
    let first = doc["periods"][0]["period_end"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        first.as_str() >= "2026-01-01",
        "no period before the first commit: {first}"
    );
}

#[test]
fn a_settings_file_that_is_not_a_file_is_an_error() {
    let repo = Fixture::with_framework().dir("comply.yaml");
    let (code, err) = run_capped(repo.path(), &["validate"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("`comply.yaml` is not a regular file"), "{err}");
}

#[test]
fn validate_keeps_its_exit_code_when_the_reader_stops_early() {
    let mut controls = String::from("framework: fw\ncontrols:\n");
    for i in 0..3000 {
        controls.push_str(&format!("  - {{id: C{i}, title: t, status: bogus{i}}}\n"));
    }
    let repo = Fixture::new().file("controls/fw.yaml", &controls);
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("comply"))
        .arg("--root")
        .arg(repo.path())
        .arg("validate")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    if let Some(mut stderr) = child.stderr.take() {
        let mut first = [0u8; 10];
        let _ = std::io::Read::read(&mut stderr, &mut first);
    }
    assert_eq!(child.wait().expect("waits").code(), Some(2));
}

#[test]
fn import_reads_pages_of_bounded_size_only() {
    let mut page =
        String::from("# SOC 2 plan\n\n| Task | Controls | Due | Owner |\n|---|---|---|---|\n");
    while page.len() <= 9 * 1024 * 1024 {
        page.push_str("| A task with a title of some length | CC1.1 | 2026-01-01 | Ops |\n");
    }
    let repo = Fixture::new().file("big.md", &page);
    let mut cmd = assert_cmd::Command::cargo_bin("comply").expect("binary");
    let assert = cmd
        .current_dir(repo.path())
        .args([
            "import",
            "big.md",
            "--framework",
            "soc2",
            "--output",
            "out.yaml",
        ])
        .assert()
        .code(2);
    assert!(
        stderr(&assert).contains("over the limit of 8388608 bytes for one page"),
        "{}",
        stderr(&assert)
    );
    assert!(!repo.path().join("out.yaml").exists());
}

#[test]
fn a_submodule_where_a_read_directory_belongs_is_an_error() {
    let repo = committed();
    let dir = repo.path();
    git(
        dir,
        &["rm", "-r", "-q", "--cached", "--ignore-unmatch", "reviews"],
        None,
    );
    let link = "160000,1111111111111111111111111111111111111111,reviews";
    git(dir, &["update-index", "--add", "--cacheinfo", link], None);
    git(dir, &["commit", "-q", "-m", "link"], Some("2025-02-01"));
    let (code, err) = run_capped(dir, &["--at", "HEAD", "validate"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("`reviews` at commit") && err.contains("is a submodule (a gitlink)"),
        "{err}"
    );
}

#[test]
fn long_globs_are_invalid_and_long_cells_are_cut_in_tables() {
    let glob = format!("ev/{}x", "?".repeat(2000));
    let owner = "word ".repeat(100_000);
    let repo = Fixture::with_framework().items(&format!(
        "  - id: G\n    title: t\n    risk: high\n    status: done\n    done: 2025-01-01\n    evidence: [\"{glob}\"]\n  - id: L\n    title: long owner\n    risk: high\n    owner: \"{owner}\"\n    due: 2021-01-01\n"
    ));
    let doc = json(
        &repo
            .run(&["evidence", "--format", "json", "--as-of", "2025-06-01"])
            .code(0),
    );
    assert!(
        doc.to_string()
            .contains("invalid glob: longer than 1024 characters"),
        "{doc}"
    );
    let assert = repo.run(&["due", "--as-of", "2025-06-01"]).code(0);
    let out = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(out.len() < 20_000, "{} bytes", out.len());
    assert!(out.contains('…'), "{out}");
}

#[test]
fn reports_have_a_tighter_repository_limit_than_the_gate() {
    // 26,000 items of 60 tags each: about 1.8 million YAML nodes, over the
    // 1,500,000 a report or an export may copy, under the 16,000,000 the
    // model may hold.
    let tags = (0..60)
        .map(|k| format!("t{k}"))
        .collect::<Vec<_>>()
        .join(",");
    let mut backlog = String::from("framework: fw\nitems:\n");
    for i in 0..26_000 {
        backlog.push_str(&format!(
            "  - {{id: I{i}, title: t, risk: low, tags: [{tags}]}}\n"
        ));
    }
    let repo = Fixture::new()
        .file(
            "controls/fw.yaml",
            "framework: fw\ncontrols:\n  - {id: C1, title: c, status: partial}\n",
        )
        .file("backlog/b.yaml", &backlog);
    let (code, err) = run_capped(repo.path(), &["status", "--as-of", "2026-01-01"]);
    assert_eq!(code, 0, "{err}");
    for args in [
        &["report"][..],
        &["report", "--framework", "fw"],
        &["export", "poam"],
    ] {
        let mut full = args.to_vec();
        full.extend(["--as-of", "2026-01-01"]);
        let (code, err) = run_capped(repo.path(), &full);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(
            err.contains("YAML nodes, over the limit of 1500000 for a"),
            "{err}"
        );
        assert!(err.contains("whatever a filter keeps"), "{err}");
    }
}
