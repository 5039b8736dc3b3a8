//! How a moment is written in text people read ("2026-03-08 14:05 UTC").
//!
//! It lives in `domain`, not beside the other formats in `render::format`, because domain rules
//! word their messages with it (a lock or suspension "until 2026-03-08 14:05 UTC");
//! `render::format` re-exports it, so pages and messages write times alike.

use chrono::{DateTime, Utc};

/// "2026-03-08 14:05 UTC", for revision lists and messages.
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}
