//! `comply import --kind mappings FILE.csv`: a crosswalk in CSV to
//! `mappings/SOURCE-TARGET.yaml`, planned in full before anything is
//! written, every file or none.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{ImportArgs, MAX_PAGE_BYTES, write_all};
use crate::commands::steps::Exit;
use crate::format::{FileKind, MappingsFile};
use crate::import;

/// Runs the import of CSV crosswalks.
pub(crate) fn run(
    args: &ImportArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Exit> {
    if args.merge {
        writeln!(
            err,
            "error: --merge does not apply to mappings; nothing was written"
        )?;
        return Ok(Exit::Invalid);
    }
    let mut planned: BTreeMap<(String, String), (MappingsFile, String)> = BTreeMap::new();
    let mut failed = false;
    for file in &args.files {
        let shown = file.display().to_string();
        let text = match read(file) {
            Ok(text) => text,
            Err(why) => {
                writeln!(err, "{shown}: error: {why}")?;
                failed = true;
                continue;
            }
        };
        let name = file
            .file_name()
            .map_or(shown.clone(), |n| n.to_string_lossy().into_owned());
        match import::crosswalk::mappings(&text, &name) {
            Ok(files) => {
                for mappings in files {
                    let key = (mappings.source.value.clone(), mappings.target.value.clone());
                    if let Some((_, other)) = planned.get(&key) {
                        writeln!(
                            err,
                            "{shown}: error: mappings from `{}` to `{}` also come from {other}",
                            key.0, key.1
                        )?;
                        failed = true;
                        continue;
                    }
                    planned.insert(key, (mappings, shown.clone()));
                }
            }
            Err(problems) => {
                for problem in problems {
                    writeln!(err, "{shown}: error: {problem}")?;
                }
                failed = true;
            }
        }
    }
    if failed {
        writeln!(err, "error: nothing was written")?;
        return Ok(Exit::Invalid);
    }
    let mut outputs: Vec<(Option<PathBuf>, String)> = Vec::new();
    let into_dir = args.output.as_deref().filter(|p| p.is_dir());
    if args.output.is_some() && into_dir.is_none() && planned.len() > 1 {
        writeln!(
            err,
            "error: the crosswalk gives {} mappings files; give --output an existing folder \
             (they go to FOLDER/mappings/); nothing was written",
            planned.len()
        )?;
        return Ok(Exit::Invalid);
    }
    for ((source, target), (mappings, shown)) in &planned {
        let text = import::to_yaml(mappings, FileKind::Mappings, shown)?;
        let path = match (into_dir, &args.output) {
            (Some(dir), _) => Some(dir.join("mappings").join(format!("{source}-{target}.yaml"))),
            (None, path) => path.clone(),
        };
        if let Some(path) = &path
            && !args.force
            && path.symlink_metadata().is_ok()
        {
            writeln!(
                err,
                "error: `{}` exists (--force replaces it); nothing was written",
                path.display()
            )?;
            return Ok(Exit::Invalid);
        }
        outputs.push((path, text));
    }
    let files: Vec<(&Path, &str)> = outputs
        .iter()
        .filter_map(|(p, t)| p.as_deref().map(|p| (p, t.as_str())))
        .collect();
    if let Err((message, _)) = write_all(&files, args.force) {
        writeln!(err, "error: {message}; nothing was written")?;
        return Ok(Exit::Invalid);
    }
    for (index, (path, text)) in outputs.iter().enumerate() {
        match path {
            Some(path) => writeln!(err, "wrote {}", path.display())?,
            None => {
                if index > 0 {
                    out.write_all(b"---\n")?;
                }
                out.write_all(text.as_bytes())?;
            }
        }
    }
    Ok(Exit::Success)
}

/// The text of a CSV file, within the page limit and as UTF-8 (a leading
/// byte-order mark dropped, as spreadsheets write one).
fn read(file: &Path) -> Result<String, String> {
    let meta = std::fs::metadata(file).map_err(|e| format!("cannot read: {e}"))?;
    if !meta.is_file() {
        return Err("not a regular file".to_string());
    }
    if meta.len() > MAX_PAGE_BYTES {
        return Err(format!("larger than the limit of {MAX_PAGE_BYTES} bytes"));
    }
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read: {e}"))?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    String::from_utf8(bytes.to_vec()).map_err(|_| "not UTF-8 text".to_string())
}
