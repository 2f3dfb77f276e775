//! Rendering review diffs and ratchet comparisons.

use std::io::{self, Write};

use crate::diff::{Changed, Listed, ReviewDiff};
use crate::ratchet::Comparison;
use crate::report::markdown::{escape, escape_line};
use crate::text::inert;

/// The ratchet's verdict: what got worse, what improved, then one line.
pub(crate) fn ratchet(
    out: &mut dyn Write,
    rev: &str,
    comparison: &Comparison,
    quiet: bool,
) -> io::Result<()> {
    for change in &comparison.worse {
        writeln!(
            out,
            "worse: {} {}: {}",
            change.kind,
            inert(&change.id),
            inert(&crate::report::words::ratchet_detail(&change.detail))
        )?;
    }
    if !quiet {
        for change in &comparison.improved {
            writeln!(
                out,
                "improved: {} {}: {}",
                change.kind,
                inert(&change.id),
                inert(&crate::report::words::ratchet_detail(&change.detail))
            )?;
        }
    }
    if comparison.worse.is_empty() && quiet {
        return Ok(());
    }
    let verdict = if comparison.worse.is_empty() {
        "ratchet passed"
    } else {
        "ratchet failed"
    };
    writeln!(
        out,
        "{verdict}: {} worse, {} improved since {}",
        comparison.worse.len(),
        comparison.improved.len(),
        inert(rev)
    )
}

/// The sections of a review diff, each a heading and its lines.
fn sections(d: &ReviewDiff) -> Vec<(&'static str, Vec<String>)> {
    let listed = |v: &[Listed]| v.iter().map(|l| format!("{}: {}", l.id, l.title)).collect();
    let changed = |v: &[Changed]| {
        v.iter()
            .map(|c| format!("{} {}: {} to {}", c.id, c.title, c.from, c.to))
            .collect()
    };
    vec![
        ("Opened", listed(&d.opened)),
        ("Closed", listed(&d.closed)),
        ("Re-dated", changed(&d.redated)),
        ("Re-owned", changed(&d.reowned)),
        ("Re-scored", changed(&d.rescored)),
        ("Control status", changed(&d.controls)),
        ("Evidence added", listed(&d.evidence_added)),
        ("Evidence removed", listed(&d.evidence_removed)),
        ("Evidence changed", listed(&d.evidence_changed)),
    ]
}

/// The diff as plain sections.
pub(crate) fn table(out: &mut dyn Write, from: &str, to: &str, d: &ReviewDiff) -> io::Result<()> {
    writeln!(out, "Changes from {} to {}\n", inert(from), inert(to))?;
    for (heading, lines) in sections(d) {
        writeln!(out, "{heading} ({})", lines.len())?;
        for line in &lines {
            writeln!(out, "  {}", inert(line))?;
        }
        if lines.is_empty() {
            writeln!(out, "  None.")?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// The diff as a Markdown review pack.
pub(crate) fn markdown(
    out: &mut dyn Write,
    from: &str,
    to: &str,
    d: &ReviewDiff,
) -> io::Result<()> {
    writeln!(
        out,
        "# Compliance review: changes from {} to {}\n",
        escape(from),
        escape(to)
    )?;
    for (heading, lines) in sections(d) {
        writeln!(out, "## {heading}\n")?;
        if lines.is_empty() {
            writeln!(out, "None.\n")?;
            continue;
        }
        for line in &lines {
            writeln!(out, "- {}", escape_line(line))?;
        }
        writeln!(out)?;
    }
    Ok(())
}
