//! Evidence resolution: what a path written in a control or item points at.
//!
//! Paths are relative to the repository root. Anything absolute, anything
//! escaping the root through `..`, and anything reaching outside it through a
//! symlink is `outside`: reported, never followed, never opened. Resolution
//! asks a [`Files`] view of the repository, so the same rules apply to the
//! working tree ([`WorkTree`]: metadata only, symlinks never followed while
//! listing) and to a git revision (`git::TreeFiles`).

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::ffi::OsString;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::{fs, io};

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Serialize;

word_enum! {
    /// The state of one evidence path.
    #[derive(Default)]
    EvidenceState {
        /// A non-empty file, a directory holding a file, or a glob matching one.
        Present = "present",
        /// Present, but last changed longer ago than its `max_age_days`.
        Stale = "stale",
        /// A zero-byte file, an empty directory, or a glob matching only empty files.
        Empty = "empty",
        /// Nothing there (or something that is neither a file nor a directory).
        #[default]
        Missing = "missing",
        /// Absolute, or escaping the root through `..` or a symlink.
        Outside = "outside",
    }
}

impl EvidenceState {
    /// Whether the evidence exists with content (fresh or stale).
    pub(crate) fn is_present(self) -> bool {
        matches!(self, EvidenceState::Present | EvidenceState::Stale)
    }
}

/// The state of a path, why, and the files it stands for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EvidenceStatus {
    /// The state (present, empty, missing or outside; never stale here).
    pub state: EvidenceState,
    /// Why the state is what it is, when that is not obvious.
    pub(crate) detail: Option<String>,
    /// The files the path covers (one for a file; every file below a
    /// directory; every match of a glob), relative to the root, sorted.
    pub files: Vec<String>,
}

impl EvidenceStatus {
    fn new(state: EvidenceState) -> EvidenceStatus {
        EvidenceStatus {
            state,
            ..EvidenceStatus::default()
        }
    }

    fn because(state: EvidenceState, detail: impl Into<String>) -> EvidenceStatus {
        EvidenceStatus {
            state,
            detail: Some(detail.into()),
            files: Vec::new(),
        }
    }
}

/// The states of every distinct path, keyed by the path as written.
pub(crate) type EvidenceMap = BTreeMap<String, EvidenceStatus>;

/// What a path names in a [`Files`] view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
    /// A regular file of this many bytes.
    File(u64),
    /// A directory.
    Dir,
}

/// A read-only view of the repository's files, by path relative to the root.
pub trait Files {
    /// What `relative` names: `Err` carries the state when it is not a file
    /// or directory inside the root (missing, outside, a loop...).
    fn entry(&self, relative: &str) -> Result<Entry, EvidenceStatus>;
    /// Every regular file below the directory `relative` (`""`: the root),
    /// as paths relative to the root, sorted.
    fn files_under(&self, relative: &str) -> Vec<String>;
}

/// Most glob tests one run makes (each glob against each file under its
/// base directory): past it, the remaining globs are not resolved and say
/// so, so that many globs over many files cannot take unbounded time.
pub(crate) const MAX_GLOB_TESTS: usize = 20_000_000;

/// Resolves every distinct path once.
///
/// Distinct paths are shared out over every core: resolution is mostly
/// system calls, which run in parallel. Globs are grouped by the directory
/// they start from, which is listed once for all of them. Once `stop` is
/// set (the repository turned out invalid, so nobody will read the states)
/// what is left is skipped and the map is incomplete.
pub(crate) fn resolve_all<'a>(
    files: &(impl Files + Sync),
    paths: impl IntoIterator<Item = &'a str>,
    stop: &AtomicBool,
) -> EvidenceMap {
    let mut distinct: Vec<&str> = paths.into_iter().collect();
    distinct.sort_unstable();
    distinct.dedup();
    let mut globs: BTreeMap<String, Vec<(&str, Glob)>> = BTreeMap::new();
    let mut invalid = Vec::new();
    let mut others = Vec::new();
    for written in distinct {
        // Normalising only drops components: a path without a glob's
        // characters has none once normal.
        if !is_glob(written) {
            others.push(written);
            continue;
        }
        match lexical(written) {
            Lexical::Inside(relative) if is_glob(&relative) => match parse_glob(&relative) {
                Ok(glob) => globs
                    .entry(glob_base(&relative))
                    .or_default()
                    .push((written, glob)),
                Err(status) => {
                    invalid.push((written.to_string(), status));
                }
            },
            _ => others.push(written),
        }
    }
    let resolved = crate::par::map(&others, |p| {
        if stop.load(Ordering::Relaxed) {
            EvidenceStatus::default()
        } else {
            resolve(files, p)
        }
    });
    let mut map: EvidenceMap = others
        .into_iter()
        .map(str::to_string)
        .zip(resolved)
        .collect();
    map.extend(invalid);
    let mut budget = MAX_GLOB_TESTS;
    let globs: Vec<(String, Vec<(&str, Glob)>)> = globs.into_iter().collect();
    // Base directories are listed on every core, a few at a time so that
    // many bases over a large tree hold a few listings at once.
    for group in globs.chunks(LISTINGS_AT_ONCE) {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let listings = crate::par::map(group, |(base, _)| base_files(files, base));
        for ((_, patterns), listed) in group.iter().zip(listings) {
            budget = match_globs(patterns, listed, budget, &mut map);
        }
    }
    map
}

/// How many glob base directories are listed at once.
const LISTINGS_AT_ONCE: usize = 8;

/// Resolves the globs `patterns` that start from one base directory, whose
/// files are `listed`, into `map`, within `budget` tests; what is left of
/// the budget.
fn match_globs(
    patterns: &[(&str, Glob)],
    listed: Result<Vec<String>, EvidenceStatus>,
    budget: usize,
    map: &mut EvidenceMap,
) -> usize {
    let compiled = Compiled::new(patterns);
    let (statuses, cost) = match listed {
        Err(status) => (compiled.each(&status), 0),
        Ok(listed) => {
            let cost = listed.len().saturating_mul(compiled.valid());
            if cost > budget {
                let status = EvidenceStatus::because(
                    EvidenceState::Missing,
                    format!("not resolved: the globs would test more than {MAX_GLOB_TESTS} paths"),
                );
                (compiled.each(&status), 0)
            } else {
                (compiled.matches(&listed), cost)
            }
        }
    };
    map.extend(patterns.iter().map(|(w, _)| w.to_string()).zip(statuses));
    budget - cost
}

/// The globs that start from one base directory, compiled in groups of up
/// to [`GLOBS_TOGETHER`] (in the order written), so that each file is
/// tested once per group rather than once per glob. A group too large to
/// compile together is compiled one glob at a time, as [`resolve`] does (a
/// glob too large alone is invalid).
struct Compiled {
    /// Each group's set (or, for a group of one, why its glob is not
    /// valid) and the indices of its globs.
    groups: Vec<(Result<GlobSet, EvidenceStatus>, Range<usize>)>,
}

/// Most globs compiled into one set: a set of many globs costs more to
/// build and to test a file against than the globs one by one (20,000
/// globs in one set took 18 ms per file).
const GLOBS_TOGETHER: usize = 16;

/// Files one thread tests against a group of globs at a time.
const MATCH_CHUNK: usize = 4096;

impl Compiled {
    /// `patterns` compiled [`GLOBS_TOGETHER`] at a time.
    fn new(patterns: &[(&str, Glob)]) -> Compiled {
        Compiled::grouped(patterns, GLOBS_TOGETHER)
    }

    /// `patterns` compiled `together` at a time (at least one).
    fn grouped(patterns: &[(&str, Glob)], together: usize) -> Compiled {
        let together = together.max(1);
        let starts: Vec<usize> = (0..patterns.len()).step_by(together).collect();
        let compiled = crate::par::map(&starts, |start| {
            let range = *start..(start + together).min(patterns.len());
            let globs = patterns.get(range.clone()).unwrap_or_default();
            let mut set = GlobSetBuilder::new();
            for (_, glob) in globs {
                set.add(glob.clone());
            }
            match set.build() {
                Ok(set) => vec![(Ok(set), range)],
                Err(_) => range
                    .zip(globs)
                    .map(|(at, (_, glob))| (matcher(glob.clone()), at..at + 1))
                    .collect(),
            }
        });
        Compiled {
            groups: compiled.into_iter().flatten().collect(),
        }
    }

    /// How many of the globs are valid.
    fn valid(&self) -> usize {
        self.groups
            .iter()
            .filter(|(set, _)| set.is_ok())
            .map(|(_, range)| range.len())
            .sum()
    }

    /// The status of each glob: `status` for the valid ones, why the others
    /// are not valid.
    fn each(&self, status: &EvidenceStatus) -> Vec<EvidenceStatus> {
        self.groups
            .iter()
            .flat_map(|(set, range)| {
                let one = set.as_ref().map_or_else(Clone::clone, |_| status.clone());
                std::iter::repeat_n(one, range.len())
            })
            .collect()
    }

    /// What each glob matches among `listed`: every group against every
    /// chunk of files, shared out over every core.
    fn matches(&self, listed: &[String]) -> Vec<EvidenceStatus> {
        let chunks: Vec<&[String]> = listed.chunks(MATCH_CHUNK).collect();
        let tasks: Vec<(&GlobSet, usize, &[String])> = self
            .groups
            .iter()
            .filter_map(|(set, range)| Some((set.as_ref().ok()?, range.start)))
            .flat_map(|(set, first)| chunks.iter().map(move |chunk| (set, first, *chunk)))
            .collect();
        let hits = crate::par::map(&tasks, |(set, first, chunk)| {
            let mut hits: Vec<(usize, &String)> = Vec::new();
            let mut matched = Vec::new();
            for path in *chunk {
                set.matches_into(path, &mut matched);
                hits.extend(matched.iter().map(|glob| (first + glob, path)));
            }
            hits
        });
        let count = self.groups.last().map_or(0, |(_, range)| range.end);
        let mut found: Vec<Vec<String>> = vec![Vec::new(); count];
        // Tasks run group by group, each group's chunks in order: each
        // glob's files come in the listing's order.
        for (glob, path) in hits.into_iter().flatten() {
            if let Some(files) = found.get_mut(glob) {
                files.push(path.clone());
            }
        }
        self.groups
            .iter()
            .flat_map(|(set, range)| range.clone().map(move |_| set))
            .zip(found)
            .map(|(set, files)| match set {
                Err(invalid) => invalid.clone(),
                Ok(_) => matched(files),
            })
            .collect()
    }
}

/// The directory a glob starts from: its parts before the first with a
/// wildcard.
fn glob_base(pattern: &str) -> String {
    let base: Vec<&str> = pattern
        .split('/')
        .take_while(|part| !is_glob(part))
        .collect();
    base.join("/")
}

/// The files under a glob's base directory, or why a glob there matches
/// nothing.
fn base_files(files: &impl Files, base: &str) -> Result<Vec<String>, EvidenceStatus> {
    if !base.is_empty() {
        match files.entry(base) {
            Ok(Entry::Dir) => {}
            Ok(Entry::File(_)) => {
                return Err(EvidenceStatus::because(
                    EvidenceState::Missing,
                    "matches no file",
                ));
            }
            Err(status) => return Err(status),
        }
    }
    Ok(files.files_under(base))
}

/// A path written in a file, checked without touching the file system.
#[derive(Debug, PartialEq, Eq)]
pub enum Lexical {
    /// A path inside the root, normalised (no `.`, no `..`, `/` separators).
    Inside(String),
    /// Absolute or escaping the root; the reason in words.
    Outside(&'static str),
}

/// Whether `path` (root-relative, `/`-separated) lies inside git's own
/// directory: a `.git` component, in any case (a checkout may sit on a
/// case-insensitive file system). Git's files (config with CI tokens,
/// hooks, objects) are never evidence, listed or read.
pub(crate) fn is_git_internal(path: &str) -> bool {
    path.split('/').any(is_git_dir_name)
}

/// Whether one path component names git's directory on some file system
/// (git's own `is_ntfs_dotgit` and `is_hfs_dotgit` rules): `.git` in any
/// case, with trailing dots or spaces (`.git.`, `.git `), an NTFS stream
/// (`.git::$INDEX_ALLOCATION`), the short name `git~1`, or with characters
/// HFS+ ignores (zero-width joiners, bidi marks) inside.
pub(crate) fn is_git_dir_name(name: &str) -> bool {
    // Every spelling holds a `g`: most names are settled without a copy.
    if !name.bytes().any(|b| b.eq_ignore_ascii_case(&b'g')) {
        return false;
    }
    // The ignorable characters are not ASCII: an ASCII name is compared
    // as it is.
    if name.is_ascii() {
        let stream = name.split(':').next().unwrap_or_default();
        return stream
            .trim_end_matches(['.', ' '])
            .eq_ignore_ascii_case(".git")
            || name.eq_ignore_ascii_case("git~1");
    }
    git_dir_name_by_copy(name)
}

/// [`is_git_dir_name`] on a copy of `name` without the ignorable
/// characters.
fn git_dir_name_by_copy(name: &str) -> bool {
    let visible: String = name
        .chars()
        .filter(|c| !is_hfs_ignorable(*c))
        .collect::<String>()
        .to_ascii_lowercase();
    let stream = visible.split(':').next().unwrap_or_default();
    stream.trim_end_matches(['.', ' ']) == ".git" || visible == "git~1"
}

/// The code points HFS+ drops when it compares names.
fn is_hfs_ignorable(c: char) -> bool {
    matches!(c, '\u{200c}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{206a}'..='\u{206f}' | '\u{feff}')
}

/// Whether a path read from git objects can be written where it says:
/// no empty, `.` or `..` component and none that names git's directory.
/// Git refuses to check such trees out; a crafted commit can still hold
/// them, so comply never reads or copies them.
pub(crate) fn is_safe_tree_path(path: &str) -> bool {
    path.split('/')
        .all(|c| !matches!(c, "" | "." | "..") && !is_git_dir_name(c))
}

/// Normalises `path` lexically, refusing absolute paths, `..` escapes and
/// paths into git's own directory.
pub fn lexical(path: &str) -> Lexical {
    let p = Path::new(path);
    if p.is_absolute() || path.starts_with('\\') || has_drive_letter(path) {
        return Lexical::Outside("absolute path");
    }
    // Already in normal form (the usual case): taken as it is.
    if !path.contains('\\') && is_safe_tree_path(path) {
        return Lexical::Inside(path.to_string());
    }
    by_components(p)
}

/// [`lexical`] of a relative path, component by component.
fn by_components(p: &Path) -> Lexical {
    let mut parts: Vec<&str> = Vec::new();
    for component in p.components() {
        match component {
            Component::Normal(part) => match part.to_str() {
                Some(part) => parts.push(part),
                None => return Lexical::Outside("path is not valid UTF-8"),
            },
            Component::CurDir => {}
            Component::ParentDir => {
                if parts.pop().is_none() {
                    return Lexical::Outside("`..` escapes the repository root");
                }
            }
            Component::RootDir | Component::Prefix(_) => {
                return Lexical::Outside("absolute path");
            }
        }
    }
    if parts.iter().any(|p| is_git_dir_name(p)) {
        return Lexical::Outside("inside git's own directory `.git`");
    }
    Lexical::Inside(parts.join("/"))
}

/// The path `written` names, for telling two spellings of one path apart
/// (`./a.md` and `a.md`): its normal form inside the repository, or the
/// text as written when it points outside.
pub(crate) fn normal(written: &str) -> String {
    match lexical(written) {
        Lexical::Inside(relative) => relative,
        Lexical::Outside(_) => written.to_string(),
    }
}

fn has_drive_letter(path: &str) -> bool {
    let b = path.as_bytes();
    b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':'
}

fn is_glob(path: &str) -> bool {
    path.contains(['*', '?', '[', '{'])
}

/// Resolves one written path against `files`.
pub fn resolve(files: &impl Files, written: &str) -> EvidenceStatus {
    let relative = match lexical(written) {
        Lexical::Inside(relative) => relative,
        Lexical::Outside(why) => return EvidenceStatus::because(EvidenceState::Outside, why),
    };
    if is_glob(&relative) {
        return resolve_glob(files, &relative);
    }
    match files.entry(&relative) {
        Ok(Entry::File(size)) => {
            let mut status = if size > 0 {
                EvidenceStatus::new(EvidenceState::Present)
            } else {
                EvidenceStatus::because(EvidenceState::Empty, "zero-byte file")
            };
            status.files.push(relative);
            status
        }
        Ok(Entry::Dir) => match files.files_under(&relative) {
            found if found.is_empty() => {
                EvidenceStatus::because(EvidenceState::Empty, "directory holds no file")
            }
            found => covering(found),
        },
        Err(status) => status,
    }
}

/// Present, covering `found` (which is not empty).
fn covering(found: Vec<String>) -> EvidenceStatus {
    EvidenceStatus {
        state: EvidenceState::Present,
        detail: None,
        files: found,
    }
}

fn resolve_glob(files: &impl Files, pattern: &str) -> EvidenceStatus {
    let matcher = match compile(pattern) {
        Ok(matcher) => matcher,
        Err(status) => return status,
    };
    match base_files(files, &glob_base(pattern)) {
        Ok(listed) => match_glob(&matcher, &listed),
        Err(status) => status,
    }
}

/// Most characters of one glob: compiling costs about a hundred times a
/// glob's length in memory (a 1 MiB glob of `?` took 550 MB).
pub(crate) const MAX_GLOB_CHARS: usize = 1024;

/// A glob's matcher, or why it is not a valid glob.
fn compile(pattern: &str) -> Result<GlobSet, EvidenceStatus> {
    matcher(parse_glob(pattern)?)
}

/// A glob read, not yet compiled, or why it is not a valid glob.
fn parse_glob(pattern: &str) -> Result<Glob, EvidenceStatus> {
    if pattern.len() > MAX_GLOB_CHARS {
        return Err(EvidenceStatus::because(
            EvidenceState::Missing,
            format!("invalid glob: longer than {MAX_GLOB_CHARS} characters"),
        ));
    }
    GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map_err(invalid_glob)
}

/// `glob` compiled on its own, or why it cannot be. A GlobSet reports a
/// pattern whose regex grows too large as an error; `Glob::compile_matcher`
/// would panic on it (found by fuzzing).
fn matcher(glob: Glob) -> Result<GlobSet, EvidenceStatus> {
    GlobSetBuilder::new()
        .add(glob)
        .build()
        .map_err(invalid_glob)
}

/// Missing, because the glob is not valid.
fn invalid_glob(e: globset::Error) -> EvidenceStatus {
    EvidenceStatus::because(
        EvidenceState::Missing,
        format!("invalid glob: {}", e.kind()),
    )
}

/// The files of `listed` that `matcher` matches.
fn match_glob(matcher: &GlobSet, listed: &[String]) -> EvidenceStatus {
    matched(
        listed
            .iter()
            .filter(|path| matcher.is_match(path))
            .cloned()
            .collect(),
    )
}

/// What a glob that matched `found` resolves to: present, covering them,
/// or missing when it matched nothing.
fn matched(found: Vec<String>) -> EvidenceStatus {
    if found.is_empty() {
        return EvidenceStatus::because(EvidenceState::Missing, "matches no file");
    }
    covering(found)
}

/// The working tree under a root, read through metadata only.
pub struct WorkTree {
    root: PathBuf,
    /// The root with symlinks resolved, to check where paths really lead.
    real_root: Option<PathBuf>,
    /// Resolved directories: most evidence shares a few directories, so each
    /// is resolved once and each file costs one `lstat`.
    dirs: Mutex<HashMap<String, Result<PathBuf, EvidenceStatus>>>,
    /// Directories listed so far: a directory inside one of them (a glob's
    /// base below a directory another entry names) is not listed again.
    listings: Mutex<HashMap<String, Arc<Listing>>>,
    /// This view's number: a directory a thread keeps open for one view
    /// (see [`lstat_in`]) is not used by another, which may see the tree
    /// after it changed.
    view: u64,
}

/// The number of the next [`WorkTree`].
static VIEWS: AtomicU64 = AtomicU64::new(0);

impl WorkTree {
    /// A view of the files under `root`.
    pub fn new(root: &Path) -> WorkTree {
        WorkTree {
            root: root.to_path_buf(),
            real_root: root.canonicalize().ok(),
            dirs: Mutex::new(HashMap::new()),
            listings: Mutex::new(HashMap::new()),
            view: VIEWS.fetch_add(1, Ordering::Relaxed),
        }
    }

    /// The files under `relative` from a listing made earlier of it or of a
    /// directory above it.
    fn listed(&self, relative: &str) -> Option<Vec<String>> {
        let listings = self.listings.lock().ok()?;
        let above = relative.rmatch_indices('/').map(|(at, _)| &relative[..at]);
        let root = (!relative.is_empty()).then_some("");
        std::iter::once(relative)
            .chain(above)
            .chain(root)
            .find_map(|dir| {
                let listing = listings.get(dir)?;
                let range = listing.dirs.get(relative)?;
                listing.files.get(range.clone()).map(<[_]>::to_vec)
            })
    }

    /// Resolves symlinks in `relative`, checks the result stays in the root,
    /// and gives it with its kind: the parent directory through the cache,
    /// then one `lstat` of the last component (resolved further only when
    /// it is a symlink), so a file inside costs one path walk.
    fn confine(&self, relative: &str) -> Result<(PathBuf, Kind), EvidenceStatus> {
        self.located(relative, true)
            .map(|(path, kind)| (path.unwrap_or_default(), kind))
    }

    /// [`WorkTree::confine`], building the real path only when `with_path`
    /// or when it is at hand (a kind alone needs no path).
    fn located(
        &self,
        relative: &str,
        with_path: bool,
    ) -> Result<(Option<PathBuf>, Kind), EvidenceStatus> {
        let Some((parent, name)) = relative.rsplit_once('/') else {
            return self
                .canonical(relative)
                .and_then(with_kind)
                .map(|(path, kind)| (Some(path), kind));
        };
        // Evidence is resolved in path order, so a thread mostly asks in
        // the directory it asked in last: that one is kept at hand.
        thread_local! {
            static LAST: RefCell<Option<LastDir>> = const { RefCell::new(None) };
        }
        let found = LAST.with(|last| {
            let mut last = last.try_borrow_mut().ok()?;
            if last
                .as_ref()
                .is_none_or(|(view, kept, _)| *view != self.view || kept != parent)
            {
                *last = Some((self.view, parent.to_string(), self.real_dir(parent)));
            }
            let (_, _, real_parent) = last.as_ref()?;
            Some(
                real_parent
                    .as_ref()
                    .map_err(Clone::clone)
                    .map(|real_parent| {
                        let found = lstat_in(self.view, real_parent, name);
                        let path = (with_path || found.is_none()).then(|| real_parent.join(name));
                        (path, found)
                    }),
            )
        });
        let (path, found) = match found {
            Some(found) => found?,
            None => {
                let real_parent = self.real_dir(parent)?;
                (Some(real_parent.join(name)), None)
            }
        };
        let found = found.unwrap_or_else(|| match &path {
            Some(path) => path.symlink_metadata().map(|m| Kind::of(&m)),
            None => Err(io::ErrorKind::NotFound.into()),
        });
        match found {
            Ok(Kind::Symlink) => self
                .canonical(relative)
                .and_then(with_kind)
                .map(|(path, kind)| (Some(path), kind)),
            Ok(kind) => Ok((path, kind)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                Err(EvidenceStatus::new(EvidenceState::Missing))
            }
            Err(e) => Err(EvidenceStatus::because(
                EvidenceState::Missing,
                format!("cannot be read: {e}"),
            )),
        }
    }

    /// The real path of the directory `relative`, resolved once per tree.
    fn real_dir(&self, relative: &str) -> Result<PathBuf, EvidenceStatus> {
        let cached = self.dirs.lock().ok().and_then(|d| d.get(relative).cloned());
        if let Some(result) = cached {
            return result;
        }
        let result = self.canonical(relative);
        if let Ok(mut dirs) = self.dirs.lock() {
            dirs.insert(relative.to_string(), result.clone());
        }
        result
    }

    /// Resolves every symlink in `relative` and checks the result stays in
    /// the root.
    fn canonical(&self, relative: &str) -> Result<PathBuf, EvidenceStatus> {
        let full = self.root.join(relative);
        let real = match full.canonicalize() {
            Ok(real) => real,
            Err(e) if e.raw_os_error() == Some(ELOOP) => {
                return Err(EvidenceStatus::because(
                    EvidenceState::Missing,
                    "symlink loop",
                ));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(EvidenceStatus::new(EvidenceState::Missing));
            }
            Err(e) => {
                return Err(EvidenceStatus::because(
                    EvidenceState::Missing,
                    format!("cannot be read: {e}"),
                ));
            }
        };
        match &self.real_root {
            Some(root) if real.starts_with(root) => {
                let inside = real.strip_prefix(root).unwrap_or(&real);
                if inside
                    .components()
                    .any(|c| c.as_os_str().to_str().is_some_and(is_git_dir_name))
                {
                    return Err(EvidenceStatus::because(
                        EvidenceState::Outside,
                        "a symlink leads into git's own directory `.git`",
                    ));
                }
                Ok(real)
            }
            _ => Err(EvidenceStatus::because(
                EvidenceState::Outside,
                "a symlink leads outside the repository",
            )),
        }
    }

    /// The real path of a file inside the root, for reading its content.
    pub(crate) fn real_file(&self, relative: &str) -> Option<PathBuf> {
        self.confine(relative)
            .ok()
            .filter(|(_, kind)| matches!(kind, Kind::File(_)))
            .map(|(path, _)| path)
    }
}

impl Files for WorkTree {
    fn entry(&self, relative: &str) -> Result<Entry, EvidenceStatus> {
        match self.located(relative, false)? {
            (_, Kind::File(len)) => Ok(Entry::File(len)),
            (_, Kind::Dir) => Ok(Entry::Dir),
            _ => Err(EvidenceStatus::because(
                EvidenceState::Missing,
                "neither a regular file nor a directory",
            )),
        }
    }

    fn files_under(&self, relative: &str) -> Vec<String> {
        if let Some(files) = self.listed(relative) {
            return files;
        }
        let Ok((real, _)) = self.confine(relative) else {
            return Vec::new();
        };
        let listing = list_files(&real, relative);
        let files = listing.files.clone();
        if let Ok(mut listings) = self.listings.lock() {
            listings.insert(relative.to_string(), Arc::new(listing));
        }
        files
    }
}

/// Every regular file below the directory `real`, named `relative`: depth
/// first, each directory's entries in name order (as `walkdir` sorted by
/// file name lists them), symlinks neither listed nor followed, and git's
/// own directory (or a submodule's `.git` file) never listed. Kinds come
/// from the directory entries, so a listed file costs no system call of its
/// own. A directory that cannot be read is passed over. The directories
/// inside `real` are listed on every core, then put in their place.
fn list_files(real: &Path, relative: &str) -> Listing {
    let Some(children) = children(real, relative) else {
        return Listing {
            files: Vec::new(),
            dirs: HashMap::new(),
        };
    };
    let list = |child: &Child| match child {
        Child::Dir(dir, name) => Some(list_tree(dir, name)),
        Child::File(_) => None,
    };
    // Threads only pay for themselves over many directories.
    let below: Vec<Option<Listing>> = if children.len() >= PARALLEL_LISTING {
        crate::par::map(&children, list)
    } else {
        children.iter().map(list).collect()
    };
    let mut files = Vec::new();
    let mut dirs = HashMap::new();
    for (child, listed) in children.into_iter().zip(below) {
        match (child, listed) {
            (Child::File(name), _) => files.push(name),
            (Child::Dir(..), Some(listed)) => {
                let offset = files.len();
                dirs.extend(
                    listed
                        .dirs
                        .into_iter()
                        .map(|(dir, range)| (dir, range.start + offset..range.end + offset)),
                );
                files.extend(listed.files);
            }
            (Child::Dir(..), None) => {}
        }
    }
    dirs.insert(relative.to_string(), 0..files.len());
    Listing { files, dirs }
}

/// How many entries a directory needs for [`list_files`] to list the
/// directories inside it on every core.
const PARALLEL_LISTING: usize = 64;

/// An entry of a directory that [`list_files`] lists.
enum Child {
    /// A directory: its real path and root-relative name.
    Dir(PathBuf, String),
    /// A regular file's root-relative name.
    File(String),
}

/// The directories and regular files in the directory `real`, named
/// `relative`, in name order, without git's directory or symlinks; `None`
/// when it cannot be read.
fn children(real: &Path, relative: &str) -> Option<Vec<Child>> {
    let list = fs::read_dir(real).ok()?;
    // Each name copied once: a sort by `DirEntry::file_name` copies two
    // names per comparison. Names in one directory are distinct.
    let mut entries: Vec<(OsString, fs::DirEntry)> = list
        .filter_map(Result::ok)
        .map(|entry| (entry.file_name(), entry))
        .collect();
    entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let join = |name: &str| {
        if relative.is_empty() {
            name.to_string()
        } else {
            format!("{relative}/{name}")
        }
    };
    Some(
        entries
            .into_iter()
            .filter_map(|(file_name, entry)| {
                // A name that is not UTF-8 is listed as read lossily.
                let child = file_name.to_string_lossy();
                if is_git_dir_name(&child) {
                    return None;
                }
                let kind = entry.file_type().ok()?;
                if kind.is_dir() {
                    Some(Child::Dir(entry.path(), join(&child)))
                } else if kind.is_file() {
                    Some(Child::File(join(&child)))
                } else {
                    None
                }
            })
            .collect(),
    )
}

/// [`list_files`] on one thread, depth first without recursion.
fn list_tree(real: &Path, relative: &str) -> Listing {
    /// What is left to visit, last first.
    enum Next {
        Dir(PathBuf, String),
        File(String),
        /// The end of a directory's files, which started at the index.
        End(String, usize),
    }
    let mut found = Vec::new();
    let mut dirs = HashMap::new();
    let mut stack = vec![Next::Dir(real.to_path_buf(), relative.to_string())];
    while let Some(next) = stack.pop() {
        let (dir, name) = match next {
            Next::File(path) => {
                found.push(path);
                continue;
            }
            Next::End(name, start) => {
                dirs.insert(name, start..found.len());
                continue;
            }
            Next::Dir(dir, name) => (dir, name),
        };
        let Some(children) = children(&dir, &name) else {
            continue;
        };
        stack.push(Next::End(name, found.len()));
        stack.extend(children.into_iter().rev().map(|child| match child {
            Child::Dir(dir, name) => Next::Dir(dir, name),
            Child::File(name) => Next::File(name),
        }));
    }
    Listing { files: found, dirs }
}

/// The files below a directory, as [`list_files`] lists them, with the
/// range of them below each directory inside it.
struct Listing {
    /// Every regular file, root-relative.
    files: Vec<String>,
    /// Each directory listed (itself included, root-relative) with where its
    /// files lie in `files` (a directory's files are listed together).
    dirs: HashMap<String, std::ops::Range<usize>>,
}

/// `real` (a path with every symlink resolved) with its kind.
fn with_kind(real: PathBuf) -> Result<(PathBuf, Kind), EvidenceStatus> {
    match real.symlink_metadata() {
        Ok(meta) => Ok((real, Kind::of(&meta))),
        Err(_) => Err(EvidenceStatus::new(EvidenceState::Missing)),
    }
}

/// What `lstat` tells of a path, as far as evidence cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A regular file of this many bytes.
    File(u64),
    /// A directory.
    Dir,
    /// A symbolic link, not followed.
    Symlink,
    /// A FIFO, socket or device.
    Other,
}

impl Kind {
    /// The kind `lstat`'s metadata tells.
    fn of(meta: &fs::Metadata) -> Kind {
        let kind = meta.file_type();
        if kind.is_symlink() {
            Kind::Symlink
        } else if kind.is_file() {
            Kind::File(meta.len())
        } else if kind.is_dir() {
            Kind::Dir
        } else {
            Kind::Other
        }
    }
}

/// The kind of `name` in the directory `dir` (a real path), from an
/// `lstat` relative to the directory opened once: evidence paths come
/// sorted, so a directory's files come together, and each thread keeps its
/// last directory of the `view` open; a file then costs a walk of one component, not of
/// the whole path from `/`. `None` when this cannot answer (any error but
/// a missing name: the caller asks again by path, for the same answer and
/// message).
#[cfg(unix)]
fn lstat_in(view: u64, dir: &Path, name: &str) -> Option<io::Result<Kind>> {
    use rustix::fs::{AtFlags, FileType, Mode, OFlags};
    thread_local! {
        static OPEN: RefCell<Option<(u64, PathBuf, rustix::fd::OwnedFd)>> = const { RefCell::new(None) };
    }
    // A path as long as the system's limit cannot be looked up by path, and
    // must not be found here either: past the smallest common limit (macOS's
    // 1,024 bytes; Linux allows 4,096), the caller's lookup by path answers.
    if matches!(name, "" | "." | "..") || dir.as_os_str().len() + 1 + name.len() >= SHORT_PATH {
        return None;
    }
    #[cfg(any(target_os = "linux", target_os = "android"))]
    let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC;
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    OPEN.with(|open| {
        let mut open = open.try_borrow_mut().ok()?;
        if open
            .as_ref()
            .is_none_or(|(kept, path, _)| *kept != view || path != dir)
        {
            *open = None;
            let fd = rustix::fs::open(dir, flags, Mode::empty()).ok()?;
            *open = Some((view, dir.to_path_buf(), fd));
        }
        let (_, _, fd) = open.as_ref()?;
        let stat = match rustix::fs::statat(fd, name, AtFlags::SYMLINK_NOFOLLOW) {
            Ok(stat) => stat,
            Err(rustix::io::Errno::NOENT) => return Some(Err(io::ErrorKind::NotFound.into())),
            Err(_) => return None,
        };
        Some(Ok(match FileType::from_raw_mode(stat.st_mode) {
            FileType::RegularFile => Kind::File(u64::try_from(stat.st_size).unwrap_or_default()),
            FileType::Directory => Kind::Dir,
            FileType::Symlink => Kind::Symlink,
            _ => Kind::Other,
        }))
    })
}

/// The directory a thread looked in last: the view of the tree, the
/// directory as written, and its real path or why it has none.
type LastDir = (u64, String, Result<PathBuf, EvidenceStatus>);

/// The length from which [`lstat_in`] leaves a path to the lookup by path.
#[cfg(unix)]
const SHORT_PATH: usize = 1024;

/// Elsewhere every `lstat` goes by path.
#[cfg(not(unix))]
fn lstat_in(_view: u64, _dir: &Path, _name: &str) -> Option<io::Result<Kind>> {
    None
}

/// `ELOOP` on Linux and most Unixes: too many levels of symbolic links.
const ELOOP: i32 = 40;

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes `text` to `path` under `root`, making its directories.
    #[cfg(unix)]
    fn write(root: &Path, path: &str, text: &str) {
        let full = root.join(path);
        std::fs::create_dir_all(full.parent().unwrap_or(root)).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(full, text).unwrap_or_else(|e| panic!("{e}"));
    }

    #[cfg(unix)]
    #[test]
    fn listings_reused_below_a_listed_directory_match_fresh_ones() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let root = dir.path();
        for (path, text) in [
            ("ev/a/x.md", "x"),
            ("ev/a/b/y.md", "y"),
            ("ev/a/b/c/z.md", ""),
            ("ev/a-b/w.md", "w"),
            ("ev/.git/hidden.md", "h"),
            ("ev/a/.GIT/hidden.md", "h"),
            ("ev/q.md", "q"),
        ] {
            write(root, path, text);
        }
        std::os::unix::fs::symlink(root.join("ev/a"), root.join("ev/link"))
            .unwrap_or_else(|e| panic!("{e}"));
        let asked = [
            "ev/a/b",
            "ev/a",
            "ev/link",
            "ev/link/b",
            "ev/a/b/c",
            "ev/a-b",
            "ev/none",
            "",
        ];
        // Listed once from the top, then every directory below from it.
        let reused = WorkTree::new(root);
        assert_eq!(
            reused.files_under("ev"),
            [
                "ev/a/b/c/z.md",
                "ev/a/b/y.md",
                "ev/a/x.md",
                "ev/a-b/w.md",
                "ev/q.md"
            ]
        );
        for relative in asked {
            let fresh = WorkTree::new(root).files_under(relative);
            assert_eq!(reused.files_under(relative), fresh, "{relative}");
        }
        assert_eq!(
            WorkTree::new(root).files_under("ev/link"),
            ["ev/link/b/c/z.md", "ev/link/b/y.md", "ev/link/x.md"]
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_wide_directory_listed_on_every_core_equals_one_listed_on_one() {
        // Over PARALLEL_LISTING entries, directories, files and what is
        // never listed interleaved by name, nested, and an unreadable case
        // (a dangling symlink).
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let root = dir.path();
        for n in 0..(PARALLEL_LISTING + 10) {
            let path = match n % 4 {
                0 => format!("ev/d{n:03}/f.md"),
                1 => format!("ev/f{n:03}.md"),
                2 => format!("ev/d{n:03}/deep/er/g.md"),
                _ => format!("ev/e{n:03}/.git/hidden.md"),
            };
            write(root, &path, "x");
        }
        std::fs::create_dir_all(root.join("ev/empty")).unwrap_or_else(|e| panic!("{e}"));
        std::os::unix::fs::symlink(root.join("nowhere"), root.join("ev/d000/dangling"))
            .unwrap_or_else(|e| panic!("{e}"));
        let wide = list_files(&root.join("ev"), "ev");
        let serial = list_tree(&root.join("ev"), "ev");
        assert!(
            wide.files.len() > PARALLEL_LISTING / 2,
            "{}",
            wide.files.len()
        );
        assert_eq!(wide.files, serial.files);
        assert_eq!(wide.dirs, serial.dirs);
        assert_eq!(wide.dirs.get("ev"), Some(&(0..wide.files.len())));
        assert_eq!(wide.dirs.get("ev/empty").map(|r| r.len()), Some(0));
    }

    #[cfg(unix)]
    #[test]
    fn lstat_in_a_directory_answers_as_lstat_by_path() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let root = dir.path();
        std::fs::write(root.join("file.md"), "four").unwrap_or_else(|e| panic!("{e}"));
        std::fs::create_dir(root.join("sub")).unwrap_or_else(|e| panic!("{e}"));
        std::os::unix::fs::symlink("file.md", root.join("link")).unwrap_or_else(|e| panic!("{e}"));
        std::os::unix::fs::symlink("nowhere", root.join("dangling"))
            .unwrap_or_else(|e| panic!("{e}"));
        let fifo = std::process::Command::new("mkfifo")
            .arg(root.join("fifo"))
            .status()
            .is_ok_and(|s| s.success());
        let mut names = vec![
            "file.md", "sub", "link", "dangling", "missing", "", ".", "..",
        ];
        if fifo {
            names.push("fifo");
        }
        for name in names {
            let by_path = root.join(name).symlink_metadata().map(|m| Kind::of(&m));
            match lstat_in(0, root, name) {
                None => assert!(matches!(name, "" | "." | "..")),
                Some(Ok(kind)) => assert_eq!(by_path.ok(), Some(kind), "{name}"),
                Some(Err(e)) => {
                    assert_eq!(e.kind(), io::ErrorKind::NotFound, "{name}");
                    assert!(by_path.is_err(), "{name}");
                }
            }
        }
        assert_eq!(
            lstat_in(0, root, "file.md").and_then(Result::ok),
            Some(Kind::File(4))
        );
        assert_eq!(
            lstat_in(0, root, "sub").and_then(Result::ok),
            Some(Kind::Dir)
        );
        assert_eq!(
            lstat_in(0, root, "link").and_then(Result::ok),
            Some(Kind::Symlink)
        );
        // Another directory: the one kept open is replaced.
        std::fs::write(root.join("sub/inner.md"), "x").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            lstat_in(0, &root.join("sub"), "inner.md").and_then(Result::ok),
            Some(Kind::File(1))
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_new_view_does_not_use_a_directory_an_earlier_one_kept_open() {
        // The directory kept open for one view is replaced on disk; a new
        // view of the same root must see the new one.
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let root = dir.path();
        std::fs::create_dir(root.join("ev")).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(root.join("ev/old.md"), "old").unwrap_or_else(|e| panic!("{e}"));
        let before = WorkTree::new(root);
        assert_eq!(before.entry("ev/old.md"), Ok(Entry::File(3)));
        std::fs::remove_dir_all(root.join("ev")).unwrap_or_else(|e| panic!("{e}"));
        std::fs::create_dir(root.join("ev")).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(root.join("ev/new.md"), "new!").unwrap_or_else(|e| panic!("{e}"));
        let after = WorkTree::new(root);
        assert_eq!(after.entry("ev/new.md"), Ok(Entry::File(4)));
        assert!(after.entry("ev/old.md").is_err());
    }

    #[cfg(unix)]
    #[test]
    fn kinds_without_a_path_match_kinds_with_one_in_any_order() {
        // `entry` takes the kind alone (no path built) and keeps the last
        // directory at hand; `confine` builds the path. Asked in an order
        // that leaves and revisits directories, the two agree.
        let outside = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let root = dir.path();
        for (path, text) in [("a/x.md", "x"), ("a/empty.md", ""), ("b/y.md", "yy")] {
            write(root, path, text);
        }
        std::fs::create_dir(root.join("a/c")).unwrap_or_else(|e| panic!("{e}"));
        write(outside.path(), "o.md", "o");
        let link = |target: &Path, at: &str| {
            std::os::unix::fs::symlink(target, root.join(at)).unwrap_or_else(|e| panic!("{e}"));
        };
        link(Path::new("x.md"), "a/in.md");
        link(&outside.path().join("o.md"), "b/out.md");
        link(Path::new("nowhere"), "b/dangling.md");
        link(Path::new("a"), "alias");
        let asked = [
            "a/x.md",
            "b/y.md",
            "a/empty.md",
            "a/in.md",
            "b/out.md",
            "a/c",
            "b/dangling.md",
            "a/none.md",
            "alias/x.md",
            "a/x.md",
            "none/x.md",
            "b/y.md",
            "a",
            "alias",
            "none",
        ];
        let tree = WorkTree::new(root);
        for path in asked.iter().chain(asked.iter().rev()) {
            let with_path = tree.confine(path).map(|(_, kind)| kind);
            let without = tree.located(path, false).map(|(_, kind)| kind);
            assert_eq!(without, with_path, "{path}");
        }
        assert_eq!(tree.entry("alias/x.md"), Ok(Entry::File(1)));
        assert!(tree.entry("b/out.md").is_err());
    }

    #[cfg(unix)]
    #[test]
    fn a_path_past_the_systems_limit_is_not_found_by_its_directory() {
        // A file whose directory has a usable path but whose own path is
        // longer than Linux's 4,096 bytes: the lookup by path fails (file
        // name too long), and the lookup in its directory must not find it.
        use rustix::fs::{Mode, OFlags};
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let root = dir.path();
        let component = "d".repeat(200);
        let mut relative = String::from("ev");
        std::fs::create_dir(root.join("ev")).unwrap_or_else(|e| panic!("{e}"));
        let mut fd = rustix::fs::open(root.join("ev"), OFlags::RDONLY, Mode::empty())
            .unwrap_or_else(|e| panic!("{e}"));
        while root.as_os_str().len() + relative.len() < 3_900 {
            rustix::fs::mkdirat(&fd, component.as_str(), Mode::RWXU)
                .unwrap_or_else(|e| panic!("{e}"));
            fd = rustix::fs::openat(&fd, component.as_str(), OFlags::RDONLY, Mode::empty())
                .unwrap_or_else(|e| panic!("{e}"));
            relative = format!("{relative}/{component}");
        }
        let name = "f".repeat(250);
        drop(
            rustix::fs::openat(
                &fd,
                name.as_str(),
                OFlags::CREATE | OFlags::WRONLY,
                Mode::RUSR,
            )
            .unwrap_or_else(|e| panic!("{e}")),
        );
        let path = format!("{relative}/{name}");
        assert!(root.join(&path).symlink_metadata().is_err());
        let found = WorkTree::new(root).entry(&path);
        assert!(
            matches!(&found, Err(status) if status.state == EvidenceState::Missing),
            "{found:?}"
        );
    }

    #[test]
    fn every_spelling_of_gits_directory_is_git_internal() {
        for name in [
            ".git",
            ".GIT",
            ".git.",
            ".git ",
            ".git. .",
            ".git::$INDEX_ALLOCATION",
            "GIT~1",
            ".g\u{200c}it",
            "\u{feff}.git",
        ] {
            assert!(is_git_dir_name(name), "{name:?}");
            assert!(
                is_git_internal(&format!("evidence/{name}/config")),
                "{name:?}"
            );
            assert!(!is_safe_tree_path(&format!("evidence/{name}/config")));
        }
        for name in [".github", "git", ".gitignore", ".git-x", "git~2", "a.git"] {
            assert!(!is_git_dir_name(name), "{name:?}");
        }
        for path in ["evidence/../a.md", "./a.md", "a//b", "evidence/.", ""] {
            assert!(!is_safe_tree_path(path), "{path:?}");
        }
        assert!(is_safe_tree_path("evidence/a..b/c.md"));
    }

    #[test]
    fn shortcuts_answer_as_the_full_normalisation() {
        let parts = [
            "",
            ".",
            "..",
            "a",
            "g",
            "Gx",
            ".git",
            ".GIT.",
            ".git ",
            ".git:x",
            "git~1",
            "GIT~1",
            ".github",
            "a\\b",
            "\\",
            "c:",
            "x:y",
            "\u{e4}g",
            ".g\u{200c}it",
            "\u{feff}.git",
            "\u{feff}",
            "a..b",
            "...",
        ];
        let mut checked = 0;
        for a in parts {
            assert_eq!(is_git_dir_name(a), git_dir_name_by_copy(a), "{a:?}");
            for b in parts {
                for c in ["", "/", "/m.md", "/./n", "/../o", "//p"] {
                    let path = format!("{a}/{b}{c}");
                    for path in [path.clone(), format!("{a}{c}"), format!("{b}/{a}")] {
                        let absolute = Path::new(&path).is_absolute()
                            || path.starts_with('\\')
                            || has_drive_letter(&path);
                        let full = if absolute {
                            lexical(&path)
                        } else {
                            by_components(Path::new(&path))
                        };
                        assert_eq!(lexical(&path), full, "{path:?}");
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 9_000);
    }

    #[test]
    fn lexical_normalises_and_refuses_escapes() {
        assert_eq!(
            lexical("docs/./a/../b.md"),
            Lexical::Inside("docs/b.md".into())
        );
        assert_eq!(lexical("data/logs/"), Lexical::Inside("data/logs".into()));
        assert!(matches!(lexical("/etc/passwd"), Lexical::Outside(_)));
        assert!(matches!(lexical("../secrets"), Lexical::Outside(_)));
        assert!(matches!(lexical("a/../../b"), Lexical::Outside(_)));
        assert!(matches!(lexical("C:\\x"), Lexical::Outside(_)));
    }

    /// A fixed set of files, for testing resolution without a disk.
    struct Listing(Vec<(&'static str, u64)>);

    impl Files for Listing {
        fn entry(&self, relative: &str) -> Result<Entry, EvidenceStatus> {
            if let Some((_, size)) = self.0.iter().find(|(p, _)| *p == relative) {
                return Ok(Entry::File(*size));
            }
            let prefix = format!("{relative}/");
            if self.0.iter().any(|(p, _)| p.starts_with(&prefix)) {
                return Ok(Entry::Dir);
            }
            Err(EvidenceStatus::new(EvidenceState::Missing))
        }

        fn files_under(&self, relative: &str) -> Vec<String> {
            let prefix = if relative.is_empty() {
                String::new()
            } else {
                format!("{relative}/")
            };
            self.0
                .iter()
                .filter(|(p, _)| p.starts_with(&prefix))
                .map(|(p, _)| (*p).to_string())
                .collect()
        }
    }

    #[test]
    fn a_glob_too_complex_to_compile_is_invalid_not_a_panic() {
        // Found by the evidence_path fuzz target: globset's compile_matcher
        // panicked when the pattern's regex went over its size limit.
        let pattern = include_str!("../fuzz/regressions/evidence_path-globset-regex-too-big");
        let status = resolve(&Listing(vec![("a.md", 1)]), pattern);
        assert_eq!(status.state, EvidenceState::Missing);
        assert!(status.detail.is_some_and(|d| d.starts_with("invalid glob")));
    }

    #[test]
    fn globs_resolved_together_equal_each_resolved_alone() {
        // More files than one thread's share, under two bases.
        let mut listed = Vec::new();
        for i in 0..10_000_usize {
            let name = format!(
                "docs/d{}/{}-{i}.{}",
                i % 37,
                ["q1", "q2", "x"][i % 3],
                ["md", "pdf"][i % 2]
            );
            listed.push((&*name.leak(), (i % 5) as u64));
        }
        for i in 0..50 {
            listed.push((&*format!("big/{i}.md").leak(), 1));
        }
        let files = Listing(listed);
        // Each of these compiles alone; all together they outgrow
        // globset's limit, and fall back to one at a time.
        let huge: Vec<String> = (0..240)
            .map(|k| format!("big/{}{k}", "?".repeat(1000)))
            .collect();
        let big: Vec<(&str, Glob)> = huge
            .iter()
            .map(|p| (p.as_str(), parse_glob(p).unwrap()))
            .collect();
        let alone = Compiled::grouped(&big, big.len());
        assert_eq!(alone.groups.len(), big.len());
        let under: Vec<String> = files.files_under("big");
        for (at, status) in alone.matches(&under).iter().enumerate() {
            assert_eq!(status, &resolve(&files, &huge[at]), "{at}");
        }
        let mut written: Vec<&str> = vec![
            "docs/**/*.md",
            "docs/**/q1-*.pdf",
            "./docs/**/q1-*.pdf",
            "docs/*/q2-*",
            "docs/d1/*",
            "docs/d1?/*.md",
            "docs/**/{q1,x}-1*.md",
            "docs/[!d]*/*.md",
            "docs/d2/q1-*.md",
            "docs/{a,b",
            "docs/[z-a].md",
            "nope/*.md",
            "docs/none/**/*.md",
            "docs/d1/x-1.pdf/*",
            "big/*.md",
            "big/[",
            "docs/d3/q2-3.md",
        ];
        written.extend(huge.iter().map(String::as_str));
        // More globs under `docs` than one group holds, each matching
        // different files.
        let dirs: Vec<String> = (0..40).map(|k| format!("docs/**/*-{k}.*")).collect();
        written.extend(dirs.iter().map(String::as_str));
        let long = format!("docs/{}", "*".repeat(MAX_GLOB_CHARS));
        written.push(&long);
        let together = resolve_all(&files, written.iter().copied(), &AtomicBool::new(false));
        for path in &written {
            assert_eq!(together.get(*path), Some(&resolve(&files, path)), "{path}");
        }
        let matched = |path: &str| together.get(path).map_or(0, |s| s.files.len());
        assert!(matched("docs/**/*.md") > 4_000);
        assert!(matched("docs/*/q2-*") > 3_000);
        assert!(matched(&huge[0]) == 0 && matched("big/*.md") == 50);
        assert!(dirs.iter().all(|glob| matched(glob) == 1));
    }

    #[test]
    fn resolution_lists_the_files_a_path_covers() {
        let files = Listing(vec![
            ("a/x.log", 3),
            ("a/b/y.log", 0),
            ("a/z.md", 0),
            ("e.md", 0),
        ]);
        let dir = resolve(&files, "a/");
        assert_eq!(dir.state, EvidenceState::Present);
        assert_eq!(dir.files, ["a/x.log", "a/b/y.log", "a/z.md"]);
        let glob = resolve(&files, "a/**/*.log");
        assert_eq!(glob.files, ["a/x.log", "a/b/y.log"]);
        assert_eq!(resolve(&files, "a/*.md").state, EvidenceState::Present);
        assert_eq!(resolve(&files, "e.md").state, EvidenceState::Empty);
        assert_eq!(resolve(&files, "nope/*.md").state, EvidenceState::Missing);
        assert_eq!(resolve(&files, "../x").state, EvidenceState::Outside);
    }
}
