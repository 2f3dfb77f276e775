//! Reading a repository from disk: the I/O edge in front of `decode`.
//!
//! Finds `comply.yaml`, `controls/**/*.yaml` and `backlog/**/*.yaml`, reads
//! them within the size limit, parses them in parallel and hands the decoded
//! model plus every diagnostic back. Nothing is written.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use walkdir::WalkDir;

use crate::decode::Decoder;
use crate::diag::{self, Code, Diagnostic, Location};
use crate::model::{Config, Framework, Item, Repository};
use crate::validate;
use crate::yaml::{self, Pos};

/// Largest YAML file comply reads, in bytes (32 MiB).
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// The names `comply.yaml` may have.
const CONFIG_NAMES: &[&str] = &["comply.yaml", "comply.yml"];

/// A repository as read, with every problem found while reading it.
#[derive(Debug)]
pub struct Loaded {
    /// The decoded model (problem entries left out).
    pub repository: Repository,
    /// Problems, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// How many YAML files were read.
    pub files: usize,
}

impl Loaded {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Config,
    Matrix,
    Backlog,
}

/// What one file decoded to.
#[derive(Default)]
struct FileResult {
    config: Option<Config>,
    framework: Option<Framework>,
    items: Vec<Item>,
    diagnostics: Vec<Diagnostic>,
}

/// Reads and validates the repository at `root`.
///
/// Fails only when the root itself cannot be used; problems inside files
/// come back as diagnostics.
pub fn load(root: &Path) -> anyhow::Result<Loaded> {
    check_root(root)?;
    let files = discover(root)?;
    let results = parse_parallel(root, &files);
    let mut repository = Repository::default();
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
        diagnostics.extend(result.diagnostics);
    }
    diagnostics.extend(validate::check(&repository, complete));
    repository.frameworks.sort_by(|a, b| a.id.cmp(&b.id));
    repository.items.sort_by(|a, b| a.id.cmp(&b.id));
    diag::sort(&mut diagnostics);
    Ok(Loaded {
        repository,
        diagnostics,
        files: files.len(),
    })
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

/// Every file comply reads, with its kind, relative to the root, sorted.
fn discover(root: &Path) -> anyhow::Result<Vec<(PathBuf, Kind)>> {
    let mut files = Vec::new();
    for name in CONFIG_NAMES {
        if root.join(name).is_file() {
            files.push((PathBuf::from(name), Kind::Config));
            break;
        }
    }
    for (dir, kind) in [("controls", Kind::Matrix), ("backlog", Kind::Backlog)] {
        if !root.join(dir).is_dir() {
            continue;
        }
        let walk = WalkDir::new(root.join(dir))
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for entry in walk {
            let entry = entry.with_context(|| format!("cannot list `{dir}/`"))?;
            let is_yaml = entry
                .path()
                .extension()
                .is_some_and(|ext| ext == "yaml" || ext == "yml");
            if !is_yaml || entry.file_type().is_dir() {
                continue;
            }
            let relative = entry
                .path()
                .strip_prefix(root)
                .unwrap_or(entry.path())
                .to_path_buf();
            files.push((relative, kind));
        }
    }
    Ok(files)
}

/// Parses files on every core, keeping their order.
fn parse_parallel(root: &Path, files: &[(PathBuf, Kind)]) -> Vec<FileResult> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(files.len().max(1));
    let chunk = files.len().div_ceil(workers).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|(path, kind)| parse_file(root, path, *kind))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join().unwrap_or_else(|_| {
                    vec![FileResult {
                        diagnostics: vec![Diagnostic::error(
                            Code::Unreadable,
                            Location::file(root),
                            "internal error while reading files",
                        )],
                        ..FileResult::default()
                    }]
                })
            })
            .collect()
    })
}

fn parse_file(root: &Path, relative: &Path, kind: Kind) -> FileResult {
    let mut result = FileResult::default();
    let text = match read_text(&root.join(relative), relative) {
        Ok(text) => text,
        Err(d) => {
            result.diagnostics.push(d);
            return result;
        }
    };
    let node = match yaml::parse(&text) {
        Ok(node) => node,
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
        Kind::Config => result.config = Some(decoder.config(&node)),
        Kind::Matrix => result.framework = decoder.matrix(&node),
        Kind::Backlog => result.items = decoder.backlog(&node),
    }
    result.diagnostics = decoder.into_diagnostics();
    result
}

/// Reads a file as UTF-8 text within the size limit, without following a
/// symlink, and drops a leading byte-order mark.
fn read_text(full: &Path, relative: &Path) -> Result<String, Diagnostic> {
    let unreadable =
        |why: String| Diagnostic::error(Code::Unreadable, Location::file(relative), why);
    let meta = fs::symlink_metadata(full).map_err(|e| unreadable(format!("cannot read: {e}")))?;
    if meta.file_type().is_symlink() {
        return Err(unreadable(
            "is a symlink; comply reads only regular files in controls/ and backlog/".into(),
        ));
    }
    if !meta.is_file() {
        return Err(unreadable("is not a regular file".into()));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(Diagnostic::error(
            Code::TooLarge,
            Location::file(relative),
            format!(
                "is {} bytes, over the limit of {MAX_FILE_BYTES} bytes (32 MiB)",
                meta.len()
            ),
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    fs::File::open(full)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| unreadable(format!("cannot read: {e}")))?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(e) => {
            let valid = &bytes[..e.valid_up_to()];
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
