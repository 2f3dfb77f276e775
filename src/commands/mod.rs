//! Running a command: load, analyse, render. The environment (working
//! directory, today's date, terminal, `NO_COLOR`) comes in as a value.

mod evidence;
mod import;
mod trend;

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::analysis::{self, Analysis, Facts, ItemState, Options};
use crate::cli::{
    CheckFormat, Cli, ColorChoice, Command, Every, FilterArgs, Format, OutputArgs, ReportFormat,
    RepositoryCommand,
};
use crate::evidence::EvidenceMap;
use crate::filter::Filter;
use crate::gate::plural;
use crate::git::History;
use crate::load::Loaded;
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
    let command = match &cli.command {
        Command::Import(args) => return import::run(args, as_of, out, err),
        Command::Repository(command) => command,
    };
    let root = resolve_root(cli.global.root.as_deref(), &env.cwd);
    let style = Style {
        color: match cli.global.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => env.stdout_is_terminal && !env.no_color,
        },
    };
    if let RepositoryCommand::Trend(args) = command {
        return trend::run(&root, args, as_of, style, out, err);
    }
    let workspace = Workspace::open(&root, cli.global.at.as_deref())?;
    let loaded = &workspace.loaded;
    let base = Options {
        as_of,
        due_soon_days: loaded.repository.config.due_soon_days,
        fail_on: loaded.repository.config.fail_on,
        fail_on_stale: false,
    };
    let title = || title(loaded, &root);

    match command {
        RepositoryCommand::Validate(args) => validate(loaded, is_json(args), out, err),
        RepositoryCommand::Status(args) => {
            let Some(Analysed { analysis, .. }) = analysed(&workspace, base, false, err)? else {
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
            let Some(Analysed { analysis, .. }) = analysed(&workspace, options, false, err)? else {
                return Ok(Exit::Invalid);
            };
            let lists = due_lists(&analysis, &filter(&args.filter));
            if is_json(&args.output) {
                json::write(out, &json::DueDoc::new(analysis.as_of, &lists))?;
            } else {
                table::due(out, &lists, style)?;
            }
            Ok(Exit::Success)
        }
        RepositoryCommand::Gaps(args) => {
            let Some(Analysed { analysis, .. }) = analysed(&workspace, base, false, err)? else {
                return Ok(Exit::Invalid);
            };
            let filter = filter(&args.filter);
            let gaps: Vec<_> = analysis
                .gaps()
                .into_iter()
                .filter(|c| filter.control(c))
                .collect();
            if is_json(&args.output) {
                json::write(out, &json::GapsDoc::new(analysis.as_of, &gaps))?;
            } else {
                table::gaps(out, &gaps, &analysis, style)?;
            }
            Ok(Exit::Success)
        }
        RepositoryCommand::Check(args) => {
            let options = Options {
                fail_on: args.fail_on.map_or(base.fail_on, Into::into),
                fail_on_stale: args.fail_on_stale,
                ..base
            };
            let Some(Analysed { analysis, .. }) = analysed(&workspace, options, false, err)? else {
                return Ok(Exit::Invalid);
            };
            match args.format {
                CheckFormat::Json => {
                    json::write(out, &json::CheckDoc::new(analysis.as_of, &analysis.gate))?
                }
                CheckFormat::Table => table::check(out, &analysis.gate, &analysis, style)?,
                CheckFormat::Github => {
                    let prefix = workspace.git.as_ref().map_or("", |repo| repo.prefix());
                    ci::github(out, &analysis, prefix)?;
                }
                CheckFormat::Junit => ci::junit(out, &analysis)?,
            }
            Ok(if analysis.gate.passed {
                Exit::Success
            } else {
                Exit::GateFailed
            })
        }
        RepositoryCommand::Report(args) => {
            let Some(Analysed { analysis, .. }) = analysed(&workspace, base, false, err)? else {
                return Ok(Exit::Invalid);
            };
            let mut report = Report::new(&title(), &analysis, &filter(&args.filter));
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
                Some(path) => write::atomic(path, text.as_bytes(), args.force)?,
                None => out.write_all(text.as_bytes())?,
            }
            Ok(Exit::Success)
        }
        RepositoryCommand::Evidence(args) => {
            let Some(analysed) = analysed(&workspace, base, true, err)? else {
                return Ok(Exit::Invalid);
            };
            evidence::run(&workspace, &analysed, args, style, out, err)
        }
        RepositoryCommand::Trend(_) => Ok(Exit::Success),
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
    err: &mut dyn Write,
) -> anyhow::Result<Option<Analysed>> {
    let loaded = &workspace.loaded;
    for d in &loaded.diagnostics {
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
    let with_history = always_history || repo.has_age_limits();
    let (states, history) = workspace.facts(with_history)?;
    if with_history && let History::Unknown(why) = &history {
        writeln!(err, "warning: {why}")?;
    }
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
    for d in &loaded.diagnostics {
        writeln!(err, "{d}")?;
    }
    let errors = loaded.diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = loaded.diagnostics.len() - errors;
    let repo = &loaded.repository;
    let controls: usize = repo.frameworks.iter().map(|f| f.controls.len()).sum();
    let counts = format!(
        "{} frameworks, {controls} controls, {} items, {} evidence entries in {} files",
        repo.frameworks.len(),
        repo.items.len(),
        repo.evidence().count(),
        loaded.files
    );
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

fn filter(args: &FilterArgs) -> Filter {
    Filter {
        frameworks: args.frameworks.clone(),
        owner: args.owner.clone(),
    }
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

/// The root: `--root` when given, else the nearest ancestor of `cwd` holding
/// `.git`, else `cwd`.
pub fn resolve_root(given: Option<&Path>, cwd: &Path) -> PathBuf {
    if let Some(root) = given {
        return root.to_path_buf();
    }
    cwd.ancestors()
        .find(|dir| dir.join(".git").exists())
        .unwrap_or(cwd)
        .to_path_buf()
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
