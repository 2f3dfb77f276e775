//! Parsing `git log -z --name-only` output: arbitrary bytes must give
//! records or an error, never a panic; every record's path is non-empty and
//! none of them comes before a commit header.
#![no_main]

use comply::parse_git_log as parse_log;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(records) = parse_log(data) {
        for (path, change) in &records {
            assert!(!path.is_empty());
            assert!(change.commit.len() <= 10);
        }
        // A record needs a header: an empty token, then hash, time, name.
        if !records.is_empty() {
            assert!(data.first() == Some(&0));
        }
    }
});
