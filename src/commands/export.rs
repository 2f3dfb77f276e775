//! `comply export poam` and `comply export assessment-results`: the I/O
//! around the pure `crate::oscal` (evidence files hashed, the analysed
//! commit's date read, the document written).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use clap::{Args, Subcommand};

use super::steps::{self, Context, Exit};
use crate::args::GateArgs;
use crate::evidence::WorkTree;
use crate::format::FileKind;
use crate::git::History;
use crate::oscal::{self, Facts, Input};

/// The OSCAL documents `comply export` writes.
#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// The backlog as an OSCAL plan of action and milestones (POA&M): one
    /// poam-item and risk per item, evidence as observations with SHA-256
    /// hashes, checklists as remediations, risk acceptances as
    /// deviation-approved
    Poam(ExportArgs),
    /// The gate's verdict as OSCAL assessment results: a finding per control
    /// and per judged item or review, satisfied or not-satisfied
    AssessmentResults(ResultsArgs),
}

/// Where `comply export` writes.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Write to FILE (`-` for standard output) [default: standard output]
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// Replace a file that exists
    #[arg(long)]
    pub(crate) force: bool,
}

/// Arguments of `comply export assessment-results`: where, and how the gate
/// judges (as `comply check` does).
#[derive(Debug, Args)]
pub struct ResultsArgs {
    /// Where to write.
    #[command(flatten)]
    pub(crate) export: ExportArgs,
    /// How the gate judges.
    #[command(flatten)]
    pub(crate) gate: GateArgs,
}

/// Runs `comply export poam` or `comply export assessment-results`.
pub(crate) fn run(
    what: &ExportCommand,
    ctx: &Context,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Exit> {
    let (args, gate) = match what {
        ExportCommand::Poam(args) => (args, None),
        ExportCommand::AssessmentResults(results) => (&results.export, Some(&results.gate)),
    };
    let options = |base| gate.map_or(base, |g: &GateArgs| g.apply(base));
    // History is always read: every observation is dated by its files'
    // last commit, not only when some `max_age_days` asks for freshness.
    let Some((workspace, analysed)) = steps::open_analysed(ctx, options, true, err)? else {
        return Ok(Exit::Invalid);
    };
    workspace.loaded.fits_documents("an export")?;
    let analysis = &analysed.analysis;
    let mut hashes = BTreeMap::new();
    let tree = WorkTree::new(&workspace.root);
    for file in analysed.states.values().flat_map(|s| &s.files) {
        if let Some(real) = tree.real_file(file) {
            let (_, sha) = super::evidence::hash(&real)
                .map_err(|e| anyhow::anyhow!("cannot read `{file}`: {e}"))?;
            hashes.insert(file.clone(), sha);
        }
    }
    let git = workspace.git.as_ref().ok();
    let (version, last_modified, uncommitted) = match git.and_then(|g| g.head_commit()) {
        Some((hash, date)) => {
            let changed = git
                .map(|g| g.changed_files("HEAD", None))
                .transpose()?
                .unwrap_or_default();
            let evidence: BTreeSet<&String> =
                analysed.states.values().flat_map(|s| &s.files).collect();
            // Evidence git does not hold as it is (ignored files included,
            // which `changed_files` never lists) changes the version too.
            let outside: Vec<&String> = match &analysed.history {
                History::Known { uncommitted, .. } => evidence
                    .iter()
                    .copied()
                    .filter(|f| uncommitted.contains(*f))
                    .collect(),
                History::Unknown(_) => Vec::new(),
            };
            let read: BTreeSet<&String> = changed
                .iter()
                .filter(|p| read_by_comply(p) || evidence.contains(p))
                .chain(outside)
                .collect();
            let read: Vec<&String> = read.into_iter().collect();
            match dirty(&workspace.root, &read)? {
                Some((print, newest)) => (
                    format!("commit {hash}+dirty.{print}"),
                    newest.unwrap_or(date),
                    read.len(),
                ),
                None => (format!("commit {hash}"), date, 0),
            }
        }
        None => (
            analysis.as_of.to_string(),
            oscal::midnight(analysis.as_of),
            0,
        ),
    };
    let facts = Facts {
        system: steps::title(&workspace.loaded, &ctx.root),
        last_modified,
        version,
        uncommitted,
        history_unknown: match &analysed.history {
            History::Unknown(why) => Some(why.clone()),
            History::Known { .. } => None,
        },
        evidence: &analysed.states,
        hashes: &hashes,
    };
    let input = Input {
        repo: &workspace.loaded.repository,
        analysis,
        facts: &facts,
    };
    let mut bytes = match what {
        ExportCommand::Poam(_) => match oscal::poam::poam(&input) {
            Some(document) => serde_json::to_vec_pretty(&document)?,
            None => {
                writeln!(
                    err,
                    "error: the backlog has no item, and a POA&M needs at least one; \
                     nothing was written"
                )?;
                return Ok(Exit::Invalid);
            }
        },
        ExportCommand::AssessmentResults(_) => {
            if let Some(why) = &analysis.gate.undetermined {
                writeln!(
                    err,
                    "error: the gate needs git history to date recurring work or evidence, \
                     and it is unavailable ({}); give it the full history, or pass \
                     --without-history to gate without it; nothing was written",
                    crate::text::inert(why)
                )?;
                return Ok(Exit::Invalid);
            }
            serde_json::to_vec_pretty(&oscal::results::results(&input))?
        }
    };
    bytes.push(b'\n');
    match &args.output {
        Some(path) => {
            crate::write::to(path, &bytes, args.force, out)?;
            if !crate::write::is_stdout(path) {
                writeln!(err, "wrote {}", path.display())?;
            }
        }
        None => out.write_all(&bytes)?,
    }
    steps::leave(ctx, (workspace, analysed));
    Ok(Exit::Success)
}

/// Whether comply reads the root-relative `path` as a repository file:
/// comply.yaml or a file of its directories.
fn read_by_comply(path: &str) -> bool {
    path == "comply.yaml"
        || FileKind::directories().any(|dir| {
            path.strip_prefix(dir)
                .is_some_and(|rest| rest.starts_with('/'))
        })
}

/// For the files comply reads that differ from the commit (`changed`,
/// root-relative): a fingerprint of their paths and contents (12 hex
/// digits of a SHA-256, so two different uncommitted states never share a
/// version) and the newest modification time among them (as an OSCAL
/// date-time); `None` when nothing differs.
fn dirty(root: &Path, changed: &[&String]) -> anyhow::Result<Option<(String, Option<String>)>> {
    if changed.is_empty() {
        return Ok(None);
    }
    let mut print = Sha256::new();
    let mut newest: Option<std::time::SystemTime> = None;
    for path in changed {
        let full = root.join(path);
        let content = match std::fs::symlink_metadata(&full) {
            Ok(meta) if meta.is_file() => {
                newest = newest.max(meta.modified().ok());
                super::evidence::hash(&full)
                    .map_err(|e| anyhow::anyhow!("cannot read `{path}`: {e}"))?
                    .1
            }
            Ok(_) => "not a file".to_string(),
            Err(_) => "deleted".to_string(),
        };
        print.update(path.as_bytes());
        print.update([0]);
        print.update(content.as_bytes());
        print.update([0]);
    }
    let hex: String = print
        .finalize()
        .iter()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect();
    let newest = newest.map(|time| {
        chrono::DateTime::<chrono::Utc>::from(time)
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    });
    Ok(Some((hex, newest)))
}
