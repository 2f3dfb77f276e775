//! The steps commands share, called downward: open the workspace, print
//! diagnostics, analyse, filter, name the repository.

use std::collections::BTreeSet;
use std::io::{self, Write};
use std::path::Path;

use super::Context;
use crate::analysis::{self, Analysis, Facts, Options};
use crate::cli::{FilterArgs, Format, OutputArgs};
use crate::evidence::EvidenceMap;
use crate::filter::Filter;
use crate::git::History;
use crate::load::Loaded;
use crate::model::Repository;
use crate::text::plural;
use crate::workspace::Workspace;

/// Opens the repository at the root (or at `--at`), refusing one with
/// nothing to check unless `--allow-empty`, and says what it read with
/// `--verbose`.
pub(crate) fn open(ctx: &Context, err: &mut dyn Write) -> anyhow::Result<Workspace> {
    let workspace = Workspace::open(&ctx.root, ctx.global.at.as_deref())?;
    let loaded = &workspace.loaded;
    if loaded.config_file.is_none() && loaded.files == 0 && !ctx.global.allow_empty {
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
