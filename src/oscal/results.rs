//! The gate's verdict as OSCAL assessment results: one result with a
//! finding per control and per item or review the gate judged (satisfied or
//! not-satisfied), and observations of their evidence.

use std::collections::HashMap;

use serde::Serialize;

use super::poam::{Origin, comply_origin};
use super::{
    BackMatter, Evidence, Ids, Input, LocalDefinitions, Metadata, Observation, Prop, line,
    metadata, subject_token, title, tool,
};
use crate::acceptance::{AcceptanceState, Target};
use crate::analysis::gate::{Checked, Gate, SubjectKind};
use crate::analysis::{ControlView, EvidenceView};
use crate::report::words;

/// The document: `{"assessment-results": ...}`.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct ResultsDocument {
    /// The assessment results.
    #[serde(rename = "assessment-results")]
    pub(crate) results: AssessmentResults,
}

/// Assessment results.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) struct AssessmentResults {
    /// Its UUID.
    pub(crate) uuid: String,
    /// Metadata.
    pub(crate) metadata: Metadata,
    /// The plan assessed against: comply.yaml's gate settings.
    pub(crate) import_ap: ImportAp,
    /// One result: the gate's run.
    pub(crate) results: Vec<AssessmentResult>,
    /// The evidence files with their hashes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) back_matter: Option<BackMatter>,
}

/// The assessment plan: there is none; comply.yaml's settings stand for it.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct ImportAp {
    /// `comply.yaml`.
    pub(crate) href: &'static str,
    /// What stands for the plan.
    pub(crate) remarks: &'static str,
}

/// The gate's run.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) struct AssessmentResult {
    /// Its UUID.
    pub(crate) uuid: String,
    /// `comply check`.
    pub(crate) title: &'static str,
    /// The verdict line.
    pub(crate) description: String,
    /// The analysed state's date.
    pub(crate) start: String,
    /// The verdict and threshold.
    pub(crate) props: Vec<Prop>,
    /// The comply component (the findings' origin).
    pub(crate) local_definitions: LocalDefinitions,
    /// Every control of the repository.
    pub(crate) reviewed_controls: ReviewedControls,
    /// Evidence observed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) observations: Vec<Observation>,
    /// One finding per control and judged item or review.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) findings: Vec<Finding>,
}

/// The controls reviewed: all of them.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) struct ReviewedControls {
    /// `include-all`.
    pub(crate) control_selections: Vec<ControlSelection>,
}

/// A selection of controls.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) struct ControlSelection {
    /// Every control.
    pub(crate) include_all: IncludeAll,
}

/// `{}`.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct IncludeAll {}

/// A finding: one control, item or review and whether it is satisfied.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) struct Finding {
    /// Its UUID.
    pub(crate) uuid: String,
    /// The subject's title.
    pub(crate) title: String,
    /// Why it is or is not satisfied.
    pub(crate) description: String,
    /// Comply properties: kind, framework, id.
    pub(crate) props: Vec<Prop>,
    /// comply.
    pub(crate) origins: Vec<Origin>,
    /// The subject and its state.
    pub(crate) target: FindingTarget,
    /// Its evidence.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) related_observations: Vec<super::poam::RelatedObservation>,
}

/// What a finding is about.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) struct FindingTarget {
    /// `objective-id`.
    #[serde(rename = "type")]
    pub(crate) kind: &'static str,
    /// The control, item or review id as a token.
    pub(crate) target_id: String,
    /// Satisfied or not.
    pub(crate) status: TargetStatus,
}

/// A target's state.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct TargetStatus {
    /// `satisfied` or `not-satisfied`.
    pub(crate) state: &'static str,
    /// `pass` or `fail`.
    pub(crate) reason: &'static str,
}

impl TargetStatus {
    fn of(satisfied: bool) -> TargetStatus {
        if satisfied {
            TargetStatus {
                state: "satisfied",
                reason: "pass",
            }
        } else {
            TargetStatus {
                state: "not-satisfied",
                reason: "fail",
            }
        }
    }
}

/// The assessment results of the gate.
pub(crate) fn results(input: &Input) -> ResultsDocument {
    let Input {
        repo,
        analysis,
        facts,
    } = *input;
    let ids = Ids::new(&facts.system);
    let mut evidence = Evidence::new(facts, &ids);
    let gate = &analysis.gate;
    let verdicts = Verdicts::of(gate);
    let evidence_of: HashMap<(SubjectKind, &str), &[EvidenceView]> = analysis
        .items
        .iter()
        .map(|i| ((i.kind, i.id.as_str()), i.evidence.as_slice()))
        .collect();
    let mut findings: Vec<Finding> = analysis
        .controls
        .iter()
        .map(|control| control_finding(control, &verdicts, &ids, &mut evidence))
        .collect();
    // Every item, review and acceptance the gate judged: each offender is
    // in a finding (controls' in theirs above), so the findings agree with
    // the verdict. Two acceptances of one target are told apart by their
    // order.
    let mut met: HashMap<(SubjectKind, &str, &str), usize> = HashMap::new();
    for (case, checked) in gate
        .checked
        .iter()
        .enumerate()
        .filter(|(_, c)| c.kind != SubjectKind::Control)
    {
        let nth = met
            .entry((checked.kind, &checked.framework, &checked.id))
            .or_default();
        *nth += 1;
        let views = evidence_of
            .get(&(checked.kind, checked.id.as_str()))
            .copied()
            .unwrap_or_default();
        findings.push(item_finding(
            (case, checked),
            *nth,
            &verdicts,
            views,
            &ids,
            &mut evidence,
        ));
    }
    let back_matter = evidence.back_matter();
    let props = vec![
        Prop::comply("verdict", words::gate_word(gate)),
        Prop::comply("fail-on", gate.fail_on.to_string()),
        Prop::comply("as-of", analysis.as_of.to_string()),
        Prop::comply("offenders", gate.offenders.len().to_string()),
    ];
    ResultsDocument {
        results: AssessmentResults {
            uuid: ids.of("assessment-results", &facts.system),
            metadata: metadata(
                title("Assessment results", &facts.system),
                facts,
                &ids,
                &repo.config.owners,
            ),
            import_ap: ImportAp {
                href: "comply.yaml",
                remarks: "comply keeps no assessment plan: the gate's settings in comply.yaml \
                          (fail_on, due_soon_days) stand for it.",
            },
            results: vec![AssessmentResult {
                uuid: ids.of("result", "gate"),
                title: "comply check",
                description: words::gate_summary(gate),
                start: facts.last_modified.clone(),
                props,
                local_definitions: tool(&ids),
                reviewed_controls: ReviewedControls {
                    control_selections: vec![ControlSelection {
                        include_all: IncludeAll {},
                    }],
                },
                observations: evidence.observations,
                findings,
            }],
            back_matter,
        },
    }
}

/// A subject of the gate: kind, framework, id.
type Subject<'a> = (SubjectKind, &'a str, &'a str);

/// What the gate says of each subject it judged (by its index in
/// `Gate::checked`): its offences, and the offences risk acceptances cover
/// (with who accepted them until when), described; and the acceptances in
/// force of each item, review and control.
#[derive(Default)]
struct Verdicts<'a> {
    offences: HashMap<usize, Vec<String>>,
    accepted: HashMap<usize, Vec<String>>,
    /// The index in `Gate::checked` of each control judged.
    controls: HashMap<Subject<'a>, usize>,
    /// The acceptances in force of each subject (items and reviews without
    /// their framework), said.
    in_force: HashMap<Subject<'a>, Vec<String>>,
}

impl<'a> Verdicts<'a> {
    fn of(gate: &'a Gate) -> Verdicts<'a> {
        let mut verdicts = Verdicts::default();
        for o in &gate.offenders {
            let said = words::describe(&o.reason);
            verdicts.offences.entry(o.case).or_default().push(said);
        }
        for a in &gate.accepted {
            let o = &a.offender;
            verdicts.accepted.entry(o.case).or_default().push(format!(
                "{} (accepted by {} until {})",
                words::describe(&o.reason),
                a.approved_by,
                a.until
            ));
        }
        for (case, c) in gate.checked.iter().enumerate() {
            if c.kind == SubjectKind::Control {
                verdicts
                    .controls
                    .insert((c.kind, c.framework.as_str(), c.id.as_str()), case);
            }
        }
        for a in gate
            .acceptances
            .iter()
            .filter(|a| matches!(a.state, AcceptanceState::Active | AcceptanceState::Expiring))
        {
            let key = match &a.subject {
                Target::Item { id } => (SubjectKind::Item, "", id.as_str()),
                Target::Review { id } => (SubjectKind::Review, "", id.as_str()),
                Target::Control { framework, id } => {
                    (SubjectKind::Control, framework.as_str(), id.as_str())
                }
                Target::Evidence { .. } => continue,
            };
            verdicts.in_force.entry(key).or_default().push(format!(
                "Risk accepted by {} on {} until {}: {}.",
                a.approved_by,
                a.approved_on,
                a.expires,
                line(a.reason.trim_end_matches('.'), "-")
            ));
        }
        verdicts
    }

    /// The offences of the subject judged as `Gate::checked[case]` (none
    /// when it was not judged), and what else its finding says: the
    /// accepted offences and the acceptances in force.
    fn get(&self, case: Option<usize>, subject: Subject<'_>) -> (Vec<String>, Vec<String>) {
        let of = |map: &HashMap<usize, Vec<String>>| {
            case.and_then(|c| map.get(&c)).cloned().unwrap_or_default()
        };
        let (kind, _, id) = subject;
        let bare = match kind {
            SubjectKind::Item | SubjectKind::Review => (kind, "", id),
            _ => subject,
        };
        let mut said = of(&self.accepted);
        said.extend(self.in_force.get(&bare).cloned().unwrap_or_default());
        (of(&self.offences), said)
    }
}

fn control_finding(
    control: &ControlView,
    verdicts: &Verdicts,
    ids: &Ids,
    evidence: &mut Evidence,
) -> Finding {
    let key = format!("control/{}/{}", control.framework, control.id);
    let subject = (
        SubjectKind::Control,
        control.framework.as_str(),
        control.id.as_str(),
    );
    let (offences, accepted) = verdicts.get(verdicts.controls.get(&subject).copied(), subject);
    let satisfied = !control.is_gap && !control.unproven && offences.is_empty();
    let mut why = vec![format!("Status {}.", control.status)];
    if control.unproven {
        why.push("Marked implemented, but some evidence is not present.".to_string());
    }
    why.extend(offences);
    why.extend(accepted);
    let related = evidence.observe(&key, &control.evidence);
    Finding {
        uuid: ids.of("finding", &key),
        title: line(&control.title, &control.id),
        description: why.join(" "),
        props: vec![
            Prop::comply("kind", "control"),
            Prop::comply("framework", &control.framework),
            Prop::comply("id", &control.id),
            Prop::comply("status", control.status.to_string()),
        ],
        origins: vec![comply_origin(ids)],
        target: FindingTarget {
            kind: "objective-id",
            target_id: subject_token(SubjectKind::Control, &control.framework, &control.id, 1),
            status: TargetStatus::of(satisfied),
        },
        related_observations: related
            .into_iter()
            .map(|observation_uuid| super::poam::RelatedObservation { observation_uuid })
            .collect(),
    }
}

fn item_finding(
    (case, checked): (usize, &Checked),
    nth: usize,
    verdicts: &Verdicts,
    views: &[EvidenceView],
    ids: &Ids,
    evidence: &mut Evidence,
) -> Finding {
    let key = match nth {
        1 => format!("{}/{}", checked.kind, checked.id),
        n => format!("{}/{}/{n}", checked.kind, checked.id),
    };
    let (offences, accepted) =
        verdicts.get(Some(case), (checked.kind, &checked.framework, &checked.id));
    let satisfied = offences.is_empty();
    let mut why = if satisfied {
        vec!["Passes the gate.".to_string()]
    } else {
        offences
    };
    why.extend(accepted);
    let related = evidence.observe(&key, views);
    let mut props = vec![
        Prop::comply("kind", checked.kind.to_string()),
        Prop::comply("id", &checked.id),
    ];
    if !checked.framework.is_empty() {
        props.push(Prop::comply("framework", &checked.framework));
    }
    Finding {
        uuid: ids.of("finding", &key),
        title: line(&checked.title, &checked.id),
        description: why.join(" "),
        props,
        origins: vec![comply_origin(ids)],
        target: FindingTarget {
            kind: "objective-id",
            target_id: subject_token(checked.kind, &checked.framework, &checked.id, nth),
            status: TargetStatus::of(satisfied),
        },
        related_observations: related
            .into_iter()
            .map(|observation_uuid| super::poam::RelatedObservation { observation_uuid })
            .collect(),
    }
}
