//! A small inline SVG bar chart: open items per framework, stacked by risk.
//!
//! Each segment carries its count as text and the legend names every risk,
//! so the chart still reads when printed in black and white.

use std::fmt::Write as _;

use super::Report;
use crate::analysis::ItemState;
use crate::model::Risk;

const RISKS: [(Risk, &str); 4] = [
    (Risk::Critical, "#7f1d1d"),
    (Risk::High, "#dc2626"),
    (Risk::Medium, "#d97706"),
    (Risk::Low, "#4b5563"),
];
const LABEL_WIDTH: usize = 120;
const BAR_WIDTH: usize = 480;
const ROW: usize = 26;

/// The chart as one `<figure>` element (no blank lines, so Markdown keeps
/// it as one HTML block).
pub fn open_items(report: &Report) -> String {
    let rows: Vec<(&str, [usize; 4])> = report
        .frameworks
        .iter()
        .map(|f| {
            let mut counts = [0; 4];
            for item in report
                .items
                .iter()
                .filter(|i| i.framework == f.id && i.state != ItemState::Closed)
            {
                let slot = RISKS.iter().position(|(r, _)| *r == item.risk).unwrap_or(3);
                counts[slot] += 1;
            }
            (f.id.as_str(), counts)
        })
        .collect();
    let most = rows
        .iter()
        .map(|(_, c)| c.iter().sum::<usize>())
        .max()
        .unwrap_or(0)
        .max(1);
    let height = rows.len() * ROW + 44;
    let width = LABEL_WIDTH + BAR_WIDTH + 60;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<figure class=\"chart\"><svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" \
         width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" \
         aria-labelledby=\"chart-title\"><title id=\"chart-title\">Open items by framework and risk</title>"
    );
    for (row, (framework, counts)) in rows.iter().enumerate() {
        let y = row * ROW + 4;
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"label\">{}</text>",
            LABEL_WIDTH - 8,
            y + 15,
            xml_escape(framework)
        );
        let mut x = LABEL_WIDTH;
        for (slot, count) in counts.iter().enumerate().filter(|(_, c)| **c > 0) {
            let w = (count * BAR_WIDTH / most).max(18);
            let (risk, colour) = RISKS[slot];
            let _ = write!(
                svg,
                "<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"20\" fill=\"{colour}\" stroke=\"#000\" stroke-width=\"0.5\"><title>{count} {risk}</title></rect>\
                 <text x=\"{}\" y=\"{}\" text-anchor=\"middle\" class=\"count\">{count}</text>",
                x + w / 2,
                y + 15
            );
            x += w;
        }
        let total: usize = counts.iter().sum();
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" class=\"label\">{total}</text>",
            x + 6,
            y + 15
        );
    }
    let legend_y = rows.len() * ROW + 20;
    let mut x = LABEL_WIDTH;
    for (risk, colour) in RISKS {
        let _ = write!(
            svg,
            "<rect x=\"{x}\" y=\"{legend_y}\" width=\"12\" height=\"12\" fill=\"{colour}\" stroke=\"#000\" stroke-width=\"0.5\"/>\
             <text x=\"{}\" y=\"{}\" class=\"label\">{risk}</text>",
            x + 16,
            legend_y + 11
        );
        x += 90;
    }
    svg.push_str("</svg><figcaption>Open items by framework, stacked by risk (counts in each bar).</figcaption></figure>");
    svg
}

/// Escapes text for XML content and attributes.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}
