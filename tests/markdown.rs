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

/// The text a cell shows, and whether anything in it is markup other than
/// plain text and autolinked URLs.
fn cell_text<'a>(cell: &'a AstNode<'a>) -> (String, Vec<String>) {
    let mut text = String::new();
    let mut markup = Vec::new();
    for node in cell.descendants().skip(1) {
        match &node.data().value {
            NodeValue::Text(t) => text.push_str(t),
            NodeValue::Link(link) => {
                let shown: String = node
                    .descendants()
                    .filter_map(|n| match &n.data().value {
                        NodeValue::Text(t) => Some(t.to_string()),
                        _ => None,
                    })
                    .collect();
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
