//! Machine output: one stable JSON document per command (see `docs/json.md`).
//!
//! Every document carries `"version": 1`; fields are only ever added within a
//! version.

use std::io::{self, Write};

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::ser::Formatter;

use super::DueLists;
use crate::acceptance::Acceptance;
use crate::analysis::{Analysis, ControlView, FrameworkSummary, ItemView};
use crate::coverage::Coverage;
use crate::diag::{Diagnostic, Severity};
use crate::diff::ReviewDiff;
use crate::gate::{Accepted, Checked, Gate, Offender};
use crate::manifest::Changes;
use crate::model::Risk;
use crate::periods::TrendPoint;
use crate::ratchet::Comparison;
use crate::render::Row;

/// The JSON format's version (one for every document; defined beside the
/// report's document, the lowest that carries it).
pub(crate) use crate::report::JSON_VERSION as VERSION;

/// `comply status --format json`.
#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct StatusDoc<'a> {
    version: u32,
    as_of: NaiveDate,
    due_soon_days: u32,
    frameworks: &'a [FrameworkSummary],
    items: &'a [ItemView],
    gate: &'a Gate,
}

impl<'a> StatusDoc<'a> {
    /// The status document for `analysis`.
    pub(crate) fn new(analysis: &'a Analysis) -> StatusDoc<'a> {
        StatusDoc {
            version: VERSION,
            as_of: analysis.as_of,
            due_soon_days: analysis.due_soon_days,
            frameworks: &analysis.frameworks,
            items: &analysis.items,
            gate: &analysis.gate,
        }
    }
}

/// `comply due --format json`.
#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct DueDoc<'a> {
    version: u32,
    as_of: NaiveDate,
    within: u32,
    overdue: &'a [&'a ItemView],
    due_soon: &'a [&'a ItemView],
    unscheduled: &'a [&'a ItemView],
}

impl<'a> DueDoc<'a> {
    /// The due document for `lists`.
    pub(crate) fn new(as_of: NaiveDate, lists: &'a DueLists<'a>) -> DueDoc<'a> {
        DueDoc {
            version: VERSION,
            as_of,
            within: lists.within,
            overdue: &lists.overdue,
            due_soon: &lists.due_soon,
            unscheduled: &lists.unscheduled,
        }
    }
}

/// `comply gaps --format json`.
#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct GapsDoc<'a> {
    version: u32,
    as_of: NaiveDate,
    gaps: &'a [&'a ControlView],
    unproven: &'a [&'a ControlView],
}

impl<'a> GapsDoc<'a> {
    /// The gaps document: gaps (controls not implemented) and unproven
    /// controls (implemented, evidence not all present).
    pub(crate) fn new(
        as_of: NaiveDate,
        gaps: &'a [&'a ControlView],
        unproven: &'a [&'a ControlView],
    ) -> GapsDoc<'a> {
        GapsDoc {
            version: VERSION,
            as_of,
            gaps,
            unproven,
        }
    }
}

/// `comply coverage --format json`.
#[derive(Serialize, schemars::JsonSchema)]
pub struct CoverageDoc<'a> {
    version: u32,
    as_of: NaiveDate,
    #[serde(flatten)]
    coverage: &'a Coverage,
}

impl<'a> CoverageDoc<'a> {
    /// The coverage document.
    pub fn new(as_of: NaiveDate, coverage: &'a Coverage) -> CoverageDoc<'a> {
        CoverageDoc {
            version: VERSION,
            as_of,
            coverage,
        }
    }
}

/// `comply check --format json`.
#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct CheckDoc<'a> {
    version: u32,
    as_of: NaiveDate,
    passed: bool,
    fail_on: Risk,
    fail_on_stale: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    undetermined: Option<&'a str>,
    offenders: &'a [Offender],
    accepted: &'a [Accepted],
    acceptances: &'a [Acceptance],
    checked: &'a [Checked],
    summary: String,
}

impl<'a> CheckDoc<'a> {
    /// The check document for `gate`.
    pub(crate) fn new(as_of: NaiveDate, gate: &'a Gate) -> CheckDoc<'a> {
        CheckDoc {
            version: VERSION,
            as_of,
            passed: gate.passed,
            fail_on: gate.fail_on,
            fail_on_stale: gate.fail_on_stale,
            undetermined: gate.undetermined.as_deref(),
            offenders: &gate.offenders,
            accepted: &gate.accepted,
            acceptances: &gate.acceptances,
            checked: &gate.checked,
            summary: crate::report::words::gate_summary(gate),
        }
    }
}

/// The JSON documents comply writes, by the name `comply schema` takes,
/// with what writes them.
pub const OUTPUTS: &[(&str, &str)] = &[
    ("validate", "comply validate --format json"),
    ("status", "comply status --format json"),
    ("due", "comply due --format json"),
    ("gaps", "comply gaps --format json"),
    ("check", "comply check --format json"),
    ("ratchet", "comply check --baseline REV --format json"),
    ("evidence", "comply evidence --format json"),
    ("manifest", "comply evidence --manifest FILE"),
    ("verify", "comply evidence --verify FILE --format json"),
    ("trend", "comply trend --format json"),
    ("diff", "comply diff REV1 [REV2] --format json"),
    ("report", "comply report --format json"),
    ("coverage", "comply coverage --format json"),
    ("soa", "comply report soa --format json"),
    ("audit", "comply audit --format json"),
    ("pack-manifest", "manifest.json of comply pack"),
];

/// The JSON Schema of the output document `kind` (see [`OUTPUTS`]).
pub(crate) fn schema(kind: &str) -> Option<schemars::Schema> {
    use schemars::schema_for;
    Some(match kind {
        "validate" => schema_for!(ValidateDoc),
        "status" => schema_for!(StatusDoc<'static>),
        "due" => schema_for!(DueDoc<'static>),
        "gaps" => schema_for!(GapsDoc<'static>),
        "check" => schema_for!(CheckDoc<'static>),
        "ratchet" => schema_for!(RatchetDoc<'static>),
        "evidence" => schema_for!(EvidenceDoc<'static>),
        "manifest" => schema_for!(crate::manifest::Manifest),
        "verify" => schema_for!(VerifyDoc<'static>),
        "trend" => schema_for!(TrendDoc<'static>),
        "diff" => schema_for!(DiffDoc<'static>),
        "report" => schema_for!(crate::report::Report),
        "coverage" => schema_for!(CoverageDoc<'static>),
        "soa" => schema_for!(crate::soa::Soa),
        "audit" => schema_for!(AuditDoc<'static>),
        "pack-manifest" => schema_for!(crate::manifest::PackManifest),
        _ => return None,
    })
}

/// `comply validate --format json`.
#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct ValidateDoc {
    version: u32,
    valid: bool,
    errors: usize,
    warnings: usize,
    diagnostics: Vec<DiagnosticDoc>,
}

#[derive(Serialize, schemars::JsonSchema)]
struct DiagnosticDoc {
    severity: Severity,
    code: &'static str,
    file: String,
    line: Option<usize>,
    column: Option<usize>,
    message: String,
    hint: Option<String>,
}

impl ValidateDoc {
    /// The validate document for `diagnostics`.
    pub(crate) fn new(diagnostics: &[Diagnostic]) -> ValidateDoc {
        let errors = diagnostics.iter().filter(|d| d.is_error()).count();
        ValidateDoc {
            version: VERSION,
            valid: errors == 0,
            errors,
            warnings: diagnostics.len() - errors,
            diagnostics: diagnostics
                .iter()
                .map(|d| DiagnosticDoc {
                    severity: d.severity,
                    code: d.code.as_str(),
                    file: d.location.file.to_string_lossy().replace('\\', "/"),
                    line: d.location.pos.map(|p| p.line),
                    column: d.location.pos.map(|p| p.column),
                    message: d.message.clone(),
                    hint: d.hint.clone(),
                })
                .collect(),
        }
    }
}

/// `comply evidence --format json`.
#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct EvidenceDoc<'a> {
    version: u32,
    as_of: NaiveDate,
    /// Why freshness is unknown, when it is.
    freshness_unknown: Option<&'a str>,
    evidence: &'a [Row<'a>],
}

impl<'a> EvidenceDoc<'a> {
    /// The evidence document.
    pub(crate) fn new(
        as_of: NaiveDate,
        freshness_unknown: Option<&'a str>,
        evidence: &'a [Row<'a>],
    ) -> EvidenceDoc<'a> {
        EvidenceDoc {
            version: VERSION,
            as_of,
            freshness_unknown,
            evidence,
        }
    }
}

/// `comply evidence --verify FILE --format json`.
#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct VerifyDoc<'a> {
    version: u32,
    unchanged: bool,
    #[serde(flatten)]
    changes: &'a Changes,
}

impl<'a> VerifyDoc<'a> {
    /// The verify document.
    pub(crate) fn new(changes: &'a Changes) -> VerifyDoc<'a> {
        VerifyDoc {
            version: VERSION,
            unchanged: changes.is_empty(),
            changes,
        }
    }
}

/// `comply audit --format json`.
#[derive(Serialize, schemars::JsonSchema)]
pub struct AuditDoc<'a> {
    version: u32,
    #[serde(flatten)]
    audit: &'a crate::audit::Audit,
}

impl<'a> AuditDoc<'a> {
    /// The audit document.
    pub fn new(audit: &'a crate::audit::Audit) -> AuditDoc<'a> {
        AuditDoc {
            version: VERSION,
            audit,
        }
    }
}

/// `comply trend --format json`.
#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct TrendDoc<'a> {
    version: u32,
    as_of: NaiveDate,
    periods: &'a [TrendPoint],
}

impl<'a> TrendDoc<'a> {
    /// The trend document.
    pub(crate) fn new(as_of: NaiveDate, periods: &'a [TrendPoint]) -> TrendDoc<'a> {
        TrendDoc {
            version: VERSION,
            as_of,
            periods,
        }
    }
}

/// `comply check --baseline REV --format json`.
#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct RatchetDoc<'a> {
    version: u32,
    baseline: &'a str,
    passed: bool,
    #[serde(flatten)]
    comparison: &'a Comparison,
}

impl<'a> RatchetDoc<'a> {
    /// The ratchet document.
    pub(crate) fn new(baseline: &'a str, comparison: &'a Comparison) -> RatchetDoc<'a> {
        RatchetDoc {
            version: VERSION,
            baseline,
            passed: comparison.worse.is_empty(),
            comparison,
        }
    }
}

/// `comply diff --format json`.
#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct DiffDoc<'a> {
    version: u32,
    from: &'a str,
    to: &'a str,
    #[serde(flatten)]
    diff: &'a ReviewDiff,
}

impl<'a> DiffDoc<'a> {
    /// The diff document.
    pub(crate) fn new(from: &'a str, to: &'a str, diff: &'a ReviewDiff) -> DiffDoc<'a> {
        DiffDoc {
            version: VERSION,
            from,
            to,
            diff,
        }
    }
}

/// Writes `doc` as pretty JSON and a final newline, streamed (a large
/// status document is never held in memory as text).
pub(crate) fn write(out: &mut dyn Write, doc: &impl Serialize) -> io::Result<()> {
    // A buffer of its own: the serializer makes a call for every bracket,
    // indent and quote, which through `dyn Write` cost a fifth of a large
    // `status --format json`.
    let mut buffered = io::BufWriter::with_capacity(1 << 16, out);
    let mut serializer =
        serde_json::Serializer::with_formatter(&mut buffered, SafeFormatter::default());
    doc.serialize(&mut serializer)?;
    writeln!(buffered)?;
    buffered.flush()
}

/// serde_json's pretty layout (two spaces a level, `": "` after a key),
/// writing every character [`crate::text::is_unsafe`] names (bidi controls,
/// line separators, noncharacters, ...) as a `\u` escape, so a document
/// printed to a CI log cannot reorder or hide text. serde_json already
/// escapes ASCII controls; the others only occur inside strings, where the
/// escape means the same character.
///
/// It writes each line break with its comma and indent in one call, where
/// serde_json's `PrettyFormatter` makes one call per level: a large status
/// document has two million lines.
#[derive(Default)]
struct SafeFormatter {
    /// How many arrays and objects are open.
    level: usize,
    /// Whether the innermost open array or object has a value yet.
    has_value: bool,
}

/// A comma, a line break and the indent of [`BREAK_LEVELS`] levels.
const BREAK: &[u8; 2 + 2 * BREAK_LEVELS] = &{
    let mut line = [b' '; 2 + 2 * BREAK_LEVELS];
    line[0] = b',';
    line[1] = b'\n';
    line
};

/// How deep [`BREAK`] indents in one piece; deeper lines take more calls.
const BREAK_LEVELS: usize = 32;

impl SafeFormatter {
    /// Starts a new line at the current level, after a comma unless it is
    /// the first value.
    fn line<W: ?Sized + Write>(&self, writer: &mut W, comma: bool) -> io::Result<()> {
        let start = usize::from(!comma);
        let shallow = self.level.min(BREAK_LEVELS);
        writer.write_all(&BREAK[start..2 + 2 * shallow])?;
        for _ in shallow..self.level {
            writer.write_all(b"  ")?;
        }
        Ok(())
    }

    /// Closes an array or object with `close`, on a line of its own when it
    /// holds a value.
    fn close<W: ?Sized + Write>(&mut self, writer: &mut W, close: &[u8]) -> io::Result<()> {
        self.level = self.level.saturating_sub(1);
        if self.has_value {
            self.line(writer, false)?;
        }
        writer.write_all(close)
    }
}

impl Formatter for SafeFormatter {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        // Most text is ASCII, which holds no unsafe character.
        if fragment.is_ascii() {
            return writer.write_all(fragment.as_bytes());
        }
        let unsafe_char = |c: char| !c.is_ascii() && crate::text::is_unsafe(c);
        let mut rest = fragment;
        while let Some((at, c)) = rest.char_indices().find(|(_, c)| unsafe_char(*c)) {
            writer.write_all(&rest.as_bytes()[..at])?;
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                write!(writer, "\\u{unit:04x}")?;
            }
            rest = &rest[at + c.len_utf8()..];
        }
        writer.write_all(rest.as_bytes())
    }

    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.level += 1;
        self.has_value = false;
        writer.write_all(b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.line(writer, !first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.level += 1;
        self.has_value = false;
        writer.write_all(b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.line(writer, !first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A value with empty and nested arrays and objects, nested deeper
    /// than [`BREAK_LEVELS`].
    fn nested(depth: usize) -> serde_json::Value {
        let mut value =
            serde_json::json!({"a": [], "b": {}, "c": [1, "x", null], "d": {"e": [[]]}});
        for level in 0..depth {
            value = if level % 2 == 0 {
                serde_json::json!({"k": value, "empty": [], "n": level})
            } else {
                serde_json::json!([value, {}, level])
            };
        }
        value
    }

    #[test]
    fn the_layout_is_serde_jsons_pretty_layout_at_every_depth() {
        for depth in [0, 1, 2, BREAK_LEVELS - 1, BREAK_LEVELS, BREAK_LEVELS + 7] {
            let value = nested(depth);
            let mut written = Vec::new();
            write(&mut written, &value).unwrap_or_else(|e| panic!("{e}"));
            let expected = serde_json::to_string_pretty(&value).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(
                String::from_utf8_lossy(&written),
                expected + "\n",
                "{depth}"
            );
        }
    }
}
