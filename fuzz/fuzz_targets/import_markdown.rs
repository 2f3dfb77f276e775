//! Importing arbitrary Markdown (any bytes that are UTF-8), with every kind,
//! and writing the result as YAML.
#![no_main]

use comply::import::{self, FileKind, ImportOptions, Shapes};
use comply::model::Risk;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for kind in [Shapes::Auto, Shapes::Backlog, Shapes::Matrix, Shapes::Tasks] {
        let options = ImportOptions {
            framework: Some("fw".into()),
            kind,
            id_prefix: None,
            default_risk: Risk::Medium,
            as_of: chrono::NaiveDate::default(),
            framework_words: vec![("privacy".into(), "popia".into())],
        };
        if let Ok(imported) = import::import("page.md", text, &options) {
            if let Some(backlog) = &imported.backlog {
                let _ = import::to_yaml(backlog, FileKind::Backlog, "page.md");
            }
            for matrix in &imported.matrices {
                let _ = import::to_yaml(matrix, FileKind::Controls, "page.md");
            }
            if let Some(reviews) = &imported.reviews {
                let _ = import::to_yaml(reviews, FileKind::Reviews, "page.md");
            }
        }
    }
});
