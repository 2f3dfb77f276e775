//! `comply coverage`: how far shared work covers each framework.

use std::io::Write;

use super::steps::{self, Context, Exit};
use clap::{Args, ValueHint};

use crate::args::{FilterArgs, OutputArgs};
use crate::coverage::Coverage;
use crate::render::{json, table};

/// Arguments of `comply coverage`.
#[derive(Debug, Args)]
pub struct CoverageArgs {
    /// Only this framework's row (repeatable)
    #[arg(long = "framework", value_name = "ID", value_hint = ValueHint::Other)]
    pub(crate) frameworks: Vec<String>,
    /// Output.
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

/// Runs `comply coverage`.
pub(crate) fn run(
    args: &CoverageArgs,
    ctx: &Context,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Exit> {
    let Some((workspace, analysed)) = steps::open_analysed(ctx, |o| o, false, err)? else {
        return Ok(Exit::Invalid);
    };
    let wanted = FilterArgs {
        frameworks: args.frameworks.clone(),
        owner: None,
    };
    let filter = steps::filter(&wanted, &workspace.loaded.repository)?;
    let analysis = &analysed.analysis;
    let coverage = Coverage::new(analysis, |id| filter.framework(id));
    if steps::is_json(&args.output) {
        json::write(out, &json::CoverageDoc::new(analysis.as_of, &coverage))?;
    } else {
        table::coverage(out, &coverage, ctx.style)?;
    }
    steps::leave(ctx, (workspace, analysed));
    Ok(Exit::Success)
}
