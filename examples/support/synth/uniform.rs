//! The uniform shape: one matrix per framework with a quarter of the
//! controls naming one evidence file, the items spread evenly over the
//! backlog files, each with one control, a short folded summary and one
//! evidence file of its own; evidence 80 % present, 10 % empty, 10 %
//! missing. Writes the same bytes as the generator always has, so old
//! figures stay comparable.

use std::fmt::Write as _;
use std::io;

use super::rng::Rng;
use super::{CONTROL_STATUSES, OWNERS, RISKS, STATUSES, Settings, content, history, write};

/// The path of evidence file `n`: 500 to a directory.
pub(super) fn evidence_path(n: usize) -> String {
    format!("evidence/e{:03}/file-{n:06}.md", n / 500)
}

/// Writes the matrices, the backlog and the evidence files.
pub(super) fn write_all(s: &Settings, rng: &mut Rng) -> io::Result<()> {
    controls(s, rng)?;
    backlog(s, rng)?;
    evidence(s)
}

/// One matrix per framework.
fn controls(s: &Settings, rng: &mut Rng) -> io::Result<()> {
    for f in 0..s.frameworks {
        let mut text = format!("framework: fw{f}\nname: Framework {f}\ncontrols:\n");
        for c in 0..s.controls {
            let status = CONTROL_STATUSES[rng.below(4)];
            let _ = write!(
                text,
                "  - id: C{c:05}\n    title: Control {c} of framework {f}\n    status: {status}\n    severity: {}\n    owner: {}\n",
                RISKS[rng.below(4)],
                OWNERS[rng.below(OWNERS.len())]
            );
            if s.evidence > 0 && c % 4 == 0 {
                let _ = writeln!(
                    text,
                    "    evidence: [{}]",
                    evidence_path(rng.below(s.evidence))
                );
            }
        }
        write(&s.out.join(format!("controls/fw{f}.yaml")), &text)?;
    }
    Ok(())
}

/// The items, spread evenly over `s.files` files.
fn backlog(s: &Settings, rng: &mut Rng) -> io::Result<()> {
    let per_file = s.items.div_ceil(s.files);
    for file in 0..s.files {
        let mut text = format!("framework: fw{}\nitems:\n", file % s.frameworks);
        for n in file * per_file..((file + 1) * per_file).min(s.items) {
            let status = STATUSES[rng.below(5)];
            let (y, m, d) = (2024 + rng.below(3), 1 + rng.below(12), 1 + rng.below(28));
            let _ = write!(
                text,
                "  - id: ITEM-{n:06}\n    title: Remediate finding {n} from the yearly review\n    controls: [C{:05}]\n    risk: {}\n    owner: {}\n    due: {y}-{m:02}-{d:02}\n    status: {status}\n",
                rng.below(s.controls.max(1)),
                RISKS[rng.below(4)],
                OWNERS[rng.below(OWNERS.len())],
            );
            if status == "done" {
                let _ = writeln!(text, "    done: {y}-{m:02}-{d:02}");
            }
            let _ = write!(
                text,
                "    summary: >-\n      Close the gap found in review {n}: document the procedure, assign an\n      owner and keep the evidence current.\n"
            );
            if s.evidence > 0 {
                let _ = writeln!(
                    text,
                    "    evidence:\n      - path: {}\n        note: Signed record",
                    evidence_path(n % s.evidence)
                );
            }
        }
        write(&s.out.join(format!("backlog/part-{file:04}.yaml")), &text)?;
    }
    Ok(())
}

/// Evidence: 80 % present, 10 % empty, 10 % missing; files in the history
/// keep the content of their last revision (see `history`).
fn evidence(s: &Settings) -> io::Result<()> {
    let last_revision = history::plan(s);
    for n in 0..s.evidence {
        let path = evidence_path(n);
        match n % 10 {
            8 => write(&s.out.join(&path), "")?,
            9 => {}
            _ => write(
                &s.out.join(&path),
                &content(&path, last_revision.get(n).copied().unwrap_or(0)),
            )?,
        }
    }
    Ok(())
}
