//! `comply report`: the review report as Markdown, HTML or JSON, and the
//! Statement of Applicability (also CSV).

use std::io::Write;
use std::path::PathBuf;

use super::steps::{self, Context, Exit};
use super::trend::{self, Every};
use clap::{Args, ValueEnum};

use crate::args::FilterArgs;
use crate::report::markdown::{self, Flavor};
use crate::report::{Report, html, soa};
use crate::soa::Soa;
use crate::write;

/// Arguments of `comply report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Which document: the review report, or the Statement of
    /// Applicability (every control, applicable or not, with its
    /// justification, status, evidence and items)
    #[arg(value_enum, default_value_t = ReportKind::Review)]
    pub(crate) kind: ReportKind,
    /// Report format (`csv` for `soa` only)
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
    /// RFC 4180 CSV, one row per control (`soa` only).
    Csv,
}

/// The documents of `comply report`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportKind {
    /// The review report.
    Review,
    /// The Statement of Applicability.
    Soa,
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
    workspace.loaded.fits_documents("a report")?;
    let loaded = &workspace.loaded;
    if args.kind == ReportKind::Soa {
        if args.filter.owner.is_some() {
            anyhow::bail!("--owner does not apply to the Statement of Applicability");
        }
        let filter = steps::filter(&args.filter, &loaded.repository)?;
        let soa = Soa::new(&steps::title(loaded, &ctx.root), &analysed.analysis, |id| {
            filter.framework(id)
        });
        let text = match args.format {
            ReportFormat::Markdown => soa::markdown(&soa, Flavor::Markdown),
            ReportFormat::Html => html::page(
                &format!("Statement of Applicability: {} ({})", soa.title, soa.as_of),
                &soa::markdown(&soa, Flavor::Html),
            ),
            ReportFormat::Json => json_text(&soa)?,
            ReportFormat::Csv => soa::csv(&soa)?,
        };
        return emit(args, &text, out);
    }

    let owners = &loaded.repository.config.owners;
    let filter = steps::filter(&args.filter, &loaded.repository)?;
    let mut report = Report::new(
        &steps::title(loaded, &ctx.root),
        &analysed.analysis,
        &filter,
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
    if loaded.repository.config.audit_period.is_some() {
        match super::audit::grid(ctx, &workspace, &analysed, None) {
            Ok(grid) => {
                let mut audit = grid.audit;
                super::audit::narrow(&mut audit, &filter);
                report.audit = Some(audit);
            }
            Err(why) if !ctx.talk.quiet => {
                writeln!(err, "warning: no audit section: {why:#}")?;
            }
            Err(_) => {}
        }
    }
    let text = match args.format {
        ReportFormat::Markdown => markdown::render(&report, Flavor::Markdown),
        ReportFormat::Html => html::render(&report),
        ReportFormat::Json => json_text(&report)?,
        ReportFormat::Csv => anyhow::bail!(
            "--format csv is for `comply report soa`; the review report is Markdown, HTML or JSON"
        ),
    };
    let emitted = emit(args, &text, out);
    steps::leave(ctx, (text, report));
    steps::leave(ctx, (workspace, analysed));
    emitted
}

/// `doc` as pretty JSON with a final newline.
fn json_text(doc: &impl serde::Serialize) -> anyhow::Result<String> {
    let mut text = serde_json::to_string_pretty(doc)?;
    text.push('\n');
    Ok(text)
}

/// Writes `text` to `--output` or standard output.
fn emit(args: &ReportArgs, text: &str, out: &mut dyn Write) -> anyhow::Result<Exit> {
    match &args.output {
        Some(path) => write::to(path, text.as_bytes(), args.force, out)?,
        None => out.write_all(text.as_bytes())?,
    }
    Ok(Exit::Success)
}
