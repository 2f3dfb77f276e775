//! Resolving arbitrary evidence paths against a fixed tree of files,
//! directories, symlinks (in, out, looping) and a FIFO: never a panic, and
//! never a file outside the tree reported as present.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use comply::evidence::{self, EvidenceState, Lexical, WorkTree};
use libfuzzer_sys::fuzz_target;

fn tree() -> &'static PathBuf {
    static TREE: OnceLock<PathBuf> = OnceLock::new();
    TREE.get_or_init(|| {
        let base = std::env::temp_dir().join(format!("comply-fuzz-{}", std::process::id()));
        let root = base.join("root");
        let _ = std::fs::create_dir_all(root.join("evidence/dir/sub"));
        let _ = std::fs::create_dir_all(root.join("evidence/empty"));
        let _ = std::fs::write(root.join("evidence/a.md"), "a");
        let _ = std::fs::write(root.join("evidence/zero.md"), "");
        let _ = std::fs::write(root.join("evidence/dir/sub/b.log"), "b");
        let _ = std::fs::write(base.join("secret.md"), "secret");
        #[cfg(unix)]
        {
            use std::os::unix::fs::symlink;
            let _ = symlink(base.join("secret.md"), root.join("evidence/out.md"));
            let _ = symlink(&base, root.join("evidence/outdir"));
            let _ = symlink(root.join("evidence/loop"), root.join("evidence/loop"));
            let _ = symlink("a.md", root.join("evidence/in.md"));
            let _ = std::process::Command::new("mkfifo").arg(root.join("evidence/fifo")).status();
        }
        root
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(path) = std::str::from_utf8(data) else { return };
    let root = tree();
    let status = evidence::resolve(&WorkTree::new(root), path);
    if matches!(evidence::lexical(path), Lexical::Outside(_)) {
        assert_eq!(status.state, EvidenceState::Outside, "{path:?}");
    }
    if path.contains("out") && status.state == EvidenceState::Present {
        // Only files inside the root may be present.
        for file in &status.files {
            assert!(!file.contains("secret"), "{path:?} reached {file}");
        }
    }
});
