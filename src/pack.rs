//! The auditor's evidence pack: the evidence files that cover an audit
//! period, an index (`index.md`, `index.html`) grouped by framework and
//! control with the audit grid, `manifest.json` and `SHA256SUMS`. Pure: the
//! file contents and their commits come in as values, and the same values
//! give the same bytes (sorted entries, fixed timestamps and permissions in
//! the zip).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::io::Write as _;

use crate::audit::Audit;
use crate::cadence_periods::periods;
use crate::date::Span;
use crate::evidence::EvidenceMap;
use crate::git::LastCommit;
use crate::manifest::{PackManifest, PackRecord};
use crate::model::{Evidence, Repository};
use crate::report::{audit_grid, xml_escape};

/// Where the evidence files go inside the pack.
const FILES: &str = "files";

/// A control or review and the evidence files it contributes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Section {
    /// The framework.
    pub(crate) framework: String,
    /// The control or review id.
    pub(crate) id: String,
    /// Its title.
    pub(crate) title: String,
    /// Who answers for it.
    pub(crate) owner: Option<String>,
    /// Its evidence files (root-relative), sorted.
    pub(crate) files: BTreeSet<String>,
}

/// The sections of the pack: every control (not `not-applicable`) and every
/// review of `repo` with the files of its evidence that bear on `period`.
/// A `pattern` entry gives its files of the periods of the cadence inside
/// the audit period; an entry with `covers` counts only when its days
/// overlap the period; any other entry gives all its files.
#[must_use]
pub(crate) fn sections(repo: &Repository, period: Span, states: &EvidenceMap) -> Vec<Section> {
    let files_of = |evidence: &[Evidence], cadence| {
        let mut files = BTreeSet::new();
        for entry in evidence {
            let paths: Vec<String> = match (&entry.pattern, cadence) {
                (Some(pattern), Some(cadence)) => periods(cadence, period)
                    .iter()
                    .map(|p| pattern.replace(crate::format::PERIOD, &p.label))
                    .collect(),
                _ if entry.covers.is_some_and(|c| !c.overlaps(period)) => Vec::new(),
                _ => vec![entry.path.clone()],
            };
            for path in paths {
                if let Some(status) = states.get(&path).filter(|s| s.state.is_present()) {
                    files.extend(status.files.iter().cloned());
                }
            }
        }
        files
    };
    let mut sections = Vec::new();
    for framework in &repo.frameworks {
        for control in framework.controls.iter().filter(|c| c.applicable) {
            sections.push(Section {
                framework: framework.id.clone(),
                id: control.id.clone(),
                title: control.title.clone(),
                owner: control.owner.clone(),
                files: files_of(&control.evidence, control.cadence),
            });
        }
    }
    for review in &repo.reviews {
        sections.push(Section {
            framework: review.framework.clone().unwrap_or_default(),
            id: review.id.clone(),
            title: review.title.clone(),
            owner: review.owner.clone(),
            files: files_of(&review.evidence, Some(review.cadence)),
        });
    }
    sections.sort_by(|a, b| (&a.framework, &a.id).cmp(&(&b.framework, &b.id)));
    sections
}

/// One evidence file read for the pack.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Read {
    /// Root-relative path.
    pub(crate) path: String,
    /// Its bytes.
    pub(crate) bytes: Vec<u8>,
    /// The last commit that changed it, if committed.
    pub(crate) last: Option<LastCommit>,
    /// Whether the bytes packed are not that commit's: a working-tree file
    /// with uncommitted edits, or one never committed.
    pub(crate) uncommitted: bool,
    /// The commit that first added it, if committed.
    pub(crate) added: Option<LastCommit>,
}

/// What the pack is made of.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Inputs<'a> {
    /// The repository's name.
    pub(crate) title: &'a str,
    /// The commit read (`--at`), if any.
    pub(crate) at: Option<&'a str>,
    /// The grid.
    pub(crate) audit: &'a Audit,
    /// The controls and reviews with their files.
    pub(crate) sections: &'a [Section],
    /// The files, read.
    pub(crate) files: &'a [Read],
}

/// Every entry of the pack, by path inside it.
pub(crate) fn entries(inputs: &Inputs) -> anyhow::Result<BTreeMap<String, Vec<u8>>> {
    let mut entries = BTreeMap::new();
    let mut records = Vec::new();
    let mut sums = String::new();
    // Which grid periods and which sections each file stands for, gathered
    // once (a file-by-cell search is quadratic on large repositories).
    let mut covers: HashMap<&str, Vec<String>> = HashMap::new();
    for activity in &inputs.audit.activities {
        for cell in &activity.cells {
            if let Some(file) = &cell.file {
                covers
                    .entry(file.as_str())
                    .or_default()
                    .push(format!("{} {}", activity.id, cell.period));
            }
        }
    }
    let mut evidence_for: HashMap<&str, Vec<String>> = HashMap::new();
    for section in inputs.sections {
        for file in &section.files {
            evidence_for
                .entry(file.as_str())
                .or_default()
                .push(format!("{}:{}", section.framework, section.id));
        }
    }
    for file in inputs.files {
        let inside = format!("{FILES}/{}", file.path);
        let sha256 = crate::manifest::sha256_hex(&file.bytes);
        sums.push_str(&sums_line(&sha256, &inside));
        let covers = covers.remove(file.path.as_str()).unwrap_or_default();
        let evidence_for = evidence_for.remove(file.path.as_str()).unwrap_or_default();
        let committed = file.last.as_ref().filter(|_| !file.uncommitted);
        records.push(PackRecord {
            path: inside.clone(),
            source: file.path.clone(),
            size: file.bytes.len() as u64,
            sha256,
            // The manifest names a commit only for the bytes it holds.
            commit: committed.map(|c| c.commit.clone()),
            commit_date: committed.map(|c| c.date),
            author: committed.map(|c| c.author.clone()),
            uncommitted: file.uncommitted,
            added: file.added.as_ref().map(|c| c.date),
            covers,
            evidence_for,
        });
        entries.insert(inside, file.bytes.clone());
    }
    let manifest = PackManifest {
        version: crate::manifest::PACK_VERSION,
        title: inputs.title.to_string(),
        period: inputs.audit.period,
        at: inputs.at.map(str::to_string),
        files: records,
    };
    let mut json = serde_json::to_vec_pretty(&manifest)?;
    json.push(b'\n');
    entries.insert("manifest.json".into(), json);
    entries.insert("SHA256SUMS".into(), sums.into_bytes());
    let packed: BTreeSet<&str> = inputs.files.iter().map(|f| f.path.as_str()).collect();
    entries.insert("index.md".into(), index_md(inputs, &packed).into_bytes());
    entries.insert(
        "index.html".into(),
        index_html(inputs, &packed).into_bytes(),
    );
    Ok(entries)
}

/// `index.md`: the grid as a table, then each framework's controls and
/// reviews with links to their files.
fn index_md(inputs: &Inputs, packed: &BTreeSet<&str>) -> String {
    let esc = crate::report::markdown::escape;
    let audit = inputs.audit;
    let mut md = format!(
        "# Evidence pack: {}\n\nAudit period {} (grace {} days after each period), as of {}{}.\n\n",
        esc(inputs.title),
        audit.period,
        audit.grace_days,
        audit.as_of,
        inputs
            .at
            .map(|c| format!(", read at commit {c:.10}"))
            .unwrap_or_default()
    );
    md.push_str("## Recurring activities\n\n");
    if audit.activities.is_empty() {
        md.push_str("None.\n\n");
    }
    for activity in &audit.activities {
        let _ = writeln!(
            md,
            "### {} ({}, {})\n\n| period | state | file | committed |\n|---|---|---|---|",
            esc(&activity.id),
            activity.cadence,
            activity.risk
        );
        for cell in &activity.cells {
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} |",
                cell.period,
                cell.state,
                cell.file.as_deref().map(esc).unwrap_or_default(),
                cell.commit
                    .as_ref()
                    .map(|c| format!("{} {}", c.date, c.commit))
                    .unwrap_or_default()
            );
        }
        md.push('\n');
    }
    let mut framework = None;
    for section in inputs.sections {
        if framework != Some(&section.framework) {
            let _ = writeln!(md, "## {}\n", esc(&section.framework));
            framework = Some(&section.framework);
        }
        let _ = writeln!(md, "- **{}** {}", esc(&section.id), esc(&section.title));
        let files: Vec<&String> = section
            .files
            .iter()
            .filter(|f| packed.contains(f.as_str()))
            .collect();
        if files.is_empty() {
            md.push_str("  - no evidence file\n");
        }
        for file in files {
            let _ = writeln!(
                md,
                "  - [{}]({FILES}/{})",
                crate::report::markdown::link_text(file),
                link(file)
            );
        }
    }
    md
}

/// `index.html`: the same, with the grid drawn.
fn index_html(inputs: &Inputs, packed: &BTreeSet<&str>) -> String {
    let audit = inputs.audit;
    let mut html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Evidence pack: {title}</title>\
         <style>body{{font:14px/1.45 system-ui,sans-serif;max-width:1100px;margin:0 auto;padding:24px}}\
         .label{{font:12px system-ui,sans-serif}}.count{{font:bold 10px system-ui,sans-serif;fill:#fff}}\
         figure svg{{width:100%;height:auto}}</style></head><body><main>\n\
         <h1>Evidence pack: {title}</h1>\n<p>Audit period {} (grace {} days), as of {}.</p>\n{}\n",
        audit.period,
        audit.grace_days,
        audit.as_of,
        audit_grid(audit),
        title = xml_escape(inputs.title),
    );
    let mut framework = None;
    for section in inputs.sections {
        if framework != Some(&section.framework) {
            if framework.is_some() {
                html.push_str("</ul>\n");
            }
            let _ = writeln!(html, "<h2>{}</h2>\n<ul>", xml_escape(&section.framework));
            framework = Some(&section.framework);
        }
        let _ = write!(
            html,
            "<li><b>{}</b> {}<ul>",
            xml_escape(&section.id),
            xml_escape(&section.title)
        );
        let mut any = false;
        for file in section.files.iter().filter(|f| packed.contains(f.as_str())) {
            any = true;
            let _ = write!(
                html,
                "<li><a href=\"{FILES}/{}\">{}</a></li>",
                xml_escape(&link(file)),
                xml_escape(file)
            );
        }
        if !any {
            html.push_str("<li>no evidence file</li>");
        }
        html.push_str("</ul></li>\n");
    }
    if framework.is_some() {
        html.push_str("</ul>\n");
    }
    html.push_str("</main></body></html>\n");
    html
}

/// One line of `SHA256SUMS` in the format `sha256sum -c` reads: a name
/// holding a backslash, a newline or a carriage return is written escaped
/// (`\\`, `\n`, `\r`) after a leading backslash, as GNU coreutils does.
fn sums_line(sha256: &str, name: &str) -> String {
    if name.contains(['\\', '\n', '\r']) {
        let escaped = name
            .replace('\\', "\\\\")
            .replace('\n', "\\n")
            .replace('\r', "\\r");
        format!("\\{sha256}  {escaped}\n")
    } else {
        format!("{sha256}  {name}\n")
    }
}

/// A relative link to a file: each path part percent-encoded where it must be.
fn link(path: &str) -> String {
    let mut out = String::new();
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"/-_.~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// The entries as a zip archive: sorted, every entry dated 1980-01-01
/// 00:00 with permissions 0644 and deflated, so the same entries give the
/// same bytes.
pub(crate) fn zip(entries: &BTreeMap<String, Vec<u8>>) -> anyhow::Result<Vec<u8>> {
    use zip::write::SimpleFileOptions;
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::DEFAULT)
        .system(zip::System::Unix)
        .unix_permissions(0o644);
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (path, bytes) in entries {
        writer.start_file(path.as_str(), options)?;
        writer.write_all(bytes)?;
    }
    Ok(writer.finish()?.into_inner())
}
