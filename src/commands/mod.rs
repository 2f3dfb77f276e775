//! Running a command: one line of dispatch per command, each command's run
//! function and output in its own module. The shared steps (open the
//! workspace, print diagnostics, analyse, filter) are plain functions in
//! `steps`, called downward. The environment (working directory, today's
//! date, terminal, `NO_COLOR`) comes in as a value.

pub(crate) mod audit;
pub(crate) mod catalog;
pub(crate) mod check;
pub(crate) mod coverage;
pub(crate) mod due;
pub(crate) mod evidence;
pub(crate) mod export;
pub(crate) mod gaps;
pub(crate) mod import;
pub(crate) mod pack;
pub(crate) mod report;
pub(crate) mod review;
mod status;
mod steps;
pub(crate) mod tools;
pub(crate) mod trend;
mod validate;

use std::io::Write;

use crate::cli::{self, Cli, ColorChoice, Command, HistoryCommand, RepositoryCommand};
use crate::render::Style;

use steps::{Context, Talk};
pub use steps::{Environment, Exit, is_broken_pipe, terminal_width};

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
        at: cli.global.at.as_deref(),
        allow_empty: cli.global.allow_empty,
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
        Command::Repository(RepositoryCommand::Coverage(args)) => {
            coverage::run(args, &ctx, out, err)
        }
        Command::Repository(RepositoryCommand::Audit(args)) => audit::run(args, &ctx, out, err),
        Command::Repository(RepositoryCommand::Pack(args)) => pack::run(args, &ctx, err),
        Command::History(HistoryCommand::Trend(args)) => trend::run(args, &ctx, out, err),
        Command::History(HistoryCommand::Diff(args)) => review::diff(&ctx.root, args, out, err),
        Command::Import(args) => import::run(args, ctx.as_of, out, err),
        Command::Export(what) => export::run(what, &ctx, out, err),
        Command::Init(args) => tools::init(args, &env.cwd, err),
        Command::Schema(args) => tools::schema(args, out),
        Command::Completions(args) => tools::completions(args, cli::visible_command(), out),
        Command::Man(args) => tools::man(args, cli::visible_command(), out, err),
        Command::Reference => tools::reference(&cli::reference(), out),
    }
}

/// Whether a command reads the repository at the root (and so says which
/// root with `--verbose`).
fn reads_root(command: &Command) -> bool {
    matches!(
        command,
        Command::Repository(_) | Command::History(_) | Command::Export(_)
    )
}
