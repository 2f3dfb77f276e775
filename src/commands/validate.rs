//! `comply validate`: every problem of every file, and what was read.

use std::io::Write;

use super::steps::{self, Context, Exit};
use crate::args::OutputArgs;
use crate::render::json;
use crate::text::plural;

/// Runs `comply validate`. A reader that stops early (`comply validate |
/// head`) does not change the exit code: an invalid repository is exit 2.
pub(crate) fn run(
    args: &OutputArgs,
    ctx: &Context,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Exit> {
    let workspace = steps::open_files(ctx, err)?;
    let loaded = &workspace.loaded;
    let exit = if loaded.has_errors() {
        Exit::Invalid
    } else {
        Exit::Success
    };
    match write(args, ctx, loaded, out, err) {
        Err(e) if steps::is_broken_pipe(&e) => Ok(exit),
        Err(e) => Err(e),
        Ok(()) => {
            out.flush()?;
            Ok(exit)
        }
    }
}

/// Writes the diagnostics and the summary of `loaded`.
fn write(
    args: &OutputArgs,
    ctx: &Context,
    loaded: &crate::load::Loaded,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<()> {
    let talk = ctx.talk;
    if steps::is_json(args) {
        json::write(out, &json::ValidateDoc::new(&loaded.diagnostics))?;
        return Ok(());
    }
    steps::print_diagnostics(loaded, talk, err)?;
    let errors = loaded.diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = loaded.diagnostics.len() - errors;
    if talk.quiet && errors == 0 {
        return Ok(());
    }
    let repo = &loaded.repository;
    let controls: usize = repo.frameworks.iter().map(|f| f.controls.len()).sum();
    let count = |n: usize, noun: &str| format!("{n} {}", plural(n, noun));
    let mut parts = vec![
        count(repo.frameworks.len(), "framework"),
        count(controls, "control"),
        count(repo.items.len(), "item"),
    ];
    if !repo.reviews.is_empty() {
        parts.push(count(repo.reviews.len(), "review"));
    }
    if !repo.exceptions.is_empty() {
        parts.push(count(repo.exceptions.len(), "risk acceptance"));
    }
    parts.push(count(repo.evidence().count(), "evidence entry"));
    let counts = format!("{} in {}", parts.join(", "), count(loaded.files, "file"));
    if errors > 0 {
        writeln!(
            err,
            "error: {errors} {}, {warnings} {}",
            plural(errors, "error"),
            plural(warnings, "warning")
        )?;
    } else if warnings > 0 {
        writeln!(
            out,
            "valid, with {warnings} {}: {counts}",
            plural(warnings, "warning")
        )?;
    } else {
        writeln!(out, "valid: {counts}")?;
    }
    Ok(())
}
