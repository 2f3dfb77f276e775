//! An exceptions file: `exceptions/*.yaml`.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::Serialize;

use super::{Date, Spanned};
use crate::decode::{Decoder, nfc};
use crate::model::{Exception, Reference};
use crate::yaml::Node;

/// An exceptions file: `exceptions/*.yaml`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "comply risk acceptances")]
pub(crate) struct ExceptionsFile {
    /// The risk acceptances.
    pub(crate) exceptions: Vec<ExceptionEntry>,
}

/// One risk acceptance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExceptionEntry {
    /// An item, review or control id (or `framework:id`), or an evidence path.
    pub(crate) target: Spanned<String>,
    /// Why the risk is accepted.
    pub(crate) reason: String,
    /// Who approved it.
    pub(crate) approved_by: String,
    /// When.
    #[schemars(with = "Date")]
    pub(crate) approved_on: NaiveDate,
    /// The last day it is in force.
    #[schemars(with = "Date")]
    pub(crate) expires: NaiveDate,
}

impl ExceptionsFile {
    pub(crate) fn decode(d: &mut Decoder, node: &Node) -> Option<ExceptionsFile> {
        let mut th = d.table(node, "exceptions file")?;
        let exceptions = th.required("exceptions", |d, node, name| {
            Some(d.list(node, name, ExceptionEntry::decode))
        });
        th.finalize();
        Some(ExceptionsFile {
            exceptions: exceptions?,
        })
    }

    pub(crate) fn into_model(self, d: &Decoder) -> Vec<Exception> {
        self.exceptions
            .into_iter()
            .map(|e| Exception {
                target: Reference {
                    id: nfc(e.target.value),
                    source: d.source(e.target.pos),
                },
                reason: e.reason,
                approved_by: e.approved_by,
                approved_on: e.approved_on,
                expires: e.expires,
                source: d.source(e.target.pos),
            })
            .collect()
    }
}

impl ExceptionEntry {
    fn decode(d: &mut Decoder, node: &Node) -> Option<ExceptionEntry> {
        let mut th = d.table(node, "risk acceptance")?;
        let target = th.required_string("target");
        let reason = th.required_string("reason");
        let approved_by = th.required_string("approved_by");
        let approved_on = th.required("approved_on", Decoder::date);
        let expires = th.required("expires", Decoder::date);
        th.finalize();
        Some(ExceptionEntry {
            target: target?,
            reason: reason?.value,
            approved_by: approved_by?.value,
            approved_on: approved_on?,
            expires: expires?,
        })
    }
}
