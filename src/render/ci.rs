//! Gate output for CI systems: GitHub Actions annotations and JUnit XML.
//! Both are views of the same [`Gate`]: the offenders, the offenders a risk
//! acceptance covers, and everything the gate checked.

use std::fmt::Write as _;
use std::io::{self, Write};

use crate::acceptance::AcceptanceState;
use crate::analysis::Analysis;
use crate::gate::{Accepted, Gate, Offender, SubjectKind};
use crate::ratchet::{Change, Comparison};
use crate::report::xml_escape;

/// One `::error file=...,line=...::` annotation per offender, a `::notice`
/// per offender a risk acceptance covers, a `::warning` per acceptance
/// ending within the due-soon window, then the verdict as a notice or an
/// error. `prefix` is the comply root's path inside the git repository
/// (`""` or ending in `/`), since GitHub resolves annotation paths from the
/// repository's top. With `quiet`, only what fails: the errors and a failed
/// verdict.
pub(crate) fn github(
    out: &mut dyn Write,
    gate: &Gate,
    prefix: &str,
    quiet: bool,
) -> io::Result<()> {
    let file = |f: &str| property(&format!("{prefix}{f}"));
    for o in &gate.offenders {
        writeln!(
            out,
            "::error file={},line={},title={}::{}",
            file(&o.source.file),
            o.source.line,
            property(&format!("comply: {} {} ({} risk)", o.kind, o.id, o.risk)),
            data(&format!(
                "{}: {}",
                o.title,
                crate::report::words::describe(&o.reason)
            ))
        )?;
    }
    if quiet {
        if !gate.passed {
            writeln!(
                out,
                "::error title=comply check::{}",
                data(&crate::report::words::gate_summary(gate))
            )?;
        }
        return Ok(());
    }
    for a in &gate.accepted {
        let o = &a.offender;
        writeln!(
            out,
            "::notice file={},line={},title={}::{}",
            file(&o.source.file),
            o.source.line,
            property(&format!("comply: {} {} accepted", o.kind, o.id)),
            data(&format!(
                "{}: {} (risk accepted by {} until {}: {})",
                o.title,
                crate::report::words::describe(&o.reason),
                a.approved_by,
                a.until,
                a.acceptance_reason
            ))
        )?;
    }
    for a in gate
        .acceptances
        .iter()
        .filter(|a| a.state == AcceptanceState::Expiring)
    {
        writeln!(
            out,
            "::warning file={},line={},title={}::{}",
            file(&a.source.file),
            a.source.line,
            property(&format!(
                "comply: risk acceptance of {} ends soon",
                a.target
            )),
            data(&format!(
                "the risk acceptance of {} approved by {} ends on {}",
                a.target, a.approved_by, a.expires
            ))
        )?;
    }
    let level = if gate.passed { "notice" } else { "error" };
    writeln!(
        out,
        "::{level} title=comply check::{}",
        data(&crate::report::words::gate_summary(gate))
    )
}

/// The ratchet (`check --baseline REV --format github`): an `::error` per
/// change for the worse, a `::notice` per improvement, each on the line
/// that defines what changed when it still exists (`prefix` as for
/// [`github`]), then the verdict; with `quiet`, only the errors and a
/// failed verdict.
pub(crate) fn ratchet(
    out: &mut dyn Write,
    rev: &str,
    comparison: &Comparison,
    prefix: &str,
    quiet: bool,
) -> io::Result<()> {
    let shown: &[(&str, &[Change])] = if quiet {
        &[("error", &comparison.worse)]
    } else {
        &[
            ("error", &comparison.worse),
            ("notice", &comparison.improved),
        ]
    };
    for (level, changes) in shown {
        for change in *changes {
            let place = change.source.as_ref().map_or_else(String::new, |s| {
                format!(
                    "file={},line={},",
                    property(&format!("{prefix}{}", s.file)),
                    s.line
                )
            });
            writeln!(
                out,
                "::{level} {place}title={}::{}",
                property(&format!("comply ratchet: {} {}", change.kind, change.id)),
                data(&crate::report::words::ratchet_detail(&change.detail))
            )?;
        }
    }
    let failed = !comparison.worse.is_empty();
    if quiet && !failed {
        return Ok(());
    }
    writeln!(
        out,
        "::{} title=comply check --baseline::{}",
        if failed { "error" } else { "notice" },
        data(&ratchet_verdict(rev, comparison))
    )
}

/// The ratchet's verdict in one line.
fn ratchet_verdict(rev: &str, comparison: &Comparison) -> String {
    format!(
        "ratchet {}: {} worse, {} improved since {rev}",
        if comparison.worse.is_empty() {
            "passed"
        } else {
            "failed"
        },
        comparison.worse.len(),
        comparison.improved.len()
    )
}

/// The ratchet as Markdown for a CI job's summary page
/// (`GITHUB_STEP_SUMMARY`): the verdict, then every change for the worse
/// and every improvement (annotations show only ten of each kind).
pub(crate) fn ratchet_summary(title: &str, rev: &str, comparison: &Comparison) -> String {
    use crate::report::markdown::escape;
    let mut out = format!(
        "# comply check --baseline: {}\n\n**{}**\n",
        escape(title),
        escape(&ratchet_verdict(rev, comparison))
    );
    for (heading, changes) in [
        ("Worse (these fail the gate)", &comparison.worse),
        ("Improved", &comparison.improved),
    ] {
        if changes.is_empty() {
            continue;
        }
        let _ = write!(
            out,
            "\n## {heading}\n\n| Kind | Id | Change | Where |\n|---|---|---|---|\n"
        );
        for change in changes {
            let place = change.source.as_ref().map_or_else(
                || "-".to_string(),
                |s| escape(&format!("{}:{}", s.file, s.line)),
            );
            let _ = writeln!(
                out,
                "| {} | {} | {} | {place} |",
                change.kind,
                escape(&change.id),
                escape(&crate::report::words::ratchet_detail(&change.detail))
            );
        }
    }
    out
}

/// A JUnit XML report that validates against the common JUnit schema
/// (junit-10.xsd): one suite named `comply check`, one test case per subject
/// the gate checked ([`Gate::checked`]), failed by each of its offences,
/// skipped when a risk acceptance covers it. The timestamp is the as-of
/// date, so the same repository gives the same bytes.
pub(crate) fn junit(out: &mut dyn Write, analysis: &Analysis) -> io::Result<()> {
    let gate = &analysis.gate;
    let mut failures: Vec<Vec<&Offender>> = vec![Vec::new(); gate.checked.len()];
    for o in &gate.offenders {
        if let Some(list) = failures.get_mut(o.case) {
            list.push(o);
        }
    }
    let mut skips: Vec<Vec<&Accepted>> = vec![Vec::new(); gate.checked.len()];
    for a in &gate.accepted {
        if let Some(list) = skips.get_mut(a.offender.case) {
            list.push(a);
        }
    }
    let tests = gate.checked.len();
    let failed = failures.iter().filter(|f| !f.is_empty()).count();
    let skipped = failures
        .iter()
        .zip(&skips)
        .filter(|(f, s)| f.is_empty() && !s.is_empty())
        .count();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="comply check" tests="{tests}" failures="{failed}" errors="0" time="0">"#
    )?;
    writeln!(
        out,
        r#"  <testsuite name="comply check" tests="{tests}" failures="{failed}" errors="0" skipped="{skipped}" time="0" timestamp="{}T00:00:00">"#,
        analysis.as_of
    )?;
    writeln!(out, "    <properties>")?;
    for (name, value) in [
        ("as-of", analysis.as_of.to_string()),
        ("fail-on", gate.fail_on.to_string()),
        ("fail-on-stale", gate.fail_on_stale.to_string()),
    ] {
        writeln!(out, r#"      <property name="{name}" value="{value}"/>"#)?;
    }
    writeln!(out, "    </properties>")?;
    for ((case, failures), skips) in gate.checked.iter().zip(&failures).zip(&skips) {
        let classname = if case.framework.is_empty() {
            format!("comply.{}", case.kind)
        } else {
            format!("comply.{}.{}", case.framework, case.kind)
        };
        // Two acceptances of one target are two cases: name them by place.
        let name = match case.kind {
            SubjectKind::Acceptance => {
                format!("{} ({}:{})", case.id, case.source.file, case.source.line)
            }
            _ => case.id.clone(),
        };
        writeln!(
            out,
            r#"    <testcase classname="{}" name="{}" time="0">"#,
            xml_escape(&classname),
            xml_escape(&name)
        )?;
        for o in failures {
            writeln!(
                out,
                r#"      <failure type="{}" message="{}">{}:{}: {}</failure>"#,
                o.reason.code(),
                xml_escape(&crate::report::words::describe(&o.reason)),
                xml_escape(&o.source.file),
                o.source.line,
                xml_escape(&o.title)
            )?;
        }
        for a in skips {
            writeln!(
                out,
                r#"      <skipped type="{}" message="{}">{}:{}: {}</skipped>"#,
                a.offender.reason.code(),
                xml_escape(&format!(
                    "risk accepted by {} until {}: {}",
                    a.approved_by, a.until, a.acceptance_reason
                )),
                xml_escape(&a.acceptance_source.file),
                a.acceptance_source.line,
                xml_escape(&crate::report::words::describe(&a.offender.reason))
            )?;
        }
        writeln!(
            out,
            "      <system-out>{}:{}: {}</system-out>\n    </testcase>",
            xml_escape(&case.source.file),
            case.source.line,
            xml_escape(&case.title)
        )?;
    }
    writeln!(out, "  </testsuite>\n</testsuites>")
}

/// Escapes an annotation's message; unsafe characters are made inert first.
fn data(text: &str) -> String {
    crate::text::inert(text)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes an annotation's property value.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(data("50% done\nnext"), "50%25 done\\nnext");
        assert_eq!(property("a:b,c"), "a%3Ab%2Cc");
        assert_eq!(xml_escape("<a & \"b\">"), "&lt;a &amp; &quot;b&quot;&gt;");
    }
}
