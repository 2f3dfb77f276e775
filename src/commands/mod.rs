//! Running a command: load, analyse, render. The environment (working
//! directory, today's date, terminal, `NO_COLOR`) comes in as a value.

mod evidence;
mod import;
mod review;
mod tools;
mod trend;

use std::collections::BTreeSet;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::analysis::{self, Analysis, Facts, ItemState, Options};
use crate::cli::{
    CheckFormat, Cli, ColorChoice, Command, Every, FilterArgs, Format, HistoryCommand, OutputArgs,
    ReportFormat, RepositoryCommand,
};
use crate::evidence::EvidenceMap;
use crate::filter::Filter;
use crate::gate::plural;
use crate::git::History;
use crate::load::Loaded;
use crate::model::Repository;
use crate::render::{DueLists, Style, ci, json, table};
use crate::report::markdown::{self, Flavor};
use crate::report::{Report, html};
use crate::workspace::Workspace;
use crate::write;

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

/// Runs `cli` and writes its output; errors that stop the run early (an
/// unusable root, a failed write) come back as `Err`.
pub fn run(
    cli: &Cli,
    env: &Environment,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Exit> {
    let as_of = cli.global.as_of.unwrap_or(env.today);
    let (root, root_from) = resolve_root(cli.global.root.as_deref(), &env.cwd);
    let talk = Talk {
        quiet: cli.global.quiet,
        verbose: cli.global.verbose,
    };
    let style = Style {
        color: match cli.global.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => env.stdout_is_terminal && !env.no_color,
        },
        width: env.width,
    };
    if !matches!(
        cli.command,
        Command::Import(_)
            | Command::Init(_)
            | Command::Schema(_)
            | Command::Completions(_)
            | Command::Man(_)
            | Command::Reference
    ) {
        talk.explain(err, &format!("root {} ({root_from})", root.display()))?;
    }
    let command = match &cli.command {
        Command::Import(args) if args.output.as_deref().is_some_and(write::is_stdout) => {
            let args = crate::cli::ImportArgs {
                output: None,
                ..args.clone()
            };
            return import::run(&args, as_of, out, err);
        }
        Command::Import(args) => return import::run(args, as_of, out, err),
        Command::Init(args) => return tools::init(args, &env.cwd, err),
        Command::Schema(args) => return tools::schema(args, out),
        Command::Completions(args) => return tools::completions(args, out),
        Command::Man(args) => return tools::man(args, out, err),
        Command::Reference => {
            out.write_all(crate::cli::reference().as_bytes())?;
            return Ok(Exit::Success);
        }
        Command::History(HistoryCommand::Trend(args)) => {
            return trend::run(&root, args, as_of, style, out, err);
        }
        Command::History(HistoryCommand::Diff(args)) => return review::diff(&root, args, out, err),
        Command::Repository(command) => command,
    };
    let workspace = Workspace::open(&root, cli.global.at.as_deref())?;
    let loaded = &workspace.loaded;
    if loaded.config_file.is_none() && loaded.files == 0 && !cli.global.allow_empty {
        anyhow::bail!(
            "nothing to check in {}: no comply.yaml and no YAML file in controls/, backlog/, \
             reviews/ or exceptions/ ({root_from}); run comply from your compliance repository, \
             give --root DIR, or pass --allow-empty to accept an empty one",
            root.display()
        );
    }
    if let Some(commit) = &workspace.at {
        talk.explain(
            err,
            &format!("reading the repository at commit {commit:.10} from git objects"),
        )?;
    }
    talk.explain(
        err,
        &match &loaded.config_file {
            Some(file) => format!("settings from {}", file.display()),
            None => "no comply.yaml: default settings".to_string(),
        },
    )?;
    talk.explain(err, &format!("as of {as_of} ({})", env.as_of_from))?;
    let base = Options {
        as_of,
        due_soon_days: loaded.repository.config.due_soon_days,
        fail_on: loaded.repository.config.fail_on,
        fail_on_stale: false,
        without_history: false,
    };
    let title = || title(loaded, &root);

    match command {
        RepositoryCommand::Validate(args) => validate(loaded, is_json(args), talk, out, err),
        RepositoryCommand::Status(args) => {
            let Some(Analysed { analysis, .. }) = analysed(&workspace, base, false, talk, err)?
            else {
                return Ok(Exit::Invalid);
            };
            if is_json(args) {
                json::write(out, &json::StatusDoc::new(&analysis))?;
            } else {
                table::status(out, &title(), &analysis, style)?;
            }
            Ok(Exit::Success)
        }
        RepositoryCommand::Due(args) => {
            let options = Options {
                due_soon_days: args.within.unwrap_or(base.due_soon_days),
                ..base
            };
            let Some(Analysed { analysis, .. }) = analysed(&workspace, options, false, talk, err)?
            else {
                return Ok(Exit::Invalid);
            };
            let lists = due_lists(&analysis, &filter(&args.filter, &loaded.repository)?);
            if is_json(&args.output) {
                json::write(out, &json::DueDoc::new(analysis.as_of, &lists))?;
            } else {
                table::due(out, &lists, style)?;
            }
            Ok(Exit::Success)
        }
        RepositoryCommand::Gaps(args) => {
            let Some(Analysed { analysis, .. }) = analysed(&workspace, base, false, talk, err)?
            else {
                return Ok(Exit::Invalid);
            };
            let filter = filter(&args.filter, &loaded.repository)?;
            let mut gaps = analysis.gaps();
            gaps.retain(|c| filter.control(c));
            let mut unproven = analysis.unproven();
            unproven.retain(|c| filter.control(c));
            if is_json(&args.output) {
                json::write(out, &json::GapsDoc::new(analysis.as_of, &gaps, &unproven))?;
            } else {
                table::gaps(out, &gaps, &unproven, &analysis, style)?;
            }
            Ok(Exit::Success)
        }
        RepositoryCommand::Check(args) => {
            let options = Options {
                fail_on: args.fail_on.map_or(base.fail_on, Into::into),
                fail_on_stale: args.fail_on_stale,
                without_history: args.without_history,
                ..base
            };
            let Some(Analysed { analysis, .. }) = analysed(&workspace, options, false, talk, err)?
            else {
                return Ok(Exit::Invalid);
            };
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
                return review::ratchet(
                    &root,
                    rev,
                    options,
                    &analysis,
                    args.format,
                    talk,
                    env.step_summary.as_deref().map(|p| (title(), p)),
                    out,
                    err,
                );
            }
            for offender in &analysis.gate.offenders {
                talk.explain(
                    err,
                    &format!(
                        "{} {} offends ({} risk): {}",
                        offender.kind,
                        offender.id,
                        offender.risk,
                        offender.describe()
                    ),
                )?;
            }
            let verdict = if analysis.gate.passed {
                Exit::Success
            } else {
                Exit::GateFailed
            };
            // A reader that stops early (`comply check | head`) must not
            // turn a failed gate into a pass: the verdict is the exit code
            // whatever became of the output.
            let written = (|| -> io::Result<()> {
                match args.format {
                    CheckFormat::Json => {
                        json::write(out, &json::CheckDoc::new(analysis.as_of, &analysis.gate))?
                    }
                    CheckFormat::Table => {
                        table::check(out, &analysis.gate, style, talk.quiet)?;
                        if !talk.quiet {
                            table::check_warnings(err, &analysis, style)?;
                        }
                    }
                    CheckFormat::Github => {
                        let prefix = workspace.git.as_ref().map_or("", |repo| repo.prefix());
                        ci::github(out, &analysis.gate, prefix, talk.quiet)?;
                        if let Some(path) = &env.step_summary {
                            let owners = &loaded.repository.config.owners;
                            let report =
                                Report::new(&title(), &analysis, &Filter::default(), owners);
                            // The summary adds to the annotations; failing to
                            // write it must not change the gate's verdict.
                            if let Err(e) =
                                write::append(path, markdown::step_summary(&report).as_bytes())
                            {
                                writeln!(err, "warning: GITHUB_STEP_SUMMARY: {e:#}")?;
                            }
                        }
                    }
                    CheckFormat::Junit => ci::junit(out, &analysis)?,
                }
                out.flush()
            })();
            match written {
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(verdict),
                Err(e) => Err(e.into()),
                Ok(()) => Ok(verdict),
            }
        }
        RepositoryCommand::Report(args) => {
            let Some(Analysed { analysis, .. }) = analysed(&workspace, base, false, talk, err)?
            else {
                return Ok(Exit::Invalid);
            };
            let owners = &loaded.repository.config.owners;
            let mut report = Report::new(
                &title(),
                &analysis,
                &filter(&args.filter, &loaded.repository)?,
                owners,
            );
            if args.format == ReportFormat::Html
                && workspace.at.is_none()
                && let Ok(repo) = &workspace.git
            {
                let period = trend::period(Every::Month);
                let since = crate::trend::default_since(as_of, period);
                report.trend = trend::points(repo, &root, since, period, as_of, err)?;
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
        RepositoryCommand::Evidence(args) => {
            let Some(analysed) = analysed(&workspace, base, true, talk, err)? else {
                return Ok(Exit::Invalid);
            };
            evidence::run(&workspace, &analysed, args, style, out, err)
        }
    }
}

fn is_json(args: &OutputArgs) -> bool {
    args.format == Format::Json
}

/// The repository's display name: `name` from comply.yaml, else the root
/// directory's name.
fn title(loaded: &Loaded, root: &Path) -> String {
    loaded
        .repository
        .config
        .name
        .clone()
        .unwrap_or_else(|| root_name(root))
}

/// Prints the diagnostics and, when there is no error among them, resolves
/// evidence and analyses the repository. Git history is read when some
/// `max_age_days` makes freshness matter, or when `always_history`.
/// How much to say besides the output: `--quiet` and `--verbose`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Talk {
    /// Only failures.
    pub quiet: bool,
    /// Explain decisions.
    pub verbose: bool,
}

impl Talk {
    /// Writes `what` as `comply: what` on `err` when verbose, made inert
    /// (it may quote paths and ids from the repository).
    fn explain(self, err: &mut dyn Write, what: &str) -> io::Result<()> {
        if self.verbose {
            writeln!(err, "comply: {}", crate::text::inert(what))?;
        }
        Ok(())
    }
}

/// An analysis with the facts it was made from.
pub struct Analysed {
    /// The analysis.
    pub analysis: Analysis,
    /// Evidence states by path.
    pub states: EvidenceMap,
    /// What git knows of the evidence.
    pub history: History,
}

fn analysed(
    workspace: &Workspace,
    options: Options,
    always_history: bool,
    talk: Talk,
    err: &mut dyn Write,
) -> anyhow::Result<Option<Analysed>> {
    let loaded = &workspace.loaded;
    for d in loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error() || !talk.quiet)
    {
        writeln!(err, "{d}")?;
    }
    if loaded.has_errors() {
        let errors = loaded.diagnostics.iter().filter(|d| d.is_error()).count();
        writeln!(
            err,
            "error: the repository has {errors} {}; fix {} first (see `comply validate`)",
            plural(errors as i64, "problem"),
            if errors == 1 { "it" } else { "them" }
        )?;
        return Ok(None);
    }
    let repo = &loaded.repository;
    let with_history = always_history || repo.needs_history();
    talk.explain(
        err,
        if with_history {
            "reading git history for evidence freshness"
        } else {
            "not reading git history: no max_age_days is set and no review is dated by evidence"
        },
    )?;
    let (states, history) = workspace.facts(with_history)?;
    if with_history
        && !talk.quiet
        && let History::Unknown(why) = &history
    {
        writeln!(err, "warning: {why}")?;
    }
    talk.explain(
        err,
        &format!(
            "due soon means due within {} days; the gate fails on {} risk and above{}",
            options.due_soon_days,
            options.fail_on,
            if options.fail_on_stale {
                ", and on stale evidence"
            } else {
                ""
            }
        ),
    )?;
    let facts = Facts {
        evidence: &states,
        history: &history,
    };
    let analysis = analysis::analyse(repo, facts, options);
    Ok(Some(Analysed {
        analysis,
        states,
        history,
    }))
}

fn validate(
    loaded: &Loaded,
    json: bool,
    talk: Talk,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Exit> {
    let exit = if loaded.has_errors() {
        Exit::Invalid
    } else {
        Exit::Success
    };
    if json {
        json::write(out, &json::ValidateDoc::new(&loaded.diagnostics))?;
        return Ok(exit);
    }
    for d in loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error() || !talk.quiet)
    {
        writeln!(err, "{d}")?;
    }
    let errors = loaded.diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = loaded.diagnostics.len() - errors;
    if talk.quiet && errors == 0 {
        return Ok(exit);
    }
    let repo = &loaded.repository;
    let controls: usize = repo.frameworks.iter().map(|f| f.controls.len()).sum();
    let count = |n: usize, noun: &str| format!("{n} {}", plural(n as i64, noun));
    let mut parts = vec![
        count(repo.frameworks.len(), "framework"),
        count(controls, "control"),
        count(repo.items.len(), "item"),
    ];
    if !repo.reviews.is_empty() {
        parts.push(count(repo.reviews.len(), "review"));
    }
    if !repo.exceptions.is_empty() {
        parts.push(count(repo.exceptions.len(), "risk acceptance"));
    }
    parts.push(count(repo.evidence().count(), "evidence entry"));
    let counts = format!("{} in {}", parts.join(", "), count(loaded.files, "file"));
    if errors > 0 {
        writeln!(
            err,
            "error: {errors} {}, {warnings} {}",
            plural(errors as i64, "error"),
            plural(warnings as i64, "warning")
        )?;
    } else if warnings > 0 {
        writeln!(
            out,
            "valid, with {warnings} {}: {counts}",
            plural(warnings as i64, "warning")
        )?;
    } else {
        writeln!(out, "valid: {counts}")?;
    }
    Ok(exit)
}

/// The filter of `--framework` and `--owner`; an owner that names a team
/// declared in comply.yaml keeps the team's members too. A framework the
/// repository does not have, or an owner who owns nothing, is an error, not
/// an empty view that passes.
fn filter(args: &FilterArgs, repo: &Repository) -> anyhow::Result<Filter> {
    let known: Vec<&str> = repo.frameworks.iter().map(|f| f.id.as_str()).collect();
    for wanted in &args.frameworks {
        if !known.iter().any(|k| k.eq_ignore_ascii_case(wanted)) {
            anyhow::bail!(
                "--framework `{wanted}` names no framework of this repository (it has: {})",
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            );
        }
    }
    let owners = &repo.config.owners;
    let members = match &args.owner {
        Some(wanted) => owners
            .iter()
            .filter(|o| {
                o.team
                    .as_deref()
                    .is_some_and(|t| t.eq_ignore_ascii_case(wanted.trim()))
            })
            .map(|o| o.name.clone())
            .collect(),
        None => Vec::new(),
    };
    let filter = Filter {
        frameworks: args.frameworks.clone(),
        owner: args.owner.clone(),
        members,
    };
    if let Some(wanted) = &args.owner {
        let owners: BTreeSet<&str> = repo
            .items
            .iter()
            .filter_map(|i| i.owner.as_deref())
            .chain(repo.reviews.iter().filter_map(|r| r.owner.as_deref()))
            .chain(
                repo.frameworks
                    .iter()
                    .flat_map(|f| &f.controls)
                    .filter_map(|c| c.owner.as_deref()),
            )
            .chain(repo.config.owners.iter().map(|o| o.name.as_str()))
            .collect();
        if !owners.iter().any(|o| filter.owned(Some(o))) {
            let names: Vec<&str> = owners.iter().copied().collect();
            let hint = crate::diag::suggest(wanted, &names)
                .map(|n| format!(" (did you mean `{n}`?)"))
                .unwrap_or_default();
            anyhow::bail!("--owner `{wanted}` owns nothing in this repository{hint}");
        }
    }
    Ok(filter)
}

fn due_lists<'a>(analysis: &'a Analysis, filter: &Filter) -> DueLists<'a> {
    let pick = |state| -> Vec<_> {
        analysis
            .items_in(state)
            .into_iter()
            .filter(|i| filter.item(i))
            .collect()
    };
    DueLists {
        within: analysis.due_soon_days,
        overdue: pick(ItemState::Overdue),
        due_soon: pick(ItemState::DueSoon),
        unscheduled: pick(ItemState::Unscheduled),
    }
}

/// The root, with how it was chosen: `--root` when given; else the
/// nearest ancestor of `cwd` holding `comply.yaml` (as cargo finds
/// `Cargo.toml`), not looking above the git top level; else the git top
/// level; else `cwd`.
pub fn resolve_root(given: Option<&Path>, cwd: &Path) -> (PathBuf, &'static str) {
    if let Some(root) = given {
        return (root.to_path_buf(), "--root");
    }
    for dir in cwd.ancestors() {
        if crate::load::CONFIG_NAMES
            .iter()
            .any(|name| dir.join(name).is_file())
        {
            return (
                dir.to_path_buf(),
                "the nearest comply.yaml above the current directory",
            );
        }
        if dir.join(".git").exists() {
            return (
                dir.to_path_buf(),
                "the git top level of the current directory",
            );
        }
    }
    (cwd.to_path_buf(), "the current directory")
}

fn root_name(root: &Path) -> String {
    root.canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "repository".to_string())
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
