//! The layers of docs/design.md, enforced: a module may use only modules of
//! lower layers. A module is a top-level module or a listed submodule
//! (`import::shapes`); a submodule not listed belongs to its parent. A
//! parent is above its listed children, so a child that climbs back into
//! its parent (`super::X`, `super::super::X`, `crate::parent::X`) is an
//! upward use too. Every path that names a module counts: `use` trees with
//! groups, aliases (`use crate::x as y`), re-exports (`pub use`) and paths
//! inside code; comments and `#[cfg(test)] mod` blocks do not. A new upward
//! use, or a module missing from the table, fails here.

use std::collections::BTreeSet;
use std::path::Path;

/// Modules by layer, lowest first; a module uses only modules of lower
/// layers.
const LAYERS: &[&[&str]] = &[
    &["text", "date", "par", "write", "yaml"],
    &["diag", "model", "manifest"],
    &["decode", "cadence_periods"],
    &["format"],
    &["evidence", "acceptance", "crosswalk"],
    &["validate"],
    &["load"],
    &["git"],
    &["workspace", "audit"],
    &["analysis::views"],
    &["analysis::gate"],
    &["analysis"],
    &["filter", "ratchet", "periods", "diff", "coverage", "soa"],
    &["report"],
    &["render", "oscal", "pack"],
    &["schema"],
    &[
        "import::doc",
        "import::mojibake",
        "import::vocab",
        "import::ids",
    ],
    &["import::fields"],
    &["import::found"],
    &["import::build"],
    &["import::tables"],
    &["import::shapes"],
    &["import::merge"],
    &["import", "init", "complete"],
    &["args"],
    &["man"],
    &["commands::steps"],
    &["commands::catalog"],
    &[
        "commands::validate",
        "commands::status",
        "commands::due",
        "commands::gaps",
        "commands::evidence",
        "commands::coverage",
        "commands::trend",
        "commands::review",
        "commands::import",
        "commands::tools",
        "commands::audit",
    ],
    &[
        "commands::check",
        "commands::report",
        "commands::export",
        "commands::pack",
    ],
    &["cli"],
    &["commands"],
];

/// Paths that name a module by another name: `crate::gate` is
/// `analysis::gate`.
const ALIASES: &[(&str, &str)] = &[("gate", "analysis::gate")];

/// Upward uses not yet removed, each with why. Shrink it; never grow it.
const KNOWN: &[(&str, &str)] = &[];

/// The layer of a table entry.
fn layer(entry: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&entry))
}

/// The table entry a module belongs to: itself when listed, else its
/// nearest listed ancestor.
fn entry_of(module: &str) -> Option<String> {
    let mut path: Vec<&str> = module.split("::").collect();
    while !path.is_empty() {
        let name = path.join("::");
        if layer(&name).is_some() {
            return Some(name);
        }
        path.pop();
    }
    None
}

/// The module path of a source file relative to `src`: `import/mod.rs` is
/// `import`, `import/shapes.rs` is `import::shapes`.
fn module_of(relative: &Path) -> String {
    let mut parts: Vec<String> = relative
        .components()
        .filter_map(|c| c.as_os_str().to_str())
        .map(|c| c.trim_end_matches(".rs").to_string())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts.join("::")
}

/// The text without comments, string and character literals (their
/// insides become blanks) and `#[cfg(test)] mod NAME { ... }` blocks (a
/// `#[cfg(test)]` on anything else is kept).
fn code(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut kept = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            kept.push(' ');
        } else if c == 'r'
            && matches!(next, Some('"' | '#'))
            && !chars[..i]
                .last()
                .is_some_and(|p| p.is_alphanumeric() || *p == '_')
        {
            // A raw string: r"..." or r#"..."#.
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                kept.push(c);
                i += 1;
                continue;
            }
            j += 1;
            while j < chars.len() {
                if chars[j] == '"' && (1..=hashes).all(|h| chars.get(j + h) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            kept.push_str("\"\"");
            i = j;
        } else if c == '"' {
            let mut j = i + 1;
            while j < chars.len() && chars[j] != '"' {
                if chars[j] == '\\' {
                    j += 1;
                }
                j += 1;
            }
            kept.push_str("\"\"");
            i = j + 1;
        } else if c == '\'' && next == Some('\\') {
            // An escaped character literal: '\n', '\'', '\u{..}'.
            let mut j = i + 3;
            while j < chars.len() && chars[j] != '\'' {
                j += 1;
            }
            kept.push_str("' '");
            i = j + 1;
        } else if c == '\'' && chars.get(i + 2) == Some(&'\'') {
            kept.push_str("' '");
            i += 3;
        } else {
            kept.push(c);
            i += 1;
        }
    }
    let mut out = String::with_capacity(kept.len());
    let mut rest = kept.as_str();
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = &rest[at + "#[cfg(test)]".len()..];
        let item = after.trim_start();
        let is_mod = item
            .strip_prefix("mod ")
            .or_else(|| item.strip_prefix("pub(crate) mod "))
            .is_some_and(|m| {
                let name_end = m
                    .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .unwrap_or(m.len());
                m[name_end..].trim_start().starts_with('{')
            });
        if !is_mod {
            out.push_str("#[cfg(test)]");
            rest = after;
            continue;
        }
        let open = item.find('{').expect("a mod block");
        let mut depth = 0usize;
        let mut end = item.len();
        for (i, c) in item[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        rest = &item[end..];
    }
    out.push_str(rest);
    out
}

/// The names of one path segment and what follows it: `a::b`, `{a, b}`.
fn ident(text: &str) -> (&str, &str) {
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    (&text[..end], &text[end..])
}

/// Every path a path tree starting at `text` names, as segments (groups
/// expanded: `a::{b, c::{d}}` is `a::b` and `a::c::d`).
fn tree(text: &str, prefix: &[String], out: &mut Vec<Vec<String>>) {
    let text = text.trim_start();
    if let Some(group) = text.strip_prefix('{') {
        let mut depth = 0;
        let mut start = 0;
        for (i, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    tree(&group[start..i], prefix, out);
                    return;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    tree(&group[start..i], prefix, out);
                    start = i + 1;
                }
                _ => {}
            }
        }
        return;
    }
    let (name, rest) = ident(text);
    if name.is_empty() || name == "self" {
        if !prefix.is_empty() {
            out.push(prefix.to_vec());
        }
        return;
    }
    let mut path = prefix.to_vec();
    path.push(name.to_string());
    match rest.trim_start().strip_prefix("::") {
        Some(more) => tree(more, &path, out),
        None => out.push(path),
    }
}

/// The modules the code of `module` names: `crate::` and `super::` paths,
/// resolved against the modules that exist, as table entries.
fn uses(module: &str, text: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let code = code(text);
    let own: Vec<String> = module.split("::").map(str::to_string).collect();
    let mut found = BTreeSet::new();
    let mut i = 0;
    while i < code.len() {
        let rest = &code[i..];
        let starts = ["crate::", "super::"]
            .iter()
            .find(|s| rest.starts_with(**s));
        let before = code[..i].chars().next_back();
        let bound =
            !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == ':');
        let Some(start) = starts.filter(|_| bound) else {
            i += rest.chars().next().map_or(1, char::len_utf8);
            continue;
        };
        let mut base: Vec<String> = Vec::new();
        let mut tail = rest;
        if *start == "crate::" {
            tail = &rest["crate::".len()..];
        } else {
            // `super` from `a/b.rs` (module a::b) is `a`; so is `super` from
            // `a/b/mod.rs`, whose module is also `a::b`.
            base = own.clone();
            while let Some(more) = tail.strip_prefix("super::") {
                base.pop();
                tail = more.trim_start();
            }
        }
        let mut paths = Vec::new();
        tree(tail, &base, &mut paths);
        for path in paths {
            let mut path = path;
            if let Some((_, real)) = ALIASES
                .iter()
                .find(|(alias, _)| path.first().is_some_and(|f| f == alias))
            {
                let mut aliased: Vec<String> = real.split("::").map(str::to_string).collect();
                aliased.extend(path.drain(1..));
                path = aliased;
            }
            // The longest prefix that is a module.
            let named = (1..=path.len())
                .rev()
                .map(|n| path[..n].join("::"))
                .find(|m| modules.contains(m));
            if let Some(named) = named {
                found.insert(named);
            } else if let Some(first) = path.first() {
                found.insert(first.clone());
            }
        }
        i += start.len();
    }
    found
}

fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src is readable") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The problems of a set of files, given as (path relative to `src`, text).
fn problems(files: &[(String, String)]) -> Vec<String> {
    let modules: BTreeSet<String> = files
        .iter()
        .map(|(path, _)| module_of(Path::new(path)))
        .collect();
    let mut problems = Vec::new();
    for (path, text) in files {
        let module = module_of(Path::new(path));
        if module == "lib" || module == "main" {
            continue;
        }
        let Some(own) = entry_of(&module) else {
            problems.push(format!("{module} (src/{path}) is in no layer of LAYERS"));
            continue;
        };
        let own_layer = layer(&own).expect("an entry has a layer");
        for used in uses(&module, text, &modules) {
            let Some(theirs) = entry_of(&used) else {
                problems.push(format!("crate::{used} (used by src/{path}) is in no layer"));
                continue;
            };
            if theirs == own
                || (theirs.starts_with(&format!("{own}::")))
                || KNOWN.contains(&(own.as_str(), theirs.as_str()))
            {
                continue;
            }
            match layer(&theirs) {
                Some(l) if l < own_layer => {}
                _ => problems.push(format!(
                    "src/{path} ({own}) uses {used}, which is not in a lower layer than {own}"
                )),
            }
        }
    }
    problems
}

#[test]
fn modules_use_only_lower_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut paths = Vec::new();
    sources(&src, &mut paths);
    let files: Vec<(String, String)> = paths
        .iter()
        .map(|file| {
            let relative = file.strip_prefix(&src).expect("under src");
            (
                relative.to_string_lossy().replace('\\', "/"),
                std::fs::read_to_string(file).expect("readable"),
            )
        })
        .collect();
    let found = problems(&files);
    assert!(found.is_empty(), "{found:#?}");
}

/// A small crate: `model` (layer 1) below `analysis`, whose listed child
/// `gate` is below it; `import`'s listed children in their order.
fn planted(file: &str, text: &str) -> Vec<String> {
    let mut files: Vec<(String, String)> = [
        "model.rs",
        "render/mod.rs",
        "analysis/mod.rs",
        "analysis/gate.rs",
        "import/mod.rs",
        "import/shapes.rs",
        "import/tables.rs",
        "import/build.rs",
    ]
    .iter()
    .filter(|p| **p != file)
    .map(|p| ((*p).to_string(), String::new()))
    .collect();
    files.push((file.to_string(), text.to_string()));
    problems(&files)
}

#[test]
fn the_checker_finds_every_form_of_upward_use() {
    let upward = [
        ("model.rs", "use crate::analysis::Analysis;"),
        ("model.rs", "fn f() { let _ = crate::render::x(); }"),
        ("model.rs", "use crate::{diag, render::{Style}};"),
        ("model.rs", "use crate::render as r;\nfn f() { r::x(); }"),
        ("model.rs", "pub use crate::render::Style;"),
        (
            "model.rs",
            "#[cfg(test)]\nfn helper() {}\nuse crate::render::Style;",
        ),
        (
            "model.rs",
            "#[cfg(test)]\nmod tests {}\nuse crate::render::Style;",
        ),
        ("analysis/gate.rs", "use super::ItemView;"),
        ("analysis/gate.rs", "use super::{ItemView, Analysis};"),
        ("analysis/gate.rs", "use crate::analysis::ItemView;"),
        (
            "analysis/gate.rs",
            "use crate::gate::x;\nuse super::super::render::Style;",
        ),
        ("import/tables.rs", "use super::shapes::find;"),
        ("import/build.rs", "use super::tables::table;"),
        ("import/build.rs", "use super::Options;"),
    ];
    for (file, text) in upward {
        assert!(
            !planted(file, text).is_empty(),
            "not seen in {file}: {text}"
        );
    }
    let fine = [
        (
            "analysis/mod.rs",
            "use self::gate::Gate;\nuse crate::model::Risk;",
        ),
        ("analysis/gate.rs", "use crate::model::Risk;"),
        (
            "import/shapes.rs",
            "use super::{build::item_from, tables::table};",
        ),
        (
            "render/mod.rs",
            "use crate::analysis::{Analysis, gate::Gate};\n// crate::import in a comment\nconst S: &str = \"crate::import\";",
        ),
        (
            "model.rs",
            "#[cfg(test)]\nmod tests {\n    use crate::render::Style;\n    fn f() { if true { } }\n}\n",
        ),
        (
            "model.rs",
            "macro_rules! m { () => { $crate::render::x() }; }",
        ),
    ];
    for (file, text) in fine {
        assert_eq!(planted(file, text), Vec::<String>::new(), "{file}: {text}");
    }
}
