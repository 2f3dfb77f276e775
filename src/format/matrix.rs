//! A control matrix: `controls/*.yaml`.

use schemars::JsonSchema;
use serde::Serialize;

use super::{CadenceEntry, EvidenceEntry, Id, OneOrMany, Spanned, evidence};
use crate::decode::{Decoder, nfc};
use crate::diag::Code;
use crate::model::{Cadence, Control, ControlStatus, Framework, Reference, Risk};
use crate::yaml::Node;

/// A control matrix: `controls/*.yaml`, one framework per file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "comply control matrix")]
pub struct MatrixFile {
    /// Short framework id (`popia`, `iso27001`, `soc2`).
    pub(crate) framework: Spanned<String>,
    /// Display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) name: Option<String>,
    /// Free text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) description: Option<String>,
    /// Default evidence age limit for this framework's controls and items.
    #[schemars(range(max = 3660))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) max_age_days: Option<u32>,
    /// The controls.
    pub(crate) controls: Vec<ControlEntry>,
}

/// One control of a matrix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ControlEntry {
    /// Id within the framework (`CC6.1`, `A.5.24`).
    #[schemars(with = "Id")]
    pub(crate) id: Spanned<String>,
    /// Short name (not blank).
    #[schemars(regex(pattern = r"\S"))]
    pub(crate) title: String,
    /// Implementation status; leave it out when the control takes its
    /// status from the controls that satisfy it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) status: Option<ControlStatus>,
    /// Whether the control applies (default true); `false` needs a
    /// `justification`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) applicable: Option<bool>,
    /// Why the control does or does not apply (the Statement of
    /// Applicability's justification).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) justification: Option<String>,
    /// Controls of other frameworks this control satisfies, as
    /// `framework:id`; their status and evidence come from this one.
    #[schemars(with = "Option<OneOrMany<String>>")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) satisfies: Vec<Spanned<String>>,
    /// Severity of the gap.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) severity: Option<Risk>,
    /// Who answers for the control.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) owner: Option<String>,
    /// Current maturity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) current: Option<String>,
    /// Target state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) target: Option<String>,
    /// The gap and its risk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) gap: Option<String>,
    /// What proves the control.
    #[schemars(with = "Option<Vec<EvidenceEntry>>")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) evidence: Vec<Spanned<EvidenceEntry>>,
    /// Ids of remediation items.
    #[schemars(with = "Option<OneOrMany<Id>>")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) backlog: Vec<Spanned<String>>,
    /// Equivalent controls elsewhere, as `framework:id`.
    #[schemars(with = "Option<OneOrMany<String>>")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) maps_to: Vec<Spanned<String>>,
    /// Free labels.
    #[schemars(with = "Option<OneOrMany<String>>")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) tags: Vec<String>,
    /// Age limit for this control's evidence.
    #[schemars(range(max = 3660))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) max_age_days: Option<u32>,
    /// How often the control must be performed again (a recurring control).
    #[schemars(with = "Option<CadenceEntry>")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) cadence: Option<Cadence>,
    /// Where the control's requirement is written (a URL).
    #[schemars(url)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) reference: Option<String>,
}

impl MatrixFile {
    pub(crate) fn decode(d: &mut Decoder, node: &Node) -> Option<MatrixFile> {
        let mut th = d.table(node, "control matrix")?;
        let framework = th.required_string("framework");
        let name = th.string("name");
        let description = th.string("description");
        let max_age_days = th.lenient("max_age_days", Decoder::days);
        let controls = th.required("controls", |d, node, name| {
            Some(d.list(node, name, ControlEntry::decode))
        });
        th.finalize();
        Some(MatrixFile {
            framework: framework?,
            name,
            description,
            max_age_days,
            controls: controls.unwrap_or_default(),
        })
    }

    pub(crate) fn into_model(self, d: &Decoder) -> Framework {
        let id = nfc(self.framework.value);
        Framework {
            name: self.name.unwrap_or_else(|| id.clone()),
            controls: self
                .controls
                .into_iter()
                .map(|c| c.into_model(&id, d))
                .collect(),
            max_age_days: self.max_age_days,
            source: d.source(self.framework.pos),
            id,
        }
    }
}

impl ControlEntry {
    fn decode(d: &mut Decoder, node: &Node) -> Option<ControlEntry> {
        let mut th = d.table(node, "control")?;
        let id = th.required_string("id");
        let title = th.required_string("title");
        let status = th.lenient("status", Decoder::word);
        let applicable = th.lenient("applicable", Decoder::flag);
        let justification = th.string("justification");
        let satisfies = th.list("satisfies", Decoder::references);
        let severity = th.lenient("severity", Decoder::word);
        let owner = th.string("owner");
        let current = th.string("current");
        let target = th.string("target");
        let gap = th.string("gap");
        let evidence = th.list("evidence", EvidenceEntry::decode_list);
        let backlog = th.list("backlog", Decoder::references);
        let maps_to = th.list("maps_to", Decoder::references);
        let tags = th.list("tags", Decoder::strings);
        let max_age_days = th.lenient("max_age_days", Decoder::days);
        let cadence = th.optional("cadence", Decoder::cadence);
        let reference = th.string("reference");
        th.finalize();
        let id = id?;
        if applicable == Some(false) && justification.as_deref().is_none_or(|j| j.trim().is_empty())
        {
            d.push(
                Code::MissingField,
                id.pos,
                format!(
                    "control `{}` is not applicable but has no `justification`",
                    id.value
                ),
                Some("say why in `justification:`; the Statement of Applicability shows it".into()),
            );
        }
        if applicable == Some(false)
            && let Some(status) = status.filter(|s| *s != ControlStatus::NotApplicable)
        {
            d.warn_with(
                Code::BadValue,
                id.pos,
                format!(
                    "control `{}` does not apply, so its `status: {status}` is ignored",
                    id.value
                ),
                "remove the status, or remove `applicable: false` if the control applies",
            );
        }
        if status == Some(ControlStatus::NotApplicable) {
            let unjustified = justification.as_deref().is_none_or(|j| j.trim().is_empty());
            d.warn_with(
                Code::Deprecated,
                id.pos,
                format!(
                    "control `{}`: `status: not-applicable` is now written `applicable: false`{}",
                    id.value,
                    if unjustified {
                        ", and an exclusion needs a `justification` (the Statement of \
                         Applicability shows none written)"
                    } else {
                        ""
                    }
                ),
                "write `applicable: false` and a `justification:` instead of the status",
            );
        }
        Some(ControlEntry {
            id,
            title: title?.value,
            status,
            applicable,
            justification,
            satisfies,
            severity,
            owner,
            current,
            target,
            gap,
            evidence,
            backlog,
            maps_to,
            tags,
            max_age_days,
            cadence: cadence?,
            reference,
        })
    }

    fn into_model(self, framework: &str, d: &Decoder) -> Control {
        let reference = |r: Spanned<String>| Reference {
            id: nfc(r.value),
            source: d.source(r.pos),
        };
        Control {
            framework: framework.to_string(),
            owner: self.owner,
            current: self.current,
            target: self.target,
            gap: self.gap,
            evidence: evidence(self.evidence, d),
            backlog: self.backlog.into_iter().map(reference).collect(),
            maps_to: self.maps_to.into_iter().map(reference).collect(),
            satisfies: self.satisfies.into_iter().map(reference).collect(),
            applicable: self.applicable != Some(false)
                && self.status != Some(ControlStatus::NotApplicable),
            justification: self.justification,
            tags: self.tags,
            max_age_days: self.max_age_days,
            cadence: self.cadence,
            reference: self.reference,
            source: d.source(self.id.pos),
            id: nfc(self.id.value),
            title: self.title,
            status: self.status.filter(|s| *s != ControlStatus::NotApplicable),
            severity: self.severity,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::decode::Decoder;

    #[test]
    fn a_control_keeps_its_reference() {
        let text = "framework: soc2\ncontrols:\n  - id: CC6.1\n    title: Access\n    status: partial\n    reference: https://example.org/cc6\n  - id: CC6.2\n    title: Other\n    status: planned\n    referense: x\n";
        let node = crate::yaml::parse(text).unwrap_or_else(|e| panic!("{e:?}"));
        let mut d = Decoder::new(Path::new("controls/soc2.yaml"));
        let framework = d.matrix(&node).unwrap_or_else(|| panic!("decoded"));
        let problems: Vec<String> = d
            .into_diagnostics()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            framework.controls[0].reference.as_deref(),
            Some("https://example.org/cc6")
        );
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].contains("did you mean `reference`?"),
            "{problems:?}"
        );
    }
}
