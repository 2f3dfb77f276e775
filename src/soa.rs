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
pub struct Soa {
    /// JSON format version.
    pub version: u32,
    /// The repository's display name.
    pub title: String,
    /// The day analysed.
    pub as_of: NaiveDate,
    /// One statement per framework, sorted by id.
    pub frameworks: Vec<SoaFramework>,
}

/// The statement of one framework.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct SoaFramework {
    /// Framework id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Controls that apply.
    pub applicable: usize,
    /// Controls that do not apply.
    pub excluded: usize,
    /// Every control, in file order.
    pub controls: Vec<SoaRow>,
}

/// One control of the statement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct SoaRow {
    /// Control id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Whether the control applies.
    pub applicable: bool,
    /// Why it does or does not apply, when written.
    pub justification: Option<String>,
    /// Effective status (`not-applicable` for an excluded control).
    pub status: ControlStatus,
    /// `own`, `inherited` (from `status_from`) or `excluded`.
    pub basis: &'static str,
    /// The controls (`framework:id`) the status is inherited from.
    pub status_from: Vec<String>,
    /// Evidence with its state and, when inherited, the control it comes from.
    pub evidence: Vec<SoaEvidence>,
    /// Linked backlog items, sorted.
    pub items: Vec<String>,
}

/// One evidence entry of a row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct SoaEvidence {
    /// The path as written.
    pub path: String,
    /// Its state.
    pub state: EvidenceState,
    /// The control (`framework:id`) it is inherited from, if any.
    pub from: Option<String>,
}

impl Soa {
    /// The statement of every framework of `analysis` that `keep` accepts.
    pub fn new(title: &str, analysis: &Analysis, keep: impl Fn(&str) -> bool) -> Soa {
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
            "excluded"
        } else if control.status_from.is_empty() {
            "own"
        } else {
            "inherited"
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
