//! The command line: the top-level `Cli`, the `Command` enum and the
//! global options. Each command's own arguments live with its run function
//! in `commands`; the shared ones in `args`.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::parser::ValueSource;
use clap::{
    ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum, ValueHint,
};

use crate::args::OutputArgs;
use crate::args::date_arg;
pub(crate) use crate::args::{GLOBAL_OPTIONS, VERSION, options_of};
use crate::commands::audit::AuditArgs;
use crate::commands::check::CheckArgs;
use crate::commands::coverage::CoverageArgs;
use crate::commands::due::DueArgs;
use crate::commands::evidence::EvidenceArgs;
use crate::commands::export::ExportCommand;
use crate::commands::gaps::GapsArgs;
use crate::commands::import::ImportArgs;
use crate::commands::pack::PackArgs;
use crate::commands::report::ReportArgs;
use crate::commands::review::DiffArgs;
use crate::commands::tools::{CompletionsArgs, InitArgs, ManArgs, SchemaArgs};
use crate::commands::trend::TrendArgs;

/// Compliance as code: dashboards, CI gates and reports for POPIA, ISO 27001
/// and SOC 2 state kept as YAML in a git repository.
#[derive(Debug, Parser)]
#[command(name = "comply", version = VERSION, about, max_term_width = 100)]
pub struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub(crate) global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Repository root [default: the nearest directory holding comply.yaml
    /// above the current directory, else the git top level, else the current
    /// directory]
    #[arg(long, global = true, value_name = "DIR")]
    pub(crate) root: Option<PathBuf>,

    /// The day to analyse, as YYYY-MM-DD [default: today]
    #[arg(long, global = true, value_name = "DATE", env = "COMPLY_TODAY", value_parser = date_arg, value_hint = ValueHint::Other)]
    pub(crate) as_of: Option<NaiveDate>,

    /// Analyse the repository as it was at this git revision (read from git
    /// objects; the working tree is not touched)
    #[arg(long, global = true, value_name = "REV", value_hint = ValueHint::Other)]
    pub(crate) at: Option<String>,

    /// Print only failures: no summary when all is well, no warnings
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub(crate) quiet: bool,

    /// Explain decisions on standard error: which root, settings and date,
    /// why each offender fails
    #[arg(long, short, global = true)]
    pub(crate) verbose: bool,

    /// Accept a root with no comply.yaml and no YAML file to read (by
    /// default that is an error, so a CI job pointed at the wrong folder
    /// fails instead of passing on nothing)
    #[arg(long, global = true)]
    pub(crate) allow_empty: bool,

    /// When to use colour (`auto` honours NO_COLOR and only colours a terminal)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub(crate) color: ColorChoice,
}

/// Whether to colour output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal, unless NO_COLOR is set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Commands that read a repository.
    #[command(flatten)]
    Repository(RepositoryCommand),
    /// Commands that read a repository's history.
    #[command(flatten)]
    History(HistoryCommand),
    /// Turn existing Markdown compliance pages (or, with `import catalog`,
    /// an OSCAL catalog) into comply YAML
    #[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
    Import(ImportArgs),
    /// Export the backlog as an OSCAL plan of action and milestones, or the
    /// gate's verdict as OSCAL assessment results (JSON)
    #[command(subcommand)]
    Export(ExportCommand),
    /// Start a compliance repository: comply.yaml, starter matrices, an example item, schemas
    Init(InitArgs),
    /// Print the JSON Schema of a file kind (for editors) or of a JSON output
    /// document (for programs)
    Schema(SchemaArgs),
    /// Print a static shell completion script (`COMPLETE=bash comply` gives
    /// one that also completes framework ids and owners from the repository)
    Completions(CompletionsArgs),
    /// Print the manual page (roff), or write one page per command into a
    /// directory
    Man(ManArgs),
    /// Print the CLI reference as Markdown (docs/cli.md is this output)
    #[command(hide = true)]
    Reference,
}

/// The commands that read a repository.
#[derive(Debug, Subcommand)]
pub enum RepositoryCommand {
    /// Check every file and report every problem with its file:line:column
    Validate(OutputArgs),
    /// The dashboard: per-framework figures, overdue items and the gate's verdict
    Status(OutputArgs),
    /// Items overdue, due soon and unscheduled
    Due(DueArgs),
    /// Controls not implemented or whose evidence is not all present, by severity
    Gaps(GapsArgs),
    /// The CI gate: exit 1 when an item at or above the threshold is overdue
    /// or done without its evidence
    Check(CheckArgs),
    /// A review-ready report: Markdown, a self-contained HTML page, or JSON
    Report(ReportArgs),
    /// Every evidence entry with its state and last commit; manifests
    Evidence(EvidenceArgs),
    /// Per framework, controls covered by own work, inherited through
    /// mappings, or uncovered; shared controls and evidence
    Coverage(CoverageArgs),
    /// For each recurring activity, every period of its cadence inside the
    /// audit period: covered, covered late or missing
    Audit(AuditArgs),
    /// Build the auditor's evidence pack for an audit period: the evidence
    /// files, an index with the audit grid, manifest.json and SHA256SUMS
    Pack(PackArgs),
}

/// The commands that read a repository's git history rather than one state.
#[derive(Debug, Subcommand)]
pub enum HistoryCommand {
    /// Open, overdue and done items and missing evidence over time, from git history
    Trend(TrendArgs),
    /// What changed between two revisions, for a review meeting
    Diff(DiffArgs),
}

/// The clap command of comply, with each subcommand showing only the
/// global options it uses (see [`options_of`]) and no file-name completion
/// for values that are not files. `main`, the man pages, the completions
/// and the reference all use this one definition.
pub fn command() -> clap::Command {
    let mut root = Cli::command();
    // Before clap propagates the global options to the subcommands (at
    // build time), each subcommand gets a hidden copy of those it does not
    // use; clap does not propagate over an argument a subcommand has.
    let globals: Vec<clap::Arg> = root
        .get_arguments()
        .filter(|a| GLOBAL_OPTIONS.contains(&a.get_id().as_str()))
        .cloned()
        .collect();
    let names: Vec<String> = root
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        let used = options_of(&name);
        root = root.mut_subcommand(&name, |mut sub| {
            for arg in globals
                .iter()
                .filter(|a| !used.contains(&a.get_id().as_str()))
            {
                sub = sub.arg(arg.clone().global(false).hide(true));
            }
            // `import --framework` names a framework id, not a file.
            if sub.get_arguments().any(|a| a.get_id() == "framework") {
                sub = sub.mut_arg("framework", |a| a.value_hint(ValueHint::Other));
            }
            sub
        });
    }
    root
}

/// [`command`] as users see it, for completions and man pages: hidden
/// commands (`reference`, `help`) and hidden options left out, each
/// command holding the global options it takes as its own.
pub fn visible_command() -> clap::Command {
    fn copy(built: &clap::Command) -> clap::Command {
        // The built command's --help and --version are copied as they are.
        let mut out = clap::Command::new(built.get_name().to_string())
            .disable_help_subcommand(true)
            .disable_help_flag(true)
            .disable_version_flag(true)
            .args(
                built
                    .get_arguments()
                    .filter(|a| !a.is_hide_set())
                    .map(|a| a.clone().global(false)),
            )
            .subcommands(
                built
                    .get_subcommands()
                    .filter(|s| !s.is_hide_set() && s.get_name() != "help")
                    .map(copy),
            );
        if let Some(about) = built.get_about() {
            out = out.about(about.clone());
        }
        if let Some(about) = built.get_long_about() {
            out = out.long_about(about.clone());
        }
        if let Some(version) = built.get_version() {
            out = out.version(version.to_string());
        }
        if built.is_subcommand_required_set() {
            out = out.subcommand_required(true);
        }
        out
    }
    let mut root = command();
    root.build();
    copy(&root).bin_name("comply")
}

/// [`visible_command`] with `--framework` and `--owner` completed from the
/// repository of the working directory, for clap_complete's dynamic
/// completion (`COMPLETE=bash comply`).
pub fn completing_command() -> clap::Command {
    use clap_complete::engine::{ArgValueCompleter, CompletionCandidate};
    // Values from the repository the command line names (its `--root`),
    // else the one the working directory is in; matched ignoring case.
    fn candidates(owners: bool, current: &std::ffi::OsStr) -> Vec<CompletionCandidate> {
        let cwd = std::env::current_dir().unwrap_or_else(|_| ".".into());
        let words: Vec<std::ffi::OsString> = std::env::args_os().collect();
        let root = crate::complete::root_in(&words, &cwd);
        let (frameworks, names) = crate::complete::names_from(&cwd, root.as_deref());
        let values = if owners { names } else { frameworks };
        crate::complete::starting_with(values, &current.to_string_lossy())
            .into_iter()
            .map(CompletionCandidate::new)
            .collect()
    }
    let mut root = visible_command();
    let names: Vec<String> = root
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        root = root.mut_subcommand(&name, |mut sub| {
            if sub.get_arguments().any(|a| a.get_id() == "frameworks") {
                sub = sub.mut_arg("frameworks", |a| {
                    a.add(ArgValueCompleter::new(|c: &std::ffi::OsStr| {
                        candidates(false, c)
                    }))
                });
            }
            if sub.get_arguments().any(|a| a.get_id() == "framework") {
                sub = sub.mut_arg("framework", |a| {
                    a.add(ArgValueCompleter::new(|c: &std::ffi::OsStr| {
                        candidates(false, c)
                    }))
                });
            }
            if sub.get_arguments().any(|a| a.get_id() == "owner") {
                sub = sub.mut_arg("owner", |a| {
                    a.add(ArgValueCompleter::new(|c: &std::ffi::OsStr| {
                        candidates(true, c)
                    }))
                });
            }
            sub
        });
    }
    root
}

/// The parsed command line, or an error (exit 2) when a global option is
/// given to a command that does not use it (`comply init --root DIR`).
pub fn from_matches(matches: &ArgMatches) -> Result<Cli, clap::Error> {
    let cli = Cli::from_arg_matches(matches)?;
    if let Some((name, sub)) = matches.subcommand() {
        let used = options_of(name);
        for id in GLOBAL_OPTIONS.iter().filter(|id| !used.contains(id)) {
            let given = [matches, sub]
                .iter()
                .any(|m| m.value_source(id) == Some(ValueSource::CommandLine));
            if given {
                let flag = format!("--{}", id.replace('_', "-"));
                let takes: Vec<String> = used
                    .iter()
                    .map(|u| format!("--{}", u.replace('_', "-")))
                    .collect();
                let hint = if takes.is_empty() {
                    format!("`comply {name}` takes none of the global options")
                } else {
                    format!("of the global options it takes only {}", takes.join(", "))
                };
                let mut root = command();
                root.build();
                let kind = clap::error::ErrorKind::ArgumentConflict;
                let message = format!("`{flag}` has no effect on `comply {name}` ({hint})");
                return Err(match root.find_subcommand_mut(name) {
                    Some(sub) => sub.error(kind, message),
                    None => root.error(kind, message),
                });
            }
        }
    }
    Ok(cli)
}

/// The CLI reference in Markdown, generated from the clap definitions so it
/// never drifts from them (docs/cli.md is this text).
pub fn reference() -> String {
    let mut root = command();
    root.build();
    let mut out = String::from(
        "# CLI reference\n\n<!-- Generated by `comply reference > docs/cli.md`; a test keeps it current. -->\n\n",
    );
    command_section(&mut out, &root, "comply");
    out
}

fn command_section(out: &mut String, command: &clap::Command, path: &str) {
    use std::fmt::Write as _;
    let level = if path == "comply" { "##" } else { "###" };
    let _ = writeln!(out, "{level} `{path}`\n");
    if let Some(about) = command.get_long_about().or(command.get_about()) {
        let _ = writeln!(out, "{about}\n");
    }
    let mut usage = command.clone();
    let _ = writeln!(
        out,
        "```\n{}\n```\n",
        usage
            .render_usage()
            .to_string()
            .trim_start_matches("Usage: ")
    );
    let args: Vec<&clap::Arg> = command
        .get_arguments()
        .filter(|a| !a.is_hide_set() && a.get_id() != "help" && a.get_id() != "version")
        .filter(|a| path == "comply" || !a.is_global_set())
        .collect();
    if !args.is_empty() {
        let _ = writeln!(out, "| argument | meaning |\n|---|---|");
        for arg in args {
            let name = match (arg.get_long(), arg.get_short()) {
                (Some(long), Some(short)) => format!("`-{short}`, `--{long}`"),
                (Some(long), None) => format!("`--{long}`"),
                _ => format!(
                    "`{}`",
                    arg.get_value_names()
                        .and_then(|v| v.first())
                        .map_or("ARG", |v| v.as_str())
                ),
            };
            let mut help = arg
                .get_help()
                .map(std::string::ToString::to_string)
                .unwrap_or_default();
            let values: Vec<String> = arg
                .get_possible_values()
                .iter()
                .filter(|v| !v.is_hide_set())
                .map(|v| format!("`{}`", v.get_name()))
                .collect();
            if !values.is_empty() && arg.get_action().takes_values() {
                let _ = write!(help, " (one of {})", values.join(", "));
            }
            let defaults: Vec<String> = arg
                .get_default_values()
                .iter()
                .map(|v| v.to_string_lossy().into_owned())
                .collect();
            if !defaults.is_empty() && arg.get_action().takes_values() {
                let _ = write!(help, " [default: {}]", defaults.join(", "));
            }
            if let Some(env) = arg.get_env() {
                let _ = write!(help, " [env: {}]", env.to_string_lossy());
            }
            let _ = writeln!(
                out,
                "| {name} | {} |",
                help.replace('|', "\\|").replace('\n', " ")
            );
        }
        out.push('\n');
    }
    if path == "comply" {
        let _ = writeln!(
            out,
            "The options above are taken by the commands that read a repository. The others \
             take only those they use, and reject the rest (exit 2):\n"
        );
        for sub in command
            .get_subcommands()
            .filter(|c| !c.is_hide_set() && c.get_name() != "help")
        {
            let used = options_of(sub.get_name());
            if used.len() == GLOBAL_OPTIONS.len() {
                continue;
            }
            let names: Vec<String> = used
                .iter()
                .map(|id| format!("`--{}`", id.replace('_', "-")))
                .collect();
            let _ = writeln!(
                out,
                "- `comply {}`: {}",
                sub.get_name(),
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                }
            );
        }
        out.push('\n');
    }
    for sub in command
        .get_subcommands()
        .filter(|c| !c.is_hide_set() && c.get_name() != "help")
    {
        command_section(out, sub, &format!("{path} {}", sub.get_name()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
        command().debug_assert();
        visible_command().debug_assert();
        completing_command().debug_assert();
    }

    #[test]
    fn each_command_shows_only_the_global_options_it_takes() {
        let mut root = command();
        root.build();
        for sub in root.get_subcommands() {
            let used = options_of(sub.get_name());
            for arg in sub
                .get_arguments()
                .filter(|a| GLOBAL_OPTIONS.contains(&a.get_id().as_str()))
            {
                assert_eq!(
                    arg.is_hide_set(),
                    !used.contains(&arg.get_id().as_str()),
                    "{} {}",
                    sub.get_name(),
                    arg.get_id()
                );
            }
        }
    }
}

#[cfg(test)]
mod hint_tests {
    /// A value with no hint makes shells offer file names: every value is
    /// a path, one of a closed set, or marked free text.
    #[test]
    fn every_value_has_a_completion_hint() {
        fn walk(c: &clap::Command, out: &mut Vec<String>) {
            for a in c.get_arguments() {
                if a.get_action().takes_values()
                    && a.get_value_hint() == clap::ValueHint::Unknown
                    && a.get_possible_values().is_empty()
                {
                    out.push(format!("{} {}", c.get_name(), a.get_id()));
                }
            }
            for s in c.get_subcommands() {
                walk(s, out);
            }
        }
        let mut out = Vec::new();
        walk(&super::visible_command(), &mut out);
        assert!(out.is_empty(), "{out:?}");
    }
}
