//! The periods of a cadence inside an audit period: `2026-03` for monthly,
//! `2026-Q1` for quarterly, `2026-H1` for biannual, `2026` for annual, and
//! windows of N days from the audit period's first day (named by their first
//! day) for `every N days`. A period that overlaps the audit period counts,
//! even when it starts before it or ends after it.

use chrono::{Datelike, NaiveDate};

use crate::date::{Span, months_from, quarter};
use crate::model::Cadence;

/// One period of a cadence.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Period {
    /// Its name, as `{period}` in an evidence pattern stands for it.
    pub(crate) label: String,
    /// Its days.
    pub(crate) span: Span,
}

/// Most periods one activity's grid holds: an audit period of at most 3,660
/// days cut in windows of one day.
pub(crate) const MAX_PERIODS: usize = 3_660;

/// The periods of `cadence` that overlap `within`, in order.
#[must_use]
pub(crate) fn periods(cadence: Cadence, within: Span) -> Vec<Period> {
    let mut out = Vec::new();
    let mut next = first(cadence, within.from);
    while let Some(period) = next.take() {
        if period.span.from > within.to || out.len() >= MAX_PERIODS {
            break;
        }
        next = period
            .span
            .to
            .succ_opt()
            .and_then(|day| following(cadence, day, within.from));
        out.push(period);
    }
    out
}

/// The period holding `day` (for `every N days`, the window from `day`).
fn first(cadence: Cadence, day: NaiveDate) -> Option<Period> {
    following(cadence, day, day)
}

/// The period that starts at (or, for calendar cadences, holds) `day`;
/// windows of N days are counted from `origin`.
fn following(cadence: Cadence, day: NaiveDate, origin: NaiveDate) -> Option<Period> {
    let year = day.year();
    let (label, span) = match cadence {
        Cadence::Monthly => (
            format!("{year:04}-{:02}", day.month()),
            months_from(year, day.month(), 1)?,
        ),
        Cadence::Quarterly => {
            let q = quarter(day);
            (
                format!("{year:04}-Q{q}"),
                months_from(year, (q - 1) * 3 + 1, 3)?,
            )
        }
        Cadence::Biannual => {
            let h = if day.month() <= 6 { 1 } else { 2 };
            (
                format!("{year:04}-H{h}"),
                months_from(year, (h - 1) * 6 + 1, 6)?,
            )
        }
        Cadence::Annual => (format!("{year:04}"), months_from(year, 1, 12)?),
        Cadence::Days(n) => {
            let n = i64::from(n.max(1));
            let offset = (day - origin).num_days().max(0) / n * n;
            let from = origin.checked_add_signed(chrono::TimeDelta::try_days(offset)?)?;
            let to = from.checked_add_signed(chrono::TimeDelta::try_days(n - 1)?)?;
            (from.to_string(), Span { from, to })
        }
    };
    Some(Period { label, span })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn labels(cadence: Cadence, from: NaiveDate, to: NaiveDate) -> Vec<String> {
        periods(cadence, Span { from, to })
            .into_iter()
            .map(|p| p.label)
            .collect()
    }

    #[test]
    fn calendar_cadences_cut_the_audit_period_into_named_periods() {
        let (from, to) = (day(2025, 11, 15), day(2026, 2, 10));
        assert_eq!(
            labels(Cadence::Monthly, from, to),
            ["2025-11", "2025-12", "2026-01", "2026-02"]
        );
        assert_eq!(labels(Cadence::Quarterly, from, to), ["2025-Q4", "2026-Q1"]);
        assert_eq!(labels(Cadence::Biannual, from, to), ["2025-H2", "2026-H1"]);
        assert_eq!(labels(Cadence::Annual, from, to), ["2025", "2026"]);
        let q4 = &periods(Cadence::Quarterly, Span { from, to })[0];
        assert_eq!(
            q4.span,
            Span {
                from: day(2025, 10, 1),
                to: day(2025, 12, 31)
            }
        );
    }

    #[test]
    fn february_of_a_leap_year_has_29_days() {
        let feb = &periods(
            Cadence::Monthly,
            Span {
                from: day(2024, 2, 10),
                to: day(2024, 2, 10),
            },
        )[0];
        assert_eq!(feb.span.to, day(2024, 2, 29));
    }

    #[test]
    fn windows_of_days_start_at_the_audit_period() {
        let within = Span {
            from: day(2026, 1, 1),
            to: day(2026, 1, 31),
        };
        let windows = periods(Cadence::Days(14), within);
        let starts: Vec<&str> = windows.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(starts, ["2026-01-01", "2026-01-15", "2026-01-29"]);
        assert_eq!(windows[2].span.to, day(2026, 2, 11));
    }

    #[test]
    fn a_one_day_audit_period_has_one_period() {
        let within = Span {
            from: day(2026, 12, 31),
            to: day(2026, 12, 31),
        };
        assert_eq!(periods(Cadence::Quarterly, within).len(), 1);
        assert_eq!(periods(Cadence::Days(1), within).len(), 1);
    }
}
