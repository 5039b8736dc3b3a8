//! Opaque keyset cursors for `?after=` parameters ("<micros>_<id>", "<date>_<id>" and, for
//! search, "<rank>_<kind>_<id>").

use chrono::{DateTime, NaiveDate, Utc};

use crate::db::events::EventCursor;
use crate::db::search::{HitKind, SearchCursor};
use crate::db::threads::ThreadCursor;
use crate::error::AppError;

/// Encodes where the thread index continues.
pub fn encode_thread(c: ThreadCursor) -> String {
    format!("{}_{}", c.updated_at.timestamp_micros(), c.id)
}

/// Decodes a thread cursor; a malformed one is a 400.
pub fn decode_thread(raw: &str) -> Result<ThreadCursor, AppError> {
    let (micros, id) = split(raw)?;
    let micros: i64 = micros.parse().map_err(|_| bad())?;
    let updated_at = DateTime::<Utc>::from_timestamp_micros(micros).ok_or_else(bad)?;
    in_range(updated_at.date_naive())?;
    Ok(ThreadCursor { updated_at, id })
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
        let c =
            ThreadCursor { updated_at: DateTime::<Utc>::from_timestamp_micros(1_709_900_000_123_456).unwrap(), id: 42 };
        assert_eq!(decode_thread(&encode_thread(c)).unwrap(), c);
        let e = EventCursor { occurred_on: NaiveDate::from_ymd_opt(2024, 7, 23).unwrap(), id: 7 };
        assert_eq!(decode_event(&encode_event(e)).unwrap(), e);
        assert!(decode_thread("1' OR 1=1").is_err());
        assert!(decode_event("yesterday_1").is_err());
        assert!(decode_event("-5000-01-01_1").is_err());
        assert!(decode_thread("-220000000000000000_1").is_err());
        let s = SearchCursor { rank: 0.607_927_1, kind: HitKind::Event, id: 12 };
        assert_eq!(decode_search(&encode_search(s)).unwrap(), s);
        let tiny = SearchCursor { rank: 1e-30, kind: HitKind::Thread, id: 1 };
        assert_eq!(decode_search(&encode_search(tiny)).unwrap(), tiny);
        for garbage in ["", "0.5_1", "NaN_0_1", "inf_0_1", "0.5_2_1", "0.5_0_x", "-1_0_1", "0.5_0_-3", "a_b_c"] {
            assert!(decode_search(garbage).is_err(), "{garbage}");
        }
    }
}
