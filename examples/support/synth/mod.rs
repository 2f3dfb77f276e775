//! Synthetic compliance repositories for the benchmarks, in two shapes:
//! `uniform` (every backlog file alike; the shape of the figures in
//! docs/performance.md) and `varied` (files of 10 to 5,000 items, evidence
//! as files, directories and globs, block scalars, reviews and risk
//! acceptances). Both are seeded, so a run writes the same bytes every time.
//! Used by `examples/gen.rs` and `tests/bench_gen.rs`.

mod history;
#[path = "../rng.rs"]
mod rng;
mod uniform;
mod varied;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use rng::Rng;

/// Which repository layout to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// Backlog files of equal size, one evidence file per item.
    Uniform,
    /// Backlog files of 10 to 5,000 items, mixed evidence and file kinds.
    Varied,
}

impl Shape {
    /// The shape a command-line word names.
    pub fn from_word(word: &str) -> Option<Shape> {
        match word {
            "uniform" => Some(Shape::Uniform),
            "varied" => Some(Shape::Varied),
            _ => None,
        }
    }
}

/// What to generate.
pub struct Settings {
    /// The repository's directory (replaced if it exists).
    pub out: PathBuf,
    /// The layout.
    pub shape: Shape,
    /// Frameworks, one control matrix each.
    pub frameworks: usize,
    /// Controls per framework.
    pub controls: usize,
    /// Backlog items in all.
    pub items: usize,
    /// Backlog files (the uniform shape; the varied shape draws its sizes).
    pub files: usize,
    /// Evidence files.
    pub evidence: usize,
    /// Commits of git history (the uniform shape only).
    pub commits: usize,
    /// Evidence files that the git history touches.
    pub history: usize,
    /// The seed of every random choice.
    pub seed: u64,
}

impl Default for Settings {
    /// The full benchmark size: 3 x 2,000 controls, 50,000 items in 500
    /// files, 50,000 evidence files, no history.
    fn default() -> Settings {
        Settings {
            out: PathBuf::from("target/bench-repo"),
            shape: Shape::Uniform,
            frameworks: 3,
            controls: 2000,
            items: 50_000,
            files: 500,
            evidence: 50_000,
            commits: 0,
            history: 5000,
            seed: 42,
        }
    }
}

const RISKS: [&str; 4] = ["critical", "high", "medium", "low"];
const STATUSES: [&str; 5] = ["open", "in-progress", "blocked", "done", "wont-do"];
const OWNERS: [&str; 6] = [
    "Security",
    "Platform",
    "Engineering",
    "Compliance",
    "Data Governance",
    "Legal",
];
const CONTROL_STATUSES: [&str; 4] = ["implemented", "partial", "planned", "missing"];

/// Writes the repository `s` describes and returns a summary of it, one
/// line per fact.
pub fn generate(s: &Settings) -> io::Result<String> {
    if s.commits > 0 && s.shape != Shape::Uniform {
        return Err(io::Error::other(
            "--commits works with --shape uniform only",
        ));
    }
    let mut rng = Rng(s.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    if s.out.exists() {
        fs::remove_dir_all(&s.out)?;
    }
    fs::create_dir_all(&s.out)?;
    write(
        &s.out.join("comply.yaml"),
        "name: Synthetic estate\ngate:\n  fail_on: high\ndue_soon_days: 14\n",
    )?;
    match s.shape {
        Shape::Uniform => {
            uniform::write_all(s, &mut rng)?;
            if s.commits > 0 {
                history::write(s, &mut Rng(s.seed | 1))?;
            }
            Ok(format!(
                "wrote {}: {} frameworks x {} controls, {} items in {} files, {} evidence paths, {} commits",
                s.out.display(),
                s.frameworks,
                s.controls,
                s.items,
                s.files,
                s.evidence,
                s.commits
            ))
        }
        Shape::Varied => varied::write_all(s, &mut rng),
    }
}

/// Writes `text` to `path`, creating its directory.
fn write(path: &Path, text: &str) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    fs::write(path, text)
}

/// The text of a present evidence file at its `revision` in the history.
fn content(path: &str, revision: usize) -> String {
    format!("Evidence record {path}\nrevision {revision}\n")
}
