//! Human output: tables for the dashboard and listings, lines for the gate.

use std::io::{self, Write};

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, CellAlignment, Color, ContentArrangement, Table};

use super::{DueLists, Style, Tone};
use crate::analysis::{Analysis, ControlView, FrameworkSummary, ItemView};
use crate::evidence::EvidenceState;
use crate::gate::{Gate, plural};

const NONE: &str = "None.";

/// The dashboard: framework figures, overdue items, the gate's verdict.
pub fn status(
    out: &mut dyn Write,
    title: &str,
    analysis: &Analysis,
    style: Style,
) -> io::Result<()> {
    writeln!(
        out,
        "{} as of {} (due soon: within {} {})\n",
        style.bold(title),
        analysis.as_of,
        analysis.due_soon_days,
        plural(i64::from(analysis.due_soon_days), "day")
    )?;
    let mut table = new_table(
        style,
        &[
            "Framework",
            "Controls",
            "Implemented",
            "Gaps",
            "Open items",
            "Overdue",
            "Due soon",
            "Unscheduled",
            "Evidence missing",
        ],
    );
    let mut total = FrameworkSummary {
        id: "total".into(),
        ..FrameworkSummary::default()
    };
    for f in &analysis.frameworks {
        table.add_row(framework_row(style, &f.id, f));
        total.controls += f.controls;
        total.implemented += f.implemented;
        total.gaps += f.gaps;
        total.items_open += f.items_open;
        total.overdue += f.overdue;
        total.due_soon += f.due_soon;
        total.unscheduled += f.unscheduled;
        total.evidence_missing += f.evidence_missing;
    }
    if analysis.frameworks.len() > 1 {
        table.add_row(framework_row(style, "total", &total));
    }
    for column in 1..9 {
        align_right(&mut table, column);
    }
    writeln!(out, "{table}\n")?;

    let overdue = analysis.items_in(crate::analysis::ItemState::Overdue);
    item_list(out, style, "Overdue items", &overdue, Days::Late)?;
    verdict(out, &analysis.gate, style)
}

fn framework_row(style: Style, label: &str, f: &FrameworkSummary) -> Vec<Cell> {
    let count = |n: usize, tone: Tone| {
        cell(
            style,
            &n.to_string(),
            if n > 0 { tone } else { Tone::Plain },
        )
    };
    vec![
        Cell::new(label),
        Cell::new(f.controls),
        Cell::new(f.implemented),
        count(f.gaps, Tone::Warn),
        Cell::new(f.items_open),
        count(f.overdue, Tone::Bad),
        count(f.due_soon, Tone::Warn),
        Cell::new(f.unscheduled),
        count(f.evidence_missing, Tone::Bad),
    ]
}

/// Overdue, due-soon and unscheduled items.
pub fn due(out: &mut dyn Write, lists: &DueLists<'_>, style: Style) -> io::Result<()> {
    item_list(out, style, "Overdue", &lists.overdue, Days::Late)?;
    let heading = format!(
        "Due within {} {}",
        lists.within,
        plural(i64::from(lists.within), "day")
    );
    item_list(out, style, &heading, &lists.due_soon, Days::Left)?;
    item_list(out, style, "Unscheduled", &lists.unscheduled, Days::None)
}

/// Which day count an item list shows after the due date.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Days {
    /// Due date and days late.
    Late,
    /// Due date and days left.
    Left,
    /// Neither (unscheduled items).
    None,
}

/// A headed list of items, or "None." when it is empty.
fn item_list(
    out: &mut dyn Write,
    style: Style,
    heading: &str,
    items: &[&ItemView],
    days: Days,
) -> io::Result<()> {
    section(out, style, heading, items.len())?;
    if items.is_empty() {
        return writeln!(out, "{NONE}\n");
    }
    let mut header = vec!["ID", "Title", "Framework", "Risk", "Owner"];
    match days {
        Days::Late => header.extend(["Due", "Days late"]),
        Days::Left => header.extend(["Due", "Days left"]),
        Days::None => {}
    }
    let mut table = new_table(style, &header);
    for item in items {
        let mut row = vec![
            Cell::new(&item.id),
            Cell::new(&item.title),
            Cell::new(&item.framework),
            cell(style, item.risk.as_str(), Tone::of_risk(item.risk)),
            Cell::new(item.owner.as_deref().unwrap_or("-")),
        ];
        if days != Days::None {
            let late = item.days_late.unwrap_or(0);
            let shown = if days == Days::Left { -late } else { late };
            row.push(Cell::new(
                item.due.map_or_else(|| "-".to_string(), |d| d.to_string()),
            ));
            row.push(cell(style, &shown.to_string(), Tone::of_state(item.state)));
        }
        table.add_row(row);
    }
    align_right(&mut table, 6);
    writeln!(out, "{table}\n")
}

/// Controls needing attention.
pub fn gaps(
    out: &mut dyn Write,
    gaps: &[&ControlView],
    analysis: &Analysis,
    style: Style,
) -> io::Result<()> {
    section(out, style, "Gaps", gaps.len())?;
    if gaps.is_empty() {
        return writeln!(out, "{NONE}");
    }
    let mut table = new_table(
        style,
        &[
            "Severity",
            "Framework",
            "Control",
            "Title",
            "Status",
            "Owner",
            "Evidence",
            "Backlog",
        ],
    );
    for control in gaps {
        let present = control
            .evidence
            .iter()
            .filter(|e| e.state == EvidenceState::Present)
            .count();
        let evidence_tone = if present == control.evidence.len() {
            Tone::Good
        } else {
            Tone::Bad
        };
        let evidence = if control.evidence.is_empty() {
            "none listed".to_string()
        } else {
            format!("{present}/{} present", control.evidence.len())
        };
        let backlog: Vec<String> = control
            .backlog
            .iter()
            .map(|id| match analysis.items.iter().find(|i| &i.id == id) {
                Some(item) => format!("{id} ({})", item.state.as_str()),
                None => id.clone(),
            })
            .collect();
        table.add_row(vec![
            match control.severity {
                Some(risk) => cell(style, risk.as_str(), Tone::of_risk(risk)),
                None => Cell::new("-"),
            },
            Cell::new(&control.framework),
            Cell::new(&control.id),
            Cell::new(&control.title),
            Cell::new(control.status.as_str()),
            Cell::new(control.owner.as_deref().unwrap_or("-")),
            cell(style, &evidence, evidence_tone),
            Cell::new(if backlog.is_empty() {
                "-".to_string()
            } else {
                backlog.join("\n")
            }),
        ]);
    }
    writeln!(out, "{table}")
}

/// The gate: one line per offender, then the verdict.
pub fn check(
    out: &mut dyn Write,
    gate: &Gate,
    analysis: &Analysis,
    style: Style,
) -> io::Result<()> {
    for offender in &gate.offenders {
        let place = analysis
            .items
            .iter()
            .find(|i| i.id == offender.id)
            .map(|i| format!("{}:{}: ", i.source.file, i.source.line))
            .unwrap_or_default();
        writeln!(
            out,
            "{place}{} [{}] {}: {}{}",
            style.bold(&offender.id),
            style.paint(offender.risk.as_str(), Tone::of_risk(offender.risk)),
            offender.title,
            offender.describe(),
            offender
                .owner
                .as_ref()
                .map(|o| format!(" (owner: {o})"))
                .unwrap_or_default()
        )?;
    }
    verdict(out, gate, style)
}

fn verdict(out: &mut dyn Write, gate: &Gate, style: Style) -> io::Result<()> {
    let tone = if gate.passed { Tone::Good } else { Tone::Bad };
    writeln!(out, "{}", style.paint(&gate.summary(), tone))
}

fn section(out: &mut dyn Write, style: Style, heading: &str, count: usize) -> io::Result<()> {
    writeln!(out, "{}", style.bold(&format!("{heading} ({count})")))
}

fn new_table(style: Style, header: &[&str]) -> Table {
    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header.iter().map(Cell::new));
    if style.color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    table
}

fn cell(style: Style, text: &str, tone: Tone) -> Cell {
    let cell = Cell::new(text);
    if !style.color {
        return cell;
    }
    match tone {
        Tone::Bad => cell.fg(Color::Red),
        Tone::Warn => cell.fg(Color::Yellow),
        Tone::Good => cell.fg(Color::Green),
        Tone::Plain => cell,
    }
}

fn align_right(table: &mut Table, column: usize) {
    if let Some(c) = table.column_mut(column) {
        c.set_cell_alignment(CellAlignment::Right);
    }
}
