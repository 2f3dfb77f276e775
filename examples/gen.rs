//! Writes a realistic, deterministic synthetic compliance repository for the
//! benchmarks: frameworks of controls, backlog items spread over many files,
//! evidence files (present, empty, missing), and optionally a git history
//! with fixed dates, built with `git fast-import`.
//!
//! ```sh
//! cargo run --release --example gen -- --out /tmp/big --items 50000 --files 500 \
//!     --frameworks 3 --controls 2000 --evidence 50000 [--commits 20000 --history 5000]
//! ```

use std::fmt::Write as _;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Generator settings, from the command line.
struct Settings {
    out: PathBuf,
    frameworks: usize,
    controls: usize,
    items: usize,
    files: usize,
    evidence: usize,
    commits: usize,
    history: usize,
    seed: u64,
}

#[path = "support/rng.rs"]
mod rng;

use rng::Rng;

const RISKS: [&str; 4] = ["critical", "high", "medium", "low"];
const STATUSES: [&str; 5] = ["open", "in-progress", "blocked", "done", "wont-do"];
const OWNERS: [&str; 6] = [
    "Security",
    "Platform",
    "Engineering",
    "Compliance",
    "Data Governance",
    "Legal",
];
const CONTROL_STATUSES: [&str; 4] = ["implemented", "partial", "planned", "missing"];

fn parse_args() -> Result<Settings, String> {
    let mut s = Settings {
        out: PathBuf::from("target/bench-repo"),
        frameworks: 3,
        controls: 2000,
        items: 50_000,
        files: 500,
        evidence: 50_000,
        commits: 0,
        history: 5000,
        seed: 42,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = args
            .get(i + 1)
            .ok_or_else(|| format!("{} needs a value", args[i]))?;
        let number = || {
            value
                .parse::<usize>()
                .map_err(|_| format!("{} needs a number", args[i]))
        };
        match args[i].as_str() {
            "--out" => s.out = PathBuf::from(value),
            "--frameworks" => s.frameworks = number()?.max(1),
            "--controls" => s.controls = number()?,
            "--items" => s.items = number()?,
            "--files" => s.files = number()?.max(1),
            "--evidence" => s.evidence = number()?,
            "--commits" => s.commits = number()?,
            "--history" => s.history = number()?,
            "--seed" => s.seed = number()? as u64,
            other => return Err(format!("unknown option {other}")),
        }
        i += 2;
    }
    Ok(s)
}

fn evidence_path(n: usize) -> String {
    format!("evidence/e{:03}/file-{n:06}.md", n / 500)
}

fn write(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    fs::write(path, text)
}

fn main() {
    let settings = match parse_args() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("gen: {e}");
            std::process::exit(2);
        }
    };
    if let Err(e) = generate(&settings) {
        eprintln!("gen: {e}");
        std::process::exit(1);
    }
}

fn generate(s: &Settings) -> std::io::Result<()> {
    let mut rng = Rng(s.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    if s.out.exists() {
        fs::remove_dir_all(&s.out)?;
    }
    fs::create_dir_all(&s.out)?;
    write(
        &s.out.join("comply.yaml"),
        "name: Synthetic estate\ngate:\n  fail_on: high\ndue_soon_days: 14\n",
    )?;

    // Controls: one matrix per framework.
    for f in 0..s.frameworks {
        let mut text = format!("framework: fw{f}\nname: Framework {f}\ncontrols:\n");
        for c in 0..s.controls {
            let status = CONTROL_STATUSES[rng.below(4)];
            let _ = write!(
                text,
                "  - id: C{c:05}\n    title: Control {c} of framework {f}\n    status: {status}\n    severity: {}\n    owner: {}\n",
                RISKS[rng.below(4)],
                OWNERS[rng.below(OWNERS.len())]
            );
            if s.evidence > 0 && c % 4 == 0 {
                let _ = writeln!(
                    text,
                    "    evidence: [{}]",
                    evidence_path(rng.below(s.evidence))
                );
            }
        }
        write(&s.out.join(format!("controls/fw{f}.yaml")), &text)?;
    }

    // Backlog items over many files.
    let per_file = s.items.div_ceil(s.files);
    for file in 0..s.files {
        let mut text = format!("framework: fw{}\nitems:\n", file % s.frameworks);
        for n in file * per_file..((file + 1) * per_file).min(s.items) {
            let status = STATUSES[rng.below(5)];
            let (y, m, d) = (2024 + rng.below(3), 1 + rng.below(12), 1 + rng.below(28));
            let _ = write!(
                text,
                "  - id: ITEM-{n:06}\n    title: Remediate finding {n} from the yearly review\n    controls: [C{:05}]\n    risk: {}\n    owner: {}\n    due: {y}-{m:02}-{d:02}\n    status: {status}\n",
                rng.below(s.controls.max(1)),
                RISKS[rng.below(4)],
                OWNERS[rng.below(OWNERS.len())],
            );
            if status == "done" {
                let _ = writeln!(text, "    done: {y}-{m:02}-{d:02}");
            }
            let _ = write!(
                text,
                "    summary: >-\n      Close the gap found in review {n}: document the procedure, assign an\n      owner and keep the evidence current.\n"
            );
            if s.evidence > 0 {
                let _ = writeln!(
                    text,
                    "    evidence:\n      - path: {}\n        note: Signed record",
                    evidence_path(n % s.evidence)
                );
            }
        }
        write(&s.out.join(format!("backlog/part-{file:04}.yaml")), &text)?;
    }

    // Evidence: 80% present, 10% empty, 10% missing; files in the history
    // keep the content of their last revision (see `history`).
    let last_revision = plan_history(s);
    for n in 0..s.evidence {
        let path = evidence_path(n);
        match n % 10 {
            8 => write(&s.out.join(&path), "")?,
            9 => {}
            _ => write(
                &s.out.join(&path),
                &content(&path, last_revision.get(n).copied().unwrap_or(0)),
            )?,
        }
    }
    if s.commits > 0 {
        history(s, &mut Rng(s.seed | 1))?;
    }
    println!(
        "wrote {}: {} frameworks x {} controls, {} items in {} files, {} evidence paths, {} commits",
        s.out.display(),
        s.frameworks,
        s.controls,
        s.items,
        s.files,
        s.evidence,
        s.commits
    );
    Ok(())
}

fn content(path: &str, revision: usize) -> String {
    format!("Evidence record {path}\nrevision {revision}\n")
}

/// Which history file each commit touches: commit 1 adds every history
/// file; later commits change three files each among the 90% that stay
/// active, so the dormant 10% force a full pass over the history.
fn touches(s: &Settings, rng: &mut Rng) -> Vec<Vec<usize>> {
    let history = s.history.min(s.evidence);
    let active: Vec<usize> = (0..history).filter(|n| n % 10 < 7).collect();
    let mut plan = vec![(0..history).filter(|n| n % 10 < 8).collect::<Vec<_>>()];
    for _ in 1..s.commits.saturating_sub(1) {
        plan.push((0..3).map(|_| active[rng.below(active.len())]).collect());
    }
    plan
}

/// The last revision of each history file, for its working-tree content.
fn plan_history(s: &Settings) -> Vec<usize> {
    let mut last = vec![0; s.history.min(s.evidence)];
    if s.commits == 0 {
        return last;
    }
    for (i, files) in touches(s, &mut Rng(s.seed | 1)).iter().enumerate() {
        for &f in files {
            last[f] = i + 1;
        }
    }
    last
}

/// Builds the git history with `git fast-import`: the planned commits, then
/// one commit holding the whole working tree.
fn history(s: &Settings, rng: &mut Rng) -> std::io::Result<()> {
    let git = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(&s.out)
            .args(args)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .status()
    };
    git(&["init", "-q", "-b", "main"])?;
    let mut child = Command::new("git")
        .arg("-C")
        .arg(&s.out)
        .args(["fast-import", "--quiet"])
        .stdin(Stdio::piped())
        .spawn()?;
    let mut stdin = std::io::BufWriter::new(
        child
            .stdin
            .take()
            .ok_or_else(|| std::io::Error::other("no stdin"))?,
    );
    let start: i64 = 1_577_836_800; // 2020-01-01T00:00:00Z
    let plan = touches(s, rng);
    let commit = |stdin: &mut dyn std::io::Write,
                  i: usize,
                  files: &[(String, String)]|
     -> std::io::Result<()> {
        let when = start + i as i64 * 3600;
        writeln!(stdin, "commit refs/heads/main")?;
        writeln!(stdin, "committer Bench <bench@example.com> {when} +0000")?;
        let message = format!("change {i}");
        writeln!(stdin, "data {}\n{message}", message.len())?;
        for (path, text) in files {
            writeln!(stdin, "M 100644 inline {path}\ndata {}\n{text}", text.len())?;
        }
        writeln!(stdin)
    };
    for (i, touched) in plan.iter().enumerate() {
        let files: Vec<(String, String)> = touched
            .iter()
            .map(|&f| {
                let path = evidence_path(f);
                (path.clone(), content(&path, i + 1))
            })
            .collect();
        commit(&mut stdin, i + 1, &files)?;
    }
    let mut everything = Vec::new();
    for entry in walk(&s.out)? {
        let relative = entry.strip_prefix(&s.out).map_err(std::io::Error::other)?;
        let relative = relative.to_string_lossy().replace('\\', "/");
        if relative.starts_with(".git/") {
            continue;
        }
        everything.push((relative, fs::read_to_string(&entry)?));
    }
    everything.sort();
    commit(&mut stdin, plan.len() + 1, &everything)?;
    stdin.flush()?;
    drop(stdin);
    child.wait()?;
    git(&["reset", "-q"])?;
    Ok(())
}

fn walk(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d)? {
            let path = entry?.path();
            if path.is_dir() {
                if !path.ends_with(".git") {
                    stack.push(path);
                }
            } else {
                out.push(path);
            }
        }
    }
    Ok(out)
}
