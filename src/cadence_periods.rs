//! The periods of a cadence inside an audit period: `2026-03` for monthly,
//! `2026-Q1` for quarterly, `2026-H1` for biannual, `2026` for annual, and
//! windows of N days for `every N days`, counted from a fixed Monday
//! ([`WINDOW_EPOCH`], 1970-01-05) and named by their first day: every 7
//! days is the ISO week from Monday to Sunday, every 14 days pairs of
//! them. The windows do not move with the audit period, so a team can name
//! its files before an auditor names the period. A period that overlaps the
//! audit period counts, even when it starts before it or ends after it.

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

/// Most cells (periods of all activities together) one audit grid holds:
/// a thousand daily activities over ten years would otherwise take
/// gigabytes.
pub(crate) const MAX_CELLS: usize = 200_000;

/// The Monday that windows of N days are counted from.
pub(crate) const WINDOW_EPOCH: NaiveDate = match NaiveDate::from_ymd_opt(1970, 1, 5) {
    Some(day) => day,
    None => NaiveDate::MIN,
};

/// The periods of `cadence` that overlap `within`, in order.
#[must_use]
pub(crate) fn periods(cadence: Cadence, within: Span) -> Vec<Period> {
    let mut out = Vec::new();
    let mut next = holding(cadence, within.from);
    while let Some(period) = next.take() {
        if period.span.from > within.to || out.len() >= MAX_PERIODS {
            break;
        }
        next = period
            .span
            .to
            .succ_opt()
            .and_then(|day| holding(cadence, day));
        out.push(period);
    }
    out
}

/// How many periods [`periods`] gives, counted without making them.
#[must_use]
pub(crate) fn count(cadence: Cadence, within: Span) -> usize {
    let (Some(first), Some(last)) = (holding(cadence, within.from), holding(cadence, within.to))
    else {
        return 0;
    };
    let n = match cadence {
        Cadence::Days(n) => (last.span.from - first.span.from).num_days() / i64::from(n.max(1)),
        Cadence::Monthly => months_between(first.span.from, last.span.from),
        Cadence::Quarterly => months_between(first.span.from, last.span.from) / 3,
        Cadence::Biannual => months_between(first.span.from, last.span.from) / 6,
        Cadence::Annual => months_between(first.span.from, last.span.from) / 12,
    };
    usize::try_from(n + 1).unwrap_or(0).min(MAX_PERIODS)
}

fn months_between(from: NaiveDate, to: NaiveDate) -> i64 {
    i64::from(to.year() - from.year()) * 12 + i64::from(to.month()) - i64::from(from.month())
}

/// The period holding `day`.
fn holding(cadence: Cadence, day: NaiveDate) -> Option<Period> {
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
            let offset = (day - WINDOW_EPOCH).num_days().div_euclid(n) * n;
            let from = WINDOW_EPOCH.checked_add_signed(chrono::TimeDelta::try_days(offset)?)?;
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
    fn windows_of_days_are_fixed_whatever_the_audit_period() {
        let within = |from, to| Span { from, to };
        let january = within(day(2026, 1, 1), day(2026, 1, 31));
        let weeks: Vec<String> = periods(Cadence::Days(7), january)
            .into_iter()
            .map(|p| p.label)
            .collect();
        // ISO weeks, Monday to Sunday.
        assert_eq!(
            weeks,
            [
                "2025-12-29",
                "2026-01-05",
                "2026-01-12",
                "2026-01-19",
                "2026-01-26"
            ]
        );
        // A period starting a day later has the same windows.
        let later = within(day(2026, 1, 2), day(2026, 1, 31));
        assert_eq!(
            periods(Cadence::Days(7), later),
            periods(Cadence::Days(7), january)
        );
        let fortnights = periods(Cadence::Days(14), january);
        let starts: Vec<&str> = fortnights.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(starts, ["2025-12-22", "2026-01-05", "2026-01-19"]);
        assert_eq!(fortnights[2].span.to, day(2026, 2, 1));
        // Days before the epoch are windows too.
        let old = periods(
            Cadence::Days(7),
            within(day(1969, 12, 31), day(1969, 12, 31)),
        );
        assert_eq!(old[0].label, "1969-12-29");
    }

    #[test]
    fn count_is_the_number_of_periods() {
        let spans = [
            Span {
                from: day(2025, 11, 15),
                to: day(2026, 2, 10),
            },
            Span {
                from: day(2026, 1, 1),
                to: day(2035, 12, 31),
            },
            Span {
                from: day(2026, 12, 31),
                to: day(2026, 12, 31),
            },
        ];
        for within in spans {
            for cadence in [
                Cadence::Monthly,
                Cadence::Quarterly,
                Cadence::Biannual,
                Cadence::Annual,
                Cadence::Days(1),
                Cadence::Days(7),
                Cadence::Days(30),
            ] {
                assert_eq!(
                    count(cadence, within),
                    periods(cadence, within).len(),
                    "{cadence} {within}"
                );
            }
        }
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
