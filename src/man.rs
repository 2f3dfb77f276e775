//! Manual pages: `comply.1` and one page per command (`comply-check.1`,
//! ...), rendered by clap_mangen from the same clap definition as `--help`,
//! with the sections clap does not know: EXIT STATUS, ENVIRONMENT, FILES,
//! EXAMPLES and SEE ALSO.

use clap_mangen::Man;
use clap_mangen::roff::{Roff, bold, italic, roman};

/// Every page as (file name, roff), `comply.1` first.
/// `root` is the command as users see it (`cli::visible_command`).
pub(crate) fn pages(root: clap::Command) -> std::io::Result<Vec<(String, Vec<u8>)>> {
    let names: Vec<String> = root
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    let mut pages = vec![("comply.1".to_string(), page(root.clone(), None, &names)?)];
    for sub in root.get_subcommands() {
        let name = sub.get_name().to_string();
        let full = format!("comply-{name}");
        let cmd = sub
            .clone()
            .name(full.clone())
            .bin_name(format!("comply {name}"))
            .version(crate::args::VERSION);
        pages.push((format!("{full}.1"), page(cmd, Some(&name), &names)?));
    }
    Ok(pages)
}

/// One page: clap_mangen's sections, then comply's own.
fn page(cmd: clap::Command, sub: Option<&str>, all: &[String]) -> std::io::Result<Vec<u8>> {
    let has_args = cmd.get_arguments().next().is_some();
    let has_subcommands = cmd.get_subcommands().next().is_some();
    let mut head = Roff::new();
    synopsis(&mut head, &cmd, sub);
    let man = Man::new(cmd)
        .title(match sub {
            Some(name) => format!("comply-{name}"),
            None => "comply".to_string(),
        })
        .source(format!("comply {}", env!("CARGO_PKG_VERSION")))
        .manual("comply manual");
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    head.to_writer(&mut out)?;
    man.render_description_section(&mut out)?;
    if has_args {
        man.render_options_section(&mut out)?;
    }
    if has_subcommands {
        man.render_subcommands_section(&mut out)?;
    }
    let mut roff = Roff::new();
    exit_status(&mut roff, sub);
    environment(&mut roff, sub);
    files(&mut roff, sub);
    examples(&mut roff, sub);
    see_also(&mut roff, sub, all);
    roff.to_writer(&mut out)?;
    man.render_version_section(&mut out)?;
    Ok(out)
}

/// The SYNOPSIS: the command, then each option with its value's name
/// (`[--fail-on RISK]`; clap_mangen leaves the names out), in the order of
/// `--help`, then the arguments and the command a top page takes.
fn synopsis(roff: &mut Roff, cmd: &clap::Command, sub: Option<&str>) {
    let mut line = vec![bold(match sub {
        Some(name) => format!("comply {name}"),
        None => "comply".to_string(),
    })];
    for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
        let values: Vec<String> = arg.get_value_names().map_or_else(
            || vec![arg.get_id().to_string().to_uppercase()],
            |names| names.iter().map(ToString::to_string).collect(),
        );
        let takes = arg.get_action().takes_values();
        let repeats = matches!(
            arg.get_action(),
            clap::ArgAction::Append | clap::ArgAction::Count
        ) || arg.get_num_args().is_some_and(|n| n.max_values() > 1);
        let (open, close) = if arg.is_required_set() {
            ("", "")
        } else {
            ("[", "]")
        };
        line.push(roman(format!(" {open}")));
        match (arg.get_short(), arg.get_long()) {
            (Some(short), Some(long)) => {
                line.push(bold(format!("-{short}")));
                line.push(roman("|"));
                line.push(bold(format!("--{long}")));
            }
            (None, Some(long)) => line.push(bold(format!("--{long}"))),
            (Some(short), None) => line.push(bold(format!("-{short}"))),
            (None, None) => {
                line.push(italic(values.join(" ")));
                line.push(roman(if repeats {
                    format!("{close}...")
                } else {
                    close.to_string()
                }));
                continue;
            }
        }
        if takes {
            line.push(roman(" "));
            line.push(italic(values.join(" ")));
        }
        line.push(roman(close));
        if repeats {
            line.push(roman("..."));
        }
    }
    if cmd.get_subcommands().next().is_some() {
        line.push(roman(" "));
        line.push(italic("command"));
        line.push(roman(" ..."));
    }
    roff.control("SH", ["SYNOPSIS"]).text(line);
}

/// A tagged paragraph: `tag` in bold, then `text`.
fn item(roff: &mut Roff, tag: &str, text: &str) {
    roff.control("TP", []).text([bold(tag)]).text([roman(text)]);
}

fn exit_status(roff: &mut Roff, sub: Option<&str>) {
    roff.control("SH", ["EXIT STATUS"]);
    let (zero, one) = match sub {
        Some("check") => (
            "The gate passed.",
            Some(
                "The gate failed: an item or review at or above the threshold risk is overdue or done without its evidence (or, with --fail-on-stale, has stale evidence), or a risk acceptance expired.",
            ),
        ),
        Some("evidence") => (
            "Success.",
            Some(
                "With --verify: the evidence differs from the manifest (files added, removed or changed).",
            ),
        ),
        None => (
            "Success; for check, the gate passed.",
            Some(
                "check: the gate failed; evidence --verify: the evidence differs from the manifest.",
            ),
        ),
        Some(_) => ("Success.", None),
    };
    item(roff, "0", zero);
    if let Some(one) = one {
        item(roff, "1", one);
    }
    item(
        roff,
        "2",
        "Invalid input: a repository that does not validate, an unusable root, bad arguments, a file that cannot be written.",
    );
}

fn environment(roff: &mut Roff, sub: Option<&str>) {
    let takes = |option: &str| sub.is_none_or(|s| crate::args::options_of(s).contains(&option));
    let mut entries: Vec<(&str, &str)> = Vec::new();
    if takes("as_of") {
        entries.push((
            "COMPLY_TODAY",
            "The day to analyse, as YYYY-MM-DD, when --as-of is not given (pins the date in CI).",
        ));
    }
    if takes("color") {
        entries.push((
            "NO_COLOR",
            "When set to a non-empty value, --color auto does not colour.",
        ));
    }
    // `diff` takes no --color but draws tables.
    if takes("color") || sub == Some("diff") {
        entries.push((
            "COLUMNS",
            "The width terminal tables fit, at least 60 (a narrower width gets the tables of 60 columns). Unset: the terminal's width; no terminal (a pipe or a file): rows are not wrapped.",
        ));
    }
    if matches!(sub, None | Some("completions")) {
        entries.push((
            "COMPLETE",
            "Set to a shell (bash, zsh, fish, ...) by the registered completion: comply answers with completions instead of running.",
        ));
    }
    if matches!(sub, None | Some("check")) {
        entries.push((
            "GITHUB_STEP_SUMMARY",
            "With check --format github, the file the Markdown summary of the verdict (or of the ratchet's changes, with --baseline) is appended to (GitHub Actions sets it).",
        ));
    }
    if entries.is_empty() {
        return;
    }
    roff.control("SH", ["ENVIRONMENT"]);
    for (name, text) in entries {
        item(roff, name, text);
    }
}

fn files(roff: &mut Roff, sub: Option<&str>) {
    let entries: &[(&str, &str)] = match sub {
        Some("schema" | "completions" | "man" | "import") => return,
        Some("init") => &[
            ("comply.yaml", "The settings file init writes."),
            (
                "controls/, backlog/",
                "Starter matrices and an example item.",
            ),
            (
                "schema/*.schema.json",
                "The JSON Schemas the files' yaml-language-server lines point at, for editors offline.",
            ),
        ],
        _ => &[
            (
                "comply.yaml",
                "Settings: name, due-soon window, gate threshold, owners. Its directory is the root.",
            ),
            (
                "controls/*.yaml",
                "Control matrices, one framework per file.",
            ),
            ("backlog/*.yaml", "Remediation items."),
            ("reviews/*.yaml", "Recurring reviews."),
            ("exceptions/*.yaml", "Risk acceptances."),
        ],
    };
    roff.control("SH", ["FILES"]);
    for (name, text) in entries {
        item(roff, name, text);
    }
}

fn examples(roff: &mut Roff, sub: Option<&str>) {
    let entries: &[(&str, &str)] = match sub {
        None => &[
            (
                "comply init compliance && cd compliance",
                "Start a repository.",
            ),
            ("comply status", "The dashboard."),
            (
                "comply check --format github",
                "The CI gate, with annotations.",
            ),
            (
                "comply man --output ~/.local/share/man/man1",
                "Install these pages.",
            ),
        ],
        Some("validate") => &[("comply validate", "Every problem, as path:line:column.")],
        Some("status") => &[
            ("comply status", "The dashboard for today."),
            (
                "COMPLY_TODAY=2026-01-01 comply status --format json",
                "As of a fixed day, for a program.",
            ),
        ],
        Some("due") => &[(
            "comply due --within 30 --owner Security",
            "What Security must do within 30 days.",
        )],
        Some("gaps") => &[(
            "comply gaps --framework iso27001",
            "ISO 27001 controls not implemented or unproven.",
        )],
        Some("check") => &[
            (
                "comply check",
                "Fail (exit 1) on overdue high and critical items.",
            ),
            (
                "comply check --fail-on medium --format junit > comply.xml",
                "A stricter gate, as JUnit XML.",
            ),
            (
                "comply check --baseline origin/main",
                "Fail only on what got worse since main.",
            ),
        ],
        Some("report") => &[
            (
                "comply report --format html -o report.html",
                "A self-contained HTML page.",
            ),
            (
                "comply report -o - | less",
                "The Markdown report on standard output.",
            ),
        ],
        Some("evidence") => &[
            ("comply evidence --missing", "Evidence that is not there."),
            (
                "comply evidence --manifest evidence.json",
                "Record what the evidence is today.",
            ),
            (
                "comply evidence --verify evidence.json",
                "Exit 1 if it changed since.",
            ),
        ],
        Some("audit") => &[(
            "comply audit --period 2026-01..2026-12",
            "Each recurring activity's months or quarters of 2026: covered, late or missing.",
        )],
        Some("pack") => &[
            (
                "comply pack --period 2026 --output soc2-2026.zip",
                "The auditor's evidence pack for 2026.",
            ),
            (
                "comply pack --period 2026 --at v2026-close --output pack/",
                "The same pack as the repository was at a tag.",
            ),
        ],
        Some("trend") => &[(
            "comply trend --every week",
            "Figures per week from git history.",
        )],
        Some("diff") => &[(
            "comply diff v2025-Q3 --format markdown > review.md",
            "What changed since a tag.",
        )],
        Some("import") => &[
            (
                "comply import backlog.md --framework popia -o backlog/popia.yaml",
                "A Markdown backlog to YAML.",
            ),
            (
                "comply import catalog NIST_SP-800-53_rev5_catalog.json --profile NIST_SP-800-53_rev5_MODERATE-baseline_profile.json --framework nist80053 -o .",
                "The NIST SP 800-53 moderate baseline into controls/nist80053.yaml.",
            ),
        ],
        Some("export") => &[
            (
                "comply export poam -o poam.json",
                "The backlog as an OSCAL POA&M.",
            ),
            (
                "comply export assessment-results > results.json",
                "The gate's verdict as OSCAL assessment results.",
            ),
        ],
        Some("init") => &[(
            "comply init compliance",
            "Start a repository in ./compliance.",
        )],
        Some("schema") => &[(
            "comply schema controls > controls.schema.json",
            "The schema of control matrices.",
        )],
        Some("completions") => &[
            (
                "source <(COMPLETE=bash comply)",
                "In ~/.bashrc: completions that also offer the repository's framework ids and owners (COMPLETE=zsh, COMPLETE=fish likewise).",
            ),
            (
                "comply completions bash > ~/.local/share/bash-completion/completions/comply",
                "A static script for bash.",
            ),
            (
                "comply completions fish > ~/.config/fish/completions/comply.fish",
                "fish.",
            ),
        ],
        Some("man") => &[(
            "comply man --output ~/.local/share/man/man1",
            "Install every page.",
        )],
        Some(_) => &[],
    };
    if entries.is_empty() {
        return;
    }
    roff.control("SH", ["EXAMPLES"]);
    for (command, text) in entries {
        roff.control("TP", [])
            .text([bold(*command)])
            .text([roman(*text)]);
    }
}

fn see_also(roff: &mut Roff, sub: Option<&str>, all: &[String]) {
    roff.control("SH", ["SEE ALSO"]);
    let mut refs: Vec<String> = match sub {
        None => all.iter().map(|n| format!("comply-{n}(1)")).collect(),
        Some(_) => vec!["comply(1)".to_string()],
    };
    refs.push("https://github.com/comply-tools/comply".to_string());
    let last = refs.len() - 1;
    for (i, r) in refs.into_iter().enumerate() {
        let sep = if i == last { "" } else { ", " };
        roff.text([italic(r), roman(sep)]);
    }
}
