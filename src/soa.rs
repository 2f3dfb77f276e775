//! The Statement of Applicability (ISO/IEC 27001 clause 6.1.3 d): every
//! control of a framework, whether it applies and why, its status (own or
//! inherited through a mapping), its evidence and its backlog items. Pure,
//! from an [`Analysis`].

use chrono::NaiveDate;
use serde::Serialize;

use crate::analysis::{Analysis, ControlView};
use crate::evidence::EvidenceState;
use crate::model::ControlStatus;

/// The Statement of Applicability of one or more frameworks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub(crate) struct Soa {
    /// JSON format version.
    pub(crate) version: u32,
    /// The repository's display name.
    pub(crate) title: String,
    /// The day analysed.
    pub(crate) as_of: NaiveDate,
    /// One statement per framework, sorted by id.
    pub(crate) frameworks: Vec<SoaFramework>,
}

/// The statement of one framework.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub(crate) struct SoaFramework {
    /// Framework id.
    pub(crate) id: String,
    /// Display name.
    pub(crate) name: String,
    /// Controls that apply.
    pub(crate) applicable: usize,
    /// Controls that do not apply.
    pub(crate) excluded: usize,
    /// Every control, in file order.
    pub(crate) controls: Vec<SoaRow>,
}

/// One control of the statement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub(crate) struct SoaRow {
    /// Control id.
    pub(crate) id: String,
    /// Title.
    pub(crate) title: String,
    /// Whether the control applies.
    pub(crate) applicable: bool,
    /// Why it does or does not apply, when written.
    pub(crate) justification: Option<String>,
    /// Effective status (`not-applicable` for an excluded control).
    pub(crate) status: ControlStatus,
    /// Where the status comes from.
    pub(crate) basis: Basis,
    /// The controls (`framework:id`) the status is inherited from.
    pub(crate) status_from: Vec<String>,
    /// Evidence with its state and, when inherited, the control it comes from.
    pub(crate) evidence: Vec<SoaEvidence>,
    /// Linked backlog items, sorted.
    pub(crate) items: Vec<String>,
}

word_enum! {
    /// Where a row's status comes from.
    Basis {
        /// The control's own status.
        Own = "own",
        /// Inherited from the controls of `status_from`.
        Inherited = "inherited",
        /// The control does not apply.
        Excluded = "excluded",
    }
}

/// One evidence entry of a row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub(crate) struct SoaEvidence {
    /// The path as written.
    pub(crate) path: String,
    /// Its state.
    pub(crate) state: EvidenceState,
    /// The control (`framework:id`) it is inherited from, if any.
    pub(crate) from: Option<String>,
}

impl Soa {
    /// The statement of every framework of `analysis` that `keep` accepts.
    pub(crate) fn new(title: &str, analysis: &Analysis, keep: impl Fn(&str) -> bool) -> Soa {
        Soa {
            version: 1,
            title: title.to_string(),
            as_of: analysis.as_of,
            frameworks: analysis
                .frameworks
                .iter()
                .filter(|f| keep(&f.id))
                .map(|f| {
                    let controls: Vec<SoaRow> = analysis
                        .controls
                        .iter()
                        .filter(|c| c.framework == f.id)
                        .map(row)
                        .collect();
                    SoaFramework {
                        id: f.id.clone(),
                        name: f.name.clone(),
                        applicable: controls.iter().filter(|r| r.applicable).count(),
                        excluded: controls.iter().filter(|r| !r.applicable).count(),
                        controls,
                    }
                })
                .collect(),
        }
    }
}

fn row(control: &ControlView) -> SoaRow {
    SoaRow {
        id: control.id.clone(),
        title: control.title.clone(),
        applicable: control.applicable,
        justification: control.justification.clone(),
        status: control.status,
        basis: if !control.applicable {
            Basis::Excluded
        } else if control.status_from.is_empty() {
            Basis::Own
        } else {
            Basis::Inherited
        },
        status_from: control.status_from.clone(),
        evidence: control
            .evidence
            .iter()
            .map(|e| SoaEvidence {
                path: e.path.clone(),
                state: e.state,
                from: e.from.clone(),
            })
            .collect(),
        items: control.backlog.clone(),
    }
}
