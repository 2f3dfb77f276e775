//! The steps commands share, called downward: open the workspace, print
//! diagnostics, analyse, filter, name the repository.

use std::collections::BTreeSet;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::analysis::{self, Analysis, Facts, Options};
use crate::args::{FilterArgs, Format, OutputArgs};
use crate::evidence::EvidenceMap;
use crate::filter::Filter;
use crate::git::History;
use crate::load::Loaded;
use crate::model::Repository;
use crate::render::Style;
use crate::text::plural;
use crate::workspace::Workspace;

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
    /// Whether the process ends when the command returns (the binary),
    /// so that what a run read and built can be left to the operating
    /// system instead of being freed piece by piece (see [`leave`]).
    pub exits_after: bool,
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
    /// `--at`: the revision to read instead of the working tree.
    pub(crate) at: Option<&'e str>,
    /// `--allow-empty`.
    pub(crate) allow_empty: bool,
    pub(crate) root: PathBuf,
    /// How the root was chosen, for `--verbose`.
    pub(crate) root_from: &'static str,
    pub(crate) as_of: NaiveDate,
    pub(crate) talk: Talk,
    pub(crate) style: Style,
}

/// Drops `value`, or, when the process ends after the command
/// ([`Environment::exits_after`]), leaves it to the operating system: freeing
/// a large repository's model and views string by string took a tenth of a
/// `check` on the benchmark, after the output was written.
pub(crate) fn leave<T>(ctx: &Context, value: T) {
    if ctx.env.exits_after {
        std::mem::forget(value);
    }
}

/// Whether an error is a closed pipe (`comply status | head`), which ends
/// output quietly rather than as a failure.
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .downcast_ref::<io::Error>()
        .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
}

/// Opens the repository at the root (or at `--at`) for an analysis (its
/// evidence resolved while the files are validated), refusing one with
/// nothing to check unless `--allow-empty`, and says what it read with
/// `--verbose`.
pub(crate) fn open(ctx: &Context, err: &mut dyn Write) -> anyhow::Result<Workspace> {
    opened(ctx, err, Workspace::open_for_analysis)
}

/// [`open`] for a command that reads the files and no evidence (`validate`).
pub(crate) fn open_files(ctx: &Context, err: &mut dyn Write) -> anyhow::Result<Workspace> {
    opened(ctx, err, Workspace::open)
}

fn opened(
    ctx: &Context,
    err: &mut dyn Write,
    open: fn(&Path, Option<&str>) -> anyhow::Result<Workspace>,
) -> anyhow::Result<Workspace> {
    let workspace = open(&ctx.root, ctx.at)?;
    let loaded = &workspace.loaded;
    if loaded.config_file.is_none() && loaded.files == 0 && !ctx.allow_empty {
        anyhow::bail!(
            "nothing to check in {}: no comply.yaml and no YAML file in controls/, backlog/, \
             reviews/ or exceptions/ ({}); run comply from your compliance repository, \
             give --root DIR, or pass --allow-empty to accept an empty one",
            ctx.root.display(),
            ctx.root_from
        );
    }
    let talk = ctx.talk;
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
    talk.explain(
        err,
        &format!("as of {} ({})", ctx.as_of, ctx.env.as_of_from),
    )?;
    Ok(workspace)
}

/// The analysis options from the settings, before a command's own options.
pub(crate) fn options(ctx: &Context, workspace: &Workspace) -> Options {
    let config = &workspace.loaded.repository.config;
    Options {
        as_of: ctx.as_of,
        due_soon_days: config.due_soon_days,
        fail_on: config.fail_on,
        fail_on_stale: false,
        without_history: false,
    }
}

/// Opens the workspace and analyses it with `options` (from the settings
/// and the command); `None` when the repository does not validate (the
/// diagnostics are printed).
pub(crate) fn open_analysed(
    ctx: &Context,
    options: impl FnOnce(Options) -> Options,
    always_history: bool,
    err: &mut dyn Write,
) -> anyhow::Result<Option<(Workspace, Analysed)>> {
    let workspace = open(ctx, err)?;
    let options = options(self::options(ctx, &workspace));
    Ok(
        analysed(&workspace, options, always_history, ctx.talk, err)?
            .map(|analysed| (workspace, analysed)),
    )
}

/// Writes the diagnostics on `err`: errors always, warnings unless quiet.
pub(crate) fn print_diagnostics(
    loaded: &Loaded,
    talk: Talk,
    err: &mut dyn Write,
) -> io::Result<()> {
    for d in loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error() || !talk.quiet)
    {
        writeln!(err, "{d}")?;
    }
    Ok(())
}

pub(crate) fn is_json(args: &OutputArgs) -> bool {
    args.format == Format::Json
}

/// The repository's display name: `name` from comply.yaml, else the root
/// directory's name.
pub(crate) fn title(loaded: &Loaded, root: &Path) -> String {
    loaded
        .repository
        .config
        .name
        .clone()
        .unwrap_or_else(|| root_name(root))
}

/// How much to say besides the output: `--quiet` and `--verbose`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Talk {
    /// Only failures.
    pub(crate) quiet: bool,
    /// Explain decisions.
    pub(crate) verbose: bool,
}

impl Talk {
    /// Writes `what` as `comply: what` on `err` when verbose, made inert
    /// (it may quote paths and ids from the repository).
    pub(crate) fn explain(self, err: &mut dyn Write, what: &str) -> io::Result<()> {
        if self.verbose {
            writeln!(err, "comply: {}", crate::text::inert(what))?;
        }
        Ok(())
    }
}

/// Whether a `--framework` option of an import is refused (said on
/// `err`): a framework id names a file, so it must be one.
pub(crate) fn framework_refused(framework: Option<&str>, err: &mut dyn Write) -> io::Result<bool> {
    let Some(id) = framework.filter(|id| !crate::format::valid_framework(id)) else {
        return Ok(false);
    };
    writeln!(
        err,
        "error: --framework `{id}` is not a framework id (lower-case letters, digits, - and _, \
         at most 40); nothing was written"
    )?;
    Ok(true)
}

/// An analysis with the facts it was made from.
pub(crate) struct Analysed {
    pub(crate) analysis: Analysis,
    /// Evidence states by path.
    pub(crate) states: EvidenceMap,
    /// What git knows of the evidence.
    pub(crate) history: History,
}

/// Prints the diagnostics and, when there is no error among them, resolves
/// evidence and analyses the repository. Git history is read when some
/// `max_age_days` makes freshness matter, or when `always_history`.
pub(crate) fn analysed(
    workspace: &Workspace,
    options: Options,
    always_history: bool,
    talk: Talk,
    err: &mut dyn Write,
) -> anyhow::Result<Option<Analysed>> {
    let loaded = &workspace.loaded;
    print_diagnostics(loaded, talk, err)?;
    if loaded.has_errors() {
        let errors = loaded.diagnostics.iter().filter(|d| d.is_error()).count();
        writeln!(
            err,
            "error: the repository has {errors} {}; fix {} first (see `comply validate`)",
            plural(errors, "problem"),
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

/// The filter of `--framework` and `--owner`; an owner that names a team
/// declared in comply.yaml keeps the team's members too. A framework the
/// repository does not have, or an owner who owns nothing, is an error, not
/// an empty view that passes.
pub(crate) fn filter(args: &FilterArgs, repo: &Repository) -> anyhow::Result<Filter> {
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

fn root_name(root: &Path) -> String {
    root.canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "repository".to_string())
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
