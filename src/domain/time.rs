//! How a moment is written in text people read ("2026-03-08 14:05 UTC").
//!
//! It lives in `domain`, not beside the other formats in `render::format`, because domain rules
//! word their messages with it (a lock or suspension "until 2026-03-08 14:05 UTC");
//! `render::format` re-exports it, so pages and messages write times alike.

use chrono::{DateTime, NaiveDate, Utc};

/// "2026-03-08 14:05 UTC", for revision lists and messages.
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// "Jul 18, 2023": an event's date, on pages and in the words of a change to it.
pub fn event_date(on: NaiveDate) -> String {
    on.format("%b %-d, %Y").to_string()
}
