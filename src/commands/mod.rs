//! Running a command: one line of dispatch per command, each command's run
//! function and output in its own module. The shared steps (open the
//! workspace, print diagnostics, analyse, filter) are plain functions in
//! `steps`, called downward. The environment (working directory, today's
//! date, terminal, `NO_COLOR`) comes in as a value.

mod check;
mod due;
mod evidence;
mod gaps;
mod import;
mod oscal;
mod report;
mod review;
mod status;
mod steps;
mod tools;
mod trend;
mod validate;

use std::io::{self, Write};
use std::path::PathBuf;

use chrono::NaiveDate;

use crate::cli::{
    Cli, ColorChoice, Command, GlobalArgs, HistoryCommand, ImportFrom, RepositoryCommand,
};
use crate::render::Style;

use steps::Talk;

/// What the outside world tells a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Environment {
    /// The working directory.
    pub cwd: PathBuf,
    /// Today's date, from the clock.
    pub today: NaiveDate,
    /// Whether `NO_COLOR` is set to a non-empty value.
    pub no_color: bool,
    /// Whether standard output is a terminal.
    pub stdout_is_terminal: bool,
    /// The width terminal tables must fit: `COLUMNS` when it is set to a
    /// positive number, else the terminal's width when standard output is a
    /// terminal, else `None` (no wrapping).
    pub width: Option<u16>,
    /// Where the as-of date comes from, for `--verbose`: `--as-of`,
    /// `COMPLY_TODAY` or the clock.
    pub as_of_from: &'static str,
    /// `GITHUB_STEP_SUMMARY`: the file GitHub Actions shows as the step's
    /// summary, which `check --format github` appends to.
    pub step_summary: Option<PathBuf>,
}

/// The width terminal tables must fit, from `COLUMNS` (when it holds a
/// positive number) and the terminal's width (when standard output is one);
/// `None` means no wrapping: a pipe or a file gets one line per row.
pub fn terminal_width(columns: Option<&str>, terminal: Option<u16>) -> Option<u16> {
    columns
        .and_then(|c| c.trim().parse::<u16>().ok())
        .filter(|w| *w > 0)
        .or(terminal.filter(|w| *w > 0))
}

/// How a run ends: the process exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Success (0).
    Success = 0,
    /// The gate failed (1).
    GateFailed = 1,
    /// Invalid input or usage (2).
    Invalid = 2,
}

/// What every command may use: the environment, the global options and
/// what follows from them.
pub(crate) struct Context<'e> {
    pub(crate) env: &'e Environment,
    pub(crate) global: &'e GlobalArgs,
    pub(crate) root: PathBuf,
    /// How the root was chosen, for `--verbose`.
    pub(crate) root_from: &'static str,
    pub(crate) as_of: NaiveDate,
    pub(crate) talk: Talk,
    pub(crate) style: Style,
}

/// Runs `cli` and writes its output; errors that stop the run early (an
/// unusable root, a failed write) come back as `Err`.
pub fn run(
    cli: &Cli,
    env: &Environment,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Exit> {
    let (root, root_from) = crate::load::resolve_root(cli.global.root.as_deref(), &env.cwd);
    let ctx = Context {
        env,
        global: &cli.global,
        root,
        root_from,
        as_of: cli.global.as_of.unwrap_or(env.today),
        talk: Talk {
            quiet: cli.global.quiet,
            verbose: cli.global.verbose,
        },
        style: Style {
            color: match cli.global.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => env.stdout_is_terminal && !env.no_color,
            },
            width: env.width,
        },
    };
    if reads_root(&cli.command) {
        let root = format!("root {} ({})", ctx.root.display(), ctx.root_from);
        ctx.talk.explain(err, &root)?;
    }
    match &cli.command {
        Command::Repository(RepositoryCommand::Validate(args)) => {
            validate::run(args, &ctx, out, err)
        }
        Command::Repository(RepositoryCommand::Status(args)) => status::run(args, &ctx, out, err),
        Command::Repository(RepositoryCommand::Due(args)) => due::run(args, &ctx, out, err),
        Command::Repository(RepositoryCommand::Gaps(args)) => gaps::run(args, &ctx, out, err),
        Command::Repository(RepositoryCommand::Check(args)) => check::run(args, &ctx, out, err),
        Command::Repository(RepositoryCommand::Report(args)) => report::run(args, &ctx, out, err),
        Command::Repository(RepositoryCommand::Evidence(args)) => {
            evidence::run(args, &ctx, out, err)
        }
        Command::History(HistoryCommand::Trend(args)) => {
            trend::run(&ctx.root, args, ctx.as_of, ctx.style, out, err)
        }
        Command::History(HistoryCommand::Diff(args)) => review::diff(&ctx.root, args, out, err),
        Command::Import(args) => match &args.from {
            Some(ImportFrom::Catalog(catalog)) => oscal::import_catalog(catalog, out, err),
            None => import::run(args, ctx.as_of, out, err),
        },
        Command::Export(what) => oscal::export(what, &ctx, out, err),
        Command::Init(args) => tools::init(args, &env.cwd, err),
        Command::Schema(args) => tools::schema(args, out),
        Command::Completions(args) => tools::completions(args, out),
        Command::Man(args) => tools::man(args, out, err),
        Command::Reference => reference(out),
    }
}

/// The Markdown CLI reference (`docs/cli.md`), for the test that keeps it
/// current.
fn reference(out: &mut dyn Write) -> anyhow::Result<Exit> {
    out.write_all(crate::cli::reference().as_bytes())?;
    Ok(Exit::Success)
}

/// Whether a command reads the repository at the root (and so says which
/// root with `--verbose`).
fn reads_root(command: &Command) -> bool {
    matches!(
        command,
        Command::Repository(_) | Command::History(_) | Command::Export(_)
    )
}

/// Whether an error is a closed pipe (`comply status | head`), which ends
/// output quietly rather than as a failure.
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .downcast_ref::<io::Error>()
        .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_wins_over_the_terminal_and_nonsense_is_ignored() {
        assert_eq!(terminal_width(Some("80"), Some(120)), Some(80));
        assert_eq!(terminal_width(None, Some(120)), Some(120));
        assert_eq!(terminal_width(Some("wide"), Some(120)), Some(120));
        assert_eq!(terminal_width(Some("0"), None), None);
        assert_eq!(terminal_width(None, None), None);
    }
}
