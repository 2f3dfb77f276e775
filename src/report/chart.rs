//! A small inline SVG bar chart: open items per framework, stacked by risk.
//!
//! Each segment carries its count as text and the legend names every risk,
//! so the chart still reads when printed in black and white.

use std::fmt::Write as _;

use super::Report;
use crate::analysis::ItemState;
use crate::model::Risk;
use crate::trend::TrendPoint;

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

/// Escapes text for XML content and attributes; characters XML 1.0 does
/// not allow (and other unsafe ones, see [`crate::text::inert`]) are written
/// as visible escapes.
pub fn xml_escape(text: &str) -> String {
    let text = crate::text::inert(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

const SERIES: [(&str, &str, &str); 4] = [
    ("open", "#1d4ed8", ""),
    ("overdue", "#dc2626", "6 3"),
    ("done", "#15803d", "2 2"),
    ("evidence missing", "#92400e", "8 3 2 3"),
];

/// A line chart of open, overdue and done items and missing evidence per
/// period. Lines differ in dash pattern as well as colour, and each ends with
/// its label, so the chart reads in black and white.
pub fn trend(points: &[TrendPoint]) -> String {
    const W: usize = 640;
    const H: usize = 220;
    const LEFT: usize = 40;
    const RIGHT: usize = 130;
    const TOP: usize = 10;
    const BOTTOM: usize = 40;
    let values = |p: &TrendPoint| [p.open, p.overdue, p.done, p.evidence_missing];
    let most = points.iter().flat_map(values).max().unwrap_or(0).max(1);
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let x = |i: usize| {
        LEFT + if points.len() > 1 {
            i * plot_w / (points.len() - 1)
        } else {
            plot_w / 2
        }
    };
    let y = |v: usize| TOP + plot_h - v * plot_h / most;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<figure class=\"chart\"><svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"{W}\" height=\"{H}\" \
         viewBox=\"0 0 {W} {H}\" aria-labelledby=\"trend-title\"><title id=\"trend-title\">Trend per month</title>\
         <line x1=\"{LEFT}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#000\"/>\
         <line x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{LEFT}\" y2=\"{}\" stroke=\"#000\"/>\
         <text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"label\">{most}</text>\
         <text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"label\">0</text>",
        TOP + plot_h,
        LEFT + plot_w,
        TOP + plot_h,
        TOP + plot_h,
        LEFT - 4,
        TOP + 10,
        LEFT - 4,
        TOP + plot_h
    );
    for (i, p) in points.iter().enumerate() {
        if i == 0 || i + 1 == points.len() || points.len() <= 6 || i % 3 == 0 {
            let _ = write!(
                svg,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" class=\"label\">{}</text>",
                x(i),
                H - BOTTOM + 16,
                &p.period_end.to_string()[..7]
            );
        }
    }
    for (s, (name, colour, dash)) in SERIES.iter().enumerate() {
        let coords: Vec<String> = points
            .iter()
            .enumerate()
            .map(|(i, p)| format!("{},{}", x(i), y(values(p)[s])))
            .collect();
        let _ = write!(
            svg,
            "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" stroke-dasharray=\"{dash}\" points=\"{}\"/>",
            coords.join(" ")
        );
        for (i, p) in points.iter().enumerate() {
            let _ = write!(
                svg,
                "<circle cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"{colour}\"/>",
                x(i),
                y(values(p)[s])
            );
        }
        if let Some(last) = points.last() {
            let v = values(last)[s];
            let _ = write!(
                svg,
                "<text x=\"{}\" y=\"{}\" class=\"label\">{name} ({v})</text>",
                x(points.len() - 1) + 6,
                y(v) + 4 + s * 2
            );
        }
    }
    svg.push_str("</svg><figcaption>Open, overdue and done items and missing evidence at the end of each month, from git history.</figcaption></figure>");
    svg
}
