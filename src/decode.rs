//! Decoding YAML trees into the model, collecting every problem on the way.
//!
//! Decoding never stops at the first problem: a bad field is reported and
//! skipped, a bad control or item is reported and left out, and the rest of
//! the file is still read. Each file kind lists its fields once, so unknown
//! keys get a "did you mean" hint from the same list.

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::date::parse_date;
use crate::diag::{Code, Diagnostic, Location, suggest};
use crate::model::{
    Cadence, ChecklistEntry, Config, Control, ControlStatus, Due, Evidence, Exception, Framework,
    Item, ItemStatus, Owner, Reference, Review, Risk, Source,
};
use crate::yaml::{Node, Pos, Value};

/// Keys of `comply.yaml`.
pub const CONFIG_FIELDS: &[&str] = &[
    "name",
    "gate",
    "due_soon_days",
    "max_age_days",
    "max_exception_days",
    "owners",
    "import",
];
/// Keys of the `import` section of `comply.yaml`.
pub const IMPORT_FIELDS: &[&str] = &["frameworks"];
/// Keys of a declared owner.
pub const OWNER_FIELDS: &[&str] = &["name", "email", "team"];
/// Top-level keys of a reviews file.
pub const REVIEWS_FILE_FIELDS: &[&str] = &["reviews"];
/// Keys of a review.
pub const REVIEW_FIELDS: &[&str] = &[
    "id",
    "title",
    "framework",
    "owner",
    "cadence",
    "evidence",
    "last_done",
    "risk",
];
/// Top-level keys of an exceptions file.
pub const EXCEPTIONS_FILE_FIELDS: &[&str] = &["exceptions"];
/// Keys of a risk acceptance.
pub const EXCEPTION_FIELDS: &[&str] =
    &["target", "reason", "approved_by", "approved_on", "expires"];
/// The words a cadence may be.
pub const CADENCE_WORDS: &[&str] = &["monthly", "quarterly", "biannual", "annual", "every N days"];
/// Keys of the `gate` section.
pub const GATE_FIELDS: &[&str] = &["fail_on"];
/// Top-level keys of a control matrix.
pub const MATRIX_FIELDS: &[&str] = &[
    "framework",
    "name",
    "description",
    "max_age_days",
    "controls",
];
/// Keys of a control.
pub const CONTROL_FIELDS: &[&str] = &[
    "id",
    "title",
    "status",
    "severity",
    "owner",
    "current",
    "target",
    "gap",
    "evidence",
    "backlog",
    "maps_to",
    "tags",
    "max_age_days",
    "cadence",
];
/// Top-level keys of a backlog file.
pub const BACKLOG_FIELDS: &[&str] = &["framework", "items"];
/// Keys of a backlog item.
pub const ITEM_FIELDS: &[&str] = &[
    "id",
    "title",
    "framework",
    "controls",
    "risk",
    "owner",
    "due",
    "status",
    "done",
    "summary",
    "evidence",
    "checklist",
    "tags",
    "max_age_days",
];
/// Keys of an evidence entry written as a mapping.
pub const EVIDENCE_FIELDS: &[&str] = &["path", "note", "max_age_days"];
/// Keys of a checklist step.
pub const CHECKLIST_FIELDS: &[&str] = &["task", "done"];

/// Collects diagnostics for one file.
pub struct Decoder<'a> {
    file: &'a Path,
    /// The file's name as every `Source` of it shares it.
    shared: Arc<str>,
    diagnostics: Vec<Diagnostic>,
    /// Problems past [`MAX_DIAGNOSTICS_PER_FILE`]: how many, and whether
    /// one was an error.
    dropped: (usize, bool),
}

/// Most problems kept for one file; the rest are counted in one last
/// diagnostic, so a file of a million bad entries cannot fill memory with
/// messages.
pub const MAX_DIAGNOSTICS_PER_FILE: usize = 1_000;

impl<'a> Decoder<'a> {
    /// A decoder for the file at `file` (relative to the root).
    pub fn new(file: &'a Path) -> Decoder<'a> {
        Decoder {
            file,
            shared: Arc::from(file.to_string_lossy().replace('\\', "/")),
            diagnostics: Vec::new(),
            dropped: (0, false),
        }
    }

    /// The problems found so far.
    pub fn into_diagnostics(mut self) -> Vec<Diagnostic> {
        let (count, error) = self.dropped;
        if count > 0 {
            let message = format!(
                "{count} more problems in this file are not listed (comply lists {MAX_DIAGNOSTICS_PER_FILE} per file)"
            );
            let location = Location::file(self.file);
            self.diagnostics.push(if error {
                Diagnostic::error(Code::TooLarge, location, message)
            } else {
                Diagnostic::warning(Code::TooLarge, location, message)
            });
        }
        self.diagnostics
    }

    /// Keeps a problem, up to the limit.
    fn push(&mut self, d: Diagnostic) {
        if self.diagnostics.len() < MAX_DIAGNOSTICS_PER_FILE {
            self.diagnostics.push(d);
        } else {
            self.dropped.0 += 1;
            self.dropped.1 |= d.is_error();
        }
    }

    fn source(&self, pos: Pos) -> Source {
        Source {
            file: Arc::clone(&self.shared),
            pos,
        }
    }

    fn error(&mut self, code: Code, pos: Pos, message: impl Into<String>) {
        self.push(Diagnostic::error(
            code,
            Location::at(self.file, pos),
            message,
        ));
    }

    /// Decodes `comply.yaml`. Problems leave the default in place.
    pub fn config(&mut self, node: &Node) -> Config {
        let mut config = Config::default();
        if node.value == Value::Null {
            return config;
        }
        let Some(fields) = self.fields(node, CONFIG_FIELDS, "comply.yaml") else {
            return config;
        };
        config.name = fields.string(self, "name");
        if let Some(gate) = fields.get("gate")
            && let Some(gate) = self.fields(gate, GATE_FIELDS, "gate")
            && let Some(risk) = gate.word::<Risk>(self, "fail_on", Risk::WORDS)
        {
            config.fail_on = risk;
        }
        if let Some(days) = fields.days(self, "due_soon_days") {
            config.due_soon_days = days;
        }
        config.max_age_days = fields.days(self, "max_age_days");
        if let Some(days) = fields.days(self, "max_exception_days") {
            config.max_exception_days = days;
        }
        if let Some(import) = fields.get("import")
            && let Some(import) = self.fields(import, IMPORT_FIELDS, "import")
            && let Some(words) = import.get("frameworks")
        {
            config.framework_words = self.framework_words(words);
        }
        if let Some(list) = fields.get("owners") {
            for entry in self.list(list, "owners") {
                let Some(owner) = self.fields(entry, OWNER_FIELDS, "owner") else {
                    continue;
                };
                if let Some(name) = owner.required_string(self, "name", entry.pos) {
                    config.owners.push(Owner {
                        name,
                        email: owner.string(self, "email"),
                        team: owner.string(self, "team"),
                    });
                }
            }
        }
        config
    }

    /// `import.frameworks` of `comply.yaml`: heading words and the
    /// framework ids they name (`Privacy: popia`).
    fn framework_words(&mut self, node: &Node) -> Vec<(String, String)> {
        let Value::Map(entries) = &node.value else {
            self.wrong_type(node, "a mapping of words to framework ids");
            return Vec::new();
        };
        let mut words = Vec::new();
        for (key, value) in entries {
            let (Some(word), Some(id)) = (
                self.scalar(key, "a word"),
                self.scalar(value, "a framework id"),
            ) else {
                continue;
            };
            if crate::import::valid_framework(id) {
                words.push((word.to_string(), id.to_string()));
            } else {
                self.error(
                    Code::BadValue,
                    value.pos,
                    format!("`{id}` is not a framework id (lower-case letters, digits, - and _)"),
                );
            }
        }
        words
    }

    /// Decodes a control matrix file.
    pub fn matrix(&mut self, node: &Node) -> Option<Framework> {
        let fields = self.fields(node, MATRIX_FIELDS, "control matrix")?;
        let id = nfc(fields.required_string(self, "framework", node.pos)?);
        let name = fields.string(self, "name").unwrap_or_else(|| id.clone());
        let controls = match fields.get("controls") {
            Some(list) => self
                .list(list, "controls")
                .iter()
                .filter_map(|c| self.control(c, &id))
                .collect(),
            None => {
                self.missing(node.pos, "controls");
                Vec::new()
            }
        };
        Some(Framework {
            max_age_days: fields.days(self, "max_age_days"),
            source: self.source(fields.pos_of("framework")),
            id,
            name,
            controls,
        })
    }

    fn control(&mut self, node: &Node, framework: &str) -> Option<Control> {
        let fields = self.fields(node, CONTROL_FIELDS, "control")?;
        let id = fields.required_string(self, "id", node.pos);
        let title = fields.required_string(self, "title", node.pos);
        let status = match fields.get("status") {
            Some(_) => fields.word::<ControlStatus>(self, "status", ControlStatus::WORDS),
            None => {
                self.missing(node.pos, "status");
                None
            }
        };
        let severity = fields.word::<Risk>(self, "severity", Risk::WORDS);
        Some(Control {
            framework: framework.to_string(),
            owner: fields.string(self, "owner"),
            current: fields.string(self, "current"),
            target: fields.string(self, "target"),
            gap: fields.string(self, "gap"),
            evidence: self.evidence_list(fields.get("evidence")),
            backlog: self.references(fields.get("backlog"), "backlog"),
            maps_to: self.references(fields.get("maps_to"), "maps_to"),
            tags: self.strings(fields.get("tags"), "tags"),
            max_age_days: fields.days(self, "max_age_days"),
            cadence: match fields.get("cadence") {
                Some(node) => Some(self.cadence(node)?),
                None => None,
            },
            source: self.source(fields.pos_of("id")),
            id: nfc(id?),
            title: title?,
            status: status?,
            severity,
        })
    }

    /// Decodes a backlog file into its items.
    pub fn backlog(&mut self, node: &Node) -> Vec<Item> {
        let Some(fields) = self.fields(node, BACKLOG_FIELDS, "backlog file") else {
            return Vec::new();
        };
        let default_framework = fields.string(self, "framework");
        match fields.get("items") {
            Some(list) => self
                .list(list, "items")
                .iter()
                .filter_map(|i| self.item(i, default_framework.as_deref()))
                .collect(),
            None => {
                self.missing(node.pos, "items");
                Vec::new()
            }
        }
    }

    fn item(&mut self, node: &Node, default_framework: Option<&str>) -> Option<Item> {
        let fields = self.fields(node, ITEM_FIELDS, "item")?;
        let id = fields.required_string(self, "id", node.pos);
        let title = fields.required_string(self, "title", node.pos);
        let framework = match fields.string(self, "framework") {
            Some(f) => Some(f),
            None => match default_framework {
                Some(f) => Some(f.to_string()),
                None => {
                    self.push(
                        Diagnostic::error(
                            Code::MissingField,
                            Location::at(self.file, node.pos),
                            "missing field `framework`",
                        )
                        .with_hint("set it on the item or once at the top of the file"),
                    );
                    None
                }
            },
        };
        let risk = match fields.get("risk") {
            Some(_) => fields.word::<Risk>(self, "risk", Risk::WORDS),
            None => {
                self.missing(node.pos, "risk");
                None
            }
        };
        let status = match fields.get("status") {
            Some(_) => fields.word::<ItemStatus>(self, "status", ItemStatus::WORDS)?,
            None => ItemStatus::Open,
        };
        let due = match fields.get("due") {
            Some(node) => self.due(node)?,
            None => Due::Unscheduled,
        };
        let done = match fields.get("done") {
            Some(node) => Some(self.date(node)?),
            None => None,
        };
        Some(Item {
            controls: self.references(fields.get("controls"), "controls"),
            owner: fields.string(self, "owner"),
            summary: fields.string(self, "summary"),
            evidence: self.evidence_list(fields.get("evidence")),
            checklist: self.checklist(fields.get("checklist")),
            tags: self.strings(fields.get("tags"), "tags"),
            max_age_days: fields.days(self, "max_age_days"),
            source: self.source(fields.pos_of("id")),
            id: nfc(id?),
            title: title?,
            framework: nfc(framework?),
            risk: risk?,
            due,
            status,
            done,
        })
    }

    /// Decodes a reviews file.
    pub fn reviews(&mut self, node: &Node) -> Vec<Review> {
        let Some(fields) = self.fields(node, REVIEWS_FILE_FIELDS, "reviews file") else {
            return Vec::new();
        };
        let Some(list) = fields.get("reviews") else {
            self.missing(node.pos, "reviews");
            return Vec::new();
        };
        self.list(list, "reviews")
            .iter()
            .filter_map(|r| self.review(r))
            .collect()
    }

    fn review(&mut self, node: &Node) -> Option<Review> {
        let fields = self.fields(node, REVIEW_FIELDS, "review")?;
        let id = fields.required_string(self, "id", node.pos);
        let title = fields.required_string(self, "title", node.pos);
        let cadence = match fields.get("cadence") {
            Some(c) => self.cadence(c),
            None => {
                self.missing(node.pos, "cadence");
                None
            }
        };
        let risk = match fields.get("risk") {
            Some(_) => fields.word::<Risk>(self, "risk", Risk::WORDS)?,
            None => Risk::Medium,
        };
        let last_done = match fields.get("last_done") {
            Some(d) => Some(self.date(d)?),
            None => None,
        };
        let framework = fields.required_string(self, "framework", node.pos);
        Some(Review {
            framework: Some(nfc(framework?)),
            owner: fields.string(self, "owner"),
            evidence: self.evidence_list(fields.get("evidence")),
            source: self.source(fields.pos_of("id")),
            id: nfc(id?),
            title: title?,
            cadence: cadence?,
            last_done,
            risk,
        })
    }

    /// `monthly`, `quarterly`, `biannual`, `annual`, `every N days`, or a
    /// mapping `{every: N}`.
    fn cadence(&mut self, node: &Node) -> Option<Cadence> {
        let days = match &node.value {
            Value::Map(entries) => match entries.as_slice() {
                [(key, value)] if key.as_str() == Some("every") => {
                    value.as_str().map(str::to_string)
                }
                _ => None,
            },
            Value::Scalar(text) => match text.trim().to_lowercase().as_str() {
                "monthly" => return Some(Cadence::Monthly),
                "quarterly" => return Some(Cadence::Quarterly),
                "biannual" | "biannually" | "semiannual" => return Some(Cadence::Biannual),
                "annual" | "annually" | "yearly" => return Some(Cadence::Annual),
                other => other.strip_prefix("every ").map(|rest| {
                    rest.trim_end_matches("days")
                        .trim_end_matches("day")
                        .trim()
                        .to_string()
                }),
            },
            _ => None,
        };
        match days.and_then(|d| d.trim().parse::<u32>().ok()) {
            Some(days) if (1..=3660).contains(&days) => Some(Cadence::Days(days)),
            _ => {
                self.push(
                    Diagnostic::error(
                        Code::BadValue,
                        Location::at(self.file, node.pos),
                        "not a valid `cadence`",
                    )
                    .with_hint(format!("expected one of: {}", CADENCE_WORDS.join(", "))),
                );
                None
            }
        }
    }

    /// Decodes an exceptions file.
    pub fn exceptions(&mut self, node: &Node) -> Vec<Exception> {
        let Some(fields) = self.fields(node, EXCEPTIONS_FILE_FIELDS, "exceptions file") else {
            return Vec::new();
        };
        let Some(list) = fields.get("exceptions") else {
            self.missing(node.pos, "exceptions");
            return Vec::new();
        };
        self.list(list, "exceptions")
            .iter()
            .filter_map(|e| self.exception(e))
            .collect()
    }

    fn exception(&mut self, node: &Node) -> Option<Exception> {
        let fields = self.fields(node, EXCEPTION_FIELDS, "risk acceptance")?;
        let target = fields.required_string(self, "target", node.pos);
        let reason = fields.required_string(self, "reason", node.pos);
        let approved_by = fields.required_string(self, "approved_by", node.pos);
        let mut date = |name: &str| match fields.get(name) {
            Some(d) => self.date(d),
            None => {
                self.missing(node.pos, name);
                None
            }
        };
        let approved_on = date("approved_on");
        let expires = date("expires");
        Some(Exception {
            target: Reference {
                id: nfc(target?),
                source: self.source(fields.pos_of("target")),
            },
            reason: reason?,
            approved_by: approved_by?,
            approved_on: approved_on?,
            expires: expires?,
            source: self.source(fields.pos_of("target")),
        })
    }

    fn due(&mut self, node: &Node) -> Option<Due> {
        match &node.value {
            Value::Null => Some(Due::Unscheduled),
            Value::Scalar(s) if s.trim().eq_ignore_ascii_case("tbd") => Some(Due::Unscheduled),
            _ => self.date(node).map(Due::On),
        }
    }

    fn date(&mut self, node: &Node) -> Option<NaiveDate> {
        let text = self.scalar(node, "a date")?;
        match parse_date(text) {
            Ok(date) => Some(date),
            Err(why) => {
                self.push(
                    Diagnostic::error(Code::BadDate, Location::at(self.file, node.pos), why)
                        .with_hint(
                            "write dates as YYYY-MM-DD, or `TBD` for an unscheduled due date",
                        ),
                );
                None
            }
        }
    }

    fn evidence_list(&mut self, node: Option<&Node>) -> Vec<Evidence> {
        let Some(node) = node else {
            return Vec::new();
        };
        self.list(node, "evidence")
            .iter()
            .filter_map(|entry| self.evidence(entry))
            .collect()
    }

    fn evidence(&mut self, node: &Node) -> Option<Evidence> {
        let (path, note, max_age_days) = match &node.value {
            Value::Scalar(path) => (path.to_string(), None, None),
            Value::Map(_) => {
                let fields = self.fields(node, EVIDENCE_FIELDS, "evidence entry")?;
                let note = fields.string(self, "note");
                let days = fields.days(self, "max_age_days");
                (fields.required_string(self, "path", node.pos)?, note, days)
            }
            _ => {
                self.wrong_type(node, "a path or a mapping with `path` and `note`");
                return None;
            }
        };
        if path.trim().is_empty() {
            self.error(Code::BadValue, node.pos, "empty evidence path");
            return None;
        }
        Some(Evidence {
            path,
            note,
            max_age_days,
            source: self.source(node.pos),
        })
    }

    fn checklist(&mut self, node: Option<&Node>) -> Vec<ChecklistEntry> {
        let Some(node) = node else {
            return Vec::new();
        };
        let mut entries = Vec::new();
        for entry in self.list(node, "checklist") {
            let Some(fields) = self.fields(entry, CHECKLIST_FIELDS, "checklist entry") else {
                continue;
            };
            let task = fields.required_string(self, "task", entry.pos);
            let done = match fields.get("done") {
                None => Some(false),
                Some(flag) => match flag.as_str() {
                    Some("true") => Some(true),
                    Some("false") => Some(false),
                    _ => {
                        self.error(Code::BadValue, flag.pos, "`done` must be true or false");
                        None
                    }
                },
            };
            if let (Some(task), Some(done)) = (task, done) {
                entries.push(ChecklistEntry { task, done });
            }
        }
        entries
    }

    fn references(&mut self, node: Option<&Node>, name: &str) -> Vec<Reference> {
        let Some(node) = node else {
            return Vec::new();
        };
        self.string_nodes(node, name)
            .into_iter()
            .map(|(id, pos)| Reference {
                id: nfc(id),
                source: self.source(pos),
            })
            .collect()
    }

    fn strings(&mut self, node: Option<&Node>, name: &str) -> Vec<String> {
        let Some(node) = node else {
            return Vec::new();
        };
        self.string_nodes(node, name)
            .into_iter()
            .map(|(s, _)| s)
            .collect()
    }

    /// A list of strings; a single string is taken as a list of one.
    fn string_nodes(&mut self, node: &Node, name: &str) -> Vec<(String, Pos)> {
        if let Value::Scalar(s) = &node.value {
            return vec![(s.to_string(), node.pos)];
        }
        let mut out = Vec::new();
        for entry in self.list(node, name) {
            if let Some(s) = self.scalar(entry, "a string") {
                out.push((s.to_string(), entry.pos));
            }
        }
        out
    }

    fn list<'n, 't>(&mut self, node: &'n Node<'t>, name: &str) -> &'n [Node<'t>] {
        match &node.value {
            Value::Seq(items) => items,
            Value::Null => &[],
            _ => {
                self.wrong_type(node, &format!("a list for `{name}`"));
                &[]
            }
        }
    }

    fn scalar<'n>(&mut self, node: &'n Node<'_>, expected: &str) -> Option<&'n str> {
        let text = node.as_str();
        if text.is_none() {
            self.wrong_type(node, expected);
        }
        text
    }

    fn wrong_type(&mut self, node: &Node, expected: &str) {
        self.error(
            Code::WrongType,
            node.pos,
            format!("expected {expected}, found {}", node.kind()),
        );
    }

    fn missing(&mut self, pos: Pos, field: &str) {
        self.error(Code::MissingField, pos, format!("missing field `{field}`"));
    }

    /// Checks that `node` is a mapping of known, unique, scalar keys.
    fn fields<'n, 't>(
        &mut self,
        node: &'n Node<'t>,
        known: &[&str],
        what: &str,
    ) -> Option<Fields<'n, 't>> {
        let Value::Map(entries) = &node.value else {
            self.wrong_type(node, &format!("a mapping ({what})"));
            return None;
        };
        let mut fields = Fields {
            pos: node.pos,
            entries: Vec::with_capacity(entries.len()),
        };
        for (key, value) in entries {
            let Some(name) = key.as_str() else {
                self.wrong_type(key, "a field name");
                continue;
            };
            if !known.contains(&name) {
                let mut d = Diagnostic::error(
                    Code::UnknownField,
                    Location::at(self.file, key.pos),
                    format!("unknown field `{name}` in {what}"),
                );
                d = match suggest(name, known) {
                    Some(s) => d.with_hint(format!("did you mean `{s}`?")),
                    None => d.with_hint(format!("expected one of: {}", known.join(", "))),
                };
                self.push(d);
                continue;
            }
            if let Some((_, first)) = fields.entries.iter().find(|(n, _)| *n == name) {
                let line = first.pos.line;
                self.error(
                    Code::DuplicateKey,
                    key.pos,
                    format!("field `{name}` given twice (first on line {line})"),
                );
                continue;
            }
            fields.entries.push((
                name,
                KeyValue {
                    pos: key.pos,
                    value,
                },
            ));
        }
        Some(fields)
    }
}

/// The known fields of one mapping.
struct Fields<'n, 't> {
    pos: Pos,
    entries: Vec<(&'n str, KeyValue<'n, 't>)>,
}

struct KeyValue<'n, 't> {
    pos: Pos,
    value: &'n Node<'t>,
}

impl<'n, 't> Fields<'n, 't> {
    fn get(&self, name: &str) -> Option<&'n Node<'t>> {
        self.entries
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, kv)| kv.value)
            .filter(|node| node.value != Value::Null)
    }

    /// The position of a key, or of the mapping when the key is absent.
    fn pos_of(&self, name: &str) -> Pos {
        self.entries
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(self.pos, |(_, kv)| kv.pos)
    }

    fn string(&self, d: &mut Decoder<'_>, name: &str) -> Option<String> {
        let node = self.get(name)?;
        let text = d.scalar(node, &format!("a string for `{name}`"))?;
        Some(text.to_string())
    }

    fn required_string(&self, d: &mut Decoder<'_>, name: &str, at: Pos) -> Option<String> {
        if self.get(name).is_none() {
            d.missing(at, name);
            return None;
        }
        let value = self.string(d, name)?;
        if value.trim().is_empty() {
            d.error(
                Code::BadValue,
                self.pos_of(name),
                format!("`{name}` is empty"),
            );
            return None;
        }
        Some(value)
    }

    /// A whole number of days, 0 to 3660.
    fn days(&self, d: &mut Decoder<'_>, name: &str) -> Option<u32> {
        let node = self.get(name)?;
        match node.as_str().map(str::parse::<u32>) {
            Some(Ok(days)) if days <= 3660 => Some(days),
            _ => {
                d.error(
                    Code::BadValue,
                    node.pos,
                    format!("`{name}` must be a whole number of days between 0 and 3660"),
                );
                None
            }
        }
    }

    fn word<T: FromStr>(&self, d: &mut Decoder<'_>, name: &str, words: &[&str]) -> Option<T> {
        let node = self.get(name)?;
        let text = d.scalar(node, &format!("one of: {}", words.join(", ")))?;
        match text.parse::<T>() {
            Ok(value) => Some(value),
            Err(_) => {
                let lower = text.to_lowercase();
                let hint = match suggest(&lower, words) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("expected one of: {}", words.join(", ")),
                };
                d.push(
                    Diagnostic::error(
                        Code::BadValue,
                        Location::at(d.file, node.pos),
                        format!("`{text}` is not a valid `{name}`"),
                    )
                    .with_hint(hint),
                );
                None
            }
        }
    }
}

/// An id or reference in Unicode normal form C, so that `é` typed as one
/// character and as `e` with a combining accent is the same id.
pub(crate) fn nfc(text: String) -> String {
    use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};
    match is_nfc_quick(text.chars()) {
        IsNormalized::Yes => text,
        _ => text.nfc().collect(),
    }
}
