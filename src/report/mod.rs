//! `comply report`: a review-ready document from the same analysis `status`
//! uses, as Markdown, a self-contained HTML page, or JSON.
//!
//! [`Report`] gathers what the document shows (pure, from an [`Analysis`]);
//! `markdown` writes it, `html` renders that Markdown through pulldown-cmark
//! into a page with an inline SVG `chart`.

mod chart;

pub(crate) use chart::{audit_grid, xml_escape};
pub(crate) mod html;
pub(crate) mod markdown;
pub(crate) mod soa;
pub(crate) mod words;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::analysis::{
    Analysis, ControlView, EvidenceDetail, EvidenceView, FrameworkSummary, ItemState, ItemView,
    SubjectKind,
};
use crate::coverage::Coverage;
use crate::evidence::EvidenceState;
use crate::filter::Filter;
use crate::gate::Gate;
use crate::model::Owner;
use crate::periods::TrendPoint;

/// The version of comply's JSON documents: the report's and every
/// `--format json` output (`render::json`).
pub(crate) const JSON_VERSION: u32 = 1;

/// How readiness is computed, stated in every report.
pub(crate) const READINESS_DEFINITION: &str = "Readiness is the share of applicable controls \
(every control not marked not-applicable) that are implemented with all of their evidence \
present, rounded down to a whole percent.";

/// Something that names an evidence path: an item or a control.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
pub(crate) struct Need {
    /// `item` or `control`.
    #[schemars(with = "String")]
    pub(crate) kind: SubjectKind,
    /// The framework.
    pub(crate) framework: String,
    /// The item or control id.
    pub(crate) id: String,
}

/// An evidence path that is not present (or is stale), with everything that
/// needs it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub(crate) struct EvidenceProblem {
    /// The path as written.
    pub(crate) path: String,
    /// Empty, missing or outside.
    pub(crate) state: EvidenceState,
    /// Why, when the state needs explaining.
    #[schemars(with = "Option<String>")]
    pub(crate) detail: Option<EvidenceDetail>,
    /// The items and controls that list it, sorted.
    pub(crate) needed_by: Vec<Need>,
}

/// Open work of one owner.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub(crate) struct OwnerLoad {
    /// The owner as written (`(unowned)` for items without one).
    pub(crate) owner: String,
    /// The owner's team, when declared in comply.yaml.
    pub(crate) team: Option<String>,
    /// The owner's e-mail, when declared.
    pub(crate) email: Option<String>,
    /// Open items.
    pub(crate) open: usize,
    /// Overdue items.
    pub(crate) overdue: usize,
    /// Items due soon.
    pub(crate) due_soon: usize,
}

/// What the filters kept, for the report's header.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub(crate) struct Scope {
    /// Framework ids kept (empty: all).
    pub(crate) frameworks: Vec<String>,
    /// Owner kept, if any.
    pub(crate) owner: Option<String>,
}

/// Everything a report shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub(crate) struct Report {
    /// JSON format version.
    pub(crate) version: u32,
    /// The repository's display name.
    pub(crate) title: String,
    /// The day analysed.
    pub(crate) as_of: NaiveDate,
    /// The due-soon window in days.
    pub(crate) due_soon_days: u32,
    /// The filters applied.
    pub(crate) scope: Scope,
    /// How readiness is defined.
    pub(crate) readiness_definition: &'static str,
    /// One summary per framework.
    pub(crate) frameworks: Vec<FrameworkSummary>,
    /// The gate's verdict over the kept items.
    pub(crate) gate: Gate,
    /// Every kept item, sorted by id.
    pub(crate) items: Vec<ItemView>,
    /// Every kept control, by framework then file order.
    pub(crate) controls: Vec<ControlView>,
    /// Evidence not present, sorted by path.
    pub(crate) evidence_problems: Vec<EvidenceProblem>,
    /// Open work per owner, sorted by owner.
    pub(crate) owners: Vec<OwnerLoad>,
    /// Coverage across frameworks, when some control's work counts for
    /// another through a mapping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) coverage: Option<Coverage>,
    /// Figures per month from git history (HTML reports only; empty
    /// otherwise).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) trend: Vec<TrendPoint>,
    /// The audit grid of `audit_period` (comply.yaml), when one is set;
    /// narrowed by the same filters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) audit: Option<crate::audit::Audit>,
}

impl Report {
    /// Builds the report for `analysis`, narrowed by `filter`.
    pub(crate) fn new(
        title: &str,
        analysis: &Analysis,
        filter: &Filter,
        declared: &[Owner],
    ) -> Report {
        let coverage = Coverage::new(analysis, |id| filter.framework(id));
        let analysis = filter.narrow(analysis);
        Report {
            version: JSON_VERSION,
            title: title.to_string(),
            as_of: analysis.as_of,
            due_soon_days: analysis.due_soon_days,
            scope: Scope {
                frameworks: filter.frameworks.clone(),
                owner: filter.owner.clone(),
            },
            readiness_definition: READINESS_DEFINITION,
            evidence_problems: evidence_problems(&analysis),
            owners: owners(&analysis.items, declared),
            frameworks: analysis.frameworks,
            gate: analysis.gate,
            items: analysis.items,
            controls: analysis.controls,
            coverage: coverage.is_shared().then_some(coverage),
            trend: Vec::new(),
            audit: None,
        }
    }

    /// Open items in `state`, most urgent first.
    pub(crate) fn items_in(&self, state: ItemState) -> Vec<&ItemView> {
        crate::analysis::most_urgent_first(self.items.iter().filter(|i| i.state == state))
    }
}

fn evidence_problems(analysis: &Analysis) -> Vec<EvidenceProblem> {
    let mut problems: BTreeMap<String, EvidenceProblem> = BTreeMap::new();
    let mut note = |e: &EvidenceView, need: Need| {
        if e.state == EvidenceState::Present {
            return;
        }
        // Stale evidence is listed too: it needs a fresh review.
        problems
            .entry(e.path.clone())
            .or_insert_with(|| EvidenceProblem {
                path: e.path.clone(),
                state: e.state,
                detail: e.detail.clone(),
                needed_by: Vec::new(),
            })
            .needed_by
            .push(need);
    };
    for control in &analysis.controls {
        for e in &control.evidence {
            note(
                e,
                Need {
                    kind: SubjectKind::Control,
                    framework: control.framework.clone(),
                    id: control.id.clone(),
                },
            );
        }
    }
    for item in &analysis.items {
        for e in &item.evidence {
            note(
                e,
                Need {
                    kind: SubjectKind::Item,
                    framework: item.framework.clone(),
                    id: item.id.clone(),
                },
            );
        }
    }
    problems
        .into_values()
        .map(|mut p| {
            p.needed_by.sort();
            p.needed_by.dedup();
            p
        })
        .collect()
}

fn owners(items: &[ItemView], declared: &[Owner]) -> Vec<OwnerLoad> {
    let mut loads: BTreeMap<&str, OwnerLoad> = BTreeMap::new();
    for item in items.iter().filter(|i| i.state != ItemState::Closed) {
        let owner = item.owner.as_deref().unwrap_or("(unowned)");
        let load = loads.entry(owner).or_insert_with(|| {
            let known = declared.iter().find(|o| o.name == owner);
            OwnerLoad {
                owner: owner.to_string(),
                team: known.and_then(|o| o.team.clone()),
                email: known.and_then(|o| o.email.clone()),
                ..OwnerLoad::default()
            }
        });
        load.open += 1;
        match item.state {
            ItemState::Overdue => load.overdue += 1,
            ItemState::DueSoon => load.due_soon += 1,
            _ => {}
        }
    }
    loads.into_values().collect()
}
