//! The Statement of Applicability written out: Markdown (and through it
//! HTML), and CSV per RFC 4180 for auditors' spreadsheets.

use std::fmt::Write as _;

use super::markdown::{Flavor, escape, escape_line, slug, table, tag};
use crate::soa::{Soa, SoaEvidence, SoaRow};

/// The CSV columns, one row per control.
const CSV_HEADER: [&str; 10] = [
    "framework",
    "control",
    "title",
    "applicable",
    "justification",
    "status",
    "basis",
    "status_from",
    "evidence",
    "items",
];

/// The statement as Markdown: one table per framework.
pub(crate) fn markdown(soa: &Soa, flavor: Flavor) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Statement of Applicability: {}\n\nAs of {}. Each control, whether it applies and why, \
         its implementation status (its own, or inherited from the controls that satisfy it), \
         its evidence and its backlog items.\n",
        escape_line(&soa.title),
        soa.as_of
    );
    if soa.frameworks.is_empty() {
        out.push_str("None.\n");
    }
    for framework in &soa.frameworks {
        let _ = writeln!(
            out,
            "## <a id=\"{}\"></a>{} ({})\n\n{} controls: {} applicable, {} excluded.\n",
            slug(&["soa", &framework.id]),
            escape(&framework.name),
            escape(&framework.id),
            framework.controls.len(),
            framework.applicable,
            framework.excluded
        );
        let rows = framework
            .controls
            .iter()
            .map(|r| {
                vec![
                    escape(&r.id),
                    escape(&r.title),
                    if r.applicable { "yes" } else { "no" }.to_string(),
                    escape(justification(r).unwrap_or("-")),
                    status_cell(r, flavor),
                    list_cell(r.evidence.iter().map(evidence_text)),
                    list_cell(r.items.iter().cloned()),
                ]
            })
            .collect();
        table(
            &mut out,
            &[
                "Control",
                "Title",
                "Applicable",
                "Justification",
                "Status",
                "Evidence",
                "Items",
            ],
            rows,
        );
    }
    out
}

/// What an excluded control without a justification says instead: ISO
/// 27001 (6.1.3 d) asks for one for every exclusion.
const NOT_JUSTIFIED: &str = "none written (an exclusion needs one)";

/// A row's justification, [`NOT_JUSTIFIED`] for an excluded control
/// without one.
fn justification(row: &SoaRow) -> Option<&str> {
    match row.justification.as_deref() {
        Some(why) if !why.trim().is_empty() => Some(why),
        _ if !row.applicable => Some(NOT_JUSTIFIED),
        _ => None,
    }
}

fn status_cell(row: &SoaRow, flavor: Flavor) -> String {
    let word = tag(flavor, "status", row.status.as_str());
    if row.status_from.is_empty() {
        word
    } else {
        format!("{word} (from {})", escape(&row.status_from.join(", ")))
    }
}

fn evidence_text(e: &SoaEvidence) -> String {
    match &e.from {
        Some(from) => format!("{} ({}, from {from})", e.path, e.state),
        None => format!("{} ({})", e.path, e.state),
    }
}

fn list_cell(texts: impl Iterator<Item = String>) -> String {
    let texts: Vec<String> = texts.map(|t| escape(&t)).collect();
    if texts.is_empty() {
        "-".to_string()
    } else {
        texts.join("; ")
    }
}

/// `text` safe to open in a spreadsheet: a cell that would start a
/// formula (`=`, `+`, `-`, `@`, a tab or carriage return) gets a leading
/// `'`, as OWASP advises against CSV injection.
fn inert_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// The statement as CSV: a header, then one row per control; lists inside
/// a cell are joined with `; `.
///
/// # Errors
/// Only if the CSV writer fails, which writing to memory does not.
pub(crate) fn csv(soa: &Soa) -> anyhow::Result<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(CSV_HEADER)?;
    for framework in &soa.frameworks {
        for r in &framework.controls {
            let evidence: Vec<String> = r.evidence.iter().map(evidence_text).collect();
            let record = [
                framework.id.as_str(),
                &r.id,
                &r.title,
                if r.applicable { "yes" } else { "no" },
                justification(r).unwrap_or_default(),
                r.status.as_str(),
                r.basis.as_str(),
                &r.status_from.join("; "),
                &evidence.join("; "),
                &r.items.join("; "),
            ];
            writer.write_record(record.map(inert_cell))?;
        }
    }
    Ok(String::from_utf8(writer.into_inner()?)?)
}
