//! Writes a realistic, deterministic synthetic compliance repository for the
//! benchmarks: frameworks of controls, backlog items spread over many files,
//! evidence files (present, empty, missing), and optionally a git history
//! with fixed dates, built with `git fast-import`. Two shapes: `uniform`
//! (the default; equal files, one evidence file per item) and `varied`
//! (files of 10 to 5,000 items, evidence as files, directories and globs,
//! block scalars, reviews, risk acceptances); see `support/synth/`.
//!
//! ```sh
//! cargo run --release --example gen -- --out /tmp/big --items 50000 --files 500 \
//!     --frameworks 3 --controls 2000 --evidence 50000 [--commits 20000 --history 5000]
//! cargo run --release --example gen -- --shape varied --out /tmp/varied
//! ```

#[path = "support/synth/mod.rs"]
mod synth;

use std::path::PathBuf;

use synth::{Settings, Shape};

fn parse_args() -> Result<Settings, String> {
    let mut s = Settings::default();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = args
            .get(i + 1)
            .ok_or_else(|| format!("{} needs a value", args[i]))?;
        let number = || {
            value
                .parse::<usize>()
                .map_err(|_| format!("{} needs a number", args[i]))
        };
        match args[i].as_str() {
            "--out" => s.out = PathBuf::from(value),
            "--shape" => {
                s.shape = Shape::from_word(value)
                    .ok_or_else(|| format!("--shape is uniform or varied, not {value}"))?;
            }
            "--frameworks" => s.frameworks = number()?.max(1),
            "--controls" => s.controls = number()?,
            "--items" => s.items = number()?,
            "--files" => s.files = number()?.max(1),
            "--evidence" => s.evidence = number()?,
            "--commits" => s.commits = number()?,
            "--history" => s.history = number()?,
            "--seed" => s.seed = number()? as u64,
            other => return Err(format!("unknown option {other}")),
        }
        i += 2;
    }
    Ok(s)
}

fn main() {
    let settings = match parse_args() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("gen: {e}");
            std::process::exit(2);
        }
    };
    match synth::generate(&settings) {
        Ok(summary) => println!("{summary}"),
        Err(e) => {
            eprintln!("gen: {e}");
            std::process::exit(1);
        }
    }
}
