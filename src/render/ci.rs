//! Gate output for CI systems: GitHub Actions annotations and JUnit XML.

use std::io::{self, Write};

use crate::analysis::Analysis;
use crate::gate::Offender;

/// One `::error file=...,line=...::` annotation per offender, then the
/// verdict as a notice or an error. `prefix` is the comply root's path
/// inside the git repository (`""` or ending in `/`), since GitHub resolves
/// annotation paths from the repository's top.
pub fn github(out: &mut dyn Write, analysis: &Analysis, prefix: &str) -> io::Result<()> {
    let gate = &analysis.gate;
    for o in &gate.offenders {
        writeln!(
            out,
            "::error file={},line={},title={}::{}",
            property(&format!("{prefix}{}", o.source.file)),
            o.source.line,
            property(&format!("comply: {} {} ({} risk)", o.kind, o.id, o.risk)),
            data(&format!("{}: {}", o.title, o.describe()))
        )?;
    }
    let level = if gate.passed { "notice" } else { "error" };
    writeln!(
        out,
        "::{level} title=comply check::{}",
        data(&gate.summary())
    )
}

/// A JUnit XML report: one test case per gated item (every item at or above
/// the threshold) and per offending control, failed when it offends.
pub fn junit(out: &mut dyn Write, analysis: &Analysis) -> io::Result<()> {
    let gate = &analysis.gate;
    let mut cases: Vec<(String, String, String, usize, Vec<&Offender>)> = analysis
        .items
        .iter()
        .filter(|i| i.risk.at_least(gate.fail_on))
        .map(|i| {
            let offences = gate
                .offenders
                .iter()
                .filter(|o| o.kind == "item" && o.id == i.id)
                .collect();
            (
                i.framework.clone(),
                format!("{} {}", i.id, i.title),
                i.source.file.to_string(),
                i.source.line,
                offences,
            )
        })
        .collect();
    for o in gate.offenders.iter().filter(|o| o.kind == "control") {
        cases.push((
            o.framework.clone(),
            format!("{} {}", o.id, o.title),
            o.source.file.to_string(),
            o.source.line,
            vec![o],
        ));
    }
    let failures = cases.iter().filter(|c| !c.4.is_empty()).count();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="comply check" tests="{}" failures="{failures}">"#,
        cases.len()
    )?;
    writeln!(
        out,
        r#"  <testsuite name="comply check (fail on {} risk, as of {})" tests="{}" failures="{failures}">"#,
        gate.fail_on,
        analysis.as_of,
        cases.len()
    )?;
    for (framework, name, file, line, offences) in &cases {
        write!(
            out,
            r#"    <testcase classname="{}" name="{}" file="{}" line="{line}""#,
            xml(framework),
            xml(name),
            xml(file)
        )?;
        if offences.is_empty() {
            writeln!(out, "/>")?;
            continue;
        }
        writeln!(out, ">")?;
        for o in offences {
            let kind = match o.reason {
                crate::gate::Reason::Overdue { .. } => "overdue",
                crate::gate::Reason::DoneWithoutEvidence { .. } => "done-without-evidence",
                crate::gate::Reason::StaleEvidence { .. } => "stale-evidence",
                crate::gate::Reason::AcceptanceExpired { .. } => "acceptance-expired",
            };
            writeln!(
                out,
                r#"      <failure type="{kind}" message="{}"/>"#,
                xml(&o.describe())
            )?;
        }
        writeln!(out, "    </testcase>")?;
    }
    writeln!(out, "  </testsuite>\n</testsuites>")
}

/// Escapes an annotation's message.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes an annotation's property value.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Escapes XML attribute text (line breaks become spaces).
fn xml(text: &str) -> String {
    crate::report::xml_escape(&text.replace(['\n', '\r', '\t'], " "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(property("a:b,c"), "a%3Ab%2Cc");
        assert_eq!(xml("<a & \"b\">"), "&lt;a &amp; &quot;b&quot;&gt;");
    }
}
