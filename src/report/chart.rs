//! A small inline SVG bar chart: open items per framework, stacked by risk.
//!
//! Each segment carries its count as text and the legend names every risk,
//! so the chart still reads when printed in black and white.

use std::fmt::Write as _;

use super::Report;
use crate::analysis::ItemState;
use crate::coverage::Coverage;
use crate::model::Risk;
use crate::periods::TrendPoint;

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
pub(crate) fn open_items(report: &Report) -> String {
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
         viewBox=\"0 0 {width} {height}\" style=\"max-width:{width}px\" \
         aria-labelledby=\"chart-title\"><title id=\"chart-title\">Open items by framework and risk</title>"
    );
    for (row, (framework, counts)) in rows.iter().enumerate() {
        let y = row * ROW + 4;
        // A framework id longer than the label column is cut with an
        // ellipsis; the whole id is its tooltip.
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"label\"><title>{}</title>{}</text>",
            LABEL_WIDTH - 8,
            y + 15,
            xml_escape(framework),
            xml_escape(&shortened(framework, LABEL_WIDTH - 12))
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

/// The shared controls against the frameworks they serve, as an SVG
/// matrix: a filled, labelled cell where a control's work counts for a
/// framework (its own framework marked `own`).
pub fn coverage_matrix(coverage: &Coverage) -> String {
    let mut frameworks: Vec<&str> = coverage
        .shared_controls
        .iter()
        .flat_map(|c| c.frameworks.iter().map(String::as_str))
        .collect();
    frameworks.sort_unstable();
    frameworks.dedup();
    const CELL: usize = 72;
    let label = LABEL_WIDTH + 60;
    let width = label + frameworks.len() * CELL + 8;
    let height = (coverage.shared_controls.len() + 1) * ROW + 8;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<figure class=\"chart\"><svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" \
         viewBox=\"0 0 {width} {height}\" style=\"max-width:{width}px\" \
         aria-labelledby=\"coverage-title\"><title id=\"coverage-title\">Shared controls by framework</title>"
    );
    for (column, framework) in frameworks.iter().enumerate() {
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"16\" text-anchor=\"middle\" class=\"label\">{}</text>",
            label + column * CELL + CELL / 2,
            xml_escape(&shortened(framework, CELL - 4))
        );
    }
    for (row, control) in coverage.shared_controls.iter().enumerate() {
        let y = (row + 1) * ROW + 4;
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"label\"><title>{}</title>{}</text>",
            label - 8,
            y + 15,
            xml_escape(&control.control),
            xml_escape(&shortened(&control.control, label - 12))
        );
        let home = control.control.split_once(':').map_or("", |(fw, _)| fw);
        for (column, framework) in frameworks.iter().enumerate() {
            if !control.frameworks.iter().any(|f| f == framework) {
                continue;
            }
            let (fill, word) = if *framework == home {
                ("#9ca3af", "own")
            } else {
                ("#16a34a", "serves")
            };
            let _ = write!(
                svg,
                "<rect x=\"{}\" y=\"{y}\" width=\"{}\" height=\"20\" fill=\"{fill}\" stroke=\"#000\" stroke-width=\"0.5\"><title>{} {word} {}</title></rect>\
                 <text x=\"{}\" y=\"{}\" text-anchor=\"middle\" class=\"count\">{word}</text>",
                label + column * CELL + 2,
                CELL - 4,
                xml_escape(&control.control),
                xml_escape(framework),
                label + column * CELL + CELL / 2,
                y + 15
            );
        }
    }
    svg.push_str("</svg><figcaption>Shared controls (rows) and the frameworks their work counts for (columns).</figcaption></figure>");
    svg
}

/// Escapes text for XML content and attributes; characters XML 1.0 does
/// not allow (and other unsafe ones, see [`crate::text::inert`]) are written
/// as visible escapes.
pub(crate) fn xml_escape(text: &str) -> String {
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

/// Approximate width of `text` in the chart's 12px label font.
fn label_width(text: &str) -> usize {
    text.chars().count() * 7 + 4
}

/// `text` cut to at most `width` (in [`label_width`] units), ending with
/// an ellipsis when cut.
fn shortened(text: &str, width: usize) -> String {
    if label_width(text) <= width {
        return text.to_string();
    }
    let keep = (width.saturating_sub(4) / 7).saturating_sub(1);
    let mut out: String = text.chars().take(keep).collect();
    out.push('…');
    out
}

/// Vertical positions for labels wanted at `wanted` (each the y of its
/// line's end), at least `gap` apart and within `top..=bottom`, each as
/// near its line as that allows; the order of `wanted` is kept in the
/// result.
fn spread(wanted: &[usize], gap: usize, top: usize, bottom: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..wanted.len()).collect();
    order.sort_by_key(|&i| (wanted[i], i));
    let mut placed = vec![0; wanted.len()];
    let mut next = top;
    for &i in &order {
        let y = wanted[i].max(next);
        placed[i] = y;
        next = y + gap;
    }
    // Labels pushed below the bottom move up together.
    let mut limit = bottom;
    for &i in order.iter().rev() {
        if placed[i] > limit {
            placed[i] = limit;
        }
        limit = placed[i].saturating_sub(gap);
    }
    placed
}

/// A line chart of open, overdue and done items and missing evidence per
/// period. Lines differ in dash pattern as well as colour, and each ends with
/// its label, placed so that no two labels overlap and none is cut off.
pub(crate) fn trend(points: &[TrendPoint]) -> String {
    // Narrow enough that its text stays legible when the page is narrow
    // (the SVG scales down with it): about 500 units wide.
    const H: usize = 220;
    const LEFT: usize = 40;
    const PLOT_W: usize = 320;
    const TOP: usize = 14;
    const BOTTOM: usize = 40;
    const GAP: usize = 17;
    let values = |p: &TrendPoint| [p.open, p.overdue, p.done, p.evidence_missing];
    let most = points.iter().flat_map(values).max().unwrap_or(0).max(1);
    let last = points.last().map(values).unwrap_or_default();
    let labels: Vec<String> = SERIES
        .iter()
        .zip(last)
        .map(|((name, _, _), v)| format!("{name} ({v})"))
        .collect();
    let right = labels.iter().map(|l| label_width(l)).max().unwrap_or(0) + 16;
    let w = LEFT + PLOT_W + right;
    let plot_h = H - TOP - BOTTOM;
    let x = |i: usize| {
        LEFT + if points.len() > 1 {
            i * PLOT_W / (points.len() - 1)
        } else {
            PLOT_W / 2
        }
    };
    let y = |v: usize| TOP + plot_h - v * plot_h / most;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<figure class=\"chart\"><svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" \
         viewBox=\"0 0 {w} {H}\" style=\"max-width:{w}px\" aria-labelledby=\"trend-title\"><title id=\"trend-title\">Trend per month</title>\
         <line x1=\"{LEFT}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#000\"/>\
         <line x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{LEFT}\" y2=\"{}\" stroke=\"#000\"/>\
         <text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"label\">{most}</text>\
         <text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"label\">0</text>",
        TOP + plot_h,
        LEFT + PLOT_W,
        TOP + plot_h,
        TOP + plot_h,
        LEFT - 4,
        TOP + 4,
        LEFT - 4,
        TOP + plot_h
    );
    // Period labels: first and last always, others when there is room.
    let mut shown_until = 0;
    for (i, p) in points.iter().enumerate() {
        let text = &p.period_end.to_string()[..7];
        let half = label_width(text) / 2;
        let centre = x(i);
        let is_last = i + 1 == points.len();
        let fits_before_last =
            is_last || centre + half + 8 < x(points.len() - 1).saturating_sub(2 * half);
        if (i == 0 || centre >= shown_until + half + 8) && fits_before_last {
            // The last label ends at its point, so it stays clear of the
            // line labels to its right.
            let anchor = if is_last && i > 0 { "end" } else { "middle" };
            let _ = write!(
                svg,
                "<text x=\"{centre}\" y=\"{}\" text-anchor=\"{anchor}\" class=\"label\">{text}</text>",
                H - BOTTOM + 18
            );
            shown_until = centre + half;
        }
    }
    let ends: Vec<usize> = last.iter().map(|&v| y(v) + 4).collect();
    let placed = spread(&ends, GAP, TOP + 4, TOP + plot_h + 4);
    for (s, (_, colour, dash)) in SERIES.iter().enumerate() {
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
        if !points.is_empty() {
            let end_x = x(points.len() - 1);
            // A leader line from the end of the line to its label when the
            // label had to move.
            if placed[s] != ends[s] {
                let _ = write!(
                    svg,
                    "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{colour}\" stroke-width=\"1\"/>",
                    end_x + 4,
                    ends[s] - 4,
                    end_x + 12,
                    placed[s] - 4
                );
            }
            let _ = write!(
                svg,
                "<text x=\"{}\" y=\"{}\" class=\"label\">{}</text>",
                end_x + 14,
                placed[s],
                labels[s]
            );
        }
    }
    svg.push_str("</svg><figcaption>Open, overdue and done items and missing evidence at the end of each month, from git history.</figcaption></figure>");
    svg
}

/// Most period columns in one run of the audit grid: longer cadences are
/// cut into runs, one under the other, so a daily activity stays as legible
/// as a quarterly one.
const GRID_RUN: usize = 12;

/// The audit grid as SVG: one drawing per cadence, its periods named above
/// their columns and cut into runs of at most [`GRID_RUN`], each run
/// repeating the activities' rows, so every drawing is at most
/// [`GRID_RUN`] columns wide and prints without hovering.
pub(crate) fn audit_grid(audit: &crate::audit::Audit) -> String {
    let mut html = String::from("<figure class=\"chart\">");
    for (n, cadence) in audit.cadences().into_iter().enumerate() {
        let rows: Vec<&crate::audit::Activity> = audit
            .activities
            .iter()
            .filter(|a| a.cadence == cadence)
            .collect();
        html.push_str(&cadence_grid(audit, &cadence.to_string(), &rows, n));
    }
    let _ = write!(
        html,
        "<figcaption>One square per period, named above its column: ok = covered, late = \
         committed after the period's end plus {} grace days, MISS = missing, .. = not over \
         yet.</figcaption></figure>",
        audit.grace_days
    );
    html
}

/// One cadence's drawing of the audit grid.
fn cadence_grid(
    audit: &crate::audit::Audit,
    cadence: &str,
    rows: &[&crate::audit::Activity],
    n: usize,
) -> String {
    use crate::audit::CellState;
    const CELL: usize = 70;
    const HEADER: usize = 22;
    let label = 220;
    let periods: Vec<&str> = rows
        .iter()
        .max_by_key(|a| a.cells.len())
        .map(|a| a.cells.iter().map(|c| c.period.as_str()).collect())
        .unwrap_or_default();
    let runs: Vec<&[&str]> = periods.chunks(GRID_RUN).collect();
    let run_height = HEADER + rows.len() * ROW + 8;
    let width = label + periods.len().clamp(1, GRID_RUN) * CELL + 8;
    let height = 24 + runs.len().max(1) * run_height;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" \
         viewBox=\"0 0 {width} {height}\" style=\"max-width:{width}px\" \
         aria-labelledby=\"audit-title{suffix}\"><title id=\"audit-title{suffix}\">Evidence per \
         period, {cadence}, {}</title><text class=\"label\" x=\"0\" y=\"16\" \
         font-weight=\"bold\">{}</text>",
        audit.period,
        xml_escape(cadence),
        suffix = if n == 0 {
            String::new()
        } else {
            format!("-{n}")
        },
    );
    for (r, run) in runs.iter().enumerate() {
        let top = 24 + r * run_height;
        let first = r * GRID_RUN;
        for (column, period) in run.iter().enumerate() {
            let _ = write!(
                svg,
                "<text class=\"label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                label + column * CELL + (CELL - 4) / 2,
                top + 14,
                xml_escape(period)
            );
        }
        for (row, activity) in rows.iter().enumerate() {
            let y = top + HEADER + row * ROW;
            let _ = write!(
                svg,
                "<text class=\"label\" x=\"0\" y=\"{}\"><title>{}</title>{}</text>",
                y + 16,
                xml_escape(&activity.title),
                xml_escape(&shortened(&activity.id, label - 8))
            );
            for (column, cell) in activity
                .cells
                .iter()
                .skip(first)
                .take(run.len())
                .enumerate()
            {
                let x = label + column * CELL;
                let fill = match cell.state {
                    CellState::Covered => "#15803d",
                    CellState::Late => "#d97706",
                    CellState::Missing => "#dc2626",
                    CellState::Open => "#9ca3af",
                };
                let _ = write!(
                    svg,
                    "<rect x=\"{x}\" y=\"{y}\" width=\"{}\" height=\"{}\" fill=\"{fill}\"><title>{} {}: {}</title></rect>\
                     <text class=\"count\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                    CELL - 4,
                    ROW - 6,
                    xml_escape(&activity.id),
                    xml_escape(&cell.period),
                    cell.state,
                    x + (CELL - 4) / 2,
                    y + 15,
                    crate::report::words::audit_mark(cell.state)
                );
            }
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_spread_apart_within_the_plot() {
        assert_eq!(spread(&[50, 50, 100], 14, 0, 200), vec![50, 64, 100]);
        assert_eq!(spread(&[200, 200, 10], 14, 0, 200), vec![186, 200, 10]);
        assert_eq!(spread(&[0, 0], 14, 10, 200), vec![10, 24]);
        let placed = spread(&[150, 150, 150, 150], 14, 0, 160);
        let mut sorted = placed.clone();
        sorted.sort_unstable();
        assert!(sorted.windows(2).all(|w| w[1] - w[0] >= 14), "{placed:?}");
        assert!(placed.iter().all(|&y| y <= 160));
    }

    /// The `x` and `y` of every `<text class="label">` after the period
    /// labels, and the viewBox width.
    fn end_labels(svg: &str) -> (Vec<(usize, usize, String)>, usize) {
        let number = |s: &str, key: &str| -> usize {
            let start = s.find(key).expect("attribute") + key.len();
            s[start..]
                .split(['"', ' '])
                .next()
                .expect("value")
                .parse()
                .expect("number")
        };
        let width = number(svg, "viewBox=\"0 0 ");
        let labels = svg
            .split("<text ")
            .skip(1)
            .filter(|t| !t.contains("text-anchor"))
            .map(|t| {
                let text = t
                    .split('>')
                    .nth(1)
                    .expect("text")
                    .trim_end_matches("</text");
                (number(t, "x=\""), number(t, "y=\""), text.to_string())
            })
            .collect();
        (labels, width)
    }

    #[test]
    fn trend_labels_neither_collide_nor_leave_the_chart() {
        let point = |month: u32, open, overdue, done, missing| TrendPoint {
            period_end: chrono::NaiveDate::from_ymd_opt(2026, month, 28).expect("date"),
            commit: "abc".to_string(),
            open,
            overdue,
            done,
            evidence_missing: missing,
        };
        // open and done end on the same value, overdue and missing too.
        let points = [point(1, 3, 1, 0, 9), point(2, 5, 4, 5, 4)];
        let (labels, width) = end_labels(&trend(&points));
        assert_eq!(labels.len(), 4, "{labels:?}");
        for (x, _, text) in &labels {
            assert!(
                x + label_width(text) <= width,
                "`{text}` is cut off at {width}"
            );
        }
        for (i, a) in labels.iter().enumerate() {
            for b in &labels[i + 1..] {
                assert!(a.1.abs_diff(b.1) >= 16, "{a:?} and {b:?} overlap");
            }
        }
        assert!(labels.iter().any(|(_, _, t)| t == "evidence missing (4)"));

        // Twelve months, all lines ending at 0: the last month's label ends
        // at its point, left of the line labels, which stay apart.
        let points: Vec<TrendPoint> = (1..=12).map(|m| point(m, 7, 7, 0, 0)).collect();
        let svg = trend(&points);
        let (labels, _) = end_labels(&svg);
        let last = svg
            .split("<text ")
            .find(|t| t.contains(">2026-12<"))
            .expect("the last month's label");
        assert!(last.contains("text-anchor=\"end\""), "{last}");
        let end_x = 40 + 320;
        assert!(last.starts_with(&format!("x=\"{end_x}\"")), "{last}");
        assert!(labels.iter().all(|(x, _, _)| *x > end_x), "{labels:?}");
        for (i, a) in labels.iter().enumerate() {
            for b in &labels[i + 1..] {
                assert!(a.1.abs_diff(b.1) >= 16, "{a:?} and {b:?} overlap");
            }
        }
    }
}
