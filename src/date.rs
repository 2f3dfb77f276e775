//! Calendar dates as comply reads them: strict `YYYY-MM-DD`, real days only.

use chrono::NaiveDate;

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
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("`{text}` is not a real calendar day"))
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
