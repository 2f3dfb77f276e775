//! `comply export poam`, `comply export assessment-results` and `comply
//! import catalog`: the I/O around the pure `crate::oscal` (evidence files
//! hashed, the analysed commit's date read, files written all or nothing).

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::{Context, Exit, steps};
use crate::cli::{CatalogArgs, ExportArgs, ExportCommand};
use crate::evidence::WorkTree;
use crate::format::FileKind;
use crate::oscal::{self, Facts, Input};

/// Most bytes of an OSCAL catalog `import catalog` reads: 64 MiB, six times
/// NIST SP 800-53 rev 5's catalog with its prose (about 10 MB).
pub(crate) const MAX_CATALOG_BYTES: u64 = 64 * 1024 * 1024;

/// Runs `comply export poam` or `comply export assessment-results`.
pub(crate) fn export(
    what: &ExportCommand,
    ctx: &Context,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Exit> {
    let args: &ExportArgs = match what {
        ExportCommand::Poam(args) | ExportCommand::AssessmentResults(args) => args,
    };
    let Some((workspace, analysed)) = steps::open_analysed(ctx, |o| o, false, err)? else {
        return Ok(Exit::Invalid);
    };
    let analysis = &analysed.analysis;
    let mut hashes = BTreeMap::new();
    let tree = WorkTree::new(&workspace.root);
    for file in analysed.states.values().flat_map(|s| &s.files) {
        if let Some(real) = tree.real_file(file) {
            let (_, sha) = super::evidence::hash(&real)
                .map_err(|e| anyhow::anyhow!("cannot read `{file}`: {e}"))?;
            hashes.insert(file.clone(), sha);
        }
    }
    let head = workspace.git.as_ref().ok().and_then(|g| g.head_commit());
    let (version, last_modified) = match head {
        Some((hash, date)) => (format!("commit {hash}"), date),
        None => (analysis.as_of.to_string(), oscal::midnight(analysis.as_of)),
    };
    let facts = Facts {
        system: steps::title(&workspace.loaded, &ctx.root),
        last_modified,
        version,
        evidence: &analysed.states,
        hashes: &hashes,
    };
    let input = Input {
        repo: &workspace.loaded.repository,
        analysis,
        facts: &facts,
    };
    let mut bytes = match what {
        ExportCommand::Poam(_) => match oscal::poam::poam(&input) {
            Some(document) => serde_json::to_vec_pretty(&document)?,
            None => {
                writeln!(
                    err,
                    "error: the backlog has no item, and a POA&M needs at least one; \
                     nothing was written"
                )?;
                return Ok(Exit::Invalid);
            }
        },
        ExportCommand::AssessmentResults(_) => {
            if let Some(why) = &analysis.gate.undetermined {
                writeln!(
                    err,
                    "error: the gate needs git history to date recurring work or evidence, \
                     and it is unavailable ({}); nothing was written",
                    crate::text::inert(why)
                )?;
                return Ok(Exit::Invalid);
            }
            serde_json::to_vec_pretty(&oscal::results::results(&input))?
        }
    };
    bytes.push(b'\n');
    match &args.output {
        Some(path) => {
            crate::write::to(path, &bytes, args.force, out)?;
            if !crate::write::is_stdout(path) {
                writeln!(err, "wrote {}", path.display())?;
            }
        }
        None => out.write_all(&bytes)?,
    }
    Ok(Exit::Success)
}

/// Runs `comply import catalog`.
pub(crate) fn import_catalog(
    args: &CatalogArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Exit> {
    let shown = args.file.display().to_string();
    if let Some(id) = &args.framework
        && !crate::format::valid_framework(id)
    {
        writeln!(
            err,
            "error: --framework `{id}` is not a framework id (lower-case letters, digits, - and _, \
             at most 40); nothing was written"
        )?;
        return Ok(Exit::Invalid);
    }
    let text = match read_catalog(&args.file) {
        Ok(text) => text,
        Err(why) => {
            writeln!(err, "error: {shown}: {why}; nothing was written")?;
            return Ok(Exit::Invalid);
        }
    };
    let selected = match args.profile.as_deref().map(read_profile).transpose() {
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

/// What the profile at `path` selects; the error names the file (and the
/// line and column of bad JSON).
fn read_profile(path: &Path) -> Result<oscal::catalog::Selected, String> {
    let shown = path.display();
    let text = read_catalog(path).map_err(|why| format!("{shown}: {why}"))?;
    oscal::catalog::profile(&text).map_err(|why| format!("{shown}:{why}"))
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
