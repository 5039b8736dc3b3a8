//! Restrictions a moderator puts in force, with the words users see: a thread lock (only
//! moderators change the thread) and an account suspension (the user reads, every write is
//! refused). Both last until a time or until a moderator lifts them; "until …" is worded here
//! only, by `until_text`.

use chrono::{DateTime, Utc};

use super::time::timestamp;

/// A lock in force: only moderators change the thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lock {
    /// `None`: until a moderator unlocks it.
    pub until: Option<DateTime<Utc>>,
    pub reason: String,
}

impl Lock {
    /// "until 2026-12-02 00:00 UTC" or "until a moderator unlocks it".
    pub fn until_text(&self) -> String {
        until_text(self.until, "until a moderator unlocks it")
    }

    /// "this thread is locked until … (reason: …)".
    pub fn describe(&self) -> String {
        let until = self.until_text();
        if self.reason.is_empty() {
            format!("this thread is locked {until}")
        } else {
            format!("this thread is locked {until} (reason: {})", self.reason)
        }
    }
}

/// A suspension in force: the user reads, and every write is refused with this.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suspension {
    /// `None`: until a moderator lifts it.
    pub until: Option<DateTime<Utc>>,
    pub reason: String,
}

impl Suspension {
    /// "until 2026-12-02 00:00 UTC" or "until lifted", as the moderation log records it.
    pub fn until_text(&self) -> String {
        until_text(self.until, "until lifted")
    }

    /// The refusal a suspended user's writes get, and the notice on every page they load.
    pub fn refusal(&self) -> String {
        let until = until_text(self.until, "until a moderator lifts it");
        format!("your account is suspended {until} (reason: {}); you can read but not change anything", self.reason)
    }

    /// The suspension as others read it on `username`'s page ("alice is suspended until …").
    pub fn describe_of(&self, username: &str) -> String {
        let until = until_text(self.until, "until a moderator lifts it");
        format!("{username} is suspended {until} (reason: {})", self.reason)
    }
}

/// How the end of a lock or suspension is written in forms and the API: a `datetime-local`
/// value (`2026-12-31T18:00`, seconds allowed) or a date (`2026-12-31`, midnight), in UTC.
/// Empty: no end. One parser, so a lock and a suspension take the same input.
pub fn parse_until(text: &str, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let parsed = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|f| chrono::NaiveDateTime::parse_from_str(text, f).ok())
        .or_else(|| {
            chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok().map(|d| d.and_time(chrono::NaiveTime::MIN))
        })
        .ok_or_else(|| "the end must be a date and time such as 2026-12-31T18:00 (UTC)".to_owned())?
        .and_utc();
    if parsed <= now {
        return Err("the end must be in the future".to_owned());
    }
    Ok(Some(parsed))
}

/// "until <time>" for a restriction that ends, `open_ended` for one that lasts until lifted.
fn until_text(until: Option<DateTime<Utc>>, open_ended: &str) -> String {
    match until {
        Some(at) => format!("until {}", timestamp(at)),
        None => open_ended.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn restrictions_say_until_when() {
        let at = Utc.with_ymd_and_hms(2026, 12, 2, 0, 0, 0).unwrap();
        let lock = Lock { until: Some(at), reason: "edit war".into() };
        assert_eq!(lock.describe(), "this thread is locked until 2026-12-02 00:00 UTC (reason: edit war)");
        let open = Lock { until: None, reason: String::new() };
        assert_eq!(open.describe(), "this thread is locked until a moderator unlocks it");
        let suspension = Suspension { until: None, reason: "spam".into() };
        assert_eq!(suspension.until_text(), "until lifted");
        assert_eq!(
            suspension.refusal(),
            "your account is suspended until a moderator lifts it (reason: spam); you can read but not change anything"
        );
        assert_eq!(suspension.describe_of("alice"), "alice is suspended until a moderator lifts it (reason: spam)");
        assert_eq!(Suspension { until: Some(at), ..suspension }.until_text(), "until 2026-12-02 00:00 UTC");
    }

    #[test]
    fn locks_and_suspensions_end_at_a_datetime_local_value_or_a_date() {
        let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let at = Utc.with_ymd_and_hms(2026, 12, 31, 18, 0, 0).unwrap();
        assert_eq!(parse_until("2026-12-31T18:00", now), Ok(Some(at)));
        assert_eq!(parse_until(" 2026-12-31T18:00:00 ", now), Ok(Some(at)));
        assert_eq!(parse_until("2026-12-31", now), Ok(Some(Utc.with_ymd_and_hms(2026, 12, 31, 0, 0, 0).unwrap())));
        assert_eq!(parse_until("", now), Ok(None));
        assert!(parse_until("next week", now).unwrap_err().contains("2026-12-31T18:00"));
        assert!(parse_until("2025-12-31", now).unwrap_err().contains("future"));
    }
}
