//! The backlog as an OSCAL plan of action and milestones: one poam-item and
//! one risk per backlog item, observations for its evidence, remediations
//! from its checklist, risk acceptances as `deviation-approved`.

use std::collections::HashMap;

use serde::Serialize;

use super::{
    BackMatter, Evidence, Ids, Input, LocalDefinitions, Metadata, Observation, Prop, SystemId,
    end_of, line, metadata, title, tool,
};
use crate::acceptance::{Acceptance, AcceptanceState, Target};
use crate::analysis::ItemView;
use crate::model::{Item, ItemStatus};

/// The document: `{"plan-of-action-and-milestones": ...}`.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct PoamDocument {
    /// The POA&M.
    #[serde(rename = "plan-of-action-and-milestones")]
    pub(crate) poam: Poam,
}

/// A plan of action and milestones.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) struct Poam {
    /// Its UUID.
    pub(crate) uuid: String,
    /// Metadata.
    pub(crate) metadata: Metadata,
    /// The system.
    pub(crate) system_id: SystemId,
    /// The comply component (the risks' characterisation origin).
    pub(crate) local_definitions: LocalDefinitions,
    /// Observations of the items' evidence.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) observations: Vec<Observation>,
    /// One risk per item.
    pub(crate) risks: Vec<Risk>,
    /// One poam-item per item.
    pub(crate) poam_items: Vec<PoamItem>,
    /// The evidence files with their hashes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) back_matter: Option<BackMatter>,
}

/// A backlog item.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) struct PoamItem {
    /// Its UUID.
    pub(crate) uuid: String,
    /// The item's title.
    pub(crate) title: String,
    /// The item's summary, else its title.
    pub(crate) description: String,
    /// Comply properties: id, framework, owner, status, controls, tags.
    pub(crate) props: Vec<Prop>,
    /// Its evidence.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) related_observations: Vec<RelatedObservation>,
    /// Its risk.
    pub(crate) related_risks: Vec<RelatedRisk>,
    /// The risk acceptance, when there is one: who, until when, why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) remarks: Option<String>,
}

/// A reference to an observation.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) struct RelatedObservation {
    /// The observation's UUID.
    pub(crate) observation_uuid: String,
}

/// A reference to a risk.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) struct RelatedRisk {
    /// The risk's UUID.
    pub(crate) risk_uuid: String,
}

/// The risk of a backlog item.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) struct Risk {
    /// Its UUID.
    pub(crate) uuid: String,
    /// The item's title.
    pub(crate) title: String,
    /// What the item is about.
    pub(crate) description: String,
    /// The risk level and the controls concerned.
    pub(crate) statement: String,
    /// Comply properties: the acceptance's approver and dates.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) props: Vec<Prop>,
    /// `open`, `remediating`, `deviation-approved` or `closed`.
    pub(crate) status: &'static str,
    /// The risk level, as comply set it.
    pub(crate) characterizations: Vec<Characterization>,
    /// The due date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) deadline: Option<String>,
    /// The checklist.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) remediations: Vec<Response>,
    /// What the files date: the acceptance, the item's completion.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) risk_log: Option<RiskLog>,
    /// Its evidence.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) related_observations: Vec<RelatedObservation>,
}

/// The dated events of a risk.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct RiskLog {
    /// The events, oldest first.
    pub(crate) entries: Vec<RiskLogEntry>,
}

/// One dated event: a risk accepted (from its approval to its expiry), or
/// an item done.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) struct RiskLogEntry {
    /// Its UUID.
    pub(crate) uuid: String,
    /// What happened.
    pub(crate) title: String,
    /// When it started.
    pub(crate) start: String,
    /// When it ended (an acceptance's expiry).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) end: Option<String>,
    /// The risk status it brought.
    pub(crate) status_change: &'static str,
}

/// Who characterised a risk, and how.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Characterization {
    /// comply.
    pub(crate) origin: Origin,
    /// The risk level.
    pub(crate) facets: Vec<Facet>,
}

/// Where a characterisation or a finding comes from.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Origin {
    /// The actors.
    pub(crate) actors: Vec<Actor>,
}

/// An actor: the comply tool.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) struct Actor {
    /// `tool`.
    #[serde(rename = "type")]
    pub(crate) kind: &'static str,
    /// The comply component's UUID.
    pub(crate) actor_uuid: String,
}

/// The comply tool as the origin of a statement.
pub(crate) fn comply_origin(ids: &Ids) -> Origin {
    Origin {
        actors: vec![Actor {
            kind: "tool",
            actor_uuid: ids.of("tool", "comply"),
        }],
    }
}

/// One facet of a risk.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Facet {
    /// `risk`.
    pub(crate) name: &'static str,
    /// comply's namespace.
    pub(crate) system: &'static str,
    /// The level: `low`, `medium`, `high`, `critical`.
    pub(crate) value: String,
}

/// A remediation: the item's checklist.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Response {
    /// Its UUID.
    pub(crate) uuid: String,
    /// `planned`, or `completed` when every step is ticked.
    pub(crate) lifecycle: &'static str,
    /// `Checklist`.
    pub(crate) title: &'static str,
    /// How many steps are ticked.
    pub(crate) description: String,
    /// One task per step.
    pub(crate) tasks: Vec<Task>,
}

/// A checklist step.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Task {
    /// Its UUID.
    pub(crate) uuid: String,
    /// `action`.
    #[serde(rename = "type")]
    pub(crate) kind: &'static str,
    /// The step.
    pub(crate) title: String,
    /// `done`: `true` or `false`.
    pub(crate) props: Vec<Prop>,
}

/// The POA&M of the backlog; `None` when the backlog is empty (a POA&M has
/// at least one item).
pub(crate) fn poam(input: &Input) -> Option<PoamDocument> {
    let Input {
        repo,
        analysis,
        facts,
    } = *input;
    let ids = Ids::new(&facts.system);
    let mut evidence = Evidence::new(facts, &ids);
    let by_id: HashMap<&str, &Item> = repo.items.iter().map(|i| (i.id.as_str(), i)).collect();
    let acceptances = acceptances_by_item(&analysis.gate.acceptances);
    let mut risks = Vec::new();
    let mut items = Vec::new();
    for view in analysis
        .items
        .iter()
        .filter(|i| i.kind == crate::analysis::gate::SubjectKind::Item)
    {
        let Some(item) = by_id.get(view.id.as_str()).copied() else {
            continue;
        };
        let observed = evidence.observe(&format!("item/{}", item.id), &view.evidence);
        let related: Vec<RelatedObservation> = observed
            .into_iter()
            .map(|observation_uuid| RelatedObservation { observation_uuid })
            .collect();
        let acceptance = acceptances.get(item.id.as_str()).copied();
        let risk = risk(item, view, acceptance, &ids, related.clone());
        items.push(PoamItem {
            uuid: ids.of("poam-item", &item.id),
            title: line(&item.title, &item.id),
            description: description(item),
            props: item_props(item, view),
            related_observations: related,
            related_risks: vec![RelatedRisk {
                risk_uuid: risk.uuid.clone(),
            }],
            remarks: acceptance.map(|a| {
                format!(
                    "Risk accepted by {} on {} until {} ({}): {}",
                    a.approved_by, a.approved_on, a.expires, a.state, a.reason
                )
            }),
        });
        risks.push(risk);
    }
    if items.is_empty() {
        return None;
    }
    let back_matter = evidence.back_matter();
    Some(PoamDocument {
        poam: Poam {
            uuid: ids.of("poam", &facts.system),
            metadata: metadata(
                title("Plan of action and milestones", &facts.system),
                facts,
                &ids,
                &repo.config.owners,
            ),
            system_id: SystemId {
                identifier_type: super::NS,
                id: line(&facts.system, "-"),
            },
            local_definitions: tool(&ids),
            observations: evidence.observations,
            risks,
            poam_items: items,
            back_matter,
        },
    })
}

/// The acceptance that speaks for each item: the first in force, else the
/// last written.
fn acceptances_by_item(acceptances: &[Acceptance]) -> HashMap<&str, &Acceptance> {
    let mut by_item: HashMap<&str, &Acceptance> = HashMap::new();
    for acceptance in acceptances {
        let Target::Item { id } = &acceptance.subject else {
            continue;
        };
        let kept = by_item.entry(id.as_str()).or_insert(acceptance);
        if !kept.state.in_force() {
            *kept = acceptance;
        }
    }
    by_item
}

fn description(item: &Item) -> String {
    item.summary
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or(&item.title)
        .to_string()
}

fn item_props(item: &Item, view: &ItemView) -> Vec<Prop> {
    let mut props = vec![
        Prop::comply("id", &item.id),
        Prop::comply("framework", &item.framework),
        Prop::comply("status", item.status.to_string()),
        Prop::comply("state", view.state.to_string()),
    ];
    if let Some(owner) = &item.owner {
        props.push(Prop::comply("owner", owner));
    }
    if let Some(done) = item.done {
        props.push(Prop::comply("done", done.to_string()));
    }
    props.extend(item.controls.iter().map(|c| Prop::comply("control", &c.id)));
    props.extend(item.tags.iter().map(|t| Prop::comply("tag", t)));
    props
}

/// The OSCAL risk status of an item: closed when done or won't do, else
/// `deviation-approved` under an acceptance in force, else `remediating`
/// once work started, else `open`.
fn status(item: &Item, acceptance: Option<&Acceptance>) -> &'static str {
    if item.status.is_closed() {
        "closed"
    } else if acceptance.is_some_and(|a| a.state.in_force()) {
        "deviation-approved"
    } else if matches!(item.status, ItemStatus::InProgress | ItemStatus::Blocked) {
        "remediating"
    } else {
        "open"
    }
}

fn risk(
    item: &Item,
    view: &ItemView,
    acceptance: Option<&Acceptance>,
    ids: &Ids,
    related: Vec<RelatedObservation>,
) -> Risk {
    let controls: Vec<&str> = item.controls.iter().map(|c| c.id.as_str()).collect();
    let statement = if controls.is_empty() {
        format!("{} risk ({}).", item.risk, item.framework)
    } else {
        format!(
            "{} risk to {} {}.",
            item.risk,
            item.framework,
            controls.join(", ")
        )
    };
    let mut props = Vec::new();
    if let Some(a) = acceptance {
        props.push(Prop::comply("accepted-by", &a.approved_by));
        props.push(Prop::comply("accepted-on", a.approved_on.to_string()));
        props.push(Prop::comply("acceptance-expires", a.expires.to_string()));
        props.push(Prop::comply("acceptance-state", a.state.to_string()));
    }
    Risk {
        uuid: ids.of("risk", &item.id),
        title: line(&item.title, &item.id),
        description: description(item),
        statement,
        props,
        status: status(item, acceptance),
        characterizations: vec![Characterization {
            origin: comply_origin(ids),
            facets: vec![Facet {
                name: "risk",
                system: super::NS,
                value: item.risk.to_string(),
            }],
        }],
        deadline: view.due.map(end_of),
        remediations: remediation(item, ids).into_iter().collect(),
        risk_log: risk_log(item, acceptance, ids),
        related_observations: related,
    }
}

/// The risk log from what the files date: the acceptance's approval
/// (`deviation-approved`, ending at its expiry) and the item's `done` date
/// (`closed`), oldest first; `None` when neither is there. An acceptance
/// approved to start later has not happened yet and is not logged.
fn risk_log(item: &Item, acceptance: Option<&Acceptance>, ids: &Ids) -> Option<RiskLog> {
    let mut entries = Vec::new();
    if let Some(a) = acceptance.filter(|a| a.state != AcceptanceState::Pending) {
        entries.push(RiskLogEntry {
            uuid: ids.of(
                "risk-log",
                &format!("{}/accepted/{}", item.id, a.approved_on),
            ),
            title: line(
                &format!("Risk accepted by {}", a.approved_by),
                "Risk accepted",
            ),
            start: super::midnight(a.approved_on),
            end: Some(end_of(a.expires)),
            status_change: "deviation-approved",
        });
    }
    if let Some(done) = item.done.filter(|_| item.status.is_closed()) {
        entries.push(RiskLogEntry {
            uuid: ids.of("risk-log", &format!("{}/closed/{done}", item.id)),
            title: format!("Item {}", item.status),
            start: super::midnight(done),
            end: None,
            status_change: "closed",
        });
    }
    entries.sort_by(|a, b| a.start.cmp(&b.start));
    (!entries.is_empty()).then_some(RiskLog { entries })
}

fn remediation(item: &Item, ids: &Ids) -> Option<Response> {
    if item.checklist.is_empty() {
        return None;
    }
    let done = item.checklist.iter().filter(|s| s.done).count();
    let total = item.checklist.len();
    Some(Response {
        uuid: ids.of("remediation", &item.id),
        lifecycle: if done == total {
            "completed"
        } else {
            "planned"
        },
        title: "Checklist",
        description: format!("{done} of {total} steps done."),
        tasks: item
            .checklist
            .iter()
            .enumerate()
            .map(|(n, step)| Task {
                uuid: ids.of("task", &format!("{}/{n}", item.id)),
                kind: "action",
                title: line(&step.task, "-"),
                props: vec![Prop::comply("done", step.done.to_string())],
            })
            .collect(),
    })
}
