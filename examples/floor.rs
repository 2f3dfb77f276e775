//! The I/O floor for the benchmark: the least any tool that checks a
//! compliance repository must do. It reads every YAML file comply reads
//! (`comply.yaml`, `controls/`, `backlog/`, `mappings/`, `reviews/`,
//! `exceptions/`) into memory and lstat's every entry under `evidence/`, on
//! two threads that take work from one shared queue, and prints what it saw.
//!
//! ```sh
//! cargo run --release --example floor -- ROOT
//! ```

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// One unit of work: a file to read or a directory to list and lstat.
enum Job {
    Read(PathBuf),
    List(PathBuf),
}

fn main() {
    let Some(root) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: floor ROOT");
        std::process::exit(2);
    };
    let mut jobs = vec![Job::Read(root.join("comply.yaml"))];
    for dir in ["controls", "backlog", "mappings", "reviews", "exceptions"] {
        yaml_files(&root.join(dir), &mut jobs);
    }
    jobs.push(Job::List(root.join("evidence")));
    let queue = Mutex::new(jobs);
    let bytes = AtomicUsize::new(0);
    let entries = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| {
                loop {
                    let job = match queue.lock() {
                        Ok(mut q) => q.pop(),
                        Err(_) => None,
                    };
                    match job {
                        None => break,
                        Some(Job::Read(path)) => {
                            let n = fs::read(&path).map_or(0, |b| b.len());
                            bytes.fetch_add(n, Ordering::Relaxed);
                        }
                        Some(Job::List(dir)) => {
                            let Ok(list) = fs::read_dir(&dir) else {
                                continue;
                            };
                            let mut found = Vec::new();
                            for entry in list.flatten() {
                                let path = entry.path();
                                let Ok(meta) = fs::symlink_metadata(&path) else {
                                    continue;
                                };
                                entries.fetch_add(1, Ordering::Relaxed);
                                if meta.is_dir() {
                                    found.push(Job::List(path));
                                }
                            }
                            if let Ok(mut q) = queue.lock() {
                                q.extend(found);
                            }
                        }
                    }
                }
            });
        }
    });
    println!(
        "read {} bytes of YAML, lstat'd {} evidence entries",
        bytes.into_inner(),
        entries.into_inner()
    );
}

/// Queues every `.yaml`/`.yml` file under `dir`.
fn yaml_files(dir: &Path, jobs: &mut Vec<Job>) {
    let Ok(list) = fs::read_dir(dir) else { return };
    for entry in list.flatten() {
        let path = entry.path();
        if path.is_dir() {
            yaml_files(&path, jobs);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            jobs.push(Job::Read(path));
        }
    }
}
