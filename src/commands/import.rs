//! `comply import`: reads pages, imports them, writes YAML (the I/O around
//! the pure `crate::import`).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use chrono::NaiveDate;

use super::Exit;
use crate::cli::{ImportArgs, ImportKind};
use crate::gate::plural;
use crate::import::{self, Imported, Kind, Options};

/// One file to write.
struct Output {
    path: Option<PathBuf>,
    text: String,
}

/// Runs `comply import`.
pub fn run(
    args: &ImportArgs,
    as_of: NaiveDate,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Exit> {
    let options = Options {
        framework: args.framework.clone(),
        kind: match args.kind {
            ImportKind::Auto => Kind::Auto,
            ImportKind::Backlog => Kind::Backlog,
            ImportKind::Matrix => Kind::Matrix,
            ImportKind::Tasks => Kind::Tasks,
        },
        id_prefix: args.id_prefix.clone(),
        default_risk: args.default_risk.into(),
        as_of,
    };
    let into_dir = args.output.as_deref().filter(|p| p.is_dir());
    let mut outputs = Vec::new();
    let mut failed = false;
    for file in &args.files {
        let shown = file.display().to_string();
        let bytes = std::fs::read(file).with_context(|| format!("cannot read `{shown}`"))?;
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let line = e.as_bytes()[..e.utf8_error().valid_up_to()]
                    .iter()
                    .filter(|b| **b == b'\n')
                    .count()
                    + 1;
                writeln!(err, "{shown}:{line}: error: not valid UTF-8 text")?;
                failed = true;
                continue;
            }
        };
        let name = file
            .file_name()
            .map_or_else(|| shown.clone(), |n| n.to_string_lossy().into_owned());
        let imported = match import::import(&name, &text, &options) {
            Ok(imported) => imported,
            Err(e) => {
                let at = e.line.map(|l| format!(":{l}")).unwrap_or_default();
                writeln!(err, "{shown}{at}: error: {}", e.message)?;
                failed = true;
                continue;
            }
        };
        for note in &imported.notes {
            writeln!(err, "{shown}:{}: note: {}", note.line, note.message)?;
        }
        if args.strict && !imported.notes.is_empty() {
            writeln!(
                err,
                "{shown}: error: {} parts not imported (--strict)",
                imported.notes.len()
            )?;
            failed = true;
            continue;
        }
        writeln!(err, "{shown}: {}", summary(&imported))?;
        outputs.extend(files_of(&imported, file, &shown, into_dir)?);
    }
    if failed {
        writeln!(err, "error: nothing was written")?;
        return Ok(Exit::Invalid);
    }
    place(&mut outputs, args.output.as_deref(), into_dir.is_some())?;
    if !args.force {
        for output in &outputs {
            if let Some(path) = &output.path
                && path.symlink_metadata().is_ok()
            {
                bail!(
                    "`{}` already exists; pass --force to replace it (nothing was written)",
                    path.display()
                );
            }
        }
    }
    for output in &outputs {
        match &output.path {
            Some(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)
                        .with_context(|| format!("cannot create `{}`", dir.display()))?;
                }
                crate::write::atomic(path, output.text.as_bytes(), args.force)?;
                writeln!(err, "wrote {}", path.display())?;
            }
            None => out.write_all(output.text.as_bytes())?,
        }
    }
    Ok(Exit::Success)
}

/// "15 items (6 high risk), 0 controls, 2 characters repaired".
fn summary(imported: &Imported) -> String {
    let items = imported.backlog.as_ref().map_or(&[][..], |b| &b.items[..]);
    let high = items
        .iter()
        .filter(|i| i.risk.at_least(crate::model::Risk::High))
        .count();
    let controls = imported.matrix.as_ref().map_or(0, |m| m.controls.len());
    let count = |n: usize, noun: &str| format!("{n} {}", plural(n as i64, noun));
    format!(
        "{} ({high} high risk or above), {}, {}, {} repaired",
        count(items.len(), "item"),
        count(controls, "control"),
        count(imported.notes.len(), "note"),
        count(imported.repaired, "mis-encoded character"),
    )
}

/// The YAML files of one page; paths are set when writing into a directory.
fn files_of(
    imported: &Imported,
    file: &Path,
    shown: &str,
    dir: Option<&Path>,
) -> anyhow::Result<Vec<Output>> {
    let stem = file
        .file_stem()
        .map_or_else(|| "imported".into(), |s| s.to_string_lossy().into_owned());
    let mut outputs = Vec::new();
    if let Some(backlog) = &imported.backlog {
        outputs.push(Output {
            path: dir.map(|d| d.join("backlog").join(format!("{stem}.yaml"))),
            text: import::to_yaml(backlog, "backlog", shown)?,
        });
    }
    if let Some(matrix) = &imported.matrix {
        outputs.push(Output {
            path: dir.map(|d| {
                d.join("controls")
                    .join(format!("{}.yaml", matrix.framework))
            }),
            text: import::to_yaml(matrix, "controls", shown)?,
        });
    }
    Ok(outputs)
}

/// Sends a single result to `--output FILE`, refuses several results
/// without a directory to put them in.
fn place(outputs: &mut [Output], output: Option<&Path>, into_dir: bool) -> anyhow::Result<()> {
    if into_dir {
        return Ok(());
    }
    match (outputs, output) {
        ([one], Some(path)) => {
            one.path = Some(path.to_path_buf());
            Ok(())
        }
        ([_], None) | ([], _) => Ok(()),
        (_, _) => bail!(
            "these pages give several YAML files; pass --output DIR (an existing directory) to write them into DIR/backlog/ and DIR/controls/"
        ),
    }
}
