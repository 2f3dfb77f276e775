//! The command line: arguments as clap reads them.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::parser::ValueSource;
use clap::{
    ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum, ValueHint,
};

use crate::date::parse_date;
use crate::model::Risk;

/// `comply --version`: the package version and the git commit it was built from.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("COMPLY_GIT_COMMIT"),
    ")"
);

/// Compliance as code: dashboards, CI gates and reports for POPIA, ISO 27001
/// and SOC 2 state kept as YAML in a git repository.
#[derive(Debug, Parser)]
#[command(name = "comply", version = VERSION, about, max_term_width = 100)]
pub struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub global: GlobalArgs,
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
    pub root: Option<PathBuf>,

    /// The day to analyse, as YYYY-MM-DD [default: today]
    #[arg(long, global = true, value_name = "DATE", env = "COMPLY_TODAY", value_parser = date_arg, value_hint = ValueHint::Other)]
    pub as_of: Option<NaiveDate>,

    /// Analyse the repository as it was at this git revision (read from git
    /// objects; the working tree is not touched)
    #[arg(long, global = true, value_name = "REV", value_hint = ValueHint::Other)]
    pub at: Option<String>,

    /// Print only failures: no summary when all is well, no warnings
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Explain decisions on standard error: which root, settings and date,
    /// why each offender fails
    #[arg(long, short, global = true)]
    pub verbose: bool,

    /// Accept a root with no comply.yaml and no YAML file to read (by
    /// default that is an error, so a CI job pointed at the wrong folder
    /// fails instead of passing on nothing)
    #[arg(long, global = true)]
    pub allow_empty: bool,

    /// When to use colour (`auto` honours NO_COLOR and only colours a terminal)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

/// How results are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Tables and lines for people.
    Table,
    /// Stable JSON for programs (see docs/json.md).
    Json,
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

/// Arguments of `comply init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Directory to set up [default: the current directory]
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Arguments of `comply schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which file kind, or which JSON output document (the command's name;
    /// `ratchet` for check --baseline, `manifest` and `verify` for evidence)
    #[arg(value_parser = [
        "config", "controls", "backlog", "reviews", "exceptions", "validate", "status", "due",
        "gaps", "check", "ratchet", "evidence", "manifest", "verify", "trend", "diff", "report",
    ])]
    pub kind: String,
}

/// Arguments of `comply man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write comply.1 and a page per command (comply-check.1, ...) into DIR,
    /// creating it (e.g. ~/.local/share/man/man1); `-` prints all pages, one
    /// after another, on standard output (`man -l -` reads them) [default:
    /// print comply.1]
    #[arg(long, short, value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub output: Option<PathBuf>,
}

/// Arguments of `comply completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
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
}

/// The commands that read a repository's git history rather than one state.
#[derive(Debug, Subcommand)]
pub enum HistoryCommand {
    /// Open, overdue and done items and missing evidence over time, from git history
    Trend(TrendArgs),
    /// What changed between two revisions, for a review meeting
    Diff(DiffArgs),
}

/// Arguments of `comply diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier revision
    #[arg(value_name = "REV1", value_hint = ValueHint::Other)]
    pub from: String,
    /// The later revision [default: the working tree]
    #[arg(value_name = "REV2", value_hint = ValueHint::Other)]
    pub to: Option<String>,
    /// Output format (`markdown` gives a review pack)
    #[arg(long, value_enum, default_value_t = DiffFormat::Table)]
    pub format: DiffFormat,
}

/// The formats of `comply diff`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// Sections of lines for people.
    Table,
    /// Stable JSON.
    Json,
    /// A Markdown review pack.
    Markdown,
}

/// Arguments of `comply evidence`.
#[derive(Debug, Args)]
pub struct EvidenceArgs {
    /// Only stale evidence
    #[arg(long)]
    pub stale: bool,
    /// Only evidence that is not present (missing, empty or outside)
    #[arg(long)]
    pub missing: bool,
    /// Write a manifest (path, size, SHA-256, last commit) of every evidence file to FILE
    /// (`-` is standard output)
    #[arg(long, value_name = "FILE", conflicts_with = "verify")]
    pub manifest: Option<PathBuf>,
    /// Compare the evidence files with a manifest; exit 1 if anything was added, removed or changed
    #[arg(long, value_name = "FILE")]
    pub verify: Option<PathBuf>,
    /// Replace the manifest FILE if it exists
    #[arg(long, requires = "manifest")]
    pub force: bool,
    /// Output.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Arguments of `comply trend`.
#[derive(Debug, Args)]
pub struct TrendArgs {
    /// First day of the first period [default: twelve periods before the as-of date]
    #[arg(long, value_name = "DATE", value_parser = date_arg, value_hint = ValueHint::Other)]
    pub since: Option<NaiveDate>,
    /// Length of a period
    #[arg(long, value_enum, default_value_t = Every::Month)]
    pub every: Every,
    /// Output.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// The period of `comply trend`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Every {
    /// Seven days.
    Week,
    /// A calendar month.
    Month,
}

/// Arguments of `comply import`.
#[derive(Clone, Debug, Args)]
pub struct ImportArgs {
    /// Import from OSCAL instead of Markdown
    #[command(subcommand)]
    pub from: Option<ImportFrom>,
    /// Markdown pages to import; a folder stands for every .md page in it
    #[arg(required = true, value_name = "FILE.md|DIR")]
    pub files: Vec<PathBuf>,
    /// Framework for whatever the page leaves open: used only where no
    /// heading, front matter, title or folder names one (popia, iso27001, soc2, ...)
    #[arg(long, value_name = "ID")]
    pub framework: Option<String>,
    /// A heading word that names a framework, such as `Privacy=popia`
    /// (repeatable; tried before the names comply knows)
    #[arg(long, value_name = "WORD=ID", value_hint = ValueHint::Other)]
    pub framework_word: Vec<String>,
    /// Which shapes to look for
    #[arg(long, value_enum, default_value_t = ImportKind::Auto)]
    pub kind: ImportKind,
    /// Write to FILE, or into DIR/backlog/ and DIR/controls/ when DIR is an
    /// existing directory [default: standard output]
    #[arg(long, short, value_name = "FILE|DIR")]
    pub output: Option<PathBuf>,
    /// Replace files that exist
    #[arg(long, conflicts_with = "merge")]
    pub force: bool,
    /// Update files that exist (and combine pages that give the same file):
    /// entries with a known id take the page's status, owner, evidence and
    /// links; new ids are added; nothing else changes
    #[arg(long)]
    pub merge: bool,
    /// Import the pages that can be imported and list the ones skipped
    /// (without it, one failing page means nothing is written)
    #[arg(long)]
    pub keep_going: bool,
    /// Fail (exit 2, nothing written) when anything on a page is not imported
    #[arg(long)]
    pub strict: bool,
    /// Prefix of generated item ids [default: from the file name]
    #[arg(long, value_name = "PREFIX", value_hint = ValueHint::Other)]
    pub id_prefix: Option<String>,
    /// Risk for items whose page gives none
    #[arg(long, value_enum, default_value_t = RiskArg::Medium, value_name = "RISK")]
    pub default_risk: RiskArg,
}

/// What `comply import` reads besides Markdown pages.
#[derive(Clone, Debug, Subcommand)]
pub enum ImportFrom {
    /// Turn an OSCAL catalog (JSON: groups, controls and enhancements, ids
    /// and titles) into a control matrix
    Catalog(CatalogArgs),
}

/// Arguments of `comply import catalog`.
#[derive(Clone, Debug, Args)]
pub struct CatalogArgs {
    /// The OSCAL catalog (JSON)
    #[arg(value_name = "FILE.json", value_hint = ValueHint::FilePath)]
    pub file: PathBuf,
    /// Framework id of the matrix [default: made from the catalog's title]
    #[arg(long, value_name = "ID", value_hint = ValueHint::Other)]
    pub framework: Option<String>,
    /// An OSCAL profile (a baseline, JSON) of the catalog: keep only the
    /// controls it selects by id
    #[arg(long, value_name = "PROFILE.json", value_hint = ValueHint::FilePath)]
    pub profile: Option<PathBuf>,
    /// Write to FILE, or to DIR/controls/ID.yaml when DIR is an existing
    /// directory [default: standard output]
    #[arg(long, short, value_name = "FILE|DIR")]
    pub output: Option<PathBuf>,
    /// Replace a file that exists
    #[arg(long)]
    pub force: bool,
}

/// The OSCAL documents `comply export` writes.
#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// The backlog as an OSCAL plan of action and milestones (POA&M): one
    /// poam-item and risk per item, evidence as observations with SHA-256
    /// hashes, checklists as remediations, risk acceptances as
    /// deviation-approved
    Poam(ExportArgs),
    /// The gate's verdict as OSCAL assessment results: a finding per control
    /// and per judged item or review, satisfied or not-satisfied
    AssessmentResults(ExportArgs),
}

/// Arguments of `comply export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Write to FILE (`-` for standard output) [default: standard output]
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace a file that exists
    #[arg(long)]
    pub force: bool,
}

/// The shapes `comply import` looks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ImportKind {
    /// Every shape.
    Auto,
    /// Headings with an id and fields, all read as backlog items.
    Backlog,
    /// Control tables (matrices, Statements of Applicability, gap analyses),
    /// and headings with an id and fields read as controls.
    Matrix,
    /// Tables of tasks and recurring activities, and checklists.
    Tasks,
}

/// The output format of the terminal commands.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `comply report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Report format
    #[arg(long, value_enum, default_value_t = ReportFormat::Markdown)]
    pub format: ReportFormat,
    /// Write the report to FILE (atomically) instead of standard output
    /// (`-` is standard output)
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace FILE if it exists
    #[arg(long, requires = "output")]
    pub force: bool,
    /// Filters.
    #[command(flatten)]
    pub filter: FilterArgs,
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

/// Filters shared by listing commands.
#[derive(Debug, Args)]
pub struct FilterArgs {
    /// Only this framework (repeatable)
    #[arg(long = "framework", value_name = "ID", value_hint = ValueHint::Other)]
    pub frameworks: Vec<String>,
    /// Only items or controls of this owner (case-insensitive; matches one
    /// of several owners joined by `&`, `,`, `/` or `and`)
    #[arg(long, value_name = "NAME", value_hint = ValueHint::Other)]
    pub owner: Option<String>,
}

/// Arguments of `comply due`.
#[derive(Debug, Args)]
pub struct DueArgs {
    /// The due-soon window in days [default: `due_soon_days` from comply.yaml, else 14]
    #[arg(long, value_name = "DAYS", value_hint = ValueHint::Other)]
    pub within: Option<u32>,
    /// Filters.
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Output.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Arguments of `comply gaps`.
#[derive(Debug, Args)]
pub struct GapsArgs {
    /// Filters.
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Output.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Arguments of `comply check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The lowest risk that fails the gate [default: `gate.fail_on` from comply.yaml, else high]
    #[arg(long, value_enum, value_name = "RISK")]
    pub fail_on: Option<RiskArg>,
    /// Also fail on stale evidence of items and controls at or above the threshold
    #[arg(long)]
    pub fail_on_stale: bool,
    /// Ratchet: fail only on what got worse since this git revision (e.g. origin/main)
    #[arg(long, value_name = "REV", value_hint = ValueHint::Other)]
    pub baseline: Option<String>,
    /// Gate even when the git history that dates recurring work and
    /// evidence is unavailable (a shallow clone, no git): recurring
    /// activities are then dated by `last_done` only and nothing is stale.
    /// Without it, `check` refuses (exit 2) rather than pass on what it
    /// cannot see
    #[arg(long)]
    pub without_history: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = CheckFormat::Table)]
    pub format: CheckFormat,
}

/// The formats of `comply check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// Lines for people.
    Table,
    /// Stable JSON (see docs/json.md).
    Json,
    /// GitHub Actions annotations on the offending lines.
    Github,
    /// JUnit XML, one test case per subject the gate checked.
    Junit,
}

/// A risk level on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RiskArg {
    /// Critical only.
    Critical,
    /// High and critical.
    High,
    /// Medium and above.
    Medium,
    /// Everything.
    Low,
}

impl From<RiskArg> for Risk {
    fn from(arg: RiskArg) -> Risk {
        match arg {
            RiskArg::Critical => Risk::Critical,
            RiskArg::High => Risk::High,
            RiskArg::Medium => Risk::Medium,
            RiskArg::Low => Risk::Low,
        }
    }
}

/// The ids of the options every command that reads a repository takes.
pub const GLOBAL_OPTIONS: [&str; 7] = [
    "root",
    "as_of",
    "at",
    "quiet",
    "verbose",
    "allow_empty",
    "color",
];

/// The global options that `command` uses. The others are hidden from its
/// help, its completions and its man page, and rejected when given (exit 2),
/// so none is accepted and then ignored.
pub fn options_of(command: &str) -> &'static [&'static str] {
    match command {
        "init" | "schema" | "completions" | "man" | "reference" | "help" => &[],
        "import" => &["as_of"],
        "export" => &["root", "as_of", "quiet", "verbose", "allow_empty"],
        "trend" => &["root", "as_of", "verbose", "color"],
        "diff" => &["root", "verbose"],
        _ => &GLOBAL_OPTIONS,
    }
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
            let mut help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
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

fn date_arg(text: &str) -> Result<NaiveDate, String> {
    parse_date(text)
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
