//! Opaque keyset cursors for `?after=` parameters ("<micros>_<id>", "<lower title>_<id>",
//! "<date>_<id>" and, for search, "<rank>_<kind>_<id>"). A thread cursor is read for the order
//! the request asks for. Pages and the API read and write the same cursors, so they live here,
//! beside the operations that page with them.

use chrono::{DateTime, NaiveDate, Utc};

use crate::db::events::EventCursor;
use crate::db::notifications::NotificationCursor;
use crate::db::search::{HitKind, SearchCursor};
use crate::db::threads::{ThreadCursor, ThreadKey, ThreadSort};
use crate::error::AppError;

/// `?after=` on a keyset-paged page: the cursor of the previous page's last row.
#[derive(Debug, serde::Deserialize)]
pub struct AfterQuery {
    pub after: Option<String>,
}

/// Encodes where the thread index continues.
pub fn encode_thread(c: &ThreadCursor) -> String {
    match &c.key {
        ThreadKey::Time(t) => format!("{}_{}", t.timestamp_micros(), c.id),
        ThreadKey::Title(title) => format!("{title}_{}", c.id),
    }
}

/// Decodes a thread cursor for `sort`; a malformed one is a 400.
pub fn decode_thread(raw: &str, sort: ThreadSort) -> Result<ThreadCursor, AppError> {
    match sort {
        ThreadSort::Activity | ThreadSort::Created => {
            let (at, id) = decode_time(raw)?;
            Ok(ThreadCursor { key: ThreadKey::Time(at), id })
        }
        ThreadSort::Title => {
            let (title, id) = split(raw)?;
            // Any text is a title (a forged one only moves where the page starts), except what
            // a `text` value cannot hold.
            if title.contains('\0') {
                return Err(bad());
            }
            Ok(ThreadCursor { key: ThreadKey::Title(title.to_owned()), id })
        }
    }
}

/// Encodes where the events index continues.
pub fn encode_event(c: EventCursor) -> String {
    format!("{}_{}", c.occurred_on, c.id)
}

/// Decodes an event cursor; a malformed one is a 400.
pub fn decode_event(raw: &str) -> Result<EventCursor, AppError> {
    let (date, id) = split(raw)?;
    let occurred_on = NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| bad())?;
    in_range(occurred_on)?;
    Ok(EventCursor { occurred_on, id })
}

/// Encodes where a reader's notifications continue.
pub fn encode_notification(c: NotificationCursor) -> String {
    format!("{}_{}", c.updated_at.timestamp_micros(), c.id)
}

/// Decodes a notification cursor; a malformed one is a 400.
pub fn decode_notification(raw: &str) -> Result<NotificationCursor, AppError> {
    let (updated_at, id) = decode_time(raw)?;
    Ok(NotificationCursor { updated_at, id })
}

/// Encodes where a list ordered by a moment and an id continues (stance proposals).
pub fn encode_moment(at: DateTime<Utc>, id: i64) -> String {
    format!("{}_{id}", at.timestamp_micros())
}

/// Decodes a [`encode_moment`] cursor; a malformed one is a 400.
pub fn decode_moment(raw: &str) -> Result<(DateTime<Utc>, i64), AppError> {
    decode_time(raw)
}

/// "<micros>_<id>": a time key and an id.
fn decode_time(raw: &str) -> Result<(DateTime<Utc>, i64), AppError> {
    let (head, id) = split(raw)?;
    let micros: i64 = head.parse().map_err(|_| bad())?;
    let at = DateTime::<Utc>::from_timestamp_micros(micros).ok_or_else(bad)?;
    in_range(at.date_naive())?;
    Ok((at, id))
}

/// Encodes where search results continue: the rank prints exactly (Rust's shortest round-trip
/// form of an `f32`), so the next page seeks past exactly the last hit shown.
pub fn encode_search(c: SearchCursor) -> String {
    format!("{}_{}_{}", c.rank, c.kind.ordinal(), c.id)
}

/// Decodes a search cursor; a malformed one is a 400.
pub fn decode_search(raw: &str) -> Result<SearchCursor, AppError> {
    let (head, id) = split(raw)?;
    let (rank, kind) = head.rsplit_once('_').ok_or_else(bad)?;
    let rank: f32 = rank.parse().map_err(|_| bad())?;
    let kind = kind.parse().ok().and_then(HitKind::from_ordinal).ok_or_else(bad)?;
    if !rank.is_finite() || rank < 0.0 || id < 0 {
        return Err(bad());
    }
    Ok(SearchCursor { rank, kind, id })
}

fn split(raw: &str) -> Result<(&str, i64), AppError> {
    let (head, id) = raw.rsplit_once('_').ok_or_else(bad)?;
    Ok((head, id.parse().map_err(|_| bad())?))
}

/// Dates PostgreSQL and people both understand; anything else is not a cursor we made.
fn in_range(date: NaiveDate) -> Result<(), AppError> {
    use chrono::Datelike;
    if (1..=9999).contains(&date.year()) { Ok(()) } else { Err(bad()) }
}

fn bad() -> AppError {
    AppError::BadRequest("the page cursor is not valid".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let at = DateTime::<Utc>::from_timestamp_micros(1_709_900_000_123_456).unwrap();
        let c = ThreadCursor { key: ThreadKey::Time(at), id: 42 };
        assert_eq!(decode_thread(&encode_thread(&c), ThreadSort::Activity).unwrap(), c);
        let t = ThreadCursor { key: ThreadKey::Title("why_not? a_b".to_owned()), id: 7 };
        assert_eq!(decode_thread(&encode_thread(&t), ThreadSort::Title).unwrap(), t);
        let e = EventCursor { occurred_on: NaiveDate::from_ymd_opt(2024, 7, 23).unwrap(), id: 7 };
        assert_eq!(decode_event(&encode_event(e)).unwrap(), e);
        assert!(decode_thread("1' OR 1=1", ThreadSort::Activity).is_err());
        assert!(decode_thread("abc_1", ThreadSort::Created).is_err());
        assert!(decode_thread("a\0b_1", ThreadSort::Title).is_err());
        assert!(decode_event("yesterday_1").is_err());
        assert!(decode_event("-5000-01-01_1").is_err());
        assert!(decode_thread("-220000000000000000_1", ThreadSort::Activity).is_err());
        let s = SearchCursor { rank: 0.607_927_1, kind: HitKind::Event, id: 12 };
        assert_eq!(decode_search(&encode_search(s)).unwrap(), s);
        let tiny = SearchCursor { rank: 1e-30, kind: HitKind::Thread, id: 1 };
        assert_eq!(decode_search(&encode_search(tiny)).unwrap(), tiny);
        for garbage in ["", "0.5_1", "NaN_0_1", "inf_0_1", "0.5_3_1", "0.5_0_x", "-1_0_1", "0.5_0_-3", "a_b_c"] {
            assert!(decode_search(garbage).is_err(), "{garbage}");
        }
    }
}
