//! `comply init`: the files of a new compliance repository.
//!
//! Pure: returns what to write; the command writes it (and refuses to
//! overwrite anything).

/// Every file `comply init` writes: path relative to the target directory,
/// and content.
pub const FILES: &[(&str, &str)] = &[
    ("comply.yaml", include_str!("comply.yaml")),
    ("controls/popia.yaml", include_str!("popia.yaml")),
    ("controls/iso27001.yaml", include_str!("iso27001.yaml")),
    ("controls/soc2.yaml", include_str!("soc2.yaml")),
    ("backlog/example.yaml", include_str!("backlog.yaml")),
    ("evidence/README.md", include_str!("evidence.md")),
];

/// Every file `comply init` writes: [`FILES`], and the JSON Schema of each
/// file kind under `schema/`, which the files' `yaml-language-server` lines
/// name by relative path, so editors check them offline and against the
/// schema of the comply that wrote them.
pub fn files() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = FILES
        .iter()
        .map(|(path, text)| (path.to_string(), text.to_string()))
        .collect();
    for kind in crate::schema::KINDS {
        if let Some(text) = crate::schema::json(kind) {
            files.push((format!("schema/{kind}.schema.json"), text));
        }
    }
    files
}
