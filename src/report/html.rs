//! The report as one self-contained HTML page: the Markdown report rendered
//! by pulldown-cmark, with inline CSS and no script or external asset.

use pulldown_cmark::{Options, Parser, html};

use super::Report;
use super::markdown::{self, Flavor};
use super::xml_escape;

const STYLE: &str = r#"
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111; margin: 0; }
main { max-width: 1200px; margin: 0 auto; padding: 24px; }
h1 { font-size: 1.7em; margin-top: 0; }
h2 { border-bottom: 2px solid #111; padding-bottom: 2px; margin-top: 1.8em; }
table { border-collapse: collapse; margin: 8px 0 16px; width: 100%; }
th, td { border: 1px solid #999; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #eee; }
tbody tr:nth-child(even) { background: #fafafa; }
a { color: #1d4ed8; }
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
figure.chart { margin: 8px 0 16px; }
figure.chart .label { font: 12px system-ui, sans-serif; fill: #111; }
figure.chart .count { font: bold 11px system-ui, sans-serif; fill: #fff; paint-order: stroke; stroke: #000; stroke-width: 2px; }
figcaption { font-size: 0.85em; color: #444; }
@media print {
  body { font-size: 10pt; }
  main { max-width: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
  tr, figure { break-inside: avoid; }
  h2 { break-after: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;

/// Renders `report` as a complete HTML document.
pub fn render(report: &Report) -> String {
    let source = markdown::render(report, Flavor::Html);
    let mut body = String::with_capacity(source.len() * 2);
    html::push_html(&mut body, Parser::new_ext(&source, Options::ENABLE_TABLES));
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Compliance report: {} ({})</title>\n<style>{STYLE}</style>\n</head>\n\
         <body>\n<main>\n{body}</main>\n</body>\n</html>\n",
        xml_escape(&report.title),
        report.as_of
    )
}
