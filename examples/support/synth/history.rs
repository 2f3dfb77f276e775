//! The git history of the uniform shape, with fixed dates, built with
//! `git fast-import`: commit 1 adds every history file, later commits
//! change three files each, and one last commit holds the working tree.

use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::rng::Rng;
use super::uniform::evidence_path;
use super::{Settings, content};

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
pub(super) fn plan(s: &Settings) -> Vec<usize> {
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

/// Builds the history: the planned commits, then one commit holding the
/// whole working tree.
pub(super) fn write(s: &Settings, rng: &mut Rng) -> io::Result<()> {
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
    let mut stdin = io::BufWriter::new(
        child
            .stdin
            .take()
            .ok_or_else(|| io::Error::other("no stdin"))?,
    );
    let start: i64 = 1_577_836_800; // 2020-01-01T00:00:00Z
    let plan = touches(s, rng);
    let commit =
        |stdin: &mut dyn io::Write, i: usize, files: &[(String, String)]| -> io::Result<()> {
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
        let relative = entry.strip_prefix(&s.out).map_err(io::Error::other)?;
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

/// Every file under `dir`, `.git` left out.
fn walk(dir: &Path) -> io::Result<Vec<PathBuf>> {
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
