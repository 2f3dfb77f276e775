//! The analysis: a repository, its evidence states and an as-of date in;
//! per-framework figures, item states, control gaps and the gate verdict out.
//!
//! Pure: no file, clock or environment is touched here. Every command renders
//! from an [`Analysis`], so the dashboard, the gate and the JSON agree.

pub(crate) mod gate;
mod views;

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::Serialize;

use self::gate::Gate;
pub(crate) use self::views::{
    ControlView, EvidenceDetail, EvidenceView, ItemState, ItemView, Progress, SourceRef,
    SubjectKind,
};
use crate::acceptance::{Acceptance, AcceptanceState, Targets};
use crate::crosswalk::{Crosswalk, by_key};
use crate::evidence::{EvidenceMap, EvidenceState};
use crate::git::History;
use crate::model::{
    Control, ControlStatus, Evidence, Framework, Item, ItemStatus, Repository, Review, Risk,
};

/// Options that shape an analysis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Options {
    /// The day the analysis is for.
    pub(crate) as_of: NaiveDate,
    /// How many days ahead counts as due soon.
    pub(crate) due_soon_days: u32,
    /// The lowest risk that fails the gate.
    pub(crate) fail_on: Risk,
    /// Whether stale evidence at or above `fail_on` fails the gate too.
    pub(crate) fail_on_stale: bool,
    /// Whether to judge the gate even when git history it depends on is
    /// unknown (`--without-history`); otherwise the verdict is undetermined.
    pub(crate) without_history: bool,
}

/// Per-framework figures: one row of the dashboard.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub(crate) struct FrameworkSummary {
    /// Framework id.
    pub(crate) id: String,
    /// Display name.
    pub(crate) name: String,
    /// Number of controls.
    pub(crate) controls: usize,
    /// Controls with status `implemented`.
    pub(crate) implemented: usize,
    /// Gaps: controls with status `partial`, `planned` or `missing`.
    pub(crate) gaps: usize,
    /// Unproven: controls marked `implemented` with some evidence not
    /// present (missing, empty or outside).
    pub(crate) unproven: usize,
    /// Controls marked `not-applicable`.
    pub(crate) not_applicable: usize,
    /// Controls marked `not-assessed`: listed, not yet assessed; neither a
    /// gap nor ready, and still counted against readiness.
    pub(crate) not_assessed: usize,
    /// Items not done and not won't-do.
    pub(crate) items_open: usize,
    /// Open items past their due date.
    pub(crate) overdue: usize,
    /// Open items due within the window.
    pub(crate) due_soon: usize,
    /// Open items without a due date.
    pub(crate) unscheduled: usize,
    /// Evidence entries (of controls and items) that are present.
    pub(crate) evidence_present: usize,
    /// Evidence entries that are not present: missing, empty or outside.
    pub(crate) evidence_missing: usize,
    /// Evidence entries that are present but stale (counted in
    /// `evidence_present` too).
    pub(crate) evidence_stale: usize,
    /// Controls implemented with every evidence entry present.
    pub(crate) ready: usize,
    /// `ready` as a whole percentage (rounded down) of the applicable
    /// controls (all but not-applicable); `None` when none applies.
    pub(crate) readiness: Option<u32>,
}

impl FrameworkSummary {
    /// The sum of `frameworks`, named `total`, with its own readiness. Its
    /// item figures count each of `items` once that serves one of the
    /// frameworks (its own, or linked to one of `controls` of them), though
    /// the rows may count an item in several frameworks.
    pub(crate) fn total(
        frameworks: &[FrameworkSummary],
        items: &[ItemView],
        controls: &[ControlView],
    ) -> FrameworkSummary {
        let mut t = FrameworkSummary {
            id: "total".into(),
            name: "Total".into(),
            ..FrameworkSummary::default()
        };
        for f in frameworks {
            t.controls += f.controls;
            t.implemented += f.implemented;
            t.gaps += f.gaps;
            t.unproven += f.unproven;
            t.not_applicable += f.not_applicable;
            t.not_assessed += f.not_assessed;
            t.evidence_present += f.evidence_present;
            t.evidence_missing += f.evidence_missing;
            t.evidence_stale += f.evidence_stale;
            t.ready += f.ready;
        }
        let ids: HashSet<&str> = frameworks.iter().map(|f| f.id.as_str()).collect();
        let served = serving(controls, |framework| ids.contains(framework));
        t.count_items(
            items
                .iter()
                .filter(|i| ids.contains(i.framework.as_str()) || served.contains(i.id.as_str())),
        );
        t.readiness = readiness(t.ready, t.controls - t.not_applicable);
        t
    }

    /// Adds `items` to the open, overdue, due-soon and unscheduled figures.
    fn count_items<'a>(&mut self, items: impl Iterator<Item = &'a ItemView>) {
        for item in items {
            if item.state != ItemState::Closed {
                self.items_open += 1;
            }
            match item.state {
                ItemState::Overdue => self.overdue += 1,
                ItemState::DueSoon => self.due_soon += 1,
                ItemState::Unscheduled => self.unscheduled += 1,
                ItemState::Scheduled | ItemState::Closed => {}
            }
        }
    }
}

/// The ids of the items linked to the controls of the frameworks `keep`
/// accepts, directly or through mappings (the controls' `backlog`).
pub(crate) fn serving(controls: &[ControlView], keep: impl Fn(&str) -> bool) -> HashSet<&str> {
    controls
        .iter()
        .filter(|c| keep(&c.framework))
        .flat_map(|c| c.backlog.iter().map(String::as_str))
        .collect()
}

/// `ready` as a whole percentage of `applicable`, rounded down.
fn readiness(ready: usize, applicable: usize) -> Option<u32> {
    (applicable > 0).then(|| (ready * 100 / applicable) as u32)
}

/// Everything the commands render.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub(crate) struct Analysis {
    /// The day analysed.
    pub(crate) as_of: NaiveDate,
    /// The due-soon window in days.
    pub(crate) due_soon_days: u32,
    /// One summary per framework, sorted by id.
    pub(crate) frameworks: Vec<FrameworkSummary>,
    /// Every item, sorted by id.
    pub(crate) items: Vec<ItemView>,
    /// Every control, by framework then file order.
    pub(crate) controls: Vec<ControlView>,
    /// The gate's verdict.
    pub(crate) gate: Gate,
}

impl Analysis {
    /// The item with this id (items are sorted by id).
    pub(crate) fn item(&self, id: &str) -> Option<&ItemView> {
        find_item(&self.items, id)
    }

    /// Open items in `state`, most urgent first (see [`most_urgent_first`]).
    pub(crate) fn items_in(&self, state: ItemState) -> Vec<&ItemView> {
        most_urgent_first(self.items.iter().filter(|i| i.state == state))
    }

    /// Gaps (controls not implemented), most severe first (no severity
    /// last).
    pub(crate) fn gaps(&self) -> Vec<&ControlView> {
        by_severity(self.controls.iter().filter(|c| c.is_gap))
    }

    /// Unproven controls (implemented, evidence not all present), most
    /// severe first.
    pub(crate) fn unproven(&self) -> Vec<&ControlView> {
        by_severity(self.controls.iter().filter(|c| c.unproven))
    }
}

/// Sorts controls most severe first (no severity last), then framework and
/// id.
fn by_severity<'a>(controls: impl Iterator<Item = &'a ControlView>) -> Vec<&'a ControlView> {
    let mut controls: Vec<&ControlView> = controls.collect();
    controls.sort_by(|a, b| {
        (a.severity.is_none(), a.severity, &a.framework, &a.id).cmp(&(
            b.severity.is_none(),
            b.severity,
            &b.framework,
            &b.id,
        ))
    });
    controls
}

/// The item with this id in a list sorted by id.
pub(crate) fn find_item<'a>(items: &'a [ItemView], id: &str) -> Option<&'a ItemView> {
    items
        .binary_search_by(|i| i.id.as_str().cmp(id))
        .ok()
        .and_then(|at| items.get(at))
}

/// Sorts items most urgent first: highest risk, then most days late, then
/// earliest due, then id.
pub(crate) fn most_urgent_first<'a>(
    items: impl Iterator<Item = &'a ItemView>,
) -> Vec<&'a ItemView> {
    let mut items: Vec<&ItemView> = items.collect();
    items.sort_by(|a, b| {
        (a.risk, std::cmp::Reverse(a.days_late), a.due, &a.id).cmp(&(
            b.risk,
            std::cmp::Reverse(b.days_late),
            b.due,
            &b.id,
        ))
    });
    items
}

/// What the edges found out: evidence states, and what git knows of them.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Facts<'a> {
    /// The state of every evidence path.
    pub(crate) evidence: &'a EvidenceMap,
    /// Last changes of evidence files.
    pub(crate) history: &'a History,
}

/// Analyses `repo` with what the edges found out.
pub(crate) fn analyse(repo: &Repository, facts: Facts<'_>, options: Options) -> Analysis {
    // Items, controls and risk acceptances are judged from the repository
    // and the facts alone: three branches on every core.
    let ((items, acceptances), controls) = crate::par::join(
        || {
            crate::par::join(
                || item_views(repo, facts, options),
                || acceptances(repo, options),
            )
        },
        || control_views(repo, facts, options),
    );
    let (frameworks, mut gate) = crate::par::join(
        || {
            crate::par::map(&repo.frameworks, |f| {
                summarise(&f.id, &f.name, &controls, &items, &controls)
            })
        },
        || {
            gate::evaluate(
                &items,
                &controls,
                &acceptances,
                options.fail_on,
                options.fail_on_stale,
            )
        },
    );
    if let History::Unknown(why) = facts.history
        && !options.without_history
        && repo.gate_needs_history(options.fail_on, options.fail_on_stale)
    {
        gate.undetermine(why);
    }
    Analysis {
        as_of: options.as_of,
        due_soon_days: options.due_soon_days,
        frameworks,
        items,
        controls,
        gate,
    }
}

/// The most days evidence `e` may go unchanged: its own limit, else the
/// limit of the item or control that lists it (`own`), else its
/// framework's, else the repository's.
fn max_age(repo: &Repository, e: &Evidence, own: Option<u32>, framework: &str) -> Option<u32> {
    e.max_age_days
        .or(own)
        .or_else(|| repo.framework_max_age(framework))
        .or(repo.config.max_age_days)
}

/// The view of every backlog item and recurring review, sorted by id.
fn item_views(repo: &Repository, facts: Facts<'_>, options: Options) -> Vec<ItemView> {
    /// A backlog item or a recurring review: both become item views.
    enum Subject<'r> {
        Backlog(&'r Item),
        Recurring(&'r Review),
    }
    let recurring = repo.recurring();
    // One list of both, so the views are built on every core straight into
    // one vector of the right size.
    let subjects: Vec<Subject> = repo
        .items
        .iter()
        .map(Subject::Backlog)
        .chain(recurring.iter().map(Subject::Recurring))
        .collect();
    let mut items = crate::par::map(&subjects, |subject| match subject {
        Subject::Backlog(item) => {
            let view = |e: &Evidence| {
                let days = max_age(repo, e, item.max_age_days, &item.framework);
                evidence_view(e, facts, days, options.as_of)
            };
            item_view(item, options, &view)
        }
        Subject::Recurring(review) => {
            let framework = review.framework.as_deref().unwrap_or_default();
            let view = |e: &Evidence| {
                evidence_view(e, facts, max_age(repo, e, None, framework), options.as_of)
            };
            review_view(review, options, &view)
        }
    });
    items.sort_by(|a, b| a.id.cmp(&b.id));
    items
}

/// The view of every control, its status and evidence resolved through
/// the crosswalk, in framework and control order.
fn control_views<'r>(repo: &'r Repository, facts: Facts<'_>, options: Options) -> Vec<ControlView> {
    // The crosswalk finds the items naming each control as it is built.
    let crosswalk = Crosswalk::new(repo);
    let own = |framework: &'r str, control: &'r Control| -> OwnWork<'r> {
        let evidence = control
            .evidence
            .iter()
            .map(|e| {
                let days = max_age(repo, e, control.max_age_days, framework);
                evidence_view(e, facts, days, options.as_of)
            })
            .collect();
        let backlog = crosswalk
            .linked_items(framework, &control.id)
            .iter()
            .copied()
            .chain(control.backlog.iter().map(|r| r.id.as_str()))
            .collect();
        OwnWork { evidence, backlog }
    };
    let pairs: Vec<(&Framework, &Control)> = repo
        .frameworks
        .iter()
        .flat_map(|f| f.controls.iter().map(move |c| (f, c)))
        .collect();
    let owned: HashMap<(&str, &str), OwnWork> = pairs
        .iter()
        .map(|(framework, control)| (framework.id.as_str(), control.id.as_str()))
        .zip(crate::par::map(&pairs, |(framework, control)| {
            own(&framework.id, control)
        }))
        .collect();
    let resolved = crosswalk.resolve();
    // Each control's view reads only what is above: built on every core.
    let view =
        |framework: &Framework, control: &Control| -> Option<ControlView> {
            let key = (framework.id.as_str(), control.id.as_str());
            let resolved = resolved.get(&key)?;
            let of = |k| by_key(&owned, k);
            let mut evidence = Vec::new();
            for from in &resolved.evidence_from {
                let inherited = (from.framework != framework.id || from.id != control.id)
                    .then(|| from.to_string());
                evidence.extend(of(from).into_iter().flat_map(|w| &w.evidence).map(|e| {
                    EvidenceView {
                        from: inherited.clone(),
                        ..e.clone()
                    }
                }));
            }
            // One entry per path however it is spelled or reached: the
            // control's own first, then each source's in order.
            let mut seen = HashSet::new();
            evidence.retain(|e: &EvidenceView| seen.insert(crate::evidence::normal(&e.path)));
            // Ids borrowed until they are sorted and distinct: each is
            // copied once.
            let mut backlog: Vec<&str> = Vec::new();
            let mut inherited: Vec<&str> = Vec::new();
            for (at, from) in resolved.items_from.iter().enumerate() {
                let ids = of(from).into_iter().flat_map(|w| w.backlog.iter().copied());
                if at == 0 {
                    backlog.extend(ids);
                } else {
                    inherited.extend(ids);
                }
            }
            inherited.sort_unstable();
            inherited.dedup();
            backlog.extend(inherited.iter().copied());
            backlog.sort_unstable();
            backlog.dedup();
            let backlog: Vec<String> = backlog.into_iter().map(str::to_string).collect();
            let inherited_items: Vec<String> = inherited.into_iter().map(str::to_string).collect();
            let evidence_short = evidence.iter().any(|e| !e.state.is_present());
            Some(ControlView {
                unproven: resolved.status == ControlStatus::Implemented && evidence_short,
                framework: framework.id.clone(),
                id: control.id.clone(),
                title: control.title.clone(),
                status: resolved.status,
                status_from: resolved
                    .status_from
                    .iter()
                    .map(ToString::to_string)
                    .collect(),
                satisfied_by: resolved
                    .satisfied_by
                    .iter()
                    .map(ToString::to_string)
                    .collect(),
                applicable: control.applicable,
                justification: control.justification.clone(),
                severity: control.severity,
                owner: control.owner.clone(),
                is_gap: resolved.status.is_gap(),
                evidence,
                backlog,
                inherited_items,
                source: SourceRef::from(&control.source),
            })
        };
    crate::par::map(&pairs, |(framework, control)| view(framework, control))
        .into_iter()
        .flatten()
        .collect()
}

/// The risk acceptances whose target exists, with their state as of the
/// analysis date.
fn acceptances(repo: &Repository, options: Options) -> Vec<Acceptance> {
    let targets = Targets::for_acceptances(repo);
    repo.exceptions
        .iter()
        .filter_map(|e| {
            Some(Acceptance {
                target: e.target.id.clone(),
                subject: targets.as_ref()?.resolve(&e.target.id).ok()?,
                reason: e.reason.clone(),
                approved_by: e.approved_by.clone(),
                approved_on: e.approved_on,
                expires: e.expires,
                state: AcceptanceState::on(
                    e.approved_on,
                    e.expires,
                    options.as_of,
                    options.due_soon_days,
                ),
                source: SourceRef::from(&e.source),
            })
        })
        .collect()
}

/// A control's own evidence and backlog links, before mappings.
struct OwnWork<'r> {
    evidence: Vec<EvidenceView>,
    /// The ids of the items linked to it, borrowed from the repository.
    backlog: Vec<&'r str>,
}

/// An evidence entry with its state, last change and staleness.
fn evidence_view(
    evidence: &Evidence,
    facts: Facts<'_>,
    max_age_days: Option<u32>,
    as_of: NaiveDate,
) -> EvidenceView {
    // Borrowed: a glob or a directory may cover thousands of files, and
    // every entry naming it would copy their names.
    let unknown = crate::evidence::EvidenceStatus::default();
    let status = facts.evidence.get(&evidence.path).unwrap_or(&unknown);
    let (last_change, uncommitted) = match facts.history {
        History::Unknown(_) => (None, false),
        History::Known {
            changes,
            uncommitted,
        } => (
            status
                .files
                .iter()
                .filter_map(|f| changes.get(f))
                .max_by(|a, b| a.date.cmp(&b.date).then_with(|| b.commit.cmp(&a.commit)))
                .cloned(),
            status.files.iter().any(|f| uncommitted.contains(f)),
        ),
    };
    let stale = status.state == EvidenceState::Present
        && !uncommitted
        && matches!((&last_change, max_age_days), (Some(change), Some(days))
            if (as_of - change.date).num_days() > i64::from(days));
    EvidenceView {
        path: evidence.path.clone(),
        note: evidence.note.clone(),
        state: if stale {
            EvidenceState::Stale
        } else {
            status.state
        },
        detail: if stale {
            last_change.as_ref().map(|c| EvidenceDetail::Stale {
                last_changed: c.date,
                days_ago: (as_of - c.date).num_days(),
                limit_days: max_age_days.unwrap_or(0),
            })
        } else {
            status.detail.clone().map(EvidenceDetail::Found)
        },
        last_change,
        uncommitted,
        max_age_days,
        from: None,
    }
}

/// The state of an item on `as_of`, with its days late.
pub(crate) fn item_state(item: &Item, options: Options) -> (ItemState, Option<i64>) {
    if item.status.is_closed() {
        return (ItemState::Closed, None);
    }
    due_state(item.due.date(), options)
}

/// The state of open work due on `due` (unscheduled when `None`), with its
/// days late.
fn due_state(due: Option<NaiveDate>, options: Options) -> (ItemState, Option<i64>) {
    let Some(due) = due else {
        return (ItemState::Unscheduled, None);
    };
    let days_late = (options.as_of - due).num_days();
    let state = if days_late > 0 {
        ItemState::Overdue
    } else if -days_late <= i64::from(options.due_soon_days) {
        ItemState::DueSoon
    } else {
        ItemState::Scheduled
    };
    (state, Some(days_late))
}

/// A recurring activity as open work due at its next date: the last time
/// it was done (written down, or the newest commit touching its evidence,
/// whichever is later) plus its cadence; unscheduled when never done.
fn review_view(
    review: &Review,
    options: Options,
    view: &impl Fn(&Evidence) -> EvidenceView,
) -> ItemView {
    let evidence: Vec<EvidenceView> = review.evidence.iter().map(view).collect();
    let committed = evidence
        .iter()
        .filter_map(|e| e.last_change.as_ref().map(|c| c.date))
        .max();
    let last_done = review.last_done.max(committed);
    let due = last_done.map(|d| review.cadence.next(d));
    let (state, days_late) = due_state(due, options);
    ItemView {
        kind: SubjectKind::Review,
        id: review.id.clone(),
        title: review.title.clone(),
        framework: review.framework.clone().unwrap_or_default(),
        risk: review.risk,
        owner: review.owner.clone(),
        due,
        status: ItemStatus::Open,
        done: None,
        state,
        days_late,
        controls: Vec::new(),
        evidence,
        checklist: None,
        tags: Vec::new(),
        cadence: Some(review.cadence),
        last_done,
        source: SourceRef::from(&review.source),
    }
}

fn item_view(item: &Item, options: Options, view: &impl Fn(&Evidence) -> EvidenceView) -> ItemView {
    let (state, days_late) = item_state(item, options);
    ItemView {
        kind: SubjectKind::Item,
        cadence: None,
        last_done: None,
        id: item.id.clone(),
        title: item.title.clone(),
        framework: item.framework.clone(),
        risk: item.risk,
        owner: item.owner.clone(),
        due: item.due.date(),
        status: item.status,
        done: item.done,
        state,
        days_late,
        controls: item.controls.iter().map(|r| r.id.clone()).collect(),
        evidence: item.evidence.iter().map(view).collect(),
        checklist: (!item.checklist.is_empty()).then(|| Progress {
            done: item.checklist.iter().filter(|c| c.done).count(),
            total: item.checklist.len(),
        }),
        tags: item.tags.clone(),
        source: SourceRef::from(&item.source),
    }
}

/// The dashboard figures of framework `id` from analysed controls and
/// items. Its open, overdue, due-soon and unscheduled figures count the
/// items that serve it: its own, and those in the `backlog` of its controls
/// among `linked` (all the analysis's controls, whatever a filter kept), so
/// an item may count in several frameworks' rows; evidence counts with the
/// framework it is written in.
pub(crate) fn summarise(
    id: &str,
    name: &str,
    controls: &[ControlView],
    items: &[ItemView],
    linked: &[ControlView],
) -> FrameworkSummary {
    let mut s = FrameworkSummary {
        id: id.to_string(),
        name: name.to_string(),
        ..FrameworkSummary::default()
    };
    let mut count_evidence = |evidence: &[EvidenceView]| {
        for e in evidence {
            if e.state.is_present() {
                s.evidence_present += 1;
            } else {
                s.evidence_missing += 1;
            }
            if e.state == EvidenceState::Stale {
                s.evidence_stale += 1;
            }
        }
    };
    for control in controls.iter().filter(|c| c.framework == id) {
        count_evidence(&control.evidence);
    }
    // A control's cadence appears as a review too; its evidence is the
    // control's and counts once.
    for item in items
        .iter()
        .filter(|i| i.framework == id && !i.is_control_cadence())
    {
        count_evidence(&item.evidence);
    }
    for control in controls.iter().filter(|c| c.framework == id) {
        s.controls += 1;
        match control.status {
            ControlStatus::Implemented if control.unproven => {
                s.implemented += 1;
                s.unproven += 1;
            }
            ControlStatus::Implemented => {
                s.implemented += 1;
                s.ready += 1;
            }
            ControlStatus::NotApplicable => s.not_applicable += 1,
            ControlStatus::NotAssessed => s.not_assessed += 1,
            ControlStatus::Partial | ControlStatus::Planned | ControlStatus::Missing => {
                s.gaps += 1;
            }
        }
    }
    s.readiness = readiness(s.ready, s.controls - s.not_applicable);
    // The items that serve the framework: its own, and those linked to its
    // controls, directly or through mappings (what `due --framework` lists).
    let served = serving(linked, |framework| framework == id);
    s.count_items(
        items
            .iter()
            .filter(|i| i.framework == id || served.contains(i.id.as_str())),
    );
    s
}
