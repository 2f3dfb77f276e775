//! `comply trend`: figures per period, each from the repository as it was
//! at the period's last commit.

use std::io::Write;
use std::path::Path;

use chrono::NaiveDate;

use super::steps::{Context, Exit};
use crate::analysis::{self, Facts, Options};
use clap::{Args, ValueEnum, ValueHint};

use crate::args::{Format, OutputArgs, date_arg};
use crate::git::{FIRST_GIT_DAY, Repo};
use crate::periods::{self, Period, TrendPoint};
use crate::render::{json, table};
use crate::workspace::Workspace;

/// Arguments of `comply trend`.
#[derive(Debug, Args)]
pub struct TrendArgs {
    /// First day of the first period [default: twelve periods before the as-of date]
    #[arg(long, value_name = "DATE", value_parser = date_arg, value_hint = ValueHint::Other)]
    pub(crate) since: Option<NaiveDate>,
    /// Length of a period
    #[arg(long, value_enum, default_value_t = Every::Month)]
    pub(crate) every: Every,
    /// Output.
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

/// The period of `comply trend`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Every {
    /// Seven days.
    Week,
    /// A calendar month.
    Month,
}

/// The trend's period for a CLI choice.
pub(crate) fn period(every: Every) -> Period {
    match every {
        Every::Week => Period::Week,
        Every::Month => Period::Month,
    }
}

/// Runs `comply trend`.
pub(crate) fn run(
    args: &TrendArgs,
    ctx: &Context,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Exit> {
    let (root, as_of, style) = (ctx.root.as_path(), ctx.as_of, ctx.style);
    let period = period(args.every);
    let since = args
        .since
        .unwrap_or_else(|| periods::default_since(as_of, period));
    let repo =
        Repo::open(root).map_err(|why| anyhow::anyhow!("comply trend reads git history: {why}"))?;
    if repo.is_shallow() {
        writeln!(
            err,
            "warning: this is a shallow clone, so early periods may have no commit; fetch the full history (fetch-depth: 0)"
        )?;
    }
    if !repo.has_commits() {
        writeln!(
            err,
            "note: no history yet: the repository has no commit, so there is no trend to show"
        )?;
    }
    let points = points(&repo, root, since, period, as_of, err)?;
    if args.output.format == Format::Json {
        json::write(out, &json::TrendDoc::new(as_of, &points))?;
    } else {
        table::trend(out, &points, style)?;
    }
    Ok(Exit::Success)
}

/// One point per period from `since` to `as_of`; periods before the first
/// commit, and commits whose files do not validate, are left out (said on
/// `err`); none when the repository has no commit yet.
pub(crate) fn points(
    repo: &Repo,
    root: &Path,
    since: NaiveDate,
    period: Period,
    as_of: NaiveDate,
    err: &mut dyn Write,
) -> anyhow::Result<Vec<TrendPoint>> {
    // Periods run forward, so a commit analysed again is the one just
    // before: only that workspace is kept, never the whole history.
    let mut opened: Option<(String, Workspace)> = None;
    let mut points = Vec::new();
    if !repo.has_commits() {
        return Ok(points);
    }
    let ends = periods::period_ends(since, period, as_of);
    if ends.len() == periods::MAX_PERIODS {
        writeln!(
            err,
            "warning: showing the most recent {} periods; a later --since shows them all",
            periods::MAX_PERIODS
        )?;
    }
    if ends.first().is_some_and(|first| *first < FIRST_GIT_DAY) {
        writeln!(
            err,
            "warning: periods ending before {FIRST_GIT_DAY} are left out: git dates no commit before 1970"
        )?;
    }
    for end in ends {
        let Some(commit) = repo.commit_on(end)? else {
            continue;
        };
        if opened.as_ref().is_none_or(|(c, _)| *c != commit) {
            drop(opened.take()); // free the previous period first
            opened = Some((commit.clone(), Workspace::open(root, Some(&commit))?));
        }
        let Some((_, workspace)) = &opened else {
            continue;
        };
        let loaded = &workspace.loaded;
        if loaded.has_errors() {
            writeln!(
                err,
                "warning: {end}: the files at commit {commit:.10} do not validate; period left out"
            )?;
            continue;
        }
        let (states, history) = workspace.facts(false)?;
        let options = Options {
            as_of: end,
            due_soon_days: loaded.repository.config.due_soon_days,
            fail_on: loaded.repository.config.fail_on,
            fail_on_stale: false,
            without_history: true,
        };
        let facts = Facts {
            evidence: &states,
            history: &history,
        };
        let analysis = analysis::analyse(&loaded.repository, facts, options);
        points.push(periods::point(&analysis, &commit));
    }
    Ok(points)
}
