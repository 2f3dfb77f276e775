//! `comply check`: the CI gate, and with `--baseline` the ratchet.

use std::io::{self, Write};

use super::review::{self, Baseline};
use super::steps::{self, Context, Exit};
use crate::analysis::Analysis;
use clap::{Args, ValueHint};

use crate::args::{CheckFormat, GateArgs, period_arg};
use crate::date::Span;
use crate::filter::Filter;
use crate::render::{ci, json, table};
use crate::report::Report;
use crate::report::markdown;
use crate::workspace::Workspace;
use crate::write;

/// Arguments of `comply check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// How the gate judges.
    #[command(flatten)]
    pub(crate) gate: GateArgs,
    /// Ratchet: fail only on what got worse since this git revision (e.g. origin/main)
    #[arg(long, value_name = "REV", value_hint = ValueHint::Other)]
    pub(crate) baseline: Option<String>,
    /// Also fail on periods of the audit period without evidence for
    /// recurring activities at or above the threshold (see `comply audit`)
    #[arg(long, conflicts_with = "baseline")]
    pub(crate) audit: bool,
    /// The audit period of --audit, as FROM..TO [default: `audit_period`
    /// from comply.yaml]
    #[arg(long, value_name = "FROM..TO", requires = "audit", value_parser = period_arg, value_hint = ValueHint::Other)]
    pub(crate) period: Option<Span>,
    /// Output format
    #[arg(long, value_enum, default_value_t = CheckFormat::Table)]
    pub(crate) format: CheckFormat,
}

/// Runs `comply check`.
pub(crate) fn run(
    args: &CheckArgs,
    ctx: &Context,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Exit> {
    let workspace = steps::open(ctx, err)?;
    let options = args.gate.apply(steps::options(ctx, &workspace));
    let Some(mut analysed) = steps::analysed(&workspace, options, false, ctx.talk, err)? else {
        return Ok(Exit::Invalid);
    };
    if args.audit {
        let grid = super::audit::grid(ctx, &workspace, &analysed, args.period)?;
        crate::gate::fold_audit(&mut analysed.analysis.gate, &grid.audit);
    }
    let analysis = &analysed.analysis;
    let talk = ctx.talk;
    if let Some(why) = &analysis.gate.undetermined {
        writeln!(
            err,
            "error: the gate needs git history to date recurring work or evidence, and \
             it is unavailable ({}); give it the full history, or pass \
             --without-history to gate without it",
            crate::text::inert(why)
        )?;
        return Ok(Exit::Invalid);
    }
    if let Some(rev) = &args.baseline {
        if args.format == CheckFormat::Junit {
            writeln!(
                err,
                "error: --baseline compares two states and has no test cases to write \
                 as JUnit; use --format json, github or table with it"
            )?;
            return Ok(Exit::Invalid);
        }
        let baseline = Baseline {
            root: &ctx.root,
            rev,
            options,
            format: args.format,
            talk,
            step_summary: ctx
                .env
                .step_summary
                .as_deref()
                .map(|path| (steps::title(&workspace.loaded, &ctx.root), path)),
        };
        return review::ratchet(&baseline, analysis, out, err);
    }
    // Each line is formatted only when it is shown (11,000 offenders in a
    // large repository).
    let explained = if talk.verbose {
        analysis.gate.offenders.as_slice()
    } else {
        &[]
    };
    for offender in explained {
        talk.explain(
            err,
            &format!(
                "{} {} offends ({} risk): {}",
                offender.kind,
                offender.id,
                offender.risk,
                crate::report::words::describe(&offender.reason)
            ),
        )?;
    }
    let verdict = if analysis.gate.passed {
        Exit::Success
    } else {
        Exit::GateFailed
    };
    // A reader that stops early (`comply check | head`) must not turn a
    // failed gate into a pass: the verdict is the exit code whatever became
    // of the output.
    let written = write_verdict(args, ctx, &workspace, analysis, out, err);
    steps::leave(ctx, (workspace, analysed));
    match written {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(verdict),
        Err(e) => Err(e.into()),
        Ok(()) => Ok(verdict),
    }
}

/// Writes the gate's outcome in the format asked for, then flushes.
fn write_verdict(
    args: &CheckArgs,
    ctx: &Context,
    workspace: &Workspace,
    analysis: &Analysis,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<()> {
    let talk = ctx.talk;
    match args.format {
        CheckFormat::Json => {
            json::write(out, &json::CheckDoc::new(analysis.as_of, &analysis.gate))?;
        }
        CheckFormat::Table => {
            table::check(out, &analysis.gate, ctx.style, talk.quiet)?;
            if !talk.quiet {
                table::check_warnings(err, analysis, ctx.style)?;
            }
        }
        CheckFormat::Github => {
            let prefix = workspace.git.as_ref().map_or("", |repo| repo.prefix());
            ci::github(out, &analysis.gate, prefix, talk.quiet)?;
            if let Some(path) = &ctx.env.step_summary {
                let loaded = &workspace.loaded;
                let owners = &loaded.repository.config.owners;
                let title = steps::title(loaded, &ctx.root);
                let report = Report::new(&title, analysis, &Filter::default(), owners);
                // The summary adds to the annotations; failing to
                // write it must not change the gate's verdict.
                if let Err(e) = write::append(path, markdown::step_summary(&report).as_bytes()) {
                    writeln!(err, "warning: GITHUB_STEP_SUMMARY: {e:#}")?;
                }
            }
        }
        CheckFormat::Junit => ci::junit(out, analysis)?,
    }
    out.flush()
}
