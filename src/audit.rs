//! The audit grid: for every recurring activity, each period of its cadence
//! inside the audit period, and whether evidence covers it on time, late, or
//! not at all. Pure: the evidence states and the commits that first added
//! each file come in as values.
//!
//! A piece of evidence covers a period three ways: a `pattern` entry's file
//! for that period (`{period}` replaced by its name); an entry with
//! `covers`, for every period its days overlap; any other entry, for the
//! period each of its files was first committed in. Evidence is on time when
//! its file was first committed by the period's end plus the grace days,
//! late after that. A period with nothing is missing once its end plus the
//! grace days has passed, else still open. Evidence first committed after
//! the as-of day does not count.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::cadence_periods::{Period, periods};
use crate::date::Span;
use crate::evidence::EvidenceMap;
use crate::format::PERIOD;
use crate::git::LastCommit;
use crate::model::{Cadence, Evidence, Repository, Review, Risk, SourceRef};

word_enum! {
    /// How one period of one activity stands.
    CellState {
        /// Evidence committed by the period's end plus the grace days.
        Covered = "covered",
        /// Evidence committed after the period's end plus the grace days.
        Late = "late",
        /// No evidence, and the period's end plus the grace days has passed.
        Missing = "missing",
        /// No evidence yet, and the period (with its grace days) is not over.
        Open = "open",
    }
}

/// One period of one activity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub(crate) struct Cell {
    /// The period's name (`2026-Q1`).
    pub(crate) period: String,
    /// Its days.
    pub(crate) days: Span,
    /// How it stands.
    pub(crate) state: CellState,
    /// The evidence file that covers it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) file: Option<String>,
    /// The commit that first added that file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) commit: Option<LastCommit>,
}

/// One recurring activity and its periods.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub(crate) struct Activity {
    /// The review id, or `framework:control` for a control's cadence.
    pub(crate) id: String,
    /// Short name.
    pub(crate) title: String,
    /// The framework it serves.
    pub(crate) framework: Option<String>,
    /// Who does it.
    pub(crate) owner: Option<String>,
    /// How often, in words.
    #[schemars(with = "String")]
    pub(crate) cadence: Cadence,
    /// How risky it is to skip.
    pub(crate) risk: Risk,
    /// Where it is defined.
    pub(crate) source: SourceRef,
    /// Its periods, in order.
    pub(crate) cells: Vec<Cell>,
}

/// The grid of an audit period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub(crate) struct Audit {
    /// The audit period.
    pub(crate) period: Span,
    /// Days after a period's end within which evidence is on time.
    pub(crate) grace_days: u32,
    /// The day the grid was made for.
    pub(crate) as_of: NaiveDate,
    /// Every recurring activity, by framework and id.
    pub(crate) activities: Vec<Activity>,
}

impl Audit {
    /// The cadences of its activities, once each, in the order of their
    /// words (as the grid's blocks are shown).
    pub(crate) fn cadences(&self) -> Vec<Cadence> {
        let mut cadences: Vec<Cadence> = self.activities.iter().map(|a| a.cadence).collect();
        cadences.sort_by_cached_key(ToString::to_string);
        cadences.dedup();
        cadences
    }
}

/// The paths `pattern` entries stand for in `period`: one per period of
/// each recurring activity's cadence, to be resolved with the rest.
#[must_use]
pub(crate) fn pattern_paths(repo: &Repository, period: Span) -> Vec<String> {
    let mut paths = Vec::new();
    for activity in repo.recurring() {
        for pattern in activity
            .evidence
            .iter()
            .filter_map(|e| e.pattern.as_deref())
        {
            for p in periods(activity.cadence, period) {
                paths.push(expand(pattern, &p));
            }
        }
    }
    paths
}

fn expand(pattern: &str, period: &Period) -> String {
    pattern.replace(PERIOD, &period.label)
}

/// What the grid is made from.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Facts<'a> {
    /// States of every evidence path and of every pattern's paths.
    pub(crate) states: &'a EvidenceMap,
    /// The commit that first added each evidence file.
    pub(crate) added: &'a HashMap<String, LastCommit>,
}

/// The grid of every recurring activity of `repo` over `period`.
#[must_use]
pub(crate) fn grid(
    repo: &Repository,
    period: Span,
    grace_days: u32,
    as_of: NaiveDate,
    facts: Facts,
) -> Audit {
    let mut activities: Vec<Activity> = repo
        .recurring()
        .iter()
        .map(|review| activity(review, period, grace_days, as_of, facts))
        .collect();
    activities.sort_by(|a, b| (&a.framework, &a.id).cmp(&(&b.framework, &b.id)));
    Audit {
        period,
        grace_days,
        as_of,
        activities,
    }
}

/// A file that covers some periods, with the commit that added it.
#[derive(Clone, Copy)]
struct Candidate<'a> {
    file: &'a str,
    change: &'a LastCommit,
}

fn activity(
    review: &Review,
    within: Span,
    grace_days: u32,
    as_of: NaiveDate,
    facts: Facts,
) -> Activity {
    let periods = periods(review.cadence, within);
    let mut found: Vec<Vec<Candidate>> = periods.iter().map(|_| Vec::new()).collect();
    for evidence in &review.evidence {
        candidates(evidence, &periods, facts, &mut found);
    }
    let grace = chrono::Days::new(u64::from(grace_days));
    let cells = periods
        .into_iter()
        .zip(found)
        .map(|(period, mut candidates)| {
            let deadline = period
                .span
                .to
                .checked_add_days(grace)
                .unwrap_or(NaiveDate::MAX);
            // Evidence committed after the as-of day was not there yet, and
            // evidence committed before the period began cannot show it was
            // done (a placeholder, or `covers` naming a period to come).
            candidates.retain(|c| c.change.date <= as_of && c.change.date >= period.span.from);
            candidates.sort_by(|a, b| (a.change.date, a.file).cmp(&(b.change.date, b.file)));
            let (state, best) = match candidates.first() {
                Some(c) if c.change.date <= deadline => (CellState::Covered, Some(c)),
                Some(c) => (CellState::Late, Some(c)),
                None if as_of > deadline => (CellState::Missing, None),
                None => (CellState::Open, None),
            };
            Cell {
                period: period.label,
                days: period.span,
                state,
                file: best.map(|c| c.file.to_string()),
                commit: best.map(|c| c.change.clone()),
            }
        })
        .collect();
    Activity {
        id: review.id.clone(),
        title: review.title.clone(),
        framework: review.framework.clone(),
        owner: review.owner.clone(),
        cadence: review.cadence,
        risk: review.risk,
        source: SourceRef::from(&review.source),
        cells,
    }
}

/// Adds to `found` (one list per period) the committed files of `evidence`
/// and the periods they cover.
fn candidates<'a>(
    evidence: &Evidence,
    periods: &[Period],
    facts: Facts<'a>,
    found: &mut [Vec<Candidate<'a>>],
) {
    let committed = |path: &str| -> Vec<Candidate<'a>> {
        let Some(status) = facts.states.get(path).filter(|s| s.state.is_present()) else {
            return Vec::new();
        };
        status
            .files
            .iter()
            .filter_map(|f| {
                facts
                    .added
                    .get_key_value(f.as_str())
                    .map(|(file, change)| Candidate { file, change })
            })
            .collect()
    };
    if let Some(pattern) = &evidence.pattern {
        for (i, period) in periods.iter().enumerate() {
            found[i].extend(committed(&expand(pattern, period)));
        }
        return;
    }
    if let Some(covers) = evidence.covers {
        let files = committed(&evidence.path);
        for (i, period) in periods.iter().enumerate() {
            if period.span.overlaps(covers) {
                found[i].extend(files.iter().copied());
            }
        }
        return;
    }
    let Some(status) = facts.states.get(&evidence.path) else {
        return;
    };
    for (file, change) in status
        .files
        .iter()
        .filter_map(|f| facts.added.get_key_value(f.as_str()))
    {
        if let Some(i) = periods.iter().position(|p| p.span.contains(change.date)) {
            found[i].push(Candidate { file, change });
        }
    }
}
