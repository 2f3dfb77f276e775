//! Reading a repository from disk: the I/O edge in front of `decode`.
//!
//! Finds `comply.yaml`, `controls/**/*.yaml` and `backlog/**/*.yaml`, reads
//! them within the size limit, parses them in parallel and hands the decoded
//! model plus every diagnostic back. Nothing is written.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use anyhow::{Context, bail};
use walkdir::WalkDir;

use crate::decode::Decoder;
use crate::diag::{self, Code, Diagnostic, Location};
pub use crate::format::FileKind;
use crate::model::{Config, Exception, Framework, Item, Mapping, Repository, Review};
use crate::par;
use crate::validate;
use crate::yaml::{self, Pos};

/// Largest YAML file comply reads, in bytes (32 MiB).
pub(crate) const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// Most YAML files comply reads in one repository.
pub(crate) const MAX_FILES: usize = 100_000;

/// Most YAML nodes in one repository, over all its files (each file is also
/// held to `yaml::MAX_NODES`): what bounds the decoded model, so `check`,
/// `status` and the other commands whose memory follows the model (about
/// 2.5 KiB an item at the peak, with its views) stay near 1.5 GiB.
pub(crate) const MAX_REPO_NODES: usize = 16_000_000;

/// Most bytes of YAML scalar text in one repository, over all its files
/// (each file is also held to `yaml::MAX_SCALAR_BYTES`).
pub(crate) const MAX_REPO_SCALAR_BYTES: usize = 512 * 1024 * 1024;

/// Most YAML nodes a repository may hold for `report` and `export`, which
/// copy and escape each item's text several times over (an HTML report
/// costs about 8.6 KB an item of 13 nodes).
pub(crate) const MAX_DOCUMENT_NODES: usize = 1_500_000;

/// Most bytes of YAML scalar text a repository may hold for `report` and
/// `export`.
pub(crate) const MAX_DOCUMENT_SCALAR_BYTES: usize = 64 * 1024 * 1024;

/// Most bytes of YAML files read from one git revision, held at once.
pub(crate) const MAX_REPO_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// The names `comply.yaml` may have.
pub(crate) const CONFIG_NAMES: &[&str] = &["comply.yaml", "comply.yml"];

/// A repository as read, with every problem found while reading it.
#[derive(Debug)]
pub struct Loaded {
    /// The decoded model (problem entries left out).
    pub(crate) repository: Repository,
    /// Problems, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// How many YAML files were read.
    pub(crate) files: usize,
    /// The settings file, if there is one.
    pub(crate) config_file: Option<PathBuf>,
    /// What the YAML trees of every file held, summed.
    pub(crate) cost: yaml::Cost,
}

impl Loaded {
    /// Whether any diagnostic is an error.
    pub(crate) fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// Refuses a repository too large for `what` (a report or an export)
    /// under [`MAX_DOCUMENT_NODES`] and [`MAX_DOCUMENT_SCALAR_BYTES`].
    pub(crate) fn fits_documents(&self, what: &str) -> anyhow::Result<()> {
        let over = if self.cost.nodes > MAX_DOCUMENT_NODES {
            format!(
                "{} YAML nodes, over the limit of {MAX_DOCUMENT_NODES}",
                self.cost.nodes
            )
        } else if self.cost.scalar_bytes > MAX_DOCUMENT_SCALAR_BYTES {
            format!(
                "{} bytes of YAML text, over the limit of {MAX_DOCUMENT_SCALAR_BYTES} (64 MiB)",
                self.cost.scalar_bytes
            )
        } else {
            return Ok(());
        };
        bail!(
            "the repository holds {over} for {what}, which copies each item's text several \
             times (the limit counts the whole repository, whatever a filter keeps); validate, \
             check, status, due and gaps read up to {MAX_REPO_NODES} nodes"
        )
    }
}

/// What one file decoded to.
#[derive(Default)]
struct FileResult {
    config: Option<Config>,
    framework: Option<Framework>,
    items: Vec<Item>,
    reviews: Vec<Review>,
    exceptions: Vec<Exception>,
    mappings: Vec<Mapping>,
    diagnostics: Vec<Diagnostic>,
}

/// Where the repository's files come from: the working tree or a git
/// revision.
pub trait FileSource: Sync {
    /// Every file comply reads, with its kind, relative to the root, sorted.
    fn files(&self) -> anyhow::Result<Vec<(PathBuf, FileKind)>>;
    /// The bytes of one of those files, within [`MAX_FILE_BYTES`].
    fn read(&self, relative: &Path) -> Result<Vec<u8>, Diagnostic>;
}

/// The kind of file at `relative` (with `/` separators), if comply reads it:
/// `comply.yaml`, or a `.yaml`/`.yml` file under `controls/`, `backlog/`,
/// `reviews/` or `exceptions/` with no hidden (`.name`) component.
pub(crate) fn classify(relative: &str) -> Option<FileKind> {
    if CONFIG_NAMES.contains(&relative) {
        return Some(FileKind::Config);
    }
    let (top, rest) = relative.split_once('/')?;
    let kind = FileKind::in_directory(top)?;
    let yaml = rest.ends_with(".yaml") || rest.ends_with(".yml");
    let hidden = rest.split('/').any(|part| part.starts_with('.'));
    (yaml && !hidden).then_some(kind)
}

/// Reads and validates the repository in the working tree at `root`.
///
/// Fails only when the root itself cannot be used; problems inside files
/// come back as diagnostics.
pub(crate) fn load(root: &Path) -> anyhow::Result<Loaded> {
    load_with(root, |_, _| ()).map(|(loaded, _)| loaded)
}

/// [`load`], running `alongside` on the repository on another thread while
/// it is validated (see [`load_from_with`]).
pub(crate) fn load_with<T: Send>(
    root: &Path,
    alongside: impl FnOnce(&Repository, &AtomicBool) -> T + Send,
) -> anyhow::Result<(Loaded, Option<T>)> {
    check_root(root)?;
    load_from_with(&WorkTreeSource { root }, alongside)
}

/// Reads and validates the repository from `source`.
pub fn load_from(source: &dyn FileSource) -> anyhow::Result<Loaded> {
    load_from_with(source, |_, _| ()).map(|(loaded, _)| loaded)
}

/// Reads the repository from `source` and validates it while `alongside`
/// runs on the merged repository on another thread: work that needs the
/// files read but not their verdict (resolving evidence) overlaps the
/// validation, which runs on one core. Only for a valid repository: after
/// an error in a file `alongside` does not run, and when validation finds
/// one it sets the flag `alongside` is given, to stop early, and what it
/// returns is dropped (`None`).
pub(crate) fn load_from_with<T: Send>(
    source: &dyn FileSource,
    alongside: impl FnOnce(&Repository, &AtomicBool) -> T + Send,
) -> anyhow::Result<(Loaded, Option<T>)> {
    let files = source.files()?;
    if files.len() > MAX_FILES {
        bail!(
            "{} YAML files to read, over the limit of {MAX_FILES} files",
            files.len()
        );
    }
    if files
        .iter()
        .filter(|(_, kind)| *kind == FileKind::Config)
        .count()
        > 1
    {
        bail!(
            "both comply.yaml and comply.yml exist; comply reads one settings file, so remove \
             the other"
        );
    }
    let (results, cost) = parse_parallel(source, &files);
    let mut repository = Repository::default();
    // Reserved once: growing by doubling would copy every item and hold
    // two copies at the peak.
    repository
        .items
        .reserve_exact(results.iter().map(|r| r.items.len()).sum());
    let mut diagnostics = Vec::new();
    let mut complete = true;
    for result in results {
        complete &= !result
            .diagnostics
            .iter()
            .any(|d| matches!(d.code, Code::Syntax | Code::Unreadable | Code::TooLarge));
        if let Some(config) = result.config {
            repository.config = config;
        }
        repository.frameworks.extend(result.framework);
        repository.items.extend(result.items);
        repository.reviews.extend(result.reviews);
        repository.exceptions.extend(result.exceptions);
        repository.mappings.extend(result.mappings);
        diagnostics.extend(result.diagnostics);
    }
    let invalid = AtomicBool::new(diagnostics.iter().any(Diagnostic::is_error));
    let (found, beside) = if invalid.load(Ordering::Relaxed) {
        (validate::check(&repository, complete), None)
    } else {
        par::join(
            || {
                let found = validate::check(&repository, complete);
                if found.iter().any(Diagnostic::is_error) {
                    invalid.store(true, Ordering::Relaxed);
                }
                found
            },
            || Some(alongside(&repository, &invalid)),
        )
    };
    let beside = beside.filter(|_| !invalid.load(Ordering::Relaxed));
    diagnostics.extend(found);
    repository.frameworks.sort_by(|a, b| a.id.cmp(&b.id));
    repository.items.sort_by(|a, b| a.id.cmp(&b.id));
    repository.reviews.sort_by(|a, b| a.id.cmp(&b.id));
    diag::sort(&mut diagnostics);
    let loaded = Loaded {
        repository,
        diagnostics,
        config_file: files
            .iter()
            .find(|(_, kind)| *kind == FileKind::Config)
            .map(|(path, _)| path.clone()),
        files: files.len(),
        cost,
    };
    Ok((loaded, beside))
}

fn check_root(root: &Path) -> anyhow::Result<()> {
    let meta = fs::metadata(root)
        .with_context(|| format!("cannot use `{}` as the repository root", root.display()))?;
    if !meta.is_dir() {
        bail!("`{}` is not a directory", root.display());
    }
    fs::read_dir(root).with_context(|| format!("cannot list `{}`", root.display()))?;
    Ok(())
}

/// The working tree under a root.
struct WorkTreeSource<'a> {
    root: &'a Path,
}

impl FileSource for WorkTreeSource<'_> {
    fn files(&self) -> anyhow::Result<Vec<(PathBuf, FileKind)>> {
        let mut files = Vec::new();
        for name in CONFIG_NAMES {
            let path = self.root.join(name);
            if path.symlink_metadata().is_err() {
                continue;
            }
            // A directory, a FIFO or a dangling link is not silently
            // passed over: the settings would change without a word.
            if !path.is_file() {
                bail!("`{name}` is not a regular file; comply reads its settings from one");
            }
            files.push((PathBuf::from(name), FileKind::Config));
        }
        for dir in FileKind::directories() {
            if !read_dir_inside(self.root, dir)? {
                continue;
            }
            let walk = WalkDir::new(self.root.join(dir))
                .follow_links(false)
                .sort_by_file_name();
            for entry in walk {
                let entry = entry.with_context(|| format!("cannot list `{dir}/`"))?;
                if entry.file_type().is_dir() {
                    continue;
                }
                let relative = entry.path().strip_prefix(self.root).unwrap_or(entry.path());
                let slashed = relative.to_string_lossy().replace('\\', "/");
                if let Some(kind) = classify(&slashed) {
                    files.push((relative.to_path_buf(), kind));
                } else if entry.path_is_symlink() && entry.path().is_dir() {
                    // Never followed; but one leading outside is said, as
                    // for the top directories.
                    read_dir_inside(self.root, &slashed)?;
                }
            }
        }
        Ok(files)
    }

    fn read(&self, relative: &Path) -> Result<Vec<u8>, Diagnostic> {
        let full = self.root.join(relative);
        let unreadable =
            |why: String| Diagnostic::error(Code::Unreadable, Location::file(relative), why);
        let meta =
            fs::symlink_metadata(&full).map_err(|e| unreadable(format!("cannot read: {e}")))?;
        if meta.file_type().is_symlink() {
            return Err(unreadable(
                "is a symlink; comply reads only regular files in controls/, backlog/, reviews/ \
                 and exceptions/"
                    .into(),
            ));
        }
        if !meta.is_file() {
            return Err(unreadable("is not a regular file".into()));
        }
        check_size(meta.len(), relative)?;
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        fs::File::open(&full)
            .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
            .map_err(|e| unreadable(format!("cannot read: {e}")))?;
        Ok(bytes)
    }
}

/// Whether `root/dir` is a directory to read: `false` when there is none,
/// an error when it is a symlink that leads outside the root (or nowhere).
/// A symlink to a directory inside the root is read like the directory.
fn read_dir_inside(root: &Path, dir: &str) -> anyhow::Result<bool> {
    let path = root.join(dir);
    let Ok(meta) = fs::symlink_metadata(&path) else {
        return Ok(false);
    };
    if !meta.file_type().is_symlink() {
        return Ok(meta.is_dir());
    }
    let refuse = |why: String| {
        anyhow::anyhow!(
            "`{dir}/` is a symlink {why}; comply reads only directories inside the repository root"
        )
    };
    let target =
        fs::canonicalize(&path).map_err(|e| refuse(format!("that cannot be followed ({e})")))?;
    let top = fs::canonicalize(root)
        .with_context(|| format!("cannot resolve the root `{}`", root.display()))?;
    if target == top {
        return Err(refuse("to the root itself".to_string()));
    }
    if !target.starts_with(&top) {
        return Err(refuse(format!(
            "leading outside the root (to `{}`)",
            target.display()
        )));
    }
    Ok(target.is_dir())
}

/// Refuses files over [`MAX_FILE_BYTES`].
pub(crate) fn check_size(len: u64, relative: &Path) -> Result<(), Diagnostic> {
    if len > MAX_FILE_BYTES {
        return Err(Diagnostic::error(
            Code::TooLarge,
            Location::file(relative),
            format!("is {len} bytes, over the limit of {MAX_FILE_BYTES} bytes (32 MiB)"),
        ));
    }
    Ok(())
}

/// Most problems listed for one repository's files (each file also keeps
/// at most `decode::MAX_DIAGNOSTICS_PER_FILE`); past it, each file says only
/// how many it has.
pub(crate) const MAX_REPO_DIAGNOSTICS: usize = 10_000;

/// What the files parsed so far hold, shared by the parsing threads.
#[derive(Default)]
struct Budget {
    nodes: AtomicUsize,
    scalar_bytes: AtomicUsize,
    diagnostics: AtomicUsize,
}

impl Budget {
    /// The file's problems that fit in [`MAX_REPO_DIAGNOSTICS`]; the rest
    /// are summed up in one diagnostic (an error if one of them was).
    fn keep(&self, mut diagnostics: Vec<Diagnostic>, relative: &Path) -> Vec<Diagnostic> {
        let before = self
            .diagnostics
            .fetch_add(diagnostics.len(), Ordering::Relaxed);
        let room = MAX_REPO_DIAGNOSTICS.saturating_sub(before);
        if diagnostics.len() <= room {
            return diagnostics;
        }
        let rest = diagnostics.split_off(room);
        let message = format!(
            "{} more problems in this file are not listed (comply lists {MAX_REPO_DIAGNOSTICS} per repository)",
            rest.len()
        );
        let location = Location::file(relative);
        diagnostics.push(if rest.iter().any(Diagnostic::is_error) {
            Diagnostic::error(Code::TooLarge, location, message)
        } else {
            Diagnostic::warning(Code::TooLarge, location, message)
        });
        diagnostics
    }

    /// Counts one file's tree; the error when the repository goes over.
    fn spend(&self, cost: yaml::Cost, relative: &Path) -> Result<(), Diagnostic> {
        let nodes = self.nodes.fetch_add(cost.nodes, Ordering::Relaxed) + cost.nodes;
        let bytes = self
            .scalar_bytes
            .fetch_add(cost.scalar_bytes, Ordering::Relaxed)
            + cost.scalar_bytes;
        let over = if nodes > MAX_REPO_NODES {
            format!("{MAX_REPO_NODES} YAML nodes")
        } else if bytes > MAX_REPO_SCALAR_BYTES {
            format!("{MAX_REPO_SCALAR_BYTES} bytes of YAML text")
        } else {
            return Ok(());
        };
        Err(Diagnostic::error(
            Code::TooLarge,
            Location::file(relative),
            format!("with this file the repository holds more than the limit of {over}"),
        ))
    }
}

/// Refuses a file that brings the files read from a revision over
/// [`MAX_REPO_FILE_BYTES`] in all.
pub(crate) fn check_total(total: u64, relative: &Path) -> Result<(), Diagnostic> {
    if total > MAX_REPO_FILE_BYTES {
        return Err(Diagnostic::error(
            Code::TooLarge,
            Location::file(relative),
            format!(
                "with this file the repository's YAML files total more than the limit of {MAX_REPO_FILE_BYTES} bytes (256 MiB)"
            ),
        ));
    }
    Ok(())
}

/// Parses files on every core, keeping their order.
/// Every file parsed and decoded, with what their trees held in all.
fn parse_parallel(
    source: &dyn FileSource,
    files: &[(PathBuf, FileKind)],
) -> (Vec<FileResult>, yaml::Cost) {
    let budget = Budget::default();
    let results = par::map(files, |(path, kind)| {
        parse_file(source, path, *kind, &budget)
    });
    let cost = yaml::Cost {
        nodes: budget.nodes.into_inner(),
        scalar_bytes: budget.scalar_bytes.into_inner(),
    };
    (results, cost)
}

fn parse_file(
    source: &dyn FileSource,
    relative: &Path,
    kind: FileKind,
    budget: &Budget,
) -> FileResult {
    let mut result = FileResult::default();
    let text = match source
        .read(relative)
        .and_then(|bytes| utf8_text(bytes, relative))
    {
        Ok(text) => text,
        Err(d) => {
            result.diagnostics.push(d);
            return result;
        }
    };
    let node = match yaml::parse_counted(&text) {
        Ok((node, cost)) => {
            if let Err(d) = budget.spend(cost, relative) {
                result.diagnostics.push(d);
                return result;
            }
            node
        }
        Err(e) => {
            result.diagnostics.push(Diagnostic::error(
                Code::Syntax,
                Location::at(relative, e.pos),
                e.message,
            ));
            return result;
        }
    };
    let mut decoder = Decoder::new(relative);
    match kind {
        FileKind::Config => result.config = Some(decoder.config(&node)),
        FileKind::Controls => result.framework = decoder.matrix(&node),
        FileKind::Backlog => result.items = decoder.backlog(&node),
        FileKind::Reviews => result.reviews = decoder.reviews(&node),
        FileKind::Exceptions => result.exceptions = decoder.exceptions(&node),
        FileKind::Mappings => result.mappings = decoder.mappings(&node),
    }
    result.diagnostics = budget.keep(decoder.into_diagnostics(), relative);
    result
}

/// The bytes as UTF-8 text, without a leading byte-order mark.
fn utf8_text(mut bytes: Vec<u8>, relative: &Path) -> Result<String, Diagnostic> {
    // The bytes become the text in place: a copy would cost as much again
    // as reading them.
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) => {
            let bytes = e.as_bytes();
            let valid = &bytes[..e.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
            let column = valid.iter().rev().take_while(|b| **b != b'\n').count() + 1;
            Err(Diagnostic::error(
                Code::Unreadable,
                Location::at(relative, Pos { line, column }),
                "is not valid UTF-8 text",
            )
            .with_hint("save the file as UTF-8"))
        }
    }
}

/// The root, with how it was chosen: `--root` when given; else the
/// nearest ancestor of `cwd` holding `comply.yaml` (as cargo finds
/// `Cargo.toml`), not looking above the git top level; else the git top
/// level; else `cwd`.
pub(crate) fn resolve_root(given: Option<&Path>, cwd: &Path) -> (PathBuf, &'static str) {
    if let Some(root) = given {
        return (root.to_path_buf(), "--root");
    }
    for dir in cwd.ancestors() {
        if CONFIG_NAMES.iter().any(|name| dir.join(name).is_file()) {
            return (
                dir.to_path_buf(),
                "the nearest comply.yaml above the current directory",
            );
        }
        if dir.join(".git").exists() {
            return (
                dir.to_path_buf(),
                "the git top level of the current directory",
            );
        }
    }
    (cwd.to_path_buf(), "the current directory")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `load_with` on a temporary repository of `files`, with an
    /// `alongside` that counts the evidence paths it is given and whether
    /// it was asked to stop.
    fn alongside_of(files: &[(&str, &str)]) -> Option<(usize, bool)> {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        for (path, text) in files {
            let full = dir.path().join(path);
            fs::create_dir_all(full.parent().unwrap_or(dir.path()))
                .unwrap_or_else(|e| panic!("{e}"));
            fs::write(full, text).unwrap_or_else(|e| panic!("{e}"));
        }
        let (_, beside) = load_with(dir.path(), |repo, stop| {
            (repo.evidence().count(), stop.load(Ordering::Relaxed))
        })
        .unwrap_or_else(|e| panic!("{e}"));
        beside
    }

    #[test]
    fn work_beside_validation_is_only_kept_for_a_valid_repository() {
        let control = "framework: f\ncontrols:\n  - id: C1\n    title: t\n    status: implemented\n    evidence: [e/a.md, e/b.md]\n";
        assert_eq!(
            alongside_of(&[("controls/f.yaml", control)]),
            Some((2, false))
        );
        // An error in a file: it does not run (a typo must not cost a walk
        // of the evidence).
        assert_eq!(
            alongside_of(&[("controls/f.yaml", control), ("controls/g.yaml", "bad: [")]),
            None
        );
        // An error validation finds (an id given twice): it is dropped.
        let twice = "framework: g\ncontrols:\n  - id: D1\n    title: a\n    status: planned\n  - id: D1\n    title: b\n    status: planned\n";
        assert_eq!(
            alongside_of(&[("controls/f.yaml", control), ("controls/g.yaml", twice)]),
            None
        );
    }

    #[test]
    fn the_repository_budget_counts_every_file() {
        let budget = Budget::default();
        let file = Path::new("backlog/a.yaml");
        let half = yaml::Cost {
            nodes: MAX_REPO_NODES / 2,
            scalar_bytes: MAX_REPO_SCALAR_BYTES / 2,
        };
        assert!(budget.spend(half, file).is_ok());
        assert!(budget.spend(half, file).is_ok());
        let at_limit = budget.spend(yaml::Cost::default(), file);
        assert!(at_limit.is_ok(), "exactly at the limit is allowed");
        let one = yaml::Cost {
            nodes: 1,
            scalar_bytes: 0,
        };
        let err = budget.spend(one, file).err().map(|d| d.to_string());
        assert_eq!(
            err.as_deref(),
            Some(
                "backlog/a.yaml: error[too-large]: with this file the repository holds more than the limit of 16000000 YAML nodes"
            )
        );
    }

    #[test]
    fn reports_and_exports_have_a_tighter_limit_than_the_model() {
        let loaded = |nodes, scalar_bytes| Loaded {
            repository: Repository::default(),
            diagnostics: Vec::new(),
            files: 1,
            config_file: None,
            cost: yaml::Cost {
                nodes,
                scalar_bytes,
            },
        };
        let at_limit = loaded(MAX_DOCUMENT_NODES, MAX_DOCUMENT_SCALAR_BYTES);
        assert!(at_limit.fits_documents("a report").is_ok());
        let nodes = loaded(MAX_DOCUMENT_NODES + 1, 0).fits_documents("a report");
        let said = nodes.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            said.starts_with(
                "the repository holds 1500001 YAML nodes, over the limit of 1500000 for a report"
            ),
            "{said}"
        );
        let text = loaded(1, MAX_DOCUMENT_SCALAR_BYTES + 1).fits_documents("an export");
        let said = text.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            said.contains("bytes of YAML text, over the limit"),
            "{said}"
        );
        assert!(said.contains("for an export"), "{said}");
        const { assert!(MAX_DOCUMENT_NODES < MAX_REPO_NODES) };
    }

    #[test]
    fn problems_past_the_repository_limit_are_summed_up() {
        let budget = Budget::default();
        let file = Path::new("controls/x.yaml");
        let warning = Diagnostic::warning(Code::BadValue, Location::file(file), "w");
        let error = Diagnostic::error(Code::BadValue, Location::file(file), "e");
        let kept = budget.keep(vec![warning.clone(); MAX_REPO_DIAGNOSTICS - 1], file);
        assert_eq!(kept.len(), MAX_REPO_DIAGNOSTICS - 1);
        let kept = budget.keep(vec![warning.clone(), warning, error], file);
        assert_eq!(kept.len(), 2);
        assert!(kept[1].is_error(), "a dropped error keeps the run failing");
        assert!(
            kept[1].message.starts_with("2 more problems"),
            "{:?}",
            kept[1]
        );
    }
}
