//! Human output: tables for the dashboard and listings, lines for the gate.

use std::io::{self, Write};

use comfy_table::presets::UTF8_FULL_CONDENSED;
use std::fmt::Write as _;

use comfy_table::{CellAlignment, Color, ColumnConstraint, ContentArrangement, Table, Width};

use super::{DueLists, Row, Style, Tone};
use crate::acceptance::AcceptanceState;
use crate::analysis::{Analysis, ControlView, FrameworkSummary, ItemView};
use crate::audit::{Audit, CellState};
use crate::coverage::Coverage;
use crate::gate::{Gate, plural};
use crate::periods::TrendPoint;
use crate::text::inert;

const NONE: &str = "None.";

/// The dashboard: framework figures, overdue items, the gate's verdict.
pub(crate) fn status(
    out: &mut dyn Write,
    title: &str,
    analysis: &Analysis,
    style: Style,
) -> io::Result<()> {
    let title = crate::text::line_start(&inert(title)).into_owned();
    let window = format!(
        "(due soon: within {} {})",
        analysis.due_soon_days,
        plural(i64::from(analysis.due_soon_days), "day")
    );
    let head = format!("{title} as of {}", analysis.as_of);
    // On a narrow terminal the window goes on a line of its own.
    let gap = match style.width {
        Some(w) if display_width(&head) + 1 + display_width(&window) > usize::from(w) => "\n",
        _ => " ",
    };
    writeln!(
        out,
        "{} as of {}{gap}{window}\n",
        style.bold(&title),
        analysis.as_of
    )?;
    let columns = [
        Column::new("Framework"),
        Column::new("Controls").figures().drop(6),
        Column::new("Implemented").short("Impl.").figures().drop(5),
        Column::new("Gaps").figures(),
        Column::new("Unproven").figures().drop(2),
        Column::new("Open items").short("Open").figures(),
        Column::new("Overdue").figures(),
        Column::new("Due soon").figures().drop(3),
        Column::new("Unscheduled")
            .short("Unsched.")
            .figures()
            .drop(4),
        Column::new("Evidence missing")
            .short("Evid. missing")
            .figures()
            .drop(7),
        Column::new("Stale").figures().drop(1),
    ];
    let mut rows: Vec<Vec<Cell>> = analysis
        .frameworks
        .iter()
        .map(|f| framework_row(style, &f.id, f))
        .collect();
    if analysis.frameworks.len() > 1 {
        rows.push(framework_row(
            style,
            "total",
            &FrameworkSummary::total(&analysis.frameworks, &analysis.items, &analysis.controls),
        ));
    }
    writeln!(out, "{}\n", fit(style, &columns, rows))?;
    let unassessed: Vec<String> = analysis
        .frameworks
        .iter()
        .filter(|f| f.not_assessed > 0)
        .map(|f| format!("{} {}", inert(&f.id), f.not_assessed))
        .collect();
    if !unassessed.is_empty() {
        writeln!(
            out,
            "Not assessed (neither gaps nor ready): {}\n",
            unassessed.join(", ")
        )?;
    }

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
pub(crate) fn due(out: &mut dyn Write, lists: &DueLists<'_>, style: Style) -> io::Result<()> {
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
    let mut columns = vec![
        Column::new("ID"),
        Column::new("Title").prose(PROSE),
        Column::new("Framework").drop(2),
        Column::new("Risk"),
        Column::new("Owner").drop(3),
    ];
    // The due date goes first on a narrow terminal: the as-of date and the
    // day count give it.
    match days {
        Days::Late => columns.extend([
            Column::new("Due").drop(1),
            Column::new("Days late").figures(),
        ]),
        Days::Left => columns.extend([
            Column::new("Due").drop(1),
            Column::new("Days left").figures(),
        ]),
        Days::None => {}
    }
    let mut rows = Vec::with_capacity(items.len());
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
        rows.push(row);
    }
    writeln!(out, "{}\n", fit(style, &columns, rows))
}

/// Gaps (controls not implemented), then unproven controls (implemented,
/// evidence not all present): the two lists behind the dashboard's figures.
pub(crate) fn gaps(
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
    let columns = [
        Column::new("Severity"),
        Column::new("Framework").drop(1),
        Column::new("Control"),
        Column::new("Title").prose(PROSE),
        Column::new("Status").drop(4),
        Column::new("Owner").drop(3),
        Column::new("Evidence"),
        Column::new("Backlog").drop(2),
    ];
    let mut rows = Vec::with_capacity(gaps.len());
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
        rows.push(vec![
            match control.severity {
                Some(risk) => cell(style, risk.as_str(), Tone::of_risk(risk)),
                None => Cell::new("-"),
            },
            text(&control.framework),
            text(&control.id),
            text(&control.title),
            Cell::new(if control.status_from.is_empty() {
                control.status.to_string()
            } else {
                format!("{} (inherited)", control.status)
            }),
            text(control.owner.as_deref().unwrap_or("-")),
            cell(style, &evidence, evidence_tone),
            Cell::new(if backlog.is_empty() {
                "-".to_string()
            } else {
                backlog.join("\n")
            }),
        ]);
    }
    writeln!(out, "{}", fit(style, &columns, rows))
}

/// Every evidence entry with its state and last commit.
pub(crate) fn evidence(out: &mut dyn Write, rows: &[Row<'_>], style: Style) -> io::Result<()> {
    section(out, style, "Evidence", rows.len())?;
    if rows.is_empty() {
        return writeln!(out, "{NONE}");
    }
    let columns = [
        Column::new("Path"),
        Column::new("For").drop(5),
        Column::new("State"),
        Column::new("Last change").drop(4),
        Column::new("Commit").drop(1),
        Column::new("Committer").drop(2),
        Column::new("Limit").drop(3),
    ];
    let mut cells = Vec::with_capacity(rows.len());
    for row in rows {
        let e = row.evidence;
        let mut state = e.state.as_str().to_string();
        if e.uncommitted {
            state.push_str(" (uncommitted)");
        }
        if let Some(detail) = e
            .detail
            .as_ref()
            .filter(|_| !matches!(e.state, crate::evidence::EvidenceState::Stale))
        {
            state = format!(
                "{state}: {}",
                inert(&crate::report::words::evidence_detail(detail))
            );
        }
        let change = e.last_change.as_ref();
        cells.push(vec![
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
    writeln!(out, "{}", fit(style, &columns, cells))
}

/// Figures per period.
pub(crate) fn trend(out: &mut dyn Write, points: &[TrendPoint], style: Style) -> io::Result<()> {
    section(out, style, "Trend", points.len())?;
    if points.is_empty() {
        return writeln!(out, "{NONE}");
    }
    let columns = [
        Column::new("Period end"),
        Column::new("Commit").drop(1),
        Column::new("Open").figures(),
        Column::new("Overdue").figures(),
        Column::new("Done").figures(),
        Column::new("Evidence missing").figures(),
    ];
    let mut rows = Vec::with_capacity(points.len());
    for p in points {
        rows.push(vec![
            Cell::new(p.period_end),
            Cell::new(&p.commit),
            Cell::new(p.open),
            Cell::new(p.overdue),
            Cell::new(p.done),
            Cell::new(p.evidence_missing),
        ]);
    }
    writeln!(out, "{}", fit(style, &columns, rows))
}

/// Coverage per framework, then the shared controls and the shared
/// evidence.
pub fn coverage(out: &mut dyn Write, coverage: &Coverage, style: Style) -> io::Result<()> {
    section(out, style, "Coverage", coverage.frameworks.len())?;
    let columns = [
        Column::new("Framework"),
        Column::new("Controls").figures(),
        Column::new("Own").figures(),
        Column::new("Inherited").figures(),
        Column::new("Uncovered").figures(),
        Column::new("Not applicable").figures(),
    ];
    let rows = coverage
        .frameworks
        .iter()
        .map(|f| {
            vec![
                text(&f.id),
                Cell::new(f.controls),
                Cell::new(f.own),
                Cell::new(f.inherited),
                Cell::new(f.uncovered),
                Cell::new(f.not_applicable),
            ]
        })
        .collect();
    writeln!(out, "{}", fit(style, &columns, rows))?;
    writeln!(out)?;
    let shared = coverage
        .shared_controls
        .iter()
        .map(|c| {
            vec![
                text(&c.control),
                text(c.title.as_deref().unwrap_or("-")),
                text(&c.frameworks.join(", ")),
                Cell::new(c.serves),
            ]
        })
        .collect();
    listing(
        out,
        style,
        "Shared controls",
        &[
            Column::new("Control"),
            Column::new("Title").prose(PROSE).drop(1),
            Column::new("Frameworks"),
            Column::new("Serves").figures(),
        ],
        shared,
    )?;
    writeln!(out)?;
    let evidence = coverage
        .shared_evidence
        .iter()
        .map(|e| vec![text(&e.path), text(&e.frameworks.join(", "))])
        .collect();
    listing(
        out,
        style,
        "Shared evidence",
        &[Column::new("Path"), Column::new("Frameworks")],
        evidence,
    )
}

/// A heading with its count, then the table of `rows`, or `none` when
/// there is no row.
fn listing(
    out: &mut dyn Write,
    style: Style,
    heading: &str,
    columns: &[Column],
    rows: Vec<Vec<Cell>>,
) -> io::Result<()> {
    section(out, style, heading, rows.len())?;
    if rows.is_empty() {
        return writeln!(out, "{NONE}");
    }
    writeln!(out, "{}", fit(style, columns, rows))
}

/// The gate: one line per offender, one per offender a risk acceptance
/// covers, then the verdict. With `quiet`, only what fails the run: the
/// offenders and the verdict when the gate fails, nothing when it passes.
pub(crate) fn check(out: &mut dyn Write, gate: &Gate, style: Style, quiet: bool) -> io::Result<()> {
    if quiet && gate.passed {
        return Ok(());
    }
    // A failing gate on a large backlog lists thousands of lines: each is
    // put in words on every core, then written in order.
    let lines = crate::par::map(&gate.offenders, |offender| {
        format!(
            "{}:{}: {} [{}] {}: {}{}\n",
            inert(&offender.source.file),
            offender.source.line,
            style.bold(&inert(&offender.id)),
            style.paint(offender.risk.as_str(), Tone::of_risk(offender.risk)),
            inert(&offender.title),
            inert(&crate::report::words::describe(&offender.reason)),
            offender
                .owner
                .as_ref()
                .map(|o| format!(" (owner: {})", inert(o)))
                .unwrap_or_default()
        )
    });
    for line in lines {
        out.write_all(line.as_bytes())?;
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
                inert(&crate::report::words::describe(&o.reason)),
                inert(&accepted.approved_by),
                accepted.until
            )?;
        }
    }
    verdict(out, gate, style)
}

/// What `check` says besides the verdict, on standard error: risk
/// acceptances ending soon, and stale evidence the gate does not count.
pub(crate) fn check_warnings(
    err: &mut dyn Write,
    analysis: &Analysis,
    style: Style,
) -> io::Result<()> {
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
    writeln!(
        out,
        "{}",
        style.paint(&crate::report::words::gate_summary(gate), tone)
    )
}

fn section(out: &mut dyn Write, style: Style, heading: &str, count: usize) -> io::Result<()> {
    writeln!(out, "{}", style.bold(&format!("{heading} ({count})")))
}

/// A column of a terminal table.
#[derive(Clone, Copy, Debug)]
struct Column {
    /// The header.
    header: &'static str,
    /// The header when the table does not fit at its natural width:
    /// shorter, and still whole words.
    short: &'static str,
    /// Figures, aligned right.
    figures: bool,
    /// When even short headers do not fit, columns are left out in this
    /// order (lowest first, and columns with nothing to show before any
    /// other); `None`: always shown.
    drop: Option<u8>,
    /// Prose (a title): at least this wide when its text is, so it reads
    /// as a phrase rather than a word per line.
    prose: usize,
}

impl Column {
    const fn new(header: &'static str) -> Column {
        Column {
            header,
            short: header,
            figures: false,
            drop: None,
            prose: 0,
        }
    }

    const fn prose(self, prose: usize) -> Column {
        Column { prose, ..self }
    }

    const fn short(self, short: &'static str) -> Column {
        Column { short, ..self }
    }

    const fn figures(self) -> Column {
        Column {
            figures: true,
            ..self
        }
    }

    const fn drop(self, rank: u8) -> Column {
        Column {
            drop: Some(rank),
            ..self
        }
    }
}

/// The least width of a title that has that much text.
const PROSE: usize = 22;

/// The longest word of a cell is never split below this width (a long
/// path may be).
const LONGEST_WORD: usize = 24;

/// A column too narrow for its content gives way down to the longest word
/// of its header, but not below this.
const MIN_COLUMN: usize = 8;

/// The least width tables are fitted to: a narrower terminal gets tables
/// laid out for this width (the terminal then wraps their lines). At this
/// width and wider, every table fits.
pub(crate) const MIN_WIDTH: u16 = 60;

/// Which columns a table shows at a width, with which headers and how wide.
#[derive(Debug, PartialEq, Eq)]
struct Layout {
    /// Indices of the columns shown.
    keep: Vec<usize>,
    /// Short headers.
    short: bool,
    /// The content width of each kept column, in the order of `keep`;
    /// never below the column's longest word (capped at [`LONGEST_WORD`]).
    widths: Vec<usize>,
}

fn display_width(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}

/// The widest line of `text`.
fn widest_line(text: &str) -> usize {
    text.lines().map(display_width).max().unwrap_or(0)
}

/// The longest word of `text` (capped at [`LONGEST_WORD`]).
fn longest_word(text: &str) -> usize {
    text.split_whitespace()
        .map(display_width)
        .max()
        .unwrap_or(0)
        .min(LONGEST_WORD)
}

/// The width of a table whose columns have content widths `widths`: one
/// space of padding each side of a cell, one border between and around.
fn table_width(widths: impl Iterator<Item = usize>) -> usize {
    let (sum, count) = widths.fold((0, 0), |(s, n), w| (s + w + 2, n + 1));
    sum + count + 1
}

/// Decides the layout of a table of `columns` holding `rows` (cell texts)
/// at `width`: everything at its natural width when it fits or when there
/// is no width; else short headers, then columns left out by rank until
/// every kept column can be as wide as its longest word, so text wraps
/// between words; the width left is shared out, the columns that need
/// least getting all they need first.
fn layout(columns: &[Column], rows: &[Vec<String>], width: Option<u16>) -> Layout {
    let all: Vec<usize> = (0..columns.len()).collect();
    let cells = |i: usize| rows.iter().filter_map(move |r| r.get(i));
    let natural = |i: usize, short: bool| {
        let header = if short {
            columns[i].short
        } else {
            columns[i].header
        };
        cells(i)
            .map(|c| widest_line(c))
            .chain([display_width(header)])
            .max()
            .unwrap_or(0)
    };
    let least = |i: usize| {
        cells(i)
            .map(|c| longest_word(c).max(widest_line(c).min(columns[i].prose)))
            .chain([longest_word(columns[i].short)])
            .max()
            .unwrap_or(0)
    };
    let fits =
        width.is_none_or(|w| table_width(all.iter().map(|&i| natural(i, false))) <= usize::from(w));
    let Some(width) = width.map(usize::from).filter(|_| !fits) else {
        return Layout {
            widths: all.iter().map(|&i| natural(i, false)).collect(),
            keep: all,
            short: false,
        };
    };
    let empty = |i: usize| cells(i).all(|c| matches!(c.trim(), "" | "-" | "0"));
    let mut order: Vec<usize> = all
        .iter()
        .copied()
        .filter(|&i| columns[i].drop.is_some())
        .collect();
    order.sort_by_key(|&i| (!empty(i), columns[i].drop));
    let mut keep = all;
    // Columns with nothing to show go first, while headers would wrap.
    for &i in order.iter().filter(|&&i| empty(i)) {
        if table_width(keep.iter().map(|&k| natural(k, true))) <= width {
            break;
        }
        keep.retain(|&k| k != i);
    }
    let kept: Vec<usize> = order.into_iter().filter(|i| keep.contains(i)).collect();
    let mut order = kept.into_iter();
    while table_width(keep.iter().map(|&i| least(i))) > width {
        let Some(next) = order.next() else { break };
        keep.retain(|&i| i != next);
    }
    let mut widths: Vec<usize> = keep.iter().map(|&i| least(i)).collect();
    // Still too wide with only the columns that always show: the widest
    // give way, down to their header's longest word, and their text breaks
    // inside words (at a hyphen, a slash or a dot where it can).
    while table_width(widths.iter().copied()) > width {
        let floor = |at: usize| longest_word(columns[keep[at]].short).min(MIN_COLUMN);
        let Some(at) = (0..widths.len())
            .filter(|&at| widths[at] > floor(at))
            .max_by_key(|&at| (widths[at], std::cmp::Reverse(at)))
        else {
            break;
        };
        widths[at] -= 1;
    }
    let mut spare = width.saturating_sub(table_width(widths.iter().copied()));
    let mut needs: Vec<(usize, usize)> = keep
        .iter()
        .enumerate()
        .map(|(at, &i)| (natural(i, true).saturating_sub(widths[at]), at))
        .filter(|(need, _)| *need > 0)
        .collect();
    needs.sort_unstable();
    let mut left = needs.len();
    for (need, at) in needs {
        let share = (spare / left).min(need);
        widths[at] += share;
        spare -= share;
        left -= 1;
    }
    Layout {
        keep,
        short: true,
        widths,
    }
}

/// Renders a table of `columns` and `rows` fitted to `style.width` (see
/// [`layout`]), with a line naming the columns left out, if any.
fn fit(style: Style, columns: &[Column], rows: Vec<Vec<Cell>>) -> String {
    let style = Style {
        width: style.width.map(|w| w.max(MIN_WIDTH)),
        ..style
    };
    let texts: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| c.text.clone()).collect())
        .collect();
    let layout = layout(columns, &texts, style.width);
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    if style.color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    match style.width {
        Some(width) => {
            table
                .set_content_arrangement(ContentArrangement::Dynamic)
                .set_width(width);
        }
        None => {
            table.set_content_arrangement(ContentArrangement::Disabled);
        }
    }
    table.set_header(layout.keep.iter().map(|&i| {
        comfy_table::Cell::new(if layout.short {
            columns[i].short
        } else {
            columns[i].header
        })
    }));
    for row in rows {
        let mut kept = Vec::with_capacity(layout.keep.len());
        for (i, mut cell) in row.into_iter().enumerate() {
            let Some(at) = layout.keep.iter().position(|&k| k == i) else {
                continue;
            };
            if layout.short {
                cell.text = wrap_cell(&cell.text, layout.widths[at]);
            }
            kept.push(drawn(style, cell));
        }
        table.add_row(kept);
    }
    for (at, (&i, &width)) in layout.keep.iter().zip(&layout.widths).enumerate() {
        if let Some(column) = table.column_mut(at) {
            if columns[i].figures {
                column.set_cell_alignment(CellAlignment::Right);
            }
            if layout.short {
                // comfy-table's fixed widths include the cell's padding.
                let width = u16::try_from(width + 2).unwrap_or(u16::MAX);
                column.set_constraint(ColumnConstraint::Absolute(Width::Fixed(width)));
            }
        }
    }
    let mut text = table.to_string();
    let left_out: Vec<&str> = (0..columns.len())
        .filter(|i| !layout.keep.contains(i))
        .map(|i| columns[i].header)
        .collect();
    if let (false, Some(width)) = (left_out.is_empty(), style.width) {
        let note = format!(
            "(not shown at {width} columns: {}; see --format json)",
            left_out.join(", ")
        );
        for line in wrap(&note, usize::from(width)) {
            let _ = write!(text, "\n{line}");
        }
    }
    text
}

/// `text` in lines of at most `width` columns, broken between words (a
/// word longer than `width` gets a line of its own).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && display_width(&line) + 1 + display_width(word) > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// A cell of a terminal table: its text and its tone, coloured (or not)
/// when the table is drawn, after its text is wrapped to its column.
#[derive(Clone, Debug)]
struct Cell {
    text: String,
    tone: Tone,
}

impl Cell {
    fn new(text: impl ToString) -> Cell {
        Cell {
            text: text.to_string(),
            tone: Tone::Plain,
        }
    }
}

/// Most characters of users' text a terminal cell shows; the rest is cut
/// with `…` (the JSON and the report keep it whole). A megabyte title would
/// otherwise make every table slow and a narrow one enormous.
const MAX_CELL_CHARS: usize = 300;

/// A cell of text from users' files, made inert (one line, no control
/// characters) and cut at [`MAX_CELL_CHARS`].
fn text(text: &str) -> Cell {
    let text = inert(text);
    match text.char_indices().nth(MAX_CELL_CHARS) {
        Some((at, _)) => Cell::new(format!("{}…", &text[..at])),
        None => Cell::new(text),
    }
}

fn cell(_style: Style, text: &str, tone: Tone) -> Cell {
    Cell {
        text: text.to_string(),
        tone,
    }
}

/// The comfy-table cell showing `cell`, coloured when colour is on.
fn drawn(style: Style, cell: Cell) -> comfy_table::Cell {
    let drawn = comfy_table::Cell::new(cell.text);
    if !style.color {
        return drawn;
    }
    match cell.tone {
        Tone::Bad => drawn.fg(Color::Red),
        Tone::Warn => drawn.fg(Color::Yellow),
        Tone::Good => drawn.fg(Color::Green),
        Tone::Plain => drawn,
    }
}

/// Whether a line may break after `c` inside a word: ids, paths and dates
/// break after a hyphen, a slash, a dot, an underscore or a colon.
fn breaks_after(c: char) -> bool {
    matches!(c, '-' | '/' | '.' | '_' | ':' | '\\')
}

/// `word` cut after each character `at` accepts.
fn cut(word: &str, at: impl Fn(char) -> bool) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in word.char_indices() {
        if at(c) {
            let end = i + c.len_utf8();
            out.push(&word[start..end]);
            start = end;
        }
    }
    if start < word.len() {
        out.push(&word[start..]);
    }
    out
}

/// The pieces of `word` that a line of `width` columns keeps whole: its
/// path segments (up to each `/`), and a segment wider than the line cut
/// at its other break points ([`breaks_after`]).
fn pieces(word: &str, width: usize) -> Vec<&str> {
    cut(word, |c| c == '/')
        .into_iter()
        .flat_map(|segment| {
            if display_width(segment) <= width {
                vec![segment]
            } else {
                cut(segment, breaks_after)
            }
        })
        .collect()
}

/// `text` wrapped to `width` columns: between words, else inside a word at
/// a break point, else (a piece wider than the column) between characters.
fn wrap_cell(text: &str, width: usize) -> String {
    let width = width.max(1);
    let mut lines: Vec<String> = Vec::new();
    for source in text.lines() {
        let mut line = String::new();
        for word in source.split_whitespace() {
            let spaced = usize::from(!line.is_empty());
            if display_width(&line) + spaced + display_width(word) <= width {
                if spaced == 1 {
                    line.push(' ');
                }
                line.push_str(word);
                continue;
            }
            if !line.is_empty() && display_width(word) <= width {
                lines.push(std::mem::take(&mut line));
                line.push_str(word);
                continue;
            }
            // A word wider than the line: piece by piece, from here.
            if !line.is_empty() {
                line.push(' ');
            }
            for piece in pieces(word, width) {
                if display_width(&line) + display_width(piece) > width && !line.trim().is_empty() {
                    lines.push(std::mem::take(&mut line).trim_end().to_string());
                }
                for c in piece.chars() {
                    let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
                    if display_width(&line) + w > width && !line.is_empty() {
                        lines.push(std::mem::take(&mut line));
                    }
                    line.push(c);
                }
            }
        }
        lines.push(line);
    }
    lines.join("\n")
}

/// The audit grid: one block per cadence, a row per activity and a column
/// per period with a compact mark, then the late and missing periods with
/// their files and commits.
pub fn audit(out: &mut dyn Write, audit: &Audit, style: Style) -> io::Result<()> {
    writeln!(
        out,
        "{}",
        style.bold(&format!(
            "Audit period {}, as of {}",
            audit.period, audit.as_of
        ))
    )?;
    if audit.activities.is_empty() {
        return writeln!(out, "{NONE}");
    }
    for cadence in audit.cadences() {
        let rows: Vec<&crate::audit::Activity> = audit
            .activities
            .iter()
            .filter(|a| a.cadence == cadence)
            .collect();
        let labels: Vec<&str> = rows
            .first()
            .map(|a| a.cells.iter().map(|c| c.period.as_str()).collect())
            .unwrap_or_default();
        let width = |texts: Vec<String>, header: &str| {
            texts
                .iter()
                .map(|t| display_width(t))
                .max()
                .unwrap_or(0)
                .max(header.len())
        };
        let ids: Vec<String> = rows.iter().map(|a| inert(&a.id).into_owned()).collect();
        let frameworks: Vec<String> = rows
            .iter()
            .map(|a| inert(a.framework.as_deref().unwrap_or("")).into_owned())
            .collect();
        let (id_width, fw_width) = (
            width(ids.clone(), "Activity"),
            width(frameworks.clone(), "Framework"),
        );
        let pad = |text: &str, width: usize| {
            format!(
                "{text}{}",
                " ".repeat(width.saturating_sub(display_width(text)))
            )
        };
        writeln!(out)?;
        section(out, style, &cadence.to_string(), rows.len())?;
        // With a width, the periods are cut into runs that fit, each under
        // the activity columns again; without one, one line per activity.
        let lead = 2 + id_width + 2 + fw_width + 2 + 8;
        let room = style.width.map_or(usize::MAX, |w| usize::from(w.max(60)));
        let mut runs: Vec<std::ops::Range<usize>> = Vec::new();
        let mut used = lead;
        for (i, label) in labels.iter().enumerate() {
            let column = 1 + label.len().max(4);
            match runs.last_mut() {
                Some(run) if used + column <= room => run.end = i + 1,
                _ => {
                    runs.push(i..i + 1);
                    used = lead;
                }
            }
            used += column;
        }
        for run in runs {
            let mut header = format!(
                "  {}  {}  {}",
                pad("Activity", id_width),
                pad("Framework", fw_width),
                pad("Risk", 8)
            );
            for label in &labels[run.clone()] {
                header.push(' ');
                header.push_str(&pad(label, label.len().max(4)));
            }
            writeln!(out, "{}", header.trim_end())?;
            for ((activity, id), framework) in rows.iter().zip(&ids).zip(&frameworks) {
                let mut line = format!(
                    "  {}  {}  {}",
                    pad(id, id_width),
                    pad(framework, fw_width),
                    pad(activity.risk.as_str(), 8)
                );
                for (cell, label) in activity.cells[run.clone()].iter().zip(&labels[run.clone()]) {
                    let tone = match cell.state {
                        CellState::Covered => Tone::Good,
                        CellState::Late => Tone::Warn,
                        CellState::Missing => Tone::Bad,
                        CellState::Open => Tone::Plain,
                    };
                    line.push(' ');
                    line.push_str(&style.paint(
                        &pad(
                            crate::report::words::audit_mark(cell.state),
                            label.len().max(4),
                        ),
                        tone,
                    ));
                }
                writeln!(out, "{}", line.trim_end())?;
            }
        }
    }
    writeln!(out)?;
    writeln!(
        out,
        "ok = covered · late = committed after its end + {} days",
        audit.grace_days
    )?;
    writeln!(out, "MISS = missing · .. = not over yet")?;
    for (state, heading) in [(CellState::Late, "Late"), (CellState::Missing, "Missing")] {
        let cells: Vec<(&crate::audit::Activity, &crate::audit::Cell)> = audit
            .activities
            .iter()
            .flat_map(|a| a.cells.iter().map(move |c| (a, c)))
            .filter(|(_, c)| c.state == state)
            .collect();
        if cells.is_empty() {
            continue;
        }
        writeln!(out)?;
        section(out, style, heading, cells.len())?;
        for (activity, cell) in cells {
            let how = match (&cell.file, &cell.commit) {
                (Some(file), Some(c)) => format!(
                    ": {} committed {} ({})",
                    inert(file),
                    c.date,
                    inert(&c.commit)
                ),
                _ => String::new(),
            };
            writeln!(
                out,
                "  {} {} ({} risk){how}",
                inert(&activity.id),
                cell.period,
                activity.risk
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(cells: &[&[&str]]) -> Vec<Vec<String>> {
        cells
            .iter()
            .map(|r| r.iter().map(std::string::ToString::to_string).collect())
            .collect()
    }

    #[test]
    fn no_width_keeps_everything_on_one_line() {
        let columns = [Column::new("A long header"), Column::new("B").drop(1)];
        let layout = layout(&columns, &rows(&[&["x y z", "1"]]), None);
        assert_eq!(layout.keep, vec![0, 1]);
        assert!(!layout.short);
    }

    #[test]
    fn narrow_tables_shorten_headers_then_drop_empty_columns_first() {
        let columns = [
            Column::new("Framework"),
            Column::new("Implemented").short("Impl.").drop(2),
            Column::new("Stale").drop(3),
            Column::new("Unproven").drop(1),
        ];
        let data = rows(&[&["iso27001", "3", "4", "0"], &["soc2", "1", "0", "-"]]);
        // Natural: 9 + 11 + 5 + 8 + 4 * 3 + 1 = 46.
        assert_eq!(layout(&columns, &data, Some(46)).keep, vec![0, 1, 2, 3]);
        // Short headers: 9 + 5 + 5 + 8 + 13 = 40.
        let at = layout(&columns, &data, Some(40));
        assert_eq!((at.keep, at.short), (vec![0, 1, 2, 3], true));
        // Unproven is empty, so it goes before Implemented (rank 2).
        assert_eq!(layout(&columns, &data, Some(39)).keep, vec![0, 1, 2]);
        assert_eq!(layout(&columns, &data, Some(25)).keep, vec![0, 2]);
        // Never below the columns that always show.
        assert_eq!(layout(&columns, &data, Some(5)).keep, vec![0]);
    }

    #[test]
    fn words_are_the_least_width_of_a_column() {
        let columns = [Column::new("Title")];
        let data = rows(&[&["Launch the quarterly verification cadence"]]);
        let at = layout(&columns, &data, Some(16));
        assert_eq!(at.widths, vec!["verification".len()]);
        // Narrower, the column gives way (its words then break).
        assert_eq!(layout(&columns, &data, Some(10)).widths, vec![6]);
        // Spare width goes to the column that needs least first.
        let columns = [Column::new("Title"), Column::new("Due")];
        let data = rows(&[&["Launch the quarterly verification", "2025-11-15"]]);
        let at = layout(&columns, &data, Some(40));
        assert_eq!(at.widths, vec![40 - 10 - 7, 10]);
    }

    #[test]
    fn cells_break_inside_words_at_hyphens_slashes_and_dots() {
        assert_eq!(
            wrap_cell("CCPA-ITEM-0-WITH-A-VERY-LONG-IDENTIFIER", 12),
            "CCPA-ITEM-0-\nWITH-A-VERY-\nLONG-\nIDENTIFIER"
        );
        assert_eq!(
            wrap_cell("evidence/some/deeply/nested/file.md", 14),
            "evidence/some/\ndeeply/nested/\nfile.md"
        );
        assert_eq!(wrap_cell("a b ABCDEFGHIJ", 4), "a b\nABCD\nEFGH\nIJ");
        assert_eq!(wrap_cell("item fw A-1", 20), "item fw A-1");
        for text in ["x-y-z w", "ééé-ééé/ééé", "a", "", "--//..", "a  b"] {
            for width in 1..8 {
                let wrapped = wrap_cell(text, width);
                assert!(
                    wrapped.lines().all(|l| display_width(l) <= width),
                    "{text:?} at {width}: {wrapped:?}"
                );
                let joined: String = wrapped.split_whitespace().collect();
                let source: String = text.split_whitespace().collect();
                assert_eq!(joined, source, "{text:?} at {width}");
            }
        }
    }

    #[test]
    fn prose_wraps_between_words() {
        assert_eq!(wrap("a bb ccc dddd", 6), vec!["a bb", "ccc", "dddd"]);
        assert_eq!(wrap("abcdefgh x", 4), vec!["abcdefgh", "x"]);
    }
}
