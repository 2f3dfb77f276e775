//! `comply check --baseline REV` (the ratchet) and `comply diff`.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;

use super::steps::Exit;
use super::steps::{Analysed, Talk, analysed};
use crate::analysis::{Analysis, Options};
use crate::render::{ci, diff as render, json};
use crate::workspace::Workspace;
use crate::{diff, ratchet};
use clap::{Args, ValueEnum, ValueHint};

use crate::args::CheckFormat;

/// Arguments of `comply diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier revision
    #[arg(value_name = "REV1", value_hint = ValueHint::Other)]
    pub(crate) from: String,
    /// The later revision [default: the working tree]
    #[arg(value_name = "REV2", value_hint = ValueHint::Other)]
    pub(crate) to: Option<String>,
    /// Output format (`markdown` gives a review pack)
    #[arg(long, value_enum, default_value_t = DiffFormat::Table)]
    pub(crate) format: DiffFormat,
}

/// The formats of `comply diff`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// Sections of lines for people.
    Table,
    /// Stable JSON.
    Json,
    /// A Markdown review pack.
    Markdown,
}

/// What `comply check --baseline REV` compares against, and how it reports.
pub(crate) struct Baseline<'a> {
    pub(crate) root: &'a Path,
    pub(crate) rev: &'a str,
    /// The options the current state was analysed with.
    pub(crate) options: Options,
    pub(crate) format: CheckFormat,
    pub(crate) talk: Talk,
    /// With `--format github`: the report's title and GitHub's summary
    /// file, where the changes are also appended as Markdown.
    pub(crate) step_summary: Option<(String, &'a Path)>,
}

/// The ratchet: compares `now` with the repository at the baseline's
/// revision, analysed with the same options, and fails only on what got
/// worse. With `--format github` and a step summary, the changes are also
/// appended there as Markdown.
pub(crate) fn ratchet(
    baseline: &Baseline,
    now: &Analysis,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Exit> {
    let Baseline {
        root,
        rev,
        options,
        format,
        talk,
        ..
    } = *baseline;
    let step_summary = baseline.step_summary.as_ref();
    let baseline = Workspace::open(root, Some(rev))?;
    let quiet = Talk {
        quiet: true,
        ..talk
    };
    let Some(Analysed {
        analysis: before, ..
    }) = analysed(&baseline, options, false, quiet, err)?
    else {
        writeln!(
            err,
            "error: the baseline {rev} does not validate; nothing to compare with"
        )?;
        return Ok(Exit::Invalid);
    };
    let comparison = ratchet::compare(&before, now);
    match format {
        CheckFormat::Json => json::write(out, &json::RatchetDoc::new(rev, &comparison))?,
        CheckFormat::Github => {
            let prefix = baseline.git.as_ref().map_or("", |repo| repo.prefix());
            ci::ratchet(out, rev, &comparison, prefix, talk.quiet)?;
            if let Some((title, path)) = step_summary {
                let summary = ci::ratchet_summary(title, rev, &comparison);
                // As for the gate: the summary cannot change the verdict.
                if let Err(e) = crate::write::append(path, summary.as_bytes()) {
                    writeln!(err, "warning: GITHUB_STEP_SUMMARY: {e:#}")?;
                }
            }
        }
        CheckFormat::Table | CheckFormat::Junit => {
            render::ratchet(out, rev, &comparison, talk.quiet)?;
        }
    }
    Ok(if comparison.worse.is_empty() {
        Exit::Success
    } else {
        Exit::GateFailed
    })
}

/// `comply diff REV1 [REV2]`.
pub(crate) fn diff(
    root: &Path,
    args: &DiffArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Exit> {
    let before = Workspace::open(root, Some(&args.from))?;
    let after = Workspace::open(root, args.to.as_deref())?;
    for (name, workspace) in [
        (args.from.as_str(), &before),
        (args.to.as_deref().unwrap_or("the working tree"), &after),
    ] {
        if workspace.loaded.has_errors() {
            writeln!(
                err,
                "error: the repository at {name} does not validate (see `comply validate`)"
            )?;
            return Ok(Exit::Invalid);
        }
    }
    let repo = after
        .git
        .as_ref()
        .map_err(|why| anyhow::anyhow!("comply diff reads git history: {why}"))?;
    let changed = repo.changed_files(&args.from, args.to.as_deref())?;
    let (states, _) = after.facts(false)?;
    let changed_paths: BTreeSet<String> = states
        .iter()
        .filter(|(_, status)| status.files.iter().any(|f| changed.contains(f)))
        .map(|(path, _)| path.clone())
        .collect();
    let review = diff::diff(
        &before.loaded.repository,
        &after.loaded.repository,
        &changed_paths,
    );
    let to = args.to.as_deref().unwrap_or("working tree");
    match args.format {
        DiffFormat::Json => json::write(out, &json::DiffDoc::new(&args.from, to, &review))?,
        DiffFormat::Table => render::table(out, &args.from, to, &review)?,
        DiffFormat::Markdown => render::markdown(out, &args.from, to, &review)?,
    }
    Ok(Exit::Success)
}
