//! `comply status`: the dashboard.

use std::io::Write;

use super::steps::{self, Context, Exit};
use crate::args::OutputArgs;
use crate::render::{json, table};

/// Runs `comply status`.
pub(crate) fn run(
    args: &OutputArgs,
    ctx: &Context,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Exit> {
    let Some((workspace, analysed)) = steps::open_analysed(ctx, |o| o, false, err)? else {
        return Ok(Exit::Invalid);
    };
    let analysis = &analysed.analysis;
    if steps::is_json(args) {
        json::write(out, &json::StatusDoc::new(analysis))?;
    } else {
        let title = steps::title(&workspace.loaded, &ctx.root);
        table::status(out, &title, analysis, ctx.style)?;
    }
    steps::leave(ctx, (workspace, analysed));
    Ok(Exit::Success)
}
