//! A repository opened for analysis: its files from the working tree or a
//! git revision, evidence resolved against the same view, and what git knows
//! of the evidence's history. This is where the I/O of a run is gathered
//! before the pure analysis.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::evidence::{self, EvidenceMap, WorkTree};
use crate::git::{History, Repo, TreeFiles};
use crate::load::{self, Loaded};

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
}

impl Workspace {
    /// Opens the repository at `root`, as it is in the working tree or, with
    /// `at`, as it was at that git revision (read from git objects; the
    /// working tree is not touched).
    pub(crate) fn open(root: &Path, at: Option<&str>) -> anyhow::Result<Workspace> {
        let git = Repo::open(root);
        let Some(rev) = at else {
            return Ok(Workspace {
                root: root.to_path_buf(),
                loaded: load::load(root)?,
                git,
                at: None,
                tree: None,
            });
        };
        let repo = git.as_ref().map_err(|why| {
            anyhow::anyhow!("reading revision `{rev}` needs a git repository: {why}")
        })?;
        let commit = repo.resolve(rev)?;
        let tree = repo.tree(&commit)?;
        let loaded = load::load_from(&tree.source()?)?;
        Ok(Workspace {
            root: root.to_path_buf(),
            loaded,
            git,
            at: Some(commit),
            tree: Some(tree),
        })
    }

    /// The state of every evidence path, and, when `with_history`, the last
    /// changes of the files they cover.
    pub(crate) fn facts(&self, with_history: bool) -> anyhow::Result<(EvidenceMap, History)> {
        let paths = self.loaded.repository.evidence().map(|e| e.path.as_str());
        let states = match &self.tree {
            Some(tree) => evidence::resolve_all(tree, paths),
            None => evidence::resolve_all(&WorkTree::new(&self.root), paths),
        };
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
}
