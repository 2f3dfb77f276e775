//! `comply report`: the review report as Markdown, HTML or JSON.

use std::io::Write;
use std::path::PathBuf;

use super::steps::{self, Context, Exit};
use super::trend::{self, Every};
use clap::{Args, ValueEnum};

use crate::args::FilterArgs;
use crate::report::markdown::{self, Flavor};
use crate::report::{Report, html};
use crate::write;

/// Arguments of `comply report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Report format
    #[arg(long, value_enum, default_value_t = ReportFormat::Markdown)]
    pub(crate) format: ReportFormat,
    /// Write the report to FILE (atomically) instead of standard output
    /// (`-` is standard output)
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// Replace FILE if it exists
    #[arg(long, requires = "output")]
    pub(crate) force: bool,
    /// Filters.
    #[command(flatten)]
    pub(crate) filter: FilterArgs,
}

/// The formats of `comply report`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// GitHub-flavoured Markdown.
    Markdown,
    /// One self-contained HTML page (inline CSS and SVG, no script).
    Html,
    /// The full analysis behind the report (see docs/report.md).
    Json,
}

/// Runs `comply report`.
pub(crate) fn run(
    args: &ReportArgs,
    ctx: &Context,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Exit> {
    let Some((workspace, analysed)) = steps::open_analysed(ctx, |o| o, false, err)? else {
        return Ok(Exit::Invalid);
    };
    let loaded = &workspace.loaded;
    let owners = &loaded.repository.config.owners;
    let mut report = Report::new(
        &steps::title(loaded, &ctx.root),
        &analysed.analysis,
        &steps::filter(&args.filter, &loaded.repository)?,
        owners,
    );
    if args.format == ReportFormat::Html
        && workspace.at.is_none()
        && let Ok(repo) = &workspace.git
    {
        let period = trend::period(Every::Month);
        let since = crate::periods::default_since(ctx.as_of, period);
        report.trend = trend::points(repo, &ctx.root, since, period, ctx.as_of, err)?;
    }
    let text = match args.format {
        ReportFormat::Markdown => markdown::render(&report, Flavor::Markdown),
        ReportFormat::Html => html::render(&report),
        ReportFormat::Json => {
            let mut text = serde_json::to_string_pretty(&report)?;
            text.push('\n');
            text
        }
    };
    match &args.output {
        Some(path) => write::to(path, text.as_bytes(), args.force, out)?,
        None => out.write_all(text.as_bytes())?,
    }
    Ok(Exit::Success)
}
