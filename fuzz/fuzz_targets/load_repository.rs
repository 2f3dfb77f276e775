//! Loading a repository whose files hold arbitrary bytes: the input is split
//! into comply.yaml, a control matrix and a backlog file.
#![no_main]

use std::path::{Path, PathBuf};

use comply::diag::Diagnostic;
use comply::load::{self, FileKind, FileSource};
use libfuzzer_sys::fuzz_target;

struct Memory(Vec<(PathBuf, FileKind, Vec<u8>)>);

impl FileSource for Memory {
    fn files(&self) -> anyhow::Result<Vec<(PathBuf, FileKind)>> {
        Ok(self.0.iter().map(|(p, k, _)| (p.clone(), *k)).collect())
    }

    fn read(&self, relative: &Path) -> Result<Vec<u8>, Diagnostic> {
        Ok(self.0.iter().find(|(p, _, _)| p == relative).map(|(_, _, b)| b.clone()).unwrap_or_default())
    }
}

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(3, |b| *b == 0xff);
    let config = parts.next().unwrap_or_default().to_vec();
    let matrix = parts.next().unwrap_or_default().to_vec();
    let backlog = parts.next().unwrap_or_default().to_vec();
    let source = Memory(vec![
        (PathBuf::from("comply.yaml"), FileKind::Config, config),
        (PathBuf::from("controls/x.yaml"), FileKind::Controls, matrix),
        (PathBuf::from("backlog/x.yaml"), FileKind::Backlog, backlog),
    ]);
    if let Ok(loaded) = load::load_from(&source) {
        for d in &loaded.diagnostics {
            let _ = d.to_string();
        }
    }
});
