//! A reviews file: `reviews/*.yaml`.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::Serialize;

use super::{CadenceEntry, Date, EvidenceEntry, Id, Spanned, evidence};
use crate::decode::{Decoder, nfc};
use crate::model::{Cadence, Review, Risk};
use crate::yaml::Node;

/// A reviews file: `reviews/*.yaml`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "comply reviews")]
pub struct ReviewsFile {
    /// The recurring activities.
    pub(crate) reviews: Vec<ReviewEntry>,
}

/// One recurring activity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReviewEntry {
    /// Unique id (shared with backlog items).
    #[schemars(with = "Id")]
    pub(crate) id: Spanned<String>,
    /// Short name (not blank).
    #[schemars(regex(pattern = r"\S"))]
    pub(crate) title: String,
    /// The framework it serves.
    pub(crate) framework: String,
    /// Who does it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) owner: Option<String>,
    /// How often.
    #[schemars(with = "CadenceEntry")]
    pub(crate) cadence: Cadence,
    /// How risky it is to skip (default medium).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) risk: Option<Risk>,
    /// When it was last done, when written down.
    #[schemars(with = "Option<Date>")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) last_done: Option<NaiveDate>,
    /// What proves it was done; its newest commit dates the last time.
    #[schemars(with = "Option<Vec<EvidenceEntry>>")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) evidence: Vec<Spanned<EvidenceEntry>>,
}

impl ReviewsFile {
    pub(crate) fn decode(d: &mut Decoder, node: &Node) -> Option<ReviewsFile> {
        let mut th = d.table(node, "reviews file")?;
        let reviews = th.required("reviews", |d, node, name| {
            Some(d.list(node, name, ReviewEntry::decode))
        });
        th.finalize();
        Some(ReviewsFile { reviews: reviews? })
    }

    pub(crate) fn into_model(self, d: &Decoder) -> Vec<Review> {
        self.reviews
            .into_iter()
            .map(|r| Review {
                framework: Some(nfc(r.framework)),
                owner: r.owner,
                evidence: evidence(r.evidence, d),
                source: d.source(r.id.pos),
                id: nfc(r.id.value),
                title: r.title,
                cadence: r.cadence,
                last_done: r.last_done,
                risk: r.risk.unwrap_or(Risk::Medium),
            })
            .collect()
    }
}

impl ReviewEntry {
    fn decode(d: &mut Decoder, node: &Node) -> Option<ReviewEntry> {
        let mut th = d.table(node, "review")?;
        // In the order of the schema's documentation, for hints.
        let id = th.required_string("id");
        let title = th.required_string("title");
        let framework = th.required_string("framework");
        let owner = th.string("owner");
        let cadence = th.required("cadence", Decoder::cadence);
        let evidence = th.list("evidence", EvidenceEntry::decode_list);
        let last_done = th.optional("last_done", Decoder::date);
        let risk = th.optional("risk", Decoder::word);
        th.finalize();
        Some(ReviewEntry {
            id: id?,
            title: title?.value,
            framework: framework?.value,
            owner,
            cadence: cadence?,
            risk: risk?,
            last_done: last_done?,
            evidence,
        })
    }
}
