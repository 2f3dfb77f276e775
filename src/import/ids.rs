//! Ids: the ones written on a page (`A.5.1`, `5.1`, `CC6.1`, `AC-1`,
//! `POPIA-001`), and readable, stable ones made from a title when the page
//! gives none (`POPIA-DATA-MINIMISATION`).

use std::collections::HashMap;
use std::fmt::Write as _;

/// Whether a single word is shaped like an id: upper-case letters and
/// digits joined by `.` or `-` (`A.5.1`, `CC6.1`, `AC-1`, `POPIA-001`), or
/// numbers with a dot (`5.1`, `8.34`). A bare word (`Data`), a bare number
/// (`12`) or a word with lower-case letters (`Phase-1`) is not.
pub(crate) fn is_id(word: &str) -> bool {
    let has_digit = word.chars().any(|c| c.is_ascii_digit());
    let joined = word.contains(['.', '-']);
    let charset = word
        .chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'));
    let ends_well = word
        .chars()
        .last()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    let starts_well = word
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    let numeric = word.chars().next().is_some_and(|c| c.is_ascii_digit());
    let numeric_ok = !numeric || word.chars().all(|c| c.is_ascii_digit() || c == '.');
    has_digit && joined && charset && ends_well && starts_well && numeric_ok && word.len() <= 40
}

/// An id at the start of a text, and the rest as a title:
/// `A.5.1 Policies` -> (`A.5.1`, `Policies`); `CC6.1 - Logical access` ->
/// (`CC6.1`, `Logical access`); `Data minimisation` -> `None`.
pub(crate) fn leading(text: &str) -> Option<(String, String)> {
    let text = text.trim();
    let (first, rest) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
    let first = first.trim_end_matches([':', ')', ',']);
    let first = first.strip_suffix('.').unwrap_or(first);
    is_id(first).then(|| (first.to_string(), title_rest(rest)))
}

/// The title after an id: separators (`-`, `—`, `:`, `|`) dropped.
fn title_rest(rest: &str) -> String {
    rest.trim()
        .trim_start_matches(['—', '–', '-', ':', '|', '.', ' '])
        .trim()
        .to_string()
}

/// Every id-shaped word in a text (`Backlog: SOC2-001` -> `SOC2-001`).
pub(crate) fn all_in(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '.'))
        .map(|w| w.trim_end_matches('.'))
        .filter(|w| is_id(w) && w.contains('-') && w.chars().any(|c| c.is_ascii_uppercase()))
        .map(str::to_string)
        .collect()
}

/// A readable id from a prefix and a text: `POPIA` and `Data
/// minimisation` -> `POPIA-DATA-MINIMISATION`. At most six words and 48
/// characters; the same text always gives the same id, whatever else is on
/// the page. A text cut short, or with letters that have no plain Latin
/// form (`Контроль доступа`, `访问控制`), ends in four hex digits of the
/// whole text, so two titles that start alike (or two titles in another
/// script) never share an id by the order of the rows.
pub(crate) fn slug(prefix: &str, text: &str) -> String {
    let mut out = prefix.to_string();
    let mut words = 0;
    let mut cut = false;
    let folded: String = text.chars().map(fold).collect();
    for word in folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !word.is_ascii() {
            cut = true;
            continue;
        }
        if words == 6 || out.len() + word.len() + 1 > 48 {
            cut = true;
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&word.to_ascii_uppercase());
        words += 1;
    }
    if words == 0 {
        out.push_str(if out.is_empty() { "ITEM" } else { "-ITEM" });
        cut = cut || text.chars().any(|c| !c.is_whitespace());
    }
    if cut {
        let _ = write!(out, "-{:04X}", fingerprint(&folded));
    }
    out
}

/// Sixteen bits of FNV-1a over the lower-case words of a text: the same
/// words give the same value on every machine and in every version.
fn fingerprint(text: &str) -> u16 {
    let words: Vec<String> = text
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    let joined = if words.is_empty() {
        text.trim().to_string()
    } else {
        words.join(" ")
    };
    let mut hash: u32 = 0x811c_9dc5;
    for byte in joined.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    ((hash >> 16) ^ (hash & 0xffff)) as u16
}

/// A Latin letter with an accent as its plain letter (`á` -> `a`).
fn fold(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'Á' | 'À' | 'Â' | 'Ä' => 'a',
        'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' => 'e',
        'í' | 'ì' | 'î' | 'ï' | 'Í' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' | 'Ó' | 'Ö' => 'o',
        'ú' | 'ù' | 'û' | 'ü' | 'Ú' | 'Ü' => 'u',
        'ç' | 'Ç' => 'c',
        'ñ' | 'Ñ' => 'n',
        other => other,
    }
}

/// Hands out ids unique on a page (without regard to case): a repeated id
/// gets `-2`, `-3`...
#[derive(Default)]
pub(crate) struct Unique {
    seen: HashMap<String, usize>,
}

impl Unique {
    /// `id`, or `id-N` when it was handed out before; the second value
    /// says whether it was renamed.
    pub(crate) fn take(&mut self, id: String) -> (String, bool) {
        let mut n = *self.seen.get(&id.to_lowercase()).unwrap_or(&0);
        if n == 0 {
            self.seen.insert(id.to_lowercase(), 1);
            return (id, false);
        }
        loop {
            n += 1;
            let candidate = format!("{id}-{n}");
            if !self.seen.contains_key(&candidate.to_lowercase()) {
                self.seen.insert(id.to_lowercase(), n);
                self.seen.insert(candidate.to_lowercase(), 1);
                return (candidate, true);
            }
        }
    }
}

pub(crate) use crate::format::valid_framework;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_shapes() {
        for id in [
            "A.5.1",
            "5.1",
            "8.34",
            "CC6.1",
            "AC-1",
            "POPIA-001",
            "SOC2-201",
        ] {
            assert!(is_id(id), "{id}");
        }
        for word in ["Data", "12", "Phase-1", "SOC2", "2024", "P1", "A.", "-1"] {
            assert!(!is_id(word), "{word}");
        }
        assert_eq!(
            leading("CC6.1 - Logical access"),
            Some(("CC6.1".into(), "Logical access".into()))
        );
        assert_eq!(
            leading("A.5.1: Policies"),
            Some(("A.5.1".into(), "Policies".into()))
        );
        assert_eq!(leading("1. Incident Response Plan"), None);
        assert_eq!(leading("Data minimisation"), None);
        assert_eq!(
            all_in("[Backlog: SOC2-001](x), SOC2-002."),
            ["SOC2-001", "SOC2-002"]
        );
    }

    #[test]
    fn slugs_and_uniqueness() {
        assert_eq!(
            slug("POPIA", "Data minimisation"),
            "POPIA-DATA-MINIMISATION"
        );
        assert_eq!(slug("X", "Diátaxis — docs?"), "X-DIATAXIS-DOCS");
        // Long titles that start alike, and titles in other scripts, get
        // ids of their own whatever the order of the rows.
        let a = slug(
            "OPS",
            "Review access rights for production database servers quarterly",
        );
        let b = slug(
            "OPS",
            "Review access rights for production database servers after incidents",
        );
        assert_ne!(a, b);
        assert!(
            a.starts_with("OPS-REVIEW-ACCESS-RIGHTS-FOR-PRODUCTION-"),
            "{a}"
        );
        assert_eq!(
            a,
            slug(
                "OPS",
                "review access rights for production database servers quarterly"
            )
        );
        let ru = slug("INTL", "Контроль доступа");
        let zh = slug("INTL", "访问控制");
        let emoji = slug("INTL", "🔐");
        assert!(
            ru.starts_with("INTL-ITEM-") && zh.starts_with("INTL-ITEM-"),
            "{ru} {zh}"
        );
        assert!(ru != zh && zh != emoji && ru != emoji);
        assert_eq!(slug("INTL", "Контроль доступа"), ru);
        assert_ne!(slug("INTL", "🔐"), slug("INTL", "🔑"));
        assert_eq!(
            slug("X", "Backups — Резервные копии"),
            slug("X", "Backups — Резервные копии")
        );
        assert_ne!(
            slug("X", "Backups — Резервные копии"),
            slug("X", "Backups — 备份")
        );
        let mut unique = Unique::default();
        assert_eq!(unique.take("A".into()), ("A".into(), false));
        assert_eq!(unique.take("a".into()), ("a-2".into(), true));
        assert_eq!(unique.take("A".into()), ("A-3".into(), true));
        assert!(valid_framework("soc2"));
        assert!(!valid_framework("../../x"));
        assert!(!valid_framework(""));
    }
}
