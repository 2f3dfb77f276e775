//! The report as one self-contained HTML page: the Markdown report rendered
//! by pulldown-cmark, with inline CSS and no script or external asset.

use pulldown_cmark::{Options, Parser, html};

use super::Report;
use super::markdown::{self, Flavor};
use super::xml_escape;

const STYLE: &str = r##"
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111; margin: 0; }
main { max-width: 1200px; margin: 0 auto; padding: 24px; }
h1 { font-size: 1.7em; margin-top: 0; }
h2 { border-bottom: 2px solid #111; padding-bottom: 2px; margin-top: 1.8em; }
p, li, figcaption { overflow-wrap: anywhere; }
nav.toc { border: 1px solid #999; padding: 6px 12px; margin: 8px 0 16px; }
nav.toc ul { margin: 4px 0; padding-left: 20px; }
.scroll { overflow-x: auto; margin: 8px 0 16px; max-width: 100%; }
table { border-collapse: collapse; min-width: 100%; }
th, td { border: 1px solid #999; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #eee; white-space: nowrap; }
tbody tr:nth-child(even) { background: #fafafa; }
a { color: #1d4ed8; }
.nowrap, a[href^="#item-"], a[href^="#control-"],
td:has(> a[id^="item-"]:first-child), td:has(> a[id^="control-"]:first-child) { white-space: nowrap; }
.tag { display: inline-block; padding: 0 5px; border-radius: 3px; font-weight: 600; font-size: 0.85em;
       border: 1px solid #444; text-transform: uppercase; letter-spacing: 0.02em; white-space: nowrap; }
.risk-critical { background: #7f1d1d; color: #fff; border: 3px double #000; }
.risk-high { background: #fee2e2; color: #991b1b; border: 2px solid #991b1b; }
.risk-medium { background: #fef3c7; color: #92400e; border: 1px dashed #92400e; }
.risk-low { background: #f3f4f6; color: #374151; border: 1px dotted #374151; }
.state-overdue, .gate-failed, .gate-undetermined, .evidence-missing, .evidence-outside, .status-missing
  { background: #fee2e2; color: #991b1b; border: 2px solid #991b1b; }
.state-due-soon, .evidence-empty, .status-partial, .status-planned
  { background: #fef3c7; color: #92400e; border: 1px dashed #92400e; }
.state-closed, .gate-passed, .evidence-present, .status-implemented
  { background: #dcfce7; color: #166534; border: 1px solid #166534; }
.state-scheduled, .state-unscheduled, .status-not-applicable, .acceptance-active
  { background: #f3f4f6; color: #374151; }
.acceptance-expiring { background: #fef3c7; color: #92400e; border: 1px dashed #92400e; }
.acceptance-expired { background: #fee2e2; color: #991b1b; border: 2px solid #991b1b; }
figure.chart { margin: 8px 0 16px; max-width: 100%; }
figure.chart svg { display: block; width: 100%; height: auto; }
figure.chart .label { font: 12px system-ui, sans-serif; fill: #111; }
figure.chart .count { font: bold 11px system-ui, sans-serif; fill: #fff; paint-order: stroke; stroke: #000; stroke-width: 2px; }
figcaption { font-size: 0.85em; color: #444; }
@media (max-width: 600px) {
  main { padding: 12px; }
  h1 { font-size: 1.4em; }
}
@media print {
  body { font-size: 9pt; }
  main { max-width: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
  .scroll { overflow: visible; }
  table { min-width: 0; width: 100%; }
  thead { display: table-header-group; }
  tr, figure, nav.toc { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"##;

/// Renders `report` as a complete HTML document.
pub(crate) fn render(report: &Report) -> String {
    let source = markdown::render(report, Flavor::Html);
    let mut body = String::with_capacity(source.len() * 2);
    html::push_html(&mut body, Parser::new_ext(&source, Options::ENABLE_TABLES));
    let body = nowrap_dates(&scrolling_tables(&body));
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Compliance report: {} ({})</title>\n<style>{STYLE}</style>\n</head>\n\
         <body>\n<main>\n{body}</main>\n</body>\n</html>\n",
        xml_escape(&report.title),
        report.as_of
    )
}

/// `html` with each table inside a box that scrolls sideways, so a wide
/// table never widens the page.
fn scrolling_tables(html: &str) -> String {
    html.replace("<table>", "<div class=\"scroll\"><table>")
        .replace("</table>", "</table></div>")
}

/// `html` with every date (YYYY-MM-DD) in text, outside tags and SVG, in a
/// span that does not wrap: browsers break lines after a hyphen.
fn nowrap_dates(html: &str) -> String {
    let bytes = html.as_bytes();
    let mut out = String::with_capacity(html.len() + 64);
    let (mut i, mut copied, mut in_tag, mut in_svg) = (0, 0, false, false);
    while i < bytes.len() {
        match bytes[i] {
            b'<' => {
                in_tag = true;
                let rest = &html[i..];
                if rest.starts_with("<svg") {
                    in_svg = true;
                } else if rest.starts_with("</svg>") {
                    in_svg = false;
                }
            }
            b'>' => in_tag = false,
            _ if !in_tag && !in_svg && is_date(&bytes[i..]) => {
                let before_ok = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
                let after_ok = bytes.get(i + 10).is_none_or(|b| !b.is_ascii_alphanumeric());
                if before_ok && after_ok {
                    out.push_str(&html[copied..i]);
                    out.push_str("<span class=\"nowrap\">");
                    out.push_str(&html[i..i + 10]);
                    out.push_str("</span>");
                    i += 10;
                    copied = i;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    out.push_str(&html[copied..]);
    out
}

/// Whether `bytes` start with `DDDD-DD-DD`.
fn is_date(bytes: &[u8]) -> bool {
    bytes.len() >= 10
        && bytes[..10].iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_text_do_not_wrap() {
        assert_eq!(
            nowrap_dates("<td>2025-11-15</td><a href=\"#x-2025-11-15\">due 2025-01-02.</a>"),
            "<td><span class=\"nowrap\">2025-11-15</span></td><a href=\"#x-2025-11-15\">due <span class=\"nowrap\">2025-01-02</span>.</a>"
        );
        assert_eq!(nowrap_dates("id-2025-11-150"), "id-2025-11-150");
        assert_eq!(
            nowrap_dates("<svg><text>2025-11-15</text></svg> é 2025-11-15"),
            "<svg><text>2025-11-15</text></svg> é <span class=\"nowrap\">2025-11-15</span>"
        );
    }

    #[test]
    fn tables_scroll_in_their_own_box() {
        assert_eq!(
            scrolling_tables("<table><tr></tr></table>"),
            "<div class=\"scroll\"><table><tr></tr></table></div>"
        );
    }
}
