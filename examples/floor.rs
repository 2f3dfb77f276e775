//! The I/O floor for the benchmark: the least any tool that checks a
//! compliance repository must do. It reads every YAML file comply reads
//! (`comply.yaml`, `controls/`, `backlog/`, `mappings/`, `reviews/`,
//! `exceptions/`) into memory and lstat's every entry under `evidence/`, on
//! two threads that take work from one shared queue (a thread waits while
//! the other may still add directories to it), and prints what it saw.
//!
//! With `--parse`, each file read is also parsed by comply's own YAML
//! reader into its position-keeping tree (then dropped): what reading costs
//! before anything is decoded, validated, analysed or written, on the same
//! two threads as the I/O. The benchmark shows it beside the floor, so that
//! a target stated against the floor can be weighed against what parsing
//! alone takes.
//!
//! ```sh
//! cargo run --release --example floor -- [--parse] ROOT
//! ```

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

/// One unit of work: a file to read or a directory to list and lstat.
enum Job {
    Read(PathBuf),
    List(PathBuf),
}

fn main() {
    let mut args: Vec<_> = std::env::args_os().skip(1).collect();
    let parse = args.first().is_some_and(|a| a == "--parse");
    if parse {
        args.remove(0);
    }
    let [root] = args.as_slice() else {
        eprintln!("usage: floor [--parse] ROOT");
        std::process::exit(2);
    };
    let root = PathBuf::from(root);
    let mut jobs = vec![Job::Read(root.join("comply.yaml"))];
    for dir in ["controls", "backlog", "mappings", "reviews", "exceptions"] {
        yaml_files(&root.join(dir), &mut jobs);
    }
    jobs.push(Job::List(root.join("evidence")));
    let queue = Queue {
        state: Mutex::new((jobs, 0)),
        changed: Condvar::new(),
    };
    let bytes = AtomicUsize::new(0);
    let nodes = AtomicUsize::new(0);
    let entries = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| {
                while let Some(job) = queue.take() {
                    let mut found = Vec::new();
                    match job {
                        Job::Read(path) if parse => {
                            // An unreadable file is passed over, as the
                            // plain floor counts it as no bytes.
                            if let Ok(text) = fs::read_to_string(&path) {
                                bytes.fetch_add(text.len(), Ordering::Relaxed);
                                let n = comply::yaml_tree_nodes(&text).unwrap_or_default();
                                nodes.fetch_add(n, Ordering::Relaxed);
                            }
                        }
                        Job::Read(path) => {
                            let n = fs::read(&path).map_or(0, |b| b.len());
                            bytes.fetch_add(n, Ordering::Relaxed);
                        }
                        Job::List(dir) => {
                            for entry in fs::read_dir(&dir).into_iter().flatten().flatten() {
                                let path = entry.path();
                                let Ok(meta) = fs::symlink_metadata(&path) else {
                                    continue;
                                };
                                entries.fetch_add(1, Ordering::Relaxed);
                                if meta.is_dir() {
                                    found.push(Job::List(path));
                                }
                            }
                        }
                    }
                    queue.finish(found);
                }
            });
        }
    });
    print!("read {} bytes of YAML", bytes.into_inner());
    if parse {
        print!(" into {} nodes", nodes.into_inner());
    }
    println!(", lstat'd {} evidence entries", entries.into_inner());
}

/// The shared queue: the jobs waiting, and how many are being worked on
/// (a directory being listed may add jobs, so an empty queue is the end
/// only when no job is in hand).
struct Queue {
    state: Mutex<(Vec<Job>, usize)>,
    changed: Condvar,
}

impl Queue {
    /// The next job, waiting while the queue is empty and another thread
    /// may still add to it; `None` when all work is done.
    fn take(&self) -> Option<Job> {
        let mut state = self.state.lock().ok()?;
        loop {
            if let Some(job) = state.0.pop() {
                state.1 += 1;
                return Some(job);
            }
            if state.1 == 0 {
                self.changed.notify_all();
                return None;
            }
            state = self.changed.wait(state).ok()?;
        }
    }

    /// Ends a job, queueing the jobs it `found`.
    fn finish(&self, found: Vec<Job>) {
        if let Ok(mut state) = self.state.lock() {
            state.0.extend(found);
            state.1 = state.1.saturating_sub(1);
        }
        self.changed.notify_all();
    }
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
