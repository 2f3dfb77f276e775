//! What several commands share on the command line: the output format,
//! the filters, the risk threshold, the version, and which global options
//! each command takes.

use chrono::NaiveDate;
use clap::{Args, ValueEnum, ValueHint};

use crate::analysis::Options;
use crate::date::{Span, check_audit_period, parse_date, parse_range};
use crate::model::Risk;

/// `comply --version`: the package version and the git commit it was built from.
pub(crate) const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("COMPLY_GIT_COMMIT"),
    ")"
);

/// The ids of the options every command that reads a repository takes.
pub(crate) const GLOBAL_OPTIONS: [&str; 7] = [
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
pub(crate) fn options_of(command: &str) -> &'static [&'static str] {
    match command {
        "init" | "schema" | "completions" | "man" | "reference" | "help" => &[],
        "import" => &["as_of"],
        "export" => &["root", "as_of", "quiet", "verbose", "allow_empty"],
        "trend" => &["root", "as_of", "verbose", "color"],
        "diff" => &["root", "verbose"],
        _ => &GLOBAL_OPTIONS,
    }
}

/// The output format of the terminal commands.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub(crate) format: Format,
}

/// How results are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Tables and lines for people.
    Table,
    /// Stable JSON for programs (see docs/json.md).
    Json,
}

/// Filters shared by listing commands.
#[derive(Debug, Args)]
pub struct FilterArgs {
    /// Only this framework (repeatable)
    #[arg(long = "framework", value_name = "ID", value_hint = ValueHint::Other)]
    pub(crate) frameworks: Vec<String>,
    /// Only items or controls of this owner (case-insensitive; matches one
    /// of several owners joined by `&`, `,`, `/` or `and`)
    #[arg(long, value_name = "NAME", value_hint = ValueHint::Other)]
    pub(crate) owner: Option<String>,
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

/// How the gate judges: the options `comply check` and `comply export
/// assessment-results` share, so the exported verdict is the CI gate's.
#[derive(Debug, Args)]
pub struct GateArgs {
    /// The lowest risk that fails the gate [default: `gate.fail_on` from comply.yaml, else high]
    #[arg(long, value_enum, value_name = "RISK")]
    pub(crate) fail_on: Option<RiskArg>,
    /// Also fail on stale evidence of items and controls at or above the threshold
    #[arg(long)]
    pub(crate) fail_on_stale: bool,
    /// Gate even when the git history that dates recurring work and
    /// evidence is unavailable (a shallow clone, no git): recurring
    /// activities are then dated by `last_done` only and nothing is stale.
    /// Without it, the command refuses (exit 2) rather than pass on what it
    /// cannot see
    #[arg(long)]
    pub(crate) without_history: bool,
}

impl GateArgs {
    /// The analysis options `base` (from the settings) with these applied.
    pub(crate) fn apply(&self, base: Options) -> Options {
        Options {
            fail_on: self.fail_on.map_or(base.fail_on, Into::into),
            fail_on_stale: self.fail_on_stale,
            without_history: self.without_history,
            ..base
        }
    }
}

/// A date argument, as YYYY-MM-DD.
pub(crate) fn date_arg(text: &str) -> Result<NaiveDate, String> {
    parse_date(text)
}

/// An audit period argument, as FROM..TO (each a day, month, quarter, half
/// or year) within the length limit.
pub(crate) fn period_arg(text: &str) -> Result<Span, String> {
    let span = parse_range(text)?;
    check_audit_period(span)?;
    Ok(span)
}

/// The formats of `comply check` (with or without `--baseline`).
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
