//! `comply import`: reads pages, imports them, plans every output file,
//! then writes (the I/O around the pure `crate::import`).
//!
//! Nothing is written until every page has been read and every output path
//! planned: a page that fails (without `--keep-going`), two pages giving
//! the same file (without `--merge`), or a file that exists (without
//! `--force` or `--merge`), a path blocked by a file or folder, an id
//! another file holds, or a `--force` that would drop entries stops the
//! import before the first write; then every file is staged beside its
//! place and all are moved in together.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde_norway::Value;

mod mappings;

use super::catalog::{self, ImportFrom};
use super::steps::{self, Exit};
use clap::{Args, ValueHint};

use crate::args::RiskArg;
use crate::format::FileKind;
use crate::import::{self, ImportOptions, Imported, Shapes, merge};
use crate::text::plural;

/// Arguments of `comply import`.
#[derive(Clone, Debug, Args)]
pub struct ImportArgs {
    /// Import from OSCAL instead of Markdown
    #[command(subcommand)]
    pub(crate) from: Option<ImportFrom>,
    /// Markdown pages to import (a folder stands for every .md page in
    /// it), or CSV crosswalks of mappings
    #[arg(required = true, value_name = "FILE.md|DIR|FILE.csv")]
    pub(crate) files: Vec<PathBuf>,
    /// Framework for whatever the page leaves open: used only where no
    /// heading, front matter, title or folder names one (popia, iso27001, soc2, ...)
    #[arg(long, value_name = "ID")]
    pub(crate) framework: Option<String>,
    /// A heading word that names a framework, such as `Privacy=popia`
    /// (repeatable; tried before the names comply knows)
    #[arg(long, value_name = "WORD=ID", value_hint = ValueHint::Other)]
    pub(crate) framework_word: Vec<String>,
    /// Which shapes to look for
    #[arg(long, value_enum, default_value_t = Shapes::Auto)]
    pub(crate) kind: Shapes,
    /// Write to FILE, or into DIR/backlog/ and DIR/controls/ when DIR is an
    /// existing directory [default: standard output]
    #[arg(long, short, value_name = "FILE|DIR")]
    pub(crate) output: Option<PathBuf>,
    /// Replace files that exist
    #[arg(long, conflicts_with = "merge")]
    pub(crate) force: bool,
    /// Update files that exist (and combine pages that give the same file):
    /// entries with a known id take the page's status, owner, evidence and
    /// links; new ids are added; nothing else changes
    #[arg(long)]
    pub(crate) merge: bool,
    /// Import the pages that can be imported and list the ones skipped
    /// (without it, one failing page means nothing is written)
    #[arg(long)]
    pub(crate) keep_going: bool,
    /// Fail (exit 2, nothing written) when anything on a page is not imported
    #[arg(long)]
    pub(crate) strict: bool,
    /// Prefix of generated item ids [default: from the file name]
    #[arg(long, value_name = "PREFIX", value_hint = ValueHint::Other)]
    pub(crate) id_prefix: Option<String>,
    /// Risk for items whose page gives none
    #[arg(long, value_enum, default_value_t = RiskArg::Medium, value_name = "RISK")]
    pub(crate) default_risk: RiskArg,
}

/// Most bytes of one Markdown page `import` reads.
pub(crate) const MAX_PAGE_BYTES: u64 = 8 * 1024 * 1024;

/// One file to write: its kind, content and the pages it comes from.
struct Output {
    path: Option<PathBuf>,
    kind: FileKind,
    value: Value,
    sources: Vec<String>,
    /// What `--merge` changed.
    merged: Vec<String>,
    /// The leading comment lines of the file merged into, kept.
    header: Option<String>,
    /// Values the page guessed, which `--merge` does not write over.
    guessed: merge::Guessed,
    /// Ids made from titles (lower case).
    generated: std::collections::HashSet<String>,
}

/// Runs `comply import`.
pub(crate) fn run(
    args: &ImportArgs,
    as_of: NaiveDate,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Exit> {
    if let Some(ImportFrom::Catalog(from)) = &args.from {
        return catalog::run(from, out, err);
    }
    // `-o -` is standard output, as without `--output`.
    if args.output.as_deref().is_some_and(crate::write::is_stdout) {
        let args = ImportArgs {
            output: None,
            ..args.clone()
        };
        return run(&args, as_of, out, err);
    }
    let csv = |f: &PathBuf| f.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if args.kind == Shapes::Mappings || args.files.iter().all(csv) {
        return mappings::run(args, out, err);
    }
    if steps::framework_refused(args.framework.as_deref(), err)? {
        return Ok(Exit::Invalid);
    }
    let settings = args
        .output
        .as_deref()
        .filter(|p| p.is_dir())
        .unwrap_or(Path::new("."))
        .join("comply.yaml");
    let mut framework_words = match settings_words(&settings) {
        Ok(words) => words,
        Err(problems) => {
            for problem in problems {
                writeln!(err, "{problem}")?;
            }
            writeln!(
                err,
                "error: `{}` is not valid; nothing was written",
                settings.display()
            )?;
            return Ok(Exit::Invalid);
        }
    };
    for word in &args.framework_word {
        match word.split_once('=') {
            Some((w, id)) if !w.trim().is_empty() && import::valid_framework(id.trim()) => {
                framework_words.push((w.trim().to_string(), id.trim().to_string()));
            }
            _ => {
                writeln!(
                    err,
                    "error: --framework-word `{word}` is not WORD=ID with ID a framework id; \
                     nothing was written"
                )?;
                return Ok(Exit::Invalid);
            }
        }
    }
    let options = ImportOptions {
        framework: args.framework.clone(),
        kind: args.kind,
        id_prefix: args.id_prefix.clone(),
        default_risk: args.default_risk.into(),
        as_of,
        framework_words,
    };
    let pages = match pages(&args.files) {
        Ok(pages) => pages,
        Err(message) => {
            writeln!(err, "error: {message}; nothing was written")?;
            return Ok(Exit::Invalid);
        }
    };
    let into_dir = args.output.as_deref().filter(|p| p.is_dir());
    let mut read = Vec::new();
    let mut results: Vec<Imported> = Vec::new();
    let mut skipped: Vec<(String, String)> = Vec::new();
    for file in &pages {
        let shown = file.display().to_string();
        match import_page(file, &shown, &options, args.strict, err)? {
            Ok(page) => {
                writeln!(err, "{shown}: {}", summary(&page))?;
                read.push((file, shown));
                results.push(page);
            }
            Err(why) => skipped.push((shown, why)),
        }
    }
    for (index, message) in import::dedupe(&mut results) {
        let shown = read.get(index).map_or("", |(_, shown)| shown.as_str());
        writeln!(err, "{shown}: note: {message}")?;
    }
    let mut outputs = Vec::new();
    for ((file, shown), page) in read.iter().zip(&results) {
        outputs.extend(files_of(page, file, shown, into_dir)?);
    }
    if !skipped.is_empty() && (!args.keep_going || outputs.is_empty()) {
        writeln!(err, "error: nothing was written")?;
        return Ok(Exit::Invalid);
    }
    let outputs = match plan(outputs, args, into_dir.is_some()) {
        Ok(outputs) => outputs,
        Err(message) => {
            writeln!(err, "error: {message}; nothing was written")?;
            return Ok(Exit::Invalid);
        }
    };
    let texts = render(&outputs)?;
    let files: Vec<(&Path, &str)> = outputs
        .iter()
        .zip(&texts)
        .filter_map(|(o, t)| o.path.as_deref().map(|p| (p, t.as_str())))
        .collect();
    if let Err((message, written)) = write_all(&files, args.force || args.merge) {
        if written.is_empty() {
            writeln!(err, "error: {message}; nothing was written")?;
        } else {
            writeln!(
                err,
                "error: {message}; already moved into place: {}",
                written.join(", ")
            )?;
        }
        return Ok(Exit::Invalid);
    }
    for (index, (output, text)) in outputs.iter().zip(&texts).enumerate() {
        if let Some(path) = &output.path {
            writeln!(err, "wrote {}", path.display())?;
            for merged in &output.merged {
                writeln!(err, "  merged {merged}")?;
            }
        } else {
            if index > 0 {
                out.write_all(b"---\n")?;
            }
            out.write_all(text.as_bytes())?;
        }
    }
    if !skipped.is_empty() {
        writeln!(
            err,
            "skipped {} {} (--keep-going):",
            skipped.len(),
            plural(skipped.len(), "page")
        )?;
        for (page, why) in &skipped {
            writeln!(err, "  {page}: {why}")?;
        }
    }
    Ok(Exit::Success)
}

/// Writes every file or none: each is first written in full to a
/// temporary file beside it (folders created as needed), and only when all
/// of them are ready are they moved into place. On a failure the temporary
/// files, and the folders made for them, are removed.
/// The error names the files already moved into place, if any (only a
/// failure of the final renames leaves some).
pub(crate) fn write_all(
    files: &[(&Path, &str)],
    replace: bool,
) -> Result<(), (String, Vec<String>)> {
    let mut made: Vec<PathBuf> = Vec::new();
    let mut staged = Vec::new();
    let result = (|| {
        for (path, text) in files {
            let dir = match path.parent() {
                Some(dir) if !dir.as_os_str().is_empty() => dir,
                _ => Path::new("."),
            };
            let mut missing: Vec<PathBuf> = dir
                .ancestors()
                .take_while(|a| !a.as_os_str().is_empty() && a.symlink_metadata().is_err())
                .map(Path::to_path_buf)
                .collect();
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
            missing.reverse();
            made.extend(missing);
            let mut file = crate::write::staged(path, dir).map_err(|e| format!("{e:#}"))?;
            file.write_all(text.as_bytes())
                .and_then(|()| file.as_file().sync_all())
                .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
            staged.push((file, *path));
        }
        Ok::<(), String>(())
    })();
    if let Err(message) = result {
        drop(staged);
        for dir in made.iter().rev() {
            let _ = std::fs::remove_dir(dir);
        }
        return Err((message, Vec::new()));
    }
    let mut written = Vec::new();
    for (file, path) in staged {
        let persisted = if replace {
            file.persist(path).map(drop)
        } else {
            file.persist_noclobber(path).map(drop)
        };
        if let Err(e) = persisted {
            return Err((
                format!("cannot write `{}`: {}", path.display(), e.error),
                written,
            ));
        }
        written.push(path.display().to_string());
    }
    Ok(())
}

/// The YAML text of each output: the schema line and a comment naming the
/// pages, or, for a file merged into, its own comment lines and one naming
/// the pages.
fn render(outputs: &[Output]) -> anyhow::Result<Vec<String>> {
    outputs
        .iter()
        .map(|output| {
            let sources = output.sources.join(", ");
            Ok(match &output.header {
                Some(header) => format!(
                    "{header}# Updated by `comply import --merge` from {sources}.\n{}",
                    serde_norway::to_string(&output.value)?
                ),
                None if output.merged.is_empty() => {
                    import::to_yaml(&output.value, output.kind, &sources)?
                }
                None => import::to_yaml(
                    &output.value,
                    output.kind,
                    &format!("{sources} (merged with --merge)"),
                )?,
            })
        })
        .collect()
}

/// The `import.frameworks` words of the `comply.yaml` beside the output
/// (none when there is no such file); its problems when it is not valid.
fn settings_words(path: &Path) -> Result<Vec<(String, String)>, Vec<String>> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Ok(Vec::new());
    };
    let node = crate::yaml::parse(&text).map_err(|e| {
        vec![format!(
            "{}:{}:{}: error: {}",
            path.display(),
            e.pos.line,
            e.pos.column,
            e.message
        )]
    })?;
    let mut decoder = crate::decode::Decoder::new(path);
    let config = decoder.config(&node);
    let problems: Vec<String> = decoder
        .into_diagnostics()
        .iter()
        .filter(|d| d.is_error())
        .map(ToString::to_string)
        .collect();
    if problems.is_empty() {
        Ok(config.framework_words)
    } else {
        Err(problems)
    }
}

/// The pages to read: files as given; folders searched for `.md` pages
/// (hidden entries skipped), in name order.
fn pages(args: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut pages = Vec::new();
    for arg in args {
        if arg.is_dir() {
            let before = pages.len();
            walk(arg, &mut pages)?;
            if pages.len() == before {
                return Err(format!("no .md pages in `{}`", arg.display()));
            }
        } else {
            pages.push(arg.clone());
        }
    }
    Ok(pages)
}

fn walk(dir: &Path, pages: &mut Vec<PathBuf>) -> Result<(), String> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?
        .filter_map(Result::ok)
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        let is_link = path
            .symlink_metadata()
            .is_ok_and(|m| m.file_type().is_symlink());
        if is_link {
            continue;
        }
        if path.is_dir() {
            walk(&path, pages)?;
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
        {
            pages.push(path);
        }
    }
    Ok(())
}

/// Reads and imports one page, printing its notes and errors; `Ok(Err)`
/// says why the page is skipped.
fn import_page(
    file: &Path,
    shown: &str,
    options: &ImportOptions,
    strict: bool,
    err: &mut dyn Write,
) -> anyhow::Result<Result<Imported, String>> {
    // A page is read whole and becomes many values: bound it first (a
    // 22 MB table took 1.4 GB).
    let (size, regular) = std::fs::metadata(file).map_or((0, true), |m| (m.len(), m.is_file()));
    if !regular {
        writeln!(err, "{shown}: error: not a regular file")?;
        return Ok(Err("not a regular file".to_string()));
    }
    if size > MAX_PAGE_BYTES {
        let why = format!("{size} bytes, over the limit of {MAX_PAGE_BYTES} bytes for one page");
        writeln!(err, "{shown}: error: {why}")?;
        return Ok(Err(why));
    }
    let bytes = match std::fs::read(file) {
        Ok(bytes) => bytes,
        Err(e) => {
            writeln!(err, "{shown}: error: cannot read it: {e}")?;
            return Ok(Err(format!("cannot read it: {e}")));
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let line = e.as_bytes()[..e.utf8_error().valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1;
            writeln!(err, "{shown}:{line}: error: not valid UTF-8 text")?;
            return Ok(Err(format!("line {line}: not valid UTF-8 text")));
        }
    };
    let imported = match import::import(shown, &text, options) {
        Ok(imported) => imported,
        Err(e) => {
            let at = e.line.map(|l| format!(":{l}")).unwrap_or_default();
            writeln!(err, "{shown}{at}: error: {}", e.message)?;
            let first = e.message.lines().next().unwrap_or("").to_string();
            return Ok(Err(match e.line {
                Some(line) => format!("line {line}: {first}"),
                None => first,
            }));
        }
    };
    for note in &imported.notes {
        writeln!(err, "{shown}:{}: note: {}", note.line, note.message)?;
    }
    if strict && !imported.notes.is_empty() {
        let n = imported.notes.len();
        writeln!(err, "{shown}: error: {n} parts not imported (--strict)")?;
        return Ok(Err(format!("{n} parts not imported (--strict)")));
    }
    Ok(Ok(imported))
}

/// "15 items (6 high risk), 0 controls, 2 reviews, 3 notes, 2 characters repaired".
fn summary(imported: &Imported) -> String {
    let items = imported.backlog.as_ref().map_or(&[][..], |b| &b.items[..]);
    let high = items
        .iter()
        .filter(|i| i.risk.at_least(crate::model::Risk::High))
        .count();
    let controls: usize = imported.matrices.iter().map(|m| m.controls.len()).sum();
    let reviews = imported.reviews.as_ref().map_or(0, |r| r.reviews.len());
    let count = |n: usize, noun: &str| format!("{n} {}", plural(n, noun));
    let mut parts = vec![
        format!("{} ({high} high risk or above)", count(items.len(), "item")),
        count(controls, "control"),
    ];
    if reviews > 0 {
        parts.push(count(reviews, "review"));
    }
    parts.push(count(imported.notes.len(), "note"));
    parts.push(format!(
        "{} repaired",
        count(imported.repaired, "mis-encoded character")
    ));
    parts.join(", ")
}

/// A file name from a page's name: lower-case letters, digits, `-`, `_`.
fn file_stem(file: &Path) -> String {
    let stem = file
        .file_stem()
        .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
    let safe: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let safe = safe.trim_matches('-').to_string();
    if safe.is_empty() {
        "imported".into()
    } else {
        safe
    }
}

/// The YAML files of one page; paths are set when writing into a directory.
fn files_of(
    imported: &Imported,
    file: &Path,
    shown: &str,
    dir: Option<&Path>,
) -> anyhow::Result<Vec<Output>> {
    let stem = file_stem(file);
    let mut outputs = Vec::new();
    let mut push = |path: Option<PathBuf>, kind, value| {
        outputs.push(Output {
            path,
            kind,
            value,
            sources: vec![shown.to_string()],
            merged: Vec::new(),
            header: None,
            guessed: imported.guessed.iter().cloned().collect(),
            generated: imported
                .generated
                .iter()
                .map(|g| g.to_lowercase())
                .collect(),
        });
    };
    if let Some(backlog) = &imported.backlog {
        push(
            dir.map(|d| {
                d.join(FileKind::Backlog.as_str())
                    .join(format!("{stem}.yaml"))
            }),
            FileKind::Backlog,
            serde_norway::to_value(backlog)?,
        );
    }
    for matrix in &imported.matrices {
        if !import::valid_framework(&matrix.framework.value) {
            anyhow::bail!(
                "{shown}: framework `{}` is not a framework id; nothing was written",
                matrix.framework.value
            );
        }
        push(
            dir.map(|d| {
                d.join(FileKind::Controls.as_str())
                    .join(format!("{}.yaml", matrix.framework.value))
            }),
            FileKind::Controls,
            serde_norway::to_value(matrix)?,
        );
    }
    if let Some(reviews) = &imported.reviews {
        push(
            dir.map(|d| {
                d.join(FileKind::Reviews.as_str())
                    .join(format!("{stem}.yaml"))
            }),
            FileKind::Reviews,
            serde_norway::to_value(reviews)?,
        );
    }
    Ok(outputs)
}

/// Whether a file's value has an entry with this (lower-case) id.
fn stated(value: &Value, id: &str) -> bool {
    ids_in(value).iter().any(|i| i.to_lowercase() == id)
}

/// The ids of a file's entries (items, controls or reviews), as written.
fn ids_in(value: &Value) -> Vec<String> {
    merge::list_keys()
        .filter_map(|key| value.get(key).and_then(Value::as_sequence))
        .flatten()
        .filter_map(|e| e.get("id").and_then(Value::as_str).map(str::to_string))
        .collect()
}

/// Item and review ids share one space across files: an id two planned
/// files would both hold, or that a file already in the output's
/// `backlog/` or `reviews/` holds when another file would get it, is
/// refused before anything is written (`--merge` into the same file makes
/// them one record).
fn check_ids(by_path: &BTreeMap<PathBuf, Output>, dir: Option<&Path>) -> Result<(), String> {
    let mut owner: BTreeMap<String, (String, PathBuf)> = BTreeMap::new();
    if let Some(dir) = dir {
        for folder in [FileKind::Backlog.as_str(), FileKind::Reviews.as_str()] {
            let Ok(entries) = std::fs::read_dir(dir.join(folder)) else {
                continue;
            };
            let mut files: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
                .collect();
            files.sort();
            for file in files {
                let Some(value) = std::fs::read_to_string(&file)
                    .ok()
                    .and_then(|t| merge::read(&t).ok())
                else {
                    continue;
                };
                for id in ids_in(&value) {
                    owner.entry(id.to_lowercase()).or_insert((id, file.clone()));
                }
            }
        }
    }
    // A framework lives in one controls file: `controls/iso.yaml` holding
    // `framework: iso27001` is where iso27001's controls go.
    if let Some(dir) = dir
        && let Ok(entries) = std::fs::read_dir(dir.join(FileKind::Controls.as_str()))
    {
        let mut files: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        files.sort();
        for file in files {
            let framework = std::fs::read_to_string(&file)
                .ok()
                .and_then(|t| merge::read(&t).ok())
                .and_then(|v| {
                    v.get("framework")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                });
            let Some(framework) = framework else {
                continue;
            };
            for (path, output) in by_path.iter().filter(|(_, o)| o.kind == FileKind::Controls) {
                let planned = output.value.get("framework").and_then(Value::as_str);
                if planned == Some(framework.as_str()) && !same_file(&file, path) {
                    return Err(format!(
                        "framework `{framework}` from {} would be written to `{}`, but `{}` \
                         already holds it; import into that file with --merge (or --output it)",
                        output.sources.join(", "),
                        path.display(),
                        file.display()
                    ));
                }
            }
        }
    }
    let mut planned: BTreeMap<String, (String, &Path, &[String])> = BTreeMap::new();
    for (path, output) in by_path.iter().filter(|(_, o)| o.kind != FileKind::Controls) {
        for id in ids_in(&output.value) {
            let key = id.to_lowercase();
            if let Some((_, other, sources)) = planned.get(&key)
                && *other != path.as_path()
            {
                return Err(format!(
                    "id `{id}` would be written to both `{}` (from {}) and `{}` (from {}); \
                     ids must be unique across files: change one on its page, or pass \
                     --id-prefix",
                    other.display(),
                    sources.join(", "),
                    path.display(),
                    output.sources.join(", ")
                ));
            }
            planned.insert(key.clone(), (id.clone(), path, &output.sources));
            if let Some((_, file)) = owner.get(&key)
                && !same_file(file, path)
            {
                return Err(format!(
                    "id `{id}` from {} would be written to `{}`, but `{}` already defines it; \
                     change it on the page, pass --id-prefix, or import into that file with \
                     --merge",
                    output.sources.join(", "),
                    path.display(),
                    file.display()
                ));
            }
        }
    }
    Ok(())
}

fn same_file(a: &Path, b: &Path) -> bool {
    a == b
        || matches!(
            (a.canonicalize(), b.canonicalize()),
            (Ok(x), Ok(y)) if x == y
        )
}

/// A path that cannot be written (a directory in its place, a file where
/// one of its folders should be) stops the import before any write.
fn check_path(path: &Path) -> Result<(), String> {
    if path.is_dir() {
        return Err(format!(
            "cannot write `{}`: it is a directory",
            path.display()
        ));
    }
    let mut folder = path.parent();
    while let Some(dir) = folder.filter(|d| !d.as_os_str().is_empty()) {
        if dir.symlink_metadata().is_ok() && !dir.is_dir() {
            return Err(format!(
                "cannot write `{}`: `{}` is not a directory",
                path.display(),
                dir.display()
            ));
        }
        folder = dir.parent();
    }
    Ok(())
}

/// `--force` replaces a file's entries with the page's, but never drops
/// entries silently: a file holding ids the pages do not give (a starter
/// catalogue of 116 controls, replaced by a page of 7) is refused.
fn check_force(path: &Path, output: &Output) -> Result<(), String> {
    let Some(old) = std::fs::read_to_string(path)
        .ok()
        .and_then(|t| merge::read(&t).ok())
    else {
        return Ok(());
    };
    let new: std::collections::HashSet<String> = ids_in(&output.value)
        .iter()
        .map(|i| i.to_lowercase())
        .collect();
    let dropped: Vec<String> = ids_in(&old)
        .into_iter()
        .filter(|id| !new.contains(&id.to_lowercase()))
        .collect();
    if dropped.is_empty() {
        return Ok(());
    }
    let total = ids_in(&old).len();
    let shown: Vec<&str> = dropped.iter().take(5).map(String::as_str).collect();
    Err(format!(
        "--force would replace `{}` and drop {} of its {total} entries that {} not give ({}{}), \
         and whatever refers to them would no longer validate; pass --merge to update the file \
         instead, or delete it first to replace it",
        path.display(),
        dropped.len(),
        if output.sources.len() == 1 {
            "the page does"
        } else {
            "the pages do"
        },
        shown.join(", "),
        if dropped.len() > shown.len() {
            ", ..."
        } else {
            ""
        }
    ))
}

/// Every output with its final path and content: a single result goes to
/// `--output FILE`; two pages giving one path are combined with `--merge`
/// and refused without; an existing file is merged into (`--merge`),
/// replaced (`--force`) or refused.
fn plan(outputs: Vec<Output>, args: &ImportArgs, into_dir: bool) -> Result<Vec<Output>, String> {
    let mut outputs = outputs;
    if !into_dir {
        match (&mut outputs[..], args.output.as_deref()) {
            ([one], Some(path)) => one.path = Some(path.to_path_buf()),
            ([_], None) | ([], _) => {}
            (several, None) if several.iter().all(|o| o.sources == several[0].sources) => {}
            (_, _) => {
                return Err(
                    "these pages give several YAML files; pass --output DIR (an existing \
                     directory) to write them into DIR/backlog/, DIR/controls/ and DIR/reviews/"
                        .into(),
                );
            }
        }
    }
    let mut by_path: BTreeMap<PathBuf, Output> = BTreeMap::new();
    let mut unplaced = Vec::new();
    for output in outputs {
        let Some(path) = output.path.clone() else {
            unplaced.push(output);
            continue;
        };
        match by_path.get_mut(&path) {
            None => {
                by_path.insert(path, output);
            }
            Some(first) if args.merge => {
                let (value, change) = merge::merge(
                    first.value.clone(),
                    &output.value,
                    first.kind,
                    &output.guessed,
                    &output.generated,
                )
                .map_err(|e| {
                    format!(
                        "cannot combine {} into `{}`: {e}",
                        output.sources.join(", "),
                        path.display()
                    )
                })?;
                // What the later page states is no longer a guess; what it
                // guesses counts only for the entries it adds.
                let added: std::collections::HashSet<String> =
                    change.added.iter().map(|id| id.to_lowercase()).collect();
                first
                    .guessed
                    .retain(|g| output.guessed.contains(g) || !stated(&output.value, &g.0));
                first.guessed.extend(
                    output
                        .guessed
                        .iter()
                        .filter(|(id, _)| added.contains(id))
                        .cloned(),
                );
                first.generated.extend(output.generated.iter().cloned());
                first.value = value;
                first.merged.push(format!(
                    "{}: {}",
                    output.sources.join(", "),
                    merge_summary(&change)
                ));
                first.sources.extend(output.sources);
            }
            Some(first) => {
                return Err(format!(
                    "`{}` would be written from both {} and {}; import them in separate \
                     commands, or pass --merge to combine them",
                    path.display(),
                    first.sources.join(", "),
                    output.sources.join(", ")
                ));
            }
        }
    }
    check_ids(&by_path, args.output.as_deref().filter(|_| into_dir))?;
    for path in by_path.keys() {
        check_path(path)?;
    }
    let mut planned = unplaced;
    for (path, mut output) in by_path {
        let exists = path.symlink_metadata().is_ok();
        if exists && args.force && !args.merge {
            check_force(&path, &output)?;
        }
        if exists && args.merge {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read `{}` to merge into it: {e}", path.display()))?;
            let old = merge::read(&text)
                .map_err(|e| format!("cannot merge into `{}`: {e}", path.display()))?;
            let (value, change) = merge::merge(
                old,
                &output.value,
                output.kind,
                &output.guessed,
                &output.generated,
            )
            .map_err(|e| format!("cannot merge into `{}`: {e}", path.display()))?;
            output.value = value;
            output.header = merge::header(&text);
            output
                .merged
                .push(format!("the existing file: {}", merge_summary(&change)));
        } else if exists && !args.force {
            return Err(format!(
                "`{}` already exists; pass --merge to update it or --force to replace it",
                path.display()
            ));
        }
        planned.push(output);
    }
    Ok(planned)
}

/// What a merge changed, in words: `2 updated (CC6.1: status, evidence;
/// ...), 3 added, 58 unchanged`, then what was kept, matched with another
/// title, or not updated.
fn merge_summary(change: &merge::Merged) -> String {
    let updated: Vec<String> = change
        .updated
        .iter()
        .map(|(id, fields)| format!("{id}: {}", fields.join(", ")))
        .collect();
    let detail = if updated.is_empty() {
        String::new()
    } else {
        format!(" ({})", updated.join("; "))
    };
    let mut text = format!(
        "{} updated{detail}, {} added{}, {} unchanged",
        change.updated.len(),
        change.added.len(),
        if change.added.is_empty() {
            String::new()
        } else {
            format!(" ({})", change.added.join(", "))
        },
        change.unchanged
    );
    for (what, list) in [
        ("kept", &change.kept),
        ("matched by id, titles differ", &change.retitled),
        ("NOT updated", &change.refused),
    ] {
        if !list.is_empty() {
            let _ = write!(text, "; {what}: {}", list.join("; "));
        }
    }
    text
}
