//! Calendar dates as comply reads them: strict `YYYY-MM-DD`, real days
//! only; spans of days, and the calendar periods (`2026-Q1`) that name them.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// Parses a `YYYY-MM-DD` date, rejecting other spellings and impossible days.
///
/// The error says what is wrong in words fit for a diagnostic.
pub(crate) fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shaped {
        return Err(format!("`{text}` is not a date in the form YYYY-MM-DD"));
    }
    // Shaped, so the numbers are read directly (chrono's format parser was
    // a visible part of reading a large backlog).
    let number = |range: std::ops::Range<usize>| {
        bytes[range]
            .iter()
            .fold(0u32, |n, b| n * 10 + u32::from(b - b'0'))
    };
    let year = i32::try_from(number(0..4)).unwrap_or_default();
    NaiveDate::from_ymd_opt(year, number(5..7), number(8..10))
        .ok_or_else(|| format!("`{text}` is not a real calendar day"))
}

/// The days from `from` to `to`, both included.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
pub struct Span {
    /// The first day.
    pub from: NaiveDate,
    /// The last day.
    pub to: NaiveDate,
}

impl Span {
    /// Whether the two spans share a day.
    #[must_use]
    pub fn overlaps(self, other: Span) -> bool {
        self.from <= other.to && other.from <= self.to
    }

    /// Whether `day` is in the span.
    #[must_use]
    pub fn contains(self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.to
    }

    /// How many days the span holds.
    #[must_use]
    pub fn days(self) -> i64 {
        (self.to - self.from).num_days() + 1
    }
}

impl std::fmt::Display for Span {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}..{}", self.from, self.to)
    }
}

/// The first day of `month` (1 to 12) of `year`, and the last day of the
/// month `months` later less one day: the span of `months` calendar
/// months from that month.
#[must_use]
pub fn months_from(year: i32, month: u32, months: u32) -> Option<Span> {
    let from = NaiveDate::from_ymd_opt(year, month, 1)?;
    let next = from.checked_add_months(chrono::Months::new(months))?;
    Some(Span {
        from,
        to: next.pred_opt()?,
    })
}

/// The days a period name stands for: `2026` (a year), `2026-H1` or
/// `2026-H2` (a half), `2026-Q1` to `2026-Q4` (a quarter), `2026-03` (a
/// month) or `2026-03-15` (a day). The error says what is wrong.
pub fn parse_period(text: &str) -> Result<Span, String> {
    let bad =
        || format!("`{text}` is not a period: write YYYY, YYYY-H1, YYYY-Q1, YYYY-MM or YYYY-MM-DD");
    let text = text.trim();
    if text.len() == 10 {
        let day = parse_date(text)?;
        return Ok(Span { from: day, to: day });
    }
    let (year, rest) = match text.split_once('-') {
        Some((year, rest)) => (year, Some(rest)),
        None => (text, None),
    };
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let year: i32 = year.parse().map_err(|_| bad())?;
    let number = |digits: &str| {
        (!digits.is_empty() && digits.len() <= 2 && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| digits.parse::<u32>().ok())
            .flatten()
    };
    let span = match rest {
        None => months_from(year, 1, 12),
        Some(rest) => match (rest.strip_prefix('H'), rest.strip_prefix('Q')) {
            (Some(half), _) => number(half)
                .filter(|h| (1..=2).contains(h))
                .and_then(|h| months_from(year, (h - 1) * 6 + 1, 6)),
            (_, Some(quarter)) => number(quarter)
                .filter(|q| (1..=4).contains(q))
                .and_then(|q| months_from(year, (q - 1) * 3 + 1, 3)),
            _ if rest.len() == 2 => number(rest)
                .filter(|m| (1..=12).contains(m))
                .and_then(|m| months_from(year, m, 1)),
            _ => None,
        },
    };
    span.ok_or_else(bad)
}

/// `FROM..TO`, each a period name (see [`parse_period`]): from the first
/// day of FROM to the last day of TO (`2026-01..2026-06`, `2026`).
/// A single period name stands for itself.
pub fn parse_range(text: &str) -> Result<Span, String> {
    let (from, to) = match text.split_once("..") {
        Some((from, to)) => (parse_period(from)?, parse_period(to)?),
        None => {
            let span = parse_period(text)?;
            (span, span)
        }
    };
    if to.to < from.from {
        return Err(format!("`{text}` ends before it starts"));
    }
    Ok(Span {
        from: from.from,
        to: to.to,
    })
}

/// Most days an audit period may hold: ten years, so that a grid of
/// daily windows stays a few thousand columns.
pub const MAX_AUDIT_DAYS: i64 = 3_660;

/// Whether `span` may be an audit period (at most [`MAX_AUDIT_DAYS`] days).
pub fn check_audit_period(span: Span) -> Result<(), String> {
    if span.days() > MAX_AUDIT_DAYS {
        return Err(format!(
            "the audit period {span} is {} days long; at most {MAX_AUDIT_DAYS} are allowed",
            span.days()
        ));
    }
    Ok(())
}

/// The quarter (1 to 4) of `day`.
#[must_use]
pub fn quarter(day: NaiveDate) -> u32 {
    day.month0() / 3 + 1
}
#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn span(from: NaiveDate, to: NaiveDate) -> Span {
        Span { from, to }
    }

    #[test]
    fn period_names_stand_for_their_days() {
        let cases = [
            ("2026", span(day(2026, 1, 1), day(2026, 12, 31))),
            ("2026-H2", span(day(2026, 7, 1), day(2026, 12, 31))),
            ("2026-Q1", span(day(2026, 1, 1), day(2026, 3, 31))),
            ("2026-Q4", span(day(2026, 10, 1), day(2026, 12, 31))),
            ("2024-02", span(day(2024, 2, 1), day(2024, 2, 29))),
            ("2026-02", span(day(2026, 2, 1), day(2026, 2, 28))),
            ("2026-12", span(day(2026, 12, 1), day(2026, 12, 31))),
            ("2026-03-15", span(day(2026, 3, 15), day(2026, 3, 15))),
        ];
        for (text, want) in cases {
            assert_eq!(parse_period(text), Ok(want), "{text}");
        }
        for bad in [
            "2026-Q5",
            "2026-Q0",
            "2026-H3",
            "2026-13",
            "2026-00",
            "26-01",
            "",
            "2026-1",
            "2026-02-30",
            "2026-Qx",
            "２０２６",
        ] {
            assert!(parse_period(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn ranges_run_from_the_first_day_to_the_last() {
        assert_eq!(
            parse_range("2026-01..2026-Q2"),
            Ok(span(day(2026, 1, 1), day(2026, 6, 30)))
        );
        assert_eq!(
            parse_range("2025-12-15..2026-01-14"),
            Ok(span(day(2025, 12, 15), day(2026, 1, 14)))
        );
        assert_eq!(
            parse_range("2026"),
            Ok(span(day(2026, 1, 1), day(2026, 12, 31)))
        );
        assert!(parse_range("2026-06..2026-01").is_err());
        assert!(parse_range("2026-01..").is_err());
    }

    #[test]
    fn spans_overlap_when_they_share_a_day() {
        let q1 = span(day(2026, 1, 1), day(2026, 3, 31));
        assert!(q1.overlaps(span(day(2026, 3, 31), day(2026, 4, 30))));
        assert!(!q1.overlaps(span(day(2026, 4, 1), day(2026, 4, 30))));
        assert_eq!(q1.days(), 90);
        assert_eq!(quarter(day(2026, 12, 31)), 4);
    }

    #[test]
    fn accepts_real_days_only() {
        assert_eq!(
            parse_date("2025-11-22"),
            Ok(NaiveDate::from_ymd_opt(2025, 11, 22).unwrap_or_default())
        );
        assert!(parse_date("2024-02-29").is_ok());
        for bad in [
            "2025-02-30",
            "2025/11/22",
            "22 Nov 2025",
            "",
            "2025-1-5",
            "20251122",
            "TBD",
        ] {
            assert!(parse_date(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn reads_every_shaped_date_as_chrono_does() {
        for year in [0, 1, 999, 1900, 1999, 2000, 2023, 2024, 2100, 9999] {
            for month in 0..=13 {
                for day in 0..=32 {
                    let text = format!("{year:04}-{month:02}-{day:02}");
                    let chrono = NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok();
                    assert_eq!(parse_date(&text).ok(), chrono, "{text}");
                }
            }
        }
    }
}
