//! `comply.yaml`.

use schemars::JsonSchema;
use serde::{Serialize, Serializer};

use crate::date::Span;
use crate::decode::Decoder;
use crate::diag::Code;
use crate::model::{Config, Owner, Risk};
use crate::yaml::{Node, Value};

/// `comply.yaml`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "comply.yaml")]
pub(crate) struct ConfigFile {
    /// Display name of the repository, for titles.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) name: Option<String>,
    /// The CI gate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) gate: Option<GateConfig>,
    /// How many days ahead an open item counts as due soon (default 14).
    #[schemars(range(max = 3660))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) due_soon_days: Option<u32>,
    /// Evidence unchanged in git for longer is stale (default: never).
    #[schemars(range(max = 3660))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) max_age_days: Option<u32>,
    /// Longest risk acceptance, in days from approval to expiry (default 365).
    #[schemars(range(max = 3660))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) max_exception_days: Option<u32>,
    /// The audit period `comply audit` and `comply pack` look at (a
    /// period name such as `2026`, or `{from, to}`); `--period` overrides it.
    #[schemars(with = "Option<super::Covers>")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) audit_period: Option<Span>,
    /// Days after a period's end within which its evidence still counts as
    /// on time (default 14).
    #[schemars(range(max = 3660))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) audit_grace_days: Option<u32>,
    /// The people who own controls, items and reviews.
    #[schemars(with = "Option<Vec<OwnerEntry>>")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) owners: Vec<OwnerEntry>,
    /// Settings of `comply import`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) import: Option<ImportConfig>,
}

/// The `import` section of `comply.yaml`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ImportConfig {
    /// Heading words that name a framework, and its id (`Privacy: popia`).
    #[schemars(with = "Option<std::collections::BTreeMap<String, String>>")]
    #[serde(serialize_with = "word_map")]
    pub(crate) frameworks: Vec<(String, String)>,
}

fn word_map<S: Serializer>(words: &[(String, String)], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_map(words.iter().map(|(word, id)| (word, id)))
}

/// A declared owner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct OwnerEntry {
    /// The name used in `owner:` fields.
    pub(crate) name: String,
    /// E-mail address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) email: Option<String>,
    /// Team; `--owner TEAM` selects the team's members.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) team: Option<String>,
}

/// The `gate` section of `comply.yaml`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct GateConfig {
    /// The lowest risk at which an overdue item fails `comply check` (default high).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) fail_on: Option<Risk>,
}

impl ConfigFile {
    pub(crate) fn decode(d: &mut Decoder, node: &Node) -> Option<ConfigFile> {
        let mut th = d.table(node, "comply.yaml")?;
        let file = ConfigFile {
            name: th.string("name"),
            gate: th.lenient("gate", |d, node, _| {
                let mut th = d.table(node, "gate")?;
                let fail_on = th.lenient("fail_on", Decoder::word);
                th.finalize();
                Some(GateConfig { fail_on })
            }),
            due_soon_days: th.lenient("due_soon_days", Decoder::days),
            max_age_days: th.lenient("max_age_days", Decoder::days),
            max_exception_days: th.lenient("max_exception_days", Decoder::days),
            audit_period: th.lenient("audit_period", Decoder::audit_period),
            audit_grace_days: th.lenient("audit_grace_days", Decoder::days),
            owners: th.list("owners", |d, node, name| {
                Some(d.list(node, name, OwnerEntry::decode))
            }),
            import: th.lenient("import", |d, node, _| {
                let mut th = d.table(node, "import")?;
                let frameworks = th.list("frameworks", framework_words);
                th.finalize();
                Some(ImportConfig { frameworks })
            }),
        };
        th.finalize();
        Some(file)
    }

    /// The settings, with defaults for what is not set.
    pub(crate) fn into_model(self) -> Config {
        let default = Config::default();
        Config {
            name: self.name,
            fail_on: self.gate.and_then(|g| g.fail_on).unwrap_or(default.fail_on),
            due_soon_days: self.due_soon_days.unwrap_or(default.due_soon_days),
            max_age_days: self.max_age_days,
            max_exception_days: self
                .max_exception_days
                .unwrap_or(default.max_exception_days),
            audit_period: self.audit_period,
            audit_grace_days: self.audit_grace_days.unwrap_or(default.audit_grace_days),
            owners: self
                .owners
                .into_iter()
                .map(|o| Owner {
                    name: o.name,
                    email: o.email,
                    team: o.team,
                })
                .collect(),
            framework_words: self.import.map(|i| i.frameworks).unwrap_or_default(),
        }
    }
}

impl OwnerEntry {
    fn decode(d: &mut Decoder, node: &Node) -> Option<OwnerEntry> {
        let mut th = d.table(node, "owner")?;
        let name = th.required_string("name");
        let email = th.lenient("email", email);
        let team = th.string("team");
        th.finalize();
        // Blanks around a name are not part of it: owners elsewhere are
        // compared trimmed.
        Some(OwnerEntry {
            name: name?.value.trim().to_string(),
            email,
            team: team.map(|t| t.trim().to_string()),
        })
    }
}

/// An owner's e-mail address: a plain address (`name@example.org`), as
/// OSCAL's exports must hold. Anything else is a warning at its line and is
/// left out (the report and the exports show no address), so a repository
/// that wrote a display name keeps working.
fn email(d: &mut Decoder, node: &Node, name: &str) -> Option<String> {
    let value = d.string(node, name)?;
    if crate::text::is_email(&value) {
        return Some(value);
    }
    d.warn(
        Code::BadValue,
        node.pos,
        format!(
            "`{}` is not an e-mail address, so it is left out of the report and the exports \
             (write it as name@example.org, without a display name or spaces)",
            crate::text::inert(&value)
        ),
    );
    None
}

/// `import.frameworks` of `comply.yaml`: heading words and the framework
/// ids they name (`Privacy: popia`).
fn framework_words(d: &mut Decoder, node: &Node, _name: &str) -> Option<Vec<(String, String)>> {
    let Value::Map(entries) = &node.value else {
        d.wrong_type(node, "a mapping of words to framework ids");
        return None;
    };
    let mut words = Vec::new();
    for (key, value) in entries {
        let (Some(word), Some(id)) = (d.scalar(key, "a word"), d.scalar(value, "a framework id"))
        else {
            continue;
        };
        if super::valid_framework(id) {
            words.push((word.to_string(), id.to_string()));
        } else {
            d.error(
                Code::BadValue,
                value.pos,
                format!("`{id}` is not a framework id (lower-case letters, digits, - and _)"),
            );
        }
    }
    Some(words)
}
