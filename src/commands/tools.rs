//! The commands that need no repository: `init`, `schema`, `completions`
//! and `man`.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::steps::Exit;
use crate::{init, schema, write};
use clap::{Args, ValueHint};

/// Arguments of `comply init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Directory to set up [default: the current directory]
    #[arg(value_name = "DIR")]
    pub(crate) dir: Option<PathBuf>,
}

/// Arguments of `comply schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which file kind, or which JSON output document (the command's name;
    /// `ratchet` for check --baseline, `manifest` and `verify` for evidence)
    #[arg(value_parser = clap::builder::PossibleValuesParser::new(crate::schema::names()))]
    pub(crate) kind: String,
}

/// Arguments of `comply man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write comply.1 and a page per command (comply-check.1, ...) into DIR,
    /// creating it (e.g. ~/.local/share/man/man1); `-` prints all pages, one
    /// after another, on standard output (`man -l -` reads them) [default:
    /// print comply.1]
    #[arg(long, short, value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub(crate) output: Option<PathBuf>,
}

/// Arguments of `comply completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub(crate) shell: clap_complete::Shell,
}

/// `comply init [DIR]`: writes the starter files, all or nothing. Nothing
/// is written when one of them exists or a directory on their way is not a
/// directory; a write that fails half-way removes what this run created.
pub(crate) fn init(args: &InitArgs, cwd: &Path, err: &mut dyn Write) -> anyhow::Result<Exit> {
    let dir = args
        .dir
        .as_deref()
        .map_or_else(|| cwd.to_path_buf(), |d| cwd.join(d));
    let plan = init::plan(&dir, |path| {
        path.symlink_metadata().ok().map(|m| m.is_dir())
    })
    .map_err(|problem| anyhow::anyhow!("{problem}; comply init writes nothing"))?;
    let mut created: Vec<PathBuf> = Vec::new();
    let written = write_all(&plan, &mut created);
    if let Err(e) = written {
        // Undo in reverse: files, then the directories made for them.
        for path in created.iter().rev() {
            let _ = std::fs::remove_file(path).or_else(|_| std::fs::remove_dir(path));
        }
        return Err(e.context("comply init wrote nothing"));
    }
    for (target, _) in &plan.files {
        writeln!(err, "created {}", target.display())?;
    }
    writeln!(
        err,
        "next: `comply validate`, then `comply status` (see docs/getting-started.md)"
    )?;
    Ok(Exit::Success)
}

/// Creates the planned directories and files, recording each in `created`.
fn write_all(plan: &init::Plan, created: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    for dir in &plan.dirs {
        std::fs::create_dir(dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
        created.push(dir.clone());
    }
    for (target, text) in &plan.files {
        write::atomic(target, text.as_bytes(), false)?;
        created.push(target.clone());
    }
    Ok(())
}

/// `comply schema KIND`.
pub(crate) fn schema(args: &SchemaArgs, out: &mut dyn Write) -> anyhow::Result<Exit> {
    let text =
        schema::json(&args.kind).with_context(|| format!("no schema for `{}`", args.kind))?;
    out.write_all(text.as_bytes())?;
    Ok(Exit::Success)
}

/// `comply completions SHELL`: hidden commands and options left out.
pub(crate) fn completions(
    args: &CompletionsArgs,
    mut command: clap::Command,
    out: &mut dyn Write,
) -> anyhow::Result<Exit> {
    // clap_complete panics when its writer fails (a full disk, a closed
    // pipe): it writes to memory, and the failure of the real write comes
    // back as an error.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "comply", &mut script);
    out.write_all(&script)?;
    out.flush()?;
    Ok(Exit::Success)
}

/// `comply man [--output DIR]`: the top page on standard output, or every
/// page written into DIR; with `--output -`, every page on standard output,
/// as `-o -` means standard output for the other commands.
pub(crate) fn man(
    args: &ManArgs,
    command: clap::Command,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Exit> {
    let pages = crate::man::pages(command)?;
    let dir = match &args.output {
        Some(dir) if dir.as_os_str() != "-" => dir,
        output => {
            let shown = if output.is_some() { pages.len() } else { 1 };
            for (_, text) in pages.iter().take(shown) {
                out.write_all(text)?;
            }
            return Ok(Exit::Success);
        }
    };
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
    for (name, text) in &pages {
        let path = dir.join(name);
        write::atomic(&path, text, true)?;
        writeln!(err, "wrote {}", path.display())?;
    }
    Ok(Exit::Success)
}

/// `comply reference`: the Markdown CLI reference (`docs/cli.md`), for the
/// test that keeps it current.
pub(crate) fn reference(text: &str, out: &mut dyn Write) -> anyhow::Result<Exit> {
    out.write_all(text.as_bytes())?;
    Ok(Exit::Success)
}
