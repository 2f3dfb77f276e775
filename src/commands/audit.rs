//! `comply audit`: the grid of an audit period; shared with `comply pack`.

use std::collections::{BTreeSet, HashMap};
use std::io::Write;

use super::steps::{self, Analysed, Context, Exit};
use crate::audit::{self, Audit};
use crate::cadence_periods;
use clap::{Args, ValueHint};

use crate::args::{FilterArgs, OutputArgs, period_arg};
use crate::date::Span;
use crate::evidence::EvidenceMap;
use crate::filter::Filter;
use crate::git::LastCommit;
use crate::render::{json, table};
use crate::workspace::Workspace;

/// Arguments of `comply audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// The audit period, as FROM..TO with each a day, month, quarter, half
    /// or year (`2026-01-01..2026-06-30`, `2026-Q1..2026-Q2`, `2026`)
    /// [default: `audit_period` from comply.yaml]
    #[arg(long, value_name = "FROM..TO", value_parser = period_arg, value_hint = ValueHint::Other)]
    pub(crate) period: Option<Span>,
    /// Filters.
    #[command(flatten)]
    pub(crate) filter: FilterArgs,
    /// Output.
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

/// Runs `comply audit`.
pub(crate) fn run(
    args: &AuditArgs,
    ctx: &Context,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Exit> {
    let Some((workspace, analysed)) = steps::open_analysed(ctx, |o| o, true, err)? else {
        return Ok(Exit::Invalid);
    };
    let mut grid = grid(ctx, &workspace, &analysed, args.period)?;
    let filter = steps::filter(&args.filter, &workspace.loaded.repository)?;
    narrow(&mut grid.audit, &filter);
    if steps::is_json(&args.output) {
        json::write(out, &json::AuditDoc::new(&grid.audit))?;
    } else {
        table::audit(out, &grid.audit, ctx.style)?;
    }
    steps::leave(ctx, (workspace, analysed));
    Ok(Exit::Success)
}

/// Keeps the activities of the frameworks and owners `filter` keeps.
pub(crate) fn narrow(audit: &mut Audit, filter: &Filter) {
    audit.activities.retain(|a| {
        filter.framework(a.framework.as_deref().unwrap_or("")) && filter.owned(a.owner.as_deref())
    });
}

/// The grid and what it was made from.
pub(crate) struct Grid {
    pub(crate) audit: Audit,
    /// States of every evidence path and pattern path.
    pub(crate) states: EvidenceMap,
    /// The commit that first added each evidence file.
    pub(crate) added: HashMap<String, LastCommit>,
}

/// The audit period of `--period`, else of comply.yaml; an error without one.
pub(crate) fn period(given: Option<Span>, workspace: &Workspace) -> anyhow::Result<Span> {
    given
        .or(workspace.loaded.repository.config.audit_period)
        .ok_or_else(|| {
            anyhow::anyhow!(
                "no audit period: give --period FROM..TO (e.g. 2026-01..2026-12) or set \
                 `audit_period: {{from: YYYY-MM-DD, to: YYYY-MM-DD}}` in comply.yaml"
            )
        })
}

/// Resolves the patterns' paths, asks git when each evidence file was first
/// committed, and makes the grid.
pub(crate) fn grid(
    ctx: &Context,
    workspace: &Workspace,
    analysed: &Analysed,
    given: Option<Span>,
) -> anyhow::Result<Grid> {
    let period = period(given, workspace)?;
    let repo = &workspace.loaded.repository;
    let cells: usize = repo
        .recurring()
        .iter()
        .map(|a| cadence_periods::count(a.cadence, period))
        .sum();
    if cells > cadence_periods::MAX_CELLS {
        anyhow::bail!(
            "the audit grid of {period} would hold {cells} periods (each recurring \
             activity's periods together), over the limit of {}; give a shorter --period, \
             or cadences of fewer periods",
            cadence_periods::MAX_CELLS
        );
    }
    let patterns = audit::pattern_paths(repo, period);
    let mut states = analysed.states.clone();
    states.extend(workspace.resolve(patterns.iter().map(String::as_str)));
    let files: BTreeSet<String> = states
        .values()
        .flat_map(|s| s.files.iter().cloned())
        .collect();
    let added = workspace.first_added(&files)?.map_err(|why| {
        anyhow::anyhow!("an audit dates evidence by its commits, and git cannot tell them: {why}")
    })?;
    let facts = audit::Facts {
        states: &states,
        added: &added,
    };
    let audit = audit::grid(repo, period, repo.config.audit_grace_days, ctx.as_of, facts);
    Ok(Grid {
        audit,
        states,
        added,
    })
}
