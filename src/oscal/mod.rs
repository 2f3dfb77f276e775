//! OSCAL (NIST's Open Security Controls Assessment Language) documents as
//! typed structures: the backlog as a plan of action and milestones
//! (`poam`), the gate's verdict as assessment results (`results`), and
//! catalogs read into control matrices (`catalog`). Rendering is pure: the
//! model, the analysis and the facts gathered by the command (evidence
//! hashes, the analysed commit's date) go in, a document comes out.
//!
//! Identifiers are UUID v5 in a namespace of the repository, so exporting
//! twice gives the same document; see [`Ids`].

pub(crate) mod catalog;
pub(crate) mod poam;
pub(crate) mod results;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;
use uuid::Uuid;

use crate::analysis::gate::SubjectKind;
use crate::analysis::{Analysis, EvidenceView};
use crate::evidence::EvidenceMap;
use crate::model::{Owner, Repository};

/// The OSCAL version the documents are written against.
pub(crate) const OSCAL_VERSION: &str = "1.1.3";

/// The namespace of comply's own properties (`ns` of a prop).
pub(crate) const NS: &str = "https://github.com/comply-tools/comply/ns/oscal";

/// What an export is made of besides the model and the analysis.
pub(crate) struct Facts<'a> {
    /// The system's name: `name` of comply.yaml, else the root's name.
    pub(crate) system: String,
    /// When the analysed state was last changed: the analysed commit's
    /// date, or the as-of date's midnight UTC without git.
    pub(crate) last_modified: String,
    /// The document's version: the analysed commit (`+dirty.` and a
    /// fingerprint when files comply reads differ from it), else the as-of
    /// date.
    pub(crate) version: String,
    /// How many files comply reads differ from the analysed commit.
    pub(crate) uncommitted: usize,
    /// Why git history is unavailable (a shallow clone, no git), when it is:
    /// evidence then has no last commit.
    pub(crate) history_unknown: Option<String>,
    /// The states and covered files of every evidence path.
    pub(crate) evidence: &'a EvidenceMap,
    /// SHA-256 (lower-case hex) of every evidence file, by path.
    pub(crate) hashes: &'a BTreeMap<String, String>,
}

/// Stable identifiers: UUID v5 of `kind/id` in the namespace of the system
/// (UUID v5 of `comply:` and the system's name in the URL namespace).
pub(crate) struct Ids {
    namespace: Uuid,
}

impl Ids {
    /// The identifiers of `system`.
    pub(crate) fn new(system: &str) -> Ids {
        Ids {
            namespace: Uuid::new_v5(&Uuid::NAMESPACE_URL, format!("comply:{system}").as_bytes()),
        }
    }

    /// The UUID of the thing of `kind` named `id`.
    pub(crate) fn of(&self, kind: &str, id: &str) -> String {
        Uuid::new_v5(&self.namespace, format!("{kind}/{id}").as_bytes()).to_string()
    }
}

/// One line of text, as OSCAL's strings want it: whitespace runs made one
/// space, trimmed; `fallback` when nothing is left.
pub(crate) fn line(text: &str, fallback: &str) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if joined.is_empty() {
        fallback.to_string()
    } else {
        joined
    }
}

/// A finding's target: an OSCAL token (an XML NCName) that names one
/// subject of the gate and no other. `KIND__FRAMEWORK__ID` for controls
/// (`control__iso27001__A.5.24`), `KIND__ID` for items, reviews and
/// acceptances (whose ids are the repository's own), with `__N` for the
/// N-th acceptance of one target from the second on. In the framework and
/// the id, every character but ASCII letters, digits, `.` and `-` is
/// `_` and its UTF-8 bytes in hex (`/` is `_2F`, `_` is `_5F`), so no two
/// subjects share a target and `__` only ever separates.
pub(crate) fn subject_token(kind: SubjectKind, framework: &str, id: &str, nth: usize) -> String {
    let mut token = kind.to_string();
    let mut part = |text: &str| {
        token.push_str("__");
        let mut buffer = [0; 4];
        for c in text.chars() {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-') {
                token.push(c);
            } else {
                for byte in c.encode_utf8(&mut buffer).bytes() {
                    let _ = write!(token, "_{byte:02X}");
                }
            }
        }
    };
    if kind == SubjectKind::Control {
        part(framework);
    }
    part(id);
    if nth > 1 {
        let _ = write!(token, "__{nth}");
    }
    token
}

/// A relative URI reference to the repository file `path`: every byte
/// but unreserved ones (letters, digits, `-._~`) and the `/` between
/// segments percent-encoded, so `a#b.md`, `q?x.md`, `pct%20.md`, spaces,
/// back-slashes, `:` and non-ASCII names all point at the file itself.
pub(crate) fn href(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// The metadata every document starts with.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) struct Metadata {
    /// The document's title.
    pub(crate) title: String,
    /// When the content last changed.
    pub(crate) last_modified: String,
    /// The document's version.
    pub(crate) version: String,
    /// The OSCAL version.
    pub(crate) oscal_version: &'static str,
    /// Comply properties: how many files differ from the commit.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) props: Vec<Prop>,
    /// Roles parties play.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) roles: Vec<Role>,
    /// People and teams.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) parties: Vec<Party>,
    /// Which parties play which role.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) responsible_parties: Vec<ResponsibleParty>,
}

/// A role.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Role {
    /// Its token.
    pub(crate) id: &'static str,
    /// Its name.
    pub(crate) title: &'static str,
}

/// A person or an organisation.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) struct Party {
    /// Its UUID.
    pub(crate) uuid: String,
    /// `person` or `organization`.
    #[serde(rename = "type")]
    pub(crate) kind: &'static str,
    /// Its name.
    pub(crate) name: String,
    /// Email addresses.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) email_addresses: Vec<String>,
    /// The teams a person belongs to.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) member_of_organizations: Vec<String>,
}

/// The parties that play a role.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) struct ResponsibleParty {
    /// The role.
    pub(crate) role_id: &'static str,
    /// The parties.
    pub(crate) party_uuids: Vec<String>,
}

/// A name-value property.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Prop {
    /// Its name (a token).
    pub(crate) name: &'static str,
    /// Its namespace: comply's, or none for OSCAL's own names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) ns: Option<&'static str>,
    /// Its value (one line).
    pub(crate) value: String,
}

impl Prop {
    /// A comply property.
    pub(crate) fn comply(name: &'static str, value: impl AsRef<str>) -> Prop {
        Prop {
            name,
            ns: Some(NS),
            value: line(value.as_ref(), "-"),
        }
    }
}

/// The document's attachments: one resource per evidence file.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct BackMatter {
    /// The resources.
    pub(crate) resources: Vec<Resource>,
}

/// An evidence file, with its hash.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Resource {
    /// Its UUID.
    pub(crate) uuid: String,
    /// The path.
    pub(crate) title: String,
    /// Where it is, with its hash.
    pub(crate) rlinks: Vec<Rlink>,
}

/// A link to a resource.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Rlink {
    /// The path relative to the repository root.
    pub(crate) href: String,
    /// Its hashes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) hashes: Vec<Hash>,
}

/// A content hash.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Hash {
    /// `SHA-256`.
    pub(crate) algorithm: &'static str,
    /// Lower-case hex.
    pub(crate) value: String,
}

/// An observation: what the evidence of an item or control showed.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) struct Observation {
    /// Its UUID.
    pub(crate) uuid: String,
    /// The evidence path.
    pub(crate) title: String,
    /// What was observed.
    pub(crate) description: String,
    /// Comply properties: the evidence state.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) props: Vec<Prop>,
    /// `EXAMINE`.
    pub(crate) methods: Vec<&'static str>,
    /// The files, pointing at their back-matter resources.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) relevant_evidence: Vec<RelevantEvidence>,
    /// When: the evidence's last commit, else the document's date.
    pub(crate) collected: String,
}

/// A piece of evidence of an observation.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct RelevantEvidence {
    /// `#` and the resource's UUID, when the file exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) href: Option<String>,
    /// The file, or why there is none.
    pub(crate) description: String,
}

/// A component (here only comply itself, the tool that characterised the
/// risks).
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Component {
    /// Its UUID.
    pub(crate) uuid: String,
    /// `software`.
    #[serde(rename = "type")]
    pub(crate) kind: &'static str,
    /// Its name.
    pub(crate) title: &'static str,
    /// What it is.
    pub(crate) description: &'static str,
    /// Its state.
    pub(crate) status: ComponentStatus,
}

/// A component's state.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct ComponentStatus {
    /// `operational`.
    pub(crate) state: &'static str,
}

/// Local definitions: the comply component.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct LocalDefinitions {
    /// The components.
    pub(crate) components: Vec<Component>,
}

/// The comply tool as a component.
pub(crate) fn tool(ids: &Ids) -> LocalDefinitions {
    LocalDefinitions {
        components: vec![Component {
            uuid: ids.of("tool", "comply"),
            kind: "software",
            title: "comply",
            description: "The compliance-as-code tool that analysed the repository.",
            status: ComponentStatus {
                state: "operational",
            },
        }],
    }
}

/// The role of owners of backlog items and controls.
pub(crate) const OWNER_ROLE: &str = "owner";

/// Metadata with the owners of comply.yaml as parties (teams as
/// organisations) in the `owner` role.
pub(crate) fn metadata(title: String, facts: &Facts, ids: &Ids, owners: &[Owner]) -> Metadata {
    let mut teams: Vec<&str> = owners.iter().filter_map(|o| o.team.as_deref()).collect();
    teams.sort_unstable();
    teams.dedup();
    let mut parties: Vec<Party> = owners
        .iter()
        .map(|owner| Party {
            uuid: ids.of("party", &owner.name),
            kind: "person",
            name: line(&owner.name, "-"),
            email_addresses: owner.email.iter().map(|e| line(e, "-")).collect(),
            member_of_organizations: owner.team.iter().map(|team| ids.of("team", team)).collect(),
        })
        .collect();
    parties.extend(teams.iter().map(|team| Party {
        uuid: ids.of("team", team),
        kind: "organization",
        name: line(team, "-"),
        email_addresses: Vec::new(),
        member_of_organizations: Vec::new(),
    }));
    let has_owners = !owners.is_empty();
    Metadata {
        title,
        last_modified: facts.last_modified.clone(),
        version: facts.version.clone(),
        oscal_version: OSCAL_VERSION,
        props: match facts.uncommitted {
            0 => Vec::new(),
            n => vec![Prop::comply("uncommitted-files", n.to_string())],
        },
        roles: if has_owners {
            vec![Role {
                id: OWNER_ROLE,
                title: "Owner",
            }]
        } else {
            Vec::new()
        },
        responsible_parties: if has_owners {
            vec![ResponsibleParty {
                role_id: OWNER_ROLE,
                party_uuids: owners.iter().map(|o| ids.of("party", &o.name)).collect(),
            }]
        } else {
            Vec::new()
        },
        parties,
    }
}

/// Most files one observation lists (a folder or glob may cover
/// thousands); the rest are counted in one last entry.
pub(crate) const MAX_FILES_PER_OBSERVATION: usize = 100;

/// Most file links (`relevant-evidence` pointing at a resource) in one
/// document: past it, observations list no file and say why. Bounds the
/// document where the same big folder is the evidence of many items (1,000
/// items of a 5,000-file folder made 699 MB).
pub(crate) const MAX_FILE_LINKS: usize = 200_000;

/// Observations of evidence and the back-matter resources of its files,
/// gathered while a document is built.
pub(crate) struct Evidence<'a> {
    facts: &'a Facts<'a>,
    ids: &'a Ids,
    /// File links made so far.
    links: usize,
    /// Observations in the order made.
    pub(crate) observations: Vec<Observation>,
    /// Resources by path (each file once).
    resources: BTreeMap<String, Resource>,
    /// The UUIDs of the observations made.
    observed: std::collections::BTreeSet<String>,
}

impl<'a> Evidence<'a> {
    /// Nothing gathered yet.
    pub(crate) fn new(facts: &'a Facts<'a>, ids: &'a Ids) -> Evidence<'a> {
        Evidence {
            facts,
            ids,
            links: 0,
            observations: Vec::new(),
            resources: BTreeMap::new(),
            observed: std::collections::BTreeSet::new(),
        }
    }

    /// Observes the evidence of the thing `owner` (`item/ID`,
    /// `control/FW/ID`); the observations' UUIDs, each once: a path written
    /// twice, or a thing observed again, names the observation already made
    /// (a UUID is defined once per document).
    pub(crate) fn observe(&mut self, owner: &str, evidence: &[EvidenceView]) -> Vec<String> {
        let mut uuids: Vec<String> = Vec::with_capacity(evidence.len());
        for entry in evidence {
            let uuid = self
                .ids
                .of("observation", &format!("{owner}/{}", entry.path));
            if !uuids.contains(&uuid) {
                if self.observed.insert(uuid.clone()) {
                    self.observe_one(uuid.clone(), entry);
                }
                uuids.push(uuid);
            }
        }
        uuids
    }

    fn observe_one(&mut self, uuid: String, entry: &EvidenceView) {
        let files = self
            .facts
            .evidence
            .get(&entry.path)
            .map(|s| s.files.as_slice())
            .unwrap_or_default();
        let hashed: Vec<(&String, &String)> = files
            .iter()
            .filter_map(|file| Some((file, self.facts.hashes.get(file)?)))
            .collect();
        let room = MAX_FILE_LINKS.saturating_sub(self.links);
        let listed = hashed.len().min(MAX_FILES_PER_OBSERVATION).min(room);
        self.links += listed;
        let mut relevant = Vec::new();
        for &(file, sha) in &hashed[..listed] {
            let resource = self
                .resources
                .entry(file.clone())
                .or_insert_with(|| Resource {
                    uuid: self.ids.of("evidence-file", file),
                    title: line(file, "-"),
                    rlinks: vec![Rlink {
                        href: href(file),
                        hashes: vec![Hash {
                            algorithm: "SHA-256",
                            value: sha.clone(),
                        }],
                    }],
                });
            relevant.push(RelevantEvidence {
                href: Some(format!("#{}", resource.uuid)),
                description: line(file, "-"),
            });
        }
        let left = hashed.len() - listed;
        if left > 0 {
            let why = if listed < hashed.len().min(MAX_FILES_PER_OBSERVATION) {
                format!("the document lists at most {MAX_FILE_LINKS} file links")
            } else {
                format!("an observation lists at most {MAX_FILES_PER_OBSERVATION} files")
            };
            relevant.push(RelevantEvidence {
                href: None,
                description: format!(
                    "{left} more {} not listed: {why}",
                    crate::text::plural(left, "file")
                ),
            });
        } else if relevant.is_empty() {
            relevant.push(RelevantEvidence {
                href: None,
                description: format!("no file: the evidence is {}", entry.state),
            });
        }
        let mut props = vec![Prop::comply("evidence-state", entry.state.to_string())];
        if let Some(change) = &entry.last_change {
            props.push(Prop::comply("last-commit", &change.commit));
        }
        if entry.uncommitted {
            props.push(Prop::comply("uncommitted", "true"));
        }
        let mut described = match &entry.note {
            Some(note) => format!("Evidence `{}` ({}): {note}", entry.path, entry.state),
            None => format!("Evidence `{}` ({}).", entry.path, entry.state),
        };
        if let (None, Some(why)) = (&entry.last_change, &self.facts.history_unknown) {
            props.push(Prop::comply("history", "unavailable"));
            let _ = write!(
                described,
                " Its last commit is unknown ({why}); `collected` is the document's date."
            );
        }
        self.observations.push(Observation {
            uuid,
            title: line(&entry.path, "-"),
            description: described,
            props,
            methods: vec!["EXAMINE"],
            relevant_evidence: relevant,
            collected: entry
                .last_change
                .as_ref()
                .map_or_else(|| self.facts.last_modified.clone(), |c| midnight(c.date)),
        });
    }

    /// The back matter: every observed file, by path; `None` when there is
    /// none.
    pub(crate) fn back_matter(&mut self) -> Option<BackMatter> {
        let resources: Vec<Resource> = std::mem::take(&mut self.resources).into_values().collect();
        (!resources.is_empty()).then_some(BackMatter { resources })
    }
}

/// Midnight UTC of `day`, as an OSCAL date-time.
pub(crate) fn midnight(day: chrono::NaiveDate) -> String {
    format!("{day}T00:00:00Z")
}

/// The end of `day` in UTC, as an OSCAL date-time (a deadline).
pub(crate) fn end_of(day: chrono::NaiveDate) -> String {
    format!("{day}T23:59:59Z")
}

/// The title of an exported document.
fn title(what: &str, system: &str) -> String {
    line(&format!("{what}: {system}"), what)
}

/// The system's id element.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) struct SystemId {
    /// Where the id comes from (comply's namespace).
    pub(crate) identifier_type: &'static str,
    /// The id.
    pub(crate) id: String,
}

/// The analysis and the model an export reads.
pub(crate) struct Input<'a> {
    /// The model.
    pub(crate) repo: &'a Repository,
    /// The analysis.
    pub(crate) analysis: &'a Analysis,
    /// The facts.
    pub(crate) facts: &'a Facts<'a>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_and_differ_by_system_and_kind() {
        let a = Ids::new("Acme");
        assert_eq!(a.of("item", "B-1"), Ids::new("Acme").of("item", "B-1"));
        assert_ne!(a.of("item", "B-1"), Ids::new("Other").of("item", "B-1"));
        assert_ne!(a.of("item", "B-1"), a.of("risk", "B-1"));
        assert_eq!(a.of("item", "B-1").as_bytes()[14], b'5');
    }

    #[test]
    fn hrefs_percent_encode_all_but_unreserved_and_slashes() {
        assert_eq!(href("evidence/a-b_c.~d.md"), "evidence/a-b_c.~d.md");
        assert_eq!(href("evidence/sp ace.md"), "evidence/sp%20ace.md");
        assert_eq!(href("evidence/a#b?c.md"), "evidence/a%23b%3Fc.md");
        assert_eq!(href("evidence/pct%20.md"), "evidence/pct%2520.md");
        assert_eq!(href("evidence/\u{fc}.md"), "evidence/%C3%BC.md");
        assert_eq!(href("c:/x\\y"), "c%3A/x%5Cy");
    }

    #[test]
    fn subject_tokens_are_one_per_subject() {
        let control = |fw, id| subject_token(SubjectKind::Control, fw, id, 1);
        assert_eq!(control("iso27001", "A.5.24"), "control__iso27001__A.5.24");
        assert_eq!(control("fw", "5.10"), "control__fw__5.10");
        assert_ne!(control("fw", "1"), control("fw2", "1"));
        let ids = ["a/b", "a_b", "a@b", "a_2Fb", "\u{e9}"];
        let tokens: std::collections::HashSet<String> =
            ids.iter().map(|id| control("fw", id)).collect();
        assert_eq!(tokens.len(), ids.len(), "{tokens:?}");
        assert_eq!(control("fw", "a_b"), "control__fw__a_5Fb");
        assert_eq!(control("fw", "\u{e9}"), "control__fw___C3_A9");
        assert_eq!(
            subject_token(SubjectKind::Item, "fw", "B-1", 1),
            "item__B-1"
        );
        assert_ne!(
            control("fw", "B-1"),
            subject_token(SubjectKind::Item, "fw", "B-1", 1)
        );
        assert_eq!(
            subject_token(SubjectKind::Acceptance, "", "fw:C1", 2),
            "acceptance__fw_3AC1__2"
        );
    }

    #[test]
    fn a_document_lists_at_most_its_file_links() {
        use crate::evidence::{EvidenceState, EvidenceStatus};
        let files: Vec<String> = (0..MAX_FILES_PER_OBSERVATION)
            .map(|i| format!("e/f{i:03}"))
            .collect();
        let hashes: BTreeMap<String, String> = files
            .iter()
            .map(|f| (f.clone(), "00".to_string()))
            .collect();
        let status = EvidenceStatus {
            state: EvidenceState::Present,
            files,
            ..EvidenceStatus::default()
        };
        let evidence: EvidenceMap = [("e/".to_string(), status)].into_iter().collect();
        let facts = Facts {
            system: "s".to_string(),
            last_modified: "2026-01-01T00:00:00Z".to_string(),
            version: "v".to_string(),
            uncommitted: 0,
            history_unknown: None,
            evidence: &evidence,
            hashes: &hashes,
        };
        let ids = Ids::new("s");
        let mut gathered = Evidence::new(&facts, &ids);
        let view = EvidenceView {
            path: "e/".to_string(),
            note: None,
            state: EvidenceState::Present,
            detail: None,
            last_change: None,
            uncommitted: false,
            max_age_days: None,
            from: None,
        };
        // Enough items naming the folder to pass the cap, and one more.
        let full = MAX_FILE_LINKS / MAX_FILES_PER_OBSERVATION;
        for i in 0..=full {
            gathered.observe(&format!("item/I-{i}"), std::slice::from_ref(&view));
        }
        let links = |o: &Observation| {
            o.relevant_evidence
                .iter()
                .filter(|r| r.href.is_some())
                .count()
        };
        let total: usize = gathered.observations.iter().map(links).sum();
        assert_eq!(total, MAX_FILE_LINKS);
        let last = gathered.observations.last().expect("observed");
        assert_eq!(links(last), 0);
        assert_eq!(
            last.relevant_evidence[0].description,
            format!(
                "{MAX_FILES_PER_OBSERVATION} more files not listed: the document lists at most \
                 {MAX_FILE_LINKS} file links"
            )
        );
    }

    #[test]
    fn lines_fit_oscal() {
        assert_eq!(line("  two\n lines ", "x"), "two lines");
        assert_eq!(line(" \n", "x"), "x");
    }
}
