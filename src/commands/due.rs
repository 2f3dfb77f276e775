//! `comply due`: overdue, due soon and unscheduled items.

use std::io::Write;

use super::steps::{self, Context, Exit};
use crate::analysis::{Analysis, ItemState, Options};
use clap::{Args, ValueHint};

use crate::args::{FilterArgs, OutputArgs};
use crate::filter::Filter;
use crate::render::{DueLists, json, table};

/// Arguments of `comply due`.
#[derive(Debug, Args)]
pub struct DueArgs {
    /// The due-soon window in days [default: `due_soon_days` from comply.yaml, else 14]
    #[arg(long, value_name = "DAYS", value_hint = ValueHint::Other)]
    pub(crate) within: Option<u32>,
    /// Filters.
    #[command(flatten)]
    pub(crate) filter: FilterArgs,
    /// Output.
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

/// Runs `comply due`.
pub(crate) fn run(
    args: &DueArgs,
    ctx: &Context,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Exit> {
    let within = |base: Options| Options {
        due_soon_days: args.within.unwrap_or(base.due_soon_days),
        ..base
    };
    let Some((workspace, analysed)) = steps::open_analysed(ctx, within, false, err)? else {
        return Ok(Exit::Invalid);
    };
    let analysis = &analysed.analysis;
    let filter = steps::filter(&args.filter, &workspace.loaded.repository)?;
    let lists = due_lists(analysis, &filter);
    if steps::is_json(&args.output) {
        json::write(out, &json::DueDoc::new(analysis.as_of, &lists))?;
    } else {
        table::due(out, &lists, ctx.style)?;
    }
    steps::leave(ctx, (workspace, analysed));
    Ok(Exit::Success)
}

fn due_lists<'a>(analysis: &'a Analysis, filter: &Filter) -> DueLists<'a> {
    let keep = filter.items_of(analysis);
    let pick = |state| -> Vec<_> {
        analysis
            .items_in(state)
            .into_iter()
            .filter(|i| keep(i))
            .collect()
    };
    DueLists {
        within: analysis.due_soon_days,
        overdue: pick(ItemState::Overdue),
        due_soon: pick(ItemState::DueSoon),
        unscheduled: pick(ItemState::Unscheduled),
    }
}
