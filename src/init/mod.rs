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
