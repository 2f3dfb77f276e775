//! Reading field values the way teams write them in Markdown: risk markers
//! in words or coloured circles, `TBD` dates, control lists with ranges,
//! framework names, `(Owner: X, Due: Y)` annotations.

use crate::model::Risk;

/// A risk or severity from a coloured-circle emoji (the page's own
/// marker) or, failing one, from words (`High`, `Moderate`); the most severe
/// one when several are present.
pub(crate) fn risk(text: &str) -> Option<Risk> {
    let marks = text.chars().filter_map(|c| match c {
        '🔴' => Some(Risk::High),
        '🟠' | '🟡' => Some(Risk::Medium),
        '🟢' | '🔵' => Some(Risk::Low),
        _ => None,
    });
    let words = risk_words(text);
    match (marks.min(), words) {
        // Red is the top colour: "🔴 Critical" is critical.
        (Some(Risk::High), Some(Risk::Critical)) => Some(Risk::Critical),
        (Some(mark), _) => Some(mark),
        (None, words) => words,
    }
}

/// A risk from words (`High`, `P1`, `Moderate`): the most severe named.
fn risk_words(text: &str) -> Option<Risk> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter_map(|word| match word {
            "critical" | "p0" | "urgent" | "severe" | "sev0" | "sev1" => Some(Risk::Critical),
            "high" | "p1" | "major" | "sev2" => Some(Risk::High),
            "medium" | "moderate" | "med" | "p2" | "sev3" => Some(Risk::Medium),
            "low" | "p3" | "p4" | "minor" | "sev4" => Some(Risk::Low),
            _ => None,
        })
        .min()
}

/// A framework id from a name: `ISO 27001` -> `iso27001`, `SOC 2` -> `soc2`.
pub(crate) fn framework_id(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_lowercase()
}

/// Framework names comply knows: the letters and digits of a name (see
/// [`framework_id`]) containing the needle name the framework.
const KNOWN_FRAMEWORKS: &[(&str, &str)] = &[
    ("iso27001", "iso27001"),
    ("isoiec27001", "iso27001"),
    ("iso27701", "iso27701"),
    ("soc2", "soc2"),
    ("socii", "soc2"),
    ("trustservicescriteria", "soc2"),
    ("popia", "popia"),
    ("gdpr", "gdpr"),
    ("hipaa", "hipaa"),
    ("pcidss", "pcidss"),
    ("nistcsf", "nistcsf"),
    ("nist80053", "nist80053"),
];

/// The lower-case words of a text joined by `sep`: `Phase 1: Go` -> `phase-1-go`.
pub(crate) fn joined_words(text: &str, sep: &str) -> String {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(sep)
}

/// The framework a title names: first a word of the user's table
/// (`--framework-word Privacy=popia`), then exactly one known framework
/// name.
pub(crate) fn framework_in(title: &str, words: &[(String, String)]) -> Option<String> {
    let spaced = format!(" {} ", joined_words(title, " "));
    if let Some((_, id)) = words
        .iter()
        .find(|(word, _)| spaced.contains(&format!(" {} ", joined_words(word, " "))))
    {
        return Some(id.clone());
    }
    let id = framework_id(title);
    let mut hits = KNOWN_FRAMEWORKS
        .iter()
        .filter(|(needle, _)| id.contains(needle))
        .map(|(_, id)| *id);
    let first = hits.next()?;
    hits.all(|other| other == first).then(|| first.to_string())
}

/// The framework a section heading is about: one it names outside
/// parentheses and not after a word that sets it aside (`unlike GDPR`,
/// `Lessons from our SOC 2 audit`, `vs ISO 27001`).
pub(crate) fn section_framework(heading: &str, words: &[(String, String)]) -> Option<String> {
    let outside = super::vocab::outside_brackets(heading);
    let id = framework_in(&outside, words)?;
    const ASIDE: &[&str] = &[
        "unlike",
        "from",
        "vs",
        "versus",
        "than",
        "like",
        "compared",
        "beyond",
        "after",
        "lessons",
        "not",
        "without",
        "except",
        "instead",
        "replacing",
        "previous",
    ];
    let lower: Vec<String> = outside
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    // The first word where the framework's name starts.
    let start = (0..lower.len()).find(|&i| {
        framework_in(&lower[i..].join(" "), words).is_some()
            && framework_in(&lower[i + 1..].join(" "), words).is_none()
    });
    let aside = start.is_some_and(|s| lower[..s].iter().any(|w| ASIDE.contains(&w.as_str())));
    (!aside).then_some(id)
}

/// The display name of a framework id comply knows (`soc2` -> `SOC 2`),
/// else the id.
pub(crate) fn display_name(id: &str) -> String {
    match id {
        "iso27001" => "ISO 27001",
        "iso27701" => "ISO 27701",
        "soc2" => "SOC 2",
        "popia" => "POPIA",
        "gdpr" => "GDPR",
        "hipaa" => "HIPAA",
        "pcidss" => "PCI DSS",
        "nistcsf" => "NIST CSF",
        "nist80053" => "NIST 800-53",
        other => other,
    }
    .to_string()
}

/// Most control ids read from one cell: the longest list comply reads
/// (`yaml::MAX_ENTRIES`), so that ranges (`5.1-5.50`, many of them) cannot
/// write a list `validate` refuses or fill memory.
pub(crate) const MAX_CONTROLS_PER_CELL: usize = 100_000;

/// Control references in a cell: `5.2, Clause 5.2`, `5.24–5.28`, `CC6.1`.
///
/// For ISO 27001, bare numbers are Annex A controls (`A.5.2`) until the word
/// "Clause" appears; numbers after it are clauses (`6.1`). Ranges of the same
/// major number are expanded.
///
/// A part that is not an id (`Logical access` in `CC6.1 Logical access` is
/// dropped, the id kept; `see policy` is returned as not read).
pub(crate) fn controls(text: &str, framework: &str) -> (Vec<String>, Vec<String>) {
    let iso = framework == "iso27001";
    let mut clause = false;
    let mut out = Vec::new();
    let mut unread = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let normalised = text.replace(['–', '—'], "-");
    // `6.7 / 7.7`, `CC6.1/CC6.2`, `CC6.1 and CC6.2`: a list too, when every
    // piece is an id.
    let pieces: Vec<String> = normalised
        .split([',', ';'])
        .flat_map(|part| {
            let split: Vec<&str> = part
                .split(['/', '&', '+'])
                .flat_map(|p| p.split(" and "))
                .map(str::trim)
                .collect();
            let ids = split.len() > 1 && split.iter().all(|p| is_number(p) || super::ids::is_id(p));
            if ids {
                split.into_iter().map(str::to_string).collect()
            } else {
                vec![part.to_string()]
            }
        })
        .collect();
    for part in &pieces {
        let mut part = part.trim();
        if let Some(rest) = strip_prefix_ci(part, "clause") {
            clause = true;
            part = rest.trim();
        } else if let Some(rest) = strip_prefix_ci(part, "annex a") {
            clause = false;
            part = rest.trim();
        }
        if part.is_empty() {
            continue;
        }
        let ids = match part.split_once('-') {
            Some((a, b)) if is_number(a.trim()) && is_number(b.trim()) => {
                range(a.trim(), b.trim()).unwrap_or_else(|| vec![part.to_string()])
            }
            _ if part.contains(char::is_whitespace) => {
                if let Some((id, _)) = super::ids::leading(part) {
                    vec![id]
                } else {
                    unread.push(part.to_string());
                    continue;
                }
            }
            _ => vec![part.to_string()],
        };
        for id in ids {
            // One list holds at most what comply reads back in one list.
            if out.len() >= MAX_CONTROLS_PER_CELL {
                unread.push(format!(
                    "{id} and the rest (over {MAX_CONTROLS_PER_CELL} controls in one cell)"
                ));
                return (out, unread);
            }
            let id = if iso && !clause && is_number(&id) {
                format!("A.{id}")
            } else {
                id
            };
            if seen.insert(id.clone()) {
                out.push(id);
            }
        }
    }
    (out, unread)
}

fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

fn is_number(text: &str) -> bool {
    !text.is_empty()
        && text.chars().all(|c| c.is_ascii_digit() || c == '.')
        && text.chars().next().is_some_and(|c| c.is_ascii_digit())
}

/// `5.24`..`5.28` -> `5.24, 5.25, ..., 5.28`, for ranges of at most 50.
fn range(from: &str, to: &str) -> Option<Vec<String>> {
    let (major_a, minor_a) = from.rsplit_once('.')?;
    let (major_b, minor_b) = to.rsplit_once('.')?;
    if major_a != major_b {
        return None;
    }
    let (a, b): (u32, u32) = (minor_a.parse().ok()?, minor_b.parse().ok()?);
    (a <= b && b - a <= 50).then(|| (a..=b).map(|n| format!("{major_a}.{n}")).collect())
}

/// `(Owner: X, Due: 2025-11-22)` at the end of a task's text: the text
/// without it, the owner and the due text.
pub(crate) fn annotations(text: &str) -> (String, Option<String>, Option<String>) {
    let Some(open) = text.rfind('(') else {
        return (text.to_string(), None, None);
    };
    let inner = text[open + 1..].trim_end().trim_end_matches(')');
    let mut owner = None;
    let mut due = None;
    for part in inner.split([',', ';']) {
        match part.split_once(':') {
            Some((key, value)) if key.trim().eq_ignore_ascii_case("owner") => {
                owner = Some(value.trim().to_string());
            }
            Some((key, value)) if key.trim().eq_ignore_ascii_case("due") => {
                due = Some(value.trim().to_string());
            }
            _ => {}
        }
    }
    if owner.is_none() && due.is_none() {
        return (text.to_string(), None, None);
    }
    (text[..open].trim().to_string(), owner, due)
}

/// Whether an id has the form of a backlog item's (`POPIA-001`,
/// `SOC2-201`): upper-case letters and digits, a dash, then digits only.
pub(crate) fn item_shaped(id: &str) -> bool {
    id.rsplit_once('-').is_some_and(|(prefix, number)| {
        prefix
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_uppercase())
            && prefix
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
            && !number.is_empty()
            && number.chars().all(|c| c.is_ascii_digit())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn risk_markers_in_words_and_emoji() {
        assert_eq!(risk("🔴 High"), Some(Risk::High));
        assert_eq!(risk("🟡"), Some(Risk::Medium));
        assert_eq!(risk("Medium"), Some(Risk::Medium));
        assert_eq!(risk("🟢 Phase 3: Technical"), Some(Risk::Low));
        assert_eq!(risk("Phase 2: Policy"), None);
        assert_eq!(risk("🔴 Critical"), Some(Risk::Critical));
        assert_eq!(risk("🟢 low effort, high value"), Some(Risk::Low));
    }

    #[test]
    fn iso_control_lists() {
        let ids = |t: &str, f: &str| controls(t, f).0;
        assert_eq!(ids("5.2, Clause 5.2", "iso27001"), ["A.5.2", "5.2"]);
        assert_eq!(ids("Clause 6.1, 8.2", "iso27001"), ["6.1", "8.2"]);
        assert_eq!(
            ids("5.24–5.28", "iso27001"),
            ["A.5.24", "A.5.25", "A.5.26", "A.5.27", "A.5.28"]
        );
        assert_eq!(ids("CC6.1; CC7.2", "soc2"), ["CC6.1", "CC7.2"]);
        assert_eq!(ids("CC6.1/CC6.2", "soc2"), ["CC6.1", "CC6.2"]);
        assert_eq!(ids("6.7 / 7.7", "iso27001"), ["A.6.7", "A.7.7"]);
        assert_eq!(
            ids("AC-2 and AC-3 & AC-4", "nist80053"),
            ["AC-2", "AC-3", "AC-4"]
        );
        assert_eq!(
            controls("CC6.1 Logical access, see the policy", "soc2"),
            (
                vec!["CC6.1".to_string()],
                vec!["see the policy".to_string()]
            )
        );
    }

    #[test]
    fn owner_and_due_annotations() {
        assert_eq!(
            annotations("Ship it (Owner: Platform, Due: 2025-11-22)"),
            (
                "Ship it".into(),
                Some("Platform".into()),
                Some("2025-11-22".into())
            )
        );
        assert_eq!(annotations("Plain (note)").0, "Plain (note)");
    }

    #[test]
    fn ids_and_frameworks() {
        assert!(item_shaped("POPIA-001"));
        assert!(!item_shaped("A.5.1"));
        assert_eq!(framework_id("ISO 27001"), "iso27001");
        assert_eq!(
            framework_in("Compliance — SOC 2 maturity matrix", &[]).as_deref(),
            Some("soc2")
        );
        assert_eq!(
            framework_in("ISO/IEC 27001:2022 SoA", &[]).as_deref(),
            Some("iso27001")
        );
        assert_eq!(framework_in("Next Steps", &[]), None);
        let words = [("privacy".to_string(), "popia".to_string())];
        assert_eq!(framework_in("## Privacy", &words).as_deref(), Some("popia"));
        assert_eq!(risk("P1"), Some(Risk::High));
        assert_eq!(risk("P3"), Some(Risk::Low));
    }
}
