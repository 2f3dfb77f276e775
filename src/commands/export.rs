//! `comply export poam` and `comply export assessment-results`: the I/O
//! around the pure `crate::oscal` (evidence files hashed, the analysed
//! commit's date read, the document written).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::steps::{self, Context, Exit};
use crate::args::GateArgs;
use crate::evidence::WorkTree;
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
    let Some((workspace, analysed)) = steps::open_analysed(ctx, options, false, err)? else {
        return Ok(Exit::Invalid);
    };
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
    let head = workspace.git.as_ref().ok().and_then(|g| g.head_commit());
    let (version, last_modified) = match head {
        Some((hash, date)) => (format!("commit {hash}"), date),
        None => (analysis.as_of.to_string(), oscal::midnight(analysis.as_of)),
    };
    let facts = Facts {
        system: steps::title(&workspace.loaded, &ctx.root),
        last_modified,
        version,
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
    Ok(Exit::Success)
}
