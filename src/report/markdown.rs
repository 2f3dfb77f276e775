//! The report as Markdown (GitHub-flavoured tables).
//!
//! All text from users' files goes through [`escape`], so a `|`, a newline, a
//! backtick, `<script>` or `[a](link)` in a title stays text. The only raw
//! HTML the report emits is its own: anchors whose ids are built by [`slug`]
//! and, in the HTML flavour, state tags whose words come from closed sets.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use std::fmt::Write as _;

use super::{Need, Report};
use crate::analysis::{ControlView, FrameworkSummary, ItemState, ItemView, SubjectKind};
use crate::audit::CellState;
use crate::evidence::EvidenceState;
use crate::gate::Reason;

/// Which document the Markdown is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flavor {
    /// A Markdown file: states as plain words.
    Markdown,
    /// The source of the HTML page: states as styled tags, plus a chart.
    Html,
}

/// Renders `report` as Markdown.
pub(crate) fn render(report: &Report, flavor: Flavor) -> String {
    let mut w = Writer {
        out: String::new(),
        flavor,
        report,
        items: report.items.iter().map(|i| i.id.as_str()).collect(),
        controls: report
            .controls
            .iter()
            .map(|c| (c.framework.as_str(), c.id.as_str()))
            .collect(),
        accepted: accepted(report),
    };
    w.title();
    if flavor == Flavor::Html {
        w.contents();
    }
    w.summary();
    w.gate();
    w.acceptances();
    w.dated(
        "overdue",
        "Overdue items",
        ItemState::Overdue,
        Some("Days late"),
    );
    let due_soon = format!("Due soon (within {} days)", report.due_soon_days);
    w.dated("due-soon", &due_soon, ItemState::DueSoon, Some("Days left"));
    w.dated(
        "unscheduled",
        "Unscheduled items",
        ItemState::Unscheduled,
        None,
    );
    w.matrices();
    w.coverage();
    w.evidence();
    w.audit();
    w.owners();
    w.register();
    w.out
}

/// The gate's verdict, its offenders, the accepted offenders and the risk
/// acceptances of `report`, as Markdown for a CI job's summary page
/// (`GITHUB_STEP_SUMMARY`), which shows what annotations cannot (GitHub
/// shows only ten of each kind per step).
pub(crate) fn step_summary(report: &Report) -> String {
    let mut w = Writer {
        out: String::new(),
        flavor: Flavor::Markdown,
        report,
        items: HashSet::new(),
        controls: HashSet::new(),
        accepted: accepted(report),
    };
    w.line(&format!(
        "# comply check: {} as of {}\n",
        escape(&report.title),
        report.as_of
    ));
    w.gate();
    w.acceptances();
    w.out
}

/// Why an offender fails, for a table cell.
fn reason_cell(reason: &Reason) -> String {
    let paths = |paths: &[String]| -> String {
        paths
            .iter()
            .map(|p| escape(p))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match reason {
        Reason::Overdue { due, days_late } => format!("overdue since {due} ({days_late} days)"),
        Reason::DoneWithoutEvidence { paths: p } => {
            format!("done, evidence not present: {}", paths(p))
        }
        Reason::StaleEvidence { paths: p } => format!("stale evidence: {}", paths(p)),
        Reason::EvidenceMissing { paths: p } => {
            format!("recurring, evidence not present: {}", paths(p))
        }
        Reason::PeriodsMissing { periods } => {
            format!("audit periods without evidence: {}", periods.join(", "))
        }
        Reason::AcceptanceExpired { expires } => format!("risk acceptance expired on {expires}"),
    }
}

/// Escapes text from users' files for use inside a Markdown line (a table
/// cell, a paragraph, a heading's text), escaping only what GitHub's
/// renderer would otherwise read as markup.
///
/// Line breaks and tabs become spaces; other control characters, and the
/// other characters [`crate::text::is_unsafe`] names (bidi controls,
/// zero-width characters, noncharacters), are dropped. Always escaped: `|` (a cell boundary), `` ` `` (code), `*`
/// (emphasis), `[` (links and images), `<` (raw HTML, autolinks), `~`
/// (strikethrough) and `$` (GitHub's math). Escaped where they would act:
/// `_` not inside a word, `\` before punctuation, `&` starting an entity
/// such as `&amp;`, `#` after a space (a heading's closing sequence).
/// Everything else (`Support & Engineering`, `snake_case`, `100%!`) is
/// left as written.
pub(crate) fn escape(text: &str) -> String {
    escape_in(text, true)
}

/// A Markdown table of cells already escaped; `None.` without rows.
pub(crate) fn table(out: &mut String, header: &[&str], rows: Vec<Vec<String>>) {
    if rows.is_empty() {
        out.push_str("None.\n\n");
        return;
    }
    let _ = writeln!(out, "| {} |", header.join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(header.len()));
    for row in rows {
        let _ = writeln!(out, "| {} |", row.join(" | "));
    }
    out.push('\n');
}

/// A state word from a closed set, as a styled tag in the HTML flavour.
pub(crate) fn tag(flavor: Flavor, class: &str, word: &str) -> String {
    match flavor {
        Flavor::Markdown => word.to_string(),
        Flavor::Html => format!("<span class=\"tag {class}-{word}\">{word}</span>"),
    }
}

/// [`escape`] for a line of its own (a list item's text, a paragraph),
/// where a `|` makes no table and a `#` acts only at the start: those stay
/// as written. What would start a block there (`#`, `>`, `-`, `+`, `=`,
/// `1.`, `1)`) is escaped.
pub(crate) fn escape_line(text: &str) -> String {
    let escaped = escape_in(text, false);
    let digits = escaped.chars().take_while(char::is_ascii_digit).count();
    let first = escaped.chars().next();
    if matches!(first, Some('>' | '-' | '+' | '=')) {
        format!("\\{escaped}")
    } else if digits > 0 && matches!(escaped[digits..].chars().next(), Some('.' | ')')) {
        format!("{}\\{}", &escaped[..digits], &escaped[digits..])
    } else {
        escaped
    }
}

/// [`escape`] (`cell`) or [`escape_line`].
fn escape_in(text: &str, cell: bool) -> String {
    let text: String = text
        .trim()
        .chars()
        .filter_map(|c| match c {
            '\n' | '\r' | '\t' => Some(' '),
            c if crate::text::is_unsafe(c) => None,
            c => Some(c),
        })
        .collect();
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        let before = i.checked_sub(1).map(|b| chars[b]);
        let after = chars.get(i + 1).copied();
        let needed = match c {
            '|' => cell,
            '`' | '*' | '[' | '<' | '~' | '$' => true,
            '_' => {
                !(before.is_some_and(char::is_alphanumeric)
                    && after.is_some_and(char::is_alphanumeric))
            }
            '\\' => after.is_none_or(|a| a.is_ascii_punctuation()),
            '&' => starts_entity(&chars[i + 1..]),
            '#' if cell => before.is_none_or(char::is_whitespace),
            '#' => before.is_none(),
            _ => false,
        };
        if needed {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// [`escape`] for a link's text (`[text](#anchor)`): also escapes `]`,
/// which would otherwise close the link text early, so `SOC 2 [Type II]`
/// or an id such as `A-1[b]` stays one link showing the text as written.
pub(crate) fn link_text(text: &str) -> String {
    escape(text).replace(']', "\\]")
}

/// Whether `rest` (what follows a `&`) makes an entity or numeric
/// character reference: `name;`, `#digits;` or `#xhex;`.
fn starts_entity(rest: &[char]) -> bool {
    let Some(end) = rest.iter().take(34).position(|&c| c == ';') else {
        return false;
    };
    let body = &rest[..end];
    match body {
        ['#', 'x' | 'X', hex @ ..] => !hex.is_empty() && hex.iter().all(char::is_ascii_hexdigit),
        ['#', digits @ ..] => !digits.is_empty() && digits.iter().all(char::is_ascii_digit),
        [first, ..] => first.is_ascii_alphabetic() && body.iter().all(char::is_ascii_alphanumeric),
        [] => false,
    }
}

/// An anchor id for `parts`: lower-case letters, digits and `-` kept, every
/// other byte written as `_xx`, so distinct ids give distinct anchors.
pub(crate) fn slug(parts: &[&str]) -> String {
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push('-');
        }
        for b in part.to_lowercase().bytes() {
            if b.is_ascii_alphanumeric() || b == b'-' {
                out.push(char::from(b));
            } else {
                let _ = write!(out, "_{b:02x}");
            }
        }
    }
    out
}

struct Writer<'r> {
    out: String,
    flavor: Flavor,
    report: &'r Report,
    items: HashSet<&'r str>,
    controls: HashSet<(&'r str, &'r str)>,
    /// Items and reviews whose offence a risk acceptance covers, with the
    /// acceptance's last day.
    accepted: HashMap<&'r str, NaiveDate>,
}

/// The ids of accepted offenders, with the day their acceptance ends.
fn accepted(report: &Report) -> HashMap<&str, NaiveDate> {
    report
        .gate
        .accepted
        .iter()
        .map(|a| (a.offender.id.as_str(), a.until))
        .collect()
}

impl Writer<'_> {
    fn line(&mut self, text: &str) {
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn heading(&mut self, level: usize, anchor: &str, text: &str) {
        let hashes = "#".repeat(level);
        self.line(&format!("{hashes} <a id=\"{anchor}\"></a>{text}\n"));
    }

    fn none(&mut self) {
        self.line("None.\n");
    }

    fn table(&mut self, header: &[&str], rows: Vec<Vec<String>>) {
        table(&mut self.out, header, rows);
    }

    /// A state word from a closed set, as a styled tag in the HTML flavour.
    fn tag(&self, class: &str, word: &str) -> String {
        tag(self.flavor, class, word)
    }

    /// What a risk acceptance names: a link when it is a listed item;
    /// in the HTML page, on one line (an id breaks at its hyphens).
    fn target(&self, target: &str) -> String {
        if self.items.contains(target) {
            return self.item_link(target);
        }
        match self.flavor {
            Flavor::Markdown => escape(target),
            Flavor::Html => format!("<span class=\"nowrap\">{}</span>", escape(target)),
        }
    }

    fn item_link(&self, id: &str) -> String {
        if self.items.contains(id) {
            format!("[{}](#{})", link_text(id), slug(&["item", id]))
        } else {
            escape(id)
        }
    }

    fn control_link(&self, framework: &str, id: &str) -> String {
        if self.controls.contains(&(framework, id)) {
            format!(
                "[{}](#{})",
                link_text(id),
                slug(&["control", framework, id])
            )
        } else {
            escape(id)
        }
    }

    fn need_link(&self, need: &Need) -> String {
        match need.kind {
            SubjectKind::Item => self.item_link(&need.id),
            _ => format!(
                "{} {}",
                escape(&need.framework),
                self.control_link(&need.framework, &need.id)
            ),
        }
    }

    /// A table of contents (the HTML page's; GitHub makes its own for a
    /// Markdown file).
    fn contents(&mut self) {
        let due_soon = format!("Due soon (within {} days)", self.report.due_soon_days);
        let mut entries: Vec<(String, String, usize)> = [
            ("summary", "Executive summary"),
            ("gate", "Gate"),
            ("acceptances", "Risk acceptances"),
            ("overdue", "Overdue items"),
            ("due-soon", due_soon.as_str()),
            ("unscheduled", "Unscheduled items"),
            ("controls", "Control matrices"),
        ]
        .iter()
        .map(|(anchor, text)| (anchor.to_string(), text.to_string(), 0))
        .collect();
        for f in &self.report.frameworks {
            entries.push((slug(&["framework", &f.id]), link_text(&f.name), 1));
        }
        let mut tail = vec![("evidence", "Missing, empty and stale evidence")];
        if self.report.audit.is_some() {
            tail.push(("audit", "Audit period"));
        }
        for (anchor, text) in tail.into_iter().chain([
            ("owners", "Work per owner"),
            ("backlog", "Backlog register"),
        ]) {
            entries.push((anchor.to_string(), text.to_string(), 0));
        }
        self.line("<nav class=\"toc\" aria-label=\"Contents\">\n");
        for (anchor, text, depth) in entries {
            self.line(&format!("{}- [{text}](#{anchor})", "  ".repeat(depth)));
        }
        self.line("\n</nav>\n");
    }

    fn title(&mut self) {
        let r = self.report;
        self.line(&format!("# Compliance report: {}\n", escape(&r.title)));
        let mut scope = format!("As of **{}**.", r.as_of);
        if !r.scope.frameworks.is_empty() {
            let list: Vec<String> = r.scope.frameworks.iter().map(|f| escape(f)).collect();
            let _ = write!(scope, " Frameworks: {}.", list.join(", "));
        }
        if let Some(owner) = &r.scope.owner {
            let _ = write!(scope, " Owner: {}.", escape(owner));
        }
        self.line(&format!("{scope}\n"));
    }

    fn summary(&mut self) {
        let r = self.report;
        self.heading(2, "summary", "Executive summary");
        let mut labelled: Vec<(String, FrameworkSummary)> = r
            .frameworks
            .iter()
            .map(|f| {
                let label = format!("[{}](#{})", link_text(&f.name), slug(&["framework", &f.id]));
                (label, f.clone())
            })
            .collect();
        if r.frameworks.len() > 1 {
            labelled.push((
                "**Total**".to_string(),
                FrameworkSummary::total(&r.frameworks, &r.items, &r.controls),
            ));
        }
        // Three narrow tables rather than one of thirteen columns, which
        // scrolls sideways on GitHub and hides readiness at the end.
        let rows = |cells: fn(&FrameworkSummary) -> Vec<String>| -> Vec<Vec<String>> {
            labelled
                .iter()
                .map(|(label, f)| {
                    let mut row = vec![label.clone()];
                    row.extend(cells(f));
                    row
                })
                .collect()
        };
        self.line("Controls:\n");
        self.table(
            &[
                "Framework",
                "Readiness",
                "Controls",
                "Implemented",
                "Gaps",
                "Unproven",
            ],
            rows(|f| {
                vec![
                    f.readiness
                        .map_or_else(|| "-".to_string(), |r| format!("{r}%")),
                    f.controls.to_string(),
                    f.implemented.to_string(),
                    f.gaps.to_string(),
                    f.unproven.to_string(),
                ]
            }),
        );
        self.line(&format!("{}\n", super::READINESS_DEFINITION));
        self.line("Backlog items:\n");
        self.table(
            &["Framework", "Open", "Overdue", "Due soon", "Unscheduled"],
            rows(|f| {
                vec![
                    f.items_open.to_string(),
                    f.overdue.to_string(),
                    f.due_soon.to_string(),
                    f.unscheduled.to_string(),
                ]
            }),
        );
        self.line("Evidence entries:\n");
        self.table(
            &["Framework", "Present", "Missing", "Stale"],
            rows(|f| {
                vec![
                    f.evidence_present.to_string(),
                    f.evidence_missing.to_string(),
                    f.evidence_stale.to_string(),
                ]
            }),
        );
        if self.flavor == Flavor::Html {
            self.line(&super::chart::open_items(r));
            self.line("");
            if !r.trend.is_empty() {
                self.line(&super::chart::trend(&r.trend));
                self.line("");
            }
        }
    }

    fn gate(&mut self) {
        let gate = &self.report.gate;
        self.heading(2, "gate", "Gate");
        let word = super::words::gate_word(gate);
        self.line(&format!(
            "Verdict: {} ({}).\n",
            self.tag("gate", word),
            escape(&super::words::gate_explanation(gate))
        ));
        let rows = gate
            .offenders
            .iter()
            .map(|o| {
                vec![
                    self.item_link(&o.id),
                    escape(&o.title),
                    self.tag("risk", o.risk.as_str()),
                    escape(o.owner.as_deref().unwrap_or("-")),
                    reason_cell(&o.reason),
                ]
            })
            .collect();
        self.table(&["ID", "Title", "Risk", "Owner", "Why it fails"], rows);
        self.heading(3, "gate-accepted", "Accepted risks");
        self.line("These would fail the gate, but a risk acceptance in force covers them.\n");
        let rows = gate
            .accepted
            .iter()
            .map(|a| {
                let o = &a.offender;
                vec![
                    self.item_link(&o.id),
                    escape(&o.title),
                    self.tag("risk", o.risk.as_str()),
                    reason_cell(&o.reason),
                    escape(&a.approved_by),
                    a.until.to_string(),
                    escape(&a.acceptance_reason),
                ]
            })
            .collect();
        self.table(
            &[
                "ID",
                "Title",
                "Risk",
                "Why it would fail",
                "Accepted by",
                "Until",
                "Reason",
            ],
            rows,
        );
    }

    fn acceptances(&mut self) {
        self.heading(2, "acceptances", "Risk acceptances");
        let rows = self
            .report
            .gate
            .acceptances
            .iter()
            .map(|a| {
                vec![
                    self.target(&a.target),
                    self.tag("acceptance", a.state.as_str()),
                    escape(&a.approved_by),
                    a.approved_on.to_string(),
                    a.expires.to_string(),
                    escape(&a.reason),
                ]
            })
            .collect();
        self.table(
            &[
                "Target",
                "State",
                "Approved by",
                "Approved on",
                "Expires",
                "Reason",
            ],
            rows,
        );
    }

    fn dated(&mut self, anchor: &str, heading: &str, state: ItemState, days: Option<&str>) {
        self.heading(2, anchor, heading);
        let items = self.report.items_in(state);
        let rows = items
            .iter()
            .map(|item| {
                let title = match self.accepted.get(item.id.as_str()) {
                    Some(until) => format!(
                        "{} (risk accepted until {until}, see [accepted risks](#gate-accepted))",
                        escape(&item.title)
                    ),
                    None => escape(&item.title),
                };
                let mut row = vec![
                    self.item_link(&item.id),
                    title,
                    escape(&item.framework),
                    self.tag("risk", item.risk.as_str()),
                    escape(item.owner.as_deref().unwrap_or("-")),
                ];
                if days.is_some() {
                    let late = item.days_late.unwrap_or(0);
                    let shown = if state == ItemState::DueSoon {
                        -late
                    } else {
                        late
                    };
                    row.push(item.due.map_or_else(|| "-".into(), |d| d.to_string()));
                    row.push(shown.to_string());
                }
                row
            })
            .collect();
        let mut header = vec!["ID", "Title", "Framework", "Risk", "Owner"];
        if let Some(days) = days {
            header.extend(["Due", days]);
        }
        self.table(&header, rows);
    }

    fn matrices(&mut self) {
        self.heading(2, "controls", "Control matrices");
        if self.report.frameworks.is_empty() {
            return self.none();
        }
        for f in &self.report.frameworks {
            let heading = format!("{} ({})", escape(&f.name), escape(&f.id));
            self.heading(3, &slug(&["framework", &f.id]), &heading);
            let rows = self
                .report
                .controls
                .iter()
                .filter(|c| c.framework == f.id)
                .map(|c| self.control_row(c))
                .collect();
            self.table(
                &[
                    "ID", "Title", "Status", "Severity", "Owner", "Evidence", "Backlog",
                ],
                rows,
            );
        }
    }

    /// Coverage across frameworks, when mappings share work.
    fn coverage(&mut self) {
        let Some(coverage) = &self.report.coverage else {
            return;
        };
        self.heading(2, "coverage", "Coverage across frameworks");
        let rows = coverage
            .frameworks
            .iter()
            .map(|f| {
                vec![
                    escape(&f.id),
                    f.controls.to_string(),
                    f.own.to_string(),
                    f.inherited.to_string(),
                    f.uncovered.to_string(),
                    f.not_applicable.to_string(),
                ]
            })
            .collect();
        self.table(
            &[
                "Framework",
                "Controls",
                "Own",
                "Inherited",
                "Uncovered",
                "Not applicable",
            ],
            rows,
        );
        if self.flavor == Flavor::Html {
            self.line(&super::chart::coverage_matrix(coverage));
            self.line("");
        }
        let rows = coverage
            .shared_controls
            .iter()
            .map(|c| {
                vec![
                    escape(&c.control),
                    escape(c.title.as_deref().unwrap_or("-")),
                    escape(&c.frameworks.join(", ")),
                    c.serves.to_string(),
                ]
            })
            .collect();
        self.line("Shared controls (work that counts in more than one framework):\n");
        self.table(&["Control", "Title", "Frameworks", "Serves"], rows);
        let rows = coverage
            .shared_evidence
            .iter()
            .map(|e| vec![escape(&e.path), escape(&e.frameworks.join(", "))])
            .collect();
        self.line("Evidence serving more than one framework:\n");
        self.table(&["Path", "Frameworks"], rows);
    }

    fn control_row(&self, c: &ControlView) -> Vec<String> {
        let anchor = slug(&["control", &c.framework, &c.id]);
        let backlog: Vec<String> = c
            .backlog
            .iter()
            .map(
                |id| match crate::analysis::find_item(&self.report.items, id) {
                    Some(item) => format!(
                        "{} {}",
                        self.item_link(id),
                        self.tag("state", item.state.as_str())
                    ),
                    None => escape(id),
                },
            )
            .collect();
        vec![
            format!("<a id=\"{anchor}\"></a>{}", escape(&c.id)),
            escape(&c.title),
            if c.status_from.is_empty() {
                self.tag("status", c.status.as_str())
            } else {
                format!(
                    "{} (from {})",
                    self.tag("status", c.status.as_str()),
                    escape(&c.status_from.join(", "))
                )
            },
            c.severity
                .map_or_else(|| "-".to_string(), |s| self.tag("risk", s.as_str())),
            escape(c.owner.as_deref().unwrap_or("-")),
            self.evidence_cell(&c.evidence),
            if backlog.is_empty() {
                "-".to_string()
            } else {
                backlog.join(", ")
            },
        ]
    }

    fn evidence_cell(&self, evidence: &[crate::analysis::EvidenceView]) -> String {
        if evidence.is_empty() {
            return "none listed".to_string();
        }
        let present = evidence.iter().filter(|e| e.state.is_present()).count();
        let word = if evidence.iter().all(|e| e.state == EvidenceState::Present) {
            EvidenceState::Present
        } else {
            evidence
                .iter()
                .map(|e| e.state)
                .max()
                .unwrap_or(EvidenceState::Missing)
        };
        format!(
            "{} {present}/{}",
            self.tag("evidence", word.as_str()),
            evidence.len()
        )
    }

    fn evidence(&mut self) {
        self.heading(2, "evidence", "Missing, empty and stale evidence");
        let rows = self
            .report
            .evidence_problems
            .iter()
            .map(|p| {
                let needs: Vec<String> = p.needed_by.iter().map(|n| self.need_link(n)).collect();
                vec![
                    escape(&p.path),
                    self.tag("evidence", p.state.as_str()),
                    escape(
                        &p.detail
                            .as_ref()
                            .map_or_else(|| "-".to_string(), super::words::evidence_detail),
                    ),
                    needs.join(", "),
                ]
            })
            .collect();
        self.table(&["Path", "State", "Detail", "Needed by"], rows);
    }

    /// The audit grid: one row per recurring activity with its periods'
    /// states counted and the missing and late ones named; in HTML, the
    /// grid drawn.
    fn audit(&mut self) {
        let Some(audit) = &self.report.audit else {
            return;
        };
        self.heading(2, "audit", "Audit period");
        self.line(&format!(
            "Evidence per period of {} (grace {} days after each period's end), see `comply audit`.\n",
            audit.period, audit.grace_days
        ));
        if self.flavor == Flavor::Html && !audit.activities.is_empty() {
            self.line(&super::chart::audit_grid(audit));
            self.line("");
        }
        let named = |activity: &crate::audit::Activity, state: CellState| {
            let periods: Vec<&str> = activity
                .cells
                .iter()
                .filter(|c| c.state == state)
                .map(|c| c.period.as_str())
                .collect();
            if periods.is_empty() {
                "-".to_string()
            } else {
                periods.join(", ")
            }
        };
        let rows = audit
            .activities
            .iter()
            .map(|a| {
                let count = |state| a.cells.iter().filter(|c| c.state == state).count();
                vec![
                    escape(&a.id),
                    escape(&a.cadence.to_string()),
                    self.tag("risk", a.risk.as_str()),
                    count(CellState::Covered).to_string(),
                    named(a, CellState::Late),
                    named(a, CellState::Missing),
                ]
            })
            .collect();
        self.table(
            &["Activity", "Cadence", "Risk", "Covered", "Late", "Missing"],
            rows,
        );
    }

    fn owners(&mut self) {
        self.heading(2, "owners", "Work per owner");
        let rows = self
            .report
            .owners
            .iter()
            .map(|o| {
                vec![
                    escape(&o.owner),
                    escape(o.team.as_deref().unwrap_or("-")),
                    escape(o.email.as_deref().unwrap_or("-")),
                    o.open.to_string(),
                    o.overdue.to_string(),
                    o.due_soon.to_string(),
                ]
            })
            .collect();
        self.table(
            &["Owner", "Team", "E-mail", "Open", "Overdue", "Due soon"],
            rows,
        );
    }

    fn register(&mut self) {
        self.heading(2, "backlog", "Backlog register");
        let rows = self
            .report
            .items
            .iter()
            .map(|i| self.register_row(i))
            .collect();
        self.table(
            &["ID", "Title", "Framework", "Risk", "Owner", "Due", "State"],
            rows,
        );
        self.heading(3, "traceability", "Progress, evidence and controls");
        let rows = self
            .report
            .items
            .iter()
            .map(|i| self.trace_row(i))
            .collect();
        self.table(&["ID", "Status", "Checklist", "Evidence", "Controls"], rows);
    }

    fn register_row(&self, item: &ItemView) -> Vec<String> {
        let anchor = slug(&["item", &item.id]);
        vec![
            format!("<a id=\"{anchor}\"></a>{}", escape(&item.id)),
            escape(&item.title),
            escape(&item.framework),
            self.tag("risk", item.risk.as_str()),
            escape(item.owner.as_deref().unwrap_or("-")),
            item.due
                .map_or_else(|| "TBD".to_string(), |d| d.to_string()),
            self.tag("state", item.state.as_str()),
        ]
    }

    fn trace_row(&self, item: &ItemView) -> Vec<String> {
        let controls: Vec<String> = item
            .controls
            .iter()
            .map(|reference| {
                let (framework, id) = reference
                    .split_once(':')
                    .unwrap_or((item.framework.as_str(), reference.as_str()));
                self.control_link(framework, id)
            })
            .collect();
        vec![
            self.item_link(&item.id),
            item.status.as_str().to_string(),
            item.checklist
                .map_or_else(|| "-".to_string(), |p| format!("{}/{}", p.done, p.total)),
            self.evidence_cell(&item.evidence),
            if controls.is_empty() {
                "-".to_string()
            } else {
                controls.join(", ")
            },
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_cell_boundaries() {
        assert_eq!(escape("a | b\nc"), "a \\| b c");
        assert_eq!(escape("<script>"), "\\<script>");
        assert_eq!(escape("[x](http://e)"), "\\[x](http://e)");
        assert_eq!(link_text("SOC 2 [Type II]"), "SOC 2 \\[Type II\\]");
        assert_eq!(link_text("a\\]"), "a\\\\\\]");
        assert_eq!(escape("`code` & *b*"), "\\`code\\` & \\*b\\*");
        assert_eq!(escape("Support & Engineering"), "Support & Engineering");
        assert_eq!(
            escape("R&D &amp; &#38; &#x26;"),
            "R&D \\&amp; \\&#38; \\&#x26;"
        );
        assert_eq!(escape("snake_case _x_"), "snake_case \\_x\\_");
        assert_eq!(escape("a\\b \\* \\"), "a\\b \\\\\\* \\\\");
        assert_eq!(escape("#1 issue #"), "\\#1 issue \\#");
        assert_eq!(escape("100% done! {x} > y"), "100% done! {x} > y");
        assert_eq!(escape("~~s~~ $x$"), "\\~\\~s\\~\\~ \\$x\\$");
    }

    #[test]
    fn lines_escape_only_what_acts_there() {
        assert_eq!(escape_line("a | b # c"), "a | b # c");
        assert_eq!(escape_line("# h"), "\\# h");
        assert_eq!(escape_line("1. x"), "1\\. x");
        assert_eq!(escape_line("12) x"), "12\\) x");
        assert_eq!(escape_line("- x"), "\\- x");
        assert_eq!(escape_line("> x"), "\\> x");
        assert_eq!(escape_line("A-1: *b*"), "A-1: \\*b\\*");
        assert_eq!(escape_line("2025 x"), "2025 x");
    }

    #[test]
    fn slugs_are_distinct_for_distinct_ids() {
        assert_eq!(
            slug(&["control", "iso27001", "A.5.1"]),
            "control-iso27001-a_2e5_2e1"
        );
        assert_ne!(slug(&["item", "A-1"]), slug(&["item", "A_1"]));
        assert_ne!(slug(&["item", "A.1"]), slug(&["item", "A_2e1"]));
    }
}
