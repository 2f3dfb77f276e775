//! Trends over time: the periods to sample and the figures of each.
//!
//! Pure: the caller finds the commit of each period and analyses the
//! repository as it was; this module says which days to sample and what to
//! count.

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::Serialize;

use crate::analysis::{Analysis, ItemState};
use crate::model::ItemStatus;

/// How long a period is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Period {
    /// Seven days.
    Week,
    /// A calendar month.
    Month,
}

/// The figures at the end of one period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub(crate) struct TrendPoint {
    /// The last day of the period (the as-of date for the last one).
    pub(crate) period_end: NaiveDate,
    /// The commit analysed: the last one on or before `period_end`.
    pub(crate) commit: String,
    /// Items not closed.
    pub(crate) open: usize,
    /// Open items past their due date on `period_end`.
    pub(crate) overdue: usize,
    /// Items marked done.
    pub(crate) done: usize,
    /// Evidence entries not present.
    pub(crate) evidence_missing: usize,
}

/// Twelve periods back from `as_of`: the default start of a trend.
pub(crate) fn default_since(as_of: NaiveDate, period: Period) -> NaiveDate {
    match period {
        Period::Week => as_of - Days::new(7 * 11 + 6),
        Period::Month => as_of
            .with_day(1)
            .and_then(|d| d.checked_sub_months(Months::new(11)))
            .unwrap_or(as_of),
    }
}

/// Most periods a trend shows: the most recent ones.
pub(crate) const MAX_PERIODS: usize = 1000;

/// The last day of every period from `since` to `as_of` (the last one cut
/// at `as_of`); of more than [`MAX_PERIODS`], the most recent.
pub(crate) fn period_ends(since: NaiveDate, period: Period, as_of: NaiveDate) -> Vec<NaiveDate> {
    // Start no earlier than the most recent periods need, keeping the
    // periods aligned on `since`.
    let since = match period {
        Period::Week => {
            let weeks = (as_of - since).num_days() / 7;
            let skip = weeks.saturating_sub(MAX_PERIODS as i64).max(0);
            u64::try_from(skip)
                .ok()
                .and_then(|skip| since.checked_add_days(Days::new(7 * skip)))
                .unwrap_or(since)
        }
        Period::Month => as_of
            .with_day(1)
            .and_then(|d| d.checked_sub_months(Months::new(MAX_PERIODS as u32)))
            .map_or(since, |earliest| since.max(earliest)),
    };
    let mut ends = Vec::new();
    let mut start = since;
    while start <= as_of {
        let next = match period {
            Period::Week => start.checked_add_days(Days::new(7)),
            Period::Month => start
                .with_day(1)
                .and_then(|d| d.checked_add_months(Months::new(1))),
        };
        let Some(next) = next else { break };
        let end = next.pred_opt().unwrap_or(next).min(as_of);
        ends.push(end);
        start = next;
    }
    let extra = ends.len().saturating_sub(MAX_PERIODS);
    ends.drain(..extra);
    ends
}

/// The figures of one analysis.
pub(crate) fn point(analysis: &Analysis, commit: &str) -> TrendPoint {
    let items = &analysis.items;
    let evidence = analysis
        .controls
        .iter()
        .flat_map(|c| &c.evidence)
        .chain(items.iter().flat_map(|i| &i.evidence));
    TrendPoint {
        period_end: analysis.as_of,
        commit: commit.chars().take(10).collect(),
        open: items
            .iter()
            .filter(|i| i.state != ItemState::Closed)
            .count(),
        overdue: items
            .iter()
            .filter(|i| i.state == ItemState::Overdue)
            .count(),
        done: items
            .iter()
            .filter(|i| i.status == ItemStatus::Done)
            .count(),
        evidence_missing: evidence.filter(|e| !e.state.is_present()).count(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn month_and_week_ends() {
        assert_eq!(
            period_ends(day("2025-01-15"), Period::Month, day("2025-03-10")),
            [day("2025-01-31"), day("2025-02-28"), day("2025-03-10")]
        );
        assert_eq!(
            period_ends(day("2025-01-01"), Period::Week, day("2025-01-20")),
            [day("2025-01-07"), day("2025-01-14"), day("2025-01-20")]
        );
        assert_eq!(
            default_since(day("2025-12-20"), Period::Month),
            day("2025-01-01")
        );
        assert_eq!(
            period_ends(
                default_since(day("2025-12-20"), Period::Week),
                Period::Week,
                day("2025-12-20")
            )
            .len(),
            12
        );
    }
}
