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
use chrono::{DateTime, Datelike, NaiveDate};
use serde::Serialize;

use crate::diag::{Code, Diagnostic, Location};
use crate::evidence::{Entry, EvidenceState, EvidenceStatus, Files};
use crate::format::FileKind;
use crate::load::{FileSource, MAX_FILE_BYTES, check_size, check_total, classify};

/// The commit that last changed a file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[schemars(rename = "Change")]
pub struct LastCommit {
    /// Commit date (UTC).
    pub date: NaiveDate,
    /// Short commit hash.
    pub commit: String,
    /// Committer name.
    pub author: String,
}

/// What git knows about the evidence files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum History {
    /// Freshness cannot be told; the reason, said once.
    Unknown(String),
    /// Last changes of committed files, and the files not committed as they are.
    Known {
        /// Newest commit per file (root-relative path).
        changes: HashMap<String, LastCommit>,
        /// Files modified, added or untracked in the working tree.
        uncommitted: BTreeSet<String>,
    },
}

/// A git repository holding the comply root.
#[derive(Clone, Debug)]
pub(crate) struct Repo {
    top: PathBuf,
    /// The root's path inside the repository, `""` or ending in `/`.
    prefix: String,
    shallow: bool,
}

/// `git -C dir` for read-only work: `--no-optional-locks` keeps `git status`
/// from refreshing `.git/index` (and taking its lock) behind the user's back.
fn command(dir: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .arg("--no-optional-locks")
        .arg("-C")
        .arg(dir)
        .env("GIT_OPTIONAL_LOCKS", "0");
    command
}

/// Runs git in `dir` and returns its standard output.
fn git(dir: &Path, args: &[&str]) -> anyhow::Result<Vec<u8>> {
    let output = command(dir)
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
    pub(crate) fn open(root: &Path) -> Result<Repo, String> {
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
    pub(crate) fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Whether the clone is shallow (history cut off).
    pub(crate) fn is_shallow(&self) -> bool {
        self.shallow
    }

    fn to_root(&self, path: &str) -> Option<String> {
        path.strip_prefix(&self.prefix).map(str::to_string)
    }

    /// The newest commit of each of `wanted` (root-relative files), in one
    /// streaming `git log` pass from `rev` (default: HEAD, with the working
    /// tree's uncommitted files set apart) that stops once every committed
    /// file has one.
    pub(crate) fn history(
        &self,
        wanted: &BTreeSet<String>,
        rev: Option<&str>,
    ) -> anyhow::Result<History> {
        if self.shallow {
            return Ok(History::Unknown(
                "this is a shallow clone, so evidence freshness is unknown; fetch the full \
                 history (in GitHub Actions: actions/checkout with `fetch-depth: 0`)"
                    .into(),
            ));
        }
        if rev.is_none() && !self.has_commits() {
            return Ok(History::Unknown(
                "the repository has no commit yet, so no evidence has a date; commit it first"
                    .into(),
            ));
        }
        let (modified, untracked) = match rev {
            Some(_) => (BTreeSet::new(), BTreeSet::new()),
            None => self.uncommitted()?,
        };
        // A modified file keeps the date of its last commit (an edit not
        // yet committed proves nothing); only untracked files have none.
        let mut missing: BTreeSet<String> = wanted
            .iter()
            .filter(|p| !untracked.contains(*p))
            .map(|p| format!("{}{p}", self.prefix))
            .collect();
        let mut changes = HashMap::new();
        if !missing.is_empty() && self.has_commits() {
            let mut child = command(&self.top)
                .args([
                    "-c",
                    "core.quotePath=false",
                    "log",
                    "--format=%x00%H%x00%ct%x00%cn",
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
        let uncommitted = modified
            .into_iter()
            .chain(untracked)
            .chain(missing.iter().filter_map(|p| self.to_root(p)))
            .collect();
        Ok(History::Known {
            changes,
            uncommitted,
        })
    }

    /// The commit that last added each of `wanted` (root-relative files)
    /// in the history of `rev` (default: HEAD): what dates a piece of
    /// evidence for an audit, as the day it came to exist (again, for a
    /// file deleted and added back). Files never
    /// committed are left out. One `git log --diff-filter=A` pass, limited
    /// to the wanted paths when they are few.
    pub(crate) fn first_added(
        &self,
        wanted: &BTreeSet<String>,
        rev: Option<&str>,
    ) -> anyhow::Result<HashMap<String, LastCommit>> {
        let mut added = HashMap::new();
        if wanted.is_empty() || !self.has_commits() {
            return Ok(added);
        }
        let mut args: Vec<String> = [
            "-c",
            "core.quotePath=false",
            "log",
            "--diff-filter=A",
            // The author's name: an audit names who added the evidence.
            "--format=%x00%H%x00%ct%x00%an",
            "--name-only",
            "-z",
            "--no-renames",
            rev.unwrap_or("HEAD"),
            "--",
        ]
        .map(str::to_string)
        .to_vec();
        if wanted.len() <= MAX_PATHSPECS {
            args.extend(
                wanted
                    .iter()
                    .map(|p| format!(":(literal){}{p}", self.prefix)),
            );
        }
        let out = git(
            &self.top,
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
        )?;
        // Newest first: a file deleted and added again is dated by its
        // latest add, not by a placeholder committed long before.
        for (path, change) in parse_log(&out)? {
            if let Some(path) = self.to_root(&path).filter(|p| wanted.contains(p)) {
                added.entry(path).or_insert(change);
            }
        }
        Ok(added)
    }

    /// The root-relative paths of `paths` that git ignores (`.gitignore`,
    /// `.git/info/exclude`): never copied into an evidence pack. One
    /// `git ls-files --others --ignored --directory` pass lists the ignored
    /// files and directories (not their contents), so its cost does not
    /// grow with `paths` (`git check-ignore --stdin` took 5 s for 20,000).
    pub(crate) fn ignored(&self, paths: &BTreeSet<String>) -> anyhow::Result<BTreeSet<String>> {
        if paths.is_empty() {
            return Ok(BTreeSet::new());
        }
        let out = git(
            &self.top,
            &[
                "-c",
                "core.quotePath=false",
                "ls-files",
                "-z",
                "--others",
                "--ignored",
                "--exclude-standard",
                "--directory",
            ],
        )?;
        // Ignored files as they are, ignored directories ending in `/`.
        let listed: std::collections::HashSet<&str> = out
            .split(|b| *b == 0)
            .filter_map(|p| std::str::from_utf8(p).ok())
            .filter(|p| !p.is_empty())
            .collect();
        Ok(paths
            .iter()
            .filter(|path| {
                let full = format!("{}{path}", self.prefix);
                listed.contains(full.as_str())
                    || full
                        .match_indices('/')
                        .any(|(i, _)| listed.contains(&full[..=i]))
            })
            .cloned()
            .collect())
    }

    /// The author's name of each of `commits` (hashes, short or full), by
    /// the hash as given: one `git log --no-walk --stdin` pass.
    pub(crate) fn authors(
        &self,
        commits: &BTreeSet<String>,
    ) -> anyhow::Result<HashMap<String, String>> {
        if commits.is_empty() {
            return Ok(HashMap::new());
        }
        let mut child = command(&self.top)
            .args([
                "log",
                "--no-walk=unsorted",
                "--stdin",
                "-z",
                "--format=%H%x00%an",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("cannot run `git log`")?;
        let mut input = child.stdin.take().context("no stdin for `git log`")?;
        let requests: String = commits.iter().map(|c| format!("{c}\n")).collect();
        let writer = std::thread::spawn(move || {
            let _ = input.write_all(requests.as_bytes());
        });
        let output = child.wait_with_output().context("cannot run `git log`")?;
        let _ = writer.join();
        if !output.status.success() {
            bail!("`git log --no-walk --stdin` failed");
        }
        let text = String::from_utf8_lossy(&output.stdout);
        let fields: Vec<&str> = text.split('\0').collect();
        let lengths: BTreeSet<usize> = commits.iter().map(String::len).collect();
        let mut authors = HashMap::new();
        for pair in fields.chunks(2) {
            if let [hash, name] = pair {
                let hash = hash.trim();
                for given in lengths.iter().filter_map(|n| hash.get(..*n)) {
                    if commits.contains(given) {
                        authors.insert(given.to_string(), (*name).to_string());
                    }
                }
            }
        }
        Ok(authors)
    }

    /// The short hash and committer date (ISO 8601 with its offset) of
    /// `HEAD`, or `None` before the first commit.
    pub fn head_commit(&self) -> Option<(String, String)> {
        let out = git(&self.top, &["log", "-1", "--format=%h %cI", "HEAD"]).ok()?;
        let text = String::from_utf8_lossy(&out);
        let (hash, date) = text.trim().split_once(' ')?;
        Some((hash.to_string(), date.to_string()))
    }

    /// Whether the repository has a commit yet (`HEAD` names one).
    pub(crate) fn has_commits(&self) -> bool {
        git(&self.top, &["rev-parse", "--verify", "--quiet", "HEAD"]).is_ok()
    }

    /// Root-relative paths that differ from HEAD (modified, added, deleted),
    /// and those git does not track.
    pub(crate) fn uncommitted(&self) -> anyhow::Result<(BTreeSet<String>, BTreeSet<String>)> {
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
        let (mut modified, mut untracked) = (BTreeSet::new(), BTreeSet::new());
        for entry in out.split(|b| *b == 0).filter(|entry| entry.len() > 3) {
            let Some(path) = std::str::from_utf8(&entry[3..])
                .ok()
                .and_then(|path| self.to_root(path))
            else {
                continue;
            };
            if entry.starts_with(b"??") {
                untracked.insert(path);
            } else {
                modified.insert(path);
            }
        }
        Ok((modified, untracked))
    }

    /// Resolves a revision to its full commit hash.
    pub(crate) fn resolve(&self, rev: &str) -> anyhow::Result<String> {
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
    ///
    /// Commits are compared with `diff-tree`, and the working tree's changes
    /// come from `status`: `git diff` against the working tree refreshes
    /// the index and rewrites `.git/index`, which a read-only command must
    /// not do.
    pub(crate) fn changed_files(
        &self,
        from: &str,
        to: Option<&str>,
    ) -> anyhow::Result<BTreeSet<String>> {
        let args = [
            "diff-tree",
            "-r",
            "--name-only",
            "-z",
            "--no-renames",
            from,
            to.unwrap_or("HEAD"),
            "--",
        ];
        let out = git(&self.top, &args)?;
        let mut changed: BTreeSet<String> = out
            .split(|b| *b == 0)
            .filter_map(|p| std::str::from_utf8(p).ok())
            .filter_map(|p| self.to_root(p))
            .collect();
        if to.is_none() {
            let (modified, untracked) = self.uncommitted()?;
            changed.extend(modified);
            changed.extend(untracked);
        }
        Ok(changed)
    }

    /// The last commit at or before the end of `day` (UTC), if any. Days
    /// before 1970 have none (git keeps no earlier dates). The limit is
    /// given to git as `@seconds`: git misreads written dates outside 1970
    /// to 2099.
    pub(crate) fn commit_on(&self, day: NaiveDate) -> anyhow::Result<Option<String>> {
        let Some(seconds) = end_of_day_seconds(day) else {
            return Ok(None);
        };
        // git reads `@N` as a Unix time only from N = 100,000,000 (1973-03-03)
        // on; before that, the date itself is unambiguous.
        let before = if seconds >= 100_000_000 {
            format!("--before=@{seconds}")
        } else {
            format!("--before={day}T23:59:59Z")
        };
        let out = git(&self.top, &["rev-list", "-1", &before, "HEAD"])?;
        let hash = String::from_utf8_lossy(&out).trim().to_string();
        Ok((!hash.is_empty()).then_some(hash))
    }

    /// The files of the root at commit `rev`, read from git objects.
    ///
    /// Sizes come from `ls-tree -l` for the evidence view only; the files
    /// comply parses are sized again by `cat-file --batch-check`, which
    /// also says what kind of object each really is.
    pub(crate) fn tree(&self, rev: &str) -> anyhow::Result<TreeFiles> {
        let out = git(
            &self.top,
            &["ls-tree", "-r", "-l", "-z", "--full-tree", rev],
        )
        .with_context(|| format!("cannot list the files of commit {rev:.10}"))?;
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
            // `..`, `.` or `.git` in a crafted tree: never read or copied.
            if !crate::evidence::is_safe_tree_path(&path) {
                continue;
            }
            // A submodule where comply reads a directory would silently
            // read nothing.
            if *mode == "160000" && FileKind::in_directory(path.as_str()).is_some() {
                bail!(
                    "`{path}` at commit {rev:.10} is a submodule (a gitlink), not a directory; \
                     comply reads only files committed in the repository itself"
                );
            }
            let kind = match *mode {
                "120000" => ObjectKind::Symlink,
                "100644" | "100755" | "100664" => ObjectKind::Blob,
                _ => ObjectKind::Other,
            };
            files.insert(
                path,
                TreeEntry {
                    hash: (*hash).to_string(),
                    size: size.parse().unwrap_or(0),
                    kind,
                },
            );
        }
        Ok(TreeFiles {
            top: self.top.clone(),
            commit: rev.to_string(),
            files,
        })
    }
}

/// Most paths given to `git log` as pathspecs; past it, the whole history
/// is read and filtered here (a command line has a length limit).
const MAX_PATHSPECS: usize = 1_000;

fn day_of(seconds: i64) -> Option<NaiveDate> {
    DateTime::from_timestamp(seconds, 0).map(|t| t.date_naive())
}

/// The first day git can date a commit on.
pub(crate) const FIRST_GIT_DAY: NaiveDate = match NaiveDate::from_ymd_opt(1970, 1, 1) {
    Some(day) => day,
    None => NaiveDate::MIN,
};

/// The last second of `day` (UTC) as a Unix time, for `--before=@seconds`;
/// `None` for days before 1970 (no commit can be that old). Years past 9999
/// count as 9999.
fn end_of_day_seconds(day: NaiveDate) -> Option<i64> {
    let seconds = day
        .succ_opt()
        .and_then(|next| next.and_hms_opt(0, 0, 0))
        .map_or(i64::MAX, |t| t.and_utc().timestamp())
        .saturating_sub(1)
        .min(253_402_300_799);
    // `@0` means "no limit" to git; the first second of 1970 is a limit.
    (seconds > 0).then_some(seconds)
}

/// A strict reader of `git log -z --name-only --format=%x00%H%x00%ct%x00%cn`
/// output, fed one NUL-terminated token at a time.
///
/// Every commit starts with an empty token (a path is never empty, so no
/// file name can forge one), then exactly its hash, its Unix time and its
/// committer; then come its paths, the first led by the newline git puts
/// after the header. Anything else is an error, never a guess.
#[derive(Debug, Default)]
pub(crate) struct LogParser {
    state: LogState,
    hash: String,
    seconds: i64,
    current: Option<LastCommit>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum LogState {
    /// Before the first commit.
    #[default]
    Start,
    Hash,
    Time,
    Committer,
    /// The first path (led by a newline), or the next commit.
    FirstPath,
    /// Further paths, or the next commit.
    Path,
}

impl LogParser {
    /// Takes one token (without its NUL); returns a path the current commit
    /// touched, with that commit.
    pub(crate) fn token(&mut self, token: &[u8]) -> anyhow::Result<Option<(String, &LastCommit)>> {
        let bad = |what: &str| anyhow::anyhow!("unexpected `git log` output: {what}");
        match self.state {
            LogState::Start | LogState::FirstPath | LogState::Path if token.is_empty() => {
                self.state = LogState::Hash;
            }
            LogState::Start => return Err(bad("no commit header")),
            LogState::Hash => {
                let hash = std::str::from_utf8(token).ok().filter(|h| {
                    matches!(h.len(), 40 | 64) && h.bytes().all(|b| b.is_ascii_hexdigit())
                });
                self.hash = hash
                    .ok_or_else(|| bad("a commit hash that is not hex"))?
                    .into();
                self.state = LogState::Time;
            }
            LogState::Time => {
                self.seconds = std::str::from_utf8(token)
                    .ok()
                    .and_then(|t| t.parse::<i64>().ok())
                    .ok_or_else(|| bad("a commit time that is not a number"))?;
                self.state = LogState::Committer;
            }
            LogState::Committer => {
                // A date git cannot hold (past year 9999) is refused, naming
                // the commit: skipping it would credit its files to an
                // earlier commit and author.
                let date = day_of(self.seconds)
                    .filter(|d| d.year() <= 9999)
                    .ok_or_else(|| {
                        anyhow::anyhow!(
                            "commit {:.10} has a date comply cannot read (Unix time {})",
                            self.hash,
                            self.seconds
                        )
                    })?;
                self.current = Some(LastCommit {
                    date,
                    commit: self.hash.chars().take(10).collect(),
                    author: String::from_utf8_lossy(token).into_owned(),
                });
                self.state = LogState::FirstPath;
            }
            LogState::FirstPath | LogState::Path => {
                let path = if self.state == LogState::FirstPath {
                    token
                        .strip_prefix(b"\n")
                        .ok_or_else(|| bad("a path list without its newline"))?
                } else {
                    token
                };
                self.state = LogState::Path;
                if path.is_empty() {
                    return Err(bad("an empty path"));
                }
                // Paths that are not UTF-8 are never wanted (evidence paths
                // are UTF-8 text).
                if let (Ok(path), Some(change)) = (std::str::from_utf8(path), &self.current) {
                    return Ok(Some((path.to_string(), change)));
                }
            }
        }
        Ok(None)
    }

    /// Whether the output may end here (not inside a commit header).
    pub(crate) fn at_record_end(&self) -> bool {
        matches!(
            self.state,
            LogState::Start | LogState::FirstPath | LogState::Path
        )
    }
}

/// Every (path, commit) pair of a whole `git log` output: the pure form of
/// the freshness pass, for tests and fuzzing.
pub(crate) fn parse_log(bytes: &[u8]) -> anyhow::Result<Vec<(String, LastCommit)>> {
    let mut parser = LogParser::default();
    let mut out = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let (token, tail) = match rest.iter().position(|b| *b == 0) {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => anyhow::bail!("unexpected `git log` output: a token without its NUL"),
        };
        if let Some((path, change)) = parser.token(token)? {
            out.push((path, change.clone()));
        }
        rest = tail;
    }
    if !parser.at_record_end() {
        anyhow::bail!("unexpected `git log` output: it ends inside a commit header");
    }
    Ok(out)
}

/// Reads `git log` records (see [`LogParser`]), dating each wanted path once.
fn read_log(
    mut reader: impl BufRead,
    missing: &mut BTreeSet<String>,
    changes: &mut HashMap<String, LastCommit>,
    prefix: &str,
) -> anyhow::Result<()> {
    let mut parser = LogParser::default();
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
        if token.pop() != Some(0) {
            bail!("unexpected `git log` output: a token without its NUL");
        }
        if let Some((path, change)) = parser.token(&token)?
            && missing.remove(&path)
        {
            let path = path.strip_prefix(prefix).unwrap_or(&path).to_string();
            changes.insert(path, change.clone());
        }
    }
    Ok(())
}

/// The comply files of a revision, read from git objects for `load`.
pub(crate) struct TreeSource {
    files: Vec<(PathBuf, FileKind)>,
    /// Each file's bytes, or why it cannot be read; handed over (not
    /// copied) when read, as `load` reads each file once.
    contents: std::sync::Mutex<HashMap<String, Result<Vec<u8>, Diagnostic>>>,
}

impl TreeFiles {
    /// The comply files of this revision: sized and typed by one
    /// `git cat-file --batch-check`, then read by one `git cat-file --batch`
    /// (blobs within [`MAX_FILE_BYTES`] only).
    pub(crate) fn source(&self) -> anyhow::Result<TreeSource> {
        let mut files = Vec::new();
        let mut contents = HashMap::new();
        let mut candidates = Vec::new();
        let unreadable = |path: &str, why: String| {
            Diagnostic::error(Code::Unreadable, Location::file(Path::new(path)), why)
        };
        for (path, entry) in &self.files {
            let Some(kind) = classify(path) else { continue };
            files.push((PathBuf::from(path), kind));
            match entry.kind {
                ObjectKind::Symlink => {
                    let why = "is a symlink; comply reads only regular files".to_string();
                    contents.insert(path.clone(), Err(unreadable(path, why)));
                }
                ObjectKind::Other => {
                    let why = self.not_a_file("not a file (a submodule?)");
                    contents.insert(path.clone(), Err(unreadable(path, why)));
                }
                ObjectKind::Blob => candidates.push(path.clone()),
            }
        }
        let checked = self.batch_check(&candidates)?;
        let mut wanted = Vec::new();
        let mut total = 0u64;
        for (path, answer) in candidates.into_iter().zip(checked) {
            let size = match answer {
                Ok(size) => size,
                Err(why) => {
                    contents.insert(path.clone(), Err(unreadable(&path, why)));
                    continue;
                }
            };
            // A file refused for the total is not counted in it, so smaller
            // files after it may still be read.
            let with = total.saturating_add(size);
            let checked = check_size(size, Path::new(&path))
                .and_then(|()| check_total(with, Path::new(&path)));
            match checked {
                Ok(()) => {
                    total = with;
                    wanted.push(path);
                }
                Err(d) => {
                    contents.insert(path, Err(d));
                }
            }
        }
        for (path, read) in self.read(&wanted)? {
            let read = read.map_err(|why| unreadable(&path, why));
            contents.insert(path, read);
        }
        Ok(TreeSource {
            files,
            contents: std::sync::Mutex::new(contents),
        })
    }

    fn not_a_file(&self, what: &str) -> String {
        format!(
            "is {what} in git at commit {:.10} (comply reads only regular files)",
            self.commit
        )
    }

    /// The size of each blob of `paths`, or why it is not one, from one
    /// `git cat-file --batch-check`.
    fn batch_check(&self, paths: &[String]) -> anyhow::Result<Vec<Result<u64, String>>> {
        if paths.is_empty() {
            return Ok(Vec::new());
        }
        let requests: String = paths
            .iter()
            .filter_map(|p| self.files.get(p))
            .map(|e| format!("{}\n", e.hash))
            .collect();
        let out = self.cat_file("--batch-check", requests, |reader| {
            let mut text = String::new();
            reader.read_to_string(&mut text)?;
            Ok(text)
        })?;
        let mut lines = out.lines();
        let mut answers = Vec::with_capacity(paths.len());
        for _ in paths {
            let line = lines.next().unwrap_or("");
            let fields: Vec<&str> = line.split(' ').collect();
            answers.push(match fields.as_slice() {
                [_, "blob", size] => size.parse::<u64>().map_err(|_| {
                    self.not_a_file(&format!("an object of unreadable size `{size}`"))
                }),
                [_, "missing"] => Err(self.not_a_file("a missing object")),
                [_, kind, _] => Err(self.not_a_file(&format!("a {kind} object"))),
                _ => Err(self.not_a_file(&format!("an object git answers `{line}` about"))),
            });
        }
        Ok(answers)
    }

    /// Runs `git cat-file MODE`, writing `requests` from a thread while
    /// `answer` reads.
    fn cat_file<T>(
        &self,
        mode: &str,
        requests: String,
        answer: impl FnOnce(&mut BufReader<std::process::ChildStdout>) -> anyhow::Result<T>,
    ) -> anyhow::Result<T> {
        let mut child = command(&self.top)
            .args(["cat-file", mode])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("cannot run `git cat-file`")?;
        let mut input = child.stdin.take().context("no stdin for `git cat-file`")?;
        let writer = std::thread::spawn(move || {
            let _ = input.write_all(requests.as_bytes());
        });
        let mut reader = BufReader::new(
            child
                .stdout
                .take()
                .context("no stdout for `git cat-file`")?,
        );
        let result = answer(&mut reader);
        drop(reader);
        let _ = child.kill();
        let _ = writer.join();
        let _ = child.wait();
        result
    }
}

impl FileSource for TreeSource {
    fn files(&self) -> anyhow::Result<Vec<(PathBuf, FileKind)>> {
        Ok(self.files.clone())
    }

    fn read(&self, relative: &Path) -> Result<Vec<u8>, Diagnostic> {
        let key = relative.to_string_lossy().replace('\\', "/");
        let taken = self.contents.lock().ok().and_then(|mut c| c.remove(&key));
        match taken {
            Some(read) => read,
            None => Err(Diagnostic::error(
                Code::Unreadable,
                Location::file(relative),
                "cannot be read from git",
            )),
        }
    }
}

/// A blob's bytes, or why they were not read.
pub(crate) type BlobRead = Result<Vec<u8>, String>;

/// What a tree entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ObjectKind {
    /// A regular file.
    Blob,
    /// A symlink (never followed).
    Symlink,
    /// Anything else: a submodule (gitlink) or an unknown mode.
    Other,
}

/// One file of a revision's tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TreeEntry {
    /// Object hash.
    pub(crate) hash: String,
    /// Size in bytes as `ls-tree` gives it (0 when it gives none).
    pub(crate) size: u64,
    /// What the entry is.
    pub(crate) kind: ObjectKind,
}

/// The root's files at a revision: an evidence [`Files`] view and a reader
/// of blob contents.
#[derive(Clone, Debug)]
pub(crate) struct TreeFiles {
    top: PathBuf,
    commit: String,
    files: BTreeMap<String, TreeEntry>,
}

impl TreeFiles {
    /// The entry of a file.
    pub(crate) fn get(&self, path: &str) -> Option<&TreeEntry> {
        self.files.get(path)
    }

    /// Reads the blobs of `paths` through one `git cat-file --batch`; each
    /// answer must be a blob within [`MAX_FILE_BYTES`], else that path gets
    /// the reason.
    pub(crate) fn read(&self, paths: &[String]) -> anyhow::Result<Vec<(String, BlobRead)>> {
        if paths.is_empty() {
            return Ok(Vec::new());
        }
        let wanted: Vec<&String> = paths
            .iter()
            .filter(|p| self.files.contains_key(*p))
            .collect();
        let requests: String = wanted
            .iter()
            .filter_map(|p| self.files.get(*p))
            .map(|e| format!("{}\n", e.hash))
            .collect();
        self.cat_file("--batch", requests, |reader| {
            let mut contents = Vec::with_capacity(wanted.len());
            for path in wanted {
                let mut header = String::new();
                reader.read_line(&mut header)?;
                let fields: Vec<&str> = header.trim_end().split(' ').collect();
                let size = match fields.as_slice() {
                    [_, "blob", size] => size.parse::<u64>().ok(),
                    _ => None,
                };
                if let Some(size) = size.filter(|s| *s > MAX_FILE_BYTES) {
                    // Its bytes are not read: the stream stops here.
                    contents.push((
                        path.clone(),
                        Err(format!(
                            "it is over the limit of {MAX_FILE_BYTES} bytes for one file \
                             ({size} bytes at commit {:.10})",
                            self.commit
                        )),
                    ));
                    break;
                }
                let Some(size) = size else {
                    // The stream cannot be trusted past an answer not
                    // understood: this path and the rest get the reason.
                    let why = self.not_a_file(&format!(
                        "an object git answers `{}` about",
                        header.trim_end()
                    ));
                    contents.push((path.clone(), Err(why)));
                    break;
                };
                let mut blob = Vec::new();
                reader.by_ref().take(size).read_to_end(&mut blob)?;
                let mut newline = [0u8; 1];
                reader.read_exact(&mut newline)?;
                if blob.len() as u64 != size || newline != *b"\n" {
                    bail!(
                        "unexpected `git cat-file` output for `{path}` at commit {:.10}",
                        self.commit
                    );
                }
                contents.push((path.clone(), Ok(blob)));
            }
            Ok(contents)
        })
    }
}

impl Files for TreeFiles {
    fn entry(&self, relative: &str) -> Result<Entry, EvidenceStatus> {
        if let Some(entry) = self.files.get(relative) {
            let detail = match entry.kind {
                ObjectKind::Blob => return Ok(Entry::File(entry.size)),
                ObjectKind::Symlink => "a symlink (not followed in history)",
                ObjectKind::Other => "neither a file nor a directory (a submodule?)",
            };
            return Err(EvidenceStatus {
                state: EvidenceState::Missing,
                detail: Some(detail.into()),
                files: Vec::new(),
            });
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

    fn files_under(&self, relative: &str) -> Vec<String> {
        let prefix = if relative.is_empty() {
            String::new()
        } else {
            format!("{relative}/")
        };
        self.files
            .range(prefix.clone()..)
            .take_while(|(p, _)| p.starts_with(&prefix))
            .filter(|(_, e)| e.kind == ObjectKind::Blob)
            .map(|(p, _)| p.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    #[test]
    fn reads_log_records_and_stops_when_done() {
        let log = format!(
            "\0{A}\01735725600\0A B\0\nsub/a.md\0sub/b.md\0\0{B}\01700000000\0C\0\nsub/a.md\0sub/c.md\0"
        );
        let mut missing: BTreeSet<String> = ["sub/a.md", "sub/c.md"].map(String::from).into();
        let mut changes = HashMap::new();
        read_log(log.as_bytes(), &mut missing, &mut changes, "sub/").unwrap();
        assert!(missing.is_empty());
        assert_eq!(changes["a.md"].commit, "aaaaaaaaaa");
        assert_eq!(changes["a.md"].date.to_string(), "2025-01-01");
        assert_eq!(changes["c.md"].author, "C");
    }

    #[test]
    fn file_names_cannot_forge_commits() {
        // A path holding the old separators, a hash, a time and a name as
        // one name: it stays one path of the real commit.
        let forged = format!("\u{1e}{B}\u{1f}1000000000\u{1f}Mallory");
        let log = format!("\0{A}\01735725600\0A\0\n{forged}\0ev.md\0");
        let records = parse_log(log.as_bytes()).unwrap();
        assert_eq!(records.len(), 2);
        assert!(
            records
                .iter()
                .all(|(_, c)| c.commit == "aaaaaaaaaa" && c.author == "A")
        );
        assert_eq!(records[0].0, forged);
        // A commit with no files is followed directly by the next one.
        let log = format!("\0{A}\01735725600\0A\0\0{B}\01700000000\0C\0\nx\0");
        let records = parse_log(log.as_bytes()).unwrap();
        assert_eq!(records[0].1.author, "C");
        // Anything out of shape is an error, not a guess.
        for bad in [
            "x\0".to_string(),
            format!("\0{A}\0soon\0A\0"),
            "\0nothex\0".to_string(),
            format!("\0{A}\01\0A\0no-newline\0"),
            format!("\0{A}\01\0"),
            format!("\0{A}\01\0A\0\nx"),
            // Dates git cannot hold: refused, not credited to another commit.
            format!("\0{A}\099999999999999\0Mallory\0\nev.md\0"),
            format!("\0{A}\0253402300800\0Mallory\0\nev.md\0"),
        ] {
            assert!(parse_log(bad.as_bytes()).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn days_outside_git_range_are_clamped() {
        let day = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(end_of_day_seconds(day("1969-12-31")), None);
        assert_eq!(end_of_day_seconds(day("1970-01-01")), Some(86_399));
        assert_eq!(end_of_day_seconds(day("9999-12-31")), Some(253_402_300_799));
        assert_eq!(end_of_day_seconds(NaiveDate::MAX), Some(253_402_300_799));
    }
}
