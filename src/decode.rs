//! Decoding YAML trees into the file types of `format`, collecting every
//! problem on the way.
//!
//! Decoding never stops at the first problem: a bad field is reported and
//! skipped, a bad control or item is reported and left out, and the rest of
//! the file is still read. A mapping is read through a [`Table`]: each call
//! that takes a key is the field list, and [`Table::finalize`] reports the
//! keys nobody took, with a "did you mean" hint from the keys that were
//! asked for. There is no second list of names to keep in step.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Serialize, Serializer};

use chrono::NaiveDate;

use crate::date::{Span, check_audit_period, parse_date, parse_period};
use crate::diag::{Code, Diagnostic, Location, suggest};
use crate::model::{Cadence, Due, Source, Word};
use crate::yaml::{Node, Pos, Value};

/// The words a cadence may be (in any case, blanks around), the one list
/// that both [`Decoder::cadence`] and the schema's [`cadence_pattern`] read.
/// The first word of each cadence is the one shown in hints and written.
const CADENCE_WORDS: &[(&str, Cadence)] = &[
    ("monthly", Cadence::Monthly),
    ("quarterly", Cadence::Quarterly),
    ("biannual", Cadence::Biannual),
    ("biannually", Cadence::Biannual),
    ("semiannual", Cadence::Biannual),
    ("annual", Cadence::Annual),
    ("annually", Cadence::Annual),
    ("yearly", Cadence::Annual),
];

/// Most days a cadence or an age limit may be.
const MAX_DAYS: u32 = 3660;

/// The regular expression (ECMA 262, as JSON Schema reads it) of the
/// cadences written as text that [`Decoder::cadence`] accepts: a word of
/// [`CADENCE_WORDS`] or `every N days` (`day`, `days` or nothing after the
/// number, N from 1 to 3660), in any case, with blanks around.
pub(crate) fn cadence_pattern() -> String {
    fn any_case(word: &str) -> String {
        word.chars()
            .map(|c| format!("[{}{}]", c, c.to_ascii_uppercase()))
            .collect()
    }
    let words: Vec<String> = CADENCE_WORDS.iter().map(|(w, _)| any_case(w)).collect();
    // 1 to 3660 with any leading zeros and an optional `+`, as u32 parses.
    let days = r"\+?0*([1-9][0-9]{0,2}|[12][0-9]{3}|3[0-5][0-9]{2}|36[0-5][0-9]|3660)";
    format!(
        r"^\s*({}|{} \s*{days}\s*({})*({})*)\s*$",
        words.join("|"),
        any_case("every"),
        any_case("day"),
        any_case("days"),
    )
}

/// Collects diagnostics for one file.
pub(crate) struct Decoder<'a> {
    file: &'a Path,
    /// The file's name as every `Source` of it shares it.
    shared: Arc<str>,
    diagnostics: Vec<Diagnostic>,
    /// Problems past [`MAX_DIAGNOSTICS_PER_FILE`]: how many, and whether
    /// one was an error.
    dropped: (usize, bool),
    /// The keys each finished table asked for, by what the table is: the
    /// field lists the format tests compare with the schema's.
    #[cfg(test)]
    pub(crate) field_lists: Vec<(&'static str, Vec<&'static str>)>,
}

/// Most problems kept for one file; the rest are counted in one last
/// diagnostic, so a file of a million bad entries cannot fill memory with
/// messages.
pub(crate) const MAX_DIAGNOSTICS_PER_FILE: usize = 1_000;

impl<'a> Decoder<'a> {
    /// A decoder for the file at `file` (relative to the root).
    pub(crate) fn new(file: &'a Path) -> Decoder<'a> {
        Decoder {
            file,
            shared: Arc::from(file.to_string_lossy().replace('\\', "/")),
            diagnostics: Vec::new(),
            dropped: (0, false),
            #[cfg(test)]
            field_lists: Vec::new(),
        }
    }

    /// The problems found so far.
    pub(crate) fn into_diagnostics(mut self) -> Vec<Diagnostic> {
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

    /// Where `pos` is in this file.
    pub(crate) fn source(&self, pos: Pos) -> Source {
        Source {
            file: Arc::clone(&self.shared),
            pos,
        }
    }

    /// Keeps an error, up to [`MAX_DIAGNOSTICS_PER_FILE`]; past it, counts
    /// it.
    pub(crate) fn push(&mut self, code: Code, pos: Pos, message: String, hint: Option<String>) {
        let d = Diagnostic::error(code, Location::at(self.file, pos), message);
        self.keep(match hint {
            Some(hint) => d.with_hint(hint),
            None => d,
        });
    }

    /// Keeps `d` within the per-file allowance; past it, only counts it.
    /// Keeps a warning, under the same cap as errors.
    pub(crate) fn warn(&mut self, code: Code, pos: Pos, message: String) {
        self.keep(Diagnostic::warning(
            code,
            Location::at(self.file, pos),
            message,
        ));
    }

    fn keep(&mut self, d: Diagnostic) {
        if self.diagnostics.len() < MAX_DIAGNOSTICS_PER_FILE {
            self.diagnostics.push(d);
        } else {
            self.dropped.0 += 1;
            self.dropped.1 |= d.is_error();
        }
    }

    /// Reports a warning with a hint: the value is read, but should be
    /// written differently.
    pub(crate) fn warn_with(&mut self, code: Code, pos: Pos, message: String, hint: &str) {
        self.keep(Diagnostic::warning(code, Location::at(self.file, pos), message).with_hint(hint));
    }

    /// `true` or `false`.
    pub(crate) fn flag(&mut self, node: &Node, name: &str) -> Option<bool> {
        // YAML 1.2's core booleans; `yes` and `no` are text there.
        match node.as_str() {
            Some("true" | "True" | "TRUE") => Some(true),
            Some("false" | "False" | "FALSE") => Some(false),
            text => {
                let hint = text
                    .map(str::to_ascii_lowercase)
                    .and_then(|t| match t.as_str() {
                        "yes" | "y" | "on" => Some("write `true`"),
                        "no" | "n" | "off" => Some("write `false`"),
                        _ => None,
                    });
                self.push(
                    Code::BadValue,
                    node.pos,
                    format!("`{name}` must be true or false"),
                    hint.map(str::to_string),
                );
                None
            }
        }
    }

    pub(crate) fn error(&mut self, code: Code, pos: Pos, message: impl Into<String>) {
        self.push(code, pos, message.into(), None);
    }

    /// The keys of a mapping, to be taken one by one; `None` (reported)
    /// when `node` is not a mapping. `what` names the mapping in messages.
    pub(crate) fn table<'d, 'n, 't>(
        &'d mut self,
        node: &'n Node<'t>,
        what: &'static str,
    ) -> Option<Table<'d, 'a, 'n, 't>> {
        let Value::Map(entries) = &node.value else {
            self.wrong_type(node, format_args!("a mapping ({what})"));
            return None;
        };
        let mut keys = Vec::with_capacity(entries.len());
        for (key, value) in entries {
            match key.as_str() {
                Some(name) => keys.push(Key {
                    name,
                    pos: key.pos,
                    value,
                    taken: false,
                }),
                None => self.wrong_type(key, "a field name"),
            }
        }
        Some(Table {
            d: self,
            what,
            pos: node.pos,
            keys,
            asked: Vec::new(),
        })
    }

    /// A scalar as text.
    pub(crate) fn string(&mut self, node: &Node, name: &str) -> Option<String> {
        self.scalar(node, format_args!("a string for `{name}`"))
            .map(str::to_string)
    }

    /// A whole number of days, 0 to 3660.
    pub(crate) fn days(&mut self, node: &Node, name: &str) -> Option<u32> {
        match node.as_str().map(str::parse::<u32>) {
            Some(Ok(days)) if days <= 3660 => Some(days),
            _ => {
                self.error(
                    Code::BadValue,
                    node.pos,
                    format!("`{name}` must be a whole number of days between 0 and 3660"),
                );
                None
            }
        }
    }

    /// One of the words of `T`.
    pub(crate) fn word<T: Word>(&mut self, node: &Node, name: &str) -> Option<T> {
        let words = T::WORDS;
        let text = self.scalar(node, OneOf(words))?;
        if let Ok(value) = text.parse::<T>() {
            return Some(value);
        }
        let hint = match suggest(&text.to_lowercase(), words) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("expected one of: {}", words.join(", ")),
        };
        self.push(
            Code::BadValue,
            node.pos,
            format!("`{text}` is not a valid `{name}`"),
            Some(hint),
        );
        None
    }

    /// `YYYY-MM-DD`.
    pub(crate) fn date(&mut self, node: &Node, name: &str) -> Option<NaiveDate> {
        let text = self.scalar(node, "a date")?;
        match parse_date(text) {
            Ok(date) => Some(date),
            Err(why) => {
                // Only a due date may be `TBD`.
                let hint = if name == "due" {
                    "write dates as YYYY-MM-DD, or `TBD` for an unscheduled due date"
                } else {
                    "write dates as YYYY-MM-DD"
                };
                self.push(Code::BadDate, node.pos, why, Some(hint.into()));
                None
            }
        }
    }

    /// A period: `2026`, `2026-H1`, `2026-Q1`, `2026-03`, `2026-03-15`, or
    /// `{from: DATE, to: DATE}`.
    pub(crate) fn span(&mut self, node: &Node, name: &str) -> Option<Span> {
        if let Value::Map(_) = node.value {
            let mut th = self.table(node, "period")?;
            let from = th.required("from", Decoder::date);
            let to = th.required("to", Decoder::date);
            th.finalize();
            let span = Span {
                from: from?,
                to: to?,
            };
            if span.to < span.from {
                self.error(
                    Code::BadValue,
                    node.pos,
                    format!(
                        "`{name}` ends ({}) before it starts ({})",
                        span.to, span.from
                    ),
                );
                return None;
            }
            return Some(span);
        }
        let text = self.scalar(node, "a period such as 2026-Q1, or {from, to}")?;
        match parse_period(text) {
            Ok(span) => Some(span),
            Err(why) => {
                self.push(
                    Code::BadValue,
                    node.pos,
                    why,
                    Some("or write `{from: YYYY-MM-DD, to: YYYY-MM-DD}`".into()),
                );
                None
            }
        }
    }

    /// An audit period: a period (see [`Decoder::span`]) of at most ten
    /// years.
    pub(crate) fn audit_period(&mut self, node: &Node, name: &str) -> Option<Span> {
        let span = self.span(node, name)?;
        if let Err(why) = check_audit_period(span) {
            self.error(Code::BadValue, node.pos, why);
            return None;
        }
        Some(span)
    }

    /// A date, or `TBD`.
    pub(crate) fn due(&mut self, node: &Node, name: &str) -> Option<Due> {
        match &node.value {
            Value::Null => Some(Due::Unscheduled),
            Value::Scalar(s) if s.trim().eq_ignore_ascii_case("tbd") => Some(Due::Unscheduled),
            _ => self.date(node, name).map(Due::On),
        }
    }

    /// `monthly`, `quarterly`, `biannual`, `annual`, `every N days`, or a
    /// mapping `{every: N}`.
    pub(crate) fn cadence(&mut self, node: &Node, _name: &str) -> Option<Cadence> {
        let days = match &node.value {
            Value::Map(entries) => match entries.as_slice() {
                [(key, value)] if key.as_str() == Some("every") => {
                    value.as_str().map(str::to_string)
                }
                _ => None,
            },
            Value::Scalar(text) => {
                let text = text.trim().to_lowercase();
                if let Some((_, cadence)) = CADENCE_WORDS.iter().find(|(w, _)| *w == text) {
                    return Some(*cadence);
                }
                text.strip_prefix("every ").map(|rest| {
                    rest.trim_end_matches("days")
                        .trim_end_matches("day")
                        .trim()
                        .to_string()
                })
            }
            _ => None,
        };
        match days.and_then(|d| d.trim().parse::<u32>().ok()) {
            Some(days) if (1..=MAX_DAYS).contains(&days) => Some(Cadence::Days(days)),
            _ => {
                let mut shown: Vec<&str> = CADENCE_WORDS
                    .iter()
                    .filter(|(w, c)| c.to_string() == *w)
                    .map(|(w, _)| *w)
                    .collect();
                shown.push("every N days");
                self.push(
                    Code::BadValue,
                    node.pos,
                    "not a valid `cadence`".into(),
                    Some(format!("expected one of: {}", shown.join(", "))),
                );
                None
            }
        }
    }

    /// The entries of a list that decode; null is an empty list.
    pub(crate) fn list<T>(
        &mut self,
        node: &Node,
        name: &str,
        mut each: impl FnMut(&mut Self, &Node) -> Option<T>,
    ) -> Vec<T> {
        let entries: &[Node] = match &node.value {
            Value::Seq(entries) => entries,
            Value::Null => &[],
            _ => {
                self.wrong_type(node, format_args!("a list for `{name}`"));
                &[]
            }
        };
        // Sized from the list: `filter_map` gives no lower bound, and a
        // vector grown from empty holds room for four (an item's one
        // evidence entry would keep three unused slots).
        let mut out = Vec::with_capacity(entries.len());
        out.extend(entries.iter().filter_map(|entry| each(self, entry)));
        out
    }

    /// A list of strings, each with its position; a single string is taken
    /// as a list of one.
    pub(crate) fn references(&mut self, node: &Node, name: &str) -> Option<Vec<Spanned<String>>> {
        if let Value::Scalar(s) = &node.value {
            return Some(vec![Spanned {
                value: s.to_string(),
                pos: node.pos,
            }]);
        }
        Some(self.list(node, name, |d, entry| {
            d.scalar(entry, "a string").map(|s| Spanned {
                value: s.to_string(),
                pos: entry.pos,
            })
        }))
    }

    /// A list of strings; a single string is taken as a list of one.
    pub(crate) fn strings(&mut self, node: &Node, name: &str) -> Option<Vec<String>> {
        self.references(node, name)
            .map(|list| list.into_iter().map(|s| s.value).collect())
    }

    /// A scalar as text; `expected` is formatted only for the problem.
    pub(crate) fn scalar<'n>(
        &mut self,
        node: &'n Node<'_>,
        expected: impl fmt::Display,
    ) -> Option<&'n str> {
        let text = node.as_str();
        if text.is_none() {
            self.wrong_type(node, expected);
        }
        text
    }

    pub(crate) fn wrong_type(&mut self, node: &Node, expected: impl fmt::Display) {
        self.error(
            Code::WrongType,
            node.pos,
            format!("expected {expected}, found {}", node.kind()),
        );
    }

    fn missing(&mut self, pos: Pos, field: &str) {
        self.error(Code::MissingField, pos, format!("missing field `{field}`"));
    }
}

/// A value with where it was written: its key for a field, the entry
/// itself for a list entry. Serialises and has the schema of the value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Spanned<T> {
    /// The value.
    pub(crate) value: T,
    /// Where it was written (the default position for a value made by
    /// comply, such as an imported one).
    pub(crate) pos: Pos,
}

impl<T> From<T> for Spanned<T> {
    fn from(value: T) -> Spanned<T> {
        Spanned {
            value,
            pos: Pos::default(),
        }
    }
}

impl<T: Serialize> Serialize for Spanned<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

impl<T: JsonSchema> JsonSchema for Spanned<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        T::schema_id()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
}

/// `one of: a, b, c`: the words a field takes, said only in a problem.
struct OneOf(&'static [&'static str]);

impl fmt::Display for OneOf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "one of: {}", self.0.join(", "))
    }
}

/// The keys of one mapping, taken by name (after toml-span's `TableHelper`).
pub(crate) struct Table<'d, 'a, 'n, 't> {
    d: &'d mut Decoder<'a>,
    what: &'static str,
    /// Where the mapping starts.
    pub(crate) pos: Pos,
    keys: Vec<Key<'n, 't>>,
    asked: Vec<&'static str>,
}

struct Key<'n, 't> {
    name: &'n str,
    pos: Pos,
    value: &'n Node<'t>,
    taken: bool,
}

impl<'a, 'n, 't> Table<'_, 'a, 'n, 't> {
    /// The decoder, for problems that span several fields.
    pub(crate) fn decoder(&mut self) -> &mut Decoder<'a> {
        self.d
    }

    /// The value of `name` and where its key is, unless absent or null.
    /// A key given twice is reported; the first one counts.
    fn take(&mut self, name: &'static str) -> Option<(Pos, &'n Node<'t>)> {
        self.asked.push(name);
        let mut first: Option<usize> = None;
        for i in 0..self.keys.len() {
            if self.keys[i].name != name {
                continue;
            }
            self.keys[i].taken = true;
            match first {
                None => first = Some(i),
                Some(f) => {
                    let line = self.keys[f].pos.line;
                    let pos = self.keys[i].pos;
                    self.d.error(
                        Code::DuplicateKey,
                        pos,
                        format!("field `{name}` given twice (first on line {line})"),
                    );
                }
            }
        }
        let key = &self.keys[first?];
        (key.value.value != Value::Null).then_some((key.pos, key.value))
    }

    /// A field that must be there; `None` when it is absent (reported) or
    /// not valid.
    pub(crate) fn required<T>(
        &mut self,
        name: &'static str,
        read: impl FnOnce(&mut Decoder<'a>, &'n Node<'t>, &str) -> Option<T>,
    ) -> Option<T> {
        if let Some((_, node)) = self.take(name) {
            read(self.d, node, name)
        } else {
            self.d.missing(self.pos, name);
            None
        }
    }

    /// A field that may be absent: `Some(None)` when it is, `None` when it
    /// is there but not valid (the entry is then left out).
    pub(crate) fn optional<T>(
        &mut self,
        name: &'static str,
        read: impl FnOnce(&mut Decoder<'a>, &'n Node<'t>, &str) -> Option<T>,
    ) -> Option<Option<T>> {
        match self.take(name) {
            Some((_, node)) => read(self.d, node, name).map(Some),
            None => Some(None),
        }
    }

    /// A field whose bad value is reported and dropped, keeping the entry.
    pub(crate) fn lenient<T>(
        &mut self,
        name: &'static str,
        read: impl FnOnce(&mut Decoder<'a>, &'n Node<'t>, &str) -> Option<T>,
    ) -> Option<T> {
        self.optional(name, read).flatten()
    }

    /// A list field (absent: empty); bad entries are reported and dropped.
    pub(crate) fn list<T>(
        &mut self,
        name: &'static str,
        read: impl FnOnce(&mut Decoder<'a>, &'n Node<'t>, &str) -> Option<Vec<T>>,
    ) -> Vec<T> {
        self.lenient(name, read).unwrap_or_default()
    }

    /// A non-empty string that must be there, with where its key is.
    pub(crate) fn required_string(&mut self, name: &'static str) -> Option<Spanned<String>> {
        let Some((pos, node)) = self.take(name) else {
            self.d.missing(self.pos, name);
            return None;
        };
        let value = self.d.string(node, name)?;
        if value.trim().is_empty() {
            self.d
                .error(Code::BadValue, pos, format!("`{name}` is empty"));
            return None;
        }
        Some(Spanned { value, pos })
    }

    /// An optional string.
    pub(crate) fn string(&mut self, name: &'static str) -> Option<String> {
        self.lenient(name, Decoder::string)
    }

    /// Reports every key nobody asked for.
    pub(crate) fn finalize(self) {
        let Table {
            d,
            what,
            keys,
            asked,
            ..
        } = self;
        for key in keys.iter().filter(|k| !k.taken) {
            let hint = match suggest(key.name, &asked) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("expected one of: {}", asked.join(", ")),
            };
            d.push(
                Code::UnknownField,
                key.pos,
                format!("unknown field `{}` in {what}", key.name),
                Some(hint),
            );
        }
        #[cfg(test)]
        d.field_lists.push((what, asked));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<String> {
        let node = crate::yaml::parse(text).unwrap_or(Node {
            pos: Pos::default(),
            value: Value::Null,
        });
        let mut d = Decoder::new(Path::new("backlog/b.yaml"));
        d.backlog(&node);
        let mut found = d.into_diagnostics();
        crate::diag::sort(&mut found);
        found.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn unknown_keys_get_a_hint_from_the_keys_asked_for() {
        let found = problems(
            "framework: fw\nitems:\n  - id: A\n    title: t\n    risk: high\n    ownr: x\n    zzzzzz: 1\n",
        );
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].contains("6:5") && found[0].contains("did you mean `owner`?"),
            "{found:?}"
        );
        assert!(
            found[1].contains("unknown field `zzzzzz` in item"),
            "{found:?}"
        );
        assert!(
            found[1].contains("expected one of: id, title, framework, controls, risk"),
            "{found:?}"
        );
    }

    #[test]
    fn a_key_given_twice_and_every_bad_field_are_reported() {
        let found = problems(
            "items:\n  - id: A\n    id: B\n    title: t\n    risk: severe\n    status: finished\n    due: someday\n",
        );
        let text = found.join("\n");
        assert!(
            text.contains("field `id` given twice (first on line 2)"),
            "{text}"
        );
        assert!(text.contains("`severe` is not a valid `risk`"), "{text}");
        assert!(
            text.contains("`finished` is not a valid `status`"),
            "{text}"
        );
        assert!(text.contains("missing field `framework`"), "{text}");
        assert!(text.contains("3:5"), "{text}");
    }
}
