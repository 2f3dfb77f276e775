//! A mappings file: `mappings/*.yaml`, the controls of one framework mapped
//! onto the controls of another, each with a relation.

use schemars::JsonSchema;
use serde::Serialize;

use super::{Id, Spanned};
use crate::decode::{Decoder, nfc};
use crate::model::{ControlKey, Mapping, Relation};
use crate::yaml::Node;

/// A mappings file: `mappings/*.yaml`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "comply control mappings")]
pub(crate) struct MappingsFile {
    /// The framework whose controls do the work (`common`).
    pub(crate) source: Spanned<String>,
    /// The framework whose controls they count for (`iso27001`).
    pub(crate) target: Spanned<String>,
    /// Free text: where the crosswalk comes from, its licence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) description: Option<String>,
    /// The mappings.
    pub(crate) mappings: Vec<MappingEntry>,
}

/// One mapping: a control of `source` onto a control of `target`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct MappingEntry {
    /// Control id in the source framework.
    #[schemars(with = "Id")]
    pub(crate) source: Spanned<String>,
    /// Control id in the target framework.
    #[schemars(with = "Id")]
    pub(crate) target: Spanned<String>,
    /// How the source relates to the target.
    pub(crate) relation: Relation,
}

impl MappingsFile {
    pub(crate) fn decode(d: &mut Decoder, node: &Node) -> Option<MappingsFile> {
        let mut th = d.table(node, "mappings file")?;
        let source = th.required_string("source");
        let target = th.required_string("target");
        let description = th.string("description");
        let mappings = th.required("mappings", |d, node, name| {
            Some(d.list(node, name, MappingEntry::decode))
        });
        th.finalize();
        Some(MappingsFile {
            source: source?,
            target: target?,
            description,
            mappings: mappings?,
        })
    }

    pub(crate) fn into_model(self, d: &Decoder) -> Vec<Mapping> {
        let source = nfc(self.source.value);
        let target = nfc(self.target.value);
        self.mappings
            .into_iter()
            .map(|m| Mapping {
                at: d.source(m.source.pos),
                source: ControlKey {
                    framework: source.clone(),
                    id: nfc(m.source.value),
                },
                target: ControlKey {
                    framework: target.clone(),
                    id: nfc(m.target.value),
                },
                relation: m.relation,
            })
            .collect()
    }
}

impl MappingEntry {
    fn decode(d: &mut Decoder, node: &Node) -> Option<MappingEntry> {
        let mut th = d.table(node, "mapping")?;
        let source = th.required_string("source");
        let target = th.required_string("target");
        let relation = th.required("relation", Decoder::word);
        th.finalize();
        Some(MappingEntry {
            source: source?,
            target: target?,
            relation: relation?,
        })
    }
}
