//! The varied shape: the same nominal size as the uniform one, laid out
//! the way real repositories grow. Backlog files hold 10 to 5,000 items
//! (log-uniform, so a few huge files and many small ones); items name one
//! to four controls, some in other frameworks; titles, summaries and notes
//! are plain, quoted, or block scalars (`|`, `>-`) of several hundred
//! characters; evidence is single files, directories and globs, present,
//! empty or missing; recurring reviews, risk acceptances (in force and
//! expired around the benchmark's as-of date, 2026-01-01) and one
//! crosswalk. Reviews name no evidence: evidence of a review is dated by
//! git history, which the I/O floor does not read (the git pass has its own
//! benchmark).

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io;

use super::rng::Rng;
use super::{CONTROL_STATUSES, OWNERS, RISKS, STATUSES, Settings, content, write};

/// Fewest and most items of one backlog file (the last file takes what is
/// left, which may be fewer).
const FILE_ITEMS: (usize, usize) = (10, 5000);

/// Evidence slots per `evidence/dir-NNNN/` directory block: of every 20
/// slots, 16 are single files, 2 records in a directory and 2 quarterly
/// PDFs, so a block of 40 slots gives a directory 4 records.
const DIR_BLOCK: usize = 40;

/// What items and reviews are about.
const TOPICS: [&str; 8] = [
    "access",
    "backup",
    "vendor",
    "incident",
    "change",
    "logging",
    "training",
    "retention",
];

/// Sentences for long summaries, notes and the controls' free text.
const SENTENCES: [&str; 10] = [
    "Document the procedure and name an owner for each step of it.",
    "Collect the evidence from the ticketing system every quarter.",
    "The auditor asked for a sample of twenty-five changes with approvals.",
    "Keep the export signed and dated; the last one was incomplete.",
    "Access reviews cover production, the data warehouse and the VPN.",
    "Vendor assessments are due before renewal, not after it.",
    "Retention follows the schedule agreed with Legal in the spring.",
    "Alerts route to the on-call rotation and are acknowledged within an hour.",
    "Backups are restored to a scratch environment and the result recorded.",
    "Training completion is exported from the HR system as a CSV file.",
];

/// The cadences of reviews, in turn.
const CADENCES: [&str; 6] = [
    "monthly",
    "quarterly",
    "biannual",
    "annual",
    "every 30 days",
    "{every: 90}",
];

/// The kinds of mapping relation, in turn.
const RELATIONS: [&str; 4] = ["intersects", "subset", "superset", "equal"];

/// Counts for the summary line.
#[derive(Default)]
struct Tally {
    present: usize,
    empty: usize,
    missing: usize,
    dirs: usize,
    hollow_dirs: usize,
    absent_dirs: usize,
    file_refs: usize,
    dir_refs: usize,
    glob_refs: usize,
    block_scalars: usize,
}

/// Writes every file of the shape; returns the summary.
pub(super) fn write_all(s: &Settings, rng: &mut Rng) -> io::Result<String> {
    let mut tally = Tally::default();
    controls(s, rng, &mut tally)?;
    let sizes = file_sizes(s.items, rng);
    let mut targets = backlog(s, rng, &sizes, &mut tally)?;
    let reviews = reviews(s, rng, &mut targets)?;
    let (in_force, expired) = exceptions(s, rng, &targets)?;
    let mapped = mappings(s)?;
    evidence(s, rng, &mut tally)?;
    let mut sorted = sizes.clone();
    sorted.sort_unstable();
    let t = &tally;
    Ok(format!(
        "wrote {out}: varied shape, {f} frameworks x {c} controls, {mapped} mappings\n\
         backlog: {items} items in {files} files; items per file min {min}, median {median}, max {max}; \
         {big} files of 1,000 or more hold {big_items} items\n\
         evidence: {present} present, {empty} empty and {missing} missing files; \
         {dirs} record directories ({hollow} empty, {absent} missing)\n\
         references: {file_refs} to files, {dir_refs} to directories, {glob_refs} globs; {blocks} block scalars\n\
         reviews: {reviews}; risk acceptances: {in_force} in force and {expired} expired on 2026-01-01",
        out = s.out.display(),
        f = s.frameworks,
        c = s.controls,
        items = s.items,
        files = sizes.len(),
        min = sorted.first().copied().unwrap_or(0),
        median = sorted.get(sorted.len() / 2).copied().unwrap_or(0),
        max = sorted.last().copied().unwrap_or(0),
        big = sizes.iter().filter(|&&n| n >= 1000).count(),
        big_items = sizes.iter().filter(|&&n| n >= 1000).sum::<usize>(),
        present = t.present,
        empty = t.empty,
        missing = t.missing,
        dirs = t.dirs,
        hollow = t.hollow_dirs,
        absent = t.absent_dirs,
        file_refs = t.file_refs,
        dir_refs = t.dir_refs,
        glob_refs = t.glob_refs,
        blocks = t.block_scalars,
    ))
}

/// A number in `0..1` from 53 random bits.
fn unit(rng: &mut Rng) -> f64 {
    (rng.next() >> 11) as f64 / (1u64 << 53) as f64
}

/// One of `words`.
fn pick<'a>(rng: &mut Rng, words: &[&'a str]) -> &'a str {
    words[rng.below(words.len())]
}

/// Items per backlog file, log-uniform within [`FILE_ITEMS`], summing to
/// `total`.
fn file_sizes(total: usize, rng: &mut Rng) -> Vec<usize> {
    let (least, most) = FILE_ITEMS;
    let mut sizes = Vec::new();
    let mut left = total;
    while left > 0 {
        let drawn = least as f64 * (most as f64 / least as f64).powf(unit(rng));
        let size = (drawn.round() as usize).clamp(least, most).min(left);
        sizes.push(size);
        left -= size;
    }
    sizes
}

/// A date in 2024 to 2026 (days 1 to 28, so every month has it).
fn date(rng: &mut Rng, years: usize) -> (usize, usize, usize) {
    (
        2024 + rng.below(years),
        1 + rng.below(12),
        1 + rng.below(28),
    )
}

/// Where evidence slot `n` lives (see [`DIR_BLOCK`]).
fn slot_path(n: usize) -> String {
    match n % 20 {
        0..=15 => format!("evidence/e{:03}/file-{n:06}.md", n / 500),
        16 | 17 => format!("evidence/dir-{:04}/record-{n:06}.txt", n / DIR_BLOCK),
        _ => format!("evidence/e{:03}/q{}-{n:06}.pdf", n / 500, 1 + n / 20 % 4),
    }
}

/// What becomes of a record directory: `Some(true)` holds its records,
/// `Some(false)` exists but holds none, `None` is not there.
fn dir_kept(k: usize) -> Option<bool> {
    match k % 20 {
        7 => Some(false),
        13 => None,
        _ => Some(true),
    }
}

/// One evidence path as an entry names it: a single file (73 %), a record
/// directory (12 %), a glob in one directory (10 %) or over all evidence
/// (5 %).
fn reference(s: &Settings, rng: &mut Rng, tally: &mut Tally) -> String {
    let slots = s.evidence.max(1);
    let dir = rng.below(slots.div_ceil(500));
    let quarter = 1 + rng.below(4);
    match rng.below(100) {
        0..73 => {
            tally.file_refs += 1;
            slot_path(rng.below(slots.div_ceil(20)) * 20 + rng.below(16))
        }
        73..85 => {
            tally.dir_refs += 1;
            format!("evidence/dir-{:04}/", rng.below(slots.div_ceil(DIR_BLOCK)))
        }
        85..90 => {
            tally.glob_refs += 1;
            format!("evidence/e{dir:03}/*.md")
        }
        90..95 => {
            tally.glob_refs += 1;
            format!("evidence/e{dir:03}/q{quarter}-*.pdf")
        }
        _ => {
            tally.glob_refs += 1;
            format!("evidence/**/q{quarter}-*.pdf")
        }
    }
}

/// `key:` with a folded (`>-`) or literal (`|`) block of `lines`
/// sentences, indented under `indent`.
fn block(text: &mut String, rng: &mut Rng, indent: &str, key: &str, style: &str, lines: usize) {
    let _ = writeln!(text, "{indent}{key}: {style}");
    for _ in 0..lines {
        let sentence = pick(rng, &SENTENCES);
        if style == "|" {
            let _ = writeln!(text, "{indent}  - {sentence}");
        } else {
            let _ = writeln!(text, "{indent}  {sentence}");
        }
    }
}

/// The evidence entries of an item or control: bare paths, `{path, note}`
/// mappings (some notes folded), or a flow list.
fn evidence_entries(
    text: &mut String,
    s: &Settings,
    rng: &mut Rng,
    tally: &mut Tally,
    count: usize,
) {
    let mut paths: Vec<String> = Vec::new();
    for _ in 0..count {
        let path = reference(s, rng, tally);
        if !paths.contains(&path) {
            paths.push(path);
        }
    }
    if rng.below(5) == 0 {
        let _ = writeln!(text, "    evidence: [{}]", paths.join(", "));
        return;
    }
    text.push_str("    evidence:\n");
    for path in paths {
        match rng.below(4) {
            0 | 1 => {
                let _ = writeln!(text, "      - {path}");
            }
            2 => {
                let _ = writeln!(text, "      - path: {path}\n        note: Signed export");
            }
            _ => {
                let _ = writeln!(text, "      - path: {path}");
                block(text, rng, "        ", "note", ">-", 2);
                tally.block_scalars += 1;
            }
        }
    }
}

/// One matrix per framework, with a comment, a literal description, some
/// quoted titles, folded maturity text and evidence on a quarter of them.
fn controls(s: &Settings, rng: &mut Rng, tally: &mut Tally) -> io::Result<()> {
    for f in 0..s.frameworks {
        let mut text = format!(
            "# Control matrix of framework {f}\nframework: fw{f}\nname: \"Framework {f}: synthetic\"\n\
             description: |\n  Generated for the benchmark.\n  Statuses, owners and evidence of every control.\ncontrols:\n"
        );
        for c in 0..s.controls {
            let topic = pick(rng, &TOPICS);
            let _ = writeln!(text, "  - id: C{c:05}");
            if rng.below(5) == 0 {
                let _ = writeln!(text, "    title: \"Control {c}: {topic}\"");
            } else {
                let _ = writeln!(text, "    title: Control {c} of framework {f} on {topic}");
            }
            let _ = writeln!(
                text,
                "    status: {}\n    severity: {}\n    owner: {}",
                pick(rng, &CONTROL_STATUSES),
                pick(rng, &RISKS),
                pick(rng, &OWNERS)
            );
            if rng.below(5) == 0 {
                for key in ["current", "target", "gap"] {
                    let lines = 2 + rng.below(2);
                    block(&mut text, rng, "    ", key, ">-", lines);
                    tally.block_scalars += 1;
                }
            }
            if s.evidence > 0 && c % 4 == 0 {
                let count = 1 + rng.below(2);
                evidence_entries(&mut text, s, rng, tally, count);
            }
        }
        write(&s.out.join(format!("controls/fw{f}.yaml")), &text)?;
    }
    Ok(())
}

/// The backlog files, of the drawn sizes; one file in five sets no
/// framework at the top, so its items name theirs. Returns the ids of some
/// overdue items at high risk or above, for risk acceptances.
fn backlog(
    s: &Settings,
    rng: &mut Rng,
    sizes: &[usize],
    tally: &mut Tally,
) -> io::Result<Vec<String>> {
    let mut targets = Vec::new();
    let mut n = 0;
    for (f, &size) in sizes.iter().enumerate() {
        let shared = (f % 5 != 4).then_some(f % s.frameworks);
        let mut text = format!("# Backlog part {f}: {size} items\n");
        if let Some(fw) = shared {
            let _ = writeln!(text, "framework: fw{fw}");
        }
        text.push_str("items:\n");
        for _ in 0..size {
            if let Some(target) = item(&mut text, s, rng, n, shared, tally) {
                targets.push(target);
            }
            n += 1;
        }
        write(&s.out.join(format!("backlog/part-{f:04}.yaml")), &text)?;
    }
    Ok(targets)
}

/// Writes item `n`; returns its id when it is to have a risk acceptance.
fn item(
    text: &mut String,
    s: &Settings,
    rng: &mut Rng,
    n: usize,
    shared: Option<usize>,
    tally: &mut Tally,
) -> Option<String> {
    if n.is_multiple_of(25) {
        let _ = writeln!(text, "  # Workstream {}", n / 25);
    }
    let framework = shared.unwrap_or_else(|| rng.below(s.frameworks));
    let topic = pick(rng, &TOPICS);
    let _ = writeln!(text, "  - id: ITEM-{n:06}");
    title(text, rng, n, topic, tally);
    if shared.is_none() {
        let _ = writeln!(text, "    framework: fw{framework}");
    }
    item_controls(text, s, rng, framework);
    let risk = pick(rng, &RISKS);
    let _ = writeln!(text, "    risk: {risk}");
    if rng.below(10) == 0 {
        let _ = writeln!(
            text,
            "    owner: {} & {}",
            pick(rng, &OWNERS),
            pick(rng, &OWNERS)
        );
    } else {
        let _ = writeln!(text, "    owner: {}", pick(rng, &OWNERS));
    }
    let (y, m, d) = date(rng, 3);
    let dated = match rng.below(20) {
        0 => {
            text.push_str("    due: TBD\n");
            false
        }
        1 => false,
        _ => {
            let _ = writeln!(text, "    due: {y}-{m:02}-{d:02}");
            true
        }
    };
    let status = pick(rng, &STATUSES);
    if status == "blocked" {
        let _ = writeln!(text, "    status: blocked  # waiting on the {topic} vendor");
    } else {
        let _ = writeln!(text, "    status: {status}");
    }
    if status == "done" {
        let _ = writeln!(text, "    done: {y}-{m:02}-{d:02}");
    }
    summary(text, rng, n, topic, tally);
    if s.evidence > 0 && (status == "done" || rng.below(10) < 4) {
        let count = 1 + rng.below(3);
        evidence_entries(text, s, rng, tally, count);
    }
    if rng.below(20) == 0 {
        text.push_str(
            "    checklist:\n      - { task: Runbook written, done: true }\n      - { task: Evidence exported, done: false }\n",
        );
    }
    if rng.below(10) == 0 {
        let _ = writeln!(text, "    tags: [phase-{}, {topic}]", 1 + rng.below(3));
    }
    let overdue = dated && y < 2026 && !matches!(status, "done" | "wont-do");
    (overdue && matches!(risk, "critical" | "high") && rng.below(8) == 0)
        .then(|| format!("ITEM-{n:06}"))
}

/// An item's title: plain, double- or single-quoted, or folded.
fn title(text: &mut String, rng: &mut Rng, n: usize, topic: &str, tally: &mut Tally) {
    match rng.below(10) {
        0..=6 => {
            let _ = writeln!(
                text,
                "    title: Remediate the {topic} finding {n} from the yearly review"
            );
        }
        7 => {
            let _ = writeln!(text, "    title: \"Rotate {topic} keys: finding {n}\"");
        }
        8 => {
            let _ = writeln!(
                text,
                "    title: 'Review the vendor''s {topic} report ({n})'"
            );
        }
        _ => {
            let _ = writeln!(
                text,
                "    title: >-\n      Replace the manual {topic} process with one that\n      leaves a record, for finding {n}"
            );
            tally.block_scalars += 1;
        }
    }
}

/// An item's summary: a short line, a long folded or literal block, or none.
fn summary(text: &mut String, rng: &mut Rng, n: usize, topic: &str, tally: &mut Tally) {
    match rng.below(10) {
        0..=3 => {
            let _ = writeln!(
                text,
                "    summary: Close the {topic} gap found in review {n}."
            );
        }
        4..=6 => {
            let lines = 5 + rng.below(4);
            block(text, rng, "    ", "summary", ">-", lines);
            tally.block_scalars += 1;
        }
        7 | 8 => {
            let lines = 3 + rng.below(4);
            block(text, rng, "    ", "summary", "|", lines);
            tally.block_scalars += 1;
        }
        _ => {}
    }
}

/// One to four distinct controls, some of another framework (`fwK:Cnnnnn`),
/// as a scalar, a flow list or a block list.
fn item_controls(text: &mut String, s: &Settings, rng: &mut Rng, framework: usize) {
    if s.controls == 0 {
        return;
    }
    let wanted = match rng.below(10) {
        0..=4 => 1,
        5..=7 => 2,
        8 => 3,
        _ => 4,
    };
    let mut picked = BTreeSet::new();
    for _ in 0..wanted {
        let c = rng.below(s.controls);
        let other = rng.below(s.frameworks);
        if s.frameworks > 1 && other != framework && rng.below(7) == 0 {
            picked.insert(format!("fw{other}:C{c:05}"));
        } else {
            picked.insert(format!("C{c:05}"));
        }
    }
    let ids: Vec<String> = picked.into_iter().collect();
    match (ids.len(), rng.below(10)) {
        (1, 0..=4) => {
            let _ = writeln!(text, "    controls: {}", ids[0]);
        }
        (_, 0..=6) => {
            let _ = writeln!(text, "    controls: [{}]", ids.join(", "));
        }
        _ => {
            text.push_str("    controls:\n");
            for id in ids {
                let _ = writeln!(text, "      - {id}");
            }
        }
    }
}

/// Recurring reviews, one per 20 controls: every cadence, most done once
/// (`last_done`), none with evidence (see the module's note). Adds every
/// tenth to `targets`; returns how many there are.
fn reviews(s: &Settings, rng: &mut Rng, targets: &mut Vec<String>) -> io::Result<usize> {
    let count = (s.frameworks * s.controls / 20).max(1);
    let mut text = String::from("# Recurring activities\nreviews:\n");
    for k in 0..count {
        let _ = writeln!(
            text,
            "  - id: REV-{k:04}\n    title: Review the {} register\n    framework: fw{}\n    owner: {}\n    cadence: {}\n    risk: {}",
            pick(rng, &TOPICS),
            k % s.frameworks,
            pick(rng, &OWNERS),
            CADENCES[k % CADENCES.len()],
            pick(rng, &RISKS),
        );
        if rng.below(20) < 17 {
            let (y, m, d) = date(rng, 2);
            let _ = writeln!(text, "    last_done: {y}-{m:02}-{d:02}");
        }
        if k.is_multiple_of(10) {
            targets.push(format!("REV-{k:04}"));
        }
    }
    write(&s.out.join("reviews/recurring.yaml"), &text)?;
    Ok(count)
}

/// One risk acceptance per target: seven in ten in force on 2026-01-01,
/// the rest expired before it; none runs longer than 365 days. Returns how
/// many are in force and how many expired.
fn exceptions(s: &Settings, rng: &mut Rng, targets: &[String]) -> io::Result<(usize, usize)> {
    let mut text = String::from("exceptions:\n");
    let mut in_force = 0;
    for (k, target) in targets.iter().enumerate() {
        let _ = writeln!(text, "  - target: {target}");
        if k.is_multiple_of(3) {
            block(&mut text, rng, "    ", "reason", ">-", 2);
        } else {
            text.push_str("    reason: Waits for the new tooling.\n");
        }
        let approver = pick(rng, &OWNERS);
        let (day, end) = (1 + rng.below(28), 1 + rng.below(28));
        let (approved, expires) = if k % 10 < 7 {
            in_force += 1;
            (
                format!("2025-{:02}-{day:02}", 7 + rng.below(5)),
                format!("2026-{:02}-{end:02}", 2 + rng.below(5)),
            )
        } else {
            (
                format!("2025-{:02}-{day:02}", 1 + rng.below(3)),
                format!("2025-{:02}-{end:02}", 7 + rng.below(4)),
            )
        };
        let _ = writeln!(
            text,
            "    approved_by: {approver}\n    approved_on: {approved}\n    expires: {expires}"
        );
    }
    write(&s.out.join("exceptions/acceptances.yaml"), &text)?;
    Ok((in_force, targets.len() - in_force))
}

/// A crosswalk from fw0 to fw1: every tenth control, each relation in turn.
/// Returns how many mappings it holds (none with one framework).
fn mappings(s: &Settings) -> io::Result<usize> {
    if s.frameworks < 2 {
        return Ok(0);
    }
    let mut text = String::from(
        "source: fw0\ntarget: fw1\ndescription: >-\n  A synthetic crosswalk, one\n  control in ten.\nmappings:\n",
    );
    let mut count = 0;
    for c in (3..s.controls).step_by(10) {
        let _ = writeln!(
            text,
            "  - source: C{c:05}\n    target: C{c:05}\n    relation: {}",
            RELATIONS[count % RELATIONS.len()]
        );
        count += 1;
    }
    write(&s.out.join("mappings/fw0-fw1.yaml"), &text)?;
    Ok(count)
}

/// The evidence slots: single files and PDFs 80 % present, 10 % empty,
/// 10 % missing; records in directories likewise, except that one
/// directory in twenty exists but holds nothing and one in twenty is not
/// there at all.
fn evidence(s: &Settings, rng: &mut Rng, tally: &mut Tally) -> io::Result<()> {
    for k in 0..s.evidence.div_ceil(DIR_BLOCK) {
        match dir_kept(k) {
            Some(true) => tally.dirs += 1,
            Some(false) => {
                tally.hollow_dirs += 1;
                std::fs::create_dir_all(s.out.join(format!("evidence/dir-{k:04}")))?;
            }
            None => tally.absent_dirs += 1,
        }
    }
    for n in 0..s.evidence {
        let path = slot_path(n);
        let state = rng.below(10);
        let in_dir = matches!(n % 20, 16 | 17);
        if in_dir && dir_kept(n / DIR_BLOCK) != Some(true) {
            continue;
        }
        match state {
            8 => {
                tally.empty += 1;
                write(&s.out.join(&path), "")?;
            }
            9 => tally.missing += 1,
            _ => {
                tally.present += 1;
                write(&s.out.join(&path), &content(&path, 0))?;
            }
        }
    }
    Ok(())
}
