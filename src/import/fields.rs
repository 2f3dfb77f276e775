//! Reading field values the way teams write them in Markdown: risk markers
//! in words or coloured circles, `TBD` dates, control lists with ranges,
//! framework names, `(Owner: X, Due: Y)` annotations.

use chrono::NaiveDate;

use crate::date::parse_date;
use crate::model::Risk;

/// A risk or severity from a coloured-circle emoji (the page's own
/// marker) or, failing one, from words (`High`, `Moderate`); the most severe
/// one when several are present.
pub fn risk(text: &str) -> Option<Risk> {
    let marks = text.chars().filter_map(|c| match c {
        '🔴' => Some(Risk::High),
        '🟠' | '🟡' => Some(Risk::Medium),
        '🟢' | '🔵' => Some(Risk::Low),
        _ => None,
    });
    if let Some(risk) = marks.min() {
        return Some(risk);
    }
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter_map(|word| match word {
            "critical" | "p0" => Some(Risk::Critical),
            "high" => Some(Risk::High),
            "medium" | "moderate" | "med" => Some(Risk::Medium),
            "low" => Some(Risk::Low),
            _ => None,
        })
        .min()
}

/// A due date: `Ok(None)` for `TBD`, an empty cell or a dash.
pub fn due(text: &str) -> Result<Option<NaiveDate>, String> {
    let t = text.trim();
    if t.is_empty() || t.eq_ignore_ascii_case("tbd") || t == "-" || t == "—" || t == "n/a" {
        return Ok(None);
    }
    parse_date(t).map(Some)
}

/// A framework id from a name: `ISO 27001` -> `iso27001`, `SOC 2` -> `soc2`.
pub fn framework_id(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_lowercase()
}

/// The framework a title names, if it names exactly one known framework.
pub fn framework_in(title: &str) -> Option<&'static str> {
    let id = framework_id(title);
    let known = [
        ("iso27001", "iso27001"),
        ("soc2", "soc2"),
        ("popia", "popia"),
        ("gdpr", "gdpr"),
        ("hipaa", "hipaa"),
    ];
    let mut hits = known.iter().filter(|(needle, _)| id.contains(needle));
    match (hits.next(), hits.next()) {
        (Some((_, id)), None) => Some(id),
        _ => None,
    }
}

/// Control references in a cell: `5.2, Clause 5.2`, `5.24–5.28`, `CC6.1`.
///
/// For ISO 27001, bare numbers are Annex A controls (`A.5.2`) until the word
/// "Clause" appears; numbers after it are clauses (`6.1`). Ranges of the same
/// major number are expanded.
pub fn controls(text: &str, framework: &str) -> Vec<String> {
    let iso = framework == "iso27001";
    let mut clause = false;
    let mut out = Vec::new();
    let normalised = text.replace(['–', '—'], "-");
    for part in normalised.split([',', ';']) {
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
            _ => vec![part.to_string()],
        };
        for id in ids {
            let id = if iso && !clause && is_number(&id) {
                format!("A.{id}")
            } else {
                id
            };
            if !out.contains(&id) {
                out.push(id);
            }
        }
    }
    out
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
pub fn annotations(text: &str) -> (String, Option<String>, Option<String>) {
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

/// An item id at the start of a heading: `POPIA-001 Automate consent` ->
/// (`POPIA-001`, `Automate consent`).
pub fn leading_id(text: &str) -> Option<(String, String)> {
    let (first, rest) = text.split_once(' ').unwrap_or((text, ""));
    let first = first.trim_end_matches([':', '.']);
    let (prefix, number) = first.rsplit_once('-')?;
    let valid = !prefix.is_empty()
        && prefix
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
        && prefix
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_uppercase())
        && !number.is_empty()
        && number.chars().all(|c| c.is_ascii_digit());
    valid.then(|| {
        (
            first.to_string(),
            rest.trim_start_matches(['—', '-', ':', ' ']).to_string(),
        )
    })
}

/// Every item id in a text (`Backlog: SOC2-001` -> `SOC2-001`).
pub fn ids_in(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter_map(|word| leading_id(word).map(|(id, _)| id))
        .collect()
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
    }

    #[test]
    fn iso_control_lists() {
        assert_eq!(controls("5.2, Clause 5.2", "iso27001"), ["A.5.2", "5.2"]);
        assert_eq!(controls("Clause 6.1, 8.2", "iso27001"), ["6.1", "8.2"]);
        assert_eq!(
            controls("5.24–5.28", "iso27001"),
            ["A.5.24", "A.5.25", "A.5.26", "A.5.27", "A.5.28"]
        );
        assert_eq!(controls("CC6.1; CC7.2", "soc2"), ["CC6.1", "CC7.2"]);
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
        assert_eq!(
            leading_id("POPIA-001 Automate consent"),
            Some(("POPIA-001".into(), "Automate consent".into()))
        );
        assert_eq!(leading_id("Phase 1: Foundation"), None);
        assert_eq!(ids_in("[Backlog: SOC2-001](x)"), ["SOC2-001"]);
        assert_eq!(framework_id("ISO 27001"), "iso27001");
        assert_eq!(
            framework_in("Compliance — SOC 2 maturity matrix"),
            Some("soc2")
        );
        assert_eq!(framework_in("Next Steps"), None);
    }
}
