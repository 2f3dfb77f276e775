//! JSON Schemas of comply's files, generated from these types with
//! schemars, for editors (yaml-language-server) and other tools.
//!
//! The types describe the files as written, not the model they decode to;
//! a test keeps their field names equal to the decoder's, and another keeps
//! the committed `schema/*.json` equal to what these types generate.

use schemars::{JsonSchema, Schema, schema_for};
use serde::Serialize;

use crate::model::{ControlStatus, ItemStatus, Risk};

/// The file kinds with a schema, by the name `comply schema` takes.
pub const KINDS: &[&str] = &["config", "controls", "backlog", "reviews", "exceptions"];

/// The published address of a schema, for `# yaml-language-server: $schema=`:
/// the file at this version's tag, so an editor never reads the schema of
/// another version. Output documents' schemas are under `output/`.
pub fn url(kind: &str) -> String {
    let path = if KINDS.contains(&kind) {
        kind.to_string()
    } else {
        format!("output/{kind}")
    };
    format!(
        "https://raw.githubusercontent.com/comply-tools/comply/v{}/schema/{path}.schema.json",
        env!("CARGO_PKG_VERSION")
    )
}

/// The schema of one file kind, or of one JSON output document (see
/// [`crate::render::json::OUTPUTS`]), as pretty JSON with a final newline;
/// its `$id` is its published address.
pub fn json(kind: &str) -> Option<String> {
    let mut schema: Schema = match kind {
        "config" => schema_for!(ConfigFile),
        "controls" => schema_for!(MatrixFile),
        "backlog" => schema_for!(BacklogFile),
        "reviews" => schema_for!(ReviewsFile),
        "exceptions" => schema_for!(ExceptionsFile),
        _ => crate::render::json::schema(kind)?,
    };
    schema.insert("$id".to_string(), url(kind).into());
    serde_json::to_string_pretty(&schema).ok().map(|mut s| {
        s.push('\n');
        s
    })
}

/// An id or reference: YAML may read `5.10` as a number, comply reads it as
/// the text `5.10`, so both are accepted.
#[derive(Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Id {
    /// Text: one word, no space, `:` or control character (as validate
    /// checks).
    Text(#[schemars(regex(pattern = r"^[^\s:\u0000-\u001f\u007f]+$"))] String),
    /// A number, read as its text.
    Number(f64),
}

/// `YYYY-MM-DD`.
#[derive(Serialize, JsonSchema)]
pub struct Date(
    #[schemars(regex(pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"))] String,
);

/// A date, or `TBD` for unscheduled.
#[derive(Serialize, JsonSchema)]
pub struct DueDate(
    #[schemars(regex(
        pattern = r"^([0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])|[Tt][Bb][Dd])$"
    ))]
    String,
);

/// One value, or a list of them (a single value is read as a list of one).
#[derive(Serialize, JsonSchema)]
#[serde(untagged)]
pub enum OneOrMany<T> {
    /// One value.
    One(T),
    /// A list.
    Many(Vec<T>),
}

/// `comply.yaml`.
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "comply.yaml")]
pub struct ConfigFile {
    /// Display name of the repository, for titles.
    pub name: Option<String>,
    /// The CI gate.
    pub gate: Option<GateConfig>,
    /// How many days ahead an open item counts as due soon (default 14).
    #[schemars(range(max = 3660))]
    pub due_soon_days: Option<u32>,
    /// Evidence unchanged in git for longer is stale (default: never).
    #[schemars(range(max = 3660))]
    pub max_age_days: Option<u32>,
    /// Longest risk acceptance, in days from approval to expiry (default 365).
    #[schemars(range(max = 3660))]
    pub max_exception_days: Option<u32>,
    /// The people who own controls, items and reviews.
    pub owners: Option<Vec<OwnerEntry>>,
    /// Settings of `comply import`.
    pub import: Option<ImportConfig>,
}

/// The `import` section of `comply.yaml`.
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportConfig {
    /// Heading words that name a framework, and its id (`Privacy: popia`).
    pub frameworks: Option<std::collections::BTreeMap<String, String>>,
}

/// A declared owner.
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OwnerEntry {
    /// The name used in `owner:` fields.
    pub name: String,
    /// E-mail address.
    pub email: Option<String>,
    /// Team; `--owner TEAM` selects the team's members.
    pub team: Option<String>,
}

/// How often a recurring activity comes round.
#[derive(Serialize, JsonSchema)]
#[serde(untagged)]
pub enum CadenceEntry {
    /// `monthly`, `quarterly`, `biannual`, `annual` or `every N days`.
    Word(#[schemars(pattern(r"^(monthly|quarterly|biannual|annual|every [0-9]+ days?)$"))] String),
    /// `{every: N}` days.
    Every(EveryDays),
}

/// `{every: N}`.
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EveryDays {
    /// Days between two occurrences.
    #[schemars(range(min = 1, max = 3660))]
    pub every: u32,
}

/// A reviews file: `reviews/*.yaml`.
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "comply reviews")]
pub struct ReviewsFile {
    /// The recurring activities.
    pub reviews: Vec<ReviewEntry>,
}

/// One recurring activity.
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewEntry {
    /// Unique id (shared with backlog items).
    pub id: Id,
    /// Short name (not blank).
    #[schemars(regex(pattern = r"\S"))]
    pub title: String,
    /// The framework it serves.
    pub framework: String,
    /// Who does it.
    pub owner: Option<String>,
    /// How often.
    pub cadence: CadenceEntry,
    /// What proves it was done; its newest commit dates the last time.
    pub evidence: Option<Vec<EvidenceEntry>>,
    /// When it was last done, when written down.
    pub last_done: Option<Date>,
    /// How risky it is to skip (default medium).
    pub risk: Option<Risk>,
}

/// An exceptions file: `exceptions/*.yaml`.
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "comply risk acceptances")]
pub struct ExceptionsFile {
    /// The risk acceptances.
    pub exceptions: Vec<ExceptionEntry>,
}

/// One risk acceptance.
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExceptionEntry {
    /// An item, review or control id (or `framework:id`), or an evidence path.
    pub target: String,
    /// Why the risk is accepted.
    pub reason: String,
    /// Who approved it.
    pub approved_by: String,
    /// When.
    pub approved_on: Date,
    /// The last day it is in force.
    pub expires: Date,
}

/// The `gate` section of `comply.yaml`.
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GateConfig {
    /// The lowest risk at which an overdue item fails `comply check` (default high).
    pub fail_on: Option<Risk>,
}

/// A control matrix: `controls/*.yaml`, one framework per file.
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "comply control matrix")]
pub struct MatrixFile {
    /// Short framework id (`popia`, `iso27001`, `soc2`).
    pub framework: String,
    /// Display name.
    pub name: Option<String>,
    /// Free text.
    pub description: Option<String>,
    /// Default evidence age limit for this framework's controls and items.
    #[schemars(range(max = 3660))]
    pub max_age_days: Option<u32>,
    /// The controls.
    pub controls: Vec<ControlEntry>,
}

/// One control of a matrix.
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ControlEntry {
    /// Id within the framework (`CC6.1`, `A.5.24`).
    pub id: Id,
    /// Short name (not blank).
    #[schemars(regex(pattern = r"\S"))]
    pub title: String,
    /// Implementation status.
    pub status: ControlStatus,
    /// Severity of the gap.
    pub severity: Option<Risk>,
    /// Who answers for the control.
    pub owner: Option<String>,
    /// Current maturity.
    pub current: Option<String>,
    /// Target state.
    pub target: Option<String>,
    /// The gap and its risk.
    pub gap: Option<String>,
    /// What proves the control.
    pub evidence: Option<Vec<EvidenceEntry>>,
    /// Ids of remediation items.
    pub backlog: Option<OneOrMany<Id>>,
    /// Equivalent controls elsewhere, as `framework:id`.
    pub maps_to: Option<OneOrMany<String>>,
    /// Free labels.
    pub tags: Option<OneOrMany<String>>,
    /// Age limit for this control's evidence.
    #[schemars(range(max = 3660))]
    pub max_age_days: Option<u32>,
    /// How often the control must be performed again (a recurring control).
    pub cadence: Option<CadenceEntry>,
}

/// An evidence entry: a path, or a path with a note and an age limit.
#[derive(Serialize, JsonSchema)]
#[serde(untagged)]
pub enum EvidenceEntry {
    /// A file, a directory or a glob, relative to the root.
    Path(String),
    /// The same with details.
    Detailed(EvidenceDetails),
}

/// An evidence entry written as a mapping.
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceDetails {
    /// A file, a directory or a glob, relative to the root.
    pub path: String,
    /// What the evidence is.
    pub note: Option<String>,
    /// Days after its last commit at which this entry goes stale.
    #[schemars(range(max = 3660))]
    pub max_age_days: Option<u32>,
}

/// A backlog file: `backlog/*.yaml`.
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "comply backlog")]
pub struct BacklogFile {
    /// Default framework of every item in the file.
    pub framework: Option<String>,
    /// The items.
    pub items: Vec<ItemEntry>,
}

/// One backlog item.
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemEntry {
    /// Unique id (`POPIA-001`).
    pub id: Id,
    /// Short name (not blank).
    #[schemars(regex(pattern = r"\S"))]
    pub title: String,
    /// Framework id (required here or at the top of the file).
    pub framework: Option<String>,
    /// Controls the item closes: ids in its framework, or `framework:id`.
    pub controls: Option<OneOrMany<Id>>,
    /// How risky it is to leave undone.
    pub risk: Risk,
    /// Who does it.
    pub owner: Option<String>,
    /// Due date, or `TBD`.
    pub due: Option<DueDate>,
    /// Where it stands (default open).
    pub status: Option<ItemStatus>,
    /// Completion date; required when status is done.
    pub done: Option<Date>,
    /// What the work is.
    pub summary: Option<String>,
    /// What proves it is done.
    pub evidence: Option<Vec<EvidenceEntry>>,
    /// Sub-steps.
    pub checklist: Option<Vec<ChecklistStep>>,
    /// Free labels.
    pub tags: Option<OneOrMany<String>>,
    /// Age limit for this item's evidence.
    #[schemars(range(max = 3660))]
    pub max_age_days: Option<u32>,
}

/// One checklist step.
#[derive(Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChecklistStep {
    /// The step.
    pub task: String,
    /// Ticked (default false).
    pub done: Option<bool>,
}
