//! A backlog file: `backlog/*.yaml`.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::Serialize;

use super::{ChecklistStep, Date, DueDate, EvidenceEntry, Id, OneOrMany, Spanned, evidence};
use crate::decode::{Decoder, nfc};
use crate::diag::Code;
use crate::model::{ChecklistEntry, Due, Item, ItemStatus, Reference, Risk};
use crate::yaml::Node;

/// A backlog file: `backlog/*.yaml`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "comply backlog")]
pub struct BacklogFile {
    /// Default framework of every item in the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) framework: Option<String>,
    /// The items.
    pub(crate) items: Vec<ItemEntry>,
}

/// One backlog item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ItemEntry {
    /// Unique id (`POPIA-001`).
    #[schemars(with = "Id")]
    pub(crate) id: Spanned<String>,
    /// Short name (not blank).
    #[schemars(regex(pattern = r"\S"))]
    pub(crate) title: String,
    /// Framework id (required here or at the top of the file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) framework: Option<String>,
    /// Controls the item closes: ids in its framework, or `framework:id`.
    #[schemars(with = "Option<OneOrMany<Id>>")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) controls: Vec<Spanned<String>>,
    /// How risky it is to leave undone.
    pub(crate) risk: Risk,
    /// Who does it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) owner: Option<String>,
    /// Due date, or `TBD`.
    #[schemars(with = "Option<DueDate>")]
    pub(crate) due: Due,
    /// Where it stands (default open).
    #[schemars(with = "Option<ItemStatus>")]
    pub(crate) status: ItemStatus,
    /// Completion date; required when status is done.
    #[schemars(with = "Option<Date>")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) done: Option<NaiveDate>,
    /// What the work is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) summary: Option<String>,
    /// What proves it is done.
    #[schemars(with = "Option<Vec<EvidenceEntry>>")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) evidence: Vec<Spanned<EvidenceEntry>>,
    /// Sub-steps.
    #[schemars(with = "Option<Vec<ChecklistStep>>")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) checklist: Vec<ChecklistStep>,
    /// Free labels.
    #[schemars(with = "Option<OneOrMany<String>>")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) tags: Vec<String>,
    /// Age limit for this item's evidence.
    #[schemars(range(max = 3660))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) max_age_days: Option<u32>,
}

impl BacklogFile {
    pub(crate) fn decode(d: &mut Decoder, node: &Node) -> Option<BacklogFile> {
        let mut th = d.table(node, "backlog file")?;
        let framework = th.string("framework");
        let shared = framework.as_deref();
        let items = th
            .required("items", |d, node, name| {
                Some(d.list(node, name, |d, node| ItemEntry::decode(d, node, shared)))
            })
            .unwrap_or_default();
        th.finalize();
        Some(BacklogFile { framework, items })
    }

    pub(crate) fn into_model(self, d: &Decoder) -> Vec<Item> {
        let shared = self.framework;
        self.items
            .into_iter()
            .filter_map(|item| {
                let framework = item.framework.clone().or_else(|| shared.clone())?;
                Some(item.into_model(framework, d))
            })
            .collect()
    }
}

impl ItemEntry {
    /// An item; one without a framework of its own needs the file's
    /// (`shared`).
    fn decode(d: &mut Decoder, node: &Node, shared: Option<&str>) -> Option<ItemEntry> {
        let mut th = d.table(node, "item")?;
        let id = th.required_string("id");
        let title = th.required_string("title");
        let framework = th.string("framework");
        let controls = th.list("controls", Decoder::references);
        let risk = th.required("risk", Decoder::word);
        let owner = th.string("owner");
        let due = th.optional("due", Decoder::due);
        let status = th.optional("status", Decoder::word);
        let done = th.optional("done", Decoder::date);
        let summary = th.string("summary");
        let evidence = th.list("evidence", EvidenceEntry::decode_list);
        let checklist = th.list("checklist", ChecklistStep::decode_list);
        let tags = th.list("tags", Decoder::strings);
        let max_age_days = th.lenient("max_age_days", Decoder::days);
        if framework.is_none() && shared.is_none() {
            let at = th.pos;
            th.decoder().push(
                Code::MissingField,
                at,
                "missing field `framework`".into(),
                Some("set it on the item or once at the top of the file".into()),
            );
        }
        th.finalize();
        Some(ItemEntry {
            id: id?,
            title: title?.value,
            framework,
            controls,
            risk: risk?,
            owner,
            due: due?.unwrap_or(Due::Unscheduled),
            status: status?.unwrap_or(ItemStatus::Open),
            done: done?,
            summary,
            evidence,
            checklist,
            tags,
            max_age_days,
        })
    }

    fn into_model(self, framework: String, d: &Decoder) -> Item {
        Item {
            controls: self
                .controls
                .into_iter()
                .map(|r| Reference {
                    id: nfc(r.value),
                    source: d.source(r.pos),
                })
                .collect(),
            owner: self.owner,
            summary: self.summary,
            evidence: evidence(self.evidence, d),
            checklist: self
                .checklist
                .into_iter()
                .map(|s| ChecklistEntry {
                    task: s.task,
                    done: s.done,
                })
                .collect(),
            tags: self.tags,
            max_age_days: self.max_age_days,
            source: d.source(self.id.pos),
            id: nfc(self.id.value),
            title: self.title,
            framework: nfc(framework),
            risk: self.risk,
            due: self.due,
            status: self.status,
            done: self.done,
        }
    }
}
