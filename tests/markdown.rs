//! The Markdown report as GitHub renders it: every table at most seven
//! columns wide, and text from users' files shown exactly as written,
//! checked by parsing the report with a CommonMark + GFM renderer (comrak,
//! with GitHub's extensions: tables, strikethrough, autolinks, task lists,
//! dollar math).

mod common;

use common::{Fixture, stdout};
use comrak::nodes::{AstNode, NodeValue};
use comrak::{Arena, Options, parse_document};

/// Titles and owners that look like markup.
const HOSTILE: &[&str] = &[
    "Support & Engineering",
    "a | b || c",
    "*bold* and _it_ and __strong__",
    "snake_case_name and _leading",
    "`code` and ``more``",
    "<script>alert(1)</script> <b>bold</b>",
    "[link](http://example.com) and [ref][1]",
    "![img](x.png)",
    "~~struck~~ and ~one~",
    "R&D &amp; &#38; &#x26; &copy",
    "$x + y$ costs $5",
    "back\\slash \\* \\",
    "# not a heading #",
    "100% done! {braces} > quote - dash + plus",
    "1. not a list",
];

fn gfm() -> Options<'static> {
    let mut options = Options::default();
    options.extension.table = true;
    options.extension.strikethrough = true;
    options.extension.autolink = true;
    options.extension.tasklist = true;
    options.extension.math_dollars = true;
    options
}

/// The text `node` and what it holds show.
fn shown_text<'a>(node: &'a AstNode<'a>) -> String {
    node.descendants()
        .filter_map(|n| match &n.data().value {
            NodeValue::Text(t) => Some(t.to_string()),
            _ => None,
        })
        .collect()
}

/// The text a cell shows, and whether anything in it is markup other than
/// plain text and autolinked URLs.
fn cell_text<'a>(cell: &'a AstNode<'a>) -> (String, Vec<String>) {
    let mut text = String::new();
    let mut markup = Vec::new();
    for node in cell.descendants().skip(1) {
        match &node.data().value {
            NodeValue::Text(t) => text.push_str(t),
            NodeValue::Link(link) => {
                let shown = shown_text(node);
                if !link.url.ends_with(&shown) {
                    markup.push(format!("link to {}", link.url));
                }
            }
            NodeValue::HtmlInline(html) if html.starts_with("<a id=") || html == "</a>" => {}
            other => markup.push(format!("{other:?}")),
        }
    }
    (text, markup)
}

#[test]
fn report_tables_are_narrow_and_show_users_text_as_written() {
    let mut items = String::new();
    for (n, text) in HOSTILE.iter().enumerate() {
        let quoted = serde_json::to_string(text).expect("JSON string");
        items.push_str(&format!(
            "  - id: H-{n}\n    title: {quoted}\n    owner: {quoted}\n    risk: high\n    due: 2025-01-01\n"
        ));
    }
    let repo = Fixture::with_framework().items(&items);
    let assert = repo
        .run(&["report", "--as-of", "2025-06-01", "--format", "markdown"])
        .code(0);
    let markdown = stdout(&assert);
    assert!(
        markdown.contains("| Support & Engineering |"),
        "`&` needs no escape:\n{markdown}"
    );

    let arena = Arena::new();
    let root = parse_document(&arena, &markdown, &gfm());
    let mut tables = 0;
    let mut shown: Vec<(String, Vec<String>)> = Vec::new();
    for node in root.descendants() {
        match &node.data().value {
            NodeValue::Table(table) => {
                tables += 1;
                assert!(
                    table.num_columns <= 7,
                    "a table of {} columns",
                    table.num_columns
                );
            }
            NodeValue::TableCell => shown.push(cell_text(node)),
            _ => {}
        }
    }
    assert!(tables >= 9, "{tables} tables");
    for text in HOSTILE {
        let cells: Vec<&(String, Vec<String>)> =
            shown.iter().filter(|(t, _)| t == text.trim()).collect();
        // Title and owner in the gate, the overdue list and the register,
        // owner in the work-per-owner table.
        assert!(
            cells.len() >= 4,
            "`{text}` is shown as written in {} cells; cells: {:?}",
            cells.len(),
            shown.iter().map(|(t, _)| t).collect::<Vec<_>>()
        );
        for (_, markup) in cells {
            assert!(markup.is_empty(), "`{text}` became markup: {markup:?}");
        }
    }
}

/// Names and ids with brackets, shown as link text.
const BRACKETED: &[&str] = &[
    "SOC2-001[b]",
    "A-1]",
    "B-2](#x)",
    "C-3[x][y]",
    "D-4\\]",
    "E-5[",
];

/// All link texts in `markdown`, each with its target.
fn links(markdown: &str) -> Vec<(String, String)> {
    let arena = Arena::new();
    let root = parse_document(&arena, markdown, &gfm());
    let mut out = Vec::new();
    for node in root.descendants() {
        if let NodeValue::Link(link) = &node.data().value {
            out.push((shown_text(node), link.url.to_string()));
        }
    }
    out
}

#[test]
fn link_texts_with_brackets_stay_one_link() {
    let name = "SOC 2 [Type II] (Trust Services Criteria) ]";
    let mut controls = String::new();
    let mut items = String::new();
    for (n, id) in BRACKETED.iter().enumerate() {
        let quoted = serde_json::to_string(id).expect("JSON string");
        controls.push_str(&format!(
            "  - id: {quoted}\n    title: Control {n}\n    status: planned\n"
        ));
        items.push_str(&format!(
            "  - id: {quoted}\n    title: Item {n}\n    risk: high\n    due: 2025-01-01\n    controls: [{quoted}]\n"
        ));
    }
    let repo = Fixture::new()
        .file(
            "controls/fw.yaml",
            &format!(
                "framework: fw\nname: {}\ncontrols:\n{controls}",
                serde_json::to_string(name).expect("JSON string")
            ),
        )
        .file("controls/other.yaml", "framework: other\nname: Other [x]\ncontrols:\n  - id: O1\n    title: One\n    status: planned\n")
        .items(&items);
    let markdown = stdout(
        &repo
            .run(&["report", "--as-of", "2025-06-01", "--format", "markdown"])
            .code(0),
    );
    let found = links(&markdown);
    for (shown, url) in &found {
        assert!(
            url.starts_with('#') && !url.contains(' '),
            "link `{shown}` goes to `{url}`:\n{markdown}"
        );
    }
    let shows = |text: &str, prefix: &str| {
        found
            .iter()
            .any(|(shown, url)| shown == text && url.starts_with(prefix))
    };
    assert!(shows(name, "#framework-"), "{found:?}\n{markdown}");
    for id in BRACKETED {
        assert!(shows(id, "#item-"), "item `{id}`: {found:?}\n{markdown}");
        assert!(
            shows(id, "#control-"),
            "control `{id}`: {found:?}\n{markdown}"
        );
    }

    let html = stdout(
        &repo
            .run(&["report", "--as-of", "2025-06-01", "--format", "html"])
            .code(0),
    );
    let shown_name = name.trim_end().replace('&', "&amp;");
    let linked = format!(">{shown_name}</a>");
    assert!(
        html.matches(&linked).count() >= 2,
        "the contents and the summary link `{name}`:\n{html}"
    );
    assert!(!html.contains("\\["), "raw Markdown in the page:\n{html}");
}

#[test]
fn diff_review_pack_lines_show_users_text_with_only_the_escapes_needed() {
    let lines: Vec<String> = HOSTILE
        .iter()
        .chain(&[
            "a | b # c",
            "- dash",
            "> quote",
            "+ plus",
            "= equals",
            "2) paren",
        ])
        .map(|t| t.to_string())
        .collect();
    let repo = Fixture::with_framework().items("  - id: OLD\n    title: Old\n    risk: low\n");
    common::git(repo.path(), &["init", "-q", "-b", "main"], None);
    common::commit_all(repo.path(), "2025-01-01");
    let mut items = String::new();
    for (n, text) in lines.iter().enumerate() {
        let quoted = serde_json::to_string(text).expect("JSON string");
        items.push_str(&format!(
            "  - id: N-{n}\n    title: {quoted}\n    risk: low\n"
        ));
    }
    let repo = repo.items(&items);
    let markdown = stdout(&repo.run(&["diff", "HEAD", "--format", "markdown"]).code(0));
    assert!(
        markdown.contains("- N-") && markdown.contains(": a | b # c\n"),
        "`|` and `#` mid-line need no escape:\n{markdown}"
    );
    let arena = Arena::new();
    let root = parse_document(&arena, &markdown, &gfm());
    let mut shown = Vec::new();
    for node in root.descendants() {
        if let NodeValue::Item(_) = node.data().value {
            let kinds: Vec<String> = node
                .descendants()
                .skip(1)
                .filter(|n| match &n.data().value {
                    NodeValue::Paragraph | NodeValue::Text(_) => false,
                    // An autolinked URL shows as written.
                    NodeValue::Link(link) => !link.url.ends_with(&shown_text(n)),
                    _ => true,
                })
                .map(|n| format!("{:?}", n.data().value))
                .collect();
            shown.push((shown_text(node), kinds));
        }
    }
    for (n, text) in lines.iter().enumerate() {
        let expected = format!("N-{n}: {}", text.trim());
        let found = shown.iter().find(|(t, _)| *t == expected);
        let Some((_, markup)) = found else {
            panic!("`{expected}` not shown as written: {shown:?}\n{markdown}");
        };
        assert!(markup.is_empty(), "`{expected}` became {markup:?}");
    }
}
