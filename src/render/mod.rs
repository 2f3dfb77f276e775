//! Rendering: the same analysis as terminal tables or as JSON.
//!
//! Renderers only format; every decision (states, sorting, the verdict) was
//! made in `analysis` and `gate`.

pub(crate) mod ci;
pub(crate) mod diff;
pub(crate) mod json;
pub(crate) mod table;

use serde::Serialize;

use crate::analysis::{EvidenceView, ItemState, ItemView, SubjectKind};
use crate::evidence::EvidenceState;
use crate::model::Risk;

/// What a listing command shows: the three due lists, already filtered.
#[derive(Debug)]
pub(crate) struct DueLists<'a> {
    /// The due-soon window in days.
    pub(crate) within: u32,
    /// Overdue items, most urgent first.
    pub(crate) overdue: Vec<&'a ItemView>,
    /// Items due within the window, soonest first within risk.
    pub(crate) due_soon: Vec<&'a ItemView>,
    /// Open items without a due date.
    pub(crate) unscheduled: Vec<&'a ItemView>,
}

/// One evidence entry of one control or item (`comply evidence`).
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub(crate) struct Row<'a> {
    /// `item`, `review` or `control`.
    #[schemars(with = "String")]
    pub(crate) kind: SubjectKind,
    /// Framework of the control or item.
    pub(crate) framework: &'a str,
    /// Control or item id.
    pub(crate) id: &'a str,
    /// The entry.
    #[serde(flatten)]
    pub(crate) evidence: &'a EvidenceView,
}

/// A colour for a terminal; none when colour is off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tone {
    /// Bad: critical or high risk, overdue, missing.
    Bad,
    /// Needs attention: medium risk, due soon, empty.
    Warn,
    /// Fine: present, passed.
    Good,
    /// Neither.
    Plain,
}

impl Tone {
    /// The tone of a risk level.
    pub(crate) fn of_risk(risk: Risk) -> Tone {
        match risk {
            Risk::Critical | Risk::High => Tone::Bad,
            Risk::Medium => Tone::Warn,
            Risk::Low => Tone::Plain,
        }
    }

    /// The tone of an item state.
    pub(crate) fn of_state(state: ItemState) -> Tone {
        match state {
            ItemState::Overdue => Tone::Bad,
            ItemState::DueSoon => Tone::Warn,
            ItemState::Closed => Tone::Good,
            ItemState::Scheduled | ItemState::Unscheduled => Tone::Plain,
        }
    }

    /// The tone of an evidence state.
    pub(crate) fn of_evidence(state: EvidenceState) -> Tone {
        match state {
            EvidenceState::Present => Tone::Good,
            EvidenceState::Stale => Tone::Warn,
            EvidenceState::Empty => Tone::Warn,
            EvidenceState::Missing | EvidenceState::Outside => Tone::Bad,
        }
    }
}

/// How output looks: colour, and the width tables must fit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Style {
    /// Colour on.
    pub(crate) color: bool,
    /// The width tables must fit, in columns: `COLUMNS` when set, else the
    /// terminal's width; `None` (a pipe or a file) means no wrapping, one
    /// line per row.
    pub(crate) width: Option<u16>,
}

impl Style {
    /// `text` wrapped in the ANSI colour of `tone`, when colour is on.
    pub(crate) fn paint(self, text: &str, tone: Tone) -> String {
        let code = match tone {
            Tone::Bad => "31",
            Tone::Warn => "33",
            Tone::Good => "32",
            Tone::Plain => return text.to_string(),
        };
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// `text` in bold, when colour is on.
    pub(crate) fn bold(self, text: &str) -> String {
        if self.color {
            format!("\x1b[1m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}
