//! Diagnostics: every problem comply can find in a repository, as data.
//!
//! Each diagnostic has a stable [`Code`], a [`Severity`], a location and a
//! message. They are collected first and rendered last, so the human text and
//! the JSON output come from the same values.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::yaml::Pos;

word_enum! {
    /// How bad a diagnostic is.
    Severity {
        /// The repository is invalid: commands stop with exit code 2.
        Error = "error",
        /// Worth fixing, but the repository can still be analysed.
        Warning = "warning",
    }
}

word_enum! {
    /// The stable identity of a kind of problem, used in output and docs.
    Code {
        /// A file could not be read, or is not UTF-8.
        Unreadable = "unreadable",
        /// A file is larger than comply reads.
        TooLarge = "too-large",
        /// The YAML itself is malformed (or breaks a nesting or alias limit).
        Syntax = "syntax",
        /// A key comply does not know.
        UnknownField = "unknown-field",
        /// A required key is absent.
        MissingField = "missing-field",
        /// A key given twice in the same mapping.
        DuplicateKey = "duplicate-key",
        /// A value of the wrong shape (a list where a string belongs, ...).
        WrongType = "wrong-type",
        /// A value outside its allowed set (status, risk, ...).
        BadValue = "bad-value",
        /// A date that is not a real `YYYY-MM-DD` day.
        BadDate = "bad-date",
        /// The same id defined twice.
        DuplicateId = "duplicate-id",
        /// A reference to a control, item or framework that does not exist.
        UnknownReference = "unknown-reference",
        /// A `done` item without its completion date, or a date on an open item.
        DoneDate = "done-date",
        /// A reference to a framework the repository does not track.
        ExternalReference = "external-reference",
        /// A control that satisfies itself through a chain of mappings.
        MappingCycle = "mapping-cycle",
        /// A mapping whose target does not apply, or a control with no
        /// status that nothing satisfies.
        Mapping = "mapping",
        /// A spelling comply still reads but that has a newer form.
        Deprecated = "deprecated",
    }
}

/// A file and, where known, a position in it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Location {
    /// The file, relative to the repository root where possible.
    pub(crate) file: PathBuf,
    /// The line and column, when the problem has one.
    pub(crate) pos: Option<Pos>,
}

impl Location {
    /// A location at a position in a file.
    pub(crate) fn at(file: &Path, pos: Pos) -> Location {
        Location {
            file: file.to_path_buf(),
            pos: Some(pos),
        }
    }

    /// A location naming a whole file.
    pub(crate) fn file(file: &Path) -> Location {
        Location {
            file: file.to_path_buf(),
            pos: None,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(pos) = self.pos {
            write!(f, ":{}:{}", pos.line, pos.column)?;
        }
        Ok(())
    }
}

/// One problem found in the repository.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub(crate) severity: Severity,
    /// Which kind of problem.
    pub(crate) code: Code,
    /// Where it is.
    pub(crate) location: Location,
    /// What is wrong, in one sentence.
    pub(crate) message: String,
    /// How to fix it, when comply can tell.
    pub(crate) hint: Option<String>,
}

impl Diagnostic {
    /// An error at `location`.
    pub(crate) fn error(code: Code, location: Location, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code,
            location,
            message: message.into(),
            hint: None,
        }
    }

    /// A warning at `location`.
    pub(crate) fn warning(
        code: Code,
        location: Location,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, location, message)
        }
    }

    /// The same diagnostic with a hint attached.
    pub(crate) fn with_hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }

    /// Whether this diagnostic makes the repository invalid.
    pub(crate) fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    /// `path:line:column: error[code]: message (hint)`, the form editors and
    /// CI logs link to; text from users' files is made inert, so a
    /// diagnostic is always one line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}[{}]: {}",
            crate::text::inert(&self.location.to_string()),
            self.severity.as_str(),
            self.code.as_str(),
            crate::text::inert(&self.message)
        )?;
        if let Some(hint) = &self.hint {
            write!(f, " ({})", crate::text::inert(hint))?;
        }
        Ok(())
    }
}

/// Sorts diagnostics by file, position, then code: stable output.
pub(crate) fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics
        .sort_by(|a, b| (&a.location, a.code, &a.message).cmp(&(&b.location, b.code, &b.message)));
}

/// The closest of `candidates` to `word`, if it is close enough to be a
/// plausible typo ("did you mean").
///
/// Bounded whatever the input: words and candidates over
/// [`MAX_SUGGEST_CHARS`] are not compared, candidates whose length alone
/// rules them out are skipped before any distance is computed, and at most
/// [`MAX_SUGGEST_CANDIDATES`] distances are computed.
pub(crate) fn suggest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let length = word.chars().count();
    if length > MAX_SUGGEST_CHARS {
        return None;
    }
    let word = word.to_lowercase();
    candidates
        .iter()
        .filter(|c| {
            let n = c.chars().count();
            n <= MAX_SUGGEST_CHARS && n.abs_diff(length) <= 2.max(c.len() / 3)
        })
        .take(MAX_SUGGEST_CANDIDATES)
        .map(|c| (edit_distance(&word, &c.to_lowercase()), *c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Longest word (in characters) "did you mean" compares.
pub(crate) const MAX_SUGGEST_CHARS: usize = 64;

/// Most distances one "did you mean" computes.
pub(crate) const MAX_SUGGEST_CANDIDATES: usize = 2_000;

/// Levenshtein distance between two strings, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let next = (row[j] + 1).min(row[j + 1] + 1).min(prev + cost);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let fields = ["owner", "risk", "status", "evidence"];
        assert_eq!(suggest("ownr", &fields), Some("owner"));
        assert_eq!(suggest("Evidense", &fields), Some("evidence"));
        assert_eq!(suggest("summary", &fields), None);
    }

    #[test]
    fn renders_path_line_column() {
        let d = Diagnostic::error(
            Code::UnknownField,
            Location::at(Path::new("backlog/a.yaml"), Pos { line: 3, column: 5 }),
            "unknown field `ownr`",
        )
        .with_hint("did you mean `owner`?");
        assert_eq!(
            d.to_string(),
            "backlog/a.yaml:3:5: error[unknown-field]: unknown field `ownr` (did you mean `owner`?)"
        );
    }
}
