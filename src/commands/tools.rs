//! The commands that need no repository: `init`, `schema`, `completions`
//! and `man`.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, bail};

use super::Exit;
use crate::cli::{self, CompletionsArgs, InitArgs, ManArgs, SchemaArgs};
use crate::{init, schema, write};

/// `comply init [DIR]`: writes the starter files, refusing to overwrite any
/// (nothing is written when one exists).
pub fn init(args: &InitArgs, cwd: &Path, err: &mut dyn Write) -> anyhow::Result<Exit> {
    let dir = args
        .dir
        .as_deref()
        .map_or_else(|| cwd.to_path_buf(), |d| cwd.join(d));
    let files = init::files();
    let existing: Vec<String> = files
        .iter()
        .filter(|(path, _)| dir.join(path).symlink_metadata().is_ok())
        .map(|(path, _)| path.clone())
        .collect();
    if !existing.is_empty() {
        bail!(
            "`{}` already has {}; comply init writes nothing over existing files",
            dir.display(),
            existing.join(", ")
        );
    }
    for (path, text) in &files {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create `{}`", parent.display()))?;
        }
        write::atomic(&target, text.as_bytes(), false)?;
        writeln!(err, "created {}", target.display())?;
    }
    writeln!(
        err,
        "next: `comply validate`, then `comply status` (see docs/getting-started.md)"
    )?;
    Ok(Exit::Success)
}

/// `comply schema KIND`.
pub fn schema(args: &SchemaArgs, out: &mut dyn Write) -> anyhow::Result<Exit> {
    let text =
        schema::json(&args.kind).with_context(|| format!("no schema for `{}`", args.kind))?;
    out.write_all(text.as_bytes())?;
    Ok(Exit::Success)
}

/// `comply completions SHELL`: hidden commands and options left out.
pub fn completions(args: &CompletionsArgs, out: &mut dyn Write) -> anyhow::Result<Exit> {
    let mut command = cli::visible_command();
    clap_complete::generate(args.shell, &mut command, "comply", out);
    Ok(Exit::Success)
}

/// `comply man [--output DIR]`: the top page on standard output, or every
/// page written into DIR.
pub fn man(args: &ManArgs, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<Exit> {
    let pages = crate::man::pages()?;
    let Some(dir) = &args.output else {
        if let Some((_, text)) = pages.first() {
            out.write_all(text)?;
        }
        return Ok(Exit::Success);
    };
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
    for (name, text) in &pages {
        let path = dir.join(name);
        write::atomic(&path, text, true)?;
        writeln!(err, "wrote {}", path.display())?;
    }
    Ok(Exit::Success)
}
