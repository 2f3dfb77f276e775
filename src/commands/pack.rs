//! `comply pack`: the auditor's evidence pack, as a zip file or a directory.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use super::steps::{self, Context, Exit};
use clap::{Args, ValueHint};

use crate::args::{FilterArgs, period_arg};
use crate::date::Span;
use crate::git::History;
use crate::pack::{self, Read};
use crate::workspace::Workspace;

/// Arguments of `comply pack`.
#[derive(Debug, Args)]
pub struct PackArgs {
    /// The audit period, as for `comply audit` [default: `audit_period`
    /// from comply.yaml]
    #[arg(long, value_name = "FROM..TO", value_parser = period_arg, value_hint = ValueHint::Other)]
    pub(crate) period: Option<Span>,
    /// Where to write the pack: a FILE.zip, or a DIR that does not exist
    /// or is empty
    #[arg(long, short, value_name = "DIR|FILE.zip", value_hint = ValueHint::AnyPath)]
    pub(crate) output: PathBuf,
    /// Filters.
    #[command(flatten)]
    pub(crate) filter: FilterArgs,
}

/// Runs `comply pack`.
pub(crate) fn run(args: &PackArgs, ctx: &Context, err: &mut dyn Write) -> anyhow::Result<Exit> {
    let Some((workspace, analysed)) = steps::open_analysed(ctx, |o| o, true, err)? else {
        return Ok(Exit::Invalid);
    };
    check_output(&args.output)?;
    let repo = &workspace.loaded.repository;
    let filter = steps::filter(&args.filter, repo)?;
    let mut grid = super::audit::grid(ctx, &workspace, &analysed, args.period)?;
    super::audit::narrow(&mut grid.audit, &filter);
    let mut sections = pack::sections(repo, grid.audit.period, &grid.states);
    sections.retain(|s| filter.framework(&s.framework) && filter.owned(s.owner.as_deref()));
    let mut wanted: BTreeSet<String> = sections
        .iter()
        .flat_map(|s| s.files.iter().cloned())
        .collect();
    // An earlier pack kept in the evidence tree is never packed again.
    let mut earlier = in_pack_dirs(&workspace, &wanted);
    wanted.retain(|p| !earlier.contains(p));
    let uncommitted = workspace.uncommitted(&wanted)?;
    let last = |path: &str| match &analysed.history {
        History::Known { changes, .. } => changes.get(path).cloned(),
        History::Unknown(_) => None,
    };
    let mut files: Vec<Read> = workspace
        .read_files(&wanted, MAX_PACK_BYTES)?
        .into_iter()
        .filter(|(path, bytes)| {
            let zipped = is_zip(Path::new(path)) && is_pack_zip(bytes);
            if zipped {
                earlier.insert(path.clone());
            }
            !zipped
        })
        .map(|(path, bytes)| Read {
            last: last(&path),
            uncommitted: uncommitted.contains(&path),
            added: grid.added.get(&path).cloned(),
            path,
            bytes,
        })
        .collect();
    for section in &mut sections {
        section.files.retain(|f| !earlier.contains(f));
    }
    // The manifest names each file's last commit with its author (the
    // freshness pass knows the committer).
    let commits: BTreeSet<String> = files
        .iter()
        .filter_map(|f| f.last.as_ref().map(|c| c.commit.clone()))
        .collect();
    let authors = workspace.authors(&commits)?;
    for file in &mut files {
        if let Some(last) = &mut file.last
            && let Some(author) = authors.get(&last.commit)
        {
            last.author.clone_from(author);
        }
    }
    let title = steps::title(&workspace.loaded, &ctx.root);
    let entries = pack::entries(&pack::Inputs {
        title: &title,
        at: workspace.at.as_deref(),
        audit: &grid.audit,
        sections: &sections,
        files: &files,
    })?;
    if is_zip(&args.output) {
        crate::write::atomic(&args.output, &pack::zip(&entries)?, false)?;
    } else {
        write_dir(&args.output, &entries)?;
    }
    if !ctx.talk.quiet {
        if !earlier.is_empty() {
            writeln!(
                err,
                "warning: left out {} {} of earlier evidence packs (first: `{}`)",
                earlier.len(),
                crate::text::plural(earlier.len(), "file"),
                crate::text::inert(earlier.first().map_or("", String::as_str))
            )?;
        }
        let dirty = files.iter().filter(|f| f.uncommitted).count();
        if dirty > 0 {
            writeln!(
                err,
                "warning: {dirty} packed {} not as committed (uncommitted edits, or never \
                 committed); manifest.json names no commit for {} (`uncommitted: true`); \
                 commit them, or build from a commit with --at HEAD",
                if dirty == 1 { "file is" } else { "files are" },
                if dirty == 1 { "it" } else { "them" }
            )?;
        }
        writeln!(
            err,
            "wrote {} with {} evidence {} for {}",
            args.output.display(),
            files.len(),
            crate::text::plural(files.len(), "file"),
            grid.audit.period
        )?;
    }
    steps::leave(ctx, (workspace, analysed));
    Ok(Exit::Success)
}

/// Most bytes of evidence one pack holds (it is built in memory).
pub(crate) const MAX_PACK_BYTES: u64 = 1024 * 1024 * 1024;

/// The files of `wanted` inside a directory holding `manifest.json`,
/// `SHA256SUMS` and `index.md`: an evidence pack written as a directory.
fn in_pack_dirs(workspace: &Workspace, wanted: &BTreeSet<String>) -> BTreeSet<String> {
    let dirs: BTreeSet<&str> = wanted
        .iter()
        .flat_map(|path| path.match_indices('/').map(move |(i, _)| &path[..i]))
        .collect();
    let markers: Vec<String> = dirs
        .iter()
        .flat_map(|dir| PACK_MARKERS.iter().map(move |m| format!("{dir}/{m}")))
        .collect();
    let present = workspace.existing_files(&markers);
    let packs: Vec<&str> = dirs
        .into_iter()
        .filter(|dir| {
            PACK_MARKERS
                .iter()
                .all(|m| present.contains(&format!("{dir}/{m}")))
        })
        .collect();
    wanted
        .iter()
        .filter(|path| {
            packs
                .iter()
                .any(|dir| path.strip_prefix(dir).is_some_and(|r| r.starts_with('/')))
        })
        .cloned()
        .collect()
}

/// The files every pack holds at its top.
const PACK_MARKERS: [&str; 3] = ["manifest.json", "SHA256SUMS", "index.md"];

/// Whether `bytes` are a zip holding an evidence pack's top files.
fn is_pack_zip(bytes: &[u8]) -> bool {
    zip::ZipArchive::new(std::io::Cursor::new(bytes)).is_ok_and(|archive| {
        let names: BTreeSet<String> = archive
            .file_names()
            .filter_map(Result::ok)
            .map(std::borrow::Cow::into_owned)
            .collect();
        PACK_MARKERS.iter().all(|m| names.contains(*m))
    })
}

fn is_zip(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
}

/// Refuses an output that exists: a zip file, or a directory with anything
/// in it; checked before any work.
fn check_output(path: &Path) -> anyhow::Result<()> {
    let shown = path.display();
    if crate::write::is_stdout(path) {
        anyhow::bail!("a pack is many files: give a FILE.zip or a DIR, not `-`");
    }
    if path
        .symlink_metadata()
        .is_ok_and(|m| m.file_type().is_symlink())
    {
        anyhow::bail!(
            "`{shown}` is a symlink; a pack is never written through one: give a new \
             file name or directory"
        );
    }
    if is_zip(path) {
        if path.symlink_metadata().is_ok() {
            anyhow::bail!("`{shown}` already exists; give a new file name");
        }
        return Ok(());
    }
    match std::fs::read_dir(path).map(|mut entries| entries.next().is_some()) {
        Ok(true) => anyhow::bail!("`{shown}` is not empty; give a new or empty directory"),
        Ok(false) => Ok(()),
        Err(_) if path.symlink_metadata().is_ok() => {
            anyhow::bail!("`{shown}` exists and is not a directory")
        }
        Err(_) => Ok(()),
    }
}

/// Writes the entries into a new directory beside `dir`, then renames it
/// into place, so a failed run leaves no half-written pack.
fn write_dir(
    dir: &Path,
    entries: &std::collections::BTreeMap<String, Vec<u8>>,
) -> anyhow::Result<()> {
    let parent = match dir.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let staging = tempfile::Builder::new()
        .prefix(".comply-pack-")
        .tempdir_in(parent)
        .with_context(|| format!("cannot create a directory in `{}`", parent.display()))?;
    for (inside, bytes) in entries {
        let target = staging.path().join(inside);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create `{}`", parent.display()))?;
        }
        std::fs::write(&target, bytes)
            .with_context(|| format!("cannot write `{}`", target.display()))?;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(staging.path(), std::fs::Permissions::from_mode(0o755))?;
    }
    // An empty directory in the way is replaced; anything else was refused.
    if dir.is_dir() {
        std::fs::remove_dir(dir).with_context(|| format!("cannot replace `{}`", dir.display()))?;
    }
    let staged = staging.keep();
    std::fs::rename(&staged, dir).with_context(|| format!("cannot write `{}`", dir.display()))?;
    Ok(())
}
