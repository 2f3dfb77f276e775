//! The files comply reads and `comply import` writes, one type per file kind
//! and per nested entry. Each type decodes itself from a YAML tree (through
//! `decode::Table`, so its decode function is its field list), serialises
//! as the file is written, and generates the JSON Schema (`schema`). The
//! model is built from these types.
//!
//! Adding a field means adding it to its type, to the type's `decode` and,
//! when the model needs it, to the type's `into_model`.

mod backlog;
mod exceptions;
mod mappings;
mod matrix;
mod reviews;
mod settings;

use schemars::JsonSchema;
use serde::{Serialize, Serializer};

use crate::date::Span;
use crate::decode::Decoder;
pub(crate) use crate::decode::Spanned;
use crate::model::{
    Cadence, Config, Due, Evidence, Exception, Framework, Item, Mapping, Review, Word,
};
use crate::yaml::{Node, Value};

pub(crate) use backlog::{BacklogFile, ItemEntry};
pub(crate) use exceptions::ExceptionsFile;
pub(crate) use mappings::{MappingEntry, MappingsFile};
pub(crate) use matrix::{ControlEntry, MatrixFile};
pub(crate) use reviews::{ReviewEntry, ReviewsFile};
pub(crate) use settings::ConfigFile;

/// Whether a framework id may name a file: lower-case letters, digits,
/// `-` and `_`, at most 40 characters.
pub(crate) fn valid_framework(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 40
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && id.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
}

/// The decoder's entry points, one per file kind: the file type decoded and
/// turned into the model.
impl Decoder<'_> {
    /// Decodes `comply.yaml`. Problems leave the default in place.
    pub(crate) fn config(&mut self, node: &Node) -> Config {
        if node.value == Value::Null {
            return Config::default();
        }
        ConfigFile::decode(self, node).map_or_else(Config::default, ConfigFile::into_model)
    }

    /// Decodes a control matrix file.
    pub(crate) fn matrix(&mut self, node: &Node) -> Option<Framework> {
        MatrixFile::decode(self, node).map(|file| file.into_model(self))
    }

    /// Decodes a backlog file into its items.
    pub(crate) fn backlog(&mut self, node: &Node) -> Vec<Item> {
        BacklogFile::decode(self, node).map_or_else(Vec::new, |file| file.into_model(self))
    }

    /// Decodes a reviews file.
    pub(crate) fn reviews(&mut self, node: &Node) -> Vec<Review> {
        ReviewsFile::decode(self, node).map_or_else(Vec::new, |file| file.into_model(self))
    }

    /// Decodes a mappings file.
    pub(crate) fn mappings(&mut self, node: &Node) -> Vec<Mapping> {
        MappingsFile::decode(self, node).map_or_else(Vec::new, |file| file.into_model(self))
    }

    /// Decodes an exceptions file.
    pub(crate) fn exceptions(&mut self, node: &Node) -> Vec<Exception> {
        ExceptionsFile::decode(self, node).map_or_else(Vec::new, |file| file.into_model(self))
    }
}

word_enum! {
    /// The kinds of file comply reads, by the name `comply schema` takes.
    FileKind {
        /// `comply.yaml`.
        Config = "config",
        /// A control matrix under `controls/`.
        Controls = "controls",
        /// A backlog under `backlog/`.
        Backlog = "backlog",
        /// Recurring activities under `reviews/`.
        Reviews = "reviews",
        /// Risk acceptances under `exceptions/`.
        Exceptions = "exceptions",
        /// Control mappings under `mappings/`.
        Mappings = "mappings",
    }
}

impl FileKind {
    /// The directory that holds files of this kind (`None` for
    /// `comply.yaml`): the kind's own word.
    pub(crate) fn directory(self) -> Option<&'static str> {
        (self != FileKind::Config).then_some(self.as_str())
    }

    /// The directories comply reads (`controls`, `backlog`, `reviews`,
    /// `exceptions`, `mappings`), in order.
    pub(crate) fn directories() -> impl Iterator<Item = &'static str> {
        Self::WORDS
            .iter()
            .filter_map(|word| word.parse::<FileKind>().ok()?.directory())
    }

    /// The kind of the files under the top-level directory `name`.
    pub(crate) fn in_directory(name: &str) -> Option<FileKind> {
        name.parse().ok().filter(|kind| *kind != FileKind::Config)
    }
}

/// An id or reference: YAML may read `5.10` as a number, comply reads it as
/// the text `5.10`, so both are accepted.
#[derive(JsonSchema)]
#[serde(untagged)]
#[expect(dead_code, reason = "a shape of the schema, never built")]
pub(crate) enum Id {
    /// Text: one word, no space, `:` or control character (as validate
    /// checks).
    Text(#[schemars(regex(pattern = r"^[^\s:\u0000-\u001f\u007f]+$"))] String),
    /// A number, read as its text.
    Number(f64),
}

/// `YYYY-MM-DD`.
#[derive(JsonSchema)]
#[expect(dead_code, reason = "a shape of the schema, never built")]
pub(crate) struct Date(
    #[schemars(regex(pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"))] String,
);

/// A date, or `TBD` for unscheduled.
#[derive(JsonSchema)]
#[expect(dead_code, reason = "a shape of the schema, never built")]
pub(crate) struct DueDate(
    #[schemars(regex(
        pattern = r"^([0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])|[Tt][Bb][Dd])$"
    ))]
    String,
);

/// One value, or a list of them (a single value is read as a list of one).
#[derive(JsonSchema)]
#[serde(untagged)]
#[expect(dead_code, reason = "a shape of the schema, never built")]
pub(crate) enum OneOrMany<T> {
    /// One value.
    One(T),
    /// A list.
    Many(Vec<T>),
}

/// How often a recurring activity comes round.
#[derive(JsonSchema)]
#[serde(untagged)]
#[expect(dead_code, reason = "a shape of the schema, never built")]
pub(crate) enum CadenceEntry {
    /// A word (`monthly`, `quarterly`, `biannual`, `annual` and their
    /// synonyms) or `every N days`, as the decoder reads them.
    Word(#[schemars(pattern(crate::decode::cadence_pattern()))] String),
    /// `{every: N}` days.
    Every(EveryDays),
}

/// `{every: N}`.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[expect(dead_code, reason = "a shape of the schema, never built")]
pub(crate) struct EveryDays {
    /// Days between two occurrences.
    #[schemars(range(min = 1, max = 3660))]
    every: u32,
}

/// A due date as written: the date, or `TBD`.
impl Serialize for Due {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Due::On(date) => serializer.collect_str(date),
            Due::Unscheduled => serializer.serialize_str("TBD"),
        }
    }
}

/// A cadence as written: `quarterly`, `every 7 days`.
impl Serialize for Cadence {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// An evidence entry: a path, or a path with a note and an age limit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(untagged)]
pub(crate) enum EvidenceEntry {
    /// A file, a directory or a glob, relative to the root.
    Path(String),
    /// The same with details.
    Detailed(EvidenceDetails),
}

/// An evidence entry written as a mapping: `path` or `pattern`, one of
/// them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("oneOf" = [{"required": ["path"]}, {"required": ["pattern"]}]))]
pub(crate) struct EvidenceDetails {
    /// A file, a directory or a glob, relative to the root (or `pattern`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) path: Option<String>,
    /// For recurring work: a path with `{period}` in it, one file or
    /// directory per period of the cadence (`evidence/reviews/{period}.md`
    /// stands for `2026-Q1.md`, `2026-Q2.md`, ...); instead of `path`.
    #[schemars(regex(pattern = r"\{period\}"))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) pattern: Option<String>,
    /// The period the evidence covers (`2026-Q1`, `2026-03`, `2026`,
    /// `2026-03-15` or `{from, to}`), when it is not the period it was
    /// committed in.
    #[schemars(with = "Option<Covers>")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) covers: Option<Span>,
    /// What the evidence is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) note: Option<String>,
    /// Days after its last commit at which this entry goes stale.
    #[schemars(range(max = 3660))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) max_age_days: Option<u32>,
}

/// A period as `covers` and `audit_period` take it.
#[derive(JsonSchema)]
#[serde(untagged)]
#[expect(dead_code, reason = "a shape of the schema, never built")]
pub(crate) enum Covers {
    /// `2026`, `2026-H1`, `2026-Q1`, `2026-03` or `2026-03-15`.
    Name(
        #[schemars(regex(
            pattern = r"^[0-9]{4}(-(H[12]|Q[1-4]|0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$"
        ))]
        String,
    ),
    /// A year written as a number (`2026`).
    Year(#[schemars(range(min = 1000, max = 9999))] u32),
    /// From one day to another, both included.
    Days(DaySpan),
}

/// `{from, to}`: days, both included.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[expect(dead_code, reason = "a shape of the schema, never built")]
pub(crate) struct DaySpan {
    /// The first day.
    from: Date,
    /// The last day.
    to: Date,
}

impl EvidenceEntry {
    /// The entries of an `evidence` list; bad ones are reported and left out.
    pub(crate) fn decode_list(
        d: &mut Decoder,
        node: &Node,
        name: &str,
    ) -> Option<Vec<Spanned<EvidenceEntry>>> {
        Some(d.list(node, name, |d, node| {
            EvidenceEntry::decode(d, node).map(|value| Spanned {
                value,
                pos: node.pos,
            })
        }))
    }

    fn decode(d: &mut Decoder, node: &Node) -> Option<EvidenceEntry> {
        let entry = match &node.value {
            Value::Scalar(path) => EvidenceEntry::Path(path.to_string()),
            Value::Map(_) => {
                let mut th = d.table(node, "evidence entry")?;
                let path = th.string("path");
                let pattern = th.string("pattern");
                let covers = th.lenient("covers", Decoder::span);
                let note = th.string("note");
                let max_age_days = th.lenient("max_age_days", Decoder::days);
                th.finalize();
                match (&path, &pattern) {
                    (Some(_), Some(_)) | (None, None) => {
                        d.error(
                            crate::diag::Code::BadValue,
                            node.pos,
                            "an evidence entry takes `path` or `pattern`, one of them",
                        );
                        return None;
                    }
                    (None, Some(p)) if !p.contains(PERIOD) => {
                        d.error(
                            crate::diag::Code::BadValue,
                            node.pos,
                            format!("`pattern` must hold `{PERIOD}`; write `path` for one file"),
                        );
                        return None;
                    }
                    (None, Some(_)) if covers.is_some() => {
                        d.error(
                            crate::diag::Code::BadValue,
                            node.pos,
                            "`covers` does not go with `pattern`: each file covers its `{period}`",
                        );
                        return None;
                    }
                    _ => {}
                }
                EvidenceEntry::Detailed(EvidenceDetails {
                    path,
                    pattern,
                    covers,
                    note,
                    max_age_days,
                })
            }
            _ => {
                d.wrong_type(node, "a path or a mapping with `path` and `note`");
                return None;
            }
        };
        if entry.path().trim().is_empty() {
            d.error(crate::diag::Code::BadValue, node.pos, "empty evidence path");
            return None;
        }
        Some(entry)
    }

    /// The path, or the pattern, as written.
    fn path(&self) -> &str {
        match self {
            EvidenceEntry::Path(path) => path,
            EvidenceEntry::Detailed(details) => details
                .path
                .as_deref()
                .or(details.pattern.as_deref())
                .unwrap_or_default(),
        }
    }
}

/// The placeholder of an evidence `pattern`.
pub const PERIOD: &str = "{period}";

/// The glob a `pattern` stands for where evidence is resolved as a whole:
/// `*` for `{period}`, and where `{period}` names the last part, a file or
/// a directory of that name (`evidence/{period}/` and `evidence/{period}`
/// give `evidence/{*,*/**}`).
pub(crate) fn pattern_glob(pattern: &str) -> String {
    let trimmed = pattern.trim_end_matches('/');
    let (dir, last) = match trimmed.rsplit_once('/') {
        Some((dir, last)) => (format!("{}/", dir.replace(PERIOD, "*")), last),
        None => (String::new(), trimmed),
    };
    if last.contains(PERIOD) {
        let last = last.replace(PERIOD, "*");
        format!("{dir}{{{last},{last}/**}}")
    } else {
        trimmed.replace(PERIOD, "*")
    }
}

/// Evidence entries as the model holds them. A pattern stands, wherever
/// evidence is resolved as a whole, for the glob with `*` in place of
/// `{period}`: every period's file.
pub(crate) fn evidence(entries: Vec<Spanned<EvidenceEntry>>, d: &Decoder) -> Vec<Evidence> {
    entries
        .into_iter()
        .map(|entry| {
            let source = d.source(entry.pos);
            match entry.value {
                EvidenceEntry::Path(path) => Evidence {
                    path,
                    pattern: None,
                    covers: None,
                    note: None,
                    max_age_days: None,
                    source,
                },
                EvidenceEntry::Detailed(details) => Evidence {
                    path: match (details.path, &details.pattern) {
                        (Some(path), _) => path,
                        (None, Some(pattern)) => pattern_glob(pattern),
                        (None, None) => String::new(),
                    },
                    pattern: details.pattern,
                    covers: details.covers,
                    note: details.note,
                    max_age_days: details.max_age_days,
                    source,
                },
            }
        })
        .collect()
}

/// One checklist step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ChecklistStep {
    /// The step.
    pub(crate) task: String,
    /// Ticked (default false).
    #[schemars(with = "Option<bool>")]
    pub(crate) done: bool,
}

impl ChecklistStep {
    pub(crate) fn decode_list(d: &mut Decoder, node: &Node, name: &str) -> Option<Vec<Self>> {
        Some(d.list(node, name, |d, node| {
            let mut th = d.table(node, "checklist entry")?;
            let task = th.required_string("task");
            let done = th.optional("done", Decoder::flag);
            th.finalize();
            Some(ChecklistStep {
                task: task?.value,
                done: done?.unwrap_or(false),
            })
        }))
    }
}

#[cfg(test)]
mod tests {
    //! The field names are written twice, as the serde name of each field
    //! (so the schema and what `import` writes) and as the key each
    //! decoder takes from its `Table`. These tests decode one file of each
    //! kind with every nested table in it and compare, table by table, the
    //! keys the decoder asked for with the properties of the schema object
    //! the table fills: a renamed, added or forgotten key fails here.

    use std::collections::{BTreeMap, BTreeSet};
    use std::path::Path;

    use schemars::{JsonSchema, schema_for};

    use super::{BacklogFile, ConfigFile, ExceptionsFile, MappingsFile, MatrixFile, ReviewsFile};
    use crate::decode::{Decoder, cadence_pattern};
    use crate::yaml::Node;

    /// The schema object each table of the decoder fills (`""`: the root).
    const TABLES: &[(&str, &str)] = &[
        ("comply.yaml", ""),
        ("gate", "GateConfig"),
        ("import", "ImportConfig"),
        ("owner", "OwnerEntry"),
        ("control matrix", ""),
        ("control", "ControlEntry"),
        ("evidence entry", "EvidenceDetails"),
        ("checklist entry", "ChecklistStep"),
        ("backlog file", ""),
        ("item", "ItemEntry"),
        ("reviews file", ""),
        ("review", "ReviewEntry"),
        ("exceptions file", ""),
        ("risk acceptance", "ExceptionEntry"),
        ("mappings file", ""),
        ("mapping", "MappingEntry"),
        ("period", "DaySpan"),
    ];

    /// Schema objects read without a `Table`: `{every: N}` is read by
    /// `Decoder::cadence` as one key.
    const NOT_TABLES: &[&str] = &["EveryDays"];

    type Lists = BTreeMap<String, BTreeSet<String>>;

    /// The keys each table asked for, by the schema object it fills.
    fn decoded(text: &str, decode: impl FnOnce(&mut Decoder, &Node)) -> Lists {
        let node = crate::yaml::parse(text).unwrap_or_else(|e| panic!("{e:?}"));
        let mut d = Decoder::new(Path::new("file.yaml"));
        decode(&mut d, &node);
        let mut lists = Lists::new();
        for (what, asked) in &d.field_lists {
            let Some((_, object)) = TABLES.iter().find(|(w, _)| w == what) else {
                panic!("table `{what}` is missing from TABLES");
            };
            lists
                .entry((*object).to_string())
                .or_default()
                .extend(asked.iter().map(ToString::to_string));
        }
        lists
    }

    /// The properties of every object of the schema of `T`, by name.
    fn schema<T: JsonSchema>() -> Lists {
        let schema = schema_for!(T);
        let mut lists = Lists::new();
        let mut objects = vec![(String::new(), schema.as_value())];
        if let Some(defs) = schema.get("$defs").and_then(|d| d.as_object()) {
            objects.extend(defs.iter().map(|(name, def)| (name.clone(), def)));
        }
        for (name, object) in objects {
            if NOT_TABLES.contains(&name.as_str()) {
                continue;
            }
            if let Some(properties) = object.get("properties").and_then(|p| p.as_object()) {
                lists.insert(name, properties.keys().cloned().collect());
            }
        }
        lists
    }

    #[test]
    fn every_decoder_takes_the_keys_its_type_writes() {
        let cases = [
            (
                decoded(
                    "gate: {}\nowners: [{}]\nimport: {}\naudit_period: {}\n",
                    |d, n| {
                        d.config(n);
                    },
                ),
                schema::<ConfigFile>(),
            ),
            (
                decoded("controls: [{evidence: [{covers: {}}]}]\n", |d, n| {
                    d.matrix(n);
                }),
                schema::<MatrixFile>(),
            ),
            (
                decoded(
                    "items: [{evidence: [{covers: {}}], checklist: [{}]}]\n",
                    |d, n| {
                        d.backlog(n);
                    },
                ),
                schema::<BacklogFile>(),
            ),
            (
                decoded(
                    "reviews: [{evidence: [{covers: {}}], checklist: [{}]}]\n",
                    |d, n| {
                        d.reviews(n);
                    },
                ),
                schema::<ReviewsFile>(),
            ),
            (
                decoded("exceptions: [{}]\n", |d, n| {
                    d.exceptions(n);
                }),
                schema::<ExceptionsFile>(),
            ),
            (
                decoded("mappings: [{}]\n", |d, n| {
                    d.mappings(n);
                }),
                schema::<MappingsFile>(),
            ),
        ];
        for (decoder, schema) in cases {
            assert_eq!(decoder, schema);
        }
    }

    #[test]
    fn a_pattern_stands_for_its_files_and_directories() {
        assert_eq!(super::pattern_glob("e/{period}.md"), "e/{*.md,*.md/**}");
        assert_eq!(super::pattern_glob("e/{period}/"), "e/{*,*/**}");
        assert_eq!(super::pattern_glob("e/{period}"), "e/{*,*/**}");
        assert_eq!(super::pattern_glob("{period}"), "{*,*/**}");
        assert_eq!(super::pattern_glob("e/{period}/r.md"), "e/*/r.md");
    }

    #[test]
    fn the_cadence_schema_accepts_what_the_decoder_reads() {
        let pattern = regex::Regex::new(&cadence_pattern()).unwrap_or_else(|e| panic!("{e}"));
        let texts = [
            "monthly",
            "Monthly",
            " QUARTERLY ",
            "biannual",
            "biannually",
            "semiannual",
            "SemiAnnual",
            "annual",
            "annually",
            "yearly",
            "Yearly",
            "every 7 days",
            "every 1 day",
            "every 7",
            "every 7days",
            "Every  30 Days",
            "every +7 days",
            "every 007 days",
            "every 3660 days",
            "every 3661 days",
            "every 0 days",
            "every 10000 days",
            "every 7 daysdays",
            "every 7 dayday",
            "every 7 weeks",
            "every",
            "every  days",
            "weekly",
            "",
            "month",
            "monthlyy",
            "every 7 day days",
            "every\t7 days",
            "every -7 days",
        ];
        for text in texts {
            let yaml = format!("'{text}'\n");
            let node = crate::yaml::parse(&yaml).unwrap_or_else(|e| panic!("{e:?}"));
            let mut d = Decoder::new(Path::new("file.yaml"));
            let decoded = d.cadence(&node, "cadence").is_some();
            assert_eq!(pattern.is_match(text), decoded, "{text:?}");
        }
    }
}
