//! Making text from users' files inert before it reaches a terminal, a CI
//! log or an XML document.
//!
//! A title holding a line break followed by `::error file=...::` would
//! otherwise print a line that GitHub Actions runs as a workflow command;
//! `ESC[2J` would clear the screen; a bidi override would reorder what the
//! reader sees; U+FFFE makes an XML document invalid. [`inert`] writes each
//! such character as a visible escape, so one record is always one line and
//! says what it holds.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` must not reach a terminal or a log as it is: control
/// characters (C0, DEL, C1), line and paragraph separators, bidi controls,
/// zero-width characters, the byte-order mark and noncharacters.
pub(crate) fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{2069}'
                | '\u{FEFF}'
                | '\u{FDD0}'..='\u{FDEF}'
        )
        || (u32::from(c) & 0xFFFE) == 0xFFFE
}

/// `text` with every unsafe character (control characters, line and
/// paragraph separators, bidi controls, zero-width characters, the
/// byte-order mark, noncharacters) written as an escape: `\n`, `\r`, `\t`,
/// or `\u{XXXX}`. Other text, backslashes included, is kept as it is.
pub fn inert(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_unsafe(c) => {
                let _ = write!(out, "\\u{{{:04x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// `text` made safe to begin a line of a CI log: a leading `::` (which
/// GitHub Actions reads as a workflow command) gets its first colon written
/// as `\u{003a}`.
pub(crate) fn line_start(text: &str) -> Cow<'_, str> {
    match text.strip_prefix(':') {
        Some(rest) if rest.starts_with(':') => Cow::Owned(format!("\\u{{003a}}{rest}")),
        _ => Cow::Borrowed(text),
    }
}

/// The noun for a count: `day` for 1, `days` otherwise (`entry`/`entries`).
pub(crate) fn plural(n: impl TryInto<i64>, noun: &str) -> String {
    if n.try_into().ok() == Some(1) {
        return noun.to_string();
    }
    match noun.strip_suffix('y') {
        Some(stem) if !stem.ends_with(['a', 'e', 'i', 'o', 'u']) => format!("{stem}ies"),
        _ => format!("{noun}s"),
    }
}

/// Whether `text` is a plain e-mail address (`local@example.org`): what
/// OSCAL's `email-addresses` and its validators (NIST's schema, trestle)
/// accept. ASCII only: a dot-atom local part, and a domain of at least two
/// labels of letters, digits and inner hyphens whose last is letters, not a
/// special-use name (`localhost`, `local`, `test`, `invalid`, `example`
/// as a top-level label, `onion`, `arpa`); no display name, no spaces.
pub(crate) fn is_email(text: &str) -> bool {
    const SPECIAL: [&str; 7] = [
        "arpa",
        "example",
        "invalid",
        "local",
        "localhost",
        "onion",
        "test",
    ];
    let Some((local, domain)) = text.rsplit_once('@') else {
        return false;
    };
    let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-".contains(c);
    let local_ok = local.len() <= 64
        && local
            .split('.')
            .all(|atom| !atom.is_empty() && atom.chars().all(atext));
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    let top = labels.last().copied().unwrap_or_default();
    local_ok
        && domain.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(label_ok)
        && top.len() >= 2
        && top.chars().all(|c| c.is_ascii_alphabetic())
        && !SPECIAL.contains(&top.to_ascii_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_addresses_are_emails() {
        for good in [
            "a@example.org",
            "first.last+tag@mail.example.co.za",
            "x_y@a-b.io",
        ] {
            assert!(is_email(good), "{good}");
        }
        for bad in [
            "not-an-email",
            "a@b",
            "Full Name <f@example.com>",
            "a b@example.org",
            "@example.org",
            "a@.org",
            "a..b@example.org",
            ".a@example.org",
            "a@-x.org",
            "a@x.123",
            "a@host.localhost",
            "ü@example.org",
            "a@example.org ",
            "",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn plurals() {
        assert_eq!(plural(1, "day"), "day");
        assert_eq!(plural(2, "day"), "days");
        assert_eq!(plural(0, "entry"), "entries");
        assert_eq!(plural(3, "item"), "items");
    }

    #[test]
    fn escapes_what_could_act() {
        assert_eq!(inert("plain & simple"), "plain & simple");
        assert_eq!(inert("a\n::error::x"), "a\\n::error::x");
        assert_eq!(inert("\u{1b}[2J"), "\\u{001b}[2J");
        assert_eq!(inert("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(inert("\u{fffe}"), "\\u{fffe}");
        assert_eq!(inert("\u{1fffe}"), "\\u{1fffe}");
        assert_eq!(inert("\u{85}"), "\\u{0085}");
        assert_eq!(inert("zero\u{200b}width"), "zero\\u{200b}width");
        assert_eq!(inert("é ü 日本"), "é ü 日本");
        assert_eq!(line_start("::error::x"), "\\u{003a}:error::x");
        assert_eq!(line_start(":one"), ":one");
    }
}
