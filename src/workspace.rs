//! A repository opened for analysis: its files from the working tree or a
//! git revision, evidence resolved against the same view, and what git knows
//! of the evidence's history. This is where the I/O of a run is gathered
//! before the pure analysis.

use std::collections::{BTreeSet, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::AtomicBool;

use anyhow::Context;

use crate::evidence::{self, EvidenceMap, WorkTree};
use crate::git::{History, LastCommit, Repo, TreeFiles};
use crate::load::{self, Loaded, MAX_FILE_BYTES};
use crate::model::Repository;

/// An opened repository.
pub(crate) struct Workspace {
    /// The comply root.
    pub(crate) root: PathBuf,
    /// What was read, with diagnostics.
    pub(crate) loaded: Loaded,
    /// The git repository, or why there is none.
    pub(crate) git: Result<Repo, String>,
    /// The commit analysed, when `--at` was given.
    pub(crate) at: Option<String>,
    tree: Option<TreeFiles>,
    /// The evidence states resolved while the files were validated, until
    /// [`Workspace::facts`] takes them.
    prefetched: Mutex<Option<EvidenceMap>>,
}

impl Workspace {
    /// Opens the repository at `root`, as it is in the working tree or, with
    /// `at`, as it was at that git revision (read from git objects; the
    /// working tree is not touched).
    pub(crate) fn open(root: &Path, at: Option<&str>) -> anyhow::Result<Workspace> {
        Workspace::opened(root, at, false)
    }

    /// [`Workspace::open`] for an analysis: the evidence is resolved while
    /// the files are validated, ready for [`Workspace::facts`].
    pub(crate) fn open_for_analysis(root: &Path, at: Option<&str>) -> anyhow::Result<Workspace> {
        Workspace::opened(root, at, true)
    }

    fn opened(root: &Path, at: Option<&str>, prefetch: bool) -> anyhow::Result<Workspace> {
        let git = Repo::open(root);
        let tree = match at {
            None => None,
            Some(rev) => {
                let repo = git.as_ref().map_err(|why| {
                    anyhow::anyhow!("reading revision `{rev}` needs a git repository: {why}")
                })?;
                let commit = repo.resolve(rev)?;
                let tree = repo.tree(&commit)?;
                Some((commit, tree))
            }
        };
        let view = tree.as_ref().map(|(_, tree)| tree);
        let evidence = |repo: &Repository, stop: &AtomicBool| {
            let paths = repo.evidence().map(|e| e.path.as_str());
            prefetch.then(|| states_of(root, view, paths, stop))
        };
        let (loaded, prefetched) = match view {
            None => load::load_with(root, evidence)?,
            Some(tree) => load::load_from_with(&tree.source()?, evidence)?,
        };
        let (at, tree) = tree.unzip();
        Ok(Workspace {
            root: root.to_path_buf(),
            loaded,
            git,
            at,
            tree,
            prefetched: Mutex::new(prefetched.flatten()),
        })
    }

    /// The state of every evidence path, and, when `with_history`, the last
    /// changes of the files they cover.
    pub(crate) fn facts(&self, with_history: bool) -> anyhow::Result<(EvidenceMap, History)> {
        let prefetched = self.prefetched.lock().ok().and_then(|mut kept| kept.take());
        let states = prefetched.unwrap_or_else(|| {
            self.resolve(self.loaded.repository.evidence().map(|e| e.path.as_str()))
        });
        if !with_history {
            return Ok((states, History::Unknown(String::new())));
        }
        let history = match &self.git {
            Err(why) => History::Unknown(format!("{why}, so evidence freshness is unknown")),
            Ok(repo) => {
                let wanted: BTreeSet<String> = states
                    .values()
                    .flat_map(|s| s.files.iter().cloned())
                    .collect();
                repo.history(&wanted, self.at.as_deref())?
            }
        };
        Ok((states, history))
    }

    /// The states of `paths`, resolved in the view analysed (the working
    /// tree, or the revision of `--at`).
    pub(crate) fn resolve<'a>(&self, paths: impl IntoIterator<Item = &'a str>) -> EvidenceMap {
        states_of(
            &self.root,
            self.tree.as_ref(),
            paths,
            &AtomicBool::new(false),
        )
    }

    /// Which of `paths` (root-relative) are files in the view analysed.
    pub(crate) fn existing_files(&self, paths: &[String]) -> BTreeSet<String> {
        use crate::evidence::{Entry, Files};
        let is_file = |files: &dyn Fn(&str) -> bool| -> BTreeSet<String> {
            paths.iter().filter(|p| files(p)).cloned().collect()
        };
        match &self.tree {
            Some(tree) => is_file(&|p| matches!(tree.entry(p), Ok(Entry::File(_)))),
            None => {
                let view = WorkTree::new(&self.root);
                is_file(&|p| matches!(view.entry(p), Ok(Entry::File(_))))
            }
        }
    }

    /// Which of `files` the working tree holds other than as committed:
    /// edited since the last commit, or never committed. None with `--at`
    /// (the files are read from the commit) or without git.
    pub(crate) fn uncommitted(&self, files: &BTreeSet<String>) -> anyhow::Result<BTreeSet<String>> {
        match (&self.tree, &self.git) {
            (None, Ok(repo)) => {
                let (modified, untracked) = repo.uncommitted()?;
                Ok(files
                    .iter()
                    .filter(|f| modified.contains(*f) || untracked.contains(*f))
                    .cloned()
                    .collect())
            }
            _ => Ok(BTreeSet::new()),
        }
    }

    /// The author's name of each of `commits`, by hash; empty without git.
    pub(crate) fn authors(
        &self,
        commits: &BTreeSet<String>,
    ) -> anyhow::Result<HashMap<String, String>> {
        match &self.git {
            Ok(repo) => repo.authors(commits),
            Err(_) => Ok(HashMap::new()),
        }
    }

    /// The commit that first added each of `files`, or why git cannot tell.
    pub(crate) fn first_added(
        &self,
        files: &BTreeSet<String>,
    ) -> anyhow::Result<Result<HashMap<String, LastCommit>, String>> {
        match &self.git {
            Err(why) => Ok(Err(why.clone())),
            Ok(repo) if repo.is_shallow() => Ok(Err("this is a shallow clone".into())),
            Ok(repo) if !repo.has_commits() => Ok(Err("the repository has no commit yet".into())),
            Ok(repo) => Ok(Ok(repo.first_added(files, self.at.as_deref())?)),
        }
    }

    /// The bytes of `files` (root-relative, as evidence resolution listed
    /// them) as the view analysed holds them: from git objects with `--at`,
    /// else from the working tree, where a file git ignores, or one a
    /// symlink leads to outside the root, is left out. A file over
    /// [`MAX_FILE_BYTES`], or files over `max_total` bytes in all, are an
    /// error before they are read.
    pub(crate) fn read_files(
        &self,
        files: &BTreeSet<String>,
        max_total: u64,
    ) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
        let over = |total: u64| {
            anyhow::anyhow!(
                "the files come to more than {max_total} bytes ({total} so far), the limit for one run"
            )
        };
        if let Some(tree) = &self.tree {
            let total: u64 = files
                .iter()
                .filter_map(|p| tree.get(p))
                .map(|e| e.size)
                .sum();
            if total > max_total {
                return Err(over(total));
            }
            let wanted: Vec<String> = files.iter().cloned().collect();
            return tree
                .read(&wanted)?
                .into_iter()
                .map(|(path, bytes)| {
                    bytes
                        .map(|b| (path.clone(), b))
                        .map_err(|why| anyhow::anyhow!("cannot read `{path}`: {why}"))
                })
                .collect();
        }
        let ignored = match &self.git {
            Ok(repo) => repo.ignored(files)?,
            Err(_) => BTreeSet::new(),
        };
        let view = WorkTree::new(&self.root);
        let mut read = Vec::new();
        let mut total = 0u64;
        for path in files
            .iter()
            .filter(|p| !ignored.contains(*p) && !evidence::is_git_internal(p))
        {
            let Some(real) = view.real_file(path) else {
                continue;
            };
            let file =
                std::fs::File::open(&real).with_context(|| format!("cannot read `{path}`"))?;
            total = total.saturating_add(file.metadata().map_or(0, |m| m.len()));
            if total > max_total {
                return Err(over(total));
            }
            let mut bytes = Vec::new();
            file.take(MAX_FILE_BYTES + 1)
                .read_to_end(&mut bytes)
                .with_context(|| format!("cannot read `{path}`"))?;
            if bytes.len() as u64 > MAX_FILE_BYTES {
                anyhow::bail!("`{path}` is over the limit of {MAX_FILE_BYTES} bytes for one file");
            }
            read.push((path.clone(), bytes));
        }
        Ok(read)
    }
}

/// The states of `paths` in the revision's `tree`, or in the working tree
/// under `root` when there is none; incomplete once `stop` is set.
fn states_of<'a>(
    root: &Path,
    tree: Option<&TreeFiles>,
    paths: impl IntoIterator<Item = &'a str>,
    stop: &AtomicBool,
) -> EvidenceMap {
    match tree {
        Some(tree) => evidence::resolve_all(tree, paths, stop),
        None => evidence::resolve_all(&WorkTree::new(root), paths, stop),
    }
}
