//! Coverage across frameworks: per framework, the controls covered by their
//! own work, by work inherited through mappings, or not at all; the
//! controls whose work serves the most frameworks; the evidence files that
//! serve more than one framework. Pure, from an [`Analysis`].

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::analysis::{Analysis, ControlView};
use crate::model::ControlStatus;

/// `comply coverage`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub(crate) struct Coverage {
    /// One row per framework, sorted by id.
    pub(crate) frameworks: Vec<FrameworkCoverage>,
    /// Controls mapped onto controls of other frameworks, most frameworks
    /// first.
    pub(crate) shared_controls: Vec<SharedControl>,
    /// Evidence paths that serve controls of more than one framework, most
    /// frameworks first.
    pub(crate) shared_evidence: Vec<SharedEvidence>,
}

/// How one framework's controls are covered.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub(crate) struct FrameworkCoverage {
    /// Framework id.
    pub(crate) id: String,
    /// Display name.
    pub(crate) name: String,
    /// Every control.
    pub(crate) controls: usize,
    /// Applicable controls `implemented` or `partial` by their own status.
    pub(crate) own: usize,
    /// Applicable controls `implemented` or `partial` by a status taken
    /// from the controls that satisfy them.
    pub(crate) inherited: usize,
    /// Applicable controls `planned` or `missing`: no work in place yet.
    pub(crate) uncovered: usize,
    /// Controls that do not apply.
    pub(crate) not_applicable: usize,
}

/// A control whose work counts elsewhere.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub(crate) struct SharedControl {
    /// `framework:id`.
    pub(crate) control: String,
    /// Title, when the control is in view.
    pub(crate) title: Option<String>,
    /// The frameworks it serves: its own and those of the controls it is
    /// mapped onto, sorted.
    pub(crate) frameworks: Vec<String>,
    /// How many controls it is mapped onto.
    pub(crate) serves: usize,
}

/// An evidence path listed by (or inherited into) controls of several
/// frameworks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub(crate) struct SharedEvidence {
    /// The path as written.
    pub(crate) path: String,
    /// The frameworks whose controls count it, sorted.
    pub(crate) frameworks: Vec<String>,
}

impl Coverage {
    /// The coverage of `analysis`; `keep` chooses the frameworks whose rows
    /// are shown (shared controls and evidence always look at them all).
    pub(crate) fn new(analysis: &Analysis, keep: impl Fn(&str) -> bool) -> Coverage {
        let frameworks = analysis
            .frameworks
            .iter()
            .filter(|f| keep(&f.id))
            .map(|f| {
                let mut row = FrameworkCoverage {
                    id: f.id.clone(),
                    name: f.name.clone(),
                    ..FrameworkCoverage::default()
                };
                for control in analysis.controls.iter().filter(|c| c.framework == f.id) {
                    row.controls += 1;
                    match control.status {
                        ControlStatus::NotApplicable => row.not_applicable += 1,
                        ControlStatus::Missing
                        | ControlStatus::Planned
                        | ControlStatus::NotAssessed => {
                            row.uncovered += 1;
                        }
                        _ if control.status_from.is_empty() => row.own += 1,
                        _ => row.inherited += 1,
                    }
                }
                row
            })
            .collect();
        Coverage {
            frameworks,
            shared_controls: shared_controls(&analysis.controls),
            shared_evidence: shared_evidence(&analysis.controls),
        }
    }

    /// Whether any control's work counts for another.
    pub(crate) fn is_shared(&self) -> bool {
        !self.shared_controls.is_empty()
    }
}

/// The controls mapped onto controls of other frameworks.
fn shared_controls(controls: &[ControlView]) -> Vec<SharedControl> {
    // Per source: the frameworks served and the controls mapped onto.
    type Served<'a> = (BTreeSet<&'a str>, BTreeSet<(&'a str, &'a str)>);
    let mut served: BTreeMap<&str, Served> = BTreeMap::new();
    // A mapping onto a control that does not apply has no effect.
    for control in controls.iter().filter(|c| c.applicable) {
        for source in &control.satisfied_by {
            let (frameworks, targets) = served.entry(source.as_str()).or_default();
            frameworks.insert(control.framework.as_str());
            targets.insert((control.framework.as_str(), control.id.as_str()));
        }
    }
    let titles: BTreeMap<(&str, &str), &str> = controls
        .iter()
        .map(|c| ((c.framework.as_str(), c.id.as_str()), c.title.as_str()))
        .collect();
    let mut shared: Vec<SharedControl> = served
        .into_iter()
        .map(|(source, (mut frameworks, targets))| {
            let key = source.split_once(':').unwrap_or((source, ""));
            frameworks.insert(key.0);
            SharedControl {
                control: source.to_string(),
                title: titles.get(&key).map(|t| (*t).to_string()),
                frameworks: frameworks.into_iter().map(str::to_string).collect(),
                serves: targets.len(),
            }
        })
        .collect();
    shared.sort_by(|a, b| {
        (b.frameworks.len(), b.serves, &a.control).cmp(&(a.frameworks.len(), a.serves, &b.control))
    });
    shared
}

/// The evidence paths counted by controls of more than one framework.
fn shared_evidence(controls: &[ControlView]) -> Vec<SharedEvidence> {
    // By the path named, however it is spelled (`./a.md` is `a.md`),
    // shown as first written.
    let mut by_path: BTreeMap<String, (&str, BTreeSet<&str>)> = BTreeMap::new();
    for control in controls {
        for evidence in &control.evidence {
            by_path
                .entry(crate::evidence::normal(&evidence.path))
                .or_insert_with(|| (evidence.path.as_str(), BTreeSet::new()))
                .1
                .insert(control.framework.as_str());
        }
    }
    let mut shared: Vec<SharedEvidence> = by_path
        .into_values()
        .filter(|(_, frameworks)| frameworks.len() > 1)
        .map(|(path, frameworks)| SharedEvidence {
            path: path.to_string(),
            frameworks: frameworks.into_iter().map(str::to_string).collect(),
        })
        .collect();
    shared.sort_by(|a, b| (b.frameworks.len(), &a.path).cmp(&(a.frameworks.len(), &b.path)));
    shared
}
