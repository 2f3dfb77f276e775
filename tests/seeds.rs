//! Importing the five seed pages the project started from (read from
//! `../shared/seeds`, never copied into the repository).
//!
//! CI sets `COMPLY_SEEDS`; there a missing folder fails the test. Elsewhere
//! the test is skipped, loudly, when the folder is absent.

mod common;

use std::path::PathBuf;

use common::{Fixture, stderr, stdout};

fn seeds() -> Option<PathBuf> {
    match std::env::var_os("COMPLY_SEEDS") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            assert!(
                dir.is_dir(),
                "COMPLY_SEEDS={} is not a directory",
                dir.display()
            );
            Some(dir)
        }
        None => {
            let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
            if !dir.is_dir() {
                eprintln!("SKIPPED: no seeds at {}", dir.display());
            }
            dir.is_dir().then_some(dir)
        }
    }
}

fn import(args: &[&str]) -> (serde_norway::Value, String) {
    let mut cmd = assert_cmd::Command::cargo_bin("comply").expect("binary");
    let assert = cmd
        .args(["--as-of", "2026-11-25", "import"])
        .args(args)
        .assert()
        .code(0);
    let yaml = serde_norway::from_str(&stdout(&assert)).unwrap_or(serde_norway::Value::Null);
    (yaml, stderr(&assert))
}

fn seed(dir: &std::path::Path, prefix: &str) -> String {
    std::fs::read_dir(dir)
        .expect("seeds")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
        })
        .expect("seed file")
        .to_string_lossy()
        .into_owned()
}

fn count(items: &serde_norway::Value, key: &str, value: &str) -> usize {
    items.as_sequence().map_or(0, |s| {
        s.iter().filter(|i| i[key].as_str() == Some(value)).count()
    })
}

#[test]
fn the_five_seeds_import_to_what_they_hold() {
    let Some(dir) = seeds() else { return };

    let (backlog, err) = import(&[&seed(&dir, "000_")]);
    let items = &backlog["items"];
    assert_eq!(items.as_sequence().map(Vec::len), Some(15));
    assert_eq!(count(items, "risk", "high"), 6);
    assert_eq!(count(items, "framework", "popia"), 5);
    assert!(err.contains("18 mis-encoded characters repaired"), "{err}");

    let out = Fixture::new().dir("out");
    let root = out.path().join("out");
    let root = root.to_str().expect("utf-8");
    import(&[&seed(&dir, "001_"), "--id-prefix", "ISO-T", "-o", root]);
    let read = |path: &str| -> serde_norway::Value {
        serde_norway::from_str(&std::fs::read_to_string(format!("{root}/{path}")).expect("written"))
            .expect("YAML")
    };
    let tasks = read("backlog/001_b19f549b475d5280.yaml");
    let reviews = read("reviews/001_b19f549b475d5280.yaml");
    let reviews = reviews["reviews"].as_sequence().expect("reviews");
    assert_eq!(reviews.len(), 7, "the periodic-maintenance table");
    assert_eq!(count(&reviews.clone().into(), "cadence", "quarterly"), 2);
    assert_eq!(count(&reviews.clone().into(), "cadence", "monthly"), 1);
    let items = &tasks["items"];
    assert_eq!(tasks["framework"].as_str(), Some("iso27001"));
    assert_eq!(items.as_sequence().map(Vec::len), Some(35));
    assert_eq!(count(items, "due", "TBD"), 35);
    assert_eq!(
        items[5]["controls"].as_sequence().map(Vec::len),
        Some(5),
        "5.24-5.28"
    );
    assert_eq!(items[0]["controls"][0].as_str(), Some("A.5.2"));

    let (matrix, _) = import(&[&seed(&dir, "003_")]);
    let controls = matrix["controls"].as_sequence().expect("controls");
    let links: Vec<&str> = controls
        .iter()
        .filter_map(|c| c["backlog"][0].as_str())
        .collect();
    assert_eq!(
        links,
        ["SOC2-001", "SOC2-002", "SOC2-003", "SOC2-004", "SOC2-005"]
    );

    let (next, _) = import(&[&seed(&dir, "002_"), "--framework", "iso27001"]);
    assert_eq!(count(&next["items"], "status", "done"), 99);
    assert_eq!(count(&next["items"], "status", "open"), 5);

    let (progress, _) = import(&[&seed(&dir, "004_")]);
    let steps: usize = progress["items"].as_sequence().map_or(0, |s| {
        s.iter()
            .filter_map(|i| i["checklist"].as_sequence())
            .map(Vec::len)
            .sum()
    });
    assert_eq!(steps, 29, "every checkbox of the progress summary");
}

#[test]
fn imported_seeds_validate_together() {
    let Some(dir) = seeds() else { return };
    // The example's ISO 27001 and POPIA matrices (and the shared controls);
    // the SOC 2 one comes from the imported maturity matrix, which lacks
    // CC7.3.
    let example_file = |path: &str| {
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path))
            .expect("example file")
    };
    let example =
        |name: &str| example_file(&format!("controls/{name}")).replace("soc2:CC7.3", "soc2:CC7.2");
    let mappings = |name: &str| example_file(&format!("mappings/{name}"));
    // The ISO 27001 controls that take their status from SOC 2 criteria the
    // imported matrix lacks get a status of their own here.
    let mut iso27001 = example("iso27001.yaml");
    let from_soc2 = mappings("soc2-iso27001.yaml");
    for target in regex::Regex::new(r"target: ([A-Z0-9.]+)")
        .expect("pattern")
        .captures_iter(&from_soc2)
    {
        let line = format!("  - id: \"{}\"\n", &target[1]);
        iso27001 = iso27001.replace(&line, &format!("{line}    status: partial\n"));
    }
    let repo = Fixture::new()
        .file("controls/iso27001.yaml", &iso27001)
        .file(
            "mappings/common-iso27001.yaml",
            &mappings("common-iso27001.yaml"),
        )
        .file("controls/popia.yaml", &example("popia.yaml"))
        // The shared controls the ISO 27001 matrix takes some statuses
        // from, without their SOC 2 targets (the imported matrix differs).
        .file(
            "controls/common.yaml",
            &regex::Regex::new(r"(, soc2:[A-Z0-9.]+|(?m)^    backlog: .*\n)")
                .expect("pattern")
                .replace_all(&example("common.yaml"), ""),
        );
    let root = repo.path().to_str().expect("utf-8").to_string();
    let mut cmd = assert_cmd::Command::cargo_bin("comply").expect("binary");
    cmd.args(["--as-of", "2026-11-25", "import", "--output", &root])
        .args(["000_", "001_", "003_", "004_"].map(|p| seed(&dir, p)))
        .assert()
        .code(0);
    let mut cmd = assert_cmd::Command::cargo_bin("comply").expect("binary");
    let next = format!("{root}/backlog/next.yaml");
    cmd.args([
        "--as-of",
        "2026-11-25",
        "import",
        "--framework",
        "iso27001",
        "--id-prefix",
        "NEXT",
        "-o",
        &next,
    ])
    .arg(seed(&dir, "002_"))
    .assert()
    .code(0);
    let assert = repo.run(&["validate"]).code(0);
    assert!(
        stdout(&assert).starts_with("valid: 4 frameworks"),
        "{}",
        stdout(&assert)
    );
}

/// The migration guide's commands on the seeds plus a page of every new
/// shape: `init`, one `import --merge` of the whole folder, `validate`.
#[test]
fn the_migration_guide_on_seeds_and_fixtures_validates() {
    let Some(dir) = seeds() else { return };
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import");
    let mut repo = Fixture::new();
    for prefix in ["000_", "001_", "002_", "003_", "004_"] {
        let path = PathBuf::from(seed(&dir, prefix));
        let text = std::fs::read_to_string(&path).expect("seed");
        let name = path
            .file_stem()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        repo = repo.file(&format!("docs/{name}.md"), &text);
    }
    for name in [
        "soa.md",
        "controls.md",
        "headings.md",
        "risks.md",
        "popia/gap-analysis.md",
        "mixed.md",
        "readiness.md",
        "maintenance.md",
    ] {
        let text = std::fs::read_to_string(fixtures.join(name)).expect("fixture");
        repo = repo.file(&format!("docs/{name}"), &text);
    }
    // COMPLY_TODAY fixes the date for the commands that take one; `init`
    // takes no global option.
    let run = |args: &[&str]| {
        let mut cmd = assert_cmd::Command::cargo_bin("comply").expect("binary");
        cmd.current_dir(repo.path())
            .env("COMPLY_TODAY", "2026-11-25")
            .args(args)
            .assert()
    };
    run(&["init"]).code(0);
    let assert = run(&[
        "import",
        "docs",
        "--output",
        ".",
        "--merge",
        "--framework",
        "iso27001",
        "--framework-word",
        "Privacy=popia",
    ])
    .code(0);
    let err = stderr(&assert);
    assert!(err.contains("wrote ./reviews/maintenance.yaml"), "{err}");
    let assert = run(&["validate"]).code(0);
    assert_eq!(
        stdout(&assert).trim(),
        "valid, with 2 warnings: 4 frameworks, 178 controls, 170 items, 10 reviews, 21 evidence entries in 15 files"
    );
    // The two warnings: a page marks SOC 2 CC7.3 not applicable without a
    // reason (still written `status: not-applicable`, which is deprecated),
    // and `comply init`'s shared incident playbook is mapped onto it.
    let err = stderr(&assert);
    assert!(
        err.contains("warning[deprecated]: control `CC7.3`"),
        "{err}"
    );
    assert!(
        err.contains("warning[mapping]: `common:INCIDENT` is mapped onto `soc2:CC7.3`"),
        "{err}"
    );
    run(&["check"]).code(1);
}
