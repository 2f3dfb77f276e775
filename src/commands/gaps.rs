//! `comply gaps`: controls not implemented, and implemented but unproven.

use std::io::Write;

use super::steps::{self, Context, Exit};
use clap::Args;

use crate::args::{FilterArgs, OutputArgs};
use crate::render::{json, table};

/// Arguments of `comply gaps`.
#[derive(Debug, Args)]
pub struct GapsArgs {
    /// Filters.
    #[command(flatten)]
    pub(crate) filter: FilterArgs,
    /// Output.
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

/// Runs `comply gaps`.
pub(crate) fn run(
    args: &GapsArgs,
    ctx: &Context,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Exit> {
    let Some((workspace, analysed)) = steps::open_analysed(ctx, |o| o, false, err)? else {
        return Ok(Exit::Invalid);
    };
    let analysis = &analysed.analysis;
    let filter = steps::filter(&args.filter, &workspace.loaded.repository)?;
    let mut gaps = analysis.gaps();
    gaps.retain(|c| filter.control(c));
    let mut unproven = analysis.unproven();
    unproven.retain(|c| filter.control(c));
    if steps::is_json(&args.output) {
        json::write(out, &json::GapsDoc::new(analysis.as_of, &gaps, &unproven))?;
    } else {
        table::gaps(out, &gaps, &unproven, analysis, ctx.style)?;
    }
    steps::leave(ctx, (workspace, analysed));
    Ok(Exit::Success)
}
