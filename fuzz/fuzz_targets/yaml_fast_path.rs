//! comply's fast YAML reader against saphyr-parser: on any text the fast
//! reader takes, both must build the same tree, positions and cost.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        assert!(comply::yaml_fast_path_agrees(text), "{text:?}");
    }
});
