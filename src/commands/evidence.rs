//! `comply evidence`: every evidence entry with its state and last commit,
//! and evidence manifests (write and verify).

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use sha2::{Digest, Sha256};

use super::steps::{self, Analysed, Context, Exit};
use clap::Args;

use crate::analysis::SubjectKind;
use crate::args::{Format, OutputArgs};
use crate::evidence::{EvidenceState, WorkTree};
use crate::git::History;
use crate::manifest::{self, FileRecord, Manifest};
use crate::render::{Row, json, table};
use crate::workspace::Workspace;

/// Arguments of `comply evidence`.
#[derive(Debug, Args)]
pub struct EvidenceArgs {
    /// Only stale evidence
    #[arg(long)]
    pub(crate) stale: bool,
    /// Only evidence that is not present (missing, empty or outside)
    #[arg(long)]
    pub(crate) missing: bool,
    /// Write a manifest (path, size, SHA-256, last commit) of every evidence file to FILE
    /// (`-` is standard output)
    #[arg(long, value_name = "FILE", conflicts_with = "verify")]
    pub(crate) manifest: Option<PathBuf>,
    /// Compare the evidence files with a manifest; exit 1 if anything was added, removed or changed
    #[arg(long, value_name = "FILE")]
    pub(crate) verify: Option<PathBuf>,
    /// Replace the manifest FILE if it exists
    #[arg(long, requires = "manifest")]
    pub(crate) force: bool,
    /// Output.
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

/// Runs `comply evidence`.
pub(crate) fn run(
    args: &EvidenceArgs,
    ctx: &Context,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Exit> {
    let Some((workspace, analysed)) = steps::open_analysed(ctx, |o| o, true, err)? else {
        return Ok(Exit::Invalid);
    };
    let (workspace, analysed, style) = (&workspace, &analysed, ctx.style);
    if args.manifest.is_some() || args.verify.is_some() {
        if workspace.at.is_some() {
            anyhow::bail!("manifests describe the working tree; drop --at");
        }
        let current = current_manifest(workspace, analysed)?;
        if let Some(path) = &args.manifest {
            let mut text = serde_json::to_string_pretty(&current)?;
            text.push('\n');
            crate::write::to(path, text.as_bytes(), args.force, out)?;
            writeln!(
                err,
                "wrote {} ({} evidence files)",
                if crate::write::is_stdout(path) {
                    "the manifest to standard output".to_string()
                } else {
                    path.display().to_string()
                },
                current.files.len()
            )?;
            return Ok(Exit::Success);
        }
        if let Some(path) = &args.verify {
            return verify(path, &current, args.output.format == Format::Json, out);
        }
    }
    let analysis = &analysed.analysis;
    let mut rows: Vec<Row<'_>> = analysis
        .controls
        .iter()
        .flat_map(|c| {
            c.evidence
                .iter()
                .map(move |e| (SubjectKind::Control, c.framework.as_str(), c.id.as_str(), e))
        })
        // A control's cadence is listed once, as the control.
        .chain(
            analysis
                .items
                .iter()
                .filter(|i| !i.is_control_cadence())
                .flat_map(|i| {
                    i.evidence
                        .iter()
                        .map(move |e| (i.kind, i.framework.as_str(), i.id.as_str(), e))
                }),
        )
        .filter(|(_, _, _, e)| !args.stale || e.state == EvidenceState::Stale)
        .filter(|(_, _, _, e)| !args.missing || !e.state.is_present())
        .map(|(kind, framework, id, evidence)| Row {
            kind,
            framework,
            id,
            evidence,
        })
        .collect();
    rows.sort_by(|a, b| (&a.evidence.path, a.kind, a.id).cmp(&(&b.evidence.path, b.kind, b.id)));
    let freshness = match &analysed.history {
        History::Unknown(why) => Some(why.as_str()),
        History::Known { .. } => None,
    };
    if args.output.format == Format::Json {
        json::write(
            out,
            &json::EvidenceDoc::new(analysis.as_of, freshness, &rows),
        )?;
    } else {
        table::evidence(out, &rows, style)?;
    }
    steps::leave(ctx, (workspace, analysed));
    Ok(Exit::Success)
}

/// The manifest of every evidence file as it is in the working tree.
fn current_manifest(workspace: &Workspace, analysed: &Analysed) -> anyhow::Result<Manifest> {
    let tree = WorkTree::new(&workspace.root);
    let paths: BTreeSet<&String> = analysed.states.values().flat_map(|s| &s.files).collect();
    let mut files = Vec::with_capacity(paths.len());
    for path in paths {
        let Some(real) = tree.real_file(path) else {
            continue;
        };
        let (size, sha256) = hash(&real).with_context(|| format!("cannot read `{path}`"))?;
        let change = match &analysed.history {
            History::Known { changes, .. } => changes.get(path.as_str()),
            History::Unknown(_) => None,
        };
        files.push(FileRecord {
            path: path.clone(),
            size,
            sha256,
            commit: change.map(|c| c.commit.clone()),
            date: change.map(|c| c.date.to_string()),
        });
    }
    Ok(Manifest {
        version: manifest::VERSION,
        files,
    })
}

/// The size and SHA-256 (lower-case hex) of the file at `path`.
pub(super) fn hash(path: &Path) -> std::io::Result<(u64, String)> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(&buffer[..n]);
    }
    Ok((size, crate::manifest::hex(&hasher.finalize())))
}

/// Largest manifest `--verify` reads (64 MiB: a million files).
pub(crate) const MAX_MANIFEST_BYTES: u64 = 64 * 1024 * 1024;

/// Reads a manifest: a regular file (a symlink to one is fine) within
/// [`MAX_MANIFEST_BYTES`]. A FIFO, a device such as `/dev/zero` or a
/// directory is refused before anything is read; the file is opened without
/// blocking, so a FIFO swapped in after the check cannot hang the run.
fn read_manifest(path: &Path) -> anyhow::Result<String> {
    let shown = path.display();
    let check = |meta: std::fs::Metadata| {
        if !meta.is_file() {
            anyhow::bail!("`{shown}` is not a regular file; a manifest is a JSON file");
        }
        if meta.len() > MAX_MANIFEST_BYTES {
            anyhow::bail!(
                "`{shown}` is {} bytes, over the limit of {MAX_MANIFEST_BYTES} bytes for a manifest",
                meta.len()
            );
        }
        Ok(())
    };
    check(std::fs::metadata(path).with_context(|| format!("cannot read `{shown}`"))?)?;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        const O_NONBLOCK: i32 = 0o4000;
        options.custom_flags(O_NONBLOCK);
    }
    let file = options
        .open(path)
        .with_context(|| format!("cannot read `{shown}`"))?;
    check(file.metadata()?)?;
    let mut bytes = Vec::new();
    file.take(MAX_MANIFEST_BYTES + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read `{shown}`"))?;
    if bytes.len() as u64 > MAX_MANIFEST_BYTES {
        anyhow::bail!("`{shown}` grew over the limit of {MAX_MANIFEST_BYTES} bytes while read");
    }
    String::from_utf8(bytes).map_err(|_| anyhow::anyhow!("`{shown}` is not UTF-8 text"))
}

fn verify(
    path: &Path,
    current: &Manifest,
    as_json: bool,
    out: &mut dyn Write,
) -> anyhow::Result<Exit> {
    let text = read_manifest(path)?;
    let recorded: Manifest = serde_json::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "{}:{}:{}: not a comply manifest: {e}",
            path.display(),
            e.line(),
            e.column()
        )
    })?;
    let changes = manifest::compare(&recorded, current);
    if as_json {
        json::write(out, &json::VerifyDoc::new(&changes))?;
    } else {
        for (word, paths) in [
            ("added", &changes.added),
            ("removed", &changes.removed),
            ("changed", &changes.changed),
        ] {
            for p in paths {
                writeln!(out, "{word}: {}", crate::text::inert(p))?;
            }
        }
        if changes.is_empty() {
            writeln!(
                out,
                "evidence matches the manifest ({} files)",
                current.files.len()
            )?;
        } else {
            writeln!(
                out,
                "evidence differs from the manifest: {} added, {} removed, {} changed",
                changes.added.len(),
                changes.removed.len(),
                changes.changed.len()
            )?;
        }
    }
    Ok(if changes.is_empty() {
        Exit::Success
    } else {
        Exit::GateFailed
    })
}
