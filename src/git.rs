//! The git edge: the only module that runs `git`.
//!
//! Freshness comes from one streaming pass over `git log --name-only`,
//! stopped as soon as every wanted file has its newest commit; history
//! reads (`--at`, `trend`) list a revision's tree once and read blobs through
//! one `git cat-file --batch` process.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, bail};
use chrono::{DateTime, NaiveDate};
use serde::Serialize;

use crate::diag::{Code, Diagnostic, Location};
use crate::evidence::{Entry, EvidenceState, EvidenceStatus, Files};
use crate::load::{Kind, MAX_FILE_BYTES, Source, check_size, classify};

/// The commit that last changed a file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Change {
    /// Commit date (UTC).
    pub date: NaiveDate,
    /// Short commit hash.
    pub commit: String,
    /// Committer name.
    pub author: String,
}

/// What git knows about the evidence files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum History {
    /// Freshness cannot be told; the reason, said once.
    Unknown(String),
    /// Last changes of committed files, and the files not committed as they are.
    Known {
        /// Newest commit per file (root-relative path).
        changes: HashMap<String, Change>,
        /// Files modified, added or untracked in the working tree.
        uncommitted: BTreeSet<String>,
    },
}

/// A git repository holding the comply root.
#[derive(Clone, Debug)]
pub struct Repo {
    top: PathBuf,
    /// The root's path inside the repository, `""` or ending in `/`.
    prefix: String,
    shallow: bool,
}

/// Runs git in `dir` and returns its standard output.
fn git(dir: &Path, args: &[&str]) -> anyhow::Result<Vec<u8>> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .context("cannot run `git`")?;
    if !output.status.success() {
        bail!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(output.stdout)
}

impl Repo {
    /// The repository holding `root`, or why there is none.
    pub fn open(root: &Path) -> Result<Repo, String> {
        let out = git(
            root,
            &[
                "rev-parse",
                "--show-toplevel",
                "--show-prefix",
                "--is-shallow-repository",
            ],
        )
        .map_err(|_| "not a git repository (or git is not installed)".to_string())?;
        let text = String::from_utf8_lossy(&out);
        let mut lines = text.lines();
        let top = lines.next().unwrap_or_default();
        let prefix = lines.next().unwrap_or_default();
        let shallow = lines.next() == Some("true");
        Ok(Repo {
            top: PathBuf::from(top),
            prefix: prefix.to_string(),
            shallow,
        })
    }

    /// The comply root's path inside the repository: `""` or ending in `/`.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Whether the clone is shallow (history cut off).
    pub fn is_shallow(&self) -> bool {
        self.shallow
    }

    fn to_root(&self, path: &str) -> Option<String> {
        path.strip_prefix(&self.prefix).map(str::to_string)
    }

    /// The newest commit of each of `wanted` (root-relative files), in one
    /// streaming `git log` pass from `rev` (default: HEAD, with the working
    /// tree's uncommitted files set apart) that stops once every committed
    /// file has one.
    pub fn history(&self, wanted: &BTreeSet<String>, rev: Option<&str>) -> anyhow::Result<History> {
        if self.shallow {
            return Ok(History::Unknown(
                "this is a shallow clone, so evidence freshness is unknown; fetch the full \
                 history (in GitHub Actions: actions/checkout with `fetch-depth: 0`)"
                    .into(),
            ));
        }
        let uncommitted = match rev {
            Some(_) => BTreeSet::new(),
            None => self.uncommitted()?,
        };
        let mut missing: BTreeSet<String> = wanted
            .iter()
            .filter(|p| !uncommitted.contains(*p))
            .map(|p| format!("{}{p}", self.prefix))
            .collect();
        let mut changes = HashMap::new();
        if !missing.is_empty() && self.has_commits() {
            let mut child = Command::new("git")
                .arg("-C")
                .arg(&self.top)
                .args([
                    "-c",
                    "core.quotePath=false",
                    "log",
                    "--format=%x1e%H%x1f%ct%x1f%cn",
                    "--name-only",
                    "-z",
                    "--no-renames",
                    rev.unwrap_or("HEAD"),
                    "--",
                ])
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .context("cannot run `git log`")?;
            if let Some(stdout) = child.stdout.take() {
                read_log(
                    BufReader::new(stdout),
                    &mut missing,
                    &mut changes,
                    &self.prefix,
                )?;
            }
            // Stopping early is the point: the rest of history is not needed.
            let _ = child.kill();
            let _ = child.wait();
        }
        let uncommitted = uncommitted
            .into_iter()
            .chain(missing.iter().filter_map(|p| self.to_root(p)))
            .collect();
        Ok(History::Known {
            changes,
            uncommitted,
        })
    }

    /// Whether the repository has a commit yet (`HEAD` names one).
    pub fn has_commits(&self) -> bool {
        git(&self.top, &["rev-parse", "--verify", "--quiet", "HEAD"]).is_ok()
    }

    /// Root-relative paths that differ from HEAD or are untracked.
    fn uncommitted(&self) -> anyhow::Result<BTreeSet<String>> {
        let out = git(
            &self.top,
            &[
                "status",
                "--porcelain=v1",
                "-z",
                "--untracked-files=all",
                "--no-renames",
            ],
        )?;
        Ok(out
            .split(|b| *b == 0)
            .filter(|entry| entry.len() > 3)
            .filter_map(|entry| std::str::from_utf8(&entry[3..]).ok())
            .filter_map(|path| self.to_root(path))
            .collect())
    }

    /// Resolves a revision to its full commit hash.
    pub fn resolve(&self, rev: &str) -> anyhow::Result<String> {
        if rev.starts_with('-') {
            bail!("`{rev}` is not a revision");
        }
        let out = git(
            &self.top,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{rev}^{{commit}}"),
            ],
        )
        .map_err(|_| anyhow::anyhow!("`{rev}` is not a commit in this repository"))?;
        Ok(String::from_utf8_lossy(&out).trim().to_string())
    }

    /// Root-relative files that differ between `from` and `to` (default: the
    /// working tree).
    pub fn changed_files(&self, from: &str, to: Option<&str>) -> anyhow::Result<BTreeSet<String>> {
        let mut args = vec!["diff", "--name-only", "-z", "--no-renames", from];
        args.extend(to);
        args.push("--");
        let out = git(&self.top, &args)?;
        Ok(out
            .split(|b| *b == 0)
            .filter_map(|p| std::str::from_utf8(p).ok())
            .filter_map(|p| self.to_root(p))
            .collect())
    }

    /// The last commit at or before the end of `day` (UTC), if any.
    pub fn commit_on(&self, day: NaiveDate) -> anyhow::Result<Option<String>> {
        let before = format!("--before={day}T23:59:59Z");
        let out = git(&self.top, &["rev-list", "-1", &before, "HEAD"])?;
        let hash = String::from_utf8_lossy(&out).trim().to_string();
        Ok((!hash.is_empty()).then_some(hash))
    }

    /// The date of the first commit, if any.
    pub fn first_commit_date(&self) -> anyhow::Result<Option<NaiveDate>> {
        let out = git(&self.top, &["log", "--reverse", "--format=%ct", "HEAD"])?;
        let text = String::from_utf8_lossy(&out);
        Ok(text
            .lines()
            .next()
            .and_then(|t| t.parse::<i64>().ok())
            .and_then(day_of))
    }

    /// The files of the root at commit `rev`, read from git objects.
    pub fn tree(&self, rev: &str) -> anyhow::Result<TreeFiles> {
        let out = git(
            &self.top,
            &["ls-tree", "-r", "-l", "-z", "--full-tree", rev],
        )?;
        let mut files = BTreeMap::new();
        for record in out.split(|b| *b == 0).filter(|r| !r.is_empty()) {
            let Ok(record) = std::str::from_utf8(record) else {
                continue;
            };
            let Some((meta, path)) = record.split_once('\t') else {
                continue;
            };
            let fields: Vec<&str> = meta.split_whitespace().collect();
            let (Some(mode), Some(hash), Some(size)) =
                (fields.first(), fields.get(2), fields.get(3))
            else {
                continue;
            };
            let Some(path) = self.to_root(path) else {
                continue;
            };
            files.insert(
                path,
                TreeEntry {
                    hash: (*hash).to_string(),
                    size: size.parse().unwrap_or(0),
                    symlink: *mode == "120000",
                },
            );
        }
        Ok(TreeFiles {
            top: self.top.clone(),
            files,
        })
    }
}

fn day_of(seconds: i64) -> Option<NaiveDate> {
    DateTime::from_timestamp(seconds, 0).map(|t| t.date_naive())
}

/// Reads `git log -z --name-only` records, dating each wanted path once.
fn read_log(
    mut reader: impl BufRead,
    missing: &mut BTreeSet<String>,
    changes: &mut HashMap<String, Change>,
    prefix: &str,
) -> anyhow::Result<()> {
    let mut current: Option<Change> = None;
    let mut token = Vec::new();
    while !missing.is_empty() {
        token.clear();
        if reader
            .read_until(0, &mut token)
            .context("cannot read `git log`")?
            == 0
        {
            break;
        }
        if token.last() == Some(&0) {
            token.pop();
        }
        let text = String::from_utf8_lossy(&token);
        let text = text.trim_start_matches('\n');
        if let Some(header) = text.strip_prefix('\u{1e}') {
            let mut parts = header.split('\u{1f}');
            let hash = parts.next().unwrap_or_default();
            let date = parts
                .next()
                .and_then(|t| t.parse::<i64>().ok())
                .and_then(day_of);
            current = date.map(|date| Change {
                date,
                commit: hash.chars().take(10).collect(),
                author: parts.next().unwrap_or_default().to_string(),
            });
        } else if !text.is_empty()
            && let Some(change) = &current
            && missing.remove(text)
        {
            let path = text.strip_prefix(prefix).unwrap_or(text).to_string();
            changes.insert(path, change.clone());
        }
    }
    Ok(())
}

/// The comply files of a revision, read from git objects for `load`.
pub struct TreeSource {
    files: Vec<(PathBuf, Kind)>,
    contents: HashMap<String, Vec<u8>>,
    sizes: HashMap<String, (u64, bool)>,
}

impl TreeFiles {
    /// The comply files of this revision (read in one `git cat-file` pass).
    pub fn source(&self) -> anyhow::Result<TreeSource> {
        let mut files = Vec::new();
        let mut wanted = Vec::new();
        let mut sizes = HashMap::new();
        for (path, entry) in &self.files {
            let Some(kind) = classify(path) else { continue };
            files.push((PathBuf::from(path), kind));
            sizes.insert(path.clone(), (entry.size, entry.symlink));
            if !entry.symlink && entry.size <= MAX_FILE_BYTES {
                wanted.push(path.clone());
            }
        }
        Ok(TreeSource {
            files,
            contents: self.read(&wanted)?,
            sizes,
        })
    }
}

impl Source for TreeSource {
    fn files(&self) -> anyhow::Result<Vec<(PathBuf, Kind)>> {
        Ok(self.files.clone())
    }

    fn read(&self, relative: &Path) -> Result<Vec<u8>, Diagnostic> {
        let key = relative.to_string_lossy().replace('\\', "/");
        let (size, symlink) = self.sizes.get(&key).copied().unwrap_or((0, false));
        if symlink {
            return Err(Diagnostic::error(
                Code::Unreadable,
                Location::file(relative),
                "is a symlink; comply reads only regular files in controls/ and backlog/",
            ));
        }
        check_size(size, relative)?;
        self.contents.get(&key).cloned().ok_or_else(|| {
            Diagnostic::error(
                Code::Unreadable,
                Location::file(relative),
                "cannot be read from git",
            )
        })
    }
}

/// One file of a revision's tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreeEntry {
    /// Blob hash.
    pub hash: String,
    /// Size in bytes.
    pub size: u64,
    /// Whether the entry is a symlink (never followed).
    pub symlink: bool,
}

/// The root's files at a revision: an evidence [`Files`] view and a reader
/// of blob contents.
#[derive(Clone, Debug)]
pub struct TreeFiles {
    top: PathBuf,
    files: BTreeMap<String, TreeEntry>,
}

impl TreeFiles {
    /// Every file, root-relative, sorted.
    pub fn paths(&self) -> impl Iterator<Item = &String> {
        self.files.keys()
    }

    /// The entry of a file.
    pub fn get(&self, path: &str) -> Option<&TreeEntry> {
        self.files.get(path)
    }

    /// Reads the contents of `paths` through one `git cat-file --batch`.
    pub fn read(&self, paths: &[String]) -> anyhow::Result<HashMap<String, Vec<u8>>> {
        let mut child = Command::new("git")
            .arg("-C")
            .arg(&self.top)
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("cannot run `git cat-file`")?;
        let wanted: Vec<(&String, &TreeEntry)> = paths
            .iter()
            .filter_map(|p| self.files.get(p).map(|e| (p, e)))
            .collect();
        let mut input = child.stdin.take().context("no stdin for `git cat-file`")?;
        let requests: String = wanted
            .iter()
            .map(|(_, e)| format!("{}\n", e.hash))
            .collect();
        let writer = std::thread::spawn(move || {
            let _ = input.write_all(requests.as_bytes());
        });
        let mut reader = BufReader::new(
            child
                .stdout
                .take()
                .context("no stdout for `git cat-file`")?,
        );
        let mut contents = HashMap::new();
        for (path, _) in wanted {
            let mut header = String::new();
            reader.read_line(&mut header)?;
            let size: usize = header
                .split_whitespace()
                .nth(2)
                .and_then(|s| s.parse().ok())
                .with_context(|| format!("unexpected `git cat-file` answer: {header}"))?;
            let mut blob = vec![0; size];
            reader.read_exact(&mut blob)?;
            let mut newline = [0u8; 1];
            reader.read_exact(&mut newline)?;
            contents.insert(path.clone(), blob);
        }
        let _ = writer.join();
        let _ = child.wait();
        Ok(contents)
    }
}

impl Files for TreeFiles {
    fn entry(&self, relative: &str) -> Result<Entry, EvidenceStatus> {
        if let Some(entry) = self.files.get(relative) {
            if entry.symlink {
                return Err(EvidenceStatus {
                    state: EvidenceState::Missing,
                    detail: Some("a symlink (not followed in history)".into()),
                    files: Vec::new(),
                });
            }
            return Ok(Entry::File(entry.size));
        }
        let prefix = format!("{relative}/");
        if relative.is_empty()
            || self
                .files
                .range(prefix.clone()..)
                .next()
                .is_some_and(|(p, _)| p.starts_with(&prefix))
        {
            return Ok(Entry::Dir);
        }
        Err(EvidenceStatus::default())
    }

    fn files_under(&self, relative: &str) -> Vec<(String, u64)> {
        let prefix = if relative.is_empty() {
            String::new()
        } else {
            format!("{relative}/")
        };
        self.files
            .range(prefix.clone()..)
            .take_while(|(p, _)| p.starts_with(&prefix))
            .filter(|(_, e)| !e.symlink)
            .map(|(p, e)| (p.clone(), e.size))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_log_records_and_stops_when_done() {
        let log = b"\x1eaaaaaaaaaaaa\x1f1735725600\x1fA B\0\nsub/a.md\0sub/b.md\0\x1ebbbbbbbbbbbb\x1f1700000000\x1fC\0\nsub/a.md\0sub/c.md\0";
        let mut missing: BTreeSet<String> = ["sub/a.md", "sub/c.md"].map(String::from).into();
        let mut changes = HashMap::new();
        read_log(&log[..], &mut missing, &mut changes, "sub/").unwrap();
        assert!(missing.is_empty());
        assert_eq!(changes["a.md"].commit, "aaaaaaaaaa");
        assert_eq!(changes["a.md"].date.to_string(), "2025-01-01");
        assert_eq!(changes["c.md"].author, "C");
    }
}
