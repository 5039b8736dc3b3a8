//! Dates as the page format writes them ("Since Feb 2023", "Updated Mar 8, 2026", "Mar 8, 2026,
//! 14:05 UTC"). Pages show these inside `<time datetime="…" title="…">`, the exact moment in both
//! attributes (`iso_timestamp`); feeds write RFC 3339 themselves.

use chrono::{DateTime, Utc};

/// "Feb 2023".
pub fn month_year(at: DateTime<Utc>) -> String {
    at.format("%b %Y").to_string()
}

/// "Mar 8, 2026".
pub fn day(at: DateTime<Utc>) -> String {
    at.format("%b %-d, %Y").to_string()
}

/// "Mar 8, 2026, 14:05 UTC": a moment in a list of changes, revisions or notifications.
pub fn moment(at: DateTime<Utc>) -> String {
    at.format("%b %-d, %Y, %H:%M UTC").to_string()
}

/// "2026-03-08", for machine-readable `<time datetime>` and compact lists.
pub fn iso_date(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d").to_string()
}

/// "2026-03-08 14:05 UTC", for revision lists: the one way a moment is written, in pages and
/// in domain messages alike.
pub use crate::domain::time::timestamp;

/// "2026-03-08T14:05:09Z": a `<time datetime>` value (HTML allows at most three digits of a
/// fraction of a second, so there are none).
pub fn iso_timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// "Jul 18, 2023", for event dates (in `domain` because a change's words name dates too).
pub use crate::domain::time::event_date;

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, TimeZone};

    #[test]
    fn formats_follow_the_page() {
        let at = Utc.with_ymd_and_hms(2026, 3, 8, 14, 5, 0).unwrap();
        assert_eq!(month_year(at), "Mar 2026");
        assert_eq!(day(at), "Mar 8, 2026");
        assert_eq!(timestamp(at), "2026-03-08 14:05 UTC");
        assert_eq!(moment(at), "Mar 8, 2026, 14:05 UTC");
        assert_eq!(event_date(NaiveDate::from_ymd_opt(2023, 7, 18).unwrap()), "Jul 18, 2023");
    }
}
