//! `comply import catalog`: an OSCAL catalog (and profile) read, turned
//! into a control matrix by the pure `crate::oscal::catalog`, written.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueHint};

use super::steps::{self, Exit};
use crate::format::FileKind;
use crate::oscal;

/// Most bytes of an OSCAL catalog `import catalog` reads: 64 MiB, six times
/// NIST SP 800-53 rev 5's catalog with its prose (about 10 MB).
pub(crate) const MAX_CATALOG_BYTES: u64 = 64 * 1024 * 1024;

/// What `comply import` reads besides Markdown pages.
#[derive(Clone, Debug, Subcommand)]
pub enum ImportFrom {
    /// Turn an OSCAL catalog (JSON: groups, controls and enhancements, ids
    /// and titles) into a control matrix
    Catalog(CatalogArgs),
}

/// Arguments of `comply import catalog`.
#[derive(Clone, Debug, Args)]
pub struct CatalogArgs {
    /// The OSCAL catalog (JSON)
    #[arg(value_name = "FILE.json", value_hint = ValueHint::FilePath)]
    pub(crate) file: PathBuf,
    /// Framework id of the matrix [default: made from the catalog's title]
    #[arg(long, value_name = "ID", value_hint = ValueHint::Other)]
    pub(crate) framework: Option<String>,
    /// An OSCAL profile (a baseline, JSON) of the catalog: keep only the
    /// controls it selects by id
    #[arg(long, value_name = "PROFILE.json", value_hint = ValueHint::FilePath)]
    pub(crate) profile: Option<PathBuf>,
    /// Write to FILE, or to DIR/controls/ID.yaml when DIR is an existing
    /// directory [default: standard output]
    #[arg(long, short, value_name = "FILE|DIR")]
    pub(crate) output: Option<PathBuf>,
    /// Replace a file that exists
    #[arg(long)]
    pub(crate) force: bool,
}

/// Runs `comply import catalog`.
pub(crate) fn run(
    args: &CatalogArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Exit> {
    let shown = args.file.display().to_string();
    if steps::framework_refused(args.framework.as_deref(), err)? {
        return Ok(Exit::Invalid);
    }
    let text = match read_catalog(&args.file) {
        Ok(text) => text,
        Err(why) => {
            writeln!(err, "error: {shown}: {why}; nothing was written")?;
            return Ok(Exit::Invalid);
        }
    };
    let name = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let selected = match args
        .profile
        .as_deref()
        .map(|p| read_profile(p, &name))
        .transpose()
    {
        Ok(selected) => selected,
        Err(why) => {
            writeln!(err, "error: {why}; nothing was written")?;
            return Ok(Exit::Invalid);
        }
    };
    let imported = match oscal::catalog::import(&text, args.framework.as_deref(), selected.as_ref())
    {
        Ok(imported) => imported,
        Err(why) => {
            writeln!(err, "error: {shown}:{why}; nothing was written")?;
            return Ok(Exit::Invalid);
        }
    };
    if let (Some(profile), true) = (&args.profile, imported.matrix.controls.is_empty()) {
        writeln!(
            err,
            "error: {}: the profile selects none of the controls of {shown}; nothing was written",
            profile.display()
        )?;
        return Ok(Exit::Invalid);
    }
    if let Some(profile) = &args.profile
        && let Some(selected) = &selected
        && !selected.other_catalogs.is_empty()
    {
        writeln!(
            err,
            "warning: {}: imports of other catalogs not applied: {}",
            profile.display(),
            selected.other_catalogs.join(", ")
        )?;
    }
    let framework = imported.matrix.framework.value.clone();
    let yaml = crate::import::to_yaml(&imported.matrix, FileKind::Controls, &shown)?;
    let count = imported.matrix.controls.len();
    let mut left = Vec::new();
    if imported.withdrawn > 0 {
        left.push(format!("{} withdrawn left out", imported.withdrawn));
    }
    if selected.is_some() {
        left.push(format!("{} not in the profile", imported.unselected));
    }
    if imported.missing > 0 {
        left.push(format!(
            "{} of the profile's ids not in the catalog",
            imported.missing
        ));
    }
    let left = if left.is_empty() {
        String::new()
    } else {
        format!(" ({})", left.join(", "))
    };
    writeln!(
        err,
        "{shown}: {count} {} of framework `{framework}`{left}",
        crate::text::plural(count, "control")
    )?;
    let target: Option<PathBuf> = args.output.as_deref().and_then(|path| {
        if crate::write::is_stdout(path) {
            None
        } else if path.is_dir() {
            Some(path.join("controls").join(format!("{framework}.yaml")))
        } else {
            Some(path.to_path_buf())
        }
    });
    let Some(path) = target else {
        out.write_all(yaml.as_bytes())?;
        return Ok(Exit::Success);
    };
    if let Some(other) = declared_elsewhere(&path, &framework) {
        writeln!(
            err,
            "error: `{}` already declares framework `{framework}`, so the imported matrix \
             would make the repository invalid; choose another id with --framework, or \
             write over that file with --output {} --force; nothing was written",
            other.display(),
            other.display()
        )?;
        return Ok(Exit::Invalid);
    }
    // `DIR/controls/` is made when missing, and removed again when the
    // write fails.
    let made = match path
        .parent()
        .filter(|d| !d.as_os_str().is_empty() && !d.is_dir())
    {
        Some(dir) => match std::fs::create_dir(dir) {
            Ok(()) => Some(dir),
            Err(e) => {
                writeln!(
                    err,
                    "error: cannot create `{}`: {e}; nothing was written",
                    dir.display()
                )?;
                return Ok(Exit::Invalid);
            }
        },
        None => None,
    };
    if let Err(e) = crate::write::atomic(&path, yaml.as_bytes(), args.force) {
        if let Some(dir) = made {
            let _ = std::fs::remove_dir(dir);
        }
        writeln!(err, "error: {e:#}; nothing was written")?;
        return Ok(Exit::Invalid);
    }
    writeln!(err, "wrote {}", path.display())?;
    Ok(Exit::Success)
}

/// Another matrix beside `target` in a `controls/` directory (or below it)
/// that declares `framework`: two matrices of one framework make a
/// repository invalid. Outside a `controls/` directory nothing is read;
/// files that cannot be read or parsed are left to `validate`.
fn declared_elsewhere(target: &Path, framework: &str) -> Option<PathBuf> {
    let dir = target
        .parent()
        .filter(|d| d.file_name().is_some_and(|n| n == "controls") && d.is_dir())?;
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path() != target)
        .filter(|e| {
            e.path()
                .extension()
                .is_some_and(|x| x == "yaml" || x == "yml")
        })
        .filter(|e| {
            e.metadata()
                .is_ok_and(|m| m.len() <= crate::load::MAX_FILE_BYTES)
        })
        .find(|e| {
            std::fs::read_to_string(e.path())
                .ok()
                .and_then(|text| serde_norway::from_str::<serde_norway::Value>(&text).ok())
                .and_then(|v| v.get("framework")?.as_str().map(str::to_string))
                .is_some_and(|declared| declared == framework)
        })
        .map(walkdir::DirEntry::into_path)
}

/// What the profile at `path` selects of the catalog file `catalog`; the
/// error names the profile (and the line and column where known).
fn read_profile(path: &Path, catalog: &str) -> Result<oscal::catalog::Selected, String> {
    let shown = path.display();
    let text = read_catalog(path).map_err(|why| format!("{shown}: {why}"))?;
    oscal::catalog::profile(&text, catalog).map_err(|why| format!("{shown}:{why}"))
}

/// Reads a catalog or a profile: a regular file (a symlink to one is fine) of at most
/// [`MAX_CATALOG_BYTES`], UTF-8.
fn read_catalog(path: &Path) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read it: {e}"))?;
    if !meta.is_file() {
        return Err("not a regular file; a catalog is a JSON file".to_string());
    }
    if meta.len() > MAX_CATALOG_BYTES {
        return Err(format!(
            "{} bytes, over the limit of {MAX_CATALOG_BYTES} bytes for a catalog",
            meta.len()
        ));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_CATALOG_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| format!("cannot read it: {e}"))?;
    String::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_string())
}
