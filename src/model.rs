//! The compliance model: frameworks, controls, backlog items and evidence.
//!
//! These are the values comply decides on. They are built by `decode` from
//! YAML and carry a [`Source`] so every later finding can name its file and
//! line.

use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::Serialize;

use crate::date::Span;
use crate::yaml::Pos;

/// The owners an owner field joins with `&`, `,`, `/` or ` and `.
pub(crate) fn owner_names(owner: &str) -> Vec<&str> {
    owner
        .split(" and ")
        .flat_map(|part| part.split(['&', ',', '/']))
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect()
}

/// Where a value was defined.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Source {
    /// The file, relative to the repository root, with `/` separators;
    /// shared by every value of the file.
    pub(crate) file: Arc<str>,
    /// Where in the file.
    pub(crate) pos: Pos,
}

/// A file and line, for output that points back at the source.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
pub(crate) struct SourceRef {
    /// File relative to the root, with `/` separators.
    pub(crate) file: Arc<str>,
    /// Line, from 1.
    pub(crate) line: usize,
}

impl From<&Source> for SourceRef {
    fn from(source: &Source) -> SourceRef {
        SourceRef {
            file: Arc::clone(&source.file),
            line: source.pos.line,
        }
    }
}

/// Defines a closed set of lower-case words (a YAML enum) with parsing,
/// printing and serialisation that all agree.
macro_rules! word_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $word:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $word)] $variant),+
        }

        impl $name {
            /// The spelling used in files and output.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }
        }

        impl $crate::model::Word for $name {
            const WORDS: &'static [&'static str] = &[$($word),+];
        }

        impl std::str::FromStr for $name {
            type Err = ();
            fn from_str(s: &str) -> Result<Self, ()> {
                match s { $($word => Ok($name::$variant),)+ _ => Err(()) }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// A closed set of words a file may use for a value.
pub(crate) trait Word: std::str::FromStr + Copy {
    /// Every accepted spelling, in order.
    const WORDS: &'static [&'static str];
}

word_enum! {
    /// How severe a gap or how risky an item is; ordered most severe first.
    Risk {
        /// Must be fixed before anything else.
        Critical = "critical",
        /// Fails the gate by default when overdue.
        High = "high",
        /// Normal priority.
        Medium = "medium",
        /// Nice to have.
        Low = "low",
    }
}

impl Risk {
    /// Whether this risk is at least as severe as `threshold`.
    #[must_use]
    pub(crate) fn at_least(self, threshold: Risk) -> bool {
        self <= threshold
    }
}

word_enum! {
    /// How far a control is implemented.
    ControlStatus {
        /// In place and evidenced.
        Implemented = "implemented",
        /// Partly in place.
        Partial = "partial",
        /// Decided on, not started.
        Planned = "planned",
        /// Absent.
        Missing = "missing",
        /// Out of scope.
        NotApplicable = "not-applicable",
        /// Listed (a Statement of Applicability lists every control) but
        /// not assessed yet: neither a gap nor done, counted on its own.
        NotAssessed = "not-assessed",
    }
}

impl ControlStatus {
    /// Rank from weakest (0, `missing`) to strongest (3, `implemented`);
    /// `None` for `not-applicable`, which has no place in the order.
    #[must_use]
    pub(crate) fn strength(self) -> Option<u8> {
        match self {
            ControlStatus::Missing => Some(0),
            ControlStatus::Planned => Some(1),
            ControlStatus::Partial => Some(2),
            ControlStatus::Implemented => Some(3),
            ControlStatus::NotApplicable | ControlStatus::NotAssessed => None,
        }
    }

    /// Whether the control still needs work (a gap).
    #[must_use]
    pub(crate) fn is_gap(self) -> bool {
        matches!(
            self,
            ControlStatus::Partial | ControlStatus::Planned | ControlStatus::Missing
        )
    }
}

word_enum! {
    /// Where a backlog item stands.
    ItemStatus {
        /// Not started.
        Open = "open",
        /// Being worked on.
        InProgress = "in-progress",
        /// Waiting on something else.
        Blocked = "blocked",
        /// Finished; needs a `done` date.
        Done = "done",
        /// Decided against.
        WontDo = "wont-do",
    }
}

impl ItemStatus {
    /// Whether the item no longer needs work.
    #[must_use]
    pub(crate) fn is_closed(self) -> bool {
        matches!(self, ItemStatus::Done | ItemStatus::WontDo)
    }
}

/// When an item is due.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Due {
    /// A real date.
    On(NaiveDate),
    /// Omitted or `TBD`.
    Unscheduled,
}

impl Due {
    /// The date, when scheduled.
    #[must_use]
    pub(crate) fn date(self) -> Option<NaiveDate> {
        match self {
            Due::On(date) => Some(date),
            Due::Unscheduled => None,
        }
    }
}

/// A piece of evidence a control or item points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Evidence {
    /// A file, a directory or a glob, relative to the root, as written;
    /// for a `pattern`, the pattern with `*` for `{period}`.
    pub(crate) path: String,
    /// A path with `{period}` in it, one per period of the cadence.
    pub(crate) pattern: Option<String>,
    /// The days the evidence covers, when written (`covers`); otherwise
    /// the evidence covers the period its files were committed in.
    pub(crate) covers: Option<Span>,
    /// What the evidence is, in words.
    pub(crate) note: Option<String>,
    /// Days after its last commit at which this entry goes stale.
    pub(crate) max_age_days: Option<u32>,
    /// Where the entry was written.
    pub(crate) source: Source,
}

/// One line of a partial checklist inside an item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub(crate) struct ChecklistEntry {
    /// The step, in words.
    pub(crate) task: String,
    /// Whether it is ticked.
    pub(crate) done: bool,
}

/// One row of a control matrix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Control {
    /// The id within its framework (`CC6.1`, `A.5.24`, `S11`).
    pub(crate) id: String,
    /// The framework the control belongs to.
    pub(crate) framework: String,
    /// Short name.
    pub(crate) title: String,
    /// Implementation status as written; `None` when the control takes
    /// its status from the controls that satisfy it.
    pub(crate) status: Option<ControlStatus>,
    /// Whether the control applies (`applicable: false`, or the older
    /// `status: not-applicable`, make it not apply).
    pub(crate) applicable: bool,
    /// Why the control does or does not apply.
    pub(crate) justification: Option<String>,
    /// Controls of other frameworks this control satisfies (`iso27001:A.8.15`).
    pub(crate) satisfies: Vec<Reference>,
    /// Severity of the gap, if any.
    pub(crate) severity: Option<Risk>,
    /// Who answers for the control.
    pub(crate) owner: Option<String>,
    /// Current maturity, in words.
    pub(crate) current: Option<String>,
    /// Target state, in words.
    pub(crate) target: Option<String>,
    /// The gap and its risk, in words.
    pub(crate) gap: Option<String>,
    /// What proves the control.
    pub(crate) evidence: Vec<Evidence>,
    /// Ids of the backlog items that remediate the control.
    pub(crate) backlog: Vec<Reference>,
    /// Equivalent controls in other frameworks (`iso27001:A.5.24`).
    pub(crate) maps_to: Vec<Reference>,
    /// Free labels.
    pub(crate) tags: Vec<String>,
    /// Default `max_age_days` for this control's evidence.
    pub(crate) max_age_days: Option<u32>,
    /// How often the control must be performed again, if recurring.
    pub(crate) cadence: Option<Cadence>,
    /// Where the control's requirement is written (a URL).
    pub(crate) reference: Option<String>,
    /// Where the control is defined.
    pub(crate) source: Source,
}

/// An id written somewhere, with where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Reference {
    /// The id as written.
    pub(crate) id: String,
    /// Where it was written.
    pub(crate) source: Source,
}

/// A control matrix: one framework file under `controls/`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Framework {
    /// Short id (`popia`, `iso27001`, `soc2`).
    pub(crate) id: String,
    /// Display name.
    pub(crate) name: String,
    /// The controls, in file order.
    pub(crate) controls: Vec<Control>,
    /// Default `max_age_days` for the evidence of this framework's controls
    /// and items.
    pub(crate) max_age_days: Option<u32>,
    /// Where the framework is declared.
    pub(crate) source: Source,
}

word_enum! {
    /// How a mapping's source control relates to its target, as in NIST
    /// OLIR and OSCAL's mapping model.
    Relation {
        /// The two say the same.
        Equal = "equal",
        /// The source covers part of the target.
        Subset = "subset",
        /// The source covers all of the target and more.
        Superset = "superset",
        /// The two overlap; neither covers the other.
        Intersects = "intersects",
    }
}

impl Relation {
    /// Whether the source fully covers the target, so its status and
    /// evidence carry over (`equal`, `superset`); a `subset` or
    /// `intersects` source carries at most `partial` and no evidence.
    #[must_use]
    pub(crate) fn covers(self) -> bool {
        matches!(self, Relation::Equal | Relation::Superset)
    }
}

/// A control named by framework and id.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct ControlKey {
    /// Framework id.
    pub(crate) framework: String,
    /// Control id within the framework.
    pub(crate) id: String,
}

impl ControlKey {
    /// `framework:id` split at its first `:`; `None` without one.
    #[must_use]
    pub(crate) fn parse(text: &str) -> Option<ControlKey> {
        let (framework, id) = text.split_once(':')?;
        Some(ControlKey {
            framework: framework.to_string(),
            id: id.to_string(),
        })
    }
}

impl fmt::Display for ControlKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.framework, self.id)
    }
}

/// One mapping: the source control satisfies the target control, with a
/// relation. From a control's `satisfies` (relation `equal`) or an entry
/// of `mappings/*.yaml`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Mapping {
    /// The control whose work counts.
    pub(crate) source: ControlKey,
    /// The control it counts for.
    pub(crate) target: ControlKey,
    /// How the two relate.
    pub(crate) relation: Relation,
    /// Where the mapping is written.
    pub(crate) at: Source,
}

/// A remediation backlog item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Item {
    /// Unique id (`POPIA-001`).
    pub(crate) id: String,
    /// Short name.
    pub(crate) title: String,
    /// The framework the item serves.
    pub(crate) framework: String,
    /// Ids of the controls the item closes (own framework, or `fw:id`).
    pub(crate) controls: Vec<Reference>,
    /// How risky it is to leave undone.
    pub(crate) risk: Risk,
    /// Who does it.
    pub(crate) owner: Option<String>,
    /// When it is due.
    pub(crate) due: Due,
    /// Where it stands.
    pub(crate) status: ItemStatus,
    /// When it was finished.
    pub(crate) done: Option<NaiveDate>,
    /// What the work is.
    pub(crate) summary: Option<String>,
    /// What proves it is done.
    pub(crate) evidence: Vec<Evidence>,
    /// Sub-steps, when the item tracks a partial checklist.
    pub(crate) checklist: Vec<ChecklistEntry>,
    /// Free labels (a phase, a workstream).
    pub(crate) tags: Vec<String>,
    /// Default `max_age_days` for this item's evidence.
    pub(crate) max_age_days: Option<u32>,
    /// Where the item is defined.
    pub(crate) source: Source,
}

impl Item {
    /// The controls the item names, as framework and id: a bare id is a
    /// control of the item's own framework.
    pub(crate) fn linked_controls(&self) -> impl Iterator<Item = (&str, &str)> {
        self.controls.iter().map(|reference| {
            reference
                .id
                .split_once(':')
                .unwrap_or((self.framework.as_str(), reference.id.as_str()))
        })
    }
}

/// Settings from `comply.yaml`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub(crate) struct Config {
    /// Display name of the repository, for titles.
    pub(crate) name: Option<String>,
    /// The lowest risk at which an overdue item fails the gate.
    pub(crate) fail_on: Risk,
    /// How many days ahead an item counts as due soon.
    pub(crate) due_soon_days: u32,
    /// Default `max_age_days` for all evidence; `None`: evidence never goes stale.
    pub(crate) max_age_days: Option<u32>,
    /// Longest time a risk acceptance may run, in days from its approval.
    pub(crate) max_exception_days: u32,
    /// The audit period of `comply audit` and `comply pack`, when set.
    #[schemars(with = "Option<Span>")]
    pub(crate) audit_period: Option<Span>,
    /// Days after a period's end within which its evidence is on time.
    pub(crate) audit_grace_days: u32,
    /// The people and teams who own things, when declared.
    pub(crate) owners: Vec<Owner>,
    /// Heading words `comply import` reads as framework ids (`Privacy` -> `popia`).
    pub(crate) framework_words: Vec<(String, String)>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            name: None,
            fail_on: Risk::High,
            due_soon_days: 14,
            max_age_days: None,
            max_exception_days: 365,
            audit_period: None,
            audit_grace_days: 14,
            owners: Vec::new(),
            framework_words: Vec::new(),
        }
    }
}

/// A declared owner (`owners` in comply.yaml).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub(crate) struct Owner {
    /// The name used in `owner:` fields.
    pub(crate) name: String,
    /// E-mail address.
    pub(crate) email: Option<String>,
    /// Team.
    pub(crate) team: Option<String>,
}

/// How often a recurring activity comes round.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Cadence {
    /// Every calendar month.
    Monthly,
    /// Every three months.
    Quarterly,
    /// Every six months.
    Biannual,
    /// Every year.
    Annual,
    /// Every this many days.
    Days(u32),
}

impl Cadence {
    /// The next time after `last`.
    #[must_use]
    pub(crate) fn next(self, last: NaiveDate) -> NaiveDate {
        let months = |n| {
            last.checked_add_months(chrono::Months::new(n))
                .unwrap_or(last)
        };
        match self {
            Cadence::Monthly => months(1),
            Cadence::Quarterly => months(3),
            Cadence::Biannual => months(6),
            Cadence::Annual => months(12),
            Cadence::Days(days) => last
                .checked_add_days(chrono::Days::new(u64::from(days)))
                .unwrap_or(last),
        }
    }
}

impl fmt::Display for Cadence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cadence::Monthly => f.write_str("monthly"),
            Cadence::Quarterly => f.write_str("quarterly"),
            Cadence::Biannual => f.write_str("biannual"),
            Cadence::Annual => f.write_str("annual"),
            Cadence::Days(1) => f.write_str("every 1 day"),
            Cadence::Days(days) => write!(f, "every {days} days"),
        }
    }
}

/// A recurring activity: an entry of `reviews/*.yaml`, or a control with a
/// `cadence`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Review {
    /// Unique id (a control's id for a control's cadence).
    pub(crate) id: String,
    /// Short name.
    pub(crate) title: String,
    /// The framework it serves.
    pub(crate) framework: Option<String>,
    /// Who does it.
    pub(crate) owner: Option<String>,
    /// How often.
    pub(crate) cadence: Cadence,
    /// What proves it was done; the newest commit touching it dates it.
    pub(crate) evidence: Vec<Evidence>,
    /// When it was last done, when written down.
    pub(crate) last_done: Option<NaiveDate>,
    /// How risky it is to skip.
    pub(crate) risk: Risk,
    /// Where it is defined.
    pub(crate) source: Source,
}

/// A risk acceptance: an entry of `exceptions/*.yaml`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Exception {
    /// What is accepted: an item, review or control id, or an evidence path.
    pub(crate) target: Reference,
    /// Why.
    pub(crate) reason: String,
    /// Who approved it.
    pub(crate) approved_by: String,
    /// When.
    pub(crate) approved_on: NaiveDate,
    /// Until when.
    pub(crate) expires: NaiveDate,
    /// Where it is defined.
    pub(crate) source: Source,
}

/// Everything read from a repository.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Repository {
    /// Settings.
    pub(crate) config: Config,
    /// Control matrices, sorted by framework id.
    pub(crate) frameworks: Vec<Framework>,
    /// Backlog items, sorted by id.
    pub(crate) items: Vec<Item>,
    /// Recurring activities from `reviews/`, sorted by id.
    pub(crate) reviews: Vec<Review>,
    /// Risk acceptances from `exceptions/`, in file order.
    pub(crate) exceptions: Vec<Exception>,
    /// Mappings between controls from `mappings/`, in file order (a
    /// control's `satisfies` stays on the control; see [`Repository::all_mappings`]).
    pub(crate) mappings: Vec<Mapping>,
}

impl Repository {
    /// Every mapping: each control's `satisfies` (relation `equal`), then
    /// the entries of `mappings/`. A `satisfies` entry without a `:` is
    /// left out (validate reports it).
    #[must_use]
    pub(crate) fn all_mappings(&self) -> Vec<Mapping> {
        let inline = self.frameworks.iter().flat_map(|f| {
            f.controls.iter().flat_map(move |c| {
                c.satisfies.iter().filter_map(move |r| {
                    Some(Mapping {
                        source: ControlKey {
                            framework: f.id.clone(),
                            id: c.id.clone(),
                        },
                        target: ControlKey::parse(&r.id)?,
                        relation: Relation::Equal,
                        at: r.source.clone(),
                    })
                })
            })
        });
        inline.chain(self.mappings.iter().cloned()).collect()
    }

    /// Whether git history is needed: some `max_age_days` is set, or a
    /// recurring activity is dated by its evidence.
    #[must_use]
    pub(crate) fn needs_history(&self) -> bool {
        let recurring_controls = self
            .frameworks
            .iter()
            .flat_map(|f| &f.controls)
            .filter(|c| c.cadence.is_some());
        self.has_age_limits()
            || self.reviews.iter().any(|r| !r.evidence.is_empty())
            || recurring_controls
                .into_iter()
                .any(|c| !c.evidence.is_empty())
    }

    /// Whether the gate could pass wrongly without git history: stale
    /// evidence is gated (`fail_on_stale`) and some age limit is set, or a
    /// recurring activity at or above `fail_on` is dated by its evidence
    /// alone (a control's cadence, or a review without `last_done`). A
    /// review with `last_done` only comes due earlier without history, so
    /// it cannot pass wrongly.
    #[must_use]
    pub(crate) fn gate_needs_history(&self, fail_on: Risk, fail_on_stale: bool) -> bool {
        let dated_by_evidence =
            self.reviews.iter().any(|r| {
                r.last_done.is_none() && !r.evidence.is_empty() && r.risk.at_least(fail_on)
            }) || self.frameworks.iter().flat_map(|f| &f.controls).any(|c| {
                c.cadence.is_some()
                    && !c.evidence.is_empty()
                    && c.severity.unwrap_or(Risk::Medium).at_least(fail_on)
            });
        dated_by_evidence || (fail_on_stale && self.has_age_limits())
    }

    /// Whether any `max_age_days` is set, so freshness matters.
    #[must_use]
    pub(crate) fn has_age_limits(&self) -> bool {
        self.config.max_age_days.is_some()
            || self.frameworks.iter().any(|f| {
                f.max_age_days.is_some()
                    || f.controls.iter().any(|c| {
                        c.max_age_days.is_some()
                            || c.evidence.iter().any(|e| e.max_age_days.is_some())
                    })
            })
            || self.items.iter().any(|i| {
                i.max_age_days.is_some() || i.evidence.iter().any(|e| e.max_age_days.is_some())
            })
    }

    /// The `max_age_days` of framework `id`, if set.
    #[must_use]
    pub(crate) fn framework_max_age(&self, id: &str) -> Option<u32> {
        self.frameworks
            .iter()
            .find(|f| f.id == id)
            .and_then(|f| f.max_age_days)
    }

    /// Every evidence entry of every control, item and review.
    pub(crate) fn evidence(&self) -> impl Iterator<Item = &Evidence> {
        self.frameworks
            .iter()
            .flat_map(|f| f.controls.iter().flat_map(|c| &c.evidence))
            .chain(self.items.iter().flat_map(|i| &i.evidence))
            .chain(self.reviews.iter().flat_map(|r| &r.evidence))
    }

    /// Every recurring activity: the reviews, and the controls with a
    /// cadence (as reviews of their framework, owner, severity and evidence).
    #[must_use]
    pub(crate) fn recurring(&self) -> Vec<Review> {
        let mut all = self.reviews.clone();
        for framework in &self.frameworks {
            for control in &framework.controls {
                // A control out of scope has nothing recurring to prove.
                let Some(cadence) = control.cadence.filter(|_| control.applicable) else {
                    continue;
                };
                all.push(Review {
                    id: format!("{}:{}", framework.id, control.id),
                    title: control.title.clone(),
                    framework: Some(framework.id.clone()),
                    owner: control.owner.clone(),
                    cadence,
                    evidence: control.evidence.clone(),
                    last_done: None,
                    risk: control.severity.unwrap_or(Risk::Medium),
                    source: control.source.clone(),
                });
            }
        }
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn risk_order_and_threshold() {
        assert!(Risk::Critical.at_least(Risk::High));
        assert!(Risk::High.at_least(Risk::High));
        assert!(!Risk::Medium.at_least(Risk::High));
        assert_eq!("wont-do".parse::<ItemStatus>(), Ok(ItemStatus::WontDo));
        assert_eq!(ControlStatus::NotApplicable.as_str(), "not-applicable");
        assert!("High".parse::<Risk>().is_err());
    }
}
