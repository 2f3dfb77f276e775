//! Writing files safely: all or nothing, and never over a file by surprise.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, bail};

/// Appends `bytes` to `path`, creating it when absent (for files other
/// programs hand out to append to, such as `GITHUB_STEP_SUMMARY`).
pub(crate) fn append(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .with_context(|| format!("cannot open `{}` to append to it", path.display()))?;
    file.write_all(bytes)
        .with_context(|| format!("cannot write to `{}`", path.display()))
}

/// Whether `path` is `-`, which names standard output (`-o -`).
pub(crate) fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Writes `bytes` to `out` when `path` is `-`, else to `path` as
/// [`atomic`] does.
pub(crate) fn to(
    path: &Path,
    bytes: &[u8],
    force: bool,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    if is_stdout(path) {
        // Flushed here, so that a failed write (a full disk, a closed pipe)
        // is an error before anything says it was written.
        out.write_all(bytes)?;
        out.flush()?;
        return Ok(());
    }
    atomic(path, bytes, force)
}

/// A temporary file in `dir` that will become `path`, with the permissions
/// `path` has (temporary files are private, 0600; a report or an imported
/// file is not), else the usual 0644.
pub(crate) fn staged(path: &Path, dir: &Path) -> anyhow::Result<tempfile::NamedTempFile> {
    let file = tempfile::Builder::new()
        .prefix(".comply-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in `{}`", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = path
            .metadata()
            .map_or(0o644, |m| m.permissions().mode() & 0o7777);
        file.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .with_context(|| format!("cannot set permissions on `{}`", path.display()))?;
    }
    Ok(file)
}

/// Writes `bytes` to `path` atomically: into a temporary file in the same
/// directory, flushed to disk, then renamed into place. An existing file is
/// replaced only when `force` is set; a failed write leaves nothing behind.
pub(crate) fn atomic(path: &Path, bytes: &[u8], force: bool) -> anyhow::Result<()> {
    if path.is_dir() {
        bail!("`{}` is a directory; give a file name", path.display());
    }
    if !force && path.symlink_metadata().is_ok() {
        bail!(
            "`{}` already exists; pass --force to replace it",
            path.display()
        );
    }
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut file = staged(path, dir)?;
    file.write_all(bytes)
        .and_then(|()| file.as_file().sync_all())
        .with_context(|| format!("cannot write `{}`", path.display()))?;
    let persisted = if force {
        file.persist(path).map(drop)
    } else {
        file.persist_noclobber(path).map(drop)
    };
    persisted
        .map_err(|e| e.error)
        .with_context(|| format!("cannot write `{}`", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_to_overwrite_without_force() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.md");
        atomic(&path, b"one", false).unwrap();
        assert!(atomic(&path, b"two", false).is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        atomic(&path, b"two", true).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary file is left behind");
    }

    #[test]
    fn a_missing_directory_fails_cleanly() {
        let dir = tempfile::tempdir().unwrap();
        let err = atomic(&dir.path().join("no/such/r.md"), b"x", false).unwrap_err();
        assert!(format!("{err:#}").contains("cannot create a temporary file"));
    }
}
