//! `comply report`: structure, escaping, determinism and safe writing.

mod common;

use common::{Fixture, comply, example_root, stderr, stdout};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

const HOSTILE: &str =
    "Pipe | break\\nnew `tick` <script>alert(1)</script> [x](http://evil.example) &amp; **bold**";

/// A small repository: two frameworks, items in every state, hostile text.
fn fixture() -> Fixture {
    Fixture::new()
        .file(
            "controls/fw.yaml",
            "framework: fw\nname: \"Test <b>framework</b>\"\ncontrols:\n  - id: C1\n    title: First\n    status: implemented\n    evidence: [proof.md]\n  - id: C2\n    title: Second\n    status: partial\n    severity: high\n    owner: Sec\n    evidence: [gone.md]\n",
        )
        .file(
            "controls/other.yaml",
            "framework: other\ncontrols:\n  - id: O1\n    title: Other\n    status: not-applicable\n",
        )
        .file("proof.md", "signed")
        .file(
            "backlog/items.yaml",
            &format!(
                "framework: fw\nitems:\n  - id: LATE\n    title: \"{HOSTILE}\"\n    controls: [C2]\n    risk: high\n    owner: \"Sec | Ops\"\n    due: 2025-06-01\n  - id: SOON\n    title: Soon\n    risk: low\n    owner: Sec\n    due: 2025-06-20\n  - id: TBD\n    title: Later\n    risk: medium\n  - id: DONE\n    title: Finished\n    risk: high\n    status: done\n    done: 2025-05-01\n    evidence: [proof.md]\n"
            ),
        )
}

fn report(repo: &Fixture, format: &str) -> String {
    stdout(
        &repo
            .run(&["report", "--format", format, "--as-of", "2025-06-15"])
            .code(0),
    )
}

/// (header cells, body rows) of every table, in order.
fn tables(markdown: &str) -> Vec<(usize, usize)> {
    let mut tables = Vec::new();
    let (mut header, mut rows, mut in_head) = (0, 0, false);
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Table(_)) => (header, rows) = (0, 0),
            Event::Start(Tag::TableHead) => in_head = true,
            Event::End(TagEnd::TableHead) => in_head = false,
            Event::Start(Tag::TableCell) if in_head => header += 1,
            Event::Start(Tag::TableRow) => rows += 1,
            Event::End(TagEnd::Table) => tables.push((header, rows)),
            _ => {}
        }
    }
    tables
}

#[test]
fn every_table_has_a_header_and_the_expected_rows() {
    let markdown = report(&fixture(), "markdown");
    assert_eq!(
        tables(&markdown),
        [
            (6, 3), // executive summary, controls: fw, other, total
            (5, 3), // items
            (4, 3), // evidence
            (5, 1), // gate offenders: LATE
            (7, 1), // overdue: LATE
            (7, 1), // due soon: SOON
            (5, 1), // unscheduled: TBD
            (7, 2), // matrix fw: C1, C2
            (7, 1), // matrix other: O1
            (4, 1), // evidence problems: gone.md
            (6, 3), // owners: (unowned), Sec, Sec | Ops
            (7, 4), // backlog register
            (5, 4), // progress, evidence and controls
        ]
    );
}

#[test]
fn hostile_text_stays_text() {
    let markdown = report(&fixture(), "markdown");
    let mut text = String::new();
    for event in Parser::new_ext(&markdown, Options::ENABLE_TABLES) {
        match event {
            Event::Html(html) | Event::InlineHtml(html) => {
                let own_anchor = (html.starts_with("<a id=\"") || &*html == "</a>")
                    && !html.contains("script")
                    && !html.contains("<b>");
                assert!(own_anchor, "raw HTML from user text: {html}");
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                assert!(dest_url.starts_with('#'), "injected link to {dest_url}");
            }
            Event::Start(Tag::Strong) => {
                // The report's own bold: the as-of date and the Total row.
            }
            Event::Text(t) => text.push_str(&t),
            Event::Code(c) => panic!("user text became a code span: {c}"),
            _ => {}
        }
    }
    assert!(text.contains("Pipe | break new `tick` <script>alert(1)</script> [x](http://evil.example) &amp; **bold**"), "{text}");
    assert!(text.contains("Test <b>framework</b>"));

    let html = report(&fixture(), "html");
    assert!(!html.contains("<script"), "script tag in HTML");
    assert!(!html.contains("<b>framework"), "user markup in HTML");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("href=\"http"), "external link in HTML");
}

#[test]
fn html_is_one_self_contained_page_with_a_chart() {
    let html = report(&fixture(), "html");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<style>"));
    assert!(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(html.contains("<span class=\"tag risk-high\">high</span>"));
    assert!(html.contains("<span class=\"tag state-overdue\">overdue</span>"));
    for external in ["<link", "src=\"http", "@import", "url("] {
        assert!(!html.contains(external), "external asset: {external}");
    }
}

#[test]
fn empty_sections_say_none() {
    let repo = Fixture::with_framework();
    let markdown = report(&repo, "markdown");
    for section in [
        "## <a id=\"overdue\"></a>Overdue items\n\nNone.",
        "## <a id=\"evidence\"></a>Missing, empty and stale evidence\n\nNone.",
    ] {
        assert!(
            markdown.contains(section),
            "missing `{section}` in:\n{markdown}"
        );
    }
}

#[test]
fn filters_narrow_every_section() {
    let repo = fixture();
    let markdown = stdout(
        &repo
            .run(&["report", "--as-of", "2025-06-15", "--owner", "sec"])
            .code(0),
    );
    assert!(markdown.contains("Owner: sec."));
    // Only SOON and C2 are owned by `Sec`: `Sec | Ops` is one owner's name.
    assert_eq!(
        tables(&markdown),
        [
            (6, 3),
            (5, 3),
            (4, 3),
            (7, 1),
            (7, 1),
            (4, 1),
            (6, 1),
            (7, 1),
            (5, 1)
        ],
        "{markdown}"
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(
        &repo
            .run(&[
                "report",
                "--format",
                "json",
                "--as-of",
                "2025-06-15",
                "--framework",
                "other",
            ])
            .code(0),
    ))
    .expect("json");
    assert_eq!(json["frameworks"].as_array().map(Vec::len), Some(1));
    assert_eq!(json["items"].as_array().map(Vec::len), Some(0));
    assert_eq!(json["gate"]["passed"], true);
}

#[test]
fn json_holds_the_full_analysis() {
    let json: serde_json::Value = serde_json::from_str(&report(&fixture(), "json")).expect("json");
    assert_eq!(json["version"], 1);
    assert_eq!(json["frameworks"][0]["readiness"], 50);
    assert_eq!(json["frameworks"][1]["readiness"], serde_json::Value::Null);
    assert_eq!(json["items"].as_array().map(Vec::len), Some(4));
    assert_eq!(json["controls"].as_array().map(Vec::len), Some(3));
    assert_eq!(json["evidence_problems"][0]["path"], "gone.md");
    assert_eq!(json["evidence_problems"][0]["needed_by"][0]["id"], "C2");
    assert_eq!(json["owners"][1]["owner"], "Sec");
    assert!(
        json["readiness_definition"]
            .as_str()
            .is_some_and(|d| d.starts_with("Readiness is"))
    );
}

#[test]
fn reports_are_byte_identical_for_the_same_input() {
    for format in ["markdown", "html", "json"] {
        let run = || {
            comply(&example_root())
                .args(["report", "--format", format, "--as-of", "2026-11-25"])
                .assert()
                .code(0)
                .get_output()
                .stdout
                .clone()
        };
        assert_eq!(run(), run(), "{format}");
    }
}

#[test]
fn example_report_snapshot() {
    let assert = comply(&example_root())
        .args(["report", "--as-of", "2026-11-25"])
        .assert()
        .code(0);
    insta::assert_snapshot!("report_2026_11_25", stdout(&assert));
}

#[test]
fn output_is_written_atomically_and_never_over_a_file_by_surprise() {
    let repo = fixture();
    let out = repo.path().join("out/report.md");
    std::fs::create_dir_all(repo.path().join("out")).expect("mkdir");
    let target = out.to_str().expect("utf-8 path");
    let first = repo
        .run(&["report", "--as-of", "2025-06-15", "--output", target])
        .code(0);
    assert!(stdout(&first).is_empty());
    let written = std::fs::read_to_string(&out).expect("report written");
    assert!(written.starts_with("# Compliance report: "));

    let again = repo
        .run(&["report", "--as-of", "2025-06-20", "--output", target])
        .code(2);
    assert!(stderr(&again).contains("already exists; pass --force to replace it"));
    assert_eq!(std::fs::read_to_string(&out).expect("still there"), written);

    repo.run(&[
        "report",
        "--as-of",
        "2025-06-20",
        "--output",
        target,
        "--force",
    ])
    .code(0);
    assert!(
        std::fs::read_to_string(&out)
            .expect("replaced")
            .contains("As of **2025-06-20**")
    );
    let entries = std::fs::read_dir(repo.path().join("out"))
        .expect("list")
        .count();
    assert_eq!(entries, 1, "a temporary file was left behind");

    let missing = repo.path().join("no/such/dir/r.md");
    repo.run(&["report", "--output", missing.to_str().expect("utf-8")])
        .code(2);
    assert!(!repo.path().join("no").exists());
}

#[test]
fn html_is_responsive_with_contents_and_dates_that_do_not_wrap() {
    let html = report(&fixture(), "html");
    // A table of contents linking every section.
    let nav_start = html
        .find("<nav class=\"toc\"")
        .expect("a table of contents");
    let nav = &html[nav_start..html[nav_start..].find("</nav>").expect("nav ends") + nav_start];
    for part in html.split("<h2><a id=\"").skip(1) {
        let anchor = part.split('"').next().expect("anchor");
        assert!(
            nav.contains(&format!("href=\"#{anchor}\"")),
            "contents miss #{anchor}"
        );
    }
    // Tables scroll in their own box; charts scale to the width.
    assert_eq!(
        html.matches("<table>").count(),
        html.matches("<div class=\"scroll\"><table>").count()
    );
    for svg in html.split("<svg ").skip(1) {
        let head = svg.split('>').next().expect("svg tag");
        assert!(
            head.contains("viewBox=") && !head.contains(" width="),
            "{head}"
        );
    }
    assert!(html.contains("figure.chart svg { display: block; width: 100%; height: auto; }"));
    // Dates never break at their hyphens, in cells and in prose.
    assert!(
        html.contains("<td><span class=\"nowrap\">2025-06-01</span></td>"),
        "{html}"
    );
    assert!(html.contains("overdue since <span class=\"nowrap\">2025-06-01</span>"));
    assert!(html.contains("@media print"));
    assert!(html.contains("@media (max-width: 600px)"));
}

#[test]
fn chart_labels_stay_inside_the_chart() {
    for framework in [
        "fw",
        "pci-dss-v4-0-1-very-long-framework-identifier",
        "ééééééééééééééééééééééééééééééé",
        "a&b<c>-very-long-identifier-with-markup",
    ] {
        let repo = Fixture::new()
            .file(
                "controls/x.yaml",
                &format!(
                    "framework: {}\nname: X\ncontrols:\n  - id: C1\n    title: One\n    status: planned\n",
                    serde_json::to_string(framework).expect("JSON")
                ),
            )
            .file(
                "backlog/items.yaml",
                &format!(
                    "framework: {}\nitems:\n  - id: A\n    title: A\n    risk: high\n    due: 2025-01-01\n",
                    serde_json::to_string(framework).expect("JSON")
                ),
            );
        let html = report(&repo, "html");
        let chart = html
            .split("<svg")
            .nth(1)
            .and_then(|s| s.split("</svg>").next())
            .expect("a chart");
        // The framework label: right-aligned at x=112 in a 120-unit column,
        // at about 7 units a character, with the whole id as its tooltip.
        let label = chart
            .split("<text x=\"112\"")
            .nth(1)
            .expect("a framework label");
        let shown = label
            .split("</title>")
            .nth(1)
            .and_then(|s| s.split("</text>").next())
            .expect("label text");
        let chars = shown
            .replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .chars()
            .count();
        assert!(chars * 7 + 4 <= 112, "`{shown}` is cut off on the left");
        let title = label
            .split("<title>")
            .nth(1)
            .and_then(|s| s.split("</title>").next())
            .expect("a tooltip");
        let escaped = framework
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        assert_eq!(title, escaped);
        if framework.chars().count() > 15 {
            assert!(shown.ends_with('…'), "{shown}");
        } else {
            assert_eq!(shown, escaped);
        }
    }
}
