//! Human output: tables for the dashboard and listings, lines for the gate.

use std::io::{self, Write};

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, CellAlignment, Color, ContentArrangement, Table};

use super::{DueLists, Row, Style, Tone};
use crate::acceptance::AcceptanceState;
use crate::analysis::{Analysis, ControlView, FrameworkSummary, ItemView};
use crate::gate::{Gate, plural};
use crate::text::inert;
use crate::trend::TrendPoint;

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
        style.bold(&crate::text::line_start(&inert(title))),
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
            "Unproven",
            "Open items",
            "Overdue",
            "Due soon",
            "Unscheduled",
            "Evidence missing",
            "Stale",
        ],
    );
    for f in &analysis.frameworks {
        table.add_row(framework_row(style, &f.id, f));
    }
    if analysis.frameworks.len() > 1 {
        table.add_row(framework_row(
            style,
            "total",
            &FrameworkSummary::total(&analysis.frameworks),
        ));
    }
    for column in 1..11 {
        align_right(&mut table, column);
    }
    writeln!(out, "{table}\n")?;

    let overdue = analysis.items_in(crate::analysis::ItemState::Overdue);
    item_list(out, style, "Overdue items", &overdue, Days::Late)?;
    let accepted: Vec<String> = analysis
        .gate
        .accepted
        .iter()
        .map(|a| format!("{} (until {})", inert(&a.offender.id), a.until))
        .collect();
    if !accepted.is_empty() {
        writeln!(out, "Risk accepted: {}\n", accepted.join(", "))?;
    }
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
        text(label),
        Cell::new(f.controls),
        Cell::new(f.implemented),
        count(f.gaps, Tone::Warn),
        count(f.unproven, Tone::Warn),
        Cell::new(f.items_open),
        count(f.overdue, Tone::Bad),
        count(f.due_soon, Tone::Warn),
        Cell::new(f.unscheduled),
        count(f.evidence_missing, Tone::Bad),
        count(f.evidence_stale, Tone::Warn),
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
            text(&item.id),
            text(&item.title),
            text(&item.framework),
            cell(style, item.risk.as_str(), Tone::of_risk(item.risk)),
            text(item.owner.as_deref().unwrap_or("-")),
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

/// Gaps (controls not implemented), then unproven controls (implemented,
/// evidence not all present): the two lists behind the dashboard's figures.
pub fn gaps(
    out: &mut dyn Write,
    gaps: &[&ControlView],
    unproven: &[&ControlView],
    analysis: &Analysis,
    style: Style,
) -> io::Result<()> {
    control_list(out, "Gaps", gaps, analysis, style)?;
    writeln!(out)?;
    control_list(out, "Unproven", unproven, analysis, style)
}

/// A headed table of controls, or "None.".
fn control_list(
    out: &mut dyn Write,
    heading: &str,
    gaps: &[&ControlView],
    analysis: &Analysis,
    style: Style,
) -> io::Result<()> {
    section(out, style, heading, gaps.len())?;
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
            .filter(|e| e.state.is_present())
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
            .map(|id| match analysis.item(id) {
                Some(item) => format!("{} ({})", inert(id), item.state.as_str()),
                None => inert(id).into_owned(),
            })
            .collect();
        table.add_row(vec![
            match control.severity {
                Some(risk) => cell(style, risk.as_str(), Tone::of_risk(risk)),
                None => Cell::new("-"),
            },
            text(&control.framework),
            text(&control.id),
            text(&control.title),
            Cell::new(control.status.as_str()),
            text(control.owner.as_deref().unwrap_or("-")),
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

/// Every evidence entry with its state and last commit.
pub fn evidence(out: &mut dyn Write, rows: &[Row<'_>], style: Style) -> io::Result<()> {
    section(out, style, "Evidence", rows.len())?;
    if rows.is_empty() {
        return writeln!(out, "{NONE}");
    }
    let mut table = new_table(
        style,
        &[
            "Path",
            "For",
            "State",
            "Last change",
            "Commit",
            "Committer",
            "Limit",
        ],
    );
    for row in rows {
        let e = row.evidence;
        let mut state = e.state.as_str().to_string();
        if e.uncommitted {
            state.push_str(" (uncommitted)");
        }
        if let Some(detail) = e
            .detail
            .as_deref()
            .filter(|_| !matches!(e.state, crate::evidence::EvidenceState::Stale))
        {
            state = format!("{state}: {}", inert(detail));
        }
        let change = e.last_change.as_ref();
        table.add_row(vec![
            text(&e.path),
            text(&format!("{} {} {}", row.kind, row.framework, row.id)),
            cell(style, &state, Tone::of_evidence(e.state)),
            Cell::new(change.map_or_else(|| "-".to_string(), |c| c.date.to_string())),
            Cell::new(change.map_or("-", |c| c.commit.as_str())),
            text(change.map_or("-", |c| c.author.as_str())),
            Cell::new(
                e.max_age_days
                    .map_or_else(|| "-".to_string(), |d| format!("{d} days")),
            ),
        ]);
    }
    writeln!(out, "{table}")
}

/// Figures per period.
pub fn trend(out: &mut dyn Write, points: &[TrendPoint], style: Style) -> io::Result<()> {
    section(out, style, "Trend", points.len())?;
    if points.is_empty() {
        return writeln!(out, "{NONE}");
    }
    let mut table = new_table(
        style,
        &[
            "Period end",
            "Commit",
            "Open",
            "Overdue",
            "Done",
            "Evidence missing",
        ],
    );
    for p in points {
        table.add_row(vec![
            Cell::new(p.period_end),
            Cell::new(&p.commit),
            Cell::new(p.open),
            Cell::new(p.overdue),
            Cell::new(p.done),
            Cell::new(p.evidence_missing),
        ]);
    }
    for column in 2..6 {
        align_right(&mut table, column);
    }
    writeln!(out, "{table}")
}

/// The gate: one line per offender, one per offender a risk acceptance
/// covers, then the verdict. With `quiet`, only what fails the run: the
/// offenders and the verdict when the gate fails, nothing when it passes.
pub fn check(out: &mut dyn Write, gate: &Gate, style: Style, quiet: bool) -> io::Result<()> {
    if quiet && gate.passed {
        return Ok(());
    }
    for offender in &gate.offenders {
        let place = format!(
            "{}:{}: ",
            inert(&offender.source.file),
            offender.source.line
        );
        writeln!(
            out,
            "{place}{} [{}] {}: {}{}",
            style.bold(&inert(&offender.id)),
            style.paint(offender.risk.as_str(), Tone::of_risk(offender.risk)),
            inert(&offender.title),
            inert(&offender.describe()),
            offender
                .owner
                .as_ref()
                .map(|o| format!(" (owner: {})", inert(o)))
                .unwrap_or_default()
        )?;
    }
    if !quiet {
        for accepted in &gate.accepted {
            let o = &accepted.offender;
            writeln!(
                out,
                "accepted: {} [{}] {}: {} (risk accepted by {} until {})",
                inert(&o.id),
                o.risk,
                inert(&o.title),
                inert(&o.describe()),
                inert(&accepted.approved_by),
                accepted.until
            )?;
        }
    }
    verdict(out, gate, style)
}

/// What `check` says besides the verdict, on standard error: risk
/// acceptances ending soon, and stale evidence the gate does not count.
pub fn check_warnings(err: &mut dyn Write, analysis: &Analysis, style: Style) -> io::Result<()> {
    let gate = &analysis.gate;
    for acceptance in gate
        .acceptances
        .iter()
        .filter(|a| a.state == AcceptanceState::Expiring)
    {
        writeln!(
            err,
            "{}: {}:{}: risk acceptance of {} expires on {}",
            style.paint("warning", Tone::Warn),
            inert(&acceptance.source.file),
            acceptance.source.line,
            inert(&acceptance.target),
            acceptance.expires
        )?;
    }
    let stale: usize = analysis.frameworks.iter().map(|f| f.evidence_stale).sum();
    if stale > 0 && !gate.fail_on_stale {
        writeln!(
            err,
            "note: {stale} evidence {} stale (`--fail-on-stale` gates on {})",
            if stale == 1 {
                "entry is"
            } else {
                "entries are"
            },
            if stale == 1 { "it" } else { "them" }
        )?;
    }
    Ok(())
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

/// A cell of text from users' files, made inert (one line, no control
/// characters).
fn text(text: &str) -> Cell {
    Cell::new(inert(text))
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
